//! Import jobs' pages: upload a list, see and change its columns, check it, commit it, follow its progress.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hocvuso_app::register::import::{Field, ImportJob, ImportState, JobView};
use hocvuso_domain::ids::ImportJobId;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{CsrfForm, SignedIn};
use crate::i18n::{Lang, Texts, error_message};
use crate::layout::PageContext;
use crate::pages::upload::UploadForm;
use crate::pages::{render, render_with_status};

/// Most bytes of an upload request: the file's limit plus room for the form around it.
pub(crate) const IMPORT_LIMIT: usize = hocvuso_app::register::import::MAX_FILE_BYTES + 64 * 1024;

/// A field's name in the reader's language.
pub(crate) fn field_name(field: Field, t: &Texts) -> &'static str {
    match field {
        Field::FullName => t.full_name,
        Field::BirthYear => t.birth_year,
        Field::Gender => t.gender,
        Field::Phone => t.phone,
        Field::Cccd => t.cccd,
        Field::Hamlet => t.hamlet,
        Field::Address => t.address,
    }
}

/// A state's name in the reader's language.
pub(crate) fn state_name(state: ImportState, t: &Texts) -> &'static str {
    match state {
        ImportState::Uploaded => t.import_state_uploaded,
        ImportState::Mapped => t.import_state_mapped,
        ImportState::Checked => t.import_state_checked,
        ImportState::Running => t.import_state_running,
        ImportState::Done => t.import_state_done,
        ImportState::Failed => t.import_state_failed,
        ImportState::Expired => t.import_state_expired,
    }
}

struct JobRow {
    id: i64,
    file_name: String,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "import.html")]
struct UploadPage {
    ctx: PageContext,
    errors: Vec<&'static str>,
    jobs: Vec<JobRow>,
}

async fn upload_page(
    state: &AppState,
    lang: Lang,
    session: &hocvuso_app::accounts::Session,
    errors: Vec<&'static str>,
) -> Result<UploadPage, WebError> {
    let jobs = hocvuso_app::register::import::list_jobs(&state.ctx, &session.actor()).await?;
    let t = lang.texts();
    Ok(UploadPage {
        ctx: PageContext::new(state, lang, Some(session), "/residents"),
        errors,
        jobs: jobs
            .iter()
            .map(|job: &ImportJob| JobRow {
                id: job.id.0,
                file_name: job.file_name.clone(),
                state: state_name(job.state, t),
            })
            .collect(),
    })
}

/// `GET /residents/import`: the upload form and the user's latest imports.
pub(crate) async fn import_form(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    render(&upload_page(&state, lang, &session, Vec::new()).await?)
}

/// `POST /residents/import` (multipart `_csrf`, `file`): stores the file as a job and opens it.
pub(crate) async fn upload_list(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    let result = match crate::pages::upload::read_upload(&session, multipart).await {
        UploadForm::File(upload) => {
            let actor = session.actor();
            hocvuso_app::register::import::create_job(&state.ctx, &actor, &upload.file_name, upload.bytes).await
        }
        UploadForm::TooLarge => Err(hocvuso_app::AppError::invalid("file", "file_too_large")),
        UploadForm::Refused(response) => return Ok(response),
    };
    match result {
        Ok(job) => Ok(Redirect::to(&format!("/residents/import/{}", job.id.0)).into_response()),
        Err(err) => {
            let errors = crate::pages::form_errors(err, lang)?;
            let page = upload_page(&state, lang, &session, errors).await?;
            render_with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

struct ColumnRow {
    index: usize,
    header: String,
    /// Each choice: value, label, selected.
    choices: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    ctx: PageContext,
    id: i64,
    file_name: String,
    state: &'static str,
    state_code: &'static str,
    is_running: bool,
    is_editable: bool,
    can_commit: bool,
    percent: i64,
    summary: String,
    header_line: u32,
    columns: Vec<ColumnRow>,
    missing: Vec<&'static str>,
    problems: Vec<(u32, String)>,
    error: Option<&'static str>,
    done: Option<String>,
    errors: Vec<&'static str>,
}

fn job_page(state: &AppState, lang: Lang, session: &hocvuso_app::accounts::Session, view: &JobView) -> JobPage {
    let t = lang.texts();
    let job = &view.job;
    let columns = job
        .columns
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let current = job.mapping.get(index).copied().flatten();
            let mut choices = vec![("", t.import_column_ignored, current.is_none())];
            choices.extend(Field::ALL.into_iter().map(|f| (f.as_str(), field_name(f, t), current == Some(f))));
            ColumnRow { index, header: header.clone(), choices }
        })
        .collect();
    let is_checked = job.state == ImportState::Checked;
    JobPage {
        ctx: PageContext::new(state, lang, Some(session), "/residents"),
        id: job.id.0,
        file_name: job.file_name.clone(),
        state: state_name(job.state, t),
        state_code: job.state.as_str(),
        is_running: job.state == ImportState::Running,
        is_editable: matches!(job.state, ImportState::Uploaded | ImportState::Mapped | ImportState::Checked),
        can_commit: is_checked && job.problems.is_empty() && job.n_rows > 0,
        percent: view.percent(),
        summary: if is_checked || job.state == ImportState::Failed || job.state == ImportState::Done {
            t.import_summary
                .replace("{rows}", &job.n_rows.to_string())
                .replace("{households}", &job.n_households.to_string())
        } else {
            t.import_rows.replace("{rows}", &job.n_rows.to_string())
        },
        header_line: job.header_line,
        columns,
        missing: job.missing_fields().into_iter().map(|f| field_name(f, t)).collect(),
        problems: job
            .problems
            .iter()
            .map(|p| (p.line, p.codes.iter().map(|code| error_message(code, lang)).collect::<Vec<_>>().join(" ")))
            .collect(),
        error: job.error_code.as_deref().map(|code| error_message(code, lang)),
        done: (job.state == ImportState::Done).then(|| t.import_done.replace("{rows}", &job.n_imported.to_string())),
        errors: Vec::new(),
    }
}

/// `GET /residents/import/{job_id}`: the job's state, progress, columns and report.
pub(crate) async fn show_import_job(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(job_id): Path<i64>,
) -> Result<Response, WebError> {
    let view = hocvuso_app::register::import::job_detail(&state.ctx, &session.actor(), ImportJobId(job_id)).await?;
    render(&job_page(&state, lang, &session, &view))
}

/// Shows the job again with the refusal, or passes any other error on.
async fn refused(
    state: &AppState,
    lang: Lang,
    session: &hocvuso_app::accounts::Session,
    job_id: ImportJobId,
    err: hocvuso_app::AppError,
) -> Result<Response, WebError> {
    let errors = match err {
        hocvuso_app::AppError::Conflict(code) => vec![error_message(code, lang)],
        other => crate::pages::form_errors(other, lang)?,
    };
    let view = hocvuso_app::register::import::job_detail(&state.ctx, &session.actor(), job_id).await?;
    let page = JobPage { errors, ..job_page(state, lang, session, &view) };
    render_with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
}

fn back_to_job(job_id: ImportJobId) -> Response {
    Redirect::to(&format!("/residents/import/{}", job_id.0)).into_response()
}

/// `POST /residents/import/{job_id}/mapping` (`col_0`=field, `col_1`=…): changes the columns.
pub(crate) async fn set_import_mapping(
    State(state): State<AppState>,
    lang: Lang,
    Path(job_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (job_id, actor) = (ImportJobId(job_id), session.actor());
    let n_columns =
        form.keys().filter_map(|k| k.strip_prefix("col_")?.parse::<usize>().ok()).max().map_or(0, |n| n + 1);
    let mut mapping = Vec::with_capacity(n_columns);
    let mut unknown = false;
    for idx in 0..n_columns {
        match form.get(&format!("col_{idx}")).map(String::as_str).unwrap_or("") {
            "" => mapping.push(None),
            name => match Field::parse(name) {
                Some(field) => mapping.push(Some(field)),
                None => unknown = true,
            },
        }
    }
    let result = if unknown {
        // Look the job up first: another user's job stays not found whatever the form says.
        hocvuso_app::register::import::job_detail(&state.ctx, &actor, job_id).await?;
        Err(hocvuso_app::AppError::invalid("mapping", "import_mapping_invalid"))
    } else {
        hocvuso_app::register::import::set_mapping(&state.ctx, &actor, job_id, &mapping).await
    };
    match result {
        Ok(_) => Ok(back_to_job(job_id)),
        Err(err) => refused(&state, lang, &session, job_id, err).await,
    }
}

/// `POST /residents/import/{job_id}/check`: checks every row and shows the report.
pub(crate) async fn check_import(
    State(state): State<AppState>,
    lang: Lang,
    Path(job_id): Path<i64>,
    CsrfForm(session, _form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let job_id = ImportJobId(job_id);
    match hocvuso_app::register::import::check(&state.ctx, &session.actor(), job_id).await {
        Ok(_) => Ok(back_to_job(job_id)),
        Err(err) => refused(&state, lang, &session, job_id, err).await,
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct CommitForm {
    #[serde(default)]
    consent: String,
}

/// `POST /residents/import/{job_id}/commit` (`consent`): starts writing the checked rows.
pub(crate) async fn commit_import(
    State(state): State<AppState>,
    lang: Lang,
    Path(job_id): Path<i64>,
    CsrfForm(session, form): CsrfForm<CommitForm>,
) -> Result<Response, WebError> {
    let job_id = ImportJobId(job_id);
    match hocvuso_app::register::import::commit(&state.ctx, &session.actor(), job_id, &form.consent).await {
        Ok(_) => Ok(back_to_job(job_id)),
        Err(err) => refused(&state, lang, &session, job_id, err).await,
    }
}
