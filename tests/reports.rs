//! Reports against an independent computation over the raw rows: random
//! sales (line and order discounts, bundles, a flash sale, split tenders,
//! customers) and partial refunds at random times around DST changes, in
//! time zones with whole, half and quarter-hour offsets and either tax
//! mode; reports read at random moments between the sales (so the sums are
//! caught up in pieces) and after a change of time zone (so they are
//! rebuilt). Every figure must match to the cent.

#[path = "support/license.rs"]
mod license_support;
#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use rust_decimal::Decimal;
use support::*;
use till_core::bundles::{BundleInput, BundleOffer};
use till_core::catalog::NewProduct;
use till_core::checkout::{SaleLine, SaleRequest};
use till_core::orders::RefundRequest;
use till_core::pricing::{FlashEffect, FlashSaleInput};
use till_core::reports::{Compare, SalesBy, SalesReport};
use till_core::settings::SettingsUpdate;
use till_core::tax::TaxMode;
use till_core::totals::Discount;
use till_core::{Clock, Store};

/// A product: SKU, price, cost, tax rate, category.
type ProductRow = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
);

/// A row's group: from its time, SKU, tender and customer.
type KeyFn<'a> = &'a dyn Fn(DateTime<Utc>, &str, &str, &str) -> String;

const PRODUCTS: [ProductRow; 5] = [
    ("A", "3.20", Some("1.10"), "7", Some("drinks")),
    ("B", "4.95", Some("2.33"), "19", Some("food")),
    ("C", "0.99", None, "0", None),
    ("D", "12.50", Some("7.00"), "19", Some("food")),
    ("E", "1.05", Some("0.40"), "5.5", Some("drinks")),
];

/// The period the sales fall in: around the spring DST changes of Europe
/// and America (8 and 29 March 2026) and Lord Howe's autumn one (5 April).
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 5, 0, 0, 0).unwrap()
}
const HOURS: i64 = 24 * 33;

#[derive(Debug, Clone)]
struct SaleSpec {
    minute: i64,
    lines: Vec<(usize, i64, Option<u8>)>,
    order_pct: Option<u8>,
    tender: u8,
    customer: bool,
    refund: Option<(i64, Vec<(usize, i64)>)>,
}

fn sale_spec() -> impl Strategy<Value = SaleSpec> {
    (
        0..HOURS * 60,
        prop::collection::vec((0usize..5, 1i64..4, prop::option::of(1u8..=30)), 1..5),
        prop::option::weighted(0.2, 1u8..=20),
        0u8..3,
        any::<bool>(),
        prop::option::weighted(
            0.3,
            (
                1i64..72 * 60,
                prop::collection::vec((0usize..5, 1i64..3), 1..3),
            ),
        ),
    )
        .prop_map(
            |(minute, lines, order_pct, tender, customer, refund)| SaleSpec {
                minute,
                lines,
                order_pct,
                tender,
                customer,
                refund,
            },
        )
}

fn shop(zone: &str, inclusive: bool) -> (tempfile::TempDir, Store) {
    let (dir, mut s) = new_store();
    s.set_clock(Clock::Fixed(start() - Duration::days(1)));
    s.install_license(&license_support::pro_license("reports", "Test shop"))
        .unwrap();
    s.update_settings(SettingsUpdate {
        time_zone: Some(zone.into()),
        tax_mode: Some(if inclusive {
            TaxMode::Inclusive
        } else {
            TaxMode::Exclusive
        }),
        ..Default::default()
    })
    .unwrap();
    for (sku, price, cost, rate, category) in PRODUCTS {
        s.add_product(NewProduct {
            sku: sku.into(),
            name: format!("Product {sku}"),
            price: dec(price),
            cost: cost.map(dec),
            tax_rate: Some(dec(rate)),
            category: category.map(String::from),
            stock: Some(100_000),
            ..Default::default()
        })
        .unwrap();
    }
    s.create_bundle(BundleInput {
        name: "A with B".into(),
        items: vec![("A".into(), 1), ("B".into(), 1)],
        offer: Some(BundleOffer::PercentOff(dec("10"))),
        ..Default::default()
    })
    .unwrap();
    // Every evening of the second week, E at a third off.
    s.create_flash_sale(FlashSaleInput {
        name: "Evening".into(),
        skus: vec!["E".into(), "D".into()],
        categories: vec![],
        effect: FlashEffect::Multiplier(dec("0.67")),
        starts_at: start() + Duration::days(7) + Duration::hours(17),
        ends_at: start() + Duration::days(7) + Duration::hours(20),
        weekly: true,
    })
    .unwrap();
    (dir, s)
}

/// What the test expects, from the raw rows.
#[derive(Debug, Default, Clone, PartialEq)]
struct Fig {
    orders: i64,
    items: i64,
    gross: Decimal,
    discounts: Decimal,
    refunds: Decimal,
    tax: Decimal,
    cost: Decimal,
    tax_included: Decimal,
}

impl Fig {
    fn net(&self) -> Decimal {
        self.gross - self.discounts - self.refunds
    }
    fn margin(&self) -> Decimal {
        self.net() - self.tax_included - self.cost
    }
}

fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

fn tparse(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Figures over [from, to) grouped by `key` (of an order or refund row:
/// its time, product SKU, tender, customer).
fn expected(
    s: &Store,
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    key: KeyFn<'_>,
) -> BTreeMap<String, Fig> {
    let c = s.connection();
    let mut out: BTreeMap<String, Fig> = BTreeMap::new();
    let mut counted: std::collections::HashSet<(String, String)> = Default::default();
    let mut stmt = c
        .prepare(
            "SELECT o.id, o.created_at, o.tax_mode, COALESCE(o.customer_id, ''),
                    (SELECT group_concat(m, '+') FROM (SELECT DISTINCT method AS m FROM payments WHERE order_id = o.id ORDER BY m)),
                    l.sku, l.qty, l.gross, l.discount, l.tax, COALESCE(l.unit_cost, '0')
             FROM orders o JOIN order_lines l ON l.order_id = o.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, String>(10)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (id, at, mode, customer, tender, sku, qty, gross, disc, tax, cost) = row.unwrap();
        let at = tparse(&at);
        if at < from || at >= to {
            continue;
        }
        let k = key(at, &sku, &tender, &customer);
        let f = out.entry(k.clone()).or_default();
        if counted.insert((id, k)) {
            f.orders += 1;
        }
        f.items += qty;
        f.gross += dec(&gross);
        f.discounts += dec(&disc);
        f.tax += dec(&tax);
        f.cost += round(dec(&cost) * Decimal::from(qty));
        if mode == "inclusive" {
            f.tax_included += dec(&tax);
        }
    }
    drop(stmt);
    let mut stmt = c
        .prepare(
            "SELECT r.created_at, r.method, o.tax_mode, COALESCE(o.customer_id, ''), l.sku, rl.qty, rl.amount, rl.tax, COALESCE(l.unit_cost, '0')
             FROM refunds r JOIN refund_lines rl ON rl.refund_id = r.id JOIN orders o ON o.id = r.order_id
             JOIN order_lines l ON l.order_id = r.order_id AND l.line_no = rl.line_no",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (at, method, mode, customer, sku, qty, amount, tax, cost) = row.unwrap();
        let at = tparse(&at);
        if at < from || at >= to {
            continue;
        }
        let f = out.entry(key(at, &sku, &method, &customer)).or_default();
        let (amount, tax) = (dec(&amount), dec(&tax));
        f.items -= qty;
        f.refunds += if mode == "inclusive" {
            amount
        } else {
            amount - tax
        };
        f.tax -= tax;
        f.cost -= round(dec(&cost) * Decimal::from(qty));
        if mode == "inclusive" {
            f.tax_included -= tax;
        }
    }
    let _ = tz;
    out
}

fn check_rows(report: &SalesReport, want: &BTreeMap<String, Fig>) -> Result<(), TestCaseError> {
    let got: BTreeMap<String, Fig> = report
        .rows
        .iter()
        .map(|r| {
            prop_assert_eq!(r.net, r.gross - r.discounts - r.refunds);
            Ok((
                r.key.clone(),
                Fig {
                    orders: r.orders,
                    items: r.items,
                    gross: r.gross,
                    discounts: r.discounts,
                    refunds: r.refunds,
                    tax: r.tax,
                    cost: r.cost,
                    // Checked through the margin below.
                    tax_included: r.net - r.cost - r.margin,
                },
            ))
        })
        .collect::<Result<_, TestCaseError>>()?;
    prop_assert_eq!(&got, want, "rows by {:?}", report.by);
    Ok(())
}

fn check_totals(report: &SalesReport, want: &Fig) -> Result<(), TestCaseError> {
    let t = &report.totals;
    prop_assert_eq!(t.orders, want.orders);
    prop_assert_eq!(t.items, want.items);
    prop_assert_eq!(t.gross, want.gross);
    prop_assert_eq!(t.discounts, want.discounts);
    prop_assert_eq!(t.refunds, want.refunds);
    prop_assert_eq!(t.net, want.net());
    prop_assert_eq!(t.tax, want.tax);
    prop_assert_eq!(t.cost, want.cost);
    prop_assert_eq!(t.margin, want.margin());
    Ok(())
}

fn sum(m: &BTreeMap<String, Fig>) -> Fig {
    let mut f = Fig::default();
    for v in m.values() {
        f.orders += v.orders;
        f.items += v.items;
        f.gross += v.gross;
        f.discounts += v.discounts;
        f.refunds += v.refunds;
        f.tax += v.tax;
        f.cost += v.cost;
        f.tax_included += v.tax_included;
    }
    f
}

fn run_sales(s: &mut Store, specs: &[SaleSpec], customer: &str) {
    // Refunds happen later than their sale: make every event in time order.
    let mut events: Vec<(DateTime<Utc>, usize, bool)> = Vec::new();
    for (i, sp) in specs.iter().enumerate() {
        let at = start() + Duration::minutes(sp.minute);
        events.push((at, i, false));
        if let Some((after, _)) = &sp.refund {
            events.push((at + Duration::minutes(*after), i, true));
        }
    }
    events.sort();
    let mut ids: Vec<Option<String>> = vec![None; specs.len()];
    for (at, i, is_refund) in events {
        s.set_clock(Clock::Fixed(at));
        let sp = &specs[i];
        if is_refund {
            let Some(id) = &ids[i] else { continue };
            let items: Vec<(String, i64)> = sp
                .refund
                .as_ref()
                .unwrap()
                .1
                .iter()
                .map(|(p, q)| (PRODUCTS[*p].0.to_string(), *q))
                .collect();
            // A refund of more than is left is refused: that is fine here.
            let _ = s.refund(RefundRequest {
                order: id.clone(),
                items: Some(items),
                key: None,
            });
            continue;
        }
        let tenders = match sp.tender {
            0 => vec![cash("10000")],
            1 => vec![],
            _ => vec![card("0.50"), cash("10000")],
        };
        let mut req = SaleRequest {
            lines: sp
                .lines
                .iter()
                .map(|(p, q, d)| SaleLine {
                    code: PRODUCTS[*p].0.into(),
                    qty: *q,
                    discount: d.map(|d| Discount::Percent(Decimal::from(d))),
                    price: None,
                })
                .collect(),
            order_discount: sp.order_pct.map(|p| Discount::Percent(Decimal::from(p))),
            customer_id: sp.customer.then(|| customer.to_string()),
            ..sale(&[], tenders)
        };
        // Card for exactly what is due: price it first.
        if sp.tender == 1 {
            req.tenders = vec![card("0.01")];
            match s.sell(req.clone()) {
                Err(till_core::Error::PaymentShort { total, .. }) => {
                    req.tenders = vec![card(&total)]
                }
                other => panic!("a cent cannot pay for a sale: {other:?}"),
            }
        }
        ids[i] = Some(s.sell(req).unwrap().id);
    }
}

fn local_day(tz: Tz, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn reports_match_the_raw_rows(
        zone in prop::sample::select(vec!["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]),
        inclusive: bool,
        specs in prop::collection::vec(sale_spec(), 1..30),
        cut in 0usize..30,
        from_min in 0i64..HOURS * 60,
        len_min in 0i64..HOURS * 60,
        whole_days: bool,
    ) {
        let (_dir, mut s) = shop(zone, inclusive);
        let tz: Tz = zone.parse().unwrap();
        let customer = s
            .add_customer(
                till_core::customers::CustomerKind::Customer,
                till_core::customers::NewCustomer { name: "Ann".into(), ..Default::default() },
            )
            .unwrap()
            .id;
        let end_of_all = start() + Duration::hours(HOURS + 80);
        // Some sales, a report (the sums catch up to here), the rest.
        let cut = cut.min(specs.len());
        run_sales(&mut s, &specs[..cut], &customer);
        s.set_clock(Clock::Fixed(end_of_all));
        s.sales_report(start(), end_of_all, SalesBy::Day, None).unwrap();
        run_sales(&mut s, &specs[cut..], &customer);
        s.set_clock(Clock::Fixed(end_of_all));

        let (from, to) = if whole_days {
            let f = local_day(tz, start() + Duration::minutes(from_min));
            let t = local_day(tz, start() + Duration::minutes(from_min + len_min));
            (till_core::locale::day_start(tz, f), till_core::locale::day_start(tz, t.succ_opt().unwrap()))
        } else {
            (start() + Duration::minutes(from_min), start() + Duration::minutes(from_min + len_min))
        };

        let by_day = s.sales_report(from, to, SalesBy::Day, None).unwrap();
        let want = expected(&s, tz, from, to, &|at, _, _, _| local_day(tz, at).to_string());
        check_rows(&by_day, &want)?;
        check_totals(&by_day, &sum(&want))?;

        let by_hour = s.sales_report(from, to, SalesBy::Hour, None).unwrap();
        let want_h = expected(&s, tz, from, to, &|at, _, _, _| format!("{:02}", at.with_timezone(&tz).hour()));
        check_rows(&by_hour, &want_h)?;

        let by_product = s.sales_report(from, to, SalesBy::Product, None).unwrap();
        check_rows(&by_product, &expected(&s, tz, from, to, &|_, sku, _, _| sku.to_string()))?;

        let by_tender = s.sales_report(from, to, SalesBy::Tender, None).unwrap();
        // Cash first when an order was paid both ways.
    check_rows(&by_tender, &expected(&s, tz, from, to, &|_, _, t, _| t.replace("card+cash", "cash+card")))?;

        let by_customer = s.sales_report(from, to, SalesBy::Customer, None).unwrap();
        let mut want_c = expected(&s, tz, from, to, &|_, _, _, c| c.to_string());
        // Sales without a customer have no customer row.
        want_c.remove("");
        check_rows(&by_customer, &want_c)?;

        // The comparison is the same report over its own period.
        let cmp = s.sales_report(from, to, SalesBy::Day, Some(Compare::Previous)).unwrap();
        let prev = cmp.compare.as_ref().unwrap();
        let (pf, pt) = (tparse(&prev.from), tparse(&prev.to));
        prop_assert_eq!(pt, from);
        check_totals(prev, &sum(&expected(&s, tz, pf, pt, &|_, _, _, _| String::new())))?;

        // Tax per rate: sales and refunds apart.
        let tax = s.tax_report(from, to).unwrap();
        let total: Decimal = tax.rates.iter().map(|r| r.tax - r.refunded_tax).sum();
        prop_assert_eq!(tax.total_tax, total);
        prop_assert_eq!(tax.total_tax, by_day.totals.tax);
        for r in &tax.rates {
            let (base, t) = tax_expected(&s, from, to, r.rate);
            prop_assert_eq!((r.taxable, r.tax, r.refunded_taxable, r.refunded_tax), (base.0, base.1, t.0, t.1), "rate {}", r.rate);
        }

        // A new time zone moves every local day: the sums are rebuilt.
        let other = if zone == "UTC" { "Asia/Kolkata" } else { "UTC" };
        s.update_settings(SettingsUpdate { time_zone: Some(other.into()), ..Default::default() }).unwrap();
        let tz2: Tz = other.parse().unwrap();
        let again = s.sales_report(from, to, SalesBy::Day, None).unwrap();
        check_rows(&again, &expected(&s, tz2, from, to, &|at, _, _, _| local_day(tz2, at).to_string()))?;
    }
}

/// A rate's (taxable, tax) of sales and of refunds in [from, to).
fn tax_expected(
    s: &Store,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    rate: Decimal,
) -> ((Decimal, Decimal), (Decimal, Decimal)) {
    let c = s.connection();
    let mut sales = (Decimal::ZERO, Decimal::ZERO);
    let mut stmt = c
        .prepare("SELECT o.created_at, o.tax_mode, l.tax_rate, l.net, l.tax FROM orders o JOIN order_lines l ON l.order_id = o.id")
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let at = tparse(&r.get::<_, String>(0).unwrap());
        if at < from || at >= to || dec(&r.get::<_, String>(2).unwrap()) != rate {
            continue;
        }
        let (net, tax) = (
            dec(&r.get::<_, String>(3).unwrap()),
            dec(&r.get::<_, String>(4).unwrap()),
        );
        let inclusive = r.get::<_, String>(1).unwrap() == "inclusive";
        sales.0 += if inclusive { net - tax } else { net };
        sales.1 += tax;
    }
    let mut refunds = (Decimal::ZERO, Decimal::ZERO);
    let mut stmt = c
        .prepare(
            "SELECT r.created_at, l.tax_rate, rl.amount, rl.tax FROM refunds r JOIN refund_lines rl ON rl.refund_id = r.id
             JOIN order_lines l ON l.order_id = r.order_id AND l.line_no = rl.line_no",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let at = tparse(&r.get::<_, String>(0).unwrap());
        if at < from || at >= to || dec(&r.get::<_, String>(1).unwrap()) != rate {
            continue;
        }
        let (amount, tax) = (
            dec(&r.get::<_, String>(2).unwrap()),
            dec(&r.get::<_, String>(3).unwrap()),
        );
        refunds.0 += amount - tax;
        refunds.1 += tax;
    }
    (sales, refunds)
}

#[test]
fn bad_periods_and_breakdowns_are_refused() {
    let (_dir, s) = new_store();
    let e = s.report_range("2026-11-02", "2026-11-01").unwrap_err();
    assert!(e.to_string().contains("before"), "{e}");
    assert!(SalesBy::parse("fortnight")
        .unwrap_err()
        .to_string()
        .contains("day, week"));
    assert!(Compare::parse("sometime").is_err());
    assert!(s.report_range("yesterday", "2026-11-01").is_err());
    // A date is the whole local day: to includes its day.
    let (f, t) = s.report_range("2026-11-01", "2026-11-01").unwrap();
    assert_eq!(t - f, Duration::days(1));
}
