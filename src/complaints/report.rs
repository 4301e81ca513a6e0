//! The periodic complaint analysis (§6.4 periodic analysis to prevent repeats):
//! counts and rates per active customer by category, customer, country, product, root
//! cause and responsibility; mean and 90th-percentile working hours to acknowledge and to
//! resolve; SLA breach rate; repeat complainers; the change against the previous period.

use chrono::{Datelike, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

use super::intake::parse_time;
use super::tickets::{self, Filter};
use crate::workhours::WorkHours;

/// A reporting period: a month (2026-10), a quarter (2026-Q4) or a year (2026).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub label: String,
    /// First day, inclusive.
    pub start: NaiveDate,
    /// Day after the last.
    pub end: NaiveDate,
}

/// A period that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("'{0}' is not a period; use a month 2026-10, a quarter 2026-Q4 or a year 2026")]
pub struct PeriodError(String);

impl Period {
    /// Parses 2026-10, 2026-Q4 or 2026.
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError(s.to_string());
        let s = s.trim();
        let ymd = |y, m| NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad);
        let (start, months) = if let Some((y, q)) = s
            .split_once(['-', ' '])
            .filter(|(_, q)| q.starts_with(['Q', 'q']))
        {
            let y: i32 = y.parse().map_err(|_| bad())?;
            let q: u32 = q[1..].parse().map_err(|_| bad())?;
            if !(1..=4).contains(&q) {
                return Err(bad());
            }
            (ymd(y, (q - 1) * 3 + 1)?, 3)
        } else if let Some((y, m)) = s.split_once('-') {
            (
                ymd(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?)?,
                1,
            )
        } else {
            (ymd(s.parse().map_err(|_| bad())?, 1)?, 12)
        };
        Ok(Period {
            label: s.to_uppercase(),
            start,
            end: add_months(start, months),
        })
    }

    /// The period of the same length just before.
    pub fn previous(&self) -> Period {
        let months = (self.end.year() - self.start.year()) * 12 + self.end.month() as i32
            - self.start.month() as i32;
        let start = add_months(self.start, -months);
        let label = match months {
            12 => format!("{}", start.year()),
            3 => format!("{}-Q{}", start.year(), (start.month() - 1) / 3 + 1),
            _ => format!("{}-{:02}", start.year(), start.month()),
        };
        Period {
            label,
            start,
            end: self.start,
        }
    }

    fn contains(&self, rfc3339: &str) -> bool {
        parse_time(rfc3339).is_some_and(|t| {
            let d = t.date_naive();
            d >= self.start && d < self.end
        })
    }
}

fn add_months(d: NaiveDate, months: i32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + months;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1)
        .expect("first of a month exists")
}

/// Mean and 90th percentile of durations in working hours.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Stat {
    pub count: usize,
    pub mean_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

fn stat(mut v: Vec<f64>) -> Stat {
    if v.is_empty() {
        return Stat::default();
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    // Nearest-rank percentile.
    let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
    Stat {
        count: n,
        mean_hours: Some(v.iter().sum::<f64>() / n as f64),
        p90_hours: Some(v[rank - 1]),
    }
}

/// One row of a breakdown.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub key: String,
    pub count: usize,
    pub previous: usize,
    /// Tickets per active customer in the period.
    pub rate: f64,
}

/// The whole analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub period: Period,
    pub previous_period: Period,
    pub tickets: usize,
    pub previous_tickets: usize,
    /// Customers with inbound mail in the period.
    pub active_customers: usize,
    /// Tickets per active customer.
    pub rate: f64,
    /// Share of active customers who complained.
    pub complaining_share: f64,
    /// Dimension (category, customer, country, product, root_cause, responsibility) → rows.
    pub breakdowns: BTreeMap<String, Vec<Row>>,
    pub acknowledge: Stat,
    pub resolve: Stat,
    /// Share of the period's tickets with at least one SLA stage missed.
    pub breach_rate: f64,
    /// Customers with two or more tickets in the period, and how many.
    pub repeat_complainers: Vec<(String, usize)>,
    pub mean_rating: Option<f64>,
}

struct T {
    row: tickets::TicketRow,
    country: String,
}

fn load(conn: &Connection) -> Result<Vec<T>, tickets::TicketError> {
    let all = tickets::list(conn, &Filter::default(), Utc::now())?;
    let mut country =
        conn.prepare("SELECT COALESCE(country, '-') FROM customers WHERE code = ?1")?;
    let mut out = Vec::new();
    for row in all {
        let c = match &row.customer {
            Some(code) => country.query_row([code], |r| r.get(0))?,
            None => "-".to_string(),
        };
        out.push(T { row, country: c });
    }
    Ok(out)
}

fn active_customers(conn: &Connection, p: &Period) -> rusqlite::Result<usize> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(DISTINCT mc.customer_id) FROM message_customers mc JOIN messages m ON m.id = mc.message_id
         WHERE m.direction = 'inbound' AND m.date >= ?1 AND m.date < ?2",
        [p.start.to_string(), p.end.to_string()],
        |r| r.get(0),
    )?;
    Ok(n as usize)
}

fn keys(t: &T, dimension: &str) -> Vec<String> {
    let r = &t.row;
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    match dimension {
        "category" => vec![r.category.clone()],
        "customer" => vec![or_dash(&r.customer)],
        "country" => vec![t.country.clone()],
        "product" if r.products.is_empty() => vec!["-".into()],
        "product" => r.products.split(' ').map(String::from).collect(),
        "root_cause" => vec![or_dash(&r.root_cause)],
        "responsibility" => vec![or_dash(&r.responsibility)],
        _ => Vec::new(),
    }
}

/// The dimensions of the breakdowns, in display order.
pub const DIMENSIONS: &[&str] = &[
    "category",
    "customer",
    "country",
    "product",
    "root_cause",
    "responsibility",
];

/// Computes the analysis of `period` (rejected tickets are not complaints and are left out).
pub fn complaints(
    conn: &Connection,
    period: &Period,
    hours: &WorkHours,
) -> Result<Report, tickets::TicketError> {
    let previous = period.previous();
    let all: Vec<T> = load(conn)?
        .into_iter()
        .filter(|t| t.row.status != "rejected")
        .collect();
    let now_: Vec<&T> = all
        .iter()
        .filter(|t| period.contains(&t.row.opened_at))
        .collect();
    let before: Vec<&T> = all
        .iter()
        .filter(|t| previous.contains(&t.row.opened_at))
        .collect();
    let active = active_customers(conn, period)?;
    let per_active = |n: usize| {
        if active == 0 {
            0.0
        } else {
            n as f64 / active as f64
        }
    };
    let mut breakdowns = BTreeMap::new();
    for dim in DIMENSIONS {
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for t in &now_ {
            for k in keys(t, dim) {
                counts.entry(k).or_default().0 += 1;
            }
        }
        for t in &before {
            for k in keys(t, dim) {
                counts.entry(k).or_default().1 += 1;
            }
        }
        let mut rows: Vec<Row> = counts
            .into_iter()
            .map(|(key, (count, previous))| Row {
                key,
                count,
                previous,
                rate: per_active(count),
            })
            .collect();
        rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
        breakdowns.insert(dim.to_string(), rows);
    }
    let span = |from: &str, to: &Option<String>| {
        Some(hours.between(parse_time(from)?, parse_time(to.as_deref()?)?))
    };
    let acknowledge = stat(
        now_.iter()
            .filter_map(|t| span(&t.row.opened_at, &t.row.acknowledged_at))
            .collect(),
    );
    let resolve = stat(
        now_.iter()
            .filter_map(|t| span(&t.row.opened_at, &t.row.resolved_at))
            .collect(),
    );
    let breached = now_.iter().filter(|t| !t.row.breached.is_empty()).count();
    let mut per_customer: BTreeMap<String, usize> = BTreeMap::new();
    for t in &now_ {
        *per_customer
            .entry(t.row.customer.clone().unwrap_or_else(|| "-".into()))
            .or_default() += 1;
    }
    let complaining = per_customer.keys().filter(|k| *k != "-").count();
    let mut repeat: Vec<(String, usize)> =
        per_customer.into_iter().filter(|(_, n)| *n >= 2).collect();
    repeat.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let ratings: Vec<i64> = now_.iter().filter_map(|t| t.row.rating).collect();
    Ok(Report {
        period: period.clone(),
        previous_period: previous,
        tickets: now_.len(),
        previous_tickets: before.len(),
        active_customers: active,
        rate: per_active(now_.len()),
        complaining_share: per_active(complaining),
        breakdowns,
        acknowledge,
        resolve,
        breach_rate: if now_.is_empty() {
            0.0
        } else {
            breached as f64 / now_.len() as f64
        },
        repeat_complainers: repeat,
        mean_rating: (!ratings.is_empty())
            .then(|| ratings.iter().sum::<i64>() as f64 / ratings.len() as f64),
    })
}

/// The figures as (section, key, value, previous) rows: what CSV, XLSX and HTML show.
pub fn flat_rows(r: &Report) -> Vec<[String; 4]> {
    let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
    let mut out = vec![
        [
            "summary".into(),
            "tickets".into(),
            r.tickets.to_string(),
            r.previous_tickets.to_string(),
        ],
        [
            "summary".into(),
            "active customers".into(),
            r.active_customers.to_string(),
            String::new(),
        ],
        [
            "summary".into(),
            "tickets per active customer".into(),
            format!("{:.3}", r.rate),
            String::new(),
        ],
        [
            "summary".into(),
            "share of active customers complaining".into(),
            format!("{:.3}", r.complaining_share),
            String::new(),
        ],
        [
            "summary".into(),
            "SLA breach rate".into(),
            format!("{:.3}", r.breach_rate),
            String::new(),
        ],
        [
            "summary".into(),
            "acknowledge: mean working hours".into(),
            f(r.acknowledge.mean_hours),
            String::new(),
        ],
        [
            "summary".into(),
            "acknowledge: p90 working hours".into(),
            f(r.acknowledge.p90_hours),
            String::new(),
        ],
        [
            "summary".into(),
            "resolve: mean working hours".into(),
            f(r.resolve.mean_hours),
            String::new(),
        ],
        [
            "summary".into(),
            "resolve: p90 working hours".into(),
            f(r.resolve.p90_hours),
            String::new(),
        ],
        [
            "summary".into(),
            "mean satisfaction (1-5)".into(),
            f(r.mean_rating),
            String::new(),
        ],
    ];
    for dim in DIMENSIONS {
        for row in &r.breakdowns[*dim] {
            out.push([
                dim.to_string(),
                row.key.clone(),
                row.count.to_string(),
                row.previous.to_string(),
            ]);
        }
    }
    for (c, n) in &r.repeat_complainers {
        out.push([
            "repeat_complainer".into(),
            c.clone(),
            n.to_string(),
            String::new(),
        ]);
    }
    out
}

/// The report as CSV (UTF-8 with BOM so spreadsheet programs read Chinese correctly).
pub fn to_csv(r: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "section",
        "key",
        r.period.label.as_str(),
        r.previous_period.label.as_str(),
    ])
    .expect("writing to memory");
    for row in flat_rows(r) {
        w.write_record(&row).expect("writing to memory");
    }
    let bytes = w.into_inner().expect("writing to memory");
    format!(
        "\u{feff}{}",
        String::from_utf8(bytes).expect("CSV of strings is UTF-8")
    )
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The report as a self-contained HTML page.
pub fn to_html(r: &Report) -> String {
    let mut h = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Complaints {0}</title>\
         <style>body{{font-family:sans-serif}}table{{border-collapse:collapse;margin:1em 0}}\
         td,th{{border:1px solid #ccc;padding:2px 8px}}td.n{{text-align:right}}</style></head><body>\n\
         <h1>Complaint analysis {0}</h1>\n<p>Compared with {1}.</p>\n",
        esc(&r.period.label),
        esc(&r.previous_period.label)
    );
    let mut section = String::new();
    for row in flat_rows(r) {
        if row[0] != section {
            if !section.is_empty() {
                h.push_str("</table>\n");
            }
            section = row[0].clone();
            h.push_str(&format!(
                "<h2>{}</h2>\n<table><tr><th></th><th>{}</th><th>{}</th></tr>\n",
                esc(&section),
                esc(&r.period.label),
                esc(&r.previous_period.label)
            ));
        }
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            esc(&row[1]),
            esc(&row[2]),
            esc(&row[3])
        ));
    }
    if !section.is_empty() {
        h.push_str("</table>\n");
    }
    h.push_str("</body></html>\n");
    h
}

/// The report as an XLSX workbook.
pub fn to_xlsx(r: &Report) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("complaints")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in [
        "section",
        "key",
        r.period.label.as_str(),
        r.previous_period.label.as_str(),
    ]
    .iter()
    .enumerate()
    {
        ws.write_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, row) in flat_rows(r).iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let r = (i + 1) as u32;
            match v.parse::<f64>() {
                Ok(n) if c >= 2 => ws.write_number(r, c as u16, n)?,
                _ => ws.write_string(r, c as u16, v)?,
            };
        }
    }
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 40)?;
    wb.save_to_buffer()
}

/// The report as plain text for the terminal.
pub fn to_table(r: &Report) -> String {
    let rows: Vec<Vec<String>> = flat_rows(r).into_iter().map(|r| r.to_vec()).collect();
    crate::cli::table::render(
        &["section", "key", &r.period.label, &r.previous_period.label],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_periods_and_their_predecessors() {
        let p = Period::parse("2026-10").unwrap();
        assert_eq!(
            (p.start.to_string(), p.end.to_string()),
            ("2026-10-01".into(), "2026-11-01".into())
        );
        assert_eq!(p.previous().label, "2026-09");
        let q = Period::parse("2026-Q1").unwrap();
        assert_eq!(q.end.to_string(), "2026-04-01");
        assert_eq!(q.previous().label, "2025-Q4");
        let y = Period::parse("2026").unwrap();
        assert_eq!(y.previous().label, "2025");
        assert!(Period::parse("2026-13").is_err());
        assert!(Period::parse("2026-Q5").is_err());
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let s = stat((1..=10).map(f64::from).collect());
        assert_eq!(s.p90_hours, Some(9.0));
        assert_eq!(s.mean_hours, Some(5.5));
        assert_eq!(stat(vec![]), Stat::default());
    }
}
