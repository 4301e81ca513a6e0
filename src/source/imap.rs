//! The IMAP connection layer: connect (implicit TLS, STARTTLS or plain), log in, identify, and a
//! few read-mostly commands.
//!
//! Everything the daemon does with a live mailbox goes through [`ImapSession`], so the rules that
//! matter for customer mail live in one place:
//! - TLS is verified (see [`crate::tls`]); a failed STARTTLS is an error, never a plaintext
//!   fallback.
//! - Every error names `host:port` and the stage that failed (connect, TLS handshake, greeting,
//!   STARTTLS, login, or the command), so an operator can tell a firewall from a bad password.
//! - Reading never marks mail as read: folders are opened with `EXAMINE` and bodies fetched with
//!   `BODY.PEEK[]`. A salesperson's unread customer mail stays unread.
//! - After login, `ID` is sent when the server offers it; 163.com/126.com refuse `SELECT` with
//!   "Unsafe Login" otherwise.
//!
//! Passwords and OAuth2 tokens are never put into errors or tracing events here. Note that
//! async-imap itself `log::trace!`s every command it writes, LOGIN and the XOAUTH2 response
//! included, so the daemon must not enable `trace` for the `async_imap` target.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::imap_proto::{Response, Status};
use async_imap::types::{Flag, NameAttribute};
use futures::TryStreamExt;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::tls::{self, TlsError, TlsMode};

/// How long each connection step (TCP connect, TLS handshake, greeting, STARTTLS, login) may
/// take before we give up. Chinese providers reached from abroad can be slow, but a step that
/// hangs for 30 s is a dead path, not a slow one.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// Where an IMAP account lives and how to secure the connection.
///
/// Exists as the connection half of an account's configuration, separate from credentials so it
/// can be logged and shown freely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapEndpoint {
    /// Server host name (or IP address); also the name the TLS certificate must match.
    pub host: String,
    /// TCP port, usually 993 for [`TlsMode::Implicit`] and 143 otherwise.
    pub port: u16,
    /// Implicit TLS, STARTTLS, or plaintext.
    pub tls: TlsMode,
    /// Extra CA certificate (PEM) to trust besides the webpki roots, for servers with a private CA.
    pub ca_file: Option<PathBuf>,
}

impl ImapEndpoint {
    /// `host:port`, as used in error messages.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// The step of talking to an IMAP server that failed.
///
/// Exists so callers (and tests) can react to *where* a failure happened — a wrong password
/// ([`ImapStage::Login`]) needs a person, a refused connection ([`ImapStage::Connect`]) just a
/// retry later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImapStage {
    /// Building the TLS client configuration (e.g. an unreadable CA file).
    TlsConfig,
    /// Resolving the host and opening the TCP connection.
    Connect,
    /// The TLS handshake of an implicit-TLS connection.
    Tls,
    /// Reading the server greeting.
    Greeting,
    /// The STARTTLS command or the TLS handshake after it.
    Starttls,
    /// LOGIN (or the CAPABILITY/ID exchange right after it).
    Login {
        /// The account name that was tried (never the password).
        user: String,
    },
    /// A command in an authenticated session, e.g. "APPEND to INBOX".
    Command(String),
}

impl fmt::Display for ImapStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImapStage::TlsConfig => f.write_str("TLS setup"),
            ImapStage::Connect => f.write_str("connect"),
            ImapStage::Tls => f.write_str("TLS handshake"),
            ImapStage::Greeting => f.write_str("greeting"),
            ImapStage::Starttls => f.write_str("STARTTLS"),
            ImapStage::Login { user } => write!(f, "login as {user}"),
            ImapStage::Command(what) => f.write_str(what),
        }
    }
}

/// What went wrong inside a stage.
///
/// Exists to keep the underlying error (io, IMAP protocol, TLS config) reachable through
/// [`std::error::Error::source`] while [`ImapError`] adds the address and stage.
#[derive(Debug, thiserror::Error)]
pub enum ImapCause {
    /// Socket or TLS-level failure (TLS errors arrive as `io::Error` wrapping a `rustls::Error`).
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The server answered NO/BAD, or the response could not be parsed.
    #[error(transparent)]
    Protocol(#[from] async_imap::error::Error),
    /// The TLS configuration could not be built.
    #[error(transparent)]
    TlsConfig(#[from] TlsError),
    /// The step did not finish in time.
    #[error("no answer within {} s", .0.as_secs())]
    Timeout(Duration),
    /// The host is not a valid DNS name or IP address for TLS verification.
    #[error("{0:?} is not a valid TLS server name")]
    InvalidServerName(String),
    /// The server closed the connection or said something we cannot accept here.
    #[error("{0}")]
    Unexpected(String),
}

/// An IMAP failure, naming the server and the stage.
///
/// Displays as e.g. `IMAP 127.0.0.1:10143: login as t-1@example.test failed: no response: ...`.
#[derive(Debug, thiserror::Error)]
#[error("IMAP {addr}: {stage} failed: {cause}")]
pub struct ImapError {
    addr: String,
    stage: ImapStage,
    #[source]
    cause: ImapCause,
}

impl ImapError {
    fn new(addr: &str, stage: ImapStage, cause: impl Into<ImapCause>) -> Self {
        ImapError {
            addr: addr.to_owned(),
            stage,
            cause: cause.into(),
        }
    }

    /// The `host:port` that was being talked to.
    pub fn address(&self) -> &str {
        &self.addr
    }

    /// The step that failed.
    pub fn stage(&self) -> &ImapStage {
        &self.stage
    }

    /// The underlying failure.
    pub fn cause(&self) -> &ImapCause {
        &self.cause
    }

    /// True when the server's certificate was rejected (unknown issuer, wrong name, expired...).
    ///
    /// Exists because this failure needs a different remedy than a network error: trust the
    /// company's CA via `ca_file`, or fix the host name — never retry blindly.
    pub fn is_certificate_error(&self) -> bool {
        let ImapCause::Io(err) = &self.cause else {
            return false;
        };
        matches!(
            err.get_ref()
                .and_then(|e| e.downcast_ref::<rustls::Error>()),
            Some(
                rustls::Error::InvalidCertificate(_)
                    | rustls::Error::NoCertificatesPresented
                    | rustls::Error::UnsupportedNameType
            )
        )
    }
}

/// The byte stream under an IMAP session: plain TCP or TLS over TCP.
///
/// Exists because async-imap's `Session<T>` is generic over one stream type, while one account
/// may be plain and the next TLS (and STARTTLS changes the type mid-connection).
#[derive(Debug)]
pub enum ImapStream {
    /// Unencrypted TCP ([`TlsMode::Plain`]).
    Plain(TcpStream),
    /// TLS over TCP ([`TlsMode::Implicit`] or after STARTTLS). Boxed: the TLS state is large.
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for ImapStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for ImapStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_flush(cx),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A folder as LIST reports it.
///
/// Exists so folder classification (special-use attributes first, names second) works on plain
/// strings instead of async-imap's borrowed types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderInfo {
    /// The raw wire name, still in modified UTF-7 (`&XfJT0ZAB-` for 已发送). Use it as the key
    /// and for SELECT/EXAMINE; decode only for display.
    pub name: String,
    /// Hierarchy delimiter, e.g. `/` or `.`; `None` for a flat namespace.
    pub delimiter: Option<String>,
    /// Attributes in wire form, e.g. `\Sent`, `\HasNoChildren`, `\Noselect`.
    pub attributes: Vec<String>,
}

impl FolderInfo {
    /// True when LIST carried `attribute` (compared case-insensitively, e.g. `\Sent`).
    pub fn has_attribute(&self, attribute: &str) -> bool {
        self.attributes
            .iter()
            .any(|a| a.eq_ignore_ascii_case(attribute))
    }
}

/// A folder as EXAMINE reports it.
///
/// Exists so the sync can compare UIDVALIDITY and HIGHESTMODSEQ with its stored state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderStatus {
    /// `None` when the server sent none (then UIDs cannot be trusted across sessions).
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub exists: u32,
    /// Only when CONDSTORE is enabled.
    pub highest_modseq: Option<u64>,
}

/// One message from [`ImapSession::fetch_peek`].
#[derive(Debug, Clone)]
pub struct FetchedMessage {
    pub uid: u32,
    /// RFC822.SIZE as the server reports it.
    pub size: Option<u32>,
    /// The complete raw message.
    pub body: Vec<u8>,
}

/// A logged-in IMAP connection.
///
/// Exists to wrap `async_imap::Session` over [`ImapStream`] with tradewind's rules (read-only
/// opens, PEEK fetches, errors with address and stage) so callers cannot forget them.
#[derive(Debug)]
pub struct ImapSession {
    session: async_imap::Session<ImapStream>,
    addr: String,
    capabilities: Vec<String>,
}

/// What proves who we are to the server. Never printed: Debug names only the method.
///
/// Exists so one connect path serves both password accounts (LOGIN) and OAuth2 accounts
/// (SASL XOAUTH2 for Gmail and Microsoft 365).
pub enum ImapCredentials<'a> {
    /// LOGIN with a password, app password or client authorisation code (授权码).
    Password(&'a str),
    /// AUTHENTICATE XOAUTH2 with an access token.
    Xoauth2(&'a str),
}

impl fmt::Debug for ImapCredentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImapCredentials::Password(_) => f.write_str("Password(..)"),
            ImapCredentials::Xoauth2(_) => f.write_str("Xoauth2(..)"),
        }
    }
}

/// The SASL XOAUTH2 initial response (user, bearer token); sent once, whatever the challenge.
struct Xoauth2<'a> {
    user: &'a str,
    token: &'a str,
}

impl async_imap::Authenticator for &Xoauth2<'_> {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        // On failure the server sends a JSON challenge; answering it with the same string
        // makes the server end the exchange with NO, which is reported as a login failure.
        format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token)
    }
}

/// Connects to `ep`, secures the connection as configured, logs in, and sends ID when offered.
///
/// This is the one way tradewind opens a password IMAP connection, so TLS verification, the
/// no-plaintext-fallback rule and per-step timeouts apply everywhere.
pub async fn connect_and_login(
    ep: &ImapEndpoint,
    user: &str,
    password: &str,
) -> Result<ImapSession, ImapError> {
    connect_and_authenticate(ep, user, &ImapCredentials::Password(password)).await
}

/// Like [`connect_and_login`], with either a password or an OAuth2 token.
pub async fn connect_and_authenticate(
    ep: &ImapEndpoint,
    user: &str,
    credentials: &ImapCredentials<'_>,
) -> Result<ImapSession, ImapError> {
    let addr = ep.address();
    let fail = |stage: ImapStage| {
        let addr = addr.clone();
        move |cause: ImapCause| ImapError::new(&addr, stage, cause)
    };

    let tls_config = match ep.tls {
        TlsMode::Plain => None,
        TlsMode::Implicit | TlsMode::Starttls => Some(
            tls::client_config(ep.ca_file.as_deref())
                .map_err(|e| fail(ImapStage::TlsConfig)(e.into()))?,
        ),
    };

    let tcp = step(TcpStream::connect((ep.host.as_str(), ep.port)))
        .await
        .map_err(fail(ImapStage::Connect))?;
    // IMAP is a chatty request/response protocol: do not let Nagle delay small commands.
    tcp.set_nodelay(true)
        .map_err(|e| fail(ImapStage::Connect)(e.into()))?;
    tracing::debug!(addr = %addr, tls = ?ep.tls, "IMAP connected");

    let client = match (ep.tls, tls_config) {
        (TlsMode::Implicit, Some(config)) => {
            let tls = tls_handshake(config, &ep.host, tcp)
                .await
                .map_err(fail(ImapStage::Tls))?;
            let mut client = async_imap::Client::new(ImapStream::Tls(Box::new(tls)));
            read_greeting(&mut client)
                .await
                .map_err(fail(ImapStage::Greeting))?;
            client
        }
        (TlsMode::Starttls, Some(config)) => {
            let mut client = async_imap::Client::new(ImapStream::Plain(tcp));
            read_greeting(&mut client)
                .await
                .map_err(fail(ImapStage::Greeting))?;
            step(async {
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(ImapCause::from)
            })
            .await
            .map_err(fail(ImapStage::Starttls))?;
            let ImapStream::Plain(tcp) = client.into_inner() else {
                unreachable!("STARTTLS client was created over plain TCP")
            };
            let tls = tls_handshake(config, &ep.host, tcp)
                .await
                .map_err(fail(ImapStage::Starttls))?;
            // RFC 3501 §6.2.1: no new greeting after STARTTLS.
            async_imap::Client::new(ImapStream::Tls(Box::new(tls)))
        }
        (_, _) => {
            let mut client = async_imap::Client::new(ImapStream::Plain(tcp));
            read_greeting(&mut client)
                .await
                .map_err(fail(ImapStage::Greeting))?;
            client
        }
    };

    let login_stage = || ImapStage::Login {
        user: user.to_owned(),
    };
    let mut session = step(async {
        match credentials {
            ImapCredentials::Password(password) => client
                .login(user, password)
                .await
                .map_err(|(err, _client)| ImapCause::from(err)),
            ImapCredentials::Xoauth2(token) => client
                .authenticate("XOAUTH2", &Xoauth2 { user, token })
                .await
                .map_err(|(err, _client)| ImapCause::from(err)),
        }
    })
    .await
    .map_err(fail(login_stage()))?;

    // Capabilities can change after login (and after STARTTLS), so ask now.
    let capabilities: Vec<String> = step(async {
        let caps = session.capabilities().await?;
        Ok::<_, async_imap::error::Error>(caps.iter().map(capability_name).collect())
    })
    .await
    .map_err(fail(login_stage()))?;

    if capabilities.iter().any(|c| c.eq_ignore_ascii_case("ID")) {
        let server_id = step(async {
            session
                .id([
                    ("name", Some("tradewind")),
                    ("version", Some(env!("CARGO_PKG_VERSION"))),
                ])
                .await
                .map_err(ImapCause::from)
        })
        .await
        .map_err(fail(login_stage()))?;
        tracing::debug!(addr = %addr, ?server_id, "IMAP ID exchanged");
    }
    // CONDSTORE: EXAMINE then reports HIGHESTMODSEQ, which the sync state keeps.
    if capabilities
        .iter()
        .any(|c| c.eq_ignore_ascii_case("CONDSTORE"))
        && capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case("ENABLE"))
    {
        step(async {
            session
                .run_command_and_check_ok("ENABLE CONDSTORE")
                .await
                .map_err(ImapCause::from)
        })
        .await
        .map_err(fail(ImapStage::Command("ENABLE CONDSTORE".into())))?;
    }
    tracing::info!(addr = %addr, user, "IMAP logged in");

    Ok(ImapSession {
        session,
        addr,
        capabilities,
    })
}

/// Runs one connection step under [`STEP_TIMEOUT`].
async fn step<T, E: Into<ImapCause>>(
    fut: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, ImapCause> {
    match tokio::time::timeout(STEP_TIMEOUT, fut).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(ImapCause::Timeout(STEP_TIMEOUT)),
    }
}

async fn tls_handshake(
    config: Arc<rustls::ClientConfig>,
    host: &str,
    tcp: TcpStream,
) -> Result<TlsStream<TcpStream>, ImapCause> {
    let name = ServerName::try_from(host.to_owned())
        .map_err(|_| ImapCause::InvalidServerName(host.to_owned()))?;
    step(TlsConnector::from(config).connect(name, tcp)).await
}

async fn read_greeting(client: &mut async_imap::Client<ImapStream>) -> Result<(), ImapCause> {
    let greeting = step(client.read_response())
        .await?
        .ok_or_else(|| ImapCause::Unexpected("connection closed before the greeting".into()))?;
    match greeting.parsed() {
        Response::Data {
            status: Status::Ok, ..
        } => Ok(()),
        other => Err(ImapCause::Unexpected(format!(
            "server greeting is not OK: {other:?}"
        ))),
    }
}

fn capability_name(cap: &async_imap::types::Capability) -> String {
    match cap {
        async_imap::types::Capability::Imap4rev1 => "IMAP4rev1".to_owned(),
        async_imap::types::Capability::Auth(mech) => format!("AUTH={mech}"),
        async_imap::types::Capability::Atom(atom) => atom.clone(),
    }
}

fn attribute_name(attr: &NameAttribute<'_>) -> String {
    match attr {
        NameAttribute::NoInferiors => "\\Noinferiors".to_owned(),
        NameAttribute::NoSelect => "\\Noselect".to_owned(),
        NameAttribute::Marked => "\\Marked".to_owned(),
        NameAttribute::Unmarked => "\\Unmarked".to_owned(),
        NameAttribute::All => "\\All".to_owned(),
        NameAttribute::Archive => "\\Archive".to_owned(),
        NameAttribute::Drafts => "\\Drafts".to_owned(),
        NameAttribute::Flagged => "\\Flagged".to_owned(),
        NameAttribute::Junk => "\\Junk".to_owned(),
        NameAttribute::Sent => "\\Sent".to_owned(),
        NameAttribute::Trash => "\\Trash".to_owned(),
        // Extension attributes arrive with their backslash, e.g. "\HasNoChildren".
        NameAttribute::Extension(other) => other.to_string(),
        // NameAttribute is non-exhaustive upstream; keep whatever it prints.
        other => format!("{other:?}"),
    }
}

fn flag_name(flag: &Flag<'_>) -> String {
    match flag {
        Flag::Seen => "\\Seen".to_owned(),
        Flag::Answered => "\\Answered".to_owned(),
        Flag::Flagged => "\\Flagged".to_owned(),
        Flag::Deleted => "\\Deleted".to_owned(),
        Flag::Draft => "\\Draft".to_owned(),
        Flag::Recent => "\\Recent".to_owned(),
        Flag::MayCreate => "\\*".to_owned(),
        Flag::Custom(keyword) => keyword.to_string(),
    }
}

impl ImapSession {
    /// The server's `host:port`.
    pub fn address(&self) -> &str {
        &self.addr
    }

    /// True when the connection is encrypted (implicit TLS or after STARTTLS).
    pub fn is_tls(&self) -> bool {
        matches!(self.session.get_ref(), ImapStream::Tls(_))
    }

    /// Capabilities the server announced after login, e.g. `IDLE`, `CONDSTORE`, `AUTH=PLAIN`.
    pub fn capabilities(&self) -> &[String] {
        &self.capabilities
    }

    /// True when the server announced `name` (case-insensitive).
    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
    }

    fn err(&self, what: impl Into<String>, cause: impl Into<ImapCause>) -> ImapError {
        ImapError::new(&self.addr, ImapStage::Command(what.into()), cause)
    }

    /// All folders (`LIST "" "*"`), with raw names and attributes.
    pub async fn list_folders(&mut self) -> Result<Vec<FolderInfo>, ImapError> {
        let listed: Result<Vec<FolderInfo>, async_imap::error::Error> = async {
            self.session
                .list(Some(""), Some("*"))
                .await?
                .map_ok(|name| FolderInfo {
                    name: name.name().to_owned(),
                    delimiter: name.delimiter().map(str::to_owned),
                    attributes: name.attributes().iter().map(attribute_name).collect(),
                })
                .try_collect()
                .await
        }
        .await;
        listed.map_err(|e| self.err("LIST", e))
    }

    /// Creates `folder` (raw wire name: non-ASCII must already be modified UTF-7).
    pub async fn create_folder(&mut self, folder: &str) -> Result<(), ImapError> {
        let result = self.session.create(folder).await;
        result.map_err(|e| self.err(format!("CREATE {folder:?}"), e))
    }

    /// Stores `message` (a complete RFC 5322 message) in `folder` with no flags.
    pub async fn append(&mut self, folder: &str, message: &[u8]) -> Result<(), ImapError> {
        self.append_with_flags(folder, &[], message).await
    }

    /// Stores `message` in `folder` with `flags` set, e.g. `["\\Seen"]`.
    pub async fn append_with_flags(
        &mut self,
        folder: &str,
        flags: &[&str],
        message: &[u8],
    ) -> Result<(), ImapError> {
        let flag_list = (!flags.is_empty()).then(|| format!("({})", flags.join(" ")));
        let result = self
            .session
            .append(folder, flag_list.as_deref(), None, message)
            .await;
        result.map_err(|e| self.err(format!("APPEND to {folder:?}"), e))
    }

    /// Every message in `folder` as `(uid, raw bytes)`, without changing any flag.
    ///
    /// Opens the folder with EXAMINE (read-only) and fetches `BODY.PEEK[]`, so unread mail stays
    /// unread. Whole bodies are buffered: fine for tests and small folders; the sync loop will
    /// fetch in UID batches with a size cap.
    pub async fn fetch_all_peek(&mut self, folder: &str) -> Result<Vec<(u32, Vec<u8>)>, ImapError> {
        let what = format!("UID FETCH BODY.PEEK[] in {folder:?}");
        let fetched: Result<Vec<(u32, Vec<u8>)>, async_imap::error::Error> = async {
            let mailbox = self.session.examine(folder).await?;
            if mailbox.exists == 0 {
                return Ok(Vec::new());
            }
            let fetches: Vec<_> = self
                .session
                .uid_fetch("1:*", "(UID BODY.PEEK[])")
                .await?
                .try_collect()
                .await?;
            Ok(fetches
                .iter()
                .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
                .collect())
        }
        .await;
        fetched.map_err(|e| self.err(what, e))
    }

    /// The flags of every message in `folder` as `(uid, flags)`, read-only (EXAMINE).
    pub async fn fetch_flags(
        &mut self,
        folder: &str,
    ) -> Result<Vec<(u32, Vec<String>)>, ImapError> {
        let what = format!("UID FETCH FLAGS in {folder:?}");
        let fetched: Result<Vec<(u32, Vec<String>)>, async_imap::error::Error> = async {
            let mailbox = self.session.examine(folder).await?;
            if mailbox.exists == 0 {
                return Ok(Vec::new());
            }
            let fetches: Vec<_> = self
                .session
                .uid_fetch("1:*", "(UID FLAGS)")
                .await?
                .try_collect()
                .await?;
            Ok(fetches
                .iter()
                .filter_map(|f| Some((f.uid?, f.flags().map(|fl| flag_name(&fl)).collect())))
                .collect())
        }
        .await;
        fetched.map_err(|e| self.err(what, e))
    }

    /// Opens `folder` read-only (EXAMINE) and returns what the sync needs to know about it.
    pub async fn examine(&mut self, folder: &str) -> Result<FolderStatus, ImapError> {
        let result = self.session.examine(folder).await;
        let mailbox = result.map_err(|e| self.err(format!("EXAMINE {folder:?}"), e))?;
        Ok(FolderStatus {
            uidvalidity: mailbox.uid_validity,
            uidnext: mailbox.uid_next,
            exists: mailbox.exists,
            highest_modseq: mailbox.highest_modseq,
        })
    }

    /// Every UID in the examined folder, ascending (`UID SEARCH ALL`).
    pub async fn uids(&mut self) -> Result<Vec<u32>, ImapError> {
        let result = self.session.uid_search("ALL").await;
        let mut uids: Vec<u32> = result
            .map_err(|e| self.err("UID SEARCH ALL", e))?
            .into_iter()
            .collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// Whole messages for the UIDs in `uid_set` (e.g. `1:200,305`) of the examined folder,
    /// fetched with `BODY.PEEK[]` so nothing is marked read. Expunged UIDs are simply absent.
    pub async fn fetch_peek(&mut self, uid_set: &str) -> Result<Vec<FetchedMessage>, ImapError> {
        // Each response is turned into a FetchedMessage as it arrives and its buffer freed,
        // so a batch is held once, not twice (issue 3: peak RSS).
        let fetched: Result<Vec<FetchedMessage>, async_imap::error::Error> = async {
            let fetches = self
                .session
                .uid_fetch(uid_set, "(UID RFC822.SIZE BODY.PEEK[])")
                .await?;
            fetches
                .try_filter_map(|f| async move {
                    Ok(f.uid.zip(f.body()).map(|(uid, body)| FetchedMessage {
                        uid,
                        size: f.size,
                        body: body.to_vec(),
                    }))
                })
                .try_collect()
                .await
        }
        .await;
        fetched.map_err(|e| self.err(format!("UID FETCH {uid_set}"), e))
    }

    /// `(uid, RFC822.SIZE)` for the UIDs in `uid_set` of the examined folder: lets the sync
    /// size its batches before downloading anything.
    pub async fn fetch_sizes(&mut self, uid_set: &str) -> Result<Vec<(u32, u32)>, ImapError> {
        // Streamed: every response owns a buffer of at least 4 KB, so collecting the
        // responses for 100,000 messages first held 400 MB (issue 3: peak RSS).
        let fetched: Result<Vec<(u32, u32)>, async_imap::error::Error> = async {
            let fetches = self.session.uid_fetch(uid_set, "(UID RFC822.SIZE)").await?;
            fetches
                .try_filter_map(|f| async move { Ok(f.uid.zip(f.size)) })
                .try_collect()
                .await
        }
        .await;
        fetched.map_err(|e| self.err(format!("UID FETCH {uid_set} (RFC822.SIZE)"), e))
    }

    /// Deletes `folder` on the server. Only for tests that set up a UIDVALIDITY change; the
    /// sync never calls it (tradewind does not change a user's mail).
    pub async fn delete_folder(&mut self, folder: &str) -> Result<(), ImapError> {
        let result = self.session.delete(folder).await;
        result.map_err(|e| self.err(format!("DELETE {folder:?}"), e))
    }

    /// Expunges the message with `uid` from `folder`. Only for tests of "deleted on the
    /// server"; the sync never calls it.
    pub async fn expunge_uid(&mut self, folder: &str, uid: u32) -> Result<(), ImapError> {
        let what = format!("UID STORE/EXPUNGE {uid} in {folder:?}");
        let result: Result<(), async_imap::error::Error> = async {
            self.session.select(folder).await?;
            let _: Vec<_> = self
                .session
                .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Deleted)")
                .await?
                .try_collect()
                .await?;
            let _: Vec<_> = self.session.expunge().await?.try_collect().await?;
            self.session.close().await?;
            Ok(())
        }
        .await;
        result.map_err(|e| self.err(what, e))
    }

    /// Ends the session politely (LOGOUT). Dropping the session also closes the socket.
    pub async fn logout(mut self) -> Result<(), ImapError> {
        let result = self.session.logout().await;
        result.map_err(|e| self.err("LOGOUT", e))
    }
}

/// What ended an [`ImapSession::idle`] wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleEvent {
    /// The server reported a change (EXISTS, EXPUNGE, FETCH...): sync the folder.
    NewData,
    /// The timeout passed with no news (keepalives reset it, so the link is alive).
    Timeout,
}

/// How long DONE may take before the connection is considered dead (chatmail uses 15 s).
const IDLE_DONE_TIMEOUT: Duration = Duration::from_secs(15);

impl ImapSession {
    /// Waits on `folder` with IDLE (RFC 2177) until the server reports a change or `timeout`
    /// passes, then ends IDLE with DONE and hands the session back.
    ///
    /// Exists for the daemon (`tradewind run`): new mail is seen within a second without
    /// polling. The folder is opened read-only (EXAMINE). Unsolicited responses queued before
    /// IDLE are drained first — async-imap drops them once its queue of 100 is full, so the
    /// caller must trust a UID FETCH afterwards, never EXISTS counts. Re-issue it well before
    /// the server's ~29 minute IDLE limit: a `timeout` of a few minutes also detects a dead
    /// link, since keepalives (`* OK Still here`) reset the timer.
    pub async fn idle(
        self,
        folder: &str,
        timeout: Duration,
    ) -> Result<(ImapSession, IdleEvent), ImapError> {
        let ImapSession {
            mut session,
            addr,
            capabilities,
        } = self;
        let fail = |what: &str, cause: ImapCause| {
            ImapError::new(
                &addr,
                ImapStage::Command(format!("{what} {folder:?}")),
                cause,
            )
        };
        step(session.examine(folder))
            .await
            .map_err(|c| fail("EXAMINE", c))?;
        let mut drained = 0usize;
        while session.unsolicited_responses.try_recv().is_ok() {
            drained += 1;
        }
        tracing::debug!(addr = %addr, folder, drained, "IMAP IDLE starting");
        let mut handle = session.idle();
        step(handle.init()).await.map_err(|c| fail("IDLE", c))?;
        let event = {
            let (wait, _interrupt) = handle.wait_with_timeout(timeout);
            match wait.await.map_err(|e| fail("IDLE", e.into()))? {
                async_imap::extensions::idle::IdleResponse::NewData(_) => IdleEvent::NewData,
                async_imap::extensions::idle::IdleResponse::Timeout => IdleEvent::Timeout,
                // Only our own interrupt ends it this way, and we never send one; treat it
                // like news so the caller re-syncs.
                async_imap::extensions::idle::IdleResponse::ManualInterrupt => IdleEvent::NewData,
            }
        };
        let session = match tokio::time::timeout(IDLE_DONE_TIMEOUT, handle.done()).await {
            Ok(result) => result.map_err(|e| fail("DONE after IDLE on", e.into()))?,
            Err(_) => {
                return Err(fail(
                    "DONE after IDLE on",
                    ImapCause::Timeout(IDLE_DONE_TIMEOUT),
                ))
            }
        };
        Ok((
            ImapSession {
                session,
                addr,
                capabilities,
            },
            event,
        ))
    }
}
