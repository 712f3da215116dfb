//! Volunteers' visits, target groups, and the "no one left behind" ordering.

use std::cmp::Reverse;

use serde::Serialize;
use time::OffsetDateTime;

use crate::ids::{HouseholdId, ResidentId, UserId};

/// What came of a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitOutcome {
    /// Practised together.
    Helped,
    /// Nobody at home.
    NotHome,
    /// The person did not want help this time.
    Declined,
    /// Needs another visit (a next step is noted).
    FollowUp,
}

impl VisitOutcome {
    /// Every outcome.
    pub const ALL: [VisitOutcome; 4] =
        [VisitOutcome::Helped, VisitOutcome::NotHome, VisitOutcome::Declined, VisitOutcome::FollowUp];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitOutcome::Helped => "helped",
            VisitOutcome::NotHome => "not_home",
            VisitOutcome::Declined => "declined",
            VisitOutcome::FollowUp => "follow_up",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<VisitOutcome> {
        VisitOutcome::ALL.into_iter().find(|o| o.as_str() == name)
    }

    /// Whether the visit reached the person (a contact), as opposed to a closed door.
    pub fn is_contact(self) -> bool {
        !matches!(self, VisitOutcome::NotHome)
    }
}

/// A visit as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Visit {
    /// Identifier.
    pub id: i64,
    /// The household visited.
    pub household_id: HouseholdId,
    /// The person helped, when it was one person.
    pub resident_id: Option<ResidentId>,
    /// The volunteer.
    pub volunteer: UserId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub visited_at: OffsetDateTime,
    /// What came of it.
    pub outcome: VisitOutcome,
    /// What was practised (free text, short).
    pub practised: String,
    /// What to do next time.
    pub next_step: String,
}

/// A visit to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVisit {
    /// The household visited.
    pub household_id: HouseholdId,
    /// The person helped, when it was one person.
    pub resident_id: Option<ResidentId>,
    /// When it happened (a volunteer may record it later, from the field).
    pub visited_at: OffsetDateTime,
    /// What came of it.
    pub outcome: VisitOutcome,
    /// What was practised.
    pub practised: String,
    /// What to do next time.
    pub next_step: String,
}

/// Target groups recorded for a person. Elderly, women and youth are derived from birth year and gender,
/// and "living alone" from the household, so they are not stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetGroup {
    /// Nông dân.
    Farmer,
    /// Học sinh, sinh viên.
    PupilStudent,
    /// Cán bộ, công chức, viên chức.
    Official,
    /// Người khuyết tật.
    Disability,
    /// Đồng bào dân tộc thiểu số. Sensitive data (Nghị định 356/2025 Điều 4): record only with consent.
    EthnicMinority,
}

impl TargetGroup {
    /// Every stored group.
    pub const ALL: [TargetGroup; 5] = [
        TargetGroup::Farmer,
        TargetGroup::PupilStudent,
        TargetGroup::Official,
        TargetGroup::Disability,
        TargetGroup::EthnicMinority,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetGroup::Farmer => "farmer",
            TargetGroup::PupilStudent => "pupil_student",
            TargetGroup::Official => "official",
            TargetGroup::Disability => "disability",
            TargetGroup::EthnicMinority => "ethnic_minority",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<TargetGroup> {
        TargetGroup::ALL.into_iter().find(|g| g.as_str() == name)
    }
}

/// What the left-behind list knows of a person before it loads their record: enough to judge their need, so the
/// whole list can be ordered and only the page shown is read in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeftBehindCandidate {
    /// The person.
    pub resident_id: ResidentId,
    /// Their household.
    pub household_id: HouseholdId,
    /// Year of birth.
    pub birth_year: Option<i32>,
    /// Whether they have a smartphone (`None`: not asked).
    pub has_smartphone: Option<bool>,
    /// Whether they count as reached now (stored status).
    pub is_reached: bool,
}

/// Age at which a person counts as elderly (người cao tuổi, Luật Người cao tuổi 2009).
pub const ELDERLY_AGE: i32 = 60;

/// What decides how urgently a person not yet reached needs a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    /// Aged 60 or more in the reference year.
    pub is_elderly: bool,
    /// The only member of their household.
    pub lives_alone: bool,
    /// Recorded with a disability.
    pub has_disability: bool,
    /// Known to have no smartphone.
    pub has_no_smartphone: bool,
    /// The last visit that reached the household (a closed door does not count).
    pub last_contact: Option<OffsetDateTime>,
}

impl Need {
    /// How many need flags are set.
    pub fn n_flags(&self) -> usize {
        [self.is_elderly, self.lives_alone, self.has_disability, self.has_no_smartphone].iter().filter(|f| **f).count()
    }

    /// Sort key, most urgent first: more need flags, then never contacted, then the longest since contact.
    pub fn urgency_key(&self) -> (Reverse<usize>, Option<OffsetDateTime>) {
        (Reverse(self.n_flags()), self.last_contact)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn need(flags: [bool; 4], last_contact: Option<OffsetDateTime>) -> Need {
        Need {
            is_elderly: flags[0],
            lives_alone: flags[1],
            has_disability: flags[2],
            has_no_smartphone: flags[3],
            last_contact,
        }
    }

    #[test]
    fn the_most_in_need_and_longest_unvisited_come_first() {
        let old = datetime!(2026-01-01 00:00 UTC);
        let recent = datetime!(2026-11-01 00:00 UTC);
        let mut people = [
            ("young, visited recently", need([false, false, false, false], Some(recent))),
            ("elderly alone, visited recently", need([true, true, false, false], Some(recent))),
            ("elderly alone, visited long ago", need([true, true, false, false], Some(old))),
            ("elderly alone, never visited", need([true, true, false, false], None)),
            ("elderly, no phone, disabled, alone", need([true, true, true, true], Some(recent))),
        ];
        people.sort_by_key(|(_, need)| need.urgency_key());
        let order: Vec<_> = people.iter().map(|(label, _)| *label).collect();
        assert_eq!(
            order,
            [
                "elderly, no phone, disabled, alone",
                "elderly alone, never visited",
                "elderly alone, visited long ago",
                "elderly alone, visited recently",
                "young, visited recently",
            ]
        );
    }

    #[test]
    fn a_closed_door_is_not_a_contact() {
        assert!(!VisitOutcome::NotHome.is_contact());
        assert!(VisitOutcome::Declined.is_contact());
        assert_eq!(VisitOutcome::parse("follow_up"), Some(VisitOutcome::FollowUp));
        assert_eq!(TargetGroup::parse("ethnic_minority"), Some(TargetGroup::EthnicMinority));
    }
}
