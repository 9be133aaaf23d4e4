//! Bundles and kits against real store files: automatic bundle pricing in
//! the cart and the sale, the best combination for the customer (checked
//! against brute force), validity windows, suggestions from the shop's own
//! baskets, "often bought with", and kits that sell their components.

#[path = "support/mod.rs"]
mod support;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::*;
use till_core::bundles::pricing::{best, BundleDef, BundleLine};
use till_core::bundles::{BundleInput, BundleOffer, BundleUpdate, SuggestParams};
use till_core::money::Currency;
use till_core::orders::RefundRequest;
use till_core::totals::Discount;
use till_core::{Clock, Store};

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

fn items(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(s, q)| (s.to_string(), *q)).collect()
}

fn bundle(s: &mut Store, name: &str, list: &[(&str, i64)], offer: Option<BundleOffer>) -> i64 {
    s.create_bundle(BundleInput {
        name: name.into(),
        items: items(list),
        offer,
        ..Default::default()
    })
    .unwrap()
    .id
}

fn shop() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    add(&mut s, "BREAD", "3.00", "10", 50);
    add(&mut s, "BUTTER", "2.00", "10", 50);
    add(&mut s, "JAM", "3.00", "20", 50);
    add(&mut s, "TEA", "4.00", "0", 50);
    s.set_clock(Clock::Fixed(at("2026-11-25T12:00:00Z")));
    (d, s)
}

#[test]
fn the_cart_gets_the_bundle_and_loses_it_when_an_item_goes() {
    let (_d, mut s) = shop();
    bundle(&mut s, "Breakfast", &[("BREAD", 1), ("BUTTER", 1)], None);
    let cart = s.new_cart().unwrap();
    let cart = s.cart_add(&cart.id, "BREAD", 1).unwrap();
    assert!(cart.bundles.is_empty());
    let cart = s.cart_add(&cart.id, "BUTTER", 1).unwrap();
    assert_eq!(cart.bundles.len(), 1);
    assert_eq!(cart.bundles[0].name, "Breakfast");
    assert_eq!(cart.bundles[0].discount, dec("0.50"));
    assert_eq!(cart.discount, dec("0.50"));
    assert_eq!(cart.lines[0].bundle_discount, dec("0.30"));
    assert_eq!(cart.lines[1].bundle_discount, dec("0.20"));
    // 4.50 net, 10% tax added.
    assert_eq!(cart.total, dec("4.95"));
    let butter = cart.lines[1].id;
    let cart = s.cart_remove(&cart.id, butter).unwrap();
    assert!(cart.bundles.is_empty());
    assert_eq!(cart.discount, dec("0.00"));
    assert_eq!(cart.total, dec("3.30"));
}

#[test]
fn the_sale_stores_the_bundle_and_a_refund_gives_back_what_was_paid() {
    let (_d, mut s) = shop();
    let id = bundle(&mut s, "Breakfast", &[("BREAD", 1), ("BUTTER", 1)], None);
    let cart = s.new_cart().unwrap();
    s.cart_add(&cart.id, "BREAD", 2).unwrap();
    s.cart_add(&cart.id, "BUTTER", 1).unwrap();
    let c = s.cart(&cart.id).unwrap();
    let r = s
        .cart_complete(&cart.id, &[cash(&c.total.to_string())])
        .unwrap();
    assert_eq!(r.bundles.len(), 1);
    assert_eq!(r.bundles[0].bundle_id, id);
    assert_eq!(r.bundles[0].times, 1);
    assert_eq!(r.bundles[0].discount, dec("0.50"));
    // Lines add up to the subtotal; discounts per line add up to the order's.
    assert_eq!(r.lines.iter().map(|l| l.total).sum::<Decimal>(), r.subtotal);
    assert_eq!(
        r.lines.iter().map(|l| l.discount).sum::<Decimal>(),
        r.discount
    );
    assert_eq!(r.subtotal - r.discount + r.tax, r.total);
    // Stored, read back the same, and sent upstream.
    let again = s.order(&r.id).unwrap();
    assert_eq!(again.bundles, r.bundles);
    let ev = s
        .pending_events(100)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "order.completed")
        .unwrap();
    assert_eq!(ev.payload["bundles"][0]["discount"], "0.50");
    // Butter was 2.00 less its 0.20 share, plus 10% tax.
    let refund = s
        .refund(RefundRequest {
            order: r.id.clone(),
            items: Some(vec![("BUTTER".into(), 1)]),
            key: None,
        })
        .unwrap();
    assert_eq!(refund.amount, dec("1.98"));
}

#[test]
fn the_cli_sale_path_applies_bundles_too() {
    let (_d, mut s) = shop();
    bundle(
        &mut s,
        "Jam pair",
        &[("JAM", 2)],
        Some(BundleOffer::Price(dec("5.00"))),
    );
    let r = s.sell(sale(&[("JAM", 5)], vec![cash("100")])).unwrap();
    assert_eq!(r.bundles[0].times, 2);
    assert_eq!(r.bundles[0].discount, dec("2.00"));
    assert_eq!(r.subtotal, dec("15.00"));
    assert_eq!(r.discount, dec("2.00"));
}

#[test]
fn overlapping_bundles_give_the_customer_the_best_combination() {
    let (_d, mut s) = shop();
    // BREAD+BUTTER 10% = 0.50; BUTTER+JAM for 4.00 = 1.00 off. One butter:
    // the second is better for the customer.
    bundle(&mut s, "Breakfast", &[("BREAD", 1), ("BUTTER", 1)], None);
    let jam = bundle(
        &mut s,
        "Butter & jam",
        &[("BUTTER", 1), ("JAM", 1)],
        Some(BundleOffer::Price(dec("4.00"))),
    );
    let r = s
        .sell(sale(
            &[("BREAD", 1), ("BUTTER", 1), ("JAM", 1)],
            vec![cash("100")],
        ))
        .unwrap();
    assert_eq!(r.bundles.len(), 1);
    assert_eq!(r.bundles[0].bundle_id, jam);
    assert_eq!(r.discount, dec("1.00"));
    // With two butters, both bundles apply, each butter in one of them.
    let r = s
        .sell(sale(
            &[("BREAD", 1), ("BUTTER", 2), ("JAM", 1)],
            vec![cash("100")],
        ))
        .unwrap();
    assert_eq!(r.bundles.len(), 2);
    assert_eq!(r.discount, dec("1.50"));
}

#[test]
fn a_hand_discounted_line_is_left_out_of_bundles() {
    let (_d, mut s) = shop();
    bundle(&mut s, "Breakfast", &[("BREAD", 1), ("BUTTER", 1)], None);
    let cart = s.new_cart().unwrap();
    let c = s.cart_add(&cart.id, "BREAD", 1).unwrap();
    let bread = c.lines[0].id;
    s.cart_add(&cart.id, "BUTTER", 1).unwrap();
    let c = s
        .cart_line_discount(&cart.id, bread, Some(Discount::Percent(dec("50"))))
        .unwrap();
    assert!(c.bundles.is_empty());
    assert_eq!(c.discount, dec("1.50"));
}

#[test]
fn the_validity_window_and_deactivation_are_honoured() {
    let (_d, mut s) = shop();
    let b = s
        .create_bundle(BundleInput {
            name: "Weekend".into(),
            items: items(&[("BREAD", 1), ("TEA", 1)]),
            offer: Some(BundleOffer::PercentOff(dec("20"))),
            valid_from: Some(at("2026-11-28T00:00:00Z")),
            valid_until: Some(at("2026-11-30T00:00:00Z")),
        })
        .unwrap();
    assert!(!b.live);
    let before = s
        .sell(sale(&[("BREAD", 1), ("TEA", 1)], vec![cash("100")]))
        .unwrap();
    assert!(before.bundles.is_empty());
    s.set_clock(Clock::Fixed(at("2026-11-29T10:00:00Z")));
    let during = s
        .sell(sale(&[("BREAD", 1), ("TEA", 1)], vec![cash("100")]))
        .unwrap();
    assert_eq!(during.bundles[0].discount, dec("1.40"));
    s.set_clock(Clock::Fixed(at("2026-11-30T00:00:00Z")));
    let after = s
        .sell(sale(&[("BREAD", 1), ("TEA", 1)], vec![cash("100")]))
        .unwrap();
    assert!(after.bundles.is_empty(), "the window's end is exclusive");
    s.set_clock(Clock::Fixed(at("2026-11-29T10:00:00Z")));
    s.update_bundle(
        b.id,
        BundleUpdate {
            active: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    let off = s
        .sell(sale(&[("BREAD", 1), ("TEA", 1)], vec![cash("100")]))
        .unwrap();
    assert!(off.bundles.is_empty());
    // Receipts keep the bundle as it was sold, whatever happens to it later.
    s.update_bundle(
        b.id,
        BundleUpdate {
            name: Some("Renamed".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(s.order(&during.id).unwrap().bundles[0].name, "Weekend");
}

#[test]
fn bad_bundles_are_refused_and_nothing_is_stored() {
    let (_d, mut s) = shop();
    let cases: Vec<(BundleInput, &str)> = vec![
        (
            BundleInput {
                name: "x".into(),
                items: items(&[("NOPE", 1), ("BREAD", 1)]),
                ..Default::default()
            },
            "NOPE",
        ),
        (
            BundleInput {
                name: "x".into(),
                items: items(&[("BREAD", 1)]),
                ..Default::default()
            },
            "two units",
        ),
        (
            BundleInput {
                name: " ".into(),
                items: items(&[("BREAD", 1), ("JAM", 1)]),
                ..Default::default()
            },
            "name",
        ),
        (
            BundleInput {
                name: "x".into(),
                items: items(&[("BREAD", 1), ("BREAD", 1)]),
                ..Default::default()
            },
            "twice",
        ),
        (
            BundleInput {
                name: "x".into(),
                items: items(&[("BREAD", 1), ("JAM", 0)]),
                ..Default::default()
            },
            "at least 1",
        ),
        (
            BundleInput {
                name: "x".into(),
                items: items(&[("BREAD", 1), ("JAM", 1)]),
                offer: Some(BundleOffer::PercentOff(dec("101"))),
                ..Default::default()
            },
            "at most 100",
        ),
        (
            BundleInput {
                name: "x".into(),
                items: items(&[("BREAD", 1), ("JAM", 1)]),
                offer: Some(BundleOffer::Price(dec("-1"))),
                ..Default::default()
            },
            "negative",
        ),
        (
            BundleInput {
                name: "x".into(),
                items: items(&[("BREAD", 1), ("JAM", 1)]),
                valid_from: Some(at("2026-12-01T00:00:00Z")),
                valid_until: Some(at("2026-11-01T00:00:00Z")),
                ..Default::default()
            },
            "not after",
        ),
    ];
    for (input, needle) in cases {
        let e = s.create_bundle(input).unwrap_err();
        assert!(e.is_user_error(), "{e}");
        assert!(
            e.to_string().contains(needle),
            "{e} should mention {needle}"
        );
    }
    assert_eq!(count(&s, "bundles"), 0);
    assert_eq!(count(&s, "bundle_items"), 0);
    let c = Currency::from_code("EUR").unwrap();
    assert!(BundleOffer::parse(&c, Some("10"), Some("5.00")).is_err());
    assert!(BundleOffer::parse(&c, Some("0"), None).is_err());
    assert!(BundleOffer::parse(&c, None, Some("1.001")).is_err());
    assert_eq!(
        BundleOffer::parse(&c, Some("15%"), None).unwrap(),
        Some(BundleOffer::PercentOff(dec("15")))
    );
}

#[test]
fn suggestions_come_from_the_shops_baskets_and_can_be_approved_or_dismissed() {
    let (_d, mut s) = shop();
    for _ in 0..6 {
        s.sell(sale(&[("BREAD", 1), ("BUTTER", 1)], vec![cash("100")]))
            .unwrap();
    }
    for _ in 0..3 {
        s.sell(sale(&[("JAM", 1), ("TEA", 1)], vec![cash("100")]))
            .unwrap();
    }
    s.sell(sale(&[("TEA", 1)], vec![cash("100")])).unwrap();
    let params = SuggestParams {
        min_support: "0.2".into(),
        min_confidence: "0.5".into(),
        ..Default::default()
    };
    let r = s.bundle_suggestions(&params).unwrap();
    assert_eq!(r.transactions, 10);
    let keys: Vec<&str> = r.suggestions.iter().map(|x| x.key.as_str()).collect();
    assert_eq!(keys, vec!["JAM+TEA", "BREAD+BUTTER"], "ranked by lift");
    let bb = &r.suggestions[1];
    assert_eq!(bb.support_count, 6);
    assert_eq!(bb.regular_price, dec("5.00"));
    assert_eq!(bb.suggested_price, dec("4.50"));
    // Only the ones with a SKU.
    let only = s
        .bundle_suggestions(&SuggestParams {
            sku: Some("BUTTER".into()),
            ..params.clone()
        })
        .unwrap();
    assert_eq!(only.suggestions.len(), 1);
    // Approve one, dismiss the other: neither comes back.
    let b = s
        .approve_suggestion("BUTTER+BREAD", None, None, None, None)
        .unwrap();
    assert_eq!(b.source, "suggestion");
    assert_eq!(b.name, "Product BREAD + Product BUTTER");
    assert_eq!(b.offer, BundleOffer::PercentOff(dec("10")));
    s.dismiss_suggestion("TEA+JAM").unwrap();
    assert!(s
        .bundle_suggestions(&params)
        .unwrap()
        .suggestions
        .is_empty());
    // Keys name two or more products; thresholds are checked.
    assert!(s.dismiss_suggestion("BREAD").is_err());
    assert!(s.dismiss_suggestion("BREAD+NOPE").is_err());
    assert!(s
        .bundle_suggestions(&SuggestParams {
            min_support: "0".into(),
            ..params
        })
        .is_err());
}

#[test]
fn often_bought_with_counts_orders_and_leaves_out_the_cart() {
    let (_d, mut s) = shop();
    for _ in 0..3 {
        s.sell(sale(&[("BREAD", 1), ("BUTTER", 1)], vec![cash("100")]))
            .unwrap();
    }
    for _ in 0..2 {
        s.sell(sale(&[("BREAD", 1), ("JAM", 1)], vec![cash("100")]))
            .unwrap();
    }
    // Seen together once only: not a pattern.
    s.sell(sale(&[("BREAD", 1), ("TEA", 1)], vec![cash("100")]))
        .unwrap();
    let c = s.companions("BREAD", &[], 3).unwrap();
    let skus: Vec<&str> = c.iter().map(|x| x.sku.as_str()).collect();
    assert_eq!(skus, vec!["BUTTER", "JAM"]);
    assert_eq!(c[0].together, 3);
    assert!((c[0].confidence - 0.5).abs() < 1e-12);
    let cart = s.new_cart().unwrap();
    s.cart_add(&cart.id, "BUTTER", 1).unwrap();
    s.cart_add(&cart.id, "BREAD", 1).unwrap();
    let c = s.cart_companions(&cart.id, 3).unwrap();
    assert_eq!(
        c.iter().map(|x| x.sku.as_str()).collect::<Vec<_>>(),
        vec!["JAM"],
        "butter is already in the cart"
    );
}

#[test]
fn a_kit_sells_its_components_and_a_refund_puts_them_back() {
    let (_d, mut s) = shop();
    add(&mut s, "GIFT", "9.00", "10", 0);
    let k = s
        .set_kit("GIFT", &items(&[("JAM", 1), ("TEA", 2)]))
        .unwrap();
    assert_eq!(k.available, 25);
    assert!(s.product("GIFT").unwrap().kit);
    let r = s.sell(sale(&[("GIFT", 3)], vec![cash("100")])).unwrap();
    assert_eq!(s.stock("JAM").unwrap().on_hand, 47);
    assert_eq!(s.stock("TEA").unwrap().on_hand, 44);
    assert_eq!(s.product("GIFT").unwrap().on_hand, 22);
    s.refund(RefundRequest {
        order: r.id,
        items: Some(vec![("GIFT".into(), 1)]),
        key: None,
    })
    .unwrap();
    assert_eq!(s.stock("TEA").unwrap().on_hand, 46);
    assert!(s.stock_drift().unwrap().is_empty());
    // Not more kits than the components make.
    let e = s
        .sell(sale(&[("GIFT", 24)], vec![cash("1000")]))
        .unwrap_err();
    assert!(e.to_string().contains("TEA"), "{e}");
    // A kit holds no stock of its own, and kits do not nest.
    assert!(s
        .adjust_stock("GIFT", 5, till_core::inventory::MovementKind::Restock, None)
        .is_err());
    add(&mut s, "HAMPER", "20.00", "10", 0);
    assert!(s.set_kit("HAMPER", &items(&[("GIFT", 1)])).is_err());
    assert!(s.set_kit("JAM", &items(&[("BREAD", 1)])).is_err());
    assert!(s.set_kit("GIFT", &items(&[("GIFT", 1)])).is_err());
    assert!(
        s.set_kit("BREAD", &items(&[("JAM", 1)])).is_err(),
        "BREAD has stock of its own"
    );
    // Back to a plain product.
    assert!(!s.clear_kit("GIFT").unwrap().kit);
}

// The pure search against brute force: every feasible number of sets per
// bundle, on small carts where each product has one price.
fn brute(lines: &[(i64, i64, Decimal)], bundles: &[BundleDef], c: &Currency) -> Decimal {
    let set_value = |b: &BundleDef| -> Decimal {
        let gross: Decimal = b
            .items
            .iter()
            .map(|(p, q)| {
                lines.iter().find(|l| l.0 == *p).map(|l| l.2).unwrap() * Decimal::from(*q)
            })
            .sum();
        match &b.offer {
            BundleOffer::PercentOff(p) => c.round(gross * p / Decimal::ONE_HUNDRED),
            BundleOffer::Price(p) => (gross - p).max(Decimal::ZERO),
        }
    };
    fn go(
        i: usize,
        left: &mut Vec<(i64, i64)>,
        bundles: &[BundleDef],
        values: &[Decimal],
    ) -> Decimal {
        if i == bundles.len() {
            return Decimal::ZERO;
        }
        let mut best = go(i + 1, left, bundles, values);
        let mut taken = 0;
        loop {
            let fits = bundles[i]
                .items
                .iter()
                .all(|(p, q)| left.iter().find(|l| l.0 == *p).is_some_and(|l| l.1 >= *q));
            if !fits {
                break;
            }
            for (p, q) in &bundles[i].items {
                left.iter_mut().find(|l| l.0 == *p).unwrap().1 -= q;
            }
            taken += 1;
            let v = values[i] * Decimal::from(taken) + go(i + 1, left, bundles, values);
            best = best.max(v);
        }
        for (p, q) in &bundles[i].items {
            left.iter_mut().find(|l| l.0 == *p).unwrap().1 += q * taken;
        }
        best
    }
    let values: Vec<Decimal> = bundles.iter().map(set_value).collect();
    let mut left: Vec<(i64, i64)> = lines.iter().map(|l| (l.0, l.1)).collect();
    go(0, &mut left, bundles, &values)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn the_search_finds_the_best_combination(
        qtys in proptest::collection::vec(0i64..5, 6),
        prices in proptest::collection::vec(50i64..1000, 6),
        defs in proptest::collection::vec(
            (proptest::collection::btree_map(0i64..6, 1i64..3, 1..4), prop_oneof![
                (1i64..60).prop_map(|p| BundleOffer::PercentOff(Decimal::from(p))),
                (100i64..2000).prop_map(|p| BundleOffer::Price(Decimal::new(p, 2))),
            ]),
            1..9,
        ),
    ) {
        let c = Currency::from_code("EUR").unwrap();
        let lines: Vec<(i64, i64, Decimal)> = qtys.iter().zip(&prices).enumerate()
            .filter(|(_, (q, _))| **q > 0)
            .map(|(i, (q, p))| (i as i64, *q, Decimal::new(*p, 2)))
            .collect();
        let bundles: Vec<BundleDef> = defs.into_iter().enumerate().map(|(i, (items, offer))| BundleDef {
            id: i as i64 + 1,
            name: format!("B{i}"),
            items: items.into_iter().collect(),
            offer,
        }).collect();
        let input: Vec<BundleLine> = lines.iter().map(|(p, q, price)| BundleLine {
            product_id: *p, qty: *q, unit_price: *price, eligible: true,
        }).collect();
        let got = best(&c, &input, &bundles);
        let total: Decimal = got.applied.iter().map(|a| a.discount).sum();
        // Bundles only for products in the cart; brute force ignores others.
        let relevant: Vec<BundleDef> = bundles.iter().filter(|b| b.items.iter().all(|(p, _)| lines.iter().any(|l| l.0 == *p))).cloned().collect();
        prop_assert_eq!(total, brute(&lines, &relevant, &c));
        // Shares add up, per bundle and overall, and never exceed a line.
        prop_assert_eq!(got.line_discounts.iter().sum::<Decimal>(), total);
        for (share, l) in got.line_discounts.iter().zip(&lines) {
            prop_assert!(*share >= Decimal::ZERO && *share <= l.2 * Decimal::from(l.1));
        }
        // Each unit in at most one set.
        for (p, q, _) in &lines {
            let used: i64 = got.applied.iter().map(|a| {
                let b = bundles.iter().find(|b| b.id == a.bundle_id).unwrap();
                b.items.iter().filter(|(x, _)| x == p).map(|(_, n)| n * a.times).sum::<i64>()
            }).sum();
            prop_assert!(used <= *q);
        }
    }
}

#[test]
fn a_bundle_made_in_another_window_reaches_this_cart() {
    let (d, mut s) = shop();
    let cart = s.new_cart().unwrap();
    s.cart_add(&cart.id, "BREAD", 1).unwrap();
    let c = s.cart_add(&cart.id, "BUTTER", 1).unwrap();
    assert!(c.bundles.is_empty());
    // Another process (the CLI, a second window) defines a bundle.
    let mut other = Store::open(d.path().join("till.db")).unwrap();
    bundle(
        &mut other,
        "Breakfast",
        &[("BREAD", 1), ("BUTTER", 1)],
        None,
    );
    assert_eq!(s.cart(&cart.id).unwrap().bundles.len(), 1);
    // And withdraws it.
    other
        .update_bundle(
            1,
            BundleUpdate {
                active: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(s.cart(&cart.id).unwrap().bundles.is_empty());
    // This store's own edits are seen at once too.
    s.update_bundle(
        1,
        BundleUpdate {
            active: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(s.cart(&cart.id).unwrap().bundles.len(), 1);
}
