//! Hostile input (issue 9): regression fixtures written from what `scripts/torture-check`
//! found in the MIME torture corpus. A message that cannot be parsed is kept raw with its
//! error and does not stop the rest of the import; bare-CR mail is parsed.

mod common;

use common::cli::Company;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/torture/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn bare_cr_mail_parses_and_unparseable_mail_is_kept_raw_without_stopping_the_import() {
    let c = Company::new();
    // The unparseable file sorts first, so the others come after it.
    for name in ["no-headers.eml", "mac-cr-only.eml", "ordinary.eml"] {
        c.write(&format!("import/a/{name}"), &fixture(name));
    }
    let dir = c.dir.path().join("import/a");
    let report = c.json(&[
        "import",
        "mail",
        dir.to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);
    assert_eq!(report["read"], 3, "{report:#}");
    assert_eq!(report["new_messages"], 2, "{report:#}");
    assert_eq!(report["kept_raw"], 1, "{report:#}");

    let db = c.db();
    let subject: String = db
        .query_row(
            "SELECT subject FROM messages WHERE message_id = 'mac-cr-only-1@hansa-tools.de'",
            [],
            |r| r.get(0),
        )
        .expect("the bare-CR message is stored under its Message-ID");
    assert_eq!(subject, "货物损坏 damaged pallets");
    let (error, raw): (String, Vec<u8>) = db
        .query_row(
            "SELECT error, raw FROM unparsed_messages WHERE mailbox = 'li.wei'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(error.contains("not an email"), "{error}");
    assert_eq!(raw, fixture("no-headers.eml"), "kept byte for byte");

    // Importing again stores nothing twice.
    let again = c.json(&[
        "import",
        "mail",
        dir.to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);
    assert_eq!(again["kept_raw"], 0, "{again:#}");
    let n: i64 = db
        .query_row("SELECT count(*) FROM unparsed_messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn bare_cr_is_only_rewritten_when_no_line_feed_is_present() {
    use tradewind::parse::bare_cr_to_crlf;
    assert_eq!(
        bare_cr_to_crlf(b"Subject: a\rFrom: b\r\rx\r").as_deref(),
        Some(&b"Subject: a\r\nFrom: b\r\n\r\nx\r\n"[..])
    );
    assert_eq!(bare_cr_to_crlf(b"Subject: a\r\nFrom: b\r\n\r\nx\r"), None);
    assert_eq!(bare_cr_to_crlf(b"Subject: a\nFrom: b\n"), None);
    let parsed = tradewind::parse::parse_mail(&fixture("mac-cr-only.eml")).unwrap();
    assert!(
        parsed.body_text.contains("货物损坏"),
        "{}",
        parsed.body_text
    );
    assert_eq!(parsed.from().unwrap().address, "hans@hansa-tools.de");
}

#[test]
fn a_date_beyond_what_the_index_can_hold_is_dropped_and_the_message_stays_searchable() {
    let c = Company::new();
    c.write("import/a/year-3000.eml", &fixture("year-3000.eml"));
    let dir = c.dir.path().join("import/a");
    let report = c.json(&[
        "import",
        "mail",
        dir.to_str().unwrap(),
        "--mailbox",
        "li.wei",
    ]);
    assert_eq!(report["new_messages"], 1, "{report:#}");
    let date: Option<String> = c
        .db()
        .query_row(
            "SELECT date FROM messages WHERE message_id = 'year-3000-1@hansa-tools.de'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(date, None, "an implausible date is not kept");
    let hits = c.json(&["search", "XR-200B"]);
    assert_eq!(hits["total"], 1, "{hits:#}");
    assert_eq!(hits["hits"][0]["subject"], "Far future date 远期日期");
}
