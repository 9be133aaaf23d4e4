//! PDF: the text of a receipt PDF, as poppler's `pdftotext` reads it back,
//! is the text form line for line on both papers; the euro sign and accents
//! are real text; pages, fonts and the label sheet.

use std::process::Command;

use crate::bytes::sample_receipt;
use till_print::{
    labels_pdf, to_pdf, to_text, Block, Doc, EncodeError, Label, LabelCode, PdfPaper, Size,
};

/// The text of `pdf` as `pdftotext -layout` extracts it.
fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/install.sh --tests installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `pdfinfo`'s "Key: value" lines.
fn pdfinfo(pdf: &[u8], key: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdfinfo").arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no {key} in {text}"))
        .trim()
        .to_string()
}

/// Words of a line, spaces collapsed: the PDF places characters, and a
/// reader's idea of how many spaces stand between two words may differ.
fn words(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every printed line of the text form appears in the PDF's text, in order.
fn assert_same_lines(doc: &Doc, paper: PdfPaper) -> String {
    let pdf = to_pdf(doc, paper).unwrap();
    let got: Vec<String> = pdftotext(&pdf)
        .lines()
        .map(words)
        .filter(|l| !l.is_empty())
        .collect();
    let want: Vec<String> = to_text(doc, paper.width())
        .lines()
        .map(words)
        // The logo is a picture in the PDF; the text form names it.
        .filter(|l| !l.is_empty() && l != "[logo]")
        .collect();
    assert_eq!(got, want, "{paper}");
    got.join("\n")
}

#[test]
fn the_sample_receipt_reads_as_its_text_form_on_both_papers() {
    for paper in PdfPaper::ALL {
        let text = assert_same_lines(&sample_receipt(true), paper);
        for expected in ["Café Zürich", "Crème brûlée", "TOTAL €11.50", "R-0042"] {
            assert!(text.contains(expected), "{paper}: {expected} in\n{text}");
        }
    }
}

#[test]
fn a_character_winansi_lacks_is_a_question_mark() {
    let doc = Doc::new().push(Block::text("Ω Tee 5 € “quoted” – œuvre"));
    let text = assert_pdf_text(&doc);
    assert_eq!(text, "? Tee 5 € “quoted” – œuvre");
}

fn assert_pdf_text(doc: &Doc) -> String {
    words(&pdftotext(&to_pdf(doc, PdfPaper::Roll80).unwrap()))
}

#[test]
fn the_roll_is_as_tall_as_the_receipt_and_a4_pages_a_long_one() {
    let long = (1..=150).fold(Doc::new(), |d, i| {
        d.push(Block::columns(
            format!("{i} x Item {i}"),
            format!("€{i}.00"),
        ))
    });
    let short = Doc::new().push(Block::text("One line"));
    let height = |pdf: &[u8]| -> f32 {
        let size = pdfinfo(pdf, "Page size");
        // "226.772 x 123.45 pts"
        let parts: Vec<&str> = size.split_whitespace().collect();
        assert_eq!(parts[0], "226.772", "{size}");
        parts[2].parse().unwrap()
    };
    let roll_long = to_pdf(&long, PdfPaper::Roll80).unwrap();
    let roll_short = to_pdf(&short, PdfPaper::Roll80).unwrap();
    assert_eq!(pdfinfo(&roll_long, "Pages"), "1");
    // The page grows by a line's height per line: 149 more than one line.
    let margins = 2.0 * 4.0 * 72.0 / 25.4;
    let line = height(&roll_short) - margins;
    let grown = height(&roll_long) - height(&roll_short);
    assert!(
        (grown - 149.0 * line).abs() < 1.0,
        "{grown} for lines of {line}"
    );
    let a4 = to_pdf(&long, PdfPaper::A4).unwrap();
    let pages: usize = pdfinfo(&a4, "Pages").parse().unwrap();
    assert!(pages >= 3, "{pages} pages");
    assert!(pdfinfo(&a4, "Page size").starts_with("595.276 x 841.89"));
    // Every line is on some page, in order, none twice.
    assert_same_lines(&long, PdfPaper::A4);
}

#[test]
fn bold_is_courier_bold_and_double_size_is_twice_the_size() {
    let doc = Doc::new()
        .push(Block::Text {
            text: "BIG".into(),
            align: Default::default(),
            bold: true,
            size: Size::Double,
        })
        .push(Block::text("small"));
    let pdf = to_pdf(&doc, PdfPaper::Roll80).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = Command::new("pdffonts").arg(&file).output().unwrap();
    let fonts = String::from_utf8(out.stdout).unwrap();
    assert!(fonts.contains("Courier-Bold"), "{fonts}");
    assert!(fonts.contains("WinAnsi"), "{fonts}");
    // pdftotext's bounding boxes: the double-size line is twice as tall.
    let out = Command::new("pdftotext")
        .args(["-bbox"])
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let height = |word: &str| -> f32 {
        let line = html
            .lines()
            .find(|l| l.ends_with(&format!(">{word}</word>")))
            .unwrap_or_else(|| panic!("{word} in {html}"));
        let attr = |name: &str| -> f32 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            line[start..].split('"').next().unwrap().parse().unwrap()
        };
        attr("yMax") - attr("yMin")
    };
    let ratio = height("BIG") / height("small");
    assert!((1.9..2.1).contains(&ratio), "{ratio}");
}

#[test]
fn codes_the_printer_refuses_are_refused_here_too() {
    let refused = |block: Block| to_pdf(&Doc::new().push(block), PdfPaper::A4).unwrap_err();
    assert!(matches!(
        refused(Block::Barcode128("Crème".into())),
        EncodeError::BarcodeChar { bad: 'è', .. }
    ));
    assert!(matches!(
        refused(Block::Ean13("4006381333932".into())),
        EncodeError::Ean13 { .. }
    ));
    assert!(matches!(
        refused(Block::Qr(String::new())),
        EncodeError::QrEmpty
    ));
    assert!(matches!(
        refused(Block::Raster {
            width_px: 8,
            height_px: 2,
            bits: vec![0xFF]
        }),
        EncodeError::RasterSize { .. }
    ));
    assert!(matches!(
        refused(Block::Barcode128("x".repeat(200))),
        EncodeError::BarcodeTooWide { .. }
    ));
}

#[test]
fn a_sheet_of_labels_holds_24_and_goes_on_to_another() {
    let labels: Vec<Label> = (1..=25)
        .map(|i| Label {
            name: if i == 1 {
                "Crème brûlée with a very long name that needs more than two lines on a label of seventy millimetres".into()
            } else {
                format!("Product {i}")
            },
            price: format!("€{i}.50"),
            code: if i == 2 {
                LabelCode::Ean13("4006381333931".into())
            } else {
                LabelCode::Code128(format!("SKU-{i}"))
            },
        })
        .collect();
    let pdf = labels_pdf(&labels).unwrap();
    assert_eq!(pdfinfo(&pdf, "Pages"), "2");
    assert!(pdfinfo(&pdf, "Page size").starts_with("595.276 x 841.89"));
    let text = pdftotext(&pdf);
    for expected in [
        "Crème brûlée",
        "€1.50",
        "4006381333931",
        "SKU-3",
        "Product 24",
        "€24.50",
        "Product 25",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    // The 25th label is on the second page alone.
    let second = text.split('\u{c}').nth(1).unwrap();
    assert!(
        second.contains("Product 25") && !second.contains("Product 24"),
        "{second}"
    );
}
