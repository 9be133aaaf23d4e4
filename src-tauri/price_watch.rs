//! Tells the window when prices may have changed without anyone in this
//! window doing anything: a flash sale started or ended, or another process
//! (the CLI, a second window) changed the store.
//!
//! Prices themselves are never flipped by this watcher: they are computed
//! from the clock whenever asked (see till_core::pricing). It only sends the
//! `prices-changed` event so open screens ask again.

use std::collections::BTreeSet;
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager};

use crate::AppState;

/// What the screens show depends on: which sales are on, and whether the
/// store changed under this connection.
#[derive(PartialEq, Eq)]
struct Fingerprint {
    active_sales: BTreeSet<i64>,
    data_version: i64,
}

fn fingerprint(app: &AppHandle) -> Option<Fingerprint> {
    let state = app.try_state::<AppState>()?;
    let store = state.store.lock().ok()?;
    let now = store.now();
    let ctx = store.pricing_context().ok()?;
    let active_sales = ctx
        .sales()
        .iter()
        .filter(|s| s.window_at(now).is_some())
        .map(|s| s.id)
        .collect();
    // Changes only when another connection commits to the file.
    let data_version = store
        .connection()
        .query_row("PRAGMA data_version", [], |r| r.get(0))
        .ok()?;
    Some(Fingerprint {
        active_sales,
        data_version,
    })
}

pub fn spawn(app: AppHandle) {
    std::thread::Builder::new()
        .name("price-watch".into())
        .spawn(move || {
            let mut last = fingerprint(&app);
            loop {
                // Once a second: a sale's start shows within a second, and
                // the check costs two small queries.
                std::thread::sleep(Duration::from_secs(1));
                let now = fingerprint(&app);
                if now.is_some() && now != last {
                    let _ = app.emit("prices-changed", ());
                    last = now;
                }
            }
        })
        .expect("cannot start the price watcher thread");
}
