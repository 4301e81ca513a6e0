//! The outbound engine (issue 6): one outbox through which every email tradewind writes
//! leaves — follow-ups and holiday greetings (§4 定期回访, 节日关怀), and, built by others on
//! the same API, ticket replies (§6) and dunning letters (§5).
//!
//! - [`queue`]: the table, idempotent [`queue::Outbound::enqueue`], the state machine and the
//!   exactly-once discipline (`sending` committed before SMTP, `uncertain` after a crash).
//! - [`render`]: minijinja templates per purpose and language; [`compose`]: the RFC 5322
//!   message, header injection refused.
//! - [`deliver`] with [`smtp`]: submission as the owner's mailbox, the copy in Sent, drafts in
//!   Drafts, 4xx retried with backoff, 5xx failed, a per-mailbox hourly rate and a kill switch.
//! - [`bounces`]: DSNs among synced mail mark addresses bad.
//! - [`plan`]: follow-ups, greetings and occasions; [`window`], [`timezones`], [`holidays`]:
//!   send windows in the recipient's local time.

pub mod bounces;
pub mod compose;
pub mod config;
pub mod deliver;
pub mod holidays;
pub mod plan;
pub mod queue;
pub mod render;
pub mod smtp;
pub mod timezones;
pub mod window;

pub use queue::{Content, Enqueued, NewEmail, Outbound, Timing};

/// Why an outbox operation failed; names the row, mailbox, file or address concerned.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Template(#[from] render::TemplateError),
    #[error(transparent)]
    Compose(#[from] compose::ComposeError),
    #[error(transparent)]
    Holidays(#[from] holidays::HolidayError),
    #[error("mailbox '{0}' is not in the config")]
    UnknownMailbox(String),
    #[error("{0} is marked bad (a delivery status notification said mail to it fails)")]
    BadAddress(String),
    #[error("no outbox row {0}")]
    NoSuchRow(i64),
    #[error("outbox row {id} is {state}: cannot make it {action}")]
    WrongState {
        id: i64,
        state: String,
        action: &'static str,
    },
    #[error("mailbox '{mailbox}': {message}")]
    Smtp { mailbox: String, message: String },
}
