use axum::http::{Method, StatusCode};
use time::Duration;

use crate::{TestApp, demo};

#[tokio::test]
async fn every_demo_role_signs_in_and_lands_on_the_dashboard() {
    for app in TestApp::all().await {
        for phone in [
            demo::SUPER_ADMIN,
            demo::PROVINCE_STAFF,
            demo::ADMIN_A,
            demo::STAFF_A,
            demo::LEAD_A,
            demo::VOLUNTEER_A,
            demo::RESIDENT_A,
        ] {
            let browser = app.sign_in(phone).await;
            let page = app.get("/dashboard", Some(&browser)).await;
            assert_eq!(page.status, StatusCode::OK, "{} {phone}", app.label);
            assert!(page.body.contains("Xin chào"), "{} {phone}", app.label);
        }
    }
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_and_new_at_each_sign_in() {
    for app in TestApp::all().await {
        let form = app.get("/login", None).await;
        let token = crate::extract_value(&form.body, "name=\"_csrf\" value=\"").unwrap();
        let login_cookie = form.cookie("hv_login").unwrap();
        let body = serde_urlencoded::to_string([
            ("_csrf", token.as_str()),
            ("phone", demo::STAFF_A),
            ("password", crate::DEMO_PASSWORD),
        ])
        .unwrap();
        let post = || {
            axum::http::Request::post("/login")
                .header("host", "localhost")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", format!("hv_login={login_cookie}; hv_session=attacker-chosen"))
                .body(axum::body::Body::from(body.clone()))
                .unwrap()
        };
        let first = app.request(post()).await;
        let second = app.request(post()).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", app.label);
        let set_cookie: Vec<_> =
            first.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        let session_cookie = set_cookie.iter().find(|c| c.starts_with("hv_session=")).unwrap();
        assert!(
            session_cookie.contains("HttpOnly")
                && session_cookie.contains("SameSite=Lax")
                && session_cookie.contains("Path=/")
        );
        let (a, b) = (first.cookie("hv_session").unwrap(), second.cookie("hv_session").unwrap());
        assert_ne!(a, b, "{}: a new session id at every sign-in", app.label);
        assert_ne!(a, "attacker-chosen");
        assert!(a.len() >= 32, "at least 128 random bits");
    }
}

#[tokio::test]
async fn wrong_passwords_and_unknown_accounts_get_the_same_vietnamese_message() {
    for app in TestApp::all().await {
        let wrong = app.try_sign_in(demo::STAFF_A, "sai-mat-khau-roi").await.unwrap_err();
        let unknown = app.try_sign_in("0987000000", "sai-mat-khau-roi").await.unwrap_err();
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", app.label);
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{}", app.label);
        let message = "Số điện thoại hoặc mật khẩu không đúng.";
        assert!(wrong.body.contains(message) && unknown.body.contains(message), "{}", app.label);
        let malformed = app.try_sign_in("12ab", "x").await.unwrap_err();
        assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
    }
}

#[tokio::test]
async fn five_failures_lock_the_account_not_the_address_and_the_lock_expires() {
    for app in TestApp::all().await {
        for _ in 0..5 {
            app.try_sign_in(demo::VOLUNTEER_A, "sai-mat-khau-roi").await.unwrap_err();
        }
        let locked = app.try_sign_in(demo::VOLUNTEER_A, crate::DEMO_PASSWORD).await.unwrap_err();
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", app.label);
        assert!(locked.body.contains("tạm khoá"), "{}", app.label);
        // Another account behind the same address is unaffected.
        app.sign_in(demo::STAFF_A).await;
        app.clock.advance(Duration::minutes(2));
        app.sign_in(demo::VOLUNTEER_A).await;
    }
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    for app in TestApp::all().await {
        let browser = app.sign_in(demo::STAFF_A).await;
        let out = app.post_form("/logout", Some(&browser), &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", app.label);
        let after = app.get("/dashboard", Some(&browser)).await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
        assert_eq!(after.location(), "/login?next=%2Fdashboard", "{}", app.label);
        let api = app.api(Method::GET, "/api/v1/me", Some(&browser), None).await;
        assert_eq!(api.status, StatusCode::UNAUTHORIZED, "{}", app.label);
        assert_eq!(api.json()["error"]["code"], "unauthenticated");
    }
}

#[tokio::test]
async fn sessions_expire_when_idle_and_after_twelve_hours() {
    for app in TestApp::all().await {
        let browser = app.sign_in(demo::STAFF_A).await;
        app.clock.advance(Duration::minutes(119));
        assert_eq!(app.get("/dashboard", Some(&browser)).await.status, StatusCode::OK, "{}", app.label);
        app.clock.advance(Duration::minutes(121));
        assert_eq!(app.get("/dashboard", Some(&browser)).await.status, StatusCode::SEE_OTHER, "{}: idle", app.label);
        let browser = app.sign_in(demo::STAFF_A).await;
        for _ in 0..13 {
            app.clock.advance(Duration::minutes(59));
            app.get("/dashboard", Some(&browser)).await;
        }
        assert_eq!(
            app.get("/dashboard", Some(&browser)).await.status,
            StatusCode::SEE_OTHER,
            "{}: absolute",
            app.label
        );
    }
}

#[tokio::test]
async fn changing_the_password_ends_every_session() {
    for app in TestApp::all().await {
        let phone = demo::LEAD_A;
        let laptop = app.sign_in(phone).await;
        let phone_browser = app.sign_in(phone).await;
        let weak = app
            .post_form(
                "/account/password",
                Some(&laptop),
                &[("current_password", crate::DEMO_PASSWORD), ("new_password", "matkhau123")],
            )
            .await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(weak.body.contains("quá phổ biến"), "{}", app.label);
        let done = app
            .post_form(
                "/account/password",
                Some(&laptop),
                &[("current_password", crate::DEMO_PASSWORD), ("new_password", "Trâu đi cày sớm")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", app.label);
        assert_eq!(app.get("/dashboard", Some(&phone_browser)).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/dashboard", Some(&laptop)).await.status, StatusCode::SEE_OTHER);
        app.try_sign_in(phone, crate::DEMO_PASSWORD).await.unwrap_err();
        app.try_sign_in(phone, "Trâu đi cày sớm").await.unwrap();
    }
}

#[tokio::test]
async fn a_commune_admin_creates_and_disables_accounts_of_their_commune() {
    for app in TestApp::all().await {
        let admin = app.sign_in(demo::ADMIN_A).await;
        let bad = app
            .post_form(
                "/users",
                Some(&admin),
                &[("display_name", "TNV mới"), ("phone", "0612"), ("role", "volunteer"), ("password", "ngắn")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(bad.body.contains("Mật khẩu cần ít nhất 8 ký tự."), "{}", app.label);
        let made = app
            .post_form(
                "/users",
                Some(&admin),
                &[
                    ("display_name", "Tình nguyện viên mới"),
                    ("phone", "+84 977.123.456"),
                    ("role", "volunteer"),
                    ("password", "Lúa chín vàng đồng"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}: {}", app.label, made.body);
        let volunteer = app.try_sign_in("0977123456", "Lúa chín vàng đồng").await.unwrap();
        let taken = app
            .post_form(
                "/users",
                Some(&admin),
                &[
                    ("display_name", "Trùng"),
                    ("phone", "0977123456"),
                    ("role", "volunteer"),
                    ("password", "Lúa chín vàng đồng"),
                ],
            )
            .await;
        assert!(taken.body.contains("đã có tài khoản"), "{}", app.label);
        let escalate = app
            .post_form(
                "/users",
                Some(&admin),
                &[
                    ("display_name", "X"),
                    ("phone", "0977123457"),
                    ("role", "super_admin"),
                    ("password", "Lúa chín vàng đồng"),
                ],
            )
            .await;
        assert_ne!(escalate.status, StatusCode::SEE_OTHER, "{}: no escalation", app.label);
        let me = app.api(Method::GET, "/api/v1/me", Some(&volunteer), None).await.json();
        let user_id = me["user_id"].as_i64().unwrap();
        let disabled = app.post_form(&format!("/users/{user_id}/disable"), Some(&admin), &[]).await;
        assert_eq!(disabled.status, StatusCode::SEE_OTHER, "{}", app.label);
        assert_eq!(app.get("/dashboard", Some(&volunteer)).await.status, StatusCode::SEE_OTHER, "{}", app.label);
        app.try_sign_in("0977123456", "Lúa chín vàng đồng").await.unwrap_err();
    }
}

#[tokio::test]
async fn forms_without_the_session_token_or_from_another_site_change_nothing() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let other = app.sign_in(demo::STAFF_B).await;
        let no_token =
            app.post_form("/hamlets", Some(&staff), &[("_csrf", ""), ("name", "Thôn Giả"), ("kind", "thon")]).await;
        let foreign_token = app
            .post_form(
                "/hamlets",
                Some(&staff),
                &[("_csrf", other.csrf.as_str()), ("name", "Thôn Giả"), ("kind", "thon")],
            )
            .await;
        let cross_site = app
            .request(
                axum::http::Request::post("/hamlets")
                    .header("host", "localhost")
                    .header("origin", "https://evil.example")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", &staff.cookie)
                    .body(axum::body::Body::from(format!("_csrf={}&name=Th%C3%B4n+Gi%E1%BA%A3&kind=thon", staff.csrf)))
                    .unwrap(),
            )
            .await;
        for response in [&no_token, &foreign_token, &cross_site] {
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", app.label);
            assert!(response.body.contains("Biểu mẫu đã cũ"), "{}", app.label);
        }
        let api_without_header = app
            .request(
                axum::http::Request::post("/api/v1/hamlets")
                    .header("host", "localhost")
                    .header("content-type", "application/json")
                    .header("cookie", &staff.cookie)
                    .body(axum::body::Body::from(r#"{"name":"Thôn Giả","kind":"thon"}"#))
                    .unwrap(),
            )
            .await;
        assert_eq!(api_without_header.status, StatusCode::FORBIDDEN, "{}", app.label);
        let hamlets = app.api(Method::GET, "/api/v1/hamlets", Some(&staff), None).await.json();
        assert!(!hamlets.to_string().contains("Thôn Giả"), "{}: nothing was written", app.label);
        let get_on_post_route = app.get("/logout", Some(&staff)).await;
        assert_eq!(get_on_post_route.status, StatusCode::METHOD_NOT_ALLOWED, "{}", app.label);
    }
}
