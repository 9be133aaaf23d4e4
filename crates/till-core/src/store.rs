//! The local store: one SQLite file per shop.
//!
//! Opening a store sets the pragmas every connection needs (WAL, full sync,
//! foreign keys, busy timeout), refuses a file written by a newer Till
//! without touching it, and applies forward-only migrations.

use std::any::Any;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use crate::error::{Error, Result};
use crate::input::Field;
use crate::roles::Member;
use crate::settings::Settings;
/// Ids and stored times are written by `stored`, the layer below; most of
/// the core takes them from here.
pub use crate::stored::{new_id, ts};

/// The schema migrations, in order, embedded in the binary. Index + 1 is the
/// schema version stored in SQLite's `user_version`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init.sql",
        include_str!("../../../migrations/0001_init.sql"),
    ),
    (
        "0002_pricing.sql",
        include_str!("../../../migrations/0002_pricing.sql"),
    ),
    (
        "0003_sync.sql",
        include_str!("../../../migrations/0003_sync.sql"),
    ),
    (
        "0004_bundles.sql",
        include_str!("../../../migrations/0004_bundles.sql"),
    ),
    (
        "0005_referrals.sql",
        include_str!("../../../migrations/0005_referrals.sql"),
    ),
    (
        "0006_plans.sql",
        include_str!("../../../migrations/0006_plans.sql"),
    ),
    (
        "0007_lean_indexes.sql",
        include_str!("../../../migrations/0007_lean_indexes.sql"),
    ),
    (
        "0008_hardening.sql",
        include_str!("../../../migrations/0008_hardening.sql"),
    ),
    (
        "0009_price_version.sql",
        include_str!("../../../migrations/0009_price_version.sql"),
    ),
    (
        "0010_settings_changes.sql",
        include_str!("../../../migrations/0010_settings_changes.sql"),
    ),
    (
        "0011_staff_audit.sql",
        include_str!("../../../migrations/0011_staff_audit.sql"),
    ),
    (
        "0012_shifts.sql",
        include_str!("../../../migrations/0012_shifts.sql"),
    ),
    (
        "0013_receipt_logo.sql",
        include_str!("../../../migrations/0013_receipt_logo.sql"),
    ),
    (
        "0014_print_jobs.sql",
        include_str!("../../../migrations/0014_print_jobs.sql"),
    ),
    (
        "0015_email.sql",
        include_str!("../../../migrations/0015_email.sql"),
    ),
    (
        "0016_reports.sql",
        include_str!("../../../migrations/0016_reports.sql"),
    ),
    (
        "0017_purchasing.sql",
        include_str!("../../../migrations/0017_purchasing.sql"),
    ),
];

/// SQLite `application_id` of a Till store: "TILL" in ASCII. Set by
/// migration 0008; stores made before it are recognised by their tables.
pub const APPLICATION_ID: i32 = 0x5449_4C4C;

/// Newest schema version this build knows.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
}

/// Where "now" comes from. Tests and `--at` pass a fixed time; the app uses
/// the system clock. Domain code asks the store, never `Utc::now()`.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }
}

/// Parses a stored or user-given RFC 3339 time.
pub fn parse_ts(field: Field, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Error::invalid(
                field,
                format!("{text:?} is not an RFC 3339 time ({e}); example: 2026-11-25T17:00:00Z"),
            )
        })
}

/// An open shop store.
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    clock: Clock,
    user: String,
    pub(crate) settings: Settings,
    /// Active bundles with their windows, read once and kept until they
    /// change (see `bundles::Store::live_bundles`).
    pub(crate) bundle_cache: Cache,
    /// The staff member signed in on this connection (`staff::sign_in`).
    pub(crate) acting: Option<Member>,
    /// A member who approved what the acting one may not do alone
    /// (`staff::approve`), until `clear_approval`.
    pub(crate) approver: Option<Member>,
    /// A connection the app uses by itself (see `Store::for_background`).
    pub(crate) background: bool,
}

/// Something read from the store and kept until SQLite's `data_version`
/// changes (it does whenever another connection commits) or this
/// connection's own change clears it, so a stale value is never used. It
/// holds a value of a type the module above defines (the live bundles), so
/// the store needs nothing from the modules above it.
#[derive(Default)]
pub(crate) struct Cache(RefCell<Option<(i64, Box<dyn Any + Send>)>>);

impl Cache {
    /// Runs `read` on the kept value, reading it again with `load` first
    /// when the store changed since or it was cleared.
    pub(crate) fn read<T: Send + 'static, R>(
        &self,
        conn: &Connection,
        load: impl FnOnce() -> Result<T>,
        read: impl FnOnce(&T) -> R,
    ) -> Result<R> {
        let version: i64 = conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        let mut kept = self.0.borrow_mut();
        if !matches!(&*kept, Some((v, value)) if *v == version && value.is::<T>()) {
            *kept = Some((version, Box::new(load()?)));
        }
        match kept
            .as_ref()
            .and_then(|(_, value)| value.downcast_ref::<T>())
        {
            Some(value) => Ok(read(value)),
            None => Err(Error::Internal("the cache lost what it read".into())),
        }
    }

    pub(crate) fn clear(&self) {
        self.0.borrow_mut().take();
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens an existing store, migrating it forward if it is older. A file
    /// that is not a Till store, or is one from a newer Till, is refused
    /// before anything is written to it.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let found = match identify(&path)? {
            Identity::Missing | Identity::Empty => return Err(Error::NoStore(path)),
            Identity::Foreign(reason) => return Err(Error::NotATillStore { path, reason }),
            Identity::Till(v) => v,
        };
        if found > schema_version() {
            return Err(Error::StoreTooNew {
                path,
                found,
                known: schema_version(),
            });
        }
        let conn = connect(&path)?;
        if found < schema_version() {
            back_up_before_migration(&conn, &path, found)?;
        }
        let mut store = Store {
            conn,
            path,
            clock: Clock::System,
            user: default_user()?,
            settings: Settings::default(),
            bundle_cache: Default::default(),
            acting: None,
            approver: None,
            background: false,
        };
        store.migrate()?;
        store.settings = Settings::load(&store.conn)?;
        Ok(store)
    }

    /// Creates a new, empty store. Refuses to touch an existing store or
    /// any other file with something in it.
    pub fn create(path: impl AsRef<Path>, settings: Settings) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        match identify(&path)? {
            Identity::Missing | Identity::Empty => {}
            Identity::Till(_) => {
                return Err(Error::Conflict(format!(
                    "a Till store already exists at {}",
                    path.display()
                )))
            }
            Identity::Foreign(reason) => return Err(Error::NotATillStore { path, reason }),
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::StoreUnusable {
                path: path.clone(),
                reason: format!("cannot create folder {}: {e}", dir.display()),
            })?;
        }
        let conn = connect(&path)?;
        let mut store = Store {
            conn,
            path,
            clock: Clock::System,
            user: default_user()?,
            settings: settings.clone(),
            bundle_cache: Default::default(),
            acting: None,
            approver: None,
            background: false,
        };
        store.migrate()?;
        let tx = store
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        settings.save(&tx)?;
        tx.commit()?;
        store.settings = Settings::load(&store.conn)?;
        Ok(store)
    }

    /// Creates a store at an older schema version. Only for the migration
    /// tests, which must start from every earlier version.
    #[doc(hidden)]
    pub fn create_with_schema(
        path: impl AsRef<Path>,
        settings: Settings,
        version: i64,
    ) -> Result<()> {
        let path = path.as_ref().to_path_buf();
        let mut conn = connect(&path)?;
        migrations()
            .to_version(&mut conn, version as usize)
            .map_err(|e| Error::Internal(format!("migration to {version} failed: {e}")))?;
        settings.save(&conn)?;
        Ok(())
    }

    pub(crate) fn migrate(&mut self) -> Result<()> {
        migrations().to_latest(&mut self.conn).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => Error::Database(err),
            other => Error::StoreUnusable {
                path: self.path.clone(),
                reason: format!("migration failed: {other}"),
            },
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Settings as they are now in memory; `setting_changes` saves new ones
    /// and calls this in the same breath.
    pub(crate) fn replace_settings(&mut self, next: Settings) {
        self.settings = next;
    }

    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The clock in use, so work that moves it (the demo's history) can put
    /// it back.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Who is working the till; recorded on stock movements and orders.
    pub fn set_user(&mut self, user: &str) -> Result<()> {
        self.user = crate::input::text(Field::User, user, crate::input::TextKind::User)?;
        Ok(())
    }

    /// The signed-in staff member when there is one (so no free-text name
    /// stands in for them on a store with staff), else the name set.
    pub fn user(&self) -> &str {
        match &self.acting {
            Some(m) => &m.name,
            None => &self.user,
        }
    }

    /// Starts a write transaction that takes the write lock at once, so two
    /// windows or processes queue up (busy timeout) instead of deadlocking.
    pub(crate) fn write_tx(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// Direct read access for reports, tests and benchmarks.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs SQLite's own consistency check; "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// Copies a store about to be migrated into its backup folder (the
/// `before-migration` backup), so a migration that goes wrong, or a newer
/// Till the shop wants to leave, never costs the shop its data. When the
/// copy cannot be made the store is not migrated.
fn back_up_before_migration(conn: &Connection, path: &Path, found: i64) -> Result<()> {
    let refused = |e: Error| {
        let known = schema_version();
        Error::StoreUnusable {
            path: path.to_path_buf(),
            reason: format!(
                "it must be upgraded from schema version {found} to {known}, and the \
                 backup taken first failed ({e}); it was left untouched"
            ),
        }
    };
    let policy = crate::snapshot::policy(conn, path).map_err(refused)?;
    let target = crate::snapshot::Target::Folder {
        folder: &policy.folder,
        reason: Some("before-migration"),
    };
    let backup =
        crate::snapshot::write(conn, target, Clock::System.now(), true).map_err(refused)?;
    tracing::info!(path = %backup.path.display(), "backup before migration");
    crate::snapshot::prune(&policy.folder, policy.keep).map_err(refused)?;
    Ok(())
}

/// The cashier's name from `TILL_USER` (else the login name, else "owner").
fn default_user() -> Result<String> {
    match std::env::var("TILL_USER").or_else(|_| std::env::var("USER")) {
        Ok(u) if !u.trim().is_empty() => {
            crate::input::text(Field::User, &u, crate::input::TextKind::User)
        }
        _ => Ok("owner".into()),
    }
}

/// Opens a connection with the pragmas every Till connection uses.
fn connect(path: &Path) -> Result<Connection> {
    let unusable = |reason: String| Error::StoreUnusable {
        path: path.to_path_buf(),
        reason,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| unusable(describe_open_error(&e)))?;
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
        return Err(unusable("the file is read-only".into()));
    }
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // A sale runs a few dozen distinct statements; with rusqlite's default
    // of 16 cached ones they would push each other out and be compiled
    // again on every sale.
    conn.set_prepared_statement_cache_capacity(128);
    // WAL lets the UI read while a sale commits; synchronous=FULL makes a
    // commit durable before it returns, so a shown receipt survives a power cut.
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| unusable(describe_open_error(&e)))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(unusable(format!(
            "could not switch to WAL journal (got {mode})"
        )));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(|e| unusable(describe_open_error(&e)))?;
    Ok(conn)
}

/// What a file at a store path is.
pub(crate) enum Identity {
    Missing,
    /// No bytes, or a SQLite database with nothing in it.
    Empty,
    /// A Till store at this schema version.
    Till(i64),
    /// Anything else, and why it is not a Till store.
    Foreign(String),
}

/// Tells what the file at `path` is through a read-only connection, so a
/// file from a newer Till, somebody else's database or a file that is not a
/// database at all is never modified (not even switched to WAL).
pub(crate) fn identify(path: &Path) -> Result<Identity> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Identity::Missing),
        Err(e) => {
            return Err(Error::StoreUnusable {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })
        }
    };
    if meta.is_dir() {
        return Ok(Identity::Foreign("it is a folder".into()));
    }
    if meta.len() == 0 {
        return Ok(Identity::Empty);
    }
    let unusable = |reason: String| Error::StoreUnusable {
        path: path.to_path_buf(),
        reason,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| unusable(describe_open_error(&e)))?;
    let header = conn.query_row(
        "SELECT * FROM pragma_application_id, pragma_user_version",
        [],
        |r| Ok((r.get::<_, i32>(0)?, r.get::<_, i64>(1)?)),
    );
    let (app_id, version) = match header {
        Ok(h) => h,
        // Not a database, or a damaged one: Till cannot tell which.
        Err(e) => return Err(unusable(describe_open_error(&e))),
    };
    if app_id == APPLICATION_ID {
        return Ok(Identity::Till(version));
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if app_id != 0 {
        return Ok(Identity::Foreign(format!(
            "it is a SQLite database of another application (application id {app_id})"
        )));
    }
    if tables.is_empty() && version == 0 {
        return Ok(Identity::Empty);
    }
    // A store made before Till marked its files: Till's schema versions,
    // Till's tables, and a store id among its settings.
    let has = |t: &str| tables.iter().any(|n| n == t);
    let till_tables = [
        "settings",
        "products",
        "stock_movements",
        "orders",
        "outbox",
    ]
    .iter()
    .all(|t| has(t));
    let legacy = (1..APPLICATION_ID_SINCE).contains(&version)
        && till_tables
        && conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'store_id')",
                [],
                |r| r.get::<_, bool>(0),
            )
            .unwrap_or(false);
    if legacy {
        Ok(Identity::Till(version))
    } else {
        Ok(Identity::Foreign(
            "it is a SQLite database with other tables".into(),
        ))
    }
}

/// The schema version whose migration first set `application_id`.
const APPLICATION_ID_SINCE: i64 = 8;

fn describe_open_error(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            "the file is not a Till database (or it is corrupt)".into()
        }
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => "the database file is corrupt".into(),
        Some(rusqlite::ErrorCode::CannotOpen) => {
            "the file or its folder cannot be opened for writing".into()
        }
        Some(rusqlite::ErrorCode::ReadOnly) => "the file or its folder is read-only".into(),
        Some(rusqlite::ErrorCode::PermissionDenied) => "permission denied".into(),
        _ => e.to_string(),
    }
}
