//! Cash-drawer shifts: a shift opens with a float, takes cash in and out
//! with a reason, and closes with the cash counted.
//!
//! A shift belongs to a till (the settings' `device_id`); a till has at
//! most one open shift (a unique index says so too). The sale and the
//! refund committed while it is open carry its id (`open_shift`, called
//! inside their transactions by `checkout` and `orders`, above this
//! module), so the X report (the open shift, now) and the Z report (at the
//! close) are sums over rows that never change: its orders, their
//! payments, its refunds and its cash movements. Nothing is a running
//! total. Closing stores the Z report as it was, and a closed shift shows
//! that stored report from then on (triggers keep a closed shift, and what
//! it holds, as it was).
//!
//! The cash a sale leaves in the drawer is its cash payments less the
//! change given (change is only ever cash); a refund gives its amount back
//! in the way `orders` chose (cash, or card when the order was paid by
//! card only).

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::error::{Error, Result};
use crate::input::{Field, TextKind};
use crate::roles::Permission;
use crate::settings::Settings;
use crate::store::{new_id, ts, Store};
use crate::stored::{decimal as dec_col, opt_decimal, opt_time, time as time_col};

/// A shift as listed: who opened it with what, and its close.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Shift {
    pub id: String,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    /// The cash in the drawer when the shift opened.
    pub float: Decimal,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The cash counted at the close.
    pub counted: Option<Decimal>,
}

/// Cash put into the drawer or taken out of it, other than by a sale or a
/// refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum CashMove {
    In,
    Out,
}

impl CashMove {
    pub fn as_str(self) -> &'static str {
        match self {
            CashMove::In => "in",
            CashMove::Out => "out",
        }
    }
}

impl std::str::FromStr for CashMove {
    type Err = Error;
    fn from_str(s: &str) -> Result<CashMove> {
        match s.trim().to_ascii_lowercase().as_str() {
            "in" => Ok(CashMove::In),
            "out" => Ok(CashMove::Out),
            _ => Err(Error::invalid(
                Field::CashAmount,
                format!("{s:?} is neither in nor out"),
            )),
        }
    }
}

/// One cash movement of a shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CashMovement {
    pub kind: CashMove,
    pub amount: Decimal,
    pub reason: String,
    pub cashier: String,
    pub at: DateTime<Utc>,
}

/// One cashier's part of a shift: the sales and refunds they rang up and
/// the cash they moved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CashierTotals {
    pub cashier: String,
    pub cash_sales: Decimal,
    pub cash_refunds: Decimal,
    pub cash_in: Decimal,
    pub cash_out: Decimal,
    pub card_sales: Decimal,
    pub card_refunds: Decimal,
    pub orders: i64,
    pub refunds: i64,
    pub discounts: Decimal,
    pub tax: Decimal,
    pub net: Decimal,
}

/// The X report of an open shift (as of now) or the Z report of a closed
/// one (as it was at the close, with the count and the variance).
///
/// * `expected_cash` = float + cash sales - cash refunds + cash in - cash out;
/// * `cash_sales`: cash taken less change given; `card_sales`: card payments;
/// * `discounts`: the discounts the shift's sales gave (bundles included);
/// * `tax`: the tax of its sales less the tax its refunds gave back;
/// * `net`: its sales after discounts, before tax, less its refunds the
///   same way (so `net + tax` = sales - refunds);
/// * `variance` = counted - expected (negative: cash is missing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ShiftReport {
    pub id: String,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub float: Decimal,
    pub cash_sales: Decimal,
    pub cash_refunds: Decimal,
    pub cash_in: Decimal,
    pub cash_out: Decimal,
    pub expected_cash: Decimal,
    pub card_sales: Decimal,
    pub card_refunds: Decimal,
    /// Sales committed in the shift.
    pub orders: i64,
    /// Refunds given in the shift (of orders of any shift).
    pub refunds: i64,
    pub discounts: Decimal,
    pub tax: Decimal,
    pub net: Decimal,
    /// By cashier, in name order.
    pub per_cashier: Vec<CashierTotals>,
    /// The cash movements, oldest first.
    pub cash_moves: Vec<CashMovement>,
    pub counted: Option<Decimal>,
    pub variance: Option<Decimal>,
}

const SHIFT_COLUMNS: &str = "id, opened_by, opened_at, float, closed_by, closed_at, counted";

fn shift_from_row(r: &rusqlite::Row) -> rusqlite::Result<Shift> {
    Ok(Shift {
        id: r.get(0)?,
        opened_by: r.get(1)?,
        opened_at: time_col(r, 2)?,
        float: dec_col(r, 3)?,
        closed_by: r.get(4)?,
        closed_at: opt_time(r, 5)?,
        counted: opt_decimal(r, 6)?,
    })
}

/// The id of the shift open on this till, if one is.
fn open_shift_id(conn: &Connection, device_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM shifts WHERE device_id = ?1 AND closed_at IS NULL")?
        .query_row([device_id], |r| r.get(0))
        .optional()?)
}

fn open_shift_row(conn: &Connection, device_id: &str) -> Result<Option<Shift>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {SHIFT_COLUMNS} FROM shifts WHERE device_id = ?1 AND closed_at IS NULL"
        ))?
        .query_row([device_id], shift_from_row)
        .optional()?)
}

fn no_open_shift() -> Error {
    Error::NoShift("no shift is open on this till; open one with its float first".into())
}

/// The shift a sale or refund being committed belongs to: the one open on
/// this till, if any. Called inside the sale's (or refund's) transaction.
/// With the store's `require_shift` setting, a sale with no open shift is
/// refused (`sale` true); a refund is never refused for it.
pub(crate) fn open_shift(
    conn: &Connection,
    settings: &Settings,
    sale: bool,
) -> Result<Option<String>> {
    let id = open_shift_id(conn, &settings.device_id)?;
    if id.is_none() && sale && settings.require_shift {
        return Err(Error::NoShift(
            "this store sells only during a shift, and no shift is open on this till; open one with its float first".into(),
        ));
    }
    Ok(id)
}

/// The figures of a shift, summed from its rows.
fn compute(conn: &Connection, shift: &Shift, settings: &Settings) -> Result<ShiftReport> {
    let currency = &settings.currency;
    let mut by: BTreeMap<String, CashierTotals> = BTreeMap::new();
    fn entry<'a>(by: &'a mut BTreeMap<String, CashierTotals>, who: &str) -> &'a mut CashierTotals {
        by.entry(who.to_string()).or_insert_with(|| CashierTotals {
            cashier: who.to_string(),
            ..Default::default()
        })
    }
    // Sales: their totals, then their payments (change is only ever cash).
    let mut stmt = conn.prepare_cached(
        "SELECT cashier, discount, tax, total, change FROM orders WHERE shift_id = ?1",
    )?;
    let orders = stmt
        .query_map([&shift.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                dec_col(r, 1)?,
                dec_col(r, 2)?,
                dec_col(r, 3)?,
                dec_col(r, 4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (cashier, discount, tax, total, change) in orders {
        let t = entry(&mut by, &cashier);
        t.cash_sales -= change;
        t.orders += 1;
        t.discounts += discount;
        t.tax += tax;
        t.net += total - tax;
    }
    let mut stmt = conn.prepare_cached(
        "SELECT o.cashier, p.method, p.amount FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE o.shift_id = ?1",
    )?;
    let payments = stmt
        .query_map([&shift.id], |r| {
            Ok((r.get::<_, String>(0)?, paid_in_cash(r, 1)?, dec_col(r, 2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (cashier, cash, amount) in payments {
        let t = entry(&mut by, &cashier);
        if cash {
            t.cash_sales += amount;
        } else {
            t.card_sales += amount;
        }
    }
    // Refunds given during the shift.
    let mut stmt = conn
        .prepare_cached("SELECT cashier, method, amount, tax FROM refunds WHERE shift_id = ?1")?;
    let refunds = stmt
        .query_map([&shift.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                paid_in_cash(r, 1)?,
                dec_col(r, 2)?,
                dec_col(r, 3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (cashier, cash, amount, tax) in refunds {
        let t = entry(&mut by, &cashier);
        if cash {
            t.cash_refunds += amount;
        } else {
            t.card_refunds += amount;
        }
        t.refunds += 1;
        t.tax -= tax;
        t.net -= amount - tax;
    }
    let cash_moves = cash_movements(conn, &shift.id)?;
    for m in &cash_moves {
        let t = entry(&mut by, &m.cashier);
        match m.kind {
            CashMove::In => t.cash_in += m.amount,
            CashMove::Out => t.cash_out += m.amount,
        }
    }
    let per_cashier: Vec<CashierTotals> = by
        .into_values()
        .map(|t| CashierTotals {
            cash_sales: currency.round(t.cash_sales),
            cash_refunds: currency.round(t.cash_refunds),
            cash_in: currency.round(t.cash_in),
            cash_out: currency.round(t.cash_out),
            card_sales: currency.round(t.card_sales),
            card_refunds: currency.round(t.card_refunds),
            discounts: currency.round(t.discounts),
            tax: currency.round(t.tax),
            net: currency.round(t.net),
            ..t
        })
        .collect();
    let sum = |f: fn(&CashierTotals) -> Decimal| -> Decimal {
        currency.round(per_cashier.iter().map(f).sum())
    };
    let float = currency.round(shift.float);
    let cash_sales = sum(|t| t.cash_sales);
    let cash_refunds = sum(|t| t.cash_refunds);
    let cash_in = sum(|t| t.cash_in);
    let cash_out = sum(|t| t.cash_out);
    let expected_cash = currency.round(float + cash_sales - cash_refunds + cash_in - cash_out);
    let counted = shift.counted.map(|c| currency.round(c));
    Ok(ShiftReport {
        id: shift.id.clone(),
        opened_by: shift.opened_by.clone(),
        opened_at: shift.opened_at,
        closed_by: shift.closed_by.clone(),
        closed_at: shift.closed_at,
        float,
        cash_sales,
        cash_refunds,
        cash_in,
        cash_out,
        expected_cash,
        card_sales: sum(|t| t.card_sales),
        card_refunds: sum(|t| t.card_refunds),
        orders: per_cashier.iter().map(|t| t.orders).sum(),
        refunds: per_cashier.iter().map(|t| t.refunds).sum(),
        discounts: sum(|t| t.discounts),
        tax: sum(|t| t.tax),
        net: sum(|t| t.net),
        per_cashier,
        cash_moves,
        counted,
        variance: counted.map(|c| currency.round(c - expected_cash)),
    })
}

/// Whether a stored payment or refund method (`cash` or `card`, the words
/// of `orders::TenderMethod`, a layer above) is cash.
fn paid_in_cash(r: &rusqlite::Row, idx: usize) -> rusqlite::Result<bool> {
    crate::stored::parse_with(r, idx, |s| match s {
        "cash" => Ok(true),
        "card" => Ok(false),
        _ => Err("which is neither cash nor card".to_string()),
    })
}

fn cash_movements(conn: &Connection, shift_id: &str) -> Result<Vec<CashMovement>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, amount, reason, cashier, created_at FROM shift_cash WHERE shift_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([shift_id], |r| {
        Ok(CashMovement {
            kind: crate::stored::parse_with(r, 1, |s| match s {
                "in" => Ok(CashMove::In),
                "out" => Ok(CashMove::Out),
                _ => Err("which is neither in nor out".to_string()),
            })?,
            amount: dec_col(r, 2)?,
            reason: r.get(3)?,
            cashier: r.get(4)?,
            at: time_col(r, 5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A Z report as a closed shift keeps it (JSON).
pub(crate) fn parse_report(text: &str) -> std::result::Result<ShiftReport, String> {
    serde_json::from_str::<ShiftReport>(text)
        .map_err(|_| "which is not a shift report Till can read".to_string())
}

/// The Z report a closed shift keeps.
fn stored_report(conn: &Connection, id: &str) -> Result<ShiftReport> {
    conn.prepare_cached("SELECT id, report FROM shifts WHERE id = ?1")?
        .query_row([id], |r| crate::stored::parse_with(r, 1, parse_report))
        .map_err(Error::from)
}

impl Store {
    /// Checks an amount of cash given for a shift: it fits the currency
    /// and is not negative (the float, the count), or, for a cash
    /// movement, greater than zero.
    fn check_cash(&self, field: Field, amount: Decimal, positive: bool) -> Result<Decimal> {
        let amount = self.check_amount(field, amount)?;
        if positive && amount.is_zero() {
            return Err(Error::invalid(field, "must be greater than zero"));
        }
        Ok(amount)
    }

    /// Opens a shift on this till with `float` in the drawer. Refused while
    /// a shift is open here.
    pub fn shift_open(&mut self, float: Decimal) -> Result<Shift> {
        let auth = self.require(Permission::OpenShift)?;
        let float = self.check_cash(Field::Float, float, false)?;
        // To the millisecond, as the store keeps times.
        let now = self.now().trunc_subsecs(3);
        let user = self.user().to_string();
        let device = self.settings.device_id.clone();
        let tx = self.write_tx()?;
        if let Some(open) = open_shift_row(&tx, &device)? {
            return Err(Error::Conflict(format!(
                "a shift is already open on this till (opened by {} at {}); close it first",
                open.opened_by,
                ts(open.opened_at)
            )));
        }
        let shift = Shift {
            id: new_id(),
            opened_by: user,
            opened_at: now,
            float,
            closed_by: None,
            closed_at: None,
            counted: None,
        };
        tx.execute(
            "INSERT INTO shifts (id, device_id, opened_by, opened_at, float) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![shift.id, device, shift.opened_by, ts(now), float.to_string()],
        )?;
        audit::record(
            &tx,
            &auth,
            now,
            "shift.open",
            Some(&shift.id),
            serde_json::json!({ "float": float.to_string() }),
        )?;
        tx.commit()?;
        Ok(shift)
    }

    /// Puts cash into the drawer or takes it out, with the reason, during
    /// the open shift. Returns the X report after it.
    pub fn shift_cash(
        &mut self,
        kind: CashMove,
        amount: Decimal,
        reason: &str,
    ) -> Result<ShiftReport> {
        let auth = self.require(Permission::CashInOut)?;
        let amount = self.check_cash(Field::CashAmount, amount, true)?;
        let reason = crate::input::text(Field::Reason, reason, TextKind::Note)?;
        let now = self.now();
        let user = self.user().to_string();
        let settings = self.settings.clone();
        let tx = self.write_tx()?;
        let shift = open_shift_row(&tx, &settings.device_id)?.ok_or_else(no_open_shift)?;
        tx.execute(
            "INSERT INTO shift_cash (shift_id, kind, amount, reason, cashier, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![shift.id, kind.as_str(), amount.to_string(), reason, user, ts(now)],
        )?;
        audit::record(
            &tx,
            &auth,
            now,
            "shift.cash",
            Some(&shift.id),
            serde_json::json!({
                "kind": kind.as_str(),
                "amount": amount.to_string(),
                "reason": reason,
            }),
        )?;
        let report = compute(&tx, &shift, &settings)?;
        tx.commit()?;
        Ok(report)
    }

    /// The X report of the shift open on this till: for whoever may run
    /// the drawer (it is what a cash movement answers with too).
    pub fn shift_status(&self) -> Result<ShiftReport> {
        self.require(Permission::OpenShift)?;
        let shift =
            open_shift_row(&self.conn, &self.settings.device_id)?.ok_or_else(no_open_shift)?;
        compute(&self.conn, &shift, &self.settings)
    }

    /// Closes the shift open on this till with the cash counted in the
    /// drawer; returns its Z report, which is kept as it is now.
    pub fn shift_close(&mut self, counted: Decimal) -> Result<ShiftReport> {
        let auth = self.require(Permission::CloseShift)?;
        let counted = self.check_cash(Field::Counted, counted, false)?;
        let now = self.now().trunc_subsecs(3);
        let user = self.user().to_string();
        let settings = self.settings.clone();
        let tx = self.write_tx()?;
        let mut shift = open_shift_row(&tx, &settings.device_id)?.ok_or_else(no_open_shift)?;
        shift.closed_by = Some(user);
        shift.closed_at = Some(now);
        shift.counted = Some(counted);
        let report = compute(&tx, &shift, &settings)?;
        let text = serde_json::to_string(&report).map_err(|e| Error::Internal(e.to_string()))?;
        tx.execute(
            "UPDATE shifts SET closed_by = ?1, closed_at = ?2, counted = ?3, report = ?4 WHERE id = ?5 AND closed_at IS NULL",
            params![shift.closed_by, ts(now), counted.to_string(), text, shift.id],
        )?;
        audit::record(
            &tx,
            &auth,
            now,
            "shift.close",
            Some(&shift.id),
            serde_json::json!({
                "counted": report.counted.map(|c| c.to_string()),
                "expected_cash": report.expected_cash.to_string(),
                "variance": report.variance.map(|v| v.to_string()),
            }),
        )?;
        tx.commit()?;
        Ok(report)
    }

    /// Every shift of this store, newest first (a report: managers).
    pub fn shifts(&self) -> Result<Vec<Shift>> {
        self.require(Permission::Reports)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SHIFT_COLUMNS} FROM shifts ORDER BY opened_at DESC, rowid DESC"
        ))?;
        let rows = stmt.query_map([], shift_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// A shift's report: the Z report kept at its close, or, for a shift
    /// still open, its X report now (a report: managers).
    pub fn shift_report(&self, id: &str) -> Result<ShiftReport> {
        self.require(Permission::Reports)?;
        let id = id.trim();
        let shift = self
            .conn
            .prepare_cached(&format!("SELECT {SHIFT_COLUMNS} FROM shifts WHERE id = ?1"))?
            .query_row([id], shift_from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("shift", id))?;
        if shift.closed_at.is_some() {
            stored_report(&self.conn, id)
        } else {
            compute(&self.conn, &shift, &self.settings)
        }
    }
}
