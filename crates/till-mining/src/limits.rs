/// Caps on what a basket file may hold. Reading stops at the first basket
/// over a cap with an error naming its line, so the memory a file takes is
/// bounded by the data actually kept, and a file that is not a basket file
/// (a binary, `/dev/zero`) fails fast instead of filling memory.
///
/// The defaults sit far above real data: retail.dat (FIMI) has 88,162
/// baskets, 16,470 distinct items, baskets of up to 76 items and lines of
/// up to 362 bytes; groceries.csv has 169 items and baskets of up to 32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in one basket: a line (FIMI), or a CSV record, quotes and quoted
    /// line breaks included; the line ending is not counted. Default 1 MiB:
    /// ten thousand items with names of a hundred bytes still fit, and a
    /// reader holds at most this much of an unfinished line.
    pub basket_bytes: usize,
    /// Distinct items in one basket (duplicates count once). Default 10,000.
    pub basket_items: usize,
    /// Distinct items in the whole file. Default 1,000,000, several times
    /// the products of the largest supermarket.
    pub distinct_items: usize,
    /// Item occurrences in all baskets together, which also caps the number
    /// of baskets (each has at least one item). Default 50,000,000, some 55
    /// times retail.dat (908,576) and more than ten years of a busy shop's
    /// orders; the baskets take 4 bytes an item and 8 a basket, so at most
    /// 600 MB at the cap.
    pub occurrences: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            basket_bytes: 1 << 20,
            basket_items: 10_000,
            distinct_items: 1_000_000,
            occurrences: 50_000_000,
        }
    }
}
