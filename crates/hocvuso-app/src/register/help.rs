//! Help requests from residents, and the team's handling of them.

use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::ids::{CommuneId, HamletId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::privacy::{AuditAction, AuditSubject, NewAuditEvent};
use hocvuso_domain::register::help::{HelpChannel, HelpRequest, HelpStatus, NewHelpRequest, is_known_topic};
use hocvuso_domain::text;

use crate::{AppError, Ctx, Rejection};

/// A request as typed on the public page or by staff taking a call.
#[derive(Clone, Debug, Default)]
pub struct HelpInput {
    /// The commune's 5-digit code.
    pub commune_code: String,
    /// The hamlet, if chosen.
    pub hamlet_id: Option<i64>,
    /// Name.
    pub full_name: String,
    /// Phone number.
    pub phone: String,
    /// Topic code.
    pub topic: String,
    /// Details.
    pub details: String,
    /// Whether the person agreed to be called back (required).
    pub agrees_to_call_back: bool,
}

/// Records a help request. From the public page nobody is signed in; a phone call is entered by staff.
pub async fn submit_help_request(ctx: &Ctx, taken_by: Option<&Actor>, input: &HelpInput) -> Result<i64, AppError> {
    let channel = match taken_by {
        None => HelpChannel::Web,
        Some(actor) if matches!(actor.role, Role::CommuneAdmin | Role::CommuneStaff | Role::HamletLead) => {
            HelpChannel::Phone
        }
        Some(_) => return Err(AppError::Forbidden),
    };
    let mut rejections = Vec::new();
    let commune_id = CommuneId::parse(&input.commune_code);
    if commune_id.is_none() {
        rejections.push(Rejection { field: "commune_code", code: "commune_not_served" });
    }
    let full_name = PersonName::parse(&input.full_name)
        .map_err(|err| rejections.push(Rejection { field: "full_name", code: err.code() }))
        .ok();
    let phone = PhoneNumber::parse(&input.phone)
        .map_err(|err| rejections.push(Rejection { field: "phone", code: err.code() }))
        .ok();
    if !is_known_topic(&input.topic) {
        rejections.push(Rejection { field: "topic", code: "help_topic_invalid" });
    }
    let details = text::clean(&input.details);
    if details.chars().count() > 500 {
        rejections.push(Rejection { field: "details", code: "text_too_long" });
    }
    if !input.agrees_to_call_back {
        rejections.push(Rejection { field: "agree", code: "help_consent_required" });
    }
    let (Some(commune_id), Some(full_name), Some(phone), true) = (commune_id, full_name, phone, rejections.is_empty())
    else {
        return Err(AppError::Invalid(rejections));
    };
    if let Some(actor) = taken_by
        && actor.commune_id != Some(commune_id)
    {
        return Err(AppError::Forbidden);
    }
    let request = NewHelpRequest {
        commune_id,
        hamlet_id: input.hamlet_id.map(HamletId),
        full_name,
        phone,
        topic: input.topic.clone(),
        details,
        channel,
    };
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let id = tx.insert_help_request(&request, now).await.map_err(|err| match err {
        hocvuso_store::StoreError::MissingReference => AppError::invalid("commune_code", "commune_not_served"),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// Which requests an actor handles: the commune's for staff, the hamlet's for its lead, and the team's hamlet
/// for a volunteer who leads or deputises the hamlet's team (the whole commune for the commune-level team).
async fn help_scope(ctx: &Ctx, actor: &Actor) -> Result<(CommuneId, Option<HamletId>), AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    match actor.role {
        Role::CommuneAdmin | Role::CommuneStaff => Ok((commune_id, None)),
        Role::HamletLead => Ok((commune_id, Some(actor.hamlet_id.ok_or(AppError::Forbidden)?))),
        Role::Volunteer => match super::teams::led_area(ctx, actor).await? {
            Some(area) => Ok((commune_id, area)),
            None => Err(AppError::Forbidden),
        },
        _ => Err(AppError::Forbidden),
    }
}

/// The requests the actor handles, open ones first. The listing is audited (it shows names and phones).
pub async fn list_help_requests(ctx: &Ctx, actor: &Actor) -> Result<Vec<HelpRequest>, AppError> {
    let (commune_id, hamlet_id) = help_scope(ctx, actor).await?;
    let mut tx = ctx.store.write().await?;
    let requests = tx.list_help_requests(commune_id, hamlet_id).await?;
    tx.append_audit(
        &NewAuditEvent::new(Some(actor.user_id), Some(commune_id), AuditAction::View, AuditSubject::ResidentList, None)
            .with_detail(format!("{} help requests", requests.len())),
        ctx.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(requests)
}

/// Takes on, or closes, a request the actor handles.
pub async fn update_help_request(
    ctx: &Ctx,
    actor: &Actor,
    request_id: i64,
    status: &str,
    note: &str,
) -> Result<(), AppError> {
    let (commune_id, hamlet_id) = help_scope(ctx, actor).await?;
    let status = HelpStatus::parse(status).ok_or(AppError::invalid("status", "help_status_invalid"))?;
    let note = text::clean(note);
    if note.chars().count() > 300 {
        return Err(AppError::invalid("note", "text_too_long"));
    }
    let mut tx = ctx.store.write().await?;
    if !tx.update_help_request(commune_id, hamlet_id, request_id, status, &note, actor.user_id, ctx.now()).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
