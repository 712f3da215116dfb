//! Speech engines: a text and a voice in, Ogg Opus bytes out.
//!
//! The built-in [`EspeakEngine`] runs `espeak-ng -v vi --stdout` and pipes its WAV into `opusenc`. A better voice
//! plugs in as a [`CommandEngine`]: a program an administrator configures that reads the text on stdin and writes
//! WAV (encoded here with `opusenc`) or Ogg Opus on stdout, as a piper-style model runner does.
//!
//! Every program runs as a child process without a shell: the arguments are fixed (the voice is a checked name), the
//! text goes on stdin after [`crate::speakable`] removed control characters, so a text such as `--help` or
//! `-w /etc/passwd` is only ever spoken. Each child leads its own process group, and a timeout kills the groups, so a
//! hanging engine, or a wrapper script's children, never outlive the request.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};
use tokio::sync::Semaphore;

use crate::audio::AudioFormat;
use crate::{SpeechError, speakable};

/// The future an engine returns: the Ogg Opus bytes of the spoken text.
pub type SpeechFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, SpeechError>> + Send + 'a>>;

/// Something that speaks Vietnamese text. Implementations must be safe to call from many tasks at once.
pub trait SpeechEngine: Send + Sync {
    /// A name that changes whenever the sound would change (program, voice model, speed, bitrate): it is part of
    /// every cache key, so renaming an engine makes its old audio unused rather than wrong.
    fn name(&self) -> &str;

    /// Speaks `text` (cleaned by [`crate::speakable`] first) with `voice`, as Ogg Opus bytes.
    fn synthesize<'a>(&'a self, text: &'a str, voice: &'a Voice) -> SpeechFuture<'a>;

    /// Whether the programs the engine needs are installed; the web layer asks once at start-up and hides the
    /// Listen button, with a message, when they are not. Engines without programs are always available.
    fn check(&self) -> Result<(), SpeechError> {
        Ok(())
    }
}

/// A voice name as espeak-ng knows it (`vi`, `vi-vn-x-central`, `vi-vn-x-south`) or as a configured engine takes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Voice(String);

impl Voice {
    /// Northern Vietnamese, espeak-ng's `vi`.
    pub fn vietnamese() -> Voice {
        Voice("vi".to_owned())
    }

    /// Checks a voice name: 1 to 40 ASCII letters, digits, `-`, `_` or `+`, not starting with `-`, so it can never
    /// be read as an option by the program it is passed to.
    pub fn parse(name: &str) -> Result<Voice, SpeechError> {
        let plain = name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+'));
        if name.is_empty() || name.len() > 40 || name.starts_with('-') || !plain {
            return Err(SpeechError::InvalidVoice);
        }
        Ok(Voice(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a [`CommandEngine`]'s program writes on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// WAV (espeak-ng, piper): encoded here with `opusenc`.
    Wav,
    /// Ogg Opus: kept as it is.
    OggOpus,
}

/// How long one text may take by default. espeak-ng speaks a 2,000-character text in about a second on a slow
/// machine; the margin covers a loaded server and a slower neural engine.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How many texts one engine speaks at once by default: one per core of the machines this runs on (2 cores).
pub const DEFAULT_MAX_JOBS: usize = 2;

/// The largest output accepted from a program, in bytes: a 2,000-character text is about 3 minutes of speech,
/// 8 MB as 22 kHz WAV.
const MAX_OUTPUT_BYTES: usize = 32 * 1024 * 1024;

/// How much of a program's error output is kept for the error message.
const MAX_STDERR_BYTES: usize = 2048;

/// A program and its arguments.
#[derive(Debug, Clone)]
struct Program {
    path: String,
    args: Vec<String>,
}

/// `opusenc` settings shared by both engines.
#[derive(Debug, Clone)]
struct Encoder {
    program: String,
    bitrate_kbps: u32,
}

impl Encoder {
    fn new() -> Encoder {
        // 16 kbit/s mono is plenty for a synthetic voice and keeps a step near 20 KB for phones on slow data.
        Encoder { program: "opusenc".to_owned(), bitrate_kbps: 16 }
    }

    fn program(&self) -> Program {
        let args = [
            "--quiet",
            "--speech",
            "--bitrate",
            &self.bitrate_kbps.to_string(),
            // espeak-ng writes a streaming WAV header whose length fields are placeholders.
            "--ignorelength",
            // A fixed serial number and no padding: the same text gives the same bytes, and a few hundred fewer.
            "--serial",
            "1",
            "--padding",
            "0",
            "-",
            "-",
        ]
        .map(str::to_owned)
        .to_vec();
        Program { path: self.program.clone(), args }
    }
}

/// Runs programs with a timeout and a bound on how many run at once.
#[derive(Debug, Clone)]
struct Runner {
    timeout: Duration,
    jobs: Arc<Semaphore>,
}

impl Runner {
    fn new() -> Runner {
        Runner { timeout: DEFAULT_TIMEOUT, jobs: Arc::new(Semaphore::new(DEFAULT_MAX_JOBS)) }
    }

    /// Runs `first` with `text` on its stdin, its stdout piped into `then` when given, and returns the last
    /// program's stdout. Every child is killed (with its process group) on timeout or any failure.
    async fn run(&self, input: &[u8], first: &Program, then: Option<&Program>) -> Result<Vec<u8>, SpeechError> {
        let _permit = self.jobs.acquire().await.map_err(|_| SpeechError::EngineFailed {
            program: first.path.clone(),
            detail: "the engine is shutting down".to_owned(),
        })?;
        let mut children = Vec::with_capacity(2);
        let outcome = match spawn_all(first, then, &mut children) {
            Ok(()) => match tokio::time::timeout(self.timeout, drive(input, &mut children)).await {
                Ok(result) => result,
                Err(_) => Err(SpeechError::Timeout(self.timeout)),
            },
            Err(e) => Err(e),
        };
        if outcome.is_err() {
            for (_, child) in &mut children {
                kill(child).await;
            }
        }
        outcome
    }
}

/// Starts the programs, each in a process group of its own, connected by a pipe.
fn spawn_all(first: &Program, then: Option<&Program>, children: &mut Vec<(String, Child)>) -> Result<(), SpeechError> {
    let mut child = command(first).stdin(Stdio::piped()).spawn().map_err(|e| spawn_error(first, e))?;
    let Some(then) = then else {
        children.push((first.path.clone(), child));
        return Ok(());
    };
    let piped: Option<Stdio> = child.stdout.take().and_then(|out| out.try_into().ok());
    children.push((first.path.clone(), child));
    let Some(piped) = piped else {
        return Err(SpeechError::EngineFailed { program: first.path.clone(), detail: "no output pipe".to_owned() });
    };
    let second = command(then).stdin(piped).spawn().map_err(|e| spawn_error(then, e))?;
    children.push((then.path.clone(), second));
    Ok(())
}

fn command(program: &Program) -> Command {
    let mut command = Command::new(&program.path);
    command.args(&program.args).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true).process_group(0);
    command
}

fn spawn_error(program: &Program, error: std::io::Error) -> SpeechError {
    match error.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
            SpeechError::EngineUnavailable { program: program.path.clone() }
        }
        _ => SpeechError::Io(error),
    }
}

/// Writes the text, reads the last program's output and every error output at the same time (so no pipe fills up
/// and blocks a child), then waits for every child and checks its exit status.
async fn drive(input: &[u8], children: &mut [(String, Child)]) -> Result<Vec<u8>, SpeechError> {
    let stdin = children.first_mut().and_then(|(_, c)| c.stdin.take());
    let stdout = children.last_mut().and_then(|(_, c)| c.stdout.take());
    let stderrs: Vec<_> = children.iter_mut().map(|(_, c)| c.stderr.take()).collect();
    let write = async {
        if let Some(mut stdin) = stdin {
            // A program may exit without reading all its input (it failed, or it ignores stdin): its exit status
            // and output tell what happened, so a broken pipe here is not an error of its own.
            let _ = stdin.write_all(input).await;
            let _ = stdin.shutdown().await;
        }
    };
    let read = async {
        match stdout {
            Some(out) => read_bounded(out, MAX_OUTPUT_BYTES).await,
            None => Ok((Vec::new(), false)),
        }
    };
    let errors = futures_util::future::join_all(stderrs.into_iter().map(|e| async move {
        match e {
            Some(e) => read_bounded(e, MAX_STDERR_BYTES).await.map(|(bytes, _)| bytes).unwrap_or_default(),
            None => Vec::new(),
        }
    }));
    let ((), output, errors) = tokio::join!(write, read, errors);
    let (output, complete) = output?;
    for ((program, child), stderr) in children.iter_mut().zip(errors) {
        let status = child.wait().await?;
        check_status(program, status, &stderr)?;
    }
    if !complete {
        let program = children.last().map(|(p, _)| p.clone()).unwrap_or_default();
        return Err(SpeechError::EngineFailed { program, detail: "output too large".to_owned() });
    }
    Ok(output)
}

/// Reads everything from `from` but keeps at most `max` bytes; the flag says whether nothing was dropped.
async fn read_bounded(mut from: impl AsyncRead + Unpin, max: usize) -> std::io::Result<(Vec<u8>, bool)> {
    let mut kept = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut complete = true;
    loop {
        let n = from.read(&mut buf).await?;
        if n == 0 {
            return Ok((kept, complete));
        }
        let room = max.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
        complete &= n <= room;
    }
}

fn check_status(program: &str, status: ExitStatus, stderr: &[u8]) -> Result<(), SpeechError> {
    if status.success() {
        return Ok(());
    }
    let first_line = String::from_utf8_lossy(stderr).lines().find(|l| !l.trim().is_empty()).unwrap_or("").to_owned();
    let first_line: String = first_line.chars().take(200).collect();
    let detail = match status.code() {
        Some(code) => format!("exit status {code}: {first_line}"),
        None => format!("killed by a signal: {first_line}"),
    };
    Err(SpeechError::EngineFailed { program: program.to_owned(), detail })
}

/// Kills a child's whole process group, then the child itself, and reaps it.
async fn kill(child: &mut Child) {
    // A child that was already reaped may have given its id to another process: only signal live ones.
    if let (Ok(None), Some(pid)) = (child.try_wait(), child.id())
        && let Ok(pid) = i32::try_from(pid)
    {
        let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL);
    }
    let _ = child.kill().await;
}

/// Whether `program` can be started: a path to an executable file, or a name found on `PATH`.
fn find_program(program: &str) -> Result<(), SpeechError> {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    let found = if program.contains('/') {
        executable(Path::new(program))
    } else {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| executable(&dir.join(program))))
    };
    if found { Ok(()) } else { Err(SpeechError::EngineUnavailable { program: program.to_owned() }) }
}

/// Checks that the final output is what the engine promises: an Ogg Opus stream.
fn ogg_opus(program: &str, bytes: Vec<u8>) -> Result<Vec<u8>, SpeechError> {
    if AudioFormat::sniff(&bytes) == Some(AudioFormat::OggOpus) {
        Ok(bytes)
    } else {
        Err(SpeechError::EngineFailed { program: program.to_owned(), detail: "the output is not Ogg Opus".to_owned() })
    }
}

/// espeak-ng's Vietnamese voices, encoded to Ogg Opus by `opusenc`: a [`CommandEngine`] running
/// `espeak-ng -v <voice> -s <speed> --stdout` (no text argument: espeak-ng reads the text from stdin).
/// Needs the Debian packages `espeak-ng` and `opus-tools`.
#[derive(Debug, Clone)]
pub struct EspeakEngine {
    command: CommandEngine,
}

impl Default for EspeakEngine {
    fn default() -> Self {
        EspeakEngine::new()
    }
}

impl EspeakEngine {
    /// espeak-ng and opusenc from `PATH`, 150 words a minute (slower than espeak's 175, for older listeners),
    /// 16 kbit/s, [`DEFAULT_TIMEOUT`], [`DEFAULT_MAX_JOBS`] texts at once.
    pub fn new() -> EspeakEngine {
        let command = CommandEngine::new("", "espeak-ng", Vec::<String>::new(), OutputFormat::Wav);
        EspeakEngine { command }.with_speed(150)
    }

    /// Uses other programs than `espeak-ng` and `opusenc` from `PATH` (full paths, or other names).
    pub fn with_programs(mut self, espeak: impl Into<String>, opusenc: impl Into<String>) -> Self {
        self.command.program.path = espeak.into();
        self.command.encoder.program = opusenc.into();
        self
    }

    /// Speaking speed in words a minute (espeak-ng's `-s`), kept between 80 and 450. Part of the engine's name.
    pub fn with_speed(mut self, words_per_minute: u32) -> Self {
        let speed = words_per_minute.clamp(80, 450).to_string();
        self.command.program.args = ["-v", "{voice}", "-s", &speed, "--stdout"].map(str::to_owned).to_vec();
        self.command.name = format!("espeak-ng s{speed} opus{}", self.command.encoder.bitrate_kbps);
        self
    }

    /// How long one text may take before its processes are killed.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.command = self.command.with_timeout(timeout);
        self
    }

    /// How many texts are spoken at once (at least one).
    pub fn with_max_jobs(mut self, jobs: usize) -> Self {
        self.command = self.command.with_max_jobs(jobs);
        self
    }
}

impl SpeechEngine for EspeakEngine {
    fn name(&self) -> &str {
        self.command.name()
    }

    fn synthesize<'a>(&'a self, text: &'a str, voice: &'a Voice) -> SpeechFuture<'a> {
        self.command.synthesize(text, voice)
    }

    fn check(&self) -> Result<(), SpeechError> {
        self.command.check()
    }
}

/// A program an administrator configures, with the same contract as espeak-ng: the text on stdin, audio on stdout
/// (WAV, encoded here with `opusenc`, or Ogg Opus). For example piper with a Vietnamese model:
/// `CommandEngine::new("piper vi-model-1", "/opt/piper/piper", ["--model", "/opt/piper/vi.onnx", "--output_file", "-"], OutputFormat::Wav)`.
///
/// An argument `{voice}` is replaced by the requested voice name (a checked plain name).
#[derive(Debug, Clone)]
pub struct CommandEngine {
    name: String,
    program: Program,
    output: OutputFormat,
    encoder: Encoder,
    runner: Runner,
}

impl CommandEngine {
    /// An engine named `name` (part of every cache key: change it when the voice model changes) that runs
    /// `program` with `args`, without a shell.
    pub fn new(
        name: impl Into<String>,
        program: impl Into<String>,
        args: impl IntoIterator<Item = impl Into<String>>,
        output: OutputFormat,
    ) -> CommandEngine {
        CommandEngine {
            name: name.into(),
            program: Program { path: program.into(), args: args.into_iter().map(Into::into).collect() },
            output,
            encoder: Encoder::new(),
            runner: Runner::new(),
        }
    }

    /// Uses another `opusenc` for WAV output.
    pub fn with_encoder(mut self, opusenc: impl Into<String>) -> Self {
        self.encoder.program = opusenc.into();
        self
    }

    /// How long one text may take before its processes are killed.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.runner.timeout = timeout;
        self
    }

    /// How many texts are spoken at once (at least one).
    pub fn with_max_jobs(mut self, jobs: usize) -> Self {
        self.runner.jobs = Arc::new(Semaphore::new(jobs.max(1)));
        self
    }
}

impl SpeechEngine for CommandEngine {
    fn name(&self) -> &str {
        &self.name
    }

    fn synthesize<'a>(&'a self, text: &'a str, voice: &'a Voice) -> SpeechFuture<'a> {
        Box::pin(async move {
            let text = speakable(text)?;
            let args = self.program.args.iter().map(|a| a.replace("{voice}", voice.as_str())).collect();
            let program = Program { path: self.program.path.clone(), args };
            match self.output {
                OutputFormat::Wav => {
                    let bytes = self.runner.run(text.as_bytes(), &program, Some(&self.encoder.program())).await?;
                    ogg_opus(&self.encoder.program, bytes)
                }
                OutputFormat::OggOpus => {
                    let bytes = self.runner.run(text.as_bytes(), &program, None).await?;
                    ogg_opus(&program.path, bytes)
                }
            }
        })
    }

    fn check(&self) -> Result<(), SpeechError> {
        find_program(&self.program.path)?;
        if self.output == OutputFormat::Wav {
            find_program(&self.encoder.program)?;
        }
        Ok(())
    }
}

// guide editor
/// No engine at all: nothing is ever spoken (every call is [`SpeechError::EngineUnavailable`]). An
/// [`crate::AudioCache`] with it serves staff recordings only, on a server without espeak-ng.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEngine;

impl SpeechEngine for NoEngine {
    fn name(&self) -> &str {
        "none"
    }

    fn synthesize<'a>(&'a self, _text: &'a str, _voice: &'a Voice) -> SpeechFuture<'a> {
        Box::pin(async { Err(SpeechError::EngineUnavailable { program: "none".to_owned() }) })
    }

    fn check(&self) -> Result<(), SpeechError> {
        Err(SpeechError::EngineUnavailable { program: "none".to_owned() })
    }
}

/// Encodes a staff recording uploaded as WAV to Ogg Opus with `opusenc` from `PATH` (a WAV is ten times the size on
/// a phone plan). [`SpeechError::EngineUnavailable`] when opusenc is not installed: the caller refuses the WAV then.
pub async fn encode_wav_recording(wav: &[u8]) -> Result<Vec<u8>, SpeechError> {
    // A human voice gets more bits than the synthetic one.
    let encoder = Encoder { program: "opusenc".to_owned(), bitrate_kbps: 32 };
    find_program(&encoder.program)?;
    let bytes = Runner::new().run(wav, &encoder.program(), None).await?;
    ogg_opus(&encoder.program, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voice_names_cannot_be_options() {
        assert!(Voice::parse("vi").is_ok());
        assert!(Voice::parse("vi-vn-x-south").is_ok());
        for bad in ["", "-w", "--help", "vi /etc/passwd", "vi;rm", "../vi", "vi\n", &"v".repeat(41)] {
            assert_eq!(Voice::parse(bad).map_err(|e| e.code()), Err("speech_voice_invalid"), "{bad:?}");
        }
    }

    #[test]
    fn a_missing_program_is_reported_as_unavailable() {
        let engine = EspeakEngine::new().with_programs("/nonexistent/espeak-ng", "opusenc");
        assert_eq!(engine.check().map_err(|e| e.code()), Err("engine_unavailable"));
        let engine = EspeakEngine::new().with_programs("no-such-program-hocvuso", "opusenc");
        assert_eq!(engine.check().map_err(|e| e.code()), Err("engine_unavailable"));
    }
}
