//! Access to the real Dovecot + Postfix that `scripts/mailstack start` runs on loopback.
//!
//! The project has no mocked IMAP/SMTP: tests that need a mail server read
//! `TRADEWIND_MAILSTACK_ENV` (the `mailstack.env` file the script writes) and talk to the real
//! servers. A missing stack is a failure, never a silent skip. IMAP access goes through the
//! library's own `tradewind::source::imap`, so these helpers exercise production code too.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::response::Response;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tradewind::source::imap::{connect_and_login, ImapEndpoint, ImapSession};
use tradewind::tls::TlsMode;

/// The variable naming the stack's env file.
pub const ENV_VAR: &str = "TRADEWIND_MAILSTACK_ENV";

/// A running mail stack, as described by its `mailstack.env`.
#[derive(Debug, Clone)]
pub struct MailStack {
    /// Directory the stack lives in (configs, Maildirs, logs).
    pub dir: PathBuf,
    /// Address every service listens on (127.0.0.1).
    pub host: String,
    /// Mail domain served locally (example.test).
    pub domain: String,
    /// Password of every t-* user.
    pub password: String,
    /// IMAP, plaintext greeting with STARTTLS.
    pub imap_port: u16,
    /// IMAP over implicit TLS.
    pub imaps_port: u16,
    /// SMTP submission, STARTTLS required, AUTH.
    pub submission_port: u16,
    /// SMTP submission over implicit TLS.
    pub submissions_port: u16,
    /// MX-style SMTP (no AUTH needed for local recipients).
    pub smtp_port: u16,
    /// The private CA that signed the servers' certificate.
    pub ca_file: PathBuf,
    /// Every KEY=VALUE of the env file, for tests needing something not lifted above.
    pub vars: HashMap<String, String>,
}

/// A throw-away mailbox owner: `t-…@example.test` exists on first login, password `secret`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestUser {
    /// Full address, also the IMAP/SMTP login name.
    pub address: String,
    /// Login password.
    pub password: String,
}

/// A message for [`MailStack::send_smtp`]: a lettre `Message` (envelope derived from its
/// headers) or raw RFC 5322 bytes with an explicit recipient list.
#[derive(Debug)]
pub enum Outgoing {
    /// Built with lettre's builder.
    Message(lettre::Message),
    /// Exact bytes to send, and the RCPT TO addresses.
    Raw { to: Vec<String>, bytes: Vec<u8> },
}

impl From<lettre::Message> for Outgoing {
    fn from(message: lettre::Message) -> Self {
        Outgoing::Message(message)
    }
}

impl Outgoing {
    /// Raw bytes for the given recipients.
    pub fn raw(to: &[&str], bytes: impl Into<Vec<u8>>) -> Self {
        Outgoing::Raw {
            to: to.iter().map(|s| s.to_string()).collect(),
            bytes: bytes.into(),
        }
    }
}

static USER_COUNTER: AtomicU32 = AtomicU32::new(0);

impl MailStack {
    /// Reads the stack description from `$TRADEWIND_MAILSTACK_ENV`.
    ///
    /// Panics with instructions when the variable or the file is missing: a test needing the
    /// mail stack must fail loudly, not pass by skipping.
    pub fn from_env() -> MailStack {
        let path = std::env::var_os(ENV_VAR).unwrap_or_else(|| {
            panic!(
                "mail stack not running: run scripts/test, or scripts/mailstack start and \
                 export {ENV_VAR}=/tmp/tw-mailstack/mailstack.env ({ENV_VAR} is not set)"
            )
        });
        let path = PathBuf::from(path);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "mail stack not running: cannot read {ENV_VAR}={} ({e}); run scripts/test, or \
                 scripts/mailstack start and export {ENV_VAR}=<DIR>/mailstack.env",
                path.display()
            )
        });
        let vars: HashMap<String, String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let get = |key: &str| -> String {
            vars.get(key)
                .cloned()
                .unwrap_or_else(|| panic!("{} has no {key}=", path.display()))
        };
        let port = |key: &str| -> u16 {
            get(key)
                .parse()
                .unwrap_or_else(|e| panic!("{}: {key} is not a port: {e}", path.display()))
        };
        MailStack {
            dir: PathBuf::from(get("MAILSTACK_DIR")),
            host: get("MAILSTACK_HOST"),
            domain: get("MAILSTACK_DOMAIN"),
            password: get("MAILSTACK_PASSWORD"),
            imap_port: port("MAILSTACK_IMAP_PORT"),
            imaps_port: port("MAILSTACK_IMAPS_PORT"),
            submission_port: port("MAILSTACK_SUBMISSION_PORT"),
            submissions_port: port("MAILSTACK_SUBMISSIONS_PORT"),
            smtp_port: port("MAILSTACK_SMTP_PORT"),
            ca_file: PathBuf::from(get("MAILSTACK_CA_FILE")),
            vars,
        }
    }

    /// A user nobody has used before: `t-<pid>-<counter>-<random>@<domain>`.
    ///
    /// pid + counter keep users of one test run apart; the random part keeps a reused stack
    /// directory (and a recycled pid) from handing out a mailbox that already has mail.
    pub fn fresh_user(&self) -> TestUser {
        use std::hash::{BuildHasher, Hasher};
        let n = USER_COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        let random = hasher.finish() as u32;
        TestUser {
            address: format!("t-{}-{n}-{random:08x}@{}", std::process::id(), self.domain),
            password: self.password.clone(),
        }
    }

    /// The stack's IMAP server in the given mode, trusting the stack's CA.
    /// Implicit TLS uses the IMAPS port; STARTTLS and plain use the IMAP port.
    pub fn imap_endpoint(&self, tls: TlsMode) -> ImapEndpoint {
        ImapEndpoint {
            host: self.host.clone(),
            port: match tls {
                TlsMode::Implicit => self.imaps_port,
                TlsMode::Starttls | TlsMode::Plain => self.imap_port,
            },
            tls,
            ca_file: Some(self.ca_file.clone()),
        }
    }

    /// Logs `user` in over IMAP + STARTTLS, panicking with the library's error on failure.
    pub async fn login(&self, user: &TestUser) -> ImapSession {
        connect_and_login(
            &self.imap_endpoint(TlsMode::Starttls),
            &user.address,
            &user.password,
        )
        .await
        .unwrap_or_else(|e| panic!("IMAP login of {} failed: {e}", user.address))
    }

    /// An OAuth2 bearer token for `user` that the stack's Dovecot accepts (XOAUTH2 and
    /// OAUTHBEARER), valid for `valid_secs` from now (negative: already expired): a JWT signed
    /// with the stack's HS256 key, the way a provider's token endpoint would issue one.
    pub fn oauth2_token(&self, user: &TestUser, valid_secs: i64) -> String {
        let key_file = self
            .vars
            .get("MAILSTACK_OAUTH2_KEY_FILE")
            .expect("mailstack.env names MAILSTACK_OAUTH2_KEY_FILE (restart an older stack)");
        let key = base64_decode(std::fs::read_to_string(key_file).unwrap().trim());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let header = base64url(br#"{"typ":"JWT","alg":"HS256"}"#);
        let claims = format!(
            r#"{{"sub":"{u}","email":"{u}","iat":{iat},"exp":{exp}}}"#,
            u = user.address,
            iat = now.min(now + valid_secs) - 5,
            exp = now + valid_secs
        );
        let signed = format!("{header}.{}", base64url(claims.as_bytes()));
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
        let signature = ring::hmac::sign(&key, signed.as_bytes());
        format!("{signed}.{}", base64url(signature.as_ref()))
    }

    /// Appends `raw` to `folder` of `user`'s mailbox over IMAP.
    pub async fn append(&self, user: &TestUser, folder: &str, raw: &[u8]) {
        let mut session = self.login(user).await;
        session
            .append(folder, raw)
            .await
            .unwrap_or_else(|e| panic!("append for {}: {e}", user.address));
        session.logout().await.expect("IMAP logout");
    }

    /// Every message in `folder` of `user` as `(uid, bytes)`, without marking anything seen.
    pub async fn fetch_all(&self, user: &TestUser, folder: &str) -> Vec<(u32, Vec<u8>)> {
        let mut session = self.login(user).await;
        let messages = session
            .fetch_all_peek(folder)
            .await
            .unwrap_or_else(|e| panic!("fetch for {}: {e}", user.address));
        session.logout().await.expect("IMAP logout");
        messages
    }

    /// Sends `message` as `from` through the submission port: STARTTLS (required, verified
    /// against the stack's CA) and AUTH PLAIN. Returns Postfix's final response.
    /// Raw bytes arrive in the mailbox exactly as given, after the trace headers Postfix and
    /// Dovecot prepend.
    pub async fn send_smtp(&self, from: &TestUser, message: impl Into<Outgoing>) -> Response {
        let transport = self.submission_transport(from);
        let result = match message.into() {
            Outgoing::Message(message) => transport.send(message).await,
            Outgoing::Raw { to, bytes } => {
                let envelope = Envelope::new(
                    Some(from.address.parse().expect("sender address")),
                    to.iter()
                        .map(|a| a.parse().expect("recipient address"))
                        .collect(),
                )
                .expect("SMTP envelope");
                // lettre always ends DATA with "\r\n.\r\n", so a message that already ends in
                // CRLF would gain an empty last line. Drop one CRLF to deliver the bytes exactly.
                let bytes = bytes.strip_suffix(b"\r\n").unwrap_or(&bytes);
                transport.send_raw(&envelope, bytes).await
            }
        };
        result.unwrap_or_else(|e| panic!("SMTP submission as {} failed: {e}", from.address))
    }

    /// A lettre transport for the submission port authenticated as `user`.
    pub fn submission_transport(&self, user: &TestUser) -> AsyncSmtpTransport<Tokio1Executor> {
        let pem = std::fs::read(&self.ca_file)
            .unwrap_or_else(|e| panic!("read CA {}: {e}", self.ca_file.display()));
        let tls = TlsParameters::builder(self.host.clone())
            .add_root_certificate(Certificate::from_pem(&pem).expect("CA PEM for lettre"))
            .build_rustls()
            .expect("lettre TLS parameters");
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(self.host.clone())
            .port(self.submission_port)
            .tls(Tls::Required(tls))
            .credentials(Credentials::new(
                user.address.clone(),
                user.password.clone(),
            ))
            .authentication(vec![Mechanism::Plain])
            .timeout(Some(Duration::from_secs(30)))
            .build()
    }

    /// Polls `folder` of `user` until it holds at least `n` messages, and returns them.
    /// Panics after `timeout` with the count it saw (delivery is asynchronous: Postfix queues,
    /// then LMTP delivers, usually within a fraction of a second).
    pub async fn wait_for_messages(
        &self,
        user: &TestUser,
        folder: &str,
        n: usize,
        timeout: Duration,
    ) -> Vec<(u32, Vec<u8>)> {
        let deadline = Instant::now() + timeout;
        let mut session = self.login(user).await;
        loop {
            let messages = session
                .fetch_all_peek(folder)
                .await
                .unwrap_or_else(|e| panic!("fetch for {}: {e}", user.address));
            if messages.len() >= n {
                session.logout().await.expect("IMAP logout");
                return messages;
            }
            if Instant::now() >= deadline {
                panic!(
                    "{folder} of {} holds {} message(s) after {timeout:?}, expected {n}; \
                     see {}/log/postfix.log",
                    user.address,
                    messages.len(),
                    self.dir.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Unpadded base64url (RFC 4648 §5), as JWTs use it.
fn base64url(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            let c = B64[(n >> (18 - 6 * i) & 63) as usize];
            out.push(match c {
                b'+' => '-',
                b'/' => '_',
                c => c as char,
            });
        }
    }
    out
}

/// Standard base64 with padding (the stack's key file).
fn base64_decode(text: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = B64.iter().position(|b| *b == c).expect("base64 key") as u32;
        bits = bits << 6 | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}
