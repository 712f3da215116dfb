//! Import jobs: a spreadsheet of households and residents, uploaded, mapped, checked and committed in steps.
//!
//! A job moves `uploaded → mapped → checked → running → done | failed`, and any job not finished within
//! [`JOB_LIFETIME`] becomes `expired` (its file is purged). A `running` job whose worker has not reported
//! progress for [`STALL_AFTER`] is shown as `failed`: the worker died (the server restarted) and its one
//! transaction rolled back, so nothing of it was written.

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::accounts::{Actor, ResidentScope, Role};
use crate::ids::{CommuneId, HamletId, ImportJobId, UserId};
use crate::text;

/// How long a job (and its file) is kept.
pub const JOB_LIFETIME: Duration = Duration::hours(24);

/// A running job without progress for this long is taken as dead.
pub const STALL_AFTER: Duration = Duration::minutes(2);

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    /// The file was read and its columns guessed.
    Uploaded,
    /// The user confirmed or changed the column mapping.
    Mapped,
    /// Every row was checked; the report says which (if any) to fix.
    Checked,
    /// The rows are being written in the background.
    Running,
    /// Every row was written.
    Done,
    /// Nothing was written: a row was refused at the last check, or the worker died.
    Failed,
    /// Not finished within a day; the file is gone.
    Expired,
}

impl ImportState {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportState::Uploaded => "uploaded",
            ImportState::Mapped => "mapped",
            ImportState::Checked => "checked",
            ImportState::Running => "running",
            ImportState::Done => "done",
            ImportState::Failed => "failed",
            ImportState::Expired => "expired",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<ImportState> {
        Some(match name {
            "uploaded" => ImportState::Uploaded,
            "mapped" => ImportState::Mapped,
            "checked" => ImportState::Checked,
            "running" => ImportState::Running,
            "done" => ImportState::Done,
            "failed" => ImportState::Failed,
            "expired" => ImportState::Expired,
            _ => return None,
        })
    }

    /// Whether the job is over (nothing more can happen to it).
    pub fn is_final(self) -> bool {
        matches!(self, ImportState::Done | ImportState::Failed | ImportState::Expired)
    }
}

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    /// Họ và tên.
    FullName,
    /// Năm sinh (or a date of birth).
    BirthYear,
    /// Giới tính.
    Gender,
    /// Số điện thoại.
    Phone,
    /// Số CCCD.
    Cccd,
    /// Thôn, bản.
    Hamlet,
    /// Địa chỉ: people with the same hamlet and address form one household.
    Address,
}

impl ImportField {
    /// Every field, in the order forms list them.
    pub const ALL: [ImportField; 7] = [
        ImportField::FullName,
        ImportField::BirthYear,
        ImportField::Gender,
        ImportField::Phone,
        ImportField::Cccd,
        ImportField::Hamlet,
        ImportField::Address,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportField::FullName => "full_name",
            ImportField::BirthYear => "birth_year",
            ImportField::Gender => "gender",
            ImportField::Phone => "phone",
            ImportField::Cccd => "cccd",
            ImportField::Hamlet => "hamlet",
            ImportField::Address => "address",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<ImportField> {
        ImportField::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// Recognises a header ("Họ và tên", "Năm sinh", "SĐT"…), compared without case or diacritics.
pub fn guess_field(header: &str) -> Option<ImportField> {
    let folded: String =
        text::fold(header).chars().map(|c| if "/,-.:()".contains(c) { ' ' } else { c }).collect::<String>();
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    let has = |words: &[&str]| words.iter().any(|w| folded == *w || folded.starts_with(&format!("{w} ")));
    if has(&["ho va ten", "ho ten", "ten", "ho ten nguoi dan", "ten nguoi dan"]) {
        Some(ImportField::FullName)
    } else if has(&["nam sinh", "ngay sinh", "ngay thang nam sinh"]) {
        Some(ImportField::BirthYear)
    } else if has(&["gioi tinh", "gioi"]) {
        Some(ImportField::Gender)
    } else if has(&["so dien thoai", "dien thoai", "sdt", "so dt", "dt"]) {
        Some(ImportField::Phone)
    } else if has(&["cccd", "so cccd", "can cuoc", "so can cuoc", "so dinh danh", "cmnd"]) {
        Some(ImportField::Cccd)
    } else if has(&["thon", "ban", "xom", "khoi", "ap", "to dan pho"]) {
        Some(ImportField::Hamlet)
    } else if has(&["dia chi", "so nha", "noi o"]) {
        Some(ImportField::Address)
    } else {
        None
    }
}

/// Guesses a mapping for a header row: each field goes to the first column that names it.
pub fn guess_mapping(headers: &[String]) -> Vec<Option<ImportField>> {
    let mut seen = Vec::new();
    headers
        .iter()
        .map(|header| {
            let field = guess_field(header).filter(|f| !seen.contains(f));
            if let Some(f) = field {
                seen.push(f);
            }
            field
        })
        .collect()
}

/// The refusals of one line of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    /// Line number as the spreadsheet shows it (1 = first row).
    pub line: u32,
    /// Stable codes of what is wrong.
    pub codes: Vec<String>,
}

/// One import job, as stored (without its file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportJob {
    /// Id.
    pub id: ImportJobId,
    /// Commune the rows go to.
    pub commune_id: CommuneId,
    /// Who uploaded the file.
    pub owner: UserId,
    /// The hamlet of a hamlet lead's job: every row must belong to it.
    pub hamlet_id: Option<HamletId>,
    /// The file's name as uploaded.
    pub file_name: String,
    /// Stored state (see [`ImportJob::state_at`] for what to show).
    pub state: ImportState,
    /// Line of the header row (1-based).
    pub header_line: u32,
    /// The header row's cells.
    pub columns: Vec<String>,
    /// What each column holds, `None` for an ignored column.
    pub mapping: Vec<Option<ImportField>>,
    /// Data rows in the file.
    pub n_rows: i64,
    /// Rows done by the current step (progress).
    pub n_done: i64,
    /// Households the rows form (new or existing), known after a check.
    pub n_households: i64,
    /// Rows written when done.
    pub n_imported: i64,
    /// The refused lines of the last check.
    pub problems: Vec<ImportProblem>,
    /// Why the job failed, as a stable code.
    pub error_code: Option<String>,
    /// When it was uploaded.
    pub created_at: OffsetDateTime,
    /// Last change or progress report.
    pub updated_at: OffsetDateTime,
    /// When it expires.
    pub expires_at: OffsetDateTime,
}

impl ImportJob {
    /// The state to show at `now`: a running job without progress for [`STALL_AFTER`] has failed, and an
    /// unfinished job past its lifetime has expired.
    pub fn state_at(&self, now: OffsetDateTime) -> ImportState {
        match self.state {
            ImportState::Running if now - self.updated_at >= STALL_AFTER => ImportState::Failed,
            state if !state.is_final() && now >= self.expires_at => ImportState::Expired,
            state => state,
        }
    }

    /// The stable code of why the job failed, as shown at `now`.
    pub fn error_at(&self, now: OffsetDateTime) -> Option<&str> {
        match (self.state, self.state_at(now)) {
            (ImportState::Running, ImportState::Failed) => Some("import_worker_died"),
            _ => self.error_code.as_deref(),
        }
    }

    /// The column mapped to a field.
    pub fn column_of(&self, field: ImportField) -> Option<usize> {
        self.mapping.iter().position(|f| *f == Some(field))
    }

    /// Required fields the mapping lacks (the hamlet is implied for a hamlet lead's job).
    pub fn missing_fields(&self) -> Vec<ImportField> {
        let mut missing: Vec<ImportField> = [ImportField::FullName, ImportField::Address]
            .into_iter()
            .filter(|f| self.column_of(*f).is_none())
            .collect();
        if self.hamlet_id.is_none() && self.column_of(ImportField::Hamlet).is_none() {
            missing.push(ImportField::Hamlet);
        }
        missing
    }
}

/// Whether the actor may import into the register, and if so the hamlet they are bound to (a hamlet lead's).
/// `None` means "may not"; `Some(None)` means the whole commune.
pub fn import_scope(actor: &Actor) -> Option<(CommuneId, Option<HamletId>)> {
    match (actor.role, actor.resident_scope()?) {
        (Role::CommuneAdmin | Role::CommuneStaff, scope) => Some((scope.commune_id(), None)),
        (Role::HamletLead, ResidentScope::Hamlet(commune_id, hamlet_id)) => Some((commune_id, Some(hamlet_id))),
        _ => None,
    }
}

/// Whether the actor may see (and act on) a job: its owner, or an administrator of its commune.
pub fn can_see_job(actor: &Actor, job: &ImportJob) -> bool {
    actor.commune_id == Some(job.commune_id)
        && (actor.user_id == job.owner || actor.role == Role::CommuneAdmin)
        && import_scope(actor).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_as_communes_write_them() {
        let cases = [
            ("Họ và tên", Some(ImportField::FullName)),
            ("HỌ TÊN", Some(ImportField::FullName)),
            ("Năm sinh", Some(ImportField::BirthYear)),
            ("Ngày tháng năm sinh", Some(ImportField::BirthYear)),
            ("SĐT", Some(ImportField::Phone)),
            ("Số điện thoại liên hệ", Some(ImportField::Phone)),
            ("Số CCCD", Some(ImportField::Cccd)),
            ("Thôn/bản", Some(ImportField::Hamlet)),
            ("Thôn", Some(ImportField::Hamlet)),
            ("Địa chỉ", Some(ImportField::Address)),
            ("Chỗ ở", None),
            ("Ghi chú", None),
        ];
        for (header, expected) in cases {
            assert_eq!(guess_field(header), expected, "{header}");
        }
    }

    #[test]
    fn a_field_is_guessed_for_one_column_only() {
        let headers = ["Họ tên", "Địa chỉ", "Số nhà"].map(str::to_owned);
        assert_eq!(guess_mapping(&headers), vec![Some(ImportField::FullName), Some(ImportField::Address), None]);
    }

    #[test]
    fn states_round_trip_and_a_silent_worker_is_shown_failed() {
        for state in [
            ImportState::Uploaded,
            ImportState::Mapped,
            ImportState::Checked,
            ImportState::Running,
            ImportState::Done,
            ImportState::Failed,
            ImportState::Expired,
        ] {
            assert_eq!(ImportState::parse(state.as_str()), Some(state));
        }
        let at = time::macros::datetime!(2026-11-28 08:00 UTC);
        let job = ImportJob {
            id: ImportJobId(1),
            commune_id: CommuneId(16777),
            owner: UserId(1),
            hamlet_id: None,
            file_name: "a.xlsx".into(),
            state: ImportState::Running,
            header_line: 1,
            columns: vec![],
            mapping: vec![],
            n_rows: 0,
            n_done: 0,
            n_households: 0,
            n_imported: 0,
            problems: vec![],
            error_code: None,
            created_at: at,
            updated_at: at,
            expires_at: at + JOB_LIFETIME,
        };
        assert_eq!(job.state_at(at + Duration::minutes(1)), ImportState::Running);
        assert_eq!(job.state_at(at + STALL_AFTER), ImportState::Failed);
        assert_eq!(job.error_at(at + STALL_AFTER), Some("import_worker_died"));
        let mapped = ImportJob { state: ImportState::Mapped, ..job };
        assert_eq!(mapped.state_at(at + Duration::hours(23)), ImportState::Mapped);
        assert_eq!(mapped.state_at(at + JOB_LIFETIME), ImportState::Expired);
        assert_eq!(mapped.missing_fields(), vec![ImportField::FullName, ImportField::Address, ImportField::Hamlet]);
    }
}
