ALTER TABLE import_job ADD COLUMN file_bytes BYTEA;
