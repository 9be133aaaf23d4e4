//! Licenses signed with the test key (tests/support/license-test-key),
//! which debug builds trust, as the vendor's tool writes them.

use till_core::plans::license::{self, LicensePayload};

/// The seed of the test key (read beside this file, so any test crate can
/// include it).
pub fn test_seed() -> String {
    include_str!("license-test-key").to_string()
}

/// A Pro license `id` issued to `issued_to`, bound to no store, that does
/// not expire.
pub fn pro_license(id: &str, issued_to: &str) -> String {
    license::sign(
        &LicensePayload {
            license_id: id.into(),
            issued_to: issued_to.into(),
            store_id: None,
            tier: "pro".into(),
            unlocks: vec![],
            issued_at: "2026-11-01T00:00:00Z".into(),
            expires_at: None,
            grace_days: 14,
        },
        "test",
        &license::signing_key(&test_seed()).unwrap(),
    )
}
