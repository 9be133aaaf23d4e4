//! Errors: [`Error`] for setup and the command line, [`ApiError`] for what an
//! HTTP request gets back (always `{"error": "…"}` with the status the
//! protocol gives it).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Setup, migration and command-line failures.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid database URL: {0}")]
    DatabaseUrl(#[source] tokio_postgres::Error),
    #[error("could not build the database pool: {0}")]
    PoolBuild(#[from] deadpool_postgres::BuildError),
    #[error("could not get a database connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("database error: {0}")]
    Db(#[from] tokio_postgres::Error),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i32,
        name: &'static str,
        #[source]
        source: tokio_postgres::Error,
    },
    #[error("the database schema is at version {found}, newer than this till-upstream knows ({known}); upgrade till-upstream")]
    SchemaTooNew { found: i32, known: i32 },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// What a request can end with besides `200`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: not a valid batch (bad JSON, wrong types, bad gzip). Nothing stored.
    #[error("{0}")]
    BadRequest(String),
    /// 401: missing, malformed, unknown or revoked token. Nothing stored.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: a valid token for another store. Nothing stored.
    #[error("this device token is not for store_id {0:?}")]
    Forbidden(String),
    /// 403: a valid token bound to another device. Nothing stored.
    #[error("this device token is already used by another device; each device needs a token of its own (till-upstream device add)")]
    OtherDevice,
    /// 404: a route this server does not serve.
    #[error("{0}")]
    NotFound(&'static str),
    /// 413: body, decompressed body or event count over the limit.
    #[error("{0}")]
    TooLarge(String),
    /// 415: a `Content-Encoding` other than gzip or identity.
    #[error("unsupported Content-Encoding {0:?} (send gzip or no encoding)")]
    UnsupportedEncoding(String),
    /// 503 with `Retry-After`: the database is unreachable or busy; try later.
    #[error("the upstream cannot reach its database right now; try again later")]
    Unavailable(String),
    /// 500: a bug or an unexpected database error; the client retries.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::OtherDevice => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedEncoding(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::OtherDevice => "other_device",
            ApiError::NotFound(_) => "not_found",
            ApiError::TooLarge(_) => "too_large",
            ApiError::UnsupportedEncoding(_) => "unsupported_encoding",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }
}

/// SQLSTATEs worth a retry rather than a 500: connection trouble, server
/// shutting down, too many connections, serialization failure, deadlock.
fn is_transient(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(code) => {
            let c = code.code();
            c.starts_with("08") || c.starts_with("57P") || matches!(c, "53300" | "40001" | "40P01")
        }
        // No SQLSTATE: an I/O error on the connection.
        None => true,
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        if is_transient(&e) {
            ApiError::Unavailable(e.to_string())
        } else {
            ApiError::Internal(format!("database: {e}"))
        }
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        ApiError::Unavailable(e.to_string())
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Pool(e) => e.into(),
            Error::Db(e) => e.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        // Messages of 4xx may quote the request (serde's errors do), so only
        // the kind is logged; 5xx details are ours and go to the log only.
        match &self {
            ApiError::Unavailable(detail) => {
                tracing::warn!(status = status.as_u16(), %detail, "database unavailable")
            }
            ApiError::Internal(detail) => {
                tracing::error!(status = status.as_u16(), %detail, "internal error")
            }
            other => tracing::info!(
                status = status.as_u16(),
                kind = other.kind(),
                "request refused"
            ),
        }
        let body = Json(serde_json::json!({ "error": self.to_string() }));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            (status, [(header::RETRY_AFTER, "5")], body).into_response()
        } else {
            (status, body).into_response()
        }
    }
}
