//! The command line: `serve`, `migrate`, `device add`.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::connections::{ensure_open_file_limit, ConnectionLimits};
use crate::db::{self, PoolOptions};
use crate::error::Error;
use crate::ingest::Limits;
use crate::server::{serve, shutdown_signal, ServerConfig};

#[derive(Debug, Parser)]
#[command(
    name = "till-upstream",
    version,
    about = "Till's reference upstream: receives sync batches into PostgreSQL"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, then serve the sync protocol until SIGINT/SIGTERM.
    Serve(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate(DbArgs),
    /// Manage device tokens.
    #[command(subcommand)]
    Device(DeviceCommand),
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// PostgreSQL URL, e.g. postgres://till:secret@127.0.0.1:5432/till
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on (port 0: any free port, logged at start).
    #[arg(long, env = "TILL_UPSTREAM_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Database connections at most (also the batches stored at once).
    #[arg(long, default_value_t = 16)]
    pub max_connections: usize,
    /// Client (HTTP) connections open at once; one more is answered 503 and
    /// closed at once.
    #[arg(long, default_value_t = ConnectionLimits::default().max_connections)]
    pub max_client_connections: usize,
    /// Seconds a client has to send a whole request header, from connecting
    /// or from its previous answer; then the connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = ConnectionLimits::default().header_timeout.as_secs())]
    pub header_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request (at
    /// most --header-timeout).
    #[arg(long, value_name = "SECONDS", default_value_t = ConnectionLimits::default().idle_timeout.as_secs())]
    pub idle_timeout: u64,
    /// Seconds to let requests in flight finish after a signal.
    #[arg(long, default_value_t = 20)]
    pub shutdown_grace: u64,
    /// Largest request body as received (compressed), in bytes.
    #[arg(long, default_value_t = Limits::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// Largest batch after decompression, in bytes.
    #[arg(long, default_value_t = Limits::default().max_json_bytes)]
    pub max_json_bytes: usize,
    /// Most events in one batch.
    #[arg(long, default_value_t = Limits::default().max_events)]
    pub max_events: usize,
    /// Also serve POST /v1/events, the one-event-per-request baseline of the
    /// sync benchmark. Not part of the protocol; for benchmarks only.
    #[arg(long)]
    pub enable_baseline_endpoint: bool,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Create a device token for a store and print it (once) on stdout.
    Add(DeviceAddArgs),
}

#[derive(Debug, Args)]
pub struct DeviceAddArgs {
    /// The store the device belongs to (the store_id it will send).
    #[arg(long)]
    pub store: String,
    /// A label for the device, e.g. "front counter".
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Serve(args) => run_serve(args).await,
        Command::Migrate(db) => {
            let pool = db::pool(&db.database_url, PoolOptions::default())?;
            let applied = db::migrate(&pool).await?;
            tracing::info!(?applied, "database schema is up to date");
            Ok(())
        }
        Command::Device(DeviceCommand::Add(args)) => {
            let pool = db::pool(&args.db.database_url, PoolOptions::default())?;
            db::migrate(&pool).await?;
            let token =
                crate::auth::create_device(&pool, &args.store, args.name.as_deref()).await?;
            // The only line on stdout; the token is not stored anywhere in clear.
            println!("{token}");
            eprintln!(
                "Device token created for store {:?}. It is shown only this once.",
                args.store.trim()
            );
            Ok(())
        }
    }
}

async fn run_serve(args: ServeArgs) -> Result<(), Error> {
    let config = ServerConfig {
        limits: Limits {
            max_body_bytes: args.max_body_bytes,
            max_json_bytes: args.max_json_bytes,
            max_events: args.max_events,
        },
        connections: ConnectionLimits {
            max_connections: args.max_client_connections,
            header_timeout: Duration::from_secs(args.header_timeout),
            idle_timeout: Duration::from_secs(args.idle_timeout),
        },
        baseline_endpoint: args.enable_baseline_endpoint,
    };
    let limits = config.limits;
    if limits.max_body_bytes == 0 || limits.max_json_bytes == 0 || limits.max_events == 0 {
        return Err(Error::Invalid("limits must be above zero".into()));
    }
    config.connections.check()?;
    let open_files = ensure_open_file_limit(&config.connections, args.max_connections)?;
    let pool = db::pool(
        &args.db.database_url,
        PoolOptions {
            max_connections: args.max_connections,
            ..PoolOptions::default()
        },
    )?;
    db::migrate(&pool).await?;
    let listener = TcpListener::bind(args.listen).await?;
    tracing::info!(
        addr = %listener.local_addr()?,
        max_client_connections = config.connections.max_connections,
        header_timeout_s = args.header_timeout,
        idle_timeout_s = args.idle_timeout,
        open_files,
        "listening"
    );

    if config.baseline_endpoint {
        tracing::warn!(
            "POST /v1/events is served (--enable-baseline-endpoint): a benchmark baseline, not for production"
        );
    }

    let (stop, stopped) = oneshot::channel::<()>();
    let router = config.router(pool.clone());
    let mut task = tokio::spawn(serve(listener, router, config.connections, async move {
        let _ = stopped.await;
    }));
    tokio::select! {
        ended = &mut task => {
            // The server only ends by itself on an I/O error.
            return Ok(ended.map_err(std::io::Error::other)??);
        }
        _ = shutdown_signal() => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
    let _ = stop.send(());
    match tokio::time::timeout(Duration::from_secs(args.shutdown_grace), &mut task).await {
        Ok(ended) => ended.map_err(std::io::Error::other)??,
        Err(_) => {
            tracing::warn!(
                seconds = args.shutdown_grace,
                "requests still in flight after the grace period; exiting"
            )
        }
    }
    pool.close();
    tracing::info!("stopped");
    Ok(())
}
