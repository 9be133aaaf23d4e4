//! The outbox: events for the upstream, written in the same transaction as
//! the change they describe, so an event exists exactly when its change does.
//! Delivery state (sent, dead letter, discarded) and the sync status shown
//! to the owner live here too; the sending itself is `till-sync`'s.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use till_wire::{Payload, Rejection};

use crate::error::{Error, Result};
use crate::roles::Permission;
use crate::store::{ts, Store};

/// An event as it goes to the upstream: the wire format's (`till_wire`).
pub type OutboxEvent = till_wire::Event;

/// An event the upstream refused, waiting for the owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct DeadLetter {
    pub id: String,
    pub seq: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub occurred_at: String,
    pub reason: String,
    pub dead_at: String,
    pub payload: serde_json::Value,
}

/// Where syncing stands, in one word: what the window's status bar shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// No upstream is set up.
    Off,
    /// The upstream refused the token: syncing waits for a new login.
    Refused,
    /// The last attempt did not reach the upstream.
    Offline,
    /// The upstream answers and events wait to be sent.
    Syncing,
    /// Nothing waits to be sent (or nothing was ever tried: nothing waited).
    Synced,
}

/// What the owner sees about syncing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SyncStatus {
    /// The flags and counts below, in one word.
    pub state: SyncState,
    pub endpoint: Option<String>,
    pub pending: i64,
    pub dead: i64,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    pub last_attempt: Option<String>,
    /// True while the last attempt reached the upstream.
    pub connected: bool,
    /// True when the upstream refused the token: syncing waits for a new login.
    pub auth_failed: bool,
}

/// Appends an event inside the caller's transaction. The payload's type
/// decides the event's type, so the two always agree.
pub(crate) fn push<P: Payload>(conn: &Connection, at: DateTime<Utc>, payload: &P) -> Result<()> {
    let payload = serde_json::to_string(payload)
        .map_err(|e| Error::Internal(format!("cannot encode a {} event: {e}", P::KIND)))?;
    conn.prepare_cached(
        "INSERT INTO outbox (id, type, occurred_at, payload) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        P::KIND.as_str(),
        ts(at),
        payload
    ])?;
    Ok(())
}

fn event_from_row(r: &rusqlite::Row) -> rusqlite::Result<OutboxEvent> {
    Ok(OutboxEvent {
        id: r.get(0)?,
        seq: r.get(1)?,
        kind: r.get(2)?,
        occurred_at: r.get(3)?,
        payload: crate::stored::parse_with(r, 4, parse_payload)?,
    })
}

pub(crate) fn parse_payload(text: &str) -> std::result::Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| format!("which is not JSON ({e})"))
}

const PENDING: &str = "sent_at IS NULL AND dead_at IS NULL AND discarded_at IS NULL";

/// Records the upstream's answer to one batch inside the caller's
/// transaction: accepted events are sent, rejected ones dead letters (with
/// the upstream's reason). What a rejection asks of the rest of the store
/// (a new referral code) is the caller's (`delivery`).
pub(crate) fn mark_delivered(
    conn: &Connection,
    at: DateTime<Utc>,
    accepted: &[String],
    rejected: &[Rejection],
) -> Result<()> {
    let now = ts(at);
    let mut sent = conn.prepare_cached(
        "UPDATE outbox SET sent_at = ?1, attempts = attempts + 1 WHERE id = ?2 AND sent_at IS NULL",
    )?;
    for id in accepted {
        sent.execute(params![now, id])?;
    }
    let mut dead = conn.prepare_cached(
        "UPDATE outbox SET dead_at = ?1, dead_reason = ?2, attempts = attempts + 1 WHERE id = ?3 AND sent_at IS NULL",
    )?;
    for r in rejected {
        dead.execute(params![now, r.reason, r.id])?;
    }
    Ok(())
}

/// The payload of event `id` read as `P`, when the event is of `P`'s kind;
/// none when there is no such event or it is of another kind. A payload
/// that cannot be read as `P` is damage.
pub(crate) fn payload_of<P: Payload>(conn: &Connection, id: &str) -> Result<Option<P>> {
    Ok(conn
        .query_row(
            "SELECT seq, payload FROM outbox WHERE id = ?1 AND type = ?2",
            params![id, P::KIND.as_str()],
            |r| {
                crate::stored::parse_with(r, 1, |s| {
                    serde_json::from_str::<P>(s)
                        .map_err(|e| format!("which is not a {} payload ({e})", P::KIND))
                })
            },
        )
        .optional()?)
}

/// Files event `id` as settled without delivery (kept, marked discarded).
pub(crate) fn discard(conn: &Connection, at: DateTime<Utc>, id: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET discarded_at = ?1 WHERE id = ?2",
        params![ts(at), id],
    )?;
    Ok(())
}

impl Store {
    /// Events not yet delivered (and not dead letters), oldest first. An
    /// event whose payload cannot be read stops the read with `Damaged`
    /// (naming the outbox row): it is neither sent as something it is not,
    /// nor skipped (the events behind it wait until it is repaired).
    pub fn pending_events(&self, limit: usize) -> Result<Vec<OutboxEvent>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, seq, type, occurred_at, payload FROM outbox WHERE {PENDING} ORDER BY seq LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], event_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn pending_event_count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            &format!("SELECT COUNT(*) FROM outbox WHERE {PENDING}"),
            [],
            |r| r.get(0),
        )?)
    }

    pub fn dead_letters(&self) -> Result<Vec<DeadLetter>> {
        self.require(Permission::SyncLogin)?;
        let mut stmt = self.conn.prepare(
            "SELECT id, seq, type, occurred_at, payload, dead_reason, dead_at FROM outbox
             WHERE dead_at IS NOT NULL AND discarded_at IS NULL AND sent_at IS NULL ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DeadLetter {
                id: r.get(0)?,
                seq: r.get(1)?,
                kind: r.get(2)?,
                occurred_at: r.get(3)?,
                payload: crate::stored::parse_with(r, 4, parse_payload)?,
                reason: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                dead_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn dead_letter_exists(&self, id: &str) -> Result<()> {
        let found = self
            .conn
            .query_row("SELECT 1 FROM outbox WHERE id = ?1 AND dead_at IS NOT NULL AND discarded_at IS NULL AND sent_at IS NULL", [id], |_| Ok(()))
            .optional()?;
        found.ok_or_else(|| Error::not_found("dead letter", id))
    }

    /// Puts a dead letter back in the queue (after the cause was fixed upstream).
    pub fn retry_dead_letter(&mut self, id: &str) -> Result<()> {
        self.require(Permission::SyncLogin)?;
        self.dead_letter_exists(id)?;
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE outbox SET dead_at = NULL, dead_reason = NULL WHERE id = ?1",
            [id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Gives up on a dead letter. The event stays in the outbox, marked
    /// discarded, so the history of what was never delivered is kept.
    pub fn discard_dead_letter(&mut self, id: &str) -> Result<()> {
        self.require(Permission::SyncLogin)?;
        self.dead_letter_exists(id)?;
        let now = ts(self.now());
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE outbox SET discarded_at = ?1 WHERE id = ?2",
            params![now, id],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn sync_get(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Sets (or with `None` clears) sync status fields in one transaction.
    pub fn set_sync_state(&mut self, values: &[(&str, Option<&str>)]) -> Result<()> {
        let tx = self.write_tx()?;
        for (k, v) in values {
            match v {
                Some(v) => tx.execute(
                    "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![k, v],
                )?,
                None => tx.execute("DELETE FROM sync_state WHERE key = ?1", [k])?,
            };
        }
        tx.commit()?;
        Ok(())
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        let dead: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE dead_at IS NOT NULL AND discarded_at IS NULL AND sent_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        let endpoint = self.sync_get("endpoint")?;
        let pending = self.pending_event_count()?;
        let last_attempt = self.sync_get("last_attempt")?;
        let connected = self.sync_get("connected")?.as_deref() == Some("true");
        let auth_failed = self.sync_get("auth_failed")?.as_deref() == Some("true");
        let state = if endpoint.is_none() {
            SyncState::Off
        } else if auth_failed {
            SyncState::Refused
        } else if !connected {
            // The task calls the upstream only when there is something to
            // send: set up, never tried and nothing waiting is in sync.
            if pending == 0 && last_attempt.is_none() {
                SyncState::Synced
            } else {
                SyncState::Offline
            }
        } else if pending > 0 {
            SyncState::Syncing
        } else {
            SyncState::Synced
        };
        Ok(SyncStatus {
            state,
            endpoint,
            pending,
            dead,
            last_success: self.sync_get("last_success")?,
            last_error: self.sync_get("last_error")?,
            last_attempt,
            connected,
            auth_failed,
        })
    }
}
