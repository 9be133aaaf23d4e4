//! Stock and sell-by rules: "when on-hand is below N", "above N", "within N
//! days of sell-by" -> a multiplier or an amount off/on, for one SKU, a
//! category or all products.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::Product;
use crate::error::{Error, Result};
use crate::input::Field;
use crate::money::Currency;
use crate::roles::Permission;
use crate::store::{ts, Store};
use crate::stored::{self, Damage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "threshold", rename_all = "snake_case")]
pub enum Condition {
    StockBelow(i64),
    StockAbove(i64),
    WithinDaysOfSellBy(i64),
}

impl Condition {
    /// Whether a stock condition holds at `on_hand`. A rule that is latched
    /// (held by hysteresis) keeps holding until stock is `hysteresis` units
    /// past its threshold. Sell-by conditions never hold on stock.
    pub fn holds_on_stock(&self, on_hand: i64, latched: bool, hysteresis: i64) -> bool {
        let held = latched && hysteresis > 0;
        match *self {
            Condition::StockBelow(n) => on_hand < n || (held && on_hand < n + hysteresis),
            Condition::StockAbove(n) => on_hand > n || (held && on_hand > n - hysteresis),
            Condition::WithinDaysOfSellBy(_) => false,
        }
    }

    pub fn is_sell_by(&self) -> bool {
        matches!(self, Condition::WithinDaysOfSellBy(_))
    }

    fn parts(&self) -> (&'static str, i64) {
        match *self {
            Condition::StockBelow(n) => ("stock_below", n),
            Condition::StockAbove(n) => ("stock_above", n),
            Condition::WithinDaysOfSellBy(n) => ("within_days_of_sell_by", n),
        }
    }

    fn from_parts(kind: &str, n: i64) -> Option<Condition> {
        Some(match kind {
            "stock_below" => Condition::StockBelow(n),
            "stock_above" => Condition::StockAbove(n),
            "within_days_of_sell_by" => Condition::WithinDaysOfSellBy(n),
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Effect {
    /// Price x M.
    Multiplier(Decimal),
    /// Price + A (negative: off).
    Amount(Decimal),
}

impl Effect {
    pub fn apply(&self, price: Decimal) -> Decimal {
        match *self {
            Effect::Multiplier(m) => price * m,
            Effect::Amount(a) => price + a,
        }
    }

    fn describe(&self, c: &Currency) -> String {
        match *self {
            Effect::Multiplier(m) => describe_multiplier(m),
            Effect::Amount(a) if a < Decimal::ZERO => format!("{} off", c.round(-a)),
            Effect::Amount(a) => format!("+{}", c.round(a)),
        }
    }
}

/// "x1.15" as "+15%", "x0.75" as "-25%".
pub fn describe_multiplier(m: Decimal) -> String {
    let pct = ((m - Decimal::ONE) * Decimal::ONE_HUNDRED).normalize();
    if pct >= Decimal::ZERO {
        format!("+{pct}%")
    } else {
        format!("{pct}%")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Scope {
    All,
    Category(String),
    Sku(String),
}

impl Scope {
    fn covers(&self, p: &Product) -> bool {
        match self {
            Scope::All => true,
            Scope::Category(c) => p.category.as_deref() == Some(c.as_str()),
            Scope::Sku(s) => &p.sku == s,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Rule {
    pub id: i64,
    pub position: i64,
    pub condition: Condition,
    pub effect: Effect,
    pub scope: Scope,
    pub hysteresis: i64,
}

impl Rule {
    /// Whether the rule holds for `p` at `at`. A latched rule with
    /// hysteresis keeps holding until stock moves `hysteresis` units past
    /// its threshold.
    pub fn matches(
        &self,
        p: &Product,
        at: DateTime<Utc>,
        tz: chrono_tz::Tz,
        latched: bool,
    ) -> bool {
        if !self.scope.covers(p) {
            return false;
        }
        match self.condition {
            Condition::StockBelow(_) | Condition::StockAbove(_) => {
                self.condition
                    .holds_on_stock(p.on_hand, latched, self.hysteresis)
            }
            Condition::WithinDaysOfSellBy(n) => match p.sell_by {
                Some(date) => {
                    let today = at.with_timezone(&tz).date_naive();
                    (date - today).num_days() <= n
                }
                None => false,
            },
        }
    }

    pub fn describe(&self, c: &Currency) -> String {
        let when = match self.condition {
            Condition::StockBelow(n) => format!("stock below {n}"),
            Condition::StockAbove(n) => format!("stock above {n}"),
            Condition::WithinDaysOfSellBy(n) => format!("within {n} days of sell-by"),
        };
        format!("{when}: {}", self.effect.describe(c))
    }
}

/// The pricing rules, and those that cannot be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RuleList {
    pub rules: Vec<Rule>,
    pub damaged: Vec<Damage>,
}

/// A rule as the owner gives it.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct RuleInput {
    pub condition: Condition,
    pub effect: Effect,
    pub scope: Scope,
    #[serde(default)]
    pub hysteresis: i64,
}

/// The rules Till can read, in list order, and the damage of those it
/// cannot: an unreadable rule is left out of pricing and reported.
pub(crate) fn load_rules(conn: &Connection) -> Result<(Vec<Rule>, Vec<Damage>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, position, condition, threshold, effect, value, scope, scope_value, hysteresis FROM pricing_rules ORDER BY position, id",
    )?;
    let rows = stmt.query_map([], |r| {
        let threshold: i64 = r.get(3)?;
        let value = stored::decimal(r, 5)?;
        let scope_value: Option<String> = r.get(7)?;
        Ok(Rule {
            id: r.get(0)?,
            position: r.get(1)?,
            condition: stored::parse_with(r, 2, |c| {
                Condition::from_parts(c, threshold)
                    .ok_or_else(|| "which is not a rule condition Till knows".to_string())
            })?,
            effect: stored::parse_with(r, 4, |e| match e {
                "multiplier" => Ok(Effect::Multiplier(value)),
                "amount" => Ok(Effect::Amount(value)),
                _ => Err("which is neither multiplier nor amount".to_string()),
            })?,
            scope: stored::parse_with(r, 6, |s| match (s, scope_value) {
                ("all", _) => Ok(Scope::All),
                ("category", Some(v)) => Ok(Scope::Category(v)),
                ("sku", Some(v)) => Ok(Scope::Sku(v)),
                _ => Err("which is not a scope Till knows (or its value is missing)".to_string()),
            })?,
            hysteresis: r.get(8)?,
        })
    })?;
    Ok(stored::split_damaged(rows)?)
}

pub(crate) fn load_latches(conn: &Connection) -> Result<HashSet<(i64, i64)>> {
    let mut stmt = conn.prepare_cached("SELECT rule_id, product_id FROM rule_latches")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<HashSet<_>>>()?)
}

/// Re-evaluates the latches of hysteresis rules for one product after its
/// stock changed. Runs inside the transaction that moved the stock.
pub(crate) fn update_latches(conn: &Connection, product_id: i64) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.condition, r.threshold, r.hysteresis, COALESCE(s.on_hand, 0),
                EXISTS (SELECT 1 FROM rule_latches l WHERE l.rule_id = r.id AND l.product_id = p.id)
         FROM pricing_rules r JOIN products p ON p.id = ?1 LEFT JOIN stock_levels s ON s.product_id = p.id
         WHERE r.hysteresis > 0 AND r.condition IN ('stock_below', 'stock_above')
           AND (r.scope = 'all' OR (r.scope = 'sku' AND r.scope_value = p.sku) OR (r.scope = 'category' AND r.scope_value = p.category))",
    )?;
    let rows = stmt
        .query_map([product_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (rule_id, cond, n, h, on_hand, latched) in rows {
        let holds =
            Condition::from_parts(&cond, n).is_some_and(|c| c.holds_on_stock(on_hand, latched, h));
        if holds && !latched {
            conn.prepare_cached("INSERT INTO rule_latches (rule_id, product_id) VALUES (?1, ?2)")?
                .execute(params![rule_id, product_id])?;
        } else if !holds && latched {
            conn.prepare_cached("DELETE FROM rule_latches WHERE rule_id = ?1 AND product_id = ?2")?
                .execute(params![rule_id, product_id])?;
        }
    }
    Ok(())
}

impl Store {
    /// Adds a rule at the end of the list.
    pub fn add_pricing_rule(&mut self, input: RuleInput) -> Result<Rule> {
        let auth = self.require(Permission::ManagePricing)?;
        let c = self.settings.currency.clone();
        match input.effect {
            Effect::Multiplier(m) if m > Decimal::ONE_HUNDRED => {
                return Err(Error::invalid(
                    Field::Multiplier,
                    format!("{m} is more than 100 times the price"),
                ))
            }
            Effect::Amount(a) if a.abs() > crate::money::MAX_AMOUNT => {
                return Err(Error::invalid(
                    Field::Amount,
                    format!("{a} is larger than Till handles"),
                ))
            }
            Effect::Multiplier(m) if m <= Decimal::ZERO => {
                return Err(Error::invalid(
                    Field::Multiplier,
                    format!("{m} must be greater than 0"),
                ))
            }
            Effect::Multiplier(m) if m == Decimal::ONE => {
                return Err(Error::invalid(
                    Field::Multiplier,
                    "1 would leave the price unchanged",
                ))
            }
            Effect::Multiplier(m) if m.normalize().scale() > 6 => {
                return Err(Error::invalid(
                    Field::Multiplier,
                    format!("{m} has more than 6 decimals"),
                ))
            }
            Effect::Amount(a) if a.is_zero() => {
                return Err(Error::invalid(
                    Field::Amount,
                    "0 would leave the price unchanged",
                ))
            }
            Effect::Amount(a) if a.normalize().scale() > c.minor_units => {
                return Err(Error::invalid(
                    Field::Amount,
                    format!("{a} has more decimals than {} allows", c.code),
                ))
            }
            _ => {}
        }
        if input.hysteresis < 0 {
            return Err(Error::invalid(
                Field::Hysteresis,
                format!("{} must not be negative", input.hysteresis),
            ));
        }
        match input.condition {
            Condition::StockBelow(n) if n <= 0 && !self.settings.allow_negative_stock => {
                return Err(Error::invalid(
                    Field::WhenStockBelow,
                    format!("{n} can never match: stock never goes below 0 in this store"),
                ))
            }
            Condition::StockAbove(n) if n < 0 => {
                return Err(Error::invalid(
                    Field::WhenStockAbove,
                    format!("{n} must be 0 or more"),
                ))
            }
            Condition::WithinDaysOfSellBy(n) if n < 0 => {
                return Err(Error::invalid(
                    Field::WithinDaysOfSellBy,
                    format!("{n} must be 0 or more"),
                ))
            }
            Condition::WithinDaysOfSellBy(_) if input.hysteresis > 0 => {
                return Err(Error::invalid(
                    Field::Hysteresis,
                    "applies to stock rules only",
                ))
            }
            _ => {}
        }
        match &input.scope {
            Scope::Sku(s) => {
                self.product_row(s)?;
            }
            Scope::Category(cat) => {
                let exists: bool = self.conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM products WHERE category = ?1)",
                    [cat],
                    |r| r.get(0),
                )?;
                if !exists {
                    return Err(Error::invalid(
                        Field::Category,
                        format!("no product is in category {cat:?}"),
                    ));
                }
            }
            Scope::All => {}
        }
        let (cond, threshold) = input.condition.parts();
        let (effect, value) = match input.effect {
            Effect::Multiplier(m) => ("multiplier", m.normalize()),
            Effect::Amount(a) => ("amount", c.round(a)),
        };
        let (scope, scope_value) = match &input.scope {
            Scope::All => ("all", None),
            Scope::Category(v) => ("category", Some(v.clone())),
            Scope::Sku(v) => ("sku", Some(v.clone())),
        };
        let at = self.now();
        let now = ts(at);
        let tx = self.write_tx()?;
        let position: i64 = tx.query_row(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM pricing_rules",
            [],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO pricing_rules (position, condition, threshold, effect, value, scope, scope_value, hysteresis, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![position, cond, threshold, effect, value.to_string(), scope, scope_value, input.hysteresis, now],
        )?;
        let id = tx.last_insert_rowid();
        if input.hysteresis > 0 {
            // Start latched wherever the plain condition holds now.
            let ids: Vec<i64> = tx
                .prepare("SELECT id FROM products")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for pid in ids {
                update_latches(&tx, pid)?;
            }
        }
        crate::audit::record(
            &tx,
            &auth,
            at,
            "pricing_rule.add",
            Some(&id.to_string()),
            serde_json::json!({
                "condition": cond,
                "threshold": threshold,
                "effect": effect,
                "value": value.to_string(),
                "scope": scope,
                "scope_value": scope_value,
                "hysteresis": input.hysteresis,
            }),
        )?;
        tx.commit()?;
        self.pricing_rule_rows()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| Error::Internal("rule vanished".into()))
    }

    /// Rules in the order they are listed (the order ties are broken in).
    /// Rules that cannot be read are left out: `pricing_rule_list` has them.
    pub fn pricing_rules(&self) -> Result<Vec<Rule>> {
        self.require(Permission::LookUp)?;
        self.pricing_rule_rows()
    }

    fn pricing_rule_rows(&self) -> Result<Vec<Rule>> {
        Ok(load_rules(&self.conn)?.0)
    }

    /// The rules screen: the rules, and the damage of any that cannot be read.
    pub fn pricing_rule_list(&self) -> Result<RuleList> {
        self.require(Permission::LookUp)?;
        let (rules, damaged) = load_rules(&self.conn)?;
        Ok(RuleList { rules, damaged })
    }

    pub fn remove_pricing_rule(&mut self, id: i64) -> Result<()> {
        let auth = self.require(Permission::ManagePricing)?;
        let at = self.now();
        let tx = self.write_tx()?;
        let exists = tx
            .query_row(
                "SELECT 1 FROM pricing_rules WHERE id = ?1",
                [id],
                |_| Ok(()),
            )
            .optional()?;
        if exists.is_none() {
            return Err(Error::not_found("pricing rule", id.to_string()));
        }
        tx.execute("DELETE FROM rule_latches WHERE rule_id = ?1", [id])?;
        tx.execute("DELETE FROM pricing_rules WHERE id = ?1", [id])?;
        crate::audit::record(
            &tx,
            &auth,
            at,
            "pricing_rule.remove",
            Some(&id.to_string()),
            serde_json::json!({}),
        )?;
        tx.commit()?;
        Ok(())
    }
}
