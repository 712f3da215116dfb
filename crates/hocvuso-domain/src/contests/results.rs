//! A contest's results: the attempt that counts for each entrant, the unit ranking ("giải tập thể") and the prizes
//! written on winners' certificates ("Giấy chứng nhận").

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::{RankEntry, implausibly_fast};
use crate::ids::{AttemptId, CertificateId, ContestId, EntrantId};
use crate::person_name::PersonName;
use crate::phone::PhoneNumber;

/// The submitted attempt that counts for one entrant (by the contest's [`AttemptCounting`](super::setup::AttemptCounting)),
/// with who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountedAttempt {
    /// The registration.
    pub entrant_id: EntrantId,
    /// Full name as registered.
    pub full_name: PersonName,
    /// Birth year.
    pub birth_year: i32,
    /// Phone number (pages show it masked, and only to staff).
    pub phone: PhoneNumber,
    /// The unit chosen at registration.
    pub unit: String,
    /// The attempt.
    pub attempt_id: AttemptId,
    /// Which attempt of the entrant it is (1, 2…).
    pub attempt_number: u32,
    /// When the server started it.
    pub started_at: OffsetDateTime,
    /// When it was submitted.
    pub submitted_at: OffsetDateTime,
    /// Right answers.
    pub score: u32,
    /// The prediction of the number of entrants, if given.
    pub prediction: Option<u64>,
    /// How many questions were answered.
    pub answered: u32,
}

impl CountedAttempt {
    /// Time from start to submission, never negative.
    pub fn time_taken(&self) -> Duration {
        (self.submitted_at - self.started_at).max(Duration::ZERO)
    }

    /// What the ranking compares.
    pub fn rank_entry(&self) -> RankEntry {
        RankEntry {
            score: self.score,
            prediction: self.prediction,
            time_taken: self.time_taken(),
            submitted_at: self.submitted_at,
        }
    }

    /// Whether the attempt was answered faster than a person can read (flagged for the organiser).
    pub fn implausibly_fast(&self) -> bool {
        implausibly_fast(usize::try_from(self.answered).unwrap_or(usize::MAX), self.time_taken())
    }
}

/// One unit's line of the unit ranking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitStanding {
    /// Its place; equal units share one.
    pub place: usize,
    /// The unit.
    pub unit: String,
    /// Entrants of the unit with a counted attempt.
    pub participants: u32,
    /// The sum of their scores.
    pub total_score: u64,
    /// The best score among them.
    pub best_score: u32,
}

impl UnitStanding {
    /// The average score of the unit's participants.
    pub fn average_score(&self) -> f64 {
        if self.participants == 0 { 0.0 } else { self.total_score as f64 / f64::from(self.participants) }
    }

    /// Higher average first (compared exactly, as fractions), then more participants.
    fn compare(&self, other: &UnitStanding) -> Ordering {
        let mine = u128::from(self.total_score) * u128::from(other.participants);
        let theirs = u128::from(other.total_score) * u128::from(self.participants);
        theirs.cmp(&mine).then_with(|| other.participants.cmp(&self.participants))
    }
}

/// Ranks units from their participants' `(unit, score)`: higher average score first, then more participants; units
/// equal on both share a place and are listed in `name_order`. Units without participants are not listed.
pub fn rank_units<'a>(
    scores: impl IntoIterator<Item = (&'a str, u32)>,
    name_order: impl Fn(&str, &str) -> Ordering,
) -> Vec<UnitStanding> {
    let mut by_unit: HashMap<&str, UnitStanding> = HashMap::new();
    for (unit, score) in scores {
        let standing = by_unit.entry(unit).or_insert_with(|| UnitStanding {
            place: 0,
            unit: unit.to_owned(),
            participants: 0,
            total_score: 0,
            best_score: 0,
        });
        standing.participants += 1;
        standing.total_score += u64::from(score);
        standing.best_score = standing.best_score.max(score);
    }
    let mut units: Vec<UnitStanding> = by_unit.into_values().collect();
    units.sort_by(|a, b| a.compare(b).then_with(|| name_order(&a.unit, &b.unit)));
    for index in 0..units.len() {
        units[index].place = match index.checked_sub(1) {
            Some(previous) if units[previous].compare(&units[index]) == Ordering::Equal => units[previous].place,
            _ => index + 1,
        };
    }
    units
}

/// An individual prize, as Vietnamese contests award them (`../shared/context/vietnam.md` §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Award {
    /// Giải Nhất.
    First,
    /// Giải Nhì.
    Second,
    /// Giải Ba.
    Third,
    /// Giải Khuyến khích.
    Consolation,
}

impl Award {
    /// Every prize, highest first.
    pub const ALL: [Award; 4] = [Award::First, Award::Second, Award::Third, Award::Consolation];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Award::First => "first",
            Award::Second => "second",
            Award::Third => "third",
            Award::Consolation => "consolation",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Award> {
        Award::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The prize's name as printed on a certificate (a Vietnamese document in any locale).
    pub fn vietnamese(self) -> &'static str {
        match self {
            Award::First => "Giải Nhất",
            Award::Second => "Giải Nhì",
            Award::Third => "Giải Ba",
            Award::Consolation => "Giải Khuyến khích",
        }
    }
}

/// Most certificates one issue gives.
pub const MAX_WINNERS: u32 = 500;

/// How many prizes of each kind the organiser awards, best places first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prizes {
    /// Giải Nhất.
    pub first: u32,
    /// Giải Nhì.
    pub second: u32,
    /// Giải Ba.
    pub third: u32,
    /// Giải Khuyến khích.
    pub consolation: u32,
}

impl Default for Prizes {
    /// One first prize, two second, three third, four consolation: the top 10.
    fn default() -> Prizes {
        Prizes { first: 1, second: 2, third: 3, consolation: 4 }
    }
}

impl Prizes {
    /// The number of winners (`N` of "the top N").
    pub fn winners(&self) -> u32 {
        self.first.saturating_add(self.second).saturating_add(self.third).saturating_add(self.consolation)
    }

    /// Whether the organiser's numbers can be awarded: at least one prize, at most [`MAX_WINNERS`].
    pub fn is_valid(&self) -> bool {
        (1..=MAX_WINNERS).contains(&self.winners())
    }

    /// The prize of a place (1-based). Prizes go by place, so entries sharing a place share the prize, and a tie
    /// on the last winning place wins too (more certificates than `N`, never an arbitrary choice between equals).
    pub fn award_for(&self, place: usize) -> Option<Award> {
        let place = u64::try_from(place).ok()?;
        let mut limit = 0u64;
        let counts = [self.first, self.second, self.third, self.consolation];
        for (award, count) in Award::ALL.into_iter().zip(counts) {
            limit += u64::from(count);
            if place >= 1 && place <= limit {
                return Some(award);
            }
        }
        None
    }
}

/// A certificate to issue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCertificate {
    /// The winner.
    pub entrant_id: EntrantId,
    /// Their place when it was issued.
    pub place: u32,
    /// Their prize.
    pub award: Award,
    /// Their score.
    pub score: u32,
    /// The verification code printed as a QR code (random, unguessable).
    pub code: String,
}

/// An issued certificate, with the winner's name and unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// Its id.
    pub id: CertificateId,
    /// The contest.
    pub contest_id: ContestId,
    /// The winner.
    pub entrant_id: EntrantId,
    /// The verification code.
    pub code: String,
    /// The place when it was issued.
    pub place: u32,
    /// The prize.
    pub award: Award,
    /// The score.
    pub score: u32,
    /// The winner's name.
    pub full_name: PersonName,
    /// The winner's unit.
    pub unit: String,
    /// When it was issued.
    pub issued_at: OffsetDateTime,
    /// When and why it was revoked, if it was.
    pub revoked: Option<Revocation>,
}

// contests: certificate revocation

/// Longest reason for revoking a certificate, in characters.
pub const MAX_REVOCATION_REASON_CHARS: usize = 500;

/// A certificate's revocation: the paper no longer proves anything, and its page says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    /// When.
    pub at: OffsetDateTime,
    /// Why, as staff wrote it.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_rank_by_average_then_participants_and_equal_units_share_a_place() {
        let scores = [
            ("Thôn Đông", 8),
            ("Thôn Đông", 6),
            ("Thôn Tây", 7),
            ("Bản Hoa Tiến", 10),
            ("Xóm Mới", 7),
            ("Xóm Mới", 7),
            ("Khối Tân Lạc", 6),
            ("Khối Tân Lạc", 8),
        ];
        let units = rank_units(scores, |a, b| a.cmp(b));
        let lines: Vec<(usize, &str, u32, u32)> =
            units.iter().map(|u| (u.place, u.unit.as_str(), u.participants, u.best_score)).collect();
        assert_eq!(
            lines,
            vec![
                (1, "Bản Hoa Tiến", 1, 10),
                (2, "Khối Tân Lạc", 2, 8),
                (2, "Thôn Đông", 2, 8),
                (2, "Xóm Mới", 2, 7),
                (5, "Thôn Tây", 1, 7),
            ]
        );
        assert!((units[1].average_score() - 7.0).abs() < f64::EPSILON);
    }

    #[test]
    fn prizes_go_by_place_and_ties_on_the_last_place_win_too() {
        let prizes = Prizes { first: 1, second: 2, third: 0, consolation: 1 };
        assert_eq!(prizes.winners(), 4);
        let awarded: Vec<Option<Award>> = [1, 2, 2, 4, 4, 6].iter().map(|&p| prizes.award_for(p)).collect();
        assert_eq!(
            awarded,
            vec![
                Some(Award::First),
                Some(Award::Second),
                Some(Award::Second),
                Some(Award::Consolation),
                Some(Award::Consolation),
                None
            ]
        );
        assert_eq!(prizes.award_for(0), None);
        assert!(Prizes::default().is_valid());
        assert!(!Prizes { first: 0, second: 0, third: 0, consolation: 0 }.is_valid());
        assert!(!Prizes { first: 400, second: 101, third: 0, consolation: 0 }.is_valid());
        assert_eq!(Award::parse("consolation"), Some(Award::Consolation));
    }
}
