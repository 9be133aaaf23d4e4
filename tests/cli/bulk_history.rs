//! `till demo history`: bulk orders through the store's own sale path, one
//! transaction per day, the same for the same seed.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::cli_support::{err_json, ok_json, shop, Shop};

fn history(s: &Shop, line: &str) -> Value {
    let v = s.run(line);
    for key in [
        "orders", "lines", "refunds", "days", "from", "to", "seconds",
    ] {
        assert!(!v[key].is_null(), "{key} missing: {v}");
    }
    v
}

/// Every order as (number without the device's prefix, created_at,
/// total, paid, has a customer), oldest first.
fn orders(s: &Shop) -> Vec<(String, String, String, String, bool)> {
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let mut stmt = conn
        .prepare("SELECT number, created_at, total, paid, customer_id IS NOT NULL FROM orders ORDER BY rowid")
        .unwrap();
    stmt.query_map([], |r| {
        let number: String = r.get(0)?;
        let n = number
            .split_once('-')
            .map_or(number.clone(), |(_, n)| n.to_string());
        Ok((n, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn paris_shop() -> Shop {
    let s = shop();
    s.run("settings set --time-zone Europe/Paris");
    s
}

#[test]
fn two_thousand_orders_over_thirty_days() {
    let s = paris_shop();
    let v = history(&s, "demo history --orders 2000 --days 30 --seed 7");
    assert_eq!(v["orders"], 2000);
    assert_eq!(v["days"], 30);
    let lines = v["lines"].as_u64().unwrap();
    // About five lines an order.
    assert!((3 * 2000..=7 * 2000).contains(&lines), "{v}");
    let all = orders(&s);
    assert_eq!(all.len(), 2000);
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let stored_lines: i64 = conn
        .query_row("SELECT count(*) FROM order_lines", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored_lines as u64, lines);
    let refunds: i64 = conn
        .query_row("SELECT count(*) FROM refunds", [], |r| r.get(0))
        .unwrap();
    assert_eq!(refunds, v["refunds"].as_i64().unwrap());
    assert!(refunds > 0, "{v}");

    // All inside the period, in opening hours, and every local day has some.
    let from: DateTime<Utc> = v["from"].as_str().unwrap().parse().unwrap();
    let to: DateTime<Utc> = v["to"].as_str().unwrap().parse().unwrap();
    let tz: Tz = "Europe/Paris".parse().unwrap();
    let mut days = BTreeSet::new();
    for (number, at, ..) in &all {
        let t: DateTime<Utc> = at.parse().unwrap();
        assert!(
            t >= from && t <= to,
            "{number} at {at} outside {from}..{to}"
        );
        let local = t.with_timezone(&tz);
        days.insert(local.date_naive());
    }
    assert_eq!(days.len(), 30, "{days:?}");
    // Some customers, some cash, some card, a few of both.
    assert!(all.iter().any(|o| o.4) && all.iter().any(|o| !o.4));
    let methods: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT order_id FROM payments GROUP BY order_id HAVING count(DISTINCT method) = 2)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(methods > 0, "no split payments");
    // The stock ledger adds up and every stored value reads back.
    ok_json(&s.db, &["doctor"]);
}

#[test]
fn the_same_seed_gives_the_same_history() {
    let a = paris_shop();
    let b = paris_shop();
    let va = history(&a, "demo history --orders 300 --days 10 --seed 11");
    let vb = history(&b, "demo history --orders 300 --days 10 --seed 11");
    for key in ["orders", "lines", "refunds", "days"] {
        assert_eq!(va[key], vb[key], "{key}");
    }
    // Today's orders stop at "now", which moved between the runs; the
    // days before are the same to the second and the cent.
    let today = va["to"].as_str().unwrap()[..10].to_string();
    let before = |s: &Shop| -> Vec<_> {
        orders(s)
            .into_iter()
            .filter(|o| o.1[..10] < *today)
            .collect()
    };
    let (oa, ob) = (before(&a), before(&b));
    assert!(oa.len() > 200, "{}", oa.len());
    assert!(oa == ob, "the same seed made other orders");
    let c = paris_shop();
    let vc = history(&c, "demo history --orders 300 --days 10 --seed 12");
    assert_eq!(vc["orders"], 300);
    assert!(before(&c) != oa, "another seed, another history");
}

#[test]
fn bad_numbers_are_refused_naming_the_flag() {
    let s = shop();
    for (line, flag) in [
        ("--orders 0 --days 5", "--orders"),
        ("--orders abc --days 5", "--orders"),
        ("--orders 5000001 --days 5", "--orders"),
        ("--orders 10 --days 0", "--days"),
        ("--orders 10 --days 3651", "--days"),
        ("--orders 10 --days=-1", "--days"),
        ("--orders 10 --days 5 --seed x", "--seed"),
    ] {
        let mut args = vec!["demo", "history"];
        args.extend(line.split(' '));
        let e = err_json(&s.db, &args, 2);
        let m = e["error"]["message"].as_str().unwrap();
        assert!(m.contains(flag), "{line}: {m}");
    }
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}
