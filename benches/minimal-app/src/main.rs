//! One window and one command: the page calls `ready` once it has drawn,
//! and the app logs the time since it started, exactly as Till does.

use std::time::Instant;

static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

#[tauri::command]
fn ready() {
    let ms = START.get().map_or(0, |t| t.elapsed().as_millis());
    eprintln!("ready: first screen drawn {ms} ms after start");
}

fn main() {
    START.get_or_init(Instant::now);
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the minimal app failed to start");
}
