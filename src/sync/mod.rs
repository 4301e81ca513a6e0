//! IMAP sync: copies every selected folder of a mailbox into the store — the source step of
//! "a background daemon reads sales mailboxes over IMAP" (MISSION: the job; §2 one system for
//! all records, §2.4 handover continuity).
//!
//! Per folder: EXAMINE (read-only), compare UIDVALIDITY with the stored state, list the
//! server's UIDs, fetch the new ones in ascending batches with `BODY.PEEK[]` (nothing is
//! marked read), and write each batch — messages, customer matches and the folder's new
//! watermark — in one transaction. Parsing and storing a batch overlaps the fetch of the
//! next, so the network is not idle while the database works. Messages the server no longer
//! has keep their place in the store; their location is marked gone.
//!
//! `tradewind sync --once` and the daemon (`tradewind run`) both drive this module.

pub mod attachments;
pub mod fetch;
pub mod folders;
pub mod memory;
pub mod state;
pub mod utf7;

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use tokio::sync::oneshot;

use rusqlite::params;

use crate::config::{Config, ImapAuth, Mailbox, SecretError};
use crate::ingest::direction;
use crate::matching::Matcher;
use crate::parse::{parse_mail, ParsedMail};
use crate::progress::Progress;
use crate::source::imap::{
    connect_and_authenticate, FetchedMessage, ImapCause, ImapCredentials, ImapEndpoint, ImapError,
    ImapSession, ImapStage,
};
use crate::store::messages::{store_message, Location};
use crate::store::worker::{StoreWorker, WorkerGone};
use crate::store::StoreError;
use crate::tls::TlsMode;

pub use folders::{Folder, FolderRole};
use state::FolderState;

/// How a sync runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Messages per UID FETCH and per write transaction (the mailbox's `batch_size`).
    pub batch_size: usize,
    /// Draw a progress bar (a terminal in the foreground); otherwise progress goes to the log.
    pub show_progress: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch_size: 200,
            show_progress: false,
        }
    }
}

/// What syncing one folder did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FolderReport {
    /// Decoded Unicode name.
    pub folder: String,
    /// Messages downloaded.
    pub fetched: usize,
    /// Messages new to the store.
    pub new_messages: usize,
    /// Messages already stored (another mailbox or folder) that gained this location.
    pub new_locations: usize,
    /// Locations marked gone: deleted on the server.
    pub gone: usize,
    /// Messages that could not be parsed, kept raw in `unparsed_messages`.
    pub failed: usize,
    /// The server's UIDVALIDITY changed: the folder was re-scanned.
    pub uidvalidity_reset: bool,
}

/// What syncing one mailbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MailboxReport {
    pub mailbox: String,
    pub folders: Vec<FolderReport>,
}

impl MailboxReport {
    /// Sum of `f` over the folders.
    pub fn total(&self, f: impl Fn(&FolderReport) -> usize) -> usize {
        self.folders.iter().map(f).sum()
    }
}

/// Why a sync failed; every variant names the mailbox.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("no mailbox named '{name}' in the config; configured: {known}")]
    UnknownMailbox { name: String, known: String },
    #[error("mailbox '{0}' has no [mailboxes.imap] section: nothing to sync")]
    NoImap(String),
    #[error("mailbox '{mailbox}': cannot read its credentials: {source}")]
    Credentials {
        mailbox: String,
        source: SecretError,
    },
    #[error("mailbox '{mailbox}': {source}")]
    Imap {
        mailbox: String,
        source: Box<ImapError>,
    },
    #[error("mailbox '{mailbox}': folder {folder:?}: the server sent no UIDVALIDITY; cannot sync it safely")]
    NoUidValidity { mailbox: String, folder: String },
    #[error("mailbox '{mailbox}': database: {source}")]
    Store { mailbox: String, source: StoreError },
    #[error("mailbox '{mailbox}': {source}")]
    Archive {
        mailbox: String,
        source: attachments::ArchiveError,
    },
    #[error("mailbox '{0}': the sync was interrupted (shutting down)")]
    Interrupted(String),
    #[error("mailbox '{mailbox}': {source}")]
    WorkerGone { mailbox: String, source: WorkerGone },
}

impl SyncError {
    /// True when a person must act before a retry can succeed: the server refused the
    /// credentials (wrong password, expired token) or they cannot be read. The daemon retries
    /// these slowly instead of hammering the server.
    pub fn is_auth(&self) -> bool {
        match self {
            SyncError::Credentials { .. } => true,
            SyncError::Imap { source, .. } => {
                matches!(source.stage(), ImapStage::Login { .. })
                    && matches!(
                        source.cause(),
                        ImapCause::Protocol(
                            async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_)
                        )
                    )
            }
            _ => false,
        }
    }

    /// The mailbox the error concerns, when known.
    pub fn mailbox(&self) -> Option<&str> {
        match self {
            SyncError::UnknownMailbox { name, .. } => Some(name),
            SyncError::NoImap(m) | SyncError::Interrupted(m) => Some(m),
            SyncError::Credentials { mailbox, .. }
            | SyncError::Imap { mailbox, .. }
            | SyncError::NoUidValidity { mailbox, .. }
            | SyncError::Store { mailbox, .. }
            | SyncError::Archive { mailbox, .. }
            | SyncError::WorkerGone { mailbox, .. } => Some(mailbox),
        }
    }
}

fn mailbox_config<'a>(config: &'a Config, mailbox: &str) -> Result<&'a Mailbox, SyncError> {
    config
        .mailbox(mailbox)
        .ok_or_else(|| SyncError::UnknownMailbox {
            name: mailbox.to_owned(),
            known: config
                .mailboxes
                .iter()
                .map(|m| m.name.get_ref().as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The options a mailbox's config asks for (`batch_size`), with `show_progress`.
pub fn options_for(config: &Config, mailbox: &str, show_progress: bool) -> SyncOptions {
    SyncOptions {
        batch_size: config
            .mailbox(mailbox)
            .and_then(|m| m.imap.as_ref())
            .map_or(200, |i| i.batch_size.max(1)),
        show_progress,
    }
}

/// Connects, logs in, lists folders, syncs each selected folder once, logs out.
pub async fn sync_mailbox(
    worker: &StoreWorker,
    config: &Config,
    mailbox: &str,
    opts: &SyncOptions,
) -> Result<MailboxReport, SyncError> {
    let mailbox_cfg = mailbox_config(config, mailbox)?;
    let mut session = open_session(config, mailbox).await?;
    let folders = list_folders(&mut session, mailbox_cfg).await?;
    let mut report = MailboxReport {
        mailbox: mailbox.to_owned(),
        folders: Vec::with_capacity(folders.len()),
    };
    for folder in &folders {
        let folder_report =
            sync_folder(&mut session, worker, config, mailbox, folder, opts).await?;
        report.folders.push(folder_report);
    }
    if let Err(e) = session.logout().await {
        tracing::debug!(mailbox, error = %e, "IMAP logout failed after a complete sync");
    }
    Ok(report)
}

/// Where a mailbox's IMAP server is: host, port (993/143 by default), TLS mode, and the CA
/// file resolved against the config file's directory.
pub fn endpoint(config: &Config, imap: &crate::config::Imap) -> ImapEndpoint {
    ImapEndpoint {
        host: imap.host.clone(),
        port: imap.port.unwrap_or(match imap.tls {
            TlsMode::Implicit => 993,
            TlsMode::Starttls | TlsMode::Plain => 143,
        }),
        tls: imap.tls,
        ca_file: imap.ca_file.as_ref().map(|p| {
            let base = config
                .source_path
                .parent()
                .unwrap_or(std::path::Path::new("."));
            base.join(p)
        }),
    }
}

/// Opens a logged-in session for `mailbox`, reading its password or OAuth2 token afresh
/// (a rotated password or refreshed token is picked up at every connect).
pub async fn open_session(config: &Config, mailbox: &str) -> Result<ImapSession, SyncError> {
    let mailbox_cfg = mailbox_config(config, mailbox)?;
    let imap = mailbox_cfg
        .imap
        .as_ref()
        .ok_or_else(|| SyncError::NoImap(mailbox.to_owned()))?;
    let endpoint = endpoint(config, imap);
    let credentials = |source| SyncError::Credentials {
        mailbox: mailbox.to_owned(),
        source,
    };
    let secret = match (imap.auth, &imap.password, &imap.oauth2_token) {
        (ImapAuth::Password, Some(password), _) => password.reveal().map_err(credentials)?,
        (ImapAuth::Xoauth2, _, Some(token)) => token.reveal().map_err(credentials)?,
        // Config validation refuses these; keep a clear message if built by hand.
        (ImapAuth::Password, None, _) => {
            return Err(credentials(SecretError::EnvMissing("password".into())))
        }
        (ImapAuth::Xoauth2, _, None) => {
            return Err(credentials(SecretError::EnvMissing("oauth2_token".into())))
        }
    };
    let creds = match imap.auth {
        ImapAuth::Password => ImapCredentials::Password(&secret),
        ImapAuth::Xoauth2 => ImapCredentials::Xoauth2(&secret),
    };
    connect_and_authenticate(&endpoint, &imap.username, &creds)
        .await
        .map_err(|source| SyncError::Imap {
            mailbox: mailbox.to_owned(),
            source: Box::new(source),
        })
}

/// The folders of the mailbox that are synced (special-use rules and include/exclude patterns).
pub async fn list_folders(
    session: &mut ImapSession,
    mailbox_cfg: &Mailbox,
) -> Result<Vec<Folder>, SyncError> {
    let listed = session
        .list_folders()
        .await
        .map_err(|source| SyncError::Imap {
            mailbox: mailbox_cfg.name.get_ref().clone(),
            source: Box::new(source),
        })?;
    let (include, exclude) = mailbox_cfg
        .imap
        .as_ref()
        .map_or((&[][..], &[][..]), |i| (&i.include[..], &i.exclude[..]));
    Ok(folders::select(&listed, include, exclude))
}

/// Batches parsed or being written while the next one is fetched. With batches of at most
/// [`fetch::MAX_BATCH_BYTES`], mail in memory stays under (depth + 1) × that cap.
const PIPELINE_DEPTH: usize = 2;

/// What a batch write needs besides the messages.
struct BatchContext {
    mailbox: String,
    folder: Folder,
    uidvalidity: u32,
    matcher: Matcher,
    /// Complaint intake (§6), None when `[tickets] enabled = false`.
    intake: Option<crate::complaints::Intake>,
    max_body_bytes: usize,
    /// The attachment archive folder, when the mailbox keeps attachment contents.
    archive: Option<std::path::PathBuf>,
}

/// What one committed batch did.
#[derive(Default)]
struct BatchOutcome {
    /// Messages written (stored, attached, or kept raw).
    handled: usize,
    new_messages: usize,
    new_locations: usize,
    failed: usize,
}

/// Syncs one folder: new messages, UIDVALIDITY changes, messages gone from the server.
pub async fn sync_folder(
    session: &mut ImapSession,
    worker: &StoreWorker,
    config: &Config,
    mailbox: &str,
    folder: &Folder,
    opts: &SyncOptions,
) -> Result<FolderReport, SyncError> {
    let imap_err = |source| SyncError::Imap {
        mailbox: mailbox.to_owned(),
        source: Box::new(source),
    };
    let store_err = |source| SyncError::Store {
        mailbox: mailbox.to_owned(),
        source,
    };
    let gone_err = |source| SyncError::WorkerGone {
        mailbox: mailbox.to_owned(),
        source,
    };
    let mut report = FolderReport {
        folder: folder.name.clone(),
        ..FolderReport::default()
    };

    let status = session.examine(&folder.raw).await.map_err(imap_err)?;
    let uidvalidity = status.uidvalidity.ok_or_else(|| SyncError::NoUidValidity {
        mailbox: mailbox.to_owned(),
        folder: folder.name.clone(),
    })?;
    let stored = {
        let (m, raw) = (mailbox.to_owned(), folder.raw.clone());
        worker
            .read(move |s| Ok(state::load(s.conn(), &m, &raw)?))
            .await
            .map_err(store_err)?
    };
    // Nothing at all changed since the last complete sync: with QRESYNC every change — new
    // mail, expunge, flag — raises HIGHESTMODSEQ (RFC 7162 §3.2), so an equal value means the
    // UID list need not even be read. This keeps the daemon's polling to one EXAMINE.
    if let Some(s) = &stored {
        if s.uidvalidity == uidvalidity
            && s.highest_modseq.is_some()
            && s.highest_modseq == status.highest_modseq
            && session.has_capability("QRESYNC")
        {
            return Ok(report);
        }
    }
    let mut highest_uid = match &stored {
        Some(s) if s.uidvalidity == uidvalidity => s.highest_uid,
        Some(s) => {
            tracing::warn!(mailbox, folder = %folder.name, old = s.uidvalidity, new = uidvalidity,
                "UIDVALIDITY changed: re-scanning the folder");
            report.uidvalidity_reset = true;
            0
        }
        None => 0,
    };

    let server_uids = session.uids().await.map_err(imap_err)?;
    let new_uids: Vec<u32> = server_uids
        .iter()
        .copied()
        .filter(|&u| u > highest_uid)
        .collect();

    let imap_cfg = config.mailbox(mailbox).and_then(|m| m.imap.as_ref());
    let max_body_bytes = imap_cfg.map_or(1024 * 1024, |i| i.max_body_bytes);
    let archive = imap_cfg
        .filter(|i| i.archive_attachments)
        .map(|_| attachments::archive_dir(&config.store.data_dir));
    let ctx = Arc::new(BatchContext {
        mailbox: mailbox.to_owned(),
        folder: folder.clone(),
        uidvalidity,
        matcher: Matcher::from_config(config),
        intake: crate::complaints::Intake::from_config(config),
        max_body_bytes,
        archive,
    });

    let mut progress = Progress::new(
        &format!("{mailbox}/{}", folder.name),
        new_uids.len() as u64,
        false,
        opts.show_progress && !new_uids.is_empty(),
    );
    // Sizes first, so a batch of large attachments is split instead of held in memory whole.
    let sizes = if new_uids.is_empty() {
        Default::default()
    } else {
        fetch::sizes(session, &new_uids).await.map_err(imap_err)?
    };
    let batches = fetch::plan_batches(&new_uids, &sizes, opts.batch_size, fetch::MAX_BATCH_BYTES);
    // Three stages run side by side: this task fetches batch k+2 while batch k+1 is parsed on
    // the blocking pool and batch k is written by the database writer. Writes stay in UID
    // order — each batch task waits for its predecessor's commit — so the watermark in a
    // commit never runs ahead of the messages stored (kill -9 safety).
    let mut pending: VecDeque<tokio::task::JoinHandle<Result<BatchOutcome, SyncError>>> =
        VecDeque::new();
    let mut previous_done: Option<oneshot::Receiver<bool>> = None;
    let mut failure: Option<SyncError> = None;
    for chunk in &batches {
        let messages = match fetch::fetch_batch(session, chunk).await {
            Ok(messages) => messages,
            Err(e) => {
                failure = Some(imap_err(e));
                break;
            }
        };
        report.fetched += messages.len();
        // Every UID up to the end of this chunk is now either fetched or expunged.
        let batch_highest = *chunk.last().expect("chunks are never empty");
        while pending.len() >= PIPELINE_DEPTH {
            let oldest = pending.pop_front().expect("pending is not empty");
            match joined(oldest.await, mailbox) {
                Ok(outcome) => add(&mut report, &outcome, &mut progress),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        if failure.is_some() {
            break;
        }
        let (done, next_done) = oneshot::channel();
        pending.push_back(tokio::spawn(write_batch(
            worker.clone(),
            ctx.clone(),
            messages,
            batch_highest,
            previous_done.replace(next_done),
            done,
        )));
        highest_uid = batch_highest;
    }
    // Let the batches already handed on finish (or fail) before reporting: a sync that returns
    // leaves no write of this folder running behind the caller's back.
    for task in pending {
        match joined(task.await, mailbox) {
            Ok(outcome) => add(&mut report, &outcome, &mut progress),
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    progress.finish();

    // Locations the server no longer has, and the final state (also for an empty folder or
    // a UIDVALIDITY change with nothing new to fetch).
    let server_set: HashSet<u32> = server_uids.into_iter().collect();
    let final_state = FolderState {
        mailbox: mailbox.to_owned(),
        raw_name: folder.raw.clone(),
        name: folder.name.clone(),
        uidvalidity,
        highest_uid,
        highest_modseq: status.highest_modseq,
    };
    let (m, name) = (mailbox.to_owned(), folder.name.clone());
    report.gone = worker
        .write(move |store| -> Result<usize, StoreError> {
            let tx = store.write()?;
            state::drop_refetched_unparsed(&tx, &m, &name, uidvalidity)?;
            let gone = state::mark_gone(&tx, &m, &name, uidvalidity, &server_set)?;
            state::save(&tx, &final_state)?;
            tx.commit()?;
            Ok(gone)
        })
        .await
        .map_err(gone_err)?
        .map_err(store_err)?;
    if report.fetched > 0 || report.gone > 0 {
        tracing::info!(mailbox, folder = %folder.name, fetched = report.fetched,
            new = report.new_messages, gone = report.gone, failed = report.failed, "folder synced");
    }
    Ok(report)
}

/// The result of a batch task: a panic is passed on, a cancellation (runtime shutting down)
/// becomes an error — the batch either committed whole or not at all.
fn joined(
    result: Result<Result<BatchOutcome, SyncError>, tokio::task::JoinError>,
    mailbox: &str,
) -> Result<BatchOutcome, SyncError> {
    match result {
        Ok(outcome) => outcome,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(SyncError::Interrupted(mailbox.to_owned())),
    }
}

fn add(report: &mut FolderReport, outcome: &BatchOutcome, progress: &mut Progress) {
    report.new_messages += outcome.new_messages;
    report.new_locations += outcome.new_locations;
    report.failed += outcome.failed;
    progress.inc(outcome.handled as u64);
}

/// A fetched message after parsing (off the async threads).
enum Parsed {
    Mail {
        uid: u32,
        mail: Box<ParsedMail>,
        truncated: bool,
        /// SHA-256 of each attachment, when archived.
        archived: Vec<String>,
        /// The sentence announcing changed bank details (§5 payment-fraud watch), found
        /// here rather than by the single database writer.
        bank_change: Option<String>,
    },
    Failed {
        uid: u32,
        error: String,
        raw: Vec<u8>,
    },
}

/// Parses a batch, then — once the previous batch has committed — stores it with its
/// matches and the folder's new watermark in one transaction. `done` says whether this
/// batch committed; a batch whose predecessor did not commit writes nothing (its watermark
/// would cover the lost batch's UIDs).
async fn write_batch(
    worker: StoreWorker,
    ctx: Arc<BatchContext>,
    messages: Vec<FetchedMessage>,
    batch_highest: u32,
    previous: Option<oneshot::Receiver<bool>>,
    done: oneshot::Sender<bool>,
) -> Result<BatchOutcome, SyncError> {
    let result = parse_and_store(worker, ctx, messages, batch_highest, previous).await;
    let _ = done.send(result.is_ok());
    result
}

async fn parse_and_store(
    worker: StoreWorker,
    ctx: Arc<BatchContext>,
    messages: Vec<FetchedMessage>,
    batch_highest: u32,
    previous: Option<oneshot::Receiver<bool>>,
) -> Result<BatchOutcome, SyncError> {
    let max_body = ctx.max_body_bytes;
    let archive = ctx.archive.clone();
    let mailbox = ctx.mailbox.clone();
    let parsed = tokio::task::spawn_blocking(move || {
        messages
            .into_iter()
            .map(|m| match parse_mail(&m.body) {
                Ok(mut mail) => {
                    let truncated = cut_body(&mut mail.body_text, max_body);
                    let archived = match &archive {
                        Some(dir) if !mail.attachments.is_empty() => {
                            attachments::archive(&m.body, dir)?
                        }
                        _ => Vec::new(),
                    };
                    let bank_change = crate::credit::fraud::scan(&mail.subject, &mail.body_text);
                    Ok(Parsed::Mail {
                        uid: m.uid,
                        mail: Box::new(mail),
                        truncated,
                        archived,
                        bank_change,
                    })
                }
                Err(e) => Ok(Parsed::Failed {
                    uid: m.uid,
                    error: e.to_string(),
                    raw: m.body,
                }),
            })
            .collect::<Result<Vec<_>, attachments::ArchiveError>>()
    })
    .await
    .expect("parsing task panicked")
    .map_err(|source| SyncError::Archive {
        mailbox: mailbox.clone(),
        source,
    })?;

    if let Some(previous) = previous {
        if previous.await != Ok(true) {
            return Err(SyncError::Interrupted(mailbox));
        }
    }
    let result = worker
        .write(move |store| store_batch(store, &ctx, parsed, batch_highest))
        .await;
    result
        .map_err(|source| SyncError::WorkerGone {
            mailbox: mailbox.clone(),
            source,
        })?
        .map_err(|source| SyncError::Store { mailbox, source })
}

/// Cuts `body` to at most `max` bytes at a character boundary; true when it was cut.
fn cut_body(body: &mut String, max: usize) -> bool {
    if body.len() <= max {
        return false;
    }
    let mut end = max;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    body.truncate(end);
    true
}

fn store_batch(
    store: &mut crate::store::Store,
    ctx: &BatchContext,
    parsed: Vec<Parsed>,
    batch_highest: u32,
) -> Result<BatchOutcome, StoreError> {
    let mut outcome = BatchOutcome::default();
    let tx = store.write()?;
    let now = crate::store::now();
    for item in parsed {
        outcome.handled += 1;
        match item {
            Parsed::Mail {
                uid,
                mail,
                truncated,
                archived,
                bank_change,
            } => {
                let location = Location {
                    mailbox: &ctx.mailbox,
                    folder: &ctx.folder.name,
                    uidvalidity: Some(ctx.uidvalidity),
                    uid: Some(uid),
                    source_ref: None,
                };
                let direction = direction(&mail, &ctx.matcher);
                let stored = store_message(&tx, &mail, direction, &location)?;
                if stored.new_message {
                    outcome.new_messages += 1;
                    if truncated {
                        tx.execute(
                            "UPDATE messages SET body_truncated = 1 WHERE id = ?1",
                            [stored.id],
                        )?;
                    }
                    let mut set_hash = tx.prepare_cached(
                        "UPDATE attachments SET content_sha256 = ?1 WHERE message_id = ?2 AND position = ?3",
                    )?;
                    for (position, hash) in archived.iter().enumerate() {
                        set_hash.execute(params![hash, stored.id, position as i64])?;
                    }
                    ctx.matcher.refile(&tx, stored.id)?;
                    if direction == crate::store::messages::Direction::Inbound {
                        crate::credit::fraud::record(&tx, stored.id, bank_change.as_deref())?;
                    }
                    if let Some(intake) = &ctx.intake {
                        intake.on_stored(&tx, stored.id)?;
                    }
                } else if stored.new_location {
                    outcome.new_locations += 1;
                } else {
                    // Already here: re-attach it to its current UID (a UIDVALIDITY change,
                    // an offline import of the same folder, or a message that came back).
                    tx.prepare_cached(
                        "UPDATE message_locations SET uidvalidity = ?1, uid = ?2, gone_at = NULL
                         WHERE message_id = ?3 AND mailbox = ?4 AND folder = ?5
                           AND (uid IS NULL OR uidvalidity IS NOT ?1 OR gone_at IS NOT NULL)",
                    )?
                    .execute(params![
                        ctx.uidvalidity,
                        uid,
                        stored.id,
                        ctx.mailbox,
                        ctx.folder.name
                    ])?;
                }
            }
            Parsed::Failed { uid, error, raw } => {
                tracing::warn!(mailbox = %ctx.mailbox, folder = %ctx.folder.name, uid, %error,
                    "message could not be parsed; kept raw in unparsed_messages");
                tx.prepare_cached(
                    "INSERT INTO unparsed_messages (mailbox, folder, uidvalidity, uid, error, raw, raw_size, stored_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (mailbox, folder, uidvalidity, uid) DO NOTHING",
                )?
                .execute(params![
                    ctx.mailbox,
                    ctx.folder.name,
                    ctx.uidvalidity,
                    uid,
                    error,
                    raw,
                    raw.len() as i64,
                    now
                ])?;
                outcome.failed += 1;
            }
        }
    }
    state::save(
        &tx,
        &FolderState {
            mailbox: ctx.mailbox.clone(),
            raw_name: ctx.folder.raw.clone(),
            name: ctx.folder.name.clone(),
            uidvalidity: ctx.uidvalidity,
            highest_uid: batch_highest,
            // HIGHESTMODSEQ also covers expunges, handled only when the folder is done;
            // until then none is recorded.
            highest_modseq: None,
        },
    )?;
    tx.commit()?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_bodies_on_char_boundaries() {
        let mut body = "货物已发出".to_string(); // 15 bytes
        assert!(cut_body(&mut body, 7));
        assert_eq!(body, "货物");
        let mut short = "ok".to_string();
        assert!(!cut_body(&mut short, 7));
        assert_eq!(short, "ok");
    }
}
