-- Field records: one receipt per record a volunteer's device sent (often after working offline), keyed by the
-- id the device gave it. A record sent again is answered from its receipt and never applied twice. The receipt
-- holds ids and codes only, no personal data.
CREATE TABLE field_record (
    client_id TEXT NOT NULL,
    commune_id BIGINT NOT NULL CONSTRAINT field_record_commune_fkey REFERENCES commune (commune_id),
    user_id BIGINT NOT NULL CONSTRAINT field_record_user_fkey REFERENCES app_user (user_id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    resident_id BIGINT CONSTRAINT field_record_resident_fkey REFERENCES resident (resident_id),
    household_id BIGINT CONSTRAINT field_record_household_fkey REFERENCES household (household_id),
    recorded_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    CONSTRAINT field_record_pkey PRIMARY KEY (client_id)
);
CREATE INDEX field_record_user_idx ON field_record (user_id, received_at);
