//! The engines as child processes: real espeak-ng output, hostile text, timeouts, missing and failing programs.

use std::time::Duration;

use hocvuso_speech::{
    AudioFormat, CommandEngine, EspeakEngine, MAX_TEXT_CHARS, OutputFormat, SpeechEngine, Voice, opus_duration,
};

use crate::{TempDir, espeak_or_skip, fake_ogg_opus, files_in};

/// A typical guide step: two sentences.
const STEP: &str = "Chuyển đổi số là dùng điện thoại, máy tính và mạng Internet để làm những việc hằng ngày \
                    nhanh hơn, tiện hơn. Nhiều việc trước đây phải đi xa, nay có thể làm ngay tại nhà.";

fn assert_ogg_opus(bytes: &[u8]) -> Duration {
    assert_eq!(&bytes[..4], b"OggS", "Ogg magic");
    assert_eq!(AudioFormat::sniff(bytes), Some(AudioFormat::OggOpus), "OpusHead in the first page");
    opus_duration(bytes).expect("a well-formed Ogg Opus stream to its last page")
}

#[tokio::test]
async fn a_vietnamese_sentence_becomes_ogg_opus_of_plausible_length() {
    let Some(engine) = espeak_or_skip("a_vietnamese_sentence_becomes_ogg_opus_of_plausible_length") else { return };
    let voice = Voice::vietnamese();
    let step = engine.synthesize(STEP, &voice).await.unwrap();
    let step_duration = assert_ogg_opus(&step);
    // About 35 words at 150 words a minute: well over half a second, well under a minute.
    assert!(step_duration > Duration::from_millis(500), "{step_duration:?}");
    assert!(step_duration < Duration::from_secs(60), "{step_duration:?}");

    let short = engine.synthesize("Xin chào.", &voice).await.unwrap();
    let short_duration = assert_ogg_opus(&short);
    assert!(short_duration < step_duration, "{short_duration:?} vs {step_duration:?}");

    // The same text gives the same bytes (fixed serial number), so the cache never holds two versions of it.
    assert_eq!(engine.synthesize(STEP, &voice).await.unwrap(), step);

    // The Southern voice is another sound for the same text.
    let south = engine.synthesize(STEP, &Voice::parse("vi-vn-x-south").unwrap()).await.unwrap();
    assert_ogg_opus(&south);
    assert_ne!(south, step);
}

#[tokio::test]
async fn hostile_text_is_spoken_never_obeyed() {
    let Some(engine) = espeak_or_skip("hostile_text_is_spoken_never_obeyed") else { return };
    let dir = TempDir::new("hostile");
    let target = dir.path().join("written.wav");
    let voice = Voice::vietnamese();
    let texts = [
        "--help".to_owned(),
        "--version".to_owned(),
        format!("-w {}", target.display()),
        format!("-f /etc/passwd -w {}", target.display()),
        "-v en --stdout".to_owned(),
        format!("$(touch {0}/a); `touch {0}/b` | cat /etc/passwd", dir.path().display()),
        "<speak><audio src=\"/etc/passwd\"/></speak>".to_owned(),
        "Xin\u{0}chào\u{7}\u{1b}[31m bà\u{202e} con\u{200b}\r\n".to_owned(),
    ];
    for text in &texts {
        let bytes = engine.synthesize(text, &voice).await.unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_ogg_opus(&bytes);
    }
    assert!(files_in(dir.path()).is_empty(), "no option was obeyed: {:?}", files_in(dir.path()));

    // 100 KB is refused before any process starts, with its code.
    let huge = "Bà con ơi. ".repeat(100 * 1024 / 12);
    let error = engine.synthesize(&huge, &voice).await.unwrap_err();
    assert_eq!(error.code(), "speech_text_too_long");
    let just_too_long = "a".repeat(MAX_TEXT_CHARS + 1);
    assert_eq!(engine.synthesize(&just_too_long, &voice).await.unwrap_err().code(), "speech_text_too_long");
    // Only control and invisible characters: nothing to speak.
    let error = engine.synthesize("\u{0}\u{1b}\u{200b}\t \n", &voice).await.unwrap_err();
    assert_eq!(error.code(), "speech_text_empty");
}

#[tokio::test]
async fn a_timeout_kills_a_hanging_engine_and_its_children() {
    let dir = TempDir::new("timeout");
    let pids = dir.path().join("pids");
    // The script and the child it starts hold this FIFO open for writing: the reader sees its end only when both are
    // dead, so the test waits for their death without sleeping or polling.
    let fifo = dir.path().join("alive");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (ended, end) = std::sync::mpsc::channel();
    let reader = fifo.clone();
    std::thread::spawn(move || {
        let mut open = std::fs::File::open(reader).unwrap();
        let _ = std::io::Read::read_to_end(&mut open, &mut Vec::new());
        let _ = ended.send(());
    });
    // A "wrapper script" that starts a child and waits for it: both must be gone after the timeout.
    let script = format!("exec 3>{}; sleep 300 & echo $$ $! > {}; wait", fifo.display(), pids.display());
    let engine = CommandEngine::new("hanging", "sh", ["-c", &script], OutputFormat::OggOpus)
        .with_timeout(Duration::from_millis(300));
    let error = engine.synthesize("Xin chào", &Voice::vietnamese()).await.unwrap_err();
    assert_eq!(error.code(), "speech_timeout");
    let pids = std::fs::read_to_string(&pids).unwrap();
    assert_eq!(pids.split_whitespace().count(), 2, "the script started its child: {pids:?}");
    // The bound only turns a hang into a failure: without the kill the child would live for five minutes.
    end.recv_timeout(Duration::from_secs(60)).expect("the script and its child were killed");
}

#[tokio::test]
async fn missing_programs_are_engine_unavailable() {
    let voice = Voice::vietnamese();
    let engine = EspeakEngine::new().with_programs("/nonexistent/espeak-ng", "opusenc");
    assert_eq!(engine.check().unwrap_err().code(), "engine_unavailable");
    assert_eq!(engine.synthesize("Xin chào", &voice).await.unwrap_err().code(), "engine_unavailable");

    let engine = EspeakEngine::new().with_programs("sh", "/nonexistent/opusenc");
    assert_eq!(engine.synthesize("Xin chào", &voice).await.unwrap_err().code(), "engine_unavailable");

    let engine = CommandEngine::new("piper", "/nonexistent/piper", ["--model", "vi.onnx"], OutputFormat::Wav);
    assert_eq!(engine.check().unwrap_err().code(), "engine_unavailable");
    assert_eq!(engine.synthesize("Xin chào", &voice).await.unwrap_err().code(), "engine_unavailable");
}

#[tokio::test]
async fn a_failing_or_lying_engine_is_an_engine_error() {
    let voice = Voice::vietnamese();
    let failing =
        CommandEngine::new("failing", "sh", ["-c", "echo 'no voice model' >&2; exit 3"], OutputFormat::OggOpus);
    let error = failing.synthesize("Xin chào", &voice).await.unwrap_err();
    assert_eq!(error.code(), "speech_engine_failed");
    assert!(error.to_string().contains("exit status 3: no voice model"), "{error}");

    // Claims Ogg Opus, writes text.
    let lying = CommandEngine::new("lying", "echo", ["not audio"], OutputFormat::OggOpus);
    let error = lying.synthesize("Xin chào", &voice).await.unwrap_err();
    assert_eq!(error.code(), "speech_engine_failed");
    assert!(error.to_string().contains("not Ogg Opus"), "{error}");
}

#[tokio::test]
async fn a_configured_command_gets_the_text_on_stdin_and_the_voice_as_an_argument() {
    let dir = TempDir::new("command");
    let seen = dir.path().join("seen");
    let fixture = dir.path().join("fixture.opus");
    std::fs::write(&fixture, fake_ogg_opus(b"recorded")).unwrap();
    // Saves its arguments and stdin, then writes a ready Ogg Opus file.
    let script = format!(
        "echo \"$1\" > {seen}; cat >> {seen}; cat {fixture}",
        seen = seen.display(),
        fixture = fixture.display()
    );
    let engine =
        CommandEngine::new("fixture v1", "sh", ["-c", script.as_str(), "sh", "{voice}"], OutputFormat::OggOpus);
    assert_eq!(engine.name(), "fixture v1");
    engine.check().unwrap();
    let bytes = engine.synthesize("  -w  /etc/passwd\u{0} ", &Voice::parse("vi-vn-x-central").unwrap()).await.unwrap();
    assert_eq!(bytes, fake_ogg_opus(b"recorded"));
    // The voice went in as one argument; the text arrived cleaned, on stdin.
    assert_eq!(std::fs::read_to_string(&seen).unwrap(), "vi-vn-x-central\n-w /etc/passwd");
}

#[tokio::test]
async fn a_configured_wav_engine_is_encoded_to_opus() {
    let Some(_) = espeak_or_skip("a_configured_wav_engine_is_encoded_to_opus") else { return };
    // espeak-ng itself, configured as a piper-style command: text on stdin, WAV on stdout.
    let engine =
        CommandEngine::new("espeak as a command", "espeak-ng", ["-v", "{voice}", "--stdout"], OutputFormat::Wav);
    let bytes = engine.synthesize(STEP, &Voice::vietnamese()).await.unwrap();
    assert!(assert_ogg_opus(&bytes) > Duration::from_millis(500));
}
