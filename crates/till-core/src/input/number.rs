//! Whole numbers.

use crate::error::{Error, Field, Result};

/// A whole number ("12", " -3 "); `field` names the input in the error.
pub fn whole(field: Field, text: &str) -> Result<i64> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a whole number")))
}
