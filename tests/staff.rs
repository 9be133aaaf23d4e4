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
                lock_minutes,
            } => {
                assert_eq!(name, "Cleo");
                assert_eq!(attempts_left, left);
                assert_eq!(lock_minutes, 5);
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
    let e = s.sign_in("Cleo", "3333").unwrap_err();
    assert!(matches!(e, till_core::Error::Disabled { .. }), "{e}");
    assert!(e.is_auth_error(), "a disabled member's sign-in exits 4");
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
fn an_edit_that_changes_a_value_s_type_breaks_the_chain_at_its_entry() {
    let (_d, s) = staffed();
    let c = s.connection();
    let n = s.audit_verify().unwrap().entries;
    // Bytes where Till wrote a time (a blob keeps its type in a text
    // column): verify names the entry, it does not stop at a value it
    // cannot read.
    c.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET at = X'3230' WHERE seq = 2;",
    )
    .unwrap();
    let v = s.audit_verify().unwrap();
    assert!(!v.ok);
    assert_eq!(v.first_bad_seq, Some(2));
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

/// The audit entries of `action`, oldest first, as (actor, approver).
fn who_did(s: &Store, action: &str) -> Vec<(Option<String>, Option<String>)> {
    s.connection()
        .prepare("SELECT actor, approver FROM audit_log WHERE action = ?1 ORDER BY seq")
        .unwrap()
        .query_map([action], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn both(actor: &str, approver: &str) -> (Option<String>, Option<String>) {
    (Some(actor.to_string()), Some(approver.to_string()))
}

#[test]
fn a_refund_approved_by_a_manager_is_recorded_with_both_names() {
    use till_core::orders::RefundRequest;
    let (_d, mut s) = staffed();
    add(&mut s, "COF", "3.40", "10", 100);
    s.sign_in("Cleo", "3333").unwrap();
    let order = s.sell(sale(&[("COF", 3)], vec![cash("20.00")])).unwrap();
    let refund = |s: &mut Store| {
        s.refund(RefundRequest {
            order: order.id.clone(),
            items: Some(vec![("COF".into(), 1)]),
            key: None,
        })
    };
    // Refused: nothing refunded, nothing audited but the refusal's absence.
    let e = refund(&mut s).unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert_eq!(count(&s, "refunds"), 0);
    assert!(who_did(&s, "refund").is_empty());
    // Max approves with his PIN at the same till: the refund goes through.
    s.approve("Max", "2222").unwrap();
    refund(&mut s).unwrap();
    assert_eq!(who_did(&s, "refund"), [both("Cleo", "Max")]);
    assert_eq!(who_did(&s, "approval"), [both("Cleo", "Max")]);
    let cashier: String = s
        .connection()
        .query_row("SELECT cashier FROM refunds", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cashier, "Cleo");
    // The approval ends when cleared: the next refund is Cleo's alone again.
    s.clear_approval();
    assert_eq!(refund(&mut s).unwrap_err().code(), "forbidden");
    // Max himself needs nobody.
    s.sign_in("Max", "2222").unwrap();
    refund(&mut s).unwrap();
    assert_eq!(
        who_did(&s, "refund"),
        [both("Cleo", "Max"), (Some("Max".into()), None)]
    );
    assert_eq!(s.audit_verify().unwrap_err().code(), "forbidden");
    s.sign_in("Olga", "1111").unwrap();
    assert!(s.audit_verify().unwrap().ok);
}

#[test]
fn a_discount_above_the_threshold_needs_a_manager_and_is_audited() {
    use till_core::totals::Discount;
    let (_d, mut s) = staffed();
    add(&mut s, "MUG", "12.00", "20", 10);
    s.sign_in("Cleo", "3333").unwrap();
    let with = |pct: &str| {
        let mut req = sale(&[("MUG", 1)], vec![cash("20.00")]);
        req.lines[0].discount = Some(Discount::Percent(dec(pct)));
        req
    };
    // Up to 10 % (the default threshold) is the cashier's own.
    s.sell(with("10")).unwrap();
    assert!(who_did(&s, "discount.above_threshold").is_empty());
    let e = s.sell(with("10.5")).unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().contains("discount_above_threshold"), "{e}");
    // An amount is compared as a percent of its line: 1.21 of 12.00.
    let c = s.new_cart().unwrap();
    let c = s.cart_add(&c.id, "MUG", 1).unwrap();
    let line = c.lines[0].id;
    let e = s
        .cart_line_discount(&c.id, line, Some(Discount::Amount(dec("1.21"))))
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    s.cart_line_discount(&c.id, line, Some(Discount::Amount(dec("1.20"))))
        .unwrap();
    // With Max's approval the sale goes through, audited with both names.
    s.approve("Max", "2222").unwrap();
    let r = s.sell(with("30")).unwrap();
    assert_eq!(
        who_did(&s, "discount.above_threshold"),
        [both("Cleo", "Max")]
    );
    let detail: String = s
        .connection()
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'discount.above_threshold'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["percent"], "30");
    assert_eq!(detail["threshold"], "10");
    assert_eq!(detail["number"], r.number.as_str());
    // The owner raises the threshold; 12 % is then anyone's.
    s.sign_in("Olga", "1111").unwrap();
    s.update_settings(till_core::settings::SettingsUpdate {
        discount_approval_pct: Some(dec("15")),
        ..Default::default()
    })
    .unwrap();
    s.sign_in("Cleo", "3333").unwrap();
    s.sell(with("12")).unwrap();
    assert_eq!(
        who_did(&s, "settings.change"),
        [(Some("Olga".into()), None)]
    );
}

/// One thing done at the till, for the chain's property test.
#[derive(Debug, Clone)]
enum Action {
    /// Sign in member 0 (Olga), 1 (Max) or 2 (Cleo), with the right PIN or not.
    SignIn(usize, bool),
    Approve(usize, bool),
    Adjust(i64),
    Price(u32),
    Refund,
    VoidCart,
    Threshold(u32),
    AddCustomer,
    Sell,
}

fn action() -> impl proptest::strategy::Strategy<Value = Action> {
    use proptest::prelude::*;
    prop_oneof![
        (0..3usize, any::<bool>()).prop_map(|(m, ok)| Action::SignIn(m, ok)),
        (0..3usize, any::<bool>()).prop_map(|(m, ok)| Action::Approve(m, ok)),
        (1..20i64).prop_map(Action::Adjust),
        (100..999u32).prop_map(Action::Price),
        Just(Action::Refund),
        Just(Action::VoidCart),
        (0..50u32).prop_map(Action::Threshold),
        Just(Action::AddCustomer),
        Just(Action::Sell),
    ]
}

const MEMBERS: [(&str, &str); 3] = [("Olga", "1111"), ("Max", "2222"), ("Cleo", "3333")];

fn run(s: &mut Store, order: &str, n: usize, a: &Action) {
    use till_core::catalog::ProductUpdate;
    use till_core::customers::{CustomerKind, NewCustomer};
    use till_core::inventory::MovementKind;
    use till_core::orders::RefundRequest;
    // Refusals (a role, a wrong PIN, a lock, nothing left to refund) are
    // part of the mix: what matters is the chain they leave.
    let _ = match a {
        Action::SignIn(m, ok) => {
            let (name, pin) = MEMBERS[*m];
            s.sign_in(name, if *ok { pin } else { "9999" }).map(drop)
        }
        Action::Approve(m, ok) => {
            let (name, pin) = MEMBERS[*m];
            s.approve(name, if *ok { pin } else { "9999" }).map(drop)
        }
        Action::Adjust(by) => s
            .adjust_stock("COF", *by, MovementKind::Restock, Some("delivery"))
            .map(drop),
        Action::Price(cents) => s
            .update_product(
                "COF",
                ProductUpdate {
                    price: Some(rust_decimal::Decimal::new(*cents as i64, 2)),
                    ..Default::default()
                },
            )
            .map(drop),
        Action::Refund => s
            .refund(RefundRequest {
                order: order.into(),
                items: Some(vec![("COF".into(), 1)]),
                key: None,
            })
            .map(drop),
        Action::VoidCart => s.new_cart().and_then(|c| s.cart_void(&c.id)),
        Action::Threshold(p) => s
            .update_settings(till_core::settings::SettingsUpdate {
                discount_approval_pct: Some((*p).into()),
                ..Default::default()
            })
            .map(drop),
        Action::AddCustomer => s
            .add_customer(
                CustomerKind::Customer,
                NewCustomer {
                    name: format!("Customer {n}"),
                    ..Default::default()
                },
            )
            .map(drop),
        Action::Sell => s.sell(sale(&[("COF", 1)], vec![cash("20.00")])).map(drop),
    };
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 10, ..Default::default() })]

    #[test]
    fn the_chain_verifies_after_any_mix_and_breaks_where_it_is_edited(
        actions in proptest::collection::vec(action(), 1..14),
        pick in proptest::prelude::any::<proptest::sample::Index>(),
    ) {
        let (_d, mut s) = staffed();
        add(&mut s, "COF", "3.40", "10", 100);
        let order = s.sell(sale(&[("COF", 5)], vec![cash("50.00")])).unwrap().id;
        for (n, a) in actions.iter().enumerate() {
            run(&mut s, &order, n, a);
        }
        s.set_clock(Clock::Fixed(at("2026-12-02T09:00:00Z")));
        s.sign_in("Olga", "1111").unwrap();
        let v = s.audit_verify().unwrap();
        proptest::prop_assert!(v.ok, "{:?} after {:?}", v, actions);
        proptest::prop_assert_eq!(v.entries, count(&s, "audit_log"));
        let events = s
            .pending_events(100_000)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == "audit.recorded")
            .count() as i64;
        proptest::prop_assert_eq!(events, v.entries, "one audit.recorded event per entry");
        // An edit made with a SQLite tool, triggers dropped first.
        let seq = pick.index(v.entries as usize) as i64 + 1;
        s.connection()
            .execute_batch("DROP TRIGGER audit_log_no_update")
            .unwrap();
        s.connection()
            .execute(
                "UPDATE audit_log SET detail = json_set(detail, '$.edited', 1) WHERE seq = ?1",
                [seq],
            )
            .unwrap();
        let v = s.audit_verify().unwrap();
        proptest::prop_assert!(!v.ok);
        proptest::prop_assert_eq!(v.first_bad_seq, Some(seq));
    }
}

#[test]
fn a_signed_in_member_is_the_cashier_whatever_name_is_set() {
    let (_d, mut s) = staffed();
    add(&mut s, "COF", "3.40", "10", 100);
    s.sign_in("Cleo", "3333").unwrap();
    s.set_user("Eve").unwrap();
    assert_eq!(s.user(), "Cleo");
    let r = s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap();
    let cashier: String = s
        .connection()
        .query_row("SELECT cashier FROM orders WHERE id = ?1", [&r.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(cashier, "Cleo");
    s.sign_out();
    assert_eq!(s.user(), "Eve");
    assert_eq!(
        s.sell(sale(&[("COF", 1)], vec![cash("5.00")]))
            .unwrap_err()
            .code(),
        "forbidden"
    );
}
