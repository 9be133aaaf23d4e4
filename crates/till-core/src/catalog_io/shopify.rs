//! Shopify's product CSV. One row per variant; the rows of one product
//! share its `Handle`, and only the first carries the product's columns
//! (Title, Body (HTML), Vendor, Product Category, Type, Tags, Published,
//! Status, the option names). A row that carries no variant (no SKU,
//! price or option value) only adds an image, and is skipped. Each
//! variant becomes one Till product.
//!
//! Newer exports name some columns differently (`URL handle`, `SKU`,
//! `Price`, `Compare-at price`, `Charge tax`, `Inventory quantity`); both
//! spellings are read.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::read::{Record, Table};
use super::row::{flag, Cells, Parsed, Row, Tax};
use crate::catalog::Product;
use crate::error::{Error, Result};
use crate::input::{Field, TextKind};
use crate::money::Currency;

const HANDLE: &[&str] = &["handle", "url handle"];
const TITLE: &[&str] = &["title"];
const STATUS: &[&str] = &["status"];
const PUBLISHED: &[&str] = &["published", "published on online store"];
const TYPE: &[&str] = &["type"];
const CATEGORY: &[&str] = &["product category"];
const SKU: &[&str] = &["variant sku", "sku"];
const PRICE: &[&str] = &["variant price", "price"];
const COMPARE_AT: &[&str] = &[
    "variant compare at price",
    "compare-at price",
    "compare at price",
];
const COST: &[&str] = &["cost per item"];
const BARCODE: &[&str] = &["variant barcode", "barcode"];
const QTY: &[&str] = &["variant inventory qty", "inventory quantity"];
const TAXABLE: &[&str] = &["variant taxable", "charge tax"];
/// Till's tax rate, as a product metafield column: Shopify exports and
/// imports metafields as columns named this way, so the rate makes the
/// round trip through Shopify.
pub const TAX_RATE_COLUMN: &str = "Tax rate (product.metafields.till.tax_rate)";

/// Shopify's columns Till reads nothing from, knowingly (the template's
/// and exports'): not reported as unknown.
const IGNORED: &[&str] = &[
    "body (html)",
    "description",
    "vendor",
    "tags",
    "variant grams",
    "variant inventory tracker",
    "variant inventory policy",
    "variant fulfillment service",
    "variant requires shipping",
    "image src",
    "image position",
    "image alt text",
    "gift card",
    "seo title",
    "seo description",
    "variant image",
    "variant weight unit",
    "variant tax code",
    "tax code",
    "inventory tracker",
    "continue selling when out of stock",
    "weight value (grams)",
    "weight unit for display",
    "requires shipping",
    "fulfillment service",
    "product image url",
    "image position",
    "image alt text",
    "variant image url",
    "gift card",
    "unit price total measure",
    "unit price total measure unit",
    "unit price base measure",
    "unit price base measure unit",
    "variant inventory adjust",
];

pub(crate) fn known_column(key: &str) -> bool {
    let lists: [&[&str]; 13] = [
        HANDLE, TITLE, STATUS, PUBLISHED, TYPE, CATEGORY, SKU, PRICE, COMPARE_AT, COST, BARCODE,
        QTY, TAXABLE,
    ];
    lists.iter().any(|l| l.contains(&key))
        || IGNORED.contains(&key)
        || key == TAX_RATE_COLUMN.to_lowercase()
        || (1..=3).any(|n| {
            key == format!("option{n} name")
                || key == format!("option{n} value")
                || key == format!("option{n} linked to")
        })
        // Google Shopping's columns, metafields, and per-market prices
        // ("Price / United States").
        || key.starts_with("google shopping /")
        || key.contains("metafields.")
        || key.contains(" / ")
}

/// The columns of a Shopify file.
struct Cols {
    handle: Option<usize>,
    title: Option<usize>,
    status: Option<usize>,
    published: Option<usize>,
    kind: Option<usize>,
    category: Option<usize>,
    options: [(Option<usize>, Option<usize>); 3],
    sku: Option<usize>,
    price: Option<usize>,
    compare_at: Option<usize>,
    cost: Option<usize>,
    barcode: Option<usize>,
    qty: Option<usize>,
    taxable: Option<usize>,
    tax_rate: Option<usize>,
}

/// What the first row of a handle says of its product.
#[derive(Clone, Default)]
struct ProductInfo {
    line: u64,
    title: Option<String>,
    /// The Title cell had text, which its own error refused.
    title_refused: bool,
    /// None when the file has neither Status nor Published.
    active: Option<bool>,
    category: Option<Option<String>>,
    option_names: [String; 3],
    tax_rate: Option<Option<Decimal>>,
}

pub(crate) fn rows(table: &Table, currency: &Currency) -> Parsed {
    let col = |names: &[&str]| table.column(names);
    let opt = |n: usize| {
        (
            col(&[&format!("option{n} name")]),
            col(&[&format!("option{n} value")]),
        )
    };
    let cols = Cols {
        handle: col(HANDLE),
        title: col(TITLE),
        status: col(STATUS),
        published: col(PUBLISHED),
        kind: col(TYPE),
        category: col(CATEGORY),
        options: [opt(1), opt(2), opt(3)],
        sku: col(SKU),
        price: col(PRICE),
        compare_at: col(COMPARE_AT),
        cost: col(COST),
        barcode: col(BARCODE),
        qty: col(QTY),
        taxable: col(TAXABLE),
        tax_rate: col(&[&TAX_RATE_COLUMN.to_lowercase()]),
    };
    let mut out = Parsed {
        errors: table.errors.clone(),
        ..Parsed::default()
    };
    let name_of = |c: Option<usize>| c.map(|c| table.headers[c].clone());
    for (key, c) in [
        ("sku", cols.sku),
        ("name", cols.title),
        ("price", cols.price),
        ("barcode", cols.barcode),
        ("category", cols.kind.or(cols.category)),
        ("tax_rate", cols.tax_rate.or(cols.taxable)),
    ] {
        if let Some(n) = name_of(c) {
            out.columns.insert(key, n);
        }
    }
    for (what, c) in [
        ("Handle", cols.handle),
        ("Variant SKU", cols.sku),
        ("Variant Price", cols.price),
    ] {
        if c.is_none() {
            out.errors.push(super::Issue {
                line: 1,
                column: None,
                message: format!(
                    "the header has no {what} column, which Shopify's product CSV has"
                ),
            });
        }
    }
    if cols.handle.is_none() || cols.sku.is_none() || cols.price.is_none() {
        return out;
    }
    let mut products: HashMap<String, ProductInfo> = HashMap::new();
    for rec in &table.records {
        let mut cells = Cells::new(rec, table, currency);
        let row = variant(&mut cells, &cols, &mut products);
        out.errors.append(&mut cells.errors);
        out.warnings.append(&mut cells.warnings);
        if let Some(row) = row {
            out.rows.push(row);
        }
    }
    out
}

/// The product columns of a handle's first row.
fn product_info(cells: &mut Cells, cols: &Cols) -> ProductInfo {
    let title = cells
        .words(cols.title, Field::Name, TextKind::Name)
        .flatten();
    let title_refused = title.is_none() && !cells.text(cols.title).is_empty();
    let status = cells.text(cols.status).to_ascii_lowercase();
    let active = match status.as_str() {
        "active" => Some(true),
        "draft" | "archived" => Some(false),
        // Older files have no Status: a product not published is not for sale.
        "" if cols.status.is_some() || cols.published.is_some() => {
            Some(flag(cells.text(cols.published)) != Some(false))
        }
        // Neither column: the file says nothing of it.
        "" => None,
        _ => {
            cells.error(
                cols.status,
                format!("{status:?} is not one of active, draft, archived"),
            );
            None
        }
    };
    // The shop's own word for it (Type) before Shopify's taxonomy, whose
    // last segment ("Apparel & Accessories > … > T-Shirts") stands in.
    let category = if cols.kind.is_none() && cols.category.is_none() {
        None
    } else {
        let kind = cells.text(cols.kind);
        let from = if !kind.is_empty() {
            Some((cols.kind, kind.to_string()))
        } else {
            let cat = cells.text(cols.category);
            cat.rsplit(" > ")
                .next()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| (cols.category, s.to_string()))
        };
        match from {
            None => Some(None),
            Some((c, text)) => match crate::input::text(Field::Category, &text, TextKind::Category)
            {
                Ok(t) => Some(Some(t)),
                Err(e) => {
                    cells.error(c, super::row::words(e));
                    None
                }
            },
        }
    };
    let option_names = cols.options.map(|(name, _)| cells.text(name).to_string());
    let tax_rate = cells.rate(cols.tax_rate);
    ProductInfo {
        line: cells.rec.line,
        title,
        title_refused,
        active,
        category,
        option_names,
        tax_rate,
    }
}

fn variant(
    cells: &mut Cells,
    cols: &Cols,
    products: &mut HashMap<String, ProductInfo>,
) -> Option<Row> {
    let rec: &Record = cells.rec;
    let handle = cells.text(cols.handle).to_string();
    let values: Vec<&str> = cols.options.iter().map(|(_, v)| rec.get(*v)).collect();
    let sku_text = cells.text(cols.sku);
    let carries_variant = !sku_text.is_empty()
        || !cells.text(cols.price).is_empty()
        || values.iter().any(|v| !v.is_empty());
    if handle.is_empty() {
        if carries_variant {
            cells.error(
                cols.handle,
                "Handle is empty: every row names its product's handle",
            );
        }
        return None;
    }
    let info = match products.get(&handle) {
        Some(i) => i.clone(),
        None => {
            let i = product_info(cells, cols);
            products.insert(handle.clone(), i.clone());
            i
        }
    };
    // A row of an image only.
    if !carries_variant {
        return None;
    }
    if sku_text.is_empty() {
        cells.warn(
            cols.sku,
            format!(
                "a variant of {handle:?} has no Variant SKU and was left out: Till finds products by SKU; give it one in Shopify to import it"
            ),
        );
        return None;
    }
    let errors_before = cells.errors.len();
    let sku = cells.code(cols.sku, Field::Sku).flatten();
    let Some(title) = info.title.clone() else {
        // The Title's own error on this line says enough.
        if info.title_refused && info.line == rec.line {
            return None;
        }
        let message = if info.title_refused {
            format!(
                "{handle:?} has no Title Till can take (see the error on its first row, line {})",
                info.line
            )
        } else if info.line == rec.line {
            format!("the first row of {handle:?} has no Title")
        } else {
            format!(
                "{handle:?} has no Title (its first row, line {}, leaves it empty)",
                info.line
            )
        };
        cells.error(cols.title, message);
        return None;
    };
    // "Example T-Shirt / Green / S"; a product without options has one
    // option, Title, valued Default Title, which names nothing.
    let mut name = title;
    for (i, v) in values.iter().enumerate() {
        if v.is_empty()
            || (info.option_names[i].eq_ignore_ascii_case("title") && *v == "Default Title")
        {
            continue;
        }
        name.push_str(" / ");
        name.push_str(v);
    }
    let name = match crate::input::text(Field::Name, &name, TextKind::Name) {
        Ok(n) => Some(n),
        Err(e) => {
            cells.error(cols.title, super::row::words(e));
            None
        }
    };
    let price = match cells.money(cols.price, Field::Price) {
        Some(Some(p)) => Some(p),
        Some(None) => {
            cells.error(cols.price, "Variant Price is empty");
            None
        }
        None => None,
    };
    let compare_at_price = cells.money(cols.compare_at, Field::CompareAtPrice);
    let cost = cells.money(cols.cost, Field::Cost);
    let barcode = cells.code(cols.barcode, Field::Barcode);
    let stock = cells.int(cols.qty, Field::Stock).flatten();
    let taxable = cells.flag(cols.taxable).flatten();
    let tax = match info.tax_rate {
        Some(Some(r)) => Some(Tax::Rate(if taxable == Some(false) {
            Decimal::ZERO
        } else {
            r
        })),
        _ => taxable.map(Tax::Taxable),
    };
    if cells.errors.len() > errors_before {
        return None;
    }
    Some(Row {
        line: rec.line,
        sku: sku?,
        name,
        price,
        cost,
        barcode,
        tax,
        category: info.category.clone(),
        active: info.active,
        compare_at_price,
        stock,
        ..Row::default()
    })
}

/// The columns Till writes, in this order.
const HEADER: &[&str] = &[
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Variant SKU",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Taxable",
    "Variant Barcode",
    "Cost per item",
    "Status",
    TAX_RATE_COLUMN,
];

/// A handle from a SKU: lowercase letters and digits, runs of anything
/// else one dash.
fn slug(sku: &str) -> String {
    let mut s = String::new();
    for c in sku.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "product".into()
    } else {
        s
    }
}

/// Every product as a Shopify product of one variant.
pub(crate) fn write(products: &[Product]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Internal(format!("cannot write CSV: {e}"));
    w.write_record(HEADER).map_err(fail)?;
    let mut handles = std::collections::HashSet::new();
    let money = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
    for p in products {
        let base = slug(&p.sku);
        let mut handle = base.clone();
        let mut n = 2;
        while !handles.insert(handle.clone()) {
            handle = format!("{base}-{n}");
            n += 1;
        }
        let taxable = if p.tax_rate > Decimal::ZERO {
            "TRUE"
        } else {
            "FALSE"
        };
        let on_hand = if p.kit {
            String::new()
        } else {
            p.on_hand.to_string()
        };
        w.write_record([
            handle.as_str(),
            &p.name,
            "",
            "",
            "",
            p.category.as_deref().unwrap_or(""),
            "",
            if p.active { "TRUE" } else { "FALSE" },
            "Title",
            "Default Title",
            &p.sku,
            "shopify",
            &on_hand,
            "deny",
            &p.price.to_string(),
            &money(p.compare_at_price),
            taxable,
            p.barcode.as_deref().unwrap_or(""),
            &money(p.cost),
            if p.active { "active" } else { "draft" },
            &p.tax_rate.normalize().to_string(),
        ])
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::Internal(format!("cannot write CSV: {e}")))
}
