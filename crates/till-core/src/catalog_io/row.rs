//! A product row as read from either format, and the readers of its cells:
//! each checks a value the way the catalog checks it, and a value it
//! refuses becomes an error naming the line and the column.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::read::{Record, Table};
use super::Issue;
use crate::error::Error;
use crate::input::{Field, TextKind};
use crate::money::Currency;

/// How a row sets the tax rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tax {
    /// This rate (percent).
    Rate(Decimal),
    /// Shopify's `Variant Taxable`: false is no tax; true keeps a taxed
    /// product's rate and gives the store's default rate otherwise.
    Taxable(bool),
}

/// One product as a file gives it. `None`: the file does not carry the
/// field (its column is absent), so a new product gets the default and an
/// existing one keeps its value; `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    pub line: u64,
    pub sku: String,
    pub name: Option<String>,
    pub price: Option<Decimal>,
    pub cost: Option<Option<Decimal>>,
    pub barcode: Option<Option<String>>,
    pub tax: Option<Tax>,
    pub category: Option<Option<String>>,
    pub active: Option<bool>,
    pub sell_by: Option<Option<NaiveDate>>,
    pub price_floor: Option<Option<Decimal>>,
    pub price_ceiling: Option<Option<Decimal>>,
    pub supplier: Option<Option<String>>,
    pub supplier_sku: Option<Option<String>>,
    pub reorder_point: Option<Option<i64>>,
    pub reorder_qty: Option<Option<i64>>,
    pub compare_at_price: Option<Option<Decimal>>,
    /// Units on hand the file gives (opening stock of a new product).
    pub stock: Option<i64>,
}

/// What a format made of a file.
#[derive(Default)]
pub(crate) struct Parsed {
    pub rows: Vec<Row>,
    pub warnings: Vec<Issue>,
    pub errors: Vec<Issue>,
    /// The file's column for a product field (`name`, `supplier`…), for
    /// the errors planning finds.
    pub columns: HashMap<&'static str, String>,
}

/// The words of an error without the field's name, which the issue's
/// column already says.
pub(crate) fn words(e: Error) -> String {
    match e {
        Error::Invalid { message, .. } => message,
        e => e.to_string(),
    }
}

/// The cells of one record, and the issues found reading them.
pub(crate) struct Cells<'a> {
    pub rec: &'a Record,
    pub table: &'a Table,
    pub currency: &'a Currency,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl<'a> Cells<'a> {
    pub fn new(rec: &'a Record, table: &'a Table, currency: &'a Currency) -> Self {
        Cells {
            rec,
            table,
            currency,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn text(&self, col: Option<usize>) -> &'a str {
        self.rec.get(col)
    }

    fn issue(&self, col: Option<usize>, message: String) -> Issue {
        Issue {
            line: self.rec.line,
            column: col.map(|c| self.table.headers[c].clone()),
            message,
        }
    }

    pub fn error(&mut self, col: Option<usize>, message: impl Into<String>) {
        let i = self.issue(col, message.into());
        self.errors.push(i);
    }

    pub fn warn(&mut self, col: Option<usize>, message: impl Into<String>) {
        let i = self.issue(col, message.into());
        self.warnings.push(i);
    }

    /// Reads a present column with `f`; `None` when the column is absent
    /// or its value was refused (the error is recorded), `Some(None)` when
    /// the cell is empty.
    fn read<T>(
        &mut self,
        col: Option<usize>,
        f: impl FnOnce(&mut Self, usize, &str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        let c = col?;
        let t = self.rec.get(Some(c));
        if t.is_empty() {
            return Some(None);
        }
        match f(self, c, t) {
            Ok(v) => Some(Some(v)),
            Err(m) => {
                self.error(Some(c), m);
                None
            }
        }
    }

    /// An amount in the store currency: a plain decimal number, not
    /// negative, no more decimals than the currency has.
    pub fn money(&mut self, col: Option<usize>, field: Field) -> Option<Option<Decimal>> {
        let currency = self.currency;
        self.read(col, |_, _, t| amount(currency, field, t))
    }

    /// Free text of a kind (a name, a category).
    pub fn words(
        &mut self,
        col: Option<usize>,
        field: Field,
        kind: TextKind,
    ) -> Option<Option<String>> {
        self.read(col, |_, _, t| {
            crate::input::text(field, t, kind).map_err(words)
        })
    }

    /// A SKU, barcode or supplier SKU. A leading apostrophe (a
    /// spreadsheet's mark for "keep as text") is dropped with a warning; a
    /// number a spreadsheet rewrote in scientific notation has lost digits
    /// no one can recover, so it is an error.
    pub fn code(&mut self, col: Option<usize>, field: Field) -> Option<Option<String>> {
        self.read(col, |cells, c, t| {
            let t = match t.strip_prefix('\'') {
                Some(rest) => {
                    cells.warn(
                        Some(c),
                        format!(
                            "{t:?}: the leading apostrophe (a spreadsheet's mark for text) was removed"
                        ),
                    );
                    rest.trim()
                }
                None => t,
            };
            if scientific(t) {
                return Err(format!(
                    "{t:?} is a number a spreadsheet rewrote in scientific notation: its last digits are lost and cannot be recovered; format the column as text and export again, or type the code in full"
                ));
            }
            crate::catalog::validate_code(field, t).map_err(words)
        })
    }

    /// A whole number of units (stock, reorder point and quantity).
    pub fn int(&mut self, col: Option<usize>, field: Field) -> Option<Option<i64>> {
        self.read(col, |_, _, t| {
            let v: i64 = t
                .strip_prefix('+')
                .unwrap_or(t)
                .parse()
                .map_err(|_| format!("{t:?} is not a whole number"))?;
            crate::money::check_qty(field, v).map_err(words)?;
            Ok(v)
        })
    }

    /// true or false (also TRUE, yes, no, 1, 0).
    pub fn flag(&mut self, col: Option<usize>) -> Option<Option<bool>> {
        self.read(col, |_, _, t| {
            flag(t).ok_or_else(|| format!("{t:?} is not true or false"))
        })
    }

    /// A tax rate in percent ("20", "20%", "5.5").
    pub fn rate(&mut self, col: Option<usize>) -> Option<Option<Decimal>> {
        self.read(col, |_, _, t| crate::tax::parse_rate(t).map_err(words))
    }

    /// A date as YYYY-MM-DD.
    pub fn date(&mut self, col: Option<usize>, field: Field) -> Option<Option<NaiveDate>> {
        self.read(col, |_, _, t| {
            let d = NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map_err(|_| format!("{t:?} is not a date written YYYY-MM-DD"))?;
            crate::input::check_date(field, d).map_err(words)
        })
    }

    /// A price ceiling: a multiple of the base price.
    pub fn ceiling(&mut self, col: Option<usize>) -> Option<Option<Decimal>> {
        self.read(col, |_, _, t| {
            let v = crate::money::parse_decimal(Field::Ceiling, t).map_err(words)?;
            crate::settings::check_ceiling(v).map_err(words)
        })
    }
}

pub(crate) fn flag(t: &str) -> Option<bool> {
    match t.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// An amount as a shop writes it, refused with words that say how to fix
/// it: a currency symbol, letters and thousands separators are not taken
/// (a comma may be a decimal comma: guessing would misprice).
pub(crate) fn amount(currency: &Currency, field: Field, t: &str) -> Result<Decimal, String> {
    if t.chars().any(|c| {
        !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-' || c == '+' || c.is_whitespace())
    }) {
        return Err(format!(
            "{t:?} is not an amount: write the number only, without a currency symbol or letters (25.00)"
        ));
    }
    if t.contains(',') {
        return Err(format!(
            "{t:?} has a comma: write amounts with a decimal point and no thousands separators (1299.50)"
        ));
    }
    let v = crate::money::parse_decimal(field, t).map_err(words)?;
    crate::catalog::check_amount_in(currency, field, v).map_err(words)
}

/// Whether a code reads as a number in scientific notation ("3.65275E+11"),
/// the way spreadsheets show long numbers.
pub(crate) fn scientific(t: &str) -> bool {
    let Some(e) = t.find(['e', 'E']) else {
        return false;
    };
    let (mantissa, exp) = (&t[..e], &t[e + 1..]);
    let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.chars().filter(|&c| c == '.').count() <= 1
        && mantissa.chars().any(|c| c.is_ascii_digit())
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::scientific;

    #[test]
    fn scientific_notation_is_recognised() {
        assert!(scientific("3.65275E+11"));
        assert!(scientific("1e5"));
        assert!(!scientific("ABC-E1"));
        assert!(!scientific("E12"));
        assert!(!scientific("365275101829"));
    }
}
