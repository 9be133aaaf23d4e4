//! Reading request bodies with a hard size limit, and answering early
//! (401, 413, 415 …) in a way the client actually receives.
//!
//! Why not only axum's `DefaultBodyLimit` layer: it answers 413 correctly,
//! but then drops the connection with the rest of the upload unread. The
//! kernel answers the client's next writes with a reset, and an HTTP client
//! still uploading (reqwest/hyper, as `till sync` uses) reports "broken
//! pipe" instead of the 413 — measured: half the runs with a 20 MiB body.
//! The Till client then retries the same batch forever instead of splitting
//! it. So, like nginx's lingering close, we read and discard the rest of
//! the body (bounded in bytes and time, nothing kept in memory) before
//! answering.

use std::future::poll_fn;
use std::pin::Pin;
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, HeaderMap};

use crate::error::ApiError;

/// After a 413, read and discard at most this much more of the upload…
pub const DRAIN_MAX_BYTES: u64 = 64 * 1024 * 1024;
/// … for at most this long.
pub const DRAIN_TIME: Duration = Duration::from_secs(10);

/// The whole body, or 413 as soon as it passes `limit` bytes. Memory used
/// is at most `limit` (plus one network chunk), whatever the client sends.
pub async fn read_limited(mut body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::TooLarge(format!(
            "the request body is over {limit} bytes; send fewer events per batch"
        ))
    };
    let hint = HttpBody::size_hint(&body);
    if hint.lower() > limit as u64 {
        // Content-Length says it all: no need to read the start of it.
        if hint.lower() <= DRAIN_MAX_BYTES {
            drain(body, DRAIN_MAX_BYTES, DRAIN_TIME).await;
        }
        return Err(too_large());
    }
    let mut buf = Vec::with_capacity((hint.lower() as usize).min(limit));
    loop {
        let frame = match poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            None => break,
            Some(Ok(frame)) => frame,
            Some(Err(e)) => {
                return Err(ApiError::BadRequest(format!(
                    "could not read the request body: {e}"
                )))
            }
        };
        let Ok(data) = frame.into_data() else {
            continue;
        }; // trailers
        if buf.len() + data.len() > limit {
            drain(body, DRAIN_MAX_BYTES, DRAIN_TIME).await;
            return Err(too_large());
        }
        buf.extend_from_slice(&data);
    }
    Ok(Bytes::from(buf))
}

/// Reads and discards the rest of `body`, up to `max_bytes` or `within`,
/// whichever comes first, so that an answer sent now is not lost to a
/// connection reset while the client is still uploading.
pub async fn drain(mut body: Body, max_bytes: u64, within: Duration) {
    let discard = async {
        let mut seen: u64 = 0;
        while let Some(Ok(frame)) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            seen += frame.data_ref().map_or(0, |d| d.len() as u64);
            if seen > max_bytes {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(within, discard).await;
}

/// For an answer decided before the body was read (401, 415 …): drain
/// at most `max_bytes` of it, quickly — unless the client sent
/// `Expect: 100-continue`, in which case it has not sent the body and will
/// not until we ask, so reading would only invite the upload.
pub async fn discard_unread(headers: &HeaderMap, body: Body, max_bytes: usize) {
    let expects_continue = headers
        .get(header::EXPECT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"));
    if !expects_continue {
        drain(body, max_bytes as u64, Duration::from_secs(5)).await;
    }
}
