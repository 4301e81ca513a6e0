//! `tradewind doctor` (issue 9) against the real mail stack: a healthy company passes every
//! check that matters, and each broken part — a wrong password, an expired server certificate,
//! a data dir owned by someone else — gives the right FAIL, exit code 1 and a fix.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use common::cli::describe;
use common::{MailStack, TestUser};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_tradewind");

/// A company in a temp dir with one IMAP mailbox and SMTP submission, as in production:
/// STARTTLS, the stack's CA, the password in an environment variable.
struct Setup {
    dir: tempfile::TempDir,
    config: PathBuf,
    password: String,
}

impl Setup {
    fn new(stack: &MailStack, user: &TestUser, password: &str) -> Setup {
        Setup::with_imap(stack, user, password, stack.imap_port, "starttls")
    }

    fn with_imap(
        stack: &MailStack,
        user: &TestUser,
        password: &str,
        port: u16,
        tls: &str,
    ) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            r#"[company]
name = "Ningbo Seawind"
home_country = "CN"
domains = ["seawind-trade.cn"]

[store]
data_dir = "data"

[[users]]
login = "li.wei"
name = "Li Wei"
email = "li.wei@seawind-trade.cn"
role = "sales"

[[mailboxes]]
name = "sales-li"
owner = "li.wei"
role = "sales"
address = "{addr}"
[mailboxes.imap]
host = "{host}"
port = {port}
tls = "{tls}"
username = "{addr}"
password = {{ env = "TW_DOCTOR_PW" }}
ca_file = "{ca}"

[smtp]
host = "{host}"
port = {submission}
tls = "starttls"
username = "{addr}"
password = {{ env = "TW_DOCTOR_PW" }}
ca_file = "{ca}"
"#,
            addr = user.address,
            host = stack.host,
            ca = stack.ca_file.display(),
            submission = stack.submission_port,
        );
        let config = dir.path().join("tradewind.toml");
        std::fs::write(&config, text).unwrap();
        Setup {
            dir,
            config,
            password: password.to_string(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .current_dir(self.dir.path())
            .env("TW_DOCTOR_PW", &self.password)
            .env("TRADEWIND_ACTOR", "cli:tester")
            .env_remove("TRADEWIND_CONFIG")
            .output()
            .unwrap()
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Creates the database and index as a first run would, with private permissions.
    fn initialise(&self) {
        let out = self.run(&["sync", "--once"]);
        assert!(out.status.success(), "{}", describe(&out));
        let out = self.run(&["reindex"]);
        assert!(out.status.success(), "{}", describe(&out));
        chmod(&self.data_dir(), 0o750);
    }

    /// `doctor --json`: (exit code, checks).
    fn doctor(&self) -> (Option<i32>, Vec<Value>, Output) {
        let out = self.run(&["doctor", "--json"]);
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("doctor --json: {e}\n{}", describe(&out)));
        let checks = v["checks"].as_array().unwrap().clone();
        (out.status.code(), checks, out)
    }
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The status of the check `check` whose subject starts with `subject`.
fn status<'a>(checks: &'a [Value], subject: &str, check: &str) -> &'a Value {
    checks
        .iter()
        .find(|c| c["subject"].as_str().unwrap().starts_with(subject) && c["check"] == check)
        .unwrap_or_else(|| panic!("no check {subject} / {check} in {checks:#?}"))
}

fn fails(checks: &[Value]) -> Vec<&Value> {
    checks.iter().filter(|c| c["status"] == "FAIL").collect()
}

#[test]
fn a_healthy_company_passes_and_the_table_names_every_part() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let setup = Setup::new(&stack, &user, &user.password);
    setup.initialise();
    let (code, checks, out) = setup.doctor();
    assert!(fails(&checks).is_empty(), "{:#?}", fails(&checks));
    assert_eq!(code, Some(0), "{}", describe(&out));
    for (subject, check) in [
        ("config", "load"),
        ("secrets", "file modes"),
        ("data dir", "owner"),
        ("data dir", "permissions"),
        ("database", "integrity"),
        ("database", "schema"),
        ("search index", "lag"),
        ("mailbox sales-li", "dns"),
        ("imap ", "tls certificate"),
        ("mailbox sales-li", "login"),
        ("mailbox sales-li", "extensions"),
        ("mailbox sales-li", "folders"),
        ("smtp ", "submission"),
    ] {
        assert_eq!(
            status(&checks, subject, check)["status"],
            "OK",
            "{subject} / {check}: {:#}",
            status(&checks, subject, check)
        );
    }
    // Free space depends on the machine running the tests: present, and not a FAIL (above).
    status(&checks, "disk", "free space");
    let cert = status(&checks, "imap ", "tls certificate");
    assert!(
        cert["detail"].as_str().unwrap().contains("valid until"),
        "{cert}"
    );
    // The human table says the same.
    let table = setup.run(&["doctor"]);
    assert!(table.status.success(), "{}", describe(&table));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains(" 0 FAIL"), "{text}");
    assert!(text.contains("tls certificate"), "{text}");
}

#[test]
fn a_wrong_password_fails_login_and_smtp_without_showing_it() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let setup = Setup::new(&stack, &user, "not-the-password-4711");
    let (code, checks, out) = setup.doctor();
    assert_eq!(code, Some(1), "{}", describe(&out));
    let login = status(&checks, "mailbox sales-li", "login");
    assert_eq!(login["status"], "FAIL", "{login}");
    assert!(
        login["fix"].as_str().unwrap().contains("password"),
        "{login}"
    );
    assert_eq!(status(&checks, "smtp ", "submission")["status"], "FAIL");
    // The TLS side is still fine: the failure is pinned on the login.
    assert_eq!(status(&checks, "imap ", "tls certificate")["status"], "OK");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !all.contains("not-the-password-4711"),
        "the password leaked:\n{all}"
    );
}

/// An implicit-TLS server on loopback that presents `cert_pem` (signed by the stack's CA).
async fn tls_server(cert_pem: &Path, key_pem: &Path) -> u16 {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_pem)
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    let key = PrivateKeyDer::from_pem_file(key_pem).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(tcp).await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_server_certificate_is_a_tls_fail() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let tls_dir = stack.ca_file.parent().unwrap();
    let work = tempfile::tempdir().unwrap();
    let expired = work.path().join("expired.pem");
    // Signed by the stack's own CA, for the right names, but its last valid day was yesterday.
    let out = Command::new("openssl")
        .args(["x509", "-req", "-days", "-1", "-in"])
        .arg(tls_dir.join("server.csr"))
        .arg("-CA")
        .arg(&stack.ca_file)
        .arg("-CAkey")
        .arg(tls_dir.join("ca.key"))
        .arg("-CAserial")
        .arg(work.path().join("ca.srl"))
        .arg("-CAcreateserial")
        .arg("-extfile")
        .arg(tls_dir.join("leaf.ext"))
        .arg("-out")
        .arg(&expired)
        .output()
        .expect("openssl (Debian package openssl) is needed to make an expired certificate");
    assert!(out.status.success(), "{}", describe(&out));
    let port = tls_server(&expired, &tls_dir.join("server.key")).await;
    let setup = Setup::with_imap(&stack, &user, &user.password, port, "implicit");
    let config = setup.config.clone();
    let pw = user.password.clone();
    let dir = setup.dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .arg("--config")
            .arg(&config)
            .args(["doctor", "--json"])
            .current_dir(&dir)
            .env("TW_DOCTOR_PW", pw)
            .env_remove("TRADEWIND_CONFIG")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = v["checks"].as_array().unwrap();
    let cert = status(checks, "imap ", "tls certificate");
    assert_eq!(cert["status"], "FAIL", "{cert}");
    assert!(
        cert["detail"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("expired"),
        "{cert}"
    );
    assert!(cert["fix"].as_str().unwrap().contains("renew"), "{cert}");
    // Login is not attempted over a connection that could not be secured.
    assert!(checks.iter().all(|c| c["check"] != "login"), "{checks:#?}");
}

#[test]
fn a_data_dir_owned_by_someone_else_or_open_to_all_fails() {
    let stack = MailStack::from_env();
    let user = stack.fresh_user();
    let setup = Setup::new(&stack, &user, &user.password);
    setup.initialise();
    chmod(&setup.data_dir(), 0o757);
    let (code, checks, _) = setup.doctor();
    assert_eq!(code, Some(1));
    let perms = status(&checks, "data dir", "permissions");
    assert_eq!(perms["status"], "FAIL", "{perms}");
    assert!(
        perms["fix"].as_str().unwrap().contains("chmod 750"),
        "{perms}"
    );

    chmod(&setup.data_dir(), 0o750);
    // nobody:nogroup — the daemon's user no longer owns its data.
    std::os::unix::fs::chown(setup.data_dir(), Some(65534), Some(65534)).unwrap();
    let (code, checks, _) = setup.doctor();
    assert_eq!(code, Some(1));
    let owner = status(&checks, "data dir", "owner");
    assert_eq!(owner["status"], "FAIL", "{owner}");
    assert!(
        owner["detail"].as_str().unwrap().contains("uid 65534"),
        "{owner}"
    );
}

#[test]
fn a_broken_config_is_one_fail_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tradewind.toml");
    std::fs::write(
        &config,
        "[company]\nname = \"x\"\ndomains = []\nhome_country = \"Atlantis\"\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "FAIL");
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 1);
    assert!(
        checks[0]["detail"]
            .as_str()
            .unwrap()
            .contains("tradewind.toml:4: company.home_country"),
        "{v}"
    );
}
