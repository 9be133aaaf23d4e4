//! Low stock and reorder suggestions against real store files: a known
//! sales history made at set clock times (one sale just outside the 28
//! days, one exactly at their start, a refund), the velocity and the
//! suggested quantities against values worked by hand (README "Low stock
//! and reordering"), what is on open purchase orders, and which products
//! are listed.

#[path = "support/mod.rs"]
mod support;

use chrono::{DateTime, Utc};
use support::*;
use till_core::catalog::NewProduct;
use till_core::catalog::ProductUpdate;
use till_core::orders::RefundRequest;
use till_core::purchasing::PoStatus;
use till_core::reorder::{suggested_qty, LowStock};
use till_core::settings::SettingsUpdate;
use till_core::suppliers::SupplierInput;
use till_core::{Clock, Error, Store};

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

const NOW: &str = "2026-12-01T12:00:00Z";

fn supplier(s: &mut Store, name: &str, lead_days: i64) {
    s.supplier_add(SupplierInput {
        name: name.into(),
        lead_days: Some(lead_days),
        ..Default::default()
    })
    .unwrap();
}

fn product(
    s: &mut Store,
    sku: &str,
    supplier: Option<&str>,
    reorder_point: Option<i64>,
    reorder_qty: Option<i64>,
    stock: i64,
) {
    s.add_product(NewProduct {
        sku: sku.into(),
        name: format!("Product {sku}"),
        price: dec("1.00"),
        cost: Some(dec("0.40")),
        tax_rate: Some(dec("0")),
        stock: Some(stock),
        supplier: supplier.map(String::from),
        reorder_point,
        reorder_qty,
        ..Default::default()
    })
    .unwrap();
}

fn sell_at(s: &mut Store, t: &str, sku: &str, qty: i64) -> String {
    s.set_clock(Clock::Fixed(at(t)));
    s.sell(sale(&[(sku, qty)], vec![cash("100.00")]))
        .unwrap()
        .id
}

/// BEAN (Roast, 5 days' lead, point 10, at least 12) with a month of
/// sales; CUP (Roast, point 5, at least 24) unsold at its point; MUG
/// (Potter, 10 days, point 2) out of stock; TEA (no supplier) above its
/// point; JAR without a reorder point, out of stock.
fn shop() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    s.set_clock(Clock::Fixed(at("2026-11-01T09:00:00Z")));
    supplier(&mut s, "Roast", 5);
    supplier(&mut s, "Potter", 10);
    product(&mut s, "BEAN", Some("Roast"), Some(10), Some(12), 40);
    product(&mut s, "CUP", Some("Roast"), Some(5), Some(24), 5);
    product(&mut s, "MUG", Some("Potter"), Some(2), None, 0);
    product(&mut s, "TEA", None, Some(3), None, 10);
    product(&mut s, "JAR", None, None, None, 0);
    // The 28 days before 2026-12-01T12:00Z start 2026-11-03T12:00Z.
    sell_at(&mut s, "2026-11-03T11:59:59Z", "BEAN", 5); // before them
    sell_at(&mut s, "2026-11-03T12:00:00Z", "BEAN", 1); // at their start
    sell_at(&mut s, "2026-11-10T15:00:00Z", "BEAN", 10);
    sell_at(&mut s, "2026-11-20T10:00:00Z", "BEAN", 8);
    let order = sell_at(&mut s, "2026-11-28T17:30:00Z", "BEAN", 12);
    s.set_clock(Clock::Fixed(at("2026-11-29T10:00:00Z")));
    s.refund(RefundRequest {
        order,
        items: Some(vec![("BEAN".into(), 2)]),
        key: None,
    })
    .unwrap();
    s.set_clock(Clock::Fixed(at(NOW)));
    (d, s)
}

fn find<'a>(low: &'a [LowStock], sku: &str) -> &'a LowStock {
    low.iter().find(|l| l.sku == sku).unwrap()
}

#[test]
fn suggestions_from_a_known_sales_history() {
    let (_d, s) = shop();
    let low = s.low_stock().unwrap();
    // By supplier, then SKU; TEA is above its point, JAR has none.
    let skus: Vec<_> = low.iter().map(|l| l.sku.as_str()).collect();
    assert_eq!(skus, ["MUG", "BEAN", "CUP"]);
    assert_eq!(s.low_stock_count().unwrap(), 3);

    let bean = find(&low, "BEAN");
    // 40 - 5 - 1 - 10 - 8 - 12 + 2 = 6 on hand.
    assert_eq!(bean.on_hand, 6);
    // Sold in the 28 days: 1 + 10 + 8 + 12 - 2 refunded = 29.
    assert_eq!(bean.sold_28d, 29);
    assert_eq!(bean.daily_velocity, dec("1.04"));
    assert_eq!(bean.supplier.as_deref(), Some("Roast"));
    assert_eq!(bean.lead_days, 5);
    assert_eq!(bean.on_order, 0);
    // ceil(29 x (5 + 14) / 28) = ceil(19.68) = 20; 20 + 10 - 6 = 24.
    assert_eq!(bean.suggested_qty, 24);

    // Nothing sold: up to the point, at least the reorder quantity.
    let cup = find(&low, "CUP");
    assert_eq!(
        (cup.on_hand, cup.daily_velocity, cup.suggested_qty),
        (5, dec("0"), 24)
    );
    // Nothing sold: one above the point, 1 + 2 - 0 = 3, more than the
    // least of 1.
    let mug = find(&low, "MUG");
    assert_eq!((mug.lead_days, mug.suggested_qty), (10, 3));
}

#[test]
fn the_days_of_cover_setting_moves_the_suggestion() {
    let (_d, mut s) = shop();
    s.update_settings(SettingsUpdate {
        reorder_cover_days: Some(30),
        ..Default::default()
    })
    .unwrap();
    // ceil(29 x 35 / 28) = ceil(36.25) = 37; 37 + 10 - 6 = 41.
    assert_eq!(find(&s.low_stock().unwrap(), "BEAN").suggested_qty, 41);
    let e = s
        .update_settings(SettingsUpdate {
            reorder_cover_days: Some(366),
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(e, Error::Invalid { .. }), "{e}");
}

#[test]
fn what_is_on_order_is_counted() {
    let (_d, s) = shop();
    let c = s.connection();
    let po = |status: &str, qty: i64, received: i64| {
        c.execute(
            "INSERT INTO purchase_orders (number, supplier_id, status, created_by, created_at, updated_at)
             VALUES ('PO-' || (SELECT COUNT(*) + 1 FROM purchase_orders), (SELECT id FROM suppliers WHERE name = 'Roast'), ?1, 'x', '2026-11-30T00:00:00.000Z', '2026-11-30T00:00:00.000Z')",
            [status],
        )
        .unwrap();
        c.execute(
            "INSERT INTO po_lines (po_id, product_id, qty, unit_cost, received) VALUES (?1, (SELECT id FROM products WHERE sku = 'BEAN'), ?2, '0.40', ?3)",
            rusqlite::params![c.last_insert_rowid(), qty, received],
        )
        .unwrap();
    };
    // Open: 2 ordered, 1 of 3 still to come, and a line received beyond
    // its quantity counts as none. Closed orders count for nothing.
    po("draft", 2, 0);
    po("partly_received", 3, 2);
    po("sent", 1, 4);
    po("received", 50, 50);
    po("cancelled", 50, 0);
    let bean = find(&s.low_stock().unwrap(), "BEAN").clone();
    assert_eq!(bean.on_order, 3);
    // 20 + 10 - 6 - 3 = 21.
    assert_eq!(bean.suggested_qty, 21);
    // Enough on order to lift it above its point: still low, nothing to order.
    po("sent", 5, 0);
    let bean = find(&s.low_stock().unwrap(), "BEAN").clone();
    assert_eq!((bean.on_order, bean.suggested_qty), (8, 0));
}

#[test]
fn the_rule_by_hand() {
    // on hand, point, on order, least, sold, lead, cover.
    assert_eq!(suggested_qty(6, 10, 0, Some(12), 29, 5, 14), 24);
    assert_eq!(suggested_qty(6, 10, 0, Some(30), 29, 5, 14), 30);
    assert_eq!(suggested_qty(11, 10, 0, Some(12), 29, 5, 14), 0);
    assert_eq!(suggested_qty(10, 10, 0, None, 0, 7, 14), 1);
    assert_eq!(suggested_qty(-4, 0, 0, None, 28, 0, 0), 5);
    assert_eq!(suggested_qty(0, 2, 0, None, 0, 10, 14), 3);
    // Ordered what was suggested: above the point, nothing more.
    assert_eq!(suggested_qty(0, 2, 3, None, 0, 10, 14), 0);
    assert_eq!(suggested_qty(0, 0, 0, None, 1, 0, 1), 1);
    // Sales too large to multiply out give the most, never a panic.
    assert_eq!(
        suggested_qty(0, 10, 0, None, i64::MAX, 365, 365),
        i64::MAX / 28 + 1 + 10
    );
}

#[test]
fn a_purchase_order_per_supplier_from_the_suggestions() {
    let (_d, mut s) = shop();
    s.update_product(
        "CUP",
        ProductUpdate {
            cost: Some(None),
            ..Default::default()
        },
    )
    .unwrap();
    let r = s.reorder_po("roast").unwrap();
    assert_eq!(r.po.supplier, "Roast");
    assert_eq!(r.po.status, PoStatus::Draft);
    let lines: Vec<_> =
        r.po.lines
            .iter()
            .map(|l| (l.sku.as_str(), l.qty, l.unit_cost))
            .collect();
    assert_eq!(lines, [("BEAN", 24, dec("0.40"))]);
    assert_eq!(r.po.total, dec("9.60"));
    // CUP has no cost: left out, and named.
    assert_eq!(r.without_cost, ["CUP"]);
    // What was ordered is on order now: BEAN is low, with nothing to order.
    let bean = find(&s.low_stock().unwrap(), "BEAN").clone();
    assert_eq!((bean.on_order, bean.suggested_qty), (24, 0));
    // Again: nothing to order from Roast, and nothing written.
    let e = s.reorder_po("Roast").unwrap_err();
    assert!(matches!(e, Error::Refused(_)), "{e}");
    assert!(e.to_string().contains("CUP"), "{e}");
    assert_eq!(count(&s, "purchase_orders"), 1);

    let potter = s.reorder_po("Potter").unwrap();
    let lines: Vec<_> = potter
        .po
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.qty))
        .collect();
    assert_eq!(lines, [("MUG", 3)]);
    assert!(potter.without_cost.is_empty());
    assert!(matches!(
        s.reorder_po("Nobody").unwrap_err(),
        Error::NotFound { .. }
    ));
    assert_eq!(count(&s, "purchase_orders"), 2);
}
