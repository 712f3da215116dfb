//! Consent, a person's data export and erasure, and the audit log.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hocvuso_app::AppError;
use hocvuso_domain::ids::{ConsentId, ResidentId};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{CsrfForm, SignedIn};
use crate::i18n::Lang;
use crate::layout::PageContext;
use crate::pages::accounts::EmptyForm;
use crate::pages::render;

#[derive(Deserialize)]
pub(crate) struct ConsentForm {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    method: String,
}

/// `POST /residents/{resident_id}/consents`
pub(crate) async fn record_consent(
    State(state): State<AppState>,
    Path(resident_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<ConsentForm>,
) -> Result<Response, WebError> {
    let id = ResidentId(resident_id);
    hocvuso_app::privacy::record_consent(&state.ctx, &session.actor(), id, &form.purpose, &form.method).await?;
    Ok(Redirect::to(&format!("/residents/{resident_id}?saved=1")).into_response())
}

/// `POST /residents/{resident_id}/consents/{consent_id}/withdraw`
pub(crate) async fn withdraw_consent(
    State(state): State<AppState>,
    Path((resident_id, consent_id)): Path<(i64, i64)>,
    CsrfForm(session, _form): CsrfForm<EmptyForm>,
) -> Result<Response, WebError> {
    hocvuso_app::privacy::withdraw_consent(
        &state.ctx,
        &session.actor(),
        ResidentId(resident_id),
        ConsentId(consent_id),
    )
    .await?;
    Ok(Redirect::to(&format!("/residents/{resident_id}?saved=1")).into_response())
}

/// `GET /residents/{resident_id}/export`: every datum about the person as a JSON file (audited).
pub(crate) async fn export_resident(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(resident_id): Path<i64>,
) -> Result<Response, WebError> {
    let export = hocvuso_app::privacy::export_person(&state.ctx, &session.actor(), ResidentId(resident_id)).await?;
    let body = serde_json::to_vec_pretty(&export)
        .map_err(|err| WebError(AppError::Internal(anyhow::Error::new(err).context("person export"))))?;
    let file_name = format!("nguoi-dan-{resident_id}.json");
    Ok(crate::pages::attachment(body, "application/json; charset=utf-8", &file_name))
}

#[derive(Deserialize)]
pub(crate) struct EraseForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /residents/{resident_id}/erase`: only with the confirmation box ticked.
pub(crate) async fn erase_resident(
    State(state): State<AppState>,
    Path(resident_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<EraseForm>,
) -> Result<Response, WebError> {
    if form.confirm != "yes" {
        return Err(WebError(AppError::invalid("confirm", "erase_not_confirmed")));
    }
    hocvuso_app::privacy::erase_person(&state.ctx, &session.actor(), ResidentId(resident_id)).await?;
    Ok(Redirect::to(&format!("/residents/{resident_id}?saved=1")).into_response())
}

struct AuditRow {
    at: String,
    actor: String,
    action: &'static str,
    subject: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: PageContext,
    rows: Vec<AuditRow>,
}

/// `GET /audit`: the commune's audit log (the whole deployment's for the super admin).
pub(crate) async fn show_audit_log(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let commune = match actor.role {
        hocvuso_domain::accounts::Role::SuperAdmin => None,
        _ => actor.commune_id,
    };
    let events = hocvuso_app::privacy::audit_log(&state.ctx, &actor, commune).await?;
    let rows = events
        .into_iter()
        .map(|e| {
            let (action, subject, detail) = crate::i18n::audit_words(e.action, e.subject, &e.detail, lang);
            AuditRow {
                at: hocvuso_domain::calendar::format_datetime_vn(e.at),
                actor: e.actor.map(|a| format!("#{a}")).unwrap_or_else(|| "–".into()),
                action,
                subject: match e.subject_id {
                    Some(id) => format!("{subject} #{id}"),
                    None => subject.to_owned(),
                },
                detail,
            }
        })
        .collect();
    render(&AuditPage { ctx: PageContext::new(&state, lang, Some(&session), "/audit"), rows })
}
