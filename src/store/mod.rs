//! The store: one SQLite database, the single source of truth.
//!
//! WAL mode so readers never wait for the writer; a busy timeout so two processes
//! (the daemon and a CLI command) queue instead of failing; foreign keys on.
//! Write transactions are IMMEDIATE: a DEFERRED read→write upgrade fails at once
//! with SQLITE_BUSY and never honours the busy timeout.
//!
//! The daemon is async: [`worker::StoreWorker`] owns the one write connection on
//! its own thread so no blocking database work runs on tokio's workers.

pub mod customers;
pub mod messages;
pub mod migrations;
pub mod worker;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A database problem, with the file it concerns.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("database {path} is at schema version {found}, newer than this tradewind knows ({known}); upgrade tradewind")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("migration {version} failed on {path}: {source}")]
    Migration {
        path: PathBuf,
        version: i64,
        source: rusqlite::Error,
    },
    #[error("database {path} is at schema version {version}; the backup taken before migrating it failed, so it was not migrated: {reason}")]
    BackupBeforeMigration {
        path: PathBuf,
        version: i64,
        reason: String,
    },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// One connection to the database, configured and migrated.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Prepared statements kept per connection. Storing and matching one message runs ~25
/// distinct cached statements; rusqlite's default of 16 made the cache evict them in a
/// cycle, so every statement was prepared again for every message of a sync (issue 3).
pub const STATEMENT_CACHE: usize = 128;

/// How long a connection waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing database read-only: for readers beside the writer.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn configure(&mut self) -> Result<(), StoreError> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        self.conn
            .set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL is durable across application crashes in WAL mode; only an OS crash
        // can lose the last transactions, never corrupt the file.
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let known = migrations::MIGRATIONS.len() as i64;
        // The common case — already current — is a plain read: opening the store must not
        // take the write lock, which the daemon may be holding for a batch.
        let current: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current == known {
            return Ok(());
        }
        if current > 0 && current < known {
            // An upgrade changes a database that holds the company's mail: copy it first, so a
            // migration that goes wrong can be undone (issue 9).
            let copy =
                crate::backup::before_migration(&self.conn, &self.path, current).map_err(|e| {
                    StoreError::BackupBeforeMigration {
                        path: self.path.clone(),
                        version: current,
                        reason: e.to_string(),
                    }
                })?;
            tracing::info!(version = current, backup = %copy.display(), "backed up before migrating");
        }
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if version > known {
                return Err(StoreError::TooNew {
                    path: self.path.clone(),
                    found: version,
                    known,
                });
            }
            if version == known {
                return Ok(());
            }
            let next = version + 1;
            let fail = |source| StoreError::Migration {
                path: self.path.clone(),
                version: next,
                source,
            };
            tx.execute_batch(migrations::MIGRATIONS[version as usize])
                .map_err(fail)?;
            tx.pragma_update(None, "user_version", next).map_err(fail)?;
            tx.commit().map_err(fail)?;
            tracing::info!(version = next, path = %self.path.display(), "database migrated");
        }
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Starts a write transaction (IMMEDIATE: takes the write lock now, or waits for it).
    pub fn write(&mut self) -> Result<Transaction<'_>, StoreError> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Current time as stored everywhere: RFC 3339 UTC, second precision.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/tw.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            migrations::MIGRATIONS.len() as i64
        );
        let mode: String = store
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        let again = Store::open(&path).unwrap();
        let fk: i64 = again
            .conn()
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn opening_a_current_database_does_not_wait_for_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tw.db");
        let mut writer = Store::open(&path).unwrap();
        let tx = writer.write().unwrap();
        tx.execute(
            "INSERT INTO users VALUES ('a','A','a@x.cn','sales',NULL,1)",
            [],
        )
        .unwrap();
        // With the write lock held, a second open must still succeed (not SQLITE_BUSY).
        let reader = Store::open(&path).unwrap();
        let n: i64 = reader
            .conn()
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "the uncommitted write is not visible");
        tx.commit().unwrap();
    }

    #[test]
    fn refuses_a_newer_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tw.db");
        Store::open(&path)
            .unwrap()
            .conn()
            .pragma_update(None, "user_version", 999)
            .unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(
            matches!(err, StoreError::TooNew { found: 999, .. }),
            "{err}"
        );
    }
}
