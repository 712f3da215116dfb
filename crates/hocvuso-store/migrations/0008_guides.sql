-- Guides (issue #4): which guides a signed-in user finished, and "taught this guide to this person" as evidence in
-- the register. Guides themselves are files, so a slug is stored, not a foreign key.
CREATE TABLE guide_progress (
    user_id BIGINT NOT NULL CONSTRAINT guide_progress_user_fkey REFERENCES app_user (user_id),
    guide_slug TEXT NOT NULL,
    finished_at BIGINT NOT NULL,
    CONSTRAINT guide_progress_pkey PRIMARY KEY (user_id, guide_slug)
);
CREATE TABLE guide_taught (
    guide_taught_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT guide_taught_commune_fkey REFERENCES commune (commune_id),
    resident_id BIGINT NOT NULL CONSTRAINT guide_taught_resident_fkey REFERENCES resident (resident_id),
    guide_slug TEXT NOT NULL,
    taught_by BIGINT NOT NULL CONSTRAINT guide_taught_user_fkey REFERENCES app_user (user_id),
    taught_at BIGINT NOT NULL
);
CREATE INDEX guide_taught_resident_idx ON guide_taught (resident_id, taught_at);
