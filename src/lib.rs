//! tradewind: the customer-mail daemon of an export company.
//!
//! Data flows one way, one module per step:
//! source ([`source`]: IMAP or an offline Maildir/mbox/.eml import) → [`parse`] →
//! [`store`] → [`matching`] to customers → index → rules → outbox.
//! The CLI ([`cli`]) and the daemon are thin layers over these library functions.
//! The company rules served are in MISSION.md; modules name the section (§2, §5...)
//! a feature comes from.

pub mod backup;
pub mod cli;
pub mod complaints;
pub mod config;
pub mod credit;
pub mod customers;
pub mod daemon;
pub mod dedupe;
pub mod demo;
pub mod doctor;
pub mod dunning;
pub mod feeds;
pub mod index;
pub mod ingest;
pub mod kpi;
pub mod leads;
pub mod ledger;
pub mod matching;
pub mod metrics;
pub mod outbox;
pub mod parse;
pub mod pool;
pub mod progress;
pub mod region;
pub mod source;
pub mod store;
pub mod sync;
pub mod tls;
pub mod workhours;
