//! Quiz contests: the question bank, contests, registrations, attempts and answers.
//!
//! An answer is one row keyed by (attempt, position): saving it again with a higher sequence number replaces
//! it, a lower one changes nothing, so replayed or out-of-order requests leave the newest answer in place.

// contests: results
mod results;

use hocvuso_domain::contests::attempts::{Answer, AnswerSaved, Attempt, AttemptItem, Entrant};
use hocvuso_domain::contests::questions::{Difficulty, Question};
use hocvuso_domain::contests::setup::{Contest, ContestSettings, NewEntrant};
use hocvuso_domain::ids::{AttemptId, CommuneId, ContestId, EntrantId, QuestionId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::{StoreError, Tx, from_ms, opt_from_ms, to_ms};

// contests: question bank and set-up
mod bank;
// contests: a picture per question
mod pictures;
// contests: live mode
mod live;

fn to_json<T: serde::Serialize>(value: &T, what: &'static str) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|_| StoreError::Corrupt(what))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &'static str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|_| StoreError::Corrupt(what))
}

fn question_from_row(row: &AnyRow) -> Result<(QuestionId, Question), StoreError> {
    let difficulty: String = row.try_get("difficulty")?;
    let options: String = row.try_get("options")?;
    let correct: String = row.try_get("correct")?;
    Ok((
        QuestionId(row.try_get("question_id")?),
        Question {
            topic: row.try_get("topic")?,
            difficulty: Difficulty::parse(&difficulty).ok_or(StoreError::Corrupt("contest_question.difficulty"))?,
            text: row.try_get("body")?,
            options: from_json(&options, "contest_question.options")?,
            correct: from_json(&correct, "contest_question.correct")?,
            explanation: row.try_get("explanation")?,
        },
    ))
}

fn contest_from_row(row: &AnyRow) -> Result<Contest, StoreError> {
    let settings: String = row.try_get("settings")?;
    Ok(Contest {
        id: ContestId(row.try_get("contest_id")?),
        commune_id: CommuneId(row.try_get("commune_id")?),
        settings: from_json(&settings, "contest.settings")?,
    })
}

fn attempt_from_row(row: &AnyRow) -> Result<Attempt, StoreError> {
    let items: String = row.try_get("items")?;
    let number: i32 = row.try_get("number")?;
    let score: Option<i32> = row.try_get("score")?;
    let prediction: Option<i64> = row.try_get("prediction")?;
    Ok(Attempt {
        id: AttemptId(row.try_get("attempt_id")?),
        entrant_id: EntrantId(row.try_get("entrant_id")?),
        number: u32::try_from(number).map_err(|_| StoreError::Corrupt("contest_attempt.number"))?,
        items: from_json(&items, "contest_attempt.items")?,
        started_at: from_ms(row.try_get("started_at")?)?,
        ends_at: from_ms(row.try_get("ends_at")?)?,
        submitted_at: opt_from_ms(row.try_get("submitted_at")?)?,
        score: score.map(u32::try_from).transpose().map_err(|_| StoreError::Corrupt("contest_attempt.score"))?,
        prediction: prediction
            .map(u64::try_from)
            .transpose()
            .map_err(|_| StoreError::Corrupt("contest_attempt.prediction"))?,
    })
}

const QUESTION_COLUMNS: &str = "question_id, topic, difficulty, body, options, correct, explanation";
const ATTEMPT_COLUMNS: &str =
    "attempt_id, entrant_id, number, items, started_at, ends_at, submitted_at, score, prediction";

fn index_i32(value: usize, what: &'static str) -> Result<i32, StoreError> {
    i32::try_from(value).map_err(|_| StoreError::Corrupt(what))
}

impl Tx {
    /// Adds questions to a commune's bank, in order; with the caller's transaction, all or none.
    pub async fn insert_questions(
        &mut self,
        commune_id: CommuneId,
        questions: &[Question],
        by: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<Vec<QuestionId>, StoreError> {
        let mut ids = Vec::with_capacity(questions.len());
        for question in questions {
            let row = sqlx::query(
                "INSERT INTO contest_question (commune_id, topic, difficulty, body, options, correct, explanation, \
                 created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING question_id",
            )
            .bind(commune_id.0)
            .bind(&question.topic)
            .bind(question.difficulty.as_str())
            .bind(&question.text)
            .bind(to_json(&question.options, "contest_question.options")?)
            .bind(to_json(&question.correct, "contest_question.correct")?)
            .bind(&question.explanation)
            .bind(to_ms(now))
            .bind(by.map(|u| u.0))
            .fetch_one(self.conn())
            .await?;
            ids.push(QuestionId(row.try_get("question_id")?));
        }
        Ok(ids)
    }

    /// The commune's bank: questions not retired, oldest first.
    pub async fn list_questions(&mut self, commune_id: CommuneId) -> Result<Vec<(QuestionId, Question)>, StoreError> {
        let sql = format!(
            "SELECT {QUESTION_COLUMNS} FROM contest_question WHERE commune_id = $1 AND retired_at IS NULL \
             ORDER BY question_id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(commune_id.0).fetch_all(self.conn()).await?;
        rows.iter().map(question_from_row).collect()
    }

    /// Takes a question out of the bank (contests that already use it keep it). False when there is no such
    /// question in the commune's bank.
    pub async fn retire_question(
        &mut self,
        commune_id: CommuneId,
        id: QuestionId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE contest_question SET retired_at = $3 WHERE commune_id = $1 AND question_id = $2 \
             AND retired_at IS NULL",
        )
        .bind(commune_id.0)
        .bind(id.0)
        .bind(to_ms(now))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Creates a contest over the given questions of the commune's bank (in that order). Refuses with
    /// `MissingReference` a question that is not the commune's.
    pub async fn insert_contest(
        &mut self,
        commune_id: CommuneId,
        settings: &ContestSettings,
        questions: &[QuestionId],
        by: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<ContestId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO contest (commune_id, settings, opens_at, closes_at, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING contest_id",
        )
        .bind(commune_id.0)
        .bind(to_json(settings, "contest.settings")?)
        .bind(to_ms(settings.opens_at))
        .bind(to_ms(settings.closes_at))
        .bind(to_ms(now))
        .bind(by.map(|u| u.0))
        .fetch_one(self.conn())
        .await?;
        let contest_id: i64 = row.try_get("contest_id")?;
        for (position, question) in questions.iter().enumerate() {
            let inserted = sqlx::query(
                "INSERT INTO contest_item (contest_id, position, question_id) \
                 SELECT $1, $2, q.question_id FROM contest_question q WHERE q.question_id = $3 AND q.commune_id = $4",
            )
            .bind(contest_id)
            .bind(index_i32(position, "contest_item.position")?)
            .bind(question.0)
            .bind(commune_id.0)
            .execute(self.conn())
            .await?;
            if inserted.rows_affected() != 1 {
                return Err(StoreError::MissingReference);
            }
        }
        Ok(ContestId(contest_id))
    }

    /// A contest by id (public pages look contests up by id alone).
    pub async fn contest_by_id(&mut self, id: ContestId) -> Result<Option<Contest>, StoreError> {
        let row = sqlx::query("SELECT contest_id, commune_id, settings FROM contest WHERE contest_id = $1")
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(contest_from_row).transpose()
    }

    /// The commune's contests, latest opening first.
    pub async fn list_contests(&mut self, commune_id: CommuneId) -> Result<Vec<Contest>, StoreError> {
        let rows = sqlx::query(
            "SELECT contest_id, commune_id, settings FROM contest WHERE commune_id = $1 \
             ORDER BY opens_at DESC, contest_id DESC",
        )
        .bind(commune_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(contest_from_row).collect()
    }

    /// The questions a contest draws from, in their positions.
    pub async fn contest_questions(&mut self, id: ContestId) -> Result<Vec<(QuestionId, Question)>, StoreError> {
        let sql = format!(
            "SELECT {} FROM contest_item i JOIN contest_question q ON q.question_id = i.question_id \
             WHERE i.contest_id = $1 ORDER BY i.position",
            QUESTION_COLUMNS.split(", ").map(|c| format!("q.{c}")).collect::<Vec<_>>().join(", ")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_all(self.conn()).await?;
        rows.iter().map(question_from_row).collect()
    }

    /// Registers a participant with the hash of their entry code. `None` when the phone (or the CCCD, or the code)
    /// is already registered in this contest: reported, not raised, so the statement can share a grouped transaction.
    pub async fn insert_entrant(
        &mut self,
        entrant: &NewEntrant,
        code_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<EntrantId>, StoreError> {
        let row = sqlx::query(
            "INSERT INTO contest_entrant (contest_id, full_name, birth_year, phone, cccd, unit, registered_at, \
             code_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING entrant_id",
        )
        .bind(entrant.contest_id.0)
        .bind(entrant.full_name.as_str())
        .bind(entrant.birth_year)
        .bind(entrant.phone.as_str())
        .bind(entrant.cccd.as_ref().map(|c| c.as_str().to_owned()))
        .bind(&entrant.unit)
        .bind(to_ms(now))
        .bind(code_hash)
        .fetch_optional(self.conn())
        .await?;
        row.map(|row| Ok(EntrantId(row.try_get("entrant_id")?))).transpose()
    }

    /// A registration of a contest by the hash of its entry code.
    pub async fn entrant_by_code(
        &mut self,
        contest_id: ContestId,
        code_hash: &str,
    ) -> Result<Option<Entrant>, StoreError> {
        let row = sqlx::query(
            "SELECT entrant_id, contest_id, unit, birth_year, registered_at FROM contest_entrant \
             WHERE contest_id = $1 AND code_hash = $2",
        )
        .bind(contest_id.0)
        .bind(code_hash)
        .fetch_optional(self.conn())
        .await?;
        row.map(|row| {
            Ok(Entrant {
                id: EntrantId(row.try_get("entrant_id")?),
                contest_id: ContestId(row.try_get("contest_id")?),
                unit: row.try_get("unit")?,
                birth_year: row.try_get("birth_year")?,
                registered_at: from_ms(row.try_get("registered_at")?)?,
            })
        })
        .transpose()
    }

    /// Starts an attempt. `None` when this attempt number already exists (two tabs starting at once): reported, not
    /// raised, so the statement can share a grouped transaction.
    pub async fn insert_attempt(
        &mut self,
        entrant_id: EntrantId,
        number: u32,
        items: &[AttemptItem],
        started_at: OffsetDateTime,
        ends_at: OffsetDateTime,
    ) -> Result<Option<AttemptId>, StoreError> {
        let row = sqlx::query(
            "INSERT INTO contest_attempt (entrant_id, number, items, started_at, ends_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING attempt_id",
        )
        .bind(entrant_id.0)
        .bind(i32::try_from(number).map_err(|_| StoreError::Corrupt("contest_attempt.number"))?)
        .bind(to_json(&items, "contest_attempt.items")?)
        .bind(to_ms(started_at))
        .bind(to_ms(ends_at))
        .fetch_optional(self.conn())
        .await?;
        row.map(|row| Ok(AttemptId(row.try_get("attempt_id")?))).transpose()
    }

    /// An attempt of a participant.
    pub async fn attempt_by_id(&mut self, entrant_id: EntrantId, id: AttemptId) -> Result<Option<Attempt>, StoreError> {
        let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM contest_attempt WHERE entrant_id = $1 AND attempt_id = $2");
        let row =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(entrant_id.0).bind(id.0).fetch_optional(self.conn()).await?;
        row.as_ref().map(attempt_from_row).transpose()
    }

    /// A participant's attempts, first first.
    pub async fn attempts_of(&mut self, entrant_id: EntrantId) -> Result<Vec<Attempt>, StoreError> {
        let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM contest_attempt WHERE entrant_id = $1 ORDER BY number");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(entrant_id.0).fetch_all(self.conn()).await?;
        rows.iter().map(attempt_from_row).collect()
    }

    /// Saves one answer of an unsubmitted attempt: stored when there is none for that position or the stored
    /// one has a lower sequence number. `Stale` otherwise, and after submission nothing changes either.
    pub async fn save_answer(
        &mut self,
        attempt_id: AttemptId,
        position: usize,
        chosen: &[usize],
        client_seq: i64,
        now: OffsetDateTime,
    ) -> Result<AnswerSaved, StoreError> {
        let done = sqlx::query(
            "INSERT INTO contest_answer (attempt_id, position, chosen, client_seq, answered_at) \
             SELECT a.attempt_id, $2, $3, $4, $5 FROM contest_attempt a \
             WHERE a.attempt_id = $1 AND a.submitted_at IS NULL \
             ON CONFLICT (attempt_id, position) DO UPDATE SET chosen = excluded.chosen, \
             client_seq = excluded.client_seq, answered_at = excluded.answered_at \
             WHERE contest_answer.client_seq < excluded.client_seq",
        )
        .bind(attempt_id.0)
        .bind(index_i32(position, "contest_answer.position")?)
        .bind(to_json(&chosen, "contest_answer.chosen")?)
        .bind(client_seq)
        .bind(to_ms(now))
        .execute(self.conn())
        .await?;
        Ok(if done.rows_affected() == 1 { AnswerSaved::Saved } else { AnswerSaved::Stale })
    }

    /// The stored answers of an attempt, by position.
    pub async fn answers_of(&mut self, attempt_id: AttemptId) -> Result<Vec<Answer>, StoreError> {
        let rows = sqlx::query(
            "SELECT position, chosen, client_seq, answered_at FROM contest_answer WHERE attempt_id = $1 \
             ORDER BY position",
        )
        .bind(attempt_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| {
                let position: i32 = row.try_get("position")?;
                let chosen: String = row.try_get("chosen")?;
                Ok(Answer {
                    position: usize::try_from(position).map_err(|_| StoreError::Corrupt("contest_answer.position"))?,
                    chosen: from_json(&chosen, "contest_answer.chosen")?,
                    client_seq: row.try_get("client_seq")?,
                    answered_at: from_ms(row.try_get("answered_at")?)?,
                })
            })
            .collect()
    }

    /// Closes an attempt with its score. False when it was already submitted (a second submit changes nothing).
    pub async fn submit_attempt(
        &mut self,
        attempt_id: AttemptId,
        score: u32,
        prediction: Option<u64>,
        submitted_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE contest_attempt SET submitted_at = $2, score = $3, prediction = $4 \
             WHERE attempt_id = $1 AND submitted_at IS NULL",
        )
        .bind(attempt_id.0)
        .bind(to_ms(submitted_at))
        .bind(i32::try_from(score).map_err(|_| StoreError::Corrupt("contest_attempt.score"))?)
        .bind(prediction.map(i64::try_from).transpose().map_err(|_| StoreError::Corrupt("contest_attempt.prediction"))?)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
