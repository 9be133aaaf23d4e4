//! Running the server: in a binary ([`serve`] until a signal) or in-process
//! for tests and benchmarks ([`Server`]).

use std::future::Future;
use std::io;
use std::net::SocketAddr;

use axum::Router;
use deadpool_postgres::Pool;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::connections::{ConnectionLimits, Connections};
use crate::error::Error;
use crate::ingest::Limits;
use crate::routes::{router_with, router_with_baseline};

/// Everything `serve` can be told, with the defaults of the binary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerConfig {
    /// Batch sizes.
    pub limits: Limits,
    /// Open connections and their timeouts.
    pub connections: ConnectionLimits,
    /// Serve `POST /v1/events`, the benchmark's one-event-per-request
    /// baseline. Off by default: it is not part of the protocol.
    pub baseline_endpoint: bool,
}

impl ServerConfig {
    /// The routes this configuration serves.
    pub fn router(&self, pool: Pool) -> Router {
        if self.baseline_endpoint {
            router_with_baseline(pool, self.limits)
        } else {
            router_with(pool, self.limits)
        }
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown`
/// completes, then stops accepting and returns once the requests in flight
/// are answered and every connection is closed. Limits that cannot work
/// (see [`ConnectionLimits::check`]) are an `InvalidInput` error.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    checked(limits)?;
    Connections::new(limits)
        .serve(listener, router, shutdown)
        .await
}

fn checked(limits: ConnectionLimits) -> io::Result<()> {
    limits
        .check()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT received"),
        _ = term => tracing::info!("SIGTERM received"),
    }
}

/// A server running in this process on its own task. Dropping it starts a
/// graceful shutdown without waiting; [`Server::shutdown`] waits.
pub struct Server {
    addr: SocketAddr,
    pool: Pool,
    connections: Connections,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Server {
    /// Serves the protocol (default limits) on `listener` with `pool`, whose
    /// database must already be migrated. Needs a Tokio runtime.
    pub fn spawn(pool: Pool, listener: TcpListener) -> io::Result<Server> {
        Server::spawn_with(pool, listener, Limits::default())
    }

    /// As [`Server::spawn`], with other batch limits.
    pub fn spawn_with(pool: Pool, listener: TcpListener, limits: Limits) -> io::Result<Server> {
        Server::spawn_with_config(
            pool,
            listener,
            ServerConfig {
                limits,
                ..ServerConfig::default()
            },
        )
    }

    /// As [`Server::spawn`], configured like `serve`'s flags do.
    pub fn spawn_with_config(
        pool: Pool,
        listener: TcpListener,
        config: ServerConfig,
    ) -> io::Result<Server> {
        checked(config.connections)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let router = config.router(pool.clone());
        let connections = Connections::new(config.connections);
        let task = tokio::spawn(connections.clone().serve(listener, router, async move {
            let _ = stopped.await;
        }));
        Ok(Server {
            addr,
            pool,
            connections,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Connects to `database_url`, migrates, and serves on a free loopback
    /// port: the one call a test or a benchmark needs.
    pub async fn start_local(database_url: &str) -> Result<Server, Error> {
        Server::start_local_with(database_url, ServerConfig::default()).await
    }

    /// As [`Server::start_local`], configured like `serve`'s flags do.
    pub async fn start_local_with(
        database_url: &str,
        config: ServerConfig,
    ) -> Result<Server, Error> {
        config.connections.check()?;
        let pool = crate::connect(database_url).await?;
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        Ok(Server::spawn_with_config(pool, listener, config)?)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT`, the `endpoint` a client is configured with.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Client connections open right now (at most the configured cap).
    pub fn open_connections(&self) -> usize {
        self.connections.open()
    }

    /// The server's pool, e.g. to look at what was stored.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Stops accepting, waits for requests in flight, and returns.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
