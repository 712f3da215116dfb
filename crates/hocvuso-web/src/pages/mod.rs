//! HTML pages, one module per domain.

pub(crate) mod accounts;
pub(crate) mod contests;
pub(crate) mod guides;
// guide editor
pub(crate) mod guide_edits;
pub(crate) mod home;
pub(crate) mod ops;
pub(crate) mod places;
pub(crate) mod privacy;
pub(crate) mod register;
// contests: question bank (uploads shared with the register's import)
pub(crate) mod upload;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use hocvuso_app::AppError;

use crate::error::WebError;
use crate::i18n::{Lang, error_message};

/// Renders a page template, or a 500 page if the template fails.
pub(crate) fn render<T: Template>(page: &T) -> Result<Response, WebError> {
    page.render()
        .map(|html| Html(html).into_response())
        .map_err(|err| WebError(AppError::Internal(anyhow::Error::new(err).context("template"))))
}

/// Renders a page with a status other than 200 (a form shown again with its errors).
pub(crate) fn render_with_status<T: Template>(status: axum::http::StatusCode, page: &T) -> Result<Response, WebError> {
    render(page).map(|response| (status, response).into_response())
}

/// The messages of a refused form, or the error itself if it is not a refusal.
pub(crate) fn form_errors(err: AppError, lang: Lang) -> Result<Vec<&'static str>, WebError> {
    match err {
        AppError::Invalid(rejections) => Ok(rejections.iter().map(|r| error_message(r.code, lang)).collect()),
        other => Err(WebError(other)),
    }
}

/// A file download: its type, `no-store`, and an attachment name (ASCII, chosen by the server).
pub(crate) fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    use axum::http::{HeaderValue, header};
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
