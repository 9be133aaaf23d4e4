//! The background sender of the print and email queues: the sale queues
//! its receipt in its own transaction and returns; this thread sends what
//! is due, right after each sale (`wake`) and every few seconds, so a
//! printer that is off or a network that is down never holds the counter.
//! Emails wait until a mail server is set up.
//! Jobs that fail stay queued with their backoff (the core's); the window
//! hears `queue-changed` whenever the queue's counts change.
//!
//! On a thread of its own with a store connection of its own, opened
//! afresh for each run: sending blocks on the printer's timeout, never the
//! window's connection, and each run reads the settings as they are now.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

use tauri::AppHandle;

use crate::events::{emit, QueueChanged, QueueStatus};

/// How long the mail server gets to answer, per exchange.
const EMAIL_TIMEOUT: Duration = Duration::from_secs(15);

/// How often the queue is looked at when nothing wakes the task.
const EVERY: Duration = Duration::from_secs(3);

enum Wake {
    Now,
    Stop,
}

#[derive(Default)]
pub struct QueueTask {
    running: Mutex<Option<(Sender<Wake>, JoinHandle<()>)>>,
}

impl QueueTask {
    /// Starts the task on the store at `db`.
    pub fn start(&self, app: AppHandle, db: PathBuf) {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("print-queue".into())
            .spawn(move || {
                let mut last: Option<QueueStatus> = None;
                loop {
                    if let Some(status) = run_once(&db) {
                        if last.as_ref() != Some(&status) {
                            emit(&app, QueueChanged(status.clone()));
                            last = Some(status);
                        }
                    }
                    match rx.recv_timeout(EVERY) {
                        Ok(Wake::Now) | Err(RecvTimeoutError::Timeout) => continue,
                        Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            });
        match spawned {
            Ok(handle) => {
                if let Ok(mut running) = self.running.lock() {
                    *running = Some((tx, handle));
                }
            }
            Err(e) => tracing::error!(error = %e, "the print queue's sender not started"),
        }
    }

    /// Sends what is due now (after a sale, a retry or a settings change).
    pub fn wake(&self) {
        if let Ok(running) = self.running.lock() {
            if let Some((tx, _)) = running.as_ref() {
                let _ = tx.send(Wake::Now);
            }
        }
    }

    /// Stops the task at app exit, after the send under way (bounded by
    /// the print timeout); what is left stays queued for next time.
    pub fn stop(&self) {
        let taken = self.running.lock().ok().and_then(|mut r| r.take());
        if let Some((tx, handle)) = taken {
            let _ = tx.send(Wake::Stop);
            let _ = handle.join();
        }
    }
}

/// The print timeout: `$TILL_PRINT_TIMEOUT` seconds, else the core's default.
pub fn print_timeout() -> Duration {
    std::env::var("TILL_PRINT_TIMEOUT")
        .ok()
        .and_then(|t| till_core::printing::parse_timeout(&t).ok())
        .unwrap_or(Duration::from_secs(
            till_core::printing::DEFAULT_TIMEOUT_SECS,
        ))
}

/// One run: sends what is due and counts what is left. Failures are
/// logged, never fatal; the next run tries again.
fn run_once(db: &Path) -> Option<QueueStatus> {
    // The app's own work: on a store with staff nobody is signed in here.
    let mut store = match till_core::Store::open(db).map(till_core::Store::for_background) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "print queue: cannot open the store");
            return None;
        }
    };
    match store.send_print_jobs(print_timeout()) {
        Ok(report) => {
            for f in &report.failed {
                tracing::warn!(job = f.id, destination = %f.destination, error = %f.error, "print job not sent");
            }
        }
        Err(e) => tracing::error!(error = %e, "print queue: sending failed"),
    }
    let opts = till_core::email::EmailSendOptions {
        timeout: EMAIL_TIMEOUT,
        // As `till receipt send-queued` takes it; else the OS keyring's.
        password: std::env::var("TILL_SMTP_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty()),
        all: false,
    };
    match store.smtp_settings() {
        // No mail server: emails wait in the queue until one is set up.
        Ok(None) => {}
        Ok(Some(_)) => {
            if let Err(e) = store.send_queued_emails(&opts) {
                tracing::warn!(error = %e, "email queue: sending failed");
            }
        }
        Err(e) => tracing::error!(error = %e, "email queue: cannot read the mail server"),
    }
    match status(&store) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::error!(error = %e, "print queue: cannot read it");
            None
        }
    }
}

/// How many jobs there are too many to look at: the badge counts the
/// newest ones (a queue this long has been failing for days anyway).
const COUNTED: i64 = 1000;

/// The queue's counts: jobs waiting and jobs that failed at least once
/// and are not sent yet.
pub fn status(store: &till_core::Store) -> till_core::Result<QueueStatus> {
    use till_core::email::EmailState;
    use till_core::print_queue::JobState;
    let mut s = QueueStatus::default();
    for job in store.print_jobs(COUNTED)? {
        match job.state {
            JobState::Sent => {}
            JobState::Failed => s.print_failed += 1,
            JobState::Queued if job.attempts > 0 => s.print_failed += 1,
            JobState::Queued => s.print_waiting += 1,
        }
    }
    for job in store.email_jobs(COUNTED as usize)? {
        match job.state {
            EmailState::Sent => {}
            EmailState::Failed => s.email_failed += 1,
            EmailState::Queued if job.attempts > 0 => s.email_failed += 1,
            EmailState::Queued => s.email_waiting += 1,
        }
    }
    Ok(s)
}
