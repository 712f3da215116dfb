//! Receipts of field records, and the household lookups the field pages need.

use hocvuso_domain::accounts::ResidentScope;
use hocvuso_domain::ids::{CommuneId, HamletId, HouseholdId, ResidentId, UserId};
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::register::Household;
use hocvuso_domain::register::field::{ClientRecordId, FieldReceipt, FieldRecordKind, FieldStatus};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::{StoreError, Tx, to_ms};

/// The SQL condition of a scope on `household h`; `$1` is the commune, the scope adds at most `$2`.
fn household_scope_clause(scope: ResidentScope) -> (&'static str, Option<i64>) {
    match scope {
        ResidentScope::Commune(_) => ("h.commune_id = $1", None),
        ResidentScope::Hamlet(_, hamlet_id) => ("h.commune_id = $1 AND h.hamlet_id = $2", Some(hamlet_id.0)),
        ResidentScope::Assigned(_, user_id) => (
            "h.commune_id = $1 AND EXISTS (SELECT 1 FROM volunteer_assignment va \
             WHERE va.household_id = h.household_id AND va.volunteer_user_id = $2)",
            Some(user_id.0),
        ),
    }
}

fn household_from_row(row: &AnyRow) -> Result<Household, StoreError> {
    Ok(Household {
        id: HouseholdId(row.try_get("household_id")?),
        commune_id: CommuneId(row.try_get("commune_id")?),
        hamlet_id: HamletId(row.try_get("hamlet_id")?),
        address: row.try_get("address")?,
    })
}

fn receipt_from_row(row: &AnyRow) -> Result<FieldReceipt, StoreError> {
    let client_id: String = row.try_get("client_id")?;
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    Ok(FieldReceipt {
        client_id: ClientRecordId::parse(&client_id).ok_or(StoreError::Corrupt("field_record.client_id"))?,
        user_id: UserId(row.try_get("user_id")?),
        kind: FieldRecordKind::parse(&kind).ok_or(StoreError::Corrupt("field_record.kind"))?,
        status: FieldStatus::parse(&status).ok_or(StoreError::Corrupt("field_record.status"))?,
        code: row.try_get("code")?,
        resident_id: row.try_get::<Option<i64>, _>("resident_id")?.map(ResidentId),
        household_id: row.try_get::<Option<i64>, _>("household_id")?.map(HouseholdId),
    })
}

impl Tx {
    /// The households within `scope`, by address.
    pub async fn households_in_scope(&mut self, scope: ResidentScope) -> Result<Vec<Household>, StoreError> {
        let (condition, scope_value) = household_scope_clause(scope);
        let sql = format!(
            "SELECT h.household_id, h.commune_id, h.hamlet_id, h.address FROM household h WHERE {condition} \
             ORDER BY h.hamlet_id, h.address, h.household_id"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(scope.commune_id().0);
        if let Some(value) = scope_value {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.conn()).await?;
        rows.iter().map(household_from_row).collect()
    }

    /// One household, if it is within `scope`.
    pub async fn household_in_scope(
        &mut self,
        scope: ResidentScope,
        household_id: HouseholdId,
    ) -> Result<Option<Household>, StoreError> {
        let (condition, scope_value) = household_scope_clause(scope);
        let id_param = if scope_value.is_some() { 3 } else { 2 };
        let sql = format!(
            "SELECT h.household_id, h.commune_id, h.hamlet_id, h.address FROM household h \
             WHERE {condition} AND h.household_id = ${id_param}"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(scope.commune_id().0);
        if let Some(value) = scope_value {
            query = query.bind(value);
        }
        let row = query.bind(household_id.0).fetch_optional(self.conn()).await?;
        row.as_ref().map(household_from_row).transpose()
    }

    /// The person of the commune (not erased) with this phone number, if any.
    pub async fn resident_id_by_phone(
        &mut self,
        commune_id: CommuneId,
        phone: &PhoneNumber,
    ) -> Result<Option<ResidentId>, StoreError> {
        let row = sqlx::query(
            "SELECT resident_id FROM resident WHERE commune_id = $1 AND phone = $2 AND erased_at IS NULL \
             ORDER BY resident_id LIMIT 1",
        )
        .bind(commune_id.0)
        .bind(phone.as_str())
        .fetch_optional(self.conn())
        .await?;
        row.map(|row| Ok(ResidentId(row.try_get("resident_id")?))).transpose()
    }

    /// The receipt of a field record id, if it was received before.
    pub async fn field_receipt(&mut self, client_id: &ClientRecordId) -> Result<Option<FieldReceipt>, StoreError> {
        let row = sqlx::query(
            "SELECT client_id, user_id, kind, status, code, resident_id, household_id FROM field_record \
             WHERE client_id = $1",
        )
        .bind(client_id.as_str())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(receipt_from_row).transpose()
    }

    /// Keeps the answer given to a field record. A second receipt for the same id is refused
    /// ([`StoreError::Conflict`]), which is what makes a record apply at most once.
    pub async fn insert_field_receipt(
        &mut self,
        commune_id: CommuneId,
        receipt: &FieldReceipt,
        recorded_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO field_record (client_id, commune_id, user_id, kind, status, code, resident_id, household_id, \
             recorded_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(receipt.client_id.as_str())
        .bind(commune_id.0)
        .bind(receipt.user_id.0)
        .bind(receipt.kind.as_str())
        .bind(receipt.status.as_str())
        .bind(receipt.code.as_deref())
        .bind(receipt.resident_id.map(|id| id.0))
        .bind(receipt.household_id.map(|id| id.0))
        .bind(to_ms(recorded_at))
        .bind(to_ms(now))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// How many field records the user sent, by status (for the field page and tests).
    pub async fn count_field_records(&mut self, user_id: UserId) -> Result<Vec<(FieldStatus, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM field_record WHERE user_id = $1 GROUP BY status ORDER BY status",
        )
        .bind(user_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| {
                let status: String = row.try_get("status")?;
                Ok((FieldStatus::parse(&status).ok_or(StoreError::Corrupt("field_record.status"))?, row.try_get("n")?))
            })
            .collect()
    }

    /// The people of one household of the commune (erased ones too: they still count as members).
    pub async fn residents_of_household(
        &mut self,
        commune_id: CommuneId,
        household_id: HouseholdId,
    ) -> Result<Vec<hocvuso_domain::register::Resident>, StoreError> {
        let sql = format!(
            "{} WHERE r.commune_id = $1 AND r.household_id = $2 ORDER BY r.sort_key, r.resident_id",
            super::RESIDENT_SELECT
        );
        let rows =
            sqlx::query(AssertSqlSafe(sql)).bind(commune_id.0).bind(household_id.0).fetch_all(self.conn()).await?;
        rows.iter().map(super::resident_from_row).collect()
    }
}
