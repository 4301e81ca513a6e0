//! The receivables ledger (§5 客户信用管理: "a receivables ledger (date, amount, due date,
//! collection state)"): invoices, payments allocated to invoices, credit notes, write-offs
//! and exchange rates, imported from the accounting system's exports.
//!
//! Money is integer minor units of the invoice currency ([`money`]); every figure is defined
//! once, in [`figures`].

pub mod aging;
pub mod figures;
pub mod import;
pub mod money;
pub mod rates;
pub mod statement;
pub mod terms;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;

/// A ledger problem that is not a bad row of an import.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("no customer with code '{0}'")]
    UnknownCustomer(String),
    #[error("{key}: {reason}")]
    Config { key: String, reason: String },
    #[error("stored date '{0}' is not YYYY-MM-DD")]
    BadStoredDate(String),
    #[error(transparent)]
    Rate(#[from] rates::MissingRate),
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// One invoice as the figures see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub currency: String,
    /// Minor units of `currency`.
    pub amount: i64,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// Order / PI / PO reference.
    pub order_ref: Option<String>,
    pub salesperson: Option<String>,
}

/// What reduced an invoice's outstanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementKind {
    Payment,
    CreditNote,
    WriteOff,
}

impl SettlementKind {
    /// The key used in output.
    pub fn key(self) -> &'static str {
        match self {
            SettlementKind::Payment => "payment",
            SettlementKind::CreditNote => "credit_note",
            SettlementKind::WriteOff => "write_off",
        }
    }
}

/// A payment allocation, credit note or write-off against one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settlement {
    pub invoice_id: i64,
    pub kind: SettlementKind,
    /// Payment reference, credit-note number or write-off reference.
    pub reference: String,
    pub date: NaiveDate,
    /// Minor units of the invoice's currency.
    pub amount: i64,
    pub reason: Option<String>,
}

/// Invoices and their settlements, in memory, for the figures.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub invoices: Vec<Invoice>,
    settlements: HashMap<i64, Vec<Settlement>>,
}

impl Ledger {
    /// A ledger from parts (tests build one by hand).
    pub fn new(invoices: Vec<Invoice>, settlements: Vec<Settlement>) -> Ledger {
        let mut by_invoice: HashMap<i64, Vec<Settlement>> = HashMap::new();
        for s in settlements {
            by_invoice.entry(s.invoice_id).or_default().push(s);
        }
        for list in by_invoice.values_mut() {
            list.sort_by(|a, b| a.date.cmp(&b.date).then(a.reference.cmp(&b.reference)));
        }
        Ledger {
            invoices,
            settlements: by_invoice,
        }
    }

    /// Settlements of one invoice, oldest first.
    pub fn settlements_of(&self, invoice_id: i64) -> impl Iterator<Item = &Settlement> {
        self.settlements.get(&invoice_id).into_iter().flatten()
    }

    /// The part of the ledger whose invoices pass `keep`.
    pub fn filtered(&self, keep: impl Fn(&Invoice) -> bool) -> Ledger {
        let invoices: Vec<Invoice> = self.invoices.iter().filter(|i| keep(i)).cloned().collect();
        let settlements = invoices
            .iter()
            .flat_map(|i| self.settlements_of(i.id).cloned())
            .collect();
        Ledger::new(invoices, settlements)
    }

    /// The ledger split per customer, in one pass (for per-customer figures over many customers).
    pub fn by_customer(&self) -> HashMap<i64, Ledger> {
        let mut invoices: HashMap<i64, Vec<Invoice>> = HashMap::new();
        for inv in &self.invoices {
            invoices
                .entry(inv.customer_id)
                .or_default()
                .push(inv.clone());
        }
        invoices
            .into_iter()
            .map(|(customer, list)| {
                let settlements = list
                    .iter()
                    .flat_map(|i| self.settlements_of(i.id).cloned())
                    .collect();
                (customer, Ledger::new(list, settlements))
            })
            .collect()
    }

    /// Loads the whole ledger from the store.
    pub fn load(conn: &Connection) -> Result<Ledger, LedgerError> {
        let mut invoices = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT id, number, customer_id, currency, amount_minor, issue_date, due_date,
                    order_ref, salesperson FROM invoices ORDER BY issue_date, number",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        for row in rows {
            let (id, number, customer_id, currency, amount, issue, due, order_ref, salesperson) =
                row?;
            invoices.push(Invoice {
                id,
                number,
                customer_id,
                currency,
                amount,
                issue_date: parse_stored_date(&issue)?,
                due_date: parse_stored_date(&due)?,
                order_ref,
                salesperson,
            });
        }
        let mut settlements = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT a.invoice_id, 'payment', p.reference, p.date, a.amount_minor, NULL
               FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
             UNION ALL
             SELECT invoice_id, kind, reference, date, amount_minor, reason FROM invoice_adjustments",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for row in rows {
            let (invoice_id, kind, reference, date, amount, reason) = row?;
            let kind = match kind.as_str() {
                "payment" => SettlementKind::Payment,
                "credit_note" => SettlementKind::CreditNote,
                _ => SettlementKind::WriteOff,
            };
            settlements.push(Settlement {
                invoice_id,
                kind,
                reference,
                date: parse_stored_date(&date)?,
                amount,
                reason,
            });
        }
        Ok(Ledger::new(invoices, settlements))
    }
}

/// A YYYY-MM-DD date as stored.
pub fn parse_stored_date(s: &str) -> Result<NaiveDate, LedgerError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| LedgerError::BadStoredDate(s.to_string()))
}

/// A date given on the command line or in a file: YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日 (a
/// time after it is ignored).
pub fn parse_date(v: &str) -> Result<NaiveDate, String> {
    let v = v.trim();
    let bad = || format!("'{v}' is not a date; expected YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日");
    let date_part = v.split([' ', 'T']).next().unwrap_or(v);
    let parts: Vec<&str> = if date_part.contains('年') {
        date_part
            .trim_end_matches('日')
            .split(['年', '月'])
            .collect()
    } else if date_part.contains('-') {
        date_part.split('-').collect()
    } else {
        date_part.split(['/', '.']).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    if !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return Err(bad());
    }
    let (y, m, d) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("'{v}' is not a real calendar date"))
}

/// The id of the customer with `code`.
pub fn customer_id(conn: &Connection, code: &str) -> Result<i64, LedgerError> {
    use rusqlite::OptionalExtension as _;
    conn.query_row("SELECT id FROM customers WHERE code = ?1", [code], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| LedgerError::UnknownCustomer(code.to_string()))
}
