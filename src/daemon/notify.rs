//! systemd readiness and watchdog notifications (`sd_notify`), written by hand.
//!
//! With `Type=notify` systemd waits for `READY=1` before it considers the service started,
//! and with `WatchdogSec=` it restarts a daemon that stops sending `WATCHDOG=1`. The protocol
//! is one datagram of `KEY=VALUE` lines to the unix socket named by `$NOTIFY_SOCKET` (a path,
//! or `@name` for the abstract namespace) — twenty lines, no crate needed. Outside systemd
//! (no `$NOTIFY_SOCKET`) every call is a no-op.

use std::io;
use std::os::unix::net::UnixDatagram;
use std::time::Duration;

/// The environment variable systemd sets for `Type=notify` services.
pub const NOTIFY_SOCKET: &str = "NOTIFY_SOCKET";

/// Sends `state` (e.g. `"READY=1"`) to `$NOTIFY_SOCKET`. Returns `Ok(false)` when not under
/// systemd.
pub fn notify(state: &str) -> io::Result<bool> {
    match std::env::var_os(NOTIFY_SOCKET) {
        Some(path) if !path.is_empty() => {
            send_to(&path.to_string_lossy(), state)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Sends one notification datagram to `socket` (a path, or `@name` for an abstract socket).
pub fn send_to(socket: &str, state: &str) -> io::Result<()> {
    let sock = UnixDatagram::unbound()?;
    if let Some(name) = socket.strip_prefix('@') {
        use std::os::linux::net::SocketAddrExt;
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?;
        sock.send_to_addr(state.as_bytes(), &addr)?;
    } else {
        sock.send_to(state.as_bytes(), socket)?;
    }
    Ok(())
}

/// The service is up: mailbox tasks are started.
pub fn ready() {
    log_failure(notify("READY=1\nSTATUS=syncing mailboxes"));
}

/// The service is alive (send at least every half `WatchdogSec`).
pub fn watchdog() {
    log_failure(notify("WATCHDOG=1"));
}

/// The service is shutting down.
pub fn stopping() {
    log_failure(notify("STOPPING=1"));
}

/// How often to send `WATCHDOG=1`: half of `$WATCHDOG_USEC`, or `None` when no watchdog is
/// configured (or it is meant for another process, per `$WATCHDOG_PID`).
pub fn watchdog_interval() -> Option<Duration> {
    if let Ok(pid) = std::env::var("WATCHDOG_PID") {
        if pid.trim() != std::process::id().to_string() {
            return None;
        }
    }
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.trim().parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}

fn log_failure(result: io::Result<bool>) {
    if let Err(err) = result {
        tracing::warn!(error = %err, "sd_notify to $NOTIFY_SOCKET failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datagram_reaches_a_path_socket_verbatim() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let server = UnixDatagram::bind(&path).unwrap();
        send_to(path.to_str().unwrap(), "READY=1\nSTATUS=syncing mailboxes").unwrap();
        send_to(path.to_str().unwrap(), "WATCHDOG=1").unwrap();
        let mut buf = [0u8; 256];
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1\nSTATUS=syncing mailboxes");
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"WATCHDOG=1");
    }

    #[test]
    fn datagram_reaches_an_abstract_socket() {
        use std::os::linux::net::SocketAddrExt;
        let name = format!("tradewind-test-{}", std::process::id());
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let server = UnixDatagram::bind_addr(&addr).unwrap();
        send_to(&format!("@{name}"), "STOPPING=1").unwrap();
        let mut buf = [0u8; 64];
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"STOPPING=1");
    }

    #[test]
    fn a_missing_socket_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let err = send_to(dir.path().join("nope").to_str().unwrap(), "READY=1").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
