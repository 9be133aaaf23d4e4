//! Tells the window when prices may have changed without anyone in this
//! window doing anything: a flash sale started or ended, or another process
//! (the CLI, a second window) changed something prices depend on.
//!
//! Prices themselves are never flipped by this watcher: they are computed
//! from the clock whenever asked (see till_core::pricing). It only sends the
//! `prices-changed` event so open screens ask again.

use std::collections::BTreeSet;
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager};

use crate::AppState;

/// What the screens' prices depend on, as seen from this window's store
/// connection.
#[derive(PartialEq, Eq)]
struct Fingerprint {
    /// The flash sales on now.
    active_sales: BTreeSet<i64>,
    /// Moves with every change to what prices depend on (triggers in the
    /// store), whichever process makes it; not with sales' receipts, the
    /// outbox or the sync's bookkeeping.
    price_version: i64,
    /// Moves when another connection commits anything (SQLite's
    /// `data_version`, blind to this connection's own commits).
    data_version: i64,
}

impl Fingerprint {
    /// True when the window must ask for prices again: a sale started or
    /// ended, or another connection changed what prices depend on. A change
    /// made through this window's own connection was announced by the
    /// command that made it, so it is not announced twice.
    fn prices_changed_since(&self, last: &Fingerprint) -> bool {
        self.active_sales != last.active_sales
            || (self.price_version != last.price_version && self.data_version != last.data_version)
    }
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
    let price_version = store.price_version().ok()?;
    let data_version = store
        .connection()
        .query_row("PRAGMA data_version", [], |r| r.get(0))
        .ok()?;
    Some(Fingerprint {
        active_sales,
        price_version,
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
                // the check costs a few small queries.
                std::thread::sleep(Duration::from_secs(1));
                let Some(now) = fingerprint(&app) else {
                    continue;
                };
                if last.as_ref().is_some_and(|l| now.prices_changed_since(l)) {
                    let _ = app.emit("prices-changed", ());
                }
                last = Some(now);
            }
        })
        .expect("cannot start the price watcher thread");
}
