//! The doctor's look at one IMAP mailbox: DNS, TCP, TLS and its certificate, login, the
//! extensions tradewind uses (ID, IDLE, CONDSTORE), folder discovery.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::{cert, Check};
use crate::config::{Config, Mailbox};
use crate::source::imap::{ImapEndpoint, ImapStage};
use crate::sync::SyncError;
use crate::tls::TlsMode;

/// Each network step gets this long.
const STEP: Duration = Duration::from_secs(10);
/// A certificate closer than this to its end is a WARN.
const CERT_WARN_DAYS: i64 = 14;

pub async fn examine(config: &Config, mailbox: &Mailbox) -> Vec<Check> {
    let imap = mailbox.imap.as_ref().expect("only mailboxes with [imap]");
    let subject = format!("mailbox {}", mailbox.name.get_ref());
    let ep = crate::sync::endpoint(config, imap);
    let mut checks = Vec::new();

    let resolved = match tokio::time::timeout(STEP, tokio::net::lookup_host(ep.address())).await {
        Ok(Ok(addrs)) => addrs.count(),
        Ok(Err(_)) | Err(_) => 0,
    };
    match resolved {
        0 => {
            checks.push(Check::fail(
                &subject,
                "dns",
                format!("cannot resolve {}", ep.host),
                "check the host name in [mailboxes.imap] and the machine's DNS",
            ));
            return checks;
        }
        n => checks.push(Check::ok(
            &subject,
            "dns",
            format!("{} resolves ({n} address(es))", ep.host),
        )),
    }
    match tls_probe(&ep).await {
        Ok(probe) => checks.push(probe),
        Err(check) => {
            checks.push(check);
            return checks;
        }
    }

    let mut session = match crate::sync::open_session(config, mailbox.name.get_ref()).await {
        Ok(s) => {
            checks.push(Check::ok(
                &subject,
                "login",
                format!("logged in as {}", imap.username),
            ));
            s
        }
        Err(e) => {
            let fix = match &e {
                SyncError::Imap { source, .. }
                    if matches!(source.stage(), ImapStage::Login { .. }) =>
                {
                    "check the username and the password source; providers that need an app \
                     password or client authorisation code (授权码) refuse the web password"
                }
                SyncError::Credentials { .. } => {
                    "make the password source readable (env var, file or credential)"
                }
                _ => "see the detail; `tradewind sync --once -v` shows every step",
            };
            checks.push(Check::fail(&subject, "login", e.to_string(), fix));
            return checks;
        }
    };
    let offered: Vec<&str> = ["ID", "IDLE", "CONDSTORE"]
        .into_iter()
        .filter(|c| session.has_capability(c))
        .collect();
    let missing: Vec<&str> = ["ID", "IDLE", "CONDSTORE"]
        .into_iter()
        .filter(|c| !offered.contains(c))
        .collect();
    checks.push(if missing.is_empty() {
        Check::ok(&subject, "extensions", "ID, IDLE and CONDSTORE offered")
    } else {
        Check::warn(
            &subject,
            "extensions",
            format!("not offered: {}", missing.join(", ")),
            "works without them: no IDLE means polling every poll_interval_secs, no CONDSTORE \
             means full flag scans",
        )
    });
    match crate::sync::list_folders(&mut session, mailbox).await {
        Ok(folders) => {
            let names: Vec<&str> = folders.iter().map(|f| f.name.as_str()).collect();
            checks.push(if names.is_empty() {
                Check::warn(
                    &subject,
                    "folders",
                    "no folder would be synced",
                    "check include/exclude in [mailboxes.imap]",
                )
            } else {
                Check::ok(
                    &subject,
                    "folders",
                    format!("{} to sync: {}", names.len(), names.join(", ")),
                )
            });
        }
        Err(e) => checks.push(Check::fail(
            &subject,
            "folders",
            e.to_string(),
            "the server refused LIST; check the account's permissions",
        )),
    }
    let _ = session.logout().await;
    checks
}

/// Connects and, unless the config says plaintext, makes a verified TLS handshake (after
/// STARTTLS when so configured) and reads the certificate's expiry.
async fn tls_probe(ep: &ImapEndpoint) -> Result<Check, Check> {
    let subject = format!("imap {}", ep.address());
    let fail = |check: &str, detail: String, fix: &str| Check::fail(&subject, check, detail, fix);
    let tcp =
        match tokio::time::timeout(STEP, TcpStream::connect((ep.host.as_str(), ep.port))).await {
            Ok(Ok(tcp)) => tcp,
            Ok(Err(e)) => {
                return Err(fail(
                    "tcp",
                    e.to_string(),
                    "is the server up, the port right, a firewall open?",
                ))
            }
            Err(_) => {
                return Err(fail(
                    "tcp",
                    format!("no answer within {} s", STEP.as_secs()),
                    "is a firewall dropping the connection?",
                ))
            }
        };
    if ep.tls == TlsMode::Plain {
        let loopback = tcp
            .peer_addr()
            .map(|a| a.ip().is_loopback())
            .unwrap_or(false);
        return Ok(if loopback {
            Check::ok(&subject, "tls", "plaintext on loopback, as configured")
        } else {
            Check::warn(
                &subject,
                "tls",
                "plaintext to a remote server: passwords and mail cross the network unencrypted",
                "set tls = \"implicit\" or \"starttls\"",
            )
        });
    }
    let tcp = if ep.tls == TlsMode::Starttls {
        match tokio::time::timeout(STEP, starttls(tcp)).await {
            Ok(Ok(tcp)) => tcp,
            Ok(Err(e)) => {
                return Err(fail(
                    "tls",
                    format!("STARTTLS: {e}"),
                    "the server must offer STARTTLS, or use tls = \"implicit\" on port 993",
                ))
            }
            Err(_) => {
                return Err(fail(
                    "tls",
                    "STARTTLS: no answer".into(),
                    "use tls = \"implicit\" on port 993",
                ))
            }
        }
    } else {
        tcp
    };
    let config = match crate::tls::client_config(ep.ca_file.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            return Err(fail(
                "tls",
                e.to_string(),
                "fix ca_file in [mailboxes.imap]",
            ))
        }
    };
    let name = rustls::pki_types::ServerName::try_from(ep.host.clone()).map_err(|_| {
        fail(
            "tls",
            format!("{:?} is not a valid TLS server name", ep.host),
            "use the server's DNS name",
        )
    })?;
    let tls =
        match tokio::time::timeout(STEP, TlsConnector::from(config).connect(name, tcp)).await {
            Ok(Ok(tls)) => tls,
            Ok(Err(e)) => return Err(fail(
                "tls certificate",
                e.to_string(),
                "the server's certificate is not valid for this host today (expired, self-signed \
                 or for another name): renew it, or name the private CA in ca_file",
            )),
            Err(_) => {
                return Err(fail(
                    "tls",
                    "TLS handshake: no answer".into(),
                    "check the port and tls mode",
                ))
            }
        };
    let leaf = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|certs| certs.first())
        .and_then(|c| cert::not_after(c.as_ref()));
    Ok(match leaf {
        Some(end) => {
            let days = (end - chrono::Utc::now()).num_days();
            let detail = format!(
                "verified; certificate valid until {} ({days} days)",
                end.format("%Y-%m-%d")
            );
            if days < CERT_WARN_DAYS {
                Check::warn(
                    &subject,
                    "tls certificate",
                    detail,
                    "renew the server certificate before it expires",
                )
            } else {
                Check::ok(&subject, "tls certificate", detail)
            }
        }
        None => Check::ok(
            &subject,
            "tls certificate",
            "verified (expiry date unreadable)",
        ),
    })
}

/// Reads the greeting, asks for STARTTLS and waits for its OK; returns the socket to wrap.
async fn starttls(tcp: TcpStream) -> std::io::Result<TcpStream> {
    let mut reader = BufReader::new(tcp);
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    if !line.starts_with("* OK") {
        return Err(std::io::Error::other(format!(
            "greeting: {}",
            line.trim_end()
        )));
    }
    reader.get_mut().write_all(b"tw1 STARTTLS\r\n").await?;
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::other("connection closed"));
        }
        if let Some(status) = line.strip_prefix("tw1 ") {
            return if status.starts_with("OK") {
                Ok(reader.into_inner())
            } else {
                Err(std::io::Error::other(status.trim_end().to_string()))
            };
        }
    }
}
