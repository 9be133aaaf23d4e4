//! A purchase order's line as the CLI's `--item` gives it: the item
//! grammar (`COFx12`, `12*COF`) with the unit cost after `@`
//! (`COFx12@2.65`); without `@`, the product's cost.

use crate::error::{Error, Field, Result};
use crate::purchasing::PoLineInput;

impl crate::Store {
    /// The line an item text names, for `po_create`. The cost is checked
    /// there, with the line's place.
    pub fn po_line(&self, text: &str) -> Result<PoLineInput> {
        self.require(crate::roles::Permission::Purchasing)?;
        let t = text.trim();
        let read = super::item(t)?;
        let mut last = None;
        for (code, qty) in read.readings() {
            match self.product_by_code(&code) {
                Ok(p) => {
                    let unit_cost = match read.price.or(p.cost) {
                        Some(c) => c,
                        None => {
                            return Err(Error::invalid(
                                Field::Item,
                                format!(
                                    "{t}: {} has no cost; give the unit cost after @ (e.g. {}x{qty}@2.50)",
                                    p.sku, p.sku
                                ),
                            ))
                        }
                    };
                    return Ok(PoLineInput {
                        sku: p.sku,
                        qty,
                        unit_cost,
                    });
                }
                Err(e @ Error::UnknownProduct(_)) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::UnknownProduct(t.to_string())))
    }
}

/// A PO line as the window's form gives it: the text as typed. A blank
/// cost is the product's cost.
#[derive(Debug, Clone, Default, serde::Deserialize, specta::Type)]
pub struct PoLineForm {
    pub sku: String,
    pub qty: String,
    #[serde(default)]
    pub unit_cost: Option<String>,
}

/// A quantity received, as typed against a PO's line.
#[derive(Debug, Clone, Default, serde::Deserialize, specta::Type)]
pub struct PoReceiveForm {
    pub sku: String,
    pub qty: String,
}

impl crate::Store {
    /// The lines of the window's PO form; rows left blank are left out.
    /// An error names the row ("item 2 (MUG)").
    pub fn po_lines_form(&self, rows: &[PoLineForm]) -> Result<Vec<PoLineInput>> {
        self.require(crate::roles::Permission::Purchasing)?;
        let mut out = Vec::with_capacity(rows.len());
        for (n, row) in rows.iter().enumerate() {
            let sku = row.sku.trim();
            let cost = row.unit_cost.as_deref().map(str::trim).unwrap_or("");
            if sku.is_empty() && row.qty.trim().is_empty() && cost.is_empty() {
                continue;
            }
            let place = format!("item {} ({sku})", n + 1);
            if sku.is_empty() {
                return Err(Error::invalid(Field::Sku, "must not be empty").at(&place));
            }
            let qty = crate::input::whole(Field::Quantity, &row.qty).map_err(|e| e.at(&place))?;
            let product = self.product_by_code(sku)?;
            let unit_cost = if cost.is_empty() {
                product.cost.ok_or_else(|| {
                    Error::invalid(
                        Field::Cost,
                        format!("{} has no cost; give the unit cost", product.sku),
                    )
                    .at(&place)
                })?
            } else {
                crate::money::parse_decimal(Field::Cost, cost).map_err(|e| e.at(&place))?
            };
            out.push(PoLineInput {
                sku: product.sku,
                qty,
                unit_cost,
            });
        }
        Ok(out)
    }

    /// The quantities of the window's receive form; a line left blank or
    /// at 0 is not received this time. At least one must be given.
    pub fn po_receive_form(&self, rows: &[PoReceiveForm]) -> Result<Vec<(String, i64)>> {
        self.require(crate::roles::Permission::Purchasing)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let t = row.qty.trim();
            if t.is_empty() {
                continue;
            }
            let qty = crate::input::whole(Field::Quantity, t).map_err(|e| e.at(row.sku.trim()))?;
            if qty == 0 {
                continue;
            }
            out.push((row.sku.trim().to_string(), qty));
        }
        if out.is_empty() {
            return Err(Error::invalid(
                Field::Quantity,
                "enter how many came for at least one line",
            ));
        }
        Ok(out)
    }
}
