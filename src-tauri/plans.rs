//! Plan, license, usage and membership commands: thin wrappers over the core.

use tauri::State;

use till_core::input::time as parse_time;
use till_core::memberships::{Membership, MembershipTier};
use till_core::orders::ProductSales;
use till_core::plans::tiers::TiersDoc;
use till_core::plans::usage::{UsageRecord, UsageReport};
use till_core::plans::{LicenseStatus, PlanView};
use till_core::Error;

use crate::commands::filled;
use crate::state::{AppState, Res};

fn read(path: &str, what: &str) -> till_core::Result<String> {
    std::fs::read_to_string(path.trim())
        .map_err(|e| Error::invalid(what, format!("cannot read {}: {e}", path.trim())))
}

#[tauri::command]
#[specta::specta]
pub async fn plan_get(state: State<'_, AppState>) -> Res<PlanView> {
    state.run(move |s| s.plan(s.now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn plan_load_file(state: State<'_, AppState>, path: String) -> Res<TiersDoc> {
    state
        .run(move |s| s.load_tiers(&read(&path, "tiers document")?))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn license_install_file(state: State<'_, AppState>, path: String) -> Res<LicenseStatus> {
    state
        .run(move |s| s.install_license(&read(&path, "license")?))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn usage_report(state: State<'_, AppState>, period: Option<String>) -> Res<UsageReport> {
    state
        .run(move |s| {
            let (from, to, label) = match filled(period) {
                Some(p) => s.billing_period_named(&p)?,
                None => s.billing_period(s.now())?,
            };
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
            let q = till_core::money::parse_decimal("quantity", &quantity)?;
            let at = filled(at).map(|t| parse_time("time", &t)).transpose()?;
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
            let discount =
                till_core::money::parse_decimal("discount", discount.trim().trim_end_matches('%'))?;
            let fee = match filled(fee) {
                Some(f) if f.starts_with('-') => {
                    return Err(Error::invalid("fee", format!("{f} must not be negative")))
                }
                Some(f) => s.settings().currency.parse_non_negative("fee", &f)?,
                None => rust_decimal::Decimal::ZERO,
            };
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
                .map(|u| till_core::input::date("until", &u))
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
            let now = s.now();
            let from = match filled(from) {
                Some(f) => parse_time("from", &f)?,
                None => s.billing_period(now)?.0,
            };
            let to = match filled(to) {
                Some(t) => parse_time("to", &t)?,
                None => now + chrono::Duration::milliseconds(1),
            };
            s.product_sales(from, to)
        })
        .await
}
