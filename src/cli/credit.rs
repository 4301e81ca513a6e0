//! `tradewind credit status | score | set | limit | watch | alerts`: credit control (§5.1–5.3).

use clap::Subcommand;
use serde::Serialize;

use super::ar::{as_of, load};
use super::{print_json, table, Context};
use crate::credit::scorecard::{self, Indicator};
use crate::credit::{control, fraud};
use crate::ledger::money::parse_amount;
use crate::ledger::{customer_id, parse_date};

#[derive(Debug, Subcommand)]
pub enum CreditCommand {
    /// Customers over their limit, with invoices past the hold threshold, due for review or on hold.
    Status {
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Every customer with a ledger, a limit or a hold, not only those needing attention.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// How a customer's grade is reached; records the grade in its history when it changed.
    Score {
        customer: String,
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record finance's scores (0-100) for the manual indicators.
    Set {
        customer: String,
        /// 经营状况
        #[arg(long)]
        operations: Option<i64>,
        /// 财务状况
        #[arg(long)]
        finances: Option<i64>,
        /// 市场信誉
        #[arg(long)]
        reputation: Option<i64>,
        /// 行业地位
        #[arg(long)]
        industry: Option<i64>,
    },
    /// Set a credit limit by hand (or --clear it to use the grade's).
    Limit {
        customer: String,
        /// The limit, e.g. 50000 or 50,000.00.
        amount: Option<String>,
        /// ISO 4217 currency of the amount (default: the base currency).
        #[arg(long)]
        currency: Option<String>,
        /// Review date (default: today + review_months).
        #[arg(long, value_name = "DATE")]
        review: Option<String>,
        #[arg(long, conflicts_with = "amount")]
        clear: bool,
    },
    /// The risk watch: put customers on hold (over limit, overdue past the threshold, dunning
    /// hold level) and clear holds whose reasons are gone; both logged.
    Watch {
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Payment-fraud alerts: inbound mail announcing new bank details, or from a lookalike domain.
    Alerts {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct ScoreOutput {
    card: scorecard::Scorecard,
    recorded: bool,
    history: Vec<scorecard::GradeEntry>,
}

pub fn run(cmd: CreditCommand, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let (ledger, rates) = load(ctx)?;
    let config = &ctx.config;
    let mut store = ctx.store.borrow_mut();
    match cmd {
        CreditCommand::Status {
            as_of: d,
            all,
            json,
        } => {
            let d = as_of(d.as_deref())?;
            let list: Vec<_> = control::positions(store.conn(), config, &ledger, &rates, d)?
                .into_iter()
                .filter(|p| {
                    all || p.over_limit
                        || !p.overdue.is_empty()
                        || p.review_due
                        || p.on_hold.is_some()
                })
                .collect();
            if json {
                return print_json(&list);
            }
            let base = &config.credit.base_currency;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    vec![
                        p.customer.clone(),
                        p.customer_name.clone(),
                        format!("{} {base}", p.exposure),
                        p.limit
                            .as_ref()
                            .map(|l| format!("{} {} ({})", l.amount, l.currency, l.source))
                            .unwrap_or_else(|| "-".into()),
                        p.utilisation_percent
                            .clone()
                            .map(|u| format!("{u}%"))
                            .unwrap_or_else(|| "-".into()),
                        p.overdue
                            .iter()
                            .map(|(n, d)| format!("{n}:{d}d"))
                            .collect::<Vec<_>>()
                            .join(" "),
                        if p.review_due {
                            "review due".into()
                        } else {
                            String::new()
                        },
                        p.on_hold
                            .as_ref()
                            .map(|h| format!("ON HOLD since {}", &h.since[..10]))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(
                    &[
                        "customer", "name", "exposure", "limit", "used", "overdue", "review",
                        "hold"
                    ],
                    &rows
                )
            );
            Ok(())
        }
        CreditCommand::Score {
            customer,
            as_of: d,
            json,
        } => {
            let d = as_of(d.as_deref())?;
            let tx = store.write()?;
            let id = customer_id(&tx, &customer)?;
            let card = scorecard::compute(&tx, &config.credit, id, &customer, &ledger, d)?;
            let recorded = scorecard::record(&tx, id, &card, actor)?;
            let history = scorecard::history(&tx, id)?;
            tx.commit()?;
            if json {
                return print_json(&ScoreOutput {
                    card,
                    recorded,
                    history,
                });
            }
            println!("Credit scorecard of {customer} at {d}");
            let rows: Vec<Vec<String>> = card
                .indicators
                .iter()
                .map(|i| {
                    vec![
                        format!("{} {}", i.indicator.key(), i.name_zh),
                        i.weight.to_string(),
                        i.score.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                        i.source.to_string(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(&["indicator", "weight", "score", "source"], &rows)
            );
            if let Some(r) = &card.payment_record {
                println!(
                    "payment record: {} invoices, {} late ({}%), average {} days late, longest {} days → {}",
                    r.invoices, r.late, r.share_late_percent, r.average_days_late, r.longest_delay_days, r.score
                );
            }
            match (card.total, card.grade) {
                (Some(t), Some(g)) => println!("total {t} → {} {}", g.key(), g.zh()),
                _ => println!("no indicator scored yet: no grade"),
            }
            for h in history {
                println!(
                    "  {} (as of {}): {} {} by {}",
                    h.at, h.as_of, h.score, h.grade, h.actor
                );
            }
            Ok(())
        }
        CreditCommand::Set {
            customer,
            operations,
            finances,
            reputation,
            industry,
        } => {
            let scores: Vec<(Indicator, i64)> = [
                (Indicator::Operations, operations),
                (Indicator::Finances, finances),
                (Indicator::Reputation, reputation),
                (Indicator::Industry, industry),
            ]
            .into_iter()
            .filter_map(|(i, s)| s.map(|s| (i, s)))
            .collect();
            anyhow::ensure!(
                !scores.is_empty(),
                "give at least one of --operations, --finances, --reputation, --industry"
            );
            let tx = store.write()?;
            let id = customer_id(&tx, &customer)?;
            scorecard::set_scores(&tx, id, &scores, actor)?;
            tx.commit()?;
            println!("{customer}: {} score(s) recorded", scores.len());
            Ok(())
        }
        CreditCommand::Limit {
            customer,
            amount,
            currency,
            review,
            clear,
        } => {
            let today = chrono::Utc::now().date_naive();
            let review = review
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(|e| anyhow::anyhow!("--review: {e}"))?;
            let currency = currency.unwrap_or_else(|| config.credit.base_currency.clone());
            let currency = crate::ledger::money::parse_currency(&currency)
                .map_err(|e| anyhow::anyhow!("--currency: {e}"))?;
            let limit = match (&amount, clear) {
                (Some(a), false) => {
                    Some(parse_amount(a, &currency).map_err(|e| anyhow::anyhow!("amount: {e}"))?)
                }
                (None, true) => None,
                _ => anyhow::bail!("give an AMOUNT, or --clear"),
            };
            let tx = store.write()?;
            let id = customer_id(&tx, &customer)?;
            control::set_limit(
                &tx,
                config,
                id,
                limit.map(|a| (a, currency.as_str())),
                review,
                today,
                actor,
            )?;
            tx.commit()?;
            match amount {
                Some(a) => println!("{customer}: credit limit {a} {currency}"),
                None => println!("{customer}: manual credit limit cleared"),
            }
            Ok(())
        }
        CreditCommand::Watch { as_of: d, json } => {
            let d = as_of(d.as_deref())?;
            // The same pass the daemon runs every `watch_interval_secs`.
            let outcome = crate::credit::daemon_task::watch_once(&mut store, config, d, actor)?;
            if json {
                return print_json(&outcome);
            }
            for (c, r) in &outcome.held {
                println!("ON HOLD {c}: {r} (alert to owner and finance: due)");
            }
            for c in &outcome.cleared {
                println!("hold cleared {c}");
            }
            if outcome.held.is_empty() && outcome.cleared.is_empty() {
                println!("no change");
            }
            Ok(())
        }
        CreditCommand::Alerts { json } => {
            let alerts = fraud::list(store.conn())?;
            if json {
                return print_json(&alerts);
            }
            let rows: Vec<Vec<String>> = alerts
                .iter()
                .map(|a| {
                    vec![
                        a.raised_at.clone(),
                        a.kind.clone(),
                        a.customer.clone().unwrap_or_else(|| "-".into()),
                        a.from_addr.clone().unwrap_or_default(),
                        a.subject.clone(),
                        a.evidence.clone(),
                        a.alert.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(
                    &[
                        "raised",
                        "kind",
                        "customer",
                        "from",
                        "subject",
                        "evidence",
                        "alert email"
                    ],
                    &rows
                )
            );
            Ok(())
        }
    }
}
