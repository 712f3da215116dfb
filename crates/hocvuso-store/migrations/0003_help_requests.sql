-- Help requests: residents ask from the public page (or a QR code), or staff enter a phone call; routed to the
-- hamlet's team and tracked to resolution.
CREATE TABLE help_request (
    help_request_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT help_request_commune_fkey REFERENCES commune (commune_id),
    hamlet_id BIGINT CONSTRAINT help_request_hamlet_fkey REFERENCES hamlet (hamlet_id),
    full_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    topic TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    handled_by BIGINT CONSTRAINT help_request_handled_by_fkey REFERENCES app_user (user_id)
);
CREATE INDEX help_request_commune_idx ON help_request (commune_id, status, help_request_id);
