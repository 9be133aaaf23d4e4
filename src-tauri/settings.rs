//! The store's settings and the first-run set-up: thin handlers over
//! `Store::update_settings`, `Store::settings_changes` and
//! `Store::finish_setup`; the core reads and checks every field.

use tauri::{AppHandle, State};

use till_core::forms::{Catalog, SettingsForm, SetupForm};
use till_core::setting_changes::SettingChange;
use till_core::settings::Settings;

use crate::events::{emit, CatalogChanged, SettingsChanged};
use crate::state::{AppState, Res};

#[tauri::command]
#[specta::specta]
pub async fn settings_update(
    app: AppHandle,
    state: State<'_, AppState>,
    form: SettingsForm,
) -> Res<Settings> {
    let s = state
        .run(move |s| s.update_settings(form.update()?))
        .await?;
    emit(&app, SettingsChanged);
    Ok(s)
}

/// Newest first.
#[tauri::command]
#[specta::specta]
pub async fn settings_changes(state: State<'_, AppState>, limit: u32) -> Res<Vec<SettingChange>> {
    state.run(move |s| s.settings_changes(limit as usize)).await
}

#[tauri::command]
#[specta::specta]
pub async fn setup_finish(
    app: AppHandle,
    state: State<'_, AppState>,
    form: SetupForm,
) -> Res<Settings> {
    let demo = form.catalog == Catalog::Demo;
    let s = state.run(move |s| s.finish_setup(form.setup()?)).await?;
    emit(&app, SettingsChanged);
    if demo {
        emit(&app, CatalogChanged(String::new()));
    }
    Ok(s)
}
