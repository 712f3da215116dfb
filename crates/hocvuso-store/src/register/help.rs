//! Help requests.

use hocvuso_domain::ids::{CommuneId, HamletId, UserId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::register::help::{HelpChannel, HelpRequest, HelpStatus, NewHelpRequest};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::{StoreError, Tx, from_ms, to_ms};

fn help_from_row(row: &AnyRow) -> Result<HelpRequest, StoreError> {
    let name: String = row.try_get("full_name")?;
    let phone: String = row.try_get("phone")?;
    let channel: String = row.try_get("channel")?;
    let status: String = row.try_get("status")?;
    Ok(HelpRequest {
        id: row.try_get("help_request_id")?,
        commune_id: CommuneId(row.try_get("commune_id")?),
        hamlet_id: row.try_get::<Option<i64>, _>("hamlet_id")?.map(HamletId),
        full_name: PersonName::parse(&name).map_err(|_| StoreError::Corrupt("help_request.full_name"))?,
        phone: PhoneNumber::parse(&phone).map_err(|_| StoreError::Corrupt("help_request.phone"))?,
        topic: row.try_get("topic")?,
        details: row.try_get("details")?,
        channel: HelpChannel::parse(&channel).ok_or(StoreError::Corrupt("help_request.channel"))?,
        status: HelpStatus::parse(&status).ok_or(StoreError::Corrupt("help_request.status"))?,
        note: row.try_get("note")?,
        created_at: from_ms(row.try_get("created_at")?)?,
        handled_by: row.try_get::<Option<i64>, _>("handled_by")?.map(UserId),
    })
}

const HELP_COLUMNS: &str = "help_request_id, commune_id, hamlet_id, full_name, phone, topic, details, channel, status, \
                            note, created_at, handled_by";

impl Tx {
    /// Records a help request; the hamlet, if given, must belong to the commune.
    pub async fn insert_help_request(
        &mut self,
        request: &NewHelpRequest,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO help_request (commune_id, hamlet_id, full_name, phone, topic, details, channel, status, \
             created_at, updated_at) \
             SELECT c.commune_id, $2, $3, $4, $5, $6, $7, 'open', $8, $8 FROM commune c WHERE c.commune_id = $1 \
             AND ($2 IS NULL OR EXISTS (SELECT 1 FROM hamlet h WHERE h.hamlet_id = $2 AND h.commune_id = $1)) \
             RETURNING help_request_id",
        )
        .bind(request.commune_id.0)
        .bind(request.hamlet_id.map(|h| h.0))
        .bind(request.full_name.as_str())
        .bind(request.phone.as_str())
        .bind(&request.topic)
        .bind(&request.details)
        .bind(request.channel.as_str())
        .bind(to_ms(now))
        .fetch_optional(self.conn())
        .await?;
        let row = row.ok_or(StoreError::MissingReference)?;
        Ok(row.try_get("help_request_id")?)
    }

    /// The requests of a commune (of one hamlet when given), open ones first, newest first.
    pub async fn list_help_requests(
        &mut self,
        commune_id: CommuneId,
        hamlet_id: Option<HamletId>,
    ) -> Result<Vec<HelpRequest>, StoreError> {
        let order =
            "ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'in_progress' THEN 1 ELSE 2 END, help_request_id DESC";
        let rows = match hamlet_id {
            Some(hamlet_id) => {
                let sql =
                    format!("SELECT {HELP_COLUMNS} FROM help_request WHERE commune_id = $1 AND hamlet_id = $2 {order}");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(commune_id.0)
                    .bind(hamlet_id.0)
                    .fetch_all(self.conn())
                    .await?
            }
            None => {
                let sql = format!("SELECT {HELP_COLUMNS} FROM help_request WHERE commune_id = $1 {order}");
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(commune_id.0).fetch_all(self.conn()).await?
            }
        };
        rows.iter().map(help_from_row).collect()
    }

    /// Moves a request of the commune to `status` with a note; `false` if there is no such request.
    #[allow(clippy::too_many_arguments)] // The scope, the change and who made it; a struct would only rename them.
    pub async fn update_help_request(
        &mut self,
        commune_id: CommuneId,
        hamlet_id: Option<HamletId>,
        request_id: i64,
        status: HelpStatus,
        note: &str,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE help_request SET status = $1, note = $2, handled_by = $3, updated_at = $4 \
             WHERE commune_id = $5 AND help_request_id = $6 AND ($7 IS NULL OR hamlet_id = $7)",
        )
        .bind(status.as_str())
        .bind(note)
        .bind(by.0)
        .bind(to_ms(now))
        .bind(commune_id.0)
        .bind(request_id)
        .bind(hamlet_id.map(|h| h.0))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
