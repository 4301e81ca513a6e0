//! The public pool (公海, §3 winning customers, §7 churn): a customer whose owner has had
//! no two-way correspondence with it — a customer's message answered by us, or ours
//! answered by them — for N days (N per scale class) returns to the pool after a warning
//! X days before; salespeople claim from the pool within caps; a former owner waits
//! before claiming back. Every move is a `pool_events` row and an `audit_log` entry.
//!
//! Off unless `[matching.pool]` is configured. Locked customers never return, nor do
//! customers with an open complaint ticket (§6) or an invoice still outstanding (§5): the
//! owner is the one who must see those through.
//! Time is passed in (`now`), so recycling runs on a fixed clock in tests.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;

use crate::config::PoolConfig;
use crate::store::customers::{resolve_user, CustomerError};

/// Why a pool operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("the public pool (公海) is off; configure [matching.pool] to turn it on")]
    Off,
    #[error("no customer with code '{0}'")]
    NotFound(String),
    #[error("customer '{code}' is not in the pool: it is owned by {owner}")]
    Owned { code: String, owner: String },
    #[error("customer '{code}' is owned by {owner}, not {user}")]
    NotYours {
        code: String,
        owner: String,
        user: String,
    },
    #[error("{user} already owns {owned} customer(s), the cap is {cap}")]
    OwnedCap { user: String, owned: i64, cap: u32 },
    #[error("{user} has claimed {claims} customer(s) this month, the cap is {cap}")]
    ClaimCap { user: String, claims: i64, cap: u32 },
    #[error("{user} was the owner of '{code}' until {left}; a former owner may claim it back from {from}")]
    TooSoon {
        user: String,
        code: String,
        left: String,
        from: String,
    },
    #[error(transparent)]
    User(#[from] CustomerError),
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    #[error("reading the receivables ledger for the pool's exemptions: {0}")]
    Ledger(#[from] crate::ledger::LedgerError),
}

/// A customer in the pool.
#[derive(Debug, Clone, Serialize)]
pub struct PoolEntry {
    pub code: String,
    pub name: String,
    pub country: Option<String>,
    pub scale: Option<String>,
    /// Who owned it last, and when it came to the pool, if it was ever owned.
    pub former_owner: Option<String>,
    pub since: Option<String>,
}

/// What one sweep did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SweepReport {
    /// (code, owner, date it returns) for owners warned now.
    pub warned: Vec<(String, String, String)>,
    /// (code, former owner) for customers returned now.
    pub returned: Vec<(String, String)>,
    /// (code, owner, why) for customers that were due (or due for a warning) but stay
    /// with their owner: an open ticket or an outstanding invoice.
    pub kept: Vec<(String, String, String)>,
}

fn at(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn parse(ts: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|d| d.with_timezone(&Utc))
        .or_else(|| {
            NaiveDate::parse_from_str(ts.get(..10)?, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
        })
}

/// The date of the customer's last two-way correspondence: a message filed under it that
/// answers (In-Reply-To / References) a message of the other direction filed under it.
pub fn last_two_way(conn: &Connection, customer_id: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT MAX(m.date) FROM message_customers mc JOIN messages m ON m.id = mc.message_id
         JOIN message_thread_refs r ON r.message_id = m.id
         JOIN messages p ON p.message_id = r.ref_id
         JOIN message_customers pc ON pc.message_id = p.id AND pc.customer_id = mc.customer_id
         WHERE mc.customer_id = ?1
           AND ((m.direction = 'inbound' AND p.direction = 'outbound')
             OR (m.direction = 'outbound' AND p.direction = 'inbound'))",
        [customer_id],
        |r| r.get(0),
    )
}

fn event(
    tx: &Connection,
    customer_id: i64,
    now: DateTime<Utc>,
    kind: &str,
    user: Option<&str>,
    actor: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO pool_events (customer_id, at, kind, user, actor) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![customer_id, at(now), kind, user, actor],
    )?;
    Ok(())
}

fn set_owner(
    tx: &Connection,
    customer_id: i64,
    before: Option<&str>,
    after: Option<&str>,
    now: DateTime<Utc>,
    actor: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE customers SET owner = ?1, updated_at = ?2 WHERE id = ?3",
        params![after, at(now), customer_id],
    )?;
    tx.execute(
        "INSERT INTO audit_log (at, actor, customer_id, field, before, after) VALUES (?1, ?2, ?3, 'owner', ?4, ?5)",
        params![at(now), actor, customer_id, before, after],
    )?;
    Ok(())
}

/// Warns owners of customers due soon and returns the overdue ones to the pool.
pub fn sweep(
    tx: &Connection,
    config: Option<&PoolConfig>,
    now: DateTime<Utc>,
) -> Result<SweepReport, PoolError> {
    let config = config.ok_or(PoolError::Off)?;
    let owned: Vec<(i64, String, String, Option<String>, String)> = tx
        .prepare(
            "SELECT id, code, owner, scale, created_at FROM customers
             WHERE owner IS NOT NULL AND pool_locked = 0 ORDER BY code",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let exempt = exemptions(tx, now.date_naive())?;
    let mut report = SweepReport::default();
    for (id, code, owner, scale, created_at) in owned {
        let days = match scale.as_deref() {
            Some("large") => config.large_days,
            Some("medium") => config.medium_days,
            _ => config.small_days,
        };
        // The clock starts at the later of the last two-way exchange and the owner's claim.
        let claimed: Option<String> = tx
            .query_row(
                "SELECT MAX(at) FROM pool_events WHERE customer_id = ?1 AND kind = 'claimed'",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let start = [last_two_way(tx, id)?, claimed, Some(created_at)]
            .into_iter()
            .flatten()
            .filter_map(|s| parse(&s))
            .max()
            .unwrap_or(now);
        let due = start + Duration::days(days as i64);
        let warn_from = due - Duration::days(config.warn_days_before as i64);
        if let (true, Some(why)) = (now >= warn_from, exempt.get(&id)) {
            report.kept.push((code, owner, why.clone()));
            continue;
        }
        if now >= due {
            set_owner(tx, id, Some(&owner), None, now, "pool (no two-way mail)")?;
            event(tx, id, now, "returned", Some(&owner), "pool")?;
            report.returned.push((code, owner));
        } else if now >= warn_from {
            let warned: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM pool_events WHERE customer_id = ?1 AND kind = 'warned'
                   AND user = ?2 AND at >= ?3)",
                params![id, owner, at(start)],
                |r| r.get(0),
            )?;
            if !warned {
                event(tx, id, now, "warned", Some(&owner), "pool")?;
                report.warned.push((code, owner, at(due)));
            }
        }
    }
    Ok(report)
}

/// Customers that stay with their owner whatever their mail, with the reason: an open
/// complaint ticket (§6), or an invoice with an amount outstanding on `today` (§5, the
/// receivables definition of `ledger::figures::outstanding`).
fn exemptions(tx: &Connection, today: NaiveDate) -> Result<HashMap<i64, String>, PoolError> {
    let mut why: HashMap<i64, String> = HashMap::new();
    let mut open_tickets = tx.prepare(
        "SELECT customer_id, MIN(number) FROM tickets WHERE customer_id IS NOT NULL
           AND status NOT IN ('resolved', 'closed', 'rejected') GROUP BY customer_id",
    )?;
    let rows = open_tickets.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (customer, number) = row?;
        why.insert(customer, format!("open ticket {number}"));
    }
    let ledger = crate::ledger::Ledger::load(tx)?;
    for invoice in &ledger.invoices {
        if crate::ledger::figures::outstanding(&ledger, invoice, today) > 0 {
            why.entry(invoice.customer_id)
                .or_insert_with(|| format!("invoice {} outstanding", invoice.number));
        }
    }
    Ok(why)
}

/// Customers in the pool (no owner), by code.
pub fn list(conn: &Connection, config: Option<&PoolConfig>) -> Result<Vec<PoolEntry>, PoolError> {
    config.ok_or(PoolError::Off)?;
    let rows = conn
        .prepare(
            "SELECT c.code, c.name, c.country, c.scale,
                (SELECT user FROM pool_events e WHERE e.customer_id = c.id AND e.kind IN ('returned','released') ORDER BY e.id DESC LIMIT 1),
                (SELECT at FROM pool_events e WHERE e.customer_id = c.id AND e.kind IN ('returned','released') ORDER BY e.id DESC LIMIT 1)
             FROM customers c WHERE c.owner IS NULL ORDER BY c.code",
        )?
        .query_map([], |r| {
            Ok(PoolEntry {
                code: r.get(0)?,
                name: r.get(1)?,
                country: r.get(2)?,
                scale: r.get(3)?,
                former_owner: r.get(4)?,
                since: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn customer(tx: &Connection, code: &str) -> Result<(i64, Option<String>), PoolError> {
    tx.query_row(
        "SELECT id, owner FROM customers WHERE code = ?1",
        [code],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| PoolError::NotFound(code.to_string()))
}

/// `user` claims customer `code` from the pool, within the caps and the former-owner wait.
pub fn claim(
    tx: &Connection,
    config: Option<&PoolConfig>,
    code: &str,
    user: &str,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<(), PoolError> {
    let config = config.ok_or(PoolError::Off)?;
    let user = resolve_user(tx, user)?;
    let (id, owner) = customer(tx, code)?;
    if let Some(owner) = owner {
        return Err(PoolError::Owned {
            code: code.to_string(),
            owner,
        });
    }
    if let Some(cap) = config.max_owned {
        let owned: i64 = tx.query_row(
            "SELECT COUNT(*) FROM customers WHERE owner = ?1",
            [&user],
            |r| r.get(0),
        )?;
        if owned >= cap as i64 {
            return Err(PoolError::OwnedCap { user, owned, cap });
        }
    }
    if let Some(cap) = config.max_claims_per_month {
        let month_start = NaiveDate::from_ymd_opt(now.year(), now.month(), 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
            .unwrap_or(now);
        let claims: i64 = tx.query_row(
            "SELECT COUNT(*) FROM pool_events WHERE user = ?1 AND kind = 'claimed' AND at >= ?2",
            params![user, at(month_start)],
            |r| r.get(0),
        )?;
        if claims >= cap as i64 {
            return Err(PoolError::ClaimCap { user, claims, cap });
        }
    }
    let left: Option<String> = tx
        .query_row(
            "SELECT MAX(at) FROM pool_events WHERE customer_id = ?1 AND user = ?2 AND kind IN ('returned','released')",
            params![id, user],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if let Some(left_at) = left.as_deref().and_then(parse) {
        let from = left_at + Duration::days(config.reclaim_wait_days as i64);
        if now < from {
            return Err(PoolError::TooSoon {
                user,
                code: code.to_string(),
                left: at(left_at),
                from: at(from),
            });
        }
    }
    set_owner(
        tx,
        id,
        None,
        Some(&user),
        now,
        &format!("{actor} (pool claim)"),
    )?;
    event(tx, id, now, "claimed", Some(&user), actor)?;
    Ok(())
}

/// The owner `user` gives customer `code` back to the pool.
pub fn release(
    tx: &Connection,
    config: Option<&PoolConfig>,
    code: &str,
    user: &str,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<(), PoolError> {
    config.ok_or(PoolError::Off)?;
    let user = resolve_user(tx, user)?;
    let (id, owner) = customer(tx, code)?;
    if owner.as_deref() != Some(user.as_str()) {
        return Err(PoolError::NotYours {
            code: code.to_string(),
            owner: owner.unwrap_or_else(|| "nobody (it is in the pool)".into()),
            user,
        });
    }
    set_owner(
        tx,
        id,
        Some(&user),
        None,
        now,
        &format!("{actor} (pool release)"),
    )?;
    event(tx, id, now, "released", Some(&user), actor)?;
    Ok(())
}

/// Locks (or unlocks) a customer: a locked customer never returns to the pool.
pub fn set_locked(
    tx: &Connection,
    code: &str,
    locked: bool,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<(), PoolError> {
    let (id, _) = customer(tx, code)?;
    tx.execute(
        "UPDATE customers SET pool_locked = ?1 WHERE id = ?2",
        params![locked, id],
    )?;
    tx.execute(
        "INSERT INTO audit_log (at, actor, customer_id, field, before, after) VALUES (?1, ?2, ?3, 'pool_locked', ?4, ?5)",
        params![at(now), actor, id, (!locked).to_string(), locked.to_string()],
    )?;
    event(
        tx,
        id,
        now,
        if locked { "locked" } else { "unlocked" },
        None,
        actor,
    )?;
    Ok(())
}
