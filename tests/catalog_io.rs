//! Products in and out as CSV (`catalog_io`): Shopify's published template
//! imported field by field, round trips through both formats, the parser
//! against generated files with every quoting case, damaged input named by
//! line and column with nothing written, dry runs and cancel.

#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rust_decimal::Decimal;
use support::*;
use till_core::catalog::{NewProduct, Product};
use till_core::catalog_io::{ImportFormat, ImportProgress, ImportReport, Issue, RowAction};
use till_core::inventory::MovementKind;
use till_core::settings::Settings;
use till_core::{Error, Store};

fn template() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/shopify/product_template.csv")
}

/// A store whose default tax rate is 20 %.
fn taxed_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        default_tax_rate: Some(dec("20")),
        ..Settings::default()
    };
    let store = Store::create(dir.path().join("till.db"), settings).unwrap();
    (dir, store)
}

fn import(
    store: &mut Store,
    path: &Path,
    format: Option<ImportFormat>,
    dry_run: bool,
) -> ImportReport {
    store
        .import_products(path, format, dry_run, &mut |_| true)
        .unwrap()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn all(store: &Store) -> Vec<Product> {
    store.products(None, true).unwrap()
}

/// The store's rows that an import writes, as text: equal before and after
/// means nothing was written.
fn snapshot(store: &Store) -> String {
    let conn = store.connection();
    let mut out = String::new();
    for q in [
        "SELECT group_concat(sku || '|' || name || '|' || price || '|' || coalesce(barcode, ''), ';') FROM products",
        "SELECT count(*) || '' FROM stock_movements",
        "SELECT count(*) || '' FROM product_imports",
        "SELECT count(*) || '' FROM audit_log",
    ] {
        let v: Option<String> = conn.query_row(q, [], |r| r.get(0)).unwrap();
        out.push_str(&v.unwrap_or_default());
        out.push('\n');
    }
    out
}

#[derive(Debug, PartialEq)]
struct Expect<'a> {
    sku: &'a str,
    name: &'a str,
    price: &'a str,
    compare_at: Option<&'a str>,
    cost: Option<&'a str>,
    barcode: &'a str,
    category: &'a str,
    active: bool,
    on_hand: i64,
}

#[test]
fn shopifys_template_imports_every_variant_with_its_fields() {
    let (_dir, mut store) = taxed_store();
    let before = snapshot(&store);
    let dry = import(&mut store, &template(), None, true);
    assert_eq!(dry.format, ImportFormat::Shopify);
    assert!(dry.dry_run && !dry.committed);
    assert_eq!((dry.created, dry.updated, dry.unchanged), (16, 0, 0));
    assert_eq!(dry.errors, vec![]);
    assert_eq!(
        dry.warnings,
        vec![],
        "every column of the template is known"
    );
    assert_eq!(snapshot(&store), before, "a dry run writes nothing");

    let report = import(&mut store, &template(), None, false);
    assert!(report.committed);
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (16, 0, 0)
    );
    assert_eq!(report.rows.len(), 16);
    assert!(report.rows.iter().all(|r| r.action == RowAction::Created));
    // Lines as the file has them: header 1, the shirt's 12 variants on
    // 2-13, the jeans on 14-16, an image-only row on 17, the beanie on 18.
    let lines: Vec<u64> = report.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [(2..=16).collect::<Vec<u64>>(), vec![18]].concat());

    let shirt_barcodes = [
        ("SRT_COT_111", "Green", "S", "365275101829"),
        ("SRT_COT_122", "Green", "M", "463469551155"),
        ("SRT_COT_133", "Green", "L", "538375999373"),
        ("SRT_COT_211", "Blue", "S", "556156161410"),
        ("SRT_COT_222", "Blue", "M", "243307265092"),
        ("SRT_COT_233", "Blue", "L", "777979207524"),
        ("SRT_COT_311", "Gray", "S", "363131220054"),
        ("SRT_COT_322", "Gray", "M", "246715878598"),
        ("SRT_COT_333", "Gray", "L", "845853890770"),
        ("SRT_COT_411", "Purple", "S", "897446170659"),
        ("SRT_COT_422", "Purple", "M", "541330997444"),
        ("SRT_COT_433", "Purple", "L", "738293196816"),
    ];
    let shirt_names: Vec<String> = shirt_barcodes
        .iter()
        .map(|(_, color, size, _)| format!("Example T-Shirt / {color} / {size}"))
        .collect();
    let mut expected: Vec<Expect> = shirt_barcodes
        .iter()
        .zip(&shirt_names)
        .map(|((sku, _, _, barcode), name)| Expect {
            sku,
            name,
            price: "25.00",
            compare_at: None,
            cost: None,
            barcode,
            category: "Shirts",
            active: true,
            on_hand: 0,
        })
        .collect();
    for (sku, size, barcode, qty) in [
        ("PNT_DEN_285", "28", "779201956374", 20),
        ("PNT_DEN_305", "30", "685793775729", 15),
        ("PNT_DEN_405", "40", "847182393429", 10),
    ] {
        expected.push(Expect {
            sku,
            name: match size {
                "28" => "Example Jeans / 28",
                "30" => "Example Jeans / 30",
                _ => "Example Jeans / 40",
            },
            price: "95.00",
            compare_at: Some("64.95"),
            cost: Some("50.00"),
            barcode,
            category: "Pants",
            // Status draft.
            active: false,
            on_hand: qty,
        });
    }
    expected.push(Expect {
        sku: "HAT_GRY_275",
        // Title / Default Title names no option.
        name: "Example Beanie",
        price: "17.99",
        compare_at: Some("22.99"),
        cost: Some("8.50"),
        barcode: "122327648356",
        category: "Hat",
        // Status archived.
        active: false,
        on_hand: 50,
    });
    expected.sort_by_key(|e| e.sku);
    let products = all(&store);
    assert_eq!(products.len(), expected.len());
    for (p, e) in products.iter().zip(&expected) {
        let (price, compare_at, cost) = (
            p.price.to_string(),
            p.compare_at_price.map(|c| c.to_string()),
            p.cost.map(|c| c.to_string()),
        );
        let got = Expect {
            sku: &p.sku,
            name: &p.name,
            price: &price,
            compare_at: compare_at.as_deref(),
            cost: cost.as_deref(),
            barcode: p.barcode.as_deref().unwrap_or(""),
            category: p.category.as_deref().unwrap_or(""),
            active: p.active,
            on_hand: p.on_hand,
        };
        assert_eq!(format!("{got:?}"), format!("{e:?}"));
        // Variant Taxable TRUE: the store's default rate.
        assert_eq!(p.tax_rate, dec("20"), "{}", p.sku);
        assert_eq!(p.supplier, None);
        assert!(!p.kit);
    }
    // Opening stock is a restock naming the import.
    let m = store.movements("PNT_DEN_285").unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].kind, MovementKind::Restock);
    assert_eq!(m[0].qty, 20);
    let id = report.import_id.unwrap();
    assert_eq!(
        m[0].reason.as_deref(),
        Some(format!("import {id} (product_template.csv)").as_str())
    );
    assert!(
        store.movements("SRT_COT_111").unwrap().is_empty(),
        "0 on hand: no movement"
    );
    assert_eq!(store.stock_drift().unwrap(), vec![]);
    // One import row with its counts.
    let row: (String, String, i64, i64, i64) = store
        .connection()
        .query_row(
            "SELECT file_name, format, created, updated, unchanged FROM product_imports",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        ("product_template.csv".into(), "shopify".into(), 16, 0, 0)
    );

    // The same file again changes nothing.
    let again = import(&mut store, &template(), None, false);
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 16));
    assert_eq!(again.warnings, vec![]);
    assert_eq!(store.stock_drift().unwrap(), vec![]);
}

/// A catalog using every field Till has.
fn full_catalog(store: &mut Store) {
    store
        .connection()
        .execute(
            "INSERT INTO suppliers (name, created_at, updated_at) VALUES ('Beans & Co', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    let items = [
        (
            "COF",
            "Coffee, \"house\" blend",
            "3.50",
            Some("1.20"),
            Some("4006381333931"),
            "7",
            Some("Drinks"),
            40,
        ),
        ("TEA", "Thé vert 🍵", "2.80", None, None, "0", None, 0),
        (
            "MUG",
            "Mug <b>big</b>",
            "12.00",
            Some("4.00"),
            Some("MUG-BC"),
            "20",
            Some("Things, misc"),
            5,
        ),
    ];
    for (sku, name, price, cost, barcode, tax, category, stock) in items {
        store
            .add_product(NewProduct {
                sku: sku.into(),
                name: name.into(),
                price: dec(price),
                cost: cost.map(dec),
                barcode: barcode.map(String::from),
                tax_rate: Some(dec(tax)),
                category: category.map(String::from),
                stock: Some(stock),
                compare_at_price: (sku == "MUG").then(|| dec("15.00")),
                supplier: (sku == "COF").then(|| "Beans & Co".to_string()),
                supplier_sku: (sku == "COF").then(|| "BC-001".to_string()),
                reorder_point: (sku == "COF").then_some(10),
                reorder_qty: (sku == "COF").then_some(24),
                price_floor: (sku == "COF").then(|| dec("2.00")),
                price_ceiling: (sku == "COF").then(|| dec("1.5")),
                sell_by: (sku == "TEA")
                    .then(|| chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()),
            })
            .unwrap();
    }
    store
        .update_product(
            "TEA",
            till_core::catalog::ProductUpdate {
                active: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
}

/// What Shopify's format carries of a product.
fn shopify_view(p: &Product) -> impl std::fmt::Debug + PartialEq {
    (
        p.sku.clone(),
        p.name.clone(),
        p.price,
        p.cost,
        p.compare_at_price,
        p.barcode.clone(),
        p.category.clone(),
        p.active,
        p.on_hand,
        p.tax_rate,
    )
}

fn without_ids(mut products: Vec<Product>) -> Vec<Product> {
    for p in &mut products {
        p.id = 0;
    }
    products
}

#[test]
fn till_csv_round_trips_every_field() {
    let (dir, mut a) = new_store();
    full_catalog(&mut a);
    let file = dir.path().join("catalog.csv");
    assert_eq!(a.export_products(ImportFormat::Till, &file).unwrap(), 3);
    let (_d2, mut b) = new_store();
    b.connection()
        .execute(
            "INSERT INTO suppliers (name, created_at, updated_at) VALUES ('Beans & Co', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    let r = import(&mut b, &file, None, false);
    assert_eq!(r.format, ImportFormat::Till);
    assert_eq!(
        (r.created, r.errors.len(), r.warnings.len()),
        (3, 0, 0),
        "{r:?}"
    );
    assert_eq!(without_ids(all(&b)), without_ids(all(&a)));
    // Back into the store it came from: nothing to change.
    let r = import(&mut a, &file, None, false);
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 3));
}

#[test]
fn shopify_csv_round_trips_what_shopify_carries() {
    let (dir, mut a) = new_store();
    full_catalog(&mut a);
    let file = dir.path().join("shopify.csv");
    a.export_products(ImportFormat::Shopify, &file).unwrap();
    let (_d2, mut b) = new_store();
    let r = import(&mut b, &file, None, false);
    assert_eq!(r.format, ImportFormat::Shopify);
    assert_eq!(
        (r.created, r.errors.len(), r.warnings.len()),
        (3, 0, 0),
        "{r:?}"
    );
    let view = |s: &Store| all(s).iter().map(shopify_view).collect::<Vec<_>>();
    assert_eq!(format!("{:?}", view(&b)), format!("{:?}", view(&a)));
    let r = import(&mut a, &file, None, false);
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 3), "{r:?}");
    // What Shopify does not carry stays as it was.
    let cof = a.product("COF").unwrap();
    assert_eq!(cof.supplier.as_deref(), Some("Beans & Co"));
    assert_eq!(cof.reorder_point, Some(10));
}

fn issue<'a>(line: u64, column: Option<&str>, contains: &'a str) -> impl Fn(&Issue) -> bool + 'a {
    let column = column.map(String::from);
    move |i: &Issue| i.line == line && i.column == column && i.message.contains(contains)
}

const SHOPIFY_HEAD: &str = "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Barcode,Cost per item,Variant Inventory Qty,Status\n";

#[test]
fn damaged_shopify_rows_are_named_by_line_and_column_and_nothing_is_written() {
    let (dir, mut store) = new_store();
    add(&mut store, "OLD", "1.00", "0", 3);
    let before = snapshot(&store);
    let body = [
        "ok,Fine,Title,Default Title,OK-1,5.00,,,2,active",
        "sci,Sci,Title,Default Title,SCI-1,5.00,3.65275E+11,,,active",
        "cur,Cur,Title,Default Title,CUR-1,$5.00,,,,active",
        "com,Com,Title,Default Title,COM-1,\"1,299.00\",,,,active",
        "apo,Apo,Title,Default Title,APO-1,5.00,'0123456,,,active",
        "nosku,No SKU,Title,Default Title,,5.00,,,,active",
        "st,St,Title,Default Title,ST-1,5.00,,,,sold",
        "dup,Dup,Title,Default Title,OK-1,5.00,,,,active",
        "qty,Qty,Title,Default Title,QTY-1,5.00,,,1.5,active",
        "cost,Cost,Title,Default Title,COST-1,5.00,,2.345,,active",
        "bc,Bc,Title,Default Title,BC-1,5.00,OLD,,,active",
    ]
    .join("\r\n");
    let file = write(dir.path(), "bad.csv", format!("{SHOPIFY_HEAD}{body}\r\n"));
    let r = import(&mut store, &file, None, false);
    assert!(!r.committed);
    assert_eq!(snapshot(&store), before, "errors: nothing written");
    let e = &r.errors;
    let w = &r.warnings;
    assert!(
        e.iter()
            .any(issue(3, Some("Variant Barcode"), "scientific notation")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(issue(4, Some("Variant Price"), "currency symbol")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(issue(5, Some("Variant Price"), "thousands separators")),
        "{e:#?}"
    );
    assert!(
        w.iter()
            .any(issue(6, Some("Variant Barcode"), "apostrophe")),
        "{w:#?}"
    );
    assert!(
        w.iter()
            .any(issue(7, Some("Variant SKU"), "no Variant SKU")),
        "{w:#?}"
    );
    assert!(
        e.iter()
            .any(issue(8, Some("Status"), "active, draft, archived")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(issue(9, Some("Variant SKU"), "also on line 2")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(issue(10, Some("Variant Inventory Qty"), "whole number")),
        "{e:#?}"
    );
    assert!(
        e.iter().any(issue(11, Some("Cost per item"), "decimals")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(issue(12, Some("Variant Barcode"), "SKU of OLD")),
        "{e:#?}"
    );
    assert_eq!(e.len(), 8, "{e:#?}");
    // The apostrophe's barcode is kept without it (the dry run shows the plan).
    let ok =
        "Handle,Title,Variant SKU,Variant Price,Variant Barcode\napo,Apo,APO-1,5.00,'0123456\n";
    let file = write(dir.path(), "apo.csv", ok);
    let r = import(&mut store, &file, None, false);
    assert!(r.committed, "{r:?}");
    assert_eq!(
        store.product("APO-1").unwrap().barcode.as_deref(),
        Some("0123456")
    );
}

#[test]
fn till_csv_errors_name_line_and_column() {
    let (dir, mut store) = new_store();
    let before = snapshot(&store);
    let file = write(
        dir.path(),
        "t.csv",
        "sku,name,price,supplier,tax_rate,colour\n\
         A,Apple,1.00,,,red\n\
         B,,2.00,,,\n\
         C,Cherry,2.00,Nobody,,\n\
         D,Date,2.00,,120,\n\
         E,Elder,2.00,,,,extra\n",
    );
    let r = import(&mut store, &file, None, false);
    assert_eq!(snapshot(&store), before);
    assert!(
        r.warnings.iter().any(issue(1, None, "colour")),
        "{:#?}",
        r.warnings
    );
    let e = &r.errors;
    assert!(
        e.iter().any(issue(3, Some("name"), "needs a name")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(issue(4, Some("supplier"), "no supplier is named")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(issue(5, Some("tax_rate"), "between 0 and 100")),
        "{e:#?}"
    );
    assert!(e.iter().any(issue(6, None, "fields")), "{e:#?}");
    assert_eq!(e.len(), 4, "{e:#?}");
}

#[test]
fn a_file_that_is_not_utf8_is_refused_naming_its_line() {
    let (dir, mut store) = new_store();
    let file = write(
        dir.path(),
        "latin1.csv",
        b"sku,name,price\nA,Caf\xe9,1.00\n",
    );
    match store.import_products(&file, None, false, &mut |_| true) {
        Err(Error::Invalid { message, .. }) => assert!(message.contains("line 2"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&store, "products"), 0);
}

#[test]
fn existing_products_are_matched_by_sku_and_their_stock_is_left_alone() {
    let (dir, mut store) = new_store();
    add(&mut store, "A", "1.00", "0", 5);
    let file = write(dir.path(), "t.csv", "sku,price,on_hand\nA,1.50,9\n");
    let r = import(&mut store, &file, Some(ImportFormat::Till), false);
    assert_eq!((r.created, r.updated, r.unchanged), (0, 1, 0));
    assert_eq!(r.rows[0].changed, vec!["price"]);
    assert!(r
        .warnings
        .iter()
        .any(issue(2, Some("on_hand"), "left as it is")));
    let a = store.product("A").unwrap();
    assert_eq!(
        (a.price, a.on_hand, a.name.as_str()),
        (dec("1.50"), 5, "Product A")
    );
}

#[test]
fn cancelling_writes_nothing() {
    let (_dir, mut store) = new_store();
    let before = snapshot(&store);
    let mut seen = Vec::new();
    let r = store.import_products(&template(), None, false, &mut |p: ImportProgress| {
        seen.push(p);
        p.stage != till_core::catalog_io::ImportStage::Writing
    });
    assert!(matches!(r, Err(Error::Refused(_))), "{r:?}");
    assert!(!seen.is_empty());
    assert_eq!(snapshot(&store), before);
}

#[test]
fn formats_are_named() {
    assert_eq!(
        "Shopify".parse::<ImportFormat>().unwrap(),
        ImportFormat::Shopify
    );
    match "xlsx".parse::<ImportFormat>() {
        Err(Error::Invalid { field, .. }) => assert_eq!(field, till_core::input::Field::Format),
        other => panic!("{other:?}"),
    }
}

// ---- The parser against generated files ----

/// A CSV field written by hand (not by the csv crate): quoted when it must
/// be, or always when `quote_all`; quotes doubled.
fn field(s: &str, quote_all: bool) -> String {
    if quote_all || s.contains([',', '"', '\r', '\n']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[derive(Debug, Clone)]
struct GenVariant {
    values: Vec<String>,
    price_cents: u32,
    cost_cents: Option<u32>,
    barcode: Option<String>,
    qty: u16,
}

#[derive(Debug, Clone)]
struct GenProduct {
    title: String,
    body: String,
    kind: String,
    status: &'static str,
    options: usize,
    variants: Vec<GenVariant>,
}

/// Text with the characters that make CSV hard, in one line (product
/// names and categories have no line breaks).
fn one_line() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(",".to_string()),
            Just("\"".to_string()),
            Just("\"\"".to_string()),
            Just("é".to_string()),
            Just("日本".to_string()),
            Just("🍵".to_string()),
            Just("<b>".to_string()),
            Just("&amp;".to_string()),
            Just("'".to_string()),
            Just(" ".to_string()),
            "[A-Za-z0-9]{1,6}",
        ],
        1..8,
    )
    .prop_map(|parts| parts.concat())
    .prop_filter("names are not blank", |s| !s.trim().is_empty())
}

/// HTML that spans lines with every line end.
fn body() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            one_line(),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            Just("<p class=\"x\">".to_string()),
            Just(String::new()),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn product(options: usize) -> impl Strategy<Value = GenProduct> {
    let variant = (
        proptest::collection::vec(one_line(), options),
        1u32..1_000_000,
        proptest::option::of(0u32..100_000),
        proptest::option::of("[0-9]{8,13}"),
        0u16..500,
    )
        .prop_map(
            |(values, price_cents, cost_cents, barcode, qty)| GenVariant {
                values,
                price_cents,
                cost_cents,
                barcode,
                qty,
            },
        );
    (
        one_line(),
        body(),
        one_line(),
        prop_oneof![Just("active"), Just("draft"), Just("archived")],
        proptest::collection::vec(variant, 1..4),
    )
        .prop_map(move |(title, body, kind, status, variants)| GenProduct {
            title,
            body,
            kind,
            status,
            options,
            variants,
        })
}

fn cents(c: u32) -> Decimal {
    Decimal::new(c as i64, 2)
}

/// The file for `products`, and the products Till should make of it (by
/// SKU: sku, name, price, cost, barcode, category, active, on hand).
#[allow(clippy::type_complexity)]
fn shopify_file(
    products: &[GenProduct],
    bom: bool,
    crlf: bool,
    quote_all: bool,
) -> (
    Vec<u8>,
    Vec<(
        String,
        String,
        Decimal,
        Option<Decimal>,
        Option<String>,
        String,
        bool,
        i64,
    )>,
) {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    out.push_str("Handle,Title,Body (HTML),Type,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Price,Cost per item,Variant Barcode,Variant Inventory Qty,Image Src,Status");
    out.push_str(nl);
    let mut expected = Vec::new();
    let mut n = 0;
    let mut used_barcodes = std::collections::HashSet::new();
    for (pi, p) in products.iter().enumerate() {
        let handle = format!("product-{pi}");
        for (vi, v) in p.variants.iter().enumerate() {
            n += 1;
            let sku = format!("SKU-{n}");
            let barcode = v
                .barcode
                .clone()
                .filter(|b| used_barcodes.insert(b.clone()));
            let first = vi == 0;
            let opt = |i: usize| -> (String, String) {
                if p.options > i {
                    (
                        if first {
                            format!("Opt{i}")
                        } else {
                            String::new()
                        },
                        v.values[i].clone(),
                    )
                } else if i == 0 {
                    (
                        if first { "Title".into() } else { String::new() },
                        "Default Title".into(),
                    )
                } else {
                    (String::new(), String::new())
                }
            };
            let (o1n, o1v) = opt(0);
            let (o2n, o2v) = opt(1);
            let cells = [
                handle.clone(),
                if first {
                    p.title.clone()
                } else {
                    String::new()
                },
                if first { p.body.clone() } else { String::new() },
                if first { p.kind.clone() } else { String::new() },
                o1n,
                o1v,
                o2n,
                o2v,
                sku.clone(),
                cents(v.price_cents).to_string(),
                v.cost_cents
                    .map(|c| cents(c).to_string())
                    .unwrap_or_default(),
                barcode.clone().unwrap_or_default(),
                v.qty.to_string(),
                String::new(),
                if first {
                    p.status.to_string()
                } else {
                    String::new()
                },
            ];
            let line: Vec<String> = cells.iter().map(|c| field(c, quote_all)).collect();
            out.push_str(&line.join(","));
            out.push_str(nl);
            let mut name = p.title.trim().to_string();
            for val in v.values.iter().take(p.options) {
                name.push_str(" / ");
                name.push_str(val.trim());
            }
            expected.push((
                sku,
                name,
                cents(v.price_cents),
                v.cost_cents.map(cents),
                barcode,
                p.kind.trim().to_string(),
                p.status == "active",
                v.qty as i64,
            ));
            if vi == 0 && pi % 2 == 0 {
                // An image-only row between variants.
                out.push_str(&format!(
                    "{handle},,,,,,,,,,,,,\"https://x/y.png?a=1,2\",{nl}"
                ));
            }
        }
    }
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    (out.into_bytes(), expected)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generated_shopify_files_parse_to_their_products(
        products in proptest::collection::vec((0usize..3).prop_flat_map(product), 1..5),
        bom in any::<bool>(),
        crlf in any::<bool>(),
        quote_all in any::<bool>(),
    ) {
        let (file, expected) = shopify_file(&products, bom, crlf, quote_all);
        let (dir, mut store) = new_store();
        let path = write(dir.path(), "gen.csv", &file);
        let r = store.import_products(&path, None, false, &mut |_| true).unwrap();
        prop_assert_eq!(&r.errors, &vec![]);
        prop_assert!(r.committed);
        let got: Vec<_> = all(&store)
            .into_iter()
            .map(|p| (p.sku, p.name, p.price, p.cost, p.barcode, p.category.unwrap_or_default(), p.active, p.on_hand))
            .collect();
        let mut got = got;
        got.sort_by(|a, b| a.0.cmp(&b.0));
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn generated_till_files_parse_to_their_products(
        rows in proptest::collection::vec((one_line(), one_line(), 0u32..1_000_000, any::<bool>(), 0u16..100), 1..12),
        bom in any::<bool>(),
        crlf in any::<bool>(),
        quote_all in any::<bool>(),
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        if bom { text.push('\u{feff}'); }
        text.push_str(&format!("SKU , Name,PRICE,category,active,on_hand{nl}"));
        for (i, (name, cat, price, active, qty)) in rows.iter().enumerate() {
            let cells = [format!("P{i}"), name.clone(), cents(*price).to_string(), cat.clone(), active.to_string(), qty.to_string()];
            let line: Vec<String> = cells.iter().map(|c| field(c, quote_all)).collect();
            text.push_str(&line.join(","));
            text.push_str(nl);
        }
        let (dir, mut store) = new_store();
        let path = write(dir.path(), "gen.csv", &text);
        let r = store.import_products(&path, None, false, &mut |_| true).unwrap();
        prop_assert_eq!(&r.errors, &vec![]);
        prop_assert_eq!(r.format, ImportFormat::Till);
        for (i, (name, cat, price, active, qty)) in rows.iter().enumerate() {
            let p = store.product(&format!("P{i}")).unwrap();
            prop_assert_eq!(&p.name, name.trim());
            prop_assert_eq!(p.category.as_deref(), Some(cat.trim()));
            prop_assert_eq!(p.price, cents(*price));
            prop_assert_eq!(p.active, *active);
            prop_assert_eq!(p.on_hand, *qty as i64);
        }
    }
}

#[test]
fn a_committed_import_is_audited_once_and_a_dry_run_not_at_all() {
    let (dir, mut store) = new_store();
    store
        .staff_add("Olive", till_core::Role::Owner, "1357")
        .unwrap();
    store.sign_in("Olive", "1357").unwrap();
    let file = write(
        dir.path(),
        "p.csv",
        "sku,name,price\nA,Apple,1.00\nB,Bun,2.00\n",
    );
    let audited = |s: &Store| -> (i64, Option<String>) {
        s.connection()
            .query_row(
                "SELECT count(*), max(detail) FROM audit_log WHERE action = 'product.import'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    import(&mut store, &file, None, true);
    assert_eq!(audited(&store).0, 0);
    let r = import(&mut store, &file, None, false);
    let (n, detail) = audited(&store);
    assert_eq!(n, 1);
    let detail: serde_json::Value = serde_json::from_str(&detail.unwrap()).unwrap();
    assert_eq!(detail["created"], 2);
    assert_eq!(detail["import"], r.import_id.unwrap());
    assert!(store.audit_verify().unwrap().ok);
}

#[test]
fn a_shopify_file_without_status_or_published_leaves_active_as_it_is() {
    let (dir, mut store) = new_store();
    add(&mut store, "A", "1.00", "0", 0);
    store
        .update_product(
            "A",
            till_core::catalog::ProductUpdate {
                active: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
    let file = write(
        dir.path(),
        "s.csv",
        "Handle,Title,Variant SKU,Variant Price\na,Apple,A,1.20\nb,Bun,B,2.00\n",
    );
    let r = import(&mut store, &file, None, false);
    assert_eq!((r.created, r.updated), (1, 1), "{r:?}");
    assert_eq!(r.rows[0].changed, vec!["name", "price"]);
    assert!(!store.product("A").unwrap().active);
    assert!(
        store.product("B").unwrap().active,
        "a new product is active"
    );
}

#[test]
fn a_product_without_a_title_is_an_error_on_each_of_its_variants() {
    let (dir, mut store) = new_store();
    let file = write(
        dir.path(),
        "s.csv",
        "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Image Src\n\
         x,,,,,,https://x/1.png\n\
         x,,Size,S,X-S,1.00,\n\
         x,,,M,X-M,1.00,\n",
    );
    let r = import(&mut store, &file, None, false);
    let lines: Vec<(u64, Option<&str>)> = r
        .errors
        .iter()
        .map(|i| (i.line, i.column.as_deref()))
        .collect();
    assert_eq!(lines, [(3, Some("Title")), (4, Some("Title"))], "{r:?}");
    assert_eq!(count(&store, "products"), 0);
}
