//! The one thing the doctor needs from a server certificate: when it expires.
//!
//! rustls already verifies the chain and refuses an expired certificate; this reads the
//! `notAfter` of the leaf so the doctor can warn *before* that day. A certificate is DER:
//! `Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
//! signature, issuer, validity SEQUENCE { notBefore, notAfter }, ... }, ... }` (RFC 5280 §4.1).
//! Walking five TLVs by hand is smaller than a general X.509 parser for one date.

use chrono::{DateTime, NaiveDate, Utc};

/// One DER element: its tag and contents, and the bytes after it.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const VERSION: u8 = 0xa0;

/// The `notAfter` of a DER certificate, or `None` if it cannot be read.
pub fn not_after(der: &[u8]) -> Option<DateTime<Utc>> {
    let (tag, cert, _) = tlv(der)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, tbs, _) = tlv(cert)?;
    if tag != SEQUENCE {
        return None;
    }
    let mut rest = tbs;
    let (tag, _, after) = tlv(rest)?;
    if tag == VERSION {
        rest = after;
    }
    // serialNumber, signature, issuer
    for _ in 0..3 {
        rest = tlv(rest)?.2;
    }
    let (tag, validity, _) = tlv(rest)?;
    if tag != SEQUENCE {
        return None;
    }
    let (_, _, after_not_before) = tlv(validity)?;
    let (tag, time, _) = tlv(after_not_before)?;
    parse_time(tag, std::str::from_utf8(time).ok()?)
}

/// `YYMMDDHHMMSSZ` (UTCTime, years 1950–2049) or `YYYYMMDDHHMMSSZ` (GeneralizedTime).
fn parse_time(tag: u8, text: &str) -> Option<DateTime<Utc>> {
    let digits = text.strip_suffix('Z')?;
    let (year, rest) = match (tag, digits.len()) {
        (UTC_TIME, 12) => {
            let yy: i32 = digits[..2].parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &digits[2..])
        }
        (GENERALIZED_TIME, 14) => (digits[..4].parse().ok()?, &digits[4..]),
        _ => return None,
    };
    let num = |r: std::ops::Range<usize>| rest.get(r)?.parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(year, num(0..2)?, num(2..4)?)?;
    Some(
        date.and_hms_opt(num(4..6)?, num(6..8)?, num(8..10)?)?
            .and_utc(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DER element with a short-form length.
    fn el(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        if body.len() < 0x80 {
            v.push(body.len() as u8);
        } else {
            v.push(0x82);
            v.extend_from_slice(&(body.len() as u16).to_be_bytes());
        }
        v.extend_from_slice(body);
        v
    }

    fn cert(version: bool, not_after: (u8, &str)) -> Vec<u8> {
        let mut tbs = Vec::new();
        if version {
            tbs.extend(el(VERSION, &el(0x02, &[2])));
        }
        tbs.extend(el(0x02, &[0x01, 0x23])); // serial
        tbs.extend(el(SEQUENCE, &el(0x06, &[0x2a, 0x86, 0x48]))); // algorithm
        tbs.extend(el(SEQUENCE, &[0u8; 200])); // issuer, long enough for a long-form length
        let mut validity = el(UTC_TIME, b"260101000000Z");
        validity.extend(el(not_after.0, not_after.1.as_bytes()));
        tbs.extend(el(SEQUENCE, &validity));
        tbs.extend(el(SEQUENCE, b"subject"));
        let mut body = el(SEQUENCE, &tbs);
        body.extend(el(SEQUENCE, b"sigalg"));
        el(SEQUENCE, &body)
    }

    #[test]
    fn reads_not_after_in_both_time_forms() {
        let utc = not_after(&cert(true, (UTC_TIME, "270315120000Z"))).unwrap();
        assert_eq!(utc.to_rfc3339(), "2027-03-15T12:00:00+00:00");
        let gen = not_after(&cert(false, (GENERALIZED_TIME, "20510102030405Z"))).unwrap();
        assert_eq!(gen.to_rfc3339(), "2051-01-02T03:04:05+00:00");
        let old = not_after(&cert(true, (UTC_TIME, "991231235959Z"))).unwrap();
        assert_eq!(old.to_rfc3339(), "1999-12-31T23:59:59+00:00");
    }

    #[test]
    fn garbage_is_none_not_a_panic() {
        assert_eq!(not_after(b""), None);
        assert_eq!(not_after(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(not_after(&cert(true, (UTC_TIME, "2701Z"))), None);
        let good = cert(true, (UTC_TIME, "270315120000Z"));
        for cut in 0..good.len() {
            let _ = not_after(&good[..cut]);
        }
    }
}
