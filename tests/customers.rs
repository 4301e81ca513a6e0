//! The customer registry through the CLI (§2): add, edit with audit, list filters,
//! stale records, and handover that keeps the correspondence with the customer.

mod common;

use common::cli::{describe, stderr, Company};

fn codes(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn add_edit_show_and_list_filters() {
    let c = Company::new();
    c.ok(&[
        "customers",
        "add",
        "DE1",
        "Hansa Tools GmbH",
        "--set",
        "country=Germany",
        "--set",
        "owner=li.wei",
        "--set",
        "tags=vip;tools",
        "--set",
        "last_verified=2026-11-01",
    ]);
    c.ok(&[
        "customers",
        "add",
        "CN1",
        "上海远洋贸易",
        "--set",
        "国家=中国",
        "--set",
        "业务员=张敏",
        "--set",
        "规模=大型",
    ]);
    c.ok(&[
        "customers",
        "add",
        "BR1",
        "Casa Forte Ltda",
        "--set",
        "country=BR",
        "--set",
        "nature=end_customer",
        "--set",
        "owner=zhang.min",
    ]);

    let dup = c.run(&["customers", "add", "DE1", "Again"]);
    assert_eq!(dup.status.code(), Some(1));
    assert!(
        stderr(&dup).contains("already exists"),
        "{}",
        describe(&dup)
    );
    let bad = c.run(&["customers", "edit", "DE1", "--set", "scale=huge"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("scale") && stderr(&bad).contains("large, medium, small"),
        "{}",
        describe(&bad)
    );

    let out = c.ok(&[
        "--as",
        "liu.yang",
        "customers",
        "edit",
        "DE1",
        "--set",
        "stage=negotiation",
        "--set",
        "credit_limit=50,000.00",
        "--set",
        "currency=EUR",
    ]);
    assert!(out.contains("DE1: stage ∅ → negotiation"), "{out}");

    let shown = c.json(&["customers", "show", "DE1"]);
    assert_eq!(shown["country"], "DE");
    assert_eq!(shown["continent"], "europe");
    assert_eq!(shown["credit_limit_minor"], 5_000_000);
    assert_eq!(shown["stage_history"][0]["stage"], "negotiation");
    let audit = shown["audit"].as_array().unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a["field"] == "stage" && a["actor"] == "liu.yang"),
        "{audit:?}"
    );
    let text = c.ok(&["customers", "show", "DE1"]);
    assert!(
        text.contains("audit trail:") && text.contains("credit_limit_minor"),
        "{text}"
    );

    assert_eq!(
        codes(&c.json(&["customers", "list", "--domestic"])),
        ["CN1"]
    );
    assert_eq!(
        codes(&c.json(&["customers", "list", "--foreign"])),
        ["BR1", "DE1"]
    );
    assert_eq!(
        codes(&c.json(&["customers", "list", "--continent", "americas"])),
        ["BR1"]
    );
    assert_eq!(
        codes(&c.json(&["customers", "list", "--owner", "zhang.min"])),
        ["BR1", "CN1"]
    );
    assert_eq!(
        codes(&c.json(&["customers", "list", "--scale", "大型"])),
        ["CN1"]
    );
    assert_eq!(
        codes(&c.json(&["customers", "list", "--tag", "VIP"])),
        ["DE1"]
    );
    assert_eq!(
        codes(&c.json(&["customers", "list", "--country", "德国"])),
        ["DE1"]
    );
    // never verified, or verified longer ago than stale_after_days (180)
    assert_eq!(
        codes(&c.json(&["customers", "list", "--stale"])),
        ["BR1", "CN1"]
    );

    let table = c.ok(&["customers", "list"]);
    let header = table.lines().next().unwrap();
    assert!(header.starts_with("code  name"), "{table}");
    let name_col = header.find("country").unwrap();
    let cn_line = table.lines().find(|l| l.starts_with("CN1")).unwrap();
    let width = unicode_width::UnicodeWidthStr::width(&cn_line[..cn_line.find("CN ").unwrap()]);
    assert_eq!(
        width, name_col,
        "columns align with Chinese names:\n{table}"
    );
}

#[test]
fn handover_moves_customers_with_their_mail() {
    let c = Company::new();
    c.ok(&[
        "customers",
        "add",
        "DE1",
        "Hansa",
        "--set",
        "owner=li.wei",
        "--set",
        "domains=hansa.de",
    ]);
    c.ok(&[
        "customers",
        "add",
        "DE2",
        "Rhein",
        "--set",
        "owner=li.wei",
        "--set",
        "domains=rhein.de",
    ]);
    c.write("m/a.eml", b"From: a@hansa.de\r\nTo: li.wei@seawind-trade.cn\r\nSubject: order\r\nMessage-ID: <o1@hansa.de>\r\n\r\nx");
    c.ok(&[
        "import",
        "mail",
        c.dir.path().join("m").to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);

    let refused = c.run(&[
        "customers",
        "handover",
        "--from",
        "zhang.min",
        "--to",
        "li.wei",
        "--customer",
        "DE1",
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("owned by 'li.wei'"),
        "{}",
        describe(&refused)
    );

    let moved = c.json(&[
        "customers",
        "handover",
        "--from",
        "li.wei",
        "--to",
        "zhang.min",
    ]);
    assert_eq!(moved["customers"], serde_json::json!(["DE1", "DE2"]));
    assert!(codes(&c.json(&["customers", "list", "--owner", "li.wei"])).is_empty());
    let shown = c.json(&["customers", "show", "DE1"]);
    assert_eq!(shown["owner"], "zhang.min");
    assert_eq!(
        shown["message_count"], 1,
        "the correspondence stays with the customer"
    );
    let last = shown["audit"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["field"].as_str(),
            last["before"].as_str(),
            last["after"].as_str()
        ),
        (Some("owner"), Some("li.wei"), Some("zhang.min"))
    );
}
