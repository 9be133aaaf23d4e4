//! How the window's web view draws. Till's screens are forms and lists with
//! no animation worth a GPU, so WebKit paints them without accelerated
//! compositing: measured with `benches/startup.py`, compositing cost the web
//! process about 90 MiB and the first screen about half a second under a
//! software renderer, and on real machines it is the usual cause of blank
//! windows with unlucky graphics drivers.

use tauri::{Manager, Runtime};

/// Applied once, to the main window, before its page has drawn anything.
pub fn configure<R: Runtime>(app: &tauri::App<R>) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    #[cfg(target_os = "linux")]
    if let Err(e) = window.with_webview(|view| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&view.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    }) {
        tracing::warn!(error = %e, "web view settings not applied");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
