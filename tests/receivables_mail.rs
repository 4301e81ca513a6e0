//! Receivables meets the real mail stack (issue 7): mail synced over IMAP from the finance
//! mailbox is checked by the payment-fraud watch, and a customer's reply synced after a
//! dunning letter pauses the dunning.

mod common;

use common::cli::Company;
use common::{MailStack, TestUser};

fn setup(stack: &MailStack, finance: &TestUser) -> Company {
    let co = Company::bare();
    let pw = co.secret("finance.pw", &finance.password);
    let text = format!(
        "[company]\nname = \"Ningbo Seawind\"\nhome_country = \"CN\"\ndomains = [\"seawind-trade.cn\"]\n\n\
         [store]\ndata_dir = \"data\"\n\n\
         [[users]]\nlogin = \"zhao.lei\"\nname = \"Zhao Lei\"\nemail = \"zhao.lei@seawind-trade.cn\"\nrole = \"finance\"\n\n\
         [[users]]\nlogin = \"li.wei\"\nname = \"Li Wei\"\nemail = \"li.wei@seawind-trade.cn\"\nrole = \"sales\"\n\n\
         [[mailboxes]]\nname = \"finance\"\nowner = \"zhao.lei\"\nrole = \"finance\"\naddress = \"{addr}\"\n\
         [mailboxes.imap]\nhost = \"{host}\"\nport = {port}\ntls = \"starttls\"\nca_file = \"{ca}\"\n\
         username = \"{addr}\"\npassword = {{ file = \"{pw}\" }}\n",
        addr = finance.address,
        host = stack.host,
        port = stack.imap_port,
        ca = stack.ca_file.display(),
        pw = pw.display(),
    );
    co.set_config(&text);
    co
}

fn mail(from: &str, to: &str, date: &str, subject: &str, body: &str, id: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}@example.test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

async fn append(stack: &MailStack, user: &TestUser, mails: &[Vec<u8>]) {
    let mut session = stack.login(user).await;
    for raw in mails {
        session.append_with_flags("INBOX", &[], raw).await.unwrap();
    }
    session.logout().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn synced_mail_raises_fraud_alerts_and_a_reply_pauses_dunning() {
    let stack = MailStack::from_env();
    let finance = stack.fresh_user();
    let s = setup(&stack, &finance);
    let customers = s.file(
        "customers.csv",
        "code,name,owner,domains,contact_name,contact_email,contact_language\n\
         C001,Hansa Tools GmbH,li.wei,hansa-tools.de,Jonas Weber,jonas.weber@hansa-tools.de,de\n",
    );
    s.ok(&["import", "customers", &customers]);
    let invoices = s.file(
        "invoices.csv",
        "invoice,customer,currency,amount,issue_date,terms,order_ref\nA1,C001,USD,1000,2028-01-01,NET 30,PI-1\n",
    );
    s.json(&["import", "invoices", &invoices]);
    // A1 is due 01-31; at 02-07 the friendly reminder is recorded.
    let out = s.json(&["dunning", "run", "--as-of", "2028-02-07"]);
    assert_eq!(out["recorded"][0][1], "friendly", "{out}");

    append(
        &stack,
        &finance,
        &[
            mail(
                "Jonas Weber <jonas.weber@hansa-tools.de>",
                &finance.address,
                "Thu, 10 Feb 2028 09:00:00 +0000",
                "Re: Payment reminder",
                "Sorry for the delay. Please note that our bank details have changed; we will pay from the new account.",
                "reply-1",
            ),
            mail(
                "Accounts <accounts@hansa-tools.com>",
                &finance.address,
                "Thu, 10 Feb 2028 10:00:00 +0000",
                "Invoice A1",
                "Please send us a copy of invoice A1.",
                "lookalike-1",
            ),
            mail(
                "Jonas Weber <jonas.weber@hansa-tools.de>",
                &finance.address,
                "Thu, 10 Feb 2028 11:00:00 +0000",
                "Order 88",
                "Our bank details remain the same as before.",
                "plain-1",
            ),
        ],
    )
    .await;
    s.json(&["sync", "--once"]);

    let alerts = s.json(&["credit", "alerts"]);
    let mut kinds: Vec<(String, String)> = alerts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_string(),
                a["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            (
                "bank_change".to_string(),
                "Re: Payment reminder".to_string()
            ),
            ("lookalike".to_string(), "Invoice A1".to_string()),
        ],
        "{alerts}"
    );

    // The reply (02-10, after the letter of 02-07) pauses the firm letter due on 02-21.
    let plan = s.json(&["dunning", "plan", "--as-of", "2028-02-21"]);
    let c1 = &plan[0];
    assert_eq!(c1["status"], "paused", "{plan}");
    assert!(
        c1["paused"][0]
            .as_str()
            .unwrap()
            .contains("replied on 2028-02-10"),
        "{plan}"
    );
    // Finance has read it: resume acknowledges replies up to 02-12, and the firm letter is due.
    s.ok(&["dunning", "resume", "C001", "--as-of", "2028-02-12"]);
    let plan = s.json(&["dunning", "plan", "--as-of", "2028-02-21"]);
    assert_eq!(
        (plan[0]["status"].as_str(), plan[0]["next"].as_str()),
        (Some("due"), Some("firm")),
        "{plan}"
    );
}
