//! A CSV file's bytes as a header and records, by the `csv` crate: quoted
//! fields with commas, doubled quotes and line breaks, CRLF or LF line
//! ends. A UTF-8 byte-order mark is dropped; text that is not UTF-8 is
//! refused, naming its line, rather than guessed at.

use super::{ImportFormat, Issue};
use crate::error::{Error, Result};
use crate::input::Field;

/// One record: the physical line it starts on and its fields, trimmed of
/// nothing (the formats trim what they read).
pub(crate) struct Record {
    pub line: u64,
    pub fields: Vec<String>,
}

pub(crate) struct Table {
    /// The header's names as the file writes them (trimmed).
    pub headers: Vec<String>,
    /// The same, lowercased: what columns are matched by.
    pub keys: Vec<String>,
    pub records: Vec<Record>,
    /// Records with more fields than the header.
    pub errors: Vec<Issue>,
}

impl Table {
    /// The index of the first column named any of `names` (lowercase).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.keys.iter().position(|k| k == n))
    }
}

impl Record {
    /// The field at `col`, trimmed; "" when the column is absent or the
    /// record is short (spreadsheets drop trailing empty fields).
    pub fn get(&self, col: Option<usize>) -> &str {
        col.and_then(|c| self.fields.get(c))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn not_utf8(line: u64) -> Error {
    Error::invalid(
        Field::File,
        format!(
            "line {line} is not UTF-8 text; save the file as UTF-8 (in a spreadsheet: CSV UTF-8) and import it again"
        ),
    )
}

pub(crate) fn read_table(bytes: &[u8]) -> Result<Table> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = loop {
        match records.next() {
            None => {
                return Err(Error::invalid(
                    Field::File,
                    "the file is empty: it has no header line",
                ))
            }
            Some(r) => {
                let r = r.map_err(csv_error)?;
                // Blank lines before the header are skipped by the reader;
                // a header of empty names is no header.
                if r.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                    continue;
                }
                break r;
            }
        }
    };
    let mut lines = Lines {
        bytes,
        at: 0,
        line: 1,
    };
    let header_line = lines.line_of(header.position());
    let headers: Vec<String> = header
        .iter()
        .map(|f| {
            std::str::from_utf8(f)
                .map(|s| s.trim().to_string())
                .map_err(|_| not_utf8(header_line))
        })
        .collect::<Result<_>>()?;
    let keys: Vec<String> = headers.iter().map(|h| h.to_lowercase()).collect();
    for (i, k) in keys.iter().enumerate() {
        if k.is_empty() {
            continue;
        }
        if let Some(j) = keys[..i].iter().position(|o| o == k) {
            return Err(Error::invalid(
                Field::File,
                format!(
                    "the header names column {:?} twice (columns {} and {}); keep one",
                    headers[i],
                    j + 1,
                    i + 1
                ),
            ));
        }
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for r in records {
        let r = r.map_err(csv_error)?;
        let line = lines.line_of(r.position());
        let fields: Vec<String> = r
            .iter()
            .map(|f| {
                std::str::from_utf8(f)
                    .map(str::to_string)
                    .map_err(|_| not_utf8(line))
            })
            .collect::<Result<_>>()?;
        // A row of empty cells: what spreadsheets leave below a table.
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if fields.len() > headers.len()
            && fields[headers.len()..].iter().any(|f| !f.trim().is_empty())
        {
            errors.push(Issue {
                line,
                column: None,
                message: format!(
                    "{} fields, but the header names {} columns; a field with a comma needs quotes",
                    fields.len(),
                    headers.len()
                ),
            });
            continue;
        }
        out.push(Record { line, fields });
    }
    Ok(Table {
        headers,
        keys,
        records: out,
        errors,
    })
}

/// Physical line numbers of records. The csv crate's own count lags one
/// line behind after a CRLF line end (the LF is read with the next
/// record), so lines are counted here from each record's byte offset:
/// LF, CRLF and a lone CR each end a line.
struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl Lines<'_> {
    fn line_of(&mut self, pos: Option<&csv::Position>) -> u64 {
        let Some(pos) = pos else { return self.line };
        let mut target = (pos.byte() as usize).min(self.bytes.len());
        // A record starts after its line end, never on it.
        while target < self.bytes.len() && matches!(self.bytes[target], b'\r' | b'\n') {
            target += 1;
        }
        while self.at < target {
            match self.bytes[self.at] {
                b'\n' => self.line += 1,
                b'\r' if self.bytes.get(self.at + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.at += 1;
        }
        self.line
    }
}

fn csv_error(e: csv::Error) -> Error {
    let at = e
        .position()
        .map(|p| format!("line {}: ", p.line()))
        .unwrap_or_default();
    Error::invalid(Field::File, format!("{at}cannot be read as CSV ({e})"))
}

/// One warning naming the columns the format does not read, if any.
pub(crate) fn unknown_columns(table: &Table, format: ImportFormat) -> Option<Issue> {
    let unknown: Vec<&str> = table
        .headers
        .iter()
        .zip(&table.keys)
        .filter(|(_, k)| {
            !k.is_empty()
                && match format {
                    ImportFormat::Shopify => !super::shopify::known_column(k),
                    ImportFormat::Till => !super::till_csv::known_column(k),
                }
        })
        .map(|(h, _)| h.as_str())
        .collect();
    if unknown.is_empty() {
        return None;
    }
    Some(Issue {
        line: 1,
        column: None,
        message: format!(
            "{} {} not read by Till and left out: {}",
            if unknown.len() == 1 {
                "column"
            } else {
                "columns"
            },
            if unknown.len() == 1 { "is" } else { "are" },
            unknown.join(", ")
        ),
    })
}
