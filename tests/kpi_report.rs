//! The KPI report emailed to the managers after a period closes (issue 8, §7), through the
//! outbox on the real mail stack: one delivery run sends last month's report once to each
//! manager — HTML with the figures and charts, a text table beside it — and a second run sends
//! nothing more.

mod common;

use std::time::Duration;

use chrono::{Datelike, Months, NaiveDate};
use common::cli::{repo, Company};
use common::{MailStack, TestUser};

fn setup(stack: &MailStack, sales: &TestUser, managers: &[&TestUser]) -> Company {
    let company = Company::bare();
    let pw = company.secret("sales.pw", &sales.password);
    let boss = managers
        .iter()
        .enumerate()
        .map(|(i, m)| {
            format!(
                "[[users]]\nlogin = \"boss{i}\"\nname = \"Boss {i}\"\nemail = \"{}\"\nrole = \"manager\"\n\n",
                m.address
            )
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
name = "李伟 <Li> & Co"
email = "{s}"
role = "sales"

{boss}
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
[mailboxes.smtp]
host = "{host}"
port = {sub}
tls = "starttls"
ca_file = "{ca}"

[outbox]
templates_dir = "{templates}"
holidays_dir = "{holidays}"

[credit]
base_currency = "CNY"

[reports]
timezone = "Asia/Shanghai"
[reports.mail]
periods = ["month"]
"#,
        s = sales.address,
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

#[test]
fn last_months_report_reaches_each_manager_once() {
    let stack = MailStack::from_env();
    let (sales, m1, m2) = (stack.fresh_user(), stack.fresh_user(), stack.fresh_user());
    let s = setup(&stack, &sales, &[&m1, &m2]);
    s.ok(&[
        "customers",
        "add",
        "C001",
        "Hansa <Tools> & \"Partner\"",
        "--set",
        "owner=li.wei",
    ]);
    // Last month in Shanghai: two invoices of 1,234.50 and 1,000.00 CNY on its 15th.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap() - Months::new(1);
    let label = format!("{}-{:02}", first.year(), first.month());
    let day = first + chrono::Days::new(14);
    let inv = format!(
        "invoice,customer,currency,amount,issue_date,due_date\nK1,C001,CNY,1234.50,{day},{due}\nK2,C001,CNY,1000,{day},{due}\n",
        due = day + chrono::Days::new(30)
    );
    let path = s.dir.path().join("inv.csv");
    std::fs::write(&path, inv).unwrap();
    s.ok(&["import", "invoices", path.to_str().unwrap()]);

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
        queued,
        [
            format!("kpi-report {label} {}", m1.address),
            format!("kpi-report {label} {}", m2.address)
        ],
        "{report:#}"
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    for m in [&m1, &m2] {
        let inbox = rt.block_on(stack.wait_for_messages(m, "INBOX", 1, Duration::from_secs(20)));
        let msg = mail_parser::MessageParser::default()
            .parse(&inbox[0].1)
            .unwrap();
        let subject = msg.subject().unwrap_or_default().to_string();
        assert!(
            subject.contains(&format!("Performance figures {label}"))
                && subject.contains("绩效考核"),
            "{subject}"
        );
        let html = msg.body_html(0).unwrap().to_string();
        // The figures shown: 2,234.50 CNY from two invoices, in li.wei's and the company's rows.
        for scope in ["li.wei", "company"] {
            assert!(
                html.contains(&format!(
                    "data-scope=\"{scope}\" data-figure=\"revenue\"><span class=\"v\">2,234.50</span>"
                )),
                "{scope}: {html}"
            );
        }
        assert!(html.contains("<svg id=\"chart-trend\""));
        assert!(html.contains("李伟 &lt;Li&gt; &amp; Co") && !html.contains("<Li>"));
        let text = msg.body_text(0).unwrap().to_string();
        assert!(text.contains("2,234.50"), "{text}");
    }

    // Again: nothing more is queued or sent.
    let again = s.json(&["outbox", "deliver"]);
    assert!(
        again["queued"]["queued"].as_array().unwrap().is_empty(),
        "{again:#}"
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(rt.block_on(stack.fetch_all(&m1, "INBOX")).len(), 1);
    assert_eq!(rt.block_on(stack.fetch_all(&m2, "INBOX")).len(), 1);
    let runs: i64 = rusqlite::Connection::open(s.dir.path().join("data/tradewind.db"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM kpi_report_runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 2);
}
