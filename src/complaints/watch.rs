//! The daemon's SLA watch (§6): once a minute, SLA stages missed since the last look are
//! recorded as breach notices for the owner and the managers — once per ticket and stage,
//! never repeatedly — for the outbound engine to send.

use std::time::Duration;

use crate::complaints::settings::TicketsConfig;
use crate::store::worker::StoreWorker;

/// How often the daemon looks for new breaches.
pub const EVERY: Duration = Duration::from_secs(60);

/// Starts the watch on the daemon's writer; abort the handle to stop it.
pub fn spawn(worker: StoreWorker, settings: TicketsConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if !settings.enabled {
            return;
        }
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            let s = settings.clone();
            let done = worker
                .write(move |store| -> Result<usize, String> {
                    let tx = store.write().map_err(|e| e.to_string())?;
                    let n = super::tickets::record_breaches(&tx, &s, chrono::Utc::now())
                        .map_err(|e| e.to_string())?;
                    tx.commit().map_err(|e| e.to_string())?;
                    Ok(n)
                })
                .await;
            match done {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(breaches = n, "SLA breaches recorded for notification"),
                Ok(Err(e)) => tracing::warn!(error = %e, "could not check ticket SLAs"),
                Err(_) => return,
            }
        }
    })
}
