//! Which bundles a cart gets: a pure function of the lines and the bundles
//! on offer, shared by the open cart, the sale commit and the benchmark.
//!
//! Rules:
//! * each unit in the cart counts towards at most one bundle;
//! * a line the cashier discounted by hand is left out (no discount on a
//!   discount);
//! * when a product sits in the cart at several prices (one line at a flash
//!   price, another not), a bundle takes its dearest units first — the
//!   customer's best;
//! * among all the ways to apply the bundles, the one with the largest total
//!   discount wins.
//!
//! The search is exact for the carts a shop sees: bundles that share no
//! product are solved separately, and within a group a depth-first search
//! with a bound visits combinations from the greediest down. A group with an
//! absurd number of overlapping bundles stops after `NODE_BUDGET` steps with
//! the best combination found so far (greedy first, so never worse than
//! greedy).

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{allocate, Currency};

/// What a bundle gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum BundleOffer {
    /// Percent off the items' unit prices, 0 < p <= 100.
    PercentOff(Decimal),
    /// A fixed price for one set of the items.
    Price(Decimal),
}

/// A bundle as the pricing needs it.
#[derive(Debug, Clone)]
pub struct BundleDef {
    pub id: i64,
    pub name: String,
    /// (product id, quantity per set); product ids are distinct.
    pub items: Vec<(i64, i64)>,
    pub offer: BundleOffer,
}

/// A cart line as the pricing needs it.
#[derive(Debug, Clone)]
pub struct BundleLine {
    pub product_id: i64,
    pub qty: i64,
    pub unit_price: Decimal,
    /// False for lines with a manual discount.
    pub eligible: bool,
}

/// A bundle the cart got, for the receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AppliedBundle {
    pub bundle_id: i64,
    pub name: String,
    /// How many sets of the bundle.
    pub times: i64,
    /// The whole discount of those sets.
    pub discount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BundlePricing {
    /// Per input line: its share of the bundle discounts (zero when none).
    pub line_discounts: Vec<Decimal>,
    /// In bundle id order.
    pub applied: Vec<AppliedBundle>,
}

/// Steps the search may take per group of overlapping bundles.
const NODE_BUDGET: usize = 2_000;

/// The eligible units of one product, dearest first: (unit price, line, count).
struct Pool {
    segments: Vec<(Decimal, usize, i64)>,
    total: i64,
}

impl Pool {
    /// Prices of the `n` units after the first `used`, dearest first, as
    /// (price, line, count) runs.
    fn take(&self, mut used: i64, mut n: i64, out: &mut Vec<(Decimal, usize, i64)>) {
        for &(price, line, count) in &self.segments {
            if n == 0 {
                break;
            }
            if used >= count {
                used -= count;
                continue;
            }
            let k = (count - used).min(n);
            out.push((price, line, k));
            n -= k;
            used = 0;
        }
    }
}

/// A bundle that the cart could get at least once, with its items mapped to
/// pool indices.
struct Candidate<'a> {
    def: &'a BundleDef,
    items: Vec<(usize, i64)>,
    /// The discount of one set from the dearest units: no later set of this
    /// bundle can give more.
    best_set: Decimal,
    max_times: i64,
}

fn set_discount(
    currency: &Currency,
    offer: &BundleOffer,
    units: &[(Decimal, usize, i64)],
) -> Decimal {
    let gross: Decimal = units.iter().map(|(p, _, k)| *p * Decimal::from(*k)).sum();
    match offer {
        BundleOffer::PercentOff(p) => currency.round(gross * *p / Decimal::ONE_HUNDRED),
        BundleOffer::Price(price) => (currency.round(gross) - *price).max(Decimal::ZERO),
    }
}

struct Search<'a, 'b> {
    currency: &'a Currency,
    pools: &'a [Pool],
    cands: &'b [Candidate<'a>],
    /// Optimistic discount of candidates i.. (sum of max_times x best_set).
    suffix: Vec<Decimal>,
    /// The pools this group uses.
    group_pools: Vec<usize>,
    /// `unit_bound[i][k]`: the most any unit of `group_pools[k]` can earn in
    /// a set of candidates i.. (a set's best discount over its units). Kept
    /// as f64 with a safety margin: it only decides what to skip, and only
    /// ever overestimates.
    unit_bound: Vec<Vec<f64>>,
    used: Vec<i64>,
    choice: Vec<i64>,
    best: Decimal,
    best_choice: Vec<i64>,
    nodes: usize,
    scratch: Vec<(Decimal, usize, i64)>,
}

impl Search<'_, '_> {
    /// The discount of one more set of candidate `c` from the units left,
    /// or None when the units are not there.
    fn one_set(&mut self, c: usize) -> Option<Decimal> {
        let cand = &self.cands[c];
        self.scratch.clear();
        for &(pool, qty) in &cand.items {
            if self.pools[pool].total - self.used[pool] < qty {
                return None;
            }
            self.pools[pool].take(self.used[pool], qty, &mut self.scratch);
        }
        Some(set_discount(self.currency, &cand.def.offer, &self.scratch))
    }

    fn use_sets(&mut self, c: usize, times: i64, sign: i64) {
        for &(pool, qty) in &self.cands[c].items {
            self.used[pool] += sign * qty * times;
        }
    }

    fn dfs(&mut self, i: usize, acc: Decimal) {
        self.nodes += 1;
        if acc > self.best {
            self.best = acc;
            self.best_choice.clone_from(&self.choice);
        }
        if i == self.cands.len() || self.nodes > NODE_BUDGET {
            return;
        }
        if acc + self.suffix[i] <= self.best {
            return;
        }
        // Units left, each at the most it could earn from here on.
        let room: f64 = self
            .group_pools
            .iter()
            .zip(&self.unit_bound[i])
            .map(|(&p, r)| (self.pools[p].total - self.used[p]) as f64 * r)
            .sum();
        let gap = f64::try_from(self.best - acc).unwrap_or(f64::MAX);
        if room * (1.0 + 1e-9) + 1e-9 < gap {
            return;
        }
        // Take as many sets as fit and pay off, then back off one at a time.
        let mut gains = Vec::new();
        let mut total = Decimal::ZERO;
        while (gains.len() as i64) < self.cands[i].max_times {
            match self.one_set(i) {
                Some(d) if d > Decimal::ZERO => {
                    total += d;
                    gains.push(total);
                    self.use_sets(i, 1, 1);
                }
                _ => break,
            }
        }
        let mut times = gains.len() as i64;
        loop {
            self.choice[i] = times;
            let gain = if times == 0 {
                Decimal::ZERO
            } else {
                gains[times as usize - 1]
            };
            self.dfs(i + 1, acc + gain);
            if times == 0 || self.nodes > NODE_BUDGET {
                break;
            }
            self.use_sets(i, 1, -1);
            times -= 1;
        }
        self.use_sets(i, times, -1);
        self.choice[i] = 0;
    }
}

/// The bundles `lines` get, and each line's share of their discount.
pub fn best(currency: &Currency, lines: &[BundleLine], bundles: &[BundleDef]) -> BundlePricing {
    let mut out = BundlePricing {
        line_discounts: vec![Decimal::ZERO; lines.len()],
        applied: Vec::new(),
    };
    if bundles.is_empty() || lines.is_empty() {
        return out;
    }
    // Pools of eligible units per product.
    let mut pool_of: HashMap<i64, usize> = HashMap::with_capacity(lines.len());
    let mut pools: Vec<Pool> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if !l.eligible || l.qty <= 0 {
            continue;
        }
        let p = *pool_of.entry(l.product_id).or_insert_with(|| {
            pools.push(Pool {
                segments: Vec::new(),
                total: 0,
            });
            pools.len() - 1
        });
        pools[p].segments.push((l.unit_price, i, l.qty));
        pools[p].total += l.qty;
    }
    for p in &mut pools {
        // Dearest first; the earlier line first among equal prices.
        p.segments.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    }

    // Bundles the cart holds at least one set of.
    let mut scratch = Vec::new();
    let mut cands: Vec<Candidate> = Vec::new();
    'bundles: for def in bundles {
        if def.items.is_empty() {
            continue;
        }
        let mut items = Vec::with_capacity(def.items.len());
        let mut max_times = i64::MAX;
        for &(product, qty) in &def.items {
            let Some(&p) = pool_of.get(&product) else {
                continue 'bundles;
            };
            if qty <= 0 || pools[p].total < qty {
                continue 'bundles;
            }
            max_times = max_times.min(pools[p].total / qty);
            items.push((p, qty));
        }
        scratch.clear();
        for &(p, qty) in &items {
            pools[p].take(0, qty, &mut scratch);
        }
        let best_set = set_discount(currency, &def.offer, &scratch);
        if best_set > Decimal::ZERO {
            cands.push(Candidate {
                def,
                items,
                best_set,
                max_times,
            });
        }
    }
    if cands.is_empty() {
        return out;
    }

    // Groups of bundles that share products (union-find over pools).
    let mut parent: Vec<usize> = (0..pools.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for c in &cands {
        let first = find(&mut parent, c.items[0].0);
        for &(p, _) in &c.items[1..] {
            let r = find(&mut parent, p);
            parent[r] = first;
        }
    }
    let mut groups: HashMap<usize, Vec<Candidate>> = HashMap::new();
    let mut order: Vec<usize> = Vec::new();
    for c in cands {
        let root = find(&mut parent, c.items[0].0);
        let g = groups.entry(root).or_default();
        if g.is_empty() {
            order.push(root);
        }
        g.push(c);
    }

    let mut applied: Vec<AppliedBundle> = Vec::new();
    for root in order {
        let mut group = groups.remove(&root).unwrap_or_default();
        // Most generous sets per unit first (units are what bundles compete
        // for), so the first combination tried is the greedy one and the
        // bounds prune early.
        let per_unit = |c: &Candidate| {
            let units: i64 = c.items.iter().map(|(_, q)| q).sum();
            c.best_set / Decimal::from(units.max(1))
        };
        group.sort_by(|a, b| {
            per_unit(b)
                .cmp(&per_unit(a))
                .then(b.best_set.cmp(&a.best_set))
                .then(a.def.id.cmp(&b.def.id))
        });
        let mut suffix = vec![Decimal::ZERO; group.len() + 1];
        for i in (0..group.len()).rev() {
            suffix[i] = suffix[i + 1] + group[i].best_set * Decimal::from(group[i].max_times);
        }
        let mut group_pools: Vec<usize> = group
            .iter()
            .flat_map(|c| c.items.iter().map(|(p, _)| *p))
            .collect();
        group_pools.sort_unstable();
        group_pools.dedup();
        let mut unit_bound = vec![vec![0f64; group_pools.len()]; group.len() + 1];
        for i in (0..group.len()).rev() {
            unit_bound[i] = unit_bound[i + 1].clone();
            let r = f64::try_from(per_unit(&group[i])).unwrap_or(f64::MAX) * (1.0 + 1e-9);
            for (p, _) in &group[i].items {
                if let Ok(k) = group_pools.binary_search(p) {
                    unit_bound[i][k] = unit_bound[i][k].max(r);
                }
            }
        }
        let mut s = Search {
            currency,
            pools: &pools,
            cands: &group,
            suffix,
            group_pools,
            unit_bound,
            used: vec![0; pools.len()],
            choice: vec![0; group.len()],
            best: Decimal::ZERO,
            best_choice: vec![0; group.len()],
            nodes: 0,
            scratch: Vec::new(),
        };
        s.dfs(0, Decimal::ZERO);
        let chosen = std::mem::take(&mut s.best_choice);

        // Replay the winning combination in the same order to find which
        // units each set took, and spread each set's discount over them.
        let mut used = vec![0i64; pools.len()];
        for (cand, &times) in group.iter().zip(&chosen) {
            let mut total = Decimal::ZERO;
            for _ in 0..times {
                let mut units = Vec::new();
                for &(p, qty) in &cand.items {
                    pools[p].take(used[p], qty, &mut units);
                    used[p] += qty;
                }
                let d = set_discount(currency, &cand.def.offer, &units);
                let weights: Vec<Decimal> = units
                    .iter()
                    .map(|(p, _, k)| *p * Decimal::from(*k))
                    .collect();
                for ((_, line, _), share) in units.iter().zip(allocate(currency, d, &weights)) {
                    out.line_discounts[*line] += share;
                }
                total += d;
            }
            if times > 0 {
                applied.push(AppliedBundle {
                    bundle_id: cand.def.id,
                    name: cand.def.name.clone(),
                    times,
                    discount: currency.round(total),
                });
            }
        }
    }
    applied.sort_by_key(|a| a.bundle_id);
    out.applied = applied;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn eur() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    fn line(product_id: i64, qty: i64, price: Decimal) -> BundleLine {
        BundleLine {
            product_id,
            qty,
            unit_price: price,
            eligible: true,
        }
    }

    fn bundle(id: i64, items: &[(i64, i64)], offer: BundleOffer) -> BundleDef {
        BundleDef {
            id,
            name: format!("B{id}"),
            items: items.to_vec(),
            offer,
        }
    }

    #[test]
    fn percent_off_a_pair() {
        let r = best(
            &eur(),
            &[line(1, 1, dec!(3.00)), line(2, 1, dec!(2.00))],
            &[bundle(
                7,
                &[(1, 1), (2, 1)],
                BundleOffer::PercentOff(dec!(10)),
            )],
        );
        assert_eq!(r.applied.len(), 1);
        assert_eq!(r.applied[0].discount, dec!(0.50));
        assert_eq!(r.line_discounts, vec![dec!(0.30), dec!(0.20)]);
    }

    #[test]
    fn each_unit_in_one_bundle_and_the_best_combination_wins() {
        // A+B 10% (0.50) and B+C fixed 4.00 (discount 1.00): B is in both;
        // the customer is better off with B+C.
        let lines = [
            line(1, 1, dec!(3.00)),
            line(2, 1, dec!(2.00)),
            line(3, 1, dec!(3.00)),
        ];
        let bundles = [
            bundle(1, &[(1, 1), (2, 1)], BundleOffer::PercentOff(dec!(10))),
            bundle(2, &[(2, 1), (3, 1)], BundleOffer::Price(dec!(4.00))),
        ];
        let r = best(&eur(), &lines, &bundles);
        assert_eq!(r.applied.len(), 1);
        assert_eq!(r.applied[0].bundle_id, 2);
        assert_eq!(r.line_discounts.iter().sum::<Decimal>(), dec!(1.00));
        assert_eq!(r.line_discounts[0], dec!(0));
    }

    #[test]
    fn greedy_is_not_enough() {
        // One big bundle A+B+C (discount 3.00) against two smaller ones that
        // together give more: A+D (2.00) and B+C (2.00).
        let lines = [
            line(1, 1, dec!(10.00)),
            line(2, 1, dec!(10.00)),
            line(3, 1, dec!(10.00)),
            line(4, 1, dec!(10.00)),
        ];
        let bundles = [
            bundle(
                1,
                &[(1, 1), (2, 1), (3, 1)],
                BundleOffer::PercentOff(dec!(10)),
            ),
            bundle(2, &[(1, 1), (4, 1)], BundleOffer::PercentOff(dec!(10))),
            bundle(3, &[(2, 1), (3, 1)], BundleOffer::PercentOff(dec!(10))),
        ];
        let r = best(&eur(), &lines, &bundles);
        let total: Decimal = r.applied.iter().map(|a| a.discount).sum();
        assert_eq!(total, dec!(4.00));
        assert_eq!(
            r.applied.iter().map(|a| a.bundle_id).collect::<Vec<_>>(),
            vec![2, 3]
        );
    }

    #[test]
    fn sets_repeat_and_leftovers_pay_full_price() {
        let r = best(
            &eur(),
            &[line(1, 5, dec!(1.00)), line(2, 2, dec!(1.00))],
            &[bundle(1, &[(1, 2), (2, 1)], BundleOffer::Price(dec!(2.50)))],
        );
        assert_eq!(r.applied[0].times, 2);
        assert_eq!(r.applied[0].discount, dec!(1.00));
    }

    #[test]
    fn manual_discount_lines_and_missing_items_get_nothing() {
        let mut l = line(2, 1, dec!(2.00));
        l.eligible = false;
        let r = best(
            &eur(),
            &[line(1, 1, dec!(3.00)), l],
            &[bundle(
                1,
                &[(1, 1), (2, 1)],
                BundleOffer::PercentOff(dec!(10)),
            )],
        );
        assert!(r.applied.is_empty());
        assert_eq!(r.line_discounts, vec![dec!(0), dec!(0)]);
    }

    #[test]
    fn a_fixed_price_above_the_items_is_not_applied() {
        let r = best(
            &eur(),
            &[line(1, 1, dec!(1.00)), line(2, 1, dec!(1.00))],
            &[bundle(1, &[(1, 1), (2, 1)], BundleOffer::Price(dec!(2.50)))],
        );
        assert!(r.applied.is_empty());
    }

    #[test]
    fn dearest_units_go_into_the_bundle() {
        // Two lines of product 1: one at a flash price. The bundle takes
        // the full-price unit, where its percentage is worth more.
        let r = best(
            &eur(),
            &[
                line(1, 1, dec!(5.00)),
                line(1, 1, dec!(10.00)),
                line(2, 1, dec!(10.00)),
            ],
            &[bundle(
                1,
                &[(1, 1), (2, 1)],
                BundleOffer::PercentOff(dec!(50)),
            )],
        );
        assert_eq!(r.applied[0].discount, dec!(10.00));
        assert_eq!(r.line_discounts, vec![dec!(0), dec!(5.00), dec!(5.00)]);
    }
}
