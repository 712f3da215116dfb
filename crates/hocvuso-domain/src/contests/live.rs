//! Live mode ("trò chơi trực tiếp"): the host shows one question at a time on a screen, people in the hall answer
//! on their phones, scores are shown after each question (`docs/decisions/0015-live-mode.md`).
//!
//! The rules here: the nickname a player types, the points of an answer by the server's clock, and the places of a
//! scoreboard (ties share a place). No clock of its own: every moment is a parameter.

use std::cmp::Reverse;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::text;

/// A live game.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LiveGameId(pub i64);

/// A player of a live game.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LivePlayerId(pub i64);

impl std::fmt::Display for LiveGameId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Longest nickname, in characters.
pub const MAX_NICKNAME_CHARS: usize = 30;

/// Seconds per question a host may choose, and the default.
pub const MIN_SECONDS: u32 = 5;
/// Longest time per question.
pub const MAX_SECONDS: u32 = 120;
/// Time per question unless the host chooses another.
pub const DEFAULT_SECONDS: u32 = 20;

/// How late an answer sent before the question's end may arrive: the hall's Wi-Fi slack.
pub const GRACE: Duration = Duration::seconds(2);

/// Points of a right answer given at the last moment; one given at once gets up to [`SPEED_POINTS`] more.
pub const BASE_POINTS: u32 = 500;
/// The most a right answer gains for speed.
pub const SPEED_POINTS: u32 = 500;

/// A player's nickname: cleaned (NFC, no invisible characters, single spaces), 1 to 30 characters. The only thing a
/// player gives: no phone, no CCCD, no real name required.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nickname(String);

impl std::fmt::Debug for Nickname {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Nickname(…)")
    }
}

/// Why a nickname is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NicknameError {
    /// Nothing visible was typed.
    #[error("empty nickname")]
    Empty,
    /// More than [`MAX_NICKNAME_CHARS`] characters.
    #[error("nickname too long")]
    TooLong,
}

impl NicknameError {
    /// The stable code of this refusal.
    pub fn code(self) -> &'static str {
        match self {
            NicknameError::Empty => "live_nickname_empty",
            NicknameError::TooLong => "live_nickname_too_long",
        }
    }
}

impl Nickname {
    /// Cleans and checks a typed nickname.
    pub fn parse(input: &str) -> Result<Nickname, NicknameError> {
        match text::clean_bounded(input, MAX_NICKNAME_CHARS) {
            Ok(cleaned) => Ok(Nickname(cleaned)),
            Err(text::TextError::Empty) => Err(NicknameError::Empty),
            Err(_) => Err(NicknameError::TooLong),
        }
    }

    /// A nickname read back from the database (already checked when it was stored).
    pub fn from_stored(stored: String) -> Nickname {
        Nickname(stored)
    }

    /// The nickname.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key two nicknames of one game may not share: "Hoà", "hoa" and "HÒA" are the same name on a scoreboard.
    pub fn key(&self) -> String {
        text::fold(&self.0)
    }
}

/// Where a game stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LivePhase {
    /// Players are joining; no question shown yet.
    Lobby,
    /// A question is open for answers.
    Open,
    /// The question is closed: its answer and the scoreboard are shown.
    Closed,
    /// The game is over: final ranking.
    Ended,
}

impl LivePhase {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            LivePhase::Lobby => "lobby",
            LivePhase::Open => "open",
            LivePhase::Closed => "closed",
            LivePhase::Ended => "ended",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<LivePhase> {
        match name {
            "lobby" => Some(LivePhase::Lobby),
            "open" => Some(LivePhase::Open),
            "closed" => Some(LivePhase::Closed),
            "ended" => Some(LivePhase::Ended),
            _ => None,
        }
    }
}

/// A live game as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveGame {
    /// The game.
    pub id: LiveGameId,
    /// The commune whose staff run it.
    pub commune_id: crate::ids::CommuneId,
    /// The code players type (6 characters, no look-alikes).
    pub join_code: String,
    /// Time to answer each question.
    pub seconds_per_question: u32,
    /// How many questions the game has.
    pub n_questions: usize,
    /// Where it stands.
    pub phase: LivePhase,
    /// The question shown (from 0); `None` in the lobby.
    pub position: Option<usize>,
    /// When the current question opened.
    pub opened_at: Option<OffsetDateTime>,
    /// When the current question's time is up (answers are taken until this plus [`GRACE`]).
    pub closes_at: Option<OffsetDateTime>,
    /// Grows by one with every change of phase or question: pollers compare it and refetch only on a change.
    pub version: i64,
    /// When the game was created.
    pub created_at: OffsetDateTime,
}

impl LiveGame {
    /// Whether an answer arriving at `now` is taken for the question at `position`.
    pub fn accepts(&self, position: usize, now: OffsetDateTime) -> bool {
        self.phase == LivePhase::Open
            && self.position == Some(position)
            && self.closes_at.is_some_and(|closes_at| now <= closes_at + GRACE)
    }

    /// Whether the open question's time and grace are over at `now`, so it is to be closed.
    pub fn is_overdue(&self, now: OffsetDateTime) -> bool {
        self.phase == LivePhase::Open && self.closes_at.is_some_and(|closes_at| now > closes_at + GRACE)
    }

    /// Time left to answer at `now` (zero when no question is open).
    pub fn remaining(&self, now: OffsetDateTime) -> Duration {
        match (self.phase, self.closes_at) {
            (LivePhase::Open, Some(closes_at)) => (closes_at - now).max(Duration::ZERO),
            _ => Duration::ZERO,
        }
    }

    /// Whether the question shown is the last one.
    pub fn is_last(&self) -> bool {
        self.position.is_some_and(|p| p + 1 >= self.n_questions)
    }
}

/// A player of a game.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LivePlayer {
    /// The player.
    pub id: LivePlayerId,
    /// Their game.
    pub game_id: LiveGameId,
    /// Their nickname.
    pub nickname: Nickname,
}

/// One stored answer of a game's question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiveAnswer {
    /// Who answered.
    pub player_id: LivePlayerId,
    /// The option chosen, as its index in the bank's question.
    pub chosen: usize,
    /// The points it scored.
    pub points: u32,
}

/// A player's total so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveTotal {
    /// The player.
    pub player_id: LivePlayerId,
    /// Their nickname.
    pub nickname: Nickname,
    /// Points of every answer so far.
    pub score: u64,
}

/// The points of an answer: 0 when wrong; when right, [`BASE_POINTS`] plus [`SPEED_POINTS`] times the share of the
/// question's time still left when the server received it (rounded down). An answer in the grace after the end
/// scores [`BASE_POINTS`].
///
/// `points = 500 + ⌊500 × remaining ÷ limit⌋`, remaining = max(0, closes_at − answered_at), at most limit.
pub fn points(is_right: bool, limit: Duration, remaining: Duration) -> u32 {
    if !is_right {
        return 0;
    }
    let limit_ms = limit.whole_milliseconds().max(1);
    let remaining_ms = remaining.whole_milliseconds().clamp(0, limit_ms);
    let speed = i128::from(SPEED_POINTS) * remaining_ms / limit_ms;
    BASE_POINTS + u32::try_from(speed).unwrap_or(SPEED_POINTS)
}

/// The places of a scoreboard: sorted by score (highest first), then by `tie_order` (for a stable listing only);
/// equal scores share a place, and the next place skips as many (1, 1, 3).
pub fn places<T, K: Ord>(mut rows: Vec<T>, score: impl Fn(&T) -> u64, tie_order: impl Fn(&T) -> K) -> Vec<(u32, T)> {
    rows.sort_by_key(|row| (Reverse(score(row)), tie_order(row)));
    let mut placed = Vec::with_capacity(rows.len());
    let mut place = 0u32;
    let mut last: Option<u64> = None;
    for (index, row) in rows.into_iter().enumerate() {
        let s = score(&row);
        if last != Some(s) {
            place = u32::try_from(index + 1).unwrap_or(u32::MAX);
            last = Some(s);
        }
        placed.push((place, row));
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_are_cleaned_and_bounded() {
        let nick =
            Nickname::parse("  Hoa\u{0300}   Bình \u{200B}").unwrap_or_else(|_| Nickname::from_stored(String::new()));
        assert_eq!(nick.as_str(), "Hoà Bình");
        assert_eq!(Nickname::parse(" \u{200B} "), Err(NicknameError::Empty));
        assert_eq!(Nickname::parse(&"a".repeat(31)), Err(NicknameError::TooLong));
        assert!(Nickname::parse(&"ệ".repeat(30)).is_ok());
        assert_eq!(
            Nickname::parse("HÒA").map(|n| n.key()),
            Nickname::parse("hoà").map(|n| n.key()),
            "one name on the scoreboard"
        );
        assert!(!format!("{nick:?}").contains("Hoà"));
    }

    #[test]
    fn points_reward_right_and_fast_answers() {
        let limit = Duration::seconds(20);
        assert_eq!(points(false, limit, Duration::seconds(20)), 0);
        assert_eq!(points(true, limit, Duration::seconds(20)), 1000);
        assert_eq!(points(true, limit, Duration::seconds(10)), 750);
        assert_eq!(points(true, limit, Duration::milliseconds(19_999)), 999);
        assert_eq!(points(true, limit, Duration::ZERO), 500);
        assert_eq!(points(true, limit, Duration::seconds(-1)), 500);
        assert_eq!(points(true, limit, Duration::seconds(99)), 1000);
    }

    #[test]
    fn ties_share_a_place() {
        let rows = vec![("b", 700u64), ("a", 900), ("c", 700), ("d", 0)];
        let placed: Vec<(u32, &str)> = places(rows, |r| r.1, |r| r.0).into_iter().map(|(p, r)| (p, r.0)).collect();
        assert_eq!(placed, vec![(1, "a"), (2, "b"), (2, "c"), (4, "d")]);
    }

    #[test]
    fn answers_are_taken_until_the_end_plus_grace() {
        let at = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let game = LiveGame {
            id: LiveGameId(1),
            commune_id: crate::ids::CommuneId(1),
            join_code: "ABCDEF".into(),
            seconds_per_question: 20,
            n_questions: 2,
            phase: LivePhase::Open,
            position: Some(0),
            opened_at: Some(at),
            closes_at: Some(at + Duration::seconds(20)),
            version: 2,
            created_at: at,
        };
        assert!(game.accepts(0, at + Duration::seconds(22)));
        assert!(!game.accepts(0, at + Duration::milliseconds(22_001)));
        assert!(!game.accepts(1, at));
        assert!(game.is_overdue(at + Duration::milliseconds(22_001)));
        assert!(!game.is_overdue(at + Duration::seconds(22)));
        assert_eq!(game.remaining(at + Duration::seconds(5)), Duration::seconds(15));
        assert!(!game.is_last());
    }
}
