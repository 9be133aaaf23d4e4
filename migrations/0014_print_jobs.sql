-- Print jobs: the ESC/POS bytes of a receipt, a label sheet, a test page or
-- a drawer kick, and where they go. A sale's receipt is queued in the
-- sale's own transaction and sent after the commit, so a printer that is
-- off or jammed never holds or undoes a sale: the job stays queued and is
-- retried with a growing wait (10 s doubling to 10 min).
-- The printer settings (printer_to, printer_width, printer_codepage,
-- drawer_kick, auto_print) are rows of the settings table like the others.
CREATE TABLE print_jobs (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('receipt', 'label', 'test', 'drawer')),
    -- The order (or refund) number a receipt is of; none for the others.
    order_ref        TEXT,
    bytes            BLOB NOT NULL,
    -- file:PATH, tcp:HOST:PORT or device:PATH, as the settings write it.
    destination      TEXT NOT NULL,
    -- queued: to be sent (again); sent: the printer took it; failed: given
    -- up (a destination that cannot be written), until retried by hand.
    state            TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
) STRICT;
CREATE INDEX print_jobs_due ON print_jobs (next_attempt_at) WHERE state = 'queued';
