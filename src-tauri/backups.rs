//! The store's backups in the window: the list, "Back up now", and restore
//! in two steps. First the file to restore is named (chosen in the native
//! file dialog, or one of the backup folder's own, named by the file name
//! the list gave) and verified; the window shows what would be replaced.
//! Then, once the owner confirms, that same file is restored. The window
//! never sends a path: the backend keeps the file between the two steps.
//! After a restore every screen is stale, so the window starts afresh.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, State};

use till_core::backup::{Backup, Restored, Verified};

use crate::events::{emit, CatalogChanged, OrdersChanged, PricesChanged, SettingsChanged};
use crate::files;
use crate::state::{AppState, Res, UiError};

/// The file a restore was offered for, waiting for the owner's yes.
#[derive(Default)]
pub struct PendingRestore(Mutex<Option<PathBuf>>);

/// What a restore would do, for the owner to confirm.
#[derive(Debug, Serialize, specta::Type)]
pub struct RestoreOffer {
    /// The file that would be restored, and what it holds.
    pub file: String,
    pub verified: Verified,
    /// The store it would replace.
    pub store_path: String,
    /// Where the replaced store is kept first.
    pub backup_folder: String,
}

/// The backup folder's backups, newest first.
#[tauri::command]
#[specta::specta]
pub async fn backups_list(state: State<'_, AppState>) -> Res<Vec<Backup>> {
    state.run(|s| s.backups()).await
}

/// A backup now, into the backup folder (pruned to the newest kept).
#[tauri::command]
#[specta::specta]
pub async fn backup_now(state: State<'_, AppState>) -> Res<Backup> {
    let made = state.run(|s| s.backup(None)).await?;
    tracing::info!(path = %made.path.display(), orders = made.orders, "backup made");
    Ok(made)
}

/// Asks for a file in the native dialog, opened in the backup folder (where
/// the backups are), and verifies it.
#[tauri::command]
#[specta::specta]
pub async fn restore_choose(
    state: State<'_, AppState>,
    pending: State<'_, PendingRestore>,
) -> Res<RestoreOffer> {
    let folder = state.run(|s| Ok(s.backup_folder())).await?;
    let file = files::choose_in(files::BACKUP, Some(folder)).await?;
    offer(&state, &pending, file).await
}

/// Verifies one of the backup folder's own backups, named by its file name
/// as the list gave it.
#[tauri::command]
#[specta::specta]
pub async fn restore_listed(
    state: State<'_, AppState>,
    pending: State<'_, PendingRestore>,
    name: String,
) -> Res<RestoreOffer> {
    let file = state
        .run(move |s| s.backup_named(&name))
        .await?
        .ok_or_else(|| {
            UiError::new("not_found", "that backup is no longer in the backup folder")
        })?;
    offer(&state, &pending, file).await
}

/// Restores the file of the last offer. The replaced store is kept as a
/// backup first; the window then starts afresh on the restored store.
#[tauri::command]
#[specta::specta]
pub async fn restore_confirm(
    app: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, PendingRestore>,
) -> Res<Restored> {
    let file = take(&pending)?
        .ok_or_else(|| UiError::new("conflict", "choose the backup to restore first"))?;
    let restored = state
        .run(move |s| {
            let restored = s.restore(&file)?;
            // The app reopens on the restored store: a fresh connection,
            // as at start, for the same cashier.
            let mut reopened = till_core::Store::open(s.path())?;
            reopened.set_user(s.user())?;
            *s = reopened;
            Ok(restored)
        })
        .await?;
    tracing::info!(
        kept = %restored.kept.path.display(),
        orders = restored.restored.orders,
        "store restored from a backup"
    );
    emit(&app, SettingsChanged);
    emit(&app, CatalogChanged(String::new()));
    emit(&app, OrdersChanged(String::new()));
    emit(&app, PricesChanged);
    Ok(restored)
}

/// Forgets the offer (the owner said no).
#[tauri::command]
#[specta::specta]
pub async fn restore_cancel(pending: State<'_, PendingRestore>) -> Res<()> {
    take(&pending).map(|_| ())
}

async fn offer(state: &AppState, pending: &PendingRestore, file: PathBuf) -> Res<RestoreOffer> {
    take(pending)?;
    let checked = file.clone();
    let offer = state
        .run(move |s| {
            let verified = till_core::backup::verify(&checked)?;
            Ok(RestoreOffer {
                file: checked.display().to_string(),
                verified,
                store_path: s.path().display().to_string(),
                backup_folder: s.backup_folder().display().to_string(),
            })
        })
        .await?;
    *pending
        .0
        .lock()
        .map_err(|_| UiError::new("internal", "the restore state is unavailable"))? = Some(file);
    Ok(offer)
}

fn take(pending: &PendingRestore) -> Res<Option<PathBuf>> {
    Ok(pending
        .0
        .lock()
        .map_err(|_| UiError::new("internal", "the restore state is unavailable"))?
        .take())
}
