//! HTTP: the routes of protocol v1 and the benchmark's baseline endpoint.
//!
//! Order of checks for a batch (and for the baseline's one event): the
//! token (401), `Content-Encoding` (415) and `Idempotency-Key` (400) before
//! the body is read; then the body with the compressed-size limit (413),
//! gunzip with the decompressed-size limit (400 bad gzip, 413), the JSON
//! (400), the store (403), the event count (413), the device the token is
//! bound to (403, in the transaction that stores the batch), then each
//! event on its own (`rejected`). An answer decided before the whole body
//! was read drains the rest first (see `body.rs`).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use deadpool_postgres::Pool;
use tokio::sync::Semaphore;
use tracing::Instrument;

use crate::auth;
use crate::body::{discard_unread, read_limited};
use crate::error::ApiError;
use crate::ingest::{self, BatchResponse, Encoding, Limits};

#[derive(Clone)]
struct AppState {
    pool: Pool,
    limits: Limits,
    /// Batches decoded and stored at once: bounds the memory of decoding
    /// (up to `max_json_bytes` each) and matches the pool's connections.
    permits: Arc<Semaphore>,
}

/// The upstream's routes with the protocol's limits.
pub fn router(pool: Pool) -> Router {
    router_with(pool, Limits::default())
}

/// The upstream's routes with other limits (e.g. small ones to make a
/// client split its batches in a test).
pub fn router_with(pool: Pool, limits: Limits) -> Router {
    routes(pool, limits, Baseline::Off)
}

/// The upstream's routes and `POST /v1/events`, the one-event-per-request
/// baseline of the sync benchmark (`serve --enable-baseline-endpoint`).
pub fn router_with_baseline(pool: Pool, limits: Limits) -> Router {
    routes(pool, limits, Baseline::On)
}

/// Whether `POST /v1/events` is served.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Baseline {
    Off,
    On,
}

fn routes(pool: Pool, limits: Limits, baseline: Baseline) -> Router {
    let permits = Arc::new(Semaphore::new(pool.status().max_size.max(1)));
    let state = AppState {
        pool,
        limits,
        permits,
    };
    let events = match baseline {
        Baseline::On => post(post_event),
        Baseline::Off => any(baseline_off),
    };
    Router::new()
        .route("/v1/batches", post(post_batch))
        .route("/v1/events", events)
        .route("/v1/health", get(health))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                Json(serde_json::json!({"error": "not found"})),
            )
        })
        .layer(middleware::from_fn(request_span))
        .with_state(state)
}

/// Every log line of a request carries its method and path (never its
/// headers or body: the token and the events stay out of the logs).
async fn request_span(req: Request, next: Next) -> Response {
    let span = tracing::info_span!("request", method = %req.method(), path = %req.uri().path());
    next.run(req).instrument(span).await
}

fn content_encoding(headers: &HeaderMap) -> Result<Encoding, ApiError> {
    let Some(value) = headers.get(header::CONTENT_ENCODING) else {
        return Ok(Encoding::Identity);
    };
    let text = value.to_str().unwrap_or("?").trim().to_ascii_lowercase();
    match text.as_str() {
        "" | "identity" => Ok(Encoding::Identity),
        "gzip" | "x-gzip" => Ok(Encoding::Gzip),
        _ => Err(ApiError::UnsupportedEncoding(
            text.chars().take(40).collect(),
        )),
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .map(str::to_string)
                .map_err(|_| ApiError::BadRequest("the Idempotency-Key header is not text".into()))
        })
        .transpose()
}

/// The checks made before reading the body (token, then headers). On a
/// refusal the unread body is drained so that the client gets the answer.
async fn check_before_body<T>(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    checks: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<(T, Body), ApiError> {
    match checks.await {
        Ok(v) => Ok((v, body)),
        Err(e) => {
            discard_unread(headers, body, state.limits.max_body_bytes).await;
            Err(e)
        }
    }
}

/// What a request body holds.
#[derive(Clone, Copy)]
enum Shape {
    /// A batch: the protocol.
    Batch,
    /// `{"device_id", "store_id", "event"}`: the baseline's one event.
    OneEvent,
}

/// `POST /v1/batches`: the protocol.
async fn post_batch(
    State(state): State<AppState>,
    req: Request,
) -> Result<Json<BatchResponse>, ApiError> {
    receive(state, req, Shape::Batch).await
}

/// `POST /v1/events`: NOT part of the protocol, and served only with
/// `serve --enable-baseline-endpoint`. The benchmark's baseline, the "post
/// each record on its own" style of a typical usage service: one event per
/// request, answered like a batch of one. It goes through everything a
/// batch does (token, limits, validation, the store, referral codes), so
/// it is no way around a batch's checks.
async fn post_event(
    State(state): State<AppState>,
    req: Request,
) -> Result<Json<BatchResponse>, ApiError> {
    receive(state, req, Shape::OneEvent).await
}

/// `POST /v1/events` when the baseline is off: 404, as for any route this
/// server does not serve, saying why.
async fn baseline_off() -> ApiError {
    ApiError::NotFound(
        "POST /v1/events is not served here: it is the sync benchmark's baseline, not part of \
         the protocol, and is served only by `till-upstream serve --enable-baseline-endpoint`; \
         send batches to POST /v1/batches",
    )
}

/// Receives a batch, or the baseline's one event as a batch of one: the
/// token and headers, the body within its limits, then parsing, then
/// storing, all the same whatever the shape.
async fn receive(
    state: AppState,
    req: Request,
    shape: Shape,
) -> Result<Json<BatchResponse>, ApiError> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let headers = &parts.headers;
    let checks = async {
        let token = auth::authenticate(&state.pool, headers).await?;
        Ok((token, content_encoding(headers)?, idempotency_key(headers)?))
    };
    let ((token, encoding, key), body) = check_before_body(&state, headers, body, checks).await?;
    let body = read_limited(body, state.limits.max_body_bytes).await?;

    let _permit = state
        .permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let limits = state.limits;
    // Decompressing and parsing up to 8 MiB is CPU work: off the async threads.
    let token_store = token.store_id;
    let batch = tokio::task::spawn_blocking(move || {
        let json = ingest::decode_body(&body, encoding, limits.max_json_bytes)?;
        match shape {
            Shape::Batch => ingest::parse_batch(&json, &token_store, key.as_deref(), &limits),
            Shape::OneEvent => ingest::parse_single(&json, &token_store),
        }
    })
    .await
    .map_err(|e| ApiError::Internal(format!("batch decoding task failed: {e}")))??;

    let mut client = state.pool.get().await?;
    let stored = ingest::store_batch(&mut client, token.id, &batch).await?;
    drop(client);
    let refused: HashSet<&str> = stored.rejected.iter().map(|r| r.id.as_str()).collect();
    let accepted: Vec<String> = batch
        .accepted_ids()
        .into_iter()
        .filter(|id| !refused.contains(id.as_str()))
        .collect();
    tracing::info!(
        store_id = %batch.store_id,
        batch_id = %batch.batch_id,
        events = batch.events,
        accepted = accepted.len(),
        rejected = batch.rejected.len() + stored.rejected.len(),
        new_events = stored.events,
        new_orders = stored.orders,
        ms = started.elapsed().as_millis() as u64,
        "batch stored"
    );
    let mut rejected = batch.rejected;
    rejected.extend(stored.rejected);
    Ok(Json(BatchResponse { accepted, rejected }))
}

/// `GET /v1/health`: 200 when `SELECT 1` answers within 3 s, else 503.
async fn health(State(state): State<AppState>) -> Response {
    let check = async {
        let client = state.pool.get().await.ok()?;
        client.simple_query("SELECT 1").await.ok()
    };
    match tokio::time::timeout(Duration::from_secs(3), check).await {
        Ok(Some(_)) => Json(serde_json::json!({"status": "ok"})).into_response(),
        _ => {
            tracing::warn!("health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                Json(serde_json::json!({"status": "unavailable", "error": "the database is unreachable"})),
            )
                .into_response()
        }
    }
}
