use serde::{Deserialize, Serialize};

/// The outcome of [`crate::mine`]; its serde (JSON) form is what the CLI
/// prints: `{"transactions":N,"itemsets":[..],"rules":[..]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiningResult {
    /// Number of transactions mined (the denominator of every support).
    pub transactions: u64,
    /// Every frequent itemset, sorted by (size, items).
    pub itemsets: Vec<Itemset>,
    /// Every rule that holds, sorted by (antecedent size, antecedent,
    /// consequent size, consequent).
    pub rules: Vec<Rule>,
}

/// A frequent itemset: its items (sorted by string, byte order) and the
/// number of transactions that contain all of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Itemset {
    pub items: Vec<String>,
    pub count: u64,
}

/// An association rule `antecedent -> consequent` (each sorted by string,
/// disjoint, non-empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub antecedent: Vec<String>,
    pub consequent: Vec<String>,
    /// `count(antecedent ∪ consequent)`.
    pub support_count: u64,
    /// `count(antecedent ∪ consequent) / count(antecedent)`.
    pub confidence: f64,
    /// `confidence / support(consequent)`.
    pub lift: f64,
}

impl MiningResult {
    /// The count of a frequent itemset given in any order, if it is frequent.
    pub fn count_of(&self, items: &[&str]) -> Option<u64> {
        let mut wanted: Vec<&str> = items.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let position = self
            .itemsets
            .binary_search_by(|set| {
                set.items.len().cmp(&wanted.len()).then_with(|| {
                    set.items
                        .iter()
                        .map(String::as_str)
                        .cmp(wanted.iter().copied())
                })
            })
            .ok()?;
        Some(self.itemsets[position].count)
    }
}
