//! Watching a synced mailbox: IDLE on the Inbox, polling of the other folders.
//!
//! IDLE (RFC 2177) only watches the selected folder, so — as meli and Delta Chat do — the
//! Inbox, where customer mail arrives, is watched with IDLE and every other folder (Sent,
//! Archive, 客户/...) is polled every `[daemon] poll_interval_secs`. IDLE is re-issued every
//! [`IDLE_TIMEOUT`] (far inside the server's ~29 minute limit); because server keepalives
//! reset that timer, a silent dead link is noticed within minutes (research §1.1). Every
//! wake-up syncs the Inbox by UID — EXISTS counts are not trusted, async-imap can drop
//! unsolicited responses. Without IDLE in CAPABILITY (or with `[daemon] idle = false`)
//! everything is polled.

use std::convert::Infallible;
use std::time::Duration;

use tokio::time::Instant;

use super::status::State;
use super::{Shared, TaskError};
use crate::source::imap::{IdleEvent, ImapSession};
use crate::sync::Folder;

/// How long one IDLE command waits before it is re-issued.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Watches `mailbox` over `session` until the connection fails.
pub async fn watch(
    shared: &Shared,
    mailbox: &str,
    mut session: ImapSession,
    folders: Vec<Folder>,
) -> Result<Infallible, TaskError> {
    let poll = Duration::from_secs(shared.config.daemon.poll_interval_secs.max(1));
    let inbox = folders
        .iter()
        .find(|f| f.raw.eq_ignore_ascii_case("INBOX"))
        .cloned();
    let idle_on = match &inbox {
        Some(inbox) if shared.config.daemon.idle && session.has_capability("IDLE") => {
            Some(inbox.clone())
        }
        _ => None,
    };
    let others: Vec<Folder> = match &idle_on {
        Some(inbox) => folders
            .iter()
            .filter(|f| f.raw != inbox.raw)
            .cloned()
            .collect(),
        None => folders.clone(),
    };
    tracing::info!(
        mailbox,
        idle = idle_on.is_some(),
        polled_folders = others.len(),
        poll_interval_secs = poll.as_secs(),
        "watching for new mail"
    );
    shared.set_state(mailbox, State::Idle).await;
    let mut next_poll = Instant::now() + poll;
    loop {
        match &idle_on {
            Some(inbox) => {
                let wait = next_poll
                    .saturating_duration_since(Instant::now())
                    .clamp(Duration::from_secs(1), IDLE_TIMEOUT);
                let (back, event) = session.idle(&inbox.raw, wait).await?;
                session = back;
                if event == IdleEvent::NewData {
                    tracing::debug!(mailbox, folder = %inbox.name, "IDLE: server reported a change");
                }
                // The Inbox on every wake-up: cheap (EXAMINE + UID range), and it also covers
                // changes whose notice async-imap dropped.
                shared
                    .sync_folders(&mut session, mailbox, std::slice::from_ref(inbox))
                    .await?;
            }
            None => tokio::time::sleep_until(next_poll).await,
        }
        if Instant::now() >= next_poll {
            shared.sync_folders(&mut session, mailbox, &others).await?;
            next_poll = Instant::now() + poll;
        }
    }
}
