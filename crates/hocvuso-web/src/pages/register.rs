//! The residents a user may see.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hocvuso_domain::accounts::ResidentScope;
use hocvuso_domain::ids::ResidentId;
use hocvuso_domain::register::{Gender, Resident};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::extract::SignedIn;
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
    intro: &'static str,
    query: String,
    rows: Vec<ResidentRow>,
}

#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
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
    let residents = hocvuso_app::register::list_residents(&state.ctx, &actor, Some(&search)).await?;
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
    render(&ResidentsPage {
        ctx: PageContext::new(&state, lang, Some(&session), "/residents"),
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
    let actor = session.actor();
    let t = lang.texts();
    let resident = hocvuso_app::register::show_resident(&state.ctx, &actor, ResidentId(resident_id)).await?;
    let consents = hocvuso_app::privacy::list_consents(&state.ctx, &actor, resident.id).await?;
    let hamlets = hamlet_names(&state, &actor).await?;
    let format = |at: time::OffsetDateTime| hocvuso_domain::calendar::format_datetime_vn(at);
    let page = ResidentPage {
        ctx: PageContext::new(&state, lang, Some(&session), "/residents"),
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
        saved: query.saved.is_some(),
    };
    render(&page)
}
