//! The sync loop. It owns a store connection of its own, so the counter's
//! sales never wait for it, and it leaves an event in the outbox until the
//! upstream has said it stored it.

use std::time::{Duration, Instant};

use rand::Rng;
use till_core::store::ts;
use till_core::Store;
use tokio::sync::watch;

use till_wire::{RejectCode, Rejection};

use crate::client::{Batch, Outcome, Upstream};
use crate::error::SyncError;
use crate::plan::{self, MAX_BYTES, MAX_EVENTS};

#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub endpoint: String,
    pub token: String,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Longest wait between retries.
    pub max_backoff: Duration,
    /// How often an idle loop looks for new events.
    pub poll: Duration,
    /// Where to count requests and bytes, if anywhere.
    pub stats: Option<std::sync::Arc<crate::client::WireStats>>,
}

impl SyncOptions {
    pub fn new(endpoint: impl Into<String>, token: impl Into<String>) -> SyncOptions {
        SyncOptions {
            endpoint: endpoint.into(),
            token: token.into(),
            timeout: Duration::from_secs(15),
            max_backoff: Duration::from_secs(60),
            poll: Duration::from_secs(2),
            stats: None,
        }
    }
}

/// Why a push stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEnd {
    /// Nothing left to send.
    Empty,
    /// Asked to stop (app exit, Ctrl-C).
    Stopped,
    /// The deadline passed while retrying; `pending` events remain.
    DeadlinePassed {
        pending: i64,
        last_error: Option<String>,
    },
    /// The upstream refused the token (401/403).
    Refused(String),
}

/// Runs a store call (SQLite: a write waits up to the busy timeout for the
/// counter's transaction, every commit waits for the disk) without holding
/// up the async runtime's other tasks.
///
/// On a multi-threaded runtime (the desktop's, tests, anyone who shares a
/// runtime with the engine) `block_in_place` hands this worker's other
/// tasks to another thread while the call blocks. Not `spawn_blocking`:
/// the engine borrows the caller's `Store`, and a call on the blocking pool
/// would need it owned and moved there and back for every statement. A
/// current-thread runtime has no other worker to hand tasks to (and
/// `block_in_place` panics there); such a runtime is the sync's own (`till
/// sync`, the desktop's sync thread), so the call blocks only the sync.
fn blocking<T>(call: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(call),
        _ => call(),
    }
}

/// Sleeps `d`, waking early when asked to stop. True when asked to stop.
async fn pause(d: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => *stop.borrow(),
        r = stop.changed() => r.is_err() || *stop.borrow(),
    }
}

/// Pushes batches until the backlog is empty, the token is refused, the
/// deadline passes or `stop` turns true.
pub async fn push_until_empty(
    store: &mut Store,
    opts: &SyncOptions,
    deadline: Option<Instant>,
    stop: &mut watch::Receiver<bool>,
) -> Result<RunEnd, SyncError> {
    let upstream =
        Upstream::new(&opts.endpoint, &opts.token, opts.timeout)?.with_stats(opts.stats.clone());
    let device_id = store.settings().device_id.clone();
    let store_id = store.settings().store_id.clone();
    let mut attempt: u32 = 0;
    let mut cap = MAX_EVENTS;
    // The same events retried keep their batch id (the Idempotency-Key).
    let mut last_batch: Option<(String, Vec<String>)> = None;
    loop {
        if *stop.borrow() {
            return Ok(RunEnd::Stopped);
        }
        let pending = blocking(|| store.pending_events(cap))?;
        if pending.is_empty() {
            return Ok(RunEnd::Empty);
        }
        let n = plan::batch_len(&pending, cap, MAX_BYTES);
        let events = &pending[..n];
        let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
        let batch_id = match &last_batch {
            Some((b, prev)) if *prev == ids => b.clone(),
            _ => uuid::Uuid::now_v7().to_string(),
        };
        last_batch = Some((batch_id.clone(), ids));
        let batch = Batch {
            device_id: device_id.clone(),
            store_id: store_id.clone(),
            batch_id,
            events: events.iter().collect(),
        };
        let outcome = tokio::select! {
            o = upstream.send(&batch) => o,
            // Abandoning a request is safe: its events stay in the outbox.
            _ = stop.changed() => return Ok(RunEnd::Stopped),
        };
        let now = ts(store.now());
        match outcome {
            Outcome::Delivered { accepted, rejected } => {
                if accepted.is_empty() && rejected.is_empty() {
                    // An upstream that answers without naming any event
                    // took nothing; treat it as a failure to avoid spinning.
                    let reason = "the upstream answered without accepting anything".to_string();
                    if let Some(end) = retry_wait(
                        store,
                        &reason,
                        None,
                        true,
                        &mut attempt,
                        opts,
                        deadline,
                        stop,
                    )
                    .await?
                    {
                        return Ok(end);
                    }
                    continue;
                }
                blocking(|| {
                    store.record_delivery(&accepted, &rejected)?;
                    store.set_sync_state(&[
                        ("last_success", Some(&now)),
                        ("last_attempt", Some(&now)),
                        ("connected", Some("true")),
                        ("last_error", None),
                        ("auth_failed", None),
                    ])
                })?;
                tracing::info!(
                    accepted = accepted.len(),
                    rejected = rejected.len(),
                    "batch delivered"
                );
                attempt = 0;
                cap = (cap * 2).min(MAX_EVENTS);
            }
            Outcome::Refused { status, message } => {
                let msg = format!(
                    "the upstream refused this device's token ({status}{}); log in again with `till sync login`",
                    if message.is_empty() { String::new() } else { format!(": {message}") }
                );
                blocking(|| {
                    store.set_sync_state(&[
                        ("last_error", Some(&msg)),
                        ("last_attempt", Some(&now)),
                        ("connected", Some("true")),
                        ("auth_failed", Some("true")),
                    ])
                })?;
                return Ok(RunEnd::Refused(msg));
            }
            Outcome::TooLarge | Outcome::BadRequest(_) if n > 1 => {
                // Halve until the batch fits or the bad event stands alone.
                cap = (n / 2).max(1);
            }
            Outcome::TooLarge | Outcome::BadRequest(_) => {
                let reason = match outcome {
                    Outcome::BadRequest(m) => {
                        format!("the upstream could not read this event: {m}")
                    }
                    _ => "the event is larger than the upstream accepts".to_string(),
                };
                // Refused by the transport, not by the upstream's checks of
                // the event: no code to act on.
                let refused = Rejection::new(events[0].id.clone(), RejectCode::Other, reason);
                blocking(|| store.record_delivery(&[], &[refused]))?;
                cap = MAX_EVENTS;
            }
            Outcome::Retry {
                reason,
                retry_after,
                reached,
            } => {
                tracing::info!(%reason, attempt, "batch not delivered; will retry");
                if let Some(end) = retry_wait(
                    store,
                    &reason,
                    retry_after,
                    reached,
                    &mut attempt,
                    opts,
                    deadline,
                    stop,
                )
                .await?
                {
                    return Ok(match end {
                        RunEnd::DeadlinePassed { pending, .. } => RunEnd::DeadlinePassed {
                            pending,
                            last_error: Some(reason),
                        },
                        other => other,
                    });
                }
            }
        }
    }
}

/// Records a failed attempt and waits before the next; `Some` ends the run.
#[allow(clippy::too_many_arguments)]
async fn retry_wait(
    store: &mut Store,
    reason: &str,
    retry_after: Option<Duration>,
    reached: bool,
    attempt: &mut u32,
    opts: &SyncOptions,
    deadline: Option<Instant>,
    stop: &mut watch::Receiver<bool>,
) -> Result<Option<RunEnd>, SyncError> {
    let now = ts(store.now());
    blocking(|| {
        store.set_sync_state(&[
            ("last_error", Some(reason)),
            ("last_attempt", Some(&now)),
            ("connected", Some(if reached { "true" } else { "false" })),
        ])
    })?;
    let wait = plan::backoff(
        *attempt,
        retry_after,
        opts.max_backoff,
        rand::rng().random_range(0.0..1.0),
    );
    *attempt = attempt.saturating_add(1);
    if let Some(d) = deadline {
        if Instant::now() + wait >= d {
            return Ok(Some(RunEnd::DeadlinePassed {
                pending: blocking(|| store.pending_event_count())?,
                last_error: Some(reason.into()),
            }));
        }
    }
    if pause(wait, stop).await {
        return Ok(Some(RunEnd::Stopped));
    }
    Ok(None)
}

/// Syncs until asked to stop: pushes whenever there is a backlog, waits
/// quietly when there is none, and after a refused token waits for a new
/// login (the `auth_failed` flag cleared) instead of retrying.
pub async fn run_forever(
    store: &mut Store,
    opts: &SyncOptions,
    stop: &mut watch::Receiver<bool>,
) -> Result<(), SyncError> {
    loop {
        if blocking(|| store.sync_status())?.auth_failed {
            if pause(opts.poll, stop).await {
                return Ok(());
            }
            continue;
        }
        match push_until_empty(store, opts, None, stop).await? {
            RunEnd::Stopped => return Ok(()),
            RunEnd::Empty | RunEnd::DeadlinePassed { .. } | RunEnd::Refused(_) => {
                if pause(opts.poll, stop).await {
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use till_core::settings::Settings;

    use super::*;

    /// A store write that waits (here for another connection's write
    /// transaction, as it would for the counter's) must hold up only the
    /// sync, never the other tasks of the runtime it shares.
    #[test]
    fn a_store_call_that_waits_does_not_stall_the_runtime() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("till.db");
        let mut store = Store::create(&path, Settings::default()).unwrap();
        store
            .connection()
            .execute(
                "INSERT INTO outbox (id, type, occurred_at, payload) VALUES (?1, 'stock.adjusted', '2026-11-25T10:00:00.000Z', '{}')",
                [uuid::Uuid::now_v7().to_string()],
            )
            .unwrap();
        // Another connection holds the write lock for a while.
        let (locked_tx, locked_rx) = std::sync::mpsc::channel();
        let holder_path = path.clone();
        let holder = std::thread::spawn(move || {
            let other = Store::open(&holder_path).unwrap();
            other.connection().execute_batch("BEGIN IMMEDIATE").unwrap();
            locked_tx.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(1500));
            other.connection().execute_batch("COMMIT").unwrap();
        });
        locked_rx.recv().unwrap();

        // One worker: a blocked worker would stall every other task.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let worst_gap = runtime.block_on(async move {
            let done = Arc::new(AtomicBool::new(false));
            let ticking = done.clone();
            let ticker = tokio::spawn(async move {
                let mut worst = Duration::ZERO;
                let mut last = Instant::now();
                while !ticking.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    worst = worst.max(last.elapsed());
                    last = Instant::now();
                }
                worst
            });
            let engine = tokio::spawn(async move {
                // Nothing listens there: the attempt fails at once and the
                // engine records it, which waits for the lock.
                let mut opts = SyncOptions::new("http://127.0.0.1:9", "token");
                opts.timeout = Duration::from_secs(2);
                let (_stop_tx, mut stop) = watch::channel(false);
                let deadline = Instant::now() + Duration::from_millis(2500);
                let end = push_until_empty(&mut store, &opts, Some(deadline), &mut stop).await;
                (end, store.sync_status().unwrap())
            });
            let (end, status) = engine.await.unwrap();
            done.store(true, Ordering::Relaxed);
            assert!(
                matches!(end, Ok(RunEnd::DeadlinePassed { pending: 1, .. })),
                "{end:?}"
            );
            assert!(
                status.last_error.is_some(),
                "the failed attempt was recorded"
            );
            ticker.await.unwrap()
        });
        holder.join().unwrap();
        assert!(
            worst_gap < Duration::from_millis(700),
            "the runtime stalled for {worst_gap:?} while the sync waited for the store"
        );
    }
}
