//! Receipts in the window: what a scan names (a product or an order for a
//! return), the receipt as printed, reprints, gift receipts, the PDF saved
//! where the user chooses, and email. One core call per handler.

use tauri::{AppHandle, Manager, State};

use till_core::print_queue::PrintJob;
use till_core::print_queue::ReceiptOptions;
use till_core::scan::Scanned;

use crate::queue_task::{self, QueueTask};
use crate::state::{AppState, Res};

/// What a scanned or typed code names: a product, an order (its receipt
/// number, the receipt's QR text, a refund's id) or nothing of the shop's.
#[tauri::command]
#[specta::specta]
pub async fn scan_resolve(state: State<'_, AppState>, text: String) -> Res<Scanned> {
    state.run(move |s| s.resolve_scan(&text)).await
}

/// Prints the receipt again on the shop's printer: `copy` marks it COPY,
/// `gift` leaves the prices out. A printer that does not take it within
/// the timeout leaves the job queued (the queue's sender retries it) and
/// says so.
#[tauri::command]
#[specta::specta]
pub async fn receipt_print(
    app: AppHandle,
    state: State<'_, AppState>,
    reference: String,
    gift: bool,
    copy: bool,
) -> Res<PrintJob> {
    let timeout = queue_task::print_timeout();
    let job = state
        .run(move |s| {
            let opts = ReceiptOptions {
                gift,
                copy,
                ..ReceiptOptions::default()
            };
            s.print_receipt(&reference, None, &opts, timeout)
        })
        .await;
    app.state::<QueueTask>().wake();
    job
}
