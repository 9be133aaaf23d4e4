//! The PostgreSQL pool and the schema migrations.
//!
//! Migrations are numbered `.sql` files in `crates/till-upstream/migrations/`,
//! embedded in the binary, forward only. [`migrate`] applies the missing ones
//! in one transaction, recorded in `schema_migrations(version)`, under an
//! advisory lock so that several servers starting at once do not race.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use crate::error::Error;

/// `(version, name, sql)`, in order. Never edit a released entry; add one.
const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (
        2,
        "referral_codes",
        include_str!("../migrations/0002_referral_codes.sql"),
    ),
    (
        3,
        "device_binding",
        include_str!("../migrations/0003_device_binding.sql"),
    ),
    (
        4,
        "audit_heads",
        include_str!("../migrations/0004_audit_heads.sql"),
    ),
];

/// Arbitrary constant for `pg_advisory_xact_lock`: "till" in ASCII.
const MIGRATION_LOCK: i64 = 0x7469_6c6c;

/// How the pool talks to PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// Connections at most (also the number of batches processed at once).
    pub max_connections: usize,
    /// How long a request waits for a free connection, and for a new one to
    /// connect, before it is answered 503.
    pub timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 16,
            timeout: Duration::from_secs(5),
        }
    }
}

/// A pool for `database_url` (`postgres://user:pass@host:port/db`, or the
/// key=value form). Connects lazily: a wrong URL shows up at the first use.
/// TLS is not supported (the reference upstream expects a local or private
/// database); a URL with `sslmode=require` fails to connect.
pub fn pool(database_url: &str, opts: PoolOptions) -> Result<Pool, Error> {
    let mut config: tokio_postgres::Config = database_url.parse().map_err(Error::DatabaseUrl)?;
    if config.get_application_name().is_none() {
        config.application_name("till-upstream");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(opts.timeout);
    }
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Ok(Pool::builder(manager)
        .max_size(opts.max_connections.max(1))
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(opts.timeout))
        .create_timeout(Some(opts.timeout))
        .recycle_timeout(Some(opts.timeout))
        .build()?)
}

/// Applies the missing migrations; returns the versions it applied.
pub async fn migrate(pool: &Pool) -> Result<Vec<i32>, Error> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    // No "relation already exists, skipping" notice in the log at each start.
    tx.batch_execute("SET LOCAL client_min_messages TO warning")
        .await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     INTEGER PRIMARY KEY,
             name        TEXT NOT NULL,
             applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await?
        .get(0);
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if current > known {
        return Err(Error::SchemaTooNew {
            found: current,
            known,
        });
    }
    let mut applied = Vec::new();
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        tx.batch_execute(sql)
            .await
            .map_err(|source| Error::Migration {
                version,
                name,
                source,
            })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&version, &name],
        )
        .await?;
        tracing::info!(version, name, "applied migration");
        applied.push(version);
    }
    tx.commit().await?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.0, i as i32 + 1, "migration {} is out of order", m.1);
            assert!(!m.2.trim().is_empty());
        }
    }

    #[test]
    fn a_bad_url_is_refused_without_connecting() {
        assert!(matches!(
            pool("postgres://host:notaport/db", PoolOptions::default()),
            Err(Error::DatabaseUrl(_))
        ));
    }
}
