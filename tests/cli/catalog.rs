//! `till import products` and `till export products`: the report's JSON
//! keys, exit 2 with errors and nothing written, dry runs that write
//! nothing, and export then import round trips through both formats.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cli_support::{count, shop, till, Shop};

fn template() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/shopify/product_template.csv")
}

/// `till … --json` with its exit code and stdout as JSON.
fn json(db: &Path, args: &[&str]) -> (i32, Value) {
    let mut a = args.to_vec();
    a.push("--json");
    let out = till(db, &a);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {} / {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

fn products(s: &Shop) -> Value {
    s.run("product list --all")
}

#[test]
fn importing_shopifys_template_reports_and_writes_its_variants() {
    let s = shop();
    let t = template();
    let file = t.to_str().unwrap();
    let (code, dry) = json(&s.db, &["import", "products", file, "--dry-run"]);
    assert_eq!(code, 0);
    for k in ["created", "updated", "unchanged", "warnings", "errors"] {
        assert!(dry.get(k).is_some(), "{k} missing: {dry}");
    }
    assert_eq!(dry["created"], 16);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["committed"], false);
    assert_eq!(count(&s.db, "products"), 0, "a dry run writes nothing");
    assert_eq!(count(&s.db, "product_imports"), 0);

    let (code, r) = json(&s.db, &["import", "products", file, "--format", "shopify"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        (
            r["created"].as_i64(),
            r["updated"].as_i64(),
            r["unchanged"].as_i64()
        ),
        (Some(16), Some(0), Some(0))
    );
    assert_eq!(r["committed"], true);
    assert_eq!(count(&s.db, "products"), 16);
    let hat = s.run("product show HAT_GRY_275");
    assert_eq!(hat["name"], "Example Beanie");
    assert_eq!(hat["price"], "17.99");
    assert_eq!(hat["on_hand"], 50);
    assert_eq!(hat["active"], false);

    // Human output: counts.
    let out = till(&s.db, &["import", "products", file]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("0 created, 0 updated, 16 unchanged"),
        "{text}"
    );
}

#[test]
fn errors_exit_2_with_the_report_and_write_nothing() {
    let s = shop();
    s.run("product add --sku OLD --name Old --price 1.00");
    let file = s._dir.path().join("bad.csv");
    std::fs::write(
        &file,
        "Handle,Title,Variant SKU,Variant Price,Variant Barcode\n\
         a,A,A-1,2.00,\n\
         b,B,B-1,€2.00,\n\
         c,C,C-1,2.00,3.65275E+11\n\
         d,D,D-1,2.00,'0042\n",
    )
    .unwrap();
    let (code, r) = json(&s.db, &["import", "products", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{r}");
    assert_eq!(r["committed"], false);
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{r}");
    for e in errors {
        assert_eq!(keys(e), ["column", "line", "message"]);
    }
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["column"], "Variant Price");
    assert_eq!(errors[1]["line"], 4);
    assert_eq!(errors[1]["column"], "Variant Barcode");
    let warnings = r["warnings"].as_array().unwrap();
    assert_eq!(warnings[0]["line"], 5);
    assert_eq!(warnings[0]["column"], "Variant Barcode");
    assert_eq!(count(&s.db, "products"), 1, "nothing written");
    assert_eq!(count(&s.db, "product_imports"), 0);

    // The human form names line and column.
    let out = till(&s.db, &["import", "products", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error: line 3, column Variant Price:"),
        "{text}"
    );

    // A format Till does not know is bad input (exit 2), named by its flag.
    let out = till(
        &s.db,
        &[
            "import",
            "products",
            file.to_str().unwrap(),
            "--format",
            "xlsx",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format"));
}

#[test]
fn export_then_import_round_trips_in_both_formats() {
    let s = shop();
    s.run("product add --sku COF --name 'Coffee, \"house\"' --price 3.50 --cost 1.20 --barcode 4006381333931 --tax-rate 7 --category Drinks --stock 12 --compare-at-price 4.00");
    s.run("product add --sku TEA --name 'Thé' --price 2.80 --stock 0");
    s.run("product edit TEA --active false");
    for format in ["till", "shopify"] {
        let out = s._dir.path().join(format!("{format}.csv"));
        let (code, e) = json(
            &s.db,
            &[
                "export",
                "products",
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(code, 0, "{e}");
        assert_eq!(e["products"], 2);
        let other = shop();
        let (code, r) = json(&other.db, &["import", "products", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{r}");
        assert_eq!(r["format"], format);
        assert_eq!(r["created"], 2);
        assert_eq!(r["warnings"], Value::Array(vec![]));
        let strip = |v: Value| -> Vec<Value> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    let mut p = p.clone();
                    p.as_object_mut().unwrap().remove("id");
                    p
                })
                .collect()
        };
        assert_eq!(strip(products(&other)), strip(products(&s)), "{format}");
        // Into the store it came from: all unchanged.
        let (_, r) = json(&s.db, &["import", "products", out.to_str().unwrap()]);
        assert_eq!(r["unchanged"], 2, "{r}");
    }
}
