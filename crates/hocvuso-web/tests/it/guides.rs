//! Guides: the list and search, a guide, senior mode, pictures, quiz and Listen audio.

use std::sync::Arc;

use axum::http::StatusCode;
use hocvuso_app::guides::GuideAudio;
use hocvuso_speech::engine::SpeechFuture;
use hocvuso_speech::{AudioCache, SpeechEngine, SpeechError, Voice};
use hocvuso_web::{AppState, WebSettings};

use crate::TestApp;

fn first_guide_link(body: &str) -> Option<&str> {
    let start = body.find("<ul class=\"guide-list\"")?;
    let rest = &body[start..];
    let at = rest.find("href=\"/guides/")? + "href=\"/guides/".len();
    let end = rest[at..].find('"')?;
    Some(&rest[at..at + end])
}

#[tokio::test]
async fn guides_are_public_and_searchable_without_diacritics() {
    let app = TestApp::all().await.remove(0);
    let list = app.get("/guides", None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Đăng ký khai sinh trực tuyến"));
    assert!(list.body.matches("<li data-slug=").count() >= 24);
    for (query, slug) in [
        ("dang+ky+khai+sinh", "dang-ky-khai-sinh"),
        ("khai+sinh", "dang-ky-khai-sinh"),
        ("thanh+toan+tien+dien", "thanh-toan-dien-nuoc-hoc-phi"),
        ("goi+video+zalo", "zalo-goi-video"),
        ("vneid+muc+2", "vneid-muc-2"),
        ("lua+dao", "nhan-biet-lua-dao"),
    ] {
        let page = app.get(&format!("/guides?q={query}"), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(first_guide_link(&page.body), Some(slug), "{query}");
    }
    let none = app.get("/guides?q=xyzzyqwerty", None).await;
    assert!(none.body.contains("Không tìm thấy bài nào"));
    let hostile = app.get("/guides?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", None).await;
    assert_eq!(hostile.status, StatusCode::OK);
    assert!(!hostile.body.contains("<script>alert(1)"));
}

#[tokio::test]
async fn a_guide_shows_steps_pictures_audio_and_quiz() {
    let app = TestApp::all().await.remove(0);
    let page = app.get("/guides/dang-ky-khai-sinh", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("<section class=\"step\"").count(), 8);
    assert!(page.body.contains("src=\"/guides/dang-ky-khai-sinh/pictures/1.svg\""));
    assert!(page.body.contains("loading=\"lazy\""));
    // The audio address carries a hash of the spoken text (`?v=`), so an edited step gets a new one.
    assert!(page.body.contains("src=\"/guides/dang-ky-khai-sinh/steps/3/audio?v="));
    assert!(page.body.contains("<strong>Thủ tục hành chính</strong>"));
    assert!(page.body.contains("href=\"/guides/dang-ky-khai-sinh/senior/1\""));
    assert_eq!(page.body.matches("<fieldset>").count(), 4);
    assert_eq!(app.get("/guides/no-such-guide", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn senior_mode_is_one_step_per_screen() {
    let app = TestApp::all().await.remove(0);
    let first = app.get("/guides/dang-ky-khai-sinh/senior/1", None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("Chuẩn bị giấy tờ"));
    assert!(!first.body.contains("Chọn thủ tục khai sinh"));
    assert!(first.body.contains("href=\"/guides/dang-ky-khai-sinh/senior/2\""));
    assert!(first.body.contains("preload=\"auto\""));
    let last = app.get("/guides/dang-ky-khai-sinh/senior/8", None).await;
    assert!(last.body.contains("href=\"/guides/dang-ky-khai-sinh/senior/7\""));
    assert!(last.body.contains("href=\"/guides/dang-ky-khai-sinh#quiz\""));
    assert_eq!(app.get("/guides/dang-ky-khai-sinh/senior/9", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/guides/dang-ky-khai-sinh/senior/0", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pictures_are_served_with_a_strict_policy() {
    let app = TestApp::all().await.remove(0);
    let picture = app.get("/guides/dang-ky-khai-sinh/pictures/1.svg", None).await;
    assert_eq!(picture.status, StatusCode::OK);
    assert_eq!(picture.headers.get("content-type").unwrap(), "image/svg+xml");
    let csp = picture.headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("sandbox"), "{csp}");
    assert_eq!(picture.headers.get("x-content-type-options").unwrap(), "nosniff");
    for bad in [
        "/guides/dang-ky-khai-sinh/pictures/9.svg",
        "/guides/dang-ky-khai-sinh/pictures/..%2F..%2Fetc",
        "/guides/x/pictures/1.svg",
    ] {
        assert_eq!(app.get(bad, None).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn the_quiz_is_marked_with_explanations() {
    let app = TestApp::all().await.remove(0);
    let marked = app
        .post_form("/guides/dang-ky-khai-sinh/quiz", None, &[("q0", "1"), ("q1", "0"), ("q2", "0"), ("q3", "x")])
        .await;
    assert_eq!(marked.status, StatusCode::OK);
    assert!(marked.body.contains("Số câu bạn trả lời đúng: 2/4"), "{}", marked.body);
    assert_eq!(marked.body.matches("Đúng rồi.").count(), 2);
    assert!(marked.body.contains("Chưa đúng. Sai một dấu trong tên"));
    assert!(marked.body.contains("name=\"q0\" value=\"1\" checked"));
}

#[tokio::test]
async fn audio_is_refused_with_503_when_no_engine_is_installed() {
    let app = TestApp::all().await.remove(0);
    let audio = app.get("/guides/dang-ky-khai-sinh/steps/1/audio", None).await;
    assert_eq!(audio.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(audio.body.contains("Máy chủ chưa đọc được tiếng Việt"), "{}", audio.body);
    assert!(audio.headers.get("retry-after").is_some());
    assert_eq!(app.get("/guides/dang-ky-khai-sinh/steps/99/audio", None).await.status, StatusCode::NOT_FOUND);
}

/// Speaks any text as a tiny, valid-looking Ogg Opus stream; fails when told to be "missing".
pub(crate) struct FakeEngine {
    pub(crate) missing: bool,
}

impl SpeechEngine for FakeEngine {
    fn name(&self) -> &str {
        "fake"
    }

    fn synthesize<'a>(&'a self, _text: &'a str, _voice: &'a Voice) -> SpeechFuture<'a> {
        Box::pin(async move {
            if self.missing {
                return Err(SpeechError::EngineUnavailable { program: "espeak-ng".to_owned() });
            }
            let mut head = b"OpusHead".to_vec();
            head.extend_from_slice(&[1, 1, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0]);
            let mut out = b"OggS".to_vec();
            out.push(0);
            out.push(2);
            out.extend_from_slice(&[0; 8]);
            out.extend_from_slice(&7u32.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&[0; 4]);
            out.push(1);
            out.push(head.len() as u8);
            out.extend_from_slice(&head);
            Ok(out)
        })
    }
}

pub(crate) async fn app_with_engine(missing: bool, dir: &std::path::Path) -> (TestApp, axum::Router) {
    let app = TestApp::all().await.remove(0);
    let cache = AudioCache::open(dir, Arc::new(FakeEngine { missing }), Voice::vietnamese()).await.unwrap();
    let ctx = app.ctx.clone().with_guide_audio(Arc::new(GuideAudio::new(cache, dir.to_owned(), 1)));
    let router = hocvuso_web::router(AppState::new(ctx, WebSettings::default()));
    (app, router)
}

#[tokio::test]
async fn audio_is_generated_cached_and_served_as_ogg_opus() {
    let dir = std::env::temp_dir().join(format!("hv-guide-audio-{}", std::process::id()));
    let (mut app, router) = app_with_engine(false, &dir).await;
    app.router = router;
    let audio = app.get("/guides/dang-ky-khai-sinh/steps/2/audio", None).await;
    assert_eq!(audio.status, StatusCode::OK);
    assert!(audio.headers.get("content-type").unwrap().to_str().unwrap().starts_with("audio/ogg"));
    assert!(audio.body.starts_with("OggS"));
    let cached = std::fs::read_dir(dir.join("generated")).unwrap().count();
    assert_eq!(cached, 1);
    std::fs::remove_dir_all(&dir).ok();

    let dir = std::env::temp_dir().join(format!("hv-guide-audio-missing-{}", std::process::id()));
    let (mut app, router) = app_with_engine(true, &dir).await;
    app.router = router;
    let refused = app.get("/guides/dang-ky-khai-sinh/steps/2/audio", None).await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_offline_list_and_service_worker_are_served() {
    let app = TestApp::all().await.remove(0);
    let list = app.get("/guides/offline.json", None).await;
    assert_eq!(list.status, StatusCode::OK);
    let json = list.json();
    let pages = json["pages"].as_array().unwrap();
    assert!(pages.iter().any(|p| p == "/guides/dang-ky-khai-sinh/senior/8"));
    assert!(pages.iter().any(|p| p == "/guides/dang-ky-khai-sinh/pictures/8.svg"));
    let sw = app.get("/guides-sw.js", None).await;
    assert_eq!(sw.status, StatusCode::OK);
    assert!(sw.body.contains("hv-guides-1"));
    assert_eq!(sw.headers.get("cache-control").unwrap(), "no-cache");
}

#[tokio::test]
async fn a_volunteer_records_a_guide_taught_shown_audited_and_exported() {
    for app in TestApp::all().await {
        let staff = app.sign_in(crate::demo::STAFF_A).await;
        let list = app.get("/residents", Some(&staff)).await;
        let id: String = list
            .body
            .split("href=\"/residents/")
            .skip(1)
            .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
            .find(|id| !id.is_empty())
            .unwrap();
        let page = app.get(&format!("/residents/{id}"), Some(&staff)).await;
        assert!(page.body.contains("Chưa ghi nhận bài hướng dẫn nào."), "{}", app.label);
        let unknown =
            app.post_form(&format!("/residents/{id}/guides-taught"), Some(&staff), &[("guide", "no-such")]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(unknown.body.contains("Vui lòng chọn một bài hướng dẫn có trong danh sách."));
        let saved =
            app.post_form(&format!("/residents/{id}/guides-taught"), Some(&staff), &[("guide", "quet-ma-qr")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", app.label);
        let page = app.get(&format!("/residents/{id}"), Some(&staff)).await;
        assert!(page.body.contains(": Quét mã QR"), "{}", app.label);
        let mut tx = app.ctx.store.read().await.unwrap();
        let audit = tx
            .list_audit_of_subject(hocvuso_domain::privacy::AuditSubject::Resident, id.parse().unwrap())
            .await
            .unwrap();
        assert!(audit.iter().any(|e| e.detail == "guide taught: quet-ma-qr"), "{}", app.label);
        drop(tx);
        let admin = app.sign_in(crate::demo::ADMIN_A).await;
        let export = app.get(&format!("/residents/{id}/export"), Some(&admin)).await;
        assert!(export.body.contains("\"guide_slug\": \"quet-ma-qr\""), "{}: {}", app.label, export.status);
    }
}

#[tokio::test]
async fn a_signed_in_resident_keeps_finished_guides() {
    for app in TestApp::all().await {
        let anonymous = app.get("/guides/me.json", None).await.json();
        assert_eq!(anonymous["signed_in"], false);
        let resident = app.sign_in(crate::demo::RESIDENT_A).await;
        let page = app.get("/guides/zalo-ket-ban", Some(&resident)).await;
        assert!(page.body.contains("action=\"/guides/zalo-ket-ban/done\""), "{}", app.label);
        let done = app.post_form("/guides/zalo-ket-ban/done", Some(&resident), &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", app.label);
        assert!(done.location().starts_with("/guides/zalo-ket-ban?done=1"));
        let again = app.post_form("/guides/zalo-ket-ban/done", Some(&resident), &[]).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        assert_eq!(app.post_form("/guides/no-such/done", Some(&resident), &[]).await.status, StatusCode::NOT_FOUND);
        let me = app.get("/guides/me.json", Some(&resident)).await.json();
        assert_eq!(me["finished"], serde_json::json!(["zalo-ket-ban"]), "{}", app.label);
        let list = app.get("/guides", Some(&resident)).await;
        assert!(list.body.contains("<li data-slug=\"zalo-ket-ban\" class=\"done\">"), "{}", app.label);
        let anonymous_done = app.post_form("/guides/zalo-ket-ban/done", None, &[]).await;
        assert!(!anonymous_done.status.is_success());
    }
}

pub(crate) async fn get_bytes(app: &TestApp, path: &str, host: &str) -> (StatusCode, String, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::get(path).header("host", host).body(axum::body::Body::empty()).unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, kind, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn every_guide_prints_as_a_leaflet_whose_text_is_the_guide() {
    let app = TestApp::all().await.remove(0);
    let page = app.get("/guides/dang-ky-khai-sinh", None).await;
    assert!(
        page.body.contains("href=\"/guides/dang-ky-khai-sinh/leaflet.pdf?paper=a4\""),
        "the guide links its leaflet"
    );
    let guide = app.ctx.guides().get("dang-ky-khai-sinh").unwrap();
    for paper in ["a5", "a4"] {
        let (status, kind, pdf) =
            get_bytes(&app, &format!("/guides/dang-ky-khai-sinh/leaflet.pdf?paper={paper}"), "xa.example.vn").await;
        assert_eq!(status, StatusCode::OK, "{paper}");
        assert_eq!(kind, "application/pdf");
        assert!(pdf.starts_with(b"%PDF"), "{paper}");
        let Some(text) = hocvuso_test_support::pdf::poppler("pdftotext", &["-raw", "-", "-"], &pdf) else { continue };
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&guide.title), "{paper}: {text}");
        assert!(
            text.contains("http://xa.example.vn/guides/dang-ky-khai-sinh"),
            "{paper}: the address under the QR code"
        );
        let mut from = 0;
        for step in &guide.steps {
            let title = step.title.split_whitespace().collect::<Vec<_>>().join(" ");
            let at = text[from..]
                .find(&title)
                .unwrap_or_else(|| panic!("{paper}: step {:?} missing or out of order", step.title));
            from += at + title.len();
        }
        let info = hocvuso_test_support::pdf::poppler("pdfinfo", &["-"], &pdf).unwrap();
        let size = if paper == "a4" { "595.276 x 841.89" } else { "419.528 x 595.276" };
        assert!(info.contains(size), "{paper}: {info}");
    }
    // A forged Host header does not reach the QR code: the address stays relative.
    let (_, _, pdf) = get_bytes(&app, "/guides/zalo-goi-video/leaflet.pdf", "evil.example\"><x").await;
    if let Some(text) = hocvuso_test_support::pdf::poppler("pdftotext", &["-raw", "-", "-"], &pdf) {
        assert!(!text.contains("evil.example"), "{text}");
    }
    let (missing, _, _) = get_bytes(&app, "/guides/no-such-guide/leaflet.pdf", "localhost").await;
    assert_eq!(missing, StatusCode::NOT_FOUND);
}
