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
