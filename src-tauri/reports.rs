//! The Reports screen's reports. The window names a period by a preset
//! (`last-week`) or by from and to text as typed; the core reads either
//! (`report_preset`, `report_range`), so the window parses nothing. One core
//! call per handler; each report catches up the per-day sums first, which
//! is why every one needs the store mutably.

use serde::Deserialize;
use tauri::State;

use chrono::{DateTime, Utc};
use till_core::reports::{
    Compare, HeatCell, MarginReport, PlaybooksReport, SalesBy, SalesReport, TaxReport,
};
use till_core::Store;

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
