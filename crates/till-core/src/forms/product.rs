//! A product as the front ends take it: the text of each field as typed
//! (the CLI's `product add`/`edit` flags, the window's product form),
//! parsed here once.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::catalog::{NewProduct, ProductUpdate};
use crate::error::{Field, Result};
use crate::money::{parse_decimal, Currency};

/// `None`: the field was not given. Blank text leaves an optional field
/// out of a new product and clears it on an update, except the tax rate:
/// blank is "not given" (a new product takes the store's default rate; an
/// update keeps the rate, which cannot be cleared).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    pub sku: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub price: Option<String>,
    #[serde(default)]
    pub cost: Option<String>,
    #[serde(default)]
    pub barcode: Option<String>,
    /// Percent, "20" or "20%".
    #[serde(default)]
    pub tax_rate: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    /// Opening stock of a new product.
    #[serde(default)]
    pub stock: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub sell_by: Option<String>,
    #[serde(default)]
    pub price_floor: Option<String>,
    /// A multiple of the base price.
    #[serde(default)]
    pub price_ceiling: Option<String>,
    /// A supplier's name.
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub supplier_sku: Option<String>,
    #[serde(default)]
    pub reorder_point: Option<String>,
    #[serde(default)]
    pub reorder_qty: Option<String>,
    #[serde(default)]
    pub compare_at_price: Option<String>,
}

/// Given and not blank.
fn filled(v: &Option<String>) -> Option<&str> {
    crate::input::given(v.as_deref())
}

/// Given: blank clears (`Some(None)`), else `parse`.
fn clearable<T>(
    v: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T>,
) -> Result<Option<Option<T>>> {
    match v.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(t) => parse(t).map(|x| Some(Some(x))),
    }
}

impl ProductForm {
    fn sell_by(t: &str) -> Result<NaiveDate> {
        crate::input::date(Field::SellBy, t)
    }

    /// A new product: SKU, name and price are required.
    pub fn new_product(&self, c: &Currency) -> Result<NewProduct> {
        let opt_money = |f: Field, v: &Option<String>| {
            filled(v).map(|t| c.parse_non_negative(f, t)).transpose()
        };
        Ok(NewProduct {
            sku: self.sku.clone(),
            name: self.name.clone().unwrap_or_default(),
            price: c.parse_non_negative(Field::Price, self.price.as_deref().unwrap_or(""))?,
            cost: opt_money(Field::Cost, &self.cost)?,
            barcode: filled(&self.barcode).map(String::from),
            tax_rate: filled(&self.tax_rate)
                .map(crate::tax::parse_rate)
                .transpose()?,
            category: filled(&self.category).map(String::from),
            stock: filled(&self.stock)
                .map(|s| crate::input::whole(Field::Stock, s))
                .transpose()?,
            sell_by: filled(&self.sell_by).map(Self::sell_by).transpose()?,
            price_floor: opt_money(Field::Floor, &self.price_floor)?,
            price_ceiling: filled(&self.price_ceiling)
                .map(|x| parse_decimal(Field::Ceiling, x))
                .transpose()?,
            supplier: filled(&self.supplier).map(String::from),
            supplier_sku: filled(&self.supplier_sku).map(String::from),
            reorder_point: filled(&self.reorder_point)
                .map(|t| crate::input::whole(Field::ReorderPoint, t))
                .transpose()?,
            reorder_qty: filled(&self.reorder_qty)
                .map(|t| crate::input::whole(Field::ReorderQty, t))
                .transpose()?,
            compare_at_price: opt_money(Field::CompareAtPrice, &self.compare_at_price)?,
        })
    }

    /// The fields given, to change; blank clears the optional ones.
    pub fn update(&self, c: &Currency) -> Result<ProductUpdate> {
        Ok(ProductUpdate {
            name: self.name.clone(),
            price: self
                .price
                .as_deref()
                .map(|p| c.parse_non_negative(Field::Price, p))
                .transpose()?,
            cost: clearable(&self.cost, |t| c.parse_non_negative(Field::Cost, t))?,
            barcode: clearable(&self.barcode, |t| Ok(t.to_string()))?,
            tax_rate: filled(&self.tax_rate)
                .map(crate::tax::parse_rate)
                .transpose()?,
            category: clearable(&self.category, |t| Ok(t.to_string()))?,
            active: self.active,
            sell_by: clearable(&self.sell_by, Self::sell_by)?,
            price_floor: clearable(&self.price_floor, |t| c.parse_non_negative(Field::Floor, t))?,
            price_ceiling: clearable(&self.price_ceiling, |t| -> Result<Decimal> {
                parse_decimal(Field::Ceiling, t)
            })?,
            supplier: clearable(&self.supplier, |t| Ok(t.to_string()))?,
            supplier_sku: clearable(&self.supplier_sku, |t| Ok(t.to_string()))?,
            reorder_point: clearable(&self.reorder_point, |t| {
                crate::input::whole(Field::ReorderPoint, t)
            })?,
            reorder_qty: clearable(&self.reorder_qty, |t| {
                crate::input::whole(Field::ReorderQty, t)
            })?,
            compare_at_price: clearable(&self.compare_at_price, |t| {
                c.parse_non_negative(Field::CompareAtPrice, t)
            })?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn eur() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    #[test]
    fn blank_leaves_out_on_add_and_clears_on_update() {
        let f = ProductForm {
            sku: "TEA".into(),
            name: Some("Tea".into()),
            price: Some("2.50".into()),
            cost: Some(" ".into()),
            category: Some("".into()),
            ..Default::default()
        };
        let n = f.new_product(&eur()).unwrap();
        assert_eq!((n.cost, n.category), (None, None));
        let u = f.update(&eur()).unwrap();
        assert_eq!((u.cost, u.category), (Some(None), Some(None)));
        assert_eq!(u.barcode, None);
    }

    #[test]
    fn a_bad_price_names_the_neutral_field() {
        let f = ProductForm {
            sku: "TEA".into(),
            name: Some("Tea".into()),
            price: Some("-1".into()),
            ..Default::default()
        };
        match f.new_product(&eur()).unwrap_err() {
            Error::Invalid { field, message } => {
                assert_eq!(field, Field::Price);
                assert!(!message.contains("--"), "{message}");
            }
            e => panic!("{e}"),
        }
        let e = f.new_product(&eur()).unwrap_err().to_string();
        assert!(e.starts_with("invalid price:"), "{e}");
    }
}
