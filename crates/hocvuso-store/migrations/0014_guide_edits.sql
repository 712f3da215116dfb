-- Guide editor (issue #4): guides edited or added in the web UI. Every save is a new version (the history); the
-- newest version of a slug is served over the file of the same slug, and a version without markdown means "back to
-- the file". Pictures uploaded in the editor live in `guide_picture`, their bytes in `bytes` (added by the
-- backend-specific file: BLOB on SQLite, BYTEA on PostgreSQL); they are cleaned or re-encoded before they get here.
CREATE TABLE guide_version (
    guide_version_id {{id}},
    guide_slug TEXT NOT NULL,
    version BIGINT NOT NULL,
    markdown TEXT,
    commune_id BIGINT CONSTRAINT guide_version_commune_fkey REFERENCES commune (commune_id),
    edited_by BIGINT NOT NULL CONSTRAINT guide_version_user_fkey REFERENCES app_user (user_id),
    edited_at BIGINT NOT NULL,
    CONSTRAINT guide_version_slug_key UNIQUE (guide_slug, version)
);
CREATE TABLE guide_picture (
    guide_slug TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL CONSTRAINT guide_picture_user_fkey REFERENCES app_user (user_id),
    uploaded_at BIGINT NOT NULL,
    CONSTRAINT guide_picture_pkey PRIMARY KEY (guide_slug, file_name)
);
