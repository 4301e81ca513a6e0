//! The one TOML configuration file: the company, its people, its mailboxes and
//! where data lives.
//!
//! Loading is all-or-nothing: any problem — a TOML syntax error, an unknown key,
//! a value of the wrong kind, a mailbox owned by nobody, a password written inline —
//! becomes one [`ConfigError`] naming the file, the line and the key, and nothing
//! starts (the CLI exits with code 2).

use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

use crate::region;
pub use crate::tls::TlsMode;

/// Environment variable that names the config file when `--config` is not given.
pub const CONFIG_ENV: &str = "TRADEWIND_CONFIG";

/// The places searched for a config file, in order, after `--config` and `$TRADEWIND_CONFIG`.
pub const DEFAULT_LOCATIONS: &[&str] = &["tradewind.toml", "/etc/tradewind/tradewind.toml"];

/// A config problem, located precisely enough that a person can fix it without guessing.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No config file was given and none exists where one is looked for.
    #[error("no config file found: pass --config FILE, set {CONFIG_ENV}, or create one of: {}", .searched.join(", "))]
    NotFound { searched: Vec<String> },
    /// The file exists (or was named) but cannot be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file was read but a value in it is wrong.
    #[error("{}:{line}: {key}: {message}", .path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    /// A file holding a password or token may be read by other local users (issue 9).
    #[error("refusing to start: {}", .problems.join("; "))]
    OpenSecrets { problems: Vec<String> },
}

/// The whole configuration, validated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub company: Company,
    #[serde(default)]
    pub store: StoreConfig,
    #[serde(default)]
    pub customers: CustomersConfig,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub mailboxes: Vec<Mailbox>,
    pub smtp: Option<Smtp>,
    /// How `tradewind run` watches mailboxes (IDLE, poll interval).
    #[serde(default)]
    pub daemon: DaemonConfig,
    /// Filled by the matching issue (free-mail list additions, thread window...).
    #[serde(default)]
    pub matching: MatchingConfig,
    /// Complaint detection and tickets (issue 5, §6).
    #[serde(default)]
    pub tickets: crate::complaints::settings::TicketsConfig,
    /// The company's working days, hours and holidays (SLA deadlines count in these).
    #[serde(default)]
    pub work_hours: crate::workhours::WorkHoursConfig,
    /// The outbox every outgoing email goes through (issue 6).
    #[serde(default)]
    pub outbox: crate::outbox::config::OutboxConfig,
    /// Periodic follow-ups (§4 定期回访).
    #[serde(default)]
    pub followups: crate::outbox::config::FollowupsConfig,
    /// Holiday greetings and company occasions (§4 节日关怀).
    #[serde(default)]
    pub greetings: crate::outbox::config::GreetingsConfig,
    /// Dunning levels, letters and bank details (§5.4, issue 7).
    #[serde(default)]
    pub dunning: crate::dunning::DunningConfig,
    /// Credit control: base currency and rates, scorecard, limits, hold threshold (§5, issue 7).
    #[serde(default)]
    pub credit: crate::credit::CreditConfig,
    /// How dunning letters, ticket notices and credit alerts leave the outbox (the feeds).
    #[serde(default)]
    pub feeds: crate::feeds::FeedsConfig,
    /// The optional Prometheus endpoint of the daemon (issue 9).
    #[serde(default)]
    pub metrics: crate::metrics::MetricsConfig,
    /// The §7 performance figures and the emailed KPI report (issue 8).
    #[serde(default)]
    pub reports: crate::kpi::ReportsConfig,
    /// Where the file was loaded from; relative paths in it are relative to its folder.
    #[serde(skip)]
    pub source_path: PathBuf,
}

/// The company tradewind works for: its own domains decide inbound / outbound / internal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    pub name: String,
    /// ISO 3166-1 alpha-2; customers elsewhere are "foreign" (§2.1 by region).
    pub home_country: Spanned<String>,
    /// The company's own mail domains (lower case, no "@").
    pub domains: Vec<String>,
}

/// Where the SQLite database and the derived search index live.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            data_dir: default_data_dir(),
        }
    }
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("data")
}

/// Registry upkeep settings (§2.4 periodic re-verification).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomersConfig {
    /// A customer not verified for this many days is listed by `customers list --stale`.
    #[serde(default = "default_stale_days")]
    pub stale_after_days: u32,
}

impl Default for CustomersConfig {
    fn default() -> Self {
        CustomersConfig {
            stale_after_days: default_stale_days(),
        }
    }
}

fn default_stale_days() -> u32 {
    365
}

/// How `tradewind run` watches mailboxes once they are synced.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaemonConfig {
    /// Seconds between polls of the folders IDLE does not watch (all folders without IDLE).
    #[serde(default = "default_poll_interval")]
    pub poll_interval_secs: u64,
    /// Wait on the Inbox with IDLE when the server offers it (new mail within a second).
    #[serde(default = "default_true")]
    pub idle: bool,
    /// Answer `tradewind search` on `<data_dir>/search.sock` with the index kept open
    /// (issue 4: a search then costs milliseconds, not a process start).
    #[serde(default = "default_true")]
    pub search_socket: bool,
}

impl Default for DaemonConfig {
    fn default() -> Self {
        DaemonConfig {
            poll_interval_secs: default_poll_interval(),
            idle: true,
            search_socket: true,
        }
    }
}

fn default_poll_interval() -> u64 {
    60
}

fn default_true() -> bool {
    true
}

/// Matching settings; the matching module reads them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingConfig {
    /// Extra free-mail domains on top of the built-in list (never matched by domain).
    #[serde(default)]
    pub free_mail_domains: Vec<String>,
    /// A message inherits the customers of an earlier one with the same normalised
    /// subject sent at most this many days before it (the weak thread rule); 0 turns it off.
    #[serde(default = "default_thread_subject_days")]
    pub thread_subject_days: u32,
    /// Flag senders whose domain imitates a customer's (possible impersonation).
    #[serde(default = "default_true")]
    pub lookalike: bool,
    /// What the duplicate check (查重) does per key when a new customer collides.
    #[serde(default)]
    pub duplicates: DuplicateModes,
    /// The public pool (公海); off unless this section is present.
    pub pool: Option<PoolConfig>,
}

/// The public pool (公海): customers without two-way correspondence for a while return
/// from their owner to the pool, where salespeople claim them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolConfig {
    /// Days without two-way correspondence before a large customer returns to the pool.
    #[serde(default = "default_pool_large")]
    pub large_days: u32,
    #[serde(default = "default_pool_medium")]
    pub medium_days: u32,
    /// Also for customers without a scale class.
    #[serde(default = "default_pool_small")]
    pub small_days: u32,
    /// The owner is warned this many days before the customer returns.
    #[serde(default = "default_pool_warn")]
    pub warn_days_before: u32,
    /// At most this many owned customers for a salesperson to claim another (none: no cap).
    pub max_owned: Option<u32>,
    /// At most this many claims per salesperson per calendar month (none: no cap).
    pub max_claims_per_month: Option<u32>,
    /// A former owner waits this many days before claiming a customer back.
    #[serde(default = "default_pool_reclaim")]
    pub reclaim_wait_days: u32,
}

fn default_pool_large() -> u32 {
    90
}
fn default_pool_medium() -> u32 {
    60
}
fn default_pool_small() -> u32 {
    45
}
fn default_pool_warn() -> u32 {
    7
}
fn default_pool_reclaim() -> u32 {
    30
}

impl Default for MatchingConfig {
    fn default() -> Self {
        MatchingConfig {
            free_mail_domains: Vec::new(),
            thread_subject_days: default_thread_subject_days(),
            lookalike: true,
            duplicates: DuplicateModes::default(),
            pool: None,
        }
    }
}

fn default_thread_subject_days() -> u32 {
    30
}

/// What to do when a new customer collides with an existing one on a duplicate-check key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DuplicateMode {
    /// Say so, and add the customer anyway.
    Warn,
    /// Refuse the customer (an import rejects the row).
    Block,
    /// Do not check this key.
    Ignore,
}

/// The duplicate-check mode of each key: normalised name, mail domain, phone, website.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicateModes {
    #[serde(default = "warn")]
    pub name: DuplicateMode,
    #[serde(default = "warn")]
    pub domain: DuplicateMode,
    #[serde(default = "warn")]
    pub phone: DuplicateMode,
    #[serde(default = "warn")]
    pub website: DuplicateMode,
}

impl Default for DuplicateModes {
    fn default() -> Self {
        DuplicateModes {
            name: DuplicateMode::Warn,
            domain: DuplicateMode::Warn,
            phone: DuplicateMode::Warn,
            website: DuplicateMode::Warn,
        }
    }
}

fn warn() -> DuplicateMode {
    DuplicateMode::Warn
}

/// A person at the company.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub login: Spanned<String>,
    pub name: String,
    pub email: String,
    pub role: Role,
    #[serde(default)]
    pub team: Option<String>,
}

/// What a person does; decides what they are shown and what they own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Sales,
    Service,
    Finance,
    Manager,
}

/// What a mailbox is for (the sales, service and finance mailboxes of the mission).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MailboxRole {
    Sales,
    Service,
    Finance,
}

/// One mailbox tradewind reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mailbox {
    pub name: Spanned<String>,
    /// Login of the user who owns it.
    pub owner: Spanned<String>,
    pub role: MailboxRole,
    /// The mailbox's own address.
    pub address: String,
    pub imap: Option<Imap>,
    /// SMTP submission as this mailbox (outbox); default: the global `[smtp]`.
    #[serde(default)]
    pub smtp: Option<crate::outbox::config::MailboxSmtp>,
}

/// How to reach a mailbox over IMAP.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Imap {
    pub host: String,
    #[serde(default)]
    pub port: Option<u16>,
    /// implicit (993) | starttls (143) | plain (loopback tests only).
    pub tls: TlsMode,
    pub username: String,
    /// How to log in: `password` (LOGIN; also app passwords and the 授权码 of Tencent
    /// Exmail/NetEase) or `xoauth2` (Gmail, Microsoft 365) with `oauth2_token`.
    #[serde(default)]
    pub auth: ImapAuth,
    /// Required with `auth = "password"`.
    #[serde(default)]
    pub password: Option<Secret>,
    /// Required with `auth = "xoauth2"`: where a current access token is read at each connect.
    #[serde(default)]
    pub oauth2_token: Option<TokenSource>,
    /// Extra CA certificate to trust (a company CA, a test CA).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Folders to sync besides the defaults (Inbox, Sent, Archive, user folders): patterns on
    /// the decoded name, `*` matching anything (e.g. "Junk", "客户/*").
    #[serde(default)]
    pub include: Vec<String>,
    /// Folders never to sync, same patterns; exclusion wins over inclusion.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Messages per UID FETCH and per database transaction.
    #[serde(default = "default_batch_size")]
    pub batch_size: usize,
    /// Body text kept per message, in bytes; longer bodies are cut (headers are kept whole).
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: usize,
    /// Also keep attachment contents, content-addressed under `data_dir/attachments`.
    #[serde(default)]
    pub archive_attachments: bool,
}

/// How tradewind authenticates to an IMAP server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapAuth {
    /// LOGIN with `password`.
    #[default]
    Password,
    /// SASL XOAUTH2 with the access token from `oauth2_token`.
    Xoauth2,
}

fn default_batch_size() -> usize {
    200
}

fn default_max_body_bytes() -> usize {
    1024 * 1024
}

/// Where an OAuth2 access token comes from; read again at every connect, so a token refreshed
/// by an outside helper (oauth2ms, mutt_oauth2.py, a cron job) is picked up.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub enum TokenSource {
    /// A shell command whose standard output is the token.
    Command(String),
    /// A file holding the token, trailing newline removed.
    File(PathBuf),
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Command(c) => write!(f, "TokenSource(command {c})"),
            TokenSource::File(p) => write!(f, "TokenSource(file {})", p.display()),
        }
    }
}

impl TokenSource {
    /// Reads the token now (runs the command or reads the file). Errors name the source,
    /// never the token.
    pub fn reveal(&self) -> Result<String, SecretError> {
        match self {
            TokenSource::File(path) => read_secret_file(path),
            TokenSource::Command(command) => {
                let output = std::process::Command::new("sh")
                    .arg("-c")
                    .arg(command)
                    .stdin(std::process::Stdio::null())
                    .output()
                    .map_err(|source| SecretError::Command {
                        command: command.clone(),
                        reason: source.to_string(),
                    })?;
                if !output.status.success() {
                    return Err(SecretError::Command {
                        command: command.clone(),
                        reason: format!("exited with {}", output.status),
                    });
                }
                let token = String::from_utf8_lossy(&output.stdout).trim().to_string();
                if token.is_empty() {
                    return Err(SecretError::Command {
                        command: command.clone(),
                        reason: "printed no token".into(),
                    });
                }
                Ok(token)
            }
        }
    }
}

/// SMTP submission for everything tradewind sends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    #[serde(default)]
    pub port: Option<u16>,
    pub tls: TlsMode,
    pub username: String,
    pub password: Secret,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

/// Where a password comes from. Never the config file itself: an inline string is rejected.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub enum Secret {
    /// An environment variable's value.
    Env(String),
    /// A file's content, trailing newline removed (mode 0600 recommended).
    File(PathBuf),
    /// A systemd credential: `$CREDENTIALS_DIRECTORY/NAME` (LoadCredential=).
    Credential(String),
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names where the secret lives, never the secret.
        match self {
            Secret::Env(v) => write!(f, "Secret(env {v})"),
            Secret::File(p) => write!(f, "Secret(file {})", p.display()),
            Secret::Credential(c) => write!(f, "Secret(credential {c})"),
        }
    }
}

/// Why a secret could not be read; names the source, never the value.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("environment variable {0} is not set")]
    EnvMissing(String),
    #[error("cannot read password file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("token command `{command}` failed: {reason}")]
    Command { command: String, reason: String },
    #[error("systemd credential {0} not found: CREDENTIALS_DIRECTORY is not set (is LoadCredential= in the unit?)")]
    NoCredentialsDir(String),
    #[error("secret file {path} is readable by {who} (mode {mode:04o}); refusing to use it — run `chmod 600 {path}` (and make the daemon's user its owner)")]
    TooOpen {
        path: PathBuf,
        mode: u32,
        who: &'static str,
    },
}

impl Secret {
    /// Reads the secret now. Call it at connect time so a rotated password is picked up.
    pub fn reveal(&self) -> Result<String, SecretError> {
        match self {
            Secret::Env(name) => {
                std::env::var(name).map_err(|_| SecretError::EnvMissing(name.clone()))
            }
            Secret::File(path) => read_secret_file(path),
            Secret::Credential(name) => {
                let dir = std::env::var_os("CREDENTIALS_DIRECTORY")
                    .ok_or_else(|| SecretError::NoCredentialsDir(name.clone()))?;
                read_secret_file(&Path::new(&dir).join(name))
            }
        }
    }
}

fn read_secret_file(path: &Path) -> Result<String, SecretError> {
    check_secret_mode(path)?;
    let text = std::fs::read_to_string(path).map_err(|source| SecretError::File {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

/// Refuses a secret file that the group or others may read (issue 9): a password readable
/// by every local user is a leak waiting to happen, so the daemon will not start on it.
pub fn check_secret_mode(path: &Path) -> Result<(), SecretError> {
    use std::os::unix::fs::PermissionsExt as _;
    let meta = std::fs::metadata(path).map_err(|source| SecretError::File {
        path: path.to_path_buf(),
        source,
    })?;
    let mode = meta.permissions().mode() & 0o7777;
    let who = match (mode & 0o040 != 0, mode & 0o004 != 0) {
        (_, true) => "others",
        (true, false) => "its group",
        (false, false) => return Ok(()),
    };
    Err(SecretError::TooOpen {
        path: path.to_path_buf(),
        mode,
        who,
    })
}

impl Config {
    /// Checks every secret file the config names (passwords, token files, systemd
    /// credentials) for its mode, without reading a secret: `tradewind run` refuses to start
    /// on one that the group or others can read. Returns the problems, each naming its mailbox.
    pub fn check_secret_files(&self) -> Vec<String> {
        let credentials = std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from);
        let mut files: Vec<(String, PathBuf)> = Vec::new();
        let path_of = |secret: &Secret| match secret {
            Secret::File(p) => Some(p.clone()),
            Secret::Credential(name) => credentials.as_ref().map(|dir| dir.join(name)),
            Secret::Env(_) => None,
        };
        for mailbox in &self.mailboxes {
            let Some(imap) = &mailbox.imap else { continue };
            let owner = format!("mailbox {}", mailbox.name.get_ref());
            if let Some(path) = imap.password.as_ref().and_then(path_of) {
                files.push((owner.clone(), path));
            }
            if let Some(TokenSource::File(p)) = &imap.oauth2_token {
                files.push((owner, p.clone()));
            }
        }
        if let Some(path) = self.smtp.as_ref().and_then(|s| path_of(&s.password)) {
            files.push(("[smtp]".to_string(), path));
        }
        files
            .into_iter()
            .filter_map(|(owner, path)| match check_secret_mode(&path) {
                Ok(()) => None,
                // A missing file is reported when the mailbox connects, with its own message.
                Err(SecretError::File { .. }) => None,
                Err(e) => Some(format!("{owner}: {e}")),
            })
            .collect()
    }

    /// Finds the config file: `explicit`, then `$TRADEWIND_CONFIG`, then the defaults.
    pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, ConfigError> {
        if let Some(p) = explicit {
            return Ok(p.to_path_buf());
        }
        if let Some(p) = std::env::var_os(CONFIG_ENV).filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p));
        }
        for candidate in DEFAULT_LOCATIONS {
            if Path::new(candidate).is_file() {
                return Ok(PathBuf::from(candidate));
            }
        }
        Err(ConfigError::NotFound {
            searched: DEFAULT_LOCATIONS.iter().map(|s| s.to_string()).collect(),
        })
    }

    /// Reads and validates the config at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses and validates config text; `path` is used for messages and relative paths.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line: line_of(text, span.start),
                key: key_at(text, span.start),
                message: clean_toml_message(&key_at(text, span.start), e.message()),
            }
        })?;
        config.source_path = path.to_path_buf();
        let base = path.parent().unwrap_or(Path::new("."));
        if config.store.data_dir.is_relative() {
            config.store.data_dir = base.join(&config.store.data_dir);
        }
        config.validate(text)?;
        Ok(config)
    }

    fn validate(&mut self, text: &str) -> Result<(), ConfigError> {
        let err = |span: std::ops::Range<usize>, key: &str, message: String| ConfigError::Invalid {
            path: self.source_path.clone(),
            line: line_of(text, span.start),
            key: key.to_string(),
            message,
        };
        let home = &self.company.home_country;
        if region::by_code(home.get_ref()).is_none() {
            return Err(err(
                home.span(),
                "company.home_country",
                format!(
                    "'{}' is not an ISO 3166-1 alpha-2 country code (e.g. \"CN\")",
                    home.get_ref()
                ),
            ));
        }
        if self.company.domains.is_empty() {
            return Err(err(
                0..0,
                "company.domains",
                "list at least one of the company's own mail domains; it decides inbound, outbound and internal mail".into(),
            ));
        }
        for d in &mut self.company.domains {
            *d = d.trim().trim_start_matches('@').to_ascii_lowercase();
        }
        let mut logins = HashSet::new();
        for user in &self.users {
            if !logins.insert(user.login.get_ref().as_str()) {
                return Err(err(
                    user.login.span(),
                    "users.login",
                    format!("user '{}' is defined twice", user.login.get_ref()),
                ));
            }
        }
        let mut names = HashSet::new();
        for mailbox in &self.mailboxes {
            if !names.insert(mailbox.name.get_ref().as_str()) {
                return Err(err(
                    mailbox.name.span(),
                    "mailboxes.name",
                    format!("mailbox '{}' is defined twice", mailbox.name.get_ref()),
                ));
            }
            if let Some(imap) = &mailbox.imap {
                let problem = match imap.auth {
                    ImapAuth::Password if imap.password.is_none() => Some((
                        "mailboxes.imap.password",
                        "auth = \"password\" needs password = { env = \"VAR\" }, { file = \"/path\" } or { credential = \"name\" }",
                    )),
                    ImapAuth::Xoauth2 if imap.oauth2_token.is_none() => Some((
                        "mailboxes.imap.oauth2_token",
                        "auth = \"xoauth2\" needs oauth2_token = { command = \"...\" } or { file = \"/path\" }",
                    )),
                    _ if imap.batch_size == 0 => {
                        Some(("mailboxes.imap.batch_size", "must be at least 1"))
                    }
                    _ => None,
                };
                if let Some((key, message)) = problem {
                    return Err(err(
                        mailbox.name.span(),
                        key,
                        format!("mailbox '{}': {message}", mailbox.name.get_ref()),
                    ));
                }
            }
            if !logins.contains(mailbox.owner.get_ref().as_str()) {
                return Err(err(
                    mailbox.owner.span(),
                    "mailboxes.owner",
                    format!(
                        "mailbox '{}' is owned by '{}', who is not among [[users]]",
                        mailbox.name.get_ref(),
                        mailbox.owner.get_ref()
                    ),
                ));
            }
        }
        // The outbound sections (issue 6): what serde cannot check.
        if let Err(bad) =
            crate::outbox::config::validate(&self.outbox, &self.followups, &self.greetings)
        {
            let pos = bad.near.as_deref().and_then(|n| text.find(n)).unwrap_or(0);
            return Err(err(pos..pos, &bad.key, bad.message));
        }
        // Issue 7: the [credit] and [dunning] sections check themselves.
        for (section, problem) in [
            ("credit", self.credit.check()),
            ("dunning", self.dunning.check(&logins, &self.mailboxes)),
        ] {
            if let Err((key, message)) = problem {
                let at = text.find(&format!("[{section}")).unwrap_or(0);
                return Err(err(at..at, &format!("{section}.{key}"), message));
            }
        }
        if let Err((key, message)) = self.reports.check(&self.credit.base_currency) {
            let at = text.find("[reports").unwrap_or(0);
            return Err(err(at..at, &format!("reports.{key}"), message));
        }
        if let Err(message) = self.metrics.address() {
            let at = text.find("[metrics]").unwrap_or(0);
            return Err(err(at..at, "metrics.listen", message));
        }
        if let Err(message) = self.tickets.validate() {
            return Err(err(0..0, "tickets", message));
        }
        if let Err(e) = crate::workhours::WorkHours::from_config(&self.work_hours) {
            return Err(err(0..0, "work_hours", e.to_string()));
        }
        Ok(())
    }

    /// The SQLite database file.
    pub fn database_path(&self) -> PathBuf {
        self.store.data_dir.join("tradewind.db")
    }

    /// The mailbox called `name`, if configured.
    pub fn mailbox(&self, name: &str) -> Option<&Mailbox> {
        self.mailboxes.iter().find(|m| m.name.get_ref() == name)
    }

    /// True when `domain` (or a parent of it) is one of the company's own.
    pub fn is_company_domain(&self, domain: &str) -> bool {
        let domain = domain.to_ascii_lowercase();
        self.company
            .domains
            .iter()
            .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
    }
}

/// 1-based line number of byte offset `pos`.
fn line_of(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())].matches('\n').count() + 1
}

/// The dotted key at byte offset `pos`: the enclosing `[table]` plus the key on that line.
fn key_at(text: &str, pos: usize) -> String {
    let pos = pos.min(text.len());
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    let trimmed = line.trim();
    if trimmed.starts_with('[') {
        return trimmed
            .trim_matches(|c| c == '[' || c == ']')
            .trim()
            .to_string();
    }
    let key = trimmed.split('=').next().unwrap_or("").trim();
    match (table, key.is_empty()) {
        (Some(t), false) => format!("{t}.{key}"),
        (Some(t), true) => t,
        (None, false) => key.to_string(),
        (None, true) => "(top level)".to_string(),
    }
}

/// toml's messages are good, except where they would echo a value that may be a
/// secret: a wrongly written password gets advice instead of a quote of itself.
fn clean_toml_message(key: &str, message: &str) -> String {
    if key == "password" || key.ends_with(".password") {
        return "passwords are never written in the config: use { env = \"VAR\" }, { file = \"/path\" } or { credential = \"name\" }".to_string();
    }
    message.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[company]
name = "Ningbo Seawind"
home_country = "CN"
domains = ["Seawind-Trade.cn"]

[[users]]
login = "li.wei"
name = "Li Wei 李伟"
email = "li.wei@seawind-trade.cn"
role = "sales"

[[mailboxes]]
name = "li.wei"
owner = "li.wei"
role = "sales"
address = "li.wei@seawind-trade.cn"
[mailboxes.imap]
host = "imap.example.com"
tls = "implicit"
username = "li.wei"
password = { env = "PW_LI" }
"#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/tw/tradewind.toml"))
    }

    #[test]
    fn parses_a_good_config() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.company.domains, vec!["seawind-trade.cn"]);
        assert_eq!(c.users[0].role, Role::Sales);
        assert_eq!(c.store.data_dir, PathBuf::from("/etc/tw/data"));
        assert!(c.is_company_domain("mail.seawind-trade.cn"));
        assert!(!c.is_company_domain("seawind-trade.cn.evil.com"));
    }

    #[test]
    fn wrong_enum_names_file_line_and_key() {
        let text = GOOD.replace(
            "role = \"sales\"\n\n[[mailboxes]]",
            "role = \"seller\"\n\n[[mailboxes]]",
        );
        let e = parse(&text).unwrap_err().to_string();
        assert!(
            e.starts_with("/etc/tw/tradewind.toml:11: users.role:"),
            "{e}"
        );
        assert!(e.contains("seller"), "{e}");
    }

    #[test]
    fn inline_password_is_refused_with_advice() {
        let text = GOOD.replace("password = { env = \"PW_LI\" }", "password = \"hunter2\"");
        let e = parse(&text).unwrap_err().to_string();
        assert!(e.contains(":22: mailboxes.imap.password:"), "{e}");
        assert!(e.contains("never written in the config"), "{e}");
        assert!(!e.contains("hunter2"), "secret leaked into the error: {e}");
    }

    #[test]
    fn unknown_owner_is_located() {
        let text = GOOD.replace("owner = \"li.wei\"", "owner = \"nobody\"");
        let e = parse(&text).unwrap_err().to_string();
        assert!(e.contains(":15: mailboxes.owner:"), "{e}");
        assert!(e.contains("'nobody'"), "{e}");
    }

    #[test]
    fn unknown_key_and_bad_country_are_errors() {
        let e = parse(&GOOD.replace("name = \"Ningbo Seawind\"", "nme = \"x\"")).unwrap_err();
        assert!(e.to_string().contains("company"), "{e}");
        let e = parse(&GOOD.replace("\"CN\"", "\"XX\""))
            .unwrap_err()
            .to_string();
        assert!(e.contains(":4: company.home_country:"), "{e}");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let e = parse("[company]\nname = \"x\nhome_country = \"CN\"\n").unwrap_err();
        assert!(matches!(e, ConfigError::Invalid { line: 2, .. }), "{e}");
    }

    #[test]
    fn imap_sync_settings_have_defaults_and_are_checked() {
        let c = parse(GOOD).unwrap();
        let imap = c.mailboxes[0].imap.as_ref().unwrap();
        assert_eq!(imap.auth, ImapAuth::Password);
        assert_eq!(imap.batch_size, 200);
        assert_eq!(imap.max_body_bytes, 1024 * 1024);
        assert!(!imap.archive_attachments && imap.include.is_empty());

        let oauth = GOOD.replace(
            "password = { env = \"PW_LI\" }",
            "auth = \"xoauth2\"\noauth2_token = { command = \"printf tok\" }\ninclude = [\"Junk\"]",
        );
        let c = parse(&oauth).unwrap();
        let imap = c.mailboxes[0].imap.as_ref().unwrap();
        assert_eq!(imap.auth, ImapAuth::Xoauth2);
        assert_eq!(imap.oauth2_token.as_ref().unwrap().reveal().unwrap(), "tok");
        assert_eq!(imap.include, ["Junk"]);

        let no_token = GOOD.replace("password = { env = \"PW_LI\" }", "auth = \"xoauth2\"");
        let e = parse(&no_token).unwrap_err().to_string();
        assert!(e.contains("mailboxes.imap.oauth2_token"), "{e}");
        let no_password = GOOD.replace("password = { env = \"PW_LI\" }", "");
        let e = parse(&no_password).unwrap_err().to_string();
        assert!(
            e.contains("mailboxes.imap.password") && e.contains("'li.wei'"),
            "{e}"
        );
        let zero = GOOD.replace("password = {", "batch_size = 0\npassword = {");
        assert!(parse(&zero).unwrap_err().to_string().contains("batch_size"));

        // The command's output (a token, maybe) never reaches the error.
        let failing = TokenSource::Command("printf leaked-$((40+2)); exit 4".into());
        let e = failing.reveal().unwrap_err().to_string();
        assert!(e.contains("failed") && !e.contains("leaked-42"), "{e}");
    }

    #[test]
    fn secrets_come_from_env_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret\n").unwrap();
        let private = <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600);
        std::fs::set_permissions(&f, private).unwrap();
        assert_eq!(Secret::File(f.clone()).reveal().unwrap(), "s3cret");
        // Readable by others: refused, naming the file and the fix, never the content.
        let open = <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o644);
        std::fs::set_permissions(&f, open).unwrap();
        let e = Secret::File(f.clone()).reveal().unwrap_err().to_string();
        assert!(e.contains("chmod 600") && !e.contains("s3cret"), "{e}");
        let e = Secret::Env("TRADEWIND_TEST_SURELY_UNSET".into())
            .reveal()
            .unwrap_err();
        assert!(e.to_string().contains("TRADEWIND_TEST_SURELY_UNSET"));
        assert_eq!(format!("{:?}", Secret::Env("X".into())), "Secret(env X)");
    }
}
