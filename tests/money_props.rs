//! Property tests: the money invariants hold for any cart, and refunds
//! always restore stock.

#[path = "support/mod.rs"]
mod support;

use proptest::prelude::*;
use rust_decimal::Decimal;
use support::*;
use till_core::checkout::{settle, Tender, TenderMethod};
use till_core::money::Currency;
use till_core::orders::RefundRequest;
use till_core::tax::TaxMode;
use till_core::totals::{compute, Discount, LineInput};

fn eur() -> Currency {
    Currency::from_code("EUR").unwrap()
}

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

prop_compose! {
    fn line()(price in 0i64..100_000, qty in 1i64..50, rate in prop::sample::select(vec!["0", "5.5", "7", "10", "19", "20", "21"]),
              disc in prop::option::of(prop_oneof![(1i64..=100).prop_map(|p| Discount::Percent(Decimal::from(p))),
                                                    (1i64..500).prop_map(|c| Discount::Amount(cents(c)))])) -> LineInput {
        let unit = cents(price);
        // An amount discount may not exceed the line; keep it within.
        let discount = match disc {
            Some(Discount::Amount(a)) if a > unit * Decimal::from(qty) => None,
            d => d,
        };
        LineInput { qty, unit_price: unit, tax_rate: dec(rate), discount }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn totals_invariants(lines in prop::collection::vec(line(), 1..30), inclusive: bool, order_pct in prop::option::of(1i64..=100)) {
        let mode = if inclusive { TaxMode::Inclusive } else { TaxMode::Exclusive };
        let od = order_pct.map(|p| Discount::Percent(Decimal::from(p)));
        let t = compute(&eur(), mode, &lines, od.as_ref()).unwrap();
        // Lines sum to the subtotal.
        prop_assert_eq!(t.lines.iter().map(|l| l.gross).sum::<Decimal>(), t.subtotal);
        // subtotal - discounts + tax = total (tax added) / subtotal - discounts = total (tax included).
        match mode {
            TaxMode::Exclusive => prop_assert_eq!(t.subtotal - t.discount + t.tax, t.total),
            TaxMode::Inclusive => prop_assert_eq!(t.subtotal - t.discount, t.total),
        }
        // Per-line shares add up exactly.
        prop_assert_eq!(t.lines.iter().map(|l| l.discount).sum::<Decimal>(), t.discount);
        prop_assert_eq!(t.lines.iter().map(|l| l.tax).sum::<Decimal>(), t.tax);
        prop_assert_eq!(t.lines.iter().map(|l| l.total).sum::<Decimal>(), t.total);
        prop_assert_eq!(t.taxes.iter().map(|x| x.tax).sum::<Decimal>(), t.tax);
        // Never more decimals than the currency, never negative.
        for v in [t.subtotal, t.discount, t.tax, t.total].iter().chain(t.lines.iter().flat_map(|l| [&l.gross, &l.discount, &l.net, &l.tax, &l.total])) {
            prop_assert!(v.scale() == 2, "{} has scale {}", v, v.scale());
            prop_assert!(*v >= Decimal::ZERO);
        }
    }

    #[test]
    fn tenders_minus_change_is_total(total in 0i64..1_000_000, cash_part in 0i64..2_000_000, card_part in 0i64..1_000_000) {
        let total = cents(total);
        let mut tenders = Vec::new();
        if card_part > 0 { tenders.push(Tender { method: TenderMethod::Card, amount: cents(card_part), reference: None }); }
        if cash_part > 0 { tenders.push(Tender { method: TenderMethod::Cash, amount: cents(cash_part), reference: None }); }
        match settle(&eur(), total, &tenders) {
            Ok(s) => {
                prop_assert_eq!(s.paid - s.change, total);
                prop_assert!(s.change >= Decimal::ZERO);
                prop_assert!(s.change <= cents(cash_part), "change beyond the cash given");
            }
            Err(e) => prop_assert!(e.code() == "payment_short" || e.code() == "refused", "{}", e),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any sequence of sales and partial refunds leaves stock at
    /// opening - sold + refunded; refunding everything restores it.
    #[test]
    fn refunds_restore_stock(sales in prop::collection::vec((1i64..4, 1i64..4, prop::collection::vec((0usize..2, 1i64..4), 0..3)), 1..6)) {
        let (_d, mut s) = new_store();
        add(&mut s, "A", "1.99", "20", 1000);
        add(&mut s, "B", "0.35", "7", 1000);
        let mut sold = [0i64; 2];
        let mut back = [0i64; 2];
        let mut orders = Vec::new();
        for (qa, qb, refunds) in sales {
            let r = s.sell(sale(&[("A", qa), ("B", qb)], vec![cash("100.00")])).unwrap();
            sold[0] += qa; sold[1] += qb;
            for (which, q) in refunds {
                let sku = ["A", "B"][which];
                let already: i64 = s.order(&r.id).unwrap().lines.iter().filter(|l| l.sku == sku).map(|l| l.refunded_qty).sum();
                let bought = if which == 0 { qa } else { qb };
                let res = s.refund(RefundRequest { order: r.id.clone(), items: Some(vec![(sku.into(), q)]), key: None });
                if already + q <= bought { res.unwrap(); back[which] += q; } else { prop_assert!(res.is_err()); }
            }
            orders.push(r);
        }
        prop_assert_eq!(s.stock("A").unwrap().on_hand, 1000 - sold[0] + back[0]);
        prop_assert_eq!(s.stock("B").unwrap().on_hand, 1000 - sold[1] + back[1]);
        for r in &orders {
            let _ = s.refund(RefundRequest { order: r.id.clone(), items: None, key: None });
            let refunded: Decimal = s.order(&r.id).unwrap().refunds.iter().map(|f| f.amount).sum();
            prop_assert_eq!(refunded, r.total);
        }
        prop_assert_eq!(s.stock("A").unwrap().on_hand, 1000);
        prop_assert_eq!(s.stock("B").unwrap().on_hand, 1000);
        prop_assert!(s.stock_drift().unwrap().is_empty());
    }
}
