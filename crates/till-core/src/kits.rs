//! Kits: a fixed bundle sold as one SKU (a gift box, a breakfast set). The
//! kit has its own price and pricing like any product, but holds no stock:
//! selling one takes its components out of stock, refunding one puts them
//! back, and its on-hand is the number of whole kits the components make.
//!
//! Kits do not nest (a kit's component is never itself a kit), so one level
//! of expansion is all any stock code needs.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::Field;
use crate::roles::Permission;
use crate::store::{ts, Store};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct KitComponent {
    pub sku: String,
    pub name: String,
    /// Units of this component in one kit.
    pub qty: i64,
    pub on_hand: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Kit {
    pub sku: String,
    pub name: String,
    pub price: rust_decimal::Decimal,
    /// Whole kits the components on hand make.
    pub available: i64,
    pub components: Vec<KitComponent>,
}

/// What one unit of `product_id` takes out of stock: its components for a
/// kit, else the product itself. (product id, units, sku)
pub(crate) fn stock_parts(conn: &Connection, product_id: i64) -> Result<Vec<(i64, i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.component_id, k.qty, p.sku FROM kit_components k JOIN products p ON p.id = k.component_id
         WHERE k.kit_id = ?1 ORDER BY p.sku",
    )?;
    let parts = stmt
        .query_map([product_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<(i64, i64, String)>>>()?;
    if parts.is_empty() {
        let sku: String = conn
            .prepare_cached("SELECT sku FROM products WHERE id = ?1")?
            .query_row([product_id], |r| r.get(0))?;
        return Ok(vec![(product_id, 1, sku)]);
    }
    Ok(parts)
}

impl Store {
    /// Turns a kit back into a plain product (with no stock of its own).
    pub fn clear_kit(&mut self, kit_sku: &str) -> Result<crate::catalog::Product> {
        let auth = self.require(Permission::ManageProducts)?;
        let kit = self.product_row(kit_sku)?;
        if !kit.kit {
            return Err(Error::invalid(
                Field::Sku,
                format!("{} is not a kit", kit.sku),
            ));
        }
        let at = self.now();
        let now = ts(at);
        let tx = self.write_tx()?;
        tx.execute("DELETE FROM kit_components WHERE kit_id = ?1", [kit.id])?;
        tx.execute(
            "UPDATE products SET updated_at = ?1 WHERE id = ?2",
            params![now, kit.id],
        )?;
        crate::audit::record(
            &tx,
            &auth,
            at,
            "kit.clear",
            Some(&kit.sku),
            serde_json::json!({}),
        )?;
        tx.commit()?;
        self.product_row(&kit.sku)
    }

    /// Makes `kit_sku` a kit of `items` (SKU or barcode, units per kit),
    /// replacing any components it had.
    pub fn set_kit(&mut self, kit_sku: &str, items: &[(String, i64)]) -> Result<Kit> {
        let auth = self.require(Permission::ManageProducts)?;
        let kit = self.product_row(kit_sku)?;
        if items.is_empty() {
            return Err(Error::invalid(
                Field::Item,
                "a kit needs at least one component (to undo a kit, clear it)",
            ));
        }
        let mut components: Vec<(i64, i64, String)> = Vec::new();
        for (p, qty, field) in self.resolve_items(items)? {
            if p.id == kit.id {
                return Err(
                    Error::invalid(Field::Components, "a kit cannot contain itself").at(&field),
                );
            }
            if p.kit {
                return Err(Error::invalid(
                    Field::Components,
                    format!("{} is itself a kit; kits do not nest", p.sku),
                )
                .at(&field));
            }
            components.push((p.id, qty, p.sku));
        }
        let at = self.now();
        let now = ts(at);
        let tx = self.write_tx()?;
        {
            let used_in: Option<String> = tx
                .query_row(
                    "SELECT p.sku FROM kit_components k JOIN products p ON p.id = k.kit_id WHERE k.component_id = ?1 LIMIT 1",
                    [kit.id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(other) = used_in {
                return Err(Error::invalid(
                    Field::Sku,
                    format!(
                        "{} is a component of the kit {other}; kits do not nest",
                        kit.sku
                    ),
                ));
            }
            let own: i64 = crate::inventory::on_hand(&tx, kit.id)?;
            if own != 0 && !kit.kit {
                return Err(Error::Refused(format!(
                    "{} has {own} on hand of its own; a kit holds no stock (its components do): bring it to 0 first",
                    kit.sku
                )));
            }
        }
        tx.execute("DELETE FROM kit_components WHERE kit_id = ?1", [kit.id])?;
        for (component, qty, _) in &components {
            tx.execute(
                "INSERT INTO kit_components (kit_id, component_id, qty) VALUES (?1, ?2, ?3)",
                params![kit.id, component, qty],
            )?;
        }
        tx.execute(
            "UPDATE products SET updated_at = ?1 WHERE id = ?2",
            params![now, kit.id],
        )?;
        let listed: serde_json::Map<String, serde_json::Value> = components
            .iter()
            .map(|(_, qty, sku)| (sku.clone(), (*qty).into()))
            .collect();
        crate::audit::record(
            &tx,
            &auth,
            at,
            "kit.set",
            Some(&kit.sku),
            serde_json::json!({ "components": listed }),
        )?;
        tx.commit()?;
        self.kit_row(&kit.sku)
    }

    /// A kit with its components and what is on hand.
    pub fn kit(&self, sku: &str) -> Result<Kit> {
        self.require(Permission::LookUp)?;
        self.kit_row(sku)
    }

    fn kit_row(&self, sku: &str) -> Result<Kit> {
        let p = self.product_row(sku)?;
        if !p.kit {
            return Err(Error::invalid(
                Field::Sku,
                format!("{} is not a kit; give it components to make it one", p.sku),
            ));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.sku, c.name, k.qty, COALESCE(s.on_hand, 0) FROM kit_components k
             JOIN products c ON c.id = k.component_id LEFT JOIN stock_levels s ON s.product_id = c.id
             WHERE k.kit_id = ?1 ORDER BY c.sku",
        )?;
        let components = stmt
            .query_map([p.id], |r| {
                Ok(KitComponent {
                    sku: r.get(0)?,
                    name: r.get(1)?,
                    qty: r.get(2)?,
                    on_hand: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Kit {
            sku: p.sku,
            name: p.name,
            price: p.price,
            available: p.on_hand,
            components,
        })
    }

    /// Every kit, by SKU.
    pub fn kits(&self) -> Result<Vec<Kit>> {
        self.require(Permission::LookUp)?;
        let skus: Vec<String> = self
            .conn
            .prepare(
                "SELECT DISTINCT p.sku FROM kit_components k JOIN products p ON p.id = k.kit_id ORDER BY p.sku",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        skus.iter().map(|s| self.kit_row(s)).collect()
    }
}
