//! Files the user gives the app (a license, a tiers document, a basket
//! file, a backup to restore) are chosen in the native file dialog, which
//! the backend opens and reads from: the window asks for "a license",
//! never sends a path, so no
//! script in it can make the app read a file the user did not choose. The
//! window's capability grants no dialog permission at all.

use std::path::PathBuf;

use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;

use crate::state::{Res, UiError};

/// What to ask for: the dialog's title and the file types it offers.
pub struct Ask {
    pub title: &'static str,
    pub filter: (&'static str, &'static [&'static str]),
}

pub const LICENSE: Ask = Ask {
    title: "Choose a license file",
    filter: ("Till license", &["json"]),
};

pub const TIERS: Ask = Ask {
    title: "Choose a tiers document",
    filter: ("Till tiers document", &["json"]),
};

pub const BASKETS: Ask = Ask {
    title: "Choose a basket file",
    filter: ("Baskets (FIMI or CSV)", &["dat", "txt", "fimi", "csv"]),
};

pub const BACKUP: Ask = Ask {
    title: "Choose a backup to restore",
    filter: ("Till backup", &["db"]),
};

/// The file the user chose, or the error `cancelled` when they closed the
/// dialog. The dialog blocks a worker thread, never the main one.
pub async fn choose(app: &AppHandle, ask: Ask) -> Res<PathBuf> {
    choose_in(app, ask, None).await
}

/// [`choose`], opening in `folder`.
///
/// Why a folder matters: the GTK file chooser reads the first bytes of the
/// files it lists (to tell their type), opening and closing them in this
/// process, and on Linux closing any descriptor of a file drops every
/// POSIX lock the process holds on it, SQLite's included. Listed, the
/// store's folder leaves the window's connection without its locks, and
/// another process (`till`) may then checkpoint and remove the WAL under
/// it. So the backups' dialog opens in the backup folder, never beside
/// the store.
pub async fn choose_in(app: &AppHandle, ask: Ask, folder: Option<PathBuf>) -> Res<PathBuf> {
    let mut dialog = app
        .dialog()
        .file()
        .set_title(ask.title)
        .add_filter(ask.filter.0, ask.filter.1)
        .add_filter("All files", &["*"]);
    if let Some(folder) = folder.filter(|f| f.is_dir()) {
        dialog = dialog.set_directory(folder);
    }
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .map_err(|e| UiError {
            code: "internal".into(),
            message: format!("the file dialog failed: {e}"),
        })?;
    let Some(chosen) = chosen else {
        return Err(UiError {
            code: "cancelled".into(),
            message: "no file was chosen".into(),
        });
    };
    chosen.into_path().map_err(|e| UiError {
        code: "invalid_input".into(),
        message: format!("the chosen file cannot be opened: {e}"),
    })
}
