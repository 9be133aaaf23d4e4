//! till-mining against the reference, mlxtend (`fpgrowth` + `association_rules`
//! with metric confidence), on the real datasets in `tests/data/`.
//!
//! Itemsets and their counts must be identical. Rules must be identical,
//! except for one kind of difference, explained and checked here: mlxtend
//! decides thresholds in floating point, Till exactly. A rule whose
//! confidence equals the minimum exactly can come out a hair below it in
//! floating point (groceries.csv at 0.005 / 0.2: {other vegetables, sausage}
//! -> {shopping bags} is 53/265 = 0.2 exactly, 0.19999999999999998 in
//! mlxtend), so mlxtend drops it and Till keeps it. Every rule Till has that
//! mlxtend lacks must be such an exact tie; mlxtend may have nothing Till lacks.
//! Confidence and lift are floats on both sides and compared with a tolerance.
//!
//! The Python side runs `tests/support/mlxtend_reference.py` with
//! `$TILL_PYTHON`, else `target/pyvenv/bin/python` (scripts/install.sh makes it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use till_mining::{mine, no_progress, read_file, Format, MiningResult, Params};

fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn data(name: &str) -> PathBuf {
    let p = repo().join("tests/data").join(name);
    assert!(
        p.exists(),
        "missing dataset {} (tests/data/README.md says what it is)",
        p.display()
    );
    p
}

fn python() -> PathBuf {
    std::env::var_os("TILL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/pyvenv/bin/python"))
}

fn reference(file: &PathBuf, format: &str, support: &str, confidence: &str) -> serde_json::Value {
    let py = python();
    assert!(
        py.exists(),
        "no Python with mlxtend at {}: run scripts/install.sh",
        py.display()
    );
    let out = Command::new(&py)
        .arg(repo().join("tests/support/mlxtend_reference.py"))
        .arg(file)
        .args([format, support, confidence])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mlxtend reference failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

type Key = (Vec<String>, Vec<String>);

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn compare(file: &str, format: Format, fmt: &str, support: &str, confidence: &str) {
    let path = data(file);
    let t = read_file(&path, format).unwrap();
    let ours: MiningResult = mine(
        &t,
        &Params::parse(support, confidence, None).unwrap(),
        &no_progress,
    )
    .unwrap();
    let theirs = reference(&path, fmt, support, confidence);
    assert_eq!(theirs["transactions"].as_u64().unwrap(), ours.transactions);

    // Itemsets: identical, with identical counts.
    let our_sets: BTreeMap<Vec<String>, u64> = ours
        .itemsets
        .iter()
        .map(|i| (i.items.clone(), i.count))
        .collect();
    let their_sets: BTreeMap<Vec<String>, u64> = theirs["itemsets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (strings(&i["items"]), i["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        our_sets.len(),
        their_sets.len(),
        "{file}: itemset counts differ"
    );
    assert_eq!(our_sets, their_sets, "{file}: itemsets differ");

    // Rules.
    let our_rules: BTreeMap<Key, &till_mining::Rule> = ours
        .rules
        .iter()
        .map(|r| ((r.antecedent.clone(), r.consequent.clone()), r))
        .collect();
    let their_rules: BTreeMap<Key, &serde_json::Value> = theirs["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| ((strings(&r["antecedent"]), strings(&r["consequent"])), r))
        .collect();
    let only_theirs: BTreeSet<&Key> = their_rules
        .keys()
        .filter(|k| !our_rules.contains_key(*k))
        .collect();
    assert!(
        only_theirs.is_empty(),
        "{file}: mlxtend found rules Till did not: {only_theirs:?}"
    );
    let conf = Params::parse(support, confidence, None).unwrap();
    for (key, r) in &our_rules {
        match their_rules.get(key) {
            Some(t) => {
                assert_eq!(
                    t["support_count"].as_u64().unwrap(),
                    r.support_count,
                    "{key:?}"
                );
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(1.0);
                assert!(
                    close(t["confidence"].as_f64().unwrap(), r.confidence),
                    "{key:?} confidence"
                );
                assert!(close(t["lift"].as_f64().unwrap(), r.lift), "{key:?} lift");
            }
            None => {
                // Only an exact tie may be missing from mlxtend.
                let antecedent: Vec<&str> = key.0.iter().map(String::as_str).collect();
                let count_a = ours.count_of(&antecedent).unwrap();
                let ratio = conf.min_confidence();
                assert!(
                    r.support_count as u128 * ratio.denom() as u128 == count_a as u128 * ratio.numer() as u128,
                    "{file}: Till has {key:?} (confidence {}/{}) that mlxtend lacks, and it is not an exact tie",
                    r.support_count,
                    count_a
                );
                eprintln!(
                    "{file}: exact tie kept by Till, dropped by mlxtend's floats: {key:?} = {}/{}",
                    r.support_count, count_a
                );
            }
        }
    }
}

#[test]
fn groceries_matches_mlxtend() {
    compare("groceries.csv", Format::Csv, "csv", "0.005", "0.2");
}

#[test]
fn retail_matches_mlxtend() {
    compare("retail.dat", Format::Fimi, "fimi", "0.002", "0.5");
}
