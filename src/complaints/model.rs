//! The detection model: weighted phrases, negation words and thresholds (§6 intake).
//!
//! The default model is config/complaints.toml, embedded in the binary; a company adds
//! phrase groups (from a file or inline in `[tickets]`) and may change the threshold.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// The phrase file shipped with tradewind.
pub const DEFAULT_MODEL: &str = include_str!("../../config/complaints.toml");

/// What a complaint is about (§6: the categories the procedure and the analysis use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Quality,
    TransitDamage,
    ShortWrongShipment,
    LateDelivery,
    Documents,
    PaymentDispute,
    Service,
    /// A complaint signal with no category of its own ("very disappointed", "投诉").
    General,
}

impl Category {
    /// Every real category, in tie-break order (General is not one).
    pub const ALL: [Category; 7] = [
        Category::Quality,
        Category::TransitDamage,
        Category::ShortWrongShipment,
        Category::LateDelivery,
        Category::Documents,
        Category::PaymentDispute,
        Category::Service,
    ];

    /// The key stored in the database and used in config and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Category::Quality => "quality",
            Category::TransitDamage => "transit_damage",
            Category::ShortWrongShipment => "short_wrong_shipment",
            Category::LateDelivery => "late_delivery",
            Category::Documents => "documents",
            Category::PaymentDispute => "payment_dispute",
            Category::Service => "service",
            Category::General => "general",
        }
    }

    /// Parses a key as [`Category::key`] writes it.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .chain([Category::General])
            .find(|c| c.key() == s)
    }
}

/// How urgent a complaint is; decides its SLA (§6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Normal,
    High,
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Normal,
        Severity::High,
        Severity::Critical,
    ];

    /// The key stored in the database and used in config and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Normal => "normal",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a key as [`Severity::key`] writes it.
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.key() == s)
    }
}

/// One group of terms with the same language, category and weight.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseGroup {
    /// Informative: the language the terms are in (every term is tried on every message).
    #[serde(default)]
    pub lang: String,
    pub category: Category,
    pub weight: f64,
    pub terms: Vec<String>,
}

/// Severity cues: any of `terms` raises a complaint to `level`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityGroup {
    pub level: Severity,
    pub terms: Vec<String>,
}

/// Words that cancel a term before it in the same sentence.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Negation {
    #[serde(default)]
    pub before: Vec<String>,
    #[serde(default)]
    pub before_zh: Vec<String>,
    #[serde(default)]
    pub conditional: Vec<String>,
    #[serde(default)]
    pub conditional_zh: Vec<String>,
    /// Anywhere in the sentence, these cancel every term of it (prevention, policy, another
    /// supplier's problem).
    #[serde(default)]
    pub sentence: Vec<String>,
    #[serde(default = "default_window_words")]
    pub window_words: usize,
    #[serde(default = "default_window_chars")]
    pub window_chars: usize,
}

fn default_window_words() -> usize {
    4
}

fn default_window_chars() -> usize {
    4
}

/// A whole phrase file (config/complaints.toml and its extensions).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    #[serde(default)]
    pub negation: Negation,
    #[serde(default)]
    pub phrases: Vec<PhraseGroup>,
    #[serde(default)]
    pub severity: Vec<SeverityGroup>,
}

fn default_threshold() -> f64 {
    3.0
}

/// A phrase file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read complaint phrase file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("complaint phrase file {path}: {message}")]
    Parse { path: String, message: String },
}

impl Model {
    /// The model shipped with tradewind.
    pub fn builtin() -> Model {
        Model::parse(DEFAULT_MODEL, "config/complaints.toml (built in)")
            .expect("the built-in complaint model parses")
    }

    /// Parses a phrase file's text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Model, ModelError> {
        toml::from_str(text).map_err(|e| ModelError::Parse {
            path: origin.to_string(),
            message: e.to_string(),
        })
    }

    /// Reads a phrase file from disk.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Model::parse(&text, &path.display().to_string())
    }

    /// Adds another model's groups and negation words to this one (its threshold is ignored).
    pub fn extend(&mut self, other: Model) {
        self.phrases.extend(other.phrases);
        self.severity.extend(other.severity);
        let n = other.negation;
        self.negation.before.extend(n.before);
        self.negation.before_zh.extend(n.before_zh);
        self.negation.conditional.extend(n.conditional);
        self.negation.conditional_zh.extend(n.conditional_zh);
        self.negation.sentence.extend(n.sentence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_covers_every_category_in_english_and_chinese() {
        let m = Model::builtin();
        for lang in ["en", "zh", "es", "pt", "ru", "fr", "de", "ar"] {
            for c in Category::ALL {
                assert!(
                    m.phrases
                        .iter()
                        .any(|g| g.lang == lang && g.category == c && !g.terms.is_empty()),
                    "no {lang} terms for {}",
                    c.key()
                );
            }
        }
    }

    #[test]
    fn a_bad_file_names_itself() {
        let e = Model::parse("threshold = \"x\"", "extra.toml").unwrap_err();
        assert!(e.to_string().contains("extra.toml"), "{e}");
    }
}
