//! The text form: wrapping, columns, widths; random texts never overflow a
//! line or lose a character.

use crate::bytes::{sample_receipt, through_page};
use crate::decode::{decode, printed_lines};
use proptest::prelude::*;
use till_print::{to_escpos, to_text, Align, Block, CodePage, Doc, Size, Width};

#[test]
fn widths_are_32_42_or_48() {
    for n in [32, 42, 48] {
        assert_eq!(Width::new(n).unwrap().chars(), n as usize);
        assert_eq!(n.to_string().parse::<Width>().unwrap().chars(), n as usize);
    }
    for bad in [0, 31, 40, 80, 1000] {
        let err = Width::new(bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "paper width {bad} is not one Till prints: use 32 (58 mm paper), 42 or 48 (80 mm)"
            )
        );
    }
    assert!("wide"
        .parse::<Width>()
        .unwrap_err()
        .to_string()
        .contains("wide"));
}

#[test]
fn the_sample_receipt_at_32() {
    let text = to_text(&sample_receipt(true), Width::W32);
    // Double size (the shop name, the total) holds 16 characters on 58 mm paper.
    let expected = [
        "             [logo]",
        "  Café Zürich",
        "  Bahnhofstraße 1, 8001 Zürich",
        "--------------------------------",
        "2 x Crème brûlée with      €9.00",
        "extra caramel and a long",
        "name",
        "1 x Espresso               €2.50",
        "--------------------------------",
        "TOTAL     €11.50",
        "Cash                      €20.00",
        "",
        "             R-0042",
        "       till:order:R-0042",
        "                      Thank you!",
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn a_word_longer_than_the_line_is_split_never_cut() {
    let doc = Doc::new().push(Block::text(format!("{} end", "x".repeat(70))));
    assert_eq!(
        to_text(&doc, Width::W32),
        format!(
            "{}\n{}\n{} end\n",
            "x".repeat(32),
            "x".repeat(32),
            "x".repeat(6)
        )
    );
}

#[test]
fn an_amount_too_wide_for_a_label_gets_its_own_line() {
    let doc = Doc::new().push(Block::columns("Gift card", "9".repeat(31)));
    assert_eq!(
        to_text(&doc, Width::W32),
        format!("Gift card\n {}\n", "9".repeat(31))
    );
    let doc = Doc::new().push(Block::columns("", "€1.00"));
    assert_eq!(
        to_text(&doc, Width::W32),
        format!("{}€1.00\n", " ".repeat(27))
    );
}

#[test]
fn a_no_break_space_is_printed_not_taken_for_a_blank_label() {
    // Found by the random test below: `trim` took U+00A0 for an empty label.
    let doc = Doc::new().push(Block::columns("\u{a0}", "9".repeat(31)));
    assert_eq!(
        to_text(&doc, Width::W32),
        format!("\u{a0}\n {}\n", "9".repeat(31))
    );
}

#[test]
fn empty_text_is_an_empty_line_and_feeds_are_empty_lines() {
    let doc = Doc::new()
        .push(Block::text(""))
        .push(Block::Feed(2))
        .push(Block::text("x"));
    assert_eq!(to_text(&doc, Width::W42), "\n\n\nx\n");
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Words of letters, accents, the euro sign, characters no page has, control characters.
    let ch = prop_oneof![
        6 => prop::char::range('a', 'z'),
        2 => Just(' '),
        1 => prop::sample::select(vec!['é', 'Ä', 'ß', '€', 'Ω', '日', '☃', '\n', '\t', '\u{1B}', '\u{A0}', '{']),
    ];
    prop::collection::vec(ch, 0..150).prop_map(|v| v.into_iter().collect())
}

fn block_strategy() -> impl Strategy<Value = Block> {
    let align = prop::sample::select(vec![Align::Left, Align::Center, Align::Right]);
    let size = prop::sample::select(vec![Size::Normal, Size::Double]);
    prop_oneof![
        (text_strategy(), align, any::<bool>(), size.clone()).prop_map(
            |(text, align, bold, size)| Block::Text {
                text,
                align,
                bold,
                size
            }
        ),
        (text_strategy(), text_strategy(), any::<bool>(), size).prop_map(
            |(left, right, bold, size)| Block::Columns {
                left,
                right,
                bold,
                size
            }
        ),
    ]
}

/// The characters that carry meaning, sorted: separators do not, control characters print as `?`.
fn ink(text: &str) -> Vec<char> {
    let mut v: Vec<char> = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r'))
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    v.sort_unstable();
    v
}

proptest! {
    #[test]
    fn random_texts_fit_the_width_lose_nothing_and_print_as_shown(
        blocks in prop::collection::vec(block_strategy(), 1..6),
        width in prop::sample::select(Width::ALL.to_vec()),
        page in prop::sample::select(vec![CodePage::Cp437, CodePage::Cp858]),
    ) {
        let doc = Doc { blocks: blocks.clone() };
        let text = to_text(&doc, width);
        for line in text.lines() {
            prop_assert!(line.chars().count() <= width.chars(), "{line:?} is longer than {width}");
            prop_assert!(!line.ends_with(' '), "{line:?} ends in a space");
        }
        let given: String = blocks.iter().map(|b| match b {
            Block::Text { text, .. } => format!("{text} "),
            Block::Columns { left, right, .. } => format!("{left} {right} "),
            _ => String::new(),
        }).collect();
        prop_assert_eq!(ink(&given), ink(&text));

        let bytes = to_escpos(&doc, width, page).unwrap();
        let printed = printed_lines(&decode(&bytes));
        let shown: Vec<String> = text.lines().map(|l| through_page(l, page)).collect();
        prop_assert_eq!(shown, printed);
    }
}
