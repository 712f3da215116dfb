//! What makes the participants' requests fast (`docs/decisions/0011-contests.md`, "Under load"): contests kept in
//! memory, and the writes of registrations, starts, answers and submissions committed in groups.
//!
//! A contest and the list of its questions never change once created (editing the bank makes new questions; the
//! contest keeps the ones it copied), so a contest read once is kept for the life of the process, on every server
//! of a PostgreSQL deployment alike.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use hocvuso_domain::contests::attempts::{Answer, AnswerSaved, Attempt, AttemptItem};
use hocvuso_domain::contests::questions::{Question, QuestionPicture};
use hocvuso_domain::contests::setup::{Contest, NewEntrant};
use hocvuso_domain::ids::{AttemptId, ContestId, EntrantId, QuestionId};
use hocvuso_store::{StoreError, Tx};
use time::OffsetDateTime;

use crate::group_commit::{GroupCommit, Job};
use crate::{AppError, Ctx};

/// A contest with the questions it draws from, in their positions, and their pictures (a question's picture never
/// changes either: an edit makes a new question).
pub(crate) struct LoadedContest {
    pub(crate) contest: Contest,
    pub(crate) questions: Vec<(QuestionId, Question)>,
    pub(crate) pictures: Vec<(QuestionId, QuestionPicture)>,
}

/// More contests than any deployment runs at once: past it, the cache starts again empty.
const MAX_CACHED: usize = 1_000;

/// Running attempts kept for the answer path (about 1 KB each): past it, that cache starts again empty.
const MAX_RUNNING: usize = 200_000;

/// A running attempt as the answer path checks it: who may answer it (contest and hash of the entry code) and
/// what never changes after the start (questions drawn, options' order, start and end). Whether it was submitted
/// since is not taken from here: the answer's grouped upsert checks that in the database.
pub(crate) struct RunningAttempt {
    contest_id: ContestId,
    code_hash: String,
    pub(crate) attempt: Attempt,
}

/// The participants' hot path: the contest cache, the running attempts and one group commit per kind of write.
#[derive(Default)]
pub(crate) struct HotPath {
    contests: RwLock<HashMap<ContestId, Arc<LoadedContest>>>,
    running: RwLock<HashMap<AttemptId, Arc<RunningAttempt>>>,
    pub(crate) registrations: Arc<GroupCommit<Register>>,
    pub(crate) starts: Arc<GroupCommit<Start>>,
    pub(crate) answers: Arc<GroupCommit<SaveAnswer>>,
    pub(crate) submits: Arc<GroupCommit<Submit>>,
}

impl HotPath {
    /// The running attempt kept for `attempt_id`, if the same contest and entry code started or answered it here.
    pub(crate) fn running(&self, contest_id: ContestId, code_hash: &str, id: AttemptId) -> Option<Arc<RunningAttempt>> {
        let running = self.running.read().unwrap_or_else(PoisonError::into_inner);
        running.get(&id).filter(|r| r.contest_id == contest_id && r.code_hash == code_hash).map(Arc::clone)
    }

    /// Keeps a running attempt (read from the database for this contest and entry code) for the next answers.
    pub(crate) fn keep_running(
        &self,
        contest_id: ContestId,
        code_hash: String,
        attempt: Attempt,
    ) -> Arc<RunningAttempt> {
        let kept = Arc::new(RunningAttempt { contest_id, code_hash, attempt });
        let mut running = self.running.write().unwrap_or_else(PoisonError::into_inner);
        if running.len() >= MAX_RUNNING {
            running.clear();
        }
        running.insert(kept.attempt.id, Arc::clone(&kept));
        kept
    }

    /// Forgets an attempt that was submitted.
    pub(crate) fn forget_running(&self, id: AttemptId) {
        self.running.write().unwrap_or_else(PoisonError::into_inner).remove(&id);
    }
}

/// A contest with its questions, from memory or (once) from the read pool. Unknown ids are not found.
pub(crate) async fn loaded_contest(ctx: &Ctx, contest_id: ContestId) -> Result<Arc<LoadedContest>, AppError> {
    let hot = &ctx.contests_hot_path;
    if let Some(loaded) = hot.contests.read().unwrap_or_else(PoisonError::into_inner).get(&contest_id) {
        return Ok(Arc::clone(loaded));
    }
    let mut tx = ctx.store.read().await?;
    let contest = tx.contest_by_id(contest_id).await?.ok_or(AppError::NotFound)?;
    let questions = tx.contest_questions(contest_id).await?;
    let pictures = tx.contest_pictures(contest_id).await?;
    drop(tx);
    let loaded = Arc::new(LoadedContest { contest, questions, pictures });
    let mut cache = hot.contests.write().unwrap_or_else(PoisonError::into_inner);
    if cache.len() >= MAX_CACHED {
        cache.clear();
    }
    cache.insert(contest_id, Arc::clone(&loaded));
    Ok(loaded)
}

/// How many of an attempt's stored answers are right.
pub(crate) fn score_of(questions: &[(QuestionId, Question)], items: &[AttemptItem], answers: &[Answer]) -> u32 {
    let right = answers.iter().filter(|answer| {
        let question = items.get(answer.position).and_then(|item| questions.get(item.item));
        question.is_some_and(|(_, q)| q.is_right(&answer.chosen))
    });
    u32::try_from(right.count()).unwrap_or(u32::MAX)
}

/// A registration; done: the new entrant, or `None` when the phone or CCCD is taken.
pub(crate) struct Register {
    pub(crate) entrant: NewEntrant,
    pub(crate) code_hash: String,
    pub(crate) at: OffsetDateTime,
}

impl Job for Register {
    type Done = Option<EntrantId>;

    async fn write(&self, tx: &mut Tx) -> Result<Self::Done, StoreError> {
        tx.insert_entrant(&self.entrant, &self.code_hash, self.at).await
    }
}

/// A new attempt; done: its id, or `None` when that attempt number exists (two tabs starting at once).
pub(crate) struct Start {
    pub(crate) entrant_id: EntrantId,
    pub(crate) number: u32,
    pub(crate) items: Vec<AttemptItem>,
    pub(crate) started_at: OffsetDateTime,
    pub(crate) ends_at: OffsetDateTime,
}

impl Job for Start {
    type Done = Option<AttemptId>;

    async fn write(&self, tx: &mut Tx) -> Result<Self::Done, StoreError> {
        tx.insert_attempt(self.entrant_id, self.number, &self.items, self.started_at, self.ends_at).await
    }
}

/// One answer, as indexes into the question's options in the bank.
pub(crate) struct SaveAnswer {
    pub(crate) attempt_id: AttemptId,
    pub(crate) position: usize,
    pub(crate) chosen: Vec<usize>,
    pub(crate) seq: i64,
    pub(crate) at: OffsetDateTime,
}

impl Job for SaveAnswer {
    type Done = AnswerSaved;

    async fn write(&self, tx: &mut Tx) -> Result<Self::Done, StoreError> {
        tx.save_answer(self.attempt_id, self.position, &self.chosen, self.seq, self.at).await
    }
}

/// Closes an attempt, scored from its stored answers in the same transaction (so an answer committed just before
/// counts, and none can be stored after); done: false when it was already submitted.
pub(crate) struct Submit {
    pub(crate) contest: Arc<LoadedContest>,
    pub(crate) attempt_id: AttemptId,
    pub(crate) items: Vec<AttemptItem>,
    pub(crate) prediction: Option<u64>,
    pub(crate) at: OffsetDateTime,
}

impl Job for Submit {
    type Done = bool;

    async fn write(&self, tx: &mut Tx) -> Result<Self::Done, StoreError> {
        let answers = tx.answers_of(self.attempt_id).await?;
        let right = score_of(&self.contest.questions, &self.items, &answers);
        tx.submit_attempt(self.attempt_id, right, self.prediction, self.at).await
    }
}
