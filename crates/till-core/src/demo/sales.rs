//! Load generation: `till demo sales`, random sales rung up now through the
//! normal checkout (the benchmarks and the crash test lean on it).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use super::counter;
use crate::checkout::SaleLine;
use crate::error::{Error, Result};
use crate::inventory::MovementKind;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DemoSummary {
    pub orders: usize,
    pub items: i64,
    pub revenue: Decimal,
    pub restocks: usize,
}

/// Rings up `count` random sales through `Store::sell`, as a café would:
/// one to five lines, mostly coffee, paid by card, cash or both. When an
/// item runs low the shop restocks it (a normal restock movement) instead
/// of failing the sale.
pub fn run_sales(store: &mut Store, count: usize, seed: u64) -> Result<DemoSummary> {
    // Made-up sales in a real shop's books: the owner's call.
    store.require(crate::roles::Permission::ManageSettings)?;
    let products = store.products(None, false)?;
    if products.is_empty() {
        return Err(Error::Refused(
            "the catalog is empty: add products or create the demo store".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let currency = store.settings().currency.clone();
    let mut summary = DemoSummary {
        orders: 0,
        items: 0,
        revenue: currency.round(Decimal::ZERO),
        restocks: 0,
    };
    for _ in 0..count {
        let n_lines = rng.random_range(1..=5usize);
        let mut lines: Vec<SaleLine> = Vec::with_capacity(n_lines);
        for _ in 0..n_lines {
            // Popular items first: the catalog lists coffee first.
            let idx = (rng.random_range(0.0f64..1.0).powi(2) * products.len() as f64) as usize;
            let p = &products[idx.min(products.len() - 1)];
            if lines.iter().any(|l| l.code == p.sku) {
                continue;
            }
            lines.push(SaleLine {
                code: p.sku.clone(),
                qty: rng.random_range(1..=3),
                discount: None,
                price: None,
            });
        }
        for l in &lines {
            let on_hand = store.stock(&l.code)?.on_hand;
            if on_hand < l.qty + 5 {
                store.adjust_stock(&l.code, 100, MovementKind::Restock, Some("demo delivery"))?;
                summary.restocks += 1;
            }
        }
        let receipt = counter::ring_up(&mut rng, store, lines, None, None)?;
        summary.orders += 1;
        summary.items += receipt.lines.iter().map(|l| l.qty).sum::<i64>();
        summary.revenue = currency.round(summary.revenue + receipt.total);
    }
    Ok(summary)
}
