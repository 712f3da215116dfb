//! Signing in and out, sessions, and account management.

use hocvuso_domain::accounts::{AccountPlace, Actor, Role, User, password, throttle};
use hocvuso_domain::ids::{CommuneId, HamletId, ProvinceCode, UserId};
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::privacy::{AuditAction, AuditSubject, NewAuditEvent};
use hocvuso_domain::text;
use hocvuso_store::NewUser;
use rand::Rng;
use sha2::{Digest, Sha256};
use time::Duration;

use crate::{AppError, Ctx};

/// A session just created: the cookie value and the token forms must carry.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// Goes into the session cookie; only its SHA-256 is stored.
    pub session_token: String,
    /// The CSRF token of the session.
    pub csrf_token: String,
    /// Who signed in.
    pub user: User,
}

/// The session behind a request.
#[derive(Clone, Debug)]
pub struct Session {
    /// The signed-in account.
    pub user: User,
    /// The token every form must carry.
    pub csrf_token: String,
    session_key: String,
}

impl Session {
    /// The identity permission rules look at.
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }
}

/// 256 random bits as hex (ASVS 7.2.3 asks for at least 128).
fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

fn session_key(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Sessions are touched at most once a minute, so reading a page is not a disk write.
const TOUCH_INTERVAL: Duration = Duration::minutes(1);

/// Checks a phone number and password and opens a new session (a new id every time: no fixation).
///
/// The counter of failures belongs to the account: a commune hall puts many residents behind one address.
pub async fn sign_in(ctx: &Ctx, phone_input: &str, password_input: &str) -> Result<SignedIn, AppError> {
    let phone = PhoneNumber::parse(phone_input).map_err(|err| AppError::invalid("phone", err.code()))?;
    let now = ctx.now();
    // Read, then hash with no transaction open: an SQLite write lock must never wait for argon2.
    let mut tx = ctx.store.read().await?;
    let found = tx.user_credentials_by_phone(&phone).await?;
    drop(tx);
    let Some((user, hash)) = found else {
        ctx.hasher.verify_nothing(password_input).await?;
        let mut tx = ctx.store.write().await?;
        tx.append_audit(
            &NewAuditEvent::new(None, None, AuditAction::SignInFailed, AuditSubject::User, None)
                .with_detail("unknown account"),
            now,
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::BadCredentials);
    };
    if let Some(until) = user.locked_until.filter(|until| *until > now) {
        return Err(AppError::Locked { until });
    }
    let is_match = ctx.hasher.verify(password_input, &hash).await?;
    let mut tx = ctx.store.write().await?;
    let audit = |action, detail: &str| {
        NewAuditEvent::new(Some(user.id), user.commune_id, action, AuditSubject::User, Some(user.id.0))
            .with_detail(detail)
    };
    if !is_match || user.disabled_at.is_some() {
        if is_match {
            tx.append_audit(&audit(AuditAction::SignInFailed, "disabled account"), now).await?;
        } else {
            let failures = user.failed_sign_ins.saturating_add(1);
            tx.record_failed_sign_in(user.id, failures, throttle::locked_until(failures, now)).await?;
            tx.append_audit(&audit(AuditAction::SignInFailed, "wrong password"), now).await?;
        }
        tx.commit().await?;
        return Err(AppError::BadCredentials);
    }
    tx.clear_failed_sign_ins(user.id).await?;
    let session_token = random_token();
    let csrf_token = random_token();
    tx.insert_session(&session_key(&session_token), user.id, &csrf_token, now).await?;
    tx.append_audit(&audit(AuditAction::SignIn, ""), now).await?;
    tx.commit().await?;
    Ok(SignedIn { session_token, csrf_token, user })
}

/// Finds the live session for a cookie token; `None` if it is unknown, expired or its account disabled.
pub async fn session(ctx: &Ctx, session_token: &str) -> Result<Option<Session>, AppError> {
    let key = session_key(session_token);
    let now = ctx.now();
    let mut tx = ctx.store.read().await?;
    let record = tx.session_by_key(&key).await?;
    drop(tx);
    let Some(record) = record else { return Ok(None) };
    if ctx.session_policy.has_expired(record.created_at, record.last_seen_at, now) || record.user.disabled_at.is_some()
    {
        let mut tx = ctx.store.write().await?;
        tx.delete_session(&key).await?;
        tx.commit().await?;
        return Ok(None);
    }
    if now - record.last_seen_at > TOUCH_INTERVAL {
        let mut tx = ctx.store.write().await?;
        tx.touch_session(&key, now).await?;
        tx.commit().await?;
    }
    Ok(Some(Session { user: record.user, csrf_token: record.csrf_token, session_key: key }))
}

/// Ends the session.
pub async fn sign_out(ctx: &Ctx, session: &Session) -> Result<(), AppError> {
    let mut tx = ctx.store.write().await?;
    tx.delete_session(&session.session_key).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the actor's own password after checking the current one; every session of the account ends.
pub async fn change_password(ctx: &Ctx, actor: &Actor, current: &str, new: &str) -> Result<(), AppError> {
    password::check(new).map_err(|err| AppError::invalid("new_password", err.code()))?;
    let mut tx = ctx.store.read().await?;
    let hash = tx.password_hash_of(actor.user_id).await?.ok_or(AppError::Unauthenticated)?;
    drop(tx);
    if !ctx.hasher.verify(current, &hash).await? {
        return Err(AppError::invalid("current_password", "password_wrong"));
    }
    let new_hash = ctx.hasher.hash(new).await?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    tx.set_password(actor.user_id, &new_hash, now).await?;
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            actor.commune_id,
            AuditAction::PasswordChange,
            AuditSubject::User,
            Some(actor.user_id.0),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An account to create, as typed into a form or the command line.
#[derive(Clone, Debug, Default)]
pub struct NewAccountInput {
    /// Phone number, any common format.
    pub phone: String,
    /// Display name.
    pub display_name: String,
    /// Initial password.
    pub password: String,
    /// Role name (`volunteer`, `commune_staff`…).
    pub role: String,
    /// Province code for province staff.
    pub province_code: Option<String>,
    /// Commune code for commune-level roles.
    pub commune_code: Option<String>,
    /// Hamlet for a hamlet lead.
    pub hamlet_id: Option<i64>,
}

/// Who creates an account: a signed-in manager, or the operator at the command line.
#[derive(Clone, Debug)]
pub enum Creator<'a> {
    /// A signed-in user; the permission rules decide.
    User(&'a Actor),
    /// `hocvuso user create` run by whoever runs the server.
    Operator,
}

impl Creator<'_> {
    /// The account acting, if any (the operator at the command line has none).
    fn user_id(&self) -> Option<UserId> {
        match self {
            Creator::User(actor) => Some(actor.user_id),
            Creator::Operator => None,
        }
    }
}

/// Creates an account after checking every field and the creator's right to create it.
pub async fn create_account(ctx: &Ctx, creator: Creator<'_>, input: &NewAccountInput) -> Result<UserId, AppError> {
    let mut rejections = Vec::new();
    let phone = PhoneNumber::parse(&input.phone)
        .map_err(|err| rejections.push(crate::Rejection { field: "phone", code: err.code() }))
        .ok();
    let display_name = text::clean(&input.display_name);
    if display_name.is_empty() || display_name.chars().count() > 100 {
        rejections.push(crate::Rejection { field: "display_name", code: "name_invalid" });
    }
    if let Err(err) = password::check(&input.password) {
        rejections.push(crate::Rejection { field: "password", code: err.code() });
    }
    let role = Role::parse(&input.role);
    if role.is_none() {
        rejections.push(crate::Rejection { field: "role", code: "role_invalid" });
    }
    let place = resolve_place(ctx, role, input).await;
    let place = match place {
        Ok(place) => Some(place),
        Err(rejection) => {
            rejections.push(rejection);
            None
        }
    };
    let (Some(phone), Some(role), Some(place), true) = (phone, role, place, rejections.is_empty()) else {
        return Err(AppError::Invalid(rejections));
    };
    if let Creator::User(actor) = &creator
        && !actor.can_manage_account(role, &place)
    {
        return Err(AppError::Forbidden);
    }
    let password_hash = ctx.hasher.hash(&input.password).await?;
    let (province_code, commune_id, hamlet_id) = match &place {
        AccountPlace::Deployment => (None, None, None),
        AccountPlace::Province(code) => (Some(code.clone()), None, None),
        AccountPlace::Commune { commune_id, hamlet_id, .. } => (None, Some(*commune_id), *hamlet_id),
    };
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let user_id = tx
        .insert_user(&NewUser { phone, display_name, password_hash, role, province_code, commune_id, hamlet_id }, now)
        .await
        .map_err(|err| match err {
            hocvuso_store::StoreError::Conflict => AppError::invalid("phone", "phone_taken"),
            other => other.into(),
        })?;
    tx.append_audit(
        &NewAuditEvent::new(creator.user_id(), commune_id, AuditAction::Create, AuditSubject::User, Some(user_id.0))
            .with_detail(role.as_str()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(user_id)
}

/// Turns the place fields of an account form into a checked place for the role.
async fn resolve_place(
    ctx: &Ctx,
    role: Option<Role>,
    input: &NewAccountInput,
) -> Result<AccountPlace, crate::Rejection> {
    let unknown_unit = crate::Rejection { field: "commune_code", code: "unit_unknown" };
    let place = match role {
        Some(Role::SuperAdmin) | None => AccountPlace::Deployment,
        Some(Role::ProvinceStaff) => {
            let code = input.province_code.as_deref().and_then(ProvinceCode::parse);
            let code = code.ok_or(crate::Rejection { field: "province_code", code: "unit_unknown" })?;
            let mut tx = ctx.store.read().await.map_err(|_| unknown_unit)?;
            tx.province_by_code(&code)
                .await
                .ok()
                .flatten()
                .ok_or(crate::Rejection { field: "province_code", code: "unit_unknown" })?;
            AccountPlace::Province(code)
        }
        Some(_) => {
            let commune_id = input.commune_code.as_deref().and_then(CommuneId::parse).ok_or(unknown_unit)?;
            let mut tx = ctx.store.read().await.map_err(|_| unknown_unit)?;
            let unit = tx.commune_unit_by_id(commune_id).await.ok().flatten().filter(|unit| unit.is_active);
            let unit = unit.ok_or(crate::Rejection { field: "commune_code", code: "commune_not_served" })?;
            let hamlet_id = match input.hamlet_id {
                Some(id) => Some(
                    tx.hamlet_by_id(commune_id, HamletId(id))
                        .await
                        .ok()
                        .flatten()
                        .ok_or(crate::Rejection { field: "hamlet_id", code: "hamlet_unknown" })?
                        .id,
                ),
                None => None,
            };
            AccountPlace::Commune { commune_id, province_code: unit.province_code, hamlet_id }
        }
    };
    if let Some(role) = role {
        place.check_role(role).map_err(|_| crate::Rejection { field: "role", code: "role_place_mismatch" })?;
    }
    Ok(place)
}

/// The accounts an actor may manage: their commune's, or all of them for the super admin.
pub async fn list_accounts(ctx: &Ctx, actor: &Actor) -> Result<Vec<User>, AppError> {
    let commune_filter = match actor.role {
        Role::SuperAdmin => None,
        Role::CommuneAdmin => Some(actor.commune_id.ok_or(AppError::Forbidden)?),
        _ => return Err(AppError::Forbidden),
    };
    let mut tx = ctx.store.read().await?;
    Ok(tx.list_users(commune_filter).await?)
}

/// Disables an account and ends its sessions. Nobody disables their own account.
pub async fn disable_account(ctx: &Ctx, creator: Creator<'_>, user_id: UserId) -> Result<(), AppError> {
    let target = existing_account(ctx, user_id).await?;
    let actor_id = authorize_management(ctx, &creator, &target).await?;
    if actor_id == Some(target.id) {
        return Err(AppError::NotFound);
    }
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    tx.disable_user(user_id, now).await?;
    tx.append_audit(
        &NewAuditEvent::new(actor_id, target.commune_id, AuditAction::Disable, AuditSubject::User, Some(user_id.0)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password for an account (by an operator or a manager); its sessions end.
pub async fn reset_password(ctx: &Ctx, creator: Creator<'_>, user_id: UserId, new: &str) -> Result<(), AppError> {
    password::check(new).map_err(|err| AppError::invalid("password", err.code()))?;
    let target = existing_account(ctx, user_id).await?;
    let actor_id = authorize_management(ctx, &creator, &target).await?;
    let hash = ctx.hasher.hash(new).await?;
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    tx.set_password(user_id, &hash, now).await?;
    tx.append_audit(
        &NewAuditEvent::new(
            actor_id,
            target.commune_id,
            AuditAction::PasswordChange,
            AuditSubject::User,
            Some(user_id.0),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Finds an account by phone number (for the command line).
pub async fn account_by_phone(ctx: &Ctx, phone_input: &str) -> Result<User, AppError> {
    let phone = PhoneNumber::parse(phone_input).map_err(|err| AppError::invalid("phone", err.code()))?;
    let mut tx = ctx.store.read().await?;
    tx.user_credentials_by_phone(&phone).await?.map(|(user, _)| user).ok_or(AppError::NotFound)
}

async fn existing_account(ctx: &Ctx, user_id: UserId) -> Result<User, AppError> {
    let mut tx = ctx.store.read().await?;
    tx.user_by_id(user_id).await?.ok_or(AppError::NotFound)
}

/// Checks that the creator may manage an existing account; returns who acts (nobody for the operator).
/// Accounts out of reach look missing.
async fn authorize_management(ctx: &Ctx, creator: &Creator<'_>, target: &User) -> Result<Option<UserId>, AppError> {
    match creator {
        Creator::User(actor) if may_manage_existing(ctx, actor, target).await? => Ok(Some(actor.user_id)),
        Creator::User(_) => Err(AppError::NotFound),
        Creator::Operator => Ok(None),
    }
}

async fn may_manage_existing(ctx: &Ctx, actor: &Actor, target: &User) -> Result<bool, AppError> {
    let place = match (&target.province_code, target.commune_id) {
        (_, Some(commune_id)) => {
            let mut tx = ctx.store.read().await?;
            let unit = tx.commune_unit_by_id(commune_id).await?.ok_or(AppError::NotFound)?;
            AccountPlace::Commune { commune_id, province_code: unit.province_code, hamlet_id: target.hamlet_id }
        }
        (Some(code), None) => AccountPlace::Province(code.clone()),
        (None, None) => AccountPlace::Deployment,
    };
    Ok(actor.can_manage_account(target.role, &place))
}
