//! Mining bundles from files and from the store; bundles and kits.

use std::path::Path;

use crate::cli_support::{count, err_json, ok_json, run_err, shop, till};

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
    run_err(
        &none,
        "bundles mine --input /nope.csv --min-support 0.5 --min-confidence 0.5",
        2,
    );

    // The store's own order history: one basket per order.
    let s = shop();
    s.run("product add --sku COF --name Coffee --price 3.00 --stock 100");
    s.run("product add --sku CRO --name Croissant --price 2.00 --stock 100");
    s.run("product add --sku WAT --name Water --price 1.00 --stock 100");
    let e = s.run_err("bundles mine --min-support 0.5 --min-confidence 0.5", 2);
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no completed orders"));
    for items in [
        "--item COF --item CRO",
        "--item COF --item CRO",
        "--item COF --item CRO --item WAT",
        "--item WAT",
    ] {
        s.run(&format!("sale {items} --pay cash:20"));
    }
    let r = s.run("bundles mine --min-support 0.5 --min-confidence 0.9");
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
fn bundles_and_kits_through_the_cli() {
    let s = shop();
    for (sku, price, stock) in [
        ("BREAD", "3.00", "20"),
        ("BUTTER", "2.00", "20"),
        ("MUG", "8.00", "5"),
        ("TEA", "4.00", "9"),
    ] {
        s.run(&format!(
            "product add --sku {sku} --name {sku} --price {price} --stock {stock}"
        ));
    }
    // Default 10% off; JSON keys of the contract.
    let b = s.run("bundle create --name Breakfast --item BREAD --item BUTTER");
    assert_eq!(b["offer"]["kind"], "percent_off");
    assert_eq!(b["offer"]["value"], "10");
    assert_eq!(b["bundle_price"], "4.50");
    let pair = s.run("bundle create --name 'Tea pair' --item TEAx2 --price 7.00");
    assert_eq!(pair["items"][0]["qty"], 2);
    let list = s.run("bundle list");
    assert_eq!(list.as_array().unwrap().len(), 2);

    // The sale gets both bundles automatically.
    let r = s.run("sale --item BREAD --item BUTTER --item TEAx3 --pay cash:50");
    let bundles = r["bundles"].as_array().unwrap();
    assert_eq!(bundles.len(), 2);
    assert_eq!(r["discount"], "1.50");
    assert_eq!(r["total"], "15.50");
    let text = till(&s.db, &["order", "show", r["number"].as_str().unwrap()]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("Bundle Breakfast"));

    // Withdrawn: no longer applied.
    s.run("bundle edit 1 --active false");
    let r = s.run("sale --item BREAD --item BUTTER --pay cash:5");
    assert!(r["bundles"].as_array().unwrap().is_empty());

    // Suggestions from the store's orders, approve and dismiss.
    for _ in 0..3 {
        s.run("sale --item MUG --item TEA --pay cash:20");
    }
    let sug = s.run("bundles suggest --min-support 0.3 --min-confidence 0.5");
    let keys: Vec<&str> = sug["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"MUG+TEA"), "{sug}");
    let approved = s.run("bundles approve MUG+TEA --percent-off 5");
    assert_eq!(approved["source"], "suggestion");
    s.run("bundles dismiss BREAD+BUTTER");
    let sug = s.run("bundles suggest --min-support 0.3 --min-confidence 0.5");
    assert!(sug["suggestions"].as_array().unwrap().is_empty(), "{sug}");
    let comp = s.run("bundles companions MUG");
    assert_eq!(comp[0]["sku"], "TEA");

    // A kit sells its components.
    s.run("product add --sku GIFT --name Gift --price 15.00");
    let k = s.run("kit set GIFT --item MUG --item TEAx2");
    assert_eq!(k["available"], 1);
    s.run("sale --item GIFT --pay cash:20");
    assert_eq!(s.run("stock show TEA")["on_hand"], 1);
    let e = s.run_err("sale --item GIFT --pay cash:20", 2);
    assert_eq!(e["error"]["code"], "insufficient_stock");

    // Bad input: exit 2, a clear message, nothing stored.
    let before = count(&s.db, "bundles");
    for (line, needle) in [
        ("bundle create --name X --item NOPE --item BREAD", "NOPE"),
        ("bundle create --name X --item BREAD", "two units"),
        (
            "bundle create --name X --item BREAD --item MUG --percent-off -5",
            "percent",
        ),
        (
            "bundle create --name X --item BREAD --item MUG --price abc",
            "price",
        ),
        (
            "bundle create --name X --item BREAD --item MUG --from tomorrow",
            "RFC 3339",
        ),
        ("bundle edit 99 --name Y", "99"),
        ("bundles suggest --min-support 2", "support"),
        ("bundles approve BREAD", "SKU1+SKU2"),
        ("kit set GIFT --item GIFT", "itself"),
    ] {
        let e = s.run_err(line, 2);
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains(needle),
            "{line}: {msg} should mention {needle}"
        );
    }
    assert_eq!(count(&s.db, "bundles"), before);
}
