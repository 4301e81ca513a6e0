//! The daemon (`tradewind run`): keeps every mailbox's store up to date, forever.
//!
//! The mission's core promise is that correspondence with a customer is filed as it happens,
//! whoever's mailbox it lands in (§2.4: handover continuity needs the whole history). A
//! supervisor starts one independent tokio task per configured mailbox with IMAP settings.
//! Each task connects, runs a full sync (the [`crate::sync`] engine: batches, each committed
//! with its sync state in one transaction), then watches the mailbox ([`idle`]: IDLE on the
//! Inbox, polling of the other folders). Any failure drops the connection and reconnects
//! after a delay from [`backoff`]; a wrong password waits longer and never affects other
//! mailboxes. Each task's state is written to SQLite ([`status`]) for `tradewind status`.
//! Mail a sync stored is handed to the search index by [`index`] within a second.
//!
//! Shutdown (SIGTERM/SIGINT) is a `watch` channel: tasks drop their connection at once — an
//! in-flight batch either committed or never started, since each batch is one transaction — the
//! supervisor waits for the writer thread to finish queued work and returns within
//! [`SHUTDOWN_GRACE`]. systemd is told READY/WATCHDOG/STOPPING ([`notify`]).

pub mod backoff;
pub mod idle;
pub mod index;
pub mod notify;
pub mod outbound;
pub mod search;
pub mod status;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::Config;
use crate::source::imap::ImapError;
use crate::store::worker::{StoreWorker, WorkerGone};
use crate::store::StoreError;
use crate::sync::{self, Folder, FolderReport, SyncError, SyncOptions};
use backoff::Backoff;
use status::State;

/// How long mailbox tasks get to stop after SIGTERM before they are aborted; together with
/// the final database barrier it keeps the exit well inside systemd's (and the issue's) 5 s.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// A connection that lived this long before failing restarts the backoff from its start.
pub const STABLE_CONNECTION: Duration = Duration::from_secs(60);

/// Why the daemon could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The database could not be opened (or migrated).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The database writer thread died.
    #[error(transparent)]
    WorkerGone(#[from] WorkerGone),
    /// No mailbox has `[mailboxes.imap]` settings and the search socket is off: there is
    /// nothing to run.
    #[error("no mailbox in {0} has [mailboxes.imap] settings and [daemon] search_socket is off: nothing for the daemon to do")]
    NothingToDo(String),
    /// Installing the SIGTERM/SIGINT handlers failed.
    #[error("cannot listen for SIGTERM/SIGINT: {0}")]
    Signals(std::io::Error),
}

/// Why one connection of a mailbox task ended; the task reconnects after a backoff.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// Connecting, listing or syncing failed.
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// IDLE failed (usually a dropped connection).
    #[error(transparent)]
    Imap(#[from] ImapError),
}

impl TaskError {
    /// True when the server refused the credentials: retry slowly, a person must act.
    pub fn is_auth(&self) -> bool {
        match self {
            TaskError::Sync(e) => e.is_auth(),
            TaskError::Imap(_) => false,
        }
    }
}

/// What every mailbox task shares: the config, the one database writer, the index feeder.
pub struct Shared {
    pub config: Config,
    pub worker: StoreWorker,
    pub index: index::IndexFeeder,
}

impl Shared {
    /// Writes a status change; a failure is logged, never fatal (status is informational).
    async fn status<F>(&self, mailbox: &str, f: F)
    where
        F: FnOnce(&rusqlite::Connection) -> rusqlite::Result<()> + Send + 'static,
    {
        match self.worker.write(move |s| f(s.conn())).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(mailbox, error = %e, "cannot record daemon status"),
            Err(e) => tracing::warn!(mailbox, error = %e, "cannot record daemon status"),
        }
    }

    async fn set_state(&self, mailbox: &str, state: State) {
        let name = mailbox.to_string();
        self.status(mailbox, move |c| status::set_state(c, &name, state))
            .await;
    }

    /// Sync options for `mailbox`: its configured batch size; no progress bar (several
    /// mailboxes run at once; progress goes to the log instead).
    fn sync_options(&self, mailbox: &str) -> SyncOptions {
        sync::options_for(&self.config, mailbox, false)
    }

    /// Syncs `folders` over `session`, then records the success; returns what was done.
    pub(crate) async fn sync_folders(
        &self,
        session: &mut crate::source::imap::ImapSession,
        mailbox: &str,
        folders: &[Folder],
    ) -> Result<Vec<FolderReport>, TaskError> {
        let opts = self.sync_options(mailbox);
        let mut reports = Vec::with_capacity(folders.len());
        for folder in folders {
            // The sync engine logs each folder's counts itself.
            let report =
                sync::sync_folder(session, &self.worker, &self.config, mailbox, folder, &opts)
                    .await?;
            reports.push(report);
        }
        let fetched: usize = reports.iter().map(|r| r.fetched).sum();
        let new_messages: usize = reports.iter().map(|r| r.new_messages).sum();
        // New copies and re-filed messages change index fields too.
        if reports.iter().any(|r| r.new_messages + r.new_locations > 0) {
            self.index.nudge();
        }
        let name = mailbox.to_string();
        self.status(mailbox, move |c| {
            status::record_success(c, &name, fetched, new_messages)
        })
        .await;
        Ok(reports)
    }
}

/// Runs the daemon until SIGTERM or SIGINT, then shuts down cleanly.
pub async fn run(config: Config) -> Result<(), DaemonError> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).map_err(DaemonError::Signals)?;
    let mut int = signal(SignalKind::interrupt()).map_err(DaemonError::Signals)?;
    run_until(config, async move {
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM received"),
            _ = int.recv() => tracing::info!("SIGINT received"),
        }
    })
    .await
}

/// Runs the daemon until `shutdown` completes.
///
/// Exists apart from [`run`] so the lifecycle does not depend on process signals.
pub async fn run_until(
    config: Config,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), DaemonError> {
    let mailboxes: Vec<String> = config
        .mailboxes
        .iter()
        .filter(|m| m.imap.is_some())
        .map(|m| m.name.get_ref().clone())
        .collect();
    if mailboxes.is_empty() {
        if !config.daemon.search_socket {
            return Err(DaemonError::NothingToDo(
                config.source_path.display().to_string(),
            ));
        }
        tracing::info!("no mailbox has [mailboxes.imap] settings: serving searches only");
    }
    for m in config.mailboxes.iter().filter(|m| m.imap.is_none()) {
        tracing::info!(mailbox = %m.name.get_ref(), "no [mailboxes.imap] settings; not watched");
    }
    let worker = StoreWorker::start(&config.database_path())?;
    let index = index::IndexFeeder::start(config.database_path(), config.store.data_dir.clone());
    let shared = Arc::new(Shared {
        config,
        worker,
        index,
    });
    let (stop_tx, stop_rx) = watch::channel(false);

    let mut tasks = JoinSet::new();
    for name in &mailboxes {
        tasks.spawn(mailbox_task(shared.clone(), name.clone(), stop_rx.clone()));
    }
    // Issue 6: plan and deliver outgoing mail on its own schedule.
    tasks.spawn(outbound::task(shared.clone(), stop_rx.clone()));
    // Issue 7: the credit risk watch (§5.3) beside the mailbox tasks.
    tasks.spawn(crate::credit::daemon_task::task(
        shared.worker.clone(),
        shared.config.clone(),
        stop_rx.clone(),
    ));
    let watchdog = notify::watchdog_interval().map(|every| {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                // Alive means the runtime runs *and* the database writer answers.
                if shared.worker.write(|_| ()).await.is_ok() {
                    notify::watchdog();
                }
            }
        })
    });
    // Issue 9: the optional /metrics endpoint; a port that cannot be bound is logged, not fatal.
    if let Ok(Some(addr)) = shared.config.metrics.address() {
        match crate::metrics::server::bind(addr).await {
            Ok(listener) => {
                tracing::info!(listen = %addr, "metrics endpoint at http://{addr}/metrics");
                tasks.spawn(crate::metrics::server::serve(
                    listener,
                    Arc::new(shared.config.clone()),
                    stop_rx.clone(),
                ));
            }
            Err(e) => tracing::error!(listen = %addr, error = %e, "cannot serve metrics"),
        }
    }
    // Issue 4: searches answered with the index kept open (`tradewind search` asks here first).
    if shared.config.daemon.search_socket {
        match search::bind(&shared.config.store.data_dir) {
            Ok(Some(socket)) => {
                tasks.spawn(search::serve(
                    socket,
                    Arc::new(shared.config.clone()),
                    stop_rx.clone(),
                ));
            }
            Ok(None) => tracing::warn!(
                data_dir = %shared.config.store.data_dir.display(),
                "another process already answers searches for this data directory; not serving them"
            ),
            Err(e) => {
                tracing::error!(error = %e, "cannot open the search socket; searches run in-process")
            }
        }
    }
    // §6: SLA breaches become notices for the outbox, once each.
    let sla_watch =
        crate::complaints::watch::spawn(shared.worker.clone(), shared.config.tickets.clone());
    notify::ready();
    tracing::info!(
        mailboxes = mailboxes.len(),
        database = %shared.config.database_path().display(),
        "tradewind daemon started"
    );

    shutdown.await;
    notify::stopping();
    tracing::info!("shutting down");
    let _ = stop_tx.send(true);
    let grace = tokio::time::sleep(SHUTDOWN_GRACE);
    tokio::pin!(grace);
    loop {
        tokio::select! {
            next = tasks.join_next() => match next {
                None => break,
                Some(Err(e)) if e.is_panic() => tracing::error!(error = %e, "mailbox task panicked"),
                Some(_) => {}
            },
            _ = &mut grace => {
                tracing::warn!(left = tasks.len(), "mailbox tasks did not stop in time; abandoning them");
                tasks.abort_all();
                while tasks.join_next().await.is_some() {}
                break;
            }
        }
    }
    if let Some(w) = watchdog {
        w.abort();
    }
    sla_watch.abort();
    // Barrier: every batch already handed to the writer thread is committed before we exit.
    shared
        .worker
        .write(move |s| {
            for name in &mailboxes {
                let _ = status::set_state(s.conn(), name, State::Stopped);
            }
        })
        .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes when shutdown is requested (or the supervisor is gone).
pub(crate) async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// One mailbox, forever: connect, sync, watch; on failure back off and start over.
async fn mailbox_task(shared: Arc<Shared>, mailbox: String, mut stop: watch::Receiver<bool>) {
    let mut backoff = Backoff::default();
    while !*stop.borrow() {
        shared.set_state(&mailbox, State::Connecting).await;
        let started = tokio::time::Instant::now();
        let result = tokio::select! {
            r = connection(&shared, &mailbox, &mut backoff) => r,
            _ = stopped(&mut stop) => break,
        };
        let Err(err) = result;
        if started.elapsed() >= STABLE_CONNECTION {
            // It worked for a while (a long backfill on a flaky link commits batch after
            // batch): this is a fresh failure, not the next in a series.
            backoff.reset();
        }
        let auth = err.is_auth();
        let delay = backoff.next_delay(auth);
        let state = if auth { State::Error } else { State::Backoff };
        let message = err.to_string();
        if auth {
            tracing::error!(
                mailbox = %mailbox,
                error = %message,
                retry_in_secs = delay.as_secs(),
                "login refused; check the mailbox's password (other mailboxes keep running)"
            );
        } else {
            tracing::warn!(
                mailbox = %mailbox,
                error = %message,
                retry_in_secs = delay.as_secs_f32(),
                "mailbox connection failed; reconnecting"
            );
        }
        let name = mailbox.clone();
        shared
            .status(&mailbox, move |c| {
                status::record_failure(c, &name, state, &message, delay)
            })
            .await;
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stopped(&mut stop) => break,
        }
    }
}

/// One connection's life: log in, full sync, then watch until something fails.
async fn connection(
    shared: &Shared,
    mailbox: &str,
    backoff: &mut Backoff,
) -> Result<std::convert::Infallible, TaskError> {
    let mailbox_cfg = shared
        .config
        .mailbox(mailbox)
        .expect("mailbox tasks are started for configured mailboxes only");
    let mut session = sync::open_session(&shared.config, mailbox).await?;
    let folders = sync::list_folders(&mut session, mailbox_cfg).await?;
    shared.set_state(mailbox, State::Syncing).await;
    let reports = shared.sync_folders(&mut session, mailbox, &folders).await?;
    backoff.reset();
    tracing::info!(
        mailbox,
        folders = folders.len(),
        fetched = reports.iter().map(|r| r.fetched).sum::<usize>(),
        new_messages = reports.iter().map(|r| r.new_messages).sum::<usize>(),
        "mailbox up to date"
    );
    idle::watch(shared, mailbox, session, folders).await
}
