//! Report benchmarks (results in BENCHMARKS.md), on a store made by
//! `till demo history` (1,000,000 orders over two years unless
//! `TILL_BENCH_ORDERS` says otherwise; built once and kept under
//! `target/bench-stores/`, as building it takes minutes):
//! * a month's sales by day, and today's totals (target < 100 ms each);
//! * a year by product, and by hour (target < 300 ms);
//! * the playbooks report for a month (target < 300 ms);
//! * periods that end inside a day (today so far; a month from 10:00 on
//!   its first day to 15:00 on its last), whose part days are read from
//!   the raw rows;
//! * building the sums from scratch (what a change of time zone costs);
//! * beside them, the month by day computed from the raw rows (every order
//!   and line of the month read and added up), the way a report without the
//!   sums would: the ratio of the two, measured in the same run.
//!
//! Also prints the store file's size.
//!
//! Most of these reports are advanced reporting: the store gets a Pro
//! license signed with the test key under the id `bench`, which a release
//! build trusts only when built to (`TILL_VENDOR_KEY_ID=bench
//! TILL_VENDOR_PUBLIC_KEY=` the test key's public half, as
//! `benches/reports.sh` runs it).

#[path = "../tests/support/license.rs"]
#[allow(dead_code)]
mod license_support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use criterion::{criterion_group, Criterion};
use rust_decimal::Decimal;
use till_core::demo::{bulk_history, BulkOptions};
use till_core::reports::SalesBy;
use till_core::settings::Settings;
use till_core::{Clock, Store};

/// "Now" for the history: fixed, so the cached store fits every run.
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-30T20:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn store_path(orders: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-stores");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("history-{orders}.db"))
}

fn open_store() -> (Store, PathBuf) {
    let orders: u64 = std::env::var("TILL_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let path = store_path(orders);
    if !path.exists() {
        let partial = path.with_extension("building");
        let _ = std::fs::remove_file(&partial);
        let settings = Settings {
            time_zone: "Europe/Berlin".into(),
            ..Settings::default()
        };
        let mut s = Store::create(&partial, settings).unwrap();
        s.set_clock(Clock::Fixed(now()));
        let t = Instant::now();
        let made = bulk_history(
            &mut s,
            BulkOptions {
                orders,
                days: 730,
                seed: 18,
            },
            &mut |p| eprintln!("history: day {}/{} ({} orders)", p.day, p.days, p.orders),
        )
        .unwrap();
        eprintln!(
            "history: {} orders, {} lines in {:.0} s",
            made.orders,
            made.lines,
            t.elapsed().as_secs_f64()
        );
        // The history caught the sums up; build them again from scratch to
        // time that (what a change of time zone costs).
        s.connection()
            .execute("DELETE FROM report_state", [])
            .unwrap();
        let t = Instant::now();
        s.report_catch_up().unwrap();
        eprintln!(
            "RESULT catch_up_from_scratch: {} orders folded in {:.1} s",
            made.orders,
            t.elapsed().as_secs_f64()
        );
        drop(s);
        std::fs::rename(&partial, &path).unwrap();
        let wal = partial.with_extension("building-wal");
        let _ = std::fs::remove_file(wal);
    }
    let mut s = Store::open(&path).unwrap();
    s.set_clock(Clock::Fixed(now()));
    s.install_license(&bench_license())
        .expect("a Pro license the build trusts: run benches/reports.sh");
    (s, path)
}

/// A Pro license signed with the test key under the id `bench`.
fn bench_license() -> String {
    use till_core::plans::license::{self, LicensePayload};
    license::sign(
        &LicensePayload {
            license_id: "bench".into(),
            issued_to: "Bench shop".into(),
            store_id: None,
            tier: "pro".into(),
            unlocks: vec![],
            issued_at: "2026-11-01T00:00:00Z".into(),
            expires_at: None,
            grace_days: 14,
        },
        "bench",
        &license::signing_key(&license_support::test_seed()).unwrap(),
    )
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Percentiles of `runs` timed calls of `f`.
fn timed(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    (t[runs / 2], t[runs - 1])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The month by day from the raw rows: what a report without the sums
/// reads (orders and their lines, every amount parsed and added).
fn month_by_day_raw(s: &Store, from: DateTime<Utc>, to: DateTime<Utc>) -> Decimal {
    let mut stmt = s
        .connection()
        .prepare_cached(
            "SELECT o.created_at, l.gross, l.discount, l.tax, l.unit_cost, l.qty FROM orders o JOIN order_lines l ON l.order_id = o.id
             WHERE o.created_at >= ?1 AND o.created_at < ?2",
        )
        .unwrap();
    let mut rows = stmt
        .query([till_core::store::ts(from), till_core::store::ts(to)])
        .unwrap();
    let mut by_day: std::collections::HashMap<String, Decimal> = Default::default();
    while let Some(r) = rows.next().unwrap() {
        let at: String = r.get(0).unwrap();
        let g: Decimal = r.get::<_, String>(1).unwrap().parse().unwrap();
        let d: Decimal = r.get::<_, String>(2).unwrap().parse().unwrap();
        let _t: Decimal = r.get::<_, String>(3).unwrap().parse().unwrap();
        *by_day.entry(at[..10].to_string()).or_default() += g - d;
    }
    by_day.values().sum()
}

fn bench_reports(c: &mut Criterion) {
    let (mut s, path) = open_store();
    let size = std::fs::metadata(&path).unwrap().len();
    let orders: i64 = s
        .connection()
        .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    let lines: i64 = s
        .connection()
        .query_row("SELECT COUNT(*) FROM order_lines", [], |r| r.get(0))
        .unwrap();
    println!(
        "RESULT store_size: {orders} orders, {lines} lines, {:.0} MB ({:.0} bytes per order)",
        size as f64 / 1e6,
        size as f64 / orders as f64
    );
    let tz: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let start = |d: NaiveDate| till_core::locale::day_start(tz, d);
    let today = now().with_timezone(&tz).date_naive();
    let month = (start(day(2026, 10, 1)), start(day(2026, 11, 1)));
    let today_span = (start(today), start(today.succ_opt().unwrap()));
    let year = (start(day(2025, 11, 1)), start(day(2026, 11, 1)));

    let mut report = |name: &str, target: &str, f: &mut dyn FnMut(&mut Store)| {
        c.bench_function(name, |b| b.iter(|| f(&mut s)));
        let (p50, max) = timed(30, || f(&mut s));
        println!(
            "RESULT {name}: median {:.1} ms, max {:.1} ms over 30 runs ({target})",
            ms(p50),
            ms(max)
        );
    };
    report("month_by_day", "target < 100 ms", &mut |s| {
        s.sales_report(month.0, month.1, SalesBy::Day, None)
            .unwrap();
    });
    report("today_totals", "target < 100 ms", &mut |s| {
        s.sales_report(today_span.0, today_span.1, SalesBy::Day, None)
            .unwrap();
    });
    // Periods that end inside a day: the part days come from the raw rows.
    report("today_so_far", "", &mut |s| {
        s.sales_report(today_span.0, now(), SalesBy::Day, None)
            .unwrap();
    });
    let odd = (
        month.0 + chrono::Duration::hours(10),
        month.1 - chrono::Duration::hours(9),
    );
    report("month_by_day_part_days_at_both_ends", "", &mut |s| {
        s.sales_report(odd.0, odd.1, SalesBy::Day, None).unwrap();
    });
    report("year_by_product", "target < 300 ms", &mut |s| {
        s.sales_report(year.0, year.1, SalesBy::Product, None)
            .unwrap();
    });
    report("year_by_hour", "target < 300 ms", &mut |s| {
        s.sales_report(year.0, year.1, SalesBy::Hour, None).unwrap();
    });
    report("month_by_day_with_previous", "", &mut |s| {
        s.sales_report(
            month.0,
            month.1,
            SalesBy::Day,
            Some(till_core::reports::Compare::Previous),
        )
        .unwrap();
    });
    report("month_playbooks", "target < 300 ms", &mut |s| {
        s.playbooks_report(month.0, month.1).unwrap();
    });
    report("stock", "", &mut |s| {
        s.stock_report().unwrap();
    });
    report("month_tax", "", &mut |s| {
        s.tax_report(month.0, month.1).unwrap();
    });

    // Side by side, alternating: the sums against the raw rows.
    let mut sums = Vec::new();
    let mut raw = Vec::new();
    for _ in 0..5 {
        sums.push(
            timed(5, || {
                s.sales_report(month.0, month.1, SalesBy::Day, None)
                    .unwrap();
            })
            .0,
        );
        raw.push(
            timed(5, || {
                std::hint::black_box(month_by_day_raw(&s, month.0, month.1));
            })
            .0,
        );
    }
    sums.sort();
    raw.sort();
    println!(
        "RESULT month_by_day_vs_raw_rows: sums median {:.1} ms, raw rows median {:.1} ms: {:.0}x faster",
        ms(sums[2]),
        ms(raw[2]),
        raw[2].as_secs_f64() / sums[2].as_secs_f64()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3));
    targets = bench_reports
}

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
