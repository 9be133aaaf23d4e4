//! The command line: `serve`, `migrate`, `device add|list|revoke`.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::{ArgGroup, Args, Parser, Subcommand};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::connections::{ensure_open_file_limit, ConnectionLimits};
use crate::db::{self, PoolOptions};
use crate::devices::{self, DeviceToken, Revoke};
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
    /// List device tokens: id, store, name, the device each is bound to
    /// (by its first batch), when it was created and last used, revoked.
    List(DeviceListArgs),
    /// Revoke device tokens: refused (401) from then on.
    Revoke(DeviceRevokeArgs),
}

#[derive(Debug, Args)]
pub struct DeviceListArgs {
    /// Only this store's tokens.
    #[arg(long)]
    pub store: Option<String>,
    /// A JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["id", "device"])))]
pub struct DeviceRevokeArgs {
    /// The token's id, as `device list` shows it.
    #[arg(long)]
    pub id: Option<i64>,
    /// Every token bound to this device id.
    #[arg(long)]
    pub device: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
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
            let (id, token) = devices::add(&pool, &args.store, args.name.as_deref()).await?;
            // The only line on stdout; the token is not stored anywhere in clear.
            println!("{token}");
            eprintln!(
                "Device token {id} created for store {:?}. It is shown only this once; \
                 the first device to sync with it keeps it.",
                args.store.trim()
            );
            Ok(())
        }
        Command::Device(DeviceCommand::List(args)) => {
            let pool = db::pool(&args.db.database_url, PoolOptions::default())?;
            db::migrate(&pool).await?;
            let tokens = devices::list(&pool, args.store.as_deref().map(str::trim)).await?;
            let text = if args.json {
                let mut json = serde_json::to_string_pretty(&tokens)
                    .map_err(|e| Error::Invalid(format!("cannot write the list as JSON: {e}")))?;
                json.push('\n');
                json
            } else {
                token_table(&tokens)
            };
            print_out(&text)
        }
        Command::Device(DeviceCommand::Revoke(args)) => {
            let which = match (args.id, args.device) {
                (Some(id), _) => Revoke::Id(id),
                (None, Some(device)) => Revoke::Device(device.trim().to_string()),
                // clap requires one of the two.
                (None, None) => return Err(Error::Invalid("say --id or --device".into())),
            };
            let pool = db::pool(&args.db.database_url, PoolOptions::default())?;
            db::migrate(&pool).await?;
            let done = devices::revoke(&pool, &which).await?;
            let mut text = String::new();
            for t in &done.revoked {
                text.push_str(&format!(
                    "revoked device token {} (store {}, {})\n",
                    t.id,
                    t.store_id,
                    bound_device(t)
                ));
            }
            for t in &done.already {
                text.push_str(&format!(
                    "device token {} was already revoked ({})\n",
                    t.id,
                    time(t.revoked_at)
                ));
            }
            print_out(&text)
        }
    }
}

/// Writes command output to stdout; a reader that went away (`| head`) is
/// not an error.
fn print_out(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn bound_device(t: &DeviceToken) -> String {
    match &t.device_id {
        Some(d) => format!("device {d}"),
        None => "not yet bound".into(),
    }
}

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(
        || "-".into(),
        |t| t.format("%Y-%m-%d %H:%M:%SZ").to_string(),
    )
}

/// `device list` as an aligned table, one token per line.
fn token_table(tokens: &[DeviceToken]) -> String {
    let header = [
        "ID",
        "STORE",
        "NAME",
        "DEVICE",
        "CREATED",
        "LAST SEEN",
        "REVOKED",
    ];
    let rows: Vec<[String; 7]> = tokens
        .iter()
        .map(|t| {
            [
                t.id.to_string(),
                t.store_id.clone(),
                t.name.clone().unwrap_or_else(|| "-".into()),
                t.device_id
                    .clone()
                    .unwrap_or_else(|| "not yet bound".into()),
                time(Some(t.created_at)),
                t.last_seen_at
                    .map_or_else(|| "never".into(), |_| time(t.last_seen_at)),
                time(t.revoked_at),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                l.push_str(&format!("{cell:<w$}  "));
            }
        }
        l.push('\n');
        l
    };
    let mut text = line(&header);
    for row in &rows {
        text.push_str(&line(&row.each_ref().map(String::as_str)));
    }
    text
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
