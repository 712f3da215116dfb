//! Excel exports of the register and of the "no one left behind" list, sorted the Vietnamese way, and the volunteer's
//! printable visit sheet (PDF); every one audited.
//!
//! Least data: no CCCD numbers, and a phone number only for people who consented to be contacted.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use hocvuso_domain::accounts::Actor;
use hocvuso_domain::accounts::ResidentScope;
use hocvuso_domain::ids::{HamletId, HouseholdId, ResidentId};
use hocvuso_domain::privacy::{AuditAction, AuditSubject, ConsentPurpose, NewAuditEvent};
use hocvuso_domain::register::skills::reach_status;
use hocvuso_domain::register::visits::Need;
use hocvuso_domain::register::{Gender, Resident};
use hocvuso_print::PrintError;
use hocvuso_print::pdf::DocDate;
use hocvuso_print::pdf::visit_sheet::{SheetHamlet, SheetHousehold, SheetPerson, VisitSheet, render_visit_sheet};
use hocvuso_print::sheet::{Cell, Sheet, write_xlsx};

use super::visits::{LeftBehind, LeftBehindFilter, collect_left_behind};
use crate::{AppError, Ctx};

/// A file to download.
#[derive(Clone, Debug)]
pub struct Download {
    /// Suggested file name (ASCII).
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What the export rows need besides the residents.
struct ExportContext {
    hamlets: HashMap<HamletId, String>,
    addresses: HashMap<HouseholdId, String>,
    may_call: HashSet<ResidentId>,
    commune_name: String,
    today: String,
}

async fn context(ctx: &Ctx, actor: &Actor) -> Result<ExportContext, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let commune_id = scope.commune_id();
    let mut tx = ctx.store.read().await?;
    let commune_name = tx.commune_unit_by_id(commune_id).await?.map(|c| c.name).unwrap_or_default();
    let hamlets = tx.list_hamlets(commune_id).await?.into_iter().map(|h| (h.id, h.name)).collect();
    let addresses = tx.list_households(commune_id).await?.into_iter().map(|h| (h.id, h.address)).collect();
    let may_call = tx.residents_consenting(commune_id, ConsentPurpose::Contact).await?;
    let today = hocvuso_domain::calendar::format_date_vn(hocvuso_domain::calendar::vietnam_date(ctx.now()));
    Ok(ExportContext { hamlets, addresses, may_call, commune_name, today })
}

impl ExportContext {
    fn person_cells(&self, resident: &Resident) -> Vec<Cell> {
        vec![
            Cell::from(resident.full_name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_default()),
            Cell::from(resident.birth_year),
            Cell::from(match resident.gender {
                Some(Gender::Female) => "Nữ",
                Some(Gender::Male) => "Nam",
                None => "",
            }),
            Cell::from(self.hamlets.get(&resident.hamlet_id).cloned().unwrap_or_default()),
            Cell::from(self.addresses.get(&resident.household_id).cloned().unwrap_or_default()),
            Cell::from(if self.may_call.contains(&resident.id) {
                resident.phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default()
            } else {
                String::new()
            }),
        ]
    }
}

const PERSON_HEADERS: [&str; 6] = ["Họ và tên", "Năm sinh", "Giới tính", "Thôn, bản", "Địa chỉ", "Số điện thoại"];

/// Why a person is urgent, in the words of the printed lists.
fn need_labels(need: &Need) -> Vec<&'static str> {
    [
        (need.is_elderly, "Cao tuổi"),
        (need.lives_alone, "Sống một mình"),
        (need.has_disability, "Khuyết tật"),
        (need.has_no_smartphone, "Chưa có điện thoại thông minh"),
    ]
    .into_iter()
    .filter_map(|(flag, label)| flag.then_some(label))
    .collect()
}

fn last_contact_label(row: &LeftBehind) -> String {
    row.last_contact
        .map(|at| hocvuso_domain::calendar::format_date_vn(hocvuso_domain::calendar::vietnam_date(at)))
        .unwrap_or_else(|| "Chưa lần nào".to_owned())
}

/// Writes the file off the async runtime, then records the export in the audit log.
async fn render(
    ctx: &Ctx,
    actor: &Actor,
    file_name: String,
    detail: String,
    write: impl FnOnce() -> Result<Vec<u8>, PrintError> + Send + 'static,
) -> Result<Download, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let bytes = tokio::task::spawn_blocking(write).await.context("document task")?.context("document")?;
    let mut tx = ctx.store.write().await?;
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            Some(scope.commune_id()),
            AuditAction::Export,
            AuditSubject::ResidentList,
            None,
        )
        .with_detail(detail),
        ctx.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Download { file_name, bytes })
}

async fn render_xlsx(
    ctx: &Ctx,
    actor: &Actor,
    sheet: Sheet,
    file_name: String,
    what: &str,
) -> Result<Download, AppError> {
    let detail = format!("{what} xlsx, {} rows", sheet.rows.len());
    render(ctx, actor, file_name, detail, move || write_xlsx(&[sheet])).await
}

/// The register of the actor's scope, sorted by given name, with each person's status.
pub async fn export_register(ctx: &Ctx, actor: &Actor) -> Result<Download, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let extra = context(ctx, actor).await?;
    let mut tx = ctx.store.read().await?;
    let residents = tx.list_residents(scope, None, None, u32::MAX).await?;
    let skills = tx.list_skills(scope.commune_id()).await?;
    let rule = tx.reach_rule(scope.commune_id()).await?;
    let mut sign_offs: HashMap<ResidentId, Vec<_>> = HashMap::new();
    for sign_off in tx.list_sign_offs_in_scope(scope).await? {
        sign_offs.entry(sign_off.resident_id).or_default().push(sign_off);
    }
    drop(tx);
    let now = ctx.now();
    let rows: Vec<Vec<Cell>> = residents
        .iter()
        .map(|resident| {
            let status = reach_status(&skills, sign_offs.get(&resident.id).map_or(&[][..], Vec::as_slice), rule, now);
            let mut cells = extra.person_cells(resident);
            cells.push(Cell::Number(status.confirmed.len() as f64));
            cells.push(Cell::from(if status.is_reached { "Đã phổ cập" } else { "Chưa" }));
            cells.push(Cell::from(if resident.vneid_confirmed_at.is_some() { "Có" } else { "Chưa" }));
            cells
        })
        .collect();
    let mut headers: Vec<String> = PERSON_HEADERS.iter().map(|h| (*h).to_owned()).collect();
    headers.extend(["Số kỹ năng đã xác nhận", "Phổ cập", "Xác nhận trên VNeID"].map(str::to_owned));
    let sheet = Sheet {
        name: "Sổ theo dõi".into(),
        title: format!("Sổ theo dõi kỹ năng số – {} – {}", extra.commune_name, extra.today),
        headers,
        rows,
    };
    render_xlsx(ctx, actor, sheet, format!("so-theo-doi-{}.xlsx", scope.commune_id()), "register").await
}

/// The "no one left behind" list of the actor's scope (narrowed by `filter`), most in need first.
pub async fn export_left_behind(ctx: &Ctx, actor: &Actor, filter: LeftBehindFilter) -> Result<Download, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let rows = collect_left_behind(ctx, actor, filter, None).await?;
    let extra = context(ctx, actor).await?;
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|row| {
            let mut cells = extra.person_cells(&row.resident);
            cells.push(Cell::from(need_labels(&row.need).join(", ")));
            cells.push(Cell::Number(row.missing_core.len() as f64));
            cells.push(Cell::from(last_contact_label(row)));
            cells
        })
        .collect();
    let mut headers: Vec<String> = PERSON_HEADERS.iter().map(|h| (*h).to_owned()).collect();
    headers.extend(["Cần quan tâm", "Số kỹ năng chính còn thiếu", "Lần gặp gần nhất"].map(str::to_owned));
    let sheet = Sheet {
        name: "Chưa phổ cập".into(),
        title: format!("Danh sách người chưa phổ cập kỹ năng số – {} – {}", extra.commune_name, extra.today),
        headers,
        rows: cells,
    };
    render_xlsx(ctx, actor, sheet, format!("chua-pho-cap-{}.xlsx", scope.commune_id()), "left-behind").await
}

/// The printable visit sheet (A4 PDF) of the left-behind list of the actor's scope, narrowed by `filter`: by hamlet
/// and household, most in need first, each person's missing core skills as empty tick boxes, lines for notes.
///
/// A volunteer gets their assigned households; a hamlet lead their hamlet; commune staff the commune. Audited as an export.
pub async fn export_visit_sheet(ctx: &Ctx, actor: &Actor, filter: LeftBehindFilter) -> Result<Download, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let commune_id = scope.commune_id();
    let rows = collect_left_behind(ctx, actor, filter, None).await?;
    let extra = context(ctx, actor).await?;
    let mut tx = ctx.store.read().await?;
    let skill_names: HashMap<_, _> =
        tx.list_skills(commune_id).await?.into_iter().map(|skill| (skill.id, skill.name)).collect();
    // The name at the top: the volunteer themself, or the volunteer the list was narrowed to (of this commune only).
    let volunteer_id = match scope {
        ResidentScope::Assigned(_, user_id) => Some(user_id),
        ResidentScope::Commune(_) | ResidentScope::Hamlet(..) => filter.volunteer_id,
    };
    let volunteer = match volunteer_id {
        Some(user_id) => tx.user_by_id(user_id).await?.filter(|user| user.commune_id == Some(commune_id)),
        None => None,
    };
    drop(tx);
    let hamlet_of_scope = match (scope, filter.hamlet_id) {
        (ResidentScope::Hamlet(_, hamlet_id), _) | (_, Some(hamlet_id)) => extra.hamlets.get(&hamlet_id).cloned(),
        _ => None,
    };
    let scope_label = match (hamlet_of_scope, scope, volunteer_id) {
        (Some(hamlet), _, _) => hamlet,
        (None, ResidentScope::Assigned(..), _) | (None, _, Some(_)) => "Các hộ được phân công".to_owned(),
        (None, _, None) => format!("Toàn {}", extra.commune_name),
    };
    let n_people = rows.len();
    let hamlets = group_for_sheet(&rows, &extra, &skill_names);
    let n_households: usize = hamlets.iter().map(|hamlet| hamlet.households.len()).sum();
    let sheet = VisitSheet {
        commune: extra.commune_name.clone(),
        scope: scope_label,
        volunteer: volunteer.map(|user| user.display_name),
        date: extra.today.clone(),
        summary: format!("{n_people} người chưa phổ cập ở {n_households} hộ"),
        hamlets,
    };
    let today = hocvuso_domain::calendar::vietnam_date(ctx.now());
    let date = DocDate { year: today.year(), month: u8::from(today.month()), day: today.day() };
    let detail = format!("visit sheet pdf, {n_people} rows");
    let file_name = format!("phieu-di-tham-{commune_id}.pdf");
    render(ctx, actor, file_name, detail, move || render_visit_sheet(&sheet, date)).await
}

/// Groups the need-ordered rows by hamlet, then household, each in the order of its most urgent person.
fn group_for_sheet(
    rows: &[LeftBehind],
    extra: &ExportContext,
    skill_names: &HashMap<hocvuso_domain::register::skills::SkillId, String>,
) -> Vec<SheetHamlet> {
    let mut hamlets: Vec<(HamletId, SheetHamlet)> = Vec::new();
    let mut households: HashMap<HouseholdId, (usize, usize)> = HashMap::new();
    for row in rows {
        let resident = &row.resident;
        let person = SheetPerson {
            name: resident.full_name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_default(),
            born: resident.birth_year,
            reasons: need_labels(&row.need).into_iter().map(str::to_owned).collect(),
            missing: row.missing_core.iter().filter_map(|id| skill_names.get(id).cloned()).collect(),
            last_contact: last_contact_label(row),
            phone: resident
                .phone
                .as_ref()
                .filter(|_| extra.may_call.contains(&resident.id))
                .map(|p| p.as_str().to_owned()),
        };
        if let Some(&(h, k)) = households.get(&resident.household_id) {
            hamlets[h].1.households[k].people.push(person);
            continue;
        }
        let h = match hamlets.iter().position(|(id, _)| *id == resident.hamlet_id) {
            Some(h) => h,
            None => {
                let name = extra.hamlets.get(&resident.hamlet_id).cloned().unwrap_or_default();
                hamlets.push((resident.hamlet_id, SheetHamlet { name, households: Vec::new() }));
                hamlets.len() - 1
            }
        };
        let address = extra.addresses.get(&resident.household_id).cloned().unwrap_or_default();
        hamlets[h].1.households.push(SheetHousehold { address, people: vec![person] });
        households.insert(resident.household_id, (h, hamlets[h].1.households.len() - 1));
    }
    hamlets.into_iter().map(|(_, hamlet)| hamlet).collect()
}
