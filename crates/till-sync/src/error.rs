//! Sync errors. None of them ever contains the token.

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("no upstream endpoint: run `till sync login --endpoint URL` or pass --endpoint")]
    NoEndpoint,

    #[error("invalid endpoint {0:?}: it must be an http:// or https:// URL")]
    BadEndpoint(String),

    #[error("no sync token for {endpoint}: {why}. Run `till sync login --endpoint {endpoint}`, or set TILL_SYNC_TOKEN on a machine without a keyring")]
    NoToken { endpoint: String, why: String },

    #[error("the OS keyring could not store the token ({0}); on a machine without a keyring, set TILL_SYNC_TOKEN instead")]
    Keyring(String),

    #[error(transparent)]
    Store(#[from] till_core::Error),

    #[error("sync setup failed: {0}")]
    Setup(String),
}

impl SyncError {
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::NoEndpoint | SyncError::BadEndpoint(_) => "invalid_input",
            SyncError::NoToken { .. } => "no_token",
            SyncError::Keyring(_) => "keyring",
            SyncError::Store(e) => e.code(),
            SyncError::Setup(_) => "internal",
        }
    }

    pub fn is_user_error(&self) -> bool {
        match self {
            SyncError::Store(e) => e.is_user_error(),
            SyncError::Setup(_) => false,
            _ => true,
        }
    }
}
