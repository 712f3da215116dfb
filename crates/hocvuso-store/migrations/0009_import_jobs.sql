-- Import jobs: a spreadsheet uploaded by commune staff or a hamlet lead, mapped, checked and committed in steps.
-- The file's bytes live in `file_bytes` (added by the backend-specific file: BLOB on SQLite, BYTEA on
-- PostgreSQL) until the job is done or expires after a day; then they are purged. The job holds the header row,
-- the column mapping and the per-line report (codes only, never a cell's value), and the progress counters.
CREATE TABLE import_job (
    import_job_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT import_job_commune_fkey REFERENCES commune (commune_id),
    owner_user_id BIGINT NOT NULL CONSTRAINT import_job_owner_fkey REFERENCES app_user (user_id),
    hamlet_id BIGINT CONSTRAINT import_job_hamlet_fkey REFERENCES hamlet (hamlet_id),
    file_name TEXT NOT NULL,
    state TEXT NOT NULL,
    header_line BIGINT NOT NULL,
    columns TEXT NOT NULL,
    mapping TEXT NOT NULL,
    n_rows BIGINT NOT NULL DEFAULT 0,
    n_done BIGINT NOT NULL DEFAULT 0,
    n_households BIGINT NOT NULL DEFAULT 0,
    n_imported BIGINT NOT NULL DEFAULT 0,
    report TEXT NOT NULL DEFAULT '',
    error_code TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX import_job_owner_idx ON import_job (commune_id, owner_user_id, import_job_id);
CREATE INDEX import_job_expiry_idx ON import_job (expires_at);

-- Which import brought a resident in: the commit writes consents and audit entries for the whole batch with
-- one statement each.
ALTER TABLE resident ADD COLUMN import_job_id BIGINT CONSTRAINT resident_import_job_fkey REFERENCES import_job (import_job_id);
CREATE INDEX resident_import_job_idx ON resident (import_job_id);
