//! Price rules, flash sales and what they do to a sale, through the CLI.

use crate::cli_support::{count, ok_json, shop};

#[test]
fn pricing_scenario_through_the_cli() {
    let s = shop();
    s.run("pricing rule add --when-stock-below 10 --multiplier 1.15");
    s.run("pricing rule add --when-stock-above 100 --multiplier 0.95");
    s.run("product add --sku prod_A --name A --price 50.00 --stock 50");
    s.run("product add --sku prod_B --name B --price 120.00 --stock 150");
    let price = |sku: &str| {
        ok_json(&s.db, &["price", "show", sku])["price"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(price("prod_B"), "114.00");
    s.run("sale --item prod_Ax45 --pay card:2250.00");
    assert_eq!(s.run("stock show prod_A")["on_hand"], 5);
    assert_eq!(price("prod_A"), "57.50");
    let q = s.run("price show prod_A");
    assert_eq!(q["adjustments"][0]["source"], "stock_rule");
    assert_eq!(q["adjustments"][0]["effect"], "7.50");
    s.run("sale --item prod_Bx60 --pay card:6840.00");
    assert_eq!(price("prod_B"), "120.00");
    s.run("stock adjust prod_A --by 20 --reason restock");
    assert_eq!(price("prod_A"), "50.00");
    let f = s.run("flash create --name Flash --sku prod_A --sku prod_B --multiplier 0.75 --start 2000-01-01T00:00:00Z --end 2100-01-01T00:00:00Z");
    assert_eq!(f["status"], "active");
    assert_eq!(price("prod_B"), "90.00");
    assert_eq!(price("prod_A"), "37.50");
    let list = s.run("flash list --at 1999-01-01T00:00:00Z");
    assert_eq!(list[0]["status"], "upcoming");
    let id = f["id"].to_string();
    ok_json(&s.db, &["flash", "cancel", &id]);
    assert_eq!(price("prod_B"), "120.00");
    let rules = s.run("pricing rule list");
    assert_eq!(rules.as_array().unwrap().len(), 2);
    ok_json(
        &s.db,
        &["pricing", "rule", "remove", &rules[0]["id"].to_string()],
    );
    assert_eq!(s.run("pricing rule list").as_array().unwrap().len(), 1);

    // Bad input: a clear error, exit 2, nothing stored.
    let before = count(&s.db, "flash_sales");
    let bad = [
        "pricing rule add --when-stock-below 5 --multiplier 0",
        "pricing rule add --when-stock-below 5 --multiplier -2",
        "pricing rule add --when-stock-below 0 --multiplier 1.2",
        "pricing rule add --when-stock-below 5 --multiplier 1.2 --sku NOPE",
        "pricing rule add --when-stock-below 5 --multiplier 1.2 --category nope",
        "pricing rule add --when-stock-below five --multiplier 1.2",
        "flash create --name X --sku prod_A --multiplier 0.5 --start 2026-11-27T17:00:00Z --end 2026-11-27T16:00:00Z",
        "flash create --name X --sku prod_A --multiplier 0.5 --start tomorrow --end 2026-11-27T16:00:00Z",
        "flash create --name X --category nope --multiplier 0.5 --start 2026-11-27T16:00:00Z --end 2026-11-27T17:00:00Z",
        "flash create --name X --sku prod_A --multiplier 0 --start 2026-11-27T16:00:00Z --end 2026-11-27T17:00:00Z",
    ];
    for line in bad {
        let e = s.run_err(line, 2);
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
    // Usage errors (both or neither of a pair) are exit 2 as well.
    s.run_err("pricing rule add --when-stock-below 5", 2);
    s.run_err(
        "pricing rule add --when-stock-below 5 --when-stock-above 9 --amount 1",
        2,
    );
    assert_eq!(count(&s.db, "flash_sales"), before);
    assert_eq!(count(&s.db, "pricing_rules"), 1);
}
