//! Files the user gives the app (a license, a tiers document, a basket
//! file, a backup to restore, a receipt logo) and where a file the app
//! writes goes (a receipt's PDF) are chosen in the native file dialog, which
//! the backend opens and reads from: the window asks for "a license",
//! never sends a path, so no
//! script in it can make the app read a file the user did not choose. The
//! window's capability grants no dialog permission at all.
//!
//! The dialog runs in a short-lived process of its own (this binary,
//! started with `--choose-file`, see `file_chooser.rs`), never in the
//! app's. The GTK file chooser opens and closes the files it lists to tell
//! their type, and on Linux closing any descriptor of a file drops every
//! POSIX lock the closing process holds on it, SQLite's included. In the
//! app's process, a dialog listing the store's folder left the window's
//! connection without its locks, and another process (`till`) could then
//! checkpoint and remove the WAL under it. Locks belong to a process: the
//! dialog's process holds none, so what it opens and closes cannot drop
//! the app's.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::file_chooser::{self, Request};
use crate::state::{Res, UiError};

/// What to ask for: the dialog's title and the file types it offers.
pub struct Ask {
    pub title: &'static str,
    pub filter: (&'static str, &'static [&'static str]),
}

pub const LICENSE: Ask = Ask {
    title: "Choose a license file",
    filter: ("Till license", &["json"]),
};

pub const TIERS: Ask = Ask {
    title: "Choose a tiers document",
    filter: ("Till tiers document", &["json"]),
};

pub const BASKETS: Ask = Ask {
    title: "Choose a basket file",
    filter: ("Baskets (FIMI or CSV)", &["dat", "txt", "fimi", "csv"]),
};

pub const BACKUP: Ask = Ask {
    title: "Choose a backup to restore",
    filter: ("Till backup", &["db"]),
};

pub const PDF: Ask = Ask {
    title: "Save the receipt as PDF",
    filter: ("PDF", &["pdf"]),
};

pub const LOGO: Ask = Ask {
    title: "Choose the receipt logo",
    filter: ("PNG image", &["png"]),
};

/// Where to save a file the app writes ("save as", `name` suggested), or
/// the error `cancelled`. The backend writes the file, never the window.
pub async fn choose_save(ask: Ask, name: String) -> Res<PathBuf> {
    let request = Request {
        title: ask.title.into(),
        filter_name: ask.filter.0.into(),
        filter_ext: ask.filter.1.iter().map(|e| e.to_string()).collect(),
        folder: None,
        save: Some(name),
    };
    crate::state::blocking(move || ask_in_own_process(&request)).await
}

/// The file the user chose, or the error `cancelled` when they closed the
/// dialog. The dialog's process is waited for on a worker thread, never
/// the main one.
pub async fn choose(ask: Ask) -> Res<PathBuf> {
    choose_in(ask, None).await
}

/// [`choose`], opening in `folder` (when it is one).
pub async fn choose_in(ask: Ask, folder: Option<PathBuf>) -> Res<PathBuf> {
    let request = Request {
        title: ask.title.into(),
        filter_name: ask.filter.0.into(),
        filter_ext: ask.filter.1.iter().map(|e| e.to_string()).collect(),
        folder: folder.filter(|f| f.is_dir()),
        save: None,
    };
    crate::state::blocking(move || ask_in_own_process(&request)).await
}

fn ask_in_own_process(request: &Request) -> Res<PathBuf> {
    let internal = |why: String| UiError::new("internal", format!("the file dialog failed: {why}"));
    let exe = std::env::current_exe().map_err(|e| internal(e.to_string()))?;
    let mut child = Command::new(exe)
        .args(request.args())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| internal(format!("it could not start: {e}")))?;
    // Held open until the dialog has answered: it closes when this process
    // ends, and the dialog with it (see `file_chooser::end_with_the_app`).
    let app_alive = child.stdin.take();
    let out = child.wait_with_output();
    drop(app_alive);
    let out = out.map_err(|e| internal(e.to_string()))?;
    match out.status.code() {
        Some(0) => file_chooser::path_from(out.stdout)
            .filter(|p| p.is_absolute())
            .ok_or_else(|| {
                UiError::new(
                    "invalid_input",
                    "the chosen file cannot be opened: the dialog gave no file path",
                )
            }),
        Some(1) => Err(UiError::new("cancelled", "no file was chosen")),
        code => {
            let said = String::from_utf8_lossy(&out.stderr);
            // The reason is the dialog's last line; GTK may warn before it.
            let why = said.lines().rev().find(|l| !l.trim().is_empty());
            tracing::error!(?code, stderr = %said, "the file dialog failed");
            Err(internal(why.map_or_else(
                || format!("it ended with {:?}", out.status),
                str::to_owned,
            )))
        }
    }
}
