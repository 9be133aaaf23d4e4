//! Parsing and checking of plain user input shared by every front end (the
//! CLI's flags, the window's form fields), so both say the same thing about
//! the same mistake and nothing unreadable ever reaches the store. Money has
//! its own parsers in `money`.
//!
//! Times and dates: anything Till stores must read back. A time is kept as
//! RFC 3339 in UTC with four-digit years, so a time whose UTC value falls
//! outside 1970..=9999 (`9999-12-31T23:00:00-23:59` is in the year 10000)
//! is refused here, before anything is written.
//!
//! Text: every free-text field has a length limit (`TextKind`), so a pasted
//! 100 kB "name" cannot bloat receipts, events and the upstream's batches.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::error::{Error, Result};

/// A whole number ("12", " -3 "); `field` names the input in the error.
pub fn whole(field: &str, text: &str) -> Result<i64> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a whole number")))
}

/// A locale tag ("de-DE") Till can write dates in, in canonical form.
pub fn locale(field: &str, text: &str) -> Result<String> {
    crate::locale::parse(field, text)
}

/// The first and last years a stored time or date may fall in (UTC).
pub const FIRST_YEAR: i32 = 1970;
pub const LAST_YEAR: i32 = 9999;

/// A calendar date written YYYY-MM-DD, between 1970 and 9999.
pub fn date(field: &str, text: &str) -> Result<NaiveDate> {
    let d = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a date like 2026-12-31")))?;
    check_date(field, d)
}

/// Refuses a date outside 1970..=9999.
pub fn check_date(field: &str, d: NaiveDate) -> Result<NaiveDate> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(Error::invalid(
            field,
            format!("{d} is outside the years {FIRST_YEAR} to {LAST_YEAR}"),
        ))
    }
}

/// A time the user gives: RFC 3339 with an offset ("2026-11-25T17:00:00Z",
/// "2026-11-25T18:00:00+01:00"), whose UTC value lies in 1970..=9999.
pub fn time(field: &str, text: &str) -> Result<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Error::invalid(
                field,
                format!("{text:?} is not an RFC 3339 time ({e}); example: 2026-11-25T17:00:00Z"),
            )
        })?;
    check_time(field, t).map_err(|_| {
        Error::invalid(
            field,
            format!(
                "{text:?} is {} in UTC, outside the years {FIRST_YEAR} to {LAST_YEAR}",
                t.format("%Y-%m-%dT%H:%M:%SZ")
            ),
        )
    })
}

/// Refuses a time whose UTC value lies outside 1970..=9999: the core checks
/// every time it is given before writing it, whoever parsed it.
pub fn check_time(field: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&t.year()) {
        Ok(t)
    } else {
        Err(Error::invalid(
            field,
            format!(
                "{} is outside the years {FIRST_YEAR} to {LAST_YEAR} (UTC)",
                t.format("%Y-%m-%dT%H:%M:%SZ")
            ),
        ))
    }
}

/// The kinds of free text Till keeps, each with its longest allowed length
/// in characters. README lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Names of products, customers, sales, bundles, tiers, the shop.
    Name,
    /// Product categories.
    Category,
    /// Notes and reasons (stock notes, customer notes); may span lines.
    Note,
    /// References (a card terminal's, a payout's), payout methods, metric names.
    Reference,
    Email,
    Phone,
    /// Idempotency keys and ids given by the user.
    Key,
    /// The cashier's name as recorded on orders and movements.
    User,
}

impl TextKind {
    pub const fn max_chars(self) -> usize {
        match self {
            TextKind::Name => 200,
            TextKind::Category => 100,
            TextKind::Note => 2000,
            TextKind::Reference => 100,
            TextKind::Email => 254,
            TextKind::Phone => 32,
            TextKind::Key => 128,
            TextKind::User => 100,
        }
    }

    const fn multiline(self) -> bool {
        matches!(self, TextKind::Note)
    }
}

/// Required text: trimmed, not empty, within its kind's length, no control
/// characters (line breaks only in notes).
pub fn text(field: &str, value: &str, kind: TextKind) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    check_text(field, v, kind)?;
    Ok(v.to_string())
}

/// Optional text: blank is none; otherwise as `text`.
pub fn opt_text(field: &str, value: Option<&str>, kind: TextKind) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => text(field, v, kind).map(Some),
    }
}

/// Checks the length and characters of text that is already trimmed.
pub fn check_text(field: &str, value: &str, kind: TextKind) -> Result<()> {
    let max = kind.max_chars();
    let n = value.chars().count();
    if n > max {
        return Err(Error::invalid(
            field,
            format!("is {n} characters long; at most {max} are allowed"),
        ));
    }
    let bad = value
        .chars()
        .find(|c| c.is_control() && !(kind.multiline() && matches!(c, '\n' | '\t' | '\r')));
    if let Some(c) = bad {
        return Err(Error::invalid(
            field,
            format!("contains the control character {c:?}"),
        ));
    }
    Ok(())
}

/// The most lines one sale or cart may hold: far beyond any basket, and
/// small enough that its receipt and sync event stay well within the
/// upstream's batch limits.
pub const MAX_SALE_LINES: usize = 500;

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

    #[test]
    fn times_must_read_back_in_four_digit_years() {
        assert_eq!(
            time("t", "2026-11-25T18:00:00+01:00").unwrap().to_rfc3339(),
            "2026-11-25T17:00:00+00:00"
        );
        for bad in [
            "9999-12-31T23:00:00-23:59",
            "0000-01-01T00:00:00+01:00",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:30:00+01:00",
        ] {
            let e = time("--start", bad).unwrap_err().to_string();
            assert!(e.contains("--start") && e.contains("1970 to 9999"), "{e}");
        }
        assert!(time("t", "9999-12-31T23:59:59Z").is_ok());
        assert!(time("t", "1970-01-01T00:00:00Z").is_ok());
        assert!(date("d", "0000-01-01").is_err());
        assert!(date("d", "9999-12-31").is_ok());
    }

    #[test]
    fn text_is_bounded() {
        assert_eq!(text("name", "  Tea ", TextKind::Name).unwrap(), "Tea");
        assert!(text("name", " ", TextKind::Name).is_err());
        let long = "x".repeat(201);
        let e = text("name", &long, TextKind::Name).unwrap_err().to_string();
        assert!(
            e.contains("201 characters") && e.contains("at most 200"),
            "{e}"
        );
        assert!(text("name", "a\nb", TextKind::Name).is_err());
        assert!(text("note", "a\nb", TextKind::Note).is_ok());
        assert_eq!(opt_text("c", Some("  "), TextKind::Category).unwrap(), None);
    }
}
