//! PDF: report tables on A4, for the back office's exports.
//!
//! Each table is a title, a line under it (the period), a header row and
//! its rows, and an optional totals row in bold. Everything is set in
//! Courier, as receipts are: every glyph is as wide as the next, so columns
//! line up and numbers align right exactly, and the text stays real text a
//! reader can select and `pdftotext` extracts. A table too wide for a
//! portrait page turns the document to landscape; one too wide even then
//! is set smaller. Rows that overflow a page go on to the next, under the
//! header row again; every page is numbered "Page N of M".

use pdf_writer::Content;

use crate::layout::clean;
use crate::pdf::{show, Writer, A4_HEIGHT, A4_WIDTH, COURIER_ADVANCE};

/// One column of a [`PdfTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfColumn {
    /// The header row's words.
    pub label: String,
    /// A number: aligned right, never shortened.
    pub numeric: bool,
}

/// A table to draw: its cells as text, already formatted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PdfTable {
    pub title: String,
    /// The line under the title: the period and the currency.
    pub subtitle: String,
    pub columns: Vec<PdfColumn>,
    /// One cell a column; a short row is padded with blanks.
    pub rows: Vec<Vec<String>>,
    /// The totals row, set in bold under a rule.
    pub totals: Option<Vec<String>>,
}

/// Text columns wider than this are shortened with "…", so one long name
/// does not squeeze every number.
const TEXT_MOST: usize = 32;
/// Spaces between two columns.
const GAP: usize = 2;
const MARGIN: f32 = 36.0;
const BODY: f32 = 8.5;
const SMALLEST: f32 = 5.0;
const TITLE: f32 = 14.0;
const SUB: f32 = 9.0;
const ROW: f32 = 1.35;

/// The tables as one PDF titled `title`, each after the last.
pub fn tables_pdf(title: &str, tables: &[PdfTable]) -> Vec<u8> {
    let shaped: Vec<Shaped> = tables.iter().map(shape).collect();
    // Landscape when some table does not fit a portrait line at body size.
    let portrait_room = A4_WIDTH - 2.0 * MARGIN;
    let landscape = shaped
        .iter()
        .any(|s| s.chars as f32 * BODY * COURIER_ADVANCE > portrait_room);
    let (width, height) = if landscape {
        (A4_HEIGHT, A4_WIDTH)
    } else {
        (A4_WIDTH, A4_HEIGHT)
    };
    let room = width - 2.0 * MARGIN;
    let bottom = MARGIN + 2.0 * SUB;

    let mut pages: Vec<Content> = vec![Content::new()];
    let mut y = height - MARGIN;
    for (t, s) in tables.iter().zip(&shaped) {
        let size = (room / (s.chars.max(1) as f32 * COURIER_ADVANCE)).clamp(SMALLEST, BODY);
        let line = size * ROW;
        // A table starts on a new page unless its title, header and a few
        // rows fit below the last one.
        let head = TITLE * ROW + SUB * ROW * 2.0 + line * 4.0;
        if y - head < bottom && y < height - MARGIN {
            pages.push(Content::new());
            y = height - MARGIN;
        }
        let c = pages.last_mut().expect("one page at least");
        y -= TITLE;
        show(c, true, TITLE, MARGIN, y, &clean(&t.title));
        y -= SUB * ROW;
        show(c, false, SUB, MARGIN, y, &clean(&t.subtitle));
        y -= SUB * ROW;
        let header = |c: &mut Content, y: &mut f32| {
            *y -= line;
            show(c, true, size, MARGIN, *y, &s.line(&s.header));
            rule(
                c,
                MARGIN,
                *y - 0.35 * size,
                s.chars as f32 * size * COURIER_ADVANCE,
            );
        };
        header(c, &mut y);
        if s.rows.is_empty() {
            y -= line;
            show(c, false, size, MARGIN, y, "No figures in this period.");
        }
        let total_rows = s.rows.len() + usize::from(s.totals.is_some());
        for (i, row) in s.rows.iter().chain(s.totals.iter()).enumerate() {
            let is_total = s.totals.is_some() && i + 1 == total_rows;
            let needs = if is_total { line * 1.4 } else { line };
            if y - needs < bottom {
                pages.push(Content::new());
                y = height - MARGIN;
                let c = pages.last_mut().expect("just pushed");
                y -= SUB;
                show(
                    c,
                    false,
                    SUB,
                    MARGIN,
                    y,
                    &clean(&format!("{} (continued)", t.title)),
                );
                y -= SUB * 0.4;
                header(c, &mut y);
            }
            let c = pages.last_mut().expect("one page at least");
            if is_total {
                y -= line * 0.4;
                rule(
                    c,
                    MARGIN,
                    y + 0.1 * size,
                    s.chars as f32 * size * COURIER_ADVANCE,
                );
            }
            y -= line;
            show(c, is_total, size, MARGIN, y, &s.line(row));
        }
        y -= line * 2.0;
    }

    let count = pages.len();
    let mut w = Writer::new();
    for (n, mut c) in pages.into_iter().enumerate() {
        let number = format!("Page {} of {count}", n + 1);
        let x = width - MARGIN - number.chars().count() as f32 * SUB * COURIER_ADVANCE;
        show(&mut c, false, SUB, x, MARGIN, &number);
        w.page(width, height, c, &[]);
    }
    w.finish(title)
}

/// A table's cells cut to their columns' widths.
struct Shaped {
    widths: Vec<usize>,
    numeric: Vec<bool>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    totals: Option<Vec<String>>,
    /// The width of a whole line, in characters.
    chars: usize,
}

impl Shaped {
    /// One line of the table: each cell padded to its column, numbers right.
    fn line(&self, cells: &[String]) -> String {
        let mut out = String::new();
        for (i, w) in self.widths.iter().enumerate() {
            if i > 0 {
                out.push_str(&" ".repeat(GAP));
            }
            let cell = cells.get(i).map(String::as_str).unwrap_or("");
            let pad = w.saturating_sub(cell.chars().count());
            if self.numeric[i] {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            }
        }
        out.trim_end().to_string()
    }
}

fn shape(t: &PdfTable) -> Shaped {
    let n = t.columns.len();
    let numeric: Vec<bool> = t.columns.iter().map(|c| c.numeric).collect();
    let cut = |cells: &[String]| -> Vec<String> {
        (0..n)
            .map(|i| {
                let text = clean(cells.get(i).map(String::as_str).unwrap_or(""));
                if numeric[i] || text.chars().count() <= TEXT_MOST {
                    text
                } else {
                    let mut kept: String = text.chars().take(TEXT_MOST - 1).collect();
                    kept.push('…');
                    kept
                }
            })
            .collect()
    };
    let header = cut(&t
        .columns
        .iter()
        .map(|c| c.label.clone())
        .collect::<Vec<_>>());
    let rows: Vec<Vec<String>> = t.rows.iter().map(|r| cut(r)).collect();
    let totals = t.totals.as_deref().map(cut);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            std::iter::once(&header)
                .chain(&rows)
                .chain(totals.as_ref())
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let chars = widths.iter().sum::<usize>() + GAP * n.saturating_sub(1);
    Shaped {
        widths,
        numeric,
        header,
        rows,
        totals,
        chars,
    }
}

/// A thin horizontal line from `x`, `len` long, at height `y`.
fn rule(c: &mut Content, x: f32, y: f32, len: f32) {
    c.set_stroke_gray(0.0);
    c.set_line_width(0.5);
    c.move_to(x, y);
    c.line_to(x + len, y);
    c.stroke();
}
