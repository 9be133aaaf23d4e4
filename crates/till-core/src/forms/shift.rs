//! Cash for a shift as the front ends take it: the float and the count
//! (not negative) and a cash movement (greater than zero), as typed.

use rust_decimal::Decimal;

use crate::error::{Field, Result};
use crate::money::Currency;

/// The float a shift opens with (`Field::Float`) or the cash counted at
/// its close (`Field::Counted`): an amount in the currency, not negative.
pub fn drawer_amount(field: Field, text: &str, currency: &Currency) -> Result<Decimal> {
    currency.parse_non_negative(field, text)
}

/// Cash put into the drawer or taken out of it: greater than zero.
pub fn cash_amount(text: &str, currency: &Currency) -> Result<Decimal> {
    currency.parse_positive(Field::CashAmount, text)
}
