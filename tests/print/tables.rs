//! The code page tables, as data: every mapped character round-trips.

use till_print::CodePage;

#[test]
fn every_mapped_character_round_trips() {
    for page in [CodePage::Cp437, CodePage::Cp858] {
        let table = page.upper_half();
        for (i, &c) in table.iter().enumerate() {
            let byte = 0x80 + i as u8;
            assert_eq!(page.decode_byte(byte), Some(c), "{page} {byte:#04x}");
            assert_eq!(page.encode_char(c), Some(byte), "{page} {c:?}");
        }
        for byte in 0x20..=0x7E_u8 {
            assert_eq!(page.encode_char(byte as char), Some(byte));
            assert_eq!(page.decode_byte(byte), Some(byte as char));
        }
        // 128 different characters: no two bytes print the same one.
        let mut sorted = table.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 128, "{page}");
        assert!(
            table.iter().all(|c| !c.is_ascii()),
            "{page}: ASCII lives below 0x80"
        );
    }
}

#[test]
fn control_characters_have_no_byte() {
    for page in [CodePage::Cp437, CodePage::Cp858] {
        for c in ['\u{0}', '\n', '\u{1B}', '\u{1D}', '\u{7F}', '\u{9B}'] {
            assert_eq!(page.encode_char(c), None, "{page} {c:?}");
            assert_eq!(page.encode_char_or_question(c), b'?');
        }
        for b in (0x00..=0x1F).chain([0x7F]) {
            assert_eq!(page.decode_byte(b), None);
        }
    }
}

#[test]
fn known_places_in_the_tables() {
    let cp858 = CodePage::Cp858;
    let cp437 = CodePage::Cp437;
    assert_eq!(cp858.encode_char('€'), Some(0xD5));
    assert_eq!(cp437.encode_char('€'), None);
    assert_eq!(cp858.encode_char('é'), Some(0x82));
    assert_eq!(cp437.encode_char('é'), Some(0x82));
    assert_eq!(cp858.encode_char('ß'), Some(0xE1));
    assert_eq!(cp858.encode_char('Ø'), Some(0x9D));
    assert_eq!(cp437.encode_char('£'), Some(0x9C));
    assert_eq!(cp858.escpos_number(), 19);
    assert_eq!(cp437.escpos_number(), 0);
}

#[test]
fn code_page_names() {
    assert_eq!("cp858".parse::<CodePage>(), Ok(CodePage::Cp858));
    assert_eq!("CP437".parse::<CodePage>(), Ok(CodePage::Cp437));
    let err = "cp1252".parse::<CodePage>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown code page \"cp1252\": Till prints in cp437 or cp858"
    );
}
