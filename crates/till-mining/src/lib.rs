//! Exact frequent-itemset mining (FP-Growth) and association rules: the
//! "bundles learned from real baskets" of Till.
//!
//! * [`Transactions`] holds the baskets once, compactly (item names interned
//!   to `u32` ids, one flat id array). Build it in memory
//!   ([`Transactions::from_baskets`], [`Transactions::push`]) or parse a file
//!   ([`read_file`] with [`Format::Fimi`] or [`Format::Csv`]), which stops
//!   at the first basket over its [`Limits`].
//! * [`Params`] holds the thresholds as exact fractions ([`Ratio`]), parsed
//!   from decimal strings: `"0.005"` is 5/1000, never a float.
//! * [`mine`] returns every frequent itemset and every rule that holds, as a
//!   [`MiningResult`] whose serde form is the JSON the CLI prints.
//!
//! Definitions (all decisions are exact integer arithmetic):
//! * `count(X)` = number of transactions that contain every item of `X`;
//!   `n` = number of transactions (empty in-memory baskets count too).
//! * `X` is frequent iff `count(X) * den >= num * n` for
//!   `min_support = num/den`.
//! * For a frequent `X` with `|X| >= 2`, every split into non-empty
//!   `A ∪ C = X` gives the rule `A -> C`, which holds iff
//!   `count(X) * den >= num * count(A)` for `min_confidence = num/den`.
//! * Reported (not decided) as `f64`: `confidence = count(X) / count(A)` and
//!   `lift = confidence / (count(C) / n)`.
//!
//! Mining runs on the calling thread; a desktop app runs it on a worker
//! thread and passes a progress callback that returns `false` to cancel
//! (see [`mine`] and [`CancelToken`]).

mod error;
mod fpgrowth;
mod guard;
mod hash;
mod limits;
mod ratio;
mod result;
mod rules;
mod transactions;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub use error::Error;
pub use limits::Limits;
pub use ratio::{ParseRatioError, Ratio};
pub use result::{Itemset, MiningResult, Rule};
pub use transactions::{
    parse, parse_csv, parse_fimi, read_csv, read_file, read_fimi, Format, Transactions,
};

/// The thresholds of one mining run, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    min_support: Ratio,
    min_confidence: Ratio,
    max_len: Option<usize>,
}

impl Params {
    /// Parses the thresholds from decimal strings (`"0.005"`, `"1"`, `".5"`,
    /// or an exact fraction `"1/3"`): `min_support` must be in (0, 1],
    /// `min_confidence` in [0, 1]; `max_len`, the largest itemset size, must
    /// be at least 1 (`None`: no limit).
    pub fn parse(
        min_support: &str,
        min_confidence: &str,
        max_len: Option<usize>,
    ) -> Result<Self, Error> {
        let support = min_support
            .parse::<Ratio>()
            .map_err(|_| Error::InvalidMinSupport {
                value: min_support.to_owned(),
            })?;
        let confidence =
            min_confidence
                .parse::<Ratio>()
                .map_err(|_| Error::InvalidMinConfidence {
                    value: min_confidence.to_owned(),
                })?;
        // Report out-of-range values as the caller wrote them.
        Self::new(support, confidence, max_len).map_err(|e| match e {
            Error::InvalidMinSupport { .. } => Error::InvalidMinSupport {
                value: min_support.to_owned(),
            },
            Error::InvalidMinConfidence { .. } => Error::InvalidMinConfidence {
                value: min_confidence.to_owned(),
            },
            other => other,
        })
    }

    /// The same checks as [`Params::parse`], from exact fractions.
    pub fn new(
        min_support: Ratio,
        min_confidence: Ratio,
        max_len: Option<usize>,
    ) -> Result<Self, Error> {
        if min_support.is_zero() || min_support.exceeds_one() {
            return Err(Error::InvalidMinSupport {
                value: min_support.to_string(),
            });
        }
        if min_confidence.exceeds_one() {
            return Err(Error::InvalidMinConfidence {
                value: min_confidence.to_string(),
            });
        }
        if max_len == Some(0) {
            return Err(Error::InvalidMaxLen);
        }
        Ok(Self {
            min_support,
            min_confidence,
            max_len,
        })
    }

    pub fn min_support(&self) -> Ratio {
        self.min_support
    }

    pub fn min_confidence(&self) -> Ratio {
        self.min_confidence
    }

    pub fn max_len(&self) -> Option<usize> {
        self.max_len
    }

    /// The smallest count that is frequent among `transactions`:
    /// `ceil(min_support * transactions)`, at least 1.
    pub fn min_count(&self, transactions: u64) -> u64 {
        self.min_support.ceil_mul(transactions).max(1)
    }
}

/// What a progress callback is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    /// Units of `stage` finished so far.
    pub done: u64,
    /// All units of `stage`.
    pub total: u64,
}

impl Progress {
    /// `done / total` of the current stage, in [0, 1].
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.done as f64 / self.total as f64
        }
    }
}

/// The stages of [`mine`], in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Counting items and building the FP-tree: units are transactions.
    Building,
    /// Mining: units are the items of the top-level FP-tree (the frequent
    /// items), each mined with its conditional trees. By far the longest.
    Itemsets,
    /// Generating rules: units are frequent itemsets.
    Rules,
}

/// A progress callback that never cancels and ignores progress.
pub fn no_progress(_: Progress) -> bool {
    true
}

/// A cancel flag to share between a UI thread and the mining thread:
/// the callback passed to [`mine`] returns `!token.is_cancelled()`.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The most frequent itemsets one run may find, and the most rules: about
/// 200 MB each at worst. Real baskets at useful thresholds find thousands;
/// more means thresholds that make every combination of a few large
/// baskets frequent (2^n of them), which would only exhaust memory.
pub const MAX_ITEMSETS: usize = 5_000_000;
pub const MAX_RULES: usize = 5_000_000;

/// Mines every frequent itemset of `transactions` and every association rule
/// that holds, exactly (see the crate docs for the definitions).
///
/// `progress` is called at the start and end of each [`Stage`], after each
/// unit, and also every few thousand steps inside a unit (possibly with an
/// unchanged value), so it doubles as the cancel check: keep it cheap. When
/// it returns `false`, mining stops promptly and returns
/// [`Error::Cancelled`].
///
/// Errors: [`Error::NoTransactions`] when `transactions` is empty;
/// [`Error::TooManyItemsets`] / [`Error::TooManyRules`] past the caps above.
pub fn mine(
    transactions: &Transactions,
    params: &Params,
    progress: &dyn Fn(Progress) -> bool,
) -> Result<MiningResult, Error> {
    let n = transactions.len() as u64;
    if n == 0 {
        return Err(Error::NoTransactions);
    }
    let mut poll = Poll::new(progress);
    let found = fpgrowth::mine_itemsets(transactions, params, &mut poll)?;
    rules::finish(transactions, params, found, &mut poll)
}

/// Calls the progress callback at most once per `EVERY` ticks, plus at each
/// reported unit; turns a `false` into `Err(Cancelled)`.
pub(crate) struct Poll<'a> {
    callback: &'a dyn Fn(Progress) -> bool,
    current: Progress,
    ticks: u32,
}

impl<'a> Poll<'a> {
    const EVERY: u32 = 4096;

    fn new(callback: &'a dyn Fn(Progress) -> bool) -> Self {
        Self {
            callback,
            current: Progress {
                stage: Stage::Building,
                done: 0,
                total: 0,
            },
            ticks: 0,
        }
    }

    /// Reports `done` of `total` units of `stage`.
    pub(crate) fn report(&mut self, stage: Stage, done: u64, total: u64) -> Result<(), Error> {
        self.current = Progress { stage, done, total };
        self.ticks = 0;
        if (self.callback)(self.current) {
            Ok(())
        } else {
            Err(Error::Cancelled)
        }
    }

    /// One step of work; asks the callback (with the unchanged progress)
    /// every `EVERY` steps.
    #[inline]
    pub(crate) fn tick(&mut self) -> Result<(), Error> {
        self.ticks += 1;
        if self.ticks < Self::EVERY {
            return Ok(());
        }
        self.ticks = 0;
        if (self.callback)(self.current) {
            Ok(())
        } else {
            Err(Error::Cancelled)
        }
    }
}
