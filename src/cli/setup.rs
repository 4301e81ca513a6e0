//! `tradewind init DIR` and `tradewind demo`.

use anyhow::{bail, Context as _};
use clap::Args;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{open_with, Context};
use crate::config::Config;
use crate::customers::apply::apply_batch;
use crate::customers::import::read_customers;
use crate::ingest::import_mail;
use crate::store::customers::{self as registry, CustomerFilter};
use crate::store::messages::{self, MessageFilter};

/// The commented example config; `init` starts from it.
pub const EXAMPLE_CONFIG: &str = include_str!("../../config/tradewind.example.toml");

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory for the config and the data (created if missing).
    dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to create the sample company (replaced if it holds an earlier demo).
    #[arg(long, default_value = "tradewind-demo")]
    dir: PathBuf,
    /// Seed of the generated sample data.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

/// Marks a directory as made by `tradewind demo`, so a re-run may replace it.
const DEMO_MARKER: &str = ".tradewind-demo";

pub fn init(args: InitArgs) -> anyhow::Result<()> {
    let config_path = args.dir.join("tradewind.toml");
    if config_path.exists() {
        bail!(
            "{} already exists; not overwriting it",
            config_path.display()
        );
    }
    std::fs::create_dir_all(args.dir.join("data"))
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let text = EXAMPLE_CONFIG.replace("data_dir = \"/var/lib/tradewind\"", "data_dir = \"data\"");
    std::fs::write(&config_path, text)
        .with_context(|| format!("writing {}", config_path.display()))?;
    let config = Config::load(&config_path)?;
    let ctx = open_with(config)?;
    println!("wrote {}", config_path.display());
    println!("created {}", ctx.store.borrow().path().display());
    println!("next: edit the config (company, users, mailboxes), then:");
    println!(
        "  tradewind --config {} import customers customers.csv",
        config_path.display()
    );
    Ok(())
}

pub fn demo(args: DemoArgs) -> anyhow::Result<()> {
    let dir = fresh_demo_dir(&args.dir)?;
    let company = crate::demo::generate::generate(&dir, args.seed)
        .context("generating the sample company")?;
    std::fs::write(
        dir.join(DEMO_MARKER),
        "made by `tradewind demo`; safe to delete\n",
    )?;
    let config_path = dir.join("tradewind.toml");
    let config = Config::load(&config_path)?;
    let company_name = config.company.name.clone();
    let ctx = open_with(config)?;

    println!("tradewind demo: {company_name} (a generated sample company)");
    println!(
        "config {}  ·  database {}\n",
        config_path.display(),
        ctx.store.borrow().path().display()
    );

    let mut created = 0;
    for csv in [&company.customers_csv, &company.customers_gbk_csv] {
        let batch = read_customers(csv)?;
        let report = apply_batch(&mut ctx.store.borrow_mut(), batch, "demo (import)", false)?;
        super::customers::print_apply_report(&report, &file_name(csv), false);
        created += report.created.len();
    }
    let home = ctx.config.company.home_country.get_ref().clone();
    let all = registry::list(ctx.store.borrow().conn(), &CustomerFilter::default(), &home)?;
    let mut by_continent: BTreeMap<String, usize> = BTreeMap::new();
    for c in &all {
        let key = match (c.domestic, c.continent) {
            (Some(true), _) => "domestic".to_string(),
            (_, Some(k)) => k.key().to_string(),
            _ => "unknown".to_string(),
        };
        *by_continent.entry(key).or_default() += 1;
    }
    println!(
        "customers: {created} created; by region: {}\n",
        by_continent
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    for (mailbox, maildir) in &company.mail_dirs {
        let report = import_mail(
            &mut ctx.store.borrow_mut(),
            &ctx.config,
            maildir,
            mailbox,
            true,
        )?;
        super::mail::print_import_report(&report, mailbox);
    }
    summarize(&ctx, &config_path, &home)
}

fn summarize(ctx: &Context, config_path: &Path, home: &str) -> anyhow::Result<()> {
    let store = ctx.store.borrow();
    let totals = messages::totals(store.conn())?;
    println!(
        "\nmail: {} files from {} mailboxes → {} messages ({} duplicate copies merged); {} filed under {} customers",
        totals.locations,
        ctx.config.mailboxes.len(),
        totals.messages,
        totals.locations - totals.messages,
        totals.matched_messages,
        totals.customers_with_mail
    );

    let mut customers = registry::list(store.conn(), &CustomerFilter::default(), home)?;
    customers.sort_by(|a, b| {
        b.message_count
            .cmp(&a.message_count)
            .then(a.record.code.cmp(&b.record.code))
    });
    customers.truncate(8);
    println!("\ncustomers with the most correspondence:");
    print!("{}", super::customers::customers_table(&customers));

    let busiest = customers.first().map(|c| c.record.code.clone());
    if let Some(code) = &busiest {
        let filter = MessageFilter {
            customer: Some(code.clone()),
            limit: Some(6),
            ..Default::default()
        };
        println!("\nlatest mail filed under {code}:");
        print!(
            "{}",
            super::mail::messages_table(&messages::list(store.conn(), &filter)?)
        );
    }
    let unmatched = MessageFilter {
        unmatched: true,
        limit: Some(5),
        ..Default::default()
    };
    let unmatched: Vec<_> = messages::list(store.conn(), &unmatched)?
        .into_iter()
        .filter(|m| m.direction == "inbound")
        .collect();
    if !unmatched.is_empty() {
        println!("\ninbound mail filed under no customer (new leads, notifications):");
        print!("{}", super::mail::messages_table(&unmatched));
    }

    super::tickets::demo_block(&store)?;
    let cfg = config_path.display();
    let code = busiest.unwrap_or_else(|| "CODE".into());
    super::search::demo_block(ctx, config_path)?;
    println!("\ntry next:");
    for cmd in [
        "customers list --continent europe".to_string(),
        format!("customers show {code}"),
        format!("messages list --customer {code}"),
        "customers list --stale".to_string(),
        "leads list".to_string(),
        "tickets list".to_string(),
        format!("customers timeline {code}"),
        "customers handover --from li.wei --to zhang.min".to_string(),
        format!(
            "import customers {} --dry-run",
            config_path.with_file_name("customers.csv").display()
        ),
    ] {
        println!("  tradewind --config {cfg} {cmd}");
    }
    Ok(())
}

/// Makes `dir` empty: creates it, or clears an earlier demo; refuses anything else.
fn fresh_demo_dir(dir: &Path) -> anyhow::Result<PathBuf> {
    if dir.exists() {
        let is_empty = std::fs::read_dir(dir)?.next().is_none();
        if !is_empty && !dir.join(DEMO_MARKER).exists() {
            bail!(
                "{} exists and was not made by `tradewind demo`; choose another --dir",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("removing the earlier demo in {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(std::fs::canonicalize(dir)?)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
