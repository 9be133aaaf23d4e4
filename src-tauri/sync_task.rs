//! The background sync task: delivers the outbox while the window is open,
//! on a store connection of its own, so the counter never waits for the
//! network. Stops cleanly when the app exits; whatever was not confirmed by
//! the upstream stays in the outbox for next time.
//!
//! It runs on a thread of its own with its own single-threaded runtime:
//! the engine's SQLite calls block (busy waits, fsync on commit), and here
//! they block only this thread, never a worker of Tauri's async runtime
//! that serves the window's commands.

use std::path::PathBuf;
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use till_sync::SyncOptions;
use tokio::sync::watch;

#[derive(Default)]
pub struct SyncTask {
    running: Mutex<Option<(watch::Sender<bool>, JoinHandle<()>)>>,
}

impl SyncTask {
    /// Starts the task if an endpoint and a token are set up and it is not
    /// running yet. Returns why it cannot run, if it cannot.
    pub fn ensure_started(&self, db: PathBuf, endpoint: Option<String>) -> Result<(), String> {
        let mut running = self
            .running
            .lock()
            .map_err(|_| "sync task state poisoned".to_string())?;
        if let Some((_, handle)) = running.as_ref() {
            if !handle.is_finished() {
                return Ok(());
            }
        }
        let endpoint =
            endpoint.ok_or_else(|| "no upstream set up: log in on the Sync screen".to_string())?;
        let token = till_sync::token::load(&endpoint).map_err(|e| e.to_string())?;
        let (tx, mut rx) = watch::channel(false);
        let handle = std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        tracing::error!(error = %e, "sync task cannot start its runtime");
                        return;
                    }
                };
                // The app's own connection: delivering the outbox is not a
                // person's command, so it runs on a store with staff too.
                let mut store =
                    match till_core::Store::open(&db).map(till_core::Store::for_background) {
                        Ok(s) => s,
                        Err(e) => {
                            tracing::error!(error = %e, "sync task cannot open the store");
                            return;
                        }
                    };
                let opts = SyncOptions::new(endpoint, token);
                if let Err(e) = runtime.block_on(till_sync::run_forever(&mut store, &opts, &mut rx))
                {
                    tracing::error!(error = %e, "sync task stopped");
                }
            })
            .map_err(|e| format!("cannot start the sync thread: {e}"))?;
        *running = Some((tx, handle));
        Ok(())
    }

    /// Asks the task to stop and waits for it (bounded), at app exit.
    pub fn stop(&self) {
        let taken = self.running.lock().ok().and_then(|mut r| r.take());
        if let Some((tx, handle)) = taken {
            let _ = tx.send(true);
            // A thread cannot be joined with a timeout: wait for it to end,
            // at most 5 s (a stuck request is abandoned; its events stay).
            let deadline = Instant::now() + Duration::from_secs(5);
            while !handle.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            if handle.is_finished() {
                let _ = handle.join();
            }
        }
    }
}
