//! Typed errors. Every error a user can cause says what was wrong and where,
//! and carries a stable `code()` that the CLI prints in `--json` mode and the
//! desktop UI shows inline.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that is malformed or out of range; `field` says which input.
    #[error("invalid {field}: {message}")]
    Invalid { field: String, message: String },

    #[error("unknown product {0:?}: no product has this SKU or barcode")]
    UnknownProduct(String),

    #[error("product {0} is inactive and cannot be sold")]
    InactiveProduct(String),

    #[error("{what} {id:?} not found")]
    NotFound { what: &'static str, id: String },

    #[error("{0}")]
    Conflict(String),

    #[error("not enough stock for {sku}: {on_hand} on hand, {requested} requested")]
    InsufficientStock {
        sku: String,
        on_hand: i64,
        requested: i64,
    },

    #[error("payment short: total is {total}, tendered {paid}; {due} still due")]
    PaymentShort {
        total: String,
        paid: String,
        due: String,
    },

    #[error("{0}")]
    Refused(String),

    /// A feature the store's plan does not include, or a limit reached.
    /// The CLI exits 3 for it.
    #[error("{message}")]
    Gated { key: String, message: String },

    #[error("no Till store at {0}: run `till init` to create one")]
    NoStore(PathBuf),

    #[error(
        "the store {path} was written by a newer version of Till (schema version {found}, this version knows up to {known}); it was left untouched: update Till to open it"
    )]
    StoreTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    #[error("cannot use the store {path}: {reason}")]
    StoreUnusable { path: PathBuf, reason: String },

    /// Something outside Till (the network, the upstream) did not answer in time.
    #[error("{0}")]
    Unavailable(String),

    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),

    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(what: &'static str, id: impl Into<String>) -> Error {
        Error::NotFound {
            what,
            id: id.into(),
        }
    }

    /// A stable, machine-readable code for scripts and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid_input",
            Error::UnknownProduct(_) => "unknown_product",
            Error::InactiveProduct(_) => "inactive_product",
            Error::NotFound { .. } => "not_found",
            Error::Conflict(_) => "conflict",
            Error::InsufficientStock { .. } => "insufficient_stock",
            Error::PaymentShort { .. } => "payment_short",
            Error::Refused(_) => "refused",
            Error::Gated { .. } => "gated",
            Error::NoStore(_) => "no_store",
            Error::StoreTooNew { .. } => "store_too_new",
            Error::StoreUnusable { .. } => "store_unusable",
            Error::Unavailable(_) => "unavailable",
            Error::Database(_) => "database",
            Error::Internal(_) => "internal",
        }
    }

    /// True when the user (input, state of the shop, the store file they
    /// pointed at) caused the error rather than a fault in Till itself.
    /// The CLI maps this to exit code 2, everything else to 1.
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            Error::Database(_) | Error::Internal(_) | Error::Unavailable(_)
        )
    }
}
