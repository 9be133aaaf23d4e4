//! Lines on paper: the one layout both the text form and the ESC/POS bytes
//! are written from, so they cannot disagree.

use crate::doc::{Align, Block, Doc, Size, Width};

/// One printed line, or a thing printed between lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// Characters already wrapped and aligned (leading spaces, never trailing
    /// ones); at most `width.chars_at(size)` of them.
    Text {
        text: String,
        bold: bool,
        size: Size,
    },
    Barcode128(&'a str),
    Ean13(&'a str),
    Qr(&'a str),
    Raster {
        width_px: u16,
        height_px: u16,
        bits: &'a [u8],
    },
    Cut,
    DrawerKick,
}

/// The plain text of `doc` as printed at `width`, one `\n` after each line.
/// A barcode or QR code shows as its data, centred; an image as `[logo]`.
/// A double-size line is written with the characters it prints (half as many
/// fit; each takes two columns on paper). Cut and drawer kick print nothing.
/// Characters outside the printer's code page are kept here; the bytes carry
/// `?` for them.
pub fn to_text(doc: &Doc, width: Width) -> String {
    let mut out = String::new();
    for line in layout(doc, width) {
        let text = match line {
            Line::Text { text, .. } => text,
            Line::Barcode128(data) | Line::Ean13(data) | Line::Qr(data) => {
                // Data wider than the paper wraps, so no text line is longer than the width.
                for part in wrap(&clean(data), width.chars()) {
                    out.push_str(&align(&part, width.chars(), Align::Center));
                    out.push('\n');
                }
                continue;
            }
            Line::Raster { .. } => align("[logo]", width.chars(), Align::Center),
            Line::Cut | Line::DrawerKick => continue,
        };
        out.push_str(&text);
        out.push('\n');
    }
    out
}

pub(crate) fn layout(doc: &Doc, width: Width) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Text {
                text,
                align: a,
                bold,
                size,
            } => {
                let n = width.chars_at(*size);
                for part in wrap(&clean(text), n) {
                    lines.push(Line::Text {
                        text: align(&part, n, *a),
                        bold: *bold,
                        size: *size,
                    });
                }
            }
            Block::Columns {
                left,
                right,
                bold,
                size,
            } => {
                for text in columns(&clean(left), &clean(right), width.chars_at(*size)) {
                    lines.push(Line::Text {
                        text,
                        bold: *bold,
                        size: *size,
                    });
                }
            }
            Block::Rule => lines.push(plain("-".repeat(width.chars()))),
            Block::Feed(n) => {
                for _ in 0..*n {
                    lines.push(plain(String::new()));
                }
            }
            Block::Barcode128(data) => lines.push(Line::Barcode128(data)),
            Block::Ean13(data) => lines.push(Line::Ean13(data)),
            Block::Qr(data) => lines.push(Line::Qr(data)),
            Block::Raster {
                width_px,
                height_px,
                bits,
            } => lines.push(Line::Raster {
                width_px: *width_px,
                height_px: *height_px,
                bits,
            }),
            Block::Cut => lines.push(Line::Cut),
            Block::DrawerKick => lines.push(Line::DrawerKick),
        }
    }
    lines
}

fn plain(text: String) -> Line<'static> {
    Line::Text {
        text,
        bold: false,
        size: Size::Normal,
    }
}

/// Word separators. Only ASCII ones: a no-break space keeps its words together.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Separators become spaces and other control characters `?`: in ESC/POS a
/// control byte is a command, so text from a product name must never carry one.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_separator(c) {
                ' '
            } else if c.is_control() {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// Greedy word wrap at `n` characters; a word longer than `n` is split. Always
/// at least one line (an empty text is an empty line).
pub(crate) fn wrap(text: &str, n: usize) -> Vec<String> {
    let n = n.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut len = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut chars: Vec<char> = word.chars().collect();
        if len > 0 && len + 1 + chars.len() <= n {
            current.push(' ');
            current.extend(&chars);
            len += 1 + chars.len();
            continue;
        }
        if len > 0 {
            lines.push(std::mem::take(&mut current));
        }
        while chars.len() > n {
            let rest = chars.split_off(n);
            lines.push(chars.into_iter().collect());
            chars = rest;
        }
        current.extend(&chars);
        len = chars.len();
    }
    if len > 0 || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// Pads on the left to place `line` (at most `n` characters) in a line of `n`.
pub(crate) fn align(line: &str, n: usize, align: Align) -> String {
    let len = line.chars().count();
    if len == 0 {
        return String::new(); // an empty line stays empty: no trailing spaces
    }
    let pad = match align {
        Align::Left => 0,
        Align::Right => n.saturating_sub(len),
        Align::Center => n.saturating_sub(len) / 2,
    };
    let mut out = " ".repeat(pad);
    out.push_str(line);
    out
}

/// The label's first line with the amount at the right edge, the rest of the
/// label below it. An amount too wide to leave room for a label gets lines of
/// its own, right-aligned, after the label.
fn columns(left: &str, right: &str, n: usize) -> Vec<String> {
    let right = right
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let r = right.chars().count();
    if r == 0 {
        return wrap(left, n);
    }
    if r + 2 > n {
        // Only the ASCII separators are blank: `trim` would also drop a
        // no-break space, which prints.
        let mut lines: Vec<String> = if left.split(' ').all(str::is_empty) {
            Vec::new()
        } else {
            wrap(left, n)
        };
        lines.extend(wrap(&right, n).iter().map(|l| align(l, n, Align::Right)));
        return lines;
    }
    let room = n - r - 1;
    let mut lines = wrap(left, room);
    let first = &lines[0];
    let gap = n - r - first.chars().count();
    lines[0] = format!("{first}{}{right}", " ".repeat(gap));
    lines
}
