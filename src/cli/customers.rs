//! `tradewind customers ...`, `tradewind import customers`, `tradewind users list`.

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use std::path::PathBuf;

use super::{print_json, table, Context};
use crate::customers::apply::{apply_batch_checked, ApplyReport};
use crate::customers::import::{read_customers, record_from_fields};
use crate::customers::model::{Nature, Scale};
use crate::region::Continent;
use crate::store::customers::{self as registry, CustomerFilter, StoredCustomer};

#[derive(Debug, Subcommand)]
pub enum CustomersCommand {
    /// List customers, filtered; an aligned table or --json.
    List(ListArgs),
    /// Everything about one customer, with its stage history and audit trail.
    Show {
        /// Customer code.
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a customer: CODE NAME and any field as --set FIELD=VALUE (the import column names).
    Add {
        code: String,
        name: String,
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
    },
    /// Change fields of a customer: --set FIELD=VALUE, as in the import columns.
    Edit {
        code: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Move customers from one salesperson to another (§2.4 离职交接), with their whole history.
    Handover {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Only these customer codes (default: all of FROM's customers).
        #[arg(long = "customer", value_name = "CODE")]
        customers: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Every message with a customer, oldest first, across all mailboxes (within your --as scope).
    Timeline {
        /// Customer code.
        code: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    owner: Option<String>,
    /// ISO 3166 alpha-2 code or country name (英文或中文).
    #[arg(long)]
    country: Option<String>,
    /// africa, americas, asia, europe, oceania.
    #[arg(long)]
    continent: Option<Continent>,
    #[arg(long, conflicts_with = "foreign")]
    domestic: bool,
    #[arg(long)]
    foreign: bool,
    #[arg(long)]
    nature: Option<Nature>,
    #[arg(long)]
    scale: Option<Scale>,
    #[arg(long)]
    tag: Option<String>,
    /// Only customers not verified within [customers] stale_after_days (§2.4).
    #[arg(long)]
    stale: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ImportCustomersArgs {
    /// A .csv (UTF-8 or GBK) or .xlsx file; see the README for the columns.
    file: PathBuf,
    /// Show what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List the configured users.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: CustomersCommand, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let home = ctx.config.company.home_country.get_ref().clone();
    match cmd {
        CustomersCommand::List(args) => list(args, ctx, &home),
        CustomersCommand::Show { code, json } => {
            let detail = registry::get(ctx.store.borrow().conn(), &code, &home)?;
            if json {
                return print_json(&detail);
            }
            print!("{}", describe(&detail));
            Ok(())
        }
        CustomersCommand::Add { code, name, set } => {
            let mut fields = vec![
                ("code".to_string(), code.clone()),
                ("name".to_string(), name),
            ];
            fields.extend(parse_assignments(&set)?);
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            if registry::get(&tx, &code, &home).is_ok() {
                bail!("customer '{code}' already exists; use `customers edit {code} --set FIELD=VALUE`");
            }
            let record = record_or_errors(&fields)?;
            let matcher = crate::matching::Matcher::from_config(&ctx.config);
            let collisions = crate::dedupe::DedupeIndex::load(&tx, &matcher)?.check(
                &record,
                &matcher,
                &ctx.config.matching.duplicates,
            );
            let lines: Vec<String> = collisions.iter().map(|c| c.to_string()).collect();
            if crate::dedupe::blocks(&collisions) {
                bail!(
                    "duplicate check (查重) refuses '{code}': {}",
                    lines.join("; ")
                );
            }
            for line in &lines {
                eprintln!("warning: possible duplicate (查重) of {code}: {line}");
            }
            let done = registry::upsert(&tx, &record, actor)?;
            let refiled = matcher.rematch_customer(&tx, done.id)?;
            tx.commit()?;
            println!(
                "added customer {} ({}); re-filed {refiled} message(s)",
                done.code, record.name
            );
            Ok(())
        }
        CustomersCommand::Edit { code, set } => {
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let current = registry::get(&tx, &code, &home)?;
            let mut fields = vec![
                ("code".to_string(), code.clone()),
                ("name".to_string(), current.customer.record.name.clone()),
            ];
            fields.extend(parse_assignments(&set)?);
            let record = record_or_errors(&fields)?;
            let done = registry::upsert(&tx, &record, actor)?;
            if !done.changes.is_empty() {
                crate::matching::Matcher::from_config(&ctx.config)
                    .rematch_customer(&tx, done.id)?;
            }
            tx.commit()?;
            if done.changes.is_empty() {
                println!("{code}: nothing changed");
            }
            for c in &done.changes {
                println!(
                    "{code}: {} {} → {}",
                    c.field,
                    c.before.as_deref().unwrap_or("∅"),
                    c.after.as_deref().unwrap_or("∅")
                );
            }
            Ok(())
        }
        CustomersCommand::Handover {
            from,
            to,
            customers,
            json,
        } => {
            let mut store = ctx.store.borrow_mut();
            let tx = store.write()?;
            let moved = registry::handover(&tx, &from, &to, &customers, actor)?;
            tx.commit()?;
            if json {
                return print_json(
                    &serde_json::json!({ "from": from, "to": to, "customers": moved }),
                );
            }
            println!(
                "handed over {} customer(s) from {from} to {to}: {}",
                moved.len(),
                moved.join(", ")
            );
            Ok(())
        }
        CustomersCommand::Timeline { code, json } => {
            super::search::timeline(&code, json, ctx, actor)
        }
    }
}

fn parse_assignments(set: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    set.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .with_context(|| {
                    format!("--set '{s}': expected FIELD=VALUE, e.g. --set country=DE")
                })
        })
        .collect()
}

fn record_or_errors(
    fields: &[(String, String)],
) -> anyhow::Result<crate::customers::model::CustomerRecord> {
    record_from_fields(fields).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.column, e.reason))
            .collect();
        anyhow::anyhow!("invalid field value(s): {}", lines.join("; "))
    })
}

fn list(args: ListArgs, ctx: &Context, home: &str) -> anyhow::Result<()> {
    let country = match args.country.as_deref() {
        Some(c) => Some(
            crate::region::parse_country(c)
                .with_context(|| format!("--country '{c}' is not a country code or name"))?
                .alpha2
                .to_string(),
        ),
        None => None,
    };
    let filter = CustomerFilter {
        owner: args.owner,
        country,
        continent: args.continent,
        domestic: if args.domestic {
            Some(true)
        } else if args.foreign {
            Some(false)
        } else {
            None
        },
        nature: args.nature,
        scale: args.scale,
        tag: args.tag,
        verified_before: args.stale.then(|| {
            chrono::Utc::now().date_naive()
                - chrono::Duration::days(ctx.config.customers.stale_after_days as i64)
        }),
    };
    let customers = registry::list(ctx.store.borrow().conn(), &filter, home)?;
    if args.json {
        return print_json(&customers);
    }
    print!("{}", customers_table(&customers));
    eprintln!("{} customer(s)", customers.len());
    Ok(())
}

/// The table `customers list` prints.
pub fn customers_table(customers: &[StoredCustomer]) -> String {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let rows: Vec<Vec<String>> = customers
        .iter()
        .map(|c| {
            let r = &c.record;
            vec![
                r.code.clone(),
                r.name.clone(),
                opt(r.country.clone()),
                opt(c.continent.map(|x| x.key().to_string())),
                opt(r.nature.map(|x| x.key().to_string())),
                opt(r.scale.map(|x| x.key().to_string())),
                opt(r.stage.map(|x| x.key().to_string())),
                opt(r.owner.clone()),
                opt(r.last_verified.clone()),
                c.message_count.to_string(),
            ]
        })
        .collect();
    table::render(
        &[
            "code",
            "name",
            "country",
            "continent",
            "nature",
            "scale",
            "stage",
            "owner",
            "verified",
            "mails",
        ],
        &rows,
    )
}

fn describe(d: &registry::CustomerDetail) -> String {
    use std::fmt::Write;
    let c = &d.customer;
    let r = &c.record;
    let mut out = String::new();
    let mut field = |label: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            let _ = writeln!(out, "{label:<20}{v}");
        }
    };
    let key = |v: Option<&'static str>| v.map(String::from);
    let list = |v: &[String]| (!v.is_empty()).then(|| v.join(", "));
    field("code", Some(r.code.clone()));
    field("name", Some(r.name.clone()));
    field("legal rep", r.legal_rep.clone());
    field("address", r.address.clone());
    field("phone", r.phone.clone());
    field("fax", r.fax.clone());
    field("website", r.website.clone());
    field("business scope", r.business_scope.clone());
    let region = c.continent.map(|k| {
        let scope = match c.domestic {
            Some(true) => "domestic",
            _ => "foreign",
        };
        format!("{} / {} ({scope})", k.key(), c.subregion.unwrap_or("-"))
    });
    field("country", r.country.clone());
    field("region", region);
    field("nature", key(r.nature.map(|x| x.key())));
    field("scale", key(r.scale.map(|x| x.key())));
    field("source", key(r.source.map(|x| x.key())));
    field("stage", key(r.stage.map(|x| x.key())));
    field("owner", r.owner.clone());
    field("products", list(&r.product_categories));
    field("purchase frequency", r.purchase_frequency.clone());
    field("payment terms", r.payment_terms.clone());
    field(
        "price sensitivity",
        key(r.price_sensitivity.map(|x| x.key())),
    );
    field("credit rating", key(r.credit_rating.map(|x| x.key())));
    field(
        "credit limit",
        r.credit_limit_minor.map(|m| {
            format!(
                "{}.{:02} {}",
                m / 100,
                m % 100,
                r.currency.as_deref().unwrap_or("")
            )
        }),
    );
    field("market notes", r.market_notes.clone());
    field("tags", list(&r.tags));
    field(
        "do not contact",
        r.do_not_contact.filter(|x| *x).map(|_| "yes".to_string()),
    );
    field("last verified", r.last_verified.clone());
    field("domains", list(&r.domains));
    field("messages", Some(c.message_count.to_string()));
    for contact in &r.contacts {
        let mut line = contact.name.clone();
        if let Some(t) = &contact.title {
            line.push_str(&format!(", {t}"));
        }
        if !contact.emails.is_empty() {
            line.push_str(&format!(" <{}>", contact.emails.join(">, <")));
        }
        if !contact.phones.is_empty() {
            line.push_str(&format!(" {}", contact.phones.join(", ")));
        }
        field("contact", Some(line));
    }
    let _ = writeln!(out, "\nstage history:");
    for s in &d.stage_history {
        let _ = writeln!(out, "  {}  {}", s.changed_at, s.stage);
    }
    let _ = writeln!(out, "\naudit trail:");
    for a in &d.audit {
        let _ = writeln!(
            out,
            "  {}  {:<24} {}: {} → {}",
            a.at,
            a.actor,
            a.field,
            a.before.as_deref().unwrap_or("∅"),
            a.after.as_deref().unwrap_or("∅")
        );
    }
    out
}

pub fn import(args: ImportCustomersArgs, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let batch = read_customers(&args.file)?;
    let actor = format!("{actor} (import {})", args.file.display());
    let matcher = crate::matching::Matcher::from_config(&ctx.config);
    let report = apply_batch_checked(
        &mut ctx.store.borrow_mut(),
        batch,
        &actor,
        args.dry_run,
        &matcher,
        &ctx.config.matching.duplicates,
    )?;
    if !args.dry_run {
        let mut store = ctx.store.borrow_mut();
        let tx = store.write()?;
        let codes = report
            .created
            .iter()
            .chain(report.updated.iter().map(|u| &u.code));
        let mut ids = Vec::new();
        for code in codes {
            ids.push(
                tx.query_row("SELECT id FROM customers WHERE code = ?1", [code], |r| {
                    r.get(0)
                })?,
            );
        }
        matcher.rematch_customers(&tx, &ids)?;
        tx.commit()?;
    }
    if args.json {
        return print_json(&report);
    }
    print_apply_report(&report, &args.file.display().to_string(), args.dry_run);
    if !report.errors.is_empty() {
        bail!(
            "{} row error(s) in {}; those rows were not imported",
            report.errors.len(),
            args.file.display()
        );
    }
    Ok(())
}

/// Prints what a customer import did (or, on a dry run, would do).
pub fn print_apply_report(report: &ApplyReport, file: &str, dry_run: bool) {
    let verb = if dry_run { "would " } else { "" };
    for w in &report.warnings {
        eprintln!("warning: {file}: {w}");
    }
    for e in &report.errors {
        eprintln!("{file}: row {}: {}: {}", e.row, e.column, e.reason);
    }
    for d in &report.duplicates {
        if d.collision.mode == crate::config::DuplicateMode::Warn {
            eprintln!(
                "warning: {file}: row {}: {} possible duplicate (查重): {}",
                d.row, d.code, d.collision
            );
        }
    }
    for u in &report.updated {
        for c in &u.changes {
            println!(
                "{verb}update {}: {} {} → {}",
                u.code,
                c.field,
                c.before.as_deref().unwrap_or("∅"),
                c.after.as_deref().unwrap_or("∅")
            );
        }
    }
    println!(
        "{file}: {verb}create {}, {verb}update {}, unchanged {}, rejected rows {}{}",
        report.created.len(),
        report.updated.len(),
        report.unchanged,
        report.errors.len(),
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
}

pub fn users(cmd: UsersCommand, ctx: &Context) -> anyhow::Result<()> {
    let UsersCommand::List { json } = cmd;
    let store = ctx.store.borrow();
    let mut stmt = store
        .conn()
        .prepare("SELECT login, name, email, role, team, (SELECT COUNT(*) FROM customers c WHERE c.owner = u.login) FROM users u WHERE active = 1 ORDER BY login")?;
    let rows: Vec<serde_json::Value> = stmt
        .query_map([], |r| {
            Ok(serde_json::json!({
                "login": r.get::<_, String>(0)?, "name": r.get::<_, String>(1)?, "email": r.get::<_, String>(2)?,
                "role": r.get::<_, String>(3)?, "team": r.get::<_, Option<String>>(4)?, "customers": r.get::<_, i64>(5)?,
            }))
        })?
        .collect::<Result<_, _>>()?;
    if json {
        return print_json(&rows);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|u| {
            ["login", "name", "email", "role", "team", "customers"]
                .iter()
                .map(|k| match &u[k] {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => "-".into(),
                    v => v.to_string(),
                })
                .collect()
        })
        .collect();
    print!(
        "{}",
        table::render(
            &["login", "name", "email", "role", "team", "customers"],
            &cells
        )
    );
    Ok(())
}
