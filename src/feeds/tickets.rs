//! Ticket notices → outbox (§6, §4.2): each `ticket_notices` row due and neither queued nor
//! cancelled becomes one outbox row (key `ticket-notice/<notice id>`), and the notice gets
//! `queued_at` and `outbox_id`:
//!
//! - `acknowledgement` / `followup`: to the customer, in the complaint's thread (In-Reply-To
//!   its Message-ID), rendered from `ticket_ack` / `ticket_followup` templates in the
//!   complaint's language (en, zh... with the outbox's fallbacks), from the mailbox the
//!   complaint arrived in, in `[feeds] ticket_mode` (default send);
//! - `breach`: an internal notice to the recipient user (the owner or a manager), once per
//!   ticket, stage and recipient, sent from the internal mailbox.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

use super::{FeedReport, FeedsError};
use crate::config::{Config, Mailbox, MailboxRole};
use crate::outbox::config::Mode;
use crate::outbox::{compose, queue, render, Content, NewEmail, Outbound, OutboxError, Timing};

/// A due notice with its ticket.
struct Due {
    id: i64,
    kind: String,
    stage: String,
    recipient: String,
    language: Option<String>,
    due_at: DateTime<Utc>,
    number: String,
    subject: String,
    category: String,
    severity: String,
    customer_id: Option<i64>,
    contact_id: Option<i64>,
    owner: Option<String>,
    source: Option<i64>,
}

/// Queues every due notice.
pub fn queue_notices(
    tx: &Connection,
    ob: &Outbound<'_>,
    now: DateTime<Utc>,
    report: &mut FeedReport,
) -> Result<(), FeedsError> {
    let rows: Vec<Due> = tx
        .prepare(
            "SELECT n.id, n.kind, n.stage, n.recipient, n.language, n.due_at, t.number, t.subject,
                    t.category, t.severity, t.customer_id, t.contact_id, t.owner, t.source_message
               FROM ticket_notices n JOIN tickets t ON t.id = n.ticket_id
              WHERE n.queued_at IS NULL AND n.cancelled_at IS NULL AND t.status != 'rejected'
              ORDER BY n.id",
        )?
        .query_map([], |r| {
            let due: String = r.get(5)?;
            Ok(Due {
                id: r.get(0)?,
                kind: r.get(1)?,
                stage: r.get(2)?,
                recipient: r.get(3)?,
                language: r.get(4)?,
                due_at: queue::parse_ts(&due).unwrap_or(DateTime::<Utc>::MIN_UTC),
                number: r.get(6)?,
                subject: r.get(7)?,
                category: r.get(8)?,
                severity: r.get(9)?,
                customer_id: r.get(10)?,
                contact_id: r.get(11)?,
                owner: r.get(12)?,
                source: r.get(13)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    for n in rows {
        // Follow-ups wait in the send window after their day; the others go when due.
        if n.kind != "followup" && n.due_at > now {
            continue;
        }
        let row = format!("ticket_notices {} ({} of {})", n.id, n.kind, n.number);
        let email = match n.kind.as_str() {
            "breach" => breach(ob.config, &n),
            _ => to_customer(tx, ob, &n, now),
        };
        let email = match email {
            Ok(e) => e,
            Err(FeedsError::Outbox(OutboxError::Sql(e))) | Err(FeedsError::Sql(e)) => {
                return Err(e.into())
            }
            Err(e) => {
                report.error(row, e);
                continue;
            }
        };
        match ob.enqueue(tx, email) {
            Ok(e) => {
                tx.execute(
                    "UPDATE ticket_notices SET queued_at = ?2, outbox_id = ?3 WHERE id = ?1",
                    params![n.id, crate::store::now(), e.id()],
                )?;
                report.queued.push((row, e.id()));
            }
            Err(OutboxError::Sql(e)) => return Err(e.into()),
            Err(e) => report.error(row, e),
        }
    }
    Ok(())
}

/// The SLA breach notice to one staff member (the recipient is a user login).
fn breach(config: &Config, n: &Due) -> Result<NewEmail, FeedsError> {
    let to = super::user_email(config, &n.recipient).ok_or_else(|| {
        OutboxError::UnknownMailbox(format!("user '{}' (not among [[users]])", n.recipient))
    })?;
    let mailbox = super::internal_mailbox(config)
        .ok_or_else(|| OutboxError::UnknownMailbox("(no mailbox configured)".into()))?;
    let stage_zh = match n.stage.as_str() {
        "acknowledge" => "确认",
        "plan" => "处理方案",
        _ => "解决",
    };
    let subject = format!(
        "SLA missed: {} ({}) / 工单超时：{}（{}）",
        n.number, n.stage, n.number, stage_zh
    );
    let text = format!(
        "Ticket {number} missed its {stage} deadline.\n\
         Subject: {subject}\nCategory: {category}, severity: {severity}\nOwner: {owner}\n\n\
         See: tradewind tickets show {number}\n\n\
         工单 {number} 已超过{stage_zh}时限，请尽快处理。\n",
        number = n.number,
        stage = n.stage,
        subject = n.subject,
        category = n.category,
        severity = n.severity,
        owner = n.owner.as_deref().unwrap_or("-"),
    );
    Ok(NewEmail {
        key: format!("ticket-notice/{}", n.id),
        purpose: "ticket_breach".into(),
        customer_id: None,
        contact_id: None,
        mailbox: mailbox.name.get_ref().clone(),
        mode: Mode::Send,
        to: vec![to],
        cc: Vec::new(),
        content: Content::Rendered {
            subject,
            text,
            html: None,
        },
        in_reply_to: None,
        references: Vec::new(),
        due_date: None,
        timing: Timing::At(n.due_at),
        cancel_on_reply_after: None,
    })
}

/// The acknowledgement or follow-up to the customer, in the complaint's thread and language.
fn to_customer(
    tx: &Connection,
    ob: &Outbound<'_>,
    n: &Due,
    now: DateTime<Utc>,
) -> Result<NewEmail, FeedsError> {
    let config = ob.config;
    // The complaint: its Message-ID, the mailbox it sits in, its sender's name.
    let source: Option<(Option<String>, Option<String>, Option<String>)> = match n.source {
        Some(id) => tx
            .query_row(
                "SELECT m.message_id, m.from_name,
                        (SELECT l.mailbox FROM message_locations l WHERE l.message_id = m.id ORDER BY l.mailbox LIMIT 1)
                   FROM messages m WHERE m.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?,
        None => None,
    };
    let (mid, from_name, arrived_in) = source.unwrap_or((None, None, None));
    let mailbox = sender_mailbox(config, arrived_in.as_deref(), n.owner.as_deref())
        .ok_or_else(|| OutboxError::UnknownMailbox("(no mailbox to answer from)".into()))?;
    let in_reply_to = mid
        .map(|m| format!("<{}>", m.trim_matches(['<', '>'])))
        .filter(|m| compose::check_message_id("In-Reply-To", m).is_ok());
    let customer = match n.customer_id {
        Some(id) => queue::customer_facts(tx, id)?,
        None => None,
    };
    let contact_name: Option<String> = match n.contact_id {
        Some(id) => tx
            .query_row("SELECT name FROM contacts WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?,
        None => None,
    }
    .or(from_name)
    .or_else(|| customer.as_ref().map(|c| c.name.clone()));
    let owner = config
        .users
        .iter()
        .find(|u| u.login.get_ref() == mailbox.owner.get_ref());
    let owner_name = owner.map(|u| u.name.clone()).unwrap_or_default();
    let vars = json!({
        "company": { "name": config.company.name },
        "customer": customer.as_ref().map(|c| json!({"code": c.code, "name": c.name})),
        "contact": { "name": contact_name, "email": n.recipient },
        "ticket": { "number": n.number, "subject": n.subject, "category": n.category },
        "salesperson": {
            "name": owner_name,
            "email": mailbox.address,
            "signature": format!("{owner_name}\n{}\n{}", config.company.name, mailbox.address),
        },
    });
    let name = if n.kind == "followup" {
        "ticket_followup"
    } else {
        "ticket_ack"
    };
    let langs = render::languages(n.language.as_deref(), &config.outbox.default_language);
    let r =
        render::render(&ob.templates_dir(), name, &langs, &vars).map_err(OutboxError::Template)?;
    let timing = if n.kind == "followup" {
        Timing::Window {
            earliest: n.due_at.max(now),
            local_day: None,
            window: None,
        }
    } else {
        Timing::At(now)
    };
    Ok(NewEmail {
        key: format!("ticket-notice/{}", n.id),
        purpose: format!("ticket_{}", n.kind),
        customer_id: n.customer_id,
        contact_id: n.contact_id,
        mailbox: mailbox.name.get_ref().clone(),
        mode: config.feeds.ticket_mode,
        to: vec![n.recipient.clone()],
        cc: Vec::new(),
        content: Content::Rendered {
            subject: r.subject,
            text: r.text,
            html: Some(r.html),
        },
        references: in_reply_to.iter().cloned().collect(),
        in_reply_to,
        due_date: Some(n.due_at.date_naive()),
        timing,
        cancel_on_reply_after: None,
    })
}

/// The mailbox a customer notice is sent from: the one the complaint arrived in, else the
/// ticket owner's, else the first service or sales mailbox.
fn sender_mailbox<'c>(
    config: &'c Config,
    arrived_in: Option<&str>,
    owner: Option<&str>,
) -> Option<&'c Mailbox> {
    arrived_in
        .and_then(|m| config.mailbox(m))
        .or_else(|| owner.and_then(|o| config.mailboxes.iter().find(|m| m.owner.get_ref() == o)))
        .or_else(|| {
            config
                .mailboxes
                .iter()
                .find(|m| matches!(m.role, MailboxRole::Service | MailboxRole::Sales))
        })
        .or(config.mailboxes.first())
}
