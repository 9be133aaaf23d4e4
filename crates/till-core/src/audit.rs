//! The audit trail: every sensitive action, written in the transaction of
//! the action itself, append-only (triggers refuse UPDATE and DELETE) and
//! hash-chained, so an entry edited outside Till is found by `audit_verify`.
//!
//! `hash` = hex(SHA-256(`prev_hash` as hex text, then the canonical JSON of
//! `{seq, at, actor, approver, action, subject, detail}`)), where canonical
//! JSON has its object keys sorted and no spaces, and `at` is the stored
//! text (RFC 3339, UTC, milliseconds). The first entry's `prev_hash` is 64
//! zeros. Each entry is also queued for the upstream as `audit.recorded`.
//! Nothing is written in single-owner mode (`Authority::audited` false).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::permissions::Authority;
use crate::roles::Permission;
use crate::store::{ts, Store};

/// The `prev_hash` of a device's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Who did it; None for the app's own work (and the first owner's
    /// creation, before anybody could sign in).
    pub actor: Option<String>,
    /// Who approved it, when the actor's role alone could not.
    pub approver: Option<String>,
    /// What was done: `refund`, `pin.failed`, `product.update` ...
    pub action: String,
    /// What it was done to: an order id, a SKU, a member's name.
    pub subject: Option<String>,
    pub detail: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// Which entries `audit_list` returns; None: any.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(default)]
pub struct AuditFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// A member's name, as actor, approver or subject (any case).
    pub staff: Option<String>,
    /// An action, or a family of them: `pin` matches `pin.failed`.
    pub action: Option<String>,
    /// At most this many, the newest.
    pub limit: Option<i64>,
}

/// What `audit_verify` found.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct AuditVerdict {
    pub ok: bool,
    pub entries: i64,
    /// The last entry's hash (the chain's head); None while there is none.
    pub head: Option<String>,
    /// The first entry whose links or hash do not match.
    pub first_bad_seq: Option<i64>,
}

/// Appends an entry in the caller's transaction, with its `audit.recorded`
/// event. Nothing in single-owner mode.
pub(crate) fn record(
    tx: &Connection,
    auth: &Authority,
    at: DateTime<Utc>,
    action: &str,
    subject: Option<&str>,
    detail: Value,
) -> Result<()> {
    if !auth.audited {
        return Ok(());
    }
    let last: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let at_text = ts(at);
    let hash = entry_hash(
        &prev_hash,
        seq,
        &at_text,
        auth.actor.as_deref(),
        auth.approver.as_deref(),
        action,
        subject,
        &detail,
    );
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor, approver, action, subject, detail, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        seq,
        at_text,
        auth.actor,
        auth.approver,
        action,
        subject,
        canonical(&detail),
        prev_hash,
        hash
    ])?;
    crate::outbox::push(
        tx,
        at,
        &till_wire::AuditRecorded {
            seq,
            at: at_text,
            actor: auth.actor.clone(),
            approver: auth.approver.clone(),
            action: action.to_string(),
            subject: subject.map(String::from),
            detail,
            prev_hash,
            hash,
        },
    )?;
    Ok(())
}

/// Records `action` in a transaction of its own, committed whatever the
/// caller does next: a wrong PIN and a lock are kept even though the
/// operation that asked for the PIN fails.
pub(crate) fn record_now(
    store: &Store,
    auth: &Authority,
    action: &str,
    subject: Option<&str>,
    detail: Value,
) -> Result<()> {
    if !auth.audited {
        return Ok(());
    }
    // Immediate, like every write: the write lock is taken at once.
    let tx = rusqlite::Transaction::new_unchecked(
        &store.conn,
        rusqlite::TransactionBehavior::Immediate,
    )?;
    record(&tx, auth, store.now(), action, subject, detail)?;
    tx.commit()?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: Option<&str>,
    approver: Option<&str>,
    action: &str,
    subject: Option<&str>,
    detail: &Value,
) -> String {
    let content = json!({
        "seq": seq,
        "at": at,
        "actor": actor,
        "approver": approver,
        "action": action,
        "subject": subject,
        "detail": detail,
    });
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(canonical(&content).as_bytes());
    hex::encode(h.finalize())
}

/// JSON with object keys sorted and no whitespace, whatever serde_json's
/// map order is in this build: the same value is always the same text.
pub fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// One stored row, as text, before it is read into an `AuditEntry`.
struct Row {
    seq: i64,
    at: String,
    actor: Option<String>,
    approver: Option<String>,
    action: String,
    subject: Option<String>,
    detail: String,
    prev_hash: String,
    hash: String,
}

const COLUMNS: &str = "seq, at, actor, approver, action, subject, detail, prev_hash, hash";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Row> {
    Ok(Row {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        approver: r.get(3)?,
        action: r.get(4)?,
        subject: r.get(5)?,
        detail: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}

fn damaged(seq: i64, column: &str, value: &str, problem: &str) -> Error {
    Error::Damaged(crate::stored::Damage::new(
        "audit_log",
        Some(seq.to_string()),
        column,
        value,
        problem,
    ))
}

impl Row {
    fn entry(self) -> Result<AuditEntry> {
        let at = DateTime::parse_from_rfc3339(&self.at)
            .map_err(|_| damaged(self.seq, "at", &self.at, "which is not an RFC 3339 time"))?
            .with_timezone(&Utc);
        let detail = serde_json::from_str(&self.detail)
            .map_err(|_| damaged(self.seq, "detail", &self.detail, "which is not JSON"))?;
        Ok(AuditEntry {
            seq: self.seq,
            at,
            actor: self.actor,
            approver: self.approver,
            action: self.action,
            subject: self.subject,
            detail,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }

    /// Whether the row's hash is its content's, chained to `prev`.
    fn matches(&self, prev: &str) -> bool {
        let Ok(detail) = serde_json::from_str::<Value>(&self.detail) else {
            return false;
        };
        self.prev_hash == prev
            && self.hash
                == entry_hash(
                    prev,
                    self.seq,
                    &self.at,
                    self.actor.as_deref(),
                    self.approver.as_deref(),
                    &self.action,
                    self.subject.as_deref(),
                    &detail,
                )
    }
}

impl Store {
    /// Audit entries, newest first, as `filter` says.
    pub fn audit_list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.require(Permission::ViewAudit)?;
        let action_prefix = filter.action.as_ref().map(|a| format!("{}.%", a.trim()));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM audit_log \
             WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2) \
               AND (?3 IS NULL OR actor = ?3 COLLATE NOCASE OR approver = ?3 COLLATE NOCASE \
                    OR subject = ?3 COLLATE NOCASE) \
               AND (?4 IS NULL OR action = ?4 OR action LIKE ?5) \
             ORDER BY seq DESC LIMIT ?6"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    filter.from.map(ts),
                    filter.to.map(ts),
                    filter.staff.as_deref().map(str::trim),
                    filter.action.as_deref().map(str::trim),
                    action_prefix,
                    filter.limit.unwrap_or(-1),
                ],
                row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(Row::entry).collect()
    }

    /// Recomputes the whole chain from the first entry; names the first
    /// entry whose sequence, link or hash does not match.
    pub fn audit_verify(&self) -> Result<AuditVerdict> {
        self.require(Permission::ViewAudit)?;
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"))?;
        let mut rows = stmt.query([])?;
        let mut prev = GENESIS.to_string();
        let mut entries = 0i64;
        let mut first_bad = None;
        while let Some(r) = rows.next()? {
            entries += 1;
            // `seq` is the rowid, always an integer; any other column an
            // outside edit gave another type (a number for the time, say)
            // breaks the chain there, as a changed text does.
            let seq: i64 = r.get(0)?;
            let Ok(read) = row(r) else {
                first_bad.get_or_insert(seq);
                prev = r.get(8).unwrap_or_default();
                continue;
            };
            let r = read;
            if first_bad.is_none() && (r.seq != entries || !r.matches(&prev)) {
                first_bad = Some(r.seq);
            }
            prev = r.hash;
        }
        Ok(AuditVerdict {
            ok: first_bad.is_none(),
            entries,
            head: (entries > 0).then_some(prev),
            first_bad_seq: first_bad,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let v = json!({"b": 1, "a": {"d": [1, {"z": null, "y": "é\""}], "c": true}});
        assert_eq!(
            canonical(&v),
            r#"{"a":{"c":true,"d":[1,{"y":"é\"","z":null}]},"b":1}"#
        );
    }

    #[test]
    fn the_hash_is_sha256_of_the_previous_hash_and_the_content() {
        let h = entry_hash(
            GENESIS,
            1,
            "2026-01-01T00:00:00.000Z",
            Some("Ana"),
            None,
            "refund",
            Some("o1"),
            &json!({}),
        );
        let mut d = Sha256::new();
        d.update(GENESIS.as_bytes());
        d.update(
            br#"{"action":"refund","actor":"Ana","approver":null,"at":"2026-01-01T00:00:00.000Z","detail":{},"seq":1,"subject":"o1"}"#,
        );
        assert_eq!(h, hex::encode(d.finalize()));
    }
}
