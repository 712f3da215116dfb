//! What an audio file is, from its first bytes, and how long an Ogg Opus file plays, from its last page.
//!
//! Staff recordings are stored exactly as uploaded (no transcoding), so recognising the container is the whole check:
//! a browser plays Ogg Opus, MP3 and WAV, and anything else is refused before it is written.

use std::time::Duration;

use crate::{MAX_RECORDING_BYTES, SpeechError};

/// The audio containers this crate stores and serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    /// Opus in an Ogg container: what the engines produce.
    OggOpus,
    /// MPEG-1/2 Layer III, with or without an ID3v2 tag.
    Mp3,
    /// RIFF WAVE.
    Wav,
}

impl AudioFormat {
    /// The media type to serve it with.
    pub fn mime(self) -> &'static str {
        match self {
            AudioFormat::OggOpus => "audio/ogg; codecs=opus",
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::Wav => "audio/wav",
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            AudioFormat::OggOpus => "opus",
            AudioFormat::Mp3 => "mp3",
            AudioFormat::Wav => "wav",
        }
    }

    /// The format whose [`AudioFormat::extension`] this is.
    pub fn from_extension(ext: &str) -> Option<AudioFormat> {
        [AudioFormat::OggOpus, AudioFormat::Mp3, AudioFormat::Wav].into_iter().find(|f| f.extension() == ext)
    }

    /// Recognises a file by its magic bytes; `None` for anything else (Ogg Vorbis, AAC, video, text…).
    pub fn sniff(bytes: &[u8]) -> Option<AudioFormat> {
        if is_ogg_opus(bytes) {
            Some(AudioFormat::OggOpus)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WAVE" {
            Some(AudioFormat::Wav)
        } else if is_mp3(bytes) {
            Some(AudioFormat::Mp3)
        } else {
            None
        }
    }
}

/// Checks an uploaded recording: not empty, at most [`MAX_RECORDING_BYTES`], and Ogg Opus, MP3 or WAV by its
/// magic bytes. The recording is then stored as is; nothing is decoded or re-encoded.
pub fn validate_recording(bytes: &[u8]) -> Result<AudioFormat, SpeechError> {
    if bytes.is_empty() {
        return Err(SpeechError::RecordingEmpty);
    }
    if bytes.len() > MAX_RECORDING_BYTES {
        return Err(SpeechError::RecordingTooLarge { size: bytes.len(), max: MAX_RECORDING_BYTES });
    }
    AudioFormat::sniff(bytes).ok_or(SpeechError::RecordingFormat)
}

/// One Ogg page: its granule position and where the next page starts.
struct OggPage<'a> {
    granule: i64,
    body: &'a [u8],
    next: usize,
}

/// Reads the Ogg page at `at`, or `None` when there is none or it is cut short.
fn ogg_page(bytes: &[u8], at: usize) -> Option<OggPage<'_>> {
    let header = bytes.get(at..at.checked_add(27)?)?;
    if &header[0..4] != b"OggS" || header[4] != 0 {
        return None;
    }
    let granule = i64::from_le_bytes(header[6..14].try_into().ok()?);
    let segments = usize::from(header[26]);
    let table = bytes.get(at + 27..at + 27 + segments)?;
    let body_len: usize = table.iter().map(|&s| usize::from(s)).sum();
    let body_start = at + 27 + segments;
    let body = bytes.get(body_start..body_start + body_len)?;
    Some(OggPage { granule, body, next: body_start + body_len })
}

fn is_ogg_opus(bytes: &[u8]) -> bool {
    ogg_page(bytes, 0).is_some_and(|page| page.body.starts_with(b"OpusHead"))
}

fn is_mp3(bytes: &[u8]) -> bool {
    if bytes.len() >= 10 && &bytes[0..3] == b"ID3" {
        return true;
    }
    // An MPEG audio frame header: 11 sync bits, a version that is not "reserved", layer III, a bitrate index that is
    // neither "free" nor "bad", and a sampling rate index that is not "reserved".
    match bytes {
        [0xFF, b1, b2, ..] => {
            b1 & 0xE0 == 0xE0
                && (b1 >> 3) & 0b11 != 0b01
                && (b1 >> 1) & 0b11 == 0b01
                && (b2 >> 4) != 0b1111
                && (b2 >> 4) != 0
                && (b2 >> 2) & 0b11 != 0b11
        }
        _ => false,
    }
}

/// How long an Ogg Opus file plays: the last page's granule position minus the pre-skip, at 48 kHz.
/// `None` when the file is not well-formed Ogg Opus from its first page to its last byte.
pub fn opus_duration(bytes: &[u8]) -> Option<Duration> {
    let first = ogg_page(bytes, 0)?;
    let head = first.body;
    if !head.starts_with(b"OpusHead") || head.len() < 19 {
        return None;
    }
    let pre_skip = u64::from(u16::from_le_bytes([head[10], head[11]]));
    let mut at = first.next;
    let mut last_granule = first.granule;
    while at < bytes.len() {
        let page = ogg_page(bytes, at)?;
        // -1 marks a page on which no packet ends.
        if page.granule >= 0 {
            last_granule = page.granule;
        }
        at = page.next;
    }
    let samples = u64::try_from(last_granule).ok()?.saturating_sub(pre_skip);
    Some(Duration::from_secs_f64(samples as f64 / 48_000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_three_containers_and_nothing_else() {
        let wav = b"RIFF\x24\x00\x00\x00WAVEfmt ";
        assert_eq!(AudioFormat::sniff(wav), Some(AudioFormat::Wav));
        assert_eq!(AudioFormat::sniff(b"ID3\x04\x00\x00\x00\x00\x00\x00rest"), Some(AudioFormat::Mp3));
        // MPEG-1 layer III, 128 kbit/s, 44.1 kHz.
        assert_eq!(AudioFormat::sniff(&[0xFF, 0xFB, 0x90, 0x64, 0, 0]), Some(AudioFormat::Mp3));
        // Layer II and a "bad" bitrate index are not MP3.
        assert_eq!(AudioFormat::sniff(&[0xFF, 0xFD, 0x90, 0x64]), None);
        assert_eq!(AudioFormat::sniff(&[0xFF, 0xFB, 0xF0, 0x64]), None);
        // An Ogg page whose packet is Vorbis, not Opus.
        let mut vorbis = b"OggS\x00\x02".to_vec();
        vorbis.extend_from_slice(&[0; 20]);
        vorbis.push(1);
        vorbis.push(7);
        vorbis.extend_from_slice(b"\x01vorbis");
        assert_eq!(AudioFormat::sniff(&vorbis), None);
        assert_eq!(AudioFormat::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(AudioFormat::sniff(b""), None);
    }

    #[test]
    fn recordings_are_checked_for_size_and_format() {
        assert_eq!(validate_recording(b"").map_err(|e| e.code()), Err("recording_empty"));
        assert_eq!(validate_recording(b"MZ\x90\x00").map_err(|e| e.code()), Err("recording_format_unknown"));
        let mut big = b"RIFF\x00\x00\x00\x00WAVE".to_vec();
        big.resize(MAX_RECORDING_BYTES + 1, 0);
        assert_eq!(validate_recording(&big).map_err(|e| e.code()), Err("recording_too_large"));
        big.truncate(MAX_RECORDING_BYTES);
        assert_eq!(validate_recording(&big).ok(), Some(AudioFormat::Wav));
    }

    #[test]
    fn a_cut_ogg_file_has_no_duration() {
        assert_eq!(opus_duration(b"OggS"), None);
        assert_eq!(opus_duration(b"RIFF\x00\x00\x00\x00WAVE"), None);
    }
}
