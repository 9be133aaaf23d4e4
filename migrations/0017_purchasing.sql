-- Catalog import, suppliers, purchase orders, receiving and stock counts.

-- Suppliers. A product names at most one; purchase orders go to one.
CREATE TABLE suppliers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    contact    TEXT,
    email      TEXT,
    phone      TEXT,
    -- Days from ordering to the delivery on the shelf: the reorder
    -- suggestion covers them on top of the store's days of cover.
    lead_days  INTEGER NOT NULL DEFAULT 7 CHECK (lead_days BETWEEN 0 AND 365),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Per product: who supplies it and under which code, and when to reorder
-- (at or below `reorder_point` units on hand, `reorder_qty` at least).
-- `compare_at_price` is Shopify's "was" price, kept so a catalog moves in
-- and out without losing it.
ALTER TABLE products ADD COLUMN supplier_id INTEGER REFERENCES suppliers (id);
ALTER TABLE products ADD COLUMN supplier_sku TEXT;
ALTER TABLE products ADD COLUMN reorder_point INTEGER CHECK (reorder_point >= 0);
ALTER TABLE products ADD COLUMN reorder_qty INTEGER CHECK (reorder_qty > 0);
ALTER TABLE products ADD COLUMN compare_at_price TEXT;
CREATE INDEX products_supplier ON products (supplier_id) WHERE supplier_id IS NOT NULL;

-- Each committed product import: its opening stock's restock movements
-- name it in their reason.
CREATE TABLE product_imports (
    id         INTEGER PRIMARY KEY,
    file_name  TEXT NOT NULL,
    format     TEXT NOT NULL CHECK (format IN ('shopify', 'till')),
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL,
    unchanged  INTEGER NOT NULL,
    user       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- Purchase orders: draft -> sent -> partly_received -> received, or
-- cancelled before anything was received. `number` is what the supplier
-- sees (PO-0001).
CREATE TABLE purchase_orders (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    supplier_id INTEGER NOT NULL REFERENCES suppliers (id),
    status      TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'partly_received', 'received', 'cancelled')),
    note        TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX purchase_orders_supplier ON purchase_orders (supplier_id);

-- A line: units ordered at a unit cost; `received` may end above `qty`
-- (a supplier that sends more).
CREATE TABLE po_lines (
    id         INTEGER PRIMARY KEY,
    po_id      INTEGER NOT NULL REFERENCES purchase_orders (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    qty        INTEGER NOT NULL CHECK (qty > 0),
    unit_cost  TEXT NOT NULL,
    received   INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),
    UNIQUE (po_id, product_id)
) STRICT;

-- Stock counts. A product's `expected` is its on-hand at the moment it
-- was first counted, so sales after that are not taken for shrinkage: the
-- commit moves stock by counted - expected.
CREATE TABLE stock_counts (
    id         INTEGER PRIMARY KEY,
    scope      TEXT NOT NULL CHECK (scope IN ('all', 'category', 'list')),
    category   TEXT,
    status     TEXT NOT NULL CHECK (status IN ('open', 'committed', 'cancelled')),
    started_by TEXT NOT NULL,
    started_at TEXT NOT NULL,
    closed_at  TEXT
) STRICT;
CREATE TABLE count_lines (
    count_id   INTEGER NOT NULL REFERENCES stock_counts (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    counted    INTEGER CHECK (counted >= 0),
    expected   INTEGER,
    counted_at TEXT,
    PRIMARY KEY (count_id, product_id)
) STRICT, WITHOUT ROWID;

-- The stock ledger gains the `receive` kind and the purchase order or
-- count a movement came from. SQLite cannot change a CHECK in place, so the
-- table is rebuilt with its rows (ids kept), indexes and triggers; the
-- copy goes in before the triggers, so on-hand is not counted twice.
CREATE TABLE stock_movements_new (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id),
    kind       TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'restock', 'count', 'damage', 'correction', 'receive')),
    qty        INTEGER NOT NULL CHECK (qty <> 0),
    reason     TEXT,
    user       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    order_id   TEXT REFERENCES orders (id),
    refund_id  TEXT REFERENCES refunds (id),
    po_id      INTEGER REFERENCES purchase_orders (id),
    count_id   INTEGER REFERENCES stock_counts (id)
) STRICT;
INSERT INTO stock_movements_new (id, product_id, kind, qty, reason, user, created_at, order_id, refund_id)
SELECT id, product_id, kind, qty, reason, user, created_at, order_id, refund_id FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_new RENAME TO stock_movements;
CREATE INDEX stock_movements_product ON stock_movements (product_id);
CREATE INDEX stock_movements_order ON stock_movements (order_id);
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
CREATE TRIGGER price_version_stock_movements_insert AFTER INSERT ON stock_movements
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
