//! The `[outbox]`, `[followups]` and `[greetings]` sections of the config file.
//!
//! Defaults are the issue's: follow-ups as drafts (a person sends them), 30 emails per hour
//! per mailbox, a 09:00–11:00 Monday–Friday window in the recipient's local time.

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::Deserialize;
use std::path::PathBuf;

use crate::config::Secret;
use crate::tls::TlsMode;

/// `[mailboxes.smtp]`: how a mailbox submits mail as itself (the salesperson's own account,
/// so the customer sees their address and the server's SPF/DKIM apply). Username and
/// password default to the mailbox's IMAP ones; without this section the global `[smtp]`
/// is used.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailboxSmtp {
    pub host: String,
    /// Default 465 for implicit TLS, 587 for STARTTLS, 25 for plain.
    #[serde(default)]
    pub port: Option<u16>,
    pub tls: TlsMode,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<Secret>,
    /// Extra CA certificate to trust (company or test CA).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

/// How an email leaves the outbox (per rule; follow-ups default to `draft`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// SMTP submission as the owner's mailbox, then a copy APPENDed to its Sent folder.
    Send,
    /// APPENDed to the owner's Drafts folder with \Draft; nothing is sent.
    #[default]
    Draft,
    /// Waits for `tradewind outbox approve`, then is sent.
    Approve,
}

impl Mode {
    /// The stable key stored in `outbox.mode`.
    pub fn key(self) -> &'static str {
        match self {
            Mode::Send => "send",
            Mode::Draft => "draft",
            Mode::Approve => "approve",
        }
    }

    /// Parses a stored key.
    pub fn from_key(s: &str) -> Option<Mode> {
        match s {
            "send" => Some(Mode::Send),
            "draft" => Some(Mode::Draft),
            "approve" => Some(Mode::Approve),
            _ => None,
        }
    }
}

/// When mail may arrive in the recipient's local time: hours and working days.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowConfig {
    /// Local start, "HH:MM".
    #[serde(default = "default_start", with = "hhmm")]
    pub start: NaiveTime,
    /// Local end (exclusive), "HH:MM".
    #[serde(default = "default_end", with = "hhmm")]
    pub end: NaiveTime,
    /// Working days: "mon".."sun".
    #[serde(default = "default_days")]
    pub days: Vec<DayName>,
    /// Skip the recipient country's public holidays (config/holidays).
    #[serde(default = "yes")]
    pub skip_holidays: bool,
}

impl Default for WindowConfig {
    fn default() -> Self {
        WindowConfig {
            start: default_start(),
            end: default_end(),
            days: default_days(),
            skip_holidays: true,
        }
    }
}

/// A weekday as written in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayName {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl DayName {
    /// As chrono's weekday.
    pub fn weekday(self) -> Weekday {
        match self {
            DayName::Mon => Weekday::Mon,
            DayName::Tue => Weekday::Tue,
            DayName::Wed => Weekday::Wed,
            DayName::Thu => Weekday::Thu,
            DayName::Fri => Weekday::Fri,
            DayName::Sat => Weekday::Sat,
            DayName::Sun => Weekday::Sun,
        }
    }
}

fn default_start() -> NaiveTime {
    NaiveTime::from_hms_opt(9, 0, 0).expect("valid")
}
fn default_end() -> NaiveTime {
    NaiveTime::from_hms_opt(11, 0, 0).expect("valid")
}
fn default_days() -> Vec<DayName> {
    vec![
        DayName::Mon,
        DayName::Tue,
        DayName::Wed,
        DayName::Thu,
        DayName::Fri,
    ]
}
fn yes() -> bool {
    true
}

mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        NaiveTime::parse_from_str(&s, "%H:%M")
            .map_err(|_| serde::de::Error::custom(format!("'{s}' is not a time HH:MM")))
    }
}

/// `[outbox]`: the engine every outgoing email goes through (follow-ups, greetings, ticket
/// replies, dunning letters).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxConfig {
    /// The global kill switch: `false` stops all sending and drafting at once (planning goes on).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// At most this many emails per mailbox per hour (keeps accounts off spam lists).
    #[serde(default = "default_rate")]
    pub rate_per_hour: u32,
    /// Where the templates are: `<dir>/<purpose>.<lang>.txt` (+ optional `.html`).
    #[serde(default = "default_templates")]
    pub templates_dir: PathBuf,
    /// Where the holiday data is: every `*.toml` in it (public.toml is generated).
    #[serde(default = "default_holidays")]
    pub holidays_dir: PathBuf,
    /// Language used when the contact's has no template.
    #[serde(default = "default_language")]
    pub default_language: String,
    /// Domain of generated Message-IDs (default: the company's first domain).
    #[serde(default)]
    pub message_id_domain: Option<String>,
    /// SMTP 4xx answers are retried this many times (with growing delays), then failed.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// First retry delay in seconds; doubled per attempt, capped at 6 hours.
    #[serde(default = "default_retry")]
    pub retry_base_secs: u64,
    /// How often the daemon plans and delivers, in seconds.
    #[serde(default = "default_interval")]
    pub interval_secs: u64,
    /// The default send window.
    #[serde(default)]
    pub window: WindowConfig,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            enabled: true,
            rate_per_hour: default_rate(),
            templates_dir: default_templates(),
            holidays_dir: default_holidays(),
            default_language: default_language(),
            message_id_domain: None,
            max_attempts: default_attempts(),
            retry_base_secs: default_retry(),
            interval_secs: default_interval(),
            window: WindowConfig::default(),
        }
    }
}

fn default_rate() -> u32 {
    30
}
fn default_templates() -> PathBuf {
    PathBuf::from("templates")
}
fn default_holidays() -> PathBuf {
    PathBuf::from("holidays")
}
fn default_language() -> String {
    "en".into()
}
fn default_attempts() -> u32 {
    8
}
fn default_retry() -> u64 {
    60
}
fn default_interval() -> u64 {
    300
}

/// `[followups]`: periodic return visits (§4 定期回访).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupsConfig {
    /// Plan follow-ups at all (the daemon does it on its schedule).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Rows are planned this many days before they are due, so they show in `outbox list`
    /// (a reply in the meantime cancels them).
    #[serde(default = "default_ahead")]
    pub plan_ahead_days: u32,
    /// Rules, most specific first: the first that matches a customer decides.
    #[serde(default = "default_rules")]
    pub rules: Vec<FollowupRule>,
}

impl Default for FollowupsConfig {
    fn default() -> Self {
        FollowupsConfig {
            enabled: true,
            plan_ahead_days: default_ahead(),
            rules: default_rules(),
        }
    }
}

fn default_ahead() -> u32 {
    3
}

fn default_rules() -> Vec<FollowupRule> {
    [("large", 14), ("medium", 30), ("small", 60)]
        .into_iter()
        .map(|(scale, days)| FollowupRule {
            name: scale.into(),
            every_days: days,
            scale: Some(scale.into()),
            ..FollowupRule::default()
        })
        .collect()
}

/// One follow-up rule: which customers, how often, how it is delivered.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupRule {
    /// Names the rule in the outbox key (`followup:<name>:<customer>:<due>`).
    pub name: String,
    /// Days without correspondence before a follow-up is due.
    pub every_days: u32,
    /// Matches customers of this scale (large / medium / small).
    #[serde(default)]
    pub scale: Option<String>,
    /// ... of this nature (trading / manufacturer / end_customer / other).
    #[serde(default)]
    pub nature: Option<String>,
    /// ... in this region: an ISO country code or a continent key (europe, americas...).
    #[serde(default)]
    pub region: Option<String>,
    /// ... carrying this tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// ... with this customer code (a rule for one customer).
    #[serde(default)]
    pub customer: Option<String>,
    /// send / draft / approve.
    #[serde(default)]
    pub mode: Mode,
    /// Template name under templates_dir.
    #[serde(default = "default_followup_template")]
    pub template: String,
    /// Follow up even while the customer has an open complaint ticket.
    #[serde(default)]
    pub despite_open_ticket: bool,
    /// Overrides the outbox send window.
    #[serde(default)]
    pub window: Option<WindowConfig>,
}

impl Default for FollowupRule {
    fn default() -> Self {
        FollowupRule {
            name: String::new(),
            every_days: 30,
            scale: None,
            nature: None,
            region: None,
            tag: None,
            customer: None,
            mode: Mode::Draft,
            template: default_followup_template(),
            despite_open_ticket: false,
            window: None,
        }
    }
}

fn default_followup_template() -> String {
    "followup".into()
}

/// `[greetings]`: holiday greetings (§4 节日关怀) and company occasions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GreetingsConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The greeting is planned to arrive this many days before the holiday.
    #[serde(default = "default_before")]
    pub days_before: u32,
    /// Holiday keys greeted (from the holiday data's `greeting` field); empty: all of them.
    #[serde(default)]
    pub holidays: Vec<String>,
    #[serde(default)]
    pub mode: Mode,
    /// Template name; the holiday is in the `holiday` variable.
    #[serde(default = "default_greeting_template")]
    pub template: String,
    /// Company-defined occasions, e.g. the Chinese New Year closure notice.
    #[serde(default)]
    pub occasions: Vec<Occasion>,
}

impl Default for GreetingsConfig {
    fn default() -> Self {
        GreetingsConfig {
            enabled: true,
            days_before: default_before(),
            holidays: Vec::new(),
            mode: Mode::Draft,
            template: default_greeting_template(),
            occasions: Vec::new(),
        }
    }
}

fn default_before() -> u32 {
    3
}
fn default_greeting_template() -> String {
    "greeting".into()
}

/// A company occasion: one email to every customer of a class on a date.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Occasion {
    /// Names it in the outbox key and the `occasion` template variable.
    pub name: String,
    /// The day it should arrive (in the recipient's send window).
    pub date: NaiveDate,
    pub template: String,
    /// `active` (customers at stage active/contract, default) or `all`.
    #[serde(default = "default_audience")]
    pub audience: String,
    #[serde(default)]
    pub mode: Mode,
    /// Free variables for the template (`vars.closed_from`...).
    #[serde(default)]
    pub vars: toml::Table,
}

fn default_audience() -> String {
    "active".into()
}

/// A problem in the outbound sections: the dotted key and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub key: String,
    /// Text to look for to locate the line (e.g. the rule's `name = "..."`).
    pub near: Option<String>,
    pub message: String,
}

fn check_window(key: &str, w: &WindowConfig) -> Result<(), Invalid> {
    if w.start >= w.end {
        return Err(Invalid {
            key: key.into(),
            near: None,
            message: format!("start {} is not before end {}", w.start, w.end),
        });
    }
    if w.days.is_empty() {
        return Err(Invalid {
            key: key.into(),
            near: None,
            message: "no working days: list at least one of mon..sun".into(),
        });
    }
    Ok(())
}

/// Checks what serde cannot: rule names unique, cycles ≥ 1 day, scale / nature / region
/// values known, windows that open before they close — so a typo stops the start instead of
/// silently matching no customer.
pub fn validate(
    outbox: &OutboxConfig,
    followups: &FollowupsConfig,
    greetings: &GreetingsConfig,
) -> Result<(), Invalid> {
    use crate::customers::model::{Nature, Scale};
    check_window("outbox.window", &outbox.window)?;
    let mut names = std::collections::HashSet::new();
    for r in &followups.rules {
        let bad = |key: &str, message: String| Invalid {
            key: format!("followups.rules.{key}"),
            near: Some(format!("\"{}\"", r.name)),
            message: format!("rule '{}': {message}", r.name),
        };
        if r.name.trim().is_empty() || r.name.contains(':') {
            return Err(bad("name", "a rule needs a name without ':'".into()));
        }
        if !names.insert(r.name.as_str()) {
            return Err(bad("name", "defined twice".into()));
        }
        if r.every_days == 0 {
            return Err(bad("every_days", "must be at least 1".into()));
        }
        if let Some(v) = &r.scale {
            v.parse::<Scale>()
                .map_err(|e| bad("scale", e.to_string()))?;
        }
        if let Some(v) = &r.nature {
            v.parse::<Nature>()
                .map_err(|e| bad("nature", e.to_string()))?;
        }
        if let Some(v) = &r.region {
            let known = crate::region::by_code(v).is_some()
                || crate::region::Continent::ALL
                    .iter()
                    .any(|c| c.key().eq_ignore_ascii_case(v))
                || crate::region::all()
                    .iter()
                    .any(|c| c.subregion.eq_ignore_ascii_case(v));
            if !known {
                return Err(bad(
                    "region",
                    format!("'{v}' is neither a country code, a continent (europe, americas...) nor a sub-region"),
                ));
            }
        }
        if let Some(w) = &r.window {
            check_window(&format!("followups.rules.window ({})", r.name), w)?;
        }
    }
    for o in &greetings.occasions {
        if o.audience != "active" && o.audience != "all" {
            return Err(Invalid {
                key: "greetings.occasions.audience".into(),
                near: Some(format!("\"{}\"", o.name)),
                message: format!("occasion '{}': audience is \"active\" or \"all\"", o.name),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_issue() {
        let f: FollowupsConfig = toml::from_str("").unwrap();
        let days: Vec<u32> = f.rules.iter().map(|r| r.every_days).collect();
        assert_eq!(days, [14, 30, 60]);
        assert!(f.rules.iter().all(|r| r.mode == Mode::Draft));
        let o: OutboxConfig = toml::from_str("").unwrap();
        assert_eq!(o.rate_per_hour, 30);
        assert_eq!(o.window.start, NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        let w: WindowConfig = toml::from_str("days = [\"sat\"]").unwrap();
        assert_eq!(w.days, [DayName::Sat]);
        let e = toml::from_str::<WindowConfig>("start = \"9h\"").unwrap_err();
        let bad: FollowupsConfig =
            toml::from_str("[[rules]]\nname = \"x\"\nevery_days = 7\nscale = \"huge\"").unwrap();
        let err = validate(&o, &bad, &GreetingsConfig::default()).unwrap_err();
        assert_eq!(err.key, "followups.rules.scale");
        assert!(err.message.contains("'huge'"), "{err:?}");
        let bad: FollowupsConfig =
            toml::from_str("[[rules]]\nname = \"x\"\nevery_days = 7\nregion = \"Atlantis\"")
                .unwrap();
        assert!(validate(&o, &bad, &GreetingsConfig::default()).is_err());
        let ok: FollowupsConfig =
            toml::from_str("[[rules]]\nname = \"eu\"\nevery_days = 7\nregion = \"Europe\"")
                .unwrap();
        assert!(validate(&o, &ok, &GreetingsConfig::default()).is_ok());
        assert!(e.to_string().contains("'9h' is not a time"), "{e}");
    }
}
