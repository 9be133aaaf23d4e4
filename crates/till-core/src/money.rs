//! Money: decimal amounts in a store currency, rounded the one way Till rounds.
//!
//! Every amount is a `rust_decimal::Decimal`; nothing here ever touches `f64`.
//! Rounding is half away from zero to the currency's minor unit, and happens
//! where a price is fixed (unit prices, discounts, tax per rate), never twice.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::field::Field;

/// The store's currency: ISO 4217 code and number of minor-unit digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Currency {
    pub code: String,
    pub minor_units: u32,
}

impl Currency {
    /// Looks an ISO 4217 code up ("EUR" -> 2 minor units, "JPY" -> 0).
    pub fn from_code(code: &str) -> Result<Currency> {
        let upper = code.trim().to_ascii_uppercase();
        let iso = iso_currency::Currency::from_code(&upper).ok_or_else(|| {
            Error::invalid(
                Field::Currency,
                format!("{code:?} is not an ISO 4217 currency code"),
            )
        })?;
        // Funds and precious metals have no minor unit; a shop does not sell in them.
        let minor = iso.exponent().ok_or_else(|| {
            Error::invalid(
                Field::Currency,
                format!("{upper} has no minor unit and cannot be used for sales"),
            )
        })?;
        Ok(Currency {
            code: upper,
            minor_units: u32::from(minor),
        })
    }

    /// Rounds half away from zero to the minor unit and fixes the scale, so
    /// that `57.5` prints as `57.50` in EUR.
    pub fn round(&self, amount: Decimal) -> Decimal {
        let mut r =
            amount.round_dp_with_strategy(self.minor_units, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(self.minor_units);
        r
    }

    /// Rounds down (toward zero) to the minor unit: for a cap, which the
    /// rounded price must not pass ("at most 1.33x" of 560.50 is 745.46,
    /// not 745.47).
    pub fn round_down(&self, amount: Decimal) -> Decimal {
        let mut r = amount.round_dp_with_strategy(self.minor_units, RoundingStrategy::ToZero);
        r.rescale(self.minor_units);
        r
    }

    /// An amount standing alone in text, with its currency: "29.00 EUR".
    /// Padded to the minor unit but never rounded, so it states exactly
    /// what is charged.
    pub fn display(&self, amount: Decimal) -> String {
        let mut a = amount;
        if a.scale() < self.minor_units {
            a.rescale(self.minor_units);
        }
        format!("{a} {}", self.code)
    }

    /// Parses a user-given amount: a plain decimal number with at most the
    /// currency's minor-unit digits. `field` names the input in the error.
    pub fn parse_amount(&self, field: Field, text: &str) -> Result<Decimal> {
        let value = parse_decimal(field, text)?;
        check_magnitude(field, value)?;
        if value.scale() > self.minor_units && value.normalize().scale() > self.minor_units {
            return Err(Error::invalid(
                field,
                format!(
                    "{text:?} has more decimals than {} allows ({})",
                    self.code, self.minor_units
                ),
            ));
        }
        Ok(self.round(value))
    }

    /// Like `parse_amount`, but the amount must not be negative.
    pub fn parse_non_negative(&self, field: Field, text: &str) -> Result<Decimal> {
        let v = self.parse_amount(field, text)?;
        if v.is_sign_negative() && !v.is_zero() {
            return Err(Error::invalid(
                field,
                format!("{text:?} must not be negative"),
            ));
        }
        Ok(v)
    }

    /// Like `parse_amount`, but the amount must be greater than zero.
    pub fn parse_positive(&self, field: Field, text: &str) -> Result<Decimal> {
        let v = self.parse_amount(field, text)?;
        if v <= Decimal::ZERO {
            return Err(Error::invalid(
                field,
                format!("{text:?} must be greater than zero"),
            ));
        }
        Ok(v)
    }

    /// Converts an amount to an integer count of minor units (cents).
    pub fn to_minor(&self, amount: Decimal) -> i128 {
        let scaled = self.round(amount) * Decimal::from(10i64.pow(self.minor_units));
        scaled.mantissa() / 10i128.pow(scaled.scale())
    }

    /// Converts an integer count of minor units back to an amount.
    pub fn from_minor(&self, minor: i128) -> Decimal {
        let mut d = Decimal::from_i128_with_scale(minor, self.minor_units);
        d.rescale(self.minor_units);
        d
    }
}

/// The largest amount Till accepts anywhere (a trillion): far beyond any
/// shop's till, and small enough that no total of any cart can overflow.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0); // 1e12

/// The largest quantity on one line or one stock adjustment.
pub const MAX_QTY: i64 = 1_000_000;

/// Refuses amounts beyond [`MAX_AMOUNT`] (either sign).
pub fn check_magnitude(field: Field, value: Decimal) -> Result<()> {
    if value.abs() > MAX_AMOUNT {
        return Err(Error::invalid(
            field,
            format!("{value} is larger than Till handles (at most {MAX_AMOUNT})"),
        ));
    }
    Ok(())
}

/// Refuses quantities beyond [`MAX_QTY`] (either sign).
pub fn check_qty(field: Field, qty: i64) -> Result<()> {
    if qty.unsigned_abs() > MAX_QTY as u64 {
        return Err(Error::invalid(
            field,
            format!("{qty} is more than Till handles on one line (at most {MAX_QTY})"),
        ));
    }
    Ok(())
}

/// Parses a decimal number written the plain way ("12", "12.5", "-3.25").
/// Rejects exponents, thousands separators, NaN and anything else a float
/// parser would accept but a till should not.
pub fn parse_decimal(field: Field, text: &str) -> Result<Decimal> {
    let t = text.trim();
    let body = t
        .strip_prefix('-')
        .or_else(|| t.strip_prefix('+'))
        .unwrap_or(t);
    let plain = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|&c| c == '.').count() <= 1
        && body.chars().any(|c| c.is_ascii_digit());
    if !plain {
        return Err(Error::invalid(field, format!("{text:?} is not a number")));
    }
    Decimal::from_str(t)
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a number Till can hold")))
}

/// Splits `total` into parts proportional to `weights`, exactly: the parts
/// are whole minor units and add up to `total` (largest-remainder method,
/// ties to the earlier line). Used to spread an order discount over lines
/// and a per-rate tax over the lines that carry that rate.
pub fn allocate(currency: &Currency, total: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let total_minor = currency.to_minor(total);
    let w: Vec<i128> = weights
        .iter()
        .map(|w| currency.to_minor(*w).max(0))
        .collect();
    let sum: i128 = w.iter().sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if sum == 0 {
        // Nothing to weigh by: everything goes to the first line.
        let mut parts = vec![Decimal::ZERO; weights.len()];
        parts[0] = currency.from_minor(total_minor);
        return parts.into_iter().map(|p| currency.round(p)).collect();
    }
    let mut parts: Vec<i128> = w.iter().map(|wi| total_minor * wi / sum).collect();
    let mut remainders: Vec<(i128, usize)> = w
        .iter()
        .enumerate()
        .map(|(i, wi)| ((total_minor * wi % sum).abs(), i))
        .collect();
    let mut left = total_minor - parts.iter().sum::<i128>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let step = if left >= 0 { 1 } else { -1 };
    let mut k = 0;
    while left != 0 {
        let idx = remainders[k % remainders.len()].1;
        parts[idx] += step;
        left -= step;
        k += 1;
    }
    parts.into_iter().map(|p| currency.from_minor(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn eur() -> Currency {
        Currency::from_code("eur").unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(eur().round(dec!(2.345)).to_string(), "2.35");
        assert_eq!(eur().round(dec!(-2.345)).to_string(), "-2.35");
        assert_eq!(eur().round(dec!(57.5)).to_string(), "57.50");
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(jpy.round(dec!(10.5)).to_string(), "11");
    }

    #[test]
    fn parses_amounts_strictly() {
        assert_eq!(
            eur().parse_amount(Field::Price, "4.5").unwrap().to_string(),
            "4.50"
        );
        assert_eq!(
            eur()
                .parse_amount(Field::Price, "4.500")
                .unwrap()
                .to_string(),
            "4.50"
        );
        assert!(eur().parse_amount(Field::Price, "4.555").is_err());
        assert!(eur().parse_amount(Field::Price, "1e3").is_err());
        assert!(eur().parse_amount(Field::Price, "abc").is_err());
        assert!(eur().parse_amount(Field::Price, "1,50").is_err());
        assert!(eur().parse_amount(Field::Price, "").is_err());
        assert!(eur().parse_positive(Field::Price, "0").is_err());
        assert!(Currency::from_code("XXY").is_err());
    }

    #[test]
    fn huge_amounts_and_quantities_are_refused() {
        assert_eq!(MAX_AMOUNT, dec!(1000000000000));
        assert!(eur().parse_amount(Field::Price, "1000000000000").is_ok());
        assert!(eur()
            .parse_amount(Field::Price, "1000000000000.01")
            .is_err());
        assert!(eur()
            .parse_amount(Field::Price, "79228162514264337593543950335")
            .is_err());
        assert!(check_qty(Field::Quantity, 1_000_000).is_ok());
        assert!(check_qty(Field::Quantity, 1_000_001).is_err());
        assert!(check_qty(Field::Quantity, -1_000_001).is_err());
    }

    #[test]
    fn allocation_is_exact() {
        let parts = allocate(&eur(), dec!(1.00), &[dec!(1), dec!(1), dec!(1)]);
        assert_eq!(parts, vec![dec!(0.34), dec!(0.33), dec!(0.33)]);
        let parts = allocate(&eur(), dec!(10.00), &[dec!(0), dec!(0)]);
        assert_eq!(parts.iter().sum::<Decimal>(), dec!(10.00));
    }
}
