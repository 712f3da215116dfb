//! Typed identifiers, one newtype per entity, so a hamlet id can never be passed where a resident id belongs.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

id_type! {
    /// An account that can sign in.
    UserId,
    /// A hamlet (thôn, bản, khối, xóm, tổ dân phố) of a commune.
    HamletId,
    /// A household of the register.
    HouseholdId,
    /// A person of the register.
    ResidentId,
    /// One recorded consent of a resident.
    ConsentId,
    /// One entry of the audit log.
    AuditId,
    // Contests.
    /// A question of a commune's question bank.
    QuestionId,
    /// A quiz contest.
    ContestId,
    /// A participant's registration in a contest.
    EntrantId,
    /// One attempt of a participant.
    AttemptId,
    /// A volunteer team (Tổ công nghệ số cộng đồng).
    TeamId,
    // import jobs
    /// One spreadsheet import job.
    ImportJobId,
    // contests: results
    /// A winner's certificate of a contest.
    CertificateId,
}

/// A commune-level unit, identified by its official 5-digit code (QĐ 19/2025/QĐ-TTg).
///
/// The code is stable and never reused, so it serves as the tenant key and the shard key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommuneId(pub i64);

impl CommuneId {
    /// Parses the official code, with or without its leading zeros ("00004" or "4").
    pub fn parse(code: &str) -> Option<CommuneId> {
        let code = code.trim();
        if code.is_empty() || code.len() > 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        code.parse().ok().filter(|n| *n > 0).map(CommuneId)
    }

    /// The official code with its leading zeros, as printed in documents.
    pub fn code(&self) -> String {
        format!("{:05}", self.0)
    }
}

impl std::fmt::Display for CommuneId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

/// A province-level unit, identified by its official 2-digit code (QĐ 19/2025/QĐ-TTg).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProvinceCode(String);

impl ProvinceCode {
    /// Accepts exactly two digits, e.g. "01" or "40".
    pub fn parse(code: &str) -> Option<ProvinceCode> {
        let code = code.trim();
        (code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) && code != "00")
            .then(|| ProvinceCode(code.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProvinceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commune_codes_keep_their_leading_zeros() {
        assert_eq!(CommuneId::parse("00004").map(|c| c.code()), Some("00004".into()));
        assert_eq!(CommuneId::parse("16777"), Some(CommuneId(16777)));
        assert_eq!(CommuneId::parse("167770"), None);
        assert_eq!(CommuneId::parse("00000"), None);
        assert_eq!(CommuneId::parse("1a"), None);
    }

    #[test]
    fn province_codes_are_two_digits() {
        assert!(ProvinceCode::parse("01").is_some());
        assert!(ProvinceCode::parse("1").is_none());
        assert!(ProvinceCode::parse("00").is_none());
    }
}
