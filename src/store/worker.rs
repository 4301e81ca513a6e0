//! The store seen from async code: one writer thread, readers on the blocking pool.
//!
//! SQLite allows one writer at a time; funnelling every write through a single
//! thread that owns the write connection makes that explicit (as Delta Chat's core
//! does), keeps blocking I/O off tokio's worker threads, and lets readers — which
//! never wait in WAL mode — use their own read-only connections.

use super::{Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// Handle to the writer thread. Cheap to clone; the thread ends when the last handle drops.
#[derive(Clone)]
pub struct StoreWorker {
    jobs: mpsc::Sender<Job>,
    path: PathBuf,
}

/// The writer thread has gone (it panicked, or the store could not be opened).
#[derive(Debug, thiserror::Error)]
#[error("the database writer thread for {0} has stopped")]
pub struct WorkerGone(PathBuf);

impl StoreWorker {
    /// Opens the store at `path` on a new writer thread.
    pub fn start(path: &Path) -> Result<StoreWorker, StoreError> {
        let mut store = Store::open(path)?;
        let (jobs, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("tradewind-db-writer".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    job(&mut store);
                }
            })
            .expect("spawning the database writer thread");
        Ok(StoreWorker {
            jobs,
            path: path.to_path_buf(),
        })
    }

    /// Runs `f` with the write connection, on the writer thread, and awaits its result.
    pub async fn write<F, R>(&self, f: F) -> Result<R, WorkerGone>
    where
        F: FnOnce(&mut Store) -> R + Send + 'static,
        R: Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |store| {
            let _ = tx.send(f(store));
        });
        self.jobs
            .send(job)
            .map_err(|_| WorkerGone(self.path.clone()))?;
        rx.await.map_err(|_| WorkerGone(self.path.clone()))
    }

    /// Runs `f` with a fresh read-only connection on tokio's blocking pool.
    pub async fn read<F, R>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&Store) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || f(&Store::open_read_only(&path)?))
            .await
            .expect("database read task panicked")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn readers_are_not_blocked_by_an_open_write_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tw.db");
        let worker = StoreWorker::start(&path).unwrap();
        worker
            .write(|s| {
                s.conn().execute(
                    "INSERT INTO users VALUES ('a','A','a@x.cn','sales',NULL,1)",
                    [],
                )
            })
            .await
            .unwrap()
            .unwrap();

        // Hold a write transaction open on the writer thread until told to finish.
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (started, is_started) = oneshot::channel();
        let writer = worker.clone();
        let held = tokio::spawn(async move {
            writer
                .write(move |s| {
                    let tx = s.write().unwrap();
                    tx.execute("UPDATE users SET name = 'B'", []).unwrap();
                    started.send(()).unwrap();
                    wait.recv().unwrap();
                    tx.commit().unwrap();
                })
                .await
                .unwrap()
        });
        is_started.await.unwrap();

        // A reader sees the last committed state at once, not the pending write.
        let name = worker
            .read(|s| {
                Ok(s.conn()
                    .query_row("SELECT name FROM users", [], |r| r.get::<_, String>(0))?)
            })
            .await
            .unwrap();
        assert_eq!(name, "A");
        release.send(()).unwrap();
        held.await.unwrap();
        let name = worker
            .read(|s| {
                Ok(s.conn()
                    .query_row("SELECT name FROM users", [], |r| r.get::<_, String>(0))?)
            })
            .await
            .unwrap();
        assert_eq!(name, "B");
    }
}
