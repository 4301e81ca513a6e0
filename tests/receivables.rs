//! Receivables, credit and dunning through the binary (issue 7): ledger imports (CSV UTF-8,
//! GBK with Chinese headers, XLSX; per-row errors; idempotent re-import), the definitions
//! pinned against figures computed by hand, statements, credit limits and holds, the
//! payment-fraud watch on imported mail, and dunning levels, pauses and stops on fixed dates.
//!
//! The fixture, as of D = 2028-03-31 (2028 is a leap year), base currency CNY, rates:
//! USD 7.0 from 2028-01-01 and 7.2 from 2028-03-01 (rates file), EUR 7.5 (config, fixed),
//! JPY 0.05 from 2028-01-01 (rates file).
//!
//! | invoice | customer | cur | amount     | issued     | due                 | settled ≤ D                     | open at D  | dpd | bucket  |
//! |---------|----------|-----|------------|------------|---------------------|---------------------------------|------------|-----|---------|
//! | A1      | C001     | USD | 10,000.00  | 2027-12-01 | 2028-01-31 (m. end) | P1 3,000 02-10, P2 2,000 03-15  | 5,000.00   | 60  | 31-60   |
//! | A2      | C001     | USD | 5,000.00   | 2028-01-30 | NET 30 → 2028-02-29 | P3 1,000 03-20                  | 4,000.00   | 31  | 31-60   |
//! | A3      | C001     | USD | 2,000.00   | 2028-02-15 | 2028-03-31          | P3 500 03-20 (P4 1,500 04-05)   | 1,500.00   | 0   | not due |
//! | A4      | C001     | EUR | 3,000.00   | 2028-01-15 | 2028-03-01          | credit note 500 03-10           | 2,500.00   | 30  | 1-30    |
//! | B1      | C002     | CNY | 100,000.00 | 2027-10-01 | 2027-12-01          | write-off 40,000 03-25          | 60,000.00  | 121 | >120    |
//! | B2      | C002     | CNY | 50,000.00  | 2027-11-01 | 2027-12-02          |                                 | 50,000.00  | 120 | 91-120  |
//! | B3      | C002     | CNY | 20,000.00  | 2027-12-01 | 2027-12-31          |                                 | 20,000.00  | 91  | 91-120  |
//! | B4      | C002     | CNY | 8,000.00   | 2027-12-01 | 2028-01-01          |                                 | 8,000.00   | 90  | 61-90   |
//! | B5      | C002     | CNY | 6,000.00   | 2028-01-01 | 2028-01-30          |                                 | 6,000.00   | 61  | 61-90   |
//! | B6      | C002     | CNY | 4,000.00   | 2028-03-01 | 2028-03-30          |                                 | 4,000.00   | 1   | 1-30    |
//! | J1      | C003     | JPY | 1,000,000  | 2028-03-01 | 月结30天 → 04-30    |                                 | 1,000,000  | -30 | not due |

mod common;

use common::cli::{describe, stderr, Company, CONFIG};
use serde_json::Value;

const EXTRA: &str = r#"
[[users]]
login = "liu.yang"
name = "Liu Yang 刘洋"
email = "liu.yang@seawind-trade.cn"
role = "manager"

[credit]
base_currency = "CNY"
hold_overdue_days = 90
[credit.rates]
EUR = "7.5"

[dunning]
sales_manager = "liu.yang"
bank_details = ["Bank of China, Ningbo Branch", "SWIFT: BKCHCNBJ92A", "Account: 3581 0000 1234"]
thank_you = true
"#;

const CUSTOMERS: &str = "code,name,owner,domains,contact_name,contact_email,contact_language\n\
C001,Hansa Tools GmbH,li.wei,hansa-tools.de,Jonas Weber,jonas.weber@hansa-tools.de,de\n\
C002,上海贸易有限公司,zhang.min,shmaoyi.cn,王强,wang.qiang@shmaoyi.cn,zh\n\
C003,Osaka Kogyo KK,li.wei,osaka-kogyo.jp,Sato Ken,sato@osaka-kogyo.jp,ja\n";

const INVOICES: &str = "Invoice No.,Customer Code,Currency,Amount,Invoice Date,Due Date,Payment Terms,PI/PO,Salesperson\n\
A1,C001,USD,\"10,000.00\",2027-12-01,2028-01-31,,PI-881,li.wei\n\
A2,C001,USD,5000,2028-01-30,,NET 30,PO-4471,li.wei\n\
A3,C001,USD,2000.00,2028/02/15,2028-03-31,,,li.wei\n\
A4,C001,EUR,3000,2028-01-15,2028-03-01,,PI-900,li.wei\n\
J1,C003,JPY,1000000,2028-03-01,,月结30天,PI-J1,li.wei\n";

/// C002's invoices, as Chinese Excel saves a CSV: GBK with Chinese headers.
const INVOICES_ZH: &str = "发票号,客户编号,币种,金额,开票日期,到期日,付款条件,合同号,业务员\n\
B1,C002,人民币,100000.00,2027-10-01,2027-12-01,,HT-01,zhang.min\n\
B2,C002,CNY,50000,2027年11月1日,2027-12-02,,HT-02,zhang.min\n\
B3,C002,CNY,20000,2027-12-01,,30天,HT-03,zhang.min\n\
B4,C002,CNY,8000,2027-12-01,2028-01-01,,,zhang.min\n\
B5,C002,CNY,6000,2028-01-01,2028-01-30,,,zhang.min\n\
B6,C002,CNY,4000,2028-03-01,2028-03-30,,,zhang.min\n";

const RATES: &str =
    "currency,date,rate\nUSD,2028-01-01,7.0\nUSD,2028-03-01,7.2\nJPY,2028-01-01,0.05\n";

const CREDIT_NOTES: &str =
    "credit_note,invoice,amount,date,reason\nCN-1,A4,500.00,2028-03-10,damaged cartons\n";

const WRITE_OFFS: &str = "坏账编号,发票号,金额,日期,原因\nWO-1,B1,40000,2028-03-25,客户破产清算\n";

fn company() -> Company {
    let c = Company::new();
    std::fs::write(&c.config, format!("{CONFIG}{EXTRA}")).unwrap();
    let csv = c.write("customers.csv", CUSTOMERS.as_bytes());
    c.ok(&["import", "customers", csv.to_str().unwrap()]);
    c
}

/// Payments as an XLSX workbook: one row per allocation; P3 spans two invoices.
fn payments_xlsx(c: &Company) -> std::path::PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: [[&str; 5]; 6] = [
        ["收款单号", "发票号", "核销金额", "收款日期", "币种"],
        ["P1", "A1", "3000", "2028-02-10", "USD"],
        ["P2", "A1", "2000.00", "2028-03-15", "USD"],
        ["P3", "A2", "1000", "2028-03-20", "USD"],
        ["P3", "A3", "500", "2028-03-20", "USD"],
        ["P4", "A3", "1500", "2028-04-05", "USD"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (col, v) in row.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) if r > 0 && col == 2 => {
                    sheet.write_number(r as u32, col as u16, n).map(|_| ())
                }
                _ => sheet.write_string(r as u32, col as u16, *v).map(|_| ()),
            }
            .unwrap();
        }
    }
    let path = c.dir.path().join("payments.xlsx");
    book.save(&path).unwrap();
    path
}

fn load_ledger(c: &Company) {
    let inv = c.write("invoices.csv", INVOICES.as_bytes());
    let (gbk, _, bad) = encoding_rs::GBK.encode(INVOICES_ZH);
    assert!(!bad);
    let inv_zh = c.write("发票.csv", &gbk);
    let rates = c.write("rates.csv", RATES.as_bytes());
    let cn = c.write("credit-notes.csv", CREDIT_NOTES.as_bytes());
    let wo = c.write("write-offs.csv", WRITE_OFFS.as_bytes());
    let pay = payments_xlsx(c);
    for (kind, path) in [
        ("invoices", &inv),
        ("invoices", &inv_zh),
        ("rates", &rates),
        ("payments", &pay),
        ("credit-notes", &cn),
        ("write-offs", &wo),
    ] {
        let out = c.json(&["import", kind, path.to_str().unwrap()]);
        assert_eq!(out["errors"], Value::Array(vec![]), "{kind}: {out}");
    }
}

fn minor(v: &Value) -> Vec<i64> {
    v["minor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

#[test]
fn aging_dso_and_period_rates_match_the_hand_computed_ledger() {
    let c = company();
    load_ledger(&c);
    let r = c.json(&["ar", "aging", "--as-of", "2028-03-31"]);

    // Per invoice: days past due and bucket on every boundary.
    let lines = r["invoices"].as_array().unwrap();
    let find = |n: &str| {
        lines
            .iter()
            .find(|l| l["number"] == n)
            .unwrap_or_else(|| panic!("{n} missing: {r}"))
    };
    for (n, dpd, bucket, out) in [
        ("A1", 60, "31-60", "5000.00"),
        ("A2", 31, "31-60", "4000.00"),
        ("A3", 0, "not_due", "1500.00"),
        ("A4", 30, "1-30", "2500.00"),
        ("B1", 121, "over_120", "60000.00"),
        ("B2", 120, "91-120", "50000.00"),
        ("B3", 91, "91-120", "20000.00"),
        ("B4", 90, "61-90", "8000.00"),
        ("B5", 61, "61-90", "6000.00"),
        ("B6", 1, "1-30", "4000.00"),
        ("J1", -30, "not_due", "1000000"),
    ] {
        let l = find(n);
        assert_eq!(l["days_past_due"], dpd, "{n}: {l}");
        assert_eq!(l["bucket"], bucket, "{n}: {l}");
        assert_eq!(l["outstanding"], out, "{n}: {l}");
    }
    // Due dates derived from terms: NET 30 from 01-30 is the leap day; 月结30天 from March is
    // March 31 + 30 days; "30天" from 2027-12-01 is 12-31.
    assert_eq!(find("A2")["due_date"], "2028-02-29");
    assert_eq!(find("J1")["due_date"], "2028-04-30");
    assert_eq!(find("B3")["due_date"], "2027-12-31");

    // Per customer and currency.
    let cust = |code: &str| {
        r["customers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["customer"] == code)
            .unwrap()
            .clone()
    };
    let c1 = cust("C001");
    assert_eq!(
        minor(&c1["by_currency"]["USD"]),
        [150_000, 0, 900_000, 0, 0, 0]
    );
    assert_eq!(minor(&c1["by_currency"]["EUR"]), [0, 250_000, 0, 0, 0, 0]);
    // Base: USD at 7.2 (rate from 03-01), EUR at the fixed 7.5.
    assert_eq!(
        minor(&c1["base"]),
        [1_080_000, 1_875_000, 6_480_000, 0, 0, 0]
    );
    assert_eq!(c1["base"]["total_minor"], 9_435_000);
    let c2 = cust("C002");
    assert_eq!(
        minor(&c2["by_currency"]["CNY"]),
        [0, 400_000, 0, 1_400_000, 7_000_000, 6_000_000]
    );
    assert_eq!(minor(&cust("C003")["base"]), [5_000_000, 0, 0, 0, 0, 0]);
    // Totals in base: 60,800 / 22,750 / 64,800 / 14,000 / 70,000 / 60,000 = 292,350.00 CNY.
    assert_eq!(
        minor(&r["totals_base"]),
        [6_080_000, 2_275_000, 6_480_000, 1_400_000, 7_000_000, 6_000_000]
    );
    assert_eq!(r["totals_base"]["total_minor"], 29_235_000);
    assert_eq!(r["totals_by_currency"]["JPY"]["total_minor"], 1_000_000);
    // DSO: invoiced 2028-01-02..=03-31 = A2 + A3 (7,000 USD × 7.2) + A4 (3,000 EUR × 7.5)
    // + B6 4,000 + J1 (1,000,000 JPY × 0.05) = 126,900; 292,350 ÷ 126,900 × 90 = 207.34.
    assert_eq!(r["dso_90_days"], "207.3");

    // A payment dated after the as-of date counts only from its date.
    let later = c.json(&["ar", "aging", "--as-of", "2028-04-05", "--customer", "C001"]);
    assert!(
        later["invoices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["number"] != "A3"),
        "{later}"
    );
    // At 02-29 the rate was 7.0 and A1 had only P1 against it.
    let feb = c.json(&["ar", "aging", "--as-of", "2028-02-29", "--customer", "C001"]);
    let a1 = feb["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["number"] == "A1")
        .unwrap()
        .clone();
    assert_eq!(a1["outstanding"], "7000.00");
    assert_eq!(a1["outstanding_base_minor"], 4_900_000);
    assert_eq!(a1["bucket"], "1-30");

    // Filter by owner: zhang.min owns only C002.
    let z = c.json(&[
        "ar",
        "aging",
        "--as-of",
        "2028-03-31",
        "--owner",
        "zhang.min",
    ]);
    assert_eq!(z["customers"].as_array().unwrap().len(), 1);
    assert_eq!(z["totals_base"]["total_minor"], 14_800_000);

    // CSV: one line per open invoice, with the header.
    let csv = c.ok(&["ar", "aging", "--as-of", "2028-03-31", "--csv"]);
    assert_eq!(csv.lines().count(), 12, "{csv}");
    assert!(csv.contains("C002,上海贸易有限公司,zhang.min,B1,HT-01,CNY,2027-10-01,2027-12-01,100000.00,60000.00,121,over 120,60000.00"), "{csv}");
    // XLSX: readable, two sheets.
    let xlsx = c.dir.path().join("aging.xlsx");
    c.ok(&[
        "ar",
        "aging",
        "--as-of",
        "2028-03-31",
        "--xlsx",
        xlsx.to_str().unwrap(),
    ]);
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    assert_eq!(book.sheet_names(), ["Invoices", "Customers"]);
    let sheet = book.worksheet_range("Invoices").unwrap();
    assert_eq!(sheet.height(), 12);
}

#[test]
fn period_rates_follow_the_definitions() {
    // These go through the library: the same functions the reports use.
    use tradewind::ledger::{figures, rates::Rates, Ledger};
    let c = company();
    load_ledger(&c);
    let conn = c.db();
    let ledger = Ledger::load(&conn).unwrap();
    let mut fixed = std::collections::BTreeMap::new();
    fixed.insert("EUR".to_string(), "7.5".to_string());
    let rates = Rates::load(&conn, "CNY", &fixed).unwrap();
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    // March 2028: opening at 02-29 = A1 7,000 + A2 5,000 + A3 2,000 USD (×7.2 = 100,800)
    // + A4 3,000 EUR (22,500) + B1..B5 184,000 CNY = 307,300; invoiced in March: B6 4,000
    // + J1 50,000 → 361,300. Collected: P2 2,000 + P3 1,500 USD = 25,200 → 6.97 %.
    let rate = figures::collection_rate(&ledger, &rates, d("2028-03-01"), d("2028-03-31"))
        .unwrap()
        .unwrap();
    assert_eq!((rate.num, rate.den), (2_520_000, 36_130_000));
    assert_eq!(rate.percent(), "6.97");
    // Written off in March: 40,000 → 11.07 %.
    let bad = figures::bad_debt_rate(&ledger, &rates, d("2028-03-01"), d("2028-03-31"))
        .unwrap()
        .unwrap();
    assert_eq!(bad.num, 4_000_000);
    assert_eq!(bad.percent(), "11.07");
    // Exposure of C002 and utilisation of a 200,000 CNY limit: 148,000 ÷ 200,000 = 74 %.
    let c2 = ledger.filtered(|i| i.number.starts_with('B'));
    let exposure = figures::exposure(&c2, &rates, d("2028-03-31")).unwrap();
    assert_eq!(exposure, 14_800_000);
    assert_eq!(
        figures::utilisation(exposure, 20_000_000)
            .unwrap()
            .percent(),
        "74.00"
    );
}

#[test]
fn statement_lists_movements_with_running_balances() {
    let c = company();
    load_ledger(&c);
    let s = c.json(&["ar", "statement", "C001", "--as-of", "2028-03-31"]);
    let lines = s["lines"].as_array().unwrap();
    let usd: Vec<(String, i64)> = lines
        .iter()
        .filter(|l| l["currency"] == "USD")
        .map(|l| {
            (
                l["reference"].as_str().unwrap().to_string(),
                l["balance_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    // A1 +10,000 (12-01) → A2 +5,000 (01-30) → P1 −3,000 (02-10) → A3 +2,000 (02-15)
    // → P2 −2,000 (03-15) → P3 −1,000 and −500 (03-20); P4 (04-05) is after the date.
    assert_eq!(
        usd,
        [
            ("A1".into(), 1_000_000),
            ("A2".into(), 1_500_000),
            ("P1".into(), 1_200_000),
            ("A3".into(), 1_400_000),
            ("P2".into(), 1_200_000),
            ("P3".into(), 1_100_000),
            ("P3".into(), 1_050_000)
        ]
    );
    assert_eq!(s["balance_minor"]["USD"], 1_050_000);
    assert_eq!(s["balance_minor"]["EUR"], 250_000);
    assert_eq!(s["open"].as_array().unwrap().len(), 4);
    let text = c.ok(&["ar", "statement", "C001", "--as-of", "2028-03-31"]);
    assert!(
        text.contains("credit note") && text.contains("Balance USD: 10,500.00"),
        "{text}"
    );
}

#[test]
fn bad_rows_are_reported_whole_and_reimport_changes_nothing() {
    let c = company();
    let bad = "invoice_number,customer,currency,amount,issue_date,due_date,terms\n\
X1,C001,USD,100.00,2028-01-01,2028-01-31,\n\
X2,C999,USD,100.00,2028-01-01,2028-01-31,\n\
X3,C001,USD,12.345,2028-01-01,2028-01-31,\n\
X4,C001,USD,100,2028-02-30,,NET 30\n\
X5,C001,JPY,100.5,2028-01-01,,L/C at sight\n\
X6,C001,USD,100,2028-01-01,,\n\
X7,C001,USD,-5,2028-01-01,2028-01-31,\n";
    let path = c.write("bad.csv", bad.as_bytes());
    let out = c.run(&["import", "invoices", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let err = stderr(&out);
    for needle in [
        "row 3, column 'customer': no customer with code 'C999'",
        "row 4, column 'amount': '12.345' has more than 2 decimal places",
        "row 5, column 'issue_date': '2028-02-30' is not a real calendar date",
        "row 6, column 'amount': '100.5' has more than 0 decimal places",
        "row 6, column 'terms': 'L/C at sight' are not payment terms",
        "row 7, column 'due_date': give a due date or payment terms",
        "row 8, column 'amount': '-5': the amount must be positive",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    let n: i64 = c
        .db()
        .query_row("SELECT COUNT(*) FROM invoices", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1, "only the good row is in");

    // Idempotent: the same files again change nothing.
    load_ledger(&c);
    let count = |t: &str| -> i64 {
        c.db()
            .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    let before = (
        count("invoices"),
        count("payments"),
        count("payment_allocations"),
        count("invoice_adjustments"),
        count("exchange_rates"),
    );
    let pay = c.dir.path().join("payments.xlsx");
    let again = c.json(&["import", "payments", pay.to_str().unwrap()]);
    assert_eq!(
        (again["created"].as_i64(), again["unchanged"].as_i64()),
        (Some(0), Some(4)),
        "{again}"
    );
    let inv = c.dir.path().join("invoices.csv");
    let again = c.json(&["import", "invoices", inv.to_str().unwrap()]);
    assert_eq!(
        (again["created"].as_i64(), again["unchanged"].as_i64()),
        (Some(0), Some(5)),
        "{again}"
    );
    load_ledger(&c);
    let after = (
        count("invoices"),
        count("payments"),
        count("payment_allocations"),
        count("invoice_adjustments"),
        count("exchange_rates"),
    );
    assert_eq!(before, after);
    assert_eq!(before, (12, 4, 5, 2, 3));

    // A known invoice with another amount is refused, not overwritten.
    let changed = INVOICES.replace("A4,C001,EUR,3000", "A4,C001,EUR,3100");
    let p = c.write("changed.csv", changed.as_bytes());
    let out = c.run(&["import", "invoices", p.to_str().unwrap()]);
    assert!(
        stderr(&out).contains(
            "row 5, column 'Invoice No.': invoice A4 is already in the ledger with other values"
        ),
        "{}",
        describe(&out)
    );
    // A payment over the open balance is refused whole, every row of it.
    let over = "reference,invoice,amount,date,currency\nP9,A4,100,2028-03-20,EUR\nP9,B6,999999,2028-03-20,CNY\n";
    let p = c.write("over.csv", over.as_bytes());
    let out = c.run(&["import", "payments", p.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "row 3, column 'date': payment P9 has rows with different dates or currencies"
        ),
        "{err}"
    );
    assert!(
        err.contains("row 2, column 'reference': not imported: another row of payment P9 is bad"),
        "{err}"
    );
    assert_eq!(count("payments"), 4);
}

#[test]
fn credit_score_limit_and_hold_with_audit_trail() {
    let c = company();
    load_ledger(&c);
    c.ok(&[
        "credit",
        "set",
        "C002",
        "--operations",
        "80",
        "--finances",
        "60",
        "--reputation",
        "70",
        "--industry",
        "50",
    ]);
    let s = c.json(&["credit", "score", "C002", "--as-of", "2028-03-31"]);
    // Payment record of C002 at 03-31: six open invoices past due, days 121+120+91+90+61+1
    // = 484, all late, longest 121: 100 − min(40, ⌊968/6⌋) − 30 − min(30, 40) = 0.
    let pr = &s["card"]["payment_record"];
    assert_eq!(
        (
            pr["invoices"].as_i64(),
            pr["late"].as_i64(),
            pr["longest_delay_days"].as_i64()
        ),
        (Some(6), Some(6), Some(121))
    );
    assert_eq!(pr["score"], 0);
    // (20×80 + 20×60 + 15×70 + 15×50 + 30×0) ÷ 100 = 46 → poor (较差).
    assert_eq!(s["card"]["total"], 46);
    assert_eq!(s["card"]["grade"], "poor");
    assert_eq!(s["card"]["grade_zh"], "较差");
    assert_eq!(s["recorded"], true);
    // Scoring again without a change adds no history.
    let again = c.json(&["credit", "score", "C002", "--as-of", "2028-03-31"]);
    assert_eq!(again["recorded"], false);
    assert_eq!(again["history"].as_array().unwrap().len(), 1);

    // A manual limit of 120,000 CNY: exposure 148,000 → over limit, 123.33 % used.
    c.ok(&[
        "credit",
        "limit",
        "C002",
        "120,000.00",
        "--currency",
        "CNY",
        "--review",
        "2028-03-01",
    ]);
    let st = c.json(&["credit", "status", "--as-of", "2028-03-31"]);
    let c2 = st
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["customer"] == "C002")
        .unwrap()
        .clone();
    assert_eq!(c2["over_limit"], true);
    assert_eq!(c2["utilisation_percent"], "123.33");
    assert_eq!(c2["review_due"], true);
    // Overdue past 90 days (config): B1 121, B2 120, B3 91 — not B4 at exactly 90.
    let overdue: Vec<&str> = c2["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o[0].as_str().unwrap())
        .collect();
    assert_eq!(overdue, ["B1", "B2", "B3"]);

    // The watch puts C002 on hold once, however often it runs; C001 (no limit, 60 days) not.
    let w = c.json(&["credit", "watch", "--as-of", "2028-03-31"]);
    assert_eq!(w["held"].as_array().unwrap().len(), 1, "{w}");
    assert_eq!(w["held"][0][0], "C002");
    let w = c.json(&["credit", "watch", "--as-of", "2028-03-31"]);
    assert!(w["held"].as_array().unwrap().is_empty(), "{w}");
    let holds: i64 = c
        .db()
        .query_row(
            "SELECT COUNT(*) FROM credit_holds WHERE alert = 'due'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(holds, 1, "one alert, not one per run");
    // Clearing: a limit of 1,000,000 and everything paid by a later date clears the hold.
    c.ok(&["credit", "limit", "C002", "1000000"]);
    // Left open at 04-10: B5 (71 days) and B6 (11 days), under the 90-day threshold.
    let pay = "reference,invoice,amount,date,currency\nQ1,B1,60000,2028-04-10,CNY\nQ1,B2,50000,2028-04-10,CNY\nQ1,B3,20000,2028-04-10,CNY\nQ1,B4,8000,2028-04-10,CNY\n";
    let p = c.write("q.csv", pay.as_bytes());
    c.ok(&["import", "payments", p.to_str().unwrap()]);
    let w = c.json(&["credit", "watch", "--as-of", "2028-04-10"]);
    assert_eq!(w["cleared"], serde_json::json!(["C002"]), "{w}");
    let audit: Vec<(Option<String>, Option<String>)> = c
        .db()
        .prepare("SELECT before, after FROM audit_log a JOIN customers c ON c.id = a.customer_id WHERE c.code = 'C002' AND field = 'credit_hold' ORDER BY a.id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(
        audit[0].0.is_none() && audit[0].1.as_deref().unwrap().contains("over limit"),
        "{audit:?}"
    );
    assert!(audit[1].1.is_none(), "clearing is logged: {audit:?}");
    let rating: String = c
        .db()
        .query_row(
            "SELECT credit_rating FROM customers WHERE code = 'C002'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rating, "poor");

    // A limit from the grade: C001 scored 90 on every manual indicator. Its payment record at
    // 03-31: A1 60, A2 31, A4 30 days late (A3 not yet due) → 100 − 40 − 30 − 20 = 10; total
    // (70 × 90 + 30 × 10) ÷ 100 = 66 → average → 10 % of the purchases in the 365 days to
    // 03-31: A1..A3 17,000 USD × 7.2 + A4 3,000 EUR × 7.5 = 144,900 → a limit of 14,490.00 CNY.
    c.ok(&[
        "credit",
        "set",
        "C001",
        "--operations",
        "90",
        "--finances",
        "90",
        "--reputation",
        "90",
        "--industry",
        "90",
    ]);
    let s = c.json(&["credit", "score", "C001", "--as-of", "2028-03-31"]);
    assert_eq!(s["card"]["payment_record"]["score"], 10, "{s}");
    assert_eq!(
        (s["card"]["total"].as_i64(), s["card"]["grade"].as_str()),
        (Some(66), Some("average"))
    );
    let st = c.json(&["credit", "status", "--as-of", "2028-03-31", "--all"]);
    let c1 = st
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["customer"] == "C001")
        .unwrap()
        .clone();
    assert_eq!(c1["limit"]["source"], "grade", "{c1}");
    assert_eq!(c1["limit"]["amount_minor"], 1_449_000, "{c1}");
    // Exposure 94,350.00 ÷ 14,490.00 = 651.14 %.
    assert_eq!(c1["utilisation_percent"], "651.14");
    assert_eq!(c1["over_limit"], true);
}

fn eml(from: &str, to: &str, date: &str, subject: &str, body: &str, id: &str) -> String {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}@test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

#[test]
fn payment_fraud_watch_flags_bank_changes_and_lookalikes_on_import() {
    let c = company();
    let dir = c.dir.path().join("mail");
    std::fs::create_dir_all(&dir).unwrap();
    let files = [
        ("1.eml", eml("Jonas Weber <jonas.weber@hansa-tools.de>", "finance@seawind-trade.cn", "Mon, 3 Jan 2028 10:00:00 +0000",
            "Invoice A1", "Dear Zhao,\n\nplease note that our bank details have changed. Kindly pay invoice A1 to the new account below.\nIBAN DE00 1234", "m1")),
        ("2.eml", eml("Accounts <accounts@hansa-tools.com>", "finance@seawind-trade.cn", "Mon, 3 Jan 2028 11:00:00 +0000",
            "Payment", "Please confirm the payment date.", "m2")),
        ("3.eml", eml("王强 <wang.qiang@shmaoyi.cn>", "finance@seawind-trade.cn", "Mon, 3 Jan 2028 12:00:00 +0000",
            "付款", "您好，我司银行账户信息不变，下周付款。", "m3")),
        ("4.eml", eml("王强 <wang.qiang@shmaoyi.cn>", "finance@seawind-trade.cn", "Mon, 3 Jan 2028 13:00:00 +0000",
            "重要通知", "由于审计原因，我司收款账户已变更，请将货款汇至以下新账户。", "m4")),
        // Our own outbound mail quoting the phrase is not an alert.
        ("5.eml", eml("Zhao Lei <zhao.lei@seawind-trade.cn>", "jonas.weber@hansa-tools.de", "Mon, 3 Jan 2028 14:00:00 +0000",
            "Re: Invoice A1", "We never change our bank details by email; the new account you mention is not ours.", "m5")),
    ];
    for (name, text) in &files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    c.ok(&[
        "import",
        "mail",
        dir.to_str().unwrap(),
        "--mailbox",
        "finance",
    ]);
    let alerts = c.json(&["credit", "alerts"]);
    let mut got: Vec<(String, String, String)> = alerts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["subject"].as_str().unwrap().to_string(),
                a["kind"].as_str().unwrap().to_string(),
                a["customer"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                "Invoice A1".to_string(),
                "bank_change".to_string(),
                "C001".to_string()
            ),
            (
                "Payment".to_string(),
                "lookalike".to_string(),
                "C001".to_string()
            ),
            (
                "重要通知".to_string(),
                "bank_change".to_string(),
                "C002".to_string()
            ),
        ],
        "{alerts}"
    );
    assert!(alerts
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["alert"] == "due"));
    // Re-importing the same mail raises nothing new.
    c.ok(&[
        "import",
        "mail",
        dir.to_str().unwrap(),
        "--mailbox",
        "finance",
    ]);
    assert_eq!(c.json(&["credit", "alerts"]).as_array().unwrap().len(), 3);
}

fn plan_of(c: &Company, date: &str, code: &str) -> Value {
    let plan = c.json(&["dunning", "plan", "--as-of", date]);
    plan.as_array()
        .unwrap()
        .iter()
        .find(|e| e["customer"] == code)
        .cloned()
        .unwrap_or(Value::Null)
}

#[test]
fn dunning_levels_move_up_once_pause_on_reply_or_ticket_and_stop_on_payment() {
    let c = company();
    load_ledger(&c);
    let run = |date: &str| c.json(&["dunning", "run", "--as-of", date]);
    // 2028-01-28: A1 (due 01-31) falls due in 3 days → courtesy.
    let p = plan_of(&c, "2028-01-28", "C001");
    assert_eq!(
        (p["status"].as_str(), p["next"].as_str()),
        (Some("due"), Some("courtesy")),
        "{p}"
    );
    assert!(
        p["why"]
            .as_str()
            .unwrap()
            .contains("A1 falls due in 3 day(s)"),
        "{p}"
    );
    assert_eq!(plan_of(&c, "2028-01-27", "C001")["status"], "not_due");
    run("2028-01-28");
    // 02-06: 6 days past due — still courtesy, already recorded → up to date.
    assert_eq!(plan_of(&c, "2028-02-06", "C001")["status"], "up_to_date");
    // 02-07: 7 days → friendly; recorded once.
    assert_eq!(plan_of(&c, "2028-02-07", "C001")["next"], "friendly");
    run("2028-02-07");
    assert_eq!(plan_of(&c, "2028-02-07", "C001")["status"], "up_to_date");
    // C002 jumps straight to its level: B1 at 121 days on 03-31 → finance task only.
    let p2 = plan_of(&c, "2028-02-15", "C002");
    assert_eq!(p2["next"], "finance_task", "{p2}");

    // By hand: pause and resume C002, with the reason shown.
    c.ok(&[
        "dunning",
        "pause",
        "C002",
        "--reason",
        "disputes B2 quality",
    ]);
    let p = plan_of(&c, "2028-02-15", "C002");
    assert_eq!(p["status"], "paused");
    assert!(
        p["paused"][0]
            .as_str()
            .unwrap()
            .contains("disputes B2 quality"),
        "{p}"
    );
    c.ok(&["dunning", "resume", "C002", "--as-of", "2028-02-15"]);
    assert_eq!(plan_of(&c, "2028-02-15", "C002")["status"], "due");
    // An open complaint ticket pauses too; a closed one does not.
    c.db()
        .execute(
            "INSERT INTO tickets (customer_id, status, number, category, severity, opened_at, updated_at)
             SELECT id, 'investigating', 'T-TEST-1', 'payment_dispute', 'normal', '2028-02-01T00:00:00Z', '2028-02-01T00:00:00Z'
             FROM customers WHERE code = 'C002'",
            [],
        )
        .unwrap();
    let p = plan_of(&c, "2028-02-15", "C002");
    assert!(
        p["paused"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x.as_str().unwrap().contains("open complaint ticket")),
        "{p}"
    );
    c.db()
        .execute("UPDATE tickets SET status = 'closed'", [])
        .unwrap();
    assert_eq!(plan_of(&c, "2028-02-15", "C002")["status"], "due");

    // 02-21: 21 days → firm.
    run("2028-02-21");
    let p = plan_of(&c, "2028-02-22", "C001");
    assert_eq!(
        p["recorded"],
        serde_json::json!(["courtesy", "friendly", "firm"])
    );
    // The customer replies on 02-25 to the finance mailbox → 03-16 (45 days, final) is paused.
    let dir = c.dir.path().join("reply");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("r.eml"),
        eml(
            "Jonas Weber <jonas.weber@hansa-tools.de>",
            "finance@seawind-trade.cn",
            "Fri, 25 Feb 2028 09:00:00 +0000",
            "Re: overdue invoices",
            "We paid part of it, see attached.",
            "reply1",
        ),
    )
    .unwrap();
    c.ok(&[
        "import",
        "mail",
        dir.to_str().unwrap(),
        "--mailbox",
        "finance",
    ]);
    let p = plan_of(&c, "2028-03-16", "C001");
    assert_eq!(p["status"], "paused", "{p}");
    assert!(
        p["paused"][0]
            .as_str()
            .unwrap()
            .contains("replied on 2028-02-25"),
        "{p}"
    );
    assert_eq!(p["next"], Value::Null);
    let out = run("2028-03-16");
    assert!(
        !out["recorded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r[0] == "C001"),
        "{out}"
    );

    // The final level (C003: J1 due 04-30; 45 days → 06-14) copies the sales manager and puts
    // the customer on hold.
    run("2028-06-14");
    let hold: String = c.db().query_row("SELECT reason FROM credit_holds h JOIN customers c ON c.id = h.customer_id WHERE c.code = 'C003'", [], |r| r.get(0)).unwrap();
    assert!(hold.contains("dunning level final"), "{hold}");
    let (level, text): (String, String) = c
        .db()
        .query_row("SELECT level, body_text FROM dunning_letters d JOIN customers c ON c.id = d.customer_id WHERE c.code = 'C003'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(level, "final");
    let (from, to, cc): (String, String, String) = c
        .db()
        .query_row(
            "SELECT from_addr, to_addr, cc FROM dunning_letters d JOIN customers c ON c.id = d.customer_id WHERE c.code = 'C003'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (from.as_str(), to.as_str(), cc.as_str()),
        (
            "finance@seawind-trade.cn",
            "sato@osaka-kogyo.jp",
            "li.wei@seawind-trade.cn,liu.yang@seawind-trade.cn"
        ),
        "the final notice copies the owner and the sales manager"
    );
    let cc_friendly: String = c
        .db()
        .query_row(
            "SELECT cc FROM dunning_letters d JOIN customers c ON c.id = d.customer_id WHERE c.code = 'C001' AND level = 'friendly'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cc_friendly, "li.wei@seawind-trade.cn");
    assert!(
        text.contains("J1")
            && text.contains("PI-J1")
            && text.contains("JPY 1,000,000")
            && text.contains("SWIFT: BKCHCNBJ92A"),
        "{text}"
    );
    // Paid in full on 06-20 → the cycle stops; afterwards nothing is due.
    let pay = "reference,invoice,amount,date,currency\nJP1,J1,1000000,2028-06-20,JPY\n";
    let p = c.write("jp.csv", pay.as_bytes());
    c.ok(&["import", "payments", p.to_str().unwrap()]);
    let p = plan_of(&c, "2028-06-21", "C003");
    assert_eq!(p["cleared"], true, "{p}");
    let out = run("2028-06-21");
    assert_eq!(out["stopped"], serde_json::json!(["C003"]), "{out}");
    // With `thank_you = true` the stop prepares a thank-you for the outbox, in cycle 1.
    let (cycle, subject): (i64, String) = c
        .db()
        .query_row(
            "SELECT cycle, subject FROM dunning_letters d JOIN customers c ON c.id = d.customer_id
              WHERE c.code = 'C003' AND level = 'thank_you' AND status = 'planned'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(cycle, 1);
    assert!(
        subject.starts_with("Thank you for your payment"),
        "{subject}"
    );
    let p = plan_of(&c, "2028-06-22", "C003");
    assert_eq!(
        (
            p["status"].as_str(),
            p["cycle"].as_i64(),
            p["cleared"].as_bool()
        ),
        (Some("not_due"), Some(2), Some(false)),
        "{p}"
    );
    assert_eq!(p["recorded"], serde_json::json!([]));

    // Chinese contact → Chinese letter preview.
    let zh = c.ok(&["dunning", "preview", "C002", "--as-of", "2028-02-10"]);
    assert!(
        zh.contains("尊敬的王强") && zh.contains("B1") && zh.contains("HT-01"),
        "{zh}"
    );
}
