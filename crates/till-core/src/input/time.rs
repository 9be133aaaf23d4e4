//! Dates and times: anything Till stores must read back. A time is kept as
//! RFC 3339 in UTC with four-digit years, so a time whose UTC value falls
//! outside 1970..=9999 (`9999-12-31T23:00:00-23:59` is in the year 10000)
//! is refused here, before anything is written.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::error::{Error, Field, Result};

/// The first and last years a stored time or date may fall in (UTC).
pub const FIRST_YEAR: i32 = 1970;
pub const LAST_YEAR: i32 = 9999;

/// A calendar date written YYYY-MM-DD, between 1970 and 9999.
pub fn date(field: Field, text: &str) -> Result<NaiveDate> {
    let d = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a date like 2026-12-31")))?;
    check_date(field, d)
}

/// Refuses a date outside 1970..=9999.
pub fn check_date(field: Field, d: NaiveDate) -> Result<NaiveDate> {
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
pub fn time(field: Field, text: &str) -> Result<DateTime<Utc>> {
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
pub fn check_time(field: Field, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
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
