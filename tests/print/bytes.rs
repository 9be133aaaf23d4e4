//! The ESC/POS bytes, read back with the test decoder.

use crate::decode::{decode, printed_lines, Decoded};
use till_print::{to_escpos, to_text, Align, Block, CodePage, Doc, EncodeError, Size, Width};

/// A receipt with everything a receipt has.
pub fn sample_receipt(drawer: bool) -> Doc {
    let mut doc = Doc::new()
        .push(Block::Raster {
            width_px: 16,
            height_px: 2,
            bits: vec![0xFF, 0x00, 0x0F, 0xF0],
        })
        .push(Block::Text {
            text: "Café Zürich".into(),
            align: Align::Center,
            bold: true,
            size: Size::Double,
        })
        .push(Block::Text {
            text: "Bahnhofstraße 1, 8001 Zürich".into(),
            align: Align::Center,
            bold: false,
            size: Size::Normal,
        })
        .push(Block::Rule)
        .push(Block::columns(
            "2 x Crème brûlée with extra caramel and a long name",
            "€9.00",
        ))
        .push(Block::columns("1 x Espresso", "€2.50"))
        .push(Block::Rule)
        .push(Block::Columns {
            left: "TOTAL".into(),
            right: "€11.50".into(),
            bold: true,
            size: Size::Double,
        })
        .push(Block::columns("Cash", "€20.00"))
        .push(Block::Feed(1))
        .push(Block::Barcode128("R-0042".into()))
        .push(Block::Qr("till:order:R-0042".into()))
        .push(Block::Text {
            text: "Thank you!".into(),
            align: Align::Right,
            bold: false,
            size: Size::Normal,
        });
    if drawer {
        doc = doc.push(Block::DrawerKick);
    }
    doc.push(Block::Cut)
}

fn bytes(doc: &Doc, width: Width, page: CodePage) -> Vec<u8> {
    to_escpos(doc, width, page).expect("the sample encodes")
}

#[test]
fn initialise_comes_first_then_the_code_page() {
    for (page, n) in [(CodePage::Cp437, 0), (CodePage::Cp858, 19)] {
        let b = bytes(&sample_receipt(false), Width::W42, page);
        assert_eq!(&b[..5], &[0x1B, b'@', 0x1B, b't', n]);
        let d = decode(&b);
        assert_eq!(d[0], Decoded::Init);
        assert_eq!(d[1], Decoded::CodePage(n));
        assert!(
            !d.iter()
                .any(|x| matches!(x, Decoded::Unknown(_) | Decoded::Truncated)),
            "{d:?}"
        );
    }
}

#[test]
fn the_euro_sign_is_0xd5_in_cp858_and_a_question_mark_in_cp437() {
    let doc = Doc::new().push(Block::text("Total €12.50"));
    let b = bytes(&doc, Width::W32, CodePage::Cp858);
    assert_eq!(&b[5..], b"Total \xD512.50\n");
    assert_eq!(decode(&b)[2], Decoded::Text("Total €12.50".into()));

    let b = bytes(&doc, Width::W32, CodePage::Cp437);
    assert_eq!(&b[5..], b"Total ?12.50\n");
    assert!(!b.contains(&0xD5));
}

#[test]
fn accented_letters_come_back_as_written() {
    let text = "Crème brûlée, Äpfel, señor, Øl, ça";
    let doc = Doc::new().push(Block::text(text));
    let d = decode(&bytes(&doc, Width::W48, CodePage::Cp858));
    assert_eq!(d[2], Decoded::Text(text.into()));
    // PC437 has all of these but Ø.
    let d = decode(&bytes(&doc, Width::W48, CodePage::Cp437));
    assert_eq!(
        d[2],
        Decoded::Text("Crème brûlée, Äpfel, señor, ?l, ça".into())
    );
}

#[test]
fn unmappable_characters_become_question_marks() {
    let doc = Doc::new().push(Block::text("日本 Ω ☃ ok"));
    let d = decode(&bytes(&doc, Width::W32, CodePage::Cp858));
    assert_eq!(d[2], Decoded::Text("?? ? ? ok".into()));
    // Ω is in PC437 (0xEA), not in PC858.
    let b = bytes(&doc, Width::W32, CodePage::Cp437);
    assert!(b.contains(&0xEA));
    assert_eq!(decode(&b)[2], Decoded::Text("?? Ω ? ok".into()));
}

#[test]
fn control_characters_in_text_never_reach_the_printer_as_commands() {
    // A product named with an ESC would otherwise cut the paper or open the drawer.
    let doc = Doc::new().push(Block::text("a\u{1B}p\u{0}b\u{1D}V"));
    let b = bytes(&doc, Width::W32, CodePage::Cp858);
    assert_eq!(&b[5..], b"a?p?b?V\n");
}

#[test]
fn the_total_line_is_bold_and_double_then_back_to_normal() {
    let d = decode(&bytes(&sample_receipt(false), Width::W32, CodePage::Cp858));
    let total = d
        .iter()
        .position(|x| matches!(x, Decoded::Text(t) if t.starts_with("TOTAL")))
        .expect("a total line");
    // Double size holds 16 characters on 58 mm paper: the amount at the right edge.
    assert_eq!(d[total], Decoded::Text("TOTAL     €11.50".into()));
    let before = &d[..total];
    let last_bold = before.iter().rev().find_map(|x| match x {
        Decoded::Bold(b) => Some(*b),
        _ => None,
    });
    let last_size = before.iter().rev().find_map(|x| match x {
        Decoded::Size(s) => Some(*s),
        _ => None,
    });
    assert_eq!(last_bold, Some(true));
    assert_eq!(last_size, Some(0x11));
    let next = &d[total + 1..];
    assert_eq!(next[0], Decoded::Bold(false));
    assert_eq!(next[1], Decoded::Size(0));
    assert_eq!(
        next[2],
        Decoded::Text("Cash                      €20.00".into())
    );
}

#[test]
fn barcode_and_qr_carry_their_payloads() {
    let d = decode(&bytes(&sample_receipt(false), Width::W42, CodePage::Cp858));
    assert!(d.contains(&Decoded::Barcode128("R-0042".into())), "{d:?}");
    let store = d
        .iter()
        .position(|x| *x == Decoded::QrStore(b"till:order:R-0042".to_vec()))
        .expect("QR data stored");
    assert!(d[..store].contains(&Decoded::QrModel(50)), "model 2");
    assert_eq!(d[store + 1], Decoded::QrPrint);

    // `{` is Code 128's escape in function B: it is doubled on the wire and comes back single.
    let doc = Doc::new().push(Block::Barcode128("A{B}".into()));
    let b = bytes(&doc, Width::W32, CodePage::Cp437);
    assert!(b.windows(7).any(|w| w == b"{BA{{B}"));
    assert!(decode(&b).contains(&Decoded::Barcode128("A{B}".into())));
}

#[test]
fn barcodes_qr_codes_and_images_the_printer_cannot_take_are_refused() {
    let enc = |block: Block| to_escpos(&Doc::new().push(block), Width::W32, CodePage::Cp858);
    assert_eq!(
        enc(Block::Barcode128(String::new())),
        Err(EncodeError::BarcodeEmpty)
    );
    assert!(matches!(
        enc(Block::Barcode128("R-€1".into())),
        Err(EncodeError::BarcodeChar { bad: '€', .. })
    ));
    // 58 mm paper (384 dots) fits 31 characters at one dot per module, 80 mm (576 dots) 49.
    let too_wide = to_escpos(
        &Doc::new().push(Block::Barcode128("9".repeat(32))),
        Width::W32,
        CodePage::Cp858,
    );
    assert_eq!(
        too_wide,
        Err(EncodeError::BarcodeTooWide {
            len: 32,
            width: Width::W32,
            most: 31
        })
    );
    assert_eq!(
        too_wide.unwrap_err().to_string(),
        "barcode data has 32 characters; a Code 128 barcode on 32-character paper holds at most 31"
    );
    let module = |data: &str, width: Width| {
        let b = to_escpos(
            &Doc::new().push(Block::Barcode128(data.into())),
            width,
            CodePage::Cp858,
        )
        .expect("fits");
        decode(&b).into_iter().find_map(|d| match d {
            Decoded::BarcodeModuleWidth(w) => Some(w),
            _ => None,
        })
    };
    assert_eq!(module(&"9".repeat(31), Width::W32), Some(1));
    assert_eq!(module("R-0042", Width::W32), Some(2));
    assert_eq!(module(&"9".repeat(49), Width::W48), Some(1));
    assert!(matches!(
        to_escpos(
            &Doc::new().push(Block::Barcode128("9".repeat(50))),
            Width::W42,
            CodePage::Cp858
        ),
        Err(EncodeError::BarcodeTooWide { most: 49, .. })
    ));
    assert!(matches!(
        to_escpos(
            &Doc::new().push(Block::Raster {
                width_px: 385,
                height_px: 1,
                bits: vec![0; 49]
            }),
            Width::W32,
            CodePage::Cp858
        ),
        Err(EncodeError::RasterTooWide {
            width_px: 385,
            dots: 384,
            ..
        })
    ));
    assert!(to_escpos(
        &Doc::new().push(Block::Raster {
            width_px: 576,
            height_px: 1,
            bits: vec![0; 72]
        }),
        Width::W48,
        CodePage::Cp858
    )
    .is_ok());
    assert_eq!(enc(Block::Qr(String::new())), Err(EncodeError::QrEmpty));
    assert_eq!(
        enc(Block::Qr("x".repeat(2332))),
        Err(EncodeError::QrTooLong { len: 2332 })
    );
    let b = enc(Block::Qr("x".repeat(2331))).expect("the largest QR");
    let d = decode(&b);
    assert!(d.contains(&Decoded::QrStore(vec![b'x'; 2331])));
    // Version 40 is 177 modules and a quiet zone of 8: 2 dots each on 384-dot paper.
    assert!(d.contains(&Decoded::QrModuleSize(2)), "{:?}", &d[..8]);
    let qr_module = |data: &str, width: Width| {
        let b = to_escpos(
            &Doc::new().push(Block::Qr(data.into())),
            width,
            CodePage::Cp858,
        )
        .expect("fits");
        decode(&b).into_iter().find_map(|d| match d {
            Decoded::QrModuleSize(m) => Some(m),
            _ => None,
        })
    };
    // A receipt number is version 2 (25 modules + 8): the largest size, 6 dots.
    assert_eq!(qr_module("till:order:R-0042", Width::W32), Some(6));
    // 997 bytes is the most of version 25 (117 + 8 modules): 4 dots on 576, 3 on 384;
    // one more is version 26 (121 + 8): 2 dots on 384.
    assert_eq!(qr_module(&"x".repeat(997), Width::W48), Some(4));
    assert_eq!(qr_module(&"x".repeat(997), Width::W32), Some(3));
    assert_eq!(qr_module(&"x".repeat(998), Width::W32), Some(2));
    assert_eq!(
        enc(Block::Raster {
            width_px: 9,
            height_px: 2,
            bits: vec![0; 3]
        }),
        Err(EncodeError::RasterSize {
            width_px: 9,
            height_px: 2,
            expected: 4,
            got: 3
        })
    );
    assert!(matches!(
        enc(Block::Raster {
            width_px: 0,
            height_px: 0,
            bits: vec![]
        }),
        Err(EncodeError::RasterEmpty { .. })
    ));
}

#[test]
fn the_image_is_sent_as_a_raster_of_its_bits() {
    let d = decode(&bytes(&sample_receipt(false), Width::W42, CodePage::Cp858));
    assert!(d.contains(&Decoded::Raster {
        bytes_per_row: 2,
        height: 2,
        bits: vec![0xFF, 0x00, 0x0F, 0xF0]
    }));
}

#[test]
fn the_cut_comes_last_and_the_drawer_kick_only_when_asked() {
    let without = decode(&bytes(&sample_receipt(false), Width::W48, CodePage::Cp858));
    assert!(matches!(without.last(), Some(Decoded::Cut { .. })));
    assert!(!without
        .iter()
        .any(|x| matches!(x, Decoded::DrawerKick { .. })));

    let with = decode(&bytes(&sample_receipt(true), Width::W48, CodePage::Cp858));
    assert!(matches!(with.last(), Some(Decoded::Cut { .. })));
    let kicks: Vec<_> = with
        .iter()
        .filter(|x| matches!(x, Decoded::DrawerKick { .. }))
        .collect();
    assert_eq!(
        kicks,
        [&Decoded::DrawerKick {
            pin: 0,
            on: 25,
            off: 250
        }]
    );
}

/// What a line of the text form becomes on paper: each character through the code page.
pub fn through_page(line: &str, page: CodePage) -> String {
    line.chars()
        .map(|c| match page.encode_char(c) {
            Some(_) => c,
            None => '?',
        })
        .collect()
}

#[test]
fn the_text_form_and_the_printed_lines_agree_at_every_width() {
    for width in Width::ALL {
        for page in [CodePage::Cp437, CodePage::Cp858] {
            let doc = sample_receipt(true);
            let text = to_text(&doc, width);
            let printed = printed_lines(&decode(&bytes(&doc, width, page)));
            let expected: Vec<String> = text.lines().map(|l| through_page(l, page)).collect();
            assert_eq!(expected.len(), printed.len(), "{width} {page}:\n{text}");
            for (want, got) in expected.iter().zip(&printed) {
                // Codes and images are centred by the printer, by spaces in the text form.
                assert_eq!(want.trim_start(), got.trim_start(), "{width} {page}");
                if !["R-0042", "till:order:R-0042", "[logo]"].contains(&got.as_str()) {
                    assert_eq!(want, got, "{width} {page}");
                }
            }
        }
    }
}

#[test]
fn an_ean13_is_sent_with_its_check_digit_and_a_wrong_one_is_refused() {
    let doc = Doc::new().push(Block::Ean13("4006381333931".into()));
    let b = to_escpos(&doc, Width::W32, CodePage::Cp858).unwrap();
    assert!(decode(&b).contains(&Decoded::Ean13("4006381333931".into())));
    assert!(to_text(&doc, Width::W32).contains("4006381333931"));
    for bad in [
        "4006381333932",
        "400638133393",
        "40063813339311",
        "400638133393a",
    ] {
        let err = to_escpos(
            &Doc::new().push(Block::Ean13(bad.into())),
            Width::W42,
            CodePage::Cp858,
        )
        .unwrap_err();
        assert_eq!(err, EncodeError::Ean13 { data: bad.into() });
    }
    assert!(till_print::valid_ean13("0000000000000"));
    assert!(
        !till_print::valid_ean13("٠٠٠٠٠٠٠٠٠٠٠٠٠"),
        "only ASCII digits"
    );
}
