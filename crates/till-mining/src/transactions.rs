use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::str::FromStr;

use crate::guard::{Guard, Layout};
use crate::hash::FastMap;
use crate::{Error, Limits};

/// A list of transactions (baskets), each a set of distinct items, stored
/// once: item names are interned to dense `u32` ids (in order of first
/// appearance) and all baskets share one flat id array.
#[derive(Debug, Clone, Default)]
pub struct Transactions {
    names: Vec<String>,
    index: FastMap<Box<str>, u32>,
    /// Fast path for names that are canonical decimal numbers below
    /// `NUMERIC_LIMIT` (FIMI ids): `numeric[value]` is `id + 1`, or 0.
    /// Such names never enter `index`.
    numeric: Vec<u32>,
    items: Vec<u32>,
    /// `ends[t]` is one past the last item of transaction `t` in `items`.
    ends: Vec<usize>,
}

impl Transactions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds from in-memory baskets. An item repeated within a basket counts
    /// once; an empty basket is a transaction with no items (it counts in the
    /// number of transactions, so it lowers every support).
    pub fn from_baskets<B, I, S>(baskets: B) -> Self
    where
        B: IntoIterator<Item = I>,
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut transactions = Self::new();
        for basket in baskets {
            transactions.push(basket);
        }
        transactions
    }

    /// Appends one basket (duplicates within it count once).
    ///
    /// # Panics
    /// At 2^32 - 1 transactions or 2^32 - 1 distinct items.
    pub fn push<I, S>(&mut self, basket: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.push_basket(basket);
    }

    /// [`Transactions::push`], returning the number of distinct items in the
    /// basket.
    pub(crate) fn push_basket<I, S>(&mut self, basket: I) -> usize
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        assert!(
            self.ends.len() < u32::MAX as usize,
            "fewer than 2^32 - 1 transactions"
        );
        let start = self.items.len();
        for name in basket {
            let id = self.intern(name.as_ref());
            self.items.push(id);
        }
        let tail = &mut self.items[start..];
        if tail.len() > 1 {
            tail.sort_unstable();
            let mut kept = 1;
            for i in 1..tail.len() {
                if tail[i] != tail[kept - 1] {
                    tail[kept] = tail[i];
                    kept += 1;
                }
            }
            self.items.truncate(start + kept);
        }
        self.ends.push(self.items.len());
        self.items.len() - start
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(value) = numeric_value(name) {
            if let Some(&slot) = self.numeric.get(value) {
                if slot != 0 {
                    return slot - 1;
                }
            }
            let id = self.new_id(name);
            if self.numeric.len() <= value {
                let len = (value + 1).max(self.numeric.len() * 2).min(NUMERIC_LIMIT);
                self.numeric.resize(len, 0);
            }
            self.numeric[value] = id + 1;
            return id;
        }
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = self.new_id(name);
        self.index.insert(name.into(), id);
        id
    }

    fn new_id(&mut self, name: &str) -> u32 {
        let id = u32::try_from(self.names.len())
            .ok()
            .filter(|&id| id < u32::MAX)
            .expect("fewer than 2^32 - 1 distinct items");
        self.names.push(name.to_owned());
        id
    }

    /// Number of transactions.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Distinct item names, indexed by item id.
    pub fn item_names(&self) -> &[String] {
        &self.names
    }

    /// The id of an item name, if it occurs.
    pub fn item_id(&self, name: &str) -> Option<u32> {
        match numeric_value(name) {
            Some(value) => self
                .numeric
                .get(value)
                .filter(|&&slot| slot != 0)
                .map(|slot| slot - 1),
            None => self.index.get(name).copied(),
        }
    }

    /// Each transaction's distinct item ids (sorted by id).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        (0..self.ends.len()).map(move |t| {
            let start = if t == 0 { 0 } else { self.ends[t - 1] };
            &self.items[start..self.ends[t]]
        })
    }

    /// Total item occurrences (after de-duplication within baskets).
    pub fn occurrences(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn flat_items(&self) -> &[u32] {
        &self.items
    }
}

const NUMERIC_LIMIT: usize = 1 << 22;

/// The value of a canonical decimal name (`"0"`, `"17"`; not `"017"`, `"+1"`)
/// below `NUMERIC_LIMIT`: such names and values correspond one to one.
#[inline]
fn numeric_value(name: &str) -> Option<usize> {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > 7 || (bytes[0] == b'0' && bytes.len() > 1) {
        return None;
    }
    let mut value = 0usize;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + usize::from(b - b'0');
    }
    (value < NUMERIC_LIMIT).then_some(value)
}

/// The two input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// FIMI: one transaction per line, items separated by whitespace.
    Fimi,
    /// Basket CSV: one transaction per record, item names separated by
    /// commas, standard CSV quoting (`"milk, whole"`, `"12"" pizza"`, line
    /// breaks inside quotes); names are kept verbatim (spaces included).
    Csv,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fimi" | "dat" => Ok(Self::Fimi),
            "csv" | "basket" => Ok(Self::Csv),
            other => Err(format!(
                "unknown format {other:?} (expected \"fimi\" or \"csv\")"
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fimi => "fimi",
            Self::Csv => "csv",
        })
    }
}

/// Reads a file in the given format, within the default [`Limits`].
pub fn read_file(path: impl AsRef<Path>, format: Format) -> Result<Transactions, Error> {
    let path = path.as_ref();
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    parse(file, format, &Limits::default()).map_err(|e| match e {
        Error::Read { source, .. } => io(source),
        other => other,
    })
}

/// Reads a FIMI file (see [`parse_fimi`]).
pub fn read_fimi(path: impl AsRef<Path>) -> Result<Transactions, Error> {
    read_file(path, Format::Fimi)
}

/// Reads a basket CSV file (see [`parse_csv`]).
pub fn read_csv(path: impl AsRef<Path>) -> Result<Transactions, Error> {
    read_file(path, Format::Csv)
}

/// Parses `format` from a stream, within `limits` (see [`parse_fimi`] and
/// [`parse_csv`]). Beyond the format's own errors: a NUL byte
/// ([`Error::BinaryData`]) and a basket over a limit
/// ([`Error::BasketTooLong`], [`Error::TooManyBasketItems`],
/// [`Error::TooManyItems`], [`Error::TooManyOccurrences`]) stop the reading,
/// so at most one basket beyond what is kept is ever held in memory.
pub fn parse(reader: impl Read, format: Format, limits: &Limits) -> Result<Transactions, Error> {
    match format {
        Format::Fimi => fimi(reader, limits),
        Format::Csv => csv(reader, limits),
    }
}

/// Parses FIMI: one transaction per line, items separated by ASCII
/// whitespace (a trailing space is fine). A line with no item is an error
/// ([`Error::EmptyLine`]), as is an input with no line
/// ([`Error::NoTransactions`]). Within the default [`Limits`] (see
/// [`parse`]).
pub fn parse_fimi(reader: impl BufRead) -> Result<Transactions, Error> {
    parse(reader, Format::Fimi, &Limits::default())
}

/// Parses basket CSV: one transaction per record, no header. Fields follow
/// standard CSV: a field in double quotes may hold commas, line breaks and
/// doubled quotes (`"12"" pizza"` is `12" pizza`); a UTF-8 byte-order mark
/// at the start is dropped. Names are otherwise kept verbatim, spaces
/// included (`cream cheese ,` keeps its trailing space), and records end at
/// `\n`, `\r\n` or `\r`. An empty line ([`Error::EmptyLine`]), an empty name
/// ([`Error::EmptyItem`]: `a,,b`, `,a`, `a,`, `""`) and a quote never closed
/// ([`Error::UnclosedQuote`]) are errors. Line numbers are physical lines:
/// a record's errors name the line it starts on. Within the default
/// [`Limits`] (see [`parse`]).
pub fn parse_csv(reader: impl BufRead) -> Result<Transactions, Error> {
    parse(reader, Format::Csv, &Limits::default())
}

fn fimi(reader: impl Read, limits: &Limits) -> Result<Transactions, Error> {
    let guard = Guard::new(reader, Layout::Lines, limits.basket_bytes);
    let mut reader = BufReader::with_capacity(1 << 16, guard);
    let mut baskets = Baskets::new(limits);
    let mut buf = Vec::with_capacity(256);
    let mut number = 0;
    loop {
        buf.clear();
        let read = match reader.read_until(b'\n', &mut buf) {
            Ok(read) => read,
            Err(source) => {
                return Err(reader.get_mut().take_failure().unwrap_or(Error::Read {
                    line: number + 1,
                    source,
                }))
            }
        };
        if read == 0 {
            break;
        }
        number += 1;
        let mut bytes = buf.as_slice();
        bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let line = std::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8 { line: number })?;
        let mut items = line.split_ascii_whitespace().peekable();
        if items.peek().is_none() {
            return Err(Error::EmptyLine { line: number });
        }
        baskets.push(items, number)?;
    }
    baskets.finish()
}

fn csv(reader: impl Read, limits: &Limits) -> Result<Transactions, Error> {
    let guard = Guard::new(reader, Layout::Csv, limits.basket_bytes);
    // The csv crate's defaults otherwise: `,` and `"`, doubled quotes,
    // no trimming, no comments.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false) // every record is a basket
        .flexible(true) // baskets differ in size
        .buffer_capacity(1 << 16)
        .from_reader(guard);
    let mut baskets = Baskets::new(limits);
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(reader.get_mut(), e)),
        }
        let line = reader.get_mut().next_record_line();
        let items = record
            .iter()
            .map(|field| match std::str::from_utf8(field) {
                Ok("") => Err(Error::EmptyItem { line }),
                Ok(name) => Ok(name),
                Err(_) => Err(Error::InvalidUtf8 { line }),
            })
            .collect::<Result<Vec<&str>, Error>>()?;
        baskets.push(items, line)?;
    }
    baskets.finish()
}

/// What stopped the csv reader: the guard, or the source.
fn csv_error<R: Read>(guard: &mut Guard<R>, e: csv::Error) -> Error {
    if let Some(why) = guard.take_failure() {
        return why;
    }
    let line = guard.line();
    match e.into_kind() {
        csv::ErrorKind::Io(source) => Error::Read { line, source },
        // Reading byte records of any length can fail only on I/O.
        other => Error::Read {
            line,
            source: io::Error::other(format!("{other:?}")),
        },
    }
}

/// Transactions being read, checked against the limits after each basket.
struct Baskets<'a> {
    transactions: Transactions,
    limits: &'a Limits,
}

impl<'a> Baskets<'a> {
    fn new(limits: &'a Limits) -> Self {
        Self {
            transactions: Transactions::new(),
            limits,
        }
    }

    fn push<I, S>(&mut self, basket: I, line: usize) -> Result<(), Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let size = self.transactions.push_basket(basket);
        let limits = self.limits;
        if size > limits.basket_items {
            return Err(Error::TooManyBasketItems {
                line,
                limit: limits.basket_items,
            });
        }
        if self.transactions.item_names().len() > limits.distinct_items {
            return Err(Error::TooManyItems {
                line,
                limit: limits.distinct_items,
            });
        }
        if self.transactions.occurrences() > limits.occurrences {
            return Err(Error::TooManyOccurrences {
                line,
                limit: limits.occurrences,
            });
        }
        Ok(())
    }

    fn finish(self) -> Result<Transactions, Error> {
        if self.transactions.is_empty() {
            return Err(Error::NoTransactions);
        }
        Ok(self.transactions)
    }
}
