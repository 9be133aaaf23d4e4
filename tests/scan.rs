//! What a scan names: a product by SKU or barcode, an order by receipt
//! number, id, the receipt's QR text or a refund's id; anything else is
//! unknown, and empty text is refused.

#[path = "support/mod.rs"]
mod support;

use support::*;
use till_core::catalog::ProductUpdate;
use till_core::orders::RefundRequest;
use till_core::scan::Scanned;

#[test]
fn scans_name_products_orders_and_refunds() {
    let (_d, mut s) = new_store();
    add(&mut s, "COF", "3.40", "10", 100);
    s.update_product(
        "COF",
        ProductUpdate {
            barcode: Some(Some("4006381333931".into())),
            ..Default::default()
        },
    )
    .unwrap();
    let r = s.sell(sale(&[("COF", 2)], vec![cash("10.00")])).unwrap();
    let order = Scanned::Order {
        id: r.id.clone(),
        number: r.number.clone(),
    };
    let product = Scanned::Product {
        sku: "COF".into(),
        name: "Product COF".into(),
    };

    assert_eq!(s.resolve_scan(" COF ").unwrap(), product);
    assert_eq!(s.resolve_scan("4006381333931").unwrap(), product);
    assert_eq!(s.resolve_scan(&r.number).unwrap(), order);
    assert_eq!(s.resolve_scan(&r.id).unwrap(), order);
    assert_eq!(
        s.resolve_scan(&format!("till:order:{}", r.number)).unwrap(),
        order
    );
    assert_eq!(
        s.resolve_scan(&format!("TILL:ORDER:{}", r.number)).unwrap(),
        order,
        "a scanner may send the QR text in capitals"
    );

    let refund = s
        .refund(RefundRequest {
            order: r.number.clone(),
            items: Some(vec![("COF".into(), 1)]),
            key: None,
        })
        .unwrap();
    assert_eq!(s.resolve_scan(&refund.id).unwrap(), order);

    // The QR text names orders only: a SKU behind the prefix is unknown.
    assert_eq!(
        s.resolve_scan("till:order:COF").unwrap(),
        Scanned::Unknown {
            text: "till:order:COF".into()
        }
    );
    assert_eq!(
        s.resolve_scan("NOPE-1").unwrap(),
        Scanned::Unknown {
            text: "NOPE-1".into()
        }
    );
    let e = s.resolve_scan("   ").unwrap_err();
    assert_eq!(e.code(), "invalid_input", "{e}");
}

#[test]
fn the_scan_is_serialised_with_its_kind() {
    let v = serde_json::to_value(Scanned::Order {
        id: "o1".into(),
        number: "T1-000001".into(),
    })
    .unwrap();
    assert_eq!(
        v,
        serde_json::json!({"kind": "order", "id": "o1", "number": "T1-000001"})
    );
}
