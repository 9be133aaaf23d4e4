//! Plans, tiers documents, licenses, usage limits and memberships through the CLI.

use crate::cli_support::{err_json, ok_json, shop, text, till};
use crate::license_support::{pro_license, test_seed};

/// A tiers document signed with the test key, as the vendor's tool would.
fn signed_tiers(doc: &str) -> String {
    let key = till_core::plans::license::signing_key(&test_seed()).unwrap();
    till_core::plans::tiers::sign(doc, "test", &key).unwrap()
}

/// Any bytes signed as a tiers document with the test key, mistakes included.
fn seal_tiers(payload: &str) -> String {
    use till_core::plans::signed;
    let key = signed::signing_key(&test_seed()).unwrap();
    signed::seal(payload.as_bytes(), &signed::TIERS, "test", &key)
}

/// A free tier with every feature, unlimited: what `plan load` must not
/// accept from anyone but the vendor.
const EVIL_TIERS: &str = r#"{"tiers":[{"id":"free","name":"Free","price_monthly":0,
  "features":["checkout","refunds","memberships","advanced_reporting","custom_branding","api_access"],
  "limits":{"products":"unlimited","api_calls":"unlimited","registers":"unlimited"}}]}"#;

const TWO_TIERS: &str = r#"{"tiers":[{"id":"free","name":"Free","features":["checkout"],"limits":{"api_calls":3}},
  {"id":"pro","name":"Pro","price_monthly":9.5,"features":["checkout","advanced_reporting"],"limits":{"api_calls":1000}}]}"#;

#[test]
fn plan_load_refuses_tiers_documents_the_vendor_did_not_sign() {
    let s = shop();
    let dir = s.db.parent().unwrap().to_path_buf();
    let good = dir.join("tiers.json");
    std::fs::write(&good, signed_tiers(TWO_TIERS)).unwrap();
    ok_json(&s.db, &["plan", "load", good.to_str().unwrap()]);

    let evil = dir.join("evil.json");
    std::fs::write(&evil, EVIL_TIERS).unwrap();
    // Signed with a key of one's own under the test key's id.
    let forged = dir.join("forged.json");
    let mine =
        till_core::plans::signed::signing_key("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
            .unwrap();
    std::fs::write(
        &forged,
        till_core::plans::tiers::sign(EVIL_TIERS, "test", &mine).unwrap(),
    )
    .unwrap();
    for file in [&evil, &forged] {
        let e = err_json(&s.db, &["plan", "load", file.to_str().unwrap()], 2);
        assert_eq!(e["error"]["code"], "invalid_input");
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains("tiers documents must be signed by the vendor"),
            "{msg}"
        );
        // Without --json too: the message on stderr, exit 2.
        let out = till(&s.db, &["plan", "load", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr)
            .contains("tiers documents must be signed by the vendor"));
        // Nothing replaced: the signed document is still in force.
        let plan = s.run("plan show");
        assert_eq!(plan["tiers"].as_array().unwrap().len(), 2, "{plan}");
        assert_eq!(plan["features"], serde_json::json!(["checkout"]));
        s.run_err("feature check advanced_reporting", 3);
    }
    // Mistakes in a signed file say what is wrong.
    let license = dir.join("license.json");
    std::fs::write(&license, pro_license("L-9", "CLI test")).unwrap();
    let garbled = dir.join("garbled.json");
    std::fs::write(&garbled, seal_tiers("{\"tiers\": [")).unwrap();
    for (file, needle) in [
        (&license, "is a license, not a tiers document"),
        (&garbled, "signed payload is not valid JSON"),
    ] {
        let e = err_json(&s.db, &["plan", "load", file.to_str().unwrap()], 2);
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{msg} should mention {needle}");
    }
    assert_eq!(s.run("plan show")["tiers"].as_array().unwrap().len(), 2);
}

#[test]
fn a_tiers_document_edited_in_the_store_file_opens_no_plan_gate() {
    let s = shop();
    let dir = s.db.parent().unwrap().to_path_buf();
    s.run("product add --sku TEA --name Tea --price 3.00 --stock 9");
    let set_stored = |text: &str| {
        rusqlite::Connection::open(&s.db)
            .unwrap()
            .execute(
                "INSERT INTO plan_state (id, tiers_doc, updated_at) VALUES (1, ?1, '2026-11-20T12:00:00Z')
                 ON CONFLICT (id) DO UPDATE SET tiers_doc = ?1",
                [text],
            )
            .unwrap();
    };
    // A bare document, as stores kept them before signing: ignored, and
    // `plan show` says so.
    set_stored(EVIL_TIERS);
    let plan = s.run("plan show");
    assert_eq!(plan["tiers_source"], "unsigned_ignored");
    assert_eq!(plan["tiers"].as_array().unwrap().len(), 3, "built-in tiers");
    assert!(text(&s.db, &["plan", "show"]).contains("unsigned and was ignored"));
    s.run_err("feature check advanced_reporting", 3);

    // A signed one replaces it; its payload edited in place is refused.
    let good = dir.join("tiers.json");
    std::fs::write(&good, signed_tiers(TWO_TIERS)).unwrap();
    ok_json(&s.db, &["plan", "load", good.to_str().unwrap()]);
    assert_eq!(s.run("plan show")["tiers_source"], "signed");
    let mut stored: serde_json::Value = serde_json::from_str(&signed_tiers(TWO_TIERS)).unwrap();
    let evil_payload: serde_json::Value = serde_json::from_str(&signed_tiers(EVIL_TIERS)).unwrap();
    stored["payload"] = evil_payload["payload"].clone();
    set_stored(&stored.to_string());
    let e = s.run_err("feature check advanced_reporting", 1);
    assert_eq!(e["error"]["code"], "store_damaged");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("till plan load"),
        "{e}"
    );
    // The doctor names it.
    let out = till(&s.db, &["doctor", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["damaged"][0]["table"], "plan_state", "{report}");
    assert_eq!(report["damaged"][0]["column"], "tiers_doc");
    // The till keeps selling.
    s.run("sale --item TEA --pay cash:3");
    // Loading the vendor's document again repairs it.
    ok_json(&s.db, &["plan", "load", good.to_str().unwrap()]);
    s.run_err("feature check advanced_reporting", 3);
}

#[test]
fn plans_licenses_usage_and_memberships_through_the_cli() {
    let s = shop();
    let dir = s.db.parent().unwrap().to_path_buf();
    // Free by default: exit 0 for what it has, 3 for what it lacks (the
    // message names the tier), 2 for what no tier knows.
    assert_eq!(s.run("plan show")["tier"]["id"], "free");
    s.run("feature check checkout");
    let gated = s.run_err("feature check advanced_reporting", 3);
    assert_eq!(gated["error"]["code"], "gated");
    assert!(gated["error"]["message"].as_str().unwrap().contains("Pro"));
    s.run_err("feature check teleport", 2);

    // A tiers document of our own, with the exact boundary.
    let tiers = dir.join("tiers.json");
    std::fs::write(
        &tiers,
        signed_tiers(
            r#"{"tiers":[{"id":"free","name":"Free","price_monthly":0,"features":["checkout"],"limits":{"api_calls":3,"storage_gb":"unlimited"}},
                     {"id":"pro","name":"Pro","price_monthly":9.5,"features":["checkout","advanced_reporting","memberships"],"limits":{"api_calls":1000}}]}"#,
        ),
    )
    .unwrap();
    ok_json(&s.db, &["plan", "load", tiers.to_str().unwrap()]);
    s.run("usage record --metric api_calls --quantity 3");
    let within = s.run("limit check api_calls");
    assert_eq!(within["used"], 3);
    assert_eq!(within["limit"], 3);
    s.run("usage record --metric api_calls --quantity 1 --at 2026-01-15T10:00:00Z");
    s.run("usage record --metric storage_gb --quantity 7.5");
    s.run("limit check storage_gb");
    s.run("usage record --metric api_calls --quantity 1");
    let over = s.run_err("limit check api_calls", 3);
    assert!(
        over["error"]["message"]
            .as_str()
            .unwrap()
            .contains("4 used of 3"),
        "{over}"
    );
    // The report: the contract's keys, limits as numbers or "unlimited".
    let r = s.run("usage report");
    assert!(r["period"]["from"].is_string() && r["period"]["to"].is_string());
    assert_eq!(r["metrics"]["api_calls"]["used"], 4);
    assert_eq!(r["metrics"]["api_calls"]["limit"], 3);
    assert_eq!(r["metrics"]["storage_gb"]["limit"], "unlimited");
    assert_eq!(r["metrics"]["storage_gb"]["used"], 7.5);
    let jan = s.run("usage report --period 2026-01");
    assert_eq!(jan["metrics"]["api_calls"]["used"], 1);
    let range = s.run("usage report --from 2026-01-01T00:00:00Z --to 2026-02-01T00:00:00Z");
    assert_eq!(range["metrics"]["api_calls"]["used"], 1);

    // A license signed with the test key (the vendor tool's format).
    let lic = dir.join("license.json");
    std::fs::write(&lic, pro_license("L-7", "CLI test")).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&lic)
            .unwrap()
            .replace("\"signature\": \"", "\"signature\": \"AAAA"),
    )
    .unwrap();
    let e = err_json(&s.db, &["license", "install", bad.to_str().unwrap()], 2);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("license"),
        "{e}"
    );
    assert_eq!(s.run("license show")["state"], "none");
    ok_json(&s.db, &["license", "install", lic.to_str().unwrap()]);
    assert_eq!(s.run("license show")["state"], "valid");
    s.run("feature check advanced_reporting");
    s.run("limit check api_calls");

    // Memberships: the member price at the counter.
    s.run("product add --sku LAT --name Latte --price 4.00 --stock 9");
    let cust = text(&s.db, &["customer", "add", "--name", "Member"]);
    s.run("membership tier add --id club --name 'Coffee club' --discount 10 --fee 5.00");
    let m = ok_json(
        &s.db,
        &[
            "membership",
            "enroll",
            &cust,
            "club",
            "--until",
            "2099-12-31",
        ],
    );
    assert_eq!(m["active"], true);
    let r = ok_json(
        &s.db,
        &[
            "sale",
            "--item",
            "LAT",
            "--customer",
            &cust,
            "--pay",
            "cash:4",
        ],
    );
    assert_eq!(r["lines"][0]["unit_price"], "3.60");
    let rep = s.run("report products");
    assert_eq!(rep[0]["sku"], "LAT");

    // Bad input: exit 2, nothing stored.
    let dup = dir.join("dup.json");
    std::fs::write(&dup, seal_tiers(r#"{"tiers":[{"id":"a"},{"id":"a"}]}"#)).unwrap();
    for (args, needle) in [
        (vec!["plan", "load", dup.to_str().unwrap()], "tiers[1].id"),
        (vec!["plan", "load", "/no/such/file.json"], "cannot read"),
        (
            vec![
                "usage",
                "record",
                "--metric",
                "api_calls",
                "--quantity",
                "-2",
            ],
            "more than 0",
        ),
        (
            vec![
                "usage",
                "record",
                "--metric",
                "teleports",
                "--quantity",
                "1",
            ],
            "not a metered metric",
        ),
        (vec!["usage", "report", "--period", "November"], "2026-11"),
        (vec!["membership", "enroll", &cust, "gold"], "not found"),
        (
            vec![
                "membership",
                "tier",
                "add",
                "--id",
                "x",
                "--name",
                "X",
                "--discount",
                "120",
            ],
            "between 0 and 100",
        ),
        (vec!["limit", "check", "teleports"], "not a limit"),
    ] {
        let e = err_json(&s.db, &args, 2);
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains(needle),
            "{args:?}: {msg} should mention {needle}"
        );
    }
    assert_eq!(s.run("plan show")["tiers"].as_array().unwrap().len(), 2);
}
