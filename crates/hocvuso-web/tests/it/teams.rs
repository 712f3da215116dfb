//! Volunteer teams, bulk assignment, help requests routed to team leaders, and moving a person.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::{Browser, TestApp, demo};

/// The first hamlet's team of commune A (led by the demo hamlet lead, with the demo volunteer in it).
async fn first_team(app: &TestApp, staff: &Browser) -> Value {
    let teams = app.api(Method::GET, "/api/v1/teams", Some(staff), None).await.json();
    let teams = teams.as_array().unwrap();
    let with_members = teams.iter().find(|t| t["n_members"].as_i64() == Some(2)).unwrap().clone();
    let id = with_members["id"].as_i64().unwrap();
    app.api(Method::GET, &format!("/api/v1/teams/{id}"), Some(staff), None).await.json()
}

fn volunteer_id(team: &Value) -> i64 {
    team["members"].as_array().unwrap().iter().find(|m| m["role"] == "member").unwrap()["user_id"].as_i64().unwrap()
}

async fn visible_households(app: &TestApp, who: &Browser) -> Vec<i64> {
    let residents = app.api(Method::GET, "/api/v1/residents", Some(who), None).await.json();
    let mut ids: Vec<i64> = residents.as_array().unwrap().iter().map(|r| r["household_id"].as_i64().unwrap()).collect();
    ids.sort();
    ids.dedup();
    ids
}

#[tokio::test]
async fn staff_assign_households_in_bulk_and_the_volunteer_sees_exactly_those() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let list = app.get("/teams", Some(&staff)).await;
        assert_eq!(list.status, StatusCode::OK, "{}", app.label);
        assert!(list.body.contains("Tổ công nghệ số cộng đồng Thôn Đông"), "{}", app.label);
        let team = first_team(&app, &staff).await;
        let team_id = team["team"]["id"].as_i64().unwrap();
        let vol = volunteer_id(&team);
        let page = app.get(&format!("/teams/{team_id}"), Some(&staff)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Tổ trưởng") && page.body.contains("name=\"household_ids\""), "{}", app.label);

        let before = visible_households(&app, &volunteer).await;
        let households = team["households"].as_array().unwrap();
        let new: Vec<String> = households
            .iter()
            .filter(|h| h["volunteer_user_ids"].as_array().unwrap().is_empty())
            .take(2)
            .map(|h| h["household_id"].as_i64().unwrap().to_string())
            .collect();
        assert_eq!(new.len(), 2, "{}: the demo leaves households of the hamlet unassigned", app.label);
        let vol_text = vol.to_string();
        let path = format!("/teams/{team_id}/assignments");
        let fields = [
            ("volunteer", vol_text.as_str()),
            ("household_ids", new[0].as_str()),
            ("household_ids", new[1].as_str()),
            ("action", "assign"),
        ];
        let done = app.post_form(&path, Some(&staff), &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}: {}", app.label, done.body);
        let after = visible_households(&app, &volunteer).await;
        let mut expected = before.clone();
        expected.extend(new.iter().map(|id| id.parse::<i64>().unwrap()));
        expected.sort();
        assert_eq!(after, expected, "{}: the volunteer sees the new households", app.label);

        // Unassign through the API: the volunteer is back to where they were.
        let body =
            format!(r#"{{"volunteer_user_id":{vol},"household_ids":[{},{}],"action":"unassign"}}"#, new[0], new[1]);
        let api =
            app.api(Method::POST, &format!("/api/v1/teams/{team_id}/assignments"), Some(&staff), Some(&body)).await;
        assert_eq!(api.status, StatusCode::OK, "{}: {}", app.label, api.body);
        assert_eq!(api.json()["changed"], 2);
        assert_eq!(visible_households(&app, &volunteer).await, before, "{}", app.label);

        // Bad input: nothing ticked, a household of another hamlet, no CSRF token.
        let none = app.post_form(&path, Some(&staff), &[("volunteer", vol_text.as_str()), ("action", "assign")]).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(none.body.contains("Hãy đánh dấu ít nhất một hộ."), "{}", app.label);
        let elsewhere = app.api(Method::GET, "/api/v1/residents", Some(&staff), None).await.json();
        let hamlet = households[0]["hamlet_id"].as_i64().unwrap();
        let other = elsewhere.as_array().unwrap().iter().find(|r| r["hamlet_id"].as_i64() != Some(hamlet)).unwrap()
            ["household_id"]
            .as_i64()
            .unwrap();
        let body = format!(r#"{{"volunteer_user_id":{vol},"household_ids":[{other}]}}"#);
        let refused =
            app.api(Method::POST, &format!("/api/v1/teams/{team_id}/assignments"), Some(&staff), Some(&body)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"]["fields"][0]["code"], "household_not_in_team");
        let forged = app
            .post_form(
                &path,
                Some(&staff),
                &[("_csrf", "forged"), ("volunteer", vol_text.as_str()), ("household_ids", new[0].as_str())],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", app.label);
        assert_eq!(visible_households(&app, &volunteer).await, before, "{}: nothing half-written", app.label);
    }
}

#[tokio::test]
async fn memberships_keep_their_history_and_only_managers_reach_teams() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let lead = app.sign_in(demo::LEAD_A).await;
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let team = first_team(&app, &staff).await;
        let team_id = team["team"]["id"].as_i64().unwrap();
        let me = app.api(Method::GET, "/api/v1/me", Some(&staff), None).await.json();
        let staff_user = me["user_id"].as_i64().unwrap();
        let staff_id = staff_user.to_string();
        let path = format!("/teams/{team_id}/members");

        // A second leader is refused in Vietnamese; a deputy is fine.
        let second = app.post_form(&path, Some(&staff), &[("user_id", staff_id.as_str()), ("role", "leader")]).await;
        assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(second.body.contains("Tổ đã có tổ trưởng."), "{}", app.label);
        let deputy = app.post_form(&path, Some(&staff), &[("user_id", staff_id.as_str()), ("role", "deputy")]).await;
        assert_eq!(deputy.status, StatusCode::SEE_OTHER, "{}: {}", app.label, deputy.body);

        // The volunteer becomes deputy too: a volunteer who deputises handles the hamlet's help requests.
        assert_eq!(app.get("/help-requests", Some(&volunteer)).await.status, StatusCode::FORBIDDEN);
        let detail = app.api(Method::GET, &format!("/api/v1/teams/{team_id}"), Some(&staff), None).await.json();
        let membership = detail["members"].as_array().unwrap().iter().find(|m| m["role"] == "member").unwrap()["id"]
            .as_i64()
            .unwrap();
        let changed = app.post_form(&format!("{path}/{membership}/role"), Some(&staff), &[("role", "deputy")]).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", app.label);
        let requests = app.get("/help-requests", Some(&volunteer)).await;
        assert_eq!(requests.status, StatusCode::OK, "{}", app.label);
        assert!(!requests.body.contains("action=\"/help-requests\""), "{}: volunteers do not take calls", app.label);

        // Ending the staff member's membership keeps it in the history.
        let detail = app.api(Method::GET, &format!("/api/v1/teams/{team_id}"), Some(&staff), None).await.json();
        let members = detail["members"].as_array().unwrap();
        let staff_membership =
            members.iter().find(|m| m["user_id"].as_i64() == Some(staff_user) && m["left_at"].is_null()).unwrap()["id"]
                .as_i64()
                .unwrap();
        let ended = app.post_form(&format!("{path}/{staff_membership}/end"), Some(&staff), &[]).await;
        assert_eq!(ended.status, StatusCode::SEE_OTHER);
        let detail = app.api(Method::GET, &format!("/api/v1/teams/{team_id}"), Some(&staff), None).await.json();
        let members = detail["members"].as_array().unwrap();
        assert_eq!(members.len(), 4, "{}: leader, deputy, past member, past deputy", app.label);
        assert_eq!(members.iter().filter(|m| m["left_at"].is_null()).count(), 2, "{}", app.label);
        let page = app.get(&format!("/teams/{team_id}"), Some(&staff)).await;
        assert!(page.body.contains("Thành viên trước đây"), "{}", app.label);

        // A hamlet lead manages their hamlet's team only; volunteers and residents manage none.
        let lead_teams = app.api(Method::GET, "/api/v1/teams", Some(&lead), None).await.json();
        assert_eq!(lead_teams.as_array().unwrap().len(), 1, "{}", app.label);
        assert_eq!(app.get(&format!("/teams/{team_id}"), Some(&lead)).await.status, StatusCode::OK);
        let all = app.api(Method::GET, "/api/v1/teams", Some(&staff), None).await.json();
        let other_team =
            all.as_array().unwrap().iter().find(|t| t["id"].as_i64() != Some(team_id)).unwrap()["id"].as_i64().unwrap();
        assert_eq!(app.get(&format!("/teams/{other_team}"), Some(&lead)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/teams", Some(&volunteer)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&format!("/teams/{team_id}"), Some(&volunteer)).await.status, StatusCode::NOT_FOUND);
        let resident = app.sign_in(demo::RESIDENT_A).await;
        assert_eq!(app.get(&format!("/teams/{team_id}"), Some(&resident)).await.status, StatusCode::NOT_FOUND);
        // A hamlet that already has a team cannot get a second one.
        let hamlet = team["team"]["hamlet_id"].as_i64().unwrap().to_string();
        let again = app.post_form("/teams", Some(&staff), &[("hamlet_id", hamlet.as_str())]).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", app.label);
        let commune_team = app.post_form("/teams", Some(&staff), &[("hamlet_id", "commune")]).await;
        assert_eq!(commune_team.status, StatusCode::SEE_OTHER, "{}", app.label);
        let missing = app.api(Method::POST, "/api/v1/teams", Some(&staff), Some("{}")).await;
        assert_eq!(missing.json()["error"]["fields"][0]["code"], "team_hamlet_required");
    }
}

#[tokio::test]
async fn a_moved_person_keeps_their_history_and_leaves_the_old_volunteers_view() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let lead = app.sign_in(demo::LEAD_A).await;
        let mine = app.api(Method::GET, "/api/v1/residents", Some(&volunteer), None).await.json();
        let person = &mine.as_array().unwrap()[0];
        let (id, hamlet) = (person["id"].as_i64().unwrap(), person["hamlet_id"].as_i64().unwrap());
        let all = app.api(Method::GET, "/api/v1/residents", Some(&staff), None).await.json();
        let target = all.as_array().unwrap().iter().find(|r| r["hamlet_id"].as_i64() != Some(hamlet)).unwrap();
        let to = target["household_id"].as_i64().unwrap().to_string();
        let path = format!("/residents/{id}/move");

        // Bad input: no destination; a lead cannot move people out of their hamlet.
        let empty = app.post_form(&path, Some(&staff), &[("reason", "x")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(empty.body.contains("Hãy chọn một hộ để chuyển đến"), "{}", app.label);
        let lead_move = app.post_form(&path, Some(&lead), &[("household_number", to.as_str())]).await;
        assert_eq!(lead_move.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let volunteer_move = app.post_form(&path, Some(&volunteer), &[("household_number", to.as_str())]).await;
        assert_eq!(volunteer_move.status, StatusCode::FORBIDDEN, "{}", app.label);
        let same = format!(r#"{{"to_household_id":{}}}"#, person["household_id"]);
        let same = app.api(Method::POST, &format!("/api/v1/residents/{id}/move"), Some(&staff), Some(&same)).await;
        assert_eq!(same.json()["error"]["fields"][0]["code"], "move_same_household");

        let moved =
            app.post_form(&path, Some(&staff), &[("household_number", to.as_str()), ("reason", "Về ở với con")]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}: {}", app.label, moved.body);
        assert_eq!(app.get(&format!("/residents/{id}"), Some(&volunteer)).await.status, StatusCode::NOT_FOUND);
        let page = app.get(&format!("/residents/{id}"), Some(&staff)).await;
        assert!(page.body.contains("Về ở với con"), "{}: the move history", app.label);
        let skills = app.api(Method::GET, &format!("/api/v1/residents/{id}/skills"), Some(&staff), None).await;
        assert_eq!(skills.status, StatusCode::OK);

        // Through the API into a new household of the first hamlet; the audit log has both moves.
        let body = format!(r#"{{"new_hamlet_id":{hamlet},"new_address":"Số nhà 99","reason":"Ra ở riêng"}}"#);
        let api = app.api(Method::POST, &format!("/api/v1/residents/{id}/move"), Some(&staff), Some(&body)).await;
        assert_eq!(api.status, StatusCode::OK, "{}: {}", app.label, api.body);
        let shown = app.api(Method::GET, &format!("/api/v1/residents/{id}"), Some(&lead), None).await.json();
        assert_eq!(shown["household_id"], api.json()["household_id"], "{}: the lead sees them again", app.label);
        let mut tx = app.ctx.store.read().await.unwrap();
        let moves = tx
            .resident_moves(hocvuso_domain::ids::CommuneId(16777), hocvuso_domain::ids::ResidentId(id))
            .await
            .unwrap();
        assert_eq!(moves.len(), 2, "{}", app.label);
        assert_eq!(tx.list_consents(hocvuso_domain::ids::ResidentId(id)).await.unwrap().len(), 1);
    }
}
