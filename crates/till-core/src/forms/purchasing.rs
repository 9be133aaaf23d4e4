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
