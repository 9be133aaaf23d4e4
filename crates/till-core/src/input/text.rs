//! Free text: every free-text field has a length limit (`TextKind`), so a
//! pasted 100 kB "name" cannot bloat receipts, events and the upstream's
//! batches.

use crate::error::{Error, Field, Result};

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
pub fn text(field: Field, value: &str, kind: TextKind) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    check_text(field, v, kind)?;
    Ok(v.to_string())
}

/// Optional text: blank is none; otherwise as `text`.
/// A value given and not blank, trimmed: what every form field and
/// optional flag means by "given".
pub fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

pub fn opt_text(field: Field, value: Option<&str>, kind: TextKind) -> Result<Option<String>> {
    match given(value) {
        None => Ok(None),
        Some(v) => text(field, v, kind).map(Some),
    }
}

/// Checks the length and characters of text that is already trimmed.
pub fn check_text(field: Field, value: &str, kind: TextKind) -> Result<()> {
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
