//! The residents a user may see.

pub(crate) mod field;
pub(crate) mod help;
// teams and moves
pub(crate) mod import;
pub(crate) mod teams;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::response::Response;
use hocvuso_app::register::visits::{LeftBehindFilter, VisitInput};
use hocvuso_domain::accounts::{ResidentScope, Role};
use hocvuso_domain::ids::{HamletId, ResidentId, UserId};
use hocvuso_domain::register::skills::{SignOffId, SignOffMethod, SkillId};
use hocvuso_domain::register::visits::{TargetGroup, VisitOutcome};
use hocvuso_domain::register::{Gender, Resident};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{CsrfForm, SignedIn};
use crate::i18n::{Lang, Texts};
use crate::layout::PageContext;
use crate::pages::render;

struct ResidentRow {
    id: i64,
    name: String,
    birth_year: String,
    hamlet: String,
}

#[derive(Template)]
#[template(path = "residents.html")]
struct ResidentsPage {
    ctx: PageContext,
    next_url: Option<String>,
    can_add: bool,
    intro: &'static str,
    query: String,
    rows: Vec<ResidentRow>,
}

#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
    after: Option<i64>,
}

pub(crate) fn display_name(resident: &Resident, t: &Texts) -> String {
    resident.full_name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_else(|| t.erased_person.to_owned())
}

pub(crate) async fn hamlet_names(
    state: &AppState,
    actor: &hocvuso_domain::accounts::Actor,
) -> Result<HashMap<i64, String>, WebError> {
    Ok(hocvuso_app::places::list_hamlets(&state.ctx, actor).await?.into_iter().map(|h| (h.id.0, h.name)).collect())
}

/// `GET /residents?q=…`
pub(crate) async fn list_residents(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let t = lang.texts();
    let search: String = query.q.unwrap_or_default().chars().take(100).collect();
    let after = query.after.map(ResidentId);
    let page = hocvuso_app::register::list_residents(&state.ctx, &actor, Some(&search), after).await?;
    let next_url = page.next_after.map(|id| format!("/residents?q={}&after={id}", urlencoding::encode(&search)));
    let residents = page.residents;
    let hamlets = hamlet_names(&state, &actor).await?;
    let intro = match actor.resident_scope() {
        Some(ResidentScope::Hamlet(..)) => t.residents_intro_hamlet,
        Some(ResidentScope::Assigned(..)) => t.residents_intro_assigned,
        _ => t.residents_intro_commune,
    };
    let rows = residents
        .iter()
        .map(|r| ResidentRow {
            id: r.id.0,
            name: display_name(r, t),
            birth_year: r.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            hamlet: hamlets.get(&r.hamlet_id.0).cloned().unwrap_or_default(),
        })
        .collect();
    let can_add = matches!(actor.role, Role::CommuneAdmin | Role::CommuneStaff | Role::HamletLead);
    render(&ResidentsPage {
        ctx: PageContext::new(&state, lang, Some(&session), "/residents"),
        next_url,
        can_add,
        intro,
        query: search,
        rows,
    })
}

struct ConsentRow {
    id: i64,
    purpose: &'static str,
    method: &'static str,
    given_at: String,
    is_active: bool,
    withdrawn_at: String,
}

#[derive(Template)]
#[template(path = "resident.html")]
struct ResidentPage {
    ctx: PageContext,
    id: i64,
    name: String,
    birth_year: String,
    gender: &'static str,
    hamlet: String,
    phone: String,
    cccd: String,
    consents: Vec<ConsentRow>,
    is_erased: bool,
    can_erase: bool,
    saved: bool,
    is_reached: bool,
    status_line: String,
    skill_rows: Vec<SkillRow>,
    revoked: Vec<String>,
    vneid_confirmed_at: Option<String>,
    can_confirm_vneid: bool,
    visits: Vec<String>,
    groups: Vec<(&'static str, &'static str, bool)>,
    smartphone_options: Vec<(&'static str, &'static str, bool)>,
    can_add_member: bool,
    household_id: i64,
    // guides
    guides_taught: Vec<String>,
    guide_options: Vec<(String, String)>,
    // teams and moves
    can_move: bool,
    move_targets: Vec<(i64, String)>,
    move_hamlets: Vec<(i64, String)>,
    moves: Vec<String>,
    move_errors: Vec<&'static str>,
}

struct Confirmation {
    id: i64,
    method: &'static str,
    at: String,
    note: String,
}

struct SkillRow {
    id: i64,
    name: String,
    is_core: bool,
    is_retired: bool,
    confirmation: Option<Confirmation>,
}

fn method_name(method: SignOffMethod, t: &Texts) -> &'static str {
    match method {
        SignOffMethod::Observed => t.method_observed,
        SignOffMethod::InClass => t.method_in_class,
        SignOffMethod::SelfReported => t.method_self_reported,
    }
}

fn outcome_name(outcome: VisitOutcome, t: &Texts) -> &'static str {
    match outcome {
        VisitOutcome::Helped => t.outcome_helped,
        VisitOutcome::NotHome => t.outcome_not_home,
        VisitOutcome::Declined => t.outcome_declined,
        VisitOutcome::FollowUp => t.outcome_follow_up,
    }
}

pub(crate) fn group_name(group: TargetGroup, t: &Texts) -> &'static str {
    match group {
        TargetGroup::Farmer => t.group_farmer,
        TargetGroup::PupilStudent => t.group_pupil_student,
        TargetGroup::Official => t.group_official,
        TargetGroup::Disability => t.group_disability,
        TargetGroup::EthnicMinority => t.group_ethnic_minority,
    }
}

#[derive(Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

/// `GET /residents/{resident_id}`: the view is written to the audit log. Phone and CCCD are shown masked.
pub(crate) async fn show_resident(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(resident_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, WebError> {
    render(&resident_page(&state, lang, &session, resident_id, query.saved.is_some(), Vec::new()).await?)
}

/// The resident page with the move form's refusals (422).
pub(crate) async fn resident_page_with_errors(
    state: &AppState,
    lang: Lang,
    session: &hocvuso_app::accounts::Session,
    resident_id: i64,
    move_errors: Vec<&'static str>,
) -> Result<Response, WebError> {
    let page = resident_page(state, lang, session, resident_id, false, move_errors).await?;
    crate::pages::render_with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn resident_page(
    state: &AppState,
    lang: Lang,
    session: &hocvuso_app::accounts::Session,
    resident_id: i64,
    saved: bool,
    move_errors: Vec<&'static str>,
) -> Result<ResidentPage, WebError> {
    let state = state.clone();
    let actor = session.actor();
    let t = lang.texts();
    let resident = hocvuso_app::register::show_resident(&state.ctx, &actor, ResidentId(resident_id)).await?;
    let consents = hocvuso_app::privacy::list_consents(&state.ctx, &actor, resident.id).await?;
    let hamlets = hamlet_names(&state, &actor).await?;
    let skills = hocvuso_app::register::skills::resident_skills(&state.ctx, &actor, resident.id).await?;
    let visits = hocvuso_app::register::visits::household_visits(&state.ctx, &actor, resident.id).await?;
    let groups = hocvuso_app::register::visits::resident_groups(&state.ctx, &actor, resident.id).await?;
    let taught = hocvuso_app::guides::guides_taught(&state.ctx, &actor, resident.id).await?;
    let format = |at: time::OffsetDateTime| hocvuso_domain::calendar::format_datetime_vn(at);
    let active = |skill_id| skills.sign_offs.iter().find(|s| s.skill_id == skill_id && s.revoked_at.is_none());
    let skill_rows = skills
        .skills
        .iter()
        .filter(|k| !k.is_retired || active(k.id).is_some())
        .map(|k| SkillRow {
            id: k.id.0,
            name: k.name.clone(),
            is_core: k.is_core,
            is_retired: k.is_retired,
            confirmation: active(k.id).map(|s| Confirmation {
                id: s.id.0,
                method: method_name(s.method, t),
                at: hocvuso_domain::calendar::format_date_vn(hocvuso_domain::calendar::vietnam_date(s.confirmed_at)),
                note: s.note.clone(),
            }),
        })
        .collect();
    let revoked = skills
        .sign_offs
        .iter()
        .filter_map(|s| {
            let revoked_at = s.revoked_at?;
            let name = skills.skills.iter().find(|k| k.id == s.skill_id).map(|k| k.name.as_str()).unwrap_or("");
            Some(format!(
                "{name} – {} {} ({})",
                t.revoked,
                format(revoked_at),
                s.revoke_reason.as_deref().unwrap_or("")
            ))
        })
        .collect();
    let status_line = if skills.status.is_reached {
        t.status_reached.to_owned()
    } else {
        t.status_not_reached.replace("{n}", &skills.status.missing_core.len().to_string())
    };
    let smartphone = resident.has_smartphone;
    // teams and moves
    let can_move = hocvuso_app::register::teams::may_move(&actor) && resident.erased_at.is_none();
    let moves = hocvuso_app::register::teams::resident_moves(&state.ctx, &actor, resident.id)
        .await?
        .iter()
        .map(|m| {
            let hamlet = |h: HamletId| hamlets.get(&h.0).cloned().unwrap_or_default();
            let mut line = format!(
                "{}: {} {} ({}) {} {} ({})",
                format(m.moved_at),
                t.move_from,
                m.from_household_id,
                hamlet(m.from_hamlet_id),
                t.move_to,
                m.to_household_id,
                hamlet(m.to_hamlet_id)
            );
            if !m.reason.is_empty() {
                line.push_str(&format!(". {}", m.reason));
            }
            line
        })
        .collect();
    let move_targets = if can_move {
        hocvuso_app::register::teams::move_targets(&state.ctx, &actor, resident.id)
            .await?
            .into_iter()
            .map(|h| (h.household_id.0, format!("{} – {} {}", h.address, t.household_code, h.household_id)))
            .collect()
    } else {
        Vec::new()
    };
    let mut move_hamlets: Vec<(i64, String)> = hamlets
        .iter()
        .filter(|(id, _)| actor.can_move_resident(resident.commune_id, resident.hamlet_id, HamletId(**id)))
        .map(|(id, name)| (*id, name.clone()))
        .collect();
    move_hamlets.sort_by(|a, b| a.1.cmp(&b.1));
    let page = ResidentPage {
        can_move,
        move_targets,
        move_hamlets,
        moves,
        move_errors,
        ctx: PageContext::new(&state, lang, Some(session), "/residents"),
        id: resident.id.0,
        name: display_name(&resident, t),
        birth_year: resident.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        gender: match resident.gender {
            Some(Gender::Male) => t.male,
            Some(Gender::Female) => t.female,
            None => "",
        },
        hamlet: hamlets.get(&resident.hamlet_id.0).cloned().unwrap_or_default(),
        phone: resident.phone.as_ref().map(|p| p.masked()).unwrap_or_else(|| t.none.to_owned()),
        cccd: resident.cccd.as_ref().map(|c| c.masked()).unwrap_or_else(|| t.none.to_owned()),
        consents: consents
            .iter()
            .map(|c| ConsentRow {
                id: c.id.0,
                purpose: t.consent_purpose_name(c.purpose),
                method: t.consent_method_name(c.method),
                given_at: format(c.given_at),
                is_active: c.is_active(),
                withdrawn_at: c.withdrawn_at.map(format).unwrap_or_default(),
            })
            .collect(),
        is_erased: resident.erased_at.is_some(),
        can_erase: actor.can_erase_residents(resident.commune_id),
        saved,
        is_reached: skills.status.is_reached,
        status_line,
        skill_rows,
        revoked,
        vneid_confirmed_at: resident.vneid_confirmed_at.map(format),
        can_confirm_vneid: !matches!(actor.role, Role::Volunteer),
        can_add_member: !matches!(actor.role, Role::Volunteer),
        household_id: resident.household_id.0,
        guides_taught: taught
            .iter()
            .map(|g| {
                let title = state.ctx.guides().get(&g.guide_slug).map(|guide| guide.title.clone());
                format!("{}: {}", format(g.taught_at), title.unwrap_or_else(|_| g.guide_slug.clone()))
            })
            .collect(),
        guide_options: state.ctx.guides().list().iter().map(|g| (g.slug.clone(), g.title.clone())).collect(),
        visits: visits
            .iter()
            .map(|v| {
                let mut line = format!("{}: {}", format(v.visited_at), outcome_name(v.outcome, t));
                for (label, text) in [(t.practised, &v.practised), (t.next_step, &v.next_step)] {
                    if !text.is_empty() {
                        line.push_str(&format!(". {label}: {text}"));
                    }
                }
                line
            })
            .collect(),
        groups: TargetGroup::ALL.into_iter().map(|g| (g.as_str(), group_name(g, t), groups.contains(&g))).collect(),
        smartphone_options: vec![
            ("", t.unknown, smartphone.is_none()),
            ("yes", t.yes, smartphone == Some(true)),
            ("no", t.no, smartphone == Some(false)),
        ],
    };
    Ok(page)
}

#[derive(Deserialize)]
pub(crate) struct SignOffForm {
    #[serde(default)]
    skill_id: i64,
    #[serde(default)]
    method: String,
    #[serde(default)]
    note: String,
}

/// `POST /residents/{resident_id}/sign-offs`
pub(crate) async fn sign_off_skill(
    State(state): State<AppState>,
    Path(resident_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<SignOffForm>,
) -> Result<Response, WebError> {
    let id = ResidentId(resident_id);
    hocvuso_app::register::skills::sign_off_skill(
        &state.ctx,
        &session.actor(),
        id,
        form.skill_id,
        &form.method,
        &form.note,
    )
    .await?;
    Ok(back_to(resident_id))
}

#[derive(Deserialize)]
pub(crate) struct RevokeForm {
    #[serde(default)]
    reason: String,
}

/// `POST /residents/{resident_id}/sign-offs/{sign_off_id}/revoke`
pub(crate) async fn revoke_sign_off(
    State(state): State<AppState>,
    Path((resident_id, sign_off_id)): Path<(i64, i64)>,
    CsrfForm(session, form): CsrfForm<RevokeForm>,
) -> Result<Response, WebError> {
    let (id, sign_off) = (ResidentId(resident_id), SignOffId(sign_off_id));
    hocvuso_app::register::skills::revoke_sign_off(&state.ctx, &session.actor(), id, sign_off, &form.reason).await?;
    Ok(back_to(resident_id))
}

/// `POST /residents/{resident_id}/vneid`
pub(crate) async fn confirm_vneid(
    State(state): State<AppState>,
    Path(resident_id): Path<i64>,
    CsrfForm(session, _form): CsrfForm<crate::pages::accounts::EmptyForm>,
) -> Result<Response, WebError> {
    hocvuso_app::register::skills::confirm_on_vneid(&state.ctx, &session.actor(), ResidentId(resident_id)).await?;
    Ok(back_to(resident_id))
}

#[derive(Deserialize)]
pub(crate) struct VisitForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    practised: String,
    #[serde(default)]
    next_step: String,
}

/// `POST /residents/{resident_id}/visits`
pub(crate) async fn record_visit(
    State(state): State<AppState>,
    Path(resident_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<VisitForm>,
) -> Result<Response, WebError> {
    let input = VisitInput { resident_id, outcome: form.outcome, practised: form.practised, next_step: form.next_step };
    hocvuso_app::register::visits::record_visit(&state.ctx, &session.actor(), &input).await?;
    Ok(back_to(resident_id))
}

#[derive(Deserialize)]
pub(crate) struct ProfileForm {
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    has_smartphone: String,
}

/// `POST /residents/{resident_id}/profile`
pub(crate) async fn update_profile(
    State(state): State<AppState>,
    Path(resident_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<ProfileForm>,
) -> Result<Response, WebError> {
    let has_smartphone = match form.has_smartphone.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let id = ResidentId(resident_id);
    hocvuso_app::register::visits::update_profile(&state.ctx, &session.actor(), id, &form.groups, has_smartphone)
        .await?;
    Ok(back_to(resident_id))
}

fn back_to(resident_id: i64) -> Response {
    axum::response::Redirect::to(&format!("/residents/{resident_id}?saved=1")).into_response()
}

struct LeftBehindRow {
    id: i64,
    name: String,
    birth_year: String,
    hamlet: String,
    needs: String,
    missing: usize,
    last_contact: String,
}

/// One choice of a filter `<select>`.
struct Choice {
    id: i64,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "left_behind.html")]
struct LeftBehindPage {
    ctx: PageContext,
    rows: Vec<LeftBehindRow>,
    hamlets: Vec<Choice>,
    volunteers: Vec<Choice>,
    /// The filter for the download links: `?hamlet=…&volunteer=…`, or empty.
    query: String,
    next_url: Option<String>,
}

/// The filters of the left-behind list, its Excel export and its visit sheet: `?hamlet=…&volunteer=…`, empty for all.
#[derive(Deserialize, Default)]
pub(crate) struct LeftBehindQuery {
    #[serde(default, deserialize_with = "crate::extract::blank_as_none")]
    hamlet: Option<i64>,
    #[serde(default, deserialize_with = "crate::extract::blank_as_none")]
    volunteer: Option<i64>,
    /// The page starts after this person (the list only; the export and the visit sheet hold everyone).
    after: Option<i64>,
}

impl LeftBehindQuery {
    fn filter(&self) -> LeftBehindFilter {
        LeftBehindFilter { hamlet_id: self.hamlet.map(HamletId), volunteer_id: self.volunteer.map(UserId) }
    }

    fn query_string(&self) -> String {
        let pairs: Vec<String> = [("hamlet", self.hamlet), ("volunteer", self.volunteer)]
            .into_iter()
            .filter_map(|(name, value)| value.map(|id| format!("{name}={id}")))
            .collect();
        if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) }
    }
}

/// `GET /left-behind?hamlet=…&volunteer=…`: the people of the user's scope not yet reached, most in need first.
pub(crate) async fn show_left_behind(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Query(query): Query<LeftBehindQuery>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let t = lang.texts();
    let page =
        hocvuso_app::register::visits::left_behind(&state.ctx, &actor, query.filter(), query.after.map(ResidentId))
            .await?;
    let next_url = page.next_after.map(|id| {
        let filters = query.query_string();
        format!("/left-behind{}{}after={id}", filters, if filters.is_empty() { "?" } else { "&" })
    });
    let rows = page.rows;
    let hamlet_list = hocvuso_app::places::list_hamlets(&state.ctx, &actor).await?;
    let hamlets: HashMap<i64, String> = hamlet_list.iter().map(|h| (h.id.0, h.name.clone())).collect();
    let volunteers = hocvuso_app::register::visits::list_volunteers(&state.ctx, &actor).await?;
    let rows = rows
        .iter()
        .map(|row| {
            let need = &row.need;
            let needs: Vec<&str> = [
                (need.is_elderly, t.need_elderly),
                (need.lives_alone, t.need_alone),
                (need.has_disability, t.need_disability),
                (need.has_no_smartphone, t.need_no_smartphone),
            ]
            .into_iter()
            .filter_map(|(flag, label)| flag.then_some(label))
            .collect();
            LeftBehindRow {
                id: row.resident.id.0,
                name: display_name(&row.resident, t),
                birth_year: row.resident.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                hamlet: hamlets.get(&row.resident.hamlet_id.0).cloned().unwrap_or_default(),
                needs: needs.join(", "),
                missing: row.missing_core.len(),
                last_contact: row
                    .last_contact
                    .map(|at| hocvuso_domain::calendar::format_date_vn(hocvuso_domain::calendar::vietnam_date(at)))
                    .unwrap_or_else(|| t.never.to_owned()),
            }
        })
        .collect();
    // A hamlet filter is offered to commune staff; a hamlet lead's list is their hamlet already.
    let hamlet_choices: Vec<Choice> = if matches!(actor.resident_scope(), Some(ResidentScope::Commune(_))) {
        hamlet_list
            .into_iter()
            .map(|h| Choice { id: h.id.0, name: h.name, selected: query.hamlet == Some(h.id.0) })
            .collect()
    } else {
        Vec::new()
    };
    let volunteers = volunteers
        .into_iter()
        .map(|user| Choice { id: user.id.0, name: user.display_name, selected: query.volunteer == Some(user.id.0) })
        .collect();
    render(&LeftBehindPage {
        ctx: PageContext::new(&state, lang, Some(&session), "/left-behind"),
        rows,
        hamlets: hamlet_choices,
        volunteers,
        query: query.query_string(),
        next_url,
    })
}

struct ChecklistRow {
    id: i64,
    name: String,
    is_core: bool,
    is_retired: bool,
}

#[derive(Template)]
#[template(path = "skills.html")]
struct ChecklistPage {
    ctx: PageContext,
    rows: Vec<ChecklistRow>,
    can_manage: bool,
    accepts_self_reported: bool,
    errors: Vec<&'static str>,
}

async fn checklist_page(
    state: &AppState,
    lang: Lang,
    session: &hocvuso_app::accounts::Session,
    errors: Vec<&'static str>,
) -> Result<ChecklistPage, WebError> {
    let actor = session.actor();
    let skills = hocvuso_app::register::skills::list_skills(&state.ctx, &actor).await?;
    let rule = hocvuso_app::register::skills::reach_rule(&state.ctx, &actor).await?;
    Ok(ChecklistPage {
        accepts_self_reported: rule.accepts_self_reported,
        ctx: PageContext::new(state, lang, Some(session), "/skills"),
        rows: skills
            .into_iter()
            .map(|k| ChecklistRow { id: k.id.0, name: k.name, is_core: k.is_core, is_retired: k.is_retired })
            .collect(),
        can_manage: actor.commune_id.is_some_and(|c| actor.can_manage_hamlets(c)),
        errors,
    })
}

/// `GET /skills`: the commune's checklist.
pub(crate) async fn list_skills(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    render(&checklist_page(&state, lang, &session, Vec::new()).await?)
}

#[derive(Deserialize)]
pub(crate) struct NewSkillForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    is_core: String,
}

/// `POST /skills`
pub(crate) async fn add_skill(
    State(state): State<AppState>,
    lang: Lang,
    CsrfForm(session, form): CsrfForm<NewSkillForm>,
) -> Result<Response, WebError> {
    match hocvuso_app::register::skills::add_skill(&state.ctx, &session.actor(), &form.name, form.is_core == "yes")
        .await
    {
        Ok(_) => Ok(axum::response::Redirect::to("/skills").into_response()),
        Err(err) => {
            let errors = crate::pages::form_errors(err, lang)?;
            let page = checklist_page(&state, lang, &session, errors).await?;
            crate::pages::render_with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct SkillChangeForm {
    #[serde(default)]
    is_core: String,
    #[serde(default)]
    is_retired: String,
}

/// `POST /skills/{skill_id}`
pub(crate) async fn change_skill(
    State(state): State<AppState>,
    Path(skill_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<SkillChangeForm>,
) -> Result<Response, WebError> {
    let (is_core, is_retired) = (form.is_core == "yes", form.is_retired == "yes");
    hocvuso_app::register::skills::change_skill(&state.ctx, &session.actor(), SkillId(skill_id), is_core, is_retired)
        .await?;
    Ok(axum::response::Redirect::to("/skills").into_response())
}

#[derive(Default, Deserialize)]
pub(crate) struct NewPersonForm {
    #[serde(default)]
    household_id: Option<i64>,
    #[serde(default)]
    hamlet_id: i64,
    #[serde(default)]
    address: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    birth_year: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    cccd: String,
    #[serde(default)]
    consent: String,
}

#[derive(Template)]
#[template(path = "resident_new.html")]
struct NewPersonPage {
    ctx: PageContext,
    title: &'static str,
    household_id: Option<i64>,
    hamlets: Vec<(i64, String)>,
    form: NewPersonForm,
    errors: Vec<&'static str>,
}

#[derive(Deserialize)]
pub(crate) struct NewPersonQuery {
    household: Option<i64>,
}

async fn new_person_page(
    state: &AppState,
    lang: Lang,
    session: &hocvuso_app::accounts::Session,
    form: NewPersonForm,
    errors: Vec<&'static str>,
) -> Result<NewPersonPage, WebError> {
    let actor = session.actor();
    let t = lang.texts();
    let mut hamlets: Vec<(i64, String)> =
        hocvuso_app::places::list_hamlets(&state.ctx, &actor).await?.into_iter().map(|h| (h.id.0, h.name)).collect();
    if actor.role == Role::HamletLead {
        hamlets.retain(|(id, _)| Some(*id) == actor.hamlet_id.map(|h| h.0));
    }
    Ok(NewPersonPage {
        ctx: PageContext::new(state, lang, Some(session), "/residents"),
        title: if form.household_id.is_some() { t.add_member } else { t.add_household },
        household_id: form.household_id,
        hamlets,
        form,
        errors,
    })
}

/// `GET /residents/new[?household=ID]`: a new household with its first person, or a person for a household.
pub(crate) async fn new_person_form(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Query(query): Query<NewPersonQuery>,
) -> Result<Response, WebError> {
    if session.user.role == Role::Volunteer || session.actor().resident_scope().is_none() {
        return Err(WebError(hocvuso_app::AppError::Forbidden));
    }
    let form = NewPersonForm { household_id: query.household, ..NewPersonForm::default() };
    render(&new_person_page(&state, lang, &session, form, Vec::new()).await?)
}

/// `POST /residents`: adds the person (and the household) with their recorded consent.
pub(crate) async fn create_person(
    State(state): State<AppState>,
    lang: Lang,
    CsrfForm(session, form): CsrfForm<NewPersonForm>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let optional = |value: &str| Some(value.to_owned()).filter(|v| !v.trim().is_empty());
    let person = hocvuso_app::register::NewResidentInput {
        household_id: form.household_id.unwrap_or_default(),
        full_name: form.full_name.clone(),
        birth_year: optional(&form.birth_year),
        gender: optional(&form.gender),
        phone: optional(&form.phone),
        cccd: optional(&form.cccd),
    };
    let result = match form.household_id {
        Some(_) => hocvuso_app::register::add_resident(&state.ctx, &actor, &person, &form.consent).await,
        None => {
            let household =
                hocvuso_app::register::NewHouseholdInput { hamlet_id: form.hamlet_id, address: form.address.clone() };
            hocvuso_app::register::register_household(&state.ctx, &actor, &household, &person, &form.consent).await
        }
    };
    match result {
        Ok(resident_id) => Ok(back_to(resident_id.0)),
        Err(err) => {
            let errors = crate::pages::form_errors(err, lang)?;
            let page = new_person_page(&state, lang, &session, form, errors).await?;
            crate::pages::render_with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

fn xlsx(download: hocvuso_app::register::exports::Download) -> Response {
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    crate::pages::attachment(download.bytes, xlsx_type, &download.file_name)
}

/// `GET /residents/export.xlsx`: the register of the user's scope (audited).
pub(crate) async fn export_register(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    Ok(xlsx(hocvuso_app::register::exports::export_register(&state.ctx, &session.actor()).await?))
}

/// `GET /left-behind/export.xlsx?hamlet=…&volunteer=…`: the left-behind list of the user's scope (audited).
pub(crate) async fn export_left_behind(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(query): Query<LeftBehindQuery>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    Ok(xlsx(hocvuso_app::register::exports::export_left_behind(&state.ctx, &actor, query.filter()).await?))
}

/// `GET /left-behind/visit-sheet.pdf?hamlet=…&volunteer=…`: the printable visit sheet of the user's scope (audited).
pub(crate) async fn export_visit_sheet(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(query): Query<LeftBehindQuery>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let download = hocvuso_app::register::exports::export_visit_sheet(&state.ctx, &actor, query.filter()).await?;
    Ok(crate::pages::attachment(download.bytes, "application/pdf", &download.file_name))
}

#[derive(Deserialize)]
pub(crate) struct RuleForm {
    #[serde(default)]
    accepts_self_reported: String,
}

/// `POST /skills/rule`
pub(crate) async fn set_reach_rule(
    State(state): State<AppState>,
    CsrfForm(session, form): CsrfForm<RuleForm>,
) -> Result<Response, WebError> {
    let accepts = form.accepts_self_reported == "yes";
    hocvuso_app::register::skills::set_reach_rule(&state.ctx, &session.actor(), accepts).await?;
    Ok(axum::response::Redirect::to("/skills").into_response())
}
