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
    /// Filled by the matching issue (free-mail list additions, thread window...).
    #[serde(default)]
    pub matching: MatchingConfig,
    /// Sections later features fill; accepted now so a config written today keeps loading.
    #[serde(default)]
    pub tickets: toml::Table,
    #[serde(default)]
    pub followups: toml::Table,
    #[serde(default)]
    pub dunning: toml::Table,
    #[serde(default)]
    pub reports: toml::Table,
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

/// Matching settings; the matching module reads them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingConfig {
    /// Extra free-mail domains on top of the built-in list (never matched by domain).
    #[serde(default)]
    pub free_mail_domains: Vec<String>,
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
    pub password: Secret,
    /// Extra CA certificate to trust (a company CA, a test CA).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
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
    #[error("systemd credential {0} not found: CREDENTIALS_DIRECTORY is not set (is LoadCredential= in the unit?)")]
    NoCredentialsDir(String),
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
    let text = std::fs::read_to_string(path).map_err(|source| SecretError::File {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

impl Config {
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
    fn secrets_come_from_env_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret\n").unwrap();
        assert_eq!(Secret::File(f).reveal().unwrap(), "s3cret");
        let e = Secret::Env("TRADEWIND_TEST_SURELY_UNSET".into())
            .reveal()
            .unwrap_err();
        assert!(e.to_string().contains("TRADEWIND_TEST_SURELY_UNSET"));
        assert_eq!(format!("{:?}", Secret::Env("X".into())), "Secret(env X)");
    }
}
