//! The 12-digit personal identification number (số định danh cá nhân) printed on the CCCD / thẻ căn cước.
//!
//! It is stored as text (leading zeros matter), never shown whole where a masked form will do, and never
//! printed by `Debug`.

use std::fmt;

use serde::Serialize;

use crate::register::Gender;
use crate::text;

/// Why a CCCD number is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CccdError {
    /// Nothing was typed.
    #[error("CCCD number is empty")]
    Empty,
    /// Something other than digits, spaces and dots.
    #[error("CCCD number has characters other than digits")]
    InvalidCharacters,
    /// Not exactly 12 digits.
    #[error("CCCD number does not have 12 digits")]
    WrongLength,
    /// The first 3 digits are not one of the 63 province codes used for birth registration.
    #[error("CCCD number starts with an unknown province code")]
    UnknownProvince,
}

impl CccdError {
    /// The stable code of this refusal in the API. Empty and malformed numbers share `cccd_invalid`: the
    /// message to the person ("exactly 12 digits") is the same.
    pub fn code(self) -> &'static str {
        match self {
            CccdError::Empty | CccdError::InvalidCharacters | CccdError::WrongLength => "cccd_invalid",
            CccdError::UnknownProvince => "cccd_unknown_province",
        }
    }
}

/// Number of digits of a CCCD number (Luật Căn cước 2023, Điều 12; NĐ 137/2015, Điều 13).
const DIGITS: usize = 12;

/// Longest input looked at; anything longer cannot be a CCCD number, however it is spaced.
const MAX_INPUT_BYTES: usize = 128;

/// The codes of the 63 provinces before the 2025 merger, as used in the first 3 digits (TT 07/2016/TT-BCA).
const OLD_PROVINCE_CODES: [&str; 63] = [
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024", "025",
    "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045", "046", "048",
    "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
    "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
];

/// A structurally valid 12-digit CCCD number.
///
/// Layout: 3 digits of the province where the birth was registered, 1 digit of century and gender, 2 digits
/// of the birth year, 6 random digits. There is no public checksum, so a well-formed number may still belong
/// to nobody. `Display`, [`Cccd::as_str`] and serialisation give the whole number; `Debug` prints `Cccd(***)`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Cccd(String);

impl Cccd {
    /// Parses a CCCD number; spaces and dots between digits are ignored ("001 090 012 345"), and full-width
    /// digits are read as ASCII like in phone numbers.
    ///
    /// The number is not checked against a date: a century digit of 4 to 9 (births from 2100) is
    /// well-formed; compare [`Cccd::birth_year`] with the declared year instead.
    pub fn parse(input: &str) -> Result<Cccd, CccdError> {
        if input.len() > MAX_INPUT_BYTES {
            return Err(CccdError::WrongLength);
        }
        let cleaned = text::clean(input);
        if cleaned.is_empty() {
            return Err(CccdError::Empty);
        }
        let mut digits = String::with_capacity(DIGITS);
        for c in cleaned.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '\u{FF10}'..='\u{FF19}' => {
                    digits.extend(char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')));
                }
                ' ' | '.' | '\u{FF0E}' => {}
                _ => return Err(CccdError::InvalidCharacters),
            }
        }
        if digits.len() != DIGITS {
            return Err(CccdError::WrongLength);
        }
        if !OLD_PROVINCE_CODES.contains(&&digits[..3]) {
            return Err(CccdError::UnknownProvince);
        }
        Ok(Cccd(digits))
    }

    /// The whole number, 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 3 digits: the province (or country) where the birth was registered.
    ///
    /// These are the **old 63-province codes** (001 Hà Nội, 024 Bắc Giang, 079 TP.HCM…). Never map them to
    /// the province codes of QĐ 19/2025/QĐ-TTg: there, 24 means the new Bắc Ninh, not Bắc Giang.
    pub fn province_prefix(&self) -> &str {
        &self.0[..3]
    }

    /// The 4th digit, which encodes the century of birth and the gender.
    fn century_gender_digit(&self) -> u32 {
        self.0.as_bytes().get(3).map_or(0, |b| u32::from(b.saturating_sub(b'0')))
    }

    /// The year of birth the number encodes: century from the 4th digit (0/1 → 1900s, 2/3 → 2000s,
    /// 4/5 → 2100s, 6/7 → 2200s, 8/9 → 2300s), then the 5th and 6th digits.
    pub fn birth_year(&self) -> i32 {
        let century = 1900 + 100 * (self.century_gender_digit() / 2);
        let year_in_century = self.0[4..6].bytes().fold(0, |acc, b| acc * 10 + u32::from(b.saturating_sub(b'0')));
        // At most 2399, which fits an i32.
        i32::try_from(century + year_in_century).unwrap_or(i32::MAX)
    }

    /// The gender the number encodes: an even 4th digit is male, an odd one female.
    pub fn gender(&self) -> Gender {
        if self.century_gender_digit().is_multiple_of(2) { Gender::Male } else { Gender::Female }
    }

    /// Whether a declared year of birth matches the one encoded in the number.
    pub fn check_birth_year(&self, declared: i32) -> bool {
        self.birth_year() == declared
    }

    /// The number with only its last 3 digits visible, e.g. "*********789".
    pub fn masked(&self) -> String {
        format!("{}{}", "*".repeat(DIGITS - 3), &self.0[DIGITS - 3..])
    }
}

impl fmt::Display for Cccd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Cccd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Personal data must never reach logs, and `{:?}` is what ends up in them.
        f.write_str("Cccd(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expected: Result<&str, CccdError>) {
        let parsed = Cccd::parse(input);
        assert_eq!(parsed.as_ref().map(Cccd::as_str).map_err(|e| *e), expected, "Cccd::parse({input:?})");
    }

    #[test]
    fn parses_numbers_as_people_type_them() {
        let cases = [
            ("001090012345", Ok("001090012345")),
            ("001 090 012 345", Ok("001090012345")),
            ("  001.090.012.345 ", Ok("001090012345")),
            ("079 3 05 123456", Ok("079305123456")),
            ("０４０１８５１２３４５６", Ok("040185123456")),
            ("0010\u{200B}90012345", Ok("001090012345")),
            ("096999999999", Ok("096999999999")),
            ("", Err(CccdError::Empty)),
            ("  \u{00A0} ", Err(CccdError::Empty)),
            // Leading zeros lost by a spreadsheet that read the number as a number.
            ("1090012345", Err(CccdError::WrongLength)),
            ("00109001234", Err(CccdError::WrongLength)),
            ("0010900123456", Err(CccdError::WrongLength)),
            ("001-090-012-345", Err(CccdError::InvalidCharacters)),
            ("00109001234O", Err(CccdError::InvalidCharacters)),
            ("001090012345\0", Ok("001090012345")),
            ("1.2e11", Err(CccdError::InvalidCharacters)),
            ("' OR '1'='1", Err(CccdError::InvalidCharacters)),
            ("000090012345", Err(CccdError::UnknownProvince)),
            ("003090012345", Err(CccdError::UnknownProvince)),
            ("097090012345", Err(CccdError::UnknownProvince)),
            ("100090012345", Err(CccdError::UnknownProvince)),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
        check(&"1".repeat(10_000), Err(CccdError::WrongLength));
    }

    #[test]
    fn every_old_province_code_is_accepted() {
        assert_eq!(OLD_PROVINCE_CODES.len(), 63);
        for code in OLD_PROVINCE_CODES {
            let number = format!("{code}090012345");
            check(&number, Ok(&number));
        }
    }

    #[test]
    fn derives_birth_year_and_gender() -> Result<(), CccdError> {
        let cases = [
            ("001090012345", 1990, Gender::Male),
            ("001185012345", 1985, Gender::Female),
            ("079200012345", 2000, Gender::Male),
            ("079312012345", 2012, Gender::Female),
            ("024400012345", 2100, Gender::Male),
            ("024599012345", 2199, Gender::Female),
            ("031601012345", 2201, Gender::Male),
            ("031702012345", 2202, Gender::Female),
            ("048803012345", 2303, Gender::Male),
            ("048999012345", 2399, Gender::Female),
            ("040045012345", 1945, Gender::Male),
        ];
        for (input, year, gender) in cases {
            let cccd = Cccd::parse(input)?;
            assert_eq!(cccd.birth_year(), year, "{input}");
            assert_eq!(cccd.gender(), gender, "{input}");
            assert!(cccd.check_birth_year(year), "{input}");
            assert!(!cccd.check_birth_year(year + 100), "{input}");
            assert!(!cccd.check_birth_year(year - 1), "{input}");
        }
        Ok(())
    }

    #[test]
    fn keeps_the_old_province_prefix() -> Result<(), CccdError> {
        // 024 is old Bắc Giang, whatever code 24 means after the 2025 merger.
        assert_eq!(Cccd::parse("024190012345")?.province_prefix(), "024");
        assert_eq!(Cccd::parse("001190012345")?.province_prefix(), "001");
        Ok(())
    }

    #[test]
    fn masks_and_hides_from_debug() -> Result<(), CccdError> {
        let cccd = Cccd::parse("001090123789")?;
        assert_eq!(cccd.masked(), "*********789");
        assert_eq!(format!("{cccd:?}"), "Cccd(***)");
        assert_eq!(format!("{:?}", Some(&cccd)), "Some(Cccd(***))");
        assert_eq!(cccd.to_string(), "001090123789");
        Ok(())
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(CccdError::Empty.code(), "cccd_invalid");
        assert_eq!(CccdError::InvalidCharacters.code(), "cccd_invalid");
        assert_eq!(CccdError::WrongLength.code(), "cccd_invalid");
        assert_eq!(CccdError::UnknownProvince.code(), "cccd_unknown_province");
    }
}
