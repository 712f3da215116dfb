//! Quiz contests' pages. Each part of the work has its own module with its own routes, merged here.

// contests: results
mod results;

use axum::Router;

use crate::AppState;

/// The contests' routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        // contests: results
        .merge(results::routes())
}
