//! The duplicate check (查重) through the binary: names in several languages and legal
//! forms, mail domain (full address for free-mail), phone in E.164, website; `warn`,
//! `block` and `ignore` on `customers add` and on `import customers` (per row, also
//! between rows of one file).

mod common;

use common::cli::{describe, stderr, Company};

fn company(modes: &str) -> Company {
    let c = Company::new();
    if !modes.is_empty() {
        let config = std::fs::read_to_string(&c.config).unwrap();
        std::fs::write(
            &c.config,
            format!("{config}\n[matching.duplicates]\n{modes}\n"),
        )
        .unwrap();
    }
    for args in [
        &[
            "DE1",
            "Hansa Tools GmbH",
            "--set",
            "country=DE",
            "--set",
            "phone=040 123456",
            "--set",
            "website=https://www.hansa-tools.de/",
            "--set",
            "domains=hansa-tools.de",
            "--set",
            "owner=li.wei",
        ][..],
        &["CN1", "宁波海风贸易有限公司", "--set", "owner=zhang.min"],
        &["RU1", "ООО «Ромашка»", "--set", "owner=zhang.min"],
        &["ES1", "Iberia Hogar, S.L.", "--set", "owner=li.wei"],
        &[
            "MX1",
            "Compras Norte",
            "--set",
            "contact_name=Ana",
            "--set",
            "contact_email=compras.mx@gmail.com",
            "--set",
            "owner=li.wei",
        ],
    ] {
        let mut full = vec!["customers", "add"];
        full.extend_from_slice(args);
        c.ok(&full);
    }
    c
}

fn exists(c: &Company, code: &str) -> bool {
    c.run(&["customers", "show", code]).status.success()
}

#[test]
fn block_names_the_colliding_record_and_its_owner() {
    let c = company("name = \"block\"\ndomain = \"block\"\nphone = \"block\"\nwebsite = \"block\"");
    let cases: [(&str, &[&str], &str, &str); 9] = [
        ("X1", &["HANSA-TOOLS GmbH & Co. KG"], "DE1", "name"),
        ("X2", &["Hansa Tools Ltd."], "DE1", "name"),
        ("X3", &["宁波海风股份有限公司"], "CN1", "name"),
        ("X4", &["Ромашка"], "RU1", "name"),
        ("X5", &["Iberia Hogar SL"], "ES1", "name"),
        (
            "X6",
            &["Someone Else", "--set", "phone=+49 (0)40 123-456"],
            "DE1",
            "phone",
        ),
        (
            "X7",
            &["Someone Else 2", "--set", "website=hansa-tools.de/en"],
            "DE1",
            "website",
        ),
        (
            "X8",
            &[
                "Someone Else 3",
                "--set",
                "contact_name=Jo",
                "--set",
                "contact_email=jo@hansa-tools.de",
            ],
            "DE1",
            "domain",
        ),
        (
            "X9",
            &[
                "Someone Else 4",
                "--set",
                "contact_name=Jo",
                "--set",
                "contact_email=compras.mx@gmail.com",
            ],
            "MX1",
            "domain",
        ),
    ];
    for (code, rest, existing, key) in cases {
        let mut args = vec!["customers", "add", code];
        args.extend_from_slice(rest);
        let out = c.run(&args);
        assert!(
            !out.status.success(),
            "{code} should be blocked: {}",
            describe(&out)
        );
        let err = stderr(&out);
        let owner = if ["CN1", "RU1"].contains(&existing) {
            "zhang.min"
        } else {
            "li.wei"
        };
        assert!(
            err.contains(&format!("same {key}")) && err.contains(existing) && err.contains(owner),
            "{code}: {err}"
        );
        assert!(!exists(&c, code), "{code} must not be created");
    }
    // Different companies pass: another free-mail address, another name, a phone elsewhere.
    c.ok(&[
        "customers",
        "add",
        "OK1",
        "Hansa Licht GmbH",
        "--set",
        "contact_name=Al",
        "--set",
        "contact_email=other@gmail.com",
        "--set",
        "country=AT",
        "--set",
        "phone=040 123456",
    ]);
    assert!(exists(&c, "OK1"));
}

#[test]
fn warn_adds_and_says_so_ignore_is_silent() {
    let c = company("phone = \"ignore\"");
    let out = c.run(&["customers", "add", "W1", "Hansa Tools Limited"]);
    assert!(out.status.success(), "{}", describe(&out));
    let err = stderr(&out);
    assert!(
        err.contains("possible duplicate") && err.contains("DE1") && err.contains("li.wei"),
        "{err}"
    );
    assert!(exists(&c, "W1"));
    let out = c.run(&[
        "customers",
        "add",
        "W2",
        "Unrelated",
        "--set",
        "country=DE",
        "--set",
        "phone=+4940123456",
    ]);
    assert!(out.status.success());
    assert!(!stderr(&out).contains("duplicate"), "{}", stderr(&out));
}

#[test]
fn import_reports_duplicates_per_row() {
    let csv = "code,name,country,phone,domains,owner\n\
               N1,HANSA TOOLS GMBH,DE,,,li.wei\n\
               N2,Polbud Sp. z o.o.,PL,+48 22 555 0101,polbud.pl,zhang.min\n\
               N3,POLBUD,PL,,,li.wei\n\
               N4,Casa Bella S.r.l.,IT,,,li.wei\n\
               DE1,Hansa Tools GmbH,DE,,,li.wei\n";

    // block on names: rows 2 (existing DE1) and 4 (row 3 of the same file) are rejected;
    // DE1 itself is an update, not a duplicate.
    let c = company("name = \"block\"");
    let file = c.write("list.csv", csv.as_bytes());
    let report = c.json(&["import", "customers", file.to_str().unwrap()]);
    let created: Vec<&str> = report["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(created, ["N2", "N4"]);
    let errors = report["errors"].as_array().unwrap();
    let rows: Vec<(i64, &str)> = errors
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(rows, [(2, "name"), (4, "name")]);
    assert!(errors[0]["reason"].as_str().unwrap().contains("DE1"));
    assert!(errors[1]["reason"].as_str().unwrap().contains("N2"));
    assert!(errors[1]["reason"].as_str().unwrap().contains("zhang.min"));
    assert!(!exists(&c, "N1") && !exists(&c, "N3"));
    // Without --json the command fails and names the rows.
    let out = c.run(&["import", "customers", file.to_str().unwrap(), "--dry-run"]);
    assert!(!out.status.success());

    // warn: every row goes in, each duplicate reported with its row.
    let c = company("");
    let file = c.write("list.csv", csv.as_bytes());
    let report = c.json(&["import", "customers", file.to_str().unwrap()]);
    assert_eq!(report["created"].as_array().unwrap().len(), 4);
    assert!(report["errors"].as_array().unwrap().is_empty());
    let dups: Vec<(i64, &str, &str)> = report["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["row"].as_i64().unwrap(),
                d["existing_code"].as_str().unwrap(),
                d["mode"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(dups, [(2, "DE1", "warn"), (4, "N2", "warn")]);
    let out = c.run(&[
        "import",
        "customers",
        c.dir.path().join("list.csv").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", describe(&out));
}
