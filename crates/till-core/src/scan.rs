//! What a scan or a typed code is: a product (its SKU or barcode), or an
//! order (its receipt number or id, the text of the receipt's QR code
//! `till:order:NUMBER`, or a refund's id, which opens the refunded order).
//! The checkout's scan box and the Orders screen's search ask here, so a
//! receipt scanned at either opens the order for a return.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::Field;
use crate::roles::Permission;
use crate::store::Store;

/// What the QR code of a receipt holds before the receipt number.
pub const ORDER_QR_PREFIX: &str = "till:order:";

/// What a scanned or typed code names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scanned {
    Product {
        sku: String,
        name: String,
    },
    Order {
        id: String,
        number: String,
    },
    /// Nothing of the shop's: the text as scanned (trimmed).
    Unknown {
        text: String,
    },
}

impl Store {
    /// Resolves a scan. A product's SKU or barcode comes first (the scan
    /// box sells), then a receipt number or order id, then a refund's id.
    /// The receipt's QR text names an order only. Empty text is refused.
    pub fn resolve_scan(&self, text: &str) -> Result<Scanned> {
        self.require(Permission::LookUp)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::invalid(Field::Code, "must not be empty"));
        }
        let qr = text
            .get(..ORDER_QR_PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(ORDER_QR_PREFIX))
            .map(|_| text[ORDER_QR_PREFIX.len()..].trim());
        if qr.is_none() {
            match self.product_by_code(text) {
                Ok(p) => {
                    return Ok(Scanned::Product {
                        sku: p.sku,
                        name: p.name,
                    })
                }
                Err(Error::UnknownProduct(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let key = qr.unwrap_or(text);
        let order: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT id, number FROM orders WHERE number = ?1 OR id = ?1
                 UNION ALL
                 SELECT o.id, o.number FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = ?1
                 LIMIT 1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match order {
            Some((id, number)) => Scanned::Order { id, number },
            None => Scanned::Unknown {
                text: text.to_string(),
            },
        })
    }
}
