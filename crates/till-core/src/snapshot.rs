//! Consistent copies of a store's file, and the backup folder they go to.
//!
//! A copy is made with SQLite's online backup API, never by copying the
//! file: a live store is in WAL mode, and its file alone is not the
//! database. The whole copy is one step, so it reads one snapshot of the
//! store (a WAL read transaction, which never blocks the writers selling
//! meanwhile); a copy made in many small steps would start over each time
//! another process commits. The copy is written under a temporary name in
//! the target folder, switched to a rollback journal (one self-contained
//! file), told when it was made (the `till_backup` table inside it, so the
//! time never depends on the file's mtime), fsynced, renamed into place,
//! and the folder is fsynced, so a backup either exists whole or not at all.
//!
//! Backups in the folder are named `till-20261202T141500Z.db`: the UTC time
//! they were made, then `-2`, `-3`… when that second is taken, then the
//! reason when there is one (`-before-restore`). Names sort by time; only
//! names of this form are Till's, and pruning never touches anything else.
//!
//! Below the store (which copies itself before a migration), so it works on
//! a plain connection and reads the backup settings raw.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use rusqlite::backup::{Backup as OnlineBackup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::settings::{default_backup_folder, BackupSettings, Settings};
use crate::stored::ts;

/// One backup file.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Backup {
    pub path: PathBuf,
    pub bytes: u64,
    /// Orders in the copy.
    pub orders: i64,
    /// When the copy was made (recorded inside it). Written as the store
    /// writes times (RFC 3339, UTC, milliseconds), so they sort as text.
    #[serde(serialize_with = "stored_time")]
    #[specta(type = String)]
    pub created_at: DateTime<Utc>,
}

fn stored_time<S: serde::Serializer>(
    t: &DateTime<Utc>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&ts(*t))
}

/// Where backups go and how many are kept: the `backup_dir`,
/// `backup_every_hours` and `backup_keep` settings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Policy {
    pub folder: PathBuf,
    pub every_hours: u32,
    pub keep: u32,
}

impl Policy {
    /// The backup settings as the store's settings hold them.
    pub fn of(settings: &Settings, store_path: &Path) -> Policy {
        Policy {
            folder: settings.backup_folder(store_path),
            every_hours: settings.backup_every_hours,
            keep: settings.backup_keep,
        }
    }
}

/// The backup settings of the store at `store_path`, read straight from
/// its settings table: the store copies itself before a migration, when
/// its settings may not be readable as this build's yet (the same keys and
/// defaults as `Settings`). A value that cannot be read is damage, never a
/// default.
pub(crate) fn policy(conn: &Connection, store_path: &Path) -> Result<Policy> {
    let b = BackupSettings::load(conn)?;
    Ok(Policy {
        folder: b
            .dir
            .map(PathBuf::from)
            .unwrap_or_else(|| default_backup_folder(store_path)),
        every_hours: b.every_hours,
        keep: b.keep,
    })
}

/// Where a copy goes.
pub(crate) enum Target<'a> {
    /// A new file in the backup folder, named by time and `reason`.
    Folder {
        folder: &'a Path,
        reason: Option<&'a str>,
    },
    /// Exactly this file, which must not exist yet.
    File(&'a Path),
}

/// Copies the main database of `conn` to `target` (see the module's
/// comment). With `record` the copy says inside when it was made (a
/// backup); without, it is a plain store file (a restore onto a new path).
pub(crate) fn write(
    conn: &Connection,
    target: Target<'_>,
    at: DateTime<Utc>,
    record: bool,
) -> Result<Backup> {
    let at = at.trunc_subsecs(3);
    let path = match target {
        Target::Folder { folder, reason } => {
            std::fs::create_dir_all(folder)
                .map_err(|e| io_error(folder, "cannot create the folder", e))?;
            free_name(folder, at, reason)?
        }
        Target::File(file) => {
            if file.exists() {
                return Err(Error::Conflict(format!(
                    "{} already exists; give a new file name",
                    file.display()
                )));
            }
            file.to_path_buf()
        }
    };
    let folder = parent(&path);
    if !folder.is_dir() {
        return Err(Error::BackupFile {
            path: path.clone(),
            reason: format!("the folder {} does not exist", folder.display()),
        });
    }
    let temp = folder.join(format!("{TEMP_PREFIX}{}.tmp", uuid::Uuid::now_v7()));
    let written = write_temp(conn, &temp, &path, at, record).and_then(|orders| {
        put_in_place(&temp, &path)?;
        Ok(orders)
    });
    let orders = match written {
        Ok(orders) => orders,
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
    };
    let bytes = std::fs::metadata(&path)
        .map_err(|e| io_error(&path, "cannot read", e))?
        .len();
    Ok(Backup {
        path,
        bytes,
        orders,
        created_at: at,
    })
}

/// The copy itself, into `temp`; returns the copy's orders.
fn write_temp(
    conn: &Connection,
    temp: &Path,
    path: &Path,
    at: DateTime<Utc>,
    record: bool,
) -> Result<i64> {
    let mut copy = Connection::open_with_flags(
        temp,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sqlite_error(path, "cannot create the copy", e))?;
    copy_pages(conn, &mut copy).map_err(|e| sqlite_error(path, "the copy failed", e))?;
    // The pages came from a WAL database and say so; a backup is one
    // self-contained file, with no -wal or -shm beside it.
    let mode: String = copy.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(Error::Internal(format!(
            "the copy kept journal mode {mode}"
        )));
    }
    let orders: i64 = copy.query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))?;
    copy.execute_batch("DROP TABLE IF EXISTS till_backup")?;
    if record {
        copy.execute_batch(
            "CREATE TABLE till_backup (created_at TEXT NOT NULL, orders INTEGER NOT NULL) STRICT",
        )?;
        copy.execute(
            "INSERT INTO till_backup (created_at, orders) VALUES (?1, ?2)",
            rusqlite::params![ts(at), orders],
        )?;
    }
    copy.close().map_err(|(_, e)| e)?;
    Ok(orders)
}

/// Copies every page of `from`'s main database into `to`'s, in one step:
/// one consistent snapshot of the source, held only while copying.
/// Another connection holding the lock is waited for, up to 30 seconds.
pub(crate) fn copy_pages(from: &Connection, to: &mut Connection) -> rusqlite::Result<()> {
    let backup = OnlineBackup::new(from, to)?;
    let mut waited = Duration::ZERO;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            // One step copies everything; another step goes on if not.
            StepResult::More => {}
            _ => {
                if waited >= Duration::from_secs(30) {
                    return Err(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some("the database stayed locked for 30 seconds".into()),
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
                waited += Duration::from_millis(50);
            }
        }
    }
}

/// A backup name in `folder` that is not taken yet.
fn free_name(folder: &Path, at: DateTime<Utc>, reason: Option<&str>) -> Result<PathBuf> {
    let stamp = at.format(STAMP).to_string();
    let taken: Vec<Named> = names(folder)?
        .into_iter()
        .filter(|n| n.stamp == at.trunc_subsecs(0).naive_utc())
        .collect();
    // After the newest of that second, never into a gap pruning left:
    // the number orders the backups made within one second.
    let seq = taken.iter().map(|n| n.seq + 1).max().unwrap_or(1);
    let mut name = format!("till-{stamp}");
    if seq > 1 {
        name.push_str(&format!("-{seq}"));
    }
    if let Some(r) = reason {
        name.push('-');
        name.push_str(r);
    }
    name.push_str(".db");
    Ok(folder.join(name))
}

const STAMP: &str = "%Y%m%dT%H%M%SZ";

/// A file in the backup folder whose name Till gave it.
#[derive(Debug, Clone)]
pub(crate) struct Named {
    pub path: PathBuf,
    stamp: NaiveDateTime,
    seq: u32,
}

impl Named {
    /// The time in the name (to the second), for a copy that cannot say.
    pub fn stamp(&self) -> DateTime<Utc> {
        self.stamp.and_utc()
    }
}

/// Reads a backup name: `till-<stamp>[-<n>][-<reason>].db`.
fn parse_name(name: &str) -> Option<(NaiveDateTime, u32)> {
    let rest = name.strip_prefix("till-")?.strip_suffix(".db")?;
    let stamp = NaiveDateTime::parse_from_str(rest.get(..16)?, STAMP).ok()?;
    let tail = rest.get(16..)?;
    if tail.is_empty() {
        return Some((stamp, 1));
    }
    let tail = tail.strip_prefix('-')?;
    if !tail
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return None;
    }
    let first = tail.split('-').next().unwrap_or("");
    let seq = match first.parse::<u32>() {
        Ok(n) if n >= 2 => n,
        Ok(_) => return None,
        Err(_) => 1,
    };
    Some((stamp, seq))
}

/// Till's backups in `folder`, newest first (by the time in their names,
/// then their number within that second). A missing folder has none.
pub(crate) fn names(folder: &Path) -> Result<Vec<Named>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(io_error(folder, "cannot read the folder", e)),
    };
    let mut found = vec![];
    for entry in entries {
        let entry = entry.map_err(|e| io_error(folder, "cannot read the folder", e))?;
        let Some((stamp, seq)) = entry.file_name().to_str().and_then(parse_name) else {
            continue;
        };
        if entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            found.push(Named {
                path: entry.path(),
                stamp,
                seq,
            });
        }
    }
    found.sort_by_key(|n| std::cmp::Reverse((n.stamp, n.seq)));
    Ok(found)
}

/// Reads what a backup file says about itself: when it was made (else the
/// time in its name) and its orders.
pub(crate) fn read(named: &Named) -> Result<Backup> {
    let path = &named.path;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sqlite_error(path, "cannot open", e))?;
    let recorded: Option<(String, i64)> = conn
        .query_row("SELECT created_at, orders FROM till_backup", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
        .or_else(|e| match e {
            // A copy made without the table (by hand, or a restored store
            // copied as it is) is dated by its name.
            rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.contains("no such table") => {
                Ok(None)
            }
            e => Err(sqlite_error(path, "cannot read", e)),
        })?;
    let (created_at, orders) = match recorded {
        Some((at, orders)) => (
            DateTime::parse_from_rfc3339(&at)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| Error::BackupFile {
                    path: path.clone(),
                    reason: format!("its backup time {at:?} is not an RFC 3339 time"),
                })?,
            orders,
        ),
        None => (
            named.stamp(),
            conn.query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
                .map_err(|e| sqlite_error(path, "cannot read", e))?,
        ),
    };
    let bytes = std::fs::metadata(path)
        .map_err(|e| io_error(path, "cannot read", e))?
        .len();
    Ok(Backup {
        path: path.clone(),
        bytes,
        orders,
        created_at,
    })
}

/// Deletes Till's backups in `folder` beyond the newest `keep` (at least
/// one is always kept), and the temporary files of copies that never
/// finished (a crash, a full disk) once they are a day old. Files Till did
/// not name are never touched.
pub(crate) fn prune(folder: &Path, keep: u32) -> Result<Vec<PathBuf>> {
    let keep = keep.max(1) as usize;
    let mut removed = unfinished(folder);
    for old in names(folder)?.into_iter().skip(keep) {
        std::fs::remove_file(&old.path)
            .map_err(|e| io_error(&old.path, "cannot remove the old backup", e))?;
        removed.push(old.path);
    }
    if !removed.is_empty() {
        sync_dir(folder)?;
    }
    Ok(removed)
}

/// Removes this module's temporary files in `folder` older than a day
/// (a copy in progress is younger). Best effort: one that cannot be
/// removed is tried again next time.
fn unfinished(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return vec![];
    };
    let day = Duration::from_secs(24 * 3600);
    let mut removed = vec![];
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name
            .to_str()
            .is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(".tmp"));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > day));
        if ours && old && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

const TEMP_PREFIX: &str = ".till-backup-";

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Renames `temp` over `path`, fsyncing the file first and the folder
/// after, so `path` is either what it was or all of `temp`.
pub(crate) fn put_in_place(temp: &Path, path: &Path) -> Result<()> {
    sync_file(temp)?;
    std::fs::rename(temp, path).map_err(|e| io_error(path, "cannot rename the copy", e))?;
    sync_dir(parent(path))
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error(path, "cannot flush to disk", e))
}

fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error(dir, "cannot flush the folder to disk", e))
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::BackupFile {
        path: path.to_path_buf(),
        reason: format!("{what}: {e}"),
    }
}

fn sqlite_error(path: &Path, what: &str, e: rusqlite::Error) -> Error {
    Error::BackupFile {
        path: path.to_path_buf(),
        reason: format!("{what}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time_and_foreign_ones_are_not_read() {
        let at = NaiveDateTime::parse_from_str("20261202T141500Z", STAMP).unwrap();
        assert_eq!(parse_name("till-20261202T141500Z.db"), Some((at, 1)));
        assert_eq!(parse_name("till-20261202T141500Z-3.db"), Some((at, 3)));
        assert_eq!(
            parse_name("till-20261202T141500Z-before-restore.db"),
            Some((at, 1))
        );
        assert_eq!(
            parse_name("till-20261202T141500Z-2-before-migration.db"),
            Some((at, 2))
        );
        for foreign in [
            "till.db",
            "till-2026.db",
            "till-20261202T141500Z.db.bak",
            "till-20261202T141500Z-1.db",
            "till-20261202T141500Z-My Copy.db",
            "notes-20261202T141500Z.db",
            ".till-backup-x.tmp",
        ] {
            assert_eq!(parse_name(foreign), None, "{foreign}");
        }
    }
}
