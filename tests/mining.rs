//! till-mining: FP-Growth and association rules against a brute-force miner
//! (property tests), exact-threshold ties, real market-basket data
//! (groceries.csv, retail.dat in tests/data), parser errors, progress
//! and cancel.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Cursor;
use std::path::Path;
use std::time::Duration;

use proptest::prelude::*;
use till_mining::{
    mine, no_progress, parse, parse_csv, parse_fimi, read_csv, read_file, read_fimi, CancelToken,
    Error, Format, Itemset, Limits, MiningResult, Params, Progress, Ratio, Rule, Stage,
    Transactions,
};

const GROCERIES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/data/groceries.csv"
);
const RETAIL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/retail.dat");

/// The path of a real data file; fails (never skips) when it is missing.
fn data(path: &'static str) -> &'static str {
    assert!(
        Path::new(path).is_file(),
        "test data {path} is missing (tests/data/README.md says what it is)"
    );
    path
}

fn run(
    transactions: &Transactions,
    support: &str,
    confidence: &str,
    max_len: Option<usize>,
) -> MiningResult {
    let params = Params::parse(support, confidence, max_len).expect("valid params");
    mine(transactions, &params, &no_progress).expect("mining succeeds")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

// ---------------------------------------------------------------------------
// Brute force: every subset of the item universe, counted by scanning.

/// Names chosen so that string order differs from id order, with the
/// awkward characters of real data (trailing space, `/`, parentheses).
const NAMES: [&str; 8] = [
    "milk",
    "bread",
    "10",
    "9",
    "cream cheese ",
    "a/b (x)",
    "Zed",
    "zed",
];

fn brute_force(
    baskets: &[Vec<usize>],
    universe: usize,
    support: Ratio,
    confidence: Ratio,
    max_len: Option<usize>,
) -> MiningResult {
    let n = baskets.len() as u64;
    let masks: Vec<u32> = baskets
        .iter()
        .map(|b| b.iter().fold(0u32, |m, &i| m | 1 << i))
        .collect();
    let full = 1u32 << universe;
    let count = |set: u32| masks.iter().filter(|&&m| m & set == set).count() as u64;
    let counts: Vec<u64> = (0..full).map(count).collect();
    let names = |set: u32| {
        let mut v: Vec<String> = (0..universe)
            .filter(|i| set >> i & 1 == 1)
            .map(|i| NAMES[i].to_owned())
            .collect();
        v.sort();
        v
    };
    // Written out independently of Ratio's helpers.
    let meets = |ratio: Ratio, part: u64, whole: u64| {
        u128::from(part) * u128::from(ratio.denom())
            >= u128::from(ratio.numer()) * u128::from(whole)
    };
    let frequent = |set: u32| {
        set != 0
            && max_len.is_none_or(|m| set.count_ones() as usize <= m)
            && meets(support, counts[set as usize], n)
    };
    let mut itemsets = Vec::new();
    let mut rules = Vec::new();
    for set in (1..full).filter(|&s| frequent(s)) {
        let c = counts[set as usize];
        itemsets.push(Itemset {
            items: names(set),
            count: c,
        });
        if set.count_ones() < 2 {
            continue;
        }
        // Non-empty proper submasks.
        let mut a = (set - 1) & set;
        while a != 0 {
            let cons = set ^ a;
            let ca = counts[a as usize];
            if meets(confidence, c, ca) {
                let cc = counts[cons as usize];
                rules.push(Rule {
                    antecedent: names(a),
                    consequent: names(cons),
                    support_count: c,
                    confidence: c as f64 / ca as f64,
                    lift: c as f64 * n as f64 / (ca as f64 * cc as f64),
                });
            }
            a = (a - 1) & set;
        }
    }
    itemsets.sort_by(|x, y| (x.items.len(), &x.items).cmp(&(y.items.len(), &y.items)));
    rules.sort_by(|x, y| {
        (
            x.antecedent.len(),
            &x.antecedent,
            x.consequent.len(),
            &x.consequent,
        )
            .cmp(&(
                y.antecedent.len(),
                &y.antecedent,
                y.consequent.len(),
                &y.consequent,
            ))
    });
    MiningResult {
        transactions: n,
        itemsets,
        rules,
    }
}

fn assert_same(actual: &MiningResult, expected: &MiningResult) {
    assert_eq!(actual.transactions, expected.transactions);
    assert_eq!(actual.itemsets, expected.itemsets, "itemsets differ");
    let keys = |r: &MiningResult| {
        r.rules
            .iter()
            .map(|x| (x.antecedent.clone(), x.consequent.clone(), x.support_count))
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(actual), keys(expected), "rules differ");
    for (a, e) in actual.rules.iter().zip(&expected.rules) {
        assert!(close(a.confidence, e.confidence), "{a:?} vs {e:?}");
        assert!(close(a.lift, e.lift), "{a:?} vs {e:?}");
    }
}

/// A threshold, as the string handed to `Params::parse`.
fn threshold(zero_ok: bool) -> impl Strategy<Value = String> {
    let low = u64::from(!zero_ok);
    prop_oneof![
        // An exact fraction, e.g. "2/10": ties with small counts are common.
        (1u64..=12)
            .prop_flat_map(move |den| (low..=den, Just(den)))
            .prop_map(|(num, den)| format!("{num}/{den}")),
        // A two-place decimal, e.g. "0.25", "1.00".
        (low..=100).prop_map(|h| format!("{}.{:02}", h / 100, h % 100)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn fp_growth_matches_brute_force(
        (universe, baskets) in (1usize..=8).prop_flat_map(|m| {
            // Items may repeat within a basket (they count once); baskets may be empty.
            (Just(m), prop::collection::vec(prop::collection::vec(0..m, 0..=m + 2), 1..=30))
        }),
        tie in any::<prop::sample::Index>(),
        support in threshold(false),
        use_tie in any::<bool>(),
        confidence in threshold(true),
        max_len in prop::option::of(1usize..=4),
    ) {
        let n = baskets.len();
        // Half the cases use support k/n: an exact tie with count k.
        let support = if use_tie { format!("{}/{}", tie.index(n) + 1, n) } else { support };
        let transactions = Transactions::from_baskets(baskets.iter().map(|b| b.iter().map(|&i| NAMES[i])));
        let params = Params::parse(&support, &confidence, max_len).unwrap();
        let actual = mine(&transactions, &params, &no_progress).unwrap();
        let expected = brute_force(&baskets, universe, params.min_support(), params.min_confidence(), max_len);
        assert_same(&actual, &expected);
    }
}

/// Denser, larger random data than the property test: 12 items, 200 baskets.
#[test]
fn fp_growth_matches_brute_force_on_dense_data() {
    const NAMES12: [&str; 12] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..4 {
        let baskets: Vec<Vec<usize>> = (0..200)
            .map(|_| {
                (0..12)
                    .filter(|&i| next() % 12 < (12 - i as u64).max(3))
                    .collect()
            })
            .collect();
        let transactions =
            Transactions::from_baskets(baskets.iter().map(|b| b.iter().map(|&i| NAMES12[i])));
        let support = ["0.05", "0.1", "0.2", "0.3"][round];
        let actual = run(&transactions, support, "0.6", None);
        // Brute force over 2^12 subsets.
        let masks: Vec<u32> = baskets
            .iter()
            .map(|b| b.iter().fold(0, |m, &i| m | 1 << i))
            .collect();
        let min_count = Params::parse(support, "0", None).unwrap().min_count(200);
        let mut expected = HashMap::new();
        for set in 1u32..1 << 12 {
            let c = masks.iter().filter(|&&m| m & set == set).count() as u64;
            if c >= min_count {
                let mut items: Vec<String> = (0..12)
                    .filter(|i| set >> i & 1 == 1)
                    .map(|i| NAMES12[i].to_owned())
                    .collect();
                items.sort();
                expected.insert(items, c);
            }
        }
        let got: HashMap<Vec<String>, u64> = actual
            .itemsets
            .iter()
            .map(|s| (s.items.clone(), s.count))
            .collect();
        assert_eq!(got, expected, "support {support}");
        assert!(
            expected.keys().any(|k| k.len() >= 5),
            "the data should be dense enough to be interesting"
        );
        check_consistency(&actual, support, "0.6");
    }
}

// ---------------------------------------------------------------------------
// Exact thresholds.

fn baskets(lines: &[&str]) -> Transactions {
    Transactions::from_baskets(lines.iter().map(|l| l.split_whitespace()))
}

#[test]
fn support_tie_is_frequent() {
    // 10 transactions; {a, b} in exactly 2 of them.
    let t = baskets(&["a b", "a b c", "a", "a", "c", "c", "d", "d", "e", "f"]);
    let r = run(&t, "0.2", "0", None);
    assert_eq!(r.count_of(&["a", "b"]), Some(2));
    assert_eq!(r.count_of(&["b"]), Some(2));
    assert_eq!(r.count_of(&["d"]), Some(2));
    assert_eq!(r.count_of(&["e"]), None);
    let r = run(&t, "0.2000000000000000001", "0", None);
    assert_eq!(r.count_of(&["a", "b"]), None);
    assert_eq!(r.count_of(&["a"]), Some(4));
    // The same tie given as a fraction.
    let r = run(&t, "1/5", "0", None);
    assert_eq!(r.count_of(&["a", "b"]), Some(2));
}

#[test]
fn support_tie_that_floats_get_wrong() {
    // 0.07 * 100 is 7.000000000000001 in f64: a float comparison would drop
    // an item found in exactly 7 of 100 transactions.
    assert!(std::hint::black_box(0.07f64) * 100.0 > 7.0);
    let mut lines = vec!["x"; 7];
    lines.extend(["y"; 93]);
    let r = run(&baskets(&lines), "0.07", "0", None);
    assert_eq!(r.count_of(&["x"]), Some(7));
    let r = run(&baskets(&lines[1..]), "0.07", "0", None);
    assert_eq!(r.count_of(&["x"]), None);
}

#[test]
fn confidence_tie_holds() {
    // a in 4 transactions, {a, b} in 2: confidence(a -> b) = 0.5 exactly.
    let t = baskets(&["a b", "a b", "a", "a", "b", "b"]);
    let r = run(&t, "0.1", "0.5", None);
    let rule = r
        .rules
        .iter()
        .find(|x| x.antecedent == ["a"] && x.consequent == ["b"])
        .expect("a -> b holds at 0.5");
    assert_eq!(rule.support_count, 2);
    assert_eq!(rule.confidence, 0.5);
    // lift = 0.5 / (4/6) = 0.75
    assert!(close(rule.lift, 0.75));
    let r = run(&t, "0.1", "0.51", None);
    assert!(!r.rules.iter().any(|x| x.antecedent == ["a"]));

    // 7 of 100 at min_confidence 0.07 (0.07 * 100 > 7 in f64).
    let mut lines = vec!["p q"; 7];
    lines.extend(["p"; 93]);
    let r = run(&baskets(&lines), "0.01", "0.07", None);
    assert!(r
        .rules
        .iter()
        .any(|x| x.antecedent == ["p"] && x.consequent == ["q"] && x.support_count == 7));
    let r = run(&baskets(&lines), "0.01", "0.0701", None);
    assert!(!r.rules.iter().any(|x| x.antecedent == ["p"]));
}

#[test]
fn min_confidence_bounds() {
    let t = baskets(&["a b", "a", "b c"]);
    // 0: every split of every frequent itemset of size >= 2.
    let r = run(&t, "0.3", "0", None);
    assert_eq!(r.itemsets.iter().filter(|s| s.items.len() == 2).count(), 2);
    assert_eq!(r.rules.len(), 4);
    // 1: only rules that always hold: c is always bought with b.
    let r = run(&t, "0.3", "1", None);
    assert_eq!(r.rules.len(), 1);
    assert_eq!(
        (
            r.rules[0].antecedent.as_slice(),
            r.rules[0].consequent.as_slice()
        ),
        (&["c".to_owned()][..], &["b".to_owned()][..])
    );
    let r = run(&baskets(&["a b", "a b", "b"]), "0.5", "1", None);
    assert_eq!(r.rules.len(), 1);
    assert_eq!(
        (
            r.rules[0].antecedent.as_slice(),
            r.rules[0].consequent.as_slice()
        ),
        (&["a".to_owned()][..], &["b".to_owned()][..])
    );
}

#[test]
fn support_one_and_identical_baskets() {
    // Every basket the same: the FP-tree is a single path.
    let t = baskets(&["a b c d"; 5]);
    let r = run(&t, "1", "1", None);
    assert_eq!(r.itemsets.len(), 15);
    assert!(r.itemsets.iter().all(|s| s.count == 5));
    assert_eq!(r.rules.len(), 50); // sum over k of C(4,k) * (2^k - 2)
    let r = run(&t, "1", "1", Some(2));
    assert_eq!(r.itemsets.len(), 10);
    assert_eq!(r.rules.len(), 12);
}

#[test]
fn duplicates_count_once_and_empty_baskets_count() {
    // The shape `Store::basket_transactions` returns, by reference.
    let owned: Vec<Vec<String>> = vec![
        vec!["a".into(), "a".into(), "b".into()],
        vec![],
        vec!["a".into()],
        vec![],
    ];
    let t = Transactions::from_baskets(&owned);
    assert_eq!(t.len(), 4);
    let r = run(&t, "0.5", "0", None);
    assert_eq!(r.transactions, 4);
    assert_eq!(
        r.itemsets,
        vec![Itemset {
            items: vec!["a".into()],
            count: 2
        }]
    );
}

#[test]
fn json_shape() {
    let t = baskets(&["a b", "a b", "a", "c"]);
    let r = run(&t, "0.5", "0.6", None);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "transactions": 4,
            "itemsets": [
                {"items": ["a"], "count": 3},
                {"items": ["b"], "count": 2},
                {"items": ["a", "b"], "count": 2},
            ],
            "rules": [
                {"antecedent": ["a"], "consequent": ["b"], "support_count": 2, "confidence": 2.0 / 3.0, "lift": 8.0 / 6.0},
                {"antecedent": ["b"], "consequent": ["a"], "support_count": 2, "confidence": 1.0, "lift": 8.0 / 6.0},
            ],
        })
    );
    let back: MiningResult = serde_json::from_value(json).unwrap();
    assert_eq!(back, r);
}

// ---------------------------------------------------------------------------
// Internal consistency of a result (used on real data).

fn check_consistency(r: &MiningResult, support: &str, confidence: &str) {
    let params = Params::parse(support, confidence, None).unwrap();
    let min_count = params.min_count(r.transactions);
    let conf = params.min_confidence();

    // Sorted, unique, items sorted within.
    for s in &r.itemsets {
        assert!(s.items.windows(2).all(|w| w[0] < w[1]), "{s:?} not sorted");
        assert!(s.count >= min_count && s.count <= r.transactions, "{s:?}");
    }
    for w in r.itemsets.windows(2) {
        assert!(
            (w[0].items.len(), &w[0].items) < (w[1].items.len(), &w[1].items),
            "itemsets not strictly sorted"
        );
    }
    let counts: HashMap<&[String], u64> = r
        .itemsets
        .iter()
        .map(|s| (s.items.as_slice(), s.count))
        .collect();

    // Downward closure: every (k-1)-subset is frequent with a count >= (so, by induction, every subset).
    for s in r.itemsets.iter().filter(|s| s.items.len() >= 2) {
        for skip in 0..s.items.len() {
            let sub: Vec<String> = s
                .items
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != skip)
                .map(|(_, x)| x.clone())
                .collect();
            let c = counts
                .get(sub.as_slice())
                .unwrap_or_else(|| panic!("{sub:?} missing, subset of {s:?}"));
            assert!(*c >= s.count, "{sub:?} count {c} < {s:?}");
        }
    }

    // Every rule recomputed from the itemset counts.
    let n = r.transactions as f64;
    let mut seen = HashSet::new();
    for rule in &r.rules {
        assert!(!rule.antecedent.is_empty() && !rule.consequent.is_empty());
        assert!(
            rule.antecedent.windows(2).all(|w| w[0] < w[1])
                && rule.consequent.windows(2).all(|w| w[0] < w[1])
        );
        let mut union: Vec<String> = rule
            .antecedent
            .iter()
            .chain(&rule.consequent)
            .cloned()
            .collect();
        union.sort();
        assert!(
            union.windows(2).all(|w| w[0] < w[1]),
            "antecedent and consequent overlap: {rule:?}"
        );
        let c = counts[union.as_slice()];
        let ca = counts[rule.antecedent.as_slice()];
        let cc = counts[rule.consequent.as_slice()];
        assert_eq!(rule.support_count, c);
        assert!(conf.is_met_by(c, ca), "{rule:?}");
        assert!(close(rule.confidence, c as f64 / ca as f64), "{rule:?}");
        assert!(
            close(rule.lift, (c as f64 / ca as f64) / (cc as f64 / n)),
            "{rule:?}"
        );
        assert!(
            seen.insert((rule.antecedent.clone(), rule.consequent.clone())),
            "duplicate {rule:?}"
        );
    }
    for w in r.rules.windows(2) {
        let key = |x: &Rule| {
            (
                x.antecedent.len(),
                x.antecedent.clone(),
                x.consequent.len(),
                x.consequent.clone(),
            )
        };
        assert!(key(&w[0]) < key(&w[1]), "rules not strictly sorted");
    }

    // Completeness: every split that meets min_confidence is a rule.
    let mut expected = 0;
    for s in r.itemsets.iter().filter(|s| s.items.len() >= 2) {
        let k = s.items.len();
        for mask in 1u32..(1 << k) - 1 {
            let a: Vec<String> = (0..k)
                .filter(|i| mask >> i & 1 == 1)
                .map(|i| s.items[i].clone())
                .collect();
            if conf.is_met_by(s.count, counts[a.as_slice()]) {
                expected += 1;
                let c: Vec<String> = (0..k)
                    .filter(|i| mask >> i & 1 == 0)
                    .map(|i| s.items[i].clone())
                    .collect();
                assert!(seen.contains(&(a, c)), "missing rule from {s:?}");
            }
        }
    }
    assert_eq!(expected, r.rules.len());
}

/// Independently of the crate's parser and miner: counts every item, pair
/// and triple of frequent items by scanning `baskets`, and checks that they
/// are exactly the result's itemsets of size 1, 2 and 3.
fn check_small_itemsets_by_scanning(r: &MiningResult, baskets: &[BTreeSet<&str>], min_count: u64) {
    let mut singles: HashMap<&str, u64> = HashMap::new();
    for b in baskets {
        for &i in b {
            *singles.entry(i).or_default() += 1;
        }
    }
    singles.retain(|_, c| *c >= min_count);
    let mut pairs: HashMap<[&str; 2], u64> = HashMap::new();
    let mut triples: HashMap<[&str; 3], u64> = HashMap::new();
    for b in baskets {
        let f: Vec<&str> = b
            .iter()
            .copied()
            .filter(|i| singles.contains_key(i))
            .collect();
        for x in 0..f.len() {
            for y in x + 1..f.len() {
                *pairs.entry([f[x], f[y]]).or_default() += 1;
            }
        }
    }
    pairs.retain(|_, c| *c >= min_count);
    let frequent_pair = |a: &str, b: &str| pairs.contains_key(&[a, b]);
    for b in baskets {
        let f: Vec<&str> = b
            .iter()
            .copied()
            .filter(|i| singles.contains_key(i))
            .collect();
        for x in 0..f.len() {
            for y in x + 1..f.len() {
                if !frequent_pair(f[x], f[y]) {
                    continue;
                }
                for z in y + 1..f.len() {
                    if frequent_pair(f[x], f[z]) && frequent_pair(f[y], f[z]) {
                        *triples.entry([f[x], f[y], f[z]]).or_default() += 1;
                    }
                }
            }
        }
    }
    triples.retain(|_, c| *c >= min_count);

    let of_len = |k: usize| -> HashMap<Vec<String>, u64> {
        r.itemsets
            .iter()
            .filter(|s| s.items.len() == k)
            .map(|s| (s.items.clone(), s.count))
            .collect()
    };
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        of_len(1),
        singles
            .iter()
            .map(|(k, c)| (vec![k.to_string()], *c))
            .collect()
    );
    assert_eq!(
        of_len(2),
        pairs.iter().map(|(k, c)| (owned(k), *c)).collect()
    );
    assert_eq!(
        of_len(3),
        triples.iter().map(|(k, c)| (owned(k), *c)).collect()
    );
}

// ---------------------------------------------------------------------------
// Real data.

#[test]
fn groceries_real_data() {
    let path = data(GROCERIES);
    let t = read_csv(path).unwrap();
    assert_eq!(t.len(), 9_835);
    assert_eq!(t.item_names().len(), 169);
    assert_eq!(t.occurrences(), 43_367);
    // The two names with a trailing space survive verbatim.
    assert!(t.item_id("cream cheese ").is_some());
    assert!(t.item_id("roll products ").is_some());
    assert!(t.item_id("cream cheese").is_none());
    assert!(t.item_id("roll products").is_none());

    let r = run(&t, "0.005", "0.2", None);
    assert_eq!(r.transactions, 9_835);
    assert_eq!(
        Params::parse("0.005", "0", None).unwrap().min_count(9_835),
        50
    );
    assert_eq!(r.count_of(&["whole milk"]), Some(2_513));
    assert_eq!(r.count_of(&["other vegetables"]), Some(1_903));
    assert_eq!(r.count_of(&["rolls/buns"]), Some(1_809));
    assert_eq!(r.count_of(&["soda"]), Some(1_715));
    assert_eq!(r.count_of(&["yogurt"]), Some(1_372));
    assert_eq!(r.count_of(&["whole milk", "other vegetables"]), Some(736));
    assert_eq!(r.count_of(&["cream cheese "]), Some(390));
    assert_eq!(r.count_of(&["roll products "]), Some(101));
    assert!(r.rules.iter().any(|x| x
        .antecedent
        .iter()
        .chain(&x.consequent)
        .any(|i| i == "cream cheese ")));
    assert!(
        r.itemsets.iter().any(|s| s.items.len() == 3),
        "groceries at 0.005 has frequent triples"
    );
    // A real exact tie: 53 of the 265 baskets with other vegetables and
    // sausage have shopping bags, confidence exactly 0.2. (In floats,
    // (53/9835) / (265/9835) is 0.19999999999999998, and mlxtend drops it.)
    assert_eq!(r.count_of(&["other vegetables", "sausage"]), Some(265));
    let tie = r
        .rules
        .iter()
        .find(|x| {
            x.antecedent == ["other vegetables", "sausage"] && x.consequent == ["shopping bags"]
        })
        .expect("the rule at exactly min_confidence holds");
    assert_eq!((tie.support_count, tie.confidence), (53, 0.2));
    check_consistency(&r, "0.005", "0.2");

    let text = std::fs::read_to_string(path).unwrap();
    let raw: Vec<BTreeSet<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    check_small_itemsets_by_scanning(&r, &raw, 50);

    // max_len 2 is the unlimited result cut at size 2.
    let short = run(&t, "0.005", "0.2", Some(2));
    let cut: Vec<Itemset> = r
        .itemsets
        .iter()
        .filter(|s| s.items.len() <= 2)
        .cloned()
        .collect();
    assert_eq!(short.itemsets, cut);
    let cut: Vec<&Rule> = r
        .rules
        .iter()
        .filter(|x| x.antecedent.len() + x.consequent.len() <= 2)
        .collect();
    assert_eq!(short.rules.iter().collect::<Vec<_>>(), cut);
}

#[test]
fn retail_real_data() {
    let path = data(RETAIL);
    let t = read_fimi(path).unwrap();
    assert_eq!(t.len(), 88_162);
    assert_eq!(t.item_names().len(), 16_470);
    assert_eq!(t.occurrences(), 908_576);

    let r = run(&t, "0.002", "0.5", None);
    assert_eq!(r.transactions, 88_162);
    assert_eq!(
        Params::parse("0.002", "0", None).unwrap().min_count(88_162),
        177
    );
    assert_eq!(r.count_of(&["39"]), Some(50_675));
    assert_eq!(r.count_of(&["48"]), Some(42_135));
    assert_eq!(r.count_of(&["38"]), Some(15_596));
    assert_eq!(r.count_of(&["39", "48"]), Some(29_142));
    assert!(r.itemsets.iter().any(|s| s.items.len() >= 4));
    check_consistency(&r, "0.002", "0.5");

    let text = std::fs::read_to_string(path).unwrap();
    let raw: Vec<BTreeSet<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    check_small_itemsets_by_scanning(&r, &raw, 177);
}

// ---------------------------------------------------------------------------
// Parsers and parameters.

fn fimi(text: &str) -> Result<Transactions, Error> {
    parse_fimi(Cursor::new(text.as_bytes().to_vec()))
}

fn csv(bytes: &[u8]) -> Result<Transactions, Error> {
    parse_csv(Cursor::new(bytes.to_vec()))
}

fn names_of(t: &Transactions) -> Vec<Vec<String>> {
    t.iter()
        .map(|b| {
            let mut v: Vec<String> = b
                .iter()
                .map(|&id| t.item_names()[id as usize].clone())
                .collect();
            v.sort();
            v
        })
        .collect()
}

#[test]
fn fimi_parsing() {
    let t = fimi("1 2 3 \n3  4\t5\n2 2 7 \n").unwrap();
    assert_eq!(
        names_of(&t),
        [vec!["1", "2", "3"], vec!["3", "4", "5"], vec!["2", "7"]]
    );
    // No final newline, CRLF.
    let t = fimi("1 2\r\n3").unwrap();
    assert_eq!(names_of(&t), [vec!["1", "2"], vec!["3"]]);

    // Items are opaque tokens: "1", "01" and "001" are three items.
    let t = fimi("1 01 001 1 4194304 12345678\n01 4194304\n").unwrap();
    assert_eq!(
        names_of(&t),
        [
            vec!["001", "01", "1", "12345678", "4194304"],
            vec!["01", "4194304"]
        ]
    );
    assert_eq!(t.item_names().len(), 5);
    for name in ["1", "01", "001", "4194304", "12345678"] {
        assert_eq!(t.item_names()[t.item_id(name).unwrap() as usize], name);
    }
    assert_eq!(t.item_id("2"), None);
    assert_eq!(t.item_id("0001"), None);

    assert!(matches!(
        fimi("1 2\n3\n\n4\n"),
        Err(Error::EmptyLine { line: 3 })
    ));
    assert!(matches!(
        fimi("1 2\n   \n"),
        Err(Error::EmptyLine { line: 2 })
    ));
    assert!(matches!(fimi("\n"), Err(Error::EmptyLine { line: 1 })));
    assert!(matches!(
        fimi("1\n2\n\n"),
        Err(Error::EmptyLine { line: 3 })
    ));
    assert!(matches!(fimi(""), Err(Error::NoTransactions)));
    assert!(matches!(
        parse_fimi(Cursor::new(b"1\n2 \xff\n".to_vec())),
        Err(Error::InvalidUtf8 { line: 2 })
    ));
    assert_eq!(
        fimi("1\n\n").unwrap_err().to_string(),
        "line 2: empty transaction"
    );
}

#[test]
fn csv_parsing() {
    let t = csv(b"whole milk,cream cheese ,a/b (c).d\n roll products \n").unwrap();
    assert_eq!(
        names_of(&t),
        [
            vec!["a/b (c).d", "cream cheese ", "whole milk"],
            vec![" roll products "]
        ]
    );
    // CRLF line endings and a UTF-8 BOM are not part of names; duplicates count once.
    let t = csv(b"\xEF\xBB\xBFx,y\r\ny,y\r\n").unwrap();
    assert_eq!(names_of(&t), [vec!["x", "y"], vec!["y"]]);

    assert!(matches!(
        csv(b"a,b\nc,,d\n"),
        Err(Error::EmptyItem { line: 2 })
    ));
    assert!(matches!(csv(b"a,b,\n"), Err(Error::EmptyItem { line: 1 })));
    assert!(matches!(csv(b"a\n,b\n"), Err(Error::EmptyItem { line: 2 })));
    assert!(matches!(
        csv(b"a\n\nb\n"),
        Err(Error::EmptyLine { line: 2 })
    ));
    assert!(matches!(
        csv(b"a\nb\n\n"),
        Err(Error::EmptyLine { line: 3 })
    ));
    assert!(matches!(csv(b""), Err(Error::NoTransactions)));
    assert!(matches!(
        csv(b"a\n\xc3\x28\n"),
        Err(Error::InvalidUtf8 { line: 2 })
    ));
    assert_eq!(
        csv(b"a\nb,,c").unwrap_err().to_string(),
        "line 2: empty item name"
    );
}

#[test]
fn csv_quoting() {
    // What a spreadsheet writes: quoted names with commas, doubled quotes,
    // line breaks inside quotes.
    let t = csv(b"bread,\"milk, whole\",butter\n\"12\"\" pizza\",\"two\nlines\"\n").unwrap();
    assert_eq!(
        names_of(&t),
        [
            vec!["bread", "butter", "milk, whole"],
            vec!["12\" pizza", "two\nlines"]
        ]
    );
    assert_eq!(t.item_names().len(), 5);
    // A byte-order mark before a quoted name, CRLF endings; names verbatim.
    let t = csv(b"\xEF\xBB\xBF\"a,b\",c \r\n\"a,b\"\r\n").unwrap();
    assert_eq!(names_of(&t), [vec!["a,b", "c "], vec!["a,b"]]);
    // A blank first line after the mark is still a blank line.
    assert!(matches!(
        csv(b"\xEF\xBB\xBF\r\na\r\n"),
        Err(Error::EmptyLine { line: 1 })
    ));
    // Also when the input comes a byte at a time.
    let bytes = b"\xEF\xBB\xBF\"a,b\",c \r\n\"a,b\"\r\n";
    let one = Chunked { bytes, size: 1 };
    let t = parse(one, Format::Csv, &Limits::default()).unwrap();
    assert_eq!(names_of(&t), [vec!["a,b", "c "], vec!["a,b"]]);

    // Line numbers count physical lines: a quoted line break moves later
    // errors down, and CRLF files number like LF files.
    assert!(matches!(
        csv(b"\"a\nb\",c\nd,,e\n"),
        Err(Error::EmptyItem { line: 3 })
    ));
    assert!(matches!(
        csv(b"a\r\nb\r\nc,,d\r\n"),
        Err(Error::EmptyItem { line: 3 })
    ));
    assert!(matches!(
        csv(b"a\r\n\r\nb\r\n"),
        Err(Error::EmptyLine { line: 2 })
    ));
    assert!(matches!(
        csv(b"a\n\"x\ny\",z\n\nc\n"),
        Err(Error::EmptyLine { line: 4 })
    ));
    // An error in a basket spanning lines names the line it starts on.
    assert!(matches!(
        csv(b"a\nb,\"c\nd\",\"\"\n"),
        Err(Error::EmptyItem { line: 2 })
    ));
    assert!(matches!(
        csv(b"a\n\"\xff\",b\n"),
        Err(Error::InvalidUtf8 { line: 2 })
    ));
    // A quote never closed would swallow the rest of the file.
    let e = csv(b"a\nb,\"c\nd\ne\n").unwrap_err();
    assert!(matches!(e, Error::UnclosedQuote { line: 2 }), "{e:?}");
    assert_eq!(e.to_string(), "line 2: a quote opened here is never closed");
    // The first error in the file is the one reported.
    assert!(matches!(
        csv(b"a,,b\n\n\"c\n"),
        Err(Error::EmptyItem { line: 1 })
    ));
}

/// A reader that returns at most `size` bytes per read, as a pipe may.
struct Chunked<'a> {
    bytes: &'a [u8],
    size: usize,
}

impl std::io::Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.size.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

proptest! {
    /// Whatever the CSV parser accepts, it reads exactly as the csv crate
    /// alone does (its own checks only add errors: blank lines, empty
    /// names, unclosed quotes), however the input arrives.
    #[test]
    fn csv_reads_what_the_csv_crate_reads(
        bom in any::<bool>(),
        body in "[ab,\"\r\n]{0,40}",
        size in 1usize..8,
    ) {
        let input = format!("{}{body}", if bom { "\u{feff}" } else { "" });
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input.as_bytes());
        let records: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        let chunked = Chunked { bytes: input.as_bytes(), size };
        let whole = csv(input.as_bytes());
        match parse(chunked, Format::Csv, &Limits::default()) {
            Ok(t) => {
                let expected: Vec<Vec<String>> = records
                    .iter()
                    .map(|r| r.iter().cloned().collect::<BTreeSet<_>>().into_iter().collect())
                    .collect();
                prop_assert_eq!(names_of(&t), expected);
                prop_assert_eq!(names_of(&whole.unwrap()), names_of(&t));
            }
            Err(e) => {
                prop_assert_eq!(format!("{e:?}"), format!("{:?}", whole.unwrap_err()));
                match e {
                    Error::EmptyItem { .. } => {
                        prop_assert!(records.iter().flatten().any(String::is_empty))
                    }
                    Error::EmptyLine { .. } | Error::UnclosedQuote { .. } => {}
                    Error::NoTransactions => prop_assert!(records.is_empty()),
                    e => prop_assert!(false, "{e:?}"),
                }
            }
        }
    }
}

/// A file in a fresh temporary directory.
fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn endless_and_binary_input_fails_fast() {
    const MIB: usize = 1 << 20;
    // /dev/zero never ends and has no line break: refused at its first byte.
    if cfg!(unix) {
        for format in [Format::Fimi, Format::Csv] {
            let e = read_file("/dev/zero", format).unwrap_err();
            assert!(
                matches!(e, Error::BinaryData { line: 1 }),
                "{format}: {e:?}"
            );
            assert_eq!(
                e.to_string(),
                "line 1: a NUL byte: binary data, not a basket file"
            );
        }
    }
    // The same from a file: NUL bytes after good lines.
    let mut zeros = b"1 2\n3\n".to_vec();
    zeros.resize(3 * MIB, 0);
    let (_dir, path) = temp_file("zeros.dat", &zeros);
    assert!(matches!(
        read_fimi(&path),
        Err(Error::BinaryData { line: 3 })
    ));
    // A line without a break: refused once it passes 1 MiB.
    let mut long = b"1 2\n".to_vec();
    long.resize(4 + 3 * MIB, b'7');
    let (_dir, path) = temp_file("long.dat", &long);
    let e = read_fimi(&path).unwrap_err();
    assert!(
        matches!(
            e,
            Error::BasketTooLong {
                line: 2,
                limit: MIB
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "line 2: a basket longer than 1048576 bytes (the limit for one line or CSV record)"
    );
    let (_dir, path) = temp_file("long.csv", &long);
    assert!(matches!(
        read_csv(&path),
        Err(Error::BasketTooLong {
            line: 2,
            limit: MIB
        })
    ));
    // Exactly 1 MiB is a basket.
    let mut limit = vec![b'7'; MIB];
    limit.push(b'\n');
    assert_eq!(fimi(std::str::from_utf8(&limit).unwrap()).unwrap().len(), 1);
    // A quote opened and never closed, over many short lines: the CSV
    // record is what is bounded.
    let mut open = b"a\n\"".to_vec();
    while open.len() < 3 * MIB {
        open.extend_from_slice(b"x\n");
    }
    let (_dir, path) = temp_file("open.csv", &open);
    assert!(matches!(
        read_csv(&path),
        Err(Error::BasketTooLong {
            line: 2,
            limit: MIB
        })
    ));
    // Binary data that is not UTF-8 names its line too.
    let e = fimi_bytes(b"1 2\n3 \xfe\xff\x01\n").unwrap_err();
    assert!(matches!(e, Error::InvalidUtf8 { line: 2 }), "{e:?}");
}

fn fimi_bytes(bytes: &[u8]) -> Result<Transactions, Error> {
    parse_fimi(Cursor::new(bytes.to_vec()))
}

#[test]
fn item_counts_are_capped() {
    let limits = Limits::default();
    assert_eq!(
        (
            limits.basket_bytes,
            limits.basket_items,
            limits.distinct_items,
            limits.occurrences
        ),
        (1 << 20, 10_000, 1_000_000, 50_000_000)
    );
    // Over the default caps: 10,001 items in one basket, 1,000,001 items.
    let wide: Vec<String> = (0..=10_000).map(|i| i.to_string()).collect();
    let e = fimi(&format!("1 2\n{}\n", wide.join(" "))).unwrap_err();
    assert!(
        matches!(
            e,
            Error::TooManyBasketItems {
                line: 2,
                limit: 10_000
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "line 2: more than 10000 distinct items in one basket"
    );
    assert_eq!(fimi(&wide[..10_000].join(" ")).unwrap().len(), 1);
    let many: String = (0..=1_000_000).map(|i| format!("{i}\n")).collect();
    let e = fimi(&many).unwrap_err();
    assert!(
        matches!(
            e,
            Error::TooManyItems {
                line: 1_000_001,
                limit: 1_000_000
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "line 1000001: more than 1000000 distinct items in the file"
    );

    // Each cap, small, in both formats.
    let small = |basket_bytes, basket_items, distinct_items, occurrences| Limits {
        basket_bytes,
        basket_items,
        distinct_items,
        occurrences,
    };
    let both = |text: &str, limits: &Limits| {
        let f = parse(Cursor::new(text.as_bytes().to_vec()), Format::Fimi, limits);
        let c = parse(
            Cursor::new(text.replace(' ', ",").into_bytes()),
            Format::Csv,
            limits,
        );
        (f, c)
    };
    let at = small(8, 3, 4, 5);
    let (f, c) = both("a b c\nd a a\n", &at);
    assert_eq!(f.unwrap().occurrences(), 5);
    assert_eq!(c.unwrap().occurrences(), 5);
    // Duplicates in a basket count once.
    let (f, c) = both("a a a a\n", &small(8, 1, 1, 1));
    assert_eq!((f.unwrap().len(), c.unwrap().len()), (1, 1));
    for (text, line) in [("a b\na b c d\n", 2), ("aaaaa\nb c d e\n", 2)] {
        let (f, c) = both(text, &at);
        for e in [f.unwrap_err(), c.unwrap_err()] {
            assert!(
                matches!(e, Error::TooManyBasketItems { line: l, limit: 3 } if l == line),
                "{e:?}"
            );
        }
    }
    let (f, c) = both("a b\nc d\ne\n", &at);
    for e in [f.unwrap_err(), c.unwrap_err()] {
        assert!(
            matches!(e, Error::TooManyItems { line: 3, limit: 4 }),
            "{e:?}"
        );
    }
    let (f, c) = both("a b\na b\na b\n", &at);
    for e in [f.unwrap_err(), c.unwrap_err()] {
        assert!(
            matches!(e, Error::TooManyOccurrences { line: 3, limit: 5 }),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "line 3: more than 5 items in all baskets together"
        );
    }
    let (f, c) = both("abc de\nabcd efgh\n", &at);
    for e in [f.unwrap_err(), c.unwrap_err()] {
        assert!(
            matches!(e, Error::BasketTooLong { line: 2, limit: 8 }),
            "{e:?}"
        );
    }
    // A CSV record counts its quotes and its quoted line breaks.
    let quoted = parse(
        Cursor::new(b"\"ab\nc\",d\n\"ab\nc\",de\n".to_vec()),
        Format::Csv,
        &at,
    );
    assert!(
        matches!(quoted, Err(Error::BasketTooLong { line: 3, limit: 8 })),
        "{quoted:?}"
    );
}

#[test]
fn unreadable_files() {
    let missing = read_csv("/nonexistent/till-mining/baskets.csv");
    assert!(matches!(missing, Err(Error::Io { .. })));
    assert!(missing
        .unwrap_err()
        .to_string()
        .contains("/nonexistent/till-mining/baskets.csv"));
    // A directory opens but cannot be read.
    assert!(matches!(
        read_fimi(env!("CARGO_MANIFEST_DIR")),
        Err(Error::Io { .. })
    ));
    let dir = std::env::temp_dir().join(format!("till-mining-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.dat");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(read_fimi(&empty), Err(Error::NoTransactions)));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn parameter_errors() {
    let support = |s: &str| Params::parse(s, "0.5", None);
    for bad in [
        "0", "0.0", "1.0001", "2", "-0.1", "abc", "", "5e-3", "1/0", "3/2",
    ] {
        assert!(
            matches!(support(bad), Err(Error::InvalidMinSupport { .. })),
            "{bad:?}"
        );
    }
    for good in ["1", "1.0", "0.0001", ".5", "1/3"] {
        assert!(support(good).is_ok(), "{good:?}");
    }
    let confidence = |s: &str| Params::parse("0.5", s, None);
    for bad in ["1.01", "-0", "x", "", "4/3"] {
        assert!(
            matches!(confidence(bad), Err(Error::InvalidMinConfidence { .. })),
            "{bad:?}"
        );
    }
    for good in ["0", "0.0", "1", "0.5"] {
        assert!(confidence(good).is_ok(), "{good:?}");
    }
    assert!(matches!(
        Params::parse("0.5", "0.5", Some(0)),
        Err(Error::InvalidMaxLen)
    ));
    assert!(Params::parse("0.5", "0.5", Some(1)).is_ok());
    let p = Params::parse("0.005", "0.2", None).unwrap();
    assert_eq!((p.min_support().numer(), p.min_support().denom()), (1, 200));
    assert_eq!(
        Params::parse("1.5", "0", None).unwrap_err().to_string(),
        "invalid min_support \"1.5\": must be a decimal in (0, 1]"
    );
    assert!(matches!(
        mine(
            &Transactions::new(),
            &Params::parse("0.5", "0.5", None).unwrap(),
            &no_progress
        ),
        Err(Error::NoTransactions)
    ));
}

// ---------------------------------------------------------------------------
// Progress and cancel.

#[test]
fn progress_is_reported_in_order() {
    let t = read_csv(data(GROCERIES)).unwrap();
    let params = Params::parse("0.005", "0.2", None).unwrap();
    let seen = std::cell::RefCell::new(Vec::<Progress>::new());
    let r = mine(&t, &params, &|p| {
        seen.borrow_mut().push(p);
        true
    })
    .unwrap();
    let seen = seen.into_inner();
    let stages: Vec<Stage> = seen.iter().map(|p| p.stage).collect();
    let first = |s: Stage| stages.iter().position(|&x| x == s).unwrap();
    let last = |s: Stage| stages.iter().rposition(|&x| x == s).unwrap();
    assert!(
        last(Stage::Building) < first(Stage::Itemsets)
            && last(Stage::Itemsets) < first(Stage::Rules)
    );
    for w in seen.windows(2) {
        if w[0].stage == w[1].stage {
            assert!(w[0].done <= w[1].done && w[0].total == w[1].total, "{w:?}");
        }
    }
    for p in &seen {
        assert!((0.0..=1.0).contains(&p.fraction()));
    }
    let items = seen
        .iter()
        .filter(|p| p.stage == Stage::Itemsets)
        .collect::<Vec<_>>();
    let frequent_items = r.itemsets.iter().filter(|s| s.items.len() == 1).count() as u64;
    assert_eq!(items.last().unwrap().total, frequent_items);
    assert_eq!(items.last().unwrap().done, frequent_items);
    // One report per top-level item, at least.
    assert!(items.len() as u64 > frequent_items);
    let last = seen.last().unwrap();
    assert_eq!((last.stage, last.fraction()), (Stage::Rules, 1.0));
}

#[test]
fn cancel_token_stops_mining() {
    let t = read_csv(data(GROCERIES)).unwrap();
    let params = Params::parse("0.001", "0.1", None).unwrap();
    let token = CancelToken::new();
    token.cancel();
    assert!(matches!(
        mine(&t, &params, &|_| !token.is_cancelled()),
        Err(Error::Cancelled)
    ));

    // Cancelled mid-way, during the mining of one top-level item.
    let calls = std::cell::Cell::new(0);
    let result = mine(&t, &params, &|p| {
        calls.set(calls.get() + 1);
        !(p.stage == Stage::Itemsets && p.done == 3)
    });
    assert!(matches!(result, Err(Error::Cancelled)));
}

#[test]
fn cancel_is_prompt_on_an_explosive_input() {
    // 40 items in every basket: 2^40 - 1 frequent itemsets, which would never
    // finish. A cancel from another thread must stop it at the miner's next
    // look at the token: the progress callback is asked once after the
    // cancel, never again (work counted, not time).
    let items: Vec<String> = (0..40).map(|i| format!("item{i}")).collect();
    let t = Transactions::from_baskets((0..20).map(|_| items.iter()));
    let params = Params::parse("0.5", "0.5", None).unwrap();
    let token = CancelToken::new();
    let asked_after_cancel = std::sync::atomic::AtomicUsize::new(0);
    let result = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            mine(&t, &params, &|_| {
                if token.is_cancelled() {
                    asked_after_cancel.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    false
                } else {
                    true
                }
            })
        });
        std::thread::sleep(Duration::from_millis(50));
        token.cancel();
        worker.join().unwrap()
    });
    assert!(matches!(result, Err(Error::Cancelled)));
    assert_eq!(
        asked_after_cancel.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the miner went on after it was told to stop"
    );
}

#[test]
fn a_combinatorial_explosion_is_refused_not_run_out_of_memory() {
    // 30 items in every basket, all frequent: 2^30 - 1 itemsets. The miner
    // stops at its cap with a message that says what to change.
    let items: Vec<String> = (0..30).map(|i| format!("item{i}")).collect();
    let t = Transactions::from_baskets((0..10).map(|_| items.iter()));
    let all = Params::parse("0.5", "0.5", None).unwrap();
    match mine(&t, &all, &no_progress) {
        Err(e @ Error::TooManyItemsets { .. }) => {
            assert!(e.to_string().contains("max_len"), "{e}")
        }
        other => panic!(
            "expected TooManyItemsets, got {:?}",
            other.map(|r| r.itemsets.len())
        ),
    }
    // The same baskets with small itemsets: 30 + 435 + 4060 of them.
    let small = Params::parse("0.5", "0.5", Some(3)).unwrap();
    assert_eq!(mine(&t, &small, &no_progress).unwrap().itemsets.len(), 4525);
}
