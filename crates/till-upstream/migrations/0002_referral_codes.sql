-- Referral codes are made offline on each device; a store's codes must be
-- unique across its devices. The first event to claim a code keeps it; a
-- later event with the same code (another device drew it too) is refused,
-- and that device issues its referrer a new one.
CREATE TABLE referral_codes (
    store_id  TEXT NOT NULL,
    code      TEXT NOT NULL,
    event_id  UUID NOT NULL,
    device_id TEXT NOT NULL,
    PRIMARY KEY (store_id, code)
);
