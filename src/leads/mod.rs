//! Unknown correspondents become leads (§3 客户开发: first contact → customer).
//!
//! A lead is a group of inbound mail that no rule filed under a customer: by sender
//! domain, or by address for free-mail senders (one gmail.com holds millions of
//! strangers). Inquiry notifications from B2B platforms ([`platforms`]) count for the
//! buyer they name, not for the platform. Each lead shows its message count, first and
//! last date, a country guess (the platform's buyer country, the ccTLD, or a country name
//! in the signature), and the mailboxes — and so the salespeople — holding its mail.
//! [`promote`] turns a lead into a customer with its contacts in one transaction, after
//! the duplicate check (查重), and re-files its mail. Senders flagged as imitating a
//! customer's domain are not leads: [`suspicious`] lists them.

pub mod platforms;

use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::config::Config;
use crate::customers::model::{Contact, CustomerRecord};
use crate::dedupe::{self, Collision, DedupeIndex};
use crate::matching::Matcher;
use crate::region;
use crate::store::customers::{upsert, CustomerError};
use platforms::Platform;

/// Why a lead could not be promoted.
#[derive(Debug, thiserror::Error)]
pub enum LeadError {
    #[error("no lead '{0}'; see `tradewind leads list`")]
    NotFound(String),
    #[error("customer code '{0}' is taken; pass another with --code")]
    CodeTaken(String),
    #[error("duplicate check blocks promoting '{key}': {}", .collisions.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("; "))]
    Duplicate {
        key: String,
        collisions: Vec<Collision>,
    },
    #[error(transparent)]
    Customer(#[from] CustomerError),
    #[error("database error while reading leads: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// Where a lead's country guess came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountrySource {
    /// The buyer's country in a platform inquiry.
    Platform,
    /// The country-code top-level domain.
    Tld,
    /// A country named in the last lines of a message (the signature).
    Signature,
}

/// One group of unfiled inbound mail.
#[derive(Debug, Clone, Serialize)]
pub struct Lead {
    /// The sender domain, or the address for free-mail; what `leads promote` takes.
    pub key: String,
    /// True when `key` is a free-mail address rather than a domain.
    pub free_mail: bool,
    pub messages: usize,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// Sender addresses, with the display names seen for each.
    pub addresses: BTreeMap<String, Vec<String>>,
    /// ISO alpha-2 guess.
    pub country: Option<String>,
    pub country_source: Option<CountrySource>,
    /// The buyer's company, from a platform inquiry.
    pub company: Option<String>,
    /// The platform that brought the lead, if any.
    pub platform: Option<Platform>,
    /// Mailboxes holding its mail.
    pub mailboxes: Vec<String>,
    /// The owners of those mailboxes.
    pub owners: Vec<String>,
}

/// One unfiled inbound message: id, date, from, from name, body, is_list.
type UnfiledRow = (i64, Option<String>, String, Option<String>, String, bool);

/// Unfiled inbound mail, grouped into leads, most messages first.
pub fn list(conn: &Connection, config: &Config, matcher: &Matcher) -> rusqlite::Result<Vec<Lead>> {
    let mut stmt = conn.prepare(
        "SELECT m.id, m.date, m.from_addr, m.from_name, m.body_text, m.is_list
         FROM messages m
         WHERE m.direction = 'inbound' AND m.from_addr IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM message_customers mc WHERE mc.message_id = m.id)
           AND NOT EXISTS (SELECT 1 FROM impersonation_flags f WHERE f.message_id = m.id)
         ORDER BY m.date, m.id",
    )?;
    let rows: Vec<UnfiledRow> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut mailboxes_of = conn.prepare_cached(
        "SELECT DISTINCT mailbox FROM message_locations WHERE message_id = ?1 ORDER BY mailbox",
    )?;
    let mut leads: BTreeMap<String, Lead> = BTreeMap::new();
    let mut signature_votes: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (id, date, from, from_name, body, is_list) in rows {
        let from = from.to_lowercase();
        let (address, name, inquiry) = match platforms::parse_inquiry(&from, &body) {
            Some(inq) => {
                let address = inq.buyer.email.clone();
                let name = inq.buyer.name.clone();
                (address, name, Some(inq))
            }
            None if platforms::platform_of(&from).is_some() => continue,
            None => (Some(from.clone()), from_name, None),
        };
        if inquiry.is_none() && (is_list || crate::matching::is_notification_sender(&from)) {
            continue;
        }
        let (key, free_mail) = match &address {
            Some(a) => {
                let Some((_, domain)) = a.rsplit_once('@') else {
                    continue;
                };
                if matcher.is_company_domain(domain) {
                    continue;
                }
                if matcher.is_free_mail(domain) {
                    (a.clone(), true)
                } else {
                    (domain.to_string(), false)
                }
            }
            // A buyer the platform names without an address: keyed by platform and company.
            None => {
                let inq = inquiry.as_ref().expect("only inquiries lack an address");
                let who = inq
                    .buyer
                    .company
                    .clone()
                    .or_else(|| inq.buyer.name.clone())
                    .unwrap_or_default();
                (format!("{}:{}", inq.platform.name(), who), false)
            }
        };
        let lead = leads.entry(key.clone()).or_insert_with(|| Lead {
            key: key.clone(),
            free_mail,
            messages: 0,
            first_date: None,
            last_date: None,
            addresses: BTreeMap::new(),
            country: None,
            country_source: None,
            company: None,
            platform: None,
            mailboxes: Vec::new(),
            owners: Vec::new(),
        });
        lead.messages += 1;
        if lead.first_date.is_none() {
            lead.first_date = date.clone();
        }
        if date.is_some() {
            lead.last_date = date;
        }
        if let Some(a) = &address {
            let names = lead.addresses.entry(a.clone()).or_default();
            if let Some(n) = name.filter(|n| !n.trim().is_empty() && n != a) {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        if let Some(inq) = &inquiry {
            lead.platform.get_or_insert(inq.platform);
            if lead.company.is_none() {
                lead.company = inq.buyer.company.clone();
            }
            if lead.country_source != Some(CountrySource::Platform) {
                if let Some(c) = &inq.buyer.country {
                    lead.country = Some(c.clone());
                    lead.country_source = Some(CountrySource::Platform);
                }
            }
        } else if let Some(c) = signature_country(&body) {
            *signature_votes
                .entry(key.clone())
                .or_default()
                .entry(c.alpha2.to_string())
                .or_default() += 1;
        }
        for mailbox in mailboxes_of.query_map([id], |r| r.get::<_, String>(0))? {
            let mailbox = mailbox?;
            if !lead.mailboxes.contains(&mailbox) {
                if let Some(m) = config.mailbox(&mailbox) {
                    let owner = m.owner.get_ref().clone();
                    if !lead.owners.contains(&owner) {
                        lead.owners.push(owner);
                    }
                }
                lead.mailboxes.push(mailbox);
            }
        }
    }
    let mut out: Vec<Lead> = leads.into_values().collect();
    for lead in &mut out {
        lead.mailboxes.sort();
        lead.owners.sort();
        if lead.country.is_some() {
            continue;
        }
        if !lead.free_mail {
            if let Some(c) = region::country_from_domain(&lead.key) {
                lead.country = Some(c.alpha2.to_string());
                lead.country_source = Some(CountrySource::Tld);
                continue;
            }
        }
        if let Some(votes) = signature_votes.get(&lead.key) {
            if let Some((c, _)) = votes.iter().max_by_key(|(_, n)| **n) {
                lead.country = Some(c.clone());
                lead.country_source = Some(CountrySource::Signature);
            }
        }
    }
    out.sort_by(|a, b| b.messages.cmp(&a.messages).then(a.key.cmp(&b.key)));
    Ok(out)
}

/// A country named in the last lines of a message's own text (its signature): quoted
/// replies are cut off first; a line, or a comma/pipe separated part of it, must be a
/// country name (English or Chinese) — codes are too ambiguous in prose ("IT", "TO").
pub fn signature_country(body: &str) -> Option<&'static region::Country> {
    let mut own: Vec<&str> = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        if t.starts_with('>')
            || t.starts_with("-----Original Message")
            || t.starts_with("-----原始邮件")
            || (t.starts_with("On ") && t.ends_with("wrote:"))
            || t.starts_with("发件人:")
            || t.starts_with("发件人：")
        {
            break;
        }
        if !t.is_empty() {
            own.push(t);
        }
    }
    for line in own.iter().rev().take(8) {
        let parts = std::iter::once(*line).chain(line.split([',', '|', '·', '/', '，']));
        for part in parts {
            let part = part.trim().trim_end_matches('.');
            let long_enough = if part.is_ascii() {
                part.len() >= 4 || ["USA", "UK", "UAE", "U.S.A", "U.K"].contains(&part)
            } else {
                part.chars().count() >= 2
            };
            if !long_enough || part.len() > 40 {
                continue;
            }
            if let Some(c) = region::parse_country(part) {
                return Some(c);
            }
        }
    }
    None
}

/// What `leads promote` asks for.
#[derive(Debug, Clone)]
pub struct PromoteRequest {
    /// A lead key: a domain, or a free-mail address.
    pub key: String,
    /// The salesperson who will own the customer.
    pub owner: String,
    pub name: Option<String>,
    pub code: Option<String>,
}

/// What promoting a lead did.
#[derive(Debug, Clone, Serialize)]
pub struct Promoted {
    pub code: String,
    pub name: String,
    pub contacts: usize,
    pub domains: Vec<String>,
    /// Messages re-filed under the new customer (and their threads).
    pub refiled: usize,
    /// Collisions in `warn` mode: the customer was created anyway.
    pub duplicates: Vec<Collision>,
}

/// Turns lead `req.key` into a customer with its contacts and domain, in the caller's
/// transaction (through [`upsert`], so the audit log records it), and re-files its mail.
pub fn promote(
    tx: &Connection,
    config: &Config,
    matcher: &Matcher,
    req: &PromoteRequest,
    actor: &str,
) -> Result<Promoted, LeadError> {
    let key = req.key.trim().to_lowercase();
    let lead = list(tx, config, matcher)?
        .into_iter()
        .find(|l| l.key.to_lowercase() == key)
        .ok_or_else(|| LeadError::NotFound(req.key.clone()))?;
    let code = match &req.code {
        Some(c) => {
            if code_taken(tx, c)? {
                return Err(LeadError::CodeTaken(c.clone()));
            }
            c.clone()
        }
        None => free_code(tx, &lead)?,
    };
    let contacts: Vec<Contact> = lead
        .addresses
        .iter()
        .map(|(address, names)| Contact {
            name: names
                .first()
                .cloned()
                .unwrap_or_else(|| address.split('@').next().unwrap_or(address).to_string()),
            emails: vec![address.clone()],
            ..Default::default()
        })
        .collect();
    let domains: Vec<String> = if lead.free_mail || lead.key.contains(':') {
        Vec::new()
    } else {
        vec![lead.key.clone()]
    };
    let name = req
        .name
        .clone()
        .or_else(|| lead.company.clone())
        .unwrap_or_else(|| default_name(&lead, &contacts));
    let record = CustomerRecord {
        code: code.clone(),
        name: name.clone(),
        country: lead.country.clone(),
        source: lead.platform.map(Platform::source),
        owner: Some(req.owner.clone()),
        domains: domains.clone(),
        contacts,
        ..Default::default()
    };
    let index = DedupeIndex::load(tx, matcher)?;
    let collisions = index.check(&record, matcher, &config.matching.duplicates);
    if dedupe::blocks(&collisions) {
        return Err(LeadError::Duplicate {
            key: lead.key,
            collisions,
        });
    }
    let done = upsert(tx, &record, &format!("{actor} (lead {})", lead.key))?;
    let refiled = matcher.rematch_customer(tx, done.id)?;
    Ok(Promoted {
        code,
        name,
        contacts: record.contacts.len(),
        domains,
        refiled,
        duplicates: collisions,
    })
}

fn code_taken(conn: &Connection, code: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM customers WHERE code = ?1)",
        [code],
        |r| r.get(0),
    )
}

/// "L-HANSATOOLS" from hansa-tools.de, with -2, -3... if taken.
fn free_code(conn: &Connection, lead: &Lead) -> rusqlite::Result<String> {
    let stem_source = if lead.free_mail {
        lead.key.split('@').next().unwrap_or(&lead.key)
    } else if let Some((_, who)) = lead.key.split_once(':') {
        who
    } else {
        crate::matching::lookalike::registrable(&lead.key).map_or(lead.key.as_str(), |(l, _)| l)
    };
    let stem: String = stem_source
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect::<String>()
        .to_ascii_uppercase();
    let stem = if stem.is_empty() {
        "LEAD".to_string()
    } else {
        format!("L-{stem}")
    };
    let mut code = stem.clone();
    let mut n = 1;
    while code_taken(conn, &code)? {
        n += 1;
        code = format!("{stem}-{n}");
    }
    Ok(code)
}

fn default_name(lead: &Lead, contacts: &[Contact]) -> String {
    if lead.free_mail {
        return contacts
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_else(|| lead.key.clone());
    }
    let label =
        crate::matching::lookalike::registrable(&lead.key).map_or(lead.key.as_str(), |(l, _)| l);
    label
        .split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One message flagged as possible impersonation of a customer.
#[derive(Debug, Clone, Serialize)]
pub struct SuspiciousMail {
    pub message_id: i64,
    pub date: Option<String>,
    pub subject: String,
    /// The imitating sender.
    pub address: String,
    pub customer: String,
    pub customer_name: String,
    /// The customer's owner, who should be told (with finance).
    pub owner: Option<String>,
    /// The customer's real domain.
    pub customer_domain: String,
    pub reason: String,
}

/// Messages flagged as possible impersonation, newest first.
pub fn suspicious(conn: &Connection) -> rusqlite::Result<Vec<SuspiciousMail>> {
    conn.prepare(
        "SELECT f.message_id, m.date, m.subject, f.address, c.code, c.name, c.owner, f.customer_domain, f.reason
         FROM impersonation_flags f JOIN messages m ON m.id = f.message_id
         JOIN customers c ON c.id = f.customer_id
         ORDER BY m.date DESC, f.message_id DESC, c.code",
    )?
    .query_map([], |r| {
        Ok(SuspiciousMail {
            message_id: r.get(0)?,
            date: r.get(1)?,
            subject: r.get(2)?,
            address: r.get(3)?,
            customer: r.get(4)?,
            customer_name: r.get(5)?,
            owner: r.get(6)?,
            customer_domain: r.get(7)?,
            reason: r.get(8)?,
        })
    })?
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_in_signature() {
        let body = "Please quote 500 pcs.\n\nBest regards\nMaría López\nCompras\nMadrid, España\n\n> On Mon, you wrote:\n> Germany";
        assert_eq!(signature_country(body).map(|c| c.alpha2), Some("ES"));
        let zh = "请报价。\n\n王芳\n采购部\n新加坡";
        assert_eq!(signature_country(zh).map(|c| c.alpha2), Some("SG"));
        assert_eq!(signature_country("Thanks\nTom"), None);
    }
}
