//! `tradewind ar aging`: the aged receivables at a date (§5 receivables ledger, "salespeople
//! chasing and finance monitoring"), per invoice and per customer, per currency and in the
//! base currency, with totals; plain text, JSON, CSV or XLSX. Every figure comes from
//! [`super::figures`].

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use super::figures::{self, Bucket};
use super::money::{decimal, format};
use super::rates::Rates;
use super::{Ledger, LedgerError};

/// Amounts per aging bucket (minor units of one currency), with their total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Buckets {
    /// In [`Bucket::ALL`] order: not due, 1-30, 31-60, 61-90, 91-120, over 120.
    pub minor: [i64; 6],
    pub total_minor: i64,
}

impl Buckets {
    fn add(&mut self, bucket: Bucket, amount: i64) {
        self.minor[bucket.index()] += amount;
        self.total_minor += amount;
    }

    /// The amounts as decimal text keyed by bucket, plus "total".
    pub fn text(&self, currency: &str) -> BTreeMap<&'static str, String> {
        let mut m: BTreeMap<&'static str, String> = Bucket::ALL
            .iter()
            .map(|b| (b.label(), decimal(self.minor[b.index()], currency)))
            .collect();
        m.insert("total", decimal(self.total_minor, currency));
        m
    }
}

/// One open invoice in the aging.
#[derive(Debug, Clone, Serialize)]
pub struct AgingLine {
    pub customer: String,
    pub customer_name: String,
    pub owner: Option<String>,
    pub number: String,
    pub order_ref: Option<String>,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: String,
    pub outstanding: String,
    pub outstanding_minor: i64,
    pub days_past_due: i64,
    pub bucket: Bucket,
    /// Outstanding in the base currency at the as-of date's rate.
    pub outstanding_base_minor: i64,
}

/// One customer's aging.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerAging {
    pub customer: String,
    pub customer_name: String,
    pub owner: Option<String>,
    pub by_currency: BTreeMap<String, Buckets>,
    pub base: Buckets,
}

/// The whole aging report.
#[derive(Debug, Clone, Serialize)]
pub struct AgingReport {
    pub as_of: NaiveDate,
    pub base_currency: String,
    pub invoices: Vec<AgingLine>,
    pub customers: Vec<CustomerAging>,
    pub totals_by_currency: BTreeMap<String, Buckets>,
    pub totals_base: Buckets,
    /// DSO over the default 90 days for the invoices shown, 1 decimal; None if none invoiced.
    pub dso_90_days: Option<String>,
}

/// Which customers an aging covers.
#[derive(Debug, Clone, Default)]
pub struct AgingFilter {
    pub customer_id: Option<i64>,
    /// Owner login.
    pub owner: Option<String>,
}

/// Customer code, name and owner by customer id.
pub type CustomerNames = HashMap<i64, (String, String, Option<String>)>;

/// Customer code, name, owner by id.
pub fn customer_names(conn: &Connection) -> rusqlite::Result<CustomerNames> {
    conn.prepare("SELECT id, code, name, owner FROM customers")?
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?
        .collect()
}

/// Builds the aging at `as_of` for the invoices `filter` selects.
pub fn build(
    conn: &Connection,
    ledger: &Ledger,
    rates: &Rates,
    as_of: NaiveDate,
    filter: &AgingFilter,
) -> Result<AgingReport, LedgerError> {
    let names = customer_names(conn)?;
    let selected = ledger.filtered(|inv| {
        filter.customer_id.is_none_or(|c| c == inv.customer_id)
            && filter.owner.as_ref().is_none_or(|o| {
                names
                    .get(&inv.customer_id)
                    .is_some_and(|n| n.2.as_deref() == Some(o.as_str()))
            })
    });
    let mut report = AgingReport {
        as_of,
        base_currency: rates.base.clone(),
        invoices: Vec::new(),
        customers: Vec::new(),
        totals_by_currency: BTreeMap::new(),
        totals_base: Buckets::default(),
        dso_90_days: figures::dso(&selected, rates, as_of, figures::DSO_DAYS)?
            .map(|r| r.one_decimal()),
    };
    let mut per_customer: BTreeMap<String, CustomerAging> = BTreeMap::new();
    for inv in &selected.invoices {
        let out = figures::outstanding(&selected, inv, as_of);
        if out == 0 {
            continue;
        }
        let dpd = figures::days_past_due(inv.due_date, as_of);
        let bucket = Bucket::of(dpd);
        let base = rates.to_base(out, &inv.currency, as_of)?;
        let (code, name, owner) = names
            .get(&inv.customer_id)
            .cloned()
            .unwrap_or_else(|| (format!("#{}", inv.customer_id), String::new(), None));
        report.invoices.push(AgingLine {
            customer: code.clone(),
            customer_name: name.clone(),
            owner: owner.clone(),
            number: inv.number.clone(),
            order_ref: inv.order_ref.clone(),
            currency: inv.currency.clone(),
            issue_date: inv.issue_date,
            due_date: inv.due_date,
            amount: decimal(inv.amount, &inv.currency),
            outstanding: decimal(out, &inv.currency),
            outstanding_minor: out,
            days_past_due: dpd,
            bucket,
            outstanding_base_minor: base,
        });
        let c = per_customer
            .entry(code.clone())
            .or_insert_with(|| CustomerAging {
                customer: code,
                customer_name: name,
                owner,
                by_currency: BTreeMap::new(),
                base: Buckets::default(),
            });
        c.by_currency
            .entry(inv.currency.clone())
            .or_default()
            .add(bucket, out);
        c.base.add(bucket, base);
        report
            .totals_by_currency
            .entry(inv.currency.clone())
            .or_default()
            .add(bucket, out);
        report.totals_base.add(bucket, base);
    }
    report.invoices.sort_by(|a, b| {
        a.customer
            .cmp(&b.customer)
            .then(a.due_date.cmp(&b.due_date))
            .then(a.number.cmp(&b.number))
    });
    report.customers = per_customer.into_values().collect();
    Ok(report)
}

/// The report as an aligned text table: customers per currency, then totals.
pub fn render_text(r: &AgingReport) -> String {
    let mut header = vec!["customer", "currency"];
    header.extend(Bucket::ALL.iter().map(|b| b.label()));
    header.push("total");
    let mut rows = Vec::new();
    let line = |who: String, currency: &str, b: &Buckets| -> Vec<String> {
        let mut row = vec![who, currency.to_string()];
        row.extend(b.minor.iter().map(|m| format(*m, currency)));
        row.push(format(b.total_minor, currency));
        row
    };
    for c in &r.customers {
        for (cur, b) in &c.by_currency {
            rows.push(line(format!("{} {}", c.customer, c.customer_name), cur, b));
        }
        if c.by_currency.len() > 1 || !c.by_currency.contains_key(&r.base_currency) {
            rows.push(line(
                format!("{} (base)", c.customer),
                &r.base_currency,
                &c.base,
            ));
        }
    }
    for (cur, b) in &r.totals_by_currency {
        rows.push(line("TOTAL".into(), cur, b));
    }
    rows.push(line(
        "TOTAL (base)".into(),
        &r.base_currency,
        &r.totals_base,
    ));
    let header: Vec<&str> = header.to_vec();
    let mut out = format!(
        "Aged receivables at {} (base {}, DSO 90 days: {})\n",
        r.as_of,
        r.base_currency,
        r.dso_90_days.as_deref().unwrap_or("n/a")
    );
    out.push_str(&crate::cli::table::render(&header, &rows));
    out
}

/// The per-invoice header of the CSV and XLSX outputs.
pub const INVOICE_HEADER: [&str; 13] = [
    "customer",
    "customer_name",
    "owner",
    "invoice",
    "order_ref",
    "currency",
    "issue_date",
    "due_date",
    "amount",
    "outstanding",
    "days_past_due",
    "bucket",
    "outstanding_base",
];

fn invoice_cells(r: &AgingReport, l: &AgingLine) -> Vec<String> {
    vec![
        l.customer.clone(),
        l.customer_name.clone(),
        l.owner.clone().unwrap_or_default(),
        l.number.clone(),
        l.order_ref.clone().unwrap_or_default(),
        l.currency.clone(),
        l.issue_date.to_string(),
        l.due_date.to_string(),
        l.amount.clone(),
        l.outstanding.clone(),
        l.days_past_due.to_string(),
        l.bucket.label().to_string(),
        decimal(l.outstanding_base_minor, &r.base_currency),
    ]
}

/// The per-invoice lines as CSV (UTF-8 with BOM so Excel reads Chinese names).
pub fn render_csv(r: &AgingReport) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(INVOICE_HEADER)?;
    for l in &r.invoices {
        w.write_record(invoice_cells(r, l))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The report as a workbook: sheet "Invoices" (one row per open invoice) and sheet
/// "Customers" (buckets per customer and currency, base-currency rows, totals).
pub fn render_xlsx(r: &AgingReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Invoices")?;
    for (c, h) in INVOICE_HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (i, l) in r.invoices.iter().enumerate() {
        for (c, v) in invoice_cells(r, l).iter().enumerate() {
            let row = i as u32 + 1;
            // Amounts and days as numbers so the sheet sums them.
            if [8, 9, 10, 12].contains(&c) {
                if let Ok(n) = v.parse::<f64>() {
                    sheet.write_number(row, c as u16, n)?;
                    continue;
                }
            }
            sheet.write_string(row, c as u16, v)?;
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name("Customers")?;
    let mut header = vec!["customer", "customer_name", "currency"];
    header.extend(Bucket::ALL.iter().map(|b| b.label()));
    header.push("total");
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    let mut row = 1u32;
    let mut put = |sheet: &mut rust_xlsxwriter::Worksheet,
                   who: &str,
                   name: &str,
                   label: &str,
                   cur: &str,
                   b: &Buckets|
     -> Result<(), rust_xlsxwriter::XlsxError> {
        sheet.write_string(row, 0, who)?;
        sheet.write_string(row, 1, name)?;
        sheet.write_string(row, 2, label)?;
        for (i, m) in b.minor.iter().chain([&b.total_minor]).enumerate() {
            let v: f64 = decimal(*m, cur).parse().unwrap_or(0.0);
            sheet.write_number(row, 3 + i as u16, v)?;
        }
        row += 1;
        Ok(())
    };
    for c in &r.customers {
        for (cur, b) in &c.by_currency {
            put(sheet, &c.customer, &c.customer_name, cur, cur, b)?;
        }
        let label = format!("{} (base)", r.base_currency);
        put(
            sheet,
            &c.customer,
            &c.customer_name,
            &label,
            &r.base_currency,
            &c.base,
        )?;
    }
    for (cur, b) in &r.totals_by_currency {
        put(sheet, "TOTAL", "", cur, cur, b)?;
    }
    let label = format!("{} (base)", r.base_currency);
    put(sheet, "TOTAL", "", &label, &r.base_currency, &r.totals_base)?;
    book.save_to_buffer()
}
