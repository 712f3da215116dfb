-- The foundation: official units, tenants, accounts, sessions, the core of the register,
-- consent records and the audit log.
--
-- Portable SQL run on SQLite and PostgreSQL alike. `{{id}}` becomes each backend's auto-increment
-- primary key (see crates/hocvuso-store/src/migrate.rs). Times are BIGINT milliseconds since the Unix
-- epoch, in UTC. Every commune-owned table carries `commune_id`, the shard key of a national deployment.

-- Official province-level units (QĐ 19/2025/QĐ-TTg), loaded from data/provinces.csv.
CREATE TABLE province (
    province_code TEXT NOT NULL CONSTRAINT province_pkey PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

-- Official commune-level units; commune_id is the 5-digit code as a number.
CREATE TABLE commune_unit (
    commune_id BIGINT NOT NULL CONSTRAINT commune_unit_pkey PRIMARY KEY,
    province_code TEXT NOT NULL CONSTRAINT commune_unit_province_fkey REFERENCES province (province_code),
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX commune_unit_province_idx ON commune_unit (province_code);

-- Pre-2025 communes and the new commune each became part of (addresses and CCCD still use old codes).
CREATE TABLE legacy_commune (
    legacy_code TEXT NOT NULL,
    legacy_name TEXT NOT NULL,
    legacy_district_name TEXT NOT NULL,
    legacy_province_name TEXT NOT NULL,
    commune_id BIGINT NOT NULL CONSTRAINT legacy_commune_commune_fkey REFERENCES commune_unit (commune_id),
    CONSTRAINT legacy_commune_pkey PRIMARY KEY (legacy_code, commune_id)
);

-- The communes this deployment serves (its tenants).
CREATE TABLE commune (
    commune_id BIGINT NOT NULL CONSTRAINT commune_pkey PRIMARY KEY
        CONSTRAINT commune_unit_fkey REFERENCES commune_unit (commune_id),
    activated_at BIGINT NOT NULL
);

-- Thôn, bản, xóm, khối, tổ dân phố: created by commune staff.
CREATE TABLE hamlet (
    hamlet_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT hamlet_commune_fkey REFERENCES commune (commune_id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT hamlet_name_key UNIQUE (commune_id, name_key)
);

-- Accounts. The phone number is the sign-in name.
CREATE TABLE app_user (
    user_id {{id}},
    phone TEXT NOT NULL CONSTRAINT app_user_phone_key UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    province_code TEXT CONSTRAINT app_user_province_fkey REFERENCES province (province_code),
    commune_id BIGINT CONSTRAINT app_user_commune_fkey REFERENCES commune (commune_id),
    hamlet_id BIGINT CONSTRAINT app_user_hamlet_fkey REFERENCES hamlet (hamlet_id),
    failed_sign_ins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    disabled_at BIGINT,
    created_at BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);
CREATE INDEX app_user_commune_idx ON app_user (commune_id);

-- Server-side sessions. session_key is the SHA-256 of the cookie's token, so a copy of the
-- database does not hand out live sessions.
CREATE TABLE user_session (
    session_key TEXT NOT NULL CONSTRAINT user_session_pkey PRIMARY KEY,
    user_id BIGINT NOT NULL CONSTRAINT user_session_user_fkey REFERENCES app_user (user_id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

CREATE TABLE household (
    household_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT household_commune_fkey REFERENCES commune (commune_id),
    hamlet_id BIGINT NOT NULL CONSTRAINT household_hamlet_fkey REFERENCES hamlet (hamlet_id),
    address TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX household_hamlet_idx ON household (commune_id, hamlet_id);

-- A person. Erasure clears full_name, phone and cccd and sets erased_at; birth year, gender and
-- household stay, so the statistics still add up.
CREATE TABLE resident (
    resident_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT resident_commune_fkey REFERENCES commune (commune_id),
    household_id BIGINT NOT NULL CONSTRAINT resident_household_fkey REFERENCES household (household_id),
    full_name TEXT,
    search_key TEXT NOT NULL DEFAULT '',
    birth_year BIGINT,
    gender TEXT,
    phone TEXT,
    cccd TEXT,
    erased_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX resident_household_idx ON resident (commune_id, household_id);

-- Which volunteer looks after which household.
CREATE TABLE volunteer_assignment (
    commune_id BIGINT NOT NULL CONSTRAINT volunteer_assignment_commune_fkey REFERENCES commune (commune_id),
    household_id BIGINT NOT NULL CONSTRAINT volunteer_assignment_household_fkey REFERENCES household (household_id),
    volunteer_user_id BIGINT NOT NULL CONSTRAINT volunteer_assignment_user_fkey REFERENCES app_user (user_id),
    assigned_at BIGINT NOT NULL,
    CONSTRAINT volunteer_assignment_pkey PRIMARY KEY (household_id, volunteer_user_id)
);
CREATE INDEX volunteer_assignment_user_idx ON volunteer_assignment (volunteer_user_id);

CREATE TABLE consent (
    consent_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT consent_commune_fkey REFERENCES commune (commune_id),
    resident_id BIGINT NOT NULL CONSTRAINT consent_resident_fkey REFERENCES resident (resident_id),
    purpose TEXT NOT NULL,
    method TEXT NOT NULL,
    given_at BIGINT NOT NULL,
    recorded_by BIGINT NOT NULL CONSTRAINT consent_recorded_by_fkey REFERENCES app_user (user_id),
    withdrawn_at BIGINT,
    withdrawn_by BIGINT CONSTRAINT consent_withdrawn_by_fkey REFERENCES app_user (user_id)
);
CREATE INDEX consent_resident_idx ON consent (resident_id);

-- Append-only (triggers in the backend-specific files refuse UPDATE and DELETE).
-- Holds ids only: never a name, phone number or CCCD number.
CREATE TABLE audit_event (
    audit_id {{id}},
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    commune_id BIGINT,
    action TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_commune_idx ON audit_event (commune_id, audit_id);
CREATE INDEX audit_event_subject_idx ON audit_event (subject_kind, subject_id);
