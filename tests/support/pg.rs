//! A real PostgreSQL for tests, shared by every test of one test binary.
//!
//! Use from any test crate with
//!
//! ```ignore
//! #[path = "support/pg.rs"]
//! mod pg;
//! let url = pg::fresh_database("my_test"); // a new, empty database
//! ```
//!
//! It only needs the standard library and PostgreSQL's own programs (`psql`
//! to create databases), so any crate can include it.
//!
//! * If `TILL_TEST_PG_URL` is set (a `postgres://` URL of a superuser or a
//!   role with CREATEDB, e.g. `postgres://postgres@127.0.0.1:5432/postgres`),
//!   that server is used as is; databases created there are left behind
//!   (named `<prefix>_<pid>_<n>_<nanos>`).
//! * Otherwise a throwaway server is started once per process: `initdb`
//!   (trust auth, UTF-8, `-N`) in a fresh directory under `/tmp`, then
//!   `pg_ctl start -w` on a free loopback port with the socket in that
//!   directory and `fsync=off`. Programs come from `TILL_TEST_PG_BIN` or the
//!   newest `/usr/lib/postgresql/*/bin`. PostgreSQL refuses to run as root,
//!   so as root every PostgreSQL program runs as the `postgres` user through
//!   `runuser -u postgres --`, in a directory owned by `postgres`.
//!
//! Stopping it: statics are never dropped and a test process can die by
//! panic, `exit` or SIGKILL, so cleanup is not left to a destructor. Before
//! starting PostgreSQL we spawn a tiny watchdog (`sh`) whose stdin is a pipe
//! that only this process holds (std opens pipes close-on-exec, so no other
//! child inherits it). When this process ends, however it ends, the kernel
//! closes the pipe; the watchdog's `cat` sees end-of-file and it runs
//! `pg_ctl stop -m immediate` and deletes the directory. The watchdog has
//! its own process group and ignores SIGINT/SIGTERM/SIGHUP, so a Ctrl-C on
//! `cargo test` does not kill it before it has cleaned up.
#![allow(dead_code)]

use std::fs;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub struct PgServer {
    /// URL of the server's `postgres` database (for admin statements).
    url: String,
    psql: PathBuf,
    own: Option<Owned>,
}

/// A server this process started.
struct Owned {
    dir: PathBuf,
    port: u16,
    /// Never waited for: it must outlive us. Its stdin pipe stays open until
    /// this process exits, which tells it to clean up.
    _watchdog: Mutex<Child>,
}

/// The shared server, started (or connected to) on first use.
pub fn server() -> &'static PgServer {
    static SERVER: OnceLock<PgServer> = OnceLock::new();
    SERVER.get_or_init(|| match std::env::var("TILL_TEST_PG_URL") {
        Ok(url) if !url.trim().is_empty() => PgServer::external(url.trim().to_string()),
        _ => PgServer::start_own(),
    })
}

/// A new empty database on the shared server; returns its URL.
pub fn fresh_database(name_prefix: &str) -> String {
    server().fresh_database(name_prefix)
}

impl PgServer {
    /// URL of the server's `postgres` database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The same server, another database.
    pub fn url_for(&self, database: &str) -> String {
        with_database(&self.url, database)
    }

    /// The loopback port of a server this process started.
    pub fn port(&self) -> Option<u16> {
        self.own.as_ref().map(|o| o.port)
    }

    /// Runs `sql` with psql against `url`; returns stdout (unaligned, tuples only).
    pub fn psql(&self, url: &str, sql: &str) -> String {
        let out = self.try_psql(url, sql);
        assert!(
            out.status.success(),
            "psql failed on {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn try_psql(&self, url: &str, sql: &str) -> Output {
        Command::new(&self.psql)
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                url,
                "-c",
                sql,
            ])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.psql.display()))
    }

    /// Creates a database named after `name_prefix`, unique in this server.
    pub fn fresh_database(&self, name_prefix: &str) -> String {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let mut prefix: String = name_prefix
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(28)
            .collect();
        if !prefix.starts_with(|c: char| c.is_ascii_lowercase()) {
            prefix.insert_str(0, "t_");
        }
        let name = format!(
            "{prefix}_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos() % 1_000_000_000
        );
        // Concurrent CREATE DATABASE can fail transiently ("source database
        // template1 is being accessed by other users"): retry a few times.
        let mut last = String::new();
        for _ in 0..20 {
            let out = self.try_psql(&self.url, &format!("CREATE DATABASE \"{name}\""));
            if out.status.success() {
                return self.url_for(&name);
            }
            last = String::from_utf8_lossy(&out.stderr).to_string();
            if last.contains("already exists") {
                break;
            }
            sleep(Duration::from_millis(200));
        }
        panic!("cannot create test database {name}: {last}");
    }

    fn external(url: String) -> PgServer {
        let psql = pg_program("psql")
            .expect("TILL_TEST_PG_URL is set but psql was not found (install postgresql-client)");
        let server = PgServer {
            url,
            psql,
            own: None,
        };
        server.wait_ready(Duration::from_secs(30));
        server
    }

    // The watchdog is deliberately never waited for (see the module comment).
    #[allow(clippy::zombie_processes)]
    fn start_own() -> PgServer {
        let initdb = pg_program("initdb").expect(
            "no PostgreSQL found (looked in TILL_TEST_PG_BIN, /usr/lib/postgresql/*/bin, PATH): \
             install postgresql or set TILL_TEST_PG_URL",
        );
        let bin = initdb.parent().unwrap().to_path_buf();
        let root = is_root();
        let dir = PathBuf::from(format!("/tmp/till-pg-{}-{}", std::process::id(), nanos()));
        fs::create_dir(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        if root {
            let out = Command::new("chown")
                .arg("postgres:")
                .arg(&dir)
                .output()
                .expect("cannot run chown");
            assert!(
                out.status.success(),
                "running as root, but cannot give {} to the postgres user (does it exist?): {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // The watchdog first, so that a failure below still cleans up.
        let watchdog = spawn_watchdog(&bin.join("pg_ctl"), &dir, root);

        let data = dir.join("data");
        let out = as_postgres(root, &initdb, &dir)
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "-N",
            ])
            .output()
            .expect("cannot run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );

        let log = dir.join("postgres.log");
        for attempt in 1..=5 {
            let port = free_port();
            let options = format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                dir.display()
            );
            // `-l`: the server's output goes to the log file, not to our pipes.
            let out = as_postgres(root, &bin.join("pg_ctl"), &dir)
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "60", "-o", &options, "start"])
                .stdin(Stdio::null())
                .output()
                .expect("cannot run pg_ctl");
            if out.status.success() {
                let psql = bin.join("psql");
                let server = PgServer {
                    url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
                    psql,
                    own: Some(Owned {
                        dir,
                        port,
                        _watchdog: Mutex::new(watchdog),
                    }),
                };
                server.wait_ready(Duration::from_secs(30));
                return server;
            }
            let text = fs::read_to_string(&log).unwrap_or_default();
            let port_taken =
                text.contains("could not bind") || text.contains("Address already in use");
            if !port_taken || attempt == 5 {
                panic!(
                    "pg_ctl start failed: {}{}\n--- {} ---\n{text}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr),
                    log.display()
                );
            }
        }
        unreachable!()
    }

    /// Waits until the server answers a query.
    fn wait_ready(&self, timeout: Duration) {
        let start = Instant::now();
        loop {
            let out = self.try_psql(&self.url, "SELECT 1");
            if out.status.success() {
                return;
            }
            if start.elapsed() > timeout {
                panic!(
                    "PostgreSQL at {} does not answer: {}",
                    self.url,
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            sleep(Duration::from_millis(100));
        }
    }
}

/// See the module comment.
fn spawn_watchdog(pg_ctl: &Path, dir: &Path, root: bool) -> Child {
    const SCRIPT: &str = r#"
        trap '' INT TERM HUP PIPE
        cat >/dev/null 2>&1
        if [ "$3" = root ]; then
            "$4" -u postgres -- "$2" -D "$1/data" -m immediate -w stop
        else
            "$2" -D "$1/data" -m immediate -w stop
        fi >/dev/null 2>&1
        rm -rf "$1"
    "#;
    Command::new("sh")
        .arg("-c")
        .arg(SCRIPT)
        .arg("till-pg-watchdog")
        .arg(dir)
        .arg(pg_ctl)
        .arg(if root { "root" } else { "user" })
        .arg(runuser())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("cannot start the PostgreSQL watchdog (sh)")
}

/// `program`, run as the `postgres` user when we are root, in `dir`.
fn as_postgres(root: bool, program: &Path, dir: &Path) -> Command {
    let mut cmd = if root {
        let mut c = Command::new(runuser());
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    // The postgres user may not be allowed into our working directory.
    cmd.current_dir(dir);
    cmd
}

fn runuser() -> PathBuf {
    [
        "/usr/sbin/runuser",
        "/sbin/runuser",
        "/usr/bin/runuser",
        "/bin/runuser",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .unwrap_or_else(|| PathBuf::from("runuser"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A PostgreSQL program: `TILL_TEST_PG_BIN`, the newest
/// `/usr/lib/postgresql/*/bin`, `/usr/local/pgsql/bin`, then `PATH`.
fn pg_program(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Ok(d) = std::env::var("TILL_TEST_PG_BIN") {
        dirs.push(PathBuf::from(d));
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().parse::<u32>().unwrap_or(0),
                        e.path().join("bin"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by_key(|v| std::cmp::Reverse(v.0));
    dirs.extend(versions.into_iter().map(|v| v.1));
    dirs.push(PathBuf::from("/usr/local/pgsql/bin"));
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// A loopback port free right now (PostgreSQL binds it a moment later; a
/// lost race is retried by the caller).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

fn nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// `postgres://u@h:p/old?x=y` with another database name.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |i| i + authority);
    let mut out = format!("{}/{database}", &base[..path]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}
