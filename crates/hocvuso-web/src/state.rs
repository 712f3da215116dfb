//! What every handler can reach.

use std::sync::Arc;

use crate::assets::Assets;
use crate::metrics::Metrics;

/// Settings of the web layer, derived once from the command line.
#[derive(Clone, Debug, Default)]
pub struct WebSettings {
    /// Set cookies with `Secure` and the `__Host-` prefix, and send HSTS (the site is served over HTTPS).
    pub secure_cookies: bool,
    /// Show the "demo data" banner on every page.
    pub is_demo: bool,
}

/// Shared state of the router: one pointer, because every middleware clones it for every request.
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

/// What [`AppState`] points to.
pub struct AppStateInner {
    /// Use cases.
    pub ctx: hocvuso_app::Ctx,
    /// Web settings.
    pub settings: Arc<WebSettings>,
    /// Embedded files.
    pub assets: Arc<Assets>,
    /// Request counters.
    pub metrics: Arc<Metrics>,
    // contests: taking part
    /// Rate limits per contest participant and per registering phone.
    pub(crate) contest_limits: crate::api::contests::ContestLimits,
    // contests: live mode
    /// The live games' boards in memory, and the rate limits of their players.
    pub(crate) live: crate::pages::contests::live::LiveState,
}

impl std::ops::Deref for AppState {
    type Target = AppStateInner;

    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

impl AppState {
    /// Builds the state.
    pub fn new(ctx: hocvuso_app::Ctx, settings: WebSettings) -> AppState {
        AppState(Arc::new(AppStateInner {
            ctx,
            settings: Arc::new(settings),
            assets: Arc::new(Assets::new()),
            metrics: Arc::new(Metrics::default()),
            contest_limits: crate::api::contests::ContestLimits::default(),
            // contests: live mode
            live: crate::pages::contests::live::LiveState::default(),
        }))
    }

    /// The session cookie's name: `__Host-` prefixed when served over HTTPS.
    pub(crate) fn session_cookie(&self) -> &'static str {
        if self.settings.secure_cookies { "__Host-hv_session" } else { "hv_session" }
    }

    /// The pre-session CSRF cookie's name (for the sign-in form).
    pub(crate) fn login_csrf_cookie(&self) -> &'static str {
        if self.settings.secure_cookies { "__Host-hv_login" } else { "hv_login" }
    }
}
