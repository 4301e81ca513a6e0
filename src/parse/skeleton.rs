//! A message with its base64 attachment bodies cut out, for parsing (issue 3: sync speed).
//!
//! tradewind keeps attachment names, types and sizes, not their bytes (unless a mailbox
//! archives them, which parses the raw message separately). Yet decoding the base64 of every
//! attachment was a third of a sync's CPU time: a quarter of a mailbox's bytes are PDFs and
//! images. So before mail-parser sees a message, the bodies of base64 parts that are not text
//! (not `text/*`, `multipart/*` or `message/*`) are removed, and their decoded sizes counted
//! here: four base64 characters are three bytes. Only parts delimited by a boundary declared
//! in a `Content-Type` seen before are touched, and only when every body byte is base64 or
//! whitespace; anything else is left for mail-parser as it is.

/// The message to parse, and what was cut out of it.
#[derive(Debug, Default)]
pub(super) struct Skeleton {
    pub bytes: Vec<u8>,
    /// One per cut part, in order: where its (now empty) body starts in `bytes`.
    pub cuts: Vec<Cut>,
}

/// One attachment body removed from the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cut {
    /// Offset in the skeleton where the body was.
    pub at: usize,
    /// Bytes the body decodes to.
    pub decoded: usize,
    /// Bytes removed from the raw message.
    pub removed: usize,
}

/// Bodies smaller than this stay: cutting them saves nothing worth the bookkeeping.
const MIN_CUT: usize = 2048;

/// Cuts the base64 attachment bodies out of `raw`; `None` when there is nothing to cut.
pub(super) fn cut(raw: &[u8]) -> Option<Skeleton> {
    let mut lines = Lines { raw, pos: 0 };
    let mut boundaries: Vec<Vec<u8>> = Vec::new();
    // The message's own header block.
    let top = header_block(&mut lines);
    boundaries.extend(top.boundary);
    if boundaries.is_empty() {
        return None;
    }
    let mut skeleton = Skeleton::default();
    let mut copied = 0; // raw[..copied] is in the skeleton
    while let Some((_, line)) = lines.next() {
        if !is_delimiter(line, &boundaries) {
            continue;
        }
        let part = header_block(&mut lines);
        boundaries.extend(part.boundary.clone());
        if !part.base64 || !part.binary {
            continue;
        }
        let body_start = lines.pos;
        if body_start >= raw.len() {
            break;
        }
        // The body runs to the next delimiter line. Base64 has no '-', so the first line
        // starting with "--" ends it; it must be a declared boundary's delimiter.
        let Some(body_end) = memchr::memmem::find_iter(&raw[body_start..], b"\n--")
            .map(|i| body_start + i + 1)
            .find(|&at| is_delimiter(line_at(raw, at), &boundaries))
        else {
            break; // no closing delimiter: leave the rest to mail-parser
        };
        lines.pos = body_end;
        // Keep the line break before the delimiter: it belongs to the delimiter.
        let keep_from = if raw[..body_end].ends_with(b"\r\n") {
            body_end - 2
        } else {
            body_end - 1
        };
        let (chars, clean) = if keep_from > body_start {
            count_base64(&raw[body_start..keep_from])
        } else {
            (0, true)
        };
        if !clean || keep_from < body_start || keep_from - body_start < MIN_CUT {
            continue;
        }
        skeleton.bytes.extend_from_slice(&raw[copied..body_start]);
        skeleton.cuts.push(Cut {
            at: skeleton.bytes.len(),
            decoded: chars * 3 / 4,
            removed: keep_from - body_start,
        });
        copied = keep_from;
    }
    if skeleton.cuts.is_empty() {
        return None;
    }
    skeleton.bytes.extend_from_slice(&raw[copied..]);
    Some(skeleton)
}

/// The line starting at `at`, line ending included.
fn line_at(raw: &[u8], at: usize) -> &[u8] {
    let end = memchr::memchr(b'\n', &raw[at..]).map_or(raw.len(), |i| at + i + 1);
    &raw[at..end]
}

/// Base64 characters in `body`, and whether it holds nothing but those, `=` and whitespace.
/// This runs over every attachment byte of a mailbox, so it is written as comparisons the
/// compiler turns into SIMD: per chunk of 255 bytes the counts fit in a `u8`.
fn count_base64(body: &[u8]) -> (usize, bool) {
    let (mut digits, mut bad) = (0usize, 0u8);
    for chunk in body.chunks(255) {
        let mut in_chunk = 0u8;
        for &b in chunk {
            let digit = b.is_ascii_uppercase()
                | b.is_ascii_lowercase()
                | b.is_ascii_digit()
                | (b == b'+')
                | (b == b'/');
            let allowed =
                digit | (b == b'=') | (b == b' ') | (b == b'\t') | (b == b'\r') | (b == b'\n');
            in_chunk += u8::from(digit);
            bad |= u8::from(!allowed);
        }
        digits += usize::from(in_chunk);
    }
    (digits, bad == 0)
}

/// `--boundary` or `--boundary--` for a boundary declared so far.
fn is_delimiter(line: &[u8], boundaries: &[Vec<u8>]) -> bool {
    let Some(rest) = line.strip_prefix(b"--") else {
        return false;
    };
    let rest = trim_end(rest);
    boundaries.iter().any(|b| {
        rest.strip_prefix(b.as_slice())
            .is_some_and(|tail| tail.is_empty() || tail == b"--")
    })
}

/// What a header block says about its part.
#[derive(Debug, Default)]
struct PartHeaders {
    boundary: Option<Vec<u8>>,
    base64: bool,
    /// Not text, multipart or message: an attachment-like part.
    binary: bool,
}

/// Reads header lines up to and including the empty line that ends them.
fn header_block(lines: &mut Lines<'_>) -> PartHeaders {
    let mut fields: Vec<Vec<u8>> = Vec::new();
    for (_, line) in lines.by_ref() {
        let content = trim_end(line);
        if content.is_empty() {
            break;
        }
        match (line.first(), fields.last_mut()) {
            (Some(b' ' | b'\t'), Some(last)) => last.extend_from_slice(content),
            _ => fields.push(content.to_vec()),
        }
    }
    let mut out = PartHeaders::default();
    let mut content_type: Option<Vec<u8>> = None;
    for field in &fields {
        let Some(colon) = field.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = &field[..colon];
        let value = field[colon + 1..].trim_ascii();
        if name.eq_ignore_ascii_case(b"content-type") {
            content_type = Some(value.to_vec());
            out.boundary = boundary(value);
        } else if name.eq_ignore_ascii_case(b"content-transfer-encoding") {
            out.base64 = value.eq_ignore_ascii_case(b"base64");
        }
    }
    // No Content-Type means text/plain.
    out.binary = content_type.is_some_and(|ct| {
        let ct = ct.to_ascii_lowercase();
        !(ct.starts_with(b"text/") || ct.starts_with(b"multipart/") || ct.starts_with(b"message/"))
    });
    out
}

/// The `boundary` parameter of a Content-Type value, unquoted.
fn boundary(value: &[u8]) -> Option<Vec<u8>> {
    let lower = value.to_ascii_lowercase();
    let at = lower
        .windows(9)
        .position(|w| w == b"boundary=")
        .filter(|&i| i == 0 || matches!(lower[i - 1], b';' | b' ' | b'\t'))?;
    let rest = &value[at + 9..];
    let b = match rest.strip_prefix(b"\"") {
        Some(quoted) => &quoted[..quoted.iter().position(|&c| c == b'"')?],
        None => {
            let end = rest
                .iter()
                .position(|&c| c == b';' || c.is_ascii_whitespace())
                .unwrap_or(rest.len());
            &rest[..end]
        }
    };
    (!b.is_empty()).then(|| b.to_vec())
}

fn trim_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\r' | b'\n' | b' ' | b'\t') {
        end -= 1;
    }
    &line[..end]
}

/// Lines of `raw` with their offsets, line ending included.
struct Lines<'a> {
    raw: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.raw.len() {
            return None;
        }
        let start = self.pos;
        let end =
            memchr::memchr(b'\n', &self.raw[start..]).map_or(self.raw.len(), |i| start + i + 1);
        self.pos = end;
        Some((start, &self.raw[start..end]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf_mail(blob: &str) -> Vec<u8> {
        format!(
            "From: a@b.com\r\nSubject: PI\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
             --XX\r\nContent-Type: text/plain\r\n\r\nsee PI\r\n\
             --XX\r\nContent-Type: application/pdf; name=\"PI.pdf\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{blob}\r\n--XX--\r\n"
        )
        .into_bytes()
    }

    fn base64_lines(n: usize) -> String {
        // 76-character lines of a valid base64 alphabet run: 57 bytes each.
        (0..n)
            .map(|i| {
                let c = (b'A' + (i % 26) as u8) as char;
                c.to_string().repeat(76)
            })
            .collect::<Vec<_>>()
            .join("\r\n")
    }

    #[test]
    fn counts_base64_digits_and_spots_other_bytes_across_chunks() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        // 1,000 lines of 76 digits: longer than a chunk, so the per-chunk counts must add up.
        let body: Vec<u8> = (0..1000)
            .flat_map(|i| {
                let line: Vec<u8> = (0..76).map(|j| alphabet[(i * 7 + j) % 64]).collect();
                [line, b"\r\n".to_vec()].concat()
            })
            .chain(*b"==\r\n")
            .collect();
        assert_eq!(count_base64(&body), (76_000, true));
        for bad in [b'-', b'.', b'\0', 0xff, b'_'] {
            let mut spoiled = body.clone();
            spoiled[50_000] = bad;
            let (digits, clean) = count_base64(&spoiled);
            assert!(!clean, "byte {bad:#x} is not base64");
            assert_eq!(digits, 75_999);
        }
        assert_eq!(count_base64(b""), (0, true));
    }

    #[test]
    fn cuts_a_base64_attachment_and_counts_its_size() {
        let raw = pdf_mail(&base64_lines(100));
        let s = cut(&raw).expect("an attachment to cut");
        assert_eq!(s.cuts.len(), 1);
        assert_eq!(s.cuts[0].decoded, 100 * 57);
        assert_eq!(s.bytes.len(), raw.len() - s.cuts[0].removed);
        let text = String::from_utf8(s.bytes.clone()).unwrap();
        assert!(text.contains("see PI"));
        assert!(text.ends_with("Content-Transfer-Encoding: base64\r\n\r\n\r\n--XX--\r\n"));
    }

    #[test]
    fn leaves_text_small_and_undelimited_bodies_alone() {
        assert!(cut(&pdf_mail("JVBERi0xLjQK")).is_none(), "small body");
        let text =
            "From: a@b.com\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                .to_string() + &base64_lines(100);
        assert!(cut(text.as_bytes()).is_none(), "not multipart");
        let mut broken = pdf_mail(&base64_lines(100));
        broken.truncate(broken.len() - 9); // no closing delimiter
        assert!(cut(&broken).is_none());
        let dirty = pdf_mail(&(base64_lines(50) + "\r\n<html>" + &base64_lines(50)));
        assert!(cut(&dirty).is_none(), "non-base64 bytes in the body");
    }

    #[test]
    fn reads_boundaries_unquoted_and_nested() {
        assert_eq!(
            boundary(b"multipart/mixed; boundary=abc"),
            Some(b"abc".to_vec())
        );
        assert_eq!(
            boundary(b"multipart/mixed;\tBoundary=\"a b\"; x=1"),
            Some(b"a b".to_vec())
        );
        assert_eq!(boundary(b"text/plain; xboundary=abc"), None);
        let raw = format!(
            "From: a@b.com\r\nContent-Type: multipart/mixed; boundary=OUT\r\n\r\n--OUT\r\n\
             Content-Type: multipart/related;\r\n boundary=IN\r\n\r\n--IN\r\n\
             Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--IN--\r\n--OUT--\r\n",
            base64_lines(40)
        );
        let s = cut(raw.as_bytes()).expect("nested image cut");
        assert_eq!(s.cuts[0].decoded, 40 * 57);
    }
}
