//! The payment-fraud watch (§5.3 risk watch; business-email-compromise): an inbound email
//! that announces changed bank details or asks for payment to a different account — in
//! English, Chinese, Spanish, Portuguese, Russian, French, German or Arabic — or that comes
//! from a lookalike of a customer's domain (matching's impersonation flags) raises an alert
//! row with the message. It never changes any stored bank detail.
//!
//! Detection: within one sentence, a bank-account term ("bank details", "IBAN", "银行账户",
//! "cuenta bancaria", "реквизиты", ...) together with a change term ("new", "changed",
//! "different", "变更", "nueva", "новые", ...), unless the sentence says the details did NOT
//! change ("unchanged", "remain the same", "不变", "sin cambios", ...).
//!
//! Alert emails to finance and the owner are recorded as `due` (the outbound engine sends
//! them); this module does not send mail.

use rusqlite::{params, Connection};
use serde::Serialize;

/// Bank-account terms per language (lower case).
const BANK: &[&str] = &[
    // en
    "bank details",
    "bank account",
    "banking details",
    "bank information",
    "bank info",
    "account details",
    "account number",
    "beneficiary account",
    "beneficiary bank",
    "remittance details",
    "payment details",
    "iban",
    "swift",
    "receiving account",
    "another account",
    "different account",
    // zh
    "银行账户",
    "银行帐户",
    "银行账号",
    "银行帐号",
    "收款账户",
    "收款帐户",
    "收款账号",
    "账户信息",
    "帐户信息",
    "银行信息",
    "银行资料",
    "汇款账户",
    "账号",
    "账户",
    // es
    "cuenta bancaria",
    "datos bancarios",
    "número de cuenta",
    "otra cuenta",
    // pt
    "conta bancária",
    "conta bancaria",
    "dados bancários",
    "dados bancarios",
    "outra conta",
    // ru
    "реквизит",
    "банковский счет",
    "банковский счёт",
    "расчетный счет",
    "расчётный счёт",
    "другой счет",
    "другой счёт",
    "новый счет",
    "новый счёт",
    // fr
    "coordonnées bancaires",
    "compte bancaire",
    "rib",
    "autre compte",
    // de
    "bankverbindung",
    "bankkonto",
    "kontodaten",
    "kontoverbindung",
    "anderes konto",
    // ar
    "حساب بنكي",
    "الحساب البنكي",
    "حساب مصرفي",
    "الحساب المصرفي",
    "بيانات بنكية",
    "البيانات البنكية",
    "حساب آخر",
];

/// Change terms per language (lower case).
const CHANGE: &[&str] = &[
    // en
    "new",
    "changed",
    "change",
    "updated",
    "update",
    "different",
    "another",
    "replaced",
    "switched",
    "no longer",
    // zh
    "变更",
    "更改",
    "更换",
    "变动",
    "新的",
    "新账户",
    "新帐户",
    "新账号",
    "改为",
    "换了",
    "其他账户",
    "另一个",
    // es
    "nueva",
    "nuevo",
    "cambio",
    "cambiado",
    "cambiamos",
    "actualizado",
    "actualizados",
    "otra",
    // pt
    "nova",
    "novo",
    "alteração",
    "alteracao",
    "alterado",
    "alteramos",
    "mudamos",
    "mudança",
    "atualizados",
    "outra",
    // ru
    "новые",
    "новый",
    "изменил",
    "изменен",
    "изменён",
    "смена",
    "сменил",
    "другой",
    // fr
    "nouvelles",
    "nouveau",
    "nouvelle",
    "changement",
    "changé",
    "modifié",
    "modifiées",
    "autre",
    // de
    "neue",
    "neues",
    "geändert",
    "änderung",
    "aktualisiert",
    "anderes",
    // ar
    "جديد",
    "جديدة",
    "تغيير",
    "تغير",
    "تحديث",
    "آخر",
];

/// Sentences saying the details did NOT change.
const UNCHANGED: &[&str] = &[
    "unchanged",
    "not changed",
    "has not changed",
    "have not changed",
    "haven't changed",
    "hasn't changed",
    "remain the same",
    "remains the same",
    "no change",
    "never change",
    "不变",
    "没有变",
    "未变",
    "不会变更",
    "无变化",
    "没有变更",
    "sin cambios",
    "no han cambiado",
    "no ha cambiado",
    "sem alteração",
    "sem alteracao",
    "não mudaram",
    "não mudou",
    "без изменений",
    "не изменились",
    "не изменился",
    "inchangé",
    "n'ont pas changé",
    "unverändert",
    "nicht geändert",
    "لم تتغير",
    "لم يتغير",
    "دون تغيير",
];

/// True for a letter or digit of a word-like script (for word boundaries in Latin, Cyrillic,
/// Arabic text; CJK terms match anywhere).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF)
}

/// Whether `term` occurs in `text` starting at a word boundary (so inflected endings match:
/// реквизит → реквизиты); terms of up to 3 letters must also end at one. CJK terms match
/// anywhere.
fn contains_term(text: &str, term: &str) -> bool {
    if term.chars().any(is_cjk) {
        return text.contains(term);
    }
    let mut start = 0;
    while let Some(pos) = text[start..].find(term) {
        let at = start + pos;
        let end = at + term.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let short = term.chars().count() <= 3;
        if !(before.is_some_and(is_word_char) || (short && after.is_some_and(is_word_char))) {
            return true;
        }
        start = at + term.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Finds any of [`BANK`] in one pass: every inbound body goes through here during a sync.
static ANY_BANK_TERM: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(BANK).expect("the bank terms build an automaton")
    });

/// `text` in lower case for the term search. Chinese and other caseless scripts are copied
/// as they are instead of going through Unicode's case tables (most of a Chinese body).
/// Unlike `str::to_lowercase` a final capital sigma becomes σ, not ς; no term is Greek.
fn lower_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if is_cjk(c) {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The first sentence of `text` announcing changed bank details, if any.
pub fn bank_change_sentence(text: &str) -> Option<String> {
    let lower = lower_case(text);
    // Most mail names no bank term at all: one pass over the whole text settles it.
    if !ANY_BANK_TERM.is_match(&lower) {
        return None;
    }
    lower
        .split(['.', '!', '?', '\n', '。', '！', '？', ';', '；', '؟'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .find(|s| {
            BANK.iter().any(|b| contains_term(s, b))
                && CHANGE.iter().any(|c| contains_term(s, c))
                && !UNCHANGED.iter().any(|u| contains_term(s, u))
        })
        .map(|s| s.chars().take(300).collect())
}

/// One alert raised on a message.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentAlert {
    pub id: i64,
    pub message_id: i64,
    pub customer: Option<String>,
    pub kind: String,
    pub evidence: String,
    pub subject: String,
    pub from_addr: Option<String>,
    pub raised_at: String,
    /// "due" until the alert email has been sent by the outbound engine.
    pub alert: String,
}

/// Checks one freshly stored and matched message; records alerts (idempotent per message and
/// kind). Only inbound mail is checked. Returns how many alerts were added.
pub fn check_message(tx: &Connection, message_id: i64) -> rusqlite::Result<usize> {
    let (direction, subject, body): (String, String, String) = tx
        .prepare_cached("SELECT direction, subject, body_text FROM messages WHERE id = ?1")?
        .query_row([message_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    if direction != "inbound" {
        return Ok(0);
    }
    record(tx, message_id, scan(&subject, &body).as_deref())
}

/// The part of the check that needs only the text: the sentence announcing changed bank
/// details, if any. The sync runs it where messages are parsed, in parallel, so the single
/// database writer only records the result ([`record`]).
pub fn scan(subject: &str, body: &str) -> Option<String> {
    bank_change_sentence(&format!("{subject}\n{body}"))
}

/// Records the alerts of one stored, matched, inbound message whose text [`scan`] found
/// `bank_change` in (idempotent per message and kind); returns how many were added.
pub fn record(
    tx: &Connection,
    message_id: i64,
    bank_change: Option<&str>,
) -> rusqlite::Result<usize> {
    let now = crate::store::now();
    let mut added = 0;
    if let Some(sentence) = bank_change {
        let matched: Option<i64> = tx
            .prepare_cached("SELECT customer_id FROM message_customers WHERE message_id = ?1 ORDER BY customer_id LIMIT 1")?
            .query_row([message_id], |r| r.get(0))
            .ok();
        added += tx.execute(
            "INSERT OR IGNORE INTO payment_alerts (message_id, customer_id, kind, evidence, raised_at)
             VALUES (?1, ?2, 'bank_change', ?3, ?4)",
            params![message_id, matched, sentence, now],
        )?;
    }
    let flags: Vec<(i64, String, String, String)> = tx
        .prepare_cached(
            "SELECT customer_id, address, customer_domain, reason FROM impersonation_flags WHERE message_id = ?1",
        )?
        .query_map([message_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    if let Some((customer, address, domain, reason)) = flags.first() {
        added += tx.execute(
            "INSERT OR IGNORE INTO payment_alerts (message_id, customer_id, kind, evidence, raised_at)
             VALUES (?1, ?2, 'lookalike', ?3, ?4)",
            params![
                message_id,
                customer,
                format!("{address} imitates {domain}: {reason}"),
                now
            ],
        )?;
    }
    if added > 0 {
        tracing::warn!(message_id, "payment-fraud watch: alert raised");
    }
    Ok(added)
}

/// All alerts, newest first.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<PaymentAlert>> {
    conn.prepare(
        "SELECT a.id, a.message_id, c.code, a.kind, a.evidence, m.subject, m.from_addr, a.raised_at, a.alert
           FROM payment_alerts a JOIN messages m ON m.id = a.message_id
           LEFT JOIN customers c ON c.id = a.customer_id
          ORDER BY a.id DESC",
    )?
    .query_map([], |r| {
        Ok(PaymentAlert {
            id: r.get(0)?,
            message_id: r.get(1)?,
            customer: r.get(2)?,
            kind: r.get(3)?,
            evidence: r.get(4)?,
            subject: r.get(5)?,
            from_addr: r.get(6)?,
            raised_at: r.get(7)?,
            alert: r.get(8)?,
        })
    })?
    .collect()
}

#[cfg(test)]
mod tests {
    use super::bank_change_sentence as hit;

    #[test]
    fn announcements_in_every_supported_language_are_caught() {
        let cases = [
            "Please note our bank details have changed. Kindly remit to the account below.",
            "Due to an audit, please pay the invoice to a different account this time.",
            "We have a new bank account with HSBC, IBAN GB29 NWBK 6016 1331 9268 19.",
            "由于审计原因，我司银行账户已变更，请将货款汇至以下新账户。",
            "请注意：收款账号更换为下列账号",
            "Le informamos que tenemos una nueva cuenta bancaria para los pagos.",
            "Informamos que houve alteração da conta bancária da empresa.",
            "Обращаем внимание: у нас новые банковские реквизиты.",
            "Veuillez noter nos nouvelles coordonnées bancaires ci-dessous.",
            "Bitte beachten Sie unsere neue Bankverbindung ab sofort.",
            "يرجى العلم بأن لدينا حساب بنكي جديد لتحويل المبالغ",
        ];
        for c in cases {
            assert!(hit(c).is_some(), "missed: {c}");
        }
    }

    #[test]
    fn capitals_in_any_script_are_folded_before_the_terms_are_sought() {
        let cases = [
            "PLEASE NOTE OUR BANK DETAILS HAVE CHANGED.",
            "ОБРАЩАЕМ ВНИМАНИЕ: У НАС НОВЫЕ БАНКОВСКИЕ РЕКВИЗИТЫ.",
            "Veuillez noter nos NOUVELLES COORDONNÉES BANCAIRES.",
            "注意：IBAN 已变更",
        ];
        for c in cases {
            assert!(hit(c).is_some(), "missed: {c}");
        }
        let mixed = "ÄÖÜ Straße İ Ǆ 银行账户 ABC Привет";
        assert_eq!(super::lower_case(mixed), mixed.to_lowercase());
    }

    #[test]
    fn ordinary_payment_mail_is_not_an_alert() {
        let cases = [
            "Our bank details remain the same as on the invoice.",
            "Payment sent today to your usual account, please check.",
            "我司银行账户信息不变，请按原账户付款。",
            "Nuestros datos bancarios no han cambiado.",
            "Unsere Bankverbindung ist unverändert.",
            "Please find the new price list attached.",
            "We will change the shipping date to next week.",
            "The new order will be paid by T/T.",
        ];
        for c in cases {
            assert!(hit(c).is_none(), "false alarm: {c} → {:?}", hit(c));
        }
    }
}
