//! Reading and adding to the register within the actor's scope.

pub mod exports;
pub mod field;
pub mod help;
pub mod import;
pub mod skills;
pub mod visits;
// teams and moves
pub mod teams;

use std::sync::OnceLock;

use anyhow::anyhow;
use hocvuso_domain::accounts::Actor;
use hocvuso_domain::cccd::Cccd;
use hocvuso_domain::ids::{HamletId, HouseholdId, ResidentId, UserId};
use hocvuso_domain::person_name::{NameCollator, PersonName};
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::privacy::{AuditAction, AuditSubject, ConsentMethod, ConsentPurpose, NewAuditEvent};
use hocvuso_domain::register::{Gender, NewResident, Resident};
use hocvuso_domain::text;

use crate::{AppError, Ctx, Rejection};

/// The Vietnamese collator, built once (its data is compiled in and never changes).
pub(crate) fn collator() -> Result<&'static NameCollator, AppError> {
    static COLLATOR: OnceLock<Option<NameCollator>> = OnceLock::new();
    COLLATOR
        .get_or_init(|| NameCollator::try_new().ok())
        .as_ref()
        .ok_or_else(|| AppError::Internal(anyhow!("the Vietnamese collator could not be built")))
}

/// Most rows a list shows at once.
pub const LIST_LIMIT: u32 = 500;

/// One page of a list of residents.
#[derive(Clone, Debug)]
pub struct ResidentPage {
    /// The residents of the page.
    pub residents: Vec<Resident>,
    /// The id to pass as `after` for the next page, if there is one.
    pub next_after: Option<ResidentId>,
}

/// Cuts a list read with one row more than a page down to the page; returns the id to start the next page after,
/// if a row was cut.
pub(crate) fn cut_page<T>(rows: &mut Vec<T>, id_of: impl Fn(&T) -> ResidentId) -> Option<ResidentId> {
    if rows.len() > LIST_LIMIT as usize {
        rows.truncate(LIST_LIMIT as usize);
        rows.last().map(id_of)
    } else {
        None
    }
}

/// A page of the residents the actor may see, optionally filtered by a name search that ignores diacritics,
/// sorted by given name, then middle name, then family name, starting after `after`. The listing is audited.
pub async fn list_residents(
    ctx: &Ctx,
    actor: &Actor,
    search: Option<&str>,
    after: Option<ResidentId>,
) -> Result<ResidentPage, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    let search = search.map(text::clean).filter(|s| !s.is_empty());
    let mut tx = ctx.store.read().await?;
    // One more than a page tells whether another page follows.
    let mut residents = tx.list_residents(scope, search.as_deref(), after, LIST_LIMIT + 1).await?;
    drop(tx);
    let next_after = cut_page(&mut residents, |r| r.id);
    let event = NewAuditEvent::new(
        Some(actor.user_id),
        Some(scope.commune_id()),
        AuditAction::View,
        AuditSubject::ResidentList,
        None,
    )
    .with_detail(format!("{} rows", residents.len()));
    crate::audit_read(ctx, event).await?;
    Ok(ResidentPage { residents, next_after })
}

/// One resident, if the actor may see them. The view is audited.
pub async fn show_resident(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<Resident, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, resident.commune_id, AuditAction::View, resident.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(resident)
}

/// A household to add, as typed.
#[derive(Clone, Debug, Default)]
pub struct NewHouseholdInput {
    /// Hamlet id.
    pub hamlet_id: i64,
    /// Address within the hamlet.
    pub address: String,
}

/// A resident to add, as typed.
#[derive(Clone, Debug, Default)]
pub struct NewResidentInput {
    /// Household id.
    pub household_id: i64,
    /// Full name.
    pub full_name: String,
    /// Year of birth, optional.
    pub birth_year: Option<String>,
    /// `male`, `female` or empty.
    pub gender: Option<String>,
    /// Phone, optional.
    pub phone: Option<String>,
    /// CCCD, optional.
    pub cccd: Option<String>,
}

/// Checks a resident's fields; every refused field is reported at once.
pub fn parse_new_resident(input: &NewResidentInput, today: time::Date) -> Result<NewResident, AppError> {
    let mut rejections = Vec::new();
    let full_name = PersonName::parse(&input.full_name)
        .map_err(|err| rejections.push(Rejection { field: "full_name", code: err.code() }))
        .ok();
    let birth_year = match input.birth_year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(year) => hocvuso_domain::calendar::BirthYear::parse(year, today)
            .map(|year| Some(year.value()))
            .map_err(|err| rejections.push(Rejection { field: "birth_year", code: err.code() }))
            .unwrap_or(None),
        None => None,
    };
    let gender = match input.gender.as_deref().filter(|s| !s.is_empty()) {
        Some(g) => Gender::parse(g).or_else(|| {
            rejections.push(Rejection { field: "gender", code: "gender_invalid" });
            None
        }),
        None => None,
    };
    let phone = match input.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => {
            PhoneNumber::parse(p).map_err(|err| rejections.push(Rejection { field: "phone", code: err.code() })).ok()
        }
        None => None,
    };
    let cccd = match input.cccd.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => Cccd::parse(c).map_err(|err| rejections.push(Rejection { field: "cccd", code: err.code() })).ok(),
        None => None,
    };
    if let (Some(cccd), Some(year)) = (&cccd, birth_year)
        && !cccd.check_birth_year(year)
    {
        rejections.push(Rejection { field: "cccd", code: "cccd_birth_year_mismatch" });
    }
    match full_name {
        Some(full_name) if rejections.is_empty() => Ok(NewResident {
            household_id: HouseholdId(input.household_id),
            full_name,
            birth_year,
            gender,
            phone,
            cccd,
        }),
        _ => Err(AppError::Invalid(rejections)),
    }
}

/// The consent a person gives when they are added: for the register, expressed in one of the provable ways.
fn parse_consent(method: &str) -> Result<ConsentMethod, AppError> {
    ConsentMethod::parse(method).ok_or(AppError::invalid("consent", "consent_required"))
}

/// Adds a person to a household the actor may see, with their consent to be in the register (one transaction:
/// nobody is in the register without a recorded consent).
pub async fn add_resident(
    ctx: &Ctx,
    actor: &Actor,
    input: &NewResidentInput,
    consent_method: &str,
) -> Result<ResidentId, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::Forbidden)?;
    if actor.role == hocvuso_domain::accounts::Role::Volunteer {
        // Volunteers add people in the field through the register capability's offline flow (issue #3).
        return Err(AppError::Forbidden);
    }
    let now = ctx.now();
    let commune_id = scope.commune_id();
    let mut tx = ctx.store.write().await?;
    let household = tx.household_by_id(commune_id, HouseholdId(input.household_id)).await?;
    let in_scope = match (household, scope) {
        (Some(h), hocvuso_domain::accounts::ResidentScope::Hamlet(_, hamlet_id)) => h.hamlet_id == hamlet_id,
        (Some(_), _) => true,
        (None, _) => false,
    };
    if !in_scope {
        return Err(AppError::NotFound);
    }
    let resident = parse_new_resident(input, hocvuso_domain::calendar::vietnam_date(now))?;
    let consent = parse_consent(consent_method)?;
    let resident_id = insert_with_consent(&mut tx, actor, commune_id, &resident, consent, now).await?;
    tx.commit().await?;
    Ok(resident_id)
}

/// Registers a new household in a hamlet the actor manages, with its first member and their consent.
pub async fn register_household(
    ctx: &Ctx,
    actor: &Actor,
    household: &NewHouseholdInput,
    head: &NewResidentInput,
    consent_method: &str,
) -> Result<ResidentId, AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    let hamlet_id = HamletId(household.hamlet_id);
    if !actor.can_register_in_hamlet(commune_id, hamlet_id) {
        return Err(AppError::Forbidden);
    }
    let now = ctx.now();
    let mut rejections = Vec::new();
    let address = text::clean(&household.address);
    if address.is_empty() || address.chars().count() > 200 {
        rejections.push(Rejection { field: "address", code: "address_invalid" });
    }
    let resident = parse_new_resident(head, hocvuso_domain::calendar::vietnam_date(now))
        .map_err(|err| {
            if let AppError::Invalid(more) = err {
                rejections.extend(more);
            }
        })
        .ok();
    let consent = parse_consent(consent_method)
        .map_err(|_| rejections.push(Rejection { field: "consent", code: "consent_required" }))
        .ok();
    let (Some(mut resident), Some(consent), true) = (resident, consent, rejections.is_empty()) else {
        return Err(AppError::Invalid(rejections));
    };
    let mut tx = ctx.store.write().await?;
    let household_id = create_household(&mut tx, actor, commune_id, hamlet_id, &address, now, "hamlet_id").await?;
    resident.household_id = household_id;
    let resident_id = insert_with_consent(&mut tx, actor, commune_id, &resident, consent, now).await?;
    tx.commit().await?;
    Ok(resident_id)
}

/// Creates a household and its audit entry in the caller's transaction; a hamlet that is not the commune's is
/// refused as `hamlet_unknown` on `field`.
pub(crate) async fn create_household(
    tx: &mut hocvuso_store::Tx,
    actor: &Actor,
    commune_id: hocvuso_domain::ids::CommuneId,
    hamlet_id: HamletId,
    address: &str,
    now: time::OffsetDateTime,
    field: &'static str,
) -> Result<HouseholdId, AppError> {
    let household_id = tx
        .insert_household(commune_id, hamlet_id, address, now)
        .await
        .map_err(|_| AppError::invalid(field, "hamlet_unknown"))?;
    let event = NewAuditEvent::new(
        Some(actor.user_id),
        Some(commune_id),
        AuditAction::Create,
        AuditSubject::Household,
        Some(household_id.0),
    );
    tx.append_audit(&event, now).await?;
    Ok(household_id)
}

pub(crate) async fn insert_with_consent(
    tx: &mut hocvuso_store::Tx,
    actor: &Actor,
    commune_id: hocvuso_domain::ids::CommuneId,
    resident: &NewResident,
    consent: ConsentMethod,
    now: time::OffsetDateTime,
) -> Result<ResidentId, AppError> {
    let resident_id = tx.insert_resident(commune_id, resident, now).await?;
    tx.insert_consent(commune_id, resident_id, ConsentPurpose::Register, consent, actor.user_id, now).await?;
    for action in [AuditAction::Create, AuditAction::ConsentGiven] {
        tx.append_audit(&NewAuditEvent::about_resident(actor.user_id, commune_id, action, resident_id), now).await?;
    }
    Ok(resident_id)
}

/// Assigns a household of the commune to a volunteer (commune staff only).
pub async fn assign_household(
    ctx: &Ctx,
    actor: &Actor,
    household_id: HouseholdId,
    volunteer: UserId,
) -> Result<(), AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    if !actor.can_manage_hamlets(commune_id) {
        return Err(AppError::Forbidden);
    }
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let target = tx.user_by_id(volunteer).await?.filter(|u| u.commune_id == Some(commune_id));
    if target.map(|u| u.role) != Some(hocvuso_domain::accounts::Role::Volunteer) {
        return Err(AppError::invalid("volunteer", "volunteer_unknown"));
    }
    tx.assign_household(commune_id, household_id, volunteer, now).await?;
    tx.commit().await?;
    Ok(())
}
