//! The skills checklist, sign-offs, and the rule that says when a person counts as reached (phổ cập).
//!
//! A sign-off is never deleted: it is revoked with a reason, so the status of anyone on any past date can be
//! computed from the sign-offs alone ([`reach_status`]).

use serde::Serialize;
use time::OffsetDateTime;

use crate::ids::{ResidentId, UserId};

/// One skill of the default checklist: its stable code, its Vietnamese name, and whether it is core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultSkill {
    /// Stable code, used by guides and imports.
    pub code: &'static str,
    /// Name shown to people.
    pub name: &'static str,
    /// Whether the skill counts towards "phổ cập".
    pub is_core: bool,
}

/// The checklist every commune starts with: group 0 of the basic digital-skills framework of QĐ 757/QĐ-BKHCN
/// (using the device and its software) and the concrete tasks of the movement. Communes add, rename and retire
/// skills, and choose which are core.
pub const DEFAULT_SKILLS: &[DefaultSkill] = &[
    DefaultSkill { code: "device_basics", name: "Dùng điện thoại thông minh cơ bản", is_core: true },
    DefaultSkill { code: "internet_connection", name: "Kết nối Wi-Fi, 4G", is_core: true },
    DefaultSkill { code: "app_install", name: "Cài ứng dụng từ CH Play, App Store", is_core: true },
    DefaultSkill { code: "zalo", name: "Dùng Zalo: nhắn tin, gửi ảnh, gọi video", is_core: true },
    DefaultSkill { code: "qr_scan", name: "Quét mã QR", is_core: true },
    DefaultSkill { code: "vneid_level2", name: "Kích hoạt và dùng VNeID mức 2", is_core: true },
    DefaultSkill {
        code: "public_service_online", name: "Làm một thủ tục trên Cổng Dịch vụ công", is_core: true
    },
    DefaultSkill {
        code: "health_insurance_app", name: "Dùng VssID, bảo hiểm y tế trên điện thoại", is_core: false
    },
    DefaultSkill { code: "cashless_payment", name: "Thanh toán không dùng tiền mặt", is_core: true },
    DefaultSkill { code: "scam_awareness", name: "Nhận biết lừa đảo, không đưa mã OTP", is_core: true },
    DefaultSkill {
        code: "information_lookup", name: "Tìm thông tin thời tiết, giá cả, sức khoẻ", is_core: false
    },
    DefaultSkill { code: "selling_online", name: "Bán hàng trên mạng", is_core: false },
];

/// A skill of a commune's checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skill {
    /// Identifier.
    pub id: SkillId,
    /// Stable code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Whether it counts towards "phổ cập".
    pub is_core: bool,
    /// Position in the checklist.
    pub position: i64,
    /// Retired skills stay for history but are no longer asked.
    pub is_retired: bool,
}

/// Identifier of a skill of a commune's checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SkillId(pub i64);

/// Identifier of a sign-off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SignOffId(pub i64);

/// How a skill was confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOffMethod {
    /// A volunteer saw the person do it.
    Observed,
    /// Done in a class at the cultural house.
    InClass,
    /// The person says they can (counts only if the commune's rule accepts it).
    SelfReported,
}

impl SignOffMethod {
    /// Every method.
    pub const ALL: [SignOffMethod; 3] = [SignOffMethod::Observed, SignOffMethod::InClass, SignOffMethod::SelfReported];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SignOffMethod::Observed => "observed",
            SignOffMethod::InClass => "in_class",
            SignOffMethod::SelfReported => "self_reported",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<SignOffMethod> {
        SignOffMethod::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// One confirmation that a person has a skill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignOff {
    /// Identifier.
    pub id: SignOffId,
    /// Whose skill.
    pub resident_id: ResidentId,
    /// Which skill.
    pub skill_id: SkillId,
    /// How it was confirmed.
    pub method: SignOffMethod,
    /// A short note ("làm được một mình").
    pub note: String,
    /// Who confirmed it.
    pub confirmed_by: UserId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub confirmed_at: OffsetDateTime,
    /// When it was revoked, if it was.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// Why it was revoked.
    pub revoke_reason: Option<String>,
}

impl SignOff {
    /// Whether the sign-off held at `at`: confirmed by then and not yet revoked.
    pub fn holds_at(&self, at: OffsetDateTime) -> bool {
        self.confirmed_at <= at && self.revoked_at.is_none_or(|revoked_at| revoked_at > at)
    }
}

/// A commune's rule for "phổ cập": every core skill confirmed; self-reported sign-offs count only if accepted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReachRule {
    /// Whether a self-reported sign-off counts.
    pub accepts_self_reported: bool,
}

/// A person's skills on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReachStatus {
    /// Skills confirmed on that date (by the rule).
    pub confirmed: Vec<SkillId>,
    /// Core skills still missing.
    pub missing_core: Vec<SkillId>,
    /// Whether the person counts as reached.
    pub is_reached: bool,
}

/// The status of one person at `as_of`, from the checklist and all of their sign-offs (revoked ones included).
///
/// Skills retired from the checklist no longer count as missing, but a sign-off for them stays confirmed.
pub fn reach_status(skills: &[Skill], sign_offs: &[SignOff], rule: ReachRule, as_of: OffsetDateTime) -> ReachStatus {
    let counts = |sign_off: &&SignOff| {
        sign_off.holds_at(as_of) && (rule.accepts_self_reported || sign_off.method != SignOffMethod::SelfReported)
    };
    let mut confirmed: Vec<SkillId> = sign_offs.iter().filter(counts).map(|s| s.skill_id).collect();
    confirmed.sort();
    confirmed.dedup();
    let missing_core: Vec<SkillId> = skills
        .iter()
        .filter(|skill| skill.is_core && !skill.is_retired && !confirmed.contains(&skill.id))
        .map(|skill| skill.id)
        .collect();
    let has_core_skills = skills.iter().any(|skill| skill.is_core && !skill.is_retired);
    ReachStatus { is_reached: has_core_skills && missing_core.is_empty(), confirmed, missing_core }
}

#[cfg(test)]
mod tests {
    use time::Duration;
    use time::macros::datetime;

    use super::*;

    fn skill(id: i64, is_core: bool) -> Skill {
        Skill {
            id: SkillId(id),
            code: format!("s{id}"),
            name: format!("Kỹ năng {id}"),
            is_core,
            position: id,
            is_retired: false,
        }
    }

    fn sign_off(skill: i64, method: SignOffMethod, at: OffsetDateTime, revoked: Option<OffsetDateTime>) -> SignOff {
        SignOff {
            id: SignOffId(skill),
            resident_id: ResidentId(1),
            skill_id: SkillId(skill),
            method,
            note: String::new(),
            confirmed_by: UserId(9),
            confirmed_at: at,
            revoked_at: revoked,
            revoke_reason: revoked.map(|_| "nhầm người".into()),
        }
    }

    #[test]
    fn a_person_is_reached_when_every_core_skill_holds_on_the_date() {
        let t0 = datetime!(2026-03-01 08:00 UTC);
        let skills = [skill(1, true), skill(2, true), skill(3, false)];
        let sign_offs = [
            sign_off(1, SignOffMethod::Observed, t0, None),
            sign_off(2, SignOffMethod::InClass, t0 + Duration::days(10), Some(t0 + Duration::days(20))),
        ];
        let rule = ReachRule::default();
        let before = reach_status(&skills, &sign_offs, rule, t0 + Duration::days(5));
        assert_eq!((before.is_reached, before.missing_core.clone()), (false, vec![SkillId(2)]));
        let during = reach_status(&skills, &sign_offs, rule, t0 + Duration::days(15));
        assert!(during.is_reached);
        let after = reach_status(&skills, &sign_offs, rule, t0 + Duration::days(20));
        assert!(!after.is_reached, "a revoked sign-off stops counting when it is revoked");
    }

    #[test]
    fn self_reported_skills_count_only_when_the_commune_accepts_them() {
        let t0 = datetime!(2026-03-01 08:00 UTC);
        let skills = [skill(1, true)];
        let sign_offs = [sign_off(1, SignOffMethod::SelfReported, t0, None)];
        assert!(!reach_status(&skills, &sign_offs, ReachRule::default(), t0).is_reached);
        assert!(reach_status(&skills, &sign_offs, ReachRule { accepts_self_reported: true }, t0).is_reached);
    }

    #[test]
    fn retired_skills_are_not_missing_and_an_empty_checklist_reaches_nobody() {
        let t0 = datetime!(2026-03-01 08:00 UTC);
        let mut retired = skill(2, true);
        retired.is_retired = true;
        let skills = [skill(1, true), retired];
        let sign_offs = [sign_off(1, SignOffMethod::Observed, t0, None)];
        assert!(reach_status(&skills, &sign_offs, ReachRule::default(), t0).is_reached);
        assert!(!reach_status(&[], &sign_offs, ReachRule::default(), t0).is_reached);
    }

    #[test]
    fn default_skill_codes_are_unique() {
        let mut codes: Vec<_> = DEFAULT_SKILLS.iter().map(|s| s.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), DEFAULT_SKILLS.len());
    }
}
