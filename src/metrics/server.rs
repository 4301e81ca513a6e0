//! The HTTP/1.1 responder behind `[metrics] listen`: `GET /metrics` → 200 with the
//! [`super::collect`] text; anything else → 404 / 405; one request per connection.
//!
//! Hardened for a port anyone on the host can reach: the request head is capped at 8 KiB and
//! 5 seconds, at most [`MAX_CONNECTIONS`] are served at once, and a database error answers 503
//! (logged) instead of ending the daemon.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

use crate::config::Config;

/// Scrapes served at the same time; more wait for a slot.
pub const MAX_CONNECTIONS: usize = 4;
/// Longest request head accepted.
const MAX_HEAD: usize = 8 * 1024;
/// Time a client gets to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Binds `addr` (before the daemon reports ready, so a taken port shows at start).
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Serves `listener` until `stop` turns true.
pub async fn serve(listener: TcpListener, config: Arc<Config>, mut stop: watch::Receiver<bool>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = crate::daemon::stopped(&mut stop) => return,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "metrics: accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let config = config.clone();
        tokio::spawn(async move {
            if let Err(e) = handle(stream, &config).await {
                tracing::debug!(peer = %peer, error = %e, "metrics: connection ended");
            }
            drop(permit);
        });
    }
}

/// Reads one request head and answers it.
async fn handle(mut stream: TcpStream, config: &Arc<Config>) -> std::io::Result<()> {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(Some(head))) => head,
        Ok(Ok(None)) => {
            return respond(&mut stream, 431, "text/plain", b"request too large\n").await
        }
        Ok(Err(e)) => return Err(e),
        Err(_) => return respond(&mut stream, 408, "text/plain", b"request timeout\n").await,
    };
    let (status, body) = route(&head);
    if status != 200 {
        return respond(&mut stream, status, "text/plain", body.as_bytes()).await;
    }
    let db = config.database_path();
    let cfg = config.clone();
    let now = chrono::Utc::now();
    let text = tokio::task::spawn_blocking(move || super::collect::scrape(&db, &cfg, now)).await;
    match text {
        Ok(Ok(text)) => {
            respond(
                &mut stream,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                text.as_bytes(),
            )
            .await
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "metrics scrape failed");
            respond(&mut stream, 503, "text/plain", format!("{e}\n").as_bytes()).await
        }
        Err(e) => {
            tracing::error!(error = %e, "metrics scrape panicked");
            respond(&mut stream, 500, "text/plain", b"internal error\n").await
        }
    }
}

/// What the request line asks for: (200, "") for `GET /metrics`, else the error to answer.
pub fn route(head: &str) -> (u16, &'static str) {
    let mut parts = head.lines().next().unwrap_or("").split_ascii_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    match (method, path) {
        ("GET", "/metrics") => (200, ""),
        (_, "/metrics") => (405, "only GET /metrics\n"),
        _ => (404, "not found: the only page is /metrics\n"),
    }
}

/// The request head up to the blank line; None when it exceeds [`MAX_HEAD`].
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut buf = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.windows(2).any(|w| w == b"\n\n") {
            break;
        }
        if buf.len() > MAX_HEAD {
            return Ok(None);
        }
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
    let allow = if status == 405 { "Allow: GET\r\n" } else { "" };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         {allow}Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::route;

    #[test]
    fn only_get_metrics_is_served() {
        assert_eq!(route("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").0, 200);
        assert_eq!(route("GET /metrics?x=1 HTTP/1.0\r\n\r\n").0, 200);
        assert_eq!(route("POST /metrics HTTP/1.1\r\n\r\n").0, 405);
        assert_eq!(route("GET / HTTP/1.1\r\n\r\n").0, 404);
        assert_eq!(route("GET /metrics/../etc HTTP/1.1\r\n\r\n").0, 404);
        assert_eq!(route("").0, 404);
    }
}
