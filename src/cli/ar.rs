//! `tradewind import invoices|payments|credit-notes|write-offs|rates FILE` and
//! `tradewind ar aging|statement`: the receivables ledger (§5) on the command line.

use anyhow::Context as _;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use std::path::PathBuf;

use super::{print_json, Context};
use crate::ledger::import::{self, Kind};
use crate::ledger::rates::Rates;
use crate::ledger::{aging, customer_id, parse_date, statement, Ledger};

/// Arguments of the ledger imports.
#[derive(Debug, Args)]
pub struct ImportLedgerArgs {
    /// CSV (UTF-8 or GBK; comma, semicolon or tab) or XLSX/XLS/ODS file.
    pub file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ArCommand {
    /// Aged receivables at a date: per invoice and per customer, per currency and in the base currency.
    Aging {
        /// The date (YYYY-MM-DD; default today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Only this customer (code).
        #[arg(long)]
        customer: Option<String>,
        /// Only customers owned by this user.
        #[arg(long)]
        owner: Option<String>,
        #[arg(long, conflicts_with_all = ["csv", "xlsx"])]
        json: bool,
        /// Per-invoice lines as CSV on stdout.
        #[arg(long, conflicts_with = "xlsx")]
        csv: bool,
        /// Write a workbook (sheets Invoices and Customers) to FILE.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
    },
    /// A customer's statement of account at a date.
    Statement {
        /// Customer code.
        customer: String,
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// The as-of date: given, or today (UTC).
pub fn as_of(given: Option<&str>) -> anyhow::Result<NaiveDate> {
    match given {
        Some(s) => parse_date(s).map_err(|e| anyhow::anyhow!("--as-of: {e}")),
        None => Ok(chrono::Utc::now().date_naive()),
    }
}

/// The ledger and the rates of the store.
pub fn load(ctx: &Context) -> anyhow::Result<(Ledger, Rates)> {
    let store = ctx.store.borrow();
    let ledger = Ledger::load(store.conn()).context("loading the ledger")?;
    let rates = Rates::load(
        store.conn(),
        &ctx.config.credit.base_currency,
        &ctx.config.credit.rates,
    )?;
    Ok((ledger, rates))
}

/// `tradewind import <kind> FILE`.
pub fn import(kind: Kind, args: ImportLedgerArgs, ctx: &Context) -> anyhow::Result<()> {
    let mut store = ctx.store.borrow_mut();
    let tx = store.write()?;
    let report = import::import(&tx, &args.file, kind)?;
    tx.commit()?;
    if args.json {
        print_json(&report)?;
    } else {
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
        for e in &report.errors {
            eprintln!("{}: {e}", args.file.display());
        }
        println!(
            "{}: created {}, unchanged {}, rejected rows {}",
            args.file.display(),
            report.created,
            report.unchanged,
            report
                .errors
                .iter()
                .map(|e| e.row)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        );
    }
    if report.errors.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} bad cell(s); those rows were not imported",
            report.errors.len()
        )
    }
}

pub fn run(cmd: ArCommand, ctx: &Context) -> anyhow::Result<()> {
    let (ledger, rates) = load(ctx)?;
    let store = ctx.store.borrow();
    let conn = store.conn();
    match cmd {
        ArCommand::Aging {
            as_of: date,
            customer,
            owner,
            json,
            csv,
            xlsx,
        } => {
            let date = as_of(date.as_deref())?;
            let filter = aging::AgingFilter {
                customer_id: customer
                    .as_deref()
                    .map(|c| customer_id(conn, c))
                    .transpose()?,
                owner: owner
                    .as_deref()
                    .map(|o| crate::store::customers::resolve_user(conn, o))
                    .transpose()?,
            };
            let report = aging::build(conn, &ledger, &rates, date, &filter)?;
            if json {
                print_json(&report)
            } else if csv {
                use std::io::Write as _;
                std::io::stdout().write_all(&aging::render_csv(&report)?)?;
                Ok(())
            } else if let Some(path) = xlsx {
                let bytes = aging::render_xlsx(&report)?;
                std::fs::write(&path, bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!(
                    "{}: {} open invoices, {} customers",
                    path.display(),
                    report.invoices.len(),
                    report.customers.len()
                );
                Ok(())
            } else {
                print!("{}", aging::render_text(&report));
                Ok(())
            }
        }
        ArCommand::Statement {
            customer,
            as_of: date,
            json,
        } => {
            let date = as_of(date.as_deref())?;
            let id = customer_id(conn, &customer)?;
            let name: String =
                conn.query_row("SELECT name FROM customers WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
            let own = ledger.filtered(|i| i.customer_id == id);
            let s = statement::build(&own, &customer, &name, date);
            if json {
                print_json(&s)
            } else {
                print!("{}", statement::render_text(&s));
                Ok(())
            }
        }
    }
}
