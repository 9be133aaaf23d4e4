//! The item grammar: how the CLI's `--item` and the window's scan box name
//! a product and a quantity. README ("What Till accepts", "Items")
//! documents it for users.
//!
//! * `CODE`: one of the product with this SKU or barcode;
//! * `Q*CODE`: Q of it (`3*COF`, spaces around `*` allowed);
//! * `CODExQ` or `CODEXQ`: Q of it (`COFx3`, `COF X 3`). A code may itself
//!   end in an x and digits (`BOX3`, `TAXx2`), so the whole text is tried
//!   as a code first: an existing product is never silently swapped for
//!   another in a larger quantity.
//!
//! A quantity is a whole number of at least one; a malformed one
//! (`COFx0`, `COFx-1`, `COFx1.5`) is an error, not part of a code.

use crate::error::{Error, Field, Result};

/// What an item text says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemText {
    /// The SKU or barcode with the quantity taken off.
    pub code: String,
    pub qty: i64,
    /// The whole text, when it may itself be a code (`BOXx3`): tried first,
    /// as one unit.
    pub whole: Option<String>,
}

impl ItemText {
    /// The (code, quantity) readings, most likely first.
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
    if let Some((qty, code)) = t.split_once('*') {
        let (qty, code) = (qty.trim(), code.trim());
        if !code.is_empty() && !qty.is_empty() && looks_numeric(qty) {
            return Ok(ItemText {
                code: code.to_string(),
                qty: quantity(t, qty)?,
                whole: None,
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
            });
        }
    }
    Ok(ItemText {
        code: t.to_string(),
        qty: 1,
        whole: None,
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

impl crate::Store {
    /// The product and quantity an item text names: the first reading
    /// whose code is a product's SKU or barcode. When none is, the error
    /// says the last reading's code is unknown.
    pub fn item(&self, text: &str) -> Result<(String, i64)> {
        self.require(crate::roles::Permission::LookUp)?;
        let readings = item(text)?.readings();
        let mut last = None;
        for (code, qty) in readings {
            match self.product_by_code(&code) {
                Ok(p) => return Ok((p.sku, qty)),
                Err(e @ Error::UnknownProduct(_)) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::UnknownProduct(text.trim().to_string())))
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
