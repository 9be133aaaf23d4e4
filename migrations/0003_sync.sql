-- Sync: delivery state of outbox events and the sync status shown to the owner.

-- An event the upstream rejected is parked as a dead letter (with its
-- reason) until the owner retries or discards it; it never blocks the rest.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN dead_reason TEXT;
ALTER TABLE outbox ADD COLUMN dead_at TEXT;
ALTER TABLE outbox ADD COLUMN discarded_at TEXT;

DROP INDEX outbox_unsent;
CREATE INDEX outbox_pending ON outbox (seq) WHERE sent_at IS NULL AND dead_at IS NULL AND discarded_at IS NULL;
CREATE INDEX outbox_dead ON outbox (seq) WHERE dead_at IS NOT NULL AND discarded_at IS NULL;

-- Endpoint, last success, last error: what the status bar shows. Never the
-- token, which lives in the OS keyring.
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
