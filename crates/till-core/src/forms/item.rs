//! The item grammar: how the CLI's `--item` and the window's scan box name
//! a product, a quantity and, when selling, a price set at the till.
//! README ("What Till accepts", "Items") documents it for users.
//!
//! * `CODE`: one of the product with this SKU or barcode;
//! * `Q*CODE`: Q of it (`3*COF`, spaces around `*` allowed);
//! * `CODExQ` or `CODEXQ`: Q of it (`COFx3`, `COF X 3`). A code may itself
//!   end in an x and digits (`BOX3`, `TAXx2`), so the whole text is tried
//!   as a code first: an existing product is never silently swapped for
//!   another in a larger quantity.
//! * any of these then `@PRICE`: sold at this unit price instead of its
//!   price now (`COF@3`, `COFx2@2.50`, `3*COF@2.50`): a price override,
//!   which `cart` and `checkout` allow only to those who may override
//!   prices. A code may contain an `@` too, so the whole text is tried as a
//!   code first here as well.
//!
//! A quantity is a whole number of at least one; a malformed one
//! (`COFx0`, `COFx-1`, `COFx1.5`) is an error, not part of a code. So is a
//! malformed price (`COF@abc`, `COF@-1`, `COF@`), naming the item.

use rust_decimal::Decimal;

use crate::error::{Error, Field, Result};

/// What an item text says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemText {
    /// The SKU or barcode with the quantity and the price taken off.
    pub code: String,
    pub qty: i64,
    /// The text without its price, when it may itself be a code (`BOXx3`):
    /// tried first, as one unit (at the price given).
    pub whole: Option<String>,
    /// The unit price given after `@`.
    pub price: Option<Decimal>,
    /// The whole text, price and all, when it has an `@`: a code may
    /// contain one, so it is tried before anything else, as one unit at
    /// its own price.
    pub verbatim: Option<String>,
}

impl ItemText {
    /// The (code, quantity) readings, most likely first, each at `price`;
    /// the verbatim text (an `@` in a code) is not among them.
    pub fn readings(&self) -> Vec<(String, i64)> {
        let mut out = Vec::with_capacity(2);
        if let Some(w) = &self.whole {
            out.push((w.clone(), 1));
        }
        out.push((self.code.clone(), self.qty));
        out
    }
}

/// Reads an item text; see the module's grammar.
pub fn item(text: &str) -> Result<ItemText> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(Field::Item, "must not be empty"));
    }
    match t.rsplit_once('@') {
        Some((body, price)) if !body.trim().is_empty() => {
            let price = unit_price(t, price.trim())?;
            let mut read = quantity_of(body.trim_end())?;
            read.price = Some(price);
            read.verbatim = Some(t.to_string());
            Ok(read)
        }
        _ => quantity_of(t),
    }
}

/// The price after `@`: a plain decimal number, not negative. Whether it
/// has more decimals than the currency allows is checked by the store,
/// which knows the currency.
fn unit_price(item: &str, price: &str) -> Result<Decimal> {
    if price.is_empty() {
        return Err(Error::invalid(
            Field::Item,
            format!("{item}: a price must follow @ (e.g. COF@2.50)"),
        ));
    }
    let value = crate::money::parse_decimal(Field::Item, price)
        .and_then(|v| crate::money::check_magnitude(Field::Item, v).map(|_| v))
        .map_err(|e| match e {
            Error::Invalid { message, .. } => {
                Error::invalid(Field::Item, format!("{item}: price {message}"))
            }
            e => e,
        })?;
    if value < Decimal::ZERO {
        return Err(Error::invalid(
            Field::Item,
            format!("{item}: price {price} must not be negative"),
        ));
    }
    Ok(value)
}

/// Reads the code and quantity of an item text without a price.
fn quantity_of(t: &str) -> Result<ItemText> {
    if let Some((qty, code)) = t.split_once('*') {
        let (qty, code) = (qty.trim(), code.trim());
        if !code.is_empty() && !qty.is_empty() && looks_numeric(qty) {
            return Ok(ItemText {
                code: code.to_string(),
                qty: quantity(t, qty)?,
                whole: None,
                price: None,
                verbatim: None,
            });
        }
    }
    if let Some(pos) = t.rfind(['x', 'X']) {
        let (code, qty) = (t[..pos].trim_end(), t[pos + 1..].trim_start());
        if !code.is_empty() && !qty.is_empty() && looks_numeric(qty) {
            return Ok(ItemText {
                code: code.to_string(),
                qty: quantity(t, qty)?,
                whole: Some(t.to_string()),
                price: None,
                verbatim: None,
            });
        }
    }
    Ok(ItemText {
        code: t.to_string(),
        qty: 1,
        whole: None,
        price: None,
        verbatim: None,
    })
}

/// Digits, perhaps with a sign or a decimal point: meant as a quantity.
fn looks_numeric(s: &str) -> bool {
    let digits = s.trim_start_matches(['-', '+']);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().any(|c| c.is_ascii_digit())
}

fn quantity(item: &str, qty: &str) -> Result<i64> {
    match qty.parse::<i64>() {
        Ok(q) if q >= 1 => Ok(q),
        Ok(q) => Err(Error::invalid(
            Field::Item,
            format!("{item}: quantity {q} must be at least 1"),
        )),
        Err(_) => Err(Error::invalid(
            Field::Item,
            format!("{item}: quantity {qty:?} must be a whole number"),
        )),
    }
}

/// An item of a sale as its text names it: the product's SKU, the
/// quantity, and the unit price set at the till, if one was (`COF@2.50`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleItem {
    pub sku: String,
    pub qty: i64,
    /// A price override, in the store's currency (not negative, no more
    /// decimals than the currency has).
    pub price: Option<Decimal>,
}

impl crate::Store {
    /// The product and quantity an item text names: the first reading
    /// whose code is a product's SKU or barcode. When none is, the error
    /// says the last reading's code is unknown. A price (`@2.50`) is
    /// refused: it only means something for an item sold (`sale_item`).
    pub fn item(&self, text: &str) -> Result<(String, i64)> {
        self.require(crate::roles::Permission::LookUp)?;
        let found = self.sale_item(text)?;
        if found.price.is_some() {
            return Err(Error::invalid(
                Field::Item,
                format!(
                    "{}: a price (@) can be given only for an item being sold",
                    text.trim()
                ),
            ));
        }
        Ok((found.sku, found.qty))
    }

    /// The product, quantity and price override an item text of a sale
    /// names (`COFx2@2.50`); see the module's grammar. Whether the one
    /// selling may override a price is decided when the line is added.
    pub fn sale_item(&self, text: &str) -> Result<SaleItem> {
        self.require(crate::roles::Permission::LookUp)?;
        let t = text.trim();
        if t.contains('@') {
            // A code with an @ in it is that product, at its own price.
            match self.product_by_code(t) {
                Ok(p) => {
                    return Ok(SaleItem {
                        sku: p.sku,
                        qty: 1,
                        price: None,
                    })
                }
                Err(Error::UnknownProduct(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let read = item(t)?;
        let price = read.price.map(|p| self.override_price(t, p)).transpose()?;
        let mut last = None;
        for (code, qty) in read.readings() {
            match self.product_by_code(&code) {
                Ok(p) => {
                    return Ok(SaleItem {
                        sku: p.sku,
                        qty,
                        price,
                    })
                }
                Err(e @ Error::UnknownProduct(_)) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::UnknownProduct(t.to_string())))
    }

    /// A price given at the till, checked as every amount is
    /// (`catalog::check_amount`: the currency's decimals, not negative, not
    /// absurdly large), its refusal worded for the item.
    fn override_price(&self, item: &str, price: Decimal) -> Result<Decimal> {
        self.check_amount(Field::Item, price).map_err(|e| match e {
            Error::Invalid { field, message } => {
                Error::invalid(field, format!("{item}: price {message}"))
            }
            e => e,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(t: &str) -> (String, i64) {
        let i = item(t).unwrap();
        (i.code, i.qty)
    }

    #[test]
    fn items_parse() {
        assert_eq!(read("ESPx3"), ("ESP".into(), 3));
        assert_eq!(read("ESP"), ("ESP".into(), 1));
        assert_eq!(read("BOX"), ("BOX".into(), 1));
        assert_eq!(read("boxx2"), ("box".into(), 2));
        assert!(item("ESPx0").is_err());
        assert!(item("ESPx-1").is_err());
        assert!(item("ESPx1.5").is_err());
        assert!(item("").is_err());
        assert!(item("  ").is_err());
    }

    #[test]
    fn a_code_is_trimmed_and_read_whole() {
        assert_eq!(read("  4006381333931 "), ("4006381333931".into(), 1));
        assert_eq!(
            item("COF X 2").unwrap().readings(),
            vec![("COF X 2".into(), 1), ("COF".into(), 2)]
        );
        assert_eq!(read("COFx1a"), ("COFx1a".into(), 1));
    }

    #[test]
    fn the_quantity_may_come_first_or_last_with_spaces() {
        assert_eq!(read("3*COF"), ("COF".into(), 3));
        assert_eq!(read("12 * COF"), ("COF".into(), 12));
        assert_eq!(read("COF X 2"), ("COF".into(), 2));
        assert!(item("0*COF").is_err());
        assert!(item("1.5*COF").is_err());
    }

    #[test]
    fn a_code_that_ends_in_x_and_digits_is_tried_whole_first() {
        assert_eq!(
            item("BOXx3").unwrap().readings(),
            vec![("BOXx3".into(), 1), ("BOX".into(), 3)]
        );
        assert_eq!(item("3*COF").unwrap().readings(), vec![("COF".into(), 3)]);
        // No code beside the quantity: the text is a code.
        assert_eq!(read("x3"), ("x3".into(), 1));
        assert_eq!(read("3*"), ("3*".into(), 1));
        assert_eq!(
            item("BOX3").unwrap().readings(),
            vec![("BOX3".into(), 1), ("BO".into(), 3)]
        );
    }

    fn priced(t: &str) -> (String, i64, Option<Decimal>) {
        let i = item(t).unwrap();
        (i.code, i.qty, i.price)
    }

    #[test]
    fn a_price_may_follow_any_reading() {
        let d = |s: &str| Some(s.parse::<Decimal>().unwrap());
        assert_eq!(priced("COF@3"), ("COF".into(), 1, d("3")));
        assert_eq!(priced("COFx2@2.50"), ("COF".into(), 2, d("2.50")));
        assert_eq!(priced("3*COF@2.50"), ("COF".into(), 3, d("2.50")));
        assert_eq!(priced("COF X 2 @ 0"), ("COF".into(), 2, d("0")));
        assert_eq!(priced("COFx2"), ("COF".into(), 2, None));
        let i = item("BOXx3@1.20").unwrap();
        assert_eq!(i.readings(), vec![("BOXx3".into(), 1), ("BOX".into(), 3)]);
        assert_eq!(i.verbatim.as_deref(), Some("BOXx3@1.20"));
        // No code before the @: the text is a code.
        assert_eq!(priced("@3"), ("@3".into(), 1, None));
    }

    #[test]
    fn a_bad_price_names_the_item() {
        for (t, words) in [
            ("COF@abc", "not a number"),
            ("COF@", "must follow @"),
            ("COF@-1", "must not be negative"),
            ("COFx2@1e3", "not a number"),
            ("COF@2,50", "not a number"),
        ] {
            match item(t).unwrap_err() {
                Error::Invalid { field, message } => {
                    assert_eq!(field, Field::Item);
                    assert!(message.starts_with(t), "{t}: {message}");
                    assert!(message.contains(words), "{t}: {message}");
                }
                e => panic!("{e}"),
            }
        }
        // The quantity is still checked.
        assert!(item("COFx0@2").is_err());
    }

    #[test]
    fn a_bad_quantity_names_the_item_field() {
        match item("COFx0").unwrap_err() {
            Error::Invalid { field, message } => {
                assert_eq!(field, Field::Item);
                assert!(message.contains("COFx0") && message.contains("at least 1"));
            }
            e => panic!("{e}"),
        }
    }
}
