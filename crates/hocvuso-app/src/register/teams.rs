//! Volunteer teams: setting them up, their members and roles, and assigning households to their volunteers.
//! Also moving a person to another household. Commune staff manage every team of their commune, a hamlet lead
//! their hamlet's team; a team that is out of reach looks missing.

use hocvuso_domain::accounts::{Actor, ResidentScope, Role, User};
use hocvuso_domain::ids::{CommuneId, HamletId, HouseholdId, ResidentId, TeamId, UserId};
use hocvuso_domain::privacy::{AuditAction, AuditSubject, NewAuditEvent};
use hocvuso_domain::register::teams::{
    ResidentMove, Team, TeamFigures, TeamHousehold, TeamMember, TeamRole, check_membership, may_join,
};
use hocvuso_domain::text;
use hocvuso_store::{StoreError, Tx};

use crate::{AppError, Ctx};

/// Most households one bulk assignment may name.
pub const MAX_BULK: usize = 1000;

/// The longest team name and move reason.
const MAX_TEXT: usize = 200;

/// Everything the team page shows.
#[derive(Clone, Debug)]
pub struct TeamDetail {
    /// The team.
    pub team: Team,
    /// Its figures.
    pub figures: TeamFigures,
    /// Every membership, current first.
    pub members: Vec<TeamMember>,
    /// The households of the team's area with whom each is assigned to.
    pub households: Vec<TeamHousehold>,
    /// Accounts of the commune that may join and are not current members.
    pub candidates: Vec<User>,
}

/// The commune of an actor who manages teams at all (staff, admins, hamlet leads).
fn manager_commune(actor: &Actor) -> Result<CommuneId, AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::Forbidden)?;
    match actor.role {
        Role::CommuneAdmin | Role::CommuneStaff | Role::HamletLead => Ok(commune_id),
        _ => Err(AppError::Forbidden),
    }
}

/// The team, if the actor manages it; otherwise `NotFound` (another commune's team looks missing).
async fn managed_team(tx: &mut Tx, actor: &Actor, team_id: TeamId) -> Result<Team, AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::NotFound)?;
    let team = tx.team_by_id(commune_id, team_id).await?.ok_or(AppError::NotFound)?;
    if !actor.can_manage_team(commune_id, team.hamlet_id) {
        return Err(AppError::NotFound);
    }
    Ok(team)
}

fn team_event(actor: &Actor, team: &Team, action: AuditAction, detail: String) -> NewAuditEvent {
    NewAuditEvent::new(Some(actor.user_id), Some(team.commune_id), action, AuditSubject::Team, Some(team.id.0))
        .with_detail(detail)
}

/// The teams the actor manages, with members counted and coverage (households assigned to a current member).
pub async fn list_teams(ctx: &Ctx, actor: &Actor) -> Result<Vec<(Team, TeamFigures)>, AppError> {
    let commune_id = manager_commune(actor)?;
    let mut tx = ctx.store.read().await?;
    let teams = tx.list_teams(commune_id).await?;
    Ok(teams.into_iter().filter(|(team, _)| actor.can_manage_team(commune_id, team.hamlet_id)).collect())
}

/// Sets up the team of a hamlet (`hamlet_id`), or the commune-level team (`commune_level`). A blank name
/// becomes "Tổ công nghệ số cộng đồng" and the hamlet's name.
pub async fn create_team(
    ctx: &Ctx,
    actor: &Actor,
    hamlet_id: Option<i64>,
    commune_level: bool,
    name: &str,
) -> Result<TeamId, AppError> {
    let commune_id = manager_commune(actor)?;
    let hamlet_id = match (hamlet_id, commune_level) {
        (Some(id), false) => Some(HamletId(id)),
        (None, true) => None,
        _ => return Err(AppError::invalid("hamlet_id", "team_hamlet_required")),
    };
    if !actor.can_manage_team(commune_id, hamlet_id) {
        return Err(AppError::Forbidden);
    }
    let name = text::clean(name);
    if name.chars().count() > MAX_TEXT {
        return Err(AppError::invalid("name", "text_too_long"));
    }
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let name = match (name.is_empty(), hamlet_id) {
        (false, _) => name,
        (true, Some(hamlet_id)) => {
            let hamlet = tx
                .hamlet_by_id(commune_id, hamlet_id)
                .await?
                .ok_or(AppError::invalid("hamlet_id", "hamlet_unknown"))?;
            format!("Tổ công nghệ số cộng đồng {}", hamlet.name)
        }
        (true, None) => "Tổ công nghệ số cộng đồng xã".to_owned(),
    };
    let team_id = tx.insert_team(commune_id, hamlet_id, &name, actor.user_id, now).await.map_err(|err| match err {
        StoreError::Conflict => AppError::Conflict("team_exists"),
        StoreError::MissingReference => AppError::invalid("hamlet_id", "hamlet_unknown"),
        other => other.into(),
    })?;
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            Some(commune_id),
            AuditAction::Create,
            AuditSubject::Team,
            Some(team_id.0),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(team_id)
}

/// A team the actor manages, with its members (and their history), households and who may join.
pub async fn show_team(ctx: &Ctx, actor: &Actor, team_id: TeamId) -> Result<TeamDetail, AppError> {
    let mut tx = ctx.store.read().await?;
    let team = managed_team(&mut tx, actor, team_id).await?;
    let figures = tx
        .list_teams(team.commune_id)
        .await?
        .into_iter()
        .find(|(t, _)| t.id == team.id)
        .map(|(_, f)| f)
        .unwrap_or_default();
    let members = tx.team_members(team.commune_id, team.id).await?;
    let households = tx.team_households(team.commune_id, team.hamlet_id).await?;
    let collator = crate::register::collator()?;
    let mut candidates: Vec<User> = tx
        .list_users(Some(team.commune_id))
        .await?
        .into_iter()
        .filter(|u| may_join(u.role) && u.disabled_at.is_none())
        .filter(|u| !members.iter().any(|m| m.is_active() && m.user_id == u.id))
        .collect();
    candidates.sort_by(|a, b| collator.compare_str(&a.display_name, &b.display_name));
    Ok(TeamDetail { team, figures, members, households, candidates })
}

fn parse_role(role: &str) -> Result<TeamRole, AppError> {
    TeamRole::parse(role).ok_or(AppError::invalid("role", "team_role_invalid"))
}

/// Adds an account of the commune to a team the actor manages, in a role.
pub async fn add_member(ctx: &Ctx, actor: &Actor, team_id: TeamId, user_id: i64, role: &str) -> Result<i64, AppError> {
    let mut tx = ctx.store.write().await?;
    let team = managed_team(&mut tx, actor, team_id).await?;
    let role = parse_role(role)?;
    let user = tx
        .user_by_id(UserId(user_id))
        .await?
        .filter(|u| u.commune_id == Some(team.commune_id) && may_join(u.role) && u.disabled_at.is_none())
        .ok_or(AppError::invalid("user_id", "team_member_invalid"))?;
    let members = tx.team_members(team.commune_id, team.id).await?;
    check_membership(&members, user.id, role, None).map_err(|err| AppError::invalid("user_id", err.code()))?;
    let now = ctx.now();
    let id = tx.insert_team_member(team.commune_id, team.id, user.id, role, actor.user_id, now).await?;
    tx.append_audit(
        &team_event(actor, &team, AuditAction::Update, format!("member {} joined as {}", user.id, role.as_str())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Gives a current member another role: the membership ends and a new one begins, so the history shows both.
pub async fn change_member_role(
    ctx: &Ctx,
    actor: &Actor,
    team_id: TeamId,
    membership_id: i64,
    role: &str,
) -> Result<i64, AppError> {
    let mut tx = ctx.store.write().await?;
    let team = managed_team(&mut tx, actor, team_id).await?;
    let role = parse_role(role)?;
    let members = tx.team_members(team.commune_id, team.id).await?;
    let member = members.iter().find(|m| m.id == membership_id && m.is_active()).ok_or(AppError::NotFound)?.clone();
    if member.role == role {
        return Ok(member.id);
    }
    check_membership(&members, member.user_id, role, Some(member.id))
        .map_err(|err| AppError::invalid("role", err.code()))?;
    let now = ctx.now();
    tx.end_team_member(team.commune_id, team.id, member.id, actor.user_id, now).await?;
    let id = tx.insert_team_member(team.commune_id, team.id, member.user_id, role, actor.user_id, now).await?;
    tx.append_audit(
        &team_event(actor, &team, AuditAction::Update, format!("member {} now {}", member.user_id, role.as_str())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a current membership. The member's households in the team's area are no longer assigned to them.
pub async fn end_membership(ctx: &Ctx, actor: &Actor, team_id: TeamId, membership_id: i64) -> Result<(), AppError> {
    let mut tx = ctx.store.write().await?;
    let team = managed_team(&mut tx, actor, team_id).await?;
    let members = tx.team_members(team.commune_id, team.id).await?;
    let member = members.iter().find(|m| m.id == membership_id && m.is_active()).ok_or(AppError::NotFound)?;
    let now = ctx.now();
    tx.end_team_member(team.commune_id, team.id, member.id, actor.user_id, now).await?;
    let n = tx.unassign_area(team.commune_id, team.hamlet_id, member.user_id).await?;
    tx.append_audit(
        &team_event(
            actor,
            &team,
            AuditAction::Update,
            format!("member {} left; {n} households unassigned", member.user_id),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Assigns (or, with `assign` false, takes away) households of the team's area to one of its current volunteer
/// members, all or nothing. Returns how many assignments changed.
pub async fn assign_households(
    ctx: &Ctx,
    actor: &Actor,
    team_id: TeamId,
    volunteer: i64,
    household_ids: &[i64],
    assign: bool,
) -> Result<usize, AppError> {
    let mut tx = ctx.store.write().await?;
    let team = managed_team(&mut tx, actor, team_id).await?;
    let members = tx.team_members(team.commune_id, team.id).await?;
    let volunteer = members
        .iter()
        .find(|m| m.is_active() && m.user_id == UserId(volunteer) && m.account_role == Role::Volunteer)
        .ok_or(AppError::invalid("volunteer", "team_volunteer_invalid"))?
        .user_id;
    if household_ids.is_empty() {
        return Err(AppError::invalid("household_ids", "households_required"));
    }
    if household_ids.len() > MAX_BULK {
        return Err(AppError::invalid("household_ids", "too_many_households"));
    }
    let area = tx.team_households(team.commune_id, team.hamlet_id).await?;
    let mut ids: Vec<HouseholdId> = household_ids.iter().map(|id| HouseholdId(*id)).collect();
    ids.sort();
    ids.dedup();
    if ids.iter().any(|id| !area.iter().any(|h| h.household_id == *id)) {
        return Err(AppError::invalid("household_ids", "household_not_in_team"));
    }
    let now = ctx.now();
    let mut changed = 0;
    for id in &ids {
        let was = area.iter().any(|h| h.household_id == *id && h.volunteers.contains(&volunteer));
        if assign && !was {
            tx.assign_household(team.commune_id, *id, volunteer, now).await?;
            changed += 1;
        } else if !assign && was && tx.unassign_household(team.commune_id, *id, volunteer).await? {
            changed += 1;
        }
    }
    let verb = if assign { "assigned" } else { "unassigned" };
    tx.append_audit(
        &team_event(actor, &team, AuditAction::Update, format!("{changed} households {verb} to {volunteer}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(changed)
}

/// Where a person moves, as typed: an existing household, or a new one at an address in a hamlet.
#[derive(Clone, Debug, Default)]
pub struct MoveInput {
    /// An existing household of the commune.
    pub to_household_id: Option<i64>,
    /// For a new household: its hamlet.
    pub new_hamlet_id: Option<i64>,
    /// For a new household: its address.
    pub new_address: String,
    /// Why (optional, short).
    pub reason: String,
}

/// Moves a person the actor may see to another household (existing or new), recording the move. Their consents,
/// sign-offs and past visits stay theirs; who may see them follows the new household. One transaction, audited.
pub async fn move_resident(
    ctx: &Ctx,
    actor: &Actor,
    resident_id: ResidentId,
    input: &MoveInput,
) -> Result<HouseholdId, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let commune_id = scope.commune_id();
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    if !actor.can_register_in_hamlet(commune_id, resident.hamlet_id) {
        return Err(AppError::Forbidden);
    }
    let reason = text::clean(&input.reason);
    if reason.chars().count() > MAX_TEXT {
        return Err(AppError::invalid("reason", "text_too_long"));
    }
    let address = text::clean(&input.new_address);
    let to_household = match (input.to_household_id, input.new_hamlet_id) {
        (Some(household_id), None) => {
            let household = tx
                .household_by_id(commune_id, HouseholdId(household_id))
                .await?
                .ok_or(AppError::invalid("to_household_id", "household_unknown"))?;
            if household.id == resident.household_id {
                return Err(AppError::invalid("to_household_id", "move_same_household"));
            }
            if !actor.can_move_resident(commune_id, resident.hamlet_id, household.hamlet_id) {
                return Err(AppError::invalid("to_household_id", "household_unknown"));
            }
            household.id
        }
        (None, Some(hamlet_id)) => {
            let hamlet_id = HamletId(hamlet_id);
            if address.is_empty() || address.chars().count() > MAX_TEXT {
                return Err(AppError::invalid("new_address", "address_invalid"));
            }
            if !actor.can_move_resident(commune_id, resident.hamlet_id, hamlet_id) {
                return Err(AppError::invalid("new_hamlet_id", "hamlet_unknown"));
            }
            super::create_household(&mut tx, actor, commune_id, hamlet_id, &address, now, "new_hamlet_id").await?
        }
        _ => return Err(AppError::invalid("to_household_id", "move_destination_required")),
    };
    tx.move_resident(commune_id, resident.id, to_household, &reason, actor.user_id, now).await?;
    tx.append_audit(
        &NewAuditEvent::about_resident(actor.user_id, commune_id, AuditAction::Update, resident.id)
            .with_detail(format!("moved from household {} to {}", resident.household_id, to_household)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(to_household)
}

/// The moves of a person the actor may see, oldest first.
pub async fn resident_moves(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<Vec<ResidentMove>, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let mut tx = ctx.store.read().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    Ok(tx.resident_moves(resident.commune_id, resident.id).await?)
}

/// The households a person may be moved to by the actor, other than their own: a hamlet lead's hamlet, or for
/// staff the person's hamlet (other hamlets are reached by household number or a new household).
pub async fn move_targets(ctx: &Ctx, actor: &Actor, resident_id: ResidentId) -> Result<Vec<TeamHousehold>, AppError> {
    let scope = actor.resident_scope().ok_or(AppError::NotFound)?;
    let mut tx = ctx.store.read().await?;
    let resident = tx.resident_by_id(scope, resident_id).await?.ok_or(AppError::NotFound)?;
    if !actor.can_register_in_hamlet(resident.commune_id, resident.hamlet_id) {
        return Ok(Vec::new());
    }
    let mut households = tx.team_households(resident.commune_id, Some(resident.hamlet_id)).await?;
    households.retain(|h| h.household_id != resident.household_id);
    Ok(households)
}

/// Whether the actor may move people at all (the resident page shows the form only then).
pub fn may_move(actor: &Actor) -> bool {
    matches!(actor.resident_scope(), Some(ResidentScope::Commune(_) | ResidentScope::Hamlet(..)))
}

/// Which help requests an actor handles beyond their role: a volunteer who leads or deputises a team handles
/// their team's hamlet (the commune-level team: the whole commune). `None` if they lead no team.
pub(crate) async fn led_area(ctx: &Ctx, actor: &Actor) -> Result<Option<Option<HamletId>>, AppError> {
    let Some(commune_id) = actor.commune_id else { return Ok(None) };
    let mut tx = ctx.store.read().await?;
    let areas = tx.teams_led_by(commune_id, actor.user_id).await?;
    if areas.iter().any(Option::is_none) {
        return Ok(Some(None));
    }
    Ok(areas.into_iter().next())
}
