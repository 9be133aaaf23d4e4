//! The audit trail (the owner's): its entries, filtered, and the check of
//! its hash chain. Thin handlers over `till_core::audit`.

use tauri::State;

use till_core::audit::{AuditEntry, AuditFilter, AuditVerdict};

use crate::state::{AppState, Res};

/// Newest first; every filter null is "any".
#[tauri::command]
#[specta::specta]
pub async fn audit_list(state: State<'_, AppState>, filter: AuditFilter) -> Res<Vec<AuditEntry>> {
    state.run(move |s| s.audit_list(&filter)).await
}

/// Recomputes the chain: ok with the number of entries and the head's
/// hash, or the first entry that does not match.
#[tauri::command]
#[specta::specta]
pub async fn audit_verify(state: State<'_, AppState>) -> Res<AuditVerdict> {
    state.run(|s| s.audit_verify()).await
}
