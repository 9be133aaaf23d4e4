//! The demo's cashier: works out what a basket comes to and how the
//! customer pays, then rings it up through `Store::sell`.

use rand::rngs::StdRng;
use rand::Rng;
use rust_decimal::Decimal;

use crate::checkout::{price_lines, PricedLine, SaleLine, SaleRequest, Tender, TenderMethod};
use crate::error::Result;
use crate::money::Currency;
use crate::orders::Receipt;
use crate::store::Store;

/// What the basket comes to now, priced as `Store::sell` will price it:
/// rules, the customer's member discount, flash sales, then the best
/// bundles. A card can only pay the exact amount, so the cashier needs it.
pub(crate) fn total_due(
    store: &Store,
    lines: &[SaleLine],
    customer_id: Option<&str>,
) -> Result<Decimal> {
    let now = store.now();
    let member =
        crate::memberships::discount_for(&store.conn, &store.settings.time_zone, customer_id, now)?;
    let ctx = store.pricing_context()?.for_member(member);
    let priced = lines
        .iter()
        .map(|l| {
            let product = store.product_by_code(&l.code)?;
            let q = crate::pricing::quote(&ctx, &product, now);
            Ok(PricedLine {
                product,
                qty: l.qty,
                unit_price: q.price,
                trace: Some(crate::pricing::PriceTrace::of(&q)),
                price_note: q.note,
                discount: l.discount.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let bundles = store.live_bundles(now)?;
    Ok(price_lines(&store.settings, &bundles, &priced, None)?
        .totals
        .total)
}

/// How a café's customers pay `due`: mostly card, some cash (a note that
/// covers it), now and then half and half.
pub(crate) fn tenders(rng: &mut StdRng, store: &Store, due: Decimal) -> Vec<Tender> {
    let how = match rng.random_range(0..10) {
        0..=5 => Pay::Card,
        6..=8 => Pay::Cash,
        _ => Pay::Split,
    };
    pay(rng, &store.settings.currency, due, how)
}

/// A way to pay, as the demo's customers choose.
pub(crate) enum Pay {
    /// Card, for the exact amount.
    Card,
    /// Cash, rounded up to the next 5 or 10.
    Cash,
    /// Half in whole cash units, the rest by card.
    Split,
}

/// The tenders that pay `due` the way `how` says.
pub(crate) fn pay(rng: &mut StdRng, currency: &Currency, due: Decimal, how: Pay) -> Vec<Tender> {
    match how {
        Pay::Card => vec![Tender {
            method: TenderMethod::Card,
            amount: due,
            reference: Some(format!("T{:08}", rng.random_range(0..100_000_000u32))),
        }],
        Pay::Cash => {
            let step = if due > Decimal::from(10) {
                Decimal::from(10)
            } else {
                Decimal::from(5)
            };
            let paid = ((due / step).ceil() * step).max(step);
            vec![Tender {
                method: TenderMethod::Cash,
                amount: currency.round(paid),
                reference: None,
            }]
        }
        Pay::Split => {
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
    }
}

/// Rings up `lines` for `customer_id` (with a referral code given at the
/// counter, if any), paid the way `tenders` chooses.
pub(crate) fn ring_up(
    rng: &mut StdRng,
    store: &mut Store,
    lines: Vec<SaleLine>,
    customer_id: Option<&str>,
    referral_code: Option<&str>,
) -> Result<Receipt> {
    let due = total_due(store, &lines, customer_id)?;
    let tenders = tenders(rng, store, due);
    store.sell(SaleRequest {
        key: None,
        lines,
        order_discount: None,
        tenders,
        customer_id: customer_id.map(String::from),
        referral_code: referral_code.map(String::from),
    })
}
