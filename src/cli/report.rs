//! `tradewind report kpi`, `tradewind review` and `tradewind survey` (§7): printing over
//! [`crate::kpi`].

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use std::io::Write as _;
use std::path::PathBuf;

use super::Context;
use crate::kpi::{self, period::Period, Selection};

/// Output formats of `report kpi`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KpiFormat {
    Table,
    Csv,
    Xlsx,
    Html,
}

/// Arguments of `report kpi`.
#[derive(Debug, Args)]
pub struct KpiArgs {
    /// 2026-10 (month), 2026-Q4 (quarter) or 2026 (year).
    #[arg(long)]
    period: String,
    /// Only this salesperson (login).
    #[arg(long, conflicts_with = "team")]
    person: Option<String>,
    /// This team and its members.
    #[arg(long)]
    team: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: KpiFormat,
    /// Write to this file (xlsx needs one).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// List the messages, tickets, invoices or customers behind FIGURE (e.g. first_response_median).
    #[arg(long, value_name = "FIGURE")]
    explain: Option<String>,
    /// The whole report (or the explanation) as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `report kpi`. The scale classes are recomputed first (at the period's last day, or
/// today if earlier), each change audited.
pub fn kpi(args: KpiArgs, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let period = Period::parse(&args.period)?;
    let now = chrono::Utc::now();
    let zone = kpi::zone(&ctx.config)?;
    let last = kpi::period::Bounds::new(&period, &zone).last_day();
    let as_of = last.min(zone.local_date(now));
    let changes = {
        let mut store = ctx.store.borrow_mut();
        let tx = store.write()?;
        let changes = kpi::sales::recompute_scales(&tx, &ctx.config, as_of, actor)?;
        tx.commit()?;
        changes
    };
    for c in &changes {
        eprintln!(
            "scale of {}: {} → {} (trailing-12-month purchases {} {})",
            c.customer,
            c.before.as_deref().unwrap_or("-"),
            c.after,
            c.purchases,
            ctx.config.credit.base_currency
        );
    }
    let sel = Selection {
        person: args.person.clone(),
        team: args.team.clone(),
    };
    let mut report = kpi::build(ctx.store.borrow().conn(), &ctx.config, &period, &sel, now)?;
    if let Some(key) = &args.explain {
        let explained = kpi::explain::explain(&report, key)?;
        if args.json {
            return super::print_json(&explained);
        }
        print!("{}", kpi::explain::to_text(&explained));
        return Ok(());
    }
    let bytes: Vec<u8> = if args.json {
        // The records behind the figures are for --explain; the JSON report stays small.
        for s in &mut report.scopes {
            for f in &mut s.figures {
                f.evidence.clear();
            }
        }
        serde_json::to_vec_pretty(&report)?
    } else {
        match args.format {
            KpiFormat::Table => kpi::render::to_table(&report).into_bytes(),
            KpiFormat::Csv => kpi::render::to_csv(&report)?,
            KpiFormat::Html => kpi::html::to_html(&report).into_bytes(),
            KpiFormat::Xlsx => {
                if args.out.is_none() {
                    anyhow::bail!("--format xlsx needs --out FILE.xlsx");
                }
                kpi::render::to_xlsx(&report).context("building the workbook")?
            }
        }
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(())
}

/// Arguments of `review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The person reviewed (login).
    user: String,
    /// 2026-10, 2026-Q4 or 2026.
    #[arg(long)]
    period: String,
    /// 0-100.
    #[arg(long)]
    score: f64,
    #[arg(long)]
    comment: Option<String>,
    #[arg(long)]
    json: bool,
}

/// Runs `review U --period P --score N`: records the acting manager's score.
pub fn review(args: ReviewArgs, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let mut store = ctx.store.borrow_mut();
    let tx = store.write()?;
    let r = kpi::ratings::record_review(
        &tx,
        &ctx.config,
        &args.user,
        &args.period,
        args.score,
        args.comment.as_deref(),
        actor,
    )?;
    tx.commit()?;
    if args.json {
        return super::print_json(&r);
    }
    println!(
        "review of {} for {}: {} (by {actor})",
        r.login, r.period, r.score
    );
    Ok(())
}

/// Arguments of `survey`.
#[derive(Debug, Args)]
pub struct SurveyArgs {
    /// Customer code.
    customer: String,
    /// 1-5.
    #[arg(long)]
    score: i64,
    /// When the customer rated (YYYY-MM-DD, local; default today).
    #[arg(long)]
    date: Option<String>,
    #[arg(long)]
    comment: Option<String>,
}

/// Runs `survey C --score N`: records a customer's rating from a survey or visit.
pub fn survey(args: SurveyArgs, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let zone = kpi::zone(&ctx.config)?;
    let at = match &args.date {
        Some(d) => {
            let day = crate::ledger::parse_date(d).map_err(anyhow::Error::msg)?;
            // Noon local time: safely inside the day whatever the zone.
            zone.midnight(day) + chrono::Duration::hours(12)
        }
        None => chrono::Utc::now(),
    };
    let mut store = ctx.store.borrow_mut();
    let tx = store.write()?;
    let id = kpi::ratings::record_survey(
        &tx,
        &args.customer,
        args.score,
        &at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        args.comment.as_deref(),
        actor,
    )?;
    tx.commit()?;
    println!("rating {id} of {} recorded: {}", args.customer, args.score);
    Ok(())
}
