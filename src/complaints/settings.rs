//! `[tickets]` in tradewind.toml: the detection model's extensions, routing by category,
//! SLA per severity in working hours, and what the outbox is to be told (§6).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::model::{Negation, PhraseGroup, SeverityGroup};

/// The typed `[tickets]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketsConfig {
    /// Score inbound customer mail and open tickets (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Replaces the built-in model's threshold.
    pub threshold: Option<f64>,
    /// A phrase file in config/complaints.toml's format whose groups are added to the model
    /// (relative to tradewind.toml's folder).
    pub phrases_file: Option<PathBuf>,
    /// Phrase groups added inline.
    #[serde(default)]
    pub phrases: Vec<PhraseGroup>,
    /// Severity cues added inline.
    #[serde(default)]
    pub severity: Vec<SeverityGroup>,
    /// Negation words added inline.
    pub negation: Option<Negation>,
    /// Category key → a user login or a team name (a team's first user owns the ticket).
    /// Unrouted categories go to the customer's salesperson.
    #[serde(default)]
    pub routing: BTreeMap<String, String>,
    /// Who gets SLA breach notices besides the owner (default: users with role manager).
    #[serde(default)]
    pub managers: Vec<String>,
    /// SLA per severity key (low, normal, high, critical), in working hours.
    #[serde(default)]
    pub sla: BTreeMap<String, Sla>,
    /// Record an acknowledgement email to the customer as due when a ticket opens (§4.2).
    #[serde(default = "yes")]
    pub acknowledgement: bool,
    /// An acknowledgement is recorded as due only for a complaint at most this many days old
    /// (importing years of old mail must not queue acknowledgements for old complaints).
    #[serde(default = "default_ack_max_age_days")]
    pub acknowledge_max_age_days: u32,
    /// Breach notices are recorded only for deadlines missed within this many days (old
    /// tickets from an import are listed as breached but nobody is mailed about them).
    #[serde(default = "default_breach_notice_days")]
    pub breach_notice_days: u32,
    /// Working days after resolution when a follow-up contact is due (§6: kept informed until
    /// satisfied); 0 disables.
    #[serde(default = "default_followup_days")]
    pub followup_days: u32,
    /// A complaint in a closed ticket's thread within this many days reopens it; later, a new
    /// ticket opens.
    #[serde(default = "default_reopen_days")]
    pub reopen_days: u32,
    /// Product code prefixes recognised in complaints for the analysis (§6.4), e.g. ["LD-", "GH-"].
    #[serde(default)]
    pub product_prefixes: Vec<String>,
}

/// Deadlines for one severity, in working hours from the complaint.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    pub acknowledge_hours: f64,
    pub plan_hours: f64,
    pub resolve_hours: f64,
}

fn yes() -> bool {
    true
}
fn default_followup_days() -> u32 {
    5
}
fn default_ack_max_age_days() -> u32 {
    3
}
fn default_breach_notice_days() -> u32 {
    7
}
fn default_reopen_days() -> u32 {
    90
}

impl Default for TicketsConfig {
    fn default() -> Self {
        toml::from_str("").expect("an empty [tickets] section is valid")
    }
}

impl TicketsConfig {
    /// The SLA of `severity`: the configured one, or the default (a working day = 9 h by
    /// default: critical 2 h / 1 day / 5 days; high 4 h / 2 days / 10 days; normal 8 h /
    /// 3 days / 15 days; low 2 days / 5 days / 20 days).
    pub fn sla(&self, severity: super::Severity, day_hours: f64) -> Sla {
        if let Some(s) = self.sla.get(severity.key()) {
            return *s;
        }
        let d = day_hours;
        match severity {
            super::Severity::Critical => Sla {
                acknowledge_hours: 2.0,
                plan_hours: d,
                resolve_hours: 5.0 * d,
            },
            super::Severity::High => Sla {
                acknowledge_hours: 4.0,
                plan_hours: 2.0 * d,
                resolve_hours: 10.0 * d,
            },
            super::Severity::Normal => Sla {
                acknowledge_hours: 8.0,
                plan_hours: 3.0 * d,
                resolve_hours: 15.0 * d,
            },
            super::Severity::Low => Sla {
                acknowledge_hours: 2.0 * d,
                plan_hours: 5.0 * d,
                resolve_hours: 20.0 * d,
            },
        }
    }

    /// Checks keys that serde cannot: category and severity names.
    pub fn validate(&self) -> Result<(), String> {
        for k in self.routing.keys() {
            if super::Category::parse(k).is_none_or(|c| c == super::Category::General) {
                return Err(format!(
                    "[tickets.routing] '{k}' is not a category (quality, transit_damage, short_wrong_shipment, late_delivery, documents, payment_dispute, service)"
                ));
            }
        }
        for k in self.sla.keys() {
            if super::Severity::parse(k).is_none() {
                return Err(format!(
                    "[tickets.sla] '{k}' is not a severity (low, normal, high, critical)"
                ));
            }
        }
        Ok(())
    }
}
