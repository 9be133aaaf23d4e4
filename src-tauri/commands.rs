//! Tauri command handlers: parse the window's input, call the core, map
//! errors to `{code, message}` for inline display. Nothing else.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};

use till_core::cart::Cart;
use till_core::catalog::Product;
use till_core::input::{Field, FlashForm, ProductForm, RuleForm, TenderForm};
use till_core::inventory::StockLevel;
use till_core::orders::{OrderSummary, Receipt, Refund, RefundRequest};
use till_core::pricing::flash::{FlashSaleList, FlashSaleView};
use till_core::pricing::{Quote, Rule, RuleList};
use till_core::settings::Settings;
use till_core::totals::Discount;
use till_core::Store;

use crate::AppState;

/// What the window sees when a command fails.
#[derive(Debug, Serialize)]
pub struct UiError {
    pub code: String,
    pub message: String,
}

impl From<till_core::Error> for UiError {
    fn from(e: till_core::Error) -> Self {
        if !e.is_user_error() {
            tracing::error!(error = %e, "command failed");
        }
        UiError {
            code: e.code().into(),
            message: crate::wording::message(&e),
        }
    }
}

pub(crate) type Res<T> = Result<T, UiError>;

pub(crate) fn with_store<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&mut Store) -> till_core::Result<T>,
) -> Res<T> {
    let mut store = state.store.lock().map_err(|_| UiError {
        code: "internal".into(),
        message: "the store is unavailable after an earlier failure; restart Till".into(),
    })?;
    Ok(f(&mut store)?)
}

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
pub fn settings_get(state: State<'_, AppState>) -> Res<Settings> {
    with_store(&state, |s| Ok(s.settings().clone()))
}

#[tauri::command]
pub fn cart_current(state: State<'_, AppState>) -> Res<Cart> {
    with_store(&state, |s| s.current_cart())
}

#[tauri::command]
pub fn cart_new(state: State<'_, AppState>) -> Res<Cart> {
    with_store(&state, |s| s.new_cart())
}

#[tauri::command]
pub fn cart_add(
    state: State<'_, AppState>,
    cart_id: String,
    code: String,
    qty: Option<i64>,
) -> Res<Cart> {
    with_store(&state, |s| {
        // Without a quantity, `code` is what was scanned or typed, in the
        // item grammar ("3*COF", "COFx3").
        let (code, qty) = match qty {
            Some(q) => (code, q),
            None => s.item(&code)?,
        };
        s.cart_add(&cart_id, &code, qty)
    })
}

#[tauri::command]
pub fn cart_set_qty(
    state: State<'_, AppState>,
    cart_id: String,
    line_id: i64,
    qty: i64,
) -> Res<Cart> {
    with_store(&state, |s| s.cart_set_qty(&cart_id, line_id, qty))
}

#[tauri::command]
pub fn cart_remove(state: State<'_, AppState>, cart_id: String, line_id: i64) -> Res<Cart> {
    with_store(&state, |s| s.cart_remove(&cart_id, line_id))
}

#[tauri::command]
pub fn cart_line_discount(
    state: State<'_, AppState>,
    cart_id: String,
    line_id: i64,
    discount: Option<String>,
) -> Res<Cart> {
    with_store(&state, |s| {
        let d = self::discount(s, discount, Field::LineDiscount)?;
        s.cart_line_discount(&cart_id, line_id, d)
    })
}

#[tauri::command]
pub fn cart_order_discount(
    state: State<'_, AppState>,
    cart_id: String,
    discount: Option<String>,
) -> Res<Cart> {
    with_store(&state, |s| {
        let d = self::discount(s, discount, Field::OrderDiscount)?;
        s.cart_order_discount(&cart_id, d)
    })
}

/// Voids the cart and returns a fresh one.
#[tauri::command]
pub fn cart_void(state: State<'_, AppState>, cart_id: String) -> Res<Cart> {
    with_store(&state, |s| {
        s.cart_void(&cart_id)?;
        s.new_cart()
    })
}

#[tauri::command]
pub fn cart_complete(
    app: AppHandle,
    state: State<'_, AppState>,
    cart_id: String,
    tenders: Vec<TenderForm>,
) -> Res<Receipt> {
    let receipt = with_store(&state, |s| {
        let tenders = till_core::input::tenders(&tenders, &s.settings().currency)?;
        s.cart_complete(&cart_id, &tenders)
    })?;
    let _ = app.emit("orders-changed", &receipt.id);
    // Stock moved: prices that follow stock may have changed.
    let _ = app.emit("prices-changed", ());
    Ok(receipt)
}

#[tauri::command]
pub fn products_list(
    state: State<'_, AppState>,
    search: Option<String>,
    include_inactive: Option<bool>,
) -> Res<Vec<Product>> {
    with_store(&state, |s| {
        s.products(
            search.as_deref().filter(|q| !q.trim().is_empty()),
            include_inactive.unwrap_or(false),
        )
    })
}

#[derive(Debug, Deserialize)]
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
    #[serde(default)]
    pub stock: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub sell_by: Option<String>,
    #[serde(default)]
    pub price_floor: Option<String>,
    #[serde(default)]
    pub price_ceiling: Option<String>,
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
        }
    }
}

/// A form field: trimmed, and `None` when left empty.
pub(crate) fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The same, owned.
pub(crate) fn filled(v: Option<String>) -> Option<String> {
    blank(&v).map(String::from)
}

#[tauri::command]
pub fn product_add(
    app: AppHandle,
    state: State<'_, AppState>,
    input: ProductInput,
) -> Res<Product> {
    let p = with_store(&state, |s| {
        let p = input.form().new_product(&s.settings().currency)?;
        s.add_product(p)
    })?;
    let _ = app.emit("catalog-changed", &p.sku);
    Ok(p)
}

#[tauri::command]
pub fn product_update(
    app: AppHandle,
    state: State<'_, AppState>,
    sku: String,
    input: ProductInput,
) -> Res<Product> {
    let p = with_store(&state, |s| {
        let u = input.form().update(&s.settings().currency)?;
        s.update_product(&sku, u)
    })?;
    let _ = app.emit("catalog-changed", &p.sku);
    Ok(p)
}

#[tauri::command]
pub fn stock_adjust(
    app: AppHandle,
    state: State<'_, AppState>,
    sku: String,
    by: String,
    reason: String,
    note: Option<String>,
) -> Res<StockLevel> {
    let level = with_store(&state, |s| {
        let by = whole(Field::Adjustment, &by)?;
        s.adjust_stock(&sku, by, reason.parse()?, note.as_deref())
    })?;
    let _ = app.emit("catalog-changed", &level.sku);
    let _ = app.emit("prices-changed", ());
    Ok(level)
}

#[tauri::command]
pub fn orders_list(state: State<'_, AppState>, limit: Option<i64>) -> Res<Vec<OrderSummary>> {
    with_store(&state, |s| {
        s.recent_orders(limit.unwrap_or(100).clamp(1, 10_000))
    })
}

#[tauri::command]
pub fn order_get(state: State<'_, AppState>, id: String) -> Res<Receipt> {
    with_store(&state, |s| s.order(&id))
}

#[tauri::command]
pub fn order_refund(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    items: Option<Vec<(String, i64)>>,
    key: Option<String>,
) -> Res<Refund> {
    let r = with_store(&state, |s| {
        s.refund(RefundRequest {
            order: id.clone(),
            items: items.clone(),
            key: key.clone(),
        })
    })?;
    let _ = app.emit("orders-changed", &r.order_id);
    let _ = app.emit("prices-changed", ());
    Ok(r)
}

/// Current prices of the products matching `search` (all when empty), with
/// their adjustments and sale badges.
#[tauri::command]
pub fn quotes_list(state: State<'_, AppState>, search: Option<String>) -> Res<Vec<Quote>> {
    with_store(&state, |s| {
        let now = s.now();
        let ctx = s.pricing_context()?;
        let products = s.products(search.as_deref().filter(|q| !q.trim().is_empty()), false)?;
        Ok(products
            .iter()
            .map(|p| till_core::pricing::quote(&ctx, p, now))
            .collect())
    })
}

#[tauri::command]
pub fn pricing_rules_list(state: State<'_, AppState>) -> Res<RuleList> {
    with_store(&state, |s| s.pricing_rule_list())
}

use till_core::input::whole;

#[tauri::command]
pub fn pricing_rule_add(app: AppHandle, state: State<'_, AppState>, input: RuleForm) -> Res<Rule> {
    let rule = with_store(&state, |s| {
        let rule = input.parse(&s.settings().currency)?;
        s.add_pricing_rule(rule)
    })?;
    let _ = app.emit("prices-changed", ());
    Ok(rule)
}

#[tauri::command]
pub fn pricing_rule_remove(app: AppHandle, state: State<'_, AppState>, id: i64) -> Res<()> {
    with_store(&state, |s| s.remove_pricing_rule(id))?;
    let _ = app.emit("prices-changed", ());
    Ok(())
}

#[tauri::command]
pub fn flash_list(state: State<'_, AppState>) -> Res<FlashSaleList> {
    with_store(&state, |s| {
        let now = s.now();
        s.flash_sales(now)
    })
}

#[tauri::command]
pub fn flash_create(
    app: AppHandle,
    state: State<'_, AppState>,
    input: FlashForm,
) -> Res<FlashSaleView> {
    let v = with_store(&state, |s| {
        let i = input.parse(&s.settings().currency)?;
        let now = s.now();
        Ok(s.create_flash_sale(i)?.view(now))
    })?;
    let _ = app.emit("prices-changed", ());
    Ok(v)
}

#[tauri::command]
pub fn flash_update(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    input: FlashForm,
) -> Res<FlashSaleView> {
    let v = with_store(&state, |s| {
        let i = input.parse(&s.settings().currency)?;
        let now = s.now();
        Ok(s.update_flash_sale(id, i)?.view(now))
    })?;
    let _ = app.emit("prices-changed", ());
    Ok(v)
}

#[tauri::command]
/// Cancels a sale; `None` when the sale cannot be read (it is cancelled all the same).
pub fn flash_cancel(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
) -> Res<Option<FlashSaleView>> {
    let v = with_store(&state, |s| {
        let now = s.now();
        Ok(s.cancel_flash_sale(id)?.map(|sale| sale.view(now)))
    })?;
    let _ = app.emit("prices-changed", ());
    Ok(v)
}

#[tauri::command]
pub fn flash_delete(app: AppHandle, state: State<'_, AppState>, id: i64) -> Res<()> {
    with_store(&state, |s| s.delete_flash_sale(id))?;
    let _ = app.emit("prices-changed", ());
    Ok(())
}

#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> Res<till_core::outbox::SyncStatus> {
    with_store(&state, |s| s.sync_status())
}

/// Stores the token in the OS keyring, saves the endpoint and starts syncing.
#[tauri::command]
pub fn sync_login(
    state: State<'_, AppState>,
    endpoint: String,
    token: String,
) -> Res<till_core::outbox::SyncStatus> {
    let endpoint = till_sync::client::normalize_endpoint(&endpoint).map_err(|e| UiError {
        code: e.code().into(),
        message: e.to_string(),
    })?;
    let token = token.trim().to_string();
    if token.is_empty() {
        return Err(UiError {
            code: "invalid_input".into(),
            message: "paste the device token".into(),
        });
    }
    till_sync::token::store(&endpoint, &token).map_err(|e| UiError {
        code: e.code().into(),
        message: e.to_string(),
    })?;
    let db = with_store(&state, |s| {
        s.set_sync_state(&[
            ("endpoint", Some(&endpoint)),
            ("auth_failed", None),
            ("last_error", None),
        ])?;
        Ok(s.path().to_path_buf())
    })?;
    state
        .sync
        .ensure_started(db, Some(endpoint))
        .map_err(|m| UiError {
            code: "sync".into(),
            message: m,
        })?;
    with_store(&state, |s| s.sync_status())
}

/// "Sync now": clears a refused-token stop and makes sure the task runs.
#[tauri::command]
pub fn sync_now(state: State<'_, AppState>) -> Res<till_core::outbox::SyncStatus> {
    let (db, endpoint) = with_store(&state, |s| {
        s.set_sync_state(&[("auth_failed", None)])?;
        Ok((s.path().to_path_buf(), s.sync_status()?.endpoint))
    })?;
    state
        .sync
        .ensure_started(db, endpoint)
        .map_err(|m| UiError {
            code: "sync".into(),
            message: m,
        })?;
    with_store(&state, |s| s.sync_status())
}

#[tauri::command]
pub fn sync_dead_letters(state: State<'_, AppState>) -> Res<Vec<till_core::outbox::DeadLetter>> {
    with_store(&state, |s| s.dead_letters())
}

#[tauri::command]
pub fn sync_retry(state: State<'_, AppState>, id: String) -> Res<()> {
    with_store(&state, |s| s.retry_dead_letter(&id))
}

#[tauri::command]
pub fn sync_discard(state: State<'_, AppState>, id: String) -> Res<()> {
    with_store(&state, |s| s.discard_dead_letter(&id))
}
