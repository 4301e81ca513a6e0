//! The outbox table: enqueue (idempotent by key), list, show, approve, cancel, confirm, and
//! the state changes delivery makes.
//!
//! Exactly-once discipline: a row is committed as `sending` (with its Message-ID and the
//! exact bytes) *before* it is handed to SMTP; after SMTP says yes it becomes `sent`. A
//! process that dies in between leaves `sending`, which [`recover_stale`] turns into
//! `uncertain` at the next start: a person checks and runs `outbox confirm ID --sent` or
//! `--not-sent`. Nothing in `uncertain` is ever sent again automatically.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::{json, Value};

use super::compose::{self, Parts};
use super::config::{Mode, WindowConfig};
use super::holidays::Holidays;
use super::render;
use super::{timezones, window, OutboxError};
use crate::config::Config;

/// Where a row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Waits for `outbox approve` (mode approve).
    Planned,
    /// Will go out at `not_before`.
    Approved,
    /// Handed (or about to be handed) to SMTP / IMAP right now.
    Sending,
    Sent,
    /// APPENDed to the owner's Drafts (mode draft).
    Drafted,
    Failed,
    Cancelled,
    /// A crash left its fate unknown: a person confirms it.
    Uncertain,
}

impl State {
    /// The stored key.
    pub fn key(self) -> &'static str {
        match self {
            State::Planned => "planned",
            State::Approved => "approved",
            State::Sending => "sending",
            State::Sent => "sent",
            State::Drafted => "drafted",
            State::Failed => "failed",
            State::Cancelled => "cancelled",
            State::Uncertain => "uncertain",
        }
    }

    /// Parses a stored key.
    pub fn from_key(s: &str) -> Option<State> {
        [
            State::Planned,
            State::Approved,
            State::Sending,
            State::Sent,
            State::Drafted,
            State::Failed,
            State::Cancelled,
            State::Uncertain,
        ]
        .into_iter()
        .find(|st| st.key() == s)
    }
}

/// What an email says: already rendered, or a template to render with the standard
/// variables (customer, contact, salesperson, company) plus the caller's.
#[derive(Debug, Clone)]
pub enum Content {
    Rendered {
        subject: String,
        text: String,
        /// None: derived from the text.
        html: Option<String>,
    },
    Template {
        /// `<templates_dir>/<name>.<lang>.txt`.
        name: String,
        /// Extra variables (ticket, invoice, holiday...), merged over the standard ones.
        vars: Value,
    },
}

/// When an email may go.
#[derive(Debug, Clone)]
pub enum Timing {
    /// At this instant or later, whatever the recipient's clock says.
    At(DateTime<Utc>),
    /// In the recipient's send window (None: the outbox default window), not before
    /// `earliest` nor before the start of `local_day` in the recipient's time zone.
    Window {
        earliest: DateTime<Utc>,
        local_day: Option<NaiveDate>,
        window: Option<WindowConfig>,
    },
}

/// One email to plan. Tickets (issue 5) and dunning (issue 7) enqueue through this too,
/// each with its own purpose, key, template and CC list.
#[derive(Debug, Clone)]
pub struct NewEmail {
    /// Unique: purpose/rule, customer, due date or occasion. Enqueueing an existing key
    /// changes nothing.
    pub key: String,
    /// followup, greeting, occasion, ticket, dunning...
    pub purpose: String,
    pub customer_id: Option<i64>,
    pub contact_id: Option<i64>,
    /// The configured mailbox it is sent as (its owner is the salesperson).
    pub mailbox: String,
    pub mode: Mode,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub content: Content,
    /// Continue a thread: the Message-ID answered, and the References chain.
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub due_date: Option<NaiveDate>,
    pub timing: Timing,
    /// Cancel the row if the customer writes in after this instant (a reply makes a
    /// follow-up or a reminder pointless).
    pub cancel_on_reply_after: Option<DateTime<Utc>>,
}

/// What [`Outbound::enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "result", content = "id", rename_all = "lowercase")]
pub enum Enqueued {
    Inserted(i64),
    /// The key was already planned (in whatever state): nothing changed.
    Exists(i64),
}

impl Enqueued {
    /// The row's id either way.
    pub fn id(self) -> i64 {
        match self {
            Enqueued::Inserted(id) | Enqueued::Exists(id) => id,
        }
    }
}

/// The outbound engine's context: config and holiday data. Cheap to build per command.
pub struct Outbound<'a> {
    pub config: &'a Config,
    pub holidays: Holidays,
}

/// A customer's facts the outbox needs.
#[derive(Debug, Clone)]
pub struct CustomerFacts {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub country: Option<String>,
    pub timezone: Option<String>,
    pub owner: Option<String>,
    pub do_not_contact: bool,
}

/// Reads [`CustomerFacts`] of customer `id`.
pub fn customer_facts(conn: &Connection, id: i64) -> rusqlite::Result<Option<CustomerFacts>> {
    conn.query_row(
        "SELECT id, code, name, country, timezone, owner, do_not_contact FROM customers WHERE id = ?1",
        [id],
        |r| {
            Ok(CustomerFacts {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                country: r.get(3)?,
                timezone: r.get(4)?,
                owner: r.get(5)?,
                do_not_contact: matches!(
                    r.get::<_, Option<String>>(6)?.as_deref(),
                    Some("true" | "1" | "yes")
                ),
            })
        },
    )
    .optional()
}

/// True when `address` is marked bad (a DSN said it fails).
pub fn is_bad_address(conn: &Connection, address: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM bad_addresses WHERE address = ?1)",
        [address.trim().to_lowercase()],
        |r| r.get(0),
    )
}

fn fmt_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Parses a stored RFC 3339 time.
pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

impl<'a> Outbound<'a> {
    /// Loads the holiday data named by `[outbox] holidays_dir`.
    pub fn new(config: &'a Config) -> Result<Outbound<'a>, OutboxError> {
        let holidays = Holidays::load(&config_path(config, &config.outbox.holidays_dir))?;
        Ok(Outbound { config, holidays })
    }

    /// The templates folder (relative paths are relative to the config file's folder).
    pub fn templates_dir(&self) -> std::path::PathBuf {
        config_path(self.config, &self.config.outbox.templates_dir)
    }

    /// Plans one email: renders it, checks it (no header injection, no bad address), picks
    /// its send time, and inserts it — unless its key is already there.
    pub fn enqueue(&self, tx: &Connection, email: NewEmail) -> Result<Enqueued, OutboxError> {
        if let Some(id) = tx
            .query_row("SELECT id FROM outbox WHERE key = ?1", [&email.key], |r| {
                r.get(0)
            })
            .optional()?
        {
            return Ok(Enqueued::Exists(id));
        }
        let mailbox = self
            .config
            .mailbox(&email.mailbox)
            .ok_or_else(|| OutboxError::UnknownMailbox(email.mailbox.clone()))?;
        let owner = self
            .config
            .users
            .iter()
            .find(|u| u.login.get_ref() == mailbox.owner.get_ref());
        let from_name = owner.map(|u| u.name.clone());
        let to: Vec<String> = email.to.iter().map(|a| a.trim().to_lowercase()).collect();
        let cc: Vec<String> = email.cc.iter().map(|a| a.trim().to_lowercase()).collect();
        for addr in to.iter().chain(&cc) {
            compose::single_line("recipient", addr)?;
            if is_bad_address(tx, addr)? {
                return Err(OutboxError::BadAddress(addr.clone()));
            }
        }
        let customer = match email.customer_id {
            Some(id) => customer_facts(tx, id)?,
            None => None,
        };
        let contact = match email.contact_id {
            Some(id) => tx
                .query_row(
                    "SELECT name, title, language FROM contacts WHERE id = ?1",
                    [id],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, Option<String>>(1)?,
                            r.get::<_, Option<String>>(2)?,
                        ))
                    },
                )
                .optional()?,
            None => None,
        };
        let language = contact.as_ref().and_then(|c| c.2.clone());
        let (subject, text, html, template, lang) = match &email.content {
            Content::Rendered {
                subject,
                text,
                html,
            } => (
                subject.clone(),
                text.clone(),
                html.clone().unwrap_or_else(|| render::text_to_html(text)),
                None,
                language.clone(),
            ),
            Content::Template { name, vars } => {
                let mut all = json!({
                    "company": { "name": self.config.company.name },
                    "customer": customer.as_ref().map(|c| json!({
                        "code": c.code,
                        "name": c.name,
                        "country": c.country,
                        "country_name": c.country.as_deref().and_then(crate::region::by_code).map(|x| x.name),
                        "country_name_zh": c.country.as_deref().and_then(crate::region::by_code).map(|x| x.name_zh),
                    })),
                    "contact": contact.as_ref().map(|c| json!({
                        "name": c.0, "title": c.1, "email": to.first(), "language": c.2,
                    })).unwrap_or_else(|| json!({"name": customer.as_ref().map(|c| c.name.clone()), "email": to.first()})),
                    "salesperson": {
                        "login": mailbox.owner.get_ref(),
                        "name": from_name,
                        "email": mailbox.address,
                        "signature": format!("{}\n{}\n{}", from_name.clone().unwrap_or_default(), self.config.company.name, mailbox.address),
                    },
                });
                // Values that end up in headers must be single-line: refuse, don't strip.
                for (field, value) in [
                    ("customer.name", customer.as_ref().map(|c| c.name.as_str())),
                    ("contact.name", contact.as_ref().map(|c| c.0.as_str())),
                    ("salesperson.name", from_name.as_deref()),
                ] {
                    if let Some(v) = value {
                        compose::single_line(field, v)?;
                    }
                }
                merge(&mut all, vars);
                let langs =
                    render::languages(language.as_deref(), &self.config.outbox.default_language);
                let r = render::render(&self.templates_dir(), name, &langs, &all)?;
                (
                    r.subject,
                    r.text,
                    r.html,
                    Some(r.template),
                    Some(r.language),
                )
            }
        };
        let tz = timezones::for_customer(
            customer.as_ref().and_then(|c| c.timezone.as_deref()),
            customer.as_ref().and_then(|c| c.country.as_deref()),
        );
        let country = customer.as_ref().and_then(|c| c.country.clone());
        let not_before = match &email.timing {
            Timing::At(t) => *t,
            Timing::Window {
                earliest,
                local_day,
                window,
            } => window::next_slot(
                local_day
                    .and_then(|d| window::local_midnight(d, tz))
                    .map_or(*earliest, |m| m.max(*earliest)),
                tz,
                country.as_deref(),
                window.as_ref().unwrap_or(&self.config.outbox.window),
                &self.holidays,
            ),
        };
        let message_id = new_message_id(&email.key, self.message_id_domain());
        // Build once now so a bad subject, address or Message-ID is refused at planning time.
        compose::build(
            &Parts {
                from_addr: &mailbox.address,
                from_name: from_name.as_deref(),
                reply_to: None,
                to: &to,
                cc: &cc,
                subject: &subject,
                text: &text,
                html: &html,
                message_id: &message_id,
                in_reply_to: email.in_reply_to.as_deref(),
                references: &email.references,
            },
            std::time::SystemTime::now(),
        )?;
        let now = crate::store::now();
        let (state, approved_by) = match email.mode {
            Mode::Approve => (State::Planned, None),
            Mode::Send | Mode::Draft => (State::Approved, Some("rule")),
        };
        tx.execute(
            "INSERT INTO outbox (key, purpose, customer_id, contact_id, mailbox, mode, state,
                from_addr, from_name, reply_to, to_addrs, cc_addrs, subject, body_text, body_html,
                template, language, message_id, in_reply_to, refs, due_date, cancel_on_reply_after,
                not_before, timezone, approved_by, approved_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?27)",
            params![
                email.key,
                email.purpose,
                email.customer_id,
                email.contact_id,
                email.mailbox,
                email.mode.key(),
                state.key(),
                mailbox.address,
                from_name,
                mailbox.address,
                serde_json::to_string(&to).expect("strings"),
                serde_json::to_string(&cc).expect("strings"),
                subject,
                text,
                html,
                template,
                lang,
                message_id,
                email.in_reply_to,
                (!email.references.is_empty()).then(|| email.references.join(" ")),
                email.due_date.map(|d| d.to_string()),
                email.cancel_on_reply_after.map(fmt_ts),
                fmt_ts(not_before),
                tz.name(),
                approved_by,
                approved_by.map(|_| now.clone()),
                now,
            ],
        )?;
        Ok(Enqueued::Inserted(tx.last_insert_rowid()))
    }

    fn message_id_domain(&self) -> &str {
        self.config
            .outbox
            .message_id_domain
            .as_deref()
            .or(self.config.company.domains.first().map(String::as_str))
            .unwrap_or("localhost")
    }
}

/// A path from the config, relative to the config file's folder.
pub fn config_path(config: &Config, p: &std::path::Path) -> std::path::PathBuf {
    if p.is_absolute() {
        return p.to_path_buf();
    }
    config
        .source_path
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join(p)
}

fn merge(base: &mut Value, extra: &Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                match b.get_mut(k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, e) if !e.is_null() => *b = e.clone(),
        _ => {}
    }
}

/// `<tw.YYYYMMDD.HASH@domain>`: unique per key and moment, on the company's domain.
fn new_message_id(key: &str, domain: &str) -> String {
    use sha2::{Digest, Sha256};
    let now = Utc::now();
    let mut h = Sha256::new();
    h.update(key.as_bytes());
    h.update(now.timestamp_nanos_opt().unwrap_or_default().to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    let hex: String = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("<tw.{}.{hex}@{domain}>", now.format("%Y%m%d"))
}

/// One outbox row as listed and shown.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: i64,
    pub key: String,
    pub purpose: String,
    pub customer: Option<String>,
    pub customer_id: Option<i64>,
    pub mailbox: String,
    pub mode: String,
    pub state: String,
    pub from: String,
    pub from_name: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub due_date: Option<String>,
    /// Planned send time, UTC.
    pub planned_utc: String,
    /// Planned send time in the recipient's zone.
    pub planned_local: String,
    pub timezone: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub smtp_reply: Option<String>,
    pub copy_folder: Option<String>,
    pub closed_reason: Option<String>,
    pub answered_at: Option<String>,
    pub language: Option<String>,
    pub template: Option<String>,
    #[serde(skip)]
    pub body_text: String,
    #[serde(skip)]
    pub body_html: String,
    #[serde(skip)]
    pub reply_to: Option<String>,
    #[serde(skip)]
    pub raw: Option<Vec<u8>>,
    #[serde(skip)]
    pub cancel_on_reply_after: Option<String>,
    #[serde(skip)]
    pub contact_id: Option<i64>,
}

const SELECT: &str = "SELECT o.*, c.code AS customer_code FROM outbox o
    LEFT JOIN customers c ON c.id = o.customer_id";

fn entry(r: &Row) -> rusqlite::Result<Entry> {
    let list = |s: String| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default();
    let planned: String = r.get("not_before")?;
    let tz: String = r.get("timezone")?;
    Ok(Entry {
        id: r.get("id")?,
        key: r.get("key")?,
        purpose: r.get("purpose")?,
        customer: r.get("customer_code")?,
        customer_id: r.get("customer_id")?,
        contact_id: r.get("contact_id")?,
        mailbox: r.get("mailbox")?,
        mode: r.get("mode")?,
        state: r.get("state")?,
        from: r.get("from_addr")?,
        from_name: r.get("from_name")?,
        reply_to: r.get("reply_to")?,
        to: list(r.get("to_addrs")?),
        cc: list(r.get("cc_addrs")?),
        subject: r.get("subject")?,
        message_id: r.get("message_id")?,
        in_reply_to: r.get("in_reply_to")?,
        references: r
            .get::<_, Option<String>>("refs")?
            .map(|s| s.split_whitespace().map(String::from).collect())
            .unwrap_or_default(),
        due_date: r.get("due_date")?,
        planned_local: parse_ts(&planned)
            .map(|t| window::local_display(t, &tz))
            .unwrap_or_default(),
        planned_utc: planned,
        timezone: tz,
        attempts: r.get("attempts")?,
        last_error: r.get("last_error")?,
        sent_at: r.get("sent_at")?,
        smtp_reply: r.get("smtp_reply")?,
        copy_folder: r.get("copy_folder")?,
        closed_reason: r.get("closed_reason")?,
        answered_at: r.get("answered_at")?,
        language: r.get("language")?,
        template: r.get("template")?,
        body_text: r.get("body_text")?,
        body_html: r.get("body_html")?,
        raw: r.get("raw")?,
        cancel_on_reply_after: r.get("cancel_on_reply_after")?,
    })
}

/// Which rows `outbox list` shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub state: Option<State>,
    pub purpose: Option<String>,
    pub mailbox: Option<String>,
    pub customer: Option<String>,
}

/// Rows matching `f`, by planned time.
pub fn list(conn: &Connection, f: &ListFilter) -> rusqlite::Result<Vec<Entry>> {
    let sql = format!(
        "{SELECT} WHERE (?1 IS NULL OR o.state = ?1) AND (?2 IS NULL OR o.purpose = ?2)
           AND (?3 IS NULL OR o.mailbox = ?3) AND (?4 IS NULL OR c.code = ?4)
         ORDER BY o.not_before, o.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        params![f.state.map(State::key), f.purpose, f.mailbox, f.customer],
        entry,
    )?;
    rows.collect()
}

/// Row `id`.
pub fn get(conn: &Connection, id: i64) -> Result<Entry, OutboxError> {
    conn.query_row(&format!("{SELECT} WHERE o.id = ?1"), [id], entry)
        .optional()?
        .ok_or(OutboxError::NoSuchRow(id))
}

/// The message as it will be (or was) sent: the stored bytes once it went to SMTP, else
/// built now from the row, dated at its planned time.
pub fn message_bytes(e: &Entry) -> Result<Vec<u8>, OutboxError> {
    if let Some(raw) = &e.raw {
        return Ok(raw.clone());
    }
    let date = parse_ts(&e.planned_utc).unwrap_or_else(Utc::now);
    build_entry(e, date.into())
}

/// Builds the message of row `e` dated `date`.
pub fn build_entry(e: &Entry, date: std::time::SystemTime) -> Result<Vec<u8>, OutboxError> {
    Ok(compose::build(
        &Parts {
            from_addr: &e.from,
            from_name: e.from_name.as_deref(),
            reply_to: e.reply_to.as_deref(),
            to: &e.to,
            cc: &e.cc,
            subject: &e.subject,
            text: &e.body_text,
            html: &e.body_html,
            message_id: &e.message_id,
            in_reply_to: e.in_reply_to.as_deref(),
            references: &e.references,
        },
        date,
    )?)
}

fn set_state(
    tx: &Connection,
    id: i64,
    from: &[State],
    to: State,
    reason: Option<&str>,
) -> Result<(), OutboxError> {
    let current = get(tx, id)?;
    let cur = State::from_key(&current.state).unwrap_or(State::Failed);
    if !from.contains(&cur) {
        return Err(OutboxError::WrongState {
            id,
            state: current.state,
            action: to.key(),
        });
    }
    tx.execute(
        "UPDATE outbox SET state = ?2, closed_reason = COALESCE(?3, closed_reason), updated_at = ?4 WHERE id = ?1",
        params![id, to.key(), reason, crate::store::now()],
    )?;
    Ok(())
}

/// `outbox approve ID`: a planned row may go.
pub fn approve(tx: &Connection, id: i64, actor: &str) -> Result<(), OutboxError> {
    set_state(tx, id, &[State::Planned], State::Approved, None)?;
    tx.execute(
        "UPDATE outbox SET approved_by = ?2, approved_at = ?3 WHERE id = ?1",
        params![id, actor, crate::store::now()],
    )?;
    Ok(())
}

/// `outbox approve --all`: every planned row; returns their ids.
pub fn approve_all(tx: &Connection, actor: &str) -> Result<Vec<i64>, OutboxError> {
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM outbox WHERE state = 'planned' ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        approve(tx, *id, actor)?;
    }
    Ok(ids)
}

/// `outbox cancel ID`: a row not yet handed over never goes.
pub fn cancel(tx: &Connection, id: i64, reason: &str) -> Result<(), OutboxError> {
    set_state(
        tx,
        id,
        &[State::Planned, State::Approved],
        State::Cancelled,
        Some(reason),
    )
}

/// `outbox confirm ID --sent | --not-sent`: a person resolves an uncertain row. Not sent
/// puts it back to approved (it goes out at the next delivery); `cancel` drops it instead.
pub fn confirm(tx: &Connection, id: i64, sent: bool, actor: &str) -> Result<(), OutboxError> {
    if sent {
        set_state(
            tx,
            id,
            &[State::Uncertain],
            State::Sent,
            Some(&format!("confirmed sent by {actor}")),
        )?;
        tx.execute(
            "UPDATE outbox SET sent_at = COALESCE(sent_at, sending_at), updated_at = ?2 WHERE id = ?1",
            params![id, crate::store::now()],
        )?;
    } else {
        set_state(
            tx,
            id,
            &[State::Uncertain],
            State::Approved,
            Some(&format!("confirmed not sent by {actor}; queued again")),
        )?;
        tx.execute(
            "UPDATE outbox SET raw = NULL, sending_pid = NULL WHERE id = ?1",
            [id],
        )?;
    }
    Ok(())
}

/// A row `sending` for longer than this is stale even if its pid is alive (a recycled pid):
/// every SMTP step times out well before.
pub const STALE_SENDING_MINUTES: i64 = 30;

/// At start-up: rows left `sending` by a process that is gone become `uncertain`.
pub fn recover_stale(tx: &Connection) -> rusqlite::Result<Vec<i64>> {
    let rows: Vec<(i64, Option<i64>, String)> = tx
        .prepare("SELECT id, sending_pid, updated_at FROM outbox WHERE state = 'sending'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let me = std::process::id() as i64;
    let stale_before = Utc::now() - chrono::Duration::minutes(STALE_SENDING_MINUTES);
    let mut out = Vec::new();
    for (id, pid, updated) in rows {
        let alive =
            pid.is_some_and(|p| p != me && std::path::Path::new(&format!("/proc/{p}")).exists());
        let old = parse_ts(&updated).is_none_or(|t| t < stale_before);
        if alive && !old {
            continue;
        }
        tx.execute(
            "UPDATE outbox SET state = 'uncertain', closed_reason = 'the process died while sending: check the recipient and run outbox confirm', updated_at = ?2 WHERE id = ?1",
            params![id, crate::store::now()],
        )?;
        out.push(id);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    const CONFIG: &str = r#"
[company]
name = "Ningbo Seawind"
home_country = "CN"
domains = ["seawind-trade.cn"]

[[users]]
login = "li.wei"
name = "Li Wei 李伟"
email = "li.wei@seawind-trade.cn"
role = "sales"

[[mailboxes]]
name = "li.wei"
owner = "li.wei"
role = "sales"
address = "li.wei@seawind-trade.cn"
"#;

    fn email(key: &str, mode: Mode) -> NewEmail {
        NewEmail {
            key: key.into(),
            purpose: "ticket".into(),
            customer_id: None,
            contact_id: None,
            mailbox: "li.wei".into(),
            mode,
            to: vec!["Jonas@Hansa-Tools.de".into()],
            cc: vec!["service@seawind-trade.cn".into()],
            content: Content::Rendered {
                subject: "Ihre Reklamation / your complaint #12".into(),
                text: "Dear Jonas,\nthe replacement ships Monday.".into(),
                html: None,
            },
            in_reply_to: Some("<c-12@hansa-tools.de>".into()),
            references: vec!["<c-12@hansa-tools.de>".into()],
            due_date: None,
            timing: Timing::At(Utc::now()),
            cancel_on_reply_after: None,
        }
    }

    #[test]
    fn enqueue_is_idempotent_and_the_state_machine_refuses_wrong_moves() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::parse(CONFIG, &dir.path().join("tw.toml")).unwrap();
        let mut store = Store::open(&dir.path().join("tw.db")).unwrap();
        let ob = Outbound::new(&config).unwrap();
        let tx = store.write().unwrap();
        let first = ob
            .enqueue(&tx, email("ticket:12:reply", Mode::Approve))
            .unwrap();
        let again = ob
            .enqueue(&tx, email("ticket:12:reply", Mode::Send))
            .unwrap();
        assert!(matches!(first, Enqueued::Inserted(_)));
        assert_eq!(again, Enqueued::Exists(first.id()));
        let e = get(&tx, first.id()).unwrap();
        assert_eq!((e.state.as_str(), e.mode.as_str()), ("planned", "approve"));
        assert_eq!(e.to, ["jonas@hansa-tools.de"]);
        assert!(
            e.message_id.ends_with("@seawind-trade.cn>"),
            "{}",
            e.message_id
        );
        let raw = String::from_utf8(message_bytes(&e).unwrap()).unwrap();
        assert!(raw.contains("In-Reply-To: <c-12@hansa-tools.de>"), "{raw}");
        assert!(raw.contains("Cc: service@seawind-trade.cn"), "{raw}");

        let wrong = confirm(&tx, e.id, true, "me").unwrap_err();
        assert!(matches!(wrong, OutboxError::WrongState { .. }), "{wrong}");
        approve(&tx, e.id, "manager").unwrap();
        assert!(approve(&tx, e.id, "manager").is_err(), "approved twice");
        // A row stuck in 'sending' by a dead process becomes uncertain; never resent.
        tx.execute(
            "UPDATE outbox SET state = 'sending', sending_pid = 999999999, updated_at = ?2 WHERE id = ?1",
            params![e.id, crate::store::now()],
        )
        .unwrap();
        assert_eq!(recover_stale(&tx).unwrap(), [e.id]);
        assert!(
            cancel(&tx, e.id, "x").is_err(),
            "uncertain cannot be cancelled blindly"
        );
        confirm(&tx, e.id, false, "me").unwrap();
        assert_eq!(get(&tx, e.id).unwrap().state, "approved");
        // A live sender (pid 1) that is recent is left alone.
        tx.execute(
            "UPDATE outbox SET state = 'sending', sending_pid = 1, updated_at = ?2 WHERE id = ?1",
            params![e.id, crate::store::now()],
        )
        .unwrap();
        assert!(recover_stale(&tx).unwrap().is_empty());

        let bad = ob
            .enqueue(&tx, {
                let mut m = email("ticket:13:reply", Mode::Send);
                m.content = Content::Rendered {
                    subject: "Hi\r\nBcc: all@evil.example".into(),
                    text: "x".into(),
                    html: None,
                };
                m
            })
            .unwrap_err();
        assert!(
            bad.to_string()
                .contains("header injection refused: Subject"),
            "{bad}"
        );
        tx.execute(
            "INSERT INTO bad_addresses (address, reason, marked_at) VALUES ('jonas@hansa-tools.de', 'dsn', 'now')",
            [],
        )
        .unwrap();
        let bounced = ob
            .enqueue(&tx, email("ticket:14:reply", Mode::Send))
            .unwrap_err();
        assert!(matches!(bounced, OutboxError::BadAddress(_)), "{bounced}");
    }
}
