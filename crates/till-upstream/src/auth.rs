//! Device tokens: `till_` + 64 hex digits (32 random bytes from the OS).
//!
//! Only the SHA-256 of a token is stored. A fast, unsalted hash is right
//! here (unlike for passwords): a token has 256 bits of entropy, so nobody
//! can guess or brute-force one from its hash, and a fast hash keeps the
//! per-request lookup cheap. Lookup is by hash, so the secret itself is never
//! compared byte by byte and there is no timing side channel on it.

use axum::http::{header, HeaderMap};
use deadpool_postgres::Pool;
use rand::rngs::OsRng;
use rand::TryRngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

pub const TOKEN_PREFIX: &str = "till_";
const TOKEN_BYTES: usize = 32;
/// Longest store id a device may be bound to (it is part of primary keys).
pub const MAX_STORE_ID_LEN: usize = 200;

/// A new random token. Never logged; shown once by `device add`.
pub fn generate_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system's random source failed");
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// Lowercase hex SHA-256 of the whole token, as stored in `devices.token_hash`.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// True when `token` has the shape `generate_token` makes.
pub fn is_well_formed(token: &str) -> bool {
    token
        .strip_prefix(TOKEN_PREFIX)
        .is_some_and(|h| h.len() == TOKEN_BYTES * 2 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The token of `Authorization: Bearer <token>`, or 401.
pub fn bearer_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthorized(
            "missing Authorization: Bearer <device token>",
        ))?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized("malformed Authorization header"))?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or(ApiError::Unauthorized("malformed Authorization header"))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::Unauthorized(
            "the Authorization scheme must be Bearer",
        ));
    }
    let token = token.trim();
    if !is_well_formed(token) {
        return Err(ApiError::Unauthorized("malformed device token"));
    }
    Ok(token)
}

/// The device token a request was authenticated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// `devices.id`: names the token without the secret.
    pub id: i64,
    /// The store the token is for.
    pub store_id: String,
}

/// The request's token, or 401 (missing, malformed, unknown or revoked).
/// A database failure is 503, never 401: a client told 401 stops syncing
/// until a new login.
pub async fn authenticate(pool: &Pool, headers: &HeaderMap) -> Result<Token, ApiError> {
    let token = bearer_token(headers)?;
    let client = pool.get().await?;
    let stmt = client
        .prepare_cached(
            "SELECT id, store_id, revoked_at IS NOT NULL FROM devices WHERE token_hash = $1",
        )
        .await?;
    let row = client
        .query_opt(&stmt, &[&hash_token(token)])
        .await?
        .ok_or(ApiError::Unauthorized("unknown device token"))?;
    if row.get::<_, bool>(2) {
        return Err(ApiError::Unauthorized("this device token was revoked"));
    }
    Ok(Token {
        id: row.get(0),
        store_id: row.get(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_hex_and_unique() {
        let a = generate_token();
        let b = generate_token();
        assert!(is_well_formed(&a), "{a}");
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), hash_token(&b));
    }

    #[test]
    fn bearer_parsing() {
        let token = generate_token();
        let mut h = HeaderMap::new();
        assert!(matches!(bearer_token(&h), Err(ApiError::Unauthorized(_))));
        h.insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        assert_eq!(bearer_token(&h).unwrap(), token);
        h.insert(
            header::AUTHORIZATION,
            format!("bearer  {token} ").parse().unwrap(),
        );
        assert_eq!(bearer_token(&h).unwrap(), token);
        h.insert(
            header::AUTHORIZATION,
            format!("Basic {token}").parse().unwrap(),
        );
        assert!(bearer_token(&h).is_err());
        h.insert(header::AUTHORIZATION, "Bearer till_abc".parse().unwrap());
        assert!(bearer_token(&h).is_err());
    }
}
