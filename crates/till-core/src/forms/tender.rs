//! Payments as the front ends take them: the window's payment rows, the
//! CLI's `--pay METHOD:AMOUNT[:REF]`.

use serde::Deserialize;

use crate::checkout::{Tender, TenderMethod};
use crate::error::{Error, Field, Result};
use crate::money::Currency;

/// One payment as a front end gives it: the amount as typed.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct TenderForm {
    pub method: TenderMethod,
    pub amount: String,
    /// A card terminal's reference; blank is none.
    #[serde(default)]
    pub reference: Option<String>,
}

impl TenderForm {
    /// The CLI's text form, "cash:20.00" or "card:12.50[:REF]".
    pub fn from_text(text: &str) -> Result<TenderForm> {
        let mut parts = text.splitn(3, ':');
        // The method first: "bitcoin" is a wrong method, not a missing amount.
        let method = parts.next().unwrap_or_default().parse::<TenderMethod>()?;
        let amount = parts.next().ok_or_else(|| {
            Error::invalid(
                Field::Payment,
                format!("{text:?} needs an amount, e.g. cash:20.00"),
            )
        })?;
        Ok(TenderForm {
            method,
            amount: amount.to_string(),
            reference: parts.next().map(String::from),
        })
    }

    pub fn parse(&self, currency: &Currency) -> Result<Tender> {
        Ok(Tender {
            method: self.method,
            amount: currency.parse_positive(Field::Payment, &self.amount)?,
            reference: self
                .reference
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(String::from),
        })
    }
}

/// Several payments; with more than one, an error says which ("payment 2:").
pub fn tenders(forms: &[TenderForm], currency: &Currency) -> Result<Vec<Tender>> {
    forms
        .iter()
        .enumerate()
        .map(|(i, f)| {
            f.parse(currency).map_err(|e| {
                if forms.len() > 1 {
                    e.at(format_args!("payment {}", i + 1))
                } else {
                    e
                }
            })
        })
        .collect()
}

impl Tender {
    /// Parses the CLI form "cash:20.00" or "card:12.50[:REF]".
    pub fn parse(text: &str, currency: &Currency) -> Result<Tender> {
        TenderForm::from_text(text)?.parse(currency)
    }
}
