//! Full names of people (họ và tên) as they typed them, and the Vietnamese way to sort them.
//!
//! Lists are sorted by tên (given name, the last word), then tên đệm (middle words), then họ (family name),
//! each compared with the CLDR `vi` collation (vietnam.md §6).

use std::cmp::Ordering;
use std::fmt;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale::locale;
use serde::Serialize;

use crate::text;

/// Why a name is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PersonNameError {
    /// Nothing is left after cleaning.
    #[error("name is empty")]
    Empty,
    /// More than [`PersonName::MAX_CHARS`] characters after cleaning.
    #[error("name is longer than {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A digit, symbol or emoji, or a word without any letter (a lone hyphen or apostrophe).
    #[error("name has characters other than letters, spaces, apostrophes and hyphens")]
    InvalidCharacters,
    /// Latin letters mixed with Cyrillic or Greek ones, the usual way to fake a look-alike name.
    #[error("name mixes Latin with Cyrillic or Greek letters")]
    MixedScripts,
}

impl PersonNameError {
    /// The stable code of this refusal in the API. Mixed scripts share `name_invalid_characters`: to the
    /// person, a look-alike letter is just a character that does not belong.
    pub fn code(self) -> &'static str {
        match self {
            PersonNameError::Empty => "name_empty",
            PersonNameError::TooLong { .. } => "name_too_long",
            PersonNameError::InvalidCharacters | PersonNameError::MixedScripts => "name_invalid_characters",
        }
    }
}

/// A person's full name: cleaned (NFC, single spaces, no invisible characters) but otherwise exactly as typed.
///
/// Capitalisation is not changed: people and official papers write names in ways a rule would get wrong.
/// `Display`, [`PersonName::as_str`] and serialisation give the name; `Debug` prints `PersonName(…)` so the
/// name never reaches a log through `{:?}`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

/// Whether a character is a Latin letter (ASCII, Latin-1, Latin Extended A/B, Latin Extended Additional,
/// where the precomposed Vietnamese letters live).
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}')
}

/// Whether a character is a Cyrillic or Greek letter, the scripts with letters that look like Latin ones.
fn is_cyrillic_or_greek(c: char) -> bool {
    matches!(
        c,
        '\u{0370}'..='\u{03FF}'
            | '\u{0400}'..='\u{052F}'
            | '\u{1C80}'..='\u{1C8F}'
            | '\u{1F00}'..='\u{1FFF}'
            | '\u{2DE0}'..='\u{2DFF}'
            | '\u{A640}'..='\u{A69F}'
    )
}

/// Whether a character may appear in a name besides letters.
fn is_name_punctuation(c: char) -> bool {
    // Both apostrophes occur in official names of the Central Highlands ("H’Hen Niê", "Ea H'Leo").
    matches!(c, '\'' | '\u{2019}' | '-')
}

impl PersonName {
    /// The most characters a name may have after cleaning.
    pub const MAX_CHARS: usize = 100;

    /// Parses a name: cleans it with [`text::clean`], then requires 1 to [`PersonName::MAX_CHARS`]
    /// characters, each a letter of any script, a space, an apostrophe (`'` or `’`) or a hyphen, with at
    /// least one letter in every word. Combining marks are accepted after a letter (some letters of minority
    /// languages have no precomposed form). Latin mixed with Cyrillic or Greek letters is refused.
    pub fn parse(input: &str) -> Result<PersonName, PersonNameError> {
        // Checked before cleaning so a megabyte of input is not normalised for nothing; 16 bytes per
        // character leaves room for any mix of multi-byte letters and invisible characters.
        if input.len() > Self::MAX_CHARS * 16 {
            return Err(PersonNameError::TooLong { max: Self::MAX_CHARS });
        }
        let cleaned = text::clean(input);
        if cleaned.is_empty() {
            return Err(PersonNameError::Empty);
        }
        if cleaned.chars().count() > Self::MAX_CHARS {
            return Err(PersonNameError::TooLong { max: Self::MAX_CHARS });
        }
        let (mut has_latin, mut has_lookalike) = (false, false);
        for word in cleaned.split(' ') {
            let mut has_letter = false;
            let mut previous_is_letter = false;
            for c in word.chars() {
                // Letter numbers such as "Ⅳ" have the Alphabetic property but are numbers all the same.
                if c.is_alphabetic() && !c.is_numeric() {
                    has_letter = true;
                    previous_is_letter = true;
                    has_latin |= is_latin(c);
                    has_lookalike |= is_cyrillic_or_greek(c);
                } else if unicode_normalization::char::is_combining_mark(c) && previous_is_letter {
                    // Stays attached to the letter before it; a mark after a space or hyphen is refused.
                } else if is_name_punctuation(c) {
                    previous_is_letter = false;
                } else {
                    return Err(PersonNameError::InvalidCharacters);
                }
            }
            if !has_letter {
                return Err(PersonNameError::InvalidCharacters);
            }
        }
        if has_latin && has_lookalike {
            return Err(PersonNameError::MixedScripts);
        }
        Ok(PersonName(cleaned))
    }

    /// The whole name, e.g. "Nguyễn Thị Ánh".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The family name (họ), the first word: "Nguyễn". Empty for a one-word name, which is all tên.
    pub fn family(&self) -> &str {
        match self.0.split_once(' ') {
            Some((family, _)) => family,
            None => "",
        }
    }

    /// The middle words (tên đệm), "Thị" in "Nguyễn Thị Ánh", "Văn Minh" in "Lê Văn Minh Tuấn"; empty when the
    /// name has fewer than three words.
    pub fn middle(&self) -> &str {
        match (self.0.find(' '), self.0.rfind(' ')) {
            (Some(first), Some(last)) if first < last => &self.0[first + 1..last],
            _ => "",
        }
    }

    /// The given name (tên), the last word: "Ánh". For a one-word name, the whole name.
    pub fn given(&self) -> &str {
        match self.0.rsplit_once(' ') {
            Some((_, given)) => given,
            None => &self.0,
        }
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Personal data must never reach logs, and `{:?}` is what ends up in them.
        f.write_str("PersonName(…)")
    }
}

/// The Vietnamese collation data could not be loaded.
///
/// With the compiled-in data this does not happen for `vi`; the error exists because the ICU4X constructor
/// is fallible in general.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the Vietnamese collator could not be built: {detail}")]
pub struct NameCollatorError {
    detail: String,
}

/// Compares names and other text the Vietnamese way (CLDR `vi`: a < ă < â, d < đ, o < ô < ơ, u < ư; tones
/// as a secondary difference).
///
/// Building it is cheap (the data is compiled in), but build it once and share it: it is `Send + Sync`.
#[derive(Debug)]
pub struct NameCollator {
    collator: CollatorBorrowed<'static>,
}

impl NameCollator {
    /// Builds the collator from the ICU4X data compiled into the binary.
    pub fn try_new() -> Result<NameCollator, NameCollatorError> {
        let collator = Collator::try_new(locale!("vi").into(), CollatorOptions::default())
            .map_err(|err| NameCollatorError { detail: err.to_string() })?;
        Ok(NameCollator { collator })
    }

    /// Compares two names by tên, then tên đệm, then họ, with the Vietnamese collation.
    ///
    /// Names that collate equal part by part are ordered by their exact text, so the order is total and
    /// `Equal` means equal names.
    pub fn compare(&self, a: &PersonName, b: &PersonName) -> Ordering {
        self.collator
            .compare(a.given(), b.given())
            .then_with(|| self.collator.compare(a.middle(), b.middle()))
            .then_with(|| self.collator.compare(a.family(), b.family()))
            .then_with(|| a.as_str().cmp(b.as_str()))
    }

    /// Sorts items by a name they hold, with [`NameCollator::compare`]. The sort is stable.
    pub fn sort<T>(&self, items: &mut [T], key: impl Fn(&T) -> &PersonName) {
        items.sort_by(|a, b| self.compare(key(a), key(b)));
    }

    /// Compares plain text (hamlet names, titles) with the Vietnamese collation. Canonically equivalent
    /// strings (NFC and NFD of the same text) compare `Equal`.
    pub fn compare_str(&self, a: &str, b: &str) -> Ordering {
        self.collator.compare(a, b)
    }
}

/// The Vietnamese alphabet in order (CLDR `vi`), with f, j, w and z at their Latin places for foreign names.
const ALPHABET: &[char] = &[
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'ô', 'ơ', 'p', 'q',
    'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

/// Splits a lowercase NFC letter into its base letter of [`ALPHABET`] and its tone: 0 none, 1 huyền, 2 hỏi,
/// 3 ngã, 4 sắc, 5 nặng (the CLDR `vi` order of tones, a secondary difference).
fn letter_and_tone(ch: char) -> Option<(usize, u8)> {
    use unicode_normalization::UnicodeNormalization;
    let mut base = None;
    let mut tone = 0;
    let mut modifier = None;
    for part in ch.to_string().nfd() {
        match part {
            '\u{300}' => tone = 1,
            '\u{309}' => tone = 2,
            '\u{303}' => tone = 3,
            '\u{301}' => tone = 4,
            '\u{323}' => tone = 5,
            '\u{306}' | '\u{302}' | '\u{31b}' => modifier = Some(part),
            other => base = Some(other),
        }
    }
    let letter = match (base?, modifier) {
        ('a', Some('\u{306}')) => 'ă',
        ('a', Some('\u{302}')) => 'â',
        ('e', Some('\u{302}')) => 'ê',
        ('o', Some('\u{302}')) => 'ô',
        ('o', Some('\u{31b}')) => 'ơ',
        ('u', Some('\u{31b}')) => 'ư',
        (letter, _) => letter,
    };
    ALPHABET.iter().position(|c| *c == letter).map(|idx| (idx, tone))
}

/// A text key whose byte order is the order of [`NameCollator::compare`]: given name, then middle, then family
/// name, each by letters first and tones second. Stored with each person, it lets the database sort and page
/// lists the Vietnamese way on SQLite and PostgreSQL alike (ICU4X offers no sort keys, and database collations
/// differ between the two).
///
/// Letters outside the Vietnamese alphabet sort after it by code point; case is ignored (ties fall to the name).
pub fn sort_key(name: &PersonName) -> String {
    let mut key = String::new();
    for part in [name.given(), name.middle(), name.family()] {
        let mut tones = String::new();
        for ch in part.chars().flat_map(char::to_lowercase) {
            match letter_and_tone(ch) {
                Some((idx, tone)) => {
                    // Letters become 'A'.. in alphabet order; every letter code is above the separators below.
                    key.push(char::from(b'A' + idx as u8));
                    tones.push(char::from(b'0' + tone));
                }
                None if ch.is_alphabetic() => {
                    key.push_str(&format!("~{:06x}", u32::from(ch)));
                    tones.push('0');
                }
                // Spaces, hyphens and apostrophes inside a part separate its words.
                None => key.push('#'),
            }
        }
        // '!' ends the letters (a shorter part sorts first), '"' ends the tones of the part.
        key.push('!');
        key.push_str(&tones);
        key.push('"');
    }
    key
}

#[cfg(test)]
mod sort_key_tests {
    use super::*;

    /// Every combination of common family, middle and given names, as the register holds them.
    fn names() -> Vec<PersonName> {
        let families = ["Nguyễn", "Trần", "Lê", "Đỗ", "Đặng", "Võ", "Vũ", "Bùi", "Ông", "Ưng", "Âu", "Ân", "An"];
        let middles = ["Văn", "Thị", "Đức", "Thị Thu", "Ngọc", "", "Hữu", "Ánh"];
        let givens = [
            "An", "Ân", "Ăn", "Ánh", "Anh", "Ảnh", "Ãnh", "Ạnh", "Bảo", "Dũng", "Duy", "Đức", "Đông", "Hà", "Hạ",
            "Hoà", "Hòa", "Yến", "Út", "Ưng", "Ơn", "Ổn", "Ôn", "On", "Zin", "Wang",
        ];
        let mut out = Vec::new();
        for family in families {
            for middle in middles {
                for given in givens {
                    let text =
                        [family, middle, given].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ");
                    out.push(PersonName::parse(&text).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn the_stored_key_sorts_exactly_like_the_collator() {
        let collator = NameCollator::try_new().unwrap();
        let mut by_collator = names();
        collator.sort(&mut by_collator, |n| n);
        let mut by_key = names();
        by_key.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)).then_with(|| a.as_str().cmp(b.as_str())));
        let mismatch = by_collator.iter().zip(&by_key).position(|(a, b)| a != b);
        if let Some(idx) = mismatch {
            let lo = idx.saturating_sub(2);
            panic!(
                "first difference at {idx}: collator {:?}, key {:?}",
                by_collator[lo..idx + 3].iter().map(PersonName::as_str).collect::<Vec<_>>(),
                by_key[lo..idx + 3].iter().map(PersonName::as_str).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn nfd_input_gives_the_same_key() {
        let nfc = PersonName::parse("Nguyễn Thị Ánh").unwrap();
        let nfd = PersonName::parse("Nguye\u{302}\u{303}n Thi\u{323} A\u{301}nh").unwrap();
        assert_eq!(sort_key(&nfc), sort_key(&nfd));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[track_caller]
    fn check(input: &str, expected: Result<&str, PersonNameError>) {
        let parsed = PersonName::parse(input);
        assert_eq!(parsed.as_ref().map(PersonName::as_str).map_err(|e| *e), expected, "PersonName::parse({input:?})");
    }

    #[track_caller]
    fn name(input: &str) -> PersonName {
        match PersonName::parse(input) {
            Ok(name) => name,
            Err(err) => panic!("{input:?} should parse: {err}"),
        }
    }

    fn collator() -> NameCollator {
        match NameCollator::try_new() {
            Ok(collator) => collator,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn accepts_names_as_typed() {
        let nfd: String = "Nguyễn Thị Ánh".nfd().collect();
        let cases = [
            ("Nguyễn Văn An", Ok("Nguyễn Văn An")),
            ("  nguyễn   văn  an ", Ok("nguyễn văn an")),
            ("NGUYỄN VĂN AN", Ok("NGUYỄN VĂN AN")),
            (nfd.as_str(), Ok("Nguyễn Thị Ánh")),
            ("Ng\u{200B}uyễn\u{200D} Văn\u{FEFF} An", Ok("Nguyễn Văn An")),
            ("Nguyễn\u{00A0}Văn\tAn", Ok("Nguyễn Văn An")),
            ("H’Hen Niê", Ok("H’Hen Niê")),
            ("Y-Moan Ênuôl", Ok("Y-Moan Ênuôl")),
            ("Ksor H'Bình", Ok("Ksor H'Bình")),
            ("Duy", Ok("Duy")),
            ("Иван Петров", Ok("Иван Петров")),
            ("李小龍", Ok("李小龍")),
            ("Lê\u{202E}Lợi", Ok("LêLợi")),
            ("Lê Lợi\0", Ok("Lê Lợi")),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
        let longest = "ă".repeat(PersonName::MAX_CHARS);
        check(&longest, Ok(&longest));
    }

    #[test]
    fn refuses_what_is_not_a_name() {
        let cases = [
            ("", PersonNameError::Empty),
            ("   \t ", PersonNameError::Empty),
            ("\u{200B}\u{200D}\u{FEFF}", PersonNameError::Empty),
            ("\0", PersonNameError::Empty),
            ("Nguyễn Văn 2", PersonNameError::InvalidCharacters),
            ("Nguyễn Văn An1", PersonNameError::InvalidCharacters),
            ("=1+1", PersonNameError::InvalidCharacters),
            ("@SUM(A1)", PersonNameError::InvalidCharacters),
            ("<script>alert(1)</script>", PersonNameError::InvalidCharacters),
            ("Nguyễn; DROP TABLE", PersonNameError::InvalidCharacters),
            ("An 😀", PersonNameError::InvalidCharacters),
            ("Nguyễn - An", PersonNameError::InvalidCharacters),
            ("'", PersonNameError::InvalidCharacters),
            ("Nguyễn \u{0301}An", PersonNameError::InvalidCharacters),
            ("Lê Văn Ⅳ", PersonNameError::InvalidCharacters),
            // Cyrillic "а" (U+0430) inside a Latin name.
            ("Nguyễn Văn \u{0430}n", PersonNameError::MixedScripts),
            ("Nguyễn Văn Аn", PersonNameError::MixedScripts),
        ];
        for (input, expected) in cases {
            check(input, Err(expected));
        }
        let too_long = Err(PersonNameError::TooLong { max: 100 });
        check(&"ă".repeat(101), too_long);
        check(&"Nguyễn ".repeat(10_000 / 7), too_long);
        check(&"a".repeat(10_000), too_long);
        // Invisible characters do not count, however many there are, as long as the input stays reasonable.
        check(&"a\u{200B}".repeat(100), Ok(&"a".repeat(100)));
    }

    #[test]
    fn splits_family_middle_and_given() {
        let cases = [
            ("Nguyễn Thị Ánh", ("Nguyễn", "Thị", "Ánh")),
            ("Lê Văn Minh Tuấn", ("Lê", "Văn Minh", "Tuấn")),
            ("Hoàng Duy", ("Hoàng", "", "Duy")),
            ("Duy", ("", "", "Duy")),
            ("Tôn Nữ Thị Ngọc Hà", ("Tôn", "Nữ Thị Ngọc", "Hà")),
        ];
        for (input, (family, middle, given)) in cases {
            let parsed = name(input);
            assert_eq!((parsed.family(), parsed.middle(), parsed.given()), (family, middle, given), "{input}");
        }
    }

    #[test]
    fn debug_hides_the_name() {
        let parsed = name("Nguyễn Văn An");
        assert_eq!(format!("{parsed:?}"), "PersonName(…)");
        assert_eq!(format!("{:?}", Some(&parsed)), "Some(PersonName(…))");
        assert_eq!(parsed.to_string(), "Nguyễn Văn An");
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(PersonNameError::Empty.code(), "name_empty");
        assert_eq!(PersonNameError::TooLong { max: 100 }.code(), "name_too_long");
        assert_eq!(PersonNameError::InvalidCharacters.code(), "name_invalid_characters");
        assert_eq!(PersonNameError::MixedScripts.code(), "name_invalid_characters");
    }

    /// The order verified against ICU4X in vietnam.md §6.
    const SORTED: [&str; 9] = [
        "Đỗ Văn An",
        "Nguyễn Văn An",
        "Lê Thị Ánh",
        "Võ Thị Ăn",
        "Phạm Thị Ân",
        "Nguyễn Thị Bảo",
        "Bùi Văn Dũng",
        "Hoàng Duy",
        "Trần Văn Đức",
    ];

    #[test]
    fn sorts_by_given_then_middle_then_family() {
        let collator = collator();
        // Several fixed shuffles, including the reverse order, so no input order happens to be the answer.
        let shuffles: [[usize; 9]; 4] = [
            [8, 7, 6, 5, 4, 3, 2, 1, 0],
            [3, 8, 0, 5, 1, 7, 2, 6, 4],
            [4, 2, 7, 0, 6, 1, 8, 3, 5],
            [1, 0, 3, 2, 5, 4, 7, 6, 8],
        ];
        for shuffle in shuffles {
            let mut residents: Vec<(usize, PersonName)> = shuffle.iter().map(|&i| (i, name(SORTED[i]))).collect();
            collator.sort(&mut residents, |(_, n)| n);
            let sorted: Vec<&str> = residents.iter().map(|(_, n)| n.as_str()).collect();
            assert_eq!(sorted, SORTED, "from {shuffle:?}");
        }
    }

    #[test]
    fn nfd_input_sorts_like_nfc() {
        let collator = collator();
        let mut names: Vec<PersonName> = SORTED.iter().rev().map(|n| name(&n.nfd().collect::<String>())).collect();
        collator.sort(&mut names, |n| n);
        let sorted: Vec<&str> = names.iter().map(PersonName::as_str).collect();
        assert_eq!(sorted, SORTED);
        // The collator itself also treats NFD and NFC alike, for text that did not go through PersonName.
        let nfd: String = "Nguyễn Thị Ánh".nfd().collect();
        assert_eq!(collator.compare_str(&nfd, "Nguyễn Thị Ánh"), Ordering::Equal);
    }

    #[test]
    fn compare_is_total() {
        let collator = collator();
        let a = name("Nguyễn Văn An");
        assert_eq!(collator.compare(&a, &name("Nguyễn  Văn An")), Ordering::Equal);
        // Same letters, different case: not equal, but adjacent.
        assert_ne!(collator.compare(&a, &name("nguyễn văn an")), Ordering::Equal);
        assert_eq!(collator.compare(&name("Hoàng Duy"), &name("Duy")), Ordering::Greater);
    }

    #[test]
    fn compare_str_follows_the_vietnamese_alphabet_and_tones() {
        let collator = collator();
        let ordered = ["a", "à", "ả", "ã", "á", "ạ", "ă", "â", "b", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư", "y"];
        for pair in ordered.windows(2) {
            assert_eq!(collator.compare_str(pair[0], pair[1]), Ordering::Less, "{} < {}", pair[0], pair[1]);
        }
        let mut hamlets = ["Thôn Đông", "Thôn Dừa", "Bản Ăng", "Bản An", "Xóm Ơn", "Xóm Ôn", "Xóm On"];
        hamlets.sort_by(|a, b| collator.compare_str(a, b));
        assert_eq!(hamlets, ["Bản An", "Bản Ăng", "Thôn Dừa", "Thôn Đông", "Xóm On", "Xóm Ôn", "Xóm Ơn"]);
    }

    #[test]
    fn collator_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<NameCollator>();
    }
}
