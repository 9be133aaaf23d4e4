//! The `till` binary against real store files: the CLI contract (commands,
//! JSON keys, money as strings, exit codes) and bad input.

use std::path::Path;

#[path = "support/cli.rs"]
mod cli_support;
use cli_support::{count, err_json, ok_json, shop, till};

#[test]
fn three_line_cash_sale_with_change() {
    let s = shop();
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "COF", "--name", "Coffee", "--price", "3.40", "--stock",
            "10",
        ],
    );
    ok_json(
        &s.db,
        &[
            "product",
            "add",
            "--sku",
            "MUF",
            "--name",
            "Muffin",
            "--price",
            "2.90",
            "--stock",
            "5",
            "--barcode",
            "2000000000091",
        ],
    );
    ok_json(
        &s.db,
        &[
            "product",
            "add",
            "--sku",
            "WAT",
            "--name",
            "Water",
            "--price",
            "1.50",
            "--stock",
            "20",
            "--tax-rate",
            "10",
        ],
    );
    let r = ok_json(
        &s.db,
        &[
            "sale",
            "--item",
            "COFx2",
            "--item",
            "2000000000091",
            "--item",
            "WATx3",
            "--pay",
            "cash:20",
        ],
    );
    for key in [
        "id", "number", "lines", "subtotal", "discount", "tax", "total", "paid", "change",
    ] {
        assert!(r.get(key).is_some(), "missing {key} in {r}");
    }
    assert_eq!(r["lines"][0]["sku"], "COF");
    assert_eq!(r["lines"][0]["qty"], 2);
    assert_eq!(r["lines"][0]["unit_price"], "3.40");
    assert_eq!(r["lines"][0]["total"], "6.80");
    assert_eq!(r["lines"][1]["sku"], "MUF");
    assert_eq!(r["subtotal"], "14.20");
    assert_eq!(r["discount"], "0.00");
    assert_eq!(r["tax"], "0.45");
    assert_eq!(r["total"], "14.65");
    assert_eq!(r["paid"], "20.00");
    assert_eq!(r["change"], "5.35");
    assert_eq!(
        ok_json(&s.db, &["stock", "show", "COF"]),
        serde_json::json!({"sku": "COF", "on_hand": 8})
    );
    assert_eq!(ok_json(&s.db, &["stock", "show", "WAT"])["on_hand"], 17);

    let shown = ok_json(&s.db, &["order", "show", r["number"].as_str().unwrap()]);
    assert_eq!(shown["id"], r["id"]);
    let list = ok_json(&s.db, &["order", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Human output names the change too.
    let out = till(&s.db, &["order", "show", r["id"].as_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("5.35"));
}

#[test]
fn refunds_through_the_cli() {
    let s = shop();
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "A", "--name", "A", "--price", "5.00", "--stock", "10",
        ],
    );
    let r = ok_json(
        &s.db,
        &["sale", "--item", "Ax4", "--pay", "card:20.00:T123"],
    );
    let id = r["id"].as_str().unwrap();
    let f = ok_json(&s.db, &["order", "refund", id, "--item", "Ax1"]);
    assert_eq!(f["amount"], "5.00");
    assert_eq!(f["method"], "card");
    assert_eq!(ok_json(&s.db, &["stock", "show", "A"])["on_hand"], 7);
    let e = err_json(&s.db, &["order", "refund", id, "--item", "Ax4"], 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("only 3"),
        "{e}"
    );
    ok_json(&s.db, &["order", "refund", id]);
    assert_eq!(ok_json(&s.db, &["stock", "show", "A"])["on_hand"], 10);
    assert_eq!(ok_json(&s.db, &["order", "show", id])["status"], "refunded");
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let s = shop();
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "A", "--name", "A", "--price", "5.00", "--stock", "3",
        ],
    );
    let before = (
        count(&s.db, "orders"),
        count(&s.db, "stock_movements"),
        count(&s.db, "products"),
        count(&s.db, "outbox"),
    );
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["sale", "--item", "NOPE", "--pay", "cash:10"],
            "unknown_product",
            "NOPE",
        ),
        (
            &["sale", "--item", "Ax0", "--pay", "cash:10"],
            "invalid_input",
            "at least 1",
        ),
        (
            &["sale", "--item", "Ax-2", "--pay", "cash:10"],
            "invalid_input",
            "at least 1",
        ),
        (
            &["sale", "--item", "Ax4", "--pay", "cash:100"],
            "insufficient_stock",
            "3 on hand",
        ),
        (
            &["sale", "--item", "A", "--pay", "cash:4.99"],
            "payment_short",
            "0.01 still due",
        ),
        (
            &["sale", "--item", "A", "--pay", "cash:abc"],
            "invalid_input",
            "not a number",
        ),
        (
            &["sale", "--item", "A", "--pay", "cash:5.001"],
            "invalid_input",
            "more decimals",
        ),
        (
            &["sale", "--item", "A", "--pay", "bitcoin:5"],
            "invalid_input",
            "neither cash nor card",
        ),
        (
            &[
                "product", "add", "--sku", "B", "--name", "B", "--price", "1.999",
            ],
            "invalid_input",
            "more decimals",
        ),
        (
            &[
                "product", "add", "--sku", "B", "--name", "B", "--price", "ten",
            ],
            "invalid_input",
            "not a number",
        ),
        (
            &[
                "product", "add", "--sku", "A", "--name", "again", "--price", "1",
            ],
            "conflict",
            "already exists",
        ),
        (
            &["stock", "adjust", "A", "--by", "-9", "--reason", "damage"],
            "insufficient_stock",
            "3 on hand",
        ),
        (
            &["stock", "adjust", "A", "--by", "x", "--reason", "restock"],
            "invalid_input",
            "whole number",
        ),
        (
            &["stock", "adjust", "A", "--by", "2", "--reason", "theft"],
            "invalid_input",
            "restock",
        ),
        (&["order", "show", "nope"], "not_found", "nope"),
        (
            &["price", "show", "A", "--at", "yesterday"],
            "invalid_input",
            "RFC 3339",
        ),
        (
            &["order", "list", "--limit", "0"],
            "invalid_input",
            "at least 1",
        ),
    ];
    for (args, code, words) in cases {
        let e = err_json(&s.db, args, 2);
        assert_eq!(e["error"]["code"], *code, "{args:?}: {e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(words),
            "{args:?}: {e}"
        );
    }
    assert_eq!(
        before,
        (
            count(&s.db, "orders"),
            count(&s.db, "stock_movements"),
            count(&s.db, "products"),
            count(&s.db, "outbox")
        )
    );

    // Usage errors are exit 2 too, with a JSON error under --json.
    let e = err_json(&s.db, &["sale", "--pay", "cash:1"], 2);
    assert_eq!(e["error"]["code"], "usage");
    // Plain-text errors go to stderr.
    let out = till(&s.db, &["sale", "--item", "NOPE", "--pay", "cash:1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown product \"NOPE\""));
    assert!(out.stdout.is_empty());
}

#[test]
fn unusable_store_files_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
    let e = err_json(&junk, &["product", "list"], 2);
    assert_eq!(e["error"]["code"], "store_unusable");
    assert_eq!(
        std::fs::read(&junk).unwrap(),
        vec![b'x'; 4096],
        "the corrupt file was changed"
    );
    let e = err_json(&dir.path().join("none.db"), &["product", "list"], 2);
    assert_eq!(e["error"]["code"], "no_store");
    // A folder that cannot hold a database.
    let e = err_json(Path::new("/proc/till/shop.db"), &["init"], 2);
    assert_eq!(e["error"]["code"], "store_unusable", "{e}");
}

#[test]
fn tax_defaults_and_price_show() {
    let s = shop();
    let p = ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "A", "--name", "A", "--price", "4.5",
        ],
    );
    assert_eq!(p["tax_rate"], "0", "no tax unless asked for");
    assert_eq!(p["price"], "4.50");
    let q = ok_json(
        &s.db,
        &["price", "show", "A", "--at", "2026-11-25T12:00:00Z"],
    );
    assert_eq!(q["sku"], "A");
    assert_eq!(q["base_price"], "4.50");
    assert_eq!(q["price"], "4.50");
    assert_eq!(q["on_hand"], 0);
    assert!(q["adjustments"].as_array().unwrap().is_empty());
    ok_json(&s.db, &["settings", "set", "--default-tax-rate", "20"]);
    let p = ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "B", "--name", "B", "--price", "1",
        ],
    );
    assert_eq!(p["tax_rate"], "20");
}

#[test]
fn init_demo_and_demo_sales() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let r = ok_json(
        &db,
        &["init", "--demo", "--catalog-only", "--currency", "GBP"],
    );
    assert!(r["products"].as_u64().unwrap() >= 20);
    let e = err_json(&db, &["init"], 2);
    assert_eq!(e["error"]["code"], "conflict");
    let d = ok_json(&db, &["demo", "sales", "--count", "200", "--seed", "7"]);
    assert_eq!(d["orders"], 200);
    assert_eq!(count(&db, "orders"), 200);
    let list = ok_json(&db, &["order", "list", "--limit", "5"]);
    assert_eq!(list.as_array().unwrap().len(), 5);
    let doctor = ok_json(&db, &["doctor"]);
    assert_eq!(doctor["integrity"], "ok");
    assert!(doctor["stock_drift"].as_array().unwrap().is_empty());
    let e = err_json(&db, &["init", "--currency", "XYZ"], 2);
    assert!(e["error"]["message"].as_str().unwrap().contains("ISO 4217"));
}

#[test]
fn order_list_filters_by_time_oldest_first() {
    let s = shop();
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "A", "--name", "A", "--price", "1.00", "--stock", "10",
        ],
    );
    for _ in 0..3 {
        ok_json(&s.db, &["sale", "--item", "A", "--pay", "cash:1"]);
    }
    let all = ok_json(&s.db, &["order", "list"]);
    let times: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["created_at"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let none = ok_json(&s.db, &["order", "list", "--to", "2000-01-01T00:00:00Z"]);
    assert!(none.as_array().unwrap().is_empty());
    let some = ok_json(&s.db, &["order", "list", "--from", times[1]]);
    assert_eq!(some.as_array().unwrap().len(), 2);
}

#[test]
fn pricing_scenario_through_the_cli() {
    let s = shop();
    ok_json(
        &s.db,
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "10",
            "--multiplier",
            "1.15",
        ],
    );
    ok_json(
        &s.db,
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-above",
            "100",
            "--multiplier",
            "0.95",
        ],
    );
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "prod_A", "--name", "A", "--price", "50.00", "--stock", "50",
        ],
    );
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "prod_B", "--name", "B", "--price", "120.00", "--stock",
            "150",
        ],
    );
    let price = |sku: &str| {
        ok_json(&s.db, &["price", "show", sku])["price"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(price("prod_B"), "114.00");
    ok_json(
        &s.db,
        &["sale", "--item", "prod_Ax45", "--pay", "card:2250.00"],
    );
    assert_eq!(ok_json(&s.db, &["stock", "show", "prod_A"])["on_hand"], 5);
    assert_eq!(price("prod_A"), "57.50");
    let q = ok_json(&s.db, &["price", "show", "prod_A"]);
    assert_eq!(q["adjustments"][0]["source"], "stock_rule");
    assert_eq!(q["adjustments"][0]["effect"], "7.50");
    ok_json(
        &s.db,
        &["sale", "--item", "prod_Bx60", "--pay", "card:6840.00"],
    );
    assert_eq!(price("prod_B"), "120.00");
    ok_json(
        &s.db,
        &[
            "stock", "adjust", "prod_A", "--by", "20", "--reason", "restock",
        ],
    );
    assert_eq!(price("prod_A"), "50.00");
    let f = ok_json(
        &s.db,
        &[
            "flash",
            "create",
            "--name",
            "Flash",
            "--sku",
            "prod_A",
            "--sku",
            "prod_B",
            "--multiplier",
            "0.75",
            "--start",
            "2000-01-01T00:00:00Z",
            "--end",
            "2100-01-01T00:00:00Z",
        ],
    );
    assert_eq!(f["status"], "active");
    assert_eq!(price("prod_B"), "90.00");
    assert_eq!(price("prod_A"), "37.50");
    let list = ok_json(&s.db, &["flash", "list", "--at", "1999-01-01T00:00:00Z"]);
    assert_eq!(list[0]["status"], "upcoming");
    let id = f["id"].to_string();
    ok_json(&s.db, &["flash", "cancel", &id]);
    assert_eq!(price("prod_B"), "120.00");
    let rules = ok_json(&s.db, &["pricing", "rule", "list"]);
    assert_eq!(rules.as_array().unwrap().len(), 2);
    ok_json(
        &s.db,
        &["pricing", "rule", "remove", &rules[0]["id"].to_string()],
    );
    assert_eq!(
        ok_json(&s.db, &["pricing", "rule", "list"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Bad input: a clear error, exit 2, nothing stored.
    let before = count(&s.db, "flash_sales");
    let bad: &[&[&str]] = &[
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "5",
            "--multiplier",
            "0",
        ],
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "5",
            "--multiplier",
            "-2",
        ],
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "0",
            "--multiplier",
            "1.2",
        ],
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "5",
            "--multiplier",
            "1.2",
            "--sku",
            "NOPE",
        ],
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "5",
            "--multiplier",
            "1.2",
            "--category",
            "nope",
        ],
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "five",
            "--multiplier",
            "1.2",
        ],
        &[
            "flash",
            "create",
            "--name",
            "X",
            "--sku",
            "prod_A",
            "--multiplier",
            "0.5",
            "--start",
            "2026-11-27T17:00:00Z",
            "--end",
            "2026-11-27T16:00:00Z",
        ],
        &[
            "flash",
            "create",
            "--name",
            "X",
            "--sku",
            "prod_A",
            "--multiplier",
            "0.5",
            "--start",
            "tomorrow",
            "--end",
            "2026-11-27T16:00:00Z",
        ],
        &[
            "flash",
            "create",
            "--name",
            "X",
            "--category",
            "nope",
            "--multiplier",
            "0.5",
            "--start",
            "2026-11-27T16:00:00Z",
            "--end",
            "2026-11-27T17:00:00Z",
        ],
        &[
            "flash",
            "create",
            "--name",
            "X",
            "--sku",
            "prod_A",
            "--multiplier",
            "0",
            "--start",
            "2026-11-27T16:00:00Z",
            "--end",
            "2026-11-27T17:00:00Z",
        ],
    ];
    for args in bad {
        let e = err_json(&s.db, args, 2);
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
    // Usage errors (both or neither of a pair) are exit 2 as well.
    err_json(
        &s.db,
        &["pricing", "rule", "add", "--when-stock-below", "5"],
        2,
    );
    err_json(
        &s.db,
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-below",
            "5",
            "--when-stock-above",
            "9",
            "--amount",
            "1",
        ],
        2,
    );
    assert_eq!(count(&s.db, "flash_sales"), before);
    assert_eq!(count(&s.db, "pricing_rules"), 1);
}

#[test]
fn bundles_mine_from_files_and_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let groceries = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/groceries.csv"
    );
    assert!(Path::new(groceries).exists(), "missing {groceries}");
    // No store needed to mine a file.
    let none = dir.path().join("none.db");
    let r = ok_json(
        &none,
        &[
            "bundles",
            "mine",
            "--input",
            groceries,
            "--format",
            "csv",
            "--min-support",
            "0.005",
            "--min-confidence",
            "0.2",
        ],
    );
    assert_eq!(r["transactions"], 9835);
    assert_eq!(r["itemsets"].as_array().unwrap().len(), 1001);
    assert_eq!(r["rules"].as_array().unwrap().len(), 893);
    let rule = &r["rules"][0];
    for key in [
        "antecedent",
        "consequent",
        "support_count",
        "confidence",
        "lift",
    ] {
        assert!(rule.get(key).is_some(), "missing {key}");
    }
    assert!(!none.exists(), "mining a file created a store");

    // Bad input: a clear error with the line number, exit 2.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "bread,milk\nbread,,butter\n").unwrap();
    let e = err_json(
        &none,
        &[
            "bundles",
            "mine",
            "--input",
            bad.to_str().unwrap(),
            "--min-support",
            "0.5",
            "--min-confidence",
            "0.5",
        ],
        2,
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("line 2"),
        "{e}"
    );
    let empty = dir.path().join("empty.dat");
    std::fs::write(&empty, "").unwrap();
    let e = err_json(
        &none,
        &[
            "bundles",
            "mine",
            "--input",
            empty.to_str().unwrap(),
            "--min-support",
            "0.5",
            "--min-confidence",
            "0.5",
        ],
        2,
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no transactions"),
        "{e}"
    );
    for s in ["0", "1.5", "-0.1", "abc"] {
        err_json(
            &none,
            &[
                "bundles",
                "mine",
                "--input",
                groceries,
                "--format",
                "csv",
                "--min-support",
                s,
                "--min-confidence",
                "0.5",
            ],
            2,
        );
    }
    err_json(
        &none,
        &[
            "bundles",
            "mine",
            "--input",
            "/nope.csv",
            "--min-support",
            "0.5",
            "--min-confidence",
            "0.5",
        ],
        2,
    );

    // The store's own order history: one basket per order.
    let s = shop();
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "COF", "--name", "Coffee", "--price", "3.00", "--stock",
            "100",
        ],
    );
    ok_json(
        &s.db,
        &[
            "product",
            "add",
            "--sku",
            "CRO",
            "--name",
            "Croissant",
            "--price",
            "2.00",
            "--stock",
            "100",
        ],
    );
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "WAT", "--name", "Water", "--price", "1.00", "--stock",
            "100",
        ],
    );
    let e = err_json(
        &s.db,
        &[
            "bundles",
            "mine",
            "--min-support",
            "0.5",
            "--min-confidence",
            "0.5",
        ],
        2,
    );
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no completed orders"));
    for items in [
        &["COF", "CRO"][..],
        &["COF", "CRO"],
        &["COF", "CRO", "WAT"],
        &["WAT"],
    ] {
        let mut args = vec!["sale"];
        for i in items {
            args.push("--item");
            args.push(i);
        }
        args.extend(["--pay", "cash:20"]);
        ok_json(&s.db, &args);
    }
    let r = ok_json(
        &s.db,
        &[
            "bundles",
            "mine",
            "--min-support",
            "0.5",
            "--min-confidence",
            "0.9",
        ],
    );
    assert_eq!(r["transactions"], 4);
    let pair = r["itemsets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["items"] == serde_json::json!(["COF", "CRO"]))
        .unwrap();
    assert_eq!(pair["count"], 3);
    assert!(r["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["antecedent"] == serde_json::json!(["CRO"])
            && x["consequent"] == serde_json::json!(["COF"])));
}

#[test]
fn bundles_mine_reads_quoted_csv_and_refuses_endless_input() {
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("none.db");
    fn mine<'a>(input: &'a str, format: &'a str) -> [&'a str; 10] {
        [
            "bundles",
            "mine",
            "--input",
            input,
            "--format",
            format,
            "--min-support",
            "0.5",
            "--min-confidence",
            "0.5",
        ]
    }

    // A basket CSV as a spreadsheet writes it: quoted names keep their commas.
    let baskets = dir.path().join("baskets.csv");
    std::fs::write(
        &baskets,
        "bread,\"milk, whole\",butter\r\n\"milk, whole\",bread\r\n\"12\"\" pizza\"\r\n",
    )
    .unwrap();
    let r = ok_json(&none, &mine(baskets.to_str().unwrap(), "csv"));
    assert_eq!(r["transactions"], 3);
    assert!(
        r["itemsets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["items"] == serde_json::json!(["bread", "milk, whole"]) && i["count"] == 2),
        "{r}"
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "a,b\r\n\"c,d\r\ne\r\n").unwrap();
    let e = err_json(&none, &mine(bad.to_str().unwrap(), "csv"), 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 2: a quote opened here is never closed"),
        "{e}"
    );

    // An endless input without line breaks: a clear error, exit 2.
    if cfg!(unix) {
        for format in ["fimi", "csv"] {
            let e = err_json(&none, &mine("/dev/zero", format), 2);
            assert!(
                e["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("line 1: a NUL byte: binary data"),
                "{e}"
            );
        }
    }
    let long = dir.path().join("long.dat");
    let mut text = b"1 2\n".to_vec();
    text.resize(2 << 20, b'7');
    std::fs::write(&long, text).unwrap();
    let e = err_json(&none, &mine(long.to_str().unwrap(), "fimi"), 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 2: a basket longer than 1048576 bytes"),
        "{e}"
    );
    assert!(!none.exists(), "mining a file created a store");
}

#[test]
fn absurd_numbers_are_refused_not_overflowed() {
    let s = shop();
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "A", "--name", "A", "--price", "1000000", "--stock",
            "1000000",
        ],
    );
    ok_json(
        &s.db,
        &[
            "product",
            "add",
            "--sku",
            "BIG",
            "--name",
            "Big",
            "--price",
            "1000000000000",
        ],
    );
    // The largest sale Till takes: a million units at a million each, exact.
    let r = ok_json(
        &s.db,
        &["sale", "--item", "Ax1000000", "--pay", "card:1000000000000"],
    );
    assert_eq!(r["total"], "1000000000000.00");
    // ...but beyond the limits Till says so instead of overflowing.
    for args in [
        &[
            "product",
            "add",
            "--sku",
            "B",
            "--name",
            "B",
            "--price",
            "79228162514264337593543950335",
        ][..],
        &["sale", "--item", "Ax1000001", "--pay", "cash:1"],
        &[
            "sale",
            "--item",
            "Ax99999999999999999999",
            "--pay",
            "cash:1",
        ],
        &[
            "stock",
            "adjust",
            "A",
            "--by",
            "9223372036854775807",
            "--reason",
            "restock",
        ],
        &[
            "pricing",
            "rule",
            "add",
            "--when-stock-above",
            "1",
            "--multiplier",
            "1000000000000000000000",
        ],
        &[
            "product",
            "add",
            "--sku",
            "C",
            "--name",
            "C",
            "--price",
            "1",
            "--stock",
            "99999999999",
        ],
    ] {
        err_json(&s.db, args, 2);
    }
}

#[test]
fn bundles_and_kits_through_the_cli() {
    let s = shop();
    for (sku, price, stock) in [
        ("BREAD", "3.00", "20"),
        ("BUTTER", "2.00", "20"),
        ("MUG", "8.00", "5"),
        ("TEA", "4.00", "9"),
    ] {
        ok_json(
            &s.db,
            &[
                "product", "add", "--sku", sku, "--name", sku, "--price", price, "--stock", stock,
            ],
        );
    }
    // Default 10% off; JSON keys of the contract.
    let b = ok_json(
        &s.db,
        &[
            "bundle",
            "create",
            "--name",
            "Breakfast",
            "--item",
            "BREAD",
            "--item",
            "BUTTER",
        ],
    );
    assert_eq!(b["offer"]["kind"], "percent_off");
    assert_eq!(b["offer"]["value"], "10");
    assert_eq!(b["bundle_price"], "4.50");
    let pair = ok_json(
        &s.db,
        &[
            "bundle", "create", "--name", "Tea pair", "--item", "TEAx2", "--price", "7.00",
        ],
    );
    assert_eq!(pair["items"][0]["qty"], 2);
    let list = ok_json(&s.db, &["bundle", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);

    // The sale gets both bundles automatically.
    let r = ok_json(
        &s.db,
        &[
            "sale", "--item", "BREAD", "--item", "BUTTER", "--item", "TEAx3", "--pay", "cash:50",
        ],
    );
    let bundles = r["bundles"].as_array().unwrap();
    assert_eq!(bundles.len(), 2);
    assert_eq!(r["discount"], "1.50");
    assert_eq!(r["total"], "15.50");
    let text = till(&s.db, &["order", "show", r["number"].as_str().unwrap()]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("Bundle Breakfast"));

    // Withdrawn: no longer applied.
    ok_json(&s.db, &["bundle", "edit", "1", "--active", "false"]);
    let r = ok_json(
        &s.db,
        &[
            "sale", "--item", "BREAD", "--item", "BUTTER", "--pay", "cash:5",
        ],
    );
    assert!(r["bundles"].as_array().unwrap().is_empty());

    // Suggestions from the store's orders, approve and dismiss.
    for _ in 0..3 {
        ok_json(
            &s.db,
            &["sale", "--item", "MUG", "--item", "TEA", "--pay", "cash:20"],
        );
    }
    let sug = ok_json(
        &s.db,
        &[
            "bundles",
            "suggest",
            "--min-support",
            "0.3",
            "--min-confidence",
            "0.5",
        ],
    );
    let keys: Vec<&str> = sug["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"MUG+TEA"), "{sug}");
    let approved = ok_json(
        &s.db,
        &["bundles", "approve", "MUG+TEA", "--percent-off", "5"],
    );
    assert_eq!(approved["source"], "suggestion");
    ok_json(&s.db, &["bundles", "dismiss", "BREAD+BUTTER"]);
    let sug = ok_json(
        &s.db,
        &[
            "bundles",
            "suggest",
            "--min-support",
            "0.3",
            "--min-confidence",
            "0.5",
        ],
    );
    assert!(sug["suggestions"].as_array().unwrap().is_empty(), "{sug}");
    let comp = ok_json(&s.db, &["bundles", "companions", "MUG"]);
    assert_eq!(comp[0]["sku"], "TEA");

    // A kit sells its components.
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "GIFT", "--name", "Gift", "--price", "15.00",
        ],
    );
    let k = ok_json(
        &s.db,
        &["kit", "set", "GIFT", "--item", "MUG", "--item", "TEAx2"],
    );
    assert_eq!(k["available"], 1);
    ok_json(&s.db, &["sale", "--item", "GIFT", "--pay", "cash:20"]);
    assert_eq!(ok_json(&s.db, &["stock", "show", "TEA"])["on_hand"], 1);
    let e = err_json(&s.db, &["sale", "--item", "GIFT", "--pay", "cash:20"], 2);
    assert_eq!(e["error"]["code"], "insufficient_stock");

    // Bad input: exit 2, a clear message, nothing stored.
    let before = count(&s.db, "bundles");
    for (args, needle) in [
        (
            vec![
                "bundle", "create", "--name", "X", "--item", "NOPE", "--item", "BREAD",
            ],
            "NOPE",
        ),
        (
            vec!["bundle", "create", "--name", "X", "--item", "BREAD"],
            "two units",
        ),
        (
            vec![
                "bundle",
                "create",
                "--name",
                "X",
                "--item",
                "BREAD",
                "--item",
                "MUG",
                "--percent-off",
                "-5",
            ],
            "percent",
        ),
        (
            vec![
                "bundle", "create", "--name", "X", "--item", "BREAD", "--item", "MUG", "--price",
                "abc",
            ],
            "price",
        ),
        (
            vec![
                "bundle", "create", "--name", "X", "--item", "BREAD", "--item", "MUG", "--from",
                "tomorrow",
            ],
            "RFC 3339",
        ),
        (vec!["bundle", "edit", "99", "--name", "Y"], "99"),
        (vec!["bundles", "suggest", "--min-support", "2"], "support"),
        (vec!["bundles", "approve", "BREAD"], "SKU1+SKU2"),
        (vec!["kit", "set", "GIFT", "--item", "GIFT"], "itself"),
    ] {
        let e = err_json(&s.db, &args, 2);
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains(needle),
            "{args:?}: {msg} should mention {needle}"
        );
    }
    assert_eq!(count(&s.db, "bundles"), before);
}

fn text(db: &Path, args: &[&str]) -> String {
    let out = till(db, args);
    assert!(
        out.status.success(),
        "till {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn referrals_through_the_cli() {
    let s = shop();
    ok_json(
        &s.db,
        &[
            "product",
            "add",
            "--sku",
            "BIG",
            "--name",
            "Big",
            "--price",
            "150.00",
            "--tax-rate",
            "20",
            "--stock",
            "10",
        ],
    );
    // `customer add` and `referral code` print just the id and the code.
    let ann = text(
        &s.db,
        &[
            "customer",
            "add",
            "--name",
            "Ann",
            "--email",
            "ann@example.com",
        ],
    );
    assert_eq!(ann.len(), 36, "{ann}");
    let code = text(&s.db, &["referral", "code", &ann]);
    assert!(code.starts_with("REF") && code.len() == 13, "{code}");
    let bob = text(
        &s.db,
        &[
            "customer",
            "add",
            "--name",
            "Bob",
            "--phone",
            "+1 555 0100 200",
        ],
    );
    let shown = ok_json(&s.db, &["customer", "show", &bob]);
    assert_eq!(shown["phone"], "+15550100200");
    assert_eq!(
        ok_json(&s.db, &["customer", "list", "--search", "555 0100"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let aff = text(
        &s.db,
        &[
            "affiliate",
            "add",
            "--name",
            "Blog",
            "--email",
            "blog@example.com",
        ],
    );
    assert_eq!(
        ok_json(&s.db, &["affiliate", "list"])[0]["id"],
        aff.as_str()
    );

    // The brief: 150.00 net at 10 % -> one pending 15.00; full refund -> 0.00.
    let r = ok_json(
        &s.db,
        &[
            "sale",
            "--item",
            "BIG",
            "--customer",
            &bob,
            "--referral",
            &code.to_lowercase(),
            "--pay",
            "cash:200",
        ],
    );
    assert_eq!(r["referral_code"], code.as_str());
    let list = ok_json(&s.db, &["commission", "list", "--status", "pending"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    for key in ["id", "referrer_id", "order_id", "amount", "status"] {
        assert!(list[0].get(key).is_some(), "{key} missing");
    }
    assert_eq!(list[0]["amount"], "15.00");
    assert_eq!(list[0]["referrer_id"], ann.as_str());
    ok_json(&s.db, &["order", "refund", r["number"].as_str().unwrap()]);
    let mine = ok_json(&s.db, &["commission", "list", "--referrer", &ann]);
    let sum: f64 = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amount"].as_str().unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(sum, 0.0);
    assert_eq!(
        ok_json(&s.db, &["commission", "list", "--status", "reversed"])[0]["amount"],
        "-15.00"
    );
    let refs = ok_json(&s.db, &["referral", "list"]);
    let ann_row = refs
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == ann.as_str())
        .unwrap();
    assert_eq!(ann_row["balance"], "0.00");

    // Approve after the return window, then pay.
    ok_json(
        &s.db,
        &["program", "set", "--percent", "5", "--return-days", "0"],
    );
    ok_json(
        &s.db,
        &[
            "sale",
            "--item",
            "BIG",
            "--customer",
            &bob,
            "--pay",
            "cash:200",
        ],
    );
    // Both accruals are past the return window; the refunded one is netted
    // by its reversal in the payout.
    let approved = ok_json(&s.db, &["commission", "approve-due"]);
    assert_eq!(approved.as_array().unwrap().len(), 2);
    assert_eq!(approved[1]["amount"], "7.50");
    let p = ok_json(
        &s.db,
        &[
            "payout",
            "create",
            "--referrer",
            &ann,
            "--method",
            "bank",
            "--reference",
            "TRF-9",
        ],
    );
    assert_eq!(p["amount"], "7.50");
    assert_eq!(p["entries"].as_array().unwrap().len(), 3);
    assert_eq!(
        ok_json(&s.db, &["commission", "list", "--status", "paid"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Bad input: exit 2, a clear message, the sale not completed.
    let orders = count(&s.db, "orders");
    for (args, needle) in [
        (
            vec![
                "sale",
                "--item",
                "BIG",
                "--referral",
                "REFNOTACODE",
                "--pay",
                "cash:200",
            ],
            "not a referral code",
        ),
        (
            vec![
                "sale",
                "--item",
                "BIG",
                "--customer",
                &ann,
                "--referral",
                &code,
                "--pay",
                "cash:200",
            ],
            "self-referral",
        ),
        (
            vec![
                "sale",
                "--item",
                "BIG",
                "--customer",
                "nobody",
                "--pay",
                "cash:200",
            ],
            "customer",
        ),
        (
            vec![
                "sale",
                "--item",
                "BIG",
                "--customer",
                &aff,
                "--pay",
                "cash:200",
            ],
            "affiliate",
        ),
        (
            vec!["payout", "create", "--referrer", &ann, "--method", "cash"],
            "no approved commission",
        ),
        (
            vec!["program", "set", "--percent", "-5"],
            "between 0 and 100",
        ),
        (vec!["program", "set", "--amount", "-5"], "negative"),
        (
            vec!["program", "set", "--percent", "5", "--amount", "1"],
            "cannot be used with",
        ),
        (
            vec![
                "customer",
                "add",
                "--name",
                "Eve",
                "--email",
                "ann@example.com",
            ],
            "email",
        ),
        (
            vec!["customer", "add", "--name", "Eve", "--email", "nope"],
            "email address",
        ),
        (
            vec!["commission", "list", "--status", "lost"],
            "pending, approved",
        ),
        (vec!["referral", "code", "nobody"], "not found"),
    ] {
        let out = till(&s.db, &[args.clone(), vec!["--json"]].concat());
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(needle),
            "{args:?}: {err} should mention {needle}"
        );
    }
    assert_eq!(count(&s.db, "orders"), orders);
    // The cashier goes on without the code.
    ok_json(&s.db, &["sale", "--item", "BIG", "--pay", "cash:200"]);
}

/// The seed of the test key, which debug builds trust
/// (tests/support/license-test-key).
fn test_seed() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/support/license-test-key"
    ))
    .unwrap()
}

/// A tiers document signed with the test key, as the vendor's tool would.
fn signed_tiers(doc: &str) -> String {
    let key = till_core::plans::license::signing_key(&test_seed()).unwrap();
    till_core::plans::tiers::sign(doc, "test", &key).unwrap()
}

/// Any bytes signed as a tiers document with the test key, mistakes included.
fn seal_tiers(payload: &str) -> String {
    use till_core::plans::signed;
    let key = signed::signing_key(&test_seed()).unwrap();
    signed::seal(payload.as_bytes(), &signed::TIERS, "test", &key)
}

/// A free tier with every feature, unlimited: what `plan load` must not
/// accept from anyone but the vendor.
const EVIL_TIERS: &str = r#"{"tiers":[{"id":"free","name":"Free","price_monthly":0,
  "features":["checkout","refunds","memberships","advanced_reporting","custom_branding","api_access"],
  "limits":{"products":"unlimited","api_calls":"unlimited","registers":"unlimited"}}]}"#;

const TWO_TIERS: &str = r#"{"tiers":[{"id":"free","name":"Free","features":["checkout"],"limits":{"api_calls":3}},
  {"id":"pro","name":"Pro","price_monthly":9.5,"features":["checkout","advanced_reporting"],"limits":{"api_calls":1000}}]}"#;

#[test]
fn plan_load_refuses_tiers_documents_the_vendor_did_not_sign() {
    let s = shop();
    let dir = s.db.parent().unwrap().to_path_buf();
    let good = dir.join("tiers.json");
    std::fs::write(&good, signed_tiers(TWO_TIERS)).unwrap();
    ok_json(&s.db, &["plan", "load", good.to_str().unwrap()]);

    let evil = dir.join("evil.json");
    std::fs::write(&evil, EVIL_TIERS).unwrap();
    // Signed with a key of one's own under the test key's id.
    let forged = dir.join("forged.json");
    let mine =
        till_core::plans::signed::signing_key("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
            .unwrap();
    std::fs::write(
        &forged,
        till_core::plans::tiers::sign(EVIL_TIERS, "test", &mine).unwrap(),
    )
    .unwrap();
    for file in [&evil, &forged] {
        let e = err_json(&s.db, &["plan", "load", file.to_str().unwrap()], 2);
        assert_eq!(e["error"]["code"], "invalid_input");
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains("tiers documents must be signed by the vendor"),
            "{msg}"
        );
        // Without --json too: the message on stderr, exit 2.
        let out = till(&s.db, &["plan", "load", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr)
            .contains("tiers documents must be signed by the vendor"));
        // Nothing replaced: the signed document is still in force.
        let plan = ok_json(&s.db, &["plan", "show"]);
        assert_eq!(plan["tiers"].as_array().unwrap().len(), 2, "{plan}");
        assert_eq!(plan["features"], serde_json::json!(["checkout"]));
        err_json(&s.db, &["feature", "check", "advanced_reporting"], 3);
    }
    // Mistakes in a signed file say what is wrong.
    let license = dir.join("license.json");
    std::fs::write(
        &license,
        till_core::plans::license::sign(
            &till_core::plans::license::LicensePayload {
                license_id: "L-9".into(),
                issued_to: "CLI test".into(),
                store_id: None,
                tier: "pro".into(),
                unlocks: vec![],
                issued_at: "2026-11-01T00:00:00Z".into(),
                expires_at: None,
                grace_days: 14,
            },
            "test",
            &till_core::plans::license::signing_key(&test_seed()).unwrap(),
        ),
    )
    .unwrap();
    let garbled = dir.join("garbled.json");
    std::fs::write(&garbled, seal_tiers("{\"tiers\": [")).unwrap();
    for (file, needle) in [
        (&license, "is a license, not a tiers document"),
        (&garbled, "signed payload is not valid JSON"),
    ] {
        let e = err_json(&s.db, &["plan", "load", file.to_str().unwrap()], 2);
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{msg} should mention {needle}");
    }
    assert_eq!(
        ok_json(&s.db, &["plan", "show"])["tiers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_tiers_document_edited_in_the_store_file_opens_no_plan_gate() {
    let s = shop();
    let dir = s.db.parent().unwrap().to_path_buf();
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "TEA", "--name", "Tea", "--price", "3.00", "--stock", "9",
        ],
    );
    let set_stored = |text: &str| {
        rusqlite::Connection::open(&s.db)
            .unwrap()
            .execute(
                "INSERT INTO plan_state (id, tiers_doc, updated_at) VALUES (1, ?1, '2026-11-20T12:00:00Z')
                 ON CONFLICT (id) DO UPDATE SET tiers_doc = ?1",
                [text],
            )
            .unwrap();
    };
    // A bare document, as stores kept them before signing: ignored, and
    // `plan show` says so.
    set_stored(EVIL_TIERS);
    let plan = ok_json(&s.db, &["plan", "show"]);
    assert_eq!(plan["tiers_source"], "unsigned_ignored");
    assert_eq!(plan["tiers"].as_array().unwrap().len(), 3, "built-in tiers");
    assert!(text(&s.db, &["plan", "show"]).contains("unsigned and was ignored"));
    err_json(&s.db, &["feature", "check", "advanced_reporting"], 3);

    // A signed one replaces it; its payload edited in place is refused.
    let good = dir.join("tiers.json");
    std::fs::write(&good, signed_tiers(TWO_TIERS)).unwrap();
    ok_json(&s.db, &["plan", "load", good.to_str().unwrap()]);
    assert_eq!(ok_json(&s.db, &["plan", "show"])["tiers_source"], "signed");
    let mut stored: serde_json::Value = serde_json::from_str(&signed_tiers(TWO_TIERS)).unwrap();
    let evil_payload: serde_json::Value = serde_json::from_str(&signed_tiers(EVIL_TIERS)).unwrap();
    stored["payload"] = evil_payload["payload"].clone();
    set_stored(&stored.to_string());
    let e = err_json(&s.db, &["feature", "check", "advanced_reporting"], 1);
    assert_eq!(e["error"]["code"], "store_damaged");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("till plan load"),
        "{e}"
    );
    // The doctor names it.
    let out = till(&s.db, &["doctor", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["damaged"][0]["table"], "plan_state", "{report}");
    assert_eq!(report["damaged"][0]["column"], "tiers_doc");
    // The till keeps selling.
    ok_json(&s.db, &["sale", "--item", "TEA", "--pay", "cash:3"]);
    // Loading the vendor's document again repairs it.
    ok_json(&s.db, &["plan", "load", good.to_str().unwrap()]);
    err_json(&s.db, &["feature", "check", "advanced_reporting"], 3);
}

#[test]
fn plans_licenses_usage_and_memberships_through_the_cli() {
    let s = shop();
    let dir = s.db.parent().unwrap().to_path_buf();
    // Free by default: exit 0 for what it has, 3 for what it lacks (the
    // message names the tier), 2 for what no tier knows.
    assert_eq!(ok_json(&s.db, &["plan", "show"])["tier"]["id"], "free");
    ok_json(&s.db, &["feature", "check", "checkout"]);
    let gated = err_json(&s.db, &["feature", "check", "advanced_reporting"], 3);
    assert_eq!(gated["error"]["code"], "gated");
    assert!(gated["error"]["message"].as_str().unwrap().contains("Pro"));
    err_json(&s.db, &["feature", "check", "teleport"], 2);

    // A tiers document of our own, with the exact boundary.
    let tiers = dir.join("tiers.json");
    std::fs::write(
        &tiers,
        signed_tiers(
            r#"{"tiers":[{"id":"free","name":"Free","price_monthly":0,"features":["checkout"],"limits":{"api_calls":3,"storage_gb":"unlimited"}},
                     {"id":"pro","name":"Pro","price_monthly":9.5,"features":["checkout","advanced_reporting","memberships"],"limits":{"api_calls":1000}}]}"#,
        ),
    )
    .unwrap();
    ok_json(&s.db, &["plan", "load", tiers.to_str().unwrap()]);
    ok_json(
        &s.db,
        &[
            "usage",
            "record",
            "--metric",
            "api_calls",
            "--quantity",
            "3",
        ],
    );
    let within = ok_json(&s.db, &["limit", "check", "api_calls"]);
    assert_eq!(within["used"], 3);
    assert_eq!(within["limit"], 3);
    ok_json(
        &s.db,
        &[
            "usage",
            "record",
            "--metric",
            "api_calls",
            "--quantity",
            "1",
            "--at",
            "2026-01-15T10:00:00Z",
        ],
    );
    ok_json(
        &s.db,
        &[
            "usage",
            "record",
            "--metric",
            "storage_gb",
            "--quantity",
            "7.5",
        ],
    );
    ok_json(&s.db, &["limit", "check", "storage_gb"]);
    ok_json(
        &s.db,
        &[
            "usage",
            "record",
            "--metric",
            "api_calls",
            "--quantity",
            "1",
        ],
    );
    let over = err_json(&s.db, &["limit", "check", "api_calls"], 3);
    assert!(
        over["error"]["message"]
            .as_str()
            .unwrap()
            .contains("4 used of 3"),
        "{over}"
    );
    // The report: the contract's keys, limits as numbers or "unlimited".
    let r = ok_json(&s.db, &["usage", "report"]);
    assert!(r["period"]["from"].is_string() && r["period"]["to"].is_string());
    assert_eq!(r["metrics"]["api_calls"]["used"], 4);
    assert_eq!(r["metrics"]["api_calls"]["limit"], 3);
    assert_eq!(r["metrics"]["storage_gb"]["limit"], "unlimited");
    assert_eq!(r["metrics"]["storage_gb"]["used"], 7.5);
    let jan = ok_json(&s.db, &["usage", "report", "--period", "2026-01"]);
    assert_eq!(jan["metrics"]["api_calls"]["used"], 1);
    let range = ok_json(
        &s.db,
        &[
            "usage",
            "report",
            "--from",
            "2026-01-01T00:00:00Z",
            "--to",
            "2026-02-01T00:00:00Z",
        ],
    );
    assert_eq!(range["metrics"]["api_calls"]["used"], 1);

    // A license signed with the test key (the vendor tool's format).
    let key = till_core::plans::license::signing_key(&test_seed()).unwrap();
    let payload = till_core::plans::license::LicensePayload {
        license_id: "L-7".into(),
        issued_to: "CLI test".into(),
        store_id: None,
        tier: "pro".into(),
        unlocks: vec![],
        issued_at: "2026-11-01T00:00:00Z".into(),
        expires_at: None,
        grace_days: 14,
    };
    let lic = dir.join("license.json");
    std::fs::write(
        &lic,
        till_core::plans::license::sign(&payload, "test", &key),
    )
    .unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&lic)
            .unwrap()
            .replace("\"signature\": \"", "\"signature\": \"AAAA"),
    )
    .unwrap();
    let e = err_json(&s.db, &["license", "install", bad.to_str().unwrap()], 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("license"),
        "{e}"
    );
    assert_eq!(ok_json(&s.db, &["license", "show"])["state"], "none");
    ok_json(&s.db, &["license", "install", lic.to_str().unwrap()]);
    assert_eq!(ok_json(&s.db, &["license", "show"])["state"], "valid");
    ok_json(&s.db, &["feature", "check", "advanced_reporting"]);
    ok_json(&s.db, &["limit", "check", "api_calls"]);

    // Memberships: the member price at the counter.
    ok_json(
        &s.db,
        &[
            "product", "add", "--sku", "LAT", "--name", "Latte", "--price", "4.00", "--stock", "9",
        ],
    );
    let cust = text(&s.db, &["customer", "add", "--name", "Member"]);
    ok_json(
        &s.db,
        &[
            "membership",
            "tier",
            "add",
            "--id",
            "club",
            "--name",
            "Coffee club",
            "--discount",
            "10",
            "--fee",
            "5.00",
        ],
    );
    let m = ok_json(
        &s.db,
        &[
            "membership",
            "enroll",
            &cust,
            "club",
            "--until",
            "2099-12-31",
        ],
    );
    assert_eq!(m["active"], true);
    let r = ok_json(
        &s.db,
        &[
            "sale",
            "--item",
            "LAT",
            "--customer",
            &cust,
            "--pay",
            "cash:4",
        ],
    );
    assert_eq!(r["lines"][0]["unit_price"], "3.60");
    let rep = ok_json(&s.db, &["report", "products"]);
    assert_eq!(rep[0]["sku"], "LAT");

    // Bad input: exit 2, nothing stored.
    let dup = dir.join("dup.json");
    std::fs::write(&dup, seal_tiers(r#"{"tiers":[{"id":"a"},{"id":"a"}]}"#)).unwrap();
    for (args, needle) in [
        (vec!["plan", "load", dup.to_str().unwrap()], "tiers[1].id"),
        (vec!["plan", "load", "/no/such/file.json"], "cannot read"),
        (
            vec![
                "usage",
                "record",
                "--metric",
                "api_calls",
                "--quantity",
                "-2",
            ],
            "more than 0",
        ),
        (
            vec![
                "usage",
                "record",
                "--metric",
                "teleports",
                "--quantity",
                "1",
            ],
            "not a metered metric",
        ),
        (vec!["usage", "report", "--period", "November"], "2026-11"),
        (vec!["membership", "enroll", &cust, "gold"], "not found"),
        (
            vec![
                "membership",
                "tier",
                "add",
                "--id",
                "x",
                "--name",
                "X",
                "--discount",
                "120",
            ],
            "between 0 and 100",
        ),
        (vec!["limit", "check", "teleports"], "not a limit"),
    ] {
        let e = err_json(&s.db, &args, 2);
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains(needle),
            "{args:?}: {msg} should mention {needle}"
        );
    }
    assert_eq!(
        ok_json(&s.db, &["plan", "show"])["tiers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
