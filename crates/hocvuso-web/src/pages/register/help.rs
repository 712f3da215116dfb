//! The public help form, and the team's list of help requests.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use hocvuso_app::register::help::HelpInput;
use hocvuso_domain::register::help::{HelpChannel, HelpStatus, TOPICS};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{CsrfForm, MaybeSignedIn, PlainForm, SignedIn, csrf_refused, tokens_match};
use crate::i18n::Lang;
use crate::layout::PageContext;
use crate::pages::{form_errors, render, render_with_status};

/// The double-submit cookie of the public help form (there is no session).
const HELP_COOKIE: &str = "hv_help";

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    ctx: PageContext,
    form_token: String,
    places: Vec<(String, String)>,
    topics: Vec<(&'static str, &'static str)>,
    errors: Vec<&'static str>,
    sent: bool,
}

async fn help_page(
    state: &AppState,
    lang: Lang,
    session: Option<&hocvuso_app::accounts::Session>,
    form_token: String,
    errors: Vec<&'static str>,
    sent: bool,
) -> Result<HelpPage, WebError> {
    let t = lang.texts();
    let mut places = Vec::new();
    for (commune, hamlets) in hocvuso_app::places::served_hamlets(&state.ctx).await? {
        for hamlet in hamlets {
            places.push((
                format!("{}:{}", commune.id.code(), hamlet.id.0),
                format!("{} – {}", commune.name, hamlet.name),
            ));
        }
        places.push((format!("{}:", commune.id.code()), format!("{} – {}", commune.name, t.help_hamlet_unknown)));
    }
    Ok(HelpPage {
        ctx: PageContext::new(state, lang, session, "/help"),
        form_token,
        places,
        topics: TOPICS.to_vec(),
        errors,
        sent,
    })
}

#[derive(Deserialize)]
pub(crate) struct SentQuery {
    sent: Option<String>,
}

/// `GET /help`: anyone may ask for help, signed in or not.
pub(crate) async fn help_form(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    MaybeSignedIn(session): MaybeSignedIn,
    Query(query): Query<SentQuery>,
) -> Result<Response, WebError> {
    let (token, cookie) =
        crate::extract::double_submit_token(&jar, HELP_COOKIE, "/help", state.settings.secure_cookies);
    let page = help_page(&state, lang, session.as_ref(), token, Vec::new(), query.sent.is_some()).await?;
    Ok((jar.add(cookie), render(&page)?).into_response())
}

#[derive(Deserialize)]
pub(crate) struct HelpForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    agree: String,
}

/// `POST /help`
pub(crate) async fn submit_help(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    PlainForm(form): PlainForm<HelpForm>,
) -> Result<Response, WebError> {
    let expected = jar.get(HELP_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if !tokens_match(&form.csrf, &expected) {
        return Ok(csrf_refused());
    }
    let (commune_code, hamlet) = form.place.split_once(':').unwrap_or((form.place.as_str(), ""));
    let input = HelpInput {
        commune_code: commune_code.to_owned(),
        hamlet_id: hamlet.parse().ok(),
        full_name: form.full_name,
        phone: form.phone,
        topic: form.topic,
        details: form.details,
        agrees_to_call_back: form.agree == "yes",
    };
    match hocvuso_app::register::help::submit_help_request(&state.ctx, None, &input).await {
        Ok(_) => Ok(Redirect::to("/help?sent=1").into_response()),
        Err(err) => {
            let errors = form_errors(err, lang)?;
            let page = help_page(&state, lang, None, expected, errors, false).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

struct HelpRow {
    id: i64,
    at: String,
    channel: &'static str,
    name: String,
    phone: String,
    hamlet: String,
    topic: &'static str,
    details: String,
    status: &'static str,
    note: String,
    is_open: bool,
    is_resolved: bool,
}

#[derive(Template)]
#[template(path = "help_requests.html")]
struct HelpRequestsPage {
    ctx: PageContext,
    rows: Vec<HelpRow>,
    hamlets: Vec<(i64, String)>,
    topics: Vec<(&'static str, &'static str)>,
    errors: Vec<&'static str>,
    // teams and moves: a volunteer who leads a team handles requests but does not take calls.
    can_record_call: bool,
}

/// `GET /help-requests`: the requests the user's team handles (audited: it shows names and phones).
pub(crate) async fn list_help_requests(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    render(&help_requests_page(&state, lang, &session, Vec::new()).await?)
}

async fn help_requests_page(
    state: &AppState,
    lang: Lang,
    session: &hocvuso_app::accounts::Session,
    errors: Vec<&'static str>,
) -> Result<HelpRequestsPage, WebError> {
    let actor = session.actor();
    let t = lang.texts();
    let requests = hocvuso_app::register::help::list_help_requests(&state.ctx, &actor).await?;
    let hamlets = super::hamlet_names(state, &actor).await?;
    let rows = requests
        .into_iter()
        .map(|r| HelpRow {
            id: r.id,
            at: hocvuso_domain::calendar::format_datetime_vn(r.created_at),
            channel: match r.channel {
                HelpChannel::Web => t.channel_web,
                HelpChannel::Phone => t.channel_phone,
            },
            name: r.full_name.as_str().to_owned(),
            phone: r.phone.as_str().to_owned(),
            hamlet: r.hamlet_id.and_then(|h| hamlets.get(&h.0).cloned()).unwrap_or_default(),
            topic: TOPICS.iter().find(|(code, _)| *code == r.topic).map_or("", |(_, label)| *label),
            details: r.details,
            status: match r.status {
                HelpStatus::Open => t.status_open,
                HelpStatus::InProgress => t.status_in_progress,
                HelpStatus::Resolved => t.status_resolved,
            },
            note: r.note,
            is_open: r.status == HelpStatus::Open,
            is_resolved: r.status == HelpStatus::Resolved,
        })
        .collect();
    let mut hamlet_options: Vec<(i64, String)> = hamlets.into_iter().collect();
    hamlet_options.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(HelpRequestsPage {
        ctx: PageContext::new(state, lang, Some(session), "/help-requests"),
        rows,
        hamlets: hamlet_options,
        topics: TOPICS.to_vec(),
        errors,
        can_record_call: actor.role != hocvuso_domain::accounts::Role::Volunteer,
    })
}

#[derive(Deserialize)]
pub(crate) struct PhoneRequestForm {
    #[serde(default)]
    hamlet_id: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    agree: String,
}

/// `POST /help-requests`: staff or a hamlet lead record a request that came by phone.
pub(crate) async fn record_phone_request(
    State(state): State<AppState>,
    lang: Lang,
    CsrfForm(session, form): CsrfForm<PhoneRequestForm>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let input = HelpInput {
        commune_code: actor.commune_id.map(|c| c.code()).unwrap_or_default(),
        hamlet_id: form.hamlet_id.parse().ok(),
        full_name: form.full_name,
        phone: form.phone,
        topic: form.topic,
        details: form.details,
        agrees_to_call_back: form.agree == "yes",
    };
    match hocvuso_app::register::help::submit_help_request(&state.ctx, Some(&actor), &input).await {
        Ok(_) => Ok(Redirect::to("/help-requests").into_response()),
        Err(err) => {
            let errors = form_errors(err, lang)?;
            render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &help_requests_page(&state, lang, &session, errors).await?,
            )
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct HelpUpdateForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
}

/// `POST /help-requests/{help_request_id}`
pub(crate) async fn update_help_request(
    State(state): State<AppState>,
    Path(request_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<HelpUpdateForm>,
) -> Result<Response, WebError> {
    hocvuso_app::register::help::update_help_request(
        &state.ctx,
        &session.actor(),
        request_id,
        &form.status,
        &form.note,
    )
    .await?;
    Ok(Redirect::to("/help-requests").into_response())
}
