//! Recording visits, a person's target groups and smartphone, and the "no one left behind" list.

use std::collections::{HashMap, HashSet};

use hocvuso_domain::accounts::{Actor, ResidentScope, Role, User};
use hocvuso_domain::ids::{HamletId, ResidentId, UserId};
use hocvuso_domain::privacy::{AuditAction, AuditSubject, NewAuditEvent};
use hocvuso_domain::register::Resident;
use hocvuso_domain::register::skills::{SkillId, reach_status};
use hocvuso_domain::register::visits::{
    ELDERLY_AGE, LeftBehindCandidate, Need, NewVisit, TargetGroup, Visit, VisitOutcome,
};
use hocvuso_domain::text;
use serde::Serialize;
use time::OffsetDateTime;

use super::skills::live_resident;
use crate::{AppError, Ctx, Rejection};

/// A visit as typed by the volunteer.
#[derive(Clone, Debug, Default)]
pub struct VisitInput {
    /// The person visited.
    pub resident_id: i64,
    /// `helped`, `not_home`, `declined` or `follow_up`.
    pub outcome: String,
    /// What was practised.
    pub practised: String,
    /// What to do next time.
    pub next_step: String,
}

/// Records a visit to a resident within the actor's scope (a volunteer: only assigned households).
pub async fn record_visit(ctx: &Ctx, actor: &Actor, input: &VisitInput) -> Result<i64, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = live_resident(tx.resident_by_id(scope, ResidentId(input.resident_id)).await?)?;
    let visit_id = write_visit(&mut tx, actor, &resident, input, now, now).await?;
    tx.commit().await?;
    Ok(visit_id)
}

/// Checks a visit to `resident` made at `visited_at`, then writes it with its audit entry. Nothing is written when
/// the input is refused, so a caller may go on with the transaction.
pub(crate) async fn write_visit(
    tx: &mut hocvuso_store::Tx,
    actor: &Actor,
    resident: &Resident,
    input: &VisitInput,
    visited_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<i64, AppError> {
    let mut rejections = Vec::new();
    let outcome = VisitOutcome::parse(&input.outcome);
    if outcome.is_none() {
        rejections.push(Rejection { field: "outcome", code: "visit_outcome_invalid" });
    }
    let practised = text::clean(&input.practised);
    let next_step = text::clean(&input.next_step);
    if practised.chars().count() > 300 || next_step.chars().count() > 300 {
        rejections.push(Rejection { field: "practised", code: "text_too_long" });
    }
    let (Some(outcome), true) = (outcome, rejections.is_empty()) else {
        return Err(AppError::Invalid(rejections));
    };
    let visit = NewVisit {
        household_id: resident.household_id,
        resident_id: Some(resident.id),
        visited_at,
        outcome,
        practised,
        next_step,
    };
    let visit_id = tx.insert_visit(resident.commune_id, &visit, actor.user_id, now).await?;
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            Some(resident.commune_id),
            AuditAction::Create,
            AuditSubject::Household,
            Some(resident.household_id.0),
        )
        .with_detail(format!("visit {visit_id} ({})", outcome.as_str())),
        now,
    )
    .await?;
    Ok(visit_id)
}

/// The visits to the household of a resident the actor may see, newest first.
pub async fn household_visits(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<Vec<Visit>, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let mut tx = ctx.store.read().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    Ok(tx.list_visits(resident.commune_id, resident.household_id).await?)
}

/// Sets a resident's recorded target groups and whether they have a smartphone.
pub async fn update_profile(
    ctx: &Ctx,
    actor: &Actor,
    resident_id: ResidentId,
    groups: &[String],
    has_smartphone: Option<bool>,
) -> Result<(), AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = live_resident(tx.resident_by_id(scope, resident_id).await?)?;
    let mut parsed = Vec::new();
    for group in groups {
        parsed.push(TargetGroup::parse(group).ok_or(AppError::invalid("groups", "target_group_invalid"))?);
    }
    parsed.sort();
    parsed.dedup();
    tx.set_resident_groups(resident.commune_id, resident.id, &parsed).await?;
    tx.set_has_smartphone(resident.commune_id, resident.id, has_smartphone, now).await?;
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, resident.commune_id, AuditAction::Update, resident.id)
            .with_detail("groups and smartphone"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The recorded target groups of a resident the actor may see.
pub async fn resident_groups(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<Vec<TargetGroup>, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let mut tx = ctx.store.read().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    let groups = tx.resident_groups(resident.commune_id).await?;
    Ok(groups.into_iter().filter(|(id, _)| *id == resident.id).map(|(_, group)| group).collect())
}

/// One person of the "no one left behind" list.
#[derive(Clone, Debug, Serialize)]
pub struct LeftBehind {
    /// The person.
    pub resident: Resident,
    /// Why they are urgent.
    #[serde(skip)]
    pub need: Need,
    /// Core skills still missing, in checklist order.
    pub missing_core: Vec<SkillId>,
    /// The last visit that reached the household.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_contact: Option<OffsetDateTime>,
}

/// Narrows the left-behind list within the actor's scope: to one hamlet, to the households of one volunteer, or both.
///
/// A filter never widens the scope: a hamlet lead asking for another hamlet gets an empty list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeftBehindFilter {
    /// Only this hamlet.
    pub hamlet_id: Option<HamletId>,
    /// Only the households assigned to this volunteer.
    pub volunteer_id: Option<UserId>,
}

/// One page of the left-behind list.
#[derive(Clone, Debug)]
pub struct LeftBehindPage {
    /// The people of the page, most in need first.
    pub rows: Vec<LeftBehind>,
    /// The id to pass as `after` for the next page, if there is one.
    pub next_after: Option<ResidentId>,
}

/// A page of the people within the actor's scope not yet reached, most in need first (elderly, living alone,
/// disability, no smartphone; then never or longest not contacted), starting after the person `after` in that
/// order. The listing is audited.
pub async fn left_behind(
    ctx: &Ctx,
    actor: &Actor,
    filter: LeftBehindFilter,
    after: Option<ResidentId>,
) -> Result<LeftBehindPage, AppError> {
    let mut rows = collect_left_behind(ctx, actor, filter, Some((after, super::LIST_LIMIT + 1))).await?;
    let next_after = super::cut_page(&mut rows, |row| row.resident.id);
    let commune_id = actor.resident_scope().ok_or(AppError::Forbidden)?.commune_id();
    let event =
        NewAuditEvent::new(Some(actor.user_id), Some(commune_id), AuditAction::View, AuditSubject::ResidentList, None)
            .with_detail(format!("{} rows", rows.len()));
    crate::audit_read(ctx, event).await?;
    Ok(LeftBehindPage { rows, next_after })
}

/// The left-behind list without its audit entry, for callers that write their own (an export): all of it, or with
/// `page`, at most that many people after the given one.
///
/// Everyone's need is judged from a few columns (the stored reach status picks who is not reached); whole records
/// and sign-offs are read only for the people returned.
pub(crate) async fn collect_left_behind(
    ctx: &Ctx,
    actor: &Actor,
    filter: LeftBehindFilter,
    page: Option<(Option<ResidentId>, u32)>,
) -> Result<Vec<LeftBehind>, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let commune_id = scope.commune_id();
    let now = ctx.now();
    let year = crate::calendar_year(now);
    let after = page.and_then(|(after, _)| after);
    let mut tx = ctx.store.read().await?;
    // A hamlet or volunteer outside the actor's reach looks missing, like every out-of-scope row.
    if let Some(hamlet_id) = filter.hamlet_id {
        let in_reach = match scope {
            ResidentScope::Hamlet(_, own) => own == hamlet_id,
            ResidentScope::Commune(_) | ResidentScope::Assigned(..) => true,
        };
        if !in_reach || tx.hamlet_by_id(commune_id, hamlet_id).await?.is_none() {
            return Err(AppError::NotFound);
        }
    }
    if let Some(volunteer) = filter.volunteer_id {
        let user = tx.user_by_id(volunteer).await?.filter(|user| user.commune_id == Some(commune_id));
        if user.is_none() {
            return Err(AppError::NotFound);
        }
    }
    let candidates = tx.left_behind_candidates(scope, filter.hamlet_id, filter.volunteer_id, after).await?;
    let last_contacts = tx.last_contacts(commune_id).await?;
    let sizes = tx.household_sizes(commune_id).await?;
    let disabled: HashSet<ResidentId> = tx
        .resident_groups(commune_id)
        .await?
        .into_iter()
        .filter(|(_, group)| *group == TargetGroup::Disability)
        .map(|(id, _)| id)
        .collect();
    let mut ordered: Vec<(Need, LeftBehindCandidate)> = candidates
        .into_iter()
        .map(|candidate| {
            let need = Need {
                is_elderly: candidate.birth_year.is_some_and(|born| year - born >= ELDERLY_AGE),
                lives_alone: sizes.get(&candidate.household_id) == Some(&1),
                has_disability: disabled.contains(&candidate.resident_id),
                has_no_smartphone: candidate.has_smartphone == Some(false),
                last_contact: last_contacts.get(&candidate.household_id).copied(),
            };
            (need, candidate)
        })
        .collect();
    ordered.sort_by_key(|(need, candidate)| (need.urgency_key(), candidate.resident_id));
    let start = match after {
        // A person outside the list (erased, or moved out of the filter) has no place to start after.
        Some(after) => ordered.iter().position(|(_, c)| c.resident_id == after).map_or(ordered.len(), |idx| idx + 1),
        None => 0,
    };
    let limit = page.map_or(usize::MAX, |(_, limit)| limit as usize);
    let chosen: Vec<(Need, LeftBehindCandidate)> =
        ordered.into_iter().skip(start).filter(|(_, c)| !c.is_reached).take(limit).collect();
    let ids: Vec<ResidentId> = chosen.iter().map(|(_, c)| c.resident_id).collect();
    let mut residents: HashMap<ResidentId, Resident> =
        tx.residents_by_ids(scope, &ids).await?.into_iter().map(|r| (r.id, r)).collect();
    let skills = tx.list_skills(commune_id).await?;
    let rule = tx.reach_rule(commune_id).await?;
    let mut sign_offs: HashMap<ResidentId, Vec<_>> = HashMap::new();
    for sign_off in tx.list_sign_offs_of(commune_id, &ids).await? {
        sign_offs.entry(sign_off.resident_id).or_default().push(sign_off);
    }
    drop(tx);
    Ok(chosen
        .into_iter()
        .filter_map(|(need, candidate)| {
            let resident = residents.remove(&candidate.resident_id)?;
            let status = reach_status(&skills, sign_offs.get(&resident.id).map_or(&[][..], Vec::as_slice), rule, now);
            Some(LeftBehind { need, missing_core: status.missing_core, last_contact: need.last_contact, resident })
        })
        .collect())
}

/// The volunteers of the actor's commune, to narrow the left-behind list to one of them (staff and hamlet leads).
/// A volunteer gets none: their list is already their own.
pub async fn list_volunteers(ctx: &Ctx, actor: &Actor) -> Result<Vec<User>, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    if let ResidentScope::Assigned(..) = scope {
        return Ok(Vec::new());
    }
    let mut tx = ctx.store.read().await?;
    let users = tx.list_users(Some(scope.commune_id())).await?;
    Ok(users.into_iter().filter(|user| user.role == Role::Volunteer && user.disabled_at.is_none()).collect())
}
