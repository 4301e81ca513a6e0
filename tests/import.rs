//! Offline import end to end through the binary: customer lists (CSV, GBK, bad rows,
//! re-import, dry run) and mail (Maildir, mbox, .eml; charsets; corrupt files;
//! de-duplication across mailboxes; matching to customers).

mod common;

use common::cli::{describe, stderr, Company};
use serde_json::Value;

const CUSTOMERS: &str = "\u{feff}code,name,country,nature,scale,owner,domains,contact_name,contact_email,tags,last_verified\n\
C001,\"Hansa Tools GmbH, Hamburg\",DE,trading,large,li.wei,hansa-tools.de,Jonas Weber,jonas.weber@hansa-tools.de,vip,2026-10-01\n\
C002,Pampas Ferretería S.A.,Argentina,end_customer,small,li.wei,,Lucía Gómez,lucia.gomez77@gmail.com,,2024-01-15\n\
C003,Bad Country Ltd,Atlantis,trading,small,li.wei,bad.example,,,,\n\
C004,Lagos Build Ltd,NG,manufacturer,medium,ghost.user,lagosbuild.ng,,,,\n";

fn customers(company: &Company) -> Vec<Value> {
    company
        .json(&["customers", "list"])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn customer_csv_imports_good_rows_reports_bad_ones_and_reimports_without_duplicates() {
    let company = Company::new();
    let csv = company.write("customers.csv", CUSTOMERS.as_bytes());
    let out = company.run(&["import", "customers", csv.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "row errors make the command fail:\n{}",
        describe(&out)
    );
    let err = stderr(&out);
    assert!(err.contains("row 4: country:"), "{err}");
    assert!(err.contains("Atlantis"), "{err}");
    assert!(err.contains("row 5: owner:"), "{err}");
    let codes: Vec<String> = customers(&company)
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["C001", "C002"]);

    // The same file again: nothing new, nothing duplicated.
    let out = company.run(&["import", "customers", csv.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("create 0, update 0, unchanged 2"),
        "{}",
        describe(&out)
    );
    assert_eq!(customers(&company).len(), 2);

    // A changed file, dry run: reported, not written.
    let changed = CUSTOMERS.replace("trading,large", "trading,medium");
    let csv2 = company.write("customers2.csv", changed.as_bytes());
    let out = company.run(&["import", "customers", csv2.to_str().unwrap(), "--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("would update C001: scale large → medium"),
        "{}",
        describe(&out)
    );
    assert_eq!(customers(&company)[0]["scale"], "large");
    company.run(&["import", "customers", csv2.to_str().unwrap()]);
    assert_eq!(customers(&company)[0]["scale"], "medium");
    let shown = company.json(&["customers", "show", "C001"]);
    let audit = shown["audit"].as_array().unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a["field"] == "scale" && a["before"] == "large" && a["after"] == "medium"),
        "{audit:?}"
    );
}

#[test]
fn gbk_csv_with_chinese_header_imports() {
    let company = Company::new();
    let text = "客户编号,客户名称,国家,客户性质,规模,业务员,联系人,联系人邮箱\r\nD01,上海远洋贸易有限公司,中国,贸易公司,大型,zhang.min,陈先生,chen@shyy-trade.cn\r\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    let csv = company.write("客户.csv", &bytes);
    company.ok(&["import", "customers", csv.to_str().unwrap()]);
    let shown = company.json(&["customers", "show", "D01"]);
    assert_eq!(shown["name"], "上海远洋贸易有限公司");
    assert_eq!(shown["country"], "CN");
    assert_eq!(shown["domestic"], true);
    assert_eq!(shown["nature"], "trading");
    assert_eq!(shown["contacts"][0]["name"], "陈先生");
}

/// key, direction, customer code, rule, subject
type FiledRow = (String, String, Option<String>, Option<String>, String);

fn eml(from: &str, to: &str, cc: &str, subject: &str, id: Option<&str>, body: &str) -> Vec<u8> {
    let mut m = format!("From: {from}\r\nTo: {to}\r\n");
    if !cc.is_empty() {
        m.push_str(&format!("Cc: {cc}\r\n"));
    }
    if let Some(id) = id {
        m.push_str(&format!("Message-ID: <{id}>\r\n"));
    }
    m.push_str(&format!(
        "Subject: {subject}\r\nDate: Tue, 03 Nov 2026 09:15:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ));
    m.into_bytes()
}

#[test]
fn mail_import_dedupes_across_mailboxes_matches_customers_and_skips_corrupt_files() {
    let company = Company::new();
    let csv = company.write("customers.csv", CUSTOMERS.as_bytes());
    company.run(&["import", "customers", csv.to_str().unwrap()]);

    // li.wei's Maildir: an outbound quotation CC'd to finance, a reply from a subdomain,
    // a free-mail contact, a free-mail stranger, internal mail, a no-reply notice, a corrupt file.
    let quote = eml(
        "Li Wei <li.wei@seawind-trade.cn>",
        "jonas.weber@hansa-tools.de",
        "finance@seawind-trade.cn",
        "Quotation QT-2026-118",
        Some("qt118@seawind-trade.cn"),
        "Dear Jonas, please find our quotation.",
    );
    company.write("li/.Sent/cur/1.a.host:2,S", &quote);
    let (gbk_body, _, _) = encoding_rs::GBK.encode("李先生您好，付款已安排。");
    let mut reply = b"From: Anna <anna@eu.hansa-tools.de>\r\nTo: li.wei@seawind-trade.cn\r\nSubject: =?GB2312?B?"
        .to_vec();
    reply.extend(b"uLa/7g==?=\r\nMessage-ID: <r1@eu.hansa-tools.de>\r\nIn-Reply-To: <qt118@seawind-trade.cn>\r\nDate: Wed, 04 Nov 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
    reply.extend(gbk_body.iter());
    company.write("li/cur/2.b.host:2,S", &reply);
    company.write(
        "li/cur/3.c.host:2,S",
        &eml(
            "lucia.gomez77@gmail.com",
            "li.wei@seawind-trade.cn",
            "",
            "Pedido",
            Some("p1@gmail.com"),
            "Hola",
        ),
    );
    company.write(
        "li/cur/4.d.host:2,S",
        &eml(
            "stranger@gmail.com",
            "li.wei@seawind-trade.cn",
            "",
            "Inquiry",
            Some("s1@gmail.com"),
            "Price?",
        ),
    );
    company.write(
        "li/cur/5.e.host:2,S",
        &eml(
            "zhao.lei@seawind-trade.cn",
            "li.wei@seawind-trade.cn",
            "",
            "内部：报销",
            Some("i1@seawind-trade.cn"),
            "请审批",
        ),
    );
    company.write(
        "li/cur/6.f.host:2,S",
        &eml(
            "no-reply@hansa-tools.de",
            "li.wei@seawind-trade.cn",
            "",
            "Portal notice",
            Some("n1@hansa-tools.de"),
            "auto",
        ),
    );
    company.write(
        "li/cur/7.g.host:2,S",
        &[0x89, b'P', b'N', b'G', 0, 0, 0x1a, 0xff, 0xfe, 0],
    );

    let out = company.run(&[
        "import",
        "mail",
        company.dir.path().join("li").to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);
    assert!(
        out.status.success(),
        "a corrupt file must not fail the import:\n{}",
        describe(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("7.g.host") && err.contains("not an email"),
        "corrupt file named with its reason:\n{err}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("read 7, new 6"), "{stdout}");

    // finance holds the same quotation (CC) plus an mbox with one more message.
    company.write("fin/cur/1.x.host:2,S", &quote);
    let mbox = [
        b"From MAILER-DAEMON Mon Nov  2 00:00:00 2026\n".to_vec(),
        eml(
            "jonas.weber@hansa-tools.de",
            "finance@seawind-trade.cn",
            "",
            "Payment",
            Some("pay1@hansa-tools.de"),
            "Paid.",
        ),
    ]
    .concat();
    company.write("fin/Archive", &mbox);
    let out = company.run(&[
        "import",
        "mail",
        company.dir.path().join("fin").to_str().unwrap(),
        "--mailbox",
        "finance",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("new 1") && stdout.contains("already stored from another mailbox 1"),
        "{}",
        describe(&out)
    );

    // Importing again changes nothing.
    let out = company.run(&[
        "import",
        "mail",
        company.dir.path().join("fin").to_str().unwrap(),
        "--mailbox",
        "finance",
    ]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("new 0"),
        "{}",
        describe(&out)
    );

    let db = company.db();
    let locations: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM message_locations l JOIN messages m ON m.id = l.message_id WHERE m.message_id = 'qt118@seawind-trade.cn'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(locations, 2, "one message, two locations");
    let rows: Vec<FiledRow> = db
        .prepare(
            "SELECT m.message_key, m.direction, c.code, mc.rule, m.subject FROM messages m
             LEFT JOIN message_customers mc ON mc.message_id = m.id LEFT JOIN customers c ON c.id = mc.customer_id
             ORDER BY m.message_key",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let find = |key: &str| {
        rows.iter()
            .find(|r| r.0 == key)
            .unwrap_or_else(|| panic!("{key} not stored: {rows:?}"))
    };
    let q = find("<qt118@seawind-trade.cn>");
    assert_eq!(
        (q.1.as_str(), q.2.as_deref(), q.3.as_deref()),
        ("outbound", Some("C001"), Some("contact_address"))
    );
    let r = find("<r1@eu.hansa-tools.de>");
    assert_eq!(
        (r.1.as_str(), r.2.as_deref(), r.3.as_deref()),
        ("inbound", Some("C001"), Some("domain"))
    );
    assert_eq!(r.4, "付款", "GB2312 RFC 2047 subject decoded");
    let body: String = db
        .query_row(
            "SELECT body_text FROM messages WHERE message_id = 'r1@eu.hansa-tools.de'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(body, "李先生您好，付款已安排。");
    assert_eq!(
        find("<p1@gmail.com>").2.as_deref(),
        Some("C002"),
        "free-mail contact matches by exact address"
    );
    assert_eq!(
        find("<s1@gmail.com>").2,
        None,
        "a free-mail stranger matches no one"
    );
    let internal = find("<i1@seawind-trade.cn>");
    assert_eq!(
        (internal.1.as_str(), internal.2.as_deref()),
        ("internal", None)
    );
    assert_eq!(
        find("<n1@hansa-tools.de>").2,
        None,
        "no-reply senders match no customer"
    );
    assert_eq!(find("<pay1@hansa-tools.de>").2.as_deref(), Some("C001"));

    // The CLI view of the same thing.
    let listed = company.json(&["messages", "list", "--customer", "C001"]);
    assert_eq!(listed.as_array().unwrap().len(), 3, "{listed}");
    let unmatched = company.json(&["messages", "list", "--unmatched"]);
    assert_eq!(unmatched.as_array().unwrap().len(), 3, "{unmatched}");
}

#[test]
fn adding_a_contact_and_rematching_files_old_mail() {
    let company = Company::new();
    company.write(
        "mail/a.eml",
        &eml(
            "buyer@pampas.com.ar",
            "li.wei@seawind-trade.cn",
            "",
            "Consulta",
            Some("c1@pampas.com.ar"),
            "Hola",
        ),
    );
    company.ok(&[
        "import",
        "mail",
        company.dir.path().join("mail").to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);
    assert_eq!(
        company
            .json(&["messages", "list", "--unmatched"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    company.ok(&[
        "customers",
        "add",
        "AR9",
        "Pampas SA",
        "--set",
        "domains=pampas.com.ar",
        "--set",
        "owner=li.wei",
    ]);
    company.ok(&["rematch"]);
    let filed = company.json(&["messages", "list", "--customer", "AR9"]);
    assert_eq!(filed.as_array().unwrap().len(), 1, "{filed}");
}

#[test]
fn an_unreadable_path_and_an_unknown_mailbox_are_clear_errors() {
    let company = Company::new();
    let out = company.run(&[
        "import",
        "mail",
        "/nonexistent/maildir",
        "--mailbox",
        "li.wei",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        stderr(&out).contains("/nonexistent/maildir: no such file or directory"),
        "{}",
        stderr(&out)
    );
    company.write("m/a.eml", b"From: a@b.com\r\nSubject: x\r\n\r\ny");
    let out = company.run(&[
        "import",
        "mail",
        company.dir.path().join("m").to_str().unwrap(),
        "--mailbox",
        "sales9",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no mailbox named 'sales9'")
            && stderr(&out).contains("li.wei, finance"),
        "{}",
        stderr(&out)
    );
    let out = company.run(&["import", "customers", "/nonexistent/c.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("/nonexistent/c.csv"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn xlsx_customer_list_imports_with_row_errors() {
    let company = Company::new();
    let path = company.dir.path().join("customers.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let rows: [[&str; 4]; 3] = [
        ["客户编号", "客户名称", "国家", "联系人邮箱"],
        ["X1", "Oslo Marine AS", "挪威", "kari@oslomarine.no"],
        ["X2", "Broken Email Ltd", "GB", "not-an-address"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    sheet.write_number(3, 0, 1001.0).unwrap();
    sheet.write_string(3, 1, "Numeric Code GmbH").unwrap();
    sheet.write_string(3, 2, "DE").unwrap();
    workbook.save(&path).unwrap();

    let out = company.run(&["import", "customers", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        stderr(&out).contains("row 3: 联系人邮箱:"),
        "{}",
        stderr(&out)
    );
    let codes: Vec<String> = customers(&company)
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        codes,
        ["1001", "X1"],
        "a whole-number code cell reads as 1001, not 1001.0"
    );
    assert_eq!(company.json(&["customers", "show", "X1"])["country"], "NO");
}
