//! Planning (§4 客户服务与维护): periodic follow-ups (定期回访), holiday greetings (节日关怀) and
//! company occasions become outbox rows.
//!
//! Follow-ups: the first `[[followups.rules]]` matching a customer (by customer code, tag,
//! region, nature or scale) gives its cycle. The due date is the last real correspondence
//! with the customer (any message filed under it, either direction, any mailbox — or our last
//! follow-up) plus the cycle, so correspondence moves it. Suppressed: an open complaint
//! ticket (unless the rule says otherwise), the do-not-contact flag, a bad address. A reply
//! from the customer after the basis cancels the row, here or at delivery ("answered").
//! Greetings: before each greeting-worthy holiday of the customer's country, in the
//! contact's language. Occasions: one email to every active customer on a date.
//! Everything is keyed, so planning again never duplicates.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;

use super::config::{FollowupRule, Mode};
use super::deliver::{crash_point, reply_since};
use super::queue::{self, Content, Enqueued, NewEmail, Outbound, Timing};
use super::{compose, OutboxError};

/// One row planned (or already there).
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    pub id: i64,
    /// False when the key existed already (planning again changes nothing).
    pub new: bool,
    pub key: String,
    pub purpose: String,
    pub customer: String,
    pub to: String,
    pub due_date: String,
    pub planned_utc: String,
    pub planned_local: String,
    pub mode: String,
}

/// A customer not planned, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub customer: String,
    pub purpose: String,
    pub reason: String,
}

/// What a planning run did (or, with --dry-run, would do).
#[derive(Debug, Default, Serialize)]
pub struct PlanReport {
    pub as_of: String,
    pub dry_run: bool,
    pub planned: Vec<Planned>,
    pub skipped: Vec<Skipped>,
    /// Emails that could not be planned because something is broken (a template error, an
    /// unknown mailbox, a header-injection attempt): a person must look.
    pub errors: Vec<Skipped>,
    /// Rows cancelled because the customer wrote in.
    pub cancelled: Vec<(i64, String)>,
    /// Sent follow-ups the customer has now answered.
    pub answered: Vec<i64>,
}

struct Cust {
    id: i64,
    code: String,
    country: Option<String>,
    nature: Option<String>,
    scale: Option<String>,
    stage: Option<String>,
    owner: Option<String>,
    tags: Vec<String>,
    do_not_contact: bool,
    created_at: String,
}

fn customers(conn: &Connection) -> rusqlite::Result<Vec<Cust>> {
    conn.prepare(
        "SELECT id, code, country, nature, scale, stage, owner, tags, do_not_contact, created_at
         FROM customers ORDER BY code",
    )?
    .query_map([], |r| {
        Ok(Cust {
            id: r.get(0)?,
            code: r.get(1)?,
            country: r.get(2)?,
            nature: r.get(3)?,
            scale: r.get(4)?,
            stage: r.get(5)?,
            owner: r.get(6)?,
            tags: r
                .get::<_, Option<String>>(7)?
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_default(),
            do_not_contact: matches!(
                r.get::<_, Option<String>>(8)?.as_deref(),
                Some("true" | "1" | "yes")
            ),
            created_at: r.get(9)?,
        })
    })?
    .collect()
}

fn rule_matches(rule: &FollowupRule, c: &Cust) -> bool {
    let eq = |want: &Option<String>, have: &Option<String>| {
        want.as_ref()
            .is_none_or(|w| have.as_ref().is_some_and(|h| h.eq_ignore_ascii_case(w)))
    };
    let region_ok = rule.region.as_ref().is_none_or(|r| {
        let country = c.country.as_deref().and_then(crate::region::by_code);
        country.is_some_and(|k| {
            k.alpha2.eq_ignore_ascii_case(r)
                || k.continent.key().eq_ignore_ascii_case(r)
                || k.subregion.eq_ignore_ascii_case(r)
        })
    });
    rule.customer
        .as_ref()
        .is_none_or(|code| code.eq_ignore_ascii_case(&c.code))
        && rule
            .tag
            .as_ref()
            .is_none_or(|t| c.tags.iter().any(|x| x.eq_ignore_ascii_case(t)))
        && eq(&rule.scale, &c.scale)
        && eq(&rule.nature, &c.nature)
        && region_ok
}

/// Per customer id: the `every_days` of the first follow-up rule matching it (its class's
/// cycle, §4 定期回访) — for follow-up compliance in the §7 figures.
pub fn cycles(
    conn: &Connection,
    followups: &crate::outbox::config::FollowupsConfig,
) -> rusqlite::Result<std::collections::HashMap<i64, u32>> {
    Ok(customers(conn)?
        .iter()
        .filter_map(|c| {
            followups
                .rules
                .iter()
                .find(|r| rule_matches(r, c))
                .map(|r| (c.id, r.every_days))
        })
        .collect())
}

/// The customer's first contact with an address: (contact id, address).
fn contact(conn: &Connection, customer_id: i64) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT c.id, a.address FROM contacts c JOIN contact_addresses a ON a.contact_id = c.id
         WHERE c.customer_id = ?1 ORDER BY c.id, a.rowid LIMIT 1",
        [customer_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// The mailbox the owner sends from: their sales mailbox, else any of theirs.
fn owner_mailbox(ob: &Outbound<'_>, owner: &str) -> Option<String> {
    let mine: Vec<_> = ob
        .config
        .mailboxes
        .iter()
        .filter(|m| m.owner.get_ref() == owner)
        .collect();
    mine.iter()
        .find(|m| m.role == crate::config::MailboxRole::Sales)
        .or(mine.first())
        .map(|m| m.name.get_ref().clone())
}

/// A stored Message-ID (kept without brackets) as a header value `<id>`.
fn bracket(id: &str) -> String {
    let id = id.trim();
    if id.starts_with('<') {
        id.to_string()
    } else {
        format!("<{id}>")
    }
}

/// True when the customer has a complaint ticket that is not resolved, closed or rejected.
pub fn has_open_ticket(conn: &Connection, customer_id: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM tickets WHERE customer_id = ?1
            AND status NOT IN ('resolved', 'closed', 'rejected'))",
        [customer_id],
        |r| r.get(0),
    )
}

/// The last real correspondence with a customer: (date, message-id, references) of the
/// latest message filed under it (no auto-replies or lists), or the last follow-up sent.
/// (date, Message-ID, References) of the last correspondence.
type LastContact = (String, Option<String>, Option<String>);

fn last_contact(conn: &Connection, customer_id: i64) -> rusqlite::Result<Option<LastContact>> {
    let msg: Option<LastContact> = conn
        .query_row(
            "SELECT m.date, m.message_id, m.refs FROM message_customers mc
             JOIN messages m ON m.id = mc.message_id
             WHERE mc.customer_id = ?1 AND m.date IS NOT NULL AND m.is_auto = 0 AND m.is_list = 0
             ORDER BY m.date DESC LIMIT 1",
            [customer_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let ours: Option<String> = conn.query_row(
        "SELECT MAX(sent_at) FROM outbox WHERE customer_id = ?1 AND purpose = 'followup'
           AND state IN ('sent', 'drafted')",
        [customer_id],
        |r| r.get(0),
    )?;
    Ok(match (msg, ours) {
        (Some(m), Some(o)) if o > m.0 => Some((o, None, None)),
        (Some(m), _) => Some(m),
        (None, Some(o)) => Some((o, None, None)),
        (None, None) => None,
    })
}

fn planned_row(
    tx: &Connection,
    id: i64,
    new: bool,
    customer: &str,
) -> Result<Planned, OutboxError> {
    let e = queue::get(tx, id)?;
    Ok(Planned {
        id,
        new,
        key: e.key,
        purpose: e.purpose,
        customer: customer.to_string(),
        to: e.to.join(", "),
        due_date: e.due_date.unwrap_or_default(),
        planned_utc: e.planned_utc,
        planned_local: e.planned_local,
        mode: e.mode,
    })
}

/// Marks sent follow-ups answered and cancels waiting rows the customer made pointless.
fn replies(tx: &Connection, report: &mut PlanReport) -> Result<(), OutboxError> {
    let answered: Vec<(i64, String)> = tx
        .prepare(
            "SELECT o.id, MIN(m.date) FROM outbox o
             JOIN message_thread_refs r ON '<' || r.ref_id || '>' = o.message_id OR r.ref_id = o.message_id
             JOIN messages m ON m.id = r.message_id AND m.direction = 'inbound'
             WHERE o.state IN ('sent', 'drafted') AND o.answered_at IS NULL GROUP BY o.id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default())))?
        .collect::<Result<_, _>>()?;
    for (id, date) in answered {
        tx.execute(
            "UPDATE outbox SET answered_at = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, date, crate::store::now()],
        )?;
        report.answered.push(id);
    }
    let waiting: Vec<(i64, i64, String)> = tx
        .prepare(
            "SELECT id, customer_id, cancel_on_reply_after FROM outbox
             WHERE state IN ('planned', 'approved') AND customer_id IS NOT NULL
               AND cancel_on_reply_after IS NOT NULL",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, customer, after) in waiting {
        if let Some((mid, date)) = reply_since(tx, customer, &after)? {
            let reason = format!("answered: the customer wrote on {date} ({mid})");
            queue::cancel(tx, id, &reason)?;
            report.cancelled.push((id, reason));
        }
    }
    Ok(())
}

/// Plans follow-ups, greetings and occasions as of `as_of`, inside `tx` (the caller commits,
/// or rolls back for a dry run).
pub fn plan(
    tx: &Connection,
    ob: &Outbound<'_>,
    as_of: DateTime<Utc>,
    dry_run: bool,
) -> Result<PlanReport, OutboxError> {
    let mut report = PlanReport {
        as_of: as_of.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        dry_run,
        ..PlanReport::default()
    };
    replies(tx, &mut report)?;
    let today = as_of.date_naive();
    let cfg = ob.config;
    let mut enqueued = 0usize;
    for c in customers(tx)? {
        let skip = |report: &mut PlanReport, purpose: &str, reason: String| {
            report.skipped.push(Skipped {
                customer: c.code.clone(),
                purpose: purpose.into(),
                reason,
            })
        };
        let Some(owner) = c.owner.clone() else {
            continue;
        };
        let Some(mailbox) = owner_mailbox(ob, &owner) else {
            skip(
                &mut report,
                "followup",
                format!("owner {owner} has no mailbox in the config"),
            );
            continue;
        };
        let Some((contact_id, address)) = contact(tx, c.id)? else {
            skip(
                &mut report,
                "followup",
                "no contact with an email address".into(),
            );
            continue;
        };
        if c.do_not_contact {
            skip(&mut report, "followup", "do-not-contact".into());
            continue;
        }
        if queue::is_bad_address(tx, &address)? {
            skip(
                &mut report,
                "followup",
                format!("bad address {address} (bounced)"),
            );
            continue;
        }
        let open_ticket = has_open_ticket(tx, c.id)?;
        let mut emails: Vec<(NewEmail, String)> = Vec::new();

        // Follow-up.
        if cfg.followups.enabled {
            if let Some(rule) = cfg.followups.rules.iter().find(|r| rule_matches(r, &c)) {
                if open_ticket && !rule.despite_open_ticket {
                    skip(&mut report, "followup", "open complaint ticket".into());
                } else {
                    let last = last_contact(tx, c.id)?;
                    let basis = last
                        .as_ref()
                        .map(|l| l.0.clone())
                        .unwrap_or_else(|| c.created_at.clone());
                    let basis_t = queue::parse_ts(&basis).unwrap_or(as_of);
                    let due = basis_t.date_naive() + Duration::days(i64::from(rule.every_days));
                    if due <= today + Duration::days(i64::from(cfg.followups.plan_ahead_days)) {
                        let (irt, refs) = match last.as_ref().and_then(|l| l.1.clone()) {
                            Some(mid) => {
                                let mut refs: Vec<String> = last
                                    .as_ref()
                                    .and_then(|l| l.2.clone())
                                    .map(|r| r.split_whitespace().map(bracket).collect())
                                    .unwrap_or_default();
                                refs.push(bracket(&mid));
                                refs.retain(|r| compose::check_message_id("References", r).is_ok());
                                let irt = Some(bracket(&mid)).filter(|m| {
                                    compose::check_message_id("In-Reply-To", m).is_ok()
                                });
                                (irt, refs)
                            }
                            None => (None, Vec::new()),
                        };
                        emails.push((
                            NewEmail {
                                key: format!("followup:{}:{}:{due}", rule.name, c.code),
                                purpose: "followup".into(),
                                customer_id: Some(c.id),
                                contact_id: Some(contact_id),
                                mailbox: mailbox.clone(),
                                mode: rule.mode,
                                to: vec![address.clone()],
                                cc: Vec::new(),
                                content: Content::Template {
                                    name: rule.template.clone(),
                                    vars: json!({"rule": rule.name, "due_date": due.to_string(),
                                        "last_contact": basis}),
                                },
                                in_reply_to: irt,
                                references: refs,
                                due_date: Some(due),
                                timing: Timing::Window {
                                    earliest: as_of,
                                    local_day: Some(due),
                                    window: rule.window.clone(),
                                },
                                cancel_on_reply_after: Some(basis_t),
                            },
                            c.code.clone(),
                        ));
                    }
                }
            }
        }

        // Holiday greetings.
        let g = &cfg.greetings;
        if g.enabled {
            if let Some(country) = c.country.as_deref() {
                let horizon = today
                    + Duration::days(i64::from(g.days_before + cfg.followups.plan_ahead_days));
                for h in ob.holidays.greetings(country, today, horizon) {
                    let key_name = h.greeting.clone().unwrap_or_default();
                    if !g.holidays.is_empty() && !g.holidays.contains(&key_name) {
                        continue;
                    }
                    if h.date <= today {
                        continue;
                    }
                    let arrive = (h.date - Duration::days(i64::from(g.days_before))).max(today);
                    emails.push((
                        greeting_email(
                            format!("greeting:{key_name}:{}:{}", c.code, h.date),
                            &c,
                            contact_id,
                            &address,
                            &mailbox,
                            g.mode,
                            &g.template,
                            json!({"holiday": {"key": key_name, "name": h.name, "date": h.date.to_string()}}),
                            h.date,
                            arrive,
                            as_of,
                        ),
                        c.code.clone(),
                    ));
                }
            }
            for o in &g.occasions {
                let audience_ok = o.audience == "all"
                    || matches!(c.stage.as_deref(), Some("active" | "contract"));
                let window_open = o.date >= today
                    && o.date <= today + Duration::days(i64::from(cfg.followups.plan_ahead_days));
                if !audience_ok || !window_open {
                    continue;
                }
                let vars = serde_json::to_value(&o.vars).unwrap_or_default();
                emails.push((
                    greeting_email(
                        format!("occasion:{}:{}", o.name, c.code),
                        &c,
                        contact_id,
                        &address,
                        &mailbox,
                        o.mode,
                        &o.template,
                        json!({"occasion": {"name": o.name, "date": o.date.to_string()}, "vars": vars}),
                        o.date,
                        o.date,
                        as_of,
                    ),
                    c.code.clone(),
                ));
            }
        }

        for (email, code) in emails {
            let purpose = email.purpose.clone();
            match ob.enqueue(tx, email) {
                Ok(r) => {
                    enqueued += 1;
                    if enqueued == 1 {
                        crash_point("plan");
                    }
                    let new = matches!(r, Enqueued::Inserted(_));
                    report.planned.push(planned_row(tx, r.id(), new, &code)?);
                }
                Err(e) => {
                    let bounced = matches!(e, OutboxError::BadAddress(_));
                    let s = Skipped {
                        customer: code.clone(),
                        purpose,
                        reason: e.to_string(),
                    };
                    if bounced {
                        report.skipped.push(s);
                    } else {
                        report.errors.push(s);
                    }
                }
            }
        }
    }
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn greeting_email(
    key: String,
    c: &Cust,
    contact_id: i64,
    address: &str,
    mailbox: &str,
    mode: Mode,
    template: &str,
    vars: serde_json::Value,
    day: NaiveDate,
    arrive: NaiveDate,
    as_of: DateTime<Utc>,
) -> NewEmail {
    NewEmail {
        purpose: if key.starts_with("occasion:") {
            "occasion"
        } else {
            "greeting"
        }
        .into(),
        key,
        customer_id: Some(c.id),
        contact_id: Some(contact_id),
        mailbox: mailbox.into(),
        mode,
        to: vec![address.into()],
        cc: Vec::new(),
        content: Content::Template {
            name: template.into(),
            vars,
        },
        in_reply_to: None,
        references: Vec::new(),
        due_date: Some(day),
        timing: Timing::Window {
            earliest: as_of,
            local_day: Some(arrive),
            window: None,
        },
        cancel_on_reply_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cust(country: &str, scale: &str, tags: &[&str]) -> Cust {
        Cust {
            id: 1,
            code: "C1".into(),
            country: Some(country.into()),
            nature: Some("trading".into()),
            scale: Some(scale.into()),
            stage: None,
            owner: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            do_not_contact: false,
            created_at: String::new(),
        }
    }

    #[test]
    fn rules_match_by_region_tag_scale_and_customer() {
        let rule = |f: &dyn Fn(&mut FollowupRule)| {
            let mut r = FollowupRule {
                name: "r".into(),
                ..FollowupRule::default()
            };
            f(&mut r);
            r
        };
        let de = cust("DE", "large", &["vip"]);
        assert!(rule_matches(
            &rule(&|r| r.region = Some("europe".into())),
            &de
        ));
        assert!(rule_matches(
            &rule(&|r| r.region = Some("Western Europe".into())),
            &de
        ));
        assert!(rule_matches(&rule(&|r| r.region = Some("de".into())), &de));
        assert!(!rule_matches(
            &rule(&|r| r.region = Some("asia".into())),
            &de
        ));
        assert!(rule_matches(&rule(&|r| r.tag = Some("VIP".into())), &de));
        assert!(!rule_matches(&rule(&|r| r.tag = Some("tools".into())), &de));
        assert!(!rule_matches(
            &rule(&|r| r.scale = Some("small".into())),
            &de
        ));
        assert!(rule_matches(
            &rule(&|r| {
                r.scale = Some("large".into());
                r.nature = Some("trading".into());
                r.customer = Some("c1".into());
            }),
            &de
        ));
        assert!(!rule_matches(
            &rule(&|r| r.customer = Some("C2".into())),
            &de
        ));
    }
}
