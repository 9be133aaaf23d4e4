//! Tauri command handlers: parse the window's input, call the core, map
//! errors to `{code, message}` for inline display. Nothing else.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};

use till_core::cart::Cart;
use till_core::catalog::{NewProduct, Product, ProductUpdate};
use till_core::checkout::{Tender, TenderMethod};
use till_core::inventory::StockLevel;
use till_core::orders::{OrderSummary, Receipt, Refund, RefundRequest};
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
        UiError { code: e.code().into(), message: e.to_string() }
    }
}

type Res<T> = Result<T, UiError>;

fn with_store<T>(state: &State<'_, AppState>, f: impl FnOnce(&mut Store) -> till_core::Result<T>) -> Res<T> {
    let mut store = state
        .store
        .lock()
        .map_err(|_| UiError { code: "internal".into(), message: "the store is unavailable after an earlier failure; restart Till".into() })?;
    Ok(f(&mut store)?)
}

fn discount(store: &Store, text: Option<String>, field: &str) -> till_core::Result<Option<Discount>> {
    text.filter(|t| !t.trim().is_empty()).map(|t| Discount::parse(field, &t, &store.settings().currency)).transpose()
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
pub fn cart_add(state: State<'_, AppState>, cart_id: String, code: String, qty: Option<i64>) -> Res<Cart> {
    with_store(&state, |s| s.cart_add(&cart_id, &code, qty.unwrap_or(1)))
}

#[tauri::command]
pub fn cart_set_qty(state: State<'_, AppState>, cart_id: String, line_id: i64, qty: i64) -> Res<Cart> {
    with_store(&state, |s| s.cart_set_qty(&cart_id, line_id, qty))
}

#[tauri::command]
pub fn cart_remove(state: State<'_, AppState>, cart_id: String, line_id: i64) -> Res<Cart> {
    with_store(&state, |s| s.cart_remove(&cart_id, line_id))
}

#[tauri::command]
pub fn cart_line_discount(state: State<'_, AppState>, cart_id: String, line_id: i64, discount: Option<String>) -> Res<Cart> {
    with_store(&state, |s| {
        let d = self::discount(s, discount, "line discount")?;
        s.cart_line_discount(&cart_id, line_id, d)
    })
}

#[tauri::command]
pub fn cart_order_discount(state: State<'_, AppState>, cart_id: String, discount: Option<String>) -> Res<Cart> {
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
pub fn cart_complete(app: AppHandle, state: State<'_, AppState>, cart_id: String, tenders: Vec<TenderInput>) -> Res<Receipt> {
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
    Ok(receipt)
}

#[tauri::command]
pub fn products_list(state: State<'_, AppState>, search: Option<String>, include_inactive: Option<bool>) -> Res<Vec<Product>> {
    with_store(&state, |s| s.products(search.as_deref().filter(|q| !q.trim().is_empty()), include_inactive.unwrap_or(false)))
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
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

#[tauri::command]
pub fn product_add(app: AppHandle, state: State<'_, AppState>, input: ProductInput) -> Res<Product> {
    let p = with_store(&state, |s| {
        let c = s.settings().currency.clone();
        let stock = blank(&input.stock)
            .map(|q| q.parse::<i64>().map_err(|_| till_core::Error::invalid("stock", format!("{q:?} is not a whole number"))))
            .transpose()?;
        s.add_product(NewProduct {
            sku: input.sku.clone(),
            name: input.name.clone(),
            price: c.parse_non_negative("price", &input.price)?,
            cost: blank(&input.cost).map(|v| c.parse_non_negative("cost", v)).transpose()?,
            barcode: blank(&input.barcode).map(String::from),
            tax_rate: blank(&input.tax_rate).map(till_core::tax::parse_rate).transpose()?,
            category: blank(&input.category).map(String::from),
            stock,
        })
    })?;
    let _ = app.emit("catalog-changed", &p.sku);
    Ok(p)
}

#[tauri::command]
pub fn product_update(app: AppHandle, state: State<'_, AppState>, sku: String, input: ProductInput) -> Res<Product> {
    let p = with_store(&state, |s| {
        let c = s.settings().currency.clone();
        s.update_product(
            &sku,
            ProductUpdate {
                name: Some(input.name.clone()),
                price: Some(c.parse_non_negative("price", &input.price)?),
                cost: Some(blank(&input.cost).map(|v| c.parse_non_negative("cost", v)).transpose()?),
                barcode: Some(blank(&input.barcode).map(String::from)),
                tax_rate: blank(&input.tax_rate).map(till_core::tax::parse_rate).transpose()?,
                category: Some(blank(&input.category).map(String::from)),
                active: input.active,
            },
        )
    })?;
    let _ = app.emit("catalog-changed", &p.sku);
    Ok(p)
}

#[tauri::command]
pub fn stock_adjust(app: AppHandle, state: State<'_, AppState>, sku: String, by: String, reason: String, note: Option<String>) -> Res<StockLevel> {
    let level = with_store(&state, |s| {
        let by: i64 = by
            .trim()
            .parse()
            .map_err(|_| till_core::Error::invalid("quantity", format!("{by:?} is not a whole number")))?;
        s.adjust_stock(&sku, by, reason.parse()?, note.as_deref())
    })?;
    let _ = app.emit("catalog-changed", &level.sku);
    Ok(level)
}

#[tauri::command]
pub fn orders_list(state: State<'_, AppState>, limit: Option<i64>) -> Res<Vec<OrderSummary>> {
    with_store(&state, |s| {
        let mut all = s.orders(None, None, None)?;
        all.reverse(); // newest first on screen
        all.truncate(limit.unwrap_or(100).max(1) as usize);
        Ok(all)
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
    let r = with_store(&state, |s| s.refund(RefundRequest { order: id.clone(), items: items.clone(), key: key.clone() }))?;
    let _ = app.emit("orders-changed", &r.order_id);
    Ok(r)
}
