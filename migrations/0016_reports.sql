-- Reports. Each order line now records what its price and margin came
-- from at the moment of the sale, so reports never guess from today's
-- catalog: the product's base price and cost then, and how much a flash
-- sale and a member discount took off each unit. Lines sold before this
-- version have NULL `base_price`; reports use the product's current price
-- and cost for them and say so.
ALTER TABLE order_lines ADD COLUMN base_price TEXT;
ALTER TABLE order_lines ADD COLUMN unit_cost TEXT;
ALTER TABLE order_lines ADD COLUMN flash_sale_id INTEGER REFERENCES flash_sales (id);
ALTER TABLE order_lines ADD COLUMN flash_off TEXT;
ALTER TABLE order_lines ADD COLUMN member_off TEXT;

-- The cart keeps the same record from the moment a line's price is fixed.
ALTER TABLE cart_lines ADD COLUMN base_price TEXT;
ALTER TABLE cart_lines ADD COLUMN flash_sale_id INTEGER;
ALTER TABLE cart_lines ADD COLUMN flash_off TEXT;
ALTER TABLE cart_lines ADD COLUMN member_off TEXT;

-- Sums per local day (and hour) of the store's time zone, by dimension:
-- 'time' (hour = local hour), 'product' (key = product id), 'category',
-- 'cashier', 'tender' ('cash', 'card', 'cash+card'), 'customer', 'tax'
-- (key = rate; gross = taxable base), 'pricing' ('above' and 'below' the
-- base price), 'member', 'flash' (key = flash sale id, hour = local hour).
-- Derived, never the source of truth: built from orders and refunds in the
-- order they were written (report_state's watermarks), caught up before a
-- report is read, and rebuilt from scratch when the time zone changes.
-- Amounts are whole ten-thousandths of the currency unit, so SQLite adds
-- them exactly.
CREATE TABLE report_rollup (
    dim        TEXT NOT NULL,
    day        TEXT NOT NULL,
    hour       INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    key        TEXT NOT NULL,
    orders     INTEGER NOT NULL,
    items      INTEGER NOT NULL,
    gross      INTEGER NOT NULL,
    discounts  INTEGER NOT NULL,
    refunds    INTEGER NOT NULL,
    tax        INTEGER NOT NULL,
    refund_tax INTEGER NOT NULL,
    cost       INTEGER NOT NULL,
    base       INTEGER NOT NULL,
    -- The tax inside gross in tax-inclusive orders (less refunded), so
    -- margin never counts tax as revenue.
    tax_included INTEGER NOT NULL,
    -- Lines counted at today's price and cost (sold before lines kept them).
    estimated  INTEGER NOT NULL,
    PRIMARY KEY (dim, day, key, hour)
) STRICT, WITHOUT ROWID;

CREATE TABLE report_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    time_zone   TEXT NOT NULL,
    orders_upto INTEGER NOT NULL,
    refunds_upto INTEGER NOT NULL
) STRICT;

-- Flash sales' comparisons and the bundles' figures read orders by time.
CREATE INDEX order_bundles_bundle ON order_bundles (bundle_id);
CREATE INDEX orders_referral ON orders (created_at) WHERE referral_code IS NOT NULL;
-- The referral figures read the commissions written or paid in a period.
CREATE INDEX commissions_created ON commissions (created_at);
CREATE INDEX commissions_paid ON commissions (paid_at) WHERE paid_at IS NOT NULL;
