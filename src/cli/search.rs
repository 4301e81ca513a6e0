//! `tradewind search`, `tradewind reindex`, `tradewind customers timeline`.

use clap::Args;
use std::io::IsTerminal;

use super::{print_json, table, Context};
use std::path::Path;

use crate::config::Config;
use crate::index::remote::{self, Request};
use crate::index::{self, IndexError, Indexer, Scope, SearchRequest, SearchResults, Sort};
use crate::progress::Progress;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words, "phrases", AND/OR/NOT, field:value (from: to: subject: customer: mailbox: ...).
    #[arg(default_value = "")]
    query: String,
    /// Only mail filed under this customer code.
    #[arg(long)]
    customer: Option<String>,
    /// Only mail of customers owned by this login.
    #[arg(long)]
    owner: Option<String>,
    /// Only mail held by this mailbox.
    #[arg(long)]
    mailbox: Option<String>,
    /// From this day (YYYY-MM-DD, UTC), included.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Up to this day (YYYY-MM-DD, UTC), included.
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    #[arg(long, value_parser = ["in", "out", "internal", "inbound", "outbound"])]
    direction: Option<String>,
    #[arg(long, value_enum, default_value_t = Sort::Date)]
    sort: Sort,
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long)]
    json: bool,
    /// Search in this process even when the daemon answers searches (it keeps the index
    /// open, so asking it is faster; this catches the index up first).
    #[arg(long)]
    local: bool,
}

#[derive(Debug, Args)]
pub struct ReindexArgs {
    #[arg(long)]
    json: bool,
}

/// Opens the index and catches it up; another process holding the writer (the
/// daemon, which indexes itself) is not an error for a reader.
fn open_caught_up(ctx: &Context) -> anyhow::Result<Indexer> {
    let mut indexer = Indexer::open(&ctx.config.store.data_dir)?;
    match indexer.catch_up(&ctx.store.borrow()) {
        Ok(_) => {}
        Err(IndexError::Busy { .. }) => {
            tracing::info!(
                "search index is being updated by another process; searching what it holds"
            )
        }
        Err(e) => return Err(e.into()),
    }
    Ok(indexer)
}

/// Runs a search through the daemon when one answers (issue 4: it keeps the index and the
/// database open), else in this process.
pub fn search(args: SearchArgs, config: Option<&Path>, actor: &str) -> anyhow::Result<()> {
    let config = Config::load(&Config::locate(config)?)?;
    let (json, local) = (args.json, args.local);
    let request = Request {
        actor: actor.to_string(),
        search: request(args),
    };
    let remote = if local {
        None
    } else {
        remote::ask(&config.store.data_dir, &request)?
    };
    let results = match remote {
        Some(results) => results,
        None => {
            let ctx = super::open_with(config)?;
            let indexer = open_caught_up(&ctx)?;
            let store = ctx.store.borrow();
            let scope = Scope::resolve(&ctx.config, store.conn(), actor)?;
            indexer.search(&store, &scope, &request.search)?
        }
    };
    print_results(&results, json)
}

fn request(args: SearchArgs) -> SearchRequest {
    SearchRequest {
        query: args.query,
        customer: args.customer,
        owner: args.owner,
        mailbox: args.mailbox,
        from: args.from,
        to: args.to,
        direction: args.direction,
        sort: args.sort,
        limit: args.limit,
    }
}

fn print_results(results: &SearchResults, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(results);
    }
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    for hit in &results.hits {
        println!(
            "{}  {:<8}  {:<10}  {:<14}  {}",
            hit.date
                .as_deref()
                .map_or("----------", |d| d.get(..10).unwrap_or(d)),
            hit.direction,
            or_dash(&hit.customers.join(",")),
            or_dash(&hit.mailboxes.join(",")),
            hit.subject
        );
        if !hit.snippet.text.is_empty() {
            println!("    {}", hit.snippet.render(open, close));
        }
    }
    println!(
        "{} of {} matching message(s)",
        results.hits.len(),
        results.total
    );
    Ok(())
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

pub fn reindex(args: ReindexArgs, ctx: &Context) -> anyhow::Result<()> {
    let store = ctx.store.borrow();
    let total: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))?;
    let mut progress = Progress::new("indexing", total as u64, false, !args.json);
    let started = std::time::Instant::now();
    let count = index::rebuild(&store, &ctx.config.store.data_dir, &mut progress)?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        return print_json(&serde_json::json!({ "indexed": count, "seconds": seconds }));
    }
    println!(
        "indexed {count} message(s) in {seconds:.1} s into {}",
        index::index_dir(&ctx.config.store.data_dir).display()
    );
    Ok(())
}

pub fn timeline(code: &str, json: bool, ctx: &Context, actor: &str) -> anyhow::Result<()> {
    let store = ctx.store.borrow();
    let scope = Scope::resolve(&ctx.config, store.conn(), actor)?;
    let entries = index::timeline(store.conn(), &scope, code)?;
    if json {
        return print_json(&entries);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.date
                    .as_deref()
                    .map_or("-".into(), |d| d.get(..16).unwrap_or(d).replace('T', " ")),
                e.direction.clone(),
                e.from.clone().unwrap_or_else(|| "-".into()),
                e.subject.clone(),
                e.mailboxes.join(","),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(&["date", "dir", "from", "subject", "mailboxes"], &rows)
    );
    println!("{} message(s) with {code}", entries.len());
    Ok(())
}

/// The queries `tradewind demo` shows: Chinese, English, a phrase.
const DEMO_QUERIES: &[&str] = &["质量问题", "payment", "\"bank slip\""];

/// Prints a short search block for the demo summary: hits and the top hit per query.
pub fn demo_block(ctx: &Context, config_path: &std::path::Path) -> anyhow::Result<()> {
    let indexer = open_caught_up(ctx)?;
    let store = ctx.store.borrow();
    println!("\nsearch (English and Chinese in one box):");
    for q in DEMO_QUERIES {
        let req = SearchRequest {
            query: q.to_string(),
            sort: Sort::Relevance,
            limit: 1,
            ..SearchRequest::default()
        };
        let results = indexer.search(&store, &Scope::All, &req)?;
        println!(
            "  tradewind --config {} search '{q}'  → {} message(s)",
            config_path.display(),
            results.total
        );
        if let Some(top) = results.hits.first() {
            println!("    top: {}", top.subject);
            // A window around the first match, not the fragment's start.
            let first = top.snippet.highlights.first().map_or(0, |h| h[0]);
            let start = first.saturating_sub(30);
            let window = crate::index::search::Snippet {
                text: top.snippet.text.chars().skip(start).take(100).collect(),
                highlights: top
                    .snippet
                    .highlights
                    .iter()
                    .filter(|h| h[0] >= start && h[1] <= start + 100)
                    .map(|h| [h[0] - start, h[1] - start])
                    .collect(),
            };
            println!("    …{}…", window.render("[", "]"));
        }
    }
    Ok(())
}
