//! Stock counts and low stock through the real `till` binary on a real
//! store file: the JSON of `count start|set|scan|show|commit` and `stock
//! low` (its keys as the contract gives them), bad input (exit 2) and a
//! cashier who may count but not commit (exit 4).

use crate::cli_support::{shop, text};
use crate::staff::{as_member, ok_as, staffed_shop, CASHIER, MANAGER};

fn fruit(s: &crate::cli_support::Shop) {
    s.run("product add --sku A --name Apple --price 5.00 --cost 2.00 --category Fruit --stock 10 --barcode 4006381333931");
    s.run("product add --sku B --name Banana --price 1.00 --category Fruit --stock 5");
    s.run("product add --sku C --name Carrot --price 0.50 --cost 0.20 --category Veg --stock 8");
}

#[test]
fn a_count_from_start_to_commit() {
    let s = shop();
    fruit(&s);
    let c = s.run("count start --category fruit");
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["status"], "open");
    assert_eq!(c["scope"], "category");
    let skus: Vec<_> = c["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["A", "B"]);

    // Three scans, one by barcode.
    s.run(&format!("count scan {id} A"));
    s.run(&format!("count scan {id} 4006381333931"));
    let a = s.run(&format!("count scan {id} A"));
    assert_eq!(
        (a["counted"].as_i64(), a["expected"].as_i64()),
        (Some(3), Some(10))
    );
    assert_eq!(a["variance"], -7);
    assert_eq!(a["variance_value"], "-14.00");
    // Typed; a carrot found among the fruit joins the count.
    s.run(&format!("count set {id} B 6"));
    s.run(&format!("count set {id} C 8"));
    // Sold after counting, before the commit.
    s.run("sale --item Bx2 --pay cash:10");

    let show = s.run(&format!("count show {id}"));
    assert_eq!(show["totals"]["counted"], 3);
    assert_eq!(show["totals"]["units_under"], 7);
    assert_eq!(show["totals"]["units_over"], 1);
    assert_eq!(show["totals"]["value_under"], "14.00");
    // B has no cost: its +1 is left out of the values.
    assert_eq!(show["totals"]["without_cost"], 1);
    let human = text(&s.db, &["count", "show", &id.to_string()]);
    assert!(human.contains("3 of 3 counted;"), "{human}");
    assert!(human.contains("(category fruit), open"), "{human}");

    let done = s.run(&format!("count commit {id}"));
    assert_eq!(done["status"], "committed");
    assert_eq!(s.run("stock show A")["on_hand"], 3);
    // 6 counted, 5 expected, 2 sold since: 3 + 6 - 5 = 4.
    assert_eq!(s.run("stock show B")["on_hand"], 4);
    assert_eq!(s.run("stock show C")["on_hand"], 8);
    let history = s.run("stock history A");
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "count");
    assert_eq!(last["qty"], -7);

    let e = s.run_err(&format!("count commit {id}"), 2);
    assert_eq!(e["error"]["code"], "conflict", "{e}");
    let list = s.run("count list");
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["status"], "committed");

    // A list, then cancelled.
    let l = s.run("count start --sku C --sku A");
    assert_eq!(l["scope"], "list");
    let lid = l["id"].as_i64().unwrap();
    assert_eq!(s.run(&format!("count cancel {lid}"))["status"], "cancelled");
    assert_eq!(s.run("count start")["lines"].as_array().unwrap().len(), 3);
}

#[test]
fn bad_counts_are_refused_with_exit_2() {
    let s = shop();
    fruit(&s);
    let id = s.run("count start")["id"].as_i64().unwrap();
    for (line, code) in [
        (format!("count set {id} A -1"), "invalid_input"),
        (format!("count set {id} A many"), "invalid_input"),
        ("count set x A 1".to_string(), "invalid_input"),
        (format!("count set {id} NOPE 1"), "unknown_product"),
        ("count show 99".to_string(), "not_found"),
        ("count start --category Garden".to_string(), "invalid_input"),
        ("count start --sku NOPE".to_string(), "unknown_product"),
        (
            "settings set --reorder-cover-days 400".to_string(),
            "invalid_input",
        ),
    ] {
        let e = s.run_err(&line, 2);
        assert_eq!(e["error"]["code"], code, "{line}: {e}");
    }
    let e = s.run_err(&format!("count set {id} A -1"), 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("quantity"),
        "{e}"
    );
    let e = s.run_err("settings set --reorder-cover-days 400", 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--reorder-cover-days"),
        "{e}"
    );
    // Both a category and a list: a usage error.
    let out = crate::cli_support::till(
        &s.db,
        &["count", "start", "--category", "Fruit", "--sku", "A"],
    );
    assert_eq!(out.status.code(), Some(2));
    // Nothing was counted by the refusals.
    let show = s.run(&format!("count show {id}"));
    assert_eq!(show["totals"]["counted"], 0);
}

#[test]
fn a_cashier_counts_and_a_manager_commits() {
    let s = staffed_shop();
    let c = ok_as(&s.db, Some(CASHIER), &["count", "start"]);
    let id = c["id"].to_string();
    ok_as(&s.db, Some(CASHIER), &["count", "set", &id, "A", "48"]);
    let out = as_member(&s.db, Some(CASHIER), &["count", "commit", &id], &[], None);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let out = as_member(&s.db, Some(CASHIER), &["count", "cancel", &id], &[], None);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let done = ok_as(&s.db, Some(MANAGER), &["count", "commit", &id]);
    assert_eq!(done["status"], "committed");
    let a = ok_as(&s.db, Some(MANAGER), &["stock", "show", "A"]);
    assert_eq!(a["on_hand"], 48);
}

#[test]
fn stock_low_lists_what_to_reorder() {
    let s = shop();
    assert_eq!(s.run("stock low"), serde_json::json!([]));
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute(
            "INSERT INTO suppliers (name, created_at, updated_at) VALUES ('Orchard', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
    s.run("product add --sku L --name Lemon --price 1.00 --stock 20 --supplier Orchard --reorder-point 5 --reorder-qty 10");
    s.run("product add --sku P --name Pear --price 1.00 --stock 2 --reorder-point 2");
    s.run("product add --sku Q --name Quince --price 1.00 --stock 0");
    s.run("sale --item Lx14 --pay cash:20");
    // Lemon: 6 on hand, above its point; Pear at its point.
    let low = s.run("stock low");
    assert_eq!(low.as_array().unwrap().len(), 1, "{low}");
    s.run("sale --item Lx2 --pay cash:20");
    let low = s.run("stock low");
    let rows = low.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{low}");
    for row in rows {
        for key in [
            "sku",
            "on_hand",
            "reorder_point",
            "suggested_qty",
            "supplier",
        ] {
            assert!(row.get(key).is_some(), "{key} in {row}");
        }
    }
    // Lemon: 16 sold in 28 days, 7 days' lead (a new supplier's) and 14 of
    // cover: ceil(16 x 21 / 28) = 12; 12 + 5 - 4 = 13, above the least 10.
    assert_eq!(rows[0]["sku"], "L");
    assert_eq!(rows[0]["on_hand"], 4);
    assert_eq!(rows[0]["reorder_point"], 5);
    assert_eq!(rows[0]["suggested_qty"], 13);
    assert_eq!(rows[0]["supplier"], "Orchard");
    // Pear: no supplier, nothing sold: up to its point, at least 1.
    assert_eq!(rows[1]["sku"], "P");
    assert_eq!(rows[1]["suggested_qty"], 1);
    assert_eq!(rows[1]["daily_velocity"], "0.00");
    assert_eq!(rows[0]["daily_velocity"], "0.57");
    assert!(rows[1]["supplier"].is_null());
    s.run("settings set --reorder-cover-days 35");
    // ceil(16 x 42 / 28) = 24; 24 + 5 - 4 = 25.
    assert_eq!(s.run("stock low")[0]["suggested_qty"], 25);
    let human = text(&s.db, &["stock", "low"]);
    assert!(human.contains("Orchard"), "{human}");

    // A purchase order from Orchard's suggestions, at the products' cost.
    let e = s.run_err("stock reorder --supplier Orchard", 2);
    assert_eq!(e["error"]["code"], "refused", "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("give a cost first to L"),
        "{e}"
    );
    s.run("product edit L --cost 0.35");
    let po = s.run("stock reorder --supplier orchard");
    for key in ["id", "number", "status", "lines", "without_cost"] {
        assert!(po.get(key).is_some(), "{key} in {po}");
    }
    assert_eq!(po["status"], "draft");
    assert_eq!(po["lines"][0]["sku"], "L");
    assert_eq!(po["lines"][0]["qty"], 25);
    assert_eq!(po["lines"][0]["unit_cost"], "0.35");
    // On order now: still low, nothing more to order.
    let low = s.run("stock low");
    assert_eq!(
        (
            low[0]["on_order"].as_i64(),
            low[0]["suggested_qty"].as_i64()
        ),
        (Some(25), Some(0))
    );
    let e = s.run_err("stock reorder --supplier Nobody", 2);
    assert_eq!(e["error"]["code"], "not_found", "{e}");
}
