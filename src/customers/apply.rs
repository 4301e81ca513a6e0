//! Writing an imported customer list into the registry (§2): good rows go in, each
//! bad row is reported with its row, column and reason and changes nothing.
//!
//! The whole file is one transaction (each row in its own savepoint), so an import
//! is atomic against crashes, and `--dry-run` is the same run rolled back.

use serde::Serialize;

use super::import::{ImportBatch, RowError};
use crate::config::DuplicateModes;
use crate::dedupe::{self, DedupeIndex};
use crate::matching::Matcher;
use crate::store::customers::{upsert, CustomerError, Upsert};
use crate::store::{Store, StoreError};

/// What applying an import did (or would do, on a dry run).
#[derive(Debug, Default, Serialize)]
pub struct ApplyReport {
    pub created: Vec<String>,
    pub updated: Vec<Upsert>,
    pub unchanged: usize,
    pub errors: Vec<RowError>,
    pub warnings: Vec<String>,
    /// Possible duplicates (查重) of new customers, per row: `block` ones are also in
    /// `errors` (the row was rejected), `warn` ones were imported anyway.
    pub duplicates: Vec<RowDuplicate>,
    pub dry_run: bool,
}

/// A new customer of an import that collides with an existing record.
#[derive(Debug, Clone, Serialize)]
pub struct RowDuplicate {
    pub row: usize,
    pub code: String,
    #[serde(flatten)]
    pub collision: dedupe::Collision,
}

/// Applies `batch` like [`apply_batch`], checking each new customer for duplicates
/// (查重) first: a `block` collision rejects the row, a `warn` one is reported.
pub fn apply_batch_checked(
    store: &mut Store,
    batch: ImportBatch,
    actor: &str,
    dry_run: bool,
    matcher: &Matcher,
    modes: &DuplicateModes,
) -> Result<ApplyReport, StoreError> {
    apply(store, batch, actor, dry_run, Some((matcher, modes)))
}

/// Applies `batch`; on `dry_run` everything is rolled back after the report is made.
pub fn apply_batch(
    store: &mut Store,
    batch: ImportBatch,
    actor: &str,
    dry_run: bool,
) -> Result<ApplyReport, StoreError> {
    apply(store, batch, actor, dry_run, None)
}

fn apply(
    store: &mut Store,
    batch: ImportBatch,
    actor: &str,
    dry_run: bool,
    check: Option<(&Matcher, &DuplicateModes)>,
) -> Result<ApplyReport, StoreError> {
    let mut report = ApplyReport {
        errors: batch.errors,
        warnings: batch.warnings,
        dry_run,
        ..Default::default()
    };
    let mut tx = store.write()?;
    let mut index = match check {
        Some((matcher, _)) => Some(DedupeIndex::load(&tx, matcher)?),
        None => None,
    };
    for (row, record) in &batch.records {
        if let (Some(index), Some((matcher, modes))) = (index.as_ref(), check) {
            let is_new: bool = tx.query_row(
                "SELECT NOT EXISTS (SELECT 1 FROM customers WHERE code = ?1)",
                [record.code.trim()],
                |r| r.get(0),
            )?;
            let collisions = if is_new {
                index.check(record, matcher, modes)
            } else {
                Vec::new()
            };
            let blocked = dedupe::blocks(&collisions);
            for c in collisions {
                if c.mode == crate::config::DuplicateMode::Block {
                    report.errors.push(RowError {
                        row: *row,
                        column: c.key.name().to_string(),
                        reason: format!("duplicate (查重): {c}"),
                    });
                }
                report.duplicates.push(RowDuplicate {
                    row: *row,
                    code: record.code.clone(),
                    collision: c,
                });
            }
            if blocked {
                continue;
            }
        }
        let sp = tx.savepoint()?;
        match upsert(&sp, record, actor) {
            Ok(done) => {
                sp.commit()?;
                if let (Some(index), Some((matcher, _))) = (index.as_mut(), check) {
                    index.insert(record, matcher);
                }
                if done.created {
                    report.created.push(done.code);
                } else if done.changes.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.updated.push(done);
                }
            }
            Err(CustomerError::Sql(e)) => return Err(e.into()),
            Err(e) => {
                drop(sp); // rolls the row back
                let column = match e {
                    CustomerError::UnknownUser(_) => "owner",
                    _ => "code",
                };
                report.errors.push(RowError {
                    row: *row,
                    column: column.to_string(),
                    reason: e.to_string(),
                });
            }
        }
    }
    report.errors.sort_by_key(|e| e.row);
    if dry_run {
        tx.rollback()?;
    } else {
        tx.commit()?;
    }
    Ok(report)
}
