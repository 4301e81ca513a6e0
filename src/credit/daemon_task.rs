//! The risk watch inside `tradewind run` (§5.3): every `[credit] watch_interval_secs` the
//! daemon runs the same [`control::watch`] as `tradewind credit watch` for today, so a customer
//! that becomes over-limit or overdue past the threshold is put on hold (one hold, one alert
//! due) without anyone running a command, and a hold is cleared when its reasons are gone.

use std::time::Duration;

use tokio::sync::watch;

use super::control::{self, WatchOutcome};
use super::CreditError;
use crate::config::Config;
use crate::ledger::rates::Rates;
use crate::ledger::Ledger;
use crate::store::worker::StoreWorker;
use crate::store::Store;

/// Who the daemon writes in the audit trail.
pub const ACTOR: &str = "daemon:credit-watch";

/// One watch pass at `as_of` in one write transaction.
pub fn watch_once(
    store: &mut Store,
    config: &Config,
    as_of: chrono::NaiveDate,
    actor: &str,
) -> Result<WatchOutcome, CreditError> {
    let tx = store.write()?;
    let ledger = Ledger::load(&tx)?;
    let rates = Rates::load(&tx, &config.credit.base_currency, &config.credit.rates)?;
    let outcome = control::watch(&tx, config, &ledger, &rates, as_of, actor)?;
    tx.commit()?;
    Ok(outcome)
}

/// Runs the watch now and then every interval until `stop`; off when the interval is 0.
pub async fn task(worker: StoreWorker, config: Config, mut stop: watch::Receiver<bool>) {
    let every = config.credit.watch_interval_secs;
    if every == 0 {
        return;
    }
    loop {
        let config_for_pass = config.clone();
        let result = worker
            .write(move |store| {
                let today = chrono::Utc::now().date_naive();
                watch_once(store, &config_for_pass, today, ACTOR)
            })
            .await;
        match result {
            Ok(Ok(o)) => {
                for (customer, reason) in &o.held {
                    tracing::warn!(%customer, %reason, "credit hold: stop shipments (§5.3); alert due");
                }
                for customer in &o.cleared {
                    tracing::info!(%customer, "credit hold cleared");
                }
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "credit watch failed; retrying next interval"),
            Err(_) => return,
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(every)) => {}
            _ = crate::daemon::stopped(&mut stop) => return,
        }
    }
}
