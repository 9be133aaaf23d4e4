//! Plans, licenses, usage and memberships against real store files: gating
//! and limits per tier (with `unlimited` and the exact boundary), license
//! tampering and the grace period, billing periods in a time zone, exact
//! usage totals over 10,000 records, and where the member discount sits in
//! the pricing pipeline.

#[path = "support/mod.rs"]
mod support;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use support::*;
use till_core::customers::{CustomerKind, NewCustomer};
use till_core::orders::RefundRequest;
use till_core::plans::license::{self, LicensePayload, Unlock};
use till_core::plans::{signed, tiers, LicenseState};
use till_core::pricing::{Condition, Effect, FlashEffect, FlashSaleInput, RuleInput, Scope};
use till_core::{Clock, Error, Store};

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

fn test_key() -> ed25519_dalek::SigningKey {
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/support/license-test-key"
    ))
    .unwrap();
    license::signing_key(&seed).unwrap()
}

fn payload(tier: &str, expires: Option<&str>) -> LicensePayload {
    LicensePayload {
        license_id: "L-1".into(),
        issued_to: "Test shop".into(),
        store_id: None,
        tier: tier.into(),
        unlocks: Vec::new(),
        issued_at: "2026-11-01T00:00:00Z".into(),
        expires_at: expires.map(String::from),
        grace_days: 14,
    }
}

fn signed(p: &LicensePayload) -> String {
    license::sign(p, "test", &test_key())
}

/// A tiers document signed with the test key, as the vendor's tool would.
fn signed_tiers(doc: &str) -> String {
    tiers::sign(doc, "test", &test_key()).unwrap()
}

/// Signs any bytes as a tiers document, mistakes included.
fn sealed_tiers(payload: &str) -> String {
    signed::seal(payload.as_bytes(), &signed::TIERS, "test", &test_key())
}

fn shop() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    s.set_clock(Clock::Fixed(at("2026-11-20T12:00:00Z")));
    add(&mut s, "TEA", "10.00", "0", 100);
    (d, s)
}

fn is_gated(e: &Error) -> bool {
    matches!(e, Error::Gated { .. })
}

const SMALL: &str = r#"{"tiers":[
  {"id":"free","name":"Free","price_monthly":0,"features":["checkout"],"limits":{"products":2,"api_calls":10}},
  {"id":"pro","name":"Pro","price_monthly":"19.90","features":["checkout","advanced_reporting","memberships"],"limits":{"products":"unlimited","api_calls":1000}}
]}"#;

#[test]
fn limits_allow_up_to_the_limit_and_unlimited_never_refuses() {
    let (_d, mut s) = shop();
    s.load_tiers(&signed_tiers(SMALL)).unwrap();
    // TEA is one product; one more is exactly the limit of 2.
    add(&mut s, "MUG", "5.00", "0", 1);
    let st = s.limit_status("products").unwrap();
    assert!(st.within);
    assert_eq!(st.used, Decimal::from(2));
    let e = s
        .add_product(till_core::catalog::NewProduct {
            sku: "JAM".into(),
            name: "Jam".into(),
            price: dec("3.00"),
            ..Default::default()
        })
        .unwrap_err();
    assert!(is_gated(&e), "{e}");
    assert!(e.to_string().contains("allows 2 products"), "{e}");
    assert!(s.product("JAM").is_err(), "nothing stored");
    // Metered: 10 allowed, 10 used is within, 11 is over.
    s.record_usage("api_calls", dec("10"), None).unwrap();
    assert!(s.limit_status("api_calls").unwrap().within);
    s.record_usage("api_calls", dec("1"), None).unwrap();
    assert!(!s.limit_status("api_calls").unwrap().within);
    // Pro: unlimited products.
    s.install_license(&signed(&payload("pro", None))).unwrap();
    for i in 0..5 {
        add(&mut s, &format!("P{i}"), "1.00", "0", 1);
    }
    assert!(s.limit_status("products").unwrap().within);
    assert!(s.limit_status("nonsense").is_err());
}

#[test]
fn gated_features_name_the_tier_and_sales_are_never_gated() {
    let (_d, mut s) = shop();
    s.load_tiers(&signed_tiers(SMALL)).unwrap();
    let e = s.require_feature("advanced_reporting").unwrap_err();
    assert!(is_gated(&e));
    assert!(e.to_string().contains("Pro"), "{e}");
    let e = s
        .product_sales(at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"))
        .unwrap_err();
    assert!(is_gated(&e));
    assert!(!is_gated(&s.require_feature("no_such_thing").unwrap_err()));
    // A plan with nothing in it still sells, refunds and lists orders.
    s.load_tiers(&signed_tiers(
        r#"{"tiers":[{"id":"bare","name":"Bare","features":[],"limits":{}}]}"#,
    ))
    .unwrap();
    let r = s.sell(sale(&[("TEA", 2)], vec![cash("20")])).unwrap();
    s.refund(RefundRequest {
        order: r.id.clone(),
        items: Some(vec![("TEA".into(), 1)]),
        key: None,
    })
    .unwrap();
    assert_eq!(s.orders(None, None, None).unwrap().len(), 1);
}

#[test]
fn a_license_grants_its_tier_and_tampering_is_refused() {
    let (_d, mut s) = shop();
    let good = signed(&payload("pro", Some("2027-01-01T00:00:00Z")));
    // Tampered payload: the tier changed after signing.
    let mut file: serde_json::Value = serde_json::from_str(&good).unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut p: serde_json::Value =
        serde_json::from_slice(&b64.decode(file["payload"].as_str().unwrap()).unwrap()).unwrap();
    p["tier"] = "enterprise".into();
    file["payload"] = b64.encode(serde_json::to_vec(&p).unwrap()).into();
    let e = s.install_license(&file.to_string()).unwrap_err();
    assert!(e.to_string().contains("altered or forged"), "{e}");
    // A key Till does not know, and a known id signed by another key.
    let other = license::signing_key(&b64.encode([7u8; 32])).unwrap();
    let foreign = license::sign(&payload("pro", None), "someone-else", &other);
    assert!(s
        .install_license(&foreign)
        .unwrap_err()
        .to_string()
        .contains("does not trust"));
    let forged = license::sign(&payload("pro", None), "test", &other);
    assert!(s
        .install_license(&forged)
        .unwrap_err()
        .to_string()
        .contains("altered or forged"));
    // Not a license at all; another store's; a tier the plan lacks.
    assert!(s.install_license("{}").is_err());
    let mut bound = payload("pro", None);
    bound.store_id = Some("another-store".into());
    assert!(s
        .install_license(&signed(&bound))
        .unwrap_err()
        .to_string()
        .contains("another-store"));
    assert!(s
        .install_license(&signed(&payload("platinum", None)))
        .is_err());
    assert_eq!(s.license_status(s.now()).unwrap().state, LicenseState::None);
    // The real one.
    let st = s.install_license(&good).unwrap();
    assert_eq!(st.state, LicenseState::Valid);
    assert_eq!(s.plan(s.now()).unwrap().tier.id, "pro");
    s.require_feature("advanced_reporting").unwrap();
}

#[test]
fn an_expired_license_works_through_its_grace_then_falls_back_to_free() {
    let (_d, mut s) = shop();
    s.install_license(&signed(&payload("pro", Some("2026-12-01T00:00:00Z"))))
        .unwrap();
    let check = |s: &Store, t: &str| {
        let st = s.license_status(at(t)).unwrap();
        (st.state, st.tier)
    };
    assert_eq!(
        check(&s, "2026-11-30T23:59:59Z"),
        (LicenseState::Valid, "pro".into())
    );
    assert_eq!(
        check(&s, "2026-12-01T00:00:00Z"),
        (LicenseState::Grace, "pro".into())
    );
    assert_eq!(
        check(&s, "2026-12-14T23:59:59Z"),
        (LicenseState::Grace, "pro".into())
    );
    assert_eq!(
        check(&s, "2026-12-15T00:00:00Z"),
        (LicenseState::Expired, "free".into())
    );
    s.set_clock(Clock::Fixed(at("2026-12-20T00:00:00Z")));
    assert!(is_gated(
        &s.require_feature("advanced_reporting").unwrap_err()
    ));
    // Selling never stops.
    s.sell(sale(&[("TEA", 1)], vec![cash("10")])).unwrap();
}

#[test]
fn unlocks_one_time_and_monthly() {
    let (_d, mut s) = shop();
    let mut p = payload("free", None);
    p.unlocks = vec![
        Unlock {
            feature: "advanced_reporting".into(),
            billing: "one_time".into(),
            expires_at: None,
        },
        Unlock {
            feature: "custom_branding".into(),
            billing: "monthly".into(),
            expires_at: Some("2026-12-01T00:00:00Z".into()),
        },
    ];
    s.install_license(&signed(&p)).unwrap();
    s.require_feature("advanced_reporting").unwrap();
    s.require_feature("custom_branding").unwrap();
    assert!(is_gated(&s.require_feature("memberships").unwrap_err()));
    // The monthly unlock ends (after its grace); the one-time one stays.
    s.set_clock(Clock::Fixed(at("2026-12-16T00:00:00Z")));
    s.require_feature("advanced_reporting").unwrap();
    assert!(is_gated(&s.require_feature("custom_branding").unwrap_err()));
}

#[test]
fn billing_periods_follow_the_store_time_zone_and_the_billing_day() {
    let (_d, mut s) = shop();
    s.update_settings(till_core::settings::SettingsUpdate {
        time_zone: Some("Europe/Paris".into()),
        ..Default::default()
    })
    .unwrap();
    // Paris is UTC+1 in winter: 23:00Z on Nov 30 is midnight on Dec 1.
    s.record_usage("api_calls", dec("1"), Some(at("2026-11-30T22:59:59.999Z")))
        .unwrap();
    s.record_usage("api_calls", dec("2"), Some(at("2026-11-30T23:00:00Z")))
        .unwrap();
    let (from, to, label) = s.billing_period_named("2026-11").unwrap();
    assert_eq!(label, "2026-11");
    assert_eq!(from, at("2026-10-31T23:00:00Z"));
    assert_eq!(to, at("2026-11-30T23:00:00Z"));
    let nov = s.usage_report(from, to, label).unwrap();
    assert_eq!(nov.metrics["api_calls"].used, dec("1"));
    let (from, to, label) = s.billing_period_named("2026-12").unwrap();
    assert_eq!(
        s.usage_report(from, to, label).unwrap().metrics["api_calls"].used,
        dec("2")
    );
    // Anchored on the 15th: Nov 15 (local) to Dec 15.
    s.set_billing_day(Some(15)).unwrap();
    let (from, to, label) = s.billing_period(at("2026-11-20T12:00:00Z")).unwrap();
    assert_eq!(from, at("2026-11-14T23:00:00Z"));
    assert_eq!(to, at("2026-12-14T23:00:00Z"));
    assert_eq!(label, "2026-11-15..2026-12-15");
    assert_eq!(
        s.usage_report(from, to, label).unwrap().metrics["api_calls"].used,
        dec("3")
    );
    assert!(s.set_billing_day(Some(31)).is_err());
}

#[test]
fn ten_thousand_records_add_up_exactly() {
    let (_d, mut s) = shop();
    let start = at("2026-11-02T00:00:00Z");
    for i in 0..10_000 {
        // 0.1 has no exact binary form: a float sum would drift.
        s.record_usage(
            "storage_gb",
            dec("0.1"),
            Some(start + Duration::seconds(i * 60)),
        )
        .unwrap();
    }
    let (from, to, label) = s.billing_period_named("2026-11").unwrap();
    let r = s.usage_report(from, to, label).unwrap();
    assert_eq!(r.metrics["storage_gb"].used, dec("1000"));
    let events = s
        .pending_events(20_000)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "usage.recorded")
        .count();
    assert_eq!(events, 10_000);
    // Bad usage is refused and nothing is stored.
    assert!(s.record_usage("api_calls", dec("-1"), None).is_err());
    assert!(s.record_usage("api_calls", dec("0"), None).is_err());
    assert!(s.record_usage("unknown", dec("1"), None).is_err());
    assert!(
        s.record_usage("products", dec("1"), None).is_err(),
        "a count, not metered"
    );
    assert_eq!(count(&s, "usage_records"), 10_000);
}

#[test]
fn sales_record_order_usage() {
    let (_d, mut s) = shop();
    s.sell(sale(&[("TEA", 1)], vec![cash("10")])).unwrap();
    s.sell(sale(&[("TEA", 1)], vec![cash("10")])).unwrap();
    let (from, to, label) = s.billing_period(s.now()).unwrap();
    assert_eq!(
        s.usage_report(from, to, label).unwrap().metrics["orders"].used,
        dec("2")
    );
}

#[test]
fn bad_tiers_documents_store_nothing() {
    let (_d, mut s) = shop();
    s.load_tiers(&signed_tiers(SMALL)).unwrap();
    for bad in [
        r#"{"tiers":[{"id":"a"},{"id":"a"}]}"#,
        r#"{"tiers":[{"id":"a","limits":{"x":-1}}]}"#,
        r#"{"tiers":[{"id":"a","features":"all"}]}"#,
        r#"{"tiers":[{"id":"a","price_monthly":-5}]}"#,
        r#"{"tiers":"none"}"#,
        "not json",
    ] {
        assert!(s.load_tiers(&sealed_tiers(bad)).is_err(), "{bad}");
    }
    assert_eq!(
        s.tiers_document().unwrap().tiers.len(),
        2,
        "the old document stays"
    );
    // A document without the installed license's tier is refused.
    s.install_license(&signed(&payload("pro", None))).unwrap();
    assert!(s
        .load_tiers(&signed_tiers(
            r#"{"tiers":[{"id":"free","features":["checkout"]}]}"#
        ))
        .is_err());
}

/// Every feature any tier has, unlimited, on the free tier: what someone
/// would write to get everything without a license.
const EVIL: &str = r#"{"tiers":[{"id":"free","name":"Free","price_monthly":0,
  "features":["checkout","refunds","memberships","advanced_reporting","custom_branding","api_access"],
  "limits":{"products":"unlimited","api_calls":"unlimited","registers":"unlimited"}}]}"#;

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// The document in force is still SMALL: free has checkout only.
fn small_still_in_force(s: &Store) {
    let doc = s.tiers_document().unwrap();
    assert_eq!(doc.tiers.len(), 2, "the previous document stays");
    assert_eq!(doc.tiers[0].features, vec!["checkout".to_string()]);
    assert!(is_gated(
        &s.require_feature("advanced_reporting").unwrap_err()
    ));
}

#[test]
fn unsigned_or_wrongly_signed_tiers_documents_are_refused_and_replace_nothing() {
    use base64::Engine;
    let (_d, mut s) = shop();
    s.load_tiers(&signed_tiers(SMALL)).unwrap();
    let must = "tiers documents must be signed by the vendor";
    let other = license::signing_key(&b64().encode([7u8; 32])).unwrap();
    let good_evil = signed_tiers(EVIL);
    // The payload of a signed document swapped for another one.
    let mut swapped: serde_json::Value = serde_json::from_str(&signed_tiers(SMALL)).unwrap();
    swapped["payload"] = b64().encode(EVIL).into();
    let mut bad_base64: serde_json::Value = serde_json::from_str(&good_evil).unwrap();
    bad_base64["payload"] = "%%% not base64 %%%".into();
    let mut future: serde_json::Value = serde_json::from_str(&good_evil).unwrap();
    future["format"] = "till-tiers/2".into();
    for (doc, needle) in [
        (EVIL.to_string(), must),
        (tiers::sign(EVIL, "someone-else", &other).unwrap(), must),
        (
            tiers::sign(EVIL, "someone-else", &other).unwrap(),
            "does not trust",
        ),
        (tiers::sign(EVIL, "test", &other).unwrap(), must),
        (
            tiers::sign(EVIL, "test", &other).unwrap(),
            "altered or forged",
        ),
        (swapped.to_string(), must),
        (
            good_evil.replace("\"signature\": \"", "\"signature\": \"AAAA"),
            must,
        ),
        (
            future.to_string(),
            "\"till-tiers/2\" is not \"till-tiers/1\"",
        ),
        (
            signed(&payload("pro", None)),
            "is a license, not a tiers document",
        ),
        (bad_base64.to_string(), "payload is not base64"),
        (
            sealed_tiers("tiers: all of them"),
            "signed payload is not valid JSON",
        ),
        (
            sealed_tiers(r#"{"tiers":[{"id":"a"},{"id":"a"}]}"#),
            "tiers[1].id",
        ),
        ("not json at all".to_string(), "not valid JSON"),
    ] {
        let e = s.load_tiers(&doc).unwrap_err();
        assert!(matches!(e, Error::Invalid { .. }), "{e}");
        assert!(e.to_string().contains(needle), "{doc}: {e} lacks {needle}");
        small_still_in_force(&s);
    }
    // The vendor's signature, and the document is in force.
    s.load_tiers(&good_evil).unwrap();
    s.require_feature("advanced_reporting").unwrap();
}

fn stored_tiers(s: &Store) -> String {
    rusqlite::Connection::open(s.path())
        .unwrap()
        .query_row("SELECT tiers_doc FROM plan_state WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap()
}

fn store_tiers(s: &Store, text: &str) {
    rusqlite::Connection::open(s.path())
        .unwrap()
        .execute(
            "INSERT INTO plan_state (id, tiers_doc, updated_at) VALUES (1, ?1, '2026-11-20T12:00:00Z')
             ON CONFLICT (id) DO UPDATE SET tiers_doc = ?1",
            [text],
        )
        .unwrap();
}

#[test]
fn editing_the_stored_tiers_document_opens_no_gate_and_never_stops_selling() {
    use base64::Engine;
    let (_d, mut s) = shop();
    s.load_tiers(&signed_tiers(SMALL)).unwrap();
    // The signed document is what is kept, and it is checked when read.
    let kept: serde_json::Value = serde_json::from_str(&stored_tiers(&s)).unwrap();
    assert_eq!(kept["format"], "till-tiers/1");
    assert_eq!(kept["key_id"], "test");
    let mut edited = kept.clone();
    edited["payload"] = b64().encode(EVIL).into();
    store_tiers(&s, &edited.to_string());
    for e in [
        s.require_feature("advanced_reporting").unwrap_err(),
        s.plan(s.now()).unwrap_err(),
        s.add_membership_tier("club", "Club", dec("10"), dec("0"))
            .unwrap_err(),
    ] {
        assert_eq!(e.code(), "store_damaged", "{e}");
        let m = e.to_string();
        assert!(
            m.contains("plan_state row 1: tiers_doc")
                && m.contains("loading the vendor's file again")
                && !m.contains("till plan"),
            "{m}"
        );
    }
    // Selling and refunds never ask the plan.
    let r = s.sell(sale(&[("TEA", 1)], vec![cash("10")])).unwrap();
    s.refund(RefundRequest {
        order: r.id.clone(),
        items: None,
        key: None,
    })
    .unwrap();
    // Loading the vendor's document again repairs the store.
    s.load_tiers(&signed_tiers(SMALL)).unwrap();
    small_still_in_force(&s);
}

#[test]
fn an_unsigned_document_stored_before_signing_is_ignored_for_the_built_in_tiers() {
    let (_d, mut s) = shop();
    // What a store kept before tiers documents had to be signed.
    store_tiers(
        &s,
        &tiers::parse(EVIL)
            .map(|d| serde_json::to_string(&d).unwrap())
            .unwrap(),
    );
    let plan = serde_json::to_value(s.plan(s.now()).unwrap()).unwrap();
    assert_eq!(plan["tiers_source"], "unsigned_ignored");
    assert!(
        plan["notice"].as_str().unwrap().contains("unsigned"),
        "{plan}"
    );
    assert_eq!(plan["tier"]["id"], "free");
    assert_eq!(
        s.tiers_document().unwrap(),
        tiers::parse(tiers::DEFAULT_TIERS).unwrap()
    );
    assert!(is_gated(
        &s.require_feature("advanced_reporting").unwrap_err()
    ));
    // A signed document replaces it.
    s.load_tiers(&signed_tiers(SMALL)).unwrap();
    let plan = serde_json::to_value(s.plan(s.now()).unwrap()).unwrap();
    assert_eq!(plan["tiers_source"], "signed");
    assert!(plan["notice"].is_null(), "{plan}");
    small_still_in_force(&s);
}

#[test]
fn the_member_discount_sits_after_stock_rules_and_before_flash_sales() {
    let (_d, mut s) = shop();
    s.install_license(&signed(&payload("pro", None))).unwrap();
    let ann = s
        .add_customer(
            CustomerKind::Customer,
            NewCustomer {
                name: "Ann".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    s.add_membership_tier("club", "Coffee club", dec("10"), dec("5.00"))
        .unwrap();
    s.enroll(
        &ann,
        "club",
        Some(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
    )
    .unwrap();
    // 10.00, +20 % when stock is low (100 < 200), -10 % for members, then
    // a flash sale at half price: 10.00 -> 12.00 -> 10.80 -> 5.40.
    s.add_pricing_rule(RuleInput {
        condition: Condition::StockBelow(200),
        effect: Effect::Multiplier(dec("1.2")),
        scope: Scope::All,
        hysteresis: 0,
    })
    .unwrap();
    s.create_flash_sale(FlashSaleInput {
        name: "Half".into(),
        skus: vec!["TEA".into()],
        categories: vec![],
        effect: FlashEffect::Multiplier(dec("0.5")),
        starts_at: at("2026-11-20T00:00:00Z"),
        ends_at: at("2026-11-21T00:00:00Z"),
        weekly: false,
    })
    .unwrap();
    let cart = s.new_cart().unwrap();
    let c = s.cart_add(&cart.id, "TEA", 1).unwrap();
    assert_eq!(c.lines[0].unit_price, dec("6.00"), "no member yet");
    // Attaching the member prices the sale again.
    let c = s.cart_set_customer(&cart.id, Some(&ann)).unwrap();
    assert_eq!(c.lines[0].unit_price, dec("5.40"));
    let note = c.lines[0].price_note.clone().unwrap();
    let (rule, member, flash) = (
        note.find("+20%").unwrap(),
        note.find("Coffee club").unwrap(),
        note.find("Half").unwrap(),
    );
    assert!(rule < member && member < flash, "{note}");
    let r = s
        .sell(till_core::checkout::SaleRequest {
            customer_id: Some(ann.clone()),
            ..sale(&[("TEA", 1)], vec![cash("10")])
        })
        .unwrap();
    assert_eq!(r.lines[0].unit_price, dec("5.40"));
    // The membership ends with its last day (store time zone, UTC here).
    s.set_clock(Clock::Fixed(at("2026-12-01T00:00:00Z")));
    let r = s
        .sell(till_core::checkout::SaleRequest {
            customer_id: Some(ann.clone()),
            ..sale(&[("TEA", 1)], vec![cash("20")])
        })
        .unwrap();
    assert_eq!(r.lines[0].unit_price, dec("12.00"), "stock rule only");
    assert!(!s.membership(&ann).unwrap().unwrap().active);
}

#[test]
fn memberships_are_a_gated_feature() {
    let (_d, mut s) = shop();
    let e = s
        .add_membership_tier("club", "Club", dec("10"), dec("0"))
        .unwrap_err();
    assert!(is_gated(&e), "{e}");
    s.install_license(&signed(&payload("pro", None))).unwrap();
    assert!(s
        .add_membership_tier("club", "Club", dec("101"), dec("0"))
        .is_err());
    s.add_membership_tier("club", "Club", dec("10"), dec("0"))
        .unwrap();
    assert!(s.enroll("nobody", "club", None).is_err());
}

#[test]
fn attaching_a_member_reprices_lines_but_not_hand_discounted_ones() {
    let (_d, mut s) = shop();
    add(&mut s, "MUG", "8.00", "0", 10);
    s.install_license(&signed(&payload("pro", None))).unwrap();
    let ann = s
        .add_customer(
            CustomerKind::Customer,
            NewCustomer {
                name: "Ann".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    s.add_membership_tier("club", "Club", dec("25"), dec("0"))
        .unwrap();
    s.enroll(&ann, "club", None).unwrap();
    let cart = s.new_cart().unwrap();
    s.cart_add(&cart.id, "TEA", 1).unwrap();
    let c = s.cart_add(&cart.id, "MUG", 1).unwrap();
    let mug = c.lines[1].id;
    s.cart_line_discount(
        &cart.id,
        mug,
        Some(till_core::totals::Discount::Amount(dec("7.00"))),
    )
    .unwrap();
    let c = s.cart_set_customer(&cart.id, Some(&ann)).unwrap();
    assert_eq!(c.lines[0].unit_price, dec("7.50"), "member price");
    assert_eq!(c.lines[1].unit_price, dec("8.00"), "kept with its discount");
    // Detaching the member gives the regular price back.
    let c = s.cart_set_customer(&cart.id, None).unwrap();
    assert_eq!(c.lines[0].unit_price, dec("10.00"));
    assert_eq!(c.total, dec("11.00"));
}

/// A usage quantity that cannot be read is damage, named where it is, not
/// an internal error (and never a zero that would let the shop past a limit).
#[test]
fn an_unreadable_usage_quantity_is_damage() {
    let (_d, mut s) = shop();
    s.record_usage("api_calls", dec("3"), None).unwrap();
    let c = rusqlite::Connection::open(s.path()).unwrap();
    c.pragma_update(None, "ignore_check_constraints", true)
        .unwrap();
    c.execute("UPDATE usage_records SET quantity = 'three'", [])
        .unwrap();
    let e = s.limit_status("api_calls").unwrap_err();
    assert!(
        matches!(&e, till_core::Error::Damaged(d) if d.table == "usage_records" && d.column == "quantity"),
        "{e:?}"
    );
}
