//! Field records: what a volunteer records in the hamlet, often with no connection, and sends later.
//!
//! Every record carries an id its device gave it when it was made. The server keeps a receipt per id, so a
//! record sent twice (a retried batch, a sync cut half-way and started again, a double tap) is applied once and
//! answers the same both times. The rules for records that meet a changed register are in [`FieldStatus`].

use serde::Serialize;
use time::{Duration, OffsetDateTime};

/// The id a device gave a record: 8 to 64 characters of ASCII letters, digits and `-` (a UUID in practice).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ClientRecordId(String);

impl ClientRecordId {
    /// Checks an id sent by a device.
    pub fn parse(raw: &str) -> Option<ClientRecordId> {
        let raw = raw.trim();
        let ok_len = (8..=64).contains(&raw.len());
        (ok_len && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            .then(|| ClientRecordId(raw.to_ascii_lowercase()))
    }

    /// The id as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a field record does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRecordKind {
    /// A visit to a person of an assigned household.
    Visit,
    /// A skill seen, learnt in class or self-reported.
    SignOff,
    /// A person added to an assigned household, with their consent.
    Person,
}

impl FieldRecordKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldRecordKind::Visit => "visit",
            FieldRecordKind::SignOff => "sign_off",
            FieldRecordKind::Person => "person",
        }
    }

    /// Reads a stored or sent name.
    pub fn parse(name: &str) -> Option<FieldRecordKind> {
        [FieldRecordKind::Visit, FieldRecordKind::SignOff, FieldRecordKind::Person]
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

/// What became of a field record. The conflict rule:
/// - a visit is never in conflict: visits only add to the history;
/// - a skill already confirmed (an active sign-off) when the record arrives is not confirmed twice:
///   [`FieldStatus::Conflict`] with `skill_already_signed_off`, nothing written;
/// - a person already in the register (same phone in the commune, or same name and birth year in the household)
///   is not added twice: [`FieldStatus::Conflict`] with `person_already_registered`; the skills the volunteer saw
///   are confirmed for the person already there (those not confirmed yet);
/// - a record about a person or household no longer assigned to the volunteer, erased, or with invalid content is
///   [`FieldStatus::Rejected`] with the reason; nothing written.
///
/// Every outcome is kept with the record's id, so sending the record again answers the same (marked as a replay)
/// and writes nothing. The volunteer sees conflicts and rejections on the field page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldStatus {
    /// Written.
    Applied,
    /// The register had changed; the record was reconciled as the rule says.
    Conflict,
    /// Not written, with the reason.
    Rejected,
}

impl FieldStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldStatus::Applied => "applied",
            FieldStatus::Conflict => "conflict",
            FieldStatus::Rejected => "rejected",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<FieldStatus> {
        [FieldStatus::Applied, FieldStatus::Conflict, FieldStatus::Rejected]
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

/// How far back a device's clock is believed: records made offline within this many days keep their time.
pub const FIELD_RECORD_MAX_AGE: Duration = Duration::days(30);

/// When a field record happened. The device's time is kept when it is plausible (not in the future, not older
/// than [`FIELD_RECORD_MAX_AGE`]); a phone with a wrong clock gets the time the server received the record.
pub fn effective_time(recorded_at: Option<OffsetDateTime>, now: OffsetDateTime) -> OffsetDateTime {
    match recorded_at {
        Some(at) if at <= now && now - at <= FIELD_RECORD_MAX_AGE => at,
        _ => now,
    }
}

/// A stored receipt: the answer given to a record id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldReceipt {
    /// The record's id.
    pub client_id: ClientRecordId,
    /// Who sent it.
    pub user_id: crate::ids::UserId,
    /// What it did.
    pub kind: FieldRecordKind,
    /// What became of it.
    pub status: FieldStatus,
    /// Why, for conflicts and rejections (an error code).
    pub code: Option<String>,
    /// The person it was about (for a new person: the one added, or the one already there).
    pub resident_id: Option<crate::ids::ResidentId>,
    /// The household it was about.
    pub household_id: Option<crate::ids::HouseholdId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_checked_and_lowercased() {
        let id = ClientRecordId::parse(" 6F1C2B1E-8B1A-4C55-9B44-2D2B4E0C9A10 ").map(|id| id.as_str().to_owned());
        assert_eq!(id.as_deref(), Some("6f1c2b1e-8b1a-4c55-9b44-2d2b4e0c9a10"));
        assert!(ClientRecordId::parse("short").is_none());
        assert!(ClientRecordId::parse("abc def 123").is_none());
        assert!(ClientRecordId::parse("x'; DROP TABLE visit;--").is_none());
        assert!(ClientRecordId::parse(&"a".repeat(65)).is_none());
    }

    #[test]
    fn device_time_is_kept_only_when_plausible() {
        let now = OffsetDateTime::from_unix_timestamp(1_764_300_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let hour_ago = now - Duration::hours(1);
        assert_eq!(effective_time(Some(hour_ago), now), hour_ago);
        assert_eq!(effective_time(Some(now + Duration::minutes(10)), now), now);
        assert_eq!(effective_time(Some(now - Duration::days(31)), now), now);
        assert_eq!(effective_time(None, now), now);
    }

    #[test]
    fn names_round_trip() {
        for kind in [FieldRecordKind::Visit, FieldRecordKind::SignOff, FieldRecordKind::Person] {
            assert_eq!(FieldRecordKind::parse(kind.as_str()), Some(kind));
        }
        for status in [FieldStatus::Applied, FieldStatus::Conflict, FieldStatus::Rejected] {
            assert_eq!(FieldStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(FieldRecordKind::parse("erase"), None);
    }
}
