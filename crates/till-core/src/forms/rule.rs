//! A pricing rule as the front ends take it (the CLI's `pricing rule add`
//! flags, the window's rule form): each choice named, each value as typed.

use serde::Deserialize;

use crate::error::{Error, Field, Result};
use crate::money::{parse_decimal, Currency};
use crate::pricing::{Condition, Effect, RuleInput, Scope};

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct RuleForm {
    /// stock_below | stock_above | within_days_of_sell_by
    pub condition: String,
    /// The condition's number (units of stock, or days).
    pub threshold: String,
    /// multiplier | amount
    pub effect: String,
    pub value: String,
    /// all | category | sku
    pub scope: String,
    #[serde(default)]
    pub scope_value: Option<String>,
    /// Blank or missing: 0.
    #[serde(default)]
    pub hysteresis: Option<String>,
}

impl RuleForm {
    pub fn parse(&self, currency: &Currency) -> Result<RuleInput> {
        let (make, field): (fn(i64) -> Condition, Field) = match self.condition.trim() {
            "stock_below" => (Condition::StockBelow, Field::WhenStockBelow),
            "stock_above" => (Condition::StockAbove, Field::WhenStockAbove),
            "within_days_of_sell_by" => (Condition::WithinDaysOfSellBy, Field::WithinDaysOfSellBy),
            other => {
                return Err(Error::invalid(
                    Field::Condition,
                    format!("{other:?} is not a rule condition"),
                ))
            }
        };
        let condition = make(crate::input::whole(field, &self.threshold)?);
        let effect = match self.effect.trim() {
            "multiplier" => Effect::Multiplier(parse_decimal(Field::Multiplier, &self.value)?),
            "amount" => Effect::Amount(currency.parse_amount(Field::Amount, &self.value)?),
            other => {
                return Err(Error::invalid(
                    Field::Effect,
                    format!("{other:?} is not a rule effect"),
                ))
            }
        };
        let value = self
            .scope_value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from);
        let scope = match (self.scope.trim(), value) {
            ("all", _) => Scope::All,
            ("category", Some(v)) => Scope::Category(v),
            ("sku", Some(v)) => Scope::Sku(v),
            ("category", None) => return Err(Error::invalid(Field::Category, "name the category")),
            ("sku", None) => return Err(Error::invalid(Field::Sku, "name the SKU")),
            (other, _) => {
                return Err(Error::invalid(
                    Field::Scope,
                    format!("{other:?} is not a rule scope"),
                ))
            }
        };
        let hysteresis = match self.hysteresis.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(h) => crate::input::whole(Field::Hysteresis, h)?,
        };
        Ok(RuleInput {
            condition,
            effect,
            scope,
            hysteresis,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_multiplier_names_the_neutral_field() {
        let form = RuleForm {
            condition: "stock_below".into(),
            threshold: "5".into(),
            effect: "multiplier".into(),
            value: "lots".into(),
            scope: "all".into(),
            ..Default::default()
        };
        let e = form
            .parse(&Currency::from_code("EUR").unwrap())
            .unwrap_err();
        assert!(
            matches!(
                &e,
                Error::Invalid {
                    field: Field::Multiplier,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("invalid multiplier:"), "{e}");
        let bad_threshold = RuleForm {
            threshold: "x".into(),
            value: "1.1".into(),
            ..form
        };
        let e = bad_threshold
            .parse(&Currency::from_code("EUR").unwrap())
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Invalid {
                    field: Field::WhenStockBelow,
                    ..
                }
            ),
            "{e:?}"
        );
    }
}
