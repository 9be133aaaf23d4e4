//! The desktop shell: opens the store, registers the command handlers and
//! the window. Every handler is a thin wrapper over `till_core::Store`; no
//! business rule lives here (see ARCHITECTURE.md).

mod about;
mod audit;
mod backup_task;
mod backups;
mod bindings;
mod bundles;
mod catalog_io;
mod commands;
mod counts;
mod email;
mod events;
pub mod file_chooser;
mod files;
mod instance;
mod logs;
mod plans;
mod price_watch;
mod printing;
mod purchasing;
mod queue_task;
mod ready;
mod receipts;
mod referrals;
mod reports;
mod settings;
mod shifts;
mod staff;
mod state;
mod sync_task;
mod updates;
mod wording;

use tauri::Manager;
use till_core::settings::Settings;
use till_core::Store;

pub use state::AppState;

fn open_store() -> Result<Store, till_core::Error> {
    // `--db PATH` comes before TILL_DB and the default: each window test
    // opens its own store through one shared WebDriver server this way.
    // The default is Till's one (`TILL_DB`, else the OS data folder), the
    // same file `till` opens, so the two always see the same shop.
    let named = till_core::input::db_argument(std::env::args_os().skip(1))?;
    let path = till_core::input::store_path(named)?;
    let mut store = match Store::open(&path) {
        // A store the window creates opens on the first-run set-up.
        Err(till_core::Error::NoStore(_)) => Store::create(
            &path,
            Settings {
                setup_done: false,
                ..Settings::default()
            },
        )?,
        other => other?,
    };
    store.set_user(&std::env::var("TILL_USER").unwrap_or_else(|_| "counter".into()))?;
    Ok(store)
}

pub fn run() {
    ready::mark_start();
    // Logs are diagnostics: stderr (not stdout) and the log file.
    let log_folder = logs::init();
    let store = match open_store() {
        Ok(s) => s,
        Err(e) => {
            // Without a store there is nothing to show; say why and stop
            // rather than open a window that cannot sell.
            eprintln!("till: {}", start_message(&e));
            std::process::exit(2);
        }
    };
    tracing::info!(path = %store.path().display(), "store opened");
    let context = tauri::generate_context!();
    let key = instance::store_key(store.path());
    let window = bindings::builder();
    let builder = instance::one_app_per_store(
        tauri::Builder::default(),
        &context.config().identifier,
        &key,
    );
    builder
        .plugin(instance::window_state(&key))
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(AppState::new(store))
        .manage(log_folder)
        .manage(backups::PendingRestore::default())
        .manage(backup_task::BackupTask::default())
        .manage(queue_task::QueueTask::default())
        .manage(bundles::Mining::default())
        .manage(catalog_io::CatalogImport::default())
        .manage(updates::Pending::default())
        .invoke_handler(window.invoke_handler())
        .setup(move |app| {
            window.mount_events(app);
            price_watch::spawn(app.handle().clone());
            updates::check_at_start(app.handle().clone());
            let state = app.state::<AppState>();
            let (db, endpoint) = {
                let store = state.store.lock().expect("store lock at start-up");
                (
                    store.path().to_path_buf(),
                    store.sync_status().ok().and_then(|s| s.endpoint),
                )
            };
            app.state::<backup_task::BackupTask>().start(db.clone());
            app.state::<queue_task::QueueTask>()
                .start(app.handle().clone(), db.clone());
            if endpoint.is_some() {
                if let Err(why) = state.sync.ensure_started(db, endpoint) {
                    tracing::warn!(%why, "background sync not started");
                }
            }
            Ok(())
        })
        .build(context)
        .expect("error while building the Till window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                app.state::<AppState>().sync.stop();
                app.state::<backup_task::BackupTask>().stop();
                app.state::<queue_task::QueueTask>().stop();
            }
        });
}

/// The error that stops the app before its window opens, for the
/// terminal it was started from: the store argument is `--db` there.
fn start_message(e: &till_core::Error) -> String {
    match e {
        till_core::Error::Invalid {
            field: till_core::input::Field::Db,
            message,
        } => format!("invalid --db: {message} (e.g. --db /srv/shop/till.db)"),
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    #[test]
    fn a_bad_db_argument_is_worded_as_the_flag() {
        let e = till_core::input::db_argument(["--db"].iter().map(OsString::from)).unwrap_err();
        let m = super::start_message(&e);
        assert!(m.starts_with("invalid --db: needs the path"), "{m}");
    }
}
