//! Data-subject rights (Luật 91/2025/QH15): consent, export of one person's data, erasure, and the audit log.

use hocvuso_domain::accounts::Actor;
use hocvuso_domain::ids::{CommuneId, ConsentId, ResidentId};
use hocvuso_domain::privacy::{
    AuditAction, AuditEvent, AuditSubject, Consent, ConsentMethod, ConsentPurpose, NewAuditEvent,
};
use hocvuso_domain::register::Resident;
use serde::Serialize;

use crate::{AppError, Ctx};

/// Records a consent for a resident within the actor's scope. Each purpose is a separate, explicit choice.
pub async fn record_consent(
    ctx: &Ctx,
    actor: &Actor,
    resident_id: ResidentId,
    purpose: &str,
    method: &str,
) -> Result<ConsentId, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let purpose = ConsentPurpose::parse(purpose).ok_or(AppError::invalid("purpose", "consent_purpose_invalid"))?;
    let method = ConsentMethod::parse(method).ok_or(AppError::invalid("method", "consent_method_invalid"))?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    if resident.erased_at.is_some() {
        return Err(AppError::NotFound);
    }
    let consent_id = tx.insert_consent(resident.commune_id, resident.id, purpose, method, actor.user_id, now).await?;
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, resident.commune_id, AuditAction::ConsentGiven, resident.id)
            .with_detail(format!("{} ({})", purpose.as_str(), method.as_str())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(consent_id)
}

/// Records the withdrawal of a consent.
pub async fn withdraw_consent(
    ctx: &Ctx,
    actor: &Actor,
    resident_id: ResidentId,
    consent_id: ConsentId,
) -> Result<(), AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    if !tx.withdraw_consent(resident.id, consent_id, actor.user_id, now).await? {
        return Err(AppError::NotFound);
    }
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, resident.commune_id, AuditAction::ConsentWithdrawn, resident.id)
            .with_detail(format!("consent {consent_id}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The consents of a resident the actor may see.
pub async fn list_consents(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<Vec<Consent>, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let mut tx = ctx.store.read().await?;
    tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    Ok(tx.list_consents(resident_id).await?)
}

/// Everything the system holds about one person, as handed to them on request.
#[derive(Clone, Debug, Serialize)]
pub struct PersonExport {
    /// The format of this document, for whoever reads it later.
    pub format: &'static str,
    /// When it was made.
    #[serde(with = "time::serde::rfc3339")]
    pub exported_at: time::OffsetDateTime,
    /// The register record.
    pub resident: Resident,
    /// Every consent given or withdrawn.
    pub consents: Vec<Consent>,
    /// Who viewed, exported or changed the record, and when.
    pub access_log: Vec<AuditEvent>,
    /// Guides a volunteer or staff taught this person.
    pub guides_taught: Vec<hocvuso_domain::guides::GuideTaught>,
}

/// Exports one person's data (the right of access). The export itself is audited.
pub async fn export_person(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<PersonExport, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, resident.commune_id, AuditAction::Export, resident.id)
            .with_detail("person export (json)"),
        now,
    )
    .await?;
    let consents = tx.list_consents(resident.id).await?;
    let access_log = tx.list_audit_of_subject(AuditSubject::Resident, resident.id.0).await?;
    let guides_taught = tx.list_guides_taught(resident.id).await?;
    tx.commit().await?;
    Ok(PersonExport {
        format: "hocvuso.person-export.v1",
        exported_at: now,
        resident,
        consents,
        access_log,
        guides_taught,
    })
}

/// Erases a person's identifying data (name, phone, CCCD); birth year, gender and household stay for statistics.
pub async fn erase_person(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<(), AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    if !actor.can_erase_residents(resident.commune_id) {
        return Err(AppError::Forbidden);
    }
    if !tx.erase_resident(resident.commune_id, resident.id, now).await? {
        return Err(AppError::Conflict("already_erased"));
    }
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, resident.commune_id, AuditAction::Erase, resident.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The newest entries of the audit log the actor may read.
pub async fn audit_log(ctx: &Ctx, actor: &Actor, commune_id: Option<CommuneId>) -> Result<Vec<AuditEvent>, AppError> {
    if !actor.can_read_audit_log(commune_id) {
        return Err(AppError::Forbidden);
    }
    let mut tx = ctx.store.read().await?;
    Ok(tx.list_audit(commune_id, 200).await?)
}
