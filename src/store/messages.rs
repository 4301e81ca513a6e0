//! Messages, where they sit, and which customers they belong to.
//!
//! notmuch's model: one row per email (identity = Message-ID or header hash); each
//! mailbox/folder that holds it is a location. Importing the same email from a
//! sender's Sent and a colleague's Inbox gives one message with two locations.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::parse::ParsedMail;

/// Which way an email went, seen from the company (its own domains decide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From outside to the company.
    Inbound,
    /// From the company to outside.
    Outbound,
    /// Between colleagues only.
    Internal,
}

impl Direction {
    /// The key stored in `messages.direction`.
    pub fn key(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Internal => "internal",
        }
    }
}

/// Where one copy of a message sits.
#[derive(Debug, Clone)]
pub struct Location<'a> {
    pub mailbox: &'a str,
    pub folder: &'a str,
    /// IMAP UIDVALIDITY and UID; `None` for an offline import.
    pub uidvalidity: Option<u32>,
    pub uid: Option<u32>,
    /// The file (or mbox offset) an offline import read it from.
    pub source_ref: Option<&'a str>,
}

/// What storing one message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    /// The message was not in the store before.
    pub new_message: bool,
    /// This mailbox/folder did not hold it before.
    pub new_location: bool,
}

/// Stores `mail` (once) and records `location` for it, in the caller's transaction.
pub fn store_message(
    tx: &Transaction,
    mail: &ParsedMail,
    direction: Direction,
    location: &Location,
) -> rusqlite::Result<Stored> {
    let now = super::now();
    // Every statement is cached: a sync stores hundreds of thousands of messages through
    // here, and preparing each statement anew cost more than running it.
    let existing: Option<i64> = tx
        .prepare_cached("SELECT id FROM messages WHERE message_key = ?1")?
        .query_row([&mail.key], |r| r.get(0))
        .optional()?;
    let (id, new_message) = match existing {
        Some(id) => (id, false),
        None => {
            let from = mail.from();
            tx.prepare_cached(
                "INSERT INTO messages (message_key, message_id, in_reply_to, refs, subject, date,
                     from_addr, from_name, direction, headers, body_text, raw_size, is_list, is_auto, stored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(params![
                    mail.key,
                    mail.message_id,
                    mail.in_reply_to.join(" "),
                    mail.references.join(" "),
                    mail.subject,
                    mail.date.map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                    from.map(|p| p.address.as_str()),
                    from.and_then(|p| p.name.as_deref()),
                    direction.key(),
                    mail.headers,
                    mail.body_text,
                    mail.raw_size as i64,
                    mail.is_list,
                    mail.is_auto,
                    now,
                ])?;
            let id = tx.last_insert_rowid();
            let mut addr = tx.prepare_cached(
                "INSERT INTO message_addresses (message_id, kind, address, name) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (kind, p) in &mail.addresses {
                addr.execute(params![id, kind.key(), p.address, p.name])?;
            }
            let mut att = tx.prepare_cached(
                "INSERT INTO attachments (message_id, position, filename, content_type, size) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (i, a) in mail.attachments.iter().enumerate() {
                att.execute(params![
                    id,
                    i as i64,
                    a.filename,
                    a.content_type,
                    a.size as i64
                ])?;
            }
            (id, true)
        }
    };
    let new_location = tx
        .prepare_cached(
            "INSERT INTO message_locations (message_id, mailbox, folder, uidvalidity, uid, source_ref, first_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (message_id, mailbox, folder) DO NOTHING",
        )?
        .execute(params![
            id,
            location.mailbox,
            location.folder,
            location.uidvalidity,
            location.uid,
            location.source_ref,
            now
        ])?
        > 0;
    Ok(Stored {
        id,
        new_message,
        new_location,
    })
}

/// A message as `messages list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MessageSummary {
    pub id: i64,
    pub date: Option<String>,
    pub direction: String,
    pub from: Option<String>,
    pub subject: String,
    /// Customer codes it is filed under.
    pub customers: Vec<String>,
    /// "mailbox/folder" for each copy.
    pub locations: Vec<String>,
}

/// Which messages `messages list` shows.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    /// Only messages filed under this customer code.
    pub customer: Option<String>,
    /// Only messages held by this mailbox.
    pub mailbox: Option<String>,
    /// Only messages filed under no customer.
    pub unmatched: bool,
    pub limit: Option<usize>,
}

/// Lists messages, newest first.
pub fn list(conn: &Connection, filter: &MessageFilter) -> rusqlite::Result<Vec<MessageSummary>> {
    let sql = "SELECT m.id, m.date, m.direction, m.from_addr, m.subject,
            (SELECT group_concat(c.code, ' ') FROM message_customers mc JOIN customers c ON c.id = mc.customer_id
              WHERE mc.message_id = m.id) AS codes,
            (SELECT group_concat(l.mailbox || '/' || l.folder, ' ') FROM message_locations l
              WHERE l.message_id = m.id) AS locs
        FROM messages m
        WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM message_customers mc JOIN customers c ON c.id = mc.customer_id
                                     WHERE mc.message_id = m.id AND c.code = ?1))
          AND (?2 IS NULL OR EXISTS (SELECT 1 FROM message_locations l WHERE l.message_id = m.id AND l.mailbox = ?2))
          AND (?3 = 0 OR NOT EXISTS (SELECT 1 FROM message_customers mc WHERE mc.message_id = m.id))
        ORDER BY m.date DESC, m.id DESC
        LIMIT ?4";
    let limit = filter.limit.map_or(-1, |l| l as i64);
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(
        params![filter.customer, filter.mailbox, filter.unmatched, limit],
        |r| {
            let split = |s: Option<String>| -> Vec<String> {
                s.map(|s| s.split(' ').map(String::from).collect())
                    .unwrap_or_default()
            };
            Ok(MessageSummary {
                id: r.get(0)?,
                date: r.get(1)?,
                direction: r.get(2)?,
                from: r.get(3)?,
                subject: r.get(4)?,
                customers: split(r.get(5)?),
                locations: split(r.get(6)?),
            })
        },
    )?;
    rows.collect()
}

/// Counts for a summary line: messages, locations, matched messages.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Totals {
    pub messages: i64,
    pub locations: i64,
    pub matched_messages: i64,
    pub customers_with_mail: i64,
}

/// Totals over the whole store.
pub fn totals(conn: &Connection) -> rusqlite::Result<Totals> {
    conn.query_row(
        "SELECT (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM message_locations),
                (SELECT COUNT(DISTINCT message_id) FROM message_customers),
                (SELECT COUNT(DISTINCT customer_id) FROM message_customers)",
        [],
        |r| {
            Ok(Totals {
                messages: r.get(0)?,
                locations: r.get(1)?,
                matched_messages: r.get(2)?,
                customers_with_mail: r.get(3)?,
            })
        },
    )
}
