//! Catalog import (results in BENCHMARKS.md, "Catalog import"): a Shopify
//! product CSV of 100,000 variant rows (25,000 products of 4 variants,
//! HTML bodies with quotes, commas and line breaks, barcodes, costs,
//! compare-at prices, opening stock) imported into a fresh store: the dry
//! run, the import itself (one transaction: 100,000 products and their
//! restock movements), the same file again (every row unchanged), and the
//! export of the 100,000 products as Till's CSV. Target: the import in
//! under 10 s.
//!
//! `cargo bench -p till-core --bench catalog_import`; TILL_BENCH_ROWS sets
//! the row count. Each step runs once per round, 3 rounds on fresh stores;
//! the median is reported.

use std::io::Write;
use std::time::{Duration, Instant};

use till_core::catalog_io::ImportFormat;
use till_core::settings::Settings;
use till_core::Store;

fn shopify_file(rows: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows * 300);
    out.extend_from_slice(b"Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Fulfillment Service,Variant Price,Variant Compare At Price,Variant Requires Shipping,Variant Taxable,Variant Barcode,Image Src,Image Position,Cost per item,Status\r\n");
    let colors = ["Green", "Blue"];
    let sizes = ["S", "M"];
    for i in 0..rows {
        let p = i / 4;
        let v = i % 4;
        let first = v == 0;
        let line = format!(
            "product-{p},{},{},{},{},{},{},{},{},{},{},{},SKU-{i:06},145,shopify,{},deny,manual,{}.{:02},{},TRUE,{},{:012},{},{},{},{}\r\n",
            if first { format!("\"Product {p}, \"\"classic\"\"\"") } else { String::new() },
            if first { "\"<p>A fine product,\nmade with \"\"care\"\".</p>\"" } else { "" },
            if first { "Acme" } else { "" },
            if first { "Apparel & Accessories > Clothing > Shirts" } else { "" },
            if first { format!("Type {}", p % 40) } else { String::new() },
            if first { "\"a, b\"" } else { "" },
            if first { "TRUE" } else { "" },
            if first { "Color" } else { "" },
            colors[v / 2],
            if first { "Size" } else { "" },
            sizes[v % 2],
            i % 50,
            5 + i % 90,
            i % 100,
            if i % 3 == 0 { "49.99" } else { "" },
            if i % 7 == 0 { "FALSE" } else { "TRUE" },
            100_000_000_000u64 + i as u64,
            if first { "https://cdn.example.com/x.jpg" } else { "" },
            if first { "1" } else { "" },
            if i % 2 == 0 { "3.20" } else { "" },
            if first { "active" } else { "" },
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is accepted and ignored.
    let rows: usize = std::env::var("TILL_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("products.csv");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(&shopify_file(rows))
        .unwrap();
    let bytes = std::fs::metadata(&file).unwrap().len();
    let (mut dry, mut commit, mut again, mut export) = (vec![], vec![], vec![], vec![]);
    for round in 0..3 {
        let db = dir.path().join(format!("till-{round}.db"));
        let mut store = Store::create(&db, Settings::default()).unwrap();
        let mut calls = 0u64;
        let t = Instant::now();
        let r = store
            .import_products(&file, None, true, &mut |_| {
                calls += 1;
                true
            })
            .unwrap();
        dry.push(t.elapsed());
        assert_eq!(r.created as usize, rows, "{:?}", r.errors.first());
        let t = Instant::now();
        let r = store
            .import_products(&file, None, false, &mut |_| true)
            .unwrap();
        commit.push(t.elapsed());
        assert!(r.committed && r.created as usize == rows);
        let t = Instant::now();
        let r = store
            .import_products(&file, None, false, &mut |_| true)
            .unwrap();
        again.push(t.elapsed());
        assert_eq!(r.unchanged as usize, rows);
        let out = dir.path().join(format!("export-{round}.csv"));
        let t = Instant::now();
        let n = store.export_products(ImportFormat::Till, &out).unwrap();
        export.push(t.elapsed());
        assert_eq!(n, rows);
        eprintln!("round {round}: {calls} progress calls in the dry run");
    }
    println!(
        "RESULT catalog_import rows={rows} file_bytes={bytes} dry_run_median_s={:.2} import_median_s={:.2} reimport_unchanged_median_s={:.2} export_till_median_s={:.2}",
        median(dry).as_secs_f64(),
        median(commit).as_secs_f64(),
        median(again).as_secs_f64(),
        median(export).as_secs_f64(),
    );
}
