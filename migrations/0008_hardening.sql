-- Hardening: Till stores say what they are, idempotency keys remember the
-- request they were first used for, and SKUs and barcodes share one
-- namespace.

-- SQLite's application_id marks the file as a Till store ("TILL" in ASCII),
-- so Till never adds its tables to, or migrates, somebody else's database.
PRAGMA application_id = 1414089804;

-- The request an idempotency key was first used for (canonical JSON): a
-- retry with the same key and the same request returns the first result;
-- the same key with another request is refused. NULL on rows written
-- before this version, whose keys are matched on the order alone.
ALTER TABLE orders ADD COLUMN request TEXT;
ALTER TABLE refunds ADD COLUMN request TEXT;

-- A scan looks a code up among SKUs and barcodes alike, so a code must name
-- one product only. The core refuses with a message first; these triggers
-- keep any other writer from breaking the rule. Clashes already in a store
-- are left as they are (and listed by `till doctor`), so changing a price
-- of such a product still works.
CREATE TRIGGER products_codes_insert BEFORE INSERT ON products
WHEN EXISTS (SELECT 1 FROM products WHERE barcode = NEW.sku)
  OR (NEW.barcode IS NOT NULL
      AND EXISTS (SELECT 1 FROM products WHERE sku = NEW.barcode OR barcode = NEW.barcode))
BEGIN
    SELECT RAISE(ABORT, 'a SKU or barcode may name only one product');
END;

CREATE TRIGGER products_codes_update BEFORE UPDATE OF sku, barcode ON products
WHEN (NEW.sku IS NOT OLD.sku AND EXISTS (SELECT 1 FROM products WHERE id <> NEW.id AND (sku = NEW.sku OR barcode = NEW.sku)))
  OR (NEW.barcode IS NOT OLD.barcode AND NEW.barcode IS NOT NULL
      AND EXISTS (SELECT 1 FROM products WHERE id <> NEW.id AND (sku = NEW.barcode OR barcode = NEW.barcode)))
BEGIN
    SELECT RAISE(ABORT, 'a SKU or barcode may name only one product');
END;
