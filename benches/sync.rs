//! Sync throughput against a naive baseline, side by side in one run
//! (results in BENCHMARKS.md):
//! * Till: 100,000 outbox events through `till-sync` in batches (gzip,
//!   up to 500 events) to `till-upstream`;
//! * baseline: the same kind of events POSTed one by one (plain JSON, one
//!   single-row insert per request), as a naive usage service does, to
//!   `POST /v1/events` (served with `serve --enable-baseline-endpoint`).
//!
//! For each: requests, request body bytes, server CPU per event (the
//! `till-upstream` process plus PostgreSQL's processes, from /proc) and
//! wall time. The baseline runs 20,000 events; per-event figures compare.
//!
//! Run: `cargo bench -p till-upstream --bench sync` (starts its own PostgreSQL).

#[path = "../tests/support/pg.rs"]
mod pg;

use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use till_core::settings::Settings;
use till_core::Store;
use till_sync::client::WireStats;
use till_sync::SyncOptions;

const TILL_EVENTS: usize = 100_000;
const BASELINE_EVENTS: usize = 20_000;

fn ticks_per_sec() -> f64 {
    100.0 // USER_HZ on Linux
}

/// CPU seconds (user + system) of one process, from /proc/PID/stat.
fn cpu_of(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ut: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let st: f64 = f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    (ut + st) / ticks_per_sec()
}

/// CPU seconds of the server process plus every PostgreSQL process.
fn server_cpu(server: u32) -> f64 {
    let mut total = cpu_of(server);
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() == "postgres" {
            total += cpu_of(pid);
        }
    }
    total
}

struct ServerProc(Child);
impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn upstream(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_till-upstream"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A store whose outbox holds `n` order.completed events shaped like a real
/// 3-line sale's (copied from one sale made through the checkout).
fn store_with_events(dir: &std::path::Path, n: usize) -> Store {
    let mut s = Store::create(dir.join("till.db"), Settings::default()).unwrap();
    till_core::demo::seed_catalog(&mut s).unwrap();
    till_core::demo::run_sales(&mut s, 1, 1).unwrap();
    let template = s
        .pending_events(10)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "order.completed")
        .unwrap();
    let c = s.connection();
    c.execute_batch("BEGIN").unwrap();
    {
        let mut stmt = c.prepare("INSERT INTO outbox (id, type, occurred_at, payload) VALUES (?1, 'order.completed', ?2, ?3)").unwrap();
        for i in 1..n {
            let mut p = template.payload.clone();
            p["order_id"] = serde_json::json!(uuid_v7());
            p["number"] = serde_json::json!(format!("BNCH-{i:06}"));
            stmt.execute(rusqlite_params(
                &uuid_v7(),
                &template.occurred_at,
                &p.to_string(),
            ))
            .unwrap();
        }
    }
    c.execute_batch("COMMIT").unwrap();
    s
}

fn uuid_v7() -> String {
    // till-core's dependency, reached through its ids: a fresh v7 each call.
    till_core::store::new_id()
}

fn rusqlite_params<'a>(a: &'a str, b: &'a str, c: &'a str) -> [&'a str; 3] {
    [a, b, c]
}

fn main() {
    let db_url = pg::fresh_database("bench_sync");
    upstream(&["migrate", "--database-url", &db_url]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let server = ServerProc(
        Command::new(env!("CARGO_BIN_EXE_till-upstream"))
            .args([
                "serve",
                "--database-url",
                &db_url,
                "--listen",
                &listen,
                "--enable-baseline-endpoint",
            ])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let endpoint = format!("http://{listen}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let http = reqwest::Client::new();
    rt.block_on(async {
        for _ in 0..100 {
            if http
                .get(format!("{endpoint}/v1/health"))
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("till-upstream did not start");
    });

    // Till: batches.
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with_events(dir.path(), TILL_EVENTS);
    let n_till = store.pending_event_count().unwrap() as f64;
    let token = upstream(&[
        "device",
        "add",
        "--store",
        &store.settings().store_id,
        "--database-url",
        &db_url,
    ]);
    let stats = Arc::new(WireStats::default());
    let mut opts = SyncOptions::new(endpoint.clone(), token);
    opts.stats = Some(stats.clone());
    let cpu0 = server_cpu(server.0.id());
    let up0 = cpu_of(server.0.id());
    let t0 = Instant::now();
    let end = rt.block_on(async {
        let (_tx, mut rx) = tokio::sync::watch::channel(false);
        till_sync::push_until_empty(&mut store, &opts, None, &mut rx)
            .await
            .unwrap()
    });
    let till_wall = t0.elapsed();
    let till_cpu = server_cpu(server.0.id()) - cpu0;
    let till_up_cpu = cpu_of(server.0.id()) - up0;
    assert_eq!(end, till_sync::RunEnd::Empty);
    let till_requests = stats.requests.load(Relaxed) as f64;
    let till_bytes = stats.body_bytes.load(Relaxed) as f64;

    // Baseline: one request per event, plain JSON, same kind of events.
    let events = store_with_events(tempfile::tempdir().unwrap().path(), BASELINE_EVENTS);
    let base_store_id = events.settings().store_id.clone();
    let base_token = upstream(&[
        "device",
        "add",
        "--store",
        &base_store_id,
        "--database-url",
        &db_url,
    ]);
    let all = events.pending_events(BASELINE_EVENTS).unwrap();
    let n_base = all.len() as f64;
    let cpu0 = server_cpu(server.0.id());
    let t0 = Instant::now();
    let base_bytes = rt.block_on(async {
        let mut bytes = 0u64;
        for e in &all {
            let body = serde_json::to_vec(&serde_json::json!({
                "device_id": events.settings().device_id, "store_id": base_store_id, "event": e,
            }))
            .unwrap();
            bytes += body.len() as u64;
            let r = http
                .post(format!("{endpoint}/v1/events"))
                .bearer_auth(&base_token)
                .header("Content-Type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(
                r.status().is_success(),
                "baseline request failed: {}",
                r.status()
            );
        }
        bytes as f64
    });
    let base_wall = t0.elapsed();
    let base_cpu = server_cpu(server.0.id()) - cpu0;

    let per = |x: f64, n: f64| x / n;
    println!(
        "(server CPU split, Till run: till-upstream {:.1} us/event)",
        per(till_up_cpu, n_till) * 1e6
    );
    println!("RESULT sync_till: {n_till} events, {till_requests} requests ({:.0} events/request), {:.1} MB bodies ({:.0} B/event), server CPU {:.1} us/event, wall {:.2} s",
        n_till / till_requests, till_bytes / 1e6, per(till_bytes, n_till), per(till_cpu, n_till) * 1e6, till_wall.as_secs_f64());
    println!("RESULT sync_baseline: {n_base} events, {n_base} requests (1 event/request), {:.1} MB bodies ({:.0} B/event), server CPU {:.1} us/event, wall {:.2} s ({:.1} s per 100,000)",
        base_bytes / 1e6, per(base_bytes, n_base), per(base_cpu, n_base) * 1e6, base_wall.as_secs_f64(), base_wall.as_secs_f64() / n_base * 100_000.0);
    println!("RESULT sync_ratio: server CPU per event {:.1}x lower, bytes per event {:.1}x lower, requests per event {:.0}x fewer",
        per(base_cpu, n_base) / per(till_cpu, n_till), per(base_bytes, n_base) / per(till_bytes, n_till), 1.0 / (till_requests / n_till));
    drop(server);
}
