//! Plan, license, usage and membership commands: thin wrappers over the core.

use tauri::State;

use till_core::input::time as parse_time;
use till_core::memberships::{Membership, MembershipTier};
use till_core::orders::ProductSales;
use till_core::plans::tiers::TiersDoc;
use till_core::plans::usage::{UsageRecord, UsageReport};
use till_core::plans::{LicenseStatus, PlanView};
use till_core::Error;

use crate::commands::{filled, with_store, Res};
use crate::AppState;

fn read(path: &str, what: &str) -> till_core::Result<String> {
    std::fs::read_to_string(path.trim())
        .map_err(|e| Error::invalid(what, format!("cannot read {}: {e}", path.trim())))
}

#[tauri::command]
pub fn plan_get(state: State<'_, AppState>) -> Res<PlanView> {
    with_store(&state, |s| s.plan(s.now()))
}

#[tauri::command]
pub fn plan_load_file(state: State<'_, AppState>, path: String) -> Res<TiersDoc> {
    with_store(&state, |s| s.load_tiers(&read(&path, "tiers document")?))
}

#[tauri::command]
pub fn license_install_file(state: State<'_, AppState>, path: String) -> Res<LicenseStatus> {
    with_store(&state, |s| s.install_license(&read(&path, "license")?))
}

#[tauri::command]
pub fn usage_report(state: State<'_, AppState>, period: Option<String>) -> Res<UsageReport> {
    with_store(&state, |s| {
        let (from, to, label) = match filled(period) {
            Some(p) => s.billing_period_named(&p)?,
            None => s.billing_period(s.now())?,
        };
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
        let q = till_core::money::parse_decimal("quantity", &quantity)?;
        let at = filled(at).map(|t| parse_time("time", &t)).transpose()?;
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
            .map(|u| till_core::input::date("until", &u))
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
}
