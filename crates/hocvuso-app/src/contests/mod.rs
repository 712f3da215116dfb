//! Quiz contests: staff keep the question bank and set up contests; anyone registers, takes an attempt that
//! survives a lost connection, and sees the result.
//!
//! Participants do not sign in: registration gives an entry code ("mã dự thi") that the page keeps in a cookie
//! and the person can write down to resume on another phone; only its SHA-256 is stored. The server's clock is
//! the only clock: an answer is accepted until the attempt's end plus [`GRACE`], and an attempt left running is
//! submitted as it stands once that has passed.

// contests: results
pub mod results;
// contests: the participants' hot path (cache, grouped writes)
pub(crate) mod hot_path;

use std::sync::Arc;

use hocvuso_domain::accounts::Actor;
use hocvuso_domain::cccd::Cccd;
use hocvuso_domain::contests::attempts::{Answer, AnswerSaved, Attempt, AttemptItem, Entrant};
use hocvuso_domain::contests::questions::{Question, QuestionPicture, ReadBank, read_question_text};
use hocvuso_domain::contests::setup::{CccdRule, Contest, ContestSettings, NewEntrant, ResultsShown};
use hocvuso_domain::contests::{AttemptClock, shuffle_options};
use hocvuso_domain::ids::{AttemptId, CommuneId, ContestId, QuestionId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::text;
use hocvuso_store::Tx;
use rand::Rng;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use self::hot_path::{LoadedContest, Register, SaveAnswer, Start, Submit, loaded_contest, score_of};
use crate::{AppError, Ctx, Rejection};

// contests: question bank and set-up
pub mod bank;
// contests: editing a question, a picture per question
pub mod edit;
// contests: live mode
pub mod live;

/// How late an answer sent before the end may arrive: the network's slack on a 3G phone.
pub const GRACE: Duration = Duration::seconds(10);

/// Longest question file, in bytes (a bank of a few thousand questions).
pub const MAX_QUESTION_FILE_BYTES: usize = 2 * 1024 * 1024;

/// What an import of a question file did: each question's verdict; the ids are empty unless every question was
/// valid (a file is taken whole or not at all).
#[derive(Clone, Debug)]
pub struct QuestionImport {
    /// What was read, with a verdict per question.
    pub read: ReadBank,
    /// The new questions' ids, in file order.
    pub imported: Vec<QuestionId>,
}

fn manage(actor: &Actor, commune_id: CommuneId) -> Result<(), AppError> {
    if actor.can_manage_contests(commune_id) { Ok(()) } else { Err(AppError::NotFound) }
}

/// Reads a question file in the organisers' plain-text form and adds its questions to the commune's bank,
/// all of them or (when any question or line is wrong) none.
pub async fn import_question_text(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
    input: &str,
) -> Result<QuestionImport, AppError> {
    manage(actor, commune_id)?;
    if input.len() > MAX_QUESTION_FILE_BYTES {
        return Err(AppError::invalid("file", "question_file_too_large"));
    }
    let read = read_question_text(input);
    if !read.is_clean() {
        return Ok(QuestionImport { read, imported: Vec::new() });
    }
    let questions: Vec<Question> = read.questions.iter().filter_map(|q| q.result.clone().ok()).collect();
    let imported = add_questions(ctx, actor, commune_id, &questions).await?;
    Ok(QuestionImport { read, imported })
}

/// Adds valid questions to the commune's bank in one transaction (the caller checked the actor).
async fn add_questions(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
    questions: &[Question],
) -> Result<Vec<QuestionId>, AppError> {
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let imported = tx.insert_questions(commune_id, questions, Some(actor.user_id), now).await?;
    tx.commit().await?;
    tracing::info!(commune = %commune_id, questions = imported.len(), "question bank imported");
    Ok(imported)
}

/// The commune's question bank.
pub async fn question_bank(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
) -> Result<Vec<(QuestionId, Question)>, AppError> {
    manage(actor, commune_id)?;
    let mut tx = ctx.store.read().await?;
    Ok(tx.list_questions(commune_id).await?)
}

/// Creates a contest drawing from the whole current bank of the commune.
pub async fn create_contest(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
    settings: ContestSettings,
) -> Result<ContestId, AppError> {
    manage(actor, commune_id)?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let bank = tx.list_questions(commune_id).await?;
    let topics: Vec<&str> = bank.iter().map(|(_, q)| q.topic.as_str()).collect();
    let settings =
        settings.checked(&topics).map_err(|err| AppError::invalid(bank::contest_error_field(&err), err.code()))?;
    let ids: Vec<QuestionId> = bank.iter().map(|(id, _)| *id).collect();
    let contest_id = tx.insert_contest(commune_id, &settings, &ids, Some(actor.user_id), now).await?;
    tx.commit().await?;
    Ok(contest_id)
}

/// A contest for its public pages (rules, registration). Unknown ids are not found.
pub async fn contest(ctx: &Ctx, contest_id: ContestId) -> Result<Contest, AppError> {
    Ok(loaded_contest(ctx, contest_id).await?.contest.clone())
}

/// A registration as typed in the form.
#[derive(Clone, Debug, Default)]
pub struct EntrantInput {
    /// Full name.
    pub full_name: String,
    /// Birth year, as typed.
    pub birth_year: String,
    /// Phone number, in any common format.
    pub phone: String,
    /// CCCD, when asked.
    pub cccd: String,
    /// The unit, one of the contest's.
    pub unit: String,
}

/// A new registration: the entry code to keep (shown once, set as a cookie).
#[derive(Clone, Debug)]
pub struct Registration {
    /// The entry code.
    pub code: String,
}

/// Hashes an entry code for storage and lookup.
fn code_hash(code: &str) -> String {
    hex::encode(Sha256::digest(text::clean(code).to_uppercase().as_bytes()))
}

/// Characters of the codes people read and type: no look-alikes (no 0/O, 1/I/L), easy to read aloud and to copy
/// from paper.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A random code of `len` characters of [`CODE_ALPHABET`] (31^len codes).
fn random_code(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())])).collect()
}

/// A new entry code: 10 characters, 31^10 ≈ 8·10^14 codes.
fn new_code() -> String {
    random_code(10)
}

/// Registers a participant: one registration per phone (and per CCCD when it is required), only while the
/// contest has not closed.
pub async fn register(ctx: &Ctx, contest_id: ContestId, input: &EntrantInput) -> Result<Registration, AppError> {
    let now = ctx.now();
    let loaded = loaded_contest(ctx, contest_id).await?;
    let settings = &loaded.contest.settings;
    if now >= settings.closes_at {
        return Err(AppError::Conflict("contest_closed"));
    }
    let mut rejections = Vec::new();
    let full_name = PersonName::parse(&input.full_name)
        .map_err(|err| rejections.push(Rejection { field: "full_name", code: err.code() }))
        .ok();
    let birth_year =
        text::clean(&input.birth_year).parse::<i32>().ok().filter(|year| (1900..=now.year()).contains(year)).or_else(
            || {
                rejections.push(Rejection { field: "birth_year", code: "birth_year_invalid" });
                None
            },
        );
    let phone = PhoneNumber::parse(&input.phone)
        .map_err(|err| rejections.push(Rejection { field: "phone", code: err.code() }))
        .ok();
    let cccd = match (settings.cccd, text::clean(&input.cccd).is_empty()) {
        (CccdRule::NotAsked, _) | (CccdRule::Optional, true) => None,
        (CccdRule::Required, true) => {
            rejections.push(Rejection { field: "cccd", code: "contest_cccd_required" });
            None
        }
        (_, false) => {
            Cccd::parse(&input.cccd).map_err(|err| rejections.push(Rejection { field: "cccd", code: err.code() })).ok()
        }
    };
    let unit = text::clean(&input.unit);
    if !settings.units.contains(&unit) {
        rejections.push(Rejection { field: "unit", code: "contest_unit_unknown" });
    }
    let (Some(full_name), Some(birth_year), Some(phone), true) = (full_name, birth_year, phone, rejections.is_empty())
    else {
        return Err(AppError::Invalid(rejections));
    };
    let entrant = NewEntrant { contest_id, full_name, birth_year, phone, cccd, unit };
    let code = new_code();
    let job = Register { entrant, code_hash: code_hash(&code), at: now };
    match ctx.contests_hot_path.registrations.run(&ctx.store, job).await? {
        Some(_) => Ok(Registration { code }),
        None => Err(AppError::Conflict("contest_already_registered")),
    }
}

async fn entrant(tx: &mut Tx, contest_id: ContestId, code: &str) -> Result<Entrant, AppError> {
    tx.entrant_by_code(contest_id, &code_hash(code)).await?.ok_or(AppError::NotFound)
}

fn attempt_clock(settings: &ContestSettings, attempt: &Attempt) -> AttemptClock {
    AttemptClock {
        started_at: attempt.started_at,
        time_limit: attempt.ends_at - attempt.started_at,
        closes_at: settings.closes_at,
        grace: GRACE,
    }
}

/// Submits, as they stand, the attempts whose time is over (the person closed the page), in the caller's
/// transaction (results close a whole contest's at once).
async fn close_overdue(
    tx: &mut Tx,
    contest: &Contest,
    questions: &[(QuestionId, Question)],
    attempts: &mut [Attempt],
    now: OffsetDateTime,
) -> Result<(), AppError> {
    for attempt in attempts.iter_mut() {
        let clock = attempt_clock(&contest.settings, attempt);
        if attempt.submitted_at.is_none() && !clock.accepts(now) {
            let answers = tx.answers_of(attempt.id).await?;
            let right = score_of(questions, &attempt.items, &answers);
            tx.submit_attempt(attempt.id, right, None, clock.ends_at()).await?;
            attempt.submitted_at = Some(clock.ends_at());
            attempt.score = Some(right);
        }
    }
    Ok(())
}

/// Submits one attempt whose time is over as it stands, at its end (grouped with other submissions).
async fn close_as_it_stands(ctx: &Ctx, contest: &Arc<LoadedContest>, attempt: &Attempt) -> Result<(), AppError> {
    let at = attempt_clock(&contest.contest.settings, attempt).ends_at();
    let job = Submit {
        contest: Arc::clone(contest),
        attempt_id: attempt.id,
        items: attempt.items.clone(),
        prediction: None,
        at,
    };
    ctx.contests_hot_path.submits.run(&ctx.store, job).await?;
    ctx.contests_hot_path.forget_running(attempt.id);
    Ok(())
}

/// A participant's contest, registration and attempts, with the overdue ones closed.
struct Participant {
    contest: Arc<LoadedContest>,
    entrant: Entrant,
    attempts: Vec<Attempt>,
}

/// Loads a participant on the read pool; an attempt whose time ran out unsubmitted is first closed as it stood.
async fn participant(
    ctx: &Ctx,
    contest_id: ContestId,
    code: &str,
    now: OffsetDateTime,
) -> Result<Participant, AppError> {
    let contest = loaded_contest(ctx, contest_id).await?;
    let mut tx = ctx.store.read().await?;
    let entrant = entrant(&mut tx, contest_id, code).await?;
    let mut attempts = tx.attempts_of(entrant.id).await?;
    drop(tx);
    let overdue = |a: &Attempt| a.submitted_at.is_none() && !attempt_clock(&contest.contest.settings, a).accepts(now);
    if attempts.iter().any(overdue) {
        for attempt in attempts.iter().filter(|a| overdue(a)) {
            close_as_it_stands(ctx, &contest, attempt).await?;
        }
        attempts = ctx.store.read().await?.attempts_of(entrant.id).await?;
    }
    Ok(Participant { contest, entrant, attempts })
}

/// One question as the participant sees it: options in the attempt's order, never the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownQuestion {
    /// The question.
    pub text: String,
    /// The options, in the order shown.
    pub options: Vec<String>,
    /// What the participant chose so far, as positions in `options`.
    pub chosen: Vec<usize>,
    /// Whether several options may be right (the page then shows check boxes).
    pub several: bool,
    /// The question's picture, if it has one.
    pub picture: Option<QuestionPicture>,
}

/// An attempt as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptView {
    /// The attempt.
    pub attempt_id: AttemptId,
    /// Which attempt of the person.
    pub number: u32,
    /// The questions in the order asked.
    pub questions: Vec<ShownQuestion>,
    /// Time left by the server's clock.
    pub remaining: Duration,
    /// When it ends.
    pub ends_at: OffsetDateTime,
    /// When it was submitted, if it was.
    pub submitted_at: Option<OffsetDateTime>,
    /// The score, once submitted and when the contest shows results now.
    pub score: Option<u32>,
    /// The prediction question, if the contest asks one.
    pub prediction_question: Option<String>,
    /// The highest sequence number stored for this attempt's answers: a page opened on another phone numbers
    /// its answers from here, so they are not taken for stale ones.
    pub last_seq: i64,
}

/// An attempt's view with its stored answers, read on the read pool.
async fn view(
    ctx: &Ctx,
    contest: &LoadedContest,
    attempt: &Attempt,
    now: OffsetDateTime,
) -> Result<AttemptView, AppError> {
    let answers = ctx.store.read().await?.answers_of(attempt.id).await?;
    view_of(contest, attempt, &answers, now)
}

fn view_of(
    loaded: &LoadedContest,
    attempt: &Attempt,
    answers: &[Answer],
    now: OffsetDateTime,
) -> Result<AttemptView, AppError> {
    let LoadedContest { contest, questions, pictures } = loaded;
    let mut shown = Vec::with_capacity(attempt.items.len());
    for (position, item) in attempt.items.iter().enumerate() {
        let (question_id, question) = questions.get(item.item).ok_or(AppError::NotFound)?;
        let picture = pictures.iter().find(|(id, _)| id == question_id).map(|(_, p)| p.clone());
        let options = item.options.iter().filter_map(|&i| question.options.get(i).cloned()).collect();
        let chosen = answers
            .iter()
            .find(|a| a.position == position)
            .map(|a| a.chosen.iter().filter_map(|c| item.options.iter().position(|o| o == c)).collect())
            .unwrap_or_default();
        shown.push(ShownQuestion {
            text: question.text.clone(),
            options,
            chosen,
            several: question.correct.len() > 1,
            picture,
        });
    }
    let clock = attempt_clock(&contest.settings, attempt);
    let results_now = match contest.settings.results {
        ResultsShown::AfterAttempt => true,
        ResultsShown::AfterClose => now >= contest.settings.closes_at,
    };
    Ok(AttemptView {
        attempt_id: attempt.id,
        number: attempt.number,
        questions: shown,
        remaining: if attempt.submitted_at.is_some() { Duration::ZERO } else { clock.remaining(now) },
        ends_at: clock.ends_at(),
        submitted_at: attempt.submitted_at,
        score: attempt.score.filter(|_| results_now),
        prediction_question: contest.settings.prediction_question.clone(),
        last_seq: answers.iter().map(|a| a.client_seq).max().unwrap_or(0),
    })
}

/// Starts an attempt, or resumes the one still running (a reload, a lost connection, another phone).
/// Refused before the contest opens, after it closes, and when every allowed attempt is used.
pub async fn start_attempt(ctx: &Ctx, contest_id: ContestId, code: &str) -> Result<AttemptView, AppError> {
    let now = ctx.now();
    let Participant { contest, entrant, attempts } = participant(ctx, contest_id, code, now).await?;
    if let Some(running) = attempts.iter().find(|a| a.submitted_at.is_none()) {
        return view(ctx, &contest, running, now).await;
    }
    let settings = &contest.contest.settings;
    if now < settings.opens_at {
        return Err(AppError::Conflict("contest_not_open"));
    }
    if now >= settings.closes_at {
        return Err(AppError::Conflict("contest_closed"));
    }
    let used = u32::try_from(attempts.len()).unwrap_or(u32::MAX);
    if used >= settings.attempts_allowed {
        return Err(AppError::Conflict("contest_attempts_used"));
    }
    let questions = &contest.questions;
    let topics: Vec<&str> = questions.iter().map(|(_, q)| q.topic.as_str()).collect();
    let items: Vec<AttemptItem> = {
        let mut rng = rand::rng();
        let drawn = settings.plan.draw(&topics, &mut rng).map_err(|err| AppError::Conflict(err.code()))?;
        drawn
            .into_iter()
            .map(|item| {
                let count = questions.get(item).map_or(0, |(_, q)| q.options.len());
                let options =
                    if settings.shuffle_options { shuffle_options(count, &mut rng) } else { (0..count).collect() };
                AttemptItem { item, options }
            })
            .collect()
    };
    let ends_at = (now + settings.time_limit).min(settings.closes_at);
    let job = Start { entrant_id: entrant.id, number: used + 1, items, started_at: now, ends_at };
    // `None`: two tabs pressed "Bắt đầu" at once, and the other one's attempt stands.
    let attempt_id = ctx
        .contests_hot_path
        .starts
        .run(&ctx.store, job)
        .await?
        .ok_or(AppError::Conflict("contest_attempt_running"))?;
    // Read back as stored (times in the stored precision); a new attempt has no answers yet.
    let attempt = ctx.store.read().await?.attempt_by_id(entrant.id, attempt_id).await?.ok_or(AppError::NotFound)?;
    let running = ctx.contests_hot_path.keep_running(contest_id, code_hash(code), attempt);
    view_of(&contest, &running.attempt, &[], now)
}

/// An attempt's page (also after submission, to show the result when the contest allows it).
pub async fn attempt(
    ctx: &Ctx,
    contest_id: ContestId,
    code: &str,
    attempt_id: AttemptId,
) -> Result<AttemptView, AppError> {
    Ok(attempt_with_view(ctx, contest_id, code, attempt_id).await?.2)
}

/// One of a participant's attempts (closed first if its time ran out), with its contest and its view.
async fn attempt_with_view(
    ctx: &Ctx,
    contest_id: ContestId,
    code: &str,
    attempt_id: AttemptId,
) -> Result<(Arc<LoadedContest>, Attempt, AttemptView), AppError> {
    let now = ctx.now();
    let Participant { contest, attempts, .. } = participant(ctx, contest_id, code, now).await?;
    let attempt = attempts.into_iter().find(|a| a.id == attempt_id).ok_or(AppError::NotFound)?;
    let view = view(ctx, &contest, &attempt, now).await?;
    Ok((contest, attempt, view))
}

/// A participant's attempt by its id, read on the read pool.
async fn own_attempt(ctx: &Ctx, contest_id: ContestId, code: &str, attempt_id: AttemptId) -> Result<Attempt, AppError> {
    let mut tx = ctx.store.read().await?;
    let entrant = entrant(&mut tx, contest_id, code).await?;
    tx.attempt_by_id(entrant.id, attempt_id).await?.ok_or(AppError::NotFound)
}

/// Saves one answer, given as positions in the options as shown. The answer is committed before this returns
/// (grouped with the answers that arrived meanwhile), so an acknowledged answer is never lost. `seq` orders the
/// page's answers: a replayed or late request is `Stale` and changes nothing. Whether the answer is on time is
/// decided by the server's clock when the request arrives.
pub async fn answer(
    ctx: &Ctx,
    contest_id: ContestId,
    code: &str,
    attempt_id: AttemptId,
    position: usize,
    chosen: &[usize],
    seq: i64,
) -> Result<AnswerSaved, AppError> {
    let now = ctx.now();
    let contest = loaded_contest(ctx, contest_id).await?;
    let hot = &ctx.contests_hot_path;
    let hash = code_hash(code);
    let running = match hot.running(contest_id, &hash, attempt_id) {
        Some(running) => running,
        None => {
            let attempt = own_attempt(ctx, contest_id, code, attempt_id).await?;
            if attempt.submitted_at.is_some() {
                return Err(AppError::Conflict("contest_attempt_submitted"));
            }
            hot.keep_running(contest_id, hash, attempt)
        }
    };
    let attempt = &running.attempt;
    if !attempt_clock(&contest.contest.settings, attempt).accepts(now) {
        return Err(AppError::Conflict("contest_attempt_over"));
    }
    let item = attempt.items.get(position).ok_or_else(|| AppError::invalid("position", "contest_answer_position"))?;
    let mut bank_indexes = Vec::with_capacity(chosen.len());
    for &shown in chosen {
        let index = item.options.get(shown).ok_or_else(|| AppError::invalid("chosen", "contest_answer_option"))?;
        bank_indexes.push(*index);
    }
    bank_indexes.sort_unstable();
    bank_indexes.dedup();
    let job = SaveAnswer { attempt_id, position, chosen: bank_indexes, seq, at: now };
    let saved = hot.answers.run(&ctx.store, job).await?;
    // Nothing stored: a newer answer is there, or the attempt was submitted (the kept attempt does not know).
    if saved == AnswerSaved::Stale && own_attempt(ctx, contest_id, code, attempt_id).await?.submitted_at.is_some() {
        hot.forget_running(attempt_id);
        return Err(AppError::Conflict("contest_attempt_submitted"));
    }
    Ok(saved)
}

/// Submits an attempt (with the prediction, when the contest asks one). A second submit changes nothing and
/// shows the same result; a submit after the end plus the grace is refused, the attempt having been closed as it stood.
pub async fn submit(
    ctx: &Ctx,
    contest_id: ContestId,
    code: &str,
    attempt_id: AttemptId,
    prediction: Option<u64>,
) -> Result<AttemptView, AppError> {
    let now = ctx.now();
    let contest = loaded_contest(ctx, contest_id).await?;
    let attempt = own_attempt(ctx, contest_id, code, attempt_id).await?;
    if attempt.submitted_at.is_none() {
        if !attempt_clock(&contest.contest.settings, &attempt).accepts(now) {
            close_as_it_stands(ctx, &contest, &attempt).await?;
            return Err(AppError::Conflict("contest_attempt_over"));
        }
        let prediction = prediction.filter(|_| contest.contest.settings.prediction_question.is_some());
        let job =
            Submit { contest: Arc::clone(&contest), attempt_id, items: attempt.items.clone(), prediction, at: now };
        ctx.contests_hot_path.submits.run(&ctx.store, job).await?;
        ctx.contests_hot_path.forget_running(attempt_id);
    }
    // The attempt as stored now: this submission, or the one that came first.
    let attempt = own_attempt(ctx, contest_id, code, attempt_id).await?;
    view(ctx, &contest, &attempt, now).await
}

// contests: taking part

/// How long a closed contest stays in the public list.
pub const RECENT: Duration = Duration::days(30);

/// A contest of the public list, with the name of the commune that runs it.
#[derive(Clone, Debug)]
pub struct ListedContest {
    /// The contest.
    pub contest: Contest,
    /// The commune's official name.
    pub commune_name: String,
}

/// The contests of the served communes that are coming, open, or closed less than [`RECENT`] ago: soonest to
/// close first among the open ones, then the coming ones, then the closed ones.
pub async fn public_contests(ctx: &Ctx) -> Result<Vec<ListedContest>, AppError> {
    let now = ctx.now();
    let communes = crate::places::list_served_communes(ctx).await?;
    let mut tx = ctx.store.read().await?;
    let mut listed = Vec::new();
    for commune in communes {
        for contest in tx.list_contests(commune.id).await? {
            if contest.settings.closes_at + RECENT > now {
                listed.push(ListedContest { contest, commune_name: commune.name.clone() });
            }
        }
    }
    let phase = |c: &Contest| match (now < c.settings.opens_at, now < c.settings.closes_at) {
        (false, true) => 0,
        (true, _) => 1,
        (false, false) => 2,
    };
    listed.sort_by_key(|l| (phase(&l.contest), l.contest.settings.closes_at, l.contest.id.0));
    Ok(listed)
}

/// One of a participant's attempts, for the contest's page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptSummary {
    /// The attempt.
    pub attempt_id: AttemptId,
    /// Which attempt of the person.
    pub number: u32,
    /// When it was submitted; `None` while it runs.
    pub submitted_at: Option<OffsetDateTime>,
}

/// Where a participant stands in a contest: what the contest's page offers them (start, continue, results).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participation {
    /// Their attempts, first first (the overdue ones closed).
    pub attempts: Vec<AttemptSummary>,
    /// The attempt still running, if any.
    pub running: Option<AttemptId>,
    /// How many attempts they may still start.
    pub attempts_left: u32,
}

/// A participant's standing, by their entry code. An unknown code is not found (the resume form says so).
pub async fn participation(ctx: &Ctx, contest_id: ContestId, code: &str) -> Result<Participation, AppError> {
    let now = ctx.now();
    let Participant { contest, attempts, .. } = participant(ctx, contest_id, code, now).await?;
    let used = u32::try_from(attempts.len()).unwrap_or(u32::MAX);
    Ok(Participation {
        running: attempts.iter().find(|a| a.submitted_at.is_none()).map(|a| a.id),
        attempts: attempts
            .iter()
            .map(|a| AttemptSummary { attempt_id: a.id, number: a.number, submitted_at: a.submitted_at })
            .collect(),
        attempts_left: contest.contest.settings.attempts_allowed.saturating_sub(used),
    })
}

/// One question of a finished attempt with its key: shown only once the results may be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewedQuestion {
    /// The right options, as positions in the options as shown.
    pub right: Vec<usize>,
    /// Whether the participant's answer was right.
    pub is_right: bool,
    /// Why (may be empty).
    pub explanation: String,
}

/// An attempt with, once it is submitted and the contest shows results, each question's key and explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptReview {
    /// The attempt as its page shows it.
    pub view: AttemptView,
    /// One entry per question, in order; empty while the key must stay hidden (the attempt runs, or the
    /// contest shows results only after closing and has not closed).
    pub key: Vec<ReviewedQuestion>,
}

/// An attempt's result page: the attempt and, when allowed, its key. The key is never given while the attempt
/// runs or before the contest allows results: the score being shown is the one condition for both.
pub async fn review(
    ctx: &Ctx,
    contest_id: ContestId,
    code: &str,
    attempt_id: AttemptId,
) -> Result<AttemptReview, AppError> {
    let (contest, attempt, view) = attempt_with_view(ctx, contest_id, code, attempt_id).await?;
    let questions = &contest.questions;
    let key = if view.submitted_at.is_some() && view.score.is_some() {
        attempt
            .items
            .iter()
            .zip(&view.questions)
            .filter_map(|(item, shown)| {
                let (_, question) = questions.get(item.item)?;
                let right: Vec<usize> = (0..item.options.len())
                    .filter(|&k| item.options.get(k).is_some_and(|bank| question.correct.contains(bank)))
                    .collect();
                let mut chosen = shown.chosen.clone();
                chosen.sort_unstable();
                Some(ReviewedQuestion { is_right: chosen == right, right, explanation: question.explanation.clone() })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(AttemptReview { view, key })
}
