//! What every page's frame needs: words, navigation for the user's role, the CSRF token, asset URLs.

use hocvuso_app::accounts::Session;
use hocvuso_domain::accounts::Role;

use crate::AppState;
use crate::i18n::{Lang, Texts};

/// One link of the main navigation.
#[derive(Clone, Debug)]
pub struct NavItem {
    /// Target.
    pub href: &'static str,
    /// Words.
    pub label: &'static str,
    /// Whether it is the page being shown.
    pub is_current: bool,
}

/// The frame of a page.
#[derive(Clone, Debug)]
pub struct PageContext {
    /// Words of the reader's language.
    pub t: &'static Texts,
    /// The reader's language.
    pub lang: Lang,
    /// Display name of the signed-in user.
    pub user_name: Option<String>,
    /// Their role's name.
    pub role_name: Option<&'static str>,
    /// Main navigation.
    pub nav: Vec<NavItem>,
    /// CSRF token for forms (empty when signed out).
    pub csrf: String,
    /// Stylesheet URL.
    pub css_url: String,
    /// Script URL.
    pub js_url: String,
    /// Icon URL.
    pub icon_url: String,
    /// Whether to show the demo banner.
    pub is_demo: bool,
    /// The current path, for the language switch to come back to.
    pub path: String,
}

impl PageContext {
    /// Builds the frame for `path` as seen by `session`.
    pub fn new(state: &AppState, lang: Lang, session: Option<&Session>, path: &str) -> PageContext {
        let t = lang.texts();
        let role = session.map(|s| s.user.role);
        let mut nav = vec![(("/"), t.home)];
        if let Some(role) = role {
            nav.push(("/dashboard", t.dashboard));
            if matches!(role, Role::CommuneAdmin | Role::CommuneStaff | Role::HamletLead | Role::Volunteer) {
                nav.push(("/residents", t.residents));
                nav.push(("/left-behind", t.left_behind));
            }
            if matches!(role, Role::HamletLead | Role::Volunteer) {
                nav.push(("/field", t.field_title));
            }
            if matches!(role, Role::CommuneAdmin | Role::CommuneStaff | Role::HamletLead) {
                nav.push(("/help-requests", t.help_requests));
                nav.push(("/hamlets", t.hamlets));
                nav.push(("/skills", t.checklist));
            }
            // teams and moves
            if matches!(role, Role::CommuneAdmin | Role::CommuneStaff | Role::HamletLead) {
                nav.push(("/teams", t.teams));
            }
            // contests: question bank and set-up (the same roles as `Actor::can_manage_contests`)
            if matches!(role, Role::CommuneAdmin | Role::CommuneStaff) {
                nav.push(("/contests/manage", t.nav_contests));
            }
            if matches!(role, Role::ProvinceStaff | Role::SuperAdmin) {
                nav.push(("/province", t.province_overview));
            }
            if matches!(role, Role::CommuneAdmin | Role::SuperAdmin) {
                nav.push(("/users", t.nav_users));
                nav.push(("/audit", t.nav_audit));
            }
            nav.push(("/guides", t.guides_title));
            nav.push(("/account", t.account));
        } else {
            nav.push(("/help", t.help));
            nav.push(("/units", t.units));
            nav.push(("/guides", t.guides_title));
        }
        // contests: taking part
        nav.push(("/contests", t.take_nav));
        // The current item is the one with the longest matching address (`/contests/manage/…` is under
        // "Quản lý cuộc thi", not also under "Cuộc thi").
        let matches = |href: &str| path == href || (href != "/" && path.starts_with(&format!("{href}/")));
        let current = nav.iter().map(|(href, _)| *href).filter(|href| matches(href)).max_by_key(|href| href.len());
        let nav =
            nav.into_iter().map(|(href, label)| NavItem { href, label, is_current: Some(href) == current }).collect();
        PageContext {
            t,
            lang,
            user_name: session.map(|s| s.user.display_name.clone()),
            role_name: role.map(|r| t.role(r)),
            nav,
            csrf: session.map(|s| s.csrf_token.clone()).unwrap_or_default(),
            css_url: state.assets.url("app.css"),
            js_url: state.assets.url("app.js"),
            icon_url: state.assets.url("icon.svg"),
            is_demo: state.settings.is_demo,
            path: path.to_owned(),
        }
    }

    /// The URL that switches the language and comes back here.
    pub fn lang_switch_url(&self) -> String {
        format!("/lang/{}?next={}", self.t.other_language_code, urlencoding::encode(&self.path))
    }
}
