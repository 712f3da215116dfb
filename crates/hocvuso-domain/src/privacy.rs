//! Personal-data protection (Luật 91/2025/QH15, Nghị định 356/2025): consent records and the audit log.

use serde::Serialize;
use time::OffsetDateTime;

use crate::ids::{AuditId, CommuneId, ConsentId, ResidentId, UserId};

/// What a consent covers. Each purpose is asked for separately; nothing is pre-ticked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentPurpose {
    /// Keeping the person in the commune's register of digital skills.
    Register,
    /// Contacting the person by phone or Zalo about classes and help.
    Contact,
}

impl ConsentPurpose {
    /// Every purpose.
    pub const ALL: [ConsentPurpose; 2] = [ConsentPurpose::Register, ConsentPurpose::Contact];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentPurpose::Register => "register",
            ConsentPurpose::Contact => "contact",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<ConsentPurpose> {
        ConsentPurpose::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// How the consent was expressed: it must be provable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// A signed paper form kept by the commune.
    Written,
    /// Said aloud to the volunteer, who records it.
    Verbal,
    /// Confirmed by the person on their own device.
    Digital,
}

impl ConsentMethod {
    /// Every method.
    pub const ALL: [ConsentMethod; 3] = [ConsentMethod::Written, ConsentMethod::Verbal, ConsentMethod::Digital];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Written => "written",
            ConsentMethod::Verbal => "verbal",
            ConsentMethod::Digital => "digital",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<ConsentMethod> {
        ConsentMethod::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// One recorded consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Consent {
    /// Identifier.
    pub id: ConsentId,
    /// Whose consent.
    pub resident_id: ResidentId,
    /// For what.
    pub purpose: ConsentPurpose,
    /// How it was expressed.
    pub method: ConsentMethod,
    /// When it was given.
    #[serde(with = "time::serde::rfc3339")]
    pub given_at: OffsetDateTime,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When it was withdrawn, if it was.
    #[serde(with = "time::serde::rfc3339::option")]
    pub withdrawn_at: Option<OffsetDateTime>,
    /// Who recorded the withdrawal.
    pub withdrawn_by: Option<UserId>,
}

impl Consent {
    /// Whether the consent still holds.
    pub fn is_active(&self) -> bool {
        self.withdrawn_at.is_none()
    }
}

/// What was done to a person's data, as the audit log names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Personal data was shown.
    View,
    /// Personal data left the system in a file.
    Export,
    /// A record was created.
    Create,
    /// A record was changed.
    Update,
    /// Identifying data was erased.
    Erase,
    /// A consent was given.
    ConsentGiven,
    /// A consent was withdrawn.
    ConsentWithdrawn,
    /// Someone signed in.
    SignIn,
    /// A sign-in failed.
    SignInFailed,
    /// An account was disabled.
    Disable,
    /// A password was changed or reset.
    PasswordChange,
}

impl AuditAction {
    /// Every action.
    pub const ALL: [AuditAction; 11] = [
        AuditAction::View,
        AuditAction::Export,
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Erase,
        AuditAction::ConsentGiven,
        AuditAction::ConsentWithdrawn,
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::Disable,
        AuditAction::PasswordChange,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::View => "view",
            AuditAction::Export => "export",
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Erase => "erase",
            AuditAction::ConsentGiven => "consent_given",
            AuditAction::ConsentWithdrawn => "consent_withdrawn",
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::Disable => "disable",
            AuditAction::PasswordChange => "password_change",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// What kind of record an audit entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditSubject {
    /// A resident of the register.
    Resident,
    /// A list of residents (the id is absent).
    ResidentList,
    /// An account.
    User,
    /// A hamlet.
    Hamlet,
    /// A household.
    Household,
    /// A volunteer team.
    Team,
    // contests: question bank
    /// A commune's contest question bank (the id is absent).
    QuestionBank,
    // guide editor
    /// A guide edited in the web editor (the id is the guide version).
    Guide,
    // contests: results
    /// A contest (its results, exports and certificates).
    Contest,
}

impl AuditSubject {
    /// Every subject kind.
    pub const ALL: [AuditSubject; 9] = [
        AuditSubject::Resident,
        AuditSubject::ResidentList,
        AuditSubject::User,
        AuditSubject::Hamlet,
        AuditSubject::Household,
        AuditSubject::Team,
        // contests: question bank
        AuditSubject::QuestionBank,
        // guide editor
        AuditSubject::Guide,
        // contests: results
        AuditSubject::Contest,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditSubject::Resident => "resident",
            AuditSubject::ResidentList => "resident_list",
            AuditSubject::User => "user",
            AuditSubject::Hamlet => "hamlet",
            AuditSubject::Household => "household",
            AuditSubject::Team => "team",
            // contests: question bank
            AuditSubject::QuestionBank => "question_bank",
            // guide editor
            AuditSubject::Guide => "guide",
            // contests: results
            AuditSubject::Contest => "contest",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<AuditSubject> {
        AuditSubject::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// An entry to append to the audit log. It holds ids only, never names, phones or CCCD numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAuditEvent {
    /// Who acted (absent for an unknown account's failed sign-in).
    pub actor: Option<UserId>,
    /// The commune whose data was touched.
    pub commune_id: Option<CommuneId>,
    /// What was done.
    pub action: AuditAction,
    /// To what kind of record.
    pub subject: AuditSubject,
    /// Which record.
    pub subject_id: Option<i64>,
    /// A short, non-personal detail (e.g. the export format or the number of rows).
    pub detail: String,
}

impl NewAuditEvent {
    /// An entry with no detail.
    pub fn new(
        actor: Option<UserId>,
        commune_id: Option<CommuneId>,
        action: AuditAction,
        subject: AuditSubject,
        subject_id: Option<i64>,
    ) -> NewAuditEvent {
        NewAuditEvent { actor, commune_id, action, subject, subject_id, detail: String::new() }
    }

    /// An entry about one resident, by a signed-in user.
    pub fn about_resident(
        actor: UserId,
        commune_id: CommuneId,
        action: AuditAction,
        resident_id: ResidentId,
    ) -> NewAuditEvent {
        NewAuditEvent::new(Some(actor), Some(commune_id), action, AuditSubject::Resident, Some(resident_id.0))
    }

    /// Adds a short, non-personal detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> NewAuditEvent {
        self.detail = detail.into();
        self
    }
}

/// An entry of the audit log as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// Identifier, increasing.
    pub id: AuditId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who.
    pub actor: Option<UserId>,
    /// Which commune.
    pub commune_id: Option<CommuneId>,
    /// What.
    pub action: AuditAction,
    /// About what kind of record.
    pub subject: AuditSubject,
    /// About which record.
    pub subject_id: Option<i64>,
    /// Non-personal detail.
    pub detail: String,
}
