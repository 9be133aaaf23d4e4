//! How the `till` binary writes for people: dates and times in the store's
//! locale and time zone, money with its currency where it stands alone,
//! statuses and plan features as words; and negative numbers reaching
//! Till's own checks instead of the argument parser. JSON stays the
//! contract: RFC 3339 times, bare decimal strings, snake_case names.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, Utc};
use serde_json::Value;

/// Runs `till --db DB ARGS` with the locale variables given (and no others).
fn till_env(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_till"));
    c.arg("--db").arg(db).args(args);
    for k in ["TILL_DB", "LC_ALL", "LC_TIME", "LANG", "TILL_SYNC_TOKEN"] {
        c.env_remove(k);
    }
    c.envs(env.iter().copied()).stdin(Stdio::null());
    c.output().unwrap()
}

fn till(db: &Path, args: &[&str]) -> Output {
    till_env(db, &[("LANG", "C")], args)
}

fn text(db: &Path, args: &[&str]) -> String {
    let out = till(db, args);
    assert!(
        out.status.success(),
        "till {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    serde_json::from_str(&text(db, &a)).unwrap()
}

/// A new store with one product, made with `init ARGS`.
fn shop(init: &[&str], env: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let mut a = vec!["init", "--json"];
    a.extend_from_slice(init);
    let out = till_env(&db, env, &a);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(
        &db,
        &[
            "product", "add", "--sku", "COF", "--name", "Coffee", "--price", "3.40", "--stock",
            "10",
        ],
    );
    (dir, db)
}

fn sell(db: &Path) -> Value {
    json(db, &["sale", "--item", "COFx2", "--pay", "cash:10"])
}

fn local(rfc3339: &str, zone: chrono_tz::Tz) -> chrono::DateTime<chrono_tz::Tz> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
        .with_timezone(&zone)
}

#[test]
fn the_locale_defaults_to_the_machines_and_is_checked_when_set() {
    let (_d, db) = shop(&[], &[("LANG", "de_DE.UTF-8")]);
    assert_eq!(json(&db, &["settings", "show"])["locale"], "de-DE");
    // LC_ALL, then LC_TIME, then LANG decide, as POSIX has it.
    let (_d2, db2) = shop(&[], &[("LANG", "de_DE.UTF-8"), ("LC_TIME", "fr_FR.UTF-8")]);
    assert_eq!(json(&db2, &["settings", "show"])["locale"], "fr-FR");
    // No usable locale on the machine: English, day first, 24 hours.
    let (_d3, db3) = shop(&[], &[("LANG", "C.UTF-8")]);
    assert_eq!(json(&db3, &["settings", "show"])["locale"], "en-GB");
    let (_d4, db4) = shop(&["--locale", "en-us"], &[("LANG", "de_DE.UTF-8")]);
    assert_eq!(json(&db4, &["settings", "show"])["locale"], "en-US");

    let s = json(&db, &["settings", "set", "--locale", "fr-FR"]);
    assert_eq!(s["locale"], "fr-FR");
    assert!(text(&db, &["settings", "show"]).contains("locale      fr-FR"));
    for (bad, says) in [
        ("German", "not a locale tag"),
        ("de_DE.UTF-8", "not a locale tag"),
        ("xx-YY", "no date formats"),
        ("und", "no date formats"),
    ] {
        let out = till(&db, &["settings", "set", "--locale", bad, "--json"]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let e: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(e["error"]["code"], "invalid_input", "{bad}: {e}");
        let m = e["error"]["message"].as_str().unwrap();
        assert!(m.contains("locale") && m.contains(says), "{bad}: {m}");
    }
    assert_eq!(json(&db, &["settings", "show"])["locale"], "fr-FR");
}

#[test]
fn a_store_from_before_the_setting_follows_the_machine_and_a_bad_one_is_damage() {
    let (_d, db) = shop(&[], &[("LANG", "de_DE.UTF-8")]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("DELETE FROM settings WHERE key = 'locale'", [])
        .unwrap();
    let show = |env: &[(&str, &str)]| {
        let out = till_env(&db, env, &["settings", "show", "--json"]);
        assert!(out.status.success());
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["locale"].clone()
    };
    assert_eq!(show(&[("LANG", "sv_SE.UTF-8")]), "sv-SE");
    assert_eq!(show(&[("LANG", "C")]), "en-GB");

    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('locale', 'Klingon, please')",
        [],
    )
    .unwrap();
    let out = till(&db, &["settings", "show", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(e["error"]["code"], "store_damaged");
    let m = e["error"]["message"].as_str().unwrap();
    assert!(m.contains("locale") && m.contains("Klingon"), "{m}");
}

#[test]
fn receipts_orders_and_history_read_in_the_store_locale_and_time_zone() {
    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let (_d, db) = shop(&["--locale", "de-DE", "--time-zone", "Europe/Berlin"], &[]);
    let r = sell(&db);
    let at = r["created_at"].as_str().unwrap();
    // JSON keeps the contract: RFC 3339 in UTC.
    assert!(at.ends_with('Z') && at.contains('T'), "{at}");
    let german = local(at, berlin).format("%d.%m.%Y, %H:%M").to_string();
    let number = r["number"].as_str().unwrap();
    for args in [
        vec!["order", "show", number],
        vec!["order", "list"],
        vec!["stock", "history", "COF"],
    ] {
        let out = text(&db, &args);
        assert!(out.contains(&german), "{args:?} lacks {german}:\n{out}");
        assert!(!out.contains(at), "{args:?} shows the stored time:\n{out}");
    }

    let new_york: chrono_tz::Tz = "America/New_York".parse().unwrap();
    let (_d2, us) = shop(
        &["--locale", "en-US", "--time-zone", "America/New_York"],
        &[],
    );
    let r = sell(&us);
    let at = r["created_at"].as_str().unwrap();
    let american = local(at, new_york)
        .format("%-m/%-d/%Y, %-I:%M\u{202f}%p")
        .to_string();
    let out = text(&us, &["order", "show", r["number"].as_str().unwrap()]);
    assert!(out.contains(&american), "lacks {american}:\n{out}");
}

#[test]
fn statuses_read_as_words() {
    let (_d, db) = shop(&[], &[]);
    let r = sell(&db);
    let number = r["number"].as_str().unwrap();
    json(&db, &["order", "refund", number, "--item", "COFx1"]);
    assert_eq!(
        json(&db, &["order", "show", number])["status"],
        "partially_refunded"
    );
    for args in [vec!["order", "list"], vec!["order", "show", number]] {
        let out = text(&db, &args);
        assert!(out.contains("partially refunded"), "{args:?}:\n{out}");
        assert!(!out.contains("partially_refunded"), "{args:?}:\n{out}");
    }
}

#[test]
fn money_standing_alone_has_its_currency_and_features_are_words() {
    let (_d, db) = shop(&["--currency", "EUR"], &[]);
    let plan = text(&db, &["plan", "show"]);
    assert!(plan.contains("0.00 EUR per month"), "{plan}");
    assert!(
        plan.contains("Flash sales") && plan.contains("Data export"),
        "{plan}"
    );
    assert!(!plan.contains("flash_sales"), "{plan}");
    assert!(plan.contains("API calls"), "{plan}");
    // JSON keeps the keys, and gives the words beside them.
    let p = json(&db, &["plan", "show"]);
    assert_eq!(p["features"][0], "checkout");
    assert_eq!(p["feature_names"]["api_access"], "API access");
    assert_eq!(p["limit_names"]["storage_gb"], "Storage (GB)");

    assert!(text(&db, &["feature", "check", "flash_sales"]).contains("Flash sales is available"));
    let out = till(&db, &["feature", "check", "advanced_reporting"]);
    assert_eq!(out.status.code(), Some(3));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("Advanced reporting is not in the Free plan")
            && e.contains("29.00 EUR per month"),
        "{e}"
    );
    assert!(text(&db, &["limit", "check", "api_calls"]).starts_with("API calls: 0 used of 1000"));

    let r = sell(&db);
    let refund = text(
        &db,
        &[
            "order",
            "refund",
            r["number"].as_str().unwrap(),
            "--item",
            "COFx1",
        ],
    );
    assert!(refund.contains("3.40 EUR back in cash"), "{refund}");
    let product = text(&db, &["product", "show", "COF"]);
    assert!(product.contains("3.40 EUR"), "{product}");
    let list = text(&db, &["order", "list"]);
    assert!(list.contains("6.80 EUR"), "{list}");
}

/// Numeric flags given "-1": Till's own check answers (exit 2 with its
/// message), or the command works where a negative number makes sense;
/// never the argument parser's "unexpected argument '-1'".
#[test]
fn negative_numbers_reach_tills_own_checks() {
    let (_d, db) = shop(&[], &[]);
    json(
        &db,
        &[
            "bundle", "create", "--name", "B", "--item", "COFx2", "--price", "5",
        ],
    );
    let refused: &[&[&str]] = &[
        &[
            "product", "add", "--sku", "N", "--name", "N", "--price", "-1",
        ],
        &[
            "product", "add", "--sku", "N", "--name", "N", "--price", "1", "--cost", "-1",
        ],
        &[
            "product",
            "add",
            "--sku",
            "N",
            "--name",
            "N",
            "--price",
            "1",
            "--tax-rate",
            "-1",
        ],
        &[
            "product", "add", "--sku", "N", "--name", "N", "--price", "1", "--stock", "-1",
        ],
        &["product", "edit", "COF", "--price", "-1"],
        &["product", "edit", "COF", "--floor", "-1"],
        &["product", "edit", "COF", "--ceiling", "-1"],
        &["order", "list", "--limit", "-1"],
        &["demo", "sales", "--count", "-1"],
        &["demo", "sales", "--count", "1", "--seed", "-1"],
        &["settings", "set", "--default-tax-rate", "-1"],
        &["settings", "set", "--price-ceiling", "-1"],
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "1",
            "--multiplier",
            "-1",
        ],
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "1",
            "--multiplier",
            "1.1",
            "--hysteresis",
            "-1",
        ],
        &[
            "pricing",
            "rule",
            "add",
            "--within-days-of-sell-by",
            "-1",
            "--multiplier",
            "0.9",
        ],
        &[
            "flash",
            "create",
            "--name",
            "F",
            "--sku",
            "COF",
            "--price",
            "-1",
            "--start",
            "2026-01-01T00:00:00Z",
            "--end",
            "2026-01-02T00:00:00Z",
        ],
        &[
            "flash",
            "create",
            "--name",
            "F",
            "--sku",
            "COF",
            "--multiplier",
            "-1",
            "--start",
            "2026-01-01T00:00:00Z",
            "--end",
            "2026-01-02T00:00:00Z",
        ],
        &["bundles", "suggest", "--limit", "-1"],
        &["bundles", "suggest", "--min-support", "-1"],
        &["bundles", "suggest", "--min-confidence", "-1"],
        &[
            "bundles",
            "mine",
            "--min-support",
            "-1",
            "--min-confidence",
            "0.5",
        ],
        &[
            "bundles",
            "mine",
            "--min-support",
            "0.5",
            "--min-confidence",
            "-1",
        ],
        &[
            "bundles",
            "mine",
            "--min-support",
            "0.5",
            "--min-confidence",
            "0.5",
            "--max-len",
            "-1",
        ],
        &["bundles", "companions", "COF", "--limit", "-1"],
        &[
            "bundle", "create", "--name", "C", "--item", "COFx2", "--price", "-1",
        ],
        &[
            "bundle",
            "create",
            "--name",
            "C",
            "--item",
            "COFx2",
            "--percent-off",
            "-1",
        ],
        &["bundle", "edit", "1", "--price", "-1"],
        &["bundle", "show", "-1"],
        &["flash", "cancel", "-1"],
        &["program", "set", "--percent", "-1"],
        &["program", "set", "--amount", "-1"],
        &["program", "set", "--window-days", "-1"],
        &["program", "set", "--return-days", "-1"],
        &[
            "usage",
            "record",
            "--metric",
            "api_calls",
            "--quantity",
            "-1",
        ],
        &["plan", "set", "--billing-day", "-1"],
        &[
            "sale",
            "--item",
            "COF",
            "--pay",
            "cash:10",
            "--discount",
            "-1",
        ],
        &[
            "sync",
            "run",
            "--once",
            "--endpoint",
            "http://127.0.0.1:9",
            "--timeout",
            "-1",
        ],
        &[
            "sync",
            "run",
            "--once",
            "--endpoint",
            "http://127.0.0.1:9",
            "--deadline",
            "-1",
        ],
        &[
            "sync",
            "run",
            "--once",
            "--endpoint",
            "http://127.0.0.1:9",
            "--max-backoff",
            "-1",
        ],
    ];
    for args in refused {
        let mut a = args.to_vec();
        a.push("--json");
        let out = till_env(&db, &[("LANG", "C"), ("TILL_SYNC_TOKEN", "t")], &a);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "till {args:?}: {err}");
        let e: Value =
            serde_json::from_str(&err).unwrap_or_else(|_| panic!("till {args:?}: not JSON: {err}"));
        assert_ne!(e["error"]["code"], "usage", "till {args:?}: {err}");
        assert!(!err.contains("unexpected argument"), "till {args:?}: {err}");
    }
    // Till's own words for the one the issue names.
    let out = till(
        &db,
        &[
            "product", "add", "--sku", "N", "--name", "N", "--price", "-1",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--price") && err.contains("must not be negative"),
        "{err}"
    );

    // Where a negative number means something, it works.
    let level = json(
        &db,
        &["stock", "adjust", "COF", "--by", "-2", "--reason", "damage"],
    );
    assert_eq!(level["on_hand"], 8);
    json(
        &db,
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "5",
            "--amount",
            "-0.50",
        ],
    );
}
