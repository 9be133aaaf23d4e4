//! `till init --demo`: a store that looks lived in, made through the real
//! binary into real store files, and the one default store location that
//! `till` shares with the app.

#[path = "support/cli.rs"]
mod cli_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Timelike, Utc};
use cli_support::{err_json, ok_json};
use serde_json::Value;

/// When the demos below end: a Wednesday afternoon, in Paris.
const AT: &str = "2026-11-25T15:30:00Z";
const TZ: &str = "Europe/Paris";

/// A pro license (it has memberships) signed with the test key, which
/// debug builds trust (tests/support/license-test-key).
fn pro_license(dir: &Path) -> PathBuf {
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/support/license-test-key"
    ))
    .unwrap();
    let key = till_core::plans::license::signing_key(&seed).unwrap();
    let payload = till_core::plans::license::LicensePayload {
        license_id: "demo-pro".into(),
        issued_to: "Till Demo Café".into(),
        store_id: None,
        tier: "pro".into(),
        unlocks: Vec::new(),
        issued_at: "2026-01-01T00:00:00Z".into(),
        expires_at: None,
        grace_days: 14,
    };
    let file = dir.join("pro.json");
    std::fs::write(
        &file,
        till_core::plans::license::sign(&payload, "test", &key),
    )
    .unwrap();
    file
}

fn demo(db: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["init", "--demo", "--at", AT, "--time-zone", TZ];
    args.extend_from_slice(extra);
    ok_json(db, &args)
}

fn list(db: &Path, args: &[&str]) -> Vec<Value> {
    ok_json(db, args).as_array().cloned().unwrap()
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

/// Counts of a field's values.
fn tally(rows: &[Value], field: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in rows {
        *out.entry(r[field].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    out
}

#[test]
fn the_demo_store_has_history_rules_offers_referrals_and_members() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let license = pro_license(dir.path());
    let made = demo(
        &db,
        &["--seed", "7", "--license", license.to_str().unwrap()],
    );
    assert!(made["products"].as_u64().unwrap() >= 20, "{made}");

    // Weeks of sales through opening hours, the last of them today.
    let at: DateTime<Utc> = AT.parse().unwrap();
    let tz = till_core::settings::parse_time_zone(TZ).unwrap();
    let orders = list(&db, &["order", "list", "--limit", "100000"]);
    assert!(orders.len() >= 200, "{} orders", orders.len());
    let local: Vec<_> = orders
        .iter()
        .map(|o| time(&o["created_at"]).with_timezone(&tz))
        .collect();
    let days: BTreeSet<_> = local.iter().map(|t| t.date_naive()).collect();
    let hours: BTreeSet<_> = local.iter().map(|t| t.hour()).collect();
    assert!(days.len() >= 21, "sales on {} days", days.len());
    assert!(hours.len() >= 8, "sales in hours {hours:?}");
    assert!(local.iter().all(|t| *t < at), "a sale after the demo's end");
    let today = at.with_timezone(&tz).date_naive();
    assert!(
        local.iter().filter(|t| t.date_naive() == today).count() >= 3,
        "no sales on the demo's last day"
    );
    // A few refunds, whole and part.
    let statuses = tally(&orders, "status");
    assert!(
        statuses.get("refunded").copied().unwrap_or(0) >= 1,
        "{statuses:?}"
    );
    assert!(
        statuses.get("partially_refunded").copied().unwrap_or(0) >= 1,
        "{statuses:?}"
    );

    // A stock rule and a sell-by rule, each moving a price now.
    let rules = list(&db, &["pricing", "rule", "list"]);
    let kinds: BTreeSet<_> = rules
        .iter()
        .map(|r| r["condition"]["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(
        kinds.contains("stock_below") && kinds.contains("within_days_of_sell_by"),
        "{kinds:?}"
    );
    let sources: BTreeSet<String> = ["BEANS-E", "CHOC"]
        .iter()
        .flat_map(|sku| {
            let q = ok_json(&db, &["price", "show", sku, "--at", AT]);
            assert_ne!(q["price"], q["base_price"], "{q}");
            q["adjustments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["source"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        sources.contains("stock_rule") && sources.contains("sell_by_rule"),
        "{sources:?}"
    );

    // A weekly happy hour.
    let flash = list(&db, &["flash", "list"]);
    assert_eq!(flash.len(), 1, "{flash:?}");
    assert_eq!(flash[0]["weekly"], true);

    // Two bundles approved from the shop's own baskets, live now.
    let bundles = list(&db, &["bundle", "list"]);
    assert_eq!(bundles.len(), 2, "{bundles:?}");
    for b in &bundles {
        assert_eq!(b["active"], true, "{b}");
        assert_eq!(b["live"], true, "{b}");
    }

    // Referrers, with commissions in every state.
    let referrers = list(&db, &["referral", "list"]);
    assert!(referrers.len() >= 2, "{referrers:?}");
    let commissions = tally(&list(&db, &["commission", "list"]), "status");
    for status in ["pending", "approved", "paid", "reversed"] {
        assert!(
            commissions.contains_key(status),
            "no {status} commission: {commissions:?}"
        );
    }

    // A coffee club with members.
    let tiers = list(&db, &["membership", "tier", "list"]);
    assert_eq!(tiers.len(), 1, "{tiers:?}");
    let members = list(&db, &["customer", "list"])
        .iter()
        .filter(|c| {
            let m = ok_json(&db, &["membership", "show", c["id"].as_str().unwrap()]);
            !m.is_null() && m["tier_id"] == tiers[0]["id"]
        })
        .count();
    assert!(members >= 2, "{members} members");
    assert_eq!(made["demo"]["members"], members);

    // And nothing in it that Till would not have written.
    let doctor = ok_json(&db, &["doctor"]);
    assert_eq!(doctor["integrity"], "ok");
    for list in ["stock_drift", "damaged", "code_clashes"] {
        assert_eq!(doctor[list], serde_json::json!([]), "{doctor}");
    }
}

/// What two demo stores should agree on: everything but ids, the device's
/// receipt prefix and the store's own identity.
fn fingerprint(db: &Path) -> Value {
    let strip = |mut rows: Vec<Value>, fields: &[&str]| {
        for r in &mut rows {
            for f in fields {
                r.as_object_mut().unwrap().remove(*f);
            }
        }
        rows
    };
    let orders: Vec<Value> = strip(list(db, &["order", "list", "--limit", "100000"]), &["id"])
        .into_iter()
        .map(|mut o| {
            let n = o["number"].as_str().unwrap();
            o["number"] = n.split_once('-').unwrap().1.into();
            o
        })
        .collect();
    serde_json::json!({
        "orders": orders,
        "commissions": strip(
            list(db, &["commission", "list"]),
            &["id", "referrer_id", "order_id", "refund_id", "reverses", "customer_id", "code", "payout_id", "order_number"],
        ),
        "bundles": strip(list(db, &["bundle", "list"]), &[]),
        "customers": strip(list(db, &["customer", "list"]), &["id", "referred_by", "referral_code"]),
        "stock": list(db, &["product", "list"]),
    })
}

#[test]
fn the_same_seed_makes_the_same_shop_and_another_seed_another() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.db"),
        dir.path().join("b.db"),
        dir.path().join("c.db"),
    );
    let report_a = demo(&a, &[]);
    let report_b = demo(&b, &["--seed", "42"]);
    demo(&c, &["--seed", "43"]);
    assert_eq!(report_a["demo"], report_b["demo"]);
    assert_eq!(report_a["demo"]["seed"], 42);
    assert_eq!(fingerprint(&a), fingerprint(&b));
    assert_ne!(fingerprint(&a)["orders"], fingerprint(&c)["orders"]);
    // Without a license with memberships there is no club, and the demo
    // says why.
    assert_eq!(report_a["demo"]["members"], 0);
    let notes = report_a["demo"]["notes"].to_string();
    assert!(notes.contains("memberships"), "{notes}");
    assert_eq!(ok_json(&a, &["doctor"])["integrity"], "ok");
}

#[test]
fn a_demo_that_cannot_be_made_leaves_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let e = err_json(&db, &["init", "--demo", "--seed", "seven"], 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("--seed"),
        "{e}"
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{}").unwrap();
    let e = err_json(
        &db,
        &["init", "--demo", "--license", bad.to_str().unwrap()],
        2,
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("license"),
        "{e}"
    );
    let e = err_json(&db, &["init", "--demo", "--at", "1970-01-03T00:00:00Z"], 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("--at"),
        "{e}"
    );
    assert!(!db.exists(), "a store was left behind");
    // The catalog alone, for tests and benchmarks that want a quiet shop.
    let r = ok_json(&db, &["init", "--demo", "--catalog-only"]);
    assert!(r["products"].as_u64().unwrap() >= 20);
    assert!(r["demo"].is_null());
    assert_eq!(cli_support::count(&db, "orders"), 0);
}

/// `till` with no --db, in a home of its own.
fn till_at_home(home: &Path, till_db: Option<&Path>, args: &[&str]) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_till"));
    cmd.args(args)
        .arg("--json")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("TILL_DB");
    if let Some(p) = till_db {
        cmd.env("TILL_DB", p);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn without_db_till_uses_the_one_default_store() {
    let home = tempfile::tempdir().unwrap();
    let expected =
        till_core::input::store_path::resolve(None, Some(home.path().join("data"))).unwrap();
    assert_eq!(expected, home.path().join("data/till/till.db"));
    let made = till_at_home(home.path(), None, &["init", "--demo", "--catalog-only"]);
    assert_eq!(made["path"], expected.display().to_string());
    assert!(expected.exists());
    // Later commands find the same store.
    let products = till_at_home(home.path(), None, &["product", "list"]);
    assert_eq!(
        products.as_array().unwrap().len() as u64,
        made["products"].as_u64().unwrap()
    );
    // TILL_DB names another.
    let other = home.path().join("elsewhere.db");
    let made = till_at_home(home.path(), Some(&other), &["init"]);
    assert_eq!(made["path"], other.display().to_string());
    assert!(other.exists());
}
