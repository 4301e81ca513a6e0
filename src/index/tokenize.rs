//! One tokenizer for both languages in one query box (issue 4, search).
//!
//! Chinese (and Japanese/Korean) runs become overlapping character bigrams, so
//! `质量问题` is indexed as 质量 · 量问 · 问题 at consecutive positions: the query
//! `质量` is one term and `质量问题` a phrase of three, both found without a dictionary
//! (jieba would cost ~32 MB of RSS in the daemon, research §1.5). A lone CJK character
//! is kept as a unigram. Latin and other alphabetic scripts are split on anything that
//! is not a letter or digit, lower-cased and ASCII-folded (`Müller` → `muller`); an
//! order number `PO-2026-0113`, a model `XR-200B` or an address `buyer@acme.de` become
//! consecutive tokens, which the query parser turns into a phrase query, so each finds
//! exactly the messages that contain it. Full-width ASCII (`ＰＯ－２０２６`) is read as
//! ASCII.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// The name the text fields' tokenizer is registered under.
pub const TEXT: &str = "tw_text";
/// The name of the tokenizer for exact, case-insensitive keys (codes, logins, mailboxes).
pub const KEY: &str = "tw_key";

/// The analyzer for text fields: [`MixedTokenizer`] → lower-case → ASCII folding.
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(MixedTokenizer)
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The analyzer for key fields: the whole value, lower-cased.
pub fn key_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Splits text into CJK bigrams and Latin words (see the module doc).
#[derive(Clone, Default)]
pub struct MixedTokenizer;

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = MixedTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MixedTokenStream {
        MixedTokenStream {
            tokens: tokenize(text),
            next: 0,
        }
    }
}

/// The tokens of one text, produced up front (texts are one email at a time).
pub struct MixedTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for MixedTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Other,
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Other
    }
}

/// Han ideographs, kana and Hangul: scripts written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F) // Extensions B–F, compatibility supplement
}

/// Full-width ASCII forms (Ａ, １, ＠) as their ASCII letter or digit.
fn narrow(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The tokens of `text`, with byte offsets into `text` and consecutive positions.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut position = 0;
    let chars: Vec<(usize, char)> = text.char_indices().map(|(i, c)| (i, narrow(c))).collect();
    let end_of = |k: usize| chars.get(k).map_or(text.len(), |&(i, _)| i);
    let mut k = 0;
    while k < chars.len() {
        let kind = class(chars[k].1);
        let start = k;
        while k < chars.len() && class(chars[k].1) == kind {
            k += 1;
        }
        match kind {
            Class::Other => {}
            Class::Word => {
                tokens.push(Token {
                    offset_from: chars[start].0,
                    offset_to: end_of(k),
                    position,
                    text: chars[start..k].iter().map(|&(_, c)| c).collect(),
                    position_length: 1,
                });
                position += 1;
            }
            Class::Cjk if k - start == 1 => {
                tokens.push(Token {
                    offset_from: chars[start].0,
                    offset_to: end_of(k),
                    position,
                    text: chars[start].1.to_string(),
                    position_length: 1,
                });
                position += 1;
            }
            Class::Cjk => {
                for j in start..k - 1 {
                    tokens.push(Token {
                        offset_from: chars[j].0,
                        offset_to: end_of(j + 2),
                        position,
                        text: [chars[j].1, chars[j + 1].1].iter().collect(),
                        position_length: 1,
                    });
                    position += 1;
                }
            }
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        let mut analyzer = text_analyzer();
        let mut stream = analyzer.token_stream(s);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    fn positions(s: &str) -> Vec<(String, usize, usize, usize)> {
        tokenize(s)
            .into_iter()
            .map(|t| (t.text, t.position, t.offset_from, t.offset_to))
            .collect()
    }

    #[test]
    fn chinese_becomes_overlapping_bigrams_at_consecutive_positions() {
        assert_eq!(texts("质量问题"), ["质量", "量问", "问题"]);
        let p = positions("质量问题");
        assert_eq!(p[0], ("质量".into(), 0, 0, 6));
        assert_eq!(p[2], ("问题".into(), 2, 6, 12));
    }

    #[test]
    fn a_lone_chinese_character_is_a_unigram() {
        assert_eq!(texts("货"), ["货"]);
        assert_eq!(texts("A 货 B"), ["a", "货", "b"]);
    }

    #[test]
    fn punctuation_splits_chinese_runs() {
        assert_eq!(texts("质量，问题。"), ["质量", "问题"]);
    }

    #[test]
    fn latin_is_lowercased_and_folded() {
        assert_eq!(
            texts("Quality PROBLEM Müller Ñandú"),
            ["quality", "problem", "muller", "nandu"]
        );
    }

    #[test]
    fn codes_and_addresses_split_into_consecutive_parts() {
        assert_eq!(texts("PO-2026-0113"), ["po", "2026", "0113"]);
        assert_eq!(texts("XR-200B"), ["xr", "200b"]);
        assert_eq!(texts("<buyer@acme.de>"), ["buyer", "acme", "de"]);
        let p = positions("re: XR-200B");
        assert_eq!(p.iter().map(|t| t.1).collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn mixed_scripts_split_at_the_boundary() {
        assert_eq!(
            texts("XR-200B型号质量"),
            ["xr", "200b", "型号", "号质", "质量"]
        );
        assert_eq!(
            texts("订单PO-2026-0113已发货"),
            ["订单", "po", "2026", "0113", "已发", "发货"]
        );
    }

    #[test]
    fn full_width_ascii_reads_as_ascii() {
        assert_eq!(texts("ＰＯ－２０２６"), ["po", "2026"]);
    }

    #[test]
    fn offsets_are_char_boundaries_of_the_original_text() {
        let s = "Ｘ质量 ok";
        for t in tokenize(s) {
            assert!(s.is_char_boundary(t.offset_from) && s.is_char_boundary(t.offset_to));
        }
    }

    #[test]
    fn empty_and_symbol_only_text_has_no_tokens() {
        assert!(texts("").is_empty());
        assert!(texts(" -- !! 。，").is_empty());
    }
}
