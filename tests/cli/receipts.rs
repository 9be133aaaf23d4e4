//! `till receipt text` against golden files: a sale with a bundle, a flash
//! price, an order discount, a customer with a referral code, two tenders
//! and change; its refund; a reprint (COPY); a gift receipt; each at 32, 42
//! and 48 characters. `TILL_WRITE_GOLDEN=1` rewrites the files.
//!
//! What differs from run to run is made the same: the receipt numbers'
//! device prefix and the sale's and refund's times are set in the store
//! file; the referral code is masked in the output (by a string of the
//! same length, so the layout is the one printed).

use std::path::{Path, PathBuf};

use crate::cli_support::{run_err, shop, till, Shop};

struct Sold {
    shop: Shop,
    number: String,
    referral: String,
}

fn sql(db: &Path, statement: &str, params: &[&str]) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(statement, rusqlite::params_from_iter(params))
        .unwrap();
}

fn sold() -> Sold {
    let s = shop();
    // The receipt numbers' prefix, fixed before the first sale.
    sql(
        &s.db,
        "UPDATE settings SET value = 'TEST' WHERE key = 'device_prefix'",
        &[],
    );
    s.run(
        "settings set --name 'Corner Café' --address '1 Market St\nSpringfield' --tax-id GB123456789 \
         --receipt-header 'Open daily 8-18' --receipt-footer 'Returns within 30 days with this receipt\nThank you!' \
         --time-zone Europe/Berlin --locale en-GB",
    );
    s.run("product add --sku COF --name Coffee --price 3.40 --tax-rate 10 --stock 100");
    s.run("product add --sku CRO --name Croissant --price 2.00 --tax-rate 10 --stock 100");
    s.run("product add --sku TEA --name 'Green tea' --price 2.80 --tax-rate 10 --stock 100");
    s.run(
        "product add --sku LONG --name 'Extraordinarily long Ethiopian Yirgacheffe single origin pour-over beans' \
         --price 14.50 --tax-rate 20 --stock 10",
    );
    s.run("bundle create --name Breakfast --item COF --item CRO --price 4.50");
    s.run(
        "flash create --name 'Happy hour' --sku TEA --multiplier 0.75 \
         --start 2000-01-01T00:00:00Z --end 2100-01-01T00:00:00Z",
    );
    let ann = s.run("customer add --name 'Ann Lee'")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bob = s.run("customer add --name Bob")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let referral = s.run(&format!("referral code {bob}"))["code"]
        .as_str()
        .unwrap()
        .to_string();
    let r = s.run(&format!(
        "sale --item COFx2 --item CRO --item TEA --item LONG --discount 5% \
         --customer {ann} --referral {referral} --pay card:10.00:T123 --pay cash:20"
    ));
    let number = r["number"].as_str().unwrap().to_string();
    assert_eq!(number, "TEST-000001");
    let refund = s.run(&format!("order refund {number} --item COFx1"));
    let refund_id = refund["id"].as_str().unwrap().to_string();
    sql(
        &s.db,
        "UPDATE orders SET created_at = '2026-12-02T13:05:00.000Z' WHERE number = ?1",
        &[&number],
    );
    sql(
        &s.db,
        "UPDATE refunds SET created_at = '2026-12-03T09:30:00.000Z' WHERE id = ?1",
        &[&refund_id],
    );
    Sold {
        shop: s,
        number,
        referral,
    }
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cli/golden")
}

/// `till receipt text ARGS` with the random parts masked.
fn receipt(sold: &Sold, args: &[&str]) -> String {
    let mut all = vec!["receipt", "text"];
    all.extend_from_slice(args);
    let out = till(&sold.shop.db, &all);
    assert!(
        out.status.success(),
        "till {all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let masked_code: String = "REF"
        .chars()
        .chain(std::iter::repeat('0'))
        .take(sold.referral.chars().count())
        .collect();
    text.replace(&sold.referral, &masked_code)
}

fn check(name: &str, text: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("TILL_WRITE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; write it with TILL_WRITE_GOLDEN=1", path.display()));
    assert!(
        want == text,
        "{name} differs from the golden file (TILL_WRITE_GOLDEN=1 rewrites it)\n--- want\n{want}\n--- got\n{text}"
    );
}

#[test]
fn every_kind_of_receipt_at_every_width_matches_its_golden_file() {
    let sold = sold();
    for width in ["32", "42", "48"] {
        let n = sold.number.as_str();
        let kinds: [(&str, Vec<&str>); 4] = [
            ("sale", vec![n, "--width", width]),
            ("copy", vec![n, "--width", width, "--copy"]),
            ("gift", vec![n, "--width", width, "--gift"]),
            ("refund", vec!["TEST-000001-R1", "--width", width]),
        ];
        for (kind, args) in kinds {
            let text = receipt(&sold, &args);
            let w: usize = width.parse().unwrap();
            for line in text.lines() {
                assert!(
                    line.chars().count() <= w,
                    "{kind} at {width}: {line:?} is too wide"
                );
            }
            check(&format!("receipt_{kind}_{width}.txt"), &text);
        }
    }
    // JSON: the text with the width it was laid out for.
    let out = till(&sold.shop.db, &["receipt", "text", &sold.number, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["width"], 42);
    assert!(v["text"].as_str().unwrap().contains("TOTAL"));
}

#[test]
fn bad_receipt_and_label_input_exits_2_with_a_clear_message() {
    let sold = sold();
    let s = &sold.shop;
    let e = run_err(&s.db, "receipt text NOPE-1", 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("NOPE-1"),
        "{e}"
    );
    for bad in ["40", "abc", "-1"] {
        let e = run_err(
            &s.db,
            &format!("receipt text {} --width {bad}", sold.number),
            2,
        );
        let m = e["error"]["message"].as_str().unwrap();
        assert!(m.contains("--width"), "{m}");
    }
    let e = run_err(&s.db, "label text COF NOPE", 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("NOPE"),
        "{e}"
    );
    let e = run_err(&s.db, "label text COF --copies 0", 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("--copies"),
        "{e}"
    );
    // A logo that is not a PNG: refused by name, nothing changed.
    let fake = s.db.with_file_name("logo.png");
    std::fs::write(&fake, "GIF89a, not a png").unwrap();
    let e = run_err(
        &s.db,
        &format!("settings set --name Other --logo {}", fake.display()),
        2,
    );
    let m = e["error"]["message"].as_str().unwrap();
    assert!(m.contains("--logo") && m.contains("logo.png"), "{m}");
    assert_eq!(s.run("settings show")["store_name"], "Corner Café");
}

#[test]
fn labels_print_name_price_and_barcode() {
    let s = shop();
    s.run("product add --sku JAM --name 'Strawberry jam' --price 2.50 --barcode 4006381333931 --stock 1");
    s.run("product add --sku HON --name Honey --price 5.00 --stock 1");
    let v = s.run("label text JAM HON --copies 2 --width 32");
    assert_eq!(v["labels"][0]["symbology"], "ean13");
    assert_eq!(v["labels"][0]["code"], "4006381333931");
    assert_eq!(v["labels"][1]["symbology"], "code128");
    assert_eq!(v["labels"][1]["code"], "HON");
    let text = v["text"].as_str().unwrap();
    assert_eq!(text.matches("Strawberry jam").count(), 2, "{text}");
    assert_eq!(text.matches("€5.00").count(), 2, "{text}");
}

#[test]
fn a_png_logo_is_set_and_printed() {
    let s = shop();
    let path = s.db.with_file_name("logo.png");
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, 64, 16);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[0u8; 64 * 16 * 4]).unwrap();
        w.finish().unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    s.run(&format!("settings set --logo {}", path.display()));
    s.run("product add --sku A --name A --price 1.00 --stock 5");
    let r = s.run("sale --item A --pay cash:1");
    let text = crate::cli_support::text(&s.db, &["receipt", "text", r["number"].as_str().unwrap()]);
    assert_eq!(text.lines().next().map(str::trim), Some("[logo]"), "{text}");
    s.run("settings set --logo ''");
    let text = crate::cli_support::text(&s.db, &["receipt", "text", r["number"].as_str().unwrap()]);
    assert!(!text.contains("[logo]"), "{text}");
}
