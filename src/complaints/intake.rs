//! The intake hook (§6 intake): every newly stored message, once matched to customers,
//! passes through [`Intake::on_stored`]. Inbound customer mail is scored; a complaint opens
//! a ticket (or reopens a closed one in its thread); later messages in a ticket's thread
//! attach to it; a staff reply in the thread acknowledges a new ticket (§6 SLA).

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::detect::{Detector, Verdict};
use super::model::{Category, Model, ModelError};
use super::settings::TicketsConfig;
use crate::config::Config;
use crate::workhours::WorkHours;

/// What the hook did with one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Outcome {
    Opened { ticket: i64, number: String },
    Reopened { ticket: i64 },
    Attached { ticket: i64 },
    Acknowledged { ticket: i64 },
}

/// The compiled model and the ticket settings, built once per import or sync.
pub struct Intake {
    pub detector: Detector,
    pub settings: TicketsConfig,
    pub hours: WorkHours,
}

/// Parses an RFC 3339 time as stored.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Formats a time as stored.
pub fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Intake {
    /// The built-in model extended by `[tickets]`: its phrase file, inline groups, threshold.
    pub fn try_from_config(config: &Config) -> Result<Intake, ModelError> {
        let t = &config.tickets;
        let mut model = Model::builtin();
        if let Some(file) = &t.phrases_file {
            let base = config
                .source_path
                .parent()
                .unwrap_or(std::path::Path::new("."));
            model.extend(Model::load(&base.join(file))?);
        }
        model.phrases.extend(t.phrases.iter().cloned());
        model.severity.extend(t.severity.iter().cloned());
        if let Some(n) = &t.negation {
            model.extend(Model {
                threshold: model.threshold,
                negation: n.clone(),
                phrases: Vec::new(),
                severity: Vec::new(),
            });
        }
        if let Some(th) = t.threshold {
            model.threshold = th;
        }
        Ok(Intake {
            detector: Detector::new(&model),
            settings: t.clone(),
            hours: WorkHours::from_config(&config.work_hours)
                .expect("[work_hours] was validated when the config loaded"),
        })
    }

    /// As [`Intake::try_from_config`]; a phrase file that cannot be read is logged and the
    /// rest of the model used, so mail keeps flowing (the CLI reports the error instead).
    /// None when `[tickets] enabled = false`.
    pub fn from_config(config: &Config) -> Option<Intake> {
        if !config.tickets.enabled {
            return None;
        }
        match Intake::try_from_config(config) {
            Ok(i) => Some(i),
            Err(e) => {
                tracing::error!(error = %e, "complaint phrase file ignored; using the built-in model");
                let mut c = config.clone();
                c.tickets.phrases_file = None;
                Intake::try_from_config(&c).ok()
            }
        }
    }

    /// Runs the hook on a message just stored and matched, in the caller's transaction.
    pub fn on_stored(&self, tx: &Connection, message_id: i64) -> rusqlite::Result<Option<Outcome>> {
        let Some(m) = load_message(tx, message_id)? else {
            return Ok(None);
        };
        if m.is_list || m.is_auto || m.direction == "internal" {
            return Ok(None);
        }
        if m.direction == "inbound" && m.customer_id.is_none() {
            return Ok(None); // only customers' mail becomes or joins a ticket
        }
        let mut m = m;
        m.body = tx
            .prepare_cached("SELECT body_text FROM messages WHERE id = ?1")?
            .query_row([message_id], |r| r.get(0))?;
        let thread_ticket = self.thread_ticket(tx, &m)?;
        if m.direction == "outbound" {
            let Some(t) = thread_ticket else {
                return Ok(None);
            };
            attach(tx, t, message_id, "staff")?;
            let actor = m.from_addr.clone().unwrap_or_else(|| "staff".into());
            if acknowledge(tx, t, &m.date, &actor)? {
                return Ok(Some(Outcome::Acknowledged { ticket: t }));
            }
            return Ok(Some(Outcome::Attached { ticket: t }));
        }
        let Some(customer_id) = m.customer_id else {
            return Ok(None);
        };
        let verdict = self.detector.score(&m.subject, &m.body);
        if let Some(t) = thread_ticket {
            let (status, closed_at): (String, Option<String>) = tx.query_row(
                "SELECT status, COALESCE(closed_at, resolved_at) FROM tickets WHERE id = ?1",
                [t],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let finished = status == "resolved" || status == "closed";
            let recent = closed_at
                .as_deref()
                .and_then(parse_time)
                .and_then(|c| parse_time(&m.date).map(|d| d - c))
                .is_none_or(|age| age <= Duration::days(self.settings.reopen_days as i64));
            if !(finished && verdict.is_complaint && !recent) {
                attach(tx, t, message_id, "customer")?;
                if finished && verdict.is_complaint {
                    self.reopen(tx, t, &m, &verdict)?;
                    return Ok(Some(Outcome::Reopened { ticket: t }));
                }
                return Ok(Some(Outcome::Attached { ticket: t }));
            }
        }
        if !verdict.is_complaint {
            return Ok(None);
        }
        let (id, number) = self.open(tx, customer_id, &m, &verdict)?;
        Ok(Some(Outcome::Opened { ticket: id, number }))
    }

    /// Runs the hook over stored messages not yet part of a ticket, oldest first (mail
    /// stored before tickets existed, or after the phrases changed); `since` limits it to
    /// messages dated from then on. Returns the tickets opened.
    pub fn scan(&self, tx: &Connection, since: Option<&str>) -> rusqlite::Result<usize> {
        let ids: Vec<i64> = tx
            .prepare(
                "SELECT id FROM messages WHERE id NOT IN (SELECT message_id FROM ticket_messages)
                 AND id NOT IN (SELECT message_id FROM complaint_labels)
                 AND (?1 IS NULL OR date >= ?1) ORDER BY date, id",
            )?
            .query_map([since], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut opened = 0;
        for id in ids {
            if let Some(Outcome::Opened { .. }) = self.on_stored(tx, id)? {
                opened += 1;
            }
        }
        Ok(opened)
    }

    /// The ticket of the thread `m` belongs to: through In-Reply-To/References to a ticket's
    /// message, or (a reply without them) through its normalised subject and customer.
    fn thread_ticket(&self, tx: &Connection, m: &Msg) -> rusqlite::Result<Option<i64>> {
        let by_ref: Option<i64> = tx
            .prepare_cached(
                "SELECT tm.ticket_id FROM message_thread_refs r
                 JOIN messages p ON p.message_id = r.ref_id
                 JOIN ticket_messages tm ON tm.message_id = p.id
                 WHERE r.message_id = ?1 ORDER BY tm.ticket_id DESC LIMIT 1",
            )?
            .query_row([m.id], |r| r.get(0))
            .optional()?;
        if by_ref.is_some() {
            return Ok(by_ref);
        }
        if !crate::matching::thread::has_reply_prefix(&m.subject) {
            return Ok(None);
        }
        let subject = crate::matching::thread::normalise_subject(&m.subject);
        tx.prepare_cached(
            "SELECT t.id FROM tickets t JOIN message_customers mc ON mc.customer_id = t.customer_id
             WHERE mc.message_id = ?1 AND t.thread_subject = ?2 AND t.thread_subject != ''
             ORDER BY t.id DESC LIMIT 1",
        )?
        .query_row(params![m.id, subject], |r| r.get(0))
        .optional()
    }

    fn dues(&self, from: &str, verdict: &Verdict) -> (String, String, String) {
        let start = parse_time(from).unwrap_or_else(Utc::now);
        let sla = self.settings.sla(verdict.severity, self.hours.day_hours());
        (
            fmt_time(self.hours.add(start, sla.acknowledge_hours)),
            fmt_time(self.hours.add(start, sla.plan_hours)),
            fmt_time(self.hours.add(start, sla.resolve_hours)),
        )
    }

    fn open(
        &self,
        tx: &Connection,
        customer_id: i64,
        m: &Msg,
        verdict: &Verdict,
    ) -> rusqlite::Result<(i64, String)> {
        let category = verdict.category.unwrap_or(Category::Service);
        let (owner, team) = self.route(tx, customer_id, category)?;
        let contact_id: Option<i64> = match &m.from_addr {
            Some(a) => tx
                .prepare_cached(
                    "SELECT c.id FROM contacts c JOIN contact_addresses a ON a.contact_id = c.id
                     WHERE a.address = ?1 AND c.customer_id = ?2 LIMIT 1",
                )?
                .query_row(params![a, customer_id], |r| r.get(0))
                .optional()?,
            None => None,
        };
        let year = m.date.get(..4).unwrap_or("0000").to_string();
        let seq: i64 = tx.query_row(
            "SELECT COALESCE(MAX(CAST(substr(number, 8) AS INTEGER)), 0) + 1 FROM tickets
             WHERE number LIKE 'T-' || ?1 || '-%'",
            [&year],
            |r| r.get(0),
        )?;
        let number = format!("T-{year}-{seq:04}");
        let (ack_due, plan_due, resolve_due) = self.dues(&m.date, verdict);
        let now = crate::store::now();
        tx.execute(
            "INSERT INTO tickets (customer_id, status, number, contact_id, contact_address, source_message,
                subject, thread_subject, category, severity, score, language, triggers, severity_cues,
                products, owner, team, opened_at, ack_due, plan_due, resolve_due, updated_at)
             VALUES (?1, 'new', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21)",
            params![
                customer_id,
                number,
                contact_id,
                m.from_addr,
                m.id,
                m.subject,
                crate::matching::thread::normalise_subject(&m.subject),
                category.key(),
                verdict.severity.key(),
                verdict.score,
                verdict.language,
                serde_json::to_string(&verdict.triggers).expect("triggers serialise"),
                serde_json::to_string(&verdict.severity_cues).expect("cues serialise"),
                products(&format!("{}\n{}", m.subject, m.body), &self.settings.product_prefixes),
                owner,
                team,
                m.date,
                ack_due,
                plan_due,
                resolve_due,
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        attach(tx, id, m.id, "source")?;
        let phrases: Vec<&str> = verdict.triggers.iter().map(|t| t.phrase.as_str()).collect();
        event(
            tx,
            id,
            "tradewind",
            "opened",
            &format!(
                "{} / {} (score {:.1}): {}",
                category.key(),
                verdict.severity.key(),
                verdict.score,
                phrases.join(", ")
            ),
        )?;
        let fresh = parse_time(&m.date).is_some_and(|d| {
            Utc::now() - d <= Duration::days(self.settings.acknowledge_max_age_days as i64)
        });
        if self.settings.acknowledgement && fresh {
            if let Some(addr) = &m.from_addr {
                tx.execute(
                    "INSERT OR IGNORE INTO ticket_notices (ticket_id, kind, recipient, language, due_at, created_at)
                     VALUES (?1, 'acknowledgement', ?2, ?3, ?4, ?4)",
                    params![id, addr, verdict.language, now],
                )?;
            }
        }
        // A staff reply stored before the complaint (another folder synced first) counts.
        let replies: Vec<(i64, String, String)> = tx
            .prepare_cached(
                "SELECT m.id, COALESCE(m.date, m.stored_at), COALESCE(m.from_addr, 'staff')
                 FROM message_thread_refs r JOIN messages m ON m.id = r.message_id
                 JOIN messages src ON src.message_id = r.ref_id
                 WHERE src.id = ?1 AND m.direction IN ('outbound', 'inbound') ORDER BY m.date",
            )?
            .query_map([m.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for (reply, date, from) in replies {
            let outbound: bool = tx.query_row(
                "SELECT direction = 'outbound' FROM messages WHERE id = ?1",
                [reply],
                |r| r.get(0),
            )?;
            attach(tx, id, reply, if outbound { "staff" } else { "customer" })?;
            if outbound {
                acknowledge(tx, id, &date, &from)?;
            }
        }
        Ok((id, number))
    }

    fn reopen(&self, tx: &Connection, id: i64, m: &Msg, verdict: &Verdict) -> rusqlite::Result<()> {
        let (ack_due, plan_due, resolve_due) = self.dues(&m.date, verdict);
        tx.execute(
            "UPDATE tickets SET status = 'new', reopened = reopened + 1, acknowledged_at = NULL,
                plan_at = NULL, resolved_at = NULL, closed_at = NULL, ack_due = ?2, plan_due = ?3,
                resolve_due = ?4, rating = NULL, rating_note = NULL, updated_at = ?5 WHERE id = ?1",
            params![id, ack_due, plan_due, resolve_due, crate::store::now()],
        )?;
        tx.execute(
            "DELETE FROM ticket_notices WHERE ticket_id = ?1 AND queued_at IS NULL AND kind = 'breach'",
            [id],
        )?;
        let phrases: Vec<&str> = verdict.triggers.iter().map(|t| t.phrase.as_str()).collect();
        event(
            tx,
            id,
            m.from_addr.as_deref().unwrap_or("customer"),
            "reopened",
            &format!("a new complaint in the thread: {}", phrases.join(", ")),
        )
    }

    /// Owner and team: a routing rule for the category (a login, or a team whose first
    /// active user owns it), else the customer's salesperson.
    fn route(
        &self,
        tx: &Connection,
        customer_id: i64,
        category: Category,
    ) -> rusqlite::Result<(Option<String>, Option<String>)> {
        let salesperson: Option<String> = tx
            .query_row(
                "SELECT owner FROM customers WHERE id = ?1",
                [customer_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let team_of = |login: &Option<String>| -> rusqlite::Result<Option<String>> {
            match login {
                Some(l) => Ok(tx
                    .query_row("SELECT team FROM users WHERE login = ?1", [l], |r| r.get(0))
                    .optional()?
                    .flatten()),
                None => Ok(None),
            }
        };
        if let Some(target) = self.settings.routing.get(category.key()) {
            let user: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT login, team FROM users WHERE login = ?1 AND active = 1",
                    [target],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((login, team)) = user {
                return Ok((Some(login), team));
            }
            let member: Option<String> = tx
                .query_row(
                    "SELECT login FROM users WHERE team = ?1 AND active = 1 ORDER BY rowid LIMIT 1",
                    [target],
                    |r| r.get(0),
                )
                .optional()?;
            return Ok((member.or(salesperson), Some(target.clone())));
        }
        let team = team_of(&salesperson)?;
        Ok((salesperson, team))
    }
}

struct Msg {
    id: i64,
    direction: String,
    date: String,
    subject: String,
    /// Read only once the message is known to matter (most mail is no customer's).
    body: String,
    from_addr: Option<String>,
    is_list: bool,
    is_auto: bool,
    customer_id: Option<i64>,
}

fn load_message(tx: &Connection, id: i64) -> rusqlite::Result<Option<Msg>> {
    tx.prepare_cached(
        "SELECT m.id, m.direction, COALESCE(m.date, m.stored_at), m.subject, '', m.from_addr,
                m.is_list, m.is_auto,
                (SELECT mc.customer_id FROM message_customers mc WHERE mc.message_id = m.id
                 ORDER BY CASE mc.rule WHEN 'contact_address' THEN 0 WHEN 'thread' THEN 1
                          WHEN 'manual' THEN 2 WHEN 'domain' THEN 3 ELSE 4 END, mc.customer_id LIMIT 1)
         FROM messages m WHERE m.id = ?1",
    )?
    .query_row([id], |r| {
        let date: String = r.get(2)?;
        Ok(Msg {
            id: r.get(0)?,
            direction: r.get(1)?,
            date: parse_time(&date).map(fmt_time).unwrap_or(date),
            subject: r.get(3)?,
            body: r.get(4)?,
            from_addr: r.get(5)?,
            is_list: r.get(6)?,
            is_auto: r.get(7)?,
            customer_id: r.get(8)?,
        })
    })
    .optional()
}

fn attach(tx: &Connection, ticket: i64, message: i64, role: &str) -> rusqlite::Result<()> {
    let n = tx.execute(
        "INSERT OR IGNORE INTO ticket_messages (ticket_id, message_id, role, attached_at) VALUES (?1, ?2, ?3, ?4)",
        params![ticket, message, role, crate::store::now()],
    )?;
    if n > 0 && role != "source" {
        event(
            tx,
            ticket,
            "tradewind",
            "attached",
            &format!("{role} message {message}"),
        )?;
    }
    Ok(())
}

/// Marks a new ticket acknowledged at `at` by `actor`; false when it was not new.
pub fn acknowledge(tx: &Connection, ticket: i64, at: &str, actor: &str) -> rusqlite::Result<bool> {
    let n = tx.execute(
        "UPDATE tickets SET status = 'acknowledged', acknowledged_at = ?2, updated_at = ?3
         WHERE id = ?1 AND status = 'new'",
        params![ticket, at, crate::store::now()],
    )?;
    if n == 0 {
        return Ok(false);
    }
    // The customer has heard from us: the automatic acknowledgement is no longer due.
    tx.execute(
        "UPDATE ticket_notices SET cancelled_at = ?2
         WHERE ticket_id = ?1 AND kind = 'acknowledgement' AND queued_at IS NULL AND cancelled_at IS NULL",
        params![ticket, crate::store::now()],
    )?;
    event(
        tx,
        ticket,
        actor,
        "status",
        "new → acknowledged (reply in the thread)",
    )?;
    Ok(true)
}

/// Appends to a ticket's history.
pub fn event(
    tx: &Connection,
    ticket: i64,
    actor: &str,
    kind: &str,
    detail: &str,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO ticket_events (ticket_id, at, actor, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![ticket, crate::store::now(), actor, kind, detail])?;
    Ok(())
}

/// Product codes in `text` starting with one of `prefixes` ("LD-610"), space separated.
pub fn products(text: &str, prefixes: &[String]) -> String {
    let mut found: Vec<String> = Vec::new();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '/')) {
        let w = word.trim_matches('-').to_ascii_uppercase();
        if prefixes
            .iter()
            .any(|p| w.starts_with(&p.to_ascii_uppercase()) && w.len() > p.len())
            && !found.contains(&w)
        {
            found.push(w);
        }
    }
    found.join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_product_codes_by_prefix() {
        let p = ["LD-".to_string(), "gh-".to_string()];
        assert_eq!(
            super::products("LD-610面板灯 and GH-200, not LD- alone; LD-610 again", &p),
            "LD-610 GH-200"
        );
    }
}
