//! Customer, referral and commission commands: thin wrappers over the core.

use serde::Deserialize;
use tauri::{AppHandle, Emitter, State};

use till_core::cart::Cart;
use till_core::customers::{Customer, CustomerKind, CustomerUpdate, NewCustomer};
use till_core::referrals::{
    Commission, Payout, Program, ProgramUpdate, ReferralCode, ReferrerDetail, ReferrerSummary,
};

use crate::commands::{filled, with_store, Res};
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct PersonForm {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    /// For a new customer: the code they came with.
    pub referral_code: Option<String>,
}

fn new_person(f: PersonForm) -> NewCustomer {
    NewCustomer {
        name: f.name,
        email: filled(f.email),
        phone: filled(f.phone),
        notes: filled(f.notes),
        referral_code: filled(f.referral_code),
    }
}

#[tauri::command]
pub fn customers_search(
    state: State<'_, AppState>,
    search: Option<String>,
    kind: Option<String>,
) -> Res<Vec<Customer>> {
    let kind = match kind.as_deref() {
        Some("affiliate") => Some(CustomerKind::Affiliate),
        Some("all") => None,
        _ => Some(CustomerKind::Customer),
    };
    with_store(&state, |s| s.customers(kind, search.as_deref()))
}

#[tauri::command]
pub fn customer_add(state: State<'_, AppState>, input: PersonForm) -> Res<Customer> {
    with_store(&state, |s| {
        s.add_customer(CustomerKind::Customer, new_person(input))
    })
}

#[tauri::command]
pub fn affiliate_add(state: State<'_, AppState>, input: PersonForm) -> Res<Customer> {
    with_store(&state, |s| {
        s.add_customer(
            CustomerKind::Affiliate,
            NewCustomer {
                referral_code: None,
                ..new_person(input)
            },
        )
    })
}

#[tauri::command]
pub fn customer_update(
    state: State<'_, AppState>,
    id: String,
    input: PersonForm,
    active: Option<bool>,
) -> Res<Customer> {
    with_store(&state, |s| {
        s.update_customer(
            &id,
            CustomerUpdate {
                name: Some(input.name),
                email: Some(filled(input.email)),
                phone: Some(filled(input.phone)),
                notes: Some(filled(input.notes)),
                active,
            },
        )
    })
}

#[tauri::command]
pub fn cart_set_customer(
    state: State<'_, AppState>,
    cart_id: String,
    customer_id: Option<String>,
) -> Res<Cart> {
    with_store(&state, |s| {
        s.cart_set_customer(&cart_id, customer_id.as_deref())
    })
}

#[tauri::command]
pub fn cart_set_referral(
    state: State<'_, AppState>,
    cart_id: String,
    code: Option<String>,
) -> Res<Cart> {
    with_store(&state, |s| s.cart_set_referral(&cart_id, code.as_deref()))
}

#[tauri::command]
pub fn referrers_list(state: State<'_, AppState>) -> Res<Vec<ReferrerSummary>> {
    with_store(&state, |s| s.referrers())
}

#[tauri::command]
pub fn referrer_get(state: State<'_, AppState>, id: String) -> Res<ReferrerDetail> {
    with_store(&state, |s| s.referrer(&id))
}

#[tauri::command]
pub fn referral_code_issue(state: State<'_, AppState>, referrer_id: String) -> Res<ReferralCode> {
    with_store(&state, |s| s.issue_referral_code(&referrer_id, None))
}

#[tauri::command]
pub fn payout_create(
    app: AppHandle,
    state: State<'_, AppState>,
    referrer_id: String,
    method: String,
    reference: Option<String>,
) -> Res<Payout> {
    let p = with_store(&state, |s| {
        s.create_payout(&referrer_id, &method, filled(reference).as_deref())
    })?;
    let _ = app.emit("referrals-changed", &p.referrer_id);
    Ok(p)
}

#[tauri::command]
pub fn commissions_approve_due(app: AppHandle, state: State<'_, AppState>) -> Res<Vec<Commission>> {
    let list = with_store(&state, |s| {
        let now = s.now();
        s.approve_due_commissions(now)
    })?;
    let _ = app.emit("referrals-changed", ());
    Ok(list)
}

#[tauri::command]
pub fn program_get(state: State<'_, AppState>) -> Res<Program> {
    with_store(&state, |s| s.referral_program())
}

#[derive(Debug, Deserialize)]
pub struct ProgramForm {
    pub percent: Option<String>,
    pub amount: Option<String>,
    pub window_days: Option<String>,
    pub return_days: Option<String>,
}

#[tauri::command]
pub fn program_set(state: State<'_, AppState>, input: ProgramForm) -> Res<Program> {
    with_store(&state, |s| {
        let update = ProgramUpdate::parse(
            &s.settings().currency,
            input.percent.as_deref(),
            input.amount.as_deref(),
            input.window_days.as_deref(),
            input.return_days.as_deref(),
        )?;
        s.set_referral_program(update)
    })
}
