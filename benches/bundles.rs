//! Bundle pricing at checkout (results in BENCHMARKS.md): which of 100
//! bundles a 50-line cart gets, each unit in at most one set, the best
//! combination for the customer. Target: p99 < 100 us.
//!
//! Two carts are measured:
//! * "shop": bundles are pairs and triples of the 150 best sellers of a
//!   10,000-product catalog, and half of a cart's lines are best sellers —
//!   a busy shop with many overlapping offers;
//! * "dense": every line and every bundle draws on the same 60 products, so
//!   nearly all 100 bundles apply at once and overlap — far past what a
//!   shop defines, to show how the search behaves at its limit.
//!
//! Each is timed as the pure search (`bundles::pricing::best`) and as
//! checkout runs it (reading the live bundles from the store, then the
//! search). Criterion measures means; the p99 comes from 20,000 individually
//! timed runs.

use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use till_core::bundles::pricing::{best, BundleLine};
use till_core::bundles::{BundleInput, BundleOffer};
use till_core::Store;

#[path = "common/mod.rs"]
mod common;
use common::{catalog_store, CATALOG};

fn add_bundles(store: &mut Store, pool: usize, rng: &mut impl Rng) {
    for b in 0..100 {
        let size = rng.random_range(2..=3);
        let mut items: Vec<(String, i64)> = Vec::new();
        while items.len() < size {
            let sku = format!("SKU{:05}", rng.random_range(0..pool));
            if !items.iter().any(|(s, _)| *s == sku) {
                items.push((sku, rng.random_range(1..=2)));
            }
        }
        let offer = if b % 3 == 0 {
            BundleOffer::Price(Decimal::new(rng.random_range(100..3000), 2))
        } else {
            BundleOffer::PercentOff(Decimal::from(rng.random_range(5..25)))
        };
        store
            .create_bundle(BundleInput {
                name: format!("Bundle {b}"),
                items,
                offer: Some(offer),
                ..Default::default()
            })
            .unwrap();
    }
}

/// 50 lines; a line is one of the first `pool` products with probability
/// `share`, else any product.
fn carts(store: &Store, pool: usize, share: f64, rng: &mut impl Rng) -> Vec<Vec<BundleLine>> {
    let products = store.products(None, true).unwrap();
    (0..256)
        .map(|_| {
            (0..50)
                .map(|_| {
                    let i = if rng.random_bool(share) {
                        rng.random_range(0..pool)
                    } else {
                        rng.random_range(0..CATALOG)
                    };
                    let p = &products[i];
                    BundleLine {
                        product_id: p.id,
                        qty: rng.random_range(1..4),
                        unit_price: p.price,
                        eligible: true,
                    }
                })
                .collect()
        })
        .collect()
}

fn p99(label: &str, mut run: impl FnMut(usize) -> usize) {
    let mut applied = 0usize;
    let mut samples: Vec<Duration> = (0..20_000)
        .map(|k| {
            let t = Instant::now();
            applied += std::hint::black_box(run(k));
            t.elapsed()
        })
        .collect();
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "RESULT {label}: p50 {:.1} us, p99 {:.1} us, max {:.1} us, {:.1} bundle sets per cart (target p99 < 100 us)",
        pct(0.50).as_secs_f64() * 1e6,
        pct(0.99).as_secs_f64() * 1e6,
        samples.last().unwrap().as_secs_f64() * 1e6,
        applied as f64 / samples.len() as f64
    );
}

fn scenario(c: &mut Criterion, name: &str, pool: usize, share: f64) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = catalog_store(dir.path());
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    add_bundles(&mut store, pool, &mut rng);
    let carts = carts(&store, pool, share, &mut rng);
    let currency = store.settings().currency.clone();
    let now = chrono::Utc::now();
    let defs = store.live_bundles(now).unwrap();
    assert_eq!(defs.len(), 100);
    let sets = |cart: &[BundleLine], defs: &[till_core::bundles::BundleDef]| -> usize {
        best(&currency, cart, defs)
            .applied
            .iter()
            .map(|a| a.times as usize)
            .sum()
    };
    let mut i = 0;
    c.bench_function(&format!("bundles_{name}_50_lines_100_bundles"), |b| {
        b.iter(|| {
            i = (i + 1) % carts.len();
            sets(&carts[i], &defs)
        })
    });
    p99(&format!("bundles_{name}_search"), |k| {
        sets(&carts[k % carts.len()], &defs)
    });
    p99(&format!("bundles_{name}_with_store_read"), |k| {
        let defs = store.live_bundles(now).unwrap();
        sets(&carts[k % carts.len()], &defs)
    });
}

fn bench_bundles(c: &mut Criterion) {
    scenario(c, "shop", 150, 0.5);
    scenario(c, "dense", 60, 1.0);
}

criterion_group!(benches, bench_bundles);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
