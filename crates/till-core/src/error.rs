//! Typed errors. Every error a user can cause says what was wrong and where,
//! and carries a stable `code()` that the CLI prints in `--json` mode and the
//! desktop UI shows inline.

use std::path::PathBuf;

pub use crate::field::Field;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that is malformed or out of range; `field` says which input.
    /// The front ends word `field` their own way (a flag, a form label).
    #[error("invalid {field}: {message}")]
    Invalid { field: Field, message: String },

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

    /// Something that needs an open shift on this till, with none open.
    #[error("{0}")]
    NoShift(String),

    /// A feature the store's plan does not include, or a limit reached.
    /// The CLI exits 3 for it.
    #[error("{message}")]
    Gated { key: String, message: String },

    /// A wrong PIN. `attempts_left` wrong PINs more lock the member for
    /// `lock_minutes`.
    #[error("wrong PIN for {name}: {}", attempts_left_words(*.attempts_left, *.lock_minutes))]
    BadPin {
        name: String,
        attempts_left: u32,
        lock_minutes: i64,
    },

    /// Too many wrong PINs in a row: the member cannot sign in or approve
    /// until `until`.
    #[error("{name} is locked after too many wrong PINs, until {}", crate::stored::ts(*.until))]
    Locked {
        name: String,
        until: chrono::DateTime<chrono::Utc>,
    },

    /// The acting member's role (and the approver's, if any) lacks the
    /// permission. `who` is None when nobody is signed in on a store with
    /// staff. `roles` says who has it: "a manager or an owner".
    #[error("{}", forbidden_words(.who.as_deref(), .permission, .roles))]
    Forbidden {
        who: Option<String>,
        permission: &'static str,
        roles: String,
    },

    /// A disabled member tried to sign in or approve. An authentication
    /// refusal like the three above (code `forbidden`).
    #[error("{name} is disabled: an owner can enable them")]
    Disabled { name: String },

    #[error("no Till store at {0}")]
    NoStore(PathBuf),

    #[error(
        "the store {path} was written by a newer version of Till (schema version {found}, this version knows up to {known}); it was left untouched: update Till to open it"
    )]
    StoreTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    #[error("{path} is not a Till store ({reason}); it was left untouched")]
    NotATillStore { path: PathBuf, reason: String },

    #[error("cannot use the store {path}: {reason}")]
    StoreUnusable { path: PathBuf, reason: String },

    /// A file Till was asked to read as a store (a backup to verify or
    /// restore) that SQLite finds damaged or cannot read.
    #[error("{path} is damaged ({reason})")]
    FileDamaged { path: PathBuf, reason: String },

    /// A backup (or the backup folder) Till cannot write or read: a
    /// missing folder, permissions, a full disk.
    #[error("backup {path}: {reason}")]
    BackupFile { path: PathBuf, reason: String },

    /// A file Till was asked to write (a PDF) that it cannot write: a
    /// missing folder, permissions, a full disk. Nothing was written.
    #[error("cannot write {path}: {reason}")]
    FileWrite { path: PathBuf, reason: String },

    /// A sync run that ended with events the upstream refused: they are
    /// kept as dead letters, not delivered.
    #[error("{}", if *.0 == 1 { "1 event was refused by the upstream and set aside as a dead letter".to_string() } else { format!("{} events were refused by the upstream and set aside as dead letters", .0) })]
    DeadLetters(i64),

    /// Something outside Till (the network, the upstream) did not answer in time.
    #[error("{0}")]
    Unavailable(String),

    /// A stored value Till cannot read: the store was damaged (edited by
    /// hand, written by a faulty build, a disk error). Never a default.
    #[error("the store is damaged: {0}")]
    Damaged(crate::stored::Damage),

    /// A retried request whose idempotency key was first used for a
    /// different request.
    #[error("{0}")]
    KeyReused(String),

    #[error("database error: {0}")]
    Database(rusqlite::Error),

    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: Field, message: impl Into<String>) -> Error {
        Error::Invalid {
            field,
            message: message.into(),
        }
    }

    /// An `Invalid` error with `place` ("line 2", "payment 1") before its
    /// message; any other error as it is.
    pub fn at(self, place: impl std::fmt::Display) -> Error {
        match self {
            Error::Invalid { field, message } => Error::Invalid {
                field,
                message: format!("{place}: {message}"),
            },
            e => e,
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
            Error::NoShift(_) => "no_shift",
            Error::Gated { .. } => "gated",
            Error::BadPin { .. } => "bad_pin",
            Error::Locked { .. } => "locked",
            Error::Forbidden { .. } | Error::Disabled { .. } => "forbidden",
            Error::NoStore(_) => "no_store",
            Error::StoreTooNew { .. } => "store_too_new",
            Error::NotATillStore { .. } => "not_a_till_store",
            Error::StoreUnusable { .. } => "store_unusable",
            Error::FileDamaged { .. } => "file_damaged",
            Error::BackupFile { .. } => "backup_failed",
            Error::FileWrite { .. } => "file_unwritable",
            Error::Unavailable(_) => "unavailable",
            Error::DeadLetters(_) => "dead_letters",
            Error::Damaged(_) => "store_damaged",
            Error::KeyReused(_) => "key_reused",
            Error::Database(_) => "database",
            Error::Internal(_) => "internal",
        }
    }

    /// True for a refused PIN or permission (`bad_pin`, `locked`,
    /// `forbidden`): the CLI exits 4 for them.
    pub fn is_auth_error(&self) -> bool {
        matches!(
            self,
            Error::BadPin { .. }
                | Error::Locked { .. }
                | Error::Forbidden { .. }
                | Error::Disabled { .. }
        )
    }

    /// True when the user (input, state of the shop, the store file they
    /// pointed at) caused the error rather than a fault in Till itself.
    /// The CLI maps this to exit code 2, everything else to 1.
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            Error::Database(_)
                | Error::Internal(_)
                | Error::Unavailable(_)
                | Error::Damaged(_)
                | Error::DeadLetters(_)
        )
    }
}

fn attempts_left_words(n: u32, minutes: i64) -> String {
    match n {
        1 => format!("one more wrong PIN locks them for {minutes} minutes"),
        n => format!("{n} more wrong PINs lock them for {minutes} minutes"),
    }
}

fn forbidden_words(who: Option<&str>, permission: &str, roles: &str) -> String {
    let what = permission.replace('_', " ");
    match who {
        Some(who) => format!(
            "{who} may not do this: {what} (permission {permission}) needs {roles}, or their approval"
        ),
        None => format!(
            "sign in first: this store has staff, and {what} (permission {permission}) needs {roles}"
        ),
    }
}

impl From<rusqlite::Error> for Error {
    /// A value the readers in `stored` could not read becomes `Damaged`
    /// with its place; so does a value of the wrong SQLite type.
    fn from(e: rusqlite::Error) -> Error {
        match crate::stored::damage_of(&e) {
            Some(d) => Error::Damaged(d),
            None => Error::Database(e),
        }
    }
}
