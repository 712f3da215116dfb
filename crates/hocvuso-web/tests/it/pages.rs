use axum::http::{Method, StatusCode};

use crate::{TestApp, demo};

#[tokio::test]
async fn the_home_page_is_vietnamese_with_security_headers() {
    for app in TestApp::all().await {
        let home = app.get("/", None).await;
        assert_eq!(home.status, StatusCode::OK, "{}", app.label);
        assert!(home.body.contains("<html lang=\"vi\">"));
        assert!(home.body.contains("Xã Quỳ Châu"), "{}: served communes are listed", app.label);
        let csp = home.headers.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(home.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(home.headers.get("referrer-policy").unwrap(), "same-origin");
        assert!(home.headers.get("permissions-policy").is_some());
        assert!(home.headers.get("strict-transport-security").is_none(), "no HSTS without TLS");
    }
}

#[tokio::test]
async fn english_is_the_second_locale() {
    for app in TestApp::all().await {
        let switch = app.get("/lang/en?next=/units", None).await;
        assert_eq!(switch.status, StatusCode::SEE_OTHER, "{}", app.label);
        assert_eq!(switch.location(), "/units");
        assert_eq!(switch.cookie("hv_lang").as_deref(), Some("en"));
        let page = app
            .request(
                axum::http::Request::get("/units")
                    .header("host", "localhost")
                    .header("cookie", "hv_lang=en")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(
            page.body.contains("<html lang=\"en\">") && page.body.contains("Administrative units"),
            "{}",
            app.label
        );
        let outside = app.get("/lang/en?next=//evil.example", None).await;
        assert_eq!(outside.location(), "/", "{}: no open redirect", app.label);
    }
}

#[tokio::test]
async fn the_unit_lists_are_public() {
    for app in TestApp::all().await {
        let provinces = app.get("/units", None).await;
        assert_eq!(provinces.body.matches("href=\"/units/").count(), 34, "{}", app.label);
        let nghe_an = app.get("/units/40", None).await;
        assert!(nghe_an.body.contains("Xã Châu Bình") && nghe_an.body.contains("16804"), "{}", app.label);
        assert_eq!(app.get("/units/99", None).await.status, StatusCode::NOT_FOUND);
        let api = app.api(Method::GET, "/api/v1/provinces/40/communes", None, None).await.json();
        assert_eq!(api.as_array().unwrap().len(), 130, "{}", app.label);
    }
}

#[tokio::test]
async fn unknown_pages_get_a_vietnamese_404() {
    for app in TestApp::all().await {
        let missing = app.get("/khong-co-trang-nay", None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", app.label);
        assert!(missing.body.contains("Không tìm thấy trang hoặc dữ liệu này."));
        let api = app.api(Method::GET, "/api/v1/khong-co", None, None).await;
        assert_eq!(api.json()["error"]["code"], "not_found", "{}", app.label);
    }
}

#[tokio::test]
async fn static_files_have_hashed_names_and_long_cache_lifetimes() {
    for app in TestApp::all().await {
        let home = app.get("/", None).await;
        let css = crate::extract_value(&home.body, "rel=\"stylesheet\" href=\"").unwrap();
        assert!(css.starts_with("/static/app.") && css.ends_with(".css"), "{css}");
        let response = app
            .request(
                axum::http::Request::get(&css)
                    .header("host", "localhost")
                    .header("accept-encoding", "br")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", app.label);
        assert!(response.headers.get("cache-control").unwrap().to_str().unwrap().contains("immutable"));
        assert_eq!(response.headers.get("content-encoding").map(|v| v.to_str().unwrap()), Some("br"));
        assert_eq!(
            app.get("/static/app.css", None).await.status,
            StatusCode::NOT_FOUND,
            "unhashed names are not served"
        );
    }
}

#[tokio::test]
async fn health_metrics_and_the_openapi_document_answer() {
    for app in TestApp::all().await {
        assert_eq!(app.get("/healthz", None).await.body, "ok", "{}", app.label);
        app.get("/", None).await;
        let metrics = app.get("/metrics", None).await.body;
        assert!(metrics.contains("hocvuso_http_requests_total{class=\"2xx\"}"), "{metrics}");
        let doc = app.get("/api/openapi.json", None).await.json();
        assert_eq!(doc["info"]["title"], "Học vụ số API");
        assert!(doc["paths"]["/api/v1/residents/{resident_id}"].is_object(), "{}", app.label);
    }
}

#[tokio::test]
async fn oversized_and_malformed_bodies_are_refused_in_vietnamese() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let huge = "x".repeat(200_000);
        let response = app.post_form("/hamlets", Some(&staff), &[("name", &huge), ("kind", "thon")]).await;
        assert!(response.status.is_client_error(), "{}: {}", app.label, response.status);
        assert!(response.body.contains("quá lớn") || response.body.contains("không đúng dạng"), "{}", response.body);
        let bad_json = app.api(Method::POST, "/api/v1/hamlets", Some(&staff), Some("{\"name\": 5")).await;
        assert_eq!(bad_json.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert_eq!(bad_json.json()["error"]["code"], "invalid_input");
        let empty_name =
            app.api(Method::POST, "/api/v1/hamlets", Some(&staff), Some(r#"{"name":"  ","kind":"thon"}"#)).await;
        assert_eq!(empty_name.json()["error"]["fields"][0]["code"], "hamlet_name_invalid", "{}", app.label);
    }
}

#[tokio::test]
async fn staff_add_hamlets_that_list_in_vietnamese_order() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let made = app.post_form("/hamlets", Some(&staff), &[("name", "  Ấp\u{200b} Mới  "), ("kind", "ap")]).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}: {}", app.label, made.body);
        let again = app.post_form("/hamlets", Some(&staff), &[("name", "ấp mới"), ("kind", "ap")]).await;
        assert!(again.body.contains("Xã đã có thôn, bản tên này."), "{}", app.label);
        let hamlets = app.api(Method::GET, "/api/v1/hamlets", Some(&staff), None).await.json();
        let names: Vec<&str> = hamlets.as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["Ấp Mới", "Bản Hoa Tiến", "Khối Tân Lạc", "Thôn Đông", "Thôn Tây", "Xóm Mới"],
            "{}",
            app.label
        );
    }
}

#[tokio::test]
async fn behind_tls_cookies_are_secure_host_prefixed_and_hsts_is_sent() {
    let store = hocvuso_test_support::sqlite_store().await;
    let settings = hocvuso_web::WebSettings { secure_cookies: true, is_demo: true };
    let app = TestApp::with_settings(store, settings).await;
    let home = app.get("/", None).await;
    assert_eq!(home.headers.get("strict-transport-security").unwrap(), "max-age=31536000");
    assert!(home.body.contains("Bản dùng thử"), "the demo banner shows");
    let login = app.get("/login", None).await;
    let cookie = login.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-hv_login=") && cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}
