//! `tradewind outbox list | show | approve | cancel | confirm | deliver | timezone` and
//! `tradewind followups plan`: thin layers over [`crate::outbox`].

use anyhow::{bail, Context as _};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use super::{print_json, table, Context};
use crate::outbox::{self, deliver, plan, queue};

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Planned, waiting, sent and failed emails, by planned time (local and UTC).
    List {
        /// planned, approved, sending, sent, drafted, failed, cancelled, uncertain.
        #[arg(long)]
        state: Option<String>,
        /// followup, greeting, occasion, ticket, dunning...
        #[arg(long)]
        purpose: Option<String>,
        #[arg(long)]
        mailbox: Option<String>,
        /// Customer code.
        #[arg(long)]
        customer: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// One email exactly as it will be (or was) sent: headers, text and HTML.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Let emails waiting for approval go (mode approve).
    Approve {
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        /// Every planned email.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Drop an email that has not gone yet.
    Cancel {
        id: i64,
        #[arg(long, default_value = "cancelled by hand")]
        reason: String,
    },
    /// Resolve an uncertain email after checking the recipient's side.
    Confirm {
        id: i64,
        /// It did arrive: record it as sent.
        #[arg(
            long,
            conflicts_with = "not_sent",
            required_unless_present = "not_sent"
        )]
        sent: bool,
        /// It did not arrive: queue it again.
        #[arg(long)]
        not_sent: bool,
    },
    /// Send and draft what is due now (the daemon does this on its own schedule).
    Deliver {
        /// Act as at this RFC 3339 time (or date) instead of now.
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Set a customer's own time zone (IANA, e.g. America/Los_Angeles) for send windows.
    Timezone { code: String, zone: String },
    /// Addresses a bounce (DSN) marked bad: no mail goes to them.
    BadAddresses {
        #[arg(long)]
        json: bool,
    },
    /// Clear an address's bad mark (the customer fixed their mailbox).
    ClearBad { address: String },
}

#[derive(Debug, Subcommand)]
pub enum FollowupsCommand {
    /// Plan due follow-ups, holiday greetings and occasions into the outbox.
    Plan(PlanArgs),
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Show what would be planned; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Plan as at this date (YYYY-MM-DD) or RFC 3339 time instead of now.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[arg(long)]
    json: bool,
}

/// Parses `--now` / `--as-of`: RFC 3339, or a date (midnight UTC).
pub fn parse_time(s: Option<&str>, flag: &str) -> anyhow::Result<DateTime<Utc>> {
    let Some(s) = s else {
        return Ok(Utc::now());
    };
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d.with_timezone(&Utc));
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .with_context(|| format!("{flag} '{s}': expected YYYY-MM-DD or an RFC 3339 time"))?;
    Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

fn rows(list: &[queue::Entry]) -> Vec<Vec<String>> {
    list.iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                e.state.clone(),
                e.mode.clone(),
                e.purpose.clone(),
                e.customer.clone().unwrap_or_else(|| "-".into()),
                e.to.join(", "),
                e.planned_local.clone(),
                e.planned_utc.clone(),
                e.subject.clone(),
            ]
        })
        .collect()
}

pub fn run(cmd: OutboxCommand, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let mut store = ctx.store.borrow_mut();
    match cmd {
        OutboxCommand::List {
            state,
            purpose,
            mailbox,
            customer,
            json,
        } => {
            let state = match state {
                Some(s) => Some(queue::State::from_key(&s).with_context(|| {
                    format!("--state '{s}': expected planned, approved, sending, sent, drafted, failed, cancelled or uncertain")
                })?),
                None => None,
            };
            let list = queue::list(
                store.conn(),
                &queue::ListFilter {
                    state,
                    purpose,
                    mailbox,
                    customer,
                },
            )?;
            if json {
                return print_json(&list);
            }
            print!(
                "{}",
                table::render(
                    &[
                        "id",
                        "state",
                        "mode",
                        "purpose",
                        "customer",
                        "to",
                        "local time",
                        "UTC",
                        "subject"
                    ],
                    &rows(&list)
                )
            );
            Ok(())
        }
        OutboxCommand::Show { id, json } => {
            let e = queue::get(store.conn(), id)?;
            let raw = queue::message_bytes(&e)?;
            if json {
                let mut v = serde_json::to_value(&e)?;
                v["text"] = e.body_text.clone().into();
                v["html"] = e.body_html.clone().into();
                v["message"] = String::from_utf8_lossy(&raw).into_owned().into();
                return print_json(&v);
            }
            println!(
                "# outbox {} · {} · {} · {} · planned {} ({})",
                e.id, e.state, e.mode, e.purpose, e.planned_local, e.planned_utc
            );
            if let Some(err) = &e.last_error {
                println!("# last error: {err}");
            }
            if let Some(r) = &e.closed_reason {
                println!("# {r}");
            }
            if e.raw.is_none() {
                println!("# Date is the planned time; the Date and MIME boundary are fixed when it goes.");
            }
            print!("{}", String::from_utf8_lossy(&raw));
            Ok(())
        }
        OutboxCommand::Approve { id, all, json } => {
            let tx = store.write()?;
            let ids = if all {
                queue::approve_all(&tx, actor)?
            } else {
                let id = id.expect("clap requires ID without --all");
                queue::approve(&tx, id, actor)?;
                vec![id]
            };
            tx.commit()?;
            if json {
                return print_json(&ids);
            }
            println!("approved {} email(s): {ids:?}", ids.len());
            Ok(())
        }
        OutboxCommand::Cancel { id, reason } => {
            let tx = store.write()?;
            queue::cancel(&tx, id, &format!("{reason} ({actor})"))?;
            tx.commit()?;
            println!("cancelled outbox {id}");
            Ok(())
        }
        OutboxCommand::Confirm { id, sent, not_sent } => {
            if sent == not_sent {
                bail!("give --sent or --not-sent");
            }
            let tx = store.write()?;
            queue::confirm(&tx, id, sent, actor)?;
            tx.commit()?;
            if sent {
                println!("outbox {id} recorded as sent");
            } else {
                println!("outbox {id} queued again");
            }
            Ok(())
        }
        OutboxCommand::Deliver { now, json } => {
            let now = parse_time(now.as_deref(), "--now")?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            // Dunning letters, ticket notices and credit alerts due join the outbox first.
            let fed = {
                let ob = outbox::Outbound::new(&ctx.config)?;
                let tx = store.write()?;
                let fed = crate::feeds::queue_all(&tx, &ob, now)?;
                tx.commit()?;
                fed
            };
            let report = runtime.block_on(deliver::deliver(&mut store, &ctx.config, now))?;
            crate::feeds::dunning::mark_sent(store.conn())?;
            if json {
                let mut v = serde_json::to_value(&report)?;
                v["queued"] = serde_json::to_value(&fed)?;
                return print_json(&v);
            }
            for (row, id) in &fed.queued {
                println!("{row}: queued as outbox {id}");
            }
            for (id, why) in &fed.cancelled {
                println!("{id}: cancelled: {why}");
            }
            for e in &fed.errors {
                println!("{}: NOT queued: {}", e.row, e.reason);
            }
            if report.disabled {
                println!("outbox disabled ([outbox] enabled = false): nothing sent");
            }
            for id in &report.recovered_uncertain {
                println!("{id}: UNCERTAIN — a crash interrupted sending; check, then `outbox confirm {id} --sent|--not-sent`");
            }
            for id in &report.sent {
                println!("{id}: sent");
            }
            for id in &report.drafted {
                println!("{id}: drafted");
            }
            for (id, why) in &report.retry {
                println!("{id}: retry later: {why}");
            }
            for (id, why) in &report.failed {
                println!("{id}: failed: {why}");
            }
            for (id, why) in &report.uncertain {
                println!("{id}: UNCERTAIN: {why}");
            }
            for (id, why) in &report.cancelled {
                println!("{id}: cancelled: {why}");
            }
            if !report.rate_limited.is_empty() {
                println!(
                    "{} email(s) wait for the hourly rate limit",
                    report.rate_limited.len()
                );
            }
            for a in &report.bounces.marked {
                println!("bounce: {a} marked bad");
            }
            Ok(())
        }
        OutboxCommand::BadAddresses { json } => {
            let list = outbox::bounces::list(store.conn())?;
            if json {
                return print_json(&list);
            }
            let cells: Vec<Vec<String>> = list
                .iter()
                .map(|b| vec![b.address.clone(), b.marked_at.clone(), b.reason.clone()])
                .collect();
            print!(
                "{}",
                table::render(&["address", "marked", "reason"], &cells)
            );
            Ok(())
        }
        OutboxCommand::ClearBad { address } => {
            let tx = store.write()?;
            if !outbox::bounces::clear(&tx, &address)? {
                bail!("{address} is not marked bad");
            }
            tx.commit()?;
            println!("{address}: mail may go to it again");
            Ok(())
        }
        OutboxCommand::Timezone { code, zone } => {
            if zone.parse::<chrono_tz::Tz>().is_err() {
                bail!("'{zone}' is not an IANA time zone (e.g. America/Los_Angeles, Asia/Dubai)");
            }
            let tx = store.write()?;
            let n = tx.execute(
                "UPDATE customers SET timezone = ?2 WHERE code = ?1",
                rusqlite::params![code, zone],
            )?;
            if n == 0 {
                bail!("no customer '{code}'");
            }
            tx.execute(
                "INSERT INTO audit_log (at, actor, customer_id, field, before, after)
                 SELECT ?1, ?2, id, 'timezone', NULL, ?3 FROM customers WHERE code = ?4",
                rusqlite::params![crate::store::now(), actor, zone, code],
            )?;
            tx.commit()?;
            println!("{code}: send windows in {zone}");
            Ok(())
        }
    }
}

pub fn followups(cmd: FollowupsCommand, ctx: &Context) -> anyhow::Result<()> {
    let FollowupsCommand::Plan(args) = cmd;
    let as_of = parse_time(args.as_of.as_deref(), "--as-of")?;
    let ob = outbox::Outbound::new(&ctx.config)?;
    let mut store = ctx.store.borrow_mut();
    let tx = store.write()?;
    let report = plan::plan(&tx, &ob, as_of, args.dry_run)?;
    if args.dry_run {
        tx.rollback()?;
    } else {
        tx.commit()?;
    }
    if args.json {
        return print_json(&report);
    }
    let cells: Vec<Vec<String>> = report
        .planned
        .iter()
        .map(|p| {
            vec![
                p.id.to_string(),
                if p.new { "new" } else { "exists" }.into(),
                p.purpose.clone(),
                p.customer.clone(),
                p.to.clone(),
                p.due_date.clone(),
                p.planned_local.clone(),
                p.mode.clone(),
            ]
        })
        .collect();
    if args.dry_run {
        println!("dry run: nothing was written");
    }
    print!(
        "{}",
        table::render(
            &[
                "id",
                "",
                "purpose",
                "customer",
                "to",
                "due",
                "local time",
                "mode"
            ],
            &cells
        )
    );
    for s in &report.skipped {
        println!("skipped {} ({}): {}", s.customer, s.purpose, s.reason);
    }
    for s in &report.errors {
        println!("ERROR {} ({}): {}", s.customer, s.purpose, s.reason);
    }
    for (id, why) in &report.cancelled {
        println!("cancelled {id}: {why}");
    }
    Ok(())
}
