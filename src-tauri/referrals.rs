//! Customer, referral and commission commands: thin wrappers over the core.

use serde::Deserialize;
use tauri::{AppHandle, State};

use till_core::cart::Cart;
use till_core::customers::{Customer, CustomerKind, CustomerUpdate, NewCustomer};
use till_core::referrals::{
    Commission, Payout, Program, ProgramUpdate, ReferralCode, ReferrerDetail, ReferrerSummary,
};

use crate::commands::filled;
use crate::events::{emit, ReferralsChanged};
use crate::state::{AppState, Res};

#[derive(Debug, Deserialize, specta::Type)]
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
#[specta::specta]
pub async fn customers_search(
    state: State<'_, AppState>,
    search: Option<String>,
    kind: Option<String>,
) -> Res<Vec<Customer>> {
    let kind = match kind.as_deref() {
        Some("affiliate") => Some(CustomerKind::Affiliate),
        Some("all") => None,
        _ => Some(CustomerKind::Customer),
    };
    state
        .run(move |s| s.customers(kind, search.as_deref()))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn customer_add(state: State<'_, AppState>, input: PersonForm) -> Res<Customer> {
    state
        .run(move |s| s.add_customer(CustomerKind::Customer, new_person(input)))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn affiliate_add(state: State<'_, AppState>, input: PersonForm) -> Res<Customer> {
    state
        .run(move |s| {
            s.add_customer(
                CustomerKind::Affiliate,
                NewCustomer {
                    referral_code: None,
                    ..new_person(input)
                },
            )
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn customer_update(
    state: State<'_, AppState>,
    id: String,
    input: PersonForm,
    active: Option<bool>,
) -> Res<Customer> {
    state
        .run(move |s| {
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
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn cart_set_customer(
    state: State<'_, AppState>,
    cart_id: String,
    customer_id: Option<String>,
) -> Res<Cart> {
    state
        .run(move |s| s.cart_set_customer(&cart_id, customer_id.as_deref()))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn cart_set_referral(
    state: State<'_, AppState>,
    cart_id: String,
    code: Option<String>,
) -> Res<Cart> {
    state
        .run(move |s| s.cart_set_referral(&cart_id, code.as_deref()))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn referrers_list(state: State<'_, AppState>) -> Res<Vec<ReferrerSummary>> {
    state.run(move |s| s.referrers()).await
}

#[tauri::command]
#[specta::specta]
pub async fn referrer_get(state: State<'_, AppState>, id: String) -> Res<ReferrerDetail> {
    state.run(move |s| s.referrer(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn referral_code_issue(
    state: State<'_, AppState>,
    referrer_id: String,
) -> Res<ReferralCode> {
    state
        .run(move |s| s.issue_referral_code(&referrer_id, None))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn payout_create(
    app: AppHandle,
    state: State<'_, AppState>,
    referrer_id: String,
    method: String,
    reference: Option<String>,
) -> Res<Payout> {
    let p = state
        .run(move |s| s.create_payout(&referrer_id, &method, filled(reference).as_deref()))
        .await?;
    emit(&app, ReferralsChanged(Some(p.referrer_id.clone())));
    Ok(p)
}

#[tauri::command]
#[specta::specta]
pub async fn commissions_approve_due(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Res<Vec<Commission>> {
    let list = state
        .run(move |s| {
            let now = s.now();
            s.approve_due_commissions(now)
        })
        .await?;
    emit(&app, ReferralsChanged(None));
    Ok(list)
}

#[tauri::command]
#[specta::specta]
pub async fn program_get(state: State<'_, AppState>) -> Res<Program> {
    state.run(move |s| s.referral_program()).await
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct ProgramForm {
    pub percent: Option<String>,
    pub amount: Option<String>,
    pub window_days: Option<String>,
    pub return_days: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn program_set(state: State<'_, AppState>, input: ProgramForm) -> Res<Program> {
    state
        .run(move |s| {
            let update = ProgramUpdate::parse(
                &s.settings().currency,
                input.percent.as_deref(),
                input.amount.as_deref(),
                input.window_days.as_deref(),
                input.return_days.as_deref(),
            )?;
            s.set_referral_program(update)
        })
        .await
}
