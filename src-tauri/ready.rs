//! How long the window takes to become usable: the UI says when its first
//! screen (the checkout, with its cart) is drawn, and the time since the
//! process started is logged at info level. `benches/startup.py` reads it.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

/// Called first thing in `run`.
pub fn mark_start() {
    START.get_or_init(Instant::now);
}

#[tauri::command]
#[specta::specta]
pub async fn ui_ready() -> crate::state::Res<()> {
    let ms = START.get().map_or(0, |t| t.elapsed().as_millis());
    tracing::info!("first screen drawn {ms} ms after start");
    Ok(())
}
