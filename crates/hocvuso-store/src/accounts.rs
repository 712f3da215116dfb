//! Accounts and server-side sessions.

use hocvuso_domain::accounts::{Role, User};
use hocvuso_domain::ids::{CommuneId, HamletId, ProvinceCode, UserId};
use hocvuso_domain::phone::PhoneNumber;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::{StoreError, Tx, from_ms, opt_from_ms, to_ms};

/// An account to create; the password is already hashed.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Sign-in phone number.
    pub phone: PhoneNumber,
    /// Name shown in the interface.
    pub display_name: String,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Province of province staff.
    pub province_code: Option<ProvinceCode>,
    /// Commune of commune-level roles.
    pub commune_id: Option<CommuneId>,
    /// Hamlet of a hamlet lead.
    pub hamlet_id: Option<HamletId>,
}

/// A live session and the account behind it.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    /// The signed-in account.
    pub user: User,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    /// Sign-in time.
    pub created_at: OffsetDateTime,
    /// Last request.
    pub last_seen_at: OffsetDateTime,
}

const USER_COLUMNS: &str = "u.user_id, u.phone, u.display_name, u.role, u.province_code, u.commune_id, u.hamlet_id, \
                            u.disabled_at, u.failed_sign_ins, u.locked_until";

fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let phone: String = row.try_get("phone")?;
    let role: String = row.try_get("role")?;
    let province_code: Option<String> = row.try_get("province_code")?;
    Ok(User {
        id: UserId(row.try_get("user_id")?),
        phone: PhoneNumber::parse(&phone).map_err(|_| StoreError::Corrupt("app_user.phone"))?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or(StoreError::Corrupt("app_user.role"))?,
        province_code: province_code
            .map(|code| ProvinceCode::parse(&code).ok_or(StoreError::Corrupt("app_user.province_code")))
            .transpose()?,
        commune_id: row.try_get::<Option<i64>, _>("commune_id")?.map(CommuneId),
        hamlet_id: row.try_get::<Option<i64>, _>("hamlet_id")?.map(HamletId),
        disabled_at: opt_from_ms(row.try_get("disabled_at")?)?,
        failed_sign_ins: u32::try_from(row.try_get::<i64, _>("failed_sign_ins")?).unwrap_or(u32::MAX),
        locked_until: opt_from_ms(row.try_get("locked_until")?)?,
    })
}

impl Tx {
    /// Creates an account. [`StoreError::Conflict`] if the phone number already has one.
    pub async fn insert_user(&mut self, user: &NewUser, now: OffsetDateTime) -> Result<UserId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO app_user (phone, display_name, password_hash, role, province_code, commune_id, hamlet_id, \
             created_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING user_id",
        )
        .bind(user.phone.as_str())
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(user.province_code.as_ref().map(|code| code.as_str().to_owned()))
        .bind(user.commune_id.map(|id| id.0))
        .bind(user.hamlet_id.map(|id| id.0))
        .bind(to_ms(now))
        .fetch_one(self.conn())
        .await?;
        Ok(UserId(row.try_get("user_id")?))
    }

    /// Loads an account.
    pub async fn user_by_id(&mut self, user_id: UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM app_user u WHERE u.user_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id.0).fetch_optional(self.conn()).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Loads an account and its password hash for sign-in.
    pub async fn user_credentials_by_phone(
        &mut self,
        phone: &PhoneNumber,
    ) -> Result<Option<(User, String)>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM app_user u WHERE u.phone = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(phone.as_str()).fetch_optional(self.conn()).await?;
        match row {
            Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("password_hash")?))),
            None => Ok(None),
        }
    }

    /// Loads an account's password hash (to confirm the current password before a change).
    pub async fn password_hash_of(&mut self, user_id: UserId) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT password_hash FROM app_user WHERE user_id = $1")
            .bind(user_id.0)
            .fetch_optional(self.conn())
            .await?;
        row.map(|row| row.try_get("password_hash")).transpose().map_err(StoreError::from)
    }

    /// Lists accounts, of one commune or of the whole deployment, in creation order.
    pub async fn list_users(&mut self, commune_id: Option<CommuneId>) -> Result<Vec<User>, StoreError> {
        let rows = match commune_id {
            Some(commune_id) => {
                let sql = format!("SELECT {USER_COLUMNS} FROM app_user u WHERE u.commune_id = $1 ORDER BY u.user_id");
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(commune_id.0).fetch_all(self.conn()).await?
            }
            None => {
                let sql = format!("SELECT {USER_COLUMNS} FROM app_user u ORDER BY u.user_id");
                sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(self.conn()).await?
            }
        };
        rows.iter().map(user_from_row).collect()
    }

    /// Records a failed sign-in and the lock that follows from it.
    pub async fn record_failed_sign_in(
        &mut self,
        user_id: UserId,
        failures: u32,
        locked_until: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE app_user SET failed_sign_ins = $1, locked_until = $2 WHERE user_id = $3")
            .bind(i64::from(failures))
            .bind(locked_until.map(to_ms))
            .bind(user_id.0)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Clears the failure counter after a successful sign-in.
    pub async fn clear_failed_sign_ins(&mut self, user_id: UserId) -> Result<(), StoreError> {
        sqlx::query("UPDATE app_user SET failed_sign_ins = 0, locked_until = NULL WHERE user_id = $1")
            .bind(user_id.0)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Sets a new password hash and ends every session of the account.
    pub async fn set_password(&mut self, user_id: UserId, hash: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE app_user SET password_hash = $1, password_changed_at = $2, failed_sign_ins = 0, locked_until = NULL \
             WHERE user_id = $3",
        )
        .bind(hash)
        .bind(to_ms(now))
        .bind(user_id.0)
        .execute(self.conn())
        .await?;
        self.delete_sessions_of_user(user_id).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Disables an account and ends every session of it.
    pub async fn disable_user(&mut self, user_id: UserId, now: OffsetDateTime) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE app_user SET disabled_at = $1 WHERE user_id = $2 AND disabled_at IS NULL")
            .bind(to_ms(now))
            .bind(user_id.0)
            .execute(self.conn())
            .await?;
        self.delete_sessions_of_user(user_id).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a new session under the hash of its cookie token.
    pub async fn insert_session(
        &mut self,
        session_key: &str,
        user_id: UserId,
        csrf_token: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_session (session_key, user_id, csrf_token, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(session_key)
        .bind(user_id.0)
        .bind(csrf_token)
        .bind(to_ms(now))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Loads a session and its account by the hash of the cookie token.
    pub async fn session_by_key(&mut self, session_key: &str) -> Result<Option<SessionRecord>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at \
             FROM user_session s JOIN app_user u ON u.user_id = s.user_id WHERE s.session_key = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(session_key).fetch_optional(self.conn()).await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(SessionRecord {
            user: user_from_row(&row)?,
            csrf_token: row.try_get("csrf_token")?,
            created_at: from_ms(row.try_get("session_created_at")?)?,
            last_seen_at: from_ms(row.try_get("last_seen_at")?)?,
        }))
    }

    /// Marks a session as used now.
    pub async fn touch_session(&mut self, session_key: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("UPDATE user_session SET last_seen_at = $1 WHERE session_key = $2")
            .bind(to_ms(now))
            .bind(session_key)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Ends one session.
    pub async fn delete_session(&mut self, session_key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM user_session WHERE session_key = $1").bind(session_key).execute(self.conn()).await?;
        Ok(())
    }

    /// Ends every session of an account.
    pub async fn delete_sessions_of_user(&mut self, user_id: UserId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM user_session WHERE user_id = $1").bind(user_id.0).execute(self.conn()).await?;
        Ok(())
    }

    /// Removes sessions that started before `created_before` or were last used before `idle_before`.
    pub async fn delete_expired_sessions(
        &mut self,
        created_before: OffsetDateTime,
        idle_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM user_session WHERE created_at < $1 OR last_seen_at < $2")
            .bind(to_ms(created_before))
            .bind(to_ms(idle_before))
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }
}
