//! Security headers on every response, the Origin check on every unsafe request, and error pages.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::error::ErrorMarker;
use crate::extract::lang_of;
use crate::i18n::error_message;
use crate::layout::PageContext;

/// No inline script or style anywhere, so the policy needs no `unsafe-inline`.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers.
pub(crate) async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A response that set a stricter policy of its own (a guide's picture) keeps it.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if state.settings.secure_cookies {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}

/// Refuses unsafe requests sent from another site: `Sec-Fetch-Site: cross-site`, or an `Origin` whose host is not
/// ours. The CSRF token of each form is the second check.
pub(crate) async fn same_origin(request: Request, next: Next) -> Response {
    if !request.method().is_safe() || request.method() == Method::OPTIONS {
        let headers = request.headers();
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin_host = headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .map(|origin| origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin));
        let is_cross_site = fetch_site == Some("cross-site") || origin_host.is_some_and(|o| o != host);
        if is_cross_site {
            return crate::extract::csrf_refused();
        }
    }
    next.run(request).await
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: PageContext,
    status: u16,
    message: &'static str,
    details: Vec<&'static str>,
}

/// Renders an error page for every response that carries an [`ErrorMarker`], and for bare 404, 405 and 413s.
pub(crate) async fn error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let lang = lang_of(request.headers());
    let path = request.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let marker = response.extensions().get::<ErrorMarker>().cloned();
    let marker = match marker {
        Some(marker) => marker,
        None if status == StatusCode::NOT_FOUND && !has_body(&response) => {
            ErrorMarker { code: "not_found", fields: Vec::new() }
        }
        None if status == StatusCode::BAD_REQUEST => ErrorMarker { code: "form_malformed", fields: Vec::new() },
        None if status == StatusCode::METHOD_NOT_ALLOWED => {
            ErrorMarker { code: "method_not_allowed", fields: Vec::new() }
        }
        None if status == StatusCode::PAYLOAD_TOO_LARGE => ErrorMarker { code: "body_too_large", fields: Vec::new() },
        None => return response,
    };
    if is_api {
        let body = crate::error::ApiError::body(marker.code, Vec::new());
        return (status, axum::Json(body)).into_response();
    }
    let page = ErrorPage {
        ctx: PageContext::new(&state, lang, None, &path),
        status: status.as_u16(),
        message: error_message(marker.code, lang),
        details: marker.fields.iter().map(|code| error_message(code, lang)).collect(),
    };
    match page.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => status.into_response(),
    }
}

fn has_body(response: &Response) -> bool {
    use axum::body::HttpBody;
    response.body().size_hint().upper() != Some(0)
}
