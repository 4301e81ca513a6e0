//! The README's first command: `tradewind demo` builds a sample company from nothing.

mod common;

use common::cli::{describe, tradewind};

#[test]
fn demo_imports_the_sample_company_and_shows_matches() {
    let dir = tempfile::tempdir().unwrap();
    let out = tradewind(&["demo", "--dir", "demo"], dir.path());
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("customers.csv: create 5"), "{stdout}");
    assert!(
        stdout.contains("customers-gbk.csv: create 5, update 0, unchanged 0, rejected rows 0"),
        "{stdout}"
    );
    assert!(
        stdout.contains("customers with the most correspondence:"),
        "{stdout}"
    );
    assert!(stdout.contains("try next:"), "{stdout}");

    let db = rusqlite::Connection::open(dir.path().join("demo/data/tradewind.db")).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert!(count("SELECT COUNT(*) FROM customers") >= 55);
    assert!(count("SELECT COUNT(*) FROM messages") >= 250);
    assert!(
        count("SELECT COUNT(*) FROM (SELECT message_id FROM message_locations GROUP BY message_id HAVING COUNT(*) > 1)") >= 12,
        "the same email in two mailboxes is one message with two locations"
    );
    assert!(
        count("SELECT COUNT(DISTINCT message_id) FROM message_customers") * 10
            >= count("SELECT COUNT(*) FROM messages") * 7
    );
    assert_eq!(count("SELECT COUNT(*) FROM message_customers mc JOIN messages m ON m.id = mc.message_id WHERE m.direction = 'internal'"), 0);
    assert!(
        count("SELECT COUNT(*) FROM messages WHERE body_text LIKE '%质量问题%'") >= 1,
        "GBK complaint decoded"
    );
    // §6: the sample's complaints became tickets, and only they (no payment or survey replies).
    let tickets: Vec<String> = db
        .prepare("SELECT c.code || ':' || t.category FROM tickets t JOIN customers c ON c.id = t.customer_id ORDER BY c.code")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        tickets,
        ["CA-001:quality", "CN-003:quality", "DE-001:transit_damage"]
    );
    assert!(
        stdout.contains("complaint tickets opened from the mail"),
        "{stdout}"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM messages WHERE subject LIKE '%�%' OR body_text LIKE '%�%'"),
        0,
        "no mojibake"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM customers WHERE code LIKE 'CN-1%' AND owner IS NOT NULL"),
        5,
        "owners named 陈静 in the GBK file resolve to logins"
    );

    // Running it again replaces the earlier demo instead of piling onto it.
    let again = tradewind(&["demo", "--dir", "demo"], dir.path());
    assert!(again.status.success(), "{}", describe(&again));
    let db = rusqlite::Connection::open(dir.path().join("demo/data/tradewind.db")).unwrap();
    let audit: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE field != 'created'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audit, 0, "a fresh data dir, not a re-import");

    // It refuses to wipe a directory it did not make.
    std::fs::create_dir_all(dir.path().join("mine")).unwrap();
    std::fs::write(dir.path().join("mine/notes.txt"), "keep me").unwrap();
    let out = tradewind(&["demo", "--dir", "mine"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(dir.path().join("mine/notes.txt").exists());
}
