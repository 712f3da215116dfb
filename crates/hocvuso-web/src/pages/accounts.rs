//! Signing in and out, the dashboard, the user's own account, and account management.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use hocvuso_app::AppError;
use hocvuso_app::accounts::{Creator, NewAccountInput};
use hocvuso_domain::accounts::Role;
use hocvuso_domain::ids::UserId;
use hocvuso_domain::places::CommuneUnit;
use hocvuso_domain::register::RegisterFigures;
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{CsrfForm, MaybeSignedIn, PlainForm, SignedIn, csrf_refused, tokens_match};
use crate::i18n::{Lang, error_message};
use crate::layout::PageContext;
use crate::pages::home::local_path;
use crate::pages::{form_errors, render, render_with_status};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageContext,
    login_csrf: String,
    next: String,
    phone: String,
    error: Option<&'static str>,
}

#[derive(Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

/// `GET /login`: the form carries a token that must match a cookie (double submit: there is no session yet).
pub(crate) async fn login_form(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    MaybeSignedIn(session): MaybeSignedIn,
    Query(query): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let next = local_path(query.next.as_deref()).to_owned();
    if session.is_some() {
        return Ok(Redirect::to(if next == "/" { "/dashboard" } else { &next }).into_response());
    }
    let (token, cookie) =
        crate::extract::double_submit_token(&jar, state.login_csrf_cookie(), "/", state.settings.secure_cookies);
    let page = LoginPage {
        ctx: PageContext::new(&state, lang, None, "/login"),
        login_csrf: token,
        next,
        phone: String::new(),
        error: None,
    };
    Ok((jar.add(cookie), render(&page)?).into_response())
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    PlainForm(form): PlainForm<LoginForm>,
) -> Result<Response, WebError> {
    let expected = jar.get(state.login_csrf_cookie()).map(|c| c.value().to_owned()).unwrap_or_default();
    if !tokens_match(&form.csrf, &expected) {
        return Ok(csrf_refused());
    }
    match hocvuso_app::accounts::sign_in(&state.ctx, &form.phone, &form.password).await {
        Ok(signed_in) => {
            let session = Cookie::build((state.session_cookie(), signed_in.session_token))
                .path("/")
                .http_only(true)
                .secure(state.settings.secure_cookies)
                .same_site(SameSite::Lax)
                .build();
            let jar = jar.remove(Cookie::build(state.login_csrf_cookie()).path("/")).add(session);
            let next = local_path(Some(&form.next));
            let target = if next == "/" { "/dashboard" } else { next };
            Ok((jar, Redirect::to(target)).into_response())
        }
        Err(err) => {
            let (status, code) = match &err {
                AppError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
                AppError::Locked { .. } => (StatusCode::TOO_MANY_REQUESTS, "account_locked"),
                AppError::Invalid(rejections) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, rejections.first().map(|r| r.code).unwrap_or("phone_invalid"))
                }
                _ => return Err(WebError(err)),
            };
            let page = LoginPage {
                ctx: PageContext::new(&state, lang, None, "/login"),
                login_csrf: expected,
                next: local_path(Some(&form.next)).to_owned(),
                phone: form.phone.chars().take(32).collect(),
                error: Some(error_message(code, lang)),
            };
            render_with_status(status, &page)
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct EmptyForm {}

/// `POST /logout`
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm(session, _form): CsrfForm<EmptyForm>,
) -> Result<Response, WebError> {
    hocvuso_app::accounts::sign_out(&state.ctx, &session).await?;
    let jar = jar.remove(Cookie::build(state.session_cookie()).path("/"));
    Ok((jar, Redirect::to("/")).into_response())
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: PageContext,
    commune: Option<CommuneUnit>,
    figures: Option<RegisterFigures>,
    is_resident: bool,
}

/// `GET /dashboard`
pub(crate) async fn show_dashboard(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let (commune, figures) = match actor.commune_id {
        Some(commune_id) if actor.role != Role::Resident => {
            let commune = hocvuso_app::places::commune_for(&state.ctx, &actor, commune_id).await?;
            let figures = hocvuso_app::places::commune_figures(&state.ctx, &actor, commune_id).await?;
            (Some(commune), Some(figures))
        }
        _ => (None, None),
    };
    render(&DashboardPage {
        ctx: PageContext::new(&state, lang, Some(&session), "/dashboard"),
        commune,
        figures,
        is_resident: actor.role == Role::Resident,
    })
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: PageContext,
    saved: bool,
    errors: Vec<&'static str>,
}

#[derive(Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

/// `GET /account`
pub(crate) async fn show_account(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Query(query): Query<SavedQuery>,
) -> Result<Response, WebError> {
    render(&AccountPage {
        ctx: PageContext::new(&state, lang, Some(&session), "/account"),
        saved: query.saved.is_some(),
        errors: Vec::new(),
    })
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// `POST /account/password`: every session ends, so the user signs in again with the new password.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    lang: Lang,
    CsrfForm(session, form): CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    match hocvuso_app::accounts::change_password(&state.ctx, &actor, &form.current_password, &form.new_password).await {
        Ok(()) => Ok(Redirect::to("/login").into_response()),
        Err(err) => {
            let errors = form_errors(err, lang)?;
            let page =
                AccountPage { ctx: PageContext::new(&state, lang, Some(&session), "/account"), saved: false, errors };
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

struct UserRow {
    id: i64,
    name: String,
    phone: String,
    role: &'static str,
    is_active: bool,
    can_disable: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: PageContext,
    rows: Vec<UserRow>,
    saved: bool,
    can_create: bool,
    roles: Vec<(&'static str, &'static str)>,
    hamlets: Vec<(i64, String)>,
    errors: Vec<&'static str>,
}

async fn users_page(
    state: &AppState,
    lang: Lang,
    session: &hocvuso_app::accounts::Session,
    saved: bool,
    errors: Vec<&'static str>,
) -> Result<UsersPage, WebError> {
    let actor = session.actor();
    let users = hocvuso_app::accounts::list_accounts(&state.ctx, &actor).await?;
    let t = lang.texts();
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id.0,
            name: u.display_name,
            phone: u.phone.masked(),
            role: t.role(u.role),
            is_active: u.disabled_at.is_none(),
            can_disable: u.id != actor.user_id,
        })
        .collect();
    let can_create = actor.role == Role::CommuneAdmin;
    let hamlets = if can_create {
        hocvuso_app::places::list_hamlets(&state.ctx, &actor).await?.into_iter().map(|h| (h.id.0, h.name)).collect()
    } else {
        Vec::new()
    };
    let roles = [Role::CommuneStaff, Role::HamletLead, Role::Volunteer, Role::Resident]
        .into_iter()
        .map(|r| (r.as_str(), t.role(r)))
        .collect();
    Ok(UsersPage {
        ctx: PageContext::new(state, lang, Some(session), "/users"),
        rows,
        saved,
        can_create,
        roles,
        hamlets,
        errors,
    })
}

/// `GET /users`
pub(crate) async fn list_users(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Query(query): Query<SavedQuery>,
) -> Result<Response, WebError> {
    render(&users_page(&state, lang, &session, query.saved.is_some(), Vec::new()).await?)
}

#[derive(Deserialize)]
pub(crate) struct NewUserForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    hamlet_id: String,
    #[serde(default)]
    password: String,
}

/// `POST /users`: a commune admin adds an account to their commune.
pub(crate) async fn create_user(
    State(state): State<AppState>,
    lang: Lang,
    CsrfForm(session, form): CsrfForm<NewUserForm>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let input = NewAccountInput {
        phone: form.phone,
        display_name: form.display_name,
        password: form.password,
        role: form.role,
        province_code: None,
        commune_code: actor.commune_id.map(|c| c.code()),
        hamlet_id: form.hamlet_id.trim().parse().ok(),
    };
    match hocvuso_app::accounts::create_account(&state.ctx, Creator::User(&actor), &input).await {
        Ok(_) => Ok(Redirect::to("/users?saved=1").into_response()),
        Err(err) => {
            let errors = form_errors(err, lang)?;
            let page = users_page(&state, lang, &session, false, errors).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// `POST /users/{user_id}/disable`
pub(crate) async fn disable_user(
    State(state): State<AppState>,
    Path(user_id): Path<i64>,
    CsrfForm(session, _form): CsrfForm<EmptyForm>,
) -> Result<Response, WebError> {
    hocvuso_app::accounts::disable_account(&state.ctx, Creator::User(&session.actor()), UserId(user_id)).await?;
    Ok(Redirect::to("/users?saved=1").into_response())
}
