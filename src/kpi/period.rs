//! Reporting periods of the §7 performance figures ("monthly, quarterly and yearly"): a month
//! `2026-10`, a quarter `2026-Q4` or a year `2026`, the previous period of the same length,
//! and the period's boundaries as UTC instants, taken at midnight in the company's time zone
//! (so a message at 2026-10-31 23:30 UTC belongs to November in Asia/Shanghai).
//!
//! Parsing and "previous" are the complaint report's ([`crate::complaints::report::Period`]):
//! one definition of a period for every report.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::Serialize;

pub use crate::complaints::report::{Period, PeriodError};

/// The company's time zone: an IANA zone (`[reports] timezone`) or the fixed offset of
/// `[work_hours] utc_offset`.
#[derive(Debug, Clone, Copy)]
pub enum Zone {
    Iana(chrono_tz::Tz),
    Fixed(FixedOffset),
}

impl Zone {
    /// The zone named `name` (IANA, e.g. "Asia/Shanghai") or, without a name, `offset`
    /// ("+08:00").
    pub fn from_config(name: Option<&str>, offset: &str) -> Result<Zone, String> {
        match name {
            Some(n) => n
                .parse::<chrono_tz::Tz>()
                .map(Zone::Iana)
                .map_err(|_| format!("'{n}' is not an IANA time zone (e.g. \"Asia/Shanghai\")")),
            None => offset
                .parse::<FixedOffset>()
                .map(Zone::Fixed)
                .map_err(|_| format!("'{offset}' is not an offset like +08:00")),
        }
    }

    /// Local midnight at the start of `day`, in UTC.
    pub fn midnight(&self, day: NaiveDate) -> DateTime<Utc> {
        let naive = day.and_hms_opt(0, 0, 0).expect("midnight exists");
        match self {
            Zone::Iana(tz) => tz
                .from_local_datetime(&naive)
                .earliest()
                // A zone that skips midnight (rare DST rules): the first instant of the day.
                .unwrap_or_else(|| tz.from_utc_datetime(&naive))
                .with_timezone(&Utc),
            Zone::Fixed(o) => o
                .from_local_datetime(&naive)
                .single()
                .expect("a fixed offset has no gaps")
                .with_timezone(&Utc),
        }
    }

    /// The local calendar day of instant `t`.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        match self {
            Zone::Iana(tz) => t.with_timezone(tz).date_naive(),
            Zone::Fixed(o) => t.with_timezone(o).date_naive(),
        }
    }

    /// The zone's name for output ("Asia/Shanghai", "+08:00").
    pub fn name(&self) -> String {
        match self {
            Zone::Iana(tz) => tz.name().to_string(),
            Zone::Fixed(o) => o.to_string(),
        }
    }
}

/// A period with its instants: `[start_utc, end_utc)`, local dates `[start, end)`.
#[derive(Debug, Clone, Serialize)]
pub struct Bounds {
    pub label: String,
    pub start: NaiveDate,
    /// The day after the last day.
    pub end: NaiveDate,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
}

impl Bounds {
    /// The period's boundaries in `zone`.
    pub fn new(p: &Period, zone: &Zone) -> Bounds {
        Bounds {
            label: p.label.clone(),
            start: p.start,
            end: p.end,
            start_utc: zone.midnight(p.start),
            end_utc: zone.midnight(p.end),
        }
    }

    /// Whether instant `t` falls in the period.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        t >= self.start_utc && t < self.end_utc
    }

    /// Whether local date `d` falls in the period.
    pub fn contains_date(&self, d: NaiveDate) -> bool {
        d >= self.start && d < self.end
    }

    /// The last day of the period.
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().expect("a period has a last day")
    }
}

/// The `n` periods ending with `p`, oldest first (for trend lines).
pub fn trailing(p: &Period, n: usize) -> Vec<Period> {
    let mut out = vec![p.clone()];
    while out.len() < n {
        let prev = out.last().expect("not empty").previous();
        out.push(prev);
    }
    out.reverse();
    out
}

/// The kind of a period: "month", "quarter" or "year".
pub fn kind(p: &Period) -> &'static str {
    use chrono::Datelike;
    let months =
        (p.end.year() - p.start.year()) * 12 + p.end.month() as i32 - p.start.month() as i32;
    match months {
        12 => "year",
        3 => "quarter",
        _ => "month",
    }
}

/// The last period of `kind` ("month", "quarter", "year") that has closed at `now` in `zone`.
pub fn last_closed(kind: &str, now: DateTime<Utc>, zone: &Zone) -> Option<Period> {
    use chrono::Datelike;
    let today = zone.local_date(now);
    let current = match kind {
        "month" => format!("{}-{:02}", today.year(), today.month()),
        "quarter" => format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1),
        "year" => format!("{}", today.year()),
        _ => return None,
    };
    Period::parse(&current).ok().map(|p| p.previous())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn boundaries_are_local_midnight() {
        let shanghai = Zone::from_config(Some("Asia/Shanghai"), "+00:00").unwrap();
        let oct = Bounds::new(&Period::parse("2026-10").unwrap(), &shanghai);
        assert_eq!(oct.start_utc, utc("2026-09-30T16:00:00Z"));
        assert_eq!(oct.end_utc, utc("2026-10-31T16:00:00Z"));
        // 23:30 UTC on the 31st is 07:30 on 1 November in Shanghai.
        assert!(!oct.contains(utc("2026-10-31T23:30:00Z")));
        let nov = Bounds::new(&Period::parse("2026-11").unwrap(), &shanghai);
        assert!(nov.contains(utc("2026-10-31T23:30:00Z")));
        // In UTC itself it is still October.
        let utc_zone = Zone::from_config(None, "+00:00").unwrap();
        let oct_utc = Bounds::new(&Period::parse("2026-10").unwrap(), &utc_zone);
        assert!(oct_utc.contains(utc("2026-10-31T23:30:00Z")));
        // A zone with daylight saving: Berlin's October ends at 23:00 UTC (CET, +01:00).
        let berlin = Zone::from_config(Some("Europe/Berlin"), "+08:00").unwrap();
        let b = Bounds::new(&Period::parse("2026-10").unwrap(), &berlin);
        assert_eq!(b.start_utc, utc("2026-09-30T22:00:00Z"));
        assert_eq!(b.end_utc, utc("2026-10-31T23:00:00Z"));
        assert!(Zone::from_config(Some("Mars/Olympus"), "+08:00").is_err());
    }

    #[test]
    fn trailing_and_last_closed_periods() {
        let labels: Vec<String> = trailing(&Period::parse("2026-Q1").unwrap(), 3)
            .into_iter()
            .map(|p| p.label)
            .collect();
        assert_eq!(labels, ["2025-Q3", "2025-Q4", "2026-Q1"]);
        let zone = Zone::from_config(Some("Asia/Shanghai"), "+08:00").unwrap();
        // 2026-12-31 17:00 UTC is already 1 January 2027 in Shanghai.
        let now = utc("2026-12-31T17:00:00Z");
        assert_eq!(last_closed("month", now, &zone).unwrap().label, "2026-12");
        assert_eq!(last_closed("quarter", now, &zone).unwrap().label, "2026-Q4");
        assert_eq!(last_closed("year", now, &zone).unwrap().label, "2026");
        assert_eq!(kind(&Period::parse("2026-Q4").unwrap()), "quarter");
        assert!(last_closed("week", now, &zone).is_none());
    }
}
