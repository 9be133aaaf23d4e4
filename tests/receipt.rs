//! Receipts as the core lays them out, against real store files: refunds,
//! gift receipts without prices, COPY, long names wrapped at 32 characters,
//! errors, the logo, and that reading a receipt writes nothing.

#[path = "support/mod.rs"]
mod support;

use support::*;
use till_core::catalog::NewProduct;
use till_core::orders::RefundRequest;
use till_core::receipt::{read_logo_file, ReceiptOptions};
use till_core::settings::SettingsUpdate;
use till_core::Store;

fn shop() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    s.update_settings(SettingsUpdate {
        store_name: Some("Corner Café".into()),
        shop_address: Some(Some("1 Market St\nSpringfield".into())),
        tax_id: Some(Some("GB123456789".into())),
        receipt_header: Some(Some("Open daily 8-18".into())),
        receipt_footer: Some(Some("Returns within 30 days\nThank you!".into())),
        ..Default::default()
    })
    .unwrap();
    add(&mut s, "COF", "3.40", "10", 100);
    s.add_product(NewProduct {
        sku: "LONG".into(),
        name: "Extraordinarily long Ethiopian Yirgacheffe single origin pour-over".into(),
        price: dec("4.50"),
        tax_rate: Some(dec("20")),
        stock: Some(10),
        ..Default::default()
    })
    .unwrap();
    (d, s)
}

fn opts(width: u32) -> ReceiptOptions {
    ReceiptOptions {
        width: Some(width),
        ..Default::default()
    }
}

/// Every byte of every table, for "nothing was written".
fn snapshot(s: &Store) -> Vec<String> {
    let conn = s.connection();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut row = format!("{t}:");
                for i in 0..n {
                    row.push_str(&format!("{:?}|", r.get_ref(i)?));
                }
                Ok(row)
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

#[test]
fn a_sale_receipt_has_the_shop_the_lines_the_totals_and_the_codes() {
    let (_d, mut s) = shop();
    let r = s
        .sell(sale(&[("COF", 2), ("LONG", 1)], vec![cash("20.00")]))
        .unwrap();
    let text = s.receipt_text(&r.number, &opts(42)).unwrap();
    for want in [
        "Corner Café",
        "1 Market St",
        "Springfield",
        "Tax id GB123456789",
        "Open daily 8-18",
        &r.number,
        "2 x €3.40",
        "€6.80",
        "Subtotal",
        "Tax 10 % on €6.80",
        "TOTAL",
        "Cash",
        "Change",
        "Returns within 30 days",
        &format!("till:order:{}", r.number),
    ] {
        assert!(text.contains(want), "{want:?} missing in:\n{text}");
    }
    assert!(!text.contains("COPY"), "{text}");
    // By id as by number.
    assert_eq!(s.receipt_text(&r.id, &opts(42)).unwrap(), text);
}

#[test]
fn a_refund_has_its_own_receipt() {
    let (_d, mut s) = shop();
    let r = s
        .sell(sale(&[("COF", 2), ("LONG", 1)], vec![cash("20.00")]))
        .unwrap();
    let refund = s
        .refund(RefundRequest {
            order: r.number.clone(),
            items: Some(vec![("COF".into(), 1)]),
            key: None,
        })
        .unwrap();
    let text = s.receipt_text(&refund.id, &opts(42)).unwrap();
    for want in [
        "REFUND",
        "Original receipt",
        r.number.as_str(),
        "Product COF",
        "-€3.74",
        "Cash €3.74",
    ] {
        assert!(text.contains(want), "{want:?} missing in:\n{text}");
    }
    assert!(
        !text.contains("LONG") && !text.contains("Yirgacheffe"),
        "{text}"
    );
    // Its number, the order's with the refund's place, names it too.
    let number = format!("{}-R1", r.number);
    assert!(text.contains(&number), "{text}");
    assert_eq!(s.receipt_text(&number, &opts(42)).unwrap(), text);
    let e = s
        .receipt_text(&format!("{}-R2", r.number), &opts(42))
        .unwrap_err();
    assert_eq!(e.code(), "not_found", "{e}");
}

#[test]
fn a_gift_receipt_shows_no_amount() {
    let (_d, mut s) = shop();
    let r = s
        .sell(sale(&[("COF", 2), ("LONG", 1)], vec![cash("20.00")]))
        .unwrap();
    for width in [32, 42, 48] {
        let text = s
            .receipt_text(
                &r.number,
                &ReceiptOptions {
                    width: Some(width),
                    gift: true,
                    copy: false,
                },
            )
            .unwrap();
        assert!(text.contains("GIFT RECEIPT"), "{text}");
        assert!(text.contains("Product COF"), "{text}");
        for amount in [
            "€", "3.40", "6.80", "TOTAL", "Tax 10", "%", "Change", "Subtotal",
        ] {
            assert!(
                !text.contains(amount),
                "{amount:?} on a gift receipt:\n{text}"
            );
        }
        // No amount of the sale in any form.
        for a in [r.total, r.subtotal, r.tax, r.paid, r.change] {
            assert!(
                !text.contains(&a.to_string()),
                "{a} on a gift receipt:\n{text}"
            );
        }
    }
}

#[test]
fn a_reprint_says_copy() {
    let (_d, mut s) = shop();
    let r = s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap();
    let copy = ReceiptOptions {
        copy: true,
        ..opts(32)
    };
    let text = s.receipt_text(&r.number, &copy).unwrap();
    assert!(text.contains("COPY"), "{text}");
}

#[test]
fn long_names_wrap_and_nothing_is_cut_at_32() {
    let (_d, mut s) = shop();
    let r = s.sell(sale(&[("LONG", 2)], vec![cash("20.00")])).unwrap();
    let text = s.receipt_text(&r.number, &opts(32)).unwrap();
    for line in text.lines() {
        assert!(line.chars().count() <= 32, "{line:?} is wider than 32");
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    for w in "Extraordinarily long Ethiopian Yirgacheffe single origin pour-over".split(' ') {
        assert!(words.contains(&w), "{w:?} was cut:\n{text}");
    }
}

#[test]
fn unknown_references_and_bad_widths_are_refused() {
    let (_d, mut s) = shop();
    let r = s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap();
    let e = s.receipt_text("NOPE-000001", &opts(42)).unwrap_err();
    assert_eq!(e.code(), "not_found", "{e}");
    assert!(e.to_string().contains("NOPE-000001"), "{e}");
    for bad in [0, 40, 80] {
        let e = s.receipt_text(&r.number, &opts(bad)).unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{e}");
        match &e {
            till_core::Error::Invalid { field, .. } => {
                assert_eq!(*field, till_core::input::Field::Width)
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains(&bad.to_string()), "{e}");
    }
}

#[test]
fn reading_a_receipt_writes_nothing() {
    let (_d, mut s) = shop();
    let r = s
        .sell(sale(&[("COF", 2), ("LONG", 1)], vec![cash("20.00")]))
        .unwrap();
    let refund = s
        .refund(RefundRequest {
            order: r.number.clone(),
            items: None,
            key: None,
        })
        .unwrap();
    let before = snapshot(&s);
    for reference in [r.number.as_str(), r.id.as_str(), refund.id.as_str()] {
        for o in [
            opts(32),
            ReceiptOptions {
                width: Some(48),
                gift: true,
                copy: true,
            },
        ] {
            s.receipt_doc(reference, &o).unwrap();
            s.receipt_text(reference, &o).unwrap();
        }
    }
    s.labels(&["COF".into(), "LONG".into()]).unwrap();
    assert_eq!(before, snapshot(&s));
}

/// A real PNG, `w` x `h`, black on the left half, white on the right.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    let data: Vec<u8> = (0..h)
        .flat_map(|_| (0..w).map(move |x| if x < w / 2 { 0 } else { 255 }))
        .collect();
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}

#[test]
fn a_logo_must_be_a_png_and_prints_as_an_image() {
    let (d, mut s) = shop();
    let not_png = d.path().join("logo.jpg");
    std::fs::write(&not_png, b"\xff\xd8\xff\xe0 not a png at all").unwrap();
    let e = read_logo_file(&not_png).unwrap_err();
    assert_eq!(e.code(), "invalid_input", "{e}");
    assert!(e.to_string().contains("logo.jpg"), "{e}");
    assert!(e.to_string().contains("not a PNG"), "{e}");
    let missing = d.path().join("missing.png");
    let e = read_logo_file(&missing).unwrap_err();
    assert!(e.to_string().contains("missing.png"), "{e}");
    assert!(s.set_receipt_logo(b"GIF89a").is_err());
    assert_eq!(s.receipt_logo_info().unwrap(), None);

    let good = d.path().join("logo.png");
    std::fs::write(&good, png(1000, 200)).unwrap();
    let bytes = read_logo_file(&good).unwrap();
    let info = s.set_receipt_logo(&bytes).unwrap();
    assert_eq!((info.width_px, info.height_px), (1000, 200));
    assert_eq!(s.receipt_logo_info().unwrap(), Some(info));

    let r = s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap();
    for width in [32, 48] {
        let doc = s.receipt_doc(&r.number, &opts(width)).unwrap();
        let dots = till_print::Width::new(width).unwrap().dots();
        match &doc.blocks[0] {
            till_print::Block::Raster {
                width_px,
                height_px,
                ..
            } => {
                assert_eq!(*width_px, dots, "scaled to the paper");
                assert_eq!(u32::from(*height_px), 200 * u32::from(dots) / 1000);
            }
            other => panic!("the logo comes first, got {other:?}"),
        }
        let text = s.receipt_text(&r.number, &opts(width)).unwrap();
        assert_eq!(text.lines().next().map(str::trim), Some("[logo]"), "{text}");
    }
    s.clear_receipt_logo().unwrap();
    assert_eq!(s.receipt_logo_info().unwrap(), None);

    // With the settings, in one transaction: a refused setting keeps the logo out.
    let bad = SettingsUpdate {
        store_name: Some("Renamed".into()),
        idle_lock_minutes: Some(100_000),
        ..Default::default()
    };
    assert!(s.update_settings_and_logo(bad, Some(Some(&bytes))).is_err());
    assert_eq!(s.receipt_logo_info().unwrap(), None);
    assert_eq!(s.settings().store_name, "Corner Café");
    let good = SettingsUpdate {
        store_name: Some("Renamed".into()),
        ..Default::default()
    };
    s.update_settings_and_logo(good, Some(Some(&bytes)))
        .unwrap();
    assert!(s.receipt_logo_info().unwrap().is_some());
    assert_eq!(s.settings().store_name, "Renamed");
}

#[test]
fn labels_carry_the_price_now_and_the_right_barcode() {
    let (_d, mut s) = shop();
    s.add_product(NewProduct {
        sku: "EAN".into(),
        name: "Jam".into(),
        price: dec("2.50"),
        barcode: Some("4006381333931".into()),
        stock: Some(1),
        ..Default::default()
    })
    .unwrap();
    s.add_product(NewProduct {
        sku: "BAD".into(),
        name: "Honey".into(),
        price: dec("5"),
        barcode: Some("4006381333932".into()),
        stock: Some(1),
        ..Default::default()
    })
    .unwrap();
    let labels = s
        .labels(&["EAN".into(), "BAD".into(), "COF".into()])
        .unwrap();
    assert_eq!(labels[0].price, "€2.50");
    assert_eq!(
        labels[0].code,
        till_print::LabelCode::Ean13("4006381333931".into())
    );
    assert_eq!(labels[1].code, till_print::LabelCode::Code128("BAD".into()));
    assert_eq!(labels[2].code, till_print::LabelCode::Code128("COF".into()));
    let e = s.labels(&["COF".into(), "NOPE".into()]).unwrap_err();
    assert_eq!(e.code(), "unknown_product");
    assert!(e.to_string().contains("NOPE"), "{e}");
}

#[test]
fn the_euro_sign_reaches_the_printer_as_cp858_s_byte() {
    let (_d, mut s) = shop();
    let r = s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap();
    let doc = s.receipt_doc(&r.number, &opts(42)).unwrap();
    let cp858 =
        till_print::to_escpos(&doc, till_print::Width::W42, till_print::CodePage::Cp858).unwrap();
    assert!(cp858.contains(&0xD5), "€ is 0xD5 in CP858");
    // CP437 has no euro sign: it prints as `?`, never another character.
    let cp437 =
        till_print::to_escpos(&doc, till_print::Width::W42, till_print::CodePage::Cp437).unwrap();
    assert!(!cp437.contains(&0xD5));
    assert!(cp437.windows(5).any(|w| w == b"?3.40"), "{cp437:?}");
}

#[test]
fn a_refund_approved_by_a_manager_names_both() {
    let (_d, mut s) = shop();
    s.staff_add("Olga", till_core::Role::Owner, "1111").unwrap();
    s.sign_in("Olga", "1111").unwrap();
    s.staff_add("Max", till_core::Role::Manager, "2222")
        .unwrap();
    s.staff_add("Cleo", till_core::Role::Cashier, "3333")
        .unwrap();
    s.sign_in("Cleo", "3333").unwrap();
    let r = s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap();
    s.approve("Max", "2222").unwrap();
    let refund = s
        .refund(RefundRequest {
            order: r.number.clone(),
            items: None,
            key: None,
        })
        .unwrap();
    s.clear_approval();
    let text = s.receipt_text(&refund.id, &opts(42)).unwrap();
    assert!(text.contains("Cashier") && text.contains("Cleo"), "{text}");
    assert!(
        text.contains("Approved by") && text.contains("Max"),
        "{text}"
    );
    let sale_text = s.receipt_text(&r.number, &opts(42)).unwrap();
    assert!(!sale_text.contains("Approved by"), "{sale_text}");
    // A discount above the threshold, approved: the sale's receipt says by whom.
    let mut req = sale(&[("COF", 2)], vec![cash("10.00")]);
    req.order_discount = Some(till_core::totals::Discount::Percent(dec("50")));
    s.approve("Max", "2222").unwrap();
    let discounted = s.sell(req).unwrap();
    s.clear_approval();
    let text = s.receipt_text(&discounted.number, &opts(42)).unwrap();
    assert!(
        text.contains("Approved by") && text.contains("Max"),
        "{text}"
    );
}

#[test]
fn a_damaged_logo_is_named_not_printed_as_nothing() {
    let (_d, mut s) = shop();
    let r = s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap();
    s.connection()
        .execute(
            "INSERT INTO receipt_logo (id, png, width_px, height_px, updated_at)
             VALUES (1, x'00010203', 1, 1, '2026-12-01T09:00:00.000Z')",
            [],
        )
        .unwrap();
    let e = s.receipt_text(&r.number, &opts(42)).unwrap_err();
    assert_eq!(e.code(), "store_damaged", "{e}");
    assert!(e.to_string().contains("receipt_logo"), "{e}");
    let report = s.doctor().unwrap();
    assert!(
        report
            .damaged
            .iter()
            .any(|d| d.table == "receipt_logo" && d.column == "png"),
        "{:?}",
        report.damaged
    );
}

#[test]
fn a_member_s_receipt_names_the_customer_and_the_tier() {
    let (_d, mut s) = shop();
    let ann = s
        .add_customer(
            till_core::customers::CustomerKind::Customer,
            till_core::customers::NewCustomer {
                name: "Ann Lee".into(),
                ..Default::default()
            },
        )
        .unwrap();
    // The tier and the membership as `membership enroll` leaves them (the
    // plan's gate is not what this test is about).
    s.connection()
        .execute_batch(&format!(
            "INSERT INTO membership_tiers (id, name, fee_monthly, discount_percent, doc, created_at)
             VALUES ('club', 'Club', '5', '10', '{{}}', '2026-01-01T00:00:00.000Z');
             INSERT INTO memberships (customer_id, tier_id, since, until)
             VALUES ('{}', 'club', '2026-01-01T00:00:00.000Z', NULL);",
            ann.id
        ))
        .unwrap();
    let mut req = sale(&[("COF", 1)], vec![cash("5.00")]);
    req.customer_id = Some(ann.id.clone());
    let r = s.sell(req).unwrap();
    let text = s.receipt_text(&r.number, &opts(42)).unwrap();
    assert!(
        text.contains("Customer") && text.contains("Ann Lee"),
        "{text}"
    );
    assert!(text.contains("Member") && text.contains("Club"), "{text}");
    assert!(text.contains("Club member -10%"), "{text}");
    // Not on the gift receipt: it goes to someone else.
    let gift = ReceiptOptions {
        gift: true,
        ..opts(42)
    };
    let text = s.receipt_text(&r.number, &gift).unwrap();
    assert!(
        !text.contains("Ann Lee") && !text.contains("Club"),
        "{text}"
    );
}
