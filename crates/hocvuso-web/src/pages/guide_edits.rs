//! Guide editor (commune staff and admins): the list of guides, an editor with a server-rendered preview, the
//! history of versions, "back to the original", and a picture and a recording per step.
//!
//! Every form here is `multipart/form-data`: a guide's text is up to 64 KB and would triple in size URL-encoded,
//! and pictures and recordings are files. The pages live under `/guide-editor`, outside the scope of the guides'
//! service worker, so no editor page is kept offline.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hocvuso_app::AppError;
use hocvuso_app::accounts::Session;
use hocvuso_app::guide_edits::{self, EditorEntry, GuideSource};
use hocvuso_domain::guides::{Guide, GuideError};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{MultipartForm, SignedIn};
use crate::i18n::{Lang, error_message};
use crate::layout::PageContext;
use crate::pages::{form_errors, render, render_with_status};

/// The largest text form: a guide of up to 64 KB and the form around it.
pub(crate) const TEXT_LIMIT: usize = 256 * 1024;

/// The largest upload: a picture of up to 10 MB (the photo limit) and the form around it.
pub(crate) const EDITOR_LIMIT: usize = 10 * 1024 * 1024 + 64 * 1024;

#[derive(Template)]
#[template(path = "guide_editor_list.html")]
struct ListPage {
    ctx: PageContext,
    entries: Vec<EditorEntry>,
    /// Whether a guide was just deleted (the confirmation).
    deleted: bool,
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    deleted: Option<String>,
}

/// `GET /guide-editor`: every guide with "Sửa", and "Thêm hướng dẫn".
pub(crate) async fn list_guides(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let entries = guide_edits::editable_guides(&state.ctx, &session.actor()).await?;
    render(&ListPage {
        ctx: PageContext::new(&state, lang, Some(&session), "/guide-editor"),
        entries,
        deleted: query.deleted.is_some(),
    })
}

/// A step on the editor page: its picture and whether a recording answers its Listen button.
struct StepRow {
    number: usize,
    title: String,
    picture: String,
    has_recording: bool,
}

/// A saved version in the history list.
struct VersionRow {
    version: i64,
    when: String,
    by: String,
    reverted: bool,
}

#[derive(Template)]
#[template(path = "guide_editor.html")]
struct EditorPage {
    ctx: PageContext,
    /// `None` for a new guide.
    slug: Option<String>,
    action: String,
    markdown: String,
    errors: Vec<String>,
    notice: Option<&'static str>,
    preview: Option<Guide>,
    has_file: bool,
    edited: bool,
    steps: Vec<StepRow>,
    versions: Vec<VersionRow>,
}

impl EditorPage {
    fn new(state: &AppState, lang: Lang, session: &Session, slug: Option<&str>, markdown: String) -> EditorPage {
        let action = match slug {
            Some(slug) => format!("/guide-editor/{slug}"),
            None => "/guide-editor/new".to_owned(),
        };
        EditorPage {
            ctx: PageContext::new(state, lang, Some(session), &action),
            slug: slug.map(str::to_owned),
            action,
            markdown,
            errors: Vec::new(),
            notice: None,
            preview: None,
            has_file: false,
            edited: false,
            steps: Vec::new(),
            versions: Vec::new(),
        }
    }

    /// Adds what is saved of the guide: versions, steps with their pictures and recordings.
    fn with_source(mut self, source: GuideSource) -> EditorPage {
        self.has_file = source.has_file;
        self.edited = source.edited;
        if let Some(guide) = &source.guide {
            self.steps = guide
                .steps
                .iter()
                .map(|step| StepRow {
                    number: step.number,
                    title: step.title.clone(),
                    picture: step.picture.clone(),
                    has_recording: source.recordings.get(step.number - 1).copied().unwrap_or(false),
                })
                .collect();
        }
        self.versions = source
            .versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                when: hocvuso_domain::calendar::format_datetime_vn(v.edited_at),
                by: v.editor_name.clone(),
                reverted: v.markdown.is_none(),
            })
            .collect();
        self
    }
}

/// A refused text as the editor says it: the line, then what is wrong, in plain words.
fn guide_error(e: &GuideError, lang: Lang) -> String {
    format!("{} {}: {}", lang.texts().guide_editor_line, e.line, error_message(e.code, lang))
}

/// `GET /guide-editor/new`: the editor with the skeleton of a new guide.
pub(crate) async fn new_guide_form(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    // The same access as saving: the list answers 403 to anyone else.
    guide_edits::editable_guides(&state.ctx, &session.actor()).await?;
    render(&EditorPage::new(&state, lang, &session, None, guide_edits::new_guide_text()))
}

#[derive(Deserialize)]
pub(crate) struct EditorQuery {
    version: Option<i64>,
    saved: Option<String>,
}

/// `GET /guide-editor/{slug}`: the guide's text (or `?version=N` from its history), its steps and history.
pub(crate) async fn edit_guide_form(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    Query(query): Query<EditorQuery>,
) -> Result<Response, WebError> {
    let source = guide_edits::guide_source(&state.ctx, &session.actor(), &slug, query.version).await?;
    let t = lang.texts();
    let mut page = EditorPage::new(&state, lang, &session, Some(&slug), source.markdown.clone()).with_source(source);
    page.notice = match query.saved.as_deref() {
        Some("text") => Some(t.guide_editor_saved),
        Some("picture") => Some(t.guide_editor_picture_saved),
        Some("recording") => Some(t.guide_editor_recording_saved),
        Some("recording-removed") => Some(t.guide_editor_recording_removed),
        Some("reverted") => Some(t.guide_editor_reverted),
        _ => None,
    };
    render(&page)
}

/// The refusal of a form whose token does not match. A request past the size limit is refused later, before its
/// token may have been read: it changes nothing.
fn csrf_refusal(form: &MultipartForm, session: &Session) -> Option<Response> {
    (!form.too_large && !crate::extract::tokens_match(&form.csrf, &session.csrf_token))
        .then(crate::extract::csrf_refused)
}

/// `POST /guide-editor/new`: preview or save a new guide.
pub(crate) async fn post_new_guide(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    multipart: Multipart,
) -> Result<Response, WebError> {
    post_text(state, lang, session, None, multipart).await
}

/// `POST /guide-editor/{slug}`: preview or save a guide.
pub(crate) async fn post_guide(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    post_text(state, lang, session, Some(slug), multipart).await
}

/// "Xem trước" renders the text below the editor and stores nothing; "Lưu" saves it and opens the editor again.
async fn post_text(
    state: AppState,
    lang: Lang,
    session: Session,
    slug: Option<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let form = MultipartForm::read(multipart, "file").await?;
    if let Some(refused) = csrf_refusal(&form, &session) {
        return Ok(refused);
    }
    if form.too_large {
        return Err(WebError(AppError::invalid("markdown", "guide_too_large")));
    }
    let markdown = form.first("markdown");
    let actor = session.actor();
    let saving = form.first("action") == "save";
    let outcome = if saving {
        match guide_edits::save_guide(&state.ctx, &actor, slug.as_deref(), &markdown).await? {
            Ok(saved) => return Ok(Redirect::to(&format!("/guide-editor/{saved}?saved=text")).into_response()),
            Err(e) => Err(e),
        }
    } else {
        // The preview is shown below the editor; nothing is stored.
        guide_edits::preview_guide(&actor, slug.as_deref(), &markdown)?
    };
    let (preview, error) = match outcome {
        Ok(guide) => (Some(guide), None),
        Err(e) => (None, Some(guide_error(&e, lang))),
    };
    let mut page = EditorPage::new(&state, lang, &session, slug.as_deref(), markdown);
    if let Some(slug) = &slug {
        let source = guide_edits::guide_source(&state.ctx, &actor, slug, None).await?;
        page = page.with_source(source);
    }
    page.preview = preview;
    let status = match error {
        Some(error) => {
            page.errors.push(error);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    render_with_status(status, &page)
}

/// A change posted from the editor page, other than the text.
enum Change {
    Revert,
    Picture(usize),
    Recording(usize),
    DeleteRecording(usize),
}

/// `POST /guide-editor/{slug}/revert`: serve the file version again.
pub(crate) async fn revert_guide(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    apply(state, lang, session, slug, multipart, Change::Revert).await
}

/// `POST /guide-editor/{slug}/steps/{number}/{change}`: `picture` (multipart `file`) a new picture for the step,
/// `recording` (multipart `file`) a staff recording, `recording-delete` back to the computer voice.
pub(crate) async fn change_step(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path((slug, number, change)): Path<(String, usize, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let change = match change.as_str() {
        "picture" => Change::Picture(number),
        "recording" => Change::Recording(number),
        "recording-delete" => Change::DeleteRecording(number),
        _ => return Err(WebError(AppError::NotFound)),
    };
    apply(state, lang, session, slug, multipart, change).await
}

/// Checks the form's token, makes the change, and goes back to the editor.
async fn apply(
    state: AppState,
    lang: Lang,
    session: Session,
    slug: String,
    multipart: Multipart,
    change: Change,
) -> Result<Response, WebError> {
    let form = MultipartForm::read(multipart, "file").await?;
    if let Some(refused) = csrf_refusal(&form, &session) {
        return Ok(refused);
    }
    let (ctx, actor) = (&state.ctx, session.actor());
    let (result, saved) = match change {
        Change::Revert => (guide_edits::revert_guide(ctx, &actor, &slug).await, "reverted"),
        Change::Picture(_) if form.too_large => (Err(AppError::invalid("picture", "picture_too_large")), "picture"),
        Change::Picture(number) => {
            (guide_edits::upload_step_picture(ctx, &actor, &slug, number, form.file).await, "picture")
        }
        Change::Recording(_) if form.too_large => {
            (Err(AppError::invalid("recording", "recording_too_large")), "recording")
        }
        Change::Recording(number) => {
            (guide_edits::upload_step_recording(ctx, &actor, &slug, number, form.file).await, "recording")
        }
        Change::DeleteRecording(number) => {
            let removed = guide_edits::delete_step_recording(ctx, &actor, &slug, number).await;
            (removed.map(|_| ()), "recording-removed")
        }
    };
    after_change(&state, lang, &session, &slug, result, saved).await
}

/// Back to the editor with a confirmation, or the editor again with the refusal's message (422).
async fn after_change(
    state: &AppState,
    lang: Lang,
    session: &Session,
    slug: &str,
    result: Result<(), AppError>,
    saved: &str,
) -> Result<Response, WebError> {
    let errors = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/guide-editor/{slug}?saved={saved}")).into_response()),
        Err(err) => form_errors(err, lang)?,
    };
    let source = guide_edits::guide_source(&state.ctx, &session.actor(), slug, None).await?;
    let mut page = EditorPage::new(state, lang, session, Some(slug), source.markdown.clone()).with_source(source);
    page.errors = errors.into_iter().map(str::to_owned).collect();
    render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

// guide editor: delete
#[derive(Template)]
#[template(path = "guide_editor_delete.html")]
struct DeletePage {
    ctx: PageContext,
    slug: String,
    title: String,
}

/// `GET /guide-editor/{slug}/delete`: the confirmation, for a guide staff added (a starter guide: 422 with
/// `guide_has_original`; another commune's guide: 409 with `guide_other_commune`).
pub(crate) async fn confirm_delete(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let title = guide_edits::guide_to_delete(&state.ctx, &session.actor(), &slug).await?;
    let path = format!("/guide-editor/{slug}/delete");
    render(&DeletePage { ctx: PageContext::new(&state, lang, Some(&session), &path), slug, title })
}

/// `POST /guide-editor/{slug}/delete`: deletes the guide, its history, pictures and recordings; back to the list.
pub(crate) async fn delete_guide(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(slug): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let form = MultipartForm::read(multipart, "file").await?;
    if let Some(refused) = csrf_refusal(&form, &session) {
        return Ok(refused);
    }
    guide_edits::delete_guide(&state.ctx, &session.actor(), &slug).await?;
    Ok(Redirect::to("/guide-editor?deleted=1").into_response())
}
