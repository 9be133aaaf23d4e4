//! The store file: creation, pragmas, migrations, refusal of newer or
//! corrupt files, and the stock ledger against its cache.

#[path = "support/mod.rs"]
mod support;

use support::*;
use till_core::inventory::MovementKind;
use till_core::settings::Settings;
use till_core::store::{schema_version, MIGRATIONS};
use till_core::{Error, Store};

#[test]
fn pragmas_are_set_for_durability() {
    let (_d, store) = new_store();
    let c = store.connection();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    let fk: i64 = c
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    let busy: i64 = c
        .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "synchronous must be FULL");
    assert_eq!(fk, 1);
    assert!(busy >= 1000);
}

#[test]
fn migrations_apply_from_empty_and_from_every_earlier_version() {
    // Every file in migrations/ is embedded, in order.
    let mut files: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".sql"))
            .collect();
    files.sort();
    let embedded: Vec<&str> = MIGRATIONS.iter().map(|(n, _)| *n).collect();
    assert_eq!(files, embedded, "migrations/ and the embedded list differ");

    // From an empty file.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let s = Store::create(&empty, Settings::default()).unwrap();
    assert_eq!(s.integrity_check().unwrap(), "ok");
    drop(s);
    assert_eq!(user_version(&empty), schema_version());

    // From every earlier version: a store made at version v opens, is
    // migrated to the newest version, and keeps its settings.
    for v in 1..=schema_version() {
        let path = dir.path().join(format!("v{v}.db"));
        let settings = Settings {
            store_name: format!("shop at v{v}"),
            ..Settings::default()
        };
        Store::create_with_schema(&path, settings.clone(), v).unwrap();
        assert_eq!(user_version(&path), v);
        let s = Store::open(&path).unwrap();
        assert_eq!(s.settings(), &settings);
        assert_eq!(s.integrity_check().unwrap(), "ok");
        drop(s);
        assert_eq!(user_version(&path), schema_version());
    }
}

/// Migration 0017 rebuilds the stock ledger (a new movement kind, the
/// purchase order or count a movement came from): every row is kept with
/// its id, on-hand is not counted twice, and the ledger stays append-only.
#[test]
fn the_stock_ledger_keeps_its_rows_and_on_hand_across_its_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v16.db");
    Store::create_with_schema(&path, Settings::default(), 16).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "INSERT INTO products (id, sku, name, price, created_at, updated_at)
             VALUES (1, 'TEA', 'Tea', '2.50', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
             INSERT INTO stock_movements (id, product_id, kind, qty, reason, user, created_at)
             VALUES (7, 1, 'restock', 10, 'opening stock', 'till', '2026-01-01T00:00:00Z'),
                    (9, 1, 'damage', -3, NULL, 'till', '2026-01-02T00:00:00Z');",
        )
        .unwrap();
    }
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.stock("TEA").unwrap().on_hand, 7);
    let ids: Vec<i64> = s.movements("TEA").unwrap().iter().map(|m| m.id).collect();
    assert_eq!(ids, [7, 9]);
    s.adjust_stock("TEA", 2, till_core::inventory::MovementKind::Restock, None)
        .unwrap();
    assert_eq!(s.stock("TEA").unwrap().on_hand, 9);
    assert!(s.stock_drift().unwrap().is_empty());
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let err = conn
        .execute("DELETE FROM stock_movements WHERE id = 7", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    conn.execute(
        "INSERT INTO stock_movements (product_id, kind, qty, user, created_at)
         VALUES (1, 'receive', 4, 'till', '2026-01-03T00:00:00Z')",
        [],
    )
    .unwrap();
    let on_hand: i64 = conn
        .query_row(
            "SELECT on_hand FROM stock_levels WHERE product_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(on_hand, 13);
}

fn user_version(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn newer_store_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); ").unwrap();
        conn.pragma_update(None, "user_version", schema_version() + 1)
            .unwrap();
        // Every Till store since schema version 8 says it is one.
        conn.pragma_update(None, "application_id", till_core::store::APPLICATION_ID)
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::StoreTooNew { .. }), "{err}");
    assert!(err.to_string().contains("newer version of Till"));
    assert!(err.is_user_error());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file was modified"
    );
    assert!(
        !dir.path().join("new.db-wal").exists(),
        "a WAL file was created"
    );
}

#[test]
fn corrupt_and_missing_files_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(
        &junk,
        b"this is not a database, just text that is long enough to look like a header........",
    )
    .unwrap();
    let err = Store::open(&junk).unwrap_err();
    assert_eq!(err.code(), "store_unusable", "{err}");
    assert!(err.to_string().contains("not a Till database"), "{err}");

    let err = Store::open(dir.path().join("missing.db")).unwrap_err();
    assert_eq!(err.code(), "no_store");
    // The core names the file; each front end says what to do about it
    // (`till init` on the command line; the app creates the store).
    assert!(err.to_string().contains("no Till store at"), "{err}");
    assert!(!err.to_string().contains('`'), "{err}");

    let err = Store::create(junk.clone(), Settings::default()).unwrap_err();
    assert!(err.is_user_error(), "{err}");
}

#[test]
fn read_only_store_is_refused() {
    let (dir, store) = new_store();
    let path = store.path().to_path_buf();
    drop(store);
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).unwrap();
    // Root ignores file permissions; the check only means something for
    // ordinary users, so only assert when the file really is unwritable.
    if std::fs::OpenOptions::new().write(true).open(&path).is_err() {
        let err = Store::open(&path).unwrap_err();
        assert_eq!(err.code(), "store_unusable", "{err}");
    }
    drop(dir);
}

#[test]
fn existing_store_is_not_overwritten_by_create() {
    let (_d, store) = new_store();
    let path = store.path().to_path_buf();
    drop(store);
    let err = Store::create(&path, Settings::default()).unwrap_err();
    assert_eq!(err.code(), "conflict");
}

#[test]
fn ledger_is_append_only_and_cache_matches_it() {
    let (_d, mut store) = new_store();
    add(&mut store, "A", "1.00", "0", 10);
    store
        .adjust_stock("A", -3, MovementKind::Damage, Some("dropped"))
        .unwrap();
    store
        .adjust_stock("A", 5, MovementKind::Restock, None)
        .unwrap();
    assert_eq!(store.stock("A").unwrap().on_hand, 12);
    assert!(store.stock_drift().unwrap().is_empty());
    let c = store.connection();
    assert!(c
        .execute("UPDATE stock_movements SET qty = 100", [])
        .is_err());
    assert!(c.execute("DELETE FROM stock_movements", []).is_err());
    assert_eq!(store.movements("A").unwrap().len(), 3);
}

#[test]
fn stock_adjustments_validate_and_write_outbox_events() {
    let (_d, mut store) = new_store();
    add(&mut store, "A", "1.00", "0", 2);
    let before = count(&store, "outbox");
    let err = store
        .adjust_stock("A", -5, MovementKind::Damage, None)
        .unwrap_err();
    assert_eq!(err.code(), "insufficient_stock");
    assert!(store
        .adjust_stock("A", 0, MovementKind::Count, None)
        .is_err());
    assert!(store
        .adjust_stock("A", -1, MovementKind::Restock, None)
        .is_err());
    assert!(store
        .adjust_stock("NOPE", 1, MovementKind::Restock, None)
        .is_err());
    assert_eq!(
        count(&store, "outbox"),
        before,
        "a refused adjustment wrote an event"
    );
    store
        .adjust_stock("A", -2, MovementKind::Count, Some("shelf count"))
        .unwrap();
    assert_eq!(count(&store, "outbox"), before + 1);
    let ev = store.pending_events(10).unwrap().pop().unwrap();
    assert_eq!(ev.kind, "stock.adjusted");
    assert_eq!(ev.payload["qty"], -2);
}

#[test]
fn catalog_validates_input() {
    let (_d, mut store) = new_store();
    add(&mut store, "A", "1.00", "0", 0);
    let base = till_core::catalog::NewProduct {
        sku: "B".into(),
        name: "B".into(),
        price: dec("1.00"),
        ..Default::default()
    };
    let e = store
        .add_product(till_core::catalog::NewProduct {
            sku: "A".into(),
            ..base.clone()
        })
        .unwrap_err();
    assert_eq!(e.code(), "conflict");
    let e = store
        .add_product(till_core::catalog::NewProduct {
            price: dec("1.005"),
            ..base.clone()
        })
        .unwrap_err();
    assert!(e.to_string().contains("more decimals"), "{e}");
    let e = store
        .add_product(till_core::catalog::NewProduct {
            price: dec("-1"),
            ..base.clone()
        })
        .unwrap_err();
    assert!(e.to_string().contains("negative"), "{e}");
    let e = store
        .add_product(till_core::catalog::NewProduct {
            sku: "has space".into(),
            ..base.clone()
        })
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    let e = store
        .add_product(till_core::catalog::NewProduct {
            tax_rate: Some(dec("120")),
            ..base.clone()
        })
        .unwrap_err();
    assert!(e.to_string().contains("tax rate"), "{e}");
    assert_eq!(count(&store, "products"), 1);
    // No tax unless asked for, or the store has a default.
    let p = store.add_product(base.clone()).unwrap();
    assert_eq!(p.tax_rate, dec("0"));
    store
        .update_settings(till_core::settings::SettingsUpdate {
            default_tax_rate: Some(Some(dec("20"))),
            ..Default::default()
        })
        .unwrap();
    let p = store
        .add_product(till_core::catalog::NewProduct {
            sku: "C".into(),
            ..base
        })
        .unwrap();
    assert_eq!(p.tax_rate, dec("20"));
}

#[test]
fn the_sync_state_follows_the_status_it_sums_up() {
    use till_core::outbox::SyncState;
    let (_d, mut store) = new_store();
    let state = |s: &Store| s.sync_status().unwrap().state;
    assert_eq!(state(&store), SyncState::Off);

    store
        .set_sync_state(&[("endpoint", Some("http://127.0.0.1:9"))])
        .unwrap();
    // Set up, never tried, nothing waiting: in sync.
    assert_eq!(store.pending_event_count().unwrap(), 0);
    assert_eq!(state(&store), SyncState::Synced);

    add(&mut store, "A", "1.00", "0", 2);
    store
        .adjust_stock("A", 3, MovementKind::Restock, None)
        .unwrap();
    assert!(store.pending_event_count().unwrap() > 0);
    store
        .set_sync_state(&[("last_attempt", Some("2026-12-02T10:00:00Z"))])
        .unwrap();
    assert_eq!(state(&store), SyncState::Offline);

    store
        .set_sync_state(&[("connected", Some("true"))])
        .unwrap();
    assert_eq!(state(&store), SyncState::Syncing);

    let ids: Vec<String> = store
        .pending_events(1000)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    store.record_delivery(&ids, &[]).unwrap();
    assert_eq!(state(&store), SyncState::Synced);

    store
        .set_sync_state(&[("auth_failed", Some("true"))])
        .unwrap();
    assert_eq!(state(&store), SyncState::Refused);
    // The CLI's JSON says it in the same words.
    let json = serde_json::to_value(store.sync_status().unwrap()).unwrap();
    assert_eq!(json["state"], "refused");
}

#[test]
fn first_run_setup_checks_everything_then_applies_it_once() {
    use till_core::forms::{Catalog, SetupForm};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let mut s = Store::create(
        &path,
        Settings {
            setup_done: false,
            ..Settings::default()
        },
    )
    .unwrap();
    let form = |catalog| SetupForm {
        store_name: "Corner Café".into(),
        shop_address: "1 Market St".into(),
        tax_id: "".into(),
        currency: "GBP".into(),
        time_zone: "Europe/London".into(),
        tax_mode: "inclusive".into(),
        default_tax_rate: "20".into(),
        catalog,
    };
    // A bad answer refuses the whole set-up: nothing is written.
    let bad = SetupForm {
        time_zone: "Mars/Olympus".into(),
        ..form(Catalog::Demo)
    };
    let e = s.finish_setup(bad.setup().unwrap()).unwrap_err();
    assert!(matches!(e, Error::Invalid { .. }), "{e:?}");
    let yen = SetupForm {
        currency: "JPY".into(),
        ..form(Catalog::Demo)
    };
    let e = s.finish_setup(yen.setup().unwrap()).unwrap_err();
    assert!(e.to_string().contains("priced in cents"), "{e}");
    assert!(!s.settings().setup_done);
    assert_eq!(s.settings_changes(10).unwrap().len(), 0);
    assert_eq!(s.pending_event_count().unwrap(), 0);

    let done = s
        .finish_setup(form(Catalog::Demo).setup().unwrap())
        .unwrap();
    assert!(done.setup_done);
    assert_eq!(done.store_name, "Corner Café");
    assert_eq!(done.currency.code, "GBP");
    assert_eq!(done.tax_id, None);
    assert_eq!(done.shop_address.as_deref(), Some("1 Market St"));
    assert!(
        s.products(None, false).unwrap().len() >= 10,
        "the demo catalog"
    );
    drop(s);
    // What was set up is what the store holds.
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.settings(), &done);
    assert!(s
        .settings_changes(50)
        .unwrap()
        .iter()
        .any(|c| c.key == "time_zone" && c.new.as_deref() == Some("Europe/London")));
    let again = s
        .finish_setup(form(Catalog::Empty).setup().unwrap())
        .unwrap_err();
    assert!(matches!(again, Error::Conflict(_)), "{again:?}");
}
