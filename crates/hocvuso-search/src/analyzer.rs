//! The Vietnamese analyzer: how a text becomes the terms of the index.
//!
//! Words are runs of letters, digits and combining marks in the NFC form of the text. Each word becomes one term,
//! either folded with [`hocvuso_domain::text::fold`] (lower case, no diacritics or tones, `đ` read as `d`), so
//! "Đăng ký" and "dang ky" meet, or only lower-cased, so a query typed with its accents can rank the documents that
//! carry exactly those accents higher.

use std::borrow::Cow;
use std::ops::Range;

use hocvuso_domain::text;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{UnicodeNormalization, is_nfc};

/// Name under which the folding analyzer is registered with the index.
pub(crate) const FOLD: &str = "vi_fold";
/// Name under which the accent-keeping analyzer is registered with the index.
pub(crate) const EXACT: &str = "vi_exact";

/// Longer runs are not words (a pasted link, a base64 blob) and are left out of the index and of queries.
const MAX_WORD_CHARS: usize = 40;

/// The text in NFC, borrowed when it already is (then the byte offsets of its words are offsets in the input).
///
/// Decomposed input (some keyboards, macOS) would otherwise split "Đăng" at its combining marks, and the
/// precomposed and decomposed spellings of a word would be different terms.
pub(crate) fn nfc(input: &str) -> Cow<'_, str> {
    if is_nfc(input) { Cow::Borrowed(input) } else { Cow::Owned(input.nfc().collect()) }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The byte ranges of the words of `text` (which should be NFC), in order; over-long runs are skipped.
pub(crate) fn word_ranges(text: &str) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                words.push(from..at);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push(from..text.len());
    }
    words.retain(|range| text[range.clone()].chars().count() <= MAX_WORD_CHARS);
    words
}

/// The term of one word: folded, or lower case with its accents.
pub(crate) fn term_of(word: &str, fold: bool) -> String {
    if fold { text::fold(word) } else { word.to_lowercase() }
}

/// The tantivy tokenizer of both analyzers; `fold` chooses which.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VietnameseTokenizer {
    /// Fold diacritics and tones away (the `vi_fold` analyzer) or keep them (`vi_exact`).
    pub(crate) fold: bool,
}

/// The tokens of one text, made up front: texts here are guides and news items, a few kilobytes each.
pub(crate) struct Tokens {
    rest: std::vec::IntoIter<Token>,
    current: Token,
}

impl Tokenizer for VietnameseTokenizer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, input: &'a str) -> Tokens {
        let text = nfc(input);
        let tokens: Vec<Token> = word_ranges(&text)
            .into_iter()
            .enumerate()
            .map(|(position, range)| Token {
                text: term_of(&text[range.clone()], self.fold),
                offset_from: range.start,
                offset_to: range.end,
                position,
                position_length: 1,
            })
            .collect();
        Tokens { rest: tokens.into_iter(), current: Token::default() }
    }
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        match self.rest.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(input: &str, fold: bool) -> Vec<String> {
        let mut tokenizer = VietnameseTokenizer { fold };
        let mut stream = tokenizer.token_stream(input);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn folds_diacritics_tones_and_d_with_stroke() {
        assert_eq!(terms("Đăng ký khai sinh", true), ["dang", "ky", "khai", "sinh"]);
        assert_eq!(terms("ĐỒNG ruộng, Ưu tiên; Ỹ ỹ ơ", true), ["dong", "ruong", "uu", "tien", "y", "y", "o"]);
    }

    #[test]
    fn the_exact_analyzer_keeps_accents_in_lower_case() {
        assert_eq!(terms("Đăng KÝ", false), ["đăng", "ký"]);
    }

    #[test]
    fn decomposed_input_gives_the_same_terms_as_precomposed() {
        let decomposed: String = "Thanh toán tiền điện".nfd().collect();
        assert_ne!(decomposed, "Thanh toán tiền điện");
        assert_eq!(terms(&decomposed, true), ["thanh", "toan", "tien", "dien"]);
        assert_eq!(terms(&decomposed, false), ["thanh", "toán", "tiền", "điện"]);
    }

    #[test]
    fn punctuation_and_query_syntax_are_not_words() {
        assert_eq!(terms("  *\"AND\" (OR) zalo:video -x ", true), ["and", "or", "zalo", "video", "x"]);
        assert!(terms("*  \" ++ ", true).is_empty());
    }

    #[test]
    fn offsets_point_at_the_words_of_nfc_text() {
        let text = "Gọi video, Zalo";
        let mut tokenizer = VietnameseTokenizer { fold: true };
        let mut stream = tokenizer.token_stream(text);
        let mut words = Vec::new();
        while let Some(token) = stream.next() {
            words.push(&text[token.offset_from..token.offset_to]);
        }
        assert_eq!(words, ["Gọi", "video", "Zalo"]);
    }

    #[test]
    fn over_long_runs_are_skipped() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(terms(&format!("zalo {long} video"), true), ["zalo", "video"]);
    }
}
