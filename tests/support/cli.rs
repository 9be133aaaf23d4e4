//! Running the real `till` binary on real store files, for the CLI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub struct Shop {
    pub _dir: tempfile::TempDir,
    pub db: PathBuf,
}

pub fn till(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_till"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("TILL_DB")
        .output()
        .unwrap()
}

pub fn ok_json(db: &Path, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    let out = till(db, &a);
    assert!(
        out.status.success(),
        "till {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Runs a command that must fail with `code` (exit) and returns the JSON error.
pub fn err_json(db: &Path, args: &[&str], exit: i32) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    let out = till(db, &a);
    assert_eq!(
        out.status.code(),
        Some(exit),
        "till {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "stderr not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(
        v["error"]["code"].is_string() && v["error"]["message"].is_string(),
        "{v}"
    );
    v
}

pub fn shop() -> Shop {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok_json(&db, &["init"]);
    Shop { _dir: dir, db }
}

pub fn count(db: &Path, table: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}
