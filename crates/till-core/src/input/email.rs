//! Email addresses a message is sent to or from.

use crate::error::{Error, Field, Result};

/// An email address ("ann@example.com"), trimmed, as the mail library that
/// sends it reads addresses: one it could not send to is refused here,
/// before it is queued.
pub fn email_address(field: Field, text: &str) -> Result<String> {
    let t = super::text(field, text, super::TextKind::Email)?;
    let bad = || {
        Error::invalid(
            field,
            format!("{t:?} is not an email address (like ann@example.com)"),
        )
    };
    let address: lettre::Address = t.parse().map_err(|_| bad())?;
    // A bare host ("ann@localhost") is refused: a shop's customer is
    // reached at a domain.
    if !address.domain().contains('.') || address.domain().ends_with('.') {
        return Err(bad());
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            email_address(Field::Recipient, " ann@example.com ").unwrap(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@localhost",
            "a b@example.com",
            "ann@exa\tmple.com",
        ] {
            let e = email_address(Field::Recipient, bad)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("invalid recipient"), "{bad}: {e}");
        }
    }
}
