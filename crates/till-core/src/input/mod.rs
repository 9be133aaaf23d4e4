//! Parsing and checking of user input shared by every front end (the
//! CLI's flags, the window's form fields), so both say the same thing about
//! the same mistake and nothing unreadable ever reaches the store. Money has
//! its own parsers in `money`.
//!
//! The front ends map their flags or fields onto the functions here;
//! errors name a neutral [`Field`] (from `field`, below the errors) that
//! each front end words its own way. This module imports only the layers
//! below it; the forms that build the domain's inputs from these parts
//! (products, rules, flash sales, tenders, items, periods) are `forms`,
//! above the modules whose inputs they build.

pub use crate::field;
mod email;
mod membership;
mod number;
mod place;
pub mod store_path;
mod text;
mod time;

pub use email::email_address;
pub use field::Field;
pub use membership::member_terms;
pub use number::whole;
pub use place::{folder, web_address};
pub use store_path::{db_argument, default_path, store_path};
pub use text::{check_text, given, opt_text, text, TextKind};
pub use time::{check_date, check_time, date, time, FIRST_YEAR, LAST_YEAR};

use crate::error::Result;

/// A locale tag ("de-DE") Till can write dates in, in canonical form.
pub fn locale(field: Field, text: &str) -> Result<String> {
    crate::locale::parse(field, text)
}

/// The most lines one sale or cart may hold: far beyond any basket, and
/// small enough that its receipt and sync event stay well within the
/// upstream's batch limits.
pub const MAX_SALE_LINES: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;
    use Field::*;

    #[test]
    fn parses_and_names_the_field() {
        assert_eq!(whole(Quantity, " -3 ").unwrap(), -3);
        assert!(whole(Quantity, "1.5")
            .unwrap_err()
            .to_string()
            .contains("not a whole number"));
        assert_eq!(
            date(SellBy, "2026-12-31").unwrap().to_string(),
            "2026-12-31"
        );
        assert!(date(SellBy, "31/12/2026")
            .unwrap_err()
            .to_string()
            .contains("invalid sell by"));
    }

    #[test]
    fn times_must_read_back_in_four_digit_years() {
        assert_eq!(
            time(At, "2026-11-25T18:00:00+01:00").unwrap().to_rfc3339(),
            "2026-11-25T17:00:00+00:00"
        );
        for bad in [
            "9999-12-31T23:00:00-23:59",
            "0000-01-01T00:00:00+01:00",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:30:00+01:00",
        ] {
            let e = time(Start, bad).unwrap_err().to_string();
            assert!(
                e.contains("invalid start") && e.contains("1970 to 9999"),
                "{e}"
            );
        }
        assert!(time(At, "9999-12-31T23:59:59Z").is_ok());
        assert!(time(At, "1970-01-01T00:00:00Z").is_ok());
        assert!(date(SellBy, "0000-01-01").is_err());
        assert!(date(SellBy, "9999-12-31").is_ok());
    }

    #[test]
    fn text_is_bounded() {
        assert_eq!(text(Name, "  Tea ", TextKind::Name).unwrap(), "Tea");
        assert!(text(Name, " ", TextKind::Name).is_err());
        let long = "x".repeat(201);
        let e = text(Name, &long, TextKind::Name).unwrap_err().to_string();
        assert!(
            e.contains("201 characters") && e.contains("at most 200"),
            "{e}"
        );
        assert!(text(Name, "a\nb", TextKind::Name).is_err());
        assert!(text(Note, "a\nb", TextKind::Note).is_ok());
        assert_eq!(
            opt_text(Category, Some("  "), TextKind::Category).unwrap(),
            None
        );
    }
}
