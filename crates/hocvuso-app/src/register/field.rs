//! Field work: the volunteer's households with what each person still needs, and the records made in the hamlet
//! (visits, sign-offs, people added), which arrive one by one from a form or in batches from a device that
//! worked offline. The rules for ids, replays and conflicts are in [`hocvuso_domain::register::field`].

use std::collections::{HashMap, HashSet};

use hocvuso_domain::accounts::{Actor, ResidentScope};
use hocvuso_domain::ids::{CommuneId, HamletId, HouseholdId, ResidentId};
use hocvuso_domain::privacy::{AuditAction, AuditSubject, ConsentMethod, NewAuditEvent};
use hocvuso_domain::register::field::{ClientRecordId, FieldReceipt, FieldRecordKind, FieldStatus, effective_time};
use hocvuso_domain::register::skills::{Skill, SkillId, reach_status};
use hocvuso_domain::register::{Household, Resident};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::skills::{live_resident, write_sign_off};
use super::visits::{VisitInput, write_visit};
use super::{NewResidentInput, insert_with_consent, parse_new_resident};
use crate::{AppError, Ctx};

/// Most records in one sync request; a device sends its queue in batches of at most this many.
pub const SYNC_BATCH_MAX: usize = 100;

/// Most households whose pages a device keeps for offline work (a hamlet lead's whole hamlet fits).
pub const OFFLINE_HOUSEHOLDS_MAX: usize = 400;

/// A field record as a form or a device's queue sends it: every value a string, as forms give them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FieldRecordInput {
    /// The id the device (or the form, when it was drawn) gave the record.
    pub id: String,
    /// `visit`, `sign_off` or `person`.
    pub kind: String,
    /// When it happened on the device, in milliseconds since 1970 (absent for a form sent online).
    pub recorded_at: Option<i64>,
    /// The household (every kind; for `person`, where the person is added).
    pub household_id: String,
    /// The person (`visit`, `sign_off`).
    pub resident_id: String,
    /// Visit: `helped`, `not_home`, `declined` or `follow_up`.
    pub outcome: String,
    /// Visit: what was practised.
    pub practised: String,
    /// Visit: what to do next time.
    pub next_step: String,
    /// Sign-off: the skill.
    pub skill_id: String,
    /// Sign-off: `observed`, `in_class` or `self_reported`.
    pub method: String,
    /// Sign-off: a note.
    pub note: String,
    /// Person: full name.
    pub full_name: String,
    /// Person: year of birth.
    pub birth_year: String,
    /// Person: `male`, `female` or empty.
    pub gender: String,
    /// Person: phone, optional.
    pub phone: String,
    /// Person: `yes`, `no` or empty.
    pub has_smartphone: String,
    /// Person: how they gave their consent (`written`, `verbal`, `digital`).
    pub consent: String,
    /// Person: skills the volunteer saw the person do.
    pub skills: Vec<String>,
}

/// The answer to one field record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldResult {
    /// The record's id as sent.
    pub id: String,
    /// What became of it.
    pub status: FieldStatus,
    /// Why, for conflicts and rejections.
    pub code: Option<String>,
    /// `true` when the record had been received before: this is the answer given then, nothing was written now.
    pub replayed: bool,
    /// The person it concerns (for a new person: the one added or the one already there).
    pub resident_id: Option<ResidentId>,
    /// The household it concerns.
    pub household_id: Option<HouseholdId>,
}

impl FieldResult {
    fn from_receipt(receipt: &FieldReceipt, replayed: bool) -> FieldResult {
        FieldResult {
            id: receipt.client_id.as_str().to_owned(),
            status: receipt.status,
            code: receipt.code.clone(),
            replayed,
            resident_id: receipt.resident_id,
            household_id: receipt.household_id,
        }
    }

    fn unreadable(id: &str, code: &str) -> FieldResult {
        FieldResult {
            id: id.chars().take(64).collect(),
            status: FieldStatus::Rejected,
            code: Some(code.to_owned()),
            replayed: false,
            resident_id: None,
            household_id: None,
        }
    }
}

/// Applies field records in order, in one transaction: each is applied once whatever how often it is sent, and
/// each gets its answer. Refused records do not stop the others. Only an unexpected failure fails the batch
/// (then nothing of it was written, and the device sends it again).
pub async fn sync(ctx: &Ctx, actor: &Actor, records: &[FieldRecordInput]) -> Result<Vec<FieldResult>, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    if records.len() > SYNC_BATCH_MAX {
        return Err(AppError::invalid("records", "field_batch_too_large"));
    }
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let mut results: Vec<FieldResult> = Vec::with_capacity(records.len());
    let mut answered: HashMap<ClientRecordId, usize> = HashMap::new();
    for input in records {
        let Some(client_id) = ClientRecordId::parse(&input.id) else {
            results.push(FieldResult::unreadable(&input.id, "field_record_id_invalid"));
            continue;
        };
        if let Some(&earlier) = answered.get(&client_id) {
            let mut again = results[earlier].clone();
            again.replayed = true;
            results.push(again);
            continue;
        }
        answered.insert(client_id.clone(), results.len());
        if let Some(receipt) = tx.field_receipt(&client_id).await? {
            results.push(if receipt.user_id == actor.user_id {
                FieldResult::from_receipt(&receipt, true)
            } else {
                FieldResult::unreadable(&input.id, "field_record_id_taken")
            });
            continue;
        }
        let Some(kind) = FieldRecordKind::parse(&input.kind) else {
            results.push(FieldResult::unreadable(&input.id, "field_kind_invalid"));
            continue;
        };
        let recorded_at = effective_time(
            input.recorded_at.and_then(|ms| OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()),
            now,
        );
        let applied = match kind {
            FieldRecordKind::Visit => apply_visit(&mut tx, actor, scope, input, recorded_at, now).await,
            FieldRecordKind::SignOff => apply_sign_off(&mut tx, actor, scope, input, recorded_at, now).await,
            FieldRecordKind::Person => apply_person(&mut tx, actor, scope, input, recorded_at, now).await,
        };
        let outcome = match applied {
            Ok(outcome) => outcome,
            Err(AppError::Invalid(rejections)) => {
                let code = rejections.first().map_or("invalid", |r| r.code);
                Outcome::refused(code, parse_id(&input.household_id).map(HouseholdId))
            }
            Err(AppError::NotFound) => Outcome::refused("field_not_assigned", None),
            Err(AppError::Forbidden) => Outcome::refused("forbidden", None),
            Err(other) => return Err(other),
        };
        let receipt = FieldReceipt {
            client_id,
            user_id: actor.user_id,
            kind,
            status: outcome.status,
            code: outcome.code.map(str::to_owned),
            resident_id: outcome.resident_id,
            household_id: outcome.household_id,
        };
        tx.insert_field_receipt(scope.commune_id(), &receipt, recorded_at, now).await.map_err(|err| match err {
            // The same id arrived at the same moment in another request, which got there first; this whole batch
            // is undone and the device sends it again, to be answered from the other's receipt.
            hocvuso_store::StoreError::Conflict => AppError::Conflict("field_sync_busy"),
            other => other.into(),
        })?;
        results.push(FieldResult::from_receipt(&receipt, false));
    }
    tx.commit().await?;
    Ok(results)
}

/// What applying one record came to.
struct Outcome {
    status: FieldStatus,
    code: Option<&'static str>,
    resident_id: Option<ResidentId>,
    household_id: Option<HouseholdId>,
}

impl Outcome {
    fn applied(resident: &Resident) -> Outcome {
        Outcome {
            status: FieldStatus::Applied,
            code: None,
            resident_id: Some(resident.id),
            household_id: Some(resident.household_id),
        }
    }

    fn refused(code: &'static str, household_id: Option<HouseholdId>) -> Outcome {
        Outcome { status: FieldStatus::Rejected, code: Some(code), resident_id: None, household_id }
    }
}

fn parse_id(raw: &str) -> Option<i64> {
    raw.trim().parse().ok().filter(|id| *id > 0)
}

/// The living person a record is about, if the actor may see them.
async fn record_resident(
    tx: &mut hocvuso_store::Tx,
    scope: ResidentScope,
    input: &FieldRecordInput,
) -> Result<Resident, AppError> {
    let id = parse_id(&input.resident_id).ok_or(AppError::NotFound)?;
    live_resident(tx.resident_by_id(scope, ResidentId(id)).await?)
}

async fn apply_visit(
    tx: &mut hocvuso_store::Tx,
    actor: &Actor,
    scope: ResidentScope,
    input: &FieldRecordInput,
    recorded_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Outcome, AppError> {
    let resident = record_resident(tx, scope, input).await?;
    let visit = VisitInput {
        resident_id: resident.id.0,
        outcome: input.outcome.clone(),
        practised: input.practised.clone(),
        next_step: input.next_step.clone(),
    };
    write_visit(tx, actor, &resident, &visit, recorded_at, now).await?;
    Ok(Outcome::applied(&resident))
}

/// Whether the person has an active sign-off of the skill.
async fn has_skill(tx: &mut hocvuso_store::Tx, resident: &Resident, skill_id: SkillId) -> Result<bool, AppError> {
    let sign_offs = tx.list_sign_offs(resident.commune_id, resident.id).await?;
    Ok(sign_offs.iter().any(|s| s.skill_id == skill_id && s.revoked_at.is_none()))
}

async fn apply_sign_off(
    tx: &mut hocvuso_store::Tx,
    actor: &Actor,
    scope: ResidentScope,
    input: &FieldRecordInput,
    recorded_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Outcome, AppError> {
    let resident = record_resident(tx, scope, input).await?;
    let skill_id = parse_id(&input.skill_id).ok_or(AppError::invalid("skill_id", "skill_unknown"))?;
    if has_skill(tx, &resident, SkillId(skill_id)).await? {
        return Ok(Outcome {
            status: FieldStatus::Conflict,
            code: Some("skill_already_signed_off"),
            ..Outcome::applied(&resident)
        });
    }
    write_sign_off(tx, actor, &resident, skill_id, &input.method, &input.note, recorded_at, now).await?;
    Ok(Outcome::applied(&resident))
}

async fn apply_person(
    tx: &mut hocvuso_store::Tx,
    actor: &Actor,
    scope: ResidentScope,
    input: &FieldRecordInput,
    recorded_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Outcome, AppError> {
    let household_id = parse_id(&input.household_id).ok_or(AppError::NotFound)?;
    let household = tx.household_in_scope(scope, HouseholdId(household_id)).await?.ok_or(AppError::NotFound)?;
    let person = NewResidentInput {
        household_id,
        full_name: input.full_name.clone(),
        birth_year: Some(input.birth_year.clone()),
        gender: Some(input.gender.clone()),
        phone: Some(input.phone.clone()),
        // The field form never asks for a CCCD: least data.
        cccd: None,
    };
    let person = parse_new_resident(&person, hocvuso_domain::calendar::vietnam_date(now))?;
    let consent = ConsentMethod::parse(&input.consent).ok_or(AppError::invalid("consent", "consent_required"))?;
    let has_smartphone = match input.has_smartphone.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        "" => None,
        _ => return Err(AppError::invalid("has_smartphone", "smartphone_invalid")),
    };
    // Every skill is checked before anything is written.
    let checklist: HashSet<SkillId> =
        tx.list_skills(household.commune_id).await?.iter().filter(|s| !s.is_retired).map(|s| s.id).collect();
    let mut skills = Vec::new();
    for raw in input.skills.iter().filter(|s| !s.trim().is_empty()) {
        let skill = parse_id(raw).map(SkillId).filter(|id| checklist.contains(id));
        skills.push(skill.ok_or(AppError::invalid("skills", "skill_unknown"))?);
    }
    skills.sort();
    skills.dedup();

    let duplicate = match &person.phone {
        Some(phone) => tx.resident_id_by_phone(household.commune_id, phone).await?,
        None => None,
    };
    let duplicate = match duplicate {
        Some(id) => Some(id),
        None => {
            let key = (hocvuso_domain::text::fold(person.full_name.as_str()), person.birth_year);
            tx.residents_of_household(household.commune_id, household.id)
                .await?
                .into_iter()
                .filter(|r| r.erased_at.is_none())
                .find(|r| {
                    r.full_name.as_ref().map(|n| (hocvuso_domain::text::fold(n.as_str()), r.birth_year))
                        == Some(key.clone())
                })
                .map(|r| r.id)
        }
    };
    if let Some(existing) = duplicate {
        // The person is in the register already. The skills seen are confirmed for them when the actor may see
        // them; nobody is added twice.
        let existing = tx.resident_by_id(scope, existing).await?.filter(|r| r.erased_at.is_none());
        if let Some(resident) = &existing {
            for skill in &skills {
                if !has_skill(tx, resident, *skill).await? {
                    write_sign_off(tx, actor, resident, skill.0, "observed", "", recorded_at, now).await?;
                }
            }
        }
        return Ok(Outcome {
            status: FieldStatus::Conflict,
            code: Some("person_already_registered"),
            resident_id: existing.as_ref().map(|r| r.id),
            household_id: Some(household.id),
        });
    }

    let resident_id = insert_with_consent(tx, actor, household.commune_id, &person, consent, now).await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    if has_smartphone.is_some() {
        tx.set_has_smartphone(household.commune_id, resident_id, has_smartphone, now).await?;
    }
    for skill in &skills {
        write_sign_off(tx, actor, &resident, skill.0, "observed", "", recorded_at, now).await?;
    }
    Ok(Outcome::applied(&resident))
}

/// A person of a field household, with what they still need.
#[derive(Clone, Debug, Serialize)]
pub struct FieldMember {
    /// The person.
    pub resident: Resident,
    /// Whether the person counts as "phổ cập" now.
    pub is_reached: bool,
    /// Skills of the checklist not confirmed yet (core ones first), which the sign-off form offers.
    pub missing: Vec<Skill>,
}

/// A household of the actor's field work.
#[derive(Clone, Debug, Serialize)]
pub struct FieldHousehold {
    /// The household.
    pub household: Household,
    /// The hamlet's name.
    pub hamlet_name: String,
    /// Its living members.
    pub members: Vec<FieldMember>,
    /// The last visit that reached the household.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_contact: Option<OffsetDateTime>,
}

/// The actor's field work: their households (assigned ones for a volunteer, the hamlet for its lead) and the
/// commune's checklist.
#[derive(Clone, Debug, Serialize)]
pub struct FieldWork {
    /// The households, by hamlet and address.
    pub households: Vec<FieldHousehold>,
    /// The checklist (skills not retired).
    pub skills: Vec<Skill>,
}

/// The actor's households with what each person still needs; the viewing is audited. With `only`, just that
/// household (not found when it is outside the actor's field).
pub async fn field_work(ctx: &Ctx, actor: &Actor, only: Option<HouseholdId>) -> Result<FieldWork, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let commune_id: CommuneId = scope.commune_id();
    let now = ctx.now();
    let mut tx = ctx.store.read().await?;
    let mut households = tx.households_in_scope(scope).await?;
    if let Some(only) = only {
        households.retain(|h| h.id == only);
        if households.is_empty() {
            return Err(AppError::NotFound);
        }
    }
    let skills: Vec<Skill> = tx.list_skills(commune_id).await?.into_iter().filter(|s| !s.is_retired).collect();
    let rule = tx.reach_rule(commune_id).await?;
    let hamlets: HashMap<HamletId, String> =
        tx.list_hamlets(commune_id).await?.into_iter().map(|h| (h.id, h.name)).collect();
    let last_contacts = tx.last_contacts(commune_id).await?;
    let mut result = Vec::with_capacity(households.len());
    for household in households {
        let residents = tx.residents_of_household(commune_id, household.id).await?;
        let mut members = Vec::new();
        for resident in residents.into_iter().filter(|r| r.erased_at.is_none()) {
            let sign_offs = tx.list_sign_offs(commune_id, resident.id).await?;
            let status = reach_status(&skills, &sign_offs, rule, now);
            let active: HashSet<SkillId> =
                sign_offs.iter().filter(|s| s.revoked_at.is_none()).map(|s| s.skill_id).collect();
            let mut missing: Vec<Skill> = skills.iter().filter(|s| !active.contains(&s.id)).cloned().collect();
            missing.sort_by_key(|s| !s.is_core);
            members.push(FieldMember { resident, is_reached: status.is_reached, missing });
        }
        result.push(FieldHousehold {
            hamlet_name: hamlets.get(&household.hamlet_id).cloned().unwrap_or_default(),
            last_contact: last_contacts.get(&household.id).copied(),
            household,
            members,
        });
    }
    drop(tx);
    result.sort_by_cached_key(|h| {
        (hocvuso_domain::text::fold(&h.hamlet_name), hocvuso_domain::text::address_key(&h.household.address))
    });
    let subject = if only.is_some() { AuditSubject::Household } else { AuditSubject::ResidentList };
    let event =
        NewAuditEvent::new(Some(actor.user_id), Some(commune_id), AuditAction::View, subject, only.map(|h| h.0))
            .with_detail(format!("field work, {} households", result.len()));
    crate::audit_read(ctx, event).await?;
    Ok(FieldWork { households: result, skills })
}
