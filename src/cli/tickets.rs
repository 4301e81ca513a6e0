//! `tradewind tickets list | show | assign | status | note | rate | breaches` and
//! `tradewind report complaints` (§6, §6.4): printing over [`crate::complaints`].

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

use super::{print_json, table, Context};
use crate::complaints::report::{self, Period};
use crate::complaints::tickets::{self, Filter, NewMeasure, StatusChange};
use crate::workhours::WorkHours;

/// `tradewind tickets ...`.
#[derive(Debug, Subcommand)]
pub enum TicketsCommand {
    /// Complaint tickets, newest first.
    List {
        /// new, acknowledged, investigating, resolution_proposed, resolved, closed, rejected.
        #[arg(long)]
        status: Option<String>,
        /// Only tickets still being worked on (new … resolution_proposed).
        #[arg(long)]
        open: bool,
        #[arg(long)]
        owner: Option<String>,
        /// Customer code.
        #[arg(long)]
        customer: Option<String>,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        severity: Option<String>,
        /// Only tickets that missed an SLA deadline (acknowledge, plan, resolve).
        #[arg(long)]
        breached: bool,
        #[arg(long)]
        json: bool,
    },
    /// A ticket with its thread, measures, notices due and full history.
    Show {
        /// T-YYYY-NNNN or the id.
        ticket: String,
        #[arg(long)]
        json: bool,
    },
    /// Give a ticket to another user.
    Assign {
        ticket: String,
        /// The user's login.
        owner: String,
        #[arg(long)]
        json: bool,
    },
    /// Move a ticket through the procedure; record what the investigation found.
    Status {
        ticket: String,
        /// new, acknowledged, investigating, resolution_proposed, resolved, closed, rejected
        /// (rejected = not a complaint; recorded as a labelled example).
        status: String,
        #[arg(long)]
        root_cause: Option<String>,
        /// factory, forwarder, staff, customer, unknown.
        #[arg(long)]
        responsibility: Option<String>,
        /// A measure: return_exchange, resend, discount or compensation, with an optional
        /// amount and currency: --measure "compensation 500.00 USD". Repeatable.
        #[arg(long)]
        measure: Vec<String>,
        /// A note for the history.
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add a note to a ticket's history.
    Note {
        ticket: String,
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// Record the customer's satisfaction (1-5) at closing.
    Rate {
        ticket: String,
        rating: i64,
        #[arg(long)]
        comment: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record SLA breach notices (once per ticket and stage) for the owner and the managers;
    /// the daemon does this by itself.
    Breaches {
        #[arg(long)]
        json: bool,
    },
    /// Score stored mail that is not part of a ticket yet (mail imported before tickets
    /// existed, or after changing the phrases), oldest first.
    Scan {
        /// Only messages dated from this day on (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Measure complaint detection on a labelled CSV (columns label and text, or subject
    /// and body; optional id, lang, category): precision and recall per language and category.
    Evaluate {
        file: PathBuf,
        /// Also list every misclassified row with the phrases found.
        #[arg(long)]
        misses: bool,
        #[arg(long)]
        json: bool,
    },
}

/// `tradewind report ...`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Complaint analysis for a period (§6.4).
    Complaints(ComplaintsReportArgs),
    /// Performance figures (§7) per salesperson, team and company: table, CSV, XLSX or HTML.
    Kpi(super::report::KpiArgs),
}

/// Output formats of `report complaints`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Xlsx,
    Html,
    Json,
}

/// Arguments of `report complaints`.
#[derive(Debug, Args)]
pub struct ComplaintsReportArgs {
    /// 2026-10 (month), 2026-Q4 (quarter) or 2026 (year).
    #[arg(long)]
    period: String,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write to this file (xlsx needs one).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

fn hours(ctx: &Context) -> anyhow::Result<WorkHours> {
    Ok(WorkHours::from_config(&ctx.config.work_hours)?)
}

fn day(s: &Option<String>) -> String {
    s.as_deref()
        .map_or("-".into(), |d| d.get(..16).unwrap_or(d).replace('T', " "))
}

fn print_rows(list: &[tickets::TicketRow]) {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|t| {
            vec![
                t.number.clone(),
                t.status.clone(),
                t.customer.clone().unwrap_or_else(|| "-".into()),
                t.category.clone(),
                t.severity.clone(),
                t.owner.clone().unwrap_or_else(|| "-".into()),
                day(&Some(t.opened_at.clone())),
                if t.breached.is_empty() {
                    "-".into()
                } else {
                    t.breached.join(",")
                },
                t.subject.chars().take(50).collect(),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &[
                "ticket", "status", "customer", "category", "severity", "owner", "opened",
                "breached", "subject"
            ],
            &rows
        )
    );
}

fn parse_measure(s: &str) -> anyhow::Result<NewMeasure> {
    let mut parts = s.split_whitespace();
    let kind = parts.next().context("--measure needs a kind")?.to_string();
    let amount = match parts.next() {
        Some(a) => {
            let v: f64 = a
                .replace(',', "")
                .parse()
                .with_context(|| format!("--measure '{s}': '{a}' is not an amount"))?;
            Some((v * 100.0).round() as i64)
        }
        None => None,
    };
    let currency = parts.next().map(|c| c.to_ascii_uppercase());
    if amount.is_some() && currency.is_none() {
        anyhow::bail!(
            "--measure '{s}': an amount needs a currency (e.g. \"compensation 500 USD\")"
        );
    }
    let note: Vec<&str> = parts.collect();
    Ok(NewMeasure {
        kind,
        amount_minor: amount,
        currency,
        note: (!note.is_empty()).then(|| note.join(" ")),
    })
}

/// Runs a `tickets` subcommand (all but `evaluate`, which needs no store).
pub fn run(cmd: TicketsCommand, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let one = |t: tickets::TicketRow, json: bool, what: &str| -> anyhow::Result<()> {
        if json {
            return print_json(&t);
        }
        println!(
            "{} {what}: {} ({}, owner {})",
            t.number,
            t.status,
            t.category,
            t.owner.as_deref().unwrap_or("-")
        );
        Ok(())
    };
    match cmd {
        TicketsCommand::List {
            status,
            open,
            owner,
            customer,
            category,
            severity,
            breached,
            json,
        } => {
            let f = Filter {
                status,
                open,
                owner,
                customer,
                category,
                severity,
                breached,
            };
            let list = tickets::list(ctx.store.borrow().conn(), &f, chrono::Utc::now())?;
            if json {
                return print_json(&list);
            }
            print_rows(&list);
            eprintln!("{} ticket(s)", list.len());
            Ok(())
        }
        TicketsCommand::Show { ticket, json } => {
            let d = tickets::show(ctx.store.borrow().conn(), &ticket)?;
            if json {
                return print_json(&d);
            }
            let t = &d.ticket;
            println!("{}  {}  {}", t.number, t.status, t.subject);
            println!(
                "customer {} {}  contact {}",
                t.customer.as_deref().unwrap_or("-"),
                t.customer_name.as_deref().unwrap_or(""),
                t.contact.as_deref().unwrap_or("-")
            );
            println!(
                "category {}  severity {}  score {:.1}  language {}  owner {}  team {}",
                t.category,
                t.severity,
                t.score,
                t.language.as_deref().unwrap_or("-"),
                t.owner.as_deref().unwrap_or("-"),
                t.team.as_deref().unwrap_or("-")
            );
            let phrases: Vec<String> = t
                .triggers
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x["phrase"].as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            println!(
                "why: {}  severity cues: {}",
                phrases.join(", "),
                t.severity_cues
            );
            println!(
                "opened {}  acknowledged {} (due {})  plan {} (due {})  resolved {} (due {})  closed {}",
                day(&Some(t.opened_at.clone())),
                day(&t.acknowledged_at),
                day(&t.ack_due),
                day(&t.plan_at),
                day(&t.plan_due),
                day(&t.resolved_at),
                day(&t.resolve_due),
                day(&t.closed_at)
            );
            if !t.breached.is_empty() {
                println!("SLA breached: {}", t.breached.join(", "));
            }
            println!(
                "root cause {}  responsibility {}  rating {}  products {}",
                t.root_cause.as_deref().unwrap_or("-"),
                t.responsibility.as_deref().unwrap_or("-"),
                t.rating.map_or("-".into(), |r| format!("{r}/5")),
                if t.products.is_empty() {
                    "-"
                } else {
                    &t.products
                }
            );
            println!("\nthread:");
            for m in &d.messages {
                println!(
                    "  {} {:8} {} {}",
                    day(&m.date),
                    m.role,
                    m.from.as_deref().unwrap_or("-"),
                    m.subject
                );
            }
            if !d.measures.is_empty() {
                println!("\nmeasures:");
                for m in &d.measures {
                    let money = match (m.amount_minor, &m.currency) {
                        (Some(a), Some(c)) => format!(" {}.{:02} {c}", a / 100, a % 100),
                        _ => String::new(),
                    };
                    println!("  {}{money} {}", m.kind, m.note.as_deref().unwrap_or(""));
                }
            }
            if !d.notices.is_empty() {
                println!("\nmail due (sent by the outbound engine):");
                for n in &d.notices {
                    let state = if n.cancelled_at.is_some() {
                        "cancelled"
                    } else if n.queued_at.is_some() {
                        "queued"
                    } else {
                        "due"
                    };
                    println!(
                        "  {} {} → {} {} ({state})",
                        n.kind,
                        n.stage,
                        n.recipient,
                        day(&Some(n.due_at.clone()))
                    );
                }
            }
            println!("\nhistory:");
            for e in &d.events {
                println!(
                    "  {} {} {}: {}",
                    day(&Some(e.at.clone())),
                    e.actor,
                    e.kind,
                    e.detail
                );
            }
            Ok(())
        }
        TicketsCommand::Assign {
            ticket,
            owner,
            json,
        } => {
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let t = tickets::assign(&tx, &ticket, &owner, actor)?;
            tx.commit()?;
            one(t, json, "assigned")
        }
        TicketsCommand::Status {
            ticket,
            status,
            root_cause,
            responsibility,
            measure,
            note,
            json,
        } => {
            let change = StatusChange {
                status,
                root_cause,
                responsibility,
                measures: measure
                    .iter()
                    .map(|m| parse_measure(m))
                    .collect::<anyhow::Result<_>>()?,
                note,
            };
            let hours = hours(ctx)?;
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let t = tickets::set_status(&tx, &ticket, &change, &ctx.config.tickets, &hours, actor)?;
            tx.commit()?;
            one(t, json, "now")
        }
        TicketsCommand::Note { ticket, text, json } => {
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let t = tickets::note(&tx, &ticket, &text, actor)?;
            tx.commit()?;
            one(t, json, "noted")
        }
        TicketsCommand::Rate {
            ticket,
            rating,
            comment,
            json,
        } => {
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let t = tickets::rate(&tx, &ticket, rating, comment.as_deref(), actor)?;
            tx.commit()?;
            one(t, json, "rated")
        }
        TicketsCommand::Breaches { json } => {
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let n = tickets::record_breaches(&tx, &ctx.config.tickets, chrono::Utc::now())?;
            tx.commit()?;
            if json {
                return print_json(&serde_json::json!({ "new_breaches": n }));
            }
            println!("{n} new SLA breach(es) recorded for notification");
            Ok(())
        }
        TicketsCommand::Scan { since, json } => {
            let intake = crate::complaints::Intake::try_from_config(&ctx.config)?;
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let n = intake.scan(&tx, since.as_deref())?;
            tx.commit()?;
            if json {
                return print_json(&serde_json::json!({ "opened": n }));
            }
            println!("{n} ticket(s) opened");
            Ok(())
        }
        TicketsCommand::Evaluate { .. } => unreachable!("handled without a store"),
    }
}

/// `tickets evaluate`: needs the config's model, not the database.
pub fn evaluate(
    file: &std::path::Path,
    misses: bool,
    json: bool,
    config: &crate::config::Config,
) -> anyhow::Result<()> {
    let intake = crate::complaints::Intake::try_from_config(config)?;
    let e = crate::complaints::eval::evaluate_csv(&intake.detector, file)?;
    if json {
        return print_json(&e);
    }
    print!("{}", crate::complaints::eval::render(&e));
    if misses {
        for m in &e.misses {
            println!(
                "{} ({}) want {} got {} {:?}",
                m.id, m.lang, m.want, m.got, m.phrases
            );
        }
    }
    eprintln!("{} row(s)", e.rows);
    Ok(())
}

/// Runs `report complaints`: computes the analysis and writes it in the chosen format.
pub fn report(cmd: ReportCommand, ctx: &Context) -> anyhow::Result<()> {
    let args = match cmd {
        ReportCommand::Complaints(args) => args,
        // Dispatched by `cli::run` (it needs the acting user).
        ReportCommand::Kpi(_) => anyhow::bail!("report kpi is run by cli::report::kpi"),
    };
    let period = Period::parse(&args.period)?;
    let r = report::complaints(ctx.store.borrow().conn(), &period, &hours(ctx)?)?;
    let bytes: Vec<u8> = match args.format {
        Format::Table => report::to_table(&r).into_bytes(),
        Format::Csv => report::to_csv(&r).into_bytes(),
        Format::Html => report::to_html(&r).into_bytes(),
        Format::Json => serde_json::to_string_pretty(&r)?.into_bytes(),
        Format::Xlsx => {
            if args.output.is_none() {
                anyhow::bail!("--format xlsx needs --output FILE.xlsx");
            }
            report::to_xlsx(&r).context("building the workbook")?
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}

/// The demo's ticket block: complaints in the sample mail and what became of them.
pub fn demo_block(store: &crate::store::Store) -> anyhow::Result<()> {
    let list = tickets::list(store.conn(), &Filter::default(), chrono::Utc::now())?;
    if list.is_empty() {
        return Ok(());
    }
    println!("\ncomplaint tickets opened from the mail (§6; `tickets show NUMBER` says why):");
    print_rows(&list);
    Ok(())
}
