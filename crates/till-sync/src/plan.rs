//! Pure decisions: what the next batch holds and how long to wait before
//! trying again. No I/O here, so both are tested exhaustively.

use std::time::Duration;

use till_wire::Event as OutboxEvent;

/// Protocol limits for one batch.
pub const MAX_EVENTS: usize = 500;
pub const MAX_BYTES: usize = 1_000_000;

/// Room in a batch for everything that is not an event (ids, brackets).
const ENVELOPE_BYTES: usize = 256;

/// How many events from the front of `pending` go in the next batch: at
/// most `max_events`, and at most `max_bytes` of JSON, but always at least
/// one (a single event larger than the limit is sent alone; the upstream
/// answers 413 and the engine dead-letters it).
pub fn batch_len(pending: &[OutboxEvent], max_events: usize, max_bytes: usize) -> usize {
    let mut bytes = ENVELOPE_BYTES;
    let mut n = 0;
    for e in pending.iter().take(max_events.max(1)) {
        let size = event_size(e) + 1;
        if n > 0 && bytes + size > max_bytes {
            break;
        }
        bytes += size;
        n += 1;
    }
    n
}

/// Size of an event's JSON on the wire, before compression.
pub fn event_size(e: &OutboxEvent) -> usize {
    // id, seq, type, occurred_at and the keys: about 120 bytes, plus the payload.
    120 + e.kind.len() + e.payload.to_string().len()
}

/// Exponential backoff with full jitter: a random wait between 0 and
/// min(max, 1 s x 2^attempt), but never less than the server's Retry-After.
/// `jitter` is a number in [0, 1).
pub fn backoff(
    attempt: u32,
    retry_after: Option<Duration>,
    max: Duration,
    jitter: f64,
) -> Duration {
    let cap = Duration::from_secs(1)
        .saturating_mul(1u32 << attempt.min(16))
        .min(max);
    let wait = cap.mul_f64(jitter.clamp(0.0, 1.0));
    match retry_after {
        Some(r) => wait.max(r.min(Duration::from_secs(3600))),
        None => wait,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(payload_len: usize) -> OutboxEvent {
        OutboxEvent {
            id: "x".into(),
            seq: 1,
            kind: "order.completed".into(),
            occurred_at: "t".into(),
            payload: serde_json::json!({ "p": "a".repeat(payload_len) }),
        }
    }

    #[test]
    fn batches_respect_count_and_size() {
        let small: Vec<_> = (0..1200).map(|_| ev(10)).collect();
        assert_eq!(batch_len(&small, MAX_EVENTS, MAX_BYTES), 500);
        let big: Vec<_> = (0..10).map(|_| ev(300_000)).collect();
        assert_eq!(batch_len(&big, MAX_EVENTS, MAX_BYTES), 3);
        let huge = vec![ev(2_000_000), ev(10)];
        assert_eq!(
            batch_len(&huge, MAX_EVENTS, MAX_BYTES),
            1,
            "an oversized event goes alone"
        );
        assert_eq!(batch_len(&[], MAX_EVENTS, MAX_BYTES), 0);
        assert_eq!(batch_len(&small, 7, MAX_BYTES), 7);
    }

    #[test]
    fn backoff_grows_caps_and_honours_retry_after() {
        let max = Duration::from_secs(60);
        assert_eq!(
            backoff(0, None, max, 0.999),
            Duration::from_secs(1).mul_f64(0.999)
        );
        assert!(backoff(3, None, max, 0.999) < Duration::from_secs(8));
        assert!(backoff(3, None, max, 0.999) > Duration::from_secs(7));
        assert!(backoff(30, None, max, 0.999) <= max);
        assert_eq!(backoff(5, None, max, 0.0), Duration::ZERO);
        assert_eq!(
            backoff(0, Some(Duration::from_secs(5)), max, 0.5),
            Duration::from_secs(5)
        );
    }
}
