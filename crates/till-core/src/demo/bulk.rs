//! `till demo history`: years of a shop's sales in minutes, for benchmarks
//! and demos. Orders go through the sale's own commit
//! (`checkout::commit_sale`) and refunds through the refund's
//! (`orders::refund_in`), priced as the till prices them at their moment,
//! so every row is one Till writes; only the transactions are bigger: one
//! per day, holding that day's orders, refunds and deliveries.
//!
//! The shop: open 07:00 to 19:00 in the store's time zone, busiest at 8
//! and at 12, Saturdays and Sundays busier than weekdays, growing slowly
//! over the period; about five lines an order (1 to 12), a few best
//! sellers; cash or card about 40/60, a few split payments; about 15 % of
//! orders for a known customer, some with a discount (never above the
//! threshold a manager must approve); about 2 % partly refunded a few days
//! later. A product about to run out is restocked first (a delivery in
//! the stock ledger). Everything is drawn from one seeded generator, so a
//! seed and a "now" give the same history (ids aside).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use serde::Serialize;

use super::calendar;
use super::counter::{pay, Pay};
use crate::catalog::Product;
use crate::checkout::{PricedLine, SaleInput, SaleLine, SaleRequest, Tender};
use crate::customers::{CustomerKind, NewCustomer};
use crate::error::{Error, Result};
use crate::input::Field;
use crate::inventory::{insert_movement, MovementKind};
use crate::orders::{load_receipt, RefundPlan};
use crate::roles::Permission;
use crate::store::{ts, Clock, Store};
use crate::totals::Discount;

/// The most orders one run makes.
pub const MAX_ORDERS: u64 = 5_000_000;
/// The longest period, in days (ten years).
pub const MAX_DAYS: u32 = 3650;

/// Opening hours, local: the first hour and the hour the doors close.
const OPENS: u32 = 7;
const CLOSES: u32 = 19;

/// Units a delivery brings when a product runs low.
const DELIVERY: i64 = 200;

/// Days between two progress reports.
const PROGRESS_DAYS: u32 = 30;

#[derive(Debug, Clone, Copy)]
pub struct BulkOptions {
    pub orders: u64,
    pub days: u32,
    pub seed: u64,
}

/// What a bulk history made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulkReport {
    pub orders: u64,
    pub lines: u64,
    pub refunds: u64,
    pub days: u32,
    /// The first day's start and the end of the history (RFC 3339).
    pub from: String,
    pub to: String,
}

/// Where a run is, for a progress line.
#[derive(Debug, Clone, Copy)]
pub struct BulkProgress {
    pub day: u32,
    pub days: u32,
    pub date: NaiveDate,
    pub orders: u64,
}

/// `--orders` as typed: 1 to `MAX_ORDERS`.
pub fn parse_orders(text: &str) -> Result<u64> {
    let n = crate::input::whole(Field::Orders, text)?;
    if n < 1 || n as u64 > MAX_ORDERS {
        return Err(Error::invalid(
            Field::Orders,
            format!("{n} must be from 1 to {MAX_ORDERS}"),
        ));
    }
    Ok(n as u64)
}

/// `--days` as typed: 1 to `MAX_DAYS`.
pub fn parse_days(text: &str) -> Result<u32> {
    let n = crate::input::whole(Field::Days, text)?;
    if n < 1 || n > MAX_DAYS as i64 {
        return Err(Error::invalid(
            Field::Days,
            format!("{n} must be from 1 to {MAX_DAYS}"),
        ));
    }
    Ok(n as u32)
}

fn at(tz: Tz, date: NaiveDate, h: u32, m: u32, s: u32) -> Option<DateTime<Utc>> {
    calendar::local(tz, date, NaiveTime::from_hms_opt(h, m, s)?)
}

/// How busy each opening hour is (relative): the morning coffee at 8, lunch
/// at 12.
const HOURS: [(u32, u32); 12] = [
    (7, 5),
    (8, 12),
    (9, 8),
    (10, 6),
    (11, 7),
    (12, 12),
    (13, 10),
    (14, 5),
    (15, 5),
    (16, 6),
    (17, 6),
    (18, 4),
];

/// How busy a day is, relative: weekends more, and the shop grows by half
/// over the period.
fn day_weight(date: NaiveDate, day: u32, days: u32) -> f64 {
    let week = match date.weekday() {
        Weekday::Sat => 1.4,
        Weekday::Sun => 1.25,
        Weekday::Fri => 1.1,
        _ => 1.0,
    };
    week * (1.0 + 0.5 * day as f64 / days.max(1) as f64)
}

/// Orders per day: `total` shared by weight, rounded so they add up.
fn per_day(first: NaiveDate, days: u32, total: u64) -> Vec<u64> {
    let weights: Vec<f64> = (0..days)
        .map(|d| day_weight(first + Days::new(d as u64), d, days))
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut out = Vec::with_capacity(days as usize);
    let (mut acc, mut given) = (0.0, 0u64);
    for w in weights {
        acc += w;
        let upto = ((acc / sum) * total as f64).round() as u64;
        let upto = upto.min(total);
        out.push(upto - given);
        given = upto;
    }
    if let Some(last) = out.last_mut() {
        *last += total - given;
    }
    out
}

enum Event {
    Sale,
    /// An earlier order (id) brought back.
    Refund(String),
}

struct Shop {
    rng: StdRng,
    tz: Tz,
    /// Products on sale (kits left out), best sellers first, with the
    /// running total of their weights and their stock as it goes.
    products: Vec<Product>,
    weights: Vec<f64>,
    customers: Vec<String>,
    cashiers: Vec<String>,
    /// Refunds to come, by day.
    refunds: BTreeMap<u32, Vec<(DateTime<Utc>, String)>>,
}

impl Shop {
    fn pick_product(&mut self) -> usize {
        let total = *self.weights.last().unwrap_or(&1.0);
        let x = self.rng.random_range(0.0..total);
        self.weights
            .partition_point(|w| *w <= x)
            .min(self.products.len() - 1)
    }

    /// The day's order times, in order, within opening hours and before
    /// `end`.
    fn times(&mut self, date: NaiveDate, count: u64, end: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let total: u32 = HOURS.iter().map(|(_, w)| w).sum();
        let mut out = Vec::with_capacity(count as usize);
        let opens = at(self.tz, date, OPENS, 0, 0);
        let mut tries = 0u64;
        while (out.len() as u64) < count {
            tries += 1;
            let mut pick = self.rng.random_range(0..total);
            let mut hour = HOURS[0].0;
            for (h, w) in HOURS {
                if pick < w {
                    hour = h;
                    break;
                }
                pick -= w;
            }
            let t = at(
                self.tz,
                date,
                hour,
                self.rng.random_range(0..60),
                self.rng.random_range(0..60),
            );
            match t {
                Some(t) if t < end => out.push(t),
                // Today before the doors open (or a history ending early in
                // the day): the last hour before `end`.
                _ if tries > 20 * count + 100 || opens.is_none_or(|o| o >= end) => {
                    let left = count - out.len() as u64;
                    out.extend(calendar::just_before(
                        self.tz,
                        end,
                        left as usize,
                        &mut self.rng,
                    ));
                    break;
                }
                _ => {}
            }
        }
        out.sort();
        out
    }
}

/// Makes `options.orders` orders over the last `options.days` days up to
/// the store's clock. A store with no products gets the demo catalog
/// first, one with few customers a few hundred. `progress` hears about
/// every 30th day. Needs the owner (made-up sales in a shop's books).
pub fn bulk_history(
    store: &mut Store,
    options: BulkOptions,
    progress: &mut dyn FnMut(BulkProgress),
) -> Result<BulkReport> {
    store.require(Permission::ManageSettings)?;
    let caller = store.clock();
    // A day's transaction writes megabytes of pages; in SQLite's default
    // page cache (2 MB) they would spill to the WAL before the commit and
    // be written again and again. A bigger cache for the run, put back
    // after it.
    let cache: i64 = store
        .conn
        .query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    store.conn.execute_batch("PRAGMA cache_size = -131072")?;
    let result = run(store, options, progress);
    store.set_clock(caller);
    store
        .conn
        .execute_batch(&format!("PRAGMA cache_size = {cache}"))?;
    result
}

fn run(
    store: &mut Store,
    options: BulkOptions,
    progress: &mut dyn FnMut(BulkProgress),
) -> Result<BulkReport> {
    if options.orders == 0 || options.orders > MAX_ORDERS {
        return Err(Error::invalid(
            Field::Orders,
            format!("{} must be from 1 to {MAX_ORDERS}", options.orders),
        ));
    }
    if options.days == 0 || options.days > MAX_DAYS {
        return Err(Error::invalid(
            Field::Days,
            format!("{} must be from 1 to {MAX_DAYS}", options.days),
        ));
    }
    let auth = store.require(Permission::Refund)?;
    let tz = crate::settings::parse_time_zone(&store.settings().time_zone)?;
    let now = store.now();
    let today = now.with_timezone(&tz).date_naive();
    let first = today - Days::new(options.days as u64 - 1);
    if first.year() < crate::input::FIRST_YEAR {
        return Err(Error::invalid(
            Field::Days,
            format!(
                "{} days before {today} is before {}, the first year a store keeps",
                options.days,
                crate::input::FIRST_YEAR
            ),
        ));
    }
    let morning = at(tz, first, 6, 0, 0).unwrap_or(now);
    let from = at(tz, first, 0, 0, 0).unwrap_or(morning);
    let mut rng = StdRng::seed_from_u64(options.seed);

    // The shop before its first day: a catalog and some regulars.
    store.set_clock(Clock::Fixed(morning.min(now)));
    if store.products(None, false)?.is_empty() {
        super::catalog::seed_catalog(store)?;
    }
    let want = (options.orders / 50).clamp(20, 300) as i64;
    let have: i64 = store.conn.query_row(
        "SELECT count(*) FROM customers WHERE kind = 'customer'",
        [],
        |r| r.get(0),
    )?;
    for i in have..want {
        let name = super::people::bulk_name(i as usize);
        store.add_customer(
            CustomerKind::Customer,
            NewCustomer {
                name,
                ..Default::default()
            },
        )?;
    }
    let customers: Vec<String> = store
        .conn
        .prepare("SELECT id FROM customers WHERE kind = 'customer' AND active = 1 ORDER BY rowid")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut products: Vec<Product> = store
        .products(None, false)?
        .into_iter()
        .filter(|p| !p.kit && p.active)
        .collect();
    if products.is_empty() {
        return Err(Error::Refused(
            "the catalog has nothing to sell but kits: add products first".into(),
        ));
    }
    products.sort_by(|a, b| a.sku.cmp(&b.sku));
    products.shuffle(&mut rng);
    // A few best sellers: Zipf-like weights over a shuffled catalog.
    let mut acc = 0.0;
    let weights = (0..products.len())
        .map(|i| {
            acc += 1.0 / (i as f64 + 1.0).powf(1.1);
            acc
        })
        .collect();
    let staff: i64 = store
        .conn
        .query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?;
    let cashiers = if staff == 0 {
        ["Ana", "Ben", "Chloe", "Dev"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        // A store with staff: the owner signed in, as on every order.
        vec![store.user().to_string()]
    };
    let mut shop = Shop {
        rng,
        tz,
        products,
        weights,
        customers,
        cashiers,
        refunds: BTreeMap::new(),
    };
    let settings = store.settings().clone();
    // No discount a manager would have to approve.
    let discounts: Vec<Decimal> = [5, 10]
        .into_iter()
        .map(Decimal::from)
        .filter(|p| *p <= settings.discount_approval_pct)
        .collect();
    let counts = per_day(first, options.days, options.orders);
    let mut report = BulkReport {
        orders: 0,
        lines: 0,
        refunds: 0,
        days: options.days,
        from: ts(from),
        to: ts(now),
    };
    for (d, count) in counts.into_iter().enumerate() {
        let d = d as u32;
        let date = first + Days::new(d as u64);
        let mut events: Vec<(DateTime<Utc>, Event)> = shop
            .times(date, count, now)
            .into_iter()
            .map(|t| (t, Event::Sale))
            .collect();
        for (t, id) in shop.refunds.remove(&d).unwrap_or_default() {
            if t < now {
                events.push((t, Event::Refund(id)));
            }
        }
        events.sort_by_key(|(t, _)| *t);
        let bundles = store.live_bundles(at(tz, date, 12, 0, 0).unwrap_or(now))?;
        // The day's one transaction (immediate: the write lock at once).
        let tx = rusqlite::Transaction::new_unchecked(
            &store.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        for (t, event) in events {
            let cashier = shop.cashiers[shop.rng.random_range(0..shop.cashiers.len())].clone();
            match event {
                Event::Sale => {
                    let (lines, order_id) = sale(
                        store,
                        &tx,
                        &mut shop,
                        &settings,
                        &bundles,
                        &discounts,
                        (t, &cashier),
                    )?;
                    report.orders += 1;
                    report.lines += lines;
                    // About 2 % come back a few days later.
                    if shop.rng.random_bool(0.02) {
                        let back = d + shop.rng.random_range(1..=4u32);
                        let when = date + Days::new((back - d) as u64);
                        let h = shop.rng.random_range(OPENS..CLOSES);
                        if let Some(bt) = at(tz, when, h, shop.rng.random_range(0..60), 0) {
                            shop.refunds.entry(back).or_default().push((bt, order_id));
                        }
                    }
                }
                Event::Refund(id) => {
                    refund(store, &tx, &mut shop, &settings, &auth, &id, (t, &cashier))?;
                    report.refunds += 1;
                }
            }
        }
        tx.commit()?;
        if (d + 1).is_multiple_of(PROGRESS_DAYS) || d + 1 == options.days {
            progress(BulkProgress {
                day: d + 1,
                days: options.days,
                date,
                orders: report.orders,
            });
        }
    }
    // The reports' sums, ready for the first report.
    store.report_catch_up()?;
    Ok(report)
}

/// One order at `t`: its basket, a delivery of what would run out, its
/// prices now, its payment, committed as the till commits a sale. Returns
/// its number of lines and its id.
#[allow(clippy::too_many_arguments)]
fn sale(
    store: &Store,
    tx: &rusqlite::Connection,
    shop: &mut Shop,
    settings: &crate::settings::Settings,
    bundles: &[crate::bundles::BundleDef],
    discounts: &[Decimal],
    (t, cashier): (DateTime<Utc>, &str),
) -> Result<(u64, String)> {
    let rng = &mut shop.rng;
    // 1 to 12 lines, five on average.
    let n = 1 + (0..11).filter(|_| rng.random_bool(0.36)).count();
    let n = n.min(shop.products.len());
    // n different products: a best seller drawn twice is drawn again (a
    // few tries, so a small catalog still ends).
    let mut picked: Vec<(usize, i64)> = Vec::with_capacity(n);
    let mut tries = 0;
    while picked.len() < n && tries < 20 * n {
        tries += 1;
        let i = shop.pick_product();
        if picked.iter().any(|(j, _)| *j == i) {
            continue;
        }
        let qty = match shop.rng.random_range(0..10) {
            0..=6 => 1,
            7..=8 => 2,
            _ => 3,
        };
        picked.push((i, qty));
    }
    let rng = &mut shop.rng;
    let customer = if rng.random_bool(0.15) && !shop.customers.is_empty() {
        Some(shop.customers[rng.random_range(0..shop.customers.len())].clone())
    } else {
        None
    };
    let at_text = ts(t);
    // What would run out is delivered first.
    for (i, qty) in &picked {
        let p = &mut shop.products[*i];
        if p.on_hand < *qty && !settings.allow_negative_stock {
            let more = DELIVERY.max(*qty - p.on_hand);
            insert_movement(
                tx,
                p.id,
                MovementKind::Restock,
                more,
                Some("delivery"),
                cashier,
                &at_text,
                None,
                None,
            )?;
            p.on_hand += more;
        }
    }
    // Prices as the till would quote them now: stock-level rules see the
    // stock as it is (rules and latches are read again for each order).
    let member = crate::memberships::discount_for(tx, &settings.time_zone, customer.as_deref(), t)?;
    let ctx = store.pricing_context()?.for_member(member);
    let line_discount = !discounts.is_empty() && rng.random_bool(0.04);
    let order_discount = (!discounts.is_empty() && rng.random_bool(0.02))
        .then(|| Discount::Percent(discounts[rng.random_range(0..discounts.len())]));
    let discounted_line = rng.random_range(0..picked.len());
    let lines: Vec<PricedLine> = picked
        .iter()
        .enumerate()
        .map(|(k, (i, qty))| {
            let product = shop.products[*i].clone();
            let q = crate::pricing::quote(&ctx, &product, t);
            PricedLine {
                product,
                qty: *qty,
                unit_price: q.price,
                trace: Some(crate::pricing::PriceTrace::of(&q)),
                price_note: q.note,
                discount: (line_discount && k == discounted_line)
                    .then(|| Discount::Percent(discounts[0])),
            }
        })
        .collect();
    let due = crate::checkout::price_lines(settings, bundles, &lines, order_discount.as_ref())?
        .totals
        .total;
    let tenders = tenders(&mut shop.rng, settings, due);
    let request = SaleRequest {
        key: None,
        lines: lines
            .iter()
            .map(|l| SaleLine {
                code: l.product.sku.clone(),
                qty: l.qty,
                discount: l.discount.clone(),
                price: None,
            })
            .collect(),
        order_discount: order_discount.clone(),
        tenders: tenders.clone(),
        customer_id: customer.clone(),
        referral_code: None,
    };
    let request_text = crate::checkout::sale_request_text(&request, &lines, &settings.currency);
    let key = uuid::Uuid::now_v7().to_string();
    let receipt = crate::checkout::commit_sale(
        tx,
        settings,
        cashier,
        t,
        SaleInput {
            key: &key,
            request: &request_text,
            lines: &lines,
            order_discount: order_discount.as_ref(),
            tenders: &tenders,
            customer_id: customer.as_deref(),
            referral_code: None,
            bundles,
        },
    )?;
    for (i, qty) in &picked {
        shop.products[*i].on_hand -= qty;
    }
    Ok((lines.len() as u64, receipt.id))
}

/// How customers pay `due`: card for the exact amount (about 60 %), cash
/// rounded up to a note (about 37 %), now and then cash and card.
fn tenders(rng: &mut StdRng, settings: &crate::settings::Settings, due: Decimal) -> Vec<Tender> {
    let how = match rng.random_range(0..100) {
        0..=59 => Pay::Card,
        60..=96 => Pay::Cash,
        _ => Pay::Split,
    };
    pay(rng, &settings.currency, due, how)
}

/// An order brought back: one unit of its first line, or the whole order
/// when it was a single unit; written as the till writes a refund.
fn refund(
    store: &Store,
    tx: &rusqlite::Connection,
    shop: &mut Shop,
    settings: &crate::settings::Settings,
    auth: &crate::permissions::Authority,
    order_id: &str,
    (t, cashier): (DateTime<Utc>, &str),
) -> Result<()> {
    let order = load_receipt(tx, order_id)?;
    let Some(line) = order.lines.first() else {
        return Ok(());
    };
    let mut take = vec![0; order.lines.len()];
    take[0] = 1;
    let items = vec![(line.sku.clone(), 1)];
    let request = store.refund_request_text(&order.id, Some(&items))?;
    let key = uuid::Uuid::now_v7().to_string();
    crate::orders::refund_in(
        tx,
        settings,
        auth,
        cashier,
        t,
        RefundPlan {
            order: &order,
            key: &key,
            request: &request,
            take: &take,
        },
    )?;
    if let Some(p) = shop.products.iter_mut().find(|p| p.sku == line.sku) {
        p.on_hand += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_per_day_add_up_and_every_day_has_some() {
        let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        for (days, total) in [(30, 2000), (730, 1_000_000), (7, 7), (3, 1)] {
            let counts = per_day(first, days, total);
            assert_eq!(counts.len(), days as usize);
            assert_eq!(counts.iter().sum::<u64>(), total);
            if total >= 10 * days as u64 {
                assert!(counts.iter().all(|c| *c > 0), "{counts:?}");
            }
        }
    }
}
