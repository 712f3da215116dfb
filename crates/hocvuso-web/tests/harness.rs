//! The harness shared by the test binaries: a demo deployment behind the router, driven in-process.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use hocvuso_app::{Clock, Ctx, PasswordHasher};
use hocvuso_test_support::{TestStore, stores, test_now};
use hocvuso_web::{AppState, WebSettings};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The demo deployment behind a router.
pub struct TestApp {
    pub router: Router,
    pub ctx: Ctx,
    pub clock: Clock,
    pub label: &'static str,
    _store: TestStore,
}

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
            let (pair, _) = c.split_once(';').unwrap_or((c, ""));
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }
}

/// A signed-in browser: its session cookie and CSRF token.
#[derive(Clone, Debug)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

pub const DEMO_PASSWORD: &str = hocvuso_app::demo::DEMO_PASSWORD;

impl TestApp {
    pub async fn on(store: TestStore) -> TestApp {
        TestApp::with_settings(store, WebSettings::default()).await
    }

    pub async fn with_settings(store: TestStore, settings: WebSettings) -> TestApp {
        let clock = Clock::fixed(test_now());
        let ctx = Ctx::new(store.store.clone(), clock.clone(), PasswordHasher::new(2));
        hocvuso_app::demo::load_demo(&ctx, &|_, _| {}).await.expect("demo loads");
        let router = hocvuso_web::router(AppState::new(ctx.clone(), settings));
        TestApp { router, ctx, clock, label: store.label, _store: store }
    }

    /// One app per backend.
    pub async fn all() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for store in stores().await {
            apps.push(TestApp::on(store).await);
        }
        apps
    }

    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        TestResponse { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, path: &str, browser: Option<&Browser>) -> TestResponse {
        let mut builder = Request::get(path).header(header::HOST, "localhost");
        if let Some(browser) = browser {
            builder = builder.header(header::COOKIE, &browser.cookie);
        }
        self.request(builder.body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&self, path: &str, browser: Option<&Browser>, fields: &[(&str, &str)]) -> TestResponse {
        let mut pairs: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if let Some(browser) = browser
            && !fields.iter().any(|(k, _)| *k == "_csrf")
        {
            pairs.push(("_csrf".into(), browser.csrf.clone()));
        }
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let mut builder = Request::post(path)
            .header(header::HOST, "localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(browser) = browser {
            builder = builder.header(header::COOKIE, &browser.cookie);
        }
        self.request(builder.body(Body::from(body)).unwrap()).await
    }

    pub async fn api(&self, method: Method, path: &str, browser: Option<&Browser>, json: Option<&str>) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path).header(header::HOST, "localhost");
        if let Some(browser) = browser {
            builder = builder.header(header::COOKIE, &browser.cookie).header("x-csrf-token", &browser.csrf);
        }
        let body = match json {
            Some(json) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_owned())
            }
            None => Body::empty(),
        };
        self.request(builder.body(body).unwrap()).await
    }

    /// Signs in through the real form (login page, its CSRF cookie, then the post).
    pub async fn sign_in(&self, phone: &str) -> Browser {
        self.try_sign_in(phone, DEMO_PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("{}: sign-in of {phone} failed: {}", self.label, r.status))
    }

    pub async fn try_sign_in(&self, phone: &str, password: &str) -> Result<Browser, TestResponse> {
        let form = self.get("/login", None).await;
        let login_cookie = form.cookie("hv_login").expect("login cookie");
        let token = extract_value(&form.body, "name=\"_csrf\" value=\"").expect("login token");
        let body = serde_urlencoded::to_string([
            ("_csrf", token.as_str()),
            ("phone", phone),
            ("password", password),
            ("next", "/"),
        ])
        .unwrap();
        let response = self
            .request(
                Request::post("/login")
                    .header(header::HOST, "localhost")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, format!("hv_login={login_cookie}"))
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        let Some(session) = response.cookie("hv_session") else { return Err(response) };
        let cookie = format!("hv_session={session}");
        let me = self
            .api(Method::GET, "/api/v1/me", Some(&Browser { cookie: cookie.clone(), csrf: String::new() }), None)
            .await;
        let csrf = me.json()["csrf_token"].as_str().expect("csrf token").to_owned();
        Ok(Browser { cookie, csrf })
    }
}

/// A multipart form posting one file with a CSRF token to `path`, as a browser's upload form does.
pub fn upload_request(path: &str, browser: &Browser, csrf: &str, file_name: &str, file: &[u8]) -> Request<Body> {
    let boundary = "hocvusoBOUNDARY";
    let mut body = Vec::new();
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n").as_bytes());
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, &browser.cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap()
}

/// The text after `marker` up to the next `"`.
pub fn extract_value(html: &str, marker: &str) -> Option<String> {
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// Demo phones by role.
pub mod demo {
    pub const SUPER_ADMIN: &str = "0900000001";
    pub const PROVINCE_STAFF: &str = "0900000002";
    pub const ADMIN_A: &str = "0900000010";
    pub const STAFF_A: &str = "0900000011";
    pub const LEAD_A: &str = "0900000012";
    pub const VOLUNTEER_A: &str = "0900000013";
    pub const RESIDENT_A: &str = "0900000014";
    pub const ADMIN_B: &str = "0900000020";
    pub const STAFF_B: &str = "0900000021";
    pub const LEAD_B: &str = "0900000022";
    pub const VOLUNTEER_B: &str = "0900000023";
    pub const RESIDENT_B: &str = "0900000024";
}
