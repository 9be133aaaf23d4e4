//! Products in and out as CSV: Shopify's product CSV (as Shopify exports it
//! and as its published template shows it) and Till's own format (every
//! product field). README.md, "Catalog import and export", is the user's
//! side of the rules below.
//!
//! An import reads the whole file (`read`), turns its records into product
//! rows (`shopify`, `till_csv`), then plans them against the store
//! (`apply`): every row is checked the way the catalog checks a product,
//! matched by SKU, and found to create, update or leave a product
//! unchanged. A dry run stops there. The import itself plans inside
//! one write transaction and writes everything or, on any error, nothing.

mod apply;
mod read;
mod row;
mod shopify;
mod till_csv;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::input::Field;
use crate::roles::Permission;
use crate::store::Store;

pub use shopify::TAX_RATE_COLUMN;
pub use till_csv::TILL_COLUMNS;

/// Which CSV dialect a file speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ImportFormat {
    /// Shopify's product CSV: one row per variant, grouped by `Handle`.
    Shopify,
    /// Till's own: one row per product, every field.
    Till,
}

impl ImportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::Shopify => "shopify",
            ImportFormat::Till => "till",
        }
    }
}

impl fmt::Display for ImportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ImportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "shopify" => Ok(ImportFormat::Shopify),
            "till" => Ok(ImportFormat::Till),
            _ => Err(Error::invalid(
                Field::Format,
                format!("{s:?} is not one of shopify, till"),
            )),
        }
    }
}

/// A warning or an error about one place in the file. `line` is the
/// physical line (1 is the header) where the record starts; `column` the
/// column's name as the file's header writes it, when one column is at
/// fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Issue {
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

/// What the import does with one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum RowAction {
    Created,
    Updated,
    Unchanged,
}

/// One product of the plan, for the preview.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PreviewRow {
    pub line: u64,
    pub sku: String,
    pub name: String,
    pub action: RowAction,
    /// The fields an update changes (`price`, `barcode`…), as the product
    /// names them; empty for a new or unchanged product.
    pub changed: Vec<String>,
}

/// How many preview rows a report carries: enough to see what the file
/// does, never the whole of a big catalog.
pub const PREVIEW_ROWS: usize = 200;

/// What an import did, or (dry run, or errors) would do.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ImportReport {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub warnings: Vec<Issue>,
    pub errors: Vec<Issue>,
    pub format: ImportFormat,
    /// The file's name (not its folder).
    pub file: String,
    pub dry_run: bool,
    /// Whether anything was written: never on a dry run or with errors.
    pub committed: bool,
    /// The `product_imports` row of a committed import.
    pub import_id: Option<i64>,
    /// The first `PREVIEW_ROWS` products of the plan, in file order.
    pub rows: Vec<PreviewRow>,
}

/// Which part of an import is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ImportStage {
    /// Checking every row against the store.
    Checking,
    /// Writing the products (the commit only).
    Writing,
}

/// Progress of an import: `done` of `total` product rows in `stage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
pub struct ImportProgress {
    pub stage: ImportStage,
    pub done: u64,
    pub total: u64,
}

/// Called every few hundred rows; returning false cancels the import
/// (`Error::Refused`, nothing written).
pub type Progress<'a> = &'a mut dyn FnMut(ImportProgress) -> bool;

pub(crate) fn cancelled() -> Error {
    Error::Refused("import cancelled: nothing was written".into())
}

/// The format a file's header names: a `Handle` column (or the newer
/// exports' `URL handle`) is Shopify's, anything else Till's.
pub fn detect_format(headers: &[String]) -> ImportFormat {
    if headers.iter().any(|h| {
        let h = h.trim().to_ascii_lowercase();
        h == "handle" || h == "url handle"
    }) {
        ImportFormat::Shopify
    } else {
        ImportFormat::Till
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

impl Store {
    /// Imports the products of a CSV file (format `None`: from its header).
    /// `dry_run` plans and writes nothing; otherwise all rows are written
    /// in one transaction, or nothing when any row has an error (the
    /// report lists them, `committed` false).
    pub fn import_products(
        &mut self,
        path: &Path,
        format: Option<ImportFormat>,
        dry_run: bool,
        progress: Progress,
    ) -> Result<ImportReport> {
        let auth = self.require(Permission::ManageProducts)?;
        let bytes = std::fs::read(path).map_err(|e| {
            Error::invalid(Field::File, format!("cannot read {}: {e}", path.display()))
        })?;
        self.import_products_bytes(&bytes, &file_name(path), format, dry_run, progress, &auth)
    }

    /// `import_products` on a file's bytes already read; `file` names it in
    /// the report and in the stock movements' reason.
    pub(crate) fn import_products_bytes(
        &mut self,
        bytes: &[u8],
        file: &str,
        format: Option<ImportFormat>,
        dry_run: bool,
        progress: Progress,
        auth: &crate::permissions::Authority,
    ) -> Result<ImportReport> {
        let table = read::read_table(bytes)?;
        let format = format.unwrap_or_else(|| detect_format(&table.headers));
        let currency = self.settings.currency.clone();
        let mut parsed = match format {
            ImportFormat::Shopify => shopify::rows(&table, &currency),
            ImportFormat::Till => till_csv::rows(&table, &currency),
        };
        if let Some(w) = read::unknown_columns(&table, format) {
            parsed.warnings.insert(0, w);
        }
        apply::run(self, parsed, format, file, dry_run, progress, auth)
    }

    /// Writes every product (inactive ones too, kits as products) to `out`
    /// in `format`, whole or not at all. Returns how many were written.
    pub fn export_products(&self, format: ImportFormat, out: &Path) -> Result<usize> {
        self.require(Permission::ManageProducts)?;
        let products = self.products_all()?;
        let bytes = match format {
            ImportFormat::Shopify => shopify::write(&products)?,
            ImportFormat::Till => till_csv::write(&products)?,
        };
        crate::save::save_file(out, &bytes)?;
        Ok(products.len())
    }

    fn products_all(&self) -> Result<Vec<crate::catalog::Product>> {
        use crate::catalog::{product_from_row, PRODUCT_COLUMNS, PRODUCT_FROM};
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM {PRODUCT_FROM} ORDER BY p.sku"
        ))?;
        let rows = stmt.query_map([], product_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
