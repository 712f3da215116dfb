use axum::http::{Method, StatusCode};
use hocvuso_domain::ids::ResidentId;

use crate::{Browser, TestApp, demo};

/// A resident the volunteer may see who is not reached yet (the first of their "left behind" list).
async fn left_behind_of(app: &TestApp, browser: &Browser) -> Vec<i64> {
    let page = app.get("/left-behind", Some(browser)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", app.label);
    page.body
        .match_indices("href=\"/residents/")
        .map(|(idx, marker)| {
            let rest = &page.body[idx + marker.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

async fn core_skill_ids(app: &TestApp, commune: i64) -> Vec<i64> {
    let mut tx = app.ctx.store.read().await.unwrap();
    let skills = tx.list_skills(hocvuso_domain::ids::CommuneId(commune)).await.unwrap();
    skills.iter().filter(|s| s.is_core && !s.is_retired).map(|s| s.id.0).collect()
}

#[tokio::test]
async fn a_volunteer_signs_off_skills_and_the_person_leaves_the_left_behind_list() {
    for app in TestApp::all().await {
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let waiting = left_behind_of(&app, &volunteer).await;
        let id = *waiting.first().unwrap_or_else(|| panic!("{}: the demo leaves someone behind", app.label));
        let bad = app
            .post_form(&format!("/residents/{id}/sign-offs"), Some(&volunteer), &[("skill_id", "1"), ("method", "")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let mut tx = app.ctx.store.read().await.unwrap();
        let already: Vec<i64> = tx
            .list_sign_offs(hocvuso_domain::ids::CommuneId(16777), ResidentId(id))
            .await
            .unwrap()
            .iter()
            .filter(|s| s.revoked_at.is_none())
            .map(|s| s.skill_id.0)
            .collect();
        drop(tx);
        for skill in core_skill_ids(&app, 16777).await.into_iter().filter(|s| !already.contains(s)) {
            let done = app
                .post_form(
                    &format!("/residents/{id}/sign-offs"),
                    Some(&volunteer),
                    &[("skill_id", &skill.to_string()), ("method", "observed"), ("note", "Tự làm được")],
                )
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{}: {}", app.label, done.body);
        }
        let page = app.get(&format!("/residents/{id}"), Some(&volunteer)).await;
        assert!(page.body.contains("Đã phổ cập kỹ năng số cơ bản"), "{}", app.label);
        assert!(!left_behind_of(&app, &volunteer).await.contains(&id), "{}", app.label);

        let mut tx = app.ctx.store.read().await.unwrap();
        let sign_off = tx.list_sign_offs(hocvuso_domain::ids::CommuneId(16777), ResidentId(id)).await.unwrap()[0].id.0;
        drop(tx);
        let no_reason =
            app.post_form(&format!("/residents/{id}/sign-offs/{sign_off}/revoke"), Some(&volunteer), &[]).await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: a reason is required", app.label);
        let revoked = app
            .post_form(
                &format!("/residents/{id}/sign-offs/{sign_off}/revoke"),
                Some(&volunteer),
                &[("reason", "Ghi nhầm")],
            )
            .await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", app.label);
        let page = app.get(&format!("/residents/{id}"), Some(&volunteer)).await;
        assert!(page.body.contains("Ghi nhầm") && page.body.contains("Chưa phổ cập"), "{}", app.label);
        assert!(left_behind_of(&app, &volunteer).await.contains(&id), "{}", app.label);
    }
}

#[tokio::test]
async fn visits_are_recorded_and_become_the_last_contact() {
    for app in TestApp::all().await {
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let id = left_behind_of(&app, &volunteer).await[0];
        let recorded = app
            .post_form(
                &format!("/residents/{id}/visits"),
                Some(&volunteer),
                &[("outcome", "follow_up"), ("practised", "Quét mã QR"), ("next_step", "Cài VNeID")],
            )
            .await;
        assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", app.label);
        let page = app.get(&format!("/residents/{id}"), Some(&volunteer)).await;
        assert!(page.body.contains("Cần đến lại") && page.body.contains("Cài VNeID"), "{}", app.label);
        let list = app.get("/left-behind", Some(&volunteer)).await;
        assert!(list.body.contains("28/11/2026"), "{}: today's visit is the last contact", app.label);
        let profile = app
            .post_form(
                &format!("/residents/{id}/profile"),
                Some(&volunteer),
                &[("groups", "disability"), ("groups", "farmer"), ("has_smartphone", "no")],
            )
            .await;
        assert_eq!(profile.status, StatusCode::SEE_OTHER, "{}", app.label);
        let page = app.get(&format!("/residents/{id}"), Some(&volunteer)).await;
        assert!(page.body.contains("value=\"disability\" checked"), "{}", app.label);
    }
}

#[tokio::test]
async fn a_new_core_skill_changes_who_is_reached() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let before = left_behind_of(&app, &staff).await.len();
        let added = app
            .post_form("/skills", Some(&staff), &[("name", "Đặt lịch khám bệnh trực tuyến"), ("is_core", "yes")])
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", app.label);
        let after = left_behind_of(&app, &staff).await.len();
        assert!(
            after > before,
            "{}: people reached before now miss the new core skill ({before} → {after})",
            app.label
        );
        let again = app.post_form("/skills", Some(&staff), &[("name", "dat lich kham benh truc tuyen")]).await;
        assert!(again.body.contains("Danh mục đã có kỹ năng này."), "{}", app.label);
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let refused = app.post_form("/skills", Some(&volunteer), &[("name", "Kỹ năng lạ")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", app.label);
        let api = app.api(Method::GET, "/api/v1/left-behind", Some(&staff), None).await;
        assert_eq!(api.status, StatusCode::OK, "{}", app.label);
        assert_eq!(
            api.json().as_array().unwrap().len(),
            after,
            "{}: the same numbers on screen and in the API",
            app.label
        );
    }
}

#[tokio::test]
async fn a_hamlet_lead_adds_a_household_with_consent_and_messy_input_is_explained() {
    for app in TestApp::all().await {
        let lead = app.sign_in(demo::LEAD_A).await;
        let form = app.get("/residents/new", Some(&lead)).await;
        assert_eq!(form.status, StatusCode::OK, "{}", app.label);
        let hamlet_id = form.body.split("<option value=\"").nth(2).unwrap().split('"').next().unwrap().to_owned();
        assert!(!hamlet_id.is_empty(), "{}: the lead's hamlet is offered", app.label);
        let name_nfd = "Tra\u{302}\u{300}n Thi\u{323} Hoa"; // "Trần Thị Hoa" typed with combining marks
        let messy = app
            .post_form(
                "/residents",
                Some(&lead),
                &[
                    ("hamlet_id", &hamlet_id),
                    ("address", "Số 5"),
                    ("full_name", name_nfd),
                    ("birth_year", "19a0"),
                    ("phone", "0612"),
                ],
            )
            .await;
        assert_eq!(messy.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        for message in ["Năm sinh phải là năm có 4 chữ số", "Cần có sự đồng ý", "Đầu số điện thoại không đúng"]
        {
            assert!(messy.body.contains(message), "{}: {message}", app.label);
        }
        let made = app
            .post_form(
                "/residents",
                Some(&lead),
                &[
                    ("hamlet_id", &hamlet_id),
                    ("address", " Số 5,  đường Bến Đò "),
                    ("full_name", name_nfd),
                    ("birth_year", "1958"),
                    ("gender", "female"),
                    ("phone", "+84 912.345.678"),
                    ("consent", "verbal"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}: {}", app.label, made.body);
        let id: i64 = made.location().trim_start_matches("/residents/").split('?').next().unwrap().parse().unwrap();
        let view = app.api(Method::GET, &format!("/api/v1/residents/{id}"), Some(&lead), None).await.json();
        assert_eq!(view["full_name"], "Trần Thị Hoa", "{}: stored in NFC", app.label);
        assert_eq!(view["phone_masked"], "091****678");
        let mut tx = app.ctx.store.read().await.unwrap();
        let consents = tx.list_consents(ResidentId(id)).await.unwrap();
        assert_eq!(consents.len(), 1, "{}: nobody enters the register without a recorded consent", app.label);
        drop(tx);
        let household = view["household_id"].as_i64().unwrap();
        let member = app
            .post_form(
                "/residents",
                Some(&lead),
                &[("household_id", &household.to_string()), ("full_name", "Lò Văn Páo"), ("consent", "written")],
            )
            .await;
        assert_eq!(member.status, StatusCode::SEE_OTHER, "{}: {}", app.label, member.body);
        let other_commune = app
            .post_form(
                "/residents",
                Some(&lead),
                &[("household_id", "999999"), ("full_name", "Lò Văn Páo"), ("consent", "written")],
            )
            .await;
        assert_eq!(other_commune.status, StatusCode::NOT_FOUND, "{}", app.label);
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        assert_eq!(app.get("/residents/new", Some(&volunteer)).await.status, StatusCode::FORBIDDEN, "{}", app.label);
    }
}

fn read_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&name).unwrap();
    range.rows().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect()
}

async fn download(app: &TestApp, path: &str, browser: &Browser) -> Vec<u8> {
    download_as(app, path, browser, "spreadsheetml").await
}

pub(crate) async fn download_as(app: &TestApp, path: &str, browser: &Browser, content_type: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::get(path)
        .header("host", "localhost")
        .header("cookie", &browser.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{}: {path}", app.label);
    assert!(response.headers()["content-type"].to_str().unwrap().contains(content_type), "{}: {path}", app.label);
    response.into_body().collect().await.unwrap().to_bytes().to_vec()
}

#[tokio::test]
async fn the_register_and_the_left_behind_list_export_to_excel_sorted_and_audited() {
    for app in TestApp::all().await {
        let lead = app.sign_in(demo::LEAD_A).await;
        let rows = read_xlsx(&download(&app, "/residents/export.xlsx", &lead).await);
        assert!(rows[0][0].starts_with("Sổ theo dõi kỹ năng số – Xã Quỳ Châu"), "{}: {:?}", app.label, rows[0]);
        assert_eq!(rows[2][0], "Họ và tên");
        let people = &rows[3..];
        let listed = app.api(Method::GET, "/api/v1/residents", Some(&lead), None).await.json();
        assert_eq!(people.len(), listed.as_array().unwrap().len(), "{}: the same people as on screen", app.label);
        let names: Vec<&str> = people.iter().map(|r| r[0].as_str()).collect();
        let screen: Vec<&str> = listed.as_array().unwrap().iter().map(|r| r["full_name"].as_str().unwrap()).collect();
        assert_eq!(names, screen, "{}: sorted the Vietnamese way, as on screen", app.label);
        assert!(people.iter().all(|r| r[5].is_empty()), "{}: no phone without consent to be contacted", app.label);
        let with_phone = listed.as_array().unwrap().iter().find(|r| !r["phone_masked"].is_null()).unwrap();
        let id = with_phone["id"].as_i64().unwrap();
        let consent = app
            .post_form(
                &format!("/residents/{id}/consents"),
                Some(&lead),
                &[("purpose", "contact"), ("method", "verbal")],
            )
            .await;
        assert_eq!(consent.status, StatusCode::SEE_OTHER, "{}", app.label);
        let rows = read_xlsx(&download(&app, "/residents/export.xlsx", &lead).await);
        let phones: Vec<&str> = rows[3..].iter().map(|r| r[5].as_str()).filter(|p| !p.is_empty()).collect();
        assert_eq!(phones.len(), 1, "{}: the phone of the one person who agreed to be called", app.label);
        assert!(phones[0].starts_with('0') && phones[0].ends_with(&with_phone["phone_masked"].as_str().unwrap()[7..]));
        let waiting = read_xlsx(&download(&app, "/left-behind/export.xlsx", &lead).await);
        let api = app.api(Method::GET, "/api/v1/left-behind", Some(&lead), None).await.json();
        assert_eq!(waiting.len() - 3, api.as_array().unwrap().len(), "{}", app.label);
        let mut tx = app.ctx.store.read().await.unwrap();
        let exports = tx
            .list_audit(Some(hocvuso_domain::ids::CommuneId(16777)), 50)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == hocvuso_domain::privacy::AuditAction::Export)
            .count();
        assert_eq!(exports, 3, "{}: each export is in the audit log", app.label);
    }
}

#[tokio::test]
async fn a_resident_asks_for_help_and_the_team_takes_it_to_resolution() {
    for app in TestApp::all().await {
        let form = app.get("/help", None).await;
        assert_eq!(form.status, StatusCode::OK, "{}", app.label);
        let token = crate::extract_value(&form.body, "name=\"_csrf\" value=\"").unwrap();
        let cookie = format!("hv_help={}", form.cookie("hv_help").unwrap());
        let place = form.body.split("<option value=\"16777:").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let post = |fields: Vec<(&str, String)>| {
            let body = serde_urlencoded::to_string(&fields).unwrap();
            axum::http::Request::post("/help")
                .header("host", "localhost")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", cookie.clone())
                .body(axum::body::Body::from(body))
                .unwrap()
        };
        let base = |agree: &str| {
            vec![
                ("_csrf", token.clone()),
                ("place", format!("16777:{place}")),
                ("full_name", "Hà Thị Nhung".to_owned()),
                ("phone", "0987 654 321".to_owned()),
                ("topic", "vneid".to_owned()),
                ("details", "Quên mật khẩu VNeID".to_owned()),
                ("agree", agree.to_owned()),
            ]
        };
        let refused = app.request(post(base(""))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(refused.body.contains("đánh dấu ô đồng ý"), "{}", app.label);
        let sent = app.request(post(base("yes"))).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}: {}", app.label, sent.body);

        let staff = app.sign_in(demo::STAFF_A).await;
        let list = app.get("/help-requests", Some(&staff)).await;
        assert!(list.body.contains("Hà Thị Nhung") && list.body.contains("0987654321"), "{}", app.label);
        assert!(list.body.contains("Chưa ai nhận"), "{}", app.label);
        let id = list.body.split("action=\"/help-requests/").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let other = app.sign_in(demo::STAFF_B).await;
        let foreign = app.post_form(&format!("/help-requests/{id}"), Some(&other), &[("status", "resolved")]).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}: another commune's team cannot close it", app.label);
        assert!(!app.get("/help-requests", Some(&other)).await.body.contains("Hà Thị Nhung"), "{}", app.label);
        let taken = app
            .post_form(
                &format!("/help-requests/{id}"),
                Some(&staff),
                &[("status", "in_progress"), ("note", "Chiều mai đến nhà")],
            )
            .await;
        assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", app.label);
        app.post_form(&format!("/help-requests/{id}"), Some(&staff), &[("status", "resolved")]).await;
        assert!(app.get("/help-requests", Some(&staff)).await.body.contains("Đã xong"), "{}", app.label);
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        assert_eq!(app.get("/help-requests", Some(&volunteer)).await.status, StatusCode::FORBIDDEN, "{}", app.label);
    }
}

#[tokio::test]
async fn self_reported_skills_count_once_the_commune_says_so() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let id = left_behind_of(&app, &staff).await[0];
        let mut tx = app.ctx.store.read().await.unwrap();
        let held: Vec<i64> = tx
            .list_sign_offs(hocvuso_domain::ids::CommuneId(16777), ResidentId(id))
            .await
            .unwrap()
            .iter()
            .filter(|s| s.revoked_at.is_none())
            .map(|s| s.skill_id.0)
            .collect();
        drop(tx);
        for skill in core_skill_ids(&app, 16777).await.into_iter().filter(|s| !held.contains(s)) {
            let fields = [("skill_id", skill.to_string()), ("method", "self_reported".to_owned())];
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&format!("/residents/{id}/sign-offs"), Some(&staff), &fields).await;
        }
        assert!(
            left_behind_of(&app, &staff).await.contains(&id),
            "{}: self-reported does not count by default",
            app.label
        );
        let set = app.post_form("/skills/rule", Some(&staff), &[("accepts_self_reported", "yes")]).await;
        assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", app.label);
        assert!(!left_behind_of(&app, &staff).await.contains(&id), "{}: now it does", app.label);
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let refused = app.post_form("/skills/rule", Some(&volunteer), &[("accepts_self_reported", "yes")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", app.label);
    }
}

#[tokio::test]
async fn staff_record_help_requests_taken_by_phone() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let fields = [("full_name", "Sầm Văn Lự"), ("phone", "0977 888 999"), ("topic", "zalo"), ("agree", "yes")];
        let made = app.post_form("/help-requests", Some(&staff), &fields).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}: {}", app.label, made.body);
        let list = app.get("/help-requests", Some(&staff)).await;
        assert!(list.body.contains("Sầm Văn Lự") && list.body.contains("qua điện thoại"), "{}", app.label);
        let missing =
            app.post_form("/help-requests", Some(&staff), &[("full_name", "Sầm Văn Lự"), ("topic", "zalo")]).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        assert_eq!(app.post_form("/help-requests", Some(&volunteer), &fields).await.status, StatusCode::FORBIDDEN);
    }
}

/// The names of the left-behind list the API gives a user, with the filter in `query`.
async fn left_behind_names(app: &TestApp, browser: &Browser, query: &str) -> Vec<String> {
    let list = app.api(Method::GET, &format!("/api/v1/left-behind{query}"), Some(browser), None).await;
    assert_eq!(list.status, StatusCode::OK, "{}: {query}", app.label);
    list.json().as_array().unwrap().iter().map(|r| r["resident"]["full_name"].as_str().unwrap().to_owned()).collect()
}

async fn user_id_of(app: &TestApp, commune: i64, phone: &str) -> i64 {
    let mut tx = app.ctx.store.read().await.unwrap();
    let users = tx.list_users(Some(hocvuso_domain::ids::CommuneId(commune))).await.unwrap();
    users.iter().find(|u| u.phone.as_str() == phone).unwrap().id.0
}

#[tokio::test]
async fn a_volunteer_prints_a_visit_sheet_of_only_their_assigned_people_and_it_is_audited() {
    for app in TestApp::all().await {
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let staff = app.sign_in(demo::STAFF_A).await;
        let page = app.get("/left-behind", Some(&volunteer)).await;
        assert!(page.body.contains("href=\"/left-behind/visit-sheet.pdf\""), "{}: the page links the sheet", app.label);
        let pdf = download_as(&app, "/left-behind/visit-sheet.pdf", &volunteer, "application/pdf").await;
        assert!(pdf.starts_with(b"%PDF-"), "{}", app.label);
        let mine = left_behind_names(&app, &volunteer, "").await;
        let everyone = left_behind_names(&app, &staff, "").await;
        assert!(!mine.is_empty() && mine.len() < everyone.len(), "{}: the demo has a round to print", app.label);

        let mut tx = app.ctx.store.read().await.unwrap();
        let exports: Vec<_> = tx
            .list_audit(Some(hocvuso_domain::ids::CommuneId(16777)), 50)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == hocvuso_domain::privacy::AuditAction::Export)
            .collect();
        drop(tx);
        assert_eq!(exports.len(), 1, "{}: the sheet is in the audit log", app.label);
        assert_eq!(exports[0].detail, format!("visit sheet pdf, {} rows", mine.len()), "{}", app.label);
        let audit_page = app.get("/audit", Some(&app.sign_in(demo::ADMIN_A).await)).await;
        assert!(audit_page.body.contains("phiếu đi thăm (PDF)"), "{}: the log says which document", app.label);

        let Some(text) = hocvuso_test_support::pdf::pdf_text(&pdf) else { continue };
        assert!(text.contains("PHIẾU ĐI THĂM HỘ GIA ĐÌNH") && text.contains("Xã Quỳ Châu"), "{}: {text}", app.label);
        assert!(text.contains(&format!("{} người chưa phổ cập", mine.len())), "{}: {text}", app.label);
        assert_eq!(text.matches("Lần gặp gần nhất:").count(), mine.len(), "{}: one block per person", app.label);
        for name in &mine {
            assert!(text.contains(name.as_str()), "{}: {name} missing from the sheet", app.label);
        }
        for name in everyone.iter().filter(|n| !mine.iter().any(|m| m.contains(n.as_str()))) {
            assert!(!text.contains(name.as_str()), "{}: {name} is not assigned to this volunteer", app.label);
        }
        // Staff narrowing to this volunteer print the same people.
        let volunteer_id = user_id_of(&app, 16777, demo::VOLUNTEER_A).await;
        let query = format!("?volunteer={volunteer_id}");
        assert_eq!(left_behind_names(&app, &staff, &format!("?volunteer_id={volunteer_id}")).await, mine);
        let theirs = download_as(&app, &format!("/left-behind/visit-sheet.pdf{query}"), &staff, "pdf").await;
        let theirs = hocvuso_test_support::pdf::pdf_text(&theirs).unwrap();
        assert!(theirs.contains(&format!("{} người chưa phổ cập", mine.len())), "{}: {theirs}", app.label);
        let page = app.get(&format!("/left-behind{query}"), Some(&staff)).await;
        assert!(
            page.body.contains(&format!("/left-behind/visit-sheet.pdf{query}")),
            "{}: the filter carries",
            app.label
        );
    }
}

#[tokio::test]
async fn another_communes_staff_get_nothing_of_the_round() {
    for app in TestApp::all().await {
        let staff_b = app.sign_in(demo::STAFF_B).await;
        let volunteer_a = user_id_of(&app, 16777, demo::VOLUNTEER_A).await;
        let hamlet_a = {
            let mut tx = app.ctx.store.read().await.unwrap();
            tx.list_hamlets(hocvuso_domain::ids::CommuneId(16777)).await.unwrap()[0].id.0
        };
        for query in [format!("?volunteer={volunteer_a}"), format!("?hamlet={hamlet_a}")] {
            let sheet = app.get(&format!("/left-behind/visit-sheet.pdf{query}"), Some(&staff_b)).await;
            assert_eq!(sheet.status, StatusCode::NOT_FOUND, "{}: {query}", app.label);
        }
        let own = download_as(&app, "/left-behind/visit-sheet.pdf", &staff_b, "application/pdf").await;
        let names_b = left_behind_names(&app, &staff_b, "").await;
        if let Some(text) = hocvuso_test_support::pdf::pdf_text(&own) {
            assert!(!text.contains("Xã Quỳ Châu"), "{}: nothing of commune A", app.label);
            assert_eq!(text.matches("Lần gặp gần nhất:").count(), names_b.len(), "{}", app.label);
        }
        let lead_a = app.sign_in(demo::LEAD_A).await;
        let hamlets_a = {
            let mut tx = app.ctx.store.read().await.unwrap();
            tx.list_hamlets(hocvuso_domain::ids::CommuneId(16777)).await.unwrap()
        };
        let lead_sees: Vec<i64> = {
            let listed = app.api(Method::GET, "/api/v1/residents", Some(&lead_a), None).await.json();
            listed.as_array().unwrap().iter().map(|r| r["hamlet_id"].as_i64().unwrap()).collect()
        };
        let other_hamlet = hamlets_a.iter().find(|h| !lead_sees.contains(&h.id.0)).unwrap().id.0;
        let sheet = app.get(&format!("/left-behind/visit-sheet.pdf?hamlet={other_hamlet}"), Some(&lead_a)).await;
        assert_eq!(sheet.status, StatusCode::NOT_FOUND, "{}: a lead prints only their hamlet", app.label);
        for phone in [demo::RESIDENT_A, demo::PROVINCE_STAFF] {
            let who = app.sign_in(phone).await;
            let sheet = app.get("/left-behind/visit-sheet.pdf", Some(&who)).await;
            assert_eq!(sheet.status, StatusCode::FORBIDDEN, "{}: {phone}", app.label);
        }
        let bad = app.get("/left-behind/visit-sheet.pdf?hamlet=abc", Some(&staff_b)).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", app.label);
    }
}

// register speed: a paged left-behind list, one audit entry per view even when views arrive together

/// Adds `n` people with no sign-off to a household of the demo commune.
async fn add_people(app: &TestApp, n: usize) {
    let commune = hocvuso_domain::ids::CommuneId(16777);
    let mut tx = app.ctx.store.write().await.unwrap();
    let household = tx.list_households(commune).await.unwrap()[0].id;
    let letters = ["An", "Bình", "Chi", "Dũng", "Hà", "Hoa", "Lan", "Mai", "Nam", "Yến"];
    for idx in 0..n {
        let name = format!("Lò {} {}", letters[idx / letters.len() % letters.len()], letters[idx % letters.len()]);
        let person = hocvuso_domain::register::NewResident {
            household_id: household,
            full_name: hocvuso_domain::person_name::PersonName::parse(&name).unwrap(),
            birth_year: Some(1940 + i32::try_from(idx % 70).unwrap()),
            gender: None,
            phone: None,
            cccd: None,
        };
        tx.insert_resident(commune, &person, hocvuso_test_support::test_now()).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn list_views(app: &TestApp) -> usize {
    let mut tx = app.ctx.store.read().await.unwrap();
    tx.list_audit(Some(hocvuso_domain::ids::CommuneId(16777)), 1000)
        .await
        .unwrap()
        .iter()
        .filter(|e| {
            e.action == hocvuso_domain::privacy::AuditAction::View
                && e.subject == hocvuso_domain::privacy::AuditSubject::ResidentList
        })
        .count()
}

#[tokio::test]
async fn the_left_behind_list_comes_in_pages_most_in_need_first() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        add_people(&app, 530).await;
        let ids = |page: &serde_json::Value| -> Vec<i64> {
            page.as_array().unwrap().iter().map(|row| row["resident"]["id"].as_i64().unwrap()).collect()
        };
        let first = app.api(Method::GET, "/api/v1/left-behind", Some(&staff), None).await.json();
        let first_ids = ids(&first);
        assert_eq!(first_ids.len(), 500, "{}: a page holds 500", app.label);
        let next = format!("/api/v1/left-behind?after={}", first_ids[499]);
        let second_ids = ids(&app.api(Method::GET, &next, Some(&staff), None).await.json());
        let everyone = read_xlsx(&download(&app, "/left-behind/export.xlsx", &staff).await).len() - 3;
        assert_eq!(first_ids.len() + second_ids.len(), everyone, "{}: the pages hold the whole list", app.label);
        assert!(second_ids.iter().all(|id| !first_ids.contains(id)), "{}: no one twice", app.label);
        let flags = |row: &serde_json::Value| {
            ["is_elderly", "lives_alone", "has_disability", "has_no_smartphone"]
                .iter()
                .filter(|flag| row[**flag].as_bool().unwrap())
                .count()
        };
        let needs: Vec<usize> = first.as_array().unwrap().iter().map(flags).collect();
        assert!(needs.windows(2).all(|w| w[0] >= w[1]), "{}: most in need first", app.label);

        let page = app.get("/left-behind", Some(&staff)).await;
        let link = format!("href=\"/left-behind?after={}\"", first_ids[499]);
        assert!(page.body.contains(&link), "{}: the page links to the next one", app.label);
        let nowhere = app.api(Method::GET, "/api/v1/left-behind?after=999999", Some(&staff), None).await.json();
        assert_eq!(nowhere.as_array().unwrap().len(), 0, "{}: nothing after someone not on the list", app.label);
    }
}

#[tokio::test]
async fn views_that_arrive_together_each_get_their_audit_entry() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let before = list_views(&app).await;
        let list = || app.api(Method::GET, "/api/v1/residents?q=thi", Some(&staff), None);
        let waiting = || app.api(Method::GET, "/api/v1/left-behind", Some(&staff), None);
        let answers = tokio::join!(list(), list(), list(), waiting(), waiting(), list(), waiting(), list());
        let statuses = [
            answers.0.status,
            answers.1.status,
            answers.2.status,
            answers.3.status,
            answers.4.status,
            answers.5.status,
            answers.6.status,
            answers.7.status,
        ];
        assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{}: {statuses:?}", app.label);
        assert_eq!(list_views(&app).await, before + 8, "{}: one entry per view", app.label);
    }
}
