//! Guide editor: who may edit, preview without storing, a save seen at once (guide page, senior mode, search),
//! hostile text and pictures refused with Vietnamese messages, staff recordings winning over the synthetic voice,
//! and going back to the original.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hocvuso_app::guides::GuideAudio;
use hocvuso_speech::{AudioCache, NoEngine, Voice};
use hocvuso_web::{AppState, WebSettings};

use crate::{Browser, TestApp, TestResponse, demo};

const SLUG: &str = "dang-ky-khai-sinh";

/// Posts a multipart form (with the browser's CSRF token) and, when given, a file in the field `file`.
async fn post_multipart(
    app: &TestApp,
    path: &str,
    browser: &Browser,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> TestResponse {
    let boundary = "hv-test-boundary-0b5cad";
    let mut body = Vec::new();
    for (name, value) in [("_csrf", browser.csrf.as_str())].iter().chain(fields) {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let request = Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::COOKIE, &browser.cookie)
        .body(Body::from(body))
        .unwrap();
    app.request(request).await
}

/// The birth registration guide with one sentence added to its first step.
fn edited_text(app: &TestApp, word: &str) -> String {
    let file = app.ctx.guide_shelf.file_text(SLUG).unwrap();
    let picture = "(1.svg)\n";
    let at = file.find(picture).unwrap() + picture.len();
    format!("{}\nMang theo giấy {word}.\n{}", &file[..at], &file[at..])
}

/// Whether a program is on `PATH`.
fn has_program(name: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
}

#[tokio::test]
async fn only_commune_staff_and_admins_may_edit_and_only_their_communes_edits() {
    for app in TestApp::all().await {
        let anonymous = app.get("/guide-editor", None).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{}", app.label);
        for phone in [demo::VOLUNTEER_A, demo::RESIDENT_A, demo::LEAD_A, demo::PROVINCE_STAFF, demo::SUPER_ADMIN] {
            let browser = app.sign_in(phone).await;
            for path in ["/guide-editor", "/guide-editor/new", "/guide-editor/quet-ma-qr"] {
                assert_eq!(app.get(path, Some(&browser)).await.status, StatusCode::FORBIDDEN, "{phone} {path}");
            }
            let save = post_multipart(
                &app,
                &format!("/guide-editor/{SLUG}"),
                &browser,
                &[("markdown", &edited_text(&app, "hocvusovolunteer")), ("action", "save")],
                None,
            )
            .await;
            assert_eq!(save.status, StatusCode::FORBIDDEN, "{phone}");
            let list = app.get("/guides", Some(&browser)).await;
            assert!(!list.body.contains("href=\"/guide-editor\""), "{phone}: no editor link");
        }
        assert!(!app.get(&format!("/guides/{SLUG}"), None).await.body.contains("hocvusovolunteer"));

        let staff = app.sign_in(demo::STAFF_A).await;
        let list = app.get("/guides", Some(&staff)).await;
        assert!(list.body.contains("href=\"/guide-editor\""), "{}", app.label);
        let editor = app.get("/guide-editor", Some(&staff)).await;
        assert_eq!(editor.status, StatusCode::OK);
        assert!(editor.body.contains("Thêm hướng dẫn"));
        assert!(editor.body.contains(&format!("href=\"/guide-editor/{SLUG}\"")));
        let saved = post_multipart(
            &app,
            &format!("/guide-editor/{SLUG}"),
            &staff,
            &[("markdown", &edited_text(&app, "hocvusostaff")), ("action", "save")],
            None,
        )
        .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}: {}", app.label, saved.body);

        // Commune B's staff sees the guide as edited by another commune and cannot open or change it.
        let other = app.sign_in(demo::STAFF_B).await;
        let list = app.get("/guide-editor", Some(&other)).await;
        assert!(!list.body.contains(&format!("href=\"/guide-editor/{SLUG}\"")), "{}", app.label);
        assert!(list.body.contains("xã khác"));
        // The refusal says why, in Vietnamese, with its own code (409: the guide's current state, until reverted).
        let open = app.get(&format!("/guide-editor/{SLUG}"), Some(&other)).await;
        assert_eq!(open.status, StatusCode::CONFLICT, "{}", app.label);
        assert!(open.body.contains("Bài này đang là bản do một xã khác sửa hoặc thêm."), "{}", open.body);
        let overwrite = post_multipart(
            &app,
            &format!("/guide-editor/{SLUG}"),
            &other,
            &[("markdown", &edited_text(&app, "hocvusoother")), ("action", "save")],
            None,
        )
        .await;
        assert_eq!(overwrite.status, StatusCode::CONFLICT, "{}", app.label);
        assert!(overwrite.body.contains("Chỉ cán bộ của xã đó được sửa, khôi phục hoặc xoá bài này"));
        let revert = post_multipart(&app, &format!("/guide-editor/{SLUG}/revert"), &other, &[], None).await;
        assert_eq!(revert.status, StatusCode::CONFLICT);
        assert!(revert.body.contains("Bài này đang là bản do một xã khác sửa hoặc thêm."));
        let picture = post_multipart(
            &app,
            &format!("/guide-editor/{SLUG}/steps/1/picture"),
            &other,
            &[],
            Some(("x.png", &hocvuso_test_support::picture::png_solid(8, 8, [1, 2, 3]))),
        )
        .await;
        assert_eq!(picture.status, StatusCode::CONFLICT);
        // The JSON of an API client would carry the code itself.
        assert_eq!(hocvuso_app::AppError::Conflict("guide_other_commune").code(), "guide_other_commune");
        // The rule is written on the editor's pages.
        assert!(list.body.contains("chỉ cán bộ của xã đó được sửa tiếp, khôi phục hoặc xoá bài ấy"));
        // The commune's admin may.
        let admin = app.sign_in(demo::ADMIN_A).await;
        assert_eq!(app.get(&format!("/guide-editor/{SLUG}"), Some(&admin)).await.status, StatusCode::OK);
        // A missing token changes nothing.
        let forged = Browser { cookie: staff.cookie.clone(), csrf: "forged".into() };
        let refused = post_multipart(&app, &format!("/guide-editor/{SLUG}/revert"), &forged, &[], None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(app.get(&format!("/guides/{SLUG}"), None).await.body.contains("hocvusostaff"));
    }
}

#[tokio::test]
async fn preview_stores_nothing_and_a_save_shows_at_once_then_reverts() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let text = edited_text(&app, "hocvusomoi");
        let preview = post_multipart(
            &app,
            &format!("/guide-editor/{SLUG}"),
            &staff,
            &[("markdown", &text), ("action", "preview")],
            None,
        )
        .await;
        assert_eq!(preview.status, StatusCode::OK, "{}", app.label);
        assert!(preview.body.contains("Bản xem trước (chưa lưu)"));
        assert!(preview.body.contains("Mang theo giấy hocvusomoi."));
        assert!(!app.get(&format!("/guides/{SLUG}"), None).await.body.contains("hocvusomoi"), "preview stored");
        assert!(!preview.body.contains("Các lần sửa"), "no version yet");

        let saved = post_multipart(
            &app,
            &format!("/guide-editor/{SLUG}"),
            &staff,
            &[("markdown", &text.replace('\n', "\r\n")), ("action", "save")],
            None,
        )
        .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}: {}", app.label, saved.body);
        assert_eq!(saved.location(), format!("/guide-editor/{SLUG}?saved=text"));
        let page = app.get(&format!("/guides/{SLUG}"), None).await;
        assert!(page.body.contains("Mang theo giấy hocvusomoi."), "{}", app.label);
        let senior = app.get(&format!("/guides/{SLUG}/senior/1"), None).await;
        assert!(senior.body.contains("hocvusomoi"));
        let search = app.get("/guides?q=hocvusomoi", None).await;
        assert!(search.body.contains(&format!("href=\"/guides/{SLUG}\"")), "{}", app.label);
        let offline = app.get("/guides/offline.json", None).await.json();
        assert!(offline["pages"].as_array().unwrap().iter().any(|p| *p == format!("/guides/{SLUG}")));
        let editor = app.get(&format!("/guide-editor/{SLUG}?saved=text"), Some(&staff)).await;
        assert!(editor.body.contains("Đã lưu."));
        assert!(editor.body.contains("Lần 1:"));
        assert!(editor.body.contains("Khôi phục bài gốc"));
        assert!(!editor.body.contains('\r'), "stored with LF line endings");

        let reverted = post_multipart(&app, &format!("/guide-editor/{SLUG}/revert"), &staff, &[], None).await;
        assert_eq!(reverted.status, StatusCode::SEE_OTHER, "{}: {}", app.label, reverted.body);
        assert!(!app.get(&format!("/guides/{SLUG}"), None).await.body.contains("hocvusomoi"));
        assert!(!app.get("/guides?q=hocvusomoi", None).await.body.contains(&format!("href=\"/guides/{SLUG}\"")));
        let editor = app.get(&format!("/guide-editor/{SLUG}"), Some(&staff)).await;
        assert!(editor.body.contains("Lần 2:") && editor.body.contains("khôi phục bài gốc"), "{}", app.label);
        let old = app.get(&format!("/guide-editor/{SLUG}?version=1"), Some(&staff)).await;
        assert!(old.body.contains("hocvusomoi"));
        let mut tx = app.ctx.store.read().await.unwrap();
        let audit = tx.list_audit(None, 50).await.unwrap();
        drop(tx);
        assert!(audit.iter().any(|e| e.detail == format!("guide saved: {SLUG}")), "{}", app.label);
    }
}

#[tokio::test]
async fn hostile_markdown_is_refused_with_its_line_and_a_new_guide_is_added() {
    let app = TestApp::all().await.remove(0);
    let staff = app.sign_in(demo::STAFF_A).await;
    let new = app.get("/guide-editor/new", Some(&staff)).await;
    assert_eq!(new.status, StatusCode::OK);
    assert!(new.body.contains("slug = &#34;bai-moi&#34;") || new.body.contains("slug = &quot;bai-moi&quot;"));
    let template = hocvuso_app::guide_edits::new_guide_text();
    for (hostile, message) in [
        ("<script>alert(1)</script>", "Không được dùng HTML"),
        ("Chào <img src=x onerror=alert(1)> bạn.", "Không được dùng HTML"),
        ("Bấm [vào đây](javascript:alert(1)).", "Liên kết phải bắt đầu bằng https://"),
        ("# Tiêu đề lớn", "Cách viết này không dùng được"),
    ] {
        let text = template.replacen("Một đoạn mở đầu ngắn.", hostile, 1);
        let line = text.lines().position(|l| l == hostile).unwrap() + 1;
        for action in ["preview", "save"] {
            let refused =
                post_multipart(&app, "/guide-editor/new", &staff, &[("markdown", &text), ("action", action)], None)
                    .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{hostile} {action}");
            assert!(refused.body.contains(&format!("Dòng {line}: {message}")), "{hostile}: {}", refused.body);
            assert!(!refused.body.contains("<script>alert(1)") && !refused.body.contains("<img src=x"));
        }
    }
    assert_eq!(app.get("/guides/bai-moi", None).await.status, StatusCode::NOT_FOUND, "nothing stored");
    let saved =
        post_multipart(&app, "/guide-editor/new", &staff, &[("markdown", &template), ("action", "save")], None).await;
    assert_eq!(saved.location(), "/guide-editor/bai-moi?saved=text");
    let page = app.get("/guides/bai-moi", None).await;
    assert!(page.body.contains("Tên bài hướng dẫn"));
    let placeholder = app.get("/guides/bai-moi/pictures/1.svg", None).await;
    assert_eq!(placeholder.status, StatusCode::OK);
    let again =
        post_multipart(&app, "/guide-editor/new", &staff, &[("markdown", &template), ("action", "save")], None).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Dòng 3: Đã có bài dùng tên đường dẫn"), "{}", again.body);
}

#[tokio::test]
async fn pictures_are_cleaned_and_hostile_ones_refused_with_messages() {
    let app = TestApp::all().await.remove(0);
    let staff = app.sign_in(demo::STAFF_A).await;
    let path = format!("/guide-editor/{SLUG}/steps/2/picture");
    let giant = hocvuso_test_support::picture::png_claiming(50_000);
    for (file, bytes, message) in [
        (
            "x.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec(),
            "SVG",
        ),
        ("x.svg", br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>"#.to_vec(), "SVG"),
        (
            "x.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/x.png"/></svg>"#.to_vec(),
            "bên ngoài",
        ),
        ("x.png", giant, "điểm ảnh"),
        ("x.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect".to_vec(), "ảnh"),
        ("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(), "ảnh"),
    ] {
        let refused = post_multipart(&app, &path, &staff, &[], Some((file, &bytes))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{file}: {}", refused.body);
        assert!(refused.body.contains("role=\"alert\""));
        assert!(refused.body.contains(message), "{file}: {message}");
    }
    let unchanged = app.get(&format!("/guides/{SLUG}"), None).await;
    assert!(unchanged.body.contains(&format!("src=\"/guides/{SLUG}/pictures/2.svg\"")), "nothing stored");

    let drawing = br##"<?xml version="1.0"?><!-- made in Inkscape --><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 240"><metadata>secret</metadata><rect width="320" height="240" fill="#0b5cad"/></svg>"##;
    let saved = post_multipart(&app, &path, &staff, &[], Some(("buoc2.svg", drawing))).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get(&format!("/guides/{SLUG}"), None).await;
    let marker = format!("src=\"/guides/{SLUG}/pictures/2-");
    let at = page.body.find(&marker).expect("the step shows the new picture") + marker.len() - 2;
    let name: String = page.body[at..].chars().take_while(|c| *c != '"').collect();
    assert!(name.ends_with(".svg") && name.len() == "2-01234567.svg".len(), "{name}");
    let picture = app.get(&format!("/guides/{SLUG}/pictures/{name}"), None).await;
    assert_eq!(picture.status, StatusCode::OK);
    assert_eq!(picture.headers.get("content-type").unwrap(), "image/svg+xml");
    assert!(picture.headers.get("content-security-policy").unwrap().to_str().unwrap().contains("sandbox"));
    assert!(picture.body.contains("#0b5cad") && !picture.body.contains("Inkscape") && !picture.body.contains("secret"));
    // The other steps keep the file's pictures.
    assert!(page.body.contains(&format!("src=\"/guides/{SLUG}/pictures/1.svg\"")));
}

#[tokio::test]
async fn a_staff_recording_wins_without_a_speech_engine_and_can_be_deleted() {
    let dir = std::env::temp_dir().join(format!("hv-guide-recordings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut app = TestApp::all().await.remove(0);
    let cache = AudioCache::open(&dir, Arc::new(NoEngine), Voice::vietnamese()).await.unwrap();
    let ctx = app.ctx.clone().with_guide_audio(Arc::new(GuideAudio::recordings_only(cache, dir.clone())));
    app.router = hocvuso_web::router(AppState::new(ctx, WebSettings::default()));
    let audio_path = format!("/guides/{SLUG}/steps/3/audio");
    assert_eq!(app.get(&audio_path, None).await.status, StatusCode::SERVICE_UNAVAILABLE);

    let staff = app.sign_in(demo::STAFF_A).await;
    let upload = format!("/guide-editor/{SLUG}/steps/3/recording");
    let refused =
        post_multipart(&app, &upload, &staff, &[], Some(("ghi-am.txt", b"xin chao, day khong phai am thanh"))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Chỉ nhận tệp ghi âm Ogg Opus, MP3 hoặc WAV."));
    let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
    let mut mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    mp3.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
    mp3.extend_from_slice(&[0u8; 400]);
    let forbidden = post_multipart(&app, &upload, &volunteer, &[], Some(("a.mp3", &mp3))).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&audio_path, None).await.status, StatusCode::SERVICE_UNAVAILABLE);

    let saved = post_multipart(&app, &upload, &staff, &[], Some(("buoc3.mp3", &mp3))).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let audio = app.get(&audio_path, None).await;
    assert_eq!(audio.status, StatusCode::OK);
    assert_eq!(audio.headers.get("content-type").unwrap(), "audio/mpeg");
    assert!(audio.body.starts_with("ID3"));
    // The other steps still have no voice.
    assert_eq!(app.get(&format!("/guides/{SLUG}/steps/2/audio"), None).await.status, StatusCode::SERVICE_UNAVAILABLE);
    let editor = app.get(&format!("/guide-editor/{SLUG}"), Some(&staff)).await;
    assert!(editor.body.contains("Nút Nghe của bước này phát bản ghi âm của cán bộ."));

    // WAV is encoded to Ogg Opus when opusenc is installed, refused with a message otherwise.
    let mut wav = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00".to_vec();
    wav.extend_from_slice(&[0u8; 3200]);
    let wav_upload =
        post_multipart(&app, &format!("/guide-editor/{SLUG}/steps/4/recording"), &staff, &[], Some(("a.wav", &wav)))
            .await;
    if has_program("opusenc") {
        assert_eq!(wav_upload.status, StatusCode::SEE_OTHER, "{}", wav_upload.body);
        let audio = app.get(&format!("/guides/{SLUG}/steps/4/audio"), None).await;
        assert!(audio.headers.get("content-type").unwrap().to_str().unwrap().starts_with("audio/ogg"));
    } else {
        assert_eq!(wav_upload.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wav_upload.body.contains("Máy chủ chưa chuyển được tệp WAV"));
    }

    let deleted = post_multipart(&app, &format!("{upload}-delete"), &staff, &[], None).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&audio_path, None).await.status, StatusCode::SERVICE_UNAVAILABLE);
    let mut tx = app.ctx.store.read().await.unwrap();
    let audit = tx.list_audit(None, 50).await.unwrap();
    drop(tx);
    assert!(audit.iter().any(|e| e.detail == format!("guide recording: {SLUG} step 3")));
    assert!(audit.iter().any(|e| e.detail == format!("guide recording removed: {SLUG} step 3")));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_recording_wins_over_generated_speech() {
    let dir = std::env::temp_dir().join(format!("hv-guide-recording-wins-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut app, router) = crate::guides::app_with_engine(false, &dir).await;
    app.router = router;
    let audio_path = format!("/guides/{SLUG}/steps/1/audio");
    let generated = app.get(&audio_path, None).await;
    assert!(generated.headers.get("content-type").unwrap().to_str().unwrap().starts_with("audio/ogg"));
    let staff = app.sign_in(demo::STAFF_A).await;
    let mut mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    mp3.extend_from_slice(&[0u8; 64]);
    let saved =
        post_multipart(&app, &format!("/guide-editor/{SLUG}/steps/1/recording"), &staff, &[], Some(("a.mp3", &mp3)))
            .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let recorded = app.get(&audio_path, None).await;
    assert_eq!(recorded.headers.get("content-type").unwrap(), "audio/mpeg");
    std::fs::remove_dir_all(&dir).ok();
}

// guide gaps: photos on the leaflet, delete, offline audio

#[tokio::test]
async fn an_uploaded_photo_is_printed_on_the_leaflet() {
    let app = TestApp::all().await.remove(0);
    let staff = app.sign_in(demo::STAFF_A).await;
    let leaflet = format!("/guides/{SLUG}/leaflet.pdf");
    let (status, _, before) = crate::guides::get_bytes(&app, &leaflet, "localhost").await;
    assert_eq!(status, StatusCode::OK);
    let photo = hocvuso_test_support::picture::png_solid(400, 300, [200, 120, 40]);
    let saved =
        post_multipart(&app, &format!("/guide-editor/{SLUG}/steps/2/picture"), &staff, &[], Some(("anh.png", &photo)))
            .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get(&format!("/guides/{SLUG}"), None).await;
    assert!(page.body.contains(&format!("src=\"/guides/{SLUG}/pictures/2-")) && page.body.contains(".jpg\""));
    let (status, _, after) = crate::guides::get_bytes(&app, &leaflet, "localhost").await;
    assert_eq!(status, StatusCode::OK);
    let Some(images) = hocvuso_test_support::pdf::pdf_images(&before) else { return };
    assert!(images.is_empty(), "the starter drawings are vector graphics: {images:?}");
    let images = hocvuso_test_support::pdf::pdf_images(&after).unwrap();
    assert_eq!(images, vec![("image".to_owned(), 400, 300)], "the photo is printed once, at its size");
}

#[tokio::test]
async fn staff_delete_a_guide_they_added_after_a_confirmation() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let template = hocvuso_app::guide_edits::new_guide_text().replace("Một đoạn mở đầu ngắn.", "Bài hocvusoxoa.");
        let saved =
            post_multipart(&app, "/guide-editor/new", &staff, &[("markdown", &template), ("action", "save")], None)
                .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let editor = app.get("/guide-editor/bai-moi", Some(&staff)).await;
        assert!(editor.body.contains("href=\"/guide-editor/bai-moi/delete\""), "{}", app.label);
        // A starter guide shows no delete, and refuses one with a message.
        let starter = app.get(&format!("/guide-editor/{SLUG}"), Some(&staff)).await;
        assert!(!starter.body.contains("/delete\""));
        let refused = app.get(&format!("/guide-editor/{SLUG}/delete"), Some(&staff)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Bài có sẵn trong phần mềm không xoá được"), "{}", refused.body);
        let refused = post_multipart(&app, &format!("/guide-editor/{SLUG}/delete"), &staff, &[], None).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.get(&format!("/guides/{SLUG}"), None).await.status, StatusCode::OK);

        // A resident was taught it; another commune cannot delete it; a forged form changes nothing.
        let list = app.get("/residents", Some(&staff)).await;
        let id: String = list
            .body
            .split("href=\"/residents/")
            .skip(1)
            .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
            .find(|id| !id.is_empty())
            .unwrap();
        let taught =
            app.post_form(&format!("/residents/{id}/guides-taught"), Some(&staff), &[("guide", "bai-moi")]).await;
        assert_eq!(taught.status, StatusCode::SEE_OTHER, "{}", app.label);
        let other = app.sign_in(demo::STAFF_B).await;
        let refused = post_multipart(&app, "/guide-editor/bai-moi/delete", &other, &[], None).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        let forged = Browser { cookie: staff.cookie.clone(), csrf: "forged".into() };
        let refused = post_multipart(&app, "/guide-editor/bai-moi/delete", &forged, &[], None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/guides/bai-moi", None).await.status, StatusCode::OK);

        // The confirmation says what goes; the delete takes it off every page at once.
        let confirm = app.get("/guide-editor/bai-moi/delete", Some(&staff)).await;
        assert_eq!(confirm.status, StatusCode::OK, "{}", app.label);
        assert!(confirm.body.contains("Tên bài hướng dẫn") && confirm.body.contains("không lấy lại được"));
        assert!(confirm.body.contains("Xoá hẳn bài này"));
        let deleted = post_multipart(&app, "/guide-editor/bai-moi/delete", &staff, &[], None).await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
        assert_eq!(deleted.location(), "/guide-editor?deleted=1");
        assert!(app.get("/guide-editor?deleted=1", Some(&staff)).await.body.contains("Đã xoá bài hướng dẫn."));
        assert_eq!(app.get("/guides/bai-moi", None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/guides/bai-moi/senior/1", None).await.status, StatusCode::NOT_FOUND);
        assert!(!app.get("/guides", None).await.body.contains("href=\"/guides/bai-moi\""));
        assert!(!app.get("/guides?q=hocvusoxoa", None).await.body.contains("href=\"/guides/bai-moi\""));
        let offline = app.get("/guides/offline.json", None).await.json();
        assert!(!offline["pages"].as_array().unwrap().iter().any(|p| p.as_str().unwrap().contains("bai-moi")));
        assert!(!app.get("/guide-editor", Some(&staff)).await.body.contains("bai-moi"));
        // The resident's page and export still open; the record shows the slug.
        let page = app.get(&format!("/residents/{id}"), Some(&staff)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", app.label);
        assert!(page.body.contains(": bai-moi"), "{}", app.label);
        let admin = app.sign_in(demo::ADMIN_A).await;
        let export = app.get(&format!("/residents/{id}/export"), Some(&admin)).await;
        assert!(export.body.contains("\"guide_slug\": \"bai-moi\""), "{}", app.label);
    }
}

#[tokio::test]
async fn the_offline_list_takes_the_audio_that_is_ready_and_counts_the_rest() {
    let dir = std::env::temp_dir().join(format!("hv-guide-offline-audio-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut app = TestApp::all().await.remove(0);
    let cache = AudioCache::open(&dir, Arc::new(NoEngine), Voice::vietnamese()).await.unwrap();
    let ctx = app.ctx.clone().with_guide_audio(Arc::new(GuideAudio::recordings_only(cache, dir.clone())));
    app.router = hocvuso_web::router(AppState::new(ctx, WebSettings::default()));
    let before = app.get("/guides/offline.json", None).await.json();
    let steps: usize = app.ctx.guides().list().iter().map(|g| g.steps.len()).sum();
    assert_eq!(before["audio"].as_array().unwrap().len(), 0, "no audio is ready, none is made for the list");
    assert_eq!(before["audio_missing"].as_u64().unwrap() as usize, steps);

    let staff = app.sign_in(demo::STAFF_A).await;
    let mut mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    mp3.extend_from_slice(&[0u8; 5000]);
    let saved =
        post_multipart(&app, &format!("/guide-editor/{SLUG}/steps/3/recording"), &staff, &[], Some(("a.mp3", &mp3)))
            .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let list = app.get("/guides/offline.json", None).await;
    assert_eq!(list.headers.get("cache-control").unwrap(), "no-store");
    let list = list.json();
    let audio: Vec<&str> = list["audio"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(audio.len(), 1, "{audio:?}");
    assert!(audio[0].starts_with(&format!("/guides/{SLUG}/steps/3/audio?v=")), "{audio:?}");
    assert_eq!(list["audio_missing"].as_u64().unwrap() as usize, steps - 1);
    // The page's Listen button asks for the same address, so the kept copy answers it offline.
    let page = app.get(&format!("/guides/{SLUG}"), None).await;
    assert!(page.body.contains(&format!("src=\"{}\"", audio[0])), "{}", app.label);
    let senior = app.get(&format!("/guides/{SLUG}/senior/3"), None).await;
    assert!(senior.body.contains(&format!("src=\"{}\"", audio[0])));
    let (status, kind, served) = crate::guides::get_bytes(&app, audio[0], "localhost").await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "audio/mpeg"));
    assert_eq!(served, mp3);
    // The size shown before downloading counts the audio and every picture.
    let pages = list["pages"].as_array().unwrap().len() + list["assets"].as_array().unwrap().len();
    assert_eq!(list["files"].as_u64().unwrap() as usize, pages + 1);
    let size = list["bytes"].as_u64().unwrap() - before["bytes"].as_u64().unwrap();
    assert_eq!(size as usize, mp3.len(), "the recording adds its own size");

    // One guide's list: what a phone keeps when the guide is opened.
    let one = app.get(&format!("/guides/{SLUG}/offline.json"), None).await.json();
    let guide = app.ctx.guides().get(SLUG).unwrap();
    assert_eq!(one["pages"].as_array().unwrap().len(), 1 + 2 * guide.steps.len());
    assert_eq!(one["audio"].as_array().unwrap().len(), 1);
    assert_eq!(app.get("/guides/no-such-guide/offline.json", None).await.status, StatusCode::NOT_FOUND);

    // Editing the step's words gives its audio a new address (no phone keeps playing the old words).
    let first_audio = |body: &str| -> String {
        let at = body.find("src=\"/guides/dang-ky-khai-sinh/steps/1/audio?v=").unwrap() + 5;
        body[at..].chars().take_while(|c| *c != '"').collect()
    };
    let old = first_audio(&page.body);
    let saved = post_multipart(
        &app,
        &format!("/guide-editor/{SLUG}"),
        &staff,
        &[("markdown", &edited_text(&app, "hocvusoaudio")), ("action", "save")],
        None,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let new = first_audio(&app.get(&format!("/guides/{SLUG}"), None).await.body);
    assert_ne!(old, new);
    std::fs::remove_dir_all(&dir).ok();
}
