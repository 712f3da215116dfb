//! The API of volunteer teams and household moves.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hocvuso_app::AppError;
use hocvuso_app::register::teams::MoveInput;
use hocvuso_domain::ids::{ResidentId, TeamId};
use hocvuso_domain::register::teams::{Team, TeamFigures, TeamMember};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::ApiUser;

/// A volunteer team with its figures.
#[derive(Serialize, ToSchema)]
pub struct TeamView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The hamlet it serves; absent for the commune-level team.
    pub hamlet_id: Option<i64>,
    /// Current members.
    pub n_members: i64,
    /// Households in its area.
    pub n_households: i64,
    /// Of those, assigned to a current member.
    pub n_assigned: i64,
}

impl TeamView {
    fn new(team: &Team, figures: &TeamFigures) -> TeamView {
        TeamView {
            id: team.id.0,
            name: team.name.clone(),
            hamlet_id: team.hamlet_id.map(|h| h.0),
            n_members: figures.n_members,
            n_households: figures.n_households,
            n_assigned: figures.n_assigned,
        }
    }
}

/// One membership (current or past).
#[derive(Serialize, ToSchema)]
pub struct TeamMemberView {
    /// Membership id.
    pub id: i64,
    /// Account id.
    pub user_id: i64,
    /// Account name.
    pub display_name: String,
    /// `leader`, `deputy` or `member`.
    pub role: String,
    /// When it began (RFC 3339).
    pub joined_at: String,
    /// When it ended, if it did.
    pub left_at: Option<String>,
}

impl From<&TeamMember> for TeamMemberView {
    fn from(m: &TeamMember) -> Self {
        let rfc =
            |at: time::OffsetDateTime| at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        TeamMemberView {
            id: m.id,
            user_id: m.user_id.0,
            display_name: m.display_name.clone(),
            role: m.role.as_str().to_owned(),
            joined_at: rfc(m.joined_at),
            left_at: m.left_at.map(rfc),
        }
    }
}

/// A household of the team's area and the accounts it is assigned to.
#[derive(Serialize, ToSchema)]
pub struct TeamHouseholdView {
    /// Household id.
    pub household_id: i64,
    /// Hamlet id.
    pub hamlet_id: i64,
    /// Address.
    pub address: String,
    /// Accounts it is assigned to.
    pub volunteer_user_ids: Vec<i64>,
}

/// A team with its members (history included) and households.
#[derive(Serialize, ToSchema)]
pub struct TeamDetailView {
    /// The team.
    pub team: TeamView,
    /// Every membership, current first.
    pub members: Vec<TeamMemberView>,
    /// Households of its area.
    pub households: Vec<TeamHouseholdView>,
}

/// A team to set up.
#[derive(Deserialize, ToSchema)]
pub struct NewTeamBody {
    /// The hamlet; leave out and set `commune_level` for the commune-level team.
    #[serde(default)]
    pub hamlet_id: Option<i64>,
    /// Whether this is the commune-level team.
    #[serde(default)]
    pub commune_level: bool,
    /// Name; empty: named after the hamlet.
    #[serde(default)]
    pub name: String,
}

/// A bulk assignment.
#[derive(Deserialize, ToSchema)]
pub struct AssignmentsBody {
    /// The volunteer (a current member of the team).
    #[serde(default)]
    pub volunteer_user_id: i64,
    /// Households of the team's area (at most 1000).
    #[serde(default)]
    pub household_ids: Vec<i64>,
    /// `assign` (default) or `unassign`.
    #[serde(default)]
    pub action: String,
}

/// The result of a bulk assignment.
#[derive(Serialize, ToSchema)]
pub struct AssignmentsView {
    /// How many assignments changed.
    pub changed: usize,
}

/// Where a person moves: `to_household_id`, or `new_hamlet_id` with `new_address`.
#[derive(Deserialize, ToSchema)]
pub struct MoveBody {
    /// An existing household of the commune.
    #[serde(default)]
    pub to_household_id: Option<i64>,
    /// For a new household: its hamlet.
    #[serde(default)]
    pub new_hamlet_id: Option<i64>,
    /// For a new household: its address.
    #[serde(default)]
    pub new_address: String,
    /// Why (optional).
    #[serde(default)]
    pub reason: String,
}

/// The household a person moved to.
#[derive(Serialize, ToSchema)]
pub struct MoveView {
    /// Resident id.
    pub resident_id: i64,
    /// The household they now belong to.
    pub household_id: i64,
}

fn body<T>(body: Result<Json<T>, axum::extract::rejection::JsonRejection>) -> Result<T, AppError> {
    body.map(|Json(b)| b).map_err(|_| AppError::invalid("body", "form_malformed"))
}

fn id_of(text: &str) -> Result<i64, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// The teams the user manages (commune staff: all of the commune's; a hamlet lead: their hamlet's).
#[utoipa::path(get, path = "/api/v1/teams", responses((status = 200, body = [TeamView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub(crate) async fn list_teams(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
) -> Result<Json<Vec<TeamView>>, ApiError> {
    let teams = hocvuso_app::register::teams::list_teams(&state.ctx, &session.actor()).await?;
    Ok(Json(teams.iter().map(|(t, f)| TeamView::new(t, f)).collect()))
}

/// Sets up a team for a hamlet, or the commune-level team. Needs `X-CSRF-Token`.
#[utoipa::path(
    post,
    path = "/api/v1/teams",
    request_body = NewTeamBody,
    responses((status = 201, body = TeamView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody))
)]
pub(crate) async fn create_team(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    payload: Result<Json<NewTeamBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let actor = session.actor();
    let b = body(payload)?;
    let id =
        hocvuso_app::register::teams::create_team(&state.ctx, &actor, b.hamlet_id, b.commune_level, &b.name).await?;
    let detail = hocvuso_app::register::teams::show_team(&state.ctx, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(TeamView::new(&detail.team, &detail.figures))).into_response())
}

/// A team the user manages, with members (history included) and the households of its area.
#[utoipa::path(
    get,
    path = "/api/v1/teams/{team_id}",
    params(("team_id" = i64, Path, description = "Team id")),
    responses((status = 200, body = TeamDetailView), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody))
)]
pub(crate) async fn show_team(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(team_id): Path<String>,
) -> Result<Json<TeamDetailView>, ApiError> {
    let team_id = TeamId(id_of(&team_id)?);
    let d = hocvuso_app::register::teams::show_team(&state.ctx, &session.actor(), team_id).await?;
    Ok(Json(TeamDetailView {
        team: TeamView::new(&d.team, &d.figures),
        members: d.members.iter().map(TeamMemberView::from).collect(),
        households: d
            .households
            .iter()
            .map(|h| TeamHouseholdView {
                household_id: h.household_id.0,
                hamlet_id: h.hamlet_id.0,
                address: h.address.clone(),
                volunteer_user_ids: h.volunteers.iter().map(|u| u.0).collect(),
            })
            .collect(),
    }))
}

/// Assigns (or unassigns) households of the team's area to one of its volunteers, all or nothing.
/// Needs `X-CSRF-Token`.
#[utoipa::path(
    post,
    path = "/api/v1/teams/{team_id}/assignments",
    params(("team_id" = i64, Path, description = "Team id")),
    request_body = AssignmentsBody,
    responses((status = 200, body = AssignmentsView), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody))
)]
pub(crate) async fn assign_households(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(team_id): Path<String>,
    payload: Result<Json<AssignmentsBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<AssignmentsView>, ApiError> {
    let team_id = TeamId(id_of(&team_id)?);
    let actor = session.actor();
    // An unknown team answers 404 whatever the body holds.
    hocvuso_app::register::teams::show_team(&state.ctx, &actor, team_id).await?;
    let b = body(payload)?;
    let assign = match b.action.as_str() {
        "" | "assign" => true,
        "unassign" => false,
        _ => return Err(AppError::invalid("action", "form_malformed").into()),
    };
    let changed = hocvuso_app::register::teams::assign_households(
        &state.ctx,
        &actor,
        team_id,
        b.volunteer_user_id,
        &b.household_ids,
        assign,
    )
    .await?;
    Ok(Json(AssignmentsView { changed }))
}

/// Moves a person to another household of the commune (or a new one), keeping their history. Needs `X-CSRF-Token`.
#[utoipa::path(
    post,
    path = "/api/v1/residents/{resident_id}/move",
    params(("resident_id" = i64, Path, description = "Resident id")),
    request_body = MoveBody,
    responses((status = 200, body = MoveView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody))
)]
pub(crate) async fn move_resident(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(resident_id): Path<String>,
    payload: Result<Json<MoveBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<MoveView>, ApiError> {
    let resident_id = ResidentId(id_of(&resident_id)?);
    let b = body(payload).unwrap_or(MoveBody {
        to_household_id: None,
        new_hamlet_id: None,
        new_address: String::new(),
        reason: String::new(),
    });
    let input = MoveInput {
        to_household_id: b.to_household_id,
        new_hamlet_id: b.new_hamlet_id,
        new_address: b.new_address,
        reason: b.reason,
    };
    let household =
        hocvuso_app::register::teams::move_resident(&state.ctx, &session.actor(), resident_id, &input).await?;
    Ok(Json(MoveView { resident_id: resident_id.0, household_id: household.0 }))
}
