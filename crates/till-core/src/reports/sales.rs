//! Sales: totals, rows by a dimension, the comparison period; the weekday x
//! hour heatmap; margin per product and category.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::rollup::{self, amount, Cell, Sums};
use super::{
    Compare, MarginReport, MarginRow, SalesBy, SalesChange, SalesReport, SalesRow, SalesTotals,
};
use crate::error::{Error, Result};
use crate::field::Field;
use crate::money::Currency;
use crate::roles::Permission;
use crate::store::{ts, Store};

/// One cell of the weekday x hour heatmap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct HeatCell {
    /// 0 = Monday .. 6 = Sunday.
    pub weekday: u32,
    /// Local hour, 0..23.
    pub hour: u32,
    pub orders: i64,
    pub net: Decimal,
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// What a report needs of the store besides its connection.
pub(super) struct Ctx {
    pub tz: Tz,
    pub currency: Currency,
}

impl Store {
    pub(super) fn report_ctx(&mut self) -> Result<Ctx> {
        self.require(Permission::Reports)?;
        self.report_catch_up()?;
        Ok(Ctx {
            tz: crate::locale::parse_time_zone(&self.settings.time_zone)?,
            currency: self.settings.currency.clone(),
        })
    }

    /// `till report sales`: totals and rows over [from, to), with the
    /// comparison period when asked. Sales by day, week or month are never
    /// gated by the plan; the other breakdowns are advanced reporting.
    pub fn sales_report(
        &mut self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        by: SalesBy,
        compare: Option<Compare>,
    ) -> Result<SalesReport> {
        check_period(from, to)?;
        if by.is_advanced() {
            self.require_feature("advanced_reporting")?;
        }
        let ctx = self.report_ctx()?;
        let mut report = sales(self, &ctx, from, to, by)?;
        if let Some(c) = compare {
            let (cf, ct) = compare_period(ctx.tz, from, to, c);
            let prev = sales(self, &ctx, cf, ct, by)?;
            report.change = Some(change(&report.totals, &prev.totals));
            report.compare = Some(Box::new(prev));
        }
        Ok(report)
    }

    /// Orders and net sales per weekday and local hour over [from, to)
    /// (advanced reporting).
    pub fn sales_heatmap(
        &mut self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<HeatCell>> {
        check_period(from, to)?;
        self.require_feature("advanced_reporting")?;
        let ctx = self.report_ctx()?;
        let cells = rollup::gather(
            &self.conn,
            ctx.tz,
            &ctx.currency,
            rollup::TIME,
            from,
            to,
            false,
        )?;
        let mut by: BTreeMap<(u32, u32), Sums> = BTreeMap::new();
        for (c, s) in cells {
            *by.entry((c.day.weekday().num_days_from_monday(), c.hour))
                .or_default() += s;
        }
        Ok(by
            .into_iter()
            .map(|((weekday, hour), s)| HeatCell {
                weekday,
                hour,
                orders: s.orders,
                net: amount(s.gross - s.discounts - s.refunds, &ctx.currency),
            })
            .collect())
    }

    /// Margin per product and category over [from, to), from each line's
    /// cost at the sale (advanced reporting).
    pub fn margin_report(
        &mut self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<MarginReport> {
        check_period(from, to)?;
        self.require_feature("advanced_reporting")?;
        let ctx = self.report_ctx()?;
        let products = self.product_labels()?;
        let mut total = Sums::default();
        let gathered = rollup::gather_dims(
            &self.conn,
            ctx.tz,
            &ctx.currency,
            &[(rollup::PRODUCT, true), (rollup::CATEGORY, true)],
            from,
            to,
        )?;
        let mut rows = |dim: &'static str, cells: Vec<(Cell, Sums)>| -> Vec<MarginRow> {
            let mut out: Vec<MarginRow> = by_key(cells)
                .into_iter()
                .map(|(key, s)| {
                    if dim == rollup::PRODUCT {
                        total += s;
                    }
                    let label = label_of(dim, &key, &products);
                    let key = key_of(dim, &key, &products);
                    margin_row(key, label, &s, &ctx.currency)
                })
                .collect();
            out.sort_by(|a, b| b.margin.cmp(&a.margin).then(a.key.cmp(&b.key)));
            out
        };
        let mut gathered = gathered.into_iter();
        let products_rows = rows(rollup::PRODUCT, gathered.next().unwrap_or_default());
        let categories = rows(rollup::CATEGORY, gathered.next().unwrap_or_default());
        Ok(MarginReport {
            from: ts(from),
            to: ts(to),
            currency: ctx.currency.code.clone(),
            products: products_rows,
            categories,
            total: margin_row("total".into(), "Total".into(), &total, &ctx.currency),
        })
    }

    /// Product id -> (SKU, name), for rows keyed by product.
    pub(super) fn product_labels(&self) -> Result<HashMap<String, (String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, sku, name FROM products")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?.to_string(),
                (r.get::<_, String>(1)?, r.get::<_, String>(2)?),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn customer_names(&self) -> Result<HashMap<String, String>> {
        let mut stmt = self.conn.prepare_cached("SELECT id, name FROM customers")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A period must not end before it starts.
pub(super) fn check_period(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<()> {
    if to < from {
        return Err(Error::invalid(
            Field::To,
            format!("{} is before the start, {}", ts(to), ts(from)),
        ));
    }
    Ok(())
}

/// The comparison period of [from, to).
pub(super) fn compare_period(
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    c: Compare,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let whole_days = |t: DateTime<Utc>| {
        let d = t.with_timezone(&tz).date_naive();
        (crate::locale::day_start(tz, d) == t).then_some(d)
    };
    match (c, whole_days(from), whole_days(to)) {
        // Whole local days: as many local days, right before (a DST change
        // in either period does not shift them by an hour).
        (Compare::Previous, Some(f), Some(t)) => {
            let days = (t - f).num_days();
            let start = f - Duration::days(days);
            (crate::locale::day_start(tz, start), from)
        }
        (Compare::Previous, _, _) => (from - (to - from), from),
        (Compare::LastYear, _, _) => (year_before(tz, from), year_before(tz, to)),
    }
}

/// The same local wall-clock time a year earlier (29 February: the 28th).
fn year_before(tz: Tz, t: DateTime<Utc>) -> DateTime<Utc> {
    let local = t.with_timezone(&tz).naive_local();
    let Some(shifted) = local.checked_sub_months(Months::new(12)) else {
        return t;
    };
    if shifted.time() == chrono::NaiveTime::MIN {
        return crate::locale::day_start(tz, shifted.date());
    }
    use chrono::TimeZone;
    tz.from_local_datetime(&shifted)
        .earliest()
        .map(|x| x.with_timezone(&Utc))
        .unwrap_or_else(|| t - Duration::days(365))
}

fn sales(
    store: &Store,
    ctx: &Ctx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    by: SalesBy,
) -> Result<SalesReport> {
    let c = &ctx.currency;
    // The row dimension beside the totals' time cells, gathered together so
    // the part days' raw rows are folded once.
    let dim = match by {
        SalesBy::Product => Some(rollup::PRODUCT),
        SalesBy::Category => Some(rollup::CATEGORY),
        SalesBy::Cashier => Some(rollup::CASHIER),
        SalesBy::Tender => Some(rollup::TENDER),
        SalesBy::Customer => Some(rollup::CUSTOMER),
        _ => None,
    };
    let mut wanted = vec![(rollup::TIME, false)];
    wanted.extend(dim.map(|d| (d, true)));
    let mut gathered = rollup::gather_dims(&store.conn, ctx.tz, c, &wanted, from, to)?.into_iter();
    let time_cells = gathered.next().unwrap_or_default();
    let mut all = Sums::default();
    for (_, s) in &time_cells {
        all += *s;
    }
    let mut rows: Vec<SalesRow> = if let Some(dim) = dim {
        let cells = gathered.next().unwrap_or_default();
        let products = if dim == rollup::PRODUCT {
            store.product_labels()?
        } else {
            HashMap::new()
        };
        let customers = if dim == rollup::CUSTOMER {
            store.customer_names()?
        } else {
            HashMap::new()
        };
        let mut rows: Vec<SalesRow> = by_key(cells)
            .into_iter()
            .map(|(key, s)| {
                let label = match dim {
                    rollup::CUSTOMER => customers.get(&key).cloned().unwrap_or_default(),
                    _ => label_of(dim, &key, &products),
                };
                sales_row(key_of(dim, &key, &products), label, &s, c)
            })
            .collect();
        rows.sort_by(|a, b| b.net.cmp(&a.net).then(a.key.cmp(&b.key)));
        rows
    } else {
        let mut grouped: BTreeMap<String, Sums> = BTreeMap::new();
        for (cell, s) in &time_cells {
            *grouped.entry(time_key(by, cell)).or_default() += *s;
        }
        grouped
            .into_iter()
            .map(|(k, s)| {
                let (key, label) = time_label(by, k);
                sales_row(key, label, &s, c)
            })
            .collect()
    };
    if by == SalesBy::Weekday {
        rows.sort_by_key(|r| WEEKDAYS.iter().position(|w| *w == r.key));
    }
    Ok(SalesReport {
        from: ts(from),
        to: ts(to),
        currency: c.code.clone(),
        by,
        totals: totals(&all, c),
        rows,
        compare: None,
        change: None,
    })
}

/// Sums the cells per key.
fn by_key(cells: Vec<(Cell, Sums)>) -> BTreeMap<String, Sums> {
    let mut out: BTreeMap<String, Sums> = BTreeMap::new();
    for (c, s) in cells {
        *out.entry(c.key).or_default() += s;
    }
    out
}

/// The row key a script reads: a product's SKU rather than its row id.
fn key_of(dim: &str, key: &str, products: &HashMap<String, (String, String)>) -> String {
    match (dim, products.get(key)) {
        (rollup::PRODUCT, Some((sku, _))) => sku.clone(),
        _ => key.to_string(),
    }
}

fn label_of(dim: &str, key: &str, products: &HashMap<String, (String, String)>) -> String {
    match dim {
        rollup::PRODUCT => products
            .get(key)
            .map(|(_, name)| name.clone())
            .unwrap_or_default(),
        rollup::CATEGORY if key.is_empty() => "No category".into(),
        rollup::TENDER => match key {
            "cash" => "Cash".into(),
            "card" => "Card".into(),
            "cash+card" => "Cash and card".into(),
            other => other.into(),
        },
        _ => key.to_string(),
    }
}

/// A time cell's group, in a form that sorts in time order.
fn time_key(by: SalesBy, c: &Cell) -> String {
    match by {
        SalesBy::Day => c.day.to_string(),
        SalesBy::Week => {
            let w = c.day.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        SalesBy::Month => format!("{}-{:02}", c.day.year(), c.day.month()),
        SalesBy::Hour => format!("{:02}", c.hour),
        _ => WEEKDAYS[c.day.weekday().num_days_from_monday() as usize].to_string(),
    }
}

fn time_label(by: SalesBy, key: String) -> (String, String) {
    let label = match by {
        SalesBy::Hour => format!("{key}:00"),
        // A week's label is the date of its Monday; a month's its name.
        SalesBy::Week => NaiveDate::parse_from_str(&format!("{key}-1"), "%G-W%V-%u")
            .map(|d| format!("from {d}"))
            .unwrap_or_default(),
        SalesBy::Month => NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
            .map(|d| d.format("%B %Y").to_string())
            .unwrap_or_default(),
        SalesBy::Weekday => {
            let mut l = key.clone();
            if let Some(f) = l.get_mut(0..1) {
                f.make_ascii_uppercase();
            }
            l
        }
        // The key is the date; the label its weekday.
        SalesBy::Day => NaiveDate::parse_from_str(&key, "%Y-%m-%d")
            .map(|d| d.format("%a").to_string())
            .unwrap_or_default(),
        _ => key.clone(),
    };
    (key, label)
}

struct Money {
    gross: Decimal,
    discounts: Decimal,
    refunds: Decimal,
    net: Decimal,
    tax: Decimal,
    cost: Decimal,
    margin: Decimal,
}

fn money(s: &Sums, c: &Currency) -> Money {
    let net = s.gross - s.discounts - s.refunds;
    Money {
        gross: amount(s.gross, c),
        discounts: amount(s.discounts, c),
        refunds: amount(s.refunds, c),
        net: amount(net, c),
        tax: amount(s.tax - s.refund_tax, c),
        cost: amount(s.cost, c),
        margin: amount(net - s.tax_included - s.cost, c),
    }
}

fn sales_row(key: String, label: String, s: &Sums, c: &Currency) -> SalesRow {
    let m = money(s, c);
    SalesRow {
        key,
        label,
        orders: s.orders,
        items: s.items,
        gross: m.gross,
        discounts: m.discounts,
        refunds: m.refunds,
        net: m.net,
        tax: m.tax,
        cost: m.cost,
        margin: m.margin,
    }
}

fn totals(s: &Sums, c: &Currency) -> SalesTotals {
    let m = money(s, c);
    let average_basket = if s.orders > 0 {
        c.round(amount(s.gross - s.discounts, c) / Decimal::from(s.orders))
    } else {
        c.round(Decimal::ZERO)
    };
    SalesTotals {
        orders: s.orders,
        items: s.items,
        gross: m.gross,
        discounts: m.discounts,
        refunds: m.refunds,
        net: m.net,
        tax: m.tax,
        cost: m.cost,
        margin: m.margin,
        average_basket,
        estimated_lines: s.estimated,
    }
}

fn margin_row(key: String, label: String, s: &Sums, c: &Currency) -> MarginRow {
    let m = money(s, c);
    MarginRow {
        key,
        label,
        items: s.items,
        net: m.net,
        cost: m.cost,
        margin: m.margin,
        margin_percent: percent(m.margin, m.net),
        estimated_lines: s.estimated,
    }
}

/// `part` as a percent of `whole`, one decimal; `None` for a zero whole.
pub(super) fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    (!whole.is_zero()).then(|| super::fixed(part * Decimal::ONE_HUNDRED / whole, 1))
}

fn change(now: &SalesTotals, before: &SalesTotals) -> SalesChange {
    let pct = |a: Decimal, b: Decimal| percent(a - b, b.abs());
    let n = |a: i64, b: i64| pct(Decimal::from(a), Decimal::from(b));
    SalesChange {
        orders: n(now.orders, before.orders),
        items: n(now.items, before.items),
        gross: pct(now.gross, before.gross),
        discounts: pct(now.discounts, before.discounts),
        refunds: pct(now.refunds, before.refunds),
        net: pct(now.net, before.net),
        tax: pct(now.tax, before.tax),
        cost: pct(now.cost, before.cost),
        margin: pct(now.margin, before.margin),
        average_basket: pct(now.average_basket, before.average_basket),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_whole_days_are_local_days_before() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        // 2026-03-30 .. 2026-04-01 (two local days) after the spring change.
        let from = crate::locale::day_start(tz, NaiveDate::from_ymd_opt(2026, 3, 30).unwrap());
        let to = crate::locale::day_start(tz, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        let (f, t) = compare_period(tz, from, to, Compare::Previous);
        assert_eq!(
            f,
            crate::locale::day_start(tz, NaiveDate::from_ymd_opt(2026, 3, 28).unwrap())
        );
        assert_eq!(t, from);
        // 28 and 29 March hold 47 hours: the clocks went forward.
        assert_eq!((t - f).num_hours(), 47);
    }

    #[test]
    fn last_year_of_a_leap_day_is_the_28th() {
        let tz: Tz = "UTC".parse().unwrap();
        let d = crate::locale::day_start(tz, NaiveDate::from_ymd_opt(2028, 2, 29).unwrap());
        assert_eq!(
            year_before(tz, d),
            crate::locale::day_start(tz, NaiveDate::from_ymd_opt(2027, 2, 28).unwrap())
        );
    }
}
