//! Credit limits, the credit status list and the credit hold (§5.2 limits from grade, size and
//! potential, reviewed periodically; §5.3 risk watch: stop shipment, chase, cut the limit).
//!
//! A customer's limit is, in order: one set by hand (`credit limit C AMOUNT`), the registry's
//! `credit_limit` field, or the grade's percentage of trailing-12-month purchases (invoiced
//! with issue date in (D − 365, D], base currency). A customer goes **on hold** when its
//! exposure exceeds the limit, when an invoice is more than `hold_overdue_days` past due, or
//! when dunning reached a level with `credit_hold`; the hold is cleared when none of these is
//! true any more. Placing and clearing are written to the customer's audit trail
//! (field `credit_hold`); each hold carries one alert, `due` until the outbound engine sends it.

use chrono::{Months, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeSet;

use super::scorecard::Grade;
use super::{audit, CreditError};
use crate::config::Config;
use crate::ledger::figures::{self, Ratio};
use crate::ledger::money::decimal;
use crate::ledger::rates::Rates;
use crate::ledger::{parse_stored_date, Ledger};

/// A customer's credit limit and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct Limit {
    pub amount_minor: i64,
    pub currency: String,
    pub amount: String,
    /// "manual", "registry" or "grade".
    pub source: &'static str,
    pub review_date: Option<NaiveDate>,
    /// The limit in the base currency at the as-of date.
    pub base_minor: i64,
}

/// The limit of a customer at `as_of`, if any.
pub fn limit_of(
    conn: &Connection,
    config: &Config,
    customer_id: i64,
    ledger: &Ledger,
    rates: &Rates,
    as_of: NaiveDate,
) -> Result<Option<Limit>, CreditError> {
    let manual: Option<(i64, String, Option<String>)> = conn
        .query_row(
            "SELECT limit_minor, currency, review_date FROM credit_limits WHERE customer_id = ?1",
            [customer_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((amount, currency, review)) = manual {
        let review = review.map(|r| parse_stored_date(&r)).transpose()?;
        return Ok(Some(Limit {
            base_minor: rates.to_base(amount, &currency, as_of)?,
            amount: decimal(amount, &currency),
            amount_minor: amount,
            currency,
            source: "manual",
            review_date: review,
        }));
    }
    let registry: (Option<i64>, Option<String>) = conn.query_row(
        "SELECT credit_limit_minor, currency FROM customers WHERE id = ?1",
        [customer_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if let (Some(cents), Some(currency)) = registry {
        // The registry stores the limit in hundredths; convert to the currency's minor units.
        let amount = (i128::from(cents) * 10i128.pow(crate::ledger::money::minor_units(&currency))
            / 100) as i64;
        return Ok(Some(Limit {
            base_minor: rates.to_base(amount, &currency, as_of)?,
            amount: decimal(amount, &currency),
            amount_minor: amount,
            currency,
            source: "registry",
            review_date: None,
        }));
    }
    let grade: Option<(String, String)> = conn
        .query_row(
            "SELECT grade, as_of FROM credit_grades WHERE customer_id = ?1 ORDER BY id DESC LIMIT 1",
            [customer_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((grade, graded_on)) = grade else {
        return Ok(None);
    };
    let Some(grade) = Grade::from_key(&grade) else {
        return Ok(None);
    };
    let p = config.credit.limit_percent;
    let percent = match grade {
        Grade::Excellent => p.excellent,
        Grade::Good => p.good,
        Grade::Average => p.average,
        Grade::Poor => p.poor,
    };
    let own = ledger.filtered(|i| i.customer_id == customer_id);
    let from = as_of - chrono::Days::new(364);
    let purchases = figures::invoiced(&own, rates, from, as_of, as_of)?;
    let amount = (i128::from(purchases) * i128::from(percent) / 100) as i64;
    let graded_on = parse_stored_date(&graded_on)?;
    let base = config.credit.base_currency.clone();
    Ok(Some(Limit {
        amount: decimal(amount, &base),
        amount_minor: amount,
        currency: base,
        source: "grade",
        review_date: graded_on.checked_add_months(Months::new(config.credit.review_months)),
        base_minor: amount,
    }))
}

/// Sets a limit by hand (or removes it with `None`), with an optional review date (default:
/// today + `review_months`); logged in the audit trail as `credit_limit`.
pub fn set_limit(
    tx: &Connection,
    config: &Config,
    customer_id: i64,
    limit: Option<(i64, &str)>,
    review: Option<NaiveDate>,
    today: NaiveDate,
    actor: &str,
) -> Result<(), CreditError> {
    let before: Option<String> = tx
        .query_row(
            "SELECT limit_minor || ' ' || currency FROM credit_limits WHERE customer_id = ?1",
            [customer_id],
            |r| r.get(0),
        )
        .optional()?;
    match limit {
        Some((amount, currency)) => {
            let review = review
                .or_else(|| today.checked_add_months(Months::new(config.credit.review_months)));
            tx.execute(
                "INSERT OR REPLACE INTO credit_limits (customer_id, limit_minor, currency, review_date, set_at, actor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    customer_id,
                    amount,
                    currency,
                    review.map(|r| r.to_string()),
                    crate::store::now(),
                    actor
                ],
            )?;
            audit(
                tx,
                customer_id,
                actor,
                "credit_limit",
                before.as_deref(),
                Some(&format!("{amount} {currency}")),
            )?;
        }
        None => {
            tx.execute(
                "DELETE FROM credit_limits WHERE customer_id = ?1",
                [customer_id],
            )?;
            if before.is_some() {
                audit(
                    tx,
                    customer_id,
                    actor,
                    "credit_limit",
                    before.as_deref(),
                    None,
                )?;
            }
        }
    }
    Ok(())
}

/// An open credit hold.
#[derive(Debug, Clone, Serialize)]
pub struct Hold {
    pub reason: String,
    pub since: String,
    /// "due" until the alert email has been sent.
    pub alert: String,
}

/// The open hold of a customer.
pub fn open_hold(conn: &Connection, customer_id: i64) -> rusqlite::Result<Option<Hold>> {
    conn.query_row(
        "SELECT reason, since, alert FROM credit_holds WHERE customer_id = ?1 AND cleared_at IS NULL",
        [customer_id],
        |r| {
            Ok(Hold {
                reason: r.get(0)?,
                since: r.get(1)?,
                alert: r.get(2)?,
            })
        },
    )
    .optional()
}

/// One customer's credit position.
#[derive(Debug, Clone, Serialize)]
pub struct CreditPosition {
    pub customer: String,
    pub customer_name: String,
    pub owner: Option<String>,
    pub exposure_base_minor: i64,
    pub exposure: String,
    pub limit: Option<Limit>,
    /// Exposure ÷ limit, percent with 2 decimals.
    pub utilisation_percent: Option<String>,
    pub over_limit: bool,
    /// Open invoices more than `hold_overdue_days` past due: (number, days past due).
    pub overdue: Vec<(String, i64)>,
    pub review_due: bool,
    /// Why the customer should be on hold now (empty: no reason).
    pub hold_reasons: Vec<String>,
    pub on_hold: Option<Hold>,
}

/// Customers currently at a dunning level that puts them on hold.
fn dunning_holds(conn: &Connection, config: &Config) -> rusqlite::Result<BTreeSet<i64>> {
    let levels: Vec<String> = config
        .dunning
        .levels()
        .into_iter()
        .filter(|l| l.credit_hold)
        .map(|l| l.name)
        .collect();
    let mut out = BTreeSet::new();
    let mut stmt =
        conn.prepare("SELECT customer_id, level FROM dunning_letters WHERE cleared_at IS NULL")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, level) = row?;
        if levels.contains(&level) {
            out.insert(id);
        }
    }
    Ok(out)
}

/// The credit position of every customer with invoices, a limit or a hold, at `as_of`.
pub fn positions(
    conn: &Connection,
    config: &Config,
    ledger: &Ledger,
    rates: &Rates,
    as_of: NaiveDate,
) -> Result<Vec<CreditPosition>, CreditError> {
    let names = crate::ledger::aging::customer_names(conn)?;
    let mut ids: BTreeSet<i64> = ledger.invoices.iter().map(|i| i.customer_id).collect();
    for sql in [
        "SELECT customer_id FROM credit_limits",
        "SELECT customer_id FROM credit_holds WHERE cleared_at IS NULL",
        "SELECT id FROM customers WHERE credit_limit_minor IS NOT NULL",
    ] {
        let more: Vec<i64> = conn
            .prepare(sql)?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.extend(more);
    }
    let dunning = dunning_holds(conn, config)?;
    let mut parts = ledger.by_customer();
    let base = &config.credit.base_currency;
    let mut out = Vec::new();
    for id in ids {
        let own = parts.remove(&id).unwrap_or_default();
        let exposure = figures::exposure(&own, rates, as_of)?;
        let limit = limit_of(conn, config, id, &own, rates, as_of)?;
        let utilisation = limit
            .as_ref()
            .and_then(|l| figures::utilisation(exposure, l.base_minor))
            .map(Ratio::percent);
        let over_limit = limit.as_ref().is_some_and(|l| exposure > l.base_minor);
        let threshold = i64::from(config.credit.hold_overdue_days);
        let overdue: Vec<(String, i64)> = own
            .invoices
            .iter()
            .filter(|i| figures::outstanding(&own, i, as_of) > 0)
            .map(|i| (i.number.clone(), figures::days_past_due(i.due_date, as_of)))
            .filter(|(_, dpd)| *dpd > threshold)
            .collect();
        let review_due = limit
            .as_ref()
            .and_then(|l| l.review_date)
            .is_some_and(|r| r <= as_of);
        let mut reasons = Vec::new();
        if over_limit {
            if let Some(l) = &limit {
                reasons.push(format!(
                    "over limit: exposure {} {} > limit {} {}",
                    decimal(exposure, base),
                    base,
                    decimal(l.base_minor, base),
                    base
                ));
            }
        }
        if let Some((number, dpd)) = overdue.iter().max_by_key(|(_, d)| *d) {
            reasons.push(format!(
                "overdue: invoice {number} is {dpd} days past due (hold after {threshold})"
            ));
        }
        if dunning.contains(&id) {
            reasons.push("dunning reached a credit-hold level".into());
        }
        let (code, name, owner) = names.get(&id).cloned().unwrap_or_default();
        out.push(CreditPosition {
            customer: code,
            customer_name: name,
            owner,
            exposure_base_minor: exposure,
            exposure: decimal(exposure, base),
            limit,
            utilisation_percent: utilisation,
            over_limit,
            overdue,
            review_due,
            hold_reasons: reasons,
            on_hold: open_hold(conn, id)?,
        });
    }
    Ok(out)
}

/// What one watch pass changed.
#[derive(Debug, Default, Serialize)]
pub struct WatchOutcome {
    /// (customer code, reason) put on hold now; each has one alert due.
    pub held: Vec<(String, String)>,
    /// Customer codes whose hold was cleared now.
    pub cleared: Vec<String>,
}

/// The risk watch (§5.3): puts customers with a hold reason on hold (once: one hold, one
/// alert, however often it runs) and clears holds whose reasons are gone; both logged.
pub fn watch(
    tx: &Connection,
    config: &Config,
    ledger: &Ledger,
    rates: &Rates,
    as_of: NaiveDate,
    actor: &str,
) -> Result<WatchOutcome, CreditError> {
    let mut outcome = WatchOutcome::default();
    for p in positions(tx, config, ledger, rates, as_of)? {
        let id = crate::ledger::customer_id(tx, &p.customer)?;
        match (&p.on_hold, p.hold_reasons.is_empty()) {
            (None, false) => {
                let reason = p.hold_reasons.join("; ");
                place_hold(tx, id, &reason, actor)?;
                outcome.held.push((p.customer.clone(), reason));
            }
            (Some(_), true) => {
                clear_hold(tx, id, actor)?;
                outcome.cleared.push(p.customer.clone());
            }
            _ => {}
        }
    }
    Ok(outcome)
}

/// Puts a customer on hold unless already; returns whether a new hold was placed.
pub fn place_hold(
    tx: &Connection,
    customer_id: i64,
    reason: &str,
    actor: &str,
) -> rusqlite::Result<bool> {
    if open_hold(tx, customer_id)?.is_some() {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO credit_holds (customer_id, reason, since) VALUES (?1, ?2, ?3)",
        params![customer_id, reason, crate::store::now()],
    )?;
    audit(tx, customer_id, actor, "credit_hold", None, Some(reason))?;
    Ok(true)
}

/// Clears a customer's open hold (logged); returns whether there was one.
pub fn clear_hold(tx: &Connection, customer_id: i64, actor: &str) -> rusqlite::Result<bool> {
    let Some(hold) = open_hold(tx, customer_id)? else {
        return Ok(false);
    };
    tx.execute(
        "UPDATE credit_holds SET cleared_at = ?1, cleared_by = ?2 WHERE customer_id = ?3 AND cleared_at IS NULL",
        params![crate::store::now(), actor, customer_id],
    )?;
    audit(
        tx,
        customer_id,
        actor,
        "credit_hold",
        Some(&hold.reason),
        None,
    )?;
    Ok(true)
}
