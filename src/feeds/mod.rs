//! The outbox feeds: the glue that turns what other engines record as due into outbox rows
//! (issue 6's one outbox, exactly once by key):
//!
//! - [`dunning`]: `dunning_letters` planned by §5.4 dunning → letters from the finance mailbox,
//!   in the previous letter's thread; a cycle cleared by a payment cancels a letter not yet sent.
//! - [`tickets`]: `ticket_notices` (§6, §4.2) → the acknowledgement and the post-resolution
//!   follow-up to the customer in the complaint's thread and language; SLA breach notices to
//!   the owner and the managers.
//! - [`alerts`]: credit holds (§5.3) and payment-fraud alerts → one internal email each to the
//!   customer's owner and the finance managers.
//!
//! - [`pool`]: the public pool's daily sweep (公海, §3) → warnings and returns to the owner.
//!
//! Called before each delivery run: by the daemon's outbound task, by `outbox deliver`, and
//! (letters only) by `dunning run`.

pub mod alerts;
pub mod dunning;
pub mod pool;
pub mod tickets;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::config::{Config, Mailbox, MailboxRole, Role};
use crate::outbox::config::Mode;
use crate::outbox::{Outbound, OutboxError};

/// The `[feeds]` section: how the fed emails leave the outbox.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedsConfig {
    /// Dunning letters (default `approve`: finance reviews each letter, §5.4).
    #[serde(default = "approve")]
    pub dunning_mode: Mode,
    /// Acknowledgements and post-resolution follow-ups to complaining customers (default
    /// `send`: the customer hears from us at once, §6).
    #[serde(default = "send")]
    pub ticket_mode: Mode,
    /// The mailbox internal notices (SLA breaches, credit holds, fraud alerts) are sent from
    /// (default: the dunning mailbox, else the first finance mailbox, else the first mailbox).
    #[serde(default)]
    pub internal_mailbox: Option<String>,
}

fn approve() -> Mode {
    Mode::Approve
}
fn send() -> Mode {
    Mode::Send
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            dunning_mode: Mode::Approve,
            ticket_mode: Mode::Send,
            internal_mailbox: None,
        }
    }
}

/// Why a feed run stopped (single rows that cannot be queued are reported, not raised).
#[derive(Debug, thiserror::Error)]
pub enum FeedsError {
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// One thing a feed could not queue (it stays due and is tried again next run).
#[derive(Debug, Clone, Serialize)]
pub struct FeedError {
    /// `dunning_letters 12`, `ticket_notices 3`, `credit_holds 4`...
    pub row: String,
    pub reason: String,
}

/// What one feed run queued, cancelled and could not queue.
#[derive(Debug, Default, Serialize)]
pub struct FeedReport {
    /// (source row, outbox id) queued now.
    pub queued: Vec<(String, i64)>,
    /// (outbox id, why) cancelled now.
    pub cancelled: Vec<(i64, String)>,
    pub errors: Vec<FeedError>,
}

impl FeedReport {
    fn error(&mut self, row: String, e: impl std::fmt::Display) {
        self.errors.push(FeedError {
            row,
            reason: e.to_string(),
        });
    }
}

/// Runs every feed in `tx` at `now`. Errors of single rows are in the report; a database error
/// aborts.
pub fn queue_all(
    tx: &Connection,
    ob: &Outbound<'_>,
    now: DateTime<Utc>,
) -> Result<FeedReport, FeedsError> {
    let mut report = FeedReport::default();
    dunning::queue_letters(tx, ob, now, &mut report)?;
    tickets::queue_notices(tx, ob, now, &mut report)?;
    alerts::queue_alerts(tx, ob, &mut report)?;
    crate::kpi::mail::queue_reports(tx, ob, now, &mut report)?;
    Ok(report)
}

/// Who the daemon writes in the audit trail for its daily dunning run.
pub const DUNNING_ACTOR: &str = "daemon:dunning";

/// The daemon's pass before each delivery run: once a day (the first pass of each UTC day,
/// `dunning_day` remembers it) the dunning run of §5.4 — the same as `tradewind dunning run`
/// for today — then every feed, each in its own write transaction.
pub fn daemon_pass(
    store: &mut crate::store::Store,
    ob: &Outbound<'_>,
    now: DateTime<Utc>,
    dunning_day: &mut Option<chrono::NaiveDate>,
) -> Result<FeedReport, FeedsError> {
    let today = now.date_naive();
    if *dunning_day != Some(today) {
        let tx = store.write().map_err(OutboxError::from)?;
        let ledger = crate::ledger::Ledger::load(&tx)?;
        let outcome = crate::dunning::plan::run(&tx, ob.config, &ledger, today, DUNNING_ACTOR)?;
        tx.commit()?;
        *dunning_day = Some(today);
        for (customer, level, what) in &outcome.recorded {
            tracing::info!(%customer, %level, %what, "dunning level recorded");
        }
        for customer in &outcome.stopped {
            tracing::info!(%customer, "dunning stopped: overdue invoices cleared");
        }
        pool_pass(store, ob, now)?;
    }
    let tx = store.write().map_err(OutboxError::from)?;
    let report = queue_all(&tx, ob, now)?;
    tx.commit()?;
    for (row, id) in &report.queued {
        tracing::info!(%row, outbox = id, "queued in the outbox");
    }
    for (id, why) in &report.cancelled {
        tracing::info!(outbox = id, %why, "outbox row cancelled");
    }
    for e in &report.errors {
        tracing::warn!(row = %e.row, reason = %e.reason, "could not queue");
    }
    Ok(report)
}

/// The daily pool sweep of the daemon, with its notices queued; a sweep error is logged
/// (the rest of the pass goes on) and tried again the next day.
fn pool_pass(
    store: &mut crate::store::Store,
    ob: &Outbound<'_>,
    now: DateTime<Utc>,
) -> Result<(), FeedsError> {
    let tx = store.write().map_err(OutboxError::from)?;
    let mut report = FeedReport::default();
    match pool::sweep_and_notify(&tx, ob, now, &mut report) {
        Ok(Some(sweep)) => {
            tx.commit()?;
            for (code, owner, due) in &sweep.warned {
                tracing::info!(%code, %owner, %due, "pool: owner warned");
            }
            for (code, owner) in &sweep.returned {
                tracing::info!(%code, %owner, "pool: customer returned to the public pool");
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "public pool sweep failed; trying again tomorrow"),
    }
    for e in &report.errors {
        tracing::warn!(row = %e.row, reason = %e.reason, "could not queue");
    }
    Ok(())
}

/// The mailbox internal notices are sent from (see [`FeedsConfig::internal_mailbox`]).
pub fn internal_mailbox(config: &Config) -> Option<&Mailbox> {
    match &config.feeds.internal_mailbox {
        Some(name) => config.mailbox(name),
        None => config
            .dunning
            .from_mailbox(&config.mailboxes)
            .or_else(|| {
                config
                    .mailboxes
                    .iter()
                    .find(|m| m.role == MailboxRole::Finance)
            })
            .or(config.mailboxes.first()),
    }
}

/// The address of user `login` in the config.
pub fn user_email(config: &Config, login: &str) -> Option<String> {
    config
        .users
        .iter()
        .find(|u| u.login.get_ref() == login)
        .map(|u| u.email.clone())
}

/// The customer's owner and every user with role finance or manager: who hears of a credit
/// hold or a payment-fraud alert (§5.3). Addresses, lower case, without duplicates.
pub fn finance_recipients(config: &Config, owner: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = owner
        .and_then(|o| user_email(config, o))
        .into_iter()
        .collect();
    for u in &config.users {
        if matches!(u.role, Role::Finance | Role::Manager) {
            out.push(u.email.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.into_iter()
        .map(|a| a.trim().to_lowercase())
        .filter(|a| seen.insert(a.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::outbox::config::Mode;
    use std::path::Path;

    fn config(extra: &str) -> Config {
        let text = format!(
            "[company]\nname = \"Seawind\"\nhome_country = \"CN\"\ndomains = [\"seawind-trade.cn\"]\n\
             [[users]]\nlogin = \"li.wei\"\nname = \"Li Wei\"\nemail = \"Li.Wei@seawind-trade.cn\"\nrole = \"sales\"\n\
             [[users]]\nlogin = \"zhao.lei\"\nname = \"Zhao Lei\"\nemail = \"zhao.lei@seawind-trade.cn\"\nrole = \"finance\"\n\
             [[users]]\nlogin = \"liu.yang\"\nname = \"Liu Yang\"\nemail = \"liu.yang@seawind-trade.cn\"\nrole = \"manager\"\n\
             [[mailboxes]]\nname = \"li.wei\"\nowner = \"li.wei\"\nrole = \"sales\"\naddress = \"li.wei@seawind-trade.cn\"\n\
             [[mailboxes]]\nname = \"finance\"\nowner = \"zhao.lei\"\nrole = \"finance\"\naddress = \"finance@seawind-trade.cn\"\n\
             {extra}"
        );
        Config::parse(&text, Path::new("/etc/tw/tradewind.toml")).unwrap()
    }

    #[test]
    fn defaults_approve_dunning_send_tickets_and_use_the_finance_mailbox() {
        let c = config("");
        assert_eq!(c.feeds.dunning_mode, Mode::Approve);
        assert_eq!(c.feeds.ticket_mode, Mode::Send);
        assert_eq!(
            super::internal_mailbox(&c).unwrap().name.get_ref(),
            "finance"
        );
        let c = config("[feeds]\ndunning_mode = \"send\"\ninternal_mailbox = \"li.wei\"\n");
        assert_eq!(c.feeds.dunning_mode, Mode::Send);
        assert_eq!(
            super::internal_mailbox(&c).unwrap().name.get_ref(),
            "li.wei"
        );
    }

    #[test]
    fn finance_recipients_are_the_owner_then_finance_and_managers_once() {
        let c = config("");
        assert_eq!(
            super::finance_recipients(&c, Some("li.wei")),
            [
                "li.wei@seawind-trade.cn",
                "zhao.lei@seawind-trade.cn",
                "liu.yang@seawind-trade.cn"
            ]
        );
        // The owner being a finance user is not listed twice.
        assert_eq!(super::finance_recipients(&c, Some("zhao.lei")).len(), 2);
        assert_eq!(super::finance_recipients(&c, None).len(), 2);
    }
}
