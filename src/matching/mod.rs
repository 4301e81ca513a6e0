//! Filing each message under the right customers (issue 4, matching).
//!
//! Rules, in order, each recorded with the match (rule + evidence) so a person can see why:
//! 1. `contact_address`: a participant's address is a contact's address;
//! 2. `thread`: a reply inherits its thread's customers through In-Reply-To / References,
//!    and, weaker, `thread_subject`: a reply (Re:/AW:/回复: ...) whose normalised subject
//!    equals an earlier filed message's within `[matching] thread_subject_days`. Thread
//!    inheritance applies only when no contact address decided the message, and adds
//!    only customers the participants do not already identify (their evidence is kept);
//! 3. `domain`: a participant's domain (or a parent of it) is a customer's domain —
//!    never for free-mail providers, where one domain holds millions of strangers;
//! 4. `manual`: a rule added with `tradewind rules add ADDRESS|DOMAIN --customer CODE`.
//!
//! A message can belong to several customers (a CC to two). Internal mail, mailing
//! lists and notification senders (no-reply, mailer-daemon, postmaster) belong to none;
//! an inquiry notification from a B2B platform is matched by the buyer it names (§3).
//! A sender whose domain imitates a customer's ([`lookalike`]) is never filed under that
//! customer — not even through a thread — and is flagged as possible impersonation.
//! Matching reads only the store, so `rematch` can redo it at any time; filing a message
//! re-files the replies already stored under it, so import order does not matter.

pub mod lookalike;
pub mod rules;
pub mod thread;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use crate::config::Config;
use crate::leads::platforms;
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
    "notification",
    "notifications",
];

/// Why a message was filed under a customer; the order is the rules' order of strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    ContactAddress,
    Thread,
    ThreadSubject,
    Domain,
    Manual,
}

impl Rule {
    /// The key stored in `message_customers.rule`.
    pub fn key(self) -> &'static str {
        match self {
            Rule::ContactAddress => "contact_address",
            Rule::Thread => "thread",
            Rule::ThreadSubject => "thread_subject",
            Rule::Domain => "domain",
            Rule::Manual => "manual",
        }
    }
}

/// One message ↔ customer link and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    pub customer_id: i64,
    pub rule: Rule,
    /// What matched: the address, the domain, the Message-ID or subject of the thread,
    /// or the manual rule.
    pub evidence: String,
}

/// A sender whose domain imitates a customer's: possible impersonation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suspicion {
    pub customer_id: i64,
    /// The imitating sender address.
    pub address: String,
    /// The customer's real domain it imitates.
    pub customer_domain: String,
    pub reason: String,
}

/// Everything matching decided about one message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Filing {
    pub matches: Vec<Match>,
    pub suspicions: Vec<Suspicion>,
}

/// A customer domain a sender imitates: (customer, its domain, why).
type Imitation = (i64, String, String);

/// Customer domains as loaded for the lookalike check, with the table state they reflect
/// (row count and last rowid) and the verdicts reached so far per sender domain.
#[derive(Debug)]
struct DomainCache {
    key: (i64, i64),
    domains: Vec<(lookalike::Profile, i64)>,
    verdicts: HashMap<String, Arc<Vec<Imitation>>>,
}

/// Sender domains whose lookalike verdicts are kept before the cache starts over.
const MAX_VERDICTS: usize = 100_000;

/// The company-specific knowledge matching needs.
#[derive(Debug)]
pub struct Matcher {
    company_domains: Vec<String>,
    extra_free_mail: HashSet<String>,
    thread_subject_days: u32,
    lookalike: bool,
    domain_cache: Mutex<Option<DomainCache>>,
}

impl Clone for Matcher {
    fn clone(&self) -> Matcher {
        Matcher {
            company_domains: self.company_domains.clone(),
            extra_free_mail: self.extra_free_mail.clone(),
            thread_subject_days: self.thread_subject_days,
            lookalike: self.lookalike,
            domain_cache: Mutex::new(None),
        }
    }
}

/// The stored facts about one message that matching reads.
struct MessageFacts {
    direction: String,
    is_list: bool,
    subject: String,
    date: Option<String>,
    in_reply_to: String,
    refs: String,
    addresses: Vec<(String, String)>,
}

impl Matcher {
    /// Builds a matcher from the config: company domains, free-mail additions, the
    /// subject-thread window and the lookalike switch.
    pub fn from_config(config: &Config) -> Matcher {
        let mut m = Matcher::new(&config.company.domains, &config.matching.free_mail_domains);
        m.thread_subject_days = config.matching.thread_subject_days;
        m.lookalike = config.matching.lookalike;
        m
    }

    /// Builds a matcher from explicit lists (30-day subject window, lookalike check on).
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
            thread_subject_days: 30,
            lookalike: true,
            domain_cache: Mutex::new(None),
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
        Ok(self.decide(conn, message_id)?.matches)
    }

    /// Decides the customers of stored message `message_id` and any impersonation flags.
    pub fn decide(&self, conn: &Connection, message_id: i64) -> rusqlite::Result<Filing> {
        let facts = load_facts(conn, message_id)?;
        if facts.direction == "internal" {
            return Ok(Filing::default());
        }
        let from = facts
            .addresses
            .iter()
            .find(|(kind, _)| kind == "from")
            .map(|(_, a)| a.as_str());
        // Who the message is about: its participants, or the buyer a platform names.
        let mut platform_note = None;
        let participants: Vec<String> = match from.and_then(platforms::platform_of) {
            Some(_) => {
                let body: String = conn
                    .prepare_cached("SELECT body_text FROM messages WHERE id = ?1")?
                    .query_row([message_id], |r| r.get(0))?;
                let buyer =
                    platforms::parse_inquiry(from.unwrap_or_default(), &body).and_then(|inq| {
                        platform_note = Some(inq.platform.name());
                        inq.buyer.email
                    });
                buyer.into_iter().collect()
            }
            None if facts.is_list || from.is_some_and(is_notification_sender) => {
                return Ok(Filing::default())
            }
            None => {
                let mut seen = BTreeSet::new();
                facts
                    .addresses
                    .iter()
                    .filter(|(_, a)| seen.insert(a.clone()))
                    .map(|(_, a)| a.clone())
                    .collect()
            }
        };
        let mut found: BTreeMap<i64, Match> = BTreeMap::new();
        let mut decided_addresses: HashSet<&str> = HashSet::new();
        let mut by_address = conn.prepare_cached(
            "SELECT DISTINCT c.customer_id FROM contact_addresses a JOIN contacts c ON c.id = a.contact_id
             WHERE a.address = ?1",
        )?;
        let mut by_domain =
            conn.prepare_cached("SELECT customer_id FROM customer_domains WHERE domain = ?1")?;
        let mut by_rule =
            conn.prepare_cached("SELECT id, customer_id FROM match_rules WHERE pattern = ?1")?;
        let note = |evidence: &str| match platform_note {
            Some(p) => format!("{evidence} ({p} inquiry)"),
            None => evidence.to_string(),
        };
        for address in &participants {
            let Some((_, domain)) = address.rsplit_once('@') else {
                continue;
            };
            if self.is_company_domain(domain) {
                continue;
            }
            let mut hit = false;
            for id in by_address.query_map([address], |r| r.get::<_, i64>(0))? {
                put(&mut found, id?, Rule::ContactAddress, note(address));
                hit = true;
            }
            for row in by_rule.query_map([address], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))? {
                let (rule_id, customer_id) = row?;
                put(
                    &mut found,
                    customer_id,
                    Rule::Manual,
                    note(&format!("rule {rule_id}: {address}")),
                );
                hit = true;
            }
            if !self.is_free_mail(domain) {
                for candidate in domain_and_parents(domain) {
                    for id in by_domain.query_map([candidate], |r| r.get::<_, i64>(0))? {
                        put(&mut found, id?, Rule::Domain, note(candidate));
                        hit = true;
                    }
                    for row in
                        by_rule.query_map([candidate], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))?
                    {
                        let (rule_id, customer_id) = row?;
                        put(
                            &mut found,
                            customer_id,
                            Rule::Manual,
                            note(&format!("rule {rule_id}: {candidate}")),
                        );
                        hit = true;
                    }
                }
            }
            if hit {
                decided_addresses.insert(address.as_str());
            }
        }

        let suspicions =
            if self.lookalike && facts.direction == "inbound" && platform_note.is_none() {
                self.suspicions(conn, &facts, &decided_addresses)?
            } else {
                Vec::new()
            };

        let exact = found.values().any(|m| m.rule == Rule::ContactAddress);
        if !exact {
            // A customer a participant already identifies keeps that evidence.
            for m in self.thread_matches(conn, message_id, &facts)? {
                found.entry(m.customer_id).or_insert(m);
            }
        }
        for s in &suspicions {
            found.remove(&s.customer_id);
        }
        Ok(Filing {
            matches: found.into_values().collect(),
            suspicions,
        })
    }

    /// Rule 2: the customers of the message this one answers (In-Reply-To / References),
    /// else of the latest earlier message with the same normalised subject in the window.
    fn thread_matches(
        &self,
        conn: &Connection,
        message_id: i64,
        facts: &MessageFacts,
    ) -> rusqlite::Result<Vec<Match>> {
        let refs = thread::referenced_ids(&facts.in_reply_to, &facts.refs);
        let mut parent = conn.prepare_cached(
            "SELECT DISTINCT mc.customer_id FROM messages m JOIN message_customers mc ON mc.message_id = m.id
             WHERE m.message_id = ?1 AND m.id != ?2 ORDER BY mc.customer_id",
        )?;
        for id in &refs {
            let customers: Vec<i64> = parent
                .query_map(params![id, message_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            if !customers.is_empty() {
                return Ok(customers
                    .into_iter()
                    .map(|customer_id| Match {
                        customer_id,
                        rule: Rule::Thread,
                        evidence: format!("reply to <{id}>"),
                    })
                    .collect());
            }
        }
        let subject = thread::normalise_subject(&facts.subject);
        let is_reply = !refs.is_empty() || thread::has_reply_prefix(&facts.subject);
        let date = facts
            .date
            .as_deref()
            .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
            .map(|d| d.with_timezone(&Utc));
        let (Some(date), true, false, true) = (
            date,
            is_reply,
            subject.is_empty(),
            self.thread_subject_days > 0,
        ) else {
            return Ok(Vec::new());
        };
        let fmt = |d: DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let earliest = date - Duration::days(self.thread_subject_days as i64);
        let earlier: Option<(i64, String)> = conn
            .prepare_cached(
                "SELECT m.id, m.date FROM message_subjects s JOIN messages m ON m.id = s.message_id
                 WHERE s.subject = ?1 AND m.id != ?2 AND m.date >= ?3 AND m.date <= ?4
                   AND EXISTS (SELECT 1 FROM message_customers mc WHERE mc.message_id = m.id)
                 ORDER BY m.date DESC, m.id DESC LIMIT 1",
            )?
            .query_row(
                params![subject, message_id, fmt(earliest), fmt(date)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((earlier_id, earlier_date)) = earlier else {
            return Ok(Vec::new());
        };
        let customers: Vec<i64> = conn
            .prepare_cached(
                "SELECT customer_id FROM message_customers WHERE message_id = ?1 ORDER BY customer_id",
            )?
            .query_map([earlier_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(customers
            .into_iter()
            .map(|customer_id| Match {
                customer_id,
                rule: Rule::ThreadSubject,
                evidence: format!("subject \"{subject}\" as on {earlier_date}"),
            })
            .collect())
    }

    /// Senders (From, Reply-To, Sender) no rule tied to a customer, whose domain imitates
    /// a customer's domain.
    fn suspicions(
        &self,
        conn: &Connection,
        facts: &MessageFacts,
        decided: &HashSet<&str>,
    ) -> rusqlite::Result<Vec<Suspicion>> {
        let mut out: Vec<Suspicion> = Vec::new();
        for (kind, address) in &facts.addresses {
            if !matches!(kind.as_str(), "from" | "reply_to" | "sender")
                || decided.contains(address.as_str())
            {
                continue;
            }
            let Some((_, domain)) = address.rsplit_once('@') else {
                continue;
            };
            if self.is_company_domain(domain) || self.is_free_mail(domain) {
                continue;
            }
            for (customer_id, customer_domain, reason) in self.imitations(conn, domain)?.iter() {
                if out
                    .iter()
                    .any(|s| s.customer_id == *customer_id && s.address == *address)
                {
                    continue;
                }
                out.push(Suspicion {
                    customer_id: *customer_id,
                    address: address.clone(),
                    customer_domain: customer_domain.clone(),
                    reason: reason.clone(),
                });
            }
        }
        Ok(out)
    }

    /// The customer domains `domain` imitates, as (customer, its domain, why); computed
    /// once per sender domain while the customer domains stay the same.
    fn imitations(&self, conn: &Connection, domain: &str) -> rusqlite::Result<Arc<Vec<Imitation>>> {
        let key: (i64, i64) = conn
            .prepare_cached("SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM customer_domains")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut cache = self.domain_cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.as_ref().is_none_or(|c| c.key != key) {
            let rows: Vec<(String, i64)> = conn
                .prepare(
                    "SELECT domain, customer_id FROM customer_domains ORDER BY domain, customer_id",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let domains = rows
                .into_iter()
                .filter_map(|(d, id)| Some((lookalike::Profile::of(&d)?, id)))
                .collect();
            *cache = Some(DomainCache {
                key,
                domains,
                verdicts: HashMap::new(),
            });
        }
        let cache = cache.as_mut().expect("filled above");
        if let Some(v) = cache.verdicts.get(domain) {
            return Ok(Arc::clone(v));
        }
        // A domain that is some customer's own is not an imitation of another's.
        let sender = lookalike::Profile::of(domain);
        let verdict: Vec<Imitation> = match sender {
            Some(sender)
                if !cache
                    .domains
                    .iter()
                    .any(|(d, _)| is_same_or_sub(domain, &d.domain)) =>
            {
                cache
                    .domains
                    .iter()
                    .filter_map(|(d, id)| {
                        lookalike::imitates_profile(&sender, d)
                            .map(|why| (*id, d.domain.clone(), why))
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        let verdict = Arc::new(verdict);
        if cache.verdicts.len() > MAX_VERDICTS {
            cache.verdicts.clear();
        }
        cache
            .verdicts
            .insert(domain.to_string(), Arc::clone(&verdict));
        Ok(verdict)
    }

    /// Re-files one message: replaces its matches and flags with what the rules say now,
    /// then re-files the stored replies to it if its customers changed.
    /// Returns the number of customers the message itself is filed under.
    pub fn refile(&self, tx: &Connection, message_id: i64) -> rusqlite::Result<usize> {
        let mut queue = std::collections::VecDeque::from([message_id]);
        let mut seen = HashSet::new();
        let mut first = 0;
        while let Some(id) = queue.pop_front() {
            if !seen.insert(id) || seen.len() > MAX_CASCADE {
                continue;
            }
            let (count, changed) = self.refile_one(tx, id)?;
            if id == message_id {
                first = count;
            }
            if changed {
                let children: Vec<i64> = tx
                    .prepare_cached(
                        "SELECT DISTINCT r.message_id FROM message_thread_refs r
                         JOIN messages m ON m.message_id = r.ref_id WHERE m.id = ?1",
                    )?
                    .query_map([id], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                queue.extend(children);
            }
        }
        Ok(first)
    }

    /// Re-files one message; returns (customers, whether they changed).
    fn refile_one(&self, tx: &Connection, message_id: i64) -> rusqlite::Result<(usize, bool)> {
        let before: BTreeSet<i64> = tx
            .prepare_cached("SELECT customer_id FROM message_customers WHERE message_id = ?1")?
            .query_map([message_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let filing = self.decide(tx, message_id)?;
        let (in_reply_to, refs, subject): (String, String, String) = tx
            .prepare_cached(
                "SELECT COALESCE(in_reply_to, ''), COALESCE(refs, ''), subject FROM messages WHERE id = ?1",
            )?
            .query_row([message_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        tx.prepare_cached("DELETE FROM message_thread_refs WHERE message_id = ?1")?
            .execute([message_id])?;
        let mut insert_ref = tx.prepare_cached(
            "INSERT OR IGNORE INTO message_thread_refs (message_id, ref_id) VALUES (?1, ?2)",
        )?;
        for r in thread::referenced_ids(&in_reply_to, &refs) {
            insert_ref.execute(params![message_id, r])?;
        }
        tx.prepare_cached(
            "INSERT OR REPLACE INTO message_subjects (message_id, subject) VALUES (?1, ?2)",
        )?
        .execute(params![message_id, thread::normalise_subject(&subject)])?;
        tx.prepare_cached("DELETE FROM message_customers WHERE message_id = ?1")?
            .execute([message_id])?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO message_customers (message_id, customer_id, rule, evidence) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for m in &filing.matches {
            insert.execute(params![message_id, m.customer_id, m.rule.key(), m.evidence])?;
        }
        tx.prepare_cached("DELETE FROM impersonation_flags WHERE message_id = ?1")?
            .execute([message_id])?;
        let mut flag = tx.prepare_cached(
            "INSERT OR IGNORE INTO impersonation_flags (message_id, customer_id, address, customer_domain, reason, flagged_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let now = crate::store::now();
        for s in &filing.suspicions {
            flag.execute(params![
                message_id,
                s.customer_id,
                s.address,
                s.customer_domain,
                s.reason,
                now
            ])?;
        }
        let after: BTreeSet<i64> = filing.matches.iter().map(|m| m.customer_id).collect();
        Ok((filing.matches.len(), before != after))
    }

    /// Re-files every stored message, oldest first so threads fill from their roots;
    /// returns (messages seen, messages matched).
    pub fn rematch_all(&self, tx: &Connection) -> rusqlite::Result<(usize, usize)> {
        let ids: Vec<i64> = tx
            .prepare("SELECT id FROM messages ORDER BY date, id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        self.rematch_messages(tx, &ids)?;
        let matched: i64 = tx.query_row(
            "SELECT COUNT(DISTINCT message_id) FROM message_customers",
            [],
            |r| r.get(0),
        )?;
        Ok((ids.len(), matched as usize))
    }

    /// Re-files the given messages (and, through threads, their replies), oldest first.
    pub fn rematch_messages(&self, tx: &Connection, ids: &[i64]) -> rusqlite::Result<usize> {
        let mut ordered: Vec<(Option<String>, i64)> = Vec::with_capacity(ids.len());
        let mut date = tx.prepare_cached("SELECT date FROM messages WHERE id = ?1")?;
        for id in ids {
            ordered.push((date.query_row([id], |r| r.get(0))?, *id));
        }
        ordered.sort();
        ordered.dedup();
        for (_, id) in &ordered {
            self.refile(tx, *id)?;
        }
        Ok(ordered.len())
    }

    /// Re-files the messages a change to customer `customer_id` can affect: those with a
    /// participant at one of its addresses or domains, those filed under it or flagged
    /// against it, and platform inquiries naming one of its addresses or domains.
    /// Returns how many messages were re-filed.
    pub fn rematch_customer(&self, tx: &Connection, customer_id: i64) -> rusqlite::Result<usize> {
        let mut patterns: Vec<String> = tx
            .prepare(
                "SELECT a.address FROM contact_addresses a JOIN contacts c ON c.id = a.contact_id
                 WHERE c.customer_id = ?1
                 UNION SELECT domain FROM customer_domains WHERE customer_id = ?1
                 UNION SELECT pattern FROM match_rules WHERE customer_id = ?1",
            )?
            .query_map([customer_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        patterns.sort();
        let mut ids: BTreeSet<i64> = tx
            .prepare(
                "SELECT message_id FROM message_customers WHERE customer_id = ?1
                 UNION SELECT message_id FROM impersonation_flags WHERE customer_id = ?1",
            )?
            .query_map([customer_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for p in &patterns {
            ids.extend(messages_touching(tx, p)?);
        }
        let ids: Vec<i64> = ids.into_iter().collect();
        self.rematch_messages(tx, &ids)
    }

    /// Re-files the messages changes to these customers can affect; past a few dozen
    /// customers (a large import) it re-files everything, which is then cheaper than
    /// scanning the addresses once per customer. Returns how many messages were re-filed.
    pub fn rematch_customers(
        &self,
        tx: &Connection,
        customer_ids: &[i64],
    ) -> rusqlite::Result<usize> {
        if customer_ids.len() > BULK_CUSTOMERS {
            return Ok(self.rematch_all(tx)?.0);
        }
        let mut total = 0;
        for id in customer_ids {
            total += self.rematch_customer(tx, *id)?;
        }
        Ok(total)
    }

    /// Re-files the messages with a participant at `pattern` (an address, or a domain and
    /// its subdomains), and platform inquiries naming it; returns how many.
    pub fn rematch_pattern(&self, tx: &Connection, pattern: &str) -> rusqlite::Result<usize> {
        let ids = messages_touching(tx, pattern)?;
        self.rematch_messages(tx, &ids)
    }
}

/// Past this many changed customers, [`Matcher::rematch_customers`] re-files everything.
const BULK_CUSTOMERS: usize = 50;

/// How many replies one re-filing may cascade to (a guard against pathological threads).
const MAX_CASCADE: usize = 10_000;

/// Keeps the strongest rule per customer.
fn put(found: &mut BTreeMap<i64, Match>, customer_id: i64, rule: Rule, evidence: String) {
    match found.get(&customer_id) {
        Some(existing) if existing.rule <= rule => {}
        _ => {
            found.insert(
                customer_id,
                Match {
                    customer_id,
                    rule,
                    evidence,
                },
            );
        }
    }
}

fn load_facts(conn: &Connection, message_id: i64) -> rusqlite::Result<MessageFacts> {
    let mut facts = conn
        .prepare_cached(
            "SELECT direction, is_list, subject, date, COALESCE(in_reply_to, ''), COALESCE(refs, '')
             FROM messages WHERE id = ?1",
        )?
        .query_row([message_id], |r| {
            Ok(MessageFacts {
                direction: r.get(0)?,
                is_list: r.get(1)?,
                subject: r.get(2)?,
                date: r.get(3)?,
                in_reply_to: r.get(4)?,
                refs: r.get(5)?,
                addresses: Vec::new(),
            })
        })?;
    facts.addresses = conn
        .prepare_cached(
            "SELECT kind, lower(address) FROM message_addresses WHERE message_id = ?1 ORDER BY rowid",
        )?
        .query_map([message_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(facts)
}

/// Messages with a participant at `pattern` (an address, or a domain and its subdomains),
/// plus platform inquiries whose body names it.
fn messages_touching(conn: &Connection, pattern: &str) -> rusqlite::Result<Vec<i64>> {
    let pattern = pattern.to_lowercase();
    let mut ids: BTreeSet<i64> = if pattern.contains('@') {
        conn.prepare_cached("SELECT message_id FROM message_addresses WHERE address = ?1")?
            .query_map([&pattern], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    } else {
        conn.prepare_cached(
            "SELECT message_id FROM message_addresses
             WHERE address LIKE '%@' || ?1 OR address LIKE '%.' || ?1",
        )?
        .query_map([&pattern], |r| r.get(0))?
        .collect::<Result<_, _>>()?
    };
    let platform_mail: Vec<(i64, String)> = conn
        .prepare_cached(
            "SELECT id, from_addr FROM messages
             WHERE (from_addr LIKE '%alibaba%' OR from_addr LIKE '%made-in-china%' OR from_addr LIKE '%globalsources%')
               AND instr(lower(body_text), ?1) > 0",
        )?
        .query_map([&pattern], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    ids.extend(
        platform_mail
            .into_iter()
            .filter(|(_, from)| platforms::platform_of(from).is_some())
            .map(|(id, _)| id),
    );
    Ok(ids.into_iter().collect())
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

/// True for machine senders (no-reply, mailer-daemon, notifications...): never a
/// customer, never a lead.
pub fn is_notification_sender(address: &str) -> bool {
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
