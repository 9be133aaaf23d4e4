//! The catalog: products with SKU, optional barcode, prices, tax and category.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::error::{Error, Result};
use crate::input::Field;
use crate::input::{self, TextKind};
use crate::permissions::Authority;
use crate::roles::Permission;
use crate::settings::check_ceiling;
use crate::store::{ts, Store};
use crate::stored;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Product {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub barcode: Option<String>,
    pub price: Decimal,
    pub cost: Option<Decimal>,
    /// Percent.
    pub tax_rate: Decimal,
    pub category: Option<String>,
    pub active: bool,
    pub on_hand: i64,
    /// Sell-by date (store time zone), for sell-by markdown rules.
    pub sell_by: Option<NaiveDate>,
    /// This product's lowest allowed price; without it, its cost (when the
    /// store keeps prices at or above cost, the default).
    pub price_floor: Option<Decimal>,
    /// Highest allowed price as a multiple of the base price; without it,
    /// the store's ceiling, if any.
    pub price_ceiling: Option<Decimal>,
    /// Sold as its components (see `kits`): selling it takes them out of
    /// stock, and `on_hand` is how many whole kits they make.
    pub kit: bool,
    /// Who supplies it (a supplier's name), and under which code.
    pub supplier: Option<String>,
    pub supplier_sku: Option<String>,
    /// Reorder when on-hand is at or below this (`till stock low`).
    pub reorder_point: Option<i64>,
    /// The least a reorder suggestion orders.
    pub reorder_qty: Option<i64>,
    /// A "was" price shown beside the price (Shopify's compare-at price).
    pub compare_at_price: Option<Decimal>,
    /// The stored sell-by date when it cannot be read: the date only moves
    /// the price (sell-by markdowns), so the product sells without it, at
    /// the price the other rules give; `till doctor` and the pricing
    /// banners name it.
    #[serde(skip)]
    pub sell_by_damage: Option<stored::Damage>,
}

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub price: Decimal,
    pub cost: Option<Decimal>,
    pub barcode: Option<String>,
    /// `None` takes the store's default rate (no tax unless one is set).
    pub tax_rate: Option<Decimal>,
    pub category: Option<String>,
    /// Opening stock, recorded as a restock movement.
    pub stock: Option<i64>,
    #[serde(default)]
    pub sell_by: Option<NaiveDate>,
    #[serde(default)]
    pub price_floor: Option<Decimal>,
    #[serde(default)]
    pub price_ceiling: Option<Decimal>,
    /// A supplier's name; the supplier must exist.
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub supplier_sku: Option<String>,
    #[serde(default)]
    pub reorder_point: Option<i64>,
    #[serde(default)]
    pub reorder_qty: Option<i64>,
    #[serde(default)]
    pub compare_at_price: Option<Decimal>,
}

/// Fields to change; `None` leaves a field as it is. For the optional
/// fields, `Some(None)` clears them.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct ProductUpdate {
    pub name: Option<String>,
    pub price: Option<Decimal>,
    pub cost: Option<Option<Decimal>>,
    pub barcode: Option<Option<String>>,
    pub tax_rate: Option<Decimal>,
    pub category: Option<Option<String>>,
    pub active: Option<bool>,
    pub sell_by: Option<Option<NaiveDate>>,
    pub price_floor: Option<Option<Decimal>>,
    pub price_ceiling: Option<Option<Decimal>>,
    #[serde(default)]
    pub supplier: Option<Option<String>>,
    #[serde(default)]
    pub supplier_sku: Option<Option<String>>,
    #[serde(default)]
    pub reorder_point: Option<Option<i64>>,
    #[serde(default)]
    pub reorder_qty: Option<Option<i64>>,
    #[serde(default)]
    pub compare_at_price: Option<Option<Decimal>>,
}

/// A kit holds no stock of its own: its on-hand is the number of whole kits
/// its components make (a component below zero counts as none).
pub(crate) const PRODUCT_COLUMNS: &str =
    "p.id, p.sku, p.name, p.barcode, p.price, p.cost, p.tax_rate, p.category, p.active,
     CASE WHEN EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id)
          THEN (SELECT MIN(MAX(COALESCE(ks.on_hand, 0), 0) / k.qty) FROM kit_components k
                LEFT JOIN stock_levels ks ON ks.product_id = k.component_id WHERE k.kit_id = p.id)
          ELSE COALESCE(s.on_hand, 0) END,
     p.sell_by, p.price_floor, p.price_ceiling,
     EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id),
     (SELECT su.name FROM suppliers su WHERE su.id = p.supplier_id),
     p.supplier_sku, p.reorder_point, p.reorder_qty, p.compare_at_price";
pub(crate) const PRODUCT_FROM: &str = "products p LEFT JOIN stock_levels s ON s.product_id = p.id";

pub(crate) fn product_from_row(row: &Row) -> rusqlite::Result<Product> {
    product_from_row_at(row, 0)
}

/// Reads the `PRODUCT_COLUMNS` that start at column `at`.
pub(crate) fn product_from_row_at(row: &Row, at: usize) -> rusqlite::Result<Product> {
    let (sell_by, sell_by_damage) = match stored::opt_date(row, at + 10) {
        Ok(d) => (d, None),
        Err(e) => match stored::damage_in(&e) {
            Some(d) => (None, Some(d.clone())),
            None => return Err(e),
        },
    };
    Ok(Product {
        id: row.get(at)?,
        sku: row.get(at + 1)?,
        name: row.get(at + 2)?,
        barcode: row.get(at + 3)?,
        price: stored::decimal(row, at + 4)?,
        cost: stored::opt_decimal(row, at + 5)?,
        tax_rate: stored::decimal(row, at + 6)?,
        category: row.get(at + 7)?,
        active: row.get(at + 8)?,
        on_hand: row.get(at + 9)?,
        sell_by,
        price_floor: stored::opt_decimal(row, at + 11)?,
        price_ceiling: stored::opt_decimal(row, at + 12)?,
        kit: row.get(at + 13)?,
        supplier: row.get(at + 14)?,
        supplier_sku: row.get(at + 15)?,
        reorder_point: row.get(at + 16)?,
        reorder_qty: row.get(at + 17)?,
        compare_at_price: stored::opt_decimal(row, at + 18)?,
        sell_by_damage,
    })
}

/// A SKU, barcode or supplier SKU: trimmed, not empty, at most 64
/// characters, no spaces (the import checks its rows with it too).
pub(crate) fn validate_code(field: Field, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if v.len() > 64 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            field,
            format!("{value:?} must be at most 64 characters with no spaces"),
        ));
    }
    Ok(v.to_string())
}

/// SKUs and barcodes share one namespace, because a scan looks a code up
/// among both: a product's SKU and barcode may not be any other product's
/// SKU or barcode. `except` is the product being edited; only its new
/// barcode is checked then (SKUs do not change).
fn codes_free(
    conn: &rusqlite::Connection,
    sku: &str,
    barcode: Option<&str>,
    except: Option<i64>,
) -> Result<()> {
    let owner = |code: &str| -> Result<Option<(String, bool)>> {
        Ok(conn
            .prepare_cached(
                "SELECT sku, sku = ?1 FROM products WHERE (sku = ?1 OR barcode = ?1) AND (?2 IS NULL OR id <> ?2)
                 ORDER BY sku = ?1 DESC LIMIT 1",
            )?
            .query_row(params![code, except], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    };
    if except.is_none() {
        match owner(sku)? {
            Some((other, true)) if other == sku => {
                return Err(Error::Conflict(format!("SKU {sku} already exists")))
            }
            Some((other, _)) => {
                return Err(Error::Conflict(format!(
                    "SKU {sku} is the barcode of {other}; a scan of it must find one product only"
                )))
            }
            None => {}
        }
    }
    if let Some(b) = barcode {
        match owner(b)? {
            Some((other, true)) => {
                return Err(Error::Conflict(format!(
                    "barcode {b} is the SKU of {other}; a scan of it must find one product only"
                )))
            }
            Some((other, false)) => {
                return Err(Error::Conflict(format!(
                    "barcode {b} already belongs to {other}"
                )))
            }
            None => {}
        }
    }
    Ok(())
}

/// A supplier's id by name (any case), inside the caller's transaction.
pub(crate) fn supplier_id(conn: &Connection, name: &str) -> Result<i64> {
    conn.prepare_cached("SELECT id FROM suppliers WHERE name = ?1 COLLATE NOCASE")?
        .query_row([name.trim()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::invalid(Field::Supplier, format!("no supplier is named {name:?}")))
}

/// A reorder point (0 or more) or reorder quantity (1 or more).
pub(crate) fn check_reorder(field: Field, value: i64) -> Result<i64> {
    crate::money::check_qty(field, value)?;
    let least = if field == Field::ReorderQty { 1 } else { 0 };
    if value < least {
        return Err(Error::invalid(
            field,
            format!("{value} must be at least {least}"),
        ));
    }
    Ok(value)
}

fn clean_opt(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Checks an amount fits `c` (no extra decimals, not negative), as every
/// product's price, cost and floor is checked (the import too).
pub(crate) fn check_amount_in(
    c: &crate::money::Currency,
    field: Field,
    value: Decimal,
) -> Result<Decimal> {
    crate::money::check_magnitude(field, value)?;

    if value.normalize().scale() > c.minor_units {
        return Err(Error::invalid(
            field,
            format!(
                "{value} has more decimals than {} allows ({})",
                c.code, c.minor_units
            ),
        ));
    }
    if value < Decimal::ZERO {
        return Err(Error::invalid(
            field,
            format!("{value} must not be negative"),
        ));
    }
    Ok(c.round(value))
}

impl Store {
    /// Checks an amount fits the store currency (no extra decimals, not negative).
    pub(crate) fn check_amount(&self, field: Field, value: Decimal) -> Result<Decimal> {
        check_amount_in(&self.settings.currency, field, value)
    }

    fn check_rate(&self, value: Decimal) -> Result<Decimal> {
        crate::tax::parse_rate(&value.to_string())
    }

    /// Adds a product; `opening_stock(transaction, product id, quantity,
    /// user, time)` records its opening stock in the same transaction.
    /// Called by `Store::add_product` (in `inventory`, above the catalog:
    /// moving stock also moves pricing's latches).
    pub(crate) fn insert_product(
        &mut self,
        new: NewProduct,
        opening_stock: fn(&Connection, i64, i64, &str, &str) -> Result<()>,
        auth: &Authority,
    ) -> Result<Product> {
        let sku = validate_code(Field::Sku, &new.sku)?;
        let name = input::text(Field::Name, &new.name, TextKind::Name)?;
        let price = self.check_amount(Field::Price, new.price)?;
        let cost = new
            .cost
            .map(|c| self.check_amount(Field::Cost, c))
            .transpose()?;
        self.check_limit("products", rust_decimal::Decimal::ONE)?;
        let barcode = clean_opt(new.barcode)
            .map(|b| validate_code(Field::Barcode, &b))
            .transpose()?;
        let tax_rate = match new.tax_rate.or(self.settings.default_tax_rate) {
            Some(r) => self.check_rate(r)?,
            None => Decimal::ZERO,
        };
        let category =
            input::opt_text(Field::Category, new.category.as_deref(), TextKind::Category)?;
        let price_floor = new
            .price_floor
            .map(|f| self.check_amount(Field::Floor, f))
            .transpose()?;
        let price_ceiling = new.price_ceiling.map(check_ceiling).transpose()?;
        let compare_at_price = new
            .compare_at_price
            .map(|c| self.check_amount(Field::CompareAtPrice, c))
            .transpose()?;
        let supplier_sku = clean_opt(new.supplier_sku)
            .map(|c| validate_code(Field::SupplierSku, &c))
            .transpose()?;
        let reorder_point = new
            .reorder_point
            .map(|q| check_reorder(Field::ReorderPoint, q))
            .transpose()?;
        let reorder_qty = new
            .reorder_qty
            .map(|q| check_reorder(Field::ReorderQty, q))
            .transpose()?;
        if let Some(d) = new.sell_by {
            crate::input::check_date(Field::SellBy, d)?;
        }
        if let Some(q) = new.stock {
            crate::money::check_qty(Field::Stock, q)?;
            if q < 0 {
                return Err(Error::invalid(
                    Field::Stock,
                    format!("{q} must not be negative"),
                ));
            }
        }
        let at = self.now();
        let now = ts(at);
        let user = self.user().to_string();
        let tx = self.write_tx()?;
        codes_free(&tx, &sku, barcode.as_deref(), None)?;
        let supplier_id = clean_opt(new.supplier)
            .map(|n| supplier_id(&tx, &n))
            .transpose()?;
        tx.execute(
            "INSERT INTO products (sku, name, barcode, price, cost, tax_rate, category, active, created_at, updated_at, sell_by, price_floor, price_ceiling,
                                   supplier_id, supplier_sku, reorder_point, reorder_qty, compare_at_price)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                sku,
                name,
                barcode,
                price.to_string(),
                cost.map(|c| c.to_string()),
                tax_rate.to_string(),
                category,
                now,
                new.sell_by.map(|d| d.to_string()),
                price_floor.map(|f| f.to_string()),
                price_ceiling.map(|c| c.to_string()),
                supplier_id,
                supplier_sku,
                reorder_point,
                reorder_qty,
                compare_at_price.map(|c| c.to_string())
            ],
        )?;
        let id = tx.last_insert_rowid();
        if let Some(q) = new.stock.filter(|q| *q > 0) {
            opening_stock(&tx, id, q, &user, &now)?;
        }
        audit::record(
            &tx,
            auth,
            at,
            "product.add",
            Some(&sku),
            serde_json::json!({
                "name": name,
                "price": price.to_string(),
                "cost": cost.map(|c| c.to_string()),
                "tax_rate": tax_rate.to_string(),
                "stock": new.stock,
            }),
        )?;
        tx.commit()?;
        self.product_row(&sku)
    }

    pub fn update_product(&mut self, sku: &str, update: ProductUpdate) -> Result<Product> {
        let auth = self.require(Permission::ManageProducts)?;
        let current = self.product_row(sku)?;
        let name = match update.name {
            Some(n) => input::text(Field::Name, &n, TextKind::Name)?,
            None => current.name.clone(),
        };
        let price = update
            .price
            .map(|p| self.check_amount(Field::Price, p))
            .transpose()?
            .unwrap_or(current.price);
        let cost = match update.cost {
            Some(c) => c.map(|c| self.check_amount(Field::Cost, c)).transpose()?,
            None => current.cost,
        };
        let barcode = match update.barcode {
            Some(b) => clean_opt(b)
                .map(|b| validate_code(Field::Barcode, &b))
                .transpose()?,
            None => current.barcode.clone(),
        };
        let tax_rate = update
            .tax_rate
            .map(|r| self.check_rate(r))
            .transpose()?
            .unwrap_or(current.tax_rate);
        let category = match update.category {
            Some(c) => input::opt_text(Field::Category, c.as_deref(), TextKind::Category)?,
            None => current.category.clone(),
        };
        let active = update.active.unwrap_or(current.active);
        // An unreadable stored date stays as it is unless a new one is given.
        let keep_sell_by = update.sell_by.is_none() && current.sell_by_damage.is_some();
        let sell_by = update.sell_by.unwrap_or(current.sell_by);
        if let Some(d) = sell_by {
            crate::input::check_date(Field::SellBy, d)?;
        }
        let price_floor = match update.price_floor {
            Some(f) => f.map(|f| self.check_amount(Field::Floor, f)).transpose()?,
            None => current.price_floor,
        };
        let price_ceiling = match update.price_ceiling {
            Some(c) => c.map(check_ceiling).transpose()?,
            None => current.price_ceiling,
        };
        let supplier = match update.supplier {
            Some(n) => clean_opt(n),
            None => current.supplier.clone(),
        };
        let supplier_sku = match update.supplier_sku {
            Some(c) => clean_opt(c)
                .map(|c| validate_code(Field::SupplierSku, &c))
                .transpose()?,
            None => current.supplier_sku.clone(),
        };
        let reorder_point = match update.reorder_point {
            Some(q) => q
                .map(|q| check_reorder(Field::ReorderPoint, q))
                .transpose()?,
            None => current.reorder_point,
        };
        let reorder_qty = match update.reorder_qty {
            Some(q) => q.map(|q| check_reorder(Field::ReorderQty, q)).transpose()?,
            None => current.reorder_qty,
        };
        let compare_at_price = match update.compare_at_price {
            Some(c) => c
                .map(|c| self.check_amount(Field::CompareAtPrice, c))
                .transpose()?,
            None => current.compare_at_price,
        };
        let at = self.now();
        let now = ts(at);
        let changes = product_changes(
            &current,
            &[
                ("name", Some(name.clone())),
                ("price", Some(price.to_string())),
                ("cost", cost.map(|c| c.to_string())),
                ("barcode", barcode.clone()),
                ("tax_rate", Some(tax_rate.to_string())),
                ("category", category.clone()),
                ("active", Some(active.to_string())),
                ("sell_by", sell_by.map(|d| d.to_string())),
                ("price_floor", price_floor.map(|f| f.to_string())),
                ("price_ceiling", price_ceiling.map(|c| c.to_string())),
                ("supplier", supplier.clone()),
                ("supplier_sku", supplier_sku.clone()),
                ("reorder_point", reorder_point.map(|q| q.to_string())),
                ("reorder_qty", reorder_qty.map(|q| q.to_string())),
                ("compare_at_price", compare_at_price.map(|c| c.to_string())),
            ],
        );
        let tx = self.write_tx()?;
        let supplier_id = supplier
            .as_deref()
            .map(|n| supplier_id(&tx, n))
            .transpose()?;
        if barcode != current.barcode {
            if let Some(b) = &barcode {
                codes_free(&tx, &current.sku, Some(b), Some(current.id))?;
            }
        }
        tx.execute(
            "UPDATE products SET name = ?1, price = ?2, cost = ?3, barcode = ?4, tax_rate = ?5, category = ?6, active = ?7, updated_at = ?8,
                    sell_by = CASE WHEN ?13 THEN sell_by ELSE ?10 END, price_floor = ?11, price_ceiling = ?12,
                    supplier_id = ?14, supplier_sku = ?15, reorder_point = ?16, reorder_qty = ?17, compare_at_price = ?18
             WHERE id = ?9",
            params![
                name,
                price.to_string(),
                cost.map(|c| c.to_string()),
                barcode,
                tax_rate.to_string(),
                category,
                active,
                now,
                current.id,
                sell_by.map(|d| d.to_string()),
                price_floor.map(|f| f.to_string()),
                price_ceiling.map(|c| c.to_string()),
                keep_sell_by,
                supplier_id,
                supplier_sku,
                reorder_point,
                reorder_qty,
                compare_at_price.map(|c| c.to_string())
            ],
        )?;
        if !changes.is_empty() {
            audit::record(
                &tx,
                &auth,
                at,
                "product.update",
                Some(&current.sku),
                serde_json::Value::Object(changes),
            )?;
        }
        tx.commit()?;
        self.product_row(&current.sku)
    }

    /// A product by SKU.
    pub fn product(&self, sku: &str) -> Result<Product> {
        self.require(Permission::LookUp)?;
        self.product_row(sku)
    }

    /// A product by SKU or, failing that, by barcode: what a scan box needs.
    pub fn find_product(&self, code: &str) -> Result<Product> {
        self.require(Permission::LookUp)?;
        self.product_by_code(code)
    }

    pub(crate) fn product_row(&self, sku: &str) -> Result<Product> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {PRODUCT_COLUMNS} FROM {PRODUCT_FROM} WHERE p.sku = ?1"
            ))?
            .query_row([sku.trim()], product_from_row)
            .optional()?
            .ok_or_else(|| Error::UnknownProduct(sku.to_string()))
    }

    /// A product by SKU or, failing that, by barcode: what a scan box needs.
    /// Resolves a list of (SKU or barcode, quantity) — the items of a
    /// bundle or the components of a kit — refusing quantities below one and
    /// a product listed twice. Errors name the item by its place.
    pub(crate) fn resolve_items(
        &self,
        items: &[(String, i64)],
    ) -> Result<Vec<(Product, i64, String)>> {
        let mut out: Vec<(Product, i64, String)> = Vec::with_capacity(items.len());
        for (i, (code, qty)) in items.iter().enumerate() {
            let field = format!("item {} ({code})", i + 1);
            crate::money::check_qty(Field::Item, *qty).map_err(|e| e.at(&field))?;
            if *qty < 1 {
                return Err(Error::invalid(
                    Field::Item,
                    format!("quantity {qty} must be at least 1"),
                )
                .at(&field));
            }
            let p = self.product_by_code(code)?;
            if out.iter().any(|(q, _, _)| q.id == p.id) {
                return Err(Error::invalid(
                    Field::Item,
                    format!(
                        "{} is listed twice; give its quantity once, e.g. {}x2",
                        p.sku, p.sku
                    ),
                )
                .at(&field));
            }
            out.push((p, *qty, field));
        }
        Ok(out)
    }

    pub(crate) fn product_by_code(&self, code: &str) -> Result<Product> {
        let code = code.trim();
        if code.is_empty() {
            return Err(Error::invalid(Field::Code, "must not be empty"));
        }
        self.conn
            .prepare_cached(&format!(
                "SELECT {PRODUCT_COLUMNS} FROM {PRODUCT_FROM} WHERE p.sku = ?1 OR p.barcode = ?1 ORDER BY p.sku = ?1 DESC LIMIT 1"
            ))?
            .query_row([code], product_from_row)
            .optional()?
            .ok_or_else(|| Error::UnknownProduct(code.to_string()))
    }

    /// Products, by SKU; `search` matches SKU, barcode, name or category.
    pub fn products(&self, search: Option<&str>, include_inactive: bool) -> Result<Vec<Product>> {
        self.require(Permission::LookUp)?;
        let pattern = search.map(|s| {
            format!(
                "%{}%",
                s.trim()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM {PRODUCT_FROM}
             WHERE (?1 OR p.active = 1)
               AND (?2 IS NULL OR p.sku LIKE ?2 ESCAPE '\\' OR p.name LIKE ?2 ESCAPE '\\' OR p.barcode LIKE ?2 ESCAPE '\\' OR p.category LIKE ?2 ESCAPE '\\')
             ORDER BY p.sku"
        ))?;
        let rows = stmt.query_map(params![include_inactive, pattern], product_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// The fields of a product update that change something, as
/// `{field: {"from", "to"}}` for the audit trail.
fn product_changes(
    current: &Product,
    next: &[(&str, Option<String>)],
) -> serde_json::Map<String, serde_json::Value> {
    let before: [(&str, Option<String>); 15] = [
        ("name", Some(current.name.clone())),
        ("price", Some(current.price.to_string())),
        ("cost", current.cost.map(|c| c.to_string())),
        ("barcode", current.barcode.clone()),
        ("tax_rate", Some(current.tax_rate.to_string())),
        ("category", current.category.clone()),
        ("active", Some(current.active.to_string())),
        ("sell_by", current.sell_by.map(|d| d.to_string())),
        ("price_floor", current.price_floor.map(|f| f.to_string())),
        (
            "price_ceiling",
            current.price_ceiling.map(|c| c.to_string()),
        ),
        ("supplier", current.supplier.clone()),
        ("supplier_sku", current.supplier_sku.clone()),
        (
            "reorder_point",
            current.reorder_point.map(|q| q.to_string()),
        ),
        ("reorder_qty", current.reorder_qty.map(|q| q.to_string())),
        (
            "compare_at_price",
            current.compare_at_price.map(|c| c.to_string()),
        ),
    ];
    before
        .into_iter()
        .zip(next)
        .filter(|((_, old), (_, new))| old != new)
        .map(|((key, old), (_, new))| {
            (
                key.to_string(),
                serde_json::json!({ "from": old, "to": new }),
            )
        })
        .collect()
}
