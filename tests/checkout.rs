//! Checkout end to end against real store files: one transaction per sale,
//! idempotent completion, receipt numbers, stock rules, payments, refunds.

#[path = "support/mod.rs"]
mod support;

use support::*;
use till_core::checkout::{SaleLine, SaleRequest};
use till_core::orders::RefundRequest;
use till_core::totals::Discount;
use till_core::Store;

fn shop() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    add(&mut s, "COF", "3.40", "10", 100);
    add(&mut s, "MUG", "12.00", "20", 5);
    add(&mut s, "WAT", "1.50", "0", 50);
    (d, s)
}

#[test]
fn a_sale_writes_everything_in_one_go() {
    let (_d, mut s) = shop();
    let r = s
        .sell(sale(
            &[("COF", 2), ("MUG", 1), ("WAT", 3)],
            vec![cash("50.00")],
        ))
        .unwrap();
    // 6.80 @10% -> 0.68; 12.00 @20% -> 2.40; 4.50 @0%
    assert_eq!(r.subtotal, dec("23.30"));
    assert_eq!(r.tax, dec("3.08"));
    assert_eq!(r.total, dec("26.38"));
    assert_eq!(r.change, dec("23.62"));
    assert_eq!(r.lines.len(), 3);
    assert_eq!(r.taxes.len(), 2, "one tax line per non-zero rate");
    assert_eq!(count(&s, "orders"), 1);
    assert_eq!(count(&s, "order_lines"), 3);
    assert_eq!(count(&s, "payments"), 1);
    assert_eq!(s.stock("COF").unwrap().on_hand, 98);
    assert_eq!(s.stock("WAT").unwrap().on_hand, 47);
    let events = s.pending_events(100).unwrap();
    let ev = events.iter().find(|e| e.kind == "order.completed").unwrap();
    assert_eq!(ev.payload["order_id"], r.id);
    assert_eq!(ev.payload["lines"].as_array().unwrap().len(), 3);
    assert_eq!(ev.payload["payments"][0]["amount"], "50.00");
    assert!(r
        .number
        .starts_with(&format!("{}-", s.settings().device_prefix)));
}

#[test]
fn refused_sales_write_nothing() {
    let (_d, mut s) = shop();
    let before = (
        count(&s, "orders"),
        count(&s, "stock_movements"),
        count(&s, "outbox"),
    );
    let cases = vec![
        (
            sale(&[("MUG", 6)], vec![cash("100.00")]),
            "insufficient_stock",
        ),
        (sale(&[("COF", 1)], vec![cash("1.00")]), "payment_short"),
        (sale(&[("NOPE", 1)], vec![cash("10.00")]), "unknown_product"),
        (sale(&[("COF", 0)], vec![cash("10.00")]), "invalid_input"),
        (sale(&[("COF", -2)], vec![cash("10.00")]), "invalid_input"),
        (sale(&[("COF", 1)], vec![card("5.00")]), "refused"),
        (sale(&[], vec![cash("5.00")]), "invalid_input"),
    ];
    for (req, code) in cases {
        let e = s.sell(req).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert!(e.is_user_error());
    }
    assert_eq!(
        before,
        (
            count(&s, "orders"),
            count(&s, "stock_movements"),
            count(&s, "outbox")
        )
    );
    let e = s.sell(sale(&[("COF", 1)], vec![cash("1.00")])).unwrap_err();
    assert!(e.to_string().contains("2.74 still due"), "{e}");
}

#[test]
fn overselling_can_be_allowed_by_setting() {
    let (_d, mut s) = shop();
    s.update_settings(till_core::settings::SettingsUpdate {
        allow_negative_stock: Some(true),
        ..Default::default()
    })
    .unwrap();
    s.sell(sale(&[("MUG", 7)], vec![card("100.80")])).unwrap();
    assert_eq!(s.stock("MUG").unwrap().on_hand, -2);
}

#[test]
fn split_payment_and_change_only_in_cash() {
    let (_d, mut s) = shop();
    let r = s
        .sell(sale(&[("MUG", 1)], vec![card("10.00"), cash("5.00")]))
        .unwrap();
    assert_eq!(r.total, dec("14.40"));
    assert_eq!(r.paid, dec("15.00"));
    assert_eq!(r.change, dec("0.60"));
    assert_eq!(r.payments.len(), 2);
    assert_eq!(r.paid - r.change, r.total);
}

#[test]
fn completing_twice_with_the_same_key_makes_one_order() {
    let (_d, mut s) = shop();
    let mut req = sale(&[("COF", 1)], vec![cash("5.00")]);
    req.key = Some("click-1".into());
    let a = s.sell(req.clone()).unwrap();
    let b = s.sell(req).unwrap();
    assert_eq!(a, b);
    assert_eq!(count(&s, "orders"), 1);
    assert_eq!(s.stock("COF").unwrap().on_hand, 99);
}

#[test]
fn a_cart_completed_from_two_windows_is_one_order() {
    let (_d, mut w1) = shop();
    let mut w2 = Store::open(w1.path()).unwrap();
    let cart = w1.new_cart().unwrap();
    w1.cart_add(&cart.id, "COF", 2).unwrap();
    // The second window sees the same open cart.
    let seen = w2.current_cart().unwrap();
    assert_eq!(seen.id, cart.id);
    assert_eq!(seen.lines.len(), 1);
    let r1 = w1.cart_complete(&cart.id, &[cash("10.00")]).unwrap();
    let r2 = w2.cart_complete(&cart.id, &[cash("10.00")]).unwrap();
    assert_eq!(r1.id, r2.id);
    assert_eq!(count(&w1, "orders"), 1);
    assert_eq!(w1.stock("COF").unwrap().on_hand, 98);
    // The completed cart is closed; the counter gets a fresh one.
    assert_ne!(w1.current_cart().unwrap().id, cart.id);
    assert!(w1.cart_add(&cart.id, "COF", 1).is_err());
}

#[test]
fn receipt_numbers_never_repeat_across_windows() {
    let (_d, mut w1) = shop();
    let mut w2 = Store::open(w1.path()).unwrap();
    let mut numbers = std::collections::HashSet::new();
    for i in 0..20 {
        let s = if i % 2 == 0 { &mut w1 } else { &mut w2 };
        let r = s.sell(sale(&[("WAT", 1)], vec![cash("2.00")])).unwrap();
        assert!(numbers.insert(r.number.clone()), "repeated {}", r.number);
    }
    // Concurrent processes on the same file: threads with their own connections.
    let path = w1.path().to_path_buf();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                (0..10)
                    .map(|_| {
                        s.sell(sale(&[("COF", 1)], vec![cash("5.00")]))
                            .unwrap()
                            .number
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        for n in h.join().unwrap() {
            assert!(numbers.insert(n.clone()), "repeated {n}");
        }
    }
    assert_eq!(numbers.len(), 40);
}

#[test]
fn cart_lines_discounts_and_void() {
    let (_d, mut s) = shop();
    let cart = s.new_cart().unwrap();
    let c = s.cart_add(&cart.id, "COF", 1).unwrap();
    let c2 = s.cart_add(&cart.id, "COF", 2).unwrap();
    assert_eq!(c2.lines.len(), 1, "same product at the same price adds up");
    assert_eq!(c2.lines[0].qty, 3);
    let line = c.lines[0].id;
    let c = s.cart_set_qty(&cart.id, line, 4).unwrap();
    assert_eq!(c.subtotal, dec("13.60"));
    let c = s
        .cart_line_discount(&cart.id, line, Some(Discount::Percent(dec("50"))))
        .unwrap();
    assert_eq!(c.discount, dec("6.80"));
    assert!(s
        .cart_line_discount(&cart.id, line, Some(Discount::Amount(dec("20.00"))))
        .is_err());
    let c = s
        .cart_order_discount(&cart.id, Some(Discount::Amount(dec("0.80"))))
        .unwrap();
    assert_eq!(c.discount, dec("7.60"));
    assert_eq!(c.total, dec("6.60"));
    assert!(s.cart_set_qty(&cart.id, line, 0).is_err());
    assert!(s.cart_add(&cart.id, "MUG", 6).is_err(), "only 5 mugs");
    s.cart_void(&cart.id).unwrap();
    assert!(s.cart_complete(&cart.id, &[cash("100.00")]).is_err());
    assert_eq!(count(&s, "orders"), 0);
    assert_eq!(s.stock("COF").unwrap().on_hand, 100);
}

#[test]
fn refunds_restore_stock_and_give_back_exactly_what_was_paid() {
    let (_d, mut s) = shop();
    let mut req = sale(&[("COF", 3), ("MUG", 1)], vec![cash("30.00")]);
    req.order_discount = Some(Discount::Amount(dec("1.00")));
    let r = s.sell(req).unwrap();
    let one = s
        .refund(RefundRequest {
            order: r.number.clone(),
            items: Some(vec![("COF".into(), 1)]),
            key: None,
        })
        .unwrap();
    assert_eq!(s.stock("COF").unwrap().on_hand, 98);
    let e = s
        .refund(RefundRequest {
            order: r.id.clone(),
            items: Some(vec![("COF".into(), 3)]),
            key: None,
        })
        .unwrap_err();
    assert_eq!(e.code(), "refused", "{e}");
    assert!(
        e.to_string().contains("only 2 can still be refunded"),
        "{e}"
    );
    let e = s
        .refund(RefundRequest {
            order: r.id.clone(),
            items: Some(vec![("WAT".into(), 1)]),
            key: None,
        })
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    let rest = s
        .refund(RefundRequest {
            order: r.id.clone(),
            items: None,
            key: None,
        })
        .unwrap();
    assert_eq!(
        one.amount + rest.amount,
        r.total,
        "refunds add up to what was paid"
    );
    assert_eq!(s.stock("COF").unwrap().on_hand, 100);
    assert_eq!(s.stock("MUG").unwrap().on_hand, 5);
    let again = s
        .refund(RefundRequest {
            order: r.id.clone(),
            items: None,
            key: None,
        })
        .unwrap_err();
    assert!(again.to_string().contains("already fully refunded"));
    let shown = s.order(&r.id).unwrap();
    assert_eq!(shown.status, till_core::orders::OrderStatus::Refunded);
    assert_eq!(shown.refunds.len(), 2);
    assert_eq!(
        s.pending_events(100)
            .unwrap()
            .iter()
            .filter(|e| e.kind == "order.refunded")
            .count(),
        2
    );
    assert!(s.stock_drift().unwrap().is_empty());
}

#[test]
fn tax_inclusive_store() {
    let (_d, mut s) = new_store();
    s.update_settings(till_core::settings::SettingsUpdate {
        tax_mode: Some(till_core::tax::TaxMode::Inclusive),
        ..Default::default()
    })
    .unwrap();
    add(&mut s, "BREAD", "2.40", "7", 10);
    add(&mut s, "WINE", "11.90", "19", 10);
    let r = s
        .sell(sale(&[("BREAD", 1), ("WINE", 1)], vec![cash("20.00")]))
        .unwrap();
    assert_eq!(r.total, dec("14.30"));
    // 2.40 * 7/107 = 0.157 -> 0.16; 11.90 * 19/119 = 1.90
    assert_eq!(r.tax, dec("2.06"));
    assert_eq!(r.change, dec("5.70"));
}

#[test]
fn inactive_products_cannot_be_sold_and_barcodes_scan() {
    let (_d, mut s) = shop();
    s.update_product(
        "WAT",
        till_core::catalog::ProductUpdate {
            barcode: Some(Some("4006381333931".into())),
            ..Default::default()
        },
    )
    .unwrap();
    let r = s
        .sell(SaleRequest {
            lines: vec![SaleLine {
                code: "4006381333931".into(),
                qty: 2,
                discount: None,
                price: None,
            }],
            tenders: vec![cash("3.00")],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.lines[0].sku, "WAT");
    s.update_product(
        "WAT",
        till_core::catalog::ProductUpdate {
            active: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    let e = s.sell(sale(&[("WAT", 1)], vec![cash("2.00")])).unwrap_err();
    assert_eq!(e.code(), "inactive_product");
}

#[test]
fn recent_orders_are_newest_first() {
    let (_d, mut s) = shop();
    for t in [
        "2026-11-25T10:00:00Z",
        "2026-11-25T11:00:00Z",
        "2026-11-25T12:00:00Z",
    ] {
        s.set_clock(till_core::Clock::Fixed(
            till_core::store::parse_ts(till_core::input::Field::At, t).unwrap(),
        ));
        s.sell(sale(&[("WAT", 1)], vec![cash("2.00")])).unwrap();
    }
    let recent = s.recent_orders(2).unwrap();
    assert_eq!(recent.len(), 2);
    assert!(recent[0].created_at.starts_with("2026-11-25T12"));
    assert!(recent[1].created_at.starts_with("2026-11-25T11"));
    assert!(s.recent_orders(0).is_err());
}

#[test]
fn baskets_for_the_miner_leave_out_refunded_lines() {
    let (_d, mut s) = shop();
    s.sell(sale(&[("COF", 1), ("WAT", 2)], vec![cash("10.00")]))
        .unwrap();
    let r = s
        .sell(sale(
            &[("COF", 1), ("MUG", 1), ("WAT", 1)],
            vec![cash("30.00")],
        ))
        .unwrap();
    s.refund(RefundRequest {
        order: r.id.clone(),
        items: Some(vec![("MUG".into(), 1)]),
        key: None,
    })
    .unwrap();
    let mut baskets = s.basket_transactions().unwrap();
    baskets.sort();
    assert_eq!(
        baskets,
        vec![
            vec!["COF".to_string(), "WAT".to_string()],
            vec!["COF".to_string(), "WAT".to_string()]
        ]
    );
}

/// Set by the second window's busy handler once it waits for the write
/// lock (having read the cart as open); the handler waits for `GO`.
static WAITING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static GO: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn wait_for_go(_tries: i32) -> bool {
    use std::sync::atomic::Ordering;
    WAITING.store(true, Ordering::SeqCst);
    while !GO.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    true
}

/// A cart change by a window that still holds the cart: (store, cart id, line id).
type CartChange = fn(&mut Store, &str, i64) -> till_core::Result<till_core::cart::Cart>;

/// Runs `change` in a second window whose cart is open when it looks, then
/// completed by the first window before the change can write.
fn change_after_completion(change: CartChange) -> till_core::Result<till_core::cart::Cart> {
    use std::sync::atomic::Ordering;
    let (_d, mut w1) = shop();
    let cart = w1.new_cart().unwrap();
    let line = w1.cart_add(&cart.id, "COF", 2).unwrap().lines[0].id;
    let path = w1.path().to_path_buf();
    WAITING.store(false, Ordering::SeqCst);
    GO.store(false, Ordering::SeqCst);
    // A third connection holds the write lock, so the second window stops
    // at its write transaction, after whatever it checked before it.
    let mut w2 = Store::open(&path).unwrap();
    w2.connection().busy_handler(Some(wait_for_go)).unwrap();
    let mut lock = rusqlite::Connection::open(&path).unwrap();
    let held = lock
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let id = cart.id.clone();
    let w2 = std::thread::spawn(move || change(&mut w2, &id, line));
    while !WAITING.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    held.rollback().unwrap();
    w1.cart_complete(&cart.id, &[cash("10.00")]).unwrap();
    let lines_before = count(&w1, "cart_lines");
    let qty_before: i64 = w1
        .connection()
        .query_row("SELECT SUM(qty) FROM cart_lines", [], |r| r.get(0))
        .unwrap();
    GO.store(true, Ordering::SeqCst);
    let out = w2.join().unwrap();
    let qty_after: i64 = w1
        .connection()
        .query_row("SELECT COALESCE(SUM(qty), 0) FROM cart_lines", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        (count(&w1, "cart_lines"), qty_after),
        (lines_before, qty_before),
        "the completed cart's lines are as they were sold"
    );
    out
}

#[test]
fn a_cart_completed_in_another_window_takes_no_more_changes() {
    // One at a time: the busy handler's flags are shared.
    let cases: [(&str, CartChange); 3] = [
        ("add", |s, id, _| s.cart_add(id, "MUG", 1)),
        ("set quantity", |s, id, line| s.cart_set_qty(id, line, 5)),
        ("remove", |s, id, line| s.cart_remove(id, line)),
    ];
    for (what, change) in cases {
        let e = change_after_completion(change)
            .map(|c| c.lines.len())
            .expect_err(what);
        assert!(
            e.to_string().contains("this cart is completed"),
            "{what}: {e}"
        );
    }
}

#[test]
fn a_cart_whose_stored_state_cannot_be_read_is_damage_not_a_default() {
    let (_d, mut s) = shop();
    let cart = s.new_cart().unwrap();
    let line = s.cart_add(&cart.id, "COF", 2).unwrap().lines[0].id;
    let path = s.path().to_path_buf();
    let edit = |sql: &str| {
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(&format!("PRAGMA ignore_check_constraints = ON; {sql}"))
            .unwrap()
    };
    // A status no Till writes: neither completed as if open nor shown as is.
    edit("UPDATE carts SET status = 'paused'");
    let e = s.cart_complete(&cart.id, &[cash("10.00")]).unwrap_err();
    assert_eq!(e.code(), "store_damaged", "{e}");
    assert!(
        e.to_string().contains("carts") && e.to_string().contains("paused"),
        "{e}"
    );
    assert_eq!(count(&s, "orders"), 0);
    assert_eq!(s.cart(&cart.id).unwrap_err().code(), "store_damaged");
    // A discount past 100% reads as a number but is no discount Till gives.
    edit(&format!(
        "UPDATE carts SET status = 'open'; UPDATE cart_lines SET discount = '150%' WHERE id = {line}"
    ));
    let e = s.cart(&cart.id).unwrap_err();
    assert_eq!(e.code(), "store_damaged", "{e}");
    assert!(
        e.to_string().contains("cart_lines") && e.to_string().contains("150%"),
        "{e}"
    );
    assert!(s.cart_complete(&cart.id, &[cash("10.00")]).is_err());
    assert_eq!(count(&s, "orders"), 0);
}

#[test]
fn an_order_discount_that_no_longer_fits_is_refused_not_hidden() {
    let (_d, mut s) = shop();
    let cart = s.new_cart().unwrap();
    s.cart_add(&cart.id, "COF", 1).unwrap();
    let mug = s.cart_add(&cart.id, "MUG", 1).unwrap().lines[1].id;
    s.cart_order_discount(&cart.id, Some(Discount::Amount(dec("10.00"))))
        .unwrap();
    // Taking the mug out would leave 3.40 under a 10.00 discount.
    let e = s.cart_remove(&cart.id, mug).unwrap_err();
    assert!(e.to_string().contains("order discount"), "{e}");
    assert_eq!(s.cart(&cart.id).unwrap().lines.len(), 2, "nothing changed");
    // Should such a cart be in the store anyway, showing it says why.
    rusqlite::Connection::open(s.path())
        .unwrap()
        .execute("DELETE FROM cart_lines WHERE id = ?1", [mug])
        .unwrap();
    let e = s.cart(&cart.id).unwrap_err();
    assert!(e.to_string().contains("order discount"), "{e}");
}

#[test]
fn an_item_text_names_a_product_and_a_quantity_whole_text_first() {
    let (_d, mut s) = shop();
    add(&mut s, "MUGx2", "20.00", "20", 5);
    assert_eq!(s.item("3*COF").unwrap(), ("COF".to_string(), 3));
    assert_eq!(s.item("COFx2").unwrap(), ("COF".to_string(), 2));
    // The code that itself ends in x2 is that product, once.
    assert_eq!(s.item("MUGx2").unwrap(), ("MUGx2".to_string(), 1));
    assert_eq!(s.item("MUG X 2").unwrap(), ("MUG".to_string(), 2));
    match s.item("TEAx2").unwrap_err() {
        till_core::Error::UnknownProduct(code) => assert_eq!(code, "TEA"),
        e => panic!("{e}"),
    }
    match s.item("COFx0").unwrap_err() {
        till_core::Error::Invalid { field, message } => {
            assert_eq!(field, till_core::input::Field::Item);
            assert!(!message.contains("--"), "{message}");
        }
        e => panic!("{e}"),
    }
}

#[test]
fn a_price_set_at_the_till_is_sold_at_and_says_who_set_it() {
    let (_d, mut s) = shop();
    s.set_user("maria").unwrap();
    let it = s.sale_item("COFx2@2.50").unwrap();
    assert_eq!(
        (it.sku.as_str(), it.qty, it.price),
        ("COF", 2, Some(dec("2.50")))
    );
    let mut req = sale(&[("COF", 2), ("MUG", 1)], vec![cash("50.00")]);
    req.lines[0].price = it.price;
    let r = s.sell(req).unwrap();
    assert_eq!(r.lines[0].unit_price, dec("2.50"));
    assert_eq!(r.lines[0].price_note.as_deref(), Some("override by maria"));
    assert_eq!(r.lines[0].total, dec("5.00"));
    assert_eq!(r.lines[1].unit_price, dec("12.00"));
    assert_eq!(r.lines[1].price_note, None);

    // A price with more decimals than the currency, or below zero, is
    // refused naming the item; so is a price in a refund's item.
    for (text, words) in [
        ("COF@2.555", "COF@2.555: price 2.555 has more decimals"),
        ("COF@-1", "must not be negative"),
        ("COF@x", "COF@x: price"),
    ] {
        match s.sale_item(text).unwrap_err() {
            till_core::Error::Invalid { field, message } => {
                assert_eq!(field, till_core::input::Field::Item);
                assert!(message.contains(words), "{text}: {message}");
            }
            e => panic!("{e}"),
        }
    }
    assert!(s
        .item("COF@2")
        .unwrap_err()
        .to_string()
        .contains("only for an item being sold"));
    // Free is a price too.
    assert_eq!(s.sale_item("3*WAT@0").unwrap().price, Some(dec("0.00")));
}

#[test]
fn a_code_with_an_at_sign_is_still_that_product() {
    let (_d, mut s) = shop();
    add(&mut s, "TEA@HOME", "4.00", "10", 5);
    let it = s.sale_item("TEA@HOME").unwrap();
    assert_eq!((it.sku.as_str(), it.qty, it.price), ("TEA@HOME", 1, None));
    assert_eq!(s.item("TEA@HOME").unwrap(), ("TEA@HOME".to_string(), 1));
    let it = s.sale_item("TEA@HOMEx2@3").unwrap();
    assert_eq!(
        (it.sku.as_str(), it.qty, it.price),
        ("TEA@HOME", 2, Some(dec("3.00")))
    );
}

#[test]
fn a_price_set_at_the_till_in_the_cart_keeps_its_own_line() {
    use till_core::customers::{CustomerKind, NewCustomer};
    let (_d, mut s) = shop();
    s.set_user("maria").unwrap();
    let cart = s.new_cart().unwrap();
    s.cart_scan(&cart.id, "COF").unwrap();
    let c = s.cart_scan(&cart.id, "COFx2@3.40").unwrap();
    // Same price as the shelf, but set at the till: a line of its own.
    assert_eq!(c.lines.len(), 2);
    assert_eq!(c.lines[1].qty, 2);
    assert_eq!(c.lines[1].price_note.as_deref(), Some("override by maria"));
    // A plain scan joins the plain line, never the one with a set price.
    let c = s.cart_scan(&cart.id, "COF").unwrap();
    assert_eq!((c.lines[0].qty, c.lines[1].qty), (2, 2));
    let c = s.cart_scan(&cart.id, "MUG@10").unwrap();
    assert_eq!(c.lines[2].unit_price, dec("10.00"));
    // A customer chosen afterwards reprices the cart, not a price set at the till.
    let bob = s
        .add_customer(
            CustomerKind::Customer,
            NewCustomer {
                name: "Bob".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let c = s.cart_set_customer(&cart.id, Some(&bob.id)).unwrap();
    assert_eq!(c.lines[2].unit_price, dec("10.00"));
    assert_eq!(c.lines[2].price_note.as_deref(), Some("override by maria"));
    let r = s.cart_complete(&cart.id, &[cash("50.00")]).unwrap();
    assert_eq!(r.lines[2].unit_price, dec("10.00"));
    assert_eq!(r.lines[2].price_note.as_deref(), Some("override by maria"));
}

#[test]
fn the_same_key_with_another_price_is_another_sale() {
    let (_d, mut s) = shop();
    let mut req = sale(&[("COF", 1)], vec![cash("10.00")]);
    req.key = Some("k-1".into());
    let first = s.sell(req.clone()).unwrap();
    // The same request again is the same sale.
    assert_eq!(s.sell(req.clone()).unwrap().id, first.id);
    req.lines[0].price = Some(dec("1.00"));
    assert_eq!(s.sell(req).unwrap_err().code(), "key_reused");
}

#[test]
fn only_a_manager_sets_a_price_at_the_till_or_approves_it() {
    use till_core::Role;
    let (_d, mut s) = shop();
    s.staff_add("Olga", Role::Owner, "1111").unwrap();
    s.sign_in("Olga", "1111").unwrap();
    s.staff_add("Max", Role::Manager, "2222").unwrap();
    s.staff_add("Cleo", Role::Cashier, "3333").unwrap();
    s.sign_in("Cleo", "3333").unwrap();
    let cart = s.new_cart().unwrap();
    let e = s.cart_scan(&cart.id, "COFx2@2.50").unwrap_err();
    assert_eq!(e.code(), "forbidden", "{e}");
    assert!(
        matches!(&e, till_core::Error::Forbidden { permission, .. } if *permission == "price_override"),
        "{e:?}"
    );
    let mut req = sale(&[("COF", 1)], vec![cash("5.00")]);
    req.lines[0].price = Some(dec("1.00"));
    assert_eq!(s.sell(req.clone()).unwrap_err().code(), "forbidden");
    assert!(s.cart(&cart.id).unwrap().lines.is_empty());

    // Approved by Max: the line says Max set it; the audit has both names.
    s.approve("Max", "2222").unwrap();
    let c = s.cart_scan(&cart.id, "COFx2@2.50").unwrap();
    assert_eq!(c.lines[0].price_note.as_deref(), Some("override by Max"));
    s.clear_approval();
    let entries: Vec<(Option<String>, Option<String>, String, String)> = s
        .connection()
        .prepare("SELECT actor, approver, subject, detail FROM audit_log WHERE action = 'price.override' ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(entries.len(), 1);
    let (actor, approver, subject, detail) = &entries[0];
    assert_eq!(
        (actor.as_deref(), approver.as_deref()),
        (Some("Cleo"), Some("Max"))
    );
    assert_eq!(subject, "COF");
    let detail: serde_json::Value = serde_json::from_str(detail).unwrap();
    assert_eq!(detail["old"], "3.40");
    assert_eq!(detail["new"], "2.50");
    assert_eq!(detail["cart"], cart.id.as_str());

    // A manager sets prices in their own name.
    s.sign_in("Max", "2222").unwrap();
    let r = s.sell(req).unwrap();
    assert_eq!(r.lines[0].price_note.as_deref(), Some("override by Max"));
    let n: i64 = s
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'price.override' AND actor = 'Max' AND approver IS NULL
             AND json_extract(detail, '$.order') = ?1",
            [&r.number],
            |x| x.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}
