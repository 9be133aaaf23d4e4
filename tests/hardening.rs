//! Attacks and careless input through the real `till` binary: times that
//! cannot be stored, rows that cannot be read, idempotency keys reused,
//! scan codes that would name two products, files that are not Till
//! stores, text without bounds, sync runs that leave dead letters.

#[path = "support/cli.rs"]
mod cli_support;

use std::path::Path;

use cli_support::{count, err_json, ok_json, till, Shop};
use serde_json::Value;

fn demo() -> Shop {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok_json(&db, &["init", "--demo", "--catalog-only"]);
    Shop { _dir: dir, db }
}

fn sql(db: &Path, statement: &str) {
    rusqlite::Connection::open(db)
        .unwrap()
        .execute_batch(statement)
        .unwrap();
}

fn stderr_of(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = till(db, args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const YEAR_10000: &str = "9999-12-31T23:00:00-23:59";
const YEAR_0: &str = "0000-01-01T00:00:00+01:00";

#[test]
fn times_outside_1970_to_9999_are_refused_before_anything_is_written() {
    let s = demo();
    for (start, end) in [
        (YEAR_10000, "9999-12-31T23:59:59-23:59"),
        (YEAR_0, "2026-01-01T00:00:00Z"),
    ] {
        let e = err_json(
            &s.db,
            &[
                "flash",
                "create",
                "--name",
                "f",
                "--sku",
                "CAP",
                "--multiplier",
                "0.5",
                "--start",
                start,
                "--end",
                end,
            ],
            2,
        );
        let m = e["error"]["message"].as_str().unwrap();
        assert!(m.contains("--start") && m.contains("1970 to 9999"), "{m}");
    }
    assert_eq!(count(&s.db, "flash_sales"), 0, "nothing was written");
    let e = err_json(
        &s.db,
        &[
            "bundle", "create", "--name", "b", "--item", "CAP", "--item", "MUF", "--until",
            YEAR_10000,
        ],
        2,
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("--until"));
    assert_eq!(count(&s.db, "bundles"), 0);
    let e = err_json(
        &s.db,
        &[
            "usage",
            "record",
            "--metric",
            "api_calls",
            "--quantity",
            "1",
            "--at",
            YEAR_10000,
        ],
        2,
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("--at"));
    assert_eq!(count(&s.db, "usage_records"), 0);
    err_json(
        &s.db,
        &["product", "edit", "MUF", "--sell-by", "0000-01-01"],
        2,
    );
    // Selling, pricing and the lists carry on.
    ok_json(&s.db, &["sale", "--item", "CAP", "--pay", "cash:5"]);
    ok_json(&s.db, &["price", "show", "CAP"]);
    ok_json(&s.db, &["flash", "list"]);
}

/// Writes rows no Till would write, as a faulty build or a hand edit might.
fn damage(db: &Path) {
    sql(
        db,
        "INSERT INTO flash_sales (id, name, effect, value, starts_at, ends_at, weekly, time_zone, created_at, updated_at)
             VALUES (7, 'bad', 'multiplier', '0.5', '+10000-01-01T22:59:00.000Z', '+10000-01-01T23:58:59.000Z', 0, 'UTC', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
         INSERT INTO flash_sale_targets VALUES (7, 'sku', 'CAP');
         INSERT INTO flash_sales (id, name, effect, value, starts_at, ends_at, weekly, time_zone, created_at, updated_at)
             VALUES (8, 'good', 'multiplier', '0.5', '2026-01-01T00:00:00.000Z', '9999-01-01T00:00:00.000Z', 0, 'UTC', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
         INSERT INTO flash_sale_targets VALUES (8, 'sku', 'ESP');
         INSERT INTO pricing_rules (id, position, condition, threshold, effect, value, scope, hysteresis, created_at)
             VALUES (4, 1, 'stock_below', 1000, 'multiplier', 'lots', 'all', 0, '2026-01-01T00:00:00Z');
         INSERT INTO bundles (id, name, percent_off, valid_until, created_at, updated_at)
             VALUES (5, 'bad bundle', '50', '+10000-01-01T00:00:00.000Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
         INSERT INTO bundle_items VALUES (5, 2, 1), (5, 3, 1);",
    );
}

#[test]
fn one_unreadable_row_never_stops_a_sale_and_can_be_removed() {
    let s = demo();
    damage(&s.db);
    // Sales and prices go on without the damaged rows; the good sale applies.
    let r = ok_json(
        &s.db,
        &["sale", "--item", "CAP", "--item", "ESP", "--pay", "cash:20"],
    );
    let cap = &r["lines"][0];
    assert_eq!(
        cap["unit_price"], "3.40",
        "no damaged flash sale, rule or bundle: {r}"
    );
    assert!(r["bundles"].as_array().unwrap().is_empty());
    let esp = ok_json(&s.db, &["price", "show", "ESP"]);
    assert!(esp["note"].as_str().unwrap().contains("good"), "{esp}");
    // Each list says what it left out, with the way out.
    let (code, stdout, stderr) = stderr_of(&s.db, &["flash", "list"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("good"));
    assert!(
        stderr.contains("flash sale 7 cannot be read") && stderr.contains("till flash delete 7"),
        "{stderr}"
    );
    let out = till(&s.db, &["flash", "list", "--json"]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "stdout keeps its shape");
    let warning: Value = serde_json::from_slice(
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .next()
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(warning["warning"]["damage"]["table"], "flash_sales");
    assert_eq!(warning["warning"]["damage"]["row"], "7");
    let (_, _, stderr) = stderr_of(&s.db, &["pricing", "rule", "list"]);
    assert!(stderr.contains("pricing rule 4 cannot be read"), "{stderr}");
    let (_, _, stderr) = stderr_of(&s.db, &["bundle", "list"]);
    assert!(stderr.contains("bundle 5 cannot be read"), "{stderr}");
    // The doctor lists each, with table and row, and exits non-zero.
    let e = err_json(&s.db, &["doctor"], 2);
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("failed its checks"));
    let out = till(&s.db, &["doctor", "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let places: Vec<(String, String, String)> = report["damaged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["table"].as_str().unwrap().to_string(),
                d["row"].as_str().unwrap().to_string(),
                d["column"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [
        ("flash_sales", "7", "starts_at"),
        ("flash_sales", "7", "ends_at"),
        ("pricing_rules", "4", "value"),
        ("bundles", "5", "valid_until"),
    ] {
        assert!(
            places.contains(&(want.0.into(), want.1.into(), want.2.into())),
            "{want:?} not in {places:?}"
        );
    }
    // Each can still be cancelled or removed; then the store is healthy.
    let c = ok_json(&s.db, &["flash", "cancel", "7"]);
    assert_eq!(c["status"], "cancelled");
    ok_json(&s.db, &["flash", "delete", "7"]);
    ok_json(&s.db, &["pricing", "rule", "remove", "4"]);
    let b = ok_json(&s.db, &["bundle", "edit", "5", "--active", "false"]);
    assert_eq!(b["active"], false);
    sql(&s.db, "UPDATE bundles SET valid_until = NULL WHERE id = 5");
    ok_json(&s.db, &["flash", "cancel", "8"]);
    ok_json(&s.db, &["doctor"]);
}

#[test]
fn unreadable_money_refuses_instead_of_guessing() {
    let s = demo();
    let r = ok_json(&s.db, &["sale", "--item", "MUFx2", "--pay", "cash:10"]);
    let number = r["number"].as_str().unwrap().to_string();
    // A hand edit in a spreadsheet's way of writing decimals, and a tender
    // no Till knows (past the schema's own check).
    sql(&s.db, "UPDATE payments SET amount = '10,00'");
    let refunds = count(&s.db, "refunds");
    let e = err_json(&s.db, &["order", "refund", &number], 1);
    assert_eq!(e["error"]["code"], "store_damaged");
    let m = e["error"]["message"].as_str().unwrap();
    assert!(
        m.contains("payments") && m.contains("amount") && m.contains("10,00"),
        "{m}"
    );
    assert_eq!(count(&s.db, "refunds"), refunds, "nothing written");
    sql(
        &s.db,
        "PRAGMA ignore_check_constraints = ON; UPDATE payments SET amount = '10.00', method = 'cheque'",
    );
    let e = err_json(&s.db, &["order", "refund", &number], 1);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("cheque"),
        "{e}"
    );
    assert_eq!(count(&s.db, "refunds"), refunds, "nothing written");
    // The same for a setting the whole store depends on: the doctor still
    // reads the store and names the setting.
    sql(
        &s.db,
        "UPDATE settings SET value = 'sometimes' WHERE key = 'allow_negative_stock'",
    );
    let e = err_json(&s.db, &["product", "list"], 1);
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("allow_negative_stock"));
    let out = till(&s.db, &["doctor", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = report["damaged"].to_string();
    assert!(
        text.contains("allow_negative_stock") && text.contains("cheque"),
        "{text}"
    );
}

#[test]
fn a_retried_refund_returns_the_first_and_a_reused_key_is_refused() {
    let s = demo();
    let a = ok_json(&s.db, &["sale", "--item", "MUFx2", "--pay", "cash:10"]);
    let b = ok_json(&s.db, &["sale", "--item", "MUF", "--pay", "cash:10"]);
    let (a, b) = (a["number"].as_str().unwrap(), b["number"].as_str().unwrap());
    let first = ok_json(
        &s.db,
        &["order", "refund", a, "--item", "MUFx2", "--key", "R2"],
    );
    let again = ok_json(
        &s.db,
        &["order", "refund", a, "--item", "MUFx2", "--key", "R2"],
    );
    assert_eq!(first, again, "the retry returns the first refund");
    assert_eq!(count(&s.db, "refunds"), 1, "and changes nothing");
    // The same key for another order, or other items, is refused.
    let e = err_json(&s.db, &["order", "refund", b, "--key", "R2"], 2);
    assert_eq!(e["error"]["code"], "key_reused");
    let e = err_json(
        &s.db,
        &["order", "refund", a, "--item", "MUF", "--key", "R2"],
        2,
    );
    assert_eq!(e["error"]["code"], "key_reused");
    assert_eq!(count(&s.db, "refunds"), 1);
    let order_b = ok_json(&s.db, &["order", "show", b]);
    assert_eq!(
        order_b["status"], "completed",
        "the other order was not refunded"
    );
    // A barcode names the same product as its SKU: the same request.
    ok_json(
        &s.db,
        &[
            "order",
            "refund",
            a,
            "--item",
            "2000000000091x2",
            "--key",
            "R2",
        ],
    );
}

#[test]
fn a_sale_key_stands_for_one_basket() {
    let s = demo();
    let first = ok_json(
        &s.db,
        &["sale", "--item", "CAP", "--pay", "cash:5", "--key", "K1"],
    );
    let again = ok_json(
        &s.db,
        &[
            "sale",
            "--item",
            "2000000000022",
            "--pay",
            "cash:5",
            "--key",
            "K1",
        ],
    );
    assert_eq!(first["number"], again["number"]);
    let e = err_json(
        &s.db,
        &["sale", "--item", "ESPx3", "--pay", "cash:20", "--key", "K1"],
        2,
    );
    assert_eq!(e["error"]["code"], "key_reused");
    assert_eq!(count(&s.db, "orders"), 1);
}

#[test]
fn a_code_names_one_product_on_add_and_edit() {
    let s = demo();
    // Cappuccino's barcode as a new SKU, and its SKU as a barcode.
    let e = err_json(
        &s.db,
        &[
            "product",
            "add",
            "--sku",
            "2000000000022",
            "--name",
            "Hijack",
            "--price",
            "50",
        ],
        2,
    );
    let m = e["error"]["message"].as_str().unwrap();
    assert!(m.contains("barcode of CAP"), "{m}");
    let e = err_json(
        &s.db,
        &[
            "product",
            "add",
            "--sku",
            "NEW",
            "--name",
            "New",
            "--price",
            "1",
            "--barcode",
            "CAP",
        ],
        2,
    );
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("SKU of CAP"));
    let e = err_json(&s.db, &["product", "edit", "MUF", "--barcode", "CAP"], 2);
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("SKU of CAP"));
    let e = err_json(
        &s.db,
        &["product", "edit", "MUF", "--barcode", "2000000000022"],
        2,
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("CAP"));
    // The scan still sells the cappuccino, at its price.
    let r = ok_json(
        &s.db,
        &["sale", "--item", "2000000000022", "--pay", "cash:5"],
    );
    assert_eq!(r["lines"][0]["sku"], "CAP");
    assert_eq!(r["lines"][0]["unit_price"], "3.40");
    // A product's own SKU as its barcode is fine; editing other fields of
    // a product keeps working.
    ok_json(
        &s.db,
        &[
            "product",
            "add",
            "--sku",
            "X1",
            "--name",
            "X",
            "--price",
            "1",
            "--barcode",
            "X1",
        ],
    );
    ok_json(&s.db, &["product", "edit", "X1", "--price", "2"]);
    // The store itself refuses a clash, whoever writes it.
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let e = conn
        .execute("UPDATE products SET barcode = 'CAP' WHERE sku = 'MUF'", [])
        .unwrap_err();
    assert!(e.to_string().contains("one product"), "{e}");
}

#[test]
fn files_that_are_not_till_stores_are_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine');",
        )
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let e = err_json(&path, &["init"], 2);
    assert_eq!(e["error"]["code"], "not_a_till_store");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not a Till store"));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "init changed the file"
    );
    // A foreign file whose user_version happens to look like Till's.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 3")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    for args in [
        &["product", "list"][..],
        &["doctor"][..],
        &["sale", "--item", "X", "--pay", "cash:1"][..],
    ] {
        let e = err_json(&path, args, 2);
        assert_eq!(e["error"]["code"], "not_a_till_store", "{args:?}");
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "a command changed the file"
    );
    assert!(!dir.path().join("other.db-wal").exists(), "switched to WAL");
    // Till's own stores carry its application id.
    let s = demo();
    let id: i32 = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, 0x5449_4C4C);
}

#[test]
fn text_has_limits() {
    let s = demo();
    let long = "x".repeat(100_000);
    let e = err_json(
        &s.db,
        &[
            "product", "add", "--sku", "L", "--name", &long, "--price", "1",
        ],
        2,
    );
    let m = e["error"]["message"].as_str().unwrap();
    assert!(m.contains("name") && m.contains("at most 200"), "{m}");
    err_json(&s.db, &["product", "edit", "CAP", "--name", &long], 2);
    err_json(&s.db, &["product", "edit", "CAP", "--category", &long], 2);
    err_json(
        &s.db,
        &[
            "stock", "adjust", "CAP", "--by", "1", "--reason", "restock", "--note", &long,
        ],
        2,
    );
    err_json(
        &s.db,
        &["customer", "add", "--name", "Ann", "--notes", &long],
        2,
    );
    err_json(
        &s.db,
        &[
            "sale",
            "--item",
            "CAP",
            "--pay",
            &format!("card:3.40:{long}"),
        ],
        2,
    );
    err_json(
        &s.db,
        &["sale", "--item", "CAP", "--pay", "cash:5", "--key", &long],
        2,
    );
    err_json(
        &s.db,
        &["--user", &long, "sale", "--item", "CAP", "--pay", "cash:5"],
        2,
    );
    assert_eq!(count(&s.db, "orders"), 0);
    assert_eq!(count(&s.db, "customers"), 0);
    let name: String = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row("SELECT name FROM products WHERE sku = 'CAP'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "Cappuccino");
}

#[test]
fn sync_login_without_a_keyring_takes_the_token_from_the_environment() {
    let s = demo();
    // No keyring here: no session bus, and no kernel session keyring.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["--db"])
        .arg(&s.db)
        .args([
            "sync",
            "login",
            "--endpoint",
            "http://127.0.0.1:9",
            "--json",
        ])
        .env("TILL_SYNC_TOKEN", "tok-123")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stored"], "environment");
    let st = ok_json(&s.db, &["sync", "status"]);
    assert_eq!(st["endpoint"], "http://127.0.0.1:9");
    // Without the variable and without a keyring, nothing is saved.
    let s2 = demo();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_till"))
        .arg("--db")
        .arg(&s2.db)
        .args(["sync", "login", "--endpoint", "http://127.0.0.1:9"])
        .env_remove("TILL_SYNC_TOKEN")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(ok_json(&s2.db, &["sync", "status"])["endpoint"].is_null());
}
