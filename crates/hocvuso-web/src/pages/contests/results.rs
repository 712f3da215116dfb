//! Contest results: the ranking page, the projector's leaderboard and its JSON (refreshed by
//! `static/leaderboard.js`), the Excel export, and winners' certificates (issue, PDF, public verification).
//! Who sees what is decided in `hocvuso_app::contests::results`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hocvuso_app::contests::results::{self, Audience, ResultsView, Standings, VerifiedCertificate, format_duration};
use hocvuso_domain::calendar::{format_date_vn, format_datetime_vn, vietnam_date};
use hocvuso_domain::contests::results::{Award, Prizes, UnitStanding};
use hocvuso_domain::ids::{CertificateId, ContestId};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiError, WebError};
use crate::extract::{CsrfForm, MaybeSignedIn, SignedIn};
use crate::i18n::{Lang, Texts};
use crate::layout::PageContext;
use crate::pages::{attachment, render, render_with_status};

/// The results' routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/contests/{contest_id}/results", get(show_results))
        .route("/contests/{contest_id}/results.xlsx", get(export_results))
        .route("/contests/{contest_id}/leaderboard", get(show_leaderboard))
        .route("/contests/{contest_id}/leaderboard.json", get(leaderboard_json))
        .route("/contests/{contest_id}/certificates", post(issue_certificates))
        .route("/contests/{contest_id}/certificates.pdf", get(certificates_pdf))
        .route("/contests/{contest_id}/certificates/{file}", get(certificate_pdf))
        .route("/certificates/{code}", get(verify_certificate))
        // contests: certificate revocation
        .route("/contests/{contest_id}/certificates/{certificate_id}/revoke", post(revoke_certificate))
}

fn award_name(award: Award, t: &Texts) -> &'static str {
    match award {
        Award::First => t.award_first,
        Award::Second => t.award_second,
        Award::Third => t.award_third,
        Award::Consolation => t.award_consolation,
    }
}

/// An average score the reader's way: "7,5" in Vietnamese, "7.5" in English.
fn format_average(value: f64, lang: Lang) -> String {
    let text = format!("{value:.1}");
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

/// One line of the individual ranking as shown; staff columns are empty for the public.
struct RowView {
    place: usize,
    name: String,
    unit: String,
    score: u32,
    birth_year: String,
    phone: String,
    time_taken: String,
    submitted_at: String,
    prediction: String,
    is_flagged: bool,
}

struct UnitView {
    place: usize,
    unit: String,
    participants: u32,
    average: String,
    best: u32,
}

struct CertificateRow {
    id: i64,
    place: u32,
    name: String,
    unit: String,
    award: &'static str,
    code: String,
    /// "Thu hồi ngày …: reason" once revoked.
    revoked: Option<String>,
}

fn rows(rows: &[results::RankedRow]) -> Vec<RowView> {
    rows.iter()
        .map(|row| RowView {
            place: row.place,
            name: row.full_name.clone(),
            unit: row.unit.clone(),
            score: row.score,
            birth_year: row.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            phone: row.phone_masked.clone().unwrap_or_default(),
            time_taken: row.time_taken.map(format_duration).unwrap_or_default(),
            submitted_at: row.submitted_at.map(format_datetime_vn).unwrap_or_default(),
            prediction: row.prediction.map(|p| p.to_string()).unwrap_or_default(),
            is_flagged: row.implausibly_fast,
        })
        .collect()
}

fn units(units: &[UnitStanding], lang: Lang) -> Vec<UnitView> {
    units
        .iter()
        .map(|u| UnitView {
            place: u.place,
            unit: u.unit.clone(),
            participants: u.participants,
            average: format_average(u.average_score(), lang),
            best: u.best_score,
        })
        .collect()
}

/// What the results and leaderboard pages show.
struct Shown {
    is_staff: bool,
    is_closed: bool,
    n_entrants: u64,
    n_registered: Option<u64>,
    rows: Vec<RowView>,
    units: Vec<UnitView>,
    flagged: Vec<RowView>,
    certificates: Vec<CertificateRow>,
    is_cut: bool,
}

fn shown(standings: &Standings, lang: Lang) -> Shown {
    let t = lang.texts();
    Shown {
        is_staff: standings.audience == Audience::Staff,
        is_closed: standings.is_closed,
        n_entrants: standings.n_entrants,
        n_registered: standings.n_registered,
        rows: rows(&standings.rows),
        units: units(&standings.units, lang),
        flagged: rows(&standings.flagged),
        certificates: standings
            .certificates
            .iter()
            .map(|c| CertificateRow {
                id: c.id.0,
                place: c.place,
                name: c.full_name.as_str().to_owned(),
                unit: c.unit.clone(),
                award: award_name(c.award, t),
                code: c.code.clone(),
                revoked: c.revoked.as_ref().map(|r| revoked_line(r, t)),
            })
            .collect(),
        is_cut: standings.audience == Audience::Staff
            && standings.rows.len() == results::STAFF_PAGE_ROWS
            && standings.n_entrants > results::STAFF_PAGE_ROWS as u64,
    }
}

#[derive(Template)]
#[template(path = "contest_results.html")]
struct ResultsPage {
    ctx: PageContext,
    contest_id: i64,
    title: String,
    /// When the results will be published, for the public before then.
    publish_at: Option<String>,
    shown: Option<Shown>,
    issued: Option<u64>,
    prizes: Prizes,
}

#[derive(Deserialize)]
pub(crate) struct ResultsQuery {
    issued: Option<u64>,
}

fn split(view: ResultsView, lang: Lang) -> (String, Option<String>, Option<Shown>) {
    match view {
        ResultsView::Shown(standings) => {
            (standings.contest.settings.title.clone(), None, Some(shown(&standings, lang)))
        }
        ResultsView::NotYet { contest, publish_at } => {
            (contest.settings.title, Some(format_datetime_vn(publish_at)), None)
        }
    }
}

/// `GET /contests/{contest_id}/results`: the ranking for staff at any time; for everyone else once published, and
/// before that when it will be.
pub(crate) async fn show_results(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(contest_id): Path<i64>,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, WebError> {
    let actor = session.as_ref().map(|s| s.actor());
    let view = results::results(&state.ctx, actor.as_ref(), ContestId(contest_id)).await?;
    let (title, publish_at, shown) = split(view, lang);
    let path = format!("/contests/{contest_id}/results");
    render(&ResultsPage {
        ctx: PageContext::new(&state, lang, session.as_ref(), &path),
        contest_id,
        title,
        publish_at,
        shown,
        issued: query.issued,
        prizes: Prizes::default(),
    })
}

#[derive(Template)]
#[template(path = "contest_leaderboard.html")]
struct LeaderboardPage {
    ctx: PageContext,
    leaderboard_js: String,
    contest_id: i64,
    title: String,
    publish_at: Option<String>,
    shown: Option<Shown>,
}

/// `GET /contests/{contest_id}/leaderboard`: big type for a projector; the top 10, the units and the number of
/// entrants, refreshed every 10 s by `static/leaderboard.js`. Staff while the contest runs, everyone once published.
pub(crate) async fn show_leaderboard(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(contest_id): Path<i64>,
) -> Result<Response, WebError> {
    let actor = session.as_ref().map(|s| s.actor());
    let view = results::leaderboard(&state.ctx, actor.as_ref(), ContestId(contest_id), false).await?;
    let (title, publish_at, shown) = split(view, lang);
    let path = format!("/contests/{contest_id}/leaderboard");
    render(&LeaderboardPage {
        ctx: PageContext::new(&state, lang, session.as_ref(), &path),
        leaderboard_js: state.assets.url("leaderboard.js"),
        contest_id,
        title,
        publish_at,
        shown,
    })
}

/// `GET /contests/{contest_id}/leaderboard.json`: what the leaderboard page refreshes itself with. Not found while
/// the visitor may not see the leaderboard.
pub(crate) async fn leaderboard_json(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(contest_id): Path<i64>,
) -> Result<Response, ApiError> {
    let actor = session.as_ref().map(|s| s.actor());
    let view = results::leaderboard(&state.ctx, actor.as_ref(), ContestId(contest_id), true).await?;
    let ResultsView::Shown(standings) = view else { return Err(ApiError(hocvuso_app::AppError::NotFound)) };
    let top: Vec<serde_json::Value> = standings
        .rows
        .iter()
        .map(|r| serde_json::json!({ "place": r.place, "name": r.full_name, "unit": r.unit, "score": r.score }))
        .collect();
    let units: Vec<serde_json::Value> = units(&standings.units, lang)
        .into_iter()
        .map(|u| {
            serde_json::json!({
                "place": u.place, "unit": u.unit, "participants": u.participants, "average": u.average, "best": u.best,
            })
        })
        .collect();
    let mut response =
        axum::Json(serde_json::json!({ "n_entrants": standings.n_entrants, "top": top, "units": units }))
            .into_response();
    response.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /contests/{contest_id}/results.xlsx`: every entrant in rank order and the units (staff only, audited).
pub(crate) async fn export_results(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(contest_id): Path<i64>,
) -> Result<Response, WebError> {
    let download = results::export_results(&state.ctx, &session.actor(), ContestId(contest_id)).await?;
    Ok(attachment(
        download.bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &download.file_name,
    ))
}

#[derive(Deserialize)]
pub(crate) struct PrizesForm {
    #[serde(default)]
    first: String,
    #[serde(default)]
    second: String,
    #[serde(default)]
    third: String,
    #[serde(default)]
    consolation: String,
}

impl PrizesForm {
    /// The numbers typed; empty is 0, anything else that is not a number refuses the form.
    fn prizes(&self) -> Result<Prizes, hocvuso_app::AppError> {
        let number = |text: &str| match text.trim() {
            "" => Ok(0),
            digits => {
                digits.parse::<u32>().map_err(|_| hocvuso_app::AppError::invalid("prizes", "contest_prizes_invalid"))
            }
        };
        Ok(Prizes {
            first: number(&self.first)?,
            second: number(&self.second)?,
            third: number(&self.third)?,
            consolation: number(&self.consolation)?,
        })
    }
}

/// `POST /contests/{contest_id}/certificates`: issues certificates to the winners of a closed contest.
pub(crate) async fn issue_certificates(
    State(state): State<AppState>,
    Path(contest_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<PrizesForm>,
) -> Result<Response, WebError> {
    let prizes = form.prizes()?;
    let issued = results::issue_certificates(&state.ctx, &session.actor(), ContestId(contest_id), prizes).await?;
    Ok(Redirect::to(&format!("/contests/{contest_id}/results?issued={issued}#certificates")).into_response())
}

/// The verification page's address on the site as the browser reached it (see `guides::site_origin`).
fn verify_base(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    format!("{}/certificates/", crate::pages::guides::site_origin(headers, state.settings.secure_cookies))
}

/// `GET /contests/{contest_id}/certificates.pdf`: every issued certificate, one A4 landscape page each (staff only).
pub(crate) async fn certificates_pdf(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    SignedIn(session): SignedIn,
    Path(contest_id): Path<i64>,
) -> Result<Response, WebError> {
    let base = verify_base(&state, &headers);
    let download = results::certificates_pdf(&state.ctx, &session.actor(), ContestId(contest_id), None, &base).await?;
    Ok(attachment(download.bytes, "application/pdf", &download.file_name))
}

/// `GET /contests/{contest_id}/certificates/{certificate_id}.pdf`: one certificate (staff only).
pub(crate) async fn certificate_pdf(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    SignedIn(session): SignedIn,
    Path((contest_id, file)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let certificate_id = file
        .strip_suffix(".pdf")
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or(WebError(hocvuso_app::AppError::NotFound))?;
    let base = verify_base(&state, &headers);
    let only = Some(CertificateId(certificate_id));
    let download = results::certificates_pdf(&state.ctx, &session.actor(), ContestId(contest_id), only, &base).await?;
    Ok(attachment(download.bytes, "application/pdf", &download.file_name))
}

struct VerifiedView {
    name: String,
    unit: String,
    contest: String,
    organiser: String,
    award: &'static str,
    place: u32,
    issued_on: String,
    code: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "contest_certificate.html")]
struct CertificatePage {
    ctx: PageContext,
    found: Option<VerifiedView>,
}

/// `GET /certificates/{code}`: the public page a certificate's QR code opens: "Giấy chứng nhận hợp lệ" with the
/// winner, unit, contest, prize and date, or a clear "not found" page (404).
pub(crate) async fn verify_certificate(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let t = lang.texts();
    let found = results::verify_certificate(&state.ctx, &code).await?.map(
        |VerifiedCertificate { certificate, contest_title, organiser }| VerifiedView {
            name: certificate.full_name.as_str().to_owned(),
            unit: certificate.unit,
            contest: contest_title,
            organiser,
            award: award_name(certificate.award, t),
            place: certificate.place,
            issued_on: format_date_vn(vietnam_date(certificate.issued_at)),
            revoked: certificate.revoked.as_ref().map(|r| revoked_line(r, t)),
            code: certificate.code,
        },
    );
    let status = if found.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
    let path = format!("/certificates/{code}");
    let page = CertificatePage { ctx: PageContext::new(&state, lang, session.as_ref(), &path), found };
    render_with_status(status, &page)
}

// contests: certificate revocation

/// "Thu hồi ngày 01/12/2026. Lý do: …".
fn revoked_line(revocation: &hocvuso_domain::contests::results::Revocation, t: &Texts) -> String {
    t.certificate_revoked_line
        .replace("{date}", &format_date_vn(vietnam_date(revocation.at)))
        .replace("{reason}", &revocation.reason)
}

#[derive(Deserialize)]
pub(crate) struct RevokeForm {
    #[serde(default)]
    reason: String,
}

/// `POST /contests/{contest_id}/certificates/{certificate_id}/revoke` (`reason`, required): revokes a certificate.
pub(crate) async fn revoke_certificate(
    State(state): State<AppState>,
    Path((contest_id, certificate_id)): Path<(i64, i64)>,
    CsrfForm(session, form): CsrfForm<RevokeForm>,
) -> Result<Response, WebError> {
    let (contest, certificate) = (ContestId(contest_id), CertificateId(certificate_id));
    results::revoke_certificate(&state.ctx, &session.actor(), contest, certificate, &form.reason).await?;
    Ok(Redirect::to(&format!("/contests/{contest_id}/results#certificates")).into_response())
}
