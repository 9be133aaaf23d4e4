//! The receipt printer from the window: a test page, the cash drawer, and
//! the print queue (its counts for the status bar, its jobs, retry). The
//! printer's settings are saved with the others (`settings_update`). One
//! core call per handler; sends wait for the printer at most the print
//! timeout, and a job the printer did not take stays queued for the
//! background sender (`queue_task.rs`).

use tauri::{AppHandle, Manager, State};

use till_core::print_queue::PrintJob;
use till_core::printing::SendReport;

use crate::events::QueueStatus;
use crate::queue_task::{self, print_timeout, QueueTask};
use crate::state::{AppState, Res};

/// Prints a test page on the shop's printer.
#[tauri::command]
#[specta::specta]
pub async fn printer_test(app: AppHandle, state: State<'_, AppState>) -> Res<PrintJob> {
    let timeout = print_timeout();
    let job = state.run(move |s| s.print_test(None, timeout)).await;
    app.state::<QueueTask>().wake();
    job
}

/// Opens the cash drawer behind the printer (audited).
#[tauri::command]
#[specta::specta]
pub async fn drawer_open(app: AppHandle, state: State<'_, AppState>) -> Res<PrintJob> {
    let timeout = print_timeout();
    let job = state.run(move |s| s.open_drawer(timeout)).await;
    app.state::<QueueTask>().wake();
    job
}

/// What the queues hold that is not sent, for the status bar.
#[tauri::command]
#[specta::specta]
pub async fn queue_status(state: State<'_, AppState>) -> Res<QueueStatus> {
    state.run(|s| queue_task::status(s)).await
}

/// The newest `limit` print jobs, newest first.
#[tauri::command]
#[specta::specta]
pub async fn print_jobs_list(state: State<'_, AppState>, limit: u32) -> Res<Vec<PrintJob>> {
    state.run(move |s| s.print_jobs(i64::from(limit))).await
}

/// Sends job `id` (all unsent ones when null) now, given-up ones too.
#[tauri::command]
#[specta::specta]
pub async fn print_jobs_retry(
    app: AppHandle,
    state: State<'_, AppState>,
    id: Option<i64>,
) -> Res<SendReport> {
    let timeout = print_timeout();
    let report = state.run(move |s| s.retry_print_jobs(id, timeout)).await;
    app.state::<QueueTask>().wake();
    report
}
