//! Pictures of contest questions: stored once by the SHA-256 of their (already cleaned) bytes, and the question a
//! picture belongs to. Editing a question makes a new one, so these rows are only ever added, never changed.

use hocvuso_domain::contests::questions::{Question, QuestionPicture};
use hocvuso_domain::ids::{CommuneId, ContestId, QuestionId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use super::{QUESTION_COLUMNS, question_from_row};
use crate::{StoreError, Tx, to_ms};

fn picture_from_row(row: &AnyRow) -> Result<(QuestionId, QuestionPicture), StoreError> {
    Ok((
        QuestionId(row.try_get("question_id")?),
        QuestionPicture {
            sha256: row.try_get("picture_sha")?,
            content_type: row.try_get("content_type")?,
            alt: row.try_get("picture_alt")?,
        },
    ))
}

impl Tx {
    /// Stores a picture's bytes under their hash (nothing happens when the same bytes are already there).
    pub async fn insert_contest_picture(
        &mut self,
        sha256: &str,
        content_type: &str,
        bytes: &[u8],
        by: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO contest_picture (picture_sha, content_type, bytes, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (picture_sha) DO NOTHING",
        )
        .bind(sha256)
        .bind(content_type)
        .bind(bytes.to_vec())
        .bind(by.map(|u| u.0))
        .bind(to_ms(now))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// A stored picture's type and bytes, by hash.
    pub async fn contest_picture(&mut self, sha256: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let row = sqlx::query("SELECT content_type, bytes FROM contest_picture WHERE picture_sha = $1")
            .bind(sha256)
            .fetch_optional(self.conn())
            .await?;
        row.map(|row| Ok((row.try_get("content_type")?, row.try_get("bytes")?))).transpose()
    }

    /// Gives a question its picture (a stored one) and description, or none. Only for a question just added in
    /// the same transaction: a question a contest copied must not change.
    pub async fn set_question_picture(
        &mut self,
        id: QuestionId,
        sha256: Option<&str>,
        alt: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE contest_question SET picture_sha = $2, picture_alt = $3 WHERE question_id = $1")
            .bind(id.0)
            .bind(sha256.map(str::to_owned))
            .bind(alt)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// A question of the commune's bank that is not retired, with its picture.
    pub async fn bank_question(
        &mut self,
        commune_id: CommuneId,
        id: QuestionId,
    ) -> Result<Option<(Question, Option<QuestionPicture>)>, StoreError> {
        let sql = format!(
            "SELECT {QUESTION_COLUMNS}, picture_sha, picture_alt FROM contest_question \
             WHERE commune_id = $1 AND question_id = $2 AND retired_at IS NULL"
        );
        let row =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(commune_id.0).bind(id.0).fetch_optional(self.conn()).await?;
        let Some(row) = row else { return Ok(None) };
        let (_, question) = question_from_row(&row)?;
        let sha: Option<String> = row.try_get("picture_sha")?;
        let picture = match sha {
            Some(sha) => {
                let content_type = sqlx::query("SELECT content_type FROM contest_picture WHERE picture_sha = $1")
                    .bind(&sha)
                    .fetch_one(self.conn())
                    .await?
                    .try_get("content_type")?;
                Some(QuestionPicture { sha256: sha, content_type, alt: row.try_get("picture_alt")? })
            }
            None => None,
        };
        Ok(Some((question, picture)))
    }

    /// The pictures of the commune's bank (questions not retired), by question.
    pub async fn bank_pictures(
        &mut self,
        commune_id: CommuneId,
    ) -> Result<Vec<(QuestionId, QuestionPicture)>, StoreError> {
        let rows = sqlx::query(
            "SELECT q.question_id, q.picture_sha, q.picture_alt, p.content_type FROM contest_question q \
             JOIN contest_picture p ON p.picture_sha = q.picture_sha \
             WHERE q.commune_id = $1 AND q.retired_at IS NULL ORDER BY q.question_id",
        )
        .bind(commune_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(picture_from_row).collect()
    }

    /// The pictures of the questions a contest draws from, by question.
    pub async fn contest_pictures(
        &mut self,
        contest_id: ContestId,
    ) -> Result<Vec<(QuestionId, QuestionPicture)>, StoreError> {
        let rows = sqlx::query(
            "SELECT q.question_id, q.picture_sha, q.picture_alt, p.content_type FROM contest_item i \
             JOIN contest_question q ON q.question_id = i.question_id \
             JOIN contest_picture p ON p.picture_sha = q.picture_sha \
             WHERE i.contest_id = $1 ORDER BY i.position",
        )
        .bind(contest_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(picture_from_row).collect()
    }
}
