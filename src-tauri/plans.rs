//! Plan, license, usage and membership commands: thin wrappers over the core.

use tauri::State;

use till_core::input::time as parse_time;
use till_core::input::Field;
use till_core::memberships::{Membership, MembershipTier};
use till_core::orders::ProductSales;
use till_core::plans::tiers::TiersDoc;
use till_core::plans::usage::{UsageRecord, UsageReport};
use till_core::plans::{LicenseStatus, PlanView};
use till_core::Error;

use crate::commands::filled;
use crate::files;
use crate::state::{AppState, Res};

/// Reads the file the user chose for `what`.
async fn read_chosen(ask: files::Ask, what: Field) -> Res<String> {
    let path = files::choose(ask).await?;
    Ok(std::fs::read_to_string(&path)
        .map_err(|e| Error::invalid(what, format!("cannot read {}: {e}", path.display())))?)
}

#[tauri::command]
#[specta::specta]
pub async fn plan_get(state: State<'_, AppState>) -> Res<PlanView> {
    state.run(move |s| s.plan(s.now())).await
}

/// Loads the tiers document the user chooses in the file dialog.
#[tauri::command]
#[specta::specta]
pub async fn plan_load_file(state: State<'_, AppState>) -> Res<TiersDoc> {
    let text = read_chosen(files::TIERS, Field::TiersDocument).await?;
    state.run(move |s| s.load_tiers(&text)).await
}

/// Installs the license the user chooses in the file dialog.
#[tauri::command]
#[specta::specta]
pub async fn license_install_file(state: State<'_, AppState>) -> Res<LicenseStatus> {
    let text = read_chosen(files::LICENSE, Field::License).await?;
    state.run(move |s| s.install_license(&text)).await
}

#[tauri::command]
#[specta::specta]
pub async fn usage_report(state: State<'_, AppState>, period: Option<String>) -> Res<UsageReport> {
    state
        .run(move |s| {
            let (from, to, label) = s.usage_period(period.as_deref(), None, None)?;
            s.usage_report(from, to, label)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn usage_record(
    state: State<'_, AppState>,
    metric: String,
    quantity: String,
    at: Option<String>,
) -> Res<UsageRecord> {
    state
        .run(move |s| {
            let q = till_core::money::parse_decimal(Field::Quantity, &quantity)?;
            let at = filled(at).map(|t| parse_time(Field::At, &t)).transpose()?;
            s.record_usage(&metric, q, at)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn membership_tiers_list(state: State<'_, AppState>) -> Res<Vec<MembershipTier>> {
    state.run(move |s| s.membership_tiers()).await
}

#[tauri::command]
#[specta::specta]
pub async fn membership_tier_add(
    state: State<'_, AppState>,
    id: String,
    name: String,
    discount: String,
    fee: Option<String>,
) -> Res<MembershipTier> {
    state
        .run(move |s| {
            let (discount, fee) =
                till_core::input::member_terms(&discount, fee.as_deref(), &s.settings().currency)?;
            s.add_membership_tier(&id, &name, discount, fee)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn membership_enroll(
    state: State<'_, AppState>,
    customer_id: String,
    tier_id: String,
    until: Option<String>,
) -> Res<Membership> {
    state
        .run(move |s| {
            let until = filled(until)
                .map(|u| till_core::input::date(Field::Until, &u))
                .transpose()?;
            s.enroll(&customer_id, &tier_id, until)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn membership_get(
    state: State<'_, AppState>,
    customer_id: String,
) -> Res<Option<Membership>> {
    state.run(move |s| s.membership(&customer_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn report_products(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> Res<Vec<ProductSales>> {
    state
        .run(move |s| {
            let (from, to) = s.report_period(from.as_deref(), to.as_deref())?;
            s.product_sales(from, to)
        })
        .await
}
