//! The native file dialog, run in a short-lived process of its own: the app
//! starts its own binary as
//!
//! ```text
//! till-desktop --choose-file --title T --filter-name N --filter-ext json [--filter-ext ..] [--folder DIR] [--save NAME]
//! ```
//!
//! (`--save NAME`: a "save as" dialog with NAME suggested, for a file the
//! app writes, such as a receipt's PDF.)
//!
//! and `main` hands such a start to [`answer`] before anything else runs:
//! no store, no log file, no Tauri, no single-instance check. The dialog
//! writes the chosen path to stdout (its bytes, nothing else) and exits 0;
//! 1 when the user cancelled; 2 with the reason on stderr when it could not
//! ask. `files.rs` is the app's side. Why a process: see `files.rs`.
//!
//! The process ends with [`quit`], never by returning from `main`: rfd
//! keeps GTK's main loop running on a thread of its own for as long as the
//! process lives, and the C library's exit handlers, which a normal exit
//! runs, tear down what that thread is still using. On some machines that
//! crashed the dialog (SIGSEGV) after it had answered.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::PathBuf;

/// The first argument of a file-dialog start.
pub const FLAG: &str = "--choose-file";

/// What the dialog asks for.
#[derive(Debug, PartialEq)]
pub struct Request {
    pub title: String,
    pub filter_name: String,
    pub filter_ext: Vec<String>,
    /// The folder it opens in; the dialog's own choice when `None`.
    pub folder: Option<PathBuf>,
    /// A "save as" dialog with this file name suggested; an "open" one
    /// when `None`.
    pub save: Option<String>,
}

impl Request {
    /// The arguments that start the dialog process for this request.
    pub fn args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![
            FLAG.into(),
            "--title".into(),
            self.title.as_str().into(),
            "--filter-name".into(),
            self.filter_name.as_str().into(),
        ];
        for ext in &self.filter_ext {
            args.extend(["--filter-ext".into(), ext.as_str().into()]);
        }
        if let Some(folder) = &self.folder {
            args.extend(["--folder".into(), folder.clone().into_os_string()]);
        }
        if let Some(name) = &self.save {
            args.extend(["--save".into(), name.as_str().into()]);
        }
        args
    }

    /// Reads the arguments after [`FLAG`].
    fn parse(mut args: impl Iterator<Item = OsString>) -> Result<Request, String> {
        let mut request = Request {
            title: String::new(),
            filter_name: String::new(),
            filter_ext: Vec::new(),
            folder: None,
            save: None,
        };
        while let Some(flag) = args.next() {
            let flag = flag.to_string_lossy().into_owned();
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let text = || {
                value
                    .to_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{flag}: not UTF-8"))
            };
            match flag.as_str() {
                "--title" => request.title = text()?,
                "--filter-name" => request.filter_name = text()?,
                "--filter-ext" => request.filter_ext.push(text()?),
                "--folder" => request.folder = Some(PathBuf::from(value)),
                "--save" => request.save = Some(text()?),
                _ => return Err(format!("unknown argument {flag}")),
            }
        }
        if request.title.is_empty() || request.filter_name.is_empty() {
            return Err("--title and --filter-name are needed".into());
        }
        if request.filter_ext.is_empty() {
            return Err("at least one --filter-ext is needed".into());
        }
        Ok(request)
    }
}

/// `None` unless the arguments (after the program name) start with
/// [`FLAG`]; then asks in the dialog and gives the process's exit code,
/// for [`quit`].
pub fn answer(mut args: impl Iterator<Item = OsString>) -> Option<u8> {
    if args.next().as_deref() != Some(OsStr::new(FLAG)) {
        return None;
    }
    let request = match Request::parse(args) {
        Ok(r) => r,
        Err(why) => return Some(failed(&format!("invalid file dialog request: {why}"))),
    };
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        // rfd waits forever for a GTK that cannot start; say so instead.
        return Some(failed("no display to show the file dialog on"));
    }
    end_with_the_app();
    let mut dialog = rfd::FileDialog::new()
        .set_title(&request.title)
        .add_filter(&request.filter_name, &request.filter_ext)
        .add_filter("All files", &["*"]);
    if let Some(folder) = &request.folder {
        dialog = dialog.set_directory(folder);
    }
    let chosen = match &request.save {
        Some(name) => dialog.set_file_name(name).save_file(),
        None => dialog.pick_file(),
    };
    let Some(chosen) = chosen else {
        return Some(1);
    };
    let Some(bytes) = path_bytes(chosen.as_os_str()) else {
        return Some(failed("the chosen path cannot be passed on"));
    };
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        return Some(failed(&format!("the chosen path was not passed on: {e}")));
    }
    Some(0)
}

/// The app holds the write end of this process's stdin until it has the
/// answer; when it closes (the app quit or crashed), no one is left to
/// read the answer, so the dialog goes too, as it did in the app's process.
fn end_with_the_app() {
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        quit(1);
    });
}

fn failed(why: &str) -> u8 {
    eprintln!("{why}");
    2
}

/// Ends the dialog's process with `code` at once, after its answer is
/// flushed, without the exit handlers (see the module's comment).
pub fn quit(code: u8) -> ! {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(unix)]
    {
        // SAFETY: `_exit` only ends the process; it touches no Rust state.
        unsafe { libc::_exit(i32::from(code)) }
    }
    #[cfg(not(unix))]
    {
        std::process::exit(i32::from(code))
    }
}

/// The path as the bytes the app reads back (any bytes on Unix; UTF-8
/// elsewhere).
#[cfg(unix)]
fn path_bytes(path: &OsStr) -> Option<&[u8]> {
    use std::os::unix::ffi::OsStrExt;
    Some(path.as_bytes())
}

#[cfg(not(unix))]
fn path_bytes(path: &OsStr) -> Option<&[u8]> {
    path.to_str().map(str::as_bytes)
}

/// The path the dialog process wrote (see [`path_bytes`]).
#[cfg(unix)]
pub fn path_from(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
pub fn path_from(bytes: Vec<u8>) -> Option<PathBuf> {
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_reads_back_from_its_arguments() {
        let asked = Request {
            title: "Choose a basket file".into(),
            filter_name: "Baskets (FIMI or CSV)".into(),
            filter_ext: vec!["dat".into(), "csv".into()],
            folder: Some(PathBuf::from("/srv/shop/backups")),
            save: None,
        };
        let mut args = asked.args().into_iter();
        assert_eq!(args.next().as_deref(), Some(OsStr::new(FLAG)));
        assert_eq!(Request::parse(args), Ok(asked));
        let asked = Request {
            title: "Save the receipt as PDF".into(),
            filter_name: "PDF".into(),
            filter_ext: vec!["pdf".into()],
            folder: None,
            save: Some("receipt T1-000001.pdf".into()),
        };
        let mut args = asked.args().into_iter();
        assert_eq!(args.next().as_deref(), Some(OsStr::new(FLAG)));
        assert_eq!(Request::parse(args), Ok(asked));
    }

    #[test]
    fn other_starts_are_not_dialog_requests() {
        let args = ["--db", "/srv/shop/till.db"].map(OsString::from);
        assert!(answer(args.into_iter()).is_none());
        assert!(answer(std::iter::empty()).is_none());
    }

    #[test]
    fn a_bad_request_is_refused_with_the_reason() {
        let parse = |a: &[&str]| Request::parse(a.iter().map(OsString::from));
        let why = parse(&["--title", "T", "--filter-name"]).unwrap_err();
        assert_eq!(why, "--filter-name needs a value");
        let why = parse(&["--title", "T", "--filter-name", "N"]).unwrap_err();
        assert!(why.contains("--filter-ext"), "{why}");
        let why = parse(&["--size", "9"]).unwrap_err();
        assert_eq!(why, "unknown argument --size");
    }
}
