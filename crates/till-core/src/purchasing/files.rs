//! A purchase order as a file to send to the supplier: CSV (one header
//! row, one row per line, the PO's number, date and supplier on each row so
//! any row read alone says what it belongs to) or an A4 PDF drawn by
//! till-print's `tables_pdf`. The bytes are returned; the front ends write
//! them with `save::save_file` (a temporary file, renamed), as they do
//! report files.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::{load, PurchaseOrder};
use crate::error::{Error, Result};
use crate::input::Field;
use crate::locale::TimeFormat;
use crate::roles::Permission;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum PoFormat {
    Csv,
    Pdf,
}

impl PoFormat {
    pub fn parse(text: &str) -> Result<PoFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(PoFormat::Csv),
            "pdf" => Ok(PoFormat::Pdf),
            _ => Err(Error::invalid(
                Field::Format,
                format!("{text:?} is not one of csv, pdf"),
            )),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            PoFormat::Csv => "csv",
            PoFormat::Pdf => "pdf",
        }
    }
}

/// The CSV's columns, in order.
pub const CSV_COLUMNS: [&str; 9] = [
    "po_number",
    "date",
    "supplier",
    "sku",
    "supplier_sku",
    "name",
    "qty",
    "unit_cost",
    "line_total",
];

impl Store {
    /// PO `id` as a CSV or PDF file's bytes.
    pub fn po_file(&self, id: i64, format: PoFormat) -> Result<Vec<u8>> {
        self.require(Permission::Purchasing)?;
        let po = load(&self.conn, id)?;
        let times = TimeFormat::new(&self.settings.locale, &self.settings.time_zone)?;
        // Read back through `stored` by `load`, so it parses.
        let created: DateTime<Utc> = crate::stored::parse_time(&po.created_at)
            .map_err(|e| Error::Internal(format!("{}: created_at {e}", po.number)))?;
        let tz = crate::locale::parse_time_zone(&self.settings.time_zone)?;
        let day = created.with_timezone(&tz).date_naive();
        let round = |d: Decimal| self.settings.currency.round(d).to_string();
        match format {
            PoFormat::Csv => to_csv(&po, &day.to_string(), round),
            PoFormat::Pdf => Ok(to_pdf(
                &po,
                &self.settings.store_name,
                &times.date(day),
                &self.settings.currency.code,
                round,
            )),
        }
    }
}

fn to_csv(po: &PurchaseOrder, date: &str, round: impl Fn(Decimal) -> String) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Internal(format!("cannot write the CSV: {e}"));
    w.write_record(CSV_COLUMNS).map_err(fail)?;
    for l in &po.lines {
        w.write_record([
            po.number.as_str(),
            date,
            po.supplier.as_str(),
            l.sku.as_str(),
            l.supplier_sku.as_deref().unwrap_or(""),
            l.name.as_str(),
            &l.qty.to_string(),
            &round(l.unit_cost),
            &round(l.line_total),
        ])
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::Internal(format!("cannot write the CSV: {e}")))
}

fn to_pdf(
    po: &PurchaseOrder,
    shop: &str,
    date: &str,
    currency: &str,
    round: impl Fn(Decimal) -> String,
) -> Vec<u8> {
    let column = |label: &str, numeric: bool| till_print::PdfColumn {
        label: label.into(),
        numeric,
    };
    let mut subtitle = format!("To {}, {date}, amounts in {currency}", po.supplier);
    if let Some(note) = &po.note {
        subtitle.push_str(". ");
        subtitle.push_str(&note.replace(['\n', '\r'], " "));
    }
    let table = till_print::PdfTable {
        title: format!("{shop}: purchase order {}", po.number),
        subtitle,
        columns: vec![
            column("SKU", false),
            column("Supplier SKU", false),
            column("Product", false),
            column("Qty", true),
            column("Unit cost", true),
            column("Line total", true),
        ],
        rows: po
            .lines
            .iter()
            .map(|l| {
                vec![
                    l.sku.clone(),
                    l.supplier_sku.clone().unwrap_or_default(),
                    l.name.clone(),
                    l.qty.to_string(),
                    round(l.unit_cost),
                    round(l.line_total),
                ]
            })
            .collect(),
        totals: Some(vec![
            "Total".into(),
            String::new(),
            String::new(),
            po.lines.iter().map(|l| l.qty).sum::<i64>().to_string(),
            String::new(),
            round(po.total),
        ]),
    };
    till_print::tables_pdf(&format!("Purchase order {}", po.number), &[table])
}
