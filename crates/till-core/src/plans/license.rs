//! Licenses: which tier a store has and which features it unlocked one by
//! one, signed by the vendor with Ed25519 and verified offline against keys
//! built into the app.
//!
//! A license file is JSON: `{"format":"till-license/1","key_id":…,
//! "payload":<base64 of the payload JSON>,"signature":<base64 Ed25519
//! signature of those payload bytes>}`. Signing the exact bytes (not a
//! re-serialised object) means no canonical JSON is needed: any change to
//! the payload, however small, fails verification.
//!
//! Keys: the vendor's key is trusted by every build; the test key (whose
//! private half is in `tests/support/license-test-key`) only by debug
//! builds, so tests can issue licenses and a release build cannot be fooled
//! by anyone holding this repository.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const FORMAT: &str = "till-license/1";

/// The vendor's public key (its private half never leaves the vendor).
const VENDOR_KEY: (&str, &str) = (
    "vendor-2026",
    "5rR58lOWTr0SoVExQpK6OdgxSvXfl6N+dg27vdL1W70=",
);
/// The test key, trusted by debug builds only.
const TEST_KEY: (&str, &str) = ("test", "aoCj0B1pk23PkaModTy8JZvCVmvwyqOyIR9pzkCBY+s=");

/// Grace after a license expires before the store falls back to free.
pub const DEFAULT_GRACE_DAYS: i64 = 14;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LicenseFile {
    pub format: String,
    pub key_id: String,
    pub payload: String,
    pub signature: String,
}

/// A feature bought on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unlock {
    pub feature: String,
    /// `one_time` (kept for good) or `monthly` (until `expires_at`).
    pub billing: String,
    #[serde(default)]
    pub expires_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

fn trusted() -> Vec<(&'static str, &'static str)> {
    if cfg!(debug_assertions) {
        vec![VENDOR_KEY, TEST_KEY]
    } else {
        vec![VENDOR_KEY]
    }
}

fn public_key(b64: &str) -> Result<VerifyingKey> {
    let bytes: [u8; 32] = B64
        .decode(b64)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Internal("a built-in license key is malformed".into()))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| Error::Internal("a built-in license key is malformed".into()))
}

fn bad(message: impl Into<String>) -> Error {
    Error::invalid("license", message)
}

/// Checks a license file's signature and returns what it grants.
pub fn verify(text: &str) -> Result<LicensePayload> {
    let file: LicenseFile =
        serde_json::from_str(text).map_err(|e| bad(format!("not a Till license file ({e})")))?;
    if file.format != FORMAT {
        return Err(bad(format!(
            "format {:?} is not {FORMAT:?}; this Till cannot read it",
            file.format
        )));
    }
    let Some((_, key)) = trusted().into_iter().find(|(id, _)| *id == file.key_id) else {
        return Err(bad(format!(
            "signed with the key {:?}, which this Till does not trust: it was not issued for Till",
            file.key_id
        )));
    };
    let payload = B64
        .decode(file.payload.trim())
        .map_err(|_| bad("the payload is not base64: the file was changed"))?;
    let signature: [u8; 64] = B64
        .decode(file.signature.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("the signature is malformed: the file was changed"))?;
    public_key(key)?
        .verify(&payload, &Signature::from_bytes(&signature))
        .map_err(|_| bad("the signature does not match: the license was altered or forged"))?;
    let p: LicensePayload = serde_json::from_slice(&payload)
        .map_err(|e| bad(format!("the signed payload is not a license ({e})")))?;
    for (field, t) in [
        ("issued_at", Some(&p.issued_at)),
        ("expires_at", p.expires_at.as_ref()),
    ] {
        if let Some(t) = t {
            crate::store::parse_ts(&format!("license {field}"), t)?;
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
            crate::store::parse_ts(&format!("unlock {} expires_at", u.feature), t)?;
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
    let signature = key.sign(&bytes);
    let file = LicenseFile {
        format: FORMAT.into(),
        key_id: key_id.into(),
        payload: B64.encode(&bytes),
        signature: B64.encode(signature.to_bytes()),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// A signing key from its base64 seed (the vendor's key file).
pub fn signing_key(seed_b64: &str) -> Result<SigningKey> {
    let seed: [u8; 32] = B64
        .decode(seed_b64.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::invalid("key", "not a base64 Ed25519 seed of 32 bytes"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The base64 public key of a signing key.
pub fn public_of(key: &SigningKey) -> String {
    B64.encode(key.verifying_key().to_bytes())
}
