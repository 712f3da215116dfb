//! The staff's contest pages: the question bank (import report, export round trip, retire), the set-up form and
//! the contest overview; only a commune's staff see them.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hocvuso_domain::ids::{CommuneId, ContestId};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::{Browser, TestApp, demo};

/// A multipart upload of one file to the bank.
fn upload(browser: &Browser, csrf: &str, file_name: &str, file: &[u8]) -> Request<Body> {
    crate::upload_request("/question-bank/import", browser, csrf, file_name, file)
}

/// A download's bytes (the harness reads bodies as text).
async fn download(app: &TestApp, browser: &Browser, path: &str) -> (StatusCode, String, Vec<u8>) {
    let request = Request::get(path)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, &browser.cookie)
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, content_type, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

async fn bank_size(app: &TestApp, commune: i64) -> usize {
    let mut tx = app.ctx.store.read().await.unwrap();
    tx.list_questions(CommuneId(commune)).await.unwrap().len()
}

async fn demo_contest(app: &TestApp) -> ContestId {
    let mut tx = app.ctx.store.read().await.unwrap();
    tx.list_contests(CommuneId(16777)).await.unwrap()[0].id
}

const GOOD: &str = "Chủ đề: Mạng xã hội\nCâu 1: Mật khẩu nào an toàn hơn?\nA. 123456\nB. Hoa-Sen-nam-2026!\nĐáp án: B\n\n\
    Câu 2: Thấy tin giả trên Facebook thì làm gì?\nA. Chia sẻ ngay\nB. Không chia sẻ, báo cáo bài viết\nĐáp án: B\n";

#[tokio::test]
async fn only_the_communes_staff_see_the_contest_pages() {
    for app in TestApp::all().await {
        let contest = demo_contest(&app).await;
        let staff = app.sign_in(demo::STAFF_A).await;
        let paths = [
            "/question-bank".to_owned(),
            "/question-bank/export.xlsx".to_owned(),
            "/question-bank/export.txt".to_owned(),
            "/contests/new".to_owned(),
            "/contests/manage".to_owned(),
            format!("/contests/{contest}/manage"),
        ];
        for path in &paths {
            assert_eq!(app.get(path, Some(&staff)).await.status, StatusCode::OK, "{}: staff {path}", app.label);
        }
        let dashboard = app.get("/dashboard", Some(&staff)).await;
        assert!(dashboard.body.contains("href=\"/contests/manage\">Quản lý cuộc thi<"), "{}: the menu link", app.label);
        for phone in [demo::VOLUNTEER_A, demo::RESIDENT_A, demo::LEAD_A] {
            let other = app.sign_in(phone).await;
            for path in &paths {
                assert_eq!(
                    app.get(path, Some(&other)).await.status,
                    StatusCode::NOT_FOUND,
                    "{}: {phone} {path}",
                    app.label
                );
            }
            assert!(!app.get("/dashboard", Some(&other)).await.body.contains("/contests/manage"), "{}", app.label);
            let retire = app.post_form("/question-bank/1/retire", Some(&other), &[]).await;
            assert_eq!(retire.status, StatusCode::NOT_FOUND, "{}", app.label);
            let created = app.post_form("/contests/new", Some(&other), &[("title", "X")]).await;
            assert_eq!(created.status, StatusCode::NOT_FOUND, "{}", app.label);
        }
        // Another commune's staff: its own (empty) bank, but not this commune's contest.
        let staff_b = app.sign_in(demo::STAFF_B).await;
        let other_contest = app.get(&format!("/contests/{contest}/manage"), Some(&staff_b)).await;
        assert_eq!(other_contest.status, StatusCode::NOT_FOUND, "{}", app.label);
        assert!(app.get("/question-bank", Some(&staff_b)).await.body.contains("Ngân hàng chưa có câu hỏi"));
        let anonymous = app.get("/question-bank", None).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{}", app.label);
    }
}

#[tokio::test]
async fn an_upload_adds_every_question_or_reports_every_problem() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let before = bank_size(&app, 16777).await;
        let added = app.request(upload(&staff, &staff.csrf, "cau-hoi.txt", GOOD.as_bytes())).await;
        assert_eq!(added.status, StatusCode::OK, "{}: {}", app.label, added.body);
        assert!(added.body.contains("Đã thêm 2 câu hỏi."), "{}", app.label);
        assert_eq!(bank_size(&app, 16777).await, before + 2);

        let half = "Câu 1: Tốt?\nA. Có\nB. Không\nĐáp án: A\nCâu 2: Thiếu đáp án\nA. Có\nB. Không\n";
        let refused = app.request(upload(&staff, &staff.csrf, "de.txt", half.as_bytes())).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(refused.body.contains("Chưa thêm câu nào. Đã đọc 2 câu hỏi; có 1 chỗ cần sửa."), "{}", refused.body);
        assert!(refused.body.contains("<strong>Câu 2, dòng 5</strong>"), "{}: {}", app.label, refused.body);
        let macros = app.request(upload(&staff, &staff.csrf, "de.docm", b"PK\x03\x04")).await;
        assert_eq!(macros.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(macros.body.contains("Tệp có macro"), "{}", macros.body);
        let forged = app.request(upload(&staff, "wrong", "cau-hoi.txt", GOOD.as_bytes())).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", app.label);
        assert_eq!(bank_size(&app, 16777).await, before + 2, "{}: nothing else was added", app.label);

        // The page lists the new topic with its count and filters by it; a question can be retired.
        let page = app.get("/question-bank?topic=M%E1%BA%A1ng%20x%C3%A3%20h%E1%BB%99i", Some(&staff)).await;
        assert!(page.body.contains("<strong>Mạng xã hội</strong> (2)"), "{}: {}", app.label, page.body);
        assert_eq!(page.body.matches("/retire\"").count(), 2, "{}: only that topic's questions", app.label);
        let id = page.body.split("action=\"/question-bank/").find_map(|s| s.split_once("/retire\"")).unwrap().0;
        let retired = app.post_form(&format!("/question-bank/{id}/retire"), Some(&staff), &[]).await;
        assert_eq!(retired.status, StatusCode::SEE_OTHER, "{}", app.label);
        assert_eq!(bank_size(&app, 16777).await, before + 1);
        let staff_b = app.sign_in(demo::STAFF_B).await;
        let foreign = app.post_form("/question-bank/1/retire", Some(&staff_b), &[]).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", app.label);
    }
}

#[tokio::test]
async fn an_exported_bank_uploads_again_as_the_same_questions() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let staff_b = app.sign_in(demo::STAFF_B).await;
        let n = bank_size(&app, 16777).await;
        let (status, content_type, xlsx) = download(&app, &staff, "/question-bank/export.xlsx").await;
        assert_eq!(
            (status, content_type.as_str()),
            (StatusCode::OK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        let report = app.request(upload(&staff_b, &staff_b.csrf, "ngan-hang.xlsx", &xlsx)).await;
        assert!(report.body.contains(&format!("Đã thêm {n} câu hỏi.")), "{}: {}", app.label, report.body);
        let (_, _, text) = download(&app, &staff, "/question-bank/export.txt").await;
        let report = app.request(upload(&staff_b, &staff_b.csrf, "ngan-hang.txt", &text)).await;
        assert!(report.body.contains(&format!("Đã thêm {n} câu hỏi.")), "{}: {}", app.label, report.body);
        let mut tx = app.ctx.store.read().await.unwrap();
        let a: Vec<_> = tx.list_questions(CommuneId(16777)).await.unwrap().into_iter().map(|(_, q)| q).collect();
        let b: Vec<_> = tx.list_questions(CommuneId(16804)).await.unwrap().into_iter().map(|(_, q)| q).collect();
        assert_eq!(b[..n], a[..], "{}: from Excel", app.label);
        assert_eq!(b[n..], a[..], "{}: from text", app.label);
        let audit = tx.list_audit(Some(CommuneId(16777)), 10).await.unwrap();
        assert_eq!(audit.iter().filter(|e| e.detail.starts_with("question bank")).count(), 2, "{}", app.label);
        drop(tx);
        let log = app.get("/audit", Some(&app.sign_in(demo::ADMIN_A).await)).await;
        assert!(log.body.contains("Ngân hàng câu hỏi"), "{}: the audit log names the export", app.label);
    }
}

fn contest_fields(closes_at: &str) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = vec![
        ("title", "Hội thi an toàn mạng".into()),
        ("rules", "Mỗi người thi một lần.".into()),
        ("organiser", "Đoàn xã".into()),
        ("opens_at", "2026-12-01T08:00".into()),
        ("closes_at", closes_at.into()),
        ("time_limit_minutes", "20".into()),
        ("attempts_allowed", "2".into()),
        ("counting", "best".into()),
        ("total", "10".into()),
        ("quota_topic", "An toàn trên mạng".into()),
        ("quota", "3".into()),
        ("quota_topic", "Kinh tế số".into()),
        ("quota", "".into()),
        ("shuffle_options", "on".into()),
        ("prediction_question", "Có bao nhiêu người dự thi?".into()),
        ("results", "after_close".into()),
        ("cccd", "optional".into()),
        ("units", "Thôn Đông\nTrường THCS xã".into()),
    ];
    for key in ["score", "prediction", "time_taken", "submitted_at"] {
        fields.push(("ranking", key.into()));
    }
    fields
}

#[tokio::test]
async fn the_set_up_form_keeps_what_was_typed_and_creates_the_contest() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let form = app.get("/contests/new", Some(&staff)).await;
        assert!(form.body.contains("An toàn trên mạng (có 5 câu)"), "{}: {}", app.label, form.body);
        assert!(form.body.contains("Thôn Đông\nThôn Tây"), "{}: the hamlets are the first units", app.label);
        assert!(form.body.contains("<option value=\"score\" selected>"), "{}: the usual ranking", app.label);

        let wrong = contest_fields("2026-11-30T08:00");
        let pairs: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = app.post_form("/contests/new", Some(&staff), &pairs).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(
            refused.body.contains("id=\"closes_at-error\">Thời gian kết thúc phải sau thời gian bắt đầu.<"),
            "{}: the message is next to its field: {}",
            app.label,
            refused.body
        );
        assert!(refused.body.contains("value=\"Hội thi an toàn mạng\""), "{}: the title is kept", app.label);
        assert!(refused.body.contains("Trường THCS xã"), "{}: the units are kept", app.label);

        let good = contest_fields("2026-12-10T08:00");
        let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let created = app.post_form("/contests/new", Some(&staff), &pairs).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}: {}", app.label, created.body);
        let manage = app.get(created.location(), Some(&staff)).await;
        assert_eq!(manage.status, StatusCode::OK, "{}", app.label);
        assert!(manage.body.contains("Hội thi an toàn mạng") && manage.body.contains("Chưa mở"), "{}", app.label);
        assert!(manage.body.contains("01/12/2026 08:00"), "{}: shown in Vietnam's time", app.label);
        assert!(manage.body.contains("An toàn trên mạng: 3"), "{}: the quota", app.label);
        let list = app.get("/contests/manage", Some(&staff)).await;
        assert!(list.body.contains("Hội thi an toàn mạng") && list.body.contains("Đang mở"), "{}", app.label);
        // One menu item is the current page: the longest address that matches, not also "Cuộc thi" (/contests).
        assert_eq!(list.body.matches("aria-current=\"page\"").count(), 1, "{}", app.label);
        assert!(list.body.contains("href=\"/contests/manage\" aria-current=\"page\">"), "{}", app.label);
    }
}
