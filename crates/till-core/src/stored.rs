//! Stored values: how Till writes ids and times into the store, how it
//! reads typed values back, and saying exactly where one cannot be read.
//!
//! The lowest layer of the core: it imports nothing else of it, so every
//! module (the errors included) can use it.
//!
//! Every typed column Till keeps as text (decimals, times, dates, enums)
//! is read through these functions. A value that does not parse is never
//! turned into a default: the reader fails with a [`Damage`] naming the
//! table, the row (its primary key, when the query selected it), the
//! column and the value, and `Error::from` turns that into
//! `Error::Damaged` (see [`damage_of`]). Loaders that feed pricing (rules, flash sales,
//! bundles) catch it per row, leave the row out and report it
//! ([`split_damaged`]); everything else refuses with "the store is
//! damaged". `till doctor` reads every row of every table through the
//! same functions (`doctor`).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::{Type, ValueRef};
use rusqlite::Row;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A new id: UUID v7, time-ordered, unique without coordination.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Formats a time the way the store keeps it: RFC 3339, UTC, milliseconds.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A stored value Till cannot read, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Damage {
    pub table: String,
    /// The row's primary key ("3", or "K7QF…/2" for a two-column key);
    /// none when the query that met the value did not select it.
    pub row: Option<String>,
    pub column: String,
    /// The value as stored, cut to 80 characters.
    pub value: String,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.table)?;
        if let Some(r) = &self.row {
            write!(f, " row {r}")?;
        }
        write!(
            f,
            ": {} holds {:?}, {}",
            self.column, self.value, self.problem
        )
    }
}

impl std::error::Error for Damage {}

impl Damage {
    pub fn new(
        table: impl Into<String>,
        row: Option<String>,
        column: impl Into<String>,
        value: &str,
        problem: impl Into<String>,
    ) -> Damage {
        Damage {
            table: table.into(),
            row,
            column: column.into(),
            value: shorten(value),
            problem: problem.into(),
        }
    }
}

fn shorten(value: &str) -> String {
    if value.chars().count() <= 80 {
        value.to_string()
    } else {
        format!("{}…", value.chars().take(79).collect::<String>())
    }
}

/// The damage at column `idx` of `row`: the table and column the query
/// took it from, and the row's primary key when the query selected it.
pub(crate) fn damage_at(row: &Row, idx: usize, value: &str, problem: impl Into<String>) -> Damage {
    let stmt: &rusqlite::Statement = row.as_ref();
    let origin = |i: usize| -> Option<(String, String, bool)> {
        let m = stmt.column_metadata(i).ok().flatten()?;
        Some((
            m.1.to_string_lossy().into_owned(),
            m.2.to_string_lossy().into_owned(),
            m.6,
        ))
    };
    let (table, column) = match origin(idx) {
        Some((t, c, _)) => (t, c),
        None => (
            "(query)".to_string(),
            stmt.column_name(idx).unwrap_or("?").to_string(),
        ),
    };
    let key: Vec<String> = (0..stmt.column_count())
        .filter(|&i| matches!(origin(i), Some((t, _, true)) if t == table))
        .filter_map(|i| row.get_ref(i).ok().map(value_text))
        .collect();
    Damage::new(
        table,
        (!key.is_empty()).then(|| key.join("/")),
        column,
        value,
        problem,
    )
}

/// A stored value as text, for messages.
pub(crate) fn value_text(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(b) => format!("<{} bytes>", b.len()),
    }
}

pub(crate) fn fail(
    row: &Row,
    idx: usize,
    value: &str,
    problem: impl Into<String>,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        Type::Text,
        Box::new(damage_at(row, idx, value, problem)),
    )
}

/// Reads column `idx` as text and parses it with `parse`, whose error says
/// what the value is not ("is not a decimal number").
pub(crate) fn parse_with<T>(
    row: &Row,
    idx: usize,
    parse: impl FnOnce(&str) -> std::result::Result<T, String>,
) -> rusqlite::Result<T> {
    let text = text(row, idx)?;
    parse(&text).map_err(|problem| fail(row, idx, &text, problem))
}

/// Like `parse_with`, NULL being none.
pub(crate) fn opt_parse_with<T>(
    row: &Row,
    idx: usize,
    parse: impl FnOnce(&str) -> std::result::Result<T, String>,
) -> rusqlite::Result<Option<T>> {
    match row.get_ref(idx)? {
        ValueRef::Null => Ok(None),
        _ => parse_with(row, idx, parse).map(Some),
    }
}

/// Column `idx` as text; another type is damage too.
pub(crate) fn text(row: &Row, idx: usize) -> rusqlite::Result<String> {
    match row.get_ref(idx)? {
        ValueRef::Text(t) => std::str::from_utf8(t)
            .map(str::to_string)
            .map_err(|_| fail(row, idx, &String::from_utf8_lossy(t), "is not valid UTF-8")),
        other => {
            let v = value_text(other);
            Err(fail(row, idx, &v, "where text was expected"))
        }
    }
}

pub(crate) fn parse_decimal(s: &str) -> std::result::Result<Decimal, String> {
    Decimal::from_str(s).map_err(|_| "which is not a decimal number".to_string())
}

pub(crate) fn parse_time(s: &str) -> std::result::Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| "which is not an RFC 3339 time".to_string())
}

pub(crate) fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| "which is not a date".to_string())
}

/// A value of one of Till's enums (`FromStr` says which words it knows).
pub(crate) fn parse_enum<T: FromStr>(s: &str) -> std::result::Result<T, String> {
    s.parse::<T>()
        .map_err(|_| "which is not one of the values Till knows".to_string())
}

pub(crate) fn decimal(row: &Row, idx: usize) -> rusqlite::Result<Decimal> {
    parse_with(row, idx, parse_decimal)
}

pub(crate) fn opt_decimal(row: &Row, idx: usize) -> rusqlite::Result<Option<Decimal>> {
    opt_parse_with(row, idx, parse_decimal)
}

pub(crate) fn time(row: &Row, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    parse_with(row, idx, parse_time)
}

pub(crate) fn opt_time(row: &Row, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    opt_parse_with(row, idx, parse_time)
}

pub(crate) fn opt_date(row: &Row, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    opt_parse_with(row, idx, parse_date)
}

pub(crate) fn enum_col<T: FromStr>(row: &Row, idx: usize) -> rusqlite::Result<T> {
    parse_with(row, idx, parse_enum::<T>)
}

/// The damage inside a conversion error raised by these readers.
pub(crate) fn damage_in(e: &rusqlite::Error) -> Option<&Damage> {
    match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => inner.downcast_ref::<Damage>(),
        _ => None,
    }
}

/// The damage a read error means: a value the readers here could not read,
/// with its place, or a value of the wrong SQLite type. None for any other
/// error (the database itself failed).
pub(crate) fn damage_of(e: &rusqlite::Error) -> Option<Damage> {
    if let Some(d) = damage_in(e) {
        return Some(d.clone());
    }
    match e {
        rusqlite::Error::InvalidColumnType(_, column, ty) => Some(Damage::new(
            "(query)",
            None,
            column.clone(),
            &format!("a {ty} value"),
            "where another type was expected",
        )),
        rusqlite::Error::FromSqlConversionFailure(idx, ty, inner) => Some(Damage::new(
            "(query)",
            None,
            format!("column {idx}"),
            &format!("a {ty} value"),
            format!("which cannot be read: {inner}"),
        )),
        rusqlite::Error::IntegralValueOutOfRange(idx, v) => Some(Damage::new(
            "(query)",
            None,
            format!("column {idx}"),
            &v.to_string(),
            "which is out of range",
        )),
        _ => None,
    }
}

/// Splits rows into those Till can read and the damage of the others; any
/// other error stops the whole read.
pub(crate) fn split_damaged<T>(
    rows: impl Iterator<Item = rusqlite::Result<T>>,
) -> rusqlite::Result<(Vec<T>, Vec<Damage>)> {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for row in rows {
        match row {
            Ok(v) => good.push(v),
            Err(e) => match damage_of(&e) {
                Some(d) => bad.push(d),
                None => return Err(e),
            },
        }
    }
    Ok((good, bad))
}
