//! The speech suite: the real espeak-ng engine (skipped with a message when it is not installed, failing in CI),
//! hostile input, timeouts, and the audio cache with test engines that count their calls.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cache;
mod engine;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use hocvuso_speech::{EspeakEngine, SpeechEngine, SpeechError, Voice, engine::SpeechFuture};

/// The espeak-ng engine, or `None` after saying why the test is skipped. In CI (`CI=true`) a missing engine
/// fails the test: `scripts/test` installs espeak-ng and opus-tools.
pub fn espeak_or_skip(test: &str) -> Option<EspeakEngine> {
    let engine = EspeakEngine::new();
    match engine.check() {
        Ok(()) => Some(engine),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test}: {e}; CI must have espeak-ng and opus-tools (scripts/test installs them)")
        }
        Err(e) => {
            // Straight to stderr, not `eprintln!`: the test harness would swallow the note of a passing test.
            let note = format!("SKIPPED {test}: {e} (apt-get install espeak-ng opus-tools)\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
            None
        }
    }
}

/// A fresh folder under the system's temporary folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("hocvuso-speech-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The names of the files in a folder, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// A minimal Ogg Opus stream: the OpusHead page, then one page whose body is `payload` and whose granule
/// position says one second (plus the 312-sample pre-skip). The CRC is not filled in: nothing here checks it.
pub fn fake_ogg_opus(payload: &[u8]) -> Vec<u8> {
    fn page(out: &mut Vec<u8>, flags: u8, granule: i64, seq: u32, body: &[u8]) {
        out.extend_from_slice(b"OggS");
        out.push(0);
        out.push(flags);
        out.extend_from_slice(&granule.to_le_bytes());
        out.extend_from_slice(&7u32.to_le_bytes());
        out.extend_from_slice(&seq.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        let mut segments = vec![255u8; body.len() / 255];
        segments.push((body.len() % 255) as u8);
        out.push(segments.len() as u8);
        out.extend_from_slice(&segments);
        out.extend_from_slice(body);
    }
    let mut head = b"OpusHead".to_vec();
    head.push(1);
    head.push(1);
    head.extend_from_slice(&312u16.to_le_bytes());
    head.extend_from_slice(&48_000u32.to_le_bytes());
    head.extend_from_slice(&[0, 0, 0]);
    let mut out = Vec::new();
    page(&mut out, 2, 0, 0, &head);
    page(&mut out, 4, 48_000 + 312, 1, &payload[..payload.len().min(254 * 255)]);
    out
}

/// A test engine that answers with a fake Ogg Opus stream holding the text, counts its calls and the most calls
/// running at once, and fails for texts containing "FAIL".
pub struct CountingEngine {
    pub name: String,
    pub calls: AtomicUsize,
    pub running: AtomicUsize,
    pub most_at_once: AtomicUsize,
    pub texts: Mutex<Vec<String>>,
    /// When set, a call that starts alone waits (a bounded time) for a second one to start, so a batch's
    /// parallelism shows whatever the machine's load: otherwise one job may end before the next is scheduled.
    pub pair_up: bool,
    arrived: tokio::sync::Notify,
}

impl CountingEngine {
    pub fn new(name: &str) -> Arc<CountingEngine> {
        Arc::new(CountingEngine {
            name: name.to_owned(),
            calls: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
            most_at_once: AtomicUsize::new(0),
            texts: Mutex::new(Vec::new()),
            pair_up: false,
            arrived: tokio::sync::Notify::new(),
        })
    }

    /// An engine whose calls wait for a partner (see `pair_up`).
    pub fn pairing(name: &str) -> Arc<CountingEngine> {
        let mut engine = CountingEngine::new(name);
        if let Some(inner) = Arc::get_mut(&mut engine) {
            inner.pair_up = true;
        }
        engine
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl SpeechEngine for CountingEngine {
    fn name(&self) -> &str {
        &self.name
    }

    fn synthesize<'a>(&'a self, text: &'a str, voice: &'a Voice) -> SpeechFuture<'a> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.most_at_once.fetch_max(now, Ordering::SeqCst);
            self.arrived.notify_waiters();
            self.texts.lock().unwrap().push(text.to_owned());
            // Created after our own notification, so only a later call wakes it; checked again after creation, so a
            // call that arrived in between is not missed.
            let partner = self.arrived.notified();
            if self.pair_up && self.running.load(Ordering::SeqCst) == 1 {
                // The last call of a batch has no partner: it goes on after the bound.
                let _ = tokio::time::timeout(std::time::Duration::from_secs(2), partner).await;
            }
            // Let the other jobs of a batch start while this one is "speaking".
            for _ in 0..10 {
                tokio::task::yield_now().await;
            }
            self.running.fetch_sub(1, Ordering::SeqCst);
            if text.contains("FAIL") {
                return Err(SpeechError::EngineFailed { program: self.name.clone(), detail: "asked to fail".into() });
            }
            Ok(fake_ogg_opus(format!("{}|{}", voice.as_str(), text).as_bytes()))
        })
    }
}
