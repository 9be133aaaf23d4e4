//! Backups and restore on real store files with the real `till` binary:
//! a backup taken while another process sells is consistent; a damaged,
//! foreign or newer file is refused and leaves the store byte-identical;
//! a backup restored onto a new machine opens and sells; restoring in
//! place keeps what the replaced store told the upstream; the backup
//! folder keeps the newest N and nothing else is touched; a store is
//! backed up before it is migrated.

#[path = "support/cli.rs"]
mod cli_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cli_support::{err_json, ok_json};
use rusqlite::Connection;
use serde_json::Value;

fn scalar(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn demo_shop(dir: &Path) -> PathBuf {
    let db = dir.join("shop.db");
    ok_json(&db, &["init", "--demo"]);
    db
}

/// Every order whole and the stock ledger agreeing with the orders.
fn assert_consistent(file: &Path) -> i64 {
    let conn =
        Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "{}", file.display());
    let checks = [
        ("orders without lines", "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"),
        ("orders without payments", "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id)"),
        ("orders whose payments do not add up to what was paid", "SELECT COUNT(*) FROM orders o WHERE ROUND(CAST(o.paid AS REAL) * 100) <> (SELECT ROUND(SUM(CAST(amount AS REAL)) * 100) FROM payments p WHERE p.order_id = o.id)"),
        ("order lines without their stock movements", "SELECT COUNT(*) FROM order_lines l WHERE (SELECT COALESCE(SUM(-m.qty), 0) FROM stock_movements m
               WHERE m.order_id = l.order_id AND m.product_id = l.product_id AND m.kind = 'sale')
               <> (SELECT SUM(l2.qty) FROM order_lines l2 WHERE l2.order_id = l.order_id AND l2.product_id = l.product_id)"),
        ("sale movements without their order", "SELECT COUNT(*) FROM stock_movements m WHERE m.kind = 'sale' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = m.order_id)"),
        ("stock levels that differ from the ledger", "SELECT COUNT(*) FROM stock_levels s WHERE s.on_hand <> (SELECT COALESCE(SUM(m.qty), 0) FROM stock_movements m WHERE m.product_id = s.product_id)"),
        ("orders without their outbox event", "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM outbox e WHERE e.type = 'order.completed' AND json_extract(e.payload, '$.order_id') = o.id)"),
    ];
    for (what, sql) in checks {
        assert_eq!(scalar(&conn, sql), 0, "{}: {what}", file.display());
    }
    scalar(&conn, "SELECT COUNT(*) FROM orders")
}

#[test]
fn backups_taken_while_another_process_sells_are_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok_json(&db, &["init", "--demo", "--catalog-only"]);
    let mut seller = Command::new(env!("CARGO_BIN_EXE_till"))
        .arg("--db")
        .arg(&db)
        .args(["demo", "sales", "--count", "1000000", "--seed", "5"])
        .env_remove("TILL_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let orders_now = || {
        let conn = Connection::open(&db).unwrap();
        scalar(&conn, "SELECT COUNT(*) FROM orders")
    };
    let start = Instant::now();
    while orders_now() < 20 {
        assert!(start.elapsed() < Duration::from_secs(60), "no sales");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut taken = vec![];
    for i in 0..5 {
        let out = dir.path().join(format!("during-{i}.db"));
        let b = ok_json(&db, &["backup", "create", "--out", out.to_str().unwrap()]);
        taken.push((out, b));
        std::thread::sleep(Duration::from_millis(150));
    }
    // Into the backup folder too, as the app does.
    let folder_backup = ok_json(&db, &["backup", "create"]);
    assert!(
        seller.try_wait().unwrap().is_none(),
        "the seller stopped while the backups were taken"
    );
    unsafe {
        libc::kill(seller.id() as i32, libc::SIGKILL);
    }
    seller.wait().unwrap();

    let mut last = 0;
    for (file, b) in &taken {
        let orders = assert_consistent(file);
        assert_eq!(b["orders"], orders, "{b}");
        assert_eq!(b["bytes"], std::fs::metadata(file).unwrap().len(), "{b}");
        assert!(orders >= last, "a later backup has fewer orders");
        last = orders;
        // One self-contained file: no WAL beside it.
        assert!(!Path::new(&format!("{}-wal", file.display())).exists());
    }
    let first = taken[0].1["orders"].as_i64().unwrap();
    assert!(
        last > first,
        "the sales went on during the backups ({first} then {last} orders)"
    );
    assert_consistent(Path::new(folder_backup["path"].as_str().unwrap()));
    assert_consistent(&db);
}

/// The store's bytes with its WAL folded in, so "untouched" can be compared.
fn settled_bytes(db: &Path) -> Vec<u8> {
    let conn = Connection::open(db).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    assert!(
        !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "the WAL is empty"
    );
    std::fs::read(db).unwrap()
}

#[test]
fn damaged_foreign_and_newer_files_are_refused_and_the_store_stays_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_shop(dir.path());
    let good = dir.path().join("good.db");
    ok_json(&db, &["backup", "create", "--out", good.to_str().unwrap()]);
    let good_bytes = std::fs::read(&good).unwrap();

    let truncated = dir.path().join("truncated.db");
    std::fs::write(&truncated, &good_bytes[..good_bytes.len() / 2]).unwrap();
    let random = dir.path().join("random.db");
    let noise: Vec<u8> = (0..good_bytes.len())
        .map(|_| rand::random::<u8>())
        .collect();
    std::fs::write(&random, noise).unwrap();
    // Pages overwritten in the middle: the header reads, the tables do not.
    let scribbled = dir.path().join("scribbled.db");
    let mut bytes = good_bytes.clone();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle - 20_000..middle + 20_000] {
        *b = 0x5a;
    }
    std::fs::write(&scribbled, bytes).unwrap();
    let newer = dir.path().join("newer.db");
    std::fs::write(&newer, &good_bytes).unwrap();
    Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let foreign = dir.path().join("foreign.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');")
        .unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let missing = dir.path().join("missing.db");

    let before = settled_bytes(&db);
    let folder = dir.path().join("backups");
    for (file, code, says) in [
        (&truncated, "file_damaged", ""),
        (&random, "file_damaged", ""),
        (&scribbled, "file_damaged", ""),
        (&newer, "store_too_new", "schema version 99"),
        (&foreign, "not_a_till_store", "other tables"),
        (&empty, "not_a_till_store", "empty"),
        (&missing, "not_found", ""),
    ] {
        let path = file.to_str().unwrap();
        let e = err_json(&db, &["backup", "verify", path], 2);
        assert_eq!(e["error"]["code"], code, "{path}: {e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
        let e = err_json(&db, &["backup", "restore", path], 2);
        assert_eq!(e["error"]["code"], code, "{path}: {e}");
        assert!(
            settled_bytes(&db) == before,
            "restoring {path} changed the store"
        );
        assert!(
            !folder.exists(),
            "a refused restore made a backup: {:?}",
            std::fs::read_dir(&folder).unwrap().collect::<Vec<_>>()
        );
    }
    // The good one verifies, and the store still sells.
    let v = ok_json(&db, &["backup", "verify", good.to_str().unwrap()]);
    assert_eq!(v["ok"], true);
    ok_json(&db, &["sale", "--item", "BAN", "--pay", "cash:20"]);
}

#[test]
fn a_backup_restored_on_a_new_machine_opens_and_sells() {
    let old = tempfile::tempdir().unwrap();
    let db = demo_shop(old.path());
    let file = old.path().join("shop-backup.db");
    let b = ok_json(&db, &["backup", "create", "--out", file.to_str().unwrap()]);
    let settings = ok_json(&db, &["settings", "show"]);

    let new = tempfile::tempdir().unwrap();
    let fresh = new.path().join("data").join("till.db");
    let r = ok_json(&fresh, &["backup", "restore", file.to_str().unwrap()]);
    assert_eq!(r["restored"]["orders"], b["orders"], "{r}");
    assert_eq!(r["kept"], Value::Null, "{r}");
    // The store comes through TILL_DB as well as --db.
    let out = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["--json", "settings", "show"])
        .env("TILL_DB", &fresh)
        .output()
        .unwrap();
    assert!(out.status.success());
    let restored: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(restored["store_id"], settings["store_id"]);
    assert_eq!(restored["device_id"], settings["device_id"]);
    let sale = ok_json(&fresh, &["sale", "--item", "BAN", "--pay", "cash:20"]);
    assert_eq!(sale["status"], "completed", "{sale}");
    let orders = ok_json(&fresh, &["order", "list", "--limit", "100000"]);
    assert_eq!(
        orders.as_array().unwrap().len() as i64,
        b["orders"].as_i64().unwrap() + 1
    );
    assert_consistent(&fresh);
    // No trace of the backup's own record, and nothing else in the folder.
    let conn = Connection::open(&fresh).unwrap();
    assert_eq!(
        scalar(
            &conn,
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'till_backup'"
        ),
        0
    );
    let left: Vec<_> = std::fs::read_dir(fresh.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // A second restore onto the same path is a restore in place.
    let r = ok_json(&fresh, &["backup", "restore", file.to_str().unwrap()]);
    assert!(r["kept"]["path"]
        .as_str()
        .unwrap()
        .ends_with("-before-restore.db"));
}

#[test]
fn a_store_too_damaged_to_open_is_set_aside_and_the_backup_restored() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_shop(dir.path());
    let file = dir.path().join("good.db");
    let b = ok_json(&db, &["backup", "create", "--out", file.to_str().unwrap()]);
    // Settings that cannot be read: the store does not open.
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE settings SET value = 'sideways' WHERE key = 'tax_mode'",
            [],
        )
        .unwrap();
    let damaged = settled_bytes(&db);
    let e = err_json(&db, &["settings", "show"], 1);
    assert_eq!(e["error"]["code"], "store_damaged");
    let r = ok_json(&db, &["backup", "restore", file.to_str().unwrap()]);
    assert_eq!(r["restored"]["orders"], b["orders"]);
    let aside = PathBuf::from(r["set_aside"].as_str().unwrap());
    assert_eq!(aside.parent().unwrap(), dir.path());
    assert!(
        aside
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("shop.db.damaged-"),
        "{}",
        aside.display()
    );
    assert!(
        std::fs::read(&aside).unwrap() == damaged,
        "the damaged store was kept as it was"
    );
    ok_json(&db, &["sale", "--item", "BAN", "--pay", "cash:20"]);
    assert_consistent(&db);

    // A store SQLite finds damaged (pages scribbled over) the same way.
    let mut bytes = settled_bytes(&db);
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle - 20_000..middle + 20_000] {
        *b = 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let e = err_json(&db, &["backup", "verify", db.to_str().unwrap()], 2);
    assert_eq!(e["error"]["code"], "file_damaged");
    std::thread::sleep(Duration::from_millis(1100)); // a new name for the second set-aside
    let r = ok_json(&db, &["backup", "restore", file.to_str().unwrap()]);
    assert!(std::fs::read(r["set_aside"].as_str().unwrap()).unwrap() == bytes);
    ok_json(&db, &["sale", "--item", "BAN", "--pay", "cash:20"]);

    // Somebody else's database at the store's path is never set aside.
    let foreign = dir.path().join("notes.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT)")
        .unwrap();
    let before = std::fs::read(&foreign).unwrap();
    let e = err_json(&foreign, &["backup", "restore", file.to_str().unwrap()], 2);
    assert_eq!(e["error"]["code"], "not_a_till_store");
    assert!(std::fs::read(&foreign).unwrap() == before);
}

#[test]
fn a_restore_in_place_keeps_the_replaced_store_and_what_it_told_the_upstream() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_shop(dir.path());
    let file = dir.path().join("monday.db");
    let b = ok_json(&db, &["backup", "create", "--out", file.to_str().unwrap()]);
    // After the backup: two more sales, and the upstream received every event.
    let mut last = Value::Null;
    for _ in 0..2 {
        last = ok_json(&db, &["sale", "--item", "BAN", "--pay", "cash:20"]);
    }
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE outbox SET sent_at = '2026-12-01T10:00:00.000Z', attempts = 1 WHERE sent_at IS NULL",
        [],
    )
    .unwrap();
    let top_seq = scalar(&conn, "SELECT MAX(seq) FROM outbox");
    drop(conn);

    let r = ok_json(&db, &["backup", "restore", file.to_str().unwrap()]);
    assert_eq!(r["restored"]["orders"], b["orders"]);
    let kept = PathBuf::from(r["kept"]["path"].as_str().unwrap());
    assert_eq!(kept.parent().unwrap(), dir.path().join("backups"));
    assert_eq!(r["kept"]["orders"], b["orders"].as_i64().unwrap() + 2);
    assert_eq!(assert_consistent(&kept), b["orders"].as_i64().unwrap() + 2);
    assert_eq!(assert_consistent(&db), b["orders"].as_i64().unwrap());

    let conn = Connection::open(&db).unwrap();
    // Events the replaced store had delivered are not sent again.
    assert_eq!(
        scalar(&conn, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"),
        0
    );
    drop(conn);
    // The next sale's receipt number and event come after the ones the
    // upstream already has.
    let next = ok_json(&db, &["sale", "--item", "BAN", "--pay", "cash:20"]);
    assert!(
        next["number"].as_str().unwrap() > last["number"].as_str().unwrap(),
        "{} after {}",
        next["number"],
        last["number"]
    );
    let conn = Connection::open(&db).unwrap();
    assert!(scalar(&conn, "SELECT MAX(seq) FROM outbox") > top_seq);
}

fn names(folder: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    n.sort();
    n
}

#[test]
fn the_backup_folder_keeps_the_newest_and_never_touches_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_shop(dir.path());
    let folder = dir.path().join("elsewhere");
    std::fs::create_dir_all(&folder).unwrap();
    let foreign = [
        "notes.txt",
        "till-old.db",
        "till-20200101T000000Z.db.bak",
        "till-20200101T000000Z-My copy.db",
        "shop.db",
    ];
    for f in foreign {
        std::fs::write(folder.join(f), b"keep me").unwrap();
    }
    // What a copy cut short (a crash, a full disk) leaves: removed once a
    // day old, never while a copy may still be writing it.
    let day_old = folder.join(".till-backup-01a2.tmp");
    let fresh = folder.join(".till-backup-01a3.tmp");
    for (f, age) in [(&day_old, 25 * 3600), (&fresh, 60)] {
        let file = std::fs::File::create(f).unwrap();
        file.set_modified(std::time::SystemTime::now() - Duration::from_secs(age))
            .unwrap();
    }
    ok_json(
        &db,
        &[
            "settings",
            "set",
            "--backup-dir",
            folder.to_str().unwrap(),
            "--backup-keep",
            "3",
        ],
    );
    let made: Vec<Value> = (0..5)
        .map(|_| ok_json(&db, &["backup", "create"]))
        .collect();
    let list = ok_json(&db, &["backup", "list"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3, "{list:?}");
    let newest: Vec<&Value> = made.iter().rev().take(3).collect();
    for (shown, made) in list.iter().zip(newest) {
        assert_eq!(shown["path"], made["path"]);
        assert_eq!(shown["created_at"], made["created_at"]);
        assert_eq!(shown["orders"], made["orders"]);
        assert_eq!(shown["bytes"], made["bytes"]);
    }
    let times: Vec<&str> = list
        .iter()
        .map(|b| b["created_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    let left = names(&folder);
    for f in foreign {
        assert!(left.contains(&f.to_string()), "{f} was deleted: {left:?}");
        assert_eq!(std::fs::read(folder.join(f)).unwrap(), b"keep me");
    }
    assert!(!day_old.exists());
    assert!(fresh.exists());
    std::fs::remove_file(&fresh).unwrap();
    let left = names(&folder);
    assert_eq!(left.len(), foreign.len() + 3, "{left:?}");
    assert!(!dir.path().join("backups").exists());

    // Restoring the oldest of a full folder: the store it replaces is kept,
    // and the folder is pruned only once the restore is done.
    let oldest = list[2]["path"].as_str().unwrap();
    let r = ok_json(&db, &["backup", "restore", oldest]);
    let list = ok_json(&db, &["backup", "list"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3, "{list:?}");
    assert_eq!(list[0]["path"], r["kept"]["path"]);
    assert!(!Path::new(oldest).exists());
    assert_eq!(names(&folder).len(), foreign.len() + 3);
}

#[test]
fn a_store_is_backed_up_before_it_is_migrated() {
    use till_core::settings::Settings;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    till_core::Store::create_with_schema(&db, Settings::default(), 5).unwrap();
    assert!(!dir.path().join("backups").exists());
    // Any command opens, and so migrates, the store.
    let list = ok_json(&db, &["backup", "list"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let path = list[0]["path"].as_str().unwrap();
    assert!(path.ends_with("-before-migration.db"), "{path}");
    let v = ok_json(&db, &["backup", "verify", path]);
    assert_eq!(v["schema_version"], 5);
    assert_eq!(
        Connection::open(&db)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        till_core::store::schema_version()
    );
    // Once current, opening makes no more backups.
    ok_json(&db, &["settings", "show"]);
    assert_eq!(
        ok_json(&db, &["backup", "list"]).as_array().unwrap().len(),
        1
    );
}

#[test]
fn a_store_whose_backup_cannot_be_made_is_not_migrated() {
    use till_core::settings::Settings;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    till_core::Store::create_with_schema(&db, Settings::default(), 5).unwrap();
    // The backup folder is a file: no backup can go there. (Set as the
    // settings keep it: the old store has no `settings set` of its own.)
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"").unwrap();
    Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO settings (key, value) VALUES ('backup_dir', ?1)",
            [file.to_str().unwrap()],
        )
        .unwrap();
    let e = err_json(&db, &["settings", "show"], 2);
    let message = e["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("from schema version 5") && message.contains("backup"),
        "{message}"
    );
    assert_eq!(
        Connection::open(&db)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        5
    );
}

#[test]
fn a_backup_is_due_when_the_newest_is_older_than_the_interval() {
    use chrono::{Duration as Hours, Utc};
    use till_core::{Clock, Store};
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path().join("till.db"), Default::default()).unwrap();
    assert!(store.backup_due().unwrap(), "none yet");
    let now = Utc::now();
    store.set_clock(Clock::Fixed(now));
    let b = store.backup(None).unwrap();
    assert_eq!(b.created_at.timestamp_millis(), now.timestamp_millis());
    assert!(!store.backup_due().unwrap());
    store.set_clock(Clock::Fixed(now + Hours::hours(23)));
    assert!(!store.backup_due().unwrap());
    store.set_clock(Clock::Fixed(now + Hours::hours(24)));
    assert!(store.backup_due().unwrap());
    // Many in one second (a fixed clock) keep their order.
    store.set_clock(Clock::Fixed(now));
    let later = store.backup(None).unwrap();
    assert_eq!(store.backups().unwrap()[0].path, later.path);
}
