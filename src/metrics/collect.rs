//! The figures behind `/metrics`, read from SQLite and written in the Prometheus text format
//! (version 0.0.4). Every name starts with `tradewind_`; each is a gauge read at scrape time.
//!
//! - messages stored (`tradewind_messages`), per mailbox (`tradewind_mailbox_messages`);
//! - per mailbox from `daemon_status` (migration 5): last successful sync as a Unix time,
//!   consecutive failures, completed syncs and the current state;
//! - index lag: messages above the search index watermark plus messages marked dirty
//!   (migration 3);
//! - outbox rows by state (migration 7), every state listed (0 included);
//! - open tickets and open tickets past an SLA deadline (§6, with the definition of
//!   [`crate::complaints::tickets::breaches`]);
//! - overdue receivables (§5): Σ outstanding of invoices past their due date today, in the
//!   base currency at today's rates, through [`crate::ledger::figures`].

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use crate::config::Config;
use crate::ledger::figures::{days_past_due, outstanding};
use crate::ledger::rates::Rates;
use crate::ledger::{money, Ledger};

/// Outbox states, as in migration 7's CHECK constraint.
pub const OUTBOX_STATES: &[&str] = &[
    "planned",
    "approved",
    "sending",
    "sent",
    "drafted",
    "failed",
    "cancelled",
    "uncertain",
];

/// Why a scrape could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The database could not be opened read-only or queried.
    #[error("metrics: database {path}: {source}")]
    Db {
        path: String,
        source: rusqlite::Error,
    },
}

/// Opens `db` read-only and renders every metric as of `now`.
pub fn scrape(db: &Path, config: &Config, now: DateTime<Utc>) -> Result<String, CollectError> {
    let wrap = |source| CollectError::Db {
        path: db.display().to_string(),
        source,
    };
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(wrap)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(wrap)?;
    render(&conn, config, now).map_err(wrap)
}

/// Renders every metric from `conn` as of `now` (a read transaction keeps them consistent).
pub fn render(conn: &Connection, config: &Config, now: DateTime<Utc>) -> rusqlite::Result<String> {
    conn.execute_batch("BEGIN DEFERRED")?;
    let out = render_in(conn, config, now);
    let _ = conn.execute_batch("COMMIT");
    out
}

fn render_in(conn: &Connection, config: &Config, now: DateTime<Utc>) -> rusqlite::Result<String> {
    let mut m = Metrics::default();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));

    m.head(
        "messages",
        "Messages stored (each message once, whatever its copies).",
    );
    m.value("messages", &[], count("SELECT count(*) FROM messages")?);

    m.head(
        "mailbox_messages",
        "Messages held per mailbox (present on the server or archived).",
    );
    let mut per_mailbox = conn
        .prepare("SELECT count(DISTINCT message_id) FROM message_locations WHERE mailbox = ?1")?;
    for mb in &config.mailboxes {
        let name = mb.name.get_ref();
        let n: i64 = per_mailbox.query_row([name], |r| r.get(0))?;
        m.value("mailbox_messages", &[("mailbox", name.as_str())], n);
    }

    let mut rows = conn.prepare(
        "SELECT mailbox, state, last_success, failures, syncs FROM daemon_status ORDER BY mailbox",
    )?;
    type StatusRow = (String, String, Option<String>, i64, i64);
    let status: Vec<StatusRow> = rows
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    m.head(
        "mailbox_last_success_timestamp_seconds",
        "Unix time the daemon last completed a sync of the mailbox.",
    );
    for (mailbox, _, last, _, _) in &status {
        if let Some(t) = last
            .as_deref()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        {
            m.value(
                "mailbox_last_success_timestamp_seconds",
                &[("mailbox", mailbox.as_str())],
                t.timestamp(),
            );
        }
    }
    m.head(
        "mailbox_errors",
        "Consecutive failed connections or syncs since the last success.",
    );
    for (mailbox, _, _, failures, _) in &status {
        m.value(
            "mailbox_errors",
            &[("mailbox", mailbox.as_str())],
            *failures,
        );
    }
    m.head(
        "mailbox_syncs",
        "Completed syncs since the daemon started the mailbox.",
    );
    for (mailbox, _, _, _, syncs) in &status {
        m.value("mailbox_syncs", &[("mailbox", mailbox.as_str())], *syncs);
    }
    m.head("mailbox_state", "1 for the state the mailbox task is in.");
    for (mailbox, state, _, _, _) in &status {
        m.value(
            "mailbox_state",
            &[("mailbox", mailbox.as_str()), ("state", state.as_str())],
            1,
        );
    }

    m.head(
        "index_lag_messages",
        "Messages not yet (re)indexed: above the index watermark, or marked dirty.",
    );
    m.value(
        "index_lag_messages",
        &[],
        count(
            "SELECT (SELECT count(*) FROM messages
                     WHERE id > (SELECT watermark FROM search_index_state WHERE id = 1))
                  + (SELECT count(*) FROM search_index_dirty)",
        )?,
    );
    m.head(
        "index_watermark",
        "Highest message id the search index has taken.",
    );
    m.value(
        "index_watermark",
        &[],
        count("SELECT watermark FROM search_index_state WHERE id = 1")?,
    );

    m.head("outbox_messages", "Outbox rows by state.");
    let mut by_state = conn.prepare("SELECT count(*) FROM outbox WHERE state = ?1")?;
    for state in OUTBOX_STATES {
        let n: i64 = by_state.query_row([state], |r| r.get(0))?;
        m.value("outbox_messages", &[("state", *state)], n);
    }

    let open = crate::complaints::tickets::Filter {
        open: true,
        ..Default::default()
    };
    let open_tickets = crate::complaints::tickets::list(conn, &open, now).map_err(|e| {
        rusqlite::Error::ToSqlConversionFailure(format!("reading tickets: {e}").into())
    })?;
    m.head(
        "tickets_open",
        "Complaint tickets still being worked on (§6).",
    );
    m.value("tickets_open", &[], open_tickets.len() as i64);
    m.head(
        "tickets_sla_breached",
        "Open tickets that missed an SLA deadline (acknowledge, plan or resolve).",
    );
    m.value(
        "tickets_sla_breached",
        &[],
        open_tickets
            .iter()
            .filter(|t| !t.breached.is_empty())
            .count() as i64,
    );

    let base = &config.credit.base_currency;
    m.head(
        "receivables_overdue",
        "Outstanding of invoices past due today, in the base currency (§5).",
    );
    match overdue(conn, config, now.date_naive()) {
        Ok(minor) => m.raw(
            "receivables_overdue",
            &[("currency", base.as_str())],
            &money::decimal(minor, base),
        ),
        // A missing rate must not hide the other figures; the error is shown instead.
        Err(reason) => {
            let _ = writeln!(
                m.text,
                "# receivables_overdue unavailable: {}",
                reason.replace('\n', " ")
            );
            m.value("receivables_overdue_error", &[], 1);
        }
    }
    Ok(m.text)
}

/// Overdue at `today` in base minor units: Σ outstanding of invoices with days past due > 0.
pub fn overdue(
    conn: &Connection,
    config: &Config,
    today: chrono::NaiveDate,
) -> Result<i64, String> {
    let ledger = Ledger::load(conn).map_err(|e| e.to_string())?;
    let rates = Rates::load(conn, &config.credit.base_currency, &config.credit.rates)
        .map_err(|e| e.to_string())?;
    let mut total = 0;
    for inv in &ledger.invoices {
        let open = outstanding(&ledger, inv, today);
        if open > 0 && days_past_due(inv.due_date, today) > 0 {
            total += rates
                .to_base(open, &inv.currency, today)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(total)
}

/// The text being built.
#[derive(Default)]
struct Metrics {
    text: String,
}

impl Metrics {
    fn head(&mut self, name: &str, help: &str) {
        let _ = writeln!(self.text, "# HELP tradewind_{name} {help}");
        let _ = writeln!(self.text, "# TYPE tradewind_{name} gauge");
    }

    fn value(&mut self, name: &str, labels: &[(&str, &str)], v: i64) {
        self.raw(name, labels, &v.to_string());
    }

    fn raw(&mut self, name: &str, labels: &[(&str, &str)], v: &str) {
        let _ = write!(self.text, "tradewind_{name}");
        if !labels.is_empty() {
            let inner: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            let _ = write!(self.text, "{{{}}}", inner.join(","));
        }
        let _ = writeln!(self.text, " {v}");
    }
}

/// A label value as the text format wants it: `\`, `"` and newlines escaped.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
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
name = "销售\"a\""
owner = "a"
role = "sales"
address = "a@x.cn"
[credit]
base_currency = "USD"
[credit.rates]
EUR = "1.10"
"#;
        Config::parse(text, Path::new("/tmp/tw.toml")).unwrap()
    }

    fn line<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
        text.lines()
            .find(|l| l.starts_with(prefix) && l[prefix.len()..].starts_with(' '))
            .map(|l| l[prefix.len() + 1..].trim())
    }

    #[test]
    fn figures_follow_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tw.db");
        let store = Store::open(&db).unwrap();
        let cfg = config();
        let now: DateTime<Utc> = "2026-11-20T08:00:00Z".parse().unwrap();
        let empty = scrape(&db, &cfg, now).unwrap();
        assert_eq!(line(&empty, "tradewind_messages"), Some("0"));
        assert_eq!(
            line(
                &empty,
                "tradewind_mailbox_messages{mailbox=\"销售\\\"a\\\"\"}"
            ),
            Some("0")
        );
        assert_eq!(
            line(&empty, "tradewind_outbox_messages{state=\"uncertain\"}"),
            Some("0")
        );
        assert_eq!(
            line(&empty, "tradewind_receivables_overdue{currency=\"USD\"}"),
            Some("0.00")
        );

        let c = store.conn();
        c.execute_batch(
            "INSERT INTO customers (id, code, name, created_at, updated_at) VALUES (1, 'C1', 'Acme', 'x', 'x');
             INSERT INTO invoices (id, customer_id, number, currency, amount_minor, issue_date,
                                   due_date, imported_at)
               VALUES (1, 1, 'INV-1', 'EUR', 100000, '2026-09-01', '2026-10-01', 'x'),
                      (2, 1, 'INV-2', 'USD', 5000, '2026-11-01', '2026-12-01', 'x');",
        )
        .unwrap();
        crate::daemon::status::set_state(c, "销售\"a\"", crate::daemon::status::State::Connecting)
            .unwrap();
        crate::daemon::status::record_failure(
            c,
            "销售\"a\"",
            crate::daemon::status::State::Backoff,
            "refused",
            std::time::Duration::from_secs(1),
        )
        .unwrap();
        let after = scrape(&db, &cfg, now).unwrap();
        // EUR 1,000.00 overdue at 1.10; the USD invoice is not yet due.
        assert_eq!(
            line(&after, "tradewind_receivables_overdue{currency=\"USD\"}"),
            Some("1100.00")
        );
        assert_eq!(
            line(
                &after,
                "tradewind_mailbox_errors{mailbox=\"销售\\\"a\\\"\"}"
            ),
            Some("1")
        );
        assert!(after
            .contains("tradewind_mailbox_state{mailbox=\"销售\\\"a\\\"\",state=\"backoff\"} 1"));
    }
}
