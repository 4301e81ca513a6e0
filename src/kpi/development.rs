//! §7 development (客户开发): new customers, leads promoted, growth of active customers and
//! attainment of the targets in `[reports] targets` (§3 yearly targets).

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use super::period::{Bounds, Period};
use super::{figure, Area, Calc, Evidence, Figure, KpiError, Scope, Unit};
use crate::ledger::money::parse_amount;

/// When each customer's relationship began: the earlier of its creation in the registry and
/// its first two-way correspondence (the later of the first customer mail and our first
/// reply, machine mail ignored).
pub fn starts<'a>(calc: &'a Calc) -> &'a HashMap<i64, DateTime<Utc>> {
    calc.starts.get_or_init(|| compute_starts(calc))
}

fn compute_starts(calc: &Calc) -> HashMap<i64, DateTime<Utc>> {
    /// (first customer mail, first mail of ours).
    type Firsts = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let mut first: HashMap<i64, Firsts> = HashMap::new();
    for m in calc.ds.messages.iter().filter(|m| !m.machine) {
        for c in &m.customers {
            let e = first.entry(*c).or_default();
            let slot = match m.direction.as_str() {
                "inbound" => &mut e.0,
                "outbound" => &mut e.1,
                _ => continue,
            };
            if slot.is_none_or(|t| m.date < t) {
                *slot = Some(m.date);
            }
        }
    }
    calc.ds
        .customers
        .iter()
        .map(|c| {
            let two_way = match first.get(&c.id) {
                Some((Some(a), Some(b))) => Some(*a.max(b)),
                _ => None,
            };
            (c.id, two_way.map_or(c.created_at, |t| t.min(c.created_at)))
        })
        .collect()
}

/// The customers of `scope` whose relationship began in `b`.
pub fn new_customers(calc: &Calc, scope: &Scope, b: &Bounds) -> Vec<Evidence> {
    let starts = starts(calc);
    calc.ds
        .customers
        .iter()
        .filter(|c| scope.has(c.id) && starts.get(&c.id).is_some_and(|t| b.contains(*t)))
        .map(|c| Evidence {
            kind: "customer",
            id: c.code.clone(),
            detail: format!(
                "{} — since {}",
                c.name,
                starts[&c.id].to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
        })
        .collect()
}

/// Development figures of `scope` in `b`.
pub fn figures(calc: &Calc, scope: &Scope, b: &Bounds) -> Result<Vec<Figure>, KpiError> {
    let new = new_customers(calc, scope, b);
    let promoted: Vec<Evidence> = calc
        .ds
        .customers
        .iter()
        .filter(|c| scope.has(c.id) && c.promoted_at.is_some_and(|t| b.contains(t)))
        .map(|c| Evidence {
            kind: "customer",
            id: c.code.clone(),
            detail: format!("{} — lead promoted", c.name),
        })
        .collect();
    let active = super::upkeep::active(calc, scope, b);
    let prev = Bounds::new(&Period::parse(&b.label)?.previous(), &calc.zone);
    let active_before = super::upkeep::active(calc, scope, &prev);
    let growth = (!active_before.is_empty())
        .then(|| (active.len() as f64 - active_before.len() as f64) / active_before.len() as f64);
    let growth_evidence = vec![Evidence {
        kind: "customer",
        id: "-".into(),
        detail: format!(
            "{} active in {} vs {} in {}",
            active.len(),
            b.label,
            active_before.len(),
            prev.label
        ),
    }];

    // Targets of the scope's people for exactly this period.
    let base = &calc.config.credit.base_currency;
    let targets: Vec<_> = calc
        .config
        .reports
        .targets
        .iter()
        .filter(|t| {
            scope.people.contains(&t.person)
                && Period::parse(&t.period).is_ok_and(|p| p.label == b.label)
        })
        .collect();
    let new_target: Option<u32> = targets
        .iter()
        .filter_map(|t| t.new_customers)
        .reduce(|a, b| a + b);
    let revenue_target: Option<i64> = targets
        .iter()
        .filter_map(|t| {
            t.revenue
                .as_deref()
                .and_then(|r| parse_amount(r, base).ok())
        })
        .reduce(|a, b| a + b);
    let revenue = super::sales::revenue(calc, scope, b)?.0;
    let target_evidence = |what: String| {
        vec![Evidence {
            kind: "target",
            id: b.label.clone(),
            detail: what,
        }]
    };
    Ok(vec![
        figure(
            Area::Development,
            "new_customers",
            Unit::Count,
            Some(new.len() as f64),
            new.clone(),
        ),
        figure(
            Area::Development,
            "leads_promoted",
            Unit::Count,
            Some(promoted.len() as f64),
            promoted,
        ),
        figure(
            Area::Development,
            "active_growth",
            Unit::Percent,
            growth,
            growth_evidence,
        ),
        figure(
            Area::Development,
            "attainment_new_customers",
            Unit::Percent,
            new_target
                .filter(|t| *t > 0)
                .map(|t| new.len() as f64 / f64::from(t)),
            target_evidence(format!("target {new_target:?}, actual {}", new.len())),
        ),
        figure(
            Area::Development,
            "attainment_revenue",
            Unit::Percent,
            revenue_target
                .filter(|t| *t > 0)
                .map(|t| revenue as f64 / t as f64),
            target_evidence(format!(
                "target {:?} {base}, actual {} {base} (minor units)",
                revenue_target, revenue
            )),
        ),
    ])
}
