//! The one input layer seen from the command line: the core names a field
//! neutrally and `till` words it as its flag; items are read as the scan
//! box reads them; `till store path` says which store file `till` opens.

use std::process::Command;

use crate::cli_support::{shop, text};

#[test]
fn errors_name_the_flag_that_gave_the_field() {
    let s = shop();
    s.run("product add --sku TEA --name Tea --price 2.50 --stock 5");
    for (line, flag) in [
        (
            "product add --sku A --name A --price -1",
            "invalid --price:",
        ),
        (
            "pricing rule add --when-stock-below 5 --multiplier lots",
            "invalid --multiplier:",
        ),
        (
            "pricing rule add --when-stock-below x --multiplier 1.1",
            "invalid --when-stock-below:",
        ),
        ("sale --item TEA --pay bitcoin:5", "invalid --pay:"),
        ("stock adjust TEA --by lots --reason count", "invalid --by:"),
        (
            "product edit TEA --sell-by 31/12/2026",
            "invalid --sell-by:",
        ),
    ] {
        let e = s.run_err(line, 2);
        assert_eq!(e["error"]["code"], "invalid_input", "{line}: {e}");
        let m = e["error"]["message"].as_str().unwrap();
        assert!(m.starts_with(flag), "{line}: {m}");
    }
}

#[test]
fn items_read_as_the_scan_box_reads_them() {
    let s = shop();
    s.run("product add --sku TEA --name Tea --price 2.00 --stock 20");
    // A SKU that itself ends in an x and digits is that product, not 3 TEA.
    s.run("product add --sku TEAx3 --name 'Tea three-pack' --price 5.00 --stock 20");
    let r = s.run("sale --item 2*TEA --item TEAx3 --item 'TEA X 2' --pay cash:20");
    let lines = r["lines"].as_array().unwrap();
    let got: Vec<(String, i64)> = lines
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap().to_string(),
                l["qty"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![("TEA".into(), 2), ("TEAx3".into(), 1), ("TEA".into(), 2)],
        "{r}"
    );
    let e = s.run_err("sale --item TEAx0 --pay cash:5", 2);
    let m = e["error"]["message"].as_str().unwrap();
    assert!(
        m.starts_with("invalid --item: TEAx0") && m.contains("at least 1"),
        "{m}"
    );
}

#[test]
fn store_path_says_which_file_till_opens() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("named.db");
    let shown = text(&named, &["store", "path"]);
    assert_eq!(shown, named.display().to_string());
    // Without --db: $TILL_DB, else the user data folder; the file need not exist.
    let run = |envs: &[(&str, &std::path::Path)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_till"));
        cmd.args(["store", "path", "--json"]).env_remove("TILL_DB");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["path"].as_str().unwrap().to_string()
    };
    let env_db = dir.path().join("env.db");
    assert_eq!(run(&[("TILL_DB", &env_db)]), env_db.display().to_string());
    let data = dir.path().join("data");
    assert_eq!(
        run(&[("XDG_DATA_HOME", &data)]),
        data.join("till/till.db").display().to_string()
    );
    assert!(!data.exists(), "printing the path creates nothing");
}
