//! Vietnamese phone numbers, parsed once from whatever people type into the national form with a leading 0.
//!
//! A phone number is personal data: `Debug` never shows it, and [`PhoneNumber::masked`] is the form to show
//! where the full number is not needed.

use std::fmt;

use serde::Serialize;

use crate::text;

/// Whether a number rings a mobile phone or a fixed line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    /// 10 digits, `0` then 3, 5, 7, 8 or 9.
    Mobile,
    /// 11 digits starting `02` (area codes 02x and 02xx, e.g. 024 Hà Nội, 0222 Bắc Ninh).
    Landline,
}

/// Why a phone number is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing was typed.
    #[error("phone number is empty")]
    Empty,
    /// Something other than digits, spaces, dots, dashes, parentheses and one leading `+`.
    #[error("phone number has characters other than digits and separators")]
    InvalidCharacters,
    /// Too few or too many digits for the kind of number its prefix announces.
    #[error("phone number has the wrong number of digits")]
    WrongLength,
    /// Not a Vietnamese mobile or landline prefix (or a foreign country code).
    #[error("phone number has an unknown prefix")]
    UnknownPrefix,
}

impl PhoneError {
    /// The stable code of this refusal in the API.
    pub fn code(self) -> &'static str {
        match self {
            PhoneError::Empty => "phone_empty",
            PhoneError::InvalidCharacters => "phone_invalid",
            PhoneError::WrongLength => "phone_wrong_length",
            PhoneError::UnknownPrefix => "phone_unknown_prefix",
        }
    }
}

/// Most digits any accepted way of writing a number has ("0084" and an old 11-digit mobile number: 15).
const MAX_DIGITS: usize = 16;

/// Longest input looked at; anything longer cannot be a phone number, however it is spaced.
const MAX_INPUT_BYTES: usize = 256;

/// The 11-digit mobile prefixes retired in 2018–2019 and the 10-digit prefixes that replaced them.
///
/// Source: vietnam.md §6 (kynguyenso.plo.vn 05/2018, gsm.vn 29/05/2018). The last 7 digits were kept.
const OLD_MOBILE_PREFIXES: [(&str, &str); 21] = [
    // Viettel.
    ("0162", "032"),
    ("0163", "033"),
    ("0164", "034"),
    ("0165", "035"),
    ("0166", "036"),
    ("0167", "037"),
    ("0168", "038"),
    ("0169", "039"),
    // MobiFone.
    ("0120", "070"),
    ("0121", "079"),
    ("0122", "077"),
    ("0126", "076"),
    ("0128", "078"),
    // VinaPhone.
    ("0123", "083"),
    ("0124", "084"),
    ("0125", "085"),
    ("0127", "081"),
    ("0129", "082"),
    // Vietnamobile and Gmobile (0186, 0188 and 0199).
    ("0186", "056"),
    ("0188", "058"),
    ("0199", "059"),
];

/// A valid Vietnamese phone number in national form: only digits, with a leading `0`.
///
/// `Display`, [`PhoneNumber::as_str`] and serialisation give the full number; `Debug` prints
/// `PhoneNumber(***)` so the number never reaches a log through `{:?}`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a phone number as people write it.
    ///
    /// Accepted: spaces, dots, dashes and parentheses anywhere; a leading `+84` (also `(+84)`, and a redundant
    /// `0` after it as in `+84 0912…`), `0084`, or `84` when the whole number then has 11 or 12 digits, so it
    /// can only be the country code; full-width digits and separators (typed with a CJK input method), which
    /// are read as ASCII; a national number whose leading `0` was lost (a spreadsheet stored it as a number),
    /// when its length says so unambiguously (9 digits for a mobile, 10 for a landline or old mobile number).
    ///
    /// Old 11-digit mobile numbers (0162–0169, 0120–0129, 0186, 0188, 0199) are converted to the 10-digit
    /// form in use since the 2018–2019 change (vietnam.md §6): the new 3-digit prefix, then the last 7 digits,
    /// so "01662345678" becomes "0362345678".
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneError> {
        if input.len() > MAX_INPUT_BYTES {
            return Err(PhoneError::WrongLength);
        }
        let cleaned = text::clean(input);
        if cleaned.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (has_plus, digits) = digits_of(&cleaned)?;
        let national = national_form(has_plus, &digits)?;
        let number = match classify(&national)? {
            Classified::Current => national,
            Classified::Old(new_prefix) => {
                format!("{new_prefix}{}", &national[national.len() - 7..])
            }
        };
        Ok(PhoneNumber(number))
    }

    /// The number in national form, e.g. "0912345678".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with all but its first 3 and last 3 digits hidden, e.g. "091****678".
    pub fn masked(&self) -> String {
        mask_middle(&self.0)
    }

    /// Mobile or landline.
    pub fn kind(&self) -> PhoneKind {
        if self.0.starts_with("02") { PhoneKind::Landline } else { PhoneKind::Mobile }
    }
}

/// Keeps the first and last 3 digits and replaces the others by `*`; a string too short to keep anything
/// hidden is starred out entirely (a valid number always has 10 or 11 digits).
fn mask_middle(digits: &str) -> String {
    let len = digits.len();
    if len < 7 || !digits.is_ascii() {
        return "*".repeat(digits.chars().count());
    }
    format!("{}{}{}", &digits[..3], "*".repeat(len - 6), &digits[len - 3..])
}

/// Reads a digit, accepting the full-width forms (U+FF10..U+FF19) as well as ASCII.
fn digit_of(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '\u{FF10}'..='\u{FF19}' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')),
        _ => None,
    }
}

/// The digits of a cleaned input and whether it started with `+`; separators are skipped.
fn digits_of(cleaned: &str) -> Result<(bool, String), PhoneError> {
    let mut has_plus = false;
    let mut digits = String::with_capacity(MAX_DIGITS);
    for c in cleaned.chars() {
        if let Some(d) = digit_of(c) {
            if digits.len() == MAX_DIGITS {
                return Err(PhoneError::WrongLength);
            }
            digits.push(d);
        } else if matches!(c, '+' | '\u{FF0B}') {
            // A plus sign only makes sense once, before the first digit: "+84", "(+84)".
            if has_plus || !digits.is_empty() {
                return Err(PhoneError::InvalidCharacters);
            }
            has_plus = true;
        } else if !matches!(c, ' ' | '.' | '-' | '(' | ')' | '\u{FF0E}' | '\u{FF0D}' | '\u{FF08}' | '\u{FF09}') {
            return Err(PhoneError::InvalidCharacters);
        }
    }
    if digits.is_empty() {
        // Only separators ("--", "( )"): there is no number at all.
        return Err(PhoneError::WrongLength);
    }
    Ok((has_plus, digits))
}

/// Rewrites the digits to the national form with a single leading `0`.
fn national_form(has_plus: bool, digits: &str) -> Result<String, PhoneError> {
    let significant = if has_plus {
        // After "+", only Vietnam's country code is accepted; "+1 …" is a foreign number.
        let rest = digits.strip_prefix("84").ok_or(PhoneError::UnknownPrefix)?;
        rest.strip_prefix('0').unwrap_or(rest)
    } else if let Some(rest) = digits.strip_prefix("0084") {
        rest.strip_prefix('0').unwrap_or(rest)
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest
    } else if digits.starts_with("84") && matches!(digits.len(), 11 | 12) {
        // "84" + 9 digits (mobile) or + 10 digits (landline, old mobile). A 9- or 10-digit number starting
        // "84" is a national number whose 0 was lost instead (084… is a VinaPhone prefix).
        &digits[2..]
    } else {
        // The leading 0 was lost, typically by a spreadsheet; the length checks below decide if it fits.
        digits
    };
    Ok(format!("0{significant}"))
}

/// What a national-form number turned out to be.
enum Classified {
    /// A number in use in its current form (its kind is read from it again by [`PhoneNumber::kind`]).
    Current,
    /// An old 11-digit mobile number and the prefix that replaced its first 4 digits.
    Old(&'static str),
}

/// Checks the prefix and length of a national-form number.
fn classify(national: &str) -> Result<Classified, PhoneError> {
    let bytes = national.as_bytes();
    let len = national.len();
    match bytes.get(1) {
        Some(b'2') if len == 11 => Ok(Classified::Current),
        Some(b'2') => Err(PhoneError::WrongLength),
        Some(b'3' | b'5' | b'7' | b'8' | b'9') if len == 10 => Ok(Classified::Current),
        Some(b'3' | b'5' | b'7' | b'8' | b'9') => Err(PhoneError::WrongLength),
        Some(b'1') => {
            let old = OLD_MOBILE_PREFIXES.iter().find(|(old, _)| national.starts_with(old));
            match old {
                Some((_, new_prefix)) if len == 11 => Ok(Classified::Old(new_prefix)),
                Some(_) => Err(PhoneError::WrongLength),
                None => Err(PhoneError::UnknownPrefix),
            }
        }
        Some(_) => Err(PhoneError::UnknownPrefix),
        None => Err(PhoneError::WrongLength),
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Personal data must never reach logs, and `{:?}` is what ends up in them.
        f.write_str("PhoneNumber(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expected: Result<(&str, PhoneKind), PhoneError>) {
        let parsed = PhoneNumber::parse(input);
        let got = parsed.as_ref().map(|p| (p.as_str(), p.kind())).map_err(|e| *e);
        assert_eq!(got, expected, "PhoneNumber::parse({input:?})");
    }

    use PhoneKind::{Landline, Mobile};

    #[test]
    fn accepts_the_ways_people_write_numbers() {
        let cases = [
            ("0912345678", Ok(("0912345678", Mobile))),
            ("0912 345 678", Ok(("0912345678", Mobile))),
            ("  0912.345.678 ", Ok(("0912345678", Mobile))),
            ("0912-345-678", Ok(("0912345678", Mobile))),
            ("+84 912.345.678", Ok(("0912345678", Mobile))),
            ("+84912345678", Ok(("0912345678", Mobile))),
            ("84912345678", Ok(("0912345678", Mobile))),
            ("(+84) 912-345-678", Ok(("0912345678", Mobile))),
            ("0084912345678", Ok(("0912345678", Mobile))),
            ("00 84 912 345 678", Ok(("0912345678", Mobile))),
            ("+84 0912 345 678", Ok(("0912345678", Mobile))),
            ("(091) 234-5678", Ok(("0912345678", Mobile))),
            ("0912\u{00A0}345\u{00A0}678", Ok(("0912345678", Mobile))),
            ("09\u{200B}12345678\u{FEFF}", Ok(("0912345678", Mobile))),
            ("０９１２３４５６７８", Ok(("0912345678", Mobile))),
            ("＋８４　９１２．３４５．６７８", Ok(("0912345678", Mobile))),
            // The leading 0 lost by a spreadsheet.
            ("912345678", Ok(("0912345678", Mobile))),
            ("849123456", Ok(("0849123456", Mobile))),
            ("84849123456", Ok(("0849123456", Mobile))),
            ("+84 849 123 456", Ok(("0849123456", Mobile))),
            ("0362345678", Ok(("0362345678", Mobile))),
            ("0562345678", Ok(("0562345678", Mobile))),
            ("0702345678", Ok(("0702345678", Mobile))),
            ("0862345678", Ok(("0862345678", Mobile))),
            // Landlines: 11 digits, area code 02x or 02xx.
            ("0222.3456.789", Ok(("02223456789", Landline))),
            ("024 3825 1234", Ok(("02438251234", Landline))),
            ("(024) 3825-1234", Ok(("02438251234", Landline))),
            ("+84 24 3825 1234", Ok(("02438251234", Landline))),
            ("842438251234", Ok(("02438251234", Landline))),
            ("2438251234", Ok(("02438251234", Landline))),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn converts_old_eleven_digit_mobile_numbers() {
        let cases = [
            ("01662345678", "0362345678"),
            ("0162 234 5678", "0322345678"),
            ("01692345678", "0392345678"),
            ("01202345678", "0702345678"),
            ("01212345678", "0792345678"),
            ("01222345678", "0772345678"),
            ("01262345678", "0762345678"),
            ("01282345678", "0782345678"),
            ("01232345678", "0832345678"),
            ("01242345678", "0842345678"),
            ("01252345678", "0852345678"),
            ("01272345678", "0812345678"),
            ("01292345678", "0822345678"),
            ("01862345678", "0562345678"),
            ("01882345678", "0582345678"),
            ("01992345678", "0592345678"),
            ("+84 166 234 5678", "0362345678"),
            ("841662345678", "0362345678"),
            ("1662345678", "0362345678"),
        ];
        for (input, expected) in cases {
            check(input, Ok((expected, Mobile)));
        }
    }

    #[test]
    fn refuses_what_is_not_a_vietnamese_number() {
        let cases = [
            ("", PhoneError::Empty),
            ("   ", PhoneError::Empty),
            ("\u{200B}\u{FEFF}", PhoneError::Empty),
            ("091234567", PhoneError::WrongLength),
            ("09123456789", PhoneError::WrongLength),
            ("0222345678", PhoneError::WrongLength),
            ("022234567890", PhoneError::WrongLength),
            ("0166234567", PhoneError::WrongLength),
            ("0", PhoneError::WrongLength),
            ("--", PhoneError::WrongLength),
            ("0612345678", PhoneError::UnknownPrefix),
            ("0412345678", PhoneError::UnknownPrefix),
            ("0012345678", PhoneError::UnknownPrefix),
            ("01302345678", PhoneError::UnknownPrefix),
            ("+1 202 555 0100", PhoneError::UnknownPrefix),
            ("+0912345678", PhoneError::UnknownPrefix),
            ("0912345678a", PhoneError::InvalidCharacters),
            ("09l2345678", PhoneError::InvalidCharacters),
            ("0912/345/678", PhoneError::InvalidCharacters),
            ("09\0", PhoneError::WrongLength),
            ("=0912345678", PhoneError::InvalidCharacters),
            ("0912+345678", PhoneError::InvalidCharacters),
            ("++84912345678", PhoneError::InvalidCharacters),
            ("٠٩١٢٣٤٥٦٧٨", PhoneError::InvalidCharacters),
            ("0912345678; DROP TABLE", PhoneError::InvalidCharacters),
        ];
        for (input, expected) in cases {
            check(input, Err(expected));
        }
        check(&"0".repeat(10_000), Err(PhoneError::WrongLength));
        check(&"09123".repeat(5), Err(PhoneError::WrongLength));
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(PhoneError::Empty.code(), "phone_empty");
        assert_eq!(PhoneError::InvalidCharacters.code(), "phone_invalid");
        assert_eq!(PhoneError::WrongLength.code(), "phone_wrong_length");
        assert_eq!(PhoneError::UnknownPrefix.code(), "phone_unknown_prefix");
    }

    #[test]
    fn nul_is_dropped_like_every_control_character() {
        // Cleaning removes NUL, so it cannot smuggle anything past the digit check.
        check("0912\x00345678", Ok(("0912345678", Mobile)));
    }

    #[test]
    fn masks_and_hides_from_debug() -> Result<(), PhoneError> {
        let mobile = PhoneNumber::parse("0912 345 678")?;
        assert_eq!(mobile.masked(), "091****678");
        assert_eq!(format!("{mobile:?}"), "PhoneNumber(***)");
        assert_eq!(mobile.to_string(), "0912345678");
        let landline = PhoneNumber::parse("0222.3456.789")?;
        assert_eq!(landline.masked(), "022*****789");
        assert!(!format!("{landline:?}").contains("3456"));
        assert_eq!(mask_middle("12345"), "*****");
        assert_eq!(mask_middle(""), "");
        Ok(())
    }
}
