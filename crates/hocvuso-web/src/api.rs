//! The JSON API under `/api/v1`, described at `/api/openapi.json`.
//!
//! It uses the same session cookie as the pages; unsafe methods also need the session's CSRF token in the
//! `X-CSRF-Token` header. Errors are `{"error": {"code", "message", "fields"}}` with stable codes.
//! Phone and CCCD numbers appear masked; only the per-person export carries them in full.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hocvuso_domain::ids::{CommuneId, ResidentId};
use hocvuso_domain::register::Resident;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::ApiUser;

// teams and moves
pub mod teams;
// contests: taking part
pub mod contests;

/// The API's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/v1/me", get(show_me))
        .route("/api/v1/provinces", get(list_provinces))
        .route("/api/v1/provinces/{province_code}/communes", get(list_communes))
        .route("/api/v1/communes/{commune_code}/figures", get(show_commune_figures))
        .route("/api/v1/hamlets", get(list_hamlets).post(create_hamlet))
        .route("/api/v1/residents", get(list_residents))
        .route("/api/v1/residents/{resident_id}", get(show_resident))
        .route("/api/v1/residents/{resident_id}/export", get(export_resident))
        .route("/api/v1/residents/{resident_id}/skills", get(show_resident_skills))
        .route("/api/v1/residents/{resident_id}/visits", get(list_resident_visits))
        .route("/api/v1/left-behind", get(list_left_behind))
        // A full batch of 100 records with long notes can pass the 64 KB that other requests get.
        .route(
            "/api/v1/field/sync",
            axum::routing::post(sync_field_records).layer(axum::extract::DefaultBodyLimit::max(FIELD_SYNC_LIMIT)),
        )
        // pdf
        .route("/api/v1/left-behind/visit-sheet", get(export_visit_sheet))
        // teams and moves
        .route("/api/v1/teams", get(teams::list_teams).post(teams::create_team))
        .route("/api/v1/teams/{team_id}", get(teams::show_team))
        .route("/api/v1/teams/{team_id}/assignments", axum::routing::post(teams::assign_households))
        .route("/api/v1/residents/{resident_id}/move", axum::routing::post(teams::move_resident))
        // import jobs
        .route(
            "/api/v1/imports",
            axum::routing::post(create_import)
                .layer(axum::extract::DefaultBodyLimit::max(hocvuso_app::register::import::MAX_FILE_BYTES + 1)),
        )
        .route("/api/v1/imports/{import_job_id}", get(show_import))
        .route("/api/v1/imports/{import_job_id}/mapping", axum::routing::post(set_import_mapping))
        .route("/api/v1/imports/{import_job_id}/check", axum::routing::post(check_import))
        .route("/api/v1/imports/{import_job_id}/commit", axum::routing::post(commit_import))
        // contests: taking part
        .route("/api/v1/contests/{contest_id}/entrants", axum::routing::post(contests::register_entrant))
        .route("/api/v1/contests/{contest_id}/attempts", axum::routing::post(contests::start_attempt))
        .route("/api/v1/contests/{contest_id}/attempts/{attempt_id}", get(contests::show_attempt))
        .route(
            "/api/v1/contests/{contest_id}/attempts/{attempt_id}/answers/{position}",
            axum::routing::put(contests::save_answer),
        )
        .route(
            "/api/v1/contests/{contest_id}/attempts/{attempt_id}/submit",
            axum::routing::post(contests::submit_attempt),
        )
}

/// Most bytes of a field sync request.
const FIELD_SYNC_LIMIT: usize = 1024 * 1024;

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Học vụ số API", version = "1", description = "JSON API of Học vụ số. Errors carry stable codes."),
    paths(
        show_me,
        list_provinces,
        list_communes,
        show_commune_figures,
        list_hamlets,
        create_hamlet,
        list_residents,
        show_resident,
        export_resident,
        show_resident_skills,
        list_resident_visits,
        list_left_behind,
        sync_field_records,
        export_visit_sheet,
        // teams and moves
        teams::list_teams,
        teams::create_team,
        teams::show_team,
        teams::assign_households,
        teams::move_resident,
        // import jobs
        create_import,
        show_import,
        set_import_mapping,
        check_import,
        commit_import,
        // contests: taking part
        contests::register_entrant,
        contests::start_attempt,
        contests::show_attempt,
        contests::save_answer,
        contests::submit_attempt
    ),
    components(schemas(
        ApiErrorBody,
        MeView,
        ProvinceView,
        CommuneView,
        FiguresView,
        HamletView,
        NewHamletBody,
        ResidentView,
        SkillView,
        ResidentSkillsView,
        LeftBehindView,
        VisitView,
        FieldSyncBody,
        FieldResultView,
        FieldSyncView,
        // teams and moves
        teams::TeamView,
        teams::TeamMemberView,
        teams::TeamHouseholdView,
        teams::TeamDetailView,
        teams::NewTeamBody,
        teams::AssignmentsBody,
        teams::AssignmentsView,
        teams::MoveBody,
        teams::MoveView,
        // import jobs
        ImportJobView,
        ImportColumnView,
        ImportProblemView,
        ImportMappingBody,
        ImportCommitBody,
        // contests: taking part
        contests::BirthYearValue,
        contests::NewEntrantBody,
        contests::EntryCodeView,
        contests::AttemptQuestionView,
        contests::AttemptJson,
        contests::AnswerBody,
        contests::AnswerSavedView,
        contests::SubmitBody
    ))
)]
pub struct ApiDoc;

async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// The signed-in account.
#[derive(Serialize, ToSchema)]
pub struct MeView {
    /// Account id.
    pub user_id: i64,
    /// Display name.
    pub display_name: String,
    /// Role (`commune_staff`, `volunteer`…).
    pub role: String,
    /// Commune code, for commune-level roles.
    pub commune_code: Option<String>,
    /// Province code, for province staff.
    pub province_code: Option<String>,
    /// Hamlet id, for a hamlet lead.
    pub hamlet_id: Option<i64>,
    /// The token to send as `X-CSRF-Token` with unsafe requests.
    pub csrf_token: String,
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeView), (status = 401, body = ApiErrorBody)))]
async fn show_me(ApiUser(session): ApiUser) -> Json<MeView> {
    let user = &session.user;
    Json(MeView {
        user_id: user.id.0,
        display_name: user.display_name.clone(),
        role: user.role.as_str().to_owned(),
        commune_code: user.commune_id.map(|c| c.code()),
        province_code: user.province_code.as_ref().map(|p| p.as_str().to_owned()),
        hamlet_id: user.hamlet_id.map(|h| h.0),
        csrf_token: session.csrf_token.clone(),
    })
}

/// A province.
#[derive(Serialize, ToSchema)]
pub struct ProvinceView {
    /// 2-digit code.
    pub code: String,
    /// Official name.
    pub name: String,
    /// `tinh` or `thanh_pho`.
    pub kind: String,
}

/// Every province (public).
#[utoipa::path(get, path = "/api/v1/provinces", responses((status = 200, body = [ProvinceView])))]
async fn list_provinces(State(state): State<AppState>) -> Result<Json<Vec<ProvinceView>>, ApiError> {
    let provinces = hocvuso_app::places::list_provinces(&state.ctx).await?;
    Ok(Json(
        provinces
            .into_iter()
            .map(|p| ProvinceView { code: p.code.as_str().to_owned(), name: p.name, kind: p.kind })
            .collect(),
    ))
}

/// A commune-level unit.
#[derive(Serialize, ToSchema)]
pub struct CommuneView {
    /// 5-digit code.
    pub code: String,
    /// Official name.
    pub name: String,
    /// `xa`, `phuong` or `dac_khu`.
    pub kind: String,
    /// Whether this deployment serves it.
    pub is_served: bool,
}

/// The communes of a province (public).
#[utoipa::path(
    get,
    path = "/api/v1/provinces/{province_code}/communes",
    params(("province_code" = String, Path, description = "2-digit province code")),
    responses((status = 200, body = [CommuneView]), (status = 404, body = ApiErrorBody))
)]
async fn list_communes(
    State(state): State<AppState>,
    Path(province_code): Path<String>,
) -> Result<Json<Vec<CommuneView>>, ApiError> {
    let (_, communes) = hocvuso_app::places::province_with_communes(&state.ctx, &province_code).await?;
    Ok(Json(
        communes
            .into_iter()
            .map(|c| CommuneView { code: c.id.code(), name: c.name, kind: c.kind, is_served: c.is_active })
            .collect(),
    ))
}

/// Aggregate figures of a commune.
#[derive(Serialize, ToSchema)]
pub struct FiguresView {
    /// Commune code.
    pub commune_code: String,
    /// Hamlets.
    pub n_hamlets: i64,
    /// Households.
    pub n_households: i64,
    /// Residents.
    pub n_residents: i64,
    /// Residents aged 60 or more this year.
    pub n_elderly: i64,
}

/// The figures of a commune the user may see.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{commune_code}/figures",
    params(("commune_code" = String, Path, description = "5-digit commune code")),
    responses((status = 200, body = FiguresView), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody))
)]
async fn show_commune_figures(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(commune_code): Path<String>,
) -> Result<Json<FiguresView>, ApiError> {
    let commune_id = CommuneId::parse(&commune_code).ok_or(hocvuso_app::AppError::NotFound)?;
    let figures = hocvuso_app::places::commune_figures(&state.ctx, &session.actor(), commune_id).await?;
    Ok(Json(FiguresView {
        commune_code: commune_id.code(),
        n_hamlets: figures.n_hamlets,
        n_households: figures.n_households,
        n_residents: figures.n_residents,
        n_elderly: figures.n_elderly,
    }))
}

/// A hamlet.
#[derive(Serialize, ToSchema)]
pub struct HamletView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind (`thon`, `ban`, `xom`, `khoi`, `to_dan_pho`, `ap`, `other`).
    pub kind: String,
}

/// The hamlets of the user's commune, sorted the Vietnamese way.
#[utoipa::path(get, path = "/api/v1/hamlets", responses((status = 200, body = [HamletView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
async fn list_hamlets(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
) -> Result<Json<Vec<HamletView>>, ApiError> {
    let hamlets = hocvuso_app::places::list_hamlets(&state.ctx, &session.actor()).await?;
    Ok(Json(
        hamlets
            .into_iter()
            .map(|h| HamletView { id: h.id.0, name: h.name, kind: h.kind.as_str().to_owned() })
            .collect(),
    ))
}

/// A hamlet to create.
#[derive(Deserialize, ToSchema)]
pub struct NewHamletBody {
    /// Name, 1–80 characters.
    pub name: String,
    /// Kind.
    pub kind: String,
}

/// Creates a hamlet in the user's commune (commune staff). Needs `X-CSRF-Token`.
#[utoipa::path(
    post,
    path = "/api/v1/hamlets",
    request_body = NewHamletBody,
    responses((status = 201, body = HamletView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody))
)]
async fn create_hamlet(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    body: Result<Json<NewHamletBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|_| hocvuso_app::AppError::invalid("body", "form_malformed"))?;
    let hamlet = hocvuso_app::places::create_hamlet(&state.ctx, &session.actor(), &body.name, &body.kind).await?;
    let view = HamletView { id: hamlet.id.0, name: hamlet.name, kind: hamlet.kind.as_str().to_owned() };
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// A resident, with contact details masked.
#[derive(Serialize, ToSchema)]
pub struct ResidentView {
    /// Id.
    pub id: i64,
    /// Full name; absent after erasure.
    pub full_name: Option<String>,
    /// Year of birth.
    pub birth_year: Option<i32>,
    /// `male` or `female`.
    pub gender: Option<String>,
    /// Hamlet id.
    pub hamlet_id: i64,
    /// Household id.
    pub household_id: i64,
    /// Phone, masked (`091****678`).
    pub phone_masked: Option<String>,
    /// CCCD, masked.
    pub cccd_masked: Option<String>,
    /// Whether identifying data was erased.
    pub is_erased: bool,
}

impl From<&Resident> for ResidentView {
    fn from(r: &Resident) -> Self {
        ResidentView {
            id: r.id.0,
            full_name: r.full_name.as_ref().map(|n| n.as_str().to_owned()),
            birth_year: r.birth_year,
            gender: r.gender.map(|g| g.as_str().to_owned()),
            hamlet_id: r.hamlet_id.0,
            household_id: r.household_id.0,
            phone_masked: r.phone.as_ref().map(|p| p.masked()),
            cccd_masked: r.cccd.as_ref().map(|c| c.masked()),
            is_erased: r.erased_at.is_some(),
        }
    }
}

/// A name search.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ResidentQuery {
    /// Part of the name, with or without diacritics.
    pub q: Option<String>,
    /// Resident id after which the page starts (the last id of the previous page; pages hold 500).
    pub after: Option<i64>,
}

/// The residents the user may see (a volunteer: only assigned households), sorted by given name.
#[utoipa::path(
    get,
    path = "/api/v1/residents",
    params(ResidentQuery),
    responses((status = 200, body = [ResidentView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody))
)]
async fn list_residents(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Query(query): Query<ResidentQuery>,
) -> Result<Json<Vec<ResidentView>>, ApiError> {
    let search: Option<String> = query.q.map(|q| q.chars().take(100).collect());
    let after = query.after.map(ResidentId);
    let page = hocvuso_app::register::list_residents(&state.ctx, &session.actor(), search.as_deref(), after).await?;
    Ok(Json(page.residents.iter().map(ResidentView::from).collect()))
}

/// One resident the user may see (audited).
#[utoipa::path(
    get,
    path = "/api/v1/residents/{resident_id}",
    params(("resident_id" = i64, Path, description = "Resident id")),
    responses((status = 200, body = ResidentView), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody))
)]
async fn show_resident(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(resident_id): Path<String>,
) -> Result<Json<ResidentView>, ApiError> {
    let resident_id = resident_id.parse().map(ResidentId).map_err(|_| hocvuso_app::AppError::NotFound)?;
    let resident = hocvuso_app::register::show_resident(&state.ctx, &session.actor(), resident_id).await?;
    Ok(Json(ResidentView::from(&resident)))
}

/// Everything held about one person, contact details in full (audited as an export).
#[utoipa::path(
    get,
    path = "/api/v1/residents/{resident_id}/export",
    params(("resident_id" = i64, Path, description = "Resident id")),
    responses((status = 200, description = "The person export document"), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody))
)]
async fn export_resident(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(resident_id): Path<String>,
) -> Result<Response, ApiError> {
    let resident_id = resident_id.parse().map(ResidentId).map_err(|_| hocvuso_app::AppError::NotFound)?;
    let export = hocvuso_app::privacy::export_person(&state.ctx, &session.actor(), resident_id).await?;
    Ok(Json(export).into_response())
}

/// A skill of the checklist with the person's confirmation, if any.
#[derive(Serialize, ToSchema)]
pub struct SkillView {
    /// Skill id.
    pub id: i64,
    /// Stable code (`zalo`, `vneid_level2`…).
    pub code: String,
    /// Name.
    pub name: String,
    /// Whether it counts towards "phổ cập".
    pub is_core: bool,
    /// When it was confirmed (RFC 3339), if it holds now.
    pub confirmed_at: Option<String>,
    /// How (`observed`, `in_class`, `self_reported`).
    pub method: Option<String>,
}

/// A person's skills and status now.
#[derive(Serialize, ToSchema)]
pub struct ResidentSkillsView {
    /// Whether the person counts as reached (phổ cập).
    pub is_reached: bool,
    /// Core skills missing.
    pub n_missing_core: usize,
    /// The checklist, retired skills left out.
    pub skills: Vec<SkillView>,
}

/// The skills of a resident the user may see.
#[utoipa::path(
    get,
    path = "/api/v1/residents/{resident_id}/skills",
    params(("resident_id" = i64, Path, description = "Resident id")),
    responses((status = 200, body = ResidentSkillsView), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody))
)]
async fn show_resident_skills(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(resident_id): Path<String>,
) -> Result<Json<ResidentSkillsView>, ApiError> {
    let resident_id = resident_id.parse().map(ResidentId).map_err(|_| hocvuso_app::AppError::NotFound)?;
    let skills = hocvuso_app::register::skills::resident_skills(&state.ctx, &session.actor(), resident_id).await?;
    let views = skills
        .skills
        .iter()
        .filter(|k| !k.is_retired)
        .map(|k| {
            let active = skills.sign_offs.iter().find(|s| s.skill_id == k.id && s.revoked_at.is_none());
            SkillView {
                id: k.id.0,
                code: k.code.clone(),
                name: k.name.clone(),
                is_core: k.is_core,
                confirmed_at: active
                    .and_then(|s| s.confirmed_at.format(&time::format_description::well_known::Rfc3339).ok()),
                method: active.map(|s| s.method.as_str().to_owned()),
            }
        })
        .collect();
    Ok(Json(ResidentSkillsView {
        is_reached: skills.status.is_reached,
        n_missing_core: skills.status.missing_core.len(),
        skills: views,
    }))
}

/// One person not yet reached.
#[derive(Serialize, ToSchema)]
pub struct LeftBehindView {
    /// The person, contacts masked.
    pub resident: ResidentView,
    /// Core skills missing.
    pub n_missing_core: usize,
    /// Aged 60 or more.
    pub is_elderly: bool,
    /// The only member of the household.
    pub lives_alone: bool,
    /// Recorded with a disability.
    pub has_disability: bool,
    /// Known to have no smartphone.
    pub has_no_smartphone: bool,
    /// Last visit that reached the household (RFC 3339).
    pub last_contact: Option<String>,
}

/// Narrows the left-behind list within the user's scope; an id outside it answers 404.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct LeftBehindParams {
    /// Only this hamlet.
    pub hamlet_id: Option<i64>,
    /// Only the households assigned to this volunteer (an account id).
    pub volunteer_id: Option<i64>,
    /// Resident id after which the page starts (the last id of the previous page; pages hold 500).
    pub after: Option<i64>,
}

impl LeftBehindParams {
    fn filter(&self) -> hocvuso_app::register::visits::LeftBehindFilter {
        hocvuso_app::register::visits::LeftBehindFilter {
            hamlet_id: self.hamlet_id.map(hocvuso_domain::ids::HamletId),
            volunteer_id: self.volunteer_id.map(hocvuso_domain::ids::UserId),
        }
    }
}

/// The people of the user's scope not yet reached, most in need first, 500 a page (audited).
#[utoipa::path(
    get,
    path = "/api/v1/left-behind",
    params(LeftBehindParams),
    responses((status = 200, body = [LeftBehindView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody))
)]
async fn list_left_behind(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Query(params): Query<LeftBehindParams>,
) -> Result<Json<Vec<LeftBehindView>>, ApiError> {
    let after = params.after.map(ResidentId);
    let page = hocvuso_app::register::visits::left_behind(&state.ctx, &session.actor(), params.filter(), after).await?;
    Ok(Json(
        page.rows
            .iter()
            .map(|row| LeftBehindView {
                resident: ResidentView::from(&row.resident),
                n_missing_core: row.missing_core.len(),
                is_elderly: row.need.is_elderly,
                lives_alone: row.need.lives_alone,
                has_disability: row.need.has_disability,
                has_no_smartphone: row.need.has_no_smartphone,
                last_contact: row
                    .last_contact
                    .and_then(|at| at.format(&time::format_description::well_known::Rfc3339).ok()),
            })
            .collect(),
    ))
}

/// A batch of field records from a volunteer's phone.
#[derive(Deserialize, ToSchema)]
pub struct FieldSyncBody {
    /// At most 100 records, applied in order. Each has `id` (the device's id for it, 8–64 of `A–Z a–z 0–9 -`),
    /// `kind` (`visit`, `sign_off`, `person`), `recorded_at` (milliseconds since 1970, the phone's clock),
    /// `household_id`, and by kind: `resident_id`, `outcome`, `practised`, `next_step` (visit); `resident_id`,
    /// `skill_id`, `method`, `note` (sign-off); `full_name`, `birth_year`, `gender`, `phone`, `has_smartphone`,
    /// `consent`, `skills` (an array of skill ids) (person). Values are strings, as forms send them.
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<hocvuso_app::register::field::FieldRecordInput>,
}

/// The answer to one field record.
#[derive(Serialize, ToSchema)]
pub struct FieldResultView {
    /// The record's id.
    pub id: String,
    /// `applied`, `conflict` or `rejected`.
    pub status: String,
    /// For conflicts and rejections, the stable code of the reason.
    pub code: Option<String>,
    /// The reason in the reader's language.
    pub message: Option<String>,
    /// The record had been received before; this is the answer given then and nothing was written now.
    pub replayed: bool,
    /// The person it concerns (for a new person: the one added or the one already there).
    pub resident_id: Option<i64>,
}

/// The answers, in the order of the records.
#[derive(Serialize, ToSchema)]
pub struct FieldSyncView {
    /// One per record.
    pub results: Vec<FieldResultView>,
}

/// Sends field records made on a phone, often offline. A record sent again (a retried or resumed sync) is not
/// applied twice: it gets the answer it got the first time, with `replayed`. Conflicts follow the documented rule
/// (a skill already confirmed is not confirmed twice; a person already in the register is not added twice).
#[utoipa::path(post, path = "/api/v1/field/sync", request_body = FieldSyncBody,
    responses((status = 200, body = FieldSyncView), (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
async fn sync_field_records(
    State(state): State<AppState>,
    lang: crate::i18n::Lang,
    ApiUser(session): ApiUser,
    body: Result<Json<FieldSyncBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<FieldSyncView>, ApiError> {
    let Json(body) = body.map_err(|_| hocvuso_app::AppError::invalid("body", "form_malformed"))?;
    let results = hocvuso_app::register::field::sync(&state.ctx, &session.actor(), &body.records).await?;
    let results = results
        .into_iter()
        .map(|r| FieldResultView {
            message: r.code.as_deref().map(|code| crate::i18n::error_message(code, lang).to_owned()),
            id: r.id,
            status: r.status.as_str().to_owned(),
            code: r.code,
            replayed: r.replayed,
            resident_id: r.resident_id.map(|id| id.0),
        })
        .collect();
    Ok(Json(FieldSyncView { results }))
}

/// A visit to a household.
#[derive(Serialize, ToSchema)]
pub struct VisitView {
    /// Visit id.
    pub id: i64,
    /// The person helped, when it was one person.
    pub resident_id: Option<i64>,
    /// The volunteer's account.
    pub volunteer_id: i64,
    /// When (RFC 3339).
    pub visited_at: String,
    /// `helped`, `not_home`, `declined` or `follow_up`.
    pub outcome: String,
    /// What was practised.
    pub practised: String,
    /// What to do next time.
    pub next_step: String,
}

/// The visits to the household of a resident, newest first.
#[utoipa::path(get, path = "/api/v1/residents/{resident_id}/visits", params(("resident_id" = i64, Path)),
    responses((status = 200, body = [VisitView]), (status = 404, body = ApiErrorBody)))]
async fn list_resident_visits(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(resident_id): Path<i64>,
) -> Result<Json<Vec<VisitView>>, ApiError> {
    let visits =
        hocvuso_app::register::visits::household_visits(&state.ctx, &session.actor(), ResidentId(resident_id)).await?;
    Ok(Json(
        visits
            .into_iter()
            .map(|v| VisitView {
                id: v.id,
                resident_id: v.resident_id.map(|id| id.0),
                volunteer_id: v.volunteer.0,
                visited_at: v.visited_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                outcome: v.outcome.as_str().to_owned(),
                practised: v.practised,
                next_step: v.next_step,
            })
            .collect(),
    ))
}

/// The printable visit sheet of the same list, an A4 PDF in Vietnamese (audited as an export).
#[utoipa::path(
    get,
    path = "/api/v1/left-behind/visit-sheet",
    params(LeftBehindParams),
    responses(
        (status = 200, description = "The visit sheet", content_type = "application/pdf"),
        (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)
    )
)]
async fn export_visit_sheet(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Query(params): Query<LeftBehindParams>,
) -> Result<Response, ApiError> {
    let download =
        hocvuso_app::register::exports::export_visit_sheet(&state.ctx, &session.actor(), params.filter()).await?;
    Ok(crate::pages::attachment(download.bytes, "application/pdf", &download.file_name))
}

// import jobs

/// Query of an upload.
#[derive(Deserialize)]
struct UploadQuery {
    #[serde(default)]
    file_name: String,
}

/// One column of an import's header row.
#[derive(Serialize, ToSchema)]
pub struct ImportColumnView {
    /// The header as written in the file.
    pub header: String,
    /// What the column holds (`full_name`, `birth_year`, `gender`, `phone`, `cccd`, `hamlet`, `address`), or null.
    pub field: Option<String>,
}

/// One refused line of an import.
#[derive(Serialize, ToSchema)]
pub struct ImportProblemView {
    /// Line number as the spreadsheet shows it.
    pub line: u32,
    /// Stable codes.
    pub codes: Vec<String>,
    /// The codes' messages in Vietnamese.
    pub messages: Vec<String>,
}

/// An import job.
#[derive(Serialize, ToSchema)]
pub struct ImportJobView {
    /// Id.
    pub id: i64,
    /// The uploaded file's name.
    pub file_name: String,
    /// `uploaded`, `mapped`, `checked`, `running`, `done`, `failed` or `expired`.
    pub state: String,
    /// Data rows.
    pub n_rows: i64,
    /// Households the rows form (after a check).
    pub n_households: i64,
    /// Rows imported (when done).
    pub n_imported: i64,
    /// Progress of a running job, in percent.
    pub percent: i64,
    /// Line of the header row.
    pub header_line: u32,
    /// The header row and its mapping.
    pub columns: Vec<ImportColumnView>,
    /// Required fields no column is mapped to.
    pub missing: Vec<String>,
    /// Refused lines of the last check.
    pub problems: Vec<ImportProblemView>,
    /// Why the job failed.
    pub error_code: Option<String>,
}

fn import_view(view: &hocvuso_app::register::import::JobView) -> ImportJobView {
    let job = &view.job;
    ImportJobView {
        id: job.id.0,
        file_name: job.file_name.clone(),
        state: job.state.as_str().to_owned(),
        n_rows: job.n_rows,
        n_households: job.n_households,
        n_imported: job.n_imported,
        percent: view.percent(),
        header_line: job.header_line,
        columns: job
            .columns
            .iter()
            .zip(&job.mapping)
            .map(|(header, field)| ImportColumnView {
                header: header.clone(),
                field: field.map(|f| f.as_str().to_owned()),
            })
            .collect(),
        missing: job.missing_fields().into_iter().map(|f| f.as_str().to_owned()).collect(),
        problems: job
            .problems
            .iter()
            .map(|p| ImportProblemView {
                line: p.line,
                codes: p.codes.clone(),
                messages: p
                    .codes
                    .iter()
                    .map(|c| crate::i18n::error_message(c, crate::i18n::Lang::Vi).to_owned())
                    .collect(),
            })
            .collect(),
        error_code: job.error_code.clone(),
    }
}

/// Uploads a spreadsheet (`.xlsx`, `.ods` or `.csv`, at most 20 MB) as a new import job; the body is the file.
/// Its columns are guessed from the header row.
#[utoipa::path(post, path = "/api/v1/imports", params(("file_name" = String, Query, description = "the file's name, ending in .xlsx, .ods or .csv")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = ImportJobView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
async fn create_import(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Query(query): Query<UploadQuery>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let bytes = body.map_err(|_| hocvuso_app::AppError::invalid("file", "file_too_large"))?;
    let actor = session.actor();
    let job = hocvuso_app::register::import::create_job(&state.ctx, &actor, &query.file_name, bytes.to_vec()).await?;
    let view = hocvuso_app::register::import::job_detail(&state.ctx, &actor, job.id).await?;
    Ok((StatusCode::CREATED, Json(import_view(&view))).into_response())
}

/// An import job of the user (or, for a commune administrator, of the commune): state, progress, columns, report.
#[utoipa::path(get, path = "/api/v1/imports/{import_job_id}", params(("import_job_id" = i64, Path)),
    responses((status = 200, body = ImportJobView), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
async fn show_import(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(job_id): Path<i64>,
) -> Result<Json<ImportJobView>, ApiError> {
    let job_id = hocvuso_domain::ids::ImportJobId(job_id);
    let view = hocvuso_app::register::import::job_detail(&state.ctx, &session.actor(), job_id).await?;
    Ok(Json(import_view(&view)))
}

/// A new column mapping: one entry per column of the header row, a field name or null.
#[derive(Deserialize, ToSchema)]
pub struct ImportMappingBody {
    /// E.g. `["full_name", null, "address"]`.
    pub mapping: Vec<Option<String>>,
}

/// Changes what each column holds.
#[utoipa::path(post, path = "/api/v1/imports/{import_job_id}/mapping", params(("import_job_id" = i64, Path)), request_body = ImportMappingBody,
    responses((status = 200, body = ImportJobView), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
async fn set_import_mapping(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(job_id): Path<i64>,
    body: Result<Json<ImportMappingBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ImportJobView>, ApiError> {
    use hocvuso_app::register::import::Field;
    let (job_id, actor) = (hocvuso_domain::ids::ImportJobId(job_id), session.actor());
    // The job is looked up first: another user's job is not found, whatever the body.
    hocvuso_app::register::import::job_detail(&state.ctx, &actor, job_id).await?;
    let invalid = || hocvuso_app::AppError::invalid("mapping", "import_mapping_invalid");
    let Json(body) = body.map_err(|_| invalid())?;
    let mapping = body
        .mapping
        .iter()
        .map(|f| match f.as_deref() {
            None | Some("") => Ok(None),
            Some(name) => Field::parse(name).map(Some).ok_or_else(invalid),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let view = hocvuso_app::register::import::set_mapping(&state.ctx, &actor, job_id, &mapping).await?;
    Ok(Json(import_view(&view)))
}

/// Checks every row against the rules and the register; the report lists each refused line with Vietnamese messages.
#[utoipa::path(post, path = "/api/v1/imports/{import_job_id}/check", params(("import_job_id" = i64, Path)),
    responses((status = 200, body = ImportJobView), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
async fn check_import(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(job_id): Path<i64>,
) -> Result<Json<ImportJobView>, ApiError> {
    let job_id = hocvuso_domain::ids::ImportJobId(job_id);
    let view = hocvuso_app::register::import::check(&state.ctx, &session.actor(), job_id).await?;
    Ok(Json(import_view(&view)))
}

/// How everyone on the list consented to be in the register.
#[derive(Deserialize, ToSchema)]
pub struct ImportCommitBody {
    /// `written` or `verbal`.
    pub consent: String,
}

/// Starts writing a checked job without refused lines, in the background (all rows or none); poll the job.
#[utoipa::path(post, path = "/api/v1/imports/{import_job_id}/commit", params(("import_job_id" = i64, Path)), request_body = ImportCommitBody,
    responses((status = 202, body = ImportJobView), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
async fn commit_import(
    State(state): State<AppState>,
    ApiUser(session): ApiUser,
    Path(job_id): Path<i64>,
    body: Result<Json<ImportCommitBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let (job_id, actor) = (hocvuso_domain::ids::ImportJobId(job_id), session.actor());
    let consent = body.map(|Json(b)| b.consent).unwrap_or_default();
    let view = hocvuso_app::register::import::commit(&state.ctx, &actor, job_id, &consent).await?;
    Ok((StatusCode::ACCEPTED, Json(import_view(&view))).into_response())
}
