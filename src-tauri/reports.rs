//! The Reports screen's reports. The window names a period by a preset
//! (`last-week`) or by from and to text as typed; the core reads either
//! (`report_preset`, `report_range`), so the window parses nothing. One core
//! call per handler; each report catches up the per-day sums first, which
//! is why every one needs the store mutably.

use serde::Deserialize;
use tauri::State;

use chrono::{DateTime, Utc};
use till_core::reports::{
    AnyReport, Compare, HeatCell, MarginReport, PlaybooksReport, ReportFormat, SalesBy,
    SalesReport, TaxReport,
};
use till_core::Store;

use crate::files;
use crate::state::{AppState, Res};

/// The period of a report as the window picks it.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ReportPeriodInput {
    /// `today`, `yesterday`, `this-week`, `last-week`, `this-month`, `last-month`.
    Preset { name: String },
    /// Dates (`2026-11-01`, whole local days, `to` included) or RFC 3339 times.
    Range { from: String, to: String },
}

impl ReportPeriodInput {
    fn read(&self, s: &Store) -> till_core::Result<(DateTime<Utc>, DateTime<Utc>)> {
        match self {
            ReportPeriodInput::Preset { name } => s.report_preset(name),
            ReportPeriodInput::Range { from, to } => s.report_range(from, to),
        }
    }
}

/// Sales over the period: totals and rows `by` a dimension (`day`,
/// `hour`, `product`, …), with the comparison period (`previous`,
/// `last-year`) when asked.
#[tauri::command]
#[specta::specta]
pub async fn report_sales(
    state: State<'_, AppState>,
    period: ReportPeriodInput,
    by: String,
    compare: Option<String>,
) -> Res<SalesReport> {
    state
        .run(move |s| {
            let (from, to) = period.read(s)?;
            let by = SalesBy::parse(&by)?;
            let compare = compare.as_deref().map(Compare::parse).transpose()?;
            s.sales_report(from, to, by, compare)
        })
        .await
}

/// Orders and net sales per weekday and local hour.
#[tauri::command]
#[specta::specta]
pub async fn report_heatmap(
    state: State<'_, AppState>,
    period: ReportPeriodInput,
) -> Res<Vec<HeatCell>> {
    state
        .run(move |s| {
            let (from, to) = period.read(s)?;
            s.sales_heatmap(from, to)
        })
        .await
}

/// Taxable base and tax per rate, sales and refunds apart.
#[tauri::command]
#[specta::specta]
pub async fn report_tax(state: State<'_, AppState>, period: ReportPeriodInput) -> Res<TaxReport> {
    state
        .run(move |s| {
            let (from, to) = period.read(s)?;
            s.tax_report(from, to)
        })
        .await
}

/// Margin per product and category, from the cost at each sale.
#[tauri::command]
#[specta::specta]
pub async fn report_margin(
    state: State<'_, AppState>,
    period: ReportPeriodInput,
) -> Res<MarginReport> {
    state
        .run(move |s| {
            let (from, to) = period.read(s)?;
            s.margin_report(from, to)
        })
        .await
}

/// How the shop's playbooks did: dynamic pricing, each flash sale and
/// bundle, referrals and memberships.
#[tauri::command]
#[specta::specta]
pub async fn report_playbooks(
    state: State<'_, AppState>,
    period: ReportPeriodInput,
) -> Res<PlaybooksReport> {
    state
        .run(move |s| {
            let (from, to) = period.read(s)?;
            s.playbooks_report(from, to)
        })
        .await
}

/// Which of the screen's reports a file is made of.
#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    /// Sales by day, with the comparison period when one is chosen.
    Sales,
    /// Tax per rate.
    Tax,
    /// Dynamic pricing, flash sales, bundles, referrals, memberships.
    Playbooks,
}

impl ReportKind {
    fn file_name(self) -> &'static str {
        match self {
            ReportKind::Sales => "sales report",
            ReportKind::Tax => "tax report",
            ReportKind::Playbooks => "playbooks report",
        }
    }
}

/// The report as a CSV or PDF file (`format`: `csv` or `pdf`), saved where
/// the user chooses in the "save as" dialog; returns the file's path.
#[tauri::command]
#[specta::specta]
pub async fn report_export(
    state: State<'_, AppState>,
    kind: ReportKind,
    period: ReportPeriodInput,
    compare: Option<String>,
    format: String,
) -> Res<String> {
    // A format the core does not know is said before the dialog opens.
    let format = ReportFormat::parse(&format)?;
    let path = files::choose_save(
        files::Ask {
            title: "Save the report",
            filter: match format {
                ReportFormat::Csv => ("CSV", &["csv"]),
                ReportFormat::Pdf => ("PDF", &["pdf"]),
            },
        },
        format!("{}.{}", kind.file_name(), format.as_str()),
    )
    .await?;
    state
        .run(move |s| {
            let (from, to) = period.read(s)?;
            let bytes = match kind {
                ReportKind::Sales => {
                    let compare = compare.as_deref().map(Compare::parse).transpose()?;
                    let report = s.sales_report(from, to, SalesBy::Day, compare)?;
                    s.report_file(AnyReport::from(&report), format)?
                }
                ReportKind::Tax => {
                    let report = s.tax_report(from, to)?;
                    s.report_file(AnyReport::from(&report), format)?
                }
                ReportKind::Playbooks => {
                    let report = s.playbooks_report(from, to)?;
                    s.report_file(AnyReport::Playbooks(&report), format)?
                }
            };
            till_core::save::save_file(&path, &bytes)?;
            Ok(path.display().to_string())
        })
        .await
}
