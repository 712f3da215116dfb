-- Winners' certificates of a contest (issue #5, results). A certificate keeps the place, prize and score it was
-- issued with (the paper says so, whatever happens later); the name and unit are the registration's.
-- The code is random and unguessable; it is printed as a QR code to the public page that verifies it.
CREATE TABLE contest_certificate (
    certificate_id {{id}},
    contest_id BIGINT NOT NULL CONSTRAINT contest_certificate_contest_fkey REFERENCES contest (contest_id),
    entrant_id BIGINT NOT NULL CONSTRAINT contest_certificate_entrant_fkey REFERENCES contest_entrant (entrant_id),
    code TEXT NOT NULL,
    place INTEGER NOT NULL,
    award TEXT NOT NULL,
    score INTEGER NOT NULL,
    issued_at BIGINT NOT NULL,
    issued_by BIGINT CONSTRAINT contest_certificate_issued_by_fkey REFERENCES app_user (user_id),
    CONSTRAINT contest_certificate_code_key UNIQUE (code),
    CONSTRAINT contest_certificate_entrant_key UNIQUE (contest_id, entrant_id)
);
