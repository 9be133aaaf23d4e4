//! Customers, referral codes and commissions against real store files:
//! attribution (first touch, the window), the return window, proportional
//! clawback, paid-then-refunded, payouts, bad input and two counters
//! selling at once.

#[path = "support/mod.rs"]
mod support;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use support::*;
use till_core::checkout::SaleRequest;
use till_core::customers::{CustomerKind, CustomerUpdate, NewCustomer};
use till_core::orders::RefundRequest;
use till_core::referrals::{CommissionStatus, ProgramUpdate};
use till_core::{Clock, Store};

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

fn person(name: &str, email: Option<&str>, phone: Option<&str>) -> NewCustomer {
    NewCustomer {
        name: name.into(),
        email: email.map(String::from),
        phone: phone.map(String::from),
        ..Default::default()
    }
}

fn shop() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    // 150.00 net, 20 % tax added: the brief's order.
    add(&mut s, "BIG", "150.00", "20", 100);
    add(&mut s, "MUG", "10.00", "20", 100);
    s.set_clock(Clock::Fixed(at("2026-11-01T10:00:00Z")));
    (d, s)
}

fn sell(
    s: &mut Store,
    items: &[(&str, i64)],
    customer: Option<&str>,
    code: Option<&str>,
) -> till_core::Result<till_core::orders::Receipt> {
    let mut req: SaleRequest = sale(items, vec![cash("10000")]);
    req.customer_id = customer.map(String::from);
    req.referral_code = code.map(String::from);
    s.sell(req)
}

fn referrer_with_code(s: &mut Store, name: &str, email: &str) -> (String, String) {
    let r = s
        .add_customer(CustomerKind::Customer, person(name, Some(email), None))
        .unwrap();
    let code = s.issue_referral_code(&r.id, None).unwrap().code;
    (r.id, code)
}

fn balance(s: &Store, id: &str) -> Decimal {
    s.referrer(id).unwrap().summary.balance
}

#[test]
fn the_briefs_example_commission_then_full_refund() {
    let (_d, mut s) = shop();
    let (ann, code) = referrer_with_code(&mut s, "Ann", "ann@example.com");
    let r = sell(&mut s, &[("BIG", 1)], None, Some(&code)).unwrap();
    assert_eq!(r.total, dec("180.00"));
    assert_eq!(r.referral_code.as_deref(), Some(code.as_str()));
    let list = s.commissions(None, Some(&ann)).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].amount, dec("15.00"));
    assert_eq!(list[0].basis, dec("150.00"));
    assert_eq!(list[0].status, CommissionStatus::Pending);
    assert_eq!(balance(&s, &ann), dec("15.00"));
    s.refund(RefundRequest {
        order: r.id.clone(),
        items: None,
        key: None,
    })
    .unwrap();
    let list = s.commissions(None, Some(&ann)).unwrap();
    assert_eq!(list.len(), 2, "the reversal is an entry of its own");
    assert_eq!(list[0].amount, dec("15.00"), "history is not rewritten");
    assert_eq!(list[1].amount, dec("-15.00"));
    assert_eq!(list[1].status, CommissionStatus::Reversed);
    assert_eq!(list[1].reverses.as_deref(), Some(list[0].id.as_str()));
    assert_eq!(balance(&s, &ann), dec("0.00"));
    // Both written with their order and refund, for the upstream.
    let kinds: Vec<String> = s
        .pending_events(1000)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(kinds.contains(&"commission.accrued".to_string()));
    assert!(kinds.contains(&"commission.reversed".to_string()));
    assert!(kinds.contains(&"referral.code_created".to_string()));
}

#[test]
fn first_touch_wins_and_the_window_runs_from_the_first_referred_order() {
    let (_d, mut s) = shop();
    let (ann, ann_code) = referrer_with_code(&mut s, "Ann", "ann@example.com");
    let (bea, bea_code) = referrer_with_code(&mut s, "Bea", "bea@example.com");
    let cal = s
        .add_customer(
            CustomerKind::Customer,
            person("Cal", None, Some("0611 22 33 44")),
        )
        .unwrap()
        .id;
    sell(&mut s, &[("MUG", 1)], Some(&cal), Some(&ann_code)).unwrap();
    assert_eq!(
        s.customer(&cal).unwrap().referred_by.as_deref(),
        Some(ann.as_str())
    );
    // Another referrer's code does not take Cal over; the cashier is told
    // and nothing is written.
    let orders = count(&s, "orders");
    let e = sell(&mut s, &[("MUG", 1)], Some(&cal), Some(&bea_code)).unwrap_err();
    assert!(e.to_string().contains("referred by Ann first"), "{e}");
    assert_eq!(count(&s, "orders"), orders);
    // Ann's code again is fine, and so is no code at all: both earn for Ann.
    s.set_clock(Clock::Fixed(at("2026-12-01T10:00:00Z")));
    sell(&mut s, &[("MUG", 1)], Some(&cal), Some(&ann_code)).unwrap();
    sell(&mut s, &[("MUG", 1)], Some(&cal), None).unwrap();
    assert_eq!(s.commissions(None, Some(&ann)).unwrap().len(), 3);
    assert!(s.commissions(None, Some(&bea)).unwrap().is_empty());
    // 90 days after the first order (2026-11-01T10:00Z) the window closes.
    s.set_clock(Clock::Fixed(at("2027-01-30T09:59:59Z")));
    sell(&mut s, &[("MUG", 1)], Some(&cal), None).unwrap();
    assert_eq!(s.commissions(None, Some(&ann)).unwrap().len(), 4);
    s.set_clock(Clock::Fixed(at("2027-01-30T10:00:00Z")));
    sell(&mut s, &[("MUG", 1)], Some(&cal), None).unwrap();
    assert_eq!(
        s.commissions(None, Some(&ann)).unwrap().len(),
        4,
        "window over"
    );
    let e = sell(&mut s, &[("MUG", 1)], Some(&cal), Some(&ann_code)).unwrap_err();
    assert!(e.to_string().contains("window"), "{e}");
}

#[test]
fn a_customer_linked_when_added_opens_the_window_at_their_first_order() {
    let (_d, mut s) = shop();
    let aff = s
        .add_customer(
            CustomerKind::Affiliate,
            person("Blog", Some("blog@example.com"), None),
        )
        .unwrap()
        .id;
    let code = s.issue_referral_code(&aff, None).unwrap().code;
    let dan = s
        .add_customer(
            CustomerKind::Customer,
            NewCustomer {
                referral_code: Some(code.to_lowercase()),
                ..person("Dan", None, None)
            },
        )
        .unwrap();
    assert_eq!(dan.referred_by.as_deref(), Some(aff.as_str()));
    assert!(dan.window_starts_at.is_none());
    // First order months later: it opens the window and earns.
    s.set_clock(Clock::Fixed(at("2027-03-01T12:00:00Z")));
    sell(&mut s, &[("BIG", 1)], Some(&dan.id), None).unwrap();
    let d = s.customer(&dan.id).unwrap();
    assert_eq!(
        d.window_starts_at.as_deref(),
        Some("2027-03-01T12:00:00.000Z")
    );
    assert_eq!(
        s.commissions(None, Some(&aff)).unwrap()[0].amount,
        dec("15.00")
    );
    // An affiliate is not a buyer.
    assert!(sell(&mut s, &[("MUG", 1)], Some(&aff), None).is_err());
}

#[test]
fn self_referral_is_refused_by_id_email_or_phone() {
    let (_d, mut s) = shop();
    let ann = s
        .add_customer(
            CustomerKind::Customer,
            person("Ann", Some("Ann@Example.com"), Some("+33 6 11 22 33 44")),
        )
        .unwrap()
        .id;
    let code = s.issue_referral_code(&ann, None).unwrap().code;
    let e = sell(&mut s, &[("MUG", 1)], Some(&ann), Some(&code)).unwrap_err();
    assert!(e.to_string().contains("self-referral"), "{e}");
    // Ann also runs a blog, an affiliate under the same email (unique per
    // kind): buying with the blog's code is still Ann referring herself.
    let blog = s
        .add_customer(
            CustomerKind::Affiliate,
            person("Ann's blog", Some("ann@example.com"), None),
        )
        .unwrap()
        .id;
    let blog_code = s.issue_referral_code(&blog, None).unwrap().code;
    let e = sell(&mut s, &[("MUG", 1)], Some(&ann), Some(&blog_code)).unwrap_err();
    assert!(e.to_string().contains("same email"), "{e}");
    // The same with a shared phone.
    let shop_partner = s
        .add_customer(
            CustomerKind::Affiliate,
            person("Partner", None, Some("+33611223344")),
        )
        .unwrap()
        .id;
    let partner_code = s.issue_referral_code(&shop_partner, None).unwrap().code;
    let e = sell(&mut s, &[("MUG", 1)], Some(&ann), Some(&partner_code)).unwrap_err();
    assert!(e.to_string().contains("same phone"), "{e}");
    // And when a referred customer is added with their own partner code.
    let e = s
        .add_customer(
            CustomerKind::Customer,
            NewCustomer {
                referral_code: Some(blog_code.clone()),
                ..person("Ann twin", Some("ann@example.com"), None)
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("email"), "{e}");
    assert_eq!(count(&s, "commissions"), 0);
    // Anyone else may use the codes.
    sell(&mut s, &[("MUG", 1)], None, Some(&blog_code)).unwrap();
    assert_eq!(count(&s, "commissions"), 1);
}

#[test]
fn bad_codes_stop_the_sale_with_a_message() {
    let (_d, mut s) = shop();
    let (ann, code) = referrer_with_code(&mut s, "Ann", "ann@example.com");
    let expiring = s
        .issue_referral_code(&ann, Some(at("2026-11-02T00:00:00Z")))
        .unwrap()
        .code;
    let before = (
        count(&s, "orders"),
        count(&s, "commissions"),
        count(&s, "outbox"),
    );
    let e = sell(&mut s, &[("MUG", 1)], None, Some("REFNOPE")).unwrap_err();
    assert!(e.to_string().contains("not a referral code"), "{e}");
    s.set_clock(Clock::Fixed(at("2026-11-03T00:00:00Z")));
    let e = sell(&mut s, &[("MUG", 1)], None, Some(&expiring)).unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    s.update_customer(
        &ann,
        CustomerUpdate {
            active: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    let e = sell(&mut s, &[("MUG", 1)], None, Some(&code)).unwrap_err();
    assert!(
        e.to_string().contains("no longer an active referrer"),
        "{e}"
    );
    assert!(s.issue_referral_code(&ann, None).is_err());
    assert_eq!(
        (
            count(&s, "orders"),
            count(&s, "commissions"),
            count(&s, "outbox")
        ),
        before,
        "nothing written"
    );
    // Without the code the sale goes through.
    sell(&mut s, &[("MUG", 1)], None, None).unwrap();
    // And the cart says so before payment.
    let cart = s.new_cart().unwrap();
    assert!(s.cart_set_referral(&cart.id, Some("REFNOPE")).is_err());
    assert!(s.cart(&cart.id).unwrap().referral_code.is_none());
}

#[test]
fn return_window_then_payout_then_a_refund_after_payment() {
    let (_d, mut s) = shop();
    let (ann, code) = referrer_with_code(&mut s, "Ann", "ann@example.com");
    let first = sell(&mut s, &[("BIG", 1)], None, Some(&code)).unwrap();
    // Nothing approved inside the return window (14 days).
    let none = s
        .approve_due_commissions(at("2026-11-15T09:59:59Z"))
        .unwrap();
    assert!(none.is_empty());
    let e = s.create_payout(&ann, "bank", None).unwrap_err();
    assert!(e.to_string().contains("no approved commission"), "{e}");
    assert_eq!(count(&s, "payouts"), 0);
    let due = s
        .approve_due_commissions(at("2026-11-15T10:00:00Z"))
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].status, CommissionStatus::Approved);
    let p = s.create_payout(&ann, "bank", Some("TRF-1")).unwrap();
    assert_eq!(p.amount, dec("15.00"));
    assert_eq!(
        s.commissions(None, Some(&ann)).unwrap()[0].status,
        CommissionStatus::Paid
    );
    assert_eq!(balance(&s, &ann), dec("0.00"));
    // Refunded after it was paid: a negative balance…
    s.set_clock(Clock::Fixed(at("2026-11-20T10:00:00Z")));
    s.refund(RefundRequest {
        order: first.id,
        items: None,
        key: None,
    })
    .unwrap();
    assert_eq!(balance(&s, &ann), dec("-15.00"));
    // …that the next payout deducts.
    sell(&mut s, &[("BIG", 2)], None, Some(&code)).unwrap();
    s.approve_due_commissions(at("2026-12-10T00:00:00Z"))
        .unwrap();
    let p = s.create_payout(&ann, "cash", None).unwrap();
    assert_eq!(p.amount, dec("15.00"), "30.00 approved less 15.00 reversed");
    assert_eq!(p.entries.len(), 2);
    assert_eq!(balance(&s, &ann), dec("0.00"));
    let d = s.referrer(&ann).unwrap();
    assert_eq!(d.summary.paid, dec("30.00"));
    let net: Decimal = d.entries.iter().map(|e| e.amount).sum();
    assert_eq!(net, dec("30.00"), "entries sum to the net commission");
}

#[test]
fn partial_refunds_claw_back_in_proportion_and_add_up() {
    let (_d, mut s) = shop();
    let (ann, code) = referrer_with_code(&mut s, "Ann", "ann@example.com");
    // 3 mugs: 30.00 net -> 3.00 commission.
    let r = sell(&mut s, &[("MUG", 3)], None, Some(&code)).unwrap();
    for _ in 0..3 {
        s.refund(RefundRequest {
            order: r.id.clone(),
            items: Some(vec![("MUG".into(), 1)]),
            key: None,
        })
        .unwrap();
    }
    let amounts: Vec<Decimal> = s
        .commissions(None, Some(&ann))
        .unwrap()
        .iter()
        .map(|c| c.amount)
        .collect();
    assert_eq!(
        amounts,
        vec![dec("3.00"), dec("-1.00"), dec("-1.00"), dec("-1.00")]
    );
    // Awkward thirds still add up exactly.
    s.set_referral_program(ProgramUpdate {
        percent: Some(dec("7")),
        ..Default::default()
    })
    .unwrap();
    let r = sell(&mut s, &[("MUG", 3)], None, Some(&code)).unwrap(); // 2.10
    for _ in 0..3 {
        s.refund(RefundRequest {
            order: r.id.clone(),
            items: Some(vec![("MUG".into(), 1)]),
            key: None,
        })
        .unwrap();
    }
    assert_eq!(balance(&s, &ann), dec("0.00"));
}

#[test]
fn a_fixed_amount_program_and_bad_terms() {
    let (_d, mut s) = shop();
    let (ann, code) = referrer_with_code(&mut s, "Ann", "ann@example.com");
    let p = s
        .set_referral_program(ProgramUpdate {
            amount: Some(dec("5.00")),
            window_days: Some(30),
            return_days: Some(7),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(p.percent, None);
    sell(&mut s, &[("MUG", 1)], None, Some(&code)).unwrap();
    assert_eq!(
        s.commissions(None, Some(&ann)).unwrap()[0].amount,
        dec("5.00")
    );
    for bad in [
        ProgramUpdate {
            percent: Some(dec("-1")),
            ..Default::default()
        },
        ProgramUpdate {
            percent: Some(dec("101")),
            ..Default::default()
        },
        ProgramUpdate {
            amount: Some(dec("-5")),
            ..Default::default()
        },
        ProgramUpdate {
            amount: Some(dec("1.001")),
            ..Default::default()
        },
        ProgramUpdate {
            window_days: Some(-1),
            ..Default::default()
        },
    ] {
        assert!(s.set_referral_program(bad).is_err());
    }
    assert_eq!(s.referral_program().unwrap(), p, "unchanged");
}

#[test]
fn customers_are_unique_by_normalised_email_and_phone_and_searchable() {
    let (_d, mut s) = shop();
    let a = s
        .add_customer(
            CustomerKind::Customer,
            person(
                "Ann Lee",
                Some(" Ann@Example.COM "),
                Some("+44 (20) 7946-0018"),
            ),
        )
        .unwrap();
    assert_eq!(a.email.as_deref(), Some("ann@example.com"));
    assert_eq!(a.phone.as_deref(), Some("+442079460018"));
    let e = s
        .add_customer(
            CustomerKind::Customer,
            person("Other", Some("ann@example.com"), None),
        )
        .unwrap_err();
    assert!(e.to_string().contains("email"), "{e}");
    for (email, phone) in [
        (Some("not-an-email"), None),
        (None, Some("12")),
        (None, Some("12ab34567")),
    ] {
        assert!(s
            .add_customer(CustomerKind::Customer, person("X", email, phone))
            .is_err());
    }
    assert!(s
        .add_customer(CustomerKind::Customer, person(" ", None, None))
        .is_err());
    assert_eq!(count(&s, "customers"), 1);
    for q in ["ann", "EXAMPLE", "7946 0018", "Lee"] {
        let found = s.customers(Some(CustomerKind::Customer), Some(q)).unwrap();
        assert_eq!(found.len(), 1, "{q}");
    }
    assert!(s.customers(None, Some("nobody")).unwrap().is_empty());
}

#[test]
fn duplicate_codes_from_the_upstream_are_reissued() {
    let (_d, mut s) = shop();
    let (ann, code) = referrer_with_code(&mut s, "Ann", "ann@example.com");
    let ev = s
        .pending_events(100)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "referral.code_created")
        .unwrap();
    s.record_delivery(
        &[],
        &[till_wire::Rejection::new(
            ev.id.clone(),
            till_wire::RejectCode::DuplicateReferralCode,
            format!("duplicate referral code {code}: another device of this store issued it first"),
        )],
    )
    .unwrap();
    let codes = s.referral_codes(&ann).unwrap();
    assert_eq!(codes.len(), 2);
    assert!(!codes[0].active && codes[0].retired.is_some());
    assert!(codes[1].active);
    assert!(
        s.dead_letters().unwrap().is_empty(),
        "settled, not left for the owner"
    );
    let e = sell(&mut s, &[("MUG", 1)], None, Some(&code)).unwrap_err();
    assert!(e.to_string().contains("withdrawn"), "{e}");
    sell(&mut s, &[("MUG", 1)], None, Some(&codes[1].code)).unwrap();
}

#[test]
fn two_counters_selling_with_the_same_code_at_once() {
    let (d, mut s) = shop();
    let (ann, code) = referrer_with_code(&mut s, "Ann", "ann@example.com");
    let (bea, bea_code) = referrer_with_code(&mut s, "Bea", "bea@example.com");
    let newcomer = s
        .add_customer(CustomerKind::Customer, person("New", None, None))
        .unwrap()
        .id;
    let path = d.path().join("till.db");
    let threads: Vec<_> = (0..2)
        .map(|i| {
            let path = path.clone();
            let code = code.clone();
            let bea_code = bea_code.clone();
            let newcomer = newcomer.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                s.set_clock(Clock::Fixed(
                    at("2026-11-01T10:00:00Z") + Duration::seconds(i),
                ));
                for _ in 0..20 {
                    sell(&mut s, &[("MUG", 1)], None, Some(&code)).unwrap();
                }
                // Both counters try to claim the same new customer for a
                // different referrer: exactly one wins.
                let mine = if i == 0 { &code } else { &bea_code };
                sell(&mut s, &[("MUG", 1)], Some(&newcomer), Some(mine)).is_ok()
            })
        })
        .collect();
    let wins: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(wins.iter().filter(|w| **w).count(), 1, "{wins:?}");
    let ann_n = s.commissions(None, Some(&ann)).unwrap().len();
    let bea_n = s.commissions(None, Some(&bea)).unwrap().len();
    assert_eq!(ann_n + bea_n, 41);
    assert!(ann_n >= 40);
    assert_eq!(balance(&s, &ann), dec("1.00") * Decimal::from(ann_n as i64));
    assert!(s.stock_drift().unwrap().is_empty());
}

/// Runs one statement on the store file behind Till's back, as a broken
/// disk, a bad restore or a hand edit would: past the table's CHECK
/// constraints too, which guard Till's own writes, not the file.
fn tamper(s: &Store, sql: &str) {
    let c = rusqlite::Connection::open(s.path()).unwrap();
    c.pragma_update(None, "ignore_check_constraints", true)
        .unwrap();
    c.execute(sql, []).unwrap();
}

fn is_damage(e: &till_core::Error, column: &str) -> bool {
    matches!(e, till_core::Error::Damaged(d) if d.table == "commissions" && d.column == column)
}

#[test]
fn a_commission_that_cannot_be_read_stops_the_payout_instead_of_being_left_out() {
    let (_d, mut s) = shop();
    let (ann, code) = referrer_with_code(&mut s, "Ann", "ann@example.com");
    sell(&mut s, &[("BIG", 1)], None, Some(&code)).unwrap();
    sell(&mut s, &[("BIG", 1)], None, Some(&code)).unwrap();
    assert_eq!(
        s.approve_due_commissions(at("2026-11-15T10:00:00Z"))
            .unwrap()
            .len(),
        2
    );
    tamper(
        &s,
        "UPDATE commissions SET status = 'aproved' WHERE rowid = (SELECT MAX(rowid) FROM commissions)",
    );
    let e = s.create_payout(&ann, "bank", None).unwrap_err();
    assert!(is_damage(&e, "status"), "{e:?}");
    assert_eq!(count(&s, "payouts"), 0, "nothing paid on half a ledger");

    // An accrual of a kind Till never writes is damage too.
    tamper(
        &s,
        "UPDATE commissions SET status = 'approved', kind = 'bonus' WHERE rowid = (SELECT MAX(rowid) FROM commissions)",
    );
    let e = s.create_payout(&ann, "bank", None).unwrap_err();
    assert!(is_damage(&e, "kind"), "{e:?}");
    assert_eq!(count(&s, "payouts"), 0);
}

#[test]
fn a_pending_commission_with_an_unreadable_time_is_damage_not_never_due() {
    let (_d, mut s) = shop();
    let (_ann, code) = referrer_with_code(&mut s, "Ann", "ann@example.com");
    sell(&mut s, &[("BIG", 1)], None, Some(&code)).unwrap();
    tamper(&s, "UPDATE commissions SET created_at = 'last tuesday'");
    let e = s
        .approve_due_commissions(at("2026-12-15T10:00:00Z"))
        .unwrap_err();
    assert!(is_damage(&e, "created_at"), "{e:?}");
}

#[test]
fn unreadable_programme_terms_are_damage() {
    let (_d, mut s) = shop();
    s.set_referral_program(ProgramUpdate {
        percent: Some(dec("10")),
        ..Default::default()
    })
    .unwrap();
    tamper(&s, "UPDATE referral_program SET percent = 'ten'");
    let e = s.referral_program().unwrap_err();
    assert!(
        matches!(&e, till_core::Error::Damaged(d) if d.table == "referral_program" && d.column == "percent"),
        "{e:?}"
    );
}
