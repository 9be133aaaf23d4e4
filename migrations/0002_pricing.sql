-- Dynamic pricing: stock and sell-by rules, guardrails, flash sales.

-- A product's sell-by date (YYYY-MM-DD, in the store's time zone) and its
-- own guardrails: a floor price (else its cost) and a ceiling as the largest
-- multiple of the base price (else the store's).
ALTER TABLE products ADD COLUMN sell_by TEXT;
ALTER TABLE products ADD COLUMN price_floor TEXT;
ALTER TABLE products ADD COLUMN price_ceiling TEXT;

CREATE TABLE pricing_rules (
    id          INTEGER PRIMARY KEY,
    -- The order rules are listed in; the first listed wins a tie.
    position    INTEGER NOT NULL,
    condition   TEXT NOT NULL CHECK (condition IN ('stock_below', 'stock_above', 'within_days_of_sell_by')),
    threshold   INTEGER NOT NULL,
    effect      TEXT NOT NULL CHECK (effect IN ('multiplier', 'amount')),
    value       TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('all', 'category', 'sku')),
    scope_value TEXT,
    -- Units of stock a price must move past the threshold before the rule
    -- lets go again (0: none).
    hysteresis  INTEGER NOT NULL DEFAULT 0 CHECK (hysteresis >= 0),
    created_at  TEXT NOT NULL,
    CHECK ((scope = 'all') = (scope_value IS NULL))
) STRICT;

-- Rules with hysteresis that currently hold for a product. Kept in the same
-- transaction as every stock movement (see inventory.rs).
CREATE TABLE rule_latches (
    rule_id    INTEGER NOT NULL REFERENCES pricing_rules (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id),
    PRIMARY KEY (rule_id, product_id)
) STRICT;

CREATE TABLE flash_sales (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    effect       TEXT NOT NULL CHECK (effect IN ('multiplier', 'price')),
    value        TEXT NOT NULL,
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    -- Weekly: the same local wall-clock window every week, in `time_zone`.
    weekly       INTEGER NOT NULL DEFAULT 0 CHECK (weekly IN (0, 1)),
    time_zone    TEXT NOT NULL,
    cancelled_at TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (ends_at > starts_at)
) STRICT;

CREATE TABLE flash_sale_targets (
    flash_sale_id INTEGER NOT NULL REFERENCES flash_sales (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('sku', 'category')),
    value         TEXT NOT NULL,
    PRIMARY KEY (flash_sale_id, kind, value)
) STRICT;
