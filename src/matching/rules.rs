//! Manual matching rules (rule 4): a person says "mail from this address, or this domain
//! and its subdomains, belongs to that customer" where the registry cannot (a forwarding
//! agent, a buyer's personal domain). Each change is written to the customer's audit log.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::Matcher;

/// Why a rule could not be added or removed.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("no customer with code '{0}'")]
    UnknownCustomer(String),
    #[error("'{0}' is neither an address (name@domain.tld) nor a domain (domain.tld)")]
    Invalid(String),
    #[error("'{0}' is a free-mail provider: a rule for the whole domain would file strangers; add the full address instead")]
    FreeMail(String),
    #[error("'{0}' is one of the company's own domains: its mail is internal, never a customer's")]
    CompanyDomain(String),
    #[error("a rule for '{pattern}' → {code} already exists (rule {id})")]
    Exists {
        pattern: String,
        code: String,
        id: i64,
    },
    #[error("no matching rule with id {0}; see `tradewind rules list`")]
    NoSuchRule(i64),
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// One manual rule, as `rules list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ManualRule {
    pub id: i64,
    /// "address" or "domain".
    pub kind: String,
    pub pattern: String,
    pub customer: String,
    pub customer_name: String,
    pub created_at: String,
    pub actor: String,
}

/// Checks and normalises a rule target: (kind, pattern).
pub fn parse_target(matcher: &Matcher, target: &str) -> Result<(&'static str, String), RuleError> {
    let t = target.trim().trim_start_matches('@').to_lowercase();
    let bad = || RuleError::Invalid(target.to_string());
    let valid_domain = |d: &str| {
        d.contains('.')
            && !d.starts_with('.')
            && !d.ends_with('.')
            && !d.contains("..")
            && d.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
    };
    match t.rsplit_once('@') {
        Some((local, domain)) => {
            if local.is_empty() || local.contains(char::is_whitespace) || !valid_domain(domain) {
                return Err(bad());
            }
            if matcher.is_company_domain(domain) {
                return Err(RuleError::CompanyDomain(domain.to_string()));
            }
            Ok(("address", t))
        }
        None => {
            if !valid_domain(&t) {
                return Err(bad());
            }
            if matcher.is_company_domain(&t) {
                return Err(RuleError::CompanyDomain(t));
            }
            if matcher.is_free_mail(&t) {
                return Err(RuleError::FreeMail(t));
            }
            Ok(("domain", t))
        }
    }
}

/// Adds a rule `target` → customer `code` in the caller's transaction and re-files the
/// messages it touches.
pub fn add(
    tx: &Connection,
    matcher: &Matcher,
    target: &str,
    code: &str,
    actor: &str,
) -> Result<(ManualRule, usize), RuleError> {
    let (kind, pattern) = parse_target(matcher, target)?;
    let customer_id: i64 = tx
        .query_row("SELECT id FROM customers WHERE code = ?1", [code], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| RuleError::UnknownCustomer(code.to_string()))?;
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM match_rules WHERE pattern = ?1 AND customer_id = ?2",
            params![pattern, customer_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Err(RuleError::Exists {
            pattern,
            code: code.to_string(),
            id,
        });
    }
    let now = crate::store::now();
    tx.execute(
        "INSERT INTO match_rules (kind, pattern, customer_id, created_at, actor) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind, pattern, customer_id, now, actor],
    )?;
    let id = tx.last_insert_rowid();
    audit(tx, customer_id, actor, &now, None, Some(&pattern))?;
    let refiled = matcher.rematch_pattern(tx, &pattern)?;
    let rule = get(tx, id)?.ok_or(RuleError::NoSuchRule(id))?;
    Ok((rule, refiled))
}

/// Removes rule `id` in the caller's transaction and re-files the messages it touched.
pub fn remove(
    tx: &Connection,
    matcher: &Matcher,
    id: i64,
    actor: &str,
) -> Result<(ManualRule, usize), RuleError> {
    let rule = get(tx, id)?.ok_or(RuleError::NoSuchRule(id))?;
    let customer_id: i64 = tx.query_row(
        "SELECT customer_id FROM match_rules WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    tx.execute("DELETE FROM match_rules WHERE id = ?1", [id])?;
    audit(
        tx,
        customer_id,
        actor,
        &crate::store::now(),
        Some(&rule.pattern),
        None,
    )?;
    let mut refiled = matcher.rematch_pattern(tx, &rule.pattern)?;
    // Mail filed through the rule and nothing else may now belong nowhere.
    let filed: Vec<i64> = tx
        .prepare(
            "SELECT message_id FROM message_customers WHERE rule = 'manual' AND evidence LIKE ?1",
        )?
        .query_map([format!("rule {id}:%")], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    refiled += matcher.rematch_messages(tx, &filed)?;
    Ok((rule, refiled))
}

/// Every manual rule, by id.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<ManualRule>> {
    conn.prepare(&format!("{SELECT} ORDER BY r.id"))?
        .query_map([], from_row)?
        .collect()
}

const SELECT: &str = "SELECT r.id, r.kind, r.pattern, c.code, c.name, r.created_at, r.actor
     FROM match_rules r JOIN customers c ON c.id = r.customer_id";

fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<ManualRule>> {
    conn.query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], from_row)
        .optional()
}

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<ManualRule> {
    Ok(ManualRule {
        id: r.get(0)?,
        kind: r.get(1)?,
        pattern: r.get(2)?,
        customer: r.get(3)?,
        customer_name: r.get(4)?,
        created_at: r.get(5)?,
        actor: r.get(6)?,
    })
}

fn audit(
    tx: &Connection,
    customer_id: i64,
    actor: &str,
    at: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, customer_id, field, before, after) VALUES (?1, ?2, ?3, 'matching rule', ?4, ?5)",
        params![at, actor, customer_id, before, after],
    )?;
    Ok(())
}
