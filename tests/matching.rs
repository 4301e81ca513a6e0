//! Matching on a generated corpus with known truth, through the binary: every rule
//! (contact address, thread by In-Reply-To / References and by subject in the window,
//! domain and subdomains, manual rules) and every exception (free-mail, CC to two,
//! internal mail, mailing lists, notification senders, lookalike domains), re-matching
//! after a change, import order, and handover keeping the history.

mod common;

use common::cli::{describe, stderr, Company};
use std::collections::BTreeMap;

/// One test email.
struct Mail<'a> {
    id: &'a str,
    from: &'a str,
    to: &'a str,
    cc: Option<&'a str>,
    subject: &'a str,
    /// Days after 2026-09-01.
    day: i64,
    in_reply_to: Option<&'a str>,
    references: Option<&'a str>,
    extra: &'a str,
}

const BASE: Mail<'static> = Mail {
    id: "",
    from: "",
    to: "li.wei@seawind-trade.cn",
    cc: None,
    subject: "Hello",
    day: 0,
    in_reply_to: None,
    references: None,
    extra: "",
};

fn render(m: &Mail) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 9, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc()
        + chrono::Duration::days(m.day);
    let mut s = format!(
        "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}>\r\n",
        m.from,
        m.to,
        m.subject,
        date.to_rfc2822(),
        m.id
    );
    if let Some(cc) = m.cc {
        s.push_str(&format!("Cc: {cc}\r\n"));
    }
    if let Some(r) = m.in_reply_to {
        s.push_str(&format!("In-Reply-To: <{r}>\r\n"));
    }
    if let Some(r) = m.references {
        s.push_str(&format!("References: {r}\r\n"));
    }
    s.push_str(m.extra);
    s.push_str(
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n",
    );
    s
}

/// Writes `mails` as .eml files under `dir` and imports them into `mailbox`.
fn import(c: &Company, dir: &str, mailbox: &str, mails: &[Mail]) {
    for m in mails {
        c.write(
            &format!("{dir}/{}.eml", m.id.replace('@', "_")),
            render(m).as_bytes(),
        );
    }
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

/// Message-ID → [(customer code, rule, evidence)].
fn filing(c: &Company) -> BTreeMap<String, Vec<(String, String, String)>> {
    let db = c.db();
    let mut out: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    let mut ids = db.prepare("SELECT message_id FROM messages").unwrap();
    for id in ids.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        out.entry(id.unwrap()).or_default();
    }
    let mut stmt = db
        .prepare(
            "SELECT m.message_id, c.code, mc.rule, mc.evidence FROM message_customers mc
             JOIN messages m ON m.id = mc.message_id JOIN customers c ON c.id = mc.customer_id
             ORDER BY m.message_id, c.code",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
        })
        .unwrap();
    for row in rows {
        let (id, m) = row.unwrap();
        out.entry(id).or_default().push(m);
    }
    out
}

fn codes_and_rules(
    f: &BTreeMap<String, Vec<(String, String, String)>>,
    id: &str,
) -> Vec<(String, String)> {
    f.get(id)
        .unwrap_or_else(|| panic!("message {id} not stored"))
        .iter()
        .map(|(c, r, _)| (c.clone(), r.clone()))
        .collect()
}

fn expect(f: &BTreeMap<String, Vec<(String, String, String)>>, id: &str, want: &[(&str, &str)]) {
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(c, r)| (c.to_string(), r.to_string()))
        .collect();
    assert_eq!(
        codes_and_rules(f, id),
        want,
        "message {id}: {:?}",
        f.get(id)
    );
}

/// Flags: Message-ID → [(customer code, sender address)].
fn flags(c: &Company) -> BTreeMap<String, Vec<(String, String)>> {
    let db = c.db();
    let mut stmt = db
        .prepare(
            "SELECT m.message_id, c.code, f.address FROM impersonation_flags f
             JOIN messages m ON m.id = f.message_id JOIN customers c ON c.id = f.customer_id
             ORDER BY 1, 2",
        )
        .unwrap();
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for row in stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
    {
        let (id, code, addr) = row.unwrap();
        out.entry(id).or_default().push((code, addr));
    }
    out
}

fn company_with_customers() -> Company {
    let c = Company::new();
    for args in [
        &[
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
        ][..],
        &[
            "ACME",
            "Acme Corp",
            "--set",
            "domains=acme.com",
            "--set",
            "contact_name=Bob Buyer",
            "--set",
            "contact_email=buyer@acme.com",
            "--set",
            "owner=zhang.min",
        ],
        &[
            "MARIA",
            "María López",
            "--set",
            "contact_name=María López",
            "--set",
            "contact_email=maria.lopez@gmail.com",
            "--set",
            "owner=li.wei",
        ],
        &["IBERIA", "Iberia Hogar S.L.", "--set", "owner=zhang.min"],
    ] {
        let mut full = vec!["customers", "add"];
        full.extend_from_slice(args);
        c.ok(&full);
    }
    c
}

#[test]
fn every_rule_and_exception_on_a_known_corpus() {
    let c = company_with_customers();
    let mails = [
        Mail {
            id: "m1@t",
            from: "Jonas Weber <jonas@hansa-tools.de>",
            subject: "Quotation XR-200B",
            ..BASE
        },
        Mail {
            id: "m2@t",
            from: "anna@eu.hansa-tools.de",
            day: 1,
            ..BASE
        },
        Mail {
            id: "m3@t",
            from: "stranger@gmail.com",
            day: 1,
            ..BASE
        },
        Mail {
            id: "m4@t",
            from: "maria.lopez@gmail.com",
            day: 2,
            ..BASE
        },
        Mail {
            id: "m5@t",
            from: "li.wei@seawind-trade.cn",
            to: "jonas@hansa-tools.de",
            cc: Some("buyer@acme.com, zhang.min@seawind-trade.cn"),
            day: 2,
            ..BASE
        },
        Mail {
            id: "m6@t",
            from: "li.wei@seawind-trade.cn",
            to: "zhang.min@seawind-trade.cn",
            subject: "FW: jonas@hansa-tools.de quotation",
            day: 3,
            ..BASE
        },
        Mail {
            id: "m7@t",
            from: "no-reply@hansa-tools.de",
            day: 3,
            ..BASE
        },
        Mail {
            id: "m8@t",
            from: "news@acme.com",
            extra: "List-Id: <news.acme.com>\r\n",
            day: 3,
            ..BASE
        },
        // Thread by In-Reply-To: a new person at a free-mail address answers m1.
        Mail {
            id: "m9@t",
            from: "kai@outlook.com",
            in_reply_to: Some("m1@t"),
            subject: "Re: Quotation XR-200B",
            day: 4,
            ..BASE
        },
        // Thread by References only.
        Mail {
            id: "m10@t",
            from: "someone@yahoo.de",
            references: Some("<m1@t> <m9@t>"),
            subject: "AW: Quotation",
            day: 5,
            ..BASE
        },
        // The subject rule: ACME's order thread, then a reply from a free-mail address.
        Mail {
            id: "m11@t",
            from: "buyer@acme.com",
            subject: "Order PO-2026-0113 shipment",
            day: 10,
            ..BASE
        },
        Mail {
            id: "m12@t",
            from: "logistics.acme@hotmail.com",
            subject: "RE: AW: order po-2026-0113  shipment",
            day: 15,
            ..BASE
        },
        Mail {
            id: "m13@t",
            from: "late.reply@hotmail.com",
            subject: "回复：Order PO-2026-0113 shipment",
            day: 80,
            ..BASE
        },
        // A subject equal but without reply prefix is not a thread.
        Mail {
            id: "m14@t",
            from: "other@hotmail.com",
            subject: "Order PO-2026-0113 shipment",
            day: 12,
            ..BASE
        },
        // Exact address beats thread: ACME's buyer answers in HANSA's thread.
        Mail {
            id: "m15@t",
            from: "buyer@acme.com",
            in_reply_to: Some("m1@t"),
            subject: "Re: Quotation XR-200B",
            day: 6,
            ..BASE
        },
        // Lookalikes, one of them answering in HANSA's thread (invoice fraud).
        Mail {
            id: "m16@t",
            from: "jonas@hansa-too1s.de",
            in_reply_to: Some("m1@t"),
            subject: "Re: Quotation XR-200B - new bank details",
            day: 7,
            ..BASE
        },
        Mail {
            id: "m17@t",
            from: "billing@acme-co.com",
            day: 7,
            ..BASE
        },
        Mail {
            id: "m18@t",
            from: "buyer@acrne.com",
            day: 7,
            ..BASE
        },
        Mail {
            id: "m19@t",
            from: "buyer@acme.net",
            day: 7,
            ..BASE
        },
        Mail {
            id: "m20@t",
            from: "buyer@xn--cme-5cd.com",
            day: 7,
            ..BASE
        },
        // Not yet known: a domain and a forwarder.
        Mail {
            id: "m21@t",
            from: "info@iberia-hogar.es",
            day: 8,
            ..BASE
        },
        Mail {
            id: "m22@t",
            from: "agent@forwarder-logistics.com",
            day: 8,
            ..BASE
        },
    ];
    import(&c, "mail/inbox", "li.wei", &mails);
    let f = filing(&c);
    expect(&f, "m1@t", &[("HANSA", "contact_address")]);
    expect(&f, "m2@t", &[("HANSA", "domain")]);
    assert_eq!(
        f["m2@t"][0].2, "hansa-tools.de",
        "evidence is the customer domain"
    );
    expect(&f, "m3@t", &[]);
    expect(&f, "m4@t", &[("MARIA", "contact_address")]);
    expect(
        &f,
        "m5@t",
        &[("ACME", "contact_address"), ("HANSA", "contact_address")],
    );
    expect(&f, "m6@t", &[]);
    expect(&f, "m7@t", &[]);
    expect(&f, "m8@t", &[]);
    expect(&f, "m9@t", &[("HANSA", "thread")]);
    assert_eq!(f["m9@t"][0].2, "reply to <m1@t>");
    expect(&f, "m10@t", &[("HANSA", "thread")]);
    expect(&f, "m11@t", &[("ACME", "contact_address")]);
    expect(&f, "m12@t", &[("ACME", "thread_subject")]);
    expect(&f, "m13@t", &[]);
    expect(&f, "m14@t", &[]);
    expect(&f, "m15@t", &[("ACME", "contact_address")]);
    for id in ["m16@t", "m17@t", "m18@t", "m19@t", "m20@t"] {
        expect(&f, id, &[]);
    }
    expect(&f, "m21@t", &[]);
    expect(&f, "m22@t", &[]);

    let fl = flags(&c);
    assert_eq!(
        fl["m16@t"],
        [("HANSA".to_string(), "jonas@hansa-too1s.de".to_string())]
    );
    for id in ["m17@t", "m18@t", "m19@t", "m20@t"] {
        assert_eq!(fl[id].len(), 1, "{id}: {:?}", fl.get(id));
        assert_eq!(fl[id][0].0, "ACME", "{id}");
    }
    assert_eq!(fl.len(), 5, "only the lookalikes are flagged: {fl:?}");
    let suspicious = c.json(&["leads", "list", "--suspicious"]);
    let list = suspicious.as_array().unwrap();
    assert_eq!(list.len(), 5);
    let fraud = list
        .iter()
        .find(|s| s["address"] == "jonas@hansa-too1s.de")
        .unwrap();
    assert_eq!(fraud["customer"], "HANSA");
    assert_eq!(fraud["owner"], "li.wei");
    assert_eq!(fraud["customer_domain"], "hansa-tools.de");
    // Flagged mail is not a lead either.
    let leads = c.json(&["leads", "list"]);
    let keys: Vec<&str> = leads
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    for k in ["acme-co.com", "acrne.com", "acme.net", "hansa-too1s.de"] {
        assert!(!keys.contains(&k), "{k} in {keys:?}");
    }

    // `rematch` recomputes the same filing.
    c.ok(&["rematch"]);
    assert_eq!(filing(&c), f);
    assert_eq!(flags(&c), fl);

    // Adding a domain re-files its mail at once.
    c.ok(&[
        "customers",
        "edit",
        "IBERIA",
        "--set",
        "domains=iberia-hogar.es",
    ]);
    expect(&filing(&c), "m21@t", &[("IBERIA", "domain")]);

    // Manual rules: add, list, remove — each re-files.
    let refused = c.run(&["rules", "add", "gmail.com", "--customer", "ACME"]);
    assert!(!refused.status.success(), "{}", describe(&refused));
    assert!(
        stderr(&refused).contains("free-mail"),
        "{}",
        stderr(&refused)
    );
    let added = c.json(&[
        "rules",
        "add",
        "forwarder-logistics.com",
        "--customer",
        "ACME",
    ]);
    assert_eq!(added["refiled"], 1);
    let f = filing(&c);
    expect(&f, "m22@t", &[("ACME", "manual")]);
    let rule_id = added["rule"]["id"].as_i64().unwrap();
    assert!(f["m22@t"][0].2.starts_with(&format!("rule {rule_id}:")));
    c.ok(&["rules", "add", "stranger@gmail.com", "--customer", "HANSA"]);
    expect(&filing(&c), "m3@t", &[("HANSA", "manual")]);
    let rules = c.json(&["rules", "list"]);
    assert_eq!(rules.as_array().unwrap().len(), 2);
    assert_eq!(rules[0]["pattern"], "forwarder-logistics.com");
    assert_eq!(rules[0]["customer"], "ACME");
    c.ok(&["rules", "remove", &rule_id.to_string()]);
    expect(&filing(&c), "m22@t", &[]);
    assert_eq!(c.json(&["rules", "list"]).as_array().unwrap().len(), 1);
    let missing = c.run(&["rules", "remove", "999"]);
    assert!(stderr(&missing).contains("no matching rule with id 999"));
}

#[test]
fn replies_imported_before_their_thread_are_filed_when_it_arrives() {
    let c = company_with_customers();
    // The sales mailbox's reply chain arrives first; the root sits in the finance mailbox.
    import(
        &c,
        "mail/sales",
        "li.wei",
        &[Mail {
            id: "r2@t",
            from: "jonas.private@gmx.de",
            in_reply_to: Some("r1@t"),
            subject: "Re: Invoice 2026-77",
            day: 3,
            ..BASE
        }],
    );
    expect(&filing(&c), "r2@t", &[]);
    import(
        &c,
        "mail/finance",
        "finance",
        &[Mail {
            id: "r1@t",
            from: "finance@seawind-trade.cn",
            to: "jonas@hansa-tools.de",
            subject: "Invoice 2026-77",
            day: 1,
            ..BASE
        }],
    );
    let f = filing(&c);
    expect(&f, "r1@t", &[("HANSA", "contact_address")]);
    expect(&f, "r2@t", &[("HANSA", "thread")]);
}

#[test]
fn subject_window_is_configurable() {
    let c = company_with_customers();
    let config = std::fs::read_to_string(&c.config).unwrap();
    std::fs::write(
        &c.config,
        format!("{config}\n[matching]\nthread_subject_days = 100\n"),
    )
    .unwrap();
    import(
        &c,
        "mail/inbox",
        "li.wei",
        &[
            Mail {
                id: "s1@t",
                from: "buyer@acme.com",
                subject: "Sample approval",
                ..BASE
            },
            Mail {
                id: "s2@t",
                from: "qc.acme@163.com",
                subject: "Re: Sample approval",
                day: 80,
                ..BASE
            },
        ],
    );
    expect(&filing(&c), "s2@t", &[("ACME", "thread_subject")]);
    std::fs::write(
        &c.config,
        format!("{config}\n[matching]\nthread_subject_days = 0\nlookalike = false\n"),
    )
    .unwrap();
    c.ok(&["rematch"]);
    expect(&filing(&c), "s2@t", &[]);
}

#[test]
fn lookalike_check_can_be_switched_off() {
    let c = company_with_customers();
    let config = std::fs::read_to_string(&c.config).unwrap();
    std::fs::write(
        &c.config,
        format!("{config}\n[matching]\nlookalike = false\n"),
    )
    .unwrap();
    import(
        &c,
        "mail/inbox",
        "li.wei",
        &[Mail {
            id: "x1@t",
            from: "a@acrne.com",
            ..BASE
        }],
    );
    assert!(flags(&c).is_empty());
    expect(&filing(&c), "x1@t", &[]);
}

#[test]
fn handover_keeps_the_whole_history_with_the_customer() {
    let c = company_with_customers();
    import(
        &c,
        "mail/sales",
        "li.wei",
        &[Mail {
            id: "h1@t",
            from: "jonas@hansa-tools.de",
            ..BASE
        }],
    );
    // Mail that only the finance mailbox holds.
    import(
        &c,
        "mail/finance",
        "finance",
        &[Mail {
            id: "h2@t",
            from: "ap@hansa-tools.de",
            to: "finance@seawind-trade.cn",
            subject: "Remittance advice",
            day: 2,
            ..BASE
        }],
    );
    let before = c.json(&["messages", "list", "--customer", "HANSA"]);
    assert_eq!(before.as_array().unwrap().len(), 2);
    c.ok(&[
        "customers",
        "handover",
        "--from",
        "li.wei",
        "--to",
        "zhang.min",
        "--customer",
        "HANSA",
    ]);
    c.ok(&["rematch"]);
    let after = c.json(&["messages", "list", "--customer", "HANSA"]);
    assert_eq!(after, before);
    let detail = c.json(&["customers", "show", "HANSA"]);
    assert_eq!(detail["owner"], "zhang.min");
}

#[test]
fn importing_customers_refiles_their_mail() {
    let c = company_with_customers();
    import(
        &c,
        "mail/inbox",
        "li.wei",
        &[
            Mail {
                id: "i1@t",
                from: "kontakt@nordic-home.se",
                ..BASE
            },
            Mail {
                id: "i2@t",
                from: "erik.private@gmail.com",
                day: 1,
                ..BASE
            },
        ],
    );
    expect(&filing(&c), "i1@t", &[]);
    let csv = "code,name,domains,contact_name,contact_email,owner\n\
               SE1,Nordic Home AB,nordic-home.se,Erik,erik.private@gmail.com,li.wei\n";
    let file = c.write("list.csv", csv.as_bytes());
    c.ok(&["import", "customers", file.to_str().unwrap()]);
    let f = filing(&c);
    expect(&f, "i1@t", &[("SE1", "domain")]);
    expect(&f, "i2@t", &[("SE1", "contact_address")]);
}

#[test]
fn unknown_or_bad_matching_keys_stop_the_config() {
    let c = Company::new();
    let config = std::fs::read_to_string(&c.config).unwrap();
    for (extra, key) in [
        ("[matching]\nthread_window = 3\n", "thread_window"),
        ("[matching.duplicates]\nname = \"maybe\"\n", "maybe"),
        ("[matching.pool]\nlarge_dayz = 3\n", "large_dayz"),
    ] {
        std::fs::write(&c.config, format!("{config}\n{extra}")).unwrap();
        let out = c.run(&["rules", "list"]);
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        assert!(stderr(&out).contains(key), "{}", stderr(&out));
    }
}
