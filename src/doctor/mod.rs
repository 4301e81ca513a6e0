//! `tradewind doctor` (issue 9): every part tradewind depends on, checked in one go, each
//! result with the fix for a failure — so a person can see why the daemon is unhappy without
//! reading logs.
//!
//! The checks only look: no database is created or migrated, no mail is fetched or sent,
//! no folder is selected for writing.

mod cert;
mod local;
mod mailbox;
mod smtp;

use serde::Serialize;

use crate::config::Config;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

/// One line of the doctor's table.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was checked: "config", "data dir", "mailbox sales-li", "smtp"...
    pub subject: String,
    /// The aspect: "permissions", "tls", "login"...
    pub check: String,
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// What to do about a WARN or FAIL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn new(subject: &str, check: &str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            subject: subject.to_string(),
            check: check.to_string(),
            status,
            detail: detail.into(),
            fix: None,
        }
    }

    fn ok(subject: &str, check: &str, detail: impl Into<String>) -> Check {
        Check::new(subject, check, Status::Ok, detail)
    }

    fn warn(
        subject: &str,
        check: &str,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check::new(subject, check, Status::Warn, detail).with_fix(fix)
    }

    fn fail(
        subject: &str,
        check: &str,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check::new(subject, check, Status::Fail, detail).with_fix(fix)
    }

    fn with_fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }
}

/// Everything the doctor found.
#[derive(Debug, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// The worst status of any check.
    pub fn worst(&self) -> Status {
        self.checks
            .iter()
            .map(|c| c.status)
            .max()
            .unwrap_or(Status::Ok)
    }
}

/// Runs every check against `config` (already loaded and validated: a config that does not
/// load is the CLI's FAIL, reported before this).
pub async fn examine(config: &Config) -> Report {
    let mut checks = vec![Check::ok(
        "config",
        "load",
        format!("{} is valid", config.source_path.display()),
    )];
    checks.extend(local::secrets(config));
    checks.extend(local::data_dir(config));
    checks.extend(local::database(config));
    checks.extend(local::index(config));
    checks.push(local::disk(config));
    checks.push(local::clock());
    for mailbox in config.mailboxes.iter().filter(|m| m.imap.is_some()) {
        checks.extend(mailbox::examine(config, mailbox).await);
    }
    if let Some(smtp) = &config.smtp {
        checks.extend(smtp::examine(config, smtp).await);
    }
    Report { checks }
}
