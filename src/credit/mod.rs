//! Credit control (§5 客户信用管理): the scorecard and grades ([`scorecard`]), credit limits,
//! the status list and the credit hold ([`control`]), and the payment-fraud watch on inbound
//! mail ([`fraud`]).

pub mod control;
pub mod daemon_task;
pub mod fraud;
pub mod scorecard;

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::ledger::money::parse_currency;
use crate::ledger::rates::Rate;

/// The `[credit]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditConfig {
    /// The currency exposure, limits and reports are expressed in (ISO 4217).
    #[serde(default = "default_base")]
    pub base_currency: String,
    /// Fixed rates (base units per unit, as decimal strings) used when `import rates` has no
    /// rate dated on or before the date asked.
    #[serde(default)]
    pub rates: BTreeMap<String, String>,
    /// A customer with an invoice more than this many days past due goes on credit hold (§5.3).
    #[serde(default = "default_hold_days")]
    pub hold_overdue_days: u32,
    /// Months between credit reviews (a limit's review date when none is given).
    #[serde(default = "default_review_months")]
    pub review_months: u32,
    /// Weight of each scorecard indicator (any non-negative integers; normalised over the
    /// indicators that have a score).
    #[serde(default)]
    pub weights: Weights,
    /// Minimum total score (0-100) for each grade; below `average` is poor.
    #[serde(default)]
    pub grades: Cutoffs,
    /// Credit limit as a percentage of trailing-12-month purchases, per grade.
    #[serde(default)]
    pub limit_percent: LimitPercent,
    /// Seconds between risk-watch passes in `tradewind run` (0: off).
    #[serde(default = "default_watch_interval")]
    pub watch_interval_secs: u64,
}

impl Default for CreditConfig {
    fn default() -> Self {
        CreditConfig {
            base_currency: default_base(),
            rates: BTreeMap::new(),
            hold_overdue_days: default_hold_days(),
            review_months: default_review_months(),
            weights: Weights::default(),
            grades: Cutoffs::default(),
            limit_percent: LimitPercent::default(),
            watch_interval_secs: default_watch_interval(),
        }
    }
}

fn default_base() -> String {
    "CNY".into()
}
fn default_hold_days() -> u32 {
    30
}
fn default_review_months() -> u32 {
    12
}
fn default_watch_interval() -> u64 {
    3600
}

/// Scorecard weights (§5.1: operations, finances, reputation, industry standing; plus the
/// payment record computed from the ledger).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    pub operations: u32,
    pub finances: u32,
    pub reputation: u32,
    pub industry: u32,
    pub payment_record: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            operations: 20,
            finances: 20,
            reputation: 15,
            industry: 15,
            payment_record: 30,
        }
    }
}

/// Grade cut-offs on the 0-100 total score.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Cutoffs {
    pub excellent: u32,
    pub good: u32,
    pub average: u32,
}

impl Default for Cutoffs {
    fn default() -> Self {
        Cutoffs {
            excellent: 85,
            good: 70,
            average: 50,
        }
    }
}

/// Limit = trailing-12-month purchases × this percentage, per grade.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitPercent {
    pub excellent: u32,
    pub good: u32,
    pub average: u32,
    pub poor: u32,
}

impl Default for LimitPercent {
    fn default() -> Self {
        LimitPercent {
            excellent: 30,
            good: 20,
            average: 10,
            poor: 0,
        }
    }
}

impl CreditConfig {
    /// Checks the section; the error is (key, message).
    pub fn check(&self) -> Result<(), (String, String)> {
        match parse_currency(&self.base_currency) {
            Ok(c) if c == self.base_currency => {}
            _ => {
                return Err((
                    "base_currency".into(),
                    format!(
                        "'{}' is not an upper-case ISO 4217 code such as CNY",
                        self.base_currency
                    ),
                ))
            }
        }
        for (currency, rate) in &self.rates {
            Rate::parse(rate).map_err(|m| (format!("rates.{currency}"), m))?;
        }
        let g = self.grades;
        if !(g.excellent > g.good && g.good > g.average && g.excellent <= 100) {
            return Err((
                "grades".into(),
                "cut-offs must satisfy 100 >= excellent > good > average".into(),
            ));
        }
        let w = self.weights;
        if w.operations + w.finances + w.reputation + w.industry + w.payment_record == 0 {
            return Err((
                "weights".into(),
                "at least one weight must be above 0".into(),
            ));
        }
        Ok(())
    }
}

/// A credit problem outside an import row.
#[derive(Debug, thiserror::Error)]
pub enum CreditError {
    #[error("no customer with code '{0}'")]
    UnknownCustomer(String),
    #[error("{indicator}: score {score} is outside 0-100")]
    BadScore { indicator: String, score: i64 },
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    #[error(transparent)]
    Rate(#[from] crate::ledger::rates::MissingRate),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// Writes one change to the customer's audit trail (the same `audit_log` the registry uses).
pub fn audit(
    tx: &rusqlite::Connection,
    customer_id: i64,
    actor: &str,
    field: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, customer_id, field, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![crate::store::now(), actor, customer_id, field, before, after],
    )?;
    Ok(())
}
