//! `tradewind rules add | list | remove`: manual matching rules (address or domain → customer).

use clap::Subcommand;

use super::{print_json, table, Context};
use crate::matching::rules;
use crate::matching::Matcher;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// File mail from ADDRESS, or from DOMAIN and its subdomains, under a customer.
    Add {
        /// name@domain.tld or domain.tld.
        target: String,
        /// The customer code.
        #[arg(long)]
        customer: String,
        #[arg(long)]
        json: bool,
    },
    /// List the manual rules.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a rule by its id (see `rules list`).
    Remove {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: RulesCommand, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let matcher = Matcher::from_config(&ctx.config);
    match cmd {
        RulesCommand::Add {
            target,
            customer,
            json,
        } => {
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let (rule, refiled) = rules::add(&tx, &matcher, &target, &customer, actor)?;
            tx.commit()?;
            if json {
                return print_json(&serde_json::json!({ "rule": rule, "refiled": refiled }));
            }
            println!(
                "rule {}: {} {} → {} ({}); re-filed {refiled} message(s)",
                rule.id, rule.kind, rule.pattern, rule.customer, rule.customer_name
            );
            Ok(())
        }
        RulesCommand::List { json } => {
            let list = rules::list(ctx.store.borrow().conn())?;
            if json {
                return print_json(&list);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.kind.clone(),
                        r.pattern.clone(),
                        r.customer.clone(),
                        r.customer_name.clone(),
                        r.actor.clone(),
                        r.created_at.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(
                    &["id", "kind", "pattern", "customer", "name", "by", "at"],
                    &rows
                )
            );
            Ok(())
        }
        RulesCommand::Remove { id, json } => {
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let (rule, refiled) = rules::remove(&tx, &matcher, id, actor)?;
            tx.commit()?;
            if json {
                return print_json(&serde_json::json!({ "removed": rule, "refiled": refiled }));
            }
            println!(
                "removed rule {}: {} → {}; re-filed {refiled} message(s)",
                rule.id, rule.pattern, rule.customer
            );
            Ok(())
        }
    }
}
