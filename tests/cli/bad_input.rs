//! Bad input and unusable store files: clear errors, exit 2, nothing written.

use std::path::Path;

use crate::cli_support::{count, run_err, shop, till};

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let s = shop();
    s.run("product add --sku A --name A --price 5.00 --stock 3");
    let before = (
        count(&s.db, "orders"),
        count(&s.db, "stock_movements"),
        count(&s.db, "products"),
        count(&s.db, "outbox"),
    );
    let cases = [
        ("sale --item NOPE --pay cash:10", "unknown_product", "NOPE"),
        (
            "sale --item Ax0 --pay cash:10",
            "invalid_input",
            "at least 1",
        ),
        (
            "sale --item Ax-2 --pay cash:10",
            "invalid_input",
            "at least 1",
        ),
        (
            "sale --item Ax4 --pay cash:100",
            "insufficient_stock",
            "3 on hand",
        ),
        (
            "sale --item A --pay cash:4.99",
            "payment_short",
            "0.01 still due",
        ),
        (
            "sale --item A --pay cash:abc",
            "invalid_input",
            "not a number",
        ),
        (
            "sale --item A --pay cash:5.001",
            "invalid_input",
            "more decimals",
        ),
        (
            "sale --item A --pay bitcoin:5",
            "invalid_input",
            "neither cash nor card",
        ),
        (
            "product add --sku B --name B --price 1.999",
            "invalid_input",
            "more decimals",
        ),
        (
            "product add --sku B --name B --price ten",
            "invalid_input",
            "not a number",
        ),
        (
            "product add --sku A --name again --price 1",
            "conflict",
            "already exists",
        ),
        (
            "stock adjust A --by -9 --reason damage",
            "insufficient_stock",
            "3 on hand",
        ),
        (
            "stock adjust A --by x --reason restock",
            "invalid_input",
            "whole number",
        ),
        (
            "stock adjust A --by 2 --reason theft",
            "invalid_input",
            "restock",
        ),
        ("order show nope", "not_found", "nope"),
        ("price show A --at yesterday", "invalid_input", "RFC 3339"),
        ("order list --limit 0", "invalid_input", "at least 1"),
    ];
    for (line, code, words) in cases {
        let e = s.run_err(line, 2);
        assert_eq!(e["error"]["code"], code, "{line}: {e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(words),
            "{line}: {e}"
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
    let e = s.run_err("sale --pay cash:1", 2);
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
    let e = run_err(&junk, "product list", 2);
    assert_eq!(e["error"]["code"], "store_unusable");
    assert_eq!(
        std::fs::read(&junk).unwrap(),
        vec![b'x'; 4096],
        "the corrupt file was changed"
    );
    let e = run_err(&dir.path().join("none.db"), "product list", 2);
    assert_eq!(e["error"]["code"], "no_store");
    let m = e["error"]["message"].as_str().unwrap();
    assert!(m.contains("run `till init` to create one"), "{m}");
    // A folder that cannot hold a database.
    let e = run_err(Path::new("/proc/till/shop.db"), "init", 2);
    assert_eq!(e["error"]["code"], "store_unusable", "{e}");
}

#[test]
fn absurd_numbers_are_refused_not_overflowed() {
    let s = shop();
    s.run("product add --sku A --name A --price 1000000 --stock 1000000");
    s.run("product add --sku BIG --name Big --price 1000000000000");
    // The largest sale Till takes: a million units at a million each, exact.
    let r = s.run("sale --item Ax1000000 --pay card:1000000000000");
    assert_eq!(r["total"], "1000000000000.00");
    // ...but beyond the limits Till says so instead of overflowing.
    for line in [
        "product add --sku B --name B --price 79228162514264337593543950335",
        "sale --item Ax1000001 --pay cash:1",
        "sale --item Ax99999999999999999999 --pay cash:1",
        "stock adjust A --by 9223372036854775807 --reason restock",
        "pricing rule add --when-stock-above 1 --multiplier 1000000000000000000000",
        "product add --sku C --name C --price 1 --stock 99999999999",
    ] {
        s.run_err(line, 2);
    }
}
