//! Purchase orders: what a shop orders from a supplier, and receiving the
//! delivery against it.
//!
//! A PO goes draft -> sent -> partly_received -> received, or is cancelled.
//! Receiving (`receive.rs`) writes `receive` stock movements and moves each
//! product's cost to the weighted average of the stock on hand and the
//! units received. `files.rs` writes a PO as CSV or PDF for the supplier.

mod files;
mod receive;

pub use files::{PoFormat, CSV_COLUMNS};
pub use receive::weighted_cost;

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::audit;
use crate::catalog::supplier_id;
use crate::error::{Error, Result};
use crate::input::{self, Field, TextKind};
use crate::roles::Permission;
use crate::store::{ts, Store};
use crate::stored;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PoStatus {
    Draft,
    Sent,
    PartlyReceived,
    Received,
    Cancelled,
}

impl PoStatus {
    pub const ALL: [PoStatus; 5] = [
        PoStatus::Draft,
        PoStatus::Sent,
        PoStatus::PartlyReceived,
        PoStatus::Received,
        PoStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PoStatus::Draft => "draft",
            PoStatus::Sent => "sent",
            PoStatus::PartlyReceived => "partly_received",
            PoStatus::Received => "received",
            PoStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for PoStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PoStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        PoStatus::ALL
            .into_iter()
            .find(|p| p.as_str() == t)
            .ok_or_else(|| {
                Error::invalid(
                    Field::Status,
                    format!(
                        "{s:?} is not one of draft, sent, partly_received, received, cancelled"
                    ),
                )
            })
    }
}

/// A line to order: `qty` units of `sku` (or its barcode) at `unit_cost`.
#[derive(Debug, Clone, PartialEq, Deserialize, specta::Type)]
pub struct PoLineInput {
    pub sku: String,
    pub qty: i64,
    pub unit_cost: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PoLine {
    pub sku: String,
    pub name: String,
    /// The supplier's code for the product, when the product has one.
    pub supplier_sku: Option<String>,
    pub qty: i64,
    pub unit_cost: Decimal,
    /// Units received so far; may pass `qty`.
    pub received: i64,
    /// Units ordered and not yet received (0 once `received` reaches `qty`).
    pub outstanding: i64,
    /// `qty` x `unit_cost`.
    pub line_total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PurchaseOrder {
    pub id: i64,
    /// What the supplier sees: PO-0001.
    pub number: String,
    pub supplier: String,
    pub status: PoStatus,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub lines: Vec<PoLine>,
    /// The lines' totals: what the order costs as ordered.
    pub total: Decimal,
}

/// Which purchase orders `Store::pos` lists.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct PoFilter {
    #[serde(default)]
    pub status: Option<PoStatus>,
    /// A supplier's name, in any case.
    #[serde(default)]
    pub supplier: Option<String>,
}

/// The number a PO with this id shows.
fn number_of(id: i64) -> String {
    format!("PO-{id:04}")
}

/// A PO and its lines, inside the caller's transaction (or on the store's
/// connection for a read).
pub(crate) fn load(conn: &Connection, id: i64) -> Result<PurchaseOrder> {
    let head = conn
        .prepare_cached(
            "SELECT po.id, po.number, su.name, po.status, po.note, po.created_by, po.created_at, po.updated_at
             FROM purchase_orders po JOIN suppliers su ON su.id = po.supplier_id WHERE po.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(PurchaseOrder {
                id: r.get(0)?,
                number: r.get(1)?,
                supplier: r.get(2)?,
                status: stored::enum_col(r, 3)?,
                note: r.get(4)?,
                created_by: r.get(5)?,
                created_at: ts(stored::time(r, 6)?),
                updated_at: ts(stored::time(r, 7)?),
                lines: Vec::new(),
                total: Decimal::ZERO,
            })
        })
        .optional()?;
    let mut po = head.ok_or_else(|| Error::not_found("purchase order", number_of(id)))?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.sku, p.name, p.supplier_sku, l.qty, l.unit_cost, l.received
         FROM po_lines l JOIN products p ON p.id = l.product_id WHERE l.po_id = ?1 ORDER BY l.id",
    )?;
    let lines = stmt.query_map([id], |r| {
        let qty: i64 = r.get(3)?;
        let unit_cost = stored::decimal(r, 4)?;
        let received: i64 = r.get(5)?;
        Ok(PoLine {
            sku: r.get(0)?,
            name: r.get(1)?,
            supplier_sku: r.get(2)?,
            qty,
            unit_cost,
            received,
            outstanding: (qty - received).max(0),
            line_total: unit_cost * Decimal::from(qty),
        })
    })?;
    po.lines = lines.collect::<rusqlite::Result<Vec<_>>>()?;
    po.total = po.lines.iter().map(|l| l.line_total).sum();
    Ok(po)
}

/// Moves a PO to `status`, stamped now.
fn set_status(conn: &Connection, id: i64, status: PoStatus, at: &str) -> Result<()> {
    conn.prepare_cached("UPDATE purchase_orders SET status = ?1, updated_at = ?2 WHERE id = ?3")?
        .execute(params![status.as_str(), at, id])?;
    Ok(())
}

impl Store {
    /// A draft purchase order to `supplier` (a name, any case). Each line
    /// names a product once, 1 unit or more, at a unit cost in the store's
    /// currency; a bad line is refused naming its place ("item 2 (MUG)").
    pub fn po_create(
        &mut self,
        supplier: &str,
        lines: &[PoLineInput],
        note: Option<&str>,
    ) -> Result<PurchaseOrder> {
        let auth = self.require(Permission::Purchasing)?;
        if lines.is_empty() {
            return Err(Error::invalid(
                Field::Items,
                "a purchase order needs at least one line",
            ));
        }
        let note = input::opt_text(Field::Note, note, TextKind::Note)?;
        let items: Vec<(String, i64)> = lines.iter().map(|l| (l.sku.clone(), l.qty)).collect();
        let resolved = self.resolve_items(&items)?;
        let mut checked = Vec::with_capacity(lines.len());
        for ((product, qty, place), line) in resolved.into_iter().zip(lines) {
            if product.kit {
                return Err(Error::invalid(
                    Field::Item,
                    format!(
                        "{} is a kit and holds no stock of its own; order its components",
                        product.sku
                    ),
                )
                .at(&place));
            }
            let cost = self
                .check_amount(Field::Cost, line.unit_cost)
                .map_err(|e| e.at(&place))?;
            checked.push((product, qty, cost));
        }
        let at = self.now();
        let now = ts(at);
        let user = self.user().to_string();
        let tx = self.write_tx()?;
        let supplier_id = supplier_id(&tx, supplier)?;
        let id: i64 = tx.query_row(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM purchase_orders",
            [],
            |r| r.get(0),
        )?;
        let number = number_of(id);
        tx.execute(
            "INSERT INTO purchase_orders (id, number, supplier_id, status, note, created_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?6)",
            params![id, number, supplier_id, note, user, now],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO po_lines (po_id, product_id, qty, unit_cost) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (product, qty, cost) in &checked {
                insert.execute(params![id, product.id, qty, cost.to_string()])?;
            }
        }
        let po = load(&tx, id)?;
        audit::record(
            &tx,
            &auth,
            at,
            "po.create",
            Some(&number),
            serde_json::json!({
                "supplier": po.supplier,
                "lines": po.lines.iter().map(|l| serde_json::json!({
                    "sku": l.sku, "qty": l.qty, "unit_cost": l.unit_cost.to_string(),
                })).collect::<Vec<_>>(),
                "total": po.total.to_string(),
                "note": note,
            }),
        )?;
        tx.commit()?;
        Ok(po)
    }

    /// A purchase order by its id.
    pub fn po(&self, id: i64) -> Result<PurchaseOrder> {
        self.require(Permission::Purchasing)?;
        load(&self.conn, id)
    }

    /// The id of the PO a person names: its number ("PO-0001", any case)
    /// or its id ("1").
    pub fn po_id(&self, reference: &str) -> Result<i64> {
        self.require(Permission::Purchasing)?;
        let r = reference.trim();
        let found: Option<i64> = if let Ok(id) = r.parse::<i64>() {
            self.conn
                .prepare_cached("SELECT id FROM purchase_orders WHERE id = ?1")?
                .query_row([id], |row| row.get(0))
                .optional()?
        } else {
            self.conn
                .prepare_cached("SELECT id FROM purchase_orders WHERE number = ?1 COLLATE NOCASE")?
                .query_row([r], |row| row.get(0))
                .optional()?
        };
        found.ok_or_else(|| Error::not_found("purchase order", r))
    }

    /// Purchase orders, newest first.
    pub fn pos(&self, filter: &PoFilter) -> Result<Vec<PurchaseOrder>> {
        self.require(Permission::Purchasing)?;
        let supplier = filter
            .supplier
            .as_deref()
            .map(|n| supplier_id(&self.conn, n))
            .transpose()?;
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id FROM purchase_orders WHERE (?1 IS NULL OR status = ?1)
                   AND (?2 IS NULL OR supplier_id = ?2) ORDER BY id DESC",
            )?;
            let rows = stmt.query_map(
                params![filter.status.map(PoStatus::as_str), supplier],
                |r| r.get(0),
            )?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        ids.into_iter().map(|id| load(&self.conn, id)).collect()
    }

    /// Marks a draft as sent to the supplier.
    pub fn po_send(&mut self, id: i64) -> Result<PurchaseOrder> {
        let auth = self.require(Permission::Purchasing)?;
        let at = self.now();
        let tx = self.write_tx()?;
        let po = load(&tx, id)?;
        if po.status != PoStatus::Draft {
            return Err(Error::Refused(format!(
                "{} is {}; only a draft can be sent",
                po.number,
                po.status.as_str().replace('_', " ")
            )));
        }
        set_status(&tx, id, PoStatus::Sent, &ts(at))?;
        audit::record(
            &tx,
            &auth,
            at,
            "po.send",
            Some(&po.number),
            serde_json::json!({ "supplier": po.supplier }),
        )?;
        let po = load(&tx, id)?;
        tx.commit()?;
        Ok(po)
    }

    /// Cancels a draft or sent PO. A partly received one may be cancelled
    /// too: that closes it, what came stays received and nothing more is
    /// expected. A received or cancelled PO is refused.
    pub fn po_cancel(&mut self, id: i64) -> Result<PurchaseOrder> {
        let auth = self.require(Permission::Purchasing)?;
        let at = self.now();
        let tx = self.write_tx()?;
        let po = load(&tx, id)?;
        match po.status {
            PoStatus::Draft | PoStatus::Sent | PoStatus::PartlyReceived => {}
            PoStatus::Received => {
                return Err(Error::Refused(format!(
                    "{} is already received in full; there is nothing left to cancel",
                    po.number
                )))
            }
            PoStatus::Cancelled => {
                return Err(Error::Refused(format!(
                    "{} is already cancelled",
                    po.number
                )))
            }
        }
        set_status(&tx, id, PoStatus::Cancelled, &ts(at))?;
        audit::record(
            &tx,
            &auth,
            at,
            "po.cancel",
            Some(&po.number),
            serde_json::json!({
                "from": po.status.as_str(),
                "outstanding": po.lines.iter().map(|l| l.outstanding).sum::<i64>(),
            }),
        )?;
        let po = load(&tx, id)?;
        tx.commit()?;
        Ok(po)
    }
}
