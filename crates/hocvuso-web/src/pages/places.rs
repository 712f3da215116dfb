//! Hamlets of a commune and the province overview.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hocvuso_app::places::CommuneFigures;
use hocvuso_domain::places::HamletKind;
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{CsrfForm, SignedIn};
use crate::i18n::Lang;
use crate::layout::PageContext;
use crate::pages::{form_errors, render, render_with_status};

struct HamletRow {
    name: String,
    kind_name: &'static str,
}

#[derive(Template)]
#[template(path = "hamlets.html")]
struct HamletsPage {
    ctx: PageContext,
    hamlets: Vec<HamletRow>,
    can_manage: bool,
    kinds: Vec<(&'static str, &'static str)>,
    errors: Vec<&'static str>,
    form_name: String,
}

async fn hamlets_page(
    state: &AppState,
    lang: Lang,
    session: &hocvuso_app::accounts::Session,
    errors: Vec<&'static str>,
    form_name: String,
) -> Result<HamletsPage, WebError> {
    let actor = session.actor();
    let t = lang.texts();
    let hamlets = hocvuso_app::places::list_hamlets(&state.ctx, &actor)
        .await?
        .into_iter()
        .map(|h| HamletRow { name: h.name, kind_name: t.hamlet_kind(h.kind) })
        .collect();
    let can_manage = actor.commune_id.is_some_and(|c| actor.can_manage_hamlets(c));
    let kinds = HamletKind::ALL.into_iter().map(|k| (k.as_str(), t.hamlet_kind(k))).collect();
    Ok(HamletsPage {
        ctx: PageContext::new(state, lang, Some(session), "/hamlets"),
        hamlets,
        can_manage,
        kinds,
        errors,
        form_name,
    })
}

/// `GET /hamlets`
pub(crate) async fn list_hamlets(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    render(&hamlets_page(&state, lang, &session, Vec::new(), String::new()).await?)
}

#[derive(Deserialize)]
pub(crate) struct HamletForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

/// `POST /hamlets`
pub(crate) async fn create_hamlet(
    State(state): State<AppState>,
    lang: Lang,
    CsrfForm(session, form): CsrfForm<HamletForm>,
) -> Result<Response, WebError> {
    match hocvuso_app::places::create_hamlet(&state.ctx, &session.actor(), &form.name, &form.kind).await {
        Ok(_) => Ok(Redirect::to("/hamlets").into_response()),
        Err(err) => {
            let errors = form_errors(err, lang)?;
            let page = hamlets_page(&state, lang, &session, errors, form.name.chars().take(80).collect()).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "province.html")]
struct ProvincePage {
    ctx: PageContext,
    rows: Vec<CommuneFigures>,
}

/// `GET /province`: aggregates of every commune the user may see.
pub(crate) async fn show_province_overview(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let rows = hocvuso_app::places::province_roll_up(&state.ctx, &session.actor()).await?;
    render(&ProvincePage { ctx: PageContext::new(&state, lang, Some(&session), "/province"), rows })
}
