//! Where the app's logs go: stderr, as always (filtered by `RUST_LOG`), and
//! a file in the app's data folder, `till/logs` beside the default store
//! (the same data folder `till` and the app use for `till/till.db`), so a
//! shop without a terminal still has them. The file starts a new day's log
//! at midnight (UTC) and keeps the newest [`KEEP_FILES`].

use std::path::PathBuf;

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::{EnvFilter, LevelFilter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, Layer};

/// How many daily log files are kept: two weeks.
pub const KEEP_FILES: usize = 14;

/// The folder the log files are written to, if the logs could be set up
/// there (the About panel shows it).
pub struct LogFolder(pub Option<PathBuf>);

/// The log folder: `till/logs` in the user's data folder (`$XDG_DATA_HOME`,
/// else `~/.local/share` on Linux); none on a system without one.
pub fn folder() -> Option<PathBuf> {
    let till = till_core::input::store_path::IN_DATA_DIR[0];
    dirs::data_dir().map(|d| d.join(till).join("logs"))
}

/// Sets up both outputs, once, first thing. A log folder that cannot be
/// written is no reason not to sell: the app then logs to stderr only, and
/// says so there.
pub fn init() -> LogFolder {
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(EnvFilter::from_default_env());
    let (file, folder, failed) = match folder().map(|dir| (open(&dir), dir)) {
        Some((Ok(appender), dir)) => {
            // The file keeps what happened (info and up) unless `RUST_LOG`
            // asks for more or less. Written as each line comes, not through
            // a background writer: a line logged just before a crash or
            // `exit` is kept, and the app logs little.
            let layer = fmt::layer()
                .with_ansi(false)
                .with_writer(appender)
                .with_filter(
                    EnvFilter::builder()
                        .with_default_directive(LevelFilter::INFO.into())
                        .from_env_lossy(),
                );
            (Some(layer), Some(dir), None)
        }
        Some((Err(e), dir)) => (None, None, Some(format!("{}: {e}", dir.display()))),
        None => (
            None,
            None,
            Some("this system has no user data folder".into()),
        ),
    };
    tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .init();
    if let Some(why) = failed {
        tracing::warn!(%why, "no log file, logging to stderr only");
    }
    LogFolder(folder)
}

fn open(dir: &std::path::Path) -> Result<RollingFileAppender, String> {
    // The appender prunes old files before it creates the folder.
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("till")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|e| e.to_string())
}
