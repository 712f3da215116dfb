//! A contest's settings as the organiser sets them, and a participant's registration.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::{DrawError, DrawPlan, RankKey};
use crate::cccd::Cccd;
use crate::ids::{CommuneId, ContestId};
use crate::person_name::PersonName;
use crate::phone::PhoneNumber;
use crate::text;

/// Longest contest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest rules text, in characters.
pub const MAX_RULES_CHARS: usize = 20_000;
/// Longest unit name, in characters.
pub const MAX_UNIT_CHARS: usize = 120;
/// Most units a contest lists.
pub const MAX_UNITS: usize = 500;
/// Longest time limit per attempt.
pub const MAX_TIME_LIMIT: Duration = Duration::hours(3);
/// Most attempts per participant.
pub const MAX_ATTEMPTS: u32 = 50;

/// Which attempt counts when several are allowed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptCounting {
    /// The best one (ties: the earlier), as weekly contests do.
    #[default]
    Best,
    /// The first one.
    First,
    /// The last one submitted.
    Last,
}

impl AttemptCounting {
    /// Every rule.
    pub const ALL: [AttemptCounting; 3] = [AttemptCounting::Best, AttemptCounting::First, AttemptCounting::Last];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptCounting::Best => "best",
            AttemptCounting::First => "first",
            AttemptCounting::Last => "last",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<AttemptCounting> {
        AttemptCounting::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// Whether the registration form asks for a CCCD number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CccdRule {
    /// Not asked (least data: the default).
    #[default]
    NotAsked,
    /// Asked, may be left empty.
    Optional,
    /// Required, and one registration per CCCD.
    Required,
}

impl CccdRule {
    /// Every rule.
    pub const ALL: [CccdRule; 3] = [CccdRule::NotAsked, CccdRule::Optional, CccdRule::Required];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CccdRule::NotAsked => "not_asked",
            CccdRule::Optional => "optional",
            CccdRule::Required => "required",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<CccdRule> {
        CccdRule::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// When participants see their score and the right answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultsShown {
    /// Right after submitting.
    AfterAttempt,
    /// Only once the contest has closed (the default: the key never leaks while others still play).
    #[default]
    AfterClose,
}

impl ResultsShown {
    /// Every choice.
    pub const ALL: [ResultsShown; 2] = [ResultsShown::AfterAttempt, ResultsShown::AfterClose];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultsShown::AfterAttempt => "after_attempt",
            ResultsShown::AfterClose => "after_close",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<ResultsShown> {
        ResultsShown::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// Everything an organiser sets for a contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestSettings {
    /// The contest's title.
    pub title: String,
    /// The rules page (plain text, paragraphs).
    pub rules: String,
    /// Who organises it ("UBND xã …", "Đoàn Thanh niên xã …").
    pub organiser: String,
    /// When attempts may start.
    pub opens_at: OffsetDateTime,
    /// When the contest closes; no attempt runs past it.
    pub closes_at: OffsetDateTime,
    /// Time limit per attempt.
    pub time_limit: Duration,
    /// Attempts per participant.
    pub attempts_allowed: u32,
    /// Which attempt counts.
    pub counting: AttemptCounting,
    /// How many questions, with quotas per topic.
    pub plan: DrawPlan,
    /// Whether each attempt shows the options of a question in its own order.
    pub shuffle_options: bool,
    /// The prediction question ("Dự đoán số người dự thi"), if any.
    pub prediction_question: Option<String>,
    /// When results are shown.
    pub results: ResultsShown,
    /// The ranking order.
    pub ranking: Vec<RankKey>,
    /// Whether registration asks for a CCCD.
    pub cccd: CccdRule,
    /// The units a participant chooses from (hamlets, organisations, schools, agencies).
    pub units: Vec<String>,
}

/// Why contest settings are refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContestError {
    /// The title is empty or too long.
    #[error("the title is empty or too long")]
    Title,
    /// The rules are too long.
    #[error("the rules are too long")]
    Rules,
    /// The contest closes before it opens.
    #[error("the contest closes before it opens")]
    ClosesBeforeOpens,
    /// The time limit is zero or more than three hours.
    #[error("the time limit is out of range")]
    TimeLimit,
    /// Zero attempts, or more than fifty.
    #[error("the number of attempts is out of range")]
    Attempts,
    /// A unit name is empty, too long or repeated, or there are too many.
    #[error("the list of units is invalid")]
    Units,
    /// The ranking names a key twice or is empty.
    #[error("the ranking order is invalid")]
    Ranking,
    /// The draw plan cannot be met by the bank.
    #[error(transparent)]
    Draw(#[from] DrawError),
}

impl ContestError {
    /// The stable code of this refusal in the API.
    pub fn code(&self) -> &'static str {
        match self {
            ContestError::Title => "contest_title",
            ContestError::Rules => "contest_rules",
            ContestError::ClosesBeforeOpens => "contest_closes_before_opens",
            ContestError::TimeLimit => "contest_time_limit",
            ContestError::Attempts => "contest_attempts",
            ContestError::Units => "contest_units",
            ContestError::Ranking => "contest_ranking",
            ContestError::Draw(error) => error.code(),
        }
    }
}

impl ContestSettings {
    /// Cleans the texts and checks the settings against the bank's topics (`topics[i]` is question i's topic).
    pub fn checked(mut self, topics: &[&str]) -> Result<ContestSettings, ContestError> {
        self.title = text::clean_bounded(&self.title, MAX_TITLE_CHARS).map_err(|_| ContestError::Title)?;
        self.rules = text::clean_multiline(&self.rules);
        if self.rules.chars().count() > MAX_RULES_CHARS {
            return Err(ContestError::Rules);
        }
        self.organiser = text::clean(&self.organiser);
        if self.organiser.chars().count() > MAX_TITLE_CHARS {
            return Err(ContestError::Title);
        }
        self.prediction_question = self.prediction_question.map(|q| text::clean(&q)).filter(|q| !q.is_empty());
        if self.closes_at <= self.opens_at {
            return Err(ContestError::ClosesBeforeOpens);
        }
        if self.time_limit <= Duration::ZERO || self.time_limit > MAX_TIME_LIMIT {
            return Err(ContestError::TimeLimit);
        }
        if self.attempts_allowed == 0 || self.attempts_allowed > MAX_ATTEMPTS {
            return Err(ContestError::Attempts);
        }
        let mut units: Vec<String> = Vec::with_capacity(self.units.len());
        for unit in &self.units {
            let unit = text::clean_bounded(unit, MAX_UNIT_CHARS).map_err(|_| ContestError::Units)?;
            if units.iter().any(|u| text::fold(u) == text::fold(&unit)) {
                return Err(ContestError::Units);
            }
            units.push(unit);
        }
        if units.is_empty() || units.len() > MAX_UNITS {
            return Err(ContestError::Units);
        }
        self.units = units;
        let mut keys = self.ranking.clone();
        keys.sort_by_key(|k| k.as_str());
        keys.dedup();
        if self.ranking.is_empty() || keys.len() != self.ranking.len() {
            return Err(ContestError::Ranking);
        }
        self.plan.check(topics)?;
        Ok(self)
    }
}

/// A stored contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Contest {
    /// Its id.
    pub id: ContestId,
    /// The commune that runs it.
    pub commune_id: CommuneId,
    /// Its settings.
    pub settings: ContestSettings,
}

/// A registration as the form gives it, after each field was parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntrant {
    /// The contest.
    pub contest_id: ContestId,
    /// Full name.
    pub full_name: PersonName,
    /// Birth year.
    pub birth_year: i32,
    /// Phone number: one registration per number.
    pub phone: PhoneNumber,
    /// CCCD, when the contest asks for it.
    pub cccd: Option<Cccd>,
    /// The unit chosen from the contest's list.
    pub unit: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contests::{DEFAULT_RANKING, TopicQuota};
    use time::macros::datetime;

    fn settings() -> ContestSettings {
        ContestSettings {
            title: "  Tìm hiểu   kỹ năng số ".into(),
            rules: String::new(),
            organiser: "Đoàn xã".into(),
            opens_at: datetime!(2026-12-01 03:00 UTC),
            closes_at: datetime!(2026-12-10 02:00 UTC),
            time_limit: Duration::minutes(20),
            attempts_allowed: 1,
            counting: AttemptCounting::Best,
            plan: DrawPlan { total: 2, quotas: vec![TopicQuota { topic: "VNeID".into(), count: 1 }] },
            shuffle_options: true,
            prediction_question: Some("  ".into()),
            results: ResultsShown::AfterClose,
            ranking: DEFAULT_RANKING.to_vec(),
            cccd: CccdRule::NotAsked,
            units: vec!["Thôn Đông".into(), "Thôn Tây".into()],
        }
    }

    const TOPICS: [&str; 3] = ["VNeID", "An toàn", "An toàn"];

    #[test]
    fn good_settings_come_out_cleaned() {
        let checked = settings().checked(&TOPICS).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checked.title, "Tìm hiểu kỹ năng số");
        assert_eq!(checked.prediction_question, None, "a blank prediction question means none");
    }

    #[test]
    fn each_mistake_has_its_code() {
        let refuse = |change: &dyn Fn(&mut ContestSettings)| {
            let mut s = settings();
            change(&mut s);
            s.checked(&TOPICS).map(|_| ()).map_err(|e| e.code())
        };
        assert_eq!(refuse(&|s| s.title = " ".into()), Err("contest_title"));
        assert_eq!(refuse(&|s| s.closes_at = s.opens_at), Err("contest_closes_before_opens"));
        assert_eq!(refuse(&|s| s.time_limit = Duration::ZERO), Err("contest_time_limit"));
        assert_eq!(refuse(&|s| s.time_limit = Duration::hours(4)), Err("contest_time_limit"));
        assert_eq!(refuse(&|s| s.attempts_allowed = 0), Err("contest_attempts"));
        assert_eq!(refuse(&|s| s.units = vec!["Thôn Đông".into(), "thon dong".into()]), Err("contest_units"));
        assert_eq!(refuse(&|s| s.units.clear()), Err("contest_units"));
        assert_eq!(refuse(&|s| s.ranking = vec![RankKey::Score, RankKey::Score]), Err("contest_ranking"));
        assert_eq!(refuse(&|s| s.plan.quotas[0].count = 2), Err("contest_topic_too_small"));
        assert_eq!(refuse(&|s| s.plan.total = 4), Err("contest_bank_too_small"));
        assert_eq!(refuse(&|_| {}), Ok(()));
    }
}
