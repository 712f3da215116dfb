//! Public pages: home, the official unit lists, and the language switch.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use hocvuso_domain::places::{CommuneUnit, Province};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{LANG_COOKIE, MaybeSignedIn};
use crate::i18n::Lang;
use crate::layout::PageContext;
use crate::pages::render;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageContext,
    communes: Vec<CommuneUnit>,
}

/// `GET /`
pub(crate) async fn show_home(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, WebError> {
    let communes = hocvuso_app::places::list_served_communes(&state.ctx).await?;
    render(&HomePage { ctx: PageContext::new(&state, lang, session.as_ref(), "/"), communes })
}

#[derive(Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

/// Keeps redirects on this site: only a local path is followed.
pub(crate) fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path,
        _ => "/",
    }
}

/// `GET /lang/{code}?next=/path`: remembers the language for a year and goes back.
pub(crate) async fn switch_language(
    jar: CookieJar,
    Path(code): Path<String>,
    Query(query): Query<NextQuery>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    (jar.add(cookie), Redirect::to(local_path(query.next.as_deref()))).into_response()
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    ctx: PageContext,
    provinces: Vec<Province>,
}

/// `GET /units`
pub(crate) async fn list_provinces(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, WebError> {
    let provinces = hocvuso_app::places::list_provinces(&state.ctx).await?;
    render(&UnitsPage { ctx: PageContext::new(&state, lang, session.as_ref(), "/units"), provinces })
}

#[derive(Template)]
#[template(path = "province_units.html")]
struct ProvinceUnitsPage {
    ctx: PageContext,
    province: Province,
    communes: Vec<CommuneUnit>,
}

/// `GET /units/{province_code}`
pub(crate) async fn show_province_units(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let (province, communes) = hocvuso_app::places::province_with_communes(&state.ctx, &code).await?;
    let path = format!("/units/{}", province.code);
    render(&ProvinceUnitsPage { ctx: PageContext::new(&state, lang, session.as_ref(), &path), province, communes })
}
