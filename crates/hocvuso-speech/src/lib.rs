//! "Listen" (Nghe) audio of Học vụ số: Vietnamese speech for guide steps and notices, generated offline.
//!
//! - [`engine`]: the [`SpeechEngine`] interface, the built-in [`EspeakEngine`] (espeak-ng's `vi` voice piped into
//!   `opusenc`) and [`CommandEngine`], a program an administrator configures (a better voice, e.g. piper-style).
//! - [`cache`]: [`AudioCache`], compressed audio on disk keyed by engine, voice and text, generated once, in batches
//!   with progress; staff recordings ([`cache::AudioCache::put_recording`]) always win over generated speech.
//! - [`audio`]: what a file is (Ogg Opus, MP3, WAV, by its magic bytes) and how long an Ogg Opus file plays.
//!
//! This crate knows nothing of guides, users or the database; the web layer decides which texts to speak and who may
//! upload a recording. It depends only on `hocvuso-domain`, for [`hocvuso_domain::text::clean`].

pub mod audio;
pub mod cache;
pub mod engine;

use std::time::Duration;

pub use audio::{AudioFormat, opus_duration, validate_recording};
pub use cache::{Audio, AudioCache, AudioOrigin, BatchReport, Progress};

pub use engine::{CommandEngine, EspeakEngine, OutputFormat, SpeechEngine, Voice};
// guide editor
pub use engine::{NoEngine, encode_wav_recording};

/// The longest text spoken in one piece, in characters (after cleaning). A guide step is 100 to 400 characters;
/// anything far longer is not a step, and would hold an espeak process for minutes.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// The largest staff recording accepted, in bytes: about five minutes of speech as 128 kbit/s MP3.
pub const MAX_RECORDING_BYTES: usize = 5 * 1024 * 1024;

/// Everything speech can fail with. [`SpeechError::code`] is the stable code the web layer translates.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// A program the engine needs is not installed (or not executable): the Listen button should be hidden.
    #[error("speech engine unavailable: {program} cannot be started")]
    EngineUnavailable {
        /// The program that could not be started, as configured (`espeak-ng`, `opusenc`, a path).
        program: String,
    },
    /// The text is empty once control characters and spaces are removed.
    #[error("nothing to speak")]
    EmptyText,
    /// The text is longer than [`MAX_TEXT_CHARS`].
    #[error("text too long to speak: {chars} characters, at most {max}")]
    TextTooLong {
        /// Characters after cleaning.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A voice name that is not a plain name (letters, digits, `-`, `+`).
    #[error("invalid voice name")]
    InvalidVoice,
    /// The engine did not finish in time; its processes were killed.
    #[error("speech engine timed out after {0:?}")]
    Timeout(Duration),
    /// The engine ran but failed, or produced something that is not the audio it promised.
    #[error("speech engine {program} failed: {detail}")]
    EngineFailed {
        /// The program that failed.
        program: String,
        /// Exit status and the first line of its error output, or what was wrong with its output.
        detail: String,
    },
    /// An uploaded recording is empty.
    #[error("the recording is empty")]
    RecordingEmpty,
    /// An uploaded recording is larger than [`MAX_RECORDING_BYTES`].
    #[error("recording too large: {size} bytes, at most {max}")]
    RecordingTooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// An uploaded recording is not Ogg Opus, MP3 or WAV.
    #[error("the recording is not Ogg Opus, MP3 or WAV")]
    RecordingFormat,
    /// Reading or writing the cache directory failed.
    #[error("audio cache: {0}")]
    Io(#[from] std::io::Error),
}

impl SpeechError {
    /// The stable code of this error, for the API and for the web layer's Vietnamese message.
    pub fn code(&self) -> &'static str {
        match self {
            SpeechError::EngineUnavailable { .. } => "engine_unavailable",
            SpeechError::EmptyText => "speech_text_empty",
            SpeechError::TextTooLong { .. } => "speech_text_too_long",
            SpeechError::InvalidVoice => "speech_voice_invalid",
            SpeechError::Timeout(_) => "speech_timeout",
            SpeechError::EngineFailed { .. } => "speech_engine_failed",
            SpeechError::RecordingEmpty => "recording_empty",
            SpeechError::RecordingTooLarge { .. } => "recording_too_large",
            SpeechError::RecordingFormat => "recording_format_unknown",
            SpeechError::Io(_) => "speech_io",
        }
    }
}

/// Cleans a text for speaking: NFC, no control or invisible characters, one space between words
/// ([`hocvuso_domain::text::clean`]), then checks it is neither empty nor longer than [`MAX_TEXT_CHARS`].
///
/// Every engine and the cache key see the text only after this, so `"Xin chào"` typed with combining accents and
/// with precomposed letters is one text, and no control character ever reaches a child process.
pub fn speakable(text: &str) -> Result<String, SpeechError> {
    // A text many times too long is refused before cleaning it: no work in proportion to what an attacker sends.
    if text.len() > 16 * MAX_TEXT_CHARS {
        return Err(SpeechError::TextTooLong { chars: text.chars().count(), max: MAX_TEXT_CHARS });
    }
    let cleaned = hocvuso_domain::text::clean(text);
    if cleaned.is_empty() {
        return Err(SpeechError::EmptyText);
    }
    let chars = cleaned.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(SpeechError::TextTooLong { chars, max: MAX_TEXT_CHARS });
    }
    Ok(cleaned)
}
