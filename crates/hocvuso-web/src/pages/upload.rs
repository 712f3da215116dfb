//! File uploads from HTML forms: a multipart body with the session's `_csrf` token and one `file`.

use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use hocvuso_app::AppError;
use hocvuso_app::accounts::Session;

use crate::error::WebError;

/// An uploaded file whose form carried the right token.
pub(crate) struct Upload {
    /// The name the browser gave (not trusted: only its extension is looked at).
    pub(crate) file_name: String,
    /// The bytes.
    pub(crate) bytes: Vec<u8>,
}

/// What a file upload's form gave.
pub(crate) enum UploadForm {
    /// The file, from a form with the right token.
    File(Upload),
    /// The body passed the route's limit. It is answered before its token may have been read, so it changes nothing.
    TooLarge,
    /// A malformed form or a wrong token: the response to give.
    Refused(Response),
}

/// Reads a multipart form with `_csrf` and `file`.
pub(crate) async fn read_upload(session: &Session, mut multipart: Multipart) -> UploadForm {
    use axum::response::IntoResponse;
    let (mut csrf, mut file_name, mut bytes) = (String::new(), String::new(), Vec::new());
    let malformed = || UploadForm::Refused(WebError(AppError::invalid("file", "form_malformed")).into_response());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => return UploadForm::TooLarge,
            Err(_) => return malformed(),
        };
        match field.name().unwrap_or("") {
            "_csrf" => match field.text().await {
                Ok(text) => csrf = text,
                Err(_) => return malformed(),
            },
            "file" => {
                file_name = field.file_name().unwrap_or("").to_owned();
                match field.bytes().await {
                    Ok(read) => bytes = read.to_vec(),
                    // Past the body limit: the rest of the request is not read.
                    Err(_) => return UploadForm::TooLarge,
                }
            }
            _ => {}
        }
    }
    if !crate::extract::tokens_match(&csrf, &session.csrf_token) {
        return UploadForm::Refused(crate::extract::csrf_refused());
    }
    UploadForm::File(Upload { file_name, bytes })
}
