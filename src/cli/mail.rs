//! `tradewind import mail`, `tradewind messages list`, `tradewind rematch`.

use clap::{Args, Subcommand};
use std::path::PathBuf;

use super::{print_json, table, Context};
use crate::ingest::{import_mail, ImportReport};
use crate::matching::Matcher;
use crate::store::messages::{self, MessageFilter};

#[derive(Debug, Args)]
pub struct ImportMailArgs {
    /// A Maildir, an mbox file, a folder of .eml files, or a tree of them.
    path: PathBuf,
    /// The configured mailbox this mail belongs to.
    #[arg(long)]
    mailbox: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum MessagesCommand {
    /// List stored messages, newest first.
    List {
        /// Only mail filed under this customer code.
        #[arg(long)]
        customer: Option<String>,
        /// Only mail held by this mailbox.
        #[arg(long)]
        mailbox: Option<String>,
        /// Only mail filed under no customer.
        #[arg(long)]
        unmatched: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct RematchArgs {
    #[arg(long)]
    json: bool,
}

pub fn import(args: ImportMailArgs, ctx: &Context) -> anyhow::Result<()> {
    let report = import_mail(
        &mut ctx.store.borrow_mut(),
        &ctx.config,
        &args.path,
        &args.mailbox,
        !args.json,
    )?;
    if args.json {
        return print_json(&report);
    }
    print_import_report(&report, &args.mailbox);
    Ok(())
}

/// Prints what a mail import did.
pub fn print_import_report(report: &ImportReport, mailbox: &str) {
    for p in &report.problems {
        eprintln!("skipped {}: {}", p.source_ref, p.reason);
    }
    let directions: Vec<String> = report
        .by_direction
        .iter()
        .map(|(d, n)| format!("{n} {d}"))
        .collect();
    println!(
        "{mailbox}: read {}, new {} ({}), already stored from another mailbox {}, already here {}, filed under a customer {}, skipped {} (kept raw {})",
        report.read,
        report.new_messages,
        if directions.is_empty() { "-".to_string() } else { directions.join(", ") },
        report.new_locations,
        report.already_stored,
        report.matched,
        report.problems.len(),
        report.kept_raw
    );
    if report.tickets_opened > 0 {
        println!(
            "{mailbox}: {} complaint ticket(s) opened (tradewind tickets list)",
            report.tickets_opened
        );
    }
}

pub fn run(cmd: MessagesCommand, ctx: &Context) -> anyhow::Result<()> {
    let MessagesCommand::List {
        customer,
        mailbox,
        unmatched,
        limit,
        json,
    } = cmd;
    let filter = MessageFilter {
        customer,
        mailbox,
        unmatched,
        limit: Some(limit),
    };
    let list = messages::list(ctx.store.borrow().conn(), &filter)?;
    if json {
        return print_json(&list);
    }
    print!("{}", messages_table(&list));
    Ok(())
}

/// The table `messages list` prints.
pub fn messages_table(list: &[messages::MessageSummary]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|m| {
            vec![
                m.date
                    .as_deref()
                    .map_or("-".into(), |d| d.get(..10).unwrap_or(d).to_string()),
                m.direction.clone(),
                m.from.clone().unwrap_or_else(|| "-".into()),
                truncate(&m.subject, 50),
                if m.customers.is_empty() {
                    "-".into()
                } else {
                    m.customers.join(",")
                },
            ]
        })
        .collect();
    table::render(&["date", "dir", "from", "subject", "customers"], &rows)
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max_chars - 1).collect();
        t.push('…');
        t
    }
}

pub fn rematch(args: RematchArgs, ctx: &Context) -> anyhow::Result<()> {
    let matcher = Matcher::from_config(&ctx.config);
    let mut store = ctx.store.borrow_mut();
    let tx = store.write()?;
    let (seen, matched) = matcher.rematch_all(&tx)?;
    tx.commit()?;
    if args.json {
        return print_json(&serde_json::json!({ "messages": seen, "matched": matched }));
    }
    println!("re-filed {seen} message(s); {matched} belong to at least one customer");
    Ok(())
}
