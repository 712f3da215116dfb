//! Importing households and residents from the Excel (or .ods, .csv) lists communes already keep.
//!
//! All or nothing: the file is checked row by row first; if any row is refused, or the user only asked for a check,
//! nothing is written and the report says, per line, what to fix. Columns are recognised from their headers.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use hocvuso_domain::accounts::{Actor, ResidentScope, Role};
use hocvuso_domain::ids::{HamletId, HouseholdId};
use hocvuso_domain::privacy::{AuditAction, AuditSubject, NewAuditEvent};
use hocvuso_domain::register::NewResident;
use hocvuso_domain::text;
use hocvuso_print::sheet::{ReadLimits, read_table};
use serde::Serialize;

use super::{NewResidentInput, insert_with_consent, parse_consent, parse_new_resident};
use crate::{AppError, Ctx};

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
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

/// Recognises a header ("Họ và tên", "Năm sinh", "SĐT"…), compared without case or diacritics.
pub fn guess_field(header: &str) -> Option<Field> {
    let folded: String =
        text::fold(header).chars().map(|c| if "/,-.:()".contains(c) { ' ' } else { c }).collect::<String>();
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    let has = |words: &[&str]| words.iter().any(|w| folded == *w || folded.starts_with(&format!("{w} ")));
    if has(&["ho va ten", "ho ten", "ten", "ho ten nguoi dan", "ten nguoi dan"]) {
        Some(Field::FullName)
    } else if has(&["nam sinh", "ngay sinh", "ngay thang nam sinh"]) {
        Some(Field::BirthYear)
    } else if has(&["gioi tinh", "gioi"]) {
        Some(Field::Gender)
    } else if has(&["so dien thoai", "dien thoai", "sdt", "so dt", "dt"]) {
        Some(Field::Phone)
    } else if has(&["cccd", "so cccd", "can cuoc", "so can cuoc", "so dinh danh", "cmnd"]) {
        Some(Field::Cccd)
    } else if has(&["thon", "ban", "xom", "khoi", "ap", "to dan pho"]) {
        Some(Field::Hamlet)
    } else if has(&["dia chi", "so nha", "noi o"]) {
        Some(Field::Address)
    } else {
        None
    }
}

/// The refusals of one line of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// Line number as the spreadsheet shows it (1 = first row).
    pub line: usize,
    /// Stable codes of what is wrong.
    pub codes: Vec<&'static str>,
}

/// What an import found and did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    /// Each header and what it was recognised as.
    pub columns: Vec<(String, Option<Field>)>,
    /// Required columns that were not found.
    pub missing: Vec<Field>,
    /// Data rows read.
    pub n_rows: usize,
    /// Households the rows form (new or existing).
    pub n_households: usize,
    /// The refused lines.
    pub problems: Vec<RowProblem>,
    /// Whether the rows were written.
    pub is_committed: bool,
}

struct ParsedRow {
    line: usize,
    resident: Option<NewResident>,
    hamlet_id: Option<HamletId>,
    address: String,
    codes: Vec<&'static str>,
}

/// Checks a file and, when `commit` is set and every row is valid, imports it in one transaction with each
/// person's consent to be in the register, recorded as `consent_method` (the paper forms the hamlet collected).
pub async fn import_register(
    ctx: &Ctx,
    actor: &Actor,
    bytes: Vec<u8>,
    consent_method: &str,
    commit: bool,
) -> Result<ImportReport, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let commune_id = scope.commune_id();
    let lead_hamlet = match (actor.role, scope) {
        (Role::CommuneAdmin | Role::CommuneStaff, _) => None,
        (Role::HamletLead, ResidentScope::Hamlet(_, hamlet_id)) => Some(hamlet_id),
        _ => return Err(AppError::Forbidden),
    };
    let consent = parse_consent(consent_method)?;
    let table = tokio::task::spawn_blocking(move || read_table(&bytes, &ReadLimits::default()))
        .await
        .context("spreadsheet task")?
        .map_err(|err| AppError::invalid("file", err.code()))?;

    // The header is the first of the top ten rows that names a person's name.
    let header_idx = table
        .iter()
        .take(10)
        .position(|row| row.iter().any(|cell| guess_field(cell) == Some(Field::FullName)))
        .ok_or(AppError::invalid("file", "import_no_header"))?;
    let columns: Vec<(String, Option<Field>)> =
        table[header_idx].iter().map(|h| (text::clean(h), guess_field(h))).collect();
    let column_of = |field: Field| columns.iter().position(|(_, f)| *f == Some(field));
    let mut report = ImportReport { columns: columns.clone(), ..ImportReport::default() };
    for field in [Field::FullName, Field::Address] {
        if column_of(field).is_none() {
            report.missing.push(field);
        }
    }
    if column_of(Field::Hamlet).is_none() && lead_hamlet.is_none() {
        report.missing.push(Field::Hamlet);
    }
    if !report.missing.is_empty() {
        return Ok(report);
    }

    let now = ctx.now();
    let today = hocvuso_domain::calendar::vietnam_date(now);
    let mut tx = ctx.store.read().await?;
    let hamlets: HashMap<String, HamletId> =
        tx.list_hamlets(commune_id).await?.into_iter().map(|h| (text::fold(&h.name), h.id)).collect();
    let households = tx.list_households(commune_id).await?;
    let existing = tx.list_residents(ResidentScope::Commune(commune_id), None, None, u32::MAX).await?;
    drop(tx);
    let household_key = |hamlet: HamletId, address: &str| (hamlet, text::fold(address));
    let known_households: HashMap<(HamletId, String), HouseholdId> =
        households.iter().map(|h| (household_key(h.hamlet_id, &h.address), h.id)).collect();
    let mut phones: HashSet<String> =
        existing.iter().filter_map(|r| r.phone.as_ref()).map(|p| p.as_str().to_owned()).collect();
    let mut cccds: HashSet<String> =
        existing.iter().filter_map(|r| r.cccd.as_ref()).map(|c| c.as_str().to_owned()).collect();
    let address_of: HashMap<HouseholdId, &str> = households.iter().map(|h| (h.id, h.address.as_str())).collect();
    let mut people: HashSet<(String, Option<i32>, HamletId, String)> = existing
        .iter()
        .filter_map(|r| {
            let name = r.full_name.as_ref()?;
            let address = address_of.get(&r.household_id).copied().unwrap_or("");
            Some((text::fold(name.as_str()), r.birth_year, r.hamlet_id, text::fold(address)))
        })
        .collect();

    let cell =
        |row: &[String], field: Field| column_of(field).and_then(|idx| row.get(idx)).cloned().unwrap_or_default();
    let mut parsed = Vec::new();
    for (idx, row) in table.iter().enumerate().skip(header_idx + 1) {
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let line = idx + 1;
        let mut codes = Vec::new();
        let hamlet_id = match column_of(Field::Hamlet) {
            Some(_) => {
                let found = hamlets.get(&text::fold(&cell(row, Field::Hamlet))).copied();
                match (found, lead_hamlet) {
                    (Some(h), Some(lead)) if h != lead => {
                        codes.push("import_other_hamlet");
                        None
                    }
                    (Some(h), _) => Some(h),
                    (None, _) => {
                        codes.push("hamlet_unknown");
                        None
                    }
                }
            }
            None => lead_hamlet,
        };
        let address = text::clean(&cell(row, Field::Address));
        if address.is_empty() || address.chars().count() > 200 {
            codes.push("address_invalid");
        }
        let birth = cell(row, Field::BirthYear);
        let birth_year = match hocvuso_domain::calendar::parse_date_vn(&birth) {
            Ok(date) => date.year().to_string(),
            Err(_) => birth,
        };
        let gender = match text::fold(&cell(row, Field::Gender)).as_str() {
            "nam" | "m" | "male" => Some("male".to_owned()),
            "nu" | "f" | "female" => Some("female".to_owned()),
            "" => None,
            _ => Some("invalid".to_owned()),
        };
        let input = NewResidentInput {
            household_id: 0,
            full_name: cell(row, Field::FullName),
            birth_year: Some(birth_year),
            gender,
            phone: Some(cell(row, Field::Phone)),
            cccd: Some(cell(row, Field::Cccd)),
        };
        let resident = match parse_new_resident(&input, today) {
            Ok(resident) => Some(resident),
            Err(AppError::Invalid(rejections)) => {
                codes.extend(rejections.iter().map(|r| r.code));
                None
            }
            Err(other) => return Err(other),
        };
        if let (Some(resident), Some(hamlet)) = (&resident, hamlet_id) {
            if let Some(phone) = &resident.phone
                && !phones.insert(phone.as_str().to_owned())
            {
                codes.push("import_duplicate_phone");
            }
            if let Some(cccd) = &resident.cccd
                && !cccds.insert(cccd.as_str().to_owned())
            {
                codes.push("import_duplicate_cccd");
            }
            let person = (text::fold(resident.full_name.as_str()), resident.birth_year, hamlet, text::fold(&address));
            if !people.insert(person) {
                codes.push("import_duplicate_person");
            }
        }
        parsed.push(ParsedRow { line, resident, hamlet_id, address, codes });
    }
    report.n_rows = parsed.len();
    report.problems = parsed
        .iter()
        .filter(|row| !row.codes.is_empty())
        .map(|row| RowProblem { line: row.line, codes: row.codes.clone() })
        .collect();
    let keys: HashSet<(HamletId, String)> =
        parsed.iter().filter_map(|row| Some(household_key(row.hamlet_id?, &row.address))).collect();
    report.n_households = keys.len();
    if !commit || !report.problems.is_empty() || parsed.is_empty() {
        return Ok(report);
    }

    let mut tx = ctx.store.write().await?;
    let mut household_ids = known_households;
    for row in parsed {
        let (Some(mut resident), Some(hamlet_id)) = (row.resident, row.hamlet_id) else { continue };
        let key = household_key(hamlet_id, &row.address);
        let household_id = match household_ids.get(&key) {
            Some(id) => *id,
            None => {
                let id = tx.insert_household(commune_id, hamlet_id, &row.address, now).await?;
                household_ids.insert(key, id);
                id
            }
        };
        resident.household_id = household_id;
        insert_with_consent(&mut tx, actor, commune_id, &resident, consent, now).await?;
    }
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            Some(commune_id),
            AuditAction::Create,
            AuditSubject::ResidentList,
            None,
        )
        .with_detail(format!("import {} rows", report.n_rows)),
        now,
    )
    .await?;
    tx.commit().await?;
    report.is_committed = true;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_as_communes_write_them() {
        let cases = [
            ("Họ và tên", Some(Field::FullName)),
            ("HỌ TÊN", Some(Field::FullName)),
            ("Năm sinh", Some(Field::BirthYear)),
            ("Ngày tháng năm sinh", Some(Field::BirthYear)),
            ("SĐT", Some(Field::Phone)),
            ("Số điện thoại liên hệ", Some(Field::Phone)),
            ("Số CCCD", Some(Field::Cccd)),
            ("Thôn/bản", Some(Field::Hamlet)),
            ("Thôn", Some(Field::Hamlet)),
            ("Địa chỉ", Some(Field::Address)),
            ("Ghi chú", None),
        ];
        for (header, expected) in cases {
            assert_eq!(guess_field(header), expected, "{header}");
        }
    }
}
