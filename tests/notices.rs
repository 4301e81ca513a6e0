//! Ticket notices and payment-fraud alerts through the outbox on the real mail stack (§6, §5.3,
//! the feeds of `tradewind::feeds`): a Chinese complaint synced over IMAP → a Chinese
//! acknowledgement in the customer's mailbox, in the complaint's thread, exactly once; the missed
//! acknowledgement deadline → one breach notice to the manager, once; a message announcing new
//! bank details → one alert to the owner and finance quoting it.

mod common;

use std::time::Duration;

use common::cli::{repo, Company};
use common::{MailStack, TestUser};

/// Salesperson li.wei's mailbox on the stack (IMAP + SMTP), manager liu.yang, finance zhao.lei;
/// working hours around the clock and a one-hour acknowledgement SLA, so a complaint three
/// hours old has missed it whatever the day.
fn setup(stack: &MailStack, sales: &TestUser, manager: &TestUser, finance: &TestUser) -> Company {
    let company = Company::bare();
    let pw = company.secret("sales.pw", &sales.password);
    let sla = ["low", "normal", "high", "critical"]
        .iter()
        .map(|s| {
            format!("[tickets.sla.{s}]\nacknowledge_hours = 1\nplan_hours = 500\nresolve_hours = 1000\n")
        })
        .collect::<String>();
    let text = format!(
        r#"
[company]
name = "宁波海风进出口有限公司"
home_country = "CN"
domains = ["seawind-trade.cn"]

[store]
data_dir = "data"

[[users]]
login = "li.wei"
name = "李伟"
email = "{s}"
role = "sales"

[[users]]
login = "liu.yang"
name = "Liu Yang"
email = "{m}"
role = "manager"

[[users]]
login = "zhao.lei"
name = "Zhao Lei"
email = "{f}"
role = "finance"

[[mailboxes]]
name = "li.wei"
owner = "li.wei"
role = "sales"
address = "{s}"
[mailboxes.imap]
host = "{host}"
port = {imap}
tls = "starttls"
ca_file = "{ca}"
username = "{s}"
password = {{ file = "{pw}" }}
exclude = ["Sent"]
[mailboxes.smtp]
host = "{host}"
port = {sub}
tls = "starttls"
ca_file = "{ca}"

[outbox]
templates_dir = "{templates}"
holidays_dir = "{holidays}"

[work_hours]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
start = "00:00"
end = "23:59"

[tickets]
{sla}"#,
        s = sales.address,
        m = manager.address,
        f = finance.address,
        host = stack.host,
        imap = stack.imap_port,
        sub = stack.submission_port,
        ca = stack.ca_file.display(),
        pw = pw.display(),
        templates = repo("config/templates"),
        holidays = repo("config/holidays"),
    );
    company.set_config(&text);
    company
}

fn mail(from: &str, to: &str, ago_hours: i64, subject: &str, body: &str, id: &str) -> Vec<u8> {
    let date = (chrono::Utc::now() - chrono::Duration::hours(ago_hours)).to_rfc2822();
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn parsed(raw: &[u8]) -> tradewind::parse::ParsedMail {
    tradewind::parse::parse_mail(raw).unwrap()
}

#[test]
fn a_complaint_is_acknowledged_once_in_its_thread_and_language_and_a_breach_notified_once() {
    let stack = MailStack::from_env();
    let (sales, manager, finance, customer) = (
        stack.fresh_user(),
        stack.fresh_user(),
        stack.fresh_user(),
        stack.fresh_user(),
    );
    let s = setup(&stack, &sales, &manager, &finance);
    s.ok(&[
        "customers",
        "add",
        "C001",
        "杭州东方贸易",
        "--set",
        "owner=li.wei",
        "--set",
        "contact_name=王芳",
        "--set",
        &format!("contact_email={}", customer.address),
    ]);
    let complaint_id = format!("complaint-{}@example.test", std::process::id());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(stack.append(
        &sales,
        "INBOX",
        &mail(
            &format!("王芳 <{}>", customer.address),
            &sales.address,
            3,
            "货物破损问题",
            "李经理您好，\n\n这批货到了以后我们发现很多纸箱破损，里面的灯具也摔坏了，质量太差了，我们非常失望。请尽快给我们一个处理方案。\n\n王芳",
            &complaint_id,
        ),
    ));
    rt.block_on(stack.append(
        &sales,
        "INBOX",
        &mail(
            &format!("王芳 <{}>", customer.address),
            &sales.address,
            2,
            "Bank account",
            "Please note that our bank details have changed. Kindly remit to the new account: IBAN DE00 1111 2222.",
            &format!("bank-{}@example.test", std::process::id()),
        ),
    ));
    s.json(&["sync", "--once"]);
    let tickets = s.json(&["tickets", "list"]);
    assert_eq!(tickets.as_array().unwrap().len(), 1, "{tickets:#}");
    s.ok(&["tickets", "breaches"]);

    // One delivery run queues and sends the acknowledgement, the breach notices and the alert.
    let report = s.json(&["outbox", "deliver"]);
    let queued: Vec<String> = report["queued"]["queued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q[0].as_str().unwrap().to_string())
        .collect();
    assert!(
        report["queued"]["errors"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    assert_eq!(
        queued.len(),
        4,
        "ack, breach to owner and manager, fraud alert: {report:#}"
    );
    let inbox =
        rt.block_on(stack.wait_for_messages(&customer, "INBOX", 1, Duration::from_secs(20)));
    let ack = parsed(&inbox[0].1);
    assert!(
        ack.subject.contains("回复：货物破损问题"),
        "{}",
        ack.subject
    );
    assert!(ack.body_text.contains("工单 T-"), "{}", ack.body_text);
    let head = String::from_utf8_lossy(&inbox[0].1).to_string();
    assert!(
        head.contains(&format!("In-Reply-To: <{complaint_id}>")),
        "in the complaint's thread: {head}"
    );
    // The manager hears of the breach and, as a manager, of the fraud alert: one of each.
    let m = rt.block_on(stack.wait_for_messages(&manager, "INBOX", 2, Duration::from_secs(20)));
    let subjects: Vec<String> = m.iter().map(|(_, raw)| parsed(raw).subject).collect();
    assert_eq!(
        subjects.iter().filter(|s| s.contains("SLA missed")).count(),
        1,
        "{subjects:?}"
    );
    assert_eq!(
        subjects
            .iter()
            .filter(|s| s.contains("Payment fraud alert"))
            .count(),
        1,
        "{subjects:?}"
    );
    let f = rt.block_on(stack.wait_for_messages(&finance, "INBOX", 1, Duration::from_secs(20)));
    let alert = parsed(&f[0].1);
    assert!(
        alert.subject.contains("Payment fraud alert"),
        "{}",
        alert.subject
    );
    assert!(
        alert
            .body_text
            .contains("> Please note that our bank details have changed"),
        "the message is quoted: {}",
        alert.body_text
    );

    // Again: the breach check and deliveries send nothing more to anyone.
    s.ok(&["tickets", "breaches"]);
    // (No second sync: the stack's domain is not a company domain, so our own alert in
    // li.wei's INBOX would look like a customer's mail announcing new bank details.)
    let again = s.json(&["outbox", "deliver"]);
    assert!(
        again["queued"]["queued"].as_array().unwrap().is_empty(),
        "{again:#}"
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(rt.block_on(stack.fetch_all(&customer, "INBOX")).len(), 1);
    assert_eq!(rt.block_on(stack.fetch_all(&manager, "INBOX")).len(), 2);
    assert_eq!(rt.block_on(stack.fetch_all(&finance, "INBOX")).len(), 1);
}
