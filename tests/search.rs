//! Search end to end through the binary (issue 4, search): a small hand-written corpus
//! in English and Chinese (UTF-8 and GBK), two customers per salesperson, order and
//! model numbers, addresses and attachments; exact hit sets for every kind of query,
//! filters, access scope (no leaks), the index rebuilt when missing or corrupt, and the
//! customer timeline.

mod common;

use common::cli::{describe, Company};
use serde_json::Value;
use std::collections::BTreeSet;

const CONFIG: &str = r#"
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

[[users]]
login = "zhang.min"
name = "Zhang Min 张敏"
email = "zhang.min@seawind-trade.cn"
role = "sales"

[[users]]
login = "zhao.lei"
name = "Zhao Lei 赵磊"
email = "zhao.lei@seawind-trade.cn"
role = "finance"

[[users]]
login = "wang.fang"
name = "Wang Fang 王芳"
email = "wang.fang@seawind-trade.cn"
role = "manager"

[[mailboxes]]
name = "li.wei"
owner = "li.wei"
role = "sales"
address = "li.wei@seawind-trade.cn"

[[mailboxes]]
name = "zhang.min"
owner = "zhang.min"
role = "sales"
address = "zhang.min@seawind-trade.cn"

[[mailboxes]]
name = "finance"
owner = "zhao.lei"
role = "finance"
address = "finance@seawind-trade.cn"
"#;

const CUSTOMERS: &str = "code,name,country,nature,scale,owner,domains,contact_name,contact_email\n\
C001,Hansa Tools GmbH,DE,trading,large,li.wei,hansa-tools.de,Jonas Weber,jonas.weber@hansa-tools.de\n\
C002,Acme Handel AG,DE,trading,medium,zhang.min,acme.de,Anna Buyer,buyer@acme.de\n\
C003,上海远洋贸易有限公司,CN,trading,large,li.wei,shyy-trade.cn,陈先生,chen@shyy-trade.cn\n";

// Subjects name the messages in the assertions below.
const M1: &str = "Complaint about drills";
const M2: &str = "Re: Complaint about drills";
const M3: &str = "关于质量问题的投诉";
const M4: &str = "付款通知";
const M5: &str = "Payment for invoice INV-77";
const M6: &str = "Private: Acme price list";
const M7: &str = "内部：报销";
const M8: &str = "Remittance advice";

struct Mail<'a> {
    from: &'a str,
    to: &'a str,
    date: &'a str,
    subject: &'a str,
    id: &'a str,
    body: &'a str,
    attachment: Option<&'a str>,
}

fn eml(m: &Mail) -> Vec<u8> {
    let mut out = format!(
        "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}>\r\nMIME-Version: 1.0\r\n",
        m.from, m.to, m.subject, m.date, m.id
    );
    match m.attachment {
        None => out.push_str(&format!(
            "Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            m.body
        )),
        Some(name) => out.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n--b1\r\n\
             Content-Type: application/octet-stream\r\n\
             Content-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\nUEsDBAoAAAAAAA==\r\n--b1--\r\n",
            m.body
        )),
    }
    out.into_bytes()
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The Chinese complaint, in GBK: subject RFC 2047-encoded, body 8-bit.
fn gbk_complaint() -> Vec<u8> {
    let (subject, _, _) = encoding_rs::GBK.encode(M3);
    let (name, _, _) = encoding_rs::GBK.encode("陈先生");
    let (body, _, _) =
        encoding_rs::GBK.encode("你好，我们收到的货物有严重的质量问题，请尽快处理。");
    let mut out = format!(
        "From: =?GBK?B?{}?= <chen@shyy-trade.cn>\r\nTo: li.wei@seawind-trade.cn\r\nSubject: =?GBK?B?{}?=\r\n\
         Date: 3 Feb 2026 09:00:00 +0800\r\nMessage-ID: <m3@shyy-trade.cn>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
        base64(&name),
        base64(&subject)
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out.extend_from_slice(b"\r\n");
    out
}

/// A company with three customers and eight messages in three mailboxes, imported.
fn company() -> Company {
    let company = Company::new();
    std::fs::write(&company.config, CONFIG).unwrap();
    let csv = company.write("customers.csv", CUSTOMERS.as_bytes());
    company.ok(&["import", "customers", csv.to_str().unwrap()]);

    let li = [
        Mail {
            from: "Jonas Weber <jonas.weber@hansa-tools.de>",
            to: "li.wei@seawind-trade.cn",
            date: "10 Jan 2026 09:00:00 +0000",
            subject: M1,
            id: "m1@hansa-tools.de",
            body: "Dear Li Wei,\nwe found a quality problem with model XR-200B in order PO-2026-0113.\nPhotos attached.",
            attachment: Some("defect-photos.zip"),
        },
        Mail {
            from: "Li Wei <li.wei@seawind-trade.cn>",
            to: "Jonas Weber <jonas.weber@hansa-tools.de>",
            date: "12 Jan 2026 09:00:00 +0000",
            subject: M2,
            id: "m2@seawind-trade.cn",
            body: "Sorry. The problem is not about quality, it is the battery.\nWe replace them with XR-200A; order PO-2026-0114 ships soon.",
            attachment: None,
        },
        Mail {
            from: "陈先生 <chen@shyy-trade.cn>",
            to: "li.wei@seawind-trade.cn",
            date: "5 Feb 2026 09:00:00 +0800",
            subject: M4,
            id: "m4@shyy-trade.cn",
            body: "货款已经安排，质量很好，没有问题。payment sent",
            attachment: None,
        },
        Mail {
            from: "Zhao Lei <zhao.lei@seawind-trade.cn>",
            to: "li.wei@seawind-trade.cn",
            date: "10 Feb 2026 09:00:00 +0800",
            subject: M7,
            id: "m7@seawind-trade.cn",
            body: "请审批 payment of travel costs",
            attachment: None,
        },
    ];
    for (i, m) in li.iter().enumerate() {
        company.write(&format!("li/cur/{i}.x.host:2,S"), &eml(m));
    }
    company.write("li/cur/9.x.host:2,S", &gbk_complaint());

    let m5 = eml(&Mail {
        from: "Anna Buyer <buyer@acme.de>",
        to: "zhang.min@seawind-trade.cn",
        date: "20 Jan 2026 09:00:00 +0000",
        subject: M5,
        id: "m5@acme.de",
        body: "The payment was sent today.\nRegards, Anna",
        attachment: None,
    });
    company.write("zhang/cur/1.x.host:2,S", &m5);
    company.write(
        "zhang/cur/2.x.host:2,S",
        &eml(&Mail {
            from: "Zhang Min <zhang.min@seawind-trade.cn>",
            to: "Anna Buyer <buyer@acme.de>",
            date: "21 Jan 2026 09:00:00 +0000",
            subject: M6,
            id: "m6@seawind-trade.cn",
            body: "Our confidential price list for XR-200B is attached.",
            attachment: Some("pricelist.xlsx"),
        }),
    );
    // finance holds a copy of M5 too (imported after it was indexed) and its own M8.
    company.write("fin/cur/1.x.host:2,S", &m5);
    company.write(
        "fin/cur/2.x.host:2,S",
        &eml(&Mail {
            from: "buyer@acme.de",
            to: "finance@seawind-trade.cn",
            date: "1 Mar 2026 09:00:00 +0000",
            subject: M8,
            id: "m8@acme.de",
            body: "Remittance for invoice INV-77, bank slip attached.",
            attachment: Some("bank-slip.pdf"),
        }),
    );
    for (dir, mailbox) in [("li", "li.wei"), ("zhang", "zhang.min"), ("fin", "finance")] {
        let path = company.dir.path().join(dir);
        company.ok(&[
            "import",
            "mail",
            path.to_str().unwrap(),
            "--mailbox",
            mailbox,
        ]);
    }
    company
}

/// Runs `search ARGS --json` (as `actor`), returning the whole answer.
fn answer(company: &Company, actor: Option<&str>, args: &[&str]) -> Value {
    let mut full = Vec::new();
    if let Some(a) = actor {
        full.extend(["--as", a]);
    }
    full.push("search");
    full.extend_from_slice(args);
    full.extend(["--limit", "100"]);
    company.json(&full)
}

/// The subjects a search returns, run as `actor` (None: the local administrator).
fn hits(company: &Company, actor: Option<&str>, args: &[&str]) -> BTreeSet<String> {
    let out = answer(company, actor, args);
    let hits = out["hits"].as_array().expect("hits array");
    assert_eq!(
        out["total"].as_u64().unwrap() as usize,
        hits.len(),
        "total and hits disagree for {args:?}"
    );
    hits.iter()
        .map(|h| h["subject"].as_str().unwrap().to_string())
        .collect()
}

fn set(subjects: &[&str]) -> BTreeSet<String> {
    subjects.iter().map(|s| s.to_string()).collect()
}

fn all_queries(company: &Company) -> Vec<BTreeSet<String>> {
    [
        vec!["质量问题"],
        vec!["\"quality problem\""],
        vec!["PO-2026-0113"],
        vec!["buyer@acme.de"],
        vec!["customer:C002"],
    ]
    .iter()
    .map(|q| hits(company, None, q))
    .collect()
}

#[test]
fn words_phrases_codes_and_addresses_find_exactly_their_messages() {
    let c = company();
    // Chinese: a word (bigram), a phrase of bigrams; GBK and UTF-8 alike.
    assert_eq!(hits(&c, None, &["质量问题"]), set(&[M3]));
    assert_eq!(hits(&c, None, &["质量"]), set(&[M3, M4]));
    assert_eq!(hits(&c, None, &["投诉"]), set(&[M3]));
    // English: a word, a phrase, a word in any case.
    assert_eq!(hits(&c, None, &["quality"]), set(&[M1, M2]));
    assert_eq!(hits(&c, None, &["\"quality problem\""]), set(&[M1]));
    assert_eq!(hits(&c, None, &["PAYMENT"]), set(&[M4, M5, M7]));
    // Order number, model number, address: exact, not their neighbours.
    assert_eq!(hits(&c, None, &["PO-2026-0113"]), set(&[M1]));
    assert_eq!(hits(&c, None, &["XR-200B"]), set(&[M1, M6]));
    assert_eq!(hits(&c, None, &["buyer@acme.de"]), set(&[M5, M6, M8]));
    // Attachment names.
    assert_eq!(hits(&c, None, &["pricelist"]), set(&[M6]));
}

#[test]
fn field_queries_and_boolean_operators() {
    let c = company();
    assert_eq!(hits(&c, None, &["from:buyer@acme.de"]), set(&[M5, M8]));
    assert_eq!(hits(&c, None, &["to:buyer@acme.de"]), set(&[M6]));
    // A whole address is one key (any case); a part of one is still a phrase of its words.
    assert_eq!(hits(&c, None, &["from:Buyer@ACME.de"]), set(&[M5, M8]));
    let partial = hits(&c, None, &["from:acme.de"]);
    assert!(partial.is_superset(&set(&[M5, M8])), "{partial:?}");
    assert_eq!(partial, hits(&c, None, &["from:\"acme de\""]));
    assert_eq!(hits(&c, None, &["from:\"Jonas Weber\""]), set(&[M1]));
    assert_eq!(hits(&c, None, &["customer:C002"]), set(&[M5, M6, M8]));
    assert_eq!(hits(&c, None, &["customer:c003"]), set(&[M3, M4]));
    assert_eq!(hits(&c, None, &["subject:payment"]), set(&[M5]));
    assert_eq!(hits(&c, None, &["subject:质量"]), set(&[M3]));
    assert_eq!(hits(&c, None, &["attachment:slip"]), set(&[M8]));
    assert_eq!(hits(&c, None, &["mailbox:finance"]), set(&[M5, M8]));
    assert_eq!(hits(&c, None, &["quality NOT battery"]), set(&[M1]));
    assert_eq!(hits(&c, None, &["payment -travel"]), set(&[M4, M5]));
    assert_eq!(hits(&c, None, &["quality OR 质量"]), set(&[M1, M2, M3, M4]));
    assert_eq!(
        hits(&c, None, &["(quality AND battery) OR 投诉"]),
        set(&[M2, M3])
    );
    // A query the parser cannot read is a clear error, not a crash.
    let out = c.run(&["search", "from:"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot understand the query"),
        "{}",
        describe(&out)
    );
}

#[test]
fn filters_dates_customers_directions_mailboxes() {
    let c = company();
    let q = |args: &[&str]| hits(&c, None, args);
    assert_eq!(
        q(&[
            "",
            "--customer",
            "C002",
            "--from",
            "2026-01-15",
            "--to",
            "2026-02-28"
        ]),
        set(&[M5, M6])
    );
    // --to includes its whole day.
    assert_eq!(
        q(&[
            "",
            "--customer",
            "C002",
            "--from",
            "2026-01-21",
            "--to",
            "2026-03-01"
        ]),
        set(&[M6, M8])
    );
    assert_eq!(q(&["payment", "--from", "2026-02-01"]), set(&[M4, M7]));
    assert_eq!(q(&["", "--direction", "out"]), set(&[M2, M6]));
    assert_eq!(q(&["", "--direction", "internal"]), set(&[M7]));
    assert_eq!(q(&["payment", "--direction", "in"]), set(&[M4, M5]));
    assert_eq!(q(&["", "--mailbox", "zhang.min"]), set(&[M5, M6]));
    assert_eq!(q(&["", "--owner", "li.wei"]), set(&[M1, M2, M3, M4]));
    let out = c.run(&["search", "x", "--from", "01/02/2026"]);
    assert!(!out.status.success(), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--from"));

    // Date order, newest first, with the hit's fields and a snippet marking the match.
    let out = c.json(&["search", "payment", "--limit", "2"]);
    assert_eq!(out["total"], 3);
    let hits = out["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0]["subject"], M7);
    assert_eq!(hits[1]["subject"], M4);
    assert_eq!(hits[1]["customers"], serde_json::json!(["C003"]));
    assert_eq!(hits[1]["mailboxes"], serde_json::json!(["li.wei"]));
    assert_eq!(hits[1]["direction"], "inbound");
    // Relevance order puts the subject hit first.
    let out = c.json(&["search", "payment", "--sort", "relevance"]);
    assert_eq!(out["hits"][0]["subject"], M5);
}

#[test]
fn snippets_highlight_chinese_by_characters() {
    let c = company();
    let out = c.json(&["search", "质量问题"]);
    let snippet = &out["hits"][0]["snippet"];
    let text = snippet["text"].as_str().unwrap();
    assert!(text.contains("严重的质量问题"), "{text}");
    let [start, end] = [
        snippet["highlights"][0][0].as_u64().unwrap() as usize,
        snippet["highlights"][0][1].as_u64().unwrap() as usize,
    ];
    let marked: String = text.chars().skip(start).take(end - start).collect();
    assert_eq!(marked, "质量问题");
    // The text output marks it too (stdout is not a terminal here).
    let shown = c.ok(&["search", "质量问题"]);
    assert!(shown.contains("[质量问题]"), "{shown}");
    assert!(shown.contains("1 of 1 matching"), "{shown}");
}

#[test]
fn access_scope_never_leaks_another_salespersons_mail() {
    let c = company();
    let everything = set(&[M1, M2, M3, M4, M5, M6, M7, M8]);
    assert_eq!(hits(&c, None, &[""]), everything);
    assert_eq!(hits(&c, Some("wang.fang"), &[""]), everything, "manager");
    // li.wei: own mailbox and own customers (C001, C003) only.
    assert_eq!(hits(&c, Some("li.wei"), &[""]), set(&[M1, M2, M3, M4, M7]));
    assert_eq!(hits(&c, Some("li.wei"), &["XR-200B"]), set(&[M1]));
    assert_eq!(hits(&c, Some("li.wei"), &["buyer@acme.de"]), set(&[]));
    assert_eq!(hits(&c, Some("li.wei"), &["customer:C002"]), set(&[]));
    assert_eq!(hits(&c, Some("li.wei"), &["payment"]), set(&[M4, M7]));
    // zhang.min: the mirror image.
    assert_eq!(hits(&c, Some("zhang.min"), &[""]), set(&[M5, M6, M8]));
    assert_eq!(hits(&c, Some("zhang.min"), &["质量 OR quality"]), set(&[]));
    // Finance: the finance mailbox (M5's copy arrived after M5 was indexed).
    assert_eq!(hits(&c, Some("zhao.lei"), &[""]), set(&[M5, M8]));
    assert_eq!(hits(&c, Some("zhao.lei"), &["XR-200B"]), set(&[]));

    // Timelines are scoped the same way.
    let subjects = |actor: &str| -> Vec<String> {
        c.json(&["--as", actor, "customers", "timeline", "C002"])
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["subject"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(subjects("li.wei"), Vec::<String>::new());
    assert_eq!(subjects("zhao.lei"), [M5, M8]);

    // A handover gives the new owner the customer's whole history at once.
    c.ok(&[
        "customers",
        "handover",
        "--from",
        "zhang.min",
        "--to",
        "li.wei",
        "--customer",
        "C002",
    ]);
    assert_eq!(
        hits(&c, Some("li.wei"), &["buyer@acme.de"]),
        set(&[M5, M6, M8])
    );
    assert_eq!(
        hits(&c, Some("li.wei"), &["owner:li.wei"]),
        set(&[M1, M2, M3, M4, M5, M6, M8])
    );
    assert_eq!(
        hits(&c, Some("zhang.min"), &[""]),
        set(&[M5, M6]),
        "own mailbox only now"
    );
    assert_eq!(subjects("li.wei"), [M5, M6, M8]);

    // A mistyped user never widens the view: it is refused.
    let typo = c.run(&["--as", "li.wie", "search", "payment"]);
    assert_eq!(
        typo.status.code(),
        Some(1),
        "{}",
        common::cli::describe(&typo)
    );
    assert!(common::cli::stderr(&typo).contains("'li.wie' is not a user"));
}

#[test]
fn timeline_lists_every_message_in_date_order_across_mailboxes() {
    let c = company();
    let timeline = c.json(&["customers", "timeline", "C002"]);
    let entries = timeline.as_array().unwrap();
    let subjects: Vec<&str> = entries
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, [M5, M6, M8]);
    assert_eq!(
        entries[0]["mailboxes"],
        serde_json::json!(["finance", "zhang.min"])
    );
    assert_eq!(entries[1]["direction"], "outbound");
    let dates: Vec<&str> = entries
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    let chinese = c.json(&["customers", "timeline", "C003"]);
    let subjects: Vec<&str> = chinese
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, [M3, M4]);
    let text = c.ok(&["customers", "timeline", "C003"]);
    assert!(text.contains("2 message(s) with C003"), "{text}");
    let out = c.run(&["customers", "timeline", "NOPE"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOPE"));
}

#[test]
fn reindex_and_a_missing_or_corrupt_index_give_the_same_results() {
    let c = company();
    let before = all_queries(&c);
    assert_eq!(before[0], set(&[M3]));
    let index = c.dir.path().join("data/index");

    // Removed: rebuilt by `reindex`.
    std::fs::remove_dir_all(&index).unwrap();
    let out = c.json(&["reindex"]);
    assert_eq!(out["indexed"], 8);
    assert_eq!(all_queries(&c), before);

    // Removed again: rebuilt when a search opens it.
    std::fs::remove_dir_all(&index).unwrap();
    assert_eq!(all_queries(&c), before);

    // Every file overwritten with garbage: rebuilt, not fatal.
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::write(&path, b"\x00garbage\xff").unwrap();
        }
    }
    assert_eq!(all_queries(&c), before);

    // Segment files truncated but meta.json intact: rebuilt too.
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".term") || name.ends_with(".idx") || name.ends_with(".fast") {
            std::fs::write(&path, b"").unwrap();
        }
    }
    assert_eq!(all_queries(&c), before);

    // Importing the same mail again does not duplicate documents.
    let li = c.dir.path().join("li");
    c.ok(&[
        "import",
        "mail",
        li.to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);
    assert_eq!(all_queries(&c), before);
    assert_eq!(hits(&c, None, &[""]).len(), 8);
    let total = c.json(&["search", "", "--limit", "100"])["total"]
        .as_u64()
        .unwrap();
    assert_eq!(total, 8, "one document per message");
}

#[test]
fn json_output_parses_and_carries_every_field() {
    let c = company();
    let out: Value = c.json(&["search", "PO-2026-0113"]);
    let hit = &out["hits"][0];
    for key in [
        "id",
        "date",
        "direction",
        "from",
        "subject",
        "customers",
        "mailboxes",
        "snippet",
    ] {
        assert!(!hit[key].is_null(), "{key} missing in {hit}");
    }
    assert_eq!(hit["from"], "jonas.weber@hansa-tools.de");
    assert_eq!(hit["customers"], serde_json::json!(["C001"]));
}

/// Waits until the daemon answers searches (its socket accepts), up to 20 s.
fn wait_for_socket(company: &Company, daemon: &common::cli::Background) {
    let socket = company.dir.path().join("data/search.sock");
    let started = std::time::Instant::now();
    while std::os::unix::net::UnixStream::connect(&socket).is_err() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the daemon never opened {}\n--- log\n{}",
            socket.display(),
            daemon.log_text()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn the_running_daemon_answers_searches_exactly_as_the_command_would() {
    let c = company();
    // No mailbox has IMAP settings: the daemon runs to answer searches.
    let mut daemon = c.spawn_daemon();
    wait_for_socket(&c, &daemon);

    let cases: Vec<(Option<&str>, Vec<&str>)> = vec![
        (None, vec!["质量问题"]),
        (None, vec!["\"quality problem\""]),
        (None, vec!["PO-2026-0113"]),
        (None, vec!["buyer@acme.de"]),
        (
            None,
            vec!["payment", "--from", "2026-01-15", "--to", "2026-02-28"],
        ),
        (None, vec!["", "--customer", "C001", "--sort", "relevance"]),
        (Some("li.wei"), vec![""]),
        (Some("zhang.min"), vec!["质量 OR quality"]),
        (Some("zhao.lei"), vec![""]),
    ];
    for (actor, args) in &cases {
        let remote = answer(&c, *actor, args);
        let mut local_args = args.clone();
        local_args.push("--local");
        let local = answer(&c, *actor, &local_args);
        assert_eq!(remote["via"], "daemon", "{actor:?} {args:?}: {remote}");
        assert_eq!(local["via"], "process", "{actor:?} {args:?}: {local}");
        assert_eq!(remote["total"], local["total"], "{actor:?} {args:?}");
        assert_eq!(remote["hits"], local["hits"], "{actor:?} {args:?}");
    }
    // The scope is the asker's: a salesperson still sees only their own mail.
    assert_eq!(hits(&c, Some("li.wei"), &["buyer@acme.de"]), set(&[]));

    // The request's own mistakes are the same errors as in-process, exit code 1.
    for (args, expected) in [
        (vec!["search", "from:"], "cannot understand the query"),
        (
            vec!["search", "x", "--from", "2026-13-01"],
            "bad date '2026-13-01'",
        ),
        (
            vec!["search", "x", "--customer", "C404"],
            "no customer with code 'C404'",
        ),
        (
            vec!["--as", "li.wie", "search", "payment"],
            "'li.wie' is not a user",
        ),
    ] {
        let out = c.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", describe(&out));
        let err = common::cli::stderr(&out);
        assert!(err.contains(expected), "{args:?}: {}", describe(&out));
    }

    // Mail imported while the daemon runs is found through it at once.
    c.write(
        "late/cur/1.x.host:2,S",
        &eml(&Mail {
            from: "Jonas Weber <jonas.weber@hansa-tools.de>",
            to: "li.wei@seawind-trade.cn",
            date: "2 Apr 2026 09:00:00 +0000",
            subject: "Container seal broken 封条破损",
            id: "late@hansa-tools.de",
            body: "The container seal was broken on arrival.",
            attachment: None,
        }),
    );
    let late = c.dir.path().join("late");
    c.ok(&[
        "import",
        "mail",
        late.to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);
    let found = answer(&c, None, &["封条"]);
    assert_eq!(found["via"], "daemon");
    assert_eq!(found["total"], 1, "{found}");

    // A killed daemon leaves its socket behind: searches run in-process, nothing fails.
    daemon.kill();
    let after = answer(&c, None, &["封条"]);
    assert_eq!(after["via"], "process");
    assert_eq!(after["total"], 1);

    // A new daemon replaces the stale socket; a clean stop removes it.
    let mut daemon = c.spawn_daemon();
    wait_for_socket(&c, &daemon);
    assert_eq!(answer(&c, None, &["PO-2026-0113"])["via"], "daemon");
    assert_eq!(daemon.terminate(), Some(0), "{}", daemon.log_text());
    assert!(!c.dir.path().join("data/search.sock").exists());
}
