//! Order arithmetic, as a pure function of the lines: discounts, tax per
//! rate, totals. Shared by the open cart, the sale commit and the benchmarks,
//! so what the cashier sees is exactly what is stored.
//!
//! Invariants (property-tested in `tests/money_props.rs`):
//! * the lines' `gross` sum to `subtotal`;
//! * `subtotal - discount + tax = total` when tax is added at the till, and
//!   `subtotal - discount = total` when prices include tax (`tax` is then the
//!   part of the total that is tax);
//! * per-line discount, tax and total add up to the order's, to the cent.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::field::Field;
use crate::money::{allocate, parse_decimal, Currency};
use crate::tax::{fraction, TaxMode};

/// A discount on a line or on the whole order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Discount {
    /// Percent off, 0 < p <= 100.
    Percent(Decimal),
    /// A fixed amount off.
    Amount(Decimal),
}

impl Discount {
    /// Parses "10%" (percent off) or "2.50" (amount off).
    pub fn parse(field: Field, text: &str, currency: &Currency) -> Result<Discount> {
        let t = text.trim();
        let d = if let Some(p) = t.strip_suffix('%') {
            let p = parse_decimal(field, p)?;
            Discount::Percent(p.normalize())
        } else {
            Discount::Amount(currency.parse_amount(field, t)?)
        };
        d.validate(field)?;
        Ok(d)
    }

    pub fn validate(&self, field: Field) -> Result<()> {
        match self {
            Discount::Percent(p) if *p <= Decimal::ZERO || *p > Decimal::ONE_HUNDRED => Err(
                Error::invalid(field, format!("{p}% must be more than 0 and at most 100")),
            ),
            Discount::Amount(a) if *a <= Decimal::ZERO => Err(Error::invalid(
                field,
                format!("{a} must be greater than zero"),
            )),
            _ => Ok(()),
        }
    }

    /// The discount on `base`, rounded to the minor unit. An amount larger
    /// than `base` is refused rather than silently capped.
    fn apply(&self, field: Field, base: Decimal, currency: &Currency) -> Result<Decimal> {
        match self {
            Discount::Percent(p) => Ok(currency.round(base * *p / Decimal::ONE_HUNDRED)),
            Discount::Amount(a) if *a > base => Err(Error::invalid(
                field,
                format!("{a} off is more than the {base} it applies to"),
            )),
            Discount::Amount(a) => Ok(currency.round(*a)),
        }
    }

    /// The discount as a percent of `base`, what it applies to (100 when
    /// there is nothing to take it off): what the approval threshold is
    /// compared with.
    pub fn percent_of(&self, base: Decimal) -> Decimal {
        match self {
            Discount::Percent(p) => *p,
            Discount::Amount(_) if base <= Decimal::ZERO => Decimal::ONE_HUNDRED,
            Discount::Amount(a) => *a * Decimal::ONE_HUNDRED / base,
        }
    }

    /// Reads the storage form back ("10%" or "2.50").
    pub(crate) fn from_text(text: &str) -> std::result::Result<Discount, String> {
        let bad = |_| "which is not a discount like 10% or 2.50".to_string();
        let d = match text.strip_suffix('%') {
            Some(p) => p.parse().map(Discount::Percent).map_err(bad)?,
            None => text.parse().map(Discount::Amount).map_err(bad)?,
        };
        // A number is not enough: 150% or -2 is no discount Till gives.
        d.validate(Field::OrderDiscount)
            .map_err(|_| "which is not a discount Till gives (over 0, at most 100%)".to_string())?;
        Ok(d)
    }

    /// Storage form: "10%" or "2.50".
    pub fn to_text(&self) -> String {
        match self {
            Discount::Percent(p) => format!("{}%", p.normalize()),
            Discount::Amount(a) => a.to_string(),
        }
    }
}

/// One line as the arithmetic needs it.
#[derive(Debug, Clone)]
pub struct LineInput {
    pub qty: i64,
    /// Already rounded to the minor unit (the pricing pipeline does that).
    pub unit_price: Decimal,
    /// Percent.
    pub tax_rate: Decimal,
    pub discount: Option<Discount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LineTotals {
    /// unit price x quantity.
    pub gross: Decimal,
    /// Line discount plus this line's share of the order discount.
    pub discount: Decimal,
    /// gross - discount.
    pub net: Decimal,
    /// This line's share of the tax of its rate.
    pub tax: Decimal,
    /// What the customer pays for the line: net + tax when tax is added,
    /// net when prices include tax.
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TaxLine {
    /// Percent.
    pub rate: Decimal,
    /// The amount the tax is levied on, excluding tax.
    pub base: Decimal,
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Totals {
    pub lines: Vec<LineTotals>,
    pub subtotal: Decimal,
    pub discount: Decimal,
    pub tax: Decimal,
    pub taxes: Vec<TaxLine>,
    pub total: Decimal,
}

/// Computes an order's totals. Tax is computed once per rate on the sum of
/// that rate's discounted lines (not per line, which would drift by a cent
/// per line), then spread over the lines for refunds.
pub fn compute(
    currency: &Currency,
    mode: TaxMode,
    lines: &[LineInput],
    order_discount: Option<&Discount>,
) -> Result<Totals> {
    let zero = currency.round(Decimal::ZERO);
    let mut gross = Vec::with_capacity(lines.len());
    let mut after_line = Vec::with_capacity(lines.len());
    let mut line_disc = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if l.qty <= 0 {
            return Err(Error::invalid(
                Field::Quantity,
                format!("line {}: {} must be at least 1", i + 1, l.qty),
            ));
        }
        let g = currency.round(l.unit_price * Decimal::from(l.qty));
        let d = match &l.discount {
            Some(d) => d
                .apply(Field::LineDiscount, g, currency)
                .map_err(|e| e.at(format_args!("line {}", i + 1)))?,
            None => zero,
        };
        gross.push(g);
        line_disc.push(d);
        after_line.push(g - d);
    }
    let base: Decimal = after_line.iter().sum();
    let order_disc = match order_discount {
        Some(d) => d.apply(Field::OrderDiscount, base, currency)?,
        None => zero,
    };
    let order_parts = allocate(currency, order_disc, &after_line);
    let net: Vec<Decimal> = after_line
        .iter()
        .zip(&order_parts)
        .map(|(a, o)| currency.round(a - o))
        .collect();

    // Tax per rate, then spread over the lines of that rate.
    let mut by_rate: BTreeMap<Decimal, Vec<usize>> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        by_rate.entry(l.tax_rate.normalize()).or_default().push(i);
    }
    let mut line_tax = vec![zero; lines.len()];
    let mut taxes = Vec::new();
    for (rate, idx) in by_rate {
        let rate_net: Decimal = idx.iter().map(|&i| net[i]).sum();
        let f = fraction(rate);
        let tax = match mode {
            TaxMode::Exclusive => currency.round(rate_net * f),
            TaxMode::Inclusive => currency.round(rate_net * f / (Decimal::ONE + f)),
        };
        let weights: Vec<Decimal> = idx.iter().map(|&i| net[i]).collect();
        for (&i, part) in idx.iter().zip(allocate(currency, tax, &weights)) {
            line_tax[i] = part;
        }
        let taxable = match mode {
            TaxMode::Exclusive => rate_net,
            TaxMode::Inclusive => rate_net - tax,
        };
        if !rate.is_zero() {
            taxes.push(TaxLine {
                rate,
                base: currency.round(taxable),
                tax,
            });
        }
    }

    let line_totals: Vec<LineTotals> = (0..lines.len())
        .map(|i| LineTotals {
            gross: gross[i],
            discount: currency.round(line_disc[i] + order_parts[i]),
            net: net[i],
            tax: line_tax[i],
            total: match mode {
                TaxMode::Exclusive => currency.round(net[i] + line_tax[i]),
                TaxMode::Inclusive => net[i],
            },
        })
        .collect();
    let subtotal = currency.round(gross.iter().sum());
    let discount = currency.round(line_disc.iter().sum::<Decimal>() + order_disc);
    let tax = currency.round(line_tax.iter().sum());
    let total = match mode {
        TaxMode::Exclusive => currency.round(subtotal - discount + tax),
        TaxMode::Inclusive => currency.round(subtotal - discount),
    };
    Ok(Totals {
        lines: line_totals,
        subtotal,
        discount,
        tax,
        taxes,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn eur() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    fn line(qty: i64, price: Decimal, rate: Decimal) -> LineInput {
        LineInput {
            qty,
            unit_price: price,
            tax_rate: rate,
            discount: None,
        }
    }

    #[test]
    fn exclusive_tax_per_rate() {
        let t = compute(
            &eur(),
            TaxMode::Exclusive,
            &[
                line(3, dec!(1.99), dec!(20)),
                line(1, dec!(0.99), dec!(20)),
                line(2, dec!(4.50), dec!(5.5)),
            ],
            None,
        )
        .unwrap();
        assert_eq!(t.subtotal, dec!(15.96));
        // 20% of 6.96 = 1.392 -> 1.39; 5.5% of 9.00 = 0.495 -> 0.50
        assert_eq!(t.tax, dec!(1.89));
        assert_eq!(t.total, dec!(17.85));
        assert_eq!(t.taxes.len(), 2);
    }

    #[test]
    fn inclusive_tax_is_part_of_total() {
        let t = compute(
            &eur(),
            TaxMode::Inclusive,
            &[line(1, dec!(12.00), dec!(20))],
            None,
        )
        .unwrap();
        assert_eq!(t.total, dec!(12.00));
        assert_eq!(t.tax, dec!(2.00));
        assert_eq!(t.taxes[0].base, dec!(10.00));
    }

    #[test]
    fn order_discount_is_spread_exactly() {
        let t = compute(
            &eur(),
            TaxMode::Exclusive,
            &[
                line(1, dec!(10.00), dec!(0)),
                line(1, dec!(10.00), dec!(0)),
                line(1, dec!(10.00), dec!(0)),
            ],
            Some(&Discount::Amount(dec!(1.00))),
        )
        .unwrap();
        assert_eq!(t.discount, dec!(1.00));
        assert_eq!(
            t.lines.iter().map(|l| l.discount).sum::<Decimal>(),
            dec!(1.00)
        );
        assert_eq!(t.total, dec!(29.00));
    }

    #[test]
    fn discount_larger_than_line_is_refused() {
        let mut l = line(1, dec!(2.00), dec!(0));
        l.discount = Some(Discount::Amount(dec!(3.00)));
        assert!(compute(&eur(), TaxMode::Exclusive, &[l], None).is_err());
    }
}
