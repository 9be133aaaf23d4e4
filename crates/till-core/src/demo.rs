//! A demo shop (a small café and corner store) and a generator of realistic
//! sales that go through the normal checkout path.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::catalog::NewProduct;
use crate::checkout::{SaleLine, SaleRequest, Tender, TenderMethod};
use crate::error::{Error, Result};
use crate::inventory::MovementKind;
use crate::store::Store;

/// (SKU, name, barcode, price, cost, tax %, category, opening stock)
/// SKU, name, barcode, price, cost, tax rate, category, opening stock.
type CatalogRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
);

const CATALOG: &[CatalogRow] = &[
    (
        "ESP",
        "Espresso",
        "2000000000015",
        "2.20",
        "0.40",
        "10",
        "coffee",
        400,
    ),
    (
        "CAP",
        "Cappuccino",
        "2000000000022",
        "3.40",
        "0.70",
        "10",
        "coffee",
        400,
    ),
    (
        "LAT",
        "Caffè latte",
        "2000000000039",
        "3.60",
        "0.75",
        "10",
        "coffee",
        400,
    ),
    (
        "FLW",
        "Flat white",
        "2000000000046",
        "3.50",
        "0.72",
        "10",
        "coffee",
        400,
    ),
    (
        "TEA",
        "Pot of tea",
        "2000000000053",
        "2.80",
        "0.30",
        "10",
        "tea",
        300,
    ),
    (
        "CHAI",
        "Chai latte",
        "2000000000060",
        "3.70",
        "0.80",
        "10",
        "tea",
        200,
    ),
    (
        "CROI",
        "Butter croissant",
        "2000000000077",
        "2.10",
        "0.65",
        "10",
        "bakery",
        80,
    ),
    (
        "PAIN",
        "Pain au chocolat",
        "2000000000084",
        "2.40",
        "0.75",
        "10",
        "bakery",
        60,
    ),
    (
        "MUF",
        "Blueberry muffin",
        "2000000000091",
        "2.90",
        "0.90",
        "10",
        "bakery",
        50,
    ),
    (
        "BAN",
        "Banana bread slice",
        "2000000000107",
        "3.10",
        "0.85",
        "10",
        "bakery",
        40,
    ),
    (
        "SCONE",
        "Scone with jam",
        "2000000000114",
        "3.20",
        "0.95",
        "10",
        "bakery",
        40,
    ),
    (
        "SAND-HC",
        "Ham & cheese sandwich",
        "2000000000121",
        "5.90",
        "2.10",
        "10",
        "deli",
        30,
    ),
    (
        "SAND-VG",
        "Hummus & veg wrap",
        "2000000000138",
        "5.50",
        "1.90",
        "10",
        "deli",
        30,
    ),
    (
        "SOUP",
        "Soup of the day",
        "2000000000145",
        "4.80",
        "1.20",
        "10",
        "deli",
        25,
    ),
    (
        "OJ",
        "Fresh orange juice",
        "2000000000152",
        "3.90",
        "1.10",
        "10",
        "drinks",
        60,
    ),
    (
        "WAT",
        "Still water 0.5 l",
        "4006381333931",
        "1.50",
        "0.25",
        "10",
        "drinks",
        120,
    ),
    (
        "SPK",
        "Sparkling water 0.5 l",
        "4006381333948",
        "1.60",
        "0.27",
        "10",
        "drinks",
        120,
    ),
    (
        "COLA",
        "Cola 0.33 l",
        "5449000000996",
        "2.20",
        "0.55",
        "10",
        "drinks",
        150,
    ),
    (
        "BEANS-H",
        "House blend beans 250 g",
        "2000000000169",
        "8.90",
        "3.80",
        "10",
        "retail",
        40,
    ),
    (
        "BEANS-E",
        "Ethiopia Yirgacheffe 250 g",
        "2000000000176",
        "11.50",
        "5.10",
        "10",
        "retail",
        25,
    ),
    (
        "MUG",
        "Till café mug",
        "2000000000183",
        "12.00",
        "4.20",
        "20",
        "merch",
        20,
    ),
    (
        "CUP-R",
        "Reusable cup",
        "2000000000190",
        "9.50",
        "3.10",
        "20",
        "merch",
        30,
    ),
    (
        "CHOC",
        "Dark chocolate bar",
        "2000000000206",
        "2.60",
        "0.95",
        "10",
        "snacks",
        70,
    ),
    (
        "COOK",
        "Oat cookie",
        "2000000000213",
        "1.80",
        "0.40",
        "10",
        "snacks",
        90,
    ),
    (
        "NUTS",
        "Salted almonds 100 g",
        "2000000000220",
        "3.30",
        "1.30",
        "10",
        "snacks",
        45,
    ),
];

/// Fills an empty store with the demo catalog.
pub fn seed_catalog(store: &mut Store) -> Result<usize> {
    for (sku, name, barcode, price, cost, tax, category, stock) in CATALOG {
        let dec = |s: &str| {
            Decimal::from_str(s).map_err(|e| Error::Internal(format!("demo catalog: {e}")))
        };
        store.add_product(NewProduct {
            sku: (*sku).into(),
            name: (*name).into(),
            price: dec(price)?,
            cost: Some(dec(cost)?),
            barcode: Some((*barcode).into()),
            tax_rate: Some(dec(tax)?),
            category: Some((*category).into()),
            stock: Some(*stock),
            ..Default::default()
        })?;
    }
    Ok(CATALOG.len())
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DemoSummary {
    pub orders: usize,
    pub items: i64,
    pub revenue: Decimal,
    pub restocks: usize,
}

/// Rings up `count` random sales through `Store::sell`, as a café would:
/// one to five lines, mostly coffee, paid by card, cash or both. When an
/// item runs low the shop restocks it (a normal restock movement) instead
/// of failing the sale.
pub fn run_sales(store: &mut Store, count: usize, seed: u64) -> Result<DemoSummary> {
    let products = store.products(None, false)?;
    if products.is_empty() {
        return Err(Error::Refused(
            "the catalog is empty: add products or run `till init --demo`".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let currency = store.settings().currency.clone();
    let mut summary = DemoSummary {
        orders: 0,
        items: 0,
        revenue: currency.round(Decimal::ZERO),
        restocks: 0,
    };
    for _ in 0..count {
        let n_lines = rng.random_range(1..=5usize);
        let mut lines: Vec<SaleLine> = Vec::with_capacity(n_lines);
        for _ in 0..n_lines {
            // Popular items first: the catalog lists coffee first.
            let idx = (rng.random_range(0.0f64..1.0).powi(2) * products.len() as f64) as usize;
            let p = &products[idx.min(products.len() - 1)];
            if lines.iter().any(|l| l.code == p.sku) {
                continue;
            }
            lines.push(SaleLine {
                code: p.sku.clone(),
                qty: rng.random_range(1..=3),
                discount: None,
            });
        }
        for l in &lines {
            let on_hand = store.stock(&l.code)?.on_hand;
            if on_hand < l.qty + 5 {
                store.adjust_stock(&l.code, 100, MovementKind::Restock, Some("demo delivery"))?;
                summary.restocks += 1;
            }
        }
        // Price the basket through a dry quote to choose tenders.
        let mut due = Decimal::ZERO;
        let now = store.now();
        let inputs: Vec<crate::totals::LineInput> = lines
            .iter()
            .map(|l| {
                let q = store.quote(&l.code, now)?;
                let p = store.product(&l.code)?;
                Ok(crate::totals::LineInput {
                    qty: l.qty,
                    unit_price: q.price,
                    tax_rate: p.tax_rate,
                    discount: None,
                })
            })
            .collect::<Result<_>>()?;
        let t = crate::totals::compute(&currency, store.settings().tax_mode, &inputs, None)?;
        due += t.total;
        let tenders = match rng.random_range(0..10) {
            0..=5 => vec![Tender {
                method: TenderMethod::Card,
                amount: due,
                reference: Some(format!("T{:08}", rng.random_range(0..100_000_000u32))),
            }],
            6..=8 => {
                // Cash, rounded up to the next 5 or 10.
                let step = if due > Decimal::from(10) {
                    Decimal::from(10)
                } else {
                    Decimal::from(5)
                };
                let paid = (due / step).ceil() * step;
                vec![Tender {
                    method: TenderMethod::Cash,
                    amount: currency.round(paid),
                    reference: None,
                }]
            }
            _ => {
                let cash = currency.round((due / Decimal::from(2)).floor());
                let card = currency.round(due - cash);
                let mut t = vec![Tender {
                    method: TenderMethod::Card,
                    amount: card,
                    reference: Some("SPLIT".into()),
                }];
                if cash > Decimal::ZERO {
                    t.insert(
                        0,
                        Tender {
                            method: TenderMethod::Cash,
                            amount: cash,
                            reference: None,
                        },
                    );
                }
                t
            }
        };
        let receipt = store.sell(SaleRequest {
            key: None,
            lines,
            order_discount: None,
            tenders,
            customer_id: None,
            referral_code: None,
        })?;
        summary.orders += 1;
        summary.items += receipt.lines.iter().map(|l| l.qty).sum::<i64>();
        summary.revenue = currency.round(summary.revenue + receipt.total);
    }
    Ok(summary)
}
