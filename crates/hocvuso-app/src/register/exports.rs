//! Excel exports of the register and of the "no one left behind" list, sorted the Vietnamese way and audited.
//!
//! Least data: no CCCD numbers, and a phone number only for people who consented to be contacted.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use hocvuso_domain::accounts::Actor;
use hocvuso_domain::ids::{HamletId, HouseholdId, ResidentId};
use hocvuso_domain::privacy::{AuditAction, AuditSubject, ConsentPurpose, NewAuditEvent};
use hocvuso_domain::register::skills::reach_status;
use hocvuso_domain::register::{Gender, Resident};
use hocvuso_print::sheet::{Cell, Sheet, write_xlsx};

use super::visits::left_behind;
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

async fn render(
    ctx: &Ctx,
    actor: &Actor,
    sheet: Sheet,
    file_name: String,
    n_rows: usize,
    what: &str,
) -> Result<Download, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let bytes = tokio::task::spawn_blocking(move || write_xlsx(&[sheet]))
        .await
        .context("spreadsheet task")?
        .context("spreadsheet")?;
    let mut tx = ctx.store.write().await?;
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            Some(scope.commune_id()),
            AuditAction::Export,
            AuditSubject::ResidentList,
            None,
        )
        .with_detail(format!("{what} xlsx, {n_rows} rows")),
        ctx.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Download { file_name, bytes })
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
    let n_rows = rows.len();
    let sheet = Sheet {
        name: "Sổ theo dõi".into(),
        title: format!("Sổ theo dõi kỹ năng số – {} – {}", extra.commune_name, extra.today),
        headers,
        rows,
    };
    render(ctx, actor, sheet, format!("so-theo-doi-{}.xlsx", scope.commune_id()), n_rows, "register").await
}

/// The "no one left behind" list of the actor's scope, most in need first.
pub async fn export_left_behind(ctx: &Ctx, actor: &Actor) -> Result<Download, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let rows = left_behind(ctx, actor).await?;
    let extra = context(ctx, actor).await?;
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|row| {
            let mut cells = extra.person_cells(&row.resident);
            let need = &row.need;
            let needs: Vec<&str> = [
                (need.is_elderly, "Cao tuổi"),
                (need.lives_alone, "Sống một mình"),
                (need.has_disability, "Khuyết tật"),
                (need.has_no_smartphone, "Chưa có điện thoại thông minh"),
            ]
            .into_iter()
            .filter_map(|(flag, label)| flag.then_some(label))
            .collect();
            cells.push(Cell::from(needs.join(", ")));
            cells.push(Cell::Number(row.n_missing_core as f64));
            cells.push(Cell::from(
                row.last_contact
                    .map(|at| hocvuso_domain::calendar::format_date_vn(hocvuso_domain::calendar::vietnam_date(at)))
                    .unwrap_or_else(|| "Chưa lần nào".to_owned()),
            ));
            cells
        })
        .collect();
    let mut headers: Vec<String> = PERSON_HEADERS.iter().map(|h| (*h).to_owned()).collect();
    headers.extend(["Cần quan tâm", "Số kỹ năng chính còn thiếu", "Lần gặp gần nhất"].map(str::to_owned));
    let n_rows = cells.len();
    let sheet = Sheet {
        name: "Chưa phổ cập".into(),
        title: format!("Danh sách người chưa phổ cập kỹ năng số – {} – {}", extra.commune_name, extra.today),
        headers,
        rows: cells,
    };
    render(ctx, actor, sheet, format!("chua-pho-cap-{}.xlsx", scope.commune_id()), n_rows, "left-behind").await
}
