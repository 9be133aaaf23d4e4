//! Email receipts from the window: the shop's mail server (the password
//! goes to the OS keyring through the core, never the store) and the email
//! queue's jobs with retry. The background sender (`queue_task.rs`) mails
//! what is queued.

use tauri::{AppHandle, Manager, State};

use till_core::email::{EmailJob, SmtpSettings};
use till_core::forms::SmtpForm;

use crate::queue_task::QueueTask;
use crate::state::{AppState, Res};

/// The mail server, if one is set up (no secret in it).
#[tauri::command]
#[specta::specta]
pub async fn smtp_get(state: State<'_, AppState>) -> Res<Option<SmtpSettings>> {
    state.run(|s| s.smtp_settings()).await
}

/// Sets the mail server; the core reads and checks every field.
#[tauri::command]
#[specta::specta]
pub async fn smtp_update(state: State<'_, AppState>, form: SmtpForm) -> Res<SmtpSettings> {
    state.run(move |s| s.set_smtp(form.parse()?)).await
}

/// Keeps the mail server's password in the OS keyring.
#[tauri::command]
#[specta::specta]
pub async fn smtp_password_set(state: State<'_, AppState>, password: String) -> Res<()> {
    state.run(move |s| s.set_smtp_password(&password)).await
}

/// The newest `limit` email jobs, newest first.
#[tauri::command]
#[specta::specta]
pub async fn email_jobs_list(state: State<'_, AppState>, limit: u32) -> Res<Vec<EmailJob>> {
    state.run(move |s| s.email_jobs(limit as usize)).await
}

/// Makes email job `id` due now (a failed one too); the sender mails it.
#[tauri::command]
#[specta::specta]
pub async fn email_job_retry(app: AppHandle, state: State<'_, AppState>, id: i64) -> Res<EmailJob> {
    let job = state.run(move |s| s.retry_email_job(id)).await?;
    app.state::<QueueTask>().wake();
    Ok(job)
}
