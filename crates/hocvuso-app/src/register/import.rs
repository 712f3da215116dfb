//! Import jobs: households and residents from the Excel (or .ods, .csv) lists communes already keep.
//!
//! Steps, each its own request: [`create_job`] stores the file after the spreadsheet reader's checks (size,
//! zip bombs, macros, external links) and guesses the columns from their Vietnamese headers; [`set_mapping`]
//! lets the user change them; [`check`] reports per line what to fix, duplicates included; [`commit`] starts a
//! background run that checks again against the register as it is then and writes every row with its consent
//! in one transaction, or nothing. Only the job's owner and the commune's administrators see a job.
//! Why jobs in the database: `docs/decisions/0009-import-jobs.md`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use hocvuso_domain::accounts::{Actor, ResidentScope};
use hocvuso_domain::ids::{CommuneId, HamletId, HouseholdId, ImportJobId};
use hocvuso_domain::privacy::{AuditAction, AuditSubject, ConsentMethod, NewAuditEvent};
use hocvuso_domain::register::NewResident;
pub use hocvuso_domain::register::import::{
    ImportField as Field, ImportJob, ImportProblem, ImportState, guess_field, guess_mapping,
};
use hocvuso_domain::register::import::{can_see_job, import_scope};
use hocvuso_domain::text;
use hocvuso_print::sheet::{ReadLimits, read_table};
use hocvuso_store::NewImportJob;

use super::{NewResidentInput, parse_consent, parse_new_resident};
use crate::{AppError, Ctx};

/// Rows between two progress reports of a running job.
pub const PROGRESS_EVERY: usize = 500;

/// Most bytes an uploaded file may have (the spreadsheet reader's own limit).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The background runs of this server: their handles (so a caller can wait for one) and the progress of the
/// write phase, which cannot be written to the database while the run's transaction holds SQLite's writer.
#[derive(Debug, Default)]
pub struct ImportRuns {
    handles: Mutex<HashMap<ImportJobId, tokio::task::JoinHandle<()>>>,
    written: Mutex<HashMap<ImportJobId, i64>>,
    /// Tables parsed at upload, so the check and the commit need not parse the file again (a cache: another
    /// server, or this one after a restart, parses the stored file).
    tables: Mutex<HashMap<ImportJobId, Arc<Vec<Vec<String>>>>>,
}

/// Most parsed tables kept in memory at once.
const CACHED_TABLES: usize = 8;

impl ImportRuns {
    fn keep_table(&self, job_id: ImportJobId, table: Arc<Vec<Vec<String>>>) {
        let mut tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        if tables.len() >= CACHED_TABLES {
            tables.clear();
        }
        tables.insert(job_id, table);
    }

    fn table(&self, job_id: ImportJobId) -> Option<Arc<Vec<Vec<String>>>> {
        self.tables.lock().unwrap_or_else(|p| p.into_inner()).get(&job_id).cloned()
    }

    fn set_written(&self, job_id: ImportJobId, n: i64) {
        self.written.lock().unwrap_or_else(|p| p.into_inner()).insert(job_id, n);
    }

    fn written(&self, job_id: ImportJobId) -> Option<i64> {
        self.written.lock().unwrap_or_else(|p| p.into_inner()).get(&job_id).copied()
    }

    fn forget(&self, job_id: ImportJobId) {
        self.written.lock().unwrap_or_else(|p| p.into_inner()).remove(&job_id);
        self.tables.lock().unwrap_or_else(|p| p.into_inner()).remove(&job_id);
    }
}

/// A job as a page or the API shows it.
#[derive(Clone, Debug)]
pub struct JobView {
    /// The job, with its state and error as of now (a dead worker shows `failed`, an old job `expired`).
    pub job: ImportJob,
    /// Rows written so far by a running job (its second phase).
    pub n_written: i64,
}

impl JobView {
    /// Progress of a running job in percent: the final check is the first half, writing the second.
    pub fn percent(&self) -> i64 {
        let total = self.job.n_rows.max(1) * 2;
        match self.job.state {
            ImportState::Done => 100,
            ImportState::Running => ((self.job.n_done + self.n_written) * 100 / total).clamp(0, 99),
            _ => 0,
        }
    }
}

fn file_type_ok(file_name: &str, bytes: &[u8]) -> bool {
    let name = file_name.to_lowercase();
    let zipped = bytes.starts_with(b"PK\x03\x04");
    ((name.ends_with(".xlsx") || name.ends_with(".ods")) && zipped) || (name.ends_with(".csv") && !zipped)
}

/// Reads a file with the spreadsheet reader's checks, off the async threads.
async fn read_file(bytes: Vec<u8>) -> Result<Vec<Vec<String>>, AppError> {
    tokio::task::spawn_blocking(move || read_table(&bytes, &ReadLimits::default()))
        .await
        .context("spreadsheet task")?
        .map_err(|err| AppError::invalid("file", err.code()))
}

/// The header is the first of the top ten rows with a recognised column, else the first row with text.
fn header_index(table: &[Vec<String>]) -> Option<usize> {
    let non_blank = |row: &Vec<String>| row.iter().any(|c| !c.trim().is_empty());
    table
        .iter()
        .take(10)
        .position(|row| row.iter().any(|cell| guess_field(cell).is_some()))
        .or_else(|| table.iter().position(non_blank))
}

fn data_rows(table: &[Vec<String>], header_line: u32) -> impl Iterator<Item = (u32, &Vec<String>)> {
    table
        .iter()
        .enumerate()
        .skip(header_line as usize)
        .filter(|(_, row)| row.iter().any(|cell| !cell.trim().is_empty()))
        .map(|(idx, row)| (u32::try_from(idx + 1).unwrap_or(u32::MAX), row))
}

/// Stores an uploaded file as a new job, after the checks of the spreadsheet reader, with the columns guessed
/// from the header row. Files of expired jobs are purged on the way.
pub async fn create_job(ctx: &Ctx, actor: &Actor, file_name: &str, bytes: Vec<u8>) -> Result<ImportJob, AppError> {
    let (commune_id, hamlet_id) = import_scope(actor).ok_or(AppError::Forbidden)?;
    let file_name = text::clean(file_name);
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::invalid("file", "file_too_large"));
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "file_empty"));
    }
    if file_name.is_empty() || file_name.chars().count() > 200 || !file_type_ok(&file_name, &bytes) {
        return Err(AppError::invalid("file", "file_wrong_type"));
    }
    let table = read_file(bytes.clone()).await?;
    let header_idx = header_index(&table).ok_or(AppError::invalid("file", "file_empty"))?;
    let columns: Vec<String> = table[header_idx].iter().map(|h| text::clean(h)).collect();
    let mapping = guess_mapping(&columns);
    let header_line = u32::try_from(header_idx + 1).unwrap_or(u32::MAX);
    let n_rows = i64::try_from(data_rows(&table, header_line).count()).unwrap_or(i64::MAX);
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    tx.expire_import_jobs(now).await?;
    let job_id = tx
        .insert_import_job(
            &NewImportJob {
                commune_id,
                owner: actor.user_id,
                hamlet_id,
                file_name: &file_name,
                header_line,
                columns: &columns,
                mapping: &mapping,
                n_rows,
                bytes: &bytes,
            },
            now,
        )
        .await?;
    let job = tx.import_job_by_id(commune_id, job_id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    ctx.import_runs.keep_table(job_id, Arc::new(table));
    Ok(job)
}

async fn visible_job(ctx: &Ctx, actor: &Actor, job_id: ImportJobId) -> Result<JobView, AppError> {
    let commune_id = actor.commune_id.ok_or(AppError::NotFound)?;
    let mut tx = ctx.store.read().await?;
    let mut job = tx.import_job_by_id(commune_id, job_id).await?.ok_or(AppError::NotFound)?;
    drop(tx);
    if !can_see_job(actor, &job) {
        return Err(AppError::NotFound);
    }
    let now = ctx.now();
    job.error_code = job.error_at(now).map(str::to_owned);
    job.state = job.state_at(now);
    let n_written = match job.state {
        ImportState::Running => ctx.import_runs.written(job_id).unwrap_or(0),
        _ => 0,
    };
    Ok(JobView { job, n_written })
}

/// A job the actor may see, with its report.
pub async fn job_detail(ctx: &Ctx, actor: &Actor, job_id: ImportJobId) -> Result<JobView, AppError> {
    visible_job(ctx, actor, job_id).await
}

/// What a progress poll needs: state, counters and percent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobStatus {
    /// State as of now.
    pub state: ImportState,
    /// Data rows.
    pub n_rows: i64,
    /// Progress in percent.
    pub percent: i64,
    /// Rows written when done.
    pub n_imported: i64,
    /// Why it failed.
    pub error_code: Option<String>,
}

/// The state and progress of a job the actor may see (for polling).
pub async fn job_status(ctx: &Ctx, actor: &Actor, job_id: ImportJobId) -> Result<JobStatus, AppError> {
    let view = visible_job(ctx, actor, job_id).await?;
    Ok(JobStatus {
        state: view.job.state,
        n_rows: view.job.n_rows,
        percent: view.percent(),
        n_imported: view.job.n_imported,
        error_code: view.job.error_code.clone(),
    })
}

/// The actor's latest jobs (a commune administrator's list shows everyone's).
pub async fn list_jobs(ctx: &Ctx, actor: &Actor) -> Result<Vec<ImportJob>, AppError> {
    let (commune_id, _) = import_scope(actor).ok_or(AppError::Forbidden)?;
    let owner = (actor.role != hocvuso_domain::accounts::Role::CommuneAdmin).then_some(actor.user_id);
    let mut tx = ctx.store.read().await?;
    let now = ctx.now();
    let mut jobs = tx.list_import_jobs(commune_id, owner, 10).await?;
    for job in &mut jobs {
        job.error_code = job.error_at(now).map(str::to_owned);
        job.state = job.state_at(now);
    }
    Ok(jobs)
}

fn editable(job: &ImportJob) -> Result<(), AppError> {
    match job.state {
        ImportState::Uploaded | ImportState::Mapped | ImportState::Checked => Ok(()),
        ImportState::Expired => Err(AppError::Conflict("import_expired")),
        _ => Err(AppError::Conflict("import_not_ready")),
    }
}

/// Sets what each column holds (`None` ignores a column). A field may go to one column only.
pub async fn set_mapping(
    ctx: &Ctx,
    actor: &Actor,
    job_id: ImportJobId,
    mapping: &[Option<Field>],
) -> Result<JobView, AppError> {
    let view = visible_job(ctx, actor, job_id).await?;
    editable(&view.job)?;
    if mapping.len() != view.job.columns.len() {
        return Err(AppError::invalid("mapping", "import_mapping_invalid"));
    }
    let mut seen = HashSet::new();
    if mapping.iter().flatten().any(|field| !seen.insert(*field)) {
        return Err(AppError::invalid("mapping", "import_mapping_duplicate"));
    }
    let mut tx = ctx.store.write().await?;
    tx.update_import_mapping(job_id, mapping, ctx.now()).await?;
    tx.commit().await?;
    visible_job(ctx, actor, job_id).await
}

/// What the register already holds, for the duplicate checks.
struct Known {
    hamlets: HashMap<String, HamletId>,
    households: HashMap<(HamletId, String), HouseholdId>,
    phones: HashSet<String>,
    cccds: HashSet<String>,
    people: HashSet<(String, Option<i32>, HamletId, String)>,
}

async fn load_known(tx: &mut hocvuso_store::Tx, commune_id: CommuneId) -> Result<Known, AppError> {
    let hamlets = tx.list_hamlets(commune_id).await?.into_iter().map(|h| (text::fold(&h.name), h.id)).collect();
    let households = tx.list_households(commune_id).await?;
    let existing = tx.list_residents(ResidentScope::Commune(commune_id), None, None, u32::MAX).await?;
    let address_of: HashMap<HouseholdId, &str> = households.iter().map(|h| (h.id, h.address.as_str())).collect();
    let people = existing
        .iter()
        .filter_map(|r| {
            let name = r.full_name.as_ref()?;
            let address = address_of.get(&r.household_id).copied().unwrap_or("");
            Some((text::fold(name.as_str()), r.birth_year, r.hamlet_id, text::fold(address)))
        })
        .collect();
    Ok(Known {
        hamlets,
        households: households.iter().map(|h| ((h.hamlet_id, text::fold(&h.address)), h.id)).collect(),
        phones: existing.iter().filter_map(|r| r.phone.as_ref()).map(|p| p.as_str().to_owned()).collect(),
        cccds: existing.iter().filter_map(|r| r.cccd.as_ref()).map(|c| c.as_str().to_owned()).collect(),
        people,
    })
}

/// A row ready to write.
struct ValidRow {
    resident: NewResident,
    hamlet_id: HamletId,
    address: String,
}

/// The outcome of checking every row.
struct Validation {
    rows: Vec<ValidRow>,
    problems: Vec<ImportProblem>,
    n_rows: i64,
    /// Households the rows form: existing ones by key, new ones to create.
    households: HashMap<(HamletId, String), HouseholdId>,
    new_households: Vec<(HamletId, String)>,
}

/// Checks every data row against the rules and the register (pure; runs on a blocking thread).
fn validate(
    job: &ImportJob,
    table: &[Vec<String>],
    mut known: Known,
    today: time::Date,
    mut progress: impl FnMut(usize),
) -> Result<Validation, AppError> {
    let cell =
        |row: &[String], field: Field| job.column_of(field).and_then(|idx| row.get(idx)).cloned().unwrap_or_default();
    let mut valid = Vec::new();
    let mut problems = Vec::new();
    let mut n_rows = 0;
    let mut new_households: Vec<(HamletId, String)> = Vec::new();
    for (line, row) in data_rows(table, job.header_line) {
        n_rows += 1;
        if n_rows % PROGRESS_EVERY == 0 {
            progress(n_rows);
        }
        let mut codes: Vec<&'static str> = Vec::new();
        let hamlet_id = match job.column_of(Field::Hamlet) {
            Some(_) => {
                let found = known.hamlets.get(&text::fold(&cell(row, Field::Hamlet))).copied();
                match (found, job.hamlet_id) {
                    (Some(h), Some(lead)) if h != lead => {
                        codes.push("import_other_hamlet");
                        None
                    }
                    (Some(h), _) => Some(h),
                    (None, _) => {
                        codes.push("hamlet_unknown");
                        None
                    }
                }
            }
            None => job.hamlet_id,
        };
        let address = text::clean(&cell(row, Field::Address));
        if address.is_empty() || address.chars().count() > 200 {
            codes.push("address_invalid");
        }
        let birth = cell(row, Field::BirthYear);
        let birth_year = match hocvuso_domain::calendar::parse_date_vn(&birth) {
            Ok(date) => date.year().to_string(),
            Err(_) => birth,
        };
        let gender = match text::fold(&cell(row, Field::Gender)).as_str() {
            "nam" | "m" | "male" => Some("male".to_owned()),
            "nu" | "f" | "female" => Some("female".to_owned()),
            "" => None,
            _ => Some("invalid".to_owned()),
        };
        let input = NewResidentInput {
            household_id: 0,
            full_name: cell(row, Field::FullName),
            birth_year: Some(birth_year),
            gender,
            phone: Some(cell(row, Field::Phone)),
            cccd: Some(cell(row, Field::Cccd)),
        };
        let resident = match parse_new_resident(&input, today) {
            Ok(resident) => Some(resident),
            Err(AppError::Invalid(rejections)) => {
                codes.extend(rejections.iter().map(|r| r.code));
                None
            }
            Err(other) => return Err(other),
        };
        if let (Some(resident), Some(hamlet)) = (&resident, hamlet_id) {
            if let Some(phone) = &resident.phone
                && !known.phones.insert(phone.as_str().to_owned())
            {
                codes.push("import_duplicate_phone");
            }
            if let Some(cccd) = &resident.cccd
                && !known.cccds.insert(cccd.as_str().to_owned())
            {
                codes.push("import_duplicate_cccd");
            }
            let person = (text::fold(resident.full_name.as_str()), resident.birth_year, hamlet, text::fold(&address));
            if !known.people.insert(person) {
                codes.push("import_duplicate_person");
            }
        }
        match (resident, hamlet_id) {
            (Some(resident), Some(hamlet_id)) if codes.is_empty() => {
                let key = (hamlet_id, text::fold(&address));
                if let std::collections::hash_map::Entry::Vacant(entry) = known.households.entry(key) {
                    // Marked with a placeholder id until the household is created at commit.
                    entry.insert(HouseholdId(0));
                    new_households.push((hamlet_id, address.clone()));
                }
                valid.push(ValidRow { resident, hamlet_id, address });
            }
            _ => problems.push(ImportProblem { line, codes: codes.into_iter().map(str::to_owned).collect() }),
        }
    }
    let n_rows = i64::try_from(n_rows).unwrap_or(i64::MAX);
    Ok(Validation { rows: valid, problems, n_rows, households: known.households, new_households })
}

impl Validation {
    fn n_households(&self) -> i64 {
        let keys: HashSet<(HamletId, String)> =
            self.rows.iter().map(|row| (row.hamlet_id, text::fold(&row.address))).collect();
        i64::try_from(keys.len()).unwrap_or(i64::MAX)
    }
}

async fn validate_job(
    ctx: &Ctx,
    job: &ImportJob,
    progress: Option<tokio::sync::mpsc::UnboundedSender<usize>>,
) -> Result<Validation, AppError> {
    let mut tx = ctx.store.read().await?;
    let cached = ctx.import_runs.table(job.id);
    let bytes = match cached {
        Some(_) => None,
        None => Some(tx.import_job_file(job.commune_id, job.id).await?.ok_or(AppError::Conflict("import_expired"))?),
    };
    let known = load_known(&mut tx, job.commune_id).await?;
    drop(tx);
    let today = hocvuso_domain::calendar::vietnam_date(ctx.now());
    let job = job.clone();
    tokio::task::spawn_blocking(move || {
        let table = match (cached, bytes) {
            (Some(table), _) => table,
            (None, Some(bytes)) => Arc::new(
                read_table(&bytes, &ReadLimits::default()).map_err(|err| AppError::invalid("file", err.code()))?,
            ),
            (None, None) => return Err(AppError::Conflict("import_expired")),
        };
        validate(&job, &table, known, today, |n| {
            if let Some(sender) = &progress {
                let _ = sender.send(n);
            }
        })
    })
    .await
    .context("import check task")?
}

/// Checks every row of a mapped job against the rules and the register, and stores the per-line report.
pub async fn check(ctx: &Ctx, actor: &Actor, job_id: ImportJobId) -> Result<JobView, AppError> {
    let view = visible_job(ctx, actor, job_id).await?;
    editable(&view.job)?;
    let missing = view.job.missing_fields();
    if !missing.is_empty() {
        return Err(AppError::invalid("mapping", "import_missing_column"));
    }
    let validation = validate_job(ctx, &view.job, None).await?;
    let mut tx = ctx.store.write().await?;
    tx.save_import_check(
        job_id,
        ImportState::Checked,
        validation.n_rows,
        validation.n_households(),
        &validation.problems,
        ctx.now(),
    )
    .await?;
    tx.commit().await?;
    visible_job(ctx, actor, job_id).await
}

/// Starts writing a checked job without refused lines, in the background, with everyone's consent to be in
/// the register recorded as `consent_method`. The run checks every row again first: all or nothing.
pub async fn commit(ctx: &Ctx, actor: &Actor, job_id: ImportJobId, consent_method: &str) -> Result<JobView, AppError> {
    let view = visible_job(ctx, actor, job_id).await?;
    let consent = parse_consent(consent_method)?;
    match view.job.state {
        ImportState::Checked if view.job.problems.is_empty() && view.job.n_rows > 0 => {}
        ImportState::Checked => return Err(AppError::Conflict("import_has_problems")),
        ImportState::Expired => return Err(AppError::Conflict("import_expired")),
        _ => return Err(AppError::Conflict("import_not_ready")),
    }
    let mut tx = ctx.store.write().await?;
    let started = tx.change_import_state(job_id, ImportState::Checked, ImportState::Running, ctx.now()).await?;
    tx.commit().await?;
    if !started {
        return Err(AppError::Conflict("import_not_ready"));
    }
    let (run_ctx, run_actor, job) = (ctx.clone(), actor.clone(), view.job.clone());
    let handle = tokio::spawn(async move {
        if let Err(err) = run(&run_ctx, &run_actor, &job, consent).await {
            // Ids and codes only: the cause chain never holds a cell's value.
            tracing::error!(import_job = job.id.0, error = ?err, "import run failed");
            if let Ok(mut tx) = run_ctx.store.write().await {
                let code = match &err {
                    AppError::Conflict(code) => code,
                    _ => "import_failed",
                };
                let now = run_ctx.now();
                if tx.finish_import_job(job.id, ImportState::Failed, 0, Some(code), &[], now).await.is_ok() {
                    let _ = tx.commit().await;
                }
            }
        }
        run_ctx.import_runs.forget(job.id);
    });
    ctx.import_runs.handles.lock().unwrap_or_else(|p| p.into_inner()).insert(job_id, handle);
    visible_job(ctx, actor, job_id).await
}

/// Waits until this server's background run of a job (if any) has ended.
pub async fn wait_for_run(ctx: &Ctx, job_id: ImportJobId) {
    let handle = ctx.import_runs.handles.lock().unwrap_or_else(|p| p.into_inner()).remove(&job_id);
    if let Some(handle) = handle {
        let _ = handle.await;
    }
}

/// Purges the files of expired jobs; returns how many were purged.
pub async fn purge_expired(ctx: &Ctx) -> Result<u64, AppError> {
    let mut tx = ctx.store.write().await?;
    let n = tx.expire_import_jobs(ctx.now()).await?;
    tx.commit().await?;
    Ok(n)
}

/// The background run: the final check (progress written every [`PROGRESS_EVERY`] rows), then every row,
/// household, consent and audit entry in one transaction, which also marks the job done.
async fn run(ctx: &Ctx, actor: &Actor, job: &ImportJob, consent: ConsentMethod) -> Result<(), AppError> {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let checking = validate_job(ctx, job, Some(sender));
    tokio::pin!(checking);
    let validation = loop {
        tokio::select! {
            result = &mut checking => break result?,
            Some(mut n) = receiver.recv() => {
                while let Ok(later) = receiver.try_recv() {
                    n = later;
                }
                let mut tx = ctx.store.write().await?;
                tx.report_import_progress(job.id, i64::try_from(n).unwrap_or(i64::MAX), ctx.now()).await?;
                tx.commit().await?;
            }
        }
    };
    let now = ctx.now();
    if !validation.problems.is_empty() || validation.rows.is_empty() {
        let mut tx = ctx.store.write().await?;
        tx.save_import_check(
            job.id,
            ImportState::Running,
            validation.n_rows,
            validation.n_households(),
            &validation.problems,
            now,
        )
        .await?;
        tx.finish_import_job(job.id, ImportState::Failed, 0, Some("import_rows_refused"), &validation.problems, now)
            .await?;
        tx.commit().await?;
        return Ok(());
    }
    let mut tx = ctx.store.write().await?;
    tx.report_import_progress(job.id, validation.n_rows, now).await?;
    let mut households = validation.households;
    for (household_id, hamlet_id, address) in
        tx.insert_households_batch(job.commune_id, &validation.new_households, now).await?
    {
        households.insert((hamlet_id, text::fold(&address)), household_id);
    }
    let residents: Vec<NewResident> = validation
        .rows
        .into_iter()
        .map(|row| {
            let household_id = households.get(&(row.hamlet_id, text::fold(&row.address))).copied();
            household_id.filter(|id| id.0 != 0).map(|household_id| NewResident { household_id, ..row.resident })
        })
        .collect::<Option<_>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a household of import job {} was not created", job.id)))?;
    let mut n_written = 0_i64;
    let runs = &ctx.import_runs;
    tx.insert_residents_batch(job.commune_id, job.id, &residents, now, |n| {
        n_written += i64::try_from(n).unwrap_or(0);
        runs.set_written(job.id, n_written);
    })
    .await?;
    let n = tx.record_import_consents(job.commune_id, job.id, consent, actor.user_id, now).await?;
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            Some(job.commune_id),
            AuditAction::Create,
            AuditSubject::ResidentList,
            None,
        )
        .with_detail(format!("import job {}: {n} rows", job.id)),
        now,
    )
    .await?;
    tx.finish_import_job(job.id, ImportState::Done, n, None, &[], now).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_must_be_what_its_name_says() {
        assert!(file_type_ok("Danh sách.XLSX", b"PK\x03\x04rest"));
        assert!(file_type_ok("a.csv", b"Ho ten,Dia chi"));
        assert!(!file_type_ok("a.csv", b"PK\x03\x04rest"));
        assert!(!file_type_ok("a.xlsx", b"Ho ten"));
        assert!(!file_type_ok("a.exe", b"PK\x03\x04"));
    }
}
