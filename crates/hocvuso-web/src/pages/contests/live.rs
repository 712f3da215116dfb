//! Live mode's pages (`docs/decisions/0015-live-mode.md`): staff set a game up and run it on the hall's screen
//! (`/live/{id}/host`); people join at `/live` with the game's code and a nickname and answer on their phones
//! (`/live/{id}/play`).
//!
//! Every button is a form, so the game runs without JavaScript (a reload shows the new state). `static/live.js`
//! polls the small JSON state (`host.json`, `state.json`) every 1.5 s, reloads the page when the game's version
//! changed and counts the seconds down from the server's remaining time in between.
//!
//! A player is the holder of a random token kept in an HttpOnly, SameSite=Lax cookie scoped to the game's path;
//! only its SHA-256 is stored. Their requests are rate-limited per token, like contest participants'.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use hocvuso_app::AppError;
use hocvuso_app::accounts::Session;
use hocvuso_app::contests::live::{self as app, Board, HostAction, LiveBoards, LiveGameForm, Ranked};
use hocvuso_domain::calendar::format_datetime_vn;
use hocvuso_domain::contests::live::{DEFAULT_SECONDS, LiveGameId, LivePhase};
use hocvuso_domain::contests::questions::option_letter;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::api::contests::{Buckets, TOO_MANY};
use crate::error::{ErrorMarker, WebError};
use crate::extract::{CsrfForm, MaybeSignedIn, PlainForm, SignedIn};
use crate::i18n::{Lang, Texts, error_message};
use crate::layout::PageContext;
use crate::pages::guides::site_origin;
use crate::pages::{render, render_with_status};

/// The routes of live mode.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/live/new", get(new_game_form).post(create_game))
        .route("/live/{game_id}/host", get(show_host).post(host_action))
        .route("/live/{game_id}/host.json", get(host_state))
        .route("/live", get(code_form).post(enter_code))
        .route("/live/{game_id}/join", get(join_form).post(join))
        .route("/live/{game_id}/play", get(show_play))
        .route("/live/{game_id}/state.json", get(play_state))
        .route("/live/{game_id}/answer", axum::routing::post(answer))
}

/// A player's requests: the same budget as a contest participant's (5 a second on average, bursts of 30). A phone
/// polls every 1.5 s and answers once a question.
const PLAYER_PER_SECOND: f64 = 5.0;
const PLAYER_BURST: f64 = 30.0;

/// How long the phone keeps its player token: a game is played within a day.
const TOKEN_COOKIE_HOURS: i64 = 24;

/// Joins of one game: 20 a second on average, bursts of 300. A hall fills in a minute or two (a few people a
/// second, everyone at once when the code appears); a script adding fake players is slowed to 20 a second, and the
/// host sees the count. Per game, not per address: a hall shares one network.
const JOINS_PER_SECOND: f64 = 20.0;
const JOINS_BURST: f64 = 300.0;

/// Live mode's state in the web layer: the games' boards and the rate limits of players and of joins.
pub(crate) struct LiveState {
    pub(crate) boards: LiveBoards,
    players: Buckets,
    joins: Buckets,
}

impl Default for LiveState {
    fn default() -> Self {
        LiveState {
            boards: LiveBoards::default(),
            players: Buckets::new(PLAYER_PER_SECOND, PLAYER_BURST),
            joins: Buckets::new(JOINS_PER_SECOND, JOINS_BURST),
        }
    }
}

impl LiveState {
    /// Whether one more phone may join `game_id` now.
    fn allow_join(&self, game_id: LiveGameId, now: time::OffsetDateTime) -> bool {
        let mut key = [0u8; 16];
        key[..8].copy_from_slice(&game_id.0.to_be_bytes());
        self.joins.take(key, now)
    }

    /// Whether the holder of `token` may make one more request now.
    fn allow(&self, game_id: LiveGameId, token: &str, now: time::OffsetDateTime) -> bool {
        let mut hasher = Sha256::new();
        hasher.update(b"live");
        hasher.update(game_id.0.to_be_bytes());
        hasher.update(token.as_bytes());
        let mut key = [0u8; 16];
        key.copy_from_slice(&hasher.finalize()[..16]);
        self.players.take(key, now)
    }
}

fn game_of(text: &str) -> Result<LiveGameId, AppError> {
    text.parse().map(LiveGameId).map_err(|_| AppError::NotFound)
}

fn cookie_name(state: &AppState) -> &'static str {
    if state.settings.secure_cookies { "__Secure-hv_live" } else { "hv_live" }
}

fn token_cookie(state: &AppState, game_id: LiveGameId, token: String) -> Cookie<'static> {
    Cookie::build((cookie_name(state), token))
        .path(format!("/live/{}", game_id.0))
        .http_only(true)
        .secure(state.settings.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::hours(TOKEN_COOKIE_HOURS))
        .build()
}

fn token_in(state: &AppState, jar: &CookieJar) -> Option<String> {
    jar.get(cookie_name(state))
        .map(|c| c.value().trim().to_owned())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn too_many() -> Response {
    let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response.extensions_mut().insert(ErrorMarker { code: TOO_MANY, fields: Vec::new() });
    response
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn phase_name(phase: LivePhase, t: &Texts) -> &'static str {
    match phase {
        LivePhase::Lobby => t.live_phase_lobby,
        LivePhase::Open => t.live_phase_open,
        LivePhase::Closed => t.live_phase_closed,
        LivePhase::Ended => t.live_phase_ended,
    }
}

// ---- staff: set-up -------------------------------------------------------------------------------------------

struct TopicOption {
    value: String,
    label: String,
    selected: bool,
}

struct GameRow {
    id: i64,
    code: String,
    created: String,
    phase: &'static str,
    n_questions: usize,
}

#[derive(Template)]
#[template(path = "live_new.html")]
struct NewGamePage {
    ctx: PageContext,
    topics: Vec<TopicOption>,
    count: String,
    seconds: String,
    errors: Vec<&'static str>,
    games: Vec<GameRow>,
}

#[derive(Default, Deserialize)]
pub(crate) struct NewGameForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    seconds: String,
}

async fn new_game_page(
    state: &AppState,
    lang: Lang,
    session: &Session,
    form: NewGameForm,
    errors: Vec<&'static str>,
) -> Result<NewGamePage, WebError> {
    let actor = session.actor();
    let commune_id = actor.commune_id.ok_or(WebError(AppError::NotFound))?;
    let t = lang.texts();
    let topics = app::live_topics(&state.ctx, &actor, commune_id).await?;
    let games = app::commune_games(&state.ctx, &actor, commune_id).await?;
    let n_all: usize = topics.iter().map(|topic| topic.n).sum();
    let mut options = vec![TopicOption {
        value: String::new(),
        label: t.live_topic_count.replace("{topic}", t.live_all_topics).replace("{n}", &n_all.to_string()),
        selected: form.topic.is_empty(),
    }];
    options.extend(topics.into_iter().filter(|topic| !topic.topic.is_empty()).map(|topic| TopicOption {
        label: t.live_topic_count.replace("{topic}", &topic.topic).replace("{n}", &topic.n.to_string()),
        selected: form.topic == topic.topic,
        value: topic.topic,
    }));
    Ok(NewGamePage {
        ctx: PageContext::new(state, lang, Some(session), "/contests/manage"),
        topics: options,
        count: form.count,
        seconds: if form.seconds.is_empty() { DEFAULT_SECONDS.to_string() } else { form.seconds },
        errors,
        games: games
            .into_iter()
            .map(|g| GameRow {
                id: g.id.0,
                code: g.join_code,
                created: format_datetime_vn(g.created_at),
                phase: phase_name(g.phase, t),
                n_questions: g.n_questions,
            })
            .collect(),
    })
}

/// `GET /live/new`: the set-up form of a live game and the commune's latest games.
pub(crate) async fn new_game_form(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    render(&new_game_page(&state, lang, &session, NewGameForm::default(), Vec::new()).await?)
}

/// `POST /live/new`: creates the game and opens its host screen; a refusal shows the form again.
pub(crate) async fn create_game(
    State(state): State<AppState>,
    lang: Lang,
    CsrfForm(session, form): CsrfForm<NewGameForm>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let commune_id = actor.commune_id.ok_or(WebError(AppError::NotFound))?;
    let input = LiveGameForm { topic: form.topic.clone(), count: form.count.clone(), seconds: form.seconds.clone() };
    match app::create_game(&state.ctx, &actor, commune_id, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/live/{}/host", id.0)).into_response()),
        Err(AppError::Invalid(rejections)) => {
            let errors = rejections.iter().map(|r| error_message(r.code, lang)).collect();
            let page = new_game_page(&state, lang, &session, form, errors).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(err) => Err(err.into()),
    }
}

// ---- the screens' common parts -------------------------------------------------------------------------------

struct OptionLine {
    index: usize,
    letter: char,
    text: String,
    is_right: bool,
    count: usize,
}

struct RankLine {
    place: u32,
    nickname: String,
    score: u64,
}

fn rank_lines(rows: &[Ranked]) -> Vec<RankLine> {
    rows.iter().map(|r| RankLine { place: r.place, nickname: r.nickname.clone(), score: r.score }).collect()
}

/// What both screens show of the board.
struct Shown {
    game_id: i64,
    version: i64,
    phase: &'static str,
    is_lobby: bool,
    is_open: bool,
    is_closed: bool,
    is_ended: bool,
    is_last: bool,
    label: String,
    question: String,
    options: Vec<OptionLine>,
    explanation: String,
    remaining_ms: i64,
    remaining_s: i64,
    position: usize,
}

fn shown(board: &Board, t: &Texts, now: time::OffsetDateTime) -> Shown {
    let game = &board.game;
    let remaining_ms = i64::try_from(game.remaining(now).whole_milliseconds()).unwrap_or(0);
    let position = game.position.unwrap_or(0);
    let options = board
        .question
        .as_ref()
        .map(|q| {
            q.options
                .iter()
                .enumerate()
                .map(|(index, text)| OptionLine {
                    index,
                    letter: option_letter(index),
                    text: text.clone(),
                    is_right: board.reveal.as_ref().is_some_and(|r| r.right == index),
                    count: board.reveal.as_ref().and_then(|r| r.counts.get(index).copied()).unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default();
    Shown {
        game_id: game.id.0,
        version: game.version,
        phase: game.phase.as_str(),
        is_lobby: game.phase == LivePhase::Lobby,
        is_open: game.phase == LivePhase::Open,
        is_closed: game.phase == LivePhase::Closed,
        is_ended: game.phase == LivePhase::Ended,
        is_last: game.is_last(),
        label: t
            .live_question_of
            .replace("{i}", &(position + 1).to_string())
            .replace("{n}", &game.n_questions.to_string()),
        question: board.question.as_ref().map(|q| q.text.clone()).unwrap_or_default(),
        options,
        explanation: board.reveal.as_ref().map(|r| r.explanation.clone()).unwrap_or_default(),
        remaining_ms,
        remaining_s: (remaining_ms + 999) / 1000,
        position,
    }
}

// ---- the host's screen ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "live_host.html")]
struct HostPage {
    ctx: PageContext,
    s: Shown,
    code: String,
    join_url: String,
    join_page: String,
    qr_svg: String,
    n_players: i64,
    n_answered: i64,
    top: Vec<RankLine>,
    script_url: String,
    error: Option<&'static str>,
}

async fn host_page(
    state: &AppState,
    lang: Lang,
    session: &Session,
    headers: &HeaderMap,
    game_id: LiveGameId,
    error: Option<&'static str>,
) -> Result<HostPage, WebError> {
    let t = lang.texts();
    let view = app::host_view(&state.ctx, &state.live.boards, &session.actor(), game_id).await?;
    let board = &view.board;
    let code = board.game.join_code.clone();
    let origin = site_origin(headers, state.settings.secure_cookies);
    let join_url = format!("{origin}/live?code={code}");
    Ok(HostPage {
        ctx: PageContext::new(state, lang, Some(session), "/contests/manage"),
        s: shown(board, t, state.ctx.clock.now()),
        qr_svg: if board.game.phase == LivePhase::Lobby { app::join_qr_svg(&join_url) } else { String::new() },
        join_page: format!("{origin}/live"),
        join_url,
        code,
        n_players: view.n_players,
        n_answered: view.n_answered,
        top: rank_lines(board.top()),
        script_url: state.assets.url("live.js"),
        error,
    })
}

/// `GET /live/{id}/host`: the screen the hall sees (staff of the game's commune only).
pub(crate) async fn show_host(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Path(game_id): Path<String>,
) -> Result<Response, WebError> {
    let page = host_page(&state, lang, &session, &headers, game_of(&game_id)?, None).await?;
    Ok(no_store(render(&page)?))
}

#[derive(Deserialize)]
pub(crate) struct HostForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    version: i64,
}

/// `POST /live/{id}/host`: "Bắt đầu", "Câu tiếp theo", "Dừng" or "Kết thúc". A second press of a button
/// (the game moved on already) just shows the screen as it is now.
pub(crate) async fn host_action(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Path(game_id): Path<String>,
    CsrfForm(session, form): CsrfForm<HostForm>,
) -> Result<Response, WebError> {
    let game_id = game_of(&game_id)?;
    let action = match form.action.as_str() {
        "next" => HostAction::Next,
        "close" => HostAction::Close,
        "end" => HostAction::End,
        _ => return Err(AppError::invalid("action", "form_malformed").into()),
    };
    let url = format!("/live/{}/host", game_id.0);
    match app::host_action(&state.ctx, &state.live.boards, &session.actor(), game_id, action, form.version).await {
        Ok(()) | Err(AppError::Conflict("live_state_changed")) => Ok(Redirect::to(&url).into_response()),
        Err(AppError::Conflict(code)) => {
            let page = host_page(&state, lang, &session, &headers, game_id, Some(error_message(code, lang))).await?;
            render_with_status(StatusCode::CONFLICT, &page)
        }
        Err(err) => Err(err.into()),
    }
}

/// The state the host's screen polls.
#[derive(Serialize)]
struct HostState {
    v: i64,
    phase: &'static str,
    remaining_ms: i64,
    players: i64,
    answered: i64,
}

/// `GET /live/{id}/host.json`
pub(crate) async fn host_state(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(game_id): Path<String>,
) -> Result<Response, WebError> {
    let view = app::host_view(&state.ctx, &state.live.boards, &session.actor(), game_of(&game_id)?).await?;
    let game = &view.board.game;
    let body = HostState {
        v: game.version,
        phase: game.phase.as_str(),
        remaining_ms: i64::try_from(game.remaining(state.ctx.clock.now()).whole_milliseconds()).unwrap_or(0),
        players: view.n_players,
        answered: view.n_answered,
    };
    Ok(no_store(Json(body).into_response()))
}

// ---- joining -------------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "live_join.html")]
struct CodePage {
    ctx: PageContext,
    code: String,
    error: Option<&'static str>,
}

#[derive(Deserialize)]
pub(crate) struct CodeQuery {
    code: Option<String>,
}

async fn to_game(state: &AppState, code: &str) -> Result<Result<LiveGameId, &'static str>, WebError> {
    match app::game_by_code(&state.ctx, code).await {
        Ok(game) => Ok(Ok(game.id)),
        Err(AppError::Invalid(rejections)) => Ok(Err(rejections.first().map_or("live_code_unknown", |r| r.code))),
        Err(AppError::Conflict(code)) => Ok(Err(code)),
        Err(err) => Err(err.into()),
    }
}

fn code_page(
    state: &AppState,
    lang: Lang,
    session: Option<&Session>,
    code: String,
    error: Option<&'static str>,
) -> Result<Response, WebError> {
    let page = CodePage {
        ctx: PageContext::new(state, lang, session, "/live"),
        code,
        error: error.map(|e| error_message(e, lang)),
    };
    match error {
        Some("live_game_ended") => render_with_status(StatusCode::CONFLICT, &page),
        Some(_) => render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
        None => render(&page),
    }
}

/// `GET /live` (or `/live?code=…` from the QR code): the form to type the game's code.
pub(crate) async fn code_form(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Query(query): Query<CodeQuery>,
) -> Result<Response, WebError> {
    let Some(code) = query.code.filter(|c| !c.trim().is_empty()) else {
        return code_page(&state, lang, session.as_ref(), String::new(), None);
    };
    match to_game(&state, &code).await? {
        Ok(id) => Ok(Redirect::to(&format!("/live/{}/join", id.0)).into_response()),
        Err(error) => code_page(&state, lang, session.as_ref(), code, Some(error)),
    }
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /live`: the typed code; on to the nickname form, or the form again with what is wrong.
pub(crate) async fn enter_code(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    PlainForm(form): PlainForm<CodeForm>,
) -> Result<Response, WebError> {
    match to_game(&state, &form.code).await? {
        Ok(id) => Ok(Redirect::to(&format!("/live/{}/join", id.0)).into_response()),
        Err(error) => code_page(&state, lang, session.as_ref(), form.code, Some(error)),
    }
}

#[derive(Template)]
#[template(path = "live_nickname.html")]
struct NicknamePage {
    ctx: PageContext,
    game_id: i64,
    nickname: String,
    error: Option<&'static str>,
}

/// `GET /live/{id}/join`: the nickname form (a phone that already joined goes straight to its game).
pub(crate) async fn join_form(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(game_id): Path<String>,
) -> Result<Response, WebError> {
    let game_id = game_of(&game_id)?;
    if let Some(token) = token_in(&state, &jar) {
        match app::player_view(&state.ctx, &state.live.boards, game_id, &token).await {
            Ok(_) => return Ok(Redirect::to(&format!("/live/{}/play", game_id.0)).into_response()),
            Err(AppError::NotFound) => {}
            Err(err) => return Err(err.into()),
        }
    }
    let board = app::board(&state.ctx, &state.live.boards, game_id).await?;
    if board.game.phase == LivePhase::Ended {
        return Err(AppError::Conflict("live_game_ended").into());
    }
    let path = format!("/live/{}/join", game_id.0);
    let page = NicknamePage {
        ctx: PageContext::new(&state, lang, session.as_ref(), &path),
        game_id: game_id.0,
        nickname: String::new(),
        error: None,
    };
    render(&page)
}

#[derive(Deserialize)]
pub(crate) struct NicknameForm {
    #[serde(default)]
    nickname: String,
}

/// `POST /live/{id}/join`: joins with the nickname and keeps the token in this phone's cookie.
pub(crate) async fn join(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(game_id): Path<String>,
    PlainForm(form): PlainForm<NicknameForm>,
) -> Result<Response, WebError> {
    let game_id = game_of(&game_id)?;
    if !state.live.allow_join(game_id, state.ctx.clock.now()) {
        return Ok(too_many());
    }
    match app::join(&state.ctx, game_id, &form.nickname).await {
        Ok(token) => {
            let jar = jar.add(token_cookie(&state, game_id, token));
            Ok((jar, Redirect::to(&format!("/live/{}/play", game_id.0))).into_response())
        }
        Err(AppError::Invalid(rejections)) => {
            let code = rejections.first().map_or("live_nickname_empty", |r| r.code);
            let path = format!("/live/{}/join", game_id.0);
            let page = NicknamePage {
                ctx: PageContext::new(&state, lang, session.as_ref(), &path),
                game_id: game_id.0,
                nickname: form.nickname,
                error: Some(error_message(code, lang)),
            };
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(err) => Err(err.into()),
    }
}

// ---- the player's screen -------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "live_play.html")]
struct PlayPage {
    ctx: PageContext,
    s: Shown,
    hello: String,
    answered: bool,
    result_line: String,
    result_right: bool,
    right_line: String,
    standing_line: String,
    script_url: String,
    error: Option<&'static str>,
    error_code: &'static str,
}

async fn play_page(
    state: &AppState,
    lang: Lang,
    session: Option<&Session>,
    game_id: LiveGameId,
    token: &str,
    error: Option<&'static str>,
) -> Result<PlayPage, AppError> {
    let t = lang.texts();
    let view = app::player_view(&state.ctx, &state.live.boards, game_id, token).await?;
    let board = &view.board;
    let s = shown(board, t, state.ctx.clock.now());
    let (result_line, result_right) = match (&view.answer, board.game.phase) {
        (_, LivePhase::Lobby | LivePhase::Open) => (String::new(), false),
        (Some(a), _) if a.points > 0 => (t.live_right.replace("{points}", &a.points.to_string()), true),
        (Some(_), _) => (t.live_wrong.to_owned(), false),
        (None, _) => (if board.question.is_some() { t.live_no_answer.to_owned() } else { String::new() }, false),
    };
    let right_line = board
        .reveal
        .as_ref()
        .and_then(|r| {
            let text = board.question.as_ref()?.options.get(r.right)?;
            Some(format!("{}: {}. {text}", t.live_right_answer, option_letter(r.right)))
        })
        .unwrap_or_default();
    let standing_line = view
        .standing()
        .map(|r| {
            t.live_your_score
                .replace("{score}", &r.score.to_string())
                .replace("{place}", &r.place.to_string())
                .replace("{n}", &board.ranking.len().to_string())
        })
        .unwrap_or_default();
    let path = format!("/live/{}/play", game_id.0);
    Ok(PlayPage {
        ctx: PageContext::new(state, lang, session, &path),
        hello: t.live_hello.replace("{name}", &view.nickname),
        answered: view.answer.is_some(),
        result_line,
        result_right,
        right_line,
        standing_line,
        s,
        script_url: state.assets.url("live.js"),
        error: error.map(|code| error_message(code, lang)),
        error_code: error.unwrap_or(""),
    })
}

/// Why a player's request stops before the use case.
enum PlayerStop {
    /// No token on this phone: to the nickname form.
    Join(LiveGameId),
    /// Over the rate limit.
    TooMany,
}

impl IntoResponse for PlayerStop {
    fn into_response(self) -> Response {
        match self {
            PlayerStop::Join(game_id) => Redirect::to(&format!("/live/{}/join", game_id.0)).into_response(),
            PlayerStop::TooMany => too_many(),
        }
    }
}

/// The player's token, once the rate limit let the request through.
fn player_token(state: &AppState, jar: &CookieJar, game_id: LiveGameId) -> Result<String, PlayerStop> {
    let token = token_in(state, jar).ok_or(PlayerStop::Join(game_id))?;
    if !state.live.allow(game_id, &token, state.ctx.clock.now()) {
        return Err(PlayerStop::TooMany);
    }
    Ok(token)
}

/// `GET /live/{id}/play`: the player's phone: waiting, the question with its buttons, the result, the final place.
pub(crate) async fn show_play(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(game_id): Path<String>,
) -> Result<Response, WebError> {
    let game_id = game_of(&game_id)?;
    let token = match player_token(&state, &jar, game_id) {
        Ok(token) => token,
        Err(stop) => return Ok(stop.into_response()),
    };
    match play_page(&state, lang, session.as_ref(), game_id, &token, None).await {
        Ok(page) => Ok(no_store(render(&page)?)),
        // A token of another game or a purged one: join again.
        Err(AppError::NotFound) => Ok(Redirect::to(&format!("/live/{}/join", game_id.0)).into_response()),
        Err(err) => Err(err.into()),
    }
}

/// The state a phone polls: a few bytes.
#[derive(Serialize)]
struct PlayState {
    v: i64,
    phase: &'static str,
    remaining_ms: i64,
}

/// `GET /live/{id}/state.json`: the game's version, phase and time left (the same for every player, from memory).
pub(crate) async fn play_state(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(game_id): Path<String>,
) -> Result<Response, WebError> {
    let game_id = game_of(&game_id)?;
    if let Err(stop) = player_token(&state, &jar, game_id) {
        return Ok(stop.into_response());
    }
    let board = app::board(&state.ctx, &state.live.boards, game_id).await?;
    let game = &board.game;
    let body = PlayState {
        v: game.version,
        phase: game.phase.as_str(),
        remaining_ms: i64::try_from(game.remaining(state.ctx.clock.now()).whole_milliseconds()).unwrap_or(0),
    };
    Ok(no_store(Json(body).into_response()))
}

#[derive(Deserialize)]
pub(crate) struct AnswerForm {
    #[serde(default)]
    position: String,
    #[serde(default)]
    option: String,
}

/// `POST /live/{id}/answer`: one tap, one answer. Taken: back to the phone's screen ("chờ kết quả"); refused:
/// the screen with the reason (and its code), nothing stored.
pub(crate) async fn answer(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(game_id): Path<String>,
    PlainForm(form): PlainForm<AnswerForm>,
) -> Result<Response, WebError> {
    let game_id = game_of(&game_id)?;
    let token = match player_token(&state, &jar, game_id) {
        Ok(token) => token,
        Err(stop) => return Ok(stop.into_response()),
    };
    let play = format!("/live/{}/play", game_id.0);
    let refusal = match (form.position.trim().parse::<usize>(), form.option.trim().parse::<usize>()) {
        (Ok(position), Ok(option)) => {
            match app::answer(&state.ctx, &state.live.boards, game_id, &token, position, option).await {
                Ok(_) => return Ok(Redirect::to(&play).into_response()),
                Err(AppError::NotFound) => {
                    return Ok(Redirect::to(&format!("/live/{}/join", game_id.0)).into_response());
                }
                Err(AppError::Conflict(code)) => (StatusCode::CONFLICT, code),
                Err(AppError::Invalid(rejections)) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, rejections.first().map_or("live_option_unknown", |r| r.code))
                }
                Err(err) => return Err(err.into()),
            }
        }
        _ => (StatusCode::UNPROCESSABLE_ENTITY, "live_option_unknown"),
    };
    let page = play_page(&state, lang, session.as_ref(), game_id, &token, Some(refusal.1)).await?;
    Ok(no_store(render_with_status(refusal.0, &page)?))
}
