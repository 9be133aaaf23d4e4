//! Tauri command handlers: parse the window's input, call the core, map
//! errors to `{code, message}` for inline display. Nothing else.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};

use till_core::cart::Cart;
use till_core::catalog::{NewProduct, Product, ProductUpdate};
use till_core::checkout::{Tender, TenderMethod};
use till_core::inventory::StockLevel;
use till_core::orders::{OrderSummary, Receipt, Refund, RefundRequest};
use till_core::pricing::flash::{FlashSaleList, FlashSaleView};
use till_core::pricing::{
    Condition, Effect, FlashEffect, FlashSaleInput, Quote, Rule, RuleInput, RuleList, Scope,
};
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
            message: e.to_string(),
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
    field: &str,
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
    with_store(&state, |s| s.cart_add(&cart_id, &code, qty.unwrap_or(1)))
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
        let d = self::discount(s, discount, "line discount")?;
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
        let d = self::discount(s, discount, "order discount")?;
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

#[derive(Debug, Deserialize)]
pub struct TenderInput {
    pub method: String,
    pub amount: String,
    #[serde(default)]
    pub reference: Option<String>,
}

#[tauri::command]
pub fn cart_complete(
    app: AppHandle,
    state: State<'_, AppState>,
    cart_id: String,
    tenders: Vec<TenderInput>,
) -> Res<Receipt> {
    let receipt = with_store(&state, |s| {
        let currency = s.settings().currency.clone();
        let tenders = tenders
            .iter()
            .enumerate()
            .map(|(i, t)| {
                Ok(Tender {
                    method: t.method.parse::<TenderMethod>()?,
                    amount: currency.parse_positive(&format!("payment {}", i + 1), &t.amount)?,
                    reference: t.reference.clone().filter(|r| !r.trim().is_empty()),
                })
            })
            .collect::<till_core::Result<Vec<_>>>()?;
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

fn sell_by(input: &ProductInput) -> till_core::Result<Option<chrono::NaiveDate>> {
    blank(&input.sell_by)
        .map(|d| till_core::input::date("sell-by date", d))
        .transpose()
}

fn floor_and_ceiling(
    s: &Store,
    input: &ProductInput,
) -> till_core::Result<(Option<rust_decimal::Decimal>, Option<rust_decimal::Decimal>)> {
    let floor = blank(&input.price_floor)
        .map(|v| s.settings().currency.parse_non_negative("price floor", v))
        .transpose()?;
    let ceiling = blank(&input.price_ceiling)
        .map(|v| till_core::money::parse_decimal("price ceiling", v))
        .transpose()?;
    Ok((floor, ceiling))
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
        let c = s.settings().currency.clone();
        let stock = blank(&input.stock).map(|q| whole("stock", q)).transpose()?;
        let (price_floor, price_ceiling) = floor_and_ceiling(s, &input)?;
        s.add_product(NewProduct {
            sku: input.sku.clone(),
            name: input.name.clone(),
            price: c.parse_non_negative("price", &input.price)?,
            cost: blank(&input.cost)
                .map(|v| c.parse_non_negative("cost", v))
                .transpose()?,
            barcode: blank(&input.barcode).map(String::from),
            tax_rate: blank(&input.tax_rate)
                .map(till_core::tax::parse_rate)
                .transpose()?,
            category: blank(&input.category).map(String::from),
            stock,
            sell_by: sell_by(&input)?,
            price_floor,
            price_ceiling,
        })
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
        let c = s.settings().currency.clone();
        let (price_floor, price_ceiling) = floor_and_ceiling(s, &input)?;
        s.update_product(
            &sku,
            ProductUpdate {
                name: Some(input.name.clone()),
                price: Some(c.parse_non_negative("price", &input.price)?),
                cost: Some(
                    blank(&input.cost)
                        .map(|v| c.parse_non_negative("cost", v))
                        .transpose()?,
                ),
                barcode: Some(blank(&input.barcode).map(String::from)),
                tax_rate: blank(&input.tax_rate)
                    .map(till_core::tax::parse_rate)
                    .transpose()?,
                category: Some(blank(&input.category).map(String::from)),
                active: input.active,
                sell_by: Some(sell_by(&input)?),
                price_floor: Some(price_floor),
                price_ceiling: Some(price_ceiling),
            },
        )
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
        let by = whole("quantity", &by)?;
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

#[derive(Debug, Deserialize)]
pub struct RuleForm {
    /// stock_below | stock_above | within_days_of_sell_by
    pub condition: String,
    pub threshold: String,
    /// multiplier | amount
    pub effect: String,
    pub value: String,
    /// all | category | sku
    pub scope: String,
    #[serde(default)]
    pub scope_value: Option<String>,
    #[serde(default)]
    pub hysteresis: Option<String>,
}

use till_core::input::whole;

#[tauri::command]
pub fn pricing_rule_add(app: AppHandle, state: State<'_, AppState>, input: RuleForm) -> Res<Rule> {
    let rule = with_store(&state, |s| {
        let n = whole("threshold", &input.threshold)?;
        let condition = match input.condition.as_str() {
            "stock_below" => Condition::StockBelow(n),
            "stock_above" => Condition::StockAbove(n),
            "within_days_of_sell_by" => Condition::WithinDaysOfSellBy(n),
            other => {
                return Err(till_core::Error::invalid(
                    "condition",
                    format!("{other:?} is not a rule condition"),
                ))
            }
        };
        let effect = match input.effect.as_str() {
            "multiplier" => {
                Effect::Multiplier(till_core::money::parse_decimal("multiplier", &input.value)?)
            }
            "amount" => Effect::Amount(s.settings().currency.parse_amount("amount", &input.value)?),
            other => {
                return Err(till_core::Error::invalid(
                    "effect",
                    format!("{other:?} is not a rule effect"),
                ))
            }
        };
        let value = blank(&input.scope_value).map(String::from);
        let scope = match (input.scope.as_str(), value) {
            ("all", _) => Scope::All,
            ("category", Some(v)) => Scope::Category(v),
            ("sku", Some(v)) => Scope::Sku(v),
            (kind, None) => {
                return Err(till_core::Error::invalid(
                    "scope",
                    format!("name the {kind}"),
                ))
            }
            (other, _) => {
                return Err(till_core::Error::invalid(
                    "scope",
                    format!("{other:?} is not a rule scope"),
                ))
            }
        };
        let hysteresis = blank(&input.hysteresis)
            .map(|h| whole("hysteresis", h))
            .transpose()?
            .unwrap_or(0);
        s.add_pricing_rule(RuleInput {
            condition,
            effect,
            scope,
            hysteresis,
        })
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

#[derive(Debug, Deserialize)]
pub struct FlashForm {
    pub name: String,
    #[serde(default)]
    pub skus: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    /// multiplier | price
    pub effect: String,
    pub value: String,
    /// RFC 3339.
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub weekly: bool,
}

fn flash_input(s: &Store, f: &FlashForm) -> till_core::Result<FlashSaleInput> {
    let effect = match f.effect.as_str() {
        "multiplier" => {
            FlashEffect::Multiplier(till_core::money::parse_decimal("multiplier", &f.value)?)
        }
        "price" => FlashEffect::Price(
            s.settings()
                .currency
                .parse_non_negative("price", &f.value)?,
        ),
        other => {
            return Err(till_core::Error::invalid(
                "effect",
                format!("{other:?} is neither multiplier nor price"),
            ))
        }
    };
    Ok(FlashSaleInput {
        name: f.name.clone(),
        skus: f
            .skus
            .iter()
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        categories: f
            .categories
            .iter()
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        effect,
        starts_at: till_core::input::time("start", &f.starts_at)?,
        ends_at: till_core::input::time("end", &f.ends_at)?,
        weekly: f.weekly,
    })
}

#[tauri::command]
pub fn flash_create(
    app: AppHandle,
    state: State<'_, AppState>,
    input: FlashForm,
) -> Res<FlashSaleView> {
    let v = with_store(&state, |s| {
        let i = flash_input(s, &input)?;
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
        let i = flash_input(s, &input)?;
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
