//! Crash durability: a child `till` process commits sales in a loop and is
//! killed with SIGKILL at random moments, 50 times. Afterwards no partial
//! order exists, every order's stock movements and outbox event exist, the
//! stock cache matches the ledger, and SQLite's integrity check passes.

use std::process::{Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng};

fn till(db: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_till"));
    c.arg("--db").arg(db).env_remove("TILL_DB");
    c
}

fn scalar(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn sigkill_during_sales_loses_nothing_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    assert!(till(&db)
        .args(["init", "--demo", "--catalog-only"])
        .status()
        .unwrap()
        .success());
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x7111);
    let mut last_orders = 0;
    for round in 0..50 {
        let mut child = till(&db)
            .args([
                "demo",
                "sales",
                "--count",
                "1000000",
                "--seed",
                &round.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(30..300)));
        unsafe {
            libc::kill(child.id() as i32, libc::SIGKILL);
        }
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "round {round}: the child finished before it was killed"
        );

        let conn = rusqlite::Connection::open(&db).unwrap();
        let orders = scalar(&conn, "SELECT COUNT(*) FROM orders");
        assert!(
            orders >= last_orders,
            "round {round}: committed orders disappeared"
        );
        last_orders = orders;
        // No order without lines or payments, and paid = sum of payments.
        assert_eq!(scalar(&conn, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"), 0);
        assert_eq!(scalar(&conn, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id)"), 0);
        assert_eq!(
            scalar(&conn, "SELECT COUNT(*) FROM orders o WHERE ROUND(CAST(o.paid AS REAL) * 100) <> (SELECT ROUND(SUM(CAST(amount AS REAL)) * 100) FROM payments p WHERE p.order_id = o.id)"),
            0
        );
        // Every order line has its sale movement, and nothing else refers to a missing order.
        assert_eq!(
            scalar(
                &conn,
                "SELECT COUNT(*) FROM order_lines l WHERE (SELECT COALESCE(SUM(-m.qty), 0) FROM stock_movements m
                   WHERE m.order_id = l.order_id AND m.product_id = l.product_id AND m.kind = 'sale')
                   <> (SELECT SUM(l2.qty) FROM order_lines l2 WHERE l2.order_id = l.order_id AND l2.product_id = l.product_id)"
            ),
            0
        );
        assert_eq!(scalar(&conn, "SELECT COUNT(*) FROM stock_movements m WHERE m.kind = 'sale' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = m.order_id)"), 0);
        // One order.completed event per order.
        assert_eq!(
            scalar(
                &conn,
                "SELECT COUNT(*) FROM outbox WHERE type = 'order.completed'"
            ),
            orders
        );
        // The on-hand cache matches the ledger.
        assert_eq!(
            scalar(&conn, "SELECT COUNT(*) FROM stock_levels s WHERE s.on_hand <> (SELECT SUM(qty) FROM stock_movements m WHERE m.product_id = s.product_id)"),
            0
        );
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok", "round {round}");
    }
    assert!(
        last_orders > 50,
        "too few sales were committed ({last_orders}) for the test to mean anything"
    );
    // The store still works after all that.
    let out = till(&db).args(["doctor", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
