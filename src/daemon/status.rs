//! Per-mailbox daemon state in SQLite, for `tradewind status`.
//!
//! The daemon writes one row per mailbox (migration 5, `daemon_status`) whenever a mailbox
//! task changes state; `tradewind status` — a separate process — reads it beside the message
//! counts from `message_locations`. Keeping it in the database (not in memory, not in a
//! socket) means status works while the daemon runs, after it stopped, and after a crash, and
//! needs no second protocol.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::config::Config;

/// What a mailbox task is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Connecting and logging in.
    Connecting,
    /// Fetching and storing mail.
    Syncing,
    /// Up to date, waiting for new mail (IDLE or the poll interval).
    Idle,
    /// A network or server failure: waiting to reconnect.
    Backoff,
    /// The server refused the credentials (or the password cannot be read): a person must act;
    /// retried slowly.
    Error,
    /// The daemon shut down.
    Stopped,
}

impl State {
    /// The key stored in `daemon_status.state`.
    pub fn key(self) -> &'static str {
        match self {
            State::Connecting => "connecting",
            State::Syncing => "syncing",
            State::Idle => "idle",
            State::Backoff => "backoff",
            State::Error => "error",
            State::Stopped => "stopped",
        }
    }
}

/// One mailbox as `tradewind status` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MailboxStatus {
    pub mailbox: String,
    /// `connecting`, `syncing`, `idle`, `backoff`, `error`, `stopped`, or `never` when the daemon
    /// has not run this mailbox yet (or it has no IMAP settings: `no imap`).
    pub state: String,
    pub state_since: Option<String>,
    /// Whether the daemon process that wrote `state` is still alive (a `kill -9` leaves a
    /// stale state behind; this tells the two apart).
    pub running: bool,
    /// When a sync of the whole mailbox last completed.
    pub last_success: Option<String>,
    /// The last failure (never contains a password), cleared by nothing: read it with its time.
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// Consecutive failures since the last success.
    pub failures: i64,
    /// When the next attempt is due (in `backoff` / `error`).
    pub next_retry: Option<String>,
    /// Messages held by this mailbox (present on the server, or gone but archived).
    pub messages: i64,
    /// Of those, how many the server no longer has (kept for handover continuity).
    pub gone: i64,
    /// Of those, how many are filed under at least one customer.
    pub matched: i64,
    /// Completed syncs and messages fetched / newly stored by this daemon since it started.
    pub syncs: i64,
    pub fetched_total: i64,
    pub new_total: i64,
}

/// Marks `mailbox` as being in `state`; creates the row on first use.
pub fn set_state(conn: &Connection, mailbox: &str, state: State) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO daemon_status (mailbox, state, state_since, pid) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (mailbox) DO UPDATE SET
             state = excluded.state,
             pid = excluded.pid,
             state_since = CASE WHEN state = excluded.state THEN state_since
                                ELSE excluded.state_since END",
        params![
            mailbox,
            state.key(),
            crate::store::now(),
            std::process::id()
        ],
    )?;
    Ok(())
}

/// Records a completed sync: resets the failure count and adds to the counters.
pub fn record_success(
    conn: &Connection,
    mailbox: &str,
    fetched: usize,
    new_messages: usize,
) -> rusqlite::Result<()> {
    set_state(conn, mailbox, State::Syncing)?;
    conn.execute(
        "UPDATE daemon_status SET last_success = ?2, failures = 0, next_retry = NULL,
             syncs = syncs + 1, fetched_total = fetched_total + ?3, new_total = new_total + ?4
         WHERE mailbox = ?1",
        params![
            mailbox,
            crate::store::now(),
            fetched as i64,
            new_messages as i64
        ],
    )?;
    Ok(())
}

/// Records a failure: `error` (already free of secrets) and when the next try is due.
pub fn record_failure(
    conn: &Connection,
    mailbox: &str,
    state: State,
    error: &str,
    retry_in: std::time::Duration,
) -> rusqlite::Result<()> {
    set_state(conn, mailbox, state)?;
    let next = chrono::Utc::now()
        + chrono::Duration::from_std(retry_in).unwrap_or(chrono::Duration::zero());
    conn.execute(
        "UPDATE daemon_status SET last_error = ?2, last_error_at = ?3, failures = failures + 1,
             next_retry = ?4
         WHERE mailbox = ?1",
        params![
            mailbox,
            error,
            crate::store::now(),
            next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ],
    )?;
    Ok(())
}

/// Every configured mailbox with its daemon state and message counts, in config order.
pub fn list(conn: &Connection, config: &Config) -> rusqlite::Result<Vec<MailboxStatus>> {
    let mut row = conn.prepare(
        "SELECT state, state_since, last_success, last_error, last_error_at, failures,
                next_retry, syncs, fetched_total, new_total, pid
         FROM daemon_status WHERE mailbox = ?1",
    )?;
    let mut counts = conn.prepare(
        "SELECT count(DISTINCT l.message_id),
                count(DISTINCT CASE WHEN l.gone_at IS NOT NULL THEN l.message_id END),
                count(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM message_customers mc
                                                 WHERE mc.message_id = l.message_id)
                                    THEN l.message_id END)
         FROM message_locations l WHERE l.mailbox = ?1",
    )?;
    let mut out = Vec::new();
    for mb in &config.mailboxes {
        let name = mb.name.get_ref().as_str();
        let (messages, gone, matched) =
            counts.query_row([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let status = row
            .query_row([name], |r| {
                let state: String = r.get(0)?;
                let pid: Option<u32> = r.get(10)?;
                Ok(MailboxStatus {
                    mailbox: name.to_string(),
                    running: state != State::Stopped.key() && pid.is_some_and(process_alive),
                    state,
                    state_since: r.get(1)?,
                    last_success: r.get(2)?,
                    last_error: r.get(3)?,
                    last_error_at: r.get(4)?,
                    failures: r.get(5)?,
                    next_retry: r.get(6)?,
                    messages,
                    gone,
                    matched,
                    syncs: r.get(7)?,
                    fetched_total: r.get(8)?,
                    new_total: r.get(9)?,
                })
            })
            .optional()?;
        out.push(status.unwrap_or_else(|| {
            MailboxStatus {
                mailbox: name.to_string(),
                state: if mb.imap.is_some() {
                    "never"
                } else {
                    "no imap"
                }
                .to_string(),
                state_since: None,
                running: false,
                last_success: None,
                last_error: None,
                last_error_at: None,
                failures: 0,
                next_retry: None,
                messages,
                gone,
                matched,
                syncs: 0,
                fetched_total: 0,
                new_total: 0,
            }
        }));
    }
    Ok(out)
}

/// True when a process with this id exists (Linux: `/proc/PID`).
fn process_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn config() -> Config {
        let text = r#"
[company]
name = "X"
home_country = "CN"
domains = ["x.cn"]
[[users]]
login = "a"
name = "A"
email = "a@x.cn"
role = "sales"
[[mailboxes]]
name = "a"
owner = "a"
role = "sales"
address = "a@x.cn"
[mailboxes.imap]
host = "h"
tls = "implicit"
username = "a"
password = { env = "PW" }
[[mailboxes]]
name = "offline"
owner = "a"
role = "sales"
address = "o@x.cn"
"#;
        Config::parse(text, std::path::Path::new("/tmp/tw.toml")).unwrap()
    }

    #[test]
    fn failure_then_success_resets_the_count_and_keeps_the_last_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("tw.db")).unwrap();
        let conn = store.conn();
        let cfg = config();
        let before = list(conn, &cfg).unwrap();
        assert_eq!(before[0].state, "never");
        assert_eq!(before[1].state, "no imap");

        set_state(conn, "a", State::Connecting).unwrap();
        record_failure(
            conn,
            "a",
            State::Backoff,
            "connection refused",
            std::time::Duration::from_secs(4),
        )
        .unwrap();
        record_failure(
            conn,
            "a",
            State::Backoff,
            "connection refused",
            std::time::Duration::from_secs(8),
        )
        .unwrap();
        let s = &list(conn, &cfg).unwrap()[0];
        assert_eq!(s.state, "backoff");
        assert_eq!(s.failures, 2);
        assert!(s.next_retry.is_some() && s.last_success.is_none());

        record_success(conn, "a", 10, 7).unwrap();
        set_state(conn, "a", State::Idle).unwrap();
        let s = &list(conn, &cfg).unwrap()[0];
        assert_eq!(s.state, "idle");
        assert!(s.running, "this test process wrote the state and is alive");
        assert_eq!(
            (s.failures, s.syncs, s.fetched_total, s.new_total),
            (0, 1, 10, 7)
        );
        assert!(s.last_success.is_some() && s.next_retry.is_none());
        assert_eq!(s.last_error.as_deref(), Some("connection refused"));
    }
}
