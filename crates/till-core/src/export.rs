//! `till export all`: every table of the shop's data as CSV, with a
//! manifest, so the owner can take their data anywhere.
//!
//! * One file per table, `TABLE.csv`, its header the column names in the
//!   table's order, its rows in primary-key order (rowid order for a table
//!   without one), so two exports of the same store are byte for byte the
//!   same.
//! * Values exactly as stored: integers as integers, text as text (money
//!   and decimals are text in the store, so they stay exact), a real in
//!   Rust's shortest form that reads back to the same number.
//! * NULL is an empty field without quotes; empty text is `""` (the
//!   convention of PostgreSQL's `COPY … CSV`), so the two stay apart. A
//!   field is quoted when it is empty text or holds a comma, a quote, a
//!   carriage return or a line feed; a quote inside is doubled (RFC 4180).
//!   Lines end with `\n`.
//! * A BLOB (a receipt logo, a print job's bytes) is lowercase hex.
//! * Secrets stay out: the `pin_hash` column of `staff` is dropped (the
//!   file has no such column). The mail server's password and the sync
//!   token are never in the store (OS keyring).
//! * Every file is written whole or not at all (a temporary file in the
//!   folder, synced, renamed over the target); `manifest.json` is written
//!   last, so a folder with a manifest holds a complete export.
//!
//! All tables are read in one read transaction, so every file shows the
//! same instant while other processes keep selling. The export is audited
//! (`data.export`) after the reads and before the manifest: an export that
//! has its manifest always has its audit entry.
//!
//! The quoting is written here rather than by the `csv` crate: that
//! crate's writer cannot quote one empty field and leave another bare, and
//! the difference between NULL and empty text is the point. Any CSV reader
//! (the `csv` crate in the tests) reads the files.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::roles::Permission;
use crate::store::{ts, Store};

/// Tables that are not exported, and why. Only internals and values that
/// are worked out from the rest; everything the shop wrote is exported.
const SKIPPED_TABLES: &[(&str, &str)] = &[
    // SQLite's own bookkeeping of AUTOINCREMENT (any `sqlite_` table).
    ("sqlite_*", "SQLite's internal tables"),
    // The reports' summaries, worked out again from orders and refunds.
    ("report_rollup", "a cache derived from orders and refunds"),
    ("report_state", "a cache derived from orders and refunds"),
];

/// Columns left out of their table's file: secrets.
const SKIPPED_COLUMNS: &[(&str, &str, &str)] =
    &[("staff", "pin_hash", "a secret (a staff member's PIN hash)")];

/// The name of the manifest in the export folder.
pub const MANIFEST: &str = "manifest.json";

/// What `export_all` wrote: `manifest.json`'s content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportManifest {
    pub tables: Vec<ExportedTable>,
    /// The store's clock when the export was made (RFC 3339).
    pub exported_at: String,
    /// The store's schema version: the number of the latest migration
    /// applied (SQLite's `user_version`).
    pub schema_version: i64,
    /// Tables and columns not exported, with the reason.
    pub left_out: Vec<LeftOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedTable {
    pub table: String,
    /// The file's name inside the export folder.
    pub file: String,
    pub columns: Vec<String>,
    pub rows: u64,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOut {
    /// A table (`report_rollup`, `sqlite_*`) or a column (`staff.pin_hash`).
    pub what: String,
    pub why: String,
}

impl Store {
    /// Writes every table of the shop's data into `dir` as CSV, then
    /// `manifest.json`. `dir` is made when missing; files of an earlier
    /// export there are replaced. Needs `Permission::Export` (the owner).
    pub fn export_all(&self, dir: &Path) -> Result<ExportManifest> {
        let auth = self.require(Permission::Export)?;
        prepare_folder(dir)?;
        let exported_at = ts(self.now());
        // One snapshot for every file: a deferred transaction's first read
        // fixes what all the later reads see (WAL), and writers elsewhere
        // carry on meanwhile. Nothing is written in it.
        let (tables, schema_version) = {
            let tx = self.conn.unchecked_transaction()?;
            let schema_version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let names = table_names(&tx)?;
            let mut tables = Vec::with_capacity(names.len());
            for name in names {
                tables.push(export_table(&tx, &name, dir)?);
            }
            tx.commit()?;
            (tables, schema_version)
        };
        crate::audit::record_now(
            self,
            &auth,
            "data.export",
            None,
            serde_json::json!({
                "tables": tables.len(),
                "rows": tables.iter().map(|t| t.rows).sum::<u64>(),
            }),
        )?;
        let manifest = ExportManifest {
            tables,
            exported_at,
            schema_version,
            left_out: SKIPPED_TABLES
                .iter()
                .map(|(t, why)| LeftOut {
                    what: t.to_string(),
                    why: why.to_string(),
                })
                .chain(SKIPPED_COLUMNS.iter().map(|(t, c, why)| LeftOut {
                    what: format!("{t}.{c}"),
                    why: why.to_string(),
                }))
                .collect(),
        };
        let mut text = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| Error::Internal(format!("the manifest: {e}")))?;
        text.push(b'\n');
        crate::save::save_file(&dir.join(MANIFEST), &text)?;
        Ok(manifest)
    }
}

fn unwritable(dir: &Path, reason: impl Into<String>) -> Error {
    Error::FileWrite {
        path: dir.to_path_buf(),
        reason: reason.into(),
    }
}

/// `dir` as a folder to write in: made when missing, refused when it is a
/// file.
fn prepare_folder(dir: &Path) -> Result<()> {
    if dir.as_os_str().is_empty() {
        return Err(unwritable(dir, "no folder given"));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(unwritable(dir, "it is a file, not a folder"));
    }
    std::fs::create_dir_all(dir).map_err(|e| unwritable(dir, e.to_string()))
}

/// The tables to export, by name (so the files come in a fixed order).
fn table_names(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names
        .into_iter()
        .filter(|n| !SKIPPED_TABLES.iter().any(|(t, _)| t == n))
        .collect())
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Writes one table into `dir/TABLE.csv` (whole or not at all).
fn export_table(conn: &Connection, table: &str, dir: &Path) -> Result<ExportedTable> {
    // Names become file names: only Till's own kind of name is taken.
    if table.is_empty() || !table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::Internal(format!(
            "the table {table:?} has a name Till does not write as a file name"
        )));
    }
    // (name, position in the primary key; 0 = not part of it)
    let info: Vec<(String, i64)> = conn
        .prepare(&format!("PRAGMA table_info({})", quote_ident(table)))?
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let columns: Vec<String> = info
        .iter()
        .map(|(c, _)| c.clone())
        .filter(|c| {
            !SKIPPED_COLUMNS
                .iter()
                .any(|(t, skip, _)| *t == table && skip == c)
        })
        .collect();
    let mut key: Vec<&(String, i64)> = info.iter().filter(|(_, pk)| *pk > 0).collect();
    key.sort_by_key(|(_, pk)| *pk);
    let order = if key.is_empty() {
        // A rowid table without a declared key (a WITHOUT ROWID table
        // always has one).
        "rowid".to_string()
    } else {
        key.iter()
            .map(|(c, _)| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let select = format!(
        "SELECT {} FROM {} ORDER BY {order}",
        columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", "),
        quote_ident(table)
    );
    let file = format!("{table}.csv");
    let path = dir.join(&file);
    let mut out = Output::create(dir, &path)?;
    for (i, c) in columns.iter().enumerate() {
        out.field(i, Field::Text(c));
    }
    out.end_record()?;
    let mut stmt = conn.prepare(&select)?;
    let mut rows = stmt.query([])?;
    let mut count = 0u64;
    while let Some(row) = rows.next()? {
        for (i, column) in columns.iter().enumerate() {
            let field = match row.get_ref(i)? {
                ValueRef::Null => Field::Null,
                ValueRef::Integer(n) => Field::Plain(n.to_string()),
                ValueRef::Real(x) => Field::Plain(x.to_string()),
                ValueRef::Text(t) => Field::Text(std::str::from_utf8(t).map_err(|_| {
                    Error::Internal(format!("{table}.{column}: a text value that is not UTF-8"))
                })?),
                ValueRef::Blob(b) => Field::Plain(hex::encode(b)),
            };
            out.field(i, field);
        }
        out.end_record()?;
        count += 1;
    }
    let sha256 = out.finish()?;
    Ok(ExportedTable {
        table: table.to_string(),
        file,
        columns,
        rows: count,
        sha256,
    })
}

/// One CSV field as written.
enum Field<'a> {
    Null,
    Text(&'a str),
    /// Digits or hex: never empty, never quoted.
    Plain(String),
}

/// Appends field number `i` of a record to `line`.
fn encode(line: &mut Vec<u8>, i: usize, field: Field<'_>) {
    if i > 0 {
        line.push(b',');
    }
    match field {
        Field::Null => {}
        Field::Text(s) => write_text(line, s),
        Field::Plain(s) => write_text(line, &s),
    }
}

/// A file being written: a temporary file beside its target, hashed as it
/// is written, renamed over the target when whole.
struct Output {
    path: PathBuf,
    file: std::io::BufWriter<tempfile::NamedTempFile>,
    hash: Sha256,
    line: Vec<u8>,
}

impl Output {
    fn create(dir: &Path, path: &Path) -> Result<Output> {
        let tmp = tempfile::Builder::new()
            .prefix(".till-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| unwritable(dir, format!("cannot write in it: {e}")))?;
        // A temporary file is private (0600); the export reads as any
        // document the user saves.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(|e| unwritable(path, e.to_string()))?;
        }
        Ok(Output {
            path: path.to_path_buf(),
            file: std::io::BufWriter::with_capacity(1 << 16, tmp),
            hash: Sha256::new(),
            line: Vec::with_capacity(256),
        })
    }

    fn field(&mut self, i: usize, field: Field<'_>) {
        encode(&mut self.line, i, field);
    }

    fn end_record(&mut self) -> Result<()> {
        self.line.push(b'\n');
        self.hash.update(&self.line);
        let written = self.file.write_all(&self.line);
        self.line.clear();
        written.map_err(|e| unwritable(&self.path, e.to_string()))
    }

    /// Syncs and renames the file over its target; returns its SHA-256.
    fn finish(self) -> Result<String> {
        let path = self.path;
        let fail = |e: String| unwritable(&path, e);
        let tmp = self.file.into_inner().map_err(|e| fail(e.to_string()))?;
        tmp.as_file().sync_all().map_err(|e| fail(e.to_string()))?;
        tmp.persist(&path).map_err(|e| fail(e.error.to_string()))?;
        Ok(hex::encode(self.hash.finalize()))
    }
}

/// A text field: quoted when empty or when it holds a comma, a quote or a
/// line break, with quotes doubled.
fn write_text(out: &mut Vec<u8>, s: &str) {
    if s.is_empty() || s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(fields: Vec<Field<'_>>) -> String {
        let mut out = Vec::new();
        for (i, f) in fields.into_iter().enumerate() {
            encode(&mut out, i, f);
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn null_and_empty_text_differ() {
        assert_eq!(
            line(vec![
                Field::Null,
                Field::Text(""),
                Field::Text("a,b"),
                Field::Text("say \"hi\""),
                Field::Plain("0a".into())
            ]),
            ",\"\",\"a,b\",\"say \"\"hi\"\"\",0a"
        );
        assert_eq!(line(vec![Field::Text("x\ny")]), "\"x\ny\"");
    }
}
