//! The stock report: what is on hand, what it is worth at cost, how fast it
//! sells and how many days it lasts at that pace. Never gated by the plan.

use std::collections::HashMap;

use chrono::Days;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::rollup;
use crate::error::Result;
use crate::store::{ts, Store};
use crate::stored;

/// The days the selling pace is measured over.
pub const PACE_DAYS: i64 = 28;

/// One product's stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct StockRow {
    pub sku: String,
    pub name: String,
    pub category: Option<String>,
    pub on_hand: i64,
    /// The product's cost today; `None` when it has none.
    pub unit_cost: Option<Decimal>,
    /// `on_hand x unit_cost`; zero without a cost or with nothing on hand.
    pub value: Decimal,
    /// Units sold less units refunded over the last 28 local days, today
    /// included, directly and as a component of the kits sold (by the
    /// kits' components today).
    pub sold_28d: i64,
    /// `sold_28d / 28`, two decimals.
    pub per_day: Decimal,
    /// How many days `on_hand` lasts at that pace (`on_hand x 28 /
    /// sold_28d`, one decimal; 0 when nothing is on hand); `None` when
    /// nothing sold.
    pub days_of_cover: Option<Decimal>,
}

/// `till report stock`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct StockReport {
    pub currency: String,
    /// RFC 3339: when the figures were read.
    pub as_of: String,
    /// Active products that hold stock (kits hold none: their components
    /// do), the ones that run out first first, then by SKU.
    pub products: Vec<StockRow>,
    pub total_value: Decimal,
}

impl Store {
    /// `till report stock`: every active product's stock, value at cost and
    /// days of cover.
    pub fn stock_report(&mut self) -> Result<StockReport> {
        let ctx = self.report_ctx()?;
        let c = &ctx.currency;
        let now = self.now();
        let today = now.with_timezone(&ctx.tz).date_naive();
        let first = today
            .checked_sub_days(Days::new(PACE_DAYS as u64 - 1))
            .unwrap_or(today);
        let start = crate::locale::day_start(ctx.tz, first);
        // To the end of today: whole days, all read from the sums.
        let end = crate::locale::day_start(ctx.tz, today.succ_opt().unwrap_or(today));
        let mut sold: HashMap<i64, i64> = HashMap::new();
        for (cell, s) in rollup::gather(&self.conn, ctx.tz, c, rollup::PRODUCT, start, end, true)? {
            let id: i64 = cell.key.parse().map_err(|_| {
                crate::error::Error::Internal(format!("product {:?} in the report sums", cell.key))
            })?;
            *sold.entry(id).or_default() += s.items;
        }
        // A kit sold takes its components out of stock: count it as theirs.
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT kit_id, component_id, qty FROM kit_components")?;
            let kits = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (kit, component, qty) in kits {
                if let Some(n) = sold.get(&kit).copied() {
                    *sold.entry(component).or_default() += n * qty;
                }
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.sku, p.name, p.category, p.cost, COALESCE(s.on_hand, 0)
             FROM products p LEFT JOIN stock_levels s ON s.product_id = p.id
             WHERE p.active = 1 AND NOT EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id)",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    stored::text(r, 1)?,
                    stored::text(r, 2)?,
                    r.get::<_, Option<String>>(3)?,
                    stored::opt_decimal(r, 4)?,
                    r.get::<_, i64>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let days = Decimal::from(PACE_DAYS);
        let mut products: Vec<StockRow> = rows
            .into_iter()
            .map(|(id, sku, name, category, cost, on_hand)| {
                let sold_28d = sold.get(&id).copied().unwrap_or(0);
                let value = match cost {
                    Some(cost) if on_hand > 0 => c.round(cost * Decimal::from(on_hand)),
                    _ => c.round(Decimal::ZERO),
                };
                let days_of_cover = (sold_28d > 0).then(|| {
                    super::fixed(
                        Decimal::from(on_hand.max(0)) * days / Decimal::from(sold_28d),
                        1,
                    )
                });
                StockRow {
                    sku,
                    name,
                    category,
                    on_hand,
                    unit_cost: cost,
                    value,
                    sold_28d,
                    per_day: super::fixed(Decimal::from(sold_28d) / days, 2),
                    days_of_cover,
                }
            })
            .collect();
        products.sort_by(|a, b| {
            let cover = match (a.days_of_cover, b.days_of_cover) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            cover.then_with(|| a.sku.cmp(&b.sku))
        });
        let total_value = c.round(products.iter().map(|p| p.value).sum());
        Ok(StockReport {
            currency: c.code.clone(),
            as_of: ts(now),
            products,
            total_value,
        })
    }
}
