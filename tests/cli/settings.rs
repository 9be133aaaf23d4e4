//! `till settings`: every setting the window's Settings screen has, checked
//! by the core, and the record of who changed what.

use crate::cli_support::*;

fn outbox_types(db: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c.prepare("SELECT type FROM outbox ORDER BY seq").unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn new_settings_are_set_shown_recorded_and_synced() {
    let s = shop();
    let r = s.run(
        "settings set --address '1 Market St\nSpringfield' --tax-id GB123456789 --backup-dir /srv/till-backups --backup-every-hours 6 --backup-keep 30 --update-check false --update-endpoint https://updates.example.com/till/latest.json",
    );
    assert_eq!(r["shop_address"], "1 Market St\nSpringfield");
    assert_eq!(r["tax_id"], "GB123456789");
    assert_eq!(r["backup_dir"], "/srv/till-backups");
    assert_eq!(r["backup_every_hours"], 6);
    assert_eq!(r["backup_keep"], 30);
    assert_eq!(r["update_check"], false);
    assert_eq!(
        r["update_endpoint"],
        "https://updates.example.com/till/latest.json"
    );
    assert_eq!(
        r["setup_done"], true,
        "a store made by `till init` is set up"
    );
    // Shown again from the store, not from memory.
    let shown = s.run("settings show");
    assert_eq!(shown, r);

    let h = s.run("settings history");
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 7, "{h:?}");
    let keep = h.iter().find(|c| c["key"] == "backup_keep").unwrap();
    assert_eq!(keep["old"], "14");
    assert_eq!(keep["new"], "30");
    assert!(keep["changed_by"].as_str().is_some_and(|u| !u.is_empty()));
    assert!(keep["changed_at"].as_str().unwrap().ends_with('Z'));
    let address = h.iter().find(|c| c["key"] == "shop_address").unwrap();
    assert_eq!(address["old"], serde_json::Value::Null);
    assert_eq!(outbox_types(&s.db), ["settings.changed"]);

    // Blank goes back to the default; the same value again records nothing.
    let r = s.run("settings set --backup-dir '' --tax-id GB123456789");
    assert_eq!(r["backup_dir"], serde_json::Value::Null);
    assert_eq!(s.run("settings history").as_array().unwrap().len(), 8);
    assert_eq!(outbox_types(&s.db).len(), 2);
    s.run("settings set --tax-id GB123456789");
    assert_eq!(
        outbox_types(&s.db).len(),
        2,
        "nothing changed, nothing sent"
    );

    let human = till(&s.db, &["settings", "history", "--limit", "1"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("backup_dir: \"/srv/till-backups\" -> (none)"),
        "{text}"
    );
    let human = till(&s.db, &["settings", "show"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("every 6 h, keep 30"), "{text}");
}

#[test]
fn bad_settings_name_the_flag_and_change_nothing() {
    let s = shop();
    let before = s.run("settings show");
    for (line, words) in [
        (
            "settings set --backup-every-hours 0",
            "--backup-every-hours: 0 must be from 1 to 8760",
        ),
        (
            "settings set --backup-every-hours six",
            "--backup-every-hours: \"six\" is not a whole number",
        ),
        (
            "settings set --backup-keep -1",
            "--backup-keep: -1 must be a positive whole number",
        ),
        (
            "settings set --backup-dir backups",
            "--backup-dir: \"backups\" is not a full path",
        ),
        (
            "settings set --update-endpoint ftp://example.com/x",
            "--update-endpoint: \"ftp://example.com/x\" is not an http or https address",
        ),
        (
            "settings set --currency EURO",
            "--currency: \"EURO\" is not an ISO 4217",
        ),
        (
            "settings set --discount-approval-pct 101",
            "--discount-approval-pct: 101 must be a percent from 0 to 100",
        ),
        (
            "settings set --idle-lock-minutes 2000",
            "--idle-lock-minutes: 2000 must be from 0 to 1440 minutes",
        ),
        // One bad value refuses the whole change.
        (
            "settings set --tax-id X1 --backup-keep 0",
            "--backup-keep: 0 must be from 1 to 1000",
        ),
    ] {
        let e = s.run_err(line, 2);
        assert_eq!(e["error"]["code"], "invalid_input", "{line}: {e}");
        let m = e["error"]["message"].as_str().unwrap();
        assert!(m.contains(words), "{line}: {m}");
    }
    assert_eq!(s.run("settings show"), before);
    assert_eq!(s.run("settings history").as_array().unwrap().len(), 0);
}

#[test]
fn the_currency_changes_until_the_first_sale() {
    let s = shop();
    let r = s.run("settings set --currency jpy");
    assert_eq!(r["currency"]["code"], "JPY");
    assert_eq!(r["currency"]["minor_units"], 0);
    let r = s.run("settings set --currency GBP");
    assert_eq!(r["currency"]["code"], "GBP");
    s.run("product add --sku A --name A --price 2 --stock 5");
    s.run("sale --item A --pay cash:2");
    let e = s.run_err("settings set --currency EUR", 2);
    let m = e["error"]["message"].as_str().unwrap();
    assert!(
        m.contains("--currency: cannot change to EUR once the shop has sold"),
        "{m}"
    );
    assert_eq!(s.run("settings show")["currency"]["code"], "GBP");
}

#[test]
fn staff_settings_have_defaults_and_are_recorded() {
    let s = shop();
    let r = s.run("settings show");
    assert_eq!(r["discount_approval_pct"], "10");
    assert_eq!(r["idle_lock_minutes"], 5);
    assert_eq!(r["require_shift"], false);
    let r = s.run(
        "settings set --discount-approval-pct 12.5 --idle-lock-minutes 0 --require-shift true",
    );
    assert_eq!(r["discount_approval_pct"], "12.5");
    assert_eq!(r["idle_lock_minutes"], 0);
    assert_eq!(r["require_shift"], true);
    let h = s.run("settings history");
    let mut keys: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "discount_approval_pct",
            "idle_lock_minutes",
            "require_shift"
        ]
    );
    let text = text(&s.db, &["settings", "show"]);
    assert!(
        text.contains(
            "discounts above 12.5% need a manager, idle lock never, shifts required for sales"
        ),
        "{text}"
    );
}
