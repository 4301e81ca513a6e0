//! The daemon's outbound task: every `[outbox] interval_secs` it runs the outbox feeds (the
//! daily dunning run, letters, ticket notices, credit alerts: [`crate::feeds`]), plans
//! follow-ups, greetings and occasions, then delivers what is due (issue 6). A run is never interrupted halfway by
//! shutdown: stop is only checked between runs, so a message is not abandoned mid-SMTP
//! (and if the process is killed anyway, the row is found `sending` and made `uncertain`).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use super::{stopped, Shared};
use crate::outbox::{deliver, plan, Outbound, OutboxError};
use crate::store::Store;

async fn once(
    shared: &Shared,
    dunning_day: &mut Option<chrono::NaiveDate>,
) -> Result<deliver::Report, OutboxError> {
    let config = &shared.config;
    let mut store = Store::open(&config.database_path())?;
    {
        let ob = Outbound::new(config)?;
        // Dunning letters, ticket notices and credit alerts (the feeds) join the outbox first.
        if let Err(e) = crate::feeds::daemon_pass(&mut store, &ob, Utc::now(), dunning_day) {
            tracing::warn!(error = %e, "outbox feeds failed; trying again next interval");
        }
        let tx = store.write()?;
        let report = plan::plan(&tx, &ob, Utc::now(), false)?;
        tx.commit()?;
        for e in &report.errors {
            tracing::warn!(customer = %e.customer, purpose = %e.purpose, error = %e.reason,
                "could not plan an email");
        }
        let new = report.planned.iter().filter(|p| p.new).count();
        if new > 0 || !report.cancelled.is_empty() {
            tracing::info!(
                planned = new,
                cancelled = report.cancelled.len(),
                "outbox planned"
            );
        }
    }
    deliver::deliver(&mut store, config, Utc::now()).await
}

/// Plans and delivers on a fixed interval until shutdown.
pub async fn task(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let every = Duration::from_secs(shared.config.outbox.interval_secs.max(10));
    let mut dunning_day = None;
    while !*stop.borrow() {
        match once(&shared, &mut dunning_day).await {
            Ok(r) => {
                for id in &r.recovered_uncertain {
                    tracing::error!(id, "outbox row was being sent when tradewind died: uncertain, run `tradewind outbox confirm`");
                }
                if !(r.sent.is_empty()
                    && r.drafted.is_empty()
                    && r.failed.is_empty()
                    && r.retry.is_empty())
                {
                    tracing::info!(
                        sent = r.sent.len(),
                        drafted = r.drafted.len(),
                        failed = r.failed.len(),
                        retry = r.retry.len(),
                        "outbox delivered"
                    );
                }
            }
            Err(e) => tracing::warn!(error = %e, "outbox run failed; trying again next interval"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stopped(&mut stop) => break,
        }
    }
}
