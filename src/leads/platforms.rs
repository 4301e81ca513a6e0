//! Inquiry notifications from B2B platforms (§3 channels: Alibaba.com, Made-in-China.com,
//! Global Sources). The platform sends them from its own address, so the sender says
//! nothing about the buyer; the buyer's name, company, country and email are in the body
//! as "Label: value" lines, in English or Chinese, which this module reads.

use serde::Serialize;

use crate::customers::model::SourceChannel;
use crate::region;

/// A B2B platform whose inquiry notifications are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Alibaba,
    MadeInChina,
    GlobalSources,
}

impl Platform {
    /// The customer source channel (§2.3) a lead from this platform gets on promotion.
    pub fn source(self) -> SourceChannel {
        match self {
            Platform::Alibaba => SourceChannel::Alibaba,
            Platform::MadeInChina => SourceChannel::MadeInChina,
            Platform::GlobalSources => SourceChannel::GlobalSources,
        }
    }

    /// The platform's name as people write it.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Alibaba => "Alibaba.com",
            Platform::MadeInChina => "Made-in-China.com",
            Platform::GlobalSources => "Global Sources",
        }
    }
}

/// The sending domains of each platform (subdomains included).
const DOMAINS: &[(&str, Platform)] = &[
    ("alibaba.com", Platform::Alibaba),
    ("alibaba-inc.com", Platform::Alibaba),
    ("made-in-china.com", Platform::MadeInChina),
    ("globalsources.com", Platform::GlobalSources),
];

/// The buyer of one platform inquiry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Buyer {
    pub name: Option<String>,
    pub company: Option<String>,
    /// The country as written in the notification.
    pub country_text: Option<String>,
    /// ISO alpha-2, when the written country is recognised.
    pub country: Option<String>,
    /// Lower case.
    pub email: Option<String>,
}

/// A recognised inquiry notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inquiry {
    pub platform: Platform,
    pub buyer: Buyer,
}

/// The platform a sender address belongs to, if any.
pub fn platform_of(address: &str) -> Option<Platform> {
    let domain = address.rsplit_once('@').map_or(address, |(_, d)| d);
    let domain = domain.to_ascii_lowercase();
    DOMAINS
        .iter()
        .find_map(|(d, p)| (domain == *d || domain.ends_with(&format!(".{d}"))).then_some(*p))
}

#[derive(Clone, Copy)]
enum Field {
    Name,
    Company,
    Country,
    Email,
}

/// Labels (normalised: lower case, no "*", single spaces) and the field each gives.
const LABELS: &[(&str, Field)] = &[
    ("name", Field::Name),
    ("buyer", Field::Name),
    ("buyer name", Field::Name),
    ("buyer's name", Field::Name),
    ("contact", Field::Name),
    ("contact name", Field::Name),
    ("contact person", Field::Name),
    ("from", Field::Name),
    ("买家", Field::Name),
    ("买家姓名", Field::Name),
    ("联系人", Field::Name),
    ("姓名", Field::Name),
    ("company", Field::Company),
    ("company name", Field::Company),
    ("buyer company", Field::Company),
    ("buyer's company", Field::Company),
    ("公司", Field::Company),
    ("公司名称", Field::Company),
    ("买家公司", Field::Company),
    ("country", Field::Country),
    ("country/region", Field::Country),
    ("country / region", Field::Country),
    ("location", Field::Country),
    ("region", Field::Country),
    ("buyer's country", Field::Country),
    ("国家", Field::Country),
    ("国家/地区", Field::Country),
    ("所在地", Field::Country),
    ("email", Field::Email),
    ("e-mail", Field::Email),
    ("email address", Field::Email),
    ("e-mail address", Field::Email),
    ("buyer email", Field::Email),
    ("buyer's email", Field::Email),
    ("邮箱", Field::Email),
    ("电子邮箱", Field::Email),
    ("邮件地址", Field::Email),
];

/// Reads the buyer out of a platform notification; `None` when the sender is not a
/// platform or the body names no buyer at all.
pub fn parse_inquiry(from: &str, body: &str) -> Option<Inquiry> {
    let platform = platform_of(from)?;
    let mut buyer = Buyer::default();
    for line in body.lines() {
        let line = line.trim().trim_start_matches(['-', '•', '*', '>']).trim();
        let Some((label, value)) = split_label(line) else {
            continue;
        };
        let value = value.trim().trim_matches('*').trim();
        if value.is_empty() {
            continue;
        }
        let label = normalise_label(label);
        let Some((_, field)) = LABELS.iter().find(|(l, _)| *l == label) else {
            continue;
        };
        let slot = match field {
            Field::Name => &mut buyer.name,
            Field::Company => &mut buyer.company,
            Field::Country => &mut buyer.country_text,
            Field::Email => {
                if buyer.email.is_none() {
                    buyer.email = first_address(value).filter(|a| platform_of(a).is_none());
                }
                continue;
            }
        };
        if slot.is_none() {
            *slot = Some(value.to_string());
        }
    }
    buyer.country = buyer
        .country_text
        .as_deref()
        .and_then(region::parse_country)
        .map(|c| c.alpha2.to_string());
    if buyer.email.is_none() && buyer.name.is_none() && buyer.company.is_none() {
        return None;
    }
    Some(Inquiry { platform, buyer })
}

fn split_label(line: &str) -> Option<(&str, &str)> {
    let i = line.find([':', '：'])?;
    let sep_len = line[i..].chars().next()?.len_utf8();
    let label = &line[..i];
    // A label is short; "Message: please quote ..." style prose lines are not labels we read.
    (label.chars().count() <= 24).then(|| (label, &line[i + sep_len..]))
}

fn normalise_label(label: &str) -> String {
    label
        .replace('*', "")
        .replace('’', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The first thing shaped like an email address in `text`, lower case.
pub fn first_address(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || "<>()[],;\"'：:".contains(c))
        .map(|w| w.trim_matches('.'))
        .find(|w| {
            w.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.contains('@')
            })
        })
        .map(|w| w.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_by_sender_domain() {
        assert_eq!(
            platform_of("notice@service.alibaba.com"),
            Some(Platform::Alibaba)
        );
        assert_eq!(
            platform_of("inquiry@made-in-china.com"),
            Some(Platform::MadeInChina)
        );
        assert_eq!(platform_of("a@notalibaba.com"), None);
    }

    #[test]
    fn reads_chinese_labels() {
        let body = "买家姓名：Jonas Weber\n公司名称：Hansa Tools GmbH\n国家/地区：德国\n邮箱：Jonas@Hansa-Tools.de\n";
        let inq = parse_inquiry("x@alibaba.com", body).unwrap();
        assert_eq!(inq.buyer.name.as_deref(), Some("Jonas Weber"));
        assert_eq!(inq.buyer.country.as_deref(), Some("DE"));
        assert_eq!(inq.buyer.email.as_deref(), Some("jonas@hansa-tools.de"));
    }

    #[test]
    fn first_address_in_prose() {
        assert_eq!(
            first_address("write to <A.B@x.de>."),
            Some("a.b@x.de".into())
        );
        assert_eq!(first_address("no address here"), None);
    }
}
