//! Pricing benchmarks (results in BENCHMARKS.md):
//! * the price of one item with 200 rules and 50 flash sales defined
//!   (target p99 < 5 us);
//! * re-pricing all 10,000 products after a bulk stock change, from the
//!   store (target < 20 ms).

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{criterion_group, Criterion};
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use till_core::catalog::Product;
use till_core::inventory::MovementKind;
use till_core::pricing::{self, Condition, Effect, FlashEffect, FlashSaleInput, RuleInput, Scope};

use common::{catalog_store, CATALOG};

fn define_rules_and_sales(s: &mut till_core::Store, rng: &mut impl Rng) {
    for i in 0..200 {
        let condition = match i % 3 {
            0 => Condition::StockBelow(rng.random_range(5..50)),
            1 => Condition::StockAbove(rng.random_range(100..250)),
            _ => Condition::WithinDaysOfSellBy(rng.random_range(1..5)),
        };
        let scope = match i % 4 {
            0 => Scope::Sku(format!("SKU{:05}", rng.random_range(0..CATALOG))),
            1 | 2 => Scope::Category(format!("cat{}", rng.random_range(0..40))),
            _ => Scope::All,
        };
        let effect =
            Effect::Multiplier(Decimal::new(rng.random_range(80..130), 2) + Decimal::new(1, 3));
        s.add_pricing_rule(RuleInput {
            condition,
            effect,
            scope,
            hysteresis: if !condition.is_sell_by() && i % 10 == 3 {
                3
            } else {
                0
            },
        })
        .unwrap();
    }
    let now = Utc::now();
    for i in 0..50 {
        let start = now + chrono::Duration::hours(rng.random_range(-48..24));
        s.create_flash_sale(FlashSaleInput {
            name: format!("Sale {i}"),
            skus: (0..rng.random_range(1..20))
                .map(|_| format!("SKU{:05}", rng.random_range(0..CATALOG)))
                .collect(),
            categories: if i % 3 == 0 {
                vec![format!("cat{}", rng.random_range(0..40))]
            } else {
                vec![]
            },
            effect: FlashEffect::Multiplier(Decimal::new(rng.random_range(50..95), 2)),
            starts_at: start,
            ends_at: start + chrono::Duration::hours(rng.random_range(1..72)),
            weekly: i % 5 == 0,
        })
        .unwrap();
    }
}

fn bench_pricing(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = catalog_store(dir.path());
    let mut rng = rand::rngs::StdRng::seed_from_u64(4);
    define_rules_and_sales(&mut store, &mut rng);
    let ctx = store.pricing_context().unwrap();
    let products: Vec<Product> = store.products(None, false).unwrap();
    let now = Utc::now();

    let mut i = 0usize;
    c.bench_function("quote_one_item_200_rules_50_sales", |b| {
        b.iter(|| {
            i = (i + 7919) % products.len();
            pricing::quote(&ctx, &products[i], now)
        })
    });
    let mut samples: Vec<Duration> = (0..50_000)
        .map(|k| {
            let p = &products[(k * 7919) % products.len()];
            let t = Instant::now();
            std::hint::black_box(pricing::quote(&ctx, p, now));
            t.elapsed()
        })
        .collect();
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "RESULT quote_one_item: p50 {:.2} us, p99 {:.2} us (target p99 < 5 us)",
        pct(0.5).as_secs_f64() * 1e6,
        pct(0.99).as_secs_f64() * 1e6
    );

    // A bulk stock change (a delivery of 500 lines), then re-price everything
    // from the store: load products and stock, rules, latches and sales, quote all.
    for k in 0..500 {
        store
            .adjust_stock(
                &format!("SKU{:05}", (k * 13) % CATALOG),
                40,
                MovementKind::Restock,
                Some("delivery"),
            )
            .unwrap();
    }
    c.bench_function("reprice_all_10k_products", |b| {
        b.iter(|| store.reprice_all(Utc::now()).unwrap().len())
    });
    let mut runs: Vec<Duration> = (0..30)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(store.reprice_all(Utc::now()).unwrap());
            t.elapsed()
        })
        .collect();
    runs.sort();
    println!(
        "RESULT reprice_all: median {:.1} ms, max {:.1} ms over 30 runs (target < 20 ms)",
        runs[15].as_secs_f64() * 1e3,
        runs[29].as_secs_f64() * 1e3
    );
}

criterion_group!(benches, bench_pricing);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
