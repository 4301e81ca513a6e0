//! §7 "from data, customer ratings and supervisor ratings": a manager's score per person and
//! period (`tradewind review`), customers' ratings (tickets and recorded surveys,
//! `tradewind survey`), and the weighted total of `[reports.weights]`.
//!
//! - data score = mean over the person's targets of min(attainment, 100 %) × 100;
//! - customer score = (mean rating − 1) × 25 (ratings 1-5 → 0-100);
//! - supervisor score = mean of the managers' scores (0-100) for the period;
//! - total = Σ weight × score ÷ Σ weight, over the parts that exist.

use rusqlite::{params, Connection};
use serde::Serialize;

use super::period::{Bounds, Period};
use super::{figure, Area, Calc, Evidence, Figure, KpiError, Scope, Unit};

/// A recorded manager's review.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub id: i64,
    pub login: String,
    pub period: String,
    pub score: f64,
}

/// Records (or replaces) `reviewer`'s score of `login` for `period`.
pub fn record_review(
    tx: &Connection,
    config: &crate::config::Config,
    login: &str,
    period: &str,
    score: f64,
    comment: Option<&str>,
    reviewer: &str,
) -> Result<Recorded, KpiError> {
    if !config.users.iter().any(|u| u.login.get_ref() == login) {
        return Err(KpiError::UnknownPerson(login.to_string()));
    }
    if !(0.0..=100.0).contains(&score) {
        return Err(KpiError::BadScore(score));
    }
    let p = Period::parse(period)?;
    tx.execute(
        "INSERT INTO kpi_reviews (login, period, score, comment, reviewer, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (login, period, reviewer) DO UPDATE
            SET score = excluded.score, comment = excluded.comment, at = excluded.at",
        params![
            login,
            p.label,
            score,
            comment,
            reviewer,
            crate::store::now()
        ],
    )?;
    let id = tx.query_row(
        "SELECT id FROM kpi_reviews WHERE login = ?1 AND period = ?2 AND reviewer = ?3",
        params![login, p.label, reviewer],
        |r| r.get(0),
    )?;
    Ok(Recorded {
        id,
        login: login.to_string(),
        period: p.label,
        score,
    })
}

/// Records a customer's rating (1-5) from a survey or a visit, dated `rated_at` (RFC 3339).
pub fn record_survey(
    tx: &Connection,
    customer_code: &str,
    score: i64,
    rated_at: &str,
    comment: Option<&str>,
    actor: &str,
) -> Result<i64, KpiError> {
    if !(1..=5).contains(&score) {
        return Err(KpiError::BadScore(score as f64));
    }
    let id = crate::ledger::customer_id(tx, customer_code)?;
    tx.execute(
        "INSERT INTO customer_ratings (customer_id, score, rated_at, comment, actor, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, score, rated_at, comment, actor, crate::store::now()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Rating figures of `scope` in `b`, from the figures computed so far.
pub fn figures(
    calc: &Calc,
    scope: &Scope,
    b: &Bounds,
    so_far: &[Figure],
) -> Result<Vec<Figure>, KpiError> {
    let get = |k: &str| so_far.iter().find(|f| f.key == k).and_then(|f| f.value);
    let attain: Vec<f64> = ["attainment_new_customers", "attainment_revenue"]
        .iter()
        .filter_map(|k| get(k))
        .map(|a| a.min(1.0) * 100.0)
        .collect();
    let data = (!attain.is_empty()).then(|| attain.iter().sum::<f64>() / attain.len() as f64);
    let customer = get("satisfaction").map(|s| (s - 1.0) * 25.0);
    let reviews: Vec<&super::data::Review> = calc
        .ds
        .reviews
        .iter()
        .filter(|r| scope.people.contains(&r.login) && r.period == b.label)
        .collect();
    let supervisor = (!reviews.is_empty())
        .then(|| reviews.iter().map(|r| r.score).sum::<f64>() / reviews.len() as f64);
    let w = calc.config.reports.weights;
    let parts = [
        (data, w.data),
        (customer, w.customer),
        (supervisor, w.supervisor),
    ];
    let weight: f64 = parts
        .iter()
        .filter(|(s, _)| s.is_some())
        .map(|(_, w)| w)
        .sum();
    let total = (weight > 0.0).then(|| {
        parts
            .iter()
            .filter_map(|(s, w)| s.map(|s| s * w))
            .sum::<f64>()
            / weight
    });
    let review_ev = reviews
        .iter()
        .map(|r| Evidence {
            kind: "review",
            id: format!("{} {}", r.login, r.period),
            detail: format!("{} by {}", r.score, r.reviewer),
        })
        .collect();
    let total_ev = vec![Evidence {
        kind: "score",
        id: "-".into(),
        detail: format!(
            "data {data:?} × {}, customer {customer:?} × {}, supervisor {supervisor:?} × {}",
            w.data, w.customer, w.supervisor
        ),
    }];
    Ok(vec![
        figure(Area::Ratings, "data_score", Unit::Score, data, Vec::new()),
        figure(
            Area::Ratings,
            "customer_score",
            Unit::Score,
            customer,
            Vec::new(),
        ),
        figure(
            Area::Ratings,
            "supervisor_score",
            Unit::Score,
            supervisor,
            review_ev,
        ),
        figure(Area::Ratings, "total_score", Unit::Score, total, total_ev),
    ])
}
