//! Staff, PINs, permissions, approvals and the audit trail, on real store
//! files with the store's clock: lockout timing, the first and the last
//! owner, approvals recorded with both names, the hash chain verified and
//! broken by an edit made outside Till.

#[path = "support/mod.rs"]
mod support;

use chrono::{DateTime, Duration, Utc};
use support::*;
use till_core::audit::{AuditFilter, GENESIS};
use till_core::{Clock, Error, Permission, Role, Store};

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

/// A store with an owner (Olga, 1111), a manager (Max, 2222) and a cashier
/// (Cleo, 3333), Olga signed in, the clock fixed.
fn staffed() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    s.set_clock(Clock::Fixed(at("2026-12-01T09:00:00Z")));
    s.staff_add("Olga", Role::Owner, "1111").unwrap();
    s.sign_in("Olga", "1111").unwrap();
    s.staff_add("Max", Role::Manager, "2222").unwrap();
    s.staff_add("Cleo", Role::Cashier, "3333").unwrap();
    (d, s)
}

fn actions(s: &Store) -> Vec<String> {
    let mut all: Vec<String> = s
        .connection()
        .prepare("SELECT action FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    all.dedup();
    all
}

#[test]
fn the_first_member_must_be_an_owner() {
    let (_d, mut s) = new_store();
    assert!(!s.has_staff().unwrap());
    let e = s.staff_add("Cleo", Role::Cashier, "1234").unwrap_err();
    assert_eq!(e.code(), "invalid_input", "{e}");
    assert!(
        e.to_string()
            .contains("first staff member must be an owner"),
        "{e}"
    );
    assert!(!s.has_staff().unwrap());
    let e = s.staff_add("Olga", Role::Owner, "12a4").unwrap_err();
    assert!(e.to_string().contains("4 to 8 digits"), "{e}");
    let e = s.staff_add("Olga", Role::Owner, "123456789").unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    s.staff_add("Olga", Role::Owner, "1234").unwrap();
    assert!(s.has_staff().unwrap());
    // From now on somebody must sign in.
    let e = s.staff_add("Max", Role::Manager, "2222").unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.is_auth_error());
    assert!(e.to_string().contains("sign in"), "{e}");
    s.sign_in("olga", "1234").unwrap();
    let e = s.staff_add("OLGA", Role::Manager, "2222").unwrap_err();
    assert_eq!(e.code(), "conflict", "names are unique in any case: {e}");
}

#[test]
fn the_pin_is_stored_only_as_an_argon2id_hash() {
    let (_d, s) = staffed();
    let hash: String = s
        .connection()
        .query_row("SELECT pin_hash FROM staff WHERE name = 'Cleo'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("3333"));
}

#[test]
fn five_wrong_pins_lock_for_five_minutes_and_a_right_pin_resets_the_count() {
    let (_d, mut s) = staffed();
    let t0 = at("2026-12-01T10:00:00Z");
    s.set_clock(Clock::Fixed(t0));
    // Four wrong, then the right one: the count starts again.
    for left in [4, 3, 2, 1] {
        match s.sign_in("Cleo", "0000").unwrap_err() {
            Error::BadPin {
                name,
                attempts_left,
            } => {
                assert_eq!(name, "Cleo");
                assert_eq!(attempts_left, left);
            }
            e => panic!("{e:?}"),
        }
    }
    s.sign_in("Cleo", "3333").unwrap();
    for _ in 0..4 {
        assert_eq!(s.sign_in("Cleo", "0000").unwrap_err().code(), "bad_pin");
    }
    // The fifth in a row locks her until t0 + 5 min.
    match s.sign_in("Cleo", "0000").unwrap_err() {
        Error::Locked { name, until } => {
            assert_eq!(name, "Cleo");
            assert_eq!(until, t0 + Duration::minutes(5));
        }
        e => panic!("{e:?}"),
    }
    // Locked: even the right PIN is refused, a second before the end too.
    assert_eq!(s.sign_in("Cleo", "3333").unwrap_err().code(), "locked");
    s.set_clock(Clock::Fixed(t0 + Duration::seconds(299)));
    assert_eq!(s.sign_in("Cleo", "3333").unwrap_err().code(), "locked");
    assert_eq!(s.approve("Cleo", "3333").unwrap_err().code(), "locked");
    s.sign_in("Olga", "1111").unwrap();
    let cleo = s
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Cleo")
        .unwrap();
    assert_eq!(cleo.locked_until, Some(t0 + Duration::minutes(5)));
    // Five minutes on, the right PIN works; other members were never locked.
    s.set_clock(Clock::Fixed(t0 + Duration::minutes(5)));
    let m = s.sign_in("cleo", "3333").unwrap();
    assert_eq!((m.name.as_str(), m.role), ("Cleo", Role::Cashier));
    assert_eq!(s.user(), "Cleo");
    // Every wrong PIN and the lock were audited, though each sign-in failed.
    let failed = s
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'pin.failed' AND subject = 'Cleo'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap();
    assert_eq!(failed, 9);
    let locks: i64 = s
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'pin.locked'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(locks, 1);
}

#[test]
fn the_last_active_owner_is_kept() {
    let (_d, mut s) = staffed();
    let e = s.staff_set_role("Olga", Role::Manager).unwrap_err();
    assert_eq!(e.code(), "refused");
    assert!(e.to_string().contains("only active owner"), "{e}");
    assert_eq!(
        s.staff_set_active("Olga", false).unwrap_err().code(),
        "refused"
    );
    // With a second owner, the first may step down.
    s.staff_set_role("Max", Role::Owner).unwrap();
    s.staff_set_role("Olga", Role::Manager).unwrap();
    // Olga is a manager now: staff is no longer hers to manage.
    assert_eq!(s.staff_list().unwrap_err().code(), "forbidden");
    s.sign_in("Max", "2222").unwrap();
    assert_eq!(
        s.staff_set_active("Max", false).unwrap_err().code(),
        "refused"
    );
    s.staff_set_active("Cleo", false).unwrap();
    assert_eq!(s.sign_in("Cleo", "3333").unwrap_err().code(), "refused");
    let names: Vec<String> = s
        .staff_names()
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, ["Max", "Olga"]);
}

#[test]
fn a_cashier_is_refused_what_a_manager_may_and_an_approval_names_both() {
    let (_d, mut s) = staffed();
    s.sign_in("Cleo", "3333").unwrap();
    s.require(Permission::Sell).unwrap();
    let e = s.require(Permission::Refund).unwrap_err();
    assert_eq!(e.code(), "forbidden");
    let text = e.to_string();
    assert!(text.contains("Cleo") && text.contains("refund"), "{text}");
    assert!(text.contains("a manager or an owner"), "{text}");
    // A wrong approver PIN is audited and approves nothing.
    assert_eq!(s.approve("Max", "9999").unwrap_err().code(), "bad_pin");
    assert!(s.require(Permission::Refund).is_err());
    // Another cashier's approval does not give a manager's permission.
    s.approve("Max", "2222").unwrap();
    let auth = s.require(Permission::Refund).unwrap();
    assert_eq!(auth.actor.as_deref(), Some("Cleo"));
    assert_eq!(auth.approver.as_deref(), Some("Max"));
    // The manager's approval does not reach the owner's permissions.
    assert_eq!(
        s.require(Permission::Backup).unwrap_err().code(),
        "forbidden"
    );
    // What Cleo may do herself needs nobody's approval.
    assert_eq!(s.require(Permission::Sell).unwrap().approver, None);
    s.clear_approval();
    assert!(s.require(Permission::Refund).is_err());
    let approval = s
        .connection()
        .query_row(
            "SELECT actor, approver FROM audit_log WHERE action = 'approval'",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .unwrap();
    assert_eq!(approval, ("Cleo".to_string(), "Max".to_string()));
}

#[test]
fn single_owner_mode_asks_nothing_and_audits_nothing() {
    let (_d, mut s) = new_store();
    for p in Permission::all() {
        let auth = s.require(*p).unwrap();
        assert!(!auth.audited && auth.actor.is_none());
    }
    add(&mut s, "COF", "3.40", "10", 100);
    s.sell(sale(&[("COF", 2)], vec![cash("10.00")])).unwrap();
    assert_eq!(count(&s, "audit_log"), 0);
    assert_eq!(count(&s, "staff"), 0);
    assert!(s
        .pending_events(100)
        .unwrap()
        .iter()
        .all(|e| e.kind != "audit.recorded"));
    assert!(s.staff_list().unwrap().is_empty());
    let v = s.audit_verify().unwrap();
    assert!(v.ok && v.entries == 0 && v.head.is_none());
}

#[test]
fn a_background_connection_is_never_refused_and_acts_as_nobody() {
    let (d, s) = staffed();
    drop(s);
    let bg = Store::open(d.path().join("till.db"))
        .unwrap()
        .for_background();
    let auth = bg.require(Permission::Backup).unwrap();
    assert_eq!(auth.actor, None);
    assert!(auth.audited);
    let people = Store::open(d.path().join("till.db")).unwrap();
    assert_eq!(
        people.require(Permission::Sell).unwrap_err().code(),
        "forbidden"
    );
}

#[test]
fn the_chain_verifies_and_each_entry_is_an_outbox_event() {
    let (_d, mut s) = staffed();
    s.sign_in("Cleo", "3333").unwrap();
    let _ = s.sign_in("Max", "0000");
    s.sign_in("Olga", "1111").unwrap();
    let v = s.audit_verify().unwrap();
    assert!(v.ok, "{v:?}");
    let entries = s.audit_list(&AuditFilter::default()).unwrap();
    assert_eq!(v.entries as usize, entries.len());
    assert_eq!(v.head.as_deref(), Some(entries[0].hash.as_str()));
    assert_eq!(entries.last().unwrap().prev_hash, GENESIS);
    assert_eq!(entries.last().unwrap().action, "staff.add");
    for pair in entries.windows(2) {
        assert_eq!(pair[0].prev_hash, pair[1].hash);
        assert_eq!(pair[0].seq, pair[1].seq + 1);
    }
    let events: Vec<_> = s
        .pending_events(1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "audit.recorded")
        .collect();
    assert_eq!(events.len(), entries.len());
    let last = events.last().unwrap();
    assert_eq!(last.payload["hash"], entries[0].hash);
    assert_eq!(last.payload["seq"], entries[0].seq);
    // Filters: by member (actor, approver or subject) and by action family.
    let max = s
        .audit_list(&AuditFilter {
            staff: Some("max".into()),
            action: Some("pin".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(max.len(), 1);
    assert_eq!(max[0].action, "pin.failed");
    assert_eq!(
        actions(&s),
        [
            "staff.add",
            "sign_in",
            "staff.add",
            "sign_in",
            "pin.failed",
            "sign_in"
        ]
    );
}

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    let (_d, s) = staffed();
    let c = s.connection();
    let e = c
        .execute("UPDATE audit_log SET actor = 'Eve' WHERE seq = 1", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = c
        .execute("DELETE FROM audit_log WHERE seq = 1", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    assert!(s.audit_verify().unwrap().ok);
}

#[test]
fn an_edit_made_outside_till_breaks_the_chain_at_its_entry() {
    let (_d, s) = staffed();
    let c = s.connection();
    let n = s.audit_verify().unwrap().entries;
    assert!(n >= 4);
    c.execute_batch(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         UPDATE audit_log SET detail = '{\"role\":\"owner\"}' WHERE seq = 3;",
    )
    .unwrap();
    let v = s.audit_verify().unwrap();
    assert!(!v.ok);
    assert_eq!(v.first_bad_seq, Some(3));
    assert_eq!(v.entries, n);
}

#[test]
fn a_deleted_entry_breaks_the_chain_after_it() {
    let (_d, s) = staffed();
    let c = s.connection();
    c.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;")
        .unwrap();
    let v = s.audit_verify().unwrap();
    assert_eq!(v.first_bad_seq, Some(3));
}
