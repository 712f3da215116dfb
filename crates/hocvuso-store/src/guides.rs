//! Guides: finished guides of a user, and "taught this guide to this person" records.

use hocvuso_domain::guides::GuideTaught;
use hocvuso_domain::ids::{CommuneId, ResidentId, UserId};
use sqlx::Row;
use time::OffsetDateTime;

use crate::{StoreError, Tx, from_ms, to_ms};

impl Tx {
    /// Records that `user` finished the guide; finishing it again keeps the first date.
    pub async fn insert_guide_progress(
        &mut self,
        user: UserId,
        guide_slug: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO guide_progress (user_id, guide_slug, finished_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, guide_slug) DO NOTHING",
        )
        .bind(user.0)
        .bind(guide_slug)
        .bind(to_ms(now))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The guides `user` finished, oldest first, with when.
    pub async fn list_guide_progress(&mut self, user: UserId) -> Result<Vec<(String, OffsetDateTime)>, StoreError> {
        let rows = sqlx::query(
            "SELECT guide_slug, finished_at FROM guide_progress WHERE user_id = $1 ORDER BY finished_at, guide_slug",
        )
        .bind(user.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(|row| Ok((row.try_get("guide_slug")?, from_ms(row.try_get("finished_at")?)?))).collect()
    }

    /// Records that `taught_by` taught the guide to a resident of the commune.
    pub async fn insert_guide_taught(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
        guide_slug: &str,
        taught_by: UserId,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO guide_taught (commune_id, resident_id, guide_slug, taught_by, taught_at) \
             SELECT $1, r.resident_id, $3, $4, $5 FROM resident r WHERE r.resident_id = $2 AND r.commune_id = $1 \
             RETURNING guide_taught_id",
        )
        .bind(commune_id.0)
        .bind(resident_id.0)
        .bind(guide_slug)
        .bind(taught_by.0)
        .bind(to_ms(now))
        .fetch_optional(self.conn())
        .await?;
        let row = row.ok_or(StoreError::MissingReference)?;
        Ok(row.try_get("guide_taught_id")?)
    }

    /// The guides taught to a resident, newest first.
    pub async fn list_guides_taught(&mut self, resident_id: ResidentId) -> Result<Vec<GuideTaught>, StoreError> {
        let rows = sqlx::query(
            "SELECT guide_taught_id, resident_id, guide_slug, taught_by, taught_at FROM guide_taught \
             WHERE resident_id = $1 ORDER BY taught_at DESC, guide_taught_id DESC",
        )
        .bind(resident_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(GuideTaught {
                    id: row.try_get("guide_taught_id")?,
                    resident_id: ResidentId(row.try_get("resident_id")?),
                    guide_slug: row.try_get("guide_slug")?,
                    taught_by: UserId(row.try_get("taught_by")?),
                    taught_at: from_ms(row.try_get("taught_at")?)?,
                })
            })
            .collect()
    }
}
