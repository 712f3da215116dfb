//! Cleaning of free text typed or pasted by people, and the diacritic-free key used to search it.
//!
//! Every text that enters the system goes through [`clean`] (or [`clean_multiline`]) once, so the rest of the
//! code only sees NFC text without invisible or direction-changing characters.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Characters that are invisible or reorder text and are dropped without leaving a space.
///
/// They arrive by copy and paste (Zalo, Word, web pages) and make two equal-looking names differ, or, for the
/// bidirectional controls, make a name display in another order than it is stored ("Trojan source").
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        // Soft hyphen, Arabic letter mark and Mongolian vowel separator: invisible in running text.
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        // Zero-width space, non-joiner and joiner; left-to-right and right-to-left marks.
        | '\u{200B}'..='\u{200F}'
        // Bidirectional embeddings and overrides (U+202E is the right-to-left override).
        | '\u{202A}'..='\u{202E}'
        // Word joiner and the invisible mathematical operators.
        | '\u{2060}'..='\u{2064}'
        // Bidirectional isolates.
        | '\u{2066}'..='\u{2069}'
        // Byte order mark (zero-width no-break space), often left at the start of a pasted CSV cell.
        | '\u{FEFF}'
    )
}

/// Characters that end a line in [`clean_multiline`]; in [`clean`] they become a space like other whitespace.
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

/// Drops invisible and control characters and turns every whitespace character into `' '`, keeping line breaks
/// as `'\n'` when `keep_lines` is set. `"\r\n"` counts as one line break.
fn strip_invisible(input: &str, keep_lines: bool) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if keep_lines && is_line_break(c) {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else if c.is_whitespace() {
            // NBSP, ideographic space, tabs and (in single-line text) line breaks all count as a plain space.
            out.push(' ');
        } else if c.is_control() || is_invisible(c) {
            // Removed rather than replaced by a space: "Ng\u{200B}uyễn" must read "Nguyễn".
        } else {
            out.push(c);
        }
    }
    out
}

/// Collapses runs of spaces into one space and trims both ends of one line (which holds no `'\n'`).
fn collapse_spaces(line: &str, out: &mut String) {
    for (i, word) in line.split(' ').filter(|w| !w.is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Cleans one line of text: NFC, no zero-width, bidirectional or control characters, every run of whitespace
/// (including non-breaking spaces, tabs and line breaks) turned into one space, trimmed.
///
/// Invisible characters are removed before normalising, so a zero-width space between a letter and its
/// combining accent does not stop them from composing.
pub fn clean(input: &str) -> String {
    let visible: String = strip_invisible(input, false).nfc().collect();
    let mut out = String::with_capacity(visible.len());
    collapse_spaces(&visible, &mut out);
    out
}

/// Cleans text that may hold several lines (notes, descriptions) like [`clean`], but keeps line breaks.
///
/// `"\r\n"`, `'\r'`, vertical tab, form feed, U+0085, U+2028 and U+2029 each become `'\n'`. Each line is
/// collapsed and trimmed like [`clean`]; blank lines at the start and end are dropped and runs of blank lines
/// become one blank line, so a paragraph break survives but pasted padding does not.
pub fn clean_multiline(input: &str) -> String {
    let visible: String = strip_invisible(input, true).nfc().collect();
    let mut out = String::with_capacity(visible.len());
    let mut pending_breaks = 0usize;
    for line in visible.split('\n') {
        let mut cleaned = String::new();
        collapse_spaces(line, &mut cleaned);
        if cleaned.is_empty() {
            pending_breaks += 1;
            continue;
        }
        if !out.is_empty() {
            // One '\n' ends the previous line; a second one keeps a single blank line between paragraphs.
            out.push('\n');
            if pending_breaks > 0 {
                out.push('\n');
            }
        }
        out.push_str(&cleaned);
        pending_breaks = 0;
    }
    out
}

/// The search key of a text: cleaned, lower case, without diacritics, with `đ` read as `d` and the
/// typographic apostrophes read as `'`.
///
/// "Đăng ký khai sinh" folds to "dang ky khai sinh", and "Hoà" and "Hòa" (old and new tone placement, which
/// stay different strings after NFC) fold to the same key, as do "H’Leo" and "H'Leo". Store this key next to
/// the text and compare keys, never the texts themselves, when searching.
pub fn fold(input: &str) -> String {
    clean(input)
        .to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            // Đ/đ is a letter of its own, not d with a combining mark, so NFD leaves it whole.
            'đ' | 'Đ' => 'd',
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            other => other,
        })
        .collect()
}

/// Why a bounded text is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing is left after cleaning (the input was empty, blank or invisible).
    #[error("text is empty")]
    Empty,
    /// More characters than allowed after cleaning.
    #[error("text is longer than {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
}

impl TextError {
    /// The stable code of this refusal in the API.
    pub fn code(self) -> &'static str {
        match self {
            TextError::Empty => "text_empty",
            TextError::TooLong { .. } => "text_too_long",
        }
    }
}

/// A key that orders addresses the way people read them: folded text, with runs of digits compared as numbers
/// ("Số nhà 4" before "Số nhà 10"). A dozen lines, so no crate for it.
pub fn address_key(input: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let folded = fold(input);
    let mut chars = folded.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch.is_ascii_digit() {
            let mut number = u64::from(ch as u8 - b'0');
            while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
                number = number.saturating_mul(10).saturating_add(u64::from(digit));
                chars.next();
            }
            key.push((std::mem::take(&mut text), number));
        } else {
            text.push(ch);
        }
    }
    key.push((text, 0));
    key
}

/// Cleans one line of text with [`clean`] and requires 1 to `max_chars` characters (Unicode scalar values).
pub fn clean_bounded(input: &str, max_chars: usize) -> Result<String, TextError> {
    let cleaned = clean(input);
    if cleaned.is_empty() {
        Err(TextError::Empty)
    } else if cleaned.chars().count() > max_chars {
        Err(TextError::TooLong { max: max_chars })
    } else {
        Ok(cleaned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_order_numbers_as_numbers() {
        let mut addresses = vec!["Số nhà 10", "số nhà 4", "Số nhà 4B", "Đội 2", "Số nhà 13"];
        addresses.sort_by_cached_key(|a| address_key(a));
        assert_eq!(addresses, vec!["Đội 2", "số nhà 4", "Số nhà 4B", "Số nhà 10", "Số nhà 13"]);
    }

    #[track_caller]
    fn check_clean(input: &str, expected: &str) {
        assert_eq!(clean(input), expected, "clean({input:?})");
    }

    #[track_caller]
    fn check_multiline(input: &str, expected: &str) {
        assert_eq!(clean_multiline(input), expected, "clean_multiline({input:?})");
    }

    #[track_caller]
    fn check_fold(input: &str, expected: &str) {
        assert_eq!(fold(input), expected, "fold({input:?})");
    }

    #[test]
    fn clean_normalises_messy_input() {
        let nfd = "Nguye\u{0302}\u{0303}n Thi\u{0323} A\u{0301}nh";
        let cases = [
            ("", ""),
            ("   \t\n  ", ""),
            ("\u{00A0}\u{3000}\u{2003}", ""),
            ("  Nguyễn   Văn\tAn  ", "Nguyễn Văn An"),
            ("Nguyễn\u{00A0}Văn\u{00A0}\u{00A0}An", "Nguyễn Văn An"),
            ("Nguyễn\nVăn\r\nAn", "Nguyễn Văn An"),
            (nfd, "Nguyễn Thị Ánh"),
            ("Ng\u{200B}uy\u{200C}ễn\u{200D} V\u{2060}ăn\u{FEFF}", "Nguyễn Văn"),
            ("\u{FEFF}Thôn Đông", "Thôn Đông"),
            ("abc\u{202E}fed\u{202C}", "abcfed"),
            ("\u{2066}Lê\u{2069} \u{200F}Lợi\u{200E}", "Lê Lợi"),
            ("Lê\0 Lợi\u{7}\u{1B}[31m", "Lê Lợi[31m"),
            ("\u{85}Lê\u{9F}", "Lê"),
            ("so\u{00AD}ft", "soft"),
            // A zero-width space between a letter and its accent must not stop them composing.
            ("A\u{200B}\u{0301}nh", "Ánh"),
            ("Hoà Hòa", "Hoà Hòa"),
        ];
        for (input, expected) in cases {
            check_clean(input, expected);
        }
        assert_eq!(clean(nfd), clean("Nguyễn Thị Ánh"));
    }

    #[test]
    fn clean_handles_a_long_input() {
        let long = "Nguyễn ".repeat(10_000);
        let cleaned = clean(&long);
        assert_eq!(cleaned.chars().count(), 7 * 10_000 - 1);
        assert!(!cleaned.ends_with(' '));
    }

    #[test]
    fn clean_multiline_keeps_paragraphs() {
        let cases = [
            ("", ""),
            ("\n\n  \r\n", ""),
            ("dòng 1\r\ndòng 2", "dòng 1\ndòng 2"),
            ("dòng 1\rdòng 2", "dòng 1\ndòng 2"),
            ("  dòng   1  \n\n\n\n  dòng 2 \n", "dòng 1\n\ndòng 2"),
            ("\n\nđầu\u{2028}cuối\u{2029}", "đầu\ncuối"),
            ("a\u{200B}b\tc\0\nd", "ab c\nd"),
            ("e\u{0301}\r\n\r\nf", "é\n\nf"),
        ];
        for (input, expected) in cases {
            check_multiline(input, expected);
        }
    }

    #[test]
    fn fold_gives_a_diacritic_free_key() {
        let cases = [
            ("Đăng ký khai sinh", "dang ky khai sinh"),
            ("ĐỖ VĂN ĐỨC", "do van duc"),
            ("Hoà", "hoa"),
            ("Hòa", "hoa"),
            ("Thuỷ Thủy Uý Úy", "thuy thuy uy uy"),
            ("Ea H’Leo", "ea h'leo"),
            ("Ea H'Leo", "ea h'leo"),
            ("Nguye\u{0302}\u{0303}n", "nguyen"),
            ("  Người   ƯU  tú ", "nguoi uu tu"),
            ("Ng\u{200B}uyễn", "nguyen"),
            ("Ăn Ân Ơn Ôn Ên", "an an on on en"),
            ("", ""),
        ];
        for (input, expected) in cases {
            check_fold(input, expected);
        }
        assert_eq!(fold("Hoà"), fold("Hòa"));
    }

    #[test]
    fn clean_bounded_counts_characters_not_bytes() {
        assert_eq!(clean_bounded("  Thôn  Đông ", 9), Ok("Thôn Đông".to_owned()));
        assert_eq!(clean_bounded("Thôn Đông", 8), Err(TextError::TooLong { max: 8 }));
        assert_eq!(clean_bounded(" \u{200B}\u{00A0}", 10), Err(TextError::Empty));
        assert_eq!(clean_bounded(&"ă".repeat(10_000), 100), Err(TextError::TooLong { max: 100 }));
        assert_eq!(TextError::Empty.code(), "text_empty");
        assert_eq!(TextError::TooLong { max: 1 }.code(), "text_too_long");
    }
}
