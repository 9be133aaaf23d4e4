-- A device token serves one device. The first batch sent with a token fixes
-- its device_id; a batch with that token and another device_id is refused
-- (403). A token can be revoked: it is refused from then on (401) and its
-- row stays, for the record. `id` names a token in `device list` and
-- `device revoke` (the token itself is never stored).
ALTER TABLE devices
    ADD COLUMN id           BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    ADD COLUMN device_id    TEXT,            -- NULL until the token's first batch
    ADD COLUMN bound_at     TIMESTAMPTZ,
    ADD COLUMN last_seen_at TIMESTAMPTZ,     -- the token's latest accepted batch
    ADD COLUMN revoked_at   TIMESTAMPTZ;
CREATE INDEX devices_device_id ON devices (device_id);
