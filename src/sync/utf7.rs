//! Modified UTF-7 (RFC 3501 §5.1.3): how IMAP servers spell non-ASCII folder names.
//!
//! `已发送` travels as `&XfJT0ZAB-`. Folders are keyed by the raw wire name (that is what
//! EXAMINE needs back, byte for byte); the decoded name is what people see and what
//! `message_locations.folder` stores. Written by hand because the crate on offer panics on
//! malformed input, and a server's odd folder name must never stop a sync.

/// Why a wire name is not valid modified UTF-7.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Utf7Error {
    #[error("unterminated '&' shift at byte {0}")]
    Unterminated(usize),
    #[error("invalid modified-base64 character {1:?} at byte {0}")]
    BadBase64(usize, char),
    #[error("shifted section at byte {0} does not hold whole UTF-16 code units")]
    BadLength(usize),
    #[error("shifted section at byte {0} is not valid UTF-16")]
    BadUtf16(usize),
    #[error("shifted section at byte {0} encodes printable ASCII")]
    NotCanonical(usize),
    #[error("non-ASCII byte at {0}: not a modified UTF-7 name")]
    NonAscii(usize),
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn sextet(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// Decodes a wire name to Unicode, or says why it cannot.
pub fn decode(wire: &str) -> Result<String, Utf7Error> {
    let bytes = wire.as_bytes();
    let mut out = String::with_capacity(wire.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !b.is_ascii() {
            return Err(Utf7Error::NonAscii(i));
        }
        if b != b'&' {
            out.push(b as char);
            i += 1;
            continue;
        }
        let start = i;
        let end = bytes[i + 1..]
            .iter()
            .position(|&c| c == b'-')
            .map(|p| i + 1 + p)
            .ok_or(Utf7Error::Unterminated(start))?;
        let section = &bytes[i + 1..end];
        i = end + 1;
        if section.is_empty() {
            out.push('&');
            continue;
        }
        let mut units = Vec::with_capacity(section.len() * 6 / 16);
        let (mut acc, mut bits) = (0u32, 0u32);
        for (k, &c) in section.iter().enumerate() {
            let v = sextet(c).ok_or(Utf7Error::BadBase64(start + 1 + k, c as char))?;
            acc = (acc << 6) | v;
            bits += 6;
            if bits >= 16 {
                bits -= 16;
                units.push(((acc >> bits) & 0xFFFF) as u16);
            }
        }
        // Leftover bits are padding: fewer than 6 and all zero.
        if bits >= 6 || acc & ((1 << bits) - 1) != 0 || units.is_empty() {
            return Err(Utf7Error::BadLength(start));
        }
        // Printable ASCII must be written directly; a shifted one is not canonical.
        if units.iter().any(|&u| (0x20..=0x7e).contains(&u)) {
            return Err(Utf7Error::NotCanonical(start));
        }
        let text = String::from_utf16(&units).map_err(|_| Utf7Error::BadUtf16(start))?;
        out.push_str(&text);
    }
    Ok(out)
}

/// Decodes for display: the Unicode name, or the wire name itself when it is not valid.
pub fn decode_lossy(wire: &str) -> String {
    decode(wire).unwrap_or_else(|_| wire.to_owned())
}

/// Encodes a Unicode name for the wire (CREATE, EXAMINE).
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        out.push('&');
        let (mut acc, mut bits) = (0u32, 0u32);
        for unit in pending.drain(..) {
            acc = (acc << 16) | unit as u32;
            bits += 16;
            while bits >= 6 {
                bits -= 6;
                out.push(ALPHABET[((acc >> bits) & 0x3F) as usize] as char);
            }
            acc &= (1 << bits) - 1;
        }
        if bits > 0 {
            out.push(ALPHABET[((acc << (6 - bits)) & 0x3F) as usize] as char);
        }
        out.push('-');
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_chinese_names() {
        assert_eq!(decode("&XfJT0ZAB-").unwrap(), "已发送");
        assert_eq!(encode("已发送"), "&XfJT0ZAB-");
        assert_eq!(decode("&V4NXPpCuTvY-").unwrap(), "垃圾邮件");
        assert_eq!(
            encode("客户/美国"),
            format!("{}/{}", encode("客户"), encode("美国"))
        );
    }

    #[test]
    fn round_trips() {
        for name in [
            "INBOX",
            "已发送",
            "客户/美国",
            "Kunden & Partner",
            "&",
            "a&b&",
            "Entwürfe",
            "报价 Quotes 2026",
            "emoji 📦 box",
            "",
            "~peter/mail/台北/日本語",
        ] {
            let wire = encode(name);
            assert!(wire.is_ascii(), "{wire}");
            assert_eq!(decode(&wire).unwrap(), name, "via {wire}");
        }
        assert_eq!(encode("A&B"), "A&-B");
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        for bad in [
            "&",
            "&@@@-",
            "&XfJT0ZAB",
            "&A-",
            "&AGE-",
            "&2D0-",
            "名字",
            "&-&",
            "&,,,,-",
            "&////-",
            "&Zm9v",
            "a&AGE",
        ] {
            let result = decode(bad);
            assert!(result.is_err(), "{bad:?} decoded to {result:?}");
            assert_eq!(decode_lossy(bad), bad);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A cheap exhaustive-ish sweep over short strings of the interesting characters.
        let alphabet = ['&', '-', 'A', 'X', 'f', ',', '+', '/', '0', 'Z', '已'];
        let mut s = String::new();
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    for d in alphabet {
                        s.clear();
                        s.extend([a, b, c, d]);
                        let _ = decode(&s);
                    }
                }
            }
        }
    }
}
