//! The cash drawer's shift on this till: open with a float, cash in and
//! out, the X report, close with the cash counted (the Z report). Thin
//! handlers over `till_core::shifts`; amounts are read by the core's
//! shift forms, as typed.

use tauri::State;

use till_core::forms::shift::{cash_amount, drawer_amount};
use till_core::input::Field;
use till_core::shifts::{CashMove, Shift, ShiftReport};

use crate::state::{AppState, Approval, Res};

/// The X report of the shift open on this till; code `no_shift` when none is.
#[tauri::command]
#[specta::specta]
pub async fn shift_status(state: State<'_, AppState>) -> Res<ShiftReport> {
    state.run(|s| s.shift_status()).await
}

/// `float`: the cash in the drawer to start with.
#[tauri::command]
#[specta::specta]
pub async fn shift_open(
    state: State<'_, AppState>,
    float: String,
    approval: Option<Approval>,
) -> Res<Shift> {
    state
        .run_approved(approval, move |s| {
            let float = drawer_amount(Field::Float, &float, &s.settings().currency)?;
            s.shift_open(float)
        })
        .await
}

/// Cash put into the drawer or taken out, with the reason; the X report after it.
#[tauri::command]
#[specta::specta]
pub async fn shift_cash(
    state: State<'_, AppState>,
    kind: CashMove,
    amount: String,
    reason: String,
    approval: Option<Approval>,
) -> Res<ShiftReport> {
    state
        .run_approved(approval, move |s| {
            let amount = cash_amount(&amount, &s.settings().currency)?;
            s.shift_cash(kind, amount, &reason)
        })
        .await
}

/// Closes the shift with the cash counted; the Z report (expected,
/// counted, variance).
#[tauri::command]
#[specta::specta]
pub async fn shift_close(
    state: State<'_, AppState>,
    counted: String,
    approval: Option<Approval>,
) -> Res<ShiftReport> {
    state
        .run_approved(approval, move |s| {
            let counted = drawer_amount(Field::Counted, &counted, &s.settings().currency)?;
            s.shift_close(counted)
        })
        .await
}
