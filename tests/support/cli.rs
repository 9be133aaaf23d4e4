//! Running the real `till` binary on real store files, for the CLI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub struct Shop {
    pub _dir: tempfile::TempDir,
    pub db: PathBuf,
}

/// Splits one command line into its words as a shell would, so a quoted
/// name stays one word: `product add --name 'Flat white'`.
pub fn words(line: &str) -> Vec<String> {
    shlex::split(line).unwrap_or_else(|| panic!("unbalanced quotes in {line:?}"))
}

/// Runs one command line that must succeed (`--json` added) and returns
/// its JSON output: `run(db, "product add --sku COF --price 2.50")`.
pub fn run(db: &Path, line: &str) -> Value {
    let words = words(line);
    ok_json(db, &words.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Runs one command line that must fail with exit code `exit` (`--json`
/// added) and returns the JSON error.
pub fn run_err(db: &Path, line: &str, exit: i32) -> Value {
    let words = words(line);
    err_json(
        db,
        &words.iter().map(String::as_str).collect::<Vec<_>>(),
        exit,
    )
}

impl Shop {
    /// [`run`] on this shop's store.
    pub fn run(&self, line: &str) -> Value {
        run(&self.db, line)
    }

    /// [`run_err`] on this shop's store.
    pub fn run_err(&self, line: &str, exit: i32) -> Value {
        run_err(&self.db, line, exit)
    }
}

pub fn till(db: &Path, args: &[&str]) -> Output {
    till_with(db, args, &[], None)
}

/// The staff variables `till` reads, and the mail server's password, none
/// of them inherited by the tests.
const STAFF_VARS: [&str; 5] = [
    "TILL_STAFF",
    "TILL_PIN",
    "TILL_NEW_PIN",
    "TILL_APPROVER_PIN",
    "TILL_SMTP_PASSWORD",
];

/// `till` with these environment variables set and, when given, this text
/// on its stdin (else stdin is empty).
pub fn till_with(db: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_till"));
    cmd.arg("--db").arg(db).args(args).env_remove("TILL_DB");
    for var in STAFF_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    // `till` may exit without reading it: a closed pipe is no failure.
    let _ = input.write_all(stdin.unwrap_or_default().as_bytes());
    drop(input);
    child.wait_with_output().unwrap()
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

/// The human output of a command that must succeed, trimmed.
pub fn text(db: &Path, args: &[&str]) -> String {
    let out = till(db, args);
    assert!(
        out.status.success(),
        "till {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
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

/// The text of a PDF file, laid out as on the page (poppler's `pdftotext`).
pub fn pdftotext(file: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/install.sh --tests installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
