//! The About panel: which version runs, on which store, and where its logs
//! and backups go.

use serde::Serialize;
use tauri::{AppHandle, State};

use crate::logs::LogFolder;
use crate::state::{AppState, Res};

#[derive(Debug, Serialize, specta::Type)]
pub struct AppInfo {
    /// The app's version.
    pub version: String,
    /// The store file this window sells from.
    pub store_path: String,
    /// Where the log files are; null when the app logs to stderr only.
    pub log_folder: Option<String>,
    /// Where backups go.
    pub backup_folder: String,
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(
    app: AppHandle,
    state: State<'_, AppState>,
    logs: State<'_, LogFolder>,
) -> Res<AppInfo> {
    let version = app.package_info().version.to_string();
    let log_folder = logs.0.as_ref().map(|p| p.display().to_string());
    state
        .run(move |s| {
            Ok(AppInfo {
                version,
                store_path: s.path().display().to_string(),
                log_folder,
                backup_folder: s.settings().backup_folder(s.path()).display().to_string(),
            })
        })
        .await
}
