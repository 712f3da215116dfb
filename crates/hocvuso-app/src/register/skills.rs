//! Signing off skills, revoking sign-offs, the commune's checklist, and a person's status.

use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::ids::ResidentId;
use hocvuso_domain::privacy::{AuditAction, NewAuditEvent};
use hocvuso_domain::register::Resident;
use hocvuso_domain::register::skills::{
    ReachRule, ReachStatus, SignOff, SignOffId, SignOffMethod, Skill, SkillId, reach_status,
};
use hocvuso_domain::text;
use serde::Serialize;
use time::OffsetDateTime;

use crate::{AppError, Ctx};

/// A person's checklist: the commune's skills, every sign-off (revoked ones too), and the status now.
#[derive(Clone, Debug, Serialize)]
pub struct ResidentSkills {
    /// The commune's checklist.
    pub skills: Vec<Skill>,
    /// The person's sign-offs, oldest first.
    pub sign_offs: Vec<SignOff>,
    /// The status now.
    pub status: ReachStatus,
}

/// The checklist and status of a resident the actor may see.
pub async fn resident_skills(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<ResidentSkills, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let mut tx = ctx.store.read().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    let skills = tx.list_skills(resident.commune_id).await?;
    let sign_offs = tx.list_sign_offs(resident.commune_id, resident.id).await?;
    let rule = tx.reach_rule(resident.commune_id).await?;
    let status = reach_status(&skills, &sign_offs, rule, ctx.now());
    Ok(ResidentSkills { skills, sign_offs, status })
}

/// Most characters of a note or a reason.
const NOTE_MAX_CHARS: usize = 300;

/// Records that a resident within the actor's scope has a skill, seen by the actor, learnt in class or self-reported.
pub async fn sign_off_skill(
    ctx: &Ctx,
    actor: &Actor,
    resident_id: ResidentId,
    skill_id: i64,
    method: &str,
    note: &str,
) -> Result<SignOffId, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    // Whether the person exists for this actor is settled before the input is judged: an out-of-scope id
    // answers "not found" whatever else was sent.
    let resident = live_resident(tx.resident_by_id(scope, resident_id).await?)?;
    let sign_off_id = write_sign_off(&mut tx, actor, &resident, skill_id, method, note, now, now).await?;
    tx.commit().await?;
    Ok(sign_off_id)
}

/// Checks a sign-off of `resident` confirmed at `confirmed_at`, then writes it with its audit entry. Nothing is
/// written when the input is refused, so a caller may go on with the transaction.
#[allow(clippy::too_many_arguments)] // The sign-off's own values plus the transaction, the actor and two times.
pub(crate) async fn write_sign_off(
    tx: &mut hocvuso_store::Tx,
    actor: &Actor,
    resident: &Resident,
    skill_id: i64,
    method: &str,
    note: &str,
    confirmed_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<SignOffId, AppError> {
    let method = SignOffMethod::parse(method).ok_or(AppError::invalid("method", "sign_off_method_invalid"))?;
    let note = text::clean(note);
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(AppError::invalid("note", "text_too_long"));
    }
    let sign_off_id = tx
        .insert_sign_off(
            resident.commune_id,
            resident.id,
            SkillId(skill_id),
            method,
            &note,
            actor.user_id,
            confirmed_at,
        )
        .await
        .map_err(|err| match err {
            hocvuso_store::StoreError::MissingReference => AppError::invalid("skill_id", "skill_unknown"),
            other => other.into(),
        })?;
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, resident.commune_id, AuditAction::Update, resident.id)
            .with_detail(format!("skill {skill_id} signed off ({})", method.as_str())),
        now,
    )
    .await?;
    Ok(sign_off_id)
}

/// Revokes a sign-off; a reason is required, and the sign-off stays in the history.
pub async fn revoke_sign_off(
    ctx: &Ctx,
    actor: &Actor,
    resident_id: ResidentId,
    sign_off_id: SignOffId,
    reason: &str,
) -> Result<(), AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = live_resident(tx.resident_by_id(scope, resident_id).await?)?;
    let reason = text::clean(reason);
    if reason.is_empty() || reason.chars().count() > NOTE_MAX_CHARS {
        return Err(AppError::invalid("reason", "revoke_reason_required"));
    }
    if !tx.revoke_sign_off(resident.commune_id, resident.id, sign_off_id, actor.user_id, &reason, now).await? {
        return Err(AppError::NotFound);
    }
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, resident.commune_id, AuditAction::Update, resident.id)
            .with_detail(format!("sign-off {} revoked", sign_off_id.0)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records that the person's result is confirmed on VNeID (commune staff or the hamlet lead).
pub async fn confirm_on_vneid(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<(), AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    if actor.role == Role::Volunteer {
        return Err(AppError::Forbidden);
    }
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = live_resident(tx.resident_by_id(scope, resident_id).await?)?;
    if !tx.set_vneid_confirmed(resident.commune_id, resident.id, actor.user_id, now).await? {
        return Err(AppError::Conflict("already_confirmed"));
    }
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, resident.commune_id, AuditAction::Update, resident.id)
            .with_detail("confirmed on VNeID"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The checklist of the actor's commune.
pub async fn list_skills(ctx: &Ctx, actor: &Actor) -> Result<Vec<Skill>, AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    if actor.role == Role::Resident {
        return Err(AppError::Forbidden);
    }
    let mut tx = ctx.store.read().await?;
    Ok(tx.list_skills(commune_id).await?)
}

/// Adds a skill to the commune's checklist (commune staff). The code is derived from the name.
pub async fn add_skill(ctx: &Ctx, actor: &Actor, name: &str, is_core: bool) -> Result<SkillId, AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    if !actor.can_manage_hamlets(commune_id) {
        return Err(AppError::Forbidden);
    }
    let name = text::clean(name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid("name", "skill_name_invalid"));
    }
    let code: String = text::fold(&name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let skill_id = tx.insert_skill(commune_id, &code, &name, is_core, now).await.map_err(|err| match err {
        hocvuso_store::StoreError::Conflict => AppError::invalid("name", "skill_name_taken"),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(skill_id)
}

/// Changes whether a skill of the commune's checklist is core, or retires it (commune staff).
pub async fn change_skill(
    ctx: &Ctx,
    actor: &Actor,
    skill_id: SkillId,
    is_core: bool,
    is_retired: bool,
) -> Result<(), AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    if !actor.can_manage_hamlets(commune_id) {
        return Err(AppError::Forbidden);
    }
    let mut tx = ctx.store.write().await?;
    if !tx.update_skill(commune_id, skill_id, is_core, is_retired, ctx.now()).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// The commune's rule for "phổ cập".
pub async fn reach_rule(ctx: &Ctx, actor: &Actor) -> Result<ReachRule, AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    let mut tx = ctx.store.read().await?;
    Ok(tx.reach_rule(commune_id).await?)
}

/// Changes whether self-reported sign-offs count towards "phổ cập" (commune staff).
pub async fn set_reach_rule(ctx: &Ctx, actor: &Actor, accepts_self_reported: bool) -> Result<(), AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    if !actor.can_manage_hamlets(commune_id) {
        return Err(AppError::Forbidden);
    }
    let mut tx = ctx.store.write().await?;
    tx.set_reach_rule(commune_id, ReachRule { accepts_self_reported }).await?;
    tx.commit().await?;
    Ok(())
}

/// A found resident whose data was not erased.
pub(crate) fn live_resident(resident: Option<Resident>) -> Result<Resident, AppError> {
    resident.filter(|r| r.erased_at.is_none()).ok_or(AppError::NotFound)
}
