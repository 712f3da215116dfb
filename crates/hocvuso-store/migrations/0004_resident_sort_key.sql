-- The Vietnamese sort key of each person's name (hocvuso_domain::person_name::sort_key), so lists sort and page
-- in the database the same way on SQLite and PostgreSQL. Filled for existing rows by the migration runner.
ALTER TABLE resident ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
CREATE INDEX resident_sort_idx ON resident (commune_id, sort_key, resident_id);
