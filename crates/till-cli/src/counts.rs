//! `till count start|set|scan|show|commit|cancel|list` and `till stock
//! low|reorder`: stock counts and what to reorder. JSON is the core's `StockCount`,
//! `CountLine`, `CountSummary` and `LowStock` list, money as strings.

use std::fmt::Write;

use clap::Subcommand;
use till_core::input::{whole, Field};
use till_core::reorder::LowStock;
use till_core::stock_counts::{CountLine, CountScope, ScopeKind, StockCount};
use till_core::{Result, Store};

use crate::human::{words, Human};
use crate::run::Ctx;

#[derive(Debug, Subcommand)]
pub enum CountCmd {
    /// Start a count of every active product, a category's or the ones
    /// named. JSON: the count, {"id","scope","status","lines",...}.
    Start {
        /// Count this category's products.
        #[arg(long, conflicts_with = "skus")]
        category: Option<String>,
        /// Count this product (SKU or barcode). Repeatable.
        #[arg(long = "sku", value_name = "SKU")]
        skus: Vec<String>,
    },
    /// Set the counted quantity of a product (SKU or barcode), replacing
    /// what was counted; a product outside the count's scope joins it.
    Set {
        id: String,
        code: String,
        #[arg(allow_hyphen_values = true)]
        qty: String,
    },
    /// Count one more of a product (SKU or barcode), as a scan does.
    Scan { id: String, code: String },
    /// A count's lines (expected, counted, variance and its value at cost)
    /// and totals.
    Show { id: String },
    /// Commit a count: each counted product moves by counted - expected as
    /// a count movement, in one transaction; uncounted ones stay as they
    /// are. A manager's.
    Commit { id: String },
    /// Cancel an open count: nothing moves. A manager's.
    Cancel { id: String },
    /// Every count, newest first.
    List,
}

fn id(text: &str) -> Result<i64> {
    whole(Field::Id, text)
}

pub fn count(ctx: &Ctx, store: &mut Store, cmd: CountCmd) -> Result<()> {
    let h = &ctx.human;
    match cmd {
        CountCmd::Start { category, skus } => {
            let scope = match category {
                Some(c) => CountScope::Category(c),
                None if skus.is_empty() => CountScope::All,
                None => CountScope::List(skus),
            };
            let c = store.count_start(scope)?;
            ctx.out(&c, |c| show(c, h))
        }
        CountCmd::Set { id: n, code, qty } => {
            let n = id(&n)?;
            let qty = whole(Field::Quantity, &qty)?;
            let line = store.count_set(n, &code, qty)?;
            ctx.out(&line, |l| line_words(l, h))
        }
        CountCmd::Scan { id: n, code } => {
            let line = store.count_scan(id(&n)?, &code)?;
            ctx.out(&line, |l| line_words(l, h))
        }
        CountCmd::Show { id: n } => {
            let c = store.count_show(id(&n)?)?;
            ctx.out(&c, |c| show(c, h))
        }
        CountCmd::Commit { id: n } => {
            let c = store.count_commit(id(&n)?)?;
            ctx.out(&c, |c| show(c, h))
        }
        CountCmd::Cancel { id: n } => {
            let c = store.count_cancel(id(&n)?)?;
            ctx.out(&c, |c| show(c, h))
        }
        CountCmd::List => {
            let list = store.counts()?;
            ctx.out(&list, |list| {
                let mut out = String::new();
                for c in list {
                    let _ = writeln!(
                        out,
                        "{:>4}  {:<9}  {:<8}  {:>4}/{:<4} counted  {} by {}",
                        c.id,
                        words(&c.status),
                        c.category.as_deref().unwrap_or(&words(&c.scope)),
                        c.counted,
                        c.lines,
                        h.time(&c.started_at),
                        c.started_by
                    );
                }
                if list.is_empty() {
                    out.push_str("no counts");
                }
                out
            })
        }
    }
}

fn line_words(l: &CountLine, h: &Human) -> String {
    match (l.counted, l.expected, l.variance) {
        (Some(c), Some(e), Some(v)) => format!(
            "{}: {c} counted, {e} expected, {v:+}{}",
            l.sku,
            l.variance_value
                .map(|m| format!(" ({})", h.change(m)))
                .unwrap_or_default()
        ),
        _ => format!("{}: not counted", l.sku),
    }
}

fn show(c: &StockCount, h: &Human) -> String {
    let mut out = String::new();
    let scope = match (&c.category, c.scope) {
        (Some(cat), _) => format!("category {cat}"),
        (None, ScopeKind::All) => "all products".to_string(),
        (None, _) => "a list of products".to_string(),
    };
    let _ = writeln!(
        out,
        "count {} ({scope}), {}, started {} by {}",
        c.id,
        words(&c.status),
        h.time(&c.started_at),
        c.started_by
    );
    let _ = writeln!(
        out,
        "{:<16} {:>8} {:>8} {:>8} {:>12}",
        "SKU", "EXPECTED", "COUNTED", "VARIANCE", "AT COST"
    );
    let opt = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
    for l in &c.lines {
        let _ = writeln!(
            out,
            "{:<16} {:>8} {:>8} {:>8} {:>12}",
            l.sku,
            opt(l.expected),
            opt(l.counted),
            l.variance
                .map(|v| format!("{v:+}"))
                .unwrap_or_else(|| "-".into()),
            l.variance_value
                .map(|v| h.change(v))
                .unwrap_or_else(|| "-".into())
        );
    }
    let t = &c.totals;
    let uncounted = if t.uncounted > 0 {
        format!(" ({} not counted: left as they are)", t.uncounted)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} of {} counted{uncounted}; {} units over ({}), {} under ({})",
        t.counted,
        t.lines,
        t.units_over,
        h.money(t.value_over),
        t.units_under,
        h.money(t.value_under)
    );
    if t.without_cost > 0 {
        let _ = writeln!(
            out,
            "left out of the values, with a variance and no cost: {}",
            t.without_cost
        );
    }
    out
}

/// `till stock low`: products at or below their reorder point and what to
/// order.
pub fn low(ctx: &Ctx, store: &mut Store) -> Result<()> {
    let low = store.low_stock()?;
    ctx.out(&low, |low| low_words(low))
}

fn low_words(low: &[LowStock]) -> String {
    if low.is_empty() {
        return "no product is at or below its reorder point".into();
    }
    let mut out = format!(
        "{:<16} {:>8} {:>8} {:>8} {:>8} {:>9}  SUPPLIER\n",
        "SKU", "ON HAND", "POINT", "PER DAY", "ON ORDER", "SUGGESTED"
    );
    for l in low {
        let _ = writeln!(
            out,
            "{:<16} {:>8} {:>8} {:>8} {:>8} {:>9}  {}",
            l.sku,
            l.on_hand,
            l.reorder_point,
            l.daily_velocity,
            l.on_order,
            l.suggested_qty,
            l.supplier.as_deref().unwrap_or("-")
        );
    }
    out
}

/// `till stock reorder --supplier N`: a draft purchase order from the
/// supplier's suggestions.
pub fn reorder(ctx: &Ctx, store: &mut Store, supplier: &str) -> Result<()> {
    let r = store.reorder_po(supplier)?;
    let h = &ctx.human;
    ctx.out(&r, |r| {
        let mut out = format!(
            "{} to {} ({}), {} lines, {}\n",
            r.po.number,
            r.po.supplier,
            words(&r.po.status),
            r.po.lines.len(),
            h.money(r.po.total)
        );
        for l in &r.po.lines {
            let _ = writeln!(
                out,
                "  {:<16} {:>6} x {}",
                l.sku,
                l.qty,
                h.money(l.unit_cost)
            );
        }
        if !r.without_cost.is_empty() {
            let _ = writeln!(
                out,
                "left out, without a cost: {}",
                r.without_cost.join(", ")
            );
        }
        out
    })
}
