//! Dunning letters through the outbox on the real Dovecot + Postfix of `scripts/mailstack`
//! (§5.4, the feeds of `tradewind::feeds`): an overdue invoice → a letter waiting for finance's
//! approval → in the customer's mailbox with the salesperson in CC and in the finance Sent
//! folder; the customer's reply pauses dunning; the next letter answers the first; a payment
//! cancels a letter not yet sent and stops dunning; the final level's credit hold alerts the
//! owner and finance once; a crash while sending leaves an uncertain row, never a second letter.

mod common;

use std::process::Command;
use std::time::Duration;

use common::cli::{describe, repo, Company};
use common::{MailStack, TestUser};
use serde_json::Value;

struct Setup {
    co: Company,
    finance: TestUser,
    sales: TestUser,
    manager: TestUser,
    customer: TestUser,
}

/// A company with a finance mailbox on the stack (IMAP + SMTP), salesperson li.wei, sales
/// manager liu.yang, one customer C001 whose contact is a stack user, and invoice A1 issued
/// 60 days ago on NET 30 terms (30 days past due: the firm level).
fn setup(stack: &MailStack) -> Setup {
    setup_with(stack, "")
}

/// [`setup`] with `extra` appended to the config.
fn setup_with(stack: &MailStack, extra: &str) -> Setup {
    let co = Company::bare();
    let (finance, sales, manager, customer) = (
        stack.fresh_user(),
        stack.fresh_user(),
        stack.fresh_user(),
        stack.fresh_user(),
    );
    let pw = co.secret("finance.pw", &finance.password);
    let text = format!(
        r#"
[company]
name = "Ningbo Seawind Import & Export Co., Ltd."
home_country = "CN"
domains = ["seawind-trade.cn"]

[store]
data_dir = "data"

[[users]]
login = "zhao.lei"
name = "Zhao Lei"
email = "{f}"
role = "finance"

[[users]]
login = "li.wei"
name = "Li Wei"
email = "{s}"
role = "sales"

[[users]]
login = "liu.yang"
name = "Liu Yang"
email = "{m}"
role = "manager"

[[mailboxes]]
name = "finance"
owner = "zhao.lei"
role = "finance"
address = "{f}"
[mailboxes.imap]
host = "{host}"
port = {imap}
tls = "starttls"
ca_file = "{ca}"
username = "{f}"
password = {{ file = "{pw}" }}
# The stack's domain is not the company's: synced from Sent, our own letters would count as
# the customer's mail (a reply, even a complaint). In production the mailbox is at a company domain.
exclude = ["Sent"]
[mailboxes.smtp]
host = "{host}"
port = {sub}
tls = "starttls"
ca_file = "{ca}"

[outbox]
templates_dir = "{templates}"
holidays_dir = "{holidays}"
[outbox.window]
start = "00:00"
end = "23:59"
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
skip_holidays = false

[dunning]
sales_manager = "liu.yang"
bank_details = ["Bank of China, Ningbo Branch", "SWIFT BKCHCNBJ92A"]
{extra}
"#,
        f = finance.address,
        s = sales.address,
        m = manager.address,
        host = stack.host,
        imap = stack.imap_port,
        sub = stack.submission_port,
        ca = stack.ca_file.display(),
        pw = pw.display(),
        templates = repo("config/templates"),
        holidays = repo("config/holidays"),
    );
    co.set_config(&text);
    let s = Setup {
        co,
        finance,
        sales,
        manager,
        customer,
    };
    s.ok(&[
        "customers",
        "add",
        "C001",
        "Hansa Tools GmbH",
        "--set",
        "owner=li.wei",
        "--set",
        "contact_name=Jonas Weber",
        "--set",
        &format!("contact_email={}", s.customer.address),
    ]);
    let issued = (chrono::Utc::now() - chrono::Duration::days(60)).date_naive();
    let invoices = s.file(
        "invoices.csv",
        &format!(
            "invoice,customer,currency,amount,issue_date,terms\nA1,C001,USD,1000,{issued},NET 30\n"
        ),
    );
    s.ok(&["import", "invoices", &invoices]);
    s
}

impl std::ops::Deref for Setup {
    type Target = Company;
    fn deref(&self) -> &Company {
        &self.co
    }
}

impl Setup {
    fn row(&self, id: i64) -> Value {
        self.json(&["outbox", "list"])
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no outbox row {id}"))
    }

    /// `dunning run` and the outbox id of the one letter it queued.
    fn run_dunning(&self, as_of: &str, level: &str) -> i64 {
        let out = self.json(&["dunning", "run", "--as-of", as_of]);
        assert_eq!(out["recorded"][0][1], level, "{out:#}");
        let queued = out["outbox"]["queued"].as_array().unwrap();
        assert_eq!(queued.len(), 1, "{out:#}");
        queued[0][1].as_i64().unwrap()
    }
}

fn today(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .date_naive()
        .to_string()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn header(raw: &[u8], name: &str) -> String {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_default()
}

#[test]
fn an_overdue_invoice_gets_an_approved_letter_a_reply_pauses_and_a_payment_stops() {
    let stack = MailStack::from_env();
    let s = setup(&stack);
    let id = s.run_dunning(&today(0), "firm");
    let row = s.row(id);
    assert_eq!(
        (
            &row["purpose"],
            &row["mode"],
            &row["state"],
            &row["mailbox"]
        ),
        (
            &Value::from("dunning"),
            &Value::from("approve"),
            &Value::from("planned"),
            &Value::from("finance")
        ),
        "{row:#}"
    );
    assert_eq!(
        row["to"],
        serde_json::json!([s.customer.address]),
        "{row:#}"
    );
    assert_eq!(row["cc"], serde_json::json!([s.sales.address]), "{row:#}");
    // Running again queues nothing new: the letter is recorded once, the key is unique.
    let again = s.json(&["dunning", "run", "--as-of", &today(0)]);
    assert!(
        again["outbox"]["queued"].as_array().unwrap().is_empty(),
        "{again:#}"
    );
    // Waiting for finance: delivery leaves it alone.
    let report = s.json(&["outbox", "deliver"]);
    assert!(report["sent"].as_array().unwrap().is_empty(), "{report:#}");
    s.ok(&["outbox", "approve", &id.to_string()]);
    let report = s.json(&["outbox", "deliver"]);
    assert_eq!(report["sent"], serde_json::json!([id]), "{report:#}");

    let rt = runtime();
    let inbox =
        rt.block_on(stack.wait_for_messages(&s.customer, "INBOX", 1, Duration::from_secs(20)));
    let letter = &inbox[0].1;
    assert!(
        header(letter, "Cc").contains(&s.sales.address),
        "the salesperson is in CC: {}",
        header(letter, "Cc")
    );
    assert!(header(letter, "From").contains(&s.finance.address));
    rt.block_on(stack.wait_for_messages(&s.sales, "INBOX", 1, Duration::from_secs(20)));
    let sent = rt.block_on(stack.fetch_all(&s.finance, "Sent"));
    assert_eq!(sent.len(), 1, "one copy in the finance Sent folder");
    let first_mid = header(letter, "Message-ID");
    assert_eq!(header(&sent[0].1, "Message-ID"), first_mid);
    let (status, outbox_id): (String, i64) = s
        .db()
        .query_row(
            "SELECT status, outbox_id FROM dunning_letters WHERE level = 'firm'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), outbox_id), ("sent", id));

    // The customer answers in the thread: synced from the finance INBOX, it pauses dunning.
    let now = chrono::Utc::now().to_rfc2822();
    let reply = format!(
        "From: Jonas Weber <{c}>\r\nTo: {f}\r\nSubject: Re: payment\r\nDate: {now}\r\n\
         Message-ID: <reply-{n}@example.test>\r\nIn-Reply-To: {first_mid}\r\nReferences: {first_mid}\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThanks, noted. I have passed this on to our accounts team.\r\n",
        c = s.customer.address,
        f = s.finance.address,
        n = std::process::id(),
    );
    rt.block_on(stack.append(&s.finance, "INBOX", reply.as_bytes()));
    s.json(&["sync", "--once"]);
    let plan = s.json(&["dunning", "plan", "--as-of", &today(20)]);
    assert_eq!(plan[0]["status"], "paused", "{plan:#}");
    assert!(
        plan[0]["paused"][0].as_str().unwrap().contains("replied"),
        "{plan:#}"
    );

    // Finance has read it and resumes; 20 days later the final letter answers the first one
    // and copies the sales manager.
    s.ok(&["dunning", "resume", "C001"]);
    let plan = s.json(&["dunning", "plan", "--as-of", &today(20)]);
    assert_eq!(
        plan[0]["status"],
        "due",
        "{plan:#} {}",
        s.ok(&["tickets", "list"])
    );
    let final_id = s.run_dunning(&today(20), "final");
    let row = s.row(final_id);
    assert_eq!(
        row["in_reply_to"],
        Value::from(first_mid.clone()),
        "{row:#}"
    );
    assert_eq!(
        row["cc"],
        serde_json::json!([s.sales.address, s.manager.address]),
        "{row:#}"
    );
    s.ok(&["outbox", "approve", &final_id.to_string()]);

    // The payment arrives before the letter goes: it is cancelled, never sent.
    let pay = s.file(
        "payments.csv",
        &format!(
            "reference,invoice,amount,date,currency\nP1,A1,1000,{},USD\n",
            today(0)
        ),
    );
    s.ok(&["import", "payments", &pay]);
    let report = s.json(&["outbox", "deliver"]);
    assert!(
        report["sent"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x != final_id),
        "{report:#}"
    );
    assert_eq!(s.row(final_id)["state"], "cancelled", "{report:#}");
    let stop = s.json(&["dunning", "run", "--as-of", &today(0)]);
    assert_eq!(stop["stopped"], serde_json::json!(["C001"]), "{stop:#}");

    // The final level put C001 on hold: one alert to the owner, finance and the manager,
    // sent by that delivery run; later runs send no second one.
    s.json(&["outbox", "deliver"]);
    let alerts =
        rt.block_on(stack.wait_for_messages(&s.manager, "INBOX", 1, Duration::from_secs(20)));
    // The final letter (CC the manager) was cancelled, so the manager's one message is the alert.
    assert_eq!(alerts.len(), 1);
    assert!(
        header(&alerts[0].1, "Subject").contains("Credit hold"),
        "{}",
        header(&alerts[0].1, "Subject")
    );
    let to = header(&alerts[0].1, "To");
    assert!(
        to.contains(&s.sales.address) && to.contains(&s.finance.address),
        "{to}"
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(rt.block_on(stack.fetch_all(&s.manager, "INBOX")).len(), 1);
    assert_eq!(
        rt.block_on(stack.fetch_all(&s.customer, "INBOX")).len(),
        1,
        "the customer got the first letter only"
    );
}

#[test]
fn a_crash_while_sending_a_letter_leaves_it_uncertain_and_never_sends_twice() {
    let stack = MailStack::from_env();
    let s = setup(&stack);
    let id = s.run_dunning(&today(0), "firm");
    s.ok(&["outbox", "approve", &id.to_string()]);
    let out = s
        .command(&["outbox", "deliver"])
        .env("TRADEWIND_TEST_CRASH_AFTER", "smtp")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the hook aborts: {}", describe(&out));
    let rt = runtime();
    rt.block_on(stack.wait_for_messages(&s.customer, "INBOX", 1, Duration::from_secs(20)));
    let report = s.json(&["outbox", "deliver"]);
    assert_eq!(
        report["recovered_uncertain"],
        serde_json::json!([id]),
        "{report:#}"
    );
    // Neither another delivery nor another dunning run sends a second letter.
    s.json(&["dunning", "run", "--as-of", &today(0)]);
    s.json(&["outbox", "deliver"]);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(rt.block_on(stack.fetch_all(&s.customer, "INBOX")).len(), 1);
    assert_eq!(s.row(id)["state"], "uncertain");
    let letters: i64 = s
        .db()
        .query_row("SELECT COUNT(*) FROM dunning_letters", [], |r| r.get(0))
        .unwrap();
    assert_eq!(letters, 1);
}

#[test]
fn the_daemon_runs_dunning_by_itself_and_sends_the_letter_in_send_mode() {
    let stack = MailStack::from_env();
    let s = setup_with(&stack, "[feeds]\ndunning_mode = \"send\"\n");
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
            stack.wait_for_messages(&s.customer, "INBOX", 1, Duration::from_secs(40)),
        )
        .await
    });
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();
    assert!(
        arrived.is_ok(),
        "the daemon recorded and sent the due letter"
    );
    let (level, state): (String, String) = s
        .db()
        .query_row(
            "SELECT d.level, o.state FROM dunning_letters d JOIN outbox o ON o.id = d.outbox_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((level.as_str(), state.as_str()), ("firm", "sent"));
}
