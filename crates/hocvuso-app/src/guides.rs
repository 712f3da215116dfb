//! Guides: the library loaded at start-up (embedded starter set, or a directory), its search index, quiz
//! marking, the Listen audio of each step, and progress (finished guides, "taught this guide to this person").

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use hocvuso_domain::guides::{Guide, GuideError, QuizResult, check_svg, parse_guide, score_quiz, valid_picture_name};
use hocvuso_search::{SearchDoc, SearchIndex};
use hocvuso_speech::{AudioCache, SpeechError};
use tokio::sync::Semaphore;

use hocvuso_domain::accounts::Actor;
use hocvuso_domain::guides::GuideTaught;
use hocvuso_domain::ids::ResidentId;
use hocvuso_domain::privacy::{AuditAction, NewAuditEvent};

use crate::register::skills::live_resident;
use crate::{AppError, Ctx};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/guides_embedded.rs"));
}

/// The kind of guides in the search index.
const KIND: &str = "guide";

/// Every guide the server serves, their pictures and a search index over them. Immutable once built: an edit builds
/// a new library and swaps it whole on the [`GuideShelf`].
pub struct GuideLibrary {
    guides: Vec<Arc<Guide>>,
    by_slug: HashMap<String, usize>,
    pictures: HashMap<(String, String), Arc<[u8]>>,
    index: SearchIndex,
    problems: Vec<GuideError>,
}

impl std::fmt::Debug for GuideLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuideLibrary")
            .field("guides", &self.guides.len())
            .field("problems", &self.problems.len())
            .finish()
    }
}

/// A search result: the guide and a snippet of where the words matched.
#[derive(Clone, Debug)]
pub struct GuideHit {
    /// The guide.
    pub guide: Arc<Guide>,
    /// Words around the match, if the body matched.
    pub snippet: Option<String>,
}

impl GuideLibrary {
    /// The starter guides compiled into the binary (built once per process).
    pub fn embedded() -> Arc<GuideLibrary> {
        static LIBRARY: OnceLock<Arc<GuideLibrary>> = OnceLock::new();
        LIBRARY.get_or_init(|| Arc::new(GuideLibrary::from_files(EMBEDDED_ROOT, embedded_files()))).clone()
    }

    /// The guides of a directory laid out like `content/guides` (an operator's override).
    pub fn from_dir(dir: &Path) -> std::io::Result<GuideLibrary> {
        Ok(GuideLibrary::from_files(&dir.display().to_string(), read_dir_files(dir)?))
    }

    /// Builds the library from (path relative to the guides folder, bytes) pairs. A bad guide, or a guide with
    /// a bad or missing picture, is left out and listed in [`GuideLibrary::problems`]; the others load.
    pub fn from_files(root: &str, files: GuideFiles) -> GuideLibrary {
        GuideLibrary::build(root, files, Vec::new())
    }
}

/// Guide files: (path relative to the guides folder, bytes).
pub type GuideFiles = Vec<(String, Vec<u8>)>;

/// Where the embedded guides say they come from in messages.
const EMBEDDED_ROOT: &str = "content/guides";

/// Where guides edited in the web editor say they come from in messages.
const EDITS_ROOT: &str = "database";

fn embedded_files() -> GuideFiles {
    embedded::EMBEDDED.iter().map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec())).collect()
}

/// The drawing served for a step of an edited guide that has no picture yet.
const PLACEHOLDER_SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 240"><rect width="320" height="240" fill="#eef2f5"/><rect x="110" y="70" width="100" height="80" rx="8" fill="none" stroke="#8a97a3" stroke-width="6"/><circle cx="140" cy="100" r="10" fill="#8a97a3"/><path d="M118 142l30-28 22 20 14-12 18 20z" fill="#8a97a3"/></svg>"##;

/// A guide as the web editor saved it, laid over the files: its text and the pictures uploaded for it.
#[derive(Clone, Debug)]
pub struct EditedGuide {
    /// The guide.
    pub slug: String,
    /// Its whole text.
    pub markdown: String,
    /// Uploaded pictures by file name (cleaned or re-encoded at upload).
    pub pictures: HashMap<String, Arc<[u8]>>,
}

fn read_dir_files(dir: &Path) -> std::io::Result<GuideFiles> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            for picture in std::fs::read_dir(&path)? {
                let picture = picture?;
                let file = picture.file_name().to_string_lossy().into_owned();
                if file.ends_with(".svg") {
                    files.push((format!("{name}/{file}"), std::fs::read(picture.path())?));
                }
            }
        } else if name.ends_with(".md") && name != "README.md" {
            files.push((name, std::fs::read(&path)?));
        }
    }
    Ok(files)
}

impl GuideLibrary {
    /// Builds the library from the files (as [`GuideLibrary::from_files`]) with `edits` laid over them: an edited
    /// guide replaces the file of the same slug; its pictures are the uploaded ones, else the file's, else a
    /// placeholder drawing (a new guide is saved before its pictures are uploaded).
    pub fn build(root: &str, files: GuideFiles, edits: Vec<EditedGuide>) -> GuideLibrary {
        let known: Vec<&str> = hocvuso_domain::register::skills::DEFAULT_SKILLS.iter().map(|s| s.code).collect();
        let edited: HashSet<String> = edits.iter().map(|e| format!("{}.md", e.slug)).collect();
        let mut svgs: HashMap<String, Vec<u8>> = HashMap::new();
        let mut texts = Vec::new();
        for (name, bytes) in files {
            if name.ends_with(".md") {
                if !edited.contains(&name) {
                    texts.push((format!("{root}/{name}"), bytes, None));
                }
            } else {
                svgs.insert(name, bytes);
            }
        }
        for edit in edits {
            texts.push((format!("{EDITS_ROOT}/{}.md", edit.slug), edit.markdown.into_bytes(), Some(edit.pictures)));
        }
        texts.sort_by(|a, b| a.0.cmp(&b.0));
        let mut guides = Vec::new();
        let mut pictures = HashMap::new();
        let mut problems = Vec::new();
        'guides: for (path, bytes, uploaded) in texts {
            let text = match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    problems.push(GuideError { path, line: 1, code: "guide_encoding", detail: "not UTF-8".to_owned() });
                    continue;
                }
            };
            let guide = match parse_guide(&path, &text, &known) {
                Ok(guide) => guide,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let mut own = Vec::new();
            for step in &guide.steps {
                let file = format!("{}/{}", guide.slug, step.picture);
                let found: Result<Arc<[u8]>, String> =
                    match (uploaded.as_ref().and_then(|u| u.get(&step.picture)), svgs.get(&file)) {
                        (Some(bytes), _) => Ok(bytes.clone()),
                        (None, Some(svg)) => check_svg(svg).map(|()| svg.clone().into()).map_err(|e| e.to_string()),
                        (None, None) if uploaded.is_some() => Ok(PLACEHOLDER_SVG.into()),
                        (None, None) => Err("missing".to_owned()),
                    };
                match found {
                    Ok(bytes) => own.push(((guide.slug.clone(), step.picture.clone()), bytes)),
                    Err(detail) => {
                        problems.push(GuideError {
                            path: format!("{root}/{file}"),
                            line: 1,
                            code: "guide_picture",
                            detail,
                        });
                        continue 'guides;
                    }
                }
            }
            pictures.extend(own);
            guides.push(Arc::new(guide));
        }
        guides.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.slug.cmp(&b.slug)));
        let docs = guides.iter().map(|g| SearchDoc {
            id: g.slug.clone(),
            kind: KIND.to_owned(),
            title: g.title.clone(),
            body: g.search_body(),
        });
        // Building an in-memory index of a few dozen texts cannot fail short of a bug; start-up stops then.
        #[allow(clippy::expect_used)]
        let index = SearchIndex::build(docs).expect("build the guide search index");
        let by_slug = guides.iter().enumerate().map(|(i, g)| (g.slug.clone(), i)).collect();
        GuideLibrary { guides, by_slug, pictures, index, problems }
    }

    /// The guides, in their order.
    pub fn list(&self) -> &[Arc<Guide>] {
        &self.guides
    }

    /// The guide with this slug.
    pub fn get(&self, slug: &str) -> Result<Arc<Guide>, AppError> {
        self.by_slug.get(slug).map(|&i| self.guides[i].clone()).ok_or(AppError::NotFound)
    }

    /// A checked picture of a guide.
    pub fn picture(&self, slug: &str, file: &str) -> Result<Arc<[u8]>, AppError> {
        if !valid_picture_name(file) {
            return Err(AppError::NotFound);
        }
        self.pictures.get(&(slug.to_owned(), file.to_owned())).cloned().ok_or(AppError::NotFound)
    }

    /// Files that were refused at load, with path and line.
    pub fn problems(&self) -> &[GuideError] {
        &self.problems
    }

    /// The guides matching `query`, best first.
    pub fn search(&self, query: &str) -> Result<Vec<GuideHit>, AppError> {
        let hits =
            self.index.search(query, 50).map_err(|e| AppError::Internal(anyhow::anyhow!("guide search: {e}")))?;
        Ok(hits
            .into_iter()
            .filter_map(|hit| {
                let guide = self.get(&hit.id).ok()?;
                Some(GuideHit { guide, snippet: hit.snippet.map(|s| s.text) })
            })
            .collect())
    }

    /// Every text the Listen buttons say, for generating audio ahead of time.
    pub fn speech_texts(&self) -> Vec<String> {
        self.guides.iter().flat_map(|g| g.steps.iter().map(|s| s.speech())).collect()
    }
}

// guide editor
/// The library being served, swapped whole when a guide is edited: readers take the current [`Arc`] and keep a
/// consistent library for as long as they hold it; a rebuild never blocks them. The files (embedded or
/// `--guides-dir`) are kept so that edits can be laid over them again.
pub struct GuideShelf {
    current: RwLock<Arc<GuideLibrary>>,
    root: String,
    files: Arc<GuideFiles>,
    /// One rebuild at a time, so the last library swapped in is built from the last edits.
    rebuilding: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for GuideShelf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuideShelf").field("root", &self.root).finish()
    }
}

impl GuideShelf {
    /// The embedded starter guides, with no edits yet.
    pub fn embedded() -> Arc<GuideShelf> {
        static FILES: OnceLock<Arc<GuideFiles>> = OnceLock::new();
        let files = FILES.get_or_init(|| Arc::new(embedded_files())).clone();
        Arc::new(GuideShelf::with_library(GuideLibrary::embedded(), EMBEDDED_ROOT, files))
    }

    /// The guides of a directory (`--guides-dir`), with no edits yet.
    pub fn from_dir(dir: &Path) -> std::io::Result<Arc<GuideShelf>> {
        let root = dir.display().to_string();
        let files = read_dir_files(dir)?;
        let library = Arc::new(GuideLibrary::from_files(&root, files.clone()));
        Ok(Arc::new(GuideShelf::with_library(library, &root, Arc::new(files))))
    }

    fn with_library(library: Arc<GuideLibrary>, root: &str, files: Arc<GuideFiles>) -> GuideShelf {
        GuideShelf {
            current: RwLock::new(library),
            root: root.to_owned(),
            files,
            rebuilding: tokio::sync::Mutex::new(()),
        }
    }

    /// The library served now.
    pub fn current(&self) -> Arc<GuideLibrary> {
        // A poisoned lock still holds a whole library: the swap is one assignment.
        match self.current.read() {
            Ok(library) => library.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The text of the file version of a guide, if there is one.
    pub fn file_text(&self, slug: &str) -> Option<String> {
        let name = format!("{slug}.md");
        self.files.iter().find(|(n, _)| *n == name).and_then(|(_, bytes)| String::from_utf8(bytes.clone()).ok())
    }

    /// Builds the library again from the files with `edits` laid over them (off the async runtime) and swaps it in.
    /// Callers hold [`GuideShelf::lock_rebuild`] from reading the edits until this returns.
    pub(crate) async fn rebuild(&self, edits: Vec<EditedGuide>) -> Result<Arc<GuideLibrary>, AppError> {
        let (root, files) = (self.root.clone(), self.files.clone());
        let library = tokio::task::spawn_blocking(move || GuideLibrary::build(&root, (*files).clone(), edits))
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("guide library rebuild")))?;
        let library = Arc::new(library);
        match self.current.write() {
            Ok(mut current) => *current = library.clone(),
            Err(poisoned) => *poisoned.into_inner() = library.clone(),
        }
        Ok(library)
    }

    /// Serialises rebuilds.
    pub(crate) async fn lock_rebuild(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.rebuilding.lock().await
    }
}

/// Marks a quiz of the guide `slug`.
pub fn mark_quiz(
    library: &GuideLibrary,
    slug: &str,
    answers: &[Option<usize>],
) -> Result<(Arc<Guide>, QuizResult), AppError> {
    let guide = library.get(slug)?;
    let result = score_quiz(&guide.quiz, answers);
    Ok((guide, result))
}

/// The Listen audio of the steps: the cache, and a bound on speech made while someone waits.
pub struct GuideAudio {
    cache: Option<AudioCache>,
    on_demand: Semaphore,
    dir: PathBuf,
    /// Whether the cache's engine speaks (false: staff recordings only).
    speaks: bool,
}

impl std::fmt::Debug for GuideAudio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuideAudio").field("available", &self.cache.is_some()).field("speaks", &self.speaks).finish()
    }
}

/// Why a step's audio cannot be given now.
#[derive(Debug)]
pub enum AudioRefusal {
    /// No speech engine is installed or configured.
    Unavailable,
    /// The engine is busy with other requests; try again soon.
    Busy,
}

/// A step's audio file.
#[derive(Clone, Debug)]
pub struct StepAudio {
    /// The file on disk.
    pub path: PathBuf,
    /// Its MIME type.
    pub mime: &'static str,
}

impl GuideAudio {
    /// No audio at all (tests, or a server without espeak-ng): every request is refused as unavailable.
    pub fn disabled() -> GuideAudio {
        GuideAudio { cache: None, on_demand: Semaphore::new(0), dir: PathBuf::new(), speaks: false }
    }

    /// Audio from `cache` (in `dir`), speaking at most `jobs` texts at once on demand.
    pub fn new(cache: AudioCache, dir: PathBuf, jobs: usize) -> GuideAudio {
        GuideAudio { cache: Some(cache), on_demand: Semaphore::new(jobs.max(1)), dir, speaks: true }
    }

    // guide editor
    /// Staff recordings only, from `cache` (in `dir`) whose engine does not speak (a server without espeak-ng): a
    /// step with a recording plays it; any other step is refused as unavailable, as with no audio at all.
    pub fn recordings_only(cache: AudioCache, dir: PathBuf) -> GuideAudio {
        GuideAudio { cache: Some(cache), on_demand: Semaphore::new(0), dir, speaks: false }
    }

    /// Whether speech is generated (false: no engine; recordings, if any, still play).
    pub fn speaks(&self) -> bool {
        self.speaks
    }

    /// The folder of the cache.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The audio cache, when speech is available.
    pub fn cache(&self) -> Option<&AudioCache> {
        self.cache.as_ref()
    }

    // guides offline: audio
    /// The size in bytes of the audio `text` already has (a staff recording or cached speech), without speaking it:
    /// what a phone can take for offline use now. `None` when nothing is ready (or there is no audio at all).
    pub async fn ready_size(&self, text: &str) -> Option<u64> {
        let audio = self.cache.as_ref()?.lookup(text).await.ok()??;
        tokio::fs::metadata(&audio.path).await.ok().map(|m| m.len())
    }

    /// The audio of step `number` of `slug`: cached or recorded audio at once; otherwise speech generated now when
    /// a slot is free.
    pub async fn step_audio(
        &self,
        library: &GuideLibrary,
        slug: &str,
        number: usize,
    ) -> Result<Result<StepAudio, AudioRefusal>, AppError> {
        let guide = library.get(slug)?;
        let step = guide.step(number).ok_or(AppError::NotFound)?;
        let Some(cache) = &self.cache else { return Ok(Err(AudioRefusal::Unavailable)) };
        let text = step.speech();
        let found = cache.lookup(&text).await.map_err(speech_error)?;
        let audio = match found {
            Some(audio) => audio,
            None if !self.speaks => return Ok(Err(AudioRefusal::Unavailable)),
            None => {
                let Ok(_slot) = self.on_demand.try_acquire() else { return Ok(Err(AudioRefusal::Busy)) };
                match cache.get_or_generate(&text).await {
                    Ok(audio) => audio,
                    Err(SpeechError::EngineUnavailable { .. }) => return Ok(Err(AudioRefusal::Unavailable)),
                    Err(SpeechError::Timeout(_)) => return Ok(Err(AudioRefusal::Busy)),
                    Err(e) => return Err(speech_error(e)),
                }
            }
        };
        Ok(Ok(StepAudio { path: audio.path, mime: audio.format.mime() }))
    }
}

fn speech_error(e: SpeechError) -> AppError {
    AppError::Internal(anyhow::anyhow!("step audio: {e}"))
}

/// Records that the signed-in user finished the guide `slug` (finishing it twice keeps the first date).
pub async fn finish_guide(ctx: &Ctx, actor: &Actor, slug: &str) -> Result<(), AppError> {
    let guide = ctx.guides().get(slug)?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    tx.insert_guide_progress(actor.user_id, &guide.slug, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The slugs of the guides the signed-in user finished, oldest first.
pub async fn finished_guides(ctx: &Ctx, actor: &Actor) -> Result<Vec<String>, AppError> {
    let mut tx = ctx.store.read().await?;
    Ok(tx.list_guide_progress(actor.user_id).await?.into_iter().map(|(slug, _)| slug).collect())
}

/// Records "taught this guide to this person" for a resident in the actor's scope, with its audit entry: evidence
/// in the register, shown on the resident's page and included in their export.
pub async fn record_guide_taught(
    ctx: &Ctx,
    actor: &Actor,
    resident_id: ResidentId,
    slug: &str,
) -> Result<i64, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let guide = ctx.guides().get(slug).map_err(|_| AppError::invalid("guide", "guide_unknown"))?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = live_resident(tx.resident_by_id(scope, resident_id).await?)?;
    let id = tx.insert_guide_taught(resident.commune_id, resident.id, &guide.slug, actor.user_id, now).await?;
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, resident.commune_id, AuditAction::Update, resident.id)
            .with_detail(format!("guide taught: {}", guide.slug)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The guides taught to a resident in the actor's scope, newest first (the page that shows them audits the view).
pub async fn guides_taught(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<Vec<GuideTaught>, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let mut tx = ctx.store.read().await?;
    tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    Ok(tx.list_guides_taught(resident_id).await?)
}

/// The paper of a leaflet.
pub use hocvuso_print::pdf::Paper;

/// A guide's printable leaflet (A5 or A4): its steps with their pictures and a QR code to `guide_url`, the online
/// guide. The footer names the commune when the deployment serves exactly one. Typeset off the async runtime.
pub async fn leaflet(
    ctx: &Ctx,
    slug: &str,
    paper: Paper,
    guide_url: String,
) -> Result<crate::register::exports::Download, AppError> {
    use anyhow::Context as _;
    use hocvuso_print::pdf::{DocDate, Leaflet, LeafletStep, render_leaflet};

    let library = ctx.guides();
    let guide = library.get(slug)?;
    let mut steps = Vec::with_capacity(guide.steps.len());
    for step in &guide.steps {
        // A drawing (SVG) or a photo uploaded in the editor (JPEG or PNG, re-encoded at upload).
        let picture = library.picture(&guide.slug, &step.picture).ok().map(|b| b.to_vec());
        let (picture_svg, photo) = if step.picture.ends_with(".svg") { (picture, None) } else { (None, picture) };
        steps.push(LeafletStep { title: step.title.clone(), text: step.text.clone(), picture_svg, photo });
    }
    let served = crate::places::list_served_communes(ctx).await?;
    let commune = match served.as_slice() {
        [only] => only.name.clone(),
        _ => String::new(),
    };
    let today = hocvuso_domain::calendar::vietnam_date(ctx.now());
    let leaflet = Leaflet {
        title: guide.title.clone(),
        summary: guide.summary.clone(),
        steps,
        url: guide_url,
        paper,
        date: DocDate { year: today.year(), month: u8::from(today.month()), day: today.day() },
        commune,
    };
    let bytes = tokio::task::spawn_blocking(move || render_leaflet(&leaflet))
        .await
        .context("leaflet task")?
        .context("leaflet")?;
    let size = match paper {
        Paper::A4 => "a4",
        Paper::A5 => "a5",
    };
    Ok(crate::register::exports::Download { file_name: format!("huong-dan-{}-{size}.pdf", guide.slug), bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_library_holds_the_starter_set() {
        let library = GuideLibrary::embedded();
        assert!(library.problems().is_empty(), "{:?}", library.problems());
        assert!(library.list().len() >= 24);
        assert!(library.picture("dang-ky-khai-sinh", "1.svg").is_ok());
        assert!(library.picture("dang-ky-khai-sinh", "../x.svg").is_err());
    }

    #[test]
    fn a_bad_file_is_reported_and_the_others_load() {
        let mut files: Vec<(String, Vec<u8>)> =
            embedded::EMBEDDED.iter().map(|(n, b)| ((*n).to_owned(), b.to_vec())).collect();
        files.push(("broken.md".to_owned(), b"+++\ntitle = \n+++\n".to_vec()));
        for (name, bytes) in files.iter_mut() {
            if name == "quet-ma-qr/2.svg" {
                *bytes = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
            }
        }
        let library = GuideLibrary::from_files("g", files);
        let problems: Vec<String> = library.problems().iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("g/broken.md:2:")), "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("g/quet-ma-qr/2.svg")), "{problems:?}");
        assert!(library.get("quet-ma-qr").is_err());
        assert!(library.get("dang-ky-khai-sinh").is_ok());
    }

    #[test]
    fn a_folder_overrides_the_embedded_guides() {
        let dir = std::env::temp_dir().join(format!("hv-guides-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("quet-ma-qr")).unwrap();
        for (name, bytes) in embedded::EMBEDDED {
            if name.starts_with("quet-ma-qr") {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
        }
        std::fs::write(dir.join("bad.md"), "+++\ntitle = \"x\"\nslug = \"bad\"\n+++\n<script>x</script>\n").unwrap();
        let library = GuideLibrary::from_dir(&dir).unwrap();
        assert_eq!(library.list().iter().map(|g| g.slug.as_str()).collect::<Vec<_>>(), vec!["quet-ma-qr"]);
        assert_eq!(library.problems().len(), 1);
        assert!(library.problems()[0].path.ends_with("/bad.md"), "{:?}", library.problems());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn searches_find_the_right_guide_first() {
        let library = GuideLibrary::embedded();
        for (query, slug) in [
            ("dang ky khai sinh", "dang-ky-khai-sinh"),
            ("khai sinh", "dang-ky-khai-sinh"),
            ("thanh toan tien dien", "thanh-toan-dien-nuoc-hoc-phi"),
            ("goi video zalo", "zalo-goi-video"),
            ("vneid muc 2", "vneid-muc-2"),
            ("lua dao", "nhan-biet-lua-dao"),
        ] {
            let hits = library.search(query).unwrap();
            assert_eq!(hits.first().map(|h| h.guide.slug.as_str()), Some(slug), "{query}");
        }
    }
}
