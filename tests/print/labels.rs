//! Product labels on the receipt printer: each label its copies, name,
//! price and barcode, a cut after each, at every width.

use crate::decode::{decode, printed_lines, Decoded};
use till_print::{labels_doc, to_escpos, to_text, CodePage, Label, LabelCode, Width};

fn labels() -> Vec<Label> {
    vec![
        Label {
            name: "Strawberry jam with a name long enough to wrap on narrow paper".into(),
            price: "€2.50".into(),
            code: LabelCode::Ean13("4006381333931".into()),
        },
        Label {
            name: "Honey".into(),
            price: "€5.00".into(),
            code: LabelCode::Code128("HON-1".into()),
        },
    ]
}

#[test]
fn every_label_prints_its_copies_with_a_cut_after_each() {
    for width in Width::ALL {
        let doc = labels_doc(&labels(), 3, width);
        let bytes = to_escpos(&doc, width, CodePage::Cp858).unwrap();
        let decoded = decode(&bytes);
        let count = |want: &Decoded| decoded.iter().filter(|d| *d == want).count();
        assert_eq!(count(&Decoded::Ean13("4006381333931".into())), 3, "{width}");
        assert_eq!(count(&Decoded::Barcode128("HON-1".into())), 3, "{width}");
        let cuts = decoded
            .iter()
            .filter(|d| matches!(d, Decoded::Cut { .. }))
            .count();
        assert_eq!(cuts, 6, "{width}");
        // The euro sign is CP858's 0xD5; the text form is what prints.
        assert!(bytes.contains(&0xD5));
        let text = to_text(&doc, width);
        for line in text.lines() {
            assert!(line.chars().count() <= width.chars(), "{line:?}");
        }
        assert_eq!(text.matches("Honey").count(), 3);
        assert_eq!(
            printed_lines(&decoded).len(),
            text.lines().count(),
            "{width}"
        );
    }
}

#[test]
fn no_labels_or_no_copies_print_nothing() {
    assert!(labels_doc(&[], 3, Width::W42).blocks.is_empty());
    assert!(labels_doc(&labels(), 0, Width::W42).blocks.is_empty());
}
