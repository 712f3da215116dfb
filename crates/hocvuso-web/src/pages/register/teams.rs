//! Volunteer teams: the list, a team's page (members, roles, bulk assignment of households), and moving a
//! person to another household from their page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hocvuso_app::accounts::Session;
use hocvuso_app::register::teams::MoveInput;
use hocvuso_domain::ids::{ResidentId, TeamId};
use hocvuso_domain::register::teams::{Team, TeamRole};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{CsrfForm, SignedIn};
use crate::i18n::{Lang, Texts};
use crate::layout::PageContext;
use crate::pages::{form_errors, render, render_with_status};

pub(crate) fn team_role_name(role: TeamRole, t: &Texts) -> &'static str {
    match role {
        TeamRole::Leader => t.team_role_leader,
        TeamRole::Deputy => t.team_role_deputy,
        TeamRole::Member => t.team_role_member,
    }
}

fn area_name(team: &Team, hamlets: &HashMap<i64, String>, t: &Texts) -> String {
    match team.hamlet_id {
        Some(h) => hamlets.get(&h.0).cloned().unwrap_or_default(),
        None => t.team_commune_level.to_owned(),
    }
}

struct TeamRow {
    id: i64,
    name: String,
    area: String,
    n_members: i64,
    coverage: String,
}

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    ctx: PageContext,
    rows: Vec<TeamRow>,
    hamlets: Vec<(i64, String)>,
    can_create_commune_level: bool,
    errors: Vec<&'static str>,
}

async fn teams_page(
    state: &AppState,
    lang: Lang,
    session: &Session,
    errors: Vec<&'static str>,
) -> Result<TeamsPage, WebError> {
    let actor = session.actor();
    let t = lang.texts();
    let teams = hocvuso_app::register::teams::list_teams(&state.ctx, &actor).await?;
    let hamlets = super::hamlet_names(state, &actor).await?;
    let rows = teams
        .iter()
        .map(|(team, f)| TeamRow {
            id: team.id.0,
            name: team.name.clone(),
            area: area_name(team, &hamlets, t),
            n_members: f.n_members,
            coverage: format!("{}/{}", f.n_assigned, f.n_households),
        })
        .collect();
    let commune_id = actor.commune_id;
    let mut options: Vec<(i64, String)> = hamlets
        .into_iter()
        .filter(|(id, _)| {
            commune_id.is_some_and(|c| actor.can_manage_team(c, Some(hocvuso_domain::ids::HamletId(*id))))
        })
        .filter(|(id, _)| !teams.iter().any(|(team, _)| team.hamlet_id.map(|h| h.0) == Some(*id)))
        .collect();
    options.sort_by(|a, b| a.1.cmp(&b.1));
    let can_create_commune_level = commune_id.is_some_and(|c| actor.can_manage_team(c, None))
        && !teams.iter().any(|(team, _)| team.hamlet_id.is_none());
    Ok(TeamsPage {
        ctx: PageContext::new(state, lang, Some(session), "/teams"),
        rows,
        hamlets: options,
        can_create_commune_level,
        errors,
    })
}

/// `GET /teams`: the teams the user manages.
pub(crate) async fn list_teams(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    render(&teams_page(&state, lang, &session, Vec::new()).await?)
}

#[derive(Deserialize)]
pub(crate) struct NewTeamForm {
    #[serde(default)]
    hamlet_id: String,
    #[serde(default)]
    name: String,
}

/// `POST /teams`: sets up a team (`hamlet_id` = `commune` for the commune-level team).
pub(crate) async fn create_team(
    State(state): State<AppState>,
    lang: Lang,
    CsrfForm(session, form): CsrfForm<NewTeamForm>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let commune_level = form.hamlet_id == "commune";
    let hamlet_id = form.hamlet_id.trim().parse().ok();
    match hocvuso_app::register::teams::create_team(&state.ctx, &actor, hamlet_id, commune_level, &form.name).await {
        Ok(id) => Ok(Redirect::to(&format!("/teams/{id}")).into_response()),
        Err(err) => {
            let errors = form_errors(err, lang)?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &teams_page(&state, lang, &session, errors).await?)
        }
    }
}

struct MemberRow {
    id: i64,
    name: String,
    account_role: &'static str,
    role: &'static str,
    role_code: &'static str,
    joined: String,
    left: String,
}

struct HouseholdRow {
    id: i64,
    address: String,
    hamlet: String,
    assigned_to: String,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    ctx: PageContext,
    id: i64,
    name: String,
    area: String,
    coverage: String,
    is_commune_level: bool,
    members: Vec<MemberRow>,
    history: Vec<MemberRow>,
    candidates: Vec<(i64, String)>,
    roles: Vec<(&'static str, &'static str)>,
    volunteers: Vec<(i64, String)>,
    households: Vec<HouseholdRow>,
    errors: Vec<&'static str>,
    saved: bool,
}

async fn team_page(
    state: &AppState,
    lang: Lang,
    session: &Session,
    team_id: i64,
    errors: Vec<&'static str>,
    saved: bool,
) -> Result<TeamPage, WebError> {
    let actor = session.actor();
    let t = lang.texts();
    let detail = hocvuso_app::register::teams::show_team(&state.ctx, &actor, TeamId(team_id)).await?;
    let hamlets = super::hamlet_names(state, &actor).await?;
    let day = |at| hocvuso_domain::calendar::format_date_vn(hocvuso_domain::calendar::vietnam_date(at));
    let row = |m: &hocvuso_domain::register::teams::TeamMember| MemberRow {
        id: m.id,
        name: m.display_name.clone(),
        account_role: t.role(m.account_role),
        role: team_role_name(m.role, t),
        role_code: m.role.as_str(),
        joined: day(m.joined_at),
        left: m.left_at.map(day).unwrap_or_default(),
    };
    let members: Vec<MemberRow> = detail.members.iter().filter(|m| m.is_active()).map(row).collect();
    let history = detail.members.iter().filter(|m| !m.is_active()).map(row).collect();
    let names: HashMap<i64, String> = detail.members.iter().map(|m| (m.user_id.0, m.display_name.clone())).collect();
    let volunteers = detail
        .members
        .iter()
        .filter(|m| m.is_active() && m.account_role == hocvuso_domain::accounts::Role::Volunteer)
        .map(|m| (m.user_id.0, m.display_name.clone()))
        .collect();
    let households = detail
        .households
        .iter()
        .map(|h| HouseholdRow {
            id: h.household_id.0,
            address: h.address.clone(),
            hamlet: hamlets.get(&h.hamlet_id.0).cloned().unwrap_or_default(),
            assigned_to: h.volunteers.iter().filter_map(|u| names.get(&u.0).cloned()).collect::<Vec<_>>().join(", "),
        })
        .collect();
    Ok(TeamPage {
        ctx: PageContext::new(state, lang, Some(session), "/teams"),
        id: detail.team.id.0,
        name: detail.team.name.clone(),
        area: area_name(&detail.team, &hamlets, t),
        coverage: format!("{}/{}", detail.figures.n_assigned, detail.figures.n_households),
        is_commune_level: detail.team.hamlet_id.is_none(),
        members,
        history,
        candidates: detail
            .candidates
            .iter()
            .map(|u| (u.id.0, format!("{} ({})", u.display_name, t.role(u.role))))
            .collect(),
        roles: TeamRole::ALL.into_iter().map(|r| (r.as_str(), team_role_name(r, t))).collect(),
        volunteers,
        households,
        errors,
        saved,
    })
}

#[derive(Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

/// `GET /teams/{team_id}`
pub(crate) async fn show_team(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(team_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, WebError> {
    render(&team_page(&state, lang, &session, team_id, Vec::new(), query.saved.is_some()).await?)
}

/// The team page again after a change, or with the refusal's messages.
async fn after(
    state: &AppState,
    lang: Lang,
    session: &Session,
    team_id: i64,
    outcome: Result<(), hocvuso_app::AppError>,
) -> Result<Response, WebError> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/teams/{team_id}?saved=1")).into_response()),
        Err(err) => {
            let errors = form_errors(err, lang)?;
            render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &team_page(state, lang, session, team_id, errors, false).await?,
            )
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct MemberForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    role: String,
}

/// `POST /teams/{team_id}/members`
pub(crate) async fn add_member(
    State(state): State<AppState>,
    lang: Lang,
    Path(team_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let user_id = form.user_id.trim().parse().unwrap_or(0);
    let outcome =
        hocvuso_app::register::teams::add_member(&state.ctx, &session.actor(), TeamId(team_id), user_id, &form.role)
            .await
            .map(|_| ());
    after(&state, lang, &session, team_id, outcome).await
}

/// `POST /teams/{team_id}/members/{membership_id}/role`
pub(crate) async fn change_role(
    State(state): State<AppState>,
    lang: Lang,
    Path((team_id, membership_id)): Path<(i64, i64)>,
    CsrfForm(session, form): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let outcome = hocvuso_app::register::teams::change_member_role(
        &state.ctx,
        &session.actor(),
        TeamId(team_id),
        membership_id,
        &form.role,
    )
    .await
    .map(|_| ());
    after(&state, lang, &session, team_id, outcome).await
}

/// `POST /teams/{team_id}/members/{membership_id}/end`
pub(crate) async fn end_membership(
    State(state): State<AppState>,
    lang: Lang,
    Path((team_id, membership_id)): Path<(i64, i64)>,
    CsrfForm(session, _form): CsrfForm<crate::pages::accounts::EmptyForm>,
) -> Result<Response, WebError> {
    let outcome =
        hocvuso_app::register::teams::end_membership(&state.ctx, &session.actor(), TeamId(team_id), membership_id)
            .await;
    after(&state, lang, &session, team_id, outcome).await
}

#[derive(Deserialize)]
pub(crate) struct AssignForm {
    #[serde(default)]
    volunteer: String,
    #[serde(default)]
    household_ids: Vec<String>,
    #[serde(default)]
    action: String,
}

/// `POST /teams/{team_id}/assignments`: assigns (or unassigns) the ticked households to one volunteer.
pub(crate) async fn assign_households(
    State(state): State<AppState>,
    lang: Lang,
    Path(team_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<AssignForm>,
) -> Result<Response, WebError> {
    // A value that is not a number names no household of the team: the use case refuses it as such.
    let ids: Vec<i64> = form.household_ids.iter().map(|id| id.trim().parse().unwrap_or(-1)).collect();
    let volunteer = form.volunteer.trim().parse().unwrap_or(0);
    let outcome = hocvuso_app::register::teams::assign_households(
        &state.ctx,
        &session.actor(),
        TeamId(team_id),
        volunteer,
        &ids,
        form.action != "unassign",
    )
    .await
    .map(|_| ());
    after(&state, lang, &session, team_id, outcome).await
}

#[derive(Deserialize)]
pub(crate) struct MoveForm {
    #[serde(default)]
    to_household_id: String,
    #[serde(default)]
    household_number: String,
    #[serde(default)]
    new_hamlet_id: String,
    #[serde(default)]
    new_address: String,
    #[serde(default)]
    reason: String,
}

/// `POST /residents/{resident_id}/move`
pub(crate) async fn move_resident(
    State(state): State<AppState>,
    lang: Lang,
    Path(resident_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<MoveForm>,
) -> Result<Response, WebError> {
    let number = |text: &str| {
        let text = text.trim();
        (!text.is_empty()).then(|| text.parse::<i64>().unwrap_or(-1))
    };
    // The select and the number field name the same thing; the number wins when both are filled in.
    let to_household_id = number(&form.household_number).or_else(|| number(&form.to_household_id));
    let input = MoveInput {
        to_household_id,
        new_hamlet_id: number(&form.new_hamlet_id),
        new_address: form.new_address,
        reason: form.reason,
    };
    match hocvuso_app::register::teams::move_resident(&state.ctx, &session.actor(), ResidentId(resident_id), &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/residents/{resident_id}?saved=1")).into_response()),
        Err(err) => {
            let errors = form_errors(err, lang)?;
            super::resident_page_with_errors(&state, lang, &session, resident_id, errors).await
        }
    }
}
