//! Checks the vendor key chosen when Till is built. `plans/signed.rs`
//! reads `TILL_VENDOR_KEY_ID` and `TILL_VENDOR_PUBLIC_KEY` at compile time
//! (both unset: the placeholder key in the source); a malformed key fails
//! the build here, rather than making a release that trusts no license
//! and no tiers document.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use std::env::{self, VarError};

const ID: &str = "TILL_VENDOR_KEY_ID";
const KEY: &str = "TILL_VENDOR_PUBLIC_KEY";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed={ID}");
    println!("cargo::rerun-if-env-changed={KEY}");
    if let Err(problem) = check(env::var(ID), env::var(KEY)) {
        println!("cargo::error={problem}");
    }
}

fn check(id: Result<String, VarError>, key: Result<String, VarError>) -> Result<(), String> {
    let (id, key) = match (id, key) {
        (Err(VarError::NotPresent), Err(VarError::NotPresent)) => return Ok(()),
        (Ok(id), Ok(key)) => (id, key),
        (Err(VarError::NotUnicode(_)), _) => return Err(format!("{ID} is not UTF-8 text")),
        (_, Err(VarError::NotUnicode(_))) => return Err(format!("{KEY} is not UTF-8 text")),
        (Ok(_), Err(_)) => {
            return Err(format!(
                "{ID} is set but {KEY} is not: set both, or neither"
            ))
        }
        (Err(_), Ok(_)) => {
            return Err(format!(
                "{KEY} is set but {ID} is not: set both, or neither"
            ))
        }
    };
    if id.is_empty() || id.trim() != id {
        return Err(format!(
            "{ID}={id:?} must be a non-empty id without surrounding spaces"
        ));
    }
    if id == "test" {
        return Err(format!(
            "{ID}=\"test\" is the test key's id, which debug builds trust as well: choose another"
        ));
    }
    let bytes: [u8; 32] = B64
        .decode(&key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            format!("{KEY}={key:?} is not base64 of 32 bytes (the public key `till-license keygen` prints)")
        })?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|_| format!("{KEY}={key:?} is not an Ed25519 public key"))?;
    Ok(())
}
