//! The credit scorecard (§5.1): indicators scored 0-100 — operations, finances, market
//! reputation and industry standing by finance, the payment record computed from the ledger —
//! weighted by `[credit.weights]` into a total, graded by `[credit.grades]` into
//! excellent / good / average / poor (优秀/良好/一般/较差), with every grade kept as history.
//!
//! Payment record at D, over the customer's invoices issued ≤ D that are either settled by D
//! or past due at D (open invoices not yet due are left out):
//! days late = settlement date − due date (≥ 0) for settled ones, days past due for open ones;
//! score = 100 − min(40, ⌊2 × average days late⌋) − min(30, ⌊30 × share late⌋)
//!             − min(30, ⌊longest delay ÷ 3⌋).
//! The total is Σ weight × score ÷ Σ weight over the indicators that have a score, rounded
//! half up; no indicator scored → no grade.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{audit, CreditConfig, CreditError};
use crate::ledger::figures;
use crate::ledger::money::div_round;
use crate::ledger::Ledger;

/// A scorecard indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    Operations,
    Finances,
    Reputation,
    Industry,
    PaymentRecord,
}

impl Indicator {
    /// All indicators, in card order.
    pub const ALL: [Indicator; 5] = [
        Indicator::Operations,
        Indicator::Finances,
        Indicator::Reputation,
        Indicator::Industry,
        Indicator::PaymentRecord,
    ];

    /// The key stored and shown.
    pub fn key(self) -> &'static str {
        match self {
            Indicator::Operations => "operations",
            Indicator::Finances => "finances",
            Indicator::Reputation => "reputation",
            Indicator::Industry => "industry",
            Indicator::PaymentRecord => "payment_record",
        }
    }

    /// The Chinese name (经营状况, 财务状况, 市场信誉, 行业地位, 付款记录).
    pub fn zh(self) -> &'static str {
        match self {
            Indicator::Operations => "经营状况",
            Indicator::Finances => "财务状况",
            Indicator::Reputation => "市场信誉",
            Indicator::Industry => "行业地位",
            Indicator::PaymentRecord => "付款记录",
        }
    }

    fn weight(self, c: &CreditConfig) -> u32 {
        let w = c.weights;
        match self {
            Indicator::Operations => w.operations,
            Indicator::Finances => w.finances,
            Indicator::Reputation => w.reputation,
            Indicator::Industry => w.industry,
            Indicator::PaymentRecord => w.payment_record,
        }
    }
}

/// A credit grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    Good,
    Average,
    Poor,
}

impl Grade {
    /// The stored key (as the registry's credit_rating vocabulary).
    pub fn key(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Good => "good",
            Grade::Average => "average",
            Grade::Poor => "poor",
        }
    }

    /// 优秀 / 良好 / 一般 / 较差
    pub fn zh(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Good => "良好",
            Grade::Average => "一般",
            Grade::Poor => "较差",
        }
    }

    /// The grade of a total score under the config's cut-offs.
    pub fn of(score: i64, c: &CreditConfig) -> Grade {
        let g = c.grades;
        if score >= i64::from(g.excellent) {
            Grade::Excellent
        } else if score >= i64::from(g.good) {
            Grade::Good
        } else if score >= i64::from(g.average) {
            Grade::Average
        } else {
            Grade::Poor
        }
    }

    /// Reads a stored key.
    pub fn from_key(s: &str) -> Option<Grade> {
        [Grade::Excellent, Grade::Good, Grade::Average, Grade::Poor]
            .into_iter()
            .find(|g| g.key() == s)
    }
}

/// The payment-record indicator and its inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRecord {
    /// Invoices considered (settled, or open and past due).
    pub invoices: usize,
    /// Of which paid (or still open) after the due date.
    pub late: usize,
    /// Sum of days late over the invoices considered.
    pub total_days_late: i64,
    /// Average days late, 1 decimal.
    pub average_days_late: String,
    /// Share paid late, percent with 2 decimals.
    pub share_late_percent: String,
    pub longest_delay_days: i64,
    pub score: i64,
}

/// The payment record of `ledger` (one customer's part) at `as_of`; None with no history.
pub fn payment_record(ledger: &Ledger, as_of: NaiveDate) -> Option<PaymentRecord> {
    let mut n = 0i64;
    let mut late = 0i64;
    let mut total = 0i64;
    let mut longest = 0i64;
    for inv in ledger.invoices.iter().filter(|i| i.issue_date <= as_of) {
        let days = match figures::settled_on(ledger, inv, as_of) {
            Some(d) => (d - inv.due_date).num_days().max(0),
            None => {
                let dpd = figures::days_past_due(inv.due_date, as_of);
                if dpd <= 0 {
                    continue;
                }
                dpd
            }
        };
        n += 1;
        total += days;
        if days > 0 {
            late += 1;
        }
        longest = longest.max(days);
    }
    if n == 0 {
        return None;
    }
    let p_avg = (2 * total / n).min(40);
    let p_share = (30 * late / n).min(30);
    let p_long = (longest / 3).min(30);
    Some(PaymentRecord {
        invoices: n as usize,
        late: late as usize,
        total_days_late: total,
        average_days_late: figures::Ratio::new(total.into(), n.into())
            .map(|r| r.one_decimal())
            .unwrap_or_default(),
        share_late_percent: figures::Ratio::new(late.into(), n.into())
            .map(|r| r.percent())
            .unwrap_or_default(),
        longest_delay_days: longest,
        score: 100 - p_avg - p_share - p_long,
    })
}

/// One indicator on the card.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorScore {
    pub indicator: Indicator,
    pub name_zh: &'static str,
    pub weight: u32,
    pub score: Option<i64>,
    /// "manual" (scored by finance), "ledger" (computed) or "missing".
    pub source: &'static str,
}

/// How a customer's grade was reached.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub customer: String,
    pub as_of: NaiveDate,
    pub indicators: Vec<IndicatorScore>,
    pub payment_record: Option<PaymentRecord>,
    pub total: Option<i64>,
    pub grade: Option<Grade>,
    pub grade_zh: Option<&'static str>,
}

/// The manual indicator scores of a customer.
pub fn manual_scores(conn: &Connection, customer_id: i64) -> rusqlite::Result<Vec<(String, i64)>> {
    conn.prepare("SELECT indicator, score FROM credit_indicator_scores WHERE customer_id = ?1")?
        .query_map([customer_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// Computes the scorecard of a customer at `as_of` from its manual scores and its ledger part.
pub fn compute(
    conn: &Connection,
    config: &CreditConfig,
    customer_id: i64,
    code: &str,
    ledger: &Ledger,
    as_of: NaiveDate,
) -> Result<Scorecard, CreditError> {
    let manual = manual_scores(conn, customer_id)?;
    let own = ledger.filtered(|i| i.customer_id == customer_id);
    let record = payment_record(&own, as_of);
    let mut indicators = Vec::new();
    let (mut num, mut den) = (0i128, 0i128);
    for ind in Indicator::ALL {
        let (score, source) = if ind == Indicator::PaymentRecord {
            match &record {
                Some(r) => (Some(r.score), "ledger"),
                None => (None, "missing"),
            }
        } else {
            match manual.iter().find(|(k, _)| k == ind.key()) {
                Some((_, s)) => (Some(*s), "manual"),
                None => (None, "missing"),
            }
        };
        let weight = ind.weight(config);
        if let Some(s) = score {
            num += i128::from(weight) * i128::from(s);
            den += i128::from(weight);
        }
        indicators.push(IndicatorScore {
            indicator: ind,
            name_zh: ind.zh(),
            weight,
            score,
            source,
        });
    }
    let total = (den > 0).then(|| div_round(num, den) as i64);
    let grade = total.map(|t| Grade::of(t, config));
    Ok(Scorecard {
        customer: code.to_string(),
        as_of,
        indicators,
        payment_record: record,
        total,
        grade,
        grade_zh: grade.map(Grade::zh),
    })
}

/// Records finance's scores for the manual indicators (0-100), each change in the audit trail.
pub fn set_scores(
    tx: &Connection,
    customer_id: i64,
    scores: &[(Indicator, i64)],
    actor: &str,
) -> Result<(), CreditError> {
    for (ind, score) in scores {
        if !(0..=100).contains(score) || *ind == Indicator::PaymentRecord {
            return Err(CreditError::BadScore {
                indicator: ind.key().to_string(),
                score: *score,
            });
        }
        let before: Option<i64> = tx
            .query_row(
                "SELECT score FROM credit_indicator_scores WHERE customer_id = ?1 AND indicator = ?2",
                params![customer_id, ind.key()],
                |r| r.get(0),
            )
            .optional()?;
        if before == Some(*score) {
            continue;
        }
        tx.execute(
            "INSERT OR REPLACE INTO credit_indicator_scores (customer_id, indicator, score, scored_at, actor)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![customer_id, ind.key(), score, crate::store::now(), actor],
        )?;
        audit(
            tx,
            customer_id,
            actor,
            &format!("credit_score.{}", ind.key()),
            before.map(|b| b.to_string()).as_deref(),
            Some(&score.to_string()),
        )?;
    }
    Ok(())
}

/// Keeps a graded card in the history (when score or grade changed since the last entry) and
/// sets the customer's credit rating to the grade (logged in the audit trail).
/// Returns whether a history entry was added.
pub fn record(
    tx: &Connection,
    customer_id: i64,
    card: &Scorecard,
    actor: &str,
) -> Result<bool, CreditError> {
    let (Some(total), Some(grade)) = (card.total, card.grade) else {
        return Ok(false);
    };
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT score, grade FROM credit_grades WHERE customer_id = ?1 ORDER BY id DESC LIMIT 1",
            [customer_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if last.as_ref() == Some(&(total, grade.key().to_string())) {
        return Ok(false);
    }
    let detail = serde_json::to_string(card).unwrap_or_default();
    tx.execute(
        "INSERT INTO credit_grades (customer_id, at, as_of, score, grade, detail, actor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            customer_id,
            crate::store::now(),
            card.as_of.to_string(),
            total,
            grade.key(),
            detail,
            actor
        ],
    )?;
    let rating: Option<String> = tx.query_row(
        "SELECT credit_rating FROM customers WHERE id = ?1",
        [customer_id],
        |r| r.get(0),
    )?;
    if rating.as_deref() != Some(grade.key()) {
        tx.execute(
            "UPDATE customers SET credit_rating = ?1, updated_at = ?2 WHERE id = ?3",
            params![grade.key(), crate::store::now(), customer_id],
        )?;
        audit(
            tx,
            customer_id,
            actor,
            "credit_rating",
            rating.as_deref(),
            Some(grade.key()),
        )?;
    }
    Ok(true)
}

/// One grade in a customer's history.
#[derive(Debug, Clone, Serialize)]
pub struct GradeEntry {
    pub at: String,
    pub as_of: String,
    pub score: i64,
    pub grade: String,
    pub actor: String,
}

/// The grade history of a customer, oldest first.
pub fn history(conn: &Connection, customer_id: i64) -> rusqlite::Result<Vec<GradeEntry>> {
    conn.prepare(
        "SELECT at, as_of, score, grade, actor FROM credit_grades WHERE customer_id = ?1 ORDER BY id",
    )?
    .query_map([customer_id], |r| {
        Ok(GradeEntry {
            at: r.get(0)?,
            as_of: r.get(1)?,
            score: r.get(2)?,
            grade: r.get(3)?,
            actor: r.get(4)?,
        })
    })?
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Invoice, Settlement, SettlementKind};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn inv(id: i64, due: &str) -> Invoice {
        Invoice {
            id,
            number: format!("I{id}"),
            customer_id: 1,
            currency: "USD".into(),
            amount: 1000,
            issue_date: d("2026-01-01"),
            due_date: d(due),
            order_ref: None,
            salesperson: None,
        }
    }

    fn pay(id: i64, date: &str, amount: i64) -> Settlement {
        Settlement {
            invoice_id: id,
            kind: SettlementKind::Payment,
            reference: format!("P{id}{date}"),
            date: d(date),
            amount,
            reason: None,
        }
    }

    #[test]
    fn payment_record_by_hand() {
        // I1 due 01-31, paid on time (01-30): 0 days late.
        // I2 due 02-28, paid 600 on 03-05 and 400 on 03-10: settled 03-10 → 10 days late.
        // I3 due 03-31, open at 04-30 → 30 days late.
        // I4 due 05-31, open, not yet due at 04-30 → left out.
        let ledger = Ledger::new(
            vec![
                inv(1, "2026-01-31"),
                inv(2, "2026-02-28"),
                inv(3, "2026-03-31"),
                inv(4, "2026-05-31"),
            ],
            vec![
                pay(1, "2026-01-30", 1000),
                pay(2, "2026-03-05", 600),
                pay(2, "2026-03-10", 400),
            ],
        );
        let r = payment_record(&ledger, d("2026-04-30")).unwrap();
        assert_eq!(
            (r.invoices, r.late, r.total_days_late, r.longest_delay_days),
            (3, 2, 40, 30)
        );
        assert_eq!(r.average_days_late, "13.3");
        assert_eq!(r.share_late_percent, "66.67");
        // 100 − min(40, ⌊80/3⌋ = 26) − min(30, ⌊60/3⌋ = 20) − min(30, 30/3 = 10) = 44
        assert_eq!(r.score, 44);
        // Before anything was due there is no record.
        assert!(payment_record(&ledger, d("2026-01-15")).is_none());
    }

    #[test]
    fn grades_follow_the_cut_offs() {
        let c = CreditConfig::default();
        assert_eq!(Grade::of(85, &c), Grade::Excellent);
        assert_eq!(Grade::of(84, &c), Grade::Good);
        assert_eq!(Grade::of(70, &c), Grade::Good);
        assert_eq!(Grade::of(50, &c), Grade::Average);
        assert_eq!(Grade::of(49, &c), Grade::Poor);
        assert_eq!(Grade::Poor.zh(), "较差");
    }
}
