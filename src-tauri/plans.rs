//! Plan, license, usage and membership commands: thin wrappers over the core.

use tauri::{AppHandle, State};

use till_core::input::time as parse_time;
use till_core::input::Field;
use till_core::memberships::{Membership, MembershipTier};
use till_core::orders::ProductSales;
use till_core::plans::tiers::TiersDoc;
use till_core::plans::usage::{UsageRecord, UsageReport};
use till_core::plans::{LicenseStatus, PlanView};
use till_core::Error;

use crate::commands::{filled, with_store, Res};
use crate::files;
use crate::AppState;

/// Reads the file the user chose for `what`.
async fn read_chosen(app: &AppHandle, ask: files::Ask, what: Field) -> Res<String> {
    let path = files::choose(app, ask).await?;
    Ok(std::fs::read_to_string(&path)
        .map_err(|e| Error::invalid(what, format!("cannot read {}: {e}", path.display())))?)
}

#[tauri::command]
pub fn plan_get(state: State<'_, AppState>) -> Res<PlanView> {
    with_store(&state, |s| s.plan(s.now()))
}

/// Loads the tiers document the user chooses in the file dialog.
#[tauri::command]
pub async fn plan_load_file(app: AppHandle, state: State<'_, AppState>) -> Res<TiersDoc> {
    let text = read_chosen(&app, files::TIERS, Field::TiersDocument).await?;
    with_store(&state, |s| s.load_tiers(&text))
}

/// Installs the license the user chooses in the file dialog.
#[tauri::command]
pub async fn license_install_file(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Res<LicenseStatus> {
    let text = read_chosen(&app, files::LICENSE, Field::License).await?;
    with_store(&state, |s| s.install_license(&text))
}

#[tauri::command]
pub fn usage_report(state: State<'_, AppState>, period: Option<String>) -> Res<UsageReport> {
    with_store(&state, |s| {
        let (from, to, label) = s.usage_period(period.as_deref(), None, None)?;
        s.usage_report(from, to, label)
    })
}

#[tauri::command]
pub fn usage_record(
    state: State<'_, AppState>,
    metric: String,
    quantity: String,
    at: Option<String>,
) -> Res<UsageRecord> {
    with_store(&state, |s| {
        let q = till_core::money::parse_decimal(Field::Quantity, &quantity)?;
        let at = filled(at).map(|t| parse_time(Field::At, &t)).transpose()?;
        s.record_usage(&metric, q, at)
    })
}

#[tauri::command]
pub fn membership_tiers_list(state: State<'_, AppState>) -> Res<Vec<MembershipTier>> {
    with_store(&state, |s| s.membership_tiers())
}

#[tauri::command]
pub fn membership_tier_add(
    state: State<'_, AppState>,
    id: String,
    name: String,
    discount: String,
    fee: Option<String>,
) -> Res<MembershipTier> {
    with_store(&state, |s| {
        let (discount, fee) =
            till_core::input::member_terms(&discount, fee.as_deref(), &s.settings().currency)?;
        s.add_membership_tier(&id, &name, discount, fee)
    })
}

#[tauri::command]
pub fn membership_enroll(
    state: State<'_, AppState>,
    customer_id: String,
    tier_id: String,
    until: Option<String>,
) -> Res<Membership> {
    with_store(&state, |s| {
        let until = filled(until)
            .map(|u| till_core::input::date(Field::Until, &u))
            .transpose()?;
        s.enroll(&customer_id, &tier_id, until)
    })
}

#[tauri::command]
pub fn membership_get(state: State<'_, AppState>, customer_id: String) -> Res<Option<Membership>> {
    with_store(&state, |s| s.membership(&customer_id))
}

#[tauri::command]
pub fn report_products(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> Res<Vec<ProductSales>> {
    with_store(&state, |s| {
        let (from, to) = s.report_period(from.as_deref(), to.as_deref())?;
        s.product_sales(from, to)
    })
}
