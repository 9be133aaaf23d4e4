//! Suppliers, purchase orders and receiving through the real `till` binary
//! on a real store file: the JSON contract, the weighted cost, the PO as
//! CSV and PDF, bad input (exit 2) and a cashier refused (exit 4).

use crate::cli_support::{pdftotext, shop, text, Shop};
use crate::staff::{add_member, as_member, CASHIER, OWNER};

fn stocked() -> Shop {
    let s = shop();
    s.run("product add --sku COF --name Coffee --price 9.00 --cost 2.00 --stock 10");
    s.run("product add --sku MUG --name Mug --price 12.00 --stock 0");
    s.run("supplier add --name 'Bean Co' --contact Bea --email Orders@Bean.example --lead-days 5");
    s
}

#[test]
fn suppliers_are_added_listed_and_edited() {
    let s = stocked();
    let list = s.run("supplier list");
    assert_eq!(list[0]["name"], "Bean Co");
    assert_eq!(list[0]["email"], "orders@bean.example");
    assert_eq!(list[0]["lead_days"], 5);
    let tea = s.run("supplier add --name Tea");
    assert_eq!(tea["lead_days"], 7);
    let edited =
        s.run("supplier edit tea --name 'Tea Ltd' --phone '+44 20 7946 0018' --lead-days 0");
    assert_eq!(edited["name"], "Tea Ltd");
    assert_eq!(edited["phone"], "+442079460018");
    assert_eq!(edited["lead_days"], 0);
    let cleared = s.run("supplier edit 'Bean Co' --email ''");
    assert!(cleared["email"].is_null(), "{cleared}");
    let human = text(&s.db, &["supplier", "list"]);
    assert!(
        human.contains("Bean Co") && human.contains("Tea Ltd"),
        "{human}"
    );

    let e = s.run_err("supplier add --name 'BEAN CO'", 2);
    assert_eq!(e["error"]["code"], "conflict", "{e}");
    let e = s.run_err("supplier add --name X --lead-days 400", 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--lead-days"),
        "{e}"
    );
    let e = s.run_err("supplier add --name X --lead-days soon", 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--lead-days"),
        "{e}"
    );
    let e = s.run_err("supplier add --name X --email nope", 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("--email"),
        "{e}"
    );

    // A product names a supplier; `product show` says so.
    let p = s.run(
        "product edit COF --supplier 'bean co' --supplier-sku BC-1 --reorder-point 4 --reorder-qty 12 --compare-at-price 11.00",
    );
    assert_eq!(p["supplier"], "Bean Co");
    assert_eq!(p["reorder_point"], 4);
    assert_eq!(p["reorder_qty"], 12);
    let human = text(&s.db, &["product", "show", "COF"]);
    for want in [
        "Bean Co",
        "BC-1",
        "reorder point  4",
        "reorder qty    12",
        "11.00",
    ] {
        assert!(human.contains(want), "{want:?} in {human}");
    }
    let e = s.run_err("product edit COF --supplier Nobody", 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--supplier"),
        "{e}"
    );
}

#[test]
fn a_po_from_create_to_received() {
    let s = stocked();
    let po =
        s.run("po create --supplier 'Bean Co' --item COFx5@2.60 --item MUGx4@3 --note 'by Friday'");
    for key in ["id", "number", "status", "lines", "total", "supplier"] {
        assert!(po.get(key).is_some(), "{key} in {po}");
    }
    assert_eq!(po["number"], "PO-0001");
    assert_eq!(po["status"], "draft");
    assert_eq!(po["total"], "25.00");
    assert_eq!(po["lines"][0]["sku"], "COF");
    assert_eq!(po["lines"][0]["unit_cost"], "2.60");
    assert_eq!(po["lines"][1]["qty"], 4);
    // Without @COST, the product's cost.
    let second = s.run("po create --supplier 'Bean Co' --item 3*COF");
    assert_eq!(second["lines"][0]["unit_cost"], "2.00");
    assert_eq!(second["number"], "PO-0002");

    assert_eq!(s.run("po send PO-0001")["status"], "sent");
    let part = s.run("po receive po-0001 --item COFx5");
    assert_eq!(part["status"], "partly_received");
    assert_eq!(part["lines"][0]["received"], 5);
    assert_eq!(part["lines"][1]["outstanding"], 4);
    // (10 x 2.00 + 5 x 2.60) / 15 = 2.20
    assert_eq!(s.run("product show COF")["cost"], "2.20");
    assert_eq!(s.run("stock show COF")["on_hand"], 15);

    let id = po["id"].to_string();
    let done = s.run(&format!("po receive {id}"));
    assert_eq!(done["status"], "received");
    assert_eq!(s.run("product show MUG")["cost"], "3.00");
    assert_eq!(s.run("stock show MUG")["on_hand"], 4);
    let history = s.run("stock history MUG");
    assert_eq!(history[0]["kind"], "receive");
    assert_eq!(history[0]["reason"], "PO-0001");

    let list = s.run("po list --status received");
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        s.run("po list --supplier 'bean co'")
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let human = text(&s.db, &["po", "show", "PO-0001"]);
    assert!(
        human.contains("PO-0001") && human.contains("received") && human.contains("Bean Co"),
        "{human}"
    );
    let human = text(&s.db, &["po", "list"]);
    assert!(
        human.contains("PO-0002") && human.contains("draft"),
        "{human}"
    );

    let e = s.run_err("po receive PO-0001", 2);
    assert_eq!(e["error"]["code"], "refused", "{e}");
    assert_eq!(s.run("po cancel PO-0002")["status"], "cancelled");
    let e = s.run_err("po cancel PO-0002", 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already cancelled"),
        "{e}"
    );
}

#[test]
fn a_po_exported_as_csv_and_pdf() {
    let s = stocked();
    s.run("product edit COF --supplier-sku BC-77");
    s.run("po create --supplier 'Bean Co' --item COFx12@2.65 --item MUGx2@4.00");
    let dir = s.db.parent().unwrap();
    let csv_file = dir.join("po.csv");
    let saved = s.run(&format!(
        "po export PO-0001 --format csv --out {}",
        csv_file.display()
    ));
    assert_eq!(saved["format"], "csv");
    let mut r = csv::Reader::from_path(&csv_file).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
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
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][3], "COF");
    assert_eq!(&rows[0][4], "BC-77");
    assert_eq!(&rows[0][8], "31.80");
    assert_eq!(&rows[1][2], "Bean Co");

    let pdf = dir.join("po.pdf");
    s.run(&format!("po export 1 --format pdf --out {}", pdf.display()));
    let text = pdftotext(&pdf);
    for want in [
        "purchase order PO-0001",
        "To Bean Co",
        "BC-77",
        "31.80",
        "39.80",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }

    let e = s.run_err(
        &format!(
            "po export PO-0001 --format xls --out {}",
            dir.join("x").display()
        ),
        2,
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("--format"),
        "{e}"
    );
    assert!(!dir.join("x").exists());
}

#[test]
fn bad_lines_exit_2_naming_the_item_and_a_cashier_is_refused() {
    let s = stocked();
    let before = crate::cli_support::count(&s.db, "purchase_orders");
    for (line, want) in [
        (
            "po create --supplier 'Bean Co' --item COFx2@1 --item MUGx0@1",
            "MUGx0",
        ),
        (
            "po create --supplier 'Bean Co' --item COF@1 --item COFx2@1",
            "item 2 (COF)",
        ),
        (
            "po create --supplier 'Bean Co' --item COF@1.234",
            "item 1 (COF)",
        ),
        (
            "po create --supplier 'Bean Co' --item MUGx2",
            "MUG has no cost",
        ),
        ("po create --supplier Nobody --item COF@1", "--supplier"),
    ] {
        let e = s.run_err(line, 2);
        assert!(
            e["error"]["message"].as_str().unwrap().contains(want),
            "{line}: {want:?} in {e}"
        );
    }
    assert_eq!(crate::cli_support::count(&s.db, "purchase_orders"), before);
    s.run("po create --supplier 'Bean Co' --item COFx2@1");
    let e = s.run_err("po receive PO-0001 --item MUG", 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("MUG is not on PO-0001"),
        "{e}"
    );
    let e = s.run_err("po show PO-0099", 2);
    assert_eq!(e["error"]["code"], "not_found", "{e}");

    add_member(&s.db, None, OWNER, "owner");
    add_member(&s.db, Some(OWNER), CASHIER, "cashier");
    let out = as_member(
        &s.db,
        Some(CASHIER),
        &["po", "receive", "PO-0001"],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let out = as_member(&s.db, Some(OWNER), &["po", "receive", "PO-0001"], &[], None);
    assert!(out.status.success(), "{out:?}");
}
