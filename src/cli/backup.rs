//! `tradewind backup DEST` and `tradewind restore SRC` (issue 9).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;

use super::{print_json, Context};
use crate::backup;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// A new (or empty) directory for the copy.
    pub dest: PathBuf,
    /// Print what was copied as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A directory written by `tradewind backup`.
    pub src: PathBuf,
    /// Print what was restored as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn backup(args: BackupArgs, ctx: &Context) -> anyhow::Result<()> {
    let store = ctx.store.borrow();
    let manifest = backup::backup(&store, &ctx.config.store.data_dir, &args.dest)
        .with_context(|| format!("backing up into {}", args.dest.display()))?;
    if args.json {
        return print_json(&manifest);
    }
    let c = &manifest.counts;
    println!(
        "backed up {} customer(s), {} message(s), {} ticket(s) and {} attachment file(s) into {} \
         (database {:.1} MB, schema {})",
        c.customers,
        c.messages,
        c.tickets,
        manifest.attachments,
        args.dest.display(),
        manifest.database_bytes as f64 / 1e6,
        c.schema_version
    );
    Ok(())
}

/// Restores into the config's data dir, which must hold no database: the store is not opened
/// before the copy is in place.
pub fn restore(args: RestoreArgs, config: Option<&Path>) -> anyhow::Result<()> {
    let config = Config::load(&Config::locate(config)?)?;
    let data_dir = &config.store.data_dir;
    let restored = backup::restore(&args.src, data_dir, !args.json).with_context(|| {
        format!(
            "restoring {} into {}",
            args.src.display(),
            data_dir.display()
        )
    })?;
    if args.json {
        return print_json(&restored);
    }
    let c = &restored.counts;
    println!(
        "restored {} customer(s), {} message(s), {} ticket(s) and {} attachment file(s) into {}; \
         search index rebuilt ({} message(s))",
        c.customers,
        c.messages,
        c.tickets,
        restored.attachments,
        data_dir.display(),
        restored.indexed
    );
    Ok(())
}
