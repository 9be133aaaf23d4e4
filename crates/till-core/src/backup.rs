//! Backups and restore: never lose the shop.
//!
//! A backup is a consistent copy of the store taken while it sells (see
//! `snapshot` for how the copy is made and named). Backups go to the
//! backup folder (the `backup_dir` setting, else a `backups` folder beside
//! the store), which keeps the newest `backup_keep`; the store copies itself
//! there before every schema migration too (`Store::open`).
//!
//! A file is restored only when it verifies: SQLite's integrity check
//! passes, it is a Till store, and its schema is not newer than this
//! build's. The current store is kept as a backup first (`-before-restore`),
//! then the file's pages replace the store's through the online backup API,
//! in one transaction: other connections (a second window, the sync task)
//! see the old store or the restored one, never a mix, and the file at the
//! store's path is never swapped under them. Older content is then migrated
//! forward.
//!
//! Sync after a restore. The restored store is the backup's: the same shop,
//! the same device identity (device id, receipt prefix), so the device's
//! upstream token still fits. It is the same till gone back in time, and
//! what the replaced store already told the upstream stays told: when the
//! replaced store is the same shop and device, the events both hold keep
//! the replaced store's delivery marks (so an event delivered after the
//! backup was taken is not sent again), and the receipt counter and the
//! outbox sequence continue from the higher of the two (so a receipt
//! number or an event number the upstream already has from this device is
//! never issued again). Sales made after the backup are not in the restored
//! store; they are in the kept backup, and the upstream has those it
//! received. On a fresh machine (`Store::create_from_backup`) nothing
//! is known beyond the backup: its undelivered events are sent, and the
//! upstream, which stores each event id once per store, keeps those it
//! already had once.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::roles::Permission;
use crate::settings::Settings;
use crate::snapshot::{self, Policy, Target};
use crate::store::{identify, schema_version, Identity, Store};

pub use crate::snapshot::Backup;

/// A file that verified: a sound Till store this build can open.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Verified {
    /// Always true: a file that does not verify is an error.
    pub ok: bool,
    pub orders: i64,
    pub schema_version: i64,
}

/// What a restore did: the file it restored, and the backup of the store
/// it replaced.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Restored {
    pub restored: Verified,
    pub kept: Backup,
}

/// What [`Store::restore_at`] did: the file it restored; the backup of
/// the store it replaced (a restore in place); or where it set a damaged
/// store aside.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct RestoredAt {
    pub restored: Verified,
    pub kept: Option<Backup>,
    pub set_aside: Option<PathBuf>,
}

/// Renames a damaged store (and its WAL) to `NAME.damaged-STAMP` beside
/// itself, so nothing of it is lost, and returns the new name.
fn set_aside(path: &Path) -> Result<PathBuf> {
    let with = |p: &Path, suffix: &str| {
        let mut name = p.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let aside = with(path, &format!(".damaged-{stamp}"));
    let unusable = |e: std::io::Error| Error::StoreUnusable {
        path: path.to_path_buf(),
        reason: format!(
            "cannot set the damaged store aside as {}: {e}",
            aside.display()
        ),
    };
    if aside.exists() {
        return Err(unusable(std::io::ErrorKind::AlreadyExists.into()));
    }
    // The WAL first: a store file without its WAL is the older store, a
    // WAL without its file is nothing.
    let wal = with(path, "-wal");
    if wal.exists() {
        std::fs::rename(&wal, with(&aside, "-wal")).map_err(unusable)?;
    }
    std::fs::rename(path, &aside).map_err(unusable)?;
    let _ = std::fs::remove_file(with(path, "-shm"));
    Ok(aside)
}

/// Checks that `file` can be restored: SQLite's `integrity_check` passes,
/// it is a Till store, and its schema version is not newer than this
/// build's. Reads the file only (never writes to it). Each refusal is a
/// typed error saying why: `NotATillStore`, `FileDamaged` (with what
/// SQLite said), `StoreTooNew` (found and known versions), `NotFound`.
pub fn verify(file: &Path) -> Result<Verified> {
    let path = file.to_path_buf();
    // A file that cannot be read at all (permissions) is not damaged.
    if let Err(e) = std::fs::File::open(file) {
        if e.kind() != std::io::ErrorKind::NotFound {
            return Err(Error::StoreUnusable {
                path,
                reason: format!("cannot read it: {e}"),
            });
        }
    }
    let version = match identify(file) {
        Ok(Identity::Till(v)) => v,
        Ok(Identity::Missing) => return Err(Error::not_found("file", file.display().to_string())),
        Ok(Identity::Empty) => {
            return Err(Error::NotATillStore {
                path,
                reason: "it is empty".into(),
            })
        }
        Ok(Identity::Foreign(reason)) => return Err(Error::NotATillStore { path, reason }),
        Err(Error::StoreUnusable { reason, .. }) => {
            return Err(Error::FileDamaged { path, reason })
        }
        Err(e) => return Err(e),
    };
    if version > schema_version() {
        return Err(Error::StoreTooNew {
            path,
            found: version,
            known: schema_version(),
        });
    }
    let damaged = |e: rusqlite::Error| Error::FileDamaged {
        path: path.clone(),
        reason: match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                "SQLite says the database disk image is malformed".into()
            }
            Some(rusqlite::ErrorCode::NotADatabase) => "it is not a SQLite database".into(),
            _ => format!("SQLite cannot read it: {e}"),
        },
    };
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(damaged)?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(damaged)?;
    if problems != ["ok"] {
        let shown: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
        let more = match problems.len().saturating_sub(3) {
            0 => String::new(),
            n => format!(" (and {n} more)"),
        };
        return Err(Error::FileDamaged {
            path,
            reason: format!("SQLite's integrity check found: {}{more}", shown.join("; ")),
        });
    }
    let orders: i64 = conn
        .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
        .map_err(damaged)?;
    Ok(Verified {
        ok: true,
        orders,
        schema_version: version,
    })
}

impl Store {
    /// The backup settings: folder, interval and how many to keep.
    fn backup_policy(&self) -> Result<Policy> {
        Ok(Policy::of(self.settings(), self.path()))
    }

    /// A consistent copy of the store, made while other processes keep
    /// selling. `out` None: a new file in the backup folder, which is then
    /// pruned to the newest `backup_keep`; else exactly the file `out`,
    /// which must not exist yet.
    pub fn backup(&self, out: Option<&Path>) -> Result<Backup> {
        let auth = self.require(Permission::Backup)?;
        let made = match out {
            Some(file) => snapshot::write(&self.conn, Target::File(file), self.now(), true)?,
            None => self.backup_to_folder(None)?,
        };
        crate::audit::record_now(
            self,
            &auth,
            "backup",
            None,
            serde_json::json!({
                "file": made.path.display().to_string(),
                "bytes": made.bytes,
                "orders": made.orders,
            }),
        )?;
        Ok(made)
    }

    fn backup_to_folder(&self, reason: Option<&str>) -> Result<Backup> {
        let made = self.backup_unpruned(reason)?;
        self.prune_backups()?;
        Ok(made)
    }

    fn backup_unpruned(&self, reason: Option<&str>) -> Result<Backup> {
        let policy = self.backup_policy()?;
        let target = Target::Folder {
            folder: &policy.folder,
            reason,
        };
        snapshot::write(&self.conn, target, self.now(), true)
    }

    fn prune_backups(&self) -> Result<()> {
        let policy = self.backup_policy()?;
        snapshot::prune(&policy.folder, policy.keep)?;
        Ok(())
    }

    /// The backup folder's backups, newest first. A file that cannot be
    /// read is left out of the list (and logged), so one bad file never
    /// hides the others.
    pub fn backups(&self) -> Result<Vec<Backup>> {
        self.require(Permission::Backup)?;
        let policy = self.backup_policy()?;
        let mut list = vec![];
        for named in snapshot::names(&policy.folder)? {
            match snapshot::read(&named) {
                Ok(b) => list.push(b),
                Err(e) => {
                    tracing::warn!(path = %named.path.display(), "backup left out of the list: {e}")
                }
            }
        }
        Ok(list)
    }

    /// The backup folder's backup named `name` (a file name as `backups`
    /// lists it), if it is there; nothing else of the folder is named so.
    pub fn backup_named(&self, name: &str) -> Result<Option<std::path::PathBuf>> {
        self.require(Permission::Backup)?;
        let policy = self.backup_policy()?;
        Ok(snapshot::names(&policy.folder)?
            .into_iter()
            .map(|n| n.path)
            .find(|p| p.file_name().is_some_and(|n| n == name)))
    }

    /// The backup folder (the `backup_dir` setting, else `backups` beside
    /// the store).
    pub fn backup_folder(&self) -> std::path::PathBuf {
        self.settings().backup_folder(self.path())
    }

    /// True when the newest backup in the folder is older than
    /// `backup_every_hours`, or there is none.
    pub fn backup_due(&self) -> Result<bool> {
        let policy = self.backup_policy()?;
        let newest = match snapshot::names(&policy.folder)?.into_iter().next() {
            None => return Ok(true),
            Some(n) => snapshot::read(&n)
                .map(|b| b.created_at)
                .unwrap_or(n.stamp()),
        };
        Ok(self.now() - newest >= chrono::Duration::hours(policy.every_hours.into()))
    }

    /// Replaces the store's content with `file`'s. Refused, with the store
    /// untouched, unless `file` verifies (see [`verify`]). Keeps the current
    /// store as a backup (`-before-restore`) first, then restores in one
    /// transaction, migrates older content forward, and reloads the
    /// settings. See the module's comment for what sync keeps.
    pub fn restore(&mut self, file: &Path) -> Result<Restored> {
        let auth = self.require(Permission::Backup)?;
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same(file, self.path()) {
            return Err(Error::Conflict(format!(
                "{} is the store itself; give a backup file",
                file.display()
            )));
        }
        let restored = verify(file)?;
        // Pruned only once restored: the file may be the folder's oldest.
        let kept = self.backup_unpruned(Some("before-restore"))?;
        let source = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| Error::FileDamaged {
            path: file.to_path_buf(),
            reason: e.to_string(),
        })?;
        self.bundle_cache.clear();
        snapshot::copy_pages(&source, &mut self.conn)?;
        drop(source);
        self.conn.flush_prepared_statement_cache();
        self.migrate()?;
        self.carry_over(&kept.path)?;
        self.settings = Settings::load(&self.conn)?;
        self.prune_backups()?;
        // Recorded in the restored store, which audits when it has staff.
        let auth = crate::permissions::Authority {
            audited: self.has_staff()?,
            ..auth
        };
        crate::audit::record_now(
            self,
            &auth,
            "restore",
            None,
            serde_json::json!({
                "file": file.display().to_string(),
                "orders": restored.orders,
                "kept": kept.path.display().to_string(),
            }),
        )?;
        Ok(Restored { restored, kept })
    }

    /// Creates the store at `path` from `file` (a new machine's first
    /// start): refused unless `file` verifies and no store exists at
    /// `path`. The store is written whole under a temporary name and
    /// renamed into place, then opened (and migrated when older).
    pub fn create_from_backup(path: impl AsRef<Path>, file: &Path) -> Result<(Store, Verified)> {
        let path = path.as_ref();
        let verified = verify(file)?;
        match identify(path)? {
            Identity::Missing | Identity::Empty => {}
            Identity::Till(_) => {
                return Err(Error::Conflict(format!(
                    "a Till store already exists at {}; restore into it with the store open",
                    path.display()
                )))
            }
            Identity::Foreign(reason) => {
                return Err(Error::NotATillStore {
                    path: path.to_path_buf(),
                    reason,
                })
            }
        }
        let folder = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder).map_err(|e| Error::StoreUnusable {
            path: path.to_path_buf(),
            reason: format!("cannot create folder {}: {e}", folder.display()),
        })?;
        let source = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| Error::FileDamaged {
            path: file.to_path_buf(),
            reason: e.to_string(),
        })?;
        let temp = folder.join(format!(".till-restore-{}.tmp", uuid::Uuid::now_v7()));
        let made = snapshot::write(&source, Target::File(&temp), chrono::Utc::now(), false)
            .and_then(|_| snapshot::put_in_place(&temp, path));
        if let Err(e) = made {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
        let store = Store::open(path)?;
        Ok((store, verified))
    }

    /// Restores `file` as the store at `path`, whatever is there, and
    /// opens it: no store (a new machine: `create_from_backup`), a sound
    /// store (a restore in place: [`Store::restore`]), or a Till store too
    /// damaged to use: SQLite finds it damaged (see [`verify`]), or its
    /// settings cannot be read. A damaged store is never deleted: it is set
    /// aside beside itself, renamed `NAME.damaged-20261202T141500Z` (with
    /// its `-wal`), and `file` becomes the store as on a new machine.
    /// Refused, with nothing changed, unless `file` verifies, and for
    /// anything at `path` that is not a Till store or is one from a newer
    /// Till. Used with no store open at `path` (the CLI, the app before it
    /// opens a store).
    pub fn restore_at(path: impl AsRef<Path>, file: &Path) -> Result<(Store, RestoredAt)> {
        Store::restore_at_with(path, file, |_| Ok(()))
    }

    /// `restore_at`, with `sign_in` run on the store at `path` before it is
    /// replaced, when that store opens: on a store with staff, it signs in
    /// the owner (`Store::sign_in`) the restore needs. A store that is
    /// missing or too damaged to open asks for nobody.
    pub fn restore_at_with(
        path: impl AsRef<Path>,
        file: &Path,
        sign_in: impl FnOnce(&mut Store) -> Result<()>,
    ) -> Result<(Store, RestoredAt)> {
        let path = path.as_ref();
        let restored = verify(file)?;
        let done = |store: Store, kept: Option<Backup>, set_aside: Option<PathBuf>| {
            let at = RestoredAt {
                restored: restored.clone(),
                kept,
                set_aside,
            };
            Ok((store, at))
        };
        if matches!(identify(path)?, Identity::Missing | Identity::Empty) {
            let (store, _) = Store::create_from_backup(path, file)?;
            return done(store, None, None);
        }
        match verify(path) {
            Err(Error::FileDamaged { .. }) => {}
            Err(e) => return Err(e),
            Ok(_) => match Store::open(path) {
                Err(Error::Damaged(_)) => {}
                Err(e) => return Err(e),
                Ok(mut store) => {
                    sign_in(&mut store)?;
                    let r = store.restore(file)?;
                    return done(store, Some(r.kept), None);
                }
            },
        }
        let aside = set_aside(path)?;
        let (store, _) = Store::create_from_backup(path, file)?;
        done(store, None, Some(aside))
    }

    /// After a restore: leaves out the backup's own record, and keeps what
    /// the replaced store (the backup at `kept`) already told the upstream,
    /// when it is the same shop and device (see the module's comment).
    fn carry_over(&mut self, kept: &Path) -> Result<()> {
        let kept_path = kept.to_string_lossy().into_owned();
        self.conn
            .execute("ATTACH DATABASE ?1 AS kept", [&kept_path])?;
        let done = (|| -> Result<()> {
            let tx = self.write_tx()?;
            tx.execute_batch("DROP TABLE IF EXISTS main.till_backup")?;
            let same: bool = tx.query_row(
                "SELECT (SELECT value FROM main.settings WHERE key = 'store_id')
                        = (SELECT value FROM kept.settings WHERE key = 'store_id')
                    AND (SELECT value FROM main.settings WHERE key = 'device_id')
                        = (SELECT value FROM kept.settings WHERE key = 'device_id')",
                [],
                |r| Ok(r.get::<_, Option<bool>>(0)?.unwrap_or(false)),
            )?;
            if same {
                tx.execute_batch(
                    "UPDATE main.outbox SET sent_at = k.sent_at, attempts = max(main.outbox.attempts, k.attempts)
                       FROM kept.outbox AS k
                      WHERE k.id = main.outbox.id AND k.sent_at IS NOT NULL AND main.outbox.sent_at IS NULL;
                     INSERT INTO main.counters (name, value)
                       SELECT name, value FROM kept.counters WHERE true
                       ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value);
                     UPDATE main.sqlite_sequence
                        SET seq = max(seq, (SELECT seq FROM kept.sqlite_sequence WHERE name = 'outbox'))
                      WHERE name = 'outbox'
                        AND EXISTS (SELECT 1 FROM kept.sqlite_sequence WHERE name = 'outbox');
                     INSERT INTO main.sqlite_sequence (name, seq)
                       SELECT name, seq FROM kept.sqlite_sequence
                        WHERE name = 'outbox'
                          AND NOT EXISTS (SELECT 1 FROM main.sqlite_sequence WHERE name = 'outbox');",
                )?;
            }
            tx.commit()?;
            Ok(())
        })();
        self.conn.execute("DETACH DATABASE kept", [])?;
        done
    }
}
