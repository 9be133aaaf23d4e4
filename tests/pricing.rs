//! The pricing pipeline against real store files: stock and sell-by rules,
//! scope and order, hysteresis, guardrails, flash sales (windows, weekly
//! across DST, overlaps, cancel, restart) and prices fixed on cart lines.

#[path = "support/mod.rs"]
mod support;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::*;
use till_core::catalog::{NewProduct, ProductUpdate};
use till_core::inventory::MovementKind;
use till_core::pricing::{Condition, Effect, FlashEffect, FlashSaleInput, RuleInput, Scope};
use till_core::store::parse_ts;
use till_core::{Clock, Store};

fn t(s: &str) -> DateTime<Utc> {
    parse_ts(till_core::input::Field::At, s).unwrap()
}

fn rule(store: &mut Store, condition: Condition, effect: Effect, scope: Scope) -> i64 {
    store
        .add_pricing_rule(RuleInput {
            condition,
            effect,
            scope,
            hysteresis: 0,
        })
        .unwrap()
        .id
}

fn flash(
    store: &mut Store,
    name: &str,
    skus: &[&str],
    effect: FlashEffect,
    start: &str,
    end: &str,
    weekly: bool,
) -> i64 {
    store
        .create_flash_sale(FlashSaleInput {
            name: name.into(),
            skus: skus.iter().map(|s| s.to_string()).collect(),
            categories: vec![],
            effect,
            starts_at: t(start),
            ends_at: t(end),
            weekly,
        })
        .unwrap()
        .id
}

fn price(store: &Store, sku: &str, at: &str) -> String {
    store.quote(sku, t(at)).unwrap().price.to_string()
}

const NOW: &str = "2026-11-25T12:00:00Z";

#[test]
fn the_product_brief_scenario() {
    let (_d, mut s) = new_store();
    rule(
        &mut s,
        Condition::StockBelow(10),
        Effect::Multiplier(dec("1.15")),
        Scope::All,
    );
    rule(
        &mut s,
        Condition::StockAbove(100),
        Effect::Multiplier(dec("0.95")),
        Scope::All,
    );
    add(&mut s, "prod_A", "50.00", "0", 50);
    add(&mut s, "prod_B", "120.00", "0", 150);
    assert_eq!(price(&s, "prod_B", NOW), "114.00");
    s.sell(sale(&[("prod_A", 45)], vec![card("2250.00")]))
        .unwrap();
    assert_eq!(s.stock("prod_A").unwrap().on_hand, 5);
    assert_eq!(price(&s, "prod_A", NOW), "57.50");
    // 60 x 114.00, priced while stock was still 150.
    s.sell(sale(&[("prod_B", 60)], vec![card("6840.00")]))
        .unwrap();
    assert_eq!(s.stock("prod_B").unwrap().on_hand, 90);
    assert_eq!(price(&s, "prod_B", NOW), "120.00");
    s.adjust_stock("prod_A", 20, MovementKind::Restock, None)
        .unwrap();
    assert_eq!(price(&s, "prod_A", NOW), "50.00");
    flash(
        &mut s,
        "Flash",
        &["prod_A", "prod_B"],
        FlashEffect::Multiplier(dec("0.75")),
        "2026-11-25T00:00:00Z",
        "2026-11-26T00:00:00Z",
        false,
    );
    assert_eq!(price(&s, "prod_B", NOW), "90.00");
    let q = s.quote("prod_B", t(NOW)).unwrap();
    assert_eq!(q.adjustments.len(), 1);
    assert_eq!(q.adjustments[0].source, "flash_sale");
    assert_eq!(q.adjustments[0].effect, dec("-30.00"));
}

#[test]
fn most_specific_scope_wins_then_the_first_listed() {
    let (_d, mut s) = new_store();
    s.add_product(NewProduct {
        sku: "A".into(),
        name: "A".into(),
        price: dec("10.00"),
        category: Some("bakery".into()),
        stock: Some(5),
        ..Default::default()
    })
    .unwrap();
    add(&mut s, "B", "10.00", "0", 5);
    rule(
        &mut s,
        Condition::StockBelow(10),
        Effect::Multiplier(dec("1.10")),
        Scope::All,
    );
    rule(
        &mut s,
        Condition::StockBelow(10),
        Effect::Multiplier(dec("1.20")),
        Scope::Category("bakery".into()),
    );
    rule(
        &mut s,
        Condition::StockBelow(10),
        Effect::Multiplier(dec("1.30")),
        Scope::Category("bakery".into()),
    );
    assert_eq!(
        price(&s, "A", NOW),
        "12.00",
        "category beats all; first listed beats second"
    );
    assert_eq!(price(&s, "B", NOW), "11.00");
    let id = rule(
        &mut s,
        Condition::StockBelow(10),
        Effect::Amount(dec("-0.50")),
        Scope::Sku("A".into()),
    );
    assert_eq!(price(&s, "A", NOW), "9.50", "SKU beats category");
    s.remove_pricing_rule(id).unwrap();
    assert_eq!(price(&s, "A", NOW), "12.00");
}

#[test]
fn sell_by_markdown_in_the_store_time_zone() {
    let (_d, mut s) = new_store();
    s.update_settings(till_core::settings::SettingsUpdate {
        time_zone: Some("America/New_York".into()),
        ..Default::default()
    })
    .unwrap();
    s.add_product(NewProduct {
        sku: "MILK".into(),
        name: "Milk".into(),
        price: dec("2.00"),
        sell_by: Some("2026-11-28".parse().unwrap()),
        stock: Some(100),
        ..Default::default()
    })
    .unwrap();
    rule(
        &mut s,
        Condition::WithinDaysOfSellBy(2),
        Effect::Multiplier(dec("0.5")),
        Scope::All,
    );
    // 2026-11-26 01:00 UTC is still the 25th in New York: 3 days left.
    assert_eq!(price(&s, "MILK", "2026-11-26T01:00:00Z"), "2.00");
    assert_eq!(price(&s, "MILK", "2026-11-26T06:00:00Z"), "1.00");
    // Stock and sell-by rules compose by multiplication.
    rule(
        &mut s,
        Condition::StockAbove(50),
        Effect::Multiplier(dec("0.9")),
        Scope::All,
    );
    assert_eq!(price(&s, "MILK", "2026-11-26T06:00:00Z"), "0.90");
}

#[test]
fn hysteresis_keeps_a_price_from_flipping() {
    let (_d, mut s) = new_store();
    add(&mut s, "A", "10.00", "0", 12);
    s.add_pricing_rule(RuleInput {
        condition: Condition::StockBelow(10),
        effect: Effect::Multiplier(dec("1.2")),
        scope: Scope::All,
        hysteresis: 5,
    })
    .unwrap();
    assert_eq!(price(&s, "A", NOW), "10.00");
    s.sell(sale(&[("A", 3)], vec![cash("30.00")])).unwrap(); // 9: below 10
    assert_eq!(price(&s, "A", NOW), "12.00");
    s.adjust_stock("A", 3, MovementKind::Restock, None).unwrap(); // 12: inside the band, still held
    assert_eq!(price(&s, "A", NOW), "12.00");
    s.adjust_stock("A", 3, MovementKind::Restock, None).unwrap(); // 15: out of the band
    assert_eq!(price(&s, "A", NOW), "10.00");
    s.adjust_stock("A", -4, MovementKind::Damage, None).unwrap(); // 11: not below 10, not held
    assert_eq!(price(&s, "A", NOW), "10.00");
}

#[test]
fn guardrails_clamp_and_say_so() {
    let (_d, mut s) = new_store();
    s.add_product(NewProduct {
        sku: "A".into(),
        name: "A".into(),
        price: dec("10.00"),
        cost: Some(dec("8.00")),
        stock: Some(5),
        ..Default::default()
    })
    .unwrap();
    flash(
        &mut s,
        "Deep",
        &["A"],
        FlashEffect::Multiplier(dec("0.5")),
        "2026-11-25T00:00:00Z",
        "2026-11-26T00:00:00Z",
        false,
    );
    let q = s.quote("A", t(NOW)).unwrap();
    assert_eq!(q.price, dec("8.00"), "never below cost by default");
    assert_eq!(q.adjustments.last().unwrap().source, "guardrail");
    assert!(q.adjustments.last().unwrap().description.contains("cost"));
    assert_eq!(
        q.adjustments.iter().map(|a| a.effect).sum::<Decimal>(),
        q.price - q.base_price
    );
    s.update_product(
        "A",
        ProductUpdate {
            price_floor: Some(Some(dec("6.00"))),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        price(&s, "A", NOW),
        "6.00",
        "a product floor replaces the cost floor"
    );
    s.update_settings(till_core::settings::SettingsUpdate {
        price_ceiling: Some(Some(dec("1.1"))),
        ..Default::default()
    })
    .unwrap();
    rule(
        &mut s,
        Condition::StockBelow(10),
        Effect::Multiplier(dec("1.5")),
        Scope::All,
    );
    let q = s.quote("A", t("2026-12-01T00:00:00Z")).unwrap();
    assert_eq!(q.price, dec("11.00"), "capped at 1.1x");
    assert!(q
        .adjustments
        .iter()
        .any(|a| a.source == "guardrail" && a.description.contains("capped")));
}

/// The cap is rounded down: 1.33x of 560.50 is 745.465, and the price may
/// not pass it by rounding half a cent up.
#[test]
fn ceiling_is_never_passed_by_rounding() {
    let (_d, mut s) = new_store();
    s.add_product(NewProduct {
        sku: "A".into(),
        name: "A".into(),
        price: dec("560.50"),
        stock: Some(5),
        ..Default::default()
    })
    .unwrap();
    s.update_settings(till_core::settings::SettingsUpdate {
        price_ceiling: Some(Some(dec("1.33"))),
        ..Default::default()
    })
    .unwrap();
    rule(
        &mut s,
        Condition::StockBelow(10),
        Effect::Multiplier(dec("2")),
        Scope::All,
    );
    assert_eq!(price(&s, "A", NOW), "745.46");
}

#[test]
fn flash_windows_overlaps_cancel_and_restart() {
    let (dir, mut s) = new_store();
    add(&mut s, "A", "20.00", "0", 50);
    let a = flash(
        &mut s,
        "Quarter",
        &["A"],
        FlashEffect::Multiplier(dec("0.75")),
        "2026-11-27T16:00:00Z",
        "2026-11-27T18:00:00Z",
        false,
    );
    assert_eq!(price(&s, "A", "2026-11-27T15:59:59Z"), "20.00");
    assert_eq!(
        price(&s, "A", "2026-11-27T16:00:00Z"),
        "15.00",
        "start is inclusive"
    );
    assert_eq!(
        price(&s, "A", "2026-11-27T18:00:00Z"),
        "20.00",
        "end is exclusive"
    );
    // Overlap: the customer gets the lowest price.
    let b = flash(
        &mut s,
        "Tenner",
        &["A"],
        FlashEffect::Price(dec("10.00")),
        "2026-11-27T17:00:00Z",
        "2026-11-27T19:00:00Z",
        false,
    );
    assert_eq!(price(&s, "A", "2026-11-27T16:30:00Z"), "15.00");
    assert_eq!(price(&s, "A", "2026-11-27T17:30:00Z"), "10.00");
    // A restart in the middle of a window: nothing to resume, the price is computed.
    let path = s.path().to_path_buf();
    drop(s);
    let mut s = Store::open(&path).unwrap();
    assert_eq!(price(&s, "A", "2026-11-27T17:30:00Z"), "10.00");
    s.cancel_flash_sale(b).unwrap();
    assert_eq!(
        price(&s, "A", "2026-11-27T17:30:00Z"),
        "15.00",
        "cancelling takes effect at once"
    );
    assert!(s.cancel_flash_sale(b).is_err());
    let list = s.flash_sales(t("2026-11-27T17:30:00Z")).unwrap();
    let status: Vec<String> = list
        .sales
        .iter()
        .map(|v| format!("{:?}", v.status))
        .collect();
    assert_eq!(status, ["Active", "Cancelled"]);
    assert_eq!(
        format!(
            "{:?}",
            s.flash_sales(t("2026-11-28T00:00:00Z")).unwrap().sales[0].status
        ),
        "Past"
    );
    assert_eq!(
        format!(
            "{:?}",
            s.flash_sales(t("2026-11-01T00:00:00Z")).unwrap().sales[0].status
        ),
        "Upcoming"
    );
    let _ = (a, dir);
}

#[test]
fn weekly_sale_follows_local_time_across_dst() {
    let (_d, mut s) = new_store();
    s.update_settings(till_core::settings::SettingsUpdate {
        time_zone: Some("Europe/Berlin".into()),
        ..Default::default()
    })
    .unwrap();
    add(&mut s, "BEER", "4.00", "0", 500);
    // Friday 23 Oct 2026 17:00-19:00 Berlin (CEST, UTC+2), weekly.
    flash(
        &mut s,
        "Happy hour",
        &["BEER"],
        FlashEffect::Multiplier(dec("0.5")),
        "2026-10-23T15:00:00Z",
        "2026-10-23T17:00:00Z",
        true,
    );
    assert_eq!(price(&s, "BEER", "2026-10-23T15:00:00Z"), "2.00");
    // After the change to CET (UTC+1) on 25 Oct, 17:00 local is 16:00 UTC.
    assert_eq!(price(&s, "BEER", "2026-10-30T15:30:00Z"), "4.00");
    assert_eq!(price(&s, "BEER", "2026-10-30T16:00:00Z"), "2.00");
    assert_eq!(price(&s, "BEER", "2026-10-30T17:59:59Z"), "2.00");
    assert_eq!(price(&s, "BEER", "2026-10-30T18:00:00Z"), "4.00");
    // Not on other days.
    assert_eq!(price(&s, "BEER", "2026-10-31T16:30:00Z"), "4.00");
    let note = s
        .quote("BEER", t("2026-10-30T16:30:00Z"))
        .unwrap()
        .note
        .unwrap();
    assert!(note.contains("ends 19:00"), "{note}");
}

#[test]
fn a_line_keeps_the_price_it_was_added_at() {
    let (_d, mut s) = new_store();
    add(&mut s, "A", "20.00", "0", 50);
    flash(
        &mut s,
        "Hour",
        &["A"],
        FlashEffect::Multiplier(dec("0.75")),
        "2026-11-27T16:00:00Z",
        "2026-11-27T17:00:00Z",
        false,
    );
    s.set_clock(Clock::Fixed(t("2026-11-27T16:59:00Z")));
    let cart = s.new_cart().unwrap();
    let c = s.cart_add(&cart.id, "A", 1).unwrap();
    assert_eq!(c.lines[0].unit_price, dec("15.00"));
    assert!(c.lines[0]
        .price_note
        .as_deref()
        .unwrap()
        .contains("ends 17:00"));
    // The sale ends while the customer is still at the counter.
    s.set_clock(Clock::Fixed(t("2026-11-27T17:01:00Z")));
    let c = s.cart(&cart.id).unwrap();
    assert_eq!(
        c.lines[0].unit_price,
        dec("15.00"),
        "the price did not change under the customer's eyes"
    );
    let c = s.cart_add(&cart.id, "A", 1).unwrap();
    assert_eq!(c.lines.len(), 2, "a new line gets the new price");
    assert_eq!(c.lines[1].unit_price, dec("20.00"));
    let r = s.cart_complete(&cart.id, &[cash("35.00")]).unwrap();
    assert_eq!(r.total, dec("35.00"));
    assert!(r.lines[0].price_note.is_some());
}

#[test]
fn bad_rules_and_sales_are_refused_and_store_nothing() {
    let (_d, mut s) = new_store();
    add(&mut s, "A", "20.00", "0", 50);
    let bad_rules = [
        RuleInput {
            condition: Condition::StockBelow(5),
            effect: Effect::Multiplier(dec("0")),
            scope: Scope::All,
            hysteresis: 0,
        },
        RuleInput {
            condition: Condition::StockBelow(5),
            effect: Effect::Multiplier(dec("-1")),
            scope: Scope::All,
            hysteresis: 0,
        },
        RuleInput {
            condition: Condition::StockBelow(0),
            effect: Effect::Multiplier(dec("2")),
            scope: Scope::All,
            hysteresis: 0,
        },
        RuleInput {
            condition: Condition::StockBelow(5),
            effect: Effect::Multiplier(dec("2")),
            scope: Scope::Sku("NOPE".into()),
            hysteresis: 0,
        },
        RuleInput {
            condition: Condition::StockBelow(5),
            effect: Effect::Multiplier(dec("2")),
            scope: Scope::Category("nope".into()),
            hysteresis: 0,
        },
        RuleInput {
            condition: Condition::WithinDaysOfSellBy(-1),
            effect: Effect::Multiplier(dec("0.5")),
            scope: Scope::All,
            hysteresis: 0,
        },
        RuleInput {
            condition: Condition::StockBelow(5),
            effect: Effect::Amount(dec("0.001")),
            scope: Scope::All,
            hysteresis: 0,
        },
    ];
    for r in bad_rules {
        let e = s.add_pricing_rule(r.clone()).unwrap_err();
        assert!(e.is_user_error(), "{e}");
    }
    assert!(s.pricing_rules().unwrap().is_empty());
    let base = FlashSaleInput {
        name: "X".into(),
        skus: vec!["A".into()],
        categories: vec![],
        effect: FlashEffect::Multiplier(dec("0.5")),
        starts_at: t("2026-11-27T16:00:00Z"),
        ends_at: t("2026-11-27T17:00:00Z"),
        weekly: false,
    };
    let bad_sales = [
        FlashSaleInput {
            effect: FlashEffect::Multiplier(dec("0")),
            ..base.clone()
        },
        FlashSaleInput {
            ends_at: t("2026-11-27T15:00:00Z"),
            ..base.clone()
        },
        FlashSaleInput {
            ends_at: t("2026-11-27T16:00:00Z"),
            ..base.clone()
        },
        FlashSaleInput {
            skus: vec!["NOPE".into()],
            ..base.clone()
        },
        FlashSaleInput {
            skus: vec![],
            categories: vec!["nope".into()],
            ..base.clone()
        },
        FlashSaleInput {
            skus: vec![],
            ..base.clone()
        },
        FlashSaleInput {
            name: " ".into(),
            ..base.clone()
        },
        FlashSaleInput {
            weekly: true,
            ends_at: t("2026-12-05T16:00:00Z"),
            ..base.clone()
        },
    ];
    for f in bad_sales {
        let e = s.create_flash_sale(f).unwrap_err();
        assert!(e.is_user_error(), "{e}");
    }
    assert!(s.flash_sales(t(NOW)).unwrap().sales.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the rules and sales: the guardrails hold, the price has the
    /// currency's decimals, and the adjustments explain it to the cent.
    #[test]
    fn guardrails_always_hold(base in 1i64..100_000, cost in prop::option::of(1i64..100_000), stock in 0i64..300,
                              below in 1i64..200, up in 100i64..300, down in 10i64..100, flash_m in prop::option::of(1i64..99),
                              ceiling in prop::option::of(100i64..300)) {
        let (_d, mut s) = new_store();
        let base = Decimal::new(base, 2);
        let cost = cost.map(|c| Decimal::new(c, 2));
        s.add_product(NewProduct { sku: "A".into(), name: "A".into(), price: base, cost, stock: Some(stock), ..Default::default() }).unwrap();
        rule(&mut s, Condition::StockBelow(below), Effect::Multiplier(Decimal::new(up, 2) + Decimal::new(1, 3)), Scope::All);
        rule(&mut s, Condition::StockAbove(below), Effect::Multiplier(Decimal::new(down, 2) + Decimal::new(1, 3)), Scope::All);
        if let Some(c) = ceiling {
            s.update_settings(till_core::settings::SettingsUpdate { price_ceiling: Some(Some(Decimal::new(c, 2))), ..Default::default() }).unwrap();
        }
        if let Some(m) = flash_m {
            flash(&mut s, "F", &["A"], FlashEffect::Multiplier(Decimal::new(m, 2)), "2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z", false);
        }
        let q = s.quote("A", t(NOW)).unwrap();
        prop_assert_eq!(q.price.scale(), 2);
        prop_assert!(q.price >= Decimal::ZERO);
        if let Some(c) = cost {
            prop_assert!(q.price >= c.min(base), "{} below cost {}", q.price, c);
        }
        if let Some(c) = ceiling {
            prop_assert!(q.price <= base * Decimal::new(c, 2) || q.price <= base, "{} above ceiling", q.price);
        }
        prop_assert_eq!(q.adjustments.iter().map(|a| a.effect).sum::<Decimal>(), q.price - q.base_price);
    }
}

#[test]
fn a_product_with_an_unreadable_sell_by_date_sells_at_its_base_price() {
    let (_d, mut s) = new_store();
    add(&mut s, "MILK", "2.00", "0", 10);
    rusqlite::Connection::open(s.path())
        .unwrap()
        .execute_batch("UPDATE products SET sell_by = 'soon' WHERE sku = 'MILK'")
        .unwrap();
    // Only a sell-by markdown needs the date: the sale goes on without it.
    let r = s.sell(sale(&[("MILK", 1)], vec![cash("2.00")])).unwrap();
    assert_eq!(r.lines[0].unit_price, dec("2.00"));
    assert_eq!(s.quote("MILK", s.now()).unwrap().price, dec("2.00"));
    // Editing something else leaves the stored value for the owner to see.
    s.update_product(
        "MILK",
        ProductUpdate {
            name: Some("Milk".into()),
            ..Default::default()
        },
    )
    .unwrap();
    // The doctor and the pricing banners name it.
    let report = s.doctor().unwrap();
    assert!(
        report
            .damaged
            .iter()
            .any(|d| d.table == "products" && d.column == "sell_by" && d.value == "soon"),
        "{:?}",
        report.damaged
    );
    assert!(s
        .pricing_damage()
        .unwrap()
        .iter()
        .any(|d| d.table == "products" && d.column == "sell_by"));
}
