//! The audio cache: generated once, recordings win, atomic files, batches with progress.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use hocvuso_speech::{AudioCache, AudioFormat, AudioOrigin, Progress, SpeechEngine, Voice};

use crate::{CountingEngine, TempDir, espeak_or_skip, fake_ogg_opus, files_in};

async fn cache(dir: &TempDir, engine: &Arc<CountingEngine>) -> AudioCache {
    let engine: Arc<dyn SpeechEngine> = engine.clone();
    AudioCache::open(dir.path(), engine, Voice::vietnamese()).await.unwrap()
}

const STEP: &str = "Mở ứng dụng Zalo. Bấm vào ô tìm kiếm ở trên cùng.";

#[tokio::test]
async fn the_second_call_does_not_speak_again() {
    let dir = TempDir::new("cache");
    let engine = CountingEngine::new("counting v1");
    let cache = cache(&dir, &engine).await;

    let first = cache.get_or_generate(STEP).await.unwrap();
    assert_eq!(first.origin, AudioOrigin::Generated);
    assert_eq!(first.format, AudioFormat::OggOpus);
    assert_eq!(std::fs::read(&first.path).unwrap(), fake_ogg_opus(format!("vi|{STEP}").as_bytes()));
    assert_eq!(engine.calls(), 1);

    let second = cache.get_or_generate(STEP).await.unwrap();
    assert_eq!(second.origin, AudioOrigin::Cached);
    assert_eq!(second.path, first.path);
    assert_eq!(engine.calls(), 1, "a cached text is not spoken again");

    // The same words with decomposed accents, extra spaces and a zero-width space are the same text (NFC, cleaned).
    let decomposed: String = unicode_nfd(STEP).replace(". ", ".  \u{200b}");
    assert_ne!(decomposed, STEP);
    assert_eq!(cache.get_or_generate(&decomposed).await.unwrap().path, first.path);
    assert_eq!(cache.key(&decomposed).unwrap(), cache.key(STEP).unwrap());
    assert_eq!(engine.calls(), 1);

    // Another text is spoken; lookup never speaks.
    assert!(cache.lookup("Bấm Gửi.").await.unwrap().is_none());
    assert_eq!(engine.calls(), 1);
    assert_eq!(cache.get_or_generate("Bấm Gửi.").await.unwrap().origin, AudioOrigin::Generated);
    assert_eq!(engine.calls(), 2);
    assert_eq!(cache.lookup("Bấm Gửi.").await.unwrap().unwrap().origin, AudioOrigin::Cached);

    // Another engine name or another voice is another key: its audio sounds different.
    let other_engine = CountingEngine::new("counting v2");
    let other = self::cache(&dir, &other_engine).await;
    assert_ne!(other.key(STEP).unwrap(), cache.key(STEP).unwrap());
    assert_eq!(other.get_or_generate(STEP).await.unwrap().origin, AudioOrigin::Generated);
    let south: Arc<dyn SpeechEngine> = engine.clone();
    let south = AudioCache::open(dir.path(), south, Voice::parse("vi-vn-x-south").unwrap()).await.unwrap();
    assert_ne!(south.key(STEP).unwrap(), cache.key(STEP).unwrap());
}

/// Canonical decomposition of the Vietnamese letters used in these tests, written out so the test does not reuse
/// the normalisation it checks.
fn unicode_nfd(text: &str) -> String {
    text.replace('ở', "o\u{31b}\u{309}")
        .replace('ứ', "u\u{31b}\u{301}")
        .replace('ấ', "a\u{302}\u{301}")
        .replace('ô', "o\u{302}")
}

#[tokio::test]
async fn a_staff_recording_wins_and_is_stored_as_uploaded() {
    let dir = TempDir::new("recording");
    let engine = CountingEngine::new("counting v1");
    let cache = cache(&dir, &engine).await;
    let wav = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00 a human voice".to_vec();

    let stored = cache.put_recording(STEP, wav.clone()).await.unwrap();
    assert_eq!((stored.origin, stored.format), (AudioOrigin::Recording, AudioFormat::Wav));
    let served = cache.get_or_generate(STEP).await.unwrap();
    assert_eq!(served, stored);
    assert_eq!(std::fs::read(&served.path).unwrap(), wav, "stored byte for byte");
    assert_eq!(engine.calls(), 0, "the engine is not asked when a recording exists");

    // A recording also wins over speech generated before it.
    let other = "Bấm nút Gọi video.";
    assert_eq!(cache.get_or_generate(other).await.unwrap().origin, AudioOrigin::Generated);
    let mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00 a human voice".to_vec();
    cache.put_recording(other, mp3.clone()).await.unwrap();
    let served = cache.get_or_generate(other).await.unwrap();
    assert_eq!((served.origin, served.format), (AudioOrigin::Recording, AudioFormat::Mp3));

    // A new recording in another format replaces the old one.
    let opus = fake_ogg_opus(b"a human voice");
    cache.put_recording(STEP, opus.clone()).await.unwrap();
    let served = cache.get_or_generate(STEP).await.unwrap();
    assert_eq!(served.format, AudioFormat::OggOpus);
    assert_eq!(std::fs::read(&served.path).unwrap(), opus);
    assert_eq!(files_in(&dir.path().join("recordings")).len(), 2, "one file per text");

    // Refused uploads leave nothing behind and keep the old recording.
    for (bad, code) in [
        (b"".to_vec(), "recording_empty"),
        (b"<svg onload=alert(1)>".to_vec(), "recording_format_unknown"),
        (b"\x00\x00\x00\x18ftypmp42".to_vec(), "recording_format_unknown"),
        (
            [b"RIFF\x00\x00\x00\x00WAVE".as_slice(), &vec![0; hocvuso_speech::MAX_RECORDING_BYTES]].concat(),
            "recording_too_large",
        ),
    ] {
        assert_eq!(cache.put_recording(STEP, bad).await.unwrap_err().code(), code);
    }
    assert_eq!(files_in(&dir.path().join("recordings")).len(), 2);
    assert_eq!(std::fs::read(cache.get_or_generate(STEP).await.unwrap().path).unwrap(), opus);

    // Without the recording, generated speech answers again.
    assert!(cache.remove_recording(STEP).await.unwrap());
    assert!(!cache.remove_recording(STEP).await.unwrap());
    assert_eq!(cache.get_or_generate(STEP).await.unwrap().origin, AudioOrigin::Generated);
    assert_eq!(engine.calls(), 2);

    // A text no guide says any more: its recording and its generated speech both go; other texts stay.
    assert_eq!(cache.forget(other).await.unwrap(), 2, "the recording and the speech generated before it");
    assert!(cache.lookup(other).await.unwrap().is_none());
    assert_eq!(cache.forget(other).await.unwrap(), 0);
    assert!(cache.lookup(STEP).await.unwrap().is_some());
}

#[tokio::test]
async fn files_appear_whole_or_not_at_all() {
    let dir = TempDir::new("atomic");
    let engine = CountingEngine::new("counting v1");
    let generated = dir.path().join("generated");

    // A write interrupted by a crash leaves a temporary file: it is removed at start-up and never served.
    std::fs::create_dir_all(&generated).unwrap();
    std::fs::write(generated.join(".tmp-999-0"), b"OggS half a file").unwrap();
    let cache = cache(&dir, &engine).await;
    assert!(files_in(&generated).is_empty(), "{:?}", files_in(&generated));

    // A failing engine writes nothing.
    assert_eq!(cache.get_or_generate("FAIL here").await.unwrap_err().code(), "speech_engine_failed");
    assert!(files_in(&generated).is_empty());

    // Many requests for the same text at once: each gets the whole file, and no temporary file is left.
    let text = "Bấm vào ảnh để xem to hơn. ".repeat(60);
    let expected = fake_ogg_opus(format!("vi|{}", text.trim()).as_bytes());
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let cache = cache.clone();
        let text = text.clone();
        tasks.spawn(async move { cache.get_or_generate(&text).await.unwrap() });
    }
    let mut paths = std::collections::HashSet::new();
    while let Some(audio) = tasks.join_next().await {
        let audio = audio.unwrap();
        assert_eq!(std::fs::read(&audio.path).unwrap(), expected);
        paths.insert(audio.path);
    }
    assert_eq!(paths.len(), 1);
    assert_eq!(files_in(&generated).len(), 1, "{:?}", files_in(&generated));
    assert!(!files_in(&generated)[0].starts_with(".tmp-"));
}

#[tokio::test]
async fn a_batch_reports_progress_skips_what_is_cached_and_bounds_its_jobs() {
    let dir = TempDir::new("batch");
    let engine = CountingEngine::pairing("counting v1");
    let cache = cache(&dir, &engine).await;
    cache.get_or_generate("Bước 1. Mở điện thoại.").await.unwrap();
    cache.put_recording("Bước 2. Mở Zalo.", b"ID3\x04\x00\x00\x00\x00\x00\x00 voice".to_vec()).await.unwrap();
    let calls_before = engine.calls();

    let texts = [
        "Bước 1. Mở điện thoại.",
        "Bước 2. Mở Zalo.",
        "Bước 3. Bấm Tìm kiếm.",
        "Bước 3.  Bấm Tìm kiếm.", // the same text once cleaned
        "Bước 4. Nhập số điện thoại.",
        "Bước 5. Bấm Kết bạn.",
        "Bước 6. FAIL",
        "Bước 7. Chờ người kia đồng ý.",
        "\u{200b} ",
        "Bước 8. Nhắn tin chào.",
    ];
    let mut seen: Vec<Progress> = Vec::new();
    let report = cache.generate_all(&texts, 2, |p| seen.push(p)).await;

    assert_eq!(report.progress, Progress { done: 9, total: 9, generated: 5, skipped: 2, failed: 2 });
    let mut failed: Vec<(usize, &str)> = report.failures.iter().map(|(i, e)| (*i, e.code())).collect();
    failed.sort();
    assert_eq!(failed, [(6, "speech_engine_failed"), (8, "speech_text_empty")]);
    // Progress: once at the start, then after each text, counting up to the total.
    assert_eq!(seen.len(), 1 + 8);
    assert_eq!(seen.first().map(|p| (p.done, p.total)), Some((1, 9)));
    assert!(seen.windows(2).all(|w| w[1].done == w[0].done + 1));
    assert_eq!(seen.last(), Some(&report.progress));
    // Only what was missing was spoken, at most two at a time.
    assert_eq!(engine.calls() - calls_before, 6);
    assert_eq!(engine.most_at_once.load(Ordering::SeqCst), 2);

    // Again: everything is there except the failure.
    let again = cache.generate_all(&texts, 2, |_| {}).await;
    assert_eq!(again.progress, Progress { done: 9, total: 9, generated: 0, skipped: 7, failed: 2 });
    assert_eq!(engine.calls() - calls_before, 7, "only the failing text is tried again");
}

#[tokio::test]
async fn espeak_fills_the_cache_for_a_batch() {
    let Some(engine) = espeak_or_skip("espeak_fills_the_cache_for_a_batch") else { return };
    let dir = TempDir::new("espeak-batch");
    let engine: Arc<dyn SpeechEngine> = Arc::new(engine);
    let cache = AudioCache::open(dir.path(), engine, Voice::vietnamese()).await.unwrap();
    let texts = ["Mở ứng dụng VNeID.", "Bấm Đăng nhập.", "Nhập số định danh cá nhân và mật khẩu."];
    let report = cache.generate_all(&texts, 2, |_| {}).await;
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.progress.generated, 3);
    for text in texts {
        let audio = cache.lookup(text).await.unwrap().unwrap();
        let bytes = std::fs::read(&audio.path).unwrap();
        assert!(hocvuso_speech::opus_duration(&bytes).unwrap().as_millis() > 500, "{text}");
    }
}
