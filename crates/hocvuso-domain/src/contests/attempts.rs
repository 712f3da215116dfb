//! A participant's registration, attempts and answers as stored.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{AttemptId, ContestId, EntrantId};

/// A registered participant. The name and phone stay in the store; pages show them masked to others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entrant {
    /// Its id.
    pub id: EntrantId,
    /// The contest.
    pub contest_id: ContestId,
    /// The unit chosen at registration.
    pub unit: String,
    /// Birth year.
    pub birth_year: i32,
    /// When they registered.
    pub registered_at: OffsetDateTime,
}

/// One question of an attempt: which of the contest's questions, and the order its options are shown in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptItem {
    /// Position of the question in the contest's list.
    pub item: usize,
    /// `options[k]` is the question's option shown k-th.
    pub options: Vec<usize>,
}

/// One attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// Its id.
    pub id: AttemptId,
    /// Whose.
    pub entrant_id: EntrantId,
    /// 1 for the first attempt, 2 for the second…
    pub number: u32,
    /// The questions, in the order they are asked.
    pub items: Vec<AttemptItem>,
    /// When the server started it.
    pub started_at: OffsetDateTime,
    /// When it ends (time limit or close), by the server's clock.
    pub ends_at: OffsetDateTime,
    /// When it was submitted (by the person, or automatically at the end).
    pub submitted_at: Option<OffsetDateTime>,
    /// Right answers, once submitted.
    pub score: Option<u32>,
    /// The prediction of the number of entrants, if given.
    pub prediction: Option<u64>,
}

/// One stored answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The question's position in the attempt, from 0.
    pub position: usize,
    /// The chosen options, as indexes of the question's options (not of the shown order).
    pub chosen: Vec<usize>,
    /// The sequence number the page gave this answer; a lower one arriving later changes nothing.
    pub client_seq: i64,
    /// When the server stored it.
    pub answered_at: OffsetDateTime,
}

/// What saving an answer did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerSaved {
    /// Stored (new, or newer than what was there).
    Saved,
    /// A newer answer for the same question was already stored; nothing changed.
    Stale,
}
