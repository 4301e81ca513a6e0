//! Payment terms (§2.2 business records, §5 ledger) as invoices state them, turned into a
//! due date when the accounting export has none.
//!
//! Understood forms (case and spacing free):
//! - `NET 30`, `Net30`, `30 days`, `T/T 30 days`, `O/A 60 days`, `D/A 90 days`, `30天`,
//!   `30日`, `发票后30天`, `货到30天付款`: due = issue date + N days;
//! - `EOM 30`, `30 days EOM`, `月结30天`, `月结30`: due = last day of the issue month + N days
//!   (月结 "monthly settlement");
//! - `CIA`, `CIA`, `due on receipt`, `T/T in advance`, `prepaid`, `款到发货`, `预付`, `即付`:
//!   due = issue date.

use chrono::{Datelike, Days, NaiveDate};

/// What a terms text means for the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terms {
    /// Due N days after the issue date.
    Net(u32),
    /// Due N days after the end of the issue month (月结).
    EndOfMonth(u32),
}

impl Terms {
    /// The due date of an invoice issued on `issue` under these terms.
    pub fn due_date(self, issue: NaiveDate) -> NaiveDate {
        match self {
            Terms::Net(n) => issue + Days::new(n.into()),
            Terms::EndOfMonth(n) => month_end(issue) + Days::new(n.into()),
        }
    }
}

/// The last day of `d`'s month.
pub fn month_end(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("first of a month exists") - Days::new(1)
}

/// Reads a payment-terms text; the error says which forms are understood.
pub fn parse(text: &str) -> Result<Terms, String> {
    let t = text.trim().to_lowercase();
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let advance = [
        "cia",
        "cod",
        "dueonreceipt",
        "t/tinadvance",
        "ttinadvance",
        "prepaid",
        "prepayment",
        "款到发货",
        "预付",
        "即付",
        "现款",
    ];
    if advance.iter().any(|a| compact == *a) {
        return Ok(Terms::Net(0));
    }
    let number = digits_in(&compact);
    let eom = compact.contains("月结") || compact.contains("eom");
    match number {
        Some(n) if eom => Ok(Terms::EndOfMonth(n)),
        Some(n)
            if compact.starts_with("net")
                || compact.contains("day")
                || compact.ends_with('天')
                || compact.contains("天付")
                || compact.ends_with('日')
                || compact.chars().all(|c| c.is_ascii_digit()) =>
        {
            Ok(Terms::Net(n))
        }
        _ => Err(format!(
            "'{}' are not payment terms this importer understands; expected e.g. NET 30, \
             T/T 30 days, 30天, 月结60天, EOM 30 or CIA (or give the due date)",
            text.trim()
        )),
    }
}

/// The one run of ASCII digits in `s`, if exactly one (at most 3 digits: up to 999 days).
fn digits_in(s: &str) -> Option<u32> {
    let runs: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .collect();
    match runs.as_slice() {
        [one] if one.len() <= 3 => one.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn net_terms_count_calendar_days() {
        for t in [
            "NET 30",
            "net30",
            "T/T 30 days",
            "O/A 30 DAYS",
            "30天",
            "货到30天付款",
        ] {
            assert_eq!(parse(t), Ok(Terms::Net(30)), "{t}");
        }
        assert_eq!(
            parse("Net 30").unwrap().due_date(d("2028-01-30")),
            d("2028-02-29")
        );
        assert_eq!(
            parse("CIA").unwrap().due_date(d("2026-05-01")),
            d("2026-05-01")
        );
    }

    #[test]
    fn month_end_terms_start_at_the_end_of_the_issue_month() {
        assert_eq!(parse("月结60天"), Ok(Terms::EndOfMonth(60)));
        assert_eq!(parse("EOM 30"), Ok(Terms::EndOfMonth(30)));
        // Issued 2026-01-15: month end 01-31, + 60 days = 2026-04-01.
        assert_eq!(
            parse("月结60天").unwrap().due_date(d("2026-01-15")),
            d("2026-04-01")
        );
        // Month end of February in a leap year + 0 = 29 February.
        assert_eq!(
            Terms::EndOfMonth(0).due_date(d("2028-02-03")),
            d("2028-02-29")
        );
        assert_eq!(month_end(d("2026-12-05")), d("2026-12-31"));
    }

    #[test]
    fn unknown_terms_are_refused() {
        assert!(parse("L/C at sight").is_err());
        assert!(parse("30/60/90").is_err());
    }
}
