//! Hands newly stored mail to the search index ([`crate::index`]) within a second.
//!
//! Data flows one way — store, match, then index — and the index is derived: its watermark in
//! SQLite advances only after a tantivy commit, so nothing is lost if the daemon dies between
//! storing and indexing; the next catch-up replays. Mailbox tasks only *nudge* this feeder
//! after a sync that stored something; one thread owns the [`Indexer`] (tantivy allows one
//! writer) and coalesces a burst of nudges into one catch-up, so a backfill of many batches
//! does not commit the index once per batch.

use std::path::PathBuf;
use std::sync::mpsc;

use crate::index::{IndexError, Indexer};
use crate::store::Store;

/// Handle to the indexing thread. Cheap to clone; the thread ends when the last handle drops.
#[derive(Clone)]
pub struct IndexFeeder {
    tx: mpsc::Sender<()>,
}

impl IndexFeeder {
    /// Starts the indexing thread for the database and index under `data_dir`, and runs a
    /// first catch-up (mail stored while the daemon was down).
    pub fn start(database: PathBuf, data_dir: PathBuf) -> IndexFeeder {
        let (tx, rx) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("tradewind-indexer".into())
            .spawn(move || feed(rx, &database, &data_dir))
            .expect("spawning the indexing thread");
        let feeder = IndexFeeder { tx };
        feeder.nudge();
        feeder
    }

    /// New mail was stored: index it soon.
    pub fn nudge(&self) {
        let _ = self.tx.send(());
    }
}

fn feed(rx: mpsc::Receiver<()>, database: &std::path::Path, data_dir: &std::path::Path) {
    let mut indexer: Option<Indexer> = None;
    let mut store: Option<Store> = None;
    while rx.recv().is_ok() {
        while rx.try_recv().is_ok() {} // coalesce a burst into one catch-up
        let started = std::time::Instant::now();
        match catch_up(&mut indexer, &mut store, database, data_dir) {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                indexed = n,
                ms = started.elapsed().as_millis() as u64,
                "search index caught up"
            ),
            Err(err) => {
                tracing::warn!(error = %err, "search index catch-up failed; retried with the next new mail");
                if !matches!(err, IndexError::Busy { .. }) {
                    indexer = None; // reopen (and rebuild if it is corrupt) next time
                }
            }
        }
    }
}

fn catch_up(
    indexer: &mut Option<Indexer>,
    store: &mut Option<Store>,
    database: &std::path::Path,
    data_dir: &std::path::Path,
) -> Result<usize, IndexError> {
    if store.is_none() {
        // Its own connection: the watermark update is tiny and waits on the busy timeout.
        *store = Some(Store::open(database).map_err(|e| IndexError::Io {
            path: database.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        })?);
    }
    if indexer.is_none() {
        *indexer = Some(Indexer::open(data_dir)?);
    }
    let (Some(indexer), Some(store)) = (indexer.as_mut(), store.as_ref()) else {
        unreachable!("both opened above")
    };
    indexer.catch_up(store)
}
