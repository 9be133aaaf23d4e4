//! Automatic backups while the app runs: one at start when the newest
//! backup is older than the interval (or there is none), then one whenever
//! the interval has passed again, checked every few minutes. Each is logged.
//!
//! On a thread of its own with a store connection of its own, opened
//! afresh for each check: a copy never holds the window's store (the
//! counter keeps selling while it is made, see `till_core::backup`), and
//! each check reads the backup settings as they are now.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the task asks whether a backup is due.
const CHECK_EVERY: Duration = Duration::from_secs(10 * 60);

#[derive(Default)]
pub struct BackupTask {
    running: Mutex<Option<(Sender<()>, JoinHandle<()>)>>,
}

impl BackupTask {
    /// Starts the task on the store at `db`.
    pub fn start(&self, db: PathBuf) {
        let (stop, stopped) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("backups".into())
            .spawn(move || loop {
                check(&db);
                match stopped.recv_timeout(CHECK_EVERY) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    _ => return,
                }
            });
        match spawned {
            Ok(handle) => {
                if let Ok(mut running) = self.running.lock() {
                    *running = Some((stop, handle));
                }
            }
            Err(e) => tracing::error!(error = %e, "automatic backups not started"),
        }
    }

    /// Stops the task at app exit. A backup being written is finished
    /// first (it is a few seconds at most; an unfinished one would only
    /// leave a temporary file).
    pub fn stop(&self) {
        let taken = self.running.lock().ok().and_then(|mut r| r.take());
        if let Some((stop, handle)) = taken {
            let _ = stop.send(());
            let _ = handle.join();
        }
    }
}

/// One check: a backup if one is due. Failures are logged, never fatal:
/// the shop keeps selling, and the next check tries again.
fn check(db: &std::path::Path) {
    // The app's own work: on a store with staff nobody is signed in here,
    // and the core lets a background connection make the backup.
    let store = match till_core::Store::open(db).map(till_core::Store::for_background) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "automatic backup: cannot open the store");
            return;
        }
    };
    match store.backup_due() {
        Ok(false) => {}
        Ok(true) => match store.backup(None) {
            Ok(made) => tracing::info!(
                path = %made.path.display(),
                orders = made.orders,
                "automatic backup made"
            ),
            Err(e) => tracing::error!(error = %e, "automatic backup failed"),
        },
        Err(e) => tracing::error!(error = %e, "automatic backup: cannot tell whether one is due"),
    }
}
