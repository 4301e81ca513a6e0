//! Working a ticket through the procedure (§6): listing with filters, the full record with
//! its history, assignment, status changes with root cause, responsibility and measures,
//! notes, and the customer's satisfaction rating at closing.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::intake::{event, fmt_time, parse_time};
use super::settings::TicketsConfig;
use crate::workhours::WorkHours;

/// The statuses of the procedure, in order; `rejected` = not a complaint.
pub const STATUSES: &[&str] = &[
    "new",
    "acknowledged",
    "investigating",
    "resolution_proposed",
    "resolved",
    "closed",
    "rejected",
];
/// Statuses of a ticket still being worked on.
pub const OPEN: &[&str] = &[
    "new",
    "acknowledged",
    "investigating",
    "resolution_proposed",
];
/// Who was responsible (§6 investigation).
pub const RESPONSIBILITIES: &[&str] = &["factory", "forwarder", "staff", "customer", "unknown"];
/// Resolution measures (§6).
pub const MEASURES: &[&str] = &["return_exchange", "resend", "discount", "compensation"];

/// Why a ticket operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    #[error("no ticket '{0}' (give its number T-YYYY-NNNN or its id)")]
    NotFound(String),
    #[error("'{value}' is not a {what}; one of: {allowed}")]
    Invalid {
        what: &'static str,
        value: String,
        allowed: String,
    },
    #[error("no active user '{0}' among [[users]]")]
    UnknownUser(String),
    #[error("ticket {number} is {status}; {why}")]
    Refused {
        number: String,
        status: String,
        why: &'static str,
    },
    #[error("database error on tickets: {0}")]
    Sql(#[from] rusqlite::Error),
}

fn check(what: &'static str, value: &str, allowed: &[&str]) -> Result<(), TicketError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(TicketError::Invalid {
            what,
            value: value.to_string(),
            allowed: allowed.join(", "),
        })
    }
}

/// One ticket as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct TicketRow {
    pub id: i64,
    pub number: String,
    pub status: String,
    pub customer: Option<String>,
    pub customer_name: Option<String>,
    pub contact: Option<String>,
    pub category: String,
    pub severity: String,
    pub owner: Option<String>,
    pub team: Option<String>,
    pub subject: String,
    pub opened_at: String,
    pub acknowledged_at: Option<String>,
    pub plan_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub ack_due: Option<String>,
    pub plan_due: Option<String>,
    pub resolve_due: Option<String>,
    /// SLA stages missed (acknowledge, plan, resolve), as of now.
    pub breached: Vec<String>,
    pub root_cause: Option<String>,
    pub responsibility: Option<String>,
    pub rating: Option<i64>,
    pub products: String,
    pub reopened: i64,
    pub language: Option<String>,
    pub score: f64,
    /// The phrases that made it a complaint.
    pub triggers: serde_json::Value,
    pub severity_cues: serde_json::Value,
}

/// Filters of `tickets list`.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<String>,
    /// Only open tickets (new … resolution_proposed).
    pub open: bool,
    pub owner: Option<String>,
    pub customer: Option<String>,
    pub category: Option<String>,
    pub severity: Option<String>,
    pub breached: bool,
}

const SELECT: &str = "SELECT t.id, t.number, t.status, c.code, c.name, t.contact_address, t.category,
    t.severity, t.owner, t.team, t.subject, t.opened_at, t.acknowledged_at, t.plan_at, t.resolved_at,
    t.closed_at, t.ack_due, t.plan_due, t.resolve_due, t.root_cause, t.responsibility, t.rating,
    t.products, t.reopened, t.language, t.score, t.triggers, t.severity_cues
    FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<TicketRow> {
    let json = |s: String| serde_json::from_str(&s).unwrap_or(serde_json::Value::Null);
    Ok(TicketRow {
        id: r.get(0)?,
        number: r.get(1)?,
        status: r.get(2)?,
        customer: r.get(3)?,
        customer_name: r.get(4)?,
        contact: r.get(5)?,
        category: r.get(6)?,
        severity: r.get(7)?,
        owner: r.get(8)?,
        team: r.get(9)?,
        subject: r.get(10)?,
        opened_at: r.get(11)?,
        acknowledged_at: r.get(12)?,
        plan_at: r.get(13)?,
        resolved_at: r.get(14)?,
        closed_at: r.get(15)?,
        ack_due: r.get(16)?,
        plan_due: r.get(17)?,
        resolve_due: r.get(18)?,
        breached: Vec::new(),
        root_cause: r.get(19)?,
        responsibility: r.get(20)?,
        rating: r.get(21)?,
        products: r.get(22)?,
        reopened: r.get(23)?,
        language: r.get(24)?,
        score: r.get(25)?,
        triggers: json(r.get(26)?),
        severity_cues: json(r.get(27)?),
    })
}

/// SLA stages `t` missed as of `now`: a deadline passed before (or without) the stage.
pub fn breaches(t: &TicketRow, now: DateTime<Utc>) -> Vec<String> {
    if t.status == "rejected" {
        return Vec::new();
    }
    let stages = [
        ("acknowledge", &t.ack_due, &t.acknowledged_at),
        (
            "plan",
            &t.plan_due,
            if t.plan_at.is_some() {
                &t.plan_at
            } else {
                &t.resolved_at
            },
        ),
        ("resolve", &t.resolve_due, &t.resolved_at),
    ];
    let mut out = Vec::new();
    for (stage, due, done) in stages {
        let Some(due) = due.as_deref().and_then(parse_time) else {
            continue;
        };
        let done = done
            .as_deref()
            .and_then(parse_time)
            .or(if t.status == "closed" {
                t.closed_at.as_deref().and_then(parse_time)
            } else {
                None
            });
        let missed = match done {
            Some(d) => d > due,
            None => now > due,
        };
        if missed {
            out.push(stage.to_string());
        }
    }
    out
}

/// Tickets matching `f`, newest first, with their breaches as of `now`.
pub fn list(
    conn: &Connection,
    f: &Filter,
    now: DateTime<Utc>,
) -> Result<Vec<TicketRow>, TicketError> {
    if let Some(s) = &f.status {
        check("status", s, STATUSES)?;
    }
    if let Some(c) = &f.category {
        let keys: Vec<&str> = super::Category::ALL.iter().map(|c| c.key()).collect();
        check("category", c, &keys)?;
    }
    if let Some(s) = &f.severity {
        check("severity", s, &["low", "normal", "high", "critical"])?;
    }
    let sql = format!(
        "{SELECT} WHERE (?1 IS NULL OR t.status = ?1) AND (?2 IS NULL OR t.owner = ?2)
         AND (?3 IS NULL OR c.code = ?3) AND (?4 IS NULL OR t.category = ?4)
         AND (?5 IS NULL OR t.severity = ?5) ORDER BY t.opened_at DESC, t.id DESC"
    );
    let mut out: Vec<TicketRow> = conn
        .prepare(&sql)?
        .query_map(
            params![f.status, f.owner, f.customer, f.category, f.severity],
            row,
        )?
        .collect::<Result<_, _>>()?;
    for t in &mut out {
        t.breached = breaches(t, now);
    }
    out.retain(|t| {
        (!f.open || OPEN.contains(&t.status.as_str())) && (!f.breached || !t.breached.is_empty())
    });
    Ok(out)
}

/// Finds a ticket by number (T-2026-0001) or id.
pub fn find(conn: &Connection, key: &str) -> Result<TicketRow, TicketError> {
    let sql = format!("{SELECT} WHERE t.number = ?1 OR CAST(t.id AS TEXT) = ?1");
    let mut t = conn
        .query_row(&sql, [key.trim()], row)
        .optional()?
        .ok_or_else(|| TicketError::NotFound(key.to_string()))?;
    t.breached = breaches(&t, Utc::now());
    Ok(t)
}

/// One history entry.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub detail: String,
}

/// A thread message of a ticket.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadMessage {
    pub message_id: i64,
    pub role: String,
    pub date: Option<String>,
    pub from: Option<String>,
    pub subject: String,
}

/// A measure taken.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    pub kind: String,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub note: Option<String>,
    pub at: String,
    pub actor: String,
}

/// A notice due to the outbox.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub kind: String,
    pub stage: String,
    pub recipient: String,
    pub due_at: String,
    pub queued_at: Option<String>,
    pub cancelled_at: Option<String>,
}

/// The whole ticket: record, thread, measures, notices and history.
#[derive(Debug, Clone, Serialize)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: TicketRow,
    pub messages: Vec<ThreadMessage>,
    pub measures: Vec<Measure>,
    pub notices: Vec<Notice>,
    pub events: Vec<Event>,
}

/// The full record of a ticket.
pub fn show(conn: &Connection, key: &str) -> Result<TicketDetail, TicketError> {
    let ticket = find(conn, key)?;
    let id = ticket.id;
    let messages = conn
        .prepare(
            "SELECT m.id, tm.role, m.date, m.from_addr, m.subject FROM ticket_messages tm
             JOIN messages m ON m.id = tm.message_id WHERE tm.ticket_id = ?1 ORDER BY m.date, m.id",
        )?
        .query_map([id], |r| {
            Ok(ThreadMessage {
                message_id: r.get(0)?,
                role: r.get(1)?,
                date: r.get(2)?,
                from: r.get(3)?,
                subject: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let measures = conn
        .prepare(
            "SELECT kind, amount_minor, currency, note, at, actor FROM ticket_measures
             WHERE ticket_id = ?1 ORDER BY id",
        )?
        .query_map([id], |r| {
            Ok(Measure {
                kind: r.get(0)?,
                amount_minor: r.get(1)?,
                currency: r.get(2)?,
                note: r.get(3)?,
                at: r.get(4)?,
                actor: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let notices = conn
        .prepare(
            "SELECT kind, stage, recipient, due_at, queued_at, cancelled_at FROM ticket_notices
             WHERE ticket_id = ?1 ORDER BY id",
        )?
        .query_map([id], |r| {
            Ok(Notice {
                kind: r.get(0)?,
                stage: r.get(1)?,
                recipient: r.get(2)?,
                due_at: r.get(3)?,
                queued_at: r.get(4)?,
                cancelled_at: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let events = conn
        .prepare(
            "SELECT at, actor, kind, detail FROM ticket_events WHERE ticket_id = ?1 ORDER BY id",
        )?
        .query_map([id], |r| {
            Ok(Event {
                at: r.get(0)?,
                actor: r.get(1)?,
                kind: r.get(2)?,
                detail: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(TicketDetail {
        ticket,
        messages,
        measures,
        notices,
        events,
    })
}

fn touch(tx: &Connection, id: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE tickets SET updated_at = ?2 WHERE id = ?1",
        params![id, crate::store::now()],
    )?;
    Ok(())
}

/// Gives a ticket to another user (and optionally team).
pub fn assign(
    tx: &Connection,
    key: &str,
    owner: &str,
    actor: &str,
) -> Result<TicketRow, TicketError> {
    let t = find(tx, key)?;
    let team: Option<Option<String>> = tx
        .query_row(
            "SELECT team FROM users WHERE login = ?1 AND active = 1",
            [owner],
            |r| r.get(0),
        )
        .optional()?;
    let Some(team) = team else {
        return Err(TicketError::UnknownUser(owner.to_string()));
    };
    tx.execute(
        "UPDATE tickets SET owner = ?2, team = COALESCE(?3, team) WHERE id = ?1",
        params![t.id, owner, team],
    )?;
    touch(tx, t.id)?;
    event(
        tx,
        t.id,
        actor,
        "assigned",
        &format!("{} → {owner}", t.owner.as_deref().unwrap_or("-")),
    )?;
    find(tx, key)
}

/// A resolution measure to record (§6): return/exchange, resend, discount, compensation.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMeasure {
    pub kind: String,
    /// Minor units (cents) of `currency`.
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub note: Option<String>,
}

/// A status change and what the investigation found.
#[derive(Debug, Default, Clone)]
pub struct StatusChange {
    pub status: String,
    pub root_cause: Option<String>,
    pub responsibility: Option<String>,
    pub measures: Vec<NewMeasure>,
    pub note: Option<String>,
}

/// Moves a ticket to `change.status`, recording root cause, responsibility and measures.
/// Resolving records the follow-up contact as due; rejecting records the source message as
/// a labelled "not a complaint" example and cancels the notices not yet sent.
pub fn set_status(
    tx: &Connection,
    key: &str,
    change: &StatusChange,
    settings: &TicketsConfig,
    hours: &WorkHours,
    actor: &str,
) -> Result<TicketRow, TicketError> {
    check("status", &change.status, STATUSES)?;
    if let Some(r) = &change.responsibility {
        check("responsibility", r, RESPONSIBILITIES)?;
    }
    for m in &change.measures {
        check("measure", &m.kind, MEASURES)?;
    }
    let t = find(tx, key)?;
    if t.status == "rejected" && change.status != "new" {
        return Err(TicketError::Refused {
            number: t.number,
            status: t.status,
            why: "set it to 'new' first if it is a complaint after all",
        });
    }
    let now = Utc::now();
    let now_s = fmt_time(now);
    let stamp = match change.status.as_str() {
        "acknowledged" => Some("acknowledged_at"),
        "resolution_proposed" => Some("plan_at"),
        "resolved" => Some("resolved_at"),
        "closed" => Some("closed_at"),
        _ => None,
    };
    if let Some(col) = stamp {
        tx.execute(
            &format!("UPDATE tickets SET {col} = COALESCE({col}, ?2) WHERE id = ?1"),
            params![t.id, now_s],
        )?;
    }
    if change.status == "closed" || change.status == "resolved" {
        // Reaching the end implies the earlier stages.
        tx.execute(
            "UPDATE tickets SET acknowledged_at = COALESCE(acknowledged_at, ?2),
                 resolved_at = COALESCE(resolved_at, ?2) WHERE id = ?1",
            params![t.id, now_s],
        )?;
    }
    tx.execute(
        "UPDATE tickets SET status = ?2, root_cause = COALESCE(?3, root_cause),
             responsibility = COALESCE(?4, responsibility) WHERE id = ?1",
        params![
            t.id,
            change.status,
            change.root_cause,
            change.responsibility
        ],
    )?;
    touch(tx, t.id)?;
    let mut detail = format!("{} → {}", t.status, change.status);
    if let Some(r) = &change.root_cause {
        detail.push_str(&format!("; root cause: {r}"));
    }
    if let Some(r) = &change.responsibility {
        detail.push_str(&format!("; responsibility: {r}"));
    }
    if let Some(n) = &change.note {
        detail.push_str(&format!("; {n}"));
    }
    event(tx, t.id, actor, "status", &detail)?;
    for NewMeasure {
        kind,
        amount_minor: amount,
        currency,
        note,
    } in &change.measures
    {
        tx.execute(
            "INSERT INTO ticket_measures (ticket_id, kind, amount_minor, currency, note, at, actor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![t.id, kind, amount, currency, note, now_s, actor],
        )?;
        let money = match (amount, currency) {
            (Some(a), Some(c)) => format!(" {}.{:02} {c}", a / 100, a % 100),
            _ => String::new(),
        };
        event(tx, t.id, actor, "measure", &format!("{kind}{money}"))?;
    }
    match change.status.as_str() {
        "resolved" if settings.followup_days > 0 => {
            if let Some(addr) = &t.contact {
                let due = hours.add(now, settings.followup_days as f64 * hours.day_hours());
                tx.execute(
                    "INSERT OR IGNORE INTO ticket_notices (ticket_id, kind, recipient, language, due_at, created_at)
                     VALUES (?1, 'followup', ?2, ?3, ?4, ?5)",
                    params![t.id, addr, t.language, fmt_time(due), now_s],
                )?;
            }
        }
        "rejected" => {
            tx.execute(
                "UPDATE ticket_notices SET cancelled_at = ?2
                 WHERE ticket_id = ?1 AND queued_at IS NULL AND cancelled_at IS NULL",
                params![t.id, now_s],
            )?;
            tx.execute(
                "INSERT OR REPLACE INTO complaint_labels (message_id, label, category, actor, at)
                 SELECT source_message, 'not_complaint', NULL, ?2, ?3 FROM tickets
                 WHERE id = ?1 AND source_message IS NOT NULL",
                params![t.id, actor, now_s],
            )?;
        }
        "new" if t.status == "rejected" => {
            tx.execute(
                "INSERT OR REPLACE INTO complaint_labels (message_id, label, category, actor, at)
                 SELECT source_message, 'complaint', category, ?2, ?3 FROM tickets
                 WHERE id = ?1 AND source_message IS NOT NULL",
                params![t.id, actor, now_s],
            )?;
        }
        _ => {}
    }
    find(tx, key)
}

/// Adds a note to the history.
pub fn note(tx: &Connection, key: &str, text: &str, actor: &str) -> Result<TicketRow, TicketError> {
    let t = find(tx, key)?;
    event(tx, t.id, actor, "note", text)?;
    touch(tx, t.id)?;
    Ok(t)
}

/// Records the customer's satisfaction (1–5) at closing.
pub fn rate(
    tx: &Connection,
    key: &str,
    rating: i64,
    comment: Option<&str>,
    actor: &str,
) -> Result<TicketRow, TicketError> {
    if !(1..=5).contains(&rating) {
        return Err(TicketError::Invalid {
            what: "rating",
            value: rating.to_string(),
            allowed: "1, 2, 3, 4, 5".into(),
        });
    }
    let t = find(tx, key)?;
    tx.execute(
        "UPDATE tickets SET rating = ?2, rating_note = ?3 WHERE id = ?1",
        params![t.id, rating, comment],
    )?;
    touch(tx, t.id)?;
    event(
        tx,
        t.id,
        actor,
        "rated",
        &format!(
            "{rating}/5{}",
            comment.map(|c| format!(": {c}")).unwrap_or_default()
        ),
    )?;
    find(tx, key)
}

/// Records breach notices for the owner and the managers, once per ticket and stage (the
/// outbox sends them); returns how many new breaches were found.
pub fn record_breaches(
    tx: &Connection,
    settings: &TicketsConfig,
    now: DateTime<Utc>,
) -> Result<usize, TicketError> {
    let open = list(
        tx,
        &Filter {
            open: true,
            breached: true,
            ..Filter::default()
        },
        now,
    )?;
    let mut managers: Vec<String> = settings.managers.clone();
    if managers.is_empty() {
        managers = tx
            .prepare(
                "SELECT login FROM users WHERE role = 'manager' AND active = 1 ORDER BY login",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
    }
    let now_s = fmt_time(now);
    let mut found = 0;
    let oldest = now - chrono::Duration::days(settings.breach_notice_days as i64);
    for t in open {
        for stage in &t.breached {
            let due = match stage.as_str() {
                "acknowledge" => &t.ack_due,
                "plan" => &t.plan_due,
                _ => &t.resolve_due,
            };
            if due
                .as_deref()
                .and_then(parse_time)
                .is_none_or(|d| d < oldest)
            {
                continue;
            }
            let mut recipients: Vec<String> = t.owner.iter().cloned().collect();
            recipients.extend(managers.iter().cloned());
            recipients.dedup();
            let mut new = false;
            for r in &recipients {
                new |= tx.execute(
                    "INSERT OR IGNORE INTO ticket_notices (ticket_id, kind, stage, recipient, due_at, created_at)
                     VALUES (?1, 'breach', ?2, ?3, ?4, ?4)",
                    params![t.id, stage, r, now_s],
                )? > 0;
            }
            if new {
                found += 1;
                event(
                    tx,
                    t.id,
                    "tradewind",
                    "breach",
                    &format!("SLA missed: {stage}"),
                )?;
            }
        }
    }
    Ok(found)
}
