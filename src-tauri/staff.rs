//! Staff at the counter: the lock screen (who may sign in, signing in and
//! out) and the owner's staff list. Thin handlers over `till_core::staff`;
//! the core checks PINs, counts failed attempts, locks members and decides
//! what each role may do.

use serde::Serialize;
use tauri::State;

use till_core::roles::{Member, Role};
use till_core::staff::StaffMember;

use crate::state::{AppState, Res};

/// Whether the window opens locked: `has_staff` false is single-owner mode
/// (no lock screen, no PIN); `member` is who is signed in on the window's
/// connection, if anyone.
#[derive(Debug, Serialize, specta::Type)]
pub struct StaffSession {
    pub has_staff: bool,
    pub member: Option<Member>,
}

#[tauri::command]
#[specta::specta]
pub async fn staff_session(state: State<'_, AppState>) -> Res<StaffSession> {
    state
        .run(|s| {
            Ok(StaffSession {
                has_staff: s.has_staff()?,
                member: s.acting().cloned(),
            })
        })
        .await
}

/// The active members, for the lock screen and the approval dialog (no
/// permission needed: nobody is signed in yet).
#[tauri::command]
#[specta::specta]
pub async fn staff_names(state: State<'_, AppState>) -> Res<Vec<StaffMember>> {
    state.run(|s| s.staff_names()).await
}

/// Code `bad_pin` (with the attempts left) or `locked` (until when) when
/// refused.
#[tauri::command]
#[specta::specta]
pub async fn sign_in(state: State<'_, AppState>, name: String, pin: String) -> Res<Member> {
    state.run(move |s| s.sign_in(&name, &pin)).await
}

/// Locks the window: nothing is done until someone signs in again.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(state: State<'_, AppState>) -> Res<()> {
    state
        .run(|s| {
            s.sign_out();
            Ok(())
        })
        .await
}

/// Every member, disabled ones too (the owner's list).
#[tauri::command]
#[specta::specta]
pub async fn staff_list(state: State<'_, AppState>) -> Res<Vec<StaffMember>> {
    state.run(|s| s.staff_list()).await
}

#[tauri::command]
#[specta::specta]
pub async fn staff_add(
    state: State<'_, AppState>,
    name: String,
    role: Role,
    pin: String,
) -> Res<StaffMember> {
    state.run(move |s| s.staff_add(&name, role, &pin)).await
}

#[tauri::command]
#[specta::specta]
pub async fn staff_set_role(
    state: State<'_, AppState>,
    name: String,
    role: Role,
) -> Res<StaffMember> {
    state.run(move |s| s.staff_set_role(&name, role)).await
}

#[tauri::command]
#[specta::specta]
pub async fn staff_set_active(
    state: State<'_, AppState>,
    name: String,
    active: bool,
) -> Res<StaffMember> {
    state.run(move |s| s.staff_set_active(&name, active)).await
}

/// A new PIN for `name` (the owner resets a forgotten one).
#[tauri::command]
#[specta::specta]
pub async fn staff_set_pin(state: State<'_, AppState>, name: String, pin: String) -> Res<()> {
    state.run(move |s| s.staff_set_pin(&name, &pin)).await
}
