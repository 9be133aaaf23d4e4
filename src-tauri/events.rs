//! What the backend tells the window without being asked. Each event is a
//! type: its name is the type's in kebab case (`PricesChanged` is
//! `prices-changed`) and its payload is in the generated bindings.

use serde::{Deserialize, Serialize};
use tauri::AppHandle;
use tauri_specta::Event;

/// An order was completed or refunded; the order's id.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct OrdersChanged(pub String);

/// A product, its stock or its kit changed; the product's SKU.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct CatalogChanged(pub String);

/// Prices may have changed: a flash sale started or ended, stock moved,
/// rules, sales or bundles changed, or another process changed the store.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct PricesChanged;

/// The store's settings changed (the Settings screen or the set-up).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SettingsChanged;

/// A payout was made (the referrer's id) or commissions were approved (none).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct ReferralsChanged(pub Option<String>);

/// How far a mining run is.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct MiningProgress {
    /// "reading baskets", "finding itemsets", "building rules" or "done".
    pub stage: String,
    /// Of the whole run, 0 to 1.
    pub fraction: f64,
}

/// How far a catalog import (or its dry run) is.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct CatalogImportProgress(pub till_core::catalog_io::ImportProgress);

/// How far an update's download is, in bytes (`total` when the server
/// said).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct UpdateProgress {
    pub downloaded: u64,
    pub total: Option<u64>,
}

/// The check at start found a newer version.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct UpdateOffered(pub crate::updates::UpdateOffer);

/// What the print and email queues hold that is not sent: waiting for its
/// first try, or failed at least once (retried with backoff, or given up
/// until retried by hand).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct QueueStatus {
    pub print_waiting: u32,
    pub print_failed: u32,
    pub email_waiting: u32,
    pub email_failed: u32,
}

/// The print or email queue changed: a job was queued, sent or failed.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct QueueChanged(pub QueueStatus);

/// Sends `event` to the window. A window that is gone misses nothing it
/// could show, so a failure is only logged.
pub fn emit<E: Event + Serialize + Clone>(app: &AppHandle, event: E) {
    if let Err(e) = event.emit(app) {
        tracing::warn!(error = %e, event = E::NAME, "event not sent");
    }
}
