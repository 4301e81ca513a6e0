//! Bounces: delivery status notifications (RFC 3464 `multipart/report;
//! report-type=delivery-status`, or a mailer-daemon's "Undelivered Mail") among the synced
//! inbound messages mark the failed recipient bad, so no more mail goes to it.
//!
//! Only addresses tradewind knows — a contact's address or a recipient of an outbox email —
//! are marked: a DSN is never a reason to blacklist a stranger. Planned rows to a bad
//! address are cancelled at delivery time.

use rusqlite::{params, Connection};
use serde::Serialize;

/// What one scan found.
#[derive(Debug, Default, Serialize)]
pub struct ScanReport {
    /// DSN messages read.
    pub notifications: usize,
    /// Addresses newly marked bad.
    pub marked: Vec<String>,
}

/// True when stored headers/subject/sender look like a delivery status notification.
pub fn is_dsn(headers: &str, subject: &str, from: Option<&str>) -> bool {
    let h = headers.to_ascii_lowercase();
    if h.contains("multipart/report") && h.contains("delivery-status") {
        return true;
    }
    let from = from.unwrap_or("").to_ascii_lowercase();
    let daemon = from.starts_with("mailer-daemon@") || from.starts_with("postmaster@");
    let s = subject.to_lowercase();
    daemon
        && [
            "undeliver",
            "delivery status",
            "failure notice",
            "returned mail",
            "退信",
            "投递失败",
        ]
        .iter()
        .any(|w| s.contains(w))
}

/// Failed recipients named in a DSN's text: `Final-Recipient: rfc822; a@b` lines and the
/// `<a@b>: reason` lines of Postfix/Exim-style human-readable parts.
pub fn failed_recipients(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |a: &str| {
        let a = a.trim().trim_matches(['<', '>', ';', ' ']).to_lowercase();
        if a.contains('@') && !a.contains(char::is_whitespace) && !out.contains(&a) {
            out.push(a);
        }
    };
    for line in body.lines() {
        let l = line.trim();
        let lower = l.to_ascii_lowercase();
        if let Some(rest) = lower
            .strip_prefix("final-recipient:")
            .or_else(|| lower.strip_prefix("original-recipient:"))
        {
            if let Some((_, addr)) = rest.split_once(';') {
                push(addr);
            }
        } else if l.starts_with('<') {
            if let Some(end) = l.find(">:") {
                push(&l[1..end]);
            }
        }
    }
    out
}

/// id, Message-ID, headers, subject, from, body of a stored message.
type Stored = (i64, Option<String>, String, String, Option<String>, String);

/// Reads the inbound messages stored since the last scan and marks known failed recipients.
pub fn scan(tx: &Connection) -> rusqlite::Result<ScanReport> {
    let mut report = ScanReport::default();
    let watermark: i64 = tx.query_row(
        "SELECT dsn_watermark FROM outbox_scan_state WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    let rows: Vec<Stored> = tx
        .prepare(
            "SELECT id, message_id, headers, subject, from_addr, body_text FROM messages
             WHERE id > ?1 AND direction = 'inbound' ORDER BY id",
        )?
        .query_map([watermark], |r| {
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
    let mut last = watermark;
    for (id, mid, headers, subject, from, body) in rows {
        last = id;
        if !is_dsn(&headers, &subject, from.as_deref()) {
            continue;
        }
        report.notifications += 1;
        for addr in failed_recipients(&body) {
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM contact_addresses WHERE address = ?1)
                     OR EXISTS (SELECT 1 FROM outbox WHERE to_addrs LIKE ?2 OR cc_addrs LIKE ?2)",
                params![addr, format!("%\"{addr}\"%")],
                |r| r.get(0),
            )?;
            if !known {
                continue;
            }
            let n = tx.execute(
                "INSERT OR IGNORE INTO bad_addresses (address, reason, evidence, marked_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    addr,
                    format!("delivery status notification: {}", subject.trim()),
                    mid,
                    crate::store::now()
                ],
            )?;
            if n > 0 {
                tracing::warn!(address = %addr, "a bounce marks the address bad; no more mail goes to it");
                report.marked.push(addr);
            }
        }
    }
    tx.execute(
        "UPDATE outbox_scan_state SET dsn_watermark = ?1 WHERE id = 1",
        [last],
    )?;
    Ok(report)
}

/// An address marked bad, for `outbox bad-addresses`.
#[derive(Debug, Clone, Serialize)]
pub struct BadAddress {
    pub address: String,
    pub reason: String,
    /// The DSN's Message-ID.
    pub evidence: Option<String>,
    pub marked_at: String,
}

/// Every address marked bad, newest first.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<BadAddress>> {
    conn.prepare(
        "SELECT address, reason, evidence, marked_at FROM bad_addresses ORDER BY marked_at DESC, address",
    )?
    .query_map([], |r| {
        Ok(BadAddress {
            address: r.get(0)?,
            reason: r.get(1)?,
            evidence: r.get(2)?,
            marked_at: r.get(3)?,
        })
    })?
    .collect()
}

/// Clears the mark (the customer fixed their mailbox); returns false when it was not marked.
pub fn clear(tx: &Connection, address: &str) -> rusqlite::Result<bool> {
    Ok(tx.execute(
        "DELETE FROM bad_addresses WHERE address = ?1",
        [address.trim().to_lowercase()],
    )? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_recipients_in_postfix_and_rfc3464_text() {
        let body = "This is the mail system at host mx.example.test.\n\n\
            I'm sorry to have to inform you that your message could not\nbe delivered.\n\n\
            <nobody-1@example.test>: user unknown\n\n\
            Final-Recipient: rfc822; Other@Example.Test\nAction: failed\n";
        assert_eq!(
            failed_recipients(body),
            ["nobody-1@example.test", "other@example.test"]
        );
        assert!(failed_recipients("Dear <Li>: hello").is_empty());
    }

    #[test]
    fn recognises_reports_and_mailer_daemons() {
        assert!(is_dsn(
            "Content-Type: multipart/report; report-type=delivery-status;\r\n",
            "x",
            None
        ));
        assert!(is_dsn(
            "",
            "Undelivered Mail Returned to Sender",
            Some("MAILER-DAEMON@mx.test")
        ));
        assert!(is_dsn("", "系统退信", Some("postmaster@163.com")));
        assert!(!is_dsn(
            "",
            "Undelivered goods complaint",
            Some("buyer@acme.de")
        ));
    }
}
