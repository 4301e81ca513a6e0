//! The public pool (公海) on fixed clocks (`--now`): return after N days without two-way
//! correspondence per scale class, the warning before, the locked exemption, claim caps
//! per owner and per month, the former owner's wait, and the audit trail.

mod common;

use common::cli::{describe, stderr, Company};

const POOL: &str = "
[matching.pool]
large_days = 90
medium_days = 60
small_days = 45
warn_days_before = 7
max_owned = 4
max_claims_per_month = 2
reclaim_wait_days = 30
";

fn eml(id: &str, from: &str, to: &str, date: &str, reply_to: Option<&str>) -> String {
    let irt = reply_to.map_or(String::new(), |r| format!("In-Reply-To: <{r}>\r\n"));
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: Order\r\nDate: {date}\r\nMessage-ID: <{id}>\r\n{irt}\r\nbody\r\n"
    )
}

fn setup() -> Company {
    let c = Company::new();
    let config = std::fs::read_to_string(&c.config).unwrap();
    std::fs::write(&c.config, format!("{config}{POOL}")).unwrap();
    for args in [
        &[
            "S1",
            "Answered Ltd",
            "--set",
            "scale=small",
            "--set",
            "owner=li.wei",
            "--set",
            "contact_name=Sam",
            "--set",
            "contact_email=sam@answered.com",
        ][..],
        &[
            "S2",
            "Silent Ltd",
            "--set",
            "scale=small",
            "--set",
            "owner=li.wei",
        ],
        &[
            "S3",
            "One Way Ltd",
            "--set",
            "scale=small",
            "--set",
            "owner=li.wei",
            "--set",
            "contact_name=Oz",
            "--set",
            "contact_email=oz@oneway.com",
        ],
        &[
            "L1",
            "Big Silent Inc",
            "--set",
            "scale=large",
            "--set",
            "owner=li.wei",
        ],
        &[
            "M1",
            "Locked GmbH",
            "--set",
            "scale=medium",
            "--set",
            "owner=zhang.min",
        ],
        &["P1", "Nobody's Co"],
    ] {
        let mut full = vec!["customers", "add"];
        full.extend_from_slice(args);
        c.ok(&full);
    }
    // A fixed start for every customer's clock.
    c.db()
        .execute(
            "UPDATE customers SET created_at = '2026-01-01T00:00:00Z'",
            [],
        )
        .unwrap();
    let mails = [
        (
            "o1@t",
            "li.wei@seawind-trade.cn",
            "sam@answered.com",
            "Sat, 10 Jan 2026 09:00:00 +0000",
            None,
        ),
        (
            "i1@t",
            "sam@answered.com",
            "li.wei@seawind-trade.cn",
            "Tue, 20 Jan 2026 09:00:00 +0000",
            Some("o1@t"),
        ),
        (
            "i2@t",
            "oz@oneway.com",
            "li.wei@seawind-trade.cn",
            "Sun, 25 Jan 2026 09:00:00 +0000",
            None,
        ),
    ];
    for (id, from, to, date, reply) in mails {
        c.write(
            &format!("mail/{}.eml", id.replace('@', "_")),
            eml(id, from, to, date, reply).as_bytes(),
        );
    }
    c.ok(&[
        "import",
        "mail",
        c.dir.path().join("mail").to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);
    c.ok(&["pool", "lock", "M1"]);
    c
}

fn sweep(c: &Company, now: &str) -> serde_json::Value {
    c.json(&["pool", "sweep", "--now", now])
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x[0].as_str().unwrap().to_string())
        .collect()
}

fn owner(c: &Company, code: &str) -> serde_json::Value {
    c.json(&["customers", "show", code])["owner"].clone()
}

#[test]
fn recycling_warnings_exemptions_caps_and_waits() {
    let c = setup();
    // Due: S2 and S3 (one-way mail does not count) on 02-15, S1 on 03-06 09:00 (45 days
    // after the answer of 01-20 09:00), L1 on 04-01; M1 is locked.
    let r = sweep(&c, "2026-02-07");
    assert!(
        codes(&r["warned"]).is_empty() && codes(&r["returned"]).is_empty(),
        "{r}"
    );
    let r = sweep(&c, "2026-02-09");
    assert_eq!(codes(&r["warned"]), ["S2", "S3"]);
    assert_eq!(r["warned"][0][1], "li.wei");
    assert!(
        codes(&sweep(&c, "2026-02-10")["warned"]).is_empty(),
        "warned once"
    );
    let r = sweep(&c, "2026-02-15");
    assert_eq!(codes(&r["returned"]), ["S2", "S3"]);
    assert_eq!(owner(&c, "S2"), serde_json::Value::Null);
    assert_eq!(owner(&c, "S1"), "li.wei");
    let r = sweep(&c, "2026-03-06");
    assert_eq!(codes(&r["warned"]), ["S1"]);
    assert!(
        codes(&r["returned"]).is_empty(),
        "due at 09:00, the time of the answer"
    );
    let r = sweep(&c, "2026-03-07");
    assert_eq!(codes(&r["returned"]), ["S1"]);
    let r = sweep(&c, "2026-04-01");
    assert_eq!(codes(&r["returned"]), ["L1"]);
    assert!(codes(&sweep(&c, "2027-01-01")["returned"]).is_empty());
    assert_eq!(
        owner(&c, "M1"),
        "zhang.min",
        "locked customers never return"
    );

    let pool = c.json(&["pool", "list"]);
    let entry = pool
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "S2")
        .unwrap();
    assert_eq!(entry["former_owner"], "li.wei");
    assert!(pool.as_array().unwrap().iter().any(|p| p["code"] == "P1"));

    // The former owner waits 30 days (S3 left li.wei on 02-15).
    let out = c.run(&[
        "pool",
        "claim",
        "S3",
        "--user",
        "li.wei",
        "--now",
        "2026-03-10",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("former owner"), "{}", describe(&out));
    c.ok(&[
        "pool",
        "claim",
        "S3",
        "--user",
        "li.wei",
        "--now",
        "2026-04-05",
    ]);
    assert_eq!(owner(&c, "S3"), "li.wei");

    // Claims per month: two in April for zhang.min; the third waits for May.
    c.ok(&[
        "pool",
        "claim",
        "S2",
        "--user",
        "zhang.min",
        "--now",
        "2026-04-10",
    ]);
    c.ok(&[
        "pool",
        "claim",
        "S1",
        "--user",
        "zhang.min",
        "--now",
        "2026-04-11",
    ]);
    let out = c.run(&[
        "pool",
        "claim",
        "P1",
        "--user",
        "zhang.min",
        "--now",
        "2026-04-12",
    ]);
    assert!(
        stderr(&out).contains("this month, the cap is 2"),
        "{}",
        describe(&out)
    );
    // Owned cap: M1, S2, S1 and P1 = 4.
    c.ok(&[
        "pool",
        "claim",
        "P1",
        "--user",
        "zhang.min",
        "--now",
        "2026-05-02",
    ]);
    let out = c.run(&[
        "pool",
        "claim",
        "L1",
        "--user",
        "zhang.min",
        "--now",
        "2026-05-03",
    ]);
    assert!(
        stderr(&out).contains("already owns 4"),
        "{}",
        describe(&out)
    );
    c.ok(&[
        "pool",
        "release",
        "S1",
        "--user",
        "zhang.min",
        "--now",
        "2026-05-03",
    ]);
    c.ok(&[
        "pool",
        "claim",
        "L1",
        "--user",
        "zhang.min",
        "--now",
        "2026-05-03",
    ]);
    assert_eq!(owner(&c, "L1"), "zhang.min");
    // Only the owner releases; a customer in the pool is not claimed twice.
    let out = c.run(&["pool", "release", "P1", "--user", "li.wei"]);
    assert!(
        stderr(&out).contains("owned by zhang.min"),
        "{}",
        describe(&out)
    );
    let out = c.run(&["pool", "claim", "P1", "--user", "li.wei"]);
    assert!(
        stderr(&out).contains("not in the pool"),
        "{}",
        describe(&out)
    );

    // Every move is in the audit trail.
    let audit = c.json(&["customers", "show", "S2"])["audit"].clone();
    let owner_moves: Vec<(String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["field"] == "owner")
        .map(|a| {
            (
                a["before"].as_str().unwrap_or("∅").to_string(),
                a["after"].as_str().unwrap_or("∅").to_string(),
            )
        })
        .collect();
    assert_eq!(
        owner_moves,
        [
            ("li.wei".into(), "∅".into()),
            ("∅".into(), "zhang.min".into())
        ]
    );
}

#[test]
fn the_pool_is_off_unless_configured() {
    let c = Company::new();
    let out = c.run(&["pool", "list"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("public pool (公海) is off"),
        "{}",
        describe(&out)
    );
}

#[test]
fn open_tickets_and_outstanding_invoices_keep_a_customer_and_owners_are_mailed() {
    let c = setup();
    let db = c.db();
    let id = |code: &str| -> i64 {
        db.query_row("SELECT id FROM customers WHERE code = ?1", [code], |r| {
            r.get(0)
        })
        .unwrap()
    };
    // S2: an open complaint ticket. S3: an invoice due 02-04, unpaid.
    db.execute(
        "INSERT INTO tickets (customer_id, status, number, category, severity, opened_at, updated_at)
         VALUES (?1, 'investigating', 'T-2026-0042', 'quality', 'normal',
                 '2026-01-20T00:00:00Z', '2026-01-20T00:00:00Z')",
        [id("S2")],
    )
    .unwrap();
    db.execute(
        "INSERT INTO invoices (number, customer_id, currency, amount_minor, issue_date, due_date, imported_at)
         VALUES ('INV-77', ?1, 'USD', 125000, '2026-01-05', '2026-02-04', '2026-01-05T00:00:00Z')",
        [id("S3")],
    )
    .unwrap();

    // 02-09 would warn S2 and S3, 02-15 return them: both stay, each with its reason.
    for day in ["2026-02-09", "2026-02-15"] {
        let r = sweep(&c, day);
        assert!(
            codes(&r["warned"]).is_empty() && codes(&r["returned"]).is_empty(),
            "{day}: {r}"
        );
        let kept: Vec<(String, String)> = r["kept"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                (
                    k[0].as_str().unwrap().to_string(),
                    k[2].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            kept,
            [
                ("S2".to_string(), "open ticket T-2026-0042".to_string()),
                ("S3".to_string(), "invoice INV-77 outstanding".to_string())
            ],
            "{day}"
        );
    }
    assert_eq!(owner(&c, "S2"), "li.wei");
    assert_eq!(owner(&c, "S3"), "li.wei");

    // The ticket is closed and the invoice paid in full: both return at the next sweep.
    db.execute("UPDATE tickets SET status = 'closed'", [])
        .unwrap();
    db.execute(
        "INSERT INTO payments (reference, customer_id, date, currency, amount_minor, imported_at)
         VALUES ('PAY-1', ?1, '2026-02-10', 'USD', 125000, '2026-02-10T00:00:00Z')",
        [id("S3")],
    )
    .unwrap();
    db.execute(
        "INSERT INTO payment_allocations (payment_id, invoice_id, amount_minor)
         SELECT p.id, i.id, 125000 FROM payments p, invoices i WHERE p.reference = 'PAY-1'",
        [],
    )
    .unwrap();
    let r = sweep(&c, "2026-02-16");
    assert_eq!(codes(&r["returned"]), ["S2", "S3"], "{r}");
    assert!(r["kept"].as_array().unwrap().is_empty(), "{r}");

    // Each return is one internal email to the owner in the outbox, queued once.
    let notices = || -> Vec<(String, String)> {
        let mut stmt = db
            .prepare("SELECT key, to_addrs FROM outbox WHERE purpose = 'pool_notice' ORDER BY key")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let queued = notices();
    assert_eq!(
        queued.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["pool-returned/S2/2026-02-16", "pool-returned/S3/2026-02-16"]
    );
    assert!(
        queued.iter().all(|(_, to)| to.contains("li.wei@")),
        "{queued:?}"
    );
    sweep(&c, "2026-02-16");
    assert_eq!(notices().len(), 2, "a second sweep queues nothing twice");
}
