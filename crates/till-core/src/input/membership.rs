//! A membership tier as the front ends take it (the CLI's `membership tier
//! add` flags, the window's tier form).

use rust_decimal::Decimal;

use crate::error::{Error, Field, Result};
use crate::money::{parse_decimal, Currency};

/// The tier's discount ("10" or "10%") and monthly fee (blank: none), as
/// typed.
pub fn member_terms(discount: &str, fee: Option<&str>, c: &Currency) -> Result<(Decimal, Decimal)> {
    let discount = parse_decimal(Field::MemberDiscount, discount.trim().trim_end_matches('%'))?;
    let fee = match super::given(fee) {
        None => Decimal::ZERO,
        Some(f) if f.starts_with('-') => {
            return Err(Error::invalid(
                Field::Fee,
                format!("{f} must not be negative"),
            ))
        }
        Some(f) => c.parse_non_negative(Field::Fee, f)?,
    };
    Ok((discount, fee))
}
