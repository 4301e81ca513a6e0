//! Exchange rates by date (§5 exposure in the base currency): exact decimal rates, looked up
//! as "the latest rate dated on or before D" from the `exchange_rates` table (filled by
//! `tradewind import rates FILE`), falling back to the fixed rates of `[credit.rates]`.

use chrono::NaiveDate;
use std::collections::BTreeMap;

use super::money::{div_round, minor_units};

/// Decimal places a rate may have.
pub const RATE_SCALE: u32 = 8;

/// Base-currency units per one unit of a currency, exact to 8 decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(i128);

impl Rate {
    /// One to one (the base currency itself).
    pub const ONE: Rate = Rate(10i128.pow(RATE_SCALE));

    /// Reads "7.1234" (up to 8 decimals, positive).
    pub fn parse(text: &str) -> Result<Rate, String> {
        let t = text.trim();
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        let ok = !int.is_empty()
            && int.chars().all(|c| c.is_ascii_digit())
            && frac.chars().all(|c| c.is_ascii_digit());
        let frac = frac.trim_end_matches('0');
        if !ok || frac.len() > RATE_SCALE as usize {
            return Err(format!(
                "'{t}' is not a rate; expected a positive decimal with at most {RATE_SCALE} places, e.g. 7.1234"
            ));
        }
        let scale = RATE_SCALE as usize;
        let value: i128 = format!("{int}{frac:0<scale$}")
            .parse()
            .map_err(|_| format!("'{t}' is too large for a rate"))?;
        if value == 0 {
            return Err(format!("'{t}': a rate must be more than zero"));
        }
        Ok(Rate(value))
    }

    /// The rate as decimal text without trailing zeros.
    pub fn text(self) -> String {
        let scale = 10i128.pow(RATE_SCALE);
        let frac = format!("{:0width$}", self.0 % scale, width = RATE_SCALE as usize);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            format!("{}", self.0 / scale)
        } else {
            format!("{}.{frac}", self.0 / scale)
        }
    }

    /// `amount` minor units of `from` in minor units of `base`, rounded half away from zero.
    pub fn convert(self, amount: i64, from: &str, base: &str) -> i64 {
        let num = amount as i128 * self.0 * 10i128.pow(minor_units(base));
        let den = 10i128.pow(minor_units(from)) * 10i128.pow(RATE_SCALE);
        div_round(num, den) as i64
    }
}

/// No rate is known for a currency at a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no exchange rate for {currency} on or before {date} (import one with `tradewind import rates FILE` or set [credit.rates] {currency} = \"...\")")]
pub struct MissingRate {
    pub currency: String,
    pub date: NaiveDate,
}

/// All known rates: dated rates per currency, and fixed fallbacks.
#[derive(Debug, Clone, Default)]
pub struct Rates {
    pub base: String,
    dated: BTreeMap<String, BTreeMap<NaiveDate, Rate>>,
    fixed: BTreeMap<String, Rate>,
}

impl Rates {
    /// Rates into `base` with no rates known yet.
    pub fn new(base: &str) -> Rates {
        Rates {
            base: base.to_string(),
            ..Rates::default()
        }
    }

    /// Adds a rate valid from `date` on.
    pub fn add(&mut self, currency: &str, date: NaiveDate, rate: Rate) {
        self.dated
            .entry(currency.to_string())
            .or_default()
            .insert(date, rate);
    }

    /// Sets the rate used when no dated rate is on or before the date asked.
    pub fn set_fixed(&mut self, currency: &str, rate: Rate) {
        self.fixed.insert(currency.to_string(), rate);
    }

    /// The rate of `currency` on `date`: the latest dated rate on or before it, else the fixed one.
    pub fn rate(&self, currency: &str, date: NaiveDate) -> Result<Rate, MissingRate> {
        if currency == self.base {
            return Ok(Rate::ONE);
        }
        self.dated
            .get(currency)
            .and_then(|m| m.range(..=date).next_back().map(|(_, r)| *r))
            .or_else(|| self.fixed.get(currency).copied())
            .ok_or_else(|| MissingRate {
                currency: currency.to_string(),
                date,
            })
    }

    /// `amount` of `currency` in base minor units at the rate on `date`.
    pub fn to_base(
        &self,
        amount: i64,
        currency: &str,
        date: NaiveDate,
    ) -> Result<i64, MissingRate> {
        Ok(self
            .rate(currency, date)?
            .convert(amount, currency, &self.base))
    }

    /// Loads the `exchange_rates` table and the config's fixed rates.
    pub fn load(
        conn: &rusqlite::Connection,
        base: &str,
        fixed: &BTreeMap<String, String>,
    ) -> Result<Rates, super::LedgerError> {
        let mut rates = Rates::new(base);
        for (currency, text) in fixed {
            let rate = Rate::parse(text).map_err(|reason| super::LedgerError::Config {
                key: format!("credit.rates.{currency}"),
                reason,
            })?;
            rates.set_fixed(currency, rate);
        }
        let mut stmt = conn.prepare("SELECT currency, date, rate FROM exchange_rates")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (currency, date, text) = row?;
            let date = super::parse_stored_date(&date)?;
            let rate = Rate::parse(&text).map_err(|reason| super::LedgerError::Config {
                key: format!("exchange_rates {currency} {date}"),
                reason,
            })?;
            rates.add(&currency, date, rate);
        }
        Ok(rates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn converts_exactly_between_minor_units() {
        let usd = Rate::parse("7.1234").unwrap();
        // 100.00 USD → 712.34 CNY
        assert_eq!(usd.convert(10_000, "USD", "CNY"), 71_234);
        // 0.01 USD × 7.1234 = 0.071234 CNY → 0.07
        assert_eq!(usd.convert(1, "USD", "CNY"), 7);
        let jpy = Rate::parse("0.0475").unwrap();
        // 10,000 JPY → 475.00 CNY
        assert_eq!(jpy.convert(10_000, "JPY", "CNY"), 47_500);
        assert_eq!(usd.text(), "7.1234");
        assert!(Rate::parse("7.123456789").is_err());
        assert!(Rate::parse("-1").is_err());
    }

    #[test]
    fn latest_rate_on_or_before_the_date_then_fixed() {
        let mut r = Rates::new("CNY");
        r.set_fixed("USD", Rate::parse("7").unwrap());
        r.add("USD", d("2026-01-01"), Rate::parse("7.1").unwrap());
        r.add("USD", d("2026-02-01"), Rate::parse("7.2").unwrap());
        assert_eq!(r.rate("USD", d("2025-12-31")).unwrap().text(), "7");
        assert_eq!(r.rate("USD", d("2026-01-31")).unwrap().text(), "7.1");
        assert_eq!(r.rate("USD", d("2026-02-01")).unwrap().text(), "7.2");
        assert_eq!(r.rate("CNY", d("2026-02-01")).unwrap(), Rate::ONE);
        assert!(r.rate("EUR", d("2026-02-01")).is_err());
    }
}
