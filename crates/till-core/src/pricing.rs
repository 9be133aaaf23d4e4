//! Unit pricing: what one unit of a product costs at a given moment, and why.
//!
//! Every price a cart line gets comes from `Store::quote`, so the checkout,
//! `till price show` and the product screen always agree. The pipeline is
//! base price -> adjustments -> rounding (half away from zero, once, at the end).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::Product;
use crate::error::Result;
use crate::store::Store;

/// One step of the pipeline that changed the price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjustment {
    /// Where the change came from ("stock_rule", "flash_sale", "guardrail", ...).
    pub source: String,
    pub description: String,
    /// The change to the unit price, signed ("-12.50").
    pub effect: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub sku: String,
    pub name: String,
    pub base_price: Decimal,
    pub price: Decimal,
    pub on_hand: i64,
    pub adjustments: Vec<Adjustment>,
    /// Short reason shown next to the line ("flash sale -25%"), if any.
    pub note: Option<String>,
}

/// Prices one product. Pure: everything it needs is passed in.
pub fn quote(product: &Product, currency: &crate::money::Currency, _at: DateTime<Utc>) -> Quote {
    let price = currency.round(product.price);
    let adjustments: Vec<Adjustment> = Vec::new();
    let note = if adjustments.is_empty() {
        None
    } else {
        Some(adjustments.iter().map(|a| a.description.clone()).collect::<Vec<_>>().join(", "))
    };
    Quote {
        sku: product.sku.clone(),
        name: product.name.clone(),
        base_price: currency.round(product.price),
        price: price.max(Decimal::ZERO),
        on_hand: product.on_hand,
        adjustments,
        note,
    }
}

impl Store {
    /// The price of one unit of `sku` at time `at`.
    pub fn quote(&self, sku: &str, at: DateTime<Utc>) -> Result<Quote> {
        let product = self.find_product(sku)?;
        Ok(quote(&product, &self.settings.currency, at))
    }
}
