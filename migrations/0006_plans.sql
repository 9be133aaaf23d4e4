-- Plans, licenses, metered usage and customer memberships.

-- The tiers document in force (NULL: Till's default), the installed license
-- file (as signed, re-verified whenever read) and the billing day.
CREATE TABLE plan_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    tiers_doc   TEXT,
    license     TEXT,
    -- Day of month a billing period starts (1-28); NULL: calendar months.
    billing_day INTEGER CHECK (billing_day BETWEEN 1 AND 28),
    updated_at  TEXT NOT NULL
) STRICT;

-- Usage of metered things, one row per occurrence, written in the same
-- transaction as what it measures. Quantities are decimal text, summed
-- exactly in Rust (SQLite's SUM would go through floating point).
CREATE TABLE usage_records (
    id          TEXT PRIMARY KEY,
    metric      TEXT NOT NULL,
    quantity    TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    -- 'till' (recorded by Till itself) or 'owner' (the shop's own service).
    source      TEXT NOT NULL CHECK (source IN ('till', 'owner'))
) STRICT;
CREATE INDEX usage_records_metric_time ON usage_records (metric, occurred_at);

-- The shop's membership tiers for its customers, in the tiers format
-- (kept whole in `doc`) with the member discount and fee pulled out.
CREATE TABLE membership_tiers (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    fee_monthly      TEXT NOT NULL,
    discount_percent TEXT NOT NULL,
    doc              TEXT NOT NULL,
    created_at       TEXT NOT NULL
) STRICT;

-- One membership per customer; `until` is the last day (store time zone)
-- it counts, NULL for no end.
CREATE TABLE memberships (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id),
    tier_id     TEXT NOT NULL REFERENCES membership_tiers (id),
    since       TEXT NOT NULL,
    until       TEXT
) STRICT;
