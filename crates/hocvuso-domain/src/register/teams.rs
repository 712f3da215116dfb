//! Volunteer teams (Tổ công nghệ số cộng đồng): one per hamlet, and optionally one for the whole commune.
//! Members are accounts of the commune with a role in the team. Memberships are never deleted: leaving or
//! changing role ends the current membership and, for a new role, starts another, so the history stays.
//! Also: moving a person to another household, recorded with who, when and why.

use serde::Serialize;
use time::OffsetDateTime;

use crate::accounts::{Actor, Role};
use crate::ids::{CommuneId, HamletId, HouseholdId, ResidentId, TeamId, UserId};

/// A member's role in the team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    /// Tổ trưởng.
    Leader,
    /// Tổ phó.
    Deputy,
    /// Thành viên.
    Member,
}

impl TeamRole {
    /// Every role, leader first.
    pub const ALL: [TeamRole; 3] = [TeamRole::Leader, TeamRole::Deputy, TeamRole::Member];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TeamRole::Leader => "leader",
            TeamRole::Deputy => "deputy",
            TeamRole::Member => "member",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<TeamRole> {
        TeamRole::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Whether this role leads the team (and so handles its hamlet's help requests).
    pub fn leads(self) -> bool {
        matches!(self, TeamRole::Leader | TeamRole::Deputy)
    }
}

/// A team as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Team {
    /// Identifier.
    pub id: TeamId,
    /// Commune.
    pub commune_id: CommuneId,
    /// The hamlet it serves; `None` for the commune-level team.
    pub hamlet_id: Option<HamletId>,
    /// Its name.
    pub name: String,
    /// When it was set up.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// One membership: a person in one role for a period. `left_at` is set when it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamMember {
    /// Identifier of the membership.
    pub id: i64,
    /// Team.
    pub team_id: TeamId,
    /// The account.
    pub user_id: UserId,
    /// The account's name (shown to those who manage the team).
    pub display_name: String,
    /// The account's role in the commune.
    pub account_role: Role,
    /// The role in the team.
    pub role: TeamRole,
    /// When the membership began.
    #[serde(with = "time::serde::rfc3339")]
    pub joined_at: OffsetDateTime,
    /// Who began it.
    pub added_by: UserId,
    /// When it ended, if it did.
    #[serde(with = "time::serde::rfc3339::option")]
    pub left_at: Option<OffsetDateTime>,
    /// Who ended it.
    pub ended_by: Option<UserId>,
}

impl TeamMember {
    /// Whether the membership is current.
    pub fn is_active(&self) -> bool {
        self.left_at.is_none()
    }
}

/// A team's figures for the list of teams.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TeamFigures {
    /// Current members.
    pub n_members: i64,
    /// Households in the team's area (its hamlet, or the commune).
    pub n_households: i64,
    /// Of those, households assigned to at least one current member.
    pub n_assigned: i64,
}

/// One household of the team's area with the members it is assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamHousehold {
    /// Household.
    pub household_id: HouseholdId,
    /// Hamlet.
    pub hamlet_id: HamletId,
    /// Address.
    pub address: String,
    /// Current members it is assigned to.
    pub volunteers: Vec<UserId>,
}

/// Whether an account of this role may be a team member: people of the commune who do the work, not residents.
pub fn may_join(role: Role) -> bool {
    matches!(role, Role::CommuneAdmin | Role::CommuneStaff | Role::HamletLead | Role::Volunteer)
}

/// Why a membership change is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TeamError {
    /// The team already has a current leader.
    #[error("team already has a leader")]
    LeaderTaken,
    /// The person is already a current member.
    #[error("already a member")]
    AlreadyMember,
    /// The account cannot be a member (resident, another commune...).
    #[error("account cannot join")]
    CannotJoin,
}

impl TeamError {
    /// The stable code in the API.
    pub fn code(self) -> &'static str {
        match self {
            TeamError::LeaderTaken => "team_leader_taken",
            TeamError::AlreadyMember => "team_member_exists",
            TeamError::CannotJoin => "team_member_invalid",
        }
    }
}

/// Checks that `user_id` may take `role` in a team whose current members are `members`
/// (`replacing`: the membership being changed, which does not count).
pub fn check_membership(
    members: &[TeamMember],
    user_id: UserId,
    role: TeamRole,
    replacing: Option<i64>,
) -> Result<(), TeamError> {
    let mut others = members.iter().filter(|m| m.is_active() && Some(m.id) != replacing);
    if others.clone().any(|m| m.user_id == user_id) {
        return Err(TeamError::AlreadyMember);
    }
    if role == TeamRole::Leader && others.any(|m| m.role == TeamRole::Leader) {
        return Err(TeamError::LeaderTaken);
    }
    Ok(())
}

impl Actor {
    /// Whether the actor may manage a team of this commune serving this hamlet (`None`: the commune-level team):
    /// commune staff and admins all of their commune's teams, a hamlet lead their hamlet's team.
    pub fn can_manage_team(&self, commune_id: CommuneId, hamlet_id: Option<HamletId>) -> bool {
        if self.commune_id != Some(commune_id) {
            return false;
        }
        match self.role {
            Role::CommuneAdmin | Role::CommuneStaff => true,
            Role::HamletLead => hamlet_id.is_some() && self.hamlet_id == hamlet_id,
            _ => false,
        }
    }

    /// Whether the actor may move a person between households: commune staff anywhere in their commune, a
    /// hamlet lead within their own hamlet (from and to).
    pub fn can_move_resident(&self, commune_id: CommuneId, from: HamletId, to: HamletId) -> bool {
        self.can_register_in_hamlet(commune_id, from) && self.can_register_in_hamlet(commune_id, to)
    }
}

/// A recorded move of a person from one household to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResidentMove {
    /// Identifier.
    pub id: i64,
    /// Commune.
    pub commune_id: CommuneId,
    /// Who moved.
    pub resident_id: ResidentId,
    /// The household they left.
    pub from_household_id: HouseholdId,
    /// The hamlet of that household.
    pub from_hamlet_id: HamletId,
    /// The household they joined.
    pub to_household_id: HouseholdId,
    /// The hamlet of that household.
    pub to_hamlet_id: HamletId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub moved_at: OffsetDateTime,
    /// Who recorded it.
    pub moved_by: UserId,
    /// Why (short, no personal data expected).
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn member(id: i64, user: i64, role: TeamRole, active: bool) -> TeamMember {
        TeamMember {
            id,
            team_id: TeamId(1),
            user_id: UserId(user),
            display_name: String::new(),
            account_role: Role::Volunteer,
            role,
            joined_at: datetime!(2025-01-01 0:00 UTC),
            added_by: UserId(1),
            left_at: (!active).then_some(datetime!(2025-02-01 0:00 UTC)),
            ended_by: None,
        }
    }

    #[test]
    fn a_team_has_one_leader_and_no_double_members() {
        let members = [member(1, 10, TeamRole::Leader, true), member(2, 11, TeamRole::Member, true)];
        assert_eq!(check_membership(&members, UserId(12), TeamRole::Leader, None), Err(TeamError::LeaderTaken));
        assert_eq!(check_membership(&members, UserId(12), TeamRole::Deputy, None), Ok(()));
        assert_eq!(check_membership(&members, UserId(11), TeamRole::Deputy, None), Err(TeamError::AlreadyMember));
        // Changing the leader's own membership does not count against itself.
        assert_eq!(check_membership(&members, UserId(10), TeamRole::Leader, Some(1)), Ok(()));
        // A past leader does not block a new one.
        let past = [member(1, 10, TeamRole::Leader, false)];
        assert_eq!(check_membership(&past, UserId(12), TeamRole::Leader, None), Ok(()));
    }

    #[test]
    fn staff_manage_every_team_and_a_lead_only_theirs() {
        let actor = |role, hamlet| Actor {
            user_id: UserId(7),
            role,
            province_code: None,
            commune_id: Some(CommuneId(1)),
            hamlet_id: hamlet,
        };
        let staff = actor(Role::CommuneStaff, None);
        assert!(staff.can_manage_team(CommuneId(1), None));
        assert!(staff.can_manage_team(CommuneId(1), Some(HamletId(3))));
        assert!(!staff.can_manage_team(CommuneId(2), Some(HamletId(3))));
        let lead = actor(Role::HamletLead, Some(HamletId(3)));
        assert!(lead.can_manage_team(CommuneId(1), Some(HamletId(3))));
        assert!(!lead.can_manage_team(CommuneId(1), Some(HamletId(4))));
        assert!(!lead.can_manage_team(CommuneId(1), None));
        assert!(!actor(Role::Volunteer, None).can_manage_team(CommuneId(1), Some(HamletId(3))));
        assert!(lead.can_move_resident(CommuneId(1), HamletId(3), HamletId(3)));
        assert!(!lead.can_move_resident(CommuneId(1), HamletId(3), HamletId(4)));
        assert!(staff.can_move_resident(CommuneId(1), HamletId(3), HamletId(4)));
        assert!(!may_join(Role::Resident) && may_join(Role::Volunteer));
    }
}
