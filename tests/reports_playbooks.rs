//! The playbooks and stock reports against real store files: a shop with a
//! weekly flash sale, bundles, a kit, a referral programme and a member,
//! selling at chosen times over six weeks (some in the sale's hours, some
//! in the same hours of the weeks before), with refunds. Every figure is
//! worked out here from what was sold, never from the report sums.

#[path = "support/license.rs"]
mod license;
#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use rust_decimal::{Decimal, RoundingStrategy};
use support::*;
use till_core::bundles::BundleInput;
use till_core::catalog::{NewProduct, ProductUpdate};
use till_core::checkout::{SaleLine, SaleRequest};
use till_core::customers::{CustomerKind, NewCustomer};
use till_core::orders::RefundRequest;
use till_core::pricing::{FlashEffect, FlashSaleInput};
use till_core::referrals::ProgramUpdate;
use till_core::settings::Settings;
use till_core::{Clock, Error, Store};

const ZONE: &str = "Europe/Berlin";

fn tz() -> Tz {
    ZONE.parse().unwrap()
}

/// A local wall-clock time of the shop (CET in November and December).
fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz().with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// SKU, price, cost, tax, category, opening stock.
type Spec = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    i64,
);

const PRODUCTS: &[Spec] = &[
    ("COF", "3.00", Some("1.00"), "10", "coffee", 500),
    ("TEA", "2.00", Some("0.50"), "0", "tea", 300),
    ("MUG", "12.00", Some("5.00"), "20", "ware", 40),
    ("CAKE", "4.00", None, "0", "food", 60),
    ("SPOON", "1.00", Some("0.20"), "0", "ware", 10),
    ("OLD", "5.00", Some("2.00"), "0", "ware", 3),
];

fn price_of(sku: &str) -> Decimal {
    match sku {
        "GIFT" => dec("15.00"),
        _ => dec(PRODUCTS.iter().find(|p| p.0 == sku).unwrap().1),
    }
}

fn category_of(sku: &str) -> &'static str {
    PRODUCTS.iter().find(|p| p.0 == sku).map_or("", |p| p.4)
}

/// One line as the test expects it priced.
#[derive(Debug, Clone)]
struct Line {
    sku: &'static str,
    qty: i64,
    price: Decimal,
    /// Priced by the flash sale.
    flash: bool,
    /// Member discount per unit.
    member_off: Decimal,
}

#[derive(Debug, Clone)]
struct Sold {
    at: DateTime<Utc>,
    lines: Vec<Line>,
    /// Subtotal after line and order discounts, and tax, as the receipt says.
    total: Decimal,
    tax: Decimal,
    referred: bool,
}

struct Shop {
    _dir: tempfile::TempDir,
    s: Store,
    sold: Vec<Sold>,
    /// (time, SKU, units) given back.
    refunded: Vec<(DateTime<Utc>, &'static str, i64)>,
    flash_id: i64,
    breakfast: i64,
    ann: String,
    bea: String,
    cal: String,
    code: String,
}

/// Plain line at the price now.
fn l(sku: &'static str, qty: i64) -> Line {
    Line {
        sku,
        qty,
        price: price_of(sku),
        flash: false,
        member_off: Decimal::ZERO,
    }
}

impl Shop {
    fn new() -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::create(
            dir.path().join("till.db"),
            Settings {
                time_zone: ZONE.into(),
                ..Settings::default()
            },
        )
        .unwrap();
        s.set_clock(Clock::Fixed(local(2026, 11, 1, 9, 0)));
        s.install_license(&license::pro_license("L-PLAY", "Play shop"))
            .unwrap();
        for (sku, price, cost, tax, category, stock) in PRODUCTS {
            s.add_product(NewProduct {
                sku: (*sku).into(),
                name: format!("Product {sku}"),
                price: dec(price),
                cost: cost.map(dec),
                tax_rate: Some(dec(tax)),
                category: Some((*category).into()),
                stock: Some(*stock),
                ..Default::default()
            })
            .unwrap();
        }
        s.update_product(
            "OLD",
            ProductUpdate {
                active: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
        // A kit holds no stock: selling one takes 2 COF and 1 MUG.
        s.add_product(NewProduct {
            sku: "GIFT".into(),
            name: "Gift box".into(),
            price: dec("15.00"),
            cost: Some(dec("7.00")),
            tax_rate: Some(dec("0")),
            category: Some("gifts".into()),
            ..Default::default()
        })
        .unwrap();
        s.set_kit("GIFT", &[("COF".into(), 2), ("MUG".into(), 1)])
            .unwrap();
        // Fridays 15:00-17:00, from 4 December: half price on COF and tea.
        let flash = s
            .create_flash_sale(FlashSaleInput {
                name: "Happy hour".into(),
                skus: vec!["COF".into()],
                categories: vec!["tea".into()],
                effect: FlashEffect::Multiplier(dec("0.5")),
                starts_at: local(2026, 12, 4, 15, 0),
                ends_at: local(2026, 12, 4, 17, 0),
                weekly: true,
            })
            .unwrap();
        // Breakfast lists TEA first; 10 % off a TEA and a CAKE.
        let breakfast = s
            .create_bundle(BundleInput {
                name: "Breakfast".into(),
                items: vec![("TEA".into(), 1), ("CAKE".into(), 1)],
                offer: None,
                valid_from: None,
                valid_until: None,
            })
            .unwrap()
            .id;
        // Never sold: three cakes at once.
        s.create_bundle(BundleInput {
            name: "Cake trio".into(),
            items: vec![("CAKE".into(), 3)],
            offer: None,
            valid_from: None,
            valid_until: None,
        })
        .unwrap();
        s.set_referral_program(ProgramUpdate {
            percent: Some(dec("10")),
            window_days: Some(90),
            return_days: Some(1),
            ..Default::default()
        })
        .unwrap();
        let person = |name: &str| NewCustomer {
            name: name.into(),
            ..Default::default()
        };
        let bea = s
            .add_customer(CustomerKind::Customer, person("Bea"))
            .unwrap()
            .id;
        let code = s.issue_referral_code(&bea, None).unwrap().code;
        // Cal was referred by Bea: her code opens his window at his first order.
        let cal = s
            .add_customer(
                CustomerKind::Customer,
                NewCustomer {
                    referral_code: Some(code.clone()),
                    ..person("Cal")
                },
            )
            .unwrap()
            .id;
        let ann = s
            .add_customer(CustomerKind::Customer, person("Ann"))
            .unwrap()
            .id;
        s.add_membership_tier("club", "Club", dec("10"), dec("0"))
            .unwrap();
        s.enroll(&ann, "club", None).unwrap();
        Shop {
            _dir: dir,
            s,
            sold: Vec::new(),
            refunded: Vec::new(),
            flash_id: flash.id,
            breakfast,
            ann,
            bea,
            cal,
            code,
        }
    }

    /// Sells `lines` at `at` and checks each line was priced as expected.
    fn sell(
        &mut self,
        at: DateTime<Utc>,
        lines: Vec<Line>,
        customer: Option<String>,
        code: Option<String>,
        till_prices: bool,
    ) -> String {
        self.s.set_clock(Clock::Fixed(at));
        let referred = code.is_some() || customer.as_deref() == Some(self.cal.as_str());
        let r = self
            .s
            .sell(SaleRequest {
                lines: lines
                    .iter()
                    .map(|l| SaleLine {
                        code: l.sku.into(),
                        qty: l.qty,
                        discount: None,
                        price: till_prices.then_some(l.price),
                    })
                    .collect(),
                tenders: vec![cash("1000")],
                customer_id: customer,
                referral_code: code,
                ..Default::default()
            })
            .unwrap();
        for (got, want) in r.lines.iter().zip(&lines) {
            assert_eq!(got.sku, want.sku);
            assert_eq!(got.unit_price, want.price, "{} at {at}", want.sku);
        }
        self.sold.push(Sold {
            at,
            lines,
            total: r.total,
            tax: r.tax,
            referred,
        });
        r.id
    }

    fn refund(&mut self, at: DateTime<Utc>, order: &str, sku: &'static str, qty: i64) {
        self.s.set_clock(Clock::Fixed(at));
        self.s
            .refund(RefundRequest {
                order: order.into(),
                items: Some(vec![(sku.into(), qty)]),
                key: None,
            })
            .unwrap();
        self.refunded.push((at, sku, qty));
    }
}

fn flash(sku: &'static str, qty: i64) -> Line {
    Line {
        price: price_of(sku) / Decimal::TWO,
        flash: true,
        ..l(sku, qty)
    }
}

fn member(sku: &'static str, qty: i64) -> Line {
    let off = price_of(sku) / Decimal::TEN;
    Line {
        price: price_of(sku) - off,
        member_off: off,
        ..l(sku, qty)
    }
}

fn at_till(sku: &'static str, qty: i64, price: &str) -> Line {
    Line {
        price: dec(price),
        ..l(sku, qty)
    }
}

/// Six weeks of selling; the report period is 30 November to 13 December.
fn history() -> Shop {
    let mut sh = Shop::new();
    let code = sh.code.clone();
    let (ann, cal) = (sh.ann.clone(), sh.cal.clone());
    // Before the period: the Fridays before the sale and other hours.
    sh.sell(
        local(2026, 11, 6, 15, 20),
        vec![l("COF", 2)],
        None,
        None,
        false,
    );
    sh.sell(
        local(2026, 11, 13, 16, 40),
        vec![l("TEA", 3), l("MUG", 1)],
        None,
        None,
        false,
    );
    // Cal's first order, with Bea's code, before the period.
    sh.sell(
        local(2026, 11, 20, 10, 0),
        vec![l("TEA", 5)],
        Some(cal.clone()),
        Some(code.clone()),
        false,
    );
    sh.sell(
        local(2026, 11, 20, 15, 5),
        vec![l("COF", 1)],
        None,
        None,
        false,
    );
    // A Thursday, and Friday hours outside 15:00-17:00.
    sh.sell(
        local(2026, 11, 26, 15, 30),
        vec![l("COF", 7)],
        None,
        None,
        false,
    );
    sh.sell(
        local(2026, 11, 27, 14, 59),
        vec![l("COF", 5)],
        None,
        None,
        false,
    );
    // A Breakfast before the period.
    sh.sell(
        local(2026, 11, 27, 16, 10),
        vec![l("CAKE", 2), l("TEA", 1)],
        None,
        None,
        false,
    );
    sh.sell(
        local(2026, 11, 27, 17, 0),
        vec![l("COF", 4)],
        None,
        None,
        false,
    );
    // The period. Prices set at the till, above and below the base price.
    sh.sell(
        local(2026, 12, 1, 12, 0),
        vec![at_till("COF", 2, "3.50")],
        None,
        None,
        true,
    );
    sh.sell(
        local(2026, 12, 1, 12, 30),
        vec![at_till("MUG", 1, "11.00")],
        None,
        None,
        true,
    );
    // Ann, a member: 10 % off.
    sh.sell(
        local(2026, 12, 2, 10, 0),
        vec![member("COF", 2), member("MUG", 1)],
        Some(ann),
        None,
        false,
    );
    // Breakfasts: one set, two sets, and a TEA alone.
    sh.sell(
        local(2026, 12, 3, 9, 0),
        vec![l("TEA", 1), l("CAKE", 1)],
        None,
        None,
        false,
    );
    sh.sell(
        local(2026, 12, 3, 9, 30),
        vec![l("TEA", 2), l("CAKE", 2)],
        None,
        None,
        false,
    );
    sh.sell(
        local(2026, 12, 3, 10, 0),
        vec![l("TEA", 1)],
        None,
        None,
        false,
    );
    // The first Happy hour.
    sh.sell(
        local(2026, 12, 4, 15, 10),
        vec![flash("COF", 2)],
        None,
        None,
        false,
    );
    sh.sell(
        local(2026, 12, 4, 16, 30),
        vec![flash("TEA", 4), l("MUG", 1)],
        None,
        None,
        false,
    );
    // Cal again: with the code, then without it (still Bea's commission).
    let mugs = sh.sell(
        local(2026, 12, 5, 11, 0),
        vec![l("MUG", 2)],
        Some(cal.clone()),
        Some(code),
        false,
    );
    sh.sell(
        local(2026, 12, 6, 11, 0),
        vec![l("COF", 2)],
        Some(cal),
        None,
        false,
    );
    sh.refund(local(2026, 12, 7, 10, 0), &mugs, "MUG", 1);
    // Bea's approved commissions are paid out.
    sh.s.set_clock(Clock::Fixed(local(2026, 12, 8, 12, 0)));
    sh.s.approve_due_commissions(local(2026, 12, 8, 12, 0))
        .unwrap();
    let bea = sh.bea.clone();
    sh.s.create_payout(&bea, "cash", None).unwrap();
    sh.sell(
        local(2026, 12, 9, 12, 0),
        vec![l("GIFT", 1)],
        None,
        None,
        false,
    );
    // The second Happy hour, up to its last minute, and just after.
    sh.sell(
        local(2026, 12, 11, 15, 45),
        vec![flash("COF", 3)],
        None,
        None,
        false,
    );
    sh.sell(
        local(2026, 12, 11, 16, 59),
        vec![flash("TEA", 1)],
        None,
        None,
        false,
    );
    let late = sh.sell(
        local(2026, 12, 11, 17, 0),
        vec![l("COF", 1)],
        None,
        None,
        false,
    );
    sh.refund(local(2026, 12, 12, 10, 0), &late, "COF", 1);
    // Today.
    sh.s.set_clock(Clock::Fixed(local(2026, 12, 13, 12, 0)));
    sh
}

fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

fn pct(part: Decimal, whole: Decimal) -> Option<Decimal> {
    (!whole.is_zero()).then(|| (part * Decimal::ONE_HUNDRED / whole).round_dp(1))
}

#[test]
fn playbooks_figures_match_what_was_sold() {
    let mut sh = history();
    let (from, to) = (local(2026, 11, 30, 0, 0), local(2026, 12, 14, 0, 0));
    let r = sh.s.playbooks_report(from, to).unwrap();
    let in_period: Vec<&Sold> = sh
        .sold
        .iter()
        .filter(|o| o.at >= from && o.at < to)
        .collect();
    assert_eq!(r.currency, "EUR");
    assert_eq!(r.from, "2026-11-29T23:00:00.000Z");

    // Dynamic pricing: every line whose price is not the base price.
    let mut sides: BTreeMap<&str, (i64, Decimal, Decimal)> = BTreeMap::new();
    for o in &in_period {
        for line in &o.lines {
            let base = price_of(line.sku);
            if line.price == base {
                continue;
            }
            let side = if line.price > base { "above" } else { "below" };
            let e = sides.entry(side).or_default();
            e.0 += line.qty;
            e.1 += line.price * Decimal::from(line.qty);
            e.2 += base * Decimal::from(line.qty);
        }
    }
    let dp = &r.dynamic_pricing;
    for (side, got) in [("above", &dp.above), ("below", &dp.below)] {
        let (units, revenue, base) = sides[side];
        assert_eq!(got.units, units, "{side}");
        assert_eq!(got.revenue, revenue, "{side}");
        assert_eq!(got.base_revenue, base, "{side}");
        assert_eq!(got.difference, revenue - base, "{side}");
    }
    assert_eq!(dp.above.units, 2);
    assert_eq!(dp.below.units, 14);
    assert_eq!(dp.difference, dec("-14.30"));

    // The flash sale: its lines, its hours (two Fridays x 15:00 and 16:00),
    // and the same hours of the four Fridays before each.
    assert_eq!(r.flash_sales.len(), 1);
    let f = &r.flash_sales[0];
    assert_eq!((f.id, f.name.as_str()), (sh.flash_id, "Happy hour"));
    let flash_orders: Vec<&&Sold> = in_period
        .iter()
        .filter(|o| o.lines.iter().any(|l| l.flash))
        .collect();
    let flash_lines = || {
        flash_orders
            .iter()
            .flat_map(|o| &o.lines)
            .filter(|l| l.flash)
    };
    let units: i64 = flash_lines().map(|l| l.qty).sum();
    assert_eq!(f.orders, flash_orders.len() as i64);
    assert_eq!(f.units, units);
    assert_eq!(
        f.revenue,
        flash_lines()
            .map(|l| l.price * Decimal::from(l.qty))
            .sum::<Decimal>()
    );
    assert_eq!(
        f.discount,
        flash_lines()
            .map(|l| (price_of(l.sku) - l.price) * Decimal::from(l.qty))
            .sum::<Decimal>()
    );
    let windows = [day(12, 4), day(12, 11)];
    let hours = [15, 16];
    assert_eq!(f.hours, (windows.len() * hours.len()) as i64);
    let target = |sku: &str| sku == "COF" || category_of(sku) == "tea";
    let mut baseline = 0;
    for w in windows {
        for k in 1..=4 {
            let d = w - Duration::weeks(k);
            for o in &sh.sold {
                let t = o.at.with_timezone(&tz());
                if t.date_naive() == d && hours.contains(&t.hour()) {
                    baseline += o
                        .lines
                        .iter()
                        .filter(|l| target(l.sku))
                        .map(|l| l.qty)
                        .sum::<i64>();
                }
            }
        }
    }
    assert_eq!(
        baseline, 18,
        "7 before the first Friday, 11 before the second"
    );
    assert_eq!(units, 10);
    let h = Decimal::from(f.hours);
    assert_eq!(f.units_per_hour, round(Decimal::from(units) / h, 2));
    assert_eq!(
        f.baseline_units_per_hour,
        round(Decimal::from(baseline) / (Decimal::from(4) * h), 2)
    );
    assert_eq!(f.baseline_units_per_hour, dec("1.13"));
    let per_hour = Decimal::from(units) / h;
    let base_per_hour = Decimal::from(baseline) / (Decimal::from(4) * h);
    assert_eq!(f.lift_percent, pct(per_hour - base_per_hour, base_per_hour));
    assert_eq!(f.lift_percent, Some(dec("122.2")));

    // Bundles: Breakfast sold in two orders (three sets); the trio never.
    assert_eq!(r.bundles.len(), 1, "{:?}", r.bundles);
    let b = &r.bundles[0];
    assert_eq!((b.id, b.name.as_str()), (sh.breakfast, "Breakfast"));
    // A set is a TEA and a CAKE: as many sets as the fewer of the two.
    let sets_of = |o: &Sold| {
        let n = |sku| {
            o.lines
                .iter()
                .filter(|l| l.sku == sku)
                .map(|l| l.qty)
                .sum::<i64>()
        };
        n("TEA").min(n("CAKE"))
    };
    let with_bundle: Vec<&&Sold> = in_period.iter().filter(|o| sets_of(o) > 0).collect();
    let sets: i64 = with_bundle.iter().map(|o| sets_of(o)).sum();
    assert_eq!(b.sets, sets);
    assert_eq!(b.orders, with_bundle.len() as i64);
    let set_off = (price_of("TEA") + price_of("CAKE")) / Decimal::TEN;
    assert_eq!(b.discount, set_off * Decimal::from(sets));
    let with_tea = in_period
        .iter()
        .filter(|o| o.lines.iter().any(|l| l.sku == "TEA"))
        .count() as i64;
    assert_eq!(b.first_item_orders, with_tea);
    assert_eq!((b.sets, b.orders, b.first_item_orders), (3, 2, 5));
    assert_eq!(
        b.attach_rate,
        pct(Decimal::from(b.orders), Decimal::from(with_tea))
    );

    // Referrals: Cal's two orders in the period (one with the code, one
    // without), net of tax added on top; Bea's commissions at 10 %.
    let referred: Vec<&&Sold> = in_period.iter().filter(|o| o.referred).collect();
    let rf = &r.referrals;
    assert_eq!(rf.orders, referred.len() as i64);
    assert_eq!(rf.orders, 2);
    let revenue: Decimal = referred.iter().map(|o| o.total - o.tax).sum();
    assert_eq!(rf.revenue, revenue);
    assert_eq!(rf.commissions_accrued, revenue / Decimal::TEN);
    // One of the two mugs came back: half that order's commission.
    assert_eq!(rf.commissions_reversed, price_of("MUG") / Decimal::TEN);
    // Paid on 8 December: the period's accruals and Cal's first order's.
    let before: Decimal = sh
        .sold
        .iter()
        .filter(|o| o.referred && o.at < from)
        .map(|o| (o.total - o.tax) / Decimal::TEN)
        .sum();
    assert_eq!(rf.commissions_paid, revenue / Decimal::TEN + before);
    assert_eq!(rf.commissions_paid, dec("4.00"));

    // Memberships: Ann's order.
    let m = &r.memberships;
    let member_lines = || {
        in_period
            .iter()
            .flat_map(|o| &o.lines)
            .filter(|l| !l.member_off.is_zero())
    };
    assert_eq!(m.orders, 1);
    assert_eq!(m.units, member_lines().map(|l| l.qty).sum::<i64>());
    assert_eq!(
        m.revenue,
        member_lines()
            .map(|l| l.price * Decimal::from(l.qty))
            .sum::<Decimal>()
    );
    assert_eq!(
        m.discount,
        member_lines()
            .map(|l| l.member_off * Decimal::from(l.qty))
            .sum::<Decimal>()
    );
    assert_eq!(m.discount, dec("1.80"));

    // The contract's JSON names.
    let json = serde_json::to_value(&r).unwrap();
    for key in [
        "from",
        "to",
        "currency",
        "dynamic_pricing",
        "flash_sales",
        "bundles",
        "referrals",
        "memberships",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert!(json["flash_sales"][0]["lift_percent"].is_string());

    // The rest of December: the Fridays still to come are not hours the
    // sale was on.
    let december =
        sh.s.playbooks_report(from, local(2027, 1, 1, 0, 0))
            .unwrap();
    assert_eq!(december.flash_sales, r.flash_sales);

    // A period with none of it: empty lists, zero figures.
    let quiet =
        sh.s.playbooks_report(local(2026, 10, 1, 0, 0), local(2026, 10, 8, 0, 0))
            .unwrap();
    assert!(quiet.flash_sales.is_empty() && quiet.bundles.is_empty());
    assert_eq!(quiet.referrals.orders, 0);
    assert_eq!(quiet.dynamic_pricing.difference, Decimal::ZERO);

    // A part-day period folds the raw rows the same way: the first Happy
    // hour alone, from 15:00 to 16:00 (its first hour).
    let one =
        sh.s.playbooks_report(local(2026, 12, 4, 15, 0), local(2026, 12, 4, 16, 0))
            .unwrap();
    let f = &one.flash_sales[0];
    assert_eq!((f.hours, f.units, f.orders), (1, 2, 1));
    // The hour's baseline: Fridays 15:00 of 27, 20, 13 and 6 November.
    assert_eq!(
        f.baseline_units_per_hour,
        round(Decimal::from(3) / Decimal::from(4), 2)
    );

    // Breakfast's morning, folded from the raw rows: three orders with
    // TEA, two of them with the bundle.
    let morning =
        sh.s.playbooks_report(local(2026, 12, 3, 8, 30), local(2026, 12, 3, 10, 30))
            .unwrap();
    let b = &morning.bundles[0];
    assert_eq!((b.sets, b.orders, b.first_item_orders), (3, 2, 3));
    assert_eq!(b.attach_rate, Some(dec("66.7")));

    // A period that ends before it starts is refused.
    let e = sh.s.playbooks_report(to, from).unwrap_err();
    assert!(matches!(e, Error::Invalid { .. }), "{e}");
}

#[test]
fn stock_report_values_stock_at_cost_and_counts_days_of_cover() {
    let mut sh = history();
    let r = sh.s.stock_report().unwrap();
    assert_eq!(r.as_of, "2026-12-13T11:00:00.000Z");
    // The last 28 local days, today included: from 16 November.
    let start = local(2026, 11, 16, 0, 0);
    let kit = [("COF", 2), ("MUG", 1)];
    let mut on_hand: BTreeMap<&str, i64> = PRODUCTS.iter().map(|p| (p.0, p.5)).collect();
    let mut sold: BTreeMap<&str, i64> = BTreeMap::new();
    for o in &sh.sold {
        for line in &o.lines {
            let parts: Vec<(&str, i64)> = if line.sku == "GIFT" {
                kit.iter().map(|(s, q)| (*s, q * line.qty)).collect()
            } else {
                vec![(line.sku, line.qty)]
            };
            for (sku, q) in parts {
                *on_hand.get_mut(sku).unwrap() -= q;
                if o.at >= start {
                    *sold.entry(sku).or_default() += q;
                }
            }
        }
    }
    for (at, sku, q) in &sh.refunded {
        *on_hand.get_mut(sku).unwrap() += q;
        if *at >= start {
            *sold.entry(sku).or_default() -= q;
        }
    }
    // OLD is inactive and GIFT a kit: neither is listed.
    let skus: Vec<&str> = r.products.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(skus.len(), 5, "{skus:?}");
    assert!(!skus.contains(&"OLD") && !skus.contains(&"GIFT"));
    let mut total = Decimal::ZERO;
    for p in &r.products {
        let sku = p.sku.as_str();
        let (_, _, cost, _, category, _) = PRODUCTS.iter().find(|x| x.0 == sku).unwrap();
        assert_eq!(p.on_hand, on_hand[sku], "{sku}");
        assert_eq!(p.on_hand, sh.s.stock(sku).unwrap().on_hand, "{sku}");
        assert_eq!(p.category.as_deref(), Some(*category));
        assert_eq!(p.unit_cost, cost.map(dec), "{sku}");
        let value = cost.map_or(Decimal::ZERO, |c| dec(c) * Decimal::from(p.on_hand));
        assert_eq!(p.value, value, "{sku}");
        total += value;
        let n = sold.get(sku).copied().unwrap_or(0);
        assert_eq!(p.sold_28d, n, "{sku}");
        assert_eq!(p.per_day, round(Decimal::from(n) / Decimal::from(28), 2));
        let cover = (n > 0).then(|| round(Decimal::from(p.on_hand * 28) / Decimal::from(n), 1));
        assert_eq!(p.days_of_cover, cover, "{sku}");
    }
    assert_eq!(r.total_value, total);
    assert_eq!(
        r.products
            .iter()
            .find(|p| p.sku == "CAKE")
            .unwrap()
            .unit_cost,
        None
    );
    // COF: 1 + 7 + 5 + 4 + 2 + 2 + 2 + 2 + 3 + 1 and 2 in the gift box, 1 back.
    assert_eq!(
        r.products.iter().find(|p| p.sku == "COF").unwrap().sold_28d,
        30
    );
    // The first to run out first; SPOON never sold, so last.
    let covers: Vec<Decimal> = r.products.iter().filter_map(|p| p.days_of_cover).collect();
    assert!(covers.windows(2).all(|w| w[0] <= w[1]), "{covers:?}");
    assert_eq!(r.products.last().unwrap().sku, "SPOON");
    assert_eq!(r.products.last().unwrap().days_of_cover, None);
}

#[test]
fn playbooks_need_advanced_reporting_and_stock_does_not() {
    let (_d, mut s) = new_store();
    s.set_clock(Clock::Fixed(local(2026, 12, 1, 12, 0)));
    add(&mut s, "TEA", "2.00", "0", 10);
    s.sell(sale(&[("TEA", 1)], vec![cash("2.00")])).unwrap();
    let e = s
        .playbooks_report(local(2026, 11, 1, 0, 0), local(2026, 12, 2, 0, 0))
        .unwrap_err();
    assert!(matches!(e, Error::Gated { .. }), "{e}");
    assert!(e.to_string().contains("Pro"), "{e}");
    let stock = s.stock_report().unwrap();
    assert_eq!(stock.products.len(), 1);
    assert_eq!(stock.products[0].sold_28d, 1);
    assert_eq!(stock.products[0].on_hand, 9);
    assert_eq!(stock.products[0].days_of_cover, Some(dec("252.0")));
}

#[test]
fn a_cancelled_sale_counts_its_hours_until_cancelled_and_an_unreadable_one_its_hours_with_sales() {
    let (_d, mut s) = new_store();
    s.set_clock(Clock::Fixed(local(2026, 12, 1, 9, 0)));
    s.install_license(&license::pro_license("L-CANCEL", "Cancel shop"))
        .unwrap();
    add(&mut s, "COF", "3.00", "0", 100);
    let zone = s.settings().time_zone.clone();
    let tz: Tz = zone.parse().unwrap();
    let at = |d: u32, h: u32, m: u32| {
        tz.with_ymd_and_hms(2026, 12, d, h, m, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    };
    // Every Friday 15:00-18:00 from 4 December.
    let id = s
        .create_flash_sale(FlashSaleInput {
            name: "Three o'clock".into(),
            skus: vec!["COF".into()],
            categories: vec![],
            effect: FlashEffect::Multiplier(dec("0.5")),
            starts_at: at(4, 15, 0),
            ends_at: at(4, 18, 0),
            weekly: true,
        })
        .unwrap()
        .id;
    s.set_clock(Clock::Fixed(at(4, 15, 30)));
    s.sell(sale(&[("COF", 4)], vec![cash("10")])).unwrap();
    // Cancelled at 16:20: on for the hours of 15:00 and 16:00 only, and
    // never again.
    s.set_clock(Clock::Fixed(at(4, 16, 20)));
    s.cancel_flash_sale(id).unwrap();
    s.set_clock(Clock::Fixed(at(20, 12, 0)));
    let (from, to) = (at(1, 0, 0), at(20, 0, 0));
    let f = s.playbooks_report(from, to).unwrap().flash_sales;
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].hours, f[0].units), (2, 4));
    assert_eq!(f[0].units_per_hour, dec("2.00"));
    assert_eq!(f[0].lift_percent, None, "nothing sold in the weeks before");
    // A sale whose time zone cannot be read is still reported, over the
    // hours in which it sold.
    s.connection()
        .execute(
            "UPDATE flash_sales SET time_zone = 'Nowhere/Town' WHERE id = ?1",
            [id],
        )
        .unwrap();
    let f = s.playbooks_report(from, to).unwrap().flash_sales;
    assert_eq!(
        (f[0].name.as_str(), f[0].hours, f[0].units),
        ("Three o'clock", 1, 4)
    );
}
