//! Leads (§3) through the binary: unfiled inbound mail grouped by domain (free-mail by
//! address) with counts, dates, country guesses and mailboxes; B2B platform inquiries
//! read from fixtures written after each platform's public notification format; and
//! promotion to a customer with its contacts, re-filing its mail.

mod common;

use common::cli::{describe, stderr, Company};
use serde_json::Value;
use std::path::Path;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/leads"))
}

fn eml(
    id: &str,
    from: &str,
    to: &str,
    date: &str,
    subject: &str,
    extra: &str,
    body: &str,
) -> String {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}>\r\n{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

fn import_dir(c: &Company, dir: &str, mailbox: &str) {
    let path = c.dir.path().join(dir);
    c.ok(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--mailbox",
        mailbox,
        "--json",
    ]);
}

/// A company with one customer, the platform fixtures and a mix of unknown senders.
fn company_with_mail() -> Company {
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
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        c.write(
            &format!("mail/sales/{name}"),
            &std::fs::read(&path).unwrap(),
        );
    }
    let to = "li.wei@seawind-trade.cn";
    let mails = [
        ("n1@t", "Erik Lund <erik@nordic-home.se>", "Mon, 02 Nov 2026 08:00:00 +0000", "Inquiry: ceramic mugs", "", "Hello,\nplease quote.\n\nErik Lund\nNordic Home AB"),
        ("n2@t", "\"Lund, Erik\" <erik@nordic-home.se>", "Fri, 20 Nov 2026 08:00:00 +0000", "Re: ceramic mugs", "", "Any news?"),
        ("n3@t", "Sara Berg <sara@nordic-home.se>", "Tue, 10 Nov 2026 08:00:00 +0000", "Samples", "", "Samples arrived."),
        ("g1@t", "María López <maria.lopez77@gmail.com>", "Wed, 04 Nov 2026 10:00:00 +0000", "Presupuesto", "", "Hola,\nnecesito precio de 500 piezas.\n\nSaludos\nMaría López\nCompras\nMadrid, España\n\n> On Mon, Li Wei wrote:\n> Germany"),
        ("u1@t", "Tom <tom@globex-supply.com>", "Thu, 05 Nov 2026 10:00:00 +0000", "Catalogue", "", "Send your catalogue.\nTom"),
        ("x1@t", "news@some-magazine.com", "Thu, 05 Nov 2026 10:00:00 +0000", "Weekly news", "List-Id: <weekly.some-magazine.com>\r\n", "news"),
        ("x2@t", "no-reply@shipping-portal.com", "Thu, 05 Nov 2026 10:00:00 +0000", "Tracking", "", "tracking"),
        ("x3@t", "jonas@hansa-tools.de", "Thu, 05 Nov 2026 10:00:00 +0000", "Order", "", "order"),
    ];
    for (id, from, date, subject, extra, body) in mails {
        c.write(
            &format!("mail/sales/{}.eml", id.replace('@', "_")),
            eml(id, from, to, date, subject, extra, body).as_bytes(),
        );
    }
    import_dir(&c, "mail/sales", "li.wei");
    // The same buyer also wrote to finance.
    c.write(
        "mail/finance/n4.eml",
        eml(
            "n4@t",
            "erik@nordic-home.se",
            "finance@seawind-trade.cn",
            "Sat, 21 Nov 2026 08:00:00 +0000",
            "Payment terms",
            "",
            "Which terms?",
        )
        .as_bytes(),
    );
    import_dir(&c, "mail/finance", "finance");
    c
}

fn lead<'a>(leads: &'a Value, key: &str) -> &'a Value {
    leads
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == key)
        .unwrap_or_else(|| panic!("no lead {key} in {leads:#}"))
}

#[test]
fn leads_are_grouped_counted_dated_and_placed() {
    let c = company_with_mail();
    let leads = c.json(&["leads", "list"]);
    let keys: Vec<&str> = leads
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "a.kowalska@gmail.com",
            "globex-supply.com",
            "gulfstar-trading.ae",
            "hansa-licht.de",
            "iluminacao-brasil.com.br",
            "maria.lopez77@gmail.com",
            "nordic-home.se",
        ],
        "customers, lists, notifications and platform senders are not leads"
    );
    assert_eq!(keys[0], "nordic-home.se", "most messages first");

    let nordic = lead(&leads, "nordic-home.se");
    assert_eq!(nordic["messages"], 4);
    assert_eq!(nordic["first_date"], "2026-11-02T08:00:00Z");
    assert_eq!(nordic["last_date"], "2026-11-21T08:00:00Z");
    assert_eq!(nordic["country"], "SE");
    assert_eq!(nordic["country_source"], "tld");
    assert_eq!(
        nordic["mailboxes"],
        serde_json::json!(["finance", "li.wei"])
    );
    assert_eq!(nordic["owners"], serde_json::json!(["li.wei", "zhao.lei"]));
    assert_eq!(nordic["free_mail"], false);
    let addresses = nordic["addresses"].as_object().unwrap();
    assert_eq!(addresses.len(), 2);
    assert_eq!(addresses["erik@nordic-home.se"][0], "Erik Lund");

    let maria = lead(&leads, "maria.lopez77@gmail.com");
    assert_eq!(maria["free_mail"], true);
    assert_eq!(
        maria["country"], "ES",
        "from the signature, not the quoted text"
    );
    assert_eq!(maria["country_source"], "signature");

    let globex = lead(&leads, "globex-supply.com");
    assert_eq!(globex["country"], Value::Null);
}

#[test]
fn platform_inquiries_name_the_buyer() {
    let c = company_with_mail();
    let leads = c.json(&["leads", "list"]);
    let cases = [
        (
            "iluminacao-brasil.com.br",
            "alibaba",
            "Iluminação Brasil Ltda",
            "BR",
            "carlos.mendes@iluminacao-brasil.com.br",
            "Carlos Mendes",
        ),
        (
            "gulfstar-trading.ae",
            "made_in_china",
            "Gulf Star Trading LLC",
            "AE",
            "ahmed@gulfstar-trading.ae",
            "Ahmed Al-Farsi",
        ),
        (
            "a.kowalska@gmail.com",
            "global_sources",
            "Polbud Sp. z o.o.",
            "PL",
            "a.kowalska@gmail.com",
            "Ms. Anna Kowalska",
        ),
        (
            "hansa-licht.de",
            "alibaba",
            "Hansa Licht GmbH",
            "DE",
            "jonas.weber@hansa-licht.de",
            "Jonas Weber",
        ),
    ];
    for (key, platform, company, country, email, name) in cases {
        let l = lead(&leads, key);
        assert_eq!(l["platform"], platform, "{key}");
        assert_eq!(l["company"], company, "{key}");
        assert_eq!(l["country"], country, "{key}");
        assert_eq!(l["country_source"], "platform", "{key}");
        assert_eq!(l["messages"], 1, "{key}");
        assert_eq!(l["addresses"][email][0], name, "{key}");
    }
    // A platform lead promoted becomes a customer from that channel, and the notification
    // is filed under it.
    let done = c.json(&[
        "leads",
        "promote",
        "iluminacao-brasil.com.br",
        "--owner",
        "zhang.min",
    ]);
    assert_eq!(done["name"], "Iluminação Brasil Ltda");
    let code = done["code"].as_str().unwrap().to_string();
    let detail = c.json(&["customers", "show", &code]);
    assert_eq!(detail["source"], "alibaba");
    assert_eq!(detail["country"], "BR");
    assert_eq!(detail["owner"], "zhang.min");
    let mails = c.json(&["messages", "list", "--customer", &code]);
    assert_eq!(mails.as_array().unwrap().len(), 1);
    assert!(mails[0]["from"].as_str().unwrap().ends_with("alibaba.com"));
}

#[test]
fn promote_creates_the_customer_with_contacts_and_refiles() {
    let c = company_with_mail();
    let done = c.json(&[
        "leads",
        "promote",
        "nordic-home.se",
        "--owner",
        "Li Wei",
        "--name",
        "Nordic Home AB",
        "--code",
        "SE-NH",
    ]);
    assert_eq!(done["code"], "SE-NH");
    assert_eq!(done["contacts"], 2);
    assert_eq!(done["domains"], serde_json::json!(["nordic-home.se"]));
    let detail = c.json(&["customers", "show", "SE-NH"]);
    assert_eq!(detail["name"], "Nordic Home AB");
    assert_eq!(detail["owner"], "li.wei");
    assert_eq!(detail["country"], "SE");
    let names: Vec<&str> = detail["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Erik Lund", "Sara Berg"]);
    assert_eq!(detail["audit"][0]["field"], "created");
    assert!(detail["audit"][0]["actor"]
        .as_str()
        .unwrap()
        .contains("lead nordic-home.se"));
    // All four messages, from both mailboxes, are now the customer's; the lead is gone.
    let mails = c.json(&["messages", "list", "--customer", "SE-NH"]);
    assert_eq!(mails.as_array().unwrap().len(), 4);
    let leads = c.json(&["leads", "list"]);
    assert!(leads
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["key"] != "nordic-home.se"));

    // A free-mail lead gets its address as a contact and no domain.
    let done = c.json(&[
        "leads",
        "promote",
        "maria.lopez77@gmail.com",
        "--owner",
        "zhang.min",
    ]);
    assert_eq!(done["domains"], serde_json::json!([]));
    assert_eq!(done["name"], "María López");
    let code = done["code"].as_str().unwrap();
    assert_eq!(
        c.json(&["messages", "list", "--customer", code])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Unknown lead, taken code, unknown owner: clear errors, nothing written.
    let out = c.run(&["leads", "promote", "nowhere.example", "--owner", "li.wei"]);
    assert!(
        stderr(&out).contains("no lead 'nowhere.example'"),
        "{}",
        describe(&out)
    );
    let out = c.run(&[
        "leads",
        "promote",
        "globex-supply.com",
        "--owner",
        "li.wei",
        "--code",
        "HANSA",
    ]);
    assert!(
        stderr(&out).contains("code 'HANSA' is taken"),
        "{}",
        describe(&out)
    );
    let out = c.run(&["leads", "promote", "globex-supply.com", "--owner", "ghost"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("ghost"), "{}", describe(&out));
    assert!(c
        .json(&["leads", "list"])
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["key"] == "globex-supply.com"));
}

#[test]
fn promote_runs_the_duplicate_check() {
    let c = company_with_mail();
    let config = std::fs::read_to_string(&c.config).unwrap();
    std::fs::write(
        &c.config,
        format!("{config}\n[matching.duplicates]\nname = \"block\"\n"),
    )
    .unwrap();
    // "Hansa Licht GmbH" from Alibaba vs an existing "HANSA LICHT Co., Ltd." owned by zhang.min.
    c.ok(&[
        "customers",
        "add",
        "HL",
        "HANSA LICHT Co., Ltd.",
        "--set",
        "owner=zhang.min",
    ]);
    let out = c.run(&["leads", "promote", "hansa-licht.de", "--owner", "li.wei"]);
    assert!(!out.status.success(), "{}", describe(&out));
    let err = stderr(&out);
    assert!(
        err.contains("HL") && err.contains("zhang.min") && err.contains("name"),
        "{err}"
    );
}
