-- Cash-drawer shifts. A shift opens with a float, takes cash in and out
-- (each with a reason), and closes with the cash counted; its X report
-- (while open) and Z report (at the close) are sums over what happened in
-- it: the orders and refunds committed while it was open, which carry its
-- id, and its cash movements. Nothing is kept as a running total.
CREATE TABLE shifts (
    id         TEXT PRIMARY KEY,
    -- The till it is the drawer of (the settings' device_id): one open
    -- shift per device.
    device_id  TEXT NOT NULL,
    opened_by  TEXT NOT NULL,
    opened_at  TEXT NOT NULL,
    float      TEXT NOT NULL,
    closed_by  TEXT,
    closed_at  TEXT,
    counted    TEXT,
    -- The Z report as it was at the close (JSON), so a closed shift shows
    -- the same figures whenever it is asked for.
    report     TEXT,
    CHECK ((closed_at IS NULL) = (closed_by IS NULL)
       AND (closed_at IS NULL) = (counted IS NULL)
       AND (closed_at IS NULL) = (report IS NULL))
) STRICT;
CREATE UNIQUE INDEX shifts_one_open_per_device ON shifts (device_id) WHERE closed_at IS NULL;
CREATE INDEX shifts_opened ON shifts (opened_at);

-- A closed shift is history: it is never reopened, edited or removed.
CREATE TRIGGER shifts_closed_stay_closed BEFORE UPDATE ON shifts
WHEN OLD.closed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a closed shift cannot be changed');
END;
CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
BEGIN
    SELECT RAISE(ABORT, 'shifts cannot be deleted');
END;

-- Cash put into or taken out of the drawer during a shift, other than by
-- sales and refunds: change from the bank, a payment to a supplier.
-- Append-only, like the stock ledger.
CREATE TABLE shift_cash (
    id         INTEGER PRIMARY KEY,
    shift_id   TEXT NOT NULL REFERENCES shifts (id),
    kind       TEXT NOT NULL CHECK (kind IN ('in', 'out')),
    amount     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    cashier    TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX shift_cash_shift ON shift_cash (shift_id);
CREATE TRIGGER shift_cash_no_update BEFORE UPDATE ON shift_cash
BEGIN
    SELECT RAISE(ABORT, 'cash movements are append-only');
END;
CREATE TRIGGER shift_cash_no_delete BEFORE DELETE ON shift_cash
BEGIN
    SELECT RAISE(ABORT, 'cash movements are append-only');
END;
CREATE TRIGGER shift_cash_open_shift BEFORE INSERT ON shift_cash
WHEN (SELECT closed_at FROM shifts WHERE id = NEW.shift_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the shift is closed');
END;

-- The shift a sale or a refund was committed in (NULL: none was open).
-- Set when the row is written and never changed, so a Z report cannot
-- move once the shift is closed.
ALTER TABLE orders ADD COLUMN shift_id TEXT REFERENCES shifts (id);
ALTER TABLE refunds ADD COLUMN shift_id TEXT REFERENCES shifts (id);
CREATE INDEX orders_shift ON orders (shift_id) WHERE shift_id IS NOT NULL;
CREATE INDEX refunds_shift ON refunds (shift_id) WHERE shift_id IS NOT NULL;

CREATE TRIGGER orders_shift_open BEFORE INSERT ON orders
WHEN NEW.shift_id IS NOT NULL
 AND (SELECT closed_at FROM shifts WHERE id = NEW.shift_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the shift is closed');
END;
CREATE TRIGGER orders_shift_fixed BEFORE UPDATE OF shift_id ON orders
WHEN NEW.shift_id IS NOT OLD.shift_id
BEGIN
    SELECT RAISE(ABORT, 'an order stays in the shift it was sold in');
END;
CREATE TRIGGER refunds_shift_open BEFORE INSERT ON refunds
WHEN NEW.shift_id IS NOT NULL
 AND (SELECT closed_at FROM shifts WHERE id = NEW.shift_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the shift is closed');
END;
CREATE TRIGGER refunds_shift_fixed BEFORE UPDATE OF shift_id ON refunds
WHEN NEW.shift_id IS NOT OLD.shift_id
BEGIN
    SELECT RAISE(ABORT, 'a refund stays in the shift it was given in');
END;

-- A cart line whose price was set by hand at the till ("COF@2.50"): it
-- keeps that price when the customer changes (member prices are not
-- applied over it).
ALTER TABLE cart_lines ADD COLUMN price_override INTEGER NOT NULL DEFAULT 0 CHECK (price_override IN (0, 1));
