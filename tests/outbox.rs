//! The outbox against real store files: every event the core writes is
//! exactly a wire payload (`till_wire`), the upstream's answer is acted on by
//! its rejection code and never by its wording, an unreadable payload is
//! damage naming its row, and the price version moves with what prices
//! depend on and with nothing else.

#[path = "support/mod.rs"]
mod support;

use chrono::{DateTime, Utc};
use support::*;
use till_core::catalog::ProductUpdate;
use till_core::customers::{CustomerKind, NewCustomer};
use till_core::inventory::MovementKind;
use till_core::orders::RefundRequest;
use till_core::settings::SettingsUpdate;
use till_core::{Clock, Error, Store};
use till_wire::{EventKind, Payload, RejectCode, Rejection};

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

fn shop() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    add(&mut s, "BIG", "150.00", "20", 100);
    add(&mut s, "MUG", "10.00", "20", 100);
    s.set_clock(Clock::Fixed(at("2026-11-01T10:00:00Z")));
    (d, s)
}

/// A referrer and their code.
fn referrer(s: &mut Store, name: &str) -> (String, String) {
    let r = s
        .add_customer(
            CustomerKind::Customer,
            NewCustomer {
                name: name.into(),
                ..Default::default()
            },
        )
        .unwrap();
    let code = s.issue_referral_code(&r.id, None).unwrap().code;
    (r.id, code)
}

fn sell_with_code(s: &mut Store, sku: &str, code: &str) -> till_core::orders::Receipt {
    let mut req = sale(&[(sku, 1)], vec![cash("10000")]);
    req.referral_code = Some(code.into());
    s.sell(req).unwrap()
}

/// The payload read as `P` and written back is the payload as stored:
/// `P` holds every field the core sends, with the same JSON types.
fn same_as_wire<P: Payload>(payload: &serde_json::Value) {
    let typed: P = serde_json::from_value(payload.clone())
        .unwrap_or_else(|e| panic!("{}: {e}: {payload}", P::KIND));
    assert_eq!(
        &serde_json::to_value(&typed).unwrap(),
        payload,
        "{} is not exactly its wire payload",
        P::KIND
    );
}

fn code_created_event(s: &Store) -> till_wire::Event {
    s.pending_events(1000)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "referral.code_created")
        .unwrap()
}

#[test]
fn every_event_the_core_writes_is_its_wire_payload() {
    let (_d, mut s) = shop();
    let (ann, code) = referrer(&mut s, "Ann");
    let first = sell_with_code(&mut s, "BIG", &code);
    s.approve_due_commissions(at("2026-11-15T10:00:00Z"))
        .unwrap();
    s.create_payout(&ann, "bank", Some("TRF-1")).unwrap();
    s.set_clock(Clock::Fixed(at("2026-11-20T10:00:00Z")));
    s.refund(RefundRequest {
        order: first.id,
        items: None,
        key: None,
    })
    .unwrap();
    s.adjust_stock("MUG", 5, MovementKind::Restock, Some("delivery"))
        .unwrap();
    s.record_usage("api_calls", dec("2.5"), None).unwrap();
    s.record_usage("api_calls", dec("3"), None).unwrap();
    s.update_settings(till_core::settings::SettingsUpdate {
        tax_id: Some(Some("GB123456789".into())),
        backup_keep: Some(30),
        ..Default::default()
    })
    .unwrap();
    // The first staff member opens the audit trail (`audit.recorded`).
    s.staff_add("Olga", till_core::Role::Owner, "2468").unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for e in s.pending_events(1000).unwrap() {
        let kind: EventKind = e.kind.parse().unwrap();
        seen.insert(kind.as_str());
        match kind {
            EventKind::OrderCompleted => same_as_wire::<till_wire::OrderCompleted>(&e.payload),
            EventKind::OrderRefunded => same_as_wire::<till_wire::OrderRefunded>(&e.payload),
            EventKind::StockAdjusted => same_as_wire::<till_wire::StockAdjusted>(&e.payload),
            EventKind::UsageRecorded => same_as_wire::<till_wire::UsageRecorded>(&e.payload),
            EventKind::CommissionAccrued => {
                same_as_wire::<till_wire::CommissionAccrued>(&e.payload)
            }
            EventKind::CommissionReversed => {
                same_as_wire::<till_wire::CommissionReversed>(&e.payload)
            }
            EventKind::ReferralCodeCreated => {
                same_as_wire::<till_wire::ReferralCodeCreated>(&e.payload)
            }
            EventKind::PayoutCreated => same_as_wire::<till_wire::PayoutCreated>(&e.payload),
            EventKind::SettingsChanged => same_as_wire::<till_wire::SettingsChanged>(&e.payload),
            EventKind::AuditRecorded => same_as_wire::<till_wire::AuditRecorded>(&e.payload),
        }
    }
    let all: std::collections::BTreeSet<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(seen, all, "the scenario writes every kind of event");
}

#[test]
fn a_duplicate_code_is_reissued_by_its_code_whatever_the_wording() {
    let (_d, mut s) = shop();
    let (ann, code) = referrer(&mut s, "Ann");
    let ev = code_created_event(&s);
    // Worded nothing like the reason devices used to match on.
    s.record_delivery(
        &[],
        &[Rejection::new(
            ev.id.clone(),
            RejectCode::DuplicateReferralCode,
            "Code bereits vergeben",
        )],
    )
    .unwrap();
    let codes = s.referral_codes(&ann).unwrap();
    assert_eq!(codes.len(), 2, "a new code was issued");
    assert!(!codes[0].active);
    assert_eq!(codes[0].code, code);
    assert_eq!(
        codes[0].retired.as_deref(),
        Some("Code bereits vergeben"),
        "retired with the upstream's reason"
    );
    assert!(codes[1].active);
    assert!(
        s.dead_letters().unwrap().is_empty(),
        "the refused event is settled, not left for the owner"
    );
}

#[test]
fn a_rejection_without_a_code_is_a_dead_letter_whatever_its_wording() {
    let (_d, mut s) = shop();
    let (ann, code) = referrer(&mut s, "Ann");
    let ev = code_created_event(&s);
    // An upstream from before codes: the answer has no `code`.
    let answer: till_wire::BatchResponse = serde_json::from_value(serde_json::json!({
        "accepted": [],
        "rejected": [{"id": ev.id, "reason": format!("duplicate referral code {code}: another device of this store issued it first")}],
    }))
    .unwrap();
    s.record_delivery(&answer.accepted, &answer.rejected)
        .unwrap();
    let codes = s.referral_codes(&ann).unwrap();
    assert_eq!(codes.len(), 1, "no code re-issued on the wording alone");
    assert!(codes[0].active);
    let dead = s.dead_letters().unwrap();
    assert_eq!(dead.len(), 1, "left for the owner, as any rejection");
    assert_eq!(dead[0].id, ev.id);
}

/// The only `Damage` an error holds, or a panic.
fn damage(e: Error) -> till_core::stored::Damage {
    match e {
        Error::Damaged(d) => d,
        other => panic!("expected the store to be damaged, got {other:?}"),
    }
}

fn corrupt_payload(s: &Store, id: &str) -> i64 {
    s.connection()
        .execute(
            "UPDATE outbox SET payload = '{\"code\": ' WHERE id = ?1",
            [id],
        )
        .unwrap();
    s.connection()
        .query_row("SELECT seq FROM outbox WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_unreadable_pending_payload_is_damage_naming_its_row() {
    let (_d, mut s) = shop();
    let (_ann, _code) = referrer(&mut s, "Ann");
    let ev = code_created_event(&s);
    let pending = s.pending_event_count().unwrap();
    let seq = corrupt_payload(&s, &ev.id);
    let d = damage(s.pending_events(100).unwrap_err());
    assert_eq!(
        (d.table.as_str(), d.row.as_deref(), d.column.as_str()),
        ("outbox", Some(seq.to_string().as_str()), "payload")
    );
    assert_eq!(
        s.pending_event_count().unwrap(),
        pending,
        "nothing skipped or filed away"
    );
    assert!(s.dead_letters().unwrap().is_empty());
    // A duplicate-code rejection of it cannot say which code to retire.
    let e = s
        .record_delivery(
            &[],
            &[Rejection::new(
                ev.id.clone(),
                RejectCode::DuplicateReferralCode,
                "taken",
            )],
        )
        .unwrap_err();
    assert_eq!(damage(e).row, Some(seq.to_string()));
    assert_eq!(
        s.pending_event_count().unwrap(),
        pending,
        "nothing half-written"
    );
}

#[test]
fn an_unreadable_dead_letter_is_damage_naming_its_row() {
    let (_d, mut s) = shop();
    let (_ann, _code) = referrer(&mut s, "Ann");
    let ev = code_created_event(&s);
    s.record_delivery(
        &[],
        &[Rejection::new(ev.id.clone(), RejectCode::Other, "no")],
    )
    .unwrap();
    assert_eq!(s.dead_letters().unwrap().len(), 1);
    let seq = corrupt_payload(&s, &ev.id);
    let d = damage(s.dead_letters().unwrap_err());
    assert_eq!(
        (d.table.as_str(), d.row, d.column.as_str()),
        ("outbox", Some(seq.to_string()), "payload")
    );
}

#[test]
fn the_price_version_moves_with_prices_and_not_with_the_sync() {
    let (_d, mut s) = shop();
    s.sell(sale(&[("MUG", 1)], vec![cash("100")])).unwrap();
    let v0 = s.price_version().unwrap();
    s.update_product(
        "MUG",
        ProductUpdate {
            price: Some(dec("11.00")),
            ..Default::default()
        },
    )
    .unwrap();
    let v1 = s.price_version().unwrap();
    assert!(v1 > v0, "a price change moves it");

    // Delivering the outbox, and the sync's bookkeeping, do not.
    let ids: Vec<String> = s
        .pending_events(1000)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert!(!ids.is_empty());
    s.record_delivery(&ids, &[]).unwrap();
    assert_eq!(s.pending_event_count().unwrap(), 0);
    s.set_sync_state(&[("last_success", Some("2026-11-01T10:00:00Z"))])
        .unwrap();
    assert_eq!(s.price_version().unwrap(), v1);
    // Nor does a setting prices do not depend on.
    s.update_settings(SettingsUpdate {
        store_name: Some("Renamed".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(s.price_version().unwrap(), v1);

    // Stock moves (stock rules price on it), and so do pricing settings.
    s.adjust_stock("MUG", 3, MovementKind::Restock, None)
        .unwrap();
    let v2 = s.price_version().unwrap();
    assert!(v2 > v1, "a stock movement moves it");
    s.update_settings(SettingsUpdate {
        floor_at_cost: Some(false),
        ..Default::default()
    })
    .unwrap();
    assert!(
        s.price_version().unwrap() > v2,
        "a pricing setting moves it"
    );

    // Another connection (the CLI, the sync) sees the same version.
    let other = Store::open(s.path()).unwrap();
    assert_eq!(other.price_version().unwrap(), s.price_version().unwrap());
}
