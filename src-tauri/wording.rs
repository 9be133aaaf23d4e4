//! How the window words the core's errors: a field the core names
//! neutrally (`price`) is the label of the form field that gives it
//! ("Price"). The CLI words the same errors in terms of its flags.

use till_core::input::Field;
use till_core::Error;

/// The window's label for `field`.
pub fn label(field: Field) -> &'static str {
    match field {
        Field::Sku => "SKU",
        Field::Code => "SKU or barcode",
        Field::Name => "Name",
        Field::Price => "Price",
        Field::Cost => "Cost",
        Field::Barcode => "Barcode",
        Field::TaxRate => "Tax rate",
        Field::Category => "Category",
        Field::Stock => "Opening stock",
        Field::SellBy => "Sell-by date",
        Field::Floor => "Price floor",
        Field::Ceiling => "Price ceiling",
        Field::Adjustment => "Adjust by",
        Field::Reason => "Reason",
        Field::Note => "Note",
        Field::Item => "Item",
        Field::Items => "Items",
        Field::Quantity => "Quantity",
        Field::OrderDiscount => "Order discount",
        Field::LineDiscount => "Line discount",
        Field::Method => "Payment method",
        Field::Payment => "Payment",
        Field::Reference => "Reference",
        Field::Key => "Key",
        Field::Customer => "Customer",
        Field::Referral => "Referral code",
        Field::Limit => "Limit",
        Field::Float => "Opening float",
        Field::Counted => "Counted cash",
        Field::CashAmount => "Amount",
        Field::Condition => "When",
        Field::WhenStockBelow | Field::WhenStockAbove | Field::WithinDaysOfSellBy => "Threshold",
        Field::Effect => "Effect",
        Field::Multiplier => "Multiplier",
        Field::Amount => "Amount",
        Field::Scope => "Applies to",
        Field::Hysteresis => "Hysteresis",
        Field::Products => "Products",
        Field::Start => "Starts",
        Field::End => "Ends",
        Field::Weekly => "Every week",
        Field::At => "Time",
        Field::From => "From",
        Field::Until => "Until",
        Field::To => "To",
        Field::Period => "Period",
        Field::By => "Breakdown",
        Field::Compare => "Compare with",
        Field::PercentOff => "Percent off",
        Field::Components => "Components",
        Field::Format => "Format",
        Field::Thresholds => "Thresholds",
        Field::MinSupport => "Minimum support",
        Field::MinConfidence => "Minimum confidence",
        Field::MaxLen => "Largest set",
        Field::BasketFile => "Basket file",
        Field::Mining => "Mining",
        Field::Email => "Email",
        Field::Phone => "Phone",
        Field::Notes => "Notes",
        Field::Percent => "Percent",
        Field::WindowDays => "Attribution window (days)",
        Field::ReturnDays => "Return window (days)",
        Field::Expires => "Expires",
        Field::Status => "Status",
        Field::ReferralCode => "Referral code",
        Field::License => "License",
        Field::TiersDocument => "Tiers document",
        Field::SigningKey => "Signing key",
        Field::Metric => "Metric",
        Field::BillingDay => "Billing day",
        Field::Fee => "Fee",
        Field::MemberDiscount => "Member discount",
        Field::Tier => "Tier",
        Field::MembershipTiers => "Membership tiers",
        Field::StoreName => "Shop name",
        Field::Currency => "Currency",
        Field::TaxMode => "Tax mode",
        Field::TimeZone => "Time zone",
        Field::Locale => "Locale",
        Field::PriceCeiling => "Price ceiling",
        Field::User => "Cashier",
        Field::Address => "Address",
        Field::TaxId => "Tax id",
        Field::BackupDir => "Backup folder",
        Field::BackupEveryHours => "Back up every (hours)",
        Field::BackupKeep => "Backups kept",
        Field::UpdateCheck => "Check for updates",
        Field::UpdateEndpoint => "Update address",
        Field::DiscountApprovalPct => "Discounts needing approval above (%)",
        Field::IdleLockMinutes => "Lock after idle minutes",
        Field::ReceiptHeader => "Receipt header",
        Field::ReceiptFooter => "Receipt footer",
        Field::Logo => "Logo",
        Field::Width => "Paper width",
        Field::Copies => "Copies",
        Field::Recipient => "Email address",
        Field::SmtpHost => "Mail server",
        Field::SmtpPort => "Port",
        Field::SmtpSecurity => "Security",
        Field::SmtpUser => "User name",
        Field::Paper => "Paper",
        Field::Role => "Role",
        Field::Pin => "PIN",
        Field::Catalog => "Catalog",
        Field::Endpoint => "Upstream URL",
        Field::Token => "Device token",
        Field::Printer => "Printer",
        Field::Codepage => "Code page",
        Field::Drawer => "Open the cash drawer after cash sales",
        Field::AutoPrint => "Print the receipt after each sale",
        Field::Receipt => "Receipt",
        Field::Timeout => "Timeout",
        Field::Deadline => "Deadline",
        Field::MaxBackoff => "Longest wait",
        Field::Db => "Store file",
        Field::Seed => "Seed",
        Field::Count => "Count",
        Field::Orders => "Orders",
        Field::Days => "Days",
        Field::Id => "ID",
        Field::Feature => "Feature",
        Field::Supplier => "Supplier",
        Field::SupplierSku => "Supplier's SKU",
        Field::ReorderPoint => "Reorder point",
        Field::ReorderQty => "Reorder quantity",
        Field::LeadDays => "Lead time (days)",
        Field::CoverDays => "Days of cover",
        Field::CompareAtPrice => "Compare-at price",
        Field::Contact => "Contact",
        Field::File => "File",
        Field::Out => "File",
    }
}

/// The message the window shows for `e`: "Price: -1 must not be negative".
pub fn message(e: &Error) -> String {
    match e {
        Error::Invalid { field, message } => format!("{}: {message}", label(*field)),
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_words_a_field_by_its_label() {
        let e = Error::invalid(Field::Price, "-1 must not be negative");
        assert_eq!(message(&e), "Price: -1 must not be negative");
        let e = Error::invalid(Field::Method, "\"bitcoin\" is neither cash nor card");
        assert_eq!(
            message(&e),
            "Payment method: \"bitcoin\" is neither cash nor card"
        );
    }

    #[test]
    fn no_label_is_cli_syntax() {
        for f in Field::ALL {
            let l = label(*f);
            assert!(
                !l.is_empty() && !l.contains("--") && !l.contains('`'),
                "{f:?}: {l}"
            );
        }
    }
}
