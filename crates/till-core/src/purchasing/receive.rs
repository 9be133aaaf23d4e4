//! Receiving a delivery against a purchase order: `receive` movements, the
//! PO's received counts and status, and each product's weighted-average
//! cost, all in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use super::{load, set_status, PoStatus, PurchaseOrder};
use crate::error::{Error, Result};
use crate::input::Field;
use crate::inventory::{insert_movement_from, on_hand, MovementKind, Origin};
use crate::money::Currency;
use crate::outbox;
use crate::roles::Permission;
use crate::store::{ts, Store};
use crate::stored;

/// The cost of the stock after a delivery: the units on hand at their old
/// cost and the units received at theirs, averaged, rounded to the
/// currency's minor unit. Stock at or below zero, or no cost known yet,
/// leaves nothing to average with: the new cost is the unit cost.
pub fn weighted_cost(
    currency: &Currency,
    on_hand_before: i64,
    old_cost: Option<Decimal>,
    received: i64,
    unit_cost: Decimal,
) -> Decimal {
    match old_cost {
        Some(old) if on_hand_before > 0 => {
            let before = Decimal::from(on_hand_before);
            let got = Decimal::from(received);
            currency.round((before * old + got * unit_cost) / (before + got))
        }
        _ => currency.round(unit_cost),
    }
}

/// One line of a PO as stored, for receiving.
struct Line {
    id: i64,
    product_id: i64,
    sku: String,
    barcode: Option<String>,
    qty: i64,
    unit_cost: Decimal,
    received: i64,
}

fn lines(conn: &Connection, po_id: i64) -> Result<Vec<Line>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.product_id, p.sku, p.barcode, l.qty, l.unit_cost, l.received
         FROM po_lines l JOIN products p ON p.id = l.product_id WHERE l.po_id = ?1 ORDER BY l.id",
    )?;
    let rows = stmt.query_map([po_id], |r| {
        Ok(Line {
            id: r.get(0)?,
            product_id: r.get(1)?,
            sku: r.get(2)?,
            barcode: r.get(3)?,
            qty: r.get(4)?,
            unit_cost: stored::decimal(r, 5)?,
            received: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Which lines get how many units: every outstanding unit, or the
/// quantities given, each naming a product on the PO once.
fn plan(
    number: &str,
    lines: &[Line],
    given: Option<&[(String, i64)]>,
) -> Result<Vec<(usize, i64)>> {
    let Some(given) = given else {
        let all: Vec<(usize, i64)> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.qty > l.received)
            .map(|(i, l)| (i, l.qty - l.received))
            .collect();
        if all.is_empty() {
            return Err(Error::invalid(
                Field::Items,
                format!(
                    "{number} has nothing outstanding; name the items and quantities that came"
                ),
            ));
        }
        return Ok(all);
    };
    if given.is_empty() {
        return Err(Error::invalid(
            Field::Items,
            "name at least one item to receive",
        ));
    }
    let mut out: Vec<(usize, i64)> = Vec::with_capacity(given.len());
    for (n, (code, qty)) in given.iter().enumerate() {
        let place = format!("item {} ({})", n + 1, code.trim());
        crate::money::check_qty(Field::Item, *qty).map_err(|e| e.at(&place))?;
        if *qty < 1 {
            return Err(
                Error::invalid(Field::Item, format!("quantity {qty} must be at least 1"))
                    .at(&place),
            );
        }
        let code = code.trim();
        let Some(i) = lines.iter().position(|l| l.sku == code).or_else(|| {
            lines
                .iter()
                .position(|l| l.barcode.as_deref() == Some(code))
        }) else {
            return Err(
                Error::invalid(Field::Item, format!("{code} is not on {number}")).at(&place),
            );
        };
        if out.iter().any(|(j, _)| *j == i) {
            return Err(Error::invalid(
                Field::Item,
                format!("{} is listed twice; give its quantity once", lines[i].sku),
            )
            .at(&place));
        }
        out.push((i, *qty));
    }
    Ok(out)
}

impl Store {
    /// Receives a delivery against PO `id`: `None` takes in everything
    /// outstanding; otherwise `(SKU, units)` per product, any number of
    /// units from 1 (more than ordered too). Each product gets a `receive`
    /// movement and its cost becomes the weighted average (see
    /// `weighted_cost`); the PO becomes partly received or received. A
    /// draft may be received without being sent; a received or cancelled
    /// PO is refused. One transaction.
    pub fn po_receive(
        &mut self,
        id: i64,
        items: Option<&[(String, i64)]>,
    ) -> Result<PurchaseOrder> {
        let auth = self.require(Permission::Purchasing)?;
        let currency = self.settings.currency.clone();
        let at: DateTime<Utc> = self.now();
        let now = ts(at);
        let user = self.user().to_string();
        let tx = self.write_tx()?;
        let po = load(&tx, id)?;
        match po.status {
            PoStatus::Draft | PoStatus::Sent | PoStatus::PartlyReceived => {}
            PoStatus::Received => {
                return Err(Error::Refused(format!(
                    "{} is already received in full; record more stock as a restock",
                    po.number
                )))
            }
            PoStatus::Cancelled => {
                return Err(Error::Refused(format!(
                    "{} is cancelled; nothing can be received against it",
                    po.number
                )))
            }
        }
        let mut lines = lines(&tx, id)?;
        let plan = plan(&po.number, &lines, items)?;
        let mut detail = Vec::with_capacity(plan.len());
        for (i, qty) in plan {
            let line = &mut lines[i];
            // A product made a kit after it was ordered holds no stock of
            // its own (as `adjust_stock` refuses it).
            let kit: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM kit_components WHERE kit_id = ?1)")?
                .query_row([line.product_id], |r| r.get(0))?;
            if kit {
                return Err(Error::Refused(format!(
                    "{} is now a kit and holds no stock of its own; receive its components as a restock",
                    line.sku
                )));
            }
            let before = on_hand(&tx, line.product_id)?;
            let old_cost: Option<Decimal> = tx
                .prepare_cached("SELECT cost FROM products WHERE id = ?1")?
                .query_row([line.product_id], |r| stored::opt_decimal(r, 0))?;
            let cost = weighted_cost(&currency, before, old_cost, qty, line.unit_cost);
            let after = before
                .checked_add(qty)
                .ok_or_else(|| Error::invalid(Field::Item, format!("{qty} is out of range")))?;
            insert_movement_from(
                &tx,
                line.product_id,
                qty,
                &po.number,
                &user,
                &now,
                Origin::PurchaseOrder(id),
            )?;
            tx.prepare_cached("UPDATE products SET cost = ?1, updated_at = ?2 WHERE id = ?3")?
                .execute(params![cost.to_string(), now, line.product_id])?;
            line.received = line
                .received
                .checked_add(qty)
                .ok_or_else(|| Error::invalid(Field::Item, format!("{qty} is out of range")))?;
            tx.prepare_cached("UPDATE po_lines SET received = ?1 WHERE id = ?2")?
                .execute(params![line.received, line.id])?;
            // The upstream keeps stock from these events, as for a restock.
            outbox::push(
                &tx,
                at,
                &till_wire::StockAdjusted {
                    sku: line.sku.clone(),
                    kind: MovementKind::Receive.as_str().to_string(),
                    qty,
                    reason: Some(po.number.clone()),
                    on_hand: after,
                    user: user.clone(),
                },
            )?;
            detail.push(serde_json::json!({
                "sku": line.sku,
                "qty": qty,
                "unit_cost": line.unit_cost.to_string(),
                "on_hand": after,
                "cost": {"from": old_cost.map(|c| c.to_string()), "to": cost.to_string()},
            }));
        }
        let status = if lines.iter().all(|l| l.received >= l.qty) {
            PoStatus::Received
        } else {
            PoStatus::PartlyReceived
        };
        set_status(&tx, id, status, &now)?;
        crate::audit::record(
            &tx,
            &auth,
            at,
            "po.receive",
            Some(&po.number),
            serde_json::json!({ "lines": detail, "status": status.as_str() }),
        )?;
        let po = load(&tx, id)?;
        tx.commit()?;
        Ok(po)
    }
}
