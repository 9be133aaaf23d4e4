//! Bundles: items sold together at a discount.
//!
//! * Offers the owner defines or approves (`bundles` table), with a percent
//!   off the items' unit prices (default 10%) or a fixed price per set, and
//!   an optional validity window.
//! * Suggestions learned from the shop's own baskets by the exact miner
//!   (`till-mining`): pairs and triples ranked by lift and confidence, minus
//!   what the owner dismissed or already offers.
//! * "Often bought with": the companions of one product, counted live from
//!   the order history.
//!
//! Which bundles a cart gets is decided by the pure [`pricing::best`].

pub mod pricing;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::path::Path;

use till_mining::{Format, MiningResult, Params, Transactions};

use crate::error::{Error, Result};
use crate::input::Field;
use crate::money::Currency;
use crate::permissions::Authority;
use crate::roles::Permission;
use crate::store::{ts, Store};
use crate::stored::{self, Damage};

pub use pricing::{AppliedBundle, BundleDef, BundleLine, BundleOffer, BundlePricing};

/// The percentage a bundle gives when the owner does not say.
pub const DEFAULT_PERCENT_OFF: Decimal = Decimal::TEN;

impl BundleOffer {
    /// From the CLI's `--percent-off P` / `--price P` (at most one); neither
    /// is the default 10% off.
    pub fn parse(
        currency: &Currency,
        percent_off: Option<&str>,
        price: Option<&str>,
    ) -> Result<Option<BundleOffer>> {
        let offer = match (percent_off, price) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    Field::PercentOff,
                    "give a percent off or a price, not both",
                ))
            }
            (Some(p), None) => Some(BundleOffer::PercentOff(
                crate::money::parse_decimal(Field::PercentOff, p.trim().trim_end_matches('%'))?
                    .normalize(),
            )),
            (None, Some(p)) => Some(BundleOffer::Price(
                currency.parse_non_negative(Field::Price, p)?,
            )),
            (None, None) => None,
        };
        if let Some(o) = &offer {
            o.validate(currency)?;
        }
        Ok(offer)
    }

    pub fn validate(&self, currency: &Currency) -> Result<()> {
        match self {
            BundleOffer::PercentOff(p) if *p <= Decimal::ZERO || *p > Decimal::ONE_HUNDRED => {
                Err(Error::invalid(
                    Field::PercentOff,
                    format!("{p} must be more than 0 and at most 100"),
                ))
            }
            BundleOffer::Price(p) if *p < Decimal::ZERO => Err(Error::invalid(
                Field::Price,
                format!("{p} must not be negative"),
            )),
            BundleOffer::Price(p) => {
                crate::money::check_magnitude(Field::Price, *p)?;
                if p.normalize().scale() > currency.minor_units {
                    return Err(Error::invalid(
                        Field::Price,
                        format!("{p} has more decimals than {} allows", currency.code),
                    ));
                }
                Ok(())
            }
            BundleOffer::PercentOff(_) => Ok(()),
        }
    }

    /// What one set costs when its items cost `regular`.
    pub fn set_price(&self, currency: &Currency, regular: Decimal) -> Decimal {
        match self {
            BundleOffer::PercentOff(p) => {
                regular - currency.round(regular * *p / Decimal::ONE_HUNDRED)
            }
            BundleOffer::Price(p) => (*p).min(regular),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BundleItem {
    pub sku: String,
    pub name: String,
    pub qty: i64,
    /// The product's base price.
    pub unit_price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Bundle {
    pub id: i64,
    pub name: String,
    pub items: Vec<BundleItem>,
    pub offer: BundleOffer,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    pub active: bool,
    /// `manual` or `suggestion` (approved from a suggestion).
    pub source: String,
    /// One set at the items' base prices.
    pub regular_price: Decimal,
    /// One set with the bundle, at base prices.
    pub bundle_price: Decimal,
    /// Active and inside its window now.
    pub live: bool,
    pub created_at: String,
}

/// The bundles, and those that cannot be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BundleList {
    pub bundles: Vec<Bundle>,
    pub damaged: Vec<Damage>,
}

/// A new bundle. Items are SKUs or barcodes with units per set.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct BundleInput {
    pub name: String,
    pub items: Vec<(String, i64)>,
    /// `None`: 10% off.
    #[serde(default)]
    pub offer: Option<BundleOffer>,
    #[serde(default)]
    pub valid_from: Option<DateTime<Utc>>,
    #[serde(default)]
    pub valid_until: Option<DateTime<Utc>>,
}

/// Changes to a bundle; `None` leaves a field as it is, `Some(None)` clears
/// a window end.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct BundleUpdate {
    pub name: Option<String>,
    pub items: Option<Vec<(String, i64)>>,
    pub offer: Option<BundleOffer>,
    pub valid_from: Option<Option<DateTime<Utc>>>,
    pub valid_until: Option<Option<DateTime<Utc>>>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SuggestedItem {
    pub sku: String,
    pub name: String,
    pub price: Decimal,
}

/// A bundle the baskets suggest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Suggestion {
    /// The SKUs joined by "+", sorted: what `approve` and `dismiss` take.
    pub key: String,
    pub items: Vec<SuggestedItem>,
    /// Baskets holding all the items.
    pub support_count: u64,
    pub support: f64,
    /// The strongest rule within the items.
    pub confidence: f64,
    pub lift: f64,
    /// The items at base prices, and with the default 10% off.
    pub regular_price: Decimal,
    pub suggested_price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Suggestions {
    pub transactions: u64,
    pub suggestions: Vec<Suggestion>,
}

/// A product often bought with another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Companion {
    pub sku: String,
    pub name: String,
    /// Its price now.
    pub price: Decimal,
    /// Orders that held both.
    pub together: i64,
    /// Of the orders that held the first product, the share that also held
    /// this one.
    pub confidence: f64,
}

/// Thresholds of `suggest`, as decimal strings (exact, like the miner's).
#[derive(Debug, Clone)]
pub struct SuggestParams {
    pub min_support: String,
    pub min_confidence: String,
    /// Only suggestions holding this SKU.
    pub sku: Option<String>,
    pub limit: usize,
}

impl Default for SuggestParams {
    fn default() -> Self {
        SuggestParams {
            min_support: "0.01".into(),
            min_confidence: "0.2".into(),
            sku: None,
            limit: 20,
        }
    }
}

/// Largest bundle the suggestions propose (pairs and triples).
pub const SUGGEST_MAX_ITEMS: usize = 3;

/// "A+B" for a set of SKUs, in byte order.
pub fn items_key<S: AsRef<str>>(skus: &[S]) -> String {
    let mut v: Vec<&str> = skus.iter().map(|s| s.as_ref()).collect();
    v.sort_unstable();
    v.dedup();
    v.join("+")
}

/// The offer in columns `at` (percent_off) and `at + 1` (price): exactly
/// one of them is set.
fn offer_at(r: &rusqlite::Row, at: usize) -> rusqlite::Result<BundleOffer> {
    let percent = stored::opt_decimal(r, at)?;
    let price = stored::opt_decimal(r, at + 1)?;
    match (percent, price) {
        (Some(p), None) => Ok(BundleOffer::PercentOff(p)),
        (None, Some(p)) => Ok(BundleOffer::Price(p)),
        _ => stored::parse_with(r, at, |_| {
            Err("and the price column too: a bundle has exactly one of them".to_string())
        }),
    }
}

fn offer_columns(offer: &BundleOffer) -> (Option<String>, Option<String>) {
    match offer {
        BundleOffer::PercentOff(p) => (Some(p.normalize().to_string()), None),
        BundleOffer::Price(p) => (None, Some(p.to_string())),
    }
}

/// An active bundle with its window.
#[derive(Debug, Clone)]
pub(crate) struct WindowedBundle {
    def: BundleDef,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

impl WindowedBundle {
    fn live_at(&self, at: DateTime<Utc>) -> bool {
        in_window(self.from, self.until, at)
    }
}

/// Whether `at` is inside a window whose ends are optional; the end is
/// exclusive.
fn in_window(from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>, at: DateTime<Utc>) -> bool {
    from.is_none_or(|f| f <= at) && until.is_none_or(|u| u > at)
}

/// The active bundles Till can read, and the damage of those it cannot
/// (left out of checkout, reported on the Bundles screen and by doctor).
pub(crate) fn load_active(conn: &Connection) -> Result<(Vec<WindowedBundle>, Vec<Damage>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.id, b.name, b.percent_off, b.price, b.valid_from, b.valid_until, bi.product_id, bi.qty
         FROM bundles b JOIN bundle_items bi ON bi.bundle_id = b.id
         WHERE b.active = 1
         ORDER BY b.id, bi.product_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            offer_at(r, 2)?,
            stored::opt_time(r, 4)?,
            stored::opt_time(r, 5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, i64>(7)?,
        ))
    })?;
    let (rows, damaged) = stored::split_damaged(rows)?;
    let damaged = dedup_damage(damaged);
    let bad: HashSet<String> = damaged.iter().filter_map(|d| d.row.clone()).collect();
    let mut out: Vec<WindowedBundle> = Vec::new();
    for (id, name, offer, from, until, product, qty) in rows {
        if bad.contains(&id.to_string()) {
            continue;
        }
        match out.last_mut() {
            Some(b) if b.def.id == id => b.def.items.push((product, qty)),
            _ => out.push(WindowedBundle {
                def: BundleDef {
                    id,
                    name,
                    items: vec![(product, qty)],
                    offer,
                },
                from,
                until,
            }),
        }
    }
    Ok((out, damaged))
}

/// The damage of a bundle, and whether that bundle is switched on.
type SwitchedDamage = (Damage, bool);

/// A bundle is read once per item; its damage is reported once.
fn dedup_damage(mut damaged: Vec<Damage>) -> Vec<Damage> {
    let mut seen = HashSet::new();
    damaged.retain(|d| seen.insert((d.table.clone(), d.row.clone(), d.column.clone())));
    damaged
}

/// Records the bundles a sale got, inside the sale's transaction.
pub(crate) fn record_on_order(
    conn: &Connection,
    order_id: &str,
    applied: &[AppliedBundle],
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO order_bundles (order_id, bundle_id, name, times, discount) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for a in applied {
        stmt.execute(params![
            order_id,
            a.bundle_id,
            a.name,
            a.times,
            a.discount.to_string()
        ])?;
    }
    Ok(())
}

pub(crate) fn load_for_order(conn: &Connection, order_id: &str) -> Result<Vec<AppliedBundle>> {
    let mut stmt = conn.prepare_cached(
        "SELECT bundle_id, name, times, discount FROM order_bundles WHERE order_id = ?1 ORDER BY bundle_id",
    )?;
    let rows = stmt.query_map([order_id], |r| {
        Ok(AppliedBundle {
            bundle_id: r.get(0)?,
            name: r.get(1)?,
            times: r.get(2)?,
            discount: crate::stored::decimal(r, 3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Store {
    /// Checks a bundle's fields and resolves its items to product ids.
    fn bundle_items(&self, items: &[(String, i64)]) -> Result<Vec<(i64, i64)>> {
        if items.is_empty() {
            return Err(Error::invalid(
                Field::Item,
                "a bundle needs at least one item",
            ));
        }
        let out: Vec<(i64, i64)> = self
            .resolve_items(items)?
            .into_iter()
            .map(|(p, qty, _)| (p.id, qty))
            .collect();
        if out.iter().map(|(_, q)| q).sum::<i64>() < 2 {
            return Err(Error::invalid(
                Field::Item,
                "a bundle needs at least two units (two items, or one item x2 or more)",
            ));
        }
        Ok(out)
    }

    fn check_window(from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Result<()> {
        from.map(|t| crate::input::check_time(Field::From, t))
            .transpose()?;
        until
            .map(|t| crate::input::check_time(Field::Until, t))
            .transpose()?;
        if let (Some(f), Some(u)) = (from, until) {
            if u <= f {
                return Err(Error::invalid(
                    Field::Until,
                    format!("{} is not after the start {}", ts(u), ts(f)),
                ));
            }
        }
        Ok(())
    }

    fn check_name(name: &str) -> Result<String> {
        crate::input::text(Field::Name, name, crate::input::TextKind::Name)
    }

    pub fn create_bundle(&mut self, input: BundleInput) -> Result<Bundle> {
        let auth = self.require(Permission::ManageProducts)?;
        self.insert_bundle(input, "manual", &auth)
    }

    fn insert_bundle(
        &mut self,
        input: BundleInput,
        source: &str,
        auth: &Authority,
    ) -> Result<Bundle> {
        let name = Self::check_name(&input.name)?;
        self.check_limit("bundles", Decimal::ONE)?;
        let items = self.bundle_items(&input.items)?;
        let offer = input
            .offer
            .unwrap_or(BundleOffer::PercentOff(DEFAULT_PERCENT_OFF));
        offer.validate(&self.settings.currency)?;
        Self::check_window(input.valid_from, input.valid_until)?;
        let at = self.now();
        let now = ts(at);
        let (percent, price) = offer_columns(&offer);
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO bundles (name, percent_off, price, valid_from, valid_until, source, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![
                name,
                percent,
                price,
                input.valid_from.map(ts),
                input.valid_until.map(ts),
                source,
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        insert_items(&tx, id, &items)?;
        crate::audit::record(
            &tx,
            auth,
            at,
            "bundle.create",
            Some(&id.to_string()),
            serde_json::json!({
                "name": name,
                "source": source,
                "percent_off": percent,
                "price": price,
                "items": input.items.iter().map(|(code, qty)| serde_json::json!([code, qty])).collect::<Vec<_>>(),
                "valid_from": input.valid_from.map(ts),
                "valid_until": input.valid_until.map(ts),
            }),
        )?;
        tx.commit()?;
        self.forget_bundles();
        self.bundle(id)
    }

    pub fn update_bundle(&mut self, id: i64, update: BundleUpdate) -> Result<Bundle> {
        let auth = self.require(Permission::ManageProducts)?;
        let current = self.bundle(id)?;
        let name = match &update.name {
            Some(n) => Self::check_name(n)?,
            None => current.name.clone(),
        };
        let items = update
            .items
            .as_ref()
            .map(|i| self.bundle_items(i))
            .transpose()?;
        let offer = update.offer.clone().unwrap_or(current.offer.clone());
        offer.validate(&self.settings.currency)?;
        let parse = |t: &Option<String>| {
            t.as_deref()
                .map(|t| crate::store::parse_ts(Field::Until, t))
                .transpose()
        };
        let from = match update.valid_from {
            Some(v) => v,
            None => parse(&current.valid_from)?,
        };
        let until = match update.valid_until {
            Some(v) => v,
            None => parse(&current.valid_until)?,
        };
        Self::check_window(from, until)?;
        let active = update.active.unwrap_or(current.active);
        let at = self.now();
        let now = ts(at);
        let (percent, price) = offer_columns(&offer);
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE bundles SET name = ?1, percent_off = ?2, price = ?3, valid_from = ?4, valid_until = ?5, active = ?6, updated_at = ?7 WHERE id = ?8",
            params![name, percent, price, from.map(ts), until.map(ts), active, now, id],
        )?;
        if let Some(items) = &items {
            tx.execute("DELETE FROM bundle_items WHERE bundle_id = ?1", [id])?;
            insert_items(&tx, id, items)?;
        }
        crate::audit::record(
            &tx,
            &auth,
            at,
            "bundle.update",
            Some(&id.to_string()),
            serde_json::json!({
                "name": name,
                "percent_off": percent,
                "price": price,
                "items": update.items.as_ref().map(|i| i.iter().map(|(code, qty)| serde_json::json!([code, qty])).collect::<Vec<_>>()),
                "valid_from": from.map(ts),
                "valid_until": until.map(ts),
                "active": active,
            }),
        )?;
        tx.commit()?;
        self.forget_bundles();
        self.bundle(id)
    }

    /// Switches a bundle on or off without reading the rest of it, so a
    /// bundle that cannot be read can still be taken off the till.
    pub fn set_bundle_active(&mut self, id: i64, active: bool) -> Result<()> {
        let auth = self.require(Permission::ManageProducts)?;
        let at = self.now();
        let now = ts(at);
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE bundles SET active = ?1, updated_at = ?2 WHERE id = ?3",
            params![active, now, id],
        )?;
        if n == 0 {
            return Err(Error::not_found("bundle", id.to_string()));
        }
        crate::audit::record(
            &tx,
            &auth,
            at,
            if active {
                "bundle.activate"
            } else {
                "bundle.deactivate"
            },
            Some(&id.to_string()),
            serde_json::json!({}),
        )?;
        tx.commit()?;
        self.forget_bundles();
        Ok(())
    }

    pub fn bundle(&self, id: i64) -> Result<Bundle> {
        self.require(Permission::LookUp)?;
        let (mut found, mut damaged) = self.load_bundles(Some(id), true)?;
        match (found.pop(), damaged.pop()) {
            (Some(b), _) => Ok(b),
            (None, Some((d, _))) => Err(Error::Damaged(d)),
            (None, None) => Err(Error::not_found("bundle", id.to_string())),
        }
    }

    /// Bundles by id; inactive ones only with `all`. Bundles that cannot
    /// be read are left out: `bundle_list` has them.
    pub fn bundles(&self, all: bool) -> Result<Vec<Bundle>> {
        self.require(Permission::LookUp)?;
        Ok(self.load_bundles(None, all)?.0)
    }

    /// The bundles screen: bundles by id (inactive ones only with `all`),
    /// and the damage of switched-on bundles that cannot be read (left out
    /// of checkout until they are switched off; `till doctor` lists all).
    pub fn bundle_list(&self, all: bool) -> Result<BundleList> {
        self.require(Permission::LookUp)?;
        let (bundles, damaged) = self.load_bundles(None, all)?;
        let damaged = damaged
            .into_iter()
            .filter_map(|(d, active)| active.then_some(d))
            .collect();
        Ok(BundleList { bundles, damaged })
    }

    /// Bundles Till can read, and the damage of those it cannot (with
    /// whether that bundle is switched on).
    fn load_bundles(
        &self,
        only: Option<i64>,
        all: bool,
    ) -> Result<(Vec<Bundle>, Vec<SwitchedDamage>)> {
        let now = self.now();
        let currency = &self.settings.currency;
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.id, b.name, b.percent_off, b.price, b.valid_from, b.valid_until, b.active, b.source, b.created_at,
                    p.sku, p.name, bi.qty, p.price
             FROM bundles b JOIN bundle_items bi ON bi.bundle_id = b.id JOIN products p ON p.id = bi.product_id
             WHERE (?1 IS NULL OR b.id = ?1) AND (?2 OR b.active = 1)
             ORDER BY b.id, p.sku",
        )?;
        // Each row is one item of a bundle. A value that cannot be read
        // (the bundle's own, or an item's price) leaves the whole bundle out,
        // so no bundle is ever shown or priced without one of its items.
        let rows = stmt.query_map(params![only, all], |r| {
            let id: i64 = r.get(0)?;
            let active: bool = r.get(6)?;
            let read = || -> rusqlite::Result<_> {
                let from = stored::opt_time(r, 4)?;
                let until = stored::opt_time(r, 5)?;
                let bundle = Bundle {
                    id,
                    name: r.get(1)?,
                    items: Vec::new(),
                    offer: offer_at(r, 2)?,
                    valid_from: from.map(ts),
                    valid_until: until.map(ts),
                    active,
                    source: r.get(7)?,
                    regular_price: Decimal::ZERO,
                    bundle_price: Decimal::ZERO,
                    live: active && in_window(from, until, now),
                    created_at: r.get(8)?,
                };
                let item = BundleItem {
                    sku: r.get(9)?,
                    name: r.get(10)?,
                    qty: r.get(11)?,
                    unit_price: stored::decimal(r, 12)?,
                };
                Ok((bundle, item))
            };
            Ok((id, active, read().map_err(Error::from)))
        })?;
        let mut out: Vec<Bundle> = Vec::new();
        let mut damaged = Vec::new();
        let mut bad: HashSet<i64> = HashSet::new();
        for row in rows {
            match row? {
                (id, active, Err(Error::Damaged(d))) => {
                    bad.insert(id);
                    damaged.push((d, active));
                }
                (_, _, Err(e)) => return Err(e),
                (id, _, Ok((b, item))) => match out.last_mut() {
                    Some(last) if last.id == id => last.items.push(item),
                    _ => {
                        let mut b = b;
                        b.items.push(item);
                        out.push(b);
                    }
                },
            }
        }
        out.retain(|b| !bad.contains(&b.id));
        for b in &mut out {
            b.regular_price = currency.round(
                b.items
                    .iter()
                    .map(|i| i.unit_price * Decimal::from(i.qty))
                    .sum(),
            );
            b.bundle_price = b.offer.set_price(currency, b.regular_price);
        }
        let mut seen = HashSet::new();
        damaged.retain(|(d, _)| seen.insert((d.table.clone(), d.row.clone(), d.column.clone())));
        Ok((out, damaged))
    }

    /// Mines the shop's baskets and turns the rules into suggestions.
    pub fn bundle_suggestions(&self, p: &SuggestParams) -> Result<Suggestions> {
        self.require(Permission::Reports)?;
        let params = Params::parse(&p.min_support, &p.min_confidence, Some(SUGGEST_MAX_ITEMS))
            .map_err(|e| Error::invalid(Field::Thresholds, e.to_string()))?;
        let baskets = self.basket_transactions()?;
        if baskets.is_empty() {
            return Ok(Suggestions {
                transactions: 0,
                suggestions: Vec::new(),
            });
        }
        let tx = Transactions::from_baskets(&baskets);
        let result = till_mining::mine(&tx, &params, &till_mining::no_progress)
            .map_err(|e| Error::invalid(Field::Mining, e.to_string()))?;
        self.suggestions_from(&result, p.sku.as_deref(), p.limit)
    }

    /// Suggestions from a mining result whose items are SKUs: itemsets of
    /// two or three products with a rule that holds, ranked by lift, then
    /// confidence, then support; leaving out what was dismissed, what is
    /// already a bundle and items that are not (active) products.
    pub fn suggestions_from(
        &self,
        result: &MiningResult,
        sku: Option<&str>,
        limit: usize,
    ) -> Result<Suggestions> {
        self.require(Permission::Reports)?;
        let sku = sku
            .map(|s| self.product_by_code(s).map(|p| p.sku))
            .transpose()?;
        // The strongest rule per item set.
        let mut best: BTreeMap<Vec<String>, (u64, f64, f64)> = BTreeMap::new();
        for r in &result.rules {
            let mut items: Vec<String> =
                r.antecedent.iter().chain(&r.consequent).cloned().collect();
            if items.len() < 2 || items.len() > SUGGEST_MAX_ITEMS {
                continue;
            }
            items.sort_unstable();
            let e = best
                .entry(items)
                .or_insert((r.support_count, r.confidence, r.lift));
            if (r.confidence, r.lift) > (e.1, e.2) {
                *e = (r.support_count, r.confidence, r.lift);
            }
        }
        let dismissed: HashSet<String> = self
            .conn
            .prepare("SELECT items_key FROM bundle_dismissals")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let offered: HashSet<String> = self
            .bundles(false)?
            .iter()
            .map(|b| items_key(&b.items.iter().map(|i| i.sku.as_str()).collect::<Vec<_>>()))
            .collect();
        let currency = &self.settings.currency;
        let mut products: HashMap<String, Option<SuggestedItem>> = HashMap::new();
        let mut out = Vec::new();
        for (items, (count, confidence, lift)) in best {
            if let Some(s) = &sku {
                if !items.contains(s) {
                    continue;
                }
            }
            let key = items_key(&items);
            if dismissed.contains(&key) || offered.contains(&key) {
                continue;
            }
            let mut resolved = Vec::with_capacity(items.len());
            for it in &items {
                let entry = match products.get(it) {
                    Some(e) => e.clone(),
                    None => {
                        let e = self
                            .conn
                            .query_row(
                                "SELECT sku, name, price FROM products WHERE sku = ?1 AND active = 1",
                                [it],
                                |r| {
                                    Ok(SuggestedItem {
                                        sku: r.get(0)?,
                                        name: r.get(1)?,
                                        price: crate::stored::decimal(r, 2)?,
                                    })
                                },
                            )
                            .optional()?;
                        products.insert(it.clone(), e.clone());
                        e
                    }
                };
                match entry {
                    Some(e) => resolved.push(e),
                    None => break,
                }
            }
            if resolved.len() != items.len() {
                continue;
            }
            let regular = currency.round(resolved.iter().map(|i| i.price).sum());
            out.push(Suggestion {
                key,
                items: resolved,
                support_count: count,
                support: count as f64 / result.transactions.max(1) as f64,
                confidence,
                lift,
                regular_price: regular,
                suggested_price: BundleOffer::PercentOff(DEFAULT_PERCENT_OFF)
                    .set_price(currency, regular),
            });
        }
        out.sort_by(|a, b| {
            b.lift
                .total_cmp(&a.lift)
                .then(b.confidence.total_cmp(&a.confidence))
                .then(b.support_count.cmp(&a.support_count))
                .then(a.key.cmp(&b.key))
        });
        out.truncate(limit);
        Ok(Suggestions {
            transactions: result.transactions,
            suggestions: out,
        })
    }

    /// Splits a suggestion key ("A+B") into existing SKUs.
    fn key_items(&self, key: &str) -> Result<Vec<String>> {
        let skus: Vec<&str> = key
            .split('+')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if skus.len() < 2 {
            return Err(Error::invalid(
                Field::Key,
                format!("{key:?} is not a suggestion key; keys look like SKU1+SKU2"),
            ));
        }
        let mut out: Vec<String> = skus
            .iter()
            .map(|s| self.product_row(s).map(|p| p.sku))
            .collect::<Result<_>>()?;
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Turns a suggestion into a bundle (one of each item; default name
    /// "A + B", default 10% off).
    pub fn approve_suggestion(
        &mut self,
        key: &str,
        name: Option<String>,
        offer: Option<BundleOffer>,
        valid_from: Option<DateTime<Utc>>,
        valid_until: Option<DateTime<Utc>>,
    ) -> Result<Bundle> {
        let auth = self.require(Permission::ManageProducts)?;
        let skus = self.key_items(key)?;
        let name = match name {
            Some(n) => n,
            None => {
                let names: Vec<String> = skus
                    .iter()
                    .map(|s| self.product_row(s).map(|p| p.name))
                    .collect::<Result<_>>()?;
                names.join(" + ")
            }
        };
        self.insert_bundle(
            BundleInput {
                name,
                items: skus.into_iter().map(|s| (s, 1)).collect(),
                offer,
                valid_from,
                valid_until,
            },
            "suggestion",
            &auth,
        )
    }

    /// Hides a suggestion for good.
    pub fn dismiss_suggestion(&mut self, key: &str) -> Result<String> {
        let auth = self.require(Permission::ManageProducts)?;
        let skus = self.key_items(key)?;
        let key = items_key(&skus);
        let at = self.now();
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO bundle_dismissals (items_key, dismissed_at) VALUES (?1, ?2) ON CONFLICT (items_key) DO NOTHING",
            params![key, ts(at)],
        )?;
        crate::audit::record(
            &tx,
            &auth,
            at,
            "bundle.dismiss_suggestion",
            Some(&key),
            serde_json::json!({}),
        )?;
        tx.commit()?;
        Ok(key)
    }

    /// Products most often bought with `code`, by the number of orders that
    /// held both (at least two, so one odd basket is not a pattern), leaving
    /// out `exclude` (what is already in the cart) and inactive products.
    pub fn companions(&self, code: &str, exclude: &[i64], limit: usize) -> Result<Vec<Companion>> {
        self.require(Permission::LookUp)?;
        let product = self.product_by_code(code)?;
        let base: i64 = self.conn.prepare_cached(
            "SELECT COUNT(DISTINCT order_id) FROM order_lines WHERE product_id = ?1 AND qty > refunded_qty",
        )?
        .query_row([product.id], |r| r.get(0))?;
        if base == 0 {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT ol.product_id, COUNT(DISTINCT ol.order_id) AS together
             FROM order_lines ol
             WHERE ol.order_id IN (SELECT order_id FROM order_lines WHERE product_id = ?1 AND qty > refunded_qty)
               AND ol.product_id <> ?1 AND ol.qty > ol.refunded_qty
             GROUP BY ol.product_id HAVING together >= 2
             ORDER BY together DESC, ol.product_id LIMIT ?2",
        )?;
        let fetch = (limit + exclude.len()) as i64;
        let rows: Vec<(i64, i64)> = stmt
            .query_map(params![product.id, fetch], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let ctx = self.pricing_context()?;
        let now = self.now();
        let mut out = Vec::new();
        for (pid, together) in rows {
            if exclude.contains(&pid) || out.len() >= limit {
                continue;
            }
            let sku: String =
                self.conn
                    .query_row("SELECT sku FROM products WHERE id = ?1", [pid], |r| {
                        r.get(0)
                    })?;
            let p = self.product_row(&sku)?;
            if !p.active {
                continue;
            }
            let price = crate::pricing::quote(&ctx, &p, now).price;
            out.push(Companion {
                sku: p.sku,
                name: p.name,
                price,
                together,
                confidence: together as f64 / base as f64,
            });
        }
        Ok(out)
    }
}

impl Store {
    /// Pricing rules, flash sales, bundles and sell-by dates that cannot be
    /// read and are therefore left out of every price: for banners and
    /// `till doctor`. Here rather than in `pricing` because bundles price
    /// on top of it.
    pub fn pricing_damage(&self) -> Result<Vec<Damage>> {
        self.require(Permission::LookUp)?;
        let mut out = crate::pricing::rules::load_rules(&self.conn)?.1;
        out.extend(crate::pricing::flash::load_live_sales(&self.conn)?.1);
        out.extend(load_active(&self.conn)?.1);
        out.extend(
            self.products(None, true)?
                .into_iter()
                .filter_map(|p| p.sell_by_damage),
        );
        Ok(out)
    }

    /// The shop's own baskets for the bundle miner: one transaction per
    /// completed order, its distinct SKUs, leaving out lines refunded in
    /// full (a refunded item was not, in the end, bought with the others).
    pub fn basket_transactions(&self) -> Result<Vec<Vec<String>>> {
        self.require(Permission::Reports)?;
        let mut stmt = self.conn.prepare(
            "SELECT order_id, sku FROM order_lines WHERE qty > refunded_qty GROUP BY order_id, sku ORDER BY order_id, sku",
        )?;
        let mut out: Vec<Vec<String>> = Vec::new();
        let mut current: Option<String> = None;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (order, sku) = row?;
            if current.as_deref() != Some(order.as_str()) {
                out.push(Vec::new());
                current = Some(order);
            }
            if let Some(last) = out.last_mut() {
                last.push(sku);
            }
        }
        Ok(out)
    }

    /// The bundles on offer at `at`, as checkout prices them. Served from a
    /// cache that is checked against SQLite's `data_version` on every call.
    pub fn live_bundles(&self, at: DateTime<Utc>) -> Result<Vec<BundleDef>> {
        // This store's own bundle writes clear the cache; another
        // connection's commit changes `data_version`: a stale offer is
        // never priced.
        self.bundle_cache.read(
            &self.conn,
            || Ok(load_active(&self.conn)?.0),
            |bundles: &Vec<WindowedBundle>| {
                bundles
                    .iter()
                    .filter(|b| b.live_at(at))
                    .map(|b| b.def.clone())
                    .collect()
            },
        )
    }

    fn forget_bundles(&self) {
        self.bundle_cache.clear();
    }

    /// "Often bought with" for the last item rung up in a cart, leaving out
    /// what the cart already holds.
    pub fn cart_companions(&self, cart_id: &str, limit: usize) -> Result<Vec<Companion>> {
        self.require(Permission::LookUp)?;
        let rows: Vec<(i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT cl.product_id, p.sku FROM cart_lines cl JOIN products p ON p.id = cl.product_id
                 WHERE cl.cart_id = ?1 ORDER BY cl.id DESC",
            )?
            .query_map([cart_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let Some((_, last)) = rows.first() else {
            return Ok(Vec::new());
        };
        let in_cart: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
        self.companions(last, &in_cart, limit)
    }
}

/// The format of a basket file: as given (`fimi`/`csv`), else by its
/// extension (.csv; .dat, .fimi, .txt).
pub fn basket_format(path: &Path, given: Option<&str>) -> Result<Format> {
    match given {
        Some(f) => f
            .parse::<Format>()
            .map_err(|e| Error::invalid(Field::Format, e)),
        None => match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(Format::Csv),
            Some("dat") | Some("fimi") | Some("txt") => Ok(Format::Fimi),
            _ => Err(Error::invalid(
                Field::Format,
                "name the format of this file: fimi or csv",
            )),
        },
    }
}

fn insert_items(conn: &Connection, bundle_id: i64, items: &[(i64, i64)]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO bundle_items (bundle_id, product_id, qty) VALUES (?1, ?2, ?3)",
    )?;
    for (product, qty) in items {
        stmt.execute(params![bundle_id, product, qty])?;
    }
    Ok(())
}
