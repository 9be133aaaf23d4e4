//! Unit pricing: what one unit of a product costs at a given moment, and why.
//!
//! One pipeline, in one order, for the checkout, `till price show` and the
//! screens alike:
//!
//! base price -> stock rule -> sell-by rule -> member discount -> flash sale -> guardrails -> rounding
//!
//! Multipliers compose by multiplication; nothing is rounded until the end
//! (half away from zero, to the currency's minor unit, once). Activation of
//! flash sales is computed from the time passed in, never stored, so prices
//! are right offline, after a restart or after the laptop slept through a
//! window. `quote` is pure: everything it needs is in a [`PricingContext`].

pub mod flash;
pub mod rules;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::Product;
use crate::error::Result;
use crate::money::Currency;
use crate::roles::Permission;
use crate::store::Store;

pub use flash::{FlashEffect, FlashSale, FlashSaleInput, FlashSaleList, FlashStatus};
pub use rules::{Condition, Effect, Rule, RuleInput, RuleList, Scope};

/// One step of the pipeline that changed the price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Adjustment {
    /// "stock_rule", "sell_by_rule", "member", "flash_sale" or "guardrail".
    pub source: String,
    pub description: String,
    /// The change to the unit price, signed, in currency units ("-12.50").
    /// The effects add up exactly to `price - base_price`.
    pub effect: Decimal,
}

/// The flash sale that set a price, for badges and countdowns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SaleBadge {
    pub id: i64,
    pub name: String,
    /// End of the current window (RFC 3339).
    pub ends_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Quote {
    pub sku: String,
    pub name: String,
    pub base_price: Decimal,
    pub price: Decimal,
    pub on_hand: i64,
    pub adjustments: Vec<Adjustment>,
    /// Short reason shown next to a cart line ("flash sale Happy hour -25%, ends 18:00").
    pub note: Option<String>,
    pub sale: Option<SaleBadge>,
}

/// A line's price note as a receipt prints it, in short: each reason
/// without its sale's end time or the words "flash sale"
/// ("flash sale Happy hour -25%, ends 18:00" is "Happy hour -25%").
pub fn short_note(note: &str) -> String {
    note.split("; ")
        .map(|part| {
            let part = part.strip_prefix("flash sale ").unwrap_or(part);
            match part.rfind(", ends ") {
                Some(i) => &part[..i],
                None => part,
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Everything pricing needs besides the product: rules, flash sales,
/// guardrail settings, time zone. Load it once per sale or screen refresh.
#[derive(Debug, Clone)]
pub struct PricingContext {
    pub currency: Currency,
    pub time_zone: chrono_tz::Tz,
    pub floor_at_cost: bool,
    pub price_ceiling: Option<Decimal>,
    rules: Vec<Rule>,
    /// Indexes into `rules` by scope, so a lookup touches only rules that
    /// can apply to the product.
    rules_by_sku: HashMap<String, Vec<usize>>,
    rules_by_category: HashMap<String, Vec<usize>>,
    rules_for_all: Vec<usize>,
    /// (rule id, product id) pairs held by hysteresis.
    latches: HashSet<(i64, i64)>,
    sales: Vec<FlashSale>,
    sales_by_sku: HashMap<String, Vec<usize>>,
    sales_by_category: HashMap<String, Vec<usize>>,
    /// The member discount of the customer being served, if any.
    pub member: Option<crate::memberships::MemberDiscount>,
}

impl PricingContext {
    /// The same context for a customer with this member discount.
    pub fn for_member(mut self, member: Option<crate::memberships::MemberDiscount>) -> Self {
        self.member = member;
        self
    }

    pub fn new(
        currency: Currency,
        time_zone: chrono_tz::Tz,
        floor_at_cost: bool,
        price_ceiling: Option<Decimal>,
        rules: Vec<Rule>,
        latches: HashSet<(i64, i64)>,
        sales: Vec<FlashSale>,
    ) -> PricingContext {
        let mut ctx = PricingContext {
            currency,
            time_zone,
            floor_at_cost,
            price_ceiling,
            rules: Vec::new(),
            rules_by_sku: HashMap::new(),
            rules_by_category: HashMap::new(),
            rules_for_all: Vec::new(),
            latches,
            sales: Vec::new(),
            sales_by_sku: HashMap::new(),
            sales_by_category: HashMap::new(),
            member: None,
        };
        let mut rules = rules;
        rules.sort_by_key(|r| (r.position, r.id));
        for (i, r) in rules.iter().enumerate() {
            match &r.scope {
                Scope::Sku(s) => ctx.rules_by_sku.entry(s.clone()).or_default().push(i),
                Scope::Category(c) => ctx.rules_by_category.entry(c.clone()).or_default().push(i),
                Scope::All => ctx.rules_for_all.push(i),
            }
        }
        ctx.rules = rules;
        for (i, s) in sales.iter().enumerate() {
            for sku in &s.skus {
                ctx.sales_by_sku.entry(sku.clone()).or_default().push(i);
            }
            for c in &s.categories {
                ctx.sales_by_category.entry(c.clone()).or_default().push(i);
            }
        }
        ctx.sales = sales;
        ctx
    }

    /// The rule of this kind that applies: the most specific scope wins
    /// (SKU, then category, then all products), then the rule listed first.
    fn winning_rule(&self, p: &Product, sell_by: bool, at: DateTime<Utc>) -> Option<&Rule> {
        let tiers: [&[usize]; 3] = [
            self.rules_by_sku
                .get(&p.sku)
                .map(Vec::as_slice)
                .unwrap_or(&[]),
            p.category
                .as_ref()
                .and_then(|c| self.rules_by_category.get(c))
                .map(Vec::as_slice)
                .unwrap_or(&[]),
            &self.rules_for_all,
        ];
        for tier in tiers {
            for &i in tier {
                let r = &self.rules[i];
                if r.condition.is_sell_by() == sell_by
                    && r.matches(p, at, self.time_zone, self.latches.contains(&(r.id, p.id)))
                {
                    return Some(r);
                }
            }
        }
        None
    }

    /// Flash sales on this product active at `at`, with their window.
    fn active_sales(
        &self,
        p: &Product,
        at: DateTime<Utc>,
    ) -> impl Iterator<Item = (&FlashSale, DateTime<Utc>)> {
        let by_sku = self
            .sales_by_sku
            .get(&p.sku)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let by_cat = p
            .category
            .as_ref()
            .and_then(|c| self.sales_by_category.get(c))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut seen: Vec<usize> = Vec::with_capacity(by_sku.len() + by_cat.len());
        for &i in by_sku.iter().chain(by_cat) {
            if !seen.contains(&i) {
                seen.push(i);
            }
        }
        seen.into_iter().filter_map(move |i| {
            let s = &self.sales[i];
            s.window_at(at).map(|(_, end)| (s, end))
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn sales(&self) -> &[FlashSale] {
        &self.sales
    }
}

/// Records the pipeline's steps when an explanation is wanted; otherwise
/// only the price moves (bulk re-pricing needs no words).
struct Trace<'a> {
    explain: bool,
    currency: &'a Currency,
    /// The rounded price after the last step, so effects add up exactly.
    shown: Decimal,
    adjustments: Vec<Adjustment>,
    notes: Vec<String>,
}

impl Trace<'_> {
    fn step(
        &mut self,
        source: &str,
        describe: impl FnOnce() -> String,
        next: Decimal,
        price: &mut Decimal,
    ) {
        if self.explain {
            let rounded = self.currency.round(next);
            let description = describe();
            self.adjustments.push(Adjustment {
                source: source.into(),
                description: description.clone(),
                effect: self.currency.round(rounded - self.shown),
            });
            self.shown = rounded;
            self.notes.push(description);
        }
        *price = next;
    }
}

/// The pipeline, once, for both `quote` and `price_only`.
fn run<'a>(
    ctx: &'a PricingContext,
    p: &Product,
    at: DateTime<Utc>,
    explain: bool,
) -> (Decimal, Trace<'a>, Option<SaleBadge>) {
    let c = &ctx.currency;
    let base = c.round(p.price);
    let mut price = base;
    let mut t = Trace {
        explain,
        currency: c,
        shown: base,
        adjustments: Vec::new(),
        notes: Vec::new(),
    };

    // Stock rule, then sell-by rule.
    for sell_by in [false, true] {
        if let Some(rule) = ctx.winning_rule(p, sell_by, at) {
            let next = rule.effect.apply(price).max(Decimal::ZERO);
            t.step(
                if sell_by {
                    "sell_by_rule"
                } else {
                    "stock_rule"
                },
                || rule.describe(c),
                next,
                &mut price,
            );
        }
    }

    // A member's discount: after the rules, before flash sales.
    if let Some(m) = &ctx.member {
        let next = price * (Decimal::ONE_HUNDRED - m.percent) / Decimal::ONE_HUNDRED;
        t.step(
            "member",
            || format!("{} member -{}%", m.tier_name, m.percent.normalize()),
            next.max(Decimal::ZERO),
            &mut price,
        );
    }

    // Flash sales: of all active on this item, the lowest price wins.
    let mut best: Option<(Decimal, &FlashSale, DateTime<Utc>)> = None;
    for (sale, end) in ctx.active_sales(p, at) {
        let candidate = sale.effect.apply(price).max(Decimal::ZERO);
        if best.as_ref().is_none_or(|(b, _, _)| candidate < *b) {
            best = Some((candidate, sale, end));
        }
    }
    let mut badge = None;
    if let Some((candidate, sale, end)) = best {
        if candidate != price {
            let describe = || {
                format!(
                    "{}, ends {}",
                    sale.describe(c),
                    flash::local_time_label(end, at, ctx.time_zone)
                )
            };
            t.step("flash_sale", describe, candidate, &mut price);
        }
        if explain {
            badge = Some(SaleBadge {
                id: sale.id,
                name: sale.name.clone(),
                ends_at: crate::store::ts(end),
            });
        }
    }

    // Guardrails: a ceiling over the base price, a floor (own, else cost).
    if price != base {
        if let Some(ceiling) = p.price_ceiling.or(ctx.price_ceiling) {
            // Rounded down: the price is rounded once more at the end, and
            // half a cent up would pass the cap.
            let max = c.round_down(base * ceiling);
            if price > max {
                t.step(
                    "guardrail",
                    || format!("capped at {}x the base price", ceiling.normalize()),
                    max,
                    &mut price,
                );
            }
        }
        // A base price the owner set below cost is their call: the floor
        // then stops markdowns at the base price rather than raising it.
        let floor = p
            .price_floor
            .or(if ctx.floor_at_cost { p.cost } else { None })
            .map(|f| f.min(base));
        if let Some(floor) = floor {
            if price < floor {
                let why = if p.price_floor.is_some() {
                    "floor"
                } else {
                    "cost"
                };
                t.step(
                    "guardrail",
                    || format!("held at {why} {}", c.round(floor)),
                    floor,
                    &mut price,
                );
            }
        }
    }
    (c.round(price), t, badge)
}

/// Prices one unit of `p` at time `at`, with every step that changed it.
pub fn quote(ctx: &PricingContext, p: &Product, at: DateTime<Utc>) -> Quote {
    let (price, t, sale) = run(ctx, p, at, true);
    Quote {
        sku: p.sku.clone(),
        name: p.name.clone(),
        base_price: ctx.currency.round(p.price),
        price,
        on_hand: p.on_hand,
        note: if t.notes.is_empty() {
            None
        } else {
            Some(t.notes.join("; "))
        },
        adjustments: t.adjustments,
        sale,
    }
}

/// What a line's unit price came from, kept with the cart line and the
/// order line so reports never rebuild it from today's catalog: the base
/// price then, the flash sale that set it and what that sale and a member
/// discount took off each unit (positive amounts).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PriceTrace {
    pub base_price: Decimal,
    pub flash_sale_id: Option<i64>,
    pub flash_off: Decimal,
    pub member_off: Decimal,
}

impl PriceTrace {
    /// The trace of a quoted price.
    pub fn of(q: &Quote) -> PriceTrace {
        let off = |source: &str| -> Decimal {
            -q.adjustments
                .iter()
                .filter(|a| a.source == source)
                .map(|a| a.effect)
                .sum::<Decimal>()
        };
        let flash_off = off("flash_sale");
        PriceTrace {
            base_price: q.base_price,
            flash_sale_id: q
                .sale
                .as_ref()
                .filter(|_| !flash_off.is_zero())
                .map(|s| s.id),
            flash_off,
            member_off: off("member"),
        }
    }

    /// A price set at the till: no sale and no member discount made it.
    pub fn set_at_till(base_price: Decimal) -> PriceTrace {
        PriceTrace {
            base_price,
            ..PriceTrace::default()
        }
    }
}

/// The same price as `quote`, without the explanation: for re-pricing many
/// products at once.
pub fn price_only(ctx: &PricingContext, p: &Product, at: DateTime<Utc>) -> Decimal {
    run(ctx, p, at, false).0
}

impl Store {
    /// Loads the rules, latches, flash sales and settings pricing needs.
    pub fn pricing_context(&self) -> Result<PricingContext> {
        let s = &self.settings;
        let tz = crate::settings::parse_time_zone(&s.time_zone)?;
        Ok(PricingContext::new(
            s.currency.clone(),
            tz,
            s.floor_at_cost,
            s.price_ceiling,
            rules::load_rules(&self.conn)?.0,
            rules::load_latches(&self.conn)?,
            flash::load_live_sales(&self.conn)?.0,
        ))
    }

    /// A number that changes whenever something a price depends on changes
    /// (products, stock, rules, flash sales, bundles, kits, memberships,
    /// the pricing settings), in any process, and not otherwise: triggers
    /// keep it (migration 0009). One indexed read, for watchers that must
    /// know when to ask for prices again.
    pub fn price_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM counters WHERE name = 'price_version'")?
            .query_row([], |r| r.get(0))?)
    }

    /// The price of one unit of `sku` (or barcode) at time `at`.
    pub fn quote(&self, sku: &str, at: DateTime<Utc>) -> Result<Quote> {
        self.require(Permission::LookUp)?;
        let product = self.product_by_code(sku)?;
        Ok(quote(&self.pricing_context()?, &product, at))
    }

    /// Quotes, with explanations, for every active product.
    pub fn quote_all(&self, at: DateTime<Utc>) -> Result<Vec<Quote>> {
        self.require(Permission::LookUp)?;
        let ctx = self.pricing_context()?;
        Ok(self
            .products(None, false)?
            .iter()
            .map(|p| quote(&ctx, p, at))
            .collect())
    }

    /// Current prices of every active product, read fresh from the store
    /// (stock, rules, sales): what re-pricing after a bulk stock change costs.
    pub fn reprice_all(&self, at: DateTime<Utc>) -> Result<Vec<(String, Decimal)>> {
        self.require(Permission::LookUp)?;
        let ctx = self.pricing_context()?;
        Ok(self
            .products(None, false)?
            .into_iter()
            .map(|p| {
                let price = price_only(&ctx, &p, at);
                (p.sku, price)
            })
            .collect())
    }
}
