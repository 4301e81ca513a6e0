//! The public pool (公海, issue 4) → outbox: the daily sweep's warnings and returns become
//! internal emails to the owner, each exactly once by key (`pool-warning/<code>/<due>`,
//! `pool-returned/<code>/<date>`). The sweep and the queueing share one transaction, so a
//! warning recorded is a warning queued.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::{FeedReport, FeedsError};
use crate::outbox::Outbound;
use crate::pool::{PoolError, SweepReport};

/// Why the pool feed stopped.
#[derive(Debug, thiserror::Error)]
pub enum PoolFeedError {
    #[error(transparent)]
    Pool(#[from] PoolError),
    #[error(transparent)]
    Feeds(#[from] FeedsError),
}

/// Sweeps the pool at `now` (when `[matching.pool]` is configured; else does nothing) and
/// queues one email per owner warned and per customer returned.
pub fn sweep_and_notify(
    tx: &Connection,
    ob: &Outbound<'_>,
    now: DateTime<Utc>,
    report: &mut FeedReport,
) -> Result<Option<SweepReport>, PoolFeedError> {
    let Some(pool) = ob.config.matching.pool.as_ref() else {
        return Ok(None);
    };
    let sweep = crate::pool::sweep(tx, Some(pool), now)?;
    for (code, owner, due) in &sweep.warned {
        let day = due.get(..10).unwrap_or(due);
        let subject =
            format!("{code} returns to the public pool on {day} / 客户 {code} 将于 {day} 退回公海");
        let text = format!(
            "No two-way correspondence with customer {code} for a long time: unless you and the \
             customer exchange mail (a reply either way) before {day}, it returns to the public \
             pool where colleagues can claim it (§3).\n\nSee: tradewind customers timeline {code}\n\n\
             客户 {code} 长期没有双向往来邮件。如在 {day} 之前仍无往来，该客户将退回公海，其他同事可以认领。\n"
        );
        notify(
            tx,
            ob,
            report,
            owner,
            format!("pool-warning/{code}/{day}"),
            subject,
            text,
        )?;
    }
    let today = now.date_naive();
    for (code, owner) in &sweep.returned {
        let subject = format!("{code} has returned to the public pool / 客户 {code} 已退回公海");
        let text = format!(
            "Customer {code} had no two-way correspondence within its cycle and is now in the \
             public pool (§3). You may claim it back after the configured waiting time: \
             tradewind pool claim {code}\n\n客户 {code} 已退回公海。等待期过后可重新认领。\n"
        );
        notify(
            tx,
            ob,
            report,
            owner,
            format!("pool-returned/{code}/{today}"),
            subject,
            text,
        )?;
    }
    Ok(Some(sweep))
}

fn notify(
    tx: &Connection,
    ob: &Outbound<'_>,
    report: &mut FeedReport,
    owner: &str,
    key: String,
    subject: String,
    text: String,
) -> Result<(), FeedsError> {
    let row = format!("pool {key}");
    match super::user_email(ob.config, owner) {
        Some(to) => {
            super::alerts::queue_internal(
                tx,
                ob,
                report,
                row,
                key,
                "pool_notice",
                vec![to],
                subject,
                text,
            )?;
        }
        None => report.error(row, format!("owner '{owner}' has no email in the config")),
    }
    Ok(())
}
