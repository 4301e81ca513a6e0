//! `tradewind ar statement C --as-of D`: a customer's statement of account (§5 receivables
//! ledger): every invoice, payment, credit note and write-off dated ≤ D in date order with a
//! running balance per currency, then the open invoices with their days past due.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

use super::figures;
use super::money::{decimal, format};
use super::{Ledger, SettlementKind};

/// One movement on the account.
#[derive(Debug, Clone, Serialize)]
pub struct StatementLine {
    pub date: NaiveDate,
    /// invoice | payment | credit_note | write_off
    pub kind: &'static str,
    pub reference: String,
    pub invoice: String,
    pub currency: String,
    /// Positive for invoices, negative for what reduces the balance.
    pub amount_minor: i64,
    pub balance_minor: i64,
    pub amount: String,
    pub balance: String,
}

/// One open invoice at the statement date.
#[derive(Debug, Clone, Serialize)]
pub struct OpenItem {
    pub invoice: String,
    pub order_ref: Option<String>,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_minor: i64,
    pub outstanding_minor: i64,
    pub days_past_due: i64,
}

/// A statement of account.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub customer: String,
    pub customer_name: String,
    pub as_of: NaiveDate,
    pub lines: Vec<StatementLine>,
    pub open: Vec<OpenItem>,
    /// Closing balance per currency (= the sum of the open items' outstanding).
    pub balance_minor: BTreeMap<String, i64>,
}

/// Builds the statement of `ledger` (one customer's part) at `as_of`.
pub fn build(ledger: &Ledger, code: &str, name: &str, as_of: NaiveDate) -> Statement {
    let mut moves: Vec<(NaiveDate, u8, &'static str, String, String, String, i64)> = Vec::new();
    for inv in ledger.invoices.iter().filter(|i| i.issue_date <= as_of) {
        moves.push((
            inv.issue_date,
            0,
            "invoice",
            inv.number.clone(),
            inv.number.clone(),
            inv.currency.clone(),
            inv.amount,
        ));
        for s in ledger.settlements_of(inv.id).filter(|s| s.date <= as_of) {
            let kind = match s.kind {
                SettlementKind::Payment => "payment",
                SettlementKind::CreditNote => "credit_note",
                SettlementKind::WriteOff => "write_off",
            };
            moves.push((
                s.date,
                1,
                kind,
                s.reference.clone(),
                inv.number.clone(),
                inv.currency.clone(),
                -s.amount,
            ));
        }
    }
    moves.sort_by(|a, b| (a.0, a.1, &a.3, &a.4).cmp(&(b.0, b.1, &b.3, &b.4)));
    let mut balance: BTreeMap<String, i64> = BTreeMap::new();
    let lines = moves
        .into_iter()
        .map(|(date, _, kind, reference, invoice, currency, amount)| {
            let b = balance.entry(currency.clone()).or_default();
            *b += amount;
            StatementLine {
                date,
                kind,
                reference,
                invoice,
                amount: decimal(amount, &currency),
                balance: decimal(*b, &currency),
                currency,
                amount_minor: amount,
                balance_minor: *b,
            }
        })
        .collect();
    let open = ledger
        .invoices
        .iter()
        .filter_map(|inv| {
            let out = figures::outstanding(ledger, inv, as_of);
            (out != 0).then(|| OpenItem {
                invoice: inv.number.clone(),
                order_ref: inv.order_ref.clone(),
                currency: inv.currency.clone(),
                issue_date: inv.issue_date,
                due_date: inv.due_date,
                amount_minor: inv.amount,
                outstanding_minor: out,
                days_past_due: figures::days_past_due(inv.due_date, as_of),
            })
        })
        .collect();
    Statement {
        customer: code.to_string(),
        customer_name: name.to_string(),
        as_of,
        lines,
        open,
        balance_minor: balance,
    }
}

/// The statement as text.
pub fn render_text(s: &Statement) -> String {
    let mut out = format!(
        "Statement of account — {} {} — as of {}\n\n",
        s.customer, s.customer_name, s.as_of
    );
    let rows: Vec<Vec<String>> = s
        .lines
        .iter()
        .map(|l| {
            vec![
                l.date.to_string(),
                l.kind.replace('_', " "),
                l.reference.clone(),
                l.invoice.clone(),
                l.currency.clone(),
                format(l.amount_minor, &l.currency),
                format(l.balance_minor, &l.currency),
            ]
        })
        .collect();
    out.push_str(&crate::cli::table::render(
        &[
            "date",
            "type",
            "reference",
            "invoice",
            "currency",
            "amount",
            "balance",
        ],
        &rows,
    ));
    out.push_str("\nOpen invoices\n");
    let rows: Vec<Vec<String>> = s
        .open
        .iter()
        .map(|o| {
            vec![
                o.invoice.clone(),
                o.order_ref.clone().unwrap_or_default(),
                o.issue_date.to_string(),
                o.due_date.to_string(),
                o.currency.clone(),
                format(o.amount_minor, &o.currency),
                format(o.outstanding_minor, &o.currency),
                o.days_past_due.to_string(),
            ]
        })
        .collect();
    out.push_str(&crate::cli::table::render(
        &[
            "invoice",
            "order",
            "issued",
            "due",
            "currency",
            "amount",
            "outstanding",
            "days past due",
        ],
        &rows,
    ));
    for (cur, b) in &s.balance_minor {
        out.push_str(&format!("Balance {cur}: {}\n", format(*b, cur)));
    }
    out
}
