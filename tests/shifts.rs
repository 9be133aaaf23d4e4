//! Cash-drawer shifts against real store files: opening with a float, cash
//! in and out, the X report while open, the Z report at the close (kept as
//! it was), one open shift per till, and the X/Z arithmetic checked against
//! sums computed here from the receipts and refunds, for random days.

#[path = "support/mod.rs"]
mod support;

use proptest::prelude::*;
use rust_decimal::Decimal;
use support::*;
use till_core::checkout::{Tender, TenderMethod};
use till_core::orders::{Receipt, Refund, RefundRequest};
use till_core::shifts::{CashMove, ShiftReport};
use till_core::Store;

fn shop() -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    add(&mut s, "COF", "3.40", "10", 10_000);
    add(&mut s, "MUG", "12.00", "20", 10_000);
    add(&mut s, "WAT", "1.50", "0", 10_000);
    (d, s)
}

fn refund_all(s: &mut Store, order: &str) -> Refund {
    s.refund(RefundRequest {
        order: order.into(),
        items: None,
        key: None,
    })
    .unwrap()
}

#[test]
fn a_day_at_the_till_adds_up() {
    let (_d, mut s) = shop();
    s.set_user("ana").unwrap();
    let shift = s.shift_open(dec("100.00")).unwrap();
    assert_eq!(shift.opened_by, "ana");
    assert_eq!(shift.float, dec("100.00"));
    assert_eq!(shift.closed_at, None);

    // COF x2 = 6.80 + 10% = 7.48, paid 10.00 cash: 7.48 stays in the drawer.
    let a = s.sell(sale(&[("COF", 2)], vec![cash("10.00")])).unwrap();
    assert_eq!(a.total, dec("7.48"));
    // MUG = 12.00 + 20% = 14.40 by card.
    let b = s.sell(sale(&[("MUG", 1)], vec![card("14.40")])).unwrap();
    s.set_user("ben").unwrap();
    // WAT x2 = 3.00, 1.00 by card and 5.00 cash: 2.00 cash, 3.00 change.
    let c = s
        .sell(sale(&[("WAT", 2)], vec![card("1.00"), cash("5.00")]))
        .unwrap();
    assert_eq!(c.change, dec("3.00"));
    // The card-only sale is refunded to the card, the mixed one in cash.
    let rb = refund_all(&mut s, &b.id);
    assert_eq!(rb.method, TenderMethod::Card);
    let rc = refund_all(&mut s, &c.id);
    assert_eq!(rc.method, TenderMethod::Cash);
    s.shift_cash(CashMove::In, dec("20.00"), "change from the bank")
        .unwrap();
    let x = s
        .shift_cash(CashMove::Out, dec("5.50"), "window cleaner")
        .unwrap();

    assert_eq!(x.float, dec("100.00"));
    assert_eq!(x.cash_sales, dec("9.48"));
    assert_eq!(x.card_sales, dec("15.40"));
    assert_eq!(x.cash_refunds, dec("3.00"));
    assert_eq!(x.card_refunds, dec("14.40"));
    assert_eq!(x.cash_in, dec("20.00"));
    assert_eq!(x.cash_out, dec("5.50"));
    // 100 + 9.48 - 3.00 + 20 - 5.50
    assert_eq!(x.expected_cash, dec("120.98"));
    assert_eq!(x.orders, 3);
    assert_eq!(x.refunds, 2);
    assert_eq!(x.discounts, dec("0"));
    // Tax 0.68 + 2.40 + 0 less 2.40 refunded.
    assert_eq!(x.tax, dec("0.68"));
    // Net 6.80 + 12.00 + 3.00 less 12.00 and 3.00 refunded.
    assert_eq!(x.net, dec("6.80"));
    assert_eq!(x.counted, None);
    assert_eq!(x.variance, None);
    assert_eq!(x.cash_moves.len(), 2);
    assert_eq!(x.cash_moves[1].reason, "window cleaner");
    assert_eq!(x.cash_moves[1].cashier, "ben");

    let names: Vec<&str> = x.per_cashier.iter().map(|t| t.cashier.as_str()).collect();
    assert_eq!(names, ["ana", "ben"]);
    let ana = &x.per_cashier[0];
    assert_eq!((ana.orders, ana.refunds), (2, 0));
    assert_eq!(ana.cash_sales, dec("7.48"));
    assert_eq!(ana.card_sales, dec("14.40"));
    let ben = &x.per_cashier[1];
    assert_eq!((ben.orders, ben.refunds), (1, 2));
    assert_eq!(ben.cash_in, dec("20.00"));
    assert_eq!(ben.cash_refunds, dec("3.00"));

    assert_eq!(s.shift_status().unwrap(), x);

    // Counted 2.00 short.
    let z = s.shift_close(dec("118.98")).unwrap();
    assert_eq!(z.closed_by.as_deref(), Some("ben"));
    assert!(z.closed_at.is_some());
    assert_eq!(z.counted, Some(dec("118.98")));
    assert_eq!(z.variance, Some(dec("-2.00")));
    assert_eq!(z.expected_cash, x.expected_cash);
    // JSON: money as strings, like every amount Till writes.
    let json = serde_json::to_value(&z).unwrap();
    assert_eq!(json["expected_cash"], "120.98");
    assert_eq!(json["variance"], "-2.00");
    assert_eq!(json["orders"], 3);
}

#[test]
fn a_closed_shift_keeps_its_z_report() {
    let (_d, mut s) = shop();
    s.shift_open(dec("50")).unwrap();
    let a = s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap();
    s.shift_cash(CashMove::In, dec("1.00"), "coins").unwrap();
    let z = s.shift_close(dec("54.74")).unwrap();
    assert_eq!(z.variance, Some(dec("0.00")));
    let id = z.id.clone();

    // Later: a refund of that sale and new sales, with no shift open, and
    // then in the next shift. The closed shift's report does not move.
    refund_all(&mut s, &a.id);
    s.sell(sale(&[("MUG", 1)], vec![cash("20.00")])).unwrap();
    let next = s.shift_open(dec("54.74")).unwrap();
    s.sell(sale(&[("WAT", 1)], vec![cash("1.50")])).unwrap();
    assert_eq!(s.shift_report(&id).unwrap(), z);
    let x = s.shift_report(&next.id).unwrap();
    assert_eq!((x.orders, x.refunds), (1, 0));
    assert_eq!(x.expected_cash, dec("56.24"));

    let list = s.shifts().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, next.id, "newest first");
    assert_eq!(list[1].counted, Some(dec("54.74")));

    // Not even SQL moves a closed shift or what it holds.
    let conn = s.connection();
    for sql in [
        format!("UPDATE shifts SET counted = '0' WHERE id = '{id}'"),
        format!("DELETE FROM shifts WHERE id = '{id}'"),
        "DELETE FROM shift_cash".to_string(),
        format!("UPDATE orders SET shift_id = NULL WHERE shift_id = '{id}'"),
        format!("UPDATE orders SET shift_id = '{id}' WHERE shift_id IS NULL"),
    ] {
        assert!(conn.execute(&sql, []).is_err(), "{sql}");
    }
    assert!(conn
        .execute(
            &format!("INSERT INTO shift_cash (shift_id, kind, amount, reason, cashier, created_at) VALUES ('{id}', 'in', '1', 'x', 'x', '2026-01-01T00:00:00.000Z')"),
            [],
        )
        .is_err());
}

#[test]
fn a_kept_report_that_cannot_be_read_is_damage() {
    let (_d, mut s) = shop();
    s.shift_open(dec("10")).unwrap();
    let z = s.shift_close(dec("10")).unwrap();
    assert!(s.doctor().unwrap().damaged.is_empty());
    // Edited outside Till, past the trigger that keeps it.
    s.connection()
        .execute_batch(&format!(
            "DROP TRIGGER shifts_closed_stay_closed;
             UPDATE shifts SET report = '{{\"float\":\"10\"}}' WHERE id = '{}';",
            z.id
        ))
        .unwrap();
    let e = s.shift_report(&z.id).unwrap_err();
    assert_eq!(e.code(), "store_damaged", "{e}");
    assert!(e.to_string().contains("shifts"), "{e}");
    let damaged = s.doctor().unwrap().damaged;
    assert_eq!(damaged.len(), 1, "{damaged:?}");
    assert_eq!(
        (damaged[0].table.as_str(), damaged[0].column.as_str()),
        ("shifts", "report")
    );
    assert_eq!(damaged[0].row.as_deref(), Some(z.id.as_str()));
}

#[test]
fn one_open_shift_per_till() {
    let (_d, mut s) = shop();
    s.shift_open(dec("10")).unwrap();
    let e = s.shift_open(dec("10")).unwrap_err();
    assert_eq!(e.code(), "conflict", "{e}");
    assert!(e.to_string().contains("already open"), "{e}");
    s.shift_close(dec("10")).unwrap();
    s.shift_open(dec("0")).unwrap();
    assert_eq!(count(&s, "shifts"), 2);
}

#[test]
fn without_an_open_shift() {
    let (_d, mut s) = shop();
    for e in [
        s.shift_status().unwrap_err(),
        s.shift_close(dec("0")).unwrap_err(),
        s.shift_cash(CashMove::In, dec("1"), "float top-up")
            .unwrap_err(),
    ] {
        assert_eq!(e.code(), "no_shift", "{e}");
        assert!(e.is_user_error());
    }
    // Sales go on (the store does not require a shift) and count in none.
    s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap();
    let none: i64 = s
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM orders WHERE shift_id IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(none, 1);
    assert_eq!(s.shift_report("nope").unwrap_err().code(), "not_found");
}

#[test]
fn bad_amounts_and_reasons_are_refused_before_anything_is_written() {
    let (_d, mut s) = shop();
    for (e, field) in [
        (s.shift_open(dec("-1")).unwrap_err(), "float"),
        (s.shift_open(dec("1.005")).unwrap_err(), "float"),
    ] {
        assert_eq!(e.code(), "invalid_input", "{e}");
        assert!(matches!(e, till_core::Error::Invalid { field: f, .. } if f.key() == field));
    }
    assert_eq!(count(&s, "shifts"), 0);
    s.shift_open(dec("10")).unwrap();
    for (kind, amount, reason, field) in [
        (CashMove::In, "0", "bank", "cash_amount"),
        (CashMove::Out, "-2", "bank", "cash_amount"),
        (CashMove::Out, "2.001", "bank", "cash_amount"),
        (CashMove::In, "2", "   ", "reason"),
    ] {
        let e = s.shift_cash(kind, dec(amount), reason).unwrap_err();
        assert!(
            matches!(&e, till_core::Error::Invalid { field: f, .. } if f.key() == field),
            "{amount} {reason:?}: {e}"
        );
    }
    assert_eq!(count(&s, "shift_cash"), 0);
    let e = s.shift_close(dec("-0.01")).unwrap_err();
    assert!(matches!(e, till_core::Error::Invalid { field: f, .. } if f.key() == "counted"));
    assert!(s.shift_status().is_ok(), "the shift is still open");
}

// ---- The arithmetic, for random days -------------------------------------

#[derive(Debug, Clone)]
enum Step {
    /// Products (index, qty), how it is paid, an order discount in percent.
    Sell(Vec<(usize, i64)>, Pay, Option<u8>),
    /// Refund the n-th order sold so far (modulo), all of it or one unit.
    Refund(usize, bool),
    Cash(CashMove, i64),
    /// The next steps are rung up by this cashier.
    Cashier(usize),
}

#[derive(Debug, Clone, Copy)]
enum Pay {
    ExactCash,
    /// Cash with this many cents over the total (change given).
    CashOver(i64),
    Card,
    /// This share (percent) by card, the rest in cash rounded up to a
    /// whole unit.
    Split(u8),
}

const SKUS: [&str; 3] = ["COF", "MUG", "WAT"];
const CASHIERS: [&str; 3] = ["ana", "ben", "cleo"];

fn step() -> impl Strategy<Value = Step> {
    let pay = prop_oneof![
        Just(Pay::ExactCash),
        (1i64..5000).prop_map(Pay::CashOver),
        Just(Pay::Card),
        (1u8..100).prop_map(Pay::Split),
    ];
    prop_oneof![
        4 => (prop::collection::vec((0usize..3, 1i64..5), 1..4), pay, prop::option::of(1u8..=30))
            .prop_map(|(l, p, d)| Step::Sell(l, p, d)),
        1 => (0usize..50, any::<bool>()).prop_map(|(n, all)| Step::Refund(n, all)),
        1 => (prop_oneof![Just(CashMove::In), Just(CashMove::Out)], 1i64..10_000)
            .prop_map(|(k, c)| Step::Cash(k, c)),
        1 => (0usize..3).prop_map(Step::Cashier),
    ]
}

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

fn tenders(total: Decimal, pay: Pay) -> Vec<Tender> {
    let t = |m, a: Decimal| Tender {
        method: m,
        amount: a,
        reference: None,
    };
    match pay {
        Pay::ExactCash => vec![t(TenderMethod::Cash, total)],
        Pay::CashOver(c) => vec![t(TenderMethod::Cash, total + cents(c))],
        Pay::Card => vec![t(TenderMethod::Card, total)],
        Pay::Split(p) => {
            let card = (total * Decimal::from(p) / Decimal::ONE_HUNDRED).round_dp(2);
            let rest = (total - card).ceil();
            let mut v = Vec::new();
            if card > Decimal::ZERO {
                v.push(t(TenderMethod::Card, card));
            }
            if rest > Decimal::ZERO || v.is_empty() {
                v.push(t(TenderMethod::Cash, rest.max(Decimal::ONE)));
            }
            v
        }
    }
}

/// The report's figures summed here, from what the sales and refunds
/// returned, the way a cashier would add them up on paper.
#[derive(Debug, Default, Clone, PartialEq)]
struct Tally {
    cash_sales: Decimal,
    cash_refunds: Decimal,
    cash_in: Decimal,
    cash_out: Decimal,
    card_sales: Decimal,
    card_refunds: Decimal,
    orders: i64,
    refunds: i64,
    discounts: Decimal,
    tax: Decimal,
    /// Sales with tax, less refunds.
    takings: Decimal,
}

impl Tally {
    fn sale(&mut self, r: &Receipt) {
        for p in &r.payments {
            match p.method {
                TenderMethod::Cash => self.cash_sales += p.amount,
                TenderMethod::Card => self.card_sales += p.amount,
            }
        }
        self.cash_sales -= r.change;
        self.orders += 1;
        self.discounts += r.discount;
        self.tax += r.tax;
        self.takings += r.total;
    }

    fn refund(&mut self, f: &Refund) {
        match f.method {
            TenderMethod::Cash => self.cash_refunds += f.amount,
            TenderMethod::Card => self.card_refunds += f.amount,
        }
        self.refunds += 1;
        self.tax -= f.tax;
        self.takings -= f.amount;
    }

    fn check(&self, float: Decimal, r: &ShiftReport) -> Result<(), TestCaseError> {
        prop_assert_eq!(r.float, float);
        prop_assert_eq!(r.cash_sales, self.cash_sales);
        prop_assert_eq!(r.cash_refunds, self.cash_refunds);
        prop_assert_eq!(r.cash_in, self.cash_in);
        prop_assert_eq!(r.cash_out, self.cash_out);
        prop_assert_eq!(r.card_sales, self.card_sales);
        prop_assert_eq!(r.card_refunds, self.card_refunds);
        prop_assert_eq!(r.orders, self.orders);
        prop_assert_eq!(r.refunds, self.refunds);
        prop_assert_eq!(r.discounts, self.discounts);
        prop_assert_eq!(r.tax, self.tax);
        prop_assert_eq!(r.net + r.tax, self.takings);
        prop_assert_eq!(
            r.expected_cash,
            float + self.cash_sales - self.cash_refunds + self.cash_in - self.cash_out
        );
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Sales (cash, card, split, with change and discounts), refunds (of
    /// sales from before the shift too) and cash movements by several
    /// cashiers: the X report after every step, the Z report at the close
    /// and the report kept afterwards equal the sums made here; the
    /// cashiers' parts add up to the whole.
    #[test]
    fn x_and_z_reports_are_the_sums(
        before in prop::collection::vec(step(), 0..4),
        steps in prop::collection::vec(step(), 1..25),
        float in 0i64..50_000,
        counted_off in -2000i64..2000,
    ) {
        let (_d, mut s) = shop();
        let mut sold: Vec<String> = Vec::new();
        let mut tally = Tally::default();
        let float = cents(float);
        let mut in_shift = false;
        for (phase, steps) in [before, steps].into_iter().enumerate() {
            if phase == 1 {
                s.shift_open(float).unwrap();
                in_shift = true;
            }
            for st in steps {
                match st {
                    Step::Cashier(i) => s.set_user(CASHIERS[i]).unwrap(),
                    Step::Sell(lines, pay, disc) => {
                        let codes: Vec<(&str, i64)> = lines.iter().map(|(i, q)| (SKUS[*i], *q)).collect();
                        let mut req = sale(&codes, vec![]);
                        req.order_discount = disc.map(|p| till_core::totals::Discount::Percent(Decimal::from(p)));
                        // The total first (a sale refused as short says it).
                        let total = match s.sell(req.clone()).unwrap_err() {
                            till_core::Error::PaymentShort { total, .. } => dec(&total),
                            e => panic!("{e}"),
                        };
                        req.tenders = tenders(total, pay);
                        let r = s.sell(req).unwrap();
                        if in_shift { tally.sale(&r); }
                        sold.push(r.id);
                    }
                    Step::Refund(n, all) => {
                        if sold.is_empty() { continue; }
                        let order = s.order(&sold[n % sold.len()]).unwrap();
                        let left: Vec<_> = order.lines.iter().filter(|l| l.qty > l.refunded_qty).collect();
                        if left.is_empty() { continue; }
                        let items = if all { None } else { Some(vec![(left[0].sku.clone(), 1)]) };
                        let f = s.refund(RefundRequest { order: order.id.clone(), items, key: None }).unwrap();
                        if in_shift { tally.refund(&f); }
                    }
                    Step::Cash(kind, c) => {
                        if !in_shift { continue; }
                        let r = s.shift_cash(kind, cents(c), "till test").unwrap();
                        match kind {
                            CashMove::In => tally.cash_in += cents(c),
                            CashMove::Out => tally.cash_out += cents(c),
                        }
                        tally.check(float, &r)?;
                    }
                }
                if in_shift {
                    tally.check(float, &s.shift_status().unwrap())?;
                }
            }
        }
        let x = s.shift_status().unwrap();
        let counted = (x.expected_cash + cents(counted_off)).max(Decimal::ZERO);
        let z = s.shift_close(counted).unwrap();
        tally.check(float, &z)?;
        prop_assert_eq!(z.counted, Some(counted));
        prop_assert_eq!(z.variance, Some(counted - z.expected_cash));
        // The cashiers' parts add up to the whole.
        let parts = &z.per_cashier;
        prop_assert_eq!(parts.iter().map(|t| t.cash_sales).sum::<Decimal>(), z.cash_sales);
        prop_assert_eq!(parts.iter().map(|t| t.card_sales).sum::<Decimal>(), z.card_sales);
        prop_assert_eq!(parts.iter().map(|t| t.cash_refunds).sum::<Decimal>(), z.cash_refunds);
        prop_assert_eq!(parts.iter().map(|t| t.card_refunds).sum::<Decimal>(), z.card_refunds);
        prop_assert_eq!(parts.iter().map(|t| t.cash_in - t.cash_out).sum::<Decimal>(), z.cash_in - z.cash_out);
        prop_assert_eq!(parts.iter().map(|t| t.orders).sum::<i64>(), z.orders);
        prop_assert_eq!(parts.iter().map(|t| t.net).sum::<Decimal>(), z.net);
        prop_assert_eq!(parts.iter().map(|t| t.tax).sum::<Decimal>(), z.tax);
        prop_assert_eq!(s.shift_report(&z.id).unwrap(), z);
    }
}

// ---- Staff, approvals, the audit, require_shift ---------------------------

/// (actor, approver, action, subject, detail) of the entries whose action
/// starts with `prefix`, oldest first.
type Entry = (
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    serde_json::Value,
);

fn audited(s: &Store, prefix: &str) -> Vec<Entry> {
    s.connection()
        .prepare("SELECT actor, approver, action, subject, detail FROM audit_log WHERE action LIKE ?1 ORDER BY seq")
        .unwrap()
        .query_map([format!("{prefix}%")], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                serde_json::from_str(&r.get::<_, String>(4)?).unwrap(),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_cashier_runs_the_drawer_and_a_manager_closes_it() {
    use till_core::Role;
    let (_d, mut s) = shop();
    s.staff_add("Olga", Role::Owner, "1111").unwrap();
    s.sign_in("Olga", "1111").unwrap();
    s.staff_add("Max", Role::Manager, "2222").unwrap();
    s.staff_add("Cleo", Role::Cashier, "3333").unwrap();
    s.sign_out();
    // Nobody signed in: nothing, not even the X report.
    assert_eq!(s.shift_open(dec("50")).unwrap_err().code(), "forbidden");

    s.sign_in("Cleo", "3333").unwrap();
    let shift = s.shift_open(dec("50")).unwrap();
    assert_eq!(shift.opened_by, "Cleo");
    s.shift_cash(CashMove::Out, dec("4.00"), "milk").unwrap();
    assert_eq!(s.shift_status().unwrap().expected_cash, dec("46.00"));
    // Closing, the list and past reports are a manager's.
    for e in [
        s.shift_close(dec("46")).unwrap_err(),
        s.shifts().unwrap_err(),
        s.shift_report(&shift.id).unwrap_err(),
    ] {
        assert_eq!(e.code(), "forbidden", "{e}");
        assert!(e.is_auth_error());
    }
    s.approve("Max", "2222").unwrap();
    let z = s.shift_close(dec("45.50")).unwrap();
    assert_eq!(z.closed_by.as_deref(), Some("Cleo"));
    assert_eq!(z.variance, Some(dec("-0.50")));

    let entries = audited(&s, "shift.");
    let who: Vec<(Option<&str>, Option<&str>, &str)> = entries
        .iter()
        .map(|(a, b, c, _, _)| (a.as_deref(), b.as_deref(), c.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            (Some("Cleo"), None, "shift.open"),
            (Some("Cleo"), None, "shift.cash"),
            (Some("Cleo"), Some("Max"), "shift.close"),
        ]
    );
    assert!(entries
        .iter()
        .all(|e| e.3.as_deref() == Some(shift.id.as_str())));
    assert_eq!(entries[0].4["float"], "50.00");
    assert_eq!(entries[1].4["kind"], "out");
    assert_eq!(entries[1].4["reason"], "milk");
    assert_eq!(entries[2].4["variance"], "-0.50");
    assert!(s.audit_verify_unchecked());
}

trait Verify {
    fn audit_verify_unchecked(&mut self) -> bool;
}

impl Verify for Store {
    /// The chain verifies (as the owner).
    fn audit_verify_unchecked(&mut self) -> bool {
        self.sign_in("Olga", "1111").unwrap();
        self.audit_verify().unwrap().ok
    }
}

#[test]
fn without_staff_shifts_are_not_audited() {
    let (_d, mut s) = shop();
    s.shift_open(dec("10")).unwrap();
    s.shift_cash(CashMove::In, dec("1"), "coins").unwrap();
    s.shift_close(dec("11")).unwrap();
    assert_eq!(count(&s, "audit_log"), 0);
    assert_eq!(count(&s, "outbox"), 0);
}

#[test]
fn a_store_that_requires_a_shift_sells_only_during_one() {
    let (_d, mut s) = shop();
    let sold = s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap();
    s.update_settings(till_core::settings::SettingsUpdate {
        require_shift: Some(true),
        ..Default::default()
    })
    .unwrap();
    let before = (
        count(&s, "orders"),
        count(&s, "stock_movements"),
        count(&s, "outbox"),
    );
    let e = s.sell(sale(&[("COF", 1)], vec![cash("5.00")])).unwrap_err();
    assert_eq!(e.code(), "no_shift", "{e}");
    assert!(e.to_string().contains("no shift is open"), "{e}");
    let cart = s.new_cart().unwrap();
    s.cart_add(&cart.id, "COF", 1).unwrap();
    assert_eq!(
        s.cart_complete(&cart.id, &[cash("5.00")])
            .unwrap_err()
            .code(),
        "no_shift"
    );
    assert_eq!(
        before,
        (
            count(&s, "orders"),
            count(&s, "stock_movements"),
            count(&s, "outbox")
        )
    );
    // A refund is never held back: the customer gets their money.
    refund_all(&mut s, &sold.id);
    // With a shift open, the cart completes and counts in it.
    s.shift_open(dec("20")).unwrap();
    let r = s.cart_complete(&cart.id, &[cash("5.00")]).unwrap();
    let x = s.shift_status().unwrap();
    assert_eq!(x.orders, 1);
    assert_eq!(x.cash_sales, r.total);
    // Completing the same cart again returns its receipt, shift or not.
    s.shift_close(x.expected_cash).unwrap();
    assert_eq!(s.cart_complete(&cart.id, &[cash("5.00")]).unwrap().id, r.id);
}
