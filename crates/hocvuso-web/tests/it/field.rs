//! Field work: the volunteer's pages, records posted from a form, and batches sent by a phone after working
//! offline — idempotent, resumable, with the documented conflict rule.

use axum::http::{Method, StatusCode};
use hocvuso_domain::accounts::ResidentScope;
use hocvuso_domain::ids::{CommuneId, HouseholdId, ResidentId, UserId};
use serde_json::{Value, json};

use crate::{Browser, TestApp, demo, extract_value};

const COMMUNE_A: CommuneId = CommuneId(16777);

/// The households listed on the volunteer's field page.
async fn field_households(app: &TestApp, browser: &Browser) -> Vec<i64> {
    let page = app.get("/field", Some(browser)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", app.label);
    page.body
        .match_indices("<a href=\"/field/households/")
        .map(|(idx, marker)| {
            let rest = &page.body[idx + marker.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

/// The living people of a household, as the store has them.
async fn members(app: &TestApp, household: i64) -> Vec<hocvuso_domain::register::Resident> {
    let mut tx = app.ctx.store.read().await.unwrap();
    let people = tx.residents_of_household(COMMUNE_A, HouseholdId(household)).await.unwrap();
    people.into_iter().filter(|r| r.erased_at.is_none()).collect()
}

async fn n_visits(app: &TestApp, household: i64) -> usize {
    let mut tx = app.ctx.store.read().await.unwrap();
    tx.list_visits(COMMUNE_A, HouseholdId(household)).await.unwrap().len()
}

async fn active_skills(app: &TestApp, resident: ResidentId) -> Vec<i64> {
    let mut tx = app.ctx.store.read().await.unwrap();
    let sign_offs = tx.list_sign_offs(COMMUNE_A, resident).await.unwrap();
    let mut skills: Vec<i64> = sign_offs.iter().filter(|s| s.revoked_at.is_none()).map(|s| s.skill_id.0).collect();
    skills.sort_unstable();
    skills
}

/// A skill of the commune's checklist the person does not have yet.
async fn missing_skill(app: &TestApp, resident: ResidentId) -> i64 {
    let have = active_skills(app, resident).await;
    let mut tx = app.ctx.store.read().await.unwrap();
    let skills = tx.list_skills(COMMUNE_A).await.unwrap();
    skills.iter().map(|s| s.id.0).find(|id| !have.contains(id)).expect("a skill not signed off yet")
}

async fn sync(app: &TestApp, browser: &Browser, records: &Value) -> (StatusCode, Value) {
    let body = json!({ "records": records }).to_string();
    let response = app.api(Method::POST, "/api/v1/field/sync", Some(browser), Some(&body)).await;
    let status = response.status;
    (status, response.json())
}

async fn user_id(app: &TestApp, browser: &Browser) -> UserId {
    UserId(app.api(Method::GET, "/api/v1/me", Some(browser), None).await.json()["user_id"].as_i64().unwrap())
}

fn id(n: u32) -> String {
    format!("0c1d2e3f-4a5b-4c6d-8e7f-{n:012}")
}

#[tokio::test]
async fn a_volunteer_sees_only_assigned_households_and_records_from_the_form_once() {
    for app in TestApp::all().await {
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let households = field_households(&app, &volunteer).await;
        assert!(!households.is_empty(), "{}: the demo volunteer has households", app.label);
        let volunteer_id = user_id(&app, &volunteer).await;
        let mut tx = app.ctx.store.read().await.unwrap();
        let assigned = tx.households_in_scope(ResidentScope::Assigned(COMMUNE_A, volunteer_id)).await.unwrap();
        let all = tx.households_in_scope(ResidentScope::Commune(COMMUNE_A)).await.unwrap();
        drop(tx);
        let mut expected: Vec<i64> = assigned.iter().map(|h| h.id.0).collect();
        let mut listed = households.clone();
        expected.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, expected, "{}: the field page lists exactly the assigned households", app.label);
        let other = all.iter().find(|h| !expected.contains(&h.id.0)).expect("an unassigned household").id.0;
        let refused = app.get(&format!("/field/households/{other}"), Some(&volunteer)).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", app.label);

        let household = households[0];
        let page = app.get(&format!("/field/households/{household}"), Some(&volunteer)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", app.label);
        let person = members(&app, household).await[0].id.0;
        let record_id = extract_value(&page.body, "name=\"id\" value=\"").expect("the form carries a record id");
        let before = n_visits(&app, household).await;
        let fields = [
            ("id", record_id.as_str()),
            ("kind", "visit"),
            ("household_id", &household.to_string()),
            ("resident_id", &person.to_string()),
            ("outcome", "helped"),
            ("practised", "Gọi video Zalo"),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, *v)).collect();
        let first = app.post_form("/field/records", Some(&volunteer), &fields).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}: {}", app.label, first.body);
        assert!(first.location().contains("r=applied"), "{}: {}", app.label, first.location());
        // A double tap, or a form resent after a lost answer: same id, no second visit.
        let again = app.post_form("/field/records", Some(&volunteer), &fields).await;
        assert!(again.location().contains("r=applied"), "{}", app.label);
        assert_eq!(n_visits(&app, household).await, before + 1, "{}: one visit for one record id", app.label);
        let shown = app.get(first.location(), Some(&volunteer)).await;
        assert!(shown.body.contains("Đã lưu."), "{}", app.label);

        // A bad outcome is explained on the household page and writes nothing.
        let bad: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| match *k {
                "id" => ("id", "0c1d2e3f-aaaa-4c6d-8e7f-000000000001"),
                "outcome" => ("outcome", "teleported"),
                _ => (*k, *v),
            })
            .collect();
        let refused = app.post_form("/field/records", Some(&volunteer), &bad).await;
        assert!(refused.location().contains("r=rejected&c=visit_outcome_invalid"), "{}", refused.location());
        assert_eq!(n_visits(&app, household).await, before + 1, "{}", app.label);
    }
}

#[tokio::test]
async fn a_batch_from_the_phone_applies_each_record_once_and_a_replay_changes_nothing() {
    for app in TestApp::all().await {
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let households = field_households(&app, &volunteer).await;
        let (h1, h2) = (households[0], households[1]);
        let p1 = members(&app, h1).await[0].id;
        let p2 = members(&app, h2).await[0].id;
        let skill = missing_skill(&app, p2).await;
        let two_days_ago = (hocvuso_test_support::test_now() - time::Duration::days(2)).unix_timestamp() * 1000;
        let next_year = (hocvuso_test_support::test_now() + time::Duration::days(365)).unix_timestamp() * 1000;
        let records = json!([
            {"id": id(1), "kind": "visit", "household_id": h1.to_string(), "resident_id": p1.0.to_string(),
             "outcome": "helped", "practised": "Cài VNeID", "recorded_at": two_days_ago, "by": "x"},
            {"id": id(2), "kind": "visit", "household_id": h1.to_string(), "resident_id": p1.0.to_string(),
             "outcome": "follow_up", "next_step": "Quét mã QR", "recorded_at": next_year},
            {"id": id(3), "kind": "sign_off", "household_id": h2.to_string(), "resident_id": p2.0.to_string(),
             "skill_id": skill.to_string(), "method": "observed", "note": "Tự làm được"},
            {"id": id(4), "kind": "person", "household_id": h2.to_string(), "full_name": "  Lo\u{300} Thi\u{323}  Mai ",
             "birth_year": "1950", "gender": "female", "phone": "091 234 5678", "has_smartphone": "no",
             "consent": "verbal", "skills": [skill.to_string()]},
            {"id": id(1), "kind": "visit", "household_id": h1.to_string(), "resident_id": p1.0.to_string(),
             "outcome": "helped"},
            {"id": "not an id", "kind": "visit"},
            {"id": id(5), "kind": "erase_everything"},
            {"id": id(6), "kind": "person", "household_id": h2.to_string(), "full_name": "Không Đồng Ý",
             "birth_year": "1960", "consent": ""},
            {"id": id(7), "kind": "visit", "household_id": h1.to_string(), "resident_id": p1.0.to_string(),
             "outcome": "helped", "practised": "x".repeat(301)}
        ]);
        let visits_before = (n_visits(&app, h1).await, n_visits(&app, h2).await);
        let people_before = members(&app, h2).await.len();
        let (status, body) = sync(&app, &volunteer, &records).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", app.label);
        let results = body["results"].as_array().unwrap();
        let statuses: Vec<(&str, &str, bool)> = results
            .iter()
            .map(|r| {
                (r["status"].as_str().unwrap(), r["code"].as_str().unwrap_or(""), r["replayed"].as_bool().unwrap())
            })
            .collect();
        assert_eq!(
            statuses,
            vec![
                ("applied", "", false),
                ("applied", "", false),
                ("applied", "", false),
                ("applied", "", false),
                ("applied", "", true),
                ("rejected", "field_record_id_invalid", false),
                ("rejected", "field_kind_invalid", false),
                ("rejected", "consent_required", false),
                ("rejected", "text_too_long", false),
            ],
            "{}",
            app.label
        );
        assert!(!results[7]["message"].as_str().unwrap_or("").is_empty(), "{}: a message in Vietnamese", app.label);
        assert_eq!(n_visits(&app, h1).await, visits_before.0 + 2, "{}", app.label);
        let people = members(&app, h2).await;
        assert_eq!(people.len(), people_before + 1, "{}: one person added", app.label);
        let added = ResidentId(results[3]["resident_id"].as_i64().unwrap());
        let mai = people.iter().find(|r| r.id == added).unwrap();
        assert_eq!(mai.full_name.as_ref().unwrap().as_str(), "Lò Thị Mai", "{}: NFC, no stray spaces", app.label);
        assert_eq!(mai.phone.as_ref().unwrap().as_str(), "0912345678", "{}", app.label);
        assert_eq!(mai.has_smartphone, Some(false), "{}", app.label);
        assert_eq!(active_skills(&app, added).await, vec![skill], "{}: the skill seen is signed off", app.label);
        assert!(active_skills(&app, p2).await.contains(&skill), "{}", app.label);
        let mut tx = app.ctx.store.read().await.unwrap();
        let consents = tx.list_consents(added).await.unwrap();
        assert_eq!(consents.len(), 1, "{}: the new person has their consent recorded", app.label);
        // The device's time is kept when plausible; a clock a year ahead gets the server's time.
        let visits = tx.list_visits(COMMUNE_A, HouseholdId(h1)).await.unwrap();
        drop(tx);
        let times: Vec<i64> = visits.iter().take(2).map(|v| v.visited_at.unix_timestamp() * 1000).collect();
        assert!(times.contains(&two_days_ago), "{}: {times:?}", app.label);
        assert!(
            times.contains(&(hocvuso_test_support::test_now().unix_timestamp() * 1000)),
            "{}: {times:?}",
            app.label
        );

        // The whole batch again (a sync cut before the answer arrived): every answer is the same, marked as a
        // replay, and nothing more is written.
        let (status, again) = sync(&app, &volunteer, &records).await;
        assert_eq!(status, StatusCode::OK, "{}", app.label);
        for (first, second) in results.iter().zip(again["results"].as_array().unwrap()) {
            assert_eq!(first["status"], second["status"], "{}", app.label);
            assert_eq!(first["code"], second["code"], "{}", app.label);
            assert_eq!(first["resident_id"], second["resident_id"], "{}", app.label);
            let parsed = hocvuso_domain::register::field::ClientRecordId::parse(first["id"].as_str().unwrap());
            let kind_known = !matches!(first["code"].as_str(), Some("field_kind_invalid"));
            if parsed.is_some() && kind_known {
                assert_eq!(second["replayed"], true, "{}: {second}", app.label);
            }
        }
        assert_eq!(n_visits(&app, h1).await, visits_before.0 + 2, "{}", app.label);
        assert_eq!(members(&app, h2).await.len(), people_before + 1, "{}", app.label);
        let volunteer_id = user_id(&app, &volunteer).await;
        let mut tx = app.ctx.store.read().await.unwrap();
        let counts = tx.count_field_records(volunteer_id).await.unwrap();
        drop(tx);
        let n: i64 = counts.iter().map(|(_, n)| n).sum();
        assert_eq!(n, 6, "{}: one receipt per readable record id: {counts:?}", app.label);
    }
}

#[tokio::test]
async fn conflicts_follow_the_rule_and_are_explained() {
    for app in TestApp::all().await {
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let households = field_households(&app, &volunteer).await;
        let household = households[0];
        let person = members(&app, household).await[0].clone();
        let skill = missing_skill(&app, person.id).await;
        // Two phones saw the same skill offline; the second to arrive is not signed off twice.
        let sign_off = |n: u32| {
            json!({"id": id(n), "kind": "sign_off", "household_id": household.to_string(),
                   "resident_id": person.id.0.to_string(), "skill_id": skill.to_string(), "method": "observed"})
        };
        let (_, first) = sync(&app, &volunteer, &json!([sign_off(10)])).await;
        assert_eq!(first["results"][0]["status"], "applied", "{}", app.label);
        let (_, second) = sync(&app, &volunteer, &json!([sign_off(11)])).await;
        assert_eq!(second["results"][0]["status"], "conflict", "{}", app.label);
        assert_eq!(second["results"][0]["code"], "skill_already_signed_off", "{}", app.label);
        assert!(second["results"][0]["message"].as_str().unwrap().contains("đã được xác nhận"), "{}", app.label);
        let n = active_skills(&app, person.id).await.iter().filter(|s| **s == skill).count();
        assert_eq!(n, 1, "{}", app.label);

        // The same person added twice (same name and birth year in the household) is added once; the skills seen
        // go to the person already there.
        let name = person.full_name.as_ref().unwrap().as_str().to_lowercase();
        let other_skill = missing_skill(&app, person.id).await;
        let twin = json!([{"id": id(12), "kind": "person", "household_id": household.to_string(), "full_name": name,
            "birth_year": person.birth_year.map(|y| y.to_string()).unwrap_or_default(), "consent": "verbal",
            "skills": [other_skill.to_string()]}]);
        let size = members(&app, household).await.len();
        let (_, answer) = sync(&app, &volunteer, &twin).await;
        assert_eq!(answer["results"][0]["code"], "person_already_registered", "{}: {answer}", app.label);
        assert_eq!(answer["results"][0]["resident_id"], person.id.0, "{}", app.label);
        assert_eq!(members(&app, household).await.len(), size, "{}", app.label);
        assert!(active_skills(&app, person.id).await.contains(&other_skill), "{}", app.label);
    }
}

#[tokio::test]
async fn records_outside_the_volunteers_field_are_refused_and_ids_are_not_shared() {
    for app in TestApp::all().await {
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let other_volunteer = app.sign_in(demo::VOLUNTEER_B).await;
        let staff = app.sign_in(demo::STAFF_A).await;
        let mine = field_households(&app, &volunteer).await;
        let mut tx = app.ctx.store.read().await.unwrap();
        let all = tx.households_in_scope(ResidentScope::Commune(COMMUNE_A)).await.unwrap();
        drop(tx);
        let not_mine = all.iter().find(|h| !mine.contains(&h.id.0)).unwrap().id.0;
        let stranger = members(&app, not_mine).await[0].id.0;
        let before = n_visits(&app, not_mine).await;
        let visit = |n: u32, household: i64, resident: i64| {
            json!({"id": id(n), "kind": "visit", "household_id": household.to_string(),
                   "resident_id": resident.to_string(), "outcome": "helped"})
        };
        let records = json!([
            visit(20, not_mine, stranger),
            {"id": id(21), "kind": "person", "household_id": not_mine.to_string(), "full_name": "Người Lạ",
             "consent": "verbal"}
        ]);
        let (_, answer) = sync(&app, &volunteer, &records).await;
        for result in answer["results"].as_array().unwrap() {
            assert_eq!(result["code"], "field_not_assigned", "{}: {result}", app.label);
        }
        // Another commune's volunteer cannot reach this commune's people either.
        let (_, answer) = sync(&app, &other_volunteer, &json!([visit(22, not_mine, stranger)])).await;
        assert_eq!(answer["results"][0]["code"], "field_not_assigned", "{}", app.label);
        assert_eq!(n_visits(&app, not_mine).await, before, "{}", app.label);

        // A record id used by one account answers nobody else (staff may record there, but not under that id).
        let (_, answer) = sync(&app, &staff, &json!([visit(20, not_mine, stranger)])).await;
        assert_eq!(answer["results"][0]["code"], "field_record_id_taken", "{}", app.label);
        assert_eq!(n_visits(&app, not_mine).await, before, "{}", app.label);

        // Too many records, malformed JSON, or no CSRF token: refused whole, with a code.
        let many: Vec<Value> = (0..101).map(|n| visit(100 + n, mine[0], stranger)).collect();
        let (status, body) = sync(&app, &volunteer, &Value::Array(many)).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_input")));
        assert!(body["error"]["fields"].to_string().contains("records"), "{}: {body}", app.label);
        let broken = app.api(Method::POST, "/api/v1/field/sync", Some(&volunteer), Some("{\"records\": [")).await;
        assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let no_token = Browser { csrf: "wrong".into(), ..volunteer.clone() };
        let (status, _) = sync(&app, &no_token, &json!([visit(30, mine[0], stranger)])).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", app.label);
        let resident = app.sign_in(demo::RESIDENT_A).await;
        let (status, _) = sync(&app, &resident, &json!([])).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}: residents have no field work", app.label);
    }
}

#[tokio::test]
async fn the_service_worker_and_manifest_are_served_for_the_field_scope() {
    for app in TestApp::all().await {
        let worker = app.get("/sw.js", None).await;
        assert_eq!(worker.status, StatusCode::OK);
        assert_eq!(worker.headers["cache-control"], "no-cache");
        assert!(worker.body.contains("/api/v1/field/sync"));
        let manifest = app.get("/field/manifest.webmanifest", None).await.json();
        assert_eq!(manifest["start_url"], "/field");
        assert_eq!(manifest["scope"], "/field");
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let page = app.get("/field", Some(&volunteer)).await;
        let urls = extract_value(&page.body, "data-urls=\"").unwrap();
        assert!(urls.contains("/field/households/") && urls.contains("/static/field."), "{}: {urls}", app.label);
    }
}
