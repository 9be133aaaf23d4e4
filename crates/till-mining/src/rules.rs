//! Association rules from the frequent itemsets, and the sorted output.

use crate::fpgrowth::Found;
use crate::hash::FastMap;
use crate::{Error, Itemset, MiningResult, Params, Poll, Rule, Stage, Transactions};

pub(crate) fn finish(
    transactions: &Transactions,
    params: &Params,
    found: Found,
    poll: &mut Poll<'_>,
) -> Result<MiningResult, Error> {
    let n = transactions.len() as u64;
    let names = transactions.item_names();
    let name = |rank: u32| names[found.rank_to_item[rank as usize] as usize].clone();
    let sorted_names = |ranks: &[u32]| {
        let mut items: Vec<String> = ranks.iter().map(|&rank| name(rank)).collect();
        items.sort_unstable();
        items
    };

    // Every frequent itemset's count, keyed by its sorted ranks. Every
    // subset of a frequent itemset is frequent (and no longer than it, so
    // within max_len), hence present.
    let mut count_of: FastMap<&[u32], u64> = FastMap::default();
    count_of.reserve(found.len());
    for k in 0..found.len() {
        count_of.insert(found.itemset(k), found.counts[k]);
    }

    let total = found.len() as u64;
    poll.report(Stage::Rules, 0, total)?;
    let confidence = params.min_confidence();
    let mut rules = Vec::new();
    let mut antecedent = Vec::new();
    let mut consequent = Vec::new();
    for k in 0..found.len() {
        let itemset = found.itemset(k);
        let size = itemset.len();
        if size >= 2 {
            // MAX_ITEMSETS keeps every frequent itemset far below 64 items
            // (one of 23 items alone has 2^23 frequent subsets).
            debug_assert!(size < 64);
            let count = found.counts[k];
            let full = (1u64 << size) - 1;
            for mask in 1..full {
                antecedent.clear();
                consequent.clear();
                for (bit, &rank) in itemset.iter().enumerate() {
                    if mask >> bit & 1 == 1 {
                        antecedent.push(rank);
                    } else {
                        consequent.push(rank);
                    }
                }
                let count_a = count_of[antecedent.as_slice()];
                if confidence.is_met_by(count, count_a) {
                    if rules.len() >= crate::MAX_RULES {
                        return Err(Error::TooManyRules {
                            limit: crate::MAX_RULES,
                        });
                    }
                    let count_c = count_of[consequent.as_slice()];
                    let conf = count as f64 / count_a as f64;
                    let lift = (count as f64 * n as f64) / (count_a as f64 * count_c as f64);
                    rules.push(Rule {
                        antecedent: sorted_names(&antecedent),
                        consequent: sorted_names(&consequent),
                        support_count: count,
                        confidence: conf,
                        lift,
                    });
                }
                poll.tick()?;
            }
        }
        if k % 1024 == 1023 {
            poll.report(Stage::Rules, k as u64 + 1, total)?;
        }
    }
    drop(count_of);

    let mut itemsets: Vec<Itemset> = (0..found.len())
        .map(|k| Itemset {
            items: sorted_names(found.itemset(k)),
            count: found.counts[k],
        })
        .collect();
    itemsets.sort_unstable_by(|a, b| {
        a.items
            .len()
            .cmp(&b.items.len())
            .then_with(|| a.items.cmp(&b.items))
    });
    rules.sort_unstable_by(|a, b| {
        (
            a.antecedent.len(),
            &a.antecedent,
            a.consequent.len(),
            &a.consequent,
        )
            .cmp(&(
                b.antecedent.len(),
                &b.antecedent,
                b.consequent.len(),
                &b.consequent,
            ))
    });
    poll.report(Stage::Rules, total, total)?;
    Ok(MiningResult {
        transactions: n,
        itemsets,
        rules,
    })
}
