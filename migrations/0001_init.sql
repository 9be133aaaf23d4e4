-- Till store schema, version 1.
-- Money is stored as decimal TEXT ("57.50"), never REAL. Times are RFC 3339
-- UTC strings with milliseconds, so they sort as text.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE products (
    id         INTEGER PRIMARY KEY,
    sku        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    barcode    TEXT UNIQUE,
    price      TEXT NOT NULL,
    cost       TEXT,
    tax_rate   TEXT NOT NULL DEFAULT '0',
    category   TEXT,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX products_category ON products (category);

-- The inventory ledger. Rows are never changed or removed (see triggers);
-- on-hand is the sum of `qty` per product.
CREATE TABLE stock_movements (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id),
    kind       TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'restock', 'count', 'damage', 'correction')),
    qty        INTEGER NOT NULL CHECK (qty <> 0),
    reason     TEXT,
    user       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    order_id   TEXT REFERENCES orders (id),
    refund_id  TEXT REFERENCES refunds (id)
) STRICT;
CREATE INDEX stock_movements_product ON stock_movements (product_id);
CREATE INDEX stock_movements_order ON stock_movements (order_id);

-- Cache of on-hand per product, kept by the trigger below in the same
-- statement as each ledger row, so it cannot drift from the ledger.
CREATE TABLE stock_levels (
    product_id INTEGER PRIMARY KEY REFERENCES products (id),
    on_hand    INTEGER NOT NULL
) STRICT;

CREATE TRIGGER stock_movements_apply AFTER INSERT ON stock_movements
BEGIN
    INSERT INTO stock_levels (product_id, on_hand) VALUES (NEW.product_id, NEW.qty)
    ON CONFLICT (product_id) DO UPDATE SET on_hand = on_hand + NEW.qty;
END;
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are append-only');
END;
-- Per-device counters (receipt numbers). Incremented inside the sale's own
-- transaction, so two windows or two processes never get the same number.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;

CREATE TABLE orders (
    id              TEXT PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    customer_id     TEXT,
    currency        TEXT NOT NULL,
    tax_mode        TEXT NOT NULL CHECK (tax_mode IN ('exclusive', 'inclusive')),
    subtotal        TEXT NOT NULL,
    discount        TEXT NOT NULL,
    tax             TEXT NOT NULL,
    total           TEXT NOT NULL,
    paid            TEXT NOT NULL,
    change          TEXT NOT NULL,
    cashier         TEXT NOT NULL,
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX orders_created_at ON orders (created_at);

CREATE TABLE order_lines (
    order_id     TEXT NOT NULL REFERENCES orders (id),
    line_no      INTEGER NOT NULL,
    product_id   INTEGER NOT NULL REFERENCES products (id),
    sku          TEXT NOT NULL,
    name         TEXT NOT NULL,
    qty          INTEGER NOT NULL CHECK (qty > 0),
    unit_price   TEXT NOT NULL,
    price_note   TEXT,
    gross        TEXT NOT NULL,
    discount     TEXT NOT NULL,
    net          TEXT NOT NULL,
    tax_rate     TEXT NOT NULL,
    tax          TEXT NOT NULL,
    total        TEXT NOT NULL,
    refunded_qty INTEGER NOT NULL DEFAULT 0 CHECK (refunded_qty >= 0 AND refunded_qty <= qty),
    PRIMARY KEY (order_id, line_no)
) STRICT;

CREATE TABLE order_taxes (
    order_id TEXT NOT NULL REFERENCES orders (id),
    rate     TEXT NOT NULL,
    base     TEXT NOT NULL,
    tax      TEXT NOT NULL,
    PRIMARY KEY (order_id, rate)
) STRICT;

CREATE TABLE payments (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders (id),
    method     TEXT NOT NULL CHECK (method IN ('cash', 'card')),
    amount     TEXT NOT NULL,
    reference  TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX payments_order ON payments (order_id);

CREATE TABLE refunds (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders (id),
    idempotency_key TEXT NOT NULL UNIQUE,
    amount          TEXT NOT NULL,
    tax             TEXT NOT NULL,
    method          TEXT NOT NULL CHECK (method IN ('cash', 'card')),
    cashier         TEXT NOT NULL,
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX refunds_order ON refunds (order_id);

CREATE TABLE refund_lines (
    refund_id TEXT NOT NULL REFERENCES refunds (id),
    line_no   INTEGER NOT NULL,
    qty       INTEGER NOT NULL CHECK (qty > 0),
    amount    TEXT NOT NULL,
    tax       TEXT NOT NULL,
    PRIMARY KEY (refund_id, line_no)
) STRICT;

-- Open carts live in the store so a crash or a second window never loses
-- or duplicates what the cashier rang up. The cart id is the idempotency
-- key of the sale it becomes.
CREATE TABLE carts (
    id              TEXT PRIMARY KEY,
    status          TEXT NOT NULL CHECK (status IN ('open', 'completed', 'voided')),
    order_discount  TEXT,
    order_id        TEXT REFERENCES orders (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE TABLE cart_lines (
    id         INTEGER PRIMARY KEY,
    cart_id    TEXT NOT NULL REFERENCES carts (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    qty        INTEGER NOT NULL CHECK (qty > 0),
    unit_price TEXT NOT NULL,
    price_note TEXT,
    discount   TEXT,
    added_at   TEXT NOT NULL
) STRICT;
CREATE INDEX cart_lines_cart ON cart_lines (cart_id);

-- Events for the upstream, written in the same transaction as the change
-- they describe. `seq` is the per-device, increasing sequence number.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    payload     TEXT NOT NULL,
    sent_at     TEXT
) STRICT;
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;
