//! The receivables definitions (§5 ledger, §7 credit performance), in ONE place: aging,
//! statements, credit control, dunning and reports all compute through these functions.
//!
//! - **Outstanding at D** = amount − payments, credit notes and write-offs dated ≤ D; an
//!   invoice issued after D is not part of the ledger at D (outstanding 0).
//! - **Days past due at D** = D − due date, in calendar days (negative: not yet due).
//! - **Buckets**: not due (≤ 0), 1–30, 31–60, 61–90, 91–120, over 120 days past due.
//! - **Exposure at D** = Σ outstanding at D in the base currency, each currency converted at
//!   its rate on D (the latest rate dated ≤ D, else the fixed `[credit.rates]` rate).
//! - **DSO over N days at D** (default N = 90) = exposure at D ÷ invoiced (base, at D's
//!   rates) with issue date in (D − N, D] × N. None when nothing was invoiced.
//! - **Collection rate for a period [F, T]** = collected (payments dated F..=T) ÷
//!   (outstanding at F − 1 day + invoiced with issue date F..=T); all in base at T's rates.
//! - **Bad-debt rate for [F, T]** = written off (dated F..=T) ÷ the same denominator.
//! - **Credit-limit utilisation** = exposure ÷ credit limit (both in base currency).
//!
//! Money stays in integer minor units; ratios are exact fractions, rounded only for display
//! (half away from zero).

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::money::div_round;
use super::rates::{MissingRate, Rates};
use super::{Invoice, Ledger, SettlementKind};

/// Default DSO window in days.
pub const DSO_DAYS: u32 = 90;

/// Outstanding of `invoice` at `d`: amount − settlements dated ≤ d (0 before its issue date).
pub fn outstanding(ledger: &Ledger, invoice: &Invoice, d: NaiveDate) -> i64 {
    if invoice.issue_date > d {
        return 0;
    }
    let settled: i64 = ledger
        .settlements_of(invoice.id)
        .filter(|s| s.date <= d)
        .map(|s| s.amount)
        .sum();
    invoice.amount - settled
}

/// Days past due at `d` (calendar days; ≤ 0 means not yet due).
pub fn days_past_due(due: NaiveDate, d: NaiveDate) -> i64 {
    (d - due).num_days()
}

/// An aging bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Bucket {
    #[serde(rename = "not_due")]
    NotDue,
    #[serde(rename = "1-30")]
    D1To30,
    #[serde(rename = "31-60")]
    D31To60,
    #[serde(rename = "61-90")]
    D61To90,
    #[serde(rename = "91-120")]
    D91To120,
    #[serde(rename = "over_120")]
    Over120,
}

impl Bucket {
    /// Every bucket, youngest first.
    pub const ALL: [Bucket; 6] = [
        Bucket::NotDue,
        Bucket::D1To30,
        Bucket::D31To60,
        Bucket::D61To90,
        Bucket::D91To120,
        Bucket::Over120,
    ];

    /// The bucket of a days-past-due figure.
    pub fn of(days_past_due: i64) -> Bucket {
        match days_past_due {
            i64::MIN..=0 => Bucket::NotDue,
            1..=30 => Bucket::D1To30,
            31..=60 => Bucket::D31To60,
            61..=90 => Bucket::D61To90,
            91..=120 => Bucket::D91To120,
            _ => Bucket::Over120,
        }
    }

    /// The column label ("not due", "1-30" ...).
    pub fn label(self) -> &'static str {
        match self {
            Bucket::NotDue => "not due",
            Bucket::D1To30 => "1-30",
            Bucket::D31To60 => "31-60",
            Bucket::D61To90 => "61-90",
            Bucket::D91To120 => "91-120",
            Bucket::Over120 => "over 120",
        }
    }

    /// Position in [`Bucket::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// An exact fraction, shown rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    pub num: i128,
    pub den: i128,
}

impl Ratio {
    /// `num / den`, None when `den` is not positive.
    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        (den > 0).then_some(Ratio { num, den })
    }

    /// As a percentage with 2 decimals ("12.35").
    pub fn percent(self) -> String {
        fixed(div_round(self.num * 10_000, self.den), 2)
    }

    /// As a number with 1 decimal ("45.2"), e.g. DSO days.
    pub fn one_decimal(self) -> String {
        fixed(div_round(self.num * 10, self.den), 1)
    }
}

/// `v / 10^places` as text.
fn fixed(v: i128, places: u32) -> String {
    let scale = 10i128.pow(places);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.abs();
    format!(
        "{sign}{}.{:0width$}",
        a / scale,
        a % scale,
        width = places as usize
    )
}

/// Exposure at `d`: outstanding of every invoice in the base currency at `d`'s rates.
pub fn exposure(ledger: &Ledger, rates: &Rates, d: NaiveDate) -> Result<i64, MissingRate> {
    let mut total = 0;
    for inv in &ledger.invoices {
        let o = outstanding(ledger, inv, d);
        if o != 0 {
            total += rates.to_base(o, &inv.currency, d)?;
        }
    }
    Ok(total)
}

/// Invoiced (base, at `rate_date`'s rates) with issue date in `from..=to`.
pub fn invoiced(
    ledger: &Ledger,
    rates: &Rates,
    from: NaiveDate,
    to: NaiveDate,
    rate_date: NaiveDate,
) -> Result<i64, MissingRate> {
    let mut total = 0;
    for inv in ledger
        .invoices
        .iter()
        .filter(|i| i.issue_date >= from && i.issue_date <= to)
    {
        total += rates.to_base(inv.amount, &inv.currency, rate_date)?;
    }
    Ok(total)
}

/// Settlements of `kind` dated `from..=to`, in base at `rate_date`'s rates.
pub fn settled(
    ledger: &Ledger,
    rates: &Rates,
    kind: SettlementKind,
    from: NaiveDate,
    to: NaiveDate,
    rate_date: NaiveDate,
) -> Result<i64, MissingRate> {
    let mut total = 0;
    for inv in &ledger.invoices {
        for s in ledger.settlements_of(inv.id) {
            if s.kind == kind && s.date >= from && s.date <= to {
                total += rates.to_base(s.amount, &inv.currency, rate_date)?;
            }
        }
    }
    Ok(total)
}

/// DSO over `n` days at `d` = exposure ÷ invoiced in (d − n, d] × n (days).
pub fn dso(
    ledger: &Ledger,
    rates: &Rates,
    d: NaiveDate,
    n: u32,
) -> Result<Option<Ratio>, MissingRate> {
    let from = d - Days::new(u64::from(n)) + Days::new(1);
    let sales = invoiced(ledger, rates, from, d, d)?;
    let open = exposure(ledger, rates, d)?;
    Ok(Ratio::new(open as i128 * i128::from(n), sales as i128))
}

/// The denominator of the period rates: outstanding at `from` − 1 day + invoiced `from..=to`,
/// in base at `to`'s rates.
fn period_base(
    ledger: &Ledger,
    rates: &Rates,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, MissingRate> {
    let before = from - Days::new(1);
    let mut opening = 0;
    for inv in &ledger.invoices {
        let o = outstanding(ledger, inv, before);
        if o != 0 {
            opening += rates.to_base(o, &inv.currency, to)?;
        }
    }
    Ok(opening + invoiced(ledger, rates, from, to, to)?)
}

/// Collection rate for `from..=to`: payments in the period ÷ (opening outstanding + invoiced).
pub fn collection_rate(
    ledger: &Ledger,
    rates: &Rates,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<Ratio>, MissingRate> {
    let collected = settled(ledger, rates, SettlementKind::Payment, from, to, to)?;
    Ok(Ratio::new(
        collected as i128,
        period_base(ledger, rates, from, to)? as i128,
    ))
}

/// Bad-debt rate for `from..=to`: write-offs in the period ÷ (opening outstanding + invoiced).
pub fn bad_debt_rate(
    ledger: &Ledger,
    rates: &Rates,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<Ratio>, MissingRate> {
    let written = settled(ledger, rates, SettlementKind::WriteOff, from, to, to)?;
    Ok(Ratio::new(
        written as i128,
        period_base(ledger, rates, from, to)? as i128,
    ))
}

/// Credit-limit utilisation = exposure ÷ limit (both base minor units); None without a limit.
pub fn utilisation(exposure: i64, limit: i64) -> Option<Ratio> {
    Ratio::new(exposure as i128, limit as i128)
}

/// The date an invoice's outstanding first reached zero on or before `d` (None: still open).
pub fn settled_on(ledger: &Ledger, invoice: &Invoice, d: NaiveDate) -> Option<NaiveDate> {
    let mut dates: Vec<NaiveDate> = ledger
        .settlements_of(invoice.id)
        .map(|s| s.date)
        .filter(|x| *x <= d)
        .collect();
    dates.sort();
    dates.dedup();
    dates
        .into_iter()
        .find(|x| outstanding(ledger, invoice, *x) <= 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Settlement, SettlementKind};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn buckets_at_every_boundary() {
        let cases = [
            (-5, Bucket::NotDue),
            (0, Bucket::NotDue),
            (1, Bucket::D1To30),
            (30, Bucket::D1To30),
            (31, Bucket::D31To60),
            (60, Bucket::D31To60),
            (61, Bucket::D61To90),
            (90, Bucket::D61To90),
            (91, Bucket::D91To120),
            (120, Bucket::D91To120),
            (121, Bucket::Over120),
        ];
        for (dpd, bucket) in cases {
            assert_eq!(Bucket::of(dpd), bucket, "{dpd}");
        }
        // Calendar days across the leap day: 2028-02-28 → 2028-03-01 is 2 days.
        assert_eq!(days_past_due(d("2028-02-28"), d("2028-03-01")), 2);
    }

    #[test]
    fn outstanding_counts_settlements_up_to_the_date_only() {
        let inv = Invoice {
            id: 1,
            number: "I1".into(),
            customer_id: 1,
            currency: "USD".into(),
            amount: 10_000,
            issue_date: d("2028-01-10"),
            due_date: d("2028-02-09"),
            order_ref: None,
            salesperson: None,
        };
        let s = |kind, date: &str, amount| Settlement {
            invoice_id: 1,
            kind,
            reference: date.to_string(),
            date: d(date),
            amount,
            reason: None,
        };
        let ledger = Ledger::new(
            vec![inv.clone()],
            vec![
                s(SettlementKind::Payment, "2028-02-01", 3_000),
                s(SettlementKind::CreditNote, "2028-02-15", 1_000),
                s(SettlementKind::WriteOff, "2028-03-01", 6_000),
            ],
        );
        assert_eq!(
            outstanding(&ledger, &inv, d("2028-01-09")),
            0,
            "not issued yet"
        );
        assert_eq!(outstanding(&ledger, &inv, d("2028-01-31")), 10_000);
        assert_eq!(outstanding(&ledger, &inv, d("2028-02-01")), 7_000);
        assert_eq!(outstanding(&ledger, &inv, d("2028-02-15")), 6_000);
        assert_eq!(outstanding(&ledger, &inv, d("2028-03-01")), 0);
        assert_eq!(
            settled_on(&ledger, &inv, d("2028-03-31")),
            Some(d("2028-03-01"))
        );
        assert_eq!(Ratio::new(1, 3).unwrap().percent(), "33.33");
        assert_eq!(Ratio::new(2, 3).unwrap().percent(), "66.67");
        assert_eq!(Ratio::new(1, 0), None);
    }
}
