//! Secrets never reach a log, an error, the output or the database (issue 9).
//!
//! Two mailboxes on the real mail stack get distinctive passwords of their own — one from a
//! 0600 file, one from an environment variable — and a third mailbox tries a wrong one. Then
//! sync, the daemon, doctor (IMAP login and SMTP AUTH) and an outbox send through SMTP
//! submission run at debug level (`-vv`, `TRADEWIND_LOG=trace`), with JSON and text logs.
//! Every byte they wrote — stdout, stderr, the daemon log, every file of the data dir
//! (database, WAL, index) — is searched for each password, its base64 and the SASL PLAIN blob.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cli::describe;
use common::{MailStack, TestUser};

const BIN: &str = env!("CARGO_BIN_EXE_tradewind");

fn repo(p: &str) -> String {
    format!("{}/{p}", env!("CARGO_MANIFEST_DIR"))
}

/// A password nobody else uses, so any occurrence is a leak.
fn distinctive(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "Tw{tag}-{:x}-{:x}-Qz9",
        std::process::id(),
        nanos & 0xffff_ffff
    )
}

/// A fixed user of the stack with `password` (Dovecot re-reads its users file on change).
fn stack_user(stack: &MailStack, tag: &str, password: &str) -> TestUser {
    use std::io::Write;
    let address = format!(
        "sec{tag}-{}-{}@{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros(),
        stack.domain
    );
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(stack.dir.join("users"))
        .expect("the stack's users file");
    writeln!(f, "{address}:{{PLAIN}}{password}::::::").unwrap();
    TestUser {
        address,
        password: password.to_string(),
    }
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every form a password could leak in.
fn needles(user: &TestUser) -> Vec<String> {
    let pw = &user.password;
    vec![
        pw.clone(),
        base64(pw.as_bytes()),
        base64(format!("\0{}\0{pw}", user.address).as_bytes()),
    ]
}

/// All files under `dir`, recursively.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn message(to: &str, n: u32) -> Vec<u8> {
    format!(
        "From: Buyer <buyer{n}@secrets.example>\r\nTo: <{to}>\r\nSubject: 询价 {n}\r\n\
         Date: Mon, 2 Nov 2026 10:00:00 +0800\r\nMessage-ID: <secrets-{n}-{}@test.example>\r\n\r\nhi\r\n",
        std::process::id()
    )
    .into_bytes()
}

#[test]
fn no_password_reaches_logs_output_errors_or_the_database() {
    let stack = MailStack::from_env();
    let file_user = stack_user(&stack, "f", &distinctive("File"));
    let env_user = stack_user(&stack, "e", &distinctive("Env"));
    let wrong = TestUser {
        address: file_user.address.clone(),
        password: distinctive("Wrong"),
    };
    std::thread::sleep(Duration::from_millis(1500)); // Dovecot re-reads users at most 1/s
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(stack.append(&file_user, "INBOX", &message(&file_user.address, 1)));
    rt.block_on(stack.append(&env_user, "INBOX", &message(&env_user.address, 2)));
    let customer = stack.fresh_user();

    let dir = tempfile::tempdir().unwrap();
    let pw_file = dir.path().join("li.wei.pw");
    std::fs::write(&pw_file, format!("{}\n", file_user.password)).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pw_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let servers = |addr: &str, password: &str| {
        format!(
            "[mailboxes.imap]\nhost = \"{host}\"\nport = {imap}\ntls = \"starttls\"\n\
             ca_file = \"{ca}\"\nusername = \"{addr}\"\npassword = {password}\n\
             [mailboxes.smtp]\nhost = \"{host}\"\nport = {sub}\ntls = \"starttls\"\nca_file = \"{ca}\"\n",
            host = stack.host,
            imap = stack.imap_port,
            sub = stack.submission_port,
            ca = stack.ca_file.display(),
        )
    };
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
[[users]]
login = "li.wei"
name = "Li Wei 李伟"
email = "li.wei@seawind-trade.cn"
role = "sales"
[[mailboxes]]
name = "li.wei"
owner = "li.wei"
role = "sales"
address = "{fa}"
{a}
[[mailboxes]]
name = "env"
owner = "li.wei"
role = "sales"
address = "{ea}"
{b}
[[mailboxes]]
name = "wrong"
owner = "li.wei"
role = "sales"
address = "{fa}"
{c}
[outbox]
templates_dir = "{templates}"
holidays_dir = "{holidays}"
[outbox.window]
start = "00:00"
end = "23:59"
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
skip_holidays = false
[greetings]
enabled = false
[[followups.rules]]
name = "every14"
every_days = 14
mode = "send"
"#,
            fa = file_user.address,
            ea = env_user.address,
            a = servers(
                &file_user.address,
                &format!("{{ file = \"{}\" }}", pw_file.display())
            ),
            b = servers(&env_user.address, "{ env = \"TW_SECRET_ENV_PW\" }"),
            c = servers(&file_user.address, "{ env = \"TW_SECRET_WRONG_PW\" }"),
            templates = repo("config/templates"),
            holidays = repo("config/holidays"),
        ),
    )
    .unwrap();
    let cmd = |args: &[&str]| {
        let mut c = Command::new(BIN);
        c.arg("--config")
            .arg(&config)
            .arg("-vv")
            .args(args)
            .current_dir(dir.path())
            .env_remove("TRADEWIND_CONFIG")
            .env_remove("NOTIFY_SOCKET")
            .env("TRADEWIND_LOG", "trace")
            .env("TRADEWIND_ACTOR", "cli:tester")
            .env("TW_SECRET_ENV_PW", &env_user.password)
            .env("TW_SECRET_WRONG_PW", &wrong.password);
        c
    };
    let mut captured: Vec<(String, Vec<u8>)> = Vec::new();
    let mut run = |what: &str, args: &[&str]| {
        let out = cmd(args).output().unwrap();
        captured.push((format!("{what} stdout"), out.stdout.clone()));
        captured.push((format!("{what} stderr"), out.stderr.clone()));
        out
    };

    // Sync: two good mailboxes, one wrong password (the run reports the failure).
    let sync = run("sync", &["sync", "--once"]);
    let sync_err = String::from_utf8_lossy(&sync.stderr).to_string();
    assert!(
        sync_err.contains("wrong"),
        "the wrong mailbox's failure must be reported:\n{}",
        describe(&sync)
    );
    // Doctor: IMAP login and SMTP AUTH for all three, one FAIL each for `wrong`.
    let doctor = run("doctor", &["doctor", "--json"]);
    assert!(!doctor.status.success(), "{}", describe(&doctor));

    // An outbox send through SMTP submission (AUTH PLAIN with the file password).
    run(
        "customer",
        &[
            "customers",
            "add",
            "DE1",
            "Hansa Tools GmbH",
            "--set",
            "owner=li.wei",
            "--set",
            "contact_name=Jonas Weber",
            "--set",
            &format!("contact_email={}", customer.address),
            "--set",
            "country=DE",
        ],
    );
    let at = |days: i64| {
        (chrono::Utc::now() + chrono::Duration::days(days))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    run("plan", &["followups", "plan", "--as-of", &at(15), "--json"]);
    let deliver = run(
        "deliver",
        &["outbox", "deliver", "--now", &at(16), "--json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&deliver.stdout)
        .unwrap_or_else(|_| panic!("{}", describe(&deliver)));
    let sent = report["sent"].as_array().map_or(0, Vec::len);

    // The daemon, JSON log, debug level, with the wrong mailbox failing beside the others.
    let log = dir.path().join("daemon.log");
    let mut child = cmd(&["run", "--log-format", "json"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let db_path = dir.path().join("data/tradewind.db");
    loop {
        let done = rusqlite::Connection::open(&db_path)
            .and_then(|c| {
                c.query_row(
                    "SELECT (SELECT count(*) FROM daemon_status WHERE last_success IS NOT NULL
                             AND mailbox IN ('li.wei', 'env')),
                            (SELECT count(*) FROM daemon_status WHERE mailbox = 'wrong'
                             AND last_error IS NOT NULL)",
                    [],
                    |r| Ok(r.get::<_, i64>(0)? == 2 && r.get::<_, i64>(1)? == 1),
                )
            })
            .unwrap_or(false);
        if done || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let daemon_log = std::fs::read(&log).unwrap();
    captured.push(("daemon log".into(), daemon_log.clone()));

    // The runs did what they should, so the search below covers the real paths.
    assert_eq!(sent, 1, "one follow-up sent through SMTP: {report:#}");
    let db = rusqlite::Connection::open(&db_path).unwrap();
    let (synced, last_error): (i64, Option<String>) = db
        .query_row(
            "SELECT (SELECT count(*) FROM messages),
                    (SELECT last_error FROM daemon_status WHERE mailbox = 'wrong')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(synced >= 2, "both good mailboxes synced");
    assert!(
        last_error.is_some(),
        "the wrong password was tried and recorded"
    );
    let log_text = String::from_utf8_lossy(&daemon_log);
    assert!(
        log_text.contains("\"level\":\"DEBUG\""),
        "debug-level JSON log:\n{log_text}"
    );
    drop(db);

    let mut stored = Vec::new();
    files(&dir.path().join("data"), &mut stored);
    assert!(stored.iter().any(|p| p.ends_with("tradewind.db")));
    for p in stored {
        captured.push((p.display().to_string(), std::fs::read(&p).unwrap()));
    }
    let mut leaks = Vec::new();
    for user in [&file_user, &env_user, &wrong] {
        for needle in needles(user) {
            for (what, bytes) in &captured {
                if contains(bytes, &needle) {
                    leaks.push(format!("{needle} in {what}"));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}
