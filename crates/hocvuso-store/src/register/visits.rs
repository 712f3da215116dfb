//! Visits, target groups, smartphone ownership, and what the "no one left behind" list needs.

use std::collections::HashMap;

use hocvuso_domain::accounts::ResidentScope;
use hocvuso_domain::ids::{CommuneId, HamletId, HouseholdId, ResidentId, UserId};
use hocvuso_domain::register::visits::{LeftBehindCandidate, NewVisit, TargetGroup, Visit, VisitOutcome};
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use super::{birth_year_of, scope_clause};
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

    /// The people within `scope` whom the left-behind list considers: not reached now (the stored status), erased
    /// ones left out, narrowed to a hamlet and to the households assigned to a volunteer when given; plus `also`,
    /// whatever its status, so that a page can start after a person who was reached meanwhile.
    pub async fn left_behind_candidates(
        &mut self,
        scope: ResidentScope,
        hamlet_id: Option<HamletId>,
        volunteer: Option<UserId>,
        also: Option<ResidentId>,
    ) -> Result<Vec<LeftBehindCandidate>, StoreError> {
        let (condition, scope_value) = scope_clause(scope);
        let first = if scope_value.is_some() { 3 } else { 2 };
        let (hamlet, assigned_to, also_param) = (first, first + 1, first + 2);
        let sql = format!(
            "SELECT r.resident_id, r.household_id, r.birth_year, r.has_smartphone, r.is_reached \
             FROM resident r JOIN household h ON h.household_id = r.household_id \
             WHERE {condition} AND r.erased_at IS NULL \
             AND (r.is_reached = 0 OR r.resident_id = CAST(${also_param} AS BIGINT)) \
             AND (CAST(${hamlet} AS BIGINT) IS NULL OR h.hamlet_id = ${hamlet}) \
             AND (CAST(${assigned_to} AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM volunteer_assignment a \
                  WHERE a.household_id = r.household_id AND a.volunteer_user_id = ${assigned_to}))"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(scope.commune_id().0);
        if let Some(value) = scope_value {
            query = query.bind(value);
        }
        let rows = query
            .bind(hamlet_id.map(|id| id.0))
            .bind(volunteer.map(|id| id.0))
            .bind(also.map(|id| id.0))
            .fetch_all(self.conn())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(LeftBehindCandidate {
                    resident_id: ResidentId(row.try_get("resident_id")?),
                    household_id: HouseholdId(row.try_get("household_id")?),
                    birth_year: birth_year_of(row)?,
                    has_smartphone: row.try_get::<Option<i64>, _>("has_smartphone")?.map(|flag| flag != 0),
                    is_reached: row.try_get::<i64, _>("is_reached")? != 0,
                })
            })
            .collect()
    }
}
