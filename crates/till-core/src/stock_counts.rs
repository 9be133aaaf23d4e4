//! Stock counts: a count session over all products, a category or a list,
//! counted quantities entered by scanning (each scan adds one) or typing,
//! the variance per product at cost, and the commit as `count` movements in
//! one transaction.
//!
//! A product's `expected` quantity is its on-hand at the moment it is first
//! counted, and the commit moves stock by `counted - expected`: sales made
//! between counting a shelf and committing the count stay in the ledger
//! instead of being taken for shrinkage.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::catalog::Product;
use crate::error::{Error, Result};
use crate::input::Field;
use crate::inventory::{self, insert_movement_from, MovementKind, Origin};
use crate::outbox;
use crate::roles::Permission;
use crate::store::{ts, Store};
use crate::stored;

/// What a count covers. Products found on the shelf outside it are added
/// to the count when they are counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountScope {
    /// Every active product that holds stock (kits hold none).
    All,
    /// Every active product of a category (matched ignoring case).
    Category(String),
    /// The products named, by SKU or barcode.
    List(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ScopeKind {
    All,
    Category,
    List,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum CountStatus {
    Open,
    Committed,
    Cancelled,
}

macro_rules! words {
    ($ty:ident { $($v:ident => $s:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$v => $s),* }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> std::result::Result<Self, String> {
                match s { $($s => Ok($ty::$v),)* _ => Err(format!("{s:?} is not a {}", stringify!($ty))) }
            }
        }
    };
}
words!(ScopeKind { All => "all", Category => "category", List => "list" });
words!(CountStatus { Open => "open", Committed => "committed", Cancelled => "cancelled" });

/// One product of a count.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CountLine {
    pub sku: String,
    pub name: String,
    /// On-hand when the product was first counted; None until then.
    pub expected: Option<i64>,
    /// Units counted; None until counted.
    pub counted: Option<i64>,
    /// counted - expected; None until counted.
    pub variance: Option<i64>,
    /// The variance at the product's cost; None until counted or when the
    /// product has no cost.
    pub variance_value: Option<Decimal>,
    pub counted_at: Option<String>,
    /// The product's on-hand now (after the commit, once committed).
    pub on_hand: i64,
}

/// What a count found so far.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CountTotals {
    pub lines: i64,
    pub counted: i64,
    /// Lines not counted: a commit leaves their stock as it is.
    pub uncounted: i64,
    /// Units found above and below what was expected (both not negative).
    pub units_over: i64,
    pub units_under: i64,
    /// The same at cost, of the products with a cost.
    pub value_over: Decimal,
    pub value_under: Decimal,
    /// Lines with a variance but no cost, left out of the values.
    pub without_cost: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct StockCount {
    pub id: i64,
    pub scope: ScopeKind,
    pub category: Option<String>,
    pub status: CountStatus,
    pub started_by: String,
    pub started_at: String,
    pub closed_at: Option<String>,
    /// By SKU.
    pub lines: Vec<CountLine>,
    pub totals: CountTotals,
}

/// A count in the list of counts.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CountSummary {
    pub id: i64,
    pub scope: ScopeKind,
    pub category: Option<String>,
    pub status: CountStatus,
    pub started_by: String,
    pub started_at: String,
    pub closed_at: Option<String>,
    pub lines: i64,
    pub counted: i64,
}

/// How a counted quantity is entered.
#[derive(Clone, Copy)]
enum Entry {
    /// Typed: the quantity replaces what was counted.
    Set(i64),
    /// Scanned: one more.
    Scan,
}

fn not_found(id: i64) -> Error {
    Error::NotFound {
        what: "count",
        id: id.to_string(),
    }
}

/// The count's status, or not found.
fn status(conn: &Connection, id: i64) -> Result<CountStatus> {
    conn.prepare_cached("SELECT status FROM stock_counts WHERE id = ?1")?
        .query_row([id], |r| stored::enum_col(r, 0))
        .optional()?
        .ok_or_else(|| not_found(id))
}

fn require_open(conn: &Connection, id: i64) -> Result<()> {
    match status(conn, id)? {
        CountStatus::Open => Ok(()),
        other => Err(Error::Conflict(format!(
            "count {id} is {other}; only an open count can change"
        ))),
    }
}

fn read_count(conn: &Connection, id: i64) -> Result<StockCount> {
    let head = conn
        .prepare_cached(
            "SELECT scope, category, status, started_by, started_at, closed_at FROM stock_counts WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                stored::enum_col::<ScopeKind>(r, 0)?,
                r.get::<_, Option<String>>(1)?,
                stored::enum_col::<CountStatus>(r, 2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .optional()?
        .ok_or_else(|| not_found(id))?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.sku, p.name, l.expected, l.counted, l.counted_at, p.cost, COALESCE(s.on_hand, 0)
         FROM count_lines l JOIN products p ON p.id = l.product_id
         LEFT JOIN stock_levels s ON s.product_id = p.id
         WHERE l.count_id = ?1 ORDER BY p.sku",
    )?;
    let rows = stmt.query_map([id], |r| {
        let expected: Option<i64> = r.get(2)?;
        let counted: Option<i64> = r.get(3)?;
        let cost = stored::opt_decimal(r, 5)?;
        let variance = counted.zip(expected).map(|(c, e)| c - e);
        Ok(CountLine {
            sku: r.get(0)?,
            name: r.get(1)?,
            expected,
            counted,
            variance,
            variance_value: variance.zip(cost).map(|(v, c)| Decimal::from(v) * c),
            counted_at: r.get(4)?,
            on_hand: r.get(6)?,
        })
    })?;
    let lines = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let mut totals = CountTotals {
        lines: lines.len() as i64,
        counted: 0,
        uncounted: 0,
        units_over: 0,
        units_under: 0,
        value_over: Decimal::ZERO,
        value_under: Decimal::ZERO,
        without_cost: 0,
    };
    for l in &lines {
        let Some(v) = l.variance else {
            totals.uncounted += 1;
            continue;
        };
        totals.counted += 1;
        if v > 0 {
            totals.units_over += v;
        } else {
            totals.units_under -= v;
        }
        match l.variance_value {
            Some(value) if value > Decimal::ZERO => totals.value_over += value,
            Some(value) => totals.value_under -= value,
            None if v != 0 => totals.without_cost += 1,
            None => {}
        }
    }
    let (scope, category, status, started_by, started_at, closed_at) = head;
    Ok(StockCount {
        id,
        scope,
        category,
        status,
        started_by,
        started_at,
        closed_at,
        lines,
        totals,
    })
}

fn read_line(conn: &Connection, id: i64, sku: &str) -> Result<CountLine> {
    read_count(conn, id)?
        .lines
        .into_iter()
        .find(|l| l.sku == sku)
        .ok_or_else(|| Error::Internal(format!("count {id} lost its line for {sku}")))
}

impl Store {
    /// Starts a count: a line for every active product in scope that holds
    /// stock of its own (kits hold none), none counted yet.
    pub fn count_start(&mut self, scope: CountScope) -> Result<StockCount> {
        let auth = self.require(Permission::CountStock)?;
        let (kind, category, products): (ScopeKind, Option<String>, Vec<i64>) = match &scope {
            CountScope::All => (ScopeKind::All, None, self.countable(None)?),
            CountScope::Category(c) => {
                let c = crate::input::text(Field::Category, c, crate::input::TextKind::Category)?;
                let ids = self.countable(Some(&c))?;
                if ids.is_empty() {
                    return Err(Error::invalid(
                        Field::Category,
                        format!("no active product that holds stock is in category {c:?}"),
                    ));
                }
                (ScopeKind::Category, Some(c), ids)
            }
            CountScope::List(codes) => {
                if codes.is_empty() {
                    return Err(Error::invalid(
                        Field::Sku,
                        "name at least one product to count",
                    ));
                }
                let mut ids = Vec::with_capacity(codes.len());
                for code in codes {
                    let p = self.product_by_code(code)?;
                    refuse_kit(&p)?;
                    if !ids.contains(&p.id) {
                        ids.push(p.id);
                    }
                }
                (ScopeKind::List, None, ids)
            }
        };
        if products.is_empty() {
            return Err(Error::Refused(
                "there is no active product that holds stock to count".into(),
            ));
        }
        let now = self.now();
        let user = self.user().to_string();
        let tx = self.write_tx()?;
        tx.prepare_cached(
            "INSERT INTO stock_counts (scope, category, status, started_by, started_at) VALUES (?1, ?2, 'open', ?3, ?4)",
        )?
        .execute(params![kind.as_str(), category, user, ts(now)])?;
        let id = tx.last_insert_rowid();
        {
            let mut line = tx
                .prepare_cached("INSERT INTO count_lines (count_id, product_id) VALUES (?1, ?2)")?;
            for p in &products {
                line.execute(params![id, p])?;
            }
        }
        crate::audit::record(
            &tx,
            &auth,
            now,
            "stock.count_start",
            Some(&id.to_string()),
            serde_json::json!({ "scope": kind.as_str(), "category": category, "lines": products.len() }),
        )?;
        let count = read_count(&tx, id)?;
        tx.commit()?;
        Ok(count)
    }

    /// Active products that hold stock, of `category` when given.
    fn countable(&self, category: Option<&str>) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id FROM products p
             WHERE p.active = 1
               AND NOT EXISTS (SELECT 1 FROM kit_components k WHERE k.kit_id = p.id)
               AND (?1 IS NULL OR p.category = ?1 COLLATE NOCASE)
             ORDER BY p.sku",
        )?;
        let rows = stmt.query_map([category], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<i64>>>()?)
    }

    /// Sets the counted quantity of a product (by SKU or barcode), replacing
    /// what was counted before. A product outside the count's scope is
    /// added to it: it was found on the shelf.
    pub fn count_set(&mut self, id: i64, code: &str, qty: i64) -> Result<CountLine> {
        crate::money::check_qty(Field::Quantity, qty)?;
        if qty < 0 {
            return Err(Error::invalid(
                Field::Quantity,
                format!("{qty} units cannot be counted; a count is 0 or more"),
            ));
        }
        self.count_entry(id, code, Entry::Set(qty))
    }

    /// Counts one more of a product (by SKU or barcode): a scan.
    pub fn count_scan(&mut self, id: i64, code: &str) -> Result<CountLine> {
        self.count_entry(id, code, Entry::Scan)
    }

    fn count_entry(&mut self, id: i64, code: &str, entry: Entry) -> Result<CountLine> {
        self.require(Permission::CountStock)?;
        let product = self.product_by_code(code)?;
        refuse_kit(&product)?;
        let now = ts(self.now());
        let tx = self.write_tx()?;
        require_open(&tx, id)?;
        let on_hand = inventory::on_hand(&tx, product.id)?;
        // The first count of a product fixes what was expected of it.
        tx.prepare_cached(
            "INSERT INTO count_lines (count_id, product_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?
        .execute(params![id, product.id])?;
        let counted: Option<i64> = tx
            .prepare_cached(
                "SELECT counted FROM count_lines WHERE count_id = ?1 AND product_id = ?2",
            )?
            .query_row(params![id, product.id], |r| r.get(0))?;
        let next = match entry {
            Entry::Set(q) => q,
            Entry::Scan => counted
                .unwrap_or(0)
                .checked_add(1)
                .ok_or_else(|| Error::invalid(Field::Quantity, "the count is out of range"))?,
        };
        crate::money::check_qty(Field::Quantity, next)?;
        tx.prepare_cached(
            "UPDATE count_lines SET counted = ?3, counted_at = ?4, expected = COALESCE(expected, ?5)
             WHERE count_id = ?1 AND product_id = ?2",
        )?
        .execute(params![id, product.id, next, now, on_hand])?;
        let line = read_line(&tx, id, &product.sku)?;
        tx.commit()?;
        Ok(line)
    }

    /// A count with its lines and totals.
    pub fn count_show(&self, id: i64) -> Result<StockCount> {
        self.require(Permission::CountStock)?;
        read_count(&self.conn, id)
    }

    /// Every count, newest first.
    pub fn counts(&self) -> Result<Vec<CountSummary>> {
        self.require(Permission::CountStock)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.scope, c.category, c.status, c.started_by, c.started_at, c.closed_at,
                    (SELECT COUNT(*) FROM count_lines l WHERE l.count_id = c.id),
                    (SELECT COUNT(*) FROM count_lines l WHERE l.count_id = c.id AND l.counted IS NOT NULL)
             FROM stock_counts c ORDER BY c.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CountSummary {
                id: r.get(0)?,
                scope: stored::enum_col(r, 1)?,
                category: r.get(2)?,
                status: stored::enum_col(r, 3)?,
                started_by: r.get(4)?,
                started_at: r.get(5)?,
                closed_at: r.get(6)?,
                lines: r.get(7)?,
                counted: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Commits a count in one transaction: each counted product moves by
    /// counted - expected as a `count` movement naming the count (none when
    /// they agree). Uncounted lines are left as they are.
    pub fn count_commit(&mut self, id: i64) -> Result<StockCount> {
        let auth = self.require(Permission::AdjustStock)?;
        let now = self.now();
        let user = self.user().to_string();
        let tx = self.write_tx()?;
        require_open(&tx, id)?;
        let lines: Vec<(i64, String, i64)> = {
            let mut stmt = tx.prepare_cached(
                "SELECT p.id, p.sku, l.counted - l.expected FROM count_lines l JOIN products p ON p.id = l.product_id
                 WHERE l.count_id = ?1 AND l.counted IS NOT NULL AND l.counted <> l.expected ORDER BY p.sku",
            )?;
            let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let reason = format!("count {id}");
        let mut moved = Vec::with_capacity(lines.len());
        for (product_id, sku, by) in lines {
            insert_movement_from(
                &tx,
                product_id,
                by,
                &reason,
                &user,
                &ts(now),
                Origin::Count(id),
            )?;
            let on_hand = inventory::on_hand(&tx, product_id)?;
            outbox::push(
                &tx,
                now,
                &till_wire::StockAdjusted {
                    sku: sku.clone(),
                    kind: MovementKind::Count.as_str().to_string(),
                    qty: by,
                    reason: Some(reason.clone()),
                    on_hand,
                    user: user.clone(),
                },
            )?;
            moved.push(serde_json::json!({ "sku": sku, "by": by, "on_hand": on_hand }));
        }
        tx.prepare_cached(
            "UPDATE stock_counts SET status = 'committed', closed_at = ?2 WHERE id = ?1",
        )?
        .execute(params![id, ts(now)])?;
        crate::audit::record(
            &tx,
            &auth,
            now,
            "stock.count",
            Some(&id.to_string()),
            serde_json::json!({ "moved": moved }),
        )?;
        let count = read_count(&tx, id)?;
        tx.commit()?;
        Ok(count)
    }

    /// Cancels an open count: nothing moves.
    pub fn count_cancel(&mut self, id: i64) -> Result<StockCount> {
        let auth = self.require(Permission::AdjustStock)?;
        let now = self.now();
        let tx = self.write_tx()?;
        require_open(&tx, id)?;
        tx.prepare_cached(
            "UPDATE stock_counts SET status = 'cancelled', closed_at = ?2 WHERE id = ?1",
        )?
        .execute(params![id, ts(now)])?;
        crate::audit::record(
            &tx,
            &auth,
            now,
            "stock.count_cancel",
            Some(&id.to_string()),
            serde_json::json!({}),
        )?;
        let count = read_count(&tx, id)?;
        tx.commit()?;
        Ok(count)
    }
}

fn refuse_kit(p: &Product) -> Result<()> {
    if p.kit {
        return Err(Error::Refused(format!(
            "{} is a kit and holds no stock of its own; count its components",
            p.sku
        )));
    }
    Ok(())
}
