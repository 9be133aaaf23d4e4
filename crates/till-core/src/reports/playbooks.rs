//! The playbooks report: what dynamic pricing, flash sales, bundles,
//! referrals and memberships brought over a period, and what they gave away.
//!
//! Pricing, flash sale and member figures come from the `pricing`, `flash`
//! and `member` cells of the report sums, so a month costs a few hundred
//! rows whatever the shop sells. The rest reads small indexed slices of the
//! raw rows: the orders with a bundle or a referral code in the period, the
//! commissions written or paid in it, and, for each flash sale, the orders
//! of the same hours in the four weeks before its windows.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, LocalResult, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::rollup::{self, amount, Cell, Sums};
use super::sales::{check_period, percent, Ctx};
use crate::error::Result;
use crate::money::Currency;
use crate::pricing::FlashSale;
use crate::store::{ts, Store};
use crate::stored;
use crate::tax::TaxMode;

/// The lines sold on one side of their base price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PricingSide {
    /// Units sold (refunds not taken off).
    pub units: i64,
    /// At the price sold, before line and order discounts.
    pub revenue: Decimal,
    /// The same units at their base price.
    pub base_revenue: Decimal,
    /// `revenue - base_revenue`: positive above, negative below.
    pub difference: Decimal,
}

/// Every line sold at a price other than its product's base price then:
/// stock and sell-by rules, member discounts, flash sales, and prices set
/// at the till. Lines sold before order lines kept their base price are
/// left out (their base price is unknown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct DynamicPricing {
    pub above: PricingSide,
    pub below: PricingSide,
    /// What the prices gained (positive) or gave (negative) in all.
    pub difference: Decimal,
}

/// One flash sale that sold in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FlashSaleFigures {
    pub id: i64,
    pub name: String,
    /// Orders with a line the sale priced.
    pub orders: i64,
    /// Units the sale priced (refunds not taken off).
    pub units: i64,
    /// Those units at the price sold, before line and order discounts.
    pub revenue: Decimal,
    /// What the sale took off those units.
    pub discount: Decimal,
    /// Local hours of the period, up to now, in which the sale was on (an
    /// hour it was on for part of counts whole); for a sale whose windows
    /// cannot be read, the hours in which it sold.
    pub hours: i64,
    /// `units / hours`, two decimals.
    pub units_per_hour: Decimal,
    /// Units of the sale's products (its SKUs and categories today) sold
    /// in the same local weekday and hours of each of the four weeks
    /// before, per hour: `units / (4 x hours)`, two decimals.
    pub baseline_units_per_hour: Decimal,
    /// The change of units per hour against the baseline, in percent (one
    /// decimal); `None` when nothing sold in the baseline hours.
    pub lift_percent: Option<Decimal>,
}

/// One bundle sold in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BundleFigures {
    pub id: i64,
    pub name: String,
    /// Sets sold.
    pub sets: i64,
    /// Orders that got the bundle.
    pub orders: i64,
    /// What the bundle took off those orders.
    pub discount: Decimal,
    /// Orders in the period holding the bundle's first item (the first the
    /// owner listed).
    pub first_item_orders: i64,
    /// `orders / first_item_orders` in percent (one decimal); `None` when
    /// no order held the first item.
    pub attach_rate: Option<Decimal>,
}

/// The referral programme over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReferralFigures {
    /// Orders credited to a referrer: sold with a referral code, or to a
    /// referred customer within the programme's window (which earns a
    /// commission without a code).
    pub orders: i64,
    /// What those orders came to after discounts, as priced: without the
    /// tax added on top, with the tax inside tax-inclusive prices (refunds
    /// not taken off).
    pub revenue: Decimal,
    /// Commissions accrued in the period.
    pub commissions_accrued: Decimal,
    /// Commissions reversed by refunds in the period (a positive amount).
    pub commissions_reversed: Decimal,
    /// Accrued commissions paid out in the period (a payout also settles
    /// the reversals it nets, which `commissions_reversed` shows).
    pub commissions_paid: Decimal,
}

/// Sales at the member price over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MembershipFigures {
    /// Orders with a line at a member discount.
    pub orders: i64,
    /// Units sold at a member discount (refunds not taken off).
    pub units: i64,
    /// Those units at the price sold, before line and order discounts.
    pub revenue: Decimal,
    /// What the member discount took off.
    pub discount: Decimal,
}

/// `till report playbooks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PlaybooksReport {
    /// RFC 3339, inclusive.
    pub from: String,
    /// RFC 3339, exclusive.
    pub to: String,
    pub currency: String,
    pub dynamic_pricing: DynamicPricing,
    pub flash_sales: Vec<FlashSaleFigures>,
    pub bundles: Vec<BundleFigures>,
    pub referrals: ReferralFigures,
    pub memberships: MembershipFigures,
}

/// How many earlier weeks a flash sale's hours are compared with.
const BASELINE_WEEKS: i64 = 4;

impl Store {
    /// `till report playbooks` over [from, to) (advanced reporting).
    pub fn playbooks_report(
        &mut self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<PlaybooksReport> {
        check_period(from, to)?;
        self.require_feature("advanced_reporting")?;
        let ctx = self.report_ctx()?;
        let conn = &self.conn;
        let c = &ctx.currency;
        let sold = bundles_sold(conn, from, to)?;
        // One pass over the part days for every dimension the report reads;
        // orders per product only when a bundle sold.
        let mut dims = vec![
            (rollup::PRICING, true),
            (rollup::MEMBER, true),
            (rollup::FLASH, false),
        ];
        if !sold.is_empty() {
            dims.push((rollup::PRODUCT, true));
        }
        let mut cells = rollup::gather_dims(conn, ctx.tz, c, &dims, from, to)?.into_iter();
        let mut next = || cells.next().unwrap_or_default();
        let (pricing, member, flash, product) = (next(), next(), next(), next());
        Ok(PlaybooksReport {
            from: ts(from),
            to: ts(to),
            currency: c.code.clone(),
            dynamic_pricing: dynamic_pricing(pricing, c),
            flash_sales: flash_sales(conn, &ctx, flash, from, to, self.now())?,
            bundles: bundles(conn, c, sold, product)?,
            referrals: referrals(conn, c, from, to)?,
            memberships: memberships(member, c),
        })
    }
}

/// Two decimals, halves away from zero.
fn round2(d: Decimal) -> Decimal {
    super::fixed(d, 2)
}

fn per_hour(units: i64, hours: i64) -> Decimal {
    if hours == 0 {
        Decimal::ZERO
    } else {
        round2(Decimal::from(units) / Decimal::from(hours))
    }
}

fn sum_cells(cells: Vec<(Cell, Sums)>) -> BTreeMap<String, Sums> {
    let mut out: BTreeMap<String, Sums> = BTreeMap::new();
    for (c, s) in cells {
        *out.entry(c.key).or_default() += s;
    }
    out
}

fn dynamic_pricing(cells: Vec<(Cell, Sums)>, c: &Currency) -> DynamicPricing {
    let by = sum_cells(cells);
    let side = |key: &str| {
        let s = by.get(key).copied().unwrap_or_default();
        PricingSide {
            units: s.items,
            revenue: amount(s.gross, c),
            base_revenue: amount(s.base, c),
            difference: amount(s.gross - s.base, c),
        }
    };
    let (above, below) = (side("above"), side("below"));
    DynamicPricing {
        difference: c.round(above.difference + below.difference),
        above,
        below,
    }
}

fn memberships(cells: Vec<(Cell, Sums)>, c: &Currency) -> MembershipFigures {
    let mut s = Sums::default();
    for (_, cell) in cells {
        s += cell;
    }
    MembershipFigures {
        orders: s.orders,
        units: s.items,
        revenue: amount(s.gross, c),
        discount: amount(s.discounts, c),
    }
}

/// A local hour: its date and hour in the store's time zone.
type LocalHour = (NaiveDate, u32);

/// The local hours that [start, end) touches. Every zone's offset is a
/// whole number of quarter hours, so a local hour always begins on a
/// quarter hour of UTC: looking at `start` and at each quarter hour after
/// it sees every hour touched.
fn hours_touched(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>, out: &mut BTreeSet<LocalHour>) {
    const QUARTER: i64 = 15 * 60;
    let mut t = start;
    while t < end {
        let l = t.with_timezone(&tz);
        out.insert((l.date_naive(), l.hour()));
        let next = (t.timestamp().div_euclid(QUARTER) + 1) * QUARTER;
        match DateTime::from_timestamp(next, 0) {
            Some(n) => t = n,
            None => break,
        }
    }
}

/// The UTC spans of local hour `h` of `day`: none in a gap of the clocks
/// going forward, two when they go back and the hour comes twice.
fn hour_spans(tz: Tz, day: NaiveDate, h: u32) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let Some(start) = day.and_hms_opt(h, 0, 0) else {
        return Vec::new();
    };
    let span = |t: DateTime<Tz>| {
        let t = t.with_timezone(&Utc);
        (t, t + Duration::hours(1))
    };
    match tz.from_local_datetime(&start) {
        LocalResult::Single(t) => vec![span(t)],
        LocalResult::Ambiguous(a, b) => vec![span(a), span(b)],
        LocalResult::None => Vec::new(),
    }
}

/// The sale's windows (its current definition, up to its cancellation)
/// clipped to [from, to); `None` when they cannot be worked out.
fn windows_in(
    sale: &FlashSale,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Option<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    let end = match &sale.cancelled_at {
        None => to,
        Some(at) => stored::parse_time(at).ok()?.min(to),
    };
    let mut live = sale.clone();
    live.cancelled_at = None;
    let mut out = Vec::new();
    let mut w = live.window_at(from).or_else(|| live.next_window(from));
    while let Some((s, e)) = w {
        if s >= end {
            break;
        }
        let (cs, ce) = (s.max(from), e.min(end));
        if cs < ce {
            out.push((cs, ce));
        }
        w = live.next_window(s).filter(|(n, _)| *n > s);
    }
    Some(out)
}

fn flash_sales(
    conn: &Connection,
    ctx: &Ctx,
    cells: Vec<(Cell, Sums)>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<FlashSaleFigures>> {
    let c = &ctx.currency;
    if cells.is_empty() {
        return Ok(Vec::new());
    }
    // Per sale: its sums and the hours in which it sold.
    let mut sold: BTreeMap<i64, (Sums, BTreeSet<LocalHour>)> = BTreeMap::new();
    for (cell, s) in cells {
        let Ok(id) = cell.key.parse::<i64>() else {
            return Err(crate::error::Error::Internal(format!(
                "flash sale {:?} in the report sums",
                cell.key
            )));
        };
        let e = sold.entry(id).or_default();
        e.0 += s;
        e.1.insert((cell.day, cell.hour));
    }
    // A sale that cannot be read is still reported, on the hours it sold.
    let (readable, _damaged) = crate::pricing::flash::load_all_sales(conn)?;
    let readable: HashMap<i64, FlashSale> = readable.into_iter().map(|s| (s.id, s)).collect();
    let mut names = conn.prepare_cached("SELECT name FROM flash_sales WHERE id = ?1")?;
    let mut out = Vec::with_capacity(sold.len());
    for (id, (s, sold_hours)) in sold {
        let sale = readable.get(&id);
        let name = match sale {
            Some(sale) => sale.name.clone(),
            None => names
                .query_map([id], |r| r.get::<_, String>(0))?
                .next()
                .transpose()?
                .unwrap_or_else(|| format!("flash sale {id}")),
        };
        // Hours still to come are not hours the sale was on.
        let mut hours = BTreeSet::new();
        for (ws, we) in sale
            .and_then(|s| windows_in(s, from, to.min(now)))
            .unwrap_or_default()
        {
            hours_touched(ctx.tz, ws, we, &mut hours);
        }
        if hours.is_empty() {
            hours = sold_hours;
        }
        let n = hours.len() as i64;
        let baseline = baseline_units(conn, ctx.tz, id, &hours)?;
        out.push(FlashSaleFigures {
            id,
            name,
            orders: s.orders,
            units: s.items,
            revenue: amount(s.gross, c),
            discount: amount(s.discounts, c),
            hours: n,
            units_per_hour: per_hour(s.items, n),
            baseline_units_per_hour: per_hour(baseline, BASELINE_WEEKS * n),
            // units/h against baseline/(4h): the hours cancel out.
            lift_percent: percent(
                Decimal::from(BASELINE_WEEKS * s.items - baseline),
                Decimal::from(baseline),
            ),
        });
    }
    Ok(out)
}

/// Units of sale `id`'s products (its SKUs and categories as they are now)
/// sold in the same local weekday and hour as each of `hours`, in each of
/// the four weeks before. An hour that is the baseline of two of the
/// sale's hours (a weekly sale's earlier windows) counts for both.
fn baseline_units(conn: &Connection, tz: Tz, id: i64, hours: &BTreeSet<LocalHour>) -> Result<i64> {
    let mut spans: BTreeMap<(DateTime<Utc>, DateTime<Utc>), i64> = BTreeMap::new();
    for (day, h) in hours {
        for k in 1..=BASELINE_WEEKS {
            let Some(earlier) = day.checked_sub_days(chrono::Days::new(7 * k as u64)) else {
                continue;
            };
            for span in hour_spans(tz, earlier, *h) {
                *spans.entry(span).or_default() += 1;
            }
        }
    }
    // The orders of the hour by their time (orders_created_at), then their
    // lines by key; `+` keeps SQLite from walking every line of the
    // products instead.
    let mut stmt = conn.prepare_cached(
        "SELECT COALESCE(SUM(l.qty), 0) FROM orders o CROSS JOIN order_lines l ON l.order_id = o.id
         WHERE o.created_at >= ?1 AND o.created_at < ?2
           AND +l.product_id IN (
             SELECT p.id FROM flash_sale_targets t JOIN products p
               ON (t.kind = 'sku' AND p.sku = t.value) OR (t.kind = 'category' AND p.category = t.value)
             WHERE t.flash_sale_id = ?3)",
    )?;
    let mut units = 0;
    for ((s, e), times) in spans {
        let n: i64 = stmt.query_row(params![ts(s), ts(e), id], |r| r.get(0))?;
        units += n * times;
    }
    Ok(units)
}

/// A bundle's sales in the period.
struct BundleSold {
    name: String,
    sets: i64,
    orders: i64,
    discount: Decimal,
}

/// The bundles the period's orders got.
fn bundles_sold(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<BTreeMap<i64, BundleSold>> {
    let mut by: BTreeMap<i64, BundleSold> = BTreeMap::new();
    // The period's orders by time, then their bundles by key (few orders
    // get one, and a bundle's rows span all of history).
    let mut stmt = conn.prepare_cached(
        "SELECT b.bundle_id, b.times, b.discount, COALESCE(cur.name, b.name)
         FROM orders o CROSS JOIN order_bundles b ON b.order_id = o.id
         LEFT JOIN bundles cur ON cur.id = b.bundle_id
         WHERE o.created_at >= ?1 AND o.created_at < ?2",
    )?;
    let mut rows = stmt.query(params![ts(from), ts(to)])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let times: i64 = r.get(1)?;
        let discount = stored::decimal(r, 2)?;
        let acc = match by.entry(id) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => e.insert(BundleSold {
                name: stored::text(r, 3)?,
                sets: 0,
                orders: 0,
                discount: Decimal::ZERO,
            }),
        };
        acc.sets += times;
        acc.orders += 1;
        acc.discount += discount;
    }
    Ok(by)
}

/// Each bundle sold with its attach rate; `product` is the period's cells
/// of orders per product. An order lies on one day and is counted once per
/// product and day, so the days add up to distinct orders.
fn bundles(
    conn: &Connection,
    c: &Currency,
    sold: BTreeMap<i64, BundleSold>,
    product: Vec<(Cell, Sums)>,
) -> Result<Vec<BundleFigures>> {
    let mut product_orders: HashMap<String, i64> = HashMap::new();
    for (cell, s) in product {
        *product_orders.entry(cell.key).or_default() += s.orders;
    }
    let mut first = conn.prepare_cached(
        "SELECT product_id FROM bundle_items WHERE bundle_id = ?1 ORDER BY rowid LIMIT 1",
    )?;
    let mut out = Vec::with_capacity(sold.len());
    for (id, acc) in sold {
        let first_item: Option<i64> = first.query_map([id], |r| r.get(0))?.next().transpose()?;
        let first_item_orders = first_item
            .and_then(|p| product_orders.get(&p.to_string()).copied())
            .unwrap_or(0);
        out.push(BundleFigures {
            id,
            name: acc.name,
            sets: acc.sets,
            orders: acc.orders,
            discount: c.round(acc.discount),
            first_item_orders,
            attach_rate: percent(Decimal::from(acc.orders), Decimal::from(first_item_orders)),
        });
    }
    Ok(out)
}

fn referrals(
    conn: &Connection,
    c: &Currency,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<ReferralFigures> {
    let (f, t) = (ts(from), ts(to));
    // The orders a referrer is credited with: those sold with a code
    // (orders_referral indexes only them) and a referred customer's later
    // orders, which earn a commission without one (commissions_created).
    let mut referred: HashMap<String, Decimal> = HashMap::new();
    for sql in [
        "SELECT id, total, tax, tax_mode FROM orders
         WHERE referral_code IS NOT NULL AND created_at >= ?1 AND created_at < ?2",
        "SELECT o.id, o.total, o.tax, o.tax_mode FROM commissions c JOIN orders o ON o.id = c.order_id
         WHERE c.kind = 'accrual' AND c.created_at >= ?1 AND c.created_at < ?2
           AND o.created_at >= ?1 AND o.created_at < ?2",
    ] {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params![f, t])?;
        while let Some(r) = rows.next()? {
            let id = stored::text(r, 0)?;
            let total = stored::decimal(r, 1)?;
            let tax = stored::decimal(r, 2)?;
            let revenue = match stored::enum_col::<TaxMode>(r, 3)? {
                TaxMode::Exclusive => total - tax,
                TaxMode::Inclusive => total,
            };
            referred.insert(id, revenue);
        }
    }
    let orders = referred.len() as i64;
    let revenue: Decimal = referred.into_values().sum();
    let mut accrued = Decimal::ZERO;
    let mut reversed = Decimal::ZERO;
    {
        let mut stmt = conn.prepare_cached(
            "SELECT kind, amount FROM commissions WHERE created_at >= ?1 AND created_at < ?2",
        )?;
        let mut rows = stmt.query(params![f, t])?;
        while let Some(r) = rows.next()? {
            let kind = stored::text(r, 0)?;
            let a = stored::decimal(r, 1)?;
            if kind == "reversal" {
                reversed -= a;
            } else {
                accrued += a;
            }
        }
    }
    let mut paid = Decimal::ZERO;
    {
        let mut stmt = conn.prepare_cached(
            "SELECT amount FROM commissions
             WHERE kind = 'accrual' AND paid_at >= ?1 AND paid_at < ?2",
        )?;
        let mut rows = stmt.query(params![f, t])?;
        while let Some(r) = rows.next()? {
            paid += stored::decimal(r, 0)?;
        }
    }
    Ok(ReferralFigures {
        orders,
        revenue: c.round(revenue),
        commissions_accrued: c.round(accrued),
        commissions_reversed: c.round(reversed),
        commissions_paid: c.round(paid),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        stored::parse_time(s).unwrap()
    }

    #[test]
    fn a_window_touches_the_local_hours_it_overlaps() {
        let tz: Tz = "Asia/Kolkata".parse().unwrap();
        let mut h = BTreeSet::new();
        // 10:00-11:30 UTC is 15:30-17:00 in India: hours 15 and 16.
        hours_touched(
            tz,
            t("2026-11-20T10:00:00Z"),
            t("2026-11-20T11:30:00Z"),
            &mut h,
        );
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(
            h.into_iter().collect::<Vec<_>>(),
            vec![(day, 15), (day, 16)]
        );
    }

    #[test]
    fn the_repeated_hour_has_two_spans_and_the_skipped_one_none() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let back = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        assert_eq!(
            hour_spans(tz, back, 2),
            vec![
                (t("2026-10-25T00:00:00Z"), t("2026-10-25T01:00:00Z")),
                (t("2026-10-25T01:00:00Z"), t("2026-10-25T02:00:00Z"))
            ]
        );
        let forward = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        assert!(hour_spans(tz, forward, 2).is_empty());
        assert_eq!(
            hour_spans(tz, forward, 3),
            vec![(t("2026-03-29T01:00:00Z"), t("2026-03-29T02:00:00Z"))]
        );
    }
}
