//! The organisers' figures of contests: registrations per unit, attempts started and submitted, and the timings
//! of submitted attempts that may be impossibly fast. Read-only; nothing here returns a name or a phone number.

use hocvuso_domain::contests::overview::{AttemptTiming, ContestFigures};
use hocvuso_domain::ids::{AttemptId, CommuneId, ContestId, EntrantId};
use sqlx::Row;
use time::Duration;

use crate::{StoreError, Tx, from_ms};

fn count(row: &sqlx::any::AnyRow, column: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(column)?)
}

impl Tx {
    /// Registrations (in all and per unit, in no particular order) and attempts started and submitted of a contest.
    pub async fn contest_figures(&mut self, contest_id: ContestId) -> Result<ContestFigures, StoreError> {
        let row = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM contest_entrant WHERE contest_id = $1) AS n_entrants, \
               (SELECT COUNT(*) FROM contest_attempt a JOIN contest_entrant e ON e.entrant_id = a.entrant_id \
                WHERE e.contest_id = $1) AS n_started, \
               (SELECT COUNT(*) FROM contest_attempt a JOIN contest_entrant e ON e.entrant_id = a.entrant_id \
                WHERE e.contest_id = $1 AND a.submitted_at IS NOT NULL) AS n_submitted",
        )
        .bind(contest_id.0)
        .fetch_one(self.conn())
        .await?;
        let units = sqlx::query("SELECT unit, COUNT(*) AS n FROM contest_entrant WHERE contest_id = $1 GROUP BY unit")
            .bind(contest_id.0)
            .fetch_all(self.conn())
            .await?;
        Ok(ContestFigures {
            n_entrants: count(&row, "n_entrants")?,
            by_unit: units
                .iter()
                .map(|r| Ok((r.try_get("unit")?, count(r, "n")?)))
                .collect::<Result<_, StoreError>>()?,
            n_started: count(&row, "n_started")?,
            n_submitted: count(&row, "n_submitted")?,
        })
    }

    /// Submitted attempts of a contest taken in less than `per_answer` for each answer given, earliest submission
    /// first, at most `limit` of them.
    pub async fn fast_attempts(
        &mut self,
        contest_id: ContestId,
        per_answer: Duration,
        limit: u32,
    ) -> Result<Vec<AttemptTiming>, StoreError> {
        let per_answer_ms = i64::try_from(per_answer.whole_milliseconds()).unwrap_or(i64::MAX);
        let rows = sqlx::query(
            "SELECT a.attempt_id, a.entrant_id, a.number, e.unit, a.started_at, a.submitted_at, a.score, \
               COUNT(w.position) AS n_answered \
             FROM contest_attempt a \
             JOIN contest_entrant e ON e.entrant_id = a.entrant_id \
             LEFT JOIN contest_answer w ON w.attempt_id = a.attempt_id \
             WHERE e.contest_id = $1 AND a.submitted_at IS NOT NULL \
             GROUP BY a.attempt_id, a.entrant_id, a.number, e.unit, a.started_at, a.submitted_at, a.score \
             HAVING a.submitted_at - a.started_at < $2 * COUNT(w.position) \
             ORDER BY a.submitted_at, a.attempt_id LIMIT $3",
        )
        .bind(contest_id.0)
        .bind(per_answer_ms)
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| {
                let number: i32 = row.try_get("number")?;
                let score: Option<i32> = row.try_get("score")?;
                Ok(AttemptTiming {
                    attempt_id: AttemptId(row.try_get("attempt_id")?),
                    entrant_id: EntrantId(row.try_get("entrant_id")?),
                    number: u32::try_from(number).map_err(|_| StoreError::Corrupt("contest_attempt.number"))?,
                    unit: row.try_get("unit")?,
                    started_at: from_ms(row.try_get("started_at")?)?,
                    submitted_at: from_ms(row.try_get("submitted_at")?)?,
                    n_answered: usize::try_from(count(row, "n_answered")?)
                        .map_err(|_| StoreError::Corrupt("contest_answer"))?,
                    score: score
                        .map(u32::try_from)
                        .transpose()
                        .map_err(|_| StoreError::Corrupt("contest_attempt.score"))?,
                })
            })
            .collect()
    }

    /// Registrations per contest of a commune (contests nobody registered for are absent).
    pub async fn entrant_counts(&mut self, commune_id: CommuneId) -> Result<Vec<(ContestId, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.contest_id, COUNT(*) AS n FROM contest_entrant e JOIN contest c ON c.contest_id = e.contest_id \
             WHERE c.commune_id = $1 GROUP BY e.contest_id",
        )
        .bind(commune_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(|row| Ok((ContestId(row.try_get("contest_id")?), count(row, "n")?))).collect()
    }
}
