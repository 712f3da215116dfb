//! The skills checklist of a commune and the sign-offs of its residents.

use hocvuso_domain::accounts::ResidentScope;
use hocvuso_domain::ids::{CommuneId, ResidentId, UserId};
use hocvuso_domain::register::skills::{DEFAULT_SKILLS, ReachRule, SignOff, SignOffId, SignOffMethod, Skill, SkillId};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use super::{IDS_PER_QUERY, placeholders, scope_clause};
use crate::{StoreError, Tx, from_ms, opt_from_ms, to_ms};

fn skill_from_row(row: &AnyRow) -> Result<Skill, StoreError> {
    Ok(Skill {
        id: SkillId(row.try_get("skill_id")?),
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        is_core: row.try_get::<i64, _>("is_core")? != 0,
        position: row.try_get("position")?,
        is_retired: row.try_get::<Option<i64>, _>("retired_at")?.is_some(),
    })
}

fn sign_off_from_row(row: &AnyRow) -> Result<SignOff, StoreError> {
    let method: String = row.try_get("method")?;
    Ok(SignOff {
        id: SignOffId(row.try_get("sign_off_id")?),
        resident_id: ResidentId(row.try_get("resident_id")?),
        skill_id: SkillId(row.try_get("skill_id")?),
        method: SignOffMethod::parse(&method).ok_or(StoreError::Corrupt("skill_sign_off.method"))?,
        note: row.try_get("note")?,
        confirmed_by: UserId(row.try_get("confirmed_by")?),
        confirmed_at: from_ms(row.try_get("confirmed_at")?)?,
        revoked_at: opt_from_ms(row.try_get("revoked_at")?)?,
        revoke_reason: row.try_get("revoke_reason")?,
    })
}

const SIGN_OFF_COLUMNS: &str = "s.sign_off_id, s.resident_id, s.skill_id, s.method, s.note, s.confirmed_by, \
                                s.confirmed_at, s.revoked_at, s.revoke_reason";

impl Tx {
    /// Gives a commune the default checklist, if it has no skill yet. Returns how many were added.
    pub async fn insert_default_skills(
        &mut self,
        commune_id: CommuneId,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let existing = sqlx::query("SELECT COUNT(*) AS n FROM skill WHERE commune_id = $1")
            .bind(commune_id.0)
            .fetch_one(self.conn())
            .await?;
        if existing.try_get::<i64, _>("n")? > 0 {
            return Ok(0);
        }
        for (idx, skill) in DEFAULT_SKILLS.iter().enumerate() {
            sqlx::query(
                "INSERT INTO skill (commune_id, code, name, is_core, position, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(commune_id.0)
            .bind(skill.code)
            .bind(skill.name)
            .bind(i64::from(skill.is_core))
            .bind(i64::try_from(idx).unwrap_or(i64::MAX) * 10 + 10)
            .bind(to_ms(now))
            .execute(self.conn())
            .await?;
        }
        Ok(DEFAULT_SKILLS.len())
    }

    /// The checklist of a commune, in order, retired skills included.
    pub async fn list_skills(&mut self, commune_id: CommuneId) -> Result<Vec<Skill>, StoreError> {
        let rows = sqlx::query(
            "SELECT skill_id, code, name, is_core, position, retired_at FROM skill WHERE commune_id = $1 \
             ORDER BY position, skill_id",
        )
        .bind(commune_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(skill_from_row).collect()
    }

    /// Adds a skill at the end of the checklist. [`StoreError::Conflict`] if the code exists.
    pub async fn insert_skill(
        &mut self,
        commune_id: CommuneId,
        code: &str,
        name: &str,
        is_core: bool,
        now: OffsetDateTime,
    ) -> Result<SkillId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO skill (commune_id, code, name, is_core, position, created_at) \
             SELECT $1, $2, $3, $4, COALESCE(MAX(position), 0) + 10, $5 FROM skill WHERE commune_id = $1 \
             RETURNING skill_id",
        )
        .bind(commune_id.0)
        .bind(code)
        .bind(name)
        .bind(i64::from(is_core))
        .bind(to_ms(now))
        .fetch_one(self.conn())
        .await?;
        Ok(SkillId(row.try_get("skill_id")?))
    }

    /// Changes whether a skill is core, and retires or restores it. `false` if the commune has no such skill.
    pub async fn update_skill(
        &mut self,
        commune_id: CommuneId,
        skill_id: SkillId,
        is_core: bool,
        is_retired: bool,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE skill SET is_core = $1, \
             retired_at = CASE WHEN $2 = CAST(0 AS BIGINT) THEN NULL ELSE COALESCE(retired_at, $3) END \
             WHERE commune_id = $4 AND skill_id = $5",
        )
        .bind(i64::from(is_core))
        .bind(i64::from(is_retired))
        .bind(to_ms(now))
        .bind(commune_id.0)
        .bind(skill_id.0)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records that a resident of the commune has a skill of the commune's checklist.
    #[allow(clippy::too_many_arguments)] // One value per column of the sign-off; a struct would only rename them.
    pub async fn insert_sign_off(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
        skill_id: SkillId,
        method: SignOffMethod,
        note: &str,
        confirmed_by: UserId,
        now: OffsetDateTime,
    ) -> Result<SignOffId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO skill_sign_off (commune_id, resident_id, skill_id, method, note, confirmed_by, confirmed_at) \
             SELECT $1, r.resident_id, s.skill_id, $4, $5, $6, $7 FROM resident r JOIN skill s ON s.commune_id = r.commune_id \
             WHERE r.commune_id = $1 AND r.resident_id = $2 AND s.skill_id = $3 AND s.retired_at IS NULL \
             RETURNING sign_off_id",
        )
        .bind(commune_id.0)
        .bind(resident_id.0)
        .bind(skill_id.0)
        .bind(method.as_str())
        .bind(note)
        .bind(confirmed_by.0)
        .bind(to_ms(now))
        .fetch_optional(self.conn())
        .await?;
        let row = row.ok_or(StoreError::MissingReference)?;
        Ok(SignOffId(row.try_get("sign_off_id")?))
    }

    /// Revokes a sign-off of the resident with a reason; `false` if it was not active.
    pub async fn revoke_sign_off(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
        sign_off_id: SignOffId,
        revoked_by: UserId,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE skill_sign_off SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 \
             WHERE commune_id = $4 AND resident_id = $5 AND sign_off_id = $6 AND revoked_at IS NULL",
        )
        .bind(to_ms(now))
        .bind(revoked_by.0)
        .bind(reason)
        .bind(commune_id.0)
        .bind(resident_id.0)
        .bind(sign_off_id.0)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every sign-off of one resident, revoked ones included, oldest first.
    pub async fn list_sign_offs(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
    ) -> Result<Vec<SignOff>, StoreError> {
        let sql = format!(
            "SELECT {SIGN_OFF_COLUMNS} FROM skill_sign_off s WHERE s.commune_id = $1 AND s.resident_id = $2 \
             ORDER BY s.sign_off_id"
        );
        let rows =
            sqlx::query(AssertSqlSafe(sql)).bind(commune_id.0).bind(resident_id.0).fetch_all(self.conn()).await?;
        rows.iter().map(sign_off_from_row).collect()
    }

    /// Every sign-off of these residents of the commune, revoked ones included, each person's oldest first.
    pub async fn list_sign_offs_of(
        &mut self,
        commune_id: CommuneId,
        resident_ids: &[ResidentId],
    ) -> Result<Vec<SignOff>, StoreError> {
        let mut sign_offs = Vec::new();
        for chunk in resident_ids.chunks(IDS_PER_QUERY) {
            let sql = format!(
                "SELECT {SIGN_OFF_COLUMNS} FROM skill_sign_off s WHERE s.commune_id = $1 AND s.resident_id IN ({}) \
                 ORDER BY s.sign_off_id",
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(commune_id.0);
            for id in chunk {
                query = query.bind(id.0);
            }
            for row in query.fetch_all(self.conn()).await? {
                sign_offs.push(sign_off_from_row(&row)?);
            }
        }
        Ok(sign_offs)
    }

    /// Every sign-off of the residents within `scope` (for statuses and lists of a hamlet or a volunteer).
    pub async fn list_sign_offs_in_scope(&mut self, scope: ResidentScope) -> Result<Vec<SignOff>, StoreError> {
        let (condition, scope_value) = scope_clause(scope);
        let sql = format!(
            "SELECT {SIGN_OFF_COLUMNS} FROM skill_sign_off s JOIN resident r ON r.resident_id = s.resident_id \
             JOIN household h ON h.household_id = r.household_id WHERE {condition} ORDER BY s.sign_off_id"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(scope.commune_id().0);
        if let Some(value) = scope_value {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.conn()).await?;
        rows.iter().map(sign_off_from_row).collect()
    }

    /// The commune's rule for "phổ cập".
    pub async fn reach_rule(&mut self, commune_id: CommuneId) -> Result<ReachRule, StoreError> {
        let row = sqlx::query("SELECT reach_accepts_self_reported FROM commune WHERE commune_id = $1")
            .bind(commune_id.0)
            .fetch_optional(self.conn())
            .await?;
        let accepts = match row {
            Some(row) => row.try_get::<i64, _>("reach_accepts_self_reported")? != 0,
            None => false,
        };
        Ok(ReachRule { accepts_self_reported: accepts })
    }

    /// Sets whether self-reported sign-offs count towards "phổ cập" in the commune.
    pub async fn set_reach_rule(&mut self, commune_id: CommuneId, rule: ReachRule) -> Result<(), StoreError> {
        sqlx::query("UPDATE commune SET reach_accepts_self_reported = $1 WHERE commune_id = $2")
            .bind(i64::from(rule.accepts_self_reported))
            .bind(commune_id.0)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Records that the person's skills are confirmed on VNeID.
    pub async fn set_vneid_confirmed(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
        confirmed_by: UserId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE resident SET vneid_confirmed_at = $1, vneid_confirmed_by = $2, updated_at = $1 \
             WHERE commune_id = $3 AND resident_id = $4 AND vneid_confirmed_at IS NULL AND erased_at IS NULL",
        )
        .bind(to_ms(now))
        .bind(confirmed_by.0)
        .bind(commune_id.0)
        .bind(resident_id.0)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
