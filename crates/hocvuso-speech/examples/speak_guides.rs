//! Measures speech for the starter guides: one typical step, then every step of `content/guides/*.md`.
//!
//! ```sh
//! cargo run --release -p hocvuso-speech --example speak_guides -- [GUIDES_DIR] [JOBS]
//! ```
//!
//! A step is the text from one `## ` line to the next (the heading and its paragraphs; picture lines and Markdown
//! marks left out). Audio goes to a fresh folder under the system's temporary folder, removed at the end.
//! The figures are recorded in `docs/performance.md`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hocvuso_speech::{AudioCache, EspeakEngine, SpeechEngine, Voice, opus_duration};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let guides = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/guides"));
    let jobs: usize = args.next().map(|j| j.parse()).transpose()?.unwrap_or(2);

    let engine = EspeakEngine::new().with_max_jobs(jobs);
    engine.check()?;
    let mut steps = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&guides)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"));
    files.sort();
    for file in &files {
        steps.extend(step_texts(&std::fs::read_to_string(file)?));
    }
    println!(
        "{} guides, {} steps, {} characters; engine \"{}\", {jobs} jobs",
        files.len(),
        steps.len(),
        steps.iter().map(|s| s.chars().count()).sum::<usize>(),
        engine.name()
    );

    // A typical step: the one of median length, spoken five times without a cache.
    let mut by_length: Vec<&String> = steps.iter().collect();
    by_length.sort_by_key(|s| s.chars().count());
    let typical = by_length.get(by_length.len() / 2).ok_or("no steps found")?;
    let voice = Voice::vietnamese();
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        bytes = engine.synthesize(typical, &voice).await?;
        times.push(start.elapsed());
    }
    times.sort();
    let played = opus_duration(&bytes).unwrap_or_default();
    println!(
        "typical step ({} characters, heading and 2-3 sentences): median {} ms to speak and encode, {} bytes, {:.1} s of audio ({:.1} kbit/s)",
        typical.chars().count(),
        times[2].as_millis(),
        bytes.len(),
        played.as_secs_f64(),
        bytes.len() as f64 * 8.0 / 1000.0 / played.as_secs_f64().max(0.001),
    );

    // Every step, into a fresh cache, then again (all cached).
    let dir = std::env::temp_dir().join(format!("hocvuso-speak-guides-{}", std::process::id()));
    let engine: Arc<dyn SpeechEngine> = Arc::new(engine);
    let cache = AudioCache::open(&dir, engine, voice).await?;
    let start = Instant::now();
    let mut last_tenth = 0;
    let report = cache
        .generate_all(&steps, jobs, |p| {
            let tenth = p.done * 10 / p.total.max(1);
            if tenth > last_tenth {
                last_tenth = tenth;
                eprintln!("  {}/{} done", p.done, p.total);
            }
        })
        .await;
    let first_run = start.elapsed();
    let (mut total_bytes, mut total_audio) = (0u64, Duration::ZERO);
    for text in &steps {
        if let Some(audio) = cache.lookup(text).await? {
            let file = std::fs::read(&audio.path)?;
            total_bytes += file.len() as u64;
            total_audio += opus_duration(&file).unwrap_or_default();
        }
    }
    let start = Instant::now();
    let again = cache.generate_all(&steps, jobs, |_| {}).await;
    let second_run = start.elapsed();
    std::fs::remove_dir_all(&dir)?;
    println!(
        "all steps: {} generated, {} failed in {:.1} s ({:.0} ms a step); {:.2} MB, {:.0} min of audio, {:.1} KB a step",
        report.progress.generated,
        report.progress.failed,
        first_run.as_secs_f64(),
        first_run.as_secs_f64() * 1000.0 / steps.len().max(1) as f64,
        total_bytes as f64 / 1e6,
        total_audio.as_secs_f64() / 60.0,
        total_bytes as f64 / 1000.0 / steps.len().max(1) as f64,
    );
    println!("again, all cached: {} skipped in {} ms", again.progress.skipped, second_run.as_millis());
    for (index, error) in report.failures {
        println!("failed: step {index}: {error}");
    }
    Ok(())
}

/// The spoken text of each step of a guide file: heading and paragraphs from one `## ` line to the next, without
/// the front matter, picture lines and Markdown marks.
fn step_texts(markdown: &str) -> Vec<String> {
    let body = match markdown.strip_prefix("+++") {
        Some(rest) => rest.split_once("\n+++").map_or("", |(_, body)| body),
        None => markdown,
    };
    let mut steps: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in body.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            steps.extend(current.take());
            current = Some(sentence(heading));
        } else if let Some(step) = current.as_mut() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with("![") {
                step.push(' ');
                step.push_str(&plain(line));
            }
        }
    }
    steps.extend(current);
    steps
}

/// A heading ends with a full stop so the voice pauses after it.
fn sentence(heading: &str) -> String {
    let heading = plain(heading.trim());
    if heading.ends_with(['.', '?', '!', ':']) { heading } else { format!("{heading}.") }
}

/// Markdown emphasis and links as plain words: `**Gửi**` → `Gửi`, `[Cổng](https://…)` → `Cổng`.
fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.split_once("](").and_then(|(text, tail)| tail.split_once(')').map(|(_, tail)| (text, tail))) {
            Some((text, tail)) => {
                out.push_str(text);
                rest = tail;
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").replace('`', "").replace("> ", "")
}
