//! The device token: in the OS keyring, or in `TILL_SYNC_TOKEN` on a
//! headless machine. Never in the store, never in a log or an error.

use crate::error::SyncError;

const SERVICE: &str = "till-sync";

/// The token for `endpoint`: `TILL_SYNC_TOKEN` when set, else the keyring.
pub fn load(endpoint: &str) -> Result<String, SyncError> {
    if let Ok(t) = std::env::var("TILL_SYNC_TOKEN") {
        if !t.trim().is_empty() {
            return Ok(t.trim().to_string());
        }
    }
    let entry = keyring::Entry::new(SERVICE, endpoint).map_err(|e| SyncError::NoToken {
        endpoint: endpoint.into(),
        why: describe(&e),
    })?;
    entry.get_password().map_err(|e| SyncError::NoToken {
        endpoint: endpoint.into(),
        why: describe(&e),
    })
}

/// Stores the token for `endpoint` in the OS keyring.
pub fn store(endpoint: &str, token: &str) -> Result<(), SyncError> {
    let entry =
        keyring::Entry::new(SERVICE, endpoint).map_err(|e| SyncError::Keyring(describe(&e)))?;
    entry
        .set_password(token)
        .map_err(|e| SyncError::Keyring(describe(&e)))?;
    // Read it back: some headless backends accept a write they cannot keep.
    match entry.get_password() {
        Ok(t) if t == token => Ok(()),
        Ok(_) => Err(SyncError::Keyring(
            "the keyring returned a different token".into(),
        )),
        Err(e) => Err(SyncError::Keyring(describe(&e))),
    }
}

/// Keyring errors in words, without anything secret.
fn describe(e: &keyring::Error) -> String {
    match e {
        keyring::Error::NoEntry => "none stored in the OS keyring".into(),
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            "the OS keyring is not available here".into()
        }
        other => format!("keyring error: {other}"),
    }
}
