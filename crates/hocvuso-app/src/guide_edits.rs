//! Guide editor: commune staff and admins add and edit guides in the web UI, upload a picture and a recording per
//! step. Every save is a version in the database (who, when); the newest version of a guide is laid over the file of
//! the same slug, and the library is built again and swapped whole ([`crate::guides::GuideShelf`]), so the guide
//! page, search, senior mode, the leaflet and the offline list show it at once. "Back to the original" saves a
//! version without text: the file is served again.
//!
//! The text goes through the same parser as the files ([`parse_edited_guide`]): raw HTML, scripts and `javascript:`
//! links are refused with their line. Pictures go through `hocvuso_print::picture` (cleaned SVG, re-encoded photos)
//! and are stored in the database; recordings go to the audio cache on disk, where they win over generated speech.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use hocvuso_domain::accounts::Actor;
use hocvuso_domain::guides::{Guide, GuideError, GuideVersion, parse_edited_guide};
use hocvuso_domain::ids::CommuneId;
use hocvuso_domain::privacy::{AuditAction, AuditSubject, NewAuditEvent};
use hocvuso_print::picture::{PictureError, RasterLimits, SvgLimits, clean_svg, reencode_raster};
use hocvuso_speech::{AudioFormat, AudioOrigin, SpeechError, encode_wav_recording, validate_recording};
use hocvuso_store::StoredGuidePicture;
use sha2::{Digest, Sha256};

use crate::guides::{EditedGuide, GuideLibrary};
use crate::{AppError, Ctx};

/// A guide in the editor's list.
#[derive(Clone, Debug)]
pub struct EditorEntry {
    /// The guide's slug.
    pub slug: String,
    /// Its title (the slug when the saved text no longer loads).
    pub title: String,
    /// The newest saved version, when the guide was edited in the web UI and not reverted.
    pub edited: Option<GuideVersion>,
    /// Whether a file of this slug exists (the original "back to the original" returns to).
    pub has_file: bool,
    /// Whether the actor may change it (another commune's edit is theirs until reverted).
    pub may_edit: bool,
}

/// What the editor page shows for one guide.
#[derive(Clone, Debug)]
pub struct GuideSource {
    /// The guide's slug.
    pub slug: String,
    /// The text in the editor: the newest version, the file, or the version asked for.
    pub markdown: String,
    /// Whether a file of this slug exists.
    pub has_file: bool,
    /// Whether the guide served now is an edit (not the file).
    pub edited: bool,
    /// Every saved version, newest first.
    pub versions: Vec<GuideVersion>,
    /// The guide as served now, when it loads.
    pub guide: Option<Arc<Guide>>,
    /// For each step of `guide`: whether a staff recording answers its Listen button.
    pub recordings: Vec<bool>,
}

/// The skill ids a guide may name.
fn known_skills() -> Vec<&'static str> {
    hocvuso_domain::register::skills::DEFAULT_SKILLS.iter().map(|s| s.code).collect()
}

/// The commune whose edit is served now, if any: a version with text (a revert has none).
fn owner(current: Option<&GuideVersion>) -> Option<CommuneId> {
    current.filter(|v| v.markdown.is_some()).and_then(|v| v.commune_id)
}

fn may_edit_any(actor: &Actor) -> Result<(), AppError> {
    if actor.can_edit_guides() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The commune edit rule: while a commune's edit of a guide is served, only that commune's staff may change, revert
/// or delete it (guides are shared by every commune a server serves; one commune must not overwrite what another
/// wrote for its people). Another commune's staff get `guide_other_commune`, a conflict with the guide's current
/// state that ends when its owner reverts it. Roles that may not edit guides at all stay `Forbidden`.
fn may_change(actor: &Actor, current: Option<&GuideVersion>) -> Result<(), AppError> {
    may_edit_any(actor)?;
    if actor.can_edit_guide(owner(current)) { Ok(()) } else { Err(AppError::Conflict("guide_other_commune")) }
}

/// Whether the actor may use the guide editor at all (pages show the link then).
pub fn may_edit_guides(actor: &Actor) -> bool {
    actor.can_edit_guides()
}

/// Builds the library again from the files and the newest saved versions and swaps it in. Called at start-up and
/// after every change.
pub async fn reload_guides(ctx: &Ctx) -> Result<Arc<GuideLibrary>, AppError> {
    let _one_at_a_time = ctx.guide_shelf.lock_rebuild().await;
    let (versions, pictures) = {
        let mut tx = ctx.store.read().await?;
        (tx.current_guide_versions().await?, tx.list_guide_pictures().await?)
    };
    let mut by_slug: HashMap<String, HashMap<String, Arc<[u8]>>> = HashMap::new();
    for picture in pictures {
        by_slug.entry(picture.slug).or_default().insert(picture.file_name, picture.bytes.into());
    }
    let edits = versions
        .into_iter()
        .filter_map(|v| {
            let markdown = v.markdown?;
            let pictures = by_slug.remove(&v.slug).unwrap_or_default();
            Some(EditedGuide { slug: v.slug, markdown, pictures })
        })
        .collect();
    ctx.guide_shelf.rebuild(edits).await
}

/// The guides the actor may open in the editor: every guide served, and saved guides whose text no longer loads.
pub async fn editable_guides(ctx: &Ctx, actor: &Actor) -> Result<Vec<EditorEntry>, AppError> {
    may_edit_any(actor)?;
    let current = {
        let mut tx = ctx.store.read().await?;
        tx.current_guide_versions().await?
    };
    let mut edited: HashMap<String, GuideVersion> =
        current.into_iter().filter(|v| v.markdown.is_some()).map(|v| (v.slug.clone(), v)).collect();
    let library = ctx.guides();
    let entry = |slug: &str, title: String, edited: Option<GuideVersion>| EditorEntry {
        slug: slug.to_owned(),
        title,
        may_edit: actor.can_edit_guide(owner(edited.as_ref())),
        edited,
        has_file: ctx.guide_shelf.file_text(slug).is_some(),
    };
    let mut entries: Vec<EditorEntry> =
        library.list().iter().map(|g| entry(&g.slug, g.title.clone(), edited.remove(&g.slug))).collect();
    let mut refused: Vec<EditorEntry> =
        edited.into_values().map(|v| entry(&v.slug.clone(), v.slug.clone(), Some(v))).collect();
    refused.sort_by(|a, b| a.slug.cmp(&b.slug));
    entries.extend(refused);
    Ok(entries)
}

/// The editor's view of a guide: its text (the newest, or `version` from the history), its versions, and which steps
/// have a recording.
pub async fn guide_source(ctx: &Ctx, actor: &Actor, slug: &str, version: Option<i64>) -> Result<GuideSource, AppError> {
    may_edit_any(actor)?;
    let versions = {
        let mut tx = ctx.store.read().await?;
        tx.list_guide_versions(slug).await?
    };
    may_change(actor, versions.first())?;
    let file = ctx.guide_shelf.file_text(slug);
    let edited = versions.first().and_then(|v| v.markdown.clone());
    let markdown = match version {
        Some(n) => {
            versions.iter().find(|v| v.version == n).ok_or(AppError::NotFound)?.markdown.clone().or(file.clone())
        }
        None => edited.clone().or(file.clone()),
    }
    .ok_or(AppError::NotFound)?;
    let guide = ctx.guides().get(slug).ok();
    let mut recordings = Vec::new();
    if let (Some(guide), Some(cache)) = (&guide, ctx.guide_audio.cache()) {
        for step in &guide.steps {
            let found = cache.lookup(&step.speech()).await.ok().flatten();
            recordings.push(found.is_some_and(|audio| audio.origin == AudioOrigin::Recording));
        }
    }
    Ok(GuideSource {
        slug: slug.to_owned(),
        markdown,
        has_file: file.is_some(),
        edited: edited.is_some(),
        versions,
        guide,
        recordings,
    })
}

/// The text a new guide starts from: valid as it is, so "Preview" shows a guide at once.
pub fn new_guide_text() -> String {
    let skill = hocvuso_domain::register::skills::DEFAULT_SKILLS.first().map_or("", |s| s.code);
    let mut text = format!(
        "+++\ntitle = \"Tên bài hướng dẫn\"\nslug = \"bai-moi\"\nsummary = \"Một câu nói bài này giúp làm gì.\"\n\
         skills = [\"{skill}\"]\naudience = [\"everyone\"]\nminutes = 10\norder = 900\n\n"
    );
    for n in 1..=3 {
        text.push_str(&format!(
            "[[quiz]]\nquestion = \"Câu hỏi {n}?\"\noptions = [\"Đúng\", \"Sai\"]\nanswer = 0\nexplanation = \"Giải thích ngắn.\"\n\n"
        ));
    }
    text.push_str("+++\n\nMột đoạn mở đầu ngắn.\n\n");
    for n in 1..=4 {
        text.push_str(&format!("## Bước {n}\n\n![Hình bước {n}]({n}.svg)\n\nViệc cần làm ở bước {n}.\n\n"));
    }
    text
}

/// Line endings as a browser sends a textarea (CRLF) become LF: the text is stored and parsed like a file.
fn normalise(markdown: &str) -> String {
    markdown.replace("\r\n", "\n")
}

/// The line of the `slug = ` key, for "this slug is taken".
fn slug_line(markdown: &str) -> usize {
    markdown.lines().position(|l| l.trim_start().starts_with("slug")).map_or(2, |i| i + 1)
}

/// Parses the text of `slug` (or of a new guide) as the library would, without storing anything.
pub fn preview_guide(actor: &Actor, slug: Option<&str>, markdown: &str) -> Result<Result<Guide, GuideError>, AppError> {
    may_edit_any(actor)?;
    Ok(parse_edited_guide(slug, &normalise(markdown), &known_skills()))
}

/// Saves a new version of `slug` (or a new guide when `None`) and swaps the library. A text that does not parse is
/// returned as its error, with the line, and nothing is stored.
pub async fn save_guide(
    ctx: &Ctx,
    actor: &Actor,
    slug: Option<&str>,
    markdown: &str,
) -> Result<Result<String, GuideError>, AppError> {
    may_edit_any(actor)?;
    let markdown = normalise(markdown);
    let guide = match parse_edited_guide(slug, &markdown, &known_skills()) {
        Ok(guide) => guide,
        Err(e) => return Ok(Err(e)),
    };
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let versions = tx.list_guide_versions(&guide.slug).await?;
    if slug.is_none() && (!versions.is_empty() || ctx.guide_shelf.file_text(&guide.slug).is_some()) {
        return Ok(Err(GuideError {
            path: String::new(),
            line: slug_line(&markdown),
            code: "guide_slug_taken",
            detail: format!("slug {:?} is taken", guide.slug),
        }));
    }
    if slug.is_some() && versions.is_empty() && ctx.guide_shelf.file_text(&guide.slug).is_none() {
        return Err(AppError::NotFound);
    }
    may_change(actor, versions.first())?;
    let before = ctx.guides().get(&guide.slug).ok();
    let id = tx.insert_guide_version(&guide.slug, Some(&markdown), actor.commune_id, actor.user_id, now).await?;
    tx.delete_guide_pictures_except(&guide.slug, &picture_names(&guide.steps, None)).await?;
    let action = if slug.is_none() { AuditAction::Create } else { AuditAction::Update };
    tx.append_audit(&guide_audit(actor, action, Some(id), format!("guide saved: {}", guide.slug)), now).await?;
    tx.commit().await?;
    reload_guides(ctx).await?;
    forget_unsaid(ctx, before).await;
    Ok(Ok(guide.slug))
}

fn guide_audit(actor: &Actor, action: AuditAction, version_id: Option<i64>, detail: String) -> NewAuditEvent {
    NewAuditEvent::new(Some(actor.user_id), actor.commune_id, action, AuditSubject::Guide, version_id)
        .with_detail(detail)
}

/// Serves the file version of `slug` again ("Khôi phục bản gốc"); the edited versions stay in the history.
pub async fn revert_guide(ctx: &Ctx, actor: &Actor, slug: &str) -> Result<(), AppError> {
    may_edit_any(actor)?;
    if ctx.guide_shelf.file_text(slug).is_none() {
        return Err(AppError::invalid("guide", "guide_no_original"));
    }
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let versions = tx.list_guide_versions(slug).await?;
    may_change(actor, versions.first())?;
    if versions.first().is_none_or(|v| v.markdown.is_none()) {
        return Err(AppError::invalid("guide", "guide_no_original"));
    }
    let before = ctx.guides().get(slug).ok();
    let id = tx.insert_guide_version(slug, None, actor.commune_id, actor.user_id, now).await?;
    // The file's own drawings are served again: no uploaded picture is named any more.
    tx.delete_guide_pictures_except(slug, &[]).await?;
    tx.append_audit(&guide_audit(actor, AuditAction::Update, Some(id), format!("guide reverted: {slug}")), now).await?;
    tx.commit().await?;
    reload_guides(ctx).await?;
    forget_unsaid(ctx, before).await;
    Ok(())
}

// guide editor: delete, clean-up
/// The names of the pictures a version's steps show; `replaced` is (step number, new name) for a picture upload.
fn picture_names(steps: &[hocvuso_domain::guides::Step], replaced: Option<(usize, &str)>) -> Vec<String> {
    steps
        .iter()
        .map(|step| match replaced {
            Some((number, name)) if number == step.number => name.to_owned(),
            _ => step.picture.clone(),
        })
        .collect()
}

/// After a change is committed and the library swapped: removes the staff recordings and the generated speech of the
/// steps of `before` (the guide as it was served) that no guide served now says. Recordings are files, not rows, so
/// this runs right after the commit; a file that cannot be removed is logged and left (it answers nothing: the
/// Listen buttons only ask for texts the library says). Returns how many files went.
async fn forget_unsaid(ctx: &Ctx, before: Option<Arc<Guide>>) -> usize {
    let (Some(before), Some(cache)) = (before, ctx.guide_audio.cache()) else { return 0 };
    let said: HashSet<String> = ctx.guides().speech_texts().iter().filter_map(|text| cache.key(text).ok()).collect();
    let mut removed = 0;
    for step in &before.steps {
        let text = step.speech();
        if cache.key(&text).is_ok_and(|key| said.contains(&key)) {
            continue;
        }
        match cache.forget(&text).await {
            Ok(n) => removed += n,
            Err(e) => tracing::warn!(slug = %before.slug, step = step.number, error = %e, "guide audio not removed"),
        }
    }
    removed
}

/// What the delete confirmation shows: the guide's title, after the same checks as [`delete_guide`].
pub async fn guide_to_delete(ctx: &Ctx, actor: &Actor, slug: &str) -> Result<String, AppError> {
    may_edit_any(actor)?;
    if ctx.guide_shelf.file_text(slug).is_some() {
        return Err(AppError::invalid("guide", "guide_has_original"));
    }
    let versions = {
        let mut tx = ctx.store.read().await?;
        tx.list_guide_versions(slug).await?
    };
    if versions.is_empty() {
        return Err(AppError::NotFound);
    }
    may_change(actor, versions.first())?;
    Ok(ctx.guides().get(slug).map_or_else(|_| slug.to_owned(), |g| g.title.clone()))
}

/// Deletes a guide added in the editor, with its whole history and its pictures (one transaction, audited), then its
/// recordings and generated speech; it leaves the guide list, search, senior mode and the offline list at once. A
/// guide that has a file (a starter guide) cannot be deleted, only reverted: `guide_has_original`. Records of who
/// finished or was taught the guide stay; pages show its slug for them. The slug may be used again.
pub async fn delete_guide(ctx: &Ctx, actor: &Actor, slug: &str) -> Result<(), AppError> {
    may_edit_any(actor)?;
    if ctx.guide_shelf.file_text(slug).is_some() {
        return Err(AppError::invalid("guide", "guide_has_original"));
    }
    let before = ctx.guides().get(slug).ok();
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let versions = tx.list_guide_versions(slug).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound);
    }
    may_change(actor, versions.first())?;
    let (versions, pictures) = tx.delete_guide(slug).await?;
    let detail = format!("guide deleted: {slug} ({versions} versions, {pictures} pictures)");
    tx.append_audit(&guide_audit(actor, AuditAction::Update, None, detail), now).await?;
    tx.commit().await?;
    reload_guides(ctx).await?;
    forget_unsaid(ctx, before).await;
    Ok(())
}

/// The guide being changed, after the access checks: the library's guide and the text served now.
async fn editable(ctx: &Ctx, actor: &Actor, slug: &str) -> Result<(Arc<Guide>, String), AppError> {
    may_edit_any(actor)?;
    let guide = ctx.guides().get(slug)?;
    let current = {
        let mut tx = ctx.store.read().await?;
        tx.list_guide_versions(slug).await?.into_iter().next()
    };
    may_change(actor, current.as_ref())?;
    let markdown =
        current.and_then(|v| v.markdown).or_else(|| ctx.guide_shelf.file_text(slug)).ok_or(AppError::NotFound)?;
    Ok((guide, markdown))
}

/// A cleaned drawing or a re-encoded photo, with the file extension it is served under.
fn clean_picture(bytes: &[u8]) -> Result<(Vec<u8>, &'static str), PictureError> {
    let text_start = bytes.iter().position(|b| !b.is_ascii_whitespace()).map_or(bytes, |at| &bytes[at..]);
    let text_start = text_start.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(text_start);
    if text_start.starts_with(b"<") {
        return clean_svg(bytes, &SvgLimits::default()).map(|svg| (svg, "svg"));
    }
    let picture = reencode_raster(bytes, &RasterLimits::default())?;
    Ok((picture.bytes, picture.format.extension()))
}

/// Uploads the picture of step `number`: an SVG is cleaned, a PNG, JPEG or WebP photo re-encoded (shrunk, metadata
/// dropped), within size and pixel limits; a refused file stores nothing. The picture gets a new name (the step
/// and a hash of its bytes) and the guide's text points at it in a new version.
pub async fn upload_step_picture(
    ctx: &Ctx,
    actor: &Actor,
    slug: &str,
    number: usize,
    bytes: Vec<u8>,
) -> Result<(), AppError> {
    let (guide, markdown) = editable(ctx, actor, slug).await?;
    let step = guide.step(number).ok_or(AppError::NotFound)?;
    let cleaned = tokio::task::spawn_blocking(move || clean_picture(&bytes))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("picture task")))?;
    let (bytes, ext) = cleaned.map_err(|e| AppError::invalid("picture", e.code()))?;
    let hash = hex::encode(Sha256::digest(&bytes));
    let file_name = format!("{number}-{}.{ext}", &hash[..8]);
    let renamed = markdown.replacen(&format!("]({})", step.picture), &format!("]({file_name})"), 1);
    if renamed == markdown && step.picture != file_name {
        // The picture is written in a form the editor does not rewrite (a title, angle brackets): say so.
        return Err(AppError::invalid("picture", "guide_picture"));
    }
    let picture = StoredGuidePicture {
        slug: guide.slug.clone(),
        file_name: file_name.clone(),
        content_type: hocvuso_domain::guides::picture_mime(&file_name).to_owned(),
        bytes,
    };
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    tx.insert_guide_picture(&picture, actor.user_id, now).await?;
    let id = tx.insert_guide_version(&guide.slug, Some(&renamed), actor.commune_id, actor.user_id, now).await?;
    // The picture replaced goes in the same transaction: nothing served names it any more (decision 0008).
    tx.delete_guide_pictures_except(&guide.slug, &picture_names(&guide.steps, Some((number, file_name.as_str()))))
        .await?;
    let detail = format!("guide picture: {} step {number}", guide.slug);
    tx.append_audit(&guide_audit(actor, AuditAction::Update, Some(id), detail), now).await?;
    tx.commit().await?;
    reload_guides(ctx).await?;
    Ok(())
}

/// Uploads a staff recording of step `number`: Ogg Opus or MP3 kept as is, WAV encoded to Ogg Opus (refused when
/// `opusenc` is not installed); checked by size and magic bytes. It answers the step's Listen button from now on,
/// with or without a speech engine, until the step's text changes.
pub async fn upload_step_recording(
    ctx: &Ctx,
    actor: &Actor,
    slug: &str,
    number: usize,
    bytes: Vec<u8>,
) -> Result<(), AppError> {
    let (guide, text, cache) = recording_target(ctx, actor, slug, number).await?;
    let refused = |e: SpeechError| AppError::invalid("recording", e.code());
    let bytes = match validate_recording(&bytes).map_err(refused)? {
        AudioFormat::Wav => encode_wav_recording(&bytes).await.map_err(|e| match e {
            SpeechError::EngineUnavailable { .. } => AppError::invalid("recording", "recording_wav_unsupported"),
            _ => AppError::invalid("recording", "recording_format_unknown"),
        })?,
        AudioFormat::OggOpus | AudioFormat::Mp3 => bytes,
    };
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let detail = format!("guide recording: {} step {number}", guide.slug);
    tx.append_audit(&guide_audit(actor, AuditAction::Update, None, detail), now).await?;
    cache.put_recording(&text, bytes).await.map_err(recording_error)?;
    tx.commit().await?;
    Ok(())
}

/// Removes the staff recording of step `number`; generated speech (if any) answers again. Says whether there was one.
pub async fn delete_step_recording(ctx: &Ctx, actor: &Actor, slug: &str, number: usize) -> Result<bool, AppError> {
    let (guide, text, cache) = recording_target(ctx, actor, slug, number).await?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let detail = format!("guide recording removed: {} step {number}", guide.slug);
    tx.append_audit(&guide_audit(actor, AuditAction::Update, None, detail), now).await?;
    let removed = cache.remove_recording(&text).await.map_err(recording_error)?;
    tx.commit().await?;
    Ok(removed)
}

/// The guide, the spoken text of step `number` (what a recording is keyed by) and the audio cache, after the access
/// checks.
async fn recording_target<'a>(
    ctx: &'a Ctx,
    actor: &Actor,
    slug: &str,
    number: usize,
) -> Result<(Arc<Guide>, String, &'a hocvuso_speech::AudioCache), AppError> {
    let (guide, _) = editable(ctx, actor, slug).await?;
    let text = guide.step(number).ok_or(AppError::NotFound)?.speech();
    let cache = ctx.guide_audio.cache().ok_or(AppError::invalid("recording", "recording_unavailable"))?;
    Ok((guide, text, cache))
}

fn recording_error(e: SpeechError) -> AppError {
    match e {
        SpeechError::Io(_) => AppError::Internal(anyhow::Error::new(e).context("recording")),
        other => AppError::invalid("recording", other.code()),
    }
}
