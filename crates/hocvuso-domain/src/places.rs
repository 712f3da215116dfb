//! Official administrative units (QĐ 19/2025/QĐ-TTg) and the hamlets a commune creates itself.

use serde::Serialize;
use time::OffsetDateTime;

use crate::ids::{CommuneId, HamletId, ProvinceCode};

/// A province-level unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Province {
    /// Official 2-digit code.
    pub code: ProvinceCode,
    /// Official name, e.g. "Tỉnh Nghệ An".
    pub name: String,
    /// `tinh` or `thanh_pho` (a centrally-run city).
    pub kind: String,
}

/// A commune-level unit from the official list (xã, phường, đặc khu).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommuneUnit {
    /// Official 5-digit code.
    pub id: CommuneId,
    /// The province it belongs to.
    pub province_code: ProvinceCode,
    /// Official name, e.g. "Xã Quỳ Châu".
    pub name: String,
    /// `xa`, `phuong` or `dac_khu`.
    pub kind: String,
    /// Whether this deployment serves the commune (it has been activated as a tenant).
    pub is_active: bool,
}

/// The kinds of residential area below a commune.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HamletKind {
    /// Thôn (the usual rural hamlet).
    Thon,
    /// Bản (a hamlet in mountain areas).
    Ban,
    /// Xóm.
    Xom,
    /// Khối (in a town or ward).
    Khoi,
    /// Tổ dân phố (urban residential group).
    ToDanPho,
    /// Ấp (southern provinces).
    Ap,
    /// Buôn, plây, sóc and other local names.
    Other,
}

impl HamletKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [HamletKind; 7] = [
        HamletKind::Thon,
        HamletKind::Ban,
        HamletKind::Xom,
        HamletKind::Khoi,
        HamletKind::ToDanPho,
        HamletKind::Ap,
        HamletKind::Other,
    ];

    /// The stable stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            HamletKind::Thon => "thon",
            HamletKind::Ban => "ban",
            HamletKind::Xom => "xom",
            HamletKind::Khoi => "khoi",
            HamletKind::ToDanPho => "to_dan_pho",
            HamletKind::Ap => "ap",
            HamletKind::Other => "other",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<HamletKind> {
        HamletKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// A hamlet of a commune.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hamlet {
    /// Identifier.
    pub id: HamletId,
    /// The commune it belongs to.
    pub commune_id: CommuneId,
    /// Its name, e.g. "Thôn Đông".
    pub name: String,
    /// Its kind.
    pub kind: HamletKind,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A hamlet to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewHamlet {
    /// The commune.
    pub commune_id: CommuneId,
    /// The name, already cleaned.
    pub name: String,
    /// The kind.
    pub kind: HamletKind,
}
