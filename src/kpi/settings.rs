//! `[reports]` in tradewind.toml: the settings of the §7 performance figures — the time zone
//! periods are cut in, churn windows, scale-class thresholds (§2.1), targets per person and
//! period (§3 yearly targets, §7 attainment), the weights of the total (§7 "from data,
//! customer ratings and supervisor ratings") and who gets the report by email.

use serde::Deserialize;

use crate::ledger::money::parse_amount;

/// The `[reports]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportsConfig {
    /// IANA zone periods are cut in (e.g. "Asia/Shanghai"); default: `[work_hours] utc_offset`.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Churn: customers invoiced in the last `churn_lookback_months` ...
    #[serde(default = "default_lookback")]
    pub churn_lookback_months: u32,
    /// ... but not in the last `churn_quiet_months` (before the period's end).
    #[serde(default = "default_quiet")]
    pub churn_quiet_months: u32,
    /// Scale class (§2.1) from trailing-12-month purchases; off without this table.
    #[serde(default)]
    pub scale: Option<ScaleThresholds>,
    /// Weights of the total score (§7): data, customer rating, supervisor rating.
    #[serde(default)]
    pub weights: Weights,
    /// Targets per person and period (attainment).
    #[serde(default)]
    pub targets: Vec<Target>,
    /// The emailed report; off without this table.
    #[serde(default)]
    pub mail: Option<MailConfig>,
}

impl Default for ReportsConfig {
    fn default() -> Self {
        ReportsConfig {
            timezone: None,
            churn_lookback_months: default_lookback(),
            churn_quiet_months: default_quiet(),
            scale: None,
            weights: Weights::default(),
            targets: Vec::new(),
            mail: None,
        }
    }
}

fn default_lookback() -> u32 {
    12
}
fn default_quiet() -> u32 {
    6
}

/// Trailing-12-month purchases (base currency, decimal text) at or above which a customer is
/// large or medium; below `medium` it is small.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleThresholds {
    pub large: String,
    pub medium: String,
}

/// Weights of the three parts of the total (any non-negative numbers; normalised over the
/// parts a person has).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    #[serde(default = "w_data")]
    pub data: f64,
    #[serde(default = "w_rest")]
    pub customer: f64,
    #[serde(default = "w_rest")]
    pub supervisor: f64,
}

fn w_data() -> f64 {
    50.0
}
fn w_rest() -> f64 {
    25.0
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            data: w_data(),
            customer: w_rest(),
            supervisor: w_rest(),
        }
    }
}

/// A target of one person for one period.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// User login.
    pub person: String,
    /// 2026-10, 2026-Q4 or 2026.
    pub period: String,
    #[serde(default)]
    pub new_customers: Option<u32>,
    /// Revenue in the base currency, decimal text ("50000.00").
    #[serde(default)]
    pub revenue: Option<String>,
}

/// `[reports.mail]`: the report emailed after each period closes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// Logins or addresses; default: every user with role manager.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Which periods: "month", "quarter", "year" (default: all three).
    #[serde(default = "default_periods")]
    pub periods: Vec<String>,
    /// The mailbox it is sent from (default: the internal mailbox of `[feeds]`).
    #[serde(default)]
    pub mailbox: Option<String>,
}

fn default_periods() -> Vec<String> {
    ["month", "quarter", "year"].map(String::from).to_vec()
}

impl ReportsConfig {
    /// What serde cannot check: (key, message).
    pub fn check(&self, base_currency: &str) -> Result<(), (String, String)> {
        if let Some(tz) = &self.timezone {
            super::period::Zone::from_config(Some(tz), "+00:00")
                .map_err(|m| ("timezone".to_string(), m))?;
        }
        if self.churn_quiet_months == 0 || self.churn_quiet_months >= self.churn_lookback_months {
            return Err((
                "churn_quiet_months".into(),
                "must be at least 1 and less than churn_lookback_months".into(),
            ));
        }
        if let Some(s) = &self.scale {
            let large =
                parse_amount(&s.large, base_currency).map_err(|m| ("scale.large".into(), m))?;
            let medium =
                parse_amount(&s.medium, base_currency).map_err(|m| ("scale.medium".into(), m))?;
            if medium > large {
                return Err((
                    "scale.medium".into(),
                    "must not be more than scale.large".into(),
                ));
            }
        }
        let w = self.weights;
        if [w.data, w.customer, w.supervisor]
            .iter()
            .any(|x| !x.is_finite() || *x < 0.0)
            || w.data + w.customer + w.supervisor <= 0.0
        {
            return Err((
                "weights".into(),
                "weights must be non-negative and not all zero".into(),
            ));
        }
        for t in &self.targets {
            super::period::Period::parse(&t.period)
                .map_err(|e| ("targets.period".to_string(), e.to_string()))?;
            if let Some(r) = &t.revenue {
                parse_amount(r, base_currency).map_err(|m| ("targets.revenue".to_string(), m))?;
            }
        }
        if let Some(m) = &self.mail {
            for p in &m.periods {
                if !["month", "quarter", "year"].contains(&p.as_str()) {
                    return Err((
                        "mail.periods".into(),
                        format!("'{p}' is not one of month, quarter, year"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Scale thresholds in base minor units: (large, medium).
    pub fn scale_minor(&self, base_currency: &str) -> Option<(i64, i64)> {
        let s = self.scale.as_ref()?;
        Some((
            parse_amount(&s.large, base_currency).ok()?,
            parse_amount(&s.medium, base_currency).ok()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_checks() {
        let c: ReportsConfig = toml::from_str("").unwrap();
        assert_eq!((c.churn_lookback_months, c.churn_quiet_months), (12, 6));
        assert!(c.check("CNY").is_ok());
        let c: ReportsConfig = toml::from_str(
            "timezone = \"Asia/Shanghai\"\n[scale]\nlarge = \"1000000\"\nmedium = \"200000\"\n",
        )
        .unwrap();
        assert_eq!(c.scale_minor("CNY"), Some((100_000_000, 20_000_000)));
        let bad: ReportsConfig = toml::from_str("timezone = \"Asia/Nowhere\"").unwrap();
        assert_eq!(bad.check("CNY").unwrap_err().0, "timezone");
        let bad: ReportsConfig =
            toml::from_str("[scale]\nlarge = \"100\"\nmedium = \"200\"").unwrap();
        assert_eq!(bad.check("CNY").unwrap_err().0, "scale.medium");
        let bad: ReportsConfig = toml::from_str("[mail]\nperiods = [\"week\"]").unwrap();
        assert_eq!(bad.check("CNY").unwrap_err().0, "mail.periods");
        assert!(toml::from_str::<ReportsConfig>("colour = 1").is_err());
    }
}
