//! §7 upkeep (客户维护) and §4 service: active customers, first-response time to customer
//! mail in working hours, unanswered mail, follow-up compliance, complaint rate, mean time to
//! acknowledge and resolve, SLA breach rate, churn and satisfaction.

use chrono::{DateTime, Months, Utc};
use std::collections::{BTreeMap, BTreeSet};

use super::period::Bounds;
use super::{figure, ratio, Area, Calc, Evidence, Figure, KpiError, Scope, Unit};
use crate::complaints::intake::parse_time;

/// Buckets of the first-response histogram: (label, from hours inclusive, to exclusive).
pub const HISTOGRAM: [(&str, f64, f64); 6] = [
    ("<1h", 0.0, 1.0),
    ("1-4h", 1.0, 4.0),
    ("4-8h", 4.0, 8.0),
    ("8-24h", 8.0, 24.0),
    ("24-48h", 24.0, 48.0),
    (">=48h", 48.0, f64::INFINITY),
];

/// Customers of `scope` with two-way correspondence in `b`: at least one customer message
/// and one of ours (machine mail ignored) filed under them.
pub fn active(calc: &Calc, scope: &Scope, b: &Bounds) -> BTreeSet<i64> {
    let mut seen: BTreeMap<i64, (bool, bool)> = BTreeMap::new();
    for m in calc
        .ds
        .between(b.start_utc, b.end_utc)
        .iter()
        .filter(|m| !m.machine)
    {
        for c in m.customers.iter().filter(|c| scope.has(**c)) {
            let e = seen.entry(*c).or_default();
            match m.direction.as_str() {
                "inbound" => e.0 = true,
                "outbound" => e.1 = true,
                _ => {}
            }
        }
    }
    seen.into_iter()
        .filter(|(_, (i, o))| *i && *o)
        .map(|(c, _)| c)
        .collect()
}

/// A customer message that waited for our first reply.
#[derive(Debug, Clone)]
pub struct Response {
    pub message: i64,
    pub reply: i64,
    pub received: DateTime<Utc>,
    pub hours: f64,
    pub subject: String,
    pub from: String,
}

/// A customer message without a reply at the as-of moment.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub message: i64,
    pub received: DateTime<Utc>,
    pub age_hours: f64,
    pub subject: String,
    pub from: String,
}

/// First responses and unanswered mail of a scope and period.
#[derive(Debug, Default)]
pub struct Responses {
    pub answered: Vec<Response>,
    pub unanswered: Vec<Waiting>,
}

/// In each thread, the first customer message after our last reply starts a wait (machine
/// mail and thank-yous never do); our next reply (not machine mail) ends it. Waits that
/// start in `b` count: answered ones with the working hours waited, and those without a
/// reply at min(end of `b`, now) as unanswered, aged in working hours.
pub fn responses(calc: &Calc, scope: &Scope, b: &Bounds) -> Responses {
    let as_of = b.end_utc.min(calc.now);
    let threads = calc.threads.get_or_init(|| {
        let mut by: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, m) in calc.ds.messages.iter().enumerate() {
            by.entry(m.thread).or_default().push(i);
        }
        let msgs = &calc.ds.messages;
        by.into_values()
            .map(|mut list| {
                list.sort_by(|a, b| {
                    msgs[*a]
                        .date
                        .cmp(&msgs[*b].date)
                        .then(msgs[*a].id.cmp(&msgs[*b].id))
                });
                list
            })
            .collect()
    });
    let mut out = Responses::default();
    for list in threads {
        // Threads that start after the period cannot hold a wait starting in it.
        if list
            .first()
            .is_none_or(|i| calc.ds.messages[*i].date >= b.end_utc)
        {
            continue;
        }
        let mut waiting: Option<&super::data::Msg> = None;
        let mut finish = |w: &super::data::Msg, reply: Option<&super::data::Msg>| {
            if !b.contains(w.date) {
                return;
            }
            if let Some(r) = reply {
                out.answered.push(Response {
                    message: w.id,
                    reply: r.id,
                    received: w.date,
                    hours: calc.hours.between(w.date, r.date),
                    subject: w.subject.clone(),
                    from: w.from.clone(),
                });
            }
            if w.date < as_of && reply.is_none_or(|r| r.date > as_of) {
                out.unanswered.push(Waiting {
                    message: w.id,
                    received: w.date,
                    age_hours: calc.hours.between(w.date, as_of),
                    subject: w.subject.clone(),
                    from: w.from.clone(),
                });
            }
        };
        for m in list.iter().map(|i| &calc.ds.messages[*i]) {
            if m.machine {
                continue;
            }
            match m.direction.as_str() {
                "inbound"
                    if waiting.is_none()
                        && !m.no_answer
                        && m.customers.iter().any(|c| scope.has(*c)) =>
                {
                    waiting = Some(m)
                }
                "outbound" => {
                    if let Some(w) = waiting.take() {
                        finish(w, Some(m));
                    }
                }
                _ => {}
            }
        }
        if let Some(w) = waiting {
            finish(w, None);
        }
    }
    out.answered.sort_by_key(|r| (r.received, r.message));
    out.unanswered.sort_by_key(|w| (w.received, w.message));
    out
}

/// Nearest-rank percentile `p` (0-100) of `v`.
pub fn percentile(v: &[f64], p: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0 * s.len() as f64).ceil() as usize).clamp(1, s.len());
    Some(s[rank - 1])
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn code(calc: &Calc, id: i64) -> String {
    calc.ds.code(id)
}

fn t(x: DateTime<Utc>) -> String {
    x.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Upkeep figures of `scope` in `b`.
pub fn figures(calc: &Calc, scope: &Scope, b: &Bounds) -> Result<Vec<Figure>, KpiError> {
    let active = active(calc, scope, b);
    let active_ev: Vec<Evidence> = active
        .iter()
        .map(|c| Evidence {
            kind: "customer",
            id: code(calc, *c),
            detail: "two-way correspondence in the period".into(),
        })
        .collect();

    let r = responses(calc, scope, b);
    let hours: Vec<f64> = r.answered.iter().map(|x| x.hours).collect();
    let resp_ev: Vec<Evidence> = r
        .answered
        .iter()
        .map(|x| Evidence {
            kind: "message",
            id: x.message.to_string(),
            detail: format!(
                "{} from {} at {} — answered by message {} after {:.2} working hours",
                x.subject,
                x.from,
                t(x.received),
                x.reply,
                x.hours
            ),
        })
        .collect();
    let waiting = |min: f64| -> Vec<Evidence> {
        r.unanswered
            .iter()
            .filter(|w| w.age_hours >= min)
            .map(|w| Evidence {
                kind: "message",
                id: w.message.to_string(),
                detail: format!(
                    "{} from {} at {} — unanswered for {:.1} working hours",
                    w.subject,
                    w.from,
                    t(w.received),
                    w.age_hours
                ),
            })
            .collect()
    };
    let (u24, u48) = (waiting(24.0), waiting(48.0));

    // Follow-up compliance at the end of the period.
    let as_of = b.end_utc.min(calc.now);
    let mut eligible = 0usize;
    let mut compliant = 0usize;
    let mut follow_ev = Vec::new();
    // A customer counts once its relationship has begun (see development::starts).
    let starts = super::development::starts(calc);
    let mut ours: BTreeMap<i64, DateTime<Utc>> = BTreeMap::new();
    for m in calc
        .ds
        .between(DateTime::<Utc>::MIN_UTC, as_of)
        .iter()
        .filter(|m| !m.machine && m.direction == "outbound")
    {
        for c in m.customers.iter().filter(|c| scope.has(**c)) {
            let e = ours.entry(*c).or_insert(m.date);
            if m.date > *e {
                *e = m.date;
            }
        }
    }
    for c in calc
        .ds
        .customers
        .iter()
        .filter(|c| scope.has(c.id) && starts.get(&c.id).is_some_and(|t| *t < as_of))
    {
        let Some(days) = c.cycle_days else {
            continue;
        };
        eligible += 1;
        let last = ours.get(&c.id).copied();
        let ok = last.is_some_and(|l| l >= as_of - chrono::Duration::days(i64::from(days)));
        if ok {
            compliant += 1;
        }
        follow_ev.push(Evidence {
            kind: "customer",
            id: c.code.clone(),
            detail: format!(
                "cycle {days} days, last contact from us {} — {}",
                last.map_or("never".into(), t),
                if ok { "within cycle" } else { "overdue" }
            ),
        });
    }

    // Tickets opened in the period (rejected ones were not complaints).
    let tickets: Vec<&crate::complaints::tickets::TicketRow> = calc
        .ds
        .tickets
        .iter()
        .filter(|(c, t)| {
            c.is_some_and(|c| scope.has(c))
                && t.status != "rejected"
                && parse_time(&t.opened_at).is_some_and(|o| b.contains(o))
        })
        .map(|(_, t)| t)
        .collect();
    let ticket_ev = |f: &dyn Fn(&crate::complaints::tickets::TicketRow) -> Option<String>| {
        tickets
            .iter()
            .filter_map(|t| {
                f(t).map(|detail| Evidence {
                    kind: "ticket",
                    id: t.number.clone(),
                    detail,
                })
            })
            .collect::<Vec<_>>()
    };
    let span = |from: &str, to: &Option<String>| {
        Some(
            calc.hours
                .between(parse_time(from)?, parse_time(to.as_deref()?)?),
        )
    };
    let ack: Vec<f64> = tickets
        .iter()
        .filter_map(|t| span(&t.opened_at, &t.acknowledged_at))
        .collect();
    let res: Vec<f64> = tickets
        .iter()
        .filter_map(|t| span(&t.opened_at, &t.resolved_at))
        .collect();
    let breached = tickets.iter().filter(|t| !t.breached.is_empty()).count();

    // Churn at the end of the period.
    let end = b.end;
    let lookback = end - Months::new(calc.config.reports.churn_lookback_months);
    let quiet = end - Months::new(calc.config.reports.churn_quiet_months);
    let mut invoiced: BTreeMap<i64, (bool, bool)> = BTreeMap::new();
    for inv in calc
        .ds
        .ledger
        .invoices
        .iter()
        .filter(|i| scope.has(i.customer_id) && i.issue_date >= lookback && i.issue_date < end)
    {
        let e = invoiced.entry(inv.customer_id).or_default();
        e.0 = true;
        if inv.issue_date >= quiet {
            e.1 = true;
        }
    }
    let churned: Vec<Evidence> = invoiced
        .iter()
        .filter(|(_, (_, recent))| !recent)
        .map(|(c, _)| Evidence {
            kind: "customer",
            id: code(calc, *c),
            detail: format!("invoiced since {lookback}, nothing since {quiet}"),
        })
        .collect();

    let ratings: Vec<&super::data::Rating> = calc
        .ds
        .ratings
        .iter()
        .filter(|r| scope.has(r.customer_id) && b.contains(r.at))
        .collect();
    let scores: Vec<f64> = ratings.iter().map(|r| r.score as f64).collect();
    let rating_ev: Vec<Evidence> = ratings
        .iter()
        .map(|r| Evidence {
            kind: "rating",
            id: r.source.clone(),
            detail: format!(
                "{} rated {} at {}",
                code(calc, r.customer_id),
                r.score,
                t(r.at)
            ),
        })
        .collect();

    Ok(vec![
        figure(
            Area::Upkeep,
            "active_customers",
            Unit::Count,
            Some(active.len() as f64),
            active_ev,
        ),
        figure(
            Area::Upkeep,
            "first_response_median",
            Unit::Hours,
            percentile(&hours, 50.0),
            resp_ev.clone(),
        ),
        figure(
            Area::Upkeep,
            "first_response_p90",
            Unit::Hours,
            percentile(&hours, 90.0),
            resp_ev,
        ),
        figure(
            Area::Upkeep,
            "unanswered_24h",
            Unit::Count,
            Some(u24.len() as f64),
            u24,
        ),
        figure(
            Area::Upkeep,
            "unanswered_48h",
            Unit::Count,
            Some(u48.len() as f64),
            u48,
        ),
        figure(
            Area::Upkeep,
            "followup_compliance",
            Unit::Percent,
            ratio(compliant, eligible),
            follow_ev,
        ),
        figure(
            Area::Upkeep,
            "complaint_rate",
            Unit::Percent,
            ratio(tickets.len(), active.len()),
            ticket_ev(&|t| Some(format!("{} opened {}", t.subject, t.opened_at))),
        ),
        figure(
            Area::Upkeep,
            "mtta",
            Unit::Hours,
            mean(&ack),
            ticket_ev(&|t| {
                span(&t.opened_at, &t.acknowledged_at)
                    .map(|h| format!("acknowledged after {h:.2} working hours"))
            }),
        ),
        figure(
            Area::Upkeep,
            "mttr",
            Unit::Hours,
            mean(&res),
            ticket_ev(&|t| {
                span(&t.opened_at, &t.resolved_at)
                    .map(|h| format!("resolved after {h:.2} working hours"))
            }),
        ),
        figure(
            Area::Upkeep,
            "sla_breach_rate",
            Unit::Percent,
            ratio(breached, tickets.len()),
            ticket_ev(&|t| {
                (!t.breached.is_empty()).then(|| format!("missed: {}", t.breached.join(", ")))
            }),
        ),
        figure(
            Area::Upkeep,
            "churn_rate",
            Unit::Percent,
            ratio(churned.len(), invoiced.len()),
            churned,
        ),
        figure(
            Area::Upkeep,
            "satisfaction",
            Unit::Rating,
            mean(&scores),
            rating_ev,
        ),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn nearest_rank_percentiles() {
        let v = [5.0, 1.0, 3.0, 2.0];
        assert_eq!(super::percentile(&v, 50.0), Some(2.0));
        assert_eq!(super::percentile(&v, 90.0), Some(5.0));
        assert_eq!(super::percentile(&[], 50.0), None);
    }
}
