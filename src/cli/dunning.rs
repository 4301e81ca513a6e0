//! `tradewind dunning plan | run | preview | pause | resume`: dunning letters by days
//! overdue (§5.4). `run` records what is due and queues the letters in the outbox
//! ([`crate::feeds::dunning`]); the outbound engine sends them.

use clap::Subcommand;

use super::ar::{as_of, load};
use super::{print_json, table, Context};
use crate::dunning::plan;
use crate::ledger::customer_id;

#[derive(Debug, Subcommand)]
pub enum DunningCommand {
    /// Who gets which level next and why; who is paused and why.
    Plan {
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record the plan: each due level once (letters as `planned` for the outbox, finance
    /// tasks), stop cleared customers, put customers on hold at a hold level.
    Run {
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show the letter a customer would get now (its next level, else its current one).
    Preview {
        customer: String,
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Print the HTML part instead of the plain text.
        #[arg(long)]
        html: bool,
    },
    /// Pause dunning of a customer.
    Pause {
        customer: String,
        #[arg(long, default_value = "paused by finance")]
        reason: String,
    },
    /// Resume dunning of a customer: lifts a pause by hand and acknowledges its replies so far.
    Resume {
        customer: String,
        /// Replies dated up to this day are acknowledged (default today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
}

pub fn run(cmd: DunningCommand, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let (ledger, _) = load(ctx)?;
    let config = &ctx.config;
    let mut store = ctx.store.borrow_mut();
    match cmd {
        DunningCommand::Plan { as_of: d, json } => {
            let d = as_of(d.as_deref())?;
            let entries = plan::plan(store.conn(), config, &ledger, d)?;
            if json {
                return print_json(&entries);
            }
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| {
                    vec![
                        e.customer.clone(),
                        e.status.to_string(),
                        e.next.clone().unwrap_or_else(|| "-".into()),
                        e.recorded.join(","),
                        if e.cleared {
                            "cleared: stop".into()
                        } else {
                            String::new()
                        },
                        if e.paused.is_empty() {
                            e.why.clone()
                        } else {
                            format!("{}; PAUSED: {}", e.why, e.paused.join("; "))
                        },
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(
                    &["customer", "status", "next", "sent", "stop", "why"],
                    &rows
                )
            );
            Ok(())
        }
        DunningCommand::Run { as_of: d, json } => {
            let d = as_of(d.as_deref())?;
            let tx = store.write()?;
            let outcome = plan::run(&tx, config, &ledger, d, actor)?;
            // The letters join the outbox at once (finance approves them there).
            let ob = crate::outbox::Outbound::new(config)?;
            let mut fed = crate::feeds::FeedReport::default();
            crate::feeds::dunning::queue_letters(&tx, &ob, chrono::Utc::now(), &mut fed)?;
            tx.commit()?;
            if json {
                let mut v = serde_json::to_value(&outcome)?;
                v["outbox"] = serde_json::to_value(&fed)?;
                return print_json(&v);
            }
            for (c, l, s) in &outcome.recorded {
                println!("{c}: {l} ({s})");
            }
            for c in &outcome.stopped {
                println!("{c}: stopped (overdue invoices cleared)");
            }
            for c in &outcome.held {
                println!("{c}: put on credit hold");
            }
            for (row, id) in &fed.queued {
                println!("{row}: queued as outbox {id} (`tradewind outbox approve {id}`)");
            }
            for (id, why) in &fed.cancelled {
                println!("outbox {id}: cancelled: {why}");
            }
            for e in &fed.errors {
                println!("{}: NOT queued: {}", e.row, e.reason);
            }
            Ok(())
        }
        DunningCommand::Preview {
            customer,
            as_of: d,
            html,
        } => {
            let d = as_of(d.as_deref())?;
            let entries = plan::plan(store.conn(), config, &ledger, d)?;
            let entry = entries
                .iter()
                .find(|e| e.customer == customer)
                .ok_or_else(|| anyhow::anyhow!("{customer} has no open invoices or dunning"))?;
            let levels = config.dunning.levels();
            let name = entry
                .next
                .clone()
                .or_else(|| entry.target.clone())
                .ok_or_else(|| {
                    anyhow::anyhow!("{customer}: no level reached at {d} ({})", entry.why)
                })?;
            // A level without email (a finance task) shows the last letter at or below it.
            let at = levels
                .iter()
                .position(|l| l.name == name)
                .expect("level from the config");
            let Some(level) = levels[..=at].iter().rev().find(|l| l.email) else {
                anyhow::bail!("{customer}: level {name} sends no letter");
            };
            let letter = plan::render_for(store.conn(), config, entry, Some(level), d)?;
            println!("Subject: {}\n", letter.subject);
            print!("{}", if html { &letter.html } else { &letter.text });
            Ok(())
        }
        DunningCommand::Pause { customer, reason } => {
            let tx = store.write()?;
            let id = customer_id(&tx, &customer)?;
            plan::pause(&tx, id, &reason, actor)?;
            tx.commit()?;
            println!("{customer}: dunning paused");
            Ok(())
        }
        DunningCommand::Resume { customer, as_of: d } => {
            let d = as_of(d.as_deref())?;
            let tx = store.write()?;
            let id = customer_id(&tx, &customer)?;
            let was = plan::resume(&tx, id, d, actor)?;
            tx.commit()?;
            println!(
                "{customer}: {}; replies up to {d} acknowledged",
                if was {
                    "pause lifted"
                } else {
                    "was not paused by hand"
                }
            );
            Ok(())
        }
    }
}
