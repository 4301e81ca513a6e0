//! The doctor's look at SMTP submission: connect, EHLO, STARTTLS or implicit TLS with a
//! verified certificate, AUTH — and then QUIT. No mail is sent.

use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, Tokio1Executor};

use super::Check;
use crate::config::{Config, Smtp};
use crate::tls::TlsMode;

pub async fn examine(config: &Config, smtp: &Smtp) -> Vec<Check> {
    let port = smtp.port.unwrap_or(match smtp.tls {
        TlsMode::Implicit => 465,
        TlsMode::Starttls => 587,
        TlsMode::Plain => 25,
    });
    let subject = format!("smtp {}:{port}", smtp.host);
    let password = match smtp.password.reveal() {
        Ok(p) => p,
        Err(e) => {
            return vec![Check::fail(
                &subject,
                "credentials",
                e.to_string(),
                "make the [smtp] password source readable",
            )]
        }
    };
    let tls = match tls(config, smtp) {
        Ok(tls) => tls,
        Err(detail) => {
            return vec![Check::fail(
                &subject,
                "tls",
                detail,
                "fix ca_file in [smtp]",
            )]
        }
    };
    let transport: AsyncSmtpTransport<Tokio1Executor> =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
            .port(port)
            .tls(tls)
            .credentials(Credentials::new(smtp.username.clone(), password))
            .authentication(vec![Mechanism::Plain, Mechanism::Login])
            .timeout(Some(Duration::from_secs(10)))
            .build();
    match transport.test_connection().await {
        Ok(true) => vec![Check::ok(
            &subject,
            "submission",
            format!(
                "EHLO, {} and AUTH as {} accepted; nothing sent",
                match smtp.tls {
                    TlsMode::Implicit => "implicit TLS",
                    TlsMode::Starttls => "STARTTLS",
                    TlsMode::Plain => "no TLS",
                },
                smtp.username
            ),
        )],
        Ok(false) => vec![Check::fail(
            &subject,
            "submission",
            "the server did not answer NOOP",
            "check the host and port",
        )],
        Err(e) => {
            let text = chain(&e);
            let fix = if e.is_permanent() && text.contains("auth") || text.contains("535") {
                "check the [smtp] username and password (app password / 授权码 where required)"
            } else if text.to_lowercase().contains("certificate") {
                "the server's certificate is not valid for this host today: renew it or name the CA in ca_file"
            } else {
                "is the server up, the port and tls mode right?"
            };
            vec![Check::fail(&subject, "submission", text, fix)]
        }
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn tls(config: &Config, smtp: &Smtp) -> Result<Tls, String> {
    if smtp.tls == TlsMode::Plain {
        return Ok(Tls::None);
    }
    let mut params = TlsParameters::builder(smtp.host.clone());
    if let Some(ca) = &smtp.ca_file {
        let path = config
            .source_path
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join(ca);
        let pem = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let cert = Certificate::from_pem(&pem).map_err(|e| format!("{}: {e}", path.display()))?;
        params = params.add_root_certificate(cert);
    }
    let params = params.build_rustls().map_err(|e| e.to_string())?;
    Ok(match smtp.tls {
        TlsMode::Implicit => Tls::Wrapper(params),
        _ => Tls::Required(params),
    })
}
