//! Tauri command handlers: parse the window's input, call the core through
//! `AppState::run` (off the main thread), tell the window what changed.
//! Nothing else.

use serde::Deserialize;
use tauri::{AppHandle, Manager, State};

use till_core::cart::Cart;
use till_core::catalog::Product;
use till_core::checkout::ReceiptChoice;
use till_core::forms::{FlashForm, ProductForm, RuleForm, TenderForm};
use till_core::input::{whole, Field};
use till_core::inventory::{MovementKind, StockLevel};
use till_core::orders::{OrderSummary, Receipt, Refund, RefundRequest};
use till_core::pricing::flash::{FlashSaleList, FlashSaleView};
use till_core::pricing::{Quote, Rule, RuleList};
use till_core::settings::Settings;
use till_core::totals::Discount;
use till_core::Store;

use crate::events::{emit, CatalogChanged, OrdersChanged, PricesChanged};
use crate::queue_task::QueueTask;
use crate::state::{blocking, AppState, Approval, Res, UiError};

fn discount(
    store: &Store,
    text: Option<String>,
    field: Field,
) -> till_core::Result<Option<Discount>> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| Discount::parse(field, &t, &store.settings().currency))
        .transpose()
}

#[tauri::command]
#[specta::specta]
pub async fn settings_get(state: State<'_, AppState>) -> Res<Settings> {
    state.run(|s| Ok(s.settings().clone())).await
}

/// The newest open cart, or a new one: restores the sale after a crash.
#[tauri::command]
#[specta::specta]
pub async fn cart_current(state: State<'_, AppState>) -> Res<Cart> {
    state.run(|s| s.current_cart()).await
}

#[tauri::command]
#[specta::specta]
pub async fn cart_new(state: State<'_, AppState>) -> Res<Cart> {
    state.run(|s| s.new_cart()).await
}

/// `qty` null: one. `approval`: a manager's, for a price override
/// ("COF@2.00") the member signed in may not make alone.
#[tauri::command]
#[specta::specta]
pub async fn cart_add(
    state: State<'_, AppState>,
    cart_id: String,
    code: String,
    qty: Option<i64>,
    approval: Option<Approval>,
) -> Res<Cart> {
    state
        .run_approved(approval, move |s| {
            // Without a quantity, `code` is what was scanned or typed, in the
            // item grammar ("3*COF", "COFx3", "COF@2.50").
            match qty {
                Some(q) => s.cart_add(&cart_id, &code, q),
                None => s.cart_scan(&cart_id, &code),
            }
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn cart_set_qty(
    state: State<'_, AppState>,
    cart_id: String,
    line_id: i64,
    qty: i64,
) -> Res<Cart> {
    state
        .run(move |s| s.cart_set_qty(&cart_id, line_id, qty))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn cart_remove(state: State<'_, AppState>, cart_id: String, line_id: i64) -> Res<Cart> {
    state.run(move |s| s.cart_remove(&cart_id, line_id)).await
}

/// `discount` is "10%" or "2.00"; null (or blank) clears it. `approval`:
/// a manager's, for a discount above the store's threshold.
#[tauri::command]
#[specta::specta]
pub async fn cart_line_discount(
    state: State<'_, AppState>,
    cart_id: String,
    line_id: i64,
    discount: Option<String>,
    approval: Option<Approval>,
) -> Res<Cart> {
    state
        .run_approved(approval, move |s| {
            let d = self::discount(s, discount, Field::LineDiscount)?;
            s.cart_line_discount(&cart_id, line_id, d)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn cart_order_discount(
    state: State<'_, AppState>,
    cart_id: String,
    discount: Option<String>,
    approval: Option<Approval>,
) -> Res<Cart> {
    state
        .run_approved(approval, move |s| {
            let d = self::discount(s, discount, Field::OrderDiscount)?;
            s.cart_order_discount(&cart_id, d)
        })
        .await
}

/// Voids the cart and returns a fresh one.
#[tauri::command]
#[specta::specta]
pub async fn cart_void(
    state: State<'_, AppState>,
    cart_id: String,
    approval: Option<Approval>,
) -> Res<Cart> {
    state
        .run_approved(approval, move |s| {
            s.cart_void(&cart_id)?;
            s.new_cart()
        })
        .await
}

/// Idempotent per cart: completing the same cart twice returns the first
/// receipt. `receipt`: what the customer wants (printed, none, emailed, or
/// as the settings say).
#[tauri::command]
#[specta::specta]
pub async fn cart_complete(
    app: AppHandle,
    state: State<'_, AppState>,
    cart_id: String,
    tenders: Vec<TenderForm>,
    receipt: ReceiptChoice,
    approval: Option<Approval>,
) -> Res<Receipt> {
    let receipt = state
        .run_approved(approval, move |s| {
            let tenders = till_core::forms::tenders(&tenders, &s.settings().currency)?;
            s.cart_complete_with(&cart_id, &tenders, receipt)
        })
        .await?;
    // The receipt (and the drawer's pulse) were queued with the sale: the
    // background sender prints them now, never this command.
    app.state::<QueueTask>().wake();
    emit(&app, OrdersChanged(receipt.id.clone()));
    // Stock moved: prices that follow stock may have changed.
    emit(&app, PricesChanged);
    Ok(receipt)
}

#[tauri::command]
#[specta::specta]
pub async fn products_list(
    state: State<'_, AppState>,
    search: Option<String>,
    include_inactive: Option<bool>,
) -> Res<Vec<Product>> {
    state
        .run(move |s| {
            s.products(
                search.as_deref().filter(|q| !q.trim().is_empty()),
                include_inactive.unwrap_or(false),
            )
        })
        .await
}

/// What `product_add` / `product_update` take: every value as typed; the
/// core parses and checks it. Blank optional fields mean "none" (on update:
/// cleared; a blank tax rate keeps it).
#[derive(Debug, Deserialize, specta::Type)]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    pub price: String,
    #[serde(default)]
    pub cost: Option<String>,
    #[serde(default)]
    pub barcode: Option<String>,
    #[serde(default)]
    pub tax_rate: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    /// Opening stock, a whole number; only read by `product_add`.
    #[serde(default)]
    pub stock: Option<String>,
    /// Only read by `product_update`.
    #[serde(default)]
    pub active: Option<bool>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub sell_by: Option<String>,
    /// Money.
    #[serde(default)]
    pub price_floor: Option<String>,
    /// A multiple of the base price.
    #[serde(default)]
    pub price_ceiling: Option<String>,
    /// A supplier's name. This and the fields below are left as they are
    /// when not sent; blank clears them.
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub supplier_sku: Option<String>,
    /// Whole numbers.
    #[serde(default)]
    pub reorder_point: Option<String>,
    #[serde(default)]
    pub reorder_qty: Option<String>,
    /// Money.
    #[serde(default)]
    pub compare_at_price: Option<String>,
}

impl ProductInput {
    /// The core's form: every field given, so on an update a blank or
    /// missing one is cleared (a blank tax rate keeps the rate).
    fn form(&self) -> ProductForm {
        let given = |v: &Option<String>| Some(v.clone().unwrap_or_default());
        ProductForm {
            sku: self.sku.clone(),
            name: Some(self.name.clone()),
            price: Some(self.price.clone()),
            cost: given(&self.cost),
            barcode: given(&self.barcode),
            tax_rate: given(&self.tax_rate),
            category: given(&self.category),
            stock: self.stock.clone(),
            active: self.active,
            sell_by: given(&self.sell_by),
            price_floor: given(&self.price_floor),
            price_ceiling: given(&self.price_ceiling),
            supplier: self.supplier.clone(),
            supplier_sku: self.supplier_sku.clone(),
            reorder_point: self.reorder_point.clone(),
            reorder_qty: self.reorder_qty.clone(),
            compare_at_price: self.compare_at_price.clone(),
        }
    }
}

/// A form field: trimmed, and `None` when left empty.
pub(crate) fn blank(v: &Option<String>) -> Option<&str> {
    till_core::input::given(v.as_deref())
}

/// The same, owned.
pub(crate) fn filled(v: Option<String>) -> Option<String> {
    blank(&v).map(String::from)
}

#[tauri::command]
#[specta::specta]
pub async fn product_add(
    app: AppHandle,
    state: State<'_, AppState>,
    input: ProductInput,
) -> Res<Product> {
    let p = state
        .run(move |s| {
            let p = input.form().new_product(&s.settings().currency)?;
            s.add_product(p)
        })
        .await?;
    emit(&app, CatalogChanged(p.sku.clone()));
    Ok(p)
}

#[tauri::command]
#[specta::specta]
pub async fn product_update(
    app: AppHandle,
    state: State<'_, AppState>,
    sku: String,
    input: ProductInput,
) -> Res<Product> {
    let p = state
        .run(move |s| {
            let u = input.form().update(&s.settings().currency)?;
            s.update_product(&sku, u)
        })
        .await?;
    emit(&app, CatalogChanged(p.sku.clone()));
    Ok(p)
}

/// `by` is a whole number as text, may be negative; `reason` is how the
/// stock moved (sales and refunds move it through checkout, not here).
#[tauri::command]
#[specta::specta]
pub async fn stock_adjust(
    app: AppHandle,
    state: State<'_, AppState>,
    sku: String,
    by: String,
    reason: MovementKind,
    note: Option<String>,
    approval: Option<Approval>,
) -> Res<StockLevel> {
    let level = state
        .run_approved(approval, move |s| {
            let by = whole(Field::Adjustment, &by)?;
            s.adjust_stock(&sku, by, reason, note.as_deref())
        })
        .await?;
    emit(&app, CatalogChanged(level.sku.clone()));
    emit(&app, PricesChanged);
    Ok(level)
}

/// Newest first; `limit` null: 100.
#[tauri::command]
#[specta::specta]
pub async fn orders_list(state: State<'_, AppState>, limit: Option<i64>) -> Res<Vec<OrderSummary>> {
    state
        .run(move |s| s.recent_orders(limit.unwrap_or(100).clamp(1, 10_000)))
        .await
}

/// By id or receipt number.
#[tauri::command]
#[specta::specta]
pub async fn order_get(state: State<'_, AppState>, id: String) -> Res<Receipt> {
    state.run(move |s| s.order(&id)).await
}

/// `items` null refunds everything still refundable, else [SKU, qty]
/// pairs. `key` makes the refund idempotent: the same key twice refunds once.
/// `approval`: a manager's, when a cashier asks.
#[tauri::command]
#[specta::specta]
pub async fn order_refund(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    items: Option<Vec<(String, i64)>>,
    key: Option<String>,
    approval: Option<Approval>,
) -> Res<Refund> {
    let r = state
        .run_approved(approval, move |s| {
            s.refund(RefundRequest {
                order: id,
                items,
                key,
            })
        })
        .await?;
    emit(&app, OrdersChanged(r.order_id.clone()));
    emit(&app, PricesChanged);
    Ok(r)
}

/// Current prices of the products matching `search` (all when empty), with
/// their adjustments and sale badges.
#[tauri::command]
#[specta::specta]
pub async fn quotes_list(state: State<'_, AppState>, search: Option<String>) -> Res<Vec<Quote>> {
    state
        .run(move |s| {
            let now = s.now();
            let ctx = s.pricing_context()?;
            let products = s.products(search.as_deref().filter(|q| !q.trim().is_empty()), false)?;
            Ok(products
                .iter()
                .map(|p| till_core::pricing::quote(&ctx, p, now))
                .collect())
        })
        .await
}

/// In listing order, and those that cannot be read.
#[tauri::command]
#[specta::specta]
pub async fn pricing_rules_list(state: State<'_, AppState>) -> Res<RuleList> {
    state.run(|s| s.pricing_rule_list()).await
}

#[tauri::command]
#[specta::specta]
pub async fn pricing_rule_add(
    app: AppHandle,
    state: State<'_, AppState>,
    input: RuleForm,
) -> Res<Rule> {
    let rule = state
        .run(move |s| {
            let rule = input.parse(&s.settings().currency)?;
            s.add_pricing_rule(rule)
        })
        .await?;
    emit(&app, PricesChanged);
    Ok(rule)
}

#[tauri::command]
#[specta::specta]
pub async fn pricing_rule_remove(app: AppHandle, state: State<'_, AppState>, id: i64) -> Res<()> {
    state.run(move |s| s.remove_pricing_rule(id)).await?;
    emit(&app, PricesChanged);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn flash_list(state: State<'_, AppState>) -> Res<FlashSaleList> {
    state
        .run(move |s| {
            let now = s.now();
            s.flash_sales(now)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn flash_create(
    app: AppHandle,
    state: State<'_, AppState>,
    input: FlashForm,
) -> Res<FlashSaleView> {
    let v = state
        .run(move |s| {
            let i = input.parse(&s.settings().currency)?;
            let now = s.now();
            Ok(s.create_flash_sale(i)?.view(now))
        })
        .await?;
    emit(&app, PricesChanged);
    Ok(v)
}

#[tauri::command]
#[specta::specta]
pub async fn flash_update(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    input: FlashForm,
) -> Res<FlashSaleView> {
    let v = state
        .run(move |s| {
            let i = input.parse(&s.settings().currency)?;
            let now = s.now();
            Ok(s.update_flash_sale(id, i)?.view(now))
        })
        .await?;
    emit(&app, PricesChanged);
    Ok(v)
}

/// Cancels a sale; `None` when the sale cannot be read (it is cancelled all the same).
#[tauri::command]
#[specta::specta]
pub async fn flash_cancel(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
) -> Res<Option<FlashSaleView>> {
    let v = state
        .run(move |s| {
            let now = s.now();
            Ok(s.cancel_flash_sale(id)?.map(|sale| sale.view(now)))
        })
        .await?;
    emit(&app, PricesChanged);
    Ok(v)
}

#[tauri::command]
#[specta::specta]
pub async fn flash_delete(app: AppHandle, state: State<'_, AppState>, id: i64) -> Res<()> {
    state.run(move |s| s.delete_flash_sale(id)).await?;
    emit(&app, PricesChanged);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(state: State<'_, AppState>) -> Res<till_core::outbox::SyncStatus> {
    state.run(move |s| s.sync_status()).await
}

/// Keeps the token in the OS keyring, saves the endpoint and starts the
/// background sync. Code `keyring` when the OS has no keyring (the message
/// names the TILL_SYNC_TOKEN alternative).
#[tauri::command]
#[specta::specta]
pub async fn sync_login(
    state: State<'_, AppState>,
    endpoint: String,
    token: String,
) -> Res<till_core::outbox::SyncStatus> {
    let endpoint = till_sync::client::normalize_endpoint(&endpoint)
        .map_err(|e| UiError::new(e.code(), e.to_string()))?;
    let token = token.trim().to_string();
    if token.is_empty() {
        return Err(UiError::new("invalid_input", "paste the device token"));
    }
    let keyring_endpoint = endpoint.clone();
    blocking(move || {
        till_sync::token::store(&keyring_endpoint, &token)
            .map_err(|e| UiError::new(e.code(), e.to_string()))
    })
    .await?;
    let saved = endpoint.clone();
    let db = state
        .run(move |s| {
            s.set_sync_state(&[
                ("endpoint", Some(&saved)),
                ("auth_failed", None),
                ("last_error", None),
            ])?;
            Ok(s.path().to_path_buf())
        })
        .await?;
    state
        .sync
        .ensure_started(db, Some(endpoint))
        .map_err(|m| UiError::new("sync", m))?;
    state.run(|s| s.sync_status()).await
}

/// "Sync now": clears a refused-token stop and makes sure the background
/// sync runs; fails when it is not set up.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>) -> Res<till_core::outbox::SyncStatus> {
    let (db, endpoint) = state
        .run(|s| {
            s.set_sync_state(&[("auth_failed", None)])?;
            Ok((s.path().to_path_buf(), s.sync_status()?.endpoint))
        })
        .await?;
    state
        .sync
        .ensure_started(db, endpoint)
        .map_err(|m| UiError::new("sync", m))?;
    state.run(|s| s.sync_status()).await
}

#[tauri::command]
#[specta::specta]
pub async fn sync_dead_letters(
    state: State<'_, AppState>,
) -> Res<Vec<till_core::outbox::DeadLetter>> {
    state.run(move |s| s.dead_letters()).await
}

#[tauri::command]
#[specta::specta]
pub async fn sync_retry(state: State<'_, AppState>, id: String) -> Res<()> {
    state.run(move |s| s.retry_dead_letter(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn sync_discard(state: State<'_, AppState>, id: String) -> Res<()> {
    state.run(move |s| s.discard_dead_letter(&id)).await
}
