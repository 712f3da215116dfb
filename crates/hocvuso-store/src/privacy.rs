//! Consent records and the append-only audit log.

use hocvuso_domain::ids::{AuditId, CommuneId, ConsentId, ResidentId, UserId};
use hocvuso_domain::privacy::{
    AuditAction, AuditEvent, AuditSubject, Consent, ConsentMethod, ConsentPurpose, NewAuditEvent,
};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::{StoreError, Tx, from_ms, opt_from_ms, to_ms};

fn consent_from_row(row: &AnyRow) -> Result<Consent, StoreError> {
    let purpose: String = row.try_get("purpose")?;
    let method: String = row.try_get("method")?;
    Ok(Consent {
        id: ConsentId(row.try_get("consent_id")?),
        resident_id: ResidentId(row.try_get("resident_id")?),
        purpose: ConsentPurpose::parse(&purpose).ok_or(StoreError::Corrupt("consent.purpose"))?,
        method: ConsentMethod::parse(&method).ok_or(StoreError::Corrupt("consent.method"))?,
        given_at: from_ms(row.try_get("given_at")?)?,
        recorded_by: UserId(row.try_get("recorded_by")?),
        withdrawn_at: opt_from_ms(row.try_get("withdrawn_at")?)?,
        withdrawn_by: row.try_get::<Option<i64>, _>("withdrawn_by")?.map(UserId),
    })
}

fn audit_from_row(row: &AnyRow) -> Result<AuditEvent, StoreError> {
    let action: String = row.try_get("action")?;
    let subject: String = row.try_get("subject_kind")?;
    Ok(AuditEvent {
        id: AuditId(row.try_get("audit_id")?),
        at: from_ms(row.try_get("at")?)?,
        actor: row.try_get::<Option<i64>, _>("actor_user_id")?.map(UserId),
        commune_id: row.try_get::<Option<i64>, _>("commune_id")?.map(CommuneId),
        action: AuditAction::parse(&action).ok_or(StoreError::Corrupt("audit_event.action"))?,
        subject: AuditSubject::parse(&subject).ok_or(StoreError::Corrupt("audit_event.subject_kind"))?,
        subject_id: row.try_get("subject_id")?,
        detail: row.try_get("detail")?,
    })
}

const CONSENT_COLUMNS: &str =
    "consent_id, resident_id, purpose, method, given_at, recorded_by, withdrawn_at, withdrawn_by";

impl Tx {
    /// Records a consent a resident gave.
    pub async fn insert_consent(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
        purpose: ConsentPurpose,
        method: ConsentMethod,
        recorded_by: UserId,
        now: OffsetDateTime,
    ) -> Result<ConsentId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO consent (commune_id, resident_id, purpose, method, given_at, recorded_by) \
             SELECT $1, resident_id, $3, $4, $5, $6 FROM resident WHERE resident_id = $2 AND commune_id = $1 \
             RETURNING consent_id",
        )
        .bind(commune_id.0)
        .bind(resident_id.0)
        .bind(purpose.as_str())
        .bind(method.as_str())
        .bind(to_ms(now))
        .bind(recorded_by.0)
        .fetch_optional(self.conn())
        .await?;
        let row = row.ok_or(StoreError::MissingReference)?;
        Ok(ConsentId(row.try_get("consent_id")?))
    }

    /// Marks a consent of the resident as withdrawn; `false` if it was not active.
    pub async fn withdraw_consent(
        &mut self,
        resident_id: ResidentId,
        consent_id: ConsentId,
        withdrawn_by: UserId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE consent SET withdrawn_at = $1, withdrawn_by = $2 \
             WHERE consent_id = $3 AND resident_id = $4 AND withdrawn_at IS NULL",
        )
        .bind(to_ms(now))
        .bind(withdrawn_by.0)
        .bind(consent_id.0)
        .bind(resident_id.0)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every consent of a resident, oldest first.
    pub async fn list_consents(&mut self, resident_id: ResidentId) -> Result<Vec<Consent>, StoreError> {
        let sql = format!("SELECT {CONSENT_COLUMNS} FROM consent WHERE resident_id = $1 ORDER BY consent_id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(resident_id.0).fetch_all(self.conn()).await?;
        rows.iter().map(consent_from_row).collect()
    }

    /// The residents of the commune with an active consent for `purpose`.
    pub async fn residents_consenting(
        &mut self,
        commune_id: CommuneId,
        purpose: ConsentPurpose,
    ) -> Result<std::collections::HashSet<ResidentId>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT resident_id FROM consent WHERE commune_id = $1 AND purpose = $2 AND withdrawn_at IS NULL",
        )
        .bind(commune_id.0)
        .bind(purpose.as_str())
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(|row| Ok(ResidentId(row.try_get("resident_id")?))).collect()
    }

    /// Appends an entry to the audit log, in the same transaction as the change or view it records.
    pub async fn append_audit(&mut self, event: &NewAuditEvent, now: OffsetDateTime) -> Result<AuditId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO audit_event (at, actor_user_id, commune_id, action, subject_kind, subject_id, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING audit_id",
        )
        .bind(to_ms(now))
        .bind(event.actor.map(|id| id.0))
        .bind(event.commune_id.map(|id| id.0))
        .bind(event.action.as_str())
        .bind(event.subject.as_str())
        .bind(event.subject_id)
        .bind(&event.detail)
        .fetch_one(self.conn())
        .await?;
        Ok(AuditId(row.try_get("audit_id")?))
    }

    /// The newest audit entries, of one commune or of the whole deployment.
    pub async fn list_audit(
        &mut self,
        commune_id: Option<CommuneId>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        const COLUMNS: &str = "audit_id, at, actor_user_id, commune_id, action, subject_kind, subject_id, detail";
        let rows = match commune_id {
            Some(commune_id) => {
                let sql =
                    format!("SELECT {COLUMNS} FROM audit_event WHERE commune_id = $1 ORDER BY audit_id DESC LIMIT $2");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(commune_id.0)
                    .bind(i64::from(limit))
                    .fetch_all(self.conn())
                    .await?
            }
            None => {
                let sql = format!("SELECT {COLUMNS} FROM audit_event ORDER BY audit_id DESC LIMIT $1");
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(i64::from(limit)).fetch_all(self.conn()).await?
            }
        };
        rows.iter().map(audit_from_row).collect()
    }

    /// The audit entries about one record, oldest first (for a person's data export).
    pub async fn list_audit_of_subject(
        &mut self,
        subject: AuditSubject,
        subject_id: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT audit_id, at, actor_user_id, commune_id, action, subject_kind, subject_id, detail FROM audit_event \
             WHERE subject_kind = $1 AND subject_id = $2 ORDER BY audit_id",
        )
        .bind(subject.as_str())
        .bind(subject_id)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(audit_from_row).collect()
    }
}
