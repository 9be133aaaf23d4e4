//! Staff through the CLI: signing in (`--as`, `$TILL_PIN`, `--pin-stdin`),
//! wrong PINs and the lock, `--user` on a store with staff, approvals, and
//! the audit trail and its check.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::cli_support::{ok_json, shop, till_with, Shop};

pub const OWNER: (&str, &str) = ("Olive", "2468");
pub const MANAGER: (&str, &str) = ("Max", "3579");
pub const CASHIER: (&str, &str) = ("Cara", "4826");

/// `till --json ARGS` as `who` (name, PIN in $TILL_PIN), with more
/// environment variables and stdin.
pub fn as_member(
    db: &Path,
    who: Option<(&str, &str)>,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> Output {
    let mut a: Vec<&str> = args.to_vec();
    a.push("--json");
    let mut vars: Vec<(&str, &str)> = env.to_vec();
    if let Some((name, pin)) = who {
        a.extend(["--as", name]);
        vars.push(("TILL_PIN", pin));
    }
    till_with(db, &a, &vars, stdin)
}

/// The JSON output of a command that must succeed.
pub fn ok_as(db: &Path, who: Option<(&str, &str)>, args: &[&str]) -> Value {
    let out = as_member(db, who, args, &[], None);
    json_out(&out, args)
}

pub fn json_out(out: &Output, args: &[&str]) -> Value {
    assert!(
        out.status.success(),
        "till {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// The JSON error of a command that must fail with exit `exit`.
pub fn err_out(out: &Output, exit: i32, args: &[&str]) -> Value {
    assert_eq!(
        out.status.code(),
        Some(exit),
        "till {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "stderr not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub fn err_as(db: &Path, who: Option<(&str, &str)>, args: &[&str], exit: i32) -> Value {
    err_out(&as_member(db, who, args, &[], None), exit, args)
}

/// Adds a member as `by` (None: the first, on a store without staff).
pub fn add_member(db: &Path, by: Option<(&str, &str)>, (name, pin): (&str, &str), role: &str) {
    let args = ["staff", "add", "--name", name, "--role", role];
    let out = as_member(db, by, &args, &[("TILL_NEW_PIN", pin)], None);
    let m = json_out(&out, &args);
    assert_eq!(m["name"], name);
    assert_eq!(m["role"], role);
}

/// A shop with an owner, a manager and a cashier, a product and a sale.
pub fn staffed_shop() -> Shop {
    let s = shop();
    s.run("product add --sku A --name Apple --price 5.00 --stock 50");
    add_member(&s.db, None, OWNER, "owner");
    add_member(&s.db, Some(OWNER), MANAGER, "manager");
    add_member(&s.db, Some(OWNER), CASHIER, "cashier");
    s
}

#[test]
fn members_sign_in_with_their_pin() {
    let s = shop();
    // The first member must be an owner.
    let args = ["staff", "add", "--name", "Cara", "--role", "cashier"];
    let out = as_member(&s.db, None, &args, &[("TILL_NEW_PIN", "4826")], None);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    add_member(&s.db, None, OWNER, "owner");
    add_member(&s.db, Some(OWNER), CASHIER, "cashier");
    let list = ok_as(&s.db, Some(OWNER), &["staff", "list"]);
    let names: Vec<(&str, &str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert!(m.get("locked_until").is_some(), "{m}");
            (
                m["name"].as_str().unwrap(),
                m["role"].as_str().unwrap(),
                m["active"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(names.contains(&("Olive", "owner", true)), "{list}");
    assert!(names.contains(&("Cara", "cashier", true)), "{list}");

    // Nobody signed in: refused with exit 4, saying how to sign in.
    let e = err_as(&s.db, None, &["product", "list"], 4);
    assert_eq!(e["error"]["code"], "forbidden");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("--as"), "{msg}");
    // $TILL_STAFF names the member as --as does.
    let args = ["product", "list", "--json"];
    let out = till_with(
        &s.db,
        &args,
        &[("TILL_STAFF", "Cara"), ("TILL_PIN", "4826")],
        None,
    );
    json_out(&out, &args);
    // A name without a PIN is a usage error.
    let out = till_with(
        &s.db,
        &["product", "list", "--json", "--as", "Cara"],
        &[],
        None,
    );
    let e = err_out(&out, 2, &args);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("TILL_PIN"),
        "{e}"
    );

    // A cashier may not manage staff: the message names the permission and
    // the roles that have it.
    let e = err_as(&s.db, Some(CASHIER), &["staff", "list"], 4);
    assert_eq!(e["error"]["code"], "forbidden");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("manage_staff") && msg.contains("owner"),
        "{msg}"
    );

    // Roles change, members are disabled and enabled, PINs are changed.
    let m = ok_as(
        &s.db,
        Some(OWNER),
        &["staff", "set-role", "Cara", "--role", "manager"],
    );
    assert_eq!(m["role"], "manager");
    let m = ok_as(&s.db, Some(OWNER), &["staff", "disable", "Cara"]);
    assert_eq!(m["active"], false);
    // A disabled member's sign-in is an authentication refusal: exit 4.
    let e = err_as(&s.db, Some(("Cara", "4826")), &["product", "list"], 4);
    assert_eq!(e["error"]["code"], "forbidden", "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("disabled"),
        "{e}"
    );
    let m = ok_as(&s.db, Some(OWNER), &["staff", "enable", "Cara"]);
    assert_eq!(m["active"], true);
    let args = ["staff", "set-pin", "Cara"];
    let out = as_member(
        &s.db,
        Some(OWNER),
        &args,
        &[("TILL_NEW_PIN", "97531")],
        None,
    );
    assert_eq!(json_out(&out, &args)["name"], "Cara");
    let e = err_as(&s.db, Some(("Cara", "4826")), &["product", "list"], 4);
    assert_eq!(e["error"]["code"], "bad_pin");
    ok_as(&s.db, Some(("Cara", "97531")), &["product", "list"]);
    // A member changes their own PIN, nobody else's.
    let out = as_member(
        &s.db,
        Some(("Cara", "97531")),
        &args,
        &[("TILL_NEW_PIN", "4826")],
        None,
    );
    json_out(&out, &args);
    let other = ["staff", "set-pin", "Olive"];
    let out = as_member(
        &s.db,
        Some(("Cara", "4826")),
        &other,
        &[("TILL_NEW_PIN", "1111")],
        None,
    );
    assert_eq!(err_out(&out, 4, &other)["error"]["code"], "forbidden");
}

#[test]
fn five_wrong_pins_lock_the_member() {
    let s = staffed_shop();
    let wrong = Some(("Cara", "0000"));
    for attempt in 1..=4 {
        let e = err_as(&s.db, wrong, &["product", "list"], 4);
        assert_eq!(e["error"]["code"], "bad_pin", "attempt {attempt}: {e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains("Cara"),
            "{e}"
        );
    }
    let e = err_as(&s.db, wrong, &["product", "list"], 4);
    assert!(
        matches!(e["error"]["code"].as_str(), Some("bad_pin" | "locked")),
        "{e}"
    );
    // Locked now, even with the right PIN; the others still work.
    let e = err_as(&s.db, Some(CASHIER), &["product", "list"], 4);
    assert_eq!(e["error"]["code"], "locked", "{e}");
    ok_as(&s.db, Some(MANAGER), &["product", "list"]);
    let list = ok_as(&s.db, Some(OWNER), &["staff", "list"]);
    let cara = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Cara")
        .unwrap();
    assert!(cara["locked_until"].is_string(), "{cara}");
    // The failed attempts and the lock are in the audit trail.
    let failed = ok_as(&s.db, Some(OWNER), &["audit", "list", "--staff", "Cara"]);
    let actions: Vec<&str> = failed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.iter().filter(|a| **a == "pin.failed").count() >= 4,
        "{actions:?}"
    );
}

#[test]
fn the_pin_can_come_on_stdin() {
    let s = staffed_shop();
    let args = ["product", "list", "--json", "--as", "Max", "--pin-stdin"];
    json_out(&till_with(&s.db, &args, &[], Some("3579\n")), &args);
    // --pin-stdin wins over $TILL_PIN.
    let out = till_with(&s.db, &args, &[("TILL_PIN", "0000")], Some("3579\n"));
    json_out(&out, &args);
    // Empty stdin: a usage error, no attempt counted.
    let e = err_out(&till_with(&s.db, &args, &[], None), 2, &args);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("stdin"),
        "{e}"
    );
    // The owner signs in from the first line and gives the new member's
    // PIN on the next.
    let args = [
        "staff",
        "add",
        "--name",
        "Nia",
        "--role",
        "cashier",
        "--json",
        "--as",
        "Olive",
        "--pin-stdin",
    ];
    json_out(&till_with(&s.db, &args, &[], Some("2468\n1357\n")), &args);
    ok_as(&s.db, Some(("Nia", "1357")), &["product", "list"]);
    // Without --pin-stdin the first line is the new PIN.
    let args = [
        "staff", "add", "--name", "Ray", "--role", "cashier", "--json", "--as", "Olive",
    ];
    let out = till_with(&s.db, &args, &[("TILL_PIN", "2468")], Some("8642\n"));
    json_out(&out, &args);
    ok_as(&s.db, Some(("Ray", "8642")), &["product", "list"]);
}

#[test]
fn the_signed_in_member_is_the_user_recorded_and_cannot_be_forged() {
    let s = staffed_shop();
    let sale = ok_as(
        &s.db,
        Some(CASHIER),
        &["sale", "--item", "A", "--pay", "cash:10"],
    );
    let order = ok_as(
        &s.db,
        Some(CASHIER),
        &["order", "show", sale["id"].as_str().unwrap()],
    );
    assert_eq!(order["cashier"], "Cara", "{order}");
    let moves = ok_as(&s.db, Some(MANAGER), &["stock", "history", "A"]);
    let last = moves.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["user"], "Cara", "{last}");
    // --user naming the member is fine; naming anyone else is refused.
    ok_as(&s.db, Some(CASHIER), &["product", "list", "--user", "Cara"]);
    let e = err_as(
        &s.db,
        Some(CASHIER),
        &["sale", "--item", "A", "--pay", "cash:10", "--user", "Olive"],
        2,
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("signed in"),
        "{e}"
    );
    let e = err_as(
        &s.db,
        None,
        &["sale", "--item", "A", "--pay", "cash:10", "--user", "Olive"],
        2,
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("--as"),
        "{e}"
    );
    assert_eq!(
        ok_as(&s.db, Some(MANAGER), &["order", "list"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_cashiers_refund_needs_a_managers_approval_and_records_both() {
    let s = staffed_shop();
    let sale = ok_as(
        &s.db,
        Some(CASHIER),
        &["sale", "--item", "Ax2", "--pay", "cash:20"],
    );
    let id = sale["id"].as_str().unwrap();
    let refund = ["order", "refund", id, "--item", "Ax1"];
    let e = err_as(&s.db, Some(CASHIER), &refund, 4);
    assert_eq!(e["error"]["code"], "forbidden");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("refund") && msg.contains("manager"), "{msg}");
    assert!(msg.contains("--approve-by"), "{msg}");
    // A wrong approver PIN is refused as a wrong PIN; no approver PIN at
    // all is a usage error.
    let mut with = refund.to_vec();
    with.extend(["--approve-by", "Max"]);
    let out = as_member(
        &s.db,
        Some(CASHIER),
        &with,
        &[("TILL_APPROVER_PIN", "0000")],
        None,
    );
    assert_eq!(err_out(&out, 4, &with)["error"]["code"], "bad_pin");
    let out = as_member(&s.db, Some(CASHIER), &with, &[], None);
    err_out(&out, 2, &with);
    // Another cashier cannot approve it.
    add_member(&s.db, Some(OWNER), ("Cy", "5791"), "cashier");
    let mut by_cashier = refund.to_vec();
    by_cashier.extend(["--approve-by", "Cy"]);
    let out = as_member(
        &s.db,
        Some(CASHIER),
        &by_cashier,
        &[("TILL_APPROVER_PIN", "5791")],
        None,
    );
    assert_eq!(err_out(&out, 4, &by_cashier)["error"]["code"], "forbidden");
    // The manager approves: done, and recorded with both names.
    let out = as_member(
        &s.db,
        Some(CASHIER),
        &with,
        &[("TILL_APPROVER_PIN", "3579")],
        None,
    );
    let r = json_out(&out, &with);
    assert_eq!(r["amount"], "5.00");
    let entries = ok_as(&s.db, Some(OWNER), &["audit", "list", "--action", "refund"]);
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["actor"], "Cara");
    assert_eq!(entries[0]["approver"], "Max");
    // A sale with a discount above the threshold: the same, on `till sale`.
    let sale = [
        "sale",
        "--item",
        "Ax2",
        "--discount",
        "50%",
        "--pay",
        "cash:10",
    ];
    let e = err_as(&s.db, Some(CASHIER), &sale, 4);
    assert_eq!(e["error"]["code"], "forbidden");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("discount_above_threshold"),
        "{e}"
    );
    let mut with = sale.to_vec();
    with.extend(["--approve-by", "Max"]);
    let out = as_member(
        &s.db,
        Some(CASHIER),
        &with,
        &[("TILL_APPROVER_PIN", "3579")],
        None,
    );
    assert_eq!(json_out(&out, &with)["discount"], "5.00");
    let entries = ok_as(
        &s.db,
        Some(OWNER),
        &["audit", "list", "--action", "discount"],
    );
    let entry = &entries.as_array().unwrap()[0];
    assert_eq!(
        (&entry["action"], &entry["actor"], &entry["approver"]),
        (
            &Value::from("discount.above_threshold"),
            &Value::from("Cara"),
            &Value::from("Max")
        ),
        "{entry}"
    );
    // A manager refunds alone.
    let r = ok_as(&s.db, Some(MANAGER), &["order", "refund", id]);
    assert_eq!(r["amount"], "5.00");
}

#[test]
fn audit_verify_finds_an_entry_edited_outside_till() {
    let s = staffed_shop();
    ok_as(
        &s.db,
        Some(MANAGER),
        &["stock", "adjust", "A", "--by", "5", "--reason", "restock"],
    );
    let v = ok_as(&s.db, Some(OWNER), &["audit", "verify"]);
    assert_eq!(v["ok"], true, "{v}");
    let entries = v["entries"].as_i64().unwrap();
    assert!(entries >= 3, "{v}");
    assert_eq!(v["head"].as_str().unwrap().len(), 64, "{v}");
    let human = human_as(&s.db, OWNER, &["audit", "verify"]);
    assert_eq!(human.status.code(), Some(0));
    // Someone edits the store with a SQLite tool: the triggers that keep
    // entries append-only are dropped first.
    let seq: i64 = {
        let c = rusqlite::Connection::open(&s.db).unwrap();
        let triggers: Vec<String> = c
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(!triggers.is_empty());
        for t in &triggers {
            c.execute_batch(&format!("DROP TRIGGER \"{t}\"")).unwrap();
        }
        let seq: i64 = c
            .query_row(
                "SELECT seq FROM audit_log WHERE action = 'staff.add' AND subject = 'Cara'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        c.execute(
            "UPDATE audit_log SET detail = '{\"role\":\"owner\"}' WHERE seq = ?1",
            [seq],
        )
        .unwrap();
        seq
    };
    let args = ["audit", "verify"];
    let out = as_member(&s.db, Some(OWNER), &args, &[], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["first_bad_seq"], seq, "{v}");
    let human = human_as(&s.db, OWNER, &args);
    assert_eq!(human.status.code(), Some(1));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains(&format!("entry {seq}")), "{text}");
}

/// The human output of `args` as `who`.
fn human_as(db: &Path, (name, pin): (&str, &str), args: &[&str]) -> Output {
    let mut a = args.to_vec();
    a.extend(["--as", name]);
    till_with(db, &a, &[("TILL_PIN", pin)], None)
}

#[test]
fn a_store_without_staff_asks_no_one() {
    let s = shop();
    s.run("product add --sku A --name Apple --price 5.00 --stock 5");
    let r = ok_json(
        &s.db,
        &["sale", "--item", "A", "--pay", "cash:5", "--user", "sam"],
    );
    assert_eq!(r["cashier"], "sam", "{r}");
    assert_eq!(s.run("staff list"), serde_json::json!([]));
    let v = s.run("audit verify");
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["entries"], 0, "{v}");
    assert_eq!(s.run("audit list"), serde_json::json!([]));
}

/// README's permission table is the core's: every permission once, with
/// a tick for exactly the roles that have it.
#[test]
fn the_readme_permission_table_is_the_cores() {
    use till_core::roles::{Permission, Role};
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = readme
        .split("## Staff and permissions")
        .nth(1)
        .expect("README has a \"Staff and permissions\" section");
    let rows: Vec<(String, Vec<bool>)> = section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let ticks = cells[2..5].iter().map(|c| *c == "✓").collect();
            (cells[0].trim_matches('`').to_string(), ticks)
        })
        .collect();
    let want: Vec<(String, Vec<bool>)> = Permission::all()
        .iter()
        .map(|p| {
            let ticks = [Role::Cashier, Role::Manager, Role::Owner]
                .iter()
                .map(|r| r.allows(*p))
                .collect();
            (p.as_str().to_string(), ticks)
        })
        .collect();
    assert_eq!(rows, want);
}
