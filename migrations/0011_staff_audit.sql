-- Staff members and the audit trail.
--
-- While `staff` is empty the store is in single-owner mode: nothing asks for
-- a PIN and nothing is audited. A PIN is kept only as an Argon2id hash (PHC
-- string). `failed_attempts` counts wrong PINs in a row; five lock the member
-- until `locked_until` (the store's clock).
CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'cashier')),
    pin_hash        TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
-- Names are unique whatever their case: "Ana" and "ana" are one member.
CREATE UNIQUE INDEX staff_name ON staff (name COLLATE NOCASE);

-- Every sensitive action, append-only and hash-chained: `hash` is the
-- SHA-256 of `prev_hash` and the entry's canonical content (see
-- till-core's `audit`), `prev_hash` the hash of the entry before (64 zeros
-- for the first). An entry edited outside Till no longer matches its hash.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT,
    approver    TEXT,
    action      TEXT NOT NULL,
    subject     TEXT,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_by_time ON audit_log (at, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
