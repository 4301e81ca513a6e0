//! The optional Prometheus endpoint (issue 9: "run it for years" — an unattended daemon must
//! be easy to watch). `[metrics] listen = "127.0.0.1:9187"` makes `tradewind run` answer
//! `GET /metrics` with the figures of [`collect`], read from SQLite at every scrape through a
//! read-only connection: the numbers are the database's, never a second in-memory truth.
//!
//! The responder is a few lines of HTTP/1.1 on tokio (one request per connection, then
//! close): the endpoint has one page, and a web framework would be most of the attack surface.
//! It listens on a loopback address only, unless `allow_non_loopback = true` says otherwise:
//! the figures (mailbox names, overdue amounts) are company data.

pub mod collect;
pub mod server;

use std::net::SocketAddr;

use serde::Deserialize;

/// The `[metrics]` config section; absent or without `listen`: no endpoint.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// `IP:port` to serve `/metrics` on, e.g. `"127.0.0.1:9187"` or `"[::1]:9187"`.
    pub listen: Option<String>,
    /// Serve on a non-loopback address (put a firewall or a TLS proxy in front yourself).
    #[serde(default)]
    pub allow_non_loopback: bool,
}

impl MetricsConfig {
    /// The address to listen on (None: metrics off), or why `listen` is not acceptable.
    pub fn address(&self) -> Result<Option<SocketAddr>, String> {
        let Some(text) = self.listen.as_deref() else {
            return Ok(None);
        };
        let addr: SocketAddr = text.trim().parse().map_err(|_| {
            format!("'{text}' is not an IP:port address (e.g. \"127.0.0.1:9187\"; host names are not resolved)")
        })?;
        if !addr.ip().is_loopback() && !self.allow_non_loopback {
            return Err(format!(
                "'{text}' is not a loopback address: the figures are company data; use 127.0.0.1 \
                 or [::1], or set allow_non_loopback = true and protect the port yourself"
            ));
        }
        Ok(Some(addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(listen: &str, allow: bool) -> MetricsConfig {
        MetricsConfig {
            listen: Some(listen.into()),
            allow_non_loopback: allow,
        }
    }

    #[test]
    fn loopback_only_unless_allowed() {
        assert_eq!(MetricsConfig::default().address(), Ok(None));
        assert_eq!(
            cfg("127.0.0.1:9187", false).address().unwrap(),
            Some("127.0.0.1:9187".parse().unwrap())
        );
        assert!(cfg("[::1]:9187", false).address().unwrap().is_some());
        let refused = cfg("0.0.0.0:9187", false).address().unwrap_err();
        assert!(refused.contains("not a loopback"), "{refused}");
        assert!(cfg("192.168.1.5:9187", false).address().is_err());
        assert!(cfg("0.0.0.0:9187", true).address().unwrap().is_some());
        let bad = cfg("localhost:9187", false).address().unwrap_err();
        assert!(bad.contains("not an IP:port"), "{bad}");
    }
}
