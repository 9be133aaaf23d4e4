//! Batches: decoding the body, validating the batch and each event, and
//! storing the valid events in one transaction.
//!
//! Validation is strict enough that PostgreSQL never refuses a row we send:
//! a value the database would reject (a NUL in a JSON string, an order id too
//! long for the index, a total that is not a number) makes *that event*
//! rejected, instead of failing the whole batch with a 500 the client would
//! retry forever.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Read;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use till_wire::{BatchRequest, EventKind, RejectCode};
use uuid::Uuid;

use crate::auth::MAX_STORE_ID_LEN;
use crate::error::ApiError;

pub use till_wire::{BatchResponse, Rejection};

/// The start of the reason given for a referral code another device of the
/// store already holds. Devices act on the code `duplicate_referral_code`;
/// devices from before codes match on these words, so they stay.
pub const DUPLICATE_CODE: &str = "duplicate referral code";
/// Longest referral code.
const MAX_CODE_LEN: usize = 64;

/// Longest `device_id` (stored as text on every event).
pub const MAX_DEVICE_ID_LEN: usize = 200;
/// Longest `order_id` of an `order.completed` payload (part of a primary key;
/// PostgreSQL refuses index entries over ~2.7 kB).
pub const MAX_ORDER_ID_LEN: usize = 200;
/// Longest decimal string accepted for a total.
const MAX_DECIMAL_LEN: usize = 64;
/// How much of a client's value is quoted back in a rejection reason.
const QUOTE_LEN: usize = 80;

/// Size limits of a batch. The defaults are the protocol's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Body bytes as received (compressed): 2 MiB.
    pub max_body_bytes: usize,
    /// Body bytes after gzip decompression: 8 MiB. Decompression stops there.
    pub max_json_bytes: usize,
    /// Events in one batch: 1,000.
    pub max_events: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 2 * 1024 * 1024,
            max_json_bytes: 8 * 1024 * 1024,
            max_events: 1000,
        }
    }
}

/// The request's `Content-Encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
}

/// A valid event, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidEvent {
    /// The id as the client sent it (answered back verbatim).
    pub id_text: String,
    pub id: Uuid,
    pub seq: i64,
    pub kind: EventKind,
    pub occurred_at: DateTime<Utc>,
    pub payload: Value,
    /// For `order.completed`: the `orders` row it projects to.
    pub order: Option<OrderRow>,
    /// For `referral.code_created`: the code it claims.
    pub code: Option<String>,
    /// For `audit.recorded`: where the entry sits in the device's chain.
    pub audit: Option<AuditLink>,
}

/// An audit entry's place in its device's hash chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLink {
    pub seq: i64,
    /// Lowercase hex SHA-256 of the device's previous entry.
    pub prev_hash: String,
    /// Lowercase hex SHA-256 of this entry.
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderRow {
    pub order_id: String,
    pub number: Option<String>,
    /// A validated decimal string, cast to NUMERIC by PostgreSQL.
    pub total: String,
    pub currency: Option<String>,
}

/// A parsed, authorised batch: its valid events and its rejections.
#[derive(Debug)]
pub struct Batch {
    pub device_id: String,
    pub store_id: String,
    pub batch_id: Uuid,
    /// How many events the body held.
    pub events: usize,
    pub valid: Vec<ValidEvent>,
    pub rejected: Vec<Rejection>,
}

impl Batch {
    /// The ids to answer as accepted once `valid` is committed: each id
    /// text once, in batch order.
    pub fn accepted_ids(&self) -> Vec<String> {
        let mut seen = HashSet::with_capacity(self.valid.len());
        self.valid
            .iter()
            .filter(|e| seen.insert(e.id_text.as_str()))
            .map(|e| e.id_text.clone())
            .collect()
    }
}

/// The body of the benchmark's one-event endpoint (`POST /v1/events`).
#[derive(Deserialize)]
struct SingleIn {
    device_id: String,
    store_id: String,
    event: Value,
}

/// The body as JSON bytes: gunzipped with a hard limit (a gzip bomb is cut
/// off after `limit` bytes and answered 413), or as is.
pub fn decode_body(
    body: &[u8],
    encoding: Encoding,
    limit: usize,
) -> Result<Cow<'_, [u8]>, ApiError> {
    match encoding {
        Encoding::Identity if body.len() > limit => Err(too_large_json(limit)),
        Encoding::Identity => Ok(Cow::Borrowed(body)),
        Encoding::Gzip => gunzip_limited(body, limit).map(Cow::Owned),
    }
}

fn too_large_json(limit: usize) -> ApiError {
    ApiError::TooLarge(format!(
        "the decompressed batch is over {limit} bytes; send fewer events per batch"
    ))
}

/// Decompresses at most `limit` bytes: reads one byte past the limit to
/// tell "exactly at the limit" from "over", and never more, whatever the
/// compressed data claims. Memory stays within about twice `limit`.
pub fn gunzip_limited(data: &[u8], limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(limit) + 1);
    // Multi-member: a concatenation of gzip streams is one valid gzip body.
    let mut reader = flate2::read::MultiGzDecoder::new(data).take(limit as u64 + 1);
    if let Err(e) = reader.read_to_end(&mut out) {
        if out.len() > limit {
            return Err(too_large_json(limit));
        }
        return Err(ApiError::BadRequest(format!(
            "the body is not valid gzip: {e}"
        )));
    }
    if out.len() > limit {
        return Err(too_large_json(limit));
    }
    Ok(out)
}

/// Checks the batch-level fields common to both endpoints.
pub fn check_sender(device_id: &str, store_id: &str, token_store: &str) -> Result<(), ApiError> {
    if store_id != token_store {
        return Err(ApiError::Forbidden(quote(store_id)));
    }
    if store_id.is_empty() || store_id.len() > MAX_STORE_ID_LEN {
        // Unreachable for a real device (its store was checked at `device add`).
        return Err(ApiError::BadRequest(
            "store_id: must be a non-empty string".into(),
        ));
    }
    if device_id.is_empty() || device_id.len() > MAX_DEVICE_ID_LEN || device_id.contains('\0') {
        return Err(ApiError::BadRequest(format!(
            "device_id: must be a non-empty string of at most {MAX_DEVICE_ID_LEN} bytes"
        )));
    }
    Ok(())
}

/// Parses and validates a batch (already decompressed) sent with a token
/// for `token_store`. Errors are whole-batch answers (400, 403, 413); bad
/// events are not errors but entries of `Batch::rejected`.
pub fn parse_batch(
    json: &[u8],
    token_store: &str,
    idempotency_key: Option<&str>,
    limits: &Limits,
) -> Result<Batch, ApiError> {
    // Each event as raw JSON: one bad event is rejected on its own.
    let batch: BatchRequest<Value> = serde_json::from_slice(json)
        .map_err(|e| ApiError::BadRequest(format!("not a valid batch: {e}")))?;
    check_sender(&batch.device_id, &batch.store_id, token_store)?;
    let batch_id = Uuid::parse_str(&batch.batch_id).map_err(|_| {
        ApiError::BadRequest(format!(
            "batch_id: {} is not a UUID",
            quote(&batch.batch_id)
        ))
    })?;
    if let Some(key) = idempotency_key {
        if Uuid::parse_str(key.trim()).ok() != Some(batch_id) {
            return Err(ApiError::BadRequest(
                "the Idempotency-Key header must be the batch_id of the body".into(),
            ));
        }
    }
    if batch.events.len() > limits.max_events {
        return Err(ApiError::TooLarge(format!(
            "the batch holds {} events, more than {}; send fewer events per batch",
            batch.events.len(),
            limits.max_events
        )));
    }
    let events = batch.events.len();
    let mut valid = Vec::with_capacity(events);
    let mut rejected = Vec::new();
    for event in batch.events {
        match validate_event(event) {
            Ok(e) => valid.push(e),
            Err(r) => rejected.push(r),
        }
    }
    Ok(Batch {
        device_id: batch.device_id,
        store_id: batch.store_id,
        batch_id,
        events,
        valid,
        rejected,
    })
}

/// Parses and validates the body of the one-event baseline endpoint
/// (`{"device_id", "store_id", "event"}`) as a batch of that one event,
/// with the same checks as [`parse_batch`], so it is stored the same way.
pub fn parse_single(json: &[u8], token_store: &str) -> Result<Batch, ApiError> {
    let single: SingleIn = serde_json::from_slice(json)
        .map_err(|e| ApiError::BadRequest(format!("not a valid event: {e}")))?;
    check_sender(&single.device_id, &single.store_id, token_store)?;
    let (valid, rejected) = match validate_event(single.event) {
        Ok(e) => (vec![e], vec![]),
        Err(r) => (vec![], vec![r]),
    };
    Ok(Batch {
        device_id: single.device_id,
        store_id: single.store_id,
        // Each request is its own batch for the events' batch_id column.
        batch_id: Uuid::now_v7(),
        events: 1,
        valid,
        rejected,
    })
}

/// Validates one event on its own: any problem rejects this event only.
pub fn validate_event(event: Value) -> Result<ValidEvent, Rejection> {
    let Value::Object(mut map) = event else {
        return Err(Rejection::new(
            "",
            RejectCode::NotAnObject,
            "the event is not a JSON object",
        ));
    };
    let id_text = match map.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let reject = |code: RejectCode, reason: String| Rejection::new(id_text.clone(), code, reason);

    let id = match map.get("id") {
        Some(Value::String(s)) => Uuid::parse_str(s).map_err(|_| {
            reject(
                RejectCode::InvalidId,
                format!("id: {} is not a UUID", quote(s)),
            )
        })?,
        Some(_) => {
            return Err(reject(
                RejectCode::InvalidId,
                "id: must be a string holding a UUID".into(),
            ))
        }
        None => return Err(reject(RejectCode::InvalidId, "id: missing".into())),
    };
    let seq = match map.get("seq") {
        Some(Value::Number(n)) => n.as_i64().filter(|s| *s >= 1),
        _ => None,
    }
    .ok_or_else(|| {
        reject(
            RejectCode::InvalidSeq,
            "seq: must be an integer >= 1".into(),
        )
    })?;
    let kind = match map.get("type") {
        Some(Value::String(t)) => t.parse::<EventKind>().map_err(|_| {
            let known: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
            reject(
                RejectCode::UnknownType,
                format!(
                    "type: unknown event type {} (known: {})",
                    quote(t),
                    known.join(", ")
                ),
            )
        })?,
        _ => {
            return Err(reject(
                RejectCode::UnknownType,
                "type: missing or not a string".into(),
            ))
        }
    };
    let occurred_at = match map.get("occurred_at") {
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                reject(
                    RejectCode::InvalidOccurredAt,
                    format!(
                        "occurred_at: {} is not an RFC 3339 time (e.g. 2026-11-25T17:03:12.123Z)",
                        quote(s)
                    ),
                )
            })?,
        _ => {
            return Err(reject(
                RejectCode::InvalidOccurredAt,
                "occurred_at: missing or not a string (RFC 3339)".into(),
            ))
        }
    };
    let payload = match map.remove("payload") {
        Some(p @ Value::Object(_)) => p,
        _ => {
            return Err(reject(
                RejectCode::InvalidPayload,
                "payload: missing or not a JSON object".into(),
            ))
        }
    };
    if has_nul(&payload) {
        return Err(reject(
            RejectCode::NulCharacter,
            "payload: contains a NUL character (\\u0000), which cannot be stored".into(),
        ));
    }
    let order = if kind == EventKind::OrderCompleted {
        Some(order_row(&payload).map_err(|(code, reason)| reject(code, reason))?)
    } else {
        None
    };
    let code = if kind == EventKind::ReferralCodeCreated {
        match payload.get("code") {
            Some(Value::String(c)) if !c.is_empty() && c.len() <= MAX_CODE_LEN => Some(c.clone()),
            Some(Value::String(c)) => {
                return Err(reject(
                    RejectCode::InvalidReferralCode,
                    format!(
                        "payload.code: {} must be 1 to {MAX_CODE_LEN} characters",
                        quote(c)
                    ),
                ))
            }
            _ => {
                return Err(reject(
                    RejectCode::InvalidReferralCode,
                    "payload.code: missing or not a string".into(),
                ))
            }
        }
    } else {
        None
    };
    let audit = if kind == EventKind::AuditRecorded {
        Some(audit_link(&payload).map_err(|reason| reject(RejectCode::InvalidPayload, reason))?)
    } else {
        None
    };
    Ok(ValidEvent {
        id_text,
        id,
        seq,
        kind,
        occurred_at,
        payload,
        order,
        code,
        audit,
    })
}

/// The chain fields of an `audit.recorded` payload: a `seq` of at least 1
/// and two hashes of 64 lowercase hex digits.
fn audit_link(payload: &Value) -> Result<AuditLink, String> {
    let seq = payload
        .get("seq")
        .and_then(Value::as_i64)
        .filter(|s| *s >= 1)
        .ok_or_else(|| "payload.seq: must be an integer >= 1".to_string())?;
    let hash = |name: &str| match payload.get(name) {
        Some(Value::String(h)) if is_sha256_hex(h) => Ok(h.clone()),
        _ => Err(format!(
            "payload.{name}: must be a SHA-256 in 64 lowercase hex digits"
        )),
    };
    Ok(AuditLink {
        seq,
        prev_hash: hash("prev_hash")?,
        hash: hash("hash")?,
    })
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn order_row(payload: &Value) -> Result<OrderRow, (RejectCode, String)> {
    let order_id = match payload.get("order_id") {
        Some(Value::String(s)) if !s.is_empty() && s.len() <= MAX_ORDER_ID_LEN => s.clone(),
        _ => {
            return Err((
                RejectCode::InvalidOrderId,
                format!(
                "payload.order_id: must be a non-empty string of at most {MAX_ORDER_ID_LEN} bytes"
            ),
            ))
        }
    };
    let total = match payload.get("total") {
        Some(Value::String(s)) if is_decimal(s) => s.clone(),
        _ => {
            return Err((
                RejectCode::InvalidTotal,
                "payload.total: must be a decimal string such as \"57.50\"".into(),
            ))
        }
    };
    let number = match payload.get("number") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let currency = payload
        .get("currency")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(OrderRow {
        order_id,
        number,
        total,
        currency,
    })
}

/// `-?digits(.digits)?`: what PostgreSQL's NUMERIC takes and money is sent as.
pub fn is_decimal(s: &str) -> bool {
    if s.is_empty() || s.len() > MAX_DECIMAL_LEN {
        return false;
    }
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// True if a string or key anywhere in `v` holds U+0000 (JSONB refuses it).
fn has_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(a) => a.iter().any(has_nul),
        Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// A client's string, quoted and cut for an error message.
fn quote(s: &str) -> String {
    if s.chars().count() <= QUOTE_LEN {
        format!("{s:?}")
    } else {
        format!("{:?}…", s.chars().take(QUOTE_LEN).collect::<String>())
    }
}

/// Rows written by a batch, and the events refused while storing it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stored {
    pub events: u64,
    pub orders: u64,
    /// Referral codes another event of the store already holds, and audit
    /// entries that do not continue their device's chain.
    pub rejected: Vec<Rejection>,
}

/// Makes sure the device has a chain head row, so it can be locked.
const AUDIT_HEAD_ENSURE: &str = "
    INSERT INTO audit_heads (store_id, device_id, seq, hash)
    VALUES ($1, $2, 0, $3)
    ON CONFLICT (store_id, device_id) DO NOTHING";

const AUDIT_HEAD_LOCK: &str = "
    SELECT seq, hash FROM audit_heads WHERE store_id = $1 AND device_id = $2 FOR UPDATE";

const AUDIT_HEAD_MOVE: &str = "
    UPDATE audit_heads SET seq = $3, hash = $4, event_id = $5, updated_at = now()
    WHERE store_id = $1 AND device_id = $2";

const AUDIT_HEAD_REFUSED: &str = "
    UPDATE audit_heads SET refused_seq = $3, refused_at = now()
    WHERE store_id = $1 AND device_id = $2";

const EVENTS_HELD: &str = "
    SELECT event_id FROM events WHERE store_id = $1 AND event_id = ANY($2::uuid[])";

const CLAIM_CODES: &str = "
    INSERT INTO referral_codes (store_id, code, event_id, device_id)
    SELECT $1::text, c.code, c.event_id, $2::text
    FROM UNNEST($3::text[], $4::uuid[]) AS c(code, event_id)
    ON CONFLICT (store_id, code) DO NOTHING";

const CODE_HOLDERS: &str = "
    SELECT code, event_id FROM referral_codes WHERE store_id = $1 AND code = ANY($2::text[])";

const INSERT_EVENTS: &str = "
    INSERT INTO events (store_id, event_id, device_id, seq, type, occurred_at, payload, batch_id, received_at)
    SELECT $1::text, e.event_id, $2::text, e.seq, e.type, e.occurred_at, e.payload, $3::uuid, now()
    FROM UNNEST($4::uuid[], $5::bigint[], $6::text[], $7::timestamptz[], $8::json[])
         AS e(event_id, seq, type, occurred_at, payload)
    ON CONFLICT (store_id, event_id) DO NOTHING
    RETURNING event_id";

const INSERT_ORDERS: &str = "
    INSERT INTO orders (store_id, order_id, device_id, number, total, currency, occurred_at, event_id)
    SELECT $1::text, o.order_id, $2::text, o.number, o.total::numeric, o.currency, o.occurred_at, o.event_id
    FROM UNNEST($3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::uuid[])
         AS o(order_id, number, total, currency, occurred_at, event_id)
    ON CONFLICT (store_id, order_id) DO NOTHING";

/// Stores a batch's valid events in one transaction with one multi-row
/// insert per table, after binding the token `token_id` to the batch's
/// device (a token bound to another device is refused with 403 and nothing
/// is stored, see `devices::bind`). Events already held for the store are
/// left as they are (the first copy wins); only events stored now are
/// projected to `orders`, and an order id already there keeps its row. Rows
/// are sent sorted by key so concurrent batches take row locks in the same
/// order (no deadlocks).
pub async fn store_batch(
    client: &mut deadpool_postgres::Client,
    token_id: i64,
    batch: &Batch,
) -> Result<Stored, ApiError> {
    let (store_id, device_id, batch_id) = (
        batch.store_id.as_str(),
        batch.device_id.as_str(),
        batch.batch_id,
    );
    let events = &batch.valid;
    let tx = client.transaction().await?;
    crate::devices::bind(&tx, token_id, device_id).await?;
    if events.is_empty() {
        tx.commit().await?;
        return Ok(Stored::default());
    }
    // One row per event id, the first in batch order, sorted by id.
    let mut rows: Vec<&ValidEvent> = events.iter().collect();
    rows.sort_by_key(|e| e.id); // stable: equal ids keep batch order
    rows.dedup_by_key(|e| e.id);

    // Referral codes first: an event whose code is held by another event of
    // the store is refused and not stored (a resend of the holder is fine).
    let mut refused: Vec<Rejection> = Vec::new();
    let mut claims: Vec<(&str, Uuid)> = rows
        .iter()
        .filter_map(|e| e.code.as_deref().map(|c| (c, e.id)))
        .collect();
    if !claims.is_empty() {
        claims.sort();
        let codes: Vec<&str> = claims.iter().map(|c| c.0).collect();
        let claim_ids: Vec<Uuid> = claims.iter().map(|c| c.1).collect();
        let stmt = tx.prepare_cached(CLAIM_CODES).await?;
        tx.execute(&stmt, &[&store_id, &device_id, &codes, &claim_ids])
            .await?;
        let stmt = tx.prepare_cached(CODE_HOLDERS).await?;
        let holders: std::collections::HashMap<String, Uuid> = tx
            .query(&stmt, &[&store_id, &codes])
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut lost: HashSet<Uuid> = HashSet::new();
        for (code, id) in &claims {
            if holders.get(*code).is_some_and(|holder| holder != id) {
                lost.insert(*id);
            }
        }
        rows.retain(|e| {
            if lost.contains(&e.id) {
                refused.push(Rejection::new(
                    e.id_text.clone(),
                    RejectCode::DuplicateReferralCode,
                    format!(
                        "{DUPLICATE_CODE} {}: another device of this store issued it first",
                        e.code.as_deref().unwrap_or_default()
                    ),
                ));
                false
            } else {
                true
            }
        });
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(Stored {
                rejected: refused,
                ..Stored::default()
            });
        }
    }
    if rows.iter().any(|e| e.audit.is_some()) {
        refused.extend(check_audit_chain(&tx, store_id, device_id, &mut rows).await?);
    }
    if rows.is_empty() {
        tx.commit().await?;
        return Ok(Stored {
            rejected: refused,
            ..Stored::default()
        });
    }
    let ids: Vec<Uuid> = rows.iter().map(|e| e.id).collect();
    let seqs: Vec<i64> = rows.iter().map(|e| e.seq).collect();
    let kinds: Vec<&str> = rows.iter().map(|e| e.kind.as_str()).collect();
    let times: Vec<DateTime<Utc>> = rows.iter().map(|e| e.occurred_at).collect();
    let payloads: Vec<&Value> = rows.iter().map(|e| &e.payload).collect();

    let stmt = tx.prepare_cached(INSERT_EVENTS).await?;
    let inserted: HashSet<Uuid> = tx
        .query(
            &stmt,
            &[
                &store_id, &device_id, &batch_id, &ids, &seqs, &kinds, &times, &payloads,
            ],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();

    // Orders from the events stored now (the first copy of each id), the
    // first in batch order winning an order id used twice.
    let mut seen = HashSet::with_capacity(inserted.len());
    let mut orders: Vec<(usize, &OrderRow, &ValidEvent)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| inserted.contains(&e.id) && seen.insert(e.id))
        .filter_map(|(i, e)| e.order.as_ref().map(|o| (i, o, e)))
        .collect();
    orders.sort_by(|a, b| a.1.order_id.cmp(&b.1.order_id).then(a.0.cmp(&b.0)));
    orders.dedup_by(|a, b| a.1.order_id == b.1.order_id);
    let mut stored = Stored {
        events: inserted.len() as u64,
        orders: 0,
        rejected: refused,
    };
    if !orders.is_empty() {
        let order_ids: Vec<&str> = orders.iter().map(|(_, o, _)| o.order_id.as_str()).collect();
        let numbers: Vec<Option<&str>> =
            orders.iter().map(|(_, o, _)| o.number.as_deref()).collect();
        let totals: Vec<&str> = orders.iter().map(|(_, o, _)| o.total.as_str()).collect();
        let currencies: Vec<Option<&str>> = orders
            .iter()
            .map(|(_, o, _)| o.currency.as_deref())
            .collect();
        let times: Vec<DateTime<Utc>> = orders.iter().map(|(_, _, e)| e.occurred_at).collect();
        let event_ids: Vec<Uuid> = orders.iter().map(|(_, _, e)| e.id).collect();
        let stmt = tx.prepare_cached(INSERT_ORDERS).await?;
        stored.orders = tx
            .execute(
                &stmt,
                &[
                    &store_id,
                    &device_id,
                    &order_ids,
                    &numbers,
                    &totals,
                    &currencies,
                    &times,
                    &event_ids,
                ],
            )
            .await?;
    }
    tx.commit().await?;
    Ok(stored)
}

/// Follows the device's audit chain through the batch's new entries, in
/// the order of their audit seq, under a lock on the device's head: an
/// entry that continues the chain moves the head, any other is refused
/// (`audit_chain_broken`) and taken out of `rows`, and so is everything
/// after it that hangs on it. An entry the store already holds (a resend)
/// is accepted again as it was, wherever the head is now.
async fn check_audit_chain(
    tx: &deadpool_postgres::Transaction<'_>,
    store_id: &str,
    device_id: &str,
    rows: &mut Vec<&ValidEvent>,
) -> Result<Vec<Rejection>, ApiError> {
    let audit_ids: Vec<Uuid> = rows
        .iter()
        .filter(|e| e.audit.is_some())
        .map(|e| e.id)
        .collect();
    let stmt = tx.prepare_cached(EVENTS_HELD).await?;
    let held: HashSet<Uuid> = tx
        .query(&stmt, &[&store_id, &audit_ids])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut new: Vec<(&AuditLink, Uuid, &str)> = rows
        .iter()
        .filter(|e| !held.contains(&e.id))
        .filter_map(|e| e.audit.as_ref().map(|a| (a, e.id, e.id_text.as_str())))
        .collect();
    if new.is_empty() {
        return Ok(Vec::new());
    }
    new.sort_by_key(|(a, id, _)| (a.seq, *id));
    let stmt = tx.prepare_cached(AUDIT_HEAD_ENSURE).await?;
    tx.execute(&stmt, &[&store_id, &device_id, &till_wire::AUDIT_GENESIS])
        .await?;
    let stmt = tx.prepare_cached(AUDIT_HEAD_LOCK).await?;
    let head = tx.query_one(&stmt, &[&store_id, &device_id]).await?;
    let (start_seq, start_hash): (i64, String) = (head.get(0), head.get(1));
    let (mut seq, mut hash, mut last) = (start_seq, start_hash.clone(), None);
    let mut lost: HashSet<Uuid> = HashSet::new();
    let mut rejected = Vec::new();
    let mut refused_seq = None;
    for (link, id, id_text) in new {
        if link.seq == seq + 1 && link.prev_hash == hash {
            seq = link.seq;
            hash = link.hash.clone();
            last = Some(id);
            continue;
        }
        lost.insert(id);
        refused_seq = Some(refused_seq.map_or(link.seq, |s: i64| s.max(link.seq)));
        let held_as = if seq == 0 {
            "holds no entry of this device yet (a first entry's prev_hash is 64 zeros)".to_string()
        } else {
            format!("holds this device's chain up to entry {seq} (hash {hash})")
        };
        rejected.push(Rejection::new(
            id_text,
            RejectCode::AuditChainBroken,
            format!(
                "audit entry {} (prev_hash {}) does not continue the device's audit chain: \
                 the upstream {held_as}; the device's history was rewritten",
                link.seq, link.prev_hash
            ),
        ));
    }
    if let Some(event_id) = last {
        let stmt = tx.prepare_cached(AUDIT_HEAD_MOVE).await?;
        tx.execute(&stmt, &[&store_id, &device_id, &seq, &hash, &event_id])
            .await?;
    }
    if let Some(refused) = refused_seq {
        let stmt = tx.prepare_cached(AUDIT_HEAD_REFUSED).await?;
        tx.execute(&stmt, &[&store_id, &device_id, &refused])
            .await?;
    }
    rows.retain(|e| !lost.contains(&e.id));
    Ok(rejected)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use serde_json::json;

    use super::*;

    fn event(kind: &str, payload: Value) -> Value {
        json!({"id": Uuid::now_v7().to_string(), "seq": 1, "type": kind, "occurred_at": "2026-11-25T17:03:12.123Z", "payload": payload})
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn decimals() {
        for ok in ["0", "57.50", "-3.2", "1000000", "0.000001"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in [
            "", "-", ".5", "5.", "1e5", "+1", "NaN", "1,5", " 1", "1.2.3", "١٢",
        ] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn a_valid_order_completed_projects_an_order_row() {
        let e = validate_event(event(
            "order.completed",
            json!({"order_id": "o1", "number": "A-1", "total": "57.50", "currency": "EUR", "extra": [1]}),
        ))
        .unwrap();
        assert_eq!(e.kind, EventKind::OrderCompleted);
        let o = e.order.unwrap();
        assert_eq!(
            (
                o.order_id.as_str(),
                o.number.as_deref(),
                o.total.as_str(),
                o.currency.as_deref()
            ),
            ("o1", Some("A-1"), "57.50", Some("EUR"))
        );
        assert!(validate_event(event("stock.adjusted", json!({"sku": "X"})))
            .unwrap()
            .order
            .is_none());
    }

    #[test]
    fn each_bad_field_gives_a_reason_naming_it() {
        let cases = [
            (json!(42), "not a JSON object"),
            (json!({"seq": 1}), "id: missing"),
            (json!({"id": "nope", "seq": 1}), "id:"),
            (json!({"id": 7}), "id:"),
            (
                json!({"id": Uuid::now_v7().to_string(), "seq": "1"}),
                "seq:",
            ),
            (json!({"id": Uuid::now_v7().to_string(), "seq": 0}), "seq:"),
            (
                json!({"id": Uuid::now_v7().to_string(), "seq": 1.5}),
                "seq:",
            ),
            (
                json!({"id": Uuid::now_v7().to_string(), "seq": 1, "type": "order.eaten"}),
                "type:",
            ),
            (
                json!({"id": Uuid::now_v7().to_string(), "seq": 1, "type": "usage.recorded", "occurred_at": "yesterday"}),
                "occurred_at:",
            ),
            (
                json!({"id": Uuid::now_v7().to_string(), "seq": 1, "type": "usage.recorded", "occurred_at": "2026-11-25T17:03:12Z", "payload": []}),
                "payload:",
            ),
            (event("usage.recorded", json!({"metric": "a\u{0}b"})), "NUL"),
            (
                event("order.completed", json!({"total": "1.00"})),
                "payload.order_id",
            ),
            (
                event("order.completed", json!({"order_id": "o", "total": 1.0})),
                "payload.total",
            ),
            (
                event(
                    "order.completed",
                    json!({"order_id": "x".repeat(MAX_ORDER_ID_LEN + 1), "total": "1"}),
                ),
                "payload.order_id",
            ),
        ];
        for (value, needle) in cases {
            let r = validate_event(value.clone()).unwrap_err();
            assert!(
                r.reason.contains(needle),
                "{value}: {:?} should mention {needle:?}",
                r.reason
            );
        }
        let r = validate_event(json!({"id": "abc", "seq": 0})).unwrap_err();
        assert_eq!(r.id, "abc");
    }

    #[test]
    fn batch_level_errors() {
        let limits = Limits::default();
        let id = Uuid::now_v7();
        let body = |store: &str, events: Value| {
            serde_json::to_vec(
                &json!({"device_id": "d", "store_id": store, "batch_id": id.to_string(), "events": events}),
            )
            .unwrap()
        };
        assert!(matches!(
            parse_batch(b"{", "s", None, &limits),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            parse_batch(&body("s", json!({})), "s", None, &limits),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            parse_batch(&body("other", json!([])), "s", None, &limits),
            Err(ApiError::Forbidden(_))
        ));
        assert!(matches!(
            parse_batch(&body("s", json!([])), "s", Some("0193"), &limits),
            Err(ApiError::BadRequest(_))
        ));
        assert!(parse_batch(&body("s", json!([])), "s", Some(&id.to_string()), &limits).is_ok());
        let many: Vec<Value> = (0..3).map(|_| event("usage.recorded", json!({}))).collect();
        let small = Limits {
            max_events: 2,
            ..limits
        };
        assert!(matches!(
            parse_batch(&body("s", json!(many)), "s", None, &small),
            Err(ApiError::TooLarge(_))
        ));
        let b = parse_batch(
            &body("s", json!([many[0], many[0], {"id": "x"}])),
            "s",
            None,
            &limits,
        )
        .unwrap();
        assert_eq!(
            (b.valid.len(), b.rejected.len(), b.accepted_ids().len()),
            (2, 1, 1)
        );
    }

    #[test]
    fn gunzip_stops_at_the_limit() {
        let data = vec![b'a'; 10_000];
        assert_eq!(gunzip_limited(&gzip(&data), 10_000).unwrap(), data);
        assert!(matches!(
            gunzip_limited(&gzip(&data), 9_999),
            Err(ApiError::TooLarge(_))
        ));
        assert!(matches!(
            gunzip_limited(b"not gzip at all", 100),
            Err(ApiError::BadRequest(_))
        ));
        let mut two = gzip(b"[1,");
        two.extend(gzip(b"2]"));
        assert_eq!(gunzip_limited(&two, 100).unwrap(), b"[1,2]");
        assert!(matches!(
            decode_body(&data, Encoding::Identity, 100),
            Err(ApiError::TooLarge(_))
        ));
    }
}
