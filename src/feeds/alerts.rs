//! Credit holds and payment-fraud alerts → outbox (§5.3): each `credit_holds` row and each
//! `payment_alerts` row with `alert = 'due'` becomes ONE internal email (key `credit-hold/<id>`
//! or `payment-alert/<id>`) to the customer's owner and the finance managers (users with role
//! finance or manager), sent at once from the internal mailbox; the row's alert becomes
//! `sent` when queued (the outbox takes it from there). A fraud alert quotes the message.

use rusqlite::{params, Connection};

use super::{FeedReport, FeedsError};
use crate::config::Config;
use crate::outbox::config::Mode;
use crate::outbox::{Content, NewEmail, Outbound, OutboxError, Timing};

/// How many lines of a suspicious message the fraud alert quotes.
const QUOTE_LINES: usize = 40;

/// Queues every due hold and fraud alert.
pub fn queue_alerts(
    tx: &Connection,
    ob: &Outbound<'_>,
    report: &mut FeedReport,
) -> Result<(), FeedsError> {
    let holds: Vec<(i64, String, String, String, String, Option<String>)> = tx
        .prepare(
            "SELECT h.id, h.reason, h.since, c.code, c.name, c.owner
               FROM credit_holds h JOIN customers c ON c.id = h.customer_id
              WHERE h.alert = 'due' AND h.cleared_at IS NULL ORDER BY h.id",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    for (id, reason, since, code, name, owner) in holds {
        let subject = format!("Credit hold: {code} {name} / 信用冻结：{code}");
        let text = format!(
            "{code} {name} is on credit hold since {since}: no shipment without finance's release (§5.3).\n\
             Reason: {reason}\n\nSee: tradewind credit show {code}\n\n\
             客户 {code} {name} 自 {since} 起信用冻结，未经财务放行不得发货。\n原因：{reason}\n"
        );
        let row = format!("credit_holds {id} ({code})");
        let key = format!("credit-hold/{id}");
        if send(tx, ob, report, row, key, owner.as_deref(), subject, text)? {
            tx.execute("UPDATE credit_holds SET alert = 'sent' WHERE id = ?1", [id])?;
        }
    }
    type Alert = (
        i64,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let alerts: Vec<Alert> = tx
        .prepare(
            "SELECT a.id, a.kind, a.evidence, a.raised_at, c.code, c.owner, m.from_addr, m.date,
                    m.subject, m.body_text
               FROM payment_alerts a JOIN messages m ON m.id = a.message_id
               LEFT JOIN customers c ON c.id = a.customer_id
              WHERE a.alert = 'due' ORDER BY a.id",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    for (id, kind, evidence, raised, code, owner, from, date, msg_subject, body) in alerts {
        let who = code.clone().unwrap_or_else(|| "an unknown sender".into());
        let (what, what_zh) = match kind.as_str() {
            "bank_change" => ("announces new bank details", "声称银行账户变更"),
            _ => ("comes from a lookalike domain", "来自仿冒域名"),
        };
        let subject = format!("Payment fraud alert: mail for {who} {what} / 付款欺诈警报");
        let text = format!(
            "A message {what} ({evidence}). Do NOT change any bank details or pay to a new account\n\
             before confirming by phone with a number you already had (§5.3).\n\n\
             From: {from}\nDate: {date}\nSubject: {subject}\n\n{quote}\n\n\
             邮件{what_zh}（{evidence}）。在用已有电话号码核实之前，不得更改任何银行信息或向新账户付款。\n\
             (raised {raised})\n",
            from = from.as_deref().unwrap_or("?"),
            date = date.as_deref().unwrap_or("?"),
            subject = msg_subject.as_deref().unwrap_or(""),
            quote = quote(body.as_deref().unwrap_or("")),
        );
        let row = format!("payment_alerts {id} ({kind})");
        let key = format!("payment-alert/{id}");
        if send(tx, ob, report, row, key, owner.as_deref(), subject, text)? {
            tx.execute(
                "UPDATE payment_alerts SET alert = 'sent' WHERE id = ?1",
                params![id],
            )?;
        }
    }
    Ok(())
}

/// The message quoted with "> ", at most [`QUOTE_LINES`] lines.
pub fn quote(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut out: Vec<String> = lines
        .iter()
        .take(QUOTE_LINES)
        .map(|l| format!("> {l}").trim_end().to_string())
        .collect();
    if lines.len() > QUOTE_LINES {
        out.push(format!("> [... {} more lines]", lines.len() - QUOTE_LINES));
    }
    out.join("\n")
}

/// Enqueues one alert to the owner and the finance managers; false (and an error in the
/// report) when it cannot be.
#[allow(clippy::too_many_arguments)]
fn send(
    tx: &Connection,
    ob: &Outbound<'_>,
    report: &mut FeedReport,
    row: String,
    key: String,
    owner: Option<&str>,
    subject: String,
    text: String,
) -> Result<bool, FeedsError> {
    let to = super::finance_recipients(ob.config, owner);
    queue_internal(tx, ob, report, row, key, "credit_alert", to, subject, text)
}

/// Enqueues one internal email (sent at once from the internal mailbox) to `to`; false (and
/// an error in the report) when it cannot be.
#[allow(clippy::too_many_arguments)]
pub fn queue_internal(
    tx: &Connection,
    ob: &Outbound<'_>,
    report: &mut FeedReport,
    row: String,
    key: String,
    purpose: &str,
    to: Vec<String>,
    subject: String,
    text: String,
) -> Result<bool, FeedsError> {
    let config: &Config = ob.config;
    let Some(mailbox) = super::internal_mailbox(config) else {
        report.error(row, "no mailbox configured to send internal alerts from");
        return Ok(false);
    };
    if to.is_empty() {
        report.error(
            row,
            "nobody to tell: no owner and no user with role finance or manager",
        );
        return Ok(false);
    }
    let email = NewEmail {
        key,
        purpose: purpose.into(),
        customer_id: None,
        contact_id: None,
        mailbox: mailbox.name.get_ref().clone(),
        mode: Mode::Send,
        to,
        cc: Vec::new(),
        content: Content::Rendered {
            subject,
            text,
            html: None,
        },
        in_reply_to: None,
        references: Vec::new(),
        due_date: None,
        timing: Timing::At(chrono::Utc::now()),
        cancel_on_reply_after: None,
    };
    match ob.enqueue(tx, email) {
        Ok(e) => {
            report.queued.push((row, e.id()));
            Ok(true)
        }
        Err(OutboxError::Sql(e)) => Err(e.into()),
        Err(e) => {
            report.error(row, e);
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_are_prefixed_and_capped() {
        let q = super::quote("Our bank changed.\n\nNew IBAN: DE00 1234");
        assert_eq!(q, "> Our bank changed.\n>\n> New IBAN: DE00 1234");
        let long: String = (0..50).map(|i| format!("line {i}\n")).collect();
        let q = super::quote(&long);
        assert_eq!(q.lines().count(), super::QUOTE_LINES + 1);
        assert!(q.ends_with("> [... 10 more lines]"), "{q}");
    }
}
