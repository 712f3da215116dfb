//! Help requests: a resident asks for help; the hamlet's team answers and closes it.

use serde::Serialize;
use time::OffsetDateTime;

use crate::ids::{CommuneId, HamletId, UserId};
use crate::person_name::PersonName;
use crate::phone::PhoneNumber;

/// What people most often ask for (the public form offers these first).
pub const TOPICS: &[(&str, &str)] = &[
    ("vneid", "Cài đặt, kích hoạt VNeID"),
    ("public_service", "Làm thủ tục trên Cổng Dịch vụ công"),
    ("zalo", "Dùng Zalo"),
    ("payment", "Thanh toán, chuyển tiền trên điện thoại"),
    ("scam", "Nghi bị lừa đảo"),
    ("phone", "Dùng điện thoại"),
    ("other", "Việc khác"),
];

/// Where a request came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HelpChannel {
    /// The public page (or its QR code).
    Web,
    /// A phone call that staff entered.
    Phone,
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HelpStatus {
    /// Nobody has taken it yet.
    Open,
    /// Someone is on it.
    InProgress,
    /// Done.
    Resolved,
}

impl HelpStatus {
    /// Every status.
    pub const ALL: [HelpStatus; 3] = [HelpStatus::Open, HelpStatus::InProgress, HelpStatus::Resolved];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            HelpStatus::Open => "open",
            HelpStatus::InProgress => "in_progress",
            HelpStatus::Resolved => "resolved",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<HelpStatus> {
        HelpStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl HelpChannel {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            HelpChannel::Web => "web",
            HelpChannel::Phone => "phone",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<HelpChannel> {
        match name {
            "web" => Some(HelpChannel::Web),
            "phone" => Some(HelpChannel::Phone),
            _ => None,
        }
    }
}

/// A request to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewHelpRequest {
    /// The commune asked.
    pub commune_id: CommuneId,
    /// The hamlet, when the person said which.
    pub hamlet_id: Option<HamletId>,
    /// Who asks.
    pub full_name: PersonName,
    /// How to reach them.
    pub phone: PhoneNumber,
    /// One of [`TOPICS`].
    pub topic: String,
    /// What they wrote.
    pub details: String,
    /// Where it came from.
    pub channel: HelpChannel,
}

/// A request as stored. `Debug` leaves out the name and phone.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct HelpRequest {
    /// Identifier.
    pub id: i64,
    /// Commune.
    pub commune_id: CommuneId,
    /// Hamlet, if known.
    pub hamlet_id: Option<HamletId>,
    /// Who asks.
    pub full_name: PersonName,
    /// How to reach them.
    pub phone: PhoneNumber,
    /// Topic code.
    pub topic: String,
    /// What they wrote.
    pub details: String,
    /// Where it came from.
    pub channel: HelpChannel,
    /// Where it stands.
    pub status: HelpStatus,
    /// The team's note.
    pub note: String,
    /// When it arrived.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Who handled it last.
    pub handled_by: Option<UserId>,
}

impl std::fmt::Debug for HelpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HelpRequest").field("id", &self.id).field("status", &self.status).finish_non_exhaustive()
    }
}

/// Whether `topic` is one of [`TOPICS`].
pub fn is_known_topic(topic: &str) -> bool {
    TOPICS.iter().any(|(code, _)| *code == topic)
}
