//! The Stock screen: stock counts (start, scan one more, type a quantity,
//! commit, cancel) and low stock with "create PO from suggestions" per
//! supplier. Thin handlers over `till_core::stock_counts` and
//! `till_core::reorder`; a typed quantity is read by the core, as typed.

use tauri::{AppHandle, State};

use till_core::input::{whole, Field};
use till_core::reorder::{LowStock, Reorder};
use till_core::stock_counts::{CountLine, CountScope, CountSummary, StockCount};

use crate::events::{emit, CatalogChanged, PricesChanged};
use crate::state::{AppState, Approval, Res};

/// Starts a count: of `category` when given, else of the `skus` (SKUs or
/// barcodes) when any, else of every active product.
#[tauri::command]
#[specta::specta]
pub async fn count_start(
    state: State<'_, AppState>,
    category: Option<String>,
    skus: Vec<String>,
) -> Res<StockCount> {
    let scope = match category.filter(|c| !c.trim().is_empty()) {
        Some(c) => CountScope::Category(c),
        None if skus.is_empty() => CountScope::All,
        None => CountScope::List(skus),
    };
    state.run(move |s| s.count_start(scope)).await
}

/// Every count, newest first.
#[tauri::command]
#[specta::specta]
pub async fn counts_list(state: State<'_, AppState>) -> Res<Vec<CountSummary>> {
    state.run(|s| s.counts()).await
}

#[tauri::command]
#[specta::specta]
pub async fn count_show(state: State<'_, AppState>, id: i64) -> Res<StockCount> {
    state.run(move |s| s.count_show(id)).await
}

/// One more of the product scanned (SKU or barcode).
#[tauri::command]
#[specta::specta]
pub async fn count_scan(state: State<'_, AppState>, id: i64, code: String) -> Res<CountLine> {
    state.run(move |s| s.count_scan(id, &code)).await
}

/// The quantity counted, as typed; it replaces what was counted.
#[tauri::command]
#[specta::specta]
pub async fn count_set(
    state: State<'_, AppState>,
    id: i64,
    code: String,
    qty: String,
) -> Res<CountLine> {
    state
        .run(move |s| {
            let qty = whole(Field::Quantity, &qty)?;
            s.count_set(id, &code, qty)
        })
        .await
}

/// Commits the count (a manager's, or a cashier with a manager's approval).
#[tauri::command]
#[specta::specta]
pub async fn count_commit(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    approval: Option<Approval>,
) -> Res<StockCount> {
    let count = state
        .run_approved(approval, move |s| s.count_commit(id))
        .await?;
    for line in &count.lines {
        if line.variance.is_some_and(|v| v != 0) {
            emit(&app, CatalogChanged(line.sku.clone()));
        }
    }
    emit(&app, PricesChanged);
    Ok(count)
}

#[tauri::command]
#[specta::specta]
pub async fn count_cancel(
    state: State<'_, AppState>,
    id: i64,
    approval: Option<Approval>,
) -> Res<StockCount> {
    state
        .run_approved(approval, move |s| s.count_cancel(id))
        .await
}

/// Products at or below their reorder point, with what to order.
#[tauri::command]
#[specta::specta]
pub async fn low_stock(state: State<'_, AppState>) -> Res<Vec<LowStock>> {
    state.run(|s| s.low_stock()).await
}

/// How many products are at or below their reorder point: the nav's badge.
#[tauri::command]
#[specta::specta]
pub async fn low_stock_count(state: State<'_, AppState>) -> Res<i64> {
    state.run(|s| s.low_stock_count()).await
}

/// "Create PO from suggestions": a draft purchase order to `supplier`.
#[tauri::command]
#[specta::specta]
pub async fn reorder_po(
    state: State<'_, AppState>,
    supplier: String,
    approval: Option<Approval>,
) -> Res<Reorder> {
    state
        .run_approved(approval, move |s| s.reorder_po(&supplier))
        .await
}
