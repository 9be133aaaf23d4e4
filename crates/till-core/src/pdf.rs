//! PDF receipts and label sheets.
//!
//! The content is the receipt module's (`receipt::doc_in`), the drawing
//! till-print's (`to_pdf`, `labels_pdf`); this module joins them to the
//! store and writes the result.

use till_print::PdfPaper;

use crate::error::{Error, Field, Result};
use crate::receipt::{doc_in, ReceiptOptions};
use crate::roles::Permission;
use crate::settings::Settings;
use crate::store::Store;

/// The paper a user named: `80mm` or `a4`.
pub fn parse_paper(text: &str) -> Result<PdfPaper> {
    text.parse::<PdfPaper>()
        .map_err(|e| Error::invalid(Field::Paper, e.to_string()))
}

/// The PDF of the receipt `reference` names, inside the caller's
/// transaction or read (no permission asked: the email sender's).
pub(crate) fn receipt_pdf_in(
    conn: &rusqlite::Connection,
    settings: &Settings,
    reference: &str,
    paper: PdfPaper,
) -> Result<Vec<u8>> {
    let opts = ReceiptOptions {
        width: Some(paper.width().chars() as u32),
        ..ReceiptOptions::default()
    };
    let doc = doc_in(conn, settings, reference, &opts)?;
    till_print::to_pdf(&doc, paper)
        .map_err(|e| Error::Refused(format!("the receipt cannot be drawn as a PDF: {e}")))
}

impl Store {
    /// The receipt of an order (id or number) or a refund (its number) as
    /// a PDF on `paper`.
    pub fn receipt_pdf(&self, reference: &str, paper: PdfPaper) -> Result<Vec<u8>> {
        self.require(Permission::LookUp)?;
        receipt_pdf_in(&self.conn, &self.settings, reference, paper)
    }

    /// An A4 sheet (or sheets) of shelf labels for these SKUs, in order; an
    /// unknown SKU is an error naming it.
    pub fn label_sheet_pdf(&self, skus: &[String]) -> Result<Vec<u8>> {
        if skus.is_empty() {
            return Err(Error::invalid(Field::Sku, "give at least one SKU"));
        }
        let labels = self.labels(skus)?;
        till_print::labels_pdf(&labels)
            .map_err(|e| Error::Refused(format!("the labels cannot be drawn as a PDF: {e}")))
    }
}
