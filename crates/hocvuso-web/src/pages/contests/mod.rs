//! Quiz contests' pages. Each part of the work has its own module with its own routes, merged here.

use axum::Router;

use crate::AppState;

// contests: taking part
mod take;
// contests: question bank and set-up
mod bank;
// contests: results
mod results;
// contests: editing a question, pictures
pub(crate) mod edit;
// contests: live mode
pub(crate) mod live;

/// The contests' routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        // contests: taking part
        .merge(take::routes())
        // contests: question bank and set-up
        .merge(bank::routes())
        // contests: results
        .merge(results::routes())
        // contests: editing a question, pictures
        .merge(edit::routes())
        // contests: live mode
        .merge(live::routes())
}
