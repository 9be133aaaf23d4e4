//! Receipts in the window: what a scan names (a product or an order for a
//! return), the receipt as printed, reprints, gift receipts, the PDF saved
//! where the user chooses, and email. One core call per handler.

use tauri::{AppHandle, Manager, State};

use till_core::email::EmailJob;
use till_core::print_queue::PrintJob;
use till_core::receipt::{LogoInfo, ReceiptOptions};
use till_core::scan::Scanned;

use crate::events::{emit, SettingsChanged};
use crate::files;
use crate::queue_task::{self, QueueTask};
use crate::state::{AppState, Res};

/// What a scanned or typed code names: a product, an order (its receipt
/// number, the receipt's QR text, a refund's id) or nothing of the shop's.
#[tauri::command]
#[specta::specta]
pub async fn scan_resolve(state: State<'_, AppState>, text: String) -> Res<Scanned> {
    state.run(move |s| s.resolve_scan(&text)).await
}

/// The receipt as printed, for the receipt view (`gift`: without prices).
#[tauri::command]
#[specta::specta]
pub async fn receipt_text(
    state: State<'_, AppState>,
    reference: String,
    gift: bool,
) -> Res<String> {
    state
        .run(move |s| {
            let opts = ReceiptOptions {
                gift,
                ..ReceiptOptions::default()
            };
            s.receipt_text(&reference, &opts)
        })
        .await
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

/// The receipt's logo, if the shop has one.
#[tauri::command]
#[specta::specta]
pub async fn receipt_logo_get(state: State<'_, AppState>) -> Res<Option<LogoInfo>> {
    state.run(|s| s.receipt_logo_info()).await
}

/// A new logo, chosen in the native file dialog (the backend reads the
/// file; the core checks it is a PNG it can print).
#[tauri::command]
#[specta::specta]
pub async fn receipt_logo_choose(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Res<Option<LogoInfo>> {
    let path = files::choose(files::LOGO).await?;
    let info = state
        .run(move |s| {
            let png = till_core::receipt::read_logo_file(&path)?;
            s.set_receipt_logo(&png).map(Some)
        })
        .await?;
    emit(&app, SettingsChanged);
    Ok(info)
}

/// Receipts without a logo from now on.
#[tauri::command]
#[specta::specta]
pub async fn receipt_logo_remove(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Res<Option<LogoInfo>> {
    state.run(|s| s.clear_receipt_logo()).await?;
    emit(&app, SettingsChanged);
    Ok(None)
}

/// Saves the receipt as a PDF (an 80 mm roll) where the user chooses in
/// the native "save as" dialog; the path it was written to.
#[tauri::command]
#[specta::specta]
pub async fn receipt_save_pdf(state: State<'_, AppState>, reference: String) -> Res<String> {
    let name = format!("receipt {}.pdf", reference.trim());
    let path = files::choose_save(files::PDF, name).await?;
    state
        .run(move |s| {
            let pdf = s.receipt_pdf(&reference, till_core::pdf::parse_paper("80mm")?)?;
            till_core::save::save_file(&path, &pdf)?;
            Ok(path.display().to_string())
        })
        .await
}

/// Queues the receipt, as a PDF, for `to`; the background sender mails it
/// when the mail server can be reached.
#[tauri::command]
#[specta::specta]
pub async fn receipt_email(
    app: AppHandle,
    state: State<'_, AppState>,
    reference: String,
    to: String,
) -> Res<EmailJob> {
    let job = state.run(move |s| s.email_receipt(&reference, &to)).await?;
    app.state::<QueueTask>().wake();
    Ok(job)
}
