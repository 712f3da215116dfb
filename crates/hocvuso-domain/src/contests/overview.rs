//! What the organiser sees of a running contest: its status, how many registered (per unit), attempts started and
//! submitted, and the attempts whose timing is impossible for a person.

use time::{Duration, OffsetDateTime};

use super::implausibly_fast;
use super::setup::ContestSettings;
use crate::ids::{AttemptId, EntrantId};

/// Where a contest stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContestStatus {
    /// Before it opens ("chưa mở"): people may register, not start.
    NotOpen,
    /// Open ("đang mở").
    Open,
    /// Closed ("đã đóng").
    Closed,
}

impl ContestStatus {
    /// The status of a contest with these settings at `now`.
    pub fn at(settings: &ContestSettings, now: OffsetDateTime) -> ContestStatus {
        if now < settings.opens_at {
            ContestStatus::NotOpen
        } else if now < settings.closes_at {
            ContestStatus::Open
        } else {
            ContestStatus::Closed
        }
    }

    /// Stable name (for pages and tests).
    pub fn as_str(self) -> &'static str {
        match self {
            ContestStatus::NotOpen => "not_open",
            ContestStatus::Open => "open",
            ContestStatus::Closed => "closed",
        }
    }
}

/// Counts of one contest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContestFigures {
    /// Registered participants.
    pub n_entrants: i64,
    /// Registered participants per unit.
    pub by_unit: Vec<(String, i64)>,
    /// Attempts started (submitted or not).
    pub n_started: i64,
    /// Attempts submitted (by the person or at the end of their time).
    pub n_submitted: i64,
}

/// The timing of one submitted attempt, for the organiser's check of impossible speed. No name, no phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptTiming {
    /// The attempt.
    pub attempt_id: AttemptId,
    /// Whose (the registration's number).
    pub entrant_id: EntrantId,
    /// Which of their attempts.
    pub number: u32,
    /// The participant's unit.
    pub unit: String,
    /// When it started.
    pub started_at: OffsetDateTime,
    /// When it was submitted.
    pub submitted_at: OffsetDateTime,
    /// Questions answered.
    pub n_answered: usize,
    /// Right answers.
    pub score: Option<u32>,
}

impl AttemptTiming {
    /// Time from start to submission.
    pub fn time_taken(&self) -> Duration {
        self.submitted_at - self.started_at
    }

    /// Whether no person could have read and answered that fast ([`implausibly_fast`]).
    pub fn is_implausibly_fast(&self) -> bool {
        implausibly_fast(self.n_answered, self.time_taken())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn twenty_answers_in_twenty_seconds_is_flagged_and_five_minutes_is_not() {
        let timing = |secs: i64| AttemptTiming {
            attempt_id: AttemptId(1),
            entrant_id: EntrantId(1),
            number: 1,
            unit: "Thôn Đông".into(),
            started_at: datetime!(2026-12-01 08:00 UTC),
            submitted_at: datetime!(2026-12-01 08:00 UTC) + Duration::seconds(secs),
            n_answered: 20,
            score: Some(20),
        };
        assert!(timing(20).is_implausibly_fast());
        assert!(!timing(300).is_implausibly_fast());
    }
}
