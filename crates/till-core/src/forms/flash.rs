//! A flash sale as the front ends take it (the CLI's `flash create`/`edit`
//! flags, the window's flash-sale form).

use serde::Deserialize;

use crate::error::{Error, Field, Result};
use crate::money::{parse_decimal, Currency};
use crate::pricing::{FlashEffect, FlashSaleInput};

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct FlashForm {
    pub name: String,
    #[serde(default)]
    pub skus: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    /// multiplier | price
    pub effect: String,
    pub value: String,
    /// RFC 3339, inclusive.
    pub starts_at: String,
    /// RFC 3339, exclusive.
    pub ends_at: String,
    #[serde(default)]
    pub weekly: bool,
}

/// Trimmed, blank entries dropped.
fn names(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

impl FlashForm {
    pub fn parse(&self, currency: &Currency) -> Result<FlashSaleInput> {
        let effect = match self.effect.trim() {
            "multiplier" => FlashEffect::Multiplier(parse_decimal(Field::Multiplier, &self.value)?),
            "price" => FlashEffect::Price(currency.parse_non_negative(Field::Price, &self.value)?),
            other => {
                return Err(Error::invalid(
                    Field::Effect,
                    format!("{other:?} is neither multiplier nor price"),
                ))
            }
        };
        Ok(FlashSaleInput {
            name: self.name.clone(),
            skus: names(&self.skus),
            categories: names(&self.categories),
            effect,
            starts_at: crate::input::time(Field::Start, &self.starts_at)?,
            ends_at: crate::input::time(Field::End, &self.ends_at)?,
            weekly: self.weekly,
        })
    }
}
