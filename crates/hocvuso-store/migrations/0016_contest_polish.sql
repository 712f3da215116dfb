-- Contests, the remaining gaps of issue #5.
-- A picture per question: the bytes (cleaned SVG or re-encoded photo) are stored once, keyed by their SHA-256, and
-- served under that name for a long time; the column `bytes` is added by the backend-specific file (BLOB on SQLite,
-- BYTEA on PostgreSQL). A question points at its picture; editing a question makes a new question (the old one is
-- retired), so a contest that copied the old one keeps its picture and key.
CREATE TABLE contest_picture (
    picture_sha TEXT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by BIGINT CONSTRAINT contest_picture_uploaded_by_fkey REFERENCES app_user (user_id),
    uploaded_at BIGINT NOT NULL,
    CONSTRAINT contest_picture_pkey PRIMARY KEY (picture_sha)
);
ALTER TABLE contest_question ADD COLUMN picture_sha TEXT
    CONSTRAINT contest_question_picture_fkey REFERENCES contest_picture (picture_sha);
ALTER TABLE contest_question ADD COLUMN picture_alt TEXT NOT NULL DEFAULT '';
-- A certificate may be revoked (a mistake, a cheat found later): the paper stays printed, so its public page must
-- say so, with the date and the reason.
ALTER TABLE contest_certificate ADD COLUMN revoked_at BIGINT;
ALTER TABLE contest_certificate ADD COLUMN revoked_by BIGINT
    CONSTRAINT contest_certificate_revoked_by_fkey REFERENCES app_user (user_id);
ALTER TABLE contest_certificate ADD COLUMN revoked_reason TEXT;
