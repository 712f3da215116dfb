//! The field pages a volunteer keeps on the phone: their households, and per household the forms to record a
//! visit, confirm a skill and add a person. The service worker (`static/sw.js`) keeps these pages for offline use
//! and queues what is posted without a connection; `static/field.js` sends the queue when the connection returns.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use hocvuso_app::register::field::{FieldHousehold, FieldRecordInput, FieldResult, OFFLINE_HOUSEHOLDS_MAX};
use hocvuso_domain::calendar::format_datetime_vn;
use hocvuso_domain::ids::HouseholdId;
use hocvuso_domain::register::field::FieldStatus;
use rand::Rng;
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{CsrfForm, SignedIn};
use crate::i18n::{Lang, Texts, error_message};
use crate::layout::PageContext;
use crate::pages::register::display_name;
use crate::pages::render;

/// A new record id for a form, drawn when the page is drawn (the page's script draws a fresh one per submission,
/// so a form sent twice from one page still makes two records, and a resent one only one).
fn new_record_id() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    let hex = hex::encode(bytes);
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// What the page script needs: its words, the current user, and the pages to keep.
struct FieldScript {
    user_id: i64,
    offline_urls: String,
}

impl FieldScript {
    fn new(state: &AppState, user_id: i64, household_urls: Vec<String>) -> FieldScript {
        let mut urls = vec!["/field".to_owned()];
        urls.extend(household_urls);
        urls.extend(["app.css", "app.js", "field.js", "icon.svg"].iter().map(|name| state.assets.url(name)));
        FieldScript { user_id, offline_urls: urls.join(" ") }
    }
}

struct HouseholdRow {
    id: i64,
    address: String,
    hamlet: String,
    n_members: usize,
    n_not_reached: usize,
    last_contact: String,
}

#[derive(Template)]
#[template(path = "field.html")]
struct FieldPage {
    ctx: PageContext,
    script: FieldScript,
    field_js: String,
    rows: Vec<HouseholdRow>,
    too_many: bool,
}

/// `GET /field`
pub(crate) async fn show_field(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let work = hocvuso_app::register::field::field_work(&state.ctx, &actor, None).await?;
    let t = lang.texts();
    let too_many = work.households.len() > OFFLINE_HOUSEHOLDS_MAX;
    let urls =
        if too_many { Vec::new() } else { work.households.iter().map(|h| household_url(h.household.id)).collect() };
    let rows = work
        .households
        .iter()
        .map(|h| HouseholdRow {
            id: h.household.id.0,
            address: h.household.address.clone(),
            hamlet: h.hamlet_name.clone(),
            n_members: h.members.len(),
            n_not_reached: h.members.iter().filter(|m| !m.is_reached).count(),
            last_contact: h.last_contact.map(format_datetime_vn).unwrap_or_else(|| t.never.to_owned()),
        })
        .collect();
    render(&FieldPage {
        ctx: PageContext::new(&state, lang, Some(&session), "/field"),
        script: FieldScript::new(&state, actor.user_id.0, urls),
        field_js: state.assets.url("field.js"),
        rows,
        too_many,
    })
}

fn household_url(id: HouseholdId) -> String {
    format!("/field/households/{}", id.0)
}

struct MemberView {
    id: i64,
    name: String,
    birth_year: String,
    is_reached: bool,
    missing: String,
    skills: Vec<(i64, String)>,
    visit_id: String,
    sign_off_id: String,
}

#[derive(Template)]
#[template(path = "field_household.html")]
struct FieldHouseholdPage {
    ctx: PageContext,
    script: FieldScript,
    field_js: String,
    household_id: i64,
    address: String,
    hamlet: String,
    members: Vec<MemberView>,
    skills: Vec<(i64, String)>,
    person_id: String,
    message: Option<(bool, &'static str)>,
}

#[derive(Deserialize)]
pub(crate) struct ResultQuery {
    /// What became of the last record: `applied`, `conflict`, `rejected` (and `queued`, shown by the script).
    r: Option<String>,
    /// Its code.
    c: Option<String>,
}

/// `GET /field/households/{household_id}`
pub(crate) async fn show_field_household(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(household_id): Path<i64>,
    Query(query): Query<ResultQuery>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let id = HouseholdId(household_id);
    let work = hocvuso_app::register::field::field_work(&state.ctx, &actor, Some(id)).await?;
    let t = lang.texts();
    let Some(household) = work.households.into_iter().next() else {
        return Err(WebError(hocvuso_app::AppError::NotFound));
    };
    let skills: Vec<(i64, String)> = work.skills.iter().map(|s| (s.id.0, s.name.clone())).collect();
    let message = result_message(&query, lang);
    let path = household_url(id);
    render(&FieldHouseholdPage {
        ctx: PageContext::new(&state, lang, Some(&session), &path),
        script: FieldScript::new(&state, actor.user_id.0, Vec::new()),
        field_js: state.assets.url("field.js"),
        household_id,
        address: household.household.address.clone(),
        hamlet: household.hamlet_name.clone(),
        members: member_views(&household, t),
        skills,
        person_id: new_record_id(),
        message,
    })
}

fn member_views(household: &FieldHousehold, t: &Texts) -> Vec<MemberView> {
    household
        .members
        .iter()
        .map(|m| MemberView {
            id: m.resident.id.0,
            name: display_name(&m.resident, t),
            birth_year: m.resident.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            is_reached: m.is_reached,
            missing: m.missing.iter().filter(|s| s.is_core).map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
            skills: m.missing.iter().map(|s| (s.id.0, s.name.clone())).collect(),
            visit_id: new_record_id(),
            sign_off_id: new_record_id(),
        })
        .collect()
}

/// The line shown after a record was posted online.
fn result_message(query: &ResultQuery, lang: Lang) -> Option<(bool, &'static str)> {
    let t = lang.texts();
    match query.r.as_deref().and_then(FieldStatus::parse) {
        Some(FieldStatus::Applied) => Some((true, t.field_applied)),
        Some(_) => Some((false, error_message(query.c.as_deref().unwrap_or(""), lang))),
        None => None,
    }
}

/// `POST /field/records`: one record from a field form, answered by going back to its household with what became
/// of it. A record about a person or household outside the actor's field is "not found", as everywhere else.
pub(crate) async fn post_field_record(
    State(state): State<AppState>,
    CsrfForm(session, form): CsrfForm<FieldRecordInput>,
) -> Result<Response, WebError> {
    let results = hocvuso_app::register::field::sync(&state.ctx, &session.actor(), std::slice::from_ref(&form)).await?;
    let Some(FieldResult { status, code, household_id, .. }) = results.into_iter().next() else {
        return Ok(Redirect::to("/field").into_response());
    };
    let code = code.unwrap_or_default();
    match (status, code.as_str()) {
        (FieldStatus::Rejected, "field_not_assigned") => return Err(WebError(hocvuso_app::AppError::NotFound)),
        (FieldStatus::Rejected, "forbidden") => return Err(WebError(hocvuso_app::AppError::Forbidden)),
        _ => {}
    }
    let target = match household_id {
        Some(household) => {
            format!("/field/households/{}?r={}&c={}", household.0, status.as_str(), urlencoding::encode(&code))
        }
        None => "/field".to_owned(),
    };
    Ok(Redirect::to(&target).into_response())
}

/// `GET /sw.js`: the service worker, at the root so it may control `/field` (its registration's scope).
/// Never cached by the browser's HTTP cache, so a new version is picked up at the next visit.
pub(crate) async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        include_str!("../../../static/sw.js"),
    )
        .into_response()
}

/// `GET /field/manifest.webmanifest`: lets the field pages be installed on the home screen.
pub(crate) async fn manifest(State(state): State<AppState>, lang: Lang) -> Response {
    let t = lang.texts();
    let body = serde_json::json!({
        "name": format!("{} – {}", t.app_name, t.field_title),
        "short_name": t.app_name,
        "lang": lang.code(),
        "start_url": "/field",
        "scope": "/field",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5394",
        "icons": [{"src": state.assets.url("icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    });
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/manifest+json"))], body.to_string()).into_response()
}
