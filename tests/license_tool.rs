//! The vendor's `till-license` tool: keys, signing, verification, and the
//! licenses it makes installed into a real store.

use std::path::Path;
use std::process::Command;

use till_core::plans::LicenseState;
use till_core::settings::Settings;
use till_core::Store;

fn tool() -> Command {
    Command::new(env!("CARGO_BIN_EXE_till-license"))
}

fn test_key() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/support/license-test-key"
    )
    .to_string()
}

fn sign(out: &Path, extra: &[&str]) -> std::process::Output {
    tool()
        .args([
            "sign",
            "--key",
            &test_key(),
            "--key-id",
            "test",
            "--issued-to",
            "Corner shop",
        ])
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn signs_licenses_that_till_installs_and_refuses_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path().join("shop.db"), Settings::default()).unwrap();
    let lic = dir.path().join("pro.json");
    let out = sign(
        &lic,
        &[
            "--tier",
            "pro",
            "--store",
            &store.settings().store_id.clone(),
            "--expires",
            "2099-01-01T00:00:00Z",
            "--unlock",
            "api_access",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verified = tool().arg("verify").arg(&lic).output().unwrap();
    assert!(verified.status.success());
    assert!(String::from_utf8_lossy(&verified.stdout).contains("\"tier\": \"pro\""));
    let st = store
        .install_license(&std::fs::read_to_string(&lic).unwrap())
        .unwrap();
    assert_eq!(st.state, LicenseState::Valid);
    assert_eq!(st.unlocked, vec!["api_access".to_string()]);
    store.require_feature("api_access").unwrap();

    // A key of one's own is not trusted by Till.
    let mine = dir.path().join("my.key");
    let keygen = tool().arg("keygen").arg(&mine).output().unwrap();
    assert!(keygen.status.success());
    assert_eq!(
        String::from_utf8_lossy(&keygen.stdout).trim().len(),
        44,
        "base64 public key"
    );
    assert!(
        !tool()
            .arg("keygen")
            .arg(&mine)
            .output()
            .unwrap()
            .status
            .success(),
        "never overwrites a key"
    );
    let forged = dir.path().join("forged.json");
    let out = tool()
        .args([
            "sign",
            "--key",
            mine.to_str().unwrap(),
            "--key-id",
            "test",
            "--tier",
            "enterprise",
            "--issued-to",
            "me",
            "--out",
        ])
        .arg(&forged)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!tool()
        .arg("verify")
        .arg(&forged)
        .output()
        .unwrap()
        .status
        .success());
    let e = store
        .install_license(&std::fs::read_to_string(&forged).unwrap())
        .unwrap_err();
    assert!(e.to_string().contains("forged"), "{e}");
    // Bad arguments are refused with a message.
    let out = sign(
        &dir.path().join("x.json"),
        &["--tier", "pro", "--unlock", "reports:monthly"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FEATURE:monthly:END"));
    // Bound to another store: refused.
    let other = dir.path().join("other.json");
    assert!(sign(&other, &["--tier", "pro", "--store", "someone-else"])
        .status
        .success());
    assert!(store
        .install_license(&std::fs::read_to_string(&other).unwrap())
        .is_err());
}

#[test]
fn signs_tiers_documents_that_till_loads_and_verifies_both_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path().join("shop.db"), Settings::default()).unwrap();
    let plain = dir.path().join("tiers.json");
    std::fs::write(
        &plain,
        r#"{"tiers":[{"id":"free","name":"Free","features":["checkout"]},
                     {"id":"pro","name":"Pro","price_monthly":"19.90","features":["checkout","memberships"]}]}"#,
    )
    .unwrap();
    let signed = dir.path().join("tiers.signed.json");
    let sign_tiers = |key: &str, doc: &Path, out: &Path| {
        tool()
            .args(["sign-tiers", "--key", key, "--key-id", "test", "--out"])
            .arg(out)
            .arg(doc)
            .output()
            .unwrap()
    };
    let out = sign_tiers(&test_key(), &plain, &signed);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let envelope: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&signed).unwrap()).unwrap();
    assert_eq!(envelope["format"], "till-tiers/1");
    assert_eq!(envelope["key_id"], "test");
    let verified = tool().arg("verify").arg(&signed).output().unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(String::from_utf8_lossy(&verified.stdout).contains("\"id\": \"pro\""));
    let doc = store
        .load_tiers(&std::fs::read_to_string(&signed).unwrap())
        .unwrap();
    assert_eq!(doc.tiers.len(), 2);

    // A document Till would refuse is not signed, and nothing is written.
    let dup = dir.path().join("dup.json");
    std::fs::write(&dup, r#"{"tiers":[{"id":"a"},{"id":"a"}]}"#).unwrap();
    let not_written = dir.path().join("dup.signed.json");
    let out = sign_tiers(&test_key(), &dup, &not_written);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tiers[1].id"));
    assert!(!not_written.exists());

    // Signed with a key of one's own: neither the tool nor Till accepts it.
    let mine = dir.path().join("my.key");
    assert!(tool()
        .arg("keygen")
        .arg(&mine)
        .output()
        .unwrap()
        .status
        .success());
    let forged = dir.path().join("forged.json");
    assert!(sign_tiers(mine.to_str().unwrap(), &plain, &forged)
        .status
        .success());
    let out = tool().arg("verify").arg(&forged).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("tiers documents must be signed by the vendor"));
    assert!(store
        .load_tiers(&std::fs::read_to_string(&forged).unwrap())
        .is_err());

    // An unsigned file is neither kind.
    let out = tool().arg("verify").arg(&plain).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a signed license"));
}
