//! Dunning letters → outbox (§5.4): each letter `dunning::plan::run` recorded as `planned` is
//! queued once (key `dunning/<letter id>`) from the dunning mailbox, to the letter contact with
//! the owner (and at a `cc_sales_manager` level the sales manager) in CC, answering the
//! previous letter of the cycle (In-Reply-To / References), in the customer's send window, in
//! `[feeds] dunning_mode` (default approve). A reply from the customer after queueing cancels
//! it at delivery; a payment that clears the overdue invoices cancels it before it is sent;
//! a sent letter's row becomes `sent`.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{FeedReport, FeedsError};
use crate::ledger::Ledger;
use crate::outbox::{queue, Content, NewEmail, Outbound, OutboxError, Timing};

/// A letter waiting for the outbox.
struct Waiting {
    id: i64,
    customer_id: i64,
    cycle: i64,
    as_of: String,
    to: Option<String>,
    cc: Option<String>,
    subject: Option<String>,
    text: Option<String>,
    html: Option<String>,
}

/// Queues waiting letters, cancels letters a payment made pointless, and marks sent letters.
pub fn queue_letters(
    tx: &Connection,
    ob: &Outbound<'_>,
    now: DateTime<Utc>,
    report: &mut FeedReport,
) -> Result<(), FeedsError> {
    cancel_cleared(tx, ob, now, report)?;
    let waiting: Vec<Waiting> = tx
        .prepare(
            "SELECT id, customer_id, cycle, as_of, to_addr, cc, subject, body_text, body_html
               FROM dunning_letters
              WHERE status = 'planned' AND outbox_id IS NULL
                AND (cleared_at IS NULL OR level = 'thank_you')
              ORDER BY id",
        )?
        .query_map([], |r| {
            Ok(Waiting {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                cycle: r.get(2)?,
                as_of: r.get(3)?,
                to: r.get(4)?,
                cc: r.get(5)?,
                subject: r.get(6)?,
                text: r.get(7)?,
                html: r.get(8)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    if waiting.is_empty() {
        mark_sent(tx)?;
        return Ok(());
    }
    let Some(mailbox) = ob.config.dunning.from_mailbox(&ob.config.mailboxes) else {
        for w in &waiting {
            report.error(
                format!("dunning_letters {}", w.id),
                "no dunning mailbox: set [dunning] from_mailbox or add a mailbox with role \"finance\"",
            );
        }
        return Ok(());
    };
    for w in waiting {
        let row = format!("dunning_letters {}", w.id);
        let (Some(to), Some(subject), Some(text)) = (w.to, w.subject, w.text) else {
            report.error(row, "the letter has no recipient or no text (the customer has no contact with an address?)");
            continue;
        };
        let (in_reply_to, references) = previous_thread(tx, w.customer_id, w.cycle, w.id)?;
        let email = NewEmail {
            key: format!("dunning/{}", w.id),
            purpose: "dunning".into(),
            customer_id: Some(w.customer_id),
            contact_id: None,
            mailbox: mailbox.name.get_ref().clone(),
            mode: ob.config.feeds.dunning_mode,
            to: vec![to],
            cc: w
                .cc
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(String::from)
                .collect(),
            content: Content::Rendered {
                subject,
                text,
                html: w.html,
            },
            in_reply_to,
            references,
            due_date: crate::ledger::parse_stored_date(&w.as_of).ok(),
            timing: Timing::Window {
                earliest: now,
                local_day: None,
                window: None,
            },
            cancel_on_reply_after: Some(now),
        };
        match ob.enqueue(tx, email) {
            Ok(e) => {
                tx.execute(
                    "UPDATE dunning_letters SET outbox_id = ?2, queued_at = ?3 WHERE id = ?1",
                    params![w.id, e.id(), crate::store::now()],
                )?;
                report.queued.push((row, e.id()));
            }
            Err(OutboxError::Sql(e)) => return Err(e.into()),
            Err(e) => report.error(row, e),
        }
    }
    mark_sent(tx)?;
    Ok(())
}

/// Letters whose outbox row was sent become `sent`; returns how many changed.
pub fn mark_sent(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE dunning_letters SET status = 'sent'
          WHERE status = 'planned' AND outbox_id IN (SELECT id FROM outbox WHERE state = 'sent')",
        [],
    )
}

/// In-Reply-To and References for a letter: the latest earlier letter of the same cycle that
/// went (or will go) out.
fn previous_thread(
    tx: &Connection,
    customer_id: i64,
    cycle: i64,
    letter_id: i64,
) -> rusqlite::Result<(Option<String>, Vec<String>)> {
    let prev: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT o.message_id, o.refs FROM dunning_letters d JOIN outbox o ON o.id = d.outbox_id
              WHERE d.customer_id = ?1 AND d.cycle = ?2 AND d.id < ?3
                AND o.state NOT IN ('cancelled', 'failed')
              ORDER BY d.id DESC LIMIT 1",
            params![customer_id, cycle, letter_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match prev {
        Some((mid, refs)) => {
            let mut all: Vec<String> = refs
                .unwrap_or_default()
                .split_whitespace()
                .map(String::from)
                .collect();
            all.push(mid.clone());
            (Some(mid), all)
        }
        None => (None, Vec::new()),
    })
}

/// Cancels queued, not yet sent letters (not thank-you letters) of customers whose overdue
/// invoices are cleared today — a payment imported since the letter was planned — or whose
/// cycle `dunning run` already closed.
fn cancel_cleared(
    tx: &Connection,
    ob: &Outbound<'_>,
    now: DateTime<Utc>,
    report: &mut FeedReport,
) -> Result<(), FeedsError> {
    let pending: Vec<(i64, i64, bool)> = tx
        .prepare(
            "SELECT o.id, d.customer_id, d.cleared_at IS NOT NULL FROM dunning_letters d
               JOIN outbox o ON o.id = d.outbox_id
              WHERE d.level != 'thank_you' AND o.state IN ('planned', 'approved')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    if pending.is_empty() {
        return Ok(());
    }
    let ledger = Ledger::load(tx)?;
    let today = now.date_naive();
    let plan = crate::dunning::plan::plan(tx, ob.config, &ledger, today)?;
    let codes: std::collections::HashMap<i64, String> = tx
        .prepare("SELECT id, code FROM customers")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (outbox_id, customer_id, closed) in pending {
        let code = codes.get(&customer_id).cloned().unwrap_or_default();
        let cleared = closed
            || plan
                .iter()
                .find(|e| e.customer == code)
                .is_none_or(|e| e.cleared);
        if cleared {
            let why = format!("dunning stopped: the overdue invoices of {code} were cleared");
            queue::cancel(tx, outbox_id, &why)?;
            report.cancelled.push((outbox_id, why));
        }
    }
    Ok(())
}
