//! The first look at a basket file's bytes, before the parser sees them:
//! [`Guard`] counts physical lines, bounds the length of one basket, and
//! stops at a byte that cannot belong to a basket file. It is what keeps the
//! memory of reading a file bounded: an input with no line break (a binary,
//! `/dev/zero`) is refused after at most one basket's worth of bytes.

use std::io::{self, Read};

use crate::Error;

/// A reader that hands the parser only bytes that can be part of a basket
/// file. At the first bad byte it hands out the good bytes before it and
/// then fails the next read with an I/O error; the parser then asks
/// [`Guard::take_failure`] for the [`Error`] that says what and where. So the
/// parser still reports any error it finds in earlier baskets first: errors
/// come in file order.
pub(crate) struct Guard<R> {
    inner: R,
    max_basket: usize,
    /// The physical line (1-based, counting `\n`) of the next byte.
    line: usize,
    /// Bytes of the current basket so far (line ending excluded).
    basket_len: usize,
    /// Why the input stopped, until the parser takes it.
    failure: Option<Error>,
    /// Once stopped, every later read fails.
    stopped: bool,
}

impl<R: Read> Guard<R> {
    pub(crate) fn new(inner: R, max_basket: usize) -> Self {
        Self {
            inner,
            max_basket,
            line: 1,
            basket_len: 0,
            failure: None,
            stopped: false,
        }
    }

    /// The error that stopped the input, if it was the guard that stopped it
    /// (any other read error is the source's).
    pub(crate) fn take_failure(&mut self) -> Option<Error> {
        self.failure.take()
    }

    /// Scans `bytes`: how many of them are good, and what is wrong with the
    /// first bad one, if any.
    fn scan(&mut self, bytes: &[u8]) -> (usize, Option<Error>) {
        for (i, &byte) in bytes.iter().enumerate() {
            if let Err(why) = self.step(byte) {
                return (i, Some(why));
            }
        }
        (bytes.len(), None)
    }

    fn step(&mut self, byte: u8) -> Result<(), Error> {
        if byte == 0 {
            return Err(Error::BinaryData { line: self.line });
        }
        if byte == b'\n' {
            self.basket_len = 0;
            self.line += 1;
            return Ok(());
        }
        self.basket_len += 1;
        if self.basket_len > self.max_basket {
            return Err(Error::BasketTooLong {
                line: self.line,
                limit: self.max_basket,
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
        let n = self.inner.read(buf)?;
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
