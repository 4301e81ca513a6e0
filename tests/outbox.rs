//! The outbound engine (issue 6) on the real Dovecot + Postfix of `scripts/mailstack`:
//! send / draft / approve modes, exactly-once under kill -9, reply and ticket suppression,
//! SMTP 4xx / 5xx, DSN bounces, header injection, and send windows on fixed clocks.

mod common;

use std::process::Command;
use std::time::Duration;

use common::cli::{describe, repo, Company};
use common::{MailStack, TestUser};

/// A company whose salesperson `li.wei` is a fresh test user on the stack, with SMTP
/// submission as that user, the repo's templates and holiday data, and one follow-up rule.
struct Setup {
    co: Company,
    sales: TestUser,
}

/// A send window open around the clock, so mail-stack tests do not depend on the time of day.
const ALWAYS_OPEN: &str = "[outbox.window]\nstart = \"00:00\"\nend = \"23:59\"\n\
    days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\nskip_holidays = false\n";

/// `extra` is appended to the single `[[followups.rules]]`.
fn setup(stack: &MailStack, mode: &str, extra: &str) -> Setup {
    setup_with(
        Some(stack),
        mode,
        extra,
        ALWAYS_OPEN,
        "[greetings]\nenabled = false\n",
    )
}

/// The same company with any window and greetings sections; without a stack the mailbox has
/// no IMAP/SMTP (planning only).
fn setup_with(
    stack: Option<&MailStack>,
    mode: &str,
    extra: &str,
    window: &str,
    greetings: &str,
) -> Setup {
    let co = Company::bare();
    let sales = match stack {
        Some(st) => st.fresh_user(),
        None => TestUser {
            address: "li.wei@seawind-trade.cn".into(),
            password: String::new(),
        },
    };
    let pw = co.secret("li.wei.pw", &sales.password);
    let servers = match stack {
        Some(st) => format!(
            "[mailboxes.imap]\nhost = \"{host}\"\nport = {imap}\ntls = \"starttls\"\nca_file = \"{ca}\"\n\
             username = \"{addr}\"\npassword = {{ file = \"{pw}\" }}\n\
             [mailboxes.smtp]\nhost = \"{host}\"\nport = {sub}\ntls = \"starttls\"\nca_file = \"{ca}\"\n",
            host = st.host,
            imap = st.imap_port,
            sub = st.submission_port,
            ca = st.ca_file.display(),
            addr = sales.address,
            pw = pw.display(),
        ),
        None => String::new(),
    };
    let text = format!(
        r#"
[company]
name = "Ningbo Seawind Import & Export Co., Ltd."
home_country = "CN"
domains = ["seawind-trade.cn"]

[store]
data_dir = "data"

[[users]]
login = "li.wei"
name = "Li Wei 李伟"
email = "li.wei@seawind-trade.cn"
role = "sales"

[[mailboxes]]
name = "li.wei"
owner = "li.wei"
role = "sales"
address = "{addr}"
{servers}
[outbox]
templates_dir = "{templates}"
holidays_dir = "{holidays}"
retry_base_secs = 600
{window}
{greetings}
[[followups.rules]]
name = "every14"
every_days = 14
mode = "{mode}"
{extra}
"#,
        addr = sales.address,
        templates = repo("config/templates"),
        holidays = repo("config/holidays"),
    );
    co.set_config(&text);
    Setup { co, sales }
}

impl std::ops::Deref for Setup {
    type Target = Company;
    fn deref(&self) -> &Company {
        &self.co
    }
}

impl Setup {
    fn customer(&self, code: &str, name: &str, contact: &str, extra: &[&str]) {
        let mut args = vec![
            "customers".to_string(),
            "add".into(),
            code.into(),
            name.into(),
            "--set".into(),
            "owner=li.wei".into(),
            "--set".into(),
            "contact_name=Jonas Weber".into(),
            "--set".into(),
            format!("contact_email={contact}"),
        ];
        for e in extra {
            args.push("--set".into());
            args.push(e.to_string());
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        self.ok(&a);
    }

    fn rows(&self) -> Vec<serde_json::Value> {
        self.json(&["outbox", "list"]).as_array().unwrap().clone()
    }

    fn state(&self, id: i64) -> String {
        self.db()
            .query_row("SELECT state FROM outbox WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    }
}

/// A date `days` from today, as `--as-of` / `--now` takes it.
fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn message_id(raw: &[u8]) -> Option<String> {
    tradewind::parse::parse_mail(raw).ok()?.message_id
}

/// Plans one follow-up 15 days ahead (due after 14 without mail) and returns its id.
fn plan_one(s: &Setup) -> i64 {
    let report = s.json(&["followups", "plan", "--as-of", &in_days(15)]);
    let planned = report["planned"].as_array().unwrap();
    assert_eq!(planned.len(), 1, "{report:#}");
    planned[0]["id"].as_i64().unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

#[test]
fn send_mode_arrives_once_and_lands_in_sent() {
    let stack = MailStack::from_env();
    let s = setup(&stack, "send", "");
    let customer = stack.fresh_user();
    s.customer(
        "DE1",
        "Hansa Tools GmbH",
        &customer.address,
        &["country=DE"],
    );
    let id = plan_one(&s);
    // Planning again is idempotent.
    let again = s.json(&["followups", "plan", "--as-of", &in_days(15)]);
    assert_eq!(again["planned"][0]["new"], false, "{again:#}");
    assert_eq!(s.rows().len(), 1);

    let report = s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    assert_eq!(report["sent"], serde_json::json!([id]), "{report:#}");
    let rt = runtime();
    let inbox =
        rt.block_on(stack.wait_for_messages(&customer, "INBOX", 1, Duration::from_secs(20)));
    let sent = rt.block_on(stack.fetch_all(&s.sales, "Sent"));
    assert_eq!(sent.len(), 1, "one copy in the salesperson's Sent folder");
    let mid = message_id(&inbox[0].1).unwrap();
    assert_eq!(message_id(&sent[0].1).unwrap(), mid);
    assert!(
        mid.ends_with("@seawind-trade.cn>") || mid.ends_with("@seawind-trade.cn"),
        "{mid}"
    );
    let parsed = tradewind::parse::parse_mail(&inbox[0].1).unwrap();
    assert!(parsed.subject.contains("Checking in"), "{}", parsed.subject);
    assert!(
        parsed.body_text.contains("Dear Jonas Weber"),
        "{}",
        parsed.body_text
    );

    // Delivering again sends nothing more.
    let report = s.json(&["outbox", "deliver", "--now", &in_days(17)]);
    assert!(report["sent"].as_array().unwrap().is_empty(), "{report:#}");
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(rt.block_on(stack.fetch_all(&customer, "INBOX")).len(), 1);
    assert_eq!(s.state(id), "sent");

    // The customer answers in the thread: the follow-up is marked answered.
    let reply = format!(
        "From: {c}\r\nTo: {me}\r\nSubject: Re: Checking in\r\nMessage-ID: <reply-{n}@example.test>\r\n\
         In-Reply-To: <{mid}>\r\nReferences: <{mid}>\r\nDate: {date}\r\n\r\nYes, new order coming.\r\n",
        c = customer.address,
        me = s.sales.address,
        n = std::process::id(),
        date = chrono::Utc::now().to_rfc2822(),
    );
    rt.block_on(stack.append(&s.sales, "INBOX", reply.as_bytes()));
    s.ok(&["sync", "--once"]);
    let report = s.json(&["followups", "plan", "--as-of", &in_days(17)]);
    assert_eq!(report["answered"], serde_json::json!([id]), "{report:#}");
    assert!(s.rows()[0]["answered_at"].is_string());
    let shown = s.ok(&["outbox", "show", &id.to_string()]);
    assert!(
        shown.contains(&format!(
            "Message-ID: {}",
            s.rows()[0]["message_id"].as_str().unwrap()
        )),
        "{shown}"
    );
}

#[test]
fn draft_mode_goes_to_drafts_and_sends_nothing() {
    let stack = MailStack::from_env();
    let s = setup(&stack, "draft", "");
    let customer = stack.fresh_user();
    s.customer(
        "DE1",
        "Hansa Tools GmbH",
        &customer.address,
        &["country=DE"],
    );
    let id = plan_one(&s);
    let report = s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    assert_eq!(report["drafted"], serde_json::json!([id]), "{report:#}");
    let rt = runtime();
    let flags = rt.block_on(async {
        let mut session = stack.login(&s.sales).await;
        let f = session.fetch_flags("Drafts").await.unwrap();
        session.logout().await.unwrap();
        f
    });
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert!(flags[0].1.iter().any(|f| f == "\\Draft"), "{flags:?}");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        rt.block_on(stack.fetch_all(&customer, "INBOX")).is_empty(),
        "nothing sent"
    );
    assert!(rt.block_on(stack.fetch_all(&s.sales, "Sent")).is_empty());
    assert_eq!(s.state(id), "drafted");
}

#[test]
fn approve_mode_waits_for_approval() {
    let stack = MailStack::from_env();
    let s = setup(&stack, "approve", "");
    let customer = stack.fresh_user();
    s.customer("DE1", "Hansa Tools GmbH", &customer.address, &[]);
    let id = plan_one(&s);
    let report = s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    assert!(report["sent"].as_array().unwrap().is_empty(), "{report:#}");
    assert_eq!(s.state(id), "planned");
    s.ok(&["outbox", "approve", "--all"]);
    assert_eq!(s.state(id), "approved");
    let report = s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    assert_eq!(report["sent"], serde_json::json!([id]), "{report:#}");
    runtime().block_on(stack.wait_for_messages(&customer, "INBOX", 1, Duration::from_secs(20)));
}

#[test]
fn kill_during_sending_never_sends_twice_and_leaves_uncertain() {
    let stack = MailStack::from_env();
    let s = setup(&stack, "send", "");
    let customer = stack.fresh_user();
    s.customer("DE1", "Hansa Tools GmbH", &customer.address, &[]);
    let id = plan_one(&s);
    // Dies right after the SMTP server accepted the message, before recording it.
    let out = s
        .command(&["outbox", "deliver", "--now", &in_days(16)])
        .env("TRADEWIND_TEST_CRASH_AFTER", "smtp")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the hook aborts: {}", describe(&out));
    assert_eq!(s.state(id), "sending");
    let rt = runtime();
    rt.block_on(stack.wait_for_messages(&customer, "INBOX", 1, Duration::from_secs(20)));
    // The next run finds it: uncertain, and never sends it again.
    let report = s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    assert_eq!(
        report["recovered_uncertain"],
        serde_json::json!([id]),
        "{report:#}"
    );
    assert!(report["sent"].as_array().unwrap().is_empty());
    s.json(&["outbox", "deliver", "--now", &in_days(17)]);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        rt.block_on(stack.fetch_all(&customer, "INBOX")).len(),
        1,
        "exactly one copy"
    );
    assert_eq!(s.state(id), "uncertain");
    s.ok(&["outbox", "confirm", &id.to_string(), "--sent"]);
    assert_eq!(s.state(id), "sent");

    // Dies after committing 'sending' but before SMTP: uncertain, nothing arrived; a person
    // says it was not sent, and it goes exactly once.
    let other = stack.fresh_user();
    s.customer("DE2", "Other GmbH", &other.address, &[]);
    let report = s.json(&["followups", "plan", "--as-of", &in_days(15)]);
    let id2 = report["planned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["customer"] == "DE2")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let out = s
        .command(&["outbox", "deliver", "--now", &in_days(16)])
        .env("TRADEWIND_TEST_CRASH_AFTER", "claim")
        .output()
        .unwrap();
    assert!(!out.status.success());
    s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    assert_eq!(s.state(id2), "uncertain");
    std::thread::sleep(Duration::from_millis(1000));
    assert!(rt.block_on(stack.fetch_all(&other, "INBOX")).is_empty());
    s.ok(&["outbox", "confirm", &id2.to_string(), "--not-sent"]);
    s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    rt.block_on(stack.wait_for_messages(&other, "INBOX", 1, Duration::from_secs(20)));
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(rt.block_on(stack.fetch_all(&other, "INBOX")).len(), 1);
}

#[test]
fn kill_during_planning_plans_each_email_once() {
    let stack = MailStack::from_env();
    let s = setup(&stack, "send", "");
    for (code, user) in [("DE1", stack.fresh_user()), ("DE2", stack.fresh_user())] {
        s.customer(code, code, &user.address, &[]);
    }
    let out = s
        .command(&["followups", "plan", "--as-of", &in_days(15)])
        .env("TRADEWIND_TEST_CRASH_AFTER", "plan")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", describe(&out));
    assert_eq!(
        s.rows().len(),
        0,
        "the planning transaction never committed"
    );
    s.json(&["followups", "plan", "--as-of", &in_days(15)]);
    s.json(&["followups", "plan", "--as-of", &in_days(15)]);
    assert_eq!(s.rows().len(), 2);
}

#[test]
fn a_reply_before_sending_cancels_and_an_open_ticket_suppresses() {
    let stack = MailStack::from_env();
    let s = setup(&stack, "send", "");
    let customer = stack.fresh_user();
    s.customer("DE1", "Hansa Tools GmbH", &customer.address, &[]);
    let id = plan_one(&s);
    // The customer writes before the follow-up goes.
    std::thread::sleep(Duration::from_millis(1100));
    let rt = runtime();
    let mail = lettre::Message::builder()
        .from(customer.address.parse().unwrap())
        .to(s.sales.address.parse().unwrap())
        .subject("New order")
        .body("Please quote 500 pcs.".to_string())
        .unwrap();
    rt.block_on(stack.send_smtp(&customer, mail));
    rt.block_on(stack.wait_for_messages(&s.sales, "INBOX", 1, Duration::from_secs(20)));
    s.ok(&["sync", "--once"]);
    let report = s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    assert_eq!(report["cancelled"][0][0], id, "{report:#}");
    assert!(
        report["cancelled"][0][1]
            .as_str()
            .unwrap()
            .starts_with("answered"),
        "{report:#}"
    );
    assert_eq!(s.state(id), "cancelled");
    std::thread::sleep(Duration::from_millis(1000));
    assert!(rt.block_on(stack.fetch_all(&customer, "INBOX")).is_empty());

    // An open complaint ticket suppresses the next follow-up; a resolved one does not.
    let cust: i64 = s
        .db()
        .query_row("SELECT id FROM customers WHERE code = 'DE1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    s.db()
        .execute(
            "INSERT INTO tickets (customer_id, status, number, category, severity, opened_at, updated_at)
             VALUES (?1, 'investigating', 'T-TEST-1', 'quality', 'normal', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            [cust],
        )
        .unwrap();
    let report = s.json(&["followups", "plan", "--as-of", &in_days(40)]);
    assert!(
        report["planned"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    assert_eq!(
        report["skipped"][0]["reason"], "open complaint ticket",
        "{report:#}"
    );
    s.db()
        .execute("UPDATE tickets SET status = 'resolved'", [])
        .unwrap();
    let report = s.json(&["followups", "plan", "--as-of", &in_days(40)]);
    assert_eq!(report["planned"].as_array().unwrap().len(), 1, "{report:#}");
}

#[test]
fn smtp_4xx_is_retried_5xx_fails_and_a_dsn_marks_the_address_bad() {
    let stack = MailStack::from_env();
    let s = setup(&stack, "send", "");
    let n = std::process::id();
    let tempfail = format!("tempfail-{n}-{}@example.test", rand_suffix());
    let reject = format!("reject-{n}-{}@example.test", rand_suffix());
    let unknown = format!("nobody-{n}-{}@example.test", rand_suffix());
    s.customer("T1", "Tempfail Ltd", &tempfail, &[]);
    s.customer("R1", "Reject Ltd", &reject, &[]);
    s.customer("U1", "Unknown Ltd", &unknown, &[]);
    s.json(&["followups", "plan", "--as-of", &in_days(15)]);
    let id_of = |code: &str| -> i64 {
        s.db().query_row("SELECT o.id FROM outbox o JOIN customers c ON c.id = o.customer_id WHERE c.code = ?1", [code], |r| r.get(0)).unwrap()
    };
    let report = s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    // 4xx: planned again later, with the server's reply.
    let (t, r, u) = (id_of("T1"), id_of("R1"), id_of("U1"));
    assert_eq!(report["retry"][0][0], t, "{report:#}");
    assert!(
        report["retry"][0][1].as_str().unwrap().contains("450"),
        "{report:#}"
    );
    assert_eq!(s.state(t), "approved");
    let (attempts, not_before): (i64, String) = s
        .db()
        .query_row(
            "SELECT attempts, not_before FROM outbox WHERE id = ?1",
            [t],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(attempts, 1);
    assert!(not_before > in_days(16), "backoff moved it: {not_before}");
    // 5xx: failed, with the reply.
    assert_eq!(s.state(r), "failed");
    let why: String = s
        .db()
        .query_row("SELECT closed_reason FROM outbox WHERE id = ?1", [r], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(why.contains("554") || why.contains("5.1.1"), "{why}");
    // Unknown user: accepted by submission, bounced by delivery → a DSN in li.wei's INBOX.
    assert_eq!(s.state(u), "sent");
    let rt = runtime();
    rt.block_on(stack.wait_for_messages(&s.sales, "INBOX", 1, Duration::from_secs(20)));
    s.ok(&["sync", "--once"]);
    let report = s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    assert_eq!(
        report["bounces"]["marked"],
        serde_json::json!([unknown]),
        "{report:#}"
    );
    let report = s.json(&["followups", "plan", "--as-of", &in_days(60)]);
    let u1: Vec<_> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["customer"] == "U1")
        .collect();
    assert!(
        u1[0]["reason"].as_str().unwrap().contains("bad address"),
        "{report:#}"
    );
    let bad = s.json(&["outbox", "bad-addresses"]);
    assert_eq!(bad[0]["address"], unknown.as_str(), "{bad:#}");
    s.ok(&["outbox", "clear-bad", &unknown]);
    assert!(s
        .json(&["outbox", "bad-addresses"])
        .as_array()
        .unwrap()
        .is_empty());

    // The 4xx row, retried with growing delays (capped at 6 h) until max_attempts, then failed.
    for i in 1..=10 {
        let at = (chrono::Utc::now() + chrono::Duration::days(20) + chrono::Duration::hours(7 * i))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        s.json(&["outbox", "deliver", "--now", &at]);
        if s.state(t) == "failed" {
            break;
        }
    }
    let (attempts, why): (i64, String) = s
        .db()
        .query_row(
            "SELECT attempts, closed_reason FROM outbox WHERE id = ?1",
            [t],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(attempts, 8, "{why}");
    assert!(
        why.starts_with("gave up after 8 attempts") && why.contains("450"),
        "{why}"
    );
    assert_eq!(s.state(t), "failed");
}

fn rand_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(1);
    format!("{:08x}", h.finish() as u32)
}

#[test]
fn a_connection_failure_is_retried_and_then_succeeds() {
    let stack = MailStack::from_env();
    let s = setup(&stack, "send", "");
    let customer = stack.fresh_user();
    s.customer("DE1", "Hansa Tools GmbH", &customer.address, &[]);
    let id = plan_one(&s);
    // The submission server is unreachable (nothing listens on port 1).
    let good = std::fs::read_to_string(&s.config).unwrap();
    let bad = good.replace(&format!("port = {}", stack.submission_port), "port = 1");
    std::fs::write(&s.config, &bad).unwrap();
    let report = s.json(&["outbox", "deliver", "--now", &in_days(16)]);
    assert_eq!(report["retry"][0][0], id, "{report:#}");
    assert_eq!(s.state(id), "approved");
    std::fs::write(&s.config, &good).unwrap();
    let report = s.json(&["outbox", "deliver", "--now", &in_days(17)]);
    assert_eq!(report["sent"], serde_json::json!([id]), "{report:#}");
    runtime().block_on(stack.wait_for_messages(&customer, "INBOX", 1, Duration::from_secs(20)));
}

#[test]
fn header_injection_through_a_template_variable_is_refused() {
    let stack = MailStack::from_env();
    let s = setup(&stack, "send", "");
    let customer = stack.fresh_user();
    s.customer(
        "EV1",
        "Evil Corp\r\nBcc: victim@evil.example",
        &customer.address,
        &[],
    );
    let report = s.json(&["followups", "plan", "--as-of", &in_days(15)]);
    assert!(
        report["planned"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    let reason = report["errors"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("header injection") && reason.contains("customer.name"),
        "{reason}"
    );
}

#[test]
fn send_windows_follow_the_recipients_clock_across_dst_and_holidays() {
    // Default window 09:00-11:00 Mon-Fri local, public holidays skipped; no mail stack needed.
    let s = setup_with(None, "draft", "", "", "[greetings]\nenabled = false\n");
    s.customer(
        "LA1",
        "Pacific Tools Inc",
        "buyer@pacific-tools.com",
        &["country=US"],
    );
    s.ok(&["outbox", "timezone", "LA1", "America/Los_Angeles"]);
    s.customer(
        "AE1",
        "Gulf Trading LLC",
        "buyer@gulf-trading.ae",
        &["country=AE"],
    );
    s.customer(
        "AU1",
        "Harbour Supplies Pty",
        "buyer@harbour.com.au",
        &["country=AU"],
    );
    let db = s.db();
    // Fixed clocks: LA1 and AE1 due Wed 2026-12-02 (UAE National Day, Dec 2-3), AU1 due
    // Sat 2026-10-03, the day before Sydney moves to daylight saving time.
    db.execute(
        "UPDATE customers SET created_at = '2026-11-18T00:00:00Z' WHERE code IN ('LA1', 'AE1')",
        [],
    )
    .unwrap();
    db.execute(
        "UPDATE customers SET created_at = '2026-09-19T00:00:00Z' WHERE code = 'AU1'",
        [],
    )
    .unwrap();
    s.json(&["followups", "plan", "--as-of", "2026-10-01"]);
    s.json(&["followups", "plan", "--as-of", "2026-11-30"]);
    let rows = s.rows();
    let row = |code: &str| {
        rows.iter()
            .find(|r| r["customer"] == code)
            .unwrap_or_else(|| panic!("{code} planned: {rows:#?}"))
            .clone()
    };
    let la = row("LA1");
    assert_eq!(la["planned_utc"], "2026-12-02T17:00:00Z", "{la:#}");
    assert_eq!(la["planned_local"], "2026-12-02 09:00 PST");
    let ae = row("AE1");
    // Dec 2 and 3 are holidays in the UAE: Friday Dec 4, 09:00 in Dubai (UTC+4).
    assert_eq!(ae["planned_utc"], "2026-12-04T05:00:00Z", "{ae:#}");
    assert_eq!(ae["planned_local"], "2026-12-04 09:00 +04");
    let au = row("AU1");
    // The weekend is skipped; Monday Oct 5 09:00 is AEDT (UTC+11) now, not AEST (UTC+10).
    assert_eq!(au["planned_utc"], "2026-10-04T22:00:00Z", "{au:#}");
    assert_eq!(au["planned_local"], "2026-10-05 09:00 AEDT");
    let table = s.ok(&["outbox", "list"]);
    assert!(
        table.contains("2026-10-05 09:00 AEDT") && table.contains("2026-10-04T22:00:00Z"),
        "{table}"
    );
}

#[test]
fn greetings_go_before_the_holiday_in_the_contacts_language() {
    let s = setup_with(
        None,
        "draft",
        "customer = \"NOBODY\"",
        "",
        "[greetings]\ndays_before = 3\n",
    );
    s.customer(
        "AE2",
        "迪拜华商贸易",
        "wang@dubai-huashang.ae",
        &["country=AE", "contact_language=zh"],
    );
    s.customer(
        "AE3",
        "Gulf Trading LLC",
        "buyer@gulf-trading.ae",
        &["country=AE"],
    );
    let report = s.json(&["followups", "plan", "--as-of", "2026-11-27"]);
    let planned = report["planned"].as_array().unwrap();
    assert_eq!(planned.len(), 2, "{report:#}");
    let rows = s.rows();
    let zh = rows.iter().find(|r| r["customer"] == "AE2").unwrap();
    assert_eq!(zh["purpose"], "greeting");
    assert_eq!(zh["language"], "zh");
    assert!(
        zh["subject"].as_str().unwrap().starts_with("节日快乐"),
        "{zh:#}"
    );
    assert_eq!(zh["due_date"], "2026-12-02");
    // Three days before Wed Dec 2 is Sunday (UAE weekend): Monday Nov 30, 09:00 Dubai.
    assert_eq!(zh["planned_utc"], "2026-11-30T05:00:00Z", "{zh:#}");
    let en = rows.iter().find(|r| r["customer"] == "AE3").unwrap();
    assert_eq!(en["language"], "en");
    assert!(
        en["subject"].as_str().unwrap().contains("National Day"),
        "{en:#}"
    );
    // `outbox show` renders the message that will go: UTF-8 subject encoded, both parts.
    let shown = s.ok(&["outbox", "show", &zh["id"].to_string()]);
    assert!(shown.contains("Subject: =?utf-8?"), "{shown}");
    assert!(
        shown.contains("multipart/alternative") && shown.contains("text/html"),
        "{shown}"
    );
    // Planning again: no duplicates.
    s.json(&["followups", "plan", "--as-of", "2026-11-28"]);
    assert_eq!(s.rows().len(), 2);
}

#[test]
fn the_hourly_rate_limit_and_the_kill_switch_hold_mail_back() {
    let stack = MailStack::from_env();
    let window = format!("rate_per_hour = 1\n{ALWAYS_OPEN}");
    let s = setup_with(
        Some(&stack),
        "send",
        "",
        &window,
        "[greetings]\nenabled = false\n",
    );
    let (a, b) = (stack.fresh_user(), stack.fresh_user());
    s.customer("DE1", "Hansa Tools GmbH", &a.address, &[]);
    s.customer("DE2", "Rhein Metall KG", &b.address, &[]);
    s.json(&["followups", "plan", "--as-of", &in_days(15)]);
    let now = in_days(16);
    let report = s.json(&["outbox", "deliver", "--now", &now]);
    assert_eq!(report["sent"].as_array().unwrap().len(), 1, "{report:#}");
    assert_eq!(
        report["rate_limited"].as_array().unwrap().len(),
        1,
        "{report:#}"
    );
    // Within the same hour: still held back.
    let report = s.json(&["outbox", "deliver", "--now", &now]);
    assert!(report["sent"].as_array().unwrap().is_empty(), "{report:#}");

    // The kill switch: nothing goes, whatever is due.
    let text = std::fs::read_to_string(&s.config).unwrap();
    std::fs::write(
        &s.config,
        text.replace("[outbox]\n", "[outbox]\nenabled = false\n"),
    )
    .unwrap();
    let later = in_days(17);
    let report = s.json(&["outbox", "deliver", "--now", &later]);
    assert_eq!(report["disabled"], true, "{report:#}");
    assert!(report["sent"].as_array().unwrap().is_empty(), "{report:#}");
    std::fs::write(&s.config, text).unwrap();
    let report = s.json(&["outbox", "deliver", "--now", &later]);
    assert_eq!(report["sent"].as_array().unwrap().len(), 1, "{report:#}");
    let rt = runtime();
    rt.block_on(stack.wait_for_messages(&a, "INBOX", 1, Duration::from_secs(20)));
    rt.block_on(stack.wait_for_messages(&b, "INBOX", 1, Duration::from_secs(20)));
}

#[test]
fn the_daemon_plans_and_delivers_on_its_own() {
    let stack = MailStack::from_env();
    let s = setup(&stack, "send", "");
    let customer = stack.fresh_user();
    s.customer("DE1", "Hansa Tools GmbH", &customer.address, &[]);
    // Last correspondence 20 days ago: a follow-up is due now.
    s.db()
        .execute("UPDATE customers SET created_at = ?1", [in_days(-20)])
        .unwrap();
    let mut child = s
        .command(&["run"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let rt = runtime();
    let arrived = rt.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(40),
            stack.wait_for_messages(&customer, "INBOX", 1, Duration::from_secs(40)),
        )
        .await
    });
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();
    assert!(arrived.is_ok(), "the daemon sent the due follow-up");
    assert_eq!(s.rows()[0]["state"], "sent");
}

#[test]
fn a_rule_with_an_unknown_scale_stops_the_start_with_file_and_line() {
    let s = setup_with(None, "draft", "scale = \"huge\"", "", "");
    let out = s.run(&["outbox", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = std::fs::read_to_string(&s.config)
        .unwrap()
        .lines()
        .position(|l| l.contains("\"every14\""))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "tradewind.toml:{line}: followups.rules.scale: rule 'every14': 'huge'"
        )),
        "{err}"
    );
}
