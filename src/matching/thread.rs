//! Thread links for rule 2 of matching: a reply inherits its thread's customers.
//!
//! The strong link is In-Reply-To / References (Message-IDs stored without `<>`, space
//! separated); the weak one is the normalised subject — reply and forward prefixes in
//! English, German and Chinese clients (Re:, AW:, WG:, Fwd:, 回复：, 答复:, 转发:) stripped,
//! whitespace collapsed, case folded — within a configurable number of days.

/// Prefixes mail clients put before a subject when replying or forwarding, lower case.
const PREFIXES: &[&str] = &[
    "re", "aw", "wg", "fw", "fwd", "sv", "vs", "antw", "r", "回复", "答复", "转发", "回覆", "轉寄",
];

/// The subject with every reply/forward prefix removed, whitespace collapsed, lower case.
/// "RE: AW: 回复：Quotation  XR-200B" → "quotation xr-200b".
pub fn normalise_subject(subject: &str) -> String {
    strip_prefixes(subject).1
}

/// Whether the subject carried a reply or forward prefix (a sign the mail belongs to a thread).
pub fn has_reply_prefix(subject: &str) -> bool {
    strip_prefixes(subject).0
}

fn strip_prefixes(subject: &str) -> (bool, String) {
    let mut rest = subject.trim();
    let mut stripped = false;
    'outer: loop {
        // "[External] Re: x" and "Re[2]: x" are common too.
        for p in PREFIXES {
            let Some(head) = rest.get(..p.len()) else {
                continue;
            };
            if !head.eq_ignore_ascii_case(p) {
                continue;
            }
            let mut after = &rest[p.len()..];
            if after.starts_with('[') {
                if let Some(end) = after.find(']') {
                    if after[1..end].chars().all(|c| c.is_ascii_digit()) {
                        after = &after[end + 1..];
                    }
                }
            }
            let after = after.trim_start();
            if let Some(tail) = after.strip_prefix(':').or_else(|| after.strip_prefix('：')) {
                rest = tail.trim_start();
                stripped = true;
                continue 'outer;
            }
        }
        break;
    }
    let collapsed = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    (stripped, collapsed.to_lowercase())
}

/// The Message-IDs a message refers to, nearest first: In-Reply-To, then References
/// from the last (the parent) back to the first (the thread's root).
pub fn referenced_ids(in_reply_to: &str, refs: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in in_reply_to
        .split_whitespace()
        .chain(refs.split_whitespace().rev())
    {
        let id = id.trim_matches(|c| c == '<' || c == '>');
        if !id.is_empty() && !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_prefixes_in_several_languages() {
        for s in [
            "Re: Quotation XR-200B",
            "RE: AW: quotation  xr-200b",
            "回复：Quotation XR-200B",
            "答复: 转发: Quotation XR-200B",
            "Fwd: WG: Re[2]: Quotation XR-200B ",
        ] {
            assert_eq!(normalise_subject(s), "quotation xr-200b", "{s}");
            assert!(has_reply_prefix(s), "{s}");
        }
        assert_eq!(normalise_subject("Return policy"), "return policy");
        assert!(!has_reply_prefix("Return policy"));
        assert_eq!(normalise_subject("Re:"), "");
    }

    #[test]
    fn references_nearest_first() {
        assert_eq!(referenced_ids("c@x", "a@x b@x c@x"), ["c@x", "b@x", "a@x"]);
        assert!(referenced_ids("", "").is_empty());
    }
}
