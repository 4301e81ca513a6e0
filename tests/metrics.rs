//! The `/metrics` endpoint (issue 9) of a real `tradewind run` against the mail stack: the
//! figures are there with the expected names and values, they change after mail arrives, and
//! only `GET /metrics` is answered.

mod common;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::MailStack;

const BIN: &str = env!("CARGO_BIN_EXE_tradewind");

/// The daemon child; killed on drop so a failing test leaves nothing behind.
struct Daemon(Child, PathBuf);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Daemon {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.1).unwrap_or_default()
    }
}

/// A free loopback port (bound then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One raw HTTP/1.1 request; returns (status code, body).
fn http(port: u16, request: &str) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let code = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n")?.1.to_string();
    Some((code, body))
}

fn scrape(port: u16) -> Option<String> {
    match http(port, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")? {
        (200, body) => Some(body),
        _ => None,
    }
}

/// The value of the sample `name` (with its labels, exactly as written) in `text`.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

fn message(n: usize, to: &str) -> Vec<u8> {
    format!(
        "From: Buyer {n} <buyer{n}@metrics.example>\r\nTo: <{to}>\r\nSubject: Order {n} 订单\r\n\
         Date: Mon, 2 Nov 2026 10:00:{n:02} +0800\r\nMessage-ID: <metrics-{n}-{}@test.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n价格表 price list {n}\r\n",
        std::process::id()
    )
    .into_bytes()
}

/// Polls `port` until `cond` holds for a scrape; panics with the last scrape and the log.
fn wait_for(port: u16, daemon: &Daemon, what: &str, cond: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = String::new();
    loop {
        if let Some(text) = scrape(port) {
            if cond(&text) {
                return text;
            }
            last = text;
        }
        if Instant::now() > deadline {
            panic!(
                "timed out waiting for {what}\n--- last scrape\n{last}\n--- log\n{}",
                daemon.log()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn metrics_endpoint_reports_the_store_and_follows_new_mail() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let rt = tokio::runtime::Runtime::new().unwrap();
    for n in 0..2 {
        rt.block_on(stack.append(&user, "INBOX", &message(n, &user.address)));
    }
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = dir.path().join("tradewind.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[company]
name = "Ningbo Seawind Import & Export Co., Ltd."
home_country = "CN"
domains = ["seawind-trade.cn"]
[store]
data_dir = "data"
[daemon]
poll_interval_secs = 2
[metrics]
listen = "127.0.0.1:{port}"
[[users]]
login = "li.wei"
name = "Li Wei 李伟"
email = "li.wei@seawind-trade.cn"
role = "sales"
[[mailboxes]]
name = "销售-li"
owner = "li.wei"
role = "sales"
address = "{addr}"
[mailboxes.imap]
host = "{host}"
port = {imap}
tls = "starttls"
username = "{addr}"
password = {{ env = "TW_METRICS_PW" }}
ca_file = "{ca}"
"#,
            addr = user.address,
            host = stack.host,
            imap = stack.imap_port,
            ca = stack.ca_file.display(),
        ),
    )
    .unwrap();
    let log = dir.path().join("daemon.log");
    let child = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .args(["run", "--log-format", "json"])
        .current_dir(dir.path())
        .env_remove("TRADEWIND_CONFIG")
        .env_remove("NOTIFY_SOCKET")
        .env_remove("TRADEWIND_LOG")
        .env("TW_METRICS_PW", &user.password)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let daemon = Daemon(child, log);

    let mb = "{mailbox=\"销售-li\"}";
    let first = wait_for(port, &daemon, "the first sync", |t| {
        sample(t, &format!("tradewind_mailbox_messages{mb}")) == Some(2.0)
            && sample(t, "tradewind_index_lag_messages") == Some(0.0)
    });
    assert_eq!(sample(&first, "tradewind_messages"), Some(2.0), "{first}");
    assert_eq!(
        sample(&first, &format!("tradewind_mailbox_errors{mb}")),
        Some(0.0)
    );
    let synced_at = sample(
        &first,
        &format!("tradewind_mailbox_last_success_timestamp_seconds{mb}"),
    )
    .expect("a last-success time after the first sync");
    let now = chrono::Utc::now().timestamp() as f64;
    assert!((now - synced_at).abs() < 120.0, "{synced_at} vs {now}");
    for name in [
        "tradewind_outbox_messages{state=\"sent\"}",
        "tradewind_outbox_messages{state=\"uncertain\"}",
        "tradewind_tickets_open",
        "tradewind_tickets_sla_breached",
    ] {
        assert_eq!(sample(&first, name), Some(0.0), "{name} in\n{first}");
    }
    assert_eq!(
        // The default base currency is CNY.
        sample(&first, "tradewind_receivables_overdue{currency=\"CNY\"}"),
        Some(0.0),
        "{first}"
    );
    assert!(first.contains("# TYPE tradewind_messages gauge"));

    // New mail arrives: the figures follow.
    rt.block_on(stack.append(&user, "INBOX", &message(2, &user.address)));
    let second = wait_for(port, &daemon, "the new message", |t| {
        sample(t, &format!("tradewind_mailbox_messages{mb}")) == Some(3.0)
    });
    assert_eq!(sample(&second, "tradewind_messages"), Some(3.0), "{second}");

    // Only GET /metrics.
    let (code, _) = http(port, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(code, 405);
    let (code, _) = http(port, "GET /admin HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(code, 404);
    // An oversized request head is refused, and the daemon keeps serving.
    let huge = format!("GET /metrics HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
    let refused = http(port, &huge).map(|r| r.0);
    assert_ne!(refused, Some(200));
    assert!(scrape(port).is_some(), "still serving after a bad request");
}

#[test]
fn a_non_loopback_listen_address_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tradewind.toml");
    std::fs::write(
        &config,
        "[company]\nname = \"X\"\nhome_country = \"CN\"\ndomains = [\"x.cn\"]\n\
         [metrics]\nlisten = \"0.0.0.0:9187\"\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .args(["status"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("metrics.listen") && err.contains("not a loopback"),
        "{err}"
    );
}
