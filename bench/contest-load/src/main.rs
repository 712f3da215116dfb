//! Plays quiz-contest participants against a local Học vụ số server: the load benchmark of issue #5.
//!
//! 1. Prepares a fresh database with the `hocvuso` binary (`migrate`, `demo`), then adds, through the app layer,
//!    a bank of `--questions` questions and a contest that draws all of them and closes `--window` seconds after
//!    the load starts.
//! 2. Starts `hocvuso serve` on 127.0.0.1 and plays `--participants` people, each on its own connection, as a phone
//!    would: register, start within the first `--spread` seconds, answer every question (each answer saved and
//!    acknowledged before the next), then submit. A quarter submit in the last 15 seconds before the close. One in
//!    fifty never submits and sends its last answer after the close plus the grace: that answer must be refused.
//! 3. After the close, reads every attempt back through the API and compares it with what was acknowledged.
//!
//! Prints latency percentiles per kind of request, and the counts of lost and late-accepted answers; exits with
//! an error when either is not zero. Bounded: it stops when the contest has closed and been read back.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use hocvuso_app::Ctx;
use hocvuso_app::clock::Clock;
use hocvuso_app::contests::{self, GRACE};
use hocvuso_app::password_hasher::PasswordHasher;
use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::contests::setup::{AttemptCounting, CccdRule, ContestSettings, ResultsShown};
use hocvuso_domain::contests::{DEFAULT_RANKING, DrawPlan};
use hocvuso_domain::ids::{CommuneId, ContestId};
use hocvuso_store::{PoolSizes, Store};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

#[derive(Debug, Parser)]
#[command(name = "contest-load", about = "Quiz-contest load benchmark (127.0.0.1 only).")]
struct Args {
    /// The server binary.
    #[arg(long, default_value = "target/release/hocvuso")]
    bin: PathBuf,
    /// A PostgreSQL URL of an EMPTY database; SQLite in a temporary folder otherwise.
    #[arg(long)]
    database_url: Option<String>,
    /// People taking part.
    #[arg(long, default_value_t = 10_000)]
    participants: usize,
    /// Questions per attempt (all of the bench's bank).
    #[arg(long, default_value_t = 20)]
    questions: usize,
    /// Seconds over which the participants start.
    #[arg(long, default_value_t = 60)]
    spread: u64,
    /// Seconds from the start of the load to the contest's close.
    #[arg(long, default_value_t = 150)]
    window: u64,
    /// Port of the server.
    #[arg(long, default_value_t = 18451)]
    port: u16,
    /// Database connections of the server (readers on SQLite).
    #[arg(long, default_value_t = 8)]
    db_connections: u32,
}

/// The kinds of request, in the order a participant sends them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Register,
    Start,
    Answer,
    Submit,
    LateAnswer,
    ReadBack,
}

/// One request's outcome.
struct Sample {
    kind: Kind,
    status: u16,
    took: Duration,
    /// The API's error code of a refused request (with the field codes of `invalid_input`).
    error: Option<String>,
}

impl Sample {
    fn new(kind: Kind, status: u16, body: &Value, took: Duration) -> Sample {
        let error = body["error"]["code"].as_str().map(|code| {
            let fields: Vec<&str> =
                body["error"]["fields"].as_array().into_iter().flatten().filter_map(|f| f["code"].as_str()).collect();
            if fields.is_empty() { code.to_owned() } else { format!("{code}:{}", fields.join(",")) }
        });
        Sample { kind, status, took, error }
    }
}

/// What one participant did.
#[derive(Default)]
struct Played {
    samples: Vec<Sample>,
    code: Option<String>,
    attempt_id: Option<i64>,
    /// Acknowledged answers: position → chosen (shown order).
    acked: BTreeMap<usize, Vec<usize>>,
    /// Whether this participant never submits and answers its last question after the close.
    late: bool,
    /// The position answered after the close, once sent.
    late_position: Option<usize>,
    /// Why the participant stopped early, if it did.
    failure: Option<String>,
}

/// One keep-alive connection, reopened when the server closes it.
struct Conn {
    port: u16,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Conn {
    async fn open(port: u16) -> anyhow::Result<SendRequest<Full<Bytes>>> {
        let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// Sends one request; the status, the JSON body (Null when not JSON) and the time it took.
    async fn call(
        &mut self,
        method: &str,
        path: &str,
        code: Option<&str>,
        body: Option<Value>,
    ) -> anyhow::Result<(u16, Value, Duration)> {
        let started = Instant::now();
        if let Some(sender) = self.sender.as_mut()
            && sender.ready().await.is_err()
        {
            self.sender = None;
        }
        if self.sender.is_none() {
            self.sender = Some(Conn::open(self.port).await?);
        }
        let Some(sender) = self.sender.as_mut() else { bail!("no connection") };
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", format!("127.0.0.1:{}", self.port))
            .header("content-type", "application/json");
        if let Some(code) = code {
            request = request.header("x-entry-code", code);
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let response = sender.send_request(request.body(Full::new(Bytes::from(body)))?).await?;
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await?.to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((status, json, started.elapsed()))
    }
}

/// A fictional but valid Vietnamese name for participant `n`.
fn name_of(n: usize) -> String {
    const FAMILY: [&str; 10] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"];
    const MIDDLE: [&str; 6] = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Đức"];
    const GIVEN: [&str; 12] = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Tâm", "Thảo", "Yến"];
    format!("{} {} {}", FAMILY[n % 10], MIDDLE[(n / 10) % 6], GIVEN[(n / 60) % 12])
}

/// The bench's question file: `count` questions of four options in four topics.
fn question_file(count: usize) -> String {
    let mut text = String::new();
    for n in 1..=count {
        text.push_str(&format!(
            "Chủ đề: Chủ đề {}\nCâu {n}: Câu hỏi thử số {n} về kỹ năng số?\nA. Phương án một của câu {n}\n\
             B. Phương án hai của câu {n}\nC. Phương án ba của câu {n}\nD. Phương án bốn của câu {n}\nĐáp án: {}\n\n",
            n % 4 + 1,
            ["A", "B", "C", "D"][n % 4]
        ));
    }
    text
}

fn hocvuso(args: &Args, data: &std::path::Path) -> Command {
    let mut command = Command::new(&args.bin);
    command.env("HOCVUSO_DATA", data).env_remove("HOCVUSO_DATABASE_URL").env("RUST_LOG", "warn");
    if let Some(url) = &args.database_url {
        command.env("HOCVUSO_DATABASE_URL", url);
    }
    command
}

/// Migrates, loads the demo, and adds the bench's contest. Returns the contest and when it closes.
async fn prepare(args: &Args, data: &std::path::Path, load_start: time::OffsetDateTime) -> anyhow::Result<ContestId> {
    for step in ["migrate", "demo"] {
        let status = hocvuso(args, data).arg(step).stdout(Stdio::null()).status()?;
        if !status.success() {
            bail!("`hocvuso {step}` failed");
        }
    }
    let url = match &args.database_url {
        Some(url) => url.clone(),
        None => format!("sqlite://{}", std::fs::canonicalize(data)?.join("hocvuso.db").display()),
    };
    let store = Store::open(&url, PoolSizes::default()).await?;
    let ctx = Ctx::new(store.clone(), Clock::System, PasswordHasher::new(1));
    let commune_id = CommuneId::parse(hocvuso_app::demo::DEMO_COMMUNE_A).context("demo commune")?;
    let staff = {
        let mut tx = store.read().await?;
        let users = tx.list_users(Some(commune_id)).await?;
        users.into_iter().find(|u| u.role == Role::CommuneStaff).context("the demo has no commune staff")?
    };
    let actor = Actor {
        user_id: staff.id,
        role: staff.role,
        province_code: None,
        commune_id: Some(commune_id),
        hamlet_id: None,
    };
    let imported = contests::import_question_text(&ctx, &actor, commune_id, &question_file(args.questions)).await?;
    if imported.imported.len() != args.questions {
        bail!("the bench's question file did not import: {:?}", imported.read.problems);
    }
    let settings = ContestSettings {
        title: "Cuộc thi đo tải".into(),
        rules: "Cuộc thi dành cho phép đo tải.".into(),
        organiser: "Học vụ số".into(),
        opens_at: load_start - time::Duration::minutes(1),
        closes_at: load_start + time::Duration::seconds(i64::try_from(args.window)?),
        time_limit: time::Duration::minutes(30),
        attempts_allowed: 1,
        counting: AttemptCounting::Best,
        plan: DrawPlan { total: args.questions, quotas: Vec::new() },
        shuffle_options: true,
        prediction_question: Some("Dự đoán số người dự thi?".into()),
        results: ResultsShown::AfterClose,
        ranking: DEFAULT_RANKING.to_vec(),
        cccd: CccdRule::NotAsked,
        units: (1..=20).map(|n| format!("Đơn vị {n}")).collect(),
    };
    let contest_id = contests::create_contest(&ctx, &actor, commune_id, settings).await?;
    store.close().await;
    Ok(contest_id)
}

fn start_server(args: &Args, data: &std::path::Path) -> anyhow::Result<Child> {
    let child = hocvuso(args, data)
        .args(["serve", "--listen", &format!("127.0.0.1:{}", args.port)])
        .args(["--db-connections", &args.db_connections.to_string()])
        .stdout(Stdio::null())
        .spawn()?;
    Ok(child)
}

async fn wait_healthy(port: u16) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut conn = Conn { port, sender: None };
        if matches!(conn.call("GET", "/healthz", None, None).await, Ok((200, _, _))) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the server did not answer /healthz within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// When things happen, as offsets from the start of the load.
#[derive(Clone, Copy)]
struct Plan {
    start: Duration,
    submit: Duration,
    late: bool,
}

fn plan_of(n: usize, args: &Args, rng: &mut StdRng) -> Plan {
    let spread = args.spread as f64;
    let window = args.window as f64;
    let start = spread * (n as f64 / args.participants as f64) + rng.random_range(0.0..1.0);
    let late = n % 50 == 1;
    let submit = if n.is_multiple_of(4) {
        // A quarter submit in the last 15 seconds before the close.
        rng.random_range(window - 15.0..window - 1.0)
    } else {
        let earliest = (start + 20.0).min(window - 21.0);
        rng.random_range(earliest..window - 20.0)
    };
    Plan { start: Duration::from_secs_f64(start), submit: Duration::from_secs_f64(submit.max(start + 1.0)), late }
}

async fn play(n: usize, port: u16, contest: ContestId, epoch: tokio::time::Instant, plan: Plan, seed: u64) -> Played {
    let mut played = Played { late: plan.late, ..Played::default() };
    if let Err(err) = play_inner(n, port, contest, epoch, plan, seed, &mut played).await {
        played.failure = Some(err.to_string());
    }
    played
}

async fn play_inner(
    n: usize,
    port: u16,
    contest: ContestId,
    epoch: tokio::time::Instant,
    plan: Plan,
    seed: u64,
    played: &mut Played,
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut conn = Conn { port, sender: None };
    let base = format!("/api/v1/contests/{}", contest.0);
    tokio::time::sleep_until(epoch + plan.start).await;
    let person = json!({
        "full_name": name_of(n),
        "birth_year": 1950 + (n % 60) as i32,
        "phone": format!("09{:08}", n),
        "unit": format!("Đơn vị {}", n % 20 + 1),
    });
    let (status, body, took) = conn.call("POST", &format!("{base}/entrants"), None, Some(person)).await?;
    played.samples.push(Sample::new(Kind::Register, status, &body, took));
    let code = body["code"].as_str().with_context(|| format!("register: {status}"))?.to_owned();
    played.code = Some(code.clone());
    let (status, attempt, took) = conn.call("POST", &format!("{base}/attempts"), Some(&code), None).await?;
    played.samples.push(Sample::new(Kind::Start, status, &attempt, took));
    let attempt_id = id_of(&attempt["attempt_id"]).with_context(|| format!("start: {status}"))?;
    played.attempt_id = Some(attempt_id);
    let questions = attempt["questions"].as_array().map(Vec::len).unwrap_or(0);
    let path = format!("{base}/attempts/{attempt_id}");
    let answered_in_time = if plan.late { questions.saturating_sub(1) } else { questions };
    for position in 0..answered_in_time {
        let at = plan.start + (plan.submit - plan.start).mul_f64((position + 1) as f64 / (questions + 1) as f64);
        tokio::time::sleep_until(epoch + at).await;
        // One of the options shown (the demo commune's own questions in the bank may have fewer than four).
        let shown = attempt["questions"][position]["options"].as_array().map_or(4, Vec::len).max(1);
        let chosen = vec![rng.random_range(0..shown)];
        let body = json!({ "chosen": chosen, "seq": position + 1 });
        let (status, saved, took) =
            conn.call("PUT", &format!("{path}/answers/{position}"), Some(&code), Some(body)).await?;
        played.samples.push(Sample::new(Kind::Answer, status, &saved, took));
        if status == 200 && saved["saved"] == Value::Bool(true) {
            played.acked.insert(position, chosen);
        }
    }
    if plan.late {
        return Ok(());
    }
    tokio::time::sleep_until(epoch + plan.submit).await;
    let prediction = json!({ "prediction": 9_000 + rng.random_range(0..2_000u32) });
    let (status, submitted, took) = conn.call("POST", &format!("{path}/submit"), Some(&code), Some(prediction)).await?;
    played.samples.push(Sample::new(Kind::Submit, status, &submitted, took));
    Ok(())
}

/// After the close plus the grace: the late participants send their last answer, which must be refused.
async fn answer_late(port: u16, contest: ContestId, played: &mut Played, questions: usize) -> anyhow::Result<()> {
    let (Some(code), Some(attempt_id)) = (played.code.clone(), played.attempt_id) else { return Ok(()) };
    let position = questions - 1;
    let mut conn = Conn { port, sender: None };
    let path = format!("/api/v1/contests/{}/attempts/{attempt_id}/answers/{position}", contest.0);
    let body = json!({ "chosen": [0], "seq": position + 1 });
    let (status, refused, took) = conn.call("PUT", &path, Some(&code), Some(body)).await?;
    played.samples.push(Sample::new(Kind::LateAnswer, status, &refused, took));
    played.late_position = Some(position);
    Ok(())
}

/// What the server holds for a participant, compared with what it acknowledged. (lost, accepted late)
async fn read_back(port: u16, contest: ContestId, played: &mut Played) -> anyhow::Result<(usize, usize)> {
    let (Some(code), Some(attempt_id)) = (played.code.clone(), played.attempt_id) else { return Ok((0, 0)) };
    let mut conn = Conn { port, sender: None };
    let path = format!("/api/v1/contests/{}/attempts/{attempt_id}", contest.0);
    let (status, attempt, took) = conn.call("GET", &path, Some(&code), None).await?;
    played.samples.push(Sample::new(Kind::ReadBack, status, &attempt, took));
    if status != 200 {
        bail!("read back: {status}");
    }
    let stored = |position: usize| -> Vec<usize> {
        attempt["questions"][position]["chosen"]
            .as_array()
            .map(|c| c.iter().filter_map(Value::as_u64).map(|c| c as usize).collect())
            .unwrap_or_default()
    };
    let lost = played.acked.iter().filter(|(position, chosen)| stored(**position) != **chosen).count();
    let late = played.late_position.is_some_and(|position| !stored(position).is_empty());
    Ok((lost, usize::from(late)))
}

/// An id as the API gives it: a number, or a string of digits.
fn id_of(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn report(all: &[Played], wall: Duration) {
    let mut by_kind: BTreeMap<Kind, (Vec<Duration>, BTreeMap<u16, usize>)> = BTreeMap::new();
    for sample in all.iter().flat_map(|p| &p.samples) {
        let entry = by_kind.entry(sample.kind).or_default();
        entry.0.push(sample.took);
        *entry.1.entry(sample.status).or_default() += 1;
    }
    println!(
        "{:<11} {:>8} {:>9} {:>9} {:>9} {:>9}  statuses",
        "request", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    let mut burst = Vec::new();
    for (kind, (mut times, statuses)) in by_kind {
        times.sort_unstable();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{:<11} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>9.1}  {statuses:?}",
            format!("{kind:?}"),
            times.len(),
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&times, 0.99)),
            ms(times.last().copied().unwrap_or_default()),
        );
        let mut errors: BTreeMap<&str, usize> = BTreeMap::new();
        for sample in all.iter().flat_map(|p| &p.samples).filter(|s| s.kind == kind) {
            if let Some(error) = &sample.error {
                *errors.entry(error.as_str()).or_default() += 1;
            }
        }
        if !errors.is_empty() {
            println!("{:<11} refused: {errors:?}", "");
        }
        if matches!(kind, Kind::Register | Kind::Start | Kind::Answer | Kind::Submit) {
            burst.extend(times);
        }
    }
    burst.sort_unstable();
    println!(
        "participants' requests: {} in {:.0} s, p95 {:.1} ms, p99 {:.1} ms",
        burst.len(),
        wall.as_secs_f64(),
        percentile(&burst, 0.95).as_secs_f64() * 1000.0,
        percentile(&burst, 0.99).as_secs_f64() * 1000.0
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.window < args.spread + 40 {
        bail!("--window must be at least --spread + 40 seconds");
    }
    let data = std::env::temp_dir().join(format!("hv-contest-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    // The load starts this long after the contest is prepared: time to start the server.
    let lead = Duration::from_secs(15);
    let load_start = Clock::System.now() + lead;
    let contest = prepare(&args, &data, load_start).await?;
    let mut server = start_server(&args, &data)?;
    let outcome = run(&args, contest, lead).await;
    server.kill()?;
    server.wait()?;
    let _ = std::fs::remove_dir_all(&data);
    outcome
}

async fn run(args: &Args, contest: ContestId, lead: Duration) -> anyhow::Result<()> {
    let prepared = Instant::now();
    wait_healthy(args.port).await?;
    let epoch = tokio::time::Instant::now() + lead.saturating_sub(prepared.elapsed());
    let mut rng = StdRng::seed_from_u64(2026);
    let mut tasks = Vec::with_capacity(args.participants);
    for n in 0..args.participants {
        let plan = plan_of(n, args, &mut rng);
        let seed = rng.random();
        tasks.push(tokio::spawn(play(n, args.port, contest, epoch, plan, seed)));
    }
    let mut all = Vec::with_capacity(tasks.len());
    for task in tasks {
        all.push(task.await?);
    }
    let closes = epoch + Duration::from_secs(args.window);
    tokio::time::sleep_until(closes + Duration::try_from(GRACE)? + Duration::from_secs(2)).await;
    let (mut lost, mut late, mut unverified) = (0, 0, 0);
    for played in all.iter_mut().filter(|p| p.late) {
        answer_late(args.port, contest, played, args.questions).await?;
    }
    for played in all.iter_mut() {
        match read_back(args.port, contest, played).await {
            Ok((l, a)) => {
                lost += l;
                late += a;
            }
            Err(_) => unverified += 1,
        }
    }
    let failures: Vec<&str> = all.iter().filter_map(|p| p.failure.as_deref()).collect();
    println!(
        "{} participants, {} questions, window {} s; {} stopped early{}",
        args.participants,
        args.questions,
        args.window,
        failures.len(),
        failures.first().map(|f| format!(" (first: {f})")).unwrap_or_default()
    );
    report(&all, Duration::from_secs(args.window));
    let acked: usize = all.iter().map(|p| p.acked.len()).sum();
    println!(
        "acknowledged answers: {acked}; lost: {lost}; accepted after the close plus the grace: {late}; \
         participants not read back: {unverified}"
    );
    if lost > 0 || late > 0 || unverified > 0 {
        bail!("answers were lost or accepted late");
    }
    Ok(())
}
