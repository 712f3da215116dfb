-- The coverage register's skills checklist, sign-offs, visits, target groups and smartphone ownership.

-- The checklist of a commune: seeded with the default skills when the commune is first served, then edited by staff.
CREATE TABLE skill (
    skill_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT skill_commune_fkey REFERENCES commune (commune_id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    is_core BIGINT NOT NULL DEFAULT 1,
    position BIGINT NOT NULL,
    retired_at BIGINT,
    created_at BIGINT NOT NULL,
    CONSTRAINT skill_code_key UNIQUE (commune_id, code)
);

-- Who confirmed which skill of whom, when and how; revoked with a reason, never deleted
-- (the status on any past date must stay computable).
CREATE TABLE skill_sign_off (
    sign_off_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT skill_sign_off_commune_fkey REFERENCES commune (commune_id),
    resident_id BIGINT NOT NULL CONSTRAINT skill_sign_off_resident_fkey REFERENCES resident (resident_id),
    skill_id BIGINT NOT NULL CONSTRAINT skill_sign_off_skill_fkey REFERENCES skill (skill_id),
    method TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    confirmed_by BIGINT NOT NULL CONSTRAINT skill_sign_off_confirmed_by_fkey REFERENCES app_user (user_id),
    confirmed_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_by BIGINT CONSTRAINT skill_sign_off_revoked_by_fkey REFERENCES app_user (user_id),
    revoke_reason TEXT
);
CREATE INDEX skill_sign_off_resident_idx ON skill_sign_off (commune_id, resident_id);

-- A volunteer's visit to a household (and, when it was one person, to whom).
CREATE TABLE visit (
    visit_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT visit_commune_fkey REFERENCES commune (commune_id),
    household_id BIGINT NOT NULL CONSTRAINT visit_household_fkey REFERENCES household (household_id),
    resident_id BIGINT CONSTRAINT visit_resident_fkey REFERENCES resident (resident_id),
    volunteer_user_id BIGINT NOT NULL CONSTRAINT visit_user_fkey REFERENCES app_user (user_id),
    visited_at BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    practised TEXT NOT NULL DEFAULT '',
    next_step TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX visit_household_idx ON visit (commune_id, household_id, visited_at);

-- Target groups a person belongs to (elderly and women are derived from birth year and gender, not stored).
CREATE TABLE resident_group (
    commune_id BIGINT NOT NULL CONSTRAINT resident_group_commune_fkey REFERENCES commune (commune_id),
    resident_id BIGINT NOT NULL CONSTRAINT resident_group_resident_fkey REFERENCES resident (resident_id),
    group_code TEXT NOT NULL,
    CONSTRAINT resident_group_pkey PRIMARY KEY (resident_id, group_code)
);

-- NULL: not asked yet; 0: no smartphone; 1: has one.
ALTER TABLE resident ADD COLUMN has_smartphone BIGINT;
-- "Confirmed on VNeID": recorded separately from the commune's own checklist.
ALTER TABLE resident ADD COLUMN vneid_confirmed_at BIGINT;
ALTER TABLE resident ADD COLUMN vneid_confirmed_by BIGINT;
-- The commune's rule for "phổ cập": all core skills, and whether self-reported sign-offs count.
ALTER TABLE commune ADD COLUMN reach_accepts_self_reported BIGINT NOT NULL DEFAULT 0;
