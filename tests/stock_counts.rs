//! Stock counts against real store files: scanning adds one, typing
//! replaces, the expected quantity is the on-hand when a product is first
//! counted (so sales during the count are not taken for shrinkage),
//! category and list scopes, a product found outside the scope, the
//! variance at cost, and the commit as `count` movements naming the count,
//! in one transaction, once.

#[path = "support/mod.rs"]
mod support;

use rust_decimal::Decimal;
use support::*;
use till_core::catalog::NewProduct;
use till_core::stock_counts::{CountScope, CountStatus, ScopeKind};
use till_core::{Error, Store};

fn product(s: &mut Store, sku: &str, category: &str, cost: Option<&str>, stock: i64) {
    s.add_product(NewProduct {
        sku: sku.into(),
        name: format!("Product {sku}"),
        price: dec("10.00"),
        cost: cost.map(dec),
        barcode: Some(sku.bytes().map(|b| b.to_string()).collect()),
        tax_rate: Some(dec("0")),
        category: Some(category.into()),
        stock: Some(stock),
        ..Default::default()
    })
    .unwrap();
}

/// COF and TEA (drinks), MUG and CUP (kitchen).
fn shop() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    product(&mut s, "COF", "Drinks", Some("2.50"), 10);
    product(&mut s, "TEA", "drinks", None, 5);
    product(&mut s, "MUG", "Kitchen", Some("4.00"), 7);
    product(&mut s, "CUP", "Kitchen", Some("1.25"), 3);
    (d, s)
}

fn on_hand(s: &Store, sku: &str) -> i64 {
    s.stock(sku).unwrap().on_hand
}

#[test]
fn sales_between_counting_and_commit_are_not_shrinkage() {
    let (_d, mut s) = shop();
    let c = s.count_start(CountScope::All).unwrap();
    assert_eq!(c.scope, ScopeKind::All);
    assert_eq!(c.lines.len(), 4);
    assert!(c
        .lines
        .iter()
        .all(|l| l.counted.is_none() && l.expected.is_none()));

    // Two COF sold before it is counted: expected is taken at the count, 8.
    s.sell(sale(&[("COF", 2)], vec![cash("20.00")])).unwrap();
    // 7 found on the shelf: one missing.
    let l = s.count_set(c.id, "COF", 7).unwrap();
    assert_eq!(
        (l.expected, l.counted, l.variance),
        (Some(8), Some(7), Some(-1))
    );
    // Three sold after counting and before the commit.
    s.sell(sale(&[("COF", 3)], vec![cash("30.00")])).unwrap();
    assert_eq!(on_hand(&s, "COF"), 5);
    // Expected stays as it was when first counted, even when typed again.
    let l = s.count_set(c.id, "COF", 7).unwrap();
    assert_eq!(l.expected, Some(8));

    let done = s.count_commit(c.id).unwrap();
    assert_eq!(done.status, CountStatus::Committed);
    let cof = done.lines.iter().find(|l| l.sku == "COF").unwrap();
    assert_eq!(cof.on_hand, 4);
    // On hand now (5) + counted (7) - expected (8) = 4: the shelf's 7 less
    // the 3 sold since.
    assert_eq!(on_hand(&s, "COF"), 4);
    // Uncounted products are left alone.
    assert_eq!(on_hand(&s, "TEA"), 5);
    assert_eq!(on_hand(&s, "MUG"), 7);
    assert!(s.stock_drift().unwrap().is_empty());
}

#[test]
fn scans_add_one_and_typing_overrides() {
    let (_d, mut s) = shop();
    let c = s.count_start(CountScope::All).unwrap();
    let barcode = s.product("MUG").unwrap().barcode.unwrap();
    s.count_scan(c.id, "MUG").unwrap();
    s.count_scan(c.id, &barcode).unwrap();
    let l = s.count_scan(c.id, "MUG").unwrap();
    assert_eq!(
        (l.counted, l.expected, l.variance),
        (Some(3), Some(7), Some(-4))
    );
    // Typing replaces what the scans counted; scanning then adds to it.
    let l = s.count_set(c.id, "MUG", 6).unwrap();
    assert_eq!(l.counted, Some(6));
    let l = s.count_scan(c.id, "MUG").unwrap();
    assert_eq!((l.counted, l.variance), (Some(7), Some(0)));
    // Zero is a count: nothing on the shelf.
    let l = s.count_set(c.id, "CUP", 0).unwrap();
    assert_eq!((l.counted, l.variance), (Some(0), Some(-3)));
    let bad = s.count_set(c.id, "CUP", -1).unwrap_err();
    assert!(matches!(bad, Error::Invalid { .. }), "{bad}");
    assert!(matches!(
        s.count_scan(c.id, "NOPE").unwrap_err(),
        Error::UnknownProduct(_)
    ));
    assert!(matches!(
        s.count_scan(999, "MUG").unwrap_err(),
        Error::NotFound { .. }
    ));
    s.count_commit(c.id).unwrap();
    // MUG agreed: no movement. CUP: -3.
    assert_eq!(on_hand(&s, "MUG"), 7);
    assert_eq!(on_hand(&s, "CUP"), 0);
    let kinds: Vec<_> = s.movements("MUG").unwrap().iter().map(|m| m.kind).collect();
    assert_eq!(kinds, [till_core::inventory::MovementKind::Restock]);
}

#[test]
fn category_and_list_scopes_and_products_found_outside_them() {
    let (_d, mut s) = shop();
    s.add_product(NewProduct {
        sku: "OLD".into(),
        name: "Old drink".into(),
        price: dec("1"),
        category: Some("Drinks".into()),
        stock: Some(1),
        ..Default::default()
    })
    .unwrap();
    s.update_product(
        "OLD",
        till_core::catalog::ProductUpdate {
            active: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    // Category matched ignoring case; inactive products left out.
    let c = s
        .count_start(CountScope::Category("DRINKS".into()))
        .unwrap();
    assert_eq!(c.scope, ScopeKind::Category);
    assert_eq!(c.category.as_deref(), Some("DRINKS"));
    let skus: Vec<_> = c.lines.iter().map(|l| l.sku.as_str()).collect();
    assert_eq!(skus, ["COF", "TEA"]);
    // A mug found among the drinks joins the count.
    let l = s.count_set(c.id, "MUG", 7).unwrap();
    assert_eq!(l.expected, Some(7));
    let c = s.count_show(c.id).unwrap();
    assert_eq!(c.lines.len(), 3);
    assert_eq!((c.totals.counted, c.totals.uncounted), (1, 2));

    let e = s
        .count_start(CountScope::Category("Garden".into()))
        .unwrap_err();
    assert!(matches!(e, Error::Invalid { .. }), "{e}");

    // A list by SKU or barcode, a product named twice counted once.
    let cup_barcode = s.product("CUP").unwrap().barcode.unwrap();
    let l = s
        .count_start(CountScope::List(vec![
            "TEA".into(),
            cup_barcode,
            "TEA".into(),
        ]))
        .unwrap();
    assert_eq!(l.scope, ScopeKind::List);
    let skus: Vec<_> = l.lines.iter().map(|l| l.sku.as_str()).collect();
    assert_eq!(skus, ["CUP", "TEA"]);
    assert!(matches!(
        s.count_start(CountScope::List(vec!["NOPE".into()]))
            .unwrap_err(),
        Error::UnknownProduct(_)
    ));
    assert_eq!(s.counts().unwrap().len(), 2);
}

#[test]
fn variance_at_cost_and_totals() {
    let (_d, mut s) = shop();
    let c = s.count_start(CountScope::All).unwrap();
    s.count_set(c.id, "COF", 12).unwrap(); // +2 at 2.50
    s.count_set(c.id, "MUG", 4).unwrap(); // -3 at 4.00
    s.count_set(c.id, "TEA", 4).unwrap(); // -1, no cost
    let c = s.count_show(c.id).unwrap();
    let line = |sku: &str| c.lines.iter().find(|l| l.sku == sku).unwrap().clone();
    assert_eq!(line("COF").variance_value, Some(dec("5.00")));
    assert_eq!(line("MUG").variance_value, Some(dec("-12.00")));
    assert_eq!(line("TEA").variance_value, None);
    assert_eq!(line("CUP").variance, None);
    let t = &c.totals;
    assert_eq!((t.lines, t.counted, t.uncounted), (4, 3, 1));
    assert_eq!((t.units_over, t.units_under), (2, 4));
    assert_eq!(t.value_over, dec("5.00"));
    assert_eq!(t.value_under, dec("12.00"));
    assert_eq!(t.without_cost, 1);
    assert_eq!(t.value_over - t.value_under, Decimal::from(-7));
}

#[test]
fn commit_writes_count_movements_naming_the_count_once() {
    let (_d, mut s) = shop();
    let c = s.count_start(CountScope::All).unwrap();
    s.count_set(c.id, "COF", 12).unwrap();
    s.count_set(c.id, "MUG", 4).unwrap();
    s.count_set(c.id, "CUP", 3).unwrap();
    let events_before = count(&s, "outbox");
    s.count_commit(c.id).unwrap();
    let rows: Vec<(String, String, i64, Option<i64>)> = {
        let conn = s.connection();
        let mut stmt = conn
            .prepare(
                "SELECT p.sku, m.kind, m.qty, m.count_id FROM stock_movements m JOIN products p ON p.id = m.product_id
                 WHERE m.kind = 'count' ORDER BY p.sku",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        rows,
        [
            ("COF".to_string(), "count".to_string(), 2, Some(c.id)),
            ("MUG".to_string(), "count".to_string(), -3, Some(c.id)),
        ]
    );
    // One stock.adjusted event per moved product (and the audit's own).
    let adjusted: i64 = s
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE type = 'stock.adjusted'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(adjusted, 2);
    assert!(count(&s, "outbox") >= events_before + 2);
    assert_eq!(on_hand(&s, "COF"), 12);
    assert_eq!(on_hand(&s, "MUG"), 4);

    // Committed once: a second commit, a change or a cancel is refused.
    assert!(matches!(
        s.count_commit(c.id).unwrap_err(),
        Error::Conflict(_)
    ));
    assert!(matches!(
        s.count_scan(c.id, "COF").unwrap_err(),
        Error::Conflict(_)
    ));
    assert!(matches!(
        s.count_cancel(c.id).unwrap_err(),
        Error::Conflict(_)
    ));
    assert_eq!(on_hand(&s, "COF"), 12);
}

#[test]
fn a_failing_commit_writes_nothing() {
    let (_d, mut s) = shop();
    let c = s.count_start(CountScope::All).unwrap();
    s.count_set(c.id, "COF", 12).unwrap();
    s.count_set(c.id, "MUG", 4).unwrap();
    // The ledger refuses the second movement (MUG sorts after COF): the
    // whole commit rolls back, COF's movement with it.
    s.connection()
        .execute_batch(
            "CREATE TRIGGER no_mug BEFORE INSERT ON stock_movements
             WHEN NEW.product_id = (SELECT id FROM products WHERE sku = 'MUG')
             BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .unwrap();
    assert!(s.count_commit(c.id).is_err());
    assert_eq!(on_hand(&s, "COF"), 10);
    assert_eq!(s.count_show(c.id).unwrap().status, CountStatus::Open);
    s.connection().execute_batch("DROP TRIGGER no_mug").unwrap();
    s.count_commit(c.id).unwrap();
    assert_eq!(on_hand(&s, "COF"), 12);
}

#[test]
fn cancel_moves_nothing() {
    let (_d, mut s) = shop();
    let c = s.count_start(CountScope::All).unwrap();
    s.count_set(c.id, "COF", 1).unwrap();
    let done = s.count_cancel(c.id).unwrap();
    assert_eq!(done.status, CountStatus::Cancelled);
    assert!(done.closed_at.is_some());
    assert_eq!(on_hand(&s, "COF"), 10);
    assert!(matches!(
        s.count_commit(c.id).unwrap_err(),
        Error::Conflict(_)
    ));
    assert_eq!(count(&s, "stock_movements"), 4);
}
