//! Raw RFC 5322 bytes → [`ParsedMail`]: the fields tradewind stores and matches on.
//!
//! mail-parser (with `full_encoding`) decodes every charset real mail uses — UTF-8,
//! GBK/GB2312/GB18030, Big5, ISO-2022-JP, Windows-125x — and RFC 2047/2231 headers,
//! and turns HTML-only bodies into text. This module adds what export-company mail
//! needs on top: undeclared 8-bit Chinese (old Foxmail/Outlook send raw GBK without a
//! charset) is decoded as GB18030 instead of becoming U+FFFD, and a message's
//! identity is its Message-ID, or a hash of stable headers when it has none.

mod skeleton;

use chrono::{DateTime, Datelike, Utc};
use mail_parser::{Address, Encoding, HeaderName, Message, MessageParser, MimeHeaders, PartType};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Why bytes could not be read as an email.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty file")]
    Empty,
    #[error("not an email: no header block could be parsed")]
    NotMail,
    #[error("not an email: none of From, Date, Message-ID or Subject is present")]
    NoHeaders,
    #[error("the MIME parser failed on this message ({0}); it is kept raw")]
    Panicked(String),
}

/// One address from a header, lower-cased, with its display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    pub address: String,
    pub name: Option<String>,
}

impl Participant {
    /// The part after '@'.
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// The part before '@'.
    pub fn local_part(&self) -> &str {
        self.address
            .rsplit_once('@')
            .map_or(self.address.as_str(), |(l, _)| l)
    }
}

/// Which header an address came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    From,
    Sender,
    ReplyTo,
    To,
    Cc,
    Bcc,
}

impl AddressKind {
    /// The key stored in `message_addresses.kind`.
    pub fn key(self) -> &'static str {
        match self {
            AddressKind::From => "from",
            AddressKind::Sender => "sender",
            AddressKind::ReplyTo => "reply_to",
            AddressKind::To => "to",
            AddressKind::Cc => "cc",
            AddressKind::Bcc => "bcc",
        }
    }
}

/// An attachment's description (the bytes stay on the mail server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentInfo {
    pub filename: Option<String>,
    pub content_type: String,
    pub size: usize,
}

/// Everything tradewind keeps of one email.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedMail {
    /// Identity for de-duplication: `<message-id>` or `sha256:<hex>` of stable headers.
    pub key: String,
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    pub addresses: Vec<(AddressKind, Participant)>,
    /// The header block, decoded for display (8-bit bytes read as GB18030 when not UTF-8).
    pub headers: String,
    /// Plain text: the text/plain parts, or HTML converted to text.
    pub body_text: String,
    pub attachments: Vec<AttachmentInfo>,
    pub raw_size: usize,
    /// `List-Id`, `List-Unsubscribe` or `Precedence: bulk/list` present: mailing-list mail.
    pub is_list: bool,
    /// `Auto-Submitted` other than `no`: machine-generated mail.
    pub is_auto: bool,
}

impl ParsedMail {
    /// The first From address.
    pub fn from(&self) -> Option<&Participant> {
        self.addresses
            .iter()
            .find(|(k, _)| *k == AddressKind::From)
            .map(|(_, p)| p)
    }

    /// Addresses of the given kinds, in header order.
    pub fn participants<'a>(
        &'a self,
        kinds: &'a [AddressKind],
    ) -> impl Iterator<Item = &'a Participant> + 'a {
        self.addresses
            .iter()
            .filter(move |(k, _)| kinds.contains(k))
            .map(|(_, p)| p)
    }
}

/// Message-IDs longer than this are hashed, like notmuch does, so keys stay bounded.
const MAX_MESSAGE_ID: usize = 250;

/// Parses one email. Lenient with real-world damage; refuses what is not mail at all.
///
/// A panic inside the MIME parser on hostile input is caught and returned as
/// [`ParseError::Panicked`], so the caller stores the message raw with its error and the
/// sync goes on (issue 9: no panic reaches the daemon).
pub fn parse_mail(raw: &[u8]) -> Result<ParsedMail, ParseError> {
    let normalised = bare_cr_to_crlf(raw);
    let raw = normalised.as_deref().unwrap_or(raw);
    std::panic::catch_unwind(|| parse_unguarded(raw)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        tracing::error!(bytes = raw.len(), panic = %what, "the MIME parser panicked; message kept raw");
        Err(ParseError::Panicked(what))
    })
}

/// A Date header outside 1900–2199 is a broken or hostile one: the message is kept with no
/// date rather than with one that sorts it before or after everything else (and that the search
/// index cannot represent: tantivy counts nanoseconds in an i64, so about 1677–2262). Found by
/// fuzzing (issue 9).
fn plausible_date(date: &DateTime<Utc>) -> bool {
    (1900..2200).contains(&date.year())
}

/// Classic Mac OS mail (and some old gateways) ends lines with a bare CR; the MIME parser only
/// knows LF and CRLF, so such a message had no header block and was refused as "not an email"
/// (issue 9: 57 of 58 `sisimai-mac` cases of the torture corpus). When the first 4 KiB hold a
/// CR but no LF, every bare CR becomes CRLF; any other message is left alone (None).
pub fn bare_cr_to_crlf(raw: &[u8]) -> Option<Vec<u8>> {
    let head = &raw[..raw.len().min(4096)];
    if head.contains(&b'\n') || !head.contains(&b'\r') {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 16);
    for (i, &b) in raw.iter().enumerate() {
        out.push(b);
        if b == b'\r' && raw.get(i + 1) != Some(&b'\n') {
            out.push(b'\n');
        }
    }
    Some(out)
}

fn parse_unguarded(raw: &[u8]) -> Result<ParsedMail, ParseError> {
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    // Attachment bodies are cut out first: only their sizes are kept, and decoding their
    // base64 was most of the parsing time. `raw` below is what mail-parser saw.
    let original = raw;
    let skeleton = skeleton::cut(raw);
    let raw: &[u8] = skeleton.as_ref().map_or(raw, |s| &s.bytes);
    let cuts = skeleton.as_ref().map_or(&[][..], |s| &s.cuts[..]);
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::NotMail)?;
    let subject = header_text(&message, raw, HeaderName::Subject, message.subject());
    let message_id = message
        .message_id()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty());
    if message.from().is_none()
        && message.date().is_none()
        && message_id.is_none()
        && message.subject().is_none()
    {
        return Err(ParseError::NoHeaders);
    }
    let date = message
        .date()
        .and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0))
        .filter(plausible_date);

    let mut addresses = Vec::new();
    let headers = [
        (AddressKind::From, message.from()),
        (AddressKind::Sender, message.sender()),
        (AddressKind::ReplyTo, message.reply_to()),
        (AddressKind::To, message.to()),
        (AddressKind::Cc, message.cc()),
        (AddressKind::Bcc, message.bcc()),
    ];
    for (kind, header) in headers {
        for p in header.map(participants).unwrap_or_default() {
            if !addresses
                .iter()
                .any(|(k, q): &(AddressKind, Participant)| *k == kind && q.address == p.address)
            {
                addresses.push((kind, p));
            }
        }
    }

    let header_end = message.root_part().offset_body as usize;
    let headers = decode_8bit(&raw[..header_end.min(raw.len())]);
    let key = identity(message_id.as_deref(), &headers, date, &subject, original);
    let is_list = message.header(HeaderName::ListId).is_some()
        || message.header(HeaderName::ListUnsubscribe).is_some()
        || message.header_raw("Precedence").is_some_and(|p| {
            matches!(
                p.trim().to_ascii_lowercase().as_str(),
                "bulk" | "list" | "junk"
            )
        });
    let is_auto = message
        .header_raw("Auto-Submitted")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"));

    Ok(ParsedMail {
        key,
        in_reply_to: id_list(message.in_reply_to()),
        references: id_list(message.references()),
        message_id,
        subject,
        date,
        addresses,
        headers,
        body_text: body_text(&message, raw),
        attachments: attachments(&message, cuts),
        raw_size: original.len(),
        is_list,
        is_auto,
    })
}

fn participants(address: &Address) -> Vec<Participant> {
    address
        .iter()
        .filter_map(|a| {
            let addr = a
                .address
                .as_deref()?
                .trim()
                .trim_matches(['<', '>'])
                .to_lowercase();
            addr.contains('@').then(|| Participant {
                address: addr,
                name: a
                    .name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(String::from),
            })
        })
        .collect()
}

fn id_list(value: &mail_parser::HeaderValue) -> Vec<String> {
    if let Some(list) = value.as_text_list() {
        list.iter().map(|s| s.trim().to_string()).collect()
    } else {
        value
            .as_text()
            .map(|s| vec![s.trim().to_string()])
            .unwrap_or_default()
    }
}

/// A header's decoded text; when mail-parser had to replace bytes (raw 8-bit GBK
/// without RFC 2047), decode the raw header bytes as GB18030 instead.
fn header_text(message: &Message, raw: &[u8], name: HeaderName, decoded: Option<&str>) -> String {
    let decoded = decoded.unwrap_or("").trim().to_string();
    if !decoded.contains('\u{FFFD}') {
        return decoded;
    }
    message
        .root_part()
        .headers()
        .iter()
        .find(|h| h.name == name)
        .and_then(|h| raw.get(h.offset_start as usize..h.offset_end as usize))
        .and_then(gb18030_strict)
        .map(|s| s.trim().to_string())
        .unwrap_or(decoded)
}

/// Bytes as UTF-8 when they are, else as GB18030 when that decodes cleanly, else lossy UTF-8.
fn decode_8bit(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            gb18030_strict(bytes).unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

fn gb18030_strict(bytes: &[u8]) -> Option<String> {
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

fn body_text(message: &Message, raw: &[u8]) -> String {
    let mut out = String::new();
    for (i, part_id) in message.text_body.iter().enumerate() {
        let Some(text) = message.body_text(i) else {
            continue;
        };
        let part = &message.parts[*part_id as usize];
        let text = if text.contains('\u{FFFD}') && undeclared_8bit(part) {
            raw.get(part.offset_body as usize..part.offset_end as usize)
                .and_then(gb18030_strict)
                .unwrap_or_else(|| text.into_owned())
        } else {
            text.into_owned()
        };
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(text.trim_end());
    }
    out
}

/// A text part whose bytes were not transfer-encoded and whose charset is not declared.
fn undeclared_8bit(part: &mail_parser::MessagePart) -> bool {
    matches!(part.body, PartType::Text(_))
        && part.encoding == Encoding::None
        && part
            .content_type()
            .is_none_or(|ct| ct.attribute("charset").is_none())
}

/// Attachment descriptions; a part whose body was cut out ([`skeleton`]) gets the size
/// counted there, a part holding cut parts (a forwarded message) the bytes cut from it.
fn attachments(message: &Message, cuts: &[skeleton::Cut]) -> Vec<AttachmentInfo> {
    let size = |part: &mail_parser::MessagePart| -> usize {
        let (start, end) = (part.offset_body as usize, part.offset_end as usize);
        match part.body {
            PartType::Message(_) => {
                part.len()
                    + cuts
                        .iter()
                        .filter(|c| start <= c.at && c.at <= end)
                        .map(|c| c.removed)
                        .sum::<usize>()
            }
            _ => cuts
                .iter()
                .find(|c| c.at == start)
                .map_or_else(|| part.len(), |c| c.decoded),
        }
    };
    message
        .attachments()
        .map(|part| AttachmentInfo {
            filename: part.attachment_name().map(String::from),
            content_type: part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase(),
            size: size(part),
        })
        .collect()
}

/// The de-duplication key. The same email in a Sent folder and in a colleague's
/// Inbox has the same Message-ID; without one, Date + From + To + Subject (the headers
/// no server rewrites) identify it, falling back to the whole message.
fn identity(
    message_id: Option<&str>,
    headers: &str,
    date: Option<DateTime<Utc>>,
    subject: &str,
    raw: &[u8],
) -> String {
    if let Some(id) = message_id {
        let id = format!("<{}>", id.trim_matches(['<', '>']));
        if id.len() <= MAX_MESSAGE_ID {
            return id;
        }
        return format!("sha256:{}", hex(&Sha256::digest(id.as_bytes())));
    }
    let mut hasher = Sha256::new();
    let stable: Vec<&str> = headers
        .lines()
        .filter(|l| {
            let lower = l.to_ascii_lowercase();
            ["from:", "to:", "cc:"].iter().any(|h| lower.starts_with(h))
        })
        .collect();
    if date.is_some() && !stable.is_empty() {
        hasher.update(date.map(|d| d.timestamp()).unwrap_or(0).to_be_bytes());
        hasher.update(subject.as_bytes());
        for line in stable {
            hasher.update(line.trim().as_bytes());
        }
    } else {
        hasher.update(raw);
    }
    format!("sha256:{}", hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_addresses_ids_and_body() {
        let raw = b"From: \"Jonas Weber\" <Jonas@Hansa-Tools.de>\r\nTo: li.wei@seawind-trade.cn, <Ops@Hansa-Tools.de>\r\nCc: finance@seawind-trade.cn\r\nSubject: Re: Quotation\r\nMessage-ID: <abc@hansa-tools.de>\r\nIn-Reply-To: <q1@seawind-trade.cn>\r\nReferences: <q0@seawind-trade.cn> <q1@seawind-trade.cn>\r\nDate: Tue, 03 Nov 2026 09:15:00 +0100\r\n\r\nThanks, see below.\r\n";
        let m = parse_mail(raw).unwrap();
        assert_eq!(m.key, "<abc@hansa-tools.de>");
        assert_eq!(m.from().unwrap().address, "jonas@hansa-tools.de");
        assert_eq!(m.from().unwrap().name.as_deref(), Some("Jonas Weber"));
        assert_eq!(m.participants(&[AddressKind::To]).count(), 2);
        assert_eq!(m.in_reply_to, ["q1@seawind-trade.cn"]);
        assert_eq!(m.references.len(), 2);
        assert_eq!(m.date.unwrap().to_rfc3339(), "2026-11-03T08:15:00+00:00");
        assert_eq!(m.body_text, "Thanks, see below.");
    }

    #[test]
    fn decodes_gbk_body_and_rfc2047_subject() {
        let (body, _, _) = encoding_rs::GBK.encode("您好，货物已发出。");
        let mut raw = b"From: a@b.cn\r\nSubject: =?GB2312?B?".to_vec();
        let (subj, _, _) = encoding_rs::GBK.encode("发货通知");
        raw.extend(base64(&subj).as_bytes());
        raw.extend(b"?=\r\nContent-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        raw.extend(body.iter());
        let m = parse_mail(&raw).unwrap();
        assert_eq!(m.subject, "发货通知");
        assert_eq!(m.body_text, "您好，货物已发出。");
    }

    #[test]
    fn undeclared_raw_gbk_is_not_mojibake() {
        let (subj, _, _) = encoding_rs::GBK.encode("质量问题投诉");
        let (body, _, _) = encoding_rs::GBK.encode("这批货有严重质量问题。");
        let mut raw = b"From: buyer@x.cn\r\nSubject: ".to_vec();
        raw.extend(subj.iter());
        raw.extend(b"\r\n\r\n");
        raw.extend(body.iter());
        let m = parse_mail(&raw).unwrap();
        assert_eq!(m.subject, "质量问题投诉");
        assert_eq!(m.body_text, "这批货有严重质量问题。");
        assert!(m.headers.contains("质量问题投诉"));
    }

    #[test]
    fn html_only_mail_becomes_text() {
        let raw = b"From: a@b.com\r\nSubject: hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Dear <b>Li</b>,</p><p>Order &amp; payment</p></body></html>";
        let m = parse_mail(raw).unwrap();
        assert!(m.body_text.contains("Dear Li"), "{}", m.body_text);
        assert!(m.body_text.contains("Order & payment"), "{}", m.body_text);
        assert!(!m.body_text.contains('<'));
    }

    #[test]
    fn attachments_are_described() {
        let raw = b"From: a@b.com\r\nSubject: PI\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nsee PI\r\n--XX\r\nContent-Type: application/pdf; name=\"PI-2026-001.pdf\"\r\nContent-Disposition: attachment; filename=\"PI-2026-001.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n";
        let m = parse_mail(raw).unwrap();
        assert_eq!(m.body_text, "see PI");
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(
            m.attachments[0].filename.as_deref(),
            Some("PI-2026-001.pdf")
        );
        assert_eq!(m.attachments[0].content_type, "application/pdf");
        assert_eq!(m.attachments[0].size, 9);
    }

    #[test]
    fn large_attachments_keep_their_exact_size_without_being_decoded() {
        // Sizes 30000..30002 cover all three base64 padding cases; a text part after the
        // attachments and an inline image in a nested multipart must survive the cuts.
        let blobs: Vec<Vec<u8>> = (0..3)
            .map(|k| (0..30_000 + k).map(|i| (i * 7 + k) as u8).collect())
            .collect();
        let lines = |b: &[u8]| {
            let text = base64(b);
            text.as_bytes()
                .chunks(76)
                .map(|l| std::str::from_utf8(l).unwrap())
                .collect::<Vec<_>>()
                .join("\r\n")
        };
        let mut raw = String::from(
            "From: a@b.com\r\nSubject: PI\r\nMessage-ID: <big@b.com>\r\n\
             Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\n\
             Content-Type: multipart/related; boundary=YY\r\n\r\n--YY\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n货物已发出 see PI\r\n--YY\r\n\
             Content-Type: image/png; name=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
        );
        raw += &lines(&blobs[0]);
        raw += "\r\n--YY--\r\n";
        for (i, blob) in blobs.iter().enumerate().skip(1) {
            raw += &format!(
                "--XX\r\nContent-Type: application/pdf; name=\"PI-{i}.pdf\"\r\n\
                 Content-Disposition: attachment; filename=\"PI-{i}.pdf\"\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                lines(blob)
            );
        }
        raw += "--XX\r\nContent-Type: text/plain\r\n\r\nregards\r\n--XX--\r\n";
        assert!(skeleton::cut(raw.as_bytes()).is_some_and(|s| s.cuts.len() == 3));
        let m = parse_mail(raw.as_bytes()).unwrap();
        // What mail-parser reports after decoding everything itself:
        let full = MessageParser::default().parse(raw.as_bytes()).unwrap();
        let expected: Vec<(Option<String>, usize)> = full
            .attachments()
            .map(|p| (p.attachment_name().map(String::from), p.len()))
            .collect();
        let got: Vec<(Option<String>, usize)> = m
            .attachments
            .iter()
            .map(|a| (a.filename.clone(), a.size))
            .collect();
        assert_eq!(got, expected);
        assert_eq!(
            got.iter().map(|g| g.1).collect::<Vec<_>>(),
            [30_000, 30_001, 30_002]
        );
        assert!(m.body_text.contains("货物已发出 see PI"), "{}", m.body_text);
        assert!(m.body_text.contains("regards"), "{}", m.body_text);
        assert_eq!(m.raw_size, raw.len());
        assert_eq!(m.key, "<big@b.com>");
    }

    #[test]
    fn missing_message_id_gets_a_stable_hash_key() {
        let a = b"From: a@b.com\r\nTo: c@d.com\r\nSubject: x\r\nDate: Tue, 03 Nov 2026 09:15:00 +0000\r\nReceived: by relay1\r\n\r\nbody";
        let b = b"Received: by relay2\r\nFrom: a@b.com\r\nTo: c@d.com\r\nSubject: x\r\nDate: Tue, 03 Nov 2026 09:15:00 +0000\r\n\r\nbody";
        let (ka, kb) = (parse_mail(a).unwrap().key, parse_mail(b).unwrap().key);
        assert!(ka.starts_with("sha256:"));
        assert_eq!(ka, kb, "transport headers must not change identity");
        let c = b"From: a@b.com\r\nTo: c@d.com\r\nSubject: y\r\nDate: Tue, 03 Nov 2026 09:15:00 +0000\r\n\r\nbody";
        assert_ne!(ka, parse_mail(c).unwrap().key);
    }

    #[test]
    fn garbage_and_empty_are_refused() {
        assert_eq!(parse_mail(b"  \r\n"), Err(ParseError::Empty));
        assert!(parse_mail(&[0xff, 0xfe, 0x00, 0x01, 0x02, 0x9c, 0x80]).is_err());
        assert!(parse_mail(b"just some words, no headers here\nsecond line\n").is_err());
    }

    #[test]
    fn list_and_auto_mail_are_flagged() {
        let m = parse_mail(b"From: news@x.com\r\nList-Id: <news.x.com>\r\nSubject: s\r\n\r\nb")
            .unwrap();
        assert!(m.is_list);
        let m = parse_mail(b"From: a@x.com\r\nAuto-Submitted: auto-replied\r\nSubject: s\r\n\r\nb")
            .unwrap();
        assert!(m.is_auto);
    }

    fn base64(bytes: &[u8]) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}
