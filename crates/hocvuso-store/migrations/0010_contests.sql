-- Quiz contests (issue #5): a commune's question bank, its contests, registrations, attempts and answers.
-- Every answer is its own row, written and committed before it is acknowledged, keyed by (attempt, position)
-- so a replayed request overwrites nothing newer (client_seq) and an answer is never stored twice.
CREATE TABLE contest_question (
    question_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT contest_question_commune_fkey REFERENCES commune (commune_id),
    topic TEXT NOT NULL DEFAULT '',
    difficulty TEXT NOT NULL,
    body TEXT NOT NULL,
    options TEXT NOT NULL,
    correct TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    created_by BIGINT CONSTRAINT contest_question_created_by_fkey REFERENCES app_user (user_id),
    retired_at BIGINT
);
CREATE INDEX contest_question_commune_idx ON contest_question (commune_id, retired_at, question_id);

CREATE TABLE contest (
    contest_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT contest_commune_fkey REFERENCES commune (commune_id),
    settings TEXT NOT NULL,
    opens_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT CONSTRAINT contest_created_by_fkey REFERENCES app_user (user_id)
);
CREATE INDEX contest_commune_idx ON contest (commune_id, opens_at);

-- The questions a contest draws from: a copy of the bank's at set-up time, so editing the bank later
-- never changes a running contest's key.
CREATE TABLE contest_item (
    contest_id BIGINT NOT NULL CONSTRAINT contest_item_contest_fkey REFERENCES contest (contest_id),
    position INTEGER NOT NULL,
    question_id BIGINT NOT NULL CONSTRAINT contest_item_question_fkey REFERENCES contest_question (question_id),
    CONSTRAINT contest_item_pkey PRIMARY KEY (contest_id, position)
);

CREATE TABLE contest_entrant (
    entrant_id {{id}},
    contest_id BIGINT NOT NULL CONSTRAINT contest_entrant_contest_fkey REFERENCES contest (contest_id),
    full_name TEXT NOT NULL,
    birth_year INTEGER NOT NULL,
    phone TEXT NOT NULL,
    cccd TEXT,
    unit TEXT NOT NULL,
    registered_at BIGINT NOT NULL,
    -- SHA-256 of the entry code the participant keeps (cookie, or written down to resume on another phone).
    code_hash TEXT NOT NULL,
    CONSTRAINT contest_entrant_code_key UNIQUE (code_hash),
    CONSTRAINT contest_entrant_phone_key UNIQUE (contest_id, phone),
    CONSTRAINT contest_entrant_cccd_key UNIQUE (contest_id, cccd)
);

CREATE TABLE contest_attempt (
    attempt_id {{id}},
    entrant_id BIGINT NOT NULL CONSTRAINT contest_attempt_entrant_fkey REFERENCES contest_entrant (entrant_id),
    number INTEGER NOT NULL,
    items TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    submitted_at BIGINT,
    score INTEGER,
    prediction BIGINT,
    CONSTRAINT contest_attempt_number_key UNIQUE (entrant_id, number)
);

CREATE TABLE contest_answer (
    attempt_id BIGINT NOT NULL CONSTRAINT contest_answer_attempt_fkey REFERENCES contest_attempt (attempt_id),
    position INTEGER NOT NULL,
    chosen TEXT NOT NULL,
    client_seq BIGINT NOT NULL,
    answered_at BIGINT NOT NULL,
    CONSTRAINT contest_answer_pkey PRIMARY KEY (attempt_id, position)
);
