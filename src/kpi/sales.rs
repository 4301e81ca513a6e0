//! §7 sales (销售) from the invoice ledger: revenue in the base currency, invoice count,
//! growth; and the §2.1 scale class recomputed from trailing-12-month purchases with the
//! thresholds of `[reports.scale]`, each change written to the customer's audit trail.

use chrono::{Days, NaiveDate};
use rusqlite::Connection;
use serde::Serialize;

use super::period::{Bounds, Period};
use super::{figure, Area, Calc, Evidence, Figure, KpiError, Scope, Unit};
use crate::config::Config;
use crate::ledger::figures;
use crate::ledger::money::decimal;
use crate::ledger::rates::Rates;
use crate::ledger::Ledger;

/// Revenue of `scope` in `b`: invoices issued in the period (local dates), each converted to
/// the base currency at the rate of the period's last day; with the invoices behind it.
pub fn revenue(calc: &Calc, scope: &Scope, b: &Bounds) -> Result<(i64, Vec<Evidence>), KpiError> {
    let own = scope.ledger(calc);
    let last = b.last_day();
    let total = figures::invoiced(own, &calc.ds.rates, b.start, last, last)?;
    let base = &calc.config.credit.base_currency;
    let mut ev = Vec::new();
    for inv in own
        .invoices
        .iter()
        .filter(|i| i.issue_date >= b.start && i.issue_date <= last)
    {
        let in_base = calc.ds.rates.to_base(inv.amount, &inv.currency, last)?;
        ev.push(Evidence {
            kind: "invoice",
            id: inv.number.clone(),
            detail: format!(
                "issued {} {} {} = {} {base}",
                inv.issue_date,
                decimal(inv.amount, &inv.currency),
                inv.currency,
                decimal(in_base, base)
            ),
        });
    }
    Ok((total, ev))
}

/// Sales figures of `scope` in `b`.
pub fn figures(calc: &Calc, scope: &Scope, b: &Bounds) -> Result<Vec<Figure>, KpiError> {
    let (rev, ev) = revenue(calc, scope, b)?;
    let prev = Bounds::new(&Period::parse(&b.label)?.previous(), &calc.zone);
    let (before, _) = revenue(calc, scope, &prev)?;
    let growth = (before > 0).then(|| (rev - before) as f64 / before as f64);
    let base = &calc.config.credit.base_currency;
    Ok(vec![
        figure(
            Area::Sales,
            "revenue",
            Unit::Money,
            Some(rev as f64),
            ev.clone(),
        ),
        figure(
            Area::Sales,
            "invoice_count",
            Unit::Count,
            Some(ev.len() as f64),
            ev,
        ),
        figure(
            Area::Sales,
            "revenue_growth",
            Unit::Percent,
            growth,
            vec![Evidence {
                kind: "invoice",
                id: "-".into(),
                detail: format!(
                    "{} {base} in {} vs {} {base} in {}",
                    decimal(rev, base),
                    b.label,
                    decimal(before, base),
                    prev.label
                ),
            }],
        ),
    ])
}

/// One scale-class change.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScaleChange {
    pub customer: String,
    pub before: Option<String>,
    pub after: String,
    /// Trailing-12-month purchases in the base currency.
    pub purchases: String,
}

/// The class of trailing-12-month purchases `p` (base minor units).
pub fn class_of(p: i64, large: i64, medium: i64) -> &'static str {
    if p >= large {
        "large"
    } else if p >= medium {
        "medium"
    } else {
        "small"
    }
}

/// Recomputes the scale class of every customer with invoices from purchases in the 365 days
/// ending `as_of` (issue dates, base currency at `as_of`'s rates); writes each change and its
/// audit entry (field `scale`) in `tx`. Nothing without `[reports.scale]`.
pub fn recompute_scales(
    tx: &Connection,
    config: &Config,
    as_of: NaiveDate,
    actor: &str,
) -> Result<Vec<ScaleChange>, KpiError> {
    let base = &config.credit.base_currency;
    let Some((large, medium)) = config.reports.scale_minor(base) else {
        return Ok(Vec::new());
    };
    let ledger = Ledger::load(tx)?;
    let rates = Rates::load(tx, base, &config.credit.rates)?;
    let from = as_of - Days::new(364);
    let stored: Vec<(i64, String, Option<String>)> = tx
        .prepare("SELECT id, code, scale FROM customers ORDER BY code")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let per = ledger.by_customer();
    let mut out = Vec::new();
    for (id, code, before) in stored {
        let Some(own) = per.get(&id) else {
            continue;
        };
        let p = figures::invoiced(own, &rates, from, as_of, as_of)?;
        let after = class_of(p, large, medium);
        if before.as_deref() == Some(after) {
            continue;
        }
        tx.execute(
            "UPDATE customers SET scale = ?1, updated_at = ?2 WHERE id = ?3",
            rusqlite::params![after, crate::store::now(), id],
        )?;
        crate::credit::audit(tx, id, actor, "scale", before.as_deref(), Some(after))?;
        out.push(ScaleChange {
            customer: code,
            before,
            after: after.to_string(),
            purchases: decimal(p, base),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn classes_at_the_thresholds() {
        assert_eq!(super::class_of(100, 100, 50), "large");
        assert_eq!(super::class_of(99, 100, 50), "medium");
        assert_eq!(super::class_of(50, 100, 50), "medium");
        assert_eq!(super::class_of(49, 100, 50), "small");
    }
}
