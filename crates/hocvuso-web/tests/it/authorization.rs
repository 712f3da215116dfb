//! The authorization matrix: every role of each demo commune, and the province and deployment roles,
//! try every route of the OpenAPI document and every HTML route against the other commune's data.
//! Nothing of the other commune may come back, and nothing may change.

use axum::http::{Method, StatusCode};
use hocvuso_domain::accounts::ResidentScope;
use hocvuso_domain::ids::CommuneId;

use crate::{Browser, TestApp, demo};

struct Target {
    commune_code: &'static str,
    resident_id: i64,
    household_id: i64,
    resident_name: String,
    consent_id: i64,
    user_id: i64,
    hamlet_id: i64,
    hamlet_name: String,
    skill_id: i64,
    sign_off_id: i64,
    n_sign_offs: usize,
    n_visits: usize,
    import_job_id: i64,
    // teams and moves
    team_id: i64,
    n_team_members: usize,
    membership_id: i64,
}

async fn target_in(app: &TestApp, commune: i64) -> Target {
    let mut tx = app.ctx.store.read().await.unwrap();
    let residents = tx.list_residents(ResidentScope::Commune(CommuneId(commune)), None, None, 5).await.unwrap();
    let resident = residents.first().unwrap();
    let consent = tx.list_consents(resident.id).await.unwrap().into_iter().next().unwrap();
    let user = tx
        .list_users(Some(CommuneId(commune)))
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.role.as_str() == "volunteer")
        .unwrap();
    let hamlet = tx.list_hamlets(CommuneId(commune)).await.unwrap().into_iter().next().unwrap();
    let skill = tx.list_skills(CommuneId(commune)).await.unwrap().into_iter().next().unwrap();
    let sign_offs = tx.list_sign_offs_in_scope(ResidentScope::Commune(CommuneId(commune))).await.unwrap();
    let sign_off = sign_offs.iter().find(|s| s.revoked_at.is_none()).unwrap();
    let n_visits = tx.list_visits(CommuneId(commune), resident.household_id).await.unwrap().len();
    let team = tx.list_teams(CommuneId(commune)).await.unwrap().into_iter().next().unwrap().0;
    let members = tx.team_members(CommuneId(commune), team.id).await.unwrap();
    let n_team_members = members.len();
    drop(tx);
    // import jobs: a job of the commune's administrator, checked and ready to commit.
    let import_job_id = {
        let admin = if commune == 16777 { demo::ADMIN_A } else { demo::ADMIN_B };
        let mut tx = app.ctx.store.read().await.unwrap();
        let owner =
            tx.list_users(Some(CommuneId(commune))).await.unwrap().into_iter().find(|u| u.phone.as_str() == admin);
        let owner = owner.unwrap();
        drop(tx);
        let actor = hocvuso_domain::accounts::Actor {
            user_id: owner.id,
            role: owner.role,
            province_code: None,
            commune_id: Some(CommuneId(commune)),
            hamlet_id: None,
        };
        let csv = format!("Họ và tên;Thôn;Địa chỉ\nNgười Thử;{};Số 1\n", hamlet.name);
        let job = hocvuso_app::register::import::create_job(&app.ctx, &actor, "a.csv", csv.into_bytes()).await.unwrap();
        hocvuso_app::register::import::check(&app.ctx, &actor, job.id).await.unwrap();
        job.id.0
    };
    Target {
        membership_id: members.first().unwrap().id,
        team_id: team.id.0,
        n_team_members,
        commune_code: if commune == 16777 { "16777" } else { "16804" },
        resident_id: resident.id.0,
        household_id: resident.household_id.0,
        resident_name: resident.full_name.as_ref().unwrap().as_str().to_owned(),
        consent_id: consent.id.0,
        user_id: user.id.0,
        hamlet_id: hamlet.id.0,
        hamlet_name: hamlet.name,
        skill_id: skill.id.0,
        sign_off_id: sign_off.id.0,
        n_sign_offs: sign_offs.len(),
        n_visits,
        import_job_id,
    }
}

/// Fills a route template with the target's ids.
fn fill(template: &str, target: &Target) -> String {
    template
        .replace("{resident_id}", &target.resident_id.to_string())
        .replace("{household_id}", &target.household_id.to_string())
        .replace("{consent_id}", &target.consent_id.to_string())
        .replace("{user_id}", &target.user_id.to_string())
        .replace("{hamlet_id}", &target.hamlet_id.to_string())
        .replace("{skill_id}", &target.skill_id.to_string())
        .replace("{sign_off_id}", &target.sign_off_id.to_string())
        .replace("{commune_code}", target.commune_code)
        .replace("{province_code}", "40")
        .replace("{import_job_id}", &target.import_job_id.to_string())
        .replace("{team_id}", &target.team_id.to_string())
        .replace("{membership_id}", &target.membership_id.to_string())
}

/// Every HTML route that touches commune data, with its method.
const HTML_ROUTES: &[(&str, &str)] = &[
    ("GET", "/dashboard"),
    ("GET", "/residents"),
    ("GET", "/residents?q={resident_name}"),
    ("GET", "/residents/{resident_id}"),
    ("GET", "/residents/{resident_id}/export"),
    ("POST", "/residents/{resident_id}/sign-offs"),
    ("POST", "/residents/{resident_id}/sign-offs/{sign_off_id}/revoke"),
    ("POST", "/residents/{resident_id}/vneid"),
    ("POST", "/residents/{resident_id}/visits"),
    ("POST", "/residents/{resident_id}/profile"),
    ("GET", "/left-behind"),
    ("GET", "/left-behind?hamlet={hamlet_id}"),
    ("GET", "/left-behind?volunteer={user_id}"),
    ("GET", "/left-behind/export.xlsx?hamlet={hamlet_id}"),
    ("GET", "/left-behind/visit-sheet.pdf"),
    ("GET", "/left-behind/visit-sheet.pdf?hamlet={hamlet_id}"),
    ("GET", "/left-behind/visit-sheet.pdf?volunteer={user_id}"),
    ("GET", "/help-requests"),
    ("GET", "/skills"),
    ("POST", "/skills/{skill_id}"),
    ("POST", "/residents/{resident_id}/erase"),
    ("POST", "/residents/{resident_id}/consents"),
    ("POST", "/residents/{resident_id}/consents/{consent_id}/withdraw"),
    ("GET", "/hamlets"),
    ("GET", "/users"),
    ("POST", "/users/{user_id}/disable"),
    ("GET", "/audit"),
    ("GET", "/province"),
    ("GET", "/account"),
    ("GET", "/field"),
    ("GET", "/field/households/{household_id}"),
    ("POST", "/field/records"),
    // guides
    ("POST", "/residents/{resident_id}/guides-taught"),
    // import jobs
    ("GET", "/residents/import/{import_job_id}"),
    ("POST", "/residents/import/{import_job_id}/mapping"),
    ("POST", "/residents/import/{import_job_id}/check"),
    ("POST", "/residents/import/{import_job_id}/commit"),
    // teams and moves
    ("GET", "/teams"),
    ("GET", "/teams/{team_id}"),
    ("POST", "/teams/{team_id}/members"),
    ("POST", "/teams/{team_id}/assignments"),
    ("POST", "/teams/{team_id}/members/{membership_id}/role"),
    ("POST", "/teams/{team_id}/members/{membership_id}/end"),
    ("POST", "/residents/{resident_id}/move"),
];

async fn assert_target_untouched(app: &TestApp, target: &Target, who: &str) {
    let mut tx = app.ctx.store.read().await.unwrap();
    let commune = CommuneId(target.commune_code.parse().unwrap());
    let resident = tx
        .resident_by_id(ResidentScope::Commune(commune), hocvuso_domain::ids::ResidentId(target.resident_id))
        .await
        .unwrap()
        .unwrap();
    assert!(resident.erased_at.is_none(), "{}: {who} erased another commune's resident", app.label);
    let consents = tx.list_consents(resident.id).await.unwrap();
    assert!(consents.iter().all(|c| c.is_active()) && consents.len() == 1, "{}: {who} changed consents", app.label);
    let user = tx.user_by_id(hocvuso_domain::ids::UserId(target.user_id)).await.unwrap().unwrap();
    assert!(user.disabled_at.is_none(), "{}: {who} disabled another commune's account", app.label);
    let sign_offs = tx.list_sign_offs_in_scope(ResidentScope::Commune(commune)).await.unwrap();
    assert_eq!(sign_offs.len(), target.n_sign_offs, "{}: {who} added sign-offs in another commune", app.label);
    assert!(
        sign_offs.iter().all(|s| s.revoked_at.is_none() || s.id.0 != target.sign_off_id),
        "{}: {who} revoked",
        app.label
    );
    let n_visits = tx.list_visits(commune, resident.household_id).await.unwrap().len();
    assert_eq!(n_visits, target.n_visits, "{}: {who} recorded a visit in another commune", app.label);
    let taught = tx.list_guides_taught(resident.id).await.unwrap();
    assert!(taught.is_empty(), "{}: {who} recorded a guide taught in another commune", app.label);
    let job = tx.import_job_by_id(commune, hocvuso_domain::ids::ImportJobId(target.import_job_id)).await.unwrap();
    assert_eq!(
        job.map(|j| j.state),
        Some(hocvuso_domain::register::import::ImportState::Checked),
        "{}: {who} changed another commune's import",
        app.label
    );
    let skills = tx.list_skills(commune).await.unwrap();
    assert!(!skills[0].is_retired, "{}: {who} changed another commune's checklist", app.label);
    let members = tx.team_members(commune, hocvuso_domain::ids::TeamId(target.team_id)).await.unwrap();
    assert_eq!(members.len(), target.n_team_members, "{}: {who} changed another commune's team", app.label);
    assert!(members.iter().all(|m| m.is_active()), "{}: {who} ended a membership in another commune", app.label);
    assert_eq!(resident.household_id.0, target.household_id, "{}: {who} moved another commune's resident", app.label);
}

/// Whether a response shows the target's resident (by link or JSON id) or hamlet. Names alone are not
/// evidence: the generated demo names repeat across communes, and a search box echoes its query.
fn leaks(body: &str, target: &Target) -> bool {
    let id = target.resident_id;
    body.contains(&format!("href=\"/residents/{id}\""))
        || body.contains(&format!("href=\"/field/households/{}\"", target.household_id))
        || body.contains(&format!("\"id\":{id},"))
        || body.contains(&format!("<td>{}</td>", target.hamlet_name))
        || body.contains(&format!("\"name\":\"{}\"", target.hamlet_name))
}

/// `sees_aggregates`: province staff and the super admin may read a commune's figures (never its rows).
async fn check(
    app: &TestApp,
    who: &str,
    browser: &Browser,
    target: &Target,
    api_paths: &[(String, String)],
    sees_aggregates: bool,
) {
    for (method, template) in HTML_ROUTES {
        // The super admin manages every account by design; its reach over residents is what is checked here.
        if who == demo::SUPER_ADMIN && template.starts_with("/users/") {
            continue;
        }
        let path = fill(template, target).replace("{resident_name}", &urlencode(&target.resident_name));
        let response = if *method == "GET" {
            app.get(&path, Some(browser)).await
        } else if path == "/field/records" {
            // A well-formed visit to the target, as a phone would send it.
            let (resident, household) = (target.resident_id.to_string(), target.household_id.to_string());
            let id = format!("5f0c8a4e-0000-4000-8000-{who:0>12}");
            let fields = [
                ("id", id.as_str()),
                ("kind", "visit"),
                ("resident_id", resident.as_str()),
                ("household_id", household.as_str()),
                ("outcome", "helped"),
            ];
            app.post_form(&path, Some(browser), &fields).await
        } else if path.ends_with("/guides-taught") {
            app.post_form(&path, Some(browser), &[("guide", "quet-ma-qr")]).await
        } else {
            app.post_form(&path, Some(browser), &[("confirm", "yes"), ("purpose", "contact"), ("method", "verbal")])
                .await
        };
        assert!(
            !(response.status.is_success() && leaks(&response.body, target)),
            "{}: {who} {method} {path} shows the other commune's data",
            app.label
        );
        // A file cannot be searched for the other commune's rows: a filter naming its hamlet or volunteer must
        // look missing, and so must anything that changes data.
        if *method == "POST" || template.contains("={hamlet_id}") || template.contains("={user_id}") {
            assert!(
                matches!(response.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "{}: {who} {method} {path} answered {}",
                app.label,
                response.status
            );
        }
    }
    for (method, template) in api_paths {
        let path = fill(template, target);
        let method: Method = method.to_uppercase().parse().unwrap();
        let body = (method == Method::POST).then_some(r#"{"name":"Thôn Xâm Nhập","kind":"thon"}"#);
        let response = app.api(method.clone(), &path, Some(browser), body).await;
        let is_reference_data = path.starts_with("/api/v1/provinces");
        if is_reference_data {
            continue;
        }
        assert!(
            !(response.status.is_success() && leaks(&response.body, target)),
            "{}: {who} {method} {path} shows the other commune's data",
            app.label
        );
        let is_aggregate = template.ends_with("/figures");
        if template.contains("{resident_id}")
            || template.contains("{import_job_id}")
            || template.contains("{team_id}")
            || (template.contains("{commune_code}") && !(is_aggregate && sees_aggregates))
        {
            assert!(
                matches!(response.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "{}: {who} {method} {path} answered {}",
                app.label,
                response.status
            );
            assert!(response.json()["error"]["code"].is_string());
        }
    }
    assert_target_untouched(app, target, who).await;
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("q", text)]).unwrap().trim_start_matches("q=").to_owned()
}

#[tokio::test]
async fn no_role_reaches_the_other_communes_data_by_any_route() {
    for app in TestApp::all().await {
        let doc = app.get("/api/openapi.json", None).await.json();
        let mut api_paths = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                api_paths.push((method.clone(), path.clone()));
            }
        }
        assert!(api_paths.len() >= 9, "{}: the OpenAPI document lists the API", app.label);
        let target_a = target_in(&app, 16777).await;
        let target_b = target_in(&app, 16804).await;
        for phone in [demo::ADMIN_A, demo::STAFF_A, demo::LEAD_A, demo::VOLUNTEER_A, demo::RESIDENT_A] {
            let browser = app.sign_in(phone).await;
            check(&app, phone, &browser, &target_b, &api_paths, false).await;
        }
        for phone in [demo::ADMIN_B, demo::STAFF_B, demo::LEAD_B, demo::VOLUNTEER_B, demo::RESIDENT_B] {
            let browser = app.sign_in(phone).await;
            check(&app, phone, &browser, &target_a, &api_paths, false).await;
        }
        // Province staff and the super admin see aggregates only: no resident row of either commune.
        for phone in [demo::PROVINCE_STAFF, demo::SUPER_ADMIN] {
            let browser = app.sign_in(phone).await;
            check(&app, phone, &browser, &target_a, &api_paths, true).await;
            check(&app, phone, &browser, &target_b, &api_paths, true).await;
        }
    }
}

#[tokio::test]
async fn a_volunteer_sees_only_assigned_households_and_a_lead_only_their_hamlet() {
    for app in TestApp::all().await {
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let staff = app.sign_in(demo::STAFF_A).await;
        let lead = app.sign_in(demo::LEAD_A).await;
        let all = app.api(Method::GET, "/api/v1/residents", Some(&staff), None).await.json();
        let mine = app.api(Method::GET, "/api/v1/residents", Some(&volunteer), None).await.json();
        let hamlet = app.api(Method::GET, "/api/v1/residents", Some(&lead), None).await.json();
        let (all, mine, hamlet) = (all.as_array().unwrap(), mine.as_array().unwrap(), hamlet.as_array().unwrap());
        assert!(!mine.is_empty() && mine.len() < hamlet.len() && hamlet.len() < all.len(), "{}", app.label);
        let household_ids: std::collections::HashSet<_> =
            mine.iter().map(|r| r["household_id"].as_i64().unwrap()).collect();
        assert!(household_ids.len() <= 8, "{}: the demo assigns eight households", app.label);
        let not_mine = all.iter().find(|r| !household_ids.contains(&r["household_id"].as_i64().unwrap())).unwrap();
        let id = not_mine["id"].as_i64().unwrap();
        assert_eq!(
            app.get(&format!("/residents/{id}"), Some(&volunteer)).await.status,
            StatusCode::NOT_FOUND,
            "{}",
            app.label
        );
        assert_eq!(
            app.api(Method::GET, &format!("/api/v1/residents/{id}/export"), Some(&volunteer), None).await.status,
            StatusCode::NOT_FOUND
        );
        let lead_hamlet = hamlet[0]["hamlet_id"].as_i64().unwrap();
        assert!(hamlet.iter().all(|r| r["hamlet_id"].as_i64() == Some(lead_hamlet)), "{}", app.label);
        let elsewhere =
            all.iter().find(|r| r["hamlet_id"].as_i64() != Some(lead_hamlet)).unwrap()["id"].as_i64().unwrap();
        assert_eq!(app.get(&format!("/residents/{elsewhere}"), Some(&lead)).await.status, StatusCode::NOT_FOUND);
        let province = app.sign_in(demo::PROVINCE_STAFF).await;
        let figures = app.api(Method::GET, "/api/v1/communes/16777/figures", Some(&province), None).await;
        assert_eq!(figures.status, StatusCode::OK, "{}: province staff see aggregates", app.label);
        assert_eq!(
            app.api(Method::GET, "/api/v1/residents", Some(&province), None).await.status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in() {
    for app in TestApp::all().await {
        for (method, template) in HTML_ROUTES {
            if *method != "GET" || template.contains('?') {
                continue;
            }
            let path = template.replace("{resident_id}", "1").replace("{team_id}", "1");
            let response = app.get(&path, None).await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{}: {path}", app.label);
            assert!(response.location().starts_with("/login?next="), "{}: {path}", app.label);
        }
        let api = app.api(Method::GET, "/api/v1/residents", None, None).await;
        assert_eq!(api.status, StatusCode::UNAUTHORIZED, "{}", app.label);
    }
}
