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

/// Reads the form. `Ok(Err(file_too_large))` when the body passed the route's limit: such a request is answered
/// before its token may have been read, so it changes nothing. `Err` is the response to a malformed form or a
/// wrong token.
pub(crate) async fn read_upload(
    session: &Session,
    mut multipart: Multipart,
) -> Result<Result<Upload, AppError>, Response> {
    use axum::response::IntoResponse;
    let (mut csrf, mut file_name, mut bytes) = (String::new(), String::new(), Vec::new());
    let malformed = || WebError(AppError::invalid("file", "form_malformed")).into_response();
    let too_large = || Ok(Err(AppError::invalid("file", "file_too_large")));
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(),
            Err(_) => return Err(malformed()),
        };
        match field.name().unwrap_or("") {
            "_csrf" => csrf = field.text().await.map_err(|_| malformed())?,
            "file" => {
                file_name = field.file_name().unwrap_or("").to_owned();
                match field.bytes().await {
                    Ok(read) => bytes = read.to_vec(),
                    // Past the body limit: the rest of the request is not read.
                    Err(_) => return too_large(),
                }
            }
            _ => {}
        }
    }
    if !crate::extract::tokens_match(&csrf, &session.csrf_token) {
        return Err(crate::extract::csrf_refused());
    }
    Ok(Ok(Upload { file_name, bytes }))
}
