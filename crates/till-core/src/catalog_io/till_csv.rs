//! Till's own product CSV: one row per product, a column per field, as
//! `till export products --format till` writes it. Only `sku` is needed;
//! a column left out leaves that field of existing products as it is (and
//! gives new products the default), so a spreadsheet of `sku,name,price`
//! imports too. An empty cell clears an optional field.

use super::read::Table;
use super::row::{Cells, Parsed, Row, Tax};
use crate::catalog::Product;
use crate::error::{Error, Result};
use crate::input::{Field, TextKind};
use crate::money::Currency;

/// The columns, in the order Till writes them.
pub const TILL_COLUMNS: &[&str] = &[
    "sku",
    "name",
    "price",
    "cost",
    "barcode",
    "tax_rate",
    "category",
    "active",
    "sell_by",
    "price_floor",
    "price_ceiling",
    "supplier",
    "supplier_sku",
    "reorder_point",
    "reorder_qty",
    "compare_at_price",
    "on_hand",
];

pub(crate) fn known_column(key: &str) -> bool {
    TILL_COLUMNS.contains(&key)
}

pub(crate) fn rows(table: &Table, currency: &Currency) -> Parsed {
    let mut out = Parsed {
        errors: table.errors.clone(),
        ..Parsed::default()
    };
    let col = |name: &str| table.column(&[name]);
    for key in TILL_COLUMNS {
        if let Some(c) = col(key) {
            out.columns.insert(key, table.headers[c].clone());
        }
    }
    let Some(sku_col) = col("sku") else {
        out.errors.push(super::Issue {
            line: 1,
            column: None,
            message:
                "the header has no sku column (Till's format) and no Handle column (Shopify's)"
                    .into(),
        });
        return out;
    };
    for rec in &table.records {
        let mut c = Cells::new(rec, table, currency);
        let sku = c.code(Some(sku_col), Field::Sku);
        let name = c.words(col("name"), Field::Name, TextKind::Name);
        let price = c.money(col("price"), Field::Price);
        let row = Row {
            line: rec.line,
            sku: String::new(),
            name: name.flatten(),
            price: price.flatten(),
            cost: c.money(col("cost"), Field::Cost),
            barcode: c.code(col("barcode"), Field::Barcode),
            tax: c.rate(col("tax_rate")).flatten().map(Tax::Rate),
            category: c.words(col("category"), Field::Category, TextKind::Category),
            active: c.flag(col("active")).flatten(),
            sell_by: c.date(col("sell_by"), Field::SellBy),
            price_floor: c.money(col("price_floor"), Field::Floor),
            price_ceiling: c.ceiling(col("price_ceiling")),
            supplier: c.words(col("supplier"), Field::Supplier, TextKind::Name),
            supplier_sku: c.code(col("supplier_sku"), Field::SupplierSku),
            reorder_point: c.int(col("reorder_point"), Field::ReorderPoint),
            reorder_qty: c.int(col("reorder_qty"), Field::ReorderQty),
            compare_at_price: c.money(col("compare_at_price"), Field::CompareAtPrice),
            stock: c.int(col("on_hand"), Field::Stock).flatten(),
        };
        for (field, v) in [
            (Field::ReorderPoint, row.reorder_point.flatten()),
            (Field::ReorderQty, row.reorder_qty.flatten()),
        ] {
            if let Some(v) = v {
                if let Err(e) = crate::catalog::check_reorder(field, v) {
                    c.error(col(field.key()), super::row::words(e));
                }
            }
        }
        match sku {
            Some(Some(s)) if c.errors.is_empty() => out.rows.push(Row { sku: s, ..row }),
            Some(None) => c.error(Some(sku_col), "sku is empty: every product needs one"),
            _ => {}
        }
        out.errors.append(&mut c.errors);
        out.warnings.append(&mut c.warnings);
    }
    out
}

/// Every product, every field. A kit's on-hand is what its components
/// make, not stock of its own, so it is left empty.
pub(crate) fn write(products: &[Product]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Internal(format!("cannot write CSV: {e}"));
    w.write_record(TILL_COLUMNS).map_err(fail)?;
    let s = |v: Option<String>| v.unwrap_or_default();
    for p in products {
        w.write_record([
            p.sku.clone(),
            p.name.clone(),
            p.price.to_string(),
            s(p.cost.map(|c| c.to_string())),
            s(p.barcode.clone()),
            p.tax_rate.normalize().to_string(),
            s(p.category.clone()),
            p.active.to_string(),
            s(p.sell_by.map(|d| d.to_string())),
            s(p.price_floor.map(|d| d.to_string())),
            s(p.price_ceiling.map(|d| d.to_string())),
            s(p.supplier.clone()),
            s(p.supplier_sku.clone()),
            s(p.reorder_point.map(|q| q.to_string())),
            s(p.reorder_qty.map(|q| q.to_string())),
            s(p.compare_at_price.map(|d| d.to_string())),
            if p.kit {
                String::new()
            } else {
                p.on_hand.to_string()
            },
        ])
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::Internal(format!("cannot write CSV: {e}")))
}
