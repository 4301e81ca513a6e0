//! Lookalike domains: a sender whose domain imitates a customer's (acme-co.com for
//! acme.com, acrne.com with "rn" for "m", acme.net, аcme.com with a Cyrillic "а") is the
//! classic invoice-fraud trick (fake bank details in a "customer" reply). Such mail is
//! never filed under the customer and is flagged as possible impersonation.
//!
//! Domains are compared by their registrable label ("acme" of "mail.acme.co.uk"):
//! the same label under another suffix, the same "skeleton" after folding confusable
//! characters (homoglyphs, punycode, rn→m, vv→w, 0→o, 1/I→l, hyphens dropped), the
//! customer's label with an addition (acme-co, acme-trading), or one edit off (two for
//! labels of six letters or more).

/// Second-level labels under which country TLDs register names (acme.co.uk, acme.com.cn).
const SECOND_LEVEL: &[&str] = &[
    "co", "com", "net", "org", "ac", "gov", "edu", "ltd", "or", "ne",
];

/// The registrable part of a domain: (label, suffix). "mail.acme.co.uk" → ("acme", "co.uk").
pub fn registrable(domain: &str) -> Option<(&str, &str)> {
    let labels: Vec<&str> = domain.trim_end_matches('.').split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let n = labels.len();
    let two_level = n >= 3 && labels[n - 1].len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]);
    let suffix_labels = if two_level { 2 } else { 1 };
    let label = labels[n - 1 - suffix_labels];
    let suffix_start = domain.len() - labels[n - suffix_labels..].join(".").len();
    Some((label, &domain[suffix_start..]))
}

/// A domain prepared for comparison: computed once per domain, compared many times.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The domain, lower case.
    pub domain: String,
    label: String,
    suffix: String,
    /// The label as people read it (punycode decoded).
    name: String,
    skeleton: String,
    name_len: usize,
    chars: Vec<char>,
}

impl Profile {
    /// Prepares `domain`; `None` for a bare TLD.
    pub fn of(domain: &str) -> Option<Profile> {
        let domain = domain.to_lowercase();
        let (label, suffix) = registrable(&domain)?;
        let (label, suffix) = (label.to_string(), suffix.to_string());
        let name = decode_label(&label);
        Some(Profile {
            skeleton: skeleton(&name),
            name_len: name.chars().count(),
            chars: name.chars().collect(),
            name,
            label,
            suffix,
            domain,
        })
    }
}

/// Why `sender` looks like an imitation of `customer`, or `None` when it does not
/// (including when it is the customer's domain, a subdomain or a sibling subdomain).
pub fn imitates(sender: &str, customer: &str) -> Option<String> {
    imitates_profile(&Profile::of(sender)?, &Profile::of(customer)?)
}

/// [`imitates`] on prepared domains.
pub fn imitates_profile(s: &Profile, c: &Profile) -> Option<String> {
    if s.label == c.label && s.suffix == c.suffix {
        return None;
    }
    let customer = &c.domain;
    if s.name == c.name {
        return Some(format!(
            "same name as {customer} under another top-level domain (.{})",
            s.suffix
        ));
    }
    if s.skeleton == c.skeleton {
        let how = if s.label.starts_with("xn--") || !s.name.is_ascii() {
            "look-alike characters (homoglyphs)"
        } else {
            "look-alike letters"
        };
        return Some(format!("imitates {customer} with {how}"));
    }
    if c.name_len >= 3 && s.name.split('-').count() > c.name.split('-').count() && {
        // The customer's whole name as hyphen-separated parts of the sender's label.
        let (s_parts, c_parts): (Vec<&str>, Vec<&str>) =
            (s.name.split('-').collect(), c.name.split('-').collect());
        s_parts
            .windows(c_parts.len())
            .any(|w| w == c_parts.as_slice())
    } {
        return Some(format!("{customer}'s name with an addition ({})", s.label));
    }
    let allowed = match c.name_len {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    };
    if allowed == 0 || s.name_len.abs_diff(c.name_len) > allowed {
        return None;
    }
    let distance = edit_distance_within(&s.chars, &c.chars, allowed);
    if distance > 0 && distance <= allowed {
        return Some(format!(
            "{distance} letter(s) off {customer} ({} vs {})",
            s.label, c.label
        ));
    }
    None
}

/// Folds characters that look alike into one form, drops hyphens.
fn skeleton(label: &str) -> String {
    let folded: String = label
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| match c {
            'а' | 'α' | 'ɑ' | '@' => 'a',
            'е' | 'ε' | 'ё' => 'e',
            'о' | 'ο' | 'σ' | '0' => 'o',
            'р' | 'ρ' => 'p',
            'с' | 'ϲ' => 'c',
            'х' | 'χ' => 'x',
            'у' | 'γ' => 'y',
            'і' | 'ı' | 'ι' | '1' | 'l' | '|' | 'ӏ' => 'l',
            'ѕ' | '5' => 's',
            'ј' => 'j',
            'к' | 'κ' => 'k',
            'м' => 'm',
            'н' => 'h',
            'т' | 'τ' => 't',
            'в' | 'β' => 'b',
            'ν' => 'v',
            'ԁ' => 'd',
            'ɡ' => 'g',
            'ո' => 'n',
            other => other,
        })
        .collect();
    folded
        .replace("rn", "m")
        .replace("vv", "w")
        .replace("cl", "d")
}

/// Damerau–Levenshtein (optimal string alignment) distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    edit_distance_within(&a, &b, usize::MAX - 1)
}

/// [`edit_distance`], giving up with `max + 1` as soon as the distance must exceed `max`
/// (senders are compared with every customer domain, so most comparisons end early).
fn edit_distance_within(a: &[char], b: &[char], max: usize) -> usize {
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * width] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return max + 1;
        }
    }
    d[a.len() * width + b.len()]
}

/// A domain label as people read it: punycode ("xn--...") decoded, otherwise as given.
pub fn decode_label(label: &str) -> String {
    label
        .strip_prefix("xn--")
        .and_then(punycode_decode)
        .unwrap_or_else(|| label.to_string())
}

/// RFC 3492 punycode decoding of one label's encoded part.
fn punycode_decode(input: &str) -> Option<String> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    fn adapt(mut delta: u32, points: u32, first: bool) -> u32 {
        delta /= if first { DAMP } else { 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + SKEW)
    }
    let (basic, encoded) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    let mut output: Vec<char> = basic.chars().collect();
    if !basic.is_ascii() {
        return None;
    }
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut chars = encoded.bytes().peekable();
    while chars.peek().is_some() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let byte = chars.next()?;
            let digit = match byte {
                b'a'..=b'z' => byte - b'a',
                b'A'..=b'Z' => byte - b'A',
                b'0'..=b'9' => byte - b'0' + 26,
                _ => return None,
            } as u32;
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = if k <= bias {
                TMIN
            } else if k >= bias + TMAX {
                TMAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = output.len() as u32 + 1;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        output.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(output.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("acme", "acme"), 0);
        assert_eq!(edit_distance("acme", "amce"), 1);
        assert_eq!(edit_distance("hansa", "hnasa"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let (a, b): (Vec<char>, Vec<char>) =
            ("kitten".chars().collect(), "sitting".chars().collect());
        assert_eq!(edit_distance_within(&a, &b, 1), 2);
    }

    #[test]
    fn registrable_labels() {
        assert_eq!(registrable("mail.acme.co.uk"), Some(("acme", "co.uk")));
        assert_eq!(registrable("acme.com"), Some(("acme", "com")));
        assert_eq!(registrable("eu.acme.de"), Some(("acme", "de")));
        assert_eq!(registrable("com"), None);
    }

    #[test]
    fn punycode_round_trip_examples() {
        // "аcme" with a Cyrillic а, and "bücher".
        assert_eq!(decode_label("xn--cme-5cd"), "аcme");
        assert_eq!(decode_label("xn--bcher-kva"), "bücher");
        assert_eq!(decode_label("acme"), "acme");
    }

    #[test]
    fn flags_the_classic_tricks() {
        for (sender, customer) in [
            ("acme-co.com", "acme.com"),
            ("acrne.com", "acme.com"),
            ("acme.net", "acme.com"),
            ("acme.com.cn", "acme.com"),
            ("xn--cme-5cd.com", "acme.com"),
            ("hansa-too1s.de", "hansa-tools.de"),
            ("hansatools.de", "hansa-tools.de"),
            ("hansa-tols.de", "hansa-tools.de"),
            ("hnasa-tools.de", "hansa-tools.de"),
            ("hansa-tools-gmbh.de", "hansa-tools.de"),
            ("secure-hansa-tools.com", "hansa-tools.de"),
        ] {
            assert!(
                imitates(sender, customer).is_some(),
                "{sender} vs {customer}"
            );
        }
    }

    #[test]
    fn leaves_real_and_unrelated_domains_alone() {
        for (sender, customer) in [
            ("acme.com", "acme.com"),
            ("mail.acme.com", "acme.com"),
            ("eu.acme.com", "shop.acme.com"),
            ("globex.com", "acme.com"),
            ("abc.com", "abd.com"),
            ("hansa-tools.de", "hansa-trade.de"),
        ] {
            assert_eq!(imitates(sender, customer), None, "{sender} vs {customer}");
        }
    }
}
