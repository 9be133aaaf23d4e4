//! Completed orders: receipts, listing and refunds.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::input::Field;
use crate::inventory::{insert_movement, MovementKind};
use crate::money::Currency;
use crate::outbox;
use crate::roles::Permission;
use crate::store::{ts, Store};
use crate::stored::decimal as dec_col;
use crate::tax::TaxMode;
use crate::totals::TaxLine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum TenderMethod {
    Cash,
    Card,
}

impl TenderMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            TenderMethod::Cash => "cash",
            TenderMethod::Card => "card",
        }
    }
}

impl FromStr for TenderMethod {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cash" => Ok(TenderMethod::Cash),
            "card" => Ok(TenderMethod::Card),
            _ => Err(Error::invalid(
                Field::Method,
                format!("{s:?} is neither cash nor card"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReceiptLine {
    pub line_no: i64,
    pub sku: String,
    pub name: String,
    pub qty: i64,
    pub unit_price: Decimal,
    /// Why the unit price is what it is, when it is not the base price.
    pub price_note: Option<String>,
    /// unit_price x qty; the lines' totals add up to the subtotal.
    pub total: Decimal,
    /// Line discount plus its share of the order discount.
    pub discount: Decimal,
    pub tax_rate: Decimal,
    pub tax: Decimal,
    /// What the customer paid for this line, after discounts, with tax.
    pub charged: Decimal,
    pub refunded_qty: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Payment {
    pub method: TenderMethod,
    pub amount: Decimal,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RefundLine {
    pub line_no: i64,
    pub sku: String,
    pub qty: i64,
    pub amount: Decimal,
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Refund {
    pub id: String,
    pub order_id: String,
    /// The order's receipt number.
    pub number: String,
    /// The refund's own receipt number: the order's, then `-R` and its place
    /// among the order's refunds (`K7QF-000123-R1`). Counted, not stored, so
    /// it is the same on every read.
    pub receipt_number: String,
    pub lines: Vec<RefundLine>,
    pub amount: Decimal,
    pub tax: Decimal,
    pub method: TenderMethod,
    pub created_at: String,
}

/// How much of an order has been refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Completed,
    PartiallyRefunded,
    Refunded,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Completed => "completed",
            OrderStatus::PartiallyRefunded => "partially_refunded",
            OrderStatus::Refunded => "refunded",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Receipt {
    pub id: String,
    pub number: String,
    pub status: OrderStatus,
    pub created_at: String,
    pub cashier: String,
    pub customer_id: Option<String>,
    /// The referral code given at the counter, if any.
    #[serde(default)]
    pub referral_code: Option<String>,
    pub currency: String,
    pub tax_mode: TaxMode,
    pub lines: Vec<ReceiptLine>,
    /// Bundles the sale got; their discount is also in the lines' `discount`.
    #[serde(default)]
    pub bundles: Vec<crate::bundles::AppliedBundle>,
    pub subtotal: Decimal,
    pub discount: Decimal,
    pub tax: Decimal,
    pub taxes: Vec<TaxLine>,
    pub total: Decimal,
    pub payments: Vec<Payment>,
    pub paid: Decimal,
    pub change: Decimal,
    pub refunds: Vec<Refund>,
}

impl Receipt {
    /// The `order.completed` payload: everything the upstream needs to
    /// record the sale without asking for anything else.
    pub(crate) fn event_payload(&self) -> till_wire::OrderCompleted {
        till_wire::OrderCompleted {
            order_id: self.id.clone(),
            number: self.number.clone(),
            created_at: self.created_at.clone(),
            cashier: self.cashier.clone(),
            customer_id: self.customer_id.clone(),
            referral_code: self.referral_code.clone(),
            currency: self.currency.clone(),
            tax_mode: self.tax_mode.to_string(),
            lines: self
                .lines
                .iter()
                .map(|l| till_wire::OrderLine {
                    line_no: l.line_no,
                    sku: l.sku.clone(),
                    name: l.name.clone(),
                    qty: l.qty,
                    unit_price: l.unit_price,
                    price_note: l.price_note.clone(),
                    total: l.total,
                    discount: l.discount,
                    tax_rate: l.tax_rate,
                    tax: l.tax,
                    charged: l.charged,
                    refunded_qty: l.refunded_qty,
                })
                .collect(),
            bundles: self
                .bundles
                .iter()
                .map(|b| till_wire::OrderBundle {
                    bundle_id: b.bundle_id,
                    name: b.name.clone(),
                    times: b.times,
                    discount: b.discount,
                })
                .collect(),
            subtotal: self.subtotal,
            discount: self.discount,
            tax: self.tax,
            taxes: self
                .taxes
                .iter()
                .map(|t| till_wire::OrderTax {
                    rate: t.rate,
                    base: t.base,
                    tax: t.tax,
                })
                .collect(),
            total: self.total,
            payments: self
                .payments
                .iter()
                .map(|p| till_wire::OrderPayment {
                    method: p.method.as_str().to_string(),
                    amount: p.amount,
                    reference: p.reference.clone(),
                })
                .collect(),
            paid: self.paid,
            change: self.change,
        }
    }
}

impl Refund {
    /// The `order.refunded` payload.
    pub(crate) fn event_payload(&self) -> till_wire::OrderRefunded {
        till_wire::OrderRefunded {
            refund_id: self.id.clone(),
            order_id: self.order_id.clone(),
            number: self.number.clone(),
            lines: self
                .lines
                .iter()
                .map(|l| till_wire::RefundLine {
                    line_no: l.line_no,
                    sku: l.sku.clone(),
                    qty: l.qty,
                    amount: l.amount,
                    tax: l.tax,
                })
                .collect(),
            amount: self.amount,
            tax: self.tax,
            method: self.method.as_str().to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct OrderSummary {
    pub id: String,
    pub number: String,
    pub status: OrderStatus,
    pub created_at: String,
    pub items: i64,
    pub total: Decimal,
    pub refunded: Decimal,
}

fn status_of(lines: &[ReceiptLine]) -> OrderStatus {
    let sold: i64 = lines.iter().map(|l| l.qty).sum();
    let back: i64 = lines.iter().map(|l| l.refunded_qty).sum();
    match back {
        0 => OrderStatus::Completed,
        b if b >= sold => OrderStatus::Refunded,
        _ => OrderStatus::PartiallyRefunded,
    }
}

pub(crate) fn load_receipt(conn: &Connection, id: &str) -> Result<Receipt> {
    let head = conn
        .prepare_cached(
            "SELECT id, number, created_at, cashier, customer_id, currency, tax_mode, subtotal, discount, tax, total, paid, change, referral_code
             FROM orders WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                crate::stored::enum_col::<TaxMode>(r, 6)?,
                [dec_col(r, 7)?, dec_col(r, 8)?, dec_col(r, 9)?, dec_col(r, 10)?, dec_col(r, 11)?, dec_col(r, 12)?],
                r.get::<_, Option<String>>(13)?,
            ))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("order", id))?;
    let lines = conn
        .prepare_cached(
            "SELECT line_no, sku, name, qty, unit_price, price_note, gross, discount, tax_rate, tax, total, refunded_qty
             FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
        )?
        .query_map([id], |r| {
            Ok(ReceiptLine {
                line_no: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                qty: r.get(3)?,
                unit_price: dec_col(r, 4)?,
                price_note: r.get(5)?,
                total: dec_col(r, 6)?,
                discount: dec_col(r, 7)?,
                tax_rate: dec_col(r, 8)?,
                tax: dec_col(r, 9)?,
                charged: dec_col(r, 10)?,
                refunded_qty: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let taxes = conn
        .prepare_cached("SELECT rate, base, tax FROM order_taxes WHERE order_id = ?1")?
        .query_map([id], |r| {
            Ok(TaxLine {
                rate: dec_col(r, 0)?,
                base: dec_col(r, 1)?,
                tax: dec_col(r, 2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut taxes = taxes;
    taxes.sort_by_key(|t| t.rate);
    let payments = conn
        .prepare_cached(
            "SELECT method, amount, reference FROM payments WHERE order_id = ?1 ORDER BY rowid",
        )?
        .query_map([id], |r| {
            Ok(Payment {
                method: crate::stored::enum_col(r, 0)?,
                amount: dec_col(r, 1)?,
                reference: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let refund_ids = conn
        .prepare_cached("SELECT id FROM refunds WHERE order_id = ?1 ORDER BY created_at, id")?
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let refunds = refund_ids
        .iter()
        .map(|rid| load_refund(conn, rid))
        .collect::<Result<Vec<_>>>()?;
    let (id, number, created_at, cashier, customer_id, currency, tax_mode, m, referral_code) = head;
    let bundles = crate::bundles::load_for_order(conn, &id)?;
    Ok(Receipt {
        status: status_of(&lines),
        id,
        number,
        created_at,
        cashier,
        customer_id,
        referral_code,
        currency,
        tax_mode,
        lines,
        bundles,
        subtotal: m[0],
        discount: m[1],
        tax: m[2],
        taxes,
        total: m[3],
        payments,
        paid: m[4],
        change: m[5],
        refunds,
    })
}

/// The id of the order `id_or_number` names (its id or its receipt
/// number), if any.
pub(crate) fn order_id(conn: &Connection, id_or_number: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM orders WHERE id = ?1 OR number = ?1")?
        .query_row([id_or_number], |r| r.get(0))
        .optional()?)
}

fn load_refund(conn: &Connection, id: &str) -> Result<Refund> {
    // The place among the order's refunds follows their order on the receipt
    // (`ORDER BY created_at, id`).
    let (order_id, number, amount, tax, method, created_at, nth) = conn
        .prepare_cached(
            "SELECT r.order_id, o.number, r.amount, r.tax, r.method, r.created_at,
                    (SELECT COUNT(*) FROM refunds e WHERE e.order_id = r.order_id
                       AND (e.created_at < r.created_at OR (e.created_at = r.created_at AND e.id <= r.id)))
             FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = ?1",
        )?
        .query_row([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, dec_col(r, 2)?, dec_col(r, 3)?, crate::stored::enum_col::<TenderMethod>(r, 4)?, r.get::<_, String>(5)?, r.get::<_, i64>(6)?))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("refund", id))?;
    let lines = conn
        .prepare_cached(
            "SELECT rl.line_no, ol.sku, rl.qty, rl.amount, rl.tax FROM refund_lines rl
             JOIN order_lines ol ON ol.order_id = ?2 AND ol.line_no = rl.line_no
             WHERE rl.refund_id = ?1 ORDER BY rl.line_no",
        )?
        .query_map(params![id, order_id], |r| {
            Ok(RefundLine {
                line_no: r.get(0)?,
                sku: r.get(1)?,
                qty: r.get(2)?,
                amount: dec_col(r, 3)?,
                tax: dec_col(r, 4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Refund {
        id: id.to_string(),
        order_id,
        receipt_number: format!("{number}-R{nth}"),
        number,
        lines,
        amount,
        tax,
        method,
        created_at,
    })
}

/// What to give back: `None` refunds everything not yet refunded.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct RefundRequest {
    pub order: String,
    #[serde(default)]
    pub items: Option<Vec<(String, i64)>>,
    /// Idempotency key; a new one is made when absent.
    #[serde(default)]
    pub key: Option<String>,
}

/// The refund first made with `key`, when `request` is the one it was made
/// for; `key_reused` when it was made for another. Refunds from before
/// requests were kept match on the order alone.
fn replay_refund(
    conn: &Connection,
    key: &str,
    order_id: &str,
    request: &str,
) -> Result<Option<Refund>> {
    let found = conn
        .prepare_cached(
            "SELECT r.id, r.order_id, r.request, o.number FROM refunds r JOIN orders o ON o.id = r.order_id
             WHERE r.idempotency_key = ?1",
        )?
        .query_row([key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()?;
    let Some((id, first_order, first_request, number)) = found else {
        return Ok(None);
    };
    let same = match first_request {
        Some(r) => r == request,
        None => first_order == order_id,
    };
    if !same {
        return Err(Error::KeyReused(format!(
            "the idempotency key {key:?} was first used for a different refund (of order {number}); use a new key for a new refund"
        )));
    }
    load_refund(conn, &id).map(Some)
}

/// The amount of `k` more units of a line, given `r` already refunded:
/// alloc(r + k) - alloc(r), where alloc(n) = round(line amount x n / qty).
/// Refunding a line in any number of steps gives back exactly its amount.
fn share(currency: &Currency, amount: Decimal, qty: i64, already: i64, more: i64) -> Decimal {
    let alloc = |n: i64| currency.round(amount * Decimal::from(n) / Decimal::from(qty));
    currency.round(alloc(already + more) - alloc(already))
}

impl Store {
    /// A refund request as remembered with its key: the order, and the
    /// products (by SKU, however they were given) with their quantities
    /// added up, or everything left.
    pub(crate) fn refund_request_text(
        &self,
        order_id: &str,
        items: Option<&[(String, i64)]>,
    ) -> Result<String> {
        let items = match items {
            None => None,
            Some(items) => {
                let mut by_sku: std::collections::BTreeMap<String, i64> = Default::default();
                for (code, qty) in items {
                    let n = by_sku.entry(self.product_by_code(code)?.sku).or_default();
                    *n = n.saturating_add(*qty);
                }
                Some(by_sku.into_iter().collect::<Vec<_>>())
            }
        };
        Ok(serde_json::json!({ "order": order_id, "items": items }).to_string())
    }

    /// An order by id or receipt number.
    pub fn order(&self, id_or_number: &str) -> Result<Receipt> {
        self.require(Permission::LookUp)?;
        let key = id_or_number.trim();
        match order_id(&self.conn, key)? {
            Some(id) => load_receipt(&self.conn, &id),
            None => Err(Error::not_found("order", key)),
        }
    }

    /// Orders created in [from, to), oldest first.
    pub fn orders(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        limit: Option<i64>,
    ) -> Result<Vec<OrderSummary>> {
        self.require(Permission::LookUp)?;
        self.list_orders(from, to, limit, false)
    }

    /// The newest `limit` orders, newest first (the Orders screen).
    pub fn recent_orders(&self, limit: i64) -> Result<Vec<OrderSummary>> {
        self.require(Permission::LookUp)?;
        self.list_orders(None, None, Some(limit), true)
    }

    fn list_orders(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        limit: Option<i64>,
        newest_first: bool,
    ) -> Result<Vec<OrderSummary>> {
        if let Some(l) = limit {
            if l <= 0 {
                return Err(Error::invalid(
                    Field::Limit,
                    format!("{l} must be at least 1"),
                ));
            }
        }
        let order = if newest_first {
            "o.created_at DESC, o.rowid DESC"
        } else {
            "o.created_at, o.rowid"
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT o.id, o.number, o.created_at, o.total,
                    (SELECT SUM(qty) FROM order_lines l WHERE l.order_id = o.id),
                    (SELECT SUM(qty - refunded_qty) FROM order_lines l WHERE l.order_id = o.id),
                    (SELECT GROUP_CONCAT(amount, ' ') FROM refunds r WHERE r.order_id = o.id)
             FROM orders o
             WHERE (?1 IS NULL OR o.created_at >= ?1) AND (?2 IS NULL OR o.created_at < ?2)
             ORDER BY {order} LIMIT ?3"
        ))?;
        let currency = self.settings.currency.clone();
        let rows = stmt.query_map(
            params![from.map(ts), to.map(ts), limit.unwrap_or(-1)],
            |r| {
                let items: i64 = r.get(4)?;
                let left: i64 = r.get(5)?;
                let refunded = crate::stored::opt_parse_with(r, 6, |amounts| {
                    amounts
                        .split_whitespace()
                        .map(crate::stored::parse_decimal)
                        .sum::<std::result::Result<Decimal, String>>()
                        .map_err(|_| {
                            "which holds a refund amount that is not a decimal number".to_string()
                        })
                })?
                .unwrap_or_default();
                Ok(OrderSummary {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    created_at: r.get(2)?,
                    total: dec_col(r, 3)?,
                    items,
                    refunded: currency.round(refunded),
                    status: match left {
                        l if l == items => OrderStatus::Completed,
                        0 => OrderStatus::Refunded,
                        _ => OrderStatus::PartiallyRefunded,
                    },
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Refunds an order fully (`items: None`) or by line, restoring stock,
    /// in one transaction. Money goes back the way it came: to the card when
    /// the order was paid by card only, else in cash.
    ///
    /// With a key already used: the same request returns the first refund
    /// and changes nothing; another request is refused (`key_reused`).
    pub fn refund(&mut self, req: RefundRequest) -> Result<Refund> {
        let auth = self.require(Permission::Refund)?;
        let order = self.order(&req.order)?;
        let key = match &req.key {
            Some(k) => crate::input::text(Field::Key, k, crate::input::TextKind::Key)?,
            None => uuid::Uuid::now_v7().to_string(),
        };
        let request = self.refund_request_text(&order.id, req.items.as_deref())?;
        // A retry is answered before anything is checked against what is
        // left to refund: the first refund took it.
        if let Some(first) = replay_refund(&self.conn, &key, &order.id, &request)? {
            return Ok(first);
        }
        // Work out what each line gives back.
        let mut remaining: Vec<i64> = order.lines.iter().map(|l| l.qty - l.refunded_qty).collect();
        let mut take: Vec<i64> = vec![0; order.lines.len()];
        match &req.items {
            None => {
                if remaining.iter().all(|r| *r == 0) {
                    return Err(Error::Refused(format!(
                        "order {} is already fully refunded",
                        order.number
                    )));
                }
                take.clone_from(&remaining);
            }
            Some(items) => {
                if items.is_empty() {
                    return Err(Error::invalid(
                        Field::Items,
                        "name at least one item to refund",
                    ));
                }
                for (code, qty) in items {
                    if *qty <= 0 {
                        return Err(Error::invalid(
                            Field::Item,
                            format!("{code}: refund quantity {qty} must be at least 1"),
                        ));
                    }
                    let product = self.product_by_code(code)?;
                    let sold: i64 = order
                        .lines
                        .iter()
                        .filter(|l| l.sku == product.sku)
                        .map(|l| l.qty)
                        .sum();
                    if sold == 0 {
                        return Err(Error::invalid(
                            Field::Items,
                            format!("order {} has no {}", order.number, product.sku),
                        ));
                    }
                    let available: i64 = order
                        .lines
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| l.sku == product.sku)
                        .map(|(i, _)| remaining[i])
                        .sum();
                    if *qty > available {
                        return Err(Error::Refused(format!(
                            "cannot refund {qty} x {}: order {} sold {sold}, and only {available} can still be refunded",
                            product.sku, order.number
                        )));
                    }
                    let mut want = *qty;
                    for (i, l) in order.lines.iter().enumerate() {
                        if l.sku == product.sku && want > 0 {
                            let n = want.min(remaining[i]);
                            take[i] += n;
                            remaining[i] -= n;
                            want -= n;
                        }
                    }
                }
            }
        }
        let now = self.now();
        let user = self.user().to_string();
        let settings = self.settings.clone();
        let tx = self.write_tx()?;
        // Again inside the transaction: another window may have used the
        // key a moment ago.
        if let Some(first) = replay_refund(&tx, &key, &order.id, &request)? {
            return Ok(first);
        }
        let refund = refund_in(
            &tx,
            &settings,
            &auth,
            &user,
            now,
            RefundPlan {
                order: &order,
                key: &key,
                request: &request,
                take: &take,
            },
        )?;
        tx.commit()?;
        Ok(refund)
    }
}

/// What one refund gives back: of `order`, `take[i]` units of its line `i`.
pub(crate) struct RefundPlan<'a> {
    pub order: &'a Receipt,
    pub key: &'a str,
    /// The request as remembered with the key (`refund_request_text`).
    pub request: &'a str,
    pub take: &'a [i64],
}

/// Writes a refund inside `tx` (the caller's open write transaction):
/// its rows, the lines' refunded quantities, the stock back, reversed
/// commissions, the outbox event and the audit entry. `Store::refund`
/// checks the request first; the bulk demo history plans its own.
pub(crate) fn refund_in(
    tx: &Connection,
    settings: &crate::settings::Settings,
    auth: &crate::permissions::Authority,
    user: &str,
    now: chrono::DateTime<chrono::Utc>,
    plan: RefundPlan<'_>,
) -> Result<Refund> {
    let RefundPlan {
        order,
        key,
        request,
        take,
    } = plan;
    let currency = &settings.currency;
    let method = if order
        .payments
        .iter()
        .all(|p| p.method == TenderMethod::Card)
    {
        TenderMethod::Card
    } else {
        TenderMethod::Cash
    };
    let at = ts(now);
    // The drawer's shift the money leaves from, if one is open.
    let shift_id = crate::shifts::open_shift(tx, settings, false)?;
    let refund_id = uuid::Uuid::now_v7().to_string();
    let mut lines = Vec::new();
    let mut products = Vec::new();
    for (i, l) in order.lines.iter().enumerate() {
        let k = take[i];
        if k == 0 {
            continue;
        }
        // Re-read the refunded quantity inside the transaction: another
        // window may have refunded the same line a moment ago.
        let (refunded, product_id): (i64, i64) = tx.query_row(
            "SELECT refunded_qty, product_id FROM order_lines WHERE order_id = ?1 AND line_no = ?2",
            params![order.id, l.line_no],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if refunded + k > l.qty {
            return Err(Error::Refused(format!(
                "cannot refund {k} x {}: only {} of {} can still be refunded",
                l.sku,
                l.qty - refunded,
                l.qty
            )));
        }
        let amount = share(currency, l.charged, l.qty, refunded, k);
        let tax = share(currency, l.tax, l.qty, refunded, k);
        lines.push(RefundLine {
            line_no: l.line_no,
            sku: l.sku.clone(),
            qty: k,
            amount,
            tax,
        });
        products.push(product_id);
    }
    let amount = currency.round(lines.iter().map(|l| l.amount).sum());
    let tax = currency.round(lines.iter().map(|l| l.tax).sum());
    tx.execute(
        "INSERT INTO refunds (id, order_id, idempotency_key, amount, tax, method, cashier, created_at, request, shift_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![refund_id, order.id, key, amount.to_string(), tax.to_string(), method.as_str(), user, at, request, shift_id],
    )?;
    let mut stmt = tx.prepare_cached("INSERT INTO refund_lines (refund_id, line_no, qty, amount, tax) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for (l, product_id) in lines.iter().zip(&products) {
        stmt.execute(params![
            refund_id,
            l.line_no,
            l.qty,
            l.amount.to_string(),
            l.tax.to_string()
        ])?;
        tx.execute(
            "UPDATE order_lines SET refunded_qty = refunded_qty + ?1 WHERE order_id = ?2 AND line_no = ?3",
            params![l.qty, order.id, l.line_no],
        )?;
        // A kit's components go back on the shelf, not the kit.
        for (part, per, _) in crate::kits::stock_parts(tx, *product_id)? {
            insert_movement(
                tx,
                part,
                MovementKind::Refund,
                l.qty * per,
                None,
                user,
                &at,
                Some(&order.id),
                Some(&refund_id),
            )?;
        }
    }
    drop(stmt);
    crate::referrals::reverse_for_refund(tx, currency, now, &order.id, &refund_id)?;
    let refund = load_refund(tx, &refund_id)?;
    outbox::push(tx, now, &refund.event_payload())?;
    crate::audit::record(
        tx,
        auth,
        now,
        "refund",
        Some(&order.id),
        serde_json::json!({
            "refund_id": refund_id,
            "number": order.number,
            "amount": amount.to_string(),
            "tax": tax.to_string(),
            "method": method.as_str(),
            "items": lines.iter().map(|l| serde_json::json!([l.sku, l.qty])).collect::<Vec<_>>(),
        }),
    )?;
    Ok(refund)
}

/// One product's sales in a period (the advanced report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ProductSales {
    pub sku: String,
    pub name: String,
    /// Units sold, less units refunded.
    pub units: i64,
    /// Net revenue (after discounts, before tax), less refunds.
    pub net: Decimal,
    pub orders: i64,
}

impl Store {
    /// Sales per product in [from, to), best sellers first: the
    /// `advanced_reporting` feature.
    pub fn product_sales(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ProductSales>> {
        self.require(Permission::Reports)?;
        self.require_feature("advanced_reporting")?;
        let mut stmt = self.conn.prepare(
            "SELECT l.sku, l.name, l.qty, l.refunded_qty, l.net, l.order_id FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.created_at >= ?1 AND o.created_at < ?2",
        )?;
        let mut by: std::collections::BTreeMap<
            String,
            (ProductSales, std::collections::HashSet<String>),
        > = Default::default();
        let rows = stmt.query_map(params![ts(from), ts(to)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                dec_col(r, 4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let currency = &self.settings.currency;
        for row in rows {
            let (sku, name, qty, refunded, net, order) = row?;
            let e = by.entry(sku.clone()).or_insert_with(|| {
                (
                    ProductSales {
                        sku,
                        name,
                        units: 0,
                        net: Decimal::ZERO,
                        orders: 0,
                    },
                    Default::default(),
                )
            });
            e.0.units += qty - refunded;
            // The refunded share of the line's net, in proportion.
            let kept = if qty > 0 {
                net * Decimal::from(qty - refunded) / Decimal::from(qty)
            } else {
                Decimal::ZERO
            };
            e.0.net += kept;
            e.1.insert(order);
        }
        let mut out: Vec<ProductSales> = by
            .into_values()
            .map(|(mut p, orders)| {
                p.net = currency.round(p.net);
                p.orders = orders.len() as i64;
                p
            })
            .collect();
        out.sort_by(|a, b| b.net.cmp(&a.net).then(a.sku.cmp(&b.sku)));
        Ok(out)
    }
}
