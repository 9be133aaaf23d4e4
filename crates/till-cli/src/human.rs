//! How human output writes what the core hands out as data: times in the
//! shop's locale and time zone ("02.12.2026, 14:05"), amounts with their
//! currency where they stand alone ("29.00 EUR"), and enum-like values
//! (statuses, kinds, states) as words ("partially refunded"). JSON output
//! is the contract and stays as the core sends it: RFC 3339 times, bare
//! decimal strings, snake_case names.
//!
//! Amounts in a table whose header names the currency, and the lines of a
//! receipt (its TOTAL names it), stay bare.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use till_core::locale::TimeFormat;
use till_core::money::Currency;
use till_core::settings::Settings;
use till_core::Result;

pub struct Human {
    /// None before a store is open (`init`, mining a basket file): times
    /// then show as the core sent them, amounts bare.
    time: Option<TimeFormat>,
    currency: Option<Currency>,
}

impl Human {
    /// The store's locale, time zone and currency.
    pub fn of(settings: &Settings) -> Result<Human> {
        Ok(Human {
            time: Some(TimeFormat::new(&settings.locale, &settings.time_zone)?),
            currency: Some(settings.currency.clone()),
        })
    }

    /// For commands that run without a store.
    pub fn plain() -> Human {
        Human {
            time: None,
            currency: None,
        }
    }

    /// A time or a day as the core sends it (RFC 3339, YYYY-MM-DD).
    pub fn time(&self, text: &str) -> String {
        match &self.time {
            Some(f) => f.text(text),
            None => text.to_string(),
        }
    }

    /// An optional time, or `none` when there is none.
    pub fn time_or(&self, text: Option<&str>, none: &str) -> String {
        text.map(|t| self.time(t))
            .unwrap_or_else(|| none.to_string())
    }

    pub fn moment(&self, t: DateTime<Utc>) -> String {
        match &self.time {
            Some(f) => f.time(t),
            None => till_core::store::ts(t),
        }
    }

    pub fn date(&self, d: NaiveDate) -> String {
        match &self.time {
            Some(f) => f.date(d),
            None => d.to_string(),
        }
    }

    /// "29.00 EUR".
    pub fn money(&self, amount: Decimal) -> String {
        match &self.currency {
            Some(c) => c.display(amount),
            None => amount.to_string(),
        }
    }

    /// "+0.45 EUR", "-1.20 EUR": a change to a price.
    pub fn change(&self, amount: Decimal) -> String {
        let text = self.money(amount);
        if amount.is_sign_negative() {
            text
        } else {
            format!("+{text}")
        }
    }

    /// The currency code, for table headers ("PRICE EUR").
    pub fn code(&self) -> &str {
        self.currency.as_ref().map_or("", |c| c.code.as_str())
    }
}

/// An enum-like value (a status, a kind, a state) as words: its JSON name
/// with underscores as spaces, so "partially_refunded" reads "partially
/// refunded" and the words never drift from the names scripts see.
pub fn words<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn statuses_read_as_words() {
        assert_eq!(words("partially_refunded"), "partially refunded");
        assert_eq!(words("completed"), "completed");
        assert_eq!(
            words(&till_core::pricing::flash::FlashStatus::Upcoming),
            "upcoming"
        );
        assert_eq!(
            words(&till_core::referrals::CommissionStatus::Pending),
            "pending"
        );
        assert_eq!(words(&till_core::plans::LicenseState::Grace), "grace");
        assert_eq!(
            words(&till_core::plans::TiersSource::UnsignedIgnored),
            "unsigned ignored"
        );
    }
}
