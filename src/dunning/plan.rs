//! Who gets which dunning level next, and who is paused (§5.4).
//!
//! Rules:
//! - A customer's level is set by its most overdue open invoice: the highest level whose
//!   `days` the invoice's days past due reach.
//! - Levels only move up within a **cycle**, and each level is recorded once per cycle
//!   (`dunning_letters`). A customer that jumps from nothing to 50 days gets the level for 50,
//!   not every level below it.
//! - A cycle ends (**stop**) when the overdue invoices are cleared: no open invoice past due
//!   (for a cycle that only reached a pre-due level such as courtesy: no open invoice at that
//!   level's days any more). The next overdue invoice starts a new cycle.
//! - **Pause**: by hand (`dunning pause C`); a reply from the customer (inbound mail filed
//!   under it, in a sales or finance mailbox) dated on or after the last letter's date; or an
//!   open complaint ticket of the customer (status not resolved/closed/rejected).

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeSet;

use super::letter::{self, Language, Letter, LetterInput, LetterInvoice};
use super::Level;
use crate::config::{Config, MailboxRole};
use crate::credit::{audit, control};
use crate::ledger::{figures, Ledger, LedgerError};

/// One customer's dunning position.
#[derive(Debug, Clone, Serialize)]
pub struct PlanEntry {
    pub customer: String,
    pub customer_name: String,
    pub owner: Option<String>,
    /// The most overdue open invoice and its days past due.
    pub most_overdue: Option<(String, i64)>,
    pub cycle: i64,
    /// Levels already recorded in the current cycle, in order.
    pub recorded: Vec<String>,
    /// The level the days past due reach.
    pub target: Option<String>,
    /// The level to send (or task to create) now; None if up to date, paused or nothing due.
    pub next: Option<String>,
    /// due | paused | up_to_date | not_due
    pub status: &'static str,
    /// The current cycle is over: its overdue invoices were cleared (dunning stops).
    pub cleared: bool,
    pub why: String,
    pub paused: Vec<String>,
    pub open_invoices: Vec<LetterInvoice>,
    #[serde(skip)]
    customer_id: i64,
}

/// The dunning plan at `as_of` for every customer with open invoices or a running cycle.
pub fn plan(
    conn: &Connection,
    config: &Config,
    ledger: &Ledger,
    as_of: NaiveDate,
) -> Result<Vec<PlanEntry>, LedgerError> {
    let levels = config.dunning.levels();
    let names = crate::ledger::aging::customer_names(conn)?;
    let mut ids: BTreeSet<i64> = ledger.invoices.iter().map(|i| i.customer_id).collect();
    let running: Vec<i64> = conn
        .prepare("SELECT DISTINCT customer_id FROM dunning_letters WHERE cleared_at IS NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.extend(running);
    let mailboxes: Vec<String> = config
        .mailboxes
        .iter()
        .filter(|m| matches!(m.role, MailboxRole::Sales | MailboxRole::Finance))
        .map(|m| m.name.get_ref().clone())
        .collect();
    let mut parts = ledger.by_customer();
    let mut out = Vec::new();
    for id in ids {
        let own = parts.remove(&id).unwrap_or_default();
        let mut open: Vec<LetterInvoice> = own
            .invoices
            .iter()
            .filter_map(|i| {
                let o = figures::outstanding(&own, i, as_of);
                (o > 0).then(|| LetterInvoice {
                    number: i.number.clone(),
                    order_ref: i.order_ref.clone(),
                    issue_date: i.issue_date,
                    due_date: i.due_date,
                    currency: i.currency.clone(),
                    amount_minor: i.amount,
                    outstanding_minor: o,
                    days_past_due: figures::days_past_due(i.due_date, as_of),
                })
            })
            .collect();
        open.sort_by(|a, b| a.due_date.cmp(&b.due_date).then(a.number.cmp(&b.number)));
        let most = open
            .iter()
            .max_by_key(|i| (i.days_past_due, std::cmp::Reverse(i.number.clone())))
            .map(|i| (i.number.clone(), i.days_past_due));
        let max_dpd = most.as_ref().map(|m| m.1);
        // The current cycle and what it recorded.
        let (open_cycle, last_cycle): (Option<i64>, Option<i64>) = conn.query_row(
            "SELECT MAX(CASE WHEN cleared_at IS NULL THEN cycle END), MAX(cycle) FROM dunning_letters WHERE customer_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut recorded: Vec<(String, String)> = match open_cycle {
            Some(c) => conn
                .prepare("SELECT level, as_of FROM dunning_letters WHERE customer_id = ?1 AND cycle = ?2 ORDER BY id")?
                .query_map(params![id, c], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        let rank = |name: &str| levels.iter().position(|l| l.name == name);
        let top = recorded.iter().filter_map(|(l, _)| rank(l)).max();
        // Stop: the cycle's overdue invoices are cleared.
        let mut cleared = false;
        if let Some(t) = top {
            let needed = if levels[t].days > 0 {
                1
            } else {
                levels[0].days.min(levels[t].days)
            };
            if max_dpd.is_none_or(|m| m < needed) {
                cleared = true;
            }
        }
        let mut cycle = open_cycle.unwrap_or(last_cycle.unwrap_or(0) + 1);
        let mut top = top;
        if cleared {
            cycle = last_cycle.unwrap_or(0) + 1;
            top = None;
            recorded.clear();
        }
        let target = max_dpd.and_then(|m| levels.iter().rposition(|l| l.days <= m));
        let next = target.filter(|t| top.is_none_or(|top| *t > top));
        // Pauses.
        let mut paused = Vec::new();
        if let Some((reason, by)) = conn
            .query_row(
                "SELECT reason, actor FROM dunning_pauses WHERE customer_id = ?1",
                [id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
        {
            paused.push(format!("paused by hand ({by}): {reason}"));
        }
        if let Some((_, last)) = recorded.last() {
            // Replies acknowledged by `dunning resume` (dated up to its day) no longer count.
            let resumed: Option<String> = conn
                .query_row(
                    "SELECT resumed_on FROM dunning_resumes WHERE customer_id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            let since = match resumed
                .as_deref()
                .and_then(|r| crate::ledger::parse_stored_date(r).ok())
            {
                Some(r) => (r + Days::new(1)).to_string().max(last.clone()),
                None => last.clone(),
            };
            if let Some(reply) = reply_since(conn, id, &since, as_of, &mailboxes)? {
                paused.push(format!(
                    "the customer replied on {} (\"{}\") since the last letter of {last}",
                    reply.0, reply.1
                ));
            }
        }
        let tickets: i64 = conn.query_row(
            "SELECT COUNT(*) FROM tickets WHERE customer_id = ?1 AND status NOT IN ('resolved','closed','rejected')",
            [id],
            |r| r.get(0),
        )?;
        if tickets > 0 {
            paused.push(format!("{tickets} open complaint ticket(s)"));
        }
        let why = match (&most, target) {
            (Some((number, dpd)), Some(t)) => {
                let l = &levels[t];
                if *dpd <= 0 {
                    format!(
                        "{number} falls due in {} day(s) → {} (from {} days)",
                        -dpd, l.name, l.days
                    )
                } else {
                    format!(
                        "{number} is {dpd} days past due → {} (from {} days)",
                        l.name, l.days
                    )
                }
            }
            (Some((number, dpd)), None) => {
                format!("{number} at {dpd} days past due reaches no level yet")
            }
            (None, _) => "no open invoices".to_string(),
        };
        let status = match (next, paused.is_empty()) {
            (Some(_), false) => "paused",
            (Some(_), true) => "due",
            (None, _) if target.is_some() => "up_to_date",
            (None, _) => "not_due",
        };
        let (code, name, owner) = names.get(&id).cloned().unwrap_or_default();
        out.push(PlanEntry {
            customer: code,
            customer_name: name,
            owner,
            most_overdue: most,
            cycle,
            recorded: recorded.into_iter().map(|r| r.0).collect(),
            target: target.map(|t| levels[t].name.clone()),
            next: if paused.is_empty() {
                next.map(|t| levels[t].name.clone())
            } else {
                None
            },
            status,
            cleared,
            why,
            paused,
            open_invoices: open,
            customer_id: id,
        });
    }
    Ok(out)
}

/// The latest inbound message from the customer in a sales/finance mailbox dated from `since`
/// (a date) through `as_of`: (date, subject).
fn reply_since(
    conn: &Connection,
    customer_id: i64,
    since: &str,
    as_of: NaiveDate,
    mailboxes: &[String],
) -> rusqlite::Result<Option<(String, String)>> {
    let until = (as_of + Days::new(1)).to_string();
    let mut stmt = conn.prepare(
        "SELECT m.date, m.subject, l.mailbox FROM messages m
           JOIN message_customers mc ON mc.message_id = m.id
           JOIN message_locations l ON l.message_id = m.id
          WHERE mc.customer_id = ?1 AND m.direction = 'inbound' AND m.date >= ?2 AND m.date < ?3
          ORDER BY m.date DESC",
    )?;
    let rows = stmt.query_map(params![customer_id, since, until], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (date, subject, mailbox) = row?;
        if mailboxes.contains(&mailbox) {
            return Ok(Some((date.chars().take(10).collect(), subject)));
        }
    }
    Ok(None)
}

/// What a dunning run recorded.
#[derive(Debug, Default, Serialize)]
pub struct RunOutcome {
    /// (customer, level, "planned" letter or "task").
    pub recorded: Vec<(String, String, &'static str)>,
    /// Customers whose cycle was closed because the overdue invoices were cleared.
    pub stopped: Vec<String>,
    /// Customers put on credit hold by their level.
    pub held: Vec<String>,
}

/// The contact a letter goes to: (name, language tag, address) of the first contact with an
/// address.
pub fn letter_contact(
    conn: &Connection,
    customer_id: i64,
) -> rusqlite::Result<Option<(String, Option<String>, String)>> {
    conn.query_row(
        "SELECT c.name, c.language, a.address FROM contacts c
           JOIN contact_addresses a ON a.contact_id = c.id
          WHERE c.customer_id = ?1 ORDER BY c.id, a.address LIMIT 1",
        [customer_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

/// Renders the letter of `level` for a plan entry (`None`: the thank-you letter).
pub fn render_for(
    conn: &Connection,
    config: &Config,
    entry: &PlanEntry,
    level: Option<&Level>,
    as_of: NaiveDate,
) -> rusqlite::Result<Letter> {
    let contact = letter_contact(conn, entry.customer_id)?;
    let signature = config
        .dunning
        .from_mailbox(&config.mailboxes)
        .and_then(|m| {
            config
                .users
                .iter()
                .find(|u| u.login.get_ref() == m.owner.get_ref())
        })
        .map(|u| u.name.clone())
        .unwrap_or_else(|| "Finance".into());
    let contact_name = contact.as_ref().map(|c| c.0.clone());
    let input = LetterInput {
        company: &config.company.name,
        customer_name: &entry.customer_name,
        contact_name: contact_name.as_deref(),
        language: Language::of(contact.as_ref().and_then(|c| c.1.as_deref())),
        tone: level.map_or(super::Tone::Friendly, Level::tone),
        as_of,
        invoices: &entry.open_invoices,
        bank_details: &config.dunning.bank_details,
        signature: &signature,
    };
    Ok(match level {
        Some(_) => letter::render(&input),
        None => letter::render_thanks(&input),
    })
}

/// Applies the plan: closes cleared cycles, records each due level once (an email level as a
/// `planned` letter with its rendered text for the outbound engine; a no-email level as a
/// finance `task`), and puts customers on hold at a `credit_hold` level.
pub fn run(
    tx: &Connection,
    config: &Config,
    ledger: &Ledger,
    as_of: NaiveDate,
    actor: &str,
) -> Result<RunOutcome, LedgerError> {
    let levels = config.dunning.levels();
    let mut outcome = RunOutcome::default();
    for entry in plan(tx, config, ledger, as_of)? {
        if entry.cleared {
            if config.dunning.thank_you {
                let letter = render_for(tx, config, &entry, None, as_of)?;
                let (from, to, cc) = recipients(tx, config, &entry, &levels[0])?;
                tx.execute(
                    "INSERT OR IGNORE INTO dunning_letters (customer_id, cycle, level, days_past_due, as_of, recorded_at, status,
                                                            from_addr, to_addr, cc, subject, body_text, body_html, cleared_at)
                     SELECT ?1, MAX(cycle), 'thank_you', 0, ?2, ?3, 'planned', ?4, ?5, ?6, ?7, ?8, ?9, ?3
                       FROM dunning_letters WHERE customer_id = ?1 AND cleared_at IS NULL",
                    params![
                        entry.customer_id,
                        as_of.to_string(),
                        crate::store::now(),
                        from,
                        to,
                        cc,
                        letter.subject,
                        letter.text,
                        letter.html
                    ],
                )?;
            }
            tx.execute(
                "UPDATE dunning_letters SET cleared_at = ?1 WHERE customer_id = ?2 AND cleared_at IS NULL",
                params![crate::store::now(), entry.customer_id],
            )?;
            audit(
                tx,
                entry.customer_id,
                actor,
                "dunning",
                Some("running"),
                Some("stopped: overdue invoices cleared"),
            )?;
            outcome.stopped.push(entry.customer.clone());
        }
        let Some(level) = entry
            .next
            .as_ref()
            .and_then(|n| levels.iter().find(|l| &l.name == n))
        else {
            continue;
        };
        let letter = if level.email {
            Some(render_for(tx, config, &entry, Some(level), as_of)?)
        } else {
            None
        };
        let status = if level.email { "planned" } else { "task" };
        let (from, to, cc) = recipients(tx, config, &entry, level)?;
        let dpd = entry.most_overdue.as_ref().map_or(0, |m| m.1);
        tx.execute(
            "INSERT OR IGNORE INTO dunning_letters (customer_id, cycle, level, days_past_due, as_of, recorded_at, status,
                                                    from_addr, to_addr, cc, subject, body_text, body_html)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                entry.customer_id,
                entry.cycle,
                level.name,
                dpd,
                as_of.to_string(),
                crate::store::now(),
                status,
                from,
                to,
                cc,
                letter.as_ref().map(|l| l.subject.clone()),
                letter.as_ref().map(|l| l.text.clone()),
                letter.as_ref().map(|l| l.html.clone()),
            ],
        )?;
        outcome
            .recorded
            .push((entry.customer.clone(), level.name.clone(), status));
        if level.credit_hold
            && control::place_hold(
                tx,
                entry.customer_id,
                &format!("dunning level {}: {}", level.name, entry.why),
                actor,
            )?
        {
            outcome.held.push(entry.customer.clone());
        }
    }
    Ok(outcome)
}

/// Who a letter is from, to and copied to: the dunning mailbox; the letter contact; the
/// customer's owner, plus the sales manager on levels with `cc_sales_manager` (comma-separated).
pub fn recipients(
    conn: &Connection,
    config: &Config,
    entry: &PlanEntry,
    level: &Level,
) -> rusqlite::Result<(Option<String>, Option<String>, String)> {
    let from = config
        .dunning
        .from_mailbox(&config.mailboxes)
        .map(|m| m.address.clone());
    let to = letter_contact(conn, entry.customer_id)?.map(|c| c.2);
    let email_of = |login: &str| {
        config
            .users
            .iter()
            .find(|u| u.login.get_ref() == login)
            .map(|u| u.email.clone())
    };
    let mut cc: Vec<String> = entry
        .owner
        .as_deref()
        .and_then(email_of)
        .into_iter()
        .collect();
    if level.cc_sales_manager {
        if let Some(m) = config.dunning.sales_manager.as_deref().and_then(email_of) {
            if !cc.contains(&m) {
                cc.push(m);
            }
        }
    }
    Ok((from, to, cc.join(",")))
}

/// Pauses dunning of a customer by hand (logged).
pub fn pause(tx: &Connection, customer_id: i64, reason: &str, actor: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO dunning_pauses (customer_id, reason, paused_at, actor) VALUES (?1, ?2, ?3, ?4)",
        params![customer_id, reason, crate::store::now(), actor],
    )?;
    audit(tx, customer_id, actor, "dunning_pause", None, Some(reason))
}

/// Resumes dunning of a customer: lifts a pause by hand and acknowledges the customer's
/// replies dated up to `on` (a person has looked at them); logged. False if nothing was paused
/// by hand.
pub fn resume(
    tx: &Connection,
    customer_id: i64,
    on: NaiveDate,
    actor: &str,
) -> rusqlite::Result<bool> {
    tx.execute(
        "INSERT OR REPLACE INTO dunning_resumes (customer_id, resumed_on, actor) VALUES (?1, ?2, ?3)",
        params![customer_id, on.to_string(), actor],
    )?;
    audit(
        tx,
        customer_id,
        actor,
        "dunning_replies_seen",
        None,
        Some(&on.to_string()),
    )?;
    let reason: Option<String> = tx
        .query_row(
            "SELECT reason FROM dunning_pauses WHERE customer_id = ?1",
            [customer_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(reason) = reason else {
        return Ok(false);
    };
    tx.execute(
        "DELETE FROM dunning_pauses WHERE customer_id = ?1",
        [customer_id],
    )?;
    audit(tx, customer_id, actor, "dunning_pause", Some(&reason), None)?;
    Ok(true)
}
