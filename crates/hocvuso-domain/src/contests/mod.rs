//! Quiz contests as localities run them (`../shared/context/vietnam.md` §5): a question bank, the draw of an
//! attempt's questions with quotas per topic, the server's clock for an attempt, and the ranking.
//!
//! No clock and no randomness of its own: `now` and the random source are parameters, so a draw or a
//! deadline can be replayed in a test.

pub mod attempts;
pub mod questions;
// contests: results
pub mod results;
pub mod setup;
// contests: question bank and set-up
pub mod overview;
// contests: live mode
pub mod live;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// How many questions of one topic an attempt draws.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicQuota {
    /// The topic, as in the bank.
    pub topic: String,
    /// How many of its questions.
    pub count: usize,
}

/// What an attempt draws: `total` questions, of which the quotas' from their topics and the rest from any topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawPlan {
    /// Questions per attempt.
    pub total: usize,
    /// Fixed numbers per topic; their sum is at most `total`.
    pub quotas: Vec<TopicQuota>,
}

/// Why a plan cannot be drawn from a bank.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    /// The plan asks for no question.
    #[error("the plan draws no question")]
    Empty,
    /// The quotas add up to more than the total.
    #[error("the quotas add up to more than the total")]
    QuotasExceedTotal,
    /// A topic has fewer questions than its quota.
    #[error("topic {topic:?} has {available} questions, the quota is {wanted}")]
    TopicTooSmall {
        /// The topic.
        topic: String,
        /// Questions it has.
        available: usize,
        /// Questions the quota wants.
        wanted: usize,
    },
    /// The bank has fewer questions than the total.
    #[error("the bank has {available} questions, the plan wants {wanted}")]
    BankTooSmall {
        /// Questions in the bank.
        available: usize,
        /// Questions per attempt.
        wanted: usize,
    },
}

impl DrawError {
    /// The stable code of this refusal in the API.
    pub fn code(&self) -> &'static str {
        match self {
            DrawError::Empty => "contest_draw_empty",
            DrawError::QuotasExceedTotal => "contest_quotas_exceed_total",
            DrawError::TopicTooSmall { .. } => "contest_topic_too_small",
            DrawError::BankTooSmall { .. } => "contest_bank_too_small",
        }
    }
}

impl DrawPlan {
    /// Checks the plan against the bank's topics (`topics[i]` is question i's topic), before a contest opens,
    /// so no participant ever meets a draw that cannot be made.
    pub fn check(&self, topics: &[&str]) -> Result<(), DrawError> {
        if self.total == 0 {
            return Err(DrawError::Empty);
        }
        let quota_sum: usize = self.quotas.iter().map(|q| q.count).sum();
        if quota_sum > self.total {
            return Err(DrawError::QuotasExceedTotal);
        }
        for quota in &self.quotas {
            let available = topics.iter().filter(|t| **t == quota.topic).count();
            if available < quota.count {
                return Err(DrawError::TopicTooSmall { topic: quota.topic.clone(), available, wanted: quota.count });
            }
        }
        if topics.len() < self.total {
            return Err(DrawError::BankTooSmall { available: topics.len(), wanted: self.total });
        }
        Ok(())
    }

    /// Draws an attempt's questions: indexes into the bank, in the order they are asked. Each quota is
    /// filled from its topic, the rest from every question not yet drawn; then the order is shuffled.
    pub fn draw<R: Rng + ?Sized>(&self, topics: &[&str], rng: &mut R) -> Result<Vec<usize>, DrawError> {
        self.check(topics)?;
        let mut by_topic: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, topic) in topics.iter().enumerate() {
            by_topic.entry(topic).or_default().push(index);
        }
        let mut taken = vec![false; topics.len()];
        let mut drawn = Vec::with_capacity(self.total);
        for quota in &self.quotas {
            let mut pool = by_topic.get(quota.topic.as_str()).cloned().unwrap_or_default();
            pool.retain(|&i| !taken[i]);
            pool.shuffle(rng);
            for &index in pool.iter().take(quota.count) {
                taken[index] = true;
                drawn.push(index);
            }
        }
        let mut rest: Vec<usize> = (0..topics.len()).filter(|&i| !taken[i]).collect();
        rest.shuffle(rng);
        drawn.extend(rest.into_iter().take(self.total - drawn.len()));
        drawn.shuffle(rng);
        Ok(drawn)
    }
}

/// The order in which an attempt shows a question's options: `order[k]` is the bank index of the k-th shown option.
pub fn shuffle_options<R: Rng + ?Sized>(count: usize, rng: &mut R) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    order.shuffle(rng);
    order
}

/// The server's clock for one attempt: the only clock there is (a phone's clock is never asked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptClock {
    /// When the server started the attempt.
    pub started_at: OffsetDateTime,
    /// The contest's time limit per attempt.
    pub time_limit: Duration,
    /// When the contest closes: no attempt runs past it.
    pub closes_at: OffsetDateTime,
    /// How late an answer sent before the end may arrive (the network's slack), e.g. 10 s.
    pub grace: Duration,
}

impl AttemptClock {
    /// When the attempt ends: its time limit or the contest's close, whichever comes first.
    pub fn ends_at(&self) -> OffsetDateTime {
        (self.started_at + self.time_limit).min(self.closes_at)
    }

    /// Whether an answer or a submission arriving at `now` is accepted.
    pub fn accepts(&self, now: OffsetDateTime) -> bool {
        now <= self.ends_at() + self.grace
    }

    /// Time left at `now`, never negative: what the page's countdown starts from after a reload.
    pub fn remaining(&self, now: OffsetDateTime) -> Duration {
        (self.ends_at() - now).max(Duration::ZERO)
    }
}

/// Fastest believable time per question; an attempt answered faster is flagged for the organiser (not refused:
/// a person who knows the answers may be quick, so a human decides).
pub const FASTEST_BELIEVABLE_PER_QUESTION: Duration = Duration::seconds(2);

/// Whether an attempt's timing is impossible for a person reading the questions.
pub fn implausibly_fast(answered: usize, taken: Duration) -> bool {
    answered > 0 && taken < FASTEST_BELIEVABLE_PER_QUESTION * i32::try_from(answered).unwrap_or(i32::MAX)
}

/// One key of a ranking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankKey {
    /// More right answers first.
    Score,
    /// Closer prediction of the number of entrants first ("câu hỏi dự đoán"); no prediction last.
    PredictionDistance,
    /// Less time taken first.
    TimeTaken,
    /// Earlier submission first.
    SubmittedAt,
}

impl RankKey {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RankKey::Score => "score",
            RankKey::PredictionDistance => "prediction",
            RankKey::TimeTaken => "time_taken",
            RankKey::SubmittedAt => "submitted_at",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<RankKey> {
        DEFAULT_RANKING.into_iter().find(|k| k.as_str() == name)
    }
}

/// The usual order of Vietnamese contests: score, then the prediction, then time taken, then submission time.
pub const DEFAULT_RANKING: [RankKey; 4] =
    [RankKey::Score, RankKey::PredictionDistance, RankKey::TimeTaken, RankKey::SubmittedAt];

/// What the ranking compares of one finished attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RankEntry {
    /// Right answers.
    pub score: u32,
    /// The participant's guess of the number of entrants, if the contest asks.
    pub prediction: Option<u64>,
    /// Time from start to submission.
    pub time_taken: Duration,
    /// When it was submitted.
    pub submitted_at: OffsetDateTime,
}

/// Compares two entries under `order`; `entrants` is the true number the predictions are measured against.
pub fn compare(order: &[RankKey], entrants: u64, a: &RankEntry, b: &RankEntry) -> Ordering {
    let distance = |e: &RankEntry| e.prediction.map(|p| p.abs_diff(entrants));
    for key in order {
        let ordering = match key {
            RankKey::Score => b.score.cmp(&a.score),
            RankKey::PredictionDistance => match (distance(a), distance(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            RankKey::TimeTaken => a.time_taken.cmp(&b.time_taken),
            RankKey::SubmittedAt => a.submitted_at.cmp(&b.submitted_at),
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    Ordering::Equal
}

/// Ranks entries: sorts them best first and gives each its place, equal entries sharing a place
/// (1, 2, 2, 4 — the competition ranking prizes use).
pub fn rank<T>(entries: &mut [T], order: &[RankKey], entrants: u64, entry: impl Fn(&T) -> RankEntry) -> Vec<usize> {
    entries.sort_by(|a, b| compare(order, entrants, &entry(a), &entry(b)));
    let mut places = Vec::with_capacity(entries.len());
    for index in 0..entries.len() {
        let place = match index.checked_sub(1) {
            Some(previous)
                if compare(order, entrants, &entry(&entries[previous]), &entry(&entries[index])) == Ordering::Equal =>
            {
                places[previous]
            }
            _ => index + 1,
        };
        places.push(place);
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use time::macros::datetime;

    fn bank() -> Vec<&'static str> {
        let mut topics = vec!["an toàn"; 10];
        topics.extend(vec!["VNeID"; 5]);
        topics.extend(vec!["thanh toán"; 20]);
        topics
    }

    #[test]
    fn a_draw_fills_every_quota_and_never_repeats() {
        let topics = bank();
        let plan = DrawPlan {
            total: 20,
            quotas: vec![
                TopicQuota { topic: "VNeID".into(), count: 5 },
                TopicQuota { topic: "an toàn".into(), count: 4 },
            ],
        };
        for seed in 0..50 {
            let drawn = plan.draw(&topics, &mut StdRng::seed_from_u64(seed)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(drawn.len(), 20);
            let mut unique = drawn.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), 20, "a question was drawn twice");
            assert_eq!(drawn.iter().filter(|&&i| topics[i] == "VNeID").count(), 5);
            assert!(drawn.iter().filter(|&&i| topics[i] == "an toàn").count() >= 4);
        }
        let first = plan.draw(&topics, &mut StdRng::seed_from_u64(1)).unwrap_or_default();
        let second = plan.draw(&topics, &mut StdRng::seed_from_u64(2)).unwrap_or_default();
        assert_ne!(first, second, "two participants should not get the same questions in the same order");
    }

    #[test]
    fn impossible_plans_are_refused_before_the_contest_opens() {
        let topics = bank();
        let plan = |total, quotas: Vec<(&str, usize)>| DrawPlan {
            total,
            quotas: quotas.into_iter().map(|(t, c)| TopicQuota { topic: t.into(), count: c }).collect(),
        };
        assert_eq!(plan(0, vec![]).check(&topics), Err(DrawError::Empty));
        assert_eq!(plan(5, vec![("VNeID", 3), ("an toàn", 3)]).check(&topics), Err(DrawError::QuotasExceedTotal));
        assert_eq!(plan(10, vec![("VNeID", 6)]).check(&topics).map_err(|e| e.code()), Err("contest_topic_too_small"));
        assert_eq!(plan(36, vec![]).check(&topics), Err(DrawError::BankTooSmall { available: 35, wanted: 36 }));
        assert_eq!(plan(35, vec![]).check(&topics), Ok(()));
    }

    #[test]
    fn options_are_a_permutation() {
        let mut order = shuffle_options(6, &mut StdRng::seed_from_u64(7));
        order.sort_unstable();
        assert_eq!(order, vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn the_server_clock_ends_at_the_limit_or_the_close() {
        let clock = AttemptClock {
            started_at: datetime!(2026-12-01 08:50 UTC),
            time_limit: Duration::minutes(20),
            closes_at: datetime!(2026-12-01 09:00 UTC),
            grace: Duration::seconds(10),
        };
        assert_eq!(clock.ends_at(), datetime!(2026-12-01 09:00 UTC));
        assert!(clock.accepts(datetime!(2026-12-01 09:00:10 UTC)));
        assert!(!clock.accepts(datetime!(2026-12-01 09:00:11 UTC)));
        assert_eq!(clock.remaining(datetime!(2026-12-01 08:55 UTC)), Duration::minutes(5));
        assert_eq!(clock.remaining(datetime!(2026-12-01 09:30 UTC)), Duration::ZERO);
        let early = AttemptClock { started_at: datetime!(2026-12-01 08:00 UTC), ..clock };
        assert_eq!(early.ends_at(), datetime!(2026-12-01 08:20 UTC));
    }

    #[test]
    fn twenty_answers_in_ten_seconds_is_flagged() {
        assert!(implausibly_fast(20, Duration::seconds(10)));
        assert!(!implausibly_fast(20, Duration::seconds(90)));
        assert!(!implausibly_fast(0, Duration::ZERO));
    }

    #[test]
    fn ranking_follows_score_then_prediction_then_time_then_submission() {
        let at = |m: u8| datetime!(2026-12-01 08:00 UTC) + Duration::minutes(m.into());
        let entry = |score, prediction, secs, m| RankEntry {
            score,
            prediction,
            time_taken: Duration::seconds(secs),
            submitted_at: at(m),
        };
        let mut entries = vec![
            ("late twin", entry(9, Some(1000), 300, 30)),
            ("no guess", entry(9, None, 100, 1)),
            ("best", entry(10, None, 600, 50)),
            ("far guess", entry(9, Some(5000), 100, 2)),
            ("close guess slow", entry(9, Some(1010), 400, 3)),
            ("close guess fast", entry(9, Some(990), 200, 4)),
            ("early twin", entry(9, Some(1000), 300, 10)),
            ("exact twin", entry(9, Some(1000), 300, 10)),
        ];
        let places = rank(&mut entries, &DEFAULT_RANKING, 1000, |e| e.1);
        let names: Vec<&str> = entries.iter().map(|e| e.0).collect();
        assert_eq!(
            names,
            vec![
                "best",
                "early twin",
                "exact twin",
                "late twin",
                "close guess fast",
                "close guess slow",
                "far guess",
                "no guess"
            ]
        );
        assert_eq!(places, vec![1, 2, 2, 4, 5, 6, 7, 8]);
        // An organiser who ranks by time before the prediction gets another order.
        let places = rank(&mut entries, &[RankKey::Score, RankKey::TimeTaken], 1000, |e| e.1);
        let mut fastest: Vec<&str> = entries[1..3].iter().map(|e| e.0).collect();
        fastest.sort_unstable();
        assert_eq!(fastest, vec!["far guess", "no guess"]);
        assert_eq!(places[..4], [1, 2, 2, 4]);
    }
}
