//! Words for the keys of the tiers document: the owner reads "API access"
//! and "API calls" where the document says `api_access` and `api_calls`.
//! The document carries keys only, so the names of the keys Till knows are
//! kept here, in one place for every front end; a key Till does not know
//! (a vendor's new feature) reads as its words ("White_label" -> "White
//! label").

/// Features of Till's tiers.
const FEATURES: &[(&str, &str)] = &[
    ("checkout", "Checkout"),
    ("refunds", "Refunds"),
    ("pricing", "Dynamic pricing"),
    ("flash_sales", "Flash sales"),
    ("bundles", "Bundles"),
    ("mining", "Basket analysis"),
    ("kits", "Kits"),
    ("referrals", "Referrals"),
    ("sync", "Sync"),
    ("export", "Data export"),
    ("memberships", "Memberships"),
    ("advanced_reporting", "Advanced reporting"),
    ("custom_branding", "Custom branding"),
    ("multi_register", "Several registers"),
    ("api_access", "API access"),
    ("priority_support", "Priority support"),
];

/// Limits and metered usage.
const LIMITS: &[(&str, &str)] = &[
    ("registers", "Registers"),
    ("devices", "Devices"),
    ("products", "Products"),
    ("bundles", "Bundles"),
    ("api_calls", "API calls"),
    ("storage_gb", "Storage (GB)"),
    ("orders", "Orders"),
];

/// "api_access" -> "API access".
pub fn feature(key: &str) -> String {
    known(FEATURES, key).unwrap_or_else(|| humanise(key))
}

/// "api_calls" -> "API calls".
pub fn limit(key: &str) -> String {
    known(LIMITS, key).unwrap_or_else(|| humanise(key))
}

/// The limit's name inside a sentence: "allows 2 products", "allows 1000
/// API calls" (a leading acronym keeps its capitals).
pub fn limit_in_sentence(key: &str) -> String {
    let name = limit(key);
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name,
    }
}

fn known(table: &[(&str, &str)], key: &str) -> Option<String> {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, name)| name.to_string())
}

/// "white_label" -> "White label".
fn humanise(key: &str) -> String {
    let words = key.trim().replace(['_', '-'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plans::tiers;

    #[test]
    fn every_key_of_the_built_in_tiers_has_a_name() {
        let doc = tiers::parse(tiers::DEFAULT_TIERS).unwrap();
        for f in doc.features() {
            assert!(known(FEATURES, f).is_some(), "feature {f} has no name");
        }
        for k in doc.limit_keys() {
            assert!(known(LIMITS, k).is_some(), "limit {k} has no name");
        }
    }

    #[test]
    fn names_are_words() {
        assert_eq!(feature("api_access"), "API access");
        assert_eq!(feature("advanced_reporting"), "Advanced reporting");
        assert_eq!(limit("api_calls"), "API calls");
        assert_eq!(feature("white_label"), "White label");
        assert_eq!(limit("seats"), "Seats");
        assert_eq!(limit_in_sentence("products"), "products");
        assert_eq!(limit_in_sentence("api_calls"), "API calls");
        assert_eq!(limit_in_sentence("storage_gb"), "storage (GB)");
    }
}
