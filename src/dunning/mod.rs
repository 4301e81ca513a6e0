//! Dunning (§5.4 collection escalating with days overdue: phone, letter, visit, lawsuit):
//! levels from `[dunning]` ([`DunningConfig`]), the plan of who gets which level next and
//! who is paused ([`plan`]), and the letters as a pure rendering function ([`letter`]).
//!
//! This module plans and records; sending goes through the outbound engine (issue 6), which
//! picks up letters recorded as `planned`.

pub mod letter;
pub mod plan;

use serde::Deserialize;
use std::collections::HashSet;

use crate::config::{Mailbox, MailboxRole};

/// The `[dunning]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DunningConfig {
    /// The mailbox letters come from (default: the first mailbox with role "finance").
    #[serde(default)]
    pub from_mailbox: Option<String>,
    /// Login of the sales manager, copied on levels with `cc_sales_manager`.
    #[serde(default)]
    pub sales_manager: Option<String>,
    /// The levels, by days past due (negative: before the due date); default: courtesy −3,
    /// friendly 7, firm 21, final 45 (CC sales manager, credit hold), finance task 75.
    #[serde(default)]
    pub levels: Vec<Level>,
    /// The company's bank details, one line each, printed in every letter.
    #[serde(default)]
    pub bank_details: Vec<String>,
    /// Also prepare a thank-you letter when a payment clears the overdue invoices (stop).
    #[serde(default)]
    pub thank_you: bool,
}

/// One dunning level.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Unique name ("friendly").
    pub name: String,
    /// Reached when the most overdue open invoice is at least this many days past due.
    pub days: i64,
    /// The letter's tone: courtesy | friendly | firm | final (default: from the name, else firm).
    #[serde(default)]
    pub tone: Option<Tone>,
    /// false: no email, a task for finance (call, visit, lawyer).
    #[serde(default = "yes")]
    pub email: bool,
    /// Copy the sales manager.
    #[serde(default)]
    pub cc_sales_manager: bool,
    /// Put the customer on credit hold (§5.3).
    #[serde(default)]
    pub credit_hold: bool,
}

fn yes() -> bool {
    true
}

/// How a letter reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    Courtesy,
    Friendly,
    Firm,
    Final,
}

impl Level {
    /// The tone, from `tone` or the name.
    pub fn tone(&self) -> Tone {
        self.tone.unwrap_or(match self.name.as_str() {
            "courtesy" => Tone::Courtesy,
            "friendly" => Tone::Friendly,
            "final" => Tone::Final,
            _ => Tone::Firm,
        })
    }
}

/// The default ladder of the issue: courtesy −3, friendly 7, firm 21, final 45, task 75.
pub fn default_levels() -> Vec<Level> {
    let l = |name: &str, days, email, cc, hold| Level {
        name: name.into(),
        days,
        tone: None,
        email,
        cc_sales_manager: cc,
        credit_hold: hold,
    };
    vec![
        l("courtesy", -3, true, false, false),
        l("friendly", 7, true, false, false),
        l("firm", 21, true, false, false),
        l("final", 45, true, true, true),
        l("finance_task", 75, false, false, false),
    ]
}

impl DunningConfig {
    /// The configured levels, or the default ladder.
    pub fn levels(&self) -> Vec<Level> {
        if self.levels.is_empty() {
            default_levels()
        } else {
            self.levels.clone()
        }
    }

    /// The mailbox letters are sent from.
    pub fn from_mailbox<'a>(&self, mailboxes: &'a [Mailbox]) -> Option<&'a Mailbox> {
        match &self.from_mailbox {
            Some(name) => mailboxes.iter().find(|m| m.name.get_ref() == name),
            None => mailboxes.iter().find(|m| m.role == MailboxRole::Finance),
        }
    }

    /// Checks the section; the error is (key, message).
    pub fn check(
        &self,
        logins: &HashSet<&str>,
        mailboxes: &[Mailbox],
    ) -> Result<(), (String, String)> {
        let levels = self.levels();
        let mut names = HashSet::new();
        for pair in levels.windows(2) {
            if pair[1].days <= pair[0].days {
                return Err((
                    "levels".into(),
                    format!(
                        "levels must be in increasing days: '{}' ({}) comes after '{}' ({})",
                        pair[1].name, pair[1].days, pair[0].name, pair[0].days
                    ),
                ));
            }
        }
        for l in &levels {
            if !names.insert(l.name.as_str()) {
                return Err((
                    "levels.name".into(),
                    format!("level '{}' is defined twice", l.name),
                ));
            }
        }
        if let Some(m) = &self.sales_manager {
            if !logins.contains(m.as_str()) {
                return Err((
                    "sales_manager".into(),
                    format!("'{m}' is not among [[users]]"),
                ));
            }
        }
        if let Some(name) = &self.from_mailbox {
            if !mailboxes.iter().any(|m| m.name.get_ref() == name) {
                return Err(("from_mailbox".into(), format!("no mailbox named '{name}'")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    const EXAMPLE: &str = include_str!("../../config/tradewind.example.toml");

    /// The example's [dunning] and [credit] sections with their commented settings switched on.
    fn example_uncommented() -> String {
        let start = EXAMPLE.find("[dunning]").unwrap();
        let end = EXAMPLE.find("[reports]").unwrap();
        let section: Vec<String> = EXAMPLE[start..end]
            .lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest)
                    if (!rest.starts_with(' ') && !rest.is_empty())
                        || rest.trim_start().starts_with('"') =>
                {
                    rest.to_string()
                }
                _ => l.to_string(),
            })
            .collect();
        format!(
            "{}{}\n{}",
            &EXAMPLE[..start],
            section.join("\n"),
            &EXAMPLE[end..]
        )
    }

    #[test]
    fn the_example_sections_parse_commented_and_uncommented() {
        let c = Config::parse(EXAMPLE, Path::new("/etc/tw/tradewind.toml")).unwrap();
        assert_eq!(c.dunning.levels(), super::default_levels());
        assert_eq!(c.credit.hold_overdue_days, 30);
        let full = example_uncommented();
        let c = Config::parse(&full, Path::new("/etc/tw/tradewind.toml")).unwrap();
        assert_eq!(c.dunning.levels(), super::default_levels());
        assert_eq!(c.dunning.bank_details.len(), 4);
        assert!(c.dunning.thank_you);
        assert_eq!(c.credit.rates["USD"], "7.10");
        assert_eq!(c.credit.weights.payment_record, 30);
        assert_eq!(
            c.dunning.from_mailbox(&c.mailboxes).unwrap().name.get_ref(),
            "finance"
        );
    }

    #[test]
    fn bad_sections_are_located() {
        let full = example_uncommented();
        let bad = full.replace("days = 21", "days = 5");
        let e = Config::parse(&bad, Path::new("/etc/tw/t.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("dunning.levels") && e.contains("'firm' (5)"),
            "{e}"
        );
        let bad = full.replace("sales_manager = \"liu.yang\"", "sales_manager = \"nobody\"");
        let e = Config::parse(&bad, Path::new("/etc/tw/t.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("dunning.sales_manager"), "{e}");
        let bad = full.replace("USD = \"7.10\"", "USD = 7.10");
        let e = Config::parse(&bad, Path::new("/etc/tw/t.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("credit.rates"), "{e}");
        let bad = full.replace("excellent = 85", "excellent = 60");
        let e = Config::parse(&bad, Path::new("/etc/tw/t.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("credit.grades"), "{e}");
    }
}
