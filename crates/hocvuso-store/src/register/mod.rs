//! Households, residents and volunteer assignments. Every resident query is narrowed by a
//! [`ResidentScope`], so what an actor may not see is never loaded.

mod field;
mod help;
pub(crate) mod import;
mod skills;
mod visits;
// teams and moves
mod teams;

use std::collections::HashSet;

use hocvuso_domain::accounts::ResidentScope;
use hocvuso_domain::cccd::Cccd;
use hocvuso_domain::ids::{CommuneId, HamletId, HouseholdId, ResidentId, UserId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::register::{Gender, Household, NewResident, RegisterFigures, Resident};
use hocvuso_domain::text;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::{StoreError, Tx, opt_from_ms, to_ms};

const RESIDENT_SELECT: &str = "SELECT r.resident_id, r.commune_id, r.household_id, h.hamlet_id, r.full_name, \
                               r.birth_year, r.gender, r.phone, r.cccd, r.erased_at, r.has_smartphone, \
                               r.vneid_confirmed_at \
                               FROM resident r JOIN household h ON h.household_id = r.household_id";

/// The SQL condition of a scope, given the number of its first placeholder; and the value to bind there.
///
/// `$1` is always the commune; the scope adds at most one more placeholder.
pub(crate) fn scope_clause(scope: ResidentScope) -> (&'static str, Option<i64>) {
    match scope {
        ResidentScope::Commune(_) => ("r.commune_id = $1", None),
        ResidentScope::Hamlet(_, hamlet_id) => ("r.commune_id = $1 AND h.hamlet_id = $2", Some(hamlet_id.0)),
        ResidentScope::Assigned(_, user_id) => (
            "r.commune_id = $1 AND EXISTS (SELECT 1 FROM volunteer_assignment va \
             WHERE va.household_id = r.household_id AND va.volunteer_user_id = $2)",
            Some(user_id.0),
        ),
    }
}

/// The `birth_year` column of a row of `resident`.
pub(crate) fn birth_year_of(row: &AnyRow) -> Result<Option<i32>, StoreError> {
    row.try_get::<Option<i64>, _>("birth_year")?
        .map(|year| i32::try_from(year).map_err(|_| StoreError::Corrupt("resident.birth_year")))
        .transpose()
}

fn resident_from_row(row: &AnyRow) -> Result<Resident, StoreError> {
    let full_name: Option<String> = row.try_get("full_name")?;
    let gender: Option<String> = row.try_get("gender")?;
    let phone: Option<String> = row.try_get("phone")?;
    let cccd: Option<String> = row.try_get("cccd")?;
    Ok(Resident {
        id: ResidentId(row.try_get("resident_id")?),
        commune_id: CommuneId(row.try_get("commune_id")?),
        household_id: HouseholdId(row.try_get("household_id")?),
        hamlet_id: HamletId(row.try_get("hamlet_id")?),
        full_name: full_name
            .map(|name| PersonName::parse(&name).map_err(|_| StoreError::Corrupt("resident.full_name")))
            .transpose()?,
        birth_year: birth_year_of(row)?,
        gender: gender.map(|g| Gender::parse(&g).ok_or(StoreError::Corrupt("resident.gender"))).transpose()?,
        phone: phone.map(|p| PhoneNumber::parse(&p).map_err(|_| StoreError::Corrupt("resident.phone"))).transpose()?,
        cccd: cccd.map(|c| Cccd::parse(&c).map_err(|_| StoreError::Corrupt("resident.cccd"))).transpose()?,
        erased_at: opt_from_ms(row.try_get("erased_at")?)?,
        has_smartphone: row.try_get::<Option<i64>, _>("has_smartphone")?.map(|flag| flag != 0),
        vneid_confirmed_at: opt_from_ms(row.try_get("vneid_confirmed_at")?)?,
    })
}

/// Most ids a query lists in one `IN (…)`; longer lists are read in several queries.
pub(crate) const IDS_PER_QUERY: usize = 500;

/// The placeholders `$first, $first+1, …` for `n` values, to write `IN (…)`.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|idx| format!("${idx}")).collect::<Vec<_>>().join(", ")
}

/// Escapes `%`, `_` and `\` so a search for "50%" matches those characters literally.
fn like_pattern(folded: &str) -> String {
    let mut pattern = String::with_capacity(folded.len() + 2);
    pattern.push('%');
    for ch in folded.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

impl Tx {
    /// Creates a household in a hamlet of the commune.
    pub async fn insert_household(
        &mut self,
        commune_id: CommuneId,
        hamlet_id: HamletId,
        address: &str,
        now: OffsetDateTime,
    ) -> Result<HouseholdId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO household (commune_id, hamlet_id, address, created_at) \
             SELECT $1, hamlet_id, $3, $4 FROM hamlet WHERE hamlet_id = $2 AND commune_id = $1 RETURNING household_id",
        )
        .bind(commune_id.0)
        .bind(hamlet_id.0)
        .bind(address)
        .bind(to_ms(now))
        .fetch_optional(self.conn())
        .await?;
        let row = row.ok_or(StoreError::MissingReference)?;
        Ok(HouseholdId(row.try_get("household_id")?))
    }

    /// One household of the commune.
    pub async fn household_by_id(
        &mut self,
        commune_id: CommuneId,
        household_id: HouseholdId,
    ) -> Result<Option<Household>, StoreError> {
        let row = sqlx::query(
            "SELECT household_id, commune_id, hamlet_id, address FROM household WHERE commune_id = $1 AND household_id = $2",
        )
        .bind(commune_id.0)
        .bind(household_id.0)
        .fetch_optional(self.conn())
        .await?;
        row.map(|row| {
            Ok(Household {
                id: HouseholdId(row.try_get("household_id")?),
                commune_id: CommuneId(row.try_get("commune_id")?),
                hamlet_id: HamletId(row.try_get("hamlet_id")?),
                address: row.try_get("address")?,
            })
        })
        .transpose()
    }

    /// Every household of the commune.
    pub async fn list_households(&mut self, commune_id: CommuneId) -> Result<Vec<Household>, StoreError> {
        let rows = sqlx::query(
            "SELECT household_id, commune_id, hamlet_id, address FROM household WHERE commune_id = $1 ORDER BY household_id",
        )
        .bind(commune_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Household {
                    id: HouseholdId(row.try_get("household_id")?),
                    commune_id: CommuneId(row.try_get("commune_id")?),
                    hamlet_id: HamletId(row.try_get("hamlet_id")?),
                    address: row.try_get("address")?,
                })
            })
            .collect()
    }

    /// Adds a resident to a household of the commune.
    pub async fn insert_resident(
        &mut self,
        commune_id: CommuneId,
        resident: &NewResident,
        now: OffsetDateTime,
    ) -> Result<ResidentId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO resident (commune_id, household_id, full_name, search_key, birth_year, gender, phone, cccd, \
             created_at, updated_at, sort_key) \
             SELECT $1, household_id, $3, $4, $5, $6, $7, $8, $9, $9, $10 FROM household \
             WHERE household_id = $2 AND commune_id = $1 RETURNING resident_id",
        )
        .bind(commune_id.0)
        .bind(resident.household_id.0)
        .bind(resident.full_name.as_str())
        .bind(text::fold(resident.full_name.as_str()))
        .bind(resident.birth_year.map(i64::from))
        .bind(resident.gender.map(|g| g.as_str()))
        .bind(resident.phone.as_ref().map(|p| p.as_str().to_owned()))
        .bind(resident.cccd.as_ref().map(|c| c.as_str().to_owned()))
        .bind(to_ms(now))
        .bind(hocvuso_domain::person_name::sort_key(&resident.full_name))
        .fetch_optional(self.conn())
        .await?;
        let row = row.ok_or(StoreError::MissingReference)?;
        Ok(ResidentId(row.try_get("resident_id")?))
    }

    /// The residents within `scope` whose name contains `search` (compared folded: no case, no diacritics),
    /// sorted the Vietnamese way (given name, middle, family), at most `limit`, starting after the resident
    /// `after` (keyset paging). Erased residents are left out.
    pub async fn list_residents(
        &mut self,
        scope: ResidentScope,
        search: Option<&str>,
        after: Option<ResidentId>,
        limit: u32,
    ) -> Result<Vec<Resident>, StoreError> {
        let (condition, scope_value) = scope_clause(scope);
        let search_param = if scope_value.is_some() { 3 } else { 2 };
        let (after_param, limit_param) = (search_param + 1, search_param + 2);
        // Browsing walks the (commune_id, sort_key) index in order and stops after a page. A name search must test
        // every folded name: ordering by an expression keeps both databases off the sort index for it, so SQLite
        // tests the names in the (commune_id, search_key) index and reads only the matching rows, then sorts them.
        let order = if search.is_some_and(|s| !s.is_empty()) { "r.sort_key || ''" } else { "r.sort_key" };
        let sql = format!(
            "{RESIDENT_SELECT} WHERE {condition} AND r.erased_at IS NULL AND r.search_key LIKE ${search_param} ESCAPE '\\' \
             AND (CAST(${after_param} AS BIGINT) IS NULL OR (r.sort_key, r.resident_id) > \
                  (SELECT c.sort_key, c.resident_id FROM resident c WHERE c.resident_id = ${after_param})) \
             ORDER BY {order}, r.resident_id LIMIT ${limit_param}"
        );
        let pattern = like_pattern(&search.map(text::fold).unwrap_or_default());
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(scope.commune_id().0);
        if let Some(value) = scope_value {
            query = query.bind(value);
        }
        let rows = query.bind(pattern).bind(after.map(|id| id.0)).bind(i64::from(limit)).fetch_all(self.conn()).await?;
        rows.iter().map(resident_from_row).collect()
    }

    /// One resident, if they are within `scope`. Out-of-scope residents look exactly like missing ones.
    pub async fn resident_by_id(
        &mut self,
        scope: ResidentScope,
        resident_id: ResidentId,
    ) -> Result<Option<Resident>, StoreError> {
        let (condition, scope_value) = scope_clause(scope);
        let id_param = if scope_value.is_some() { 3 } else { 2 };
        let sql = format!("{RESIDENT_SELECT} WHERE {condition} AND r.resident_id = ${id_param}");
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(scope.commune_id().0);
        if let Some(value) = scope_value {
            query = query.bind(value);
        }
        let row = query.bind(resident_id.0).fetch_optional(self.conn()).await?;
        row.as_ref().map(resident_from_row).transpose()
    }

    /// The residents with these ids that are within `scope`, in no particular order; the others are left out.
    pub async fn residents_by_ids(
        &mut self,
        scope: ResidentScope,
        ids: &[ResidentId],
    ) -> Result<Vec<Resident>, StoreError> {
        let (condition, scope_value) = scope_clause(scope);
        let first = if scope_value.is_some() { 3 } else { 2 };
        let mut residents = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let sql = format!(
                "{RESIDENT_SELECT} WHERE {condition} AND r.resident_id IN ({})",
                placeholders(first, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(scope.commune_id().0);
            if let Some(value) = scope_value {
                query = query.bind(value);
            }
            for id in chunk {
                query = query.bind(id.0);
            }
            for row in query.fetch_all(self.conn()).await? {
                residents.push(resident_from_row(&row)?);
            }
        }
        Ok(residents)
    }

    /// Erases a resident's identifying data (name, phone, CCCD) and keeps what statistics need.
    pub async fn erase_resident(
        &mut self,
        commune_id: CommuneId,
        resident_id: ResidentId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE resident SET full_name = NULL, search_key = '', phone = NULL, cccd = NULL, erased_at = $1, \
             updated_at = $1 WHERE commune_id = $2 AND resident_id = $3 AND erased_at IS NULL",
        )
        .bind(to_ms(now))
        .bind(commune_id.0)
        .bind(resident_id.0)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Assigns a household to a volunteer of the same commune. Assigning twice changes nothing.
    pub async fn assign_household(
        &mut self,
        commune_id: CommuneId,
        household_id: HouseholdId,
        volunteer: UserId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "INSERT INTO volunteer_assignment (commune_id, household_id, volunteer_user_id, assigned_at) \
             SELECT $1, h.household_id, u.user_id, $4 FROM household h JOIN app_user u ON u.commune_id = h.commune_id \
             WHERE h.commune_id = $1 AND h.household_id = $2 AND u.user_id = $3 \
             ON CONFLICT (household_id, volunteer_user_id) DO NOTHING",
        )
        .bind(commune_id.0)
        .bind(household_id.0)
        .bind(volunteer.0)
        .bind(to_ms(now))
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 && self.household_by_id(commune_id, household_id).await?.is_none() {
            return Err(StoreError::MissingReference);
        }
        Ok(())
    }

    /// The households of the commune assigned to a volunteer (empty for anyone else, or another commune's user).
    pub async fn households_assigned_to(
        &mut self,
        commune_id: CommuneId,
        volunteer: UserId,
    ) -> Result<HashSet<HouseholdId>, StoreError> {
        let rows = sqlx::query(
            "SELECT household_id FROM volunteer_assignment WHERE commune_id = $1 AND volunteer_user_id = $2",
        )
        .bind(commune_id.0)
        .bind(volunteer.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(|row| Ok(HouseholdId(row.try_get("household_id")?))).collect()
    }

    /// Counts of a commune's register, erased residents included (erasure keeps the statistics); residents aged 60 or more in `reference_year` count as elderly.
    pub async fn register_figures(
        &mut self,
        commune_id: CommuneId,
        reference_year: i32,
    ) -> Result<RegisterFigures, StoreError> {
        let row = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM hamlet WHERE commune_id = $1) AS n_hamlets, \
               (SELECT COUNT(*) FROM household WHERE commune_id = $1) AS n_households, \
               (SELECT COUNT(*) FROM resident WHERE commune_id = $1) AS n_residents, \
               (SELECT COUNT(*) FROM resident WHERE commune_id = $1 AND birth_year <= $2) \
                 AS n_elderly",
        )
        .bind(commune_id.0)
        .bind(i64::from(reference_year) - 60)
        .fetch_one(self.conn())
        .await?;
        Ok(RegisterFigures {
            n_hamlets: row.try_get("n_hamlets")?,
            n_households: row.try_get("n_households")?,
            n_residents: row.try_get("n_residents")?,
            n_elderly: row.try_get("n_elderly")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(like_pattern(""), "%%");
    }
}
