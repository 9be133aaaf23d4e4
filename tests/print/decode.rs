//! A decoder of the ESC/POS Till writes, for tests: text runs are read back
//! through the code page the bytes selected, commands by name with their
//! parameters. It knows only the commands Till sends; any other byte is
//! `Unknown`, so a test sees it rather than skipping it.

use till_print::CodePage;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A text line, as the printer prints it (up to its LF).
    Text(String),
    Init,
    CodePage(u8),
    Bold(bool),
    Size(u8),
    Align(u8),
    BarcodeHeight(u8),
    BarcodeModuleWidth(u8),
    BarcodeHri(u8),
    /// Code 128 function B, code set prefix and `{{` escapes removed.
    Barcode128(String),
    /// EAN-13 (`GS k 67`), its 13 digits.
    Ean13(String),
    QrModel(u8),
    QrModuleSize(u8),
    QrErrorCorrection(u8),
    QrStore(Vec<u8>),
    QrPrint,
    Raster {
        bytes_per_row: u16,
        height: u16,
        bits: Vec<u8>,
    },
    Cut {
        mode: u8,
        feed: u8,
    },
    DrawerKick {
        pin: u8,
        on: u8,
        off: u8,
    },
    Unknown(u8),
    /// The bytes ended inside a command.
    Truncated,
}

pub fn decode(bytes: &[u8]) -> Vec<Decoded> {
    let mut out = Vec::new();
    let mut page = CodePage::Cp437; // a printer's default after power-on
    let mut text = String::new();
    let mut i = 0;
    macro_rules! take {
        ($n:expr) => {{
            let n: usize = $n;
            if i + n > bytes.len() {
                out.push(Decoded::Truncated);
                return out;
            }
            let s = &bytes[i..i + n];
            i += n;
            s
        }};
    }
    while i < bytes.len() {
        let b = bytes[i];
        if b != 0x1B && b != 0x1D && b != 0x0A {
            i += 1;
            match page.decode_byte(b) {
                Some(c) => text.push(c),
                None => out.push(Decoded::Unknown(b)),
            }
            continue;
        }
        if b != 0x0A && !text.is_empty() {
            // A command in the middle of a line: keep the text before it as a run of its own.
            out.push(Decoded::Text(std::mem::take(&mut text)));
        }
        match take!(1)[0] {
            0x0A => out.push(Decoded::Text(std::mem::take(&mut text))),
            0x1B => match take!(1)[0] {
                b'@' => out.push(Decoded::Init),
                b't' => {
                    let n = take!(1)[0];
                    page = match n {
                        0 => CodePage::Cp437,
                        19 => CodePage::Cp858,
                        other => panic!("code page {other} is not one Till selects"),
                    };
                    out.push(Decoded::CodePage(n));
                }
                b'E' => out.push(Decoded::Bold(take!(1)[0] != 0)),
                b'a' => out.push(Decoded::Align(take!(1)[0])),
                b'p' => {
                    let p = take!(3);
                    out.push(Decoded::DrawerKick {
                        pin: p[0],
                        on: p[1],
                        off: p[2],
                    });
                }
                other => out.push(Decoded::Unknown(other)),
            },
            _ => match take!(1)[0] {
                b'!' => out.push(Decoded::Size(take!(1)[0])),
                b'h' => out.push(Decoded::BarcodeHeight(take!(1)[0])),
                b'w' => out.push(Decoded::BarcodeModuleWidth(take!(1)[0])),
                b'H' => out.push(Decoded::BarcodeHri(take!(1)[0])),
                b'V' => {
                    let p = take!(2);
                    out.push(Decoded::Cut {
                        mode: p[0],
                        feed: p[1],
                    });
                }
                b'k' => {
                    let m = take!(1)[0];
                    if m == 67 {
                        let n = usize::from(take!(1)[0]);
                        let body = take!(n);
                        let data = String::from_utf8(body.to_vec()).expect("EAN-13 data is ASCII");
                        out.push(Decoded::Ean13(data));
                        continue;
                    }
                    assert_eq!(m, 73, "Till sends Code 128 as GS k function B (73)");
                    let n = usize::from(take!(1)[0]);
                    let body = take!(n);
                    assert_eq!(&body[..2], b"{B", "Code 128 data starts with its code set");
                    let data =
                        String::from_utf8(body[2..].to_vec()).expect("Code 128 data is ASCII");
                    out.push(Decoded::Barcode128(data.replace("{{", "{")));
                }
                b'(' => {
                    assert_eq!(take!(1)[0], b'k', "Till sends only GS ( k");
                    let len = take!(2);
                    let len = usize::from(len[0]) + 256 * usize::from(len[1]);
                    let body = take!(len);
                    out.push(match (body[0], body[1]) {
                        (49, 65) => Decoded::QrModel(body[2]),
                        (49, 67) => Decoded::QrModuleSize(body[2]),
                        (49, 69) => Decoded::QrErrorCorrection(body[2]),
                        (49, 80) => Decoded::QrStore(body[3..].to_vec()),
                        (49, 81) => Decoded::QrPrint,
                        _ => Decoded::Unknown(body[1]),
                    });
                }
                b'v' => {
                    let p = take!(6);
                    assert_eq!(&p[..2], &[b'0', 0], "GS v 0, normal density");
                    let bytes_per_row = u16::from_le_bytes([p[2], p[3]]);
                    let height = u16::from_le_bytes([p[4], p[5]]);
                    let bits = take!(usize::from(bytes_per_row) * usize::from(height)).to_vec();
                    out.push(Decoded::Raster {
                        bytes_per_row,
                        height,
                        bits,
                    });
                }
                other => out.push(Decoded::Unknown(other)),
            },
        }
    }
    if !text.is_empty() {
        out.push(Decoded::Text(text));
    }
    out
}

/// The lines the decoded bytes print, in the text form's terms: text lines as
/// they are, a barcode or QR code as its data, an image as `[logo]`.
pub fn printed_lines(decoded: &[Decoded]) -> Vec<String> {
    decoded
        .iter()
        .filter_map(|d| match d {
            Decoded::Text(t) => Some(t.clone()),
            Decoded::Barcode128(data) | Decoded::Ean13(data) => Some(data.clone()),
            Decoded::QrStore(data) => Some(String::from_utf8_lossy(data).into_owned()),
            Decoded::Raster { .. } => Some("[logo]".to_string()),
            _ => None,
        })
        .collect()
}
