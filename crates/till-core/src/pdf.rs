//! PDF receipts and label sheets, and saving a file whole or not at all.
//!
//! The content is the receipt module's (`receipt::doc_in`), the drawing
//! till-print's (`to_pdf`, `labels_pdf`); this module joins them to the
//! store and writes the result.

use std::io::Write;
use std::path::Path;

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

/// Writes `bytes` to `path` whole or not at all: into a temporary file in
/// the same folder, synced, then renamed over `path`, so a reader never
/// sees half a file and a failure leaves any old file as it was. A path
/// that cannot be written is an error naming it.
pub fn save_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |why: String| Error::FileWrite {
        path: path.to_path_buf(),
        reason: why,
    };
    if path.as_os_str().is_empty() {
        return Err(fail("no file name given".into()));
    }
    if path.is_dir() {
        return Err(fail("it is a folder".into()));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".till-")
        .suffix(".tmp")
        .tempfile_in(&folder)
        .map_err(|e| fail(format!("cannot write in {}: {e}", folder.display())))?;
    // A temporary file is private (0600); the saved one reads as any
    // document the user saves.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| fail(e.to_string()))?;
    }
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| fail(e.to_string()))?;
    tmp.persist(path).map_err(|e| fail(e.error.to_string()))?;
    Ok(())
}
