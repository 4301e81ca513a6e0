//! Complaint tickets through the binary on imported mail (issue 5, §6): a complaint opens a
//! ticket with category, severity and the phrases that decided it; a thank-you quoting a
//! complaint does not; the salesperson's reply acknowledges; the customer's follow-up
//! attaches; a different matter opens a second ticket; a complaint after closing reopens;
//! rejecting records a labelled example; SLA breaches; routing; the §6.4 report.

mod common;

use common::cli::{describe, Company, CONFIG};

const EXTRA: &str = r#"
[[users]]
login = "wang.fang"
name = "Wang Fang 王芳"
email = "wang.fang@seawind-trade.cn"
role = "service"
team = "QA"

[[users]]
login = "boss"
name = "Boss"
email = "boss@seawind-trade.cn"
role = "manager"

[tickets]
product_prefixes = ["LD-", "GH-"]
# The test mail is from autumn 2026: let notices be recorded for it anyway.
acknowledge_max_age_days = 100000
breach_notice_days = 100000
[tickets.routing]
quality = "QA"

[work_hours]
holidays = ["2026-10-01..2026-10-07"]
"#;

fn company() -> Company {
    let c = Company::new();
    std::fs::write(&c.config, format!("{CONFIG}{EXTRA}")).unwrap();
    c.ok(&[
        "customers",
        "add",
        "HANSA",
        "Hansa Tools GmbH",
        "--set",
        "domains=hansa-tools.de",
        "--set",
        "contact_name=Jonas Weber",
        "--set",
        "contact_email=jonas@hansa-tools.de",
        "--set",
        "owner=li.wei",
        "--set",
        "country=DE",
    ]);
    c
}

struct Mail<'a> {
    id: &'a str,
    from: &'a str,
    to: &'a str,
    subject: &'a str,
    date: &'a str,
    in_reply_to: Option<&'a str>,
    body: &'a str,
}

/// Imports one message into li.wei's mailbox.
fn import(c: &Company, m: &Mail) {
    let mut s = format!(
        "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}>\r\n",
        m.from, m.to, m.subject, m.date, m.id
    );
    if let Some(r) = m.in_reply_to {
        s.push_str(&format!("In-Reply-To: <{r}>\r\nReferences: <{r}>\r\n"));
    }
    s.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    s.push_str(&m.body.replace('\n', "\r\n"));
    let dir = format!("mail/{}", m.id.replace('@', "_"));
    c.write(&format!("{dir}/m.eml"), s.as_bytes());
    c.ok(&[
        "import",
        "mail",
        c.dir.path().join(&dir).to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);
}

fn tickets(c: &Company, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["tickets", "list"];
    args.extend_from_slice(extra);
    c.json(&args).as_array().unwrap().clone()
}

const CUSTOMER: &str = "Jonas Weber <jonas@hansa-tools.de>";
const SALES: &str = "Li Wei <li.wei@seawind-trade.cn>";

#[test]
fn a_complaint_thread_from_intake_to_reopening() {
    let c = company();
    // A thank-you that quotes an old complaint is not one.
    import(&c, &Mail {
        id: "thanks@hansa-tools.de",
        from: CUSTOMER,
        to: SALES,
        subject: "Re: damaged cartons",
        date: "Mon, 21 Sep 2026 09:00:00 +0200",
        in_reply_to: None,
        body: "Thank you, the replacement arrived and everything is fine.\n\nOn Fri, 18 Sep 2026, Jonas wrote:\n> 42 cartons arrived crushed. Totally unacceptable.\n",
    });
    assert!(tickets(&c, &[]).is_empty());

    // The complaint: transit damage, high (compensation), triggers kept, routed to the owner.
    import(&c, &Mail {
        id: "c1@hansa-tools.de",
        from: CUSTOMER,
        to: SALES,
        subject: "Order PO-4521 cartons",
        date: "Mon, 28 Sep 2026 09:00:00 +0200",
        in_reply_to: None,
        body: "Dear Li,\n\nThe container arrived today and 42 cartons of GH-200 hose reels were crushed, many reels inside are broken. We claim compensation.\n\nBest regards,\nJonas Weber\n",
    });
    let list = tickets(&c, &[]);
    assert_eq!(list.len(), 1, "{list:?}");
    let t = &list[0];
    assert_eq!(t["status"], "new");
    assert_eq!(t["category"], "transit_damage");
    assert_eq!(t["severity"], "high");
    assert_eq!(t["owner"], "li.wei");
    assert_eq!(t["customer"], "HANSA");
    assert_eq!(t["products"], "GH-200");
    let number = t["number"].as_str().unwrap().to_string();
    assert_eq!(number, "T-2026-0001");
    let phrases: Vec<&str> = t["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["phrase"].as_str().unwrap())
        .collect();
    assert!(phrases.contains(&"crushed"), "{phrases:?}");
    // SLA: high = acknowledge within 4 working hours from Mon 28 Sep 15:00 (+08:00) → Tue 10:00.
    assert_eq!(t["ack_due"], "2026-09-29T02:00:00Z");
    // Plan within 2 working days (18 h): Mon 3 h, Tue 9 h, Wed 30 Sep 6 h → 15:00;
    // resolve within 10 days runs past the National Day holidays (1–7 Oct) and weekends.
    assert_eq!(t["plan_due"], "2026-09-30T07:00:00Z");
    // An acknowledgement to the customer is recorded as due for the outbox.
    let shown = c.json(&["tickets", "show", &number]);
    assert_eq!(shown["notices"][0]["kind"], "acknowledgement");
    assert!(shown["notices"][0]["cancelled_at"].is_null());

    // The salesperson replies in the thread: acknowledged, the automatic one cancelled.
    import(
        &c,
        &Mail {
            id: "r1@seawind-trade.cn",
            from: SALES,
            to: CUSTOMER,
            subject: "Re: Order PO-4521 cartons",
            date: "Mon, 28 Sep 2026 11:00:00 +0200",
            in_reply_to: Some("c1@hansa-tools.de"),
            body: "Dear Jonas, sorry for the trouble, we are checking with the forwarder.\n",
        },
    );
    let shown = c.json(&["tickets", "show", &number]);
    assert_eq!(shown["status"], "acknowledged", "{shown}");
    assert_eq!(shown["acknowledged_at"], "2026-09-28T09:00:00Z");
    assert!(!shown["notices"][0]["cancelled_at"].is_null());
    assert_eq!(shown["messages"].as_array().unwrap().len(), 2);

    // The customer's follow-up in the thread attaches instead of opening a ticket.
    import(
        &c,
        &Mail {
            id: "c2@hansa-tools.de",
            from: CUSTOMER,
            to: SALES,
            subject: "Re: Order PO-4521 cartons",
            date: "Tue, 29 Sep 2026 09:00:00 +0200",
            in_reply_to: Some("r1@seawind-trade.cn"),
            body: "Photos attached. Still many broken reels, we are very disappointed.\n",
        },
    );
    assert_eq!(tickets(&c, &[]).len(), 1);

    // A different matter from the same customer opens a second ticket, routed to QA.
    import(&c, &Mail {
        id: "c3@hansa-tools.de",
        from: CUSTOMER,
        to: SALES,
        subject: "LD-610 panels",
        date: "Tue, 29 Sep 2026 10:00:00 +0200",
        in_reply_to: None,
        body: "Hello Li,\n\nAbout 15% of the LD-610 panel lights are defective, they flicker and stop working.\n\nRegards,\nJonas\n",
    });
    let quality = tickets(&c, &["--category", "quality"]);
    assert_eq!(quality.len(), 1);
    assert_eq!(quality[0]["owner"], "wang.fang");
    assert_eq!(quality[0]["team"], "QA");
    assert_eq!(tickets(&c, &["--owner", "li.wei"]).len(), 1);

    // Work the first one to the end: measures, root cause, responsibility, rating.
    c.ok(&["tickets", "status", &number, "investigating"]);
    c.ok(&[
        "tickets",
        "status",
        &number,
        "resolution_proposed",
        "--measure",
        "compensation 3864.00 EUR",
        "--root-cause",
        "three-layer cartons",
        "--responsibility",
        "factory",
    ]);
    c.ok(&["tickets", "status", &number, "resolved"]);
    c.ok(&["tickets", "status", &number, "closed"]);
    c.ok(&["tickets", "rate", &number, "4", "--comment", "fair"]);
    c.ok(&["tickets", "note", &number, "customer called, happy"]);
    let shown = c.json(&["tickets", "show", &number]);
    assert_eq!(shown["status"], "closed");
    assert_eq!(shown["rating"], 4);
    assert_eq!(shown["responsibility"], "factory");
    assert_eq!(shown["measures"][0]["amount_minor"], 386400);
    assert!(shown["notices"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "followup"));
    let kinds: Vec<&str> = shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in ["opened", "status", "attached", "measure", "rated", "note"] {
        assert!(kinds.contains(&k), "no {k} event in {kinds:?}");
    }
    assert!(shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["actor"] == "cli:tester"));

    // A complaint after closing, in the same thread, reopens it.
    import(&c, &Mail {
        id: "c4@hansa-tools.de",
        from: CUSTOMER,
        to: SALES,
        subject: "Re: Order PO-4521 cartons",
        date: "Mon, 12 Oct 2026 09:00:00 +0200",
        in_reply_to: Some("c2@hansa-tools.de"),
        body: "The replacement reels arrived damaged again, the cartons were crushed. Unacceptable.\n",
    });
    let shown = c.json(&["tickets", "show", &number]);
    assert_eq!(shown["status"], "new", "{shown}");
    assert_eq!(shown["reopened"], 1);
    assert_eq!(tickets(&c, &[]).len(), 2);

    // Rejecting the quality ticket records its message as a labelled negative example.
    let q = quality[0]["number"].as_str().unwrap();
    c.ok(&["tickets", "status", q, "rejected", "--note", "a test batch"]);
    let label: String = c
        .db()
        .query_row("SELECT label FROM complaint_labels", [], |r| r.get(0))
        .unwrap();
    assert_eq!(label, "not_complaint");

    // Breaches: the reopened ticket is long past its acknowledgement deadline.
    let breached = tickets(&c, &["--breached"]);
    assert_eq!(breached.len(), 1);
    assert!(breached[0]["breached"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "acknowledge"));
    let first = c.json(&["tickets", "breaches"]);
    assert!(first["new_breaches"].as_u64().unwrap() >= 1);
    // Once only: a second look records nothing new.
    assert_eq!(c.json(&["tickets", "breaches"])["new_breaches"], 0);
    let recipients: Vec<String> = c
        .db()
        .prepare("SELECT DISTINCT recipient FROM ticket_notices WHERE kind = 'breach' ORDER BY recipient")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(recipients, ["boss", "li.wei"]);

    // A scan finds nothing new: every complaint is in a ticket, the rejected one is labelled.
    assert_eq!(c.json(&["tickets", "scan"])["opened"], 0);

    // The §6.4 report: the quarter with both tickets (one rejected, left out).
    let csv = c.ok(&[
        "report",
        "complaints",
        "--period",
        "2026-Q3",
        "--format",
        "csv",
    ]);
    assert!(csv.contains("category,transit_damage,1,0"), "{csv}");
    assert!(csv.contains("responsibility,factory,1,0"), "{csv}");
    assert!(csv.contains("product,GH-200,1,0"), "{csv}");
    let out = c.dir.path().join("r.xlsx");
    c.ok(&[
        "report",
        "complaints",
        "--period",
        "2026",
        "--format",
        "xlsx",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));
    let html = c.ok(&[
        "report",
        "complaints",
        "--period",
        "2026-09",
        "--format",
        "html",
    ]);
    assert!(
        html.contains("<h1>Complaint analysis 2026-09</h1>"),
        "{html}"
    );
}

#[test]
fn mail_stored_with_tickets_off_is_scanned_later() {
    let c = company();
    let text = std::fs::read_to_string(&c.config).unwrap();
    std::fs::write(
        &c.config,
        text.replace("[tickets]\n", "[tickets]\nenabled = false\n"),
    )
    .unwrap();
    import(&c, &Mail {
        id: "old@hansa-tools.de",
        from: CUSTOMER,
        to: SALES,
        subject: "Lieferung 4471",
        date: "Mon, 5 Oct 2026 09:00:00 +0200",
        in_reply_to: None,
        body: "Sehr geehrter Herr Li,\n\nbei der Lieferung sind 42 Kartons beschädigt, die Ware ist teilweise zerbrochen.\n",
    });
    assert!(tickets(&c, &[]).is_empty());
    std::fs::write(&c.config, text).unwrap();
    assert_eq!(
        c.json(&["tickets", "scan", "--since", "2026-10-06"])["opened"],
        0
    );
    assert_eq!(c.json(&["tickets", "scan"])["opened"], 1);
    let t = &tickets(&c, &[])[0];
    assert_eq!(
        (t["category"].as_str(), t["language"].as_str()),
        (Some("transit_damage"), Some("de"))
    );
    assert_eq!(
        c.json(&["tickets", "scan"])["opened"],
        0,
        "a second scan opens nothing"
    );
}

#[test]
fn old_mail_opens_tickets_but_queues_no_mail() {
    // The defaults: importing last year's complaint must not mail the customer or the managers.
    let c = Company::new();
    c.ok(&[
        "customers",
        "add",
        "HANSA",
        "Hansa Tools GmbH",
        "--set",
        "domains=hansa-tools.de",
        "--set",
        "owner=li.wei",
    ]);
    import(
        &c,
        &Mail {
            id: "2025@hansa-tools.de",
            from: CUSTOMER,
            to: SALES,
            subject: "Defective drills",
            date: "Mon, 6 Oct 2025 09:00:00 +0200",
            in_reply_to: None,
            body: "Many of the drills are defective and do not work.\n",
        },
    );
    let list = tickets(&c, &["--breached"]);
    assert_eq!(list.len(), 1, "listed as breached");
    assert_eq!(c.json(&["tickets", "breaches"])["new_breaches"], 0);
    let notices: i64 = c
        .db()
        .query_row("SELECT count(*) FROM ticket_notices", [], |r| r.get(0))
        .unwrap();
    assert_eq!(notices, 0);
}

#[test]
fn bad_ticket_input_is_refused_with_reasons() {
    let c = company();
    let out = c.run(&["tickets", "show", "T-2026-9999"]);
    assert!(!out.status.success());
    assert!(
        describe(&out).contains("no ticket 'T-2026-9999'"),
        "{}",
        describe(&out)
    );
    let out = c.run(&["tickets", "list", "--status", "done"]);
    assert!(
        describe(&out).contains("'done' is not a status"),
        "{}",
        describe(&out)
    );
    let out = c.run(&["report", "complaints", "--period", "2026-13"]);
    assert!(
        describe(&out).contains("not a period"),
        "{}",
        describe(&out)
    );
    std::fs::write(
        &c.config,
        format!("{CONFIG}\n[tickets.routing]\nshipping = \"x\"\n"),
    )
    .unwrap();
    let out = c.run(&["tickets", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        describe(&out).contains("'shipping' is not a category"),
        "{}",
        describe(&out)
    );
}

/// End to end on the real mail stack: a complaint sent through SMTP to a salesperson's
/// mailbox becomes a ticket in the running daemon, and the salesperson's reply (APPENDed to
/// Sent, as a mail client does) marks it acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_turns_a_complaint_into_a_ticket_and_a_reply_acknowledges_it() {
    use common::{MailStack, Outgoing};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let stack = MailStack::from_env();
    let sales = stack.fresh_user();
    let customer = stack.fresh_user();
    let c = Company::new();
    std::fs::write(
        &c.config,
        format!(
            r#"{CONFIG}
[daemon]
poll_interval_secs = 1

[[mailboxes]]
name = "sales-imap"
owner = "li.wei"
role = "sales"
address = "{addr}"
[mailboxes.imap]
host = "{host}"
port = {port}
tls = "starttls"
username = "{addr}"
password = {{ env = "TW_TEST_TICKETS_PW" }}
ca_file = "{ca}"
"#,
            addr = sales.address,
            host = stack.host,
            port = stack.imap_port,
            ca = stack.ca_file.display(),
        ),
    )
    .unwrap();
    c.ok(&[
        "customers",
        "add",
        "HANSA",
        "Hansa Tools GmbH",
        "--set",
        "domains=hansa-tools.de",
        "--set",
        "contact_name=Jonas Weber",
        "--set",
        "contact_email=jonas@hansa-tools.de",
        "--set",
        "owner=li.wei",
    ]);
    let log = c.dir.path().join("daemon.log");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _daemon = Kill(
        Command::new(env!("CARGO_BIN_EXE_tradewind"))
            .args(["--config", c.config.to_str().unwrap(), "run"])
            .current_dir(c.dir.path())
            .env_remove("TRADEWIND_CONFIG")
            .env_remove("NOTIFY_SOCKET")
            .env("TW_TEST_TICKETS_PW", &sales.password)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );

    let id = format!("complaint-{}@hansa-tools.de", std::process::id());
    let complaint = format!(
        "From: Jonas Weber <jonas@hansa-tools.de>\r\nTo: <{to}>\r\nSubject: 到货破损 PO-4521\r\n\
         Date: {date}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         李经理：\r\n\r\n今天到货的水管卷盘有40多箱外箱破损，里面的产品压坏了，请尽快给出处理方案。\r\n\r\nJonas\r\n",
        to = sales.address,
        date = chrono::Utc::now().to_rfc2822(),
    );
    stack
        .send_smtp(&customer, Outgoing::raw(&[&sales.address], complaint))
        .await;

    let db = c.dir.path().join("data/tradewind.db");
    let query = |sql: &str| -> Option<String> {
        let conn =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .ok()?;
        conn.busy_timeout(Duration::from_secs(5)).ok()?;
        conn.query_row(sql, [], |r| r.get(0)).ok()
    };
    let wait = |what: &str, sql: &str, want: &str| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if query(sql).as_deref() == Some(want) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what}: {sql} = {:?}\n--- daemon log\n{}",
                    query(sql),
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait(
        "the ticket",
        "SELECT category || '/' || status || '/' || owner FROM tickets",
        "transit_damage/new/li.wei",
    );

    let reply = format!(
        "From: Li Wei <li.wei@seawind-trade.cn>\r\nTo: Jonas Weber <jonas@hansa-tools.de>\r\n\
         Subject: 回复: 到货破损 PO-4521\r\nDate: {date}\r\nMessage-ID: <reply-{id}>\r\n\
         In-Reply-To: <{id}>\r\nReferences: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Jonas您好，非常抱歉，我们已联系货代调查，明天给您方案。\r\n",
        date = chrono::Utc::now().to_rfc2822(),
    );
    stack.append(&sales, "Sent", reply.as_bytes()).await;
    wait(
        "the acknowledgement",
        "SELECT status FROM tickets",
        "acknowledged",
    );
    assert_eq!(
        query(
            "SELECT group_concat(role, ',') FROM (SELECT role FROM ticket_messages ORDER BY role)"
        )
        .as_deref(),
        Some("source,staff")
    );
    // The acknowledgement recorded for the outbox at intake is cancelled: a person replied.
    assert_eq!(
        query("SELECT CAST(count(*) AS TEXT) FROM ticket_notices WHERE kind = 'acknowledgement' AND cancelled_at IS NOT NULL")
            .as_deref(),
        Some("1")
    );
    assert_eq!(
        query("SELECT CAST(acknowledged_at IS NOT NULL AND language = 'zh' AS TEXT) FROM tickets")
            .as_deref(),
        Some("1")
    );
}
