-- Customers, referrers, referral codes and commissions.

-- People the shop knows. `kind` is 'customer' (buys at the counter) or
-- 'affiliate' (a partner who refers customers but does not buy). Email is
-- kept lowercased and phone as digits (with a leading +), so uniqueness
-- holds however they were typed. They are unique per kind: a partner may
-- also be a customer under the same email, and that is exactly the
-- self-referral the checkout refuses.
CREATE TABLE customers (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL DEFAULT 'customer' CHECK (kind IN ('customer', 'affiliate')),
    name             TEXT NOT NULL,
    email            TEXT,
    phone            TEXT,
    notes            TEXT,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- First touch: who referred this customer, with which code, and when
    -- the attribution window opened (the first order as a referred
    -- customer; NULL until that order).
    referred_by      TEXT REFERENCES customers (id),
    referral_code    TEXT,
    window_starts_at TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (referred_by IS NULL OR referred_by <> id)
) STRICT;
CREATE INDEX customers_name ON customers (name);
CREATE UNIQUE INDEX customers_email ON customers (kind, email);
CREATE UNIQUE INDEX customers_phone ON customers (kind, phone);
CREATE INDEX customers_referred_by ON customers (referred_by);

CREATE TABLE referral_codes (
    code        TEXT PRIMARY KEY,
    referrer_id TEXT NOT NULL REFERENCES customers (id),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    expires_at  TEXT,
    -- Why a code stopped working, e.g. 'duplicate upstream' (re-issued).
    retired     TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX referral_codes_referrer ON referral_codes (referrer_id);

-- The referral program (one per shop). Exactly one of percent and amount.
CREATE TABLE referral_program (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    percent     TEXT,
    amount      TEXT,
    window_days INTEGER NOT NULL CHECK (window_days >= 0),
    return_days INTEGER NOT NULL CHECK (return_days >= 0),
    updated_at  TEXT NOT NULL,
    CHECK ((percent IS NULL) <> (amount IS NULL))
) STRICT;

-- Payouts to referrers.
CREATE TABLE payouts (
    id          TEXT PRIMARY KEY,
    referrer_id TEXT NOT NULL REFERENCES customers (id),
    amount      TEXT NOT NULL,
    method      TEXT NOT NULL,
    reference   TEXT,
    paid_at     TEXT NOT NULL,
    cashier     TEXT NOT NULL
) STRICT;
CREATE INDEX payouts_referrer ON payouts (referrer_id);

-- The commission ledger. An accrual (amount > 0) is written with its sale:
-- pending, approved after the return window, paid by a payout. A refund
-- writes a reversal (amount < 0, status 'reversed') of its own; history is
-- never rewritten, so the sum of a referrer's amounts is their net
-- commission. A reversal is settled (payout_id) by the payout that nets it.
CREATE TABLE commissions (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('accrual', 'reversal')),
    referrer_id TEXT NOT NULL REFERENCES customers (id),
    order_id    TEXT NOT NULL REFERENCES orders (id),
    refund_id   TEXT REFERENCES refunds (id),
    reverses    TEXT REFERENCES commissions (id),
    customer_id TEXT REFERENCES customers (id),
    code        TEXT,
    -- The order's net total (after discounts, before tax) it was worked out on.
    basis       TEXT NOT NULL,
    -- '10%' or a fixed amount: the program's terms at the time.
    rate        TEXT NOT NULL,
    amount      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'paid', 'reversed')),
    payout_id   TEXT REFERENCES payouts (id),
    created_at  TEXT NOT NULL,
    approved_at TEXT,
    paid_at     TEXT,
    CHECK ((kind = 'accrual') = (reverses IS NULL))
) STRICT;
CREATE INDEX commissions_referrer ON commissions (referrer_id, status);
CREATE INDEX commissions_order ON commissions (order_id);
-- One accrual per order and referrer, whatever retries happen.
CREATE UNIQUE INDEX commissions_one_accrual ON commissions (order_id, referrer_id) WHERE kind = 'accrual';

-- Carts remember the customer and the referral code the cashier gave.
ALTER TABLE carts ADD COLUMN customer_id TEXT REFERENCES customers (id);
ALTER TABLE carts ADD COLUMN referral_code TEXT;
CREATE INDEX orders_customer ON orders (customer_id);
-- The code given at the counter, as the receipt shows it.
ALTER TABLE orders ADD COLUMN referral_code TEXT;
