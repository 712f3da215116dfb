//! Editing one question of the bank on a page, with its picture (issue #5 item 1).
//!
//! A contest copies the list of its questions when it is created and must never change after, so an edit does not
//! touch the question: it adds a new question with the changes and retires the old one, in one transaction.
//! Contests created before keep the old question, its key and its picture; contests created after draw the new one.
//! A picture is cleaned (SVG) or re-encoded (PNG, JPEG, WebP) by `hocvuso_print::picture`, as the guide editor's,
//! and stored once under the SHA-256 of what is kept; a refused file stores nothing.

use hocvuso_domain::accounts::Actor;
use hocvuso_domain::contests::questions::{
    Difficulty, MAX_EXPLANATION_CHARS, MAX_OPTION_CHARS, MAX_OPTIONS, MAX_PICTURE_ALT_CHARS, MAX_QUESTION_CHARS,
    MIN_OPTIONS, NewQuestion, Question, QuestionError, QuestionPicture,
};
use hocvuso_domain::ids::{CommuneId, QuestionId};
use hocvuso_domain::text;
use hocvuso_print::picture::{PictureError, RasterLimits, SvgLimits, clean_svg, reencode_raster};
use sha2::{Digest, Sha256};

use super::manage;
use crate::{AppError, Ctx, Rejection};

/// The form field of each option, A to F.
pub const OPTION_FIELDS: [&str; MAX_OPTIONS] = ["option_a", "option_b", "option_c", "option_d", "option_e", "option_f"];

/// Largest picture file accepted (the photo limit of the guide editor; a drawing is refused above 512 KB).
pub const MAX_PICTURE_BYTES: usize = 10 * 1024 * 1024;

/// A question as the edit form posts it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionForm {
    /// Topic; empty means none.
    pub topic: String,
    /// `easy`, `medium` or `hard`.
    pub difficulty: String,
    /// The question.
    pub text: String,
    /// The six option fields, A to F; blank ones at the end are not options.
    pub options: Vec<String>,
    /// Which options are right, by index from 0.
    pub right: Vec<usize>,
    /// Why the answer is right.
    pub explanation: String,
    /// The picture's description.
    pub picture_alt: String,
    /// Take the picture away (ignored when a new one is uploaded).
    pub remove_picture: bool,
}

/// A question of the bank as the edit form starts from.
#[derive(Clone, Debug)]
pub struct EditableQuestion {
    /// The question.
    pub question: Question,
    /// Its picture, if it has one.
    pub picture: Option<QuestionPicture>,
}

/// A question of the commune's bank (not retired) with its picture.
pub async fn question_for_edit(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
    question_id: QuestionId,
) -> Result<EditableQuestion, AppError> {
    manage(actor, commune_id)?;
    let mut tx = ctx.store.read().await?;
    let (question, picture) = tx.bank_question(commune_id, question_id).await?.ok_or(AppError::NotFound)?;
    Ok(EditableQuestion { question, picture })
}

/// The pictures of the commune's bank, by question.
pub async fn bank_pictures(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
) -> Result<Vec<(QuestionId, QuestionPicture)>, AppError> {
    manage(actor, commune_id)?;
    let mut tx = ctx.store.read().await?;
    Ok(tx.bank_pictures(commune_id).await?)
}

/// Checks a text against a length; the refusal names the field.
fn bounded(rejections: &mut Vec<Rejection>, field: &'static str, value: &str, max: usize, multiline: bool) -> String {
    let cleaned = if multiline { text::clean_multiline(value) } else { text::clean(value) };
    if cleaned.chars().count() > max {
        rejections.push(Rejection { field, code: QuestionError::TooLong.code() });
    }
    cleaned
}

/// Validates the form field by field, as the import does question by question (2–6 options that differ, at least one
/// right and not all), each refusal on its own field.
pub fn check_question_form(form: &QuestionForm) -> Result<(Question, String), Vec<Rejection>> {
    let mut rejections = Vec::new();
    let question_text = bounded(&mut rejections, "text", &form.text, MAX_QUESTION_CHARS, true);
    if question_text.is_empty() {
        rejections.push(Rejection { field: "text", code: QuestionError::NoText.code() });
    }
    let topic = bounded(&mut rejections, "topic", &form.topic, MAX_OPTION_CHARS, false);
    let explanation = bounded(&mut rejections, "explanation", &form.explanation, MAX_EXPLANATION_CHARS, true);
    let alt = bounded(&mut rejections, "picture_alt", &form.picture_alt, MAX_PICTURE_ALT_CHARS, false);
    let difficulty = match Difficulty::parse(&form.difficulty) {
        Some(difficulty) => difficulty,
        None => {
            rejections.push(Rejection { field: "difficulty", code: "question_file_unknown_difficulty" });
            Difficulty::default()
        }
    };
    let typed: Vec<String> = OPTION_FIELDS
        .iter()
        .enumerate()
        .map(|(i, field)| {
            bounded(&mut rejections, field, form.options.get(i).map_or("", String::as_str), MAX_OPTION_CHARS, false)
        })
        .collect();
    let used = typed.iter().rposition(|o| !o.is_empty()).map_or(0, |last| last + 1);
    let mut folded: Vec<String> = Vec::with_capacity(used);
    for (i, option) in typed.iter().take(used).enumerate() {
        let field = OPTION_FIELDS.get(i).copied().unwrap_or("options");
        if option.is_empty() {
            // A gap (A, B, then D) would shift every letter after it.
            rejections.push(Rejection { field, code: QuestionError::EmptyOption.code() });
            continue;
        }
        let key = text::fold(option);
        if folded.contains(&key) {
            rejections.push(Rejection { field, code: QuestionError::DuplicateOption.code() });
        }
        folded.push(key);
    }
    if used < MIN_OPTIONS {
        rejections.push(Rejection { field: "options", code: QuestionError::TooFewOptions.code() });
    }
    let mut right = form.right.clone();
    right.sort_unstable();
    right.dedup();
    if right.is_empty() {
        rejections.push(Rejection { field: "right", code: QuestionError::NoAnswer.code() });
    } else if right.iter().any(|&i| i >= used || typed.get(i).is_none_or(String::is_empty)) {
        rejections.push(Rejection { field: "right", code: QuestionError::AnswerNotAnOption.code() });
    } else if used >= MIN_OPTIONS && right.len() == used {
        rejections.push(Rejection { field: "right", code: QuestionError::AllAnswersRight.code() });
    }
    if !rejections.is_empty() {
        return Err(rejections);
    }
    let new = NewQuestion {
        topic,
        difficulty,
        text: question_text,
        options: typed.into_iter().take(used).collect(),
        correct: right,
        explanation,
    };
    // The checks above are the domain's, field by field; the domain has the last word.
    Question::new(new).map(|q| (q, alt)).map_err(|err| vec![Rejection { field: "text", code: err.code() }])
}

/// A cleaned drawing or a re-encoded photo with its type.
fn clean_picture(bytes: &[u8]) -> Result<(Vec<u8>, &'static str), PictureError> {
    if bytes.len() > MAX_PICTURE_BYTES {
        return Err(PictureError::TooLarge { size: bytes.len(), limit: MAX_PICTURE_BYTES });
    }
    let text_start = bytes.iter().position(|b| !b.is_ascii_whitespace()).map_or(bytes, |at| &bytes[at..]);
    let text_start = text_start.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(text_start);
    if text_start.starts_with(b"<") {
        return clean_svg(bytes, &SvgLimits::default()).map(|svg| (svg, "image/svg+xml"));
    }
    let picture = reencode_raster(bytes, &RasterLimits::default())?;
    Ok((picture.bytes, picture.format.mime()))
}

/// Saves an edited question: a new question with the form's content (and the new picture, the old one, or none)
/// replaces the old one in the bank, which is retired. Contests already created keep the old question. Nothing is
/// stored when a field or the picture is refused. Returns the new question's id.
pub async fn edit_question(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
    question_id: QuestionId,
    form: &QuestionForm,
    picture: Option<Vec<u8>>,
) -> Result<QuestionId, AppError> {
    manage(actor, commune_id)?;
    let checked = check_question_form(form);
    let cleaned = match picture.filter(|bytes| !bytes.is_empty()) {
        Some(bytes) => Some(
            tokio::task::spawn_blocking(move || clean_picture(&bytes))
                .await
                .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("picture task")))?,
        ),
        None => None,
    };
    let mut rejections = match &checked {
        Ok(_) => Vec::new(),
        Err(rejections) => rejections.clone(),
    };
    if let Some(Err(err)) = &cleaned {
        rejections.push(Rejection { field: "picture", code: err.code() });
    }
    let (Ok((question, alt)), true) = (checked, rejections.is_empty()) else {
        return Err(AppError::Invalid(rejections));
    };
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let (_, old_picture) = tx.bank_question(commune_id, question_id).await?.ok_or(AppError::NotFound)?;
    let picture_sha = match cleaned {
        Some(Ok((bytes, content_type))) => {
            let sha = hex::encode(Sha256::digest(&bytes));
            tx.insert_contest_picture(&sha, content_type, &bytes, Some(actor.user_id), now).await?;
            Some(sha)
        }
        _ if form.remove_picture => None,
        _ => old_picture.map(|p| p.sha256),
    };
    let new_id = tx
        .insert_questions(commune_id, std::slice::from_ref(&question), Some(actor.user_id), now)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("question insert returned no id")))?;
    let alt = if picture_sha.is_some() { alt } else { String::new() };
    tx.set_question_picture(new_id, picture_sha.as_deref(), &alt).await?;
    if !tx.retire_question(commune_id, question_id, now).await? {
        // Retired by someone else meanwhile: their change stands, this one is dropped with the transaction.
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    tracing::info!(commune = %commune_id, old = question_id.0, new = new_id.0, "contest question edited");
    Ok(new_id)
}

/// A stored picture, by the name it is served under (`{sha256}.{ext}`): its type and bytes. Public: the name is
/// a hash of the content, so only someone shown the question knows it. Unknown names are not found.
pub async fn picture(ctx: &Ctx, file_name: &str) -> Result<(String, Vec<u8>), AppError> {
    let (sha, ext) = QuestionPicture::parse_file_name(file_name).ok_or(AppError::NotFound)?;
    let mut tx = ctx.store.read().await?;
    let (content_type, bytes) = tx.contest_picture(sha).await?.ok_or(AppError::NotFound)?;
    if QuestionPicture::extension(&content_type) != Some(ext) {
        return Err(AppError::NotFound);
    }
    Ok((content_type, bytes))
}
