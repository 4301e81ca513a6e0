//! `tradewind leads list | promote` (§3): unknown correspondents and platform inquiries,
//! and `leads list --suspicious`: senders imitating a customer's domain.

use clap::Subcommand;

use super::{print_json, table, Context};
use crate::leads::{self, PromoteRequest};
use crate::matching::Matcher;

#[derive(Debug, Subcommand)]
pub enum LeadsCommand {
    /// Unfiled inbound mail grouped by sender domain (free-mail: by address).
    List {
        /// Instead: mail flagged as possible impersonation of a customer (lookalike domains).
        #[arg(long)]
        suspicious: bool,
        #[arg(long)]
        json: bool,
    },
    /// Turn a lead into a customer with its contacts, and file its mail under it.
    Promote {
        /// The lead's key as `leads list` shows it: a domain or a free-mail address.
        key: String,
        /// The salesperson who will own the customer.
        #[arg(long)]
        owner: String,
        /// Customer name (default: the platform buyer's company, or the domain).
        #[arg(long)]
        name: Option<String>,
        /// Customer code (default: L-<DOMAIN>).
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: LeadsCommand, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let matcher = Matcher::from_config(&ctx.config);
    match cmd {
        LeadsCommand::List {
            suspicious: true,
            json,
        } => {
            let list = leads::suspicious(ctx.store.borrow().conn())?;
            if json {
                return print_json(&list);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|s| {
                    vec![
                        s.date
                            .as_deref()
                            .map_or("-", |d| d.get(..10).unwrap_or(d))
                            .to_string(),
                        s.address.clone(),
                        s.customer.clone(),
                        s.owner.clone().unwrap_or_else(|| "-".into()),
                        s.reason.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(&["date", "sender", "imitates", "owner", "why"], &rows)
            );
            eprintln!("{} suspicious message(s)", list.len());
            Ok(())
        }
        LeadsCommand::List { json, .. } => {
            let list = leads::list(ctx.store.borrow().conn(), &ctx.config, &matcher)?;
            if json {
                return print_json(&list);
            }
            let day = |d: &Option<String>| {
                d.as_deref()
                    .map_or("-", |d| d.get(..10).unwrap_or(d))
                    .to_string()
            };
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|l| {
                    let who = l
                        .company
                        .clone()
                        .or_else(|| l.addresses.values().flatten().next().cloned())
                        .unwrap_or_else(|| "-".into());
                    vec![
                        l.key.clone(),
                        who,
                        l.messages.to_string(),
                        day(&l.first_date),
                        day(&l.last_date),
                        l.country.clone().unwrap_or_else(|| "-".into()),
                        l.platform.map_or("-", |p| p.name()).to_string(),
                        l.mailboxes.join(","),
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(
                    &[
                        "lead",
                        "who",
                        "mails",
                        "first",
                        "last",
                        "country",
                        "via",
                        "mailboxes"
                    ],
                    &rows
                )
            );
            eprintln!("{} lead(s)", list.len());
            Ok(())
        }
        LeadsCommand::Promote {
            key,
            owner,
            name,
            code,
            json,
        } => {
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let req = PromoteRequest {
                key,
                owner,
                name,
                code,
            };
            let done = leads::promote(&tx, &ctx.config, &matcher, &req, actor)?;
            tx.commit()?;
            if json {
                return print_json(&done);
            }
            for c in &done.duplicates {
                eprintln!("warning: possible duplicate: {c}");
            }
            println!(
                "created customer {} ({}) with {} contact(s); re-filed {} message(s)",
                done.code, done.name, done.contacts, done.refiled
            );
            Ok(())
        }
    }
}
