//! `tradewind sync --once [--mailbox NAME] [--json]`: one pass over the IMAP mailboxes.
//!
//! A thin layer over [`crate::sync`]: builds a tokio runtime, syncs the chosen mailboxes side
//! by side (one failing mailbox does not stop the others), prints per-folder counts.
//! The daemon that keeps syncing is `tradewind run`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{bail, Context as _};

use super::{print_json, table};
use crate::config::Config;
use crate::store::worker::StoreWorker;
use crate::sync::{options_for, sync_mailbox, MailboxReport};

/// Arguments of `tradewind sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// Sync every selected folder once and exit (the daemon is `tradewind run`).
    #[arg(long)]
    pub once: bool,
    /// Only this mailbox (a `[[mailboxes]]` name); default: every mailbox with IMAP settings.
    #[arg(long, value_name = "NAME")]
    pub mailbox: Option<String>,
    /// Print the per-folder report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// One mailbox's result, for `--json`.
#[derive(serde::Serialize)]
struct Outcome {
    mailbox: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<MailboxReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Runs `tradewind sync`.
pub fn run(args: SyncArgs, config_path: Option<&Path>) -> anyhow::Result<()> {
    if !args.once {
        bail!("`tradewind sync` only runs once, with --once; the daemon that keeps mailboxes in sync is `tradewind run`");
    }
    let config = Config::load(&Config::locate(config_path)?)?;
    let names: Vec<String> = match &args.mailbox {
        Some(name) => {
            let mailbox = config.mailbox(name).with_context(|| {
                format!(
                    "no mailbox named '{name}' in {}; configured: {}",
                    config.source_path.display(),
                    config
                        .mailboxes
                        .iter()
                        .map(|m| m.name.get_ref().as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            if mailbox.imap.is_none() {
                bail!("mailbox '{name}' has no [mailboxes.imap] section: nothing to sync");
            }
            vec![name.clone()]
        }
        None => config
            .mailboxes
            .iter()
            .filter(|m| m.imap.is_some())
            .map(|m| m.name.get_ref().clone())
            .collect(),
    };
    if names.is_empty() {
        bail!(
            "no mailbox in {} has a [mailboxes.imap] section: nothing to sync",
            config.source_path.display()
        );
    }
    // One bar at a time: several mailboxes sync side by side, and their bars would overwrite
    // each other, so a bar is drawn only for a single mailbox.
    let show_progress = !args.json && names.len() == 1 && std::io::stderr().is_terminal();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let outcomes: Vec<Outcome> = runtime.block_on(async {
        let worker = StoreWorker::start(&config.database_path())?;
        let users = config.users.clone();
        worker
            .write(move |store| -> anyhow::Result<()> {
                let tx = store.write()?;
                crate::store::customers::sync_users(&tx, &users)
                    .context("recording the config's users")?;
                tx.commit()?;
                Ok(())
            })
            .await??;
        // Each mailbox is a task of its own, as in the daemon: mailboxes sync in parallel, and
        // a mailbox's socket is read on the worker thread that polls it instead of that
        // thread waking this one for every TLS record it receives (issue 3).
        let config = std::sync::Arc::new(config);
        let runs = names.iter().map(|name| {
            let (worker, config, name) = (worker.clone(), config.clone(), name.clone());
            tokio::spawn(async move {
                let opts = options_for(&config, &name, show_progress);
                match sync_mailbox(&worker, &config, &name, &opts).await {
                    Ok(report) => Outcome {
                        mailbox: name,
                        report: Some(report),
                        error: None,
                    },
                    Err(e) => Outcome {
                        mailbox: name,
                        report: None,
                        error: Some(error_chain(&e)),
                    },
                }
            })
        });
        let mut outcomes = Vec::with_capacity(names.len());
        for joined in futures::future::join_all(runs).await {
            outcomes.push(joined.context("a mailbox's sync task failed")?);
        }
        Ok::<_, anyhow::Error>(outcomes)
    })?;

    if args.json {
        print_json(&outcomes)?;
    } else {
        print_reports(&outcomes);
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.error.is_some()).collect();
    match failed.as_slice() {
        [] => Ok(()),
        [one] if outcomes.len() == 1 => bail!("{}", one.error.as_deref().unwrap_or_default()),
        _ => {
            if !args.json {
                for o in &failed {
                    eprintln!("tradewind: {}", o.error.as_deref().unwrap_or_default());
                }
            }
            bail!(
                "{} of {} mailboxes failed to sync",
                failed.len(),
                outcomes.len()
            )
        }
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

fn print_reports(outcomes: &[Outcome]) {
    let mut rows = Vec::new();
    for o in outcomes {
        let Some(report) = &o.report else { continue };
        for f in &report.folders {
            rows.push(vec![
                report.mailbox.clone(),
                f.folder.clone(),
                f.fetched.to_string(),
                f.new_messages.to_string(),
                f.new_locations.to_string(),
                f.gone.to_string(),
                f.failed.to_string(),
                if f.uidvalidity_reset { "yes" } else { "" }.to_string(),
            ]);
        }
    }
    if !rows.is_empty() {
        print!(
            "{}",
            table::render(
                &[
                    "mailbox",
                    "folder",
                    "fetched",
                    "new",
                    "new location",
                    "gone",
                    "unparsed",
                    "re-scanned"
                ],
                &rows
            )
        );
    }
    for o in outcomes {
        if let Some(r) = &o.report {
            println!(
                "{}: {} folders, fetched {}, new {}, new locations {}, gone {}, unparsed {}",
                r.mailbox,
                r.folders.len(),
                r.total(|f| f.fetched),
                r.total(|f| f.new_messages),
                r.total(|f| f.new_locations),
                r.total(|f| f.gone),
                r.total(|f| f.failed)
            );
        }
    }
}
