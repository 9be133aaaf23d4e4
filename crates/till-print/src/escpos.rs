//! The ESC/POS bytes of a document.
//!
//! Written here rather than with the `escpos` crate: that crate is a printer
//! driver (its `Printer` writes through its own USB/network/file drivers) with
//! its own text encoding, while Till needs a pure function from a laid-out
//! document to bytes, its own code page tables (an unmappable character must
//! be `?`, never a neighbouring byte) and its own destinations with timeouts.
//! The commands used are a dozen fixed byte strings.

use crate::codepage::CodePage;
use crate::doc::{Doc, Size, Width};
use crate::layout::{layout, Line};

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const LF: u8 = 0x0A;

/// Most bytes of QR data: a version 40 symbol at error correction M in byte mode.
pub const QR_MAX: usize = 2331;

/// Bytes a QR symbol holds at error correction M in byte mode, versions 1 to 40
/// (ISO/IEC 18004, table 7). The printer may choose a denser mode, which only
/// makes the symbol smaller, so this bounds its size from above.
const QR_BYTES_M: [usize; 40] = [
    14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
    711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911,
    1989, 2099, 2213, 2331,
];

/// The largest module size, up to 6 dots, at which the symbol for `len` bytes
/// and its quiet zone (4 modules each side) fit the paper: the printer does
/// not print a QR code wider than its head.
fn qr_module_dots(len: usize, width: Width) -> u8 {
    let version = QR_BYTES_M.iter().position(|&cap| len <= cap).unwrap_or(39) + 1;
    let modules = 17 + 4 * version + 8;
    let fit = usize::from(width.dots()) / modules;
    fit.clamp(1, 6) as u8
}

/// A block the printer cannot be told to print as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("barcode data is empty")]
    BarcodeEmpty,
    #[error("barcode data has {len} characters; a Code 128 barcode on {width}-character paper holds at most {most}")]
    BarcodeTooWide {
        len: usize,
        width: Width,
        most: usize,
    },
    #[error("barcode data {data:?} has {bad:?}, which Code 128 set B cannot encode (printable ASCII only)")]
    BarcodeChar { data: String, bad: char },
    #[error(
        "{data:?} is not an EAN-13 barcode: 13 digits, the last the check digit of the others"
    )]
    Ean13 { data: String },
    #[error("QR data is empty")]
    QrEmpty,
    #[error("QR data has {len} bytes; a QR code holds at most {QR_MAX}")]
    QrTooLong { len: usize },
    #[error("image of {width_px}x{height_px} pixels needs {expected} bytes of bits, got {got}")]
    RasterSize {
        width_px: u16,
        height_px: u16,
        expected: usize,
        got: usize,
    },
    #[error("image is {width_px} pixels wide; {width}-character paper prints {dots}")]
    RasterTooWide {
        width_px: u16,
        width: Width,
        dots: u16,
    },
    #[error("image is empty ({width_px}x{height_px} pixels)")]
    RasterEmpty { width_px: u16, height_px: u16 },
}

/// The bytes that print `doc` at `width` with the printer switched to `page`.
/// Starts with `ESC @` and `ESC t`; every text line ends with LF; characters
/// outside `page` are sent as `?`.
pub fn to_escpos(doc: &Doc, width: Width, page: CodePage) -> Result<Vec<u8>, EncodeError> {
    let mut out = vec![ESC, b'@', ESC, b't', page.escpos_number()];
    // The printer's state after ESC @ is normal weight and size; only changes are sent.
    let mut bold = false;
    let mut size = Size::Normal;
    for line in layout(doc, width) {
        match line {
            Line::Text {
                text,
                bold: b,
                size: s,
            } => {
                if b != bold {
                    out.extend([ESC, b'E', u8::from(b)]);
                    bold = b;
                }
                if s != size {
                    out.extend([GS, b'!', size_byte(s)]);
                    size = s;
                }
                out.extend(text.chars().map(|c| page.encode_char_or_question(c)));
                out.push(LF);
            }
            Line::Barcode128(data) => barcode128(&mut out, data, width)?,
            Line::Ean13(data) => ean13(&mut out, data)?,
            Line::Qr(data) => qr(&mut out, data, width)?,
            Line::Raster {
                width_px,
                height_px,
                bits,
            } => raster(&mut out, width, width_px, height_px, bits)?,
            Line::Cut => {
                // GS V 66 n: feed to the cutter (plus n dots) and cut, so the last line is not cut through.
                out.extend([GS, b'V', 66, 0]);
            }
            Line::DrawerKick => {
                // ESC p m t1 t2: pin 2, on 25 x 2 ms, off 250 x 2 ms.
                out.extend([ESC, b'p', 0, 25, 250]);
            }
        }
    }
    Ok(out)
}

fn size_byte(size: Size) -> u8 {
    match size {
        Size::Normal => 0x00,
        Size::Double => 0x11,
    }
}

/// Centres what follows (`ESC a 1`) until `ESC a 0`: text lines are aligned by
/// the layout with spaces, codes and images by the printer.
fn centred(out: &mut Vec<u8>, body: impl FnOnce(&mut Vec<u8>)) {
    out.extend([ESC, b'a', 1]);
    body(out);
    out.extend([ESC, b'a', 0]);
}

fn barcode128(out: &mut Vec<u8>, data: &str, width: Width) -> Result<(), EncodeError> {
    if data.is_empty() {
        return Err(EncodeError::BarcodeEmpty);
    }
    // Bars the printer cannot fit are not printed at all, so the module width
    // is the widest that fits: a symbol is 11 modules per character (start
    // code, data, check character) and 13 for the stop code.
    let len = data.chars().count();
    let modules = 11 * (len + 2) + 13;
    let dots = usize::from(width.dots());
    let module_dots = if 2 * modules <= dots {
        2
    } else if modules <= dots {
        1
    } else {
        return Err(EncodeError::BarcodeTooWide {
            len,
            width,
            most: (dots - 13) / 11 - 2,
        });
    };
    if let Some(bad) = data.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(EncodeError::BarcodeChar {
            data: data.to_string(),
            bad,
        });
    }
    // Function B data starts with the code set ("{B"); a literal `{` is sent as "{{".
    let mut body = b"{B".to_vec();
    for b in data.bytes() {
        if b == b'{' {
            body.push(b'{');
        }
        body.push(b);
    }
    centred(out, |out| {
        out.extend([GS, b'h', 80]); // height: 80 dots (10 mm)
        out.extend([GS, b'w', module_dots]);
        out.extend([GS, b'H', 2]); // the data printed below the bars
        out.extend([GS, b'k', 73, body.len() as u8]);
        out.extend(&body);
    });
    Ok(())
}

/// EAN-13 (function B, `GS k 67`): 95 modules at 2 dots fit even 58 mm paper.
fn ean13(out: &mut Vec<u8>, data: &str) -> Result<(), EncodeError> {
    if !crate::doc::valid_ean13(data) {
        return Err(EncodeError::Ean13 {
            data: data.to_string(),
        });
    }
    centred(out, |out| {
        out.extend([GS, b'h', 80]);
        out.extend([GS, b'w', 2]);
        out.extend([GS, b'H', 2]);
        out.extend([GS, b'k', 67, 13]);
        out.extend(data.as_bytes());
    });
    Ok(())
}

fn qr(out: &mut Vec<u8>, data: &str, width: Width) -> Result<(), EncodeError> {
    let bytes = data.as_bytes();
    if bytes.is_empty() {
        return Err(EncodeError::QrEmpty);
    }
    if bytes.len() > QR_MAX {
        return Err(EncodeError::QrTooLong { len: bytes.len() });
    }
    let stored = bytes.len() + 3;
    let module_dots = qr_module_dots(bytes.len(), width);
    centred(out, |out| {
        out.extend([GS, b'(', b'k', 4, 0, 49, 65, 50, 0]); // model 2
        out.extend([GS, b'(', b'k', 3, 0, 49, 67, module_dots]);
        out.extend([GS, b'(', b'k', 3, 0, 49, 69, 49]); // error correction M
        out.extend([
            GS,
            b'(',
            b'k',
            (stored % 256) as u8,
            (stored / 256) as u8,
            49,
            80,
            48,
        ]);
        out.extend(bytes); // store the data
        out.extend([GS, b'(', b'k', 3, 0, 49, 81, 48]); // print it
    });
    Ok(())
}

fn raster(
    out: &mut Vec<u8>,
    width: Width,
    width_px: u16,
    height_px: u16,
    bits: &[u8],
) -> Result<(), EncodeError> {
    check_raster(width, width_px, height_px, bits)?;
    let row = usize::from(width_px).div_ceil(8);
    let [xl, xh] = (row as u16).to_le_bytes();
    let [yl, yh] = height_px.to_le_bytes();
    centred(out, |out| {
        out.extend([GS, b'v', b'0', 0, xl, xh, yl, yh]);
        out.extend(bits);
    });
    Ok(())
}

/// The checks the printer's image command needs (an image, not wider than
/// the head, its bits all there). The PDF makes them too, so a PDF refuses
/// what a print refuses.
pub(crate) fn check_raster(
    width: Width,
    width_px: u16,
    height_px: u16,
    bits: &[u8],
) -> Result<(), EncodeError> {
    if width_px == 0 || height_px == 0 {
        return Err(EncodeError::RasterEmpty {
            width_px,
            height_px,
        });
    }
    // The printer drops an image wider than its head rather than shrinking it.
    if width_px > width.dots() {
        return Err(EncodeError::RasterTooWide {
            width_px,
            width,
            dots: width.dots(),
        });
    }
    let expected = usize::from(width_px).div_ceil(8) * usize::from(height_px);
    if bits.len() != expected {
        return Err(EncodeError::RasterSize {
            width_px,
            height_px,
            expected,
            got: bits.len(),
        });
    }
    Ok(())
}
