//! The import pipeline for offline mail: source → parse → store → match.
//!
//! Messages are written in batches, one transaction each, so a large import costs a
//! few hundred commits, not one per message; a crash loses at most the open batch,
//! and re-running the import picks up where it stopped (every step is idempotent:
//! a message already stored only gains a location).

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Config;
use crate::matching::Matcher;
use crate::parse::{parse_mail, AddressKind, ParsedMail};
use crate::progress::Progress;
use crate::source::offline::{self, OfflineError, Problem};
use crate::store::messages::{store_message, Direction, Location};
use crate::store::{Store, StoreError};

/// Messages per write transaction.
const BATCH: usize = 500;

/// Why an import could not run at all (per-message problems are in the report).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("no mailbox named '{name}' in {config}; configured: {known}")]
    UnknownMailbox {
        name: String,
        config: String,
        known: String,
    },
    #[error(transparent)]
    Source(#[from] OfflineError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("database error while importing: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// What an import did.
#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    /// Messages read from the source.
    pub read: usize,
    /// Messages new to the store.
    pub new_messages: usize,
    /// Messages already stored (from another mailbox) that gained this location.
    pub new_locations: usize,
    /// Messages already stored at this very location (a repeated import).
    pub already_stored: usize,
    /// New messages filed under at least one customer.
    pub matched: usize,
    /// Complaint tickets opened (§6).
    pub tickets_opened: usize,
    pub by_direction: BTreeMap<&'static str, usize>,
    pub by_folder: BTreeMap<String, usize>,
    /// Files or messages that could not be read or parsed, with the reason.
    pub problems: Vec<Problem>,
    /// Of the messages that could not be parsed, how many are kept raw with their error in
    /// `unparsed_messages` (issue 9: nothing read is lost; a repeated import adds none).
    pub kept_raw: usize,
}

/// Decides inbound / outbound / internal from the company's own domains.
pub fn direction(mail: &ParsedMail, matcher: &Matcher) -> Direction {
    let ours = |p: &crate::parse::Participant| matcher.is_company_domain(p.domain());
    let from_us = mail.from().is_some_and(ours);
    if !from_us {
        return Direction::Inbound;
    }
    let recipients = [AddressKind::To, AddressKind::Cc, AddressKind::Bcc];
    if mail.participants(&recipients).all(ours) {
        Direction::Internal
    } else {
        Direction::Outbound
    }
}

/// Imports the mail under `path` into `mailbox`, matching new messages to customers.
pub fn import_mail(
    store: &mut Store,
    config: &Config,
    path: &Path,
    mailbox: &str,
    show_progress: bool,
) -> Result<ImportReport, IngestError> {
    if config.mailbox(mailbox).is_none() {
        return Err(IngestError::UnknownMailbox {
            name: mailbox.to_string(),
            config: config.source_path.display().to_string(),
            known: config
                .mailboxes
                .iter()
                .map(|m| m.name.get_ref().as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let sources = offline::scan(path)?;
    let total: u64 = sources.iter().map(|s| s.size).sum();
    let mut progress = Progress::new("importing mail", total, true, show_progress);
    let matcher = Matcher::from_config(config);
    let intake = crate::complaints::Intake::from_config(config);
    let mut report = ImportReport::default();
    let mut batch: Vec<(offline::RawMail, ParsedMail)> = Vec::with_capacity(BATCH);
    let mut failure: Option<IngestError> = None;
    // (source, error, bytes) of messages the parser refused, kept raw after the import.
    let mut unparsed: Vec<(String, String, Vec<u8>)> = Vec::new();

    offline::read_all(&sources, |item, bytes| {
        progress.inc(bytes);
        if failure.is_some() {
            return;
        }
        match item {
            Err(problem) => {
                tracing::warn!(source = %problem.source_ref, reason = %problem.reason, "skipped unreadable mail");
                report.problems.push(problem);
            }
            Ok(raw) => {
                report.read += 1;
                match parse_mail(&raw.bytes) {
                    Ok(mail) => batch.push((raw, mail)),
                    Err(e) => {
                        tracing::warn!(source = %raw.source_ref, reason = %e, "mail could not be parsed; kept raw in unparsed_messages");
                        unparsed.push((raw.source_ref.clone(), e.to_string(), raw.bytes));
                        report.problems.push(Problem {
                            source_ref: raw.source_ref,
                            reason: e.to_string(),
                        });
                    }
                }
                if batch.len() >= BATCH {
                    if let Err(e) = write_batch(
                        store,
                        &matcher,
                        intake.as_ref(),
                        mailbox,
                        &mut batch,
                        &mut report,
                    ) {
                        failure = Some(e);
                    }
                }
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    write_batch(
        store,
        &matcher,
        intake.as_ref(),
        mailbox,
        &mut batch,
        &mut report,
    )?;
    progress.finish();
    report.kept_raw = keep_unparsed(store, mailbox, &unparsed)?;
    // The index is derived: failing here loses nothing; the next catch-up or `reindex` redoes it.
    if let Err(e) = crate::index::catch_up(store, &config.store.data_dir) {
        tracing::warn!(error = %e, "imported mail is not searchable yet; run `tradewind reindex`");
    }
    Ok(report)
}

/// Stores messages the parser refused in `unparsed_messages` (folder = their source, uid 0),
/// once each; returns how many rows are new.
fn keep_unparsed(
    store: &mut Store,
    mailbox: &str,
    unparsed: &[(String, String, Vec<u8>)],
) -> Result<usize, IngestError> {
    if unparsed.is_empty() {
        return Ok(0);
    }
    let tx = store.write()?;
    let mut added = 0;
    {
        let mut insert = tx.prepare(
            "INSERT OR IGNORE INTO unparsed_messages
                 (mailbox, folder, uidvalidity, uid, error, raw, raw_size, stored_at)
             VALUES (?1, ?2, 0, 0, ?3, ?4, ?5, ?6)",
        )?;
        for (source, error, bytes) in unparsed {
            added += insert.execute(rusqlite::params![
                mailbox,
                source,
                error,
                bytes,
                bytes.len() as i64,
                crate::store::now()
            ])?;
        }
    }
    tx.commit()?;
    Ok(added)
}

fn write_batch(
    store: &mut Store,
    matcher: &Matcher,
    intake: Option<&crate::complaints::Intake>,
    mailbox: &str,
    batch: &mut Vec<(offline::RawMail, ParsedMail)>,
    report: &mut ImportReport,
) -> Result<(), IngestError> {
    if batch.is_empty() {
        return Ok(());
    }
    let tx = store.write()?;
    for (raw, mail) in batch.drain(..) {
        let direction = direction(&mail, matcher);
        let location = Location {
            mailbox,
            folder: &raw.folder,
            uidvalidity: None,
            uid: None,
            source_ref: Some(&raw.source_ref),
        };
        let stored = store_message(&tx, &mail, direction, &location)?;
        *report.by_folder.entry(raw.folder.clone()).or_default() += 1;
        if stored.new_message {
            report.new_messages += 1;
            *report.by_direction.entry(direction.key()).or_default() += 1;
            if matcher.refile(&tx, stored.id)? > 0 {
                report.matched += 1;
            }
            crate::credit::fraud::check_message(&tx, stored.id)?;
            // §6 intake: complaints become tickets, replies attach to them.
            if let Some(intake) = intake {
                if let Some(crate::complaints::Outcome::Opened { .. }) =
                    intake.on_stored(&tx, stored.id)?
                {
                    report.tickets_opened += 1;
                }
            }
        } else if stored.new_location {
            report.new_locations += 1;
        } else {
            report.already_stored += 1;
        }
    }
    tx.commit()?;
    Ok(())
}
