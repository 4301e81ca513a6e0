//! SMTP submission of one message, step by step, so the outcome is known precisely.
//!
//! lettre's connection is driven command by command (MAIL, RCPT, DATA, content) instead of
//! its one-shot `send`: a refusal before the content is sent is certain (5xx → failed, 4xx or
//! no connection → retry later), while a failure *during or after* the content is a message
//! whose fate is unknown (the server may have queued it) — that row becomes `uncertain` and
//! a person decides (lettre DEVELOPERS.md: never resend after DATA).

use std::path::PathBuf;
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use lettre::Address;

use super::OutboxError;
use crate::config::Config;
use crate::tls::TlsMode;

/// Where and as whom a mailbox submits mail. Debug never shows the password.
#[derive(Clone)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: String,
    password: String,
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SMTP {}:{} as {} ({:?})",
            self.host, self.port, self.username, self.tls
        )
    }
}

/// The SMTP account of `mailbox`: its `[mailboxes.smtp]` (credentials defaulting to its
/// IMAP ones), else the global `[smtp]`. Reads the password now.
pub fn target_for(config: &Config, mailbox: &str) -> Result<Target, OutboxError> {
    let m = config
        .mailbox(mailbox)
        .ok_or_else(|| OutboxError::UnknownMailbox(mailbox.into()))?;
    let base = config
        .source_path
        .parent()
        .unwrap_or(std::path::Path::new("."));
    let port_for = |tls: TlsMode, port: Option<u16>| {
        port.unwrap_or(match tls {
            TlsMode::Implicit => 465,
            TlsMode::Starttls => 587,
            TlsMode::Plain => 25,
        })
    };
    let reveal = |s: &crate::config::Secret| {
        s.reveal().map_err(|e| OutboxError::Smtp {
            mailbox: mailbox.into(),
            message: format!("SMTP password: {e}"),
        })
    };
    if let Some(s) = &m.smtp {
        let imap = m.imap.as_ref();
        let username = s
            .username
            .clone()
            .or_else(|| imap.map(|i| i.username.clone()))
            .unwrap_or_else(|| m.address.clone());
        let password = match (&s.password, imap.and_then(|i| i.password.as_ref())) {
            (Some(p), _) | (None, Some(p)) => reveal(p)?,
            (None, None) => return Err(OutboxError::Smtp {
                mailbox: mailbox.into(),
                message:
                    "[mailboxes.smtp] has no password and the mailbox has no IMAP password to reuse"
                        .into(),
            }),
        };
        return Ok(Target {
            host: s.host.clone(),
            port: port_for(s.tls, s.port),
            tls: s.tls,
            username,
            password,
            ca_file: s.ca_file.as_ref().map(|p| base.join(p)),
        });
    }
    let s = config.smtp.as_ref().ok_or_else(|| OutboxError::Smtp {
        mailbox: mailbox.into(),
        message: "no [mailboxes.smtp] for this mailbox and no global [smtp]".into(),
    })?;
    Ok(Target {
        host: s.host.clone(),
        port: port_for(s.tls, s.port),
        tls: s.tls,
        username: s.username.clone(),
        password: reveal(&s.password)?,
        ca_file: s.ca_file.as_ref().map(|p| base.join(p)),
    })
}

/// How a submission ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 250 after the content: the server has it. The reply text.
    Accepted(String),
    /// A 5xx: it will never go; the server's reply.
    Permanent(String),
    /// A 4xx, or no connection / TLS / login before anything was handed over: try later.
    Transient(String),
    /// The link failed while or after the content was sent: fate unknown.
    Unknown(String),
}

fn reply(r: &Response) -> String {
    format!("{} {}", r.code(), r.message().collect::<Vec<_>>().join(" "))
}

fn refused(e: lettre::transport::smtp::Error, step: &str) -> Outcome {
    let text = format!("{step}: {e}");
    if e.is_permanent() {
        Outcome::Permanent(text)
    } else {
        Outcome::Transient(text)
    }
}

/// How long each SMTP step may take.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(60);

/// Submits `raw` from `from` to `rcpts` through `t`, one SMTP command at a time.
pub async fn submit(t: &Target, from: &str, rcpts: &[String], raw: &[u8]) -> Outcome {
    let addr = format!("{}:{}", t.host, t.port);
    let tls_params = || -> Result<TlsParameters, String> {
        let mut b = TlsParameters::builder(t.host.clone());
        if let Some(ca) = &t.ca_file {
            let pem = std::fs::read(ca)
                .map_err(|e| format!("cannot read CA file {}: {e}", ca.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("CA file {}: {e}", ca.display()))?;
            b = b.add_root_certificate(cert);
        }
        b.build_rustls().map_err(|e| format!("TLS setup: {e}"))
    };
    let params = match t.tls {
        TlsMode::Plain => None,
        _ => match tls_params() {
            Ok(p) => Some(p),
            Err(e) => return Outcome::Transient(format!("SMTP {addr}: {e}")),
        },
    };
    let hello = ClientId::default();
    let implicit = if t.tls == TlsMode::Implicit {
        params.clone()
    } else {
        None
    };
    let mut conn = match AsyncSmtpConnection::connect_tokio1(
        (t.host.as_str(), t.port),
        Some(SMTP_TIMEOUT),
        &hello,
        implicit,
        None,
    )
    .await
    {
        Ok(c) => c,
        Err(e) => return Outcome::Transient(format!("SMTP {addr}: connect: {e}")),
    };
    if t.tls == TlsMode::Starttls {
        let Some(p) = params else {
            return Outcome::Transient(format!("SMTP {addr}: no TLS parameters"));
        };
        if let Err(e) = conn.starttls(p, &hello).await {
            // Never fall back to plaintext.
            return Outcome::Transient(format!("SMTP {addr}: STARTTLS: {e}"));
        }
    }
    let creds = Credentials::new(t.username.clone(), t.password.clone());
    if let Err(e) = conn
        .auth(&[Mechanism::Plain, Mechanism::Login], &creds)
        .await
    {
        // A refused login is the account's problem, not the message's: retry later.
        return Outcome::Transient(format!("SMTP {addr}: login as {}: {e}", t.username));
    }
    let Ok(sender) = from.parse::<Address>() else {
        return Outcome::Permanent(format!("sender '{from}' is not an address"));
    };
    let mut options = Vec::new();
    if !raw.is_ascii() {
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    if let Err(e) = conn.command(Mail::new(Some(sender), options)).await {
        return refused(e, &format!("SMTP {addr}: MAIL FROM"));
    }
    for r in rcpts {
        let Ok(to) = r.parse::<Address>() else {
            return Outcome::Permanent(format!("recipient '{r}' is not an address"));
        };
        if let Err(e) = conn.command(Rcpt::new(to, Vec::new())).await {
            return refused(e, &format!("SMTP {addr}: RCPT TO <{r}>"));
        }
    }
    if let Err(e) = conn.command(Data).await {
        return refused(e, &format!("SMTP {addr}: DATA"));
    }
    // From here on the server may have the message.
    let result = conn.message(raw).await;
    let outcome = match result {
        Ok(r) => Outcome::Accepted(reply(&r)),
        Err(e) if e.is_permanent() => Outcome::Permanent(format!("SMTP {addr}: message: {e}")),
        Err(e) if e.is_transient() => Outcome::Transient(format!("SMTP {addr}: message: {e}")),
        Err(e) => Outcome::Unknown(format!("SMTP {addr}: while sending the message: {e}")),
    };
    let _ = conn.quit().await;
    outcome
}
