//! `till bundles …`: mining baskets for items bought together.

use std::path::Path;

use till_core::{Error, Result, Store};
use till_mining::{mine, no_progress, Format, MiningResult, Params, Transactions};

use crate::cli::BundlesCmd;
use crate::run::Ctx;

/// Mining errors are the user's input (a file, a threshold): exit 2.
fn mining_err(field: &str, e: till_mining::Error) -> Error {
    Error::invalid(field, e.to_string())
}

fn format_of(path: &Path, given: Option<&str>) -> Result<Format> {
    match given {
        Some(f) => f
            .parse::<Format>()
            .map_err(|e| Error::invalid("--format", e)),
        None => match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(Format::Csv),
            Some("dat") | Some("fimi") | Some("txt") => Ok(Format::Fimi),
            _ => Err(Error::invalid(
                "--format",
                "give --format fimi or --format csv for this file",
            )),
        },
    }
}

pub fn run(ctx: &Ctx, store: Option<&mut Store>, cmd: BundlesCmd) -> Result<()> {
    match cmd {
        BundlesCmd::Mine {
            input,
            format,
            min_support,
            min_confidence,
            max_len,
        } => {
            let max_len = max_len
                .map(|m| {
                    m.trim().parse::<usize>().map_err(|_| {
                        Error::invalid("--max-len", format!("{m:?} is not a whole number"))
                    })
                })
                .transpose()?;
            let params = Params::parse(&min_support, &min_confidence, max_len)
                .map_err(|e| mining_err("thresholds", e))?;
            let transactions = match (&input, store) {
                (Some(path), _) => {
                    let fmt = format_of(path, format.as_deref())?;
                    till_mining::read_file(path, fmt).map_err(|e| mining_err("--input", e))?
                }
                (None, Some(store)) => {
                    let baskets = store.basket_transactions()?;
                    if baskets.is_empty() {
                        return Err(Error::Refused(
                            "the store has no completed orders to learn from yet".into(),
                        ));
                    }
                    Transactions::from_baskets(&baskets)
                }
                (None, None) => {
                    return Err(Error::invalid("--input", "give a basket file or a store"))
                }
            };
            let result =
                mine(&transactions, &params, &no_progress).map_err(|e| mining_err("mining", e))?;
            ctx.out(&result, human)
        }
    }
}

fn human(r: &MiningResult) -> String {
    let mut s = format!(
        "{} transactions, {} frequent itemsets, {} rules\n",
        r.transactions,
        r.itemsets.len(),
        r.rules.len()
    );
    let mut rules: Vec<_> = r.rules.iter().collect();
    rules.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then(b.confidence.total_cmp(&a.confidence))
    });
    if !rules.is_empty() {
        s.push_str("strongest rules (by lift):\n");
    }
    for rule in rules.iter().take(15) {
        s.push_str(&format!(
            "  {} -> {}   confidence {:.3}, lift {:.2}, {} baskets\n",
            rule.antecedent.join(" + "),
            rule.consequent.join(" + "),
            rule.confidence,
            rule.lift,
            rule.support_count
        ));
    }
    s
}
