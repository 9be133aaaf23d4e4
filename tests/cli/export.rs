//! `till export all`: every table read back with the csv crate against the
//! manifest and the store itself: row counts, checksums, and cell by cell
//! values (NULL and empty text apart, BLOBs as hex).

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::types::Value as Sql;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cli_support::{ok_json, till_with};
use crate::staff::{staffed_shop, CASHIER, OWNER};

/// A demo store with sales, refunds and customers, plus a logo (a BLOB)
/// and a customer's notes set to empty text (written straight into the
/// file: no command stores empty text, they store NULL).
fn demo_store(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("shop.db");
    ok_json(&db, &["init", "--demo", "--at", "2026-11-20T15:00:00Z"]);
    let logo = dir.join("logo.png");
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, 16, 8);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[0u8; 16 * 8 * 4]).unwrap();
        w.finish().unwrap();
    }
    std::fs::write(&logo, bytes).unwrap();
    ok_json(&db, &["settings", "set", "--logo", logo.to_str().unwrap()]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE customers SET notes = '' WHERE id = (SELECT min(id) FROM customers WHERE notes IS NULL)",
        [],
    )
    .unwrap();
    db
}

/// One CSV field as written: None for a bare empty field (NULL), else the
/// text (a quoted empty field is Some("")). A reader of its own, apart
/// from the csv crate, which reads both as "".
fn raw_fields(line: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut s = String::new();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        s.push('"');
                    } else {
                        break;
                    }
                } else {
                    s.push(c);
                }
            }
            out.push(Some(s));
            match chars.next() {
                Some(',') => continue,
                None => break,
                Some(c) => panic!("{c:?} after a quoted field in {line:?}"),
            }
        } else {
            let mut s = String::new();
            let mut more = false;
            for c in chars.by_ref() {
                if c == ',' {
                    more = true;
                    break;
                }
                s.push(c);
            }
            out.push(if s.is_empty() { None } else { Some(s) });
            if !more {
                break;
            }
        }
    }
    out
}

/// The store's rows of `table` in primary-key order, each cell as it
/// should be written (None for NULL).
fn db_rows(
    conn: &rusqlite::Connection,
    table: &str,
    columns: &[String],
    order: &str,
) -> Vec<Vec<Option<String>>> {
    let sql = format!(
        "SELECT {} FROM {table} ORDER BY {order}",
        columns.join(", ")
    );
    let mut stmt = conn.prepare(&sql).unwrap();
    let n = columns.len();
    stmt.query_map([], |r| {
        Ok((0..n)
            .map(|i| match r.get::<_, Sql>(i).unwrap() {
                Sql::Null => None,
                Sql::Integer(v) => Some(v.to_string()),
                Sql::Real(v) => Some(v.to_string()),
                Sql::Text(t) => Some(t),
                Sql::Blob(b) => Some(hex::encode(b)),
            })
            .collect())
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn every_table_reads_back_as_the_manifest_and_the_store_say() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_store(dir.path());
    let out = dir.path().join("export").join("nested");
    let m = ok_json(&db, &["export", "all", "--out", out.to_str().unwrap()]);
    assert!(m["exported_at"].as_str().unwrap().starts_with("20"), "{m}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(m["schema_version"], version);

    // Every table but SQLite's own is there, in the manifest and as a file.
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .filter(|n: &String| n != "report_rollup" && n != "report_state")
        .collect();
    let listed: Vec<&Value> = m["tables"].as_array().unwrap().iter().collect();
    assert_eq!(
        listed
            .iter()
            .map(|t| t["table"].as_str().unwrap())
            .collect::<Vec<_>>(),
        tables
    );
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let mut want: Vec<String> = tables.iter().map(|t| format!("{t}.csv")).collect();
    want.push("manifest.json".into());
    want.sort();
    assert_eq!(files, want, "no stray temporary files");
    let on_disk: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(on_disk, m);

    let mut rows_of = BTreeMap::new();
    for t in &listed {
        let table = t["table"].as_str().unwrap();
        let file = out.join(t["file"].as_str().unwrap());
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            t["sha256"].as_str().unwrap(),
            "{table}"
        );
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let columns: Vec<String> = t["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        assert_eq!(header, columns, "{table}");
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let count: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(records.len() as i64, count, "{table}");
        assert_eq!(t["rows"], count, "{table}");
        rows_of.insert(table.to_string(), count);
    }
    // The demo's history is in it.
    for busy in [
        "orders",
        "order_lines",
        "payments",
        "refunds",
        "customers",
        "stock_movements",
    ] {
        assert!(rows_of[busy] > 0, "{busy}: {rows_of:?}");
    }

    // Secrets stay out: the staff file has no PIN hashes.
    let staff = &listed.iter().find(|t| t["table"] == "staff").unwrap()["columns"];
    assert!(
        !staff.as_array().unwrap().iter().any(|c| c == "pin_hash"),
        "{staff}"
    );
    assert!(m["left_out"].to_string().contains("staff.pin_hash"), "{m}");

    // Cell by cell, for tables with NULLs, empty text, decimals and a BLOB,
    // in primary-key order as the export writes them.
    for table in [
        "customers",
        "orders",
        "order_lines",
        "receipt_logo",
        "payments",
    ] {
        let t = listed.iter().find(|t| t["table"] == table).unwrap();
        let columns: Vec<String> = t["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        // order_lines' key is (order_id, line_no); the others' is `id`.
        let order = if table == "order_lines" {
            "order_id, line_no"
        } else {
            "id"
        };
        let want = db_rows(&conn, table, &columns, order);
        let text = std::fs::read_to_string(out.join(t["file"].as_str().unwrap())).unwrap();
        // Split into records with the csv crate (a field may hold a line
        // break), then each record's raw text with the reader above.
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let mut got = Vec::new();
        let mut record = csv::StringRecord::new();
        let mut starts = vec![];
        reader.headers().unwrap();
        loop {
            let pos = reader.position().byte() as usize;
            if !reader.read_record(&mut record).unwrap() {
                starts.push(text.len());
                break;
            }
            starts.push(pos);
        }
        for w in starts.windows(2) {
            let line = text[w[0]..w[1]].strip_suffix('\n').unwrap();
            got.push(raw_fields(line));
        }
        assert_eq!(got.len(), want.len(), "{table}");
        assert_eq!(got, want, "{table}");
    }
    // NULL and empty text are told apart, and the logo is its bytes.
    let customers = std::fs::read_to_string(out.join("customers.csv")).unwrap();
    assert!(customers.contains(",\"\","), "empty notes written as \"\"");
    let png: Vec<u8> = conn
        .query_row("SELECT png FROM receipt_logo", [], |r| r.get(0))
        .unwrap();
    let mut reader = csv::Reader::from_path(out.join("receipt_logo.csv")).unwrap();
    let logo = reader.records().next().unwrap().unwrap();
    assert_eq!(hex::decode(&logo[1]).unwrap(), png);

    // The same store exported again gives the same files.
    let again = dir.path().join("again");
    let m2 = ok_json(&db, &["export", "all", "--out", again.to_str().unwrap()]);
    for (a, b) in listed.iter().zip(m2["tables"].as_array().unwrap()) {
        if a["table"] != "audit_log" {
            // The audit trail gained the first export's entry.
            assert_eq!(a["sha256"], b["sha256"], "{}", a["table"]);
        }
    }
    let audit: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'data.export'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // A store without staff audits nothing (no one to name); the staffed
    // test below checks the entry.
    assert_eq!(audit, 0);
}

#[test]
fn an_unwritable_folder_is_bad_input_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok_json(&db, &["init"]);
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let e =
        crate::cli_support::err_json(&db, &["export", "all", "--out", file.to_str().unwrap()], 2);
    assert!(e.to_string().contains("a-file"), "{e}");
    let under = file.join("sub");
    let e =
        crate::cli_support::err_json(&db, &["export", "all", "--out", under.to_str().unwrap()], 2);
    assert!(e.to_string().contains("a-file"), "{e}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn only_the_owner_exports_and_it_is_audited() {
    let s = staffed_shop();
    let dir = s.db.with_file_name("out");
    let args = ["--json", "export", "all", "--out", dir.to_str().unwrap()];
    let refused = till_with(
        &s.db,
        &args,
        &[("TILL_STAFF", CASHIER.0), ("TILL_PIN", CASHIER.1)],
        None,
    );
    assert_eq!(refused.status.code(), Some(4));
    assert!(!dir.exists(), "nothing written for a refused export");
    let done = till_with(
        &s.db,
        &args,
        &[("TILL_STAFF", OWNER.0), ("TILL_PIN", OWNER.1)],
        None,
    );
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let staff = std::fs::read_to_string(dir.join("staff.csv")).unwrap();
    assert!(staff.starts_with("id,name,role,active,"), "{staff}");
    assert!(!staff.contains("argon2"), "{staff}");
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let detail: String = conn
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'data.export'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let detail: Value = serde_json::from_str(&detail).unwrap();
    let m: Value = serde_json::from_slice(&done.stdout).unwrap();
    assert_eq!(detail["tables"], m["tables"].as_array().unwrap().len());
}
