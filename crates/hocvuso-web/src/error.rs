//! The one place where use-case errors become HTTP responses.
//!
//! HTML handlers return [`WebError`]: it sets the status and leaves a marker that the `error_pages` middleware
//! turns into a Vietnamese (or English) page, because only the middleware knows the reader's language.
//! API handlers return [`ApiError`]: a JSON body with the stable code and a message.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hocvuso_app::AppError;
use serde::Serialize;

use crate::i18n::{Lang, error_message};

/// The code of an error whose page the middleware renders.
#[derive(Clone, Debug)]
pub(crate) struct ErrorMarker {
    pub(crate) code: &'static str,
    pub(crate) fields: Vec<&'static str>,
}

/// An error from an HTML handler.
#[derive(Debug)]
pub struct WebError(pub AppError);

impl From<AppError> for WebError {
    fn from(err: AppError) -> Self {
        WebError(err)
    }
}

/// The HTTP status of a use-case error.
pub(crate) fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn log_internal(err: &AppError) {
    if let AppError::Internal(cause) = err {
        // The cause chain holds ids and SQL errors only: personal data never reaches errors (docs/LOGGING.md).
        tracing::error!(error = ?cause, "request failed");
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let AppError::Unauthenticated = self.0 {
            return Redirect::to("/login").into_response();
        }
        log_internal(&self.0);
        let fields = match &self.0 {
            AppError::Invalid(rejections) => rejections.iter().map(|r| r.code).collect(),
            _ => Vec::new(),
        };
        let mut response = status_of(&self.0).into_response();
        response.extensions_mut().insert(ErrorMarker { code: self.0.code(), fields });
        response
    }
}

/// An error from a JSON API handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        ApiError(err)
    }
}

/// The error body of the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// The error.
    pub error: ApiErrorDetail,
}

/// One API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorDetail {
    /// Stable code, e.g. `not_found` or `invalid_input`.
    pub code: String,
    /// A message in Vietnamese.
    pub message: String,
    /// For `invalid_input`: each refused field with its code and message.
    pub fields: Vec<ApiFieldError>,
}

/// One refused field.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiFieldError {
    /// The property name.
    pub field: String,
    /// Stable code.
    pub code: String,
    /// A message in Vietnamese.
    pub message: String,
}

impl ApiError {
    /// Builds the JSON body for a code.
    pub(crate) fn body(code: &str, fields: Vec<ApiFieldError>) -> ApiErrorBody {
        ApiErrorBody {
            error: ApiErrorDetail { code: code.to_owned(), message: error_message(code, Lang::Vi).to_owned(), fields },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log_internal(&self.0);
        let fields = match &self.0 {
            AppError::Invalid(rejections) => rejections
                .iter()
                .map(|r| ApiFieldError {
                    field: r.field.to_owned(),
                    code: r.code.to_owned(),
                    message: error_message(r.code, Lang::Vi).to_owned(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut response = (status_of(&self.0), Json(ApiError::body(self.0.code(), fields))).into_response();
        if let AppError::Locked { until } = &self.0 {
            let seconds = (*until - time::OffsetDateTime::UNIX_EPOCH).whole_seconds();
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert("x-locked-until", value);
            }
        }
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}
