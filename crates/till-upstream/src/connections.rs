//! Accepting connections: a cap on how many are open at once, and timeouts
//! so that a client that sends nothing, half a request, or nothing more
//! after its last answer cannot keep its connection for long.
//!
//! Why not `axum::serve`: it keeps every connection for as long as the
//! client likes and has no cap. About 20,000 idle connections then use up
//! the process's file descriptors; `accept` fails with "Too many open
//! files", and health checks and batches go unanswered until the attacker
//! leaves. So the upstream runs its own accept loop over hyper's HTTP/1
//! connection (no HTTP/2: the sync client does not use it):
//!
//! * At most [`ConnectionLimits::max_connections`] connections are open.
//!   One more is accepted, answered `503` with `Retry-After` and closed at
//!   once, without reading from it: it never waits in the kernel's backlog
//!   and never holds a file descriptor for longer than that. A till told
//!   503 retries later (docs/sync-protocol.md).
//! * A client has [`ConnectionLimits::header_timeout`] to send a whole
//!   request header, counted from when it connects (hyper's
//!   `header_read_timeout`; hyper restarts that clock when it has answered
//!   a request, so it also bounds the wait for the next one). A connection
//!   that runs out of time is closed without an answer.
//! * A kept-alive connection that has had its answer is closed after
//!   [`ConnectionLimits::idle_timeout`] without a new request.
//!
//! So a place taken by a client that does nothing is free again after the
//! header timeout at most, and the cap keeps the process well below its
//! open-file limit ([`ensure_open_file_limit`]) with room left for the
//! database connections. An attacker that keeps reopening connections as
//! fast as they are closed still competes with the tills for places: per
//! address limits belong in a firewall or reverse proxy in front.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::error::Error;

/// How many connections may be open and how long they may do nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections open at once (default 1,024); one more is refused at once.
    pub max_connections: usize,
    /// Time to send a whole request header, from connecting or from the
    /// previous answer (default 10 s).
    pub header_timeout: Duration,
    /// Time a kept-alive connection may wait for its next request (default
    /// 5 s). At most `header_timeout`, which also runs during that wait.
    pub idle_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
        }
    }
}

/// The largest cap accepted: far above any open-file limit in practice,
/// and small enough for the semaphore's count.
pub const MAX_CONNECTIONS_LIMIT: usize = 1_000_000;

impl ConnectionLimits {
    /// Refuses limits that cannot work, saying which and why.
    pub fn check(&self) -> Result<(), Error> {
        if self.max_connections == 0 || self.max_connections > MAX_CONNECTIONS_LIMIT {
            return Err(Error::Invalid(format!(
                "the connection cap must be 1 to {MAX_CONNECTIONS_LIMIT} (got {})",
                self.max_connections
            )));
        }
        if self.header_timeout.is_zero() || self.idle_timeout.is_zero() {
            return Err(Error::Invalid(
                "the header and idle timeouts must be above zero".into(),
            ));
        }
        if self.idle_timeout > self.header_timeout {
            return Err(Error::Invalid(format!(
                "the idle timeout ({} s) is longer than the header timeout ({} s): the wait for \
                 the next request also counts against the header timeout, so the connection \
                 would be closed before; lower the idle timeout or raise the header timeout",
                self.idle_timeout.as_secs_f64(),
                self.header_timeout.as_secs_f64()
            )));
        }
        Ok(())
    }
}

/// File descriptors kept free for everything but client connections:
/// the database pool is counted on top; this covers the listener, the
/// standard streams, the runtime's own and a connection being refused.
const SPARE_FILES: u64 = 64;

/// Makes sure the process may open enough files for `limits` plus
/// `database_connections`: raises the soft open-file limit up to the hard
/// one if needed, and fails when even the hard limit is too low, since the
/// cap would not then protect the server from running out.
pub fn ensure_open_file_limit(
    limits: &ConnectionLimits,
    database_connections: usize,
) -> Result<u64, Error> {
    let needed = limits.max_connections as u64 + database_connections as u64 + SPARE_FILES;
    let now = rlimit::increase_nofile_limit(needed)?;
    if now < needed {
        return Err(Error::Invalid(format!(
            "{} client connections and {database_connections} database connections need about \
             {needed} open files, but this process may open only {now} (ulimit -n); raise the \
             limit or lower --max-client-connections",
            limits.max_connections
        )));
    }
    Ok(now)
}

/// The answer to a connection over the cap, written without waiting.
const BUSY_ANSWER: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: application/json\r\n\
retry-after: 5\r\n\
connection: close\r\n\
content-length: 72\r\n\
\r\n\
{\"error\":\"the upstream has too many open connections; try again later\"}\n";

/// The cap on open connections, shared by the accept loop and whoever
/// wants to know how many are open.
#[derive(Debug, Clone)]
pub struct Connections {
    limits: ConnectionLimits,
    places: Arc<Semaphore>,
}

impl Connections {
    pub fn new(limits: ConnectionLimits) -> Connections {
        Connections {
            places: Arc::new(Semaphore::new(limits.max_connections)),
            limits,
        }
    }

    pub fn limits(&self) -> ConnectionLimits {
        self.limits
    }

    /// Client connections open right now.
    pub fn open(&self) -> usize {
        self.limits.max_connections - self.places.available_permits()
    }

    /// Serves `router` on `listener` until `shutdown` completes; then stops
    /// accepting, lets the requests in flight finish and returns once every
    /// connection is closed.
    pub async fn serve(
        self,
        listener: TcpListener,
        router: Router,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let (stop, stopped) = watch::channel(());
        let mut shutdown = pin!(shutdown);
        // Logged once each time the cap is reached, not once per refusal.
        let mut at_cap = false;
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = &mut shutdown => break,
            };
            let stream = match accepted {
                Ok((stream, _peer)) => stream,
                // The client gave up before we got to it: nothing to do.
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    // Out of file descriptors or memory: wait instead of
                    // spinning, and keep serving the connections we have.
                    tracing::error!(error = %e, "cannot accept a connection; trying again in 1 s");
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                        () = &mut shutdown => break,
                    }
                }
            };
            match self.places.clone().try_acquire_owned() {
                Ok(place) => {
                    if at_cap {
                        tracing::info!("below the connection cap again");
                        at_cap = false;
                    }
                    // Small request/answer exchanges: no Nagle delay.
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve_connection(
                        stream,
                        router.clone(),
                        self.limits,
                        stopped.clone(),
                        place,
                    ));
                }
                Err(_) => {
                    if !at_cap {
                        tracing::warn!(
                            max_connections = self.limits.max_connections,
                            "connection cap reached: refusing new connections (503) until some close"
                        );
                        at_cap = true;
                    }
                    refuse(stream);
                }
            }
        }
        drop(listener);
        let _ = stop.send(());
        // Every connection holds a place until it ends: all of them back
        // means every connection is closed.
        let all = u32::try_from(self.limits.max_connections).unwrap_or(u32::MAX);
        let _ = self.places.acquire_many(all).await;
        Ok(())
    }
}

/// Errors of one incoming connection, not of the listener.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Answers 503 if the socket takes it right away (a new socket's send
/// buffer is empty, so it does) and closes: nothing is read or awaited.
fn refuse(stream: TcpStream) {
    let _ = stream.try_write(BUSY_ANSWER);
    drop(stream);
}

/// Where a connection is between requests, for the idle timeout.
#[derive(Debug, Clone, Copy)]
enum Activity {
    /// No request yet: the header timeout alone applies.
    New,
    /// Requests being answered.
    Busy(usize),
    /// Answered; waiting for the next request since then.
    IdleSince(Instant),
}

/// Marks a request as being answered until dropped.
struct Busy(Arc<watch::Sender<Activity>>);

impl Busy {
    fn start(activity: &Arc<watch::Sender<Activity>>) -> Busy {
        activity.send_modify(|a| {
            *a = match *a {
                Activity::Busy(n) => Activity::Busy(n + 1),
                _ => Activity::Busy(1),
            }
        });
        Busy(activity.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.send_modify(|a| {
            *a = match *a {
                Activity::Busy(n) if n > 1 => Activity::Busy(n - 1),
                _ => Activity::IdleSince(Instant::now()),
            }
        });
    }
}

/// One connection, holding `_place` until it is closed.
async fn serve_connection(
    stream: TcpStream,
    router: Router,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<()>,
    _place: OwnedSemaphorePermit,
) {
    let (activity, mut watch_activity) = watch::channel(Activity::New);
    let activity = Arc::new(activity);
    let app = TowerToHyperService::new(router);
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let busy = Busy::start(&activity);
        let answer = app.call(req);
        async move {
            let answer = answer.await;
            drop(busy);
            answer
        }
    });
    let mut conn = pin!(http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service));
    // Once closing (server stopping or idle too long), hyper finishes the
    // request in flight, if any, and closes.
    let mut closing = false;
    loop {
        let idle_deadline = match *watch_activity.borrow_and_update() {
            Activity::IdleSince(since) if !closing => Some(since + limits.idle_timeout),
            _ => None,
        };
        let idle_too_long = async {
            match idle_deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            ended = conn.as_mut() => {
                if let Err(e) = ended {
                    // Header timeouts, resets: the client's doing, and an
                    // attack would flood the log at a higher level.
                    tracing::debug!(error = %e, "connection ended");
                }
                break;
            }
            _ = stop.changed(), if !closing => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
            changed = watch_activity.changed() => {
                // The sender lives in the service, inside `conn`: it is not
                // dropped while the connection runs.
                debug_assert!(changed.is_ok());
            }
            () = idle_too_long => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_that_cannot_work_are_refused() {
        assert!(ConnectionLimits::default().check().is_ok());
        let ok = ConnectionLimits::default();
        for bad in [
            ConnectionLimits {
                max_connections: 0,
                ..ok
            },
            ConnectionLimits {
                header_timeout: Duration::ZERO,
                ..ok
            },
            ConnectionLimits {
                idle_timeout: Duration::ZERO,
                ..ok
            },
            ConnectionLimits {
                idle_timeout: Duration::from_secs(30),
                ..ok
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_busy_answer_is_well_formed() {
        let text = std::str::from_utf8(BUSY_ANSWER).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(body.len(), length);
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(json["error"].is_string());
    }
}
