//! Official units, the communes a deployment serves, hamlets, and the figures dashboards show.

use std::sync::RwLock;

use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::ids::{CommuneId, ProvinceCode};
use hocvuso_domain::places::{CommuneUnit, Hamlet, HamletKind, NewHamlet, Province};
use hocvuso_domain::privacy::{AuditAction, AuditSubject, NewAuditEvent};
use hocvuso_domain::register::RegisterFigures;
use hocvuso_domain::text;
use time::OffsetDateTime;

use crate::{AppError, Ctx};

/// Every province (public reference data).
pub async fn list_provinces(ctx: &Ctx) -> Result<Vec<Province>, AppError> {
    let mut tx = ctx.store.read().await?;
    Ok(tx.list_provinces().await?)
}

/// A province and its commune-level units (public reference data).
pub async fn province_with_communes(ctx: &Ctx, code: &str) -> Result<(Province, Vec<CommuneUnit>), AppError> {
    let code = ProvinceCode::parse(code).ok_or(AppError::NotFound)?;
    let mut tx = ctx.store.read().await?;
    let province = tx.province_by_code(&code).await?.ok_or(AppError::NotFound)?;
    let communes = tx.list_commune_units(&code).await?;
    Ok((province, communes))
}

/// How long a server keeps the list of served communes. Another server of a province sees a newly served
/// commune within this time; the server that added it sees it at once.
const SERVED_COMMUNES_TTL: time::Duration = time::Duration::seconds(30);

/// The list of served communes and when it was read.
#[derive(Debug, Default)]
pub(crate) struct ServedCommunesCache {
    entry: RwLock<Option<(OffsetDateTime, Vec<CommuneUnit>)>>,
}

impl ServedCommunesCache {
    fn get(&self, now: OffsetDateTime) -> Option<Vec<CommuneUnit>> {
        let entry = self.entry.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        entry.as_ref().filter(|(read_at, _)| now - *read_at < SERVED_COMMUNES_TTL).map(|(_, communes)| communes.clone())
    }

    fn set(&self, value: Option<(OffsetDateTime, Vec<CommuneUnit>)>) {
        *self.entry.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = value;
    }
}

/// The communes this deployment serves (read from the database at most every 30 seconds).
pub async fn list_served_communes(ctx: &Ctx) -> Result<Vec<CommuneUnit>, AppError> {
    let now = ctx.now();
    if let Some(communes) = ctx.served_communes.get(now) {
        return Ok(communes);
    }
    let mut tx = ctx.store.read().await?;
    let communes = tx.list_active_communes().await?;
    ctx.served_communes.set(Some((now, communes.clone())));
    Ok(communes)
}

/// Makes an official commune a tenant of this deployment (operator command; idempotent).
pub async fn serve_commune(ctx: &Ctx, commune_code: &str) -> Result<CommuneUnit, AppError> {
    let commune_id = CommuneId::parse(commune_code).ok_or(AppError::invalid("commune_code", "unit_unknown"))?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    tx.commune_unit_by_id(commune_id).await?.ok_or(AppError::invalid("commune_code", "unit_unknown"))?;
    tx.activate_commune(commune_id, now).await?;
    tx.insert_default_skills(commune_id, now).await?;
    let unit = tx.commune_unit_by_id(commune_id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    ctx.served_communes.set(None);
    Ok(unit)
}

/// A served commune, if the actor may see its figures.
pub async fn commune_for(ctx: &Ctx, actor: &Actor, commune_id: CommuneId) -> Result<CommuneUnit, AppError> {
    let mut tx = ctx.store.read().await?;
    let unit = tx.commune_unit_by_id(commune_id).await?.filter(|unit| unit.is_active).ok_or(AppError::NotFound)?;
    if !actor.can_view_commune_figures(unit.id, &unit.province_code) {
        return Err(AppError::NotFound);
    }
    Ok(unit)
}

/// Creates a hamlet in the actor's commune.
pub async fn create_hamlet(ctx: &Ctx, actor: &Actor, name: &str, kind: &str) -> Result<Hamlet, AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    if !actor.can_manage_hamlets(commune_id) {
        return Err(AppError::Forbidden);
    }
    let mut rejections = Vec::new();
    let name = text::clean(name);
    if name.is_empty() || name.chars().count() > 80 {
        rejections.push(crate::Rejection { field: "name", code: "hamlet_name_invalid" });
    }
    let kind = HamletKind::parse(kind);
    if kind.is_none() {
        rejections.push(crate::Rejection { field: "kind", code: "hamlet_kind_invalid" });
    }
    let (Some(kind), true) = (kind, rejections.is_empty()) else {
        return Err(AppError::Invalid(rejections));
    };
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let hamlet_id = tx.insert_hamlet(&NewHamlet { commune_id, name, kind }, now).await.map_err(|err| match err {
        hocvuso_store::StoreError::Conflict => AppError::invalid("name", "hamlet_name_taken"),
        other => other.into(),
    })?;
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            Some(commune_id),
            AuditAction::Create,
            AuditSubject::Hamlet,
            Some(hamlet_id.0),
        ),
        now,
    )
    .await?;
    let hamlet = tx.hamlet_by_id(commune_id, hamlet_id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(hamlet)
}

/// The hamlets of the actor's commune, sorted the Vietnamese way.
pub async fn list_hamlets(ctx: &Ctx, actor: &Actor) -> Result<Vec<Hamlet>, AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    if actor.role == Role::Resident {
        return Err(AppError::Forbidden);
    }
    let mut tx = ctx.store.read().await?;
    let mut hamlets = tx.list_hamlets(commune_id).await?;
    let collator = crate::register::collator()?;
    hamlets.sort_by(|a, b| collator.compare_str(&a.name, &b.name));
    Ok(hamlets)
}

/// The hamlets of every served commune, for the public help form (names only, sorted the Vietnamese way).
pub async fn served_hamlets(ctx: &Ctx) -> Result<Vec<(CommuneUnit, Vec<Hamlet>)>, AppError> {
    let communes = list_served_communes(ctx).await?;
    let collator = crate::register::collator()?;
    let mut tx = ctx.store.read().await?;
    let mut out = Vec::new();
    for commune in communes {
        let mut hamlets = tx.list_hamlets(commune.id).await?;
        hamlets.sort_by(|a, b| collator.compare_str(&a.name, &b.name));
        out.push((commune, hamlets));
    }
    Ok(out)
}

/// The register figures of a commune the actor may see.
pub async fn commune_figures(ctx: &Ctx, actor: &Actor, commune_id: CommuneId) -> Result<RegisterFigures, AppError> {
    let unit = commune_for(ctx, actor, commune_id).await?;
    let year = crate::calendar_year(ctx.now());
    let mut tx = ctx.store.read().await?;
    Ok(tx.register_figures(unit.id, year).await?)
}

/// One row of the province roll-up.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CommuneFigures {
    /// The commune.
    pub commune: CommuneUnit,
    /// Its figures.
    pub figures: RegisterFigures,
}

/// The figures of every served commune the actor may see, side by side (aggregates only).
pub async fn province_roll_up(ctx: &Ctx, actor: &Actor) -> Result<Vec<CommuneFigures>, AppError> {
    if !matches!(actor.role, Role::ProvinceStaff | Role::SuperAdmin) {
        return Err(AppError::Forbidden);
    }
    let year = crate::calendar_year(ctx.now());
    let mut tx = ctx.store.read().await?;
    let mut rows = Vec::new();
    for commune in tx.list_active_communes().await? {
        if actor.can_view_commune_figures(commune.id, &commune.province_code) {
            let figures = tx.register_figures(commune.id, year).await?;
            rows.push(CommuneFigures { commune, figures });
        }
    }
    Ok(rows)
}
