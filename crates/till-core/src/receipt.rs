//! A receipt's content as a print document.
//!
//! PLACEHOLDER until the receipt module lands: the same interface
//! (`ReceiptOptions`, `doc_in`, `Store::receipt_doc`, `Store::labels`) with
//! the plainest content (shop name, number, lines, total, payments, the
//! number as a barcode), so PDF and email can be built and tested on it.
//! The merge takes the receipt module's version of this file.

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use till_print::{Align, Block, Doc, Label, LabelCode, Size};

use crate::error::{Error, Result};
use crate::roles::Permission;
use crate::settings::Settings;
use crate::store::Store;

/// How a receipt is printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiptOptions {
    /// Characters per line; None: the printer's (42).
    pub width: Option<u32>,
    /// Without prices.
    pub gift: bool,
    /// Marked COPY.
    pub copy: bool,
}

fn money(settings: &Settings, amount: Decimal) -> String {
    let mut a = amount;
    if a.scale() < settings.currency.minor_units {
        a.rescale(settings.currency.minor_units);
    }
    match settings.currency.code.as_str() {
        "EUR" => format!("€{a}"),
        code => format!("{a} {code}"),
    }
}

/// The receipt of order `reference` (id or number) as a document.
pub(crate) fn doc_in(
    conn: &Connection,
    settings: &Settings,
    reference: &str,
    opts: &ReceiptOptions,
) -> Result<Doc> {
    let key = reference.trim();
    let id: Option<String> = conn
        .query_row(
            "SELECT id FROM orders WHERE id = ?1 OR number = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = id else {
        return Err(Error::not_found("order", key));
    };
    let r = crate::orders::load_receipt(conn, &id)?;
    let mut doc = Doc::new().push(Block::Text {
        text: settings.store_name.clone(),
        align: Align::Center,
        bold: true,
        size: Size::Double,
    });
    if opts.copy {
        doc = doc.push(Block::text("COPY"));
    }
    doc = doc
        .push(Block::text(format!("Receipt {}", r.number)))
        .push(Block::Rule);
    for l in &r.lines {
        let right = if opts.gift {
            String::new()
        } else {
            money(settings, l.total)
        };
        doc = doc.push(Block::columns(format!("{} x {}", l.qty, l.name), right));
    }
    doc = doc.push(Block::Rule);
    if !opts.gift {
        doc = doc.push(Block::Columns {
            left: "TOTAL".into(),
            right: money(settings, r.total),
            bold: true,
            size: Size::Double,
        });
        for p in &r.payments {
            doc = doc.push(Block::columns(p.method.as_str(), money(settings, p.amount)));
        }
    }
    Ok(doc
        .push(Block::Barcode128(r.number.clone()))
        .push(Block::Cut))
}

impl Store {
    /// The receipt of an order as a print document.
    pub fn receipt_doc(&self, reference: &str, opts: &ReceiptOptions) -> Result<Doc> {
        self.require(Permission::LookUp)?;
        doc_in(&self.conn, &self.settings, reference, opts)
    }

    /// Shelf labels of products by SKU.
    pub fn labels(&self, skus: &[String]) -> Result<Vec<Label>> {
        self.require(Permission::LookUp)?;
        skus.iter()
            .map(|sku| {
                let p = self.product_row(sku)?;
                let code = match &p.barcode {
                    Some(b) if till_print::valid_ean13(b) => LabelCode::Ean13(b.clone()),
                    _ => LabelCode::Code128(p.sku.clone()),
                };
                Ok(Label {
                    name: p.name,
                    price: money(&self.settings, p.price),
                    code,
                })
            })
            .collect()
    }
}
