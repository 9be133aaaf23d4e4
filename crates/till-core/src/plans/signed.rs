//! The vendor's signed envelope: one format, one verifier, for licenses
//! and tiers documents alike.
//!
//! An envelope is JSON: `{"format":…,"key_id":…,"payload":<base64 of the
//! payload bytes>,"signature":<base64 Ed25519 signature of those bytes>}`,
//! the format naming what the payload is (`till-license/1`,
//! `till-tiers/1`). Signing the exact bytes (not a re-serialised object)
//! means no canonical JSON is needed: any change to the payload, however
//! small, fails verification.
//!
//! Keys: the vendor's public key is chosen when Till is built
//! (`TILL_VENDOR_KEY_ID`, `TILL_VENDOR_PUBLIC_KEY`; the build script
//! refuses a malformed one) and trusted by every build. The test key
//! (whose private half is in `tests/support/license-test-key`) is trusted
//! by debug builds only, so tests can sign and a release build cannot be
//! fooled by anyone holding this repository.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::input::Field;

/// The private half, for the vendor's tool and the tests.
pub use ed25519_dalek::SigningKey;

/// What an envelope holds: its format string and how messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub format: &'static str,
    /// "license": how messages name it.
    pub what: &'static str,
    /// The field errors name.
    pub field: Field,
    /// "licenses": as in "licenses must be signed by the vendor".
    pub plural: &'static str,
}

pub const LICENSE: Kind = Kind {
    format: "till-license/1",
    what: "license",
    field: Field::License,
    plural: "licenses",
};

pub const TIERS: Kind = Kind {
    format: "till-tiers/1",
    what: "tiers document",
    field: Field::TiersDocument,
    plural: "tiers documents",
};

const KINDS: [Kind; 2] = [LICENSE, TIERS];

/// The vendor key's id, as set when Till was built.
pub const VENDOR_KEY_ID: &str = match option_env!("TILL_VENDOR_KEY_ID") {
    Some(id) => id,
    None => "vendor-2026",
};

/// The vendor's public key (base64 of its 32 bytes), as set when Till was
/// built; its private half never leaves the vendor.
pub const VENDOR_PUBLIC_KEY: &str = match option_env!("TILL_VENDOR_PUBLIC_KEY") {
    Some(key) => key,
    None => "5rR58lOWTr0SoVExQpK6OdgxSvXfl6N+dg27vdL1W70=",
};

/// The test key, trusted by debug builds only.
const TEST_KEY: (&str, &str) = ("test", "aoCj0B1pk23PkaModTy8JZvCVmvwyqOyIR9pzkCBY+s=");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Envelope {
    pub format: String,
    pub key_id: String,
    pub payload: String,
    pub signature: String,
}

/// The keys this build trusts, by id.
pub fn trusted() -> Vec<(&'static str, &'static str)> {
    if cfg!(debug_assertions) {
        vec![(VENDOR_KEY_ID, VENDOR_PUBLIC_KEY), TEST_KEY]
    } else {
        vec![(VENDOR_KEY_ID, VENDOR_PUBLIC_KEY)]
    }
}

fn public_key(b64: &str) -> Result<VerifyingKey> {
    let bytes: [u8; 32] = B64
        .decode(b64)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Internal("a built-in signing key is malformed".into()))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| Error::Internal("a built-in signing key is malformed".into()))
}

fn bad(kind: &Kind, message: impl Into<String>) -> Error {
    Error::invalid(kind.field, message)
}

/// The format an envelope says it has, if the text is one at all.
pub fn format_of(text: &str) -> Option<String> {
    serde_json::from_str::<Value>(text)
        .ok()?
        .get("format")?
        .as_str()
        .map(String::from)
}

/// Checks an envelope of `kind` against the keys this build trusts and
/// returns the payload bytes that were signed.
pub fn open(text: &str, kind: &Kind) -> Result<Vec<u8>> {
    let must = kind.plural;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        bad(
            kind,
            format!("{must} must be signed by the vendor; this file is not valid JSON ({e})"),
        )
    })?;
    if value.get("signature").is_none() {
        return Err(bad(
            kind,
            format!("{must} must be signed by the vendor; this file has no signature"),
        ));
    }
    let env: Envelope = serde_json::from_value(value)
        .map_err(|e| bad(kind, format!("not a signed Till {} file ({e})", kind.what)))?;
    if env.format != kind.format {
        let hint = match KINDS.iter().find(|k| k.format == env.format) {
            Some(other) => format!("this file is a {}, not a {}", other.what, kind.what),
            None => "this Till cannot read it".into(),
        };
        return Err(bad(
            kind,
            format!("format {:?} is not {:?}; {hint}", env.format, kind.format),
        ));
    }
    let Some((_, key)) = trusted().into_iter().find(|(id, _)| *id == env.key_id) else {
        return Err(bad(
            kind,
            format!(
                "{must} must be signed by the vendor; this one is signed with the key {:?}, which this Till does not trust",
                env.key_id
            ),
        ));
    };
    let payload = B64
        .decode(env.payload.trim())
        .map_err(|_| bad(kind, "the payload is not base64: the file was changed"))?;
    let signature: [u8; 64] = B64
        .decode(env.signature.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            bad(
                kind,
                format!("{must} must be signed by the vendor; the signature is malformed: the file was changed"),
            )
        })?;
    public_key(key)?
        .verify(&payload, &Signature::from_bytes(&signature))
        .map_err(|_| {
            bad(
                kind,
                format!(
                    "{must} must be signed by the vendor; the signature does not match: the {} was altered or forged",
                    kind.what
                ),
            )
        })?;
    Ok(payload)
}

/// Signs payload bytes into an envelope of `kind` (the vendor's tool and
/// the tests).
pub fn seal(payload: &[u8], kind: &Kind, key_id: &str, key: &SigningKey) -> String {
    let signature = key.sign(payload);
    let env = Envelope {
        format: kind.format.into(),
        key_id: key_id.into(),
        payload: B64.encode(payload),
        signature: B64.encode(signature.to_bytes()),
    };
    serde_json::to_string_pretty(&env).unwrap_or_default()
}

/// A signing key from its base64 seed (the vendor's key file).
pub fn signing_key(seed_b64: &str) -> Result<SigningKey> {
    let seed: [u8; 32] = B64
        .decode(seed_b64.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::invalid(Field::Key, "not a base64 Ed25519 seed of 32 bytes"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The base64 public key of a signing key.
pub fn public_of(key: &SigningKey) -> String {
    B64.encode(key.verifying_key().to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_keys_are_well_formed() {
        for (id, key) in [(VENDOR_KEY_ID, VENDOR_PUBLIC_KEY), TEST_KEY] {
            assert!(!id.trim().is_empty());
            public_key(key).unwrap();
        }
    }

    #[test]
    fn an_envelope_opens_only_as_its_own_kind() {
        let key = SigningKey::from_bytes(&[3u8; 32]);
        let text = seal(b"{}", &LICENSE, "test", &key);
        let e = open(&text, &TIERS).unwrap_err().to_string();
        assert!(e.contains("is a license, not a tiers document"), "{e}");
    }
}
