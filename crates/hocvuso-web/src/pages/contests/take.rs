//! Taking part in a contest without an account: the public list, a contest's page, registration, the attempt
//! (one question per screen, or all on one page) and the result.
//!
//! The participant is the holder of the entry code, kept in an HttpOnly, SameSite=Lax cookie scoped to the
//! contest's path and shown once on screen to write down. Every page works without JavaScript: each question is
//! a form that saves the answer and moves on. `static/contest.js` sends each choice at once to the JSON API
//! instead, keeps it on the phone while offline, and runs the countdown from the server's remaining time.
//!
//! The forms carry no CSRF token: there is no session to ride on. The same-origin check refuses posts from other
//! sites, and the Lax cookie is not sent with them.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use hocvuso_app::AppError;
use hocvuso_app::contests::{self as app, AttemptReview, EntrantInput};
use hocvuso_domain::calendar::format_datetime_vn;
use hocvuso_domain::contests::setup::{CccdRule, Contest};
use hocvuso_domain::ids::{AttemptId, ContestId};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::api::contests::{TOO_MANY, attempt_of, contest_of, normalise_code};
use crate::error::{ErrorMarker, WebError};
use crate::extract::{MaybeSignedIn, PlainForm};
use crate::i18n::{Lang, Texts, error_message};
use crate::layout::PageContext;
use crate::pages::{render, render_with_status};

/// The routes of taking part.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/contests", get(list_contests))
        .route("/contests/{contest_id}", get(show_contest))
        .route("/contests/{contest_id}/register", get(register_form).post(register))
        .route("/contests/{contest_id}/resume", post(resume))
        .route("/contests/{contest_id}/start", post(start))
        .route("/contests/{contest_id}/attempts/{attempt_id}", get(show_attempt))
        .route("/contests/{contest_id}/attempts/{attempt_id}/answers/{position}", post(answer))
        .route("/contests/{contest_id}/attempts/{attempt_id}/submit", post(submit))
}

/// How long the phone keeps the entry code: past any contest's close, so results can be seen later.
const CODE_COOKIE_DAYS: i64 = 180;

fn cookie_name(state: &AppState) -> &'static str {
    // `__Host-` needs `Path=/`; the cookie is scoped to the contest, so the `__Secure-` prefix it is.
    if state.settings.secure_cookies { "__Secure-hv_entry" } else { "hv_entry" }
}

fn entry_cookie(state: &AppState, contest_id: ContestId, code: String) -> Cookie<'static> {
    Cookie::build((cookie_name(state), code))
        .path(format!("/contests/{}", contest_id.0))
        .http_only(true)
        .secure(state.settings.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(CODE_COOKIE_DAYS))
        .build()
}

fn code_in(state: &AppState, jar: &CookieJar) -> Option<String> {
    jar.get(cookie_name(state))
        .map(|c| normalise_code(c.value()))
        .filter(|code| !code.is_empty() && code.chars().count() <= 64)
}

/// Why a participant's page ends before or in the use case.
pub(crate) enum Stop {
    /// The use case's refusal: an error page.
    App(AppError),
    /// Over the rate limit.
    TooMany,
    /// No entry code on this phone: back to the contest's page, where it can be typed.
    NoCode(ContestId),
}

impl From<AppError> for Stop {
    fn from(err: AppError) -> Self {
        Stop::App(err)
    }
}

impl From<WebError> for Stop {
    fn from(err: WebError) -> Self {
        Stop::App(err.0)
    }
}

impl IntoResponse for Stop {
    fn into_response(self) -> Response {
        match self {
            Stop::App(err) => WebError(err).into_response(),
            Stop::TooMany => {
                let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
                response.extensions_mut().insert(ErrorMarker { code: TOO_MANY, fields: Vec::new() });
                response
            }
            Stop::NoCode(contest_id) => Redirect::to(&format!("/contests/{}", contest_id.0)).into_response(),
        }
    }
}

/// The contest and the participant's code from the cookie, once the rate limit let the request through.
fn participant(state: &AppState, contest: &str, jar: &CookieJar) -> Result<(ContestId, String), Stop> {
    let contest_id = contest_of(contest)?;
    let code = code_in(state, jar).ok_or(Stop::NoCode(contest_id))?;
    if !state.contest_limits.participant(contest_id, &code, state.ctx.clock.now()) {
        return Err(Stop::TooMany);
    }
    Ok((contest_id, code))
}

fn attempt_url(contest_id: ContestId, attempt_id: AttemptId) -> String {
    format!("/contests/{}/attempts/{}", contest_id.0, attempt_id.0)
}

/// Where a contest stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Coming,
    Open,
    Closed,
}

fn phase(contest: &Contest, now: OffsetDateTime) -> Phase {
    if now < contest.settings.opens_at {
        Phase::Coming
    } else if now < contest.settings.closes_at {
        Phase::Open
    } else {
        Phase::Closed
    }
}

/// What the pages show of a contest.
struct ContestFacts {
    id: i64,
    title: String,
    organiser: String,
    opens: String,
    closes: String,
    minutes: String,
    questions: usize,
    attempts_allowed: u32,
    rules: Vec<String>,
    status: &'static str,
    is_open: bool,
    is_closed: bool,
}

impl ContestFacts {
    fn new(contest: &Contest, t: &Texts, now: OffsetDateTime) -> ContestFacts {
        let s = &contest.settings;
        let phase = phase(contest, now);
        ContestFacts {
            id: contest.id.0,
            title: s.title.clone(),
            organiser: s.organiser.clone(),
            opens: format_datetime_vn(s.opens_at),
            closes: format_datetime_vn(s.closes_at),
            minutes: t.take_minutes.replace("{n}", &s.time_limit.whole_minutes().to_string()),
            questions: s.plan.total,
            attempts_allowed: s.attempts_allowed,
            rules: s.rules.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect(),
            status: match phase {
                Phase::Coming => t.take_coming,
                Phase::Open => t.take_open_now,
                Phase::Closed => t.take_closed,
            },
            is_open: phase == Phase::Open,
            is_closed: phase == Phase::Closed,
        }
    }
}

/// A contest of the list.
struct ListedView {
    facts: ContestFacts,
    commune: String,
}

#[derive(Template)]
#[template(path = "contest_take_list.html")]
struct ListPage {
    ctx: PageContext,
    contests: Vec<ListedView>,
}

/// `GET /contests`: the contests of the served communes, open and recent.
pub(crate) async fn list_contests(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, WebError> {
    let now = state.ctx.clock.now();
    let t = lang.texts();
    let contests = app::public_contests(&state.ctx)
        .await?
        .into_iter()
        .map(|l| ListedView { facts: ContestFacts::new(&l.contest, t, now), commune: l.commune_name })
        .collect();
    render(&ListPage { ctx: PageContext::new(&state, lang, session.as_ref(), "/contests"), contests })
}

#[derive(Template)]
#[template(path = "contest_take_show.html")]
struct ShowPage {
    ctx: PageContext,
    c: ContestFacts,
    registered: bool,
    running: bool,
    can_start: bool,
    can_register: bool,
    attempts_left: String,
    opens_note: String,
    finished: Vec<(String, String)>,
    code_error: Option<&'static str>,
}

async fn show_page(
    state: &AppState,
    lang: Lang,
    session: Option<&hocvuso_app::accounts::Session>,
    contest_id: ContestId,
    code: Option<&str>,
    code_error: Option<&'static str>,
) -> Result<ShowPage, Stop> {
    let now = state.ctx.clock.now();
    let t = lang.texts();
    let contest = app::contest(&state.ctx, contest_id).await?;
    let standing = match code {
        Some(code) => match app::participation(&state.ctx, contest_id, code).await {
            Ok(standing) => Some(standing),
            // A code of another deployment, or a stale cookie: as if there were none.
            Err(AppError::NotFound) => None,
            Err(err) => return Err(err.into()),
        },
        None => None,
    };
    let phase = phase(&contest, now);
    let path = format!("/contests/{}", contest_id.0);
    Ok(ShowPage {
        ctx: PageContext::new(state, lang, session, &path),
        registered: standing.is_some(),
        running: standing.as_ref().is_some_and(|s| s.running.is_some()),
        can_start: phase == Phase::Open
            && standing.as_ref().is_some_and(|s| s.running.is_none() && s.attempts_left > 0),
        can_register: phase != Phase::Closed && standing.is_none(),
        attempts_left: standing
            .as_ref()
            .map(|s| t.take_attempts_left.replace("{n}", &s.attempts_left.to_string()))
            .unwrap_or_default(),
        opens_note: if phase == Phase::Coming {
            t.take_opens_at.replace("{at}", &format_datetime_vn(contest.settings.opens_at))
        } else {
            String::new()
        },
        finished: standing
            .iter()
            .flat_map(|s| s.attempts.iter())
            .filter(|a| a.submitted_at.is_some())
            .map(|a| (attempt_url(contest_id, a.attempt_id), t.take_see_attempt.replace("{n}", &a.number.to_string())))
            .collect(),
        c: ContestFacts::new(&contest, t, now),
        code_error: code_error.map(|code| error_message(code, lang)),
    })
}

/// `GET /contests/{id}`: the rules and what the visitor can do (register, start, continue, see a result).
pub(crate) async fn show_contest(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(contest_id): Path<String>,
) -> Result<Response, Stop> {
    let contest_id = contest_of(&contest_id)?;
    let code = code_in(&state, &jar);
    if let Some(code) = &code
        && !state.contest_limits.participant(contest_id, code, state.ctx.clock.now())
    {
        return Err(Stop::TooMany);
    }
    let page = show_page(&state, lang, session.as_ref(), contest_id, code.as_deref(), None).await?;
    Ok(render(&page)?)
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /contests/{id}/resume`: the entry code typed on another phone; kept in this phone's cookie.
pub(crate) async fn resume(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(contest_id): Path<String>,
    PlainForm(form): PlainForm<CodeForm>,
) -> Result<Response, Stop> {
    let contest_id = contest_of(&contest_id)?;
    let code = normalise_code(&form.code);
    if !code.is_empty() && !state.contest_limits.participant(contest_id, &code, state.ctx.clock.now()) {
        return Err(Stop::TooMany);
    }
    let known = !code.is_empty()
        && code.chars().count() <= 64
        && match app::participation(&state.ctx, contest_id, &code).await {
            Ok(_) => true,
            Err(AppError::NotFound) => false,
            Err(err) => return Err(err.into()),
        };
    if !known {
        let page = show_page(&state, lang, session.as_ref(), contest_id, None, Some("contest_code_unknown")).await?;
        return Ok(render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?);
    }
    let jar = jar.add(entry_cookie(&state, contest_id, code));
    Ok((jar, Redirect::to(&format!("/contests/{}", contest_id.0))).into_response())
}

/// What was typed in the registration form.
#[derive(Default, Deserialize)]
pub(crate) struct RegisterForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    birth_year: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    cccd: String,
    #[serde(default)]
    unit: String,
}

/// A message next to each refused field.
#[derive(Default)]
struct FieldErrors {
    full_name: Option<&'static str>,
    birth_year: Option<&'static str>,
    phone: Option<&'static str>,
    cccd: Option<&'static str>,
    unit: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "contest_take_register.html")]
struct RegisterPage {
    ctx: PageContext,
    c: ContestFacts,
    units: Vec<String>,
    ask_cccd: bool,
    cccd_required: bool,
    form: RegisterForm,
    errors: FieldErrors,
    top_error: Option<&'static str>,
    show_resume: bool,
}

fn register_page(
    state: &AppState,
    lang: Lang,
    session: Option<&hocvuso_app::accounts::Session>,
    contest: &Contest,
    form: RegisterForm,
) -> RegisterPage {
    let t = lang.texts();
    let path = format!("/contests/{}/register", contest.id.0);
    RegisterPage {
        ctx: PageContext::new(state, lang, session, &path),
        c: ContestFacts::new(contest, t, state.ctx.clock.now()),
        units: contest.settings.units.clone(),
        ask_cccd: contest.settings.cccd != CccdRule::NotAsked,
        cccd_required: contest.settings.cccd == CccdRule::Required,
        form,
        errors: FieldErrors::default(),
        top_error: None,
        show_resume: false,
    }
}

/// `GET /contests/{id}/register`
pub(crate) async fn register_form(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(contest_id): Path<String>,
) -> Result<Response, Stop> {
    let contest = app::contest(&state.ctx, contest_of(&contest_id)?).await?;
    if phase(&contest, state.ctx.clock.now()) == Phase::Closed {
        // contests: after the close, the contest's page says it ended and links to the results.
        return Ok(Redirect::to(&format!("/contests/{}", contest.id.0)).into_response());
    }
    Ok(render(&register_page(&state, lang, session.as_ref(), &contest, RegisterForm::default()))?)
}

#[derive(Template)]
#[template(path = "contest_take_code.html")]
struct CodePage {
    ctx: PageContext,
    c: ContestFacts,
    code: String,
}

/// `POST /contests/{id}/register`: on success the entry code, large, and the cookie; on a refusal the form
/// again with a message next to each field, nothing stored.
pub(crate) async fn register(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(contest_id): Path<String>,
    PlainForm(form): PlainForm<RegisterForm>,
) -> Result<Response, Stop> {
    let contest = app::contest(&state.ctx, contest_of(&contest_id)?).await?;
    if !state.contest_limits.registration(contest.id, &form.phone, state.ctx.clock.now()) {
        return Err(Stop::TooMany);
    }
    let input = EntrantInput {
        full_name: form.full_name.clone(),
        birth_year: form.birth_year.clone(),
        phone: form.phone.clone(),
        cccd: form.cccd.clone(),
        unit: form.unit.clone(),
    };
    let refusal = match app::register(&state.ctx, contest.id, &input).await {
        Ok(registration) => {
            let page = CodePage {
                ctx: PageContext::new(&state, lang, session.as_ref(), &format!("/contests/{}", contest.id.0)),
                c: ContestFacts::new(&contest, lang.texts(), state.ctx.clock.now()),
                code: registration.code.clone(),
            };
            let jar = jar.add(entry_cookie(&state, contest.id, registration.code));
            let mut response = render(&page).map_err(Stop::from)?;
            // The code is shown once: no copy in any cache.
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return Ok((jar, response).into_response());
        }
        Err(err) => err,
    };
    let mut page = register_page(&state, lang, session.as_ref(), &contest, form);
    let status = match refusal {
        AppError::Invalid(rejections) => {
            for r in rejections {
                let message = Some(error_message(r.code, lang));
                match r.field {
                    "full_name" => page.errors.full_name = message,
                    "birth_year" => page.errors.birth_year = message,
                    "phone" => page.errors.phone = message,
                    "cccd" => page.errors.cccd = message,
                    _ => page.errors.unit = message,
                }
            }
            page.top_error = Some(lang.texts().form_has_errors);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Conflict(code) => {
            page.top_error = Some(error_message(code, lang));
            page.show_resume = code == "contest_already_registered";
            StatusCode::CONFLICT
        }
        other => return Err(other.into()),
    };
    Ok(render_with_status(status, &page)?)
}

/// `POST /contests/{id}/start`: starts an attempt or resumes the one running, then shows it.
pub(crate) async fn start(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(contest_id): Path<String>,
) -> Result<Response, Stop> {
    let (contest_id, code) = participant(&state, &contest_id, &jar)?;
    let view = app::start_attempt(&state.ctx, contest_id, &code).await?;
    Ok(Redirect::to(&attempt_url(contest_id, view.attempt_id)).into_response())
}

#[derive(Deserialize)]
pub(crate) struct AttemptQuery {
    /// The question shown, from 0.
    q: Option<usize>,
    /// Any value: every question on one page.
    all: Option<String>,
}

/// One option of a question on the page.
struct OptionView {
    index: usize,
    text: String,
    checked: bool,
}

/// One question on the page.
struct QuestionView {
    position: usize,
    label: String,
    text: String,
    picture: Option<super::edit::PictureView>,
    several: bool,
    options: Vec<OptionView>,
    answered: bool,
    hidden: bool,
    is_last: bool,
}

#[derive(Template)]
#[template(path = "contest_take_attempt.html")]
struct AttemptPage {
    ctx: PageContext,
    contest_id: i64,
    attempt_id: i64,
    title: String,
    questions: Vec<QuestionView>,
    all: bool,
    next_seq: i64,
    last_seq: i64,
    remaining_seconds: i64,
    remaining: String,
    ends_line: String,
    answered_line: String,
    answered_template: String,
    prediction_question: Option<String>,
    code: String,
    script_url: String,
}

/// `12:05`, or `1:02:03` past an hour.
fn clock_text(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m:02}:{s:02}") }
}

/// One of the result page's questions.
struct ReviewView {
    label: String,
    text: String,
    picture: Option<super::edit::PictureView>,
    options: Vec<(String, bool, bool)>,
    answered: bool,
    is_right: bool,
    explanation: String,
}

#[derive(Template)]
#[template(path = "contest_take_result.html")]
struct ResultPage {
    ctx: PageContext,
    contest_id: i64,
    title: String,
    submitted_line: String,
    score_line: Option<String>,
    later_line: Option<String>,
    review: Vec<ReviewView>,
}

fn result_page(ctx: PageContext, contest: &Contest, review: AttemptReview) -> ResultPage {
    let t = ctx.t;
    let view = review.view;
    let n = view.questions.len();
    ResultPage {
        contest_id: contest.id.0,
        title: contest.settings.title.clone(),
        submitted_line: t
            .take_submitted_at
            .replace("{at}", &view.submitted_at.map(format_datetime_vn).unwrap_or_default()),
        score_line: view
            .score
            .map(|score| t.take_score.replace("{score}", &score.to_string()).replace("{n}", &n.to_string())),
        later_line: view
            .score
            .is_none()
            .then(|| t.take_results_later.replace("{at}", &format_datetime_vn(contest.settings.closes_at))),
        review: view
            .questions
            .into_iter()
            .zip(review.key)
            .enumerate()
            .map(|(i, (q, key))| ReviewView {
                label: t.take_question_of.replace("{i}", &(i + 1).to_string()).replace("{n}", &n.to_string()),
                answered: !q.chosen.is_empty(),
                picture: q.picture.as_ref().map(|p| super::edit::PictureView::of(p, t)),
                options: q
                    .options
                    .into_iter()
                    .enumerate()
                    .map(|(k, text)| (text, q.chosen.contains(&k), key.right.contains(&k)))
                    .collect(),
                text: q.text,
                is_right: key.is_right,
                explanation: key.explanation,
            })
            .collect(),
        ctx,
    }
}

/// `GET /contests/{id}/attempts/{attempt_id}?q=N` (or `?all=1`): the attempt while it runs, its result after.
pub(crate) async fn show_attempt(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    MaybeSignedIn(session): MaybeSignedIn,
    Path((contest_id, attempt_id)): Path<(String, String)>,
    Query(query): Query<AttemptQuery>,
) -> Result<Response, Stop> {
    let (contest_id, code) = participant(&state, &contest_id, &jar)?;
    let attempt_id = attempt_of(&attempt_id)?;
    let contest = app::contest(&state.ctx, contest_id).await?;
    let review = app::review(&state.ctx, contest_id, &code, attempt_id).await?;
    let ctx = PageContext::new(&state, lang, session.as_ref(), &attempt_url(contest_id, attempt_id));
    if review.view.submitted_at.is_some() {
        return Ok(render(&result_page(ctx, &contest, review))?);
    }
    let t = ctx.t;
    let view = review.view;
    let n = view.questions.len();
    let all = query.all.is_some();
    let current = query.q.unwrap_or(0).min(n.saturating_sub(1));
    let answered = view.questions.iter().filter(|q| !q.chosen.is_empty()).count();
    let answered_template = t.take_answered.replace("{n}", &n.to_string());
    let remaining_seconds = view.remaining.whole_seconds();
    let page = AttemptPage {
        contest_id: contest_id.0,
        attempt_id: attempt_id.0,
        title: contest.settings.title.clone(),
        questions: view
            .questions
            .into_iter()
            .enumerate()
            .map(|(position, q)| QuestionView {
                position,
                label: t.take_question_of.replace("{i}", &(position + 1).to_string()).replace("{n}", &n.to_string()),
                several: q.several,
                answered: !q.chosen.is_empty(),
                picture: q.picture.as_ref().map(|p| super::edit::PictureView::of(p, t)),
                options: q
                    .options
                    .into_iter()
                    .enumerate()
                    .map(|(index, text)| OptionView { index, text, checked: q.chosen.contains(&index) })
                    .collect(),
                text: q.text,
                hidden: !all && position != current,
                is_last: position + 1 == n,
            })
            .collect(),
        all,
        next_seq: view.last_seq + 1,
        last_seq: view.last_seq,
        remaining_seconds,
        remaining: clock_text(remaining_seconds),
        ends_line: t.take_ends_at.replace("{at}", &format_datetime_vn(view.ends_at)),
        answered_line: answered_template.replace("{k}", &answered.to_string()),
        answered_template,
        prediction_question: view.prediction_question,
        code,
        script_url: state.assets.url("contest.js"),
        ctx,
    };
    let mut response = render(&page).map_err(Stop::from)?;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
pub(crate) struct AnswerForm {
    #[serde(default)]
    chosen: Vec<usize>,
    #[serde(default)]
    seq: i64,
    #[serde(default)]
    go: String,
    #[serde(default)]
    all: String,
}

/// `POST /contests/{id}/attempts/{attempt_id}/answers/{position}` (the page without JavaScript): saves the
/// answer and shows the next question (or the previous one, or the same place of the whole list).
pub(crate) async fn answer(
    State(state): State<AppState>,
    jar: CookieJar,
    Path((contest_id, attempt_id, position)): Path<(String, String, String)>,
    PlainForm(form): PlainForm<AnswerForm>,
) -> Result<Response, Stop> {
    let (contest_id, code) = participant(&state, &contest_id, &jar)?;
    let attempt_id = attempt_of(&attempt_id)?;
    let position: usize = position.parse().map_err(|_| AppError::invalid("position", "contest_answer_position"))?;
    let url = attempt_url(contest_id, attempt_id);
    match app::answer(&state.ctx, contest_id, &code, attempt_id, position, &form.chosen, form.seq).await {
        Ok(_) => {}
        // Time is up or the attempt was submitted elsewhere: its page now shows the result.
        Err(AppError::Conflict("contest_attempt_over" | "contest_attempt_submitted")) => {
            return Ok(Redirect::to(&url).into_response());
        }
        Err(err) => return Err(err.into()),
    }
    let target = if !form.all.is_empty() {
        format!("{url}?all=1#q{position}")
    } else if form.go == "prev" {
        format!("{url}?q={}", position.saturating_sub(1))
    } else {
        format!("{url}?q={}", position + 1)
    };
    Ok(Redirect::to(&target).into_response())
}

#[derive(Deserialize)]
pub(crate) struct SubmitForm {
    #[serde(default)]
    prediction: String,
}

/// `POST /contests/{id}/attempts/{attempt_id}/submit`: submits (with the prediction when asked), then shows the
/// result page. Past the end and the grace the attempt was closed as it stood: the result page shows that too.
pub(crate) async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    Path((contest_id, attempt_id)): Path<(String, String)>,
    PlainForm(form): PlainForm<SubmitForm>,
) -> Result<Response, Stop> {
    let (contest_id, code) = participant(&state, &contest_id, &jar)?;
    let attempt_id = attempt_of(&attempt_id)?;
    // "1.234", "1 234" and "1234" are the same guess; anything else is no guess.
    let digits: String = form.prediction.chars().filter(|c| !matches!(c, ' ' | '.' | ',')).collect();
    let prediction = digits.parse::<u64>().ok();
    match app::submit(&state.ctx, contest_id, &code, attempt_id, prediction).await {
        Ok(_) | Err(AppError::Conflict("contest_attempt_over")) => {
            Ok(Redirect::to(&attempt_url(contest_id, attempt_id)).into_response())
        }
        Err(err) => Err(err.into()),
    }
}
