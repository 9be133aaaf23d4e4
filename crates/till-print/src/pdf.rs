//! PDF: a receipt on an 80 mm roll or on A4, and an A4 sheet of product
//! labels.
//!
//! A receipt is drawn from the same layout as the text form and the ESC/POS
//! bytes (`layout`), line for line, in Courier (one of PDF's standard
//! fonts, so nothing is embedded) with the WinAnsi encoding: the euro sign
//! and accented letters are real text a reader can select, search and copy;
//! a character WinAnsi lacks becomes `?`, as on the printer. Barcodes and
//! QR codes are drawn as filled rectangles (vectors, sharp at any zoom),
//! the logo as a 1-bit image mask.

use std::fmt;
use std::str::FromStr;

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::doc::{valid_ean13, Doc, Label, LabelCode, Size, Width};
use crate::escpos::{check_raster, EncodeError, QR_MAX};
use crate::layout::{clean, layout, wrap, Line};

/// The paper a PDF receipt is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PdfPaper {
    /// An 80 mm roll: one page as tall as the receipt.
    Roll80,
    /// A4 pages, the receipt in a centred column, a new page when it is long.
    A4,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("paper {given:?} is not one Till makes PDFs for: use 80mm or a4")]
pub struct PaperError {
    pub given: String,
}

impl PdfPaper {
    pub const ALL: [PdfPaper; 2] = [PdfPaper::Roll80, PdfPaper::A4];

    /// Characters per line of the receipt on this paper: the 80 mm roll's
    /// 42, on A4 too, so a PDF reads as the printed receipt.
    pub fn width(self) -> Width {
        Width::W42
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PdfPaper::Roll80 => "80mm",
            PdfPaper::A4 => "a4",
        }
    }

    fn geometry(self) -> Geometry {
        match self {
            // 72 mm printed in the middle of 80 mm, as a thermal head does.
            PdfPaper::Roll80 => Geometry {
                page_width: mm(80.0),
                column: mm(72.0),
                margin: mm(4.0),
                // PDF readers refuse pages taller than 200 inches; a longer
                // receipt goes on to a second page of the roll.
                max_height: 14_400.0,
            },
            PdfPaper::A4 => Geometry {
                page_width: A4_WIDTH,
                column: mm(106.0),
                margin: mm(20.0),
                max_height: A4_HEIGHT,
            },
        }
    }
}

impl fmt::Display for PdfPaper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PdfPaper {
    type Err = PaperError;
    fn from_str(s: &str) -> Result<PdfPaper, PaperError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "80mm" | "80" | "roll" => Ok(PdfPaper::Roll80),
            "a4" => Ok(PdfPaper::A4),
            _ => Err(PaperError {
                given: s.to_string(),
            }),
        }
    }
}

pub(crate) const A4_WIDTH: f32 = 595.276;
pub(crate) const A4_HEIGHT: f32 = 841.89;
/// Courier's advance is 600/1000 of the font size for every glyph.
pub(crate) const COURIER_ADVANCE: f32 = 0.6;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.2;

fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

struct Geometry {
    page_width: f32,
    /// Width of the printed column (the 42 characters).
    column: f32,
    /// Top and bottom margin; the column is centred across the page.
    margin: f32,
    /// The tallest page.
    max_height: f32,
}

/// The `doc` as a PDF for `paper`: the lines `to_text` gives at
/// `paper.width()`, with bold and double size, barcodes, QR codes and the
/// logo. A barcode, QR code or image the printer would refuse is refused
/// here too, with the same error.
pub fn to_pdf(doc: &Doc, paper: PdfPaper) -> Result<Vec<u8>, EncodeError> {
    let width = paper.width();
    let g = paper.geometry();
    let font = g.column / (width.chars() as f32 * COURIER_ADVANCE);
    let line = font * LEADING;
    let x0 = (g.page_width - g.column) / 2.0;
    // Dots of the printer's head in points, so an image or a code is as wide
    // against the text as it prints.
    let dot = g.column / f32::from(width.dots());

    let mut items = Vec::new();
    for l in layout(doc, width) {
        let item = match l {
            Line::Text { text, bold, size } => {
                let scale = match size {
                    Size::Normal => 1.0,
                    Size::Double => 2.0,
                };
                Item::Text {
                    text,
                    bold,
                    size: font * scale,
                    height: line * scale,
                }
            }
            Line::Barcode128(data) => {
                let modules = code128_modules(data, width)?;
                Item::Bars {
                    module: bar_module(modules.len(), g.column, width, data)?,
                    modules,
                    bar_height: mm(10.0),
                    caption: wrap(&clean(data), width.chars()),
                    caption_size: font,
                }
            }
            Line::Ean13(data) => {
                let modules = ean13_modules(data)?;
                Item::Bars {
                    module: bar_module(modules.len(), g.column, width, data)?,
                    modules,
                    bar_height: mm(10.0),
                    caption: wrap(&clean(data), width.chars()),
                    caption_size: font,
                }
            }
            Line::Qr(data) => {
                let (side, dark) = qr_modules(data)?;
                // The quiet zone is 4 modules each side; up to 6 dots a module,
                // as on the printer.
                let module = (g.column / (side + 8) as f32).min(6.0 * dot);
                Item::Qr {
                    side,
                    dark,
                    module,
                    caption: wrap(&clean(data), width.chars()),
                    caption_size: font,
                }
            }
            Line::Raster {
                width_px,
                height_px,
                bits,
            } => {
                check_raster(width, width_px, height_px, bits)?;
                Item::Image {
                    width_px,
                    height_px,
                    bits: bits.to_vec(),
                    dot,
                }
            }
            Line::Cut | Line::DrawerKick => continue,
        };
        items.push(item);
    }

    // Pages: items top to bottom, a new page when the next does not fit.
    let mut pages: Vec<Vec<&Item>> = vec![Vec::new()];
    let mut used = 0.0;
    let room = g.max_height - 2.0 * g.margin;
    for item in &items {
        let h = item.height();
        if used + h > room && !pages.last().is_some_and(Vec::is_empty) {
            pages.push(Vec::new());
            used = 0.0;
        }
        used += h;
        if let Some(page) = pages.last_mut() {
            page.push(item);
        }
    }

    let mut w = Writer::new();
    let images: Vec<&Item> = items
        .iter()
        .filter(|i| matches!(i, Item::Image { .. }))
        .collect();
    let image_refs: Vec<Ref> = images.iter().map(|_| w.next()).collect();
    for (item, id) in images.iter().zip(&image_refs) {
        if let Item::Image {
            width_px,
            height_px,
            bits,
            ..
        } = item
        {
            let mut x = w.pdf.image_xobject(*id, bits);
            x.width(i32::from(*width_px));
            x.height(i32::from(*height_px));
            // A stencil: the 1 bits are painted black, the rest left as
            // paper. `decode` flips PDF's sense (0 paints) to ours (1 = black).
            x.image_mask(true);
            x.bits_per_component(1);
            x.decode([1.0, 0.0]);
        }
    }
    let mut image_no = 0usize;
    for page in pages {
        let height = match paper {
            PdfPaper::A4 => A4_HEIGHT,
            PdfPaper::Roll80 => page.iter().map(|i| i.height()).sum::<f32>() + 2.0 * g.margin,
        };
        let mut c = Content::new();
        let mut top = height - g.margin;
        let mut page_images = Vec::new();
        for item in page {
            let h = item.height();
            match item {
                Item::Text {
                    text, bold, size, ..
                } => {
                    // The baseline leaves room for descenders below it.
                    show(
                        &mut c,
                        *bold,
                        *size,
                        x0,
                        top - h + (h - size) / 2.0 + 0.25 * size,
                        text,
                    );
                }
                Item::Bars {
                    modules,
                    module,
                    bar_height,
                    caption,
                    caption_size,
                } => {
                    let total = modules.len() as f32 * module;
                    let left = x0 + (g.column - total) / 2.0;
                    bars(
                        &mut c,
                        modules,
                        left,
                        top - bar_height,
                        *module,
                        *bar_height,
                    );
                    caption_line(&mut c, x0, g.column, top - h, *caption_size, caption);
                }
                Item::Qr {
                    side,
                    dark,
                    module,
                    caption,
                    caption_size,
                } => {
                    let total = (*side + 8) as f32 * module;
                    let left = x0 + (g.column - total) / 2.0 + 4.0 * module;
                    let qtop = top - 4.0 * module;
                    c.set_fill_gray(0.0);
                    for y in 0..*side {
                        for x in 0..*side {
                            if dark[y * side + x] {
                                c.rect(
                                    left + x as f32 * module,
                                    qtop - (y + 1) as f32 * module,
                                    *module,
                                    *module,
                                );
                            }
                        }
                    }
                    c.fill_nonzero();
                    caption_line(&mut c, x0, g.column, top - h, *caption_size, caption);
                }
                Item::Image {
                    width_px,
                    height_px,
                    dot,
                    ..
                } => {
                    let iw = f32::from(*width_px) * dot;
                    let ih = f32::from(*height_px) * dot;
                    let name = format!("Im{image_no}");
                    page_images.push((name.clone(), image_refs[image_no]));
                    image_no += 1;
                    c.save_state();
                    c.set_fill_gray(0.0);
                    c.transform([iw, 0.0, 0.0, ih, x0 + (g.column - iw) / 2.0, top - ih]);
                    c.x_object(Name(name.as_bytes()));
                    c.restore_state();
                }
            }
            top -= h;
        }
        w.page(g.page_width, height, c, &page_images);
    }
    Ok(w.finish("Receipt"))
}

/// What one laid-out line becomes on the page.
enum Item {
    Text {
        text: String,
        bold: bool,
        size: f32,
        height: f32,
    },
    Bars {
        modules: Vec<u8>,
        module: f32,
        bar_height: f32,
        /// The data as the text form shows it: centred, wrapped at the width.
        caption: Vec<String>,
        caption_size: f32,
    },
    /// With its data as text under it, as the text form shows it.
    Qr {
        side: usize,
        dark: Vec<bool>,
        module: f32,
        /// The data as the text form shows it: centred, wrapped at the width.
        caption: Vec<String>,
        caption_size: f32,
    },
    Image {
        width_px: u16,
        height_px: u16,
        bits: Vec<u8>,
        dot: f32,
    },
}

impl Item {
    fn height(&self) -> f32 {
        match self {
            Item::Text { height, .. } => *height,
            Item::Bars {
                bar_height,
                caption,
                caption_size,
                ..
            } => bar_height + caption_size * (0.5 + LEADING * caption.len() as f32),
            Item::Qr {
                side,
                module,
                caption,
                caption_size,
                ..
            } => (*side + 8) as f32 * module + caption_size * LEADING * caption.len() as f32,
            Item::Image { height_px, dot, .. } => f32::from(*height_px) * dot,
        }
    }
}

/// The module width of a barcode in the column: as wide as fits, up to
/// 0.5 mm; narrower than 0.15 mm no scanner reads, so such a code is refused
/// as too wide for the paper.
fn bar_module(modules: usize, column: f32, width: Width, data: &str) -> Result<f32, EncodeError> {
    let module = (column / modules as f32).min(mm(0.5));
    if module < mm(0.15) {
        let len = data.chars().count();
        return Err(EncodeError::BarcodeTooWide {
            len,
            width,
            // A Code 128 symbol is 11 modules a character, 35 for the start
            // code, check character and stop code, 20 of quiet zone.
            most: ((column / mm(0.15)) as usize).saturating_sub(55) / 11,
        });
    }
    Ok(module)
}

/// The bars of a Code 128 (set B) symbol with its quiet zones, 1 = bar.
fn code128_modules(data: &str, width: Width) -> Result<Vec<u8>, EncodeError> {
    if data.is_empty() {
        return Err(EncodeError::BarcodeEmpty);
    }
    if let Some(bad) = data.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(EncodeError::BarcodeChar {
            data: data.to_string(),
            bad,
        });
    }
    let code = barcoders::sym::code128::Code128::new(format!("\u{0181}{data}")).map_err(|_| {
        EncodeError::BarcodeTooWide {
            len: data.chars().count(),
            width,
            most: 0,
        }
    })?;
    Ok(quiet(code.encode(), 10))
}

/// The bars of an EAN-13 symbol with its quiet zones (11 and 7 modules).
fn ean13_modules(data: &str) -> Result<Vec<u8>, EncodeError> {
    let invalid = || EncodeError::Ean13 {
        data: data.to_string(),
    };
    if !valid_ean13(data) {
        return Err(invalid());
    }
    let code = barcoders::sym::ean13::EAN13::new(data).map_err(|_| invalid())?;
    let mut m = vec![0; 11];
    m.extend(code.encode());
    m.extend([0; 7]);
    Ok(m)
}

fn quiet(bars: Vec<u8>, n: usize) -> Vec<u8> {
    let mut m = vec![0; n];
    m.extend(bars);
    m.extend(std::iter::repeat_n(0, n));
    m
}

/// A QR code's side in modules and its dark modules, row by row.
fn qr_modules(data: &str) -> Result<(usize, Vec<bool>), EncodeError> {
    let bytes = data.as_bytes();
    if bytes.is_empty() {
        return Err(EncodeError::QrEmpty);
    }
    if bytes.len() > QR_MAX {
        return Err(EncodeError::QrTooLong { len: bytes.len() });
    }
    let code = qrcode::QrCode::with_error_correction_level(bytes, qrcode::EcLevel::M)
        .map_err(|_| EncodeError::QrTooLong { len: bytes.len() })?;
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok((code.width(), dark))
}

/// Runs of bars as rectangles from `left`, `bottom` up.
fn bars(c: &mut Content, modules: &[u8], left: f32, bottom: f32, module: f32, height: f32) {
    c.set_fill_gray(0.0);
    let mut i = 0;
    while i < modules.len() {
        if modules[i] == 1 {
            let start = i;
            while i < modules.len() && modules[i] == 1 {
                i += 1;
            }
            c.rect(
                left + start as f32 * module,
                bottom,
                (i - start) as f32 * module,
                height,
            );
        } else {
            i += 1;
        }
    }
    c.fill_nonzero();
}

/// A code's data centred in the column, already wrapped, its last line's
/// bottom at `bottom`.
fn caption_line(c: &mut Content, x0: f32, column: f32, bottom: f32, size: f32, lines: &[String]) {
    let n = lines.len();
    for (i, part) in lines.iter().enumerate() {
        let chars = part.chars().count() as f32;
        let x = x0 + ((column - chars * size * COURIER_ADVANCE) / 2.0).max(0.0);
        let y = bottom + 0.3 * size + (n - 1 - i) as f32 * size * LEADING;
        show(c, false, size, x, y, part);
    }
}

/// One line of text with its left end at `x` and its baseline at `y`.
pub(crate) fn show(c: &mut Content, bold: bool, size: f32, x: f32, y: f32, text: &str) {
    if text.is_empty() {
        return;
    }
    let font = if bold { BOLD } else { REGULAR };
    c.begin_text();
    c.set_fill_gray(0.0);
    c.set_font(Name(font), size);
    c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
    c.show(Str(&win_ansi(text)));
    c.end_text();
}

const REGULAR: &[u8] = b"F1";
const BOLD: &[u8] = b"F2";

/// `text` in WinAnsi (Windows-1252), the standard fonts' encoding: ASCII
/// and Latin-1 as they are, the euro sign, dashes, quotes and a few letters
/// in 0x80 to 0x9F; anything else `?`, as the printer prints it.
pub(crate) fn win_ansi(text: &str) -> Vec<u8> {
    text.chars().map(win_ansi_byte).collect()
}

fn win_ansi_byte(c: char) -> u8 {
    const HIGH: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8A),
        ('‹', 0x8B),
        ('Œ', 0x8C),
        ('Ž', 0x8E),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9A),
        ('›', 0x9B),
        ('œ', 0x9C),
        ('ž', 0x9E),
        ('Ÿ', 0x9F),
    ];
    match u32::from(c) {
        0x20..=0x7E | 0xA0..=0xFF => c as u8,
        _ => HIGH.iter().find(|(h, _)| *h == c).map_or(b'?', |(_, b)| *b),
    }
}

/// The objects every PDF here shares: the catalog, the page tree, the two
/// fonts; pages are added as they are drawn.
pub(crate) struct Writer {
    pdf: Pdf,
    next: i32,
    catalog: Ref,
    tree: Ref,
    regular: Ref,
    bold: Ref,
    pages: Vec<Ref>,
}

impl Writer {
    pub(crate) fn new() -> Writer {
        let mut w = Writer {
            pdf: Pdf::new(),
            next: 1,
            catalog: Ref::new(1),
            tree: Ref::new(1),
            regular: Ref::new(1),
            bold: Ref::new(1),
            pages: Vec::new(),
        };
        w.catalog = w.next();
        w.tree = w.next();
        w.regular = w.next();
        w.bold = w.next();
        w.pdf.catalog(w.catalog).pages(w.tree);
        for (id, name) in [(w.regular, "Courier"), (w.bold, "Courier-Bold")] {
            w.pdf
                .type1_font(id)
                .base_font(Name(name.as_bytes()))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        w
    }

    fn next(&mut self) -> Ref {
        let r = Ref::new(self.next);
        self.next += 1;
        r
    }

    pub(crate) fn page(
        &mut self,
        width: f32,
        height: f32,
        content: Content,
        images: &[(String, Ref)],
    ) {
        let page_id = self.next();
        let content_id = self.next();
        let mut page = self.pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, width, height));
        page.parent(self.tree);
        page.contents(content_id);
        {
            let mut res = page.resources();
            res.fonts()
                .pair(Name(REGULAR), self.regular)
                .pair(Name(BOLD), self.bold);
            if !images.is_empty() {
                let mut x = res.x_objects();
                for (name, id) in images {
                    x.pair(Name(name.as_bytes()), *id);
                }
            }
        }
        page.finish();
        self.pdf.stream(content_id, &content.finish());
        self.pages.push(page_id);
    }

    pub(crate) fn finish(mut self, title: &str) -> Vec<u8> {
        let count = self.pages.len() as i32;
        self.pdf
            .pages(self.tree)
            .kids(self.pages.iter().copied())
            .count(count);
        let info = self.next();
        self.pdf
            .document_info(info)
            .title(TextStr(title))
            .producer(TextStr("Till"));
        self.pdf.finish()
    }
}

/// Labels on an A4 sheet, 3 across and 8 down (70 x 37 mm each, the
/// common "24 per sheet" stock), as many sheets as it takes: each with the
/// product's name (wrapped, at most three lines), its price in bold and its
/// barcode with the code under the bars.
pub fn labels_pdf(labels: &[Label]) -> Result<Vec<u8>, EncodeError> {
    const COLS: usize = 3;
    const ROWS: usize = 8;
    let cell_w = A4_WIDTH / COLS as f32;
    let cell_h = A4_HEIGHT / ROWS as f32;
    let pad = mm(4.0);
    let inner = cell_w - 2.0 * pad;
    let mut w = Writer::new();
    let sheets: Vec<&[Label]> = if labels.is_empty() {
        vec![&[]]
    } else {
        labels.chunks(COLS * ROWS).collect()
    };
    for sheet in sheets {
        let mut c = Content::new();
        for (i, label) in sheet.iter().enumerate() {
            let left = (i % COLS) as f32 * cell_w + pad;
            let mut top = A4_HEIGHT - (i / COLS) as f32 * cell_h - pad;
            let (name_size, lines) = name_lines(&label.name, inner);
            for l in &lines {
                top -= name_size * LEADING;
                show(&mut c, false, name_size, left, top + 0.25 * name_size, l);
            }
            let price_size = 13.0;
            top -= price_size * LEADING;
            show(
                &mut c,
                true,
                price_size,
                left,
                top + 0.25 * price_size,
                &clean(&label.price),
            );
            let (modules, data) = match &label.code {
                LabelCode::Ean13(code) => (ean13_modules(code)?, code),
                LabelCode::Code128(sku) => (code128_modules(sku, Width::W42)?, sku),
            };
            let module = bar_module(modules.len(), inner, Width::W42, data)?.min(mm(0.33));
            let caption = 7.0;
            let bottom = A4_HEIGHT - (i / COLS + 1) as f32 * cell_h + pad;
            let bar_bottom = bottom + caption * LEADING;
            let bar_height = (top - 2.0 - bar_bottom).clamp(mm(5.0), mm(12.0));
            let total = modules.len() as f32 * module;
            bars(
                &mut c,
                &modules,
                left + (inner - total) / 2.0,
                bar_bottom,
                module,
                bar_height,
            );
            let chars = data.chars().count() as f32;
            show(
                &mut c,
                false,
                caption,
                left + ((inner - chars * caption * COURIER_ADVANCE) / 2.0).max(0.0),
                bottom + 0.3 * caption,
                data,
            );
        }
        w.page(A4_WIDTH, A4_HEIGHT, c, &[]);
    }
    Ok(w.finish("Labels"))
}

/// The name in lines that fit `room` points: at 9 pt in two lines if it
/// can, else at 7 pt in three, the third ending in "…" if even that is short.
fn name_lines(name: &str, room: f32) -> (f32, Vec<String>) {
    let name = clean(name);
    for (size, most) in [(9.0, 2), (7.0, 3)] {
        let chars = (room / (size * COURIER_ADVANCE)) as usize;
        let lines = wrap(&name, chars);
        if lines.len() <= most {
            return (size, lines);
        }
        if most == 3 {
            let mut lines: Vec<String> = lines.into_iter().take(3).collect();
            if let Some(last) = lines.last_mut() {
                let mut kept: Vec<char> = last.chars().take(chars.saturating_sub(1)).collect();
                kept.push('…');
                *last = kept.into_iter().collect();
            }
            return (size, lines);
        }
    }
    (9.0, vec![name])
}
