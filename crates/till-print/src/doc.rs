//! The print document: what a receipt is made of, before it is text or bytes.

use std::fmt;
use std::str::FromStr;

/// A document: blocks printed top to bottom.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn new() -> Doc {
        Doc::default()
    }

    /// Adds a block; returns the document, so a receipt reads as a list.
    pub fn push(mut self, block: Block) -> Doc {
        self.blocks.push(block);
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// Character size. `Double` is double width and height (`GS ! 0x11`): a line
/// holds half as many characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Size {
    #[default]
    Normal,
    Double,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Text, wrapped at word boundaries (a word longer than the line is split,
    /// never cut off). Spaces, tabs and line breaks separate words.
    Text {
        text: String,
        align: Align,
        bold: bool,
        size: Size,
    },
    /// A label and a right-aligned amount on one line; a label too long for
    /// the room beside the amount continues on further lines.
    Columns {
        left: String,
        right: String,
        bold: bool,
        size: Size,
    },
    /// A line of dashes across the paper.
    Rule,
    /// `n` empty lines.
    Feed(u8),
    /// A Code 128 barcode (code set B: printable ASCII).
    Barcode128(String),
    /// An EAN-13 barcode: 13 digits, the last the check digit
    /// (`valid_ean13` says whether a code is one).
    Ean13(String),
    /// A QR code (model 2).
    Qr(String),
    /// A 1-bit image, rows of `ceil(width_px / 8)` bytes, most significant bit
    /// leftmost, 1 = black.
    Raster {
        width_px: u16,
        height_px: u16,
        bits: Vec<u8>,
    },
    /// Cut the paper.
    Cut,
    /// Pulse the cash drawer's pin 2 (the drawer plugs into the printer).
    DrawerKick,
}

impl Block {
    /// Plain left-aligned text.
    pub fn text(text: impl Into<String>) -> Block {
        Block::Text {
            text: text.into(),
            align: Align::Left,
            bold: false,
            size: Size::Normal,
        }
    }

    /// A label and an amount, normal weight and size.
    pub fn columns(left: impl Into<String>, right: impl Into<String>) -> Block {
        Block::Columns {
            left: left.into(),
            right: right.into(),
            bold: false,
            size: Size::Normal,
        }
    }
}

/// Characters per line at normal size: 32 on 58 mm paper, 42 or 48 on 80 mm
/// (font A or B). Any other value is refused, so a layout never assumes a
/// paper that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Width(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("paper width {given} is not one Till prints: use 32 (58 mm paper), 42 or 48 (80 mm)")]
pub struct WidthError {
    pub given: String,
}

impl Width {
    pub const W32: Width = Width(32);
    pub const W42: Width = Width(42);
    pub const W48: Width = Width(48);
    pub const ALL: [Width; 3] = [Width::W32, Width::W42, Width::W48];

    pub fn new(chars: u32) -> Result<Width, WidthError> {
        match chars {
            32 | 42 | 48 => Ok(Width(chars as u8)),
            _ => Err(WidthError {
                given: chars.to_string(),
            }),
        }
    }

    /// Characters per line at normal size.
    pub fn chars(self) -> usize {
        usize::from(self.0)
    }

    /// Dots a line prints at 203 dpi: 384 on 58 mm paper, 576 on 80 mm.
    pub fn dots(self) -> u16 {
        if self.0 == 32 {
            384
        } else {
            576
        }
    }

    /// Characters per line at `size`.
    pub fn chars_at(self, size: Size) -> usize {
        match size {
            Size::Normal => self.chars(),
            Size::Double => self.chars() / 2,
        }
    }
}

impl fmt::Display for Width {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Width {
    type Err = WidthError;
    fn from_str(s: &str) -> Result<Width, WidthError> {
        match s.trim().parse::<u32>() {
            Ok(n) => Width::new(n).map_err(|_| WidthError {
                given: s.to_string(),
            }),
            Err(_) => Err(WidthError {
                given: s.to_string(),
            }),
        }
    }
}

/// Whether `code` is an EAN-13: 13 ASCII digits whose last is the check
/// digit of the first 12 (weights 1 and 3 from the left).
pub fn valid_ean13(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 13 || code.len() != 13 {
        return false;
    }
    let sum: u32 = digits[..12]
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
        .sum();
    (10 - sum % 10) % 10 == digits[12]
}

/// A product label: printed on the receipt printer (`labels_doc`) or on an
/// A4 sheet (`pdf`). The core fills it; this crate only lays it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub name: String,
    /// The price as it reads on the shelf, currency included ("€2.50").
    pub price: String,
    pub code: LabelCode,
}

/// The barcode a label carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelCode {
    /// The product's own barcode, when it is a valid EAN-13.
    Ean13(String),
    /// Otherwise the SKU, as Code 128.
    Code128(String),
}

/// Product labels for the receipt printer: each label `copies` times, one
/// after another, each its name (bold), its price (double size) and its
/// barcode, with a cut after each.
/// The blocks are the same at every width (`_width` is there so a caller
/// says which paper it lays out for); the layout wraps long names.
pub fn labels_doc(labels: &[Label], copies: u32, _width: Width) -> Doc {
    let mut doc = Doc::new();
    for label in labels {
        for _ in 0..copies {
            doc = doc
                .push(Block::Text {
                    text: label.name.clone(),
                    align: Align::Center,
                    bold: true,
                    size: Size::Normal,
                })
                .push(Block::Text {
                    text: label.price.clone(),
                    align: Align::Center,
                    bold: true,
                    size: Size::Double,
                })
                .push(match &label.code {
                    LabelCode::Ean13(code) => Block::Ean13(code.clone()),
                    LabelCode::Code128(code) => Block::Barcode128(code.clone()),
                })
                .push(Block::Feed(1))
                .push(Block::Cut);
        }
    }
    doc
}
