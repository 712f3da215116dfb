//! Guides: the list with search, a guide with its steps, pictures, Listen audio and quiz, senior mode (one step per
//! screen), and the guides' service worker (`static/guides-sw.js`, scope `/guides`) that keeps them offline.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hocvuso_app::guides::{AudioRefusal, GuideHit};
use hocvuso_domain::guides::{Guide, QuizResult};
use hocvuso_domain::ids::ResidentId;
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{CsrfForm, MaybeSignedIn, PlainForm};
use crate::i18n::Lang;
use crate::layout::PageContext;
use crate::pages::render;

/// The policy of a served picture: no script, no fetch, nothing but its own inline styles.
const PICTURE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

#[derive(Template)]
#[template(path = "guides.html")]
struct GuidesPage {
    ctx: PageContext,
    guides_js: String,
    query: String,
    searched: bool,
    hits: Vec<GuideHit>,
    finished: Vec<String>,
    /// Whether to show the link to the guide editor.
    can_edit: bool,
}

impl GuidesPage {
    fn is_finished(&self, slug: &str) -> bool {
        self.finished.iter().any(|s| s == slug)
    }
}

#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
}

/// `GET /guides`: every guide, or those matching `?q=`.
pub(crate) async fn list_guides(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let library = state.ctx.guides();
    let finished = match &session {
        Some(session) => hocvuso_app::guides::finished_guides(&state.ctx, &session.actor()).await?,
        None => Vec::new(),
    };
    let text = query.q.unwrap_or_default();
    let searched = !text.trim().is_empty();
    let hits = if searched {
        library.search(&text)?
    } else {
        library.list().iter().map(|guide| GuideHit { guide: guide.clone(), snippet: None }).collect()
    };
    render(&GuidesPage {
        ctx: PageContext::new(&state, lang, session.as_ref(), "/guides"),
        guides_js: state.assets.url("guides.js"),
        query: text,
        searched,
        hits,
        finished,
        can_edit: session.as_ref().is_some_and(|s| hocvuso_app::guide_edits::may_edit_guides(&s.actor())),
    })
}

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    ctx: PageContext,
    guides_js: String,
    guide: Arc<Guide>,
    result: Option<QuizResult>,
    done: bool,
}

impl GuidePage {
    fn audio_src(&self, step: &hocvuso_domain::guides::Step) -> String {
        audio_src(&self.guide.slug, step)
    }

    fn chosen(&self, question: &usize, option: &usize) -> bool {
        self.result.as_ref().and_then(|r| r.marks.get(*question)).is_some_and(|m| m.chosen == Some(*option))
    }

    fn mark(&self, question: &usize) -> Option<bool> {
        self.result.as_ref().and_then(|r| r.marks.get(*question)).map(|m| m.correct)
    }
}

#[derive(Deserialize)]
pub(crate) struct DoneQuery {
    done: Option<String>,
}

/// `GET /guides/{slug}`: the whole guide.
pub(crate) async fn show_guide(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(slug): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let guide = state.ctx.guides().get(&slug)?;
    let path = format!("/guides/{}", guide.slug);
    render(&GuidePage {
        ctx: PageContext::new(&state, lang, session.as_ref(), &path),
        guides_js: state.assets.url("guides.js"),
        guide,
        result: None,
        done: query.done.is_some(),
    })
}

/// `POST /guides/{slug}/quiz`: marks the quiz and shows the guide again with the score and explanations.
/// Nothing is stored; anyone may answer.
pub(crate) async fn answer_quiz(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(slug): Path<String>,
    PlainForm(form): PlainForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let guide = state.ctx.guides().get(&slug)?;
    let mut answers = vec![None; guide.quiz.len()];
    for (name, value) in form {
        let index = name.strip_prefix('q').and_then(|n| n.parse::<usize>().ok());
        if let (Some(index), Ok(value)) = (index, value.parse::<usize>())
            && let Some(slot) = answers.get_mut(index)
        {
            *slot = Some(value);
        }
    }
    let (guide, result) = hocvuso_app::guides::mark_quiz(&state.ctx.guides(), &guide.slug, &answers)?;
    let path = format!("/guides/{}", guide.slug);
    render(&GuidePage {
        ctx: PageContext::new(&state, lang, session.as_ref(), &path),
        guides_js: state.assets.url("guides.js"),
        guide,
        result: Some(result),
        done: false,
    })
}

#[derive(Template)]
#[template(path = "guide_senior.html")]
struct SeniorPage {
    ctx: PageContext,
    guides_js: String,
    guide: Arc<Guide>,
    number: usize,
}

impl SeniorPage {
    fn step(&self) -> &hocvuso_domain::guides::Step {
        &self.guide.steps[self.number - 1]
    }

    fn audio_src(&self) -> String {
        audio_src(&self.guide.slug, self.step())
    }
}

/// `GET /guides/{slug}/senior/{n}`: one step per screen, large text and buttons, its audio ready to play.
pub(crate) async fn show_senior_step(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(session): MaybeSignedIn,
    Path((slug, number)): Path<(String, usize)>,
) -> Result<Response, WebError> {
    let guide = state.ctx.guides().get(&slug)?;
    if guide.step(number).is_none() {
        return Err(WebError(hocvuso_app::AppError::NotFound));
    }
    let path = format!("/guides/{}/senior/{number}", guide.slug);
    render(&SeniorPage {
        ctx: PageContext::new(&state, lang, session.as_ref(), &path),
        guides_js: state.assets.url("guides.js"),
        guide,
        number,
    })
}

/// `GET /guides/{slug}/pictures/{file}`: a checked SVG (or a photo re-encoded at upload), with a policy that lets it
/// run nothing and load nothing.
pub(crate) async fn show_picture(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let bytes = state.ctx.guides().picture(&slug, &file)?;
    let mut response = bytes.to_vec().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(hocvuso_domain::guides::picture_mime(&file)));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PICTURE_CSP));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    Ok(response)
}

/// `GET /guides/{slug}/steps/{n}/audio`: the step read aloud (Ogg Opus, or a staff recording); 503 with a
/// Vietnamese message when no speech engine is installed or it is busy.
pub(crate) async fn step_audio(
    State(state): State<AppState>,
    lang: Lang,
    Path((slug, number)): Path<(String, usize)>,
) -> Result<Response, WebError> {
    let audio = state.ctx.guide_audio.step_audio(&state.ctx.guides(), &slug, number).await?;
    let t = lang.texts();
    let (message, retry) = match audio {
        Ok(audio) => {
            let bytes = tokio::fs::read(&audio.path)
                .await
                .map_err(|e| WebError(hocvuso_app::AppError::Internal(anyhow::Error::new(e).context("read audio"))))?;
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(audio.mime));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
            return Ok(response);
        }
        Err(AudioRefusal::Unavailable) => (t.guides_audio_unavailable, "3600"),
        Err(AudioRefusal::Busy) => (t.guides_audio_busy, "10"),
    };
    Ok((
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8")),
            (header::RETRY_AFTER, HeaderValue::from_static(retry)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        message,
    )
        .into_response())
}

// guides offline: audio
/// The address of a step's audio. `?v=` is a hash of the spoken text, which the server ignores: an edited step gets
/// a new address, so a phone never keeps playing the old words from its cache (the service worker keeps audio
/// cache-first under its whole address).
fn audio_src(slug: &str, step: &hocvuso_domain::guides::Step) -> String {
    use sha2::{Digest, Sha256};
    let hash = hex::encode(Sha256::digest(step.speech().as_bytes()));
    format!("/guides/{slug}/steps/{}/audio?v={}", step.number, &hash[..8])
}

/// What a page kept offline weighs, roughly (a guide page or a senior step as stored by the phone, uncompressed):
/// used only for the size shown before a download.
const PAGE_BYTES_ESTIMATE: u64 = 12 * 1024;

/// What the phone keeps for offline use: pages, senior steps and pictures (`pages`, as before), static files, and the
/// audio that is ready now; with the number of files, their estimated size and the steps whose audio is not ready.
#[derive(Default, serde::Serialize)]
struct OfflineList {
    pages: Vec<String>,
    assets: Vec<String>,
    audio: Vec<String>,
    files: usize,
    bytes: u64,
    audio_missing: usize,
}

impl OfflineList {
    /// Adds a guide: its page, its senior steps, its pictures and the audio that is already made. Speech is never
    /// generated for this list: a step whose audio is not ready is counted in `audio_missing`.
    async fn add_guide(&mut self, state: &AppState, library: &hocvuso_app::guides::GuideLibrary, guide: &Guide) {
        self.pages.push(format!("/guides/{}", guide.slug));
        self.bytes += PAGE_BYTES_ESTIMATE;
        for step in &guide.steps {
            self.pages.push(format!("/guides/{}/senior/{}", guide.slug, step.number));
            self.bytes += PAGE_BYTES_ESTIMATE;
            self.pages.push(format!("/guides/{}/pictures/{}", guide.slug, step.picture));
            self.bytes += library.picture(&guide.slug, &step.picture).map_or(0, |p| p.len() as u64);
            match state.ctx.guide_audio.ready_size(&step.speech()).await {
                Some(size) => {
                    self.audio.push(audio_src(&guide.slug, step));
                    self.bytes += size;
                }
                None => self.audio_missing += 1,
            }
        }
    }

    fn finish(mut self) -> Response {
        self.files = self.pages.len() + self.assets.len() + self.audio.len();
        let mut response = axum::Json(self).into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// `GET /guides/offline.json`: every address the download button keeps (the list, pages, senior steps, pictures and
/// the audio ready now), with the total size to show before downloading.
pub(crate) async fn offline_list(State(state): State<AppState>) -> Response {
    let library = state.ctx.guides();
    let mut list =
        OfflineList { pages: vec!["/guides".to_owned()], bytes: PAGE_BYTES_ESTIMATE, ..OfflineList::default() };
    list.assets = ["app.css", "app.js", "guides.js", "icon.svg"].iter().map(|name| state.assets.url(name)).collect();
    for guide in library.list() {
        list.add_guide(&state, &library, guide).await;
    }
    list.finish()
}

/// `GET /guides/{slug}/offline.json`: what a phone keeps of one guide when it is opened (its page, senior steps,
/// pictures and ready audio), so that a guide opened once can be read and heard without a connection.
pub(crate) async fn guide_offline_list(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let library = state.ctx.guides();
    let guide = library.get(&slug)?;
    let mut list = OfflineList::default();
    list.add_guide(&state, &library, &guide).await;
    Ok(list.finish())
}

/// `GET /guides-sw.js`: the guides' service worker (scope `/guides`), never cached by the HTTP cache.
pub(crate) async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        include_str!("../../static/guides-sw.js"),
    )
        .into_response()
}

/// `POST /guides/{slug}/done`: a signed-in person finished the guide; back to it with a confirmation.
pub(crate) async fn finish_guide(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    CsrfForm(session, _form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    hocvuso_app::guides::finish_guide(&state.ctx, &session.actor(), &slug).await?;
    Ok(Redirect::to(&format!("/guides/{slug}?done=1#guide-done-status")).into_response())
}

/// `GET /guides/me.json`: the guides the signed-in person finished (`signed_in: false` for anyone else, whose
/// progress lives on the device).
pub(crate) async fn my_progress(
    State(state): State<AppState>,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, WebError> {
    let Some(session) = session else {
        return Ok(axum::Json(serde_json::json!({ "signed_in": false, "finished": [] })).into_response());
    };
    let finished = hocvuso_app::guides::finished_guides(&state.ctx, &session.actor()).await?;
    Ok(axum::Json(serde_json::json!({ "signed_in": true, "finished": finished })).into_response())
}

#[derive(Deserialize)]
pub(crate) struct TaughtForm {
    guide: String,
}

/// `POST /residents/{resident_id}/guides-taught`: a volunteer or staff records "taught this guide to this person".
pub(crate) async fn record_guide_taught(
    State(state): State<AppState>,
    Path(resident_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<TaughtForm>,
) -> Result<Response, WebError> {
    hocvuso_app::guides::record_guide_taught(&state.ctx, &session.actor(), ResidentId(resident_id), &form.guide)
        .await?;
    Ok(Redirect::to(&format!("/residents/{resident_id}?saved=1")).into_response())
}

#[derive(Deserialize)]
pub(crate) struct LeafletQuery {
    paper: Option<String>,
}

/// The site's own address as the browser reached it, for the leaflet's QR code. A Host header that is not a plain
/// host name (with an optional port) is ignored and the printed address stays relative.
pub(crate) fn site_origin(headers: &axum::http::HeaderMap, secure: bool) -> String {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let plain = !host.is_empty()
        && host.len() <= 253
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if plain { format!("{}://{host}", if secure { "https" } else { "http" }) } else { String::new() }
}

/// `GET /guides/{slug}/leaflet.pdf?paper=a5|a4`: the guide as a printable leaflet with a QR code to this page.
pub(crate) async fn leaflet(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(slug): Path<String>,
    Query(query): Query<LeafletQuery>,
) -> Result<Response, WebError> {
    let paper = match query.paper.as_deref() {
        Some("a4") => hocvuso_app::guides::Paper::A4,
        _ => hocvuso_app::guides::Paper::A5,
    };
    let url = format!("{}/guides/{slug}", site_origin(&headers, state.settings.secure_cookies));
    let download = hocvuso_app::guides::leaflet(&state.ctx, &slug, paper, url).await?;
    Ok(crate::pages::attachment(download.bytes, "application/pdf", &download.file_name))
}
