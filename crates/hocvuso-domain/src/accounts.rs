//! Accounts, roles and the permission rules every use case asks before it touches data.
//!
//! The rules are pure functions of the acting user and the target; `hocvuso_app` calls them and the store
//! narrows its queries with [`ResidentScope`], so a volunteer's query can only ever return their own households.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::ids::{CommuneId, HamletId, ProvinceCode, UserId};
use crate::phone::PhoneNumber;

/// What a person may do, from the whole deployment down to a single resident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the deployment: units, communes, first accounts. Sees no resident's personal data.
    SuperAdmin,
    /// Staff of a province (Sở KH&CN, Sở VH-TT): aggregates of the province's communes only.
    ProvinceStaff,
    /// Leads the commune's work: accounts, erasure requests, the audit log.
    CommuneAdmin,
    /// Commune officials (cán bộ Văn hoá – Xã hội, công chức chuyển đổi số).
    CommuneStaff,
    /// Trưởng thôn or team leader: the register of one hamlet.
    HamletLead,
    /// Member of the community digital technology team: only the households assigned to them.
    Volunteer,
    /// A resident with an account of their own.
    Resident,
}

impl Role {
    /// Every role, highest first.
    pub const ALL: [Role; 7] = [
        Role::SuperAdmin,
        Role::ProvinceStaff,
        Role::CommuneAdmin,
        Role::CommuneStaff,
        Role::HamletLead,
        Role::Volunteer,
        Role::Resident,
    ];

    /// The stable name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SuperAdmin => "super_admin",
            Role::ProvinceStaff => "province_staff",
            Role::CommuneAdmin => "commune_admin",
            Role::CommuneStaff => "commune_staff",
            Role::HamletLead => "hamlet_lead",
            Role::Volunteer => "volunteer",
            Role::Resident => "resident",
        }
    }

    /// Reads a stored role name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// Whether an account of this role belongs to one commune.
    pub fn is_commune_role(self) -> bool {
        !matches!(self, Role::SuperAdmin | Role::ProvinceStaff)
    }
}

/// An account as stored. The password hash never leaves the store's sign-in query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Identifier.
    pub id: UserId,
    /// The phone number the person signs in with.
    pub phone: PhoneNumber,
    /// The name shown in the interface (never logged).
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// The province of a province-staff account.
    pub province_code: Option<ProvinceCode>,
    /// The commune of a commune-level account.
    pub commune_id: Option<CommuneId>,
    /// The hamlet of a hamlet lead.
    pub hamlet_id: Option<HamletId>,
    /// Set when the account was disabled; a disabled account cannot sign in.
    pub disabled_at: Option<OffsetDateTime>,
    /// Consecutive failed sign-ins since the last success.
    pub failed_sign_ins: u32,
    /// Sign-in is refused until this moment.
    pub locked_until: Option<OffsetDateTime>,
}

impl User {
    /// The identity and scope that permission rules look at.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            role: self.role,
            province_code: self.province_code.clone(),
            commune_id: self.commune_id,
            hamlet_id: self.hamlet_id,
        }
    }
}

/// The user behind a request, as permission rules see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Who acts.
    pub user_id: UserId,
    /// Their role.
    pub role: Role,
    /// Province of province staff.
    pub province_code: Option<ProvinceCode>,
    /// Commune of commune-level roles.
    pub commune_id: Option<CommuneId>,
    /// Hamlet of a hamlet lead.
    pub hamlet_id: Option<HamletId>,
}

/// Which residents a query may return. Built only by [`Actor::resident_scope`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResidentScope {
    /// Every resident of a commune.
    Commune(CommuneId),
    /// Residents of households in one hamlet.
    Hamlet(CommuneId, HamletId),
    /// Residents of households assigned to one volunteer.
    Assigned(CommuneId, UserId),
}

impl ResidentScope {
    /// The commune every row of this scope belongs to.
    pub fn commune_id(self) -> CommuneId {
        match self {
            ResidentScope::Commune(commune_id)
            | ResidentScope::Hamlet(commune_id, _)
            | ResidentScope::Assigned(commune_id, _) => commune_id,
        }
    }
}

impl Actor {
    /// The residents whose personal data this actor may read, or `None` when they may read none.
    ///
    /// Province staff and the super admin see aggregates only (least data, Luật 91/2025/QH15).
    pub fn resident_scope(&self) -> Option<ResidentScope> {
        let commune_id = self.commune_id?;
        match self.role {
            Role::CommuneAdmin | Role::CommuneStaff => Some(ResidentScope::Commune(commune_id)),
            Role::HamletLead => self.hamlet_id.map(|hamlet_id| ResidentScope::Hamlet(commune_id, hamlet_id)),
            Role::Volunteer => Some(ResidentScope::Assigned(commune_id, self.user_id)),
            Role::SuperAdmin | Role::ProvinceStaff | Role::Resident => None,
        }
    }

    /// Whether the actor may see the aggregate figures of a commune.
    pub fn can_view_commune_figures(&self, commune_id: CommuneId, province_of_commune: &ProvinceCode) -> bool {
        match self.role {
            Role::SuperAdmin => true,
            Role::ProvinceStaff => self.province_code.as_ref() == Some(province_of_commune),
            Role::CommuneAdmin | Role::CommuneStaff | Role::HamletLead | Role::Volunteer => {
                self.commune_id == Some(commune_id)
            }
            Role::Resident => false,
        }
    }

    /// Whether the actor may create or change hamlets of a commune.
    pub fn can_manage_hamlets(&self, commune_id: CommuneId) -> bool {
        matches!(self.role, Role::CommuneAdmin | Role::CommuneStaff) && self.commune_id == Some(commune_id)
    }

    /// Whether the actor may add households and people to a hamlet: commune staff anywhere in the commune,
    /// a hamlet lead in their own hamlet.
    pub fn can_register_in_hamlet(&self, commune_id: CommuneId, hamlet_id: HamletId) -> bool {
        self.can_manage_hamlets(commune_id) || (self.role == Role::HamletLead && self.hamlet_id == Some(hamlet_id))
    }

    /// Whether the actor may create, disable or reset the password of an account with this role and place.
    pub fn can_manage_account(&self, role: Role, place: &AccountPlace) -> bool {
        match self.role {
            Role::SuperAdmin => true,
            Role::ProvinceStaff => {
                role == Role::CommuneAdmin
                    && matches!(place, AccountPlace::Commune { province_code, .. }
                        if self.province_code.as_ref() == Some(province_code))
            }
            Role::CommuneAdmin => {
                matches!(role, Role::CommuneStaff | Role::HamletLead | Role::Volunteer | Role::Resident)
                    && matches!(place, AccountPlace::Commune { commune_id, .. } if self.commune_id == Some(*commune_id))
            }
            _ => false,
        }
    }

    /// Whether the actor may erase (de-identify) residents of the commune.
    pub fn can_erase_residents(&self, commune_id: CommuneId) -> bool {
        self.role == Role::CommuneAdmin && self.commune_id == Some(commune_id)
    }

    /// Whether the actor may read the audit log of a commune (`None`: the deployment-wide log).
    pub fn can_read_audit_log(&self, commune_id: Option<CommuneId>) -> bool {
        match self.role {
            Role::SuperAdmin => true,
            Role::CommuneAdmin => commune_id.is_some() && self.commune_id == commune_id,
            _ => false,
        }
    }

    /// Whether the actor may keep the commune's question bank and run its contests (see entrants' data).
    pub fn can_manage_contests(&self, commune_id: CommuneId) -> bool {
        self.can_manage_hamlets(commune_id)
    }

    // guide editor
    /// Whether the actor may add and edit guides in the web editor: commune staff and admins.
    pub fn can_edit_guides(&self) -> bool {
        matches!(self.role, Role::CommuneAdmin | Role::CommuneStaff) && self.commune_id.is_some()
    }

    /// Whether the actor may change a guide whose current edit was made by `owner` (`None`: the file version is
    /// served): a guide a commune edited or added is changed by that commune only, until it is reverted.
    pub fn can_edit_guide(&self, owner: Option<CommuneId>) -> bool {
        self.can_edit_guides() && owner.is_none_or(|owner| self.commune_id == Some(owner))
    }
}

/// Where an account belongs, checked against the role before it is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountPlace {
    /// The whole deployment (super admin).
    Deployment,
    /// A province (province staff).
    Province(ProvinceCode),
    /// A commune, and for a hamlet lead its hamlet.
    Commune {
        /// The commune.
        commune_id: CommuneId,
        /// The province the commune belongs to.
        province_code: ProvinceCode,
        /// The hamlet of a hamlet lead.
        hamlet_id: Option<HamletId>,
    },
}

/// Why an account's role and place do not fit together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The role needs another kind of place (a hamlet lead needs a hamlet, province staff a province...).
    #[error("role does not fit the place")]
    RoleDoesNotFitPlace,
}

impl AccountPlace {
    /// Checks that the role may live at this place.
    pub fn check_role(&self, role: Role) -> Result<(), AccountError> {
        let fits = match (role, self) {
            (Role::SuperAdmin, AccountPlace::Deployment) => true,
            (Role::ProvinceStaff, AccountPlace::Province(_)) => true,
            (Role::HamletLead, AccountPlace::Commune { hamlet_id, .. }) => hamlet_id.is_some(),
            (
                Role::CommuneAdmin | Role::CommuneStaff | Role::Volunteer | Role::Resident,
                AccountPlace::Commune { hamlet_id: None, .. },
            ) => true,
            _ => false,
        };
        if fits { Ok(()) } else { Err(AccountError::RoleDoesNotFitPlace) }
    }
}

/// Sign-in throttling per account: many residents share one address in a commune hall, so the
/// counter belongs to the account, not to the IP address (OWASP Authentication Cheat Sheet).
pub mod throttle {
    use super::*;

    /// Failures allowed before the account locks.
    pub const FREE_FAILURES: u32 = 5;
    /// The longest lock.
    pub const MAX_LOCK: Duration = Duration::minutes(30);

    /// When a sign-in may next be tried after `failures` consecutive failures, or `None` if it may be tried now.
    ///
    /// The lock doubles with every further failure: 1, 2, 4… minutes, at most [`MAX_LOCK`].
    pub fn locked_until(failures: u32, now: OffsetDateTime) -> Option<OffsetDateTime> {
        if failures < FREE_FAILURES {
            return None;
        }
        let exponent = (failures - FREE_FAILURES).min(10);
        let lock = Duration::minutes(1i64 << exponent).min(MAX_LOCK);
        Some(now + lock)
    }
}

/// How long a signed-in session lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused this long ends.
    pub idle: Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    /// Two hours idle suits a volunteer's round; twelve hours bounds a stolen cookie.
    fn default() -> Self {
        SessionPolicy { idle: Duration::hours(2), absolute: Duration::hours(12) }
    }
}

impl SessionPolicy {
    /// Whether a session created and last used at these moments has ended.
    pub fn has_expired(&self, created_at: OffsetDateTime, last_seen_at: OffsetDateTime, now: OffsetDateTime) -> bool {
        now - last_seen_at > self.idle || now - created_at > self.absolute
    }
}

/// Password rules (OWASP ASVS 5.0 §6.2): long enough, never truncated, not a common password.
pub mod password {
    /// Fewest characters accepted.
    pub const MIN_CHARS: usize = 8;
    /// Most characters accepted; argon2 takes any length, the cap only bounds work per request.
    pub const MAX_CHARS: usize = 128;

    /// Why a new password is refused.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
    pub enum PasswordError {
        /// Fewer than [`MIN_CHARS`] characters.
        #[error("password too short")]
        TooShort,
        /// More than [`MAX_CHARS`] characters.
        #[error("password too long")]
        TooLong,
        /// On the list of passwords people use most.
        #[error("password too common")]
        TooCommon,
    }

    impl PasswordError {
        /// The stable code of this refusal in the API.
        pub fn code(self) -> &'static str {
            match self {
                PasswordError::TooShort => "password_too_short",
                PasswordError::TooLong => "password_too_long",
                PasswordError::TooCommon => "password_too_common",
            }
        }
    }

    /// Passwords that are guessed first, including Vietnamese favourites.
    const COMMON: &str = include_str!("common_passwords.txt");

    /// Checks a new password against the rules.
    pub fn check(password: &str) -> Result<(), PasswordError> {
        let n_chars = password.chars().count();
        if n_chars < MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if n_chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        let lowered = password.to_lowercase();
        if COMMON.lines().any(|common| common == lowered) {
            return Err(PasswordError::TooCommon);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn actor(role: Role, commune: Option<i64>, hamlet: Option<i64>) -> Actor {
        Actor {
            user_id: UserId(7),
            role,
            province_code: ProvinceCode::parse("40"),
            commune_id: commune.map(CommuneId),
            hamlet_id: hamlet.map(HamletId),
        }
    }

    #[test]
    fn each_role_gets_the_narrowest_resident_scope() {
        let cases = [
            (actor(Role::CommuneStaff, Some(1), None), Some(ResidentScope::Commune(CommuneId(1)))),
            (actor(Role::HamletLead, Some(1), Some(3)), Some(ResidentScope::Hamlet(CommuneId(1), HamletId(3)))),
            (actor(Role::HamletLead, Some(1), None), None),
            (actor(Role::Volunteer, Some(1), None), Some(ResidentScope::Assigned(CommuneId(1), UserId(7)))),
            (actor(Role::ProvinceStaff, None, None), None),
            (actor(Role::SuperAdmin, None, None), None),
            (actor(Role::Resident, Some(1), None), None),
        ];
        for (actor, expected) in cases {
            assert_eq!(actor.resident_scope(), expected, "{:?}", actor.role);
        }
    }

    #[test]
    fn commune_admins_manage_only_lower_roles_of_their_commune() {
        let admin = actor(Role::CommuneAdmin, Some(1), None);
        let here = AccountPlace::Commune {
            commune_id: CommuneId(1),
            province_code: ProvinceCode::parse("40").unwrap(),
            hamlet_id: None,
        };
        let there = AccountPlace::Commune {
            commune_id: CommuneId(2),
            province_code: ProvinceCode::parse("40").unwrap(),
            hamlet_id: None,
        };
        assert!(admin.can_manage_account(Role::Volunteer, &here));
        assert!(!admin.can_manage_account(Role::Volunteer, &there));
        assert!(!admin.can_manage_account(Role::CommuneAdmin, &here));
        assert!(!actor(Role::CommuneStaff, Some(1), None).can_manage_account(Role::Volunteer, &here));
        assert!(actor(Role::ProvinceStaff, None, None).can_manage_account(Role::CommuneAdmin, &there));
    }

    #[test]
    fn a_hamlet_lead_needs_a_hamlet() {
        let place = AccountPlace::Commune {
            commune_id: CommuneId(1),
            province_code: ProvinceCode::parse("40").unwrap(),
            hamlet_id: None,
        };
        assert_eq!(place.check_role(Role::HamletLead), Err(AccountError::RoleDoesNotFitPlace));
        assert_eq!(place.check_role(Role::Volunteer), Ok(()));
        assert_eq!(AccountPlace::Deployment.check_role(Role::Volunteer), Err(AccountError::RoleDoesNotFitPlace));
    }

    #[test]
    fn locks_double_after_five_failures_and_are_capped() {
        let now = datetime!(2026-11-28 08:00 UTC);
        assert_eq!(throttle::locked_until(4, now), None);
        assert_eq!(throttle::locked_until(5, now), Some(now + Duration::minutes(1)));
        assert_eq!(throttle::locked_until(7, now), Some(now + Duration::minutes(4)));
        assert_eq!(throttle::locked_until(40, now), Some(now + throttle::MAX_LOCK));
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let policy = SessionPolicy::default();
        let t0 = datetime!(2026-11-28 08:00 UTC);
        assert!(!policy.has_expired(t0, t0, t0 + Duration::minutes(119)));
        assert!(policy.has_expired(t0, t0, t0 + Duration::minutes(121)));
        assert!(policy.has_expired(t0, t0 + Duration::hours(12), t0 + Duration::hours(12) + Duration::minutes(1)));
    }

    #[test]
    fn passwords_follow_the_rules_without_truncation() {
        use password::{PasswordError, check};
        assert_eq!(check("ngan"), Err(PasswordError::TooShort));
        assert_eq!(check("matkhau123"), Err(PasswordError::TooCommon));
        assert_eq!(check("AnhYeuEm"), Err(PasswordError::TooCommon));
        assert_eq!(check(&"x".repeat(129)), Err(PasswordError::TooLong));
        assert_eq!(check(&"Lúa-chín-vàng ".repeat(9)), Ok(()));
        assert_eq!(check("Trâu đi cày sớm"), Ok(()));
    }
}
