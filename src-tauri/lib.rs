//! The desktop shell: opens the store, registers the command handlers and
//! the window. Every handler is a thin wrapper over `till_core::Store`; no
//! business rule lives here (see ARCHITECTURE.md).

mod bundles;
mod commands;
mod files;
mod plans;
mod price_watch;
mod ready;
mod referrals;
mod sync_task;
mod wording;

use std::sync::Mutex;

use tauri::Manager;
use till_core::settings::Settings;
use till_core::Store;

/// The one store connection of this window, shared by the command handlers,
/// and the background sync task (which has a connection of its own).
pub struct AppState {
    pub store: Mutex<Store>,
    pub sync: sync_task::SyncTask,
}

fn open_store() -> Result<Store, till_core::Error> {
    // `--db PATH` comes before TILL_DB and the default: each window test
    // opens its own store through one shared WebDriver server this way.
    // The default is Till's one (`TILL_DB`, else the OS data folder), the
    // same file `till` opens, so the two always see the same shop.
    let named = till_core::input::db_argument(std::env::args_os().skip(1))?;
    let path = till_core::input::store_path(named)?;
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
            eprintln!("till: {}", start_message(&e));
            std::process::exit(2);
        }
    };
    tracing::info!(path = %store.path().display(), "store opened");
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState {
            store: Mutex::new(store),
            sync: sync_task::SyncTask::default(),
        })
        .manage(bundles::Mining::default())
        .setup(|app| {
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
        .invoke_handler(tauri::generate_handler![
            ready::ui_ready,
            commands::settings_get,
            commands::cart_current,
            commands::cart_new,
            commands::cart_add,
            commands::cart_set_qty,
            commands::cart_remove,
            commands::cart_line_discount,
            commands::cart_order_discount,
            commands::cart_void,
            commands::cart_complete,
            commands::products_list,
            commands::product_add,
            commands::product_update,
            commands::stock_adjust,
            commands::orders_list,
            commands::order_get,
            commands::order_refund,
            commands::quotes_list,
            commands::pricing_rules_list,
            commands::pricing_rule_add,
            commands::pricing_rule_remove,
            commands::flash_list,
            commands::flash_create,
            commands::flash_update,
            commands::flash_cancel,
            commands::flash_delete,
            commands::sync_status,
            commands::sync_login,
            commands::sync_now,
            commands::sync_dead_letters,
            commands::sync_retry,
            commands::sync_discard,
            bundles::bundles_list,
            bundles::bundle_create,
            bundles::bundle_update,
            bundles::bundle_set_active,
            bundles::bundle_suggestion_approve,
            bundles::bundle_suggestion_dismiss,
            bundles::cart_companions,
            bundles::kits_list,
            bundles::kit_set,
            bundles::kit_clear,
            bundles::bundles_mine,
            bundles::bundles_mine_cancel,
            referrals::customers_search,
            referrals::customer_add,
            referrals::affiliate_add,
            referrals::customer_update,
            referrals::cart_set_customer,
            referrals::cart_set_referral,
            referrals::referrers_list,
            referrals::referrer_get,
            referrals::referral_code_issue,
            referrals::payout_create,
            referrals::commissions_approve_due,
            referrals::program_get,
            referrals::program_set,
            plans::plan_get,
            plans::plan_load_file,
            plans::license_install_file,
            plans::usage_report,
            plans::usage_record,
            plans::membership_tiers_list,
            plans::membership_tier_add,
            plans::membership_enroll,
            plans::membership_get,
            plans::report_products,
        ])
        .build(tauri::generate_context!())
        .expect("error while building the Till window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                app.state::<AppState>().sync.stop();
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
