//! Dates as Vietnam reads and writes them: the +07:00 offset, `dd/mm/yyyy`, the official date line of
//! Nghị định 30, and years of birth.
//!
//! Nothing here reads the clock: the current date or instant is always a parameter.

use serde::Serialize;
use time::macros::offset;
use time::{Date, Month, OffsetDateTime, UtcOffset};

use crate::text;

/// The offset of Vietnam time (Asia/Ho_Chi_Minh), UTC+07:00.
///
/// A fixed offset is exact for every date the product handles: Vietnam has kept UTC+07:00 without daylight
/// saving time since 1975 (the last change in the tz database is the 1975-06-13 reunification switch).
pub const VIETNAM_OFFSET: UtcOffset = offset!(+7);

/// The earliest year any date or year of birth may have.
const MIN_YEAR: i32 = 1900;

/// The latest year a date may have.
const MAX_YEAR: i32 = 2100;

/// The calendar date in Vietnam at an instant.
pub fn vietnam_date(instant: OffsetDateTime) -> Date {
    to_vietnam(instant).date()
}

/// The instant in Vietnam time. At the very end of the supported range (31/12/9999 after 17:00 UTC), where
/// the shift would overflow, the instant is kept in its own offset rather than panicking.
fn to_vietnam(instant: OffsetDateTime) -> OffsetDateTime {
    instant.checked_to_offset(VIETNAM_OFFSET).unwrap_or(instant)
}

/// Why a date is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Nothing was typed.
    #[error("date is empty")]
    Empty,
    /// Not `dd/mm/yyyy` (or `-`, `.` as separators) nor `yyyy-mm-dd`.
    #[error("date is not in the form dd/mm/yyyy")]
    InvalidFormat,
    /// The parts are numbers but no such day exists, e.g. 31/02/2025 or 00/13/2025.
    #[error("no such day")]
    Impossible,
    /// The year is before 1900 or after 2100.
    #[error("the year is outside 1900..=2100")]
    OutOfRange,
}

impl DateError {
    /// The stable code of this refusal in the API.
    pub fn code(self) -> &'static str {
        match self {
            DateError::Empty => "date_empty",
            DateError::InvalidFormat => "date_invalid_format",
            DateError::Impossible => "date_impossible",
            DateError::OutOfRange => "date_out_of_range",
        }
    }
}

/// Reads a number made only of ASCII digits, at least `min` and at most `max` of them.
///
/// `str::parse` would also accept a sign ("+5"), which no date or year is written with.
fn number(part: &str, min: usize, max: usize) -> Option<u32> {
    if part.len() < min || part.len() > max || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// Parses a date as typed in a Vietnamese form or sent by an HTML date input.
///
/// Accepted: `dd/mm/yyyy` and `d/m/yyyy`, with `/`, `-` or `.` as the (same) separator, and ISO
/// `yyyy-mm-dd`. Two-digit years are refused: "01/02/45" could be 1945 or 2045, and a date of birth must
/// not be guessed. Years must lie in 1900..=2100.
pub fn parse_date_vn(input: &str) -> Result<Date, DateError> {
    if input.len() > 64 {
        return Err(DateError::InvalidFormat);
    }
    let cleaned = text::clean(input);
    if cleaned.is_empty() {
        return Err(DateError::Empty);
    }
    let separator = cleaned.chars().find(|c| matches!(c, '/' | '-' | '.')).ok_or(DateError::InvalidFormat)?;
    let parts: Vec<&str> = cleaned.split(separator).collect();
    let [first, second, third] = parts.as_slice() else {
        return Err(DateError::InvalidFormat);
    };
    let (year, month, day) = if separator == '-' && first.len() == 4 {
        (number(first, 4, 4), number(second, 1, 2), number(third, 1, 2))
    } else {
        (number(third, 4, 4), number(second, 1, 2), number(first, 1, 2))
    };
    let (Some(year), Some(month), Some(day)) = (year, month, day) else {
        return Err(DateError::InvalidFormat);
    };
    // Four ASCII digits always fit an i32.
    let year = i32::try_from(year).map_err(|_| DateError::OutOfRange)?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(DateError::OutOfRange);
    }
    let month = u8::try_from(month).ok().and_then(|m| Month::try_from(m).ok()).ok_or(DateError::Impossible)?;
    let day = u8::try_from(day).map_err(|_| DateError::Impossible)?;
    Date::from_calendar_date(year, month, day).map_err(|_| DateError::Impossible)
}

/// A date as forms and lists show it: "05/02/2026".
pub fn format_date_vn(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), u8::from(date.month()), date.year())
}

/// An instant in Vietnam time as lists show it: "05/02/2026 14:03".
pub fn format_datetime_vn(instant: OffsetDateTime) -> String {
    let local = to_vietnam(instant);
    format!("{} {:02}:{:02}", format_date_vn(local.date()), local.hour(), local.minute())
}

/// The date as written in the date line of an administrative document: "ngày 05 tháng 02 năm 2026".
///
/// Rule of Nghị định 30/2020/NĐ-CP (công tác văn thư), as summarised in vietnam.md §2.2: the date is written
/// in full with Arabic numerals, and days under 10 and the months 1 and 2 take a leading 0, so
/// "ngày 05 tháng 02 năm 2026" but "ngày 15 tháng 3 năm 2026". (The usual explanation: a lone "1" or "2"
/// could be turned into 11 or 12 by hand afterwards.) The place name before it ("Châu Nga, ") is the
/// caller's.
pub fn format_date_official(date: Date) -> String {
    let month = u8::from(date.month());
    if month <= 2 {
        format!("ngày {:02} tháng {:02} năm {}", date.day(), month, date.year())
    } else {
        format!("ngày {:02} tháng {} năm {}", date.day(), month, date.year())
    }
}

/// Why a year of birth is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BirthYearError {
    /// Nothing was typed.
    #[error("year of birth is empty")]
    Empty,
    /// Not a plain number of at most 4 digits ("1e3", "19a0", "-1", "1990.0").
    #[error("year of birth is not a year")]
    NotAYear,
    /// Before 1900.
    #[error("year of birth is before 1900")]
    TooEarly,
    /// After the current year.
    #[error("year of birth is in the future")]
    InFuture,
}

impl BirthYearError {
    /// The stable code of this refusal in the API: `birth_year_invalid` when no year was read,
    /// `birth_year_out_of_range` when the year is before 1900 or in the future.
    pub fn code(self) -> &'static str {
        match self {
            BirthYearError::Empty | BirthYearError::NotAYear => "birth_year_invalid",
            BirthYearError::TooEarly | BirthYearError::InFuture => "birth_year_out_of_range",
        }
    }
}

/// A year of birth between 1900 and the current year, both included.
///
/// Many residents know only their year of birth, so the register keeps a year, not a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BirthYear(i32);

impl BirthYear {
    /// Parses a year typed as text: 1 to 4 ASCII digits after trimming, then checked like
    /// [`BirthYear::from_year`]. `today` is the current date in Vietnam.
    pub fn parse(input: &str, today: Date) -> Result<BirthYear, BirthYearError> {
        if input.len() > 64 {
            return Err(BirthYearError::NotAYear);
        }
        let cleaned = text::clean(input);
        if cleaned.is_empty() {
            return Err(BirthYearError::Empty);
        }
        let year = number(&cleaned, 1, 4).ok_or(BirthYearError::NotAYear)?;
        let year = i32::try_from(year).map_err(|_| BirthYearError::NotAYear)?;
        BirthYear::from_year(year, today)
    }

    /// Checks a year given as a number: 1900 ..= the year of `today`, the current date in Vietnam.
    pub fn from_year(year: i32, today: Date) -> Result<BirthYear, BirthYearError> {
        if year < MIN_YEAR {
            Err(BirthYearError::TooEarly)
        } else if year > today.year() {
            Err(BirthYearError::InFuture)
        } else {
            Ok(BirthYear(year))
        }
    }

    /// The year.
    pub fn value(self) -> i32 {
        self.0
    }

    /// The age reached during the year of `date`: the difference of the years, 0 if `date` is earlier.
    ///
    /// Without a birthday this is approximate (one year too high before the birthday), which is how reports
    /// count age groups ("người từ 60 tuổi trở lên" in a given year).
    pub fn age_on(self, date: Date) -> u16 {
        u16::try_from(date.year().saturating_sub(self.0).max(0)).unwrap_or(u16::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[track_caller]
    fn check(input: &str, expected: Result<Date, DateError>) {
        assert_eq!(parse_date_vn(input), expected, "parse_date_vn({input:?})");
    }

    #[track_caller]
    fn check_year(input: &str, expected: Result<i32, BirthYearError>) {
        let today = date!(2026 - 02 - 05);
        assert_eq!(BirthYear::parse(input, today).map(BirthYear::value), expected, "BirthYear::parse({input:?})");
    }

    #[test]
    fn parses_dates_as_typed() {
        let cases = [
            ("05/02/2026", Ok(date!(2026 - 02 - 05))),
            ("5/2/2026", Ok(date!(2026 - 02 - 05))),
            ("05-02-2026", Ok(date!(2026 - 02 - 05))),
            ("05.02.2026", Ok(date!(2026 - 02 - 05))),
            (" 5.2.2026 ", Ok(date!(2026 - 02 - 05))),
            ("2026-02-05", Ok(date!(2026 - 02 - 05))),
            ("2026-2-5", Ok(date!(2026 - 02 - 05))),
            ("\u{FEFF}05/02/2026\u{200B}", Ok(date!(2026 - 02 - 05))),
            ("29/02/2024", Ok(date!(2024 - 02 - 29))),
            ("01/01/1900", Ok(date!(1900 - 01 - 01))),
            ("31/12/2100", Ok(date!(2100 - 12 - 31))),
            ("", Err(DateError::Empty)),
            ("   ", Err(DateError::Empty)),
            ("31/02/2025", Err(DateError::Impossible)),
            ("29/02/2025", Err(DateError::Impossible)),
            ("00/01/2025", Err(DateError::Impossible)),
            ("01/13/2025", Err(DateError::Impossible)),
            ("01/00/2025", Err(DateError::Impossible)),
            ("2025-02-30", Err(DateError::Impossible)),
            ("31/12/1899", Err(DateError::OutOfRange)),
            ("01/01/2101", Err(DateError::OutOfRange)),
            ("1800-01-01", Err(DateError::OutOfRange)),
            ("05/02/26", Err(DateError::InvalidFormat)),
            ("05/02-2026", Err(DateError::InvalidFormat)),
            ("05/02/2026/1", Err(DateError::InvalidFormat)),
            ("05022026", Err(DateError::InvalidFormat)),
            ("+5/2/2026", Err(DateError::InvalidFormat)),
            ("5/-2/2026", Err(DateError::InvalidFormat)),
            ("005/02/2026", Err(DateError::InvalidFormat)),
            ("05 / 02 / 2026", Err(DateError::InvalidFormat)),
            ("ngày 5 tháng 2", Err(DateError::InvalidFormat)),
            ("０５/０２/２０２６", Err(DateError::InvalidFormat)),
            ("2026-02-05T10:00", Err(DateError::InvalidFormat)),
            ("' OR '1'='1", Err(DateError::InvalidFormat)),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
        check(&"1".repeat(10_000), Err(DateError::InvalidFormat));
    }

    #[test]
    fn formats_dates() {
        assert_eq!(format_date_vn(date!(2026 - 02 - 05)), "05/02/2026");
        assert_eq!(format_date_vn(date!(2025 - 12 - 31)), "31/12/2025");
        // 07:03 UTC is 14:03 in Vietnam; 20:00 UTC on the 4th is already the 5th.
        assert_eq!(format_datetime_vn(datetime!(2026-02-05 07:03 UTC)), "05/02/2026 14:03");
        assert_eq!(format_datetime_vn(datetime!(2026-02-04 20:00 UTC)), "05/02/2026 03:00");
        assert_eq!(format_datetime_vn(datetime!(2026-02-05 14:03 +7)), "05/02/2026 14:03");
        assert_eq!(format_datetime_vn(datetime!(9999-12-31 23:59 UTC)), "31/12/9999 23:59");
        assert_eq!(vietnam_date(datetime!(2025-12-31 17:00 UTC)), date!(2026 - 01 - 01));
        assert_eq!(vietnam_date(datetime!(2025-12-31 16:59 UTC)), date!(2025 - 12 - 31));
    }

    #[test]
    fn formats_the_official_date_line() {
        let cases = [
            (date!(2026 - 02 - 05), "ngày 05 tháng 02 năm 2026"),
            (date!(2026 - 01 - 15), "ngày 15 tháng 01 năm 2026"),
            (date!(2026 - 03 - 05), "ngày 05 tháng 3 năm 2026"),
            (date!(2026 - 09 - 10), "ngày 10 tháng 9 năm 2026"),
            (date!(2025 - 12 - 31), "ngày 31 tháng 12 năm 2025"),
            (date!(2020 - 03 - 05), "ngày 05 tháng 3 năm 2020"),
        ];
        for (date, expected) in cases {
            assert_eq!(format_date_official(date), expected);
        }
    }

    #[test]
    fn parses_years_of_birth() {
        let cases = [
            ("1990", Ok(1990)),
            (" 1945 ", Ok(1945)),
            ("1900", Ok(1900)),
            ("2026", Ok(2026)),
            ("", Err(BirthYearError::Empty)),
            ("  ", Err(BirthYearError::Empty)),
            ("1e3", Err(BirthYearError::NotAYear)),
            ("19a0", Err(BirthYearError::NotAYear)),
            ("-1", Err(BirthYearError::NotAYear)),
            ("+1990", Err(BirthYearError::NotAYear)),
            ("1990.0", Err(BirthYearError::NotAYear)),
            ("19 90", Err(BirthYearError::NotAYear)),
            ("１９９０", Err(BirthYearError::NotAYear)),
            ("01990", Err(BirthYearError::NotAYear)),
            ("1800", Err(BirthYearError::TooEarly)),
            ("0", Err(BirthYearError::TooEarly)),
            ("1899", Err(BirthYearError::TooEarly)),
            ("2027", Err(BirthYearError::InFuture)),
            ("2100", Err(BirthYearError::InFuture)),
        ];
        for (input, expected) in cases {
            check_year(input, expected);
        }
        check_year(&"9".repeat(10_000), Err(BirthYearError::NotAYear));
    }

    #[test]
    fn checks_years_given_as_numbers() {
        let today = date!(2026 - 02 - 05);
        assert_eq!(BirthYear::from_year(1960, today).map(BirthYear::value), Ok(1960));
        assert_eq!(BirthYear::from_year(1800, today), Err(BirthYearError::TooEarly));
        assert_eq!(BirthYear::from_year(2100, today), Err(BirthYearError::InFuture));
        assert_eq!(BirthYear::from_year(-1, today), Err(BirthYearError::TooEarly));
        assert_eq!(BirthYear::from_year(i32::MAX, today), Err(BirthYearError::InFuture));
    }

    #[test]
    fn age_is_the_difference_of_years() -> Result<(), BirthYearError> {
        let today = date!(2026 - 02 - 05);
        let year = BirthYear::parse("1966", today)?;
        assert_eq!(year.age_on(today), 60);
        assert_eq!(year.age_on(date!(2026 - 12 - 31)), 60);
        assert_eq!(year.age_on(date!(1966 - 06 - 01)), 0);
        assert_eq!(year.age_on(date!(1950 - 01 - 01)), 0);
        Ok(())
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(DateError::Empty.code(), "date_empty");
        assert_eq!(DateError::InvalidFormat.code(), "date_invalid_format");
        assert_eq!(DateError::Impossible.code(), "date_impossible");
        assert_eq!(DateError::OutOfRange.code(), "date_out_of_range");
        assert_eq!(BirthYearError::Empty.code(), "birth_year_invalid");
        assert_eq!(BirthYearError::NotAYear.code(), "birth_year_invalid");
        assert_eq!(BirthYearError::TooEarly.code(), "birth_year_out_of_range");
        assert_eq!(BirthYearError::InFuture.code(), "birth_year_out_of_range");
    }
}
