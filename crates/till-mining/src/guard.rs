//! The first look at a basket file's bytes, before the parser sees them:
//! [`Guard`] counts physical lines, bounds the length of one basket, and
//! stops at a byte that cannot belong to a basket file. It is what keeps the
//! memory of reading a file bounded: an input with no line break (a binary,
//! `/dev/zero`) is refused after at most one basket's worth of bytes.
//!
//! For basket CSV it also follows the quoting, byte by byte in step with the
//! csv crate's reader (`csv_core`, default dialect), because that reader
//! cannot be asked for three things we need: the physical line a record
//! starts on (its `Position::line` is off after CRLF endings,
//! BurntSushi/rust-csv#395), blank lines (it skips them; here they are an
//! empty basket and an error, as in FIMI), and a quote never closed (it takes
//! the rest of the file as one field). The guard only finds boundaries; the
//! csv reader still decodes every field.

use std::collections::VecDeque;
use std::io::{self, Read};

use crate::Error;

/// How records are delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One basket per line (FIMI).
    Lines,
    /// One basket per CSV record: a line, or more when a quoted field holds
    /// line breaks.
    Csv,
}

/// Where the CSV scan is, mirroring `csv_core`'s reader states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Csv {
    /// Between records: line breaks here are blank lines (or the `\n` of a
    /// `\r\n`).
    RecordStart,
    /// At the start of a field: a `"` opens a quoted field.
    FieldStart,
    /// In an unquoted field: a `"` is a literal character.
    Unquoted,
    /// In a quoted field: only a `"` matters.
    Quoted,
    /// Just after a `"` in a quoted field: `""` is a literal quote, anything
    /// else closes the field.
    QuoteInQuoted,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A reader that hands the parser only bytes that can be part of a basket
/// file. At the first bad byte it hands out the good bytes before it and
/// then fails the next read with an I/O error; the parser then asks
/// [`Guard::take_failure`] for the [`Error`] that says what and where. So the
/// parser still reports any error it finds in earlier baskets first: errors
/// come in file order.
pub(crate) struct Guard<R> {
    inner: R,
    layout: Layout,
    max_basket: usize,
    /// The physical line (1-based, counting `\n`) of the next byte.
    line: usize,
    /// Bytes of the current basket so far (line ending excluded).
    basket_len: usize,
    /// The line the current basket started on.
    basket_line: usize,
    state: Csv,
    prev_cr: bool,
    /// The line of the `"` that opened the current quoted field.
    quote_line: usize,
    /// No byte handed out yet (a CSV byte-order mark can only come first).
    at_start: bool,
    /// CSV: the start lines of the records handed out, oldest first, not yet
    /// claimed by the parser with [`Guard::next_record_line`].
    record_lines: VecDeque<usize>,
    /// Why the input stopped, until the parser takes it.
    failure: Option<Error>,
    /// Once stopped, every later read fails.
    stopped: bool,
}

impl<R: Read> Guard<R> {
    pub(crate) fn new(inner: R, layout: Layout, max_basket: usize) -> Self {
        Self {
            inner,
            layout,
            max_basket,
            line: 1,
            basket_len: 0,
            basket_line: 1,
            state: Csv::RecordStart,
            prev_cr: false,
            quote_line: 1,
            at_start: true,
            record_lines: VecDeque::new(),
            failure: None,
            stopped: false,
        }
    }

    /// The error that stopped the input, if it was the guard that stopped it
    /// (any other read error is the source's).
    pub(crate) fn take_failure(&mut self) -> Option<Error> {
        self.failure.take()
    }

    /// The line of the next byte not yet handed out.
    pub(crate) fn line(&self) -> usize {
        self.line
    }

    /// CSV: the line the next record the parser takes starts on. Records
    /// leave the guard in the order the csv reader returns them.
    pub(crate) fn next_record_line(&mut self) -> usize {
        let line = self.record_lines.pop_front();
        debug_assert!(
            line.is_some(),
            "the csv reader returned a record the guard did not see"
        );
        line.unwrap_or(self.line)
    }

    /// Scans `bytes`: how many of them are good, and what is wrong with the
    /// first bad one, if any.
    fn scan(&mut self, bytes: &[u8]) -> (usize, Option<Error>) {
        let mut start = 0;
        if self.at_start {
            self.at_start = false;
            // csv_core drops a byte-order mark only when its first read
            // holds all of it; this is that first read.
            if self.layout == Layout::Csv && bytes.starts_with(BOM) {
                start = BOM.len();
            }
        }
        for (i, &byte) in bytes.iter().enumerate().skip(start) {
            if let Err(why) = self.step(byte) {
                // A byte-order mark alone is not handed out: csv_core would
                // take the empty rest of its first read for the end.
                return (if i == start { 0 } else { i }, Some(why));
            }
        }
        (bytes.len(), None)
    }

    /// Reads into `buf`. The first read of a CSV input that starts like a
    /// byte-order mark goes on until it holds the mark and more (or the
    /// input ends): csv_core drops the mark only from its first read, and
    /// takes a first read of nothing but the mark for the end of the input.
    fn read_inner(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = self.inner.read(buf)?;
        if !(self.at_start && self.layout == Layout::Csv) {
            return Ok(n);
        }
        while n > 0 && n <= BOM.len() && BOM.starts_with(&buf[..n]) && n < buf.len() {
            match self.inner.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(more) => n += more,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    fn step(&mut self, byte: u8) -> Result<(), Error> {
        if byte == 0 {
            return Err(Error::BinaryData { line: self.line });
        }
        let in_basket = match self.layout {
            Layout::Lines => {
                if self.basket_len == 0 {
                    self.basket_line = self.line;
                }
                byte != b'\n'
            }
            Layout::Csv => self.step_csv(byte)?,
        };
        if in_basket {
            self.basket_len += 1;
            if self.basket_len > self.max_basket {
                return Err(Error::BasketTooLong {
                    line: self.basket_line,
                    limit: self.max_basket,
                });
            }
        } else {
            self.basket_len = 0;
        }
        self.prev_cr = byte == b'\r';
        if byte == b'\n' {
            self.line += 1;
        }
        Ok(())
    }

    /// Advances the CSV scan by one byte; true if the byte belongs to a
    /// record (false: a line ending between records or ending one).
    fn step_csv(&mut self, byte: u8) -> Result<bool, Error> {
        let terminator = byte == b'\n' || byte == b'\r';
        if self.state == Csv::RecordStart {
            if byte == b'\r' || (byte == b'\n' && !self.prev_cr) {
                return Err(Error::EmptyLine { line: self.line });
            }
            if terminator {
                // The `\n` of a `\r\n` that ended the last record.
                return Ok(false);
            }
            self.basket_line = self.line;
            self.record_lines.push_back(self.line);
            self.state = Csv::FieldStart;
        }
        self.state = match (self.state, byte) {
            (Csv::FieldStart, b'"') => {
                self.quote_line = self.line;
                Csv::Quoted
            }
            (Csv::Quoted, b'"') => Csv::QuoteInQuoted,
            (Csv::Quoted, _) => Csv::Quoted,
            (Csv::QuoteInQuoted, b'"') => Csv::Quoted,
            (_, b',') => Csv::FieldStart,
            (_, b'\n' | b'\r') => Csv::RecordStart,
            _ => Csv::Unquoted,
        };
        Ok(self.state != Csv::RecordStart)
    }

    /// At the end of the input: a quoted field still open is an error.
    fn finish(&mut self) -> Result<(), Error> {
        if self.layout == Layout::Csv && self.state == Csv::Quoted {
            return Err(Error::UnclosedQuote {
                line: self.quote_line,
            });
        }
        Ok(())
    }

    fn stop(&mut self, why: Error) -> io::Error {
        self.failure = Some(why);
        self.stopped = true;
        stopped()
    }
}

fn stopped() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "not a basket file")
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stopped {
            return Err(stopped());
        }
        let n = self.read_inner(buf)?;
        if n == 0 {
            return match self.finish() {
                Ok(()) => Ok(0),
                Err(why) => Err(self.stop(why)),
            };
        }
        match self.scan(&buf[..n]) {
            (good, None) => Ok(good),
            // Nothing good before the bad byte: fail now (never Ok(0), which
            // would read as the end of the input).
            (0, Some(why)) => Err(self.stop(why)),
            // Hand out the good bytes; the next read fails.
            (good, Some(why)) => {
                self.stop(why);
                Ok(good)
            }
        }
    }
}
