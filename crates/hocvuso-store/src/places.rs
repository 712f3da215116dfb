//! Official units, the communes this deployment serves, and their hamlets.

use hocvuso_domain::ids::{CommuneId, HamletId, ProvinceCode};
use hocvuso_domain::places::{CommuneUnit, Hamlet, HamletKind, NewHamlet, Province};
use hocvuso_domain::text;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::{StoreError, Tx, from_ms, to_ms};

fn province_from_row(row: &AnyRow) -> Result<Province, StoreError> {
    let code: String = row.try_get("province_code")?;
    Ok(Province {
        code: ProvinceCode::parse(&code).ok_or(StoreError::Corrupt("province.province_code"))?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
    })
}

fn commune_from_row(row: &AnyRow) -> Result<CommuneUnit, StoreError> {
    let code: String = row.try_get("province_code")?;
    Ok(CommuneUnit {
        id: CommuneId(row.try_get("commune_id")?),
        province_code: ProvinceCode::parse(&code).ok_or(StoreError::Corrupt("commune_unit.province_code"))?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        is_active: row.try_get::<Option<i64>, _>("activated_at")?.is_some(),
    })
}

fn hamlet_from_row(row: &AnyRow) -> Result<Hamlet, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(Hamlet {
        id: HamletId(row.try_get("hamlet_id")?),
        commune_id: CommuneId(row.try_get("commune_id")?),
        name: row.try_get("name")?,
        kind: HamletKind::parse(&kind).ok_or(StoreError::Corrupt("hamlet.kind"))?,
        created_at: from_ms(row.try_get("created_at")?)?,
    })
}

const COMMUNE_SELECT: &str = "SELECT cu.commune_id, cu.province_code, cu.name, cu.kind, c.activated_at \
                              FROM commune_unit cu LEFT JOIN commune c ON c.commune_id = cu.commune_id";

impl Tx {
    /// Every province, by code.
    pub async fn list_provinces(&mut self) -> Result<Vec<Province>, StoreError> {
        let rows = sqlx::query("SELECT province_code, name, kind FROM province ORDER BY province_code")
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(province_from_row).collect()
    }

    /// One province.
    pub async fn province_by_code(&mut self, code: &ProvinceCode) -> Result<Option<Province>, StoreError> {
        let row = sqlx::query("SELECT province_code, name, kind FROM province WHERE province_code = $1")
            .bind(code.as_str())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(province_from_row).transpose()
    }

    /// The commune-level units of a province, by code.
    pub async fn list_commune_units(&mut self, province: &ProvinceCode) -> Result<Vec<CommuneUnit>, StoreError> {
        let sql = format!("{COMMUNE_SELECT} WHERE cu.province_code = $1 ORDER BY cu.commune_id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(province.as_str()).fetch_all(self.conn()).await?;
        rows.iter().map(commune_from_row).collect()
    }

    /// One commune-level unit.
    pub async fn commune_unit_by_id(&mut self, commune_id: CommuneId) -> Result<Option<CommuneUnit>, StoreError> {
        let sql = format!("{COMMUNE_SELECT} WHERE cu.commune_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(commune_id.0).fetch_optional(self.conn()).await?;
        row.as_ref().map(commune_from_row).transpose()
    }

    /// The communes this deployment serves, by code.
    pub async fn list_active_communes(&mut self) -> Result<Vec<CommuneUnit>, StoreError> {
        // From the few served communes to their units, not a scan of all 3,321 units.
        let sql = "SELECT cu.commune_id, cu.province_code, cu.name, cu.kind, c.activated_at \
                   FROM commune c JOIN commune_unit cu ON cu.commune_id = c.commune_id ORDER BY c.commune_id";
        let rows = sqlx::query(sql).fetch_all(self.conn()).await?;
        rows.iter().map(commune_from_row).collect()
    }

    /// Makes a commune a tenant of this deployment. Activating it again changes nothing.
    pub async fn activate_commune(&mut self, commune_id: CommuneId, now: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO commune (commune_id, activated_at) VALUES ($1, $2) ON CONFLICT (commune_id) DO NOTHING",
        )
        .bind(commune_id.0)
        .bind(to_ms(now))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Creates a hamlet. [`StoreError::Conflict`] if the commune has one of that name already
    /// (names compare without case, diacritics or tone placement, so "Thôn Hoà" and "thôn hòa" clash).
    pub async fn insert_hamlet(&mut self, hamlet: &NewHamlet, now: OffsetDateTime) -> Result<HamletId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO hamlet (commune_id, name, name_key, kind, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING hamlet_id",
        )
        .bind(hamlet.commune_id.0)
        .bind(&hamlet.name)
        .bind(text::fold(&hamlet.name))
        .bind(hamlet.kind.as_str())
        .bind(to_ms(now))
        .fetch_one(self.conn())
        .await?;
        Ok(HamletId(row.try_get("hamlet_id")?))
    }

    /// The hamlets of a commune, in creation order (pages sort them the Vietnamese way).
    pub async fn list_hamlets(&mut self, commune_id: CommuneId) -> Result<Vec<Hamlet>, StoreError> {
        let rows = sqlx::query(
            "SELECT hamlet_id, commune_id, name, kind, created_at FROM hamlet WHERE commune_id = $1 ORDER BY hamlet_id",
        )
        .bind(commune_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(hamlet_from_row).collect()
    }

    /// One hamlet of a commune; `None` if it belongs to another commune.
    pub async fn hamlet_by_id(
        &mut self,
        commune_id: CommuneId,
        hamlet_id: HamletId,
    ) -> Result<Option<Hamlet>, StoreError> {
        let row = sqlx::query(
            "SELECT hamlet_id, commune_id, name, kind, created_at FROM hamlet WHERE commune_id = $1 AND hamlet_id = $2",
        )
        .bind(commune_id.0)
        .bind(hamlet_id.0)
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(hamlet_from_row).transpose()
    }
}
