//! The remaining contest pages of issue #5: editing a question with its picture (served content-addressed, shown on
//! the attempt and review pages), the links between management and results, certificate revocation, a closed
//! contest's page, and a set-up form with 20,000 characters of Vietnamese rules.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hocvuso_domain::ids::{CommuneId, ContestId};
use hocvuso_test_support::test_now;

use crate::{Browser, TestApp, demo};

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><rect width="40" height="20" fill="#1a5fb4"/></svg>"##;

/// The edit form as a browser posts it: multipart text fields, and the picture when there is one.
fn edit_request(path: &str, browser: &Browser, fields: &[(&str, &str)], picture: Option<&[u8]>) -> Request<Body> {
    let boundary = "hocvusoBOUNDARY";
    let mut body = Vec::new();
    let mut all = vec![("_csrf", browser.csrf.as_str())];
    all.extend_from_slice(fields);
    for (name, value) in all {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some(picture) = picture {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"hinh.svg\"\r\n\
                 Content-Type: image/svg+xml\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(picture);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, &browser.cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap()
}

fn question_fields(right: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("text", "Biển báo trong hình nghĩa là gì?"),
        ("topic", "An toàn giao thông"),
        ("difficulty", "easy"),
        ("option_a", "Cấm đi ngược chiều"),
        ("option_b", "Đường một chiều"),
        ("option_c", ""),
        ("right", right),
        ("explanation", "Biển tròn nền đỏ là biển cấm."),
        ("picture_alt", "Biển tròn màu đỏ có vạch trắng"),
    ]
}

#[tokio::test]
async fn staff_edit_a_question_with_a_picture_that_is_served_and_cached() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let id = {
            let mut tx = app.ctx.store.read().await.unwrap();
            tx.list_questions(CommuneId(16777)).await.unwrap()[0].0.0
        };
        let bank = app.get("/question-bank", Some(&staff)).await;
        assert!(bank.body.contains(&format!("href=\"/question-bank/{id}/edit\"")), "{}: the bank links it", app.label);
        let form = app.get(&format!("/question-bank/{id}/edit"), Some(&staff)).await;
        assert_eq!(form.status, StatusCode::OK, "{}", app.label);
        assert!(form.body.contains("enctype=\"multipart/form-data\"") && form.body.contains("name=\"picture\""));

        // No right answer: the form again, the message next to the field, nothing stored.
        let path = format!("/question-bank/{id}/edit");
        let mut fields = question_fields("0");
        fields.retain(|(k, _)| *k != "right");
        let refused = app.request(edit_request(&path, &staff, &fields, Some(SVG.as_bytes()))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(refused.body.contains("id=\"right-error\""), "{}: {}", app.label, refused.body);
        assert!(refused.body.contains("value=\"Cấm đi ngược chiều\""), "{}: what was typed is kept", app.label);
        assert_eq!(
            app.get(&path, Some(&staff)).await.status,
            StatusCode::OK,
            "{}: the question is still there",
            app.label
        );

        // A hostile drawing is refused with its message.
        let hostile = r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        let refused = app.request(edit_request(&path, &staff, &question_fields("0"), Some(hostile.as_bytes()))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(refused.body.contains("id=\"picture-error\""), "{}", app.label);

        // Another commune's staff and a volunteer do not get the form.
        for phone in [demo::STAFF_B, demo::VOLUNTEER_A] {
            let other = app.sign_in(phone).await;
            assert_eq!(app.get(&path, Some(&other)).await.status, StatusCode::NOT_FOUND, "{}: {phone}", app.label);
            let posted = app.request(edit_request(&path, &other, &question_fields("0"), None)).await;
            assert_eq!(posted.status, StatusCode::NOT_FOUND, "{}: {phone}", app.label);
        }

        let saved = app.request(edit_request(&path, &staff, &question_fields("0"), Some(SVG.as_bytes()))).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}: {}", app.label, saved.body);
        assert!(saved.location().starts_with("/question-bank#q"), "{}", app.label);
        assert_eq!(
            app.get(&path, Some(&staff)).await.status,
            StatusCode::NOT_FOUND,
            "{}: the old one is retired",
            app.label
        );
        let bank = app.get("/question-bank", Some(&staff)).await;
        let src = crate::extract_value(&bank.body, "<img class=\"contest-picture bank-picture\" src=\"")
            .unwrap_or_else(|| panic!("{}: no picture in {}", app.label, bank.body));
        assert!(bank.body.contains("alt=\"Biển tròn màu đỏ có vạch trắng\""), "{}", app.label);
        let picture = app.get(&src, None).await;
        assert_eq!(picture.status, StatusCode::OK, "{}: {src}", app.label);
        assert_eq!(picture.headers.get(header::CONTENT_TYPE).unwrap(), "image/svg+xml");
        let cache = picture.headers.get(header::CACHE_CONTROL).unwrap().to_str().unwrap();
        assert!(cache.contains("max-age=31536000") && cache.contains("immutable"), "{}: {cache}", app.label);
        assert!(picture.body.contains("<rect"), "{}", app.label);
        let wrong = src.replace(".svg", ".png");
        assert_eq!(app.get(&wrong, None).await.status, StatusCode::NOT_FOUND, "{}", app.label);
        assert_eq!(app.get("/contest-pictures/..%2F..%2Fetc.svg", None).await.status, StatusCode::NOT_FOUND);
    }
}

async fn demo_contests(app: &TestApp) -> (i64, i64) {
    let mut tx = app.ctx.store.read().await.unwrap();
    let contests = tx.list_contests(CommuneId(16777)).await.unwrap();
    let closed = contests.iter().find(|c| c.settings.title == hocvuso_app::demo::DEMO_CLOSED_CONTEST).unwrap();
    let open = contests.iter().find(|c| c.settings.closes_at > test_now()).unwrap();
    (open.id.0, closed.id.0)
}

#[tokio::test]
async fn management_and_results_link_each_other_and_a_closed_contest_points_to_its_results() {
    for app in TestApp::all().await {
        let (open, closed) = demo_contests(&app).await;
        let staff = app.sign_in(demo::STAFF_A).await;
        let manage = app.get(&format!("/contests/{closed}/manage"), Some(&staff)).await;
        for link in ["results", "leaderboard", "results.xlsx", "results#certificates"] {
            assert!(manage.body.contains(&format!("href=\"/contests/{closed}/{link}\"")), "{}: {link}", app.label);
        }
        let results = app.get(&format!("/contests/{closed}/results"), Some(&staff)).await;
        assert!(results.body.contains(&format!("href=\"/contests/{closed}/manage\"")), "{}", app.label);
        let public = app.get(&format!("/contests/{closed}/results"), None).await;
        assert!(!public.body.contains("/manage\""), "{}: no management link for the public", app.label);

        let page = app.get(&format!("/contests/{closed}"), None).await;
        assert!(page.body.contains("id=\"contest-ended\""), "{}", app.label);
        assert!(page.body.contains(&format!("href=\"/contests/{closed}/results\"")), "{}", app.label);
        assert!(!page.body.contains(&format!("href=\"/contests/{closed}/register\"")), "{}", app.label);
        assert!(
            page.body.contains("action=\"/contests/") && page.body.contains("/resume\""),
            "{}: resume stays",
            app.label
        );
        let register = app.get(&format!("/contests/{closed}/register"), None).await;
        assert_eq!(register.status, StatusCode::SEE_OTHER, "{}", app.label);
        let open_page = app.get(&format!("/contests/{open}"), None).await;
        assert!(!open_page.body.contains("id=\"contest-ended\""), "{}", app.label);
    }
}

#[tokio::test]
async fn a_revoked_certificate_says_so_on_its_public_page() {
    for app in TestApp::all().await {
        let (_, closed) = demo_contests(&app).await;
        let staff = app.sign_in(demo::STAFF_A).await;
        let fields = [("first", "1"), ("second", "1")];
        let issued = app.post_form(&format!("/contests/{closed}/certificates"), Some(&staff), &fields).await;
        assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", app.label);
        let certificate = {
            let mut tx = app.ctx.store.read().await.unwrap();
            tx.list_certificates(ContestId(closed)).await.unwrap().remove(0)
        };
        let results = app.get(&format!("/contests/{closed}/results"), Some(&staff)).await;
        let action = format!("/contests/{closed}/certificates/{}/revoke", certificate.id.0);
        assert!(results.body.contains(&action), "{}: a revoke form per certificate", app.label);

        let blank = app.post_form(&action, Some(&staff), &[("reason", "  ")]).await;
        assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(blank.body.contains("Hãy ghi lý do thu hồi"), "{}: {}", app.label, blank.body);
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let refused = app.post_form(&action, Some(&volunteer), &[("reason", "Sai")]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", app.label);

        let revoked = app.post_form(&action, Some(&staff), &[("reason", "Nhập sai tên người đoạt giải")]).await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}: {}", app.label, revoked.body);
        let verify = app.get(&format!("/certificates/{}", certificate.code), None).await;
        assert_eq!(verify.status, StatusCode::OK, "{}", app.label);
        assert!(verify.body.contains("Giấy chứng nhận này đã bị thu hồi"), "{}", app.label);
        assert!(verify.body.contains("Lý do: Nhập sai tên người đoạt giải"), "{}", app.label);
        assert!(!verify.body.contains("Giấy chứng nhận hợp lệ"), "{}", app.label);
        let results = app.get(&format!("/contests/{closed}/results"), Some(&staff)).await;
        assert!(results.body.contains("Đã thu hồi") && !results.body.contains(&action), "{}", app.label);
        let again = app.post_form(&action, Some(&staff), &[("reason", "Lần nữa")]).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", app.label);
    }
}

#[tokio::test]
async fn the_set_up_form_takes_20000_characters_of_vietnamese_rules() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        // "Mỗi người được thi tối đa một lần. " is 35 characters with 3-byte letters; 20,000 characters in all.
        let sentence = "Mỗi người được thi tối đa một lần. ";
        let mut rules: String = sentence.repeat(20_000 / sentence.chars().count() + 1).chars().take(19_999).collect();
        rules.push('ế');
        assert_eq!(rules.chars().count(), 20_000);
        let mut fields: Vec<(&str, String)> = vec![
            ("title", "Hội thi thể lệ dài".into()),
            ("rules", rules.clone()),
            ("organiser", "Đoàn xã".into()),
            ("opens_at", "2026-12-01T08:00".into()),
            ("closes_at", "2026-12-10T08:00".into()),
            ("time_limit_minutes", "20".into()),
            ("attempts_allowed", "1".into()),
            ("counting", "best".into()),
            ("total", "5".into()),
            ("results", "after_close".into()),
            ("cccd", "not_asked".into()),
            ("units", "Thôn Đông".into()),
            ("ranking", "score".into()),
        ];
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let created = app.post_form("/contests/new", Some(&staff), &pairs).await;
        assert_eq!(
            created.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            app.label,
            &created.body[..created.body.len().min(2000)]
        );
        let id: i64 = created.location().trim_start_matches("/contests/").trim_end_matches("/manage").parse().unwrap();
        let stored = {
            let mut tx = app.ctx.store.read().await.unwrap();
            tx.contest_by_id(ContestId(id)).await.unwrap().unwrap().settings.rules
        };
        assert_eq!(stored.chars().count(), 20_000, "{}", app.label);

        // One character more: the form again with the rules' own message.
        fields[1].1.push('a');
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = app.post_form("/contests/new", Some(&staff), &pairs).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(refused.body.contains("id=\"rules-error\">Thể lệ quá dài (tối đa 20.000 ký tự).<"), "{}", app.label);
        // A body far past any rules: a Vietnamese message page, not a bare 413.
        fields[1].1 = "ế".repeat(100_000);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let huge = app.post_form("/contests/new", Some(&staff), &pairs).await;
        assert_eq!(huge.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(huge.body.contains("Dữ liệu gửi lên quá lớn"), "{}", app.label);
    }
}
