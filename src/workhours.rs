//! The company's working time: working days and hours, its UTC offset, public holidays and
//! make-up working days (调休). SLA deadlines (§6) count in working hours; other features
//! (follow-up and dunning schedules) can use the same calendar.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use serde::Deserialize;
use std::collections::BTreeSet;

/// `[work_hours]` in tradewind.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkHoursConfig {
    /// The company's offset from UTC, "+08:00" (China has no daylight saving time).
    #[serde(default = "default_offset")]
    pub utc_offset: String,
    /// Working days: mon, tue, wed, thu, fri, sat, sun.
    #[serde(default = "default_days")]
    pub days: Vec<String>,
    /// Start and end of the working day, "HH:MM" local time.
    #[serde(default = "default_start")]
    pub start: String,
    #[serde(default = "default_end")]
    pub end: String,
    /// Public holidays: "2026-10-01", or a range "2026-10-01..2026-10-07" (inclusive).
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Weekend days that are working days (调休), same formats.
    #[serde(default)]
    pub extra_workdays: Vec<String>,
}

impl Default for WorkHoursConfig {
    fn default() -> Self {
        WorkHoursConfig {
            utc_offset: default_offset(),
            days: default_days(),
            start: default_start(),
            end: default_end(),
            holidays: Vec::new(),
            extra_workdays: Vec::new(),
        }
    }
}

fn default_offset() -> String {
    "+08:00".into()
}
fn default_days() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .map(String::from)
        .to_vec()
}
fn default_start() -> String {
    "09:00".into()
}
fn default_end() -> String {
    "18:00".into()
}

/// A value in `[work_hours]` that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("[work_hours] {field}: '{value}' is not {expected}")]
pub struct WorkHoursError {
    pub field: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// The working calendar, ready to count with.
#[derive(Debug, Clone)]
pub struct WorkHours {
    offset: FixedOffset,
    days: Vec<Weekday>,
    start: NaiveTime,
    end: NaiveTime,
    holidays: BTreeSet<NaiveDate>,
    extra: BTreeSet<NaiveDate>,
}

fn dates(field: &'static str, list: &[String]) -> Result<BTreeSet<NaiveDate>, WorkHoursError> {
    let bad = |v: &str| WorkHoursError {
        field,
        value: v.to_string(),
        expected: "a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD",
    };
    let mut out = BTreeSet::new();
    for item in list {
        let (a, b) = item.split_once("..").unwrap_or((item, item));
        let a = NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d").map_err(|_| bad(item))?;
        let b = NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d").map_err(|_| bad(item))?;
        if b < a || (b - a).num_days() > 366 {
            return Err(bad(item));
        }
        let mut d = a;
        while d <= b {
            out.insert(d);
            d += Duration::days(1);
        }
    }
    Ok(out)
}

impl WorkHours {
    /// Validates a `[work_hours]` section.
    pub fn from_config(c: &WorkHoursConfig) -> Result<WorkHours, WorkHoursError> {
        let offset: FixedOffset = c.utc_offset.parse().map_err(|_| WorkHoursError {
            field: "utc_offset",
            value: c.utc_offset.clone(),
            expected: "an offset like +08:00",
        })?;
        let time = |field, v: &str| {
            NaiveTime::parse_from_str(v, "%H:%M").map_err(|_| WorkHoursError {
                field,
                value: v.to_string(),
                expected: "a time HH:MM",
            })
        };
        let start = time("start", &c.start)?;
        let end = time("end", &c.end)?;
        if end <= start {
            return Err(WorkHoursError {
                field: "end",
                value: c.end.clone(),
                expected: "a time after `start`",
            });
        }
        let mut days = Vec::new();
        for d in &c.days {
            days.push(d.parse::<Weekday>().map_err(|_| WorkHoursError {
                field: "days",
                value: d.clone(),
                expected: "a weekday (mon, tue, ...)",
            })?);
        }
        Ok(WorkHours {
            offset,
            days,
            start,
            end,
            holidays: dates("holidays", &c.holidays)?,
            extra: dates("extra_workdays", &c.extra_workdays)?,
        })
    }

    /// Whether `day` (local) is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.extra.contains(&day)
            || (self.days.contains(&day.weekday()) && !self.holidays.contains(&day))
    }

    /// The working window of a local day, in UTC.
    fn window(&self, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |t: NaiveTime| {
            self.offset
                .from_local_datetime(&day.and_time(t))
                .single()
                .expect("a fixed offset has no gaps")
                .with_timezone(&Utc)
        };
        (at(self.start), at(self.end))
    }

    /// The moment `hours` working hours after `from`.
    pub fn add(&self, from: DateTime<Utc>, hours: f64) -> DateTime<Utc> {
        let mut left = Duration::milliseconds((hours * 3_600_000.0).round() as i64);
        let mut day = from.with_timezone(&self.offset).date_naive();
        let mut cursor = from;
        // Ten years of calendar is far more than any SLA; the bound keeps a config with no
        // working day at all from looping forever.
        for _ in 0..3660 {
            if self.is_working_day(day) {
                let (s, e) = self.window(day);
                let begin = cursor.max(s);
                if begin < e {
                    let avail = e - begin;
                    if avail >= left {
                        return begin + left;
                    }
                    left -= avail;
                }
            }
            day += Duration::days(1);
            cursor = cursor.max(self.window(day).0);
        }
        cursor
    }

    /// Working hours between `a` and `b` (0 when `b` is not after `a`).
    pub fn between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
        if b <= a {
            return 0.0;
        }
        let mut total = Duration::zero();
        let mut day = a.with_timezone(&self.offset).date_naive();
        let last = b.with_timezone(&self.offset).date_naive();
        while day <= last {
            if self.is_working_day(day) {
                let (s, e) = self.window(day);
                let (s, e) = (s.max(a), e.min(b));
                if e > s {
                    total += e - s;
                }
            }
            day += Duration::days(1);
        }
        total.num_seconds() as f64 / 3600.0
    }

    /// Length of a working day in hours (for "2 working days" = 2 × this).
    pub fn day_hours(&self) -> f64 {
        (self.end - self.start).num_minutes() as f64 / 60.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn calendar() -> WorkHours {
        WorkHours::from_config(&WorkHoursConfig {
            holidays: vec!["2026-10-01..2026-10-07".into(), "2026-12-25".into()],
            extra_workdays: vec!["2026-10-10".into()],
            ..WorkHoursConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn counts_across_a_weekend() {
        // Friday 2026-11-27 16:00 +08:00 plus 4 working hours: 2 on Friday, 2 on Monday.
        let due = calendar().add(utc("2026-11-27T16:00:00+08:00"), 4.0);
        assert_eq!(due, utc("2026-11-30T11:00:00+08:00"));
        assert_eq!(
            calendar().between(utc("2026-11-27T16:00:00+08:00"), due),
            4.0
        );
    }

    #[test]
    fn counts_across_a_public_holiday_and_a_make_up_day() {
        // Wednesday 30 Sept 17:00 + 3 h: 1 h on the 30th, then the National Day week
        // (1–7 Oct) and the weekend of the 3rd/4th are off; Thursday the 8th 09:00 + 2 h.
        let due = calendar().add(utc("2026-09-30T17:00:00+08:00"), 3.0);
        assert_eq!(due, utc("2026-10-08T11:00:00+08:00"));
        // Saturday the 10th is a make-up working day.
        assert!(calendar().is_working_day(NaiveDate::from_ymd_opt(2026, 10, 10).unwrap()));
        let due = calendar().add(utc("2026-10-09T17:00:00+08:00"), 2.0);
        assert_eq!(due, utc("2026-10-10T10:00:00+08:00"));
    }

    #[test]
    fn mail_at_night_starts_counting_next_morning() {
        let due = calendar().add(utc("2026-11-24T23:30:00+08:00"), 1.0);
        assert_eq!(due, utc("2026-11-25T10:00:00+08:00"));
    }

    #[test]
    fn bad_values_name_the_field() {
        let e = WorkHours::from_config(&WorkHoursConfig {
            holidays: vec!["2026-13-01".into()],
            ..WorkHoursConfig::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("holidays"), "{e}");
    }
}
