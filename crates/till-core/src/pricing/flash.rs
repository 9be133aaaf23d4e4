//! Flash sales: time-boxed prices on SKUs and categories, once or every week.
//!
//! Whether a sale is on is computed from the time asked about; nothing is
//! switched on or off by a job. A weekly sale repeats the first window's
//! local wall-clock times in the store's time zone, so "Fridays 17:00-19:00"
//! stays 17:00-19:00 across daylight-saving changes.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::Field;
use crate::money::Currency;
use crate::pricing::rules::describe_multiplier;
use crate::roles::Permission;
#[cfg(test)]
use crate::store::parse_ts;
use crate::store::{ts, Store};
use crate::stored::{self, Damage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum FlashEffect {
    /// Price x M.
    Multiplier(Decimal),
    /// A fixed unit price.
    Price(Decimal),
}

impl FlashEffect {
    pub fn apply(&self, price: Decimal) -> Decimal {
        match *self {
            FlashEffect::Multiplier(m) => price * m,
            FlashEffect::Price(p) => p,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FlashStatus {
    Upcoming,
    Active,
    Past,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FlashSale {
    pub id: i64,
    pub name: String,
    pub skus: Vec<String>,
    pub categories: Vec<String>,
    pub effect: FlashEffect,
    /// First window, start inclusive, end exclusive.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub weekly: bool,
    pub time_zone: String,
    pub cancelled_at: Option<String>,
}

/// A flash sale with where it stands at the time asked about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FlashSaleView {
    #[serde(flatten)]
    pub sale: FlashSale,
    pub status: FlashStatus,
    /// The current window when active, else the next one (none when past).
    pub window_start: Option<String>,
    pub window_end: Option<String>,
}

#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct FlashSaleInput {
    pub name: String,
    #[serde(default)]
    pub skus: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    pub effect: FlashEffect,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    pub weekly: bool,
}

/// Local wall-clock time -> UTC. In a DST gap the window starts when the
/// clock jumps; in a repeated hour, at its first occurrence.
fn to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        LocalResult::None => {
            let mut probe = local;
            for _ in 0..180 {
                probe += Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            tz.from_utc_datetime(&local).with_timezone(&Utc)
        }
    }
}

const WEEK_SECS: i64 = 7 * 24 * 3600;

impl FlashSale {
    fn tz(&self) -> Tz {
        // Checked when the row was read (`load_sales`).
        self.time_zone.parse().unwrap_or(Tz::UTC)
    }

    /// The k-th weekly window (k = 0 is the first).
    fn occurrence(&self, k: i64) -> (DateTime<Utc>, DateTime<Utc>) {
        if k == 0 || !self.weekly {
            return (self.starts_at, self.ends_at);
        }
        let tz = self.tz();
        let ls = self.starts_at.with_timezone(&tz).naive_local() + Duration::weeks(k);
        let le = self.ends_at.with_timezone(&tz).naive_local() + Duration::weeks(k);
        (to_utc(tz, ls), to_utc(tz, le))
    }

    /// The window containing `at`, if the sale is on then.
    pub fn window_at(&self, at: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.cancelled_at.is_some() || at < self.starts_at {
            return None;
        }
        if !self.weekly {
            return (at < self.ends_at).then_some((self.starts_at, self.ends_at));
        }
        let k0 = (at - self.starts_at).num_seconds() / WEEK_SECS;
        (k0 - 1..=k0 + 1)
            .filter(|k| *k >= 0)
            .map(|k| self.occurrence(k))
            .find(|(s, e)| *s <= at && at < *e)
    }

    /// The first window starting after `at`.
    pub fn next_window(&self, at: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.cancelled_at.is_some() {
            return None;
        }
        if at < self.starts_at {
            return Some((self.starts_at, self.ends_at));
        }
        if !self.weekly {
            return None;
        }
        let k0 = (at - self.starts_at).num_seconds() / WEEK_SECS;
        (k0..=k0 + 2)
            .map(|k| self.occurrence(k))
            .find(|(s, _)| *s > at)
    }

    pub fn status(&self, at: DateTime<Utc>) -> FlashStatus {
        if self.cancelled_at.is_some() {
            FlashStatus::Cancelled
        } else if self.window_at(at).is_some() {
            FlashStatus::Active
        } else if self.next_window(at).is_some() {
            FlashStatus::Upcoming
        } else {
            FlashStatus::Past
        }
    }

    pub fn view(&self, at: DateTime<Utc>) -> FlashSaleView {
        let status = self.status(at);
        let window = self.window_at(at).or_else(|| self.next_window(at));
        FlashSaleView {
            sale: self.clone(),
            status,
            window_start: window.map(|w| ts(w.0)),
            window_end: window.map(|w| ts(w.1)),
        }
    }

    pub fn describe(&self, c: &Currency) -> String {
        match self.effect {
            FlashEffect::Multiplier(m) => {
                format!("flash sale {} {}", self.name, describe_multiplier(m))
            }
            FlashEffect::Price(p) => format!("flash sale {} at {}", self.name, c.round(p)),
        }
    }
}

/// "18:00" when `end` is on the same local day as `now`, else "Fri 27 Nov 18:00".
pub fn local_time_label(end: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let e = end.with_timezone(&tz);
    if e.date_naive() == now.with_timezone(&tz).date_naive() {
        e.format("%H:%M").to_string()
    } else {
        e.format("%a %d %b %H:%M").to_string()
    }
}

/// The flash sales Till can read, and the damage of those it cannot: one
/// unreadable row is left out of pricing and reported, never a reason to
/// stop selling.
fn load_sales(
    conn: &Connection,
    live_only: bool,
    only: Option<i64>,
) -> Result<(Vec<FlashSale>, Vec<Damage>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, effect, value, starts_at, ends_at, weekly, time_zone, cancelled_at FROM flash_sales
         WHERE (?1 = 0 OR cancelled_at IS NULL) AND (?2 IS NULL OR id = ?2) ORDER BY starts_at, id",
    )?;
    let rows = stmt.query_map(params![live_only, only], |r| {
        let effect = stored::parse_with(r, 2, |e| match e {
            "price" => Ok(FlashEffect::Price as fn(Decimal) -> FlashEffect),
            "multiplier" => Ok(FlashEffect::Multiplier),
            _ => Err("which is neither price nor multiplier".into()),
        })?;
        Ok(FlashSale {
            id: r.get(0)?,
            name: r.get(1)?,
            skus: Vec::new(),
            categories: Vec::new(),
            effect: effect(stored::decimal(r, 3)?),
            starts_at: stored::time(r, 4)?,
            ends_at: stored::time(r, 5)?,
            weekly: r.get(6)?,
            time_zone: stored::parse_with(r, 7, |t| {
                t.parse::<Tz>()
                    .map(|_| t.to_string())
                    .map_err(|_| "which is not a time zone".to_string())
            })?,
            cancelled_at: r.get(8)?,
        })
    })?;
    let (mut out, damaged) = stored::split_damaged(rows)?;
    let mut targets = conn.prepare_cached(
        "SELECT kind, value FROM flash_sale_targets WHERE flash_sale_id = ?1 ORDER BY kind, value",
    )?;
    for sale in &mut out {
        for t in targets.query_map([sale.id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (kind, v) = t?;
            if kind == "sku" {
                sale.skus.push(v)
            } else {
                sale.categories.push(v)
            }
        }
    }
    Ok((out, damaged))
}

/// Every sale, cancelled ones too, and the damage of those that cannot be read.
pub(crate) fn load_all_sales(conn: &Connection) -> Result<(Vec<FlashSale>, Vec<Damage>)> {
    load_sales(conn, false, None)
}

/// Sales that can still set a price (not cancelled), and the damage of
/// those that cannot be read.
pub(crate) fn load_live_sales(conn: &Connection) -> Result<(Vec<FlashSale>, Vec<Damage>)> {
    load_sales(conn, true, None)
}

impl Store {
    fn check_flash(&self, input: &FlashSaleInput) -> Result<(String, Vec<String>, Vec<String>)> {
        let name = crate::input::text(Field::Name, &input.name, crate::input::TextKind::Name)?;
        if input.skus.is_empty() && input.categories.is_empty() {
            return Err(Error::invalid(
                Field::Effect,
                "name at least one SKU or category",
            ));
        }
        let mut skus = Vec::new();
        for s in &input.skus {
            skus.push(self.product_by_code(s)?.sku);
        }
        let mut categories = Vec::new();
        for c in &input.categories {
            let c = c.trim().to_string();
            let exists: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM products WHERE category = ?1)",
                [&c],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(Error::invalid(
                    Field::Category,
                    format!("no product is in category {c:?}"),
                ));
            }
            categories.push(c);
        }
        skus.sort();
        skus.dedup();
        categories.sort();
        categories.dedup();
        match input.effect {
            FlashEffect::Multiplier(m) if m > Decimal::ONE_HUNDRED => {
                return Err(Error::invalid(
                    Field::Multiplier,
                    format!("{m} is more than 100 times the price"),
                ))
            }
            FlashEffect::Multiplier(m) if m <= Decimal::ZERO => {
                return Err(Error::invalid(
                    Field::Multiplier,
                    format!("{m} must be greater than 0"),
                ))
            }
            FlashEffect::Multiplier(m) if m == Decimal::ONE => {
                return Err(Error::invalid(
                    Field::Multiplier,
                    "1 would leave prices unchanged",
                ))
            }
            FlashEffect::Price(p) => {
                self.check_amount(Field::Price, p)?;
            }
            _ => {}
        }
        crate::input::check_time(Field::Start, input.starts_at)?;
        crate::input::check_time(Field::End, input.ends_at)?;
        if input.ends_at <= input.starts_at {
            return Err(Error::invalid(
                Field::End,
                format!(
                    "{} is not after the start {}",
                    ts(input.ends_at),
                    ts(input.starts_at)
                ),
            ));
        }
        if input.weekly && input.ends_at - input.starts_at >= Duration::weeks(1) {
            return Err(Error::invalid(
                Field::Weekly,
                "a weekly sale's window must be shorter than a week",
            ));
        }
        Ok((name, skus, categories))
    }

    fn write_targets(
        conn: &Connection,
        id: i64,
        skus: &[String],
        categories: &[String],
    ) -> Result<()> {
        conn.execute(
            "DELETE FROM flash_sale_targets WHERE flash_sale_id = ?1",
            [id],
        )?;
        for s in skus {
            conn.execute("INSERT INTO flash_sale_targets (flash_sale_id, kind, value) VALUES (?1, 'sku', ?2)", params![id, s])?;
        }
        for c in categories {
            conn.execute("INSERT INTO flash_sale_targets (flash_sale_id, kind, value) VALUES (?1, 'category', ?2)", params![id, c])?;
        }
        Ok(())
    }

    fn effect_parts(&self, e: FlashEffect) -> (&'static str, String) {
        match e {
            FlashEffect::Multiplier(m) => ("multiplier", m.normalize().to_string()),
            FlashEffect::Price(p) => ("price", self.settings.currency.round(p).to_string()),
        }
    }

    pub fn create_flash_sale(&mut self, input: FlashSaleInput) -> Result<FlashSale> {
        let auth = self.require(Permission::ManagePricing)?;
        let (name, skus, categories) = self.check_flash(&input)?;
        let (effect, value) = self.effect_parts(input.effect);
        let at = self.now();
        let now = ts(at);
        let tz = self.settings.time_zone.clone();
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO flash_sales (name, effect, value, starts_at, ends_at, weekly, time_zone, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![name, effect, value, ts(input.starts_at), ts(input.ends_at), input.weekly, tz, now],
        )?;
        let id = tx.last_insert_rowid();
        Self::write_targets(&tx, id, &skus, &categories)?;
        let detail = flash_detail(&name, effect, &value, &input, &skus, &categories);
        crate::audit::record(
            &tx,
            &auth,
            at,
            "flash_sale.create",
            Some(&id.to_string()),
            detail,
        )?;
        tx.commit()?;
        self.flash_sale_row(id)
    }

    /// Whether sale `id` exists and when it was cancelled; reads nothing
    /// else, so a damaged sale can still be edited back into shape,
    /// cancelled or deleted.
    fn flash_cancelled_at(&self, id: i64) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT cancelled_at FROM flash_sales WHERE id = ?1",
                [id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .ok_or_else(|| Error::not_found("flash sale", id.to_string()))
    }

    /// Changes a sale that has not been cancelled; takes effect at once.
    /// Every field but the time zone is given, so this also repairs a sale
    /// whose times or price could not be read.
    pub fn update_flash_sale(&mut self, id: i64, input: FlashSaleInput) -> Result<FlashSale> {
        let auth = self.require(Permission::ManagePricing)?;
        if self.flash_cancelled_at(id)?.is_some() {
            return Err(Error::Refused(format!(
                "flash sale {id} was cancelled; create a new one"
            )));
        }
        let (name, skus, categories) = self.check_flash(&input)?;
        let (effect, value) = self.effect_parts(input.effect);
        let at = self.now();
        let now = ts(at);
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE flash_sales SET name = ?1, effect = ?2, value = ?3, starts_at = ?4, ends_at = ?5, weekly = ?6, updated_at = ?7 WHERE id = ?8",
            params![name, effect, value, ts(input.starts_at), ts(input.ends_at), input.weekly, now, id],
        )?;
        Self::write_targets(&tx, id, &skus, &categories)?;
        let detail = flash_detail(&name, effect, &value, &input, &skus, &categories);
        crate::audit::record(
            &tx,
            &auth,
            at,
            "flash_sale.update",
            Some(&id.to_string()),
            detail,
        )?;
        tx.commit()?;
        self.flash_sale_row(id)
    }

    /// Cancels a sale: it stops applying at once, and stays listed as
    /// cancelled. A sale that cannot be read can be cancelled too (the
    /// answer is then `None`).
    pub fn cancel_flash_sale(&mut self, id: i64) -> Result<Option<FlashSale>> {
        let auth = self.require(Permission::ManagePricing)?;
        if self.flash_cancelled_at(id)?.is_some() {
            return Err(Error::Refused(format!(
                "flash sale {id} is already cancelled"
            )));
        }
        let at = self.now();
        let now = ts(at);
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE flash_sales SET cancelled_at = ?1, updated_at = ?1 WHERE id = ?2",
            params![now, id],
        )?;
        crate::audit::record(
            &tx,
            &auth,
            at,
            "flash_sale.cancel",
            Some(&id.to_string()),
            serde_json::json!({}),
        )?;
        tx.commit()?;
        match self.flash_sale_row(id) {
            Ok(s) => Ok(Some(s)),
            Err(Error::Damaged(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes a sale for good (receipts keep the price notes it gave).
    /// The way to be rid of a sale that cannot be read.
    pub fn delete_flash_sale(&mut self, id: i64) -> Result<()> {
        let auth = self.require(Permission::ManagePricing)?;
        self.flash_cancelled_at(id)?;
        let at = self.now();
        let tx = self.write_tx()?;
        tx.execute("DELETE FROM flash_sales WHERE id = ?1", [id])?;
        crate::audit::record(
            &tx,
            &auth,
            at,
            "flash_sale.delete",
            Some(&id.to_string()),
            serde_json::json!({}),
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn flash_sale(&self, id: i64) -> Result<FlashSale> {
        self.require(Permission::LookUp)?;
        self.flash_sale_row(id)
    }

    fn flash_sale_row(&self, id: i64) -> Result<FlashSale> {
        self.flash_cancelled_at(id)?;
        let (mut sales, mut damaged) = load_sales(&self.conn, false, Some(id))?;
        match (sales.pop(), damaged.pop()) {
            (Some(s), _) => Ok(s),
            (None, Some(d)) => Err(Error::Damaged(d)),
            (None, None) => Err(Error::not_found("flash sale", id.to_string())),
        }
    }

    /// Every flash sale Till can read, cancelled ones too, with its status
    /// at `at`; and the damage of those it cannot read.
    pub fn flash_sales(&self, at: DateTime<Utc>) -> Result<FlashSaleList> {
        self.require(Permission::LookUp)?;
        let (sales, damaged) = load_sales(&self.conn, false, None)?;
        Ok(FlashSaleList {
            sales: sales.iter().map(|s| s.view(at)).collect(),
            damaged,
        })
    }
}

/// The flash sales screen: what can be read, and what cannot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FlashSaleList {
    pub sales: Vec<FlashSaleView>,
    pub damaged: Vec<Damage>,
}

/// What a flash sale was set to, for the audit trail.
fn flash_detail(
    name: &str,
    effect: &str,
    value: &str,
    input: &FlashSaleInput,
    skus: &[String],
    categories: &[String],
) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "effect": effect,
        "value": value,
        "starts_at": ts(input.starts_at),
        "ends_at": ts(input.ends_at),
        "weekly": input.weekly,
        "skus": skus,
        "categories": categories,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sale(start: &str, end: &str, weekly: bool, tz: &str) -> FlashSale {
        FlashSale {
            id: 1,
            name: "t".into(),
            skus: vec!["A".into()],
            categories: vec![],
            effect: FlashEffect::Multiplier(Decimal::new(75, 2)),
            starts_at: parse_ts(Field::Start, start).unwrap(),
            ends_at: parse_ts(Field::End, end).unwrap(),
            weekly,
            time_zone: tz.into(),
            cancelled_at: None,
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        parse_ts(Field::At, s).unwrap()
    }

    #[test]
    fn start_inclusive_end_exclusive() {
        let s = sale("2026-11-27T16:00:00Z", "2026-11-27T18:00:00Z", false, "UTC");
        assert!(s.window_at(t("2026-11-27T15:59:59.999Z")).is_none());
        assert!(s.window_at(t("2026-11-27T16:00:00Z")).is_some());
        assert!(s.window_at(t("2026-11-27T17:59:59.999Z")).is_some());
        assert!(s.window_at(t("2026-11-27T18:00:00Z")).is_none());
        assert_eq!(s.status(t("2026-11-28T00:00:00Z")), FlashStatus::Past);
    }

    #[test]
    fn weekly_keeps_local_time_across_dst() {
        // Fridays 17:00-19:00 Europe/Berlin; CEST (UTC+2) on 23 Oct 2026, CET (UTC+1) after 25 Oct.
        let s = sale(
            "2026-10-23T15:00:00Z",
            "2026-10-23T17:00:00Z",
            true,
            "Europe/Berlin",
        );
        assert!(s.window_at(t("2026-10-23T15:30:00Z")).is_some());
        // One week later the clocks went back: 17:00 local is 16:00 UTC.
        assert!(s.window_at(t("2026-10-30T15:30:00Z")).is_none());
        assert!(s.window_at(t("2026-10-30T16:00:00Z")).is_some());
        assert!(s.window_at(t("2026-10-30T17:59:00Z")).is_some());
        assert!(s.window_at(t("2026-10-30T18:00:00Z")).is_none());
        // And in spring, back to UTC+2.
        assert!(s.window_at(t("2027-04-02T15:00:00Z")).is_some());
        assert!(s.window_at(t("2027-04-02T17:00:00Z")).is_none());
        assert_eq!(
            s.next_window(t("2026-10-24T00:00:00Z")).unwrap().0,
            t("2026-10-30T16:00:00Z")
        );
    }
}
