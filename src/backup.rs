//! Backups and restores of a data directory (issue 9: "impossible to lose").
//!
//! The database is the single source of truth, so a backup is a consistent copy of it taken
//! while the daemon keeps writing: `VACUUM INTO` reads one snapshot of the WAL database (a
//! reader never blocks the writer) and writes a compact, self-contained file. The archived
//! attachments (content-addressed, write-once) are copied file by file. The search index is
//! derived data and is not copied: `restore` rebuilds it from the restored database.
//!
//! Migrations take a backup first ([`before_migration`]), so an upgrade that goes wrong can be
//! undone by restoring the file it names.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::progress::Progress;
use crate::store::{Store, StoreError};

/// The database file's name inside a backup (and inside a data dir).
pub const DATABASE_FILE: &str = "tradewind.db";
/// The manifest written beside it: what was copied, when, and the counts to compare after a restore.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Why a backup or restore could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backup destination {path} is not empty: choose a new directory")]
    DestinationNotEmpty { path: PathBuf },
    #[error("data dir {path} already holds a database: restore only into an empty data dir")]
    DataDirNotEmpty { path: PathBuf },
    #[error("{path} is not a tradewind backup: {reason}")]
    NotABackup { path: PathBuf, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("copying the database to {path}: {source}")]
    Copy {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    #[error("rebuilding the search index: {0}")]
    Index(#[from] crate::index::IndexError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Row counts of the tables a person would check after a restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Counts {
    pub schema_version: i64,
    pub customers: i64,
    pub messages: i64,
    pub message_customers: i64,
    pub tickets: i64,
}

/// What `backup` wrote.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct Manifest {
    pub tradewind_version: String,
    pub taken_at: String,
    pub database: String,
    pub database_bytes: u64,
    pub attachments: u64,
    pub counts: Counts,
}

/// Counts the rows a backup and its restore must agree on.
pub fn counts(conn: &Connection) -> Result<Counts, rusqlite::Error> {
    let count = |table: &str| -> Result<i64, rusqlite::Error> {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
    };
    Ok(Counts {
        schema_version: conn.pragma_query_value(None, "user_version", |r| r.get(0))?,
        customers: count("customers")?,
        messages: count("messages")?,
        message_customers: count("message_customers")?,
        tickets: count("tickets")?,
    })
}

/// Copies the database (one consistent snapshot) and the attachment archive of `data_dir`
/// into `dest`, which must not exist or be empty. Safe while the daemon runs.
pub fn backup(store: &Store, data_dir: &Path, dest: &Path) -> Result<Manifest, BackupError> {
    if dest.exists() {
        let mut entries = fs::read_dir(dest).map_err(io(dest))?;
        if entries.next().is_some() {
            return Err(BackupError::DestinationNotEmpty {
                path: dest.to_path_buf(),
            });
        }
    }
    fs::create_dir_all(dest).map_err(io(dest))?;
    let db = dest.join(DATABASE_FILE);
    snapshot(store.conn(), &db)?;
    // The counts come from the copy, so they describe exactly what the backup holds.
    let copy = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let counts = counts(&copy)?;
    drop(copy);
    let attachments = copy_tree(
        &crate::sync::attachments::archive_dir(data_dir),
        &dest.join("attachments"),
    )?;
    let manifest = Manifest {
        tradewind_version: env!("CARGO_PKG_VERSION").to_string(),
        taken_at: crate::store::now(),
        database: DATABASE_FILE.to_string(),
        database_bytes: fs::metadata(&db).map_err(io(&db))?.len(),
        attachments,
        counts,
    };
    let path = dest.join(MANIFEST_FILE);
    let json = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
    fs::write(&path, json).map_err(io(&path))?;
    Ok(manifest)
}

/// Writes one consistent copy of the database behind `conn` to `dest` (which must not exist).
fn snapshot(conn: &Connection, dest: &Path) -> Result<(), BackupError> {
    let target = dest.to_str().ok_or_else(|| BackupError::Io {
        path: dest.to_path_buf(),
        source: std::io::Error::other("the path is not UTF-8"),
    })?;
    conn.execute("VACUUM INTO ?1", [target])
        .map_err(|source| BackupError::Copy {
            path: dest.to_path_buf(),
            source,
        })?;
    Ok(())
}

/// Copies every file below `from` to the same place below `to`; returns the number of files.
/// A missing `from` is an empty archive.
fn copy_tree(from: &Path, to: &Path) -> Result<u64, BackupError> {
    if !from.exists() {
        return Ok(0);
    }
    let mut copied = 0;
    let mut stack = vec![from.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(io(&dir))? {
            let entry = entry.map_err(io(&dir))?;
            let path = entry.path();
            let rel = path.strip_prefix(from).expect("below the root");
            let target = to.join(rel);
            if entry.file_type().map_err(io(&path))?.is_dir() {
                stack.push(path);
            } else if !is_partial_write(&path) {
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent).map_err(io(parent))?;
                }
                fs::copy(&path, &target).map_err(io(&path))?;
                copied += 1;
            }
        }
    }
    Ok(copied)
}

/// A file the archive is still writing (`.NAME.PID.tmp`, renamed into place when whole).
fn is_partial_write(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp"))
}

/// What `restore` did.
#[derive(Debug, Serialize)]
pub struct Restored {
    pub database: PathBuf,
    pub attachments: u64,
    pub indexed: usize,
    pub counts: Counts,
}

/// Restores the backup in `src` into `data_dir`, which must hold no database yet: checks the
/// copy (`quick_check`), places it, migrates it if it is older than this tradewind, copies the
/// attachments and rebuilds the search index.
/// `show_progress` draws a progress bar for the index rebuild.
pub fn restore(src: &Path, data_dir: &Path, show_progress: bool) -> Result<Restored, BackupError> {
    let from = src.join(DATABASE_FILE);
    if !from.is_file() {
        return Err(BackupError::NotABackup {
            path: src.to_path_buf(),
            reason: format!("it has no {DATABASE_FILE}"),
        });
    }
    check_integrity(&from)?;
    let database = data_dir.join(DATABASE_FILE);
    if database.exists() {
        return Err(BackupError::DataDirNotEmpty {
            path: data_dir.to_path_buf(),
        });
    }
    fs::create_dir_all(data_dir).map_err(io(data_dir))?;
    // Copy under a temporary name and rename, so a crash never leaves half a database that a
    // later `restore` would refuse or the daemon would open.
    let partial = data_dir.join(format!("{DATABASE_FILE}.restoring"));
    fs::copy(&from, &partial).map_err(io(&from))?;
    fs::rename(&partial, &database).map_err(io(&database))?;
    let attachments = copy_tree(
        &src.join("attachments"),
        &crate::sync::attachments::archive_dir(data_dir),
    )?;
    let store = Store::open(&database)?;
    let index_dir = crate::index::index_dir(data_dir);
    if index_dir.exists() {
        fs::remove_dir_all(&index_dir).map_err(io(&index_dir))?;
    }
    let total: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))?;
    let mut progress = Progress::new("indexing", total as u64, false, show_progress);
    let indexed = crate::index::rebuild(&store, data_dir, &mut progress)?;
    progress.finish();
    Ok(Restored {
        database,
        attachments,
        indexed,
        counts: counts(store.conn())?,
    })
}

fn check_integrity(db: &Path) -> Result<(), BackupError> {
    let not_a_backup = |reason: String| BackupError::NotABackup {
        path: db.to_path_buf(),
        reason,
    };
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| not_a_backup(e.to_string()))?;
    let verdict: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| not_a_backup(e.to_string()))?;
    if verdict != "ok" {
        return Err(not_a_backup(format!("quick_check says {verdict}")));
    }
    Ok(())
}

/// Copies the database at schema `version` before a migration changes it, into
/// `<dir of the database>/backups/`; returns the copy's path.
pub fn before_migration(
    conn: &Connection,
    db: &Path,
    version: i64,
) -> Result<PathBuf, BackupError> {
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups");
    fs::create_dir_all(&dir).map_err(io(&dir))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut path = dir.join(format!("pre-migration-v{version}-{stamp}.db"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("pre-migration-v{version}-{stamp}-{n}.db"));
    }
    snapshot(conn, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_data(dir: &Path) -> Store {
        let store = Store::open(&dir.join(DATABASE_FILE)).unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO customers (code, name, created_at, updated_at) VALUES ('C1', 'Acme GmbH', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                [],
            )
            .unwrap();
        store
    }

    #[test]
    fn backup_copies_a_consistent_database_and_refuses_a_used_destination() {
        let data = tempfile::tempdir().unwrap();
        let store = store_with_data(data.path());
        let blob = crate::sync::attachments::archive_dir(data.path()).join("ab/abcdef");
        fs::create_dir_all(blob.parent().unwrap()).unwrap();
        fs::write(&blob, b"pdf").unwrap();

        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("b1");
        let manifest = backup(&store, data.path(), &dest).unwrap();
        assert_eq!(manifest.counts.customers, 1);
        assert_eq!(manifest.attachments, 1);
        assert_eq!(
            fs::read(dest.join("attachments/ab/abcdef")).unwrap(),
            b"pdf"
        );
        let err = backup(&store, data.path(), &dest).unwrap_err();
        assert!(
            matches!(err, BackupError::DestinationNotEmpty { .. }),
            "{err}"
        );
    }

    #[test]
    fn restore_refuses_a_used_data_dir_and_a_non_backup() {
        let data = tempfile::tempdir().unwrap();
        let store = store_with_data(data.path());
        let out = tempfile::tempdir().unwrap();
        backup(&store, data.path(), &out.path().join("b")).unwrap();
        let err = restore(&out.path().join("b"), data.path(), false).unwrap_err();
        assert!(matches!(err, BackupError::DataDirNotEmpty { .. }), "{err}");

        let junk = out.path().join("junk");
        fs::create_dir_all(&junk).unwrap();
        fs::write(junk.join(DATABASE_FILE), b"not a database at all").unwrap();
        let fresh = tempfile::tempdir().unwrap();
        let err = restore(&junk, fresh.path(), false).unwrap_err();
        assert!(
            err.to_string().contains("is not a tradewind backup"),
            "{err}"
        );
        assert!(!fresh.path().join(DATABASE_FILE).exists());
    }

    #[test]
    fn a_migration_is_preceded_by_a_backup_at_the_old_version() {
        let data = tempfile::tempdir().unwrap();
        let db = data.path().join(DATABASE_FILE);
        {
            let conn = Connection::open(&db).unwrap();
            conn.execute_batch(crate::store::migrations::MIGRATIONS[0])
                .unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
        }
        Store::open(&db).unwrap();
        let backups: Vec<_> = fs::read_dir(data.path().join("backups"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(backups.len(), 1, "{backups:?}");
        let copy = Connection::open(&backups[0]).unwrap();
        let version: i64 = copy
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1);
        // A fresh database is not backed up: there is nothing to lose.
        let fresh = tempfile::tempdir().unwrap();
        Store::open(&fresh.path().join(DATABASE_FILE)).unwrap();
        assert!(!fresh.path().join("backups").exists());
    }
}
