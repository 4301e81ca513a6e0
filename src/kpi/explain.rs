//! Every figure's name and definition, and `--explain FIGURE`: the messages, tickets,
//! invoices, customers or reviews behind a figure, per scope.

use serde::Serialize;

use super::{Evidence, KpiError, KpiReport};

/// (key, label, definition) of every figure, in report order.
pub const FIGURES: &[(&str, &str, &str)] = &[
    ("new_customers", "New customers 新客户", "customers whose relationship began in the period: the earlier of their creation in the registry and their first two-way correspondence"),
    ("leads_promoted", "Leads promoted 线索转化", "customers created by `leads promote` in the period"),
    ("active_growth", "Active-customer growth 活跃客户增长率", "(active customers − active customers of the previous period) ÷ active customers of the previous period"),
    ("attainment_new_customers", "Target attainment, new customers 新客户目标达成率", "new customers ÷ the [reports] target for the person and period (teams: the sum of their members' targets)"),
    ("attainment_revenue", "Target attainment, revenue 销售目标达成率", "revenue ÷ the [reports] revenue target for the person and period"),
    ("active_customers", "Active customers 活跃客户", "customers with two-way correspondence in the period: a customer message and one of ours filed under them (machine mail ignored)"),
    ("first_response_median", "First response, median 首次回复中位数", "per thread, from the first customer message after our last reply to our next reply, in working hours; auto-replies, notifications, lists, no-reply senders and thank-yous start no wait; nearest-rank median of the waits starting in the period"),
    ("first_response_p90", "First response, 90th percentile 首次回复P90", "as the median, the nearest-rank 90th percentile"),
    ("unanswered_24h", "Unanswered > 24 working h 超24工时未回复", "customer messages of the period still without our reply at the period's end (or now), waiting at least 24 working hours"),
    ("unanswered_48h", "Unanswered > 48 working h 超48工时未回复", "as above, at least 48 working hours"),
    ("followup_compliance", "Follow-up compliance 回访合规率", "share of the customers with a follow-up rule (whose relationship had begun) whose last mail from us is within their class's cycle (every_days) at the period's end"),
    ("complaint_rate", "Complaint rate 投诉率", "tickets opened in the period (not rejected) ÷ active customers"),
    ("mtta", "Mean time to acknowledge 平均确认时间", "mean working hours from a ticket's opening to its acknowledgement, tickets opened in the period"),
    ("mttr", "Mean time to resolve 平均解决时间", "mean working hours from opening to resolution, tickets opened in the period"),
    ("sla_breach_rate", "SLA breach rate 超时率", "tickets opened in the period that missed an SLA stage (acknowledge, plan, resolve) ÷ tickets opened in the period"),
    ("churn_rate", "Churn rate 流失率", "customers invoiced in the churn_lookback_months (12) before the period's end but not in the last churn_quiet_months (6) ÷ customers invoiced in the 12 months"),
    ("satisfaction", "Satisfaction 满意度", "mean customer rating (1-5) in the period: ticket ratings (when rated) and recorded surveys"),
    ("revenue", "Revenue 销售额", "invoices issued in the period, in the base currency at the rate of the period's last day"),
    ("invoice_count", "Invoices 发票数", "invoices issued in the period"),
    ("revenue_growth", "Revenue growth 销售增长率", "(revenue − previous period's revenue) ÷ previous period's revenue"),
    ("credit_utilisation", "Credit-limit utilisation 信用额度使用率", "exposure of customers with a credit limit ÷ their limits, at the period's last day (ledger::figures)"),
    ("collection_rate", "Collection rate 回款率", "payments in the period ÷ (outstanding the day before + invoiced in the period) (ledger::figures)"),
    ("dso", "DSO 应收账款周转天数", "exposure at the period's last day ÷ invoiced in the 90 days before × 90 (ledger::figures)"),
    ("overdue_ratio", "Overdue ratio 逾期比例", "outstanding past its due date ÷ exposure, at the period's last day"),
    ("bad_debt_rate", "Bad-debt rate 坏账率", "write-offs in the period ÷ (outstanding the day before + invoiced in the period) (ledger::figures)"),
    ("data_score", "Data score 数据得分", "mean over the targets of min(attainment, 100 %) × 100"),
    ("customer_score", "Customer score 客户评分", "(satisfaction − 1) × 25: ratings 1-5 as 0-100"),
    ("supervisor_score", "Supervisor score 上级评分", "mean of the managers' scores (0-100) for the period (`tradewind review`)"),
    ("total_score", "Total score 综合得分", "Σ weight × score ÷ Σ weight over the data, customer and supervisor scores that exist ([reports.weights])"),
];

/// The label of figure `key`.
pub fn label(key: &str) -> &'static str {
    FIGURES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("?", |(_, l, _)| l)
}

/// The definition of figure `key`.
pub fn definition(key: &str) -> &'static str {
    FIGURES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("", |(_, _, d)| d)
}

/// One scope's explanation of a figure.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    pub scope: String,
    pub figure: String,
    pub definition: String,
    pub value: String,
    pub records: Vec<Evidence>,
}

/// The records behind `key` in every scope of `report`.
pub fn explain(report: &KpiReport, key: &str) -> Result<Vec<Explained>, KpiError> {
    if !FIGURES.iter().any(|(k, _, _)| *k == key) {
        let all: Vec<&str> = FIGURES.iter().map(|(k, _, _)| *k).collect();
        return Err(KpiError::UnknownFigure(key.to_string(), all.join(", ")));
    }
    Ok(report
        .scopes
        .iter()
        .filter_map(|s| {
            s.figure(key).map(|f| Explained {
                scope: format!("{} {}", s.kind, s.key),
                figure: key.to_string(),
                definition: definition(key).to_string(),
                value: f.value_text.clone(),
                records: f.evidence.clone(),
            })
        })
        .collect())
}

/// `explained` as plain text.
pub fn to_text(explained: &[Explained]) -> String {
    let mut out = String::new();
    for e in explained {
        out.push_str(&format!(
            "{} — {} = {}\n  ({})\n",
            e.scope, e.figure, e.value, e.definition
        ));
        if e.records.is_empty() {
            out.push_str("  (no records)\n");
        }
        for r in &e.records {
            out.push_str(&format!("  {} {}: {}\n", r.kind, r.id, r.detail));
        }
    }
    out
}
