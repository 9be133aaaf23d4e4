//! Running the server: in a binary ([`serve`] until a signal) or in-process
//! for tests and benchmarks ([`Server`]).

use std::future::Future;
use std::io;
use std::net::SocketAddr;

use axum::serve::ListenerExt;
use axum::Router;
use deadpool_postgres::Pool;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::Error;
use crate::ingest::Limits;
use crate::routes::router_with;

/// Serves `router` on `listener` until `shutdown` completes, then stops
/// accepting and returns once the requests in flight are answered.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    // Small request/answer exchanges: do not let Nagle delay the answer.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
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
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Server {
    /// Serves the protocol (default limits) on `listener` with `pool`, whose
    /// database must already be migrated. Needs a Tokio runtime.
    pub fn spawn(pool: Pool, listener: TcpListener) -> io::Result<Server> {
        Server::spawn_with(pool, listener, Limits::default())
    }

    /// As [`Server::spawn`], with other limits.
    pub fn spawn_with(pool: Pool, listener: TcpListener, limits: Limits) -> io::Result<Server> {
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let router = router_with(pool.clone(), limits);
        let task = tokio::spawn(serve(listener, router, async move {
            let _ = stopped.await;
        }));
        Ok(Server {
            addr,
            pool,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Connects to `database_url`, migrates, and serves on a free loopback
    /// port: the one call a test or a benchmark needs.
    pub async fn start_local(database_url: &str) -> Result<Server, Error> {
        let pool = crate::connect(database_url).await?;
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        Ok(Server::spawn(pool, listener)?)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT`, the `endpoint` a client is configured with.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
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
