//! Complaint emails become tickets that follow the company's complaint procedure (§6,
//! with §4.2/§4.3 on keeping the customer informed).
//!
//! - [`model`]: the weighted phrase file (config/complaints.toml) and its extensions;
//! - [`strip`]: what the sender wrote — quoted mail, signatures, disclaimers cut off;
//! - [`detect`]: scoring a message: complaint or not, category, severity, triggers;
//! - [`settings`]: the `[tickets]` config section (routing, SLA, notices);
//! - [`intake`]: the hook after matching that opens, attaches, reopens and acknowledges;
//! - [`tickets`]: working a ticket (list, show, assign, status, note, rate, breaches);
//! - [`report`]: the periodic analysis (§6.4).

pub mod detect;
pub mod eval;
pub mod intake;
pub mod model;
pub mod report;
pub mod settings;
pub mod strip;
pub mod tickets;
pub mod watch;

pub use detect::{Detector, Trigger, Verdict};
pub use intake::{Intake, Outcome};
pub use model::{Category, Model, Severity};
