-- Bundles: items sold together at a discount, applied automatically at
-- checkout; kits: one SKU that is sold as its components.

-- A bundle offer. Exactly one of percent_off (of the items' unit prices) and
-- price (a fixed price for one of each set) is given. The validity window is
-- optional on both ends; times as RFC 3339 UTC text.
CREATE TABLE bundles (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    percent_off TEXT,
    price       TEXT,
    valid_from  TEXT,
    valid_until TEXT,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Where the bundle came from: 'manual' or 'suggestion' (approved).
    source      TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'suggestion')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK ((percent_off IS NULL) <> (price IS NULL))
) STRICT;

CREATE TABLE bundle_items (
    bundle_id  INTEGER NOT NULL REFERENCES bundles (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    qty        INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (bundle_id, product_id)
) STRICT;
CREATE INDEX bundle_items_product ON bundle_items (product_id);

-- Suggestions the owner dismissed, by their item set ("SKU+SKU", sorted),
-- so the same pair is not proposed again.
CREATE TABLE bundle_dismissals (
    items_key    TEXT PRIMARY KEY,
    dismissed_at TEXT NOT NULL
) STRICT;

-- The bundles a sale got, as they were at the time of the sale (name and
-- discount copied: editing a bundle later does not rewrite receipts). The
-- discount is also spread over the lines' `discount`.
CREATE TABLE order_bundles (
    order_id  TEXT NOT NULL REFERENCES orders (id),
    bundle_id INTEGER NOT NULL REFERENCES bundles (id),
    name      TEXT NOT NULL,
    times     INTEGER NOT NULL CHECK (times > 0),
    discount  TEXT NOT NULL,
    PRIMARY KEY (order_id, bundle_id)
) STRICT;

-- A kit is a product whose sale takes its components out of stock (and a
-- refund puts them back); the kit itself holds no stock.
CREATE TABLE kit_components (
    kit_id       INTEGER NOT NULL REFERENCES products (id),
    component_id INTEGER NOT NULL REFERENCES products (id),
    qty          INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (kit_id, component_id),
    CHECK (kit_id <> component_id)
) STRICT;
CREATE INDEX kit_components_component ON kit_components (component_id);

-- "Often bought with" looks up the orders that hold a product.
CREATE INDEX order_lines_product ON order_lines (product_id);
