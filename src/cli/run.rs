//! `tradewind run`: the daemon in the foreground (systemd runs it as `Type=notify`).

use clap::{Args, ValueEnum};
use std::io::IsTerminal;

use crate::daemon;

/// `tradewind run [--log-format text|json]`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Log lines for people (text) or for log collectors (json, one object per line).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How the daemon writes its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Log filter directives always appended last, so no `TRADEWIND_LOG` can override them:
/// async-imap `log::trace!`s every command it writes, LOGIN with its password included, and
/// lettre logs the SMTP wire at debug level, AUTH PLAIN's base64 credentials included (found
/// by `tests/secrets.rs`, issue 9).
pub const FORCED_DIRECTIVES: &[&str] = &["async_imap=info", "lettre=info"];

/// The log filter: `$TRADEWIND_LOG` (else `default`), minus any directive of its own for
/// async-imap's targets, plus [`FORCED_DIRECTIVES`]. Used by every command.
pub fn env_filter(default: &str) -> tracing_subscriber::EnvFilter {
    let spec = std::env::var("TRADEWIND_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| default.to_string());
    // `async_imap::imap_stream=trace` would be more specific than the forced directive.
    let spec: Vec<&str> = spec
        .split(',')
        .filter(|d| {
            let d = d.trim_start();
            !d.starts_with("async_imap") && !d.starts_with("lettre")
        })
        .collect();
    let mut filter = tracing_subscriber::EnvFilter::try_new(spec.join(","))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    for directive in FORCED_DIRECTIVES {
        filter = filter.add_directive(directive.parse().expect("valid built-in directive"));
    }
    filter
}

/// Sets up logging for the daemon: `info` by default (a service should say what it does),
/// `-v` for debug, `$TRADEWIND_LOG` to choose; never trace for async-imap.
pub fn init_logging(verbose: u8, format: LogFormat) {
    let default = match verbose {
        0 => "info",
        _ => "debug",
    };
    let filter = env_filter(default);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .with_target(false)
            .try_init(),
    };
}

/// Runs the daemon until SIGTERM/SIGINT.
pub fn run(_args: RunArgs, ctx: super::Context) -> anyhow::Result<()> {
    let super::Context { config, store } = ctx;
    let open_secrets = config.check_secret_files();
    if !open_secrets.is_empty() {
        return Err(crate::config::ConfigError::OpenSecrets {
            problems: open_secrets,
        }
        .into());
    }
    // The daemon opens its own writer; the CLI's connection (used to sync users) goes.
    drop(store);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("tradewind")
        .build()?;
    runtime.block_on(daemon::run(config))?;
    // Do not wait for blocking-pool readers or stuck sockets: the store is already consistent.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    Ok(())
}
