//! §7 credit (信用): credit-limit utilisation, collection rate, DSO, overdue ratio and bad-debt
//! rate of a scope's customers — every one through [`crate::ledger::figures`], the one
//! implementation of the receivables definitions.

use chrono::NaiveDate;

use super::period::Bounds;
use super::{figure, Area, Calc, Evidence, Figure, KpiError, Scope, Unit};
use crate::ledger::figures::{self, Bucket, Ratio};
use crate::ledger::money::decimal;
use crate::ledger::Ledger;

fn frac(r: Option<Ratio>) -> Option<f64> {
    r.map(|r| r.num as f64 / r.den as f64)
}

/// Outstanding per aging bucket (base minor units) of the scope's invoices at `d`.
pub fn aging(calc: &Calc, scope: &Scope, d: NaiveDate) -> Result<[i64; 6], KpiError> {
    let mut out = [0i64; 6];
    for inv in calc
        .ds
        .ledger
        .invoices
        .iter()
        .filter(|i| scope.has(i.customer_id))
    {
        let o = figures::outstanding(&calc.ds.ledger, inv, d);
        if o > 0 {
            let b = Bucket::of(figures::days_past_due(inv.due_date, d));
            out[b.index()] += calc.ds.rates.to_base(o, &inv.currency, d)?;
        }
    }
    Ok(out)
}

/// Credit figures of `scope` for `b`, at the period's last day.
pub fn figures(calc: &Calc, scope: &Scope, b: &Bounds) -> Result<Vec<Figure>, KpiError> {
    let own: &Ledger = scope.ledger(calc);
    let rates = &calc.ds.rates;
    let d = b.last_day();
    let base = &calc.config.credit.base_currency;
    let code = |id: i64| calc.ds.code(id);
    let per_customer = own.by_customer();

    // Utilisation: exposure of customers with a limit ÷ their limits.
    let mut exposure_limited = 0i64;
    let mut limits = 0i64;
    let mut util_ev = Vec::new();
    for c in calc.ds.customers.iter().filter(|c| scope.has(c.id)) {
        let Some(limit) = calc.ds.limits.get(&c.id) else {
            continue;
        };
        let e = match per_customer.get(&c.id) {
            Some(mine) => figures::exposure(mine, rates, d)?,
            None => 0,
        };
        exposure_limited += e;
        limits += limit;
        util_ev.push(Evidence {
            kind: "customer",
            id: c.code.clone(),
            detail: format!(
                "exposure {} of limit {} {base}",
                decimal(e, base),
                decimal(*limit, base)
            ),
        });
    }
    let utilisation = frac(figures::utilisation(exposure_limited, limits));

    let exposure = figures::exposure(own, rates, d)?;
    let mut overdue = 0i64;
    let mut open_ev = Vec::new();
    for inv in &own.invoices {
        let o = figures::outstanding(own, inv, d);
        if o == 0 {
            continue;
        }
        let dpd = figures::days_past_due(inv.due_date, d);
        let in_base = rates.to_base(o, &inv.currency, d)?;
        if dpd > 0 {
            overdue += in_base;
        }
        open_ev.push(Evidence {
            kind: "invoice",
            id: inv.number.clone(),
            detail: format!(
                "{}: outstanding {} {} ({} {base}), {} days past due",
                code(inv.customer_id),
                decimal(o, &inv.currency),
                inv.currency,
                decimal(in_base, base),
                dpd
            ),
        });
    }
    let overdue_ratio = (exposure > 0).then(|| overdue as f64 / exposure as f64);
    let settled_ev = |kind: crate::ledger::SettlementKind| {
        let mut ev = Vec::new();
        for inv in &own.invoices {
            for s in own.settlements_of(inv.id) {
                if s.kind == kind && s.date >= b.start && s.date <= d {
                    ev.push(Evidence {
                        kind: "invoice",
                        id: inv.number.clone(),
                        detail: format!(
                            "{} {} {} {} on {}",
                            kind.key(),
                            s.reference,
                            decimal(s.amount, &inv.currency),
                            inv.currency,
                            s.date
                        ),
                    });
                }
            }
        }
        ev
    };
    Ok(vec![
        figure(
            Area::Credit,
            "credit_utilisation",
            Unit::Percent,
            utilisation,
            util_ev,
        ),
        figure(
            Area::Credit,
            "collection_rate",
            Unit::Percent,
            frac(figures::collection_rate(own, rates, b.start, d)?),
            settled_ev(crate::ledger::SettlementKind::Payment),
        ),
        figure(
            Area::Credit,
            "dso",
            Unit::Days,
            frac(figures::dso(own, rates, d, figures::DSO_DAYS)?),
            open_ev.clone(),
        ),
        figure(
            Area::Credit,
            "overdue_ratio",
            Unit::Percent,
            overdue_ratio,
            open_ev,
        ),
        figure(
            Area::Credit,
            "bad_debt_rate",
            Unit::Percent,
            frac(figures::bad_debt_rate(own, rates, b.start, d)?),
            settled_ev(crate::ledger::SettlementKind::WriteOff),
        ),
    ])
}
