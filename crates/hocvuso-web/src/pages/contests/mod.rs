//! Quiz contests' pages. Each part of the work has its own module with its own routes, merged here.

use axum::Router;

use crate::AppState;

// contests: question bank and set-up
mod bank;

/// The contests' routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        // contests: question bank and set-up
        .merge(bank::routes())
}
