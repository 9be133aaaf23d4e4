//! Parsing of plain user input shared by every front end (the CLI's flags,
//! the window's form fields), so both say the same thing about the same
//! mistake. Money has its own parsers in `money`.

use chrono::NaiveDate;

use crate::error::{Error, Result};

/// A whole number ("12", " -3 "); `field` names the input in the error.
pub fn whole(field: &str, text: &str) -> Result<i64> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a whole number")))
}

/// A calendar date written YYYY-MM-DD.
pub fn date(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a date like 2026-12-31")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_the_field() {
        assert_eq!(whole("n", " -3 ").unwrap(), -3);
        assert!(whole("n", "1.5")
            .unwrap_err()
            .to_string()
            .contains("not a whole number"));
        assert_eq!(date("d", "2026-12-31").unwrap().to_string(), "2026-12-31");
        assert!(date("d", "31/12/2026")
            .unwrap_err()
            .to_string()
            .contains("invalid d"));
    }
}
