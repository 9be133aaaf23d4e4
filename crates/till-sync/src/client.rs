//! HTTP: one batch out, one [`Outcome`] back. Every way a request can end
//! (answer, refusal, timeout, reset) maps to exactly one outcome.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;
use till_wire::{BatchRequest, BatchResponse, Event, Rejection};

use crate::error::SyncError;

/// The request body of `POST /v1/batches`, borrowing the events.
pub type Batch<'a> = BatchRequest<&'a Event>;

/// How a batch attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// 200: what the upstream stored and what it will never take.
    Delivered {
        accepted: Vec<String>,
        rejected: Vec<Rejection>,
    },
    /// 401/403: stop until the owner logs in again.
    Refused { status: u16, message: String },
    /// 413: split the batch.
    TooLarge,
    /// 400: the upstream could not read the batch; split to find the event.
    BadRequest(String),
    /// 408, 429, 5xx, timeouts, resets: try again later.
    Retry {
        reason: String,
        retry_after: Option<Duration>,
        reached: bool,
    },
}

/// Counters of what went over the wire (for the status screen and benchmarks).
#[derive(Debug, Default)]
pub struct WireStats {
    pub requests: std::sync::atomic::AtomicU64,
    /// Compressed request body bytes.
    pub body_bytes: std::sync::atomic::AtomicU64,
}

pub struct Upstream {
    http: reqwest::Client,
    endpoint: String,
    token: String,
    stats: Option<std::sync::Arc<WireStats>>,
}

/// The one check of an upstream URL, for the CLI, the window and the
/// engine: http(s), parseable, with a host; surrounding blanks and a
/// trailing slash removed.
pub fn normalize_endpoint(text: &str) -> Result<String, SyncError> {
    let endpoint = text.trim().trim_end_matches('/').to_string();
    let scheme_ok = endpoint.starts_with("http://") || endpoint.starts_with("https://");
    let parses = reqwest::Url::parse(&endpoint)
        .map(|u| u.host().is_some())
        .unwrap_or(false);
    if !scheme_ok || !parses || endpoint.len() < 10 {
        return Err(SyncError::BadEndpoint(text.to_string()));
    }
    Ok(endpoint)
}

impl Upstream {
    pub fn new(endpoint: &str, token: &str, timeout: Duration) -> Result<Upstream, SyncError> {
        let endpoint = normalize_endpoint(endpoint)?;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("till-sync/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Setup(e.to_string()))?;
        Ok(Upstream {
            http,
            endpoint,
            token: token.to_string(),
            stats: None,
        })
    }

    /// Counts requests and bytes into `stats`.
    pub fn with_stats(mut self, stats: Option<std::sync::Arc<WireStats>>) -> Upstream {
        self.stats = stats;
        self
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Sends one batch; never panics, never returns the token in a message.
    pub async fn send(&self, batch: &Batch<'_>) -> Outcome {
        let body = match gzip_json(batch) {
            Ok(b) => b,
            Err(e) => return Outcome::BadRequest(format!("could not encode the batch: {e}")),
        };
        if let Some(st) = &self.stats {
            use std::sync::atomic::Ordering::Relaxed;
            st.requests.fetch_add(1, Relaxed);
            st.body_bytes.fetch_add(body.len() as u64, Relaxed);
        }
        let sent = self
            .http
            .post(format!("{}/v1/batches", self.endpoint))
            .bearer_auth(&self.token)
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .header("Idempotency-Key", &batch.batch_id)
            .body(body)
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Retry {
                    reason: describe_transport(&e),
                    retry_after: None,
                    reached: false,
                }
            }
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("Retry-After")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = match resp.text().await {
            Ok(t) => t,
            Err(e) => {
                return Outcome::Retry {
                    reason: describe_transport(&e),
                    retry_after: None,
                    reached: true,
                }
            }
        };
        match status {
            200 => match serde_json::from_str::<BatchResponse>(&text) {
                Ok(a) => Outcome::Delivered {
                    accepted: a.accepted,
                    rejected: a.rejected,
                },
                Err(e) => Outcome::Retry {
                    reason: format!("the upstream's answer could not be read ({e})"),
                    retry_after: None,
                    reached: true,
                },
            },
            401 | 403 => Outcome::Refused {
                status,
                message: short(&text),
            },
            413 => Outcome::TooLarge,
            400 => Outcome::BadRequest(short(&text)),
            408 | 429 => Outcome::Retry {
                reason: format!("the upstream asked to slow down ({status})"),
                retry_after,
                reached: true,
            },
            s if s >= 500 => Outcome::Retry {
                reason: format!("the upstream had an error ({status})"),
                retry_after,
                reached: true,
            },
            s => Outcome::Retry {
                reason: format!("unexpected answer {s} from the upstream"),
                retry_after,
                reached: true,
            },
        }
    }
}

fn gzip_json<T: Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    let json = serde_json::to_vec(value)?;
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(json.len() / 4),
        flate2::Compression::fast(),
    );
    enc.write_all(&json)?;
    enc.finish()
}

/// An error body in one short line (upstreams may send HTML).
fn short(text: &str) -> String {
    let msg = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str().map(String::from)))
        .unwrap_or_else(|| text.trim().to_string());
    msg.chars().take(200).collect()
}

fn describe_transport(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the upstream did not answer in time".into()
    } else if e.is_connect() {
        "cannot reach the upstream (offline?)".into()
    } else {
        "the connection to the upstream was lost".into()
    }
}
