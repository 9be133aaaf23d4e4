//! Tax modes and rates. Rates are percentages ("20" is 20 %).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::field::Field;
use crate::money::parse_decimal;

/// Whether shelf prices include tax (common for retail in the EU) or tax is
/// added at the till (the default, common in North America).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum TaxMode {
    Exclusive,
    Inclusive,
}

impl fmt::Display for TaxMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TaxMode::Exclusive => "exclusive",
            TaxMode::Inclusive => "inclusive",
        })
    }
}

impl FromStr for TaxMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "exclusive" => Ok(TaxMode::Exclusive),
            "inclusive" => Ok(TaxMode::Inclusive),
            _ => Err(Error::invalid(
                Field::TaxMode,
                format!("{s:?} is neither \"exclusive\" nor \"inclusive\""),
            )),
        }
    }
}

/// Parses a tax rate given as a percentage: "20", "20%", "5.5". A rate is
/// between 0 and 100 with at most 4 decimals.
pub fn parse_rate(text: &str) -> Result<Decimal> {
    let t = text.trim().trim_end_matches('%');
    let rate = parse_decimal(Field::TaxRate, t)?;
    if rate < Decimal::ZERO || rate > Decimal::ONE_HUNDRED {
        return Err(Error::invalid(
            Field::TaxRate,
            format!("{text:?} must be a percentage between 0 and 100"),
        ));
    }
    if rate.normalize().scale() > 4 {
        return Err(Error::invalid(
            Field::TaxRate,
            format!("{text:?} has more than 4 decimals"),
        ));
    }
    Ok(rate.normalize())
}

/// Rate as a fraction: 20 -> 0.2.
pub fn fraction(rate_percent: Decimal) -> Decimal {
    rate_percent / Decimal::ONE_HUNDRED
}
