//! Low stock and reorder suggestions: products at or below their reorder
//! point, and how many to order, from the last 28 days' sales, the
//! supplier's lead time and the store's days of cover (README "Low stock
//! and reordering" works an example).
//!
//! The rule, for a product with reorder point `R`, on hand `H` and `O`
//! units on open purchase orders (draft, sent or partly received; ordered
//! less received, not below 0 per line):
//! - it is low when `H <= R`;
//! - nothing is suggested when `H + O > R`: what is on order already lifts
//!   it above its reorder point;
//! - otherwise `max(reorder_qty or 1, max(D, 1) + R - H - O)` with
//!   `D = ceil(U x (L + C) / 28)`, where `U` is the units sold less
//!   refunded in the 28 days before now (from the stock ledger's sale and
//!   refund movements, so a kit sold counts for its components), `L` the
//!   supplier's lead days (7, a new supplier's default, without a
//!   supplier) and `C` the store's `reorder_cover_days`. The order lifts
//!   stock to the reorder point plus what sells while it comes and over the
//!   days of cover, and at least one unit above the point, so a product
//!   that sold nothing is not left at its point (and suggested again) once
//!   its order is placed.

use chrono::Duration;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::purchasing::{PoLineInput, PurchaseOrder};
use crate::roles::Permission;
use crate::store::{ts, Store};
use crate::stored;

/// The days sales are measured over.
pub const VELOCITY_DAYS: i64 = 28;
/// A product without a supplier is reordered as if its lead time were a
/// new supplier's default.
pub const DEFAULT_LEAD_DAYS: i64 = 7;

/// A product at or below its reorder point, with what to order.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct LowStock {
    pub sku: String,
    pub name: String,
    pub on_hand: i64,
    pub reorder_point: i64,
    /// Units to order; 0 when enough is on order already.
    pub suggested_qty: i64,
    /// The supplier's name; None when the product has none.
    pub supplier: Option<String>,
    /// The supplier's lead time; 7 without a supplier.
    pub lead_days: i64,
    /// Units sold less refunded per day over the last 28 days, two
    /// decimals (the suggestion uses the exact sum).
    pub daily_velocity: Decimal,
    /// Units sold less refunded over the last 28 days.
    pub sold_28d: i64,
    /// Units on open purchase orders, not yet received.
    pub on_order: i64,
    pub reorder_qty: Option<i64>,
    /// The product's cost: what a purchase order from the suggestion pays.
    pub cost: Option<Decimal>,
}

/// A purchase order made from a supplier's suggestions.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Reorder {
    /// The draft purchase order, as `po create` gives it.
    #[serde(flatten)]
    pub po: PurchaseOrder,
    /// SKUs with a suggestion but no cost, left out of the order: a
    /// purchase order line needs a unit cost.
    pub without_cost: Vec<String>,
}

/// Units a day over the 28 days, always with two decimals ("0.00", "1.04").
fn per_day(sold: i64) -> Decimal {
    let mut v = (Decimal::from(sold) / Decimal::from(VELOCITY_DAYS)).round_dp(2);
    v.rescale(2);
    v
}

/// The suggested order quantity (see the module's rule).
pub fn suggested_qty(
    on_hand: i64,
    reorder_point: i64,
    on_order: i64,
    reorder_qty: Option<i64>,
    sold: i64,
    lead_days: i64,
    cover_days: i64,
) -> i64 {
    let position = on_hand.saturating_add(on_order);
    if position > reorder_point {
        return 0;
    }
    let demand_units = sold.max(0).saturating_mul(lead_days + cover_days);
    // Ceiling division of non-negative numbers, which cannot overflow.
    let demand = demand_units / VELOCITY_DAYS + i64::from(demand_units % VELOCITY_DAYS != 0);
    // At least one above the point, which is where "low" ends.
    let need = demand
        .max(1)
        .saturating_add(reorder_point)
        .saturating_sub(position);
    need.max(reorder_qty.unwrap_or(1))
}

/// What makes a product low, over `products p LEFT JOIN stock_levels s`:
/// active, holding stock of its own (not a kit), with a reorder point and
/// on-hand at or below it. The list and the window's badge both use it.
const LOW: &str = "p.active = 1 AND p.reorder_point IS NOT NULL
     AND COALESCE(s.on_hand, 0) <= p.reorder_point
     AND NOT EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id)";

impl Store {
    /// Active products that hold stock with a reorder point and on-hand at
    /// or below it, by supplier (those without one last), then SKU.
    pub fn low_stock(&self) -> Result<Vec<LowStock>> {
        self.require(Permission::LookUp)?;
        let now = self.now();
        let since = ts(now - Duration::days(VELOCITY_DAYS));
        let cover = i64::from(self.settings.reorder_cover_days);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT p.sku, p.name, COALESCE(s.on_hand, 0), p.reorder_point, p.reorder_qty,
                    sup.name, sup.lead_days, p.cost,
                    COALESCE((SELECT -SUM(m.qty) FROM stock_movements m
                              WHERE m.product_id = p.id AND m.kind IN ('sale', 'refund')
                                AND m.created_at >= ?1 AND m.created_at < ?2), 0),
                    COALESCE((SELECT SUM(MAX(l.qty - l.received, 0)) FROM po_lines l
                              JOIN purchase_orders o ON o.id = l.po_id
                              WHERE l.product_id = p.id AND o.status IN ('draft', 'sent', 'partly_received')), 0)
             FROM products p
             LEFT JOIN stock_levels s ON s.product_id = p.id
             LEFT JOIN suppliers sup ON sup.id = p.supplier_id
             WHERE {LOW}
             ORDER BY sup.name IS NULL, sup.name COLLATE NOCASE, p.sku"
        ))?;
        let rows = stmt.query_map(params![since, ts(now)], |r| {
            let on_hand: i64 = r.get(2)?;
            let reorder_point: i64 = r.get(3)?;
            let reorder_qty: Option<i64> = r.get(4)?;
            let lead_days = r.get::<_, Option<i64>>(6)?.unwrap_or(DEFAULT_LEAD_DAYS);
            let sold: i64 = r.get::<_, i64>(8)?.max(0);
            let on_order: i64 = r.get(9)?;
            Ok(LowStock {
                sku: stored::text(r, 0)?,
                name: stored::text(r, 1)?,
                on_hand,
                reorder_point,
                suggested_qty: suggested_qty(
                    on_hand,
                    reorder_point,
                    on_order,
                    reorder_qty,
                    sold,
                    lead_days,
                    cover,
                ),
                supplier: r.get(5)?,
                lead_days,
                daily_velocity: per_day(sold),
                sold_28d: sold,
                on_order,
                reorder_qty,
                cost: stored::opt_decimal(r, 7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many products are at or below their reorder point: the window's
    /// badge.
    pub fn low_stock_count(&self) -> Result<i64> {
        self.require(Permission::LookUp)?;
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM products p LEFT JOIN stock_levels s ON s.product_id = p.id
                 WHERE {LOW}"
            ))?
            .query_row([], |r| r.get(0))?)
    }

    /// "Create PO from suggestions": a draft purchase order to `supplier`
    /// (a name, any case) of every low product of theirs with a suggested
    /// quantity, at the product's cost. Products without a cost are left
    /// out and named; with nothing to order it is refused and nothing is
    /// written.
    pub fn reorder_po(&mut self, supplier: &str) -> Result<Reorder> {
        self.require(Permission::Purchasing)?;
        let name = self.supplier(supplier)?.name;
        let mut lines = Vec::new();
        let mut without_cost = Vec::new();
        for l in self.low_stock()? {
            let theirs = l
                .supplier
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(&name));
            if !theirs || l.suggested_qty <= 0 {
                continue;
            }
            match l.cost {
                Some(unit_cost) => lines.push(PoLineInput {
                    sku: l.sku,
                    qty: l.suggested_qty,
                    unit_cost,
                }),
                None => without_cost.push(l.sku),
            }
        }
        if lines.is_empty() {
            let why = if without_cost.is_empty() {
                String::new()
            } else {
                format!(
                    "; give a cost first to {} (till product edit SKU --cost C)",
                    without_cost.join(", ")
                )
            };
            return Err(Error::Refused(format!(
                "nothing to reorder from {name}: none of their products has a suggested quantity{why}"
            )));
        }
        let po = self.po_create(&name, &lines, Some("from the reorder suggestions"))?;
        Ok(Reorder { po, without_cost })
    }
}
