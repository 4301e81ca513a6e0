//! Customer records in SQLite (§2), with every change written to the audit log
//! (§1 "dynamic management", §2.4 re-verification and handover).
//!
//! A record is written field by field: [`upsert`] compares what is stored with what
//! is given, changes only what differs, and logs each change (who, when, field,
//! before, after). `None` and empty lists in the input mean "not given" and leave the
//! stored value alone, so a partial spreadsheet never wipes data.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::config::User;
use crate::customers::model::{Contact, CustomerRecord};
use crate::region::{self, Continent};

/// Why a customer write was refused.
#[derive(Debug, thiserror::Error)]
pub enum CustomerError {
    #[error("no customer with code '{0}'")]
    NotFound(String),
    #[error("'{0}' is not a user in the config ([[users]] login)")]
    UnknownUser(String),
    #[error("customer '{code}' is owned by '{owner}', not '{from}'")]
    NotOwnedBy {
        code: String,
        owner: String,
        from: String,
    },
    #[error("customer code must not be empty")]
    EmptyCode,
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// One field that changed, as written to the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What [`upsert`] did to one customer.
#[derive(Debug, Clone, Serialize)]
pub struct Upsert {
    pub id: i64,
    pub code: String,
    pub created: bool,
    pub changes: Vec<FieldChange>,
}

/// The columns of `customers` that mirror [`CustomerRecord`]'s scalar fields, in order.
const COLUMNS: &[&str] = &[
    "name",
    "legal_rep",
    "address",
    "phone",
    "fax",
    "website",
    "business_scope",
    "country",
    "nature",
    "scale",
    "source",
    "stage",
    "owner",
    "product_categories",
    "purchase_frequency",
    "payment_terms",
    "price_sensitivity",
    "credit_rating",
    "credit_limit_minor",
    "currency",
    "market_notes",
    "tags",
    "do_not_contact",
    "last_verified",
];

/// Position of `owner` in [`COLUMNS`].
const OWNER_COLUMN: usize = 12;

/// The record's scalar fields as stored text, aligned with [`COLUMNS`].
fn column_values(rec: &CustomerRecord) -> Vec<Option<String>> {
    fn key<T: std::fmt::Display>(v: &Option<T>) -> Option<String> {
        v.as_ref().map(|v| v.to_string())
    }
    fn list(v: &[String]) -> Option<String> {
        (!v.is_empty()).then(|| serde_json::to_string(v).expect("strings serialise"))
    }
    vec![
        Some(rec.name.clone()).filter(|n| !n.is_empty()),
        rec.legal_rep.clone(),
        rec.address.clone(),
        rec.phone.clone(),
        rec.fax.clone(),
        rec.website.clone(),
        rec.business_scope.clone(),
        rec.country.clone(),
        key(&rec.nature),
        key(&rec.scale),
        key(&rec.source),
        key(&rec.stage),
        rec.owner.clone(),
        list(&rec.product_categories),
        rec.purchase_frequency.clone(),
        rec.payment_terms.clone(),
        key(&rec.price_sensitivity),
        key(&rec.credit_rating),
        key(&rec.credit_limit_minor),
        rec.currency.clone(),
        rec.market_notes.clone(),
        list(&rec.tags),
        key(&rec.do_not_contact),
        rec.last_verified.clone(),
    ]
}

fn value_text(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(f) => Some(f.to_string()),
        Value::Text(t) => Some(t),
        Value::Blob(_) => None,
    }
}

/// Creates the customer `rec.code`, or updates it with the fields `rec` gives.
pub fn upsert(tx: &Connection, rec: &CustomerRecord, actor: &str) -> Result<Upsert, CustomerError> {
    let code = rec.code.trim();
    if code.is_empty() {
        return Err(CustomerError::EmptyCode);
    }
    let mut new_values = column_values(rec);
    if let Some(owner) = &rec.owner {
        // Spreadsheets name the salesperson as people do ("陈静", "Chen Jing"); store the login.
        new_values[OWNER_COLUMN] = Some(resolve_user(tx, owner)?);
    }
    let now = super::now();
    let existing: Option<(i64, Vec<Option<String>>)> = tx
        .query_row(
            &format!(
                "SELECT id, {} FROM customers WHERE code = ?1",
                COLUMNS.join(", ")
            ),
            [code],
            |row| {
                let mut values = Vec::with_capacity(COLUMNS.len());
                for i in 0..COLUMNS.len() {
                    values.push(value_text(row.get(i + 1)?));
                }
                Ok((row.get(0)?, values))
            },
        )
        .optional()?;

    let mut changes = Vec::new();
    let (id, created) = match existing {
        None => {
            let placeholders: Vec<String> =
                (0..COLUMNS.len()).map(|i| format!("?{}", i + 2)).collect();
            let sql = format!(
                "INSERT INTO customers (code, {}, created_at, updated_at) VALUES (?1, {}, ?{n}, ?{n})",
                COLUMNS.join(", "),
                placeholders.join(", "),
                n = COLUMNS.len() + 2
            );
            let mut values: Vec<Value> = vec![Value::Text(code.to_string())];
            values.extend(
                new_values
                    .iter()
                    .map(|v| v.clone().map_or(Value::Null, Value::Text)),
            );
            values.push(Value::Text(now.clone()));
            tx.execute(&sql, rusqlite::params_from_iter(values))?;
            let id = tx.last_insert_rowid();
            changes.push(FieldChange {
                field: "created".into(),
                before: None,
                after: Some(format!("{code} {}", rec.name)),
            });
            if let Some(stage) = rec.stage {
                record_stage(tx, id, stage.key(), &now, actor)?;
            }
            (id, true)
        }
        Some((id, old_values)) => {
            for ((column, old), new) in COLUMNS.iter().zip(old_values).zip(new_values) {
                let Some(new) = new else { continue };
                if old.as_deref() == Some(new.as_str()) {
                    continue;
                }
                tx.execute(
                    &format!("UPDATE customers SET {column} = ?1, updated_at = ?2 WHERE id = ?3"),
                    params![new, now, id],
                )?;
                if *column == "stage" {
                    record_stage(tx, id, &new, &now, actor)?;
                }
                changes.push(FieldChange {
                    field: column.to_string(),
                    before: old,
                    after: Some(new),
                });
            }
            (id, false)
        }
    };

    for domain in &rec.domains {
        let added = tx.execute(
            "INSERT OR IGNORE INTO customer_domains (customer_id, domain) VALUES (?1, ?2)",
            params![id, domain],
        )?;
        if added > 0 && !created {
            changes.push(FieldChange {
                field: "domain".into(),
                before: None,
                after: Some(domain.clone()),
            });
        }
    }
    for contact in &rec.contacts {
        changes.extend(upsert_contact(tx, id, contact)?);
    }
    if created {
        // Creation is one audit entry; the contacts and domains it came with are part of it.
        changes.truncate(1);
    }
    for change in &changes {
        audit(tx, id, actor, &now, change)?;
    }
    Ok(Upsert {
        id,
        code: code.to_string(),
        created,
        changes,
    })
}

/// Adds a contact to a customer, or updates the one that shares an address with it.
fn upsert_contact(
    tx: &Connection,
    customer_id: i64,
    contact: &Contact,
) -> Result<Vec<FieldChange>, CustomerError> {
    let mut changes = Vec::new();
    let mut existing: Option<i64> = None;
    for email in &contact.emails {
        existing = tx
            .query_row(
                "SELECT c.id FROM contacts c JOIN contact_addresses a ON a.contact_id = c.id
                 WHERE c.customer_id = ?1 AND a.address = ?2",
                params![customer_id, email],
                |r| r.get(0),
            )
            .optional()?;
        if existing.is_some() {
            break;
        }
    }
    if existing.is_none() && contact.emails.is_empty() {
        existing = tx
            .query_row(
                "SELECT id FROM contacts WHERE customer_id = ?1 AND name = ?2",
                params![customer_id, contact.name],
                |r| r.get(0),
            )
            .optional()?;
    }
    let label = contact
        .emails
        .first()
        .cloned()
        .unwrap_or_else(|| contact.name.clone());
    let phones = (!contact.phones.is_empty()).then(|| contact.phones.join("; "));
    let id = match existing {
        Some(id) => {
            let (name, title, old_phones, language): (
                String,
                Option<String>,
                Option<String>,
                Option<String>,
            ) = tx.query_row(
                "SELECT name, title, phones, language FROM contacts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            let updates = [
                (
                    "name",
                    Some(name),
                    Some(contact.name.clone()).filter(|n| !n.is_empty()),
                ),
                ("title", title, contact.title.clone()),
                ("phones", old_phones, phones),
                ("language", language, contact.language.clone()),
            ];
            for (column, old, new) in updates {
                let Some(new) = new else { continue };
                if old.as_deref() == Some(new.as_str()) {
                    continue;
                }
                tx.execute(
                    &format!("UPDATE contacts SET {column} = ?1 WHERE id = ?2"),
                    params![new, id],
                )?;
                changes.push(FieldChange {
                    field: format!("contact {label} {column}"),
                    before: old,
                    after: Some(new),
                });
            }
            id
        }
        None => {
            tx.execute(
                "INSERT INTO contacts (customer_id, name, title, phones, language) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![customer_id, contact.name, contact.title, phones, contact.language],
            )?;
            changes.push(FieldChange {
                field: "contact".into(),
                before: None,
                after: Some(format_contact(&contact.name, &label)),
            });
            tx.last_insert_rowid()
        }
    };
    for email in &contact.emails {
        let added = tx.execute(
            "INSERT OR IGNORE INTO contact_addresses (contact_id, address) VALUES (?1, ?2)",
            params![id, email],
        )?;
        if added > 0 && existing.is_some() {
            changes.push(FieldChange {
                field: format!("contact {} address", contact.name),
                before: None,
                after: Some(email.clone()),
            });
        }
    }
    Ok(changes)
}

fn format_contact(name: &str, email: &str) -> String {
    if name.is_empty() || name == email {
        email.to_string()
    } else {
        format!("{name} <{email}>")
    }
}

fn record_stage(
    tx: &Connection,
    id: i64,
    stage: &str,
    at: &str,
    actor: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO stage_history (customer_id, stage, changed_at, actor) VALUES (?1, ?2, ?3, ?4)",
        params![id, stage, at, actor],
    )?;
    Ok(())
}

fn audit(
    tx: &Connection,
    id: i64,
    actor: &str,
    at: &str,
    change: &FieldChange,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, customer_id, field, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![at, actor, id, change.field, change.before, change.after],
    )?;
    Ok(())
}

/// The login of the user `who` names: a login, an email address, a full name, or one
/// word of the name ("陈静" in "Chen Jing 陈静"), as long as exactly one user fits.
pub fn resolve_user(conn: &Connection, who: &str) -> Result<String, CustomerError> {
    let who = who.trim();
    let users: Vec<(String, String, String)> = conn
        .prepare_cached("SELECT login, email, name FROM users WHERE active = 1")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    if let Some((login, _, _)) = users
        .iter()
        .find(|(l, e, _)| l == who || e.eq_ignore_ascii_case(who))
    {
        return Ok(login.clone());
    }
    let by_name: Vec<&String> = users
        .iter()
        .filter(|(_, _, name)| {
            name.eq_ignore_ascii_case(who)
                || name.split_whitespace().any(|w| w == who)
                || name
                    .to_lowercase()
                    .starts_with(&format!("{} ", who.to_lowercase()))
        })
        .map(|(login, _, _)| login)
        .collect();
    match by_name.as_slice() {
        [one] => Ok((*one).clone()),
        _ => Err(CustomerError::UnknownUser(who.to_string())),
    }
}

/// True when the database's active users already mirror the config's `[[users]]`, so a
/// read-only command need not take the write lock (a daemon may be holding it).
pub fn users_in_sync(conn: &Connection, users: &[User]) -> rusqlite::Result<bool> {
    let stored: Vec<(String, String, String, String, Option<String>)> = conn
        .prepare(
            "SELECT login, name, email, role, team FROM users WHERE active = 1 ORDER BY login",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut wanted: Vec<(String, String, String, String, Option<String>)> = users
        .iter()
        .map(|u| {
            let role = serde_json::to_value(u.role).expect("role serialises");
            (
                u.login.get_ref().clone(),
                u.name.clone(),
                u.email.to_lowercase(),
                role.as_str().unwrap_or_default().to_string(),
                u.team.clone(),
            )
        })
        .collect();
    wanted.sort();
    Ok(stored == wanted)
}

/// Mirrors the config's `[[users]]` into the database; users no longer listed become inactive.
pub fn sync_users(tx: &Connection, users: &[User]) -> rusqlite::Result<()> {
    tx.execute("UPDATE users SET active = 0", [])?;
    for u in users {
        let role = serde_json::to_value(u.role).expect("role serialises");
        tx.execute(
            "INSERT INTO users (login, name, email, role, team, active) VALUES (?1, ?2, ?3, ?4, ?5, 1)
             ON CONFLICT(login) DO UPDATE SET name = excluded.name, email = excluded.email,
                 role = excluded.role, team = excluded.team, active = 1",
            params![u.login.get_ref(), u.name, u.email.to_lowercase(), role.as_str(), u.team],
        )?;
    }
    Ok(())
}

/// Moves customers from one salesperson to another in the caller's transaction (§2.4 离职交接).
///
/// `codes` empty means all of `from`'s customers. Correspondence stays filed under
/// the customer, so the successor sees the whole history at once.
pub fn handover(
    tx: &Connection,
    from: &str,
    to: &str,
    codes: &[String],
    actor: &str,
) -> Result<Vec<String>, CustomerError> {
    let to = &resolve_user(tx, to)?;
    let codes: Vec<String> = if codes.is_empty() {
        let mut stmt = tx.prepare("SELECT code FROM customers WHERE owner = ?1 ORDER BY code")?;
        let rows = stmt.query_map([from], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    } else {
        for code in codes {
            let owner: Option<String> = tx
                .query_row("SELECT owner FROM customers WHERE code = ?1", [code], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or_else(|| CustomerError::NotFound(code.clone()))?;
            if owner.as_deref() != Some(from) {
                return Err(CustomerError::NotOwnedBy {
                    code: code.clone(),
                    owner: owner.unwrap_or_else(|| "nobody".into()),
                    from: from.to_string(),
                });
            }
        }
        codes.to_vec()
    };
    let now = super::now();
    let actor = format!("{actor} (handover)");
    for code in &codes {
        let id: i64 = tx.query_row(
            "UPDATE customers SET owner = ?1, updated_at = ?2 WHERE code = ?3 RETURNING id",
            params![to, now, code],
            |r| r.get(0),
        )?;
        let change = FieldChange {
            field: "owner".into(),
            before: Some(from.to_string()),
            after: Some(to.to_string()),
        };
        audit(tx, id, &actor, &now, &change)?;
    }
    Ok(codes)
}

/// One audit-log entry, for `customers show`.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A stage change (§3), for `customers show`.
#[derive(Debug, Clone, Serialize)]
pub struct StageChange {
    pub stage: String,
    pub changed_at: String,
}

/// A customer as stored, with what is derived from it (region, domestic) and counted.
#[derive(Debug, Clone, Serialize)]
pub struct StoredCustomer {
    pub id: i64,
    #[serde(flatten)]
    pub record: CustomerRecord,
    pub continent: Option<Continent>,
    pub subregion: Option<&'static str>,
    /// None when the country is unknown.
    pub domestic: Option<bool>,
    pub created_at: String,
    pub updated_at: String,
    pub message_count: i64,
}

fn stored_from_row(row: &Row) -> rusqlite::Result<(i64, CustomerRecord, String, String, i64)> {
    fn text(row: &Row, column: &str) -> rusqlite::Result<Option<String>> {
        Ok(value_text(row.get(column)?))
    }
    fn parsed<T: std::str::FromStr>(row: &Row, column: &str) -> rusqlite::Result<Option<T>> {
        Ok(text(row, column)?.and_then(|v| v.parse().ok()))
    }
    fn list(row: &Row, column: &str) -> rusqlite::Result<Vec<String>> {
        Ok(text(row, column)?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default())
    }
    let record = CustomerRecord {
        code: row.get("code")?,
        name: row.get("name")?,
        legal_rep: text(row, "legal_rep")?,
        address: text(row, "address")?,
        phone: text(row, "phone")?,
        fax: text(row, "fax")?,
        website: text(row, "website")?,
        business_scope: text(row, "business_scope")?,
        country: text(row, "country")?,
        nature: parsed(row, "nature")?,
        scale: parsed(row, "scale")?,
        source: parsed(row, "source")?,
        stage: parsed(row, "stage")?,
        owner: text(row, "owner")?,
        product_categories: list(row, "product_categories")?,
        purchase_frequency: text(row, "purchase_frequency")?,
        payment_terms: text(row, "payment_terms")?,
        price_sensitivity: parsed(row, "price_sensitivity")?,
        credit_rating: parsed(row, "credit_rating")?,
        credit_limit_minor: parsed(row, "credit_limit_minor")?,
        currency: text(row, "currency")?,
        market_notes: text(row, "market_notes")?,
        tags: list(row, "tags")?,
        do_not_contact: parsed(row, "do_not_contact")?,
        last_verified: text(row, "last_verified")?,
        domains: Vec::new(),
        contacts: Vec::new(),
    };
    Ok((
        row.get("id")?,
        record,
        row.get("created_at")?,
        row.get("updated_at")?,
        row.get("message_count")?,
    ))
}

/// Which customers `customers list` shows; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub owner: Option<String>,
    pub country: Option<String>,
    pub continent: Option<Continent>,
    /// Some(true): only domestic; Some(false): only foreign.
    pub domestic: Option<bool>,
    pub nature: Option<crate::customers::model::Nature>,
    pub scale: Option<crate::customers::model::Scale>,
    pub tag: Option<String>,
    /// Only customers last verified before this date (or never): §2.4 re-verification.
    pub verified_before: Option<chrono::NaiveDate>,
}

const SELECT_CUSTOMERS: &str = "SELECT c.*, (SELECT COUNT(*) FROM message_customers m WHERE m.customer_id = c.id) AS message_count
     FROM customers c";

/// Lists customers matching `filter`, ordered by code; `home` is the company's country.
pub fn list(
    conn: &Connection,
    filter: &CustomerFilter,
    home: &str,
) -> Result<Vec<StoredCustomer>, CustomerError> {
    let mut stmt = conn.prepare(&format!("{SELECT_CUSTOMERS} ORDER BY c.code"))?;
    let rows = stmt.query_map([], stored_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        let (id, record, created_at, updated_at, message_count) = row?;
        let customer = derive(id, record, created_at, updated_at, message_count, home);
        if keep(&customer, filter) {
            out.push(customer);
        }
    }
    Ok(out)
}

fn derive(
    id: i64,
    record: CustomerRecord,
    created_at: String,
    updated_at: String,
    message_count: i64,
    home: &str,
) -> StoredCustomer {
    let country = record.country.as_deref().and_then(region::by_code);
    StoredCustomer {
        id,
        continent: country.map(|c| c.continent),
        subregion: country.map(|c| c.subregion),
        domestic: record
            .country
            .as_deref()
            .map(|c| region::is_domestic(c, home)),
        record,
        created_at,
        updated_at,
        message_count,
    }
}

fn keep(c: &StoredCustomer, f: &CustomerFilter) -> bool {
    let r = &c.record;
    let eq = |want: &Option<String>, have: &Option<String>| {
        want.as_ref()
            .is_none_or(|w| have.as_ref().is_some_and(|h| h.eq_ignore_ascii_case(w)))
    };
    eq(&f.owner, &r.owner)
        && eq(&f.country, &r.country)
        && f.continent.is_none_or(|w| c.continent == Some(w))
        && f.domestic.is_none_or(|w| c.domestic == Some(w))
        && f.nature.is_none_or(|w| r.nature == Some(w))
        && f.scale.is_none_or(|w| r.scale == Some(w))
        && f.tag
            .as_ref()
            .is_none_or(|t| r.tags.iter().any(|x| x.eq_ignore_ascii_case(t)))
        && f.verified_before.is_none_or(|before| {
            r.last_verified
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_none_or(|d| d < before)
        })
}

/// Everything about one customer, for `customers show`.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerDetail {
    #[serde(flatten)]
    pub customer: StoredCustomer,
    pub stage_history: Vec<StageChange>,
    pub audit: Vec<AuditEntry>,
}

/// Loads one customer by code, with contacts, domains, stage history and audit trail.
pub fn get(conn: &Connection, code: &str, home: &str) -> Result<CustomerDetail, CustomerError> {
    let (id, mut record, created_at, updated_at, message_count) = conn
        .query_row(
            &format!("{SELECT_CUSTOMERS} WHERE c.code = ?1"),
            [code],
            stored_from_row,
        )
        .optional()?
        .ok_or_else(|| CustomerError::NotFound(code.to_string()))?;
    record.domains = conn
        .prepare("SELECT domain FROM customer_domains WHERE customer_id = ?1 ORDER BY domain")?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut contacts = conn.prepare(
        "SELECT id, name, title, phones, language FROM contacts WHERE customer_id = ?1 ORDER BY id",
    )?;
    let mut addresses =
        conn.prepare("SELECT address FROM contact_addresses WHERE contact_id = ?1 ORDER BY rowid")?;
    let rows: Vec<(i64, Contact)> = contacts
        .query_map([id], |r| {
            let phones: Option<String> = r.get(3)?;
            Ok((
                r.get(0)?,
                Contact {
                    name: r.get(1)?,
                    title: r.get(2)?,
                    emails: Vec::new(),
                    phones: phones
                        .map(|p| p.split("; ").map(String::from).collect())
                        .unwrap_or_default(),
                    language: r.get(4)?,
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    for (contact_id, mut contact) in rows {
        contact.emails = addresses
            .query_map([contact_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        record.contacts.push(contact);
    }
    let stage_history = conn
        .prepare(
            "SELECT stage, changed_at FROM stage_history WHERE customer_id = ?1 ORDER BY rowid",
        )?
        .query_map([id], |r| {
            Ok(StageChange {
                stage: r.get(0)?,
                changed_at: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let audit = conn
        .prepare("SELECT at, actor, field, before, after FROM audit_log WHERE customer_id = ?1 ORDER BY id")?
        .query_map([id], |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                actor: r.get(1)?,
                field: r.get(2)?,
                before: r.get(3)?,
                after: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(CustomerDetail {
        customer: derive(id, record, created_at, updated_at, message_count, home),
        stage_history,
        audit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::model::{Nature, Stage};
    use crate::store::Store;

    fn store_with_users() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("tw.db")).unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO users VALUES ('a','A','a@x.cn','sales',NULL,1);
                 INSERT INTO users VALUES ('b','B','b@x.cn','sales',NULL,1);",
            )
            .unwrap();
        (dir, store)
    }

    fn record() -> CustomerRecord {
        CustomerRecord {
            code: "C001".into(),
            name: "Hansa Tools GmbH".into(),
            country: Some("DE".into()),
            nature: Some(Nature::Trading),
            stage: Some(Stage::FirstContact),
            owner: Some("a".into()),
            tags: vec!["vip".into()],
            domains: vec!["hansa-tools.de".into()],
            contacts: vec![Contact {
                name: "Jonas Weber".into(),
                emails: vec!["jonas@hansa-tools.de".into()],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn upsert_creates_then_logs_each_changed_field() {
        let (_d, mut store) = store_with_users();
        let tx = store.write().unwrap();
        assert!(upsert(&tx, &record(), "test").unwrap().created);
        let mut changed = record();
        changed.stage = Some(Stage::Negotiation);
        changed.name = "Hansa Tools GmbH & Co. KG".into();
        changed.contacts[0].title = Some("Buyer".into());
        let again = upsert(&tx, &changed, "li.wei").unwrap();
        assert!(!again.created);
        let fields: Vec<&str> = again.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "stage", "contact jonas@hansa-tools.de title"]
        );
        // The same input again changes nothing.
        assert!(upsert(&tx, &changed, "li.wei").unwrap().changes.is_empty());
        tx.commit().unwrap();

        let detail = get(store.conn(), "C001", "CN").unwrap();
        assert_eq!(detail.customer.record.stage, Some(Stage::Negotiation));
        assert_eq!(detail.customer.continent, Some(Continent::Europe));
        assert_eq!(detail.customer.domestic, Some(false));
        assert_eq!(detail.stage_history.len(), 2);
        assert_eq!(detail.audit.len(), 4, "{:?}", detail.audit);
        assert_eq!(detail.audit[1].before.as_deref(), Some("Hansa Tools GmbH"));
        assert_eq!(detail.audit[1].actor, "li.wei");
    }

    #[test]
    fn missing_fields_leave_stored_values_alone() {
        let (_d, mut store) = store_with_users();
        let tx = store.write().unwrap();
        upsert(&tx, &record(), "t").unwrap();
        let partial = CustomerRecord {
            code: "C001".into(),
            name: "Hansa Tools GmbH".into(),
            ..Default::default()
        };
        assert!(upsert(&tx, &partial, "t").unwrap().changes.is_empty());
        tx.commit().unwrap();
        let c = get(store.conn(), "C001", "CN").unwrap().customer;
        assert_eq!(c.record.tags, vec!["vip"]);
        assert_eq!(c.record.contacts.len(), 1);
    }

    #[test]
    fn owners_are_resolved_from_names_and_emails() {
        let (_d, store) = store_with_users();
        assert_eq!(COLUMNS[OWNER_COLUMN], "owner");
        store
            .conn()
            .execute("INSERT INTO users VALUES ('chen.jing','Chen Jing 陈静','chen.jing@x.cn','sales',NULL,1)", [])
            .unwrap();
        for who in [
            "chen.jing",
            "陈静",
            "Chen Jing",
            "chen jing",
            "CHEN.JING@x.cn",
        ] {
            assert_eq!(
                resolve_user(store.conn(), who).unwrap(),
                "chen.jing",
                "{who}"
            );
        }
        store
            .conn()
            .execute(
                "INSERT INTO users VALUES ('li.jing','Li Jing 李静','li.jing@x.cn','sales',NULL,1)",
                [],
            )
            .unwrap();
        assert!(
            resolve_user(store.conn(), "Jing").is_err(),
            "ambiguous between two users"
        );
        assert!(resolve_user(store.conn(), "Zhang San").is_err());
    }

    #[test]
    fn unknown_owner_is_refused() {
        let (_d, mut store) = store_with_users();
        let tx = store.write().unwrap();
        let mut r = record();
        r.owner = Some("ghost".into());
        assert!(matches!(upsert(&tx, &r, "t"), Err(CustomerError::UnknownUser(u)) if u == "ghost"));
    }

    #[test]
    fn handover_moves_customers_and_audits() {
        let (_d, mut store) = store_with_users();
        let tx = store.write().unwrap();
        upsert(&tx, &record(), "t").unwrap();
        let mut other = record();
        other.code = "C002".into();
        upsert(&tx, &other, "t").unwrap();
        let err = handover(&tx, "b", "a", &["C001".into()], "mgr").unwrap_err();
        assert!(matches!(err, CustomerError::NotOwnedBy { .. }), "{err}");
        assert_eq!(
            handover(&tx, "a", "b", &[], "mgr").unwrap(),
            ["C001", "C002"]
        );
        tx.commit().unwrap();
        let filter = CustomerFilter {
            owner: Some("b".into()),
            ..Default::default()
        };
        assert_eq!(list(store.conn(), &filter, "CN").unwrap().len(), 2);
        let audit = get(store.conn(), "C002", "CN").unwrap().audit;
        let last = audit.last().unwrap();
        assert_eq!(
            (
                last.field.as_str(),
                last.before.as_deref(),
                last.after.as_deref()
            ),
            ("owner", Some("a"), Some("b"))
        );
        assert_eq!(last.actor, "mgr (handover)");
    }

    #[test]
    fn list_filters_by_region_tag_and_staleness() {
        let (_d, mut store) = store_with_users();
        let tx = store.write().unwrap();
        upsert(&tx, &record(), "t").unwrap();
        let cn = CustomerRecord {
            code: "C100".into(),
            name: "上海贸易".into(),
            country: Some("CN".into()),
            last_verified: Some("2026-11-01".into()),
            ..Default::default()
        };
        upsert(&tx, &cn, "t").unwrap();
        tx.commit().unwrap();
        let codes = |f: CustomerFilter| -> Vec<String> {
            list(store.conn(), &f, "CN")
                .unwrap()
                .into_iter()
                .map(|c| c.record.code)
                .collect()
        };
        assert_eq!(
            codes(CustomerFilter {
                domestic: Some(true),
                ..Default::default()
            }),
            ["C100"]
        );
        assert_eq!(
            codes(CustomerFilter {
                continent: Some(Continent::Europe),
                ..Default::default()
            }),
            ["C001"]
        );
        assert_eq!(
            codes(CustomerFilter {
                tag: Some("VIP".into()),
                ..Default::default()
            }),
            ["C001"]
        );
        let before = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        assert_eq!(
            codes(CustomerFilter {
                verified_before: Some(before),
                ..Default::default()
            }),
            ["C001"]
        );
    }
}
