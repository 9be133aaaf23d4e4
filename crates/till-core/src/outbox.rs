//! The outbox: events for the upstream, written in the same transaction as
//! the change they describe, so an event exists exactly when its change does.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::{ts, Store};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEvent {
    pub id: String,
    pub seq: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub occurred_at: String,
    pub payload: serde_json::Value,
}

/// Appends an event inside the caller's transaction.
pub(crate) fn push(conn: &Connection, kind: &str, at: DateTime<Utc>, payload: serde_json::Value) -> Result<()> {
    conn.prepare_cached("INSERT INTO outbox (id, type, occurred_at, payload) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![uuid::Uuid::now_v7().to_string(), kind, ts(at), payload.to_string()])?;
    Ok(())
}

impl Store {
    /// Events not yet delivered, oldest first.
    pub fn pending_events(&self, limit: usize) -> Result<Vec<OutboxEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, seq, type, occurred_at, payload FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            let payload: String = r.get(4)?;
            Ok(OutboxEvent {
                id: r.get(0)?,
                seq: r.get(1)?,
                kind: r.get(2)?,
                occurred_at: r.get(3)?,
                payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn pending_event_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL", [], |r| r.get(0))?)
    }
}
