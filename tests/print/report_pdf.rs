//! Report tables as PDF (`tables_pdf`): text poppler reads back, numbers
//! aligned right, landscape for a wide table, long tables over pages with
//! the header repeated and every page numbered.

use std::process::Command;

use till_print::{tables_pdf, PdfColumn, PdfTable};

fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&file)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .expect("poppler-utils (scripts/install.sh --tests installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn info(pdf: &[u8], key: &str) -> String {
    poppler("pdfinfo", pdf, &[])
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no {key}"))
        .trim()
        .to_string()
}

fn table(columns: usize, rows: usize) -> PdfTable {
    let mut cols = vec![PdfColumn {
        label: "Product".into(),
        numeric: false,
    }];
    cols.extend((1..columns).map(|i| PdfColumn {
        label: format!("Figure {i}"),
        numeric: true,
    }));
    PdfTable {
        title: "Sales by product".into(),
        subtitle: "2026-11-01 to 2026-11-30 (Europe/Berlin), amounts in EUR".into(),
        columns: cols,
        rows: (0..rows)
            .map(|r| {
                let mut row = vec![format!("Café crème n° {r}")];
                row.extend((1..columns).map(|c| format!("{}.{:02}", r * c, c)));
                row
            })
            .collect(),
        totals: Some({
            let mut t = vec!["Total".to_string()];
            t.extend((1..columns).map(|c| format!("{c}000.00")));
            t
        }),
    }
}

#[test]
fn a_short_narrow_table_is_one_portrait_page_of_text() {
    let pdf = tables_pdf("Tax report", &[table(4, 3)]);
    assert_eq!(info(&pdf, "Pages"), "1");
    assert_eq!(info(&pdf, "Title"), "Tax report");
    assert!(info(&pdf, "Page size").starts_with("595.276 x 841.89"));
    let text = poppler("pdftotext", &pdf, &["-layout"]);
    for w in [
        "Sales by product",
        "amounts in EUR",
        "Café crème n° 2",
        "Figure 3",
        "Page 1 of 1",
    ] {
        assert!(text.contains(w), "{w:?} in\n{text}");
    }
    // Numbers end where their header ends: aligned right.
    let header = text.lines().find(|l| l.contains("Figure 3")).unwrap();
    let row = text.lines().find(|l| l.contains("n° 2 ")).unwrap();
    // (in characters: the row has accents)
    let end = |l: &str, w: &str| l[..l.find(w).unwrap()].chars().count() + w.chars().count();
    assert_eq!(
        end(header, "Figure 3"),
        end(row, "6.03"),
        "\n{header}\n{row}"
    );
    let total = text
        .lines()
        .find(|l| l.trim_start().starts_with("Total"))
        .unwrap();
    assert!(total.trim_end().ends_with("3000.00"), "{total}");
}

#[test]
fn a_long_wide_table_turns_landscape_and_repeats_its_header_on_each_page() {
    let pdf = tables_pdf("Sales report", &[table(11, 200)]);
    assert!(info(&pdf, "Page size").starts_with("841.89 x 595.276"));
    let pages: usize = info(&pdf, "Pages").parse().unwrap();
    assert!(pages >= 4, "{pages} pages");
    for p in 1..=pages {
        let n = p.to_string();
        let text = poppler("pdftotext", &pdf, &["-layout", "-f", &n, "-l", &n]);
        assert!(text.contains(&format!("Page {p} of {pages}")), "{text}");
        assert!(text.contains("Figure 10"), "header on page {p}:\n{text}");
        if p > 1 {
            assert!(text.contains("Sales by product (continued)"), "{text}");
        }
    }
    // Every row once, in order, and the totals at the end.
    let text = poppler("pdftotext", &pdf, &["-layout"]);
    let rows: Vec<usize> = text
        .lines()
        .filter_map(|l| l.split("n° ").nth(1))
        .map(|rest| rest.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(rows, (0..200).collect::<Vec<_>>());
    let last = poppler(
        "pdftotext",
        &pdf,
        &[
            "-layout",
            "-f",
            &pages.to_string(),
            "-l",
            &pages.to_string(),
        ],
    );
    assert!(last.contains("10000.00"), "{last}");
}

#[test]
fn an_empty_table_says_so() {
    let pdf = tables_pdf("Tax report", &[table(3, 0)]);
    let text = poppler("pdftotext", &pdf, &[]);
    assert!(text.contains("No figures in this period."), "{text}");
}
