//! Licenses: which tier a store has and which features it unlocked one by
//! one, signed by the vendor with Ed25519 and verified offline against keys
//! built into the app.
//!
//! A license file is the vendor's signed envelope (`signed.rs`) with the
//! format `till-license/1`, its payload the license JSON below.

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

use super::signed::{self, LICENSE};
use crate::error::{Error, Result};
use crate::input::Field;

pub use super::signed::{public_of, signing_key};

pub const FORMAT: &str = LICENSE.format;

/// Grace after a license expires before the store falls back to free.
pub const DEFAULT_GRACE_DAYS: i64 = 14;

/// A feature bought on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Unlock {
    pub feature: String,
    /// `one_time` (kept for good) or `monthly` (until `expires_at`).
    pub billing: String,
    #[serde(default)]
    pub expires_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LicensePayload {
    pub license_id: String,
    pub issued_to: String,
    /// When given, the license works only for this store.
    #[serde(default)]
    pub store_id: Option<String>,
    pub tier: String,
    #[serde(default)]
    pub unlocks: Vec<Unlock>,
    pub issued_at: String,
    /// None: no end.
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default = "default_grace")]
    pub grace_days: i64,
}

fn default_grace() -> i64 {
    DEFAULT_GRACE_DAYS
}

fn bad(message: impl Into<String>) -> Error {
    Error::invalid(Field::License, message)
}

/// Checks a license file's signature and returns what it grants.
pub fn verify(text: &str) -> Result<LicensePayload> {
    let payload = signed::open(text, &LICENSE)?;
    let p: LicensePayload = serde_json::from_slice(&payload)
        .map_err(|e| bad(format!("the signed payload is not a license ({e})")))?;
    for (field, t) in [
        ("issued_at", Some(&p.issued_at)),
        ("expires_at", p.expires_at.as_ref()),
    ] {
        if let Some(t) = t {
            crate::store::parse_ts(Field::License, t)
                .map_err(|_| bad(format!("{field} {t:?} is not an RFC 3339 time")))?;
        }
    }
    for u in &p.unlocks {
        if u.billing != "one_time" && u.billing != "monthly" {
            return Err(bad(format!(
                "unlock {}: billing {:?} is neither one_time nor monthly",
                u.feature, u.billing
            )));
        }
        if let Some(t) = &u.expires_at {
            crate::store::parse_ts(Field::License, t).map_err(|_| {
                bad(format!(
                    "unlock {} expires_at {t:?} is not an RFC 3339 time",
                    u.feature
                ))
            })?;
        }
    }
    if p.grace_days < 0 {
        return Err(bad("grace_days is negative"));
    }
    Ok(p)
}

/// Signs a payload into a license file (the vendor's tool and the tests).
pub fn sign(payload: &LicensePayload, key_id: &str, key: &SigningKey) -> String {
    let bytes = serde_json::to_vec(payload).unwrap_or_default();
    signed::seal(&bytes, &LICENSE, key_id, key)
}
