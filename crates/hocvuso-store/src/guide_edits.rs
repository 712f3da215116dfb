//! Guide editor: versions of guides edited in the web UI, and the pictures uploaded for their steps.

use hocvuso_domain::guides::GuideVersion;
use hocvuso_domain::ids::{CommuneId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::{StoreError, Tx, from_ms, to_ms};

/// A picture uploaded for a guide's step (already cleaned or re-encoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredGuidePicture {
    /// The guide.
    pub slug: String,
    /// Its file name (`N-xxxxxxxx.svg|jpg|png`).
    pub file_name: String,
    /// Its media type.
    pub content_type: String,
    /// The bytes served.
    pub bytes: Vec<u8>,
}

const VERSION_COLUMNS: &str = "v.guide_version_id, v.guide_slug, v.version, v.markdown, v.commune_id, v.edited_by, \
     u.display_name, v.edited_at FROM guide_version v JOIN app_user u ON u.user_id = v.edited_by";

fn version_of(row: &AnyRow) -> Result<GuideVersion, StoreError> {
    Ok(GuideVersion {
        id: row.try_get("guide_version_id")?,
        slug: row.try_get("guide_slug")?,
        version: row.try_get("version")?,
        markdown: row.try_get("markdown")?,
        commune_id: row.try_get::<Option<i64>, _>("commune_id")?.map(CommuneId),
        edited_by: UserId(row.try_get("edited_by")?),
        editor_name: row.try_get("display_name")?,
        edited_at: from_ms(row.try_get("edited_at")?)?,
    })
}

impl Tx {
    /// Saves the next version of a guide: its whole text, or `None` to serve the file version again.
    pub async fn insert_guide_version(
        &mut self,
        slug: &str,
        markdown: Option<&str>,
        commune_id: Option<CommuneId>,
        edited_by: UserId,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO guide_version (guide_slug, version, markdown, commune_id, edited_by, edited_at) \
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5 FROM guide_version WHERE guide_slug = $1 \
             RETURNING guide_version_id",
        )
        .bind(slug)
        .bind(markdown)
        .bind(commune_id.map(|c| c.0))
        .bind(edited_by.0)
        .bind(to_ms(now))
        .fetch_one(self.conn())
        .await?;
        Ok(row.try_get("guide_version_id")?)
    }

    /// The newest version of every edited guide, by slug.
    pub async fn current_guide_versions(&mut self) -> Result<Vec<GuideVersion>, StoreError> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} WHERE v.version = \
             (SELECT MAX(w.version) FROM guide_version w WHERE w.guide_slug = v.guide_slug) ORDER BY v.guide_slug"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(self.conn()).await?;
        rows.iter().map(version_of).collect()
    }

    /// Every version of a guide, newest first.
    pub async fn list_guide_versions(&mut self, slug: &str) -> Result<Vec<GuideVersion>, StoreError> {
        let sql = format!("SELECT {VERSION_COLUMNS} WHERE v.guide_slug = $1 ORDER BY v.version DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(slug).fetch_all(self.conn()).await?;
        rows.iter().map(version_of).collect()
    }

    /// Stores a picture of a guide (a file name holds a hash of the content, so one already there is the same).
    pub async fn insert_guide_picture(
        &mut self,
        picture: &StoredGuidePicture,
        uploaded_by: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO guide_picture (guide_slug, file_name, content_type, bytes, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (guide_slug, file_name) DO NOTHING",
        )
        .bind(&picture.slug)
        .bind(&picture.file_name)
        .bind(&picture.content_type)
        .bind(picture.bytes.clone())
        .bind(uploaded_by.0)
        .bind(to_ms(now))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Every uploaded picture, of every guide.
    pub async fn list_guide_pictures(&mut self) -> Result<Vec<StoredGuidePicture>, StoreError> {
        let rows = sqlx::query(
            "SELECT guide_slug, file_name, content_type, bytes FROM guide_picture ORDER BY guide_slug, file_name",
        )
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredGuidePicture {
                    slug: row.try_get("guide_slug")?,
                    file_name: row.try_get("file_name")?,
                    content_type: row.try_get("content_type")?,
                    bytes: row.try_get("bytes")?,
                })
            })
            .collect()
    }

    /// Deletes the pictures of a guide that `keep` does not name (what the served version no longer shows); returns
    /// how many went. Called in the transaction of the change that stopped naming them.
    pub async fn delete_guide_pictures_except(&mut self, slug: &str, keep: &[String]) -> Result<u64, StoreError> {
        let rows = sqlx::query("SELECT file_name FROM guide_picture WHERE guide_slug = $1")
            .bind(slug)
            .fetch_all(self.conn())
            .await?;
        let mut deleted = 0;
        for row in rows {
            let name: String = row.try_get("file_name")?;
            if keep.contains(&name) {
                continue;
            }
            let done = sqlx::query("DELETE FROM guide_picture WHERE guide_slug = $1 AND file_name = $2")
                .bind(slug)
                .bind(&name)
                .execute(self.conn())
                .await?;
            deleted += done.rows_affected();
        }
        Ok(deleted)
    }

    /// Deletes a guide added in the web editor: every version and every picture. Returns (versions, pictures)
    /// deleted. Progress and "taught" records keep the slug (they are the people's history, not the guide's).
    pub async fn delete_guide(&mut self, slug: &str) -> Result<(u64, u64), StoreError> {
        let pictures =
            sqlx::query("DELETE FROM guide_picture WHERE guide_slug = $1").bind(slug).execute(self.conn()).await?;
        let versions =
            sqlx::query("DELETE FROM guide_version WHERE guide_slug = $1").bind(slug).execute(self.conn()).await?;
        Ok((versions.rows_affected(), pictures.rows_affected()))
    }

    /// The file names of the pictures stored for a guide.
    pub async fn guide_picture_names(&mut self, slug: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT file_name FROM guide_picture WHERE guide_slug = $1 ORDER BY file_name")
            .bind(slug)
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(|row| Ok(row.try_get("file_name")?)).collect()
    }
}
