//! The performance figures of §7 (客户管理绩效考核): development, upkeep, sales, credit and
//! ratings, per salesperson, team and company, for a month, quarter or year, each with the
//! change against the previous period — computed from the correspondence, tickets and
//! receivables tradewind holds, every figure explainable by the records behind it.
//!
//! Attribution: a customer's figures count for its current owner (`customers.owner`) and
//! that owner's team; the company counts every customer.
//!
//! - [`period`]: periods and their boundaries in the company's time zone.
//! - [`data`]: the input, read once.
//! - [`development`], [`upkeep`], [`sales`], [`credit`], [`ratings`]: the figures by area.
//! - [`explain`]: the records behind a figure (`--explain`).
//! - [`render`], [`html`]: table, CSV, XLSX and HTML output.
//! - [`mail`]: the report emailed to managers after each period closes.

pub mod credit;
pub mod data;
pub mod development;
pub mod explain;
pub mod html;
pub mod mail;
pub mod period;
pub mod ratings;
pub mod render;
pub mod sales;
pub mod settings;
pub mod upkeep;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeSet;

use crate::config::Config;
use crate::ledger::money;
use crate::workhours::WorkHours;
use data::Dataset;
use period::{Bounds, Period, Zone};

pub use settings::ReportsConfig;

/// Why a KPI report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum KpiError {
    #[error(transparent)]
    Period(#[from] period::PeriodError),
    #[error("[reports] {0}")]
    Config(String),
    #[error("no user '{0}' in the config")]
    UnknownPerson(String),
    #[error("no user has team '{0}'")]
    UnknownTeam(String),
    #[error("no figure '{0}'; figures are: {1}")]
    UnknownFigure(String, String),
    #[error("stored data: {0}")]
    BadStored(String),
    #[error("score {0} is not between 0 and 100")]
    BadScore(f64),
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    #[error(transparent)]
    Credit(#[from] crate::credit::CreditError),
    #[error(transparent)]
    Rate(#[from] crate::ledger::rates::MissingRate),
    #[error(transparent)]
    Tickets(#[from] crate::complaints::tickets::TicketError),
    #[error(transparent)]
    WorkHours(#[from] crate::workhours::WorkHoursError),
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// The area of §7 a figure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Development,
    Upkeep,
    Sales,
    Credit,
    Ratings,
}

impl Area {
    /// Every area, in report order.
    pub const ALL: [Area; 5] = [
        Area::Development,
        Area::Upkeep,
        Area::Sales,
        Area::Credit,
        Area::Ratings,
    ];

    /// The sheet / section title.
    pub fn title(self) -> &'static str {
        match self {
            Area::Development => "Development 客户开发",
            Area::Upkeep => "Upkeep 客户维护",
            Area::Sales => "Sales 销售",
            Area::Credit => "Credit 信用",
            Area::Ratings => "Ratings 评价",
        }
    }
}

/// How a figure's value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Count,
    /// Base-currency minor units.
    Money,
    /// A fraction, shown as a percentage.
    Percent,
    /// Working hours.
    Hours,
    /// Calendar days.
    Days,
    /// 0-100.
    Score,
    /// 1-5.
    Rating,
}

/// One record behind a figure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    /// "message", "ticket", "invoice", "customer", "review", "rating".
    pub kind: &'static str,
    /// Message id / ticket number / invoice number / customer code.
    pub id: String,
    pub detail: String,
}

/// One figure of one scope.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub area: Area,
    pub key: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub value: Option<f64>,
    pub previous: Option<f64>,
    /// value − previous (percentage points for percentages).
    pub change: Option<f64>,
    pub value_text: String,
    pub previous_text: String,
    pub change_text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// The figures of one person, team or the company.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeReport {
    /// "person", "team" or "company".
    pub kind: &'static str,
    pub key: String,
    pub name: String,
    pub figures: Vec<Figure>,
}

impl ScopeReport {
    /// The figure `key`.
    pub fn figure(&self, key: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.key == key)
    }
}

/// The data of the HTML charts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Charts {
    /// (period label, company revenue in base minor units), oldest first.
    pub revenue_trend: Vec<(String, i64)>,
    /// (bucket label, count) of first-response times in the period.
    pub response_histogram: Vec<(String, usize)>,
    /// (person, outstanding per aging bucket in base minor units) at the period's end.
    pub aging: Vec<(String, [i64; 6])>,
}

/// A whole KPI report.
#[derive(Debug, Clone, Serialize)]
pub struct KpiReport {
    pub period: Bounds,
    pub previous: Bounds,
    pub timezone: String,
    pub base_currency: String,
    pub generated_at: String,
    pub scopes: Vec<ScopeReport>,
    pub charts: Charts,
}

/// Which scopes a report covers.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub person: Option<String>,
    pub team: Option<String>,
}

/// What the area functions compute with.
pub struct Calc<'a> {
    pub ds: &'a Dataset,
    pub config: &'a Config,
    pub hours: WorkHours,
    pub zone: Zone,
    /// Unanswered mail is aged up to min(period end, now).
    pub now: DateTime<Utc>,
    /// Computed once per report: when each customer's relationship began.
    pub starts: std::cell::OnceCell<std::collections::HashMap<i64, DateTime<Utc>>>,
    /// Computed once per report: each thread's messages (indices), oldest first.
    pub threads: std::cell::OnceCell<Vec<Vec<usize>>>,
}

/// A set of customers and the people they belong to.
#[derive(Debug, Clone)]
pub struct Scope {
    pub kind: &'static str,
    pub key: String,
    pub name: String,
    pub people: Vec<String>,
    pub customers: std::collections::HashSet<i64>,
    /// The scope's part of the ledger, filtered once.
    pub ledger: std::cell::OnceCell<crate::ledger::Ledger>,
}

impl Scope {
    /// Whether customer `id` is in the scope.
    pub fn has(&self, id: i64) -> bool {
        self.customers.contains(&id)
    }

    /// The invoices (and their settlements) of the scope's customers.
    pub fn ledger<'a>(&'a self, calc: &Calc) -> &'a crate::ledger::Ledger {
        self.ledger
            .get_or_init(|| calc.ds.ledger.filtered(|i| self.has(i.customer_id)))
    }
}

/// The company's zone from the config.
pub fn zone(config: &Config) -> Result<Zone, KpiError> {
    Zone::from_config(
        config.reports.timezone.as_deref(),
        &config.work_hours.utc_offset,
    )
    .map_err(KpiError::Config)
}

/// Builds the scopes: every person owning customers or with role sales, every team, the
/// company; narrowed by `sel`.
pub fn scopes(ds: &Dataset, sel: &Selection) -> Result<Vec<Scope>, KpiError> {
    let mut logins: BTreeSet<String> = ds
        .people
        .iter()
        .filter(|p| p.sales)
        .map(|p| p.login.clone())
        .collect();
    logins.extend(ds.customers.iter().filter_map(|c| c.owner.clone()));
    let person_scope = |login: &str| {
        let name = ds
            .people
            .iter()
            .find(|p| p.login == login)
            .map_or(login.to_string(), |p| p.name.clone());
        Scope {
            kind: "person",
            key: login.to_string(),
            name,
            people: vec![login.to_string()],
            customers: ds
                .customers
                .iter()
                .filter(|c| c.owner.as_deref() == Some(login))
                .map(|c| c.id)
                .collect(),
            ledger: std::cell::OnceCell::new(),
        }
    };
    let team_of = |login: &str| {
        ds.people
            .iter()
            .find(|p| p.login == login)
            .and_then(|p| p.team.clone())
    };
    let team_scope = |team: &str| {
        let members: Vec<String> = logins
            .iter()
            .filter(|l| team_of(l.as_str()).as_deref() == Some(team))
            .cloned()
            .collect();
        let customers = ds
            .customers
            .iter()
            .filter(|c| c.owner.as_ref().is_some_and(|o| members.contains(o)))
            .map(|c| c.id)
            .collect();
        Scope {
            kind: "team",
            key: team.to_string(),
            name: team.to_string(),
            people: members,
            customers,
            ledger: std::cell::OnceCell::new(),
        }
    };
    if let Some(p) = &sel.person {
        if !ds.people.iter().any(|x| &x.login == p) && !logins.contains(p) {
            return Err(KpiError::UnknownPerson(p.clone()));
        }
        return Ok(vec![person_scope(p.as_str())]);
    }
    if let Some(t) = &sel.team {
        if !ds.people.iter().any(|x| x.team.as_ref() == Some(t)) {
            return Err(KpiError::UnknownTeam(t.clone()));
        }
        let mut out: Vec<Scope> = logins
            .iter()
            .filter(|l| team_of(l.as_str()).as_deref() == Some(t.as_str()))
            .map(|l| person_scope(l.as_str()))
            .collect();
        out.push(team_scope(t));
        return Ok(out);
    }
    let mut out: Vec<Scope> = logins.iter().map(|l| person_scope(l.as_str())).collect();
    let teams: BTreeSet<String> = logins.iter().filter_map(|l| team_of(l.as_str())).collect();
    out.extend(teams.iter().map(|t| team_scope(t.as_str())));
    out.push(Scope {
        kind: "company",
        key: "company".into(),
        name: "Company 公司".into(),
        people: logins.iter().cloned().collect(),
        customers: ds.customers.iter().map(|c| c.id).collect(),
        ledger: std::cell::OnceCell::new(),
    });
    Ok(out)
}

/// Every figure of `scope` in `b` (no previous values yet).
pub fn figures(calc: &Calc, scope: &Scope, b: &Bounds) -> Result<Vec<Figure>, KpiError> {
    let mut out = development::figures(calc, scope, b)?;
    out.extend(upkeep::figures(calc, scope, b)?);
    out.extend(sales::figures(calc, scope, b)?);
    out.extend(credit::figures(calc, scope, b)?);
    out.extend(ratings::figures(calc, scope, b, &out)?);
    Ok(out)
}

/// Builds the report for `period` (as of `now` for unanswered mail of the current period).
pub fn build(
    conn: &Connection,
    config: &Config,
    period: &Period,
    sel: &Selection,
    now: DateTime<Utc>,
) -> Result<KpiReport, KpiError> {
    let zone = zone(config)?;
    let b = Bounds::new(period, &zone);
    let prev = Bounds::new(&period.previous(), &zone);
    let ds = Dataset::load(conn, config, b.last_day())?;
    let calc = Calc {
        ds: &ds,
        config,
        hours: WorkHours::from_config(&config.work_hours)?,
        zone,
        now,
        starts: std::cell::OnceCell::new(),
        threads: std::cell::OnceCell::new(),
    };
    let mut scopes_out = Vec::new();
    for scope in scopes(&ds, sel)? {
        let mut now_f = figures(&calc, &scope, &b)?;
        let before = figures(&calc, &scope, &prev)?;
        for f in &mut now_f {
            if let Some(p) = before.iter().find(|p| p.key == f.key) {
                f.previous = p.value;
            }
            f.change = match (f.value, f.previous) {
                (Some(a), Some(b)) => Some(a - b),
                _ => None,
            };
            f.value_text = show(f.unit, f.value, &config.credit.base_currency, false);
            f.previous_text = show(f.unit, f.previous, &config.credit.base_currency, false);
            f.change_text = show(f.unit, f.change, &config.credit.base_currency, true);
        }
        scopes_out.push(ScopeReport {
            kind: scope.kind,
            key: scope.key.clone(),
            name: scope.name.clone(),
            figures: now_f,
        });
    }
    let charts = charts(&calc, period, &b, sel)?;
    Ok(KpiReport {
        period: b,
        previous: prev,
        timezone: zone.name(),
        base_currency: config.credit.base_currency.clone(),
        generated_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        scopes: scopes_out,
        charts,
    })
}

fn charts(calc: &Calc, period: &Period, b: &Bounds, sel: &Selection) -> Result<Charts, KpiError> {
    let all = scopes(calc.ds, sel)?;
    let whole = Scope {
        kind: "company",
        key: "all".into(),
        name: String::new(),
        people: Vec::new(),
        customers: all
            .iter()
            .flat_map(|s| s.customers.iter().copied())
            .collect(),
        ledger: std::cell::OnceCell::new(),
    };
    let mut trend = Vec::new();
    for p in period::trailing(period, 12) {
        let pb = Bounds::new(&p, &calc.zone);
        trend.push((p.label.clone(), sales::revenue(calc, &whole, &pb)?.0));
    }
    let times: Vec<f64> = upkeep::responses(calc, &whole, b)
        .answered
        .iter()
        .map(|r| r.hours)
        .collect();
    let mut histogram = Vec::new();
    for (label, lo, hi) in upkeep::HISTOGRAM {
        histogram.push((
            label.to_string(),
            times.iter().filter(|h| **h >= lo && **h < hi).count(),
        ));
    }
    let mut aging = Vec::new();
    for s in all.iter().filter(|s| s.kind == "person") {
        aging.push((s.key.clone(), credit::aging(calc, s, b.last_day())?));
    }
    Ok(Charts {
        revenue_trend: trend,
        response_histogram: histogram,
        aging,
    })
}

/// A value as text in its unit; `signed` adds "+" for changes.
pub fn show(unit: Unit, v: Option<f64>, base: &str, signed: bool) -> String {
    let Some(v) = v else {
        return "-".into();
    };
    let sign = if signed && v > 0.0 { "+" } else { "" };
    match unit {
        Unit::Count => format!("{sign}{v:.0}"),
        Unit::Money => format!("{sign}{}", money::format(v.round() as i64, base)),
        Unit::Percent if signed => format!("{sign}{:.1} pp", v * 100.0),
        Unit::Percent => format!("{:.1}%", v * 100.0),
        Unit::Hours => format!("{sign}{v:.1} h"),
        Unit::Days => format!("{sign}{v:.1} d"),
        Unit::Score => format!("{sign}{v:.1}"),
        Unit::Rating => format!("{sign}{v:.2}"),
    }
}

/// A figure without previous values (filled by [`build`]).
pub fn figure(
    area: Area,
    key: &'static str,
    unit: Unit,
    value: Option<f64>,
    evidence: Vec<Evidence>,
) -> Figure {
    Figure {
        area,
        key,
        label: explain::label(key),
        unit,
        value,
        previous: None,
        change: None,
        value_text: String::new(),
        previous_text: String::new(),
        change_text: String::new(),
        evidence,
    }
}

/// A ratio as an optional fraction (None when the denominator is 0).
pub fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// `d` as a date-time at local midnight in the company zone (for date-only records).
pub fn at_midnight(calc: &Calc, d: NaiveDate) -> DateTime<Utc> {
    calc.zone.midnight(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shown_in_their_unit() {
        assert_eq!(
            show(Unit::Money, Some(1234567.0), "CNY", false),
            "12,345.67"
        );
        assert_eq!(show(Unit::Percent, Some(0.25), "CNY", false), "25.0%");
        assert_eq!(show(Unit::Percent, Some(0.05), "CNY", true), "+5.0 pp");
        assert_eq!(show(Unit::Hours, Some(-2.26), "CNY", true), "-2.3 h");
        assert_eq!(show(Unit::Count, None, "CNY", false), "-");
        assert_eq!(ratio(1, 0), None);
    }
}
