//! HTTP in, HTML and JSON out. [`router`] is the whole route table.
//!
//! Handlers parse the request, call one `hocvuso_app` function and render a template; they hold no business
//! rules and no permission checks of their own. Errors become pages in one place (`error`, `security`).

pub mod api;
pub mod assets;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod layout;
pub mod metrics;
mod pages;
pub mod security;
pub mod state;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;

pub use state::{AppState, WebSettings};

/// Every route of the site and the API, with the layers every request goes through.
pub fn router(state: AppState) -> Router {
    let html = Router::new()
        .route("/", get(pages::home::show_home))
        .route("/lang/{code}", get(pages::home::switch_language))
        .route("/units", get(pages::home::list_provinces))
        .route("/units/{province_code}", get(pages::home::show_province_units))
        .route("/login", get(pages::accounts::login_form).post(pages::accounts::sign_in))
        .route("/logout", post(pages::accounts::sign_out))
        .route("/dashboard", get(pages::accounts::show_dashboard))
        .route("/account", get(pages::accounts::show_account))
        .route("/account/password", post(pages::accounts::change_password))
        .route("/users", get(pages::accounts::list_users).post(pages::accounts::create_user))
        .route("/users/{user_id}/disable", post(pages::accounts::disable_user))
        .route("/hamlets", get(pages::places::list_hamlets).post(pages::places::create_hamlet))
        .route("/province", get(pages::places::show_province_overview))
        .route("/residents", get(pages::register::list_residents).post(pages::register::create_person))
        .route("/residents/new", get(pages::register::new_person_form))
        .route("/residents/export.xlsx", get(pages::register::export_register))
        .route(
            "/residents/import",
            get(pages::register::import::import_form)
                .post(pages::register::import::upload_list)
                .layer(DefaultBodyLimit::max(pages::register::import::IMPORT_LIMIT)),
        )
        .route("/left-behind/export.xlsx", get(pages::register::export_left_behind))
        .route("/residents/{resident_id}", get(pages::register::show_resident))
        .route("/residents/{resident_id}/export", get(pages::privacy::export_resident))
        .route("/residents/{resident_id}/sign-offs", post(pages::register::sign_off_skill))
        .route("/residents/{resident_id}/sign-offs/{sign_off_id}/revoke", post(pages::register::revoke_sign_off))
        .route("/residents/{resident_id}/vneid", post(pages::register::confirm_vneid))
        .route("/residents/{resident_id}/visits", post(pages::register::record_visit))
        .route("/residents/{resident_id}/profile", post(pages::register::update_profile))
        .route("/left-behind", get(pages::register::show_left_behind))
        .route("/help", get(pages::register::help::help_form).post(pages::register::help::submit_help))
        .route(
            "/help-requests",
            get(pages::register::help::list_help_requests).post(pages::register::help::record_phone_request),
        )
        .route("/help-requests/{help_request_id}", post(pages::register::help::update_help_request))
        .route("/skills", get(pages::register::list_skills).post(pages::register::add_skill))
        .route("/skills/rule", post(pages::register::set_reach_rule))
        .route("/skills/{skill_id}", post(pages::register::change_skill))
        .route("/residents/{resident_id}/erase", post(pages::privacy::erase_resident))
        .route("/residents/{resident_id}/consents", post(pages::privacy::record_consent))
        .route("/residents/{resident_id}/consents/{consent_id}/withdraw", post(pages::privacy::withdraw_consent))
        .route("/audit", get(pages::privacy::show_audit_log))
        // field work, offline
        .route("/field", get(pages::register::field::show_field))
        .route("/field/households/{household_id}", get(pages::register::field::show_field_household))
        .route("/field/records", post(pages::register::field::post_field_record))
        .route("/field/manifest.webmanifest", get(pages::register::field::manifest))
        .route("/sw.js", get(pages::register::field::service_worker))
        .route("/static/{name}", get(assets::serve_asset))
        .route("/healthz", get(pages::ops::health))
        .route("/metrics", get(pages::ops::metrics))
        // pdf
        .route("/left-behind/visit-sheet.pdf", get(pages::register::export_visit_sheet))
        // guides
        .route("/guides", get(pages::guides::list_guides))
        .route("/guides/offline.json", get(pages::guides::offline_list))
        .route("/guides/{slug}", get(pages::guides::show_guide))
        .route("/guides/{slug}/quiz", post(pages::guides::answer_quiz))
        .route("/guides/{slug}/senior/{number}", get(pages::guides::show_senior_step))
        .route("/guides/{slug}/pictures/{file}", get(pages::guides::show_picture))
        .route("/guides/{slug}/steps/{number}/audio", get(pages::guides::step_audio))
        .route("/guides-sw.js", get(pages::guides::service_worker))
        .route("/guides/me.json", get(pages::guides::my_progress))
        .route("/guides/{slug}/done", post(pages::guides::finish_guide))
        .route("/guides/{slug}/leaflet.pdf", get(pages::guides::leaflet))
        .route("/residents/{resident_id}/guides-taught", post(pages::guides::record_guide_taught))
        // teams and moves
        .route("/teams", get(pages::register::teams::list_teams).post(pages::register::teams::create_team))
        .route("/teams/{team_id}", get(pages::register::teams::show_team))
        .route("/teams/{team_id}/members", post(pages::register::teams::add_member))
        .route("/teams/{team_id}/members/{membership_id}/role", post(pages::register::teams::change_role))
        .route("/teams/{team_id}/members/{membership_id}/end", post(pages::register::teams::end_membership))
        .route("/teams/{team_id}/assignments", post(pages::register::teams::assign_households))
        .route("/residents/{resident_id}/move", post(pages::register::teams::move_resident))
        // import jobs
        .route("/residents/import/{job_id}", get(pages::register::import::show_import_job))
        .route("/residents/import/{job_id}/mapping", post(pages::register::import::set_import_mapping))
        .route("/residents/import/{job_id}/check", post(pages::register::import::check_import))
        .route("/residents/import/{job_id}/commit", post(pages::register::import::commit_import))
        // guide editor
        .route("/guide-editor", get(pages::guide_edits::list_guides))
        .route(
            "/guide-editor/new",
            get(pages::guide_edits::new_guide_form)
                .post(pages::guide_edits::post_new_guide)
                .layer(DefaultBodyLimit::max(pages::guide_edits::TEXT_LIMIT)),
        )
        .route(
            "/guide-editor/{slug}",
            get(pages::guide_edits::edit_guide_form)
                .post(pages::guide_edits::post_guide)
                .layer(DefaultBodyLimit::max(pages::guide_edits::TEXT_LIMIT)),
        )
        .route("/guide-editor/{slug}/revert", post(pages::guide_edits::revert_guide))
        .route(
            "/guide-editor/{slug}/steps/{number}/{change}",
            post(pages::guide_edits::change_step).layer(DefaultBodyLimit::max(pages::guide_edits::EDITOR_LIMIT)),
        )
        // guide editor: delete; guides offline: one guide's list
        .route(
            "/guide-editor/{slug}/delete",
            get(pages::guide_edits::confirm_delete).post(pages::guide_edits::delete_guide),
        )
        .route("/guides/{slug}/offline.json", get(pages::guides::guide_offline_list));
    html.merge(pages::contests::routes())
        .merge(api::routes())
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(from_fn(security::same_origin))
        .layer(from_fn_with_state(state.clone(), security::error_pages))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .layer(DefaultBodyLimit::max(extract::FORM_LIMIT))
        .layer(CompressionLayer::new())
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .with_state(state)
}
