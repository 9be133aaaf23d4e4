//! `till backup`: the contract's JSON keys, exit codes and human output.

use crate::cli_support::{ok_json, run_err, shop, text, till};

#[test]
fn create_list_verify_and_restore_speak_the_contract() {
    let s = shop();
    s.run("product add --sku COF --name Coffee --price 3.40 --stock 10");
    s.run("sale --item COF --pay cash:5");

    let b = s.run("backup create");
    let keys: Vec<&String> = b.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["bytes", "created_at", "orders", "path"], "{b}");
    assert_eq!(b["orders"], 1);
    assert!(b["bytes"].as_u64().unwrap() > 0);
    let created = b["created_at"].as_str().unwrap();
    assert!(
        created.ends_with('Z') && created.len() == "2026-12-02T14:15:00.000Z".len(),
        "{created}"
    );
    let path = b["path"].as_str().unwrap().to_string();
    let name = std::path::Path::new(&path)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        name.starts_with("till-") && name.ends_with("Z.db"),
        "{name}"
    );
    assert_eq!(
        std::path::Path::new(&path).parent().unwrap(),
        s.db.parent().unwrap().join("backups")
    );

    let out = s.db.parent().unwrap().join("copy.db");
    let c = s.run(&format!("backup create --out {}", out.display()));
    assert_eq!(c["path"], out.display().to_string());
    // --out never overwrites a file.
    let e = s.run_err(&format!("backup create --out {}", out.display()), 2);
    assert_eq!(e["error"]["code"], "conflict");
    // Nor writes into a folder that is not there.
    let nowhere =
        s.db.parent()
            .unwrap()
            .join("no-such-folder")
            .join("copy.db");
    let e = s.run_err(&format!("backup create --out {}", nowhere.display()), 2);
    assert_eq!(e["error"]["code"], "backup_failed");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{e}"
    );

    let list = s.run("backup list");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "--out files are not in the folder: {list:?}");
    let keys: Vec<&String> = list[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["bytes", "created_at", "orders", "path"]);
    assert_eq!(list[0], b);

    assert_eq!(
        s.run(&format!("backup verify {path}")),
        serde_json::json!({"ok": true, "orders": 1, "schema_version": till_core::store::schema_version()})
    );
    s.run("sale --item COF --pay cash:5");
    let r = s.run(&format!("backup restore {path}"));
    let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["kept", "restored", "set_aside"], "{r}");
    assert_eq!(r["restored"]["orders"], 1);
    assert_eq!(r["kept"]["orders"], 2);
    assert_eq!(r["set_aside"], serde_json::Value::Null);
    assert_eq!(s.run("order list").as_array().unwrap().len(), 1);
    assert_eq!(s.run("stock show COF")["on_hand"], 9);
    // Newest first: the kept store, then the backup.
    let list = s.run("backup list");
    assert_eq!(list[0]["path"], r["kept"]["path"]);
    assert_eq!(list[1]["path"], path.as_str());
}

#[test]
fn verify_and_restore_refuse_with_exit_2_and_the_reason() {
    let s = shop();
    let junk = s.db.parent().unwrap().join("junk.db");
    std::fs::write(&junk, "not a database at all, just some words".repeat(200)).unwrap();
    for cmd in ["verify", "restore"] {
        let e = s.run_err(&format!("backup {cmd} {}", junk.display()), 2);
        assert_eq!(e["error"]["code"], "file_damaged", "{e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains("junk.db"),
            "{e}"
        );
    }
    // Human output: the reason on stderr, exit 2.
    let out = till(&s.db, &["backup", "verify", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is damaged"), "{err}");
    // The store is no backup of itself.
    let e = s.run_err(&format!("backup restore {}", s.db.display()), 2);
    assert_eq!(e["error"]["code"], "conflict", "{e}");
    // Verifying needs no store.
    let nowhere = s.db.parent().unwrap().join("none").join("till.db");
    let e = run_err(&nowhere, &format!("backup verify {}", junk.display()), 2);
    assert_eq!(e["error"]["code"], "file_damaged");
}

#[test]
fn human_output_names_the_files() {
    let s = shop();
    let folder = s.db.parent().unwrap().join("backups");
    assert_eq!(
        text(&s.db, &["backup", "list"]),
        format!("no backups in {}", folder.display())
    );
    let made = text(&s.db, &["backup", "create"]);
    assert!(made.starts_with("backup written: "), "{made}");
    let b = ok_json(&s.db, &["backup", "list"]);
    let path = b[0]["path"].as_str().unwrap();
    let list = text(&s.db, &["backup", "list"]);
    assert!(list.starts_with("MADE") && list.contains(path), "{list}");
    let v = text(&s.db, &["backup", "verify", path]);
    assert!(v.starts_with(&format!("{path}: ok, 0 orders")), "{v}");
}
