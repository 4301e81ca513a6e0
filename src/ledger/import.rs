//! `tradewind import invoices | payments | credit-notes | write-offs | rates FILE`: the
//! accounting system's exports (Kingdee 金蝶, Yonyou 用友, QuickBooks, Excel) into the ledger
//! (§5 receivables ledger).
//!
//! The file container is read by the customer importer's reader (CSV in UTF-8, UTF-16 or
//! GBK/GB18030, comma/semicolon/tab; XLSX/XLS/ODS first sheet). Headers are English keys or
//! the Chinese terms of the exports ([`documented_columns`]). Each row is checked whole: a row with
//! any bad cell is reported (row, column, reason) and contributes nothing; the rows of one
//! payment reference stand or fall together. Re-importing the same file changes nothing
//! (identity: invoice number, payment reference, credit-note / write-off reference, rate
//! currency + date); a known identity with different values is an error, never an overwrite.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::money::{format, parse_amount, parse_currency};
use super::rates::Rate;
use super::{parse_date, terms};
pub use crate::customers::import::RowError;
use crate::customers::import::{read_table, ImportError};

/// What a ledger file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Invoices,
    Payments,
    CreditNotes,
    WriteOffs,
    Rates,
}

/// One column: its English key, the other headers accepted, and whether it is required.
struct Column {
    key: &'static str,
    headers: &'static [&'static str],
    required: bool,
}

const fn col(key: &'static str, headers: &'static [&'static str], required: bool) -> Column {
    Column {
        key,
        headers,
        required,
    }
}

const INVOICE_NUMBER: &[&str] = &[
    "invoice_number",
    "invoice_no",
    "invoice",
    "inv_no",
    "发票号",
    "发票号码",
    "发票编号",
    "单据编号",
];
const CUSTOMER: &[&str] = &[
    "customer_code",
    "customer",
    "客户编号",
    "客户代码",
    "客户编码",
];
const CURRENCY: &[&str] = &["currency", "币种", "币别", "货币"];
const DATE: &[&str] = &["date", "日期"];
const REASON: &[&str] = &["reason", "memo", "原因", "备注", "说明"];

/// The columns of each kind of file (documented in the README; keep them in sync).
fn columns(kind: Kind) -> Vec<Column> {
    match kind {
        Kind::Invoices => vec![
            col("number", INVOICE_NUMBER, true),
            col("customer", CUSTOMER, true),
            col("currency", CURRENCY, true),
            col(
                "amount",
                &[
                    "invoice_amount",
                    "total",
                    "金额",
                    "发票金额",
                    "价税合计",
                    "应收金额",
                ],
                true,
            ),
            col(
                "issue_date",
                &[
                    "invoice_date",
                    "date",
                    "开票日期",
                    "发票日期",
                    "单据日期",
                    "日期",
                ],
                true,
            ),
            col(
                "due_date",
                &["due", "到期日", "到期日期", "应收日期"],
                false,
            ),
            col(
                "terms",
                &["payment_terms", "付款条件", "收款条件", "付款方式"],
                false,
            ),
            col(
                "order_ref",
                &[
                    "order",
                    "pi",
                    "po",
                    "pi_po",
                    "order_reference",
                    "订单号",
                    "合同号",
                    "pi号",
                    "po号",
                ],
                false,
            ),
            col(
                "salesperson",
                &["sales", "owner", "业务员", "销售员"],
                false,
            ),
        ],
        Kind::Payments => vec![
            col(
                "reference",
                &[
                    "payment_reference",
                    "payment_ref",
                    "ref",
                    "收款单号",
                    "收款编号",
                    "付款编号",
                    "水单号",
                    "银行流水号",
                ],
                true,
            ),
            col("invoice", INVOICE_NUMBER, true),
            col(
                "amount",
                &["allocated", "金额", "收款金额", "核销金额", "本次核销"],
                true,
            ),
            col(
                "date",
                &["payment_date", "收款日期", "付款日期", "到账日期", "日期"],
                true,
            ),
            col("currency", CURRENCY, true),
            col("customer", CUSTOMER, false),
        ],
        Kind::CreditNotes => vec![
            col(
                "reference",
                &[
                    "credit_note",
                    "credit_note_number",
                    "credit_note_no",
                    "红字发票号",
                    "贷项通知单号",
                    "折让单号",
                ],
                true,
            ),
            col("invoice", INVOICE_NUMBER, true),
            col("amount", &["金额", "折让金额"], true),
            col("date", DATE, true),
            col("reason", REASON, false),
        ],
        Kind::WriteOffs => vec![
            col(
                "reference",
                &["write_off", "write_off_ref", "坏账编号", "核销编号"],
                true,
            ),
            col("invoice", INVOICE_NUMBER, true),
            col("amount", &["金额", "坏账金额"], true),
            col("date", DATE, true),
            col(
                "reason",
                &["reason", "memo", "原因", "坏账原因", "备注"],
                true,
            ),
        ],
        Kind::Rates => vec![
            col("currency", CURRENCY, true),
            col("date", &["date", "valid_from", "日期", "生效日期"], true),
            col("rate", &["exchange_rate", "汇率"], true),
        ],
    }
}

/// The headers accepted for each column of a kind, for the README and error messages.
pub fn documented_columns(kind: Kind) -> Vec<(String, bool)> {
    columns(kind)
        .into_iter()
        .map(|c| {
            let mut all = vec![c.key.to_string()];
            all.extend(c.headers.iter().map(|h| h.to_string()));
            all.dedup();
            (all.join(" / "), c.required)
        })
        .collect()
}

/// Why a ledger file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LedgerImportError {
    #[error(transparent)]
    Read(#[from] ImportError),
    #[error("{path}: missing required column '{column}' (accepted headers: {accepted})")]
    MissingColumn {
        path: String,
        column: String,
        accepted: String,
    },
    #[error("{path}: no rows found")]
    Empty { path: String },
    #[error("database error while importing {path}: {source}")]
    Sql {
        path: String,
        source: rusqlite::Error,
    },
}

/// What an import did: counts, bad cells, notes.
#[derive(Debug, Default, Serialize)]
pub struct LedgerImport {
    pub kind: Option<Kind>,
    /// New invoices / payments / credit notes / write-offs / rates.
    pub created: usize,
    /// Already in the ledger with the same values (a re-import).
    pub unchanged: usize,
    pub errors: Vec<RowError>,
    pub warnings: Vec<String>,
}

/// Header matching key: trimmed, BOM and `*` dropped, lower case, separators as `_`.
fn header_key(s: &str) -> String {
    let s = s.trim().trim_start_matches('\u{feff}').replace('*', "");
    let mut out = String::new();
    for ch in s.trim().chars() {
        match ch {
            ' ' | '-' | '.' | '/' | '_' => {
                if !out.ends_with('_') {
                    out.push('_');
                }
            }
            '(' | ')' | '（' | '）' | ':' | '：' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out.trim_matches('_').to_string()
}

/// One data row: its spreadsheet row number and, per column key, (header as written, cell).
struct Row {
    number: usize,
    cells: HashMap<&'static str, (String, Result<String, String>)>,
}

impl Row {
    /// The trimmed text of `key`, or None when empty or absent; cell problems are errors.
    fn get(&self, key: &str, errors: &mut Vec<RowError>) -> Option<String> {
        match self.cells.get(key) {
            Some((_, Ok(v))) if !v.trim().is_empty() => Some(v.trim().to_string()),
            Some((header, Err(reason))) => {
                errors.push(self.error_at(header, reason.clone()));
                None
            }
            _ => None,
        }
    }

    /// A required value: present, or an error naming the column.
    fn need(&self, key: &str, errors: &mut Vec<RowError>) -> Option<String> {
        let before = errors.len();
        let v = self.get(key, errors);
        if v.is_none() && errors.len() == before {
            errors.push(self.error(key, "this value is required".to_string()));
        }
        v
    }

    fn header(&self, key: &str) -> String {
        self.cells
            .get(key)
            .map(|(h, _)| h.clone())
            .unwrap_or_else(|| key.to_string())
    }

    fn error(&self, key: &str, reason: String) -> RowError {
        self.error_at(&self.header(key), reason)
    }

    fn error_at(&self, header: &str, reason: String) -> RowError {
        RowError {
            row: self.number,
            column: header.to_string(),
            reason,
        }
    }
}

/// Reads `path` into rows keyed by column, finding the header row among the first ten.
fn read_rows(
    path: &Path,
    kind: Kind,
    report: &mut LedgerImport,
) -> Result<Vec<Row>, LedgerImportError> {
    let raw = read_table(path, &mut report.warnings)?;
    let cols = columns(kind);
    let find = |header: &str| -> Option<&'static str> {
        let k = header_key(header);
        cols.iter()
            .find(|c| c.key == k || c.headers.iter().any(|h| header_key(h) == k))
            .map(|c| c.key)
    };
    let non_blank: Vec<usize> = (0..raw.len())
        .filter(|&i| {
            raw[i]
                .1
                .iter()
                .any(|c| c.as_ref().is_ok_and(|t| !t.trim().is_empty()))
        })
        .collect();
    let Some(&first) = non_blank.first() else {
        return Err(LedgerImportError::Empty {
            path: path.display().to_string(),
        });
    };
    let header_at = non_blank
        .iter()
        .take(10)
        .copied()
        .find(|&i| {
            let found: Vec<&str> = raw[i]
                .1
                .iter()
                .filter_map(|c| c.as_ref().ok().and_then(|t| find(t)))
                .collect();
            cols.iter()
                .filter(|c| c.required)
                .all(|c| found.contains(&c.key))
        })
        .unwrap_or(first);
    let mut mapped: Vec<(usize, &'static str, String)> = Vec::new();
    for (i, cell) in raw[header_at].1.iter().enumerate() {
        let text = cell.clone().unwrap_or_default();
        if text.trim().is_empty() {
            continue;
        }
        match find(&text) {
            Some(key) if mapped.iter().any(|(_, k, _)| *k == key) => report.warnings.push(format!(
                "column '{}' repeats '{key}'; the first one is used",
                text.trim()
            )),
            Some(key) => mapped.push((i, key, text.trim().to_string())),
            None => report
                .warnings
                .push(format!("column '{}' is not used", text.trim())),
        }
    }
    for c in cols.iter().filter(|c| c.required) {
        if !mapped.iter().any(|(_, k, _)| *k == c.key) {
            let mut accepted = vec![c.key];
            accepted.extend(c.headers);
            return Err(LedgerImportError::MissingColumn {
                path: path.display().to_string(),
                column: c.key.to_string(),
                accepted: accepted.join(", "),
            });
        }
    }
    if header_at > first {
        report.warnings.push(format!(
            "rows above row {} were skipped (a title?)",
            raw[header_at].0
        ));
    }
    let rows = raw
        .into_iter()
        .enumerate()
        .filter(|(i, (_, cells))| {
            *i > header_at
                && cells
                    .iter()
                    .any(|c| c.as_ref().map_or(true, |t| !t.trim().is_empty()))
        })
        .map(|(_, (number, cells))| Row {
            number,
            cells: mapped
                .iter()
                .map(|(i, key, header)| {
                    (
                        *key,
                        (
                            header.clone(),
                            cells.get(*i).cloned().unwrap_or_else(|| Ok(String::new())),
                        ),
                    )
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    if rows.is_empty() {
        return Err(LedgerImportError::Empty {
            path: path.display().to_string(),
        });
    }
    Ok(rows)
}

/// Imports one ledger file of `kind` in one transaction: good rows in, bad rows reported.
pub fn import(tx: &Connection, path: &Path, kind: Kind) -> Result<LedgerImport, LedgerImportError> {
    let mut report = LedgerImport {
        kind: Some(kind),
        ..LedgerImport::default()
    };
    let rows = read_rows(path, kind, &mut report)?;
    let sql = |source| LedgerImportError::Sql {
        path: path.display().to_string(),
        source,
    };
    match kind {
        Kind::Invoices => import_invoices(tx, &rows, &mut report).map_err(sql)?,
        Kind::Payments => import_payments(tx, &rows, &mut report).map_err(sql)?,
        Kind::CreditNotes => {
            import_adjustments(tx, &rows, "credit_note", &mut report).map_err(sql)?
        }
        Kind::WriteOffs => import_adjustments(tx, &rows, "write_off", &mut report).map_err(sql)?,
        Kind::Rates => import_rates(tx, &rows, &mut report).map_err(sql)?,
    }
    report.errors.sort_by_key(|e| e.row);
    Ok(report)
}

/// A parsed invoice row.
#[derive(Debug, Clone, PartialEq)]
struct InvoiceRow {
    number: String,
    customer: String,
    currency: String,
    amount: i64,
    issue: NaiveDate,
    due: NaiveDate,
    terms: Option<String>,
    order_ref: Option<String>,
    salesperson: Option<String>,
}

fn parse_invoice(row: &Row) -> Result<InvoiceRow, Vec<RowError>> {
    let mut e = Vec::new();
    let number = row.need("number", &mut e);
    let customer = row.need("customer", &mut e);
    let currency = row.need("currency", &mut e).and_then(|v| {
        parse_currency(&v)
            .map_err(|r| e.push(row.error("currency", r)))
            .ok()
    });
    let amount = row.need("amount", &mut e);
    let amount = match (&amount, &currency) {
        (Some(a), Some(c)) => parse_amount(a, c)
            .map_err(|r| e.push(row.error("amount", r)))
            .ok(),
        _ => None,
    };
    let issue = row.need("issue_date", &mut e).and_then(|v| {
        parse_date(&v)
            .map_err(|r| e.push(row.error("issue_date", r)))
            .ok()
    });
    let due_text = row.get("due_date", &mut e);
    let terms_text = row.get("terms", &mut e);
    let due = match (&due_text, &terms_text, issue) {
        (Some(d), _, _) => parse_date(d)
            .map_err(|r| e.push(row.error("due_date", r)))
            .ok(),
        (None, Some(t), Some(issue)) => terms::parse(t)
            .map(|t| t.due_date(issue))
            .map_err(|r| e.push(row.error("terms", r)))
            .ok(),
        (None, None, _) => {
            e.push(row.error(
                "due_date",
                "give a due date or payment terms to derive it from".to_string(),
            ));
            None
        }
        _ => None,
    };
    if let (Some(i), Some(d)) = (issue, due) {
        if d < i {
            e.push(row.error(
                "due_date",
                format!("the due date {d} is before the issue date {i}"),
            ));
        }
    }
    let order_ref = row.get("order_ref", &mut e);
    let salesperson = row.get("salesperson", &mut e);
    match (number, customer, currency, amount, issue, due) {
        (Some(number), Some(customer), Some(currency), Some(amount), Some(issue), Some(due))
            if e.is_empty() =>
        {
            Ok(InvoiceRow {
                number,
                customer,
                currency,
                amount,
                issue,
                due,
                terms: terms_text,
                order_ref,
                salesperson,
            })
        }
        _ => Err(e),
    }
}

fn import_invoices(
    tx: &Connection,
    rows: &[Row],
    report: &mut LedgerImport,
) -> rusqlite::Result<()> {
    let now = crate::store::now();
    let mut seen: HashMap<String, InvoiceRow> = HashMap::new();
    for row in rows {
        let inv = match parse_invoice(row) {
            Ok(inv) => inv,
            Err(e) => {
                report.errors.extend(e);
                continue;
            }
        };
        if let Some(earlier) = seen.get(&inv.number) {
            if *earlier == inv {
                report.unchanged += 1;
            } else {
                report.errors.push(row.error(
                    "number",
                    format!(
                        "invoice {} appears earlier in the file with other values",
                        inv.number
                    ),
                ));
            }
            continue;
        }
        let customer_id: Option<i64> = tx
            .query_row(
                "SELECT id FROM customers WHERE code = ?1",
                [&inv.customer],
                |r| r.get(0),
            )
            .optional()?;
        let Some(customer_id) = customer_id else {
            report.errors.push(row.error(
                "customer",
                format!("no customer with code '{}' in the registry", inv.customer),
            ));
            continue;
        };
        let stored = tx
            .query_row(
                "SELECT customer_id, currency, amount_minor, issue_date, due_date,
                        COALESCE(order_ref, ''), COALESCE(salesperson, '')
                   FROM invoices WHERE number = ?1",
                [&inv.number],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?;
        if let Some(s) = stored {
            let file = (
                customer_id,
                inv.currency.clone(),
                inv.amount,
                inv.issue.to_string(),
                inv.due.to_string(),
                inv.order_ref.clone().unwrap_or_default(),
                inv.salesperson.clone().unwrap_or_default(),
            );
            if s == file {
                report.unchanged += 1;
            } else {
                report.errors.push(row.error(
                    "number",
                    format!(
                        "invoice {} is already in the ledger with other values (stored: {} {} issued {} due {}); \
                         correct it with a credit note, not a re-import",
                        inv.number,
                        s.1,
                        format(s.2, &s.1),
                        s.3,
                        s.4
                    ),
                ));
            }
            seen.insert(inv.number.clone(), inv);
            continue;
        }
        tx.execute(
            "INSERT INTO invoices (number, customer_id, currency, amount_minor, issue_date, due_date,
                                   terms, order_ref, salesperson, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                inv.number,
                customer_id,
                inv.currency,
                inv.amount,
                inv.issue.to_string(),
                inv.due.to_string(),
                inv.terms,
                inv.order_ref,
                inv.salesperson,
                now
            ],
        )?;
        report.created += 1;
        seen.insert(inv.number.clone(), inv);
    }
    Ok(())
}

/// An invoice as a settlement row needs it: id, customer, currency, open balance (all dates).
struct Target {
    id: i64,
    customer_id: i64,
    customer_code: String,
    currency: String,
    open: i64,
}

fn target(tx: &Connection, number: &str) -> rusqlite::Result<Option<Target>> {
    tx.query_row(
        "SELECT i.id, i.customer_id, c.code, i.currency,
                i.amount_minor
                - COALESCE((SELECT SUM(amount_minor) FROM payment_allocations WHERE invoice_id = i.id), 0)
                - COALESCE((SELECT SUM(amount_minor) FROM invoice_adjustments WHERE invoice_id = i.id), 0)
           FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.number = ?1",
        [number],
        |r| {
            Ok(Target {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                customer_code: r.get(2)?,
                currency: r.get(3)?,
                open: r.get(4)?,
            })
        },
    )
    .optional()
}

/// A parsed payment allocation row.
struct AllocationRow<'a> {
    row: &'a Row,
    invoice: String,
    amount_text: String,
    date: NaiveDate,
    currency: String,
    customer: Option<String>,
}

fn import_payments(
    tx: &Connection,
    rows: &[Row],
    report: &mut LedgerImport,
) -> rusqlite::Result<()> {
    // Group rows by reference, in file order.
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<Result<AllocationRow<'_>, Vec<RowError>>>> = HashMap::new();
    for row in rows {
        let mut e = Vec::new();
        let reference = row.need("reference", &mut e);
        let invoice = row.need("invoice", &mut e);
        let amount_text = row.need("amount", &mut e);
        let date = row.need("date", &mut e).and_then(|v| {
            parse_date(&v)
                .map_err(|r| e.push(row.error("date", r)))
                .ok()
        });
        let currency = row.need("currency", &mut e).and_then(|v| {
            parse_currency(&v)
                .map_err(|r| e.push(row.error("currency", r)))
                .ok()
        });
        let customer = row.get("customer", &mut e);
        let parsed = match (invoice, amount_text, date, currency) {
            (Some(invoice), Some(amount_text), Some(date), Some(currency)) if e.is_empty() => {
                Ok(AllocationRow {
                    row,
                    invoice,
                    amount_text,
                    date,
                    currency,
                    customer,
                })
            }
            _ => Err(e),
        };
        match reference {
            Some(r) => {
                if !groups.contains_key(&r) {
                    order.push(r.clone());
                }
                groups.entry(r).or_default().push(parsed);
            }
            None => report.errors.extend(parsed.err().unwrap_or_default()),
        }
    }
    let now = crate::store::now();
    for reference in order {
        let group = groups.remove(&reference).unwrap_or_default();
        let mut errors: Vec<RowError> = Vec::new();
        let mut allocations: BTreeMap<i64, (i64, String)> = BTreeMap::new();
        let mut customer_id = None;
        let mut first: Option<(NaiveDate, String)> = None;
        let mut row_numbers = Vec::new();
        for item in &group {
            let a = match item {
                Ok(a) => a,
                Err(e) => {
                    errors.extend(e.iter().cloned());
                    continue;
                }
            };
            row_numbers.push(a.row.number);
            match &first {
                None => first = Some((a.date, a.currency.clone())),
                Some((d, c)) if *d != a.date || *c != a.currency => {
                    errors.push(a.row.error(
                        "date",
                        format!("payment {reference} has rows with different dates or currencies"),
                    ));
                    continue;
                }
                _ => {}
            }
            let Some(t) = target(tx, &a.invoice)? else {
                errors.push(a.row.error(
                    "invoice",
                    format!(
                        "no invoice {} in the ledger (import invoices first)",
                        a.invoice
                    ),
                ));
                continue;
            };
            if t.currency != a.currency {
                errors.push(a.row.error(
                    "currency",
                    format!(
                        "invoice {} is in {}, the payment in {}",
                        a.invoice, t.currency, a.currency
                    ),
                ));
                continue;
            }
            if let Some(c) = &a.customer {
                if *c != t.customer_code {
                    errors.push(a.row.error(
                        "customer",
                        format!(
                            "invoice {} belongs to {}, not {c}",
                            a.invoice, t.customer_code
                        ),
                    ));
                    continue;
                }
            }
            match customer_id {
                None => customer_id = Some(t.customer_id),
                Some(c) if c != t.customer_id => {
                    errors.push(a.row.error(
                        "invoice",
                        format!("payment {reference} covers invoices of two customers"),
                    ));
                    continue;
                }
                _ => {}
            }
            let amount = match parse_amount(&a.amount_text, &a.currency) {
                Ok(v) => v,
                Err(r) => {
                    errors.push(a.row.error("amount", r));
                    continue;
                }
            };
            if allocations.contains_key(&t.id) {
                errors.push(a.row.error(
                    "invoice",
                    format!("payment {reference} lists invoice {} twice", a.invoice),
                ));
                continue;
            }
            allocations.insert(t.id, (amount, a.invoice.clone()));
        }
        let (Some((date, currency)), Some(customer_id)) = (first, customer_id) else {
            report.errors.extend(errors);
            continue;
        };
        // Already imported? Same allocations → unchanged; else an error.
        let stored: Option<i64> = tx
            .query_row(
                "SELECT id FROM payments WHERE reference = ?1",
                [&reference],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(pid) = stored {
            if errors.is_empty() {
                let existing: BTreeMap<i64, i64> = tx
                    .prepare("SELECT invoice_id, amount_minor FROM payment_allocations WHERE payment_id = ?1")?
                    .query_map([pid], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                let stored_date: String =
                    tx.query_row("SELECT date FROM payments WHERE id = ?1", [pid], |r| {
                        r.get(0)
                    })?;
                let file: BTreeMap<i64, i64> = allocations.iter().map(|(k, v)| (*k, v.0)).collect();
                if existing == file && stored_date == date.to_string() {
                    report.unchanged += 1;
                    continue;
                }
            }
            let row = group
                .iter()
                .find_map(|g| g.as_ref().ok())
                .map(|a| a.row.number)
                .unwrap_or(0);
            errors.push(RowError {
                row,
                column: "reference".into(),
                reason: format!(
                    "payment {reference} is already in the ledger with other allocations; \
                     a correction needs a new reference"
                ),
            });
        }
        if errors.is_empty() {
            for (id, (amount, number)) in &allocations {
                let open = target(tx, number)?.map(|t| t.open).unwrap_or(0);
                if *amount > open {
                    let row = group
                        .iter()
                        .filter_map(|g| g.as_ref().ok())
                        .find(|a| a.invoice == *number)
                        .map(|a| a.row.number)
                        .unwrap_or(0);
                    errors.push(RowError {
                        row,
                        column: "amount".into(),
                        reason: format!(
                            "allocating {} to invoice {number} exceeds its open balance {}",
                            format(*amount, &currency),
                            format(open, &currency)
                        ),
                    });
                }
                let _ = id;
            }
        }
        if !errors.is_empty() {
            let bad_rows: Vec<usize> = errors.iter().map(|e| e.row).collect();
            for n in row_numbers.iter().filter(|n| !bad_rows.contains(n)) {
                errors.push(RowError {
                    row: *n,
                    column: "reference".into(),
                    reason: format!("not imported: another row of payment {reference} is bad"),
                });
            }
            report.errors.extend(errors);
            continue;
        }
        let total: i64 = allocations.values().map(|v| v.0).sum();
        tx.execute(
            "INSERT INTO payments (reference, customer_id, date, currency, amount_minor, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![reference, customer_id, date.to_string(), currency, total, now],
        )?;
        let pid = tx.last_insert_rowid();
        for (invoice_id, (amount, _)) in &allocations {
            tx.execute(
                "INSERT INTO payment_allocations (payment_id, invoice_id, amount_minor) VALUES (?1, ?2, ?3)",
                params![pid, invoice_id, amount],
            )?;
        }
        report.created += 1;
    }
    Ok(())
}

fn import_adjustments(
    tx: &Connection,
    rows: &[Row],
    kind: &str,
    report: &mut LedgerImport,
) -> rusqlite::Result<()> {
    let now = crate::store::now();
    for row in rows {
        let mut e = Vec::new();
        let reference = row.need("reference", &mut e);
        let invoice = row.need("invoice", &mut e);
        let amount_text = row.need("amount", &mut e);
        let date = row.need("date", &mut e).and_then(|v| {
            parse_date(&v)
                .map_err(|r| e.push(row.error("date", r)))
                .ok()
        });
        let reason = if kind == "write_off" {
            row.need("reason", &mut e)
        } else {
            row.get("reason", &mut e)
        };
        let (Some(reference), Some(invoice), Some(amount_text), Some(date)) =
            (reference, invoice, amount_text, date)
        else {
            report.errors.extend(e);
            continue;
        };
        if !e.is_empty() {
            report.errors.extend(e);
            continue;
        }
        let Some(t) = target(tx, &invoice)? else {
            report.errors.push(row.error(
                "invoice",
                format!("no invoice {invoice} in the ledger (import invoices first)"),
            ));
            continue;
        };
        let amount = match parse_amount(&amount_text, &t.currency) {
            Ok(a) => a,
            Err(r) => {
                report.errors.push(row.error("amount", r));
                continue;
            }
        };
        let stored = tx
            .query_row(
                "SELECT invoice_id, amount_minor, date FROM invoice_adjustments WHERE kind = ?1 AND reference = ?2",
                params![kind, reference],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)),
            )
            .optional()?;
        if let Some(s) = stored {
            if s == (t.id, amount, date.to_string()) {
                report.unchanged += 1;
            } else {
                report.errors.push(row.error(
                    "reference",
                    format!("{reference} is already in the ledger with other values"),
                ));
            }
            continue;
        }
        if amount > t.open {
            report.errors.push(row.error(
                "amount",
                format!(
                    "{} exceeds the open balance {} of invoice {invoice}",
                    format(amount, &t.currency),
                    format(t.open, &t.currency)
                ),
            ));
            continue;
        }
        tx.execute(
            "INSERT INTO invoice_adjustments (kind, reference, invoice_id, date, amount_minor, reason, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![kind, reference, t.id, date.to_string(), amount, reason, now],
        )?;
        report.created += 1;
    }
    Ok(())
}

fn import_rates(tx: &Connection, rows: &[Row], report: &mut LedgerImport) -> rusqlite::Result<()> {
    for row in rows {
        let mut e = Vec::new();
        let currency = row.need("currency", &mut e).and_then(|v| {
            parse_currency(&v)
                .map_err(|r| e.push(row.error("currency", r)))
                .ok()
        });
        let date = row.need("date", &mut e).and_then(|v| {
            parse_date(&v)
                .map_err(|r| e.push(row.error("date", r)))
                .ok()
        });
        let rate = row.need("rate", &mut e).and_then(|v| {
            Rate::parse(&v)
                .map_err(|r| e.push(row.error("rate", r)))
                .ok()
        });
        let (Some(currency), Some(date), Some(rate)) = (currency, date, rate) else {
            report.errors.extend(e);
            continue;
        };
        let stored: Option<String> = tx
            .query_row(
                "SELECT rate FROM exchange_rates WHERE currency = ?1 AND date = ?2",
                params![currency, date.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match stored {
            Some(s) if s == rate.text() => report.unchanged += 1,
            Some(s) => report.errors.push(row.error(
                "rate",
                format!("{currency} on {date} is already {s}; rates are not overwritten"),
            )),
            None => {
                tx.execute(
                    "INSERT INTO exchange_rates (currency, date, rate) VALUES (?1, ?2, ?3)",
                    params![currency, date.to_string(), rate.text()],
                )?;
                report.created += 1;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::header_key;

    #[test]
    fn header_keys_ignore_case_marks_and_separators() {
        assert_eq!(header_key("Invoice No."), "invoice_no");
        assert_eq!(header_key("*发票号"), "发票号");
        assert_eq!(header_key("Payment-Terms"), "payment_terms");
        assert_eq!(header_key("PI/PO"), "pi_po");
    }
}
