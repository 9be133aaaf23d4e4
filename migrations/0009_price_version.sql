-- A version of everything a price depends on, so the window is told that
-- prices changed when, and only when, one of those things changed: products,
-- stock, pricing rules and their latches, flash sales, bundles, kits,
-- membership tiers and members, and the settings prices are worked out with.
-- Triggers bump it inside the transaction that makes the change, whichever
-- process makes it; everything else (sales' receipts, carts, the outbox and
-- its delivery state, sync status) leaves it alone. Read with
-- `Store::price_version`.
INSERT INTO counters (name, value) VALUES ('price_version', 0)
    ON CONFLICT (name) DO NOTHING;

-- products
CREATE TRIGGER price_version_products_insert AFTER INSERT ON products
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_products_update AFTER UPDATE ON products
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_products_delete AFTER DELETE ON products
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- pricing_rules
CREATE TRIGGER price_version_pricing_rules_insert AFTER INSERT ON pricing_rules
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_pricing_rules_update AFTER UPDATE ON pricing_rules
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_pricing_rules_delete AFTER DELETE ON pricing_rules
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- rule_latches
CREATE TRIGGER price_version_rule_latches_insert AFTER INSERT ON rule_latches
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_rule_latches_update AFTER UPDATE ON rule_latches
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_rule_latches_delete AFTER DELETE ON rule_latches
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- flash_sales
CREATE TRIGGER price_version_flash_sales_insert AFTER INSERT ON flash_sales
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_flash_sales_update AFTER UPDATE ON flash_sales
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_flash_sales_delete AFTER DELETE ON flash_sales
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- flash_sale_targets
CREATE TRIGGER price_version_flash_sale_targets_insert AFTER INSERT ON flash_sale_targets
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_flash_sale_targets_update AFTER UPDATE ON flash_sale_targets
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_flash_sale_targets_delete AFTER DELETE ON flash_sale_targets
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- bundles
CREATE TRIGGER price_version_bundles_insert AFTER INSERT ON bundles
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_bundles_update AFTER UPDATE ON bundles
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_bundles_delete AFTER DELETE ON bundles
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- bundle_items
CREATE TRIGGER price_version_bundle_items_insert AFTER INSERT ON bundle_items
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_bundle_items_update AFTER UPDATE ON bundle_items
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_bundle_items_delete AFTER DELETE ON bundle_items
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- kit_components
CREATE TRIGGER price_version_kit_components_insert AFTER INSERT ON kit_components
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_kit_components_update AFTER UPDATE ON kit_components
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_kit_components_delete AFTER DELETE ON kit_components
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- membership_tiers
CREATE TRIGGER price_version_membership_tiers_insert AFTER INSERT ON membership_tiers
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_membership_tiers_update AFTER UPDATE ON membership_tiers
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_membership_tiers_delete AFTER DELETE ON membership_tiers
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- memberships
CREATE TRIGGER price_version_memberships_insert AFTER INSERT ON memberships
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_memberships_update AFTER UPDATE ON memberships
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_memberships_delete AFTER DELETE ON memberships
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- Stock: the ledger is append-only (its other changes are refused).
CREATE TRIGGER price_version_stock_movements_insert AFTER INSERT ON stock_movements
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;

-- Settings that prices are worked out with; saving settings rewrites every
-- key, so only a value that changes counts.
CREATE TRIGGER price_version_settings_insert AFTER INSERT ON settings
WHEN NEW.key IN ('currency_code', 'currency_minor_units', 'tax_mode', 'time_zone', 'floor_at_cost', 'price_ceiling')
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_settings_update AFTER UPDATE ON settings
WHEN NEW.key IN ('currency_code', 'currency_minor_units', 'tax_mode', 'time_zone', 'floor_at_cost', 'price_ceiling') AND OLD.value IS NOT NEW.value
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
CREATE TRIGGER price_version_settings_delete AFTER DELETE ON settings
WHEN OLD.key IN ('currency_code', 'currency_minor_units', 'tax_mode', 'time_zone', 'floor_at_cost', 'price_ceiling')
BEGIN UPDATE counters SET value = value + 1 WHERE name = 'price_version'; END;
