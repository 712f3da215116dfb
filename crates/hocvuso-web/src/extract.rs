//! Extractors: the signed-in user, the reader's language, and forms whose CSRF token has been checked.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use hocvuso_app::AppError;
use hocvuso_app::accounts::Session;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{ApiError, WebError};
use crate::i18n::Lang;

/// The cookie that keeps the reader's language.
pub(crate) const LANG_COOKIE: &str = "hv_lang";

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(lang_of(&parts.headers))
    }
}

/// The language chosen with the language cookie, Vietnamese otherwise.
pub(crate) fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    CookieJar::from_headers(headers).get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())).unwrap_or_default()
}

/// Looks up the session once per request and keeps it in the request's extensions.
async fn session_of(parts: &mut Parts, state: &AppState) -> Result<Option<Session>, AppError> {
    if let Some(cached) = parts.extensions.get::<Option<Session>>() {
        return Ok(cached.clone());
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let session = match jar.get(state.session_cookie()) {
        Some(cookie) if !cookie.value().is_empty() && cookie.value().len() <= 128 => {
            hocvuso_app::accounts::session(&state.ctx, cookie.value()).await?
        }
        _ => None,
    };
    parts.extensions.insert(session.clone());
    Ok(session)
}

/// A signed-in user on an HTML page; anyone else is sent to the sign-in page and brought back after.
pub struct SignedIn(pub Session);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match session_of(parts, state).await {
            Ok(Some(session)) => Ok(SignedIn(session)),
            Ok(None) => {
                let next = parts.uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
                let target = if parts.method == axum::http::Method::GET {
                    format!("/login?next={}", urlencoding::encode(next))
                } else {
                    "/login".to_owned()
                };
                Err(Redirect::to(&target).into_response())
            }
            Err(err) => Err(WebError(err).into_response()),
        }
    }
}

/// The session if there is one (public pages show "sign in" or the user's name).
pub struct MaybeSignedIn(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        session_of(parts, state).await.map(MaybeSignedIn).map_err(|err| WebError(err).into_response())
    }
}

/// A signed-in user of the JSON API; anyone else gets 401 with a JSON body.
pub struct ApiUser(pub Session);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match session_of(parts, state).await {
            Ok(Some(session)) => {
                // Unsafe methods must carry the session's CSRF token in a header.
                if !parts.method.is_safe() {
                    let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
                    if !tokens_match(sent, &session.csrf_token) {
                        let body = ApiError::body("csrf", Vec::new());
                        return Err((axum::http::StatusCode::FORBIDDEN, axum::Json(body)).into_response());
                    }
                }
                Ok(ApiUser(session))
            }
            Ok(None) => Err(ApiError(AppError::Unauthenticated).into_response()),
            Err(err) => Err(ApiError(err).into_response()),
        }
    }
}

/// Compares two tokens in time independent of where they differ.
pub(crate) fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && !a.is_empty() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// A form posted by a signed-in user, whose `_csrf` field matched the session's token. `LIMIT` is the most bytes
/// its body may have (a longer one is refused with `body_too_large`); most forms keep [`FORM_LIMIT`].
pub struct CsrfForm<T, const LIMIT: usize = FORM_LIMIT>(pub Session, pub T);

/// Most bytes a form may have.
pub(crate) const FORM_LIMIT: usize = 64 * 1024;

impl<T: DeserializeOwned + Send, const LIMIT: usize> FromRequest<AppState> for CsrfForm<T, LIMIT> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let SignedIn(session) = SignedIn::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, LIMIT)
            .await
            .map_err(|_| WebError(AppError::invalid("form", "body_too_large")).into_response())?;
        let field: CsrfField = serde_html_form::from_bytes(&bytes)
            .map_err(|_| WebError(AppError::invalid("form", "form_malformed")).into_response())?;
        if !tokens_match(&field.csrf, &session.csrf_token) {
            return Err(csrf_refused());
        }
        let form: T = serde_html_form::from_bytes(&bytes)
            .map_err(|_| WebError(AppError::invalid("form", "form_malformed")).into_response())?;
        Ok(CsrfForm(session, form))
    }
}

/// The response to a form whose token is missing or wrong.
pub(crate) fn csrf_refused() -> Response {
    let mut response = axum::http::StatusCode::FORBIDDEN.into_response();
    response.extensions_mut().insert(crate::error::ErrorMarker { code: "csrf", fields: Vec::new() });
    response
}

/// A form without a session (the sign-in form), parsed with our error page on failure.
pub struct PlainForm<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequest<S> for PlainForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::to_bytes(request.into_body(), FORM_LIMIT)
            .await
            .map_err(|_| WebError(AppError::invalid("form", "body_too_large")).into_response())?;
        serde_html_form::from_bytes(&bytes)
            .map(PlainForm)
            .map_err(|_| WebError(AppError::invalid("form", "form_malformed")).into_response())
    }
}

/// The token of a form shown before any session exists (sign-in, help): the one in `cookie_name` if the browser
/// has it, a new random one otherwise; and the cookie to (re)set. The form must echo it (double submit).
pub(crate) fn double_submit_token(
    jar: &CookieJar,
    cookie_name: &'static str,
    path: &'static str,
    secure: bool,
) -> (String, axum_extra::extract::cookie::Cookie<'static>) {
    use axum_extra::extract::cookie::{Cookie, SameSite};
    use rand::Rng;
    let token = match jar.get(cookie_name) {
        Some(cookie) if cookie.value().len() == 64 => cookie.value().to_owned(),
        _ => hex::encode(rand::rng().random::<[u8; 32]>()),
    };
    let cookie = Cookie::build((cookie_name, token.clone()))
        .path(path)
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .build();
    (token, cookie)
}

/// A number from a query string where an empty value (a `<select>` left at "all") means none.
pub(crate) fn blank_as_none<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let text: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(number) => number.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// A posted multipart form: its text fields (a name may repeat: every value, in order), the bytes of its one file
/// field, and whether the body went past the route's limit (then the rest was not read, and the token may be missing).
pub(crate) struct MultipartForm {
    pub(crate) csrf: String,
    pub(crate) fields: std::collections::HashMap<String, Vec<String>>,
    pub(crate) file: Vec<u8>,
    pub(crate) too_large: bool,
}

impl MultipartForm {
    /// Reads the whole form; `file_field` names the field whose bytes are kept as the file.
    pub(crate) async fn read(
        mut multipart: axum::extract::Multipart,
        file_field: &str,
    ) -> Result<MultipartForm, WebError> {
        let mut form =
            MultipartForm { csrf: String::new(), fields: Default::default(), file: Vec::new(), too_large: false };
        let malformed = || WebError(AppError::invalid("form", "form_malformed"));
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(err) if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                    form.too_large = true;
                    break;
                }
                Err(_) => return Err(malformed()),
            };
            let name = field.name().unwrap_or("").to_owned();
            if name == file_field {
                match field.bytes().await {
                    Ok(bytes) => form.file = bytes.to_vec(),
                    // Past the body limit: the rest of the request is not read.
                    Err(_) => {
                        form.too_large = true;
                        break;
                    }
                }
            } else {
                let text = field.text().await.map_err(|_| malformed())?;
                if name == "_csrf" {
                    form.csrf = text;
                } else {
                    form.fields.entry(name).or_default().push(text);
                }
            }
        }
        Ok(form)
    }

    /// The first value of a text field, or "".
    pub(crate) fn first(&self, name: &str) -> String {
        self.fields.get(name).and_then(|v| v.first()).cloned().unwrap_or_default()
    }
}
