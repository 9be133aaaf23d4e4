-- Devices: one row per device token. Only the SHA-256 of the token is kept.
CREATE TABLE devices (
    token_hash  TEXT PRIMARY KEY,          -- lowercase hex SHA-256 of the whole token ("till_…")
    store_id    TEXT NOT NULL,
    name        TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX devices_store_id ON devices (store_id);

-- Every accepted event, once per (store, event id): resends are no-ops.
CREATE TABLE events (
    store_id     TEXT NOT NULL,
    event_id     UUID NOT NULL,
    device_id    TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    type         TEXT NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    payload      JSON NOT NULL,           -- kept as sent (validated JSON text); no need to index into it here
    batch_id     UUID NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, event_id)
);

-- Projection of `order.completed`: one row per (store, order id), whichever
-- event carrying that order arrived first.
CREATE TABLE orders (
    store_id     TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    number       TEXT,
    total        NUMERIC NOT NULL,
    currency     TEXT,
    occurred_at  TIMESTAMPTZ NOT NULL,
    event_id     UUID NOT NULL,              -- the event the row was projected from
    PRIMARY KEY (store_id, order_id)
);
