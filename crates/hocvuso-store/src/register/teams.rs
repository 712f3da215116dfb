//! Volunteer teams, their memberships (with history) and the moves of people between households.

use hocvuso_domain::accounts::Role;
use hocvuso_domain::ids::{CommuneId, HamletId, HouseholdId, ResidentId, TeamId, UserId};
use hocvuso_domain::register::teams::{ResidentMove, Team, TeamFigures, TeamHousehold, TeamMember, TeamRole};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::{StoreError, Tx, from_ms, opt_from_ms, to_ms};

const TEAM_COLUMNS: &str = "t.team_id, t.commune_id, t.hamlet_id, t.name, t.created_at";

fn team_from_row(row: &AnyRow) -> Result<Team, StoreError> {
    Ok(Team {
        id: TeamId(row.try_get("team_id")?),
        commune_id: CommuneId(row.try_get("commune_id")?),
        hamlet_id: row.try_get::<Option<i64>, _>("hamlet_id")?.map(HamletId),
        name: row.try_get("name")?,
        created_at: from_ms(row.try_get("created_at")?)?,
    })
}

fn member_from_row(row: &AnyRow) -> Result<TeamMember, StoreError> {
    let role: String = row.try_get("role")?;
    let account_role: String = row.try_get("account_role")?;
    Ok(TeamMember {
        id: row.try_get("team_member_id")?,
        team_id: TeamId(row.try_get("team_id")?),
        user_id: UserId(row.try_get("user_id")?),
        display_name: row.try_get("display_name")?,
        account_role: Role::parse(&account_role).ok_or(StoreError::Corrupt("app_user.role"))?,
        role: TeamRole::parse(&role).ok_or(StoreError::Corrupt("team_member.role"))?,
        joined_at: from_ms(row.try_get("joined_at")?)?,
        added_by: UserId(row.try_get("added_by")?),
        left_at: opt_from_ms(row.try_get("left_at")?)?,
        ended_by: row.try_get::<Option<i64>, _>("ended_by")?.map(UserId),
    })
}

/// The households of a team's area: `$1` is the commune, `$2` the hamlet or NULL for the whole commune.
const AREA: &str = "h.commune_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR h.hamlet_id = $2)";

impl Tx {
    /// Sets up a team for a hamlet of the commune (`None`: the commune-level team).
    /// `Conflict` if that hamlet (or the commune) already has one; `MissingReference` if the hamlet is not the commune's.
    pub async fn insert_team(
        &mut self,
        commune_id: CommuneId,
        hamlet_id: Option<HamletId>,
        name: &str,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<TeamId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO team (commune_id, hamlet_id, name, created_at, created_by) \
             SELECT c.commune_id, $2, $3, $4, $5 FROM commune c WHERE c.commune_id = $1 \
             AND (CAST($2 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM hamlet h WHERE h.hamlet_id = $2 AND h.commune_id = $1)) \
             RETURNING team_id",
        )
        .bind(commune_id.0)
        .bind(hamlet_id.map(|h| h.0))
        .bind(name)
        .bind(to_ms(now))
        .bind(by.0)
        .fetch_optional(self.conn())
        .await?;
        let row = row.ok_or(StoreError::MissingReference)?;
        Ok(TeamId(row.try_get("team_id")?))
    }

    /// The commune's teams with their figures, the commune-level team first, then by hamlet.
    pub async fn list_teams(&mut self, commune_id: CommuneId) -> Result<Vec<(Team, TeamFigures)>, StoreError> {
        let sql = format!(
            "SELECT {TEAM_COLUMNS}, \
             (SELECT COUNT(*) FROM team_member m WHERE m.team_id = t.team_id AND m.left_at IS NULL) AS n_members, \
             (SELECT COUNT(*) FROM household h WHERE h.commune_id = t.commune_id \
                AND (t.hamlet_id IS NULL OR h.hamlet_id = t.hamlet_id)) AS n_households, \
             (SELECT COUNT(*) FROM household h WHERE h.commune_id = t.commune_id \
                AND (t.hamlet_id IS NULL OR h.hamlet_id = t.hamlet_id) \
                AND EXISTS (SELECT 1 FROM volunteer_assignment va JOIN team_member m \
                  ON m.user_id = va.volunteer_user_id AND m.team_id = t.team_id AND m.left_at IS NULL \
                  WHERE va.household_id = h.household_id)) AS n_assigned \
             FROM team t WHERE t.commune_id = $1 \
             ORDER BY CASE WHEN t.hamlet_id IS NULL THEN 0 ELSE 1 END, t.hamlet_id, t.team_id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(commune_id.0).fetch_all(self.conn()).await?;
        rows.iter()
            .map(|row| {
                Ok((
                    team_from_row(row)?,
                    TeamFigures {
                        n_members: row.try_get("n_members")?,
                        n_households: row.try_get("n_households")?,
                        n_assigned: row.try_get("n_assigned")?,
                    },
                ))
            })
            .collect()
    }

    /// One team of the commune.
    pub async fn team_by_id(&mut self, commune_id: CommuneId, team_id: TeamId) -> Result<Option<Team>, StoreError> {
        let sql = format!("SELECT {TEAM_COLUMNS} FROM team t WHERE t.commune_id = $1 AND t.team_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(commune_id.0)
            .bind(team_id.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(team_from_row).transpose()
    }

    /// Every membership of a team, current and past, current first, then by when they began.
    pub async fn team_members(
        &mut self,
        commune_id: CommuneId,
        team_id: TeamId,
    ) -> Result<Vec<TeamMember>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.team_member_id, m.team_id, m.user_id, u.display_name, u.role AS account_role, m.role, \
             m.joined_at, m.added_by, m.left_at, m.ended_by \
             FROM team_member m JOIN app_user u ON u.user_id = m.user_id \
             WHERE m.commune_id = $1 AND m.team_id = $2 \
             ORDER BY CASE WHEN m.left_at IS NULL THEN 0 ELSE 1 END, \
               CASE m.role WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, m.team_member_id",
        )
        .bind(commune_id.0)
        .bind(team_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(member_from_row).collect()
    }

    /// Starts a membership. The account must belong to the team's commune (`MissingReference` otherwise);
    /// `Conflict` if they already are a current member.
    pub async fn insert_team_member(
        &mut self,
        commune_id: CommuneId,
        team_id: TeamId,
        user_id: UserId,
        role: TeamRole,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO team_member (commune_id, team_id, user_id, role, joined_at, added_by) \
             SELECT t.commune_id, t.team_id, u.user_id, $4, $5, $6 FROM team t JOIN app_user u ON u.commune_id = t.commune_id \
             WHERE t.commune_id = $1 AND t.team_id = $2 AND u.user_id = $3 RETURNING team_member_id",
        )
        .bind(commune_id.0)
        .bind(team_id.0)
        .bind(user_id.0)
        .bind(role.as_str())
        .bind(to_ms(now))
        .bind(by.0)
        .fetch_optional(self.conn())
        .await?;
        let row = row.ok_or(StoreError::MissingReference)?;
        Ok(row.try_get("team_member_id")?)
    }

    /// Ends a current membership of the team; `false` if there is no such current membership.
    pub async fn end_team_member(
        &mut self,
        commune_id: CommuneId,
        team_id: TeamId,
        membership_id: i64,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE team_member SET left_at = $1, ended_by = $2 \
             WHERE commune_id = $3 AND team_id = $4 AND team_member_id = $5 AND left_at IS NULL",
        )
        .bind(to_ms(now))
        .bind(by.0)
        .bind(commune_id.0)
        .bind(team_id.0)
        .bind(membership_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The households of a team's area (a hamlet, or the whole commune for `None`), with every volunteer each
    /// is assigned to, by address order of entry.
    pub async fn team_households(
        &mut self,
        commune_id: CommuneId,
        hamlet_id: Option<HamletId>,
    ) -> Result<Vec<TeamHousehold>, StoreError> {
        let sql = format!(
            "SELECT h.household_id, h.hamlet_id, h.address, va.volunteer_user_id FROM household h \
             LEFT JOIN volunteer_assignment va ON va.household_id = h.household_id AND va.commune_id = h.commune_id \
             WHERE {AREA} ORDER BY h.hamlet_id, h.household_id, va.volunteer_user_id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(commune_id.0)
            .bind(hamlet_id.map(|h| h.0))
            .fetch_all(self.conn())
            .await?;
        let mut households: Vec<TeamHousehold> = Vec::new();
        for row in &rows {
            let household_id = HouseholdId(row.try_get("household_id")?);
            let volunteer = row.try_get::<Option<i64>, _>("volunteer_user_id")?.map(UserId);
            match households.last_mut() {
                Some(last) if last.household_id == household_id => last.volunteers.extend(volunteer),
                _ => households.push(TeamHousehold {
                    household_id,
                    hamlet_id: HamletId(row.try_get("hamlet_id")?),
                    address: row.try_get("address")?,
                    volunteers: volunteer.into_iter().collect(),
                }),
            }
        }
        Ok(households)
    }

    /// Takes a household away from a volunteer; `false` if it was not assigned to them.
    pub async fn unassign_household(
        &mut self,
        commune_id: CommuneId,
        household_id: HouseholdId,
        volunteer: UserId,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM volunteer_assignment WHERE commune_id = $1 AND household_id = $2 AND volunteer_user_id = $3",
        )
        .bind(commune_id.0)
        .bind(household_id.0)
        .bind(volunteer.0)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes every household of an area (a hamlet, or the commune for `None`) away from a volunteer; the count.
    pub async fn unassign_area(
        &mut self,
        commune_id: CommuneId,
        hamlet_id: Option<HamletId>,
        volunteer: UserId,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "DELETE FROM volunteer_assignment WHERE commune_id = $1 AND volunteer_user_id = $3 AND household_id IN \
             (SELECT h.household_id FROM household h WHERE {AREA})"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(commune_id.0)
            .bind(hamlet_id.map(|h| h.0))
            .bind(volunteer.0)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }

    /// The teams in which the account currently is leader or deputy: each team's hamlet (`None`: commune-level).
    pub async fn teams_led_by(
        &mut self,
        commune_id: CommuneId,
        user_id: UserId,
    ) -> Result<Vec<Option<HamletId>>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.hamlet_id FROM team_member m JOIN team t ON t.team_id = m.team_id \
             WHERE m.commune_id = $1 AND m.user_id = $2 AND m.left_at IS NULL AND m.role IN ('leader', 'deputy') \
             ORDER BY t.team_id",
        )
        .bind(commune_id.0)
        .bind(user_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(|row| Ok(row.try_get::<Option<i64>, _>("hamlet_id")?.map(HamletId))).collect()
    }

    /// Moves a resident of the commune to another household of the commune and records the move.
    /// `MissingReference` if either is not the commune's; the resident's consents, sign-offs and visits stay theirs.
    pub async fn move_resident(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
        to_household: HouseholdId,
        reason: &str,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO resident_move (commune_id, resident_id, from_household_id, to_household_id, moved_at, moved_by, reason) \
             SELECT r.commune_id, r.resident_id, r.household_id, h.household_id, $4, $5, $6 \
             FROM resident r JOIN household h ON h.commune_id = r.commune_id \
             WHERE r.commune_id = $1 AND r.resident_id = $2 AND h.household_id = $3 AND r.household_id <> h.household_id \
             RETURNING resident_move_id",
        )
        .bind(commune_id.0)
        .bind(resident_id.0)
        .bind(to_household.0)
        .bind(to_ms(now))
        .bind(by.0)
        .bind(reason)
        .fetch_optional(self.conn())
        .await?;
        let row = row.ok_or(StoreError::MissingReference)?;
        sqlx::query(
            "UPDATE resident SET household_id = $1, updated_at = $2 WHERE commune_id = $3 AND resident_id = $4",
        )
        .bind(to_household.0)
        .bind(to_ms(now))
        .bind(commune_id.0)
        .bind(resident_id.0)
        .execute(self.conn())
        .await?;
        Ok(row.try_get("resident_move_id")?)
    }

    /// Every move of a resident, oldest first.
    pub async fn resident_moves(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
    ) -> Result<Vec<ResidentMove>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.resident_move_id, m.commune_id, m.resident_id, m.from_household_id, f.hamlet_id AS from_hamlet_id, \
             m.to_household_id, t.hamlet_id AS to_hamlet_id, m.moved_at, m.moved_by, m.reason \
             FROM resident_move m JOIN household f ON f.household_id = m.from_household_id \
             JOIN household t ON t.household_id = m.to_household_id \
             WHERE m.commune_id = $1 AND m.resident_id = $2 ORDER BY m.resident_move_id",
        )
        .bind(commune_id.0)
        .bind(resident_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ResidentMove {
                    id: row.try_get("resident_move_id")?,
                    commune_id: CommuneId(row.try_get("commune_id")?),
                    resident_id: ResidentId(row.try_get("resident_id")?),
                    from_household_id: HouseholdId(row.try_get("from_household_id")?),
                    from_hamlet_id: HamletId(row.try_get("from_hamlet_id")?),
                    to_household_id: HouseholdId(row.try_get("to_household_id")?),
                    to_hamlet_id: HamletId(row.try_get("to_hamlet_id")?),
                    moved_at: from_ms(row.try_get("moved_at")?)?,
                    moved_by: UserId(row.try_get("moved_by")?),
                    reason: row.try_get("reason")?,
                })
            })
            .collect()
    }
}
