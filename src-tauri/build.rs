//! Runs tauri-build with the capabilities kept under `src-tauri/` and an
//! app manifest that lists every command, so the window may call only the
//! commands its capability names.

const COMMANDS: &[&str] = &[
    "settings_get",
    "cart_current",
    "cart_new",
    "cart_add",
    "cart_set_qty",
    "cart_remove",
    "cart_line_discount",
    "cart_order_discount",
    "cart_void",
    "cart_complete",
    "products_list",
    "product_add",
    "product_update",
    "stock_adjust",
    "orders_list",
    "order_get",
    "order_refund",
    "quotes_list",
    "pricing_rules_list",
    "pricing_rule_add",
    "pricing_rule_remove",
    "flash_list",
    "flash_create",
    "flash_update",
    "flash_cancel",
    "sync_status",
    "sync_login",
    "sync_now",
    "sync_dead_letters",
    "sync_retry",
    "sync_discard",
    "bundles_list",
    "bundle_create",
    "bundle_update",
    "bundle_set_active",
    "bundle_suggestion_approve",
    "bundle_suggestion_dismiss",
    "cart_companions",
    "kits_list",
    "kit_set",
    "kit_clear",
    "bundles_mine",
    "bundles_mine_cancel",
    "customers_search",
    "customer_add",
    "affiliate_add",
    "customer_update",
    "cart_set_customer",
    "cart_set_referral",
    "referrers_list",
    "referrer_get",
    "referral_code_issue",
    "payout_create",
    "commissions_approve_due",
    "program_get",
    "program_set",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
