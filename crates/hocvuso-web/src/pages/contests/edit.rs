//! Editing one question of the bank on a page, with its picture, and serving the pictures (issue #5 item 1).
//!
//! The form is `multipart/form-data` (it carries the picture). Saving makes a new question and retires the old one,
//! so contests already created keep what they had (`hocvuso_app::contests::edit`).

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use hocvuso_app::AppError;
use hocvuso_app::accounts::Session;
use hocvuso_app::contests::edit::{self, EditableQuestion, OPTION_FIELDS, QuestionForm};
use hocvuso_domain::accounts::Actor;
use hocvuso_domain::contests::questions::{Difficulty, QuestionPicture, option_letter};
use hocvuso_domain::ids::{CommuneId, QuestionId};

use crate::AppState;
use crate::error::WebError;
use crate::extract::{MultipartForm, SignedIn};
use crate::i18n::{Lang, Texts, error_message};
use crate::layout::PageContext;
use crate::pages::{render, render_with_status};

/// Most bytes of the edit form: the picture's limit plus room for the fields.
const EDIT_LIMIT: usize = edit::MAX_PICTURE_BYTES + 64 * 1024;

/// A picture's bytes never change behind its name: browsers may keep it for a year.
const PICTURE_CACHE: &str = "public, max-age=31536000, immutable";

/// A served picture runs nothing, even an SVG opened on its own.
const PICTURE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/// The routes of these pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/question-bank/{question_id}/edit",
            get(edit_form).post(save_question).layer(DefaultBodyLimit::max(EDIT_LIMIT)),
        )
        .route("/contest-pictures/{file}", get(show_picture))
}

/// A picture as a page shows it: its address and its description.
pub(crate) struct PictureView {
    pub(crate) src: String,
    pub(crate) alt: String,
}

impl PictureView {
    /// The picture's address (content-addressed) and its description, or the usual one when staff typed none.
    pub(crate) fn of(picture: &QuestionPicture, t: &Texts) -> PictureView {
        PictureView {
            src: format!("/contest-pictures/{}", picture.file_name()),
            alt: if picture.alt.is_empty() { t.picture_alt_default.to_owned() } else { picture.alt.clone() },
        }
    }
}

/// `GET /contest-pictures/{sha256}.{ext}`: a question's picture, cached for long (its name is its hash).
pub(crate) async fn show_picture(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let (content_type, bytes) = edit::picture(&state.ctx, &file).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&content_type)
        .map_err(|e| WebError(AppError::Internal(anyhow::Error::new(e).context("picture type"))))?;
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PICTURE_CSP));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PICTURE_CACHE));
    Ok(response)
}

fn commune_of(actor: &Actor) -> Result<CommuneId, WebError> {
    actor.commune_id.ok_or(WebError(AppError::NotFound))
}

/// One option row of the form.
struct OptionRow {
    index: usize,
    field: &'static str,
    label: String,
    right_label: String,
    value: String,
    is_right: bool,
}

#[derive(Template)]
#[template(path = "contest_question_edit.html")]
struct EditPage {
    ctx: PageContext,
    id: i64,
    form: QuestionForm,
    difficulties: Vec<(&'static str, &'static str, bool)>,
    options: Vec<OptionRow>,
    picture: Option<PictureView>,
    /// Field, message.
    errors: Vec<(&'static str, &'static str)>,
}

impl EditPage {
    /// The message for a field, or "".
    fn error_for(&self, field: &str) -> &'static str {
        self.errors.iter().find(|(f, _)| *f == field).map_or("", |(_, message)| message)
    }

    fn has_error(&self, field: &str) -> bool {
        !self.error_for(field).is_empty()
    }
}

fn difficulty_name(difficulty: Difficulty, t: &Texts) -> &'static str {
    match difficulty {
        Difficulty::Easy => t.difficulty_easy,
        Difficulty::Medium => t.difficulty_medium,
        Difficulty::Hard => t.difficulty_hard,
    }
}

fn edit_page(
    state: &AppState,
    lang: Lang,
    session: &Session,
    id: QuestionId,
    current: &EditableQuestion,
    form: QuestionForm,
    errors: Vec<(&'static str, &'static str)>,
) -> EditPage {
    let t = lang.texts();
    let options = OPTION_FIELDS
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let letter = option_letter(index).to_string();
            OptionRow {
                index,
                field,
                label: t.qedit_option.replace("{letter}", &letter),
                right_label: t.qedit_option_right.replace("{letter}", &letter),
                value: form.options.get(index).cloned().unwrap_or_default(),
                is_right: form.right.contains(&index),
            }
        })
        .collect();
    EditPage {
        ctx: PageContext::new(state, lang, Some(session), "/question-bank"),
        id: id.0,
        difficulties: Difficulty::ALL
            .iter()
            .map(|d| (d.as_str(), difficulty_name(*d, t), Difficulty::parse(&form.difficulty) == Some(*d)))
            .collect(),
        options,
        picture: current.picture.as_ref().map(|p| PictureView::of(p, t)),
        form,
        errors,
    }
}

/// The form filled from the stored question.
fn form_of(current: &EditableQuestion) -> QuestionForm {
    let q = &current.question;
    QuestionForm {
        topic: q.topic.clone(),
        difficulty: q.difficulty.as_str().to_owned(),
        text: q.text.clone(),
        options: q.options.clone(),
        right: q.correct.clone(),
        explanation: q.explanation.clone(),
        picture_alt: current.picture.as_ref().map(|p| p.alt.clone()).unwrap_or_default(),
        remove_picture: false,
    }
}

/// `GET /question-bank/{id}/edit`: the question in a form, with its picture.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(question_id): Path<i64>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let id = QuestionId(question_id);
    let current = edit::question_for_edit(&state.ctx, &actor, commune_of(&actor)?, id).await?;
    let form = form_of(&current);
    render(&edit_page(&state, lang, &session, id, &current, form, Vec::new()))
}

/// The question as posted in the edit form.
fn question_form(posted: &MultipartForm) -> QuestionForm {
    QuestionForm {
        topic: posted.first("topic"),
        difficulty: posted.first("difficulty"),
        text: posted.first("text"),
        options: OPTION_FIELDS.iter().map(|f| posted.first(f)).collect(),
        right: posted.fields.get("right").into_iter().flatten().filter_map(|v| v.trim().parse().ok()).collect(),
        explanation: posted.first("explanation"),
        picture_alt: posted.first("picture_alt"),
        remove_picture: posted.fields.contains_key("remove_picture"),
    }
}

/// `POST /question-bank/{id}/edit` (multipart): saves the question as a new one (the old one retired) and goes back
/// to the bank, or shows the form again with each refusal next to its field; nothing is stored then.
pub(crate) async fn save_question(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(question_id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let commune_id = commune_of(&actor)?;
    let id = QuestionId(question_id);
    let posted = MultipartForm::read(multipart, "picture").await?;
    if posted.too_large {
        // Answered before the token may have been read: nothing changes.
        return Err(WebError(AppError::invalid("picture", "picture_too_large")));
    }
    if !crate::extract::tokens_match(&posted.csrf, &session.csrf_token) {
        return Ok(crate::extract::csrf_refused());
    }
    let form = question_form(&posted);
    let picture = (!posted.file.is_empty()).then_some(posted.file);
    match edit::edit_question(&state.ctx, &actor, commune_id, id, &form, picture).await {
        Ok(new_id) => Ok(Redirect::to(&format!("/question-bank#q{}", new_id.0)).into_response()),
        Err(AppError::Invalid(rejections)) => {
            let current = edit::question_for_edit(&state.ctx, &actor, commune_id, id).await?;
            let errors = rejections.iter().map(|r| (r.field, error_message(r.code, lang))).collect();
            render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_page(&state, lang, &session, id, &current, form, errors),
            )
        }
        Err(other) => Err(WebError(other)),
    }
}
