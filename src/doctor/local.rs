//! Checks of the machine tradewind runs on: secrets, data dir, database, index, disk, clock.

use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::Check;
use crate::config::Config;

pub fn secrets(config: &Config) -> Vec<Check> {
    let problems = config.check_secret_files();
    if problems.is_empty() {
        return vec![Check::ok(
            "secrets",
            "file modes",
            "no secret file is readable by group or others",
        )];
    }
    problems
        .into_iter()
        .map(|p| {
            Check::fail(
                "secrets",
                "file modes",
                p,
                "chmod 600 the file and make the daemon's user its owner",
            )
        })
        .collect()
}

pub fn data_dir(config: &Config) -> Vec<Check> {
    let dir = &config.store.data_dir;
    let subject = "data dir";
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return vec![Check::warn(
                subject,
                "exists",
                format!("{} does not exist yet", dir.display()),
                "`tradewind init` or the first `tradewind run` creates it",
            )]
        }
        Err(e) => {
            return vec![Check::fail(
                subject,
                "exists",
                format!("{}: {e}", dir.display()),
                "make the directory reachable by the daemon's user",
            )]
        }
    };
    if !meta.is_dir() {
        return vec![Check::fail(
            subject,
            "exists",
            format!("{} is not a directory", dir.display()),
            "point [store] data_dir at a directory",
        )];
    }
    let mut checks = Vec::new();
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    if meta.uid() != euid {
        checks.push(Check::fail(
            subject,
            "owner",
            format!(
                "{} is owned by uid {}, but tradewind runs as uid {euid}",
                dir.display(),
                meta.uid()
            ),
            format!("chown -R <daemon user> {}", dir.display()),
        ));
    } else {
        checks.push(Check::ok(
            subject,
            "owner",
            format!("{} is owned by uid {euid}", dir.display()),
        ));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o002 != 0 {
        checks.push(Check::fail(
            subject,
            "permissions",
            format!("mode {mode:03o}: anyone can write the company's mail archive"),
            format!("chmod 750 {}", dir.display()),
        ));
    } else if mode & 0o004 != 0 {
        checks.push(Check::warn(
            subject,
            "permissions",
            format!("mode {mode:03o}: every local user can read the company's mail"),
            format!("chmod 750 {}", dir.display()),
        ));
    } else {
        checks.push(Check::ok(
            subject,
            "permissions",
            format!("mode {mode:03o}"),
        ));
    }
    if !accessible(dir) {
        checks.push(Check::fail(
            subject,
            "access",
            format!(
                "{} is not readable and writable by this user",
                dir.display()
            ),
            format!("chown and chmod {} for the daemon's user", dir.display()),
        ));
    }
    checks
}

fn accessible(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt as _;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; access() only reads it.
    unsafe { libc::access(c.as_ptr(), libc::R_OK | libc::W_OK | libc::X_OK) == 0 }
}

pub fn database(config: &Config) -> Vec<Check> {
    let path = config.database_path();
    let subject = "database";
    if !path.exists() {
        return vec![Check::warn(
            subject,
            "integrity",
            format!("{} does not exist yet", path.display()),
            "`tradewind init` or the first `tradewind run` creates it",
        )];
    }
    let conn = match Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY) {
        Ok(c) => c,
        Err(e) => {
            return vec![Check::fail(
                subject,
                "open",
                format!("{}: {e}", path.display()),
                "check the file's owner and mode, or restore a backup (`tradewind restore`)",
            )]
        }
    };
    let _ = conn.busy_timeout(std::time::Duration::from_secs(10));
    let mut checks = Vec::new();
    match conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)) {
        Ok(v) if v == "ok" => checks.push(Check::ok(subject, "integrity", "quick_check ok")),
        Ok(v) => checks.push(Check::fail(
            subject,
            "integrity",
            format!("quick_check: {v}"),
            "stop the daemon and restore the latest backup (`tradewind restore`)",
        )),
        Err(e) => checks.push(Check::fail(
            subject,
            "integrity",
            format!("{}: {e}", path.display()),
            "the file is not a tradewind database: restore a backup",
        )),
    }
    let known = crate::store::migrations::MIGRATIONS.len() as i64;
    if let Ok(version) = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0)) {
        checks.push(match version.cmp(&known) {
            std::cmp::Ordering::Equal => {
                Check::ok(subject, "schema", format!("version {version}, current"))
            }
            std::cmp::Ordering::Less => Check::warn(
                subject,
                "schema",
                format!("version {version}, this tradewind migrates it to {known}"),
                "nothing to do: the next start backs it up and migrates it",
            ),
            std::cmp::Ordering::Greater => Check::fail(
                subject,
                "schema",
                format!("version {version} is newer than this tradewind ({known})"),
                "install the tradewind that wrote it",
            ),
        });
    }
    checks
}

pub fn index(config: &Config) -> Vec<Check> {
    let subject = "search index";
    let data_dir = &config.store.data_dir;
    let docs = match crate::index::health(data_dir) {
        Ok(docs) => docs,
        Err(reason) => {
            return vec![Check::warn(
                subject,
                "health",
                format!("{}: {reason}", crate::index::index_dir(data_dir).display()),
                "nothing to lose: `tradewind reindex` (or the next start) rebuilds it from the database",
            )]
        }
    };
    let lag = Connection::open_with_flags(config.database_path(), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| {
            c.query_row(
                "SELECT (SELECT count(*) FROM messages
                      WHERE id > (SELECT watermark FROM search_index_state WHERE id = 1))
                  + (SELECT count(*) FROM search_index_dirty)",
                [],
                |r| r.get::<_, i64>(0),
            )
        });
    match lag {
        Ok(0) => vec![Check::ok(
            subject,
            "lag",
            format!("{docs} message(s) indexed, none waiting"),
        )],
        Ok(n) => vec![Check::warn(
            subject,
            "lag",
            format!("{docs} message(s) indexed, {n} waiting"),
            "the daemon indexes new mail within a second; if it is not running, `tradewind reindex`",
        )],
        Err(e) => vec![Check::warn(
            subject,
            "lag",
            format!("cannot read the index state: {e}"),
            "see the database check",
        )],
    }
}

/// Free space where the data lives: mail keeps arriving.
pub fn disk(config: &Config) -> Check {
    let subject = "disk";
    let dir = config.store.data_dir.as_path();
    let probe = if dir.exists() {
        dir
    } else {
        dir.parent()
            .filter(|p| p.exists())
            .unwrap_or(Path::new("."))
    };
    match free_bytes(probe) {
        Some((free, total)) => {
            let detail = format!(
                "{:.1} GiB free of {:.1} GiB at {}",
                free as f64 / GIB,
                total as f64 / GIB,
                probe.display()
            );
            if free < 200 * 1024 * 1024 {
                Check::fail(
                    subject,
                    "free space",
                    detail,
                    "free disk space now: SQLite stops writing when it is full",
                )
            } else if free < 2 * 1024 * 1024 * 1024 || free * 20 < total {
                Check::warn(subject, "free space", detail, "free disk space soon")
            } else {
                Check::ok(subject, "free space", detail)
            }
        }
        None => Check::warn(
            subject,
            "free space",
            format!("cannot read free space at {}", probe.display()),
            "check with df",
        ),
    }
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

fn free_bytes(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::ffi::OsStrExt as _;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs writes into the zeroed struct we own; the path is NUL-terminated.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    let frsize = st.f_frsize as u64;
    Some((st.f_bavail as u64 * frsize, st.f_blocks as u64 * frsize))
}

/// Whether the clock is kept right: TLS certificates, IMAP dates, SLAs and send windows all
/// depend on it. Asks systemd-timesyncd/chrony through `timedatectl` when it is there.
pub fn clock() -> Check {
    let subject = "clock";
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC");
    let synced = std::process::Command::new("timedatectl")
        .args(["show", "--property=NTPSynchronized", "--value"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match synced.as_deref() {
        Some("yes") => Check::ok(subject, "sync", format!("{now}, NTP synchronised")),
        Some(_) => Check::warn(
            subject,
            "sync",
            format!("{now}, NTP not synchronised"),
            "enable time sync: timedatectl set-ntp true",
        ),
        None => Check::warn(
            subject,
            "sync",
            format!("{now}; cannot tell whether it is synchronised (no timedatectl answer)"),
            "make sure the host runs NTP (chrony or systemd-timesyncd)",
        ),
    }
}
