//! The duplicate check (查重, §2 "one system for all records"): before a customer is added,
//! imported or promoted from a lead, find the same company already on file under another
//! record — and whose it is — so two salespeople do not chase one buyer.
//!
//! Keys, each compared after normalising:
//! - name: case, punctuation and legal forms in the main languages stripped (Co., Ltd.,
//!   Inc., LLC, GmbH & Co. KG, S.A., S.L., S.r.l., B.V., Sp. z o.o., OOO, 有限公司,
//!   股份有限公司...), and trade words at the end (Trading, Import & Export, 贸易, 进出口);
//! - mail domain: the customer's domains and its contacts' domains — for free-mail the
//!   full address, since a gmail.com domain says nothing;
//! - phone in E.164 form (+4940123456), national numbers completed with the calling code
//!   of the customer's country;
//! - website host (scheme, "www." and path dropped).
//!
//! Each key's mode (warn / block / ignore) comes from `[matching.duplicates]`.

use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

use crate::config::{DuplicateMode, DuplicateModes};
use crate::customers::model::CustomerRecord;
use crate::matching::Matcher;

/// A duplicate-check key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Key {
    Name,
    Domain,
    Phone,
    Website,
}

impl Key {
    /// The key's name, as in the config and the import columns.
    pub fn name(self) -> &'static str {
        match self {
            Key::Name => "name",
            Key::Domain => "domain",
            Key::Phone => "phone",
            Key::Website => "website",
        }
    }

    fn mode(self, modes: &DuplicateModes) -> DuplicateMode {
        match self {
            Key::Name => modes.name,
            Key::Domain => modes.domain,
            Key::Phone => modes.phone,
            Key::Website => modes.website,
        }
    }
}

/// An existing record the new one collides with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collision {
    pub key: Key,
    /// The normalised value both share.
    pub value: String,
    pub existing_code: String,
    pub existing_name: String,
    /// The existing record's owner (login), if any.
    pub owner: Option<String>,
    /// What the config says to do about it.
    pub mode: DuplicateMode,
}

impl fmt::Display for Collision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "same {} ({}) as customer {} \"{}\", owned by {}",
            self.key.name(),
            self.value,
            self.existing_code,
            self.existing_name,
            self.owner.as_deref().unwrap_or("nobody")
        )
    }
}

#[derive(Debug, Clone)]
struct Existing {
    code: String,
    name: String,
    owner: Option<String>,
}

/// Every existing customer's keys, loaded once for a batch of checks.
#[derive(Debug, Default)]
pub struct DedupeIndex {
    entries: HashMap<(Key, String), Vec<Existing>>,
}

impl DedupeIndex {
    /// Loads the keys of every customer in the registry.
    pub fn load(conn: &Connection, matcher: &Matcher) -> rusqlite::Result<DedupeIndex> {
        let mut index = DedupeIndex::default();
        let customers: Vec<(i64, CustomerRecord)> = conn
            .prepare("SELECT id, code, name, owner, phone, website, country FROM customers")?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    CustomerRecord {
                        code: r.get(1)?,
                        name: r.get(2)?,
                        owner: r.get(3)?,
                        phone: r.get(4)?,
                        website: r.get(5)?,
                        country: r.get(6)?,
                        ..Default::default()
                    },
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut by_id: HashMap<i64, CustomerRecord> = customers.into_iter().collect();
        let mut domains = conn.prepare("SELECT customer_id, domain FROM customer_domains")?;
        for row in domains.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, domain) = row?;
            if let Some(rec) = by_id.get_mut(&id) {
                rec.domains.push(domain);
            }
        }
        let mut contacts = conn.prepare(
            "SELECT c.customer_id, c.phones, a.address FROM contacts c
             LEFT JOIN contact_addresses a ON a.contact_id = c.id",
        )?;
        for row in contacts.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })? {
            let (id, phones, address) = row?;
            if let Some(rec) = by_id.get_mut(&id) {
                rec.contacts.push(crate::customers::model::Contact {
                    emails: address.into_iter().collect(),
                    phones: phones
                        .map(|p| p.split("; ").map(String::from).collect())
                        .unwrap_or_default(),
                    ..Default::default()
                });
            }
        }
        for rec in by_id.values() {
            index.insert(rec, matcher);
        }
        Ok(index)
    }

    /// Adds a record's keys (a customer just created in the same batch).
    pub fn insert(&mut self, rec: &CustomerRecord, matcher: &Matcher) {
        let existing = Existing {
            code: rec.code.clone(),
            name: rec.name.clone(),
            owner: rec.owner.clone(),
        };
        for key in keys(rec, matcher) {
            let list = self.entries.entry(key).or_default();
            if !list.iter().any(|e| e.code == existing.code) {
                list.push(existing.clone());
            }
        }
    }

    /// The records `rec` collides with on keys whose mode is not `ignore`; a record
    /// never collides with itself (same code).
    pub fn check(
        &self,
        rec: &CustomerRecord,
        matcher: &Matcher,
        modes: &DuplicateModes,
    ) -> Vec<Collision> {
        let mut out: Vec<Collision> = Vec::new();
        for (key, value) in keys(rec, matcher) {
            let mode = key.mode(modes);
            if mode == DuplicateMode::Ignore {
                continue;
            }
            for e in self
                .entries
                .get(&(key, value.clone()))
                .into_iter()
                .flatten()
            {
                if e.code == rec.code.trim()
                    || out
                        .iter()
                        .any(|c| c.key == key && c.existing_code == e.code)
                {
                    continue;
                }
                out.push(Collision {
                    key,
                    value: value.clone(),
                    existing_code: e.code.clone(),
                    existing_name: e.name.clone(),
                    owner: e.owner.clone(),
                    mode,
                });
            }
        }
        out.sort_by(|a, b| (a.key, &a.existing_code).cmp(&(b.key, &b.existing_code)));
        out
    }
}

/// Whether any collision is in `block` mode.
pub fn blocks(collisions: &[Collision]) -> bool {
    collisions.iter().any(|c| c.mode == DuplicateMode::Block)
}

/// The normalised keys of a record.
pub fn keys(rec: &CustomerRecord, matcher: &Matcher) -> Vec<(Key, String)> {
    let mut out: Vec<(Key, String)> = Vec::new();
    let mut push = |k: Key, v: String| {
        if !out.iter().any(|(ok, ov)| *ok == k && *ov == v) {
            out.push((k, v));
        }
    };
    if let Some(n) = normalise_name(&rec.name) {
        push(Key::Name, n);
    }
    for d in &rec.domains {
        let d = d.trim().trim_start_matches('@').to_lowercase();
        if !d.is_empty() && !matcher.is_free_mail(&d) {
            push(Key::Domain, d);
        }
    }
    for contact in &rec.contacts {
        for email in &contact.emails {
            let email = email.trim().to_lowercase();
            if let Some((_, d)) = email.rsplit_once('@') {
                if matcher.is_company_domain(d) {
                    continue;
                }
                if matcher.is_free_mail(d) {
                    push(Key::Domain, email.clone());
                } else {
                    push(Key::Domain, d.to_string());
                }
            }
        }
    }
    let country = rec.country.as_deref();
    let phones = rec
        .phone
        .iter()
        .flat_map(|p| p.split([';', ',', '/']))
        .map(str::to_string)
        .chain(rec.contacts.iter().flat_map(|c| c.phones.clone()));
    for p in phones {
        if let Some(e164) = normalise_phone(&p, country) {
            push(Key::Phone, e164);
        }
    }
    if let Some(host) = rec.website.as_deref().and_then(website_host) {
        push(Key::Website, host);
    }
    out
}

/// Legal forms, stripped wherever they stand (after punctuation became spaces and runs of
/// single letters were joined: "S. A." → "sa", "Sp. z o.o." → "sp zoo").
const LEGAL_FORMS: &[&str] = &[
    "co",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "llc",
    "llp",
    "lp",
    "corp",
    "corporation",
    "company",
    "plc",
    "pte",
    "pty",
    "gmbh",
    "mbh",
    "kg",
    "ag",
    "ug",
    "ohg",
    "ev",
    "sa",
    "sas",
    "sarl",
    "sl",
    "slu",
    "srl",
    "spa",
    "sp",
    "zoo",
    "bv",
    "nv",
    "vof",
    "oy",
    "oyj",
    "ab",
    "as",
    "aps",
    "asa",
    "ooo",
    "oao",
    "zao",
    "pao",
    "ооо",
    "оао",
    "зао",
    "пао",
    "ип",
    "lda",
    "ltda",
    "sac",
    "cv",
    "de",
    "kk",
    "kft",
    "sro",
    "doo",
    "jsc",
    "pjsc",
    "bhd",
    "sdn",
    "tbk",
    "pt",
    "fze",
    "fzco",
    "fzc",
    "fzllc",
    "est",
    "wll",
];

/// Words that describe the trade rather than name the company, stripped at the end.
const TRADE_WORDS: &[&str] = &[
    "trading",
    "trade",
    "traders",
    "import",
    "export",
    "imports",
    "exports",
    "impex",
    "imp",
    "exp",
    "international",
    "intl",
    "group",
    "holding",
    "holdings",
    "industrial",
    "industries",
    "industry",
    "enterprise",
    "enterprises",
    "and",
    "the",
];

/// Chinese legal forms and trade words, stripped from the end repeatedly.
const ZH_SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "分公司",
    "总公司",
    "公司",
    "集团",
    "进出口",
    "贸易",
    "商贸",
    "工贸",
    "外贸",
    "国际",
    "实业",
    "科技",
    "控股",
    "株式会社",
];

/// A company name reduced to what identifies it: "Hansa-Tools GmbH & Co. KG" → "hansatools",
/// "宁波海风贸易有限公司" → "宁波海风". `None` when nothing is left.
pub fn normalise_name(name: &str) -> Option<String> {
    let lower: String = name
        .chars()
        .map(|c| match c {
            // Full-width ASCII (Ｈａｎｓａ, （）) → ASCII.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    // Punctuation becomes a space.
    let spaced: String = lower
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    // Join runs of single letters: "s a" → "sa", "z o o" → "zoo".
    let mut tokens: Vec<String> = Vec::new();
    let mut run = String::new();
    for t in spaced.split_whitespace() {
        if t.chars().count() == 1 && t.is_ascii() {
            run.push_str(t);
        } else {
            if !run.is_empty() {
                tokens.push(std::mem::take(&mut run));
            }
            tokens.push(t.to_string());
        }
    }
    if !run.is_empty() {
        tokens.push(run);
    }
    // Chinese suffixes inside a token ("海风贸易有限公司").
    for t in tokens.iter_mut() {
        *t = strip_zh(t);
    }
    tokens.retain(|t| !t.is_empty() && !LEGAL_FORMS.contains(&t.as_str()));
    while tokens.len() > 1
        && tokens
            .last()
            .is_some_and(|t| TRADE_WORDS.contains(&t.as_str()) || ZH_SUFFIXES.contains(&t.as_str()))
    {
        tokens.pop();
    }
    while tokens.len() > 1 && tokens[0] == "the" {
        tokens.remove(0);
    }
    let joined: String = tokens.concat();
    (!joined.is_empty()).then_some(joined)
}

fn strip_zh(token: &str) -> String {
    let mut t = token.to_string();
    loop {
        let before = t.len();
        for s in ZH_SUFFIXES {
            if let Some(rest) = t.strip_suffix(s) {
                if !rest.is_empty() {
                    t = rest.to_string();
                }
            }
        }
        if t.len() == before {
            return t;
        }
    }
}

/// International calling codes for the countries the company's customers are in.
const CALLING_CODES: &[(&str, &str)] = &[
    ("AE", "971"),
    ("AR", "54"),
    ("AT", "43"),
    ("AU", "61"),
    ("BD", "880"),
    ("BE", "32"),
    ("BR", "55"),
    ("CA", "1"),
    ("CH", "41"),
    ("CL", "56"),
    ("CN", "86"),
    ("CO", "57"),
    ("CZ", "420"),
    ("DE", "49"),
    ("DK", "45"),
    ("EG", "20"),
    ("ES", "34"),
    ("FI", "358"),
    ("FR", "33"),
    ("GB", "44"),
    ("GR", "30"),
    ("HK", "852"),
    ("HU", "36"),
    ("ID", "62"),
    ("IE", "353"),
    ("IL", "972"),
    ("IN", "91"),
    ("IR", "98"),
    ("IT", "39"),
    ("JP", "81"),
    ("KE", "254"),
    ("KR", "82"),
    ("KZ", "7"),
    ("MA", "212"),
    ("MX", "52"),
    ("MY", "60"),
    ("NG", "234"),
    ("NL", "31"),
    ("NO", "47"),
    ("NZ", "64"),
    ("PE", "51"),
    ("PH", "63"),
    ("PK", "92"),
    ("PL", "48"),
    ("PT", "351"),
    ("QA", "974"),
    ("RO", "40"),
    ("RU", "7"),
    ("SA", "966"),
    ("SE", "46"),
    ("SG", "65"),
    ("TH", "66"),
    ("TR", "90"),
    ("TW", "886"),
    ("UA", "380"),
    ("US", "1"),
    ("VN", "84"),
    ("ZA", "27"),
];

/// The calling code of an ISO alpha-2 country, if in the table.
pub fn calling_code(country: &str) -> Option<&'static str> {
    let c = country.trim().to_ascii_uppercase();
    CALLING_CODES
        .iter()
        .find(|(a, _)| *a == c)
        .map(|(_, code)| *code)
}

/// A phone number in E.164 form: "+49 (0)40 123-456" → "+4940123456"; "040 123456" with
/// country DE → "+4940123456"; "0086 574 8888 1234" → "+8657488881234". `None` when the
/// number is too short or national with no known country.
pub fn normalise_phone(phone: &str, country: Option<&str>) -> Option<String> {
    let phone = phone.trim();
    // "(0)" is the trunk prefix written beside an international number.
    let phone = phone.replace("(0)", "");
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let international = phone.trim_start().starts_with('+');
    let e164 = if international {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else {
        let code = calling_code(country?)?;
        // Italy keeps its leading 0; elsewhere it is the trunk prefix.
        let national = if code == "39" {
            digits.as_str()
        } else {
            digits.trim_start_matches('0')
        };
        format!("{code}{national}")
    };
    (e164.len() >= 8 && e164.len() <= 15).then(|| format!("+{e164}"))
}

/// A website's host: "https://www.Hansa-Tools.de/en/" → "hansa-tools.de".
pub fn website_host(url: &str) -> Option<String> {
    let u = url.trim().to_lowercase();
    let u = u.split_once("://").map_or(u.as_str(), |(_, rest)| rest);
    let host = u.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host).trim_matches('.');
    (host.contains('.') && !host.contains(' ')).then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_legal_forms() {
        let same = [
            ("Hansa Tools GmbH", "HANSA-TOOLS GmbH & Co. KG"),
            ("Acme Imports Ltd.", "ACME IMPORTS LIMITED"),
            ("Iberia Hogar S.L.", "Iberia Hogar, SL"),
            ("Casa Bella S.r.l.", "casa bella srl"),
            ("Van Dijk B.V.", "Van Dijk BV"),
            ("Polbud Sp. z o.o.", "POLBUD"),
            ("ООО Ромашка", "Ромашка"),
            ("宁波海风贸易有限公司", "宁波海风股份有限公司"),
            ("Gulf Star Trading LLC", "Gulf Star"),
        ];
        for (a, b) in same {
            assert_eq!(normalise_name(a), normalise_name(b), "{a} vs {b}");
        }
        assert_ne!(normalise_name("Acme Inc."), normalise_name("Acne Inc."));
        assert_eq!(normalise_name("Ltd."), None);
    }

    #[test]
    fn phones_in_e164() {
        assert_eq!(
            normalise_phone("+49 (0)40 123-456", None).as_deref(),
            Some("+4940123456")
        );
        assert_eq!(
            normalise_phone("040 123456", Some("DE")).as_deref(),
            Some("+4940123456")
        );
        assert_eq!(
            normalise_phone("0086 574 8888 1234", None).as_deref(),
            Some("+8657488881234")
        );
        assert_eq!(normalise_phone("040 123456", None), None);
        assert_eq!(
            normalise_phone("06 1234 5678", Some("IT")).as_deref(),
            Some("+390612345678")
        );
    }

    #[test]
    fn website_hosts() {
        assert_eq!(
            website_host("https://www.Hansa-Tools.de/en/").as_deref(),
            Some("hansa-tools.de")
        );
        assert_eq!(
            website_host("hansa-tools.de").as_deref(),
            Some("hansa-tools.de")
        );
        assert_eq!(website_host("n/a"), None);
    }
}
