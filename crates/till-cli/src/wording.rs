//! How `till` words the core's errors: a field the core names neutrally
//! (`price`) is the flag that gives it (`--price`), and hints name the
//! commands that help. The window words the same errors its own way.

use till_core::input::Field;
use till_core::Error;

/// The flag (or argument) that gives `field` on the command line.
pub fn flag(field: Field) -> String {
    let fixed = match field {
        Field::Code | Field::Items | Field::Components => "--item",
        Field::Adjustment => "--by",
        Field::Payment | Field::Method => "--pay",
        Field::LineDiscount => "line discount",
        Field::Products => "--sku or --category",
        Field::Condition => "--when-stock-below, --when-stock-above or --within-days-of-sell-by",
        Field::Effect => "--multiplier, --amount or --price",
        Field::Scope => "--sku or --category",
        Field::Thresholds => "--min-support or --min-confidence",
        Field::BasketFile => "--input",
        Field::Mining => "mining",
        // The window's first-run choice; `till init --demo` is the CLI's.
        Field::Catalog => "catalog",
        Field::License => "license",
        Field::TiersDocument => "tiers document",
        Field::MembershipTiers => "membership tiers",
        Field::SigningKey => "signing key",
        Field::StoreName => "--name",
        Field::Id => "ID",
        Field::File => "FILE",
        Field::Out => "--out",
        Field::Feature => "KEY",
        Field::Tier => "TIER_ID",
        Field::Token => "token",
        // The PIN comes from $TILL_PIN, $TILL_NEW_PIN or stdin, never a flag.
        Field::Pin => "PIN",
        Field::ReferralCode => "--referral",
        Field::MemberDiscount | Field::OrderDiscount => "--discount",
        Field::CashAmount => "--in or --out",
        Field::Printer => "--to",
        Field::Drawer => "--drawer",
        Field::Recipient => "--to",
        Field::SmtpHost => "--host",
        Field::SmtpPort => "--port",
        Field::SmtpSecurity => "--security",
        Field::CoverDays => "--reorder-cover-days",
        _ => return format!("--{}", field.key().replace('_', "-")),
    };
    fixed.to_string()
}

/// The message `till` prints for `e`.
pub fn message(e: &Error) -> String {
    match e {
        Error::Invalid { field, message } => format!("invalid {}: {message}", flag(*field)),
        Error::NoStore(_) => format!("{e}: run `till init` to create one"),
        Error::NoShift(_) => format!("{e} (`till shift open --float AMOUNT`)"),
        Error::Damaged(d) if d.table == "plan_state" => {
            format!("{e} (`till plan load FILE` or `till license install FILE`)")
        }
        Error::Forbidden {
            who: None,
            permission,
            roles,
        } => format!(
            "sign in first: this store has staff, and {} (permission {permission}) needs {roles}; \
             name yourself with --as NAME (or $TILL_STAFF) and give your PIN in $TILL_PIN or on stdin with --pin-stdin",
            permission.replace('_', " ")
        ),
        Error::Forbidden {
            who: Some(who),
            permission,
            roles,
        } => format!(
            "{who} may not do this: {} (permission {permission}) needs {roles}; \
             one of them can approve it with --approve-by NAME and their PIN in $TILL_APPROVER_PIN",
            permission.replace('_', " ")
        ),
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every long flag and positional argument of the whole command tree.
    fn arguments(cmd: &clap::Command, out: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            match a.get_long() {
                Some(l) => out.push(format!("--{l}")),
                None => out.push(a.get_id().to_string().to_uppercase()),
            }
        }
        for sub in cmd.get_subcommands() {
            arguments(sub, out);
        }
    }

    #[test]
    fn every_field_is_worded_as_a_flag_the_cli_has() {
        let mut known = Vec::new();
        arguments(&crate::cli::Cli::command(), &mut known);
        // Fields given in files or on stdin, or only in the window.
        let not_flags = [
            "line discount",
            "mining",
            "license",
            "tiers document",
            "membership tiers",
            "signing key",
            "token",
            "PIN",
        ];
        for f in Field::ALL {
            let words = flag(*f);
            if not_flags.contains(&words.as_str()) {
                continue;
            }
            for part in words.split([',', ' ']).filter(|w| {
                !w.is_empty()
                    && (w.starts_with("--")
                        || w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            }) {
                assert!(
                    known.iter().any(|k| k == part),
                    "{f:?} is worded {words}, which `till` does not have"
                );
            }
        }
    }

    #[test]
    fn the_cli_names_the_flag() {
        let e = Error::invalid(Field::Price, "-1 must not be negative");
        assert_eq!(message(&e), "invalid --price: -1 must not be negative");
        let e = Error::invalid(Field::WhenStockBelow, "\"x\" is not a whole number");
        assert!(message(&e).starts_with("invalid --when-stock-below:"));
        let e = Error::invalid(Field::Method, "\"bitcoin\" is neither cash nor card");
        assert!(message(&e).starts_with("invalid --pay:"));
    }

    #[test]
    fn a_refusal_says_how_to_sign_in_or_to_get_an_approval() {
        let refused = |who: Option<&str>| Error::Forbidden {
            who: who.map(str::to_string),
            permission: "refund",
            roles: "a manager or an owner".into(),
        };
        let m = message(&refused(None));
        for words in [
            "sign in",
            "--as NAME",
            "$TILL_PIN",
            "--pin-stdin",
            "refund",
            "a manager or an owner",
        ] {
            assert!(m.contains(words), "{m}");
        }
        let m = message(&refused(Some("Cara")));
        for words in [
            "Cara",
            "refund",
            "a manager or an owner",
            "--approve-by",
            "$TILL_APPROVER_PIN",
        ] {
            assert!(m.contains(words), "{m}");
        }
    }
}
