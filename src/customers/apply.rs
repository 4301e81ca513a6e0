//! Writing an imported customer list into the registry (§2): good rows go in, each
//! bad row is reported with its row, column and reason and changes nothing.
//!
//! The whole file is one transaction (each row in its own savepoint), so an import
//! is atomic against crashes, and `--dry-run` is the same run rolled back.

use serde::Serialize;

use super::import::{ImportBatch, RowError};
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
    pub dry_run: bool,
}

/// Applies `batch`; on `dry_run` everything is rolled back after the report is made.
pub fn apply_batch(
    store: &mut Store,
    batch: ImportBatch,
    actor: &str,
    dry_run: bool,
) -> Result<ApplyReport, StoreError> {
    let mut report = ApplyReport {
        errors: batch.errors,
        warnings: batch.warnings,
        dry_run,
        ..Default::default()
    };
    let mut tx = store.write()?;
    for (row, record) in &batch.records {
        let sp = tx.savepoint()?;
        match upsert(&sp, record, actor) {
            Ok(done) => {
                sp.commit()?;
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
