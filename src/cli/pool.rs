//! `tradewind pool list | claim | release | lock | unlock | sweep`: the public pool (公海).

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::{print_json, table, Context};
use crate::pool;

#[derive(Debug, Subcommand)]
pub enum PoolCommand {
    /// Customers in the pool, with their former owner.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Take a customer from the pool.
    Claim {
        code: String,
        /// The salesperson claiming it.
        #[arg(long)]
        user: String,
        #[command(flatten)]
        clock: Clock,
    },
    /// Give one of your customers back to the pool.
    Release {
        code: String,
        #[arg(long)]
        user: String,
        #[command(flatten)]
        clock: Clock,
    },
    /// Keep a customer out of the pool whatever happens.
    Lock { code: String },
    /// Undo `lock`.
    Unlock { code: String },
    /// Warn owners of customers due soon; return the overdue ones to the pool (run daily).
    Sweep {
        #[command(flatten)]
        clock: Clock,
        #[arg(long)]
        json: bool,
    },
}

/// The time a pool command acts at: now, or a fixed one (`--now 2026-12-01`).
#[derive(Debug, clap::Args)]
pub struct Clock {
    /// Act as at this date or RFC 3339 time instead of now.
    #[arg(long, value_name = "DATE")]
    now: Option<String>,
}

impl Clock {
    fn get(&self) -> anyhow::Result<DateTime<Utc>> {
        let Some(s) = &self.now else {
            return Ok(Utc::now());
        };
        if let Ok(d) = DateTime::parse_from_rfc3339(s) {
            return Ok(d.with_timezone(&Utc));
        }
        let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .with_context(|| format!("--now '{s}': expected YYYY-MM-DD or an RFC 3339 time"))?;
        Ok(d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
    }
}

pub fn run(cmd: PoolCommand, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let config = ctx.config.matching.pool.as_ref();
    let mut store = ctx.store.borrow_mut();
    match cmd {
        PoolCommand::List { json } => {
            let list = pool::list(store.conn(), config)?;
            if json {
                return print_json(&list);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                    vec![
                        p.code.clone(),
                        p.name.clone(),
                        opt(&p.country),
                        opt(&p.scale),
                        opt(&p.former_owner),
                        opt(&p.since),
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(
                    &["code", "name", "country", "scale", "former owner", "since"],
                    &rows
                )
            );
            Ok(())
        }
        PoolCommand::Claim { code, user, clock } => {
            let tx = store.write()?;
            pool::claim(&tx, config, &code, &user, clock.get()?, actor)?;
            tx.commit()?;
            println!("{user} claimed {code}");
            Ok(())
        }
        PoolCommand::Release { code, user, clock } => {
            let tx = store.write()?;
            pool::release(&tx, config, &code, &user, clock.get()?, actor)?;
            tx.commit()?;
            println!("{code} is back in the pool");
            Ok(())
        }
        PoolCommand::Lock { .. } | PoolCommand::Unlock { .. } if config.is_none() => {
            Err(pool::PoolError::Off.into())
        }
        PoolCommand::Lock { code } => {
            let tx = store.write()?;
            pool::set_locked(&tx, &code, true, Utc::now(), actor)?;
            tx.commit()?;
            println!("{code} is locked: it never returns to the pool");
            Ok(())
        }
        PoolCommand::Unlock { code } => {
            let tx = store.write()?;
            pool::set_locked(&tx, &code, false, Utc::now(), actor)?;
            tx.commit()?;
            println!("{code} is unlocked");
            Ok(())
        }
        PoolCommand::Sweep { clock, json } => {
            if config.is_none() {
                return Err(pool::PoolError::Off.into());
            }
            // The same sweep as the daemon's, with the owners' notices queued in the outbox.
            let ob = crate::outbox::Outbound::new(&ctx.config)?;
            let mut queued = crate::feeds::FeedReport::default();
            let tx = store.write()?;
            let report = crate::feeds::pool::sweep_and_notify(&tx, &ob, clock.get()?, &mut queued)?
                .expect("the pool is configured");
            tx.commit()?;
            for e in &queued.errors {
                eprintln!("warning: {}: {}", e.row, e.reason);
            }
            if json {
                return print_json(&report);
            }
            for (code, owner, due) in &report.warned {
                println!("warned {owner}: {code} returns to the pool on {due}");
            }
            for (code, owner) in &report.returned {
                println!("{code} returned from {owner} to the pool");
            }
            for (code, owner, why) in &report.kept {
                println!("{code} stays with {owner}: {why}");
            }
            Ok(())
        }
    }
}
