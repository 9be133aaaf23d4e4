//! The receipt printer through the real `till` binary: set-up, the test
//! page to a file, sales that print to a real TCP listener, the queue when
//! the printer is away, the cash drawer (audited), and bad input.

use std::io::Read;
use std::net::TcpListener;

use crate::cli_support::{shop, till_with, Shop};
use crate::staff::{ok_as, staffed_shop, CASHIER, OWNER};

#[path = "../print/decode.rs"]
#[allow(dead_code)]
mod decode;
use decode::{decode, printed_lines, Decoded};

fn coffee_shop() -> Shop {
    let s = shop();
    s.run("product add --sku COF --name 'Café au lait' --price 3.40 --tax-rate 10 --stock 100");
    s
}

/// A port nobody listens on.
fn closed_port() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    format!("tcp:{}", l.local_addr().unwrap())
}

/// A printer on loopback that reads one connection to its end, on a thread.
fn listen_once() -> (String, std::thread::JoinHandle<Vec<u8>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let dest = format!("tcp:{}", l.local_addr().unwrap());
    let reader = std::thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        let mut bytes = Vec::new();
        c.read_to_end(&mut bytes).unwrap();
        bytes
    });
    (dest, reader)
}

#[test]
fn printer_set_show_and_the_test_page_to_a_file() {
    let s = coffee_shop();
    let shown = s.run("printer show");
    assert_eq!(
        shown,
        serde_json::json!({"to": null, "width": 42, "codepage": "cp858", "drawer": false, "auto_print": false})
    );
    let file = s.db.with_file_name("printer.bin");
    let set = s.run(&format!(
        "printer set --to file:{} --width 32 --codepage cp437 --drawer true --auto-print true",
        file.display()
    ));
    assert_eq!(set["to"], format!("file:{}", file.display()));
    assert_eq!(set["width"], 32);
    assert_eq!(set["codepage"], "cp437");
    assert_eq!(set["drawer"], true);
    assert_eq!(set["auto_print"], true);
    assert_eq!(s.run("printer show"), set);
    // Recorded like every settings change.
    let history = s.run("settings history");
    let keys: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    for key in [
        "printer_to",
        "printer_width",
        "printer_codepage",
        "drawer_kick",
        "auto_print",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }

    let job = s.run("printer test");
    assert_eq!(job["kind"], "test");
    assert_eq!(job["state"], "sent");
    let decoded = decode(&std::fs::read(&file).unwrap());
    assert_eq!(decoded[..2], [Decoded::Init, Decoded::CodePage(0)]);
    let lines = printed_lines(&decoded);
    assert!(lines.iter().all(|l| l.chars().count() <= 32), "{lines:?}");
    // cp437 has no euro sign: a question mark, never another letter.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Euro sign") && l.contains("? 1.00")),
        "{lines:?}"
    );

    // Another destination just for the test page.
    let other = s.db.with_file_name("other.bin");
    s.run(&format!("printer test --to file:{}", other.display()));
    assert!(std::fs::metadata(&other).unwrap().len() > 0);
}

#[test]
fn bad_printer_input_exits_2_and_changes_nothing() {
    let s = coffee_shop();
    for (line, flag) in [
        ("printer set --to file:/tmp/x --width 40", "--width"),
        ("printer set --to lpt1 --width 42", "--to"),
        ("printer set --to tcp:printer --width 42", "--to"),
        (
            "printer set --to file:/tmp/x --width 42 --codepage cp1252",
            "--codepage",
        ),
    ] {
        let e = s.run_err(line, 2);
        assert_eq!(e["error"]["code"], "invalid_input", "{line}: {e}");
        let m = e["error"]["message"].as_str().unwrap();
        assert!(m.contains(flag), "{line}: {m}");
    }
    assert_eq!(s.run("printer show")["to"], serde_json::Value::Null);
    // A file that cannot be written: bad input, said with its path.
    let e = s.run_err("printer test --to file:/nonexistent-dir/receipt.bin", 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/nonexistent-dir/receipt.bin"),
        "{e}"
    );
    // No printer set: refused, nothing sold.
    let e = s.run_err("sale --item COF --pay cash:5 --receipt print", 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--receipt"),
        "{e}"
    );
    // An address mail cannot go to: refused, nothing sold.
    let e = s.run_err("sale --item COF --pay cash:5 --receipt email:ana", 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid --receipt: \"ana\" is not an email address"),
        "{e}"
    );
    let e = s.run_err("sale --item COF --pay cash:5 --receipt fax", 2);
    assert_eq!(e["error"]["code"], "invalid_input");
    assert_eq!(crate::cli_support::count(&s.db, "orders"), 0);
    let out = till_with(
        &s.db,
        &["sale", "--item", "COF", "--pay", "cash:5", "--json"],
        &[("TILL_PRINT_TIMEOUT", "soon")],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("TILL_PRINT_TIMEOUT"));
    assert_eq!(crate::cli_support::count(&s.db, "orders"), 0);
}

#[test]
fn a_cash_sale_prints_to_a_tcp_printer_with_the_drawer_kick() {
    let s = coffee_shop();
    let (dest, reader) = listen_once();
    s.run(&format!("printer set --to {dest} --drawer true"));
    let r = s.run("sale --item COFx2 --pay cash:10 --receipt print");
    let decoded = decode(&reader.join().unwrap());
    assert_eq!(decoded[..2], [Decoded::Init, Decoded::CodePage(19)]);
    assert!(decoded.iter().any(|d| matches!(d, Decoded::Cut { .. })));
    assert!(decoded
        .iter()
        .any(|d| matches!(d, Decoded::DrawerKick { .. })));
    let text = printed_lines(&decoded).join("\n");
    assert!(text.contains(r["number"].as_str().unwrap()), "{text}");
    assert!(text.contains("Café au lait"), "é through cp858: {text}");
    let jobs = s.run("printer queue");
    assert_eq!(jobs[0]["state"], "sent");
    assert_eq!(jobs[0]["order_ref"], r["number"]);
    // --receipt none: nothing prints (a card sale, so no drawer either).
    s.run("sale --item COF --pay card:3.74 --receipt none");
    assert_eq!(s.run("printer queue").as_array().unwrap().len(), 1);
}

#[test]
fn an_unreachable_printer_never_stops_a_sale_and_the_reprint_exits_1() {
    let s = coffee_shop();
    let dest = closed_port();
    s.run(&format!("printer set --to {dest} --auto-print true"));
    let env = [("TILL_PRINT_TIMEOUT", "1")];
    let out = till_with(
        &s.db,
        &["sale", "--item", "COF", "--pay", "cash:5", "--json"],
        &env,
        None,
    );
    assert!(out.status.success(), "{out:?}");
    let sold: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("print_failed"));
    let jobs = s.run("printer queue");
    assert_eq!(jobs[0]["state"], "queued");
    assert_eq!(jobs[0]["attempts"], 1);
    assert!(
        jobs[0]["last_error"].as_str().unwrap().contains("connect"),
        "{jobs}"
    );

    // `receipt print` to it: says so, exits 1, the job stays queued.
    let number = sold["number"].as_str().unwrap();
    let out = till_with(&s.db, &["receipt", "print", number, "--json"], &env, None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let e: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(e["error"]["code"], "unavailable");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("queued"),
        "{e}"
    );
    let jobs = s.run("printer queue");
    assert_eq!(jobs.as_array().unwrap().len(), 2);
    assert!(jobs
        .as_array()
        .unwrap()
        .iter()
        .all(|j| j["state"] == "queued"));

    // The printer comes back: a retry sends both.
    let l = TcpListener::bind(dest.trim_start_matches("tcp:"));
    if let Ok(l) = l {
        let reader = std::thread::spawn(move || {
            let mut all = Vec::new();
            for _ in 0..2 {
                let (mut c, _) = l.accept().unwrap();
                let mut bytes = Vec::new();
                c.read_to_end(&mut bytes).unwrap();
                all.push(bytes);
            }
            all
        });
        let report = s.run("printer retry");
        assert_eq!(report["sent"].as_array().unwrap().len(), 2, "{report}");
        let all = reader.join().unwrap();
        for bytes in all {
            let text = printed_lines(&decode(&bytes)).join("\n");
            assert!(text.contains(number), "{text}");
        }
        let jobs = s.run("printer queue");
        assert!(jobs
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["state"] == "sent"));
    }
}

#[test]
fn receipt_print_to_a_file_and_its_bad_input() {
    let s = coffee_shop();
    let sold = s.run("sale --item COF --pay cash:5");
    let number = sold["number"].as_str().unwrap();
    let file = s.db.with_file_name("receipt.bin");
    let job = s.run(&format!(
        "receipt print {number} --to file:{} --width 32 --copy",
        file.display()
    ));
    assert_eq!(job["state"], "sent");
    assert_eq!(job["kind"], "receipt");
    let lines = printed_lines(&decode(&std::fs::read(&file).unwrap()));
    assert!(lines.iter().all(|l| l.chars().count() <= 32), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("COPY")), "{lines:?}");
    // TCP too.
    let (dest, reader) = listen_once();
    s.run(&format!("receipt print {number} --to {dest} --gift"));
    let text = printed_lines(&decode(&reader.join().unwrap())).join("\n");
    assert!(text.contains(number), "{text}");

    let to = format!("--to file:{}", file.display());
    for (line, code) in [
        (format!("receipt print NOPE-000001 {to}"), "not_found"),
        (
            format!("receipt print {number} {to} --width 40"),
            "invalid_input",
        ),
        (
            format!("receipt print {number} --to paper"),
            "invalid_input",
        ),
        (format!("receipt print {number}"), "invalid_input"),
        (
            format!("receipt print {number} --to file:/nonexistent-dir/r.bin"),
            "invalid_input",
        ),
    ] {
        let e = s.run_err(&line, 2);
        assert_eq!(e["error"]["code"], code, "{line}: {e}");
    }
}

#[test]
fn opening_the_drawer_is_audited() {
    let s = staffed_shop();
    let file = s.db.with_file_name("drawer.bin");
    let to = format!("file:{}", file.display());
    ok_as(&s.db, Some(OWNER), &["printer", "set", "--to", &to]);
    let job = ok_as(&s.db, Some(CASHIER), &["drawer", "open"]);
    assert_eq!(job["kind"], "drawer");
    let decoded = decode(&std::fs::read(&file).unwrap());
    assert!(
        decoded
            .iter()
            .any(|d| matches!(d, Decoded::DrawerKick { .. })),
        "{decoded:?}"
    );
    let audit = ok_as(&s.db, Some(OWNER), &["audit", "list"]);
    let entry = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "drawer.open")
        .unwrap_or_else(|| panic!("no drawer.open in {audit}"));
    assert_eq!(entry["actor"], CASHIER.0);
}

#[test]
fn drawer_open_without_a_printer_is_bad_input() {
    let s = coffee_shop();
    let e = s.run_err("drawer open", 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("printer"),
        "{e}"
    );
}

#[test]
fn label_print_to_a_file_and_an_unknown_sku() {
    let s = coffee_shop();
    let file = s.db.with_file_name("labels.bin");
    let job = s.run(&format!(
        "label print COF --copies 2 --to file:{}",
        file.display()
    ));
    assert_eq!(job["kind"], "label");
    assert_eq!(job["state"], "sent");
    let decoded = decode(&std::fs::read(&file).unwrap());
    let cuts = decoded
        .iter()
        .filter(|d| matches!(d, Decoded::Cut { .. }))
        .count();
    assert_eq!(cuts, 2, "one label per copy: {decoded:?}");
    assert!(
        decoded
            .iter()
            .any(|d| d == &Decoded::Barcode128("COF".into())),
        "{decoded:?}"
    );
    let e = s.run_err(&format!("label print NOPE --to file:{}", file.display()), 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("NOPE"),
        "{e}"
    );
    let e = s.run_err(
        &format!("label print COF --copies 0 --to file:{}", file.display()),
        2,
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("--copies"),
        "{e}"
    );
}
