//! Start-up of the guides: which library to serve (built in, or `--guides-dir`) with the guides edited in the web
//! UI laid over it, the audio cache in `<data>/audio` (recordings only without espeak-ng), and speaking every step in
//! the background with bounded jobs, progress in the logs.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use hocvuso_app::Ctx;
use hocvuso_app::guides::{GuideAudio, GuideShelf};
use hocvuso_speech::{AudioCache, EspeakEngine, NoEngine, SpeechEngine, Voice};

use crate::config::ServeArgs;

/// Adds the guide library and audio to `ctx`, and starts generating the audio that is missing.
pub(crate) async fn wire(ctx: Ctx, data: &Path, args: &ServeArgs) -> anyhow::Result<Ctx> {
    let shelf = match &args.guides_dir {
        Some(dir) => {
            GuideShelf::from_dir(dir).with_context(|| format!("could not read the guides in {}", dir.display()))?
        }
        None => GuideShelf::embedded(),
    };
    let ctx = ctx.with_guides(shelf);
    // guide editor: the guides saved in the web UI are laid over the files.
    let library = hocvuso_app::guide_edits::reload_guides(&ctx).await.context("could not load the edited guides")?;
    for problem in library.problems() {
        // Paths and line numbers of our own content files: no personal data.
        tracing::warn!(path = %problem.path, line = problem.line, code = problem.code, detail = %problem.detail, "guide refused");
    }
    tracing::info!(guides = library.list().len(), refused = library.problems().len(), "guides loaded");
    let jobs = args.audio_jobs.clamp(1, 8);
    let engine: Arc<dyn SpeechEngine> = Arc::new(EspeakEngine::new().with_max_jobs(jobs));
    let dir = data.join("audio");
    let speaks = engine.check();
    let engine: Arc<dyn SpeechEngine> = if speaks.is_ok() { engine } else { Arc::new(NoEngine) };
    let cache = AudioCache::open(&dir, engine, Voice::vietnamese())
        .await
        .with_context(|| format!("could not open the audio cache in {}", dir.display()))?;
    let audio = match speaks {
        Err(e) => {
            tracing::warn!(error = %e, "no speech engine: staff recordings play, other Listen buttons answer 503");
            GuideAudio::recordings_only(cache, dir)
        }
        Ok(()) => GuideAudio::new(cache, dir, jobs),
    };
    let audio = Arc::new(audio);
    if audio.speaks() {
        let texts = library.speech_texts();
        let background = audio.clone();
        tokio::spawn(async move {
            let Some(cache) = background.cache() else { return };
            let mut last_logged = 0;
            let report = cache
                .generate_all(&texts, jobs, |progress| {
                    if progress.done == progress.total || progress.done >= last_logged + 25 {
                        last_logged = progress.done;
                        tracing::info!(
                            done = progress.done,
                            total = progress.total,
                            generated = progress.generated,
                            failed = progress.failed,
                            "guide audio"
                        );
                    }
                })
                .await;
            for (index, error) in report.failures.iter().take(5) {
                tracing::warn!(step = index, error = %error, "guide audio failed");
            }
        });
    }
    Ok(ctx.with_guide_audio(audio))
}
