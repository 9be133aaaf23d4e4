//! `report_rollup`: sums per local day (and hour) and dimension, folded
//! from the orders and refunds in the order they were written.
//!
//! The sale never writes here: a report first catches the sums up with
//! what was written since the last one (`report_state`'s watermarks are the
//! last order and refund rowid folded in; SQLite gives a new row the
//! highest rowid yet, and one writer at a time commits, so every row past
//! a watermark is new). The part days at the ends of a period are folded
//! from the raw rows by the same functions, so the two always agree. A
//! change of time zone moves every local day: the sums are then built
//! again from scratch.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::money::Currency;
use crate::store::{ts, Store};
use crate::stored::{decimal, opt_decimal, text, time};
use crate::tax::TaxMode;

/// Orders (and refunds) folded per transaction while catching up, so a
/// rebuild of years of history never holds the write lock for long.
const CHUNK: i64 = 20_000;

/// Sums of one cell; amounts in ten-thousandths of the currency unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sums {
    pub orders: i64,
    pub items: i64,
    pub gross: i64,
    pub discounts: i64,
    pub refunds: i64,
    pub tax: i64,
    pub refund_tax: i64,
    pub cost: i64,
    pub base: i64,
    pub tax_included: i64,
    pub estimated: i64,
}

impl std::ops::AddAssign for Sums {
    fn add_assign(&mut self, o: Sums) {
        self.orders += o.orders;
        self.items += o.items;
        self.gross += o.gross;
        self.discounts += o.discounts;
        self.refunds += o.refunds;
        self.tax += o.tax;
        self.refund_tax += o.refund_tax;
        self.cost += o.cost;
        self.base += o.base;
        self.tax_included += o.tax_included;
        self.estimated += o.estimated;
    }
}

/// One cell: a dimension's key on a local day (and hour, for `time` and
/// `flash`; 0 for the others).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Cell {
    pub dim: &'static str,
    pub day: NaiveDate,
    pub hour: u32,
    pub key: String,
}

pub(crate) type Facts = HashMap<Cell, Sums>;

pub(crate) const TIME: &str = "time";
pub(crate) const PRODUCT: &str = "product";
pub(crate) const CATEGORY: &str = "category";
pub(crate) const CASHIER: &str = "cashier";
pub(crate) const TENDER: &str = "tender";
pub(crate) const CUSTOMER: &str = "customer";
pub(crate) const TAX: &str = "tax";
pub(crate) const PRICING: &str = "pricing";
pub(crate) const MEMBER: &str = "member";
pub(crate) const FLASH: &str = "flash";

/// An amount as the sums keep it. Amounts reaching the sums are rounded to
/// the currency's minor unit (at most 4 places), so this is exact.
pub(crate) fn e4(d: Decimal) -> Result<i64> {
    let scaled = d * Decimal::from(10_000);
    if scaled.fract() != Decimal::ZERO {
        return Err(Error::Internal(format!(
            "{d} has more than four decimal places"
        )));
    }
    i64::try_from(scaled)
        .map_err(|_| Error::Internal(format!("{d} is too large for the report's sums")))
}

/// Back from ten-thousandths, at the currency's scale.
pub(crate) fn amount(v: i64, currency: &Currency) -> Decimal {
    currency.round(Decimal::new(v, 4))
}

/// Which rows to fold.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Span {
    /// rowid in (after, upto].
    Rowids(i64, i64),
    /// created_at in [from, to).
    Times(DateTime<Utc>, DateTime<Utc>),
}

impl Span {
    fn filter(self, table: &str) -> (String, [String; 2]) {
        match self {
            Span::Rowids(a, b) => (
                format!("{table}.rowid > ?1 AND {table}.rowid <= ?2"),
                [a.to_string(), b.to_string()],
            ),
            Span::Times(f, t) => (
                format!("{table}.created_at >= ?1 AND {table}.created_at < ?2"),
                [ts(f), ts(t)],
            ),
        }
    }
}

fn local(tz: Tz, at: DateTime<Utc>) -> (NaiveDate, u32) {
    let l = at.with_timezone(&tz);
    (l.date_naive(), l.hour())
}

fn rate_key(rate: Decimal) -> String {
    rate.normalize().to_string()
}

/// Adds one order's cells to `facts`, each order counted once per cell.
struct OrderFold<'a> {
    facts: &'a mut Facts,
    seen: HashSet<Cell>,
}

impl OrderFold<'_> {
    fn add(&mut self, cell: Cell, sums: Sums) {
        *self.facts.entry(cell.clone()).or_default() += sums;
        self.seen.insert(cell);
    }

    fn finish_order(&mut self) {
        for cell in self.seen.drain() {
            if let Some(s) = self.facts.get_mut(&cell) {
                s.orders += 1;
            }
        }
    }
}

/// Folds the sales in `span` into `facts`.
pub(crate) fn fold_sales(
    conn: &Connection,
    tz: Tz,
    currency: &Currency,
    span: Span,
    facts: &mut Facts,
) -> Result<()> {
    let (filter, args) = span.filter("o");
    // How each order was paid: cash, card or both.
    let mut tenders: HashMap<i64, String> = HashMap::new();
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT o.rowid, p.method FROM orders o JOIN payments p ON p.order_id = o.id WHERE {filter}"
        ))?;
        let mut rows = stmt.query(params![args[0], args[1]])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let method = text(r, 1)?;
            let e = tenders.entry(id).or_default();
            // Cash first: `cash`, `card` or `cash+card`.
            *e = match (e.as_str(), method.as_str()) {
                ("", m) => m.to_string(),
                (prev, m) if prev == m || prev == "cash+card" => prev.to_string(),
                _ => "cash+card".to_string(),
            };
        }
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT o.rowid, o.created_at, o.cashier, o.customer_id, o.tax_mode,
                l.product_id, l.qty, l.unit_price, l.gross, l.discount, l.net, l.tax_rate, l.tax,
                l.base_price, l.unit_cost, l.flash_sale_id, l.flash_off, l.member_off,
                p.category, p.price, p.cost
         FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
         WHERE {filter} ORDER BY o.rowid, l.line_no"
    ))?;
    let mut rows = stmt.query(params![args[0], args[1]])?;
    let mut fold = OrderFold {
        facts,
        seen: HashSet::new(),
    };
    let mut current: Option<i64> = None;
    while let Some(r) = rows.next()? {
        let order: i64 = r.get(0)?;
        if current != Some(order) {
            fold.finish_order();
            current = Some(order);
        }
        let (day, hour) = local(tz, time(r, 1)?);
        let cashier = text(r, 2)?;
        let customer: Option<String> = r.get(3)?;
        let mode = crate::stored::enum_col::<TaxMode>(r, 4)?;
        let product_id: i64 = r.get(5)?;
        let qty: i64 = r.get(6)?;
        let unit_price = decimal(r, 7)?;
        let gross = decimal(r, 8)?;
        let discount = decimal(r, 9)?;
        let net = decimal(r, 10)?;
        let rate = decimal(r, 11)?;
        let tax = decimal(r, 12)?;
        let recorded_base = opt_decimal(r, 13)?;
        let recorded_cost = opt_decimal(r, 14)?;
        let flash: Option<i64> = r.get(15)?;
        let flash_off = opt_decimal(r, 16)?.unwrap_or_default();
        let member_off = opt_decimal(r, 17)?.unwrap_or_default();
        let category: Option<String> = r.get(18)?;
        let (base_price, unit_cost, estimated) = match recorded_base {
            Some(b) => (b, recorded_cost.unwrap_or_default(), 0),
            // Sold before lines kept their price and cost: today's.
            None => (decimal(r, 19)?, opt_decimal(r, 20)?.unwrap_or_default(), 1),
        };
        let q = Decimal::from(qty);
        let inclusive = mode == TaxMode::Inclusive;
        let line = Sums {
            items: qty,
            gross: e4(gross)?,
            discounts: e4(discount)?,
            tax: e4(tax)?,
            cost: e4(currency.round(unit_cost * q))?,
            base: e4(currency.round(base_price * q))?,
            tax_included: if inclusive { e4(tax)? } else { 0 },
            estimated,
            ..Sums::default()
        };
        let cell = |dim: &'static str, hour: u32, key: String| Cell {
            dim,
            day,
            hour,
            key,
        };
        fold.add(cell(TIME, hour, String::new()), line);
        fold.add(cell(PRODUCT, 0, product_id.to_string()), line);
        fold.add(cell(CATEGORY, 0, category.unwrap_or_default()), line);
        fold.add(cell(CASHIER, 0, cashier), line);
        let tender = tenders.get(&order).cloned().unwrap_or_default();
        fold.add(cell(TENDER, 0, tender), line);
        if let Some(c) = customer {
            fold.add(cell(CUSTOMER, 0, c), line);
        }
        let taxable = if inclusive { net - tax } else { net };
        fold.add(
            cell(TAX, 0, rate_key(rate)),
            Sums {
                gross: e4(taxable)?,
                tax: e4(tax)?,
                ..Sums::default()
            },
        );
        if estimated == 0 && unit_price != base_price {
            let key = if unit_price > base_price {
                "above"
            } else {
                "below"
            };
            fold.add(cell(PRICING, 0, key.into()), line);
        }
        if member_off > Decimal::ZERO {
            fold.add(
                cell(MEMBER, 0, String::new()),
                Sums {
                    discounts: e4(currency.round(member_off * q))?,
                    ..line
                },
            );
        }
        if let Some(id) = flash {
            fold.add(
                cell(FLASH, hour, id.to_string()),
                Sums {
                    discounts: e4(currency.round(flash_off * q))?,
                    ..line
                },
            );
        }
    }
    fold.finish_order();
    Ok(())
}

/// Folds the refunds in `span` into `facts`, on the refund's day: units and
/// cost come off, the refunded amount is counted apart.
pub(crate) fn fold_refunds(
    conn: &Connection,
    tz: Tz,
    currency: &Currency,
    span: Span,
    facts: &mut Facts,
) -> Result<()> {
    let (filter, args) = span.filter("r");
    let mut stmt = conn.prepare(&format!(
        "SELECT r.created_at, r.cashier, r.method, o.customer_id, o.tax_mode,
                rl.qty, rl.amount, rl.tax, l.product_id, l.tax_rate, l.base_price, l.unit_cost,
                p.category, p.cost
         FROM refunds r JOIN refund_lines rl ON rl.refund_id = r.id
         JOIN orders o ON o.id = r.order_id
         JOIN order_lines l ON l.order_id = r.order_id AND l.line_no = rl.line_no
         JOIN products p ON p.id = l.product_id
         WHERE {filter}"
    ))?;
    let mut rows = stmt.query(params![args[0], args[1]])?;
    while let Some(r) = rows.next()? {
        let (day, hour) = local(tz, time(r, 0)?);
        let cashier = text(r, 1)?;
        let method = text(r, 2)?;
        let customer: Option<String> = r.get(3)?;
        let inclusive = crate::stored::enum_col::<TaxMode>(r, 4)? == TaxMode::Inclusive;
        let qty: i64 = r.get(5)?;
        let amount_back = decimal(r, 6)?;
        let tax = decimal(r, 7)?;
        let product_id: i64 = r.get(8)?;
        let rate = decimal(r, 9)?;
        let unit_cost = match opt_decimal(r, 10)? {
            Some(_) => opt_decimal(r, 11)?.unwrap_or_default(),
            None => opt_decimal(r, 13)?.unwrap_or_default(),
        };
        let category: Option<String> = r.get(12)?;
        // What was given back, as the sale priced it: without the tax that
        // was added on top, with the tax that was inside the price.
        let priced = if inclusive {
            amount_back
        } else {
            amount_back - tax
        };
        let sums = Sums {
            items: -qty,
            refunds: e4(priced)?,
            refund_tax: e4(tax)?,
            cost: -e4(currency.round(unit_cost * Decimal::from(qty)))?,
            tax_included: if inclusive { -e4(tax)? } else { 0 },
            ..Sums::default()
        };
        let mut add = |dim: &'static str, hour: u32, key: String, s: Sums| {
            *facts
                .entry(Cell {
                    dim,
                    day,
                    hour,
                    key,
                })
                .or_default() += s;
        };
        add(TIME, hour, String::new(), sums);
        add(PRODUCT, 0, product_id.to_string(), sums);
        add(CATEGORY, 0, category.unwrap_or_default(), sums);
        add(CASHIER, 0, cashier, sums);
        add(TENDER, 0, method, sums);
        if let Some(c) = customer {
            add(CUSTOMER, 0, c, sums);
        }
        add(
            TAX,
            0,
            rate_key(rate),
            Sums {
                refunds: e4(amount_back - tax)?,
                refund_tax: e4(tax)?,
                ..Sums::default()
            },
        );
    }
    Ok(())
}

fn write(conn: &Connection, facts: &Facts) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO report_rollup (dim, day, hour, key, orders, items, gross, discounts, refunds, tax, refund_tax, cost, base, tax_included, estimated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (dim, day, key, hour) DO UPDATE SET
           orders = orders + excluded.orders, items = items + excluded.items, gross = gross + excluded.gross,
           discounts = discounts + excluded.discounts, refunds = refunds + excluded.refunds, tax = tax + excluded.tax,
           refund_tax = refund_tax + excluded.refund_tax, cost = cost + excluded.cost, base = base + excluded.base,
           tax_included = tax_included + excluded.tax_included, estimated = estimated + excluded.estimated",
    )?;
    for (c, s) in facts {
        stmt.execute(params![
            c.dim,
            c.day.to_string(),
            c.hour,
            c.key,
            s.orders,
            s.items,
            s.gross,
            s.discounts,
            s.refunds,
            s.tax,
            s.refund_tax,
            s.cost,
            s.base,
            s.tax_included,
            s.estimated
        ])?;
    }
    Ok(())
}

/// One dimension's cells over whole local days `first..=last`; with
/// `by_key`, summed per key (day and hour then mean nothing).
pub(crate) fn read(
    conn: &Connection,
    dim: &'static str,
    first: NaiveDate,
    last: NaiveDate,
    by_key: bool,
) -> Result<Vec<(Cell, Sums)>> {
    let sums = "SUM(orders), SUM(items), SUM(gross), SUM(discounts), SUM(refunds), SUM(tax), SUM(refund_tax), SUM(cost), SUM(base), SUM(tax_included), SUM(estimated)";
    let sql = if by_key {
        format!("SELECT MIN(day), 0, key, {sums} FROM report_rollup WHERE dim = ?1 AND day >= ?2 AND day <= ?3 GROUP BY key")
    } else {
        format!("SELECT day, hour, key, {sums} FROM report_rollup WHERE dim = ?1 AND day >= ?2 AND day <= ?3 GROUP BY day, hour, key")
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![dim, first.to_string(), last.to_string()], |r| {
        Ok((
            Cell {
                dim,
                day: crate::stored::parse_with(r, 0, crate::stored::parse_date)?,
                hour: r.get(1)?,
                key: r.get(2)?,
            },
            Sums {
                orders: r.get(3)?,
                items: r.get(4)?,
                gross: r.get(5)?,
                discounts: r.get(6)?,
                refunds: r.get(7)?,
                tax: r.get(8)?,
                refund_tax: r.get(9)?,
                cost: r.get(10)?,
                base: r.get(11)?,
                tax_included: r.get(12)?,
                estimated: r.get(13)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Store {
    /// Folds the orders and refunds written since the last report into the
    /// report sums (all of them after a change of time zone). Reports call
    /// it first; bulk imports call it once at the end.
    pub fn report_catch_up(&mut self) -> Result<()> {
        let tz = crate::locale::parse_time_zone(&self.settings.time_zone)?;
        let currency = self.settings.currency.clone();
        let zone_name = self.settings.time_zone.clone();
        // Most reports find nothing new: then they write nothing, and never
        // wait for the write lock a sale may be holding.
        if up_to_date(&self.conn, &zone_name)? {
            return Ok(());
        }
        loop {
            let tx = self.write_tx()?;
            let state: Option<(String, i64, i64)> = tx
                .query_row(
                    "SELECT time_zone, orders_upto, refunds_upto FROM report_state WHERE id = 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let (orders_upto, refunds_upto) = match state {
                Some((zone, o, r)) if zone == zone_name => (o, r),
                _ => {
                    tx.execute("DELETE FROM report_rollup", [])?;
                    (0, 0)
                }
            };
            let max = |table: &str| -> Result<i64> {
                Ok(tx.query_row(
                    &format!("SELECT COALESCE(MAX(rowid), 0) FROM {table}"),
                    [],
                    |r| r.get(0),
                )?)
            };
            let (orders_max, refunds_max) = (max("orders")?, max("refunds")?);
            let orders_to = orders_max.min(orders_upto + CHUNK);
            let refunds_to = refunds_max.min(refunds_upto + CHUNK);
            let mut facts = Facts::new();
            if orders_to > orders_upto {
                fold_sales(
                    &tx,
                    tz,
                    &currency,
                    Span::Rowids(orders_upto, orders_to),
                    &mut facts,
                )?;
            }
            if refunds_to > refunds_upto {
                fold_refunds(
                    &tx,
                    tz,
                    &currency,
                    Span::Rowids(refunds_upto, refunds_to),
                    &mut facts,
                )?;
            }
            write(&tx, &facts)?;
            tx.execute(
                "INSERT INTO report_state (id, time_zone, orders_upto, refunds_upto) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, orders_upto = excluded.orders_upto, refunds_upto = excluded.refunds_upto",
                params![zone_name, orders_to, refunds_to],
            )?;
            tx.commit()?;
            if orders_to == orders_max && refunds_to == refunds_max {
                return Ok(());
            }
        }
    }
}

/// Whether the sums hold every order and refund, in `zone`'s days.
fn up_to_date(conn: &Connection, zone: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT time_zone = ?1
                    AND orders_upto = (SELECT COALESCE(MAX(rowid), 0) FROM orders)
                    AND refunds_upto = (SELECT COALESCE(MAX(rowid), 0) FROM refunds)
             FROM report_state WHERE id = 1",
            [zone],
            |r| r.get::<_, bool>(0),
        )
        .optional()?
        .unwrap_or(false))
}

/// Every cell of `dim` over [from, to): whole local days from the sums,
/// the part days at either end folded from the raw rows. With `by_key`,
/// the whole days' cells come summed per key.
pub(crate) fn gather(
    conn: &Connection,
    tz: Tz,
    currency: &Currency,
    dim: &'static str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    by_key: bool,
) -> Result<Vec<(Cell, Sums)>> {
    let mut all = gather_dims(conn, tz, currency, &[(dim, by_key)], from, to)?;
    Ok(all.pop().unwrap_or_default())
}

/// `gather` for several dimensions (each with its `by_key`), folding the
/// part days' raw rows once for all of them; one list per dimension, in
/// the order asked.
pub(crate) fn gather_dims(
    conn: &Connection,
    tz: Tz,
    currency: &Currency,
    dims: &[(&'static str, bool)],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Vec<(Cell, Sums)>>> {
    let mut out: Vec<Vec<(Cell, Sums)>> = vec![Vec::new(); dims.len()];
    if from >= to {
        return Ok(out);
    }
    let (first_day, _) = local(tz, from);
    let first = if crate::locale::day_start(tz, first_day) == from {
        first_day
    } else {
        first_day.succ_opt().unwrap_or(first_day)
    };
    // `to` lies inside its local day, so the last whole day is the one before.
    let (to_day, _) = local(tz, to);
    let last = to_day.pred_opt().unwrap_or(to_day);
    let mut edges = Vec::new();
    if first <= last {
        for (list, (dim, by_key)) in out.iter_mut().zip(dims) {
            *list = read(conn, dim, first, last, *by_key)?;
        }
        edges.push((from, crate::locale::day_start(tz, first)));
        edges.push((crate::locale::day_start(tz, to_day), to));
    } else {
        edges.push((from, to));
    }
    let mut facts = Facts::new();
    for (f, t) in edges {
        if f < t {
            fold_sales(conn, tz, currency, Span::Times(f, t), &mut facts)?;
            fold_refunds(conn, tz, currency, Span::Times(f, t), &mut facts)?;
        }
    }
    for (cell, sums) in facts {
        if let Some(i) = dims.iter().position(|(d, _)| *d == cell.dim) {
            out[i].push((cell, sums));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_kept_exactly() {
        let eur = Currency::from_code("EUR").unwrap();
        let d: Decimal = "1234.56".parse().unwrap();
        assert_eq!(amount(e4(d).unwrap(), &eur), d);
        assert!(e4("0.00001".parse().unwrap()).is_err());
    }
}
