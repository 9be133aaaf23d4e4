use std::path::PathBuf;

/// Everything that can go wrong. Line numbers are 1-based.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input has no transaction at all (an empty file or list).
    #[error("no transactions")]
    NoTransactions,
    /// A line holds no item (FIMI: blank or only whitespace; CSV: empty,
    /// outside a quoted field).
    #[error("line {line}: empty transaction")]
    EmptyLine { line: usize },
    /// A CSV record has an empty item name (`a,,b`, a leading or trailing
    /// comma, `""`).
    #[error("line {line}: empty item name")]
    EmptyItem { line: usize },
    /// A line is not valid UTF-8.
    #[error("line {line}: not valid UTF-8")]
    InvalidUtf8 { line: usize },
    /// A NUL byte: the input is binary data (or `/dev/zero`).
    #[error("line {line}: a NUL byte: binary data, not a basket file")]
    BinaryData { line: usize },
    /// A CSV quote that is never closed (it would take the rest of the file
    /// as one item name). `line` is where the quote opens.
    #[error("line {line}: a quote opened here is never closed")]
    UnclosedQuote { line: usize },
    /// A basket (a line, or a CSV record) longer than
    /// [`Limits::basket_bytes`](crate::Limits); `line` is where it starts.
    #[error(
        "line {line}: a basket longer than {limit} bytes (the limit for one line or CSV record)"
    )]
    BasketTooLong { line: usize, limit: usize },
    /// A basket with more distinct items than [`Limits::basket_items`](crate::Limits).
    #[error("line {line}: more than {limit} distinct items in one basket")]
    TooManyBasketItems { line: usize, limit: usize },
    /// More distinct items in the file than [`Limits::distinct_items`](crate::Limits);
    /// `line` is the basket that brought one too many.
    #[error("line {line}: more than {limit} distinct items in the file")]
    TooManyItems { line: usize, limit: usize },
    /// More item occurrences than [`Limits::occurrences`](crate::Limits).
    #[error("line {line}: more than {limit} items in all baskets together")]
    TooManyOccurrences { line: usize, limit: usize },
    /// A file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Reading from a stream failed at this line.
    #[error("line {line}: read error: {source}")]
    Read { line: usize, source: std::io::Error },
    #[error("invalid min_support {value:?}: must be a decimal in (0, 1]")]
    InvalidMinSupport { value: String },
    #[error("invalid min_confidence {value:?}: must be a decimal in [0, 1]")]
    InvalidMinConfidence { value: String },
    #[error("invalid max_len 0: must be at least 1")]
    InvalidMaxLen,
    /// More frequent itemsets than [`MAX_ITEMSETS`](crate::MAX_ITEMSETS):
    /// a few large baskets that are all frequent make 2^n itemsets, which
    /// no memory holds; a higher support or a `max_len` bounds them.
    #[error("more than {limit} frequent itemsets: raise the minimum support or limit the itemset size (max_len)")]
    TooManyItemsets { limit: usize },
    /// More rules than [`MAX_RULES`](crate::MAX_RULES).
    #[error("more than {limit} rules: raise the minimum confidence or support, or limit the itemset size (max_len)")]
    TooManyRules { limit: usize },
    /// The progress callback asked to stop.
    #[error("mining cancelled")]
    Cancelled,
}
