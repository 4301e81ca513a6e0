//! IMAP sync against the real Dovecot of `scripts/mailstack`: backfill, incremental sync,
//! UIDVALIDITY changes, deletions, CC'd copies, kill -9 and auth failures.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{MailStack, TestUser};
use tradewind::config::Config;
use tradewind::store::worker::StoreWorker;
use tradewind::sync::{options_for, sync_mailbox, utf7, MailboxReport, SyncError};

/// A temp dir with a config whose mailboxes are the given test users on the stack.
struct Setup {
    dir: tempfile::TempDir,
    config: PathBuf,
}

/// `(mailbox name, user, extra lines for [mailboxes.imap])`.
fn setup(stack: &MailStack, mailboxes: &[(&str, &TestUser, &str)]) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "[company]\nname = \"Ningbo Seawind\"\nhome_country = \"CN\"\ndomains = [\"seawind-trade.cn\"]\n\n[store]\ndata_dir = \"data\"\n\n",
    );
    for (name, user, extra) in mailboxes {
        let pw = dir.path().join(format!("{name}.pw"));
        std::fs::write(&pw, format!("{}\n", user.password)).unwrap();
        // Secret files must be private: tradewind refuses group- or world-readable ones.
        let private = <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600);
        std::fs::set_permissions(&pw, private).unwrap();
        text.push_str(&format!(
            "[[users]]\nlogin = \"{name}\"\nname = \"{name}\"\nemail = \"{name}@seawind-trade.cn\"\nrole = \"sales\"\n\n\
             [[mailboxes]]\nname = \"{name}\"\nowner = \"{name}\"\nrole = \"sales\"\naddress = \"{addr}\"\n\
             [mailboxes.imap]\nhost = \"{host}\"\nport = {port}\ntls = \"starttls\"\nca_file = \"{ca}\"\n\
             username = \"{addr}\"\n{extra}\n\n",
            addr = user.address,
            host = stack.host,
            port = stack.imap_port,
            ca = stack.ca_file.display(),
            extra = if extra.contains("auth =") {
                extra.to_string()
            } else {
                format!("password = {{ file = \"{}\" }}\n{extra}", pw.display())
            },
        ));
    }
    let config = dir.path().join("tradewind.toml");
    std::fs::write(&config, text).unwrap();
    Setup { dir, config }
}

impl Setup {
    fn config(&self) -> Config {
        Config::load(&self.config).unwrap()
    }

    fn db_path(&self) -> PathBuf {
        self.dir.path().join("data/tradewind.db")
    }

    fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db_path()).unwrap()
    }

    async fn sync(&self, mailbox: &str) -> Result<MailboxReport, SyncError> {
        let config = self.config();
        let worker = StoreWorker::start(&config.database_path()).unwrap();
        sync_mailbox(
            &worker,
            &config,
            mailbox,
            &options_for(&config, mailbox, false),
        )
        .await
    }

    fn count(&self, sql: &str) -> i64 {
        self.db().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Live (not gone) locations per folder of `mailbox`.
    fn locations(&self, mailbox: &str) -> BTreeMap<String, i64> {
        let db = self.db();
        let mut stmt = db
            .prepare(
                "SELECT folder, COUNT(*) FROM message_locations
                 WHERE mailbox = ?1 AND gone_at IS NULL GROUP BY folder",
            )
            .unwrap();
        stmt.query_map([mailbox], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn keys(&self) -> HashSet<String> {
        let db = self.db();
        let mut stmt = db.prepare("SELECT message_key FROM messages").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn tradewind(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tradewind"));
        cmd.arg("--config")
            .arg(&self.config)
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("TRADEWIND_CONFIG");
        cmd
    }
}

fn total(report: &MailboxReport, f: impl Fn(&tradewind::sync::FolderReport) -> usize) -> usize {
    report.total(f)
}

/// A customer email with a unique Message-ID; `padding` bytes of body make it bigger.
fn mail(tag: &str, i: usize, padding: usize) -> (String, Vec<u8>) {
    let id = format!("<{tag}-{i}@hansa-tools.de>");
    let body = format!(
        "Dear Li Wei,\r\nplease confirm order {i}.\r\n{}\r\nJonas\r\n",
        "x".repeat(padding)
    );
    let raw = format!(
        "From: Jonas Weber <jonas@hansa-tools.de>\r\nTo: li.wei@seawind-trade.cn\r\n\
         Subject: Order {tag} {i}\r\nMessage-ID: {id}\r\nDate: Tue, 03 Nov 2026 09:15:00 +0100\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    );
    (id, raw.into_bytes())
}

/// A GBK email without a charset-less trick: declared charset gbk, 8-bit body.
fn gbk_mail(tag: &str) -> (String, Vec<u8>) {
    let id = format!("<{tag}-gbk@customer.cn>");
    let (subject, _, _) = encoding_rs::GBK.encode("发货通知");
    let (body, _, _) = encoding_rs::GBK.encode("您好，货物已发出。");
    let mut raw = format!(
        "From: buyer@customer.cn\r\nTo: li.wei@seawind-trade.cn\r\nMessage-ID: {id}\r\nSubject: =?GBK?B?{}?=\r\n\
         Content-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
        b64(&subject)
    )
    .into_bytes();
    raw.extend_from_slice(&body);
    raw.extend_from_slice(b"\r\n");
    (id, raw)
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32) << (8 * (3 - chunk.len()));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Bytes that are not an email: no From, Date, Message-ID or Subject.
const MALFORMED: &[u8] = b"X-Garbage: 1\r\n\r\nthis is not an email at all\r\n";

async fn append_many(
    stack: &MailStack,
    user: &TestUser,
    folder: &str,
    mails: &[(String, Vec<u8>)],
    seen: bool,
) {
    let mut session = stack.login(user).await;
    for (_, raw) in mails {
        let flags: &[&str] = if seen { &["\\Seen"] } else { &[] };
        session.append_with_flags(folder, flags, raw).await.unwrap();
    }
    session.logout().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn backfill_of_several_folders_then_incremental_sync() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let chinese = utf7::encode("客户/美国");
    {
        let mut s = stack.login(&user).await;
        s.create_folder(&chinese).await.unwrap();
        s.logout().await.unwrap();
    }
    let inbox: Vec<_> = (0..1200).map(|i| mail("in", i, 200)).collect();
    let sent: Vec<_> = (0..400).map(|i| mail("sent", i, 200)).collect();
    let archive: Vec<_> = (0..200).map(|i| mail("arch", i, 200)).collect();
    let cn: Vec<_> = (0..200).map(|i| mail("cn", i, 200)).collect();
    let junk: Vec<_> = (0..5).map(|i| mail("junk", i, 10)).collect();
    let started = Instant::now();
    tokio::join!(
        append_many(&stack, &user, "INBOX", &inbox[..600], false),
        append_many(&stack, &user, "INBOX", &inbox[600..], true),
        append_many(&stack, &user, "Sent", &sent, true),
        append_many(&stack, &user, "Archive", &archive, true),
        append_many(&stack, &user, &chinese, &cn, false),
        append_many(&stack, &user, "Junk", &junk, false),
    );
    let gbk = gbk_mail("bf");
    stack.append(&user, "INBOX", &gbk.1).await;
    stack.append(&user, "INBOX", MALFORMED).await;
    eprintln!("appended 2,007 messages in {:?}", started.elapsed());
    let flags_before = {
        let mut s = stack.login(&user).await;
        let f = s.fetch_flags("INBOX").await.unwrap();
        s.logout().await.unwrap();
        f
    };

    let setup = setup(&stack, &[("li.wei", &user, "batch_size = 150")]);
    let started = Instant::now();
    let report = setup.sync("li.wei").await.unwrap();
    eprintln!("initial sync: {:?}", started.elapsed());
    let folders: Vec<&str> = report.folders.iter().map(|f| f.folder.as_str()).collect();
    // Dovecot lists the parent "客户" as \Noselect: it holds no mail.
    assert_eq!(folders, ["INBOX", "Archive", "Sent", "客户/美国"]);
    assert_eq!(total(&report, |f| f.fetched), 2002);
    assert_eq!(total(&report, |f| f.new_messages), 2001);
    assert_eq!(total(&report, |f| f.failed), 1);

    // Exactly the server's messages: every Message-ID, nothing from Junk, nothing twice.
    let expected: HashSet<String> = inbox
        .iter()
        .chain(&sent)
        .chain(&archive)
        .chain(&cn)
        .chain([&gbk])
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(setup.keys(), expected);
    let locations = setup.locations("li.wei");
    assert_eq!(
        locations,
        BTreeMap::from([
            ("INBOX".to_string(), 1201),
            ("Sent".to_string(), 400),
            ("Archive".to_string(), 200),
            ("客户/美国".to_string(), 200),
        ])
    );
    assert_eq!(
        setup.count("SELECT COUNT(*) FROM unparsed_messages WHERE gone_at IS NULL"),
        1
    );
    let (error, raw): (String, Vec<u8>) = setup
        .db()
        .query_row("SELECT error, raw FROM unparsed_messages", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(error.contains("not an email"), "{error}");
    assert!(raw.ends_with(b"this is not an email at all\r\n"));
    let subject: String = setup
        .db()
        .query_row(
            "SELECT subject || ' ' || body_text FROM messages WHERE message_key = ?1",
            [&gbk.0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(subject, "发货通知 您好，货物已发出。");
    let raw_names: Vec<String> = {
        let db = setup.db();
        let mut stmt = db
            .prepare("SELECT raw_name FROM imap_folders WHERE name = '客户/美国'")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(raw_names, std::slice::from_ref(&chinese));

    // Reading changed no flag: the 600 unread messages are still unread.
    let flags_after = {
        let mut s = stack.login(&user).await;
        let f = s.fetch_flags("INBOX").await.unwrap();
        s.logout().await.unwrap();
        f
    };
    assert_eq!(flags_before, flags_after);
    let unread = flags_after
        .iter()
        .filter(|(_, f)| !f.iter().any(|f| f == "\\Seen"))
        .count();
    assert_eq!(unread, 600 + 2);

    // Nothing new: nothing fetched.
    let again = setup.sync("li.wei").await.unwrap();
    assert_eq!(total(&again, |f| f.fetched), 0, "{again:?}");
    assert_eq!(total(&again, |f| f.gone), 0, "{again:?}");

    // A message delivered later is picked up alone.
    let late = mail("late", 0, 10);
    stack.append(&user, &chinese, &late.1).await;
    let third = setup.sync("li.wei").await.unwrap();
    assert_eq!(total(&third, |f| f.fetched), 1, "{third:?}");
    assert_eq!(total(&third, |f| f.new_messages), 1);
    assert_eq!(setup.locations("li.wei")["客户/美国"], 201);
    assert_eq!(setup.count("SELECT COUNT(*) FROM messages"), 2002);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cc_in_two_mailboxes_is_one_message_with_two_locations() {
    let stack = MailStack::from_env();
    let (a, b) = (stack.fresh_user(), stack.fresh_user());
    let (id, raw) = mail("cc", 1, 10);
    stack.append(&a, "INBOX", &raw).await;
    stack.append(&b, "INBOX", &raw).await;
    let setup = setup(&stack, &[("li.wei", &a, ""), ("zhang.min", &b, "")]);
    let first = setup.sync("li.wei").await.unwrap();
    assert_eq!(total(&first, |f| f.new_messages), 1);
    let second = setup.sync("zhang.min").await.unwrap();
    assert_eq!(total(&second, |f| f.new_messages), 0);
    assert_eq!(total(&second, |f| f.new_locations), 1);
    assert_eq!(setup.keys(), HashSet::from([id]));
    assert_eq!(setup.count("SELECT COUNT(*) FROM message_locations"), 2);
    assert_eq!(setup.locations("zhang.min")["INBOX"], 1);
    // Dovecot offers CONDSTORE: the state records HIGHESTMODSEQ once a folder is complete.
    assert_eq!(
        setup.count("SELECT COUNT(*) FROM imap_folders WHERE highest_modseq IS NULL"),
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn uidvalidity_change_rescans_without_duplicates() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let mails: Vec<_> = (0..30).map(|i| mail("uv", i, 10)).collect();
    {
        let mut s = stack.login(&user).await;
        s.create_folder("Kunden").await.unwrap();
        s.logout().await.unwrap();
    }
    append_many(&stack, &user, "Kunden", &mails, true).await;
    let setup = setup(&stack, &[("li.wei", &user, "batch_size = 7")]);
    setup.sync("li.wei").await.unwrap();
    let old: i64 = setup.count("SELECT uidvalidity FROM imap_folders WHERE name = 'Kunden'");

    // Delete and recreate the folder with the same messages plus one.
    {
        let mut s = stack.login(&user).await;
        s.delete_folder("Kunden").await.unwrap();
        s.create_folder("Kunden").await.unwrap();
        s.logout().await.unwrap();
    }
    let extra = mail("uv", 99, 10);
    append_many(&stack, &user, "Kunden", &mails[10..], true).await;
    append_many(&stack, &user, "Kunden", &mails[..10], true).await;
    stack.append(&user, "Kunden", &extra.1).await;

    let report = setup.sync("li.wei").await.unwrap();
    let kunden = report
        .folders
        .iter()
        .find(|f| f.folder == "Kunden")
        .unwrap();
    let new: i64 = setup.count("SELECT uidvalidity FROM imap_folders WHERE name = 'Kunden'");
    assert_ne!(
        old, new,
        "Dovecot gave the recreated folder the same UIDVALIDITY"
    );
    assert!(kunden.uidvalidity_reset, "{kunden:?}");
    assert_eq!(kunden.fetched, 31);
    assert_eq!(kunden.new_messages, 1);
    assert_eq!(kunden.gone, 0);
    assert_eq!(setup.count("SELECT COUNT(*) FROM messages"), 31);
    assert_eq!(setup.locations("li.wei")["Kunden"], 31);
    assert_eq!(
        setup.count(&format!(
            "SELECT COUNT(*) FROM message_locations WHERE folder = 'Kunden' AND uidvalidity = {new}"
        )),
        31
    );
    // UIDs point at the new folder: every stored UID is one the server has.
    let again = setup.sync("li.wei").await.unwrap();
    assert_eq!(total(&again, |f| f.fetched + f.gone), 0, "{again:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_deleted_on_the_server_is_kept_and_its_location_marked_gone() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let mails: Vec<_> = (0..5).map(|i| mail("del", i, 10)).collect();
    append_many(&stack, &user, "INBOX", &mails, false).await;
    let setup = setup(&stack, &[("li.wei", &user, "")]);
    setup.sync("li.wei").await.unwrap();
    let uid: u32 = setup
        .db()
        .query_row(
            "SELECT l.uid FROM message_locations l JOIN messages m ON m.id = l.message_id WHERE m.message_key = ?1",
            [&mails[2].0],
            |r| r.get(0),
        )
        .unwrap();
    {
        let mut s = stack.login(&user).await;
        s.expunge_uid("INBOX", uid).await.unwrap();
        s.logout().await.unwrap();
    }
    let report = setup.sync("li.wei").await.unwrap();
    assert_eq!(total(&report, |f| f.gone), 1, "{report:?}");
    assert_eq!(setup.count("SELECT COUNT(*) FROM messages"), 5);
    let gone: Option<String> = setup
        .db()
        .query_row(
            "SELECT l.gone_at FROM message_locations l JOIN messages m ON m.id = l.message_id WHERE m.message_key = ?1",
            [&mails[2].0],
            |r| r.get(0),
        )
        .unwrap();
    assert!(gone.is_some());
    assert_eq!(setup.locations("li.wei")["INBOX"], 4);
    // Once gone stays gone, and is not counted again.
    let again = setup.sync("li.wei").await.unwrap();
    assert_eq!(total(&again, |f| f.gone), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_backfill_then_rerun_stores_exactly_the_servers_set() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let mails: Vec<_> = (0..1500).map(|i| mail("k9", i, 4000)).collect();
    tokio::join!(
        append_many(&stack, &user, "INBOX", &mails[..750], false),
        append_many(&stack, &user, "Archive", &mails[750..], false),
    );
    let setup = setup(&stack, &[("li.wei", &user, "batch_size = 10")]);
    let mut child = setup.tradewind(&["sync", "--once"]).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let stored_at_kill = loop {
        let n = if setup.db_path().exists() {
            rusqlite::Connection::open_with_flags(
                setup.db_path(),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .and_then(|db| {
                db.query_row("SELECT COUNT(*) FROM messages", [], |r| r.get::<_, i64>(0))
            })
            .unwrap_or(0)
        } else {
            0
        };
        if n >= 30 {
            break n;
        }
        assert!(Instant::now() < deadline, "sync stored nothing within 60 s");
        assert!(
            child.try_wait().unwrap().is_none(),
            "sync ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let after_kill = setup.count("SELECT COUNT(*) FROM messages");
    assert!(
        after_kill >= stored_at_kill && after_kill < 1500,
        "killed too late: {after_kill}"
    );

    let out = setup
        .tradewind(&["sync", "--once", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: HashSet<String> = mails.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(setup.keys(), expected);
    assert_eq!(setup.count("SELECT COUNT(*) FROM message_locations"), 1500);
    assert_eq!(
        setup.locations("li.wei"),
        BTreeMap::from([("INBOX".to_string(), 750), ("Archive".to_string(), 750)])
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fetched: u64 = json[0]["report"]["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fetched"].as_u64().unwrap())
        .sum();
    assert_eq!(
        fetched as i64,
        1500 - after_kill,
        "the rerun fetched what was already committed"
    );
    // Nothing was marked read.
    let mut s = stack.login(&user).await;
    let flags = s.fetch_flags("INBOX").await.unwrap();
    s.logout().await.unwrap();
    assert!(flags.iter().all(|(_, f)| !f.iter().any(|f| f == "\\Seen")));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_names_the_mailbox_and_the_login_stage() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let wrong = TestUser {
        address: user.address.clone(),
        password: "not-the-password".into(),
    };
    let setup = setup(&stack, &[("li.wei", &wrong, "")]);
    let err = setup.sync("li.wei").await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    let out = setup
        .tradewind(&["sync", "--once", "--mailbox", "li.wei"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mailbox 'li.wei'"), "{stderr}");
    assert!(
        stderr.contains(&format!("login as {}", user.address)),
        "{stderr}"
    );
    assert!(!stderr.contains("not-the-password"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn xoauth2_logs_in_with_the_providers_token_and_uses_a_refreshed_one_after_expiry() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    stack.append(&user, "INBOX", &mail("oauth", 1, 0).1).await;
    // The token command is how Gmail / Microsoft 365 deployments hand tradewind a token;
    // here it prints whatever the "provider" (the test) last issued.
    let token_file = tempfile::NamedTempFile::new().unwrap();
    let command = format!("cat {}", token_file.path().display());
    let extra = format!("auth = \"xoauth2\"\noauth2_token = {{ command = \"{command}\" }}");
    let setup = setup_with_text(&stack, &user, &extra);

    let valid = stack.oauth2_token(&user, 600);
    std::fs::write(token_file.path(), &valid).unwrap();
    let report = setup
        .sync("li.wei")
        .await
        .expect("XOAUTH2 login with a valid token");
    assert_eq!(total(&report, |f| f.new_messages), 1);

    // The token expires: the server refuses it, the error names the mailbox, never the token.
    let expired = stack.oauth2_token(&user, -60);
    std::fs::write(token_file.path(), &expired).unwrap();
    let err = setup.sync("li.wei").await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("mailbox 'li.wei'") && text.contains("login as"),
        "{text}"
    );
    assert!(!text.contains(&expired) && !text.contains(&valid), "{text}");

    // The provider refreshes it: the next connection asks the command again and gets in.
    stack.append(&user, "INBOX", &mail("oauth", 2, 0).1).await;
    std::fs::write(token_file.path(), stack.oauth2_token(&user, 600)).unwrap();
    let report = setup
        .sync("li.wei")
        .await
        .expect("the refreshed token is used");
    assert_eq!(total(&report, |f| f.new_messages), 1);
    assert_eq!(setup.count("SELECT COUNT(*) FROM messages"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_the_server_refuses_is_a_clear_auth_error() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let token = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(token.path(), "ya29.test-token\n").unwrap();
    let extra = format!(
        "auth = \"xoauth2\"\noauth2_token = {{ file = \"{}\" }}",
        token.path().display()
    );
    let setup = setup(&stack, &[("li.wei", &user, &extra)]);
    let err = setup.sync("li.wei").await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("mailbox 'li.wei'") && text.contains("login as"),
        "{text}"
    );
    assert!(!text.contains("ya29"), "{text}");

    // A token command that fails is named, and nothing is sent.
    let extra = "auth = \"xoauth2\"\noauth2_token = { command = \"exit 3\" }";
    let setup = setup_with_text(&stack, &user, extra);
    let err = setup.sync("li.wei").await.unwrap_err().to_string();
    assert!(err.contains("token command `exit 3` failed"), "{err}");
}

fn setup_with_text(stack: &MailStack, user: &TestUser, extra: &str) -> Setup {
    setup(stack, &[("li.wei", user, extra)])
}

#[test]
fn sync_without_once_points_at_the_daemon() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tradewind"))
        .args(["--config", "/nonexistent.toml", "sync"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tradewind run"));
}

/// A mail with a long body and a PDF attachment (`pdf` is its decoded content).
fn mail_with_attachment(tag: &str, pdf: &[u8]) -> Vec<u8> {
    format!(
        "From: Jonas Weber <jonas@hansa-tools.de>\r\nTo: li.wei@seawind-trade.cn\r\n\
         Subject: PI {tag}\r\nMessage-ID: <{tag}@hansa-tools.de>\r\nDate: Tue, 03 Nov 2026 09:15:00 +0100\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n\
         --XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n\
         --XX\r\nContent-Type: application/pdf; name=pi.pdf\r\nContent-Disposition: attachment; filename=pi.pdf\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--XX--\r\n",
        "报价单见附件。".repeat(40),
        b64(pdf)
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn long_bodies_are_cut_and_attachments_archived_once_when_asked() {
    let stack = MailStack::from_env();
    let (a, b) = (stack.fresh_user(), stack.fresh_user());
    let pdf = b"%PDF-1.4\n% proforma invoice PI-2026-118\n";
    stack
        .append(&a, "INBOX", &mail_with_attachment("pi-1", pdf))
        .await;
    stack
        .append(&a, "Sent", &mail_with_attachment("pi-2", pdf))
        .await;
    stack
        .append(&b, "INBOX", &mail_with_attachment("pi-3", b"%PDF other"))
        .await;
    let setup = setup(
        &stack,
        &[
            (
                "li.wei",
                &a,
                "max_body_bytes = 64\narchive_attachments = true",
            ),
            ("zhang.min", &b, ""),
        ],
    );
    setup.sync("li.wei").await.unwrap();
    setup.sync("zhang.min").await.unwrap();

    let db = setup.db();
    let (body, truncated, headers): (String, bool, String) = db
        .query_row(
            "SELECT body_text, body_truncated, headers FROM messages WHERE message_key = '<pi-1@hansa-tools.de>'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(truncated);
    assert!(
        body.len() <= 64 && body.starts_with("报价单见附件。"),
        "{body}"
    );
    assert!(headers.contains("Subject: PI pi-1"), "{headers}");
    let (untouched, not_cut): (String, bool) = db
        .query_row(
            "SELECT body_text, body_truncated FROM messages WHERE message_key = '<pi-3@hansa-tools.de>'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(!not_cut && untouched.len() > 64);

    let hashes: Vec<(String, Option<String>)> = {
        let mut stmt = db
            .prepare(
                "SELECT m.message_key, a.content_sha256 FROM attachments a
                 JOIN messages m ON m.id = a.message_id ORDER BY m.message_key",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(hashes.len(), 3);
    let h1 = hashes[0].1.clone().expect("archived");
    assert_eq!(
        hashes[1].1.as_deref(),
        Some(h1.as_str()),
        "same content, same file"
    );
    assert_eq!(hashes[2].1, None, "zhang.min does not archive attachments");
    let archive = setup.dir.path().join("data/attachments");
    let path = tradewind::sync::attachments::path_of(&archive, &h1);
    assert_eq!(std::fs::read(path).unwrap(), pdf);
    let files: usize = std::fs::read_dir(&archive)
        .unwrap()
        .map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().count())
        .sum();
    assert_eq!(files, 1);
}
