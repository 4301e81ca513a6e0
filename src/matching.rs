//! Filing each message under the right customers.
//!
//! First cut (the matching issue deepens it), rules in order, each recorded with
//! the match so a person can see why:
//! 1. `contact_address`: a participant's address is a contact's address;
//! 2. `domain`: a participant's domain (or a parent of it) is a customer's domain —
//!    never for free-mail providers, where one domain holds millions of strangers.
//!
//! A message can belong to several customers (a CC to two). Internal mail, mailing
//! lists and notification senders (no-reply, mailer-daemon, postmaster) belong to none.
//! Matching reads only the store, so `rematch` can redo it at any time.

use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

use crate::config::Config;

/// Free-mail providers: matching by their domain would file strangers under a customer.
/// Entries ending in `.*` match any top-level suffix (hotmail.co.uk, yahoo.com.br).
pub const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.*",
    "live.com",
    "msn.com",
    "yahoo.*",
    "ymail.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "foxmail.com",
    "163.com",
    "126.com",
    "yeah.net",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "aliyun.com",
    "139.com",
    "mail.ru",
    "yandex.*",
    "gmx.*",
    "web.de",
    "zoho.com",
    "rediffmail.com",
];

/// Local parts of machine senders that are never a customer.
const NOTIFICATION_SENDERS: &[&str] = &[
    "no-reply",
    "noreply",
    "do-not-reply",
    "donotreply",
    "mailer-daemon",
    "postmaster",
    "bounce",
    "bounces",
];

/// Why a message was filed under a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    ContactAddress,
    Domain,
}

impl Rule {
    /// The key stored in `message_customers.rule`.
    pub fn key(self) -> &'static str {
        match self {
            Rule::ContactAddress => "contact_address",
            Rule::Domain => "domain",
        }
    }
}

/// One message ↔ customer link and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    pub customer_id: i64,
    pub rule: Rule,
    /// The address or domain that matched.
    pub evidence: String,
}

/// The company-specific knowledge matching needs.
#[derive(Debug, Clone)]
pub struct Matcher {
    company_domains: Vec<String>,
    extra_free_mail: HashSet<String>,
}

impl Matcher {
    /// Builds a matcher from the config's company domains and free-mail additions.
    pub fn from_config(config: &Config) -> Matcher {
        Matcher::new(&config.company.domains, &config.matching.free_mail_domains)
    }

    /// Builds a matcher from explicit lists.
    pub fn new(company_domains: &[String], extra_free_mail: &[String]) -> Matcher {
        Matcher {
            company_domains: company_domains
                .iter()
                .map(|d| d.to_ascii_lowercase())
                .collect(),
            extra_free_mail: extra_free_mail
                .iter()
                .map(|d| d.to_ascii_lowercase())
                .collect(),
        }
    }

    /// True for the company's own domains and their subdomains.
    pub fn is_company_domain(&self, domain: &str) -> bool {
        self.company_domains
            .iter()
            .any(|d| is_same_or_sub(domain, d))
    }

    /// True for free-mail providers (built-in list plus the config's).
    pub fn is_free_mail(&self, domain: &str) -> bool {
        if self.extra_free_mail.contains(domain) {
            return true;
        }
        FREE_MAIL
            .iter()
            .any(|entry| match entry.strip_suffix(".*") {
                Some(stem) => domain
                    .strip_prefix(stem)
                    .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1),
                None => domain == *entry,
            })
    }

    /// Finds the customers of stored message `message_id`.
    pub fn find(&self, conn: &Connection, message_id: i64) -> rusqlite::Result<Vec<Match>> {
        let (direction, is_list): (String, bool) = conn
            .prepare_cached("SELECT direction, is_list FROM messages WHERE id = ?1")?
            .query_row([message_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if direction == "internal" || is_list {
            return Ok(Vec::new());
        }
        let addresses: Vec<(String, String)> = conn
            .prepare_cached(
                "SELECT kind, address FROM message_addresses WHERE message_id = ?1 ORDER BY rowid",
            )?
            .query_map([message_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if addresses
            .iter()
            .any(|(kind, a)| kind == "from" && is_notification_sender(a))
        {
            return Ok(Vec::new());
        }
        let mut by_address = conn.prepare_cached(
            "SELECT DISTINCT c.customer_id FROM contact_addresses a JOIN contacts c ON c.id = a.contact_id
             WHERE a.address = ?1",
        )?;
        let mut by_domain =
            conn.prepare_cached("SELECT customer_id FROM customer_domains WHERE domain = ?1")?;
        // BTreeMap: one match per customer, the strongest rule wins, stable order.
        let mut found: BTreeMap<i64, Match> = BTreeMap::new();
        for (_, address) in &addresses {
            let Some((_, domain)) = address.rsplit_once('@') else {
                continue;
            };
            if self.is_company_domain(domain) {
                continue;
            }
            for id in by_address.query_map([address], |r| r.get::<_, i64>(0))? {
                let customer_id = id?;
                found.insert(
                    customer_id,
                    Match {
                        customer_id,
                        rule: Rule::ContactAddress,
                        evidence: address.clone(),
                    },
                );
            }
            if self.is_free_mail(domain) {
                continue;
            }
            for candidate in domain_and_parents(domain) {
                for id in by_domain.query_map([candidate], |r| r.get::<_, i64>(0))? {
                    let customer_id = id?;
                    found.entry(customer_id).or_insert_with(|| Match {
                        customer_id,
                        rule: Rule::Domain,
                        evidence: candidate.to_string(),
                    });
                }
            }
        }
        Ok(found.into_values().collect())
    }

    /// Re-files one message: replaces its rule-based matches with what the rules say now.
    pub fn refile(&self, tx: &Connection, message_id: i64) -> rusqlite::Result<usize> {
        let matches = self.find(tx, message_id)?;
        tx.prepare_cached("DELETE FROM message_customers WHERE message_id = ?1")?
            .execute([message_id])?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO message_customers (message_id, customer_id, rule, evidence) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for m in &matches {
            insert.execute(params![message_id, m.customer_id, m.rule.key(), m.evidence])?;
        }
        Ok(matches.len())
    }

    /// Re-files every stored message; returns (messages seen, messages matched).
    pub fn rematch_all(&self, tx: &Connection) -> rusqlite::Result<(usize, usize)> {
        let ids: Vec<i64> = tx
            .prepare("SELECT id FROM messages ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut matched = 0;
        for id in &ids {
            if self.refile(tx, *id)? > 0 {
                matched += 1;
            }
        }
        Ok((ids.len(), matched))
    }
}

fn is_same_or_sub(domain: &str, parent: &str) -> bool {
    domain == parent
        || domain
            .strip_suffix(parent)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// "a.b.hansa.de" → ["a.b.hansa.de", "b.hansa.de", "hansa.de"] (never a bare TLD).
fn domain_and_parents(domain: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(domain);
    std::iter::from_fn(move || {
        let current = next?;
        next = current
            .split_once('.')
            .map(|(_, rest)| rest)
            .filter(|r| r.contains('.'));
        Some(current)
    })
}

fn is_notification_sender(address: &str) -> bool {
    let local = address.rsplit_once('@').map_or(address, |(l, _)| l);
    NOTIFICATION_SENDERS.iter().any(|n| {
        local == *n || local.starts_with(&format!("{n}+")) || local.starts_with(&format!("{n}-"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        Matcher::new(&["seawind-trade.cn".into()], &["corp-mail.example".into()])
    }

    #[test]
    fn free_mail_patterns() {
        let m = matcher();
        for d in [
            "gmail.com",
            "hotmail.co.uk",
            "yahoo.com.br",
            "qq.com",
            "gmx.de",
            "corp-mail.example",
        ] {
            assert!(m.is_free_mail(d), "{d}");
        }
        for d in ["hansa-tools.de", "hotmailer.com", "myqq.com", "yahoo"] {
            assert!(!m.is_free_mail(d), "{d}");
        }
    }

    #[test]
    fn parents_stop_before_the_tld() {
        let v: Vec<&str> = domain_and_parents("mail.eu.hansa.de").collect();
        assert_eq!(v, ["mail.eu.hansa.de", "eu.hansa.de", "hansa.de"]);
        assert!(matcher().is_company_domain("hz.seawind-trade.cn"));
        assert!(!matcher().is_company_domain("xseawind-trade.cn"));
    }

    #[test]
    fn notification_senders() {
        assert!(is_notification_sender("no-reply@alibaba.com"));
        assert!(is_notification_sender(
            "MAILER-DAEMON@x.com".to_lowercase().as_str()
        ));
        assert!(!is_notification_sender("noreen@x.com"));
    }
}
