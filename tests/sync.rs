//! Sync against the real upstream (`till-upstream`) on a real PostgreSQL,
//! over loopback, through the real `till` binary: exactly once under
//! faults, kill -9 mid-sync, refused tokens, dead letters.

#[path = "support/pg.rs"]
mod pg;

#[path = "support/fault_proxy.rs"]
mod fault_proxy;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use fault_proxy::Fault;
use rand::{Rng, SeedableRng};
use till_core::Store;
use till_upstream::Server;

fn till(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_till"));
    c.arg("--db")
        .arg(db)
        .env_remove("TILL_DB")
        .env_remove("TILL_SYNC_TOKEN");
    c
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    out
}

/// A demo store with `sales` completed offline.
fn offline_shop(dir: &Path, sales: usize) -> (PathBuf, String) {
    let db = dir.join("till.db");
    ok(till(&db)
        .args(["init", "--demo", "--catalog-only"])
        .output()
        .unwrap());
    ok(till(&db)
        .args([
            "demo",
            "sales",
            "--count",
            &sales.to_string(),
            "--seed",
            "5",
        ])
        .output()
        .unwrap());
    // A settings change travels with the sales (`settings.changed`).
    ok(till(&db)
        .args([
            "settings",
            "set",
            "--tax-id",
            "GB123456789",
            "--backup-keep",
            "20",
        ])
        .output()
        .unwrap());
    let store_id = Store::open(&db).unwrap().settings().store_id.clone();
    (db, store_id)
}

fn outbox_count(db: &Path) -> i64 {
    Store::open(db)
        .unwrap()
        .connection()
        .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
        .unwrap()
}

async fn upstream_counts(server: &Server, store_id: &str) -> (i64, i64, i64) {
    let c = server.pool().get().await.unwrap();
    let orders: i64 = c
        .query_one(
            "SELECT COUNT(*) FROM orders WHERE store_id = $1",
            &[&store_id],
        )
        .await
        .unwrap()
        .get(0);
    let events: i64 = c
        .query_one(
            "SELECT COUNT(*) FROM events WHERE store_id = $1",
            &[&store_id],
        )
        .await
        .unwrap()
        .get(0);
    let order_events: i64 = c
        .query_one(
            "SELECT COUNT(*) FROM events WHERE store_id = $1 AND type = 'order.completed'",
            &[&store_id],
        )
        .await
        .unwrap()
        .get(0);
    (orders, events, order_events)
}

fn sync_once(db: &Path, endpoint: &str, token: &str) -> Command {
    let mut c = till(db);
    c.args([
        "sync",
        "run",
        "--once",
        "--endpoint",
        endpoint,
        "--timeout",
        "1",
        "--max-backoff",
        "0.3",
        "--deadline",
        "600",
    ])
    .env("TILL_SYNC_TOKEN", token);
    c
}

async fn status(db: &Path) -> serde_json::Value {
    let out = ok(till(db)
        .args(["sync", "status", "--json"])
        .output()
        .unwrap());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_offline_sales_arrive_exactly_once_through_faults() {
    let server = Server::start_local(&pg::fresh_database("sync_faults"))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (db, store_id) = offline_shop(dir.path(), 5000);
    let token = till_upstream::create_device(server.pool(), &store_id, Some("till 1"))
        .await
        .unwrap();
    // The first 36 requests cycle through every fault (one in six passes);
    // the rest pass. The delay outlasts the client's 1 s timeout.
    const CYCLE: [Fault; 6] = [
        Fault::DropBefore,
        Fault::Status500,
        Fault::Pass,
        Fault::TooMany,
        Fault::Delay(Duration::from_millis(1500)),
        Fault::DropAfterCommit,
    ];
    let proxy = fault_proxy::start(server.addr(), |i| {
        if i < 36 {
            CYCLE[i % 6]
        } else {
            Fault::Pass
        }
    })
    .await;
    let db2 = db.clone();
    let endpoint = proxy.url();
    let t = token.clone();
    let out = tokio::task::spawn_blocking(move || sync_once(&db2, &endpoint, &t).output().unwrap())
        .await
        .unwrap();
    ok(out);
    let seen = proxy.seen();
    for kind in [
        "drop_before",
        "500",
        "429",
        "delay",
        "drop_after_commit",
        "pass",
    ] {
        assert!(
            seen.get(kind).copied().unwrap_or(0) > 0,
            "fault {kind} never happened: {seen:?}"
        );
    }
    let (orders, events, order_events) = upstream_counts(&server, &store_id).await;
    assert_eq!(orders, 5000, "each of the 5,000 orders once");
    assert_eq!(order_events, 5000);
    assert_eq!(
        events,
        outbox_count(&db),
        "every outbox event once, nothing else"
    );
    let st = status(&db).await;
    assert_eq!(st["pending"], 0);
    assert_eq!(st["dead"], 0);
    assert!(st["last_success"].is_string());
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_sync_then_finish_gives_the_exact_set() {
    let server = Server::start_local(&pg::fresh_database("sync_kill"))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (db, store_id) = offline_shop(dir.path(), 2000);
    let token = till_upstream::create_device(server.pool(), &store_id, None)
        .await
        .unwrap();
    // Every request is held before it is forwarded, so a kill can land
    // while the request waits, while the upstream commits, or after it
    // committed and before the client marked the events sent.
    let proxy = fault_proxy::start(server.addr(), |i| {
        if i % 3 == 0 {
            Fault::Delay(Duration::from_millis(700))
        } else {
            Fault::Delay(Duration::from_millis(250))
        }
    })
    .await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut seen_mid = Vec::new();
    for _ in 0..6 {
        let mut child = sync_once(&db, &proxy.url(), &token)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(rng.random_range(150..600))).await;
        unsafe {
            libc::kill(child.id() as i32, libc::SIGKILL);
        }
        let _ = child.wait();
        seen_mid.push(upstream_counts(&server, &store_id).await.0);
    }
    // Let requests the killed clients left in flight reach the upstream.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        seen_mid.iter().any(|n| *n < 2000),
        "every kill came after the sync finished: {seen_mid:?}"
    );
    let db2 = db.clone();
    let endpoint = proxy.url();
    ok(
        tokio::task::spawn_blocking(move || sync_once(&db2, &endpoint, &token).output().unwrap())
            .await
            .unwrap(),
    );
    let (orders, events, _) = upstream_counts(&server, &store_id).await;
    assert_eq!(orders, 2000);
    assert_eq!(events, outbox_count(&db));
    assert_eq!(status(&db).await["pending"], 0);
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_at_once_and_says_so() {
    let server = Server::start_local(&pg::fresh_database("sync_refused"))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (db, store_id) = offline_shop(dir.path(), 20);
    // A token for another store: 403. A made-up token: 401.
    let other = till_upstream::create_device(server.pool(), "another-store", None)
        .await
        .unwrap();
    for token in [
        other.as_str(),
        "till_0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        let started = std::time::Instant::now();
        let db2 = db.clone();
        let endpoint = server.endpoint();
        let t = token.to_string();
        let out = tokio::task::spawn_blocking(move || {
            let mut c = till(&db2);
            c.args(["sync", "run", "--once", "--endpoint", &endpoint, "--json"])
                .env("TILL_SYNC_TOKEN", t);
            c.output().unwrap()
        })
        .await
        .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "it retried instead of stopping"
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("refused this device's token"), "{err}");
        assert!(!err.contains(token), "the token leaked into the error");
        let st = status(&db).await;
        assert_eq!(st["auth_failed"], true);
        assert!(st["pending"].as_i64().unwrap() > 0);
    }
    assert_eq!(upstream_counts(&server, &store_id).await, (0, 0, 0));
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_and_oversized_events_become_dead_letters_without_blocking_the_rest() {
    let server = Server::start_local(&pg::fresh_database("sync_dead"))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (db, store_id) = offline_shop(dir.path(), 30);
    {
        // An event type this upstream does not know, and an event far larger
        // than it accepts (incompressible), among the ordinary ones.
        let s = Store::open(&db).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let noise: String = (0..3_000_000)
            .map(|_| char::from(rng.random_range(b'!'..=b'~')))
            .collect();
        let insert = "INSERT INTO outbox (id, type, occurred_at, payload) VALUES (?1, ?2, ?3, ?4)";
        s.connection()
            .execute(
                insert,
                [
                    "01900000-0000-7000-8000-000000000001",
                    "loyalty.stamped",
                    "2026-11-25T10:00:00.000Z",
                    "{}",
                ],
            )
            .unwrap();
        let payload = serde_json::json!({ "note": noise }).to_string();
        s.connection()
            .execute(
                insert,
                [
                    "01900000-0000-7000-8000-000000000002",
                    "stock.adjusted",
                    "2026-11-25T10:00:01.000Z",
                    payload.as_str(),
                ],
            )
            .unwrap();
    }
    ok(till(&db)
        .args(["sale", "--item", "ESP", "--pay", "cash:10"])
        .output()
        .unwrap());
    let token = till_upstream::create_device(server.pool(), &store_id, None)
        .await
        .unwrap();
    let db2 = db.clone();
    let endpoint = server.endpoint();
    let t = token.clone();
    // The run delivers everything else, and says (exit 1) that two events
    // were not delivered.
    let out = tokio::task::spawn_blocking(move || sync_once(&db2, &endpoint, &t).output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("2 events were refused by the upstream") && stderr.contains("dead-letters"),
        "{stderr}"
    );
    let st = status(&db).await;
    assert_eq!(st["pending"], 0);
    assert_eq!(st["dead"], 2);
    let out = ok(till(&db)
        .args(["sync", "dead-letters", "--json"])
        .output()
        .unwrap());
    let dead: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reasons: Vec<&str> = dead
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.iter().any(|r| r.contains("larger")), "{reasons:?}");
    assert_eq!(dead.as_array().unwrap().len(), 2);
    let (orders, events, _) = upstream_counts(&server, &store_id).await;
    assert_eq!(orders, 31, "the rest got through");
    assert_eq!(events, outbox_count(&db) - 2);
    // Discard one, retry the other (it is rejected again).
    let id0 = dead[0]["id"].as_str().unwrap().to_string();
    let id1 = dead[1]["id"].as_str().unwrap().to_string();
    ok(till(&db).args(["sync", "discard", &id0]).output().unwrap());
    ok(till(&db).args(["sync", "retry", &id1]).output().unwrap());
    assert_eq!(status(&db).await["pending"], 1);
    let db2 = db.clone();
    let endpoint = server.endpoint();
    let t = token.clone();
    let out = tokio::task::spawn_blocking(move || sync_once(&db2, &endpoint, &t).output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 event was refused"));
    let st = status(&db).await;
    assert_eq!(
        (st["pending"].as_i64(), st["dead"].as_i64()),
        (Some(0), Some(1))
    );
    // A run that leaves no new dead letter succeeds, old ones notwithstanding.
    let db2 = db.clone();
    let endpoint = server.endpoint();
    ok(
        tokio::task::spawn_blocking(move || sync_once(&db2, &endpoint, &token).output().unwrap())
            .await
            .unwrap(),
    );
    let out = till(&db)
        .args(["sync", "discard", "nope", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    server.shutdown().await.unwrap();
}

/// Prints stdout of a successful command, trimmed.
fn run_text(cmd: &mut Command) -> String {
    String::from_utf8(ok(cmd.output().unwrap()).stdout)
        .unwrap()
        .trim()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_code_another_device_drew_first_is_reissued() {
    let server = Server::start_local(&pg::fresh_database("sync_codes"))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Device A issues a code and syncs it.
    let a = dir.path().join("a.db");
    ok(till(&a).args(["init"]).output().unwrap());
    let store_id = Store::open(&a).unwrap().settings().store_id.clone();
    let ann = run_text(till(&a).args(["customer", "add", "--name", "Ann"]));
    let code = run_text(till(&a).args(["referral", "code", &ann]));
    let token_a = till_upstream::create_device(server.pool(), &store_id, Some("a"))
        .await
        .unwrap();
    ok(sync_once(&a, &server.endpoint(), &token_a)
        .output()
        .unwrap());

    // Device B of the same store draws the same code (50 random bits make
    // this a once-in-a-lifetime event, so the test makes it happen).
    let b = dir.path().join("b.db");
    ok(till(&b).args(["init"]).output().unwrap());
    let bob = run_text(till(&b).args(["customer", "add", "--name", "Bob"]));
    let drawn = run_text(till(&b).args(["referral", "code", &bob]));
    {
        let s = Store::open(&b).unwrap();
        let c = s.connection();
        c.execute(
            "UPDATE settings SET value = ?1 WHERE key = 'store_id'",
            [&store_id],
        )
        .unwrap();
        c.execute(
            "UPDATE referral_codes SET code = ?1 WHERE code = ?2",
            [&code, &drawn],
        )
        .unwrap();
        c.execute(
            "UPDATE outbox SET payload = replace(payload, ?2, ?1) WHERE type = 'referral.code_created'",
            [&code, &drawn],
        )
        .unwrap();
    }
    let token_b = till_upstream::create_device(server.pool(), &store_id, Some("b"))
        .await
        .unwrap();
    ok(sync_once(&b, &server.endpoint(), &token_b)
        .output()
        .unwrap());

    // B retired the clashing code, issued Bob a new one and synced it; the
    // owner has nothing to sort out.
    let s = Store::open(&b).unwrap();
    let codes = s.referral_codes(&bob).unwrap();
    assert_eq!(codes.len(), 2, "{codes:?}");
    assert_eq!(codes[0].code, code);
    assert!(!codes[0].active);
    assert!(codes[0]
        .retired
        .as_deref()
        .is_some_and(|r| r.starts_with("duplicate referral code")));
    assert!(codes[1].active && codes[1].code != code);
    assert!(s.dead_letters().unwrap().is_empty());
    assert!(s.pending_events(10).unwrap().is_empty());
    let c = server.pool().get().await.unwrap();
    let held: Vec<String> = c
        .query(
            "SELECT code FROM referral_codes WHERE store_id = $1 ORDER BY code",
            &[&store_id],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut want = vec![code.clone(), codes[1].code.clone()];
    want.sort();
    assert_eq!(held, want);
    // Ann's code still works on A.
    ok(till(&a)
        .args([
            "product", "add", "--sku", "T", "--name", "T", "--price", "2", "--stock", "5",
        ])
        .output()
        .unwrap());
    ok(till(&a)
        .args([
            "sale",
            "--item",
            "T",
            "--referral",
            &code,
            "--pay",
            "cash:2",
        ])
        .output()
        .unwrap());
}

async fn events_of(server: &Server, store_id: &str, kind: &str) -> i64 {
    let c = server.pool().get().await.unwrap();
    c.query_one(
        "SELECT count(*) FROM events WHERE store_id = $1 AND type = $2",
        &[&store_id, &kind],
    )
    .await
    .unwrap()
    .get(0)
}

async fn audit_events(server: &Server, store_id: &str) -> i64 {
    events_of(server, store_id, "audit.recorded").await
}

async fn stock_events(server: &Server, store_id: &str) -> i64 {
    events_of(server, store_id, "stock.adjusted").await
}

/// `till` signed in as the shop's owner.
fn till_owner(db: &Path) -> Command {
    let mut c = till(db);
    c.env("TILL_STAFF", "Olive").env("TILL_PIN", "2468");
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rewritten_audit_history_is_refused_and_shows_as_dead_letters() {
    let server = Server::start_local(&pg::fresh_database("sync_audit"))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    ok(till(&db).args(["init"]).output().unwrap());
    ok(till(&db)
        .args([
            "product", "add", "--sku", "T", "--name", "Tea", "--price", "2", "--stock", "9",
        ])
        .output()
        .unwrap());
    ok(till(&db)
        .args(["staff", "add", "--name", "Olive", "--role", "owner"])
        .env("TILL_NEW_PIN", "2468")
        .output()
        .unwrap());
    let adjust = |db: &Path, by: &str| {
        ok(till_owner(db)
            .args(["stock", "adjust", "T", "--by", by, "--reason", "count"])
            .output()
            .unwrap());
    };
    adjust(&db, "1");
    // A copy of the store as it is now: an older backup, to come back later.
    let old = dir.path().join("old.db");
    ok(till_owner(&db)
        .args(["backup", "create", "--out"])
        .arg(&old)
        .output()
        .unwrap());
    adjust(&db, "2");
    adjust(&db, "3");
    let store_id = Store::open(&db).unwrap().settings().store_id.clone();
    let device_id = Store::open(&db).unwrap().settings().device_id.clone();
    let token = till_upstream::create_device(server.pool(), &store_id, Some("till"))
        .await
        .unwrap();
    let sync = |db: &Path| {
        let mut c = sync_once(db, &server.endpoint(), &token);
        c.env("TILL_STAFF", "Olive").env("TILL_PIN", "2468");
        c.output().unwrap()
    };
    ok(sync(&db));
    let c = server.pool().get().await.unwrap();
    let synced = audit_events(&server, &store_id).await;
    let stock_before = stock_events(&server, &store_id).await;
    assert!(synced >= 4, "{synced} audit entries");
    let head: i64 = c
        .query_one(
            "SELECT seq FROM audit_heads WHERE store_id = $1 AND device_id = $2",
            &[&store_id, &device_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(head, synced);

    // The old copy goes on as the same till: its next entries hang on a
    // history the upstream has seen replaced. Refused, as dead letters the
    // owner sees; what else it sends gets through.
    adjust(&old, "-4");
    let out = sync(&old);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let out = ok(till_owner(&old)
        .args(["sync", "dead-letters", "--json"])
        .output()
        .unwrap());
    let dead: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let dead = dead.as_array().unwrap();
    assert!(!dead.is_empty());
    for d in dead {
        assert_eq!(d["type"], "audit.recorded", "{d}");
        let reason = d["reason"].as_str().unwrap();
        assert!(reason.contains("audit chain"), "{reason}");
    }
    assert_eq!(
        stock_events(&server, &store_id).await,
        stock_before + 1,
        "the old copy's stock adjustment still arrived"
    );
    assert_eq!(
        audit_events(&server, &store_id).await,
        synced,
        "no rewritten entry was stored"
    );
    let refused: Option<i64> = c
        .query_one(
            "SELECT refused_seq FROM audit_heads WHERE store_id = $1 AND device_id = $2",
            &[&store_id, &device_id],
        )
        .await
        .unwrap()
        .get(0);
    assert!(refused.is_some());
    // The true till goes on as before.
    adjust(&db, "1");
    ok(sync(&db));
    assert!(audit_events(&server, &store_id).await > synced);
    server.shutdown().await.unwrap();
}
