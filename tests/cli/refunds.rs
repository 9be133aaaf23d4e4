//! Refunds through the CLI.

use crate::cli_support::{err_json, ok_json, shop};

#[test]
fn refunds_through_the_cli() {
    let s = shop();
    s.run("product add --sku A --name A --price 5.00 --stock 10");
    let r = s.run("sale --item Ax4 --pay card:20.00:T123");
    let id = r["id"].as_str().unwrap();
    let f = ok_json(&s.db, &["order", "refund", id, "--item", "Ax1"]);
    assert_eq!(f["amount"], "5.00");
    assert_eq!(f["method"], "card");
    assert_eq!(s.run("stock show A")["on_hand"], 7);
    let e = err_json(&s.db, &["order", "refund", id, "--item", "Ax4"], 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("only 3"),
        "{e}"
    );
    ok_json(&s.db, &["order", "refund", id]);
    assert_eq!(s.run("stock show A")["on_hand"], 10);
    assert_eq!(ok_json(&s.db, &["order", "show", id])["status"], "refunded");
}
