//! The API of taking part in a contest: register, start or resume an attempt, save each answer, submit.
//!
//! There is no session: the participant is the holder of the entry code, sent in the `X-Entry-Code` header (the
//! pages keep it in a cookie instead). The same-origin check of every unsafe request still applies to browsers.
//!
//! Fairness: each participant has a token bucket keyed by a hash of their entry code (not by IP address: a whole
//! school may share one), and each (contest, phone) has one for registrations. See [`ContestLimits`].

use std::collections::HashMap;
use std::sync::Mutex;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hocvuso_app::AppError;
use hocvuso_app::contests::{AttemptView, EntrantInput};
use hocvuso_domain::contests::attempts::AnswerSaved;
use hocvuso_domain::ids::{AttemptId, ContestId};
use hocvuso_domain::phone::PhoneNumber;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};

/// The header that carries the entry code.
pub(crate) const ENTRY_CODE_HEADER: &str = "x-entry-code";

/// Longest entry code looked at (codes have 10 characters; anything much longer is not one).
const MAX_CODE_CHARS: usize = 64;

/// The stable code of a refusal by the rate limit.
pub(crate) const TOO_MANY: &str = "contest_too_many_requests";

/// A participant's requests: 5 per second on average, bursts of 30. A person answering as fast as they can
/// read sends one request every few seconds (and a page load a handful at once); a script sending answers
/// back to back is slowed to 5 per second.
const PARTICIPANT_PER_SECOND: f64 = 5.0;
const PARTICIPANT_BURST: f64 = 30.0;

/// Registrations for one phone number in one contest: 5 tries at once (typing mistakes in the other fields),
/// then one a minute.
const REGISTRATION_PER_SECOND: f64 = 1.0 / 60.0;
const REGISTRATION_BURST: f64 = 5.0;

/// Most buckets kept per map: 200,000 at about 60 bytes each is 12 MB at worst.
const MAX_BUCKETS: usize = 200_000;

struct Bucket {
    tokens: f64,
    at: OffsetDateTime,
}

impl Bucket {
    fn refilled(&self, now: OffsetDateTime, rate: f64, burst: f64) -> f64 {
        let seconds = (now - self.at).as_seconds_f64().max(0.0);
        (self.tokens + seconds * rate).min(burst)
    }
}

/// Token buckets in memory, keyed by a hash. A small map rather than a crate (`governor` is not in the tree):
/// the buckets run on the use cases' clock, so tests can move time, and the map stays bounded.
pub(crate) struct Buckets {
    rate: f64,
    burst: f64,
    map: Mutex<BucketMap>,
}

#[derive(Default)]
struct BucketMap {
    buckets: HashMap<[u8; 16], Bucket>,
    swept_at: Option<OffsetDateTime>,
}

impl Buckets {
    pub(crate) fn new(rate: f64, burst: f64) -> Buckets {
        Buckets { rate, burst, map: Mutex::new(BucketMap::default()) }
    }

    /// Takes one token for `key`; false when the bucket is empty.
    pub(crate) fn take(&self, key: [u8; 16], now: OffsetDateTime) -> bool {
        let (rate, burst) = (self.rate, self.burst);
        let mut map = self.map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.buckets.len() >= MAX_BUCKETS && !map.buckets.contains_key(&key) {
            // A bucket that has filled up again is the same as no bucket, so dropping those loses nothing. The
            // sweep runs at most once a second; when the map is still full the request passes unlimited (the
            // limit is for fairness, not the last line of defence).
            if map.swept_at.is_none_or(|at| now - at >= time::Duration::SECOND) {
                map.buckets.retain(|_, b| b.refilled(now, rate, burst) < burst);
                map.swept_at = Some(now);
            }
            if map.buckets.len() >= MAX_BUCKETS {
                return true;
            }
        }
        let bucket = map.buckets.entry(key).or_insert(Bucket { tokens: burst, at: now });
        bucket.tokens = bucket.refilled(now, rate, burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The rate limits of taking part in contests.
pub(crate) struct ContestLimits {
    participants: Buckets,
    registrations: Buckets,
}

impl Default for ContestLimits {
    fn default() -> Self {
        ContestLimits {
            participants: Buckets::new(PARTICIPANT_PER_SECOND, PARTICIPANT_BURST),
            registrations: Buckets::new(REGISTRATION_PER_SECOND, REGISTRATION_BURST),
        }
    }
}

fn key(kind: u8, contest_id: ContestId, text: &str) -> [u8; 16] {
    let mut hasher = Sha256::new();
    hasher.update([kind]);
    hasher.update(contest_id.0.to_be_bytes());
    hasher.update(text.as_bytes());
    let digest = hasher.finalize();
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// The entry code as compared: trimmed, upper case (people copy it from paper).
pub(crate) fn normalise_code(code: &str) -> String {
    code.trim().to_uppercase()
}

impl ContestLimits {
    /// Whether the holder of `code` may make one more request now.
    pub(crate) fn participant(&self, contest_id: ContestId, code: &str, now: OffsetDateTime) -> bool {
        self.participants.take(key(b'p', contest_id, &normalise_code(code)), now)
    }

    /// Whether one more registration may be tried with this phone number now (any way of writing it).
    pub(crate) fn registration(&self, contest_id: ContestId, phone: &str, now: OffsetDateTime) -> bool {
        let phone = PhoneNumber::parse(phone)
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|_| phone.chars().filter(char::is_ascii_digit).collect());
        self.registrations.take(key(b'r', contest_id, &phone), now)
    }
}

/// Why a participant's request ends before or in the use case.
pub(crate) enum Refusal {
    /// The use case's refusal.
    App(AppError),
    /// Over the rate limit.
    TooMany,
}

impl From<AppError> for Refusal {
    fn from(err: AppError) -> Self {
        Refusal::App(err)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::App(err) => ApiError(err).into_response(),
            // 429, a `Retry-After`, and the API's error body.
            Refusal::TooMany => {
                let mut response =
                    (StatusCode::TOO_MANY_REQUESTS, Json(ApiError::body(TOO_MANY, Vec::new()))).into_response();
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
            }
        }
    }
}

/// A contest id from the path; anything else is not found.
pub(crate) fn contest_of(text: &str) -> Result<ContestId, AppError> {
    text.parse().map(ContestId).map_err(|_| AppError::NotFound)
}

/// An attempt id from the path; anything else is not found.
pub(crate) fn attempt_of(text: &str) -> Result<AttemptId, AppError> {
    text.parse().map(AttemptId).map_err(|_| AppError::NotFound)
}

/// The contest and the entry code of a participant's request, once the rate limit let it through.
fn participant_call(state: &AppState, contest: &str, headers: &HeaderMap) -> Result<(ContestId, String), Refusal> {
    let contest_id = contest_of(contest)?;
    let code = headers.get(ENTRY_CODE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    if code.trim().is_empty() || code.chars().count() > MAX_CODE_CHARS {
        return Err(AppError::NotFound.into());
    }
    if !state.contest_limits.participant(contest_id, code, state.ctx.clock.now()) {
        return Err(Refusal::TooMany);
    }
    Ok((contest_id, normalise_code(code)))
}

fn body<T>(payload: Result<Json<T>, axum::extract::rejection::JsonRejection>) -> Result<T, AppError> {
    payload.map(|Json(b)| b).map_err(|_| AppError::invalid("body", "form_malformed"))
}

/// A birth year, as a number or as typed.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum BirthYearValue {
    /// `1958`
    Number(i64),
    /// `"1958"`
    Text(String),
}

/// A registration.
#[derive(Deserialize, ToSchema)]
pub struct NewEntrantBody {
    /// Full name.
    #[serde(default)]
    pub full_name: String,
    /// Year of birth (number or string).
    #[serde(default)]
    pub birth_year: Option<BirthYearValue>,
    /// Phone number, in any common format; one registration per number.
    #[serde(default)]
    pub phone: String,
    /// CCCD number, when the contest asks for it.
    #[serde(default)]
    pub cccd: Option<String>,
    /// The unit, one of the contest's list.
    #[serde(default)]
    pub unit: String,
}

/// The entry code: shown once, to keep (it resumes the attempt on any phone).
#[derive(Serialize, ToSchema)]
pub struct EntryCodeView {
    /// 10 characters, without look-alikes.
    pub code: String,
}

/// One question as the participant sees it (never the key).
#[derive(Serialize, ToSchema)]
pub struct AttemptQuestionView {
    /// The question.
    pub text: String,
    /// The options, in the order shown.
    pub options: Vec<String>,
    /// The options chosen so far, as positions in `options`.
    pub chosen: Vec<usize>,
    /// Whether several options may be right (check boxes).
    pub several: bool,
}

/// An attempt by the server's clock.
#[derive(Serialize, ToSchema)]
pub struct AttemptJson {
    /// The attempt.
    pub attempt_id: i64,
    /// Which attempt of the participant (1, 2…).
    pub number: u32,
    /// The questions in the order asked.
    pub questions: Vec<AttemptQuestionView>,
    /// Seconds left by the server's clock (0 once over).
    pub remaining_seconds: i64,
    /// When it ends (RFC 3339).
    pub ends_at: String,
    /// When it was submitted (RFC 3339), or null.
    pub submitted_at: Option<String>,
    /// Right answers: null unless submitted and the contest shows results now.
    pub score: Option<u32>,
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

impl From<AttemptView> for AttemptJson {
    fn from(view: AttemptView) -> Self {
        AttemptJson {
            attempt_id: view.attempt_id.0,
            number: view.number,
            questions: view
                .questions
                .into_iter()
                .map(|q| AttemptQuestionView { text: q.text, options: q.options, chosen: q.chosen, several: q.several })
                .collect(),
            remaining_seconds: view.remaining.whole_seconds(),
            ends_at: rfc3339(view.ends_at),
            submitted_at: view.submitted_at.map(rfc3339),
            score: view.score,
        }
    }
}

/// One answer.
#[derive(Deserialize, ToSchema)]
pub struct AnswerBody {
    /// The chosen options, as positions in the options as shown; empty clears the answer.
    #[serde(default)]
    pub chosen: Vec<usize>,
    /// The page's sequence number of this answer: a lower or equal one than the stored answer's is stale.
    pub seq: i64,
}

/// Whether an answer was stored.
#[derive(Serialize, ToSchema)]
pub struct AnswerSavedView {
    /// True: stored and committed. False: a newer answer was already stored (a replay); nothing changed.
    pub saved: bool,
}

/// A submission.
#[derive(Deserialize, ToSchema)]
pub struct SubmitBody {
    /// The answer to the prediction question (number of entrants), when the contest asks one.
    #[serde(default)]
    pub prediction: Option<u64>,
}

/// Registers for a contest; no sign-in. Limited per (contest, phone).
#[utoipa::path(
    post,
    path = "/api/v1/contests/{contest_id}/entrants",
    params(("contest_id" = i64, Path, description = "Contest id")),
    request_body = NewEntrantBody,
    responses(
        (status = 201, body = EntryCodeView),
        (status = 404, body = ApiErrorBody),
        (status = 409, description = "`contest_already_registered`, `contest_closed`", body = ApiErrorBody),
        (status = 422, body = ApiErrorBody),
        (status = 429, description = "`contest_too_many_requests`", body = ApiErrorBody)
    )
)]
pub(crate) async fn register_entrant(
    State(state): State<AppState>,
    Path(contest_id): Path<String>,
    payload: Result<Json<NewEntrantBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Refusal> {
    let contest_id = contest_of(&contest_id)?;
    let b = body(payload)?;
    if !state.contest_limits.registration(contest_id, &b.phone, state.ctx.clock.now()) {
        return Err(Refusal::TooMany);
    }
    let input = EntrantInput {
        full_name: b.full_name,
        birth_year: match b.birth_year {
            Some(BirthYearValue::Number(n)) => n.to_string(),
            Some(BirthYearValue::Text(text)) => text,
            None => String::new(),
        },
        phone: b.phone,
        cccd: b.cccd.unwrap_or_default(),
        unit: b.unit,
    };
    let registration = hocvuso_app::contests::register(&state.ctx, contest_id, &input).await?;
    Ok((StatusCode::CREATED, Json(EntryCodeView { code: registration.code })).into_response())
}

/// Starts an attempt, or resumes the one running (same attempt, server's timer still running).
#[utoipa::path(
    post,
    path = "/api/v1/contests/{contest_id}/attempts",
    params(
        ("contest_id" = i64, Path, description = "Contest id"),
        ("X-Entry-Code" = String, Header, description = "The entry code")
    ),
    responses(
        (status = 200, body = AttemptJson),
        (status = 404, description = "Unknown contest or entry code", body = ApiErrorBody),
        (status = 409, description = "`contest_not_open`, `contest_closed`, `contest_attempts_used`, `contest_attempt_running`", body = ApiErrorBody),
        (status = 429, body = ApiErrorBody)
    )
)]
pub(crate) async fn start_attempt(
    State(state): State<AppState>,
    Path(contest_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let (contest_id, code) = participant_call(&state, &contest_id, &headers)?;
    let view = hocvuso_app::contests::start_attempt(&state.ctx, contest_id, &code).await?;
    Ok(attempt_response(view))
}

fn attempt_response(view: AttemptView) -> Response {
    let mut response = Json(AttemptJson::from(view)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// An attempt (after submission too: the score once the contest shows results).
#[utoipa::path(
    get,
    path = "/api/v1/contests/{contest_id}/attempts/{attempt_id}",
    params(
        ("contest_id" = i64, Path, description = "Contest id"),
        ("attempt_id" = i64, Path, description = "Attempt id"),
        ("X-Entry-Code" = String, Header, description = "The entry code")
    ),
    responses((status = 200, body = AttemptJson), (status = 404, body = ApiErrorBody), (status = 429, body = ApiErrorBody))
)]
pub(crate) async fn show_attempt(
    State(state): State<AppState>,
    Path((contest_id, attempt_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let (contest_id, code) = participant_call(&state, &contest_id, &headers)?;
    let attempt_id = attempt_of(&attempt_id)?;
    let view = hocvuso_app::contests::attempt(&state.ctx, contest_id, &code, attempt_id).await?;
    Ok(attempt_response(view))
}

/// Saves one answer; committed before the 200. A replay (same or lower `seq`) answers `saved: false`.
#[utoipa::path(
    put,
    path = "/api/v1/contests/{contest_id}/attempts/{attempt_id}/answers/{position}",
    params(
        ("contest_id" = i64, Path, description = "Contest id"),
        ("attempt_id" = i64, Path, description = "Attempt id"),
        ("position" = usize, Path, description = "The question's position in the attempt, from 0"),
        ("X-Entry-Code" = String, Header, description = "The entry code")
    ),
    request_body = AnswerBody,
    responses(
        (status = 200, body = AnswerSavedView),
        (status = 404, body = ApiErrorBody),
        (status = 409, description = "`contest_attempt_over`, `contest_attempt_submitted`", body = ApiErrorBody),
        (status = 422, description = "field codes `contest_answer_position`, `contest_answer_option`", body = ApiErrorBody),
        (status = 429, body = ApiErrorBody)
    )
)]
pub(crate) async fn save_answer(
    State(state): State<AppState>,
    Path((contest_id, attempt_id, position)): Path<(String, String, String)>,
    headers: HeaderMap,
    payload: Result<Json<AnswerBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Refusal> {
    let (contest_id, code) = participant_call(&state, &contest_id, &headers)?;
    let attempt_id = attempt_of(&attempt_id)?;
    let position: usize = position.parse().map_err(|_| AppError::invalid("position", "contest_answer_position"))?;
    let b = body(payload)?;
    let saved =
        hocvuso_app::contests::answer(&state.ctx, contest_id, &code, attempt_id, position, &b.chosen, b.seq).await?;
    let mut response = Json(AnswerSavedView { saved: saved == AnswerSaved::Saved }).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Submits an attempt; a second submit answers the same result.
#[utoipa::path(
    post,
    path = "/api/v1/contests/{contest_id}/attempts/{attempt_id}/submit",
    params(
        ("contest_id" = i64, Path, description = "Contest id"),
        ("attempt_id" = i64, Path, description = "Attempt id"),
        ("X-Entry-Code" = String, Header, description = "The entry code")
    ),
    request_body = SubmitBody,
    responses(
        (status = 200, body = AttemptJson),
        (status = 404, body = ApiErrorBody),
        (status = 409, description = "`contest_attempt_over` (past the end and the grace: closed as it stood)", body = ApiErrorBody),
        (status = 429, body = ApiErrorBody)
    )
)]
pub(crate) async fn submit_attempt(
    State(state): State<AppState>,
    Path((contest_id, attempt_id)): Path<(String, String)>,
    headers: HeaderMap,
    payload: axum::body::Bytes,
) -> Result<Response, Refusal> {
    let (contest_id, code) = participant_call(&state, &contest_id, &headers)?;
    let attempt_id = attempt_of(&attempt_id)?;
    // `{}` or no body at all: no prediction.
    let b: SubmitBody = if payload.iter().all(u8::is_ascii_whitespace) {
        SubmitBody { prediction: None }
    } else {
        serde_json::from_slice(&payload).map_err(|_| AppError::invalid("body", "form_malformed"))?
    };
    let view = hocvuso_app::contests::submit(&state.ctx, contest_id, &code, attempt_id, b.prediction).await?;
    Ok(attempt_response(view))
}
