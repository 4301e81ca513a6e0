//! The IMAP connection layer (`tradewind::source::imap`) and the test mail stack, against the real
//! Dovecot + Postfix that `scripts/mailstack` runs. Run through `scripts/test`.

mod common;

use std::time::Duration;

use common::{MailStack, Outgoing};
use tradewind::source::imap::{connect_and_login, ImapStage};
use tradewind::tls::TlsMode;

/// A customer inquiry as a Chinese exporter receives it: raw UTF-8 in the Subject (RFC 6532),
/// 8-bit body, CRLF line endings (so Maildir's LF storage must restore them exactly).
fn chinese_inquiry(token: &str) -> Vec<u8> {
    format!(
        "From: Buyer <buyer@importer.example>\r\n\
         To: sales@example.test\r\n\
         Subject: 询价：不锈钢保温杯 5000 件 报价单 {token}\r\n\
         Date: Sat, 28 Nov 2026 10:00:00 +0800\r\n\
         Message-ID: <{token}@importer.example>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n\
         您好，请报 FOB 宁波价格，交期 30 天。\r\n\
         Best regards\r\n"
    )
    .into_bytes()
}

fn token() -> String {
    format!(
        "tw{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

#[tokio::test]
async fn starttls_append_of_chinese_subject_reads_back_byte_identical() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let raw = chinese_inquiry(&token());

    let mut session = connect_and_login(
        &stack.imap_endpoint(TlsMode::Starttls),
        &user.address,
        &user.password,
    )
    .await
    .expect("STARTTLS login");
    assert!(session.is_tls(), "STARTTLS session must be encrypted");
    assert!(session.has_capability("IMAP4rev1"));
    assert!(
        session.has_capability("ID"),
        "Dovecot offers ID; capabilities: {:?}",
        session.capabilities()
    );

    assert!(
        session.fetch_all_peek("INBOX").await.unwrap().is_empty(),
        "fresh user's INBOX must start empty"
    );
    session.append("INBOX", &raw).await.expect("APPEND");
    let messages = session.fetch_all_peek("INBOX").await.expect("FETCH");
    session.logout().await.expect("LOGOUT");

    assert_eq!(messages.len(), 1, "one message appended");
    let (uid, body) = &messages[0];
    assert!(*uid >= 1);
    assert_eq!(
        String::from_utf8_lossy(body),
        String::from_utf8_lossy(&raw),
        "text differs"
    );
    assert_eq!(body, &raw, "bytes differ");

    // The helper (a second, independent session) sees the same bytes.
    assert_eq!(stack.fetch_all(&user, "INBOX").await, messages);
}

#[tokio::test]
async fn implicit_tls_verifies_the_certificate() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();

    // Trusting the stack's CA: works, and the connection is TLS.
    let endpoint = stack.imap_endpoint(TlsMode::Implicit);
    assert_eq!(endpoint.port, stack.imaps_port);
    let mut session = connect_and_login(&endpoint, &user.address, &user.password)
        .await
        .expect("implicit TLS login with the stack CA");
    assert!(session.is_tls());
    let folders = session.list_folders().await.expect("LIST over TLS");
    assert!(folders.iter().any(|f| f.name == "INBOX"), "{folders:?}");
    session.logout().await.unwrap();

    // Without the CA (webpki roots only) the handshake must fail on the certificate.
    let untrusting = tradewind::source::imap::ImapEndpoint {
        ca_file: None,
        ..endpoint
    };
    let err = connect_and_login(&untrusting, &user.address, &user.password)
        .await
        .expect_err("a private-CA certificate must not be accepted without the CA");
    assert_eq!(err.stage(), &ImapStage::Tls, "{err}");
    assert!(
        err.is_certificate_error(),
        "not a certificate error: {err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&format!("127.0.0.1:{}", stack.imaps_port)),
        "{text}"
    );
    assert!(text.contains("TLS handshake"), "{text}");
    assert!(text.contains("certificate"), "{text}");
}

#[tokio::test]
async fn starttls_with_untrusted_certificate_fails_instead_of_falling_back() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let endpoint = tradewind::source::imap::ImapEndpoint {
        ca_file: None,
        ..stack.imap_endpoint(TlsMode::Starttls)
    };
    let err = connect_and_login(&endpoint, &user.address, &user.password)
        .await
        .expect_err("STARTTLS to an untrusted certificate must fail, not continue in plaintext");
    assert_eq!(err.stage(), &ImapStage::Starttls, "{err}");
    assert!(
        err.is_certificate_error(),
        "not a certificate error: {err:?}"
    );
    assert!(err.to_string().contains("STARTTLS"), "{err}");
}

#[tokio::test]
async fn plain_mode_logs_in_without_tls() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let mut session = connect_and_login(
        &stack.imap_endpoint(TlsMode::Plain),
        &user.address,
        &user.password,
    )
    .await
    .expect("plain login on loopback");
    assert!(!session.is_tls());
    // Dovecot advertises STARTTLS only before login; after login the session still works.
    assert!(session.list_folders().await.unwrap().len() >= 6);
    session.logout().await.unwrap();
}

#[tokio::test]
async fn smtp_submission_from_one_user_arrives_in_anothers_inbox() {
    let stack = MailStack::from_env();
    let alice = stack.fresh_user();
    let bob = stack.fresh_user();
    let token = token();

    let message = lettre::Message::builder()
        .from(alice.address.parse().unwrap())
        .to(bob.address.parse().unwrap())
        .subject(format!("形式发票 PI-2026-118 {token}"))
        .body(format!("请确认附件中的形式发票。{token}\r\n"))
        .unwrap();
    let response = stack.send_smtp(&alice, message).await;
    assert!(response.is_positive(), "{response:?}");
    let queued = response.message().collect::<Vec<_>>().join(" ");
    assert!(
        queued.contains("queued"),
        "Postfix should queue it: {queued}"
    );

    let inbox = stack
        .wait_for_messages(&bob, "INBOX", 1, Duration::from_secs(15))
        .await;
    assert_eq!(inbox.len(), 1, "exactly one delivery");
    let text = String::from_utf8_lossy(&inbox[0].1).into_owned();
    assert!(text.contains(&format!("From: {}", alice.address)), "{text}");
    assert!(text.contains(&format!("To: {}", bob.address)), "{text}");
    // lettre encodes the subject per RFC 2047; the token survives as plain ASCII after it.
    assert!(text.contains("Subject: "), "{text}");
    assert!(text.contains(&token), "{text}");
    // Delivered by Postfix over LMTP into Dovecot: the trace headers prove the path.
    assert!(text.contains("Received: from"), "{text}");
    assert!(
        text.contains(&format!("Delivered-To: {}", bob.address)),
        "{text}"
    );

    // The sender's own mailbox is untouched (submission does not file a copy in Sent).
    assert!(stack.fetch_all(&alice, "INBOX").await.is_empty());

    // A raw message through the same path, to the same user.
    let raw = chinese_inquiry(&format!("{token}-raw"));
    let response = stack
        .send_smtp(&alice, Outgoing::raw(&[bob.address.as_str()], raw.clone()))
        .await;
    assert!(response.is_positive(), "{response:?}");
    let inbox = stack
        .wait_for_messages(&bob, "INBOX", 2, Duration::from_secs(15))
        .await;
    let delivered = &inbox
        .iter()
        .find(|(_, b)| b.ends_with(&raw))
        .expect("raw message delivered with its bytes intact after the added trace headers")
        .1;
    assert!(
        delivered.len() > raw.len(),
        "Postfix prepends trace headers"
    );
}

#[tokio::test]
async fn list_shows_special_use_folders_and_a_chinese_folder_round_trips() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let mut session = stack.login(&user).await;

    let folders = session.list_folders().await.expect("LIST");
    for (name, attribute) in [
        ("Drafts", "\\Drafts"),
        ("Sent", "\\Sent"),
        ("Junk", "\\Junk"),
        ("Trash", "\\Trash"),
        ("Archive", "\\Archive"),
    ] {
        let folder = folders
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} missing from LIST: {folders:?}"));
        assert!(
            folder.has_attribute(attribute),
            "{name} lacks {attribute}: {folder:?}"
        );
        assert_eq!(folder.delimiter.as_deref(), Some("/"));
    }
    let inbox = folders.iter().find(|f| f.name == "INBOX").expect("INBOX");
    assert!(!inbox.attributes.iter().any(|a| a == "\\Sent"));

    // 客户询盘 ("customer inquiries") in modified UTF-7 (RFC 3501 §5.1.3), as it goes on the
    // wire. async-imap hands back the raw form; decoding is the folder codec's job (issue 3).
    const INQUIRIES_MUTF7: &str = "&W6JiN4vidtg-";
    session
        .create_folder(INQUIRIES_MUTF7)
        .await
        .expect("CREATE");
    let folders = session.list_folders().await.expect("LIST after CREATE");
    let created = folders
        .iter()
        .find(|f| f.name == INQUIRIES_MUTF7)
        .unwrap_or_else(|| panic!("created folder not listed: {folders:?}"));
    assert!(!created.has_attribute("\\Noselect"), "{created:?}");

    // The raw name is usable for APPEND and EXAMINE.
    let raw = chinese_inquiry(&token());
    session.append(INQUIRIES_MUTF7, &raw).await.expect("APPEND");
    let messages = session.fetch_all_peek(INQUIRIES_MUTF7).await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].1, raw);

    // The wire form really is modified UTF-7: without UTF8=ACCEPT, Dovecot refuses the name in
    // raw UTF-8, so the folder codec must encode before CREATE/SELECT.
    let err = session
        .create_folder("客户询盘")
        .await
        .expect_err("raw UTF-8 folder name must be refused");
    assert!(
        matches!(err.stage(), ImapStage::Command(c) if c.starts_with("CREATE")),
        "{err}"
    );
    session.logout().await.unwrap();
}

#[tokio::test]
async fn wrong_password_is_a_login_error_naming_server_and_user_but_not_password() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let wrong = "not-the-secret-7f3a";
    let err = connect_and_login(
        &stack.imap_endpoint(TlsMode::Starttls),
        &user.address,
        wrong,
    )
    .await
    .expect_err("wrong password must fail");

    assert_eq!(
        err.stage(),
        &ImapStage::Login {
            user: user.address.clone()
        }
    );
    let text = err.to_string();
    assert!(
        text.contains(&format!("127.0.0.1:{}", stack.imap_port)),
        "{text}"
    );
    assert!(
        text.contains(&format!("login as {}", user.address)),
        "{text}"
    );
    assert!(text.contains("failed"), "{text}");
    // Dovecot's NO text for bad credentials.
    assert!(text.contains("Authentication failed"), "{text}");
    assert!(!text.contains(wrong), "password leaked into: {text}");
    assert!(
        !format!("{err:?}").contains(wrong),
        "password leaked into Debug"
    );
    assert!(!err.is_certificate_error());

    // The right password still works right after (no penalty delay configured on loopback).
    let ok = connect_and_login(
        &stack.imap_endpoint(TlsMode::Starttls),
        &user.address,
        &user.password,
    )
    .await;
    assert!(ok.is_ok(), "{:?}", ok.err());
}

#[tokio::test]
async fn peek_fetch_leaves_unseen_messages_unseen() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let mut session = stack.login(&user).await;

    let unseen = chinese_inquiry(&format!("{}-unseen", token()));
    let seen = chinese_inquiry(&format!("{}-seen", token()));
    session.append("INBOX", &unseen).await.unwrap();
    // Control: a message that *is* \Seen, so the flag check below cannot pass vacuously.
    session
        .append_with_flags("INBOX", &["\\Seen"], &seen)
        .await
        .unwrap();

    let before = session.fetch_flags("INBOX").await.unwrap();
    assert_eq!(before.len(), 2);

    // Read both bodies twice, over this session and a fresh one.
    let first = session.fetch_all_peek("INBOX").await.unwrap();
    assert_eq!(first.len(), 2);
    assert!(first.iter().any(|(_, b)| b == &unseen));
    assert_eq!(stack.fetch_all(&user, "INBOX").await, first);

    let after = session.fetch_flags("INBOX").await.unwrap();
    session.logout().await.unwrap();
    assert_eq!(after, before, "fetching changed flags");
    let uid_of = |body: &Vec<u8>| first.iter().find(|(_, b)| b == body).unwrap().0;
    let flags_of = |uid: u32| &after.iter().find(|(u, _)| *u == uid).unwrap().1;
    assert!(
        !flags_of(uid_of(&unseen)).iter().any(|f| f == "\\Seen"),
        "peek marked the message seen: {after:?}"
    );
    assert!(
        flags_of(uid_of(&seen)).iter().any(|f| f == "\\Seen"),
        "control message should carry \\Seen: {after:?}"
    );
}
