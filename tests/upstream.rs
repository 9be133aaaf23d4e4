//! The reference upstream against a real PostgreSQL (tests/support/pg.rs)
//! over real HTTP on loopback: protocol v1 as docs/sync-protocol.md states
//! it, hostile input, and the binary's commands.

#[path = "support/pg.rs"]
mod pg;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use till_upstream::{create_device, ConnectionLimits, Server, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

const MIB: usize = 1024 * 1024;

struct Ctx {
    server: Server,
    http: reqwest::Client,
    store: String,
    device: String,
    token: String,
    db_url: String,
}

async fn setup(name: &str) -> Ctx {
    setup_with(name, ServerConfig::default()).await
}

async fn setup_with(name: &str, config: ServerConfig) -> Ctx {
    let db_url = pg::fresh_database(name);
    let server = Server::start_local_with(&db_url, config)
        .await
        .expect("start the upstream");
    let store = Uuid::now_v7().to_string();
    let token = create_device(server.pool(), &store, Some("front counter"))
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    Ctx {
        server,
        http,
        store,
        device: Uuid::now_v7().to_string(),
        token,
        db_url,
    }
}

fn event(seq: i64, kind: &str, payload: Value) -> Value {
    json!({
        "id": Uuid::now_v7().to_string(),
        "seq": seq,
        "type": kind,
        "occurred_at": "2026-11-25T17:03:12.123Z",
        "payload": payload,
    })
}

fn order(seq: i64, order_id: &str, total: &str) -> Value {
    event(
        seq,
        "order.completed",
        json!({
            "order_id": order_id, "number": format!("A-{seq}"), "created_at": "2026-11-25T17:03:12.123Z",
            "cashier": "ana", "customer_id": null, "currency": "EUR", "tax_mode": "inclusive",
            "lines": [{"line_no": 1, "sku": "TEA", "name": "Tea", "qty": 1, "unit_price": total, "total": total}],
            "subtotal": total, "discount": "0.00", "tax": "0.00", "taxes": [], "total": total,
            "payments": [{"method": "cash", "amount": total, "reference": null}], "paid": total, "change": "0.00",
        }),
    )
}

fn stock(seq: i64) -> Value {
    event(
        seq,
        "stock.adjusted",
        json!({"sku": "TEA", "kind": "restock", "qty": 12, "reason": "delivery", "on_hand": 40, "user": "ana"}),
    )
}

fn batch_for(store: &str, device: &str, events: &[Value]) -> Value {
    json!({"device_id": device, "store_id": store, "batch_id": Uuid::now_v7().to_string(), "events": events})
}

fn batch(ctx: &Ctx, events: &[Value]) -> Value {
    batch_for(&ctx.store, &ctx.device, events)
}

fn ids(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// One request to `path` with raw body bytes; returns the status and the JSON answer.
async fn post_raw(
    ctx: &Ctx,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, Value) {
    let mut req = ctx
        .http
        .post(format!("{}{path}", ctx.server.endpoint()))
        .header("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.body(body).send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| json!({"raw": text})),
    )
}

/// A batch as the client sends it: gzip, bearer token, Idempotency-Key.
async fn send_with(ctx: &Ctx, token: Option<&str>, body: &Value) -> (u16, Value) {
    let key = body["batch_id"].as_str().unwrap_or_default().to_string();
    let raw = gzip(&serde_json::to_vec(body).unwrap());
    post_raw(
        ctx,
        "/v1/batches",
        token,
        &[("Content-Encoding", "gzip"), ("Idempotency-Key", &key)],
        raw,
    )
    .await
}

async fn send(ctx: &Ctx, body: &Value) -> (u16, Value) {
    send_with(ctx, Some(&ctx.token.clone()), body).await
}

async fn count(ctx: &Ctx, sql: &str) -> i64 {
    let client = ctx.server.pool().get().await.unwrap();
    client.query_one(sql, &[]).await.unwrap().get(0)
}

async fn events_stored(ctx: &Ctx) -> i64 {
    count(ctx, "SELECT count(*) FROM events").await
}

async fn orders_stored(ctx: &Ctx) -> i64 {
    count(ctx, "SELECT count(*) FROM orders").await
}

fn accepted(answer: &Value) -> Vec<String> {
    answer["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn rejected(answer: &Value) -> Vec<(String, String)> {
    answer["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_error(status: u16, answer: &Value, expected: u16, what: &str) {
    assert_eq!(status, expected, "{what}: {answer}");
    assert!(
        answer["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{what}: no error message in {answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_batch_is_stored_once_however_often_it_is_sent() {
    let ctx = setup("valid_batch").await;
    let events = vec![
        order(1, "order-1", "57.50"),
        stock(2),
        order(3, "order-2", "-0.00"),
        event(
            4,
            "order.refunded",
            json!({"refund_id": "r1", "order_id": "order-1", "amount": "5.00"}),
        ),
        event(
            5,
            "usage.recorded",
            json!({"metric": "sales", "quantity": 2, "period": "2026-11"}),
        ),
        event(
            6,
            "commission.accrued",
            json!({"commission_id": "c1", "referrer_id": "p", "order_id": "order-1", "amount": "1.00"}),
        ),
        event(
            7,
            "commission.reversed",
            json!({"commission_id": "c1", "referrer_id": "p", "order_id": "order-1", "amount": "-1.00"}),
        ),
    ];
    let body = batch(&ctx, &events);
    let (status, answer) = send(&ctx, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(accepted(&answer), ids(&events));
    assert!(rejected(&answer).is_empty());
    assert_eq!(
        (events_stored(&ctx).await, orders_stored(&ctx).await),
        (7, 2)
    );

    // What was stored is what was sent.
    let client = ctx.server.pool().get().await.unwrap();
    let row = client
        .query_one(
            "SELECT store_id, device_id, seq, type, payload, batch_id::text, occurred_at = '2026-11-25T17:03:12.123Z'::timestamptz
             FROM events WHERE event_id = $1::text::uuid",
            &[&events[1]["id"].as_str().unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), ctx.store);
    assert_eq!(row.get::<_, String>(1), ctx.device);
    assert_eq!(row.get::<_, i64>(2), 2);
    assert_eq!(row.get::<_, String>(3), "stock.adjusted");
    assert_eq!(row.get::<_, Value>(4), events[1]["payload"]);
    assert_eq!(row.get::<_, String>(5), body["batch_id"].as_str().unwrap());
    assert!(row.get::<_, bool>(6));
    let o = client
        .query_one(
            "SELECT device_id, number, total::text, currency, event_id::text FROM orders WHERE order_id = 'order-1'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(o.get::<_, String>(0), ctx.device);
    assert_eq!(o.get::<_, Option<String>>(1).as_deref(), Some("A-1"));
    assert_eq!(o.get::<_, String>(2), "57.50");
    assert_eq!(o.get::<_, Option<String>>(3).as_deref(), Some("EUR"));
    assert_eq!(o.get::<_, String>(4), events[0]["id"].as_str().unwrap());

    // The same batch again: all accepted, nothing stored twice.
    let (status, again) = send(&ctx, &body).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(accepted(&again), ids(&events));
    // The same events in a new batch, some new ones added, uncompressed.
    let mut more = events.clone();
    more.push(stock(8));
    let body2 = batch(&ctx, &more);
    let key = body2["batch_id"].as_str().unwrap().to_string();
    let (status, answer) = post_raw(
        &ctx,
        "/v1/batches",
        Some(&ctx.token),
        &[("Idempotency-Key", &key)],
        serde_json::to_vec(&body2).unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(accepted(&answer), ids(&more));
    assert_eq!(
        (events_stored(&ctx).await, orders_stored(&ctx).await),
        (8, 2)
    );
    // Resent events keep their first batch.
    let first_batch = count(
        &ctx,
        &format!(
            "SELECT count(*) FROM events WHERE batch_id = '{}'",
            body["batch_id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(first_batch, 7);

    // Concurrent resends of one batch with new events: stored once.
    let burst: Vec<Value> = (9..60)
        .map(|s| {
            if s % 3 == 0 {
                order(s, &format!("order-{s}"), "3.10")
            } else {
                stock(s)
            }
        })
        .collect();
    let body3 = batch(&ctx, &burst);
    let raw = gzip(&serde_json::to_vec(&body3).unwrap());
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let req = ctx
            .http
            .post(format!("{}/v1/batches", ctx.server.endpoint()))
            .bearer_auth(&ctx.token)
            .header("Content-Encoding", "gzip")
            .body(raw.clone());
        sends.spawn(async move {
            let resp = req.send().await.unwrap();
            (
                resp.status().as_u16(),
                serde_json::from_slice::<Value>(&resp.bytes().await.unwrap()).unwrap(),
            )
        });
    }
    while let Some(done) = sends.join_next().await {
        let (status, answer) = done.unwrap();
        assert_eq!(status, 200, "{answer}");
        assert_eq!(accepted(&answer).len(), burst.len());
    }
    assert_eq!(events_stored(&ctx).await, 8 + burst.len() as i64);
    assert_eq!(
        orders_stored(&ctx).await,
        2 + burst
            .iter()
            .filter(|e| e["type"] == "order.completed")
            .count() as i64
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_order_id_in_two_events_gives_one_order_row() {
    let ctx = setup("dup_order").await;
    let first = order(1, "order-x", "10.00");
    let (status, _) = send(&ctx, &batch(&ctx, std::slice::from_ref(&first))).await;
    assert_eq!(status, 200);
    let second = order(2, "order-x", "99.00");
    let (status, answer) = send(&ctx, &batch(&ctx, std::slice::from_ref(&second))).await;
    assert_eq!(status, 200);
    assert_eq!(accepted(&answer), ids(std::slice::from_ref(&second)));
    // Both events are kept, the order once, from the first event.
    assert_eq!(
        (events_stored(&ctx).await, orders_stored(&ctx).await),
        (2, 1)
    );
    assert_eq!(
        count(&ctx, "SELECT count(*) FROM orders WHERE total = 10.00").await,
        1
    );

    // Twice in one batch: the first in batch order wins.
    let pair = [order(3, "order-y", "7.00"), order(4, "order-y", "8.00")];
    let (status, answer) = send(&ctx, &batch(&ctx, &pair)).await;
    assert_eq!(status, 200);
    assert_eq!(accepted(&answer), ids(&pair));
    assert_eq!(
        (events_stored(&ctx).await, orders_stored(&ctx).await),
        (4, 2)
    );
    assert_eq!(
        count(
            &ctx,
            "SELECT count(*) FROM orders WHERE order_id = 'order-y' AND total = 7.00"
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_checked_and_stores_are_isolated() {
    let ctx = setup("tenants").await;
    let store_b = Uuid::now_v7().to_string();
    let token_b = create_device(ctx.server.pool(), &store_b, None)
        .await
        .unwrap();
    let events = [order(1, "o-1", "1.00"), stock(2)];

    // A's token, B's store: 403, nothing stored anywhere.
    let (status, answer) = send(&ctx, &batch_for(&store_b, &ctx.device, &events)).await;
    assert_error(status, &answer, 403, "A's token for store B");
    assert_eq!(events_stored(&ctx).await, 0);

    let valid = batch(&ctx, &events);
    for (token, what) in [
        (None, "no token"),
        (Some(format!("till_{}", "0".repeat(64))), "unknown token"),
        (Some(format!("{}x", ctx.token)), "malformed token"),
        (Some("not-a-till-token".to_string()), "garbage token"),
    ] {
        let (status, answer) = send_with(&ctx, token.as_deref(), &valid).await;
        assert_error(status, &answer, 401, what);
    }
    let (status, answer) = post_raw(
        &ctx,
        "/v1/batches",
        None,
        &[("Authorization", &format!("Basic {}", ctx.token))],
        b"{}".to_vec(),
    )
    .await;
    assert_error(status, &answer, 401, "Basic scheme");
    assert_eq!(events_stored(&ctx).await, 0);

    // Each token for its own store works; a store never sees the other's rows.
    let (status, _) = send_with(
        &ctx,
        Some(&token_b),
        &batch_for(&store_b, &ctx.device, &events),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = send(&ctx, &valid).await;
    assert_eq!(status, 200);
    // Same event ids in two stores: two rows each, isolated.
    assert_eq!(
        count(
            &ctx,
            &format!(
                "SELECT count(*) FROM events WHERE store_id = '{}'",
                ctx.store
            )
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &ctx,
            &format!("SELECT count(*) FROM events WHERE store_id = '{store_b}'")
        )
        .await,
        2
    );
    assert_eq!(orders_stored(&ctx).await, 2);
}

/// Peak resident memory of this process (VmHWM), in bytes.
fn peak_rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Deterministic incompressible bytes.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_is_refused_and_the_server_keeps_working() {
    let ctx = setup("hostile").await;
    let token = ctx.token.clone();
    let gz = [("Content-Encoding", "gzip")];
    let json_of = |v: &Value| serde_json::to_vec(v).unwrap();

    // Not a batch: 400 with a message, nothing stored.
    let valid_ev = stock(1);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "malformed JSON",
            b"{\"device_id\": \"d\", \"store_id\": ".to_vec(),
        ),
        ("not an object", b"[1, 2, 3]".to_vec()),
        (
            "events not an array",
            json_of(
                &json!({"device_id": ctx.device, "store_id": ctx.store, "batch_id": Uuid::now_v7().to_string(), "events": {"0": valid_ev}}),
            ),
        ),
        (
            "missing batch_id",
            json_of(&json!({"device_id": ctx.device, "store_id": ctx.store, "events": [valid_ev]})),
        ),
        (
            "missing events",
            json_of(
                &json!({"device_id": ctx.device, "store_id": ctx.store, "batch_id": Uuid::now_v7().to_string()}),
            ),
        ),
        (
            "device_id a number",
            json_of(
                &json!({"device_id": 7, "store_id": ctx.store, "batch_id": Uuid::now_v7().to_string(), "events": [valid_ev]}),
            ),
        ),
        (
            "batch_id not a UUID",
            json_of(
                &json!({"device_id": ctx.device, "store_id": ctx.store, "batch_id": "batch-1", "events": [valid_ev]}),
            ),
        ),
    ];
    for (what, body) in cases {
        let (status, answer) = post_raw(&ctx, "/v1/batches", Some(&token), &gz, gzip(&body)).await;
        assert_error(status, &answer, 400, what);
        let (status, answer) = post_raw(&ctx, "/v1/batches", Some(&token), &[], body).await;
        assert_error(status, &answer, 400, &format!("{what}, uncompressed"));
    }
    let mut bad_gzip = gzip(&json_of(&batch(&ctx, &[stock(1)])));
    let n = bad_gzip.len();
    bad_gzip.truncate(n / 2);
    let (status, answer) = post_raw(&ctx, "/v1/batches", Some(&token), &gz, bad_gzip).await;
    assert_error(status, &answer, 400, "truncated gzip");
    let (status, answer) = post_raw(
        &ctx,
        "/v1/batches",
        Some(&token),
        &gz,
        b"plain text, not gzip".to_vec(),
    )
    .await;
    assert_error(status, &answer, 400, "not gzip at all");
    let body = batch(&ctx, &[stock(1)]);
    let (status, answer) = post_raw(
        &ctx,
        "/v1/batches",
        Some(&token),
        &[
            ("Content-Encoding", "gzip"),
            ("Idempotency-Key", &Uuid::now_v7().to_string()),
        ],
        gzip(&json_of(&body)),
    )
    .await;
    assert_error(status, &answer, 400, "Idempotency-Key of another batch");
    let (status, answer) = post_raw(
        &ctx,
        "/v1/batches",
        Some(&token),
        &[("Content-Encoding", "br")],
        json_of(&body),
    )
    .await;
    assert_error(status, &answer, 415, "brotli");

    // Over 2 MiB as received: 413 before any decompression, and the client
    // gets the answer even while it is still uploading (no broken pipe).
    for size in [2 * MIB + 1, 20 * MIB] {
        let started = Instant::now();
        let (status, answer) = post_raw(&ctx, "/v1/batches", Some(&token), &gz, noise(size)).await;
        assert_error(status, &answer, 413, &format!("body of {size} bytes"));
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    // Refused before reading: the answer still arrives during a big upload.
    let (status, answer) = post_raw(&ctx, "/v1/batches", None, &gz, noise(2 * MIB)).await;
    assert_error(status, &answer, 401, "no token, big body");

    // A gzip bomb: 100 MB of zeros in ~100 KB. Cut off at 8 MiB: 413, fast,
    // and this process (client and server) never holds anything near 100 MB.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; MIB];
    for _ in 0..100 {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = enc.finish().unwrap();
    drop(zeros);
    assert!(bomb.len() < 200 * 1024, "bomb is {} bytes", bomb.len());
    let _ = std::fs::write("/proc/self/clear_refs", "5"); // reset VmHWM where allowed
    let before = peak_rss();
    let started = Instant::now();
    let (status, answer) = post_raw(&ctx, "/v1/batches", Some(&token), &gz, bomb).await;
    let took = started.elapsed();
    assert_error(status, &answer, 413, "gzip bomb");
    assert!(took < Duration::from_secs(5), "the bomb took {took:?}");
    if let (Some(before), Some(after)) = (before, peak_rss()) {
        let grown = after.saturating_sub(before);
        assert!(
            grown < 64 * MIB,
            "peak memory grew by {} MiB during the bomb",
            grown / MIB
        );
    }

    // Over 1,000 events: 413. Exactly 1,000 is tested below.
    let many: Vec<Value> = (1..=1001).map(stock).collect();
    let (status, answer) = send(&ctx, &batch(&ctx, &many)).await;
    assert_error(status, &answer, 413, "1,001 events");
    assert_eq!(
        events_stored(&ctx).await,
        0,
        "a refused batch stored something"
    );

    // Invalid events among valid ones: each rejected with its reason, the
    // valid ones stored.
    let good = [
        order(1, "o-good", "12.30"),
        stock(2),
        event(3, "usage.recorded", json!({"metric": "m", "quantity": 1})),
    ];
    let bad_id = Uuid::now_v7().to_string();
    let mut seq_string = stock(4);
    seq_string["seq"] = json!("4");
    let invalid: Vec<(Value, &str)> = vec![
        (seq_string, "seq"),
        (
            json!({"id": "not-a-uuid", "seq": 5, "type": "stock.adjusted", "occurred_at": "2026-11-25T17:03:12Z", "payload": {}}),
            "id",
        ),
        (
            json!({"id": bad_id, "seq": 0, "type": "stock.adjusted", "occurred_at": "2026-11-25T17:03:12Z", "payload": {}}),
            "seq",
        ),
        (event(6, "order.eaten", json!({})), "type"),
        (
            json!({"id": Uuid::now_v7().to_string(), "seq": 7, "type": "stock.adjusted", "occurred_at": "25/11/2026", "payload": {}}),
            "occurred_at",
        ),
        (
            json!({"id": Uuid::now_v7().to_string(), "seq": 8, "type": "stock.adjusted", "occurred_at": "2026-11-25T17:03:12Z", "payload": "x"}),
            "payload",
        ),
        (
            event(
                9,
                "order.completed",
                json!({"number": "A-9", "total": "1.00"}),
            ),
            "order_id",
        ),
        (
            event(
                10,
                "order.completed",
                json!({"order_id": "o-10", "total": 57.5}),
            ),
            "total",
        ),
        (
            event(
                11,
                "order.completed",
                json!({"order_id": "o-11", "total": "12,50"}),
            ),
            "total",
        ),
        (
            event(12, "usage.recorded", json!({"metric": "nul\u{0}byte"})),
            "NUL",
        ),
    ];
    let mut mixed: Vec<Value> = Vec::new();
    for (i, (bad, _)) in invalid.iter().enumerate() {
        if let Some(g) = good.get(i) {
            mixed.push(g.clone());
        }
        mixed.push(bad.clone());
    }
    let (status, answer) = send(&ctx, &batch(&ctx, &mixed)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(accepted(&answer), ids(&good));
    let got = rejected(&answer);
    assert_eq!(got.len(), invalid.len(), "{answer}");
    for ((id, reason), (bad, needle)) in got.iter().zip(&invalid) {
        assert_eq!(
            id,
            bad["id"].as_str().unwrap(),
            "rejections come back with the id as sent"
        );
        assert!(
            reason.contains(needle),
            "reason {reason:?} should mention {needle:?}"
        );
    }
    assert_eq!(
        (events_stored(&ctx).await, orders_stored(&ctx).await),
        (3, 1)
    );

    // After all of that: healthy, and a batch of the full 1,000 events works.
    let health = ctx
        .http
        .get(format!("{}/v1/health", ctx.server.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&health.bytes().await.unwrap()).unwrap(),
        json!({"status": "ok"})
    );
    let thousand: Vec<Value> = (100..1100)
        .map(|s| {
            if s % 10 == 0 {
                order(s, &format!("o-{s}"), "4.20")
            } else {
                stock(s)
            }
        })
        .collect();
    let (status, answer) = send(&ctx, &batch(&ctx, &thousand)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(accepted(&answer).len(), 1000);
    assert_eq!(
        (events_stored(&ctx).await, orders_stored(&ctx).await),
        (1003, 101)
    );
}

fn with_baseline() -> ServerConfig {
    ServerConfig {
        baseline_endpoint: true,
        ..ServerConfig::default()
    }
}

/// The baseline's body: one event, plain JSON.
fn single(store: &str, device: &str, event: &Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"device_id": device, "store_id": store, "event": event})).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_naive_one_event_endpoint_stores_one_event_per_request() {
    let ctx = setup_with("naive", with_baseline()).await;
    let ev = order(1, "o-naive", "2.50");
    let body = single(&ctx.store, &ctx.device, &ev);
    for _ in 0..2 {
        let (status, answer) =
            post_raw(&ctx, "/v1/events", Some(&ctx.token), &[], body.clone()).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(accepted(&answer), ids(std::slice::from_ref(&ev)));
    }
    assert_eq!(
        (events_stored(&ctx).await, orders_stored(&ctx).await),
        (1, 1)
    );
    let (status, answer) = post_raw(&ctx, "/v1/events", None, &[], body.clone()).await;
    assert_error(status, &answer, 401, "naive endpoint without token");
    let other = single("another", &ctx.device, &stock(2));
    let (status, answer) = post_raw(&ctx, "/v1/events", Some(&ctx.token), &[], other).await;
    assert_error(status, &answer, 403, "naive endpoint, other store");
    let mut bad = stock(3);
    bad["seq"] = json!(-1);
    let body = single(&ctx.store, &ctx.device, &bad);
    let (status, answer) = post_raw(&ctx, "/v1/events", Some(&ctx.token), &[], body).await;
    assert_eq!(status, 200);
    assert_eq!(rejected(&answer).len(), 1);
    assert_eq!(events_stored(&ctx).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_baseline_endpoint_claims_referral_codes_like_a_batch() {
    let ctx = setup_with("naive_codes", with_baseline()).await;
    let device_b = Uuid::now_v7().to_string();
    let token_b = create_device(ctx.server.pool(), &ctx.store, Some("till 2"))
        .await
        .unwrap();
    // A batch claims a code; the same code one event at a time from another
    // device is refused, with the reason devices act on, and not stored.
    let first = code_event(1, "REFBASE11111A");
    let (status, answer) = send(&ctx, &batch(&ctx, std::slice::from_ref(&first))).await;
    assert_eq!(status, 200, "{answer}");
    let dup = code_event(1, "REFBASE11111A");
    let (status, answer) = post_raw(
        &ctx,
        "/v1/events",
        Some(&token_b),
        &[],
        single(&ctx.store, &device_b, &dup),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert!(accepted(&answer).is_empty(), "{answer}");
    let refused = rejected(&answer);
    assert_eq!(refused.len(), 1, "{answer}");
    assert_eq!(refused[0].0, ids(std::slice::from_ref(&dup))[0]);
    assert!(
        refused[0]
            .1
            .starts_with("duplicate referral code REFBASE11111A"),
        "{}",
        refused[0].1
    );
    assert_eq!(events_stored(&ctx).await, 1);
    // A new code sent one event at a time is claimed: a batch drawing it
    // later is refused.
    let fresh = code_event(2, "REFBASE22222B");
    let (status, answer) = post_raw(
        &ctx,
        "/v1/events",
        Some(&token_b),
        &[],
        single(&ctx.store, &device_b, &fresh),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(accepted(&answer), ids(std::slice::from_ref(&fresh)));
    let late = code_event(2, "REFBASE22222B");
    let (_, answer) = send(&ctx, &batch(&ctx, std::slice::from_ref(&late))).await;
    assert_eq!(rejected(&answer).len(), 1, "{answer}");
    assert_eq!(count(&ctx, "SELECT count(*) FROM referral_codes").await, 2);
    // The size limits of a batch hold too.
    let big = event(3, "usage.recorded", json!({"note": "x".repeat(3 * MIB)}));
    let (status, answer) = post_raw(
        &ctx,
        "/v1/events",
        Some(&token_b),
        &[],
        single(&ctx.store, &device_b, &big),
    )
    .await;
    assert_error(status, &answer, 413, "a baseline event over the body limit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_baseline_endpoint_is_off_unless_enabled() {
    let ctx = setup("naive_off").await;
    let ev = order(1, "o-off", "2.50");
    let (status, answer) = post_raw(
        &ctx,
        "/v1/events",
        Some(&ctx.token),
        &[],
        single(&ctx.store, &ctx.device, &ev),
    )
    .await;
    assert_error(status, &answer, 404, "the baseline endpoint, off");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("--enable-baseline-endpoint"),
        "{answer}"
    );
    assert_eq!(events_stored(&ctx).await, 0);
    // The binary takes the flag.
    let out = bin().args(["serve", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("--enable-baseline-endpoint"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_database_health_is_503_and_batches_are_retried_not_refused() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let pool = till_upstream::pool(
        &format!("postgres://postgres@127.0.0.1:{port}/none"),
        till_upstream::PoolOptions {
            max_connections: 2,
            timeout: Duration::from_secs(2),
        },
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Server::spawn(pool, listener).unwrap();
    let http = reqwest::Client::new();
    let resp = http
        .get(format!("{}/v1/health", server.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 503);
    // The token cannot be checked: 503 (retry later), never 401 (which
    // would stop the client until a new login).
    let resp = http
        .post(format!("{}/v1/batches", server.endpoint()))
        .bearer_auth(till_upstream::auth::generate_token())
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 503);
    assert!(resp.headers().get("retry-after").is_some());
    server.shutdown().await.unwrap();
}

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_till-upstream"));
    cmd.env_remove("DATABASE_URL").env("RUST_LOG", "info");
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_add_prints_one_token_that_works() {
    let ctx = setup("device_add").await;
    let store = Uuid::now_v7().to_string();
    let out = bin()
        .args([
            "device",
            "add",
            "--store",
            &store,
            "--name",
            "till 2",
            "--database-url",
            &ctx.db_url,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "stdout must be the token only: {stdout:?}");
    let token = lines[0];
    assert!(
        token.starts_with("till_")
            && token.len() == 69
            && token[5..].bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    // Only its hash is stored.
    let stored = count(&ctx, &format!("SELECT count(*) FROM devices WHERE store_id = '{store}' AND name = 'till 2' AND token_hash <> '{token}' AND token_hash = encode(sha256('{token}'::bytea), 'hex')")).await;
    assert_eq!(stored, 1);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(token),
        "the token must not be logged"
    );

    let events = [stock(1)];
    let (status, answer) =
        send_with(&ctx, Some(token), &batch_for(&store, &ctx.device, &events)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(accepted(&answer), ids(&events));

    // DATABASE_URL works as well as the flag; an empty store is refused.
    let out = bin()
        .args(["device", "add", "--store", "  "])
        .env("DATABASE_URL", &ctx.db_url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let out = bin()
        .args(["migrate"])
        .env("DATABASE_URL", &ctx.db_url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_and_stops_on_sigterm() {
    let db_url = pg::fresh_database("serve_bin");
    let mut child = bin()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("DATABASE_URL", &db_url)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut addr = None;
    let mut seen = String::new();
    for _ in 0..50 {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
        if let Some(rest) = line.split("addr=").nth(1) {
            addr = rest.split_whitespace().next().map(str::to_string);
            break;
        }
    }
    let addr = addr.unwrap_or_else(|| panic!("no listening address in the log: {seen}"));
    let http = reqwest::Client::new();
    let resp = http
        .get(format!("http://{addr}/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "till-upstream did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "exit status {exit:?}");
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
    assert!(
        rest.contains("SIGTERM") && rest.contains("stopped"),
        "{rest}"
    );
}

fn code_event(seq: i64, code: &str) -> Value {
    event(
        seq,
        "referral.code_created",
        json!({"code": code, "referrer_id": "r1", "referrer_kind": "customer", "expires_at": null}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_code_drawn_on_two_devices_is_kept_by_the_first() {
    let ctx = setup("referral_codes").await;
    let first = code_event(1, "REFAAAA2222BB");
    let (status, answer) = send(&ctx, &batch(&ctx, std::slice::from_ref(&first))).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(accepted(&answer), ids(std::slice::from_ref(&first)));
    // The same event again (a resend) is accepted again.
    let (_, answer) = send(&ctx, &batch(&ctx, std::slice::from_ref(&first))).await;
    assert_eq!(accepted(&answer), ids(std::slice::from_ref(&first)));
    // Another device of the same store (its own token) drew the same code:
    // refused, with the reason devices act on, and not stored; the rest of
    // its batch is.
    let other_device = Uuid::now_v7().to_string();
    let other_token = create_device(ctx.server.pool(), &ctx.store, Some("till 2"))
        .await
        .unwrap();
    let dup = code_event(1, "REFAAAA2222BB");
    let fresh = code_event(2, "REFCCCC3333DD");
    let sale = order(3, "o-77", "9.90");
    let events = vec![dup.clone(), fresh.clone(), sale.clone()];
    let (status, answer) = send_with(
        &ctx,
        Some(&other_token),
        &batch_for(&ctx.store, &other_device, &events),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let refused = rejected(&answer);
    assert_eq!(refused.len(), 1, "{answer}");
    assert_eq!(refused[0].0, ids(std::slice::from_ref(&dup))[0]);
    assert!(
        refused[0]
            .1
            .starts_with("duplicate referral code REFAAAA2222BB"),
        "{}",
        refused[0].1
    );
    assert_eq!(answer["rejected"][0]["code"], "duplicate_referral_code");
    let mut acc = accepted(&answer);
    acc.sort();
    let mut want = ids(&[fresh, sale]);
    want.sort();
    assert_eq!(acc, want);
    assert_eq!(count(&ctx, "SELECT count(*) FROM referral_codes").await, 2);
    assert_eq!(events_stored(&ctx).await, 3);
    // Two events with one code in a single batch: the first keeps it.
    let a = code_event(4, "REFEEEE4444FF");
    let b = code_event(5, "REFEEEE4444FF");
    let (_, answer) = send(&ctx, &batch(&ctx, &[a.clone(), b.clone()])).await;
    assert_eq!(rejected(&answer).len(), 1, "{answer}");
    assert_eq!(accepted(&answer).len(), 1, "{answer}");
    // A code event without a code is malformed.
    let bad = event(6, "referral.code_created", json!({"referrer_id": "r1"}));
    let (_, answer) = send(&ctx, &batch(&ctx, &[bad])).await;
    assert!(rejected(&answer)[0].1.contains("payload.code"), "{answer}");
}

/// Reads until the server closes the connection and returns what it sent.
/// `within` is only there so that a connection the server never closes
/// fails the test instead of hanging it: keep it generous.
async fn read_until_closed(stream: &mut TcpStream, within: Duration, what: &str) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                // A reset closes the connection as surely as a FIN.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => panic!("{what}: {e}"),
            }
        }
    };
    if tokio::time::timeout(within, read_all).await.is_err() {
        panic!(
            "{what}: the server did not close the connection within {within:?} (got {:?})",
            String::from_utf8_lossy(&got)
        );
    }
    got
}

/// Waits until `done` holds, failing after a generous `within`.
async fn wait_for(within: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const CAP: usize = 16;

fn small_cap() -> ServerConfig {
    ServerConfig {
        connections: ConnectionLimits {
            max_connections: CAP,
            // Long enough that the connections opened below are all still
            // held when the ones over the cap arrive, short enough to wait for.
            header_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(1),
        },
        ..ServerConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_cannot_shut_the_tills_out() {
    let ctx = setup_with("idle_connections", small_cap()).await;
    let addr = ctx.server.addr();

    // Connections that never send a request take every place: half of
    // them send nothing, half send half a request line.
    let mut idle = Vec::new();
    for i in 0..CAP {
        let mut s = TcpStream::connect(addr).await.unwrap();
        if i % 2 == 1 {
            s.write_all(b"POST /v1/batches HTT").await.unwrap();
        }
        idle.push(s);
    }
    wait_for(
        Duration::from_secs(30),
        "the idle connections to be accepted",
        || ctx.server.open_connections() == CAP,
    )
    .await;

    // More than the cap: each one over it is answered 503 and closed at once,
    // not left waiting in the backlog or holding a file descriptor.
    for i in 0..8 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let got =
            read_until_closed(&mut s, Duration::from_secs(30), "a connection over the cap").await;
        let text = String::from_utf8_lossy(&got).to_ascii_lowercase();
        assert!(
            text.starts_with("http/1.1 503 "),
            "connection {i} over the cap got {text:?}"
        );
        assert!(text.contains("retry-after: "), "{text}");
        assert!(text.contains("too many open connections"), "{text}");
    }
    assert_eq!(ctx.server.open_connections(), CAP);

    // A till syncing now is refused as well, retries, and its batches go
    // through once the idle connections have timed out: nobody had to leave.
    let dir = tempfile::tempdir().unwrap();
    let mut store = till_core::Store::create(
        dir.path().join("till.db"),
        till_core::settings::Settings::default(),
    )
    .unwrap();
    till_core::demo::seed_catalog(&mut store).unwrap();
    till_core::demo::run_sales(&mut store, 3, 1).unwrap();
    let pending = store.pending_event_count().unwrap();
    assert!(pending >= 3);
    let store_id = store.settings().store_id.clone();
    let token = create_device(ctx.server.pool(), &store_id, Some("till 1"))
        .await
        .unwrap();
    let mut opts = till_sync::SyncOptions::new(ctx.server.endpoint(), token);
    opts.max_backoff = Duration::from_secs(1);
    let (_stop, mut stop) = tokio::sync::watch::channel(false);
    let end = till_sync::push_until_empty(
        &mut store,
        &opts,
        Some(std::time::Instant::now() + Duration::from_secs(120)),
        &mut stop,
    )
    .await
    .unwrap();
    assert_eq!(end, till_sync::RunEnd::Empty);
    assert_eq!(store.pending_event_count().unwrap(), 0);
    assert_eq!(
        count(
            &ctx,
            &format!("SELECT count(*) FROM events WHERE store_id = '{store_id}'")
        )
        .await,
        pending
    );

    // Every idle connection was closed by the server, without an answer.
    for (i, s) in idle.iter_mut().enumerate() {
        let got = read_until_closed(s, Duration::from_secs(60), "an idle connection").await;
        assert!(
            got.is_empty(),
            "idle connection {i} got {:?}",
            String::from_utf8_lossy(&got)
        );
    }
    wait_for(
        Duration::from_secs(30),
        "every connection to be closed",
        || ctx.server.open_connections() == 0,
    )
    .await;
    let health = ctx
        .http
        .get(format!("{}/v1/health", ctx.server.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_alive_connection_is_closed_when_it_stays_idle() {
    let ctx = setup_with("keep_alive_idle", small_cap()).await;
    let mut s = TcpStream::connect(ctx.server.addr()).await.unwrap();
    s.write_all(b"GET /v1/health HTTP/1.1\r\nHost: till\r\n\r\n")
        .await
        .unwrap();
    // The answer, kept alive: read exactly its head and body.
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let answered = async {
        loop {
            let n = s.read(&mut buf).await.unwrap();
            assert!(
                n > 0,
                "closed before answering: {:?}",
                String::from_utf8_lossy(&got)
            );
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(str::to_string)
                    })
                    .expect("a content-length")
                    .trim()
                    .parse()
                    .unwrap();
                if body.len() >= length {
                    return text;
                }
            }
        }
    };
    let text = tokio::time::timeout(Duration::from_secs(30), answered)
        .await
        .expect("no answer to the health check");
    assert!(text.starts_with("HTTP/1.1 200 "), "{text}");
    assert!(
        !text.to_ascii_lowercase().contains("connection: close"),
        "{text}"
    );
    // Then nothing more: the server closes it.
    let rest = read_until_closed(
        &mut s,
        Duration::from_secs(60),
        "a kept-alive idle connection",
    )
    .await;
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
    wait_for(
        Duration::from_secs(30),
        "the connection to be released",
        || ctx.server.open_connections() == 0,
    )
    .await;
}

/// Runs `serve` with `args` under `sh -c "ulimit …"` and returns its exit
/// status and stderr. Limits it cannot keep make it stop before it
/// connects to the database, so the URL need not work.
fn serve_refused(ulimit: &str, args: &[&str]) -> (std::process::ExitStatus, String) {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("{ulimit} && exec \"$0\" serve \"$@\""))
        .arg(env!("CARGO_BIN_EXE_till-upstream"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ])
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null());
    let out = cmd.output().unwrap();
    (out.status, String::from_utf8_lossy(&out.stderr).to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_refuses_connection_limits_it_cannot_keep() {
    let (status, err) = serve_refused("true", &["--idle-timeout", "30", "--header-timeout", "10"]);
    assert!(!status.success());
    assert!(
        err.contains("idle timeout (30 s) is longer than the header timeout (10 s)"),
        "{err}"
    );
    let (status, err) = serve_refused("true", &["--max-client-connections", "0"]);
    assert!(!status.success());
    assert!(err.contains("connection cap"), "{err}");
    // A cap the process could not keep open files for would not protect it
    // from running out: refused, with what to do.
    let (status, err) = serve_refused("ulimit -n 256", &["--max-client-connections", "1024"]);
    assert!(!status.success());
    assert!(
        err.contains("open files") && err.contains("ulimit -n"),
        "{err}"
    );

    // A soft limit below what the cap needs is raised up to the hard one.
    let db_url = pg::fresh_database("serve_nofile");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -Sn 256 && exec \"$0\" serve \"$@\"")
        .arg(env!("CARGO_BIN_EXE_till-upstream"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--max-client-connections",
            "300",
            "--database-url",
            &db_url,
        ])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
        if line.contains("listening") {
            break;
        }
    }
    let limits =
        std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.contains("listening"), "{seen}");
    let soft: u64 = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no open-file limit in {limits}"));
    assert!(soft >= 300 + 16, "soft open-file limit {soft}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_token_serves_one_device() {
    let ctx = setup_with("device_binding", with_baseline()).await;
    // The first batch binds the token to its device.
    let (status, answer) = send(&ctx, &batch(&ctx, &[stock(1)])).await;
    assert_eq!(status, 200, "{answer}");
    // The same token from another device: 403, nothing stored.
    let intruder = Uuid::now_v7().to_string();
    let theirs = [order(1, "o-intruder", "1.00")];
    let (status, answer) = send(&ctx, &batch_for(&ctx.store, &intruder, &theirs)).await;
    assert_error(status, &answer, 403, "the token from another device");
    assert!(
        answer["error"].as_str().unwrap().contains("another device"),
        "{answer}"
    );
    // The baseline endpoint refuses it the same way.
    let (status, answer) = post_raw(
        &ctx,
        "/v1/events",
        Some(&ctx.token),
        &[],
        single(&ctx.store, &intruder, &stock(2)),
    )
    .await;
    assert_error(status, &answer, 403, "the baseline from another device");
    assert_eq!(
        (events_stored(&ctx).await, orders_stored(&ctx).await),
        (1, 0)
    );
    // The device it is bound to goes on as before.
    let (status, answer) = send(&ctx, &batch(&ctx, &[stock(3)])).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(events_stored(&ctx).await, 2);

    // A till syncing with a token another device holds stops and says why.
    let dir = tempfile::tempdir().unwrap();
    let mut store = till_core::Store::create(
        dir.path().join("till.db"),
        till_core::settings::Settings::default(),
    )
    .unwrap();
    till_core::demo::seed_catalog(&mut store).unwrap();
    till_core::demo::run_sales(&mut store, 1, 1).unwrap();
    let store_id = store.settings().store_id.clone();
    let shared = create_device(ctx.server.pool(), &store_id, None)
        .await
        .unwrap();
    let first = batch_for(&store_id, &Uuid::now_v7().to_string(), &[stock(1)]);
    let (status, answer) = send_with(&ctx, Some(&shared), &first).await;
    assert_eq!(status, 200, "{answer}");
    let opts = till_sync::SyncOptions::new(ctx.server.endpoint(), shared);
    let (_stop, mut stop) = tokio::sync::watch::channel(false);
    let end = till_sync::push_until_empty(
        &mut store,
        &opts,
        Some(std::time::Instant::now() + Duration::from_secs(60)),
        &mut stop,
    )
    .await
    .unwrap();
    match end {
        till_sync::RunEnd::Refused(msg) => {
            assert!(
                msg.contains("403") && msg.contains("another device"),
                "{msg}"
            )
        }
        other => panic!("the till was not refused: {other:?}"),
    }
    assert!(store.pending_event_count().unwrap() > 0);

    // Two devices sending their first batch with one new token at once:
    // one gets it, the other is refused, and only the first one's events
    // are stored.
    let token = create_device(ctx.server.pool(), &ctx.store, None)
        .await
        .unwrap();
    let (a, b) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    let (batch_a, batch_b) = (
        batch_for(&ctx.store, &a, &[stock(1), stock(2)]),
        batch_for(&ctx.store, &b, &[stock(1), stock(2)]),
    );
    let ((status_a, answer_a), (status_b, answer_b)) = tokio::join!(
        send_with(&ctx, Some(&token), &batch_a),
        send_with(&ctx, Some(&token), &batch_b)
    );
    let mut statuses = [status_a, status_b];
    statuses.sort();
    assert_eq!(statuses, [200, 403], "{answer_a} {answer_b}");
    let winner = if status_a == 200 { &a } else { &b };
    let client = ctx.server.pool().get().await.unwrap();
    let stored: Vec<String> = client
        .query(
            "SELECT DISTINCT device_id FROM events WHERE device_id = ANY($1)",
            &[&vec![a.clone(), b.clone()]],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(stored, vec![winner.clone()]);
}

/// Runs the binary with `args` against `db_url`; returns (success, stdout, stderr).
fn device_cmd(db_url: &str, args: &[&str]) -> (bool, String, String) {
    let out = bin()
        .arg("device")
        .args(args)
        .args(["--database-url", db_url])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn device_list(db_url: &str) -> Vec<Value> {
    let (ok, stdout, stderr) = device_cmd(db_url, &["list", "--json"]);
    assert!(ok, "{stderr}");
    serde_json::from_str::<Value>(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}"))
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_list_and_revoke() {
    let ctx = setup("device_revoke").await;
    let store = Uuid::now_v7().to_string();
    let add = |name: &str| {
        let (ok, stdout, stderr) =
            device_cmd(&ctx.db_url, &["add", "--store", &store, "--name", name]);
        assert!(ok, "{stderr}");
        stdout.trim().to_string()
    };
    let (token_1, token_2) = (add("front"), add("back"));
    let device_1 = Uuid::now_v7().to_string();
    let (status, _) = send_with(
        &ctx,
        Some(&token_1),
        &batch_for(&store, &device_1, &[stock(1)]),
    )
    .await;
    assert_eq!(status, 200);

    // The list: every token of every store (ctx's own is the first), bound
    // or not, and never the token itself.
    let list = device_list(&ctx.db_url);
    assert_eq!(list.len(), 3, "{list:?}");
    let (front, back) = (&list[1], &list[2]);
    for (row, name) in [(front, "front"), (back, "back")] {
        assert_eq!(row["store_id"], json!(store));
        assert_eq!(row["name"], json!(name));
        assert!(row["id"].is_i64());
        assert!(row["created_at"].is_string());
        assert_eq!(row["revoked_at"], Value::Null);
    }
    assert_eq!(front["device_id"], json!(device_1));
    assert!(front["bound_at"].is_string() && front["last_seen_at"].is_string());
    assert_eq!(back["device_id"], Value::Null);
    assert_eq!(back["last_seen_at"], Value::Null);
    let (ok, table, stderr) = device_cmd(&ctx.db_url, &["list", "--store", &store]);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "a header and two tokens: {table}");
    assert!(lines[0].contains("ID") && lines[0].contains("DEVICE") && lines[0].contains("REVOKED"));
    assert!(
        lines[1].contains("front") && lines[1].contains(&device_1),
        "{table}"
    );
    assert!(
        lines[2].contains("back") && lines[2].contains("not yet bound"),
        "{table}"
    );
    for t in [&token_1, &token_2, &ctx.token] {
        assert!(!table.contains(t.as_str()));
        assert!(!serde_json::to_string(&list).unwrap().contains(t.as_str()));
    }

    // Revoking by id: refused from then on (401), shown in the list.
    let back_id = back["id"].as_i64().unwrap().to_string();
    let (ok, stdout, stderr) = device_cmd(&ctx.db_url, &["revoke", "--id", &back_id]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains(&format!("revoked device token {back_id}")),
        "{stdout}"
    );
    let (status, answer) = send_with(
        &ctx,
        Some(&token_2),
        &batch_for(&store, &Uuid::now_v7().to_string(), &[stock(2)]),
    )
    .await;
    assert_error(status, &answer, 401, "a revoked token");
    assert!(
        answer["error"].as_str().unwrap().contains("revoked"),
        "{answer}"
    );
    assert!(device_list(&ctx.db_url)[2]["revoked_at"].is_string());
    // Again: nothing to do, and it says so.
    let (ok, stdout, _) = device_cmd(&ctx.db_url, &["revoke", "--id", &back_id]);
    assert!(ok);
    assert!(stdout.contains("already revoked"), "{stdout}");

    // Revoking by device: the token bound to it.
    let (ok, stdout, stderr) = device_cmd(&ctx.db_url, &["revoke", "--device", &device_1]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains(&device_1), "{stdout}");
    let (status, answer) = send_with(
        &ctx,
        Some(&token_1),
        &batch_for(&store, &device_1, &[stock(3)]),
    )
    .await;
    assert_error(status, &answer, 401, "a token revoked by device");
    // The others are untouched.
    let (status, _) = send(&ctx, &batch(&ctx, &[stock(4)])).await;
    assert_eq!(status, 200);

    // Nothing to revoke, or nothing said: an error, nothing changed.
    for (args, needle) in [
        (
            vec!["revoke", "--id", "999999"],
            "no device token with id 999999",
        ),
        (
            vec!["revoke", "--device", "nobody"],
            "no device token is bound to device",
        ),
        (vec!["revoke"], "--id"),
        (
            vec!["revoke", "--id", "1", "--device", "x"],
            "cannot be used with",
        ),
    ] {
        let (ok, stdout, stderr) = device_cmd(&ctx.db_url, &args);
        assert!(!ok, "{args:?}: {stdout}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    assert_eq!(
        device_list(&ctx.db_url)
            .iter()
            .filter(|t| t["revoked_at"].is_string())
            .count(),
        2
    );
}

/// A batch exactly as a device of protocol v1 sends it (before rejection
/// codes existed): every kind of event with its full payload.
const V1_BATCH: &str = r#"{
  "device_id": "01936f1e-0000-7000-8000-00000000d001",
  "store_id": "STORE",
  "batch_id": "01936f1e-0000-7000-8000-0000000000b1",
  "events": [
    {"id": "01936f1e-0000-7000-8000-000000000001", "seq": 1, "type": "referral.code_created", "occurred_at": "2026-11-25T17:00:00.000Z",
     "payload": {"code": "REFV1V1V1V1AB", "referrer_id": "0193-ann", "referrer_kind": "customer", "expires_at": null}},
    {"id": "01936f1e-0000-7000-8000-000000000002", "seq": 2, "type": "order.completed", "occurred_at": "2026-11-25T17:03:12.123Z",
     "payload": {"order_id": "0193-o1", "number": "A-000001", "created_at": "2026-11-25T17:03:12.123Z", "cashier": "ana",
       "customer_id": null, "referral_code": "REFV1V1V1V1AB", "currency": "EUR", "tax_mode": "inclusive",
       "lines": [{"line_no": 1, "sku": "ESP", "name": "Espresso", "qty": 2, "unit_price": "2.50", "price_note": null,
                  "total": "5.00", "discount": "0.00", "tax_rate": "10", "tax": "0.45", "charged": "5.00", "refunded_qty": 0}],
       "bundles": [{"bundle_id": 1, "name": "Breakfast", "times": 1, "discount": "0.50"}],
       "subtotal": "5.00", "discount": "0.00", "tax": "0.45", "taxes": [{"rate": "10", "base": "4.55", "tax": "0.45"}],
       "total": "5.00", "payments": [{"method": "cash", "amount": "10.00", "reference": null}], "paid": "10.00", "change": "5.00"}},
    {"id": "01936f1e-0000-7000-8000-000000000003", "seq": 3, "type": "usage.recorded", "occurred_at": "2026-11-25T17:03:12.123Z",
     "payload": {"usage_id": "0193-u1", "metric": "orders", "quantity": 1, "occurred_at": "2026-11-25T17:03:12.123Z", "source": "till"}},
    {"id": "01936f1e-0000-7000-8000-000000000004", "seq": 4, "type": "commission.accrued", "occurred_at": "2026-11-25T17:03:12.123Z",
     "payload": {"commission_id": "0193-c1", "referrer_id": "0193-ann", "order_id": "0193-o1", "customer_id": null,
       "code": "REFV1V1V1V1AB", "basis": "4.55", "rate": "10%", "amount": "0.46", "status": "pending"}},
    {"id": "01936f1e-0000-7000-8000-000000000005", "seq": 5, "type": "order.refunded", "occurred_at": "2026-11-25T18:00:00.000Z",
     "payload": {"refund_id": "0193-r1", "order_id": "0193-o1", "number": "A-000001",
       "lines": [{"line_no": 1, "sku": "ESP", "qty": 1, "amount": "2.50", "tax": "0.23"}], "amount": "2.50", "tax": "0.23", "method": "cash"}},
    {"id": "01936f1e-0000-7000-8000-000000000006", "seq": 6, "type": "commission.reversed", "occurred_at": "2026-11-25T18:00:00.000Z",
     "payload": {"commission_id": "0193-c2", "reverses": "0193-c1", "referrer_id": "0193-ann", "order_id": "0193-o1",
       "refund_id": "0193-r1", "amount": "-0.23", "accrual_status": "pending"}},
    {"id": "01936f1e-0000-7000-8000-000000000007", "seq": 7, "type": "stock.adjusted", "occurred_at": "2026-11-25T18:05:00.000Z",
     "payload": {"sku": "ESP", "kind": "restock", "qty": 12, "reason": "delivery", "on_hand": 40, "user": "ana"}},
    {"id": "01936f1e-0000-7000-8000-000000000008", "seq": 8, "type": "payout.created", "occurred_at": "2026-12-10T09:00:00.000Z",
     "payload": {"payout_id": "0193-p1", "referrer_id": "0193-ann", "amount": "0.23", "method": "bank", "reference": "TRF-1",
       "entries": ["0193-c1", "0193-c2"]}}
  ]
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_from_a_v1_device_is_accepted_as_it_always_was() {
    let ctx = setup("v1_batch").await;
    let mut body: Value = serde_json::from_str(V1_BATCH).unwrap();
    body["store_id"] = json!(ctx.store);
    let events = body["events"].as_array().unwrap().clone();
    let (status, answer) = send(&ctx, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(accepted(&answer), ids(&events));
    assert!(rejected(&answer).is_empty(), "{answer}");
    assert_eq!(
        (events_stored(&ctx).await, orders_stored(&ctx).await),
        (8, 1)
    );
    // Read as a v1 device reads it: the fields it knows are all there.
    let v1: Value = answer.clone();
    assert!(v1["accepted"].is_array() && v1["rejected"].is_array());
    // Every payload of it is the wire format's.
    for e in &events {
        let wire: till_wire::Event = serde_json::from_value(e.clone()).unwrap();
        let kind: till_wire::EventKind = wire.kind.parse().unwrap();
        let typed = match kind {
            till_wire::EventKind::OrderCompleted => {
                serde_json::from_value::<till_wire::OrderCompleted>(wire.payload).map(drop)
            }
            till_wire::EventKind::OrderRefunded => {
                serde_json::from_value::<till_wire::OrderRefunded>(wire.payload).map(drop)
            }
            till_wire::EventKind::StockAdjusted => {
                serde_json::from_value::<till_wire::StockAdjusted>(wire.payload).map(drop)
            }
            till_wire::EventKind::UsageRecorded => {
                serde_json::from_value::<till_wire::UsageRecorded>(wire.payload).map(drop)
            }
            till_wire::EventKind::CommissionAccrued => {
                serde_json::from_value::<till_wire::CommissionAccrued>(wire.payload).map(drop)
            }
            till_wire::EventKind::CommissionReversed => {
                serde_json::from_value::<till_wire::CommissionReversed>(wire.payload).map(drop)
            }
            till_wire::EventKind::ReferralCodeCreated => {
                serde_json::from_value::<till_wire::ReferralCodeCreated>(wire.payload).map(drop)
            }
            till_wire::EventKind::PayoutCreated => {
                serde_json::from_value::<till_wire::PayoutCreated>(wire.payload).map(drop)
            }
            till_wire::EventKind::SettingsChanged => {
                serde_json::from_value::<till_wire::SettingsChanged>(wire.payload).map(drop)
            }
            till_wire::EventKind::AuditRecorded => {
                serde_json::from_value::<till_wire::AuditRecorded>(wire.payload).map(drop)
            }
        };
        typed.unwrap_or_else(|err| panic!("{kind}: {err}"));
    }
    // Sent again, uncompressed (an upstream must accept both): accepted
    // again, stored once.
    let (status, answer) = post_raw(
        &ctx,
        "/v1/batches",
        Some(&ctx.token.clone()),
        &[],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(accepted(&answer), ids(&events));
    assert_eq!(events_stored(&ctx).await, 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rejection_carries_its_code() {
    let ctx = setup("reject_codes").await;
    let id = || Uuid::now_v7().to_string();
    let at = "2026-11-25T17:03:12.123Z";
    let cases: Vec<(Value, &str)> = vec![
        (json!("an event"), "not_an_object"),
        (json!({"id": "nope", "seq": 1}), "invalid_id"),
        (json!({"id": id(), "seq": 0}), "invalid_seq"),
        (
            json!({"id": id(), "seq": 1, "type": "loyalty.stamped", "occurred_at": at, "payload": {}}),
            "unknown_type",
        ),
        (
            json!({"id": id(), "seq": 1, "type": "stock.adjusted", "occurred_at": "yesterday", "payload": {}}),
            "invalid_occurred_at",
        ),
        (
            json!({"id": id(), "seq": 1, "type": "stock.adjusted", "occurred_at": at, "payload": [1]}),
            "invalid_payload",
        ),
        (
            event(1, "stock.adjusted", json!({"reason": "a\u{0}b"})),
            "nul_character",
        ),
        (
            event(1, "order.completed", json!({"total": "1.00"})),
            "invalid_order_id",
        ),
        (
            event(1, "order.completed", json!({"order_id": "o", "total": 1.0})),
            "invalid_total",
        ),
        (
            event(1, "referral.code_created", json!({"code": ""})),
            "invalid_referral_code",
        ),
    ];
    let events: Vec<Value> = cases.iter().map(|(e, _)| e.clone()).collect();
    let (status, answer) = send(&ctx, &batch(&ctx, &events)).await;
    assert_eq!(status, 200, "{answer}");
    let answer: till_wire::BatchResponse = serde_json::from_value(answer).unwrap();
    assert!(answer.accepted.is_empty());
    let codes: Vec<&str> = answer.rejected.iter().map(|r| r.code.as_str()).collect();
    let want: Vec<&str> = cases.iter().map(|(_, c)| *c).collect();
    assert_eq!(codes, want);
    assert!(answer.rejected.iter().all(|r| !r.reason.is_empty()));
    // Every code the upstream can give is one the protocol document lists.
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/sync-protocol.md"
    ))
    .unwrap();
    for code in till_wire::RejectCode::ALL {
        assert!(
            doc.contains(&format!("`{code}`")),
            "docs/sync-protocol.md does not list {code}"
        );
    }
}

/// An `audit.recorded` event for entry `seq` whose previous entry's hash is
/// `prev`; its own hash is made up from `tag` (the upstream follows the
/// chain, it does not recompute the device's hashes).
fn audit_event(seq: i64, prev: &str, tag: &str) -> (Value, String) {
    use std::fmt::Write as _;
    let mut hash = String::new();
    for b in tag.bytes().cycle().take(32) {
        let _ = write!(hash, "{:02x}", b.wrapping_add(seq as u8));
    }
    let e = event(
        seq,
        "audit.recorded",
        json!({"seq": seq, "at": "2026-12-02T17:00:00Z", "actor": "Ann", "approver": null,
               "action": "refund", "subject": format!("order-{seq}"), "detail": {"tag": tag},
               "prev_hash": prev, "hash": hash}),
    );
    (e, hash)
}

/// Three chained entries from `prev` on: the events and the last hash.
fn audit_chain(from_seq: i64, prev: &str, tag: &str, n: i64) -> (Vec<Value>, String) {
    let mut prev = prev.to_string();
    let mut events = Vec::new();
    for seq in from_seq..from_seq + n {
        let (e, h) = audit_event(seq, &prev, tag);
        events.push(e);
        prev = h;
    }
    (events, prev)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_chain_that_does_not_continue_is_refused() {
    let ctx = setup("audit_chain").await;
    let zeros = till_wire::AUDIT_GENESIS;
    // Entries 1 to 3, sent out of order within the batch: the chain is
    // followed by the entries' seq.
    let (first, head) = audit_chain(1, zeros, "a", 3);
    let shuffled = vec![
        first[2].clone(),
        stock(4),
        first[0].clone(),
        first[1].clone(),
    ];
    let (status, answer) = send(&ctx, &batch(&ctx, &shuffled)).await;
    assert_eq!(status, 200, "{answer}");
    assert!(rejected(&answer).is_empty(), "{answer}");
    assert_eq!(accepted(&answer).len(), 4);
    // A resend is accepted again, although the head has moved past it.
    let (_, answer) = send(&ctx, &batch(&ctx, &first[..1])).await;
    assert_eq!(accepted(&answer), ids(&first[..1]), "{answer}");
    // A rewritten history: another entry 3 on entry 2's hash (an old backup
    // restored), and the entry 4 that hangs on it. Both refused with the
    // code, the rest of the batch stored, nothing of them kept.
    let prev2 = first[1]["payload"]["hash"].as_str().unwrap().to_string();
    let (forged, _) = audit_chain(3, &prev2, "b", 2);
    let sale = order(9, "o-audit", "1.00");
    let mut events = forged.clone();
    events.push(sale.clone());
    let (status, answer) = send(&ctx, &batch(&ctx, &events)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(accepted(&answer), ids(std::slice::from_ref(&sale)));
    let codes: Vec<(&str, &str)> = answer["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["code"].as_str().unwrap()))
        .collect();
    let forged_ids = ids(&forged);
    assert_eq!(
        codes,
        vec![
            (forged_ids[0].as_str(), "audit_chain_broken"),
            (forged_ids[1].as_str(), "audit_chain_broken")
        ]
    );
    let reason = &rejected(&answer)[0].1;
    assert!(reason.contains("up to entry 3"), "{reason}");
    let held = count(
        &ctx,
        "SELECT count(*) FROM events WHERE type = 'audit.recorded'",
    )
    .await;
    assert_eq!(held, 3);
    // The owner sees where it broke; the true chain goes on from its head.
    let client = ctx.server.pool().get().await.unwrap();
    let row = client
        .query_one(
            "SELECT seq, hash, refused_seq FROM audit_heads WHERE store_id = $1 AND device_id = $2",
            &[&ctx.store, &ctx.device],
        )
        .await
        .unwrap();
    let (seq, hash, refused): (i64, String, Option<i64>) = (row.get(0), row.get(1), row.get(2));
    assert_eq!((seq, hash.as_str(), refused), (3, head.as_str(), Some(4)));
    let (next, _) = audit_chain(4, &head, "a", 1);
    let (_, answer) = send(&ctx, &batch(&ctx, &next)).await;
    assert_eq!(accepted(&answer), ids(&next), "{answer}");
    // Another device's chain is its own and starts from 64 zeros.
    let other_device = Uuid::now_v7().to_string();
    let other_token = create_device(ctx.server.pool(), &ctx.store, Some("till 2"))
        .await
        .unwrap();
    let (mid, _) = audit_chain(2, &head, "c", 1);
    let (start, _) = audit_chain(1, zeros, "c", 1);
    for (events, code) in [(&mid, Some("audit_chain_broken")), (&start, None)] {
        let (_, answer) = send_with(
            &ctx,
            Some(&other_token),
            &batch_for(&ctx.store, &other_device, events),
        )
        .await;
        match code {
            Some(code) => assert_eq!(answer["rejected"][0]["code"], code, "{answer}"),
            None => assert_eq!(accepted(&answer), ids(events), "{answer}"),
        }
    }
    // Chain fields that are not hashes make a malformed payload.
    let mut bad = audit_chain(5, &head, "a", 1).0.remove(0);
    bad["payload"]["prev_hash"] = json!("not a hash");
    let (_, answer) = send(&ctx, &batch(&ctx, &[bad])).await;
    assert_eq!(answer["rejected"][0]["code"], "invalid_payload", "{answer}");
    assert!(
        rejected(&answer)[0].1.contains("payload.prev_hash"),
        "{answer}"
    );
}
