//! What the demo café's customers buy: coffee and a pastry in the morning,
//! a sandwich and a drink at lunch, tea and a scone in the afternoon, now
//! and then a bag of beans. The pairs are strong enough for the miner to
//! find them after a week.

use rand::rngs::StdRng;
use rand::Rng;

use super::calendar::Moment;

fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.random_bool(p)
}

/// One of `options`, by weight.
fn pick(rng: &mut StdRng, options: &[(&'static str, u32)]) -> &'static str {
    let total: u32 = options.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total);
    for (sku, w) in options {
        if n < *w {
            return sku;
        }
        n -= w;
    }
    options[0].0
}

const PASTRIES: &[(&str, u32)] = &[("CROI", 30), ("PAIN", 25), ("MUF", 20), ("BAN", 25)];
const SWEETS: &[(&str, u32)] = &[("MUF", 30), ("BAN", 25), ("COOK", 25), ("CHOC", 20)];
const COLD_DRINKS: &[(&str, u32)] = &[("WAT", 30), ("SPK", 20), ("COLA", 25), ("OJ", 25)];
const TO_TAKE_HOME: &[(&str, u32)] = &[
    ("BEANS-H", 40),
    ("BEANS-E", 20),
    ("CUP-R", 20),
    ("MUG", 10),
    ("NUTS", 10),
];

/// A basket as (SKU, quantity), each SKU once.
pub(crate) fn basket(moment: Moment, rng: &mut StdRng) -> Vec<(&'static str, i64)> {
    let mut items: Vec<(&'static str, i64)> = Vec::new();
    let mut add = |sku: &'static str, qty: i64| match items.iter_mut().find(|(s, _)| *s == sku) {
        Some(line) => line.1 += qty,
        None => items.push((sku, qty)),
    };
    fill(moment, rng, &mut add);
    if items.is_empty() {
        items.push(("ESP", 1));
    }
    items
}

/// Puts a basket's items in through `add`.
fn fill(moment: Moment, rng: &mut StdRng, mut add: impl FnMut(&'static str, i64)) {
    match moment {
        Moment::Morning => {
            if chance(rng, 0.85) {
                let coffee = pick(
                    rng,
                    &[
                        ("CAP", 30),
                        ("LAT", 25),
                        ("FLW", 20),
                        ("ESP", 15),
                        ("CHAI", 5),
                        ("TEA", 5),
                    ],
                );
                add(coffee, if chance(rng, 0.15) { 2 } else { 1 });
                match coffee {
                    "CAP" if chance(rng, 0.55) => add("CROI", 1),
                    "LAT" if chance(rng, 0.45) => add("PAIN", 1),
                    _ if chance(rng, 0.3) => add(pick(rng, PASTRIES), 1),
                    _ => {}
                }
            } else {
                add(pick(rng, PASTRIES), if chance(rng, 0.3) { 2 } else { 1 });
            }
            if chance(rng, 0.12) {
                add("OJ", 1);
            }
        }
        Moment::Lunch => {
            if chance(rng, 0.85) {
                add(
                    pick(rng, &[("SAND-HC", 40), ("SAND-VG", 30), ("SOUP", 30)]),
                    1,
                );
            }
            if chance(rng, 0.6) {
                add(pick(rng, COLD_DRINKS), 1);
            }
            if chance(rng, 0.25) {
                add(pick(rng, &[("COOK", 50), ("CHOC", 30), ("MUF", 20)]), 1);
            }
            if chance(rng, 0.25) {
                add(pick(rng, &[("ESP", 50), ("CAP", 25), ("FLW", 25)]), 1);
            }
        }
        Moment::Afternoon => {
            if chance(rng, 0.3) {
                // A cream tea.
                add("TEA", 1);
                if chance(rng, 0.75) {
                    add("SCONE", 1);
                }
            } else if chance(rng, 0.75) {
                add(
                    pick(
                        rng,
                        &[
                            ("LAT", 30),
                            ("CAP", 25),
                            ("FLW", 20),
                            ("CHAI", 15),
                            ("ESP", 10),
                        ],
                    ),
                    1,
                );
                if chance(rng, 0.45) {
                    add(pick(rng, SWEETS), 1);
                }
            }
            if chance(rng, 0.15) {
                add(pick(rng, &COLD_DRINKS[..3]), 1);
            }
        }
    }
    if chance(rng, 0.08) {
        add(pick(rng, TO_TAKE_HOME), 1);
    }
    if chance(rng, 0.04) {
        add(pick(rng, &[("CHOC", 60), ("NUTS", 40)]), 1);
    }
}
