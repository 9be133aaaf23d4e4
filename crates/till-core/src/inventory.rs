//! Inventory as a ledger of movements. On-hand is the sum of a product's
//! movements; `stock_levels` caches it, kept by a trigger in the same
//! statement as each movement (see migrations/0001_init.sql).

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::catalog::{NewProduct, Product};
use crate::error::{Error, Result};
use crate::input::Field;
use crate::outbox;
use crate::roles::Permission;
use crate::store::{ts, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum MovementKind {
    Sale,
    Refund,
    Restock,
    Count,
    Damage,
    Correction,
    /// A delivery taken in against a purchase order (`purchasing`).
    Receive,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Sale => "sale",
            MovementKind::Refund => "refund",
            MovementKind::Restock => "restock",
            MovementKind::Count => "count",
            MovementKind::Damage => "damage",
            MovementKind::Correction => "correction",
            MovementKind::Receive => "receive",
        }
    }
}

impl fmt::Display for MovementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MovementKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "sale" => MovementKind::Sale,
            "refund" => MovementKind::Refund,
            "restock" => MovementKind::Restock,
            "count" => MovementKind::Count,
            "damage" => MovementKind::Damage,
            "correction" => MovementKind::Correction,
            "receive" => MovementKind::Receive,
            _ => {
                return Err(Error::invalid(
                    Field::Reason,
                    format!("{s:?} is not one of restock, count, damage, correction"),
                ))
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct StockLevel {
    pub sku: String,
    pub on_hand: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Movement {
    pub id: i64,
    pub kind: MovementKind,
    pub qty: i64,
    pub reason: Option<String>,
    pub user: String,
    pub created_at: String,
    pub order_id: Option<String>,
    pub refund_id: Option<String>,
}

/// Appends one movement. The trigger updates the on-hand cache.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_movement(
    conn: &Connection,
    product_id: i64,
    kind: MovementKind,
    qty: i64,
    reason: Option<&str>,
    user: &str,
    at: &str,
    order_id: Option<&str>,
    refund_id: Option<&str>,
) -> Result<()> {
    insert_row(
        conn,
        product_id,
        kind,
        qty,
        reason,
        user,
        at,
        [order_id, refund_id],
        None,
    )
}

/// What a delivery or a stock count moved, naming it.
pub(crate) enum Origin {
    PurchaseOrder(i64),
    Count(i64),
}

/// Appends a movement that came from a purchase order (kind `receive`) or
/// a stock count (kind `count`), naming it.
pub(crate) fn insert_movement_from(
    conn: &Connection,
    product_id: i64,
    qty: i64,
    reason: &str,
    user: &str,
    at: &str,
    origin: Origin,
) -> Result<()> {
    let kind = match origin {
        Origin::PurchaseOrder(_) => MovementKind::Receive,
        Origin::Count(_) => MovementKind::Count,
    };
    insert_row(
        conn,
        product_id,
        kind,
        qty,
        Some(reason),
        user,
        at,
        [None, None],
        Some(origin),
    )
}

#[allow(clippy::too_many_arguments)]
fn insert_row(
    conn: &Connection,
    product_id: i64,
    kind: MovementKind,
    qty: i64,
    reason: Option<&str>,
    user: &str,
    at: &str,
    [order_id, refund_id]: [Option<&str>; 2],
    origin: Option<Origin>,
) -> Result<()> {
    let (po_id, count_id) = match origin {
        Some(Origin::PurchaseOrder(id)) => (Some(id), None),
        Some(Origin::Count(id)) => (None, Some(id)),
        None => (None, None),
    };
    conn.prepare_cached(
        "INSERT INTO stock_movements (product_id, kind, qty, reason, user, created_at, order_id, refund_id, po_id, count_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        product_id,
        kind.as_str(),
        qty,
        reason,
        user,
        at,
        order_id,
        refund_id,
        po_id,
        count_id
    ])?;
    // Pricing rules with hysteresis remember whether they hold; that memory
    // changes with stock, so it is kept in the same transaction.
    crate::pricing::rules::update_latches(conn, product_id)?;
    Ok(())
}

pub(crate) fn on_hand(conn: &Connection, product_id: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE((SELECT on_hand FROM stock_levels WHERE product_id = ?1), 0)",
        )?
        .query_row([product_id], |r| r.get(0))?)
}

/// Records a new product's opening stock, as a restock, in the
/// transaction that adds it.
fn opening_stock(conn: &Connection, product_id: i64, qty: i64, user: &str, at: &str) -> Result<()> {
    insert_movement(
        conn,
        product_id,
        MovementKind::Restock,
        qty,
        Some("opening stock"),
        user,
        at,
        None,
        None,
    )
}

impl Store {
    /// Adds a product, and its opening stock as a restock movement.
    pub fn add_product(&mut self, new: NewProduct) -> Result<Product> {
        let auth = self.require(Permission::ManageProducts)?;
        self.insert_product(new, opening_stock, &auth)
    }

    pub fn stock(&self, sku: &str) -> Result<StockLevel> {
        self.require(Permission::LookUp)?;
        let p = self.product_row(sku)?;
        Ok(StockLevel {
            sku: p.sku,
            on_hand: p.on_hand,
        })
    }

    /// A manual stock change (restock, count, damage, correction) of `by`
    /// units, which may be negative. Sales and refunds move stock themselves.
    pub fn adjust_stock(
        &mut self,
        sku: &str,
        by: i64,
        kind: MovementKind,
        reason: Option<&str>,
    ) -> Result<StockLevel> {
        let auth = self.require(Permission::AdjustStock)?;
        if matches!(kind, MovementKind::Sale | MovementKind::Refund) {
            return Err(Error::invalid(
                Field::Reason,
                "sales and refunds move stock through checkout, not by adjustment",
            ));
        }
        if kind == MovementKind::Receive {
            return Err(Error::invalid(
                Field::Reason,
                "deliveries are received against a purchase order (till po receive); use restock for stock that came another way",
            ));
        }
        crate::money::check_qty(Field::Quantity, by)?;
        if by == 0 {
            return Err(Error::invalid(
                Field::Quantity,
                "an adjustment of 0 changes nothing",
            ));
        }
        if kind == MovementKind::Restock && by < 0 {
            return Err(Error::invalid(
                Field::Quantity,
                "a restock adds stock; use damage or correction to remove it",
            ));
        }
        let reason = crate::input::opt_text(Field::Note, reason, crate::input::TextKind::Note)?;
        let reason = reason.as_deref();
        let product = self.product_row(sku)?;
        if product.kit {
            return Err(Error::Refused(format!(
                "{} is a kit and holds no stock of its own; adjust the stock of its components",
                product.sku
            )));
        }
        let allow_negative = self.settings.allow_negative_stock;
        let now = self.now();
        let user = self.user().to_string();
        let tx = self.write_tx()?;
        let before = on_hand(&tx, product.id)?;
        let after = before
            .checked_add(by)
            .ok_or_else(|| Error::invalid(Field::Quantity, format!("{by} is out of range")))?;
        if after < 0 && !allow_negative {
            return Err(Error::InsufficientStock {
                sku: product.sku,
                on_hand: before,
                requested: -by,
            });
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        insert_movement(
            &tx,
            product.id,
            kind,
            by,
            reason,
            &user,
            &ts(now),
            None,
            None,
        )?;
        outbox::push(
            &tx,
            now,
            &till_wire::StockAdjusted {
                sku: product.sku.clone(),
                kind: kind.as_str().to_string(),
                qty: by,
                reason: reason.map(String::from),
                on_hand: after,
                user,
            },
        )?;
        crate::audit::record(
            &tx,
            &auth,
            now,
            "stock.adjust",
            Some(&product.sku),
            serde_json::json!({
                "kind": kind.as_str(),
                "by": by,
                "reason": reason,
                "on_hand": after,
            }),
        )?;
        tx.commit()?;
        Ok(StockLevel {
            sku: product.sku,
            on_hand: after,
        })
    }

    /// A product's ledger, oldest first.
    pub fn movements(&self, sku: &str) -> Result<Vec<Movement>> {
        self.require(Permission::LookUp)?;
        let product = self.product_row(sku)?;
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, qty, reason, user, created_at, order_id, refund_id FROM stock_movements WHERE product_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([product.id], |r| {
            Ok(Movement {
                id: r.get(0)?,
                kind: crate::stored::enum_col(r, 1)?,
                qty: r.get(2)?,
                reason: r.get(3)?,
                user: r.get(4)?,
                created_at: r.get(5)?,
                order_id: r.get(6)?,
                refund_id: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// SKUs whose cached on-hand differs from their ledger sum; empty when
    /// the cache is sound. Used by tests and `till doctor`.
    pub fn stock_drift(&self) -> Result<Vec<(String, i64, i64)>> {
        self.require(Permission::LookUp)?;
        let mut stmt = self.conn.prepare(
            "SELECT p.sku, COALESCE(s.on_hand, 0), COALESCE((SELECT SUM(qty) FROM stock_movements m WHERE m.product_id = p.id), 0) AS ledger
             FROM products p LEFT JOIN stock_levels s ON s.product_id = p.id
             WHERE COALESCE(s.on_hand, 0) <> ledger",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
