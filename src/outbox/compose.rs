//! Builds the RFC 5322 message of an outbox row: From and Reply-To of the owner's mailbox,
//! a Message-ID on the company's domain, In-Reply-To/References when it continues a thread,
//! text and HTML alternatives, UTF-8 headers encoded per RFC 2047 (lettre's builder).
//!
//! Header injection is refused here, whatever the template said: a subject, a display name,
//! an address or a Message-ID containing CR or LF is an error naming the field, never a
//! second header line.

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use std::time::SystemTime;

/// What a message is built from (one outbox row).
#[derive(Debug, Clone)]
pub struct Parts<'a> {
    pub from_addr: &'a str,
    pub from_name: Option<&'a str>,
    pub reply_to: Option<&'a str>,
    pub to: &'a [String],
    pub cc: &'a [String],
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub message_id: &'a str,
    pub in_reply_to: Option<&'a str>,
    pub references: &'a [String],
}

/// Why a message could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// CR or LF (or NUL) where a header value is built: refused.
    #[error("header injection refused: {field} contains a line break ({value:?})")]
    Injection { field: String, value: String },
    #[error("{field}: '{value}' is not a valid address")]
    Address { field: String, value: String },
    #[error("{field}: '{value}' is not a Message-ID of the form <local@domain>")]
    MessageId { field: String, value: String },
    #[error("the message has no recipient")]
    NoRecipient,
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
}

/// Refuses CR, LF and NUL in a value bound for a header.
pub fn single_line(field: &str, value: &str) -> Result<(), ComposeError> {
    if value.contains(['\r', '\n', '\0']) {
        return Err(ComposeError::Injection {
            field: field.into(),
            value: value.into(),
        });
    }
    Ok(())
}

fn mailbox(field: &str, name: Option<&str>, addr: &str) -> Result<Mailbox, ComposeError> {
    single_line(field, addr)?;
    if let Some(n) = name {
        single_line(&format!("{field} name"), n)?;
    }
    let address = addr.trim().parse().map_err(|_| ComposeError::Address {
        field: field.into(),
        value: addr.into(),
    })?;
    Ok(Mailbox::new(name.map(str::to_string), address))
}

/// Checks `<local@domain>` with nothing that could break a header.
pub fn check_message_id(field: &str, id: &str) -> Result<(), ComposeError> {
    single_line(field, id)?;
    let inner = id.strip_prefix('<').and_then(|s| s.strip_suffix('>'));
    let ok = inner.is_some_and(|s| {
        s.contains('@') && !s.contains(|c: char| c.is_whitespace() || c == '<' || c == '>')
    });
    if !ok {
        return Err(ComposeError::MessageId {
            field: field.into(),
            value: id.into(),
        });
    }
    Ok(())
}

/// The message bytes, dated `date`.
pub fn build(p: &Parts<'_>, date: SystemTime) -> Result<Vec<u8>, ComposeError> {
    single_line("Subject", p.subject)?;
    check_message_id("Message-ID", p.message_id)?;
    if p.to.is_empty() {
        return Err(ComposeError::NoRecipient);
    }
    let mut b = lettre::Message::builder()
        .from(mailbox("From", p.from_name, p.from_addr)?)
        .reply_to(mailbox(
            "Reply-To",
            p.from_name,
            p.reply_to.unwrap_or(p.from_addr),
        )?)
        .subject(p.subject)
        .message_id(Some(p.message_id.to_string()))
        .date(date);
    for to in p.to {
        b = b.to(mailbox("To", None, to)?);
    }
    for cc in p.cc {
        b = b.cc(mailbox("Cc", None, cc)?);
    }
    if let Some(irt) = p.in_reply_to {
        check_message_id("In-Reply-To", irt)?;
        b = b.in_reply_to(irt.to_string());
    }
    if !p.references.is_empty() {
        for r in p.references {
            check_message_id("References", r)?;
        }
        b = b.references(p.references.join(" "));
    }
    let body = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(p.text.to_string()),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(p.html.to_string()),
        );
    Ok(b.multipart(body)?.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(subject: &'a str, to: &'a [String], refs: &'a [String]) -> Parts<'a> {
        Parts {
            from_addr: "li.wei@seawind-trade.cn",
            from_name: Some("Li Wei 李伟"),
            reply_to: None,
            to,
            cc: &[],
            subject,
            text: "您好 Jonas,\nhow are things?",
            html: "<p>您好</p>",
            message_id: "<tw.1@seawind-trade.cn>",
            in_reply_to: refs.last().map(String::as_str),
            references: refs,
        }
    }

    #[test]
    fn utf8_headers_are_encoded_and_threading_headers_present() {
        let to = vec!["jonas@hansa-tools.de".to_string()];
        let refs = vec!["<a@x.de>".to_string(), "<b@x.de>".to_string()];
        let raw = build(
            &parts("回访 / checking in", &to, &refs),
            SystemTime::UNIX_EPOCH,
        )
        .unwrap();
        let text = String::from_utf8(raw.clone()).unwrap();
        assert!(text.is_ascii(), "headers and bodies are 7-bit on the wire");
        assert!(text.contains("Subject: =?utf-8?"), "{text}");
        assert!(
            text.contains("Message-ID: <tw.1@seawind-trade.cn>"),
            "{text}"
        );
        assert!(text.contains("In-Reply-To: <b@x.de>"), "{text}");
        assert!(text.contains("References: <a@x.de> <b@x.de>"), "{text}");
        assert!(text.contains("multipart/alternative"), "{text}");
        let parsed = crate::parse::parse_mail(&raw).unwrap();
        assert_eq!(parsed.subject, "回访 / checking in");
        assert!(
            parsed.body_text.contains("您好 Jonas"),
            "{}",
            parsed.body_text
        );
        assert_eq!(parsed.from().unwrap().name.as_deref(), Some("Li Wei 李伟"));
    }

    #[test]
    fn line_breaks_in_header_values_are_refused() {
        let to = vec!["jonas@hansa-tools.de".to_string()];
        let e = build(
            &parts("Hi\r\nBcc: victim@evil.com", &to, &[]),
            SystemTime::now(),
        )
        .unwrap_err();
        assert!(matches!(e, ComposeError::Injection { .. }), "{e}");
        assert!(e.to_string().contains("Subject"), "{e}");
        let to = vec!["jonas@hansa-tools.de\nBcc: x@evil.com".to_string()];
        let e = build(&parts("Hi", &to, &[]), SystemTime::now()).unwrap_err();
        assert!(e.to_string().contains("To"), "{e}");
        let to = vec!["jonas@hansa-tools.de".to_string()];
        let refs = vec!["<a@x.de>\r\nX-Evil: 1".to_string()];
        assert!(build(&parts("Hi", &to, &refs), SystemTime::now()).is_err());
        let refs = vec!["no-brackets@x.de".to_string()];
        assert!(matches!(
            build(&parts("Hi", &to, &refs), SystemTime::now()).unwrap_err(),
            ComposeError::MessageId { .. }
        ));
    }
}
