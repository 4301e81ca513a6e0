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
    type TokenStream<'a> = MixedTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MixedTokenStream<'a> {
        MixedTokenStream {
            text,
            cursor: 0,
            pending: None,
            paired: false,
            token: Token::default(),
            count: 0,
        }
    }
}

/// The tokens of one text, produced as they are read: one [`Token`] whose text buffer is
/// reused, so tokenising a body allocates nothing per token (indexing and snippets spend
/// most of their time here).
pub struct MixedTokenStream<'a> {
    text: &'a str,
    /// Byte offset of the next character not yet read.
    cursor: usize,
    /// Inside a CJK run: the last character read and its offset, waiting for a partner.
    pending: Option<(usize, char)>,
    /// Whether the current CJK run has produced a bigram yet (else its lone character is
    /// a unigram).
    paired: bool,
    token: Token,
    /// Tokens produced so far: the next token's position.
    count: usize,
}

impl MixedTokenStream<'_> {
    /// The next character (full-width ASCII narrowed) and its byte length, unread.
    fn peek(&self) -> Option<(char, usize)> {
        let c = self.text[self.cursor..].chars().next()?;
        Some((narrow(c), c.len_utf8()))
    }

    /// Makes the current token span `from..to` with the text the caller put in the buffer.
    fn emit(&mut self, from: usize, to: usize) -> bool {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.count;
        self.token.position_length = 1;
        self.count += 1;
        true
    }
}

impl TokenStream for MixedTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some((from, previous)) = self.pending {
                match self.peek() {
                    Some((c, len)) if class(c) == Class::Cjk => {
                        self.token.text.clear();
                        self.token.text.push(previous);
                        self.token.text.push(c);
                        self.pending = Some((self.cursor, c));
                        self.paired = true;
                        self.cursor += len;
                        return self.emit(from, self.cursor);
                    }
                    _ => {
                        self.pending = None;
                        if !self.paired {
                            self.token.text.clear();
                            self.token.text.push(previous);
                            return self.emit(from, from + previous.len_utf8());
                        }
                    }
                }
            }
            let Some((c, len)) = self.peek() else {
                return false;
            };
            match class(c) {
                Class::Other => self.cursor += len,
                Class::Cjk => {
                    self.pending = Some((self.cursor, c));
                    self.paired = false;
                    self.cursor += len;
                }
                Class::Word => {
                    let from = self.cursor;
                    self.token.text.clear();
                    while let Some((c, len)) = self.peek() {
                        if class(c) != Class::Word {
                            break;
                        }
                        self.token.text.push(c);
                        self.cursor += len;
                    }
                    return self.emit(from, self.cursor);
                }
            }
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
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
pub(super) fn is_cjk(c: char) -> bool {
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
#[cfg(test)]
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokenizer = MixedTokenizer;
    let mut stream = tokenizer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().clone());
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
    fn runs_end_cleanly_at_every_boundary() {
        assert_eq!(texts("ok货"), ["ok", "货"]);
        assert_eq!(texts("货ok"), ["货", "ok"]);
        assert_eq!(texts("质量ok问"), ["质量", "ok", "问"]);
        assert_eq!(texts("问 题"), ["问", "题"]);
        let p = positions("a 质量问 b");
        assert_eq!(
            p.iter().map(|t| (t.1, t.2, t.3)).collect::<Vec<_>>(),
            [(0, 0, 1), (1, 2, 8), (2, 5, 11), (3, 12, 13)]
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
