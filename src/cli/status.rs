//! `tradewind status`: what the daemon is doing with each mailbox.

use clap::Args;

use super::{print_json, table, Context};
use crate::daemon::status;

/// `tradewind status [--json]`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long)]
    pub json: bool,
}

/// Prints each configured mailbox: state, last successful sync, message counts, last error.
pub fn run(args: StatusArgs, ctx: &Context) -> anyhow::Result<()> {
    let rows = status::list(ctx.store.borrow().conn(), &ctx.config)?;
    if args.json {
        return print_json(&rows);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|s| {
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            let state = match (&s.next_retry, s.state.as_str()) {
                _ if !s.running && !matches!(s.state.as_str(), "stopped" | "never" | "no imap") => {
                    format!("{} (daemon not running)", s.state)
                }
                (Some(at), "backoff" | "error") => format!("{} (retry {at})", s.state),
                _ => s.state.clone(),
            };
            vec![
                s.mailbox.clone(),
                state,
                dash(&s.last_success),
                s.messages.to_string(),
                s.matched.to_string(),
                s.gone.to_string(),
                s.last_error
                    .as_ref()
                    .map(|e| format!("{} ({})", e, dash(&s.last_error_at)))
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &[
                "mailbox",
                "state",
                "last sync",
                "messages",
                "matched",
                "gone",
                "last error"
            ],
            &cells
        )
    );
    Ok(())
}
