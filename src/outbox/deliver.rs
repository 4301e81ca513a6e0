//! Delivery: takes due rows, commits each as `sending`, hands it to SMTP (mode send) or to
//! the owner's Drafts folder (mode draft), and records the outcome.
//!
//! Order per row, which is what makes kill -9 safe:
//! 1. one IMMEDIATE transaction re-checks the row (still approved? bad address? do-not-contact?
//!    the customer replied? mailbox over its hourly rate?), builds the bytes with today's
//!    Date and commits `sending` with them;
//! 2. SMTP submission ([`super::smtp`]) or IMAP APPEND to Drafts;
//! 3. one transaction records sent / drafted / failed / retry / uncertain;
//! 4. for sent mail, the same bytes are APPENDed to the mailbox's Sent folder (retried on
//!    later runs until it works, never re-sent).
//!
//! Test hook: `TRADEWIND_TEST_CRASH_AFTER=claim` aborts the process right after step 1,
//! `=smtp` right after the SMTP server accepted the message (before step 3), `=plan` in the
//! middle of a planning transaction. Only tests set it.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::HashMap;

use super::config::Mode;
use super::queue::{self, Entry, State};
use super::smtp::{self, Outcome};
use super::{bounces, OutboxError};
use crate::config::Config;
use crate::source::imap::ImapSession;
use crate::store::Store;
use crate::sync::folders::{role_of, FolderRole};

/// The env var of the crash test hook.
pub const CRASH_ENV: &str = "TRADEWIND_TEST_CRASH_AFTER";

/// Aborts the process (like kill -9) when the crash hook names `point`.
pub fn crash_point(point: &str) {
    if std::env::var(CRASH_ENV).is_ok_and(|v| v == point) {
        eprintln!("tradewind: {CRASH_ENV}={point}: aborting now (test hook)");
        std::process::abort();
    }
}

/// What one delivery run did.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// The kill switch (`[outbox] enabled = false`) is on: nothing was done.
    pub disabled: bool,
    /// Rows found `sending` from a dead process, now `uncertain`.
    pub recovered_uncertain: Vec<i64>,
    pub sent: Vec<i64>,
    pub drafted: Vec<i64>,
    pub failed: Vec<(i64, String)>,
    /// 4xx or no connection: planned again later.
    pub retry: Vec<(i64, String)>,
    pub uncertain: Vec<(i64, String)>,
    pub cancelled: Vec<(i64, String)>,
    /// Left for the next hour: the mailbox reached its rate limit.
    pub rate_limited: Vec<i64>,
    /// Sent copies APPENDed on this run for earlier sends.
    pub copies_caught_up: Vec<i64>,
    pub bounces: bounces::ScanReport,
}

enum Claim {
    Go(Box<Entry>),
    Skip,
    RateLimited,
}

/// Ids of approved rows whose time has come.
fn due(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<Vec<i64>> {
    conn.prepare(
        "SELECT id FROM outbox WHERE state = 'approved' AND not_before <= ?1 ORDER BY not_before, id",
    )?
    .query_map([now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)], |r| r.get(0))?
    .collect()
}

/// The first inbound mail from customer `customer_id` dated after `after`, if any.
pub fn reply_since(
    conn: &Connection,
    customer_id: i64,
    after: &str,
) -> rusqlite::Result<Option<(String, String)>> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT COALESCE(m.message_id, m.message_key), m.date FROM message_customers mc
         JOIN messages m ON m.id = mc.message_id
         WHERE mc.customer_id = ?1 AND m.direction = 'inbound' AND m.is_auto = 0
           AND m.date > ?2
           -- our own mail (a synced Sent copy) is not the customer's reply
           AND COALESCE(m.from_addr, '') NOT IN (SELECT from_addr FROM outbox)
           AND COALESCE('<' || m.message_id || '>', '') NOT IN (SELECT message_id FROM outbox)
         ORDER BY m.date LIMIT 1",
        params![customer_id, after],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

fn claim(
    tx: &Connection,
    config: &Config,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Claim, OutboxError> {
    let e = queue::get(tx, id)?;
    if e.state != State::Approved.key() {
        return Ok(Claim::Skip);
    }
    let cancel = |reason: String| -> Result<Claim, OutboxError> {
        queue::cancel(tx, id, &reason)?;
        Ok(Claim::Skip)
    };
    for addr in e.to.iter().chain(&e.cc) {
        if queue::is_bad_address(tx, addr)? {
            return cancel(format!(
                "bad address {addr} (a delivery status notification said it fails)"
            ));
        }
    }
    if let Some(cid) = e.customer_id {
        if let Some(c) = queue::customer_facts(tx, cid)? {
            if c.do_not_contact {
                return cancel(format!("customer {} is marked do-not-contact", c.code));
            }
        }
        if let Some(after) = &e.cancel_on_reply_after {
            if let Some((mid, date)) = reply_since(tx, cid, after)? {
                return cancel(format!("answered: the customer wrote on {date} ({mid})"));
            }
        }
    }
    if Mode::from_key(&e.mode) != Some(Mode::Draft) {
        let hour_ago =
            (now - Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let recent: i64 = tx.query_row(
            "SELECT COUNT(*) FROM outbox WHERE mailbox = ?1 AND mode != 'draft'
               AND ((state = 'sent' AND sent_at > ?2) OR state IN ('sending', 'uncertain') AND sending_at > ?2)",
            params![e.mailbox, hour_ago],
            |r| r.get(0),
        )?;
        if recent >= i64::from(config.outbox.rate_per_hour) {
            return Ok(Claim::RateLimited);
        }
    }
    let raw = queue::build_entry(&e, now.into())?;
    tx.execute(
        "UPDATE outbox SET state = 'sending', raw = ?2, sending_pid = ?3, sending_at = ?4,
            attempts = attempts + 1, updated_at = ?5 WHERE id = ?1",
        params![
            id,
            raw,
            std::process::id(),
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            // Real time, not the (test) clock: staleness is judged by it.
            crate::store::now(),
        ],
    )?;
    let mut e = e;
    e.raw = Some(raw);
    Ok(Claim::Go(Box::new(e)))
}

/// Runs one UPDATE in its own IMMEDIATE transaction: each outcome is committed at once.
fn record(store: &mut Store, sql: &str, p: &[&dyn rusqlite::ToSql]) -> Result<(), OutboxError> {
    let tx = store.write()?;
    tx.execute(sql, p)?;
    tx.commit()?;
    Ok(())
}

/// Open IMAP sessions per mailbox, with their Sent and Drafts folders.
#[derive(Default)]
struct Sessions {
    open: HashMap<String, (ImapSession, Option<String>, Option<String>)>,
}

impl Sessions {
    async fn folder(
        &mut self,
        config: &Config,
        mailbox: &str,
        role: FolderRole,
    ) -> Result<(&mut ImapSession, String), String> {
        if !self.open.contains_key(mailbox) {
            let mut s = crate::sync::open_session(config, mailbox)
                .await
                .map_err(|e| e.to_string())?;
            let folders = s.list_folders().await.map_err(|e| e.to_string())?;
            let find = |want: FolderRole| {
                folders
                    .iter()
                    .find(|f| role_of(f) == Some(want))
                    .map(|f| f.name.clone())
            };
            let (sent, drafts) = (find(FolderRole::Sent), find(FolderRole::Drafts));
            self.open.insert(mailbox.to_string(), (s, sent, drafts));
        }
        let (s, sent, drafts) = self.open.get_mut(mailbox).expect("just inserted");
        let (slot, default) = match role {
            FolderRole::Drafts => (drafts, "Drafts"),
            _ => (sent, "Sent"),
        };
        if slot.is_none() {
            // No such folder yet: create it under the plain English name.
            s.create_folder(default).await.map_err(|e| e.to_string())?;
            *slot = Some(default.to_string());
        }
        let name = slot.clone().expect("set above");
        Ok((s, name))
    }

    async fn close(self) {
        for (_, (s, _, _)) in self.open {
            let _ = s.logout().await;
        }
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Delay before retry number `attempt` (1-based): base × 2^(attempt-1), at most 6 hours.
pub fn backoff(base_secs: u64, attempt: u32) -> Duration {
    let secs = base_secs.saturating_mul(1u64 << attempt.saturating_sub(1).min(20));
    Duration::seconds(secs.min(6 * 3600) as i64)
}

/// One delivery run at `now`: recover stale rows, read bounces, deliver what is due, catch up
/// on Sent copies.
pub async fn deliver(
    store: &mut Store,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Report, OutboxError> {
    let mut report = Report::default();
    {
        let tx = store.write()?;
        report.recovered_uncertain = queue::recover_stale(&tx)?;
        report.bounces = bounces::scan(&tx)?;
        tx.commit()?;
    }
    if !config.outbox.enabled {
        report.disabled = true;
        tracing::warn!("outbox disabled by [outbox] enabled = false: nothing sent or drafted");
        return Ok(report);
    }
    let mut sessions = Sessions::default();
    let ids = due(store.conn(), now)?;
    for id in ids {
        let claimed = {
            let tx = store.write()?;
            let c = claim(&tx, config, id, now)?;
            tx.commit()?;
            c
        };
        let e = match claimed {
            Claim::Go(e) => e,
            Claim::Skip => {
                let e = queue::get(store.conn(), id)?;
                if e.state == State::Cancelled.key() {
                    report
                        .cancelled
                        .push((id, e.closed_reason.unwrap_or_default()));
                }
                continue;
            }
            Claim::RateLimited => {
                report.rate_limited.push(id);
                continue;
            }
        };
        crash_point("claim");
        let raw = e.raw.clone().expect("claimed rows carry their bytes");
        let mode = Mode::from_key(&e.mode).unwrap_or(Mode::Send);
        if mode == Mode::Draft {
            let result = match sessions
                .folder(config, &e.mailbox, FolderRole::Drafts)
                .await
            {
                Ok((s, folder)) => s
                    .append_with_flags(&folder, &["\\Draft", "\\Seen"], &raw)
                    .await
                    .map(|_| folder)
                    .map_err(|err| err.to_string()),
                Err(err) => Err(err),
            };
            match result {
                Ok(folder) => {
                    record(store, "UPDATE outbox SET state = 'drafted', sent_at = ?2, copy_folder = ?3, last_error = NULL, updated_at = ?2 WHERE id = ?1",
                        &[&id, &ts(now), &folder])?;
                    report.drafted.push(id);
                }
                Err(err) => {
                    retry_or_fail(store, config, &e, now, &err, &mut report)?;
                }
            }
            continue;
        }
        let target = match smtp::target_for(config, &e.mailbox) {
            Ok(t) => t,
            Err(err) => {
                retry_or_fail(store, config, &e, now, &err.to_string(), &mut report)?;
                continue;
            }
        };
        let rcpts: Vec<String> = e.to.iter().chain(&e.cc).cloned().collect();
        let outcome = smtp::submit(&target, &e.from, &rcpts, &raw).await;
        match outcome {
            Outcome::Accepted(reply) => {
                crash_point("smtp");
                record(store, "UPDATE outbox SET state = 'sent', sent_at = ?2, smtp_reply = ?3, copy_pending = 1, last_error = NULL, updated_at = ?2 WHERE id = ?1",
                    &[&id, &ts(now), &reply])?;
                report.sent.push(id);
                if let Err(err) =
                    sent_copy(store, config, &mut sessions, id, &e.mailbox, &raw).await
                {
                    tracing::warn!(id, mailbox = %e.mailbox, error = %err, "sent, but the copy in Sent failed; retried next run");
                }
            }
            Outcome::Permanent(reply) => {
                record(store, "UPDATE outbox SET state = 'failed', last_error = ?2, closed_reason = ?2, updated_at = ?3 WHERE id = ?1",
                    &[&id, &reply, &ts(now)])?;
                report.failed.push((id, reply));
            }
            Outcome::Transient(reply) => {
                retry_or_fail(store, config, &e, now, &reply, &mut report)?
            }
            Outcome::Unknown(reply) => {
                record(store, "UPDATE outbox SET state = 'uncertain', last_error = ?2, closed_reason = 'the connection failed while the message was being sent: check the recipient and run outbox confirm', updated_at = ?3 WHERE id = ?1",
                    &[&id, &reply, &ts(now)])?;
                report.uncertain.push((id, reply));
            }
        }
    }
    // Sent copies left over from earlier runs.
    let pending: Vec<(i64, String, Vec<u8>)> = store
        .conn()
        .prepare("SELECT id, mailbox, raw FROM outbox WHERE state = 'sent' AND copy_pending = 1 AND raw IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, mailbox, raw) in pending {
        if sent_copy(store, config, &mut sessions, id, &mailbox, &raw)
            .await
            .is_ok()
            && !report.sent.contains(&id)
        {
            report.copies_caught_up.push(id);
        }
    }
    sessions.close().await;
    Ok(report)
}

async fn sent_copy(
    store: &mut Store,
    config: &Config,
    sessions: &mut Sessions,
    id: i64,
    mailbox: &str,
    raw: &[u8],
) -> Result<(), String> {
    if config
        .mailbox(mailbox)
        .and_then(|m| m.imap.as_ref())
        .is_none()
    {
        // No IMAP for this mailbox: nothing to copy into.
        let _ = record(
            store,
            "UPDATE outbox SET copy_pending = 0 WHERE id = ?1",
            &[&id],
        );
        return Ok(());
    }
    let (s, folder) = sessions.folder(config, mailbox, FolderRole::Sent).await?;
    s.append_with_flags(&folder, &["\\Seen"], raw)
        .await
        .map_err(|e| e.to_string())?;
    record(
        store,
        "UPDATE outbox SET copy_pending = 0, copy_folder = ?2 WHERE id = ?1",
        &[&id, &folder],
    )
    .map_err(|e| e.to_string())
}

fn retry_or_fail(
    store: &mut Store,
    config: &Config,
    e: &Entry,
    now: DateTime<Utc>,
    reason: &str,
    report: &mut Report,
) -> Result<(), OutboxError> {
    let attempts = e.attempts as u32 + 1;
    if attempts >= config.outbox.max_attempts {
        let why = format!("gave up after {attempts} attempts: {reason}");
        record(store, "UPDATE outbox SET state = 'failed', last_error = ?2, closed_reason = ?2, updated_at = ?3 WHERE id = ?1",
            &[&e.id, &why, &ts(now)])?;
        report.failed.push((e.id, why));
    } else {
        let next = now + backoff(config.outbox.retry_base_secs, attempts);
        record(store, "UPDATE outbox SET state = 'approved', not_before = ?2, last_error = ?3, raw = NULL, sending_pid = NULL, updated_at = ?4 WHERE id = ?1",
            &[&e.id, &ts(next), &reason, &ts(now)])?;
        report.retry.push((e.id, reason.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(60, 1), Duration::seconds(60));
        assert_eq!(backoff(60, 3), Duration::seconds(240));
        assert_eq!(backoff(60, 30), Duration::hours(6));
    }
}
