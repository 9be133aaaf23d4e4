//! The app's state and the one way a handler reaches the store:
//! `state.run(move |store| store.core_call(..)).await`. The closure runs on
//! tokio's blocking pool, so neither the window's main thread nor an async
//! worker ever waits on SQLite, and the core's error comes back as the
//! window's `{code, message}`.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use till_core::Store;

use crate::sync_task;

/// What the window sees when a command fails: a stable code and a message
/// it shows as it is.
#[derive(Debug, Serialize, specta::Type)]
pub struct UiError {
    pub code: String,
    pub message: String,
}

impl UiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        UiError {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl From<till_core::Error> for UiError {
    fn from(e: till_core::Error) -> Self {
        if !e.is_user_error() {
            tracing::error!(error = %e, "command failed");
        }
        UiError::new(e.code(), crate::wording::message(&e))
    }
}

pub type Res<T> = Result<T, UiError>;

/// A manager's (or the owner's) name and PIN, given on the counter's
/// screen when the member signed in may not do something alone: the
/// handler of that action takes it (`AppState::run_approved`) and the core
/// records the action with both names.
#[derive(Debug, Deserialize, specta::Type)]
pub struct Approval {
    pub name: String,
    pub pin: String,
}

/// The one store connection of this window, shared by the command handlers,
/// and the background sync task (which has a connection of its own).
pub struct AppState {
    pub store: Arc<Mutex<Store>>,
    pub sync: sync_task::SyncTask,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        AppState {
            store: Arc::new(Mutex::new(store)),
            sync: sync_task::SyncTask::default(),
        }
    }

    /// `run`, with a manager's approval when the window brings one: the
    /// approver is set for this one call and cleared after it, under the
    /// same lock, so no other command ever runs with it.
    pub async fn run_approved<T, F>(&self, approval: Option<Approval>, f: F) -> Res<T>
    where
        F: FnOnce(&mut Store) -> till_core::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |s| match approval {
            None => f(s),
            Some(a) => {
                s.approve(&a.name, &a.pin)?;
                let done = f(s);
                s.clear_approval();
                done
            }
        })
        .await
    }

    /// Runs one core call with the store, off the main thread, and maps its
    /// error for the window.
    pub async fn run<T, F>(&self, f: F) -> Res<T>
    where
        F: FnOnce(&mut Store) -> till_core::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let store = Arc::clone(&self.store);
        blocking(move || {
            let mut store = store.lock().map_err(|_| {
                UiError::new(
                    "internal",
                    "the store is unavailable after an earlier failure; restart Till",
                )
            })?;
            Ok(f(&mut store)?)
        })
        .await
    }
}

/// Runs blocking work that is not a store call (the OS keyring) on the
/// blocking pool too.
pub async fn blocking<T, F>(f: F) -> Res<T>
where
    F: FnOnce() -> Res<T> + Send + 'static,
    T: Send + 'static,
{
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| UiError::new("internal", format!("a worker thread failed: {e}")))?
}
