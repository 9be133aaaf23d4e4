//! The device tokens of each store: adding one, listing them, revoking
//! them, and binding a token to the one device that uses it.
//!
//! A token is created for a store and handed to one till. The first batch
//! sent with it fixes the token's `device_id`; from then on a batch with the
//! token and another `device_id` is refused with 403, so a token copied to
//! a second machine is noticed instead of silently mixing two devices'
//! events. A revoked token is refused with 401 (the till stops syncing
//! until it is given a new token); its row is kept, for the record.

use chrono::{DateTime, Utc};
use deadpool_postgres::{Pool, Transaction};
use serde::Serialize;

use crate::auth::{generate_token, hash_token, MAX_STORE_ID_LEN};
use crate::error::{ApiError, Error};

/// A device token as `device list` shows it (never the token itself).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceToken {
    /// Names the token in `device revoke --id`.
    pub id: i64,
    pub store_id: String,
    pub name: Option<String>,
    /// The device the token is bound to; none before its first batch.
    pub device_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub bound_at: Option<DateTime<Utc>>,
    /// When the token's latest accepted batch arrived.
    pub last_seen_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "id, store_id, name, device_id, created_at, bound_at, last_seen_at, revoked_at";

impl DeviceToken {
    fn from_row(row: &tokio_postgres::Row) -> DeviceToken {
        DeviceToken {
            id: row.get("id"),
            store_id: row.get("store_id"),
            name: row.get("name"),
            device_id: row.get("device_id"),
            created_at: row.get("created_at"),
            bound_at: row.get("bound_at"),
            last_seen_at: row.get("last_seen_at"),
            revoked_at: row.get("revoked_at"),
        }
    }
}

/// Registers a device for `store_id` and returns its id and token: the
/// only time the token exists in clear outside the device.
pub async fn add(pool: &Pool, store_id: &str, name: Option<&str>) -> Result<(i64, String), Error> {
    let store_id = store_id.trim();
    if store_id.is_empty() || store_id.len() > MAX_STORE_ID_LEN || store_id.contains('\0') {
        return Err(Error::Invalid(format!(
            "the store id must be 1 to {MAX_STORE_ID_LEN} bytes without NUL characters"
        )));
    }
    if name.is_some_and(|n| n.contains('\0')) {
        return Err(Error::Invalid(
            "the device name must not contain NUL characters".into(),
        ));
    }
    let token = generate_token();
    let client = pool.get().await?;
    let id: i64 = client
        .query_one(
            "INSERT INTO devices (token_hash, store_id, name) VALUES ($1, $2, $3) RETURNING id",
            &[&hash_token(&token), &store_id, &name],
        )
        .await?
        .get(0);
    tracing::info!(store_id, token_id = id, "device added");
    Ok((id, token))
}

/// Registers a device for `store_id` and returns its token (see [`add`]).
pub async fn create_device(
    pool: &Pool,
    store_id: &str,
    name: Option<&str>,
) -> Result<String, Error> {
    Ok(add(pool, store_id, name).await?.1)
}

/// Every token, or a store's, oldest first.
pub async fn list(pool: &Pool, store_id: Option<&str>) -> Result<Vec<DeviceToken>, Error> {
    let client = pool.get().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {COLUMNS} FROM devices WHERE $1::text IS NULL OR store_id = $1 ORDER BY id"
            ),
            &[&store_id],
        )
        .await?;
    Ok(rows.iter().map(DeviceToken::from_row).collect())
}

/// Which tokens to revoke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoke {
    /// One token, by the id `device list` shows.
    Id(i64),
    /// Every token bound to this device.
    Device(String),
}

/// What [`revoke`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Revoked {
    /// Revoked now.
    pub revoked: Vec<DeviceToken>,
    /// Already revoked before, left as they were.
    pub already: Vec<DeviceToken>,
}

/// Revokes the tokens `which` names, in one transaction; an error when it
/// names none.
pub async fn revoke(pool: &Pool, which: &Revoke) -> Result<Revoked, Error> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let rows = match which {
        Revoke::Id(id) => {
            tx.query(
                &format!("SELECT {COLUMNS} FROM devices WHERE id = $1 ORDER BY id FOR UPDATE"),
                &[id],
            )
            .await?
        }
        Revoke::Device(device) => {
            tx.query(
                &format!(
                    "SELECT {COLUMNS} FROM devices WHERE device_id = $1 ORDER BY id FOR UPDATE"
                ),
                &[device],
            )
            .await?
        }
    };
    if rows.is_empty() {
        return Err(Error::Invalid(match which {
            Revoke::Id(id) => format!("there is no device token with id {id} (see `device list`)"),
            Revoke::Device(device) => format!(
                "no device token is bound to device {device:?} (see `device list`; a token is \
                 bound by its first batch, revoke an unused one by --id)"
            ),
        }));
    }
    let (already, to_revoke): (Vec<DeviceToken>, Vec<DeviceToken>) = rows
        .iter()
        .map(DeviceToken::from_row)
        .partition(|t| t.revoked_at.is_some());
    let ids: Vec<i64> = to_revoke.iter().map(|t| t.id).collect();
    let revoked = tx
        .query(
            &format!(
                "UPDATE devices SET revoked_at = now() WHERE id = ANY($1) RETURNING {COLUMNS}"
            ),
            &[&ids],
        )
        .await?
        .iter()
        .map(DeviceToken::from_row)
        .collect();
    tx.commit().await?;
    for t in &to_revoke {
        tracing::info!(store_id = %t.store_id, token_id = t.id, "device token revoked");
    }
    Ok(Revoked { revoked, already })
}

/// Inside a batch's transaction, before anything is stored: fixes the
/// token's device on its first batch, refuses any other device (403) and a
/// token revoked since the request was authenticated (401), and records
/// when the token was last used. The row stays locked until the batch
/// commits, so two first batches from two devices cannot both bind it.
pub async fn bind(tx: &Transaction<'_>, token_id: i64, device_id: &str) -> Result<(), ApiError> {
    const BIND: &str = "
        UPDATE devices
        SET device_id = COALESCE(device_id, $2),
            bound_at = COALESCE(bound_at, now()),
            last_seen_at = now()
        WHERE id = $1 AND revoked_at IS NULL
        RETURNING device_id";
    let stmt = tx.prepare_cached(BIND).await?;
    let bound: String = tx
        .query_opt(&stmt, &[&token_id, &device_id])
        .await?
        .ok_or(ApiError::Unauthorized("this device token was revoked"))?
        .get(0);
    if bound != device_id {
        return Err(ApiError::OtherDevice);
    }
    Ok(())
}
