-- Email receipts. The shop's outgoing mail server (one row; its password
-- is never here: it is in the OS keyring or given by the environment),
-- and the messages queued to it. A message is queued in the store (inside
-- the sale's transaction when the sale asks for it) and sent later, so a
-- till with no network still takes the address; its PDF is made when it
-- is sent, from the stored order.
CREATE TABLE smtp_settings (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    host         TEXT NOT NULL,
    port         INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    -- starttls: plain connection upgraded with STARTTLS, refused when the
    -- server does not offer it; tls: TLS from the first byte; none: plain.
    security     TEXT NOT NULL CHECK (security IN ('starttls', 'tls', 'none')),
    username     TEXT,
    from_address TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

-- queued: waiting to be sent (again, after a failure, at next_attempt_at);
-- sent; failed: refused by the server for good (or its receipt cannot be
-- made), until someone retries it.
CREATE TABLE email_jobs (
    id              INTEGER PRIMARY KEY,
    -- The receipt: an order's id, or a refund's number.
    reference       TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
) STRICT;
CREATE INDEX email_jobs_waiting ON email_jobs (state, next_attempt_at);
