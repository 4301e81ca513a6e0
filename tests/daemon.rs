//! The daemon (`tradewind run`, issue 3) against the real mail stack: new mail through IDLE
//! within 2 s, a wrong password that stops nothing else, a connection cut mid-FETCH, and
//! SIGTERM with a consistent database. The real binary runs as a child process with a config
//! in a temp dir pointing at the stack (STARTTLS, the stack's CA, passwords from env vars).

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::cli::{describe, Background};
use common::{MailStack, Outgoing, TestUser};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BIN: &str = env!("CARGO_BIN_EXE_tradewind");

/// One `[[mailboxes]]` entry of a test company.
struct Mb {
    name: &'static str,
    user: TestUser,
    /// The password handed to the daemon (the user's real one, or a wrong one).
    password: String,
    /// IMAP port the daemon connects to (the stack's, or a proxy's).
    port: u16,
    batch_size: usize,
}

/// A temp dir with a config naming `mailboxes`, and helpers to run the binary on it.
struct Company {
    dir: tempfile::TempDir,
    config: PathBuf,
    env: Vec<(String, String)>,
}

impl Company {
    fn new(stack: &MailStack, mailboxes: &[Mb]) -> Company {
        Company::with_daemon(stack, mailboxes, "poll_interval_secs = 2")
    }

    /// A company whose `[daemon]` section is `daemon`.
    fn with_daemon(stack: &MailStack, mailboxes: &[Mb], daemon: &str) -> Company {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from(
            r#"
[company]
name = "Ningbo Seawind Import & Export Co., Ltd."
home_country = "CN"
domains = ["seawind-trade.cn"]

[store]
data_dir = "data"

[daemon]
DAEMON_SECTION

[[users]]
login = "li.wei"
name = "Li Wei 李伟"
email = "li.wei@seawind-trade.cn"
role = "sales"
"#,
        )
        .replace("DAEMON_SECTION", daemon);
        let mut env = Vec::new();
        for (i, mb) in mailboxes.iter().enumerate() {
            let var = format!("TW_TEST_PW_{i}");
            env.push((var.clone(), mb.password.clone()));
            text.push_str(&format!(
                r#"
[[mailboxes]]
name = "{name}"
owner = "li.wei"
role = "sales"
address = "{addr}"
[mailboxes.imap]
host = "{host}"
port = {port}
tls = "starttls"
username = "{addr}"
password = {{ env = "{var}" }}
ca_file = "{ca}"
batch_size = {batch}
"#,
                name = mb.name,
                addr = mb.user.address,
                host = stack.host,
                port = mb.port,
                ca = stack.ca_file.display(),
                batch = mb.batch_size,
            ));
        }
        let config = dir.path().join("tradewind.toml");
        std::fs::write(&config, text).unwrap();
        Company { dir, config, env }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.arg("--config")
            .arg(&self.config)
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("TRADEWIND_CONFIG")
            .env_remove("NOTIFY_SOCKET")
            .env_remove("TRADEWIND_LOG")
            .env("TRADEWIND_ACTOR", "cli:tester");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs a command to completion and returns stdout; panics on failure.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "tradewind {args:?}:\n{}",
            describe(&out)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Starts `tradewind run --log-format json`, stderr into `daemon.log` in the temp dir.
    fn spawn_daemon(&self, extra_env: &[(&str, &str)]) -> Background {
        let mut cmd = self.command(&["run", "--log-format", "json"]);
        cmd.stdout(Stdio::null());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        Background::spawn(cmd, self.dir.path().join("daemon.log"))
    }

    fn db_path(&self) -> PathBuf {
        self.dir.path().join("data/tradewind.db")
    }

    /// A read-only query on the database, or `None` while it does not exist yet.
    fn query<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>) -> Option<T> {
        let path = self.db_path();
        if !path.exists() {
            return None;
        }
        let conn = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .ok()?;
        conn.busy_timeout(Duration::from_secs(5)).ok()?;
        f(&conn).ok()
    }

    fn count(&self, sql: &str) -> i64 {
        self.query(|c| c.query_row(sql, [], |r| r.get(0)))
            .unwrap_or(0)
    }

    /// `(state, last_success, last_error)` of a mailbox in `daemon_status`.
    fn status_row(&self, mailbox: &str) -> Option<(String, Option<String>, Option<String>)> {
        self.query(|c| {
            c.query_row(
                "SELECT state, last_success, last_error FROM daemon_status WHERE mailbox = ?1",
                [mailbox],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
        })
    }

    /// Polls `cond` every 50 ms until it holds; panics after `timeout` with `what` and the log.
    fn wait_until(
        &self,
        daemon: &Background,
        timeout: Duration,
        what: &str,
        mut cond: impl FnMut() -> bool,
    ) {
        let deadline = Instant::now() + timeout;
        while !cond() {
            if Instant::now() > deadline {
                panic!(
                    "timed out after {timeout:?} waiting for {what}\n--- daemon log\n{}",
                    daemon.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The running daemon; killed on drop so a failed test leaves nothing behind.
/// A plain RFC 5322 message with a unique Message-ID, English and Chinese text, ~`size` bytes.
fn message(n: usize, from: &str, to: &str, size: usize) -> Vec<u8> {
    let mut body = String::new();
    let line =
        format!("Line for message {n}: price list 价格表 for the spring order 春季订单.\r\n");
    while body.len() < size {
        body.push_str(&line);
    }
    format!(
        "From: Buyer {n} <{from}>\r\nTo: <{to}>\r\nSubject: Order {n} 订单\r\n\
         Date: Mon, 2 Nov 2026 10:{:02}:{:02} +0800\r\nMessage-ID: <daemon-{n}-{}@test.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{body}",
        (n / 60) % 60,
        n % 60,
        std::process::id(),
    )
    .into_bytes()
}

/// Appends `count` messages to `user`'s INBOX over one IMAP session; returns their Message-IDs.
async fn fill_inbox(
    stack: &MailStack,
    user: &TestUser,
    count: usize,
    size: usize,
    tag: &str,
) -> BTreeSet<String> {
    let mut session = stack.login(user).await;
    let mut ids = BTreeSet::new();
    for n in 0..count {
        let raw = message(n, &format!("buyer{n}@{tag}.example"), &user.address, size);
        let text = String::from_utf8_lossy(&raw);
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: "))
            .unwrap()
            .trim_matches(|c| c == '<' || c == '>')
            .to_string();
        ids.insert(id);
        session.append("INBOX", &raw).await.expect("APPEND");
    }
    session.logout().await.unwrap();
    ids
}

/// Message-IDs stored for `mailbox`, and (messages, locations, distinct UIDs) counts.
fn stored(company: &Company, mailbox: &str) -> (BTreeSet<String>, i64, i64, i64) {
    company
        .query(|c| {
            let mut stmt = c.prepare(
                "SELECT m.message_id FROM messages m JOIN message_locations l ON l.message_id = m.id
                 WHERE l.mailbox = ?1",
            )?;
            let ids: BTreeSet<String> = stmt
                .query_map([mailbox], |r| r.get::<_, String>(0))?
                .collect::<Result<_, _>>()?;
            let (messages, locations, uids) = c.query_row(
                "SELECT (SELECT count(*) FROM messages),
                        (SELECT count(*) FROM message_locations WHERE mailbox = ?1),
                        (SELECT count(DISTINCT uid) FROM message_locations WHERE mailbox = ?1)",
                [mailbox],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            Ok((ids, messages, locations, uids))
        })
        .unwrap_or_default()
}

fn mb(name: &'static str, user: &TestUser, port: u16) -> Mb {
    Mb {
        name,
        user: user.clone(),
        password: user.password.clone(),
        port,
        batch_size: 50,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn new_mail_is_stored_matched_and_indexed_within_two_seconds_of_delivery() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let sender = stack.fresh_user();
    let company = Company::new(&stack, &[mb("li.wei", &user, stack.imap_port)]);
    company.ok(&[
        "customers",
        "add",
        "DE1",
        "Hansa Tools GmbH",
        "--set",
        "domains=hansa-tools.de",
    ]);
    let daemon = company.spawn_daemon(&[]);
    company.wait_until(
        &daemon,
        Duration::from_secs(30),
        "the mailbox to be idle",
        || matches!(company.status_row("li.wei"), Some((s, Some(_), _)) if s == "idle"),
    );
    // The daemon is in IDLE now; give it a moment to have sent the command.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let raw = "From: Klaus Becker <klaus@hansa-tools.de>\r\nTo: <li.wei@seawind-trade.cn>\r\n\
               Subject: Inquiry: 500 pcs torque wrench 扭力扳手\r\n\
               Message-ID: <idle-test@hansa-tools.de>\r\n\
               Date: Tue, 3 Nov 2026 09:00:00 +0100\r\n\r\nPlease quote FOB Ningbo.\r\n";
    let sent = Instant::now();
    stack
        .send_smtp(
            &sender,
            Outgoing::raw(&[&user.address], raw.as_bytes().to_vec()),
        )
        .await;

    // Delivery time: when the message is in the server's INBOX (polled every 100 ms).
    let (stack2, user2) = (stack.clone(), user.clone());
    let delivered = tokio::spawn(async move {
        stack2
            .wait_for_messages(&user2, "INBOX", 1, Duration::from_secs(20))
            .await;
        Instant::now()
    });
    // Stored-matched-indexed time: when the message row is filed under DE1 and the search
    // index's watermark (advanced only after the tantivy commit) has passed it.
    let stored_at = tokio::task::spawn_blocking({
        let db = company.db_path();
        move || {
            let deadline = Instant::now() + Duration::from_secs(20);
            let conn = rusqlite::Connection::open_with_flags(
                &db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap();
            loop {
                let n: i64 = conn
                    .query_row(
                        "SELECT count(*) FROM messages m
                         JOIN message_customers mc ON mc.message_id = m.id
                         JOIN customers c ON c.id = mc.customer_id
                         WHERE m.message_id = 'idle-test@hansa-tools.de' AND c.code = 'DE1'
                           AND m.id <= (SELECT watermark FROM search_index_state)",
                        [],
                        |r| r.get(0),
                    )
                    .unwrap_or(0);
                if n == 1 {
                    return Some(Instant::now());
                }
                if Instant::now() > deadline {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    })
    .await
    .unwrap();
    let delivered = delivered.await.unwrap();
    let stored_at = stored_at.unwrap_or_else(|| {
        panic!(
            "the delivered message was not stored, matched and indexed within 20 s\n--- log\n{}",
            daemon.log_text()
        )
    });
    let lag = stored_at.saturating_duration_since(delivered);
    eprintln!(
        "delivered {:?} after submission; stored, matched and indexed {lag:?} after delivery",
        delivered.saturating_duration_since(sent)
    );
    assert!(
        lag <= Duration::from_secs(2),
        "stored {lag:?} after delivery (sent {:?} before delivery); expected ≤ 2 s",
        delivered.saturating_duration_since(sent)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_stops_only_its_mailbox_and_is_never_logged() {
    let stack = MailStack::from_env();
    let (a, b, bad) = (stack.fresh_user(), stack.fresh_user(), stack.fresh_user());
    let ids_a = fill_inbox(&stack, &a, 3, 500, "alpha").await;
    let ids_b = fill_inbox(&stack, &b, 4, 500, "beta").await;
    let wrong = "Wr0ng-Pa55w0rd-7f3a";
    let company = Company::new(
        &stack,
        &[
            mb("sales-a", &a, stack.imap_port),
            Mb {
                password: wrong.to_string(),
                ..mb("sales-bad", &bad, stack.imap_port)
            },
            mb("sales-b", &b, stack.imap_port),
        ],
    );
    // Ask for everything, async-imap's trace (which would print LOGIN and its password) included:
    // the daemon must refuse to log that.
    let daemon = company.spawn_daemon(&[(
        "TRADEWIND_LOG",
        "debug,async_imap=trace,async_imap::imap_stream=trace",
    )]);
    company.wait_until(
        &daemon,
        Duration::from_secs(30),
        "good mailboxes synced, bad one in error",
        || {
            let ok = |m| matches!(company.status_row(m), Some((_, Some(_), _)));
            let bad =
                matches!(company.status_row("sales-bad"), Some((s, None, Some(_))) if s == "error");
            ok("sales-a") && ok("sales-b") && bad
        },
    );
    assert_eq!(stored(&company, "sales-a").0, ids_a);
    assert_eq!(stored(&company, "sales-b").0, ids_b);

    let status: serde_json::Value =
        serde_json::from_str(&company.ok(&["status", "--json"])).unwrap();
    let rows = status.as_array().expect("status --json is a list");
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["mailbox"] == name)
            .unwrap_or_else(|| panic!("{name} missing from status: {status}"))
    };
    for (name, n) in [("sales-a", 3), ("sales-b", 4)] {
        let r = row(name);
        assert!(r["last_success"].is_string(), "{name}: {r}");
        assert_eq!(r["running"], true, "{name}: {r}");
        assert_eq!(r["messages"], n, "{name}: {r}");
        assert!(r["last_error"].is_null(), "{name}: {r}");
    }
    let r = row("sales-bad");
    assert_eq!(r["state"], "error", "{r}");
    assert!(r["last_success"].is_null(), "{r}");
    let error = r["last_error"].as_str().unwrap();
    assert!(
        error.contains(&bad.address) && error.contains("login"),
        "{error}"
    );
    assert!(r["next_retry"].is_string(), "{r}");

    let text = company.ok(&["status"]);
    assert!(
        text.contains("sales-bad") && text.contains("error"),
        "{text}"
    );

    let log = daemon.log_text();
    assert!(
        log.contains("\"level\":\"DEBUG\""),
        "TRADEWIND_LOG=debug is honoured"
    );
    assert!(
        log.contains("login refused"),
        "the failure is logged:\n{log}"
    );
    for secret in [wrong, stack.password.as_str()] {
        assert!(!log.contains(secret), "a password reached the log:\n{log}");
        assert!(!error.contains(secret));
    }
}

/// Forwards connections to `target`; the first `cuts` connections are cut after the server
/// has sent `cut_after` bytes. Returns the listening port and the number of connections.
async fn cutting_proxy(target: u16, cut_after: usize, cuts: usize) -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let limit = (n < cuts).then_some(cut_after);
            tokio::spawn(async move {
                let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", target)).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut cr, &mut sw).await;
                });
                let mut sent = 0usize;
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    let n = match sr.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let n = match limit {
                        Some(limit) if sent + n >= limit => {
                            let _ = cw.write_all(&buf[..limit - sent]).await;
                            break; // cut: drop both directions mid-stream
                        }
                        _ => n,
                    };
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    sent += n;
                }
                up.abort();
            });
        }
    });
    (port, accepted)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_cut_mid_fetch_is_resumed_without_loss_or_duplicates() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let ids = fill_inbox(&stack, &user, 300, 3000, "cut").await;
    // ~1 MB of mail: the first two connections die 300 KB in, inside UID FETCH responses
    // (login and EXAMINE are a few KB); the third may finish.
    let (port, accepted) = cutting_proxy(stack.imap_port, 300_000, 2).await;
    let company = Company::new(&stack, &[mb("li.wei", &user, port)]);
    let daemon = company.spawn_daemon(&[]);
    company.wait_until(
        &daemon,
        Duration::from_secs(60),
        "all 300 messages stored",
        || company.count("SELECT count(*) FROM message_locations") >= 300,
    );
    // Let a poll round pass: nothing more may appear.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (stored_ids, messages, locations, uids) = stored(&company, "li.wei");
    assert_eq!(stored_ids, ids, "store differs from the server's set");
    assert_eq!(
        (messages, locations, uids),
        (300, 300, 300),
        "duplicates stored"
    );
    assert!(
        accepted.load(Ordering::SeqCst) >= 3,
        "expected two cut connections and a reconnect, saw {}",
        accepted.load(Ordering::SeqCst)
    );
    let log = daemon.log_text();
    assert!(log.contains("reconnecting"), "the cut is logged:\n{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_exits_zero_within_five_seconds_with_a_consistent_store() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let ids = fill_inbox(&stack, &user, 1500, 2000, "term").await;
    let company = Company::new(
        &stack,
        &[Mb {
            batch_size: 25,
            ..mb("li.wei", &user, stack.imap_port)
        }],
    );
    // systemd's notify socket, to see READY=1 and STOPPING=1.
    let socket_path = company.dir.path().join("notify.sock");
    let socket = std::os::unix::net::UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut daemon = company.spawn_daemon(&[("NOTIFY_SOCKET", socket_path.to_str().unwrap())]);
    let mut buf = [0u8; 512];
    let n = socket.recv(&mut buf).expect("READY=1 from the daemon");
    assert!(
        buf[..n].starts_with(b"READY=1"),
        "{:?}",
        String::from_utf8_lossy(&buf[..n])
    );

    // SIGTERM in the middle of the backfill.
    company.wait_until(
        &daemon,
        Duration::from_secs(30),
        "the backfill to start",
        || company.count("SELECT count(*) FROM message_locations") > 0,
    );
    let (code, took) = daemon.terminate_within(Duration::from_secs(5));
    assert_eq!(code, Some(0), "exit code\n--- log\n{}", daemon.log_text());
    assert!(took <= Duration::from_secs(5), "{took:?}");
    let n = socket.recv(&mut buf).expect("STOPPING=1 from the daemon");
    assert_eq!(&buf[..n], b"STOPPING=1");

    // Consistent: every stored message has its location, the sync state covers exactly the
    // stored UIDs (a batch is all or nothing), no duplicates.
    let (stored_ids, messages, locations, uids) = stored(&company, "li.wei");
    assert!(stored_ids.is_subset(&ids));
    assert!(
        uids < 1500,
        "SIGTERM was meant to land mid-backfill, but all {uids} messages were already stored"
    );
    assert_eq!(
        (messages, locations),
        (uids, uids),
        "one row per message and location"
    );
    let (max_uid, state_uid) = company
        .query(|c| {
            c.query_row(
                "SELECT (SELECT coalesce(max(uid), 0) FROM message_locations),
                        (SELECT coalesce(max(highest_uid), 0) FROM imap_folders
                          WHERE mailbox = 'li.wei' AND raw_name = 'INBOX')",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )
        })
        .unwrap();
    assert_eq!(
        max_uid, state_uid,
        "the sync watermark must match the committed messages"
    );
    assert_eq!(max_uid, uids, "UIDs 1..=n stored without holes");
    let status = company.status_row("li.wei").unwrap();
    assert_eq!(status.0, "stopped");

    // Re-running the sync finds exactly what is missing, and nothing twice.
    company.ok(&["sync", "--once"]);
    let (stored_ids, messages, locations, uids) = stored(&company, "li.wei");
    assert_eq!(stored_ids, ids);
    assert_eq!((messages, locations, uids), (1500, 1500, 1500));
}

/// Appends one message to `folder` and waits until the daemon stored it; returns the wait.
async fn append_and_wait(
    stack: &MailStack,
    company: &Company,
    daemon: &Background,
    user: &TestUser,
    folder: &str,
    id: &str,
) -> Duration {
    let raw = format!(
        "From: <li.wei@seawind-trade.cn>\r\nTo: <buyer@hansa-tools.de>\r\nSubject: {id}\r\n\
         Message-ID: <{id}>\r\nDate: Tue, 3 Nov 2026 09:00:00 +0800\r\n\r\nOffer attached.\r\n"
    );
    stack.append(user, folder, raw.as_bytes()).await;
    let appended = Instant::now();
    let sql = format!("SELECT count(*) FROM messages WHERE message_id = '{id}'");
    company.wait_until(daemon, Duration::from_secs(20), id, || {
        company.count(&sql) == 1
    });
    appended.elapsed()
}

#[tokio::test(flavor = "multi_thread")]
async fn folders_other_than_the_inbox_are_polled_and_without_idle_everything_is() {
    let stack = MailStack::from_env();
    for idle in [true, false] {
        let user = stack.fresh_user();
        let company = Company::with_daemon(
            &stack,
            &[mb("li.wei", &user, stack.imap_port)],
            &format!("poll_interval_secs = 1\nidle = {idle}"),
        );
        let daemon = company.spawn_daemon(&[]);
        company.wait_until(
            &daemon,
            Duration::from_secs(30),
            "the mailbox to be idle",
            || matches!(company.status_row("li.wei"), Some((s, Some(_), _)) if s == "idle"),
        );
        let log = daemon.log_text();
        assert!(
            log.contains(&format!("\"idle\":{idle}")),
            "watching with idle={idle}:\n{log}"
        );
        let id = format!("sent-{idle}-{}@seawind-trade.cn", std::process::id());
        let took = append_and_wait(&stack, &company, &daemon, &user, "Sent", &id).await;
        assert!(took < Duration::from_secs(10), "Sent polled after {took:?}");
        let id = format!("inbox-{idle}-{}@seawind-trade.cn", std::process::id());
        let took = append_and_wait(&stack, &company, &daemon, &user, "INBOX", &id).await;
        assert!(
            took < Duration::from_secs(10),
            "INBOX synced after {took:?}"
        );
        let folders = company
            .query(|c| {
                let mut stmt =
                    c.prepare("SELECT DISTINCT folder FROM message_locations ORDER BY 1")?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                rows.collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        assert_eq!(folders, ["INBOX", "Sent"]);
    }
}

/// Issue 9: `tradewind backup` while the daemon backfills takes a consistent copy; `restore`
/// into an empty data dir gives the same counts and search results, and a sync resumed from
/// the restored copy completes with no message lost or twice.
#[tokio::test(flavor = "multi_thread")]
async fn backup_during_a_running_sync_restores_to_a_consistent_resumable_store() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let ids = fill_inbox(&stack, &user, 1200, 2000, "backup").await;
    let company = Company::new(
        &stack,
        &[Mb {
            batch_size: 25,
            ..mb("li.wei", &user, stack.imap_port)
        }],
    );
    let mut daemon = company.spawn_daemon(&[]);
    company.wait_until(
        &daemon,
        Duration::from_secs(30),
        "the backfill to start",
        || company.count("SELECT count(*) FROM message_locations") > 0,
    );
    let dest = company.dir.path().join("backup-1");
    let manifest: serde_json::Value =
        serde_json::from_str(&company.ok(&["backup", dest.to_str().unwrap(), "--json"])).unwrap();
    let backed_up = manifest["counts"]["messages"].as_i64().unwrap();
    assert!(backed_up > 0, "{manifest}");
    assert!(
        backed_up < 1200,
        "the backup was meant to land mid-backfill, but it holds all {backed_up} messages"
    );
    // A second backup into the same directory is refused: nothing is overwritten.
    let again = company
        .command(&["backup", dest.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("is not empty"),
        "{}",
        describe(&again)
    );
    company.wait_until(
        &daemon,
        Duration::from_secs(120),
        "the backfill to end",
        || company.count("SELECT count(*) FROM message_locations") == 1200,
    );
    let (code, _) = daemon.terminate_within(Duration::from_secs(5));
    assert_eq!(code, Some(0));

    // Restore into a second company's empty data dir (same mailbox config).
    let restored = Company::new(&stack, &[mb("li.wei", &user, stack.imap_port)]);
    let out: serde_json::Value =
        serde_json::from_str(&restored.ok(&["restore", dest.to_str().unwrap(), "--json"])).unwrap();
    assert_eq!(out["counts"], manifest["counts"], "{out}");
    assert_eq!(out["indexed"].as_i64(), Some(backed_up));
    let (restored_ids, messages, locations, uids) = stored(&restored, "li.wei");
    assert_eq!(
        (messages, locations, uids),
        (backed_up, backed_up, backed_up)
    );
    assert!(restored_ids.is_subset(&ids));
    // The sync watermark in the copy covers exactly the copied messages.
    let (max_uid, state_uid) = restored
        .query(|c| {
            c.query_row(
                "SELECT (SELECT coalesce(max(uid), 0) FROM message_locations),
                        (SELECT coalesce(max(highest_uid), 0) FROM imap_folders
                          WHERE mailbox = 'li.wei' AND raw_name = 'INBOX')",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )
        })
        .unwrap();
    assert_eq!(max_uid, state_uid);
    // Restoring over a data dir that holds a database is refused.
    let over = restored
        .command(&["restore", dest.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!over.status.success());
    assert!(
        String::from_utf8_lossy(&over.stderr).contains("already holds a database"),
        "{}",
        describe(&over)
    );

    // Resuming from the restored copy fetches exactly what it lacked.
    restored.ok(&["sync", "--once"]);
    let (restored_ids, messages, locations, uids) = stored(&restored, "li.wei");
    assert_eq!(restored_ids, ids);
    assert_eq!((messages, locations, uids), (1200, 1200, 1200));
    // And both stores answer a search the same way (the restored index was rebuilt, then
    // caught up by the sync).
    let search = |c: &Company| -> Vec<String> {
        let v: serde_json::Value =
            serde_json::from_str(&c.ok(&["search", "\"Order 77\"", "--json", "--limit", "50"]))
                .unwrap();
        let mut subjects: Vec<String> = v["hits"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|h| h["subject"].as_str().unwrap().to_string())
            .collect();
        subjects.sort();
        subjects
    };
    let original = search(&company);
    assert!(!original.is_empty());
    assert_eq!(search(&restored), original);
}
