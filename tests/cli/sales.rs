//! Sales through the CLI: products, cash sales with change, tax, the order list and the demo data.

use crate::cli_support::{count, ok_json, run, run_err, shop, till};

#[test]
fn three_line_cash_sale_with_change() {
    let s = shop();
    s.run("product add --sku COF --name Coffee --price 3.40 --stock 10");
    s.run("product add --sku MUF --name Muffin --price 2.90 --stock 5 --barcode 2000000000091");
    s.run("product add --sku WAT --name Water --price 1.50 --stock 20 --tax-rate 10");
    let r = s.run("sale --item COFx2 --item 2000000000091 --item WATx3 --pay cash:20");
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
        s.run("stock show COF"),
        serde_json::json!({"sku": "COF", "on_hand": 8})
    );
    assert_eq!(s.run("stock show WAT")["on_hand"], 17);

    let shown = ok_json(&s.db, &["order", "show", r["number"].as_str().unwrap()]);
    assert_eq!(shown["id"], r["id"]);
    let list = s.run("order list");
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Human output names the change too.
    let out = till(&s.db, &["order", "show", r["id"].as_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("5.35"));
}

#[test]
fn tax_defaults_and_price_show() {
    let s = shop();
    let p = s.run("product add --sku A --name A --price 4.5");
    assert_eq!(p["tax_rate"], "0", "no tax unless asked for");
    assert_eq!(p["price"], "4.50");
    let q = s.run("price show A --at 2026-11-25T12:00:00Z");
    assert_eq!(q["sku"], "A");
    assert_eq!(q["base_price"], "4.50");
    assert_eq!(q["price"], "4.50");
    assert_eq!(q["on_hand"], 0);
    assert!(q["adjustments"].as_array().unwrap().is_empty());
    s.run("settings set --default-tax-rate 20");
    let p = s.run("product add --sku B --name B --price 1");
    assert_eq!(p["tax_rate"], "20");
}

#[test]
fn init_demo_and_demo_sales() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let r = run(&db, "init --demo --catalog-only --currency GBP");
    assert!(r["products"].as_u64().unwrap() >= 20);
    let e = run_err(&db, "init", 2);
    assert_eq!(e["error"]["code"], "conflict");
    let d = run(&db, "demo sales --count 200 --seed 7");
    assert_eq!(d["orders"], 200);
    assert_eq!(count(&db, "orders"), 200);
    let list = run(&db, "order list --limit 5");
    assert_eq!(list.as_array().unwrap().len(), 5);
    let doctor = run(&db, "doctor");
    assert_eq!(doctor["integrity"], "ok");
    assert!(doctor["stock_drift"].as_array().unwrap().is_empty());
    let e = run_err(&db, "init --currency XYZ", 2);
    assert!(e["error"]["message"].as_str().unwrap().contains("ISO 4217"));
}

#[test]
fn order_list_filters_by_time_oldest_first() {
    let s = shop();
    s.run("product add --sku A --name A --price 1.00 --stock 10");
    for _ in 0..3 {
        s.run("sale --item A --pay cash:1");
    }
    let all = s.run("order list");
    let times: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["created_at"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let none = s.run("order list --to 2000-01-01T00:00:00Z");
    assert!(none.as_array().unwrap().is_empty());
    let some = ok_json(&s.db, &["order", "list", "--from", times[1]]);
    assert_eq!(some.as_array().unwrap().len(), 2);
}
