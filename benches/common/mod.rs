//! Set-up shared by the benchmarks.
#![allow(dead_code)]

use rust_decimal::Decimal;
use till_core::catalog::NewProduct;
use till_core::settings::Settings;
use till_core::Store;

pub const CATALOG: usize = 10_000;

/// A store with a 10,000-product catalog in 40 categories and 4 tax rates.
pub fn catalog_store(dir: &std::path::Path) -> Store {
    let mut s = Store::create(dir.join("bench.db"), Settings::default()).unwrap();
    let rates = ["0", "7", "10", "20"];
    for i in 0..CATALOG {
        s.add_product(NewProduct {
            sku: format!("SKU{i:05}"),
            name: format!("Product {i}"),
            price: Decimal::new(50 + (i as i64 * 37) % 5000, 2),
            cost: Some(Decimal::new(20 + (i as i64 * 37) % 2000, 2)),
            barcode: Some(format!("{:013}", 2_000_000_000_000u64 + i as u64)),
            tax_rate: Some(rates[i % 4].parse().unwrap()),
            category: Some(format!("cat{}", i % 40)),
            stock: Some(((i * 7919) % 300) as i64),
            ..Default::default()
        })
        .unwrap();
    }
    s
}
