//! `till-upstream`: the reference upstream of the Till sync protocol
//! (`docs/sync-protocol.md`). Devices POST batches of events; valid events
//! are stored in PostgreSQL once per (store, event id), and `order.completed`
//! events are projected into `orders`.
//!
//! Use from tests and benchmarks:
//!
//! ```no_run
//! # async fn demo(url: &str) -> Result<(), till_upstream::Error> {
//! let server = till_upstream::Server::start_local(url).await?;   // migrate + serve on 127.0.0.1:0
//! let token = till_upstream::create_device(server.pool(), "store-1", Some("till 1")).await?;
//! // … point a client at server.endpoint() with `token` …
//! server.shutdown().await?;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod body;
pub mod cli;
pub mod connections;
pub mod db;
pub mod devices;
pub mod error;
pub mod ingest;
pub mod routes;
pub mod server;

pub use connections::ConnectionLimits;
pub use db::{migrate, pool, PoolOptions};
pub use devices::create_device;
pub use error::{ApiError, Error};
pub use ingest::{BatchResponse, Limits, Rejection};
pub use routes::{router, router_with, router_with_baseline};
pub use server::{serve, shutdown_signal, Server, ServerConfig};
pub use till_wire;

// The pool type and the driver, so users need no direct dependency to query.
pub use deadpool_postgres::{self, Pool};
pub use tokio_postgres;

/// A pool for `database_url` (default options) with the schema migrated:
/// fails now if the database cannot be reached.
pub async fn connect(database_url: &str) -> Result<Pool, Error> {
    let pool = db::pool(database_url, PoolOptions::default())?;
    db::migrate(&pool).await?;
    Ok(pool)
}
