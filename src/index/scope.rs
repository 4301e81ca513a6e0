//! Who may see which mail in searches and timelines (issue 4, access scope; §2.4).
//!
//! A salesperson sees their own mailboxes and their own customers' mail; service and
//! finance staff see the mailboxes of their role plus their own; managers see all.
//! `--as LOGIN` names the user; the default actor `cli:$USER` (a local administrator
//! at the server, who can read the database file anyway) sees everything. Any other
//! name that is not a configured login is refused: a typo must never widen the view.
//!
//! The scope is resolved from the config and SQLite at query time (so a handover
//! takes effect at once), applied as a filter query in the index, and checked again
//! against SQLite for every hit before it is shown: a stale index can never leak.

use rusqlite::{params, Connection};
use std::collections::BTreeSet;
use tantivy::query::{BooleanQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::schema::Fields;
use crate::config::{Config, MailboxRole, Role};

/// Why a scope could not be worked out.
#[derive(Debug, thiserror::Error)]
pub enum ScopeError {
    /// `--as` named someone who is not a configured user.
    #[error("--as '{actor}' is not a user in the config (users: {known})")]
    UnknownUser { actor: String, known: String },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// What one user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everything: managers and the local administrator.
    All,
    /// Mail held by these mailboxes or filed under these customers.
    Limited {
        login: String,
        mailboxes: BTreeSet<String>,
        customer_ids: BTreeSet<i64>,
    },
}

impl Scope {
    /// The scope of `actor` under `config`, with the customers it owns now.
    pub fn resolve(config: &Config, conn: &Connection, actor: &str) -> Result<Scope, ScopeError> {
        let Some(user) = config.users.iter().find(|u| u.login.get_ref() == actor) else {
            if actor.starts_with("cli:") {
                return Ok(Scope::All);
            }
            return Err(ScopeError::UnknownUser {
                actor: actor.to_string(),
                known: config
                    .users
                    .iter()
                    .map(|u| u.login.get_ref().as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let role_mailbox = match user.role {
            Role::Manager => return Ok(Scope::All),
            Role::Sales => None,
            Role::Service => Some(MailboxRole::Service),
            Role::Finance => Some(MailboxRole::Finance),
        };
        let mailboxes = config
            .mailboxes
            .iter()
            .filter(|m| m.owner.get_ref() == actor || Some(m.role) == role_mailbox)
            .map(|m| m.name.get_ref().clone())
            .collect();
        let mut stmt = conn.prepare("SELECT id FROM customers WHERE owner = ?1")?;
        let customer_ids = stmt
            .query_map([actor], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(Scope::Limited {
            login: actor.to_string(),
            mailboxes,
            customer_ids,
        })
    }

    /// The filter query for the index; `None` for [`Scope::All`].
    pub fn filter(&self, fields: &Fields) -> Option<Box<dyn Query>> {
        let Scope::Limited {
            mailboxes,
            customer_ids,
            ..
        } = self
        else {
            return None;
        };
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for m in mailboxes {
            let term = Term::from_field_text(fields.mailbox, &m.to_lowercase());
            should.push((
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        for id in customer_ids {
            let term = Term::from_field_u64(fields.customer_id, *id as u64);
            should.push((
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        if should.is_empty() {
            return Some(Box::new(EmptyQuery));
        }
        Some(Box::new(BooleanQuery::new(should)))
    }

    /// Whether the message may be shown, checked against SQLite (the source of truth).
    pub fn allows(&self, conn: &Connection, message_id: i64) -> rusqlite::Result<bool> {
        let Scope::Limited {
            mailboxes,
            customer_ids,
            ..
        } = self
        else {
            return Ok(true);
        };
        let mut stmt =
            conn.prepare_cached("SELECT mailbox FROM message_locations WHERE message_id = ?1")?;
        let held: Vec<String> = stmt
            .query_map(params![message_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if held.iter().any(|m| mailboxes.contains(m)) {
            return Ok(true);
        }
        let mut stmt =
            conn.prepare_cached("SELECT customer_id FROM message_customers WHERE message_id = ?1")?;
        let filed: Vec<i64> = stmt
            .query_map(params![message_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(filed.iter().any(|c| customer_ids.contains(c)))
    }
}
