//! Import jobs and the batched writes of a committed import.
//!
//! The job's header row, mapping and report are stored as plain text (unit-separated headers, comma-separated
//! field names, `line:code code;…` problems) so both backends read them alike; the file's bytes are a BLOB
//! (SQLite) or BYTEA (PostgreSQL) column read only by [`Tx::import_job_file`].

use hocvuso_domain::ids::{CommuneId, HamletId, HouseholdId, ImportJobId, UserId};
use hocvuso_domain::privacy::{AuditAction, AuditSubject, ConsentMethod, ConsentPurpose};
use hocvuso_domain::register::NewResident;
use hocvuso_domain::register::import::{ImportField, ImportJob, ImportProblem, ImportState, JOB_LIFETIME};
use hocvuso_domain::text;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::{StoreError, Tx, from_ms, to_ms};

const JOB_SELECT: &str = "SELECT import_job_id, commune_id, owner_user_id, hamlet_id, file_name, state, header_line, \
                          columns, mapping, n_rows, n_done, n_households, n_imported, report, error_code, \
                          created_at, updated_at, expires_at FROM import_job";

/// Rows per multi-row INSERT: 500 residents × 8 values stay far below both backends' parameter limits.
pub const BATCH_ROWS: usize = 500;

/// A job to create.
#[derive(Clone, Debug)]
pub struct NewImportJob<'a> {
    /// Commune the rows go to.
    pub commune_id: CommuneId,
    /// Who uploads.
    pub owner: UserId,
    /// A hamlet lead's hamlet.
    pub hamlet_id: Option<HamletId>,
    /// The uploaded name.
    pub file_name: &'a str,
    /// Line of the header row (1-based).
    pub header_line: u32,
    /// The header row.
    pub columns: &'a [String],
    /// The guessed mapping.
    pub mapping: &'a [Option<ImportField>],
    /// Data rows below the header.
    pub n_rows: i64,
    /// The file.
    pub bytes: &'a [u8],
}

fn encode_columns(columns: &[String]) -> String {
    columns.join("\u{1f}")
}

fn encode_mapping(mapping: &[Option<ImportField>]) -> String {
    mapping.iter().map(|f| f.map_or("", ImportField::as_str)).collect::<Vec<_>>().join(",")
}

fn encode_problems(problems: &[ImportProblem]) -> String {
    problems.iter().map(|p| format!("{}:{}", p.line, p.codes.join(" "))).collect::<Vec<_>>().join(";")
}

fn decode_problems(report: &str) -> Result<Vec<ImportProblem>, StoreError> {
    report
        .split(';')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (line, codes) = p.split_once(':').ok_or(StoreError::Corrupt("import_job.report"))?;
            Ok(ImportProblem {
                line: line.parse().map_err(|_| StoreError::Corrupt("import_job.report"))?,
                codes: codes.split(' ').filter(|c| !c.is_empty()).map(str::to_owned).collect(),
            })
        })
        .collect()
}

fn job_from_row(row: &AnyRow) -> Result<ImportJob, StoreError> {
    let state: String = row.try_get("state")?;
    let columns: String = row.try_get("columns")?;
    let mapping: String = row.try_get("mapping")?;
    let mapping: Vec<Option<ImportField>> = if mapping.is_empty() && columns.is_empty() {
        Vec::new()
    } else {
        mapping
            .split(',')
            .map(|f| match f {
                "" => Ok(None),
                name => ImportField::parse(name).map(Some).ok_or(StoreError::Corrupt("import_job.mapping")),
            })
            .collect::<Result<_, _>>()?
    };
    let columns: Vec<String> =
        if mapping.is_empty() { Vec::new() } else { columns.split('\u{1f}').map(str::to_owned).collect() };
    let report: String = row.try_get("report")?;
    Ok(ImportJob {
        id: ImportJobId(row.try_get("import_job_id")?),
        commune_id: CommuneId(row.try_get("commune_id")?),
        owner: UserId(row.try_get("owner_user_id")?),
        hamlet_id: row.try_get::<Option<i64>, _>("hamlet_id")?.map(HamletId),
        file_name: row.try_get("file_name")?,
        state: ImportState::parse(&state).ok_or(StoreError::Corrupt("import_job.state"))?,
        header_line: u32::try_from(row.try_get::<i64, _>("header_line")?)
            .map_err(|_| StoreError::Corrupt("import_job.header_line"))?,
        columns,
        mapping,
        n_rows: row.try_get("n_rows")?,
        n_done: row.try_get("n_done")?,
        n_households: row.try_get("n_households")?,
        n_imported: row.try_get("n_imported")?,
        problems: decode_problems(&report)?,
        error_code: row.try_get("error_code")?,
        created_at: from_ms(row.try_get("created_at")?)?,
        updated_at: from_ms(row.try_get("updated_at")?)?,
        expires_at: from_ms(row.try_get("expires_at")?)?,
    })
}

impl Tx {
    /// Stores a new job with its file, in state `uploaded`, expiring [`JOB_LIFETIME`] after `now`.
    pub async fn insert_import_job(
        &mut self,
        job: &NewImportJob<'_>,
        now: OffsetDateTime,
    ) -> Result<ImportJobId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO import_job (commune_id, owner_user_id, hamlet_id, file_name, state, header_line, columns, \
             mapping, n_rows, created_at, updated_at, expires_at, file_bytes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12) RETURNING import_job_id",
        )
        .bind(job.commune_id.0)
        .bind(job.owner.0)
        .bind(job.hamlet_id.map(|h| h.0))
        .bind(job.file_name)
        .bind(ImportState::Uploaded.as_str())
        .bind(i64::from(job.header_line))
        .bind(encode_columns(job.columns))
        .bind(encode_mapping(job.mapping))
        .bind(job.n_rows)
        .bind(to_ms(now))
        .bind(to_ms(now + JOB_LIFETIME))
        .bind(job.bytes.to_vec())
        .fetch_one(self.conn())
        .await?;
        Ok(ImportJobId(row.try_get("import_job_id")?))
    }

    /// One job of the commune (without its file).
    pub async fn import_job_by_id(
        &mut self,
        commune_id: CommuneId,
        job_id: ImportJobId,
    ) -> Result<Option<ImportJob>, StoreError> {
        let sql = format!("{JOB_SELECT} WHERE commune_id = $1 AND import_job_id = $2");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(commune_id.0).bind(job_id.0).fetch_optional(self.conn()).await?;
        row.as_ref().map(job_from_row).transpose()
    }

    /// The latest jobs of the commune, of one owner when `owner` is given, newest first.
    pub async fn list_import_jobs(
        &mut self,
        commune_id: CommuneId,
        owner: Option<UserId>,
        limit: u32,
    ) -> Result<Vec<ImportJob>, StoreError> {
        let sql = format!(
            "{JOB_SELECT} WHERE commune_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR owner_user_id = $2) \
             ORDER BY import_job_id DESC LIMIT $3"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(commune_id.0)
            .bind(owner.map(|o| o.0))
            .bind(i64::from(limit))
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(job_from_row).collect()
    }

    /// The file of a job, while it is kept.
    pub async fn import_job_file(
        &mut self,
        commune_id: CommuneId,
        job_id: ImportJobId,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT file_bytes FROM import_job WHERE commune_id = $1 AND import_job_id = $2")
            .bind(commune_id.0)
            .bind(job_id.0)
            .fetch_optional(self.conn())
            .await?;
        match row {
            Some(row) => Ok(row.try_get::<Option<Vec<u8>>, _>("file_bytes")?),
            None => Ok(None),
        }
    }

    /// Changes a job's mapping and state (a new mapping clears the last check's report).
    pub async fn update_import_mapping(
        &mut self,
        job_id: ImportJobId,
        mapping: &[Option<ImportField>],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE import_job SET mapping = $1, state = $2, report = '', n_households = 0, n_done = 0, \
             updated_at = $3 WHERE import_job_id = $4",
        )
        .bind(encode_mapping(mapping))
        .bind(ImportState::Mapped.as_str())
        .bind(to_ms(now))
        .bind(job_id.0)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Records the result of a check (or of the final check before a commit) and moves the job to `state`.
    pub async fn save_import_check(
        &mut self,
        job_id: ImportJobId,
        state: ImportState,
        n_rows: i64,
        n_households: i64,
        problems: &[ImportProblem],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE import_job SET state = $1, n_rows = $2, n_households = $3, report = $4, n_done = $2, \
             updated_at = $5 WHERE import_job_id = $6",
        )
        .bind(state.as_str())
        .bind(n_rows)
        .bind(n_households)
        .bind(encode_problems(problems))
        .bind(to_ms(now))
        .bind(job_id.0)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Moves a job from `from` to `to`; false when it was no longer in `from` (another request came first).
    pub async fn change_import_state(
        &mut self,
        job_id: ImportJobId,
        from: ImportState,
        to: ImportState,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE import_job SET state = $1, n_done = 0, updated_at = $2 WHERE import_job_id = $3 AND state = $4",
        )
        .bind(to.as_str())
        .bind(to_ms(now))
        .bind(job_id.0)
        .bind(from.as_str())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a running job's progress (also its heartbeat).
    pub async fn report_import_progress(
        &mut self,
        job_id: ImportJobId,
        n_done: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE import_job SET n_done = $1, updated_at = $2 WHERE import_job_id = $3 AND state = $4")
            .bind(n_done)
            .bind(to_ms(now))
            .bind(job_id.0)
            .bind(ImportState::Running.as_str())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Ends a job (`done` or `failed`), with the report of its last check, and purges its file.
    pub async fn finish_import_job(
        &mut self,
        job_id: ImportJobId,
        state: ImportState,
        n_imported: i64,
        error_code: Option<&str>,
        problems: &[ImportProblem],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE import_job SET state = $1, n_imported = $2, error_code = $3, report = $4, \
             n_done = CASE WHEN $1 = 'done' THEN n_rows ELSE n_done END, file_bytes = NULL, updated_at = $5 \
             WHERE import_job_id = $6",
        )
        .bind(state.as_str())
        .bind(n_imported)
        .bind(error_code)
        .bind(encode_problems(problems))
        .bind(to_ms(now))
        .bind(job_id.0)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Marks unfinished jobs past their lifetime `expired` and purges the file of every job past it. Returns how
    /// many files were purged.
    pub async fn expire_import_jobs(&mut self, now: OffsetDateTime) -> Result<u64, StoreError> {
        sqlx::query(
            "UPDATE import_job SET state = 'expired', updated_at = $1 \
             WHERE expires_at <= $1 AND state NOT IN ('done', 'failed', 'expired')",
        )
        .bind(to_ms(now))
        .execute(self.conn())
        .await?;
        let purged =
            sqlx::query("UPDATE import_job SET file_bytes = NULL WHERE expires_at <= $1 AND file_bytes IS NOT NULL")
                .bind(to_ms(now))
                .execute(self.conn())
                .await?;
        Ok(purged.rows_affected())
    }

    /// Creates households in batches; returns each new household with its hamlet and address.
    pub async fn insert_households_batch(
        &mut self,
        commune_id: CommuneId,
        households: &[(HamletId, String)],
        now: OffsetDateTime,
    ) -> Result<Vec<(HouseholdId, HamletId, String)>, StoreError> {
        let mut created = Vec::with_capacity(households.len());
        for chunk in households.chunks(BATCH_ROWS) {
            let values: Vec<String> =
                (0..chunk.len()).map(|i| format!("($1, ${}, ${}, $2)", 3 + 2 * i, 4 + 2 * i)).collect();
            let sql = format!(
                "INSERT INTO household (commune_id, hamlet_id, address, created_at) VALUES {} \
                 RETURNING household_id, hamlet_id, address",
                values.join(", ")
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(commune_id.0).bind(to_ms(now));
            for (hamlet_id, address) in chunk {
                query = query.bind(hamlet_id.0).bind(address.as_str());
            }
            for row in query.fetch_all(self.conn()).await? {
                created.push((
                    HouseholdId(row.try_get("household_id")?),
                    HamletId(row.try_get("hamlet_id")?),
                    row.try_get("address")?,
                ));
            }
        }
        Ok(created)
    }

    /// Adds residents (whose households exist in the commune) in batches, marked with the import job.
    pub async fn insert_residents_batch(
        &mut self,
        commune_id: CommuneId,
        job_id: ImportJobId,
        residents: &[NewResident],
        now: OffsetDateTime,
        mut on_batch: impl FnMut(usize),
    ) -> Result<u64, StoreError> {
        let mut n = 0;
        for chunk in residents.chunks(BATCH_ROWS) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let p = 4 + 8 * i;
                    format!(
                        "($1, ${p}, ${}, ${}, ${}, ${}, ${}, ${}, $2, $2, ${}, $3)",
                        p + 1,
                        p + 2,
                        p + 3,
                        p + 4,
                        p + 5,
                        p + 6,
                        p + 7
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO resident (commune_id, household_id, full_name, search_key, birth_year, gender, phone, \
                 cccd, created_at, updated_at, sort_key, import_job_id) VALUES {}",
                values.join(", ")
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(commune_id.0).bind(to_ms(now)).bind(job_id.0);
            for resident in chunk {
                query = query
                    .bind(resident.household_id.0)
                    .bind(resident.full_name.as_str())
                    .bind(text::fold(resident.full_name.as_str()))
                    .bind(resident.birth_year.map(i64::from))
                    .bind(resident.gender.map(|g| g.as_str()))
                    .bind(resident.phone.as_ref().map(|p| p.as_str().to_owned()))
                    .bind(resident.cccd.as_ref().map(|c| c.as_str().to_owned()))
                    .bind(hocvuso_domain::person_name::sort_key(&resident.full_name));
            }
            n += query.execute(self.conn()).await?.rows_affected();
            on_batch(chunk.len());
        }
        Ok(n)
    }

    /// Records, for every resident the job brought in, their consent to the register and the audit entries
    /// of their creation and consent (ids only). Returns the number of residents.
    pub async fn record_import_consents(
        &mut self,
        commune_id: CommuneId,
        job_id: ImportJobId,
        method: ConsentMethod,
        actor: UserId,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let n = sqlx::query(
            "INSERT INTO consent (commune_id, resident_id, purpose, method, given_at, recorded_by) \
             SELECT commune_id, resident_id, $3, $4, $5, $6 FROM resident WHERE import_job_id = $2 AND commune_id = $1",
        )
        .bind(commune_id.0)
        .bind(job_id.0)
        .bind(ConsentPurpose::Register.as_str())
        .bind(method.as_str())
        .bind(to_ms(now))
        .bind(actor.0)
        .execute(self.conn())
        .await?
        .rows_affected();
        for action in [AuditAction::Create, AuditAction::ConsentGiven] {
            sqlx::query(
                "INSERT INTO audit_event (at, actor_user_id, commune_id, action, subject_kind, subject_id, detail) \
                 SELECT $3, $4, commune_id, $5, $6, resident_id, '' FROM resident \
                 WHERE import_job_id = $2 AND commune_id = $1 ORDER BY resident_id",
            )
            .bind(commune_id.0)
            .bind(job_id.0)
            .bind(to_ms(now))
            .bind(actor.0)
            .bind(action.as_str())
            .bind(AuditSubject::Resident.as_str())
            .execute(self.conn())
            .await?;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_round_trip() {
        let problems = vec![
            ImportProblem { line: 5, codes: vec!["phone_invalid".into(), "name_empty".into()] },
            ImportProblem { line: 9, codes: vec!["import_duplicate_cccd".into()] },
        ];
        assert_eq!(decode_problems(&encode_problems(&problems)).unwrap(), problems);
        assert!(decode_problems("").unwrap().is_empty());
    }
}
