//! Checkout benchmarks (results in BENCHMARKS.md):
//! * pricing a 50-line cart against a 10,000-product catalog (target p99 < 50 us);
//! * durable sale commits per second against a raw SQLite baseline that
//!   writes the same rows with the same durability, in the same run
//!   (target >= 50 % of the baseline).
//!
//! Criterion measures the means; `percentiles` and `commit_ratio` below
//! print the p99 and the side-by-side ratio, measured interleaved so the
//! noise of a shared machine hits both sides alike.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use rand::{Rng, SeedableRng};
use rusqlite::params;
use rust_decimal::Decimal;
use till_core::catalog::{NewProduct, Product};
use till_core::checkout::{SaleLine, SaleRequest, Tender, TenderMethod};
use till_core::settings::Settings;
use till_core::totals::{compute, LineInput};
use till_core::{pricing, Store};

#[path = "common/mod.rs"]
mod common;
use common::{catalog_store, CATALOG};

/// Prices a cart the way checkout does: quote each line's unit price, then
/// compute discounts, tax per rate and totals.
fn price_cart(
    catalog: &HashMap<String, Product>,
    cart: &[(String, i64)],
    store: &Store,
    ctx: &pricing::PricingContext,
) -> Decimal {
    let now = chrono::Utc::now();
    let currency = &store.settings().currency;
    let lines: Vec<LineInput> = cart
        .iter()
        .map(|(sku, qty)| {
            let p = &catalog[sku];
            let q = pricing::quote(ctx, p, now);
            LineInput {
                qty: *qty,
                unit_price: q.price,
                tax_rate: p.tax_rate,
                discount: None,
            }
        })
        .collect();
    compute(currency, store.settings().tax_mode, &lines, None)
        .unwrap()
        .total
}

fn random_cart(rng: &mut impl Rng) -> Vec<(String, i64)> {
    (0..50)
        .map(|_| {
            (
                format!("SKU{:05}", rng.random_range(0..CATALOG)),
                rng.random_range(1..4),
            )
        })
        .collect()
}

fn bench_pricing(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = catalog_store(dir.path());
    let catalog: HashMap<String, Product> = store
        .products(None, true)
        .unwrap()
        .into_iter()
        .map(|p| (p.sku.clone(), p))
        .collect();
    let ctx = store.pricing_context().unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let carts: Vec<_> = (0..256).map(|_| random_cart(&mut rng)).collect();
    let mut i = 0;
    c.bench_function("price_50_line_cart_10k_catalog", |b| {
        b.iter(|| {
            i = (i + 1) % carts.len();
            price_cart(&catalog, &carts[i], &store, &ctx)
        })
    });
    // p99 from individually timed runs.
    let mut samples: Vec<Duration> = (0..20_000)
        .map(|k| {
            let t = Instant::now();
            std::hint::black_box(price_cart(&catalog, &carts[k % carts.len()], &store, &ctx));
            t.elapsed()
        })
        .collect();
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "RESULT pricing_50_lines: p50 {:.1} us, p99 {:.1} us, max {:.1} us (target p99 < 50 us)",
        pct(0.50).as_secs_f64() * 1e6,
        pct(0.99).as_secs_f64() * 1e6,
        samples.last().unwrap().as_secs_f64() * 1e6
    );
}

/// The baseline: the same rows a Till sale writes (order, 3 lines, taxes,
/// payment, 3 movements with the on-hand cache, counter, outbox event), with
/// prepared statements, in one transaction, WAL + synchronous=FULL, and no
/// validation, pricing or JSON.
struct RawBaseline {
    conn: rusqlite::Connection,
    n: i64,
}

impl RawBaseline {
    fn new(dir: &std::path::Path) -> RawBaseline {
        let conn = rusqlite::Connection::open(dir.join("raw.db")).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
             CREATE TABLE orders (id TEXT PRIMARY KEY, number TEXT UNIQUE, idempotency_key TEXT UNIQUE, subtotal TEXT, discount TEXT, tax TEXT, total TEXT, paid TEXT, change TEXT, cashier TEXT, created_at TEXT);
             CREATE TABLE order_lines (order_id TEXT, line_no INTEGER, product_id INTEGER, sku TEXT, name TEXT, qty INTEGER, unit_price TEXT, gross TEXT, discount TEXT, net TEXT, tax_rate TEXT, tax TEXT, total TEXT, PRIMARY KEY (order_id, line_no));
             CREATE TABLE order_taxes (order_id TEXT, rate TEXT, base TEXT, tax TEXT, PRIMARY KEY (order_id, rate));
             CREATE TABLE payments (id TEXT PRIMARY KEY, order_id TEXT, method TEXT, amount TEXT, created_at TEXT);
             CREATE TABLE stock_movements (id INTEGER PRIMARY KEY, product_id INTEGER, kind TEXT, qty INTEGER, user TEXT, created_at TEXT, order_id TEXT);
             CREATE TABLE stock_levels (product_id INTEGER PRIMARY KEY, on_hand INTEGER);
             CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER);
             CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, type TEXT, occurred_at TEXT, payload TEXT);
             INSERT INTO stock_levels VALUES (1, 1000000), (2, 1000000), (3, 1000000);",
        )
        .unwrap();
        RawBaseline { conn, n: 0 }
    }

    fn sale(&mut self) {
        self.n += 1;
        let id = uuid::Uuid::now_v7().to_string();
        let now = "2026-11-25T12:00:00.000Z";
        let tx = self.conn.transaction().unwrap();
        tx.prepare_cached("INSERT INTO counters VALUES ('receipt', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1").unwrap().execute([]).unwrap();
        tx.prepare_cached("INSERT INTO orders VALUES (?1, ?2, ?3, '14.20', '0.00', '0.45', '14.65', '20.00', '5.35', 'bench', ?4)")
            .unwrap()
            .execute(params![id, format!("RAW-{:06}", self.n), id, now])
            .unwrap();
        for (line, pid) in [(1i64, 1i64), (2, 2), (3, 3)] {
            tx.prepare_cached("INSERT INTO order_lines VALUES (?1, ?2, ?3, 'SKU', 'Name', 2, '3.40', '6.80', '0.00', '6.80', '10', '0.68', '7.48')")
                .unwrap()
                .execute(params![id, line, pid])
                .unwrap();
            tx.prepare_cached("INSERT INTO stock_movements (product_id, kind, qty, user, created_at, order_id) VALUES (?1, 'sale', -2, 'bench', ?2, ?3)")
                .unwrap()
                .execute(params![pid, now, id])
                .unwrap();
            tx.prepare_cached(
                "UPDATE stock_levels SET on_hand = on_hand - 2 WHERE product_id = ?1",
            )
            .unwrap()
            .execute([pid])
            .unwrap();
        }
        tx.prepare_cached("INSERT INTO order_taxes VALUES (?1, '10', '4.50', '0.45')")
            .unwrap()
            .execute([&id])
            .unwrap();
        tx.prepare_cached("INSERT INTO payments VALUES (?1, ?2, 'cash', '20.00', ?3)")
            .unwrap()
            .execute(params![uuid::Uuid::now_v7().to_string(), id, now])
            .unwrap();
        tx.prepare_cached("INSERT INTO outbox (id, type, occurred_at, payload) VALUES (?1, 'order.completed', ?2, ?3)")
            .unwrap()
            .execute(params![uuid::Uuid::now_v7().to_string(), now, format!("{{\"order_id\":\"{id}\"}}")])
            .unwrap();
        tx.commit().unwrap();
    }
}

fn sale_store(dir: &std::path::Path) -> Store {
    let mut s = Store::create(dir.join("till.db"), Settings::default()).unwrap();
    for (sku, price, tax) in [("A", "3.40", "10"), ("B", "2.90", "10"), ("C", "1.50", "0")] {
        s.add_product(NewProduct {
            sku: sku.into(),
            name: sku.into(),
            price: price.parse().unwrap(),
            tax_rate: Some(tax.parse().unwrap()),
            stock: Some(1_000_000),
            ..Default::default()
        })
        .unwrap();
    }
    s
}

fn till_sale(s: &mut Store) {
    s.sell(SaleRequest {
        key: None,
        lines: ["A", "B", "C"]
            .iter()
            .map(|c| SaleLine {
                code: (*c).into(),
                qty: 2,
                discount: None,
                price: None,
            })
            .collect(),
        order_discount: None,
        tenders: vec![Tender {
            method: TenderMethod::Cash,
            amount: "20.00".parse().unwrap(),
            reference: None,
        }],
        customer_id: None,
        referral_code: None,
    })
    .unwrap();
}

fn bench_commits(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = sale_store(dir.path());
    let mut raw = RawBaseline::new(dir.path());
    let mut g = c.benchmark_group("durable_sale_commit");
    g.sample_size(30);
    g.bench_function("till", |b| b.iter(|| till_sale(&mut store)));
    g.bench_function("raw_sqlite_baseline", |b| b.iter(|| raw.sale()));
    g.finish();

    // Interleaved rounds: both sides see the same machine at the same time.
    let (mut t_till, mut t_raw) = (Duration::ZERO, Duration::ZERO);
    let per_round = 50;
    let rounds = 20;
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..per_round {
            till_sale(&mut store);
        }
        t_till += t.elapsed();
        let t = Instant::now();
        for _ in 0..per_round {
            raw.sale();
        }
        t_raw += t.elapsed();
    }
    let n = (per_round * rounds) as f64;
    let till_rate = n / t_till.as_secs_f64();
    let raw_rate = n / t_raw.as_secs_f64();
    println!(
        "RESULT durable_commits: till {:.0} sales/s, raw SQLite {:.0} sales/s, ratio {:.0} % (target >= 50 %)",
        till_rate,
        raw_rate,
        100.0 * till_rate / raw_rate
    );
}

criterion_group!(benches, bench_pricing, bench_commits);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
