//! Helpers shared by the core test targets: real store files in temp dirs.
#![allow(dead_code)]

use std::str::FromStr;

use rust_decimal::Decimal;
use till_core::catalog::NewProduct;
use till_core::checkout::{SaleLine, SaleRequest, Tender, TenderMethod};
use till_core::settings::Settings;
use till_core::Store;

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A new store file in a fresh temp dir (kept alive by the returned guard).
pub fn new_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path().join("till.db"), Settings::default()).unwrap();
    (dir, store)
}

pub fn add(store: &mut Store, sku: &str, price: &str, tax: &str, stock: i64) {
    store
        .add_product(NewProduct {
            sku: sku.into(),
            name: format!("Product {sku}"),
            price: dec(price),
            cost: None,
            barcode: None,
            tax_rate: Some(dec(tax)),
            category: None,
            stock: Some(stock),
            ..Default::default()
        })
        .unwrap();
}

pub fn cash(amount: &str) -> Tender {
    Tender {
        method: TenderMethod::Cash,
        amount: dec(amount),
        reference: None,
    }
}

pub fn card(amount: &str) -> Tender {
    Tender {
        method: TenderMethod::Card,
        amount: dec(amount),
        reference: Some("T1".into()),
    }
}

pub fn sale(lines: &[(&str, i64)], tenders: Vec<Tender>) -> SaleRequest {
    SaleRequest {
        key: None,
        lines: lines
            .iter()
            .map(|(c, q)| SaleLine {
                code: (*c).into(),
                qty: *q,
                discount: None,
                price: None,
            })
            .collect(),
        order_discount: None,
        tenders,
        customer_id: None,
        referral_code: None,
    }
}

/// Number of rows in a table.
pub fn count(store: &Store, table: &str) -> i64 {
    store
        .connection()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}
