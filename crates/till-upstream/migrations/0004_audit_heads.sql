-- Each device's audit chain as the upstream holds it: the seq and hash of
-- the latest `audit.recorded` entry accepted from the device. An entry is
-- accepted only when it continues the chain (its prev_hash is `hash`, its
-- seq is `seq` + 1); otherwise it is refused (`audit_chain_broken`) and the
-- refusal is noted here, so the owner sees which till's history was
-- rewritten. A device with no row yet starts from seq 0 and 64 zeros.
CREATE TABLE audit_heads (
    store_id     TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    hash         TEXT NOT NULL,
    event_id     UUID,                   -- the event of the latest entry (NULL before the first)
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    refused_seq  BIGINT,                 -- the latest entry refused as not continuing the chain
    refused_at   TIMESTAMPTZ,
    PRIMARY KEY (store_id, device_id)
);
