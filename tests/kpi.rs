//! The §7 performance figures through the binary (issue 8) on a fixed dataset built here:
//! customers, threads of mail with an auto-reply of ours, an auto-reply of the customer's, a
//! no-reply notification and a thank-you; a message at 2026-10-31 23:30 UTC (November in
//! Asia/Shanghai); tickets; invoices, payments and a write-off; a credit limit; surveys and
//! supervisors' reviews. Every expected value below is counted by hand from that data (the
//! working-hour sums are written out), never computed by the code under test.
//!
//! Working hours: Mon-Fri 09:00-18:00 +08:00. October 2026 starts on a Thursday; 31 Oct is
//! a Saturday. Period 2026-10 in Asia/Shanghai = [2026-09-30T16:00Z, 2026-10-31T16:00Z).

mod common;

use common::cli::Company;
use serde_json::Value;
use std::collections::HashMap;

const CONFIG: &str = r#"
[company]
name = "Ningbo Seawind Import & Export"
home_country = "CN"
domains = ["seawind-trade.cn"]

[store]
data_dir = "data"

[[users]]
login = "li.wei"
name = "Li Wei 李伟"
email = "li.wei@seawind-trade.cn"
role = "sales"
team = "export"

[[users]]
login = "zhang.min"
name = "Zhang \"Min\" <张敏> & Co"
email = "zhang.min@seawind-trade.cn"
role = "sales"
team = "export"

[[users]]
login = "zhao.lei"
name = "Zhao Lei 赵磊"
email = "zhao.lei@seawind-trade.cn"
role = "finance"

[[users]]
login = "boss"
name = "Boss"
email = "boss@seawind-trade.cn"
role = "manager"

[[mailboxes]]
name = "li.wei"
owner = "li.wei"
role = "sales"
address = "li.wei@seawind-trade.cn"

[credit]
base_currency = "CNY"
[credit.rates]
USD = "7"

[work_hours]
utc_offset = "+08:00"

[reports]
timezone = "Asia/Shanghai"
[reports.scale]
large = "100000"
medium = "10000"
[[reports.targets]]
person = "li.wei"
period = "2026-10"
new_customers = 2
revenue = "20000"
"#;

/// (file id, From, To, Date, Subject, In-Reply-To, extra headers, body)
type Mail = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
);

const HANS: &str = "Hans Berg <hans@alpha.de>";
const PAUL: &str = "Paul Roy <paul@beta.fr>";
const LI: &str = "Li Wei <li.wei@seawind-trade.cn>";
const ZHANG: &str = "Zhang Min <zhang.min@seawind-trade.cn>";

const MAILS: &[Mail] = &[
    // September: ALPHA answered after 1.0 h (the previous period).
    (
        "s1",
        HANS,
        LI,
        "Tue, 15 Sep 2026 10:00:00 +0800",
        "September order",
        None,
        "",
        "Please confirm the September order?",
    ),
    (
        "s2",
        LI,
        HANS,
        "Tue, 15 Sep 2026 11:00:00 +0800",
        "Re: September order",
        Some("s1"),
        "",
        "Confirmed.",
    ),
    // Thread A1: answered after 3.0 h (Mon 10:00 -> 13:00); the thank-you needs no answer.
    (
        "a1",
        HANS,
        LI,
        "Mon, 12 Oct 2026 10:00:00 +0800",
        "Inquiry LD-100",
        None,
        "",
        "Please quote 500 pcs of LD-100. What is the price?",
    ),
    (
        "a2",
        LI,
        HANS,
        "Mon, 12 Oct 2026 13:00:00 +0800",
        "Re: Inquiry LD-100",
        Some("a1"),
        "",
        "The price is 2.10 USD per piece.",
    ),
    (
        "a3",
        HANS,
        LI,
        "Tue, 13 Oct 2026 10:00:00 +0800",
        "Re: Inquiry LD-100",
        Some("a2"),
        "",
        "Thank you, received.",
    ),
    // Thread A2: our out-of-office a minute later is no answer; the real one after
    // 1 h (Wed 17-18) + 6 h (Thu 09-15) = 7.0 h.
    (
        "b1",
        HANS,
        LI,
        "Wed, 14 Oct 2026 17:00:00 +0800",
        "Shipping schedule",
        None,
        "",
        "When will the goods ship?",
    ),
    (
        "b2",
        LI,
        HANS,
        "Wed, 14 Oct 2026 17:01:00 +0800",
        "Automatic reply: Shipping schedule",
        Some("b1"),
        "Auto-Submitted: auto-replied\r\n",
        "I am out of the office until tomorrow.",
    ),
    (
        "b3",
        LI,
        HANS,
        "Thu, 15 Oct 2026 15:00:00 +0800",
        "Re: Shipping schedule",
        Some("b1"),
        "",
        "They ship on 2 November.",
    ),
    // Thread B1: 2 h (Fri 16-18) + 3 h (Mon 09-12) = 5.0 h.
    (
        "c1",
        PAUL,
        LI,
        "Fri, 16 Oct 2026 16:00:00 +0800",
        "Samples",
        None,
        "",
        "Could you send samples?",
    ),
    (
        "c2",
        LI,
        PAUL,
        "Mon, 19 Oct 2026 12:00:00 +0800",
        "Re: Samples",
        Some("c1"),
        "",
        "Samples are on the way.",
    ),
    // Thread B2: the customer's auto-reply (X-Autoreply) starts no wait.
    (
        "c3",
        LI,
        PAUL,
        "Tue, 20 Oct 2026 10:00:00 +0800",
        "Price list 2027",
        None,
        "",
        "Please find our new price list.",
    ),
    (
        "c4",
        PAUL,
        LI,
        "Tue, 20 Oct 2026 10:01:00 +0800",
        "Automatic reply: Price list 2027",
        Some("c3"),
        "X-Autoreply: yes\r\n",
        "I am on holiday until 30 October.",
    ),
    // Unanswered at the period's end (Sat 1 Nov 00:00 local): 72 h, 44 h, 1 h.
    (
        "d2",
        PAUL,
        LI,
        "Wed, 21 Oct 2026 09:00:00 +0800",
        "Catalogue please",
        None,
        "",
        "Can you send the 2027 catalogue?",
    ),
    (
        "d1",
        HANS,
        LI,
        "Mon, 26 Oct 2026 10:00:00 +0800",
        "Pallets",
        None,
        "",
        "Can you use pallets for the next order?",
    ),
    (
        "n1",
        "Alpha Portal <noreply@alpha.de>",
        LI,
        "Tue, 27 Oct 2026 10:00:00 +0800",
        "Portal notification",
        None,
        "",
        "A new document was uploaded. Can you check it?",
    ),
    (
        "d3",
        PAUL,
        LI,
        "Fri, 30 Oct 2026 17:00:00 +0800",
        "One more thing",
        None,
        "",
        "Do you offer OEM packaging?",
    ),
    // 07:30 on 1 November in Shanghai, still October in UTC.
    (
        "e1",
        HANS,
        LI,
        "Sat, 31 Oct 2026 23:30:00 +0000",
        "Weekend note",
        None,
        "",
        "Can we talk on Monday?",
    ),
    // zhang.min: GAMMA wrote back only in November (local), DELTA answered after 4.0 h.
    (
        "g0",
        ZHANG,
        "Amy Stone <amy@gamma.us>",
        "Tue, 20 Oct 2026 10:00:00 +0800",
        "New collection",
        None,
        "",
        "Our new collection is ready.",
    ),
    (
        "g1",
        "Amy Stone <amy@gamma.us>",
        ZHANG,
        "Sat, 31 Oct 2026 23:30:00 +0000",
        "Re: New collection",
        Some("g0"),
        "",
        "Interesting, can you send prices?",
    ),
    (
        "h1",
        "王芳 <wang@delta.cn>",
        ZHANG,
        "Thu, 22 Oct 2026 10:00:00 +0800",
        "询价",
        None,
        "",
        "请报价 LED 灯 1000 个？",
    ),
    (
        "h2",
        ZHANG,
        "王芳 <wang@delta.cn>",
        "Thu, 22 Oct 2026 14:00:00 +0800",
        "回复：询价",
        Some("h1"),
        "",
        "单价 12 元。",
    ),
    (
        "z1",
        ZHANG,
        "Zoe Ito <zoe@zeta.jp>",
        "Wed, 01 Jul 2026 10:00:00 +0800",
        "Summer greetings",
        None,
        "",
        "Best wishes for the summer.",
    ),
    // An unknown sender: a lead, promoted to EPSILON.
    (
        "l1",
        "Marco Bianchi <marco@epsilon.it>",
        LI,
        "Mon, 03 Aug 2026 10:00:00 +0800",
        "Lamps",
        None,
        "",
        "We are interested in your lamps.",
    ),
];

fn eml(m: &Mail) -> String {
    let (id, from, to, date, subject, reply, extra, body) = *m;
    let mut s = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}@kpi.test>\r\n{extra}"
    );
    if let Some(r) = reply {
        s.push_str(&format!(
            "In-Reply-To: <{r}@kpi.test>\r\nReferences: <{r}@kpi.test>\r\n"
        ));
    }
    s.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
    s.push_str(body);
    s.push_str("\r\n");
    s
}

fn add(c: &Company, code: &str, name: &str, owner: &str, domain: &str, contact: &str, email: &str) {
    c.ok(&[
        "customers",
        "add",
        code,
        name,
        "--set",
        &format!("owner={owner}"),
        "--set",
        &format!("domains={domain}"),
        "--set",
        &format!("contact_name={contact}"),
        "--set",
        &format!("contact_email={email}"),
    ]);
}

/// The whole dataset.
fn company() -> Company {
    let c = Company::new();
    std::fs::write(&c.config, CONFIG).unwrap();
    add(
        &c,
        "ALPHA",
        "Alpha <GmbH> & \"Söhne\"",
        "li.wei",
        "alpha.de",
        "Hans Berg",
        "hans@alpha.de",
    );
    add(
        &c,
        "BETA",
        "Beta SARL",
        "li.wei",
        "beta.fr",
        "Paul Roy",
        "paul@beta.fr",
    );
    add(
        &c,
        "GAMMA",
        "Gamma Inc",
        "zhang.min",
        "gamma.us",
        "Amy Stone",
        "amy@gamma.us",
    );
    add(
        &c,
        "DELTA",
        "德尔塔照明有限公司",
        "zhang.min",
        "delta.cn",
        "王芳",
        "wang@delta.cn",
    );
    add(
        &c,
        "ZETA",
        "Zeta KK",
        "zhang.min",
        "zeta.jp",
        "Zoe Ito",
        "zoe@zeta.jp",
    );
    for m in MAILS {
        c.write(&format!("mail/{}.eml", m.0), eml(m).as_bytes());
    }
    c.ok(&[
        "import",
        "mail",
        c.dir.path().join("mail").to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);
    c.json(&[
        "leads",
        "promote",
        "epsilon.it",
        "--owner",
        "li.wei",
        "--name",
        "Epsilon Srl",
        "--code",
        "EPSILON",
    ]);
    assert_eq!(
        c.json(&["tickets", "list"]).as_array().unwrap().len(),
        0,
        "the test mail must not open tickets by itself"
    );

    let db = c.db();
    // When each customer entered the registry: BETA only after its first two-way mail
    // (19 Oct), DELTA and EPSILON (promoted) in October, the others in January.
    db.execute_batch(
        "UPDATE customers SET created_at = '2026-01-15T00:00:00Z';
         UPDATE customers SET created_at = '2026-11-20T00:00:00Z' WHERE code = 'BETA';
         UPDATE customers SET created_at = '2026-10-05T04:00:00Z' WHERE code = 'DELTA';
         UPDATE customers SET created_at = '2026-10-10T02:00:00Z' WHERE code = 'EPSILON';
         UPDATE audit_log SET at = '2026-10-10T02:00:00Z'
          WHERE customer_id = (SELECT id FROM customers WHERE code = 'EPSILON');",
    )
    .unwrap();
    // Tickets (§6): T1 ALPHA acknowledged after 3.0 h (Tue 10-13), resolved after
    // 8 + 9 + 1 = 18.0 h (Tue 10:00 -> Thu 10:00), past its resolve deadline; rated 4.
    // T2 BETA acknowledged after 8 + 1 = 9.0 h (Wed 10:00 -> Thu 10:00), open, on time.
    // T3 DELTA rejected (not a complaint); T4 ALPHA in September.
    db.execute_batch(
        "INSERT INTO tickets (customer_id, status, number, subject, category, severity, opened_at,
                              acknowledged_at, resolved_at, closed_at, ack_due, resolve_due, rating, updated_at)
         VALUES
         ((SELECT id FROM customers WHERE code='ALPHA'), 'closed', 'T-2026-0001', 'cartons', 'quality', 'normal',
          '2026-10-13T02:00:00Z', '2026-10-13T05:00:00Z', '2026-10-15T02:00:00Z', '2026-10-16T02:00:00Z',
          '2026-10-13T06:00:00Z', '2026-10-14T10:00:00Z', 4, '2026-10-16T03:00:00Z'),
         ((SELECT id FROM customers WHERE code='BETA'), 'investigating', 'T-2026-0002', 'labels', 'documents', 'normal',
          '2026-10-21T02:00:00Z', '2026-10-22T02:00:00Z', NULL, NULL,
          '2026-10-23T00:00:00Z', '2099-12-31T00:00:00Z', NULL, '2026-10-22T02:00:00Z'),
         ((SELECT id FROM customers WHERE code='DELTA'), 'rejected', 'T-2026-0003', 'question', 'service', 'low',
          '2026-10-23T02:00:00Z', NULL, NULL, NULL, NULL, NULL, NULL, '2026-10-23T02:00:00Z'),
         ((SELECT id FROM customers WHERE code='ALPHA'), 'closed', 'T-2026-0004', 'old', 'quality', 'low',
          '2026-09-10T02:00:00Z', '2026-09-10T03:00:00Z', '2026-09-11T02:00:00Z', '2026-09-11T02:00:00Z',
          '2026-09-10T06:00:00Z', '2026-09-20T00:00:00Z', NULL, '2026-09-11T02:00:00Z');
         INSERT INTO ticket_events (ticket_id, at, actor, kind, detail)
         VALUES ((SELECT id FROM tickets WHERE number='T-2026-0001'), '2026-10-16T03:00:00Z', 'li.wei', 'rated', '4');",
    )
    .unwrap();
    drop(db);

    let inv = "发票号,客户编号,币种,金额,开票日期,到期日\n\
               A0,ALPHA,USD,1000,2026-09-10,2026-10-10\n\
               A1,ALPHA,USD,10000,2026-10-05,2026-11-04\n\
               B1,BETA,CNY,8000,2026-10-20,2026-10-25\n\
               G1,GAMMA,CNY,50000,2025-12-01,2025-12-31\n\
               D1,DELTA,CNY,5000,2026-10-22,2026-11-21\n\
               Z1,ZETA,CNY,2000,2026-03-01,2026-03-31\n";
    let p = c.write("invoices.csv", inv.as_bytes());
    c.ok(&["import", "invoices", p.to_str().unwrap()]);
    let pay = "reference,invoice,amount,date,currency\n\
               PA0,A0,1000,2026-10-08,USD\n\
               PB1,B1,3000,2026-10-28,CNY\n\
               PG1,G1,30000,2026-01-10,CNY\n\
               PZ1,Z1,2000,2026-03-20,CNY\n";
    let p = c.write("payments.csv", pay.as_bytes());
    c.ok(&["import", "payments", p.to_str().unwrap()]);
    let wo = "坏账编号,发票号,金额,日期,原因\nWO-1,G1,20000,2026-10-15,客户破产\n";
    let p = c.write("write-offs.csv", wo.as_bytes());
    c.ok(&["import", "write-offs", p.to_str().unwrap()]);
    c.ok(&["credit", "limit", "ALPHA", "100000", "--currency", "CNY"]);

    c.ok(&["survey", "BETA", "--score", "5", "--date", "2026-10-28"]);
    c.ok(&["survey", "GAMMA", "--score", "2", "--date", "2026-10-31"]);
    // 1 November local: November, not October.
    c.ok(&["survey", "DELTA", "--score", "1", "--date", "2026-11-01"]);
    c.ok(&[
        "--as", "boss", "review", "li.wei", "--period", "2026-10", "--score", "80",
    ]);
    c.ok(&[
        "--as",
        "liu",
        "review",
        "li.wei",
        "--period",
        "2026-10",
        "--score",
        "90",
        "--comment",
        "良好",
    ]);
    c.ok(&[
        "--as",
        "boss",
        "review",
        "zhang.min",
        "--period",
        "2026-10",
        "--score",
        "60",
    ]);
    c
}

/// figure key → (value, previous) per scope key, from the JSON report.
fn figures(report: &Value) -> HashMap<(String, String), (Option<f64>, Option<f64>)> {
    let mut out = HashMap::new();
    for s in report["scopes"].as_array().unwrap() {
        for f in s["figures"].as_array().unwrap() {
            out.insert(
                (
                    s["key"].as_str().unwrap().to_string(),
                    f["key"].as_str().unwrap().to_string(),
                ),
                (f["value"].as_f64(), f["previous"].as_f64()),
            );
        }
    }
    out
}

/// (figure, li.wei, zhang.min, company).
type Expected = (&'static str, Option<f64>, Option<f64>, Option<f64>);

fn close(got: Option<f64>, want: Option<f64>, what: &str) {
    match (got, want) {
        (Some(g), Some(w)) => assert!((g - w).abs() < 1e-6, "{what}: got {g}, want {w}"),
        (g, w) => assert_eq!(g, w, "{what}"),
    }
}

#[test]
fn every_figure_of_october_matches_the_hand_count() {
    let c = company();
    let r = c.json(&["report", "kpi", "--period", "2026-10"]);
    assert_eq!(r["period"]["start_utc"], "2026-09-30T16:00:00Z");
    assert_eq!(r["period"]["end_utc"], "2026-10-31T16:00:00Z");
    assert_eq!(r["previous"]["label"], "2026-09");
    let f = figures(&r);
    let scopes: Vec<&str> = r["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["li.wei", "zhang.min", "export", "company"]);

    // (figure, li.wei, zhang.min, company) for October; the team is the company here.
    let n = |x: f64| Some(x);
    let expected: &[Expected] = &[
        // BETA (first two-way mail 19 Oct) and EPSILON (created 10 Oct); DELTA (created 5 Oct).
        ("new_customers", n(2.0), n(1.0), n(3.0)),
        ("leads_promoted", n(1.0), n(0.0), n(1.0)),
        // Active: li.wei {ALPHA, BETA} vs {ALPHA} in September; zhang.min {DELTA} (GAMMA's
        // answer is November in Shanghai) vs none.
        ("active_customers", n(2.0), n(1.0), n(3.0)),
        ("active_growth", n(1.0), None, n(2.0)),
        ("attainment_new_customers", n(1.0), None, n(1.5)),
        // 78,000 CNY ÷ 20,000.
        ("attainment_revenue", n(3.9), None, n(4.15)),
        // li.wei waits 3.0, 7.0, 5.0 h; zhang.min 4.0 h; nearest-rank median and P90.
        ("first_response_median", n(5.0), n(4.0), n(4.0)),
        ("first_response_p90", n(7.0), n(4.0), n(7.0)),
        // d1 44 h and d2 72 h (d3 is 1 h; the notification and auto-reply do not wait).
        ("unanswered_24h", n(2.0), n(0.0), n(2.0)),
        ("unanswered_48h", n(1.0), n(0.0), n(1.0)),
        // Classes from 12-month purchases: ALPHA 77,000 medium (30 d), BETA 8,000 small
        // (60 d), GAMMA 50,000 medium, DELTA 5,000 small, ZETA 2,000 small — ZETA's last
        // mail from us (1 Jul) is overdue; EPSILON has no invoices, so no class.
        ("followup_compliance", n(1.0), n(2.0 / 3.0), n(0.8)),
        // T1, T2 over 2 active; T3 rejected.
        ("complaint_rate", n(1.0), n(0.0), n(2.0 / 3.0)),
        ("mtta", n(6.0), None, n(6.0)),
        ("mttr", n(18.0), None, n(18.0)),
        ("sla_breach_rate", n(0.5), None, n(0.5)),
        // GAMMA (Dec 2025) and ZETA (Mar 2026): invoiced in 12 months, not in the last 6.
        ("churn_rate", n(0.0), n(2.0 / 3.0), n(0.4)),
        // T1 rated 4, BETA's survey 5; GAMMA's survey 2 (DELTA's is November).
        ("satisfaction", n(4.5), n(2.0), n(11.0 / 3.0)),
        // A1 10,000 USD × 7 + B1 8,000; D1 5,000 (minor units).
        ("revenue", n(7_800_000.0), n(500_000.0), n(8_300_000.0)),
        ("invoice_count", n(2.0), n(1.0), n(3.0)),
        // vs September's A0 7,000.
        ("revenue_growth", n(71.0 / 7.0), None, n(76.0 / 7.0)),
        // ALPHA 70,000 of its 100,000 limit.
        ("credit_utilisation", n(0.7), None, n(0.7)),
        // Paid in October: A0 7,000 + B1 3,000; base: opening (A0 7,000; G1 20,000) + invoiced.
        (
            "collection_rate",
            n(10_000.0 / 85_000.0),
            n(0.0),
            n(10_000.0 / 110_000.0),
        ),
        // Exposure at 31 Oct × 90 ÷ invoiced in the 90 days.
        (
            "dso",
            n(75_000.0 * 90.0 / 85_000.0),
            n(90.0),
            n(80_000.0 * 90.0 / 90_000.0),
        ),
        // B1's 5,000 is 6 days past due.
        (
            "overdue_ratio",
            n(5_000.0 / 75_000.0),
            n(0.0),
            n(5_000.0 / 80_000.0),
        ),
        (
            "bad_debt_rate",
            n(0.0),
            n(20_000.0 / 25_000.0),
            n(20_000.0 / 110_000.0),
        ),
        // li.wei: data 100 (both targets met, capped), customer (4.5 − 1) × 25, supervisor
        // (80 + 90) / 2; zhang.min: no targets, customer 25, supervisor 60.
        ("data_score", n(100.0), None, n(100.0)),
        (
            "customer_score",
            n(87.5),
            n(25.0),
            n((11.0 / 3.0 - 1.0) * 25.0),
        ),
        ("supervisor_score", n(85.0), n(60.0), n(230.0 / 3.0)),
        (
            "total_score",
            n((50.0 * 100.0 + 25.0 * 87.5 + 25.0 * 85.0) / 100.0),
            n((25.0 * 25.0 + 25.0 * 60.0) / 50.0),
            n((50.0 * 100.0 + 25.0 * (11.0 / 3.0 - 1.0) * 25.0 + 25.0 * 230.0 / 3.0) / 100.0),
        ),
    ];
    for (key, li, zhang, company) in expected {
        for (scope, want) in [
            ("li.wei", li),
            ("zhang.min", zhang),
            ("company", company),
            ("export", company),
        ] {
            let got = f
                .get(&(scope.to_string(), key.to_string()))
                .unwrap_or_else(|| panic!("no {key} for {scope}"));
            close(got.0, *want, &format!("{scope} {key}"));
        }
    }
    // Previous period (September): li.wei answered s1 after 1.0 h, invoiced 7,000.
    let li = |k: &str| f[&("li.wei".to_string(), k.to_string())];
    close(
        li("first_response_median").1,
        Some(1.0),
        "li.wei median in September",
    );
    close(
        li("revenue").1,
        Some(700_000.0),
        "li.wei revenue in September",
    );
    close(
        li("active_customers").1,
        Some(1.0),
        "li.wei active in September",
    );
    let shown = r["scopes"][0]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == "first_response_median")
        .unwrap()
        .clone();
    assert_eq!(shown["value_text"], "5.0 h");
    assert_eq!(shown["change_text"], "+4.0 h");

    // The scale classes were recomputed, each change audited.
    let alpha = c.json(&["customers", "show", "ALPHA"]);
    assert_eq!(alpha["scale"], "medium", "{alpha:#}");
    let audit = alpha["audit"].as_array().unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a["field"] == "scale" && a["after"] == "medium"),
        "{audit:#?}"
    );
    assert_eq!(c.json(&["customers", "show", "GAMMA"])["scale"], "medium");
    assert_eq!(c.json(&["customers", "show", "BETA"])["scale"], "small");
}

#[test]
fn explain_lists_the_records_and_html_shows_the_numbers() {
    let c = company();
    // The waits behind li.wei's median: a1, b1, c1 — never the auto-replies.
    let e = c.json(&[
        "report",
        "kpi",
        "--period",
        "2026-10",
        "--person",
        "li.wei",
        "--explain",
        "first_response_median",
    ]);
    let records = e[0]["records"].as_array().unwrap();
    let details: Vec<&str> = records
        .iter()
        .map(|r| r["detail"].as_str().unwrap())
        .collect();
    assert_eq!(records.len(), 3, "{details:#?}");
    assert!(details[0].starts_with("Inquiry LD-100") && details[0].contains("3.00 working hours"));
    assert!(
        details[1].starts_with("Shipping schedule") && details[1].contains("7.00 working hours")
    );
    assert!(details[2].starts_with("Samples") && details[2].contains("5.00 working hours"));
    assert!(!details.iter().any(|d| d.contains("Automatic reply")));
    // The unanswered list names the message.
    let e = c.json(&[
        "report",
        "kpi",
        "--period",
        "2026-10",
        "--person",
        "li.wei",
        "--explain",
        "unanswered_48h",
    ]);
    let records = e[0]["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert!(records[0]["detail"]
        .as_str()
        .unwrap()
        .starts_with("Catalogue please"));
    // The invoices behind zhang.min's revenue.
    let e = c.json(&[
        "report",
        "kpi",
        "--period",
        "2026-10",
        "--person",
        "zhang.min",
        "--explain",
        "revenue",
    ]);
    let ids: Vec<&str> = e[0]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["D1"]);
    let bad = c.run(&[
        "report",
        "kpi",
        "--period",
        "2026-10",
        "--explain",
        "happiness",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no figure 'happiness'"));

    // November: GAMMA's answer of 31 Oct 23:30 UTC counts there, as a customer message.
    let nov = c.json(&[
        "report",
        "kpi",
        "--period",
        "2026-11",
        "--person",
        "zhang.min",
    ]);
    let nf = figures(&nov);
    close(
        nf[&("zhang.min".into(), "active_customers".into())].0,
        Some(0.0),
        "November active",
    );

    // The HTML page: parse the figure cells and check the numbers shown.
    let out = c.dir.path().join("kpi.html");
    c.ok(&[
        "report",
        "kpi",
        "--period",
        "2026-10",
        "--format",
        "html",
        "--out",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&out).unwrap();
    let cells = cells(&html);
    let cell = |scope: &str, key: &str| cells.get(&(scope.to_string(), key.to_string())).cloned();
    assert_eq!(cell("li.wei", "revenue").as_deref(), Some("78,000.00"));
    assert_eq!(cell("zhang.min", "revenue").as_deref(), Some("5,000.00"));
    assert_eq!(cell("company", "new_customers").as_deref(), Some("3"));
    assert_eq!(
        cell("li.wei", "first_response_median").as_deref(),
        Some("5.0 h")
    );
    assert_eq!(cell("company", "collection_rate").as_deref(), Some("9.1%"));
    assert_eq!(cell("li.wei", "satisfaction").as_deref(), Some("4.50"));
    assert_eq!(cell("zhang.min", "bad_debt_rate").as_deref(), Some("80.0%"));
    assert_eq!(cell("li.wei", "total_score").as_deref(), Some("93.1"));
    // Charts are inline SVG; nothing is fetched or run; names are escaped.
    for id in [
        "chart-revenue",
        "chart-new-customers",
        "chart-trend",
        "chart-response",
        "chart-aging",
    ] {
        assert!(html.contains(&format!("<svg id=\"{id}\"")), "{id}");
    }
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains(" src="));
    assert!(html.contains("Zhang &quot;Min&quot; &lt;张敏&gt; &amp; Co"));
    assert!(!html.contains("<张敏>"));
    // The histogram shows the four October waits: 3, 4, 5 h in 1-4h/4-8h... (3 → 1-4h; 4, 5, 7 → 4-8h).
    let hist = &html[html.find("<svg id=\"chart-response\"").unwrap()..];
    let hist = &hist[..hist.find("</svg>").unwrap()];
    assert!(
        hist.contains(
            ">1</text><text x=\"103\" y=\"192\" font-size=\"11\" text-anchor=\"middle\">1-4h"
        ),
        "{hist}"
    );
    assert!(
        hist.contains(
            ">3</text><text x=\"171\" y=\"192\" font-size=\"11\" text-anchor=\"middle\">4-8h"
        ),
        "{hist}"
    );

    // CSV and XLSX carry the same numbers.
    let csv = c.ok(&["report", "kpi", "--period", "2026-10", "--format", "csv"]);
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        csv.contains(
            "2026-10,person,li.wei,sales,revenue,Revenue 销售额,78000,7000,71000,\"78,000.00\""
        ),
        "{csv}"
    );
    let xlsx = c.dir.path().join("kpi.xlsx");
    c.ok(&[
        "report",
        "kpi",
        "--period",
        "2026-10",
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    use calamine::{DataType as _, Reader as _};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["development", "upkeep", "sales", "credit", "ratings"]
    );
    let sales = wb.worksheet_range("sales").unwrap();
    assert_eq!(sales.get((0, 3)).unwrap().to_string(), "Revenue 销售额");
    assert_eq!(sales.get((1, 1)).unwrap().to_string(), "li.wei");
    assert_eq!(sales.get((1, 3)).unwrap().get_float(), Some(78000.0));
}

/// (data-scope, data-figure) → the value shown, from a scan of the figure cells.
fn cells(html: &str) -> HashMap<(String, String), String> {
    let mut out = HashMap::new();
    let mut rest = html;
    while let Some(i) = rest.find("<td class=\"n\" data-scope=\"") {
        rest = &rest[i + 26..];
        let scope_end = rest.find('"').unwrap();
        let scope = rest[..scope_end].to_string();
        let fig_start = rest.find("data-figure=\"").unwrap() + 13;
        let fig_end = fig_start + rest[fig_start..].find('"').unwrap();
        let figure = rest[fig_start..fig_end].to_string();
        let v_start = rest.find("<span class=\"v\">").unwrap() + 16;
        let v_end = v_start + rest[v_start..].find("</span>").unwrap();
        out.insert((scope, figure), rest[v_start..v_end].to_string());
    }
    out
}

#[test]
fn reviews_and_surveys_are_checked() {
    let c = Company::new();
    std::fs::write(&c.config, CONFIG).unwrap();
    let bad = c.run(&["review", "nobody", "--period", "2026-10", "--score", "50"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no user 'nobody'"));
    let bad = c.run(&["review", "li.wei", "--period", "2026-13", "--score", "50"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a period"));
    let bad = c.run(&["review", "li.wei", "--period", "2026-10", "--score", "150"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not between 0 and 100"));
    // A second review by the same manager replaces the first.
    c.ok(&[
        "--as", "boss", "review", "li.wei", "--period", "2026-q4", "--score", "50",
    ]);
    let r = c.json(&[
        "--as", "boss", "review", "li.wei", "--period", "2026-Q4", "--score", "70",
    ]);
    assert_eq!(r["period"], "2026-Q4");
    let n: i64 = c
        .db()
        .query_row("SELECT COUNT(*) FROM kpi_reviews", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    let bad = c.run(&["survey", "NOPE", "--score", "3"]);
    assert!(!bad.status.success());
}
