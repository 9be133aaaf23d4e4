//! The desktop shell: opens the store, registers the command handlers and
//! the window. Every handler is a thin wrapper over `till_core::Store`; no
//! business rule lives here (see ARCHITECTURE.md).

mod bindings;
mod bundles;
mod commands;
mod events;
mod plans;
mod price_watch;
mod ready;
mod referrals;
mod state;
mod sync_task;

use std::ffi::OsString;
use std::path::PathBuf;

use tauri::Manager;
use till_core::settings::Settings;
use till_core::Store;

pub use state::AppState;

/// Where the desktop app keeps its store: Till's one default
/// (`till_core::location`: `TILL_DB`, else the OS data folder), the same
/// file `till` opens, so the two always see the same shop.
fn store_path() -> Result<PathBuf, till_core::Error> {
    till_core::location::default_path()
}

/// The store named on the command line, `--db PATH` (or `--db=PATH`),
/// which comes before `TILL_DB` and the default: each window test opens its
/// own store through one shared WebDriver server this way. Other arguments
/// are left alone, as the WebDriver host may pass its own; so this looks
/// for the one flag rather than declare every argument to a parser.
fn db_argument(
    args: impl IntoIterator<Item = OsString>,
) -> Result<Option<PathBuf>, till_core::Error> {
    let invalid = |message: &str| till_core::Error::Invalid {
        field: "--db".into(),
        message: message.into(),
    };
    let mut args = args.into_iter();
    let mut found = None;
    while let Some(arg) = args.next() {
        let value = if arg == "--db" {
            args.next()
        } else if arg.to_string_lossy().starts_with("--db=") {
            let text = arg
                .to_str()
                .ok_or_else(|| invalid("the path is not valid UTF-8; give it as --db PATH"))?;
            Some(OsString::from(&text["--db=".len()..]))
        } else {
            continue;
        };
        let path = value
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid("needs the path of the store, e.g. --db /srv/shop/till.db"))?;
        if found.replace(PathBuf::from(path)).is_some() {
            return Err(invalid("given twice; name one store"));
        }
    }
    Ok(found)
}

fn open_store() -> Result<Store, till_core::Error> {
    let path = match db_argument(std::env::args_os().skip(1))? {
        Some(path) => path,
        None => store_path()?,
    };
    let mut store = match Store::open(&path) {
        Err(till_core::Error::NoStore(_)) => Store::create(&path, Settings::default())?,
        other => other?,
    };
    store.set_user(&std::env::var("TILL_USER").unwrap_or_else(|_| "counter".into()))?;
    Ok(store)
}

pub fn run() {
    ready::mark_start();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        // Logs are diagnostics: stderr, like the error above, not stdout.
        .with_writer(std::io::stderr)
        .init();
    let store = match open_store() {
        Ok(s) => s,
        Err(e) => {
            // Without a store there is nothing to show; say why and stop
            // rather than open a window that cannot sell.
            eprintln!("till: {e}");
            std::process::exit(2);
        }
    };
    tracing::info!(path = %store.path().display(), "store opened");
    let window = bindings::builder();
    tauri::Builder::default()
        .manage(AppState::new(store))
        .manage(bundles::Mining::default())
        .invoke_handler(window.invoke_handler())
        .setup(move |app| {
            window.mount_events(app);
            price_watch::spawn(app.handle().clone());
            let state = app.state::<AppState>();
            let (db, endpoint) = {
                let store = state.store.lock().expect("store lock at start-up");
                (
                    store.path().to_path_buf(),
                    store.sync_status().ok().and_then(|s| s.endpoint),
                )
            };
            if endpoint.is_some() {
                if let Err(why) = state.sync.ensure_started(db, endpoint) {
                    tracing::warn!(%why, "background sync not started");
                }
            }
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("error while building the Till window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                app.state::<AppState>().sync.stop();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::db_argument;
    use std::ffi::OsString;
    use std::path::PathBuf;

    fn parse(args: &[&str]) -> Result<Option<PathBuf>, String> {
        db_argument(args.iter().map(OsString::from)).map_err(|e| e.to_string())
    }

    #[test]
    fn the_store_comes_from_db_in_either_form() {
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(parse(&["--db", "/tmp/a.db"]), Ok(Some("/tmp/a.db".into())));
        assert_eq!(parse(&["--db=/tmp/b.db"]), Ok(Some("/tmp/b.db".into())));
    }

    #[test]
    fn other_arguments_are_left_alone() {
        assert_eq!(
            parse(&["--automation", "--db", "/tmp/a.db", "x"]),
            Ok(Some("/tmp/a.db".into()))
        );
        assert_eq!(parse(&["--dbx", "--automation"]), Ok(None));
    }

    #[test]
    fn a_missing_empty_or_second_path_is_refused_in_words() {
        for args in [&["--db"][..], &["--db="], &["--db", ""]] {
            let err = parse(args).unwrap_err();
            assert!(
                err.contains("invalid --db: needs the path"),
                "{args:?}: {err}"
            );
        }
        let err = parse(&["--db", "a.db", "--db=b.db"]).unwrap_err();
        assert!(err.contains("given twice"), "{err}");
    }
}
