//! The `tradewind` command line: argument parsing and printing, nothing else.
//! Every command is a thin layer over a library function.

mod ar;
mod backup;
mod credit;
mod customers;
mod doctor;
mod dunning;
mod leads;
mod mail;
mod outbox;
mod pool;
mod report;
mod rules;
mod run;
mod search;
mod setup;
mod status;
mod sync;
pub mod table;
mod tickets;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::{Config, ConfigError};
use crate::ledger::import::Kind;
use crate::store::Store;

/// The customer-mail daemon of an export company.
#[derive(Debug, Parser)]
#[command(name = "tradewind", version, about, long_about = None)]
pub struct Cli {
    /// Config file (default: $TRADEWIND_CONFIG, ./tradewind.toml, /etc/tradewind/tradewind.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Who is making changes, for the audit log (default: the OS user).
    #[arg(
        long = "as",
        global = true,
        value_name = "LOGIN",
        env = "TRADEWIND_ACTOR"
    )]
    pub actor: Option<String>,
    /// More log output (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a sample company, import it offline into a fresh data dir, and show the result.
    Demo(setup::DemoArgs),
    /// Write a starter config and data directory into DIR.
    Init(setup::InitArgs),
    /// The customer registry (§2): add, edit, show, list, hand over.
    #[command(subcommand)]
    Customers(customers::CustomersCommand),
    /// Import customers (CSV/XLSX) or mail (Maildir, mbox, .eml).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Stored messages.
    #[command(subcommand)]
    Messages(mail::MessagesCommand),
    /// Re-file every stored message under its customers with the current rules.
    Rematch(mail::RematchArgs),
    /// Unknown correspondents and B2B platform inquiries as leads (§3); promote one to a customer.
    #[command(subcommand)]
    Leads(leads::LeadsCommand),
    /// Manual matching rules: file an address or a domain under a customer.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// The public pool (公海): list, claim, release, lock, and the daily sweep.
    #[command(subcommand)]
    Pool(pool::PoolCommand),
    /// The people in the config, as the store knows them.
    #[command(subcommand)]
    Users(customers::UsersCommand),
    /// Search all mail, English and Chinese: words, "phrases", AND/OR/NOT, from: to: customer: ...
    Search(search::SearchArgs),
    /// Rebuild the search index from the database.
    Reindex(search::ReindexArgs),
    /// The daemon: sync every mailbox over IMAP, then watch for new mail (IDLE / polling).
    Run(run::RunArgs),
    /// What the daemon is doing per mailbox: state, last sync, message counts, last error.
    Status(status::StatusArgs),
    /// Sync the IMAP mailboxes once (`--once`); the daemon that keeps syncing is `run`.
    Sync(sync::SyncArgs),
    /// Check config, data dir, database, index, every mailbox and SMTP: OK / WARN / FAIL with fixes.
    Doctor(doctor::DoctorArgs),
    /// Copy the database and attachments into DEST while the daemon runs (the index is rebuilt on restore).
    Backup(backup::BackupArgs),
    /// Restore a backup into the config's (empty) data dir and rebuild the search index.
    Restore(backup::RestoreArgs),
    /// The outbox: every planned email (follow-ups, greetings...): list, show, approve, cancel, confirm, deliver.
    #[command(subcommand)]
    Outbox(outbox::OutboxCommand),
    /// Periodic follow-ups (§4 定期回访) and holiday greetings: plan them into the outbox.
    #[command(subcommand)]
    Followups(outbox::FollowupsCommand),
    /// Receivables (§5): aging and statements of account.
    #[command(subcommand)]
    Ar(ar::ArCommand),
    /// Credit control (§5.1-5.3): status, scorecard, limits, holds, payment-fraud alerts.
    #[command(subcommand)]
    Credit(credit::CreditCommand),
    /// Dunning letters by days overdue (§5.4): plan, run, preview, pause, resume.
    #[command(subcommand)]
    Dunning(dunning::DunningCommand),
    /// Complaint tickets (§6): list, show, assign, status, note, rate.
    #[command(subcommand)]
    Tickets(tickets::TicketsCommand),
    /// Periodic reports: `report complaints --period 2026-Q4` (§6.4).
    #[command(subcommand)]
    Report(tickets::ReportCommand),
    /// A manager's score (0-100) of a person for a period (§7 supervisor rating).
    Review(report::ReviewArgs),
    /// A customer's rating (1-5) from a survey or visit (§4 satisfaction, §7 customer rating).
    Survey(report::SurveyArgs),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import or update customers from a CSV (UTF-8 or GBK) or XLSX file.
    Customers(customers::ImportCustomersArgs),
    /// Import mail from a Maildir, an mbox file, or a folder of .eml files.
    Mail(mail::ImportMailArgs),
    /// Import invoices (CSV/XLSX from the accounting system) into the receivables ledger.
    Invoices(ar::ImportLedgerArgs),
    /// Import payments with their allocations to invoices.
    Payments(ar::ImportLedgerArgs),
    /// Import credit notes against invoices.
    CreditNotes(ar::ImportLedgerArgs),
    /// Import write-offs (bad debt) with date and reason.
    WriteOffs(ar::ImportLedgerArgs),
    /// Import exchange rates by date (currency, date, rate in base units).
    Rates(ar::ImportLedgerArgs),
}

/// Exit code for a broken config or bad usage: nothing started.
pub const EXIT_CONFIG: u8 = 2;

/// Parses the command line, runs the command, and turns errors into messages and exit codes.
pub fn main() -> ExitCode {
    crate::sync::memory::tune_allocator();
    let cli = Cli::parse();
    match &cli.command {
        Command::Run(args) => run::init_logging(cli.verbose, args.log_format),
        _ => init_logging(cli.verbose),
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tradewind: {}", chain(&err));
            if err.downcast_ref::<ConfigError>().is_some() {
                ExitCode::from(EXIT_CONFIG)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn chain(err: &anyhow::Error) -> String {
    err.chain()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = run::env_filter(default);
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let actor = cli.actor.clone().unwrap_or_else(default_actor);
    let config = cli.config.as_deref();
    match cli.command {
        Command::Demo(args) => setup::demo(args),
        Command::Init(args) => setup::init(args),
        Command::Customers(cmd) => customers::run(cmd, &open(config)?, &actor),
        Command::Import(ImportCommand::Customers(args)) => {
            customers::import(args, &open(config)?, &actor)
        }
        Command::Import(ImportCommand::Mail(args)) => mail::import(args, &open(config)?),
        Command::Messages(cmd) => mail::run(cmd, &open(config)?),
        Command::Rematch(args) => mail::rematch(args, &open(config)?),
        Command::Leads(cmd) => leads::run(cmd, &open(config)?, &actor),
        Command::Rules(cmd) => rules::run(cmd, &open(config)?, &actor),
        Command::Pool(cmd) => pool::run(cmd, &open(config)?, &actor),
        Command::Users(cmd) => customers::users(cmd, &open(config)?),
        Command::Search(args) => search::search(args, config, &actor),
        Command::Reindex(args) => search::reindex(args, &open(config)?),
        Command::Run(args) => run::run(args, open(config)?),
        Command::Status(args) => status::run(args, &open(config)?),
        Command::Sync(args) => sync::run(args, config),
        Command::Doctor(args) => {
            if doctor::run(args, config)? {
                Ok(())
            } else {
                anyhow::bail!("doctor: at least one check FAILed (the fixes are listed above)")
            }
        }
        Command::Backup(args) => backup::backup(args, &open(config)?),
        Command::Restore(args) => backup::restore(args, config),
        Command::Outbox(cmd) => outbox::run(cmd, &open(config)?, &actor),
        Command::Followups(cmd) => outbox::followups(cmd, &open(config)?),
        Command::Import(ImportCommand::Invoices(args)) => {
            ar::import(Kind::Invoices, args, &open(config)?)
        }
        Command::Import(ImportCommand::Payments(args)) => {
            ar::import(Kind::Payments, args, &open(config)?)
        }
        Command::Import(ImportCommand::CreditNotes(args)) => {
            ar::import(Kind::CreditNotes, args, &open(config)?)
        }
        Command::Import(ImportCommand::WriteOffs(args)) => {
            ar::import(Kind::WriteOffs, args, &open(config)?)
        }
        Command::Import(ImportCommand::Rates(args)) => {
            ar::import(Kind::Rates, args, &open(config)?)
        }
        Command::Ar(cmd) => ar::run(cmd, &open(config)?),
        Command::Credit(cmd) => credit::run(cmd, &open(config)?, &actor),
        Command::Dunning(cmd) => dunning::run(cmd, &open(config)?, &actor),
        Command::Tickets(tickets::TicketsCommand::Evaluate { file, misses, json }) => {
            let config = Config::load(&Config::locate(config)?)?;
            tickets::evaluate(&file, misses, json, &config)
        }
        Command::Tickets(cmd) => tickets::run(cmd, &open(config)?, &actor),
        Command::Report(tickets::ReportCommand::Kpi(args)) => {
            report::kpi(args, &open(config)?, &actor)
        }
        Command::Report(cmd) => tickets::report(cmd, &open(config)?),
        Command::Review(args) => report::review(args, &open(config)?, &actor),
        Command::Survey(args) => report::survey(args, &open(config)?, &actor),
    }
}

fn default_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

/// The loaded config and its store, ready for a command.
pub struct Context {
    pub config: Config,
    pub store: std::cell::RefCell<Store>,
}

/// Loads the config (exit code 2 on any problem) and opens the store, syncing users.
pub fn open(explicit: Option<&Path>) -> anyhow::Result<Context> {
    let path = Config::locate(explicit)?;
    let config = Config::load(&path)?;
    open_with(config)
}

/// Opens the store of an already loaded config.
pub fn open_with(config: Config) -> anyhow::Result<Context> {
    let mut store = Store::open(&config.database_path())?;
    if !crate::store::customers::users_in_sync(store.conn(), &config.users)? {
        let tx = store.write()?;
        crate::store::customers::sync_users(&tx, &config.users)
            .context("recording the config's users")?;
        tx.commit()?;
    }
    Ok(Context {
        config,
        store: std::cell::RefCell::new(store),
    })
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
