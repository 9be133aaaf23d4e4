//! Suppliers, purchase orders and receiving against real store files:
//! the PO's life (draft, sent, partly received, received, cancelled),
//! `receive` movements naming their PO, the weighted-average cost against
//! values worked out by hand, errors that name the line, and the PO as a
//! CSV (read back with the csv crate) and a PDF (read back with pdftotext).

#[path = "support/mod.rs"]
mod support;

use rust_decimal::Decimal;
use support::*;
use till_core::catalog::{NewProduct, ProductUpdate};
use till_core::input::Field;
use till_core::inventory::MovementKind;
use till_core::money::Currency;
use till_core::purchasing::{
    weighted_cost, PoFilter, PoFormat, PoLineInput, PoStatus, PurchaseOrder,
};
use till_core::settings::SettingsUpdate;
use till_core::suppliers::{SupplierInput, SupplierUpdate};
use till_core::{Error, Role, Store};

/// A product with stock and, when given, a cost.
fn product(s: &mut Store, sku: &str, stock: i64, cost: Option<&str>) {
    s.add_product(NewProduct {
        sku: sku.into(),
        name: format!("Product {sku}"),
        price: dec("10.00"),
        cost: cost.map(dec),
        stock: Some(stock),
        ..Default::default()
    })
    .unwrap();
}

fn shop() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    s.supplier_add(SupplierInput {
        name: "Bean Co".into(),
        contact: Some("Bea".into()),
        email: Some("Orders@Bean.example".into()),
        phone: None,
        lead_days: Some(5),
    })
    .unwrap();
    product(&mut s, "COF", 10, Some("2.00"));
    product(&mut s, "MUG", 0, None);
    product(&mut s, "BOX", 3, Some("1.00"));
    (d, s)
}

fn line(sku: &str, qty: i64, cost: &str) -> PoLineInput {
    PoLineInput {
        sku: sku.into(),
        qty,
        unit_cost: dec(cost),
    }
}

fn items(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(s, q)| (s.to_string(), *q)).collect()
}

fn cost(s: &Store, sku: &str) -> Option<Decimal> {
    s.product(sku).unwrap().cost
}

fn invalid(e: Error) -> (Field, String) {
    match e {
        Error::Invalid { field, message } => (field, message),
        other => panic!("expected bad input, got {other:?}"),
    }
}

fn po_line<'a>(po: &'a PurchaseOrder, sku: &str) -> &'a till_core::purchasing::PoLine {
    po.lines.iter().find(|l| l.sku == sku).unwrap()
}

#[test]
fn suppliers_are_unique_by_name_and_checked() {
    let (_d, mut s) = shop();
    let bean = s.supplier("bean co").unwrap();
    assert_eq!(bean.email.as_deref(), Some("orders@bean.example"));
    assert_eq!(bean.lead_days, 5);
    let e = s
        .supplier_add(SupplierInput {
            name: "BEAN CO".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(e, Error::Conflict(_)), "{e:?}");
    let (field, _) = invalid(
        s.supplier_add(SupplierInput {
            name: "Tea Ltd".into(),
            email: Some("not an address".into()),
            ..Default::default()
        })
        .unwrap_err(),
    );
    assert_eq!(field, Field::Email);
    let (field, message) = invalid(
        s.supplier_add(SupplierInput {
            name: "Tea Ltd".into(),
            lead_days: Some(366),
            ..Default::default()
        })
        .unwrap_err(),
    );
    assert_eq!(field, Field::LeadDays);
    assert!(message.contains("366"), "{message}");
    let tea = s
        .supplier_add(SupplierInput {
            name: "Tea Ltd".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(tea.lead_days, 7, "the default lead time");
    let tea = s
        .supplier_update(
            "tea ltd",
            SupplierUpdate {
                lead_days: Some(0),
                contact: Some(Some("Tom".into())),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((tea.lead_days, tea.contact.as_deref()), (0, Some("Tom")));
    let e = s
        .supplier_update(
            "Tea Ltd",
            SupplierUpdate {
                name: Some("bean CO".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(e, Error::Conflict(_)), "{e:?}");
    let names: Vec<String> = s.suppliers().unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Bean Co", "Tea Ltd"]);
    // A product names a supplier that exists.
    let p = s
        .update_product(
            "COF",
            ProductUpdate {
                supplier: Some(Some("BEAN CO".into())),
                reorder_point: Some(Some(4)),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(p.supplier.as_deref(), Some("Bean Co"));
}

#[test]
fn a_po_is_created_sent_received_in_parts_then_in_full() {
    let (_d, mut s) = shop();
    let po = s
        .po_create(
            "bean co",
            &[line("COF", 10, "2.60"), line("MUG", 4, "3.00")],
            Some("before Friday"),
        )
        .unwrap();
    assert_eq!(po.number, "PO-0001");
    assert_eq!(po.status, PoStatus::Draft);
    assert_eq!(po.supplier, "Bean Co");
    assert_eq!(po.total, dec("38.00"));
    assert_eq!(po_line(&po, "COF").outstanding, 10);
    let second = s
        .po_create("Bean Co", &[line("BOX", 1, "1")], None)
        .unwrap();
    assert_eq!(second.number, "PO-0002");
    assert_eq!(s.po_id("po-0002").unwrap(), second.id);
    assert_eq!(s.po_id(&second.id.to_string()).unwrap(), second.id);

    let po = s.po_send(po.id).unwrap();
    assert_eq!(po.status, PoStatus::Sent);
    let e = s.po_send(po.id).unwrap_err();
    assert!(e.to_string().contains("only a draft"), "{e}");

    // 5 of the 10 coffees: (10 x 2.00 + 5 x 2.60) / 15 = 33 / 15 = 2.20.
    let po = s.po_receive(po.id, Some(&items(&[("COF", 5)]))).unwrap();
    assert_eq!(po.status, PoStatus::PartlyReceived);
    assert_eq!(
        (
            po_line(&po, "COF").received,
            po_line(&po, "COF").outstanding
        ),
        (5, 5)
    );
    assert_eq!(s.product("COF").unwrap().on_hand, 15);
    assert_eq!(cost(&s, "COF"), Some(dec("2.20")));

    // The rest: 5 more coffees, (15 x 2.20 + 5 x 2.60) / 20 = 46 / 20 = 2.30;
    // the mugs had no cost and no stock: their cost is the unit cost.
    let po = s.po_receive(po.id, None).unwrap();
    assert_eq!(po.status, PoStatus::Received);
    assert!(po
        .lines
        .iter()
        .all(|l| l.outstanding == 0 && l.received == l.qty));
    assert_eq!(s.product("COF").unwrap().on_hand, 20);
    assert_eq!(cost(&s, "COF"), Some(dec("2.30")));
    assert_eq!(s.product("MUG").unwrap().on_hand, 4);
    assert_eq!(cost(&s, "MUG"), Some(dec("3.00")));

    // Movements of kind receive, naming the PO by id and by number.
    let moves = s.movements("COF").unwrap();
    let received: Vec<i64> = moves
        .iter()
        .filter(|m| m.kind == MovementKind::Receive)
        .map(|m| m.qty)
        .collect();
    assert_eq!(received, [5, 5]);
    assert!(moves
        .iter()
        .filter(|m| m.kind == MovementKind::Receive)
        .all(|m| m.reason.as_deref() == Some("PO-0001")));
    let with_po: i64 = s
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM stock_movements WHERE kind = 'receive' AND po_id = ?1",
            [po.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(with_po, 3);
    assert!(s.stock_drift().unwrap().is_empty());
    // One stock event a product received, for the upstream's stock.
    let events: i64 = s
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE type = 'stock.adjusted' AND payload LIKE '%\"kind\":\"receive\"%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(events, 3);

    // Received in full: no more receiving, no cancelling.
    let e = s.po_receive(po.id, None).unwrap_err();
    assert!(matches!(e, Error::Refused(_)), "{e:?}");
    assert!(e.to_string().contains("already received"), "{e}");
    let e = s.po_cancel(po.id).unwrap_err();
    assert!(matches!(e, Error::Refused(_)), "{e:?}");

    let sent = s
        .pos(&PoFilter {
            status: Some(PoStatus::Received),
            supplier: None,
        })
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(s.pos(&PoFilter::default()).unwrap().len(), 2);
}

#[test]
fn more_than_ordered_may_come_and_closes_the_line() {
    let (_d, mut s) = shop();
    let po = s
        .po_create("Bean Co", &[line("BOX", 5, "1.40")], None)
        .unwrap();
    // A draft may be received without being sent. 7 of 5 ordered:
    // (3 x 1.00 + 7 x 1.40) / 10 = 12.80 / 10 = 1.28.
    let po = s.po_receive(po.id, Some(&items(&[("BOX", 7)]))).unwrap();
    assert_eq!(po.status, PoStatus::Received);
    let l = po_line(&po, "BOX");
    assert_eq!((l.qty, l.received, l.outstanding), (5, 7, 0));
    assert_eq!(s.product("BOX").unwrap().on_hand, 10);
    assert_eq!(cost(&s, "BOX"), Some(dec("1.28")));
}

#[test]
fn weighted_cost_by_hand() {
    let eur = Currency::from_code("EUR").unwrap();
    let jpy = Currency::from_code("JPY").unwrap();
    // (10 x 2.00 + 5 x 2.60) / 15 = 2.20
    assert_eq!(
        weighted_cost(&eur, 10, Some(dec("2.00")), 5, dec("2.60")),
        dec("2.20")
    );
    // (3 x 1.00 + 4 x 1.01) / 7 = 7.04 / 7 = 1.00571... -> 1.01
    assert_eq!(
        weighted_cost(&eur, 3, Some(dec("1.00")), 4, dec("1.01")),
        dec("1.01")
    );
    // A half cent exactly: (1 x 1.00 + 1 x 1.01) / 2 = 1.005 -> 1.01, half
    // away from zero as the currency rounds everywhere.
    assert_eq!(
        weighted_cost(&eur, 1, Some(dec("1.00")), 1, dec("1.01")),
        dec("1.01")
    );
    // (2 x 1.00 + 1 x 1.00) / 3 = 1 exactly, written with the minor units.
    assert_eq!(
        weighted_cost(&eur, 2, Some(dec("1")), 1, dec("1")).to_string(),
        "1.00"
    );
    // Yen have no minor unit: (1 x 100 + 2 x 101) / 3 = 100.67 -> 101.
    assert_eq!(
        weighted_cost(&jpy, 1, Some(dec("100")), 2, dec("101")),
        dec("101")
    );
    // Unknown old cost, no stock, stock below zero: the unit cost.
    assert_eq!(weighted_cost(&eur, 10, None, 5, dec("3.00")), dec("3.00"));
    assert_eq!(
        weighted_cost(&eur, 0, Some(dec("5.00")), 2, dec("3.00")),
        dec("3.00")
    );
    assert_eq!(
        weighted_cost(&eur, -5, Some(dec("2.00")), 10, dec("4.00")),
        dec("4.00")
    );
}

#[test]
fn receiving_with_unknown_cost_no_stock_or_stock_below_zero_takes_the_unit_cost() {
    let (_d, mut s) = shop();
    s.update_settings(SettingsUpdate {
        allow_negative_stock: Some(true),
        ..Default::default()
    })
    .unwrap();
    // COF: 10 on hand at 2.00, corrected to -5.
    s.adjust_stock("COF", -15, MovementKind::Correction, Some("miscount"))
        .unwrap();
    // BOX: 3 on hand at 1.00, damaged to 0.
    s.adjust_stock("BOX", -3, MovementKind::Damage, None)
        .unwrap();
    product(&mut s, "TEA", 8, None);
    let po = s
        .po_create(
            "Bean Co",
            &[
                line("COF", 10, "4.00"),
                line("BOX", 2, "3.00"),
                line("TEA", 4, "0.75"),
            ],
            None,
        )
        .unwrap();
    s.po_receive(po.id, None).unwrap();
    assert_eq!(cost(&s, "COF"), Some(dec("4.00")));
    assert_eq!(s.product("COF").unwrap().on_hand, 5);
    assert_eq!(cost(&s, "BOX"), Some(dec("3.00")));
    assert_eq!(cost(&s, "TEA"), Some(dec("0.75")));
    assert_eq!(s.product("TEA").unwrap().on_hand, 12);
}

#[test]
fn bad_lines_are_refused_by_their_place_and_nothing_is_written() {
    let (_d, mut s) = shop();
    let (field, message) = invalid(
        s.po_create(
            "Bean Co",
            &[line("COF", 2, "1.00"), line("MUG", 0, "1.00")],
            None,
        )
        .unwrap_err(),
    );
    assert_eq!(field, Field::Item);
    assert!(message.contains("item 2 (MUG)"), "{message}");
    let (_, message) = invalid(
        s.po_create(
            "Bean Co",
            &[line("COF", 2, "1.00"), line("COF", 1, "1.00")],
            None,
        )
        .unwrap_err(),
    );
    assert!(
        message.contains("item 2 (COF)") && message.contains("twice"),
        "{message}"
    );
    let (field, message) = invalid(
        s.po_create(
            "Bean Co",
            &[line("MUG", 1, "1.00"), line("COF", 1, "1.234")],
            None,
        )
        .unwrap_err(),
    );
    assert_eq!(field, Field::Cost);
    assert!(
        message.contains("item 2 (COF)") && message.contains("1.234"),
        "{message}"
    );
    let (field, _) = invalid(
        s.po_create("Bean Co", &[line("COF", 1, "-1.00")], None)
            .unwrap_err(),
    );
    assert_eq!(field, Field::Cost);
    let (field, _) = invalid(
        s.po_create("Nobody Ltd", &[line("COF", 1, "1.00")], None)
            .unwrap_err(),
    );
    assert_eq!(field, Field::Supplier);
    let e = s
        .po_create("Bean Co", &[line("NOPE", 1, "1.00")], None)
        .unwrap_err();
    assert!(matches!(e, Error::UnknownProduct(_)), "{e:?}");
    let (field, _) = invalid(s.po_create("Bean Co", &[], None).unwrap_err());
    assert_eq!(field, Field::Items);
    assert_eq!(count(&s, "purchase_orders"), 0);
    assert_eq!(count(&s, "po_lines"), 0);

    // Receiving: a product not on the PO, a quantity below one, twice.
    let po = s
        .po_create("Bean Co", &[line("COF", 2, "1.00")], None)
        .unwrap();
    let before = count(&s, "stock_movements");
    let (field, message) = invalid(
        s.po_receive(po.id, Some(&items(&[("COF", 1), ("MUG", 1)])))
            .unwrap_err(),
    );
    assert_eq!(field, Field::Item);
    assert!(
        message.contains("item 2 (MUG)") && message.contains("MUG is not on PO-0001"),
        "{message}"
    );
    let (_, message) = invalid(
        s.po_receive(po.id, Some(&items(&[("COF", 0)])))
            .unwrap_err(),
    );
    assert!(
        message.contains("item 1 (COF)") && message.contains("at least 1"),
        "{message}"
    );
    let (_, message) = invalid(
        s.po_receive(po.id, Some(&items(&[("COF", 1), ("COF", 1)])))
            .unwrap_err(),
    );
    assert!(message.contains("twice"), "{message}");
    assert_eq!(count(&s, "stock_movements"), before, "nothing half-written");
    assert_eq!(s.po(po.id).unwrap().status, PoStatus::Draft);
    assert_eq!(cost(&s, "COF"), Some(dec("2.00")));
}

#[test]
fn cancel_rules() {
    let (_d, mut s) = shop();
    let draft = s
        .po_create("Bean Co", &[line("COF", 2, "1.00")], None)
        .unwrap();
    assert_eq!(s.po_cancel(draft.id).unwrap().status, PoStatus::Cancelled);
    let e = s.po_cancel(draft.id).unwrap_err();
    assert!(e.to_string().contains("already cancelled"), "{e}");
    let e = s.po_receive(draft.id, None).unwrap_err();
    assert!(
        matches!(e, Error::Refused(_)) && e.to_string().contains("cancelled"),
        "{e:?}"
    );
    let e = s.po_send(draft.id).unwrap_err();
    assert!(matches!(e, Error::Refused(_)), "{e:?}");

    let sent = s
        .po_create("Bean Co", &[line("COF", 2, "1.00")], None)
        .unwrap();
    s.po_send(sent.id).unwrap();
    assert_eq!(s.po_cancel(sent.id).unwrap().status, PoStatus::Cancelled);

    // Partly received: cancelling closes the rest; what came stays.
    let part = s
        .po_create("Bean Co", &[line("COF", 4, "2.00")], None)
        .unwrap();
    s.po_receive(part.id, Some(&items(&[("COF", 1)]))).unwrap();
    let closed = s.po_cancel(part.id).unwrap();
    assert_eq!(closed.status, PoStatus::Cancelled);
    assert_eq!(po_line(&closed, "COF").received, 1);
    assert_eq!(s.product("COF").unwrap().on_hand, 11);
}

#[test]
fn purchasing_is_audited_and_a_manager_s_work() {
    let (_d, mut s) = shop();
    s.staff_add("Olga", Role::Owner, "1111").unwrap();
    s.sign_in("Olga", "1111").unwrap();
    s.staff_add("Cleo", Role::Cashier, "3333").unwrap();
    let po = s
        .po_create("Bean Co", &[line("COF", 2, "1.00")], None)
        .unwrap();
    s.po_send(po.id).unwrap();
    s.po_receive(po.id, Some(&items(&[("COF", 1)]))).unwrap();
    s.po_cancel(po.id).unwrap();
    let actions: Vec<String> = s
        .audit_list(&till_core::audit::AuditFilter {
            action: Some("po".into()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in ["po.create", "po.send", "po.receive", "po.cancel"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    s.sign_out();
    s.sign_in("Cleo", "3333").unwrap();
    let e = s
        .po_create("Bean Co", &[line("COF", 2, "1.00")], None)
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
}

#[test]
fn a_po_as_csv_and_pdf() {
    let (d, mut s) = shop();
    s.update_product(
        "COF",
        ProductUpdate {
            supplier_sku: Some(Some("BC-77".into())),
            name: Some("Coffee, \"house\" blend".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let po = s
        .po_create(
            "Bean Co",
            &[line("COF", 12, "2.65"), line("MUG", 3, "4")],
            None,
        )
        .unwrap();
    let csv_bytes = s.po_file(po.id, PoFormat::Csv).unwrap();
    let mut r = csv::Reader::from_reader(csv_bytes.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "po_number",
            "date",
            "supplier",
            "sku",
            "supplier_sku",
            "name",
            "qty",
            "unit_cost",
            "line_total"
        ]
    );
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    let date = &po.created_at[..10];
    assert_eq!(
        rows,
        [
            [
                "PO-0001",
                date,
                "Bean Co",
                "COF",
                "BC-77",
                "Coffee, \"house\" blend",
                "12",
                "2.65",
                "31.80"
            ],
            [
                "PO-0001",
                date,
                "Bean Co",
                "MUG",
                "",
                "Product MUG",
                "3",
                "4.00",
                "12.00"
            ],
        ]
    );

    let pdf = s.po_file(po.id, PoFormat::Pdf).unwrap();
    let file = d.path().join("po.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let shop_name = s.settings().store_name.clone();
    for want in [
        format!("{shop_name}: purchase order PO-0001"),
        "To Bean Co".into(),
        "amounts in EUR".into(),
        "BC-77".into(),
        "31.80".into(),
        "43.80".into(),
    ] {
        assert!(text.contains(&want), "{want:?} in\n{text}");
    }
    let coffee = text.lines().find(|l| l.contains("BC-77")).unwrap();
    assert!(coffee.contains("12") && coffee.contains("2.65"), "{coffee}");
    let e = PoFormat::parse("xls").unwrap_err();
    assert!(e.to_string().contains("csv, pdf"), "{e}");
}
