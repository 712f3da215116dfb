//! Visits, target groups, smartphone ownership, and what the "no one left behind" list needs.

use std::collections::HashMap;

use hocvuso_domain::ids::{CommuneId, HouseholdId, ResidentId, UserId};
use hocvuso_domain::register::visits::{NewVisit, TargetGroup, Visit, VisitOutcome};
use sqlx::Row;
use time::OffsetDateTime;

use crate::{StoreError, Tx, from_ms, to_ms};

impl Tx {
    /// Records a visit to a household of the commune (and, optionally, one of its members).
    pub async fn insert_visit(
        &mut self,
        commune_id: CommuneId,
        visit: &NewVisit,
        volunteer: UserId,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO visit (commune_id, household_id, resident_id, volunteer_user_id, visited_at, outcome, practised, \
             next_step, created_at) \
             SELECT $1, h.household_id, $3, $4, $5, $6, $7, $8, $9 FROM household h \
             WHERE h.commune_id = $1 AND h.household_id = $2 \
             AND ($3 IS NULL OR EXISTS (SELECT 1 FROM resident r WHERE r.resident_id = $3 AND r.household_id = h.household_id)) \
             RETURNING visit_id",
        )
        .bind(commune_id.0)
        .bind(visit.household_id.0)
        .bind(visit.resident_id.map(|id| id.0))
        .bind(volunteer.0)
        .bind(to_ms(visit.visited_at))
        .bind(visit.outcome.as_str())
        .bind(&visit.practised)
        .bind(&visit.next_step)
        .bind(to_ms(now))
        .fetch_optional(self.conn())
        .await?;
        let row = row.ok_or(StoreError::MissingReference)?;
        Ok(row.try_get("visit_id")?)
    }

    /// The visits to a household, newest first.
    pub async fn list_visits(
        &mut self,
        commune_id: CommuneId,
        household_id: HouseholdId,
    ) -> Result<Vec<Visit>, StoreError> {
        let rows = sqlx::query(
            "SELECT visit_id, household_id, resident_id, volunteer_user_id, visited_at, outcome, practised, next_step \
             FROM visit WHERE commune_id = $1 AND household_id = $2 ORDER BY visited_at DESC, visit_id DESC",
        )
        .bind(commune_id.0)
        .bind(household_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| {
                let outcome: String = row.try_get("outcome")?;
                Ok(Visit {
                    id: row.try_get("visit_id")?,
                    household_id: HouseholdId(row.try_get("household_id")?),
                    resident_id: row.try_get::<Option<i64>, _>("resident_id")?.map(ResidentId),
                    volunteer: UserId(row.try_get("volunteer_user_id")?),
                    visited_at: from_ms(row.try_get("visited_at")?)?,
                    outcome: VisitOutcome::parse(&outcome).ok_or(StoreError::Corrupt("visit.outcome"))?,
                    practised: row.try_get("practised")?,
                    next_step: row.try_get("next_step")?,
                })
            })
            .collect()
    }

    /// The last visit that reached each household of the commune (closed doors do not count).
    pub async fn last_contacts(
        &mut self,
        commune_id: CommuneId,
    ) -> Result<HashMap<HouseholdId, OffsetDateTime>, StoreError> {
        let rows = sqlx::query(
            "SELECT household_id, MAX(visited_at) AS last_contact FROM visit \
             WHERE commune_id = $1 AND outcome <> 'not_home' GROUP BY household_id",
        )
        .bind(commune_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| Ok((HouseholdId(row.try_get("household_id")?), from_ms(row.try_get("last_contact")?)?)))
            .collect()
    }

    /// How many people (erased ones included: they still live there) each household of the commune has.
    pub async fn household_sizes(&mut self, commune_id: CommuneId) -> Result<HashMap<HouseholdId, i64>, StoreError> {
        let rows =
            sqlx::query("SELECT household_id, COUNT(*) AS n FROM resident WHERE commune_id = $1 GROUP BY household_id")
                .bind(commune_id.0)
                .fetch_all(self.conn())
                .await?;
        rows.iter().map(|row| Ok((HouseholdId(row.try_get("household_id")?), row.try_get("n")?))).collect()
    }

    /// Replaces the target groups of a resident of the commune.
    pub async fn set_resident_groups(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
        groups: &[TargetGroup],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM resident_group WHERE commune_id = $1 AND resident_id = $2")
            .bind(commune_id.0)
            .bind(resident_id.0)
            .execute(self.conn())
            .await?;
        for group in groups {
            sqlx::query(
                "INSERT INTO resident_group (commune_id, resident_id, group_code) \
                 SELECT $1, resident_id, $3 FROM resident WHERE commune_id = $1 AND resident_id = $2",
            )
            .bind(commune_id.0)
            .bind(resident_id.0)
            .bind(group.as_str())
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// The recorded target groups of the commune's residents.
    pub async fn resident_groups(
        &mut self,
        commune_id: CommuneId,
    ) -> Result<Vec<(ResidentId, TargetGroup)>, StoreError> {
        let rows = sqlx::query("SELECT resident_id, group_code FROM resident_group WHERE commune_id = $1")
            .bind(commune_id.0)
            .fetch_all(self.conn())
            .await?;
        rows.iter()
            .map(|row| {
                let code: String = row.try_get("group_code")?;
                Ok((
                    ResidentId(row.try_get("resident_id")?),
                    TargetGroup::parse(&code).ok_or(StoreError::Corrupt("resident_group.group_code"))?,
                ))
            })
            .collect()
    }

    /// Records whether a resident has a smartphone (`None`: not known).
    pub async fn set_has_smartphone(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
        has_smartphone: Option<bool>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE resident SET has_smartphone = $1, updated_at = $2 WHERE commune_id = $3 AND resident_id = $4",
        )
        .bind(has_smartphone.map(i64::from))
        .bind(to_ms(now))
        .bind(commune_id.0)
        .bind(resident_id.0)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
