//! The KPI report emailed to managers after each period closes (§7 "monthly, quarterly and
//! yearly"), through the one outbox: for each period kind of `[reports.mail] periods`, the
//! last closed period (in the company's time zone) goes once to each recipient, key
//! `kpi-report:<period>:<recipient>`, the HTML report as the HTML part and the text table as
//! the text part. `kpi_report_runs` remembers what was queued. The scale classes (§2.1) are
//! recomputed at the period's last day when its report is first queued.
//!
//! Run as one of the outbox feeds ([`crate::feeds::queue_all`]): by the daemon before each
//! delivery run and by `tradewind outbox deliver`.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension as _};

use super::{build, period, Selection};
use crate::config::{Config, Role};
use crate::feeds::{FeedError, FeedReport, FeedsError};
use crate::outbox::config::Mode;
use crate::outbox::{Content, NewEmail, Outbound, OutboxError, Timing};

/// Who writes the scale-class changes of a mailed report in the audit trail.
pub const ACTOR: &str = "daemon:kpi";

/// The report's recipients: `[reports.mail] recipients` (logins or addresses), default every
/// manager; lower-case addresses without duplicates.
pub fn recipients(config: &Config) -> Vec<String> {
    let Some(m) = &config.reports.mail else {
        return Vec::new();
    };
    let list: Vec<String> = if m.recipients.is_empty() {
        config
            .users
            .iter()
            .filter(|u| u.role == Role::Manager)
            .map(|u| u.email.clone())
            .collect()
    } else {
        m.recipients
            .iter()
            .filter_map(|r| {
                if r.contains('@') {
                    Some(r.clone())
                } else {
                    crate::feeds::user_email(config, r)
                }
            })
            .collect()
    };
    let mut seen = std::collections::HashSet::new();
    list.into_iter()
        .map(|a| a.trim().to_lowercase())
        .filter(|a| seen.insert(a.clone()))
        .collect()
}

/// Queues the reports of the periods closed at `now` not yet queued for every recipient.
pub fn queue_reports(
    tx: &Connection,
    ob: &Outbound<'_>,
    now: DateTime<Utc>,
    report: &mut FeedReport,
) -> Result<(), FeedsError> {
    let config = ob.config;
    let Some(mail) = &config.reports.mail else {
        return Ok(());
    };
    let fail = |report: &mut FeedReport, row: String, reason: String| {
        report.errors.push(FeedError { row, reason })
    };
    let zone = match super::zone(config) {
        Ok(z) => z,
        Err(e) => {
            fail(report, "kpi-report".into(), e.to_string());
            return Ok(());
        }
    };
    let to = recipients(config);
    if to.is_empty() {
        fail(
            report,
            "kpi-report".into(),
            "nobody to send it to: no [reports.mail] recipients and no user with role manager"
                .into(),
        );
        return Ok(());
    }
    let mailbox = match &mail.mailbox {
        Some(name) => config.mailbox(name),
        None => crate::feeds::internal_mailbox(config),
    };
    let Some(mailbox) = mailbox else {
        fail(
            report,
            "kpi-report".into(),
            "no mailbox to send the report from".into(),
        );
        return Ok(());
    };
    for kind in &mail.periods {
        let Some(p) = period::last_closed(kind, now, &zone) else {
            continue;
        };
        let mut pending = Vec::new();
        for r in &to {
            let done: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM kpi_report_runs WHERE period = ?1 AND recipient = ?2",
                    params![p.label, r],
                    |x| x.get(0),
                )
                .optional()?;
            if done.is_none() {
                pending.push(r.clone());
            }
        }
        if pending.is_empty() {
            continue;
        }
        let row = format!("kpi-report {}", p.label);
        let last_day = period::Bounds::new(&p, &zone).last_day();
        if let Err(e) = super::sales::recompute_scales(tx, config, last_day, ACTOR) {
            fail(report, row.clone(), e.to_string());
            continue;
        }
        let kpi = match build(tx, config, &p, &Selection::default(), now) {
            Ok(k) => k,
            Err(super::KpiError::Sql(e)) => return Err(e.into()),
            Err(e) => {
                fail(report, row, e.to_string());
                continue;
            }
        };
        let html = super::html::to_html(&kpi);
        let text = super::render::to_table(&kpi);
        let subject = format!(
            "Performance figures {} / 绩效考核报告 {} — {}",
            p.label, p.label, config.company.name
        );
        for r in pending {
            let email = NewEmail {
                key: format!("kpi-report:{}:{r}", p.label),
                purpose: "kpi_report".into(),
                customer_id: None,
                contact_id: None,
                mailbox: mailbox.name.get_ref().clone(),
                mode: Mode::Send,
                to: vec![r.clone()],
                cc: Vec::new(),
                content: Content::Rendered {
                    subject: subject.clone(),
                    text: text.clone(),
                    html: Some(html.clone()),
                },
                in_reply_to: None,
                references: Vec::new(),
                due_date: None,
                timing: Timing::At(now),
                cancel_on_reply_after: None,
            };
            let row = format!("kpi-report {} {r}", p.label);
            match ob.enqueue(tx, email) {
                Ok(e) => {
                    tx.execute(
                        "INSERT OR IGNORE INTO kpi_report_runs (period, recipient, outbox_id, queued_at)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![p.label, r, e.id(), crate::store::now()],
                    )?;
                    report.queued.push((row, e.id()));
                }
                Err(OutboxError::Sql(e)) => return Err(e.into()),
                Err(e) => fail(report, row, e.to_string()),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    fn config(extra: &str) -> Config {
        let text = format!(
            "[company]\nname = \"Seawind\"\nhome_country = \"CN\"\ndomains = [\"seawind-trade.cn\"]\n\
             [[users]]\nlogin = \"li.wei\"\nname = \"Li Wei\"\nemail = \"li.wei@seawind-trade.cn\"\nrole = \"sales\"\n\
             [[users]]\nlogin = \"liu.yang\"\nname = \"Liu Yang\"\nemail = \"Liu.Yang@seawind-trade.cn\"\nrole = \"manager\"\n\
             [[users]]\nlogin = \"boss\"\nname = \"Boss\"\nemail = \"boss@seawind-trade.cn\"\nrole = \"manager\"\n\
             {extra}"
        );
        Config::parse(&text, Path::new("/etc/tw/tradewind.toml")).unwrap()
    }

    #[test]
    fn recipients_default_to_managers_and_resolve_logins() {
        assert!(
            super::recipients(&config("")).is_empty(),
            "off without [reports.mail]"
        );
        assert_eq!(
            super::recipients(&config("[reports.mail]\n")),
            ["liu.yang@seawind-trade.cn", "boss@seawind-trade.cn"]
        );
        assert_eq!(
            super::recipients(&config(
                "[reports.mail]\nrecipients = [\"li.wei\", \"CEO@seawind-trade.cn\", \"ceo@seawind-trade.cn\", \"nobody\"]\n"
            )),
            ["li.wei@seawind-trade.cn", "ceo@seawind-trade.cn"]
        );
        let e = Config::parse(
            "[company]\nname = \"S\"\nhome_country = \"CN\"\ndomains = [\"s.cn\"]\n[reports.mail]\nperiods = [\"weekly\"]\n",
            Path::new("/etc/tw/tradewind.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("reports.mail.periods") && e.contains("weekly"),
            "{e}"
        );
    }
}
