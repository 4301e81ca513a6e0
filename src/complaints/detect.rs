//! Scoring one message for being a complaint (§6 intake): transparent weighted phrases,
//! negation and conditionals, a category, a severity, and the phrases that decided it.

use serde::Serialize;
use std::collections::BTreeMap;

use super::model::{Category, Model, Severity};
use super::strip::own_text;

/// A phrase that contributed to a verdict, kept with the ticket so a person sees why.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Trigger {
    /// The phrase as it is in the model (lower case).
    pub phrase: String,
    pub category: Category,
    pub weight: f64,
}

/// The verdict on one message.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub is_complaint: bool,
    pub score: f64,
    /// The category with the highest score (only when `is_complaint`).
    pub category: Option<Category>,
    pub severity: Severity,
    /// Guessed from the script and common words: en, zh, es, pt, ru, fr, de, ar.
    pub language: &'static str,
    pub triggers: Vec<Trigger>,
    /// Severity cues found ("compensation", "起诉"...).
    pub severity_cues: Vec<String>,
}

struct Term {
    text: String,
    cjk: bool,
    prefix: bool,
}

impl Term {
    fn new(raw: &str) -> Term {
        let lower = raw.trim().to_lowercase();
        let prefix = lower.ends_with('*');
        let text = lower.trim_end_matches('*').to_string();
        Term {
            cjk: text.chars().any(is_cjk),
            text,
            prefix,
        }
    }
}

/// A model compiled for scoring. Build once, score many messages.
pub struct Detector {
    threshold: f64,
    phrases: Vec<(Term, Category, f64)>,
    severity: Vec<(Term, Severity)>,
    negators: Vec<Vec<String>>,
    negators_zh: Vec<String>,
    conditionals: Vec<Vec<String>>,
    conditionals_zh: Vec<String>,
    sentence_markers: Vec<Term>,
    window_words: usize,
    window_chars: usize,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(|w| w.replace('’', "'"))
        .collect()
}

impl Detector {
    /// Compiles `model`.
    pub fn new(model: &Model) -> Detector {
        let n = &model.negation;
        let split = |v: &[String]| v.iter().map(|s| words(&s.to_lowercase())).collect();
        Detector {
            threshold: model.threshold,
            phrases: model
                .phrases
                .iter()
                .flat_map(|g| g.terms.iter().map(|t| (Term::new(t), g.category, g.weight)))
                .filter(|(t, _, _)| !t.text.is_empty())
                .collect(),
            severity: model
                .severity
                .iter()
                .flat_map(|g| g.terms.iter().map(|t| (Term::new(t), g.level)))
                .filter(|(t, _)| !t.text.is_empty())
                .collect(),
            negators: split(&n.before),
            negators_zh: n.before_zh.clone(),
            conditionals: split(&n.conditional),
            conditionals_zh: n.conditional_zh.clone(),
            sentence_markers: n.sentence.iter().map(|t| Term::new(t)).collect(),
            window_words: n.window_words,
            window_chars: n.window_chars,
        }
    }

    /// The built-in model, compiled.
    pub fn builtin() -> Detector {
        Detector::new(&Model::builtin())
    }

    /// Scores a message: its subject (unless it is a reply, whose subject is the thread's)
    /// and the text its sender wrote (quotes, signature and disclaimer cut off).
    pub fn score(&self, subject: &str, body: &str) -> Verdict {
        let own = own_text(body);
        let mut text = String::new();
        if !crate::matching::thread::has_reply_prefix(subject) {
            text.push_str(subject);
            text.push('\n');
        }
        text.push_str(&own);
        self.score_text(&text)
    }

    /// Scores plain text as it is (no quote stripping).
    pub fn score_text(&self, text: &str) -> Verdict {
        let lower = text.to_lowercase();
        let sentences = split_sentences(&lower);
        let mut triggers: Vec<Trigger> = Vec::new();
        let mut by_category: BTreeMap<Category, f64> = BTreeMap::new();
        for (term, category, weight) in &self.phrases {
            // Most terms are absent: one scan of the whole text rules them out cheaply.
            if !lower.contains(term.text.as_str()) || triggers.iter().any(|t| t.phrase == term.text)
            {
                continue;
            }
            let mut best: Option<f64> = None;
            for (sentence, question) in &sentences {
                if self.occurs(term, sentence) {
                    let w = if *question { weight / 2.0 } else { *weight };
                    best = Some(best.map_or(w, |b: f64| b.max(w)));
                }
            }
            if let Some(w) = best {
                *by_category.entry(*category).or_default() += w;
                triggers.push(Trigger {
                    phrase: term.text.clone(),
                    category: *category,
                    weight: w,
                });
            }
        }
        // A longer phrase containing a shorter one found at the same place counts once:
        // keep the longest ("arrived damaged" over "damaged").
        let snapshot = triggers.clone();
        triggers.retain(|t| {
            !snapshot
                .iter()
                .any(|o| o.phrase.len() > t.phrase.len() && o.phrase.contains(&t.phrase))
        });
        by_category.clear();
        for t in &triggers {
            *by_category.entry(t.category).or_default() += t.weight;
        }
        let score: f64 = by_category.values().sum();
        let general = by_category.get(&Category::General).copied().unwrap_or(0.0);
        let categorised = score - general;
        let strong_general = triggers
            .iter()
            .any(|t| t.category == Category::General && t.weight >= 3.0);
        // Several weak signals together (half again the threshold) also make a complaint.
        let is_complaint = score >= self.threshold
            && (categorised > 0.0 || strong_general || general >= self.threshold * 1.5);
        let category = is_complaint.then(|| {
            Category::ALL
                .into_iter()
                .filter(|c| by_category.get(c).copied().unwrap_or(0.0) > 0.0)
                .fold(None::<(Category, f64)>, |best, c| {
                    let s = by_category[&c];
                    match best {
                        Some((_, b)) if b >= s => best,
                        _ => Some((c, s)),
                    }
                })
                .map_or(Category::Service, |(c, _)| c)
        });
        let mut severity_cues = Vec::new();
        let mut levels = Vec::new();
        for (term, level) in &self.severity {
            if lower.contains(term.text.as_str())
                && sentences.iter().any(|(s, _)| self.occurs(term, s))
            {
                severity_cues.push(term.text.clone());
                levels.push(*level);
            }
        }
        let severity = if levels.contains(&Severity::Critical) {
            Severity::Critical
        } else if levels.contains(&Severity::High) {
            Severity::High
        } else if levels.contains(&Severity::Low) {
            Severity::Low
        } else {
            Severity::Normal
        };
        Verdict {
            is_complaint,
            score,
            category,
            severity,
            language: language(text),
            triggers,
            severity_cues,
        }
    }

    /// Whether `term` occurs in `sentence` at least once without a negation or a
    /// conditional before it.
    fn occurs(&self, term: &Term, sentence: &str) -> bool {
        for (start, _) in sentence.match_indices(term.text.as_str()) {
            let end = start + term.text.len();
            let before = &sentence[..start];
            let after = &sentence[end..];
            // A prevention/policy/apology marker near the term (same sentence, within
            // MARKER_WINDOW characters either side) cancels it.
            let near = around(sentence, start, end, MARKER_WINDOW);
            if self
                .sentence_markers
                .iter()
                .any(|m| m.text != term.text && self.found(m, near))
            {
                continue;
            }
            if !term.cjk {
                if before.chars().next_back().is_some_and(is_word_char) {
                    continue;
                }
                if !term.prefix && after.chars().next().is_some_and(is_word_char) {
                    continue;
                }
            }
            if self.negated(before) {
                continue;
            }
            return true;
        }
        false
    }

    /// Whether `term` occurs at a word boundary (no negation check).
    fn found(&self, term: &Term, sentence: &str) -> bool {
        sentence
            .match_indices(term.text.as_str())
            .any(|(start, _)| {
                let before = &sentence[..start];
                let after = &sentence[start + term.text.len()..];
                term.cjk
                    || (!before.chars().next_back().is_some_and(is_word_char)
                        && (term.prefix || !after.chars().next().is_some_and(is_word_char)))
            })
    }

    fn negated(&self, before: &str) -> bool {
        // Chinese: the characters just before (spaces ignored).
        let chars: Vec<char> = before.chars().filter(|c| !c.is_whitespace()).collect();
        let tail = |n: usize| -> String { chars[chars.len().saturating_sub(n)..].iter().collect() };
        let near = tail(self.window_chars);
        if self.negators_zh.iter().any(|n| near.contains(n.as_str())) {
            return true;
        }
        let wide = tail(self.window_chars * 3);
        if self
            .conditionals_zh
            .iter()
            .any(|n| wide.contains(n.as_str()))
        {
            return true;
        }
        // Other scripts: the words just before.
        let w = words(before);
        let window = &w[w.len().saturating_sub(self.window_words)..];
        let wide = &w[w.len().saturating_sub(self.window_words * 2)..];
        let contains = |hay: &[String], needle: &[String]| {
            !needle.is_empty() && hay.windows(needle.len()).any(|win| win == needle)
        };
        self.negators.iter().any(|n| contains(window, n))
            || self.conditionals.iter().any(|n| contains(wide, n))
    }
}

/// Characters either side of a term within which a sentence marker cancels it.
const MARKER_WINDOW: usize = 40;

/// `s[start..end]` widened by `n` characters each side (at character boundaries).
fn around(s: &str, start: usize, end: usize, n: usize) -> &str {
    let from = s[..start]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let to = s[end..]
        .char_indices()
        .nth(n)
        .map_or(s.len(), |(i, _)| end + i);
    &s[from..to]
}

/// Sentences (lower case) and whether each is a question.
fn split_sentences(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let end = match c {
            '\n' | '!' | '?' | '。' | '！' | '？' | ';' | '；' => true,
            // A full stop ends a sentence only before a space or the end ("No. 5", "b/l." ok).
            '.' => chars.peek().is_none_or(|n| n.is_whitespace()),
            _ => false,
        };
        if end {
            let q = c == '?' || c == '？';
            if !cur.trim().is_empty() {
                out.push((std::mem::take(&mut cur), q));
            }
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    if !cur.trim().is_empty() {
        out.push((cur, false));
    }
    out
}

/// A guess at the language of `text`, for display and for replying in it.
pub fn language(text: &str) -> &'static str {
    let mut cjk = 0;
    let mut cyr = 0;
    let mut arabic = 0;
    let mut latin = 0;
    for c in text.chars() {
        if is_cjk(c) {
            cjk += 1;
        } else if ('\u{0400}'..='\u{04FF}').contains(&c) {
            cyr += 1;
        } else if ('\u{0600}'..='\u{06FF}').contains(&c) {
            arabic += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if cjk * 3 >= latin.max(1) {
        return "zh";
    }
    if cyr > latin {
        return "ru";
    }
    if arabic > latin {
        return "ar";
    }
    let w = words(&text.to_lowercase());
    let count = |list: &[&str]| w.iter().filter(|x| list.contains(&x.as_str())).count();
    let scores = [
        (
            "en",
            count(&[
                "the", "and", "we", "is", "are", "you", "of", "our", "please",
            ]),
        ),
        (
            "es",
            count(&[
                "el", "los", "las", "que", "por", "para", "hemos", "nuestro", "pedido",
            ]),
        ),
        (
            "pt",
            count(&[
                "não", "os", "que", "para", "nós", "nosso", "pedido", "uma", "foram",
            ]),
        ),
        (
            "fr",
            count(&[
                "le", "les", "nous", "est", "pour", "avec", "vous", "des", "une",
            ]),
        ),
        (
            "de",
            count(&[
                "der", "die", "und", "nicht", "wir", "ist", "ihre", "sie", "mit",
            ]),
        ),
    ];
    scores
        .iter()
        .fold(
            ("en", 0),
            |best, &(l, n)| if n > best.1 { (l, n) } else { best },
        )
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> Detector {
        Detector::builtin()
    }

    #[test]
    fn negation_does_not_trigger() {
        for text in [
            "The goods arrived today, no damage at all. Thank you.",
            "All cartons arrived without any damage.",
            "这批货没有质量问题，谢谢。",
            "货物已收到，没有破损。",
            "Inspection found no defects; we are happy.",
            "Kein Transportschaden, alles gut.",
        ] {
            let v = d().score("Goods received", text);
            assert!(!v.is_complaint, "{text}: {:?}", v.triggers);
        }
    }

    #[test]
    fn conditionals_and_questions_do_not_trigger() {
        for text in [
            "If any cartons are damaged, please take photos before signing.",
            "如有质量问题，请及时联系我们。",
            "Is there any damage on the cartons?",
        ] {
            let v = d().score("Shipment", text);
            assert!(!v.is_complaint, "{text}: {:?}", v.triggers);
        }
    }

    #[test]
    fn complaints_get_category_severity_and_triggers() {
        let v = d().score(
            "Order 4521",
            "Dear Li,\n\n42 cartons arrived crushed and the lamps inside are broken. We claim compensation.\n\nBest regards,\nAnna",
        );
        assert!(v.is_complaint);
        assert_eq!(v.category, Some(Category::TransitDamage));
        assert_eq!(v.severity, Severity::High);
        assert!(v.triggers.iter().any(|t| t.phrase == "crushed"));
        let v = d().score(
            "质量投诉",
            "收到的2000台面板灯有146台频闪、不亮，如不解决我们将起诉。",
        );
        assert!(v.is_complaint);
        assert_eq!(v.category, Some(Category::Quality));
        assert_eq!(v.severity, Severity::Critical);
        assert_eq!(v.language, "zh");
    }

    #[test]
    fn a_quoted_complaint_in_a_thank_you_is_not_a_complaint() {
        let body = "Thank you, the replacement arrived and works fine.\n\nOn Mon, 5 Oct 2026, Anna wrote:\n> 42 cartons arrived crushed, totally unacceptable.";
        assert!(!d().score("Re: damaged cartons", body).is_complaint);
        let body = "谢谢，补发的货已经收到。\n\n发件人: 张三\n发送时间: 2026年10月5日\n主题: 破损投诉\n\n货物严重破损，非常不满。";
        assert!(!d().score("回复: 破损投诉", body).is_complaint);
    }

    #[test]
    fn word_boundaries_hold() {
        // "rust" inside "trust" and "rust-proof" is not rust.
        let v = d().score("Inquiry", "We trust you. Is the coating rust-proof");
        assert!(v.triggers.is_empty(), "{:?}", v.triggers);
    }

    #[test]
    fn guesses_languages() {
        assert_eq!(
            language("Die Ware ist beschädigt und wir sind nicht zufrieden"),
            "de"
        );
        assert_eq!(language("Товар повреждён"), "ru");
        assert_eq!(
            language("Les produits sont endommagés, nous sommes déçus"),
            "fr"
        );
        assert_eq!(language("货物破损 order 12"), "zh");
    }
}
