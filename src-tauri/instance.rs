//! One running app per store file, and the window's size and position
//! remembered per store file.
//!
//! tauri-plugin-single-instance keys on a name: on Linux a D-Bus name on the
//! session bus, by default the app identifier. Keyed on the identifier, a
//! second app on a *different* store (a shop that keeps two, the window
//! tests opening one store after another) would only focus the first; so
//! the name here is the identifier plus a digest of the store's path
//! (`Builder::dbus_id`): a second start on the same store hands over and
//! exits, and the running window comes to the front; one on another store
//! starts. Without a session bus (a bare X server, as under `xvfb-run`) the
//! plugin finds no other instance and the app starts normally; SQLite's
//! locking still keeps two apps on one store safe. On Windows and macOS the
//! plugin keys only on the identifier, so it is registered on Linux only
//! (the platform Till is packaged for).
//!
//! tauri-plugin-window-state saves the window's size and position when the
//! app exits and restores them when it opens, in a file of the app's config
//! folder named after the same digest, so two stores' windows keep their
//! own places and a new store opens at the default size. The window itself
//! is not given the plugin's commands: nothing in it asks.

use std::path::Path;

use sha2::{Digest, Sha256};
use tauri::Runtime;
#[cfg(target_os = "linux")]
use tauri::{AppHandle, Manager};

/// A short, stable digest of the store's path (made absolute and resolved,
/// so two spellings of one file are one store).
pub fn store_key(store: &Path) -> String {
    let path = std::fs::canonicalize(store).unwrap_or_else(|_| store.to_path_buf());
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Adds the single-instance plugin for the store whose key is `key` (on
/// Linux; see above). First among the plugins: a second start on this
/// store hands over before anything else is set up.
pub fn one_app_per_store<R: Runtime>(
    builder: tauri::Builder<R>,
    identifier: &str,
    key: &str,
) -> tauri::Builder<R> {
    #[cfg(target_os = "linux")]
    {
        // A D-Bus name element may not start with a digit.
        let plugin = tauri_plugin_single_instance::Builder::new()
            .callback(|app, _args, _cwd| {
                tracing::info!("the app was started again on this store: showing its window");
                focus(app);
            })
            .dbus_id(format!("{identifier}.store_{key}"))
            .build();
        builder.plugin(plugin)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (identifier, key);
        builder
    }
}

/// The window-state plugin, saving to the store's own file.
pub fn window_state<R: Runtime>(key: &str) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_window_state::Builder::new()
        .with_filename(format!("window-{key}.json"))
        .build()
}

#[cfg(target_os = "linux")]
fn focus<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_store_has_one_key_and_two_stores_two() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.db");
        let b = dir.path().join("b.db");
        std::fs::write(&a, b"").unwrap();
        std::fs::write(&b, b"").unwrap();
        let a_again = dir.path().join(".").join("a.db");
        assert_eq!(store_key(&a), store_key(&a_again));
        assert_ne!(store_key(&a), store_key(&b));
        assert_eq!(store_key(&a).len(), 16);
    }
}
