//! Send windows in the recipient's local time: working hours, working days, and no public
//! holidays of the recipient's country. The planned instant is stored in UTC together with
//! the zone, so `outbox list` shows both the local and the UTC time.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::config::WindowConfig;
use super::holidays::Holidays;

/// The first instant at or after `earliest` inside `window` for a recipient in `tz` and
/// `country`. Days outside the window's working days and the country's holidays (when the
/// window skips them) are passed over; DST changes are handled by the zone rules.
pub fn next_slot(
    earliest: DateTime<Utc>,
    tz: Tz,
    country: Option<&str>,
    window: &WindowConfig,
    holidays: &Holidays,
) -> DateTime<Utc> {
    let local = earliest.with_timezone(&tz);
    for offset in 0..400 {
        let date = local.date_naive() + Duration::days(offset);
        if !window.days.iter().any(|d| d.weekday() == date.weekday()) {
            continue;
        }
        if window.skip_holidays && holidays.is_holiday(country, date) {
            continue;
        }
        let (Some(start), Some(end)) = (
            resolve(tz, date.and_time(window.start)),
            resolve(tz, date.and_time(window.end)),
        ) else {
            continue;
        };
        let candidate = start.max(earliest);
        if candidate < end {
            return candidate;
        }
    }
    earliest
}

/// A local wall-clock time as UTC; in a DST gap the first valid instant after it.
fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
        LocalResult::None => (1..=3)
            .find_map(|h| {
                tz.from_local_datetime(&(local + Duration::hours(h)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// `t` in zone `tz` as "YYYY-MM-DD HH:MM ZONE-ABBR".
pub fn local_display(t: DateTime<Utc>, tz: &str) -> String {
    match tz.parse::<Tz>() {
        Ok(z) => t.with_timezone(&z).format("%Y-%m-%d %H:%M %Z").to_string(),
        Err(_) => t.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// The start of `date` in zone `tz`, as UTC: the earliest a row due that day may go.
pub fn local_midnight(date: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    resolve(tz, date.and_hms_opt(0, 0, 0)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::holidays::Holiday;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn los_angeles_morning_is_afternoon_utc() {
        let w = WindowConfig::default();
        // Wed 2026-12-02 08:00 UTC is Wed 00:00 in LA (PST, UTC-8): window opens 09:00 PST.
        let t = next_slot(
            utc("2026-12-02T08:00:00Z"),
            chrono_tz::America::Los_Angeles,
            Some("US"),
            &w,
            &Holidays::default(),
        );
        assert_eq!(t, utc("2026-12-02T17:00:00Z"));
        // Inside the window: now.
        let t = next_slot(
            utc("2026-12-02T18:30:00Z"),
            chrono_tz::America::Los_Angeles,
            Some("US"),
            &w,
            &Holidays::default(),
        );
        assert_eq!(t, utc("2026-12-02T18:30:00Z"));
        // After it (11:00 PST = 19:00 UTC): next day.
        let t = next_slot(
            utc("2026-12-02T19:00:00Z"),
            chrono_tz::America::Los_Angeles,
            Some("US"),
            &w,
            &Holidays::default(),
        );
        assert_eq!(t, utc("2026-12-03T17:00:00Z"));
    }

    #[test]
    fn dubai_skips_weekend_and_holidays() {
        use crate::outbox::config::DayName;
        // A Monday-Friday window as in the UAE since 2022.
        let w = WindowConfig {
            days: vec![
                DayName::Mon,
                DayName::Tue,
                DayName::Wed,
                DayName::Thu,
                DayName::Fri,
            ],
            ..WindowConfig::default()
        };
        let mut h = Holidays::default();
        h.add(Holiday {
            country: "AE".into(),
            date: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            name: "National Day".into(),
            greeting: Some("national_day".into()),
        });
        // Tue 2026-12-01 10:00 Dubai (UTC+4) = 06:00 UTC... ask after the window: 08:00 UTC = 12:00.
        let t = next_slot(
            utc("2026-12-01T08:00:00Z"),
            chrono_tz::Asia::Dubai,
            Some("AE"),
            &w,
            &h,
        );
        // Wed 12-02 is a holiday → Thu 12-03 09:00 +04 = 05:00 UTC.
        assert_eq!(t, utc("2026-12-03T05:00:00Z"));
    }

    #[test]
    fn sydney_across_the_dst_change() {
        let w = WindowConfig::default();
        // Sydney moves to AEDT (UTC+11) on Sun 2026-10-04. Fri 10-02 09:00 AEST = Thu 23:00 UTC.
        let t = next_slot(
            utc("2026-10-01T20:00:00Z"),
            chrono_tz::Australia::Sydney,
            Some("AU"),
            &w,
            &Holidays::default(),
        );
        assert_eq!(t, utc("2026-10-01T23:00:00Z"));
        // After Friday's window: the weekend is skipped; Mon 10-05 09:00 AEDT = Sun 22:00 UTC.
        let t = next_slot(
            utc("2026-10-02T02:00:00Z"),
            chrono_tz::Australia::Sydney,
            Some("AU"),
            &w,
            &Holidays::default(),
        );
        assert_eq!(t, utc("2026-10-04T22:00:00Z"));
        assert_eq!(
            local_display(t, "Australia/Sydney"),
            "2026-10-05 09:00 AEDT"
        );
    }
}
