//! A dunning letter (§5.4 函件催收) as a pure function of its inputs: subject, plain text and
//! HTML, in English or Chinese, listing every open invoice (number, PI/PO reference, issue
//! and due dates, amount, outstanding, days past due) with one total per currency and the
//! company's bank details. The outbound engine (issue 6) only has to address and queue it.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

use super::Tone;
use crate::ledger::money::format;

/// The language of a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Zh,
}

impl Language {
    /// The letter language for a contact's language tag: Chinese for zh*, English otherwise.
    pub fn of(tag: Option<&str>) -> Language {
        match tag.map(|t| t.trim().to_ascii_lowercase()) {
            Some(t) if t.starts_with("zh") || t == "cn" || t == "chinese" => Language::Zh,
            _ => Language::En,
        }
    }
}

/// One open invoice in a letter.
#[derive(Debug, Clone, Serialize)]
pub struct LetterInvoice {
    pub number: String,
    pub order_ref: Option<String>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: String,
    pub amount_minor: i64,
    pub outstanding_minor: i64,
    pub days_past_due: i64,
}

/// Everything a letter says.
#[derive(Debug, Clone)]
pub struct LetterInput<'a> {
    pub company: &'a str,
    pub customer_name: &'a str,
    pub contact_name: Option<&'a str>,
    pub language: Language,
    pub tone: Tone,
    pub as_of: NaiveDate,
    pub invoices: &'a [LetterInvoice],
    pub bank_details: &'a [String],
    /// Who signs (the finance mailbox owner's name).
    pub signature: &'a str,
}

/// A rendered letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One total per currency of the invoices' outstanding.
pub fn totals(invoices: &[LetterInvoice]) -> BTreeMap<String, i64> {
    let mut t = BTreeMap::new();
    for i in invoices {
        *t.entry(i.currency.clone()).or_insert(0) += i.outstanding_minor;
    }
    t
}

struct Words {
    subject: &'static str,
    greeting: &'static str,
    body: &'static str,
    closing: &'static str,
    header: [&'static str; 7],
    total: &'static str,
    bank: &'static str,
    regards: &'static str,
}

fn words(lang: Language, tone: Tone) -> Words {
    match lang {
        Language::En => Words {
            subject: match tone {
                Tone::Courtesy => "Friendly reminder: invoices falling due soon",
                Tone::Friendly => "Payment reminder: overdue invoices",
                Tone::Firm => "Second reminder: overdue invoices require payment",
                Tone::Final => "FINAL NOTICE: overdue invoices",
            },
            greeting: "Dear",
            body: match tone {
                Tone::Courtesy => "This is a courtesy reminder that the invoices below fall due shortly. If payment is already arranged, thank you and please disregard this note.",
                Tone::Friendly => "Our records show that the invoices below are past due. Perhaps this has been overlooked; we would appreciate your payment at your earliest convenience.",
                Tone::Firm => "Despite our earlier reminder, the invoices below remain unpaid. Please arrange payment within 7 days or let us know when payment will be made.",
                Tone::Final => "This is our final notice. The invoices below are seriously overdue and further shipments are on hold until they are settled. Please pay within 7 days to avoid further collection steps.",
            },
            closing: "If you have already paid, please send us the remittance advice so we can match it. If you have any question about these invoices, please reply to this email.",
            header: ["Invoice", "PI/PO", "Issued", "Due", "Amount", "Outstanding", "Days overdue"],
            total: "Total outstanding",
            bank: "Our bank details",
            regards: "Kind regards",
        },
        Language::Zh => Words {
            subject: match tone {
                Tone::Courtesy => "温馨提示：以下发票即将到期",
                Tone::Friendly => "付款提醒：以下发票已逾期",
                Tone::Firm => "再次提醒：以下逾期发票请尽快付款",
                Tone::Final => "最后通知：逾期发票",
            },
            greeting: "尊敬的",
            body: match tone {
                Tone::Courtesy => "温馨提示，以下发票即将到期。如已安排付款，谢谢，请忽略本邮件。",
                Tone::Friendly => "根据我司记录，以下发票已超过付款期限，可能是贵司疏忽，烦请尽早安排付款。",
                Tone::Firm => "我司此前已发出提醒，但以下发票仍未支付。请于7日内安排付款，或告知预计付款日期。",
                Tone::Final => "这是最后通知。以下发票已严重逾期，在结清之前我司将暂停发货。请于7日内付款，以免采取进一步催收措施。",
            },
            closing: "如已付款，请将水单发给我们以便核对。如对发票有任何疑问，请直接回复本邮件。",
            header: ["发票号", "PI/PO号", "开票日期", "到期日", "金额", "未付金额", "逾期天数"],
            total: "未付合计",
            bank: "我司银行信息",
            regards: "此致敬礼",
        },
    }
}

fn cells(i: &LetterInvoice) -> [String; 7] {
    [
        i.number.clone(),
        i.order_ref.clone().unwrap_or_else(|| "-".into()),
        i.issue_date.to_string(),
        i.due_date.to_string(),
        format!("{} {}", i.currency, format(i.amount_minor, &i.currency)),
        format!(
            "{} {}",
            i.currency,
            format(i.outstanding_minor, &i.currency)
        ),
        i.days_past_due.max(0).to_string(),
    ]
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders a letter. Pure: the same input gives the same letter.
pub fn render(input: &LetterInput<'_>) -> Letter {
    let w = words(input.language, input.tone);
    let addressee = input.contact_name.unwrap_or(input.customer_name);
    let subject = match input.language {
        Language::En => format!("{} — {} ({})", w.subject, input.customer_name, input.as_of),
        Language::Zh => format!("{}——{}（{}）", w.subject, input.customer_name, input.as_of),
    };
    let greeting = match input.language {
        Language::En => format!("{} {},", w.greeting, addressee),
        Language::Zh => format!("{}{}：", w.greeting, addressee),
    };
    let totals = totals(input.invoices);
    // Plain text.
    let rows: Vec<Vec<String>> = input.invoices.iter().map(|i| cells(i).to_vec()).collect();
    let mut text = format!("{greeting}\n\n{}\n\n", w.body);
    text.push_str(&crate::cli::table::render(&w.header, &rows));
    text.push('\n');
    for (cur, amount) in &totals {
        text.push_str(&format!("{}: {cur} {}\n", w.total, format(*amount, cur)));
    }
    if !input.bank_details.is_empty() {
        text.push_str(&format!("\n{}:\n", w.bank));
        for line in input.bank_details {
            text.push_str(&format!("  {line}\n"));
        }
    }
    text.push_str(&format!(
        "\n{}\n\n{}\n{}\n{}\n",
        w.closing, w.regards, input.signature, input.company
    ));
    // HTML.
    let mut html = format!(
        "<html><body>\n<p>{}</p>\n<p>{}</p>\n<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n<tr>",
        escape(&greeting),
        escape(w.body)
    );
    for h in w.header {
        html.push_str(&format!("<th>{}</th>", escape(h)));
    }
    html.push_str("</tr>\n");
    for i in input.invoices {
        html.push_str("<tr>");
        for c in cells(i) {
            html.push_str(&format!("<td>{}</td>", escape(&c)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
    for (cur, amount) in &totals {
        html.push_str(&format!(
            "<p><b>{}: {} {}</b></p>\n",
            escape(w.total),
            escape(cur),
            escape(&format(*amount, cur))
        ));
    }
    if !input.bank_details.is_empty() {
        html.push_str(&format!("<p>{}:<br>\n", escape(w.bank)));
        let lines: Vec<String> = input.bank_details.iter().map(|l| escape(l)).collect();
        html.push_str(&lines.join("<br>\n"));
        html.push_str("</p>\n");
    }
    html.push_str(&format!(
        "<p>{}</p>\n<p>{}<br>\n{}<br>\n{}</p>\n</body></html>\n",
        escape(w.closing),
        escape(w.regards),
        escape(input.signature),
        escape(input.company)
    ));
    Letter {
        subject,
        text,
        html,
    }
}

/// The optional thank-you when a payment clears the overdue invoices (§5.4 stop), listing
/// what is still open (not yet due) if anything.
pub fn render_thanks(input: &LetterInput<'_>) -> Letter {
    let addressee = input.contact_name.unwrap_or(input.customer_name);
    let (subject, greeting, body, rest, regards) = match input.language {
        Language::En => (
            format!("Thank you for your payment — {}", input.customer_name),
            format!("Dear {addressee},"),
            "We have received your payment, and your overdue invoices are now settled. Thank you.",
            "Still open, not yet due:",
            "Kind regards",
        ),
        Language::Zh => (
            format!("感谢您的付款——{}", input.customer_name),
            format!("尊敬的{addressee}："),
            "我司已收到贵司付款，逾期发票已全部结清，谢谢！",
            "尚未到期的发票：",
            "此致敬礼",
        ),
    };
    let mut text = format!("{greeting}\n\n{body}\n");
    let mut html = format!(
        "<html><body>\n<p>{}</p>\n<p>{}</p>\n",
        escape(&greeting),
        escape(body)
    );
    if !input.invoices.is_empty() {
        text.push_str(&format!("\n{rest}\n"));
        html.push_str(&format!("<p>{}</p>\n<ul>\n", escape(rest)));
        for i in input.invoices {
            let line = format!(
                "{} ({}) {} {}",
                i.number,
                i.due_date,
                i.currency,
                format(i.outstanding_minor, &i.currency)
            );
            text.push_str(&format!("  {line}\n"));
            html.push_str(&format!("<li>{}</li>\n", escape(&line)));
        }
        html.push_str("</ul>\n");
    }
    text.push_str(&format!(
        "\n{regards}\n{}\n{}\n",
        input.signature, input.company
    ));
    html.push_str(&format!(
        "<p>{}<br>\n{}<br>\n{}</p>\n</body></html>\n",
        escape(regards),
        escape(input.signature),
        escape(input.company)
    ));
    Letter {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn invoices() -> Vec<LetterInvoice> {
        let i = |n: &str, cur: &str, amount, out, dpd| LetterInvoice {
            number: n.into(),
            order_ref: Some(format!("PI-{n}")),
            issue_date: d("2026-01-10"),
            due_date: d("2026-02-09"),
            currency: cur.into(),
            amount_minor: amount,
            outstanding_minor: out,
            days_past_due: dpd,
        };
        vec![
            i("INV-1", "USD", 1_000_000, 400_000, 30),
            i("INV-2", "USD", 250_050, 250_050, 12),
            i("INV-3", "EUR", 99_900, 99_900, 5),
        ]
    }

    #[test]
    fn lists_every_invoice_with_one_total_per_currency_and_bank_details() {
        let inv = invoices();
        let bank = vec![
            "Bank of China, Ningbo Branch".to_string(),
            "SWIFT: BKCHCNBJ92A".to_string(),
        ];
        let letter = render(&LetterInput {
            company: "Ningbo Seawind",
            customer_name: "Hansa <Tools>",
            contact_name: Some("Jonas Weber"),
            language: Language::En,
            tone: Tone::Firm,
            as_of: d("2026-03-11"),
            invoices: &inv,
            bank_details: &bank,
            signature: "Zhao Lei",
        });
        assert!(
            letter.subject.starts_with("Second reminder"),
            "{}",
            letter.subject
        );
        for needle in [
            "INV-1",
            "PI-INV-2",
            "INV-3",
            "USD 4,000.00",
            "2026-02-09",
            "SWIFT: BKCHCNBJ92A",
            "Dear Jonas Weber,",
        ] {
            assert!(
                letter.text.contains(needle),
                "{needle} missing:\n{}",
                letter.text
            );
        }
        // 4,000.00 + 2,500.50 = 6,500.50 USD; 999.00 EUR.
        assert!(
            letter.text.contains("Total outstanding: USD 6,500.50"),
            "{}",
            letter.text
        );
        assert!(
            letter.text.contains("Total outstanding: EUR 999.00"),
            "{}",
            letter.text
        );
        assert!(letter.html.contains("Total outstanding: USD 6,500.50"));
        assert!(letter.html.contains("<td>PI-INV-2</td>"), "{}", letter.html);
        assert!(letter.subject.contains("Hansa <Tools>"));
        let escaped = render(&LetterInput {
            company: "Ningbo Seawind",
            customer_name: "Hansa",
            contact_name: Some("A & B <x>"),
            language: Language::En,
            tone: Tone::Friendly,
            as_of: d("2026-03-11"),
            invoices: &inv,
            bank_details: &bank,
            signature: "Zhao Lei",
        });
        assert!(
            escaped.html.contains("Dear A &amp; B &lt;x&gt;,"),
            "{}",
            escaped.html
        );
        assert!(!escaped.html.contains("<x>"));
    }

    #[test]
    fn chinese_letters_for_chinese_contacts() {
        let inv = invoices();
        assert_eq!(Language::of(Some("zh-CN")), Language::Zh);
        assert_eq!(Language::of(Some("de")), Language::En);
        let letter = render(&LetterInput {
            company: "宁波海风",
            customer_name: "上海贸易",
            contact_name: None,
            language: Language::Zh,
            tone: Tone::Final,
            as_of: d("2026-03-11"),
            invoices: &inv,
            bank_details: &[],
            signature: "赵磊",
        });
        assert!(letter.subject.starts_with("最后通知"), "{}", letter.subject);
        assert!(letter.text.contains("尊敬的上海贸易："));
        assert!(
            letter.text.contains("未付合计: USD 6,500.50"),
            "{}",
            letter.text
        );
        assert!(letter.text.contains("暂停发货"));
    }
}
