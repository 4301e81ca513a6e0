//! The customer record of the company rules §2 (客户分类与信息管理), and the
//! closed vocabularies it is classified by.
//!
//! Every enum here parses from its English key *and* the Chinese term the rules
//! use, because customer lists arrive from Chinese Excel as often as not.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A vocabulary value that could not be parsed; names the vocabulary and lists what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {kind}; expected one of: {expected}")]
pub struct VocabError {
    pub kind: &'static str,
    pub value: String,
    pub expected: String,
}

/// Declares one closed vocabulary: variants, their stable key (stored in SQLite and
/// used in JSON), and the extra spellings accepted on input (Chinese terms, aliases).
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $kind:literal, { $($variant:ident => $key:literal [$($alias:literal),*]),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order the rules list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable key stored in the database and printed in `--json`.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.key())
            }
        }

        impl FromStr for $name {
            type Err = VocabError;
            fn from_str(s: &str) -> Result<Self, VocabError> {
                let norm = normalise(s);
                $(
                    if norm == normalise($key) $(|| norm == normalise($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                Err(VocabError {
                    kind: $kind,
                    value: s.trim().to_string(),
                    expected: [$($key),+].join(", "),
                })
            }
        }
    };
}

/// Lower-case, and treat spaces, hyphens and dots like underscores, so
/// "Trade Show", "trade-show" and "trade_show" are one value.
fn normalise(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' | '.' | '/' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

vocabulary!(
    /// The customer's nature (§2.1: 贸易公司 / 生产型企业 / 终端客户).
    Nature, "nature", {
        Trading => "trading" ["trading company", "trader", "贸易公司", "贸易商"],
        Manufacturer => "manufacturer" ["factory", "生产型企业", "生产商", "工厂"],
        EndCustomer => "end_customer" ["end customer", "end user", "retailer", "终端客户", "终端"],
        Other => "other" ["其他"],
    }
);

vocabulary!(
    /// Scale class from yearly purchase amount or volume (§2.1: 大型 / 中型 / 小型).
    Scale, "scale", {
        Large => "large" ["大型", "大"],
        Medium => "medium" ["中型", "中"],
        Small => "small" ["小型", "小"],
    }
);

vocabulary!(
    /// Where the customer came from (§2.3 sources, §3 channels).
    SourceChannel, "source channel", {
        Alibaba => "alibaba" ["alibaba.com", "阿里巴巴", "阿里"],
        MadeInChina => "made_in_china" ["made-in-china.com", "made in china", "mic", "中国制造网"],
        GlobalSources => "global_sources" ["globalsources", "环球资源"],
        TradeShow => "trade_show" ["exhibition", "fair", "canton fair", "展会", "广交会"],
        Association => "association" ["协会"],
        PartnerReferral => "partner_referral" ["partner", "合作伙伴推荐", "合作伙伴"],
        CustomerReferral => "customer_referral" ["referral", "客户推荐", "客户介绍"],
        Website => "website" ["web", "官网", "网站"],
        Other => "other" ["其他"],
    }
);

vocabulary!(
    /// Development stage (§3: market research → screening → first contact →
    /// negotiation → letter of intent / framework agreement → contract → active).
    Stage, "stage", {
        MarketResearch => "market_research" ["research", "市场调研"],
        Screening => "screening" ["筛选"],
        FirstContact => "first_contact" ["contact", "初步接触", "初次接触"],
        Negotiation => "negotiation" ["in-depth negotiation", "深入洽谈", "洽谈"],
        Intent => "intent" ["letter of intent", "loi", "framework agreement", "意向书", "框架协议"],
        Contract => "contract" ["contract signed", "签约", "合同签订"],
        Active => "active" ["合作中", "活跃"],
    }
);

vocabulary!(
    /// Credit grade from the scorecard (§5: 优秀 / 良好 / 一般 / 较差).
    CreditRating, "credit rating", {
        Excellent => "excellent" ["a", "优秀"],
        Good => "good" ["b", "良好"],
        Average => "average" ["c", "一般"],
        Poor => "poor" ["d", "较差"],
    }
);

vocabulary!(
    /// How sensitive the customer is to price (§2.2 business records).
    PriceSensitivity, "price sensitivity", {
        Low => "low" ["低"],
        Medium => "medium" ["中"],
        High => "high" ["高"],
    }
);

/// A contact person at a customer (§2.2 basic records).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub title: Option<String>,
    /// Lower-cased addresses; the first is the primary one.
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    /// BCP 47-ish language tag ("en", "zh", "es"); used for templates later.
    pub language: Option<String>,
}

/// Everything the registry holds about one customer, as entered or imported.
///
/// `None` means "not known"; on update an import leaves `None` fields untouched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerRecord {
    /// The company's own customer code (from its ERP); the key for re-imports.
    pub code: String,
    pub name: String,
    pub legal_rep: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub website: Option<String>,
    pub business_scope: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Option<String>,
    pub nature: Option<Nature>,
    pub scale: Option<Scale>,
    pub source: Option<SourceChannel>,
    pub stage: Option<Stage>,
    /// Login of the owning salesperson.
    pub owner: Option<String>,
    pub product_categories: Vec<String>,
    pub purchase_frequency: Option<String>,
    /// T/T, L/C, D/P, D/A, O/A...
    pub payment_terms: Option<String>,
    pub price_sensitivity: Option<PriceSensitivity>,
    pub credit_rating: Option<CreditRating>,
    /// Credit limit in minor units (cents) of `currency`.
    pub credit_limit_minor: Option<i64>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    pub market_notes: Option<String>,
    pub tags: Vec<String>,
    pub do_not_contact: Option<bool>,
    /// ISO date (YYYY-MM-DD) the record was last re-verified (§2.4).
    pub last_verified: Option<String>,
    /// Mail domains, lower case, without "@".
    pub domains: Vec<String>,
    pub contacts: Vec<Contact>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_english_chinese_and_aliases() {
        assert_eq!("贸易公司".parse::<Nature>().unwrap(), Nature::Trading);
        assert_eq!(
            "End Customer".parse::<Nature>().unwrap(),
            Nature::EndCustomer
        );
        assert_eq!(
            "Made-in-China.com".parse::<SourceChannel>().unwrap(),
            SourceChannel::MadeInChina
        );
        assert_eq!("深入洽谈".parse::<Stage>().unwrap(), Stage::Negotiation);
        assert_eq!(
            " 良好 ".parse::<CreditRating>().unwrap(),
            CreditRating::Good
        );
    }

    #[test]
    fn rejects_unknown_values_with_the_vocabulary() {
        let err = "huge".parse::<Scale>().unwrap_err();
        assert_eq!(err.kind, "scale");
        assert!(err.to_string().contains("large, medium, small"), "{err}");
    }

    #[test]
    fn key_round_trips() {
        for s in Stage::ALL {
            assert_eq!(s.key().parse::<Stage>().unwrap(), *s);
        }
    }
}
