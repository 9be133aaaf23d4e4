//! The printer's character tables (ESC t), as data.
//!
//! A receipt printer has no UTF-8: each byte 0x80..=0xFF prints the glyph of
//! the selected table. The two tables below give, for each of those bytes in
//! order, the character it prints (from the code pages' published tables).
//! ASCII 0x20..=0x7E prints as itself in both. A character a table lacks is
//! sent as `?`: a wrong byte would print a wrong letter or a price with the
//! wrong currency, and a `?` shows plainly that something is missing.

use std::fmt;
use std::str::FromStr;

/// The character table the printer is switched to with `ESC t n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodePage {
    /// PC437 (USA), `ESC t 0`: the factory default of most printers; no euro sign.
    Cp437,
    /// PC858 (multilingual Latin-1 with the euro sign at 0xD5), `ESC t 19`.
    Cp858,
}

impl CodePage {
    /// The `n` of `ESC t n` that selects this table.
    pub fn escpos_number(self) -> u8 {
        match self {
            CodePage::Cp437 => 0,
            CodePage::Cp858 => 19,
        }
    }

    /// The characters printed by bytes 0x80..=0xFF, in byte order.
    pub fn upper_half(self) -> &'static [char; 128] {
        match self {
            CodePage::Cp437 => &CP437_UPPER,
            CodePage::Cp858 => &CP858_UPPER,
        }
    }

    /// The byte that prints `c`, or `None` when this table has no such character.
    /// Control characters have no byte here: in ESC/POS they are commands.
    pub fn encode_char(self, c: char) -> Option<u8> {
        if (' '..='~').contains(&c) {
            return Some(c as u8);
        }
        // 128 entries: a linear search is as fast as a map at this size.
        self.upper_half()
            .iter()
            .position(|&t| t == c)
            .map(|i| 0x80 + i as u8)
    }

    /// The byte for `c`, `?` when the table lacks it.
    pub fn encode_char_or_question(self, c: char) -> u8 {
        self.encode_char(c).unwrap_or(b'?')
    }

    /// The character a printable byte prints (`None` for control bytes 0x00..=0x1F and 0x7F).
    pub fn decode_byte(self, b: u8) -> Option<char> {
        match b {
            0x20..=0x7E => Some(b as char),
            0x80..=0xFF => Some(self.upper_half()[usize::from(b - 0x80)]),
            _ => None,
        }
    }

    /// The name used in settings and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            CodePage::Cp437 => "cp437",
            CodePage::Cp858 => "cp858",
        }
    }
}

impl fmt::Display for CodePage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A code page name other than `cp437` or `cp858`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code page {given:?}: Till prints in cp437 or cp858")]
pub struct CodePageError {
    pub given: String,
}

impl FromStr for CodePage {
    type Err = CodePageError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cp437" | "pc437" | "437" => Ok(CodePage::Cp437),
            "cp858" | "pc858" | "858" => Ok(CodePage::Cp858),
            _ => Err(CodePageError {
                given: s.to_string(),
            }),
        }
    }
}

/// PC437, bytes 0x80..=0xFF.
#[rustfmt::skip]
static CP437_UPPER: [char; 128] = [
    '\u{00C7}', '\u{00FC}', '\u{00E9}', '\u{00E2}', '\u{00E4}', '\u{00E0}', '\u{00E5}', '\u{00E7}', // 0x80
    '\u{00EA}', '\u{00EB}', '\u{00E8}', '\u{00EF}', '\u{00EE}', '\u{00EC}', '\u{00C4}', '\u{00C5}', // 0x88
    '\u{00C9}', '\u{00E6}', '\u{00C6}', '\u{00F4}', '\u{00F6}', '\u{00F2}', '\u{00FB}', '\u{00F9}', // 0x90
    '\u{00FF}', '\u{00D6}', '\u{00DC}', '\u{00A2}', '\u{00A3}', '\u{00A5}', '\u{20A7}', '\u{0192}', // 0x98
    '\u{00E1}', '\u{00ED}', '\u{00F3}', '\u{00FA}', '\u{00F1}', '\u{00D1}', '\u{00AA}', '\u{00BA}', // 0xA0
    '\u{00BF}', '\u{2310}', '\u{00AC}', '\u{00BD}', '\u{00BC}', '\u{00A1}', '\u{00AB}', '\u{00BB}', // 0xA8
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{2561}', '\u{2562}', '\u{2556}', // 0xB0
    '\u{2555}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255D}', '\u{255C}', '\u{255B}', '\u{2510}', // 0xB8
    '\u{2514}', '\u{2534}', '\u{252C}', '\u{251C}', '\u{2500}', '\u{253C}', '\u{255E}', '\u{255F}', // 0xC0
    '\u{255A}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256C}', '\u{2567}', // 0xC8
    '\u{2568}', '\u{2564}', '\u{2565}', '\u{2559}', '\u{2558}', '\u{2552}', '\u{2553}', '\u{256B}', // 0xD0
    '\u{256A}', '\u{2518}', '\u{250C}', '\u{2588}', '\u{2584}', '\u{258C}', '\u{2590}', '\u{2580}', // 0xD8
    '\u{03B1}', '\u{00DF}', '\u{0393}', '\u{03C0}', '\u{03A3}', '\u{03C3}', '\u{00B5}', '\u{03C4}', // 0xE0
    '\u{03A6}', '\u{0398}', '\u{03A9}', '\u{03B4}', '\u{221E}', '\u{03C6}', '\u{03B5}', '\u{2229}', // 0xE8
    '\u{2261}', '\u{00B1}', '\u{2265}', '\u{2264}', '\u{2320}', '\u{2321}', '\u{00F7}', '\u{2248}', // 0xF0
    '\u{00B0}', '\u{2219}', '\u{00B7}', '\u{221A}', '\u{207F}', '\u{00B2}', '\u{25A0}', '\u{00A0}', // 0xF8
];

/// PC858 (PC850 with the euro sign at 0xD5 in place of the dotless i), bytes 0x80..=0xFF.
#[rustfmt::skip]
static CP858_UPPER: [char; 128] = [
    '\u{00C7}', '\u{00FC}', '\u{00E9}', '\u{00E2}', '\u{00E4}', '\u{00E0}', '\u{00E5}', '\u{00E7}', // 0x80
    '\u{00EA}', '\u{00EB}', '\u{00E8}', '\u{00EF}', '\u{00EE}', '\u{00EC}', '\u{00C4}', '\u{00C5}', // 0x88
    '\u{00C9}', '\u{00E6}', '\u{00C6}', '\u{00F4}', '\u{00F6}', '\u{00F2}', '\u{00FB}', '\u{00F9}', // 0x90
    '\u{00FF}', '\u{00D6}', '\u{00DC}', '\u{00F8}', '\u{00A3}', '\u{00D8}', '\u{00D7}', '\u{0192}', // 0x98
    '\u{00E1}', '\u{00ED}', '\u{00F3}', '\u{00FA}', '\u{00F1}', '\u{00D1}', '\u{00AA}', '\u{00BA}', // 0xA0
    '\u{00BF}', '\u{00AE}', '\u{00AC}', '\u{00BD}', '\u{00BC}', '\u{00A1}', '\u{00AB}', '\u{00BB}', // 0xA8
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{00C1}', '\u{00C2}', '\u{00C0}', // 0xB0
    '\u{00A9}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255D}', '\u{00A2}', '\u{00A5}', '\u{2510}', // 0xB8
    '\u{2514}', '\u{2534}', '\u{252C}', '\u{251C}', '\u{2500}', '\u{253C}', '\u{00E3}', '\u{00C3}', // 0xC0
    '\u{255A}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256C}', '\u{00A4}', // 0xC8
    '\u{00F0}', '\u{00D0}', '\u{00CA}', '\u{00CB}', '\u{00C8}', '\u{20AC}', '\u{00CD}', '\u{00CE}', // 0xD0
    '\u{00CF}', '\u{2518}', '\u{250C}', '\u{2588}', '\u{2584}', '\u{00A6}', '\u{00CC}', '\u{2580}', // 0xD8
    '\u{00D3}', '\u{00DF}', '\u{00D4}', '\u{00D2}', '\u{00F5}', '\u{00D5}', '\u{00B5}', '\u{00FE}', // 0xE0
    '\u{00DE}', '\u{00DA}', '\u{00DB}', '\u{00D9}', '\u{00FD}', '\u{00DD}', '\u{00AF}', '\u{00B4}', // 0xE8
    '\u{00AD}', '\u{00B1}', '\u{2017}', '\u{00BE}', '\u{00B6}', '\u{00A7}', '\u{00F7}', '\u{00B8}', // 0xF0
    '\u{00B0}', '\u{00A8}', '\u{00B7}', '\u{00B9}', '\u{00B3}', '\u{00B2}', '\u{25A0}', '\u{00A0}', // 0xF8
];
