//! Bundle, kit and mining commands. Mining runs on a blocking worker thread
//! (never the UI thread, never holding the store lock while it mines),
//! reports progress as `mining-progress` events and stops when
//! `bundles_mine_cancel` is called.

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use till_core::bundles::{
    Bundle, BundleInput, BundleList, BundleOffer, BundleUpdate, Companion, Suggestion,
};
use till_core::catalog::Product;
use till_core::input::time as parse_time;
use till_core::input::Field;
use till_core::kits::Kit;
use till_core::Store;
use till_mining::{CancelToken, Params, Progress, Rule, Stage, Transactions};

use crate::commands::blank;
use crate::events::{emit, CatalogChanged, MiningProgress, PricesChanged};
use crate::state::{AppState, Res, UiError};

/// The mining run in progress, if any: its number and its cancel flag.
#[derive(Default)]
pub struct Mining(Mutex<(u64, Option<CancelToken>)>);

/// What to mine.
enum Source {
    File(PathBuf, till_mining::Format),
    Baskets(Vec<Vec<String>>),
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct BundleItemForm {
    pub code: String,
    pub qty: i64,
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct BundleForm {
    pub name: String,
    pub items: Vec<BundleItemForm>,
    pub percent_off: Option<String>,
    pub price: Option<String>,
    /// RFC 3339 or empty.
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
}

fn offer(store: &Store, f: &BundleForm) -> till_core::Result<Option<BundleOffer>> {
    BundleOffer::parse(
        &store.settings().currency,
        blank(&f.percent_off),
        blank(&f.price),
    )
}

fn window_end(
    field: Field,
    v: &Option<String>,
) -> till_core::Result<Option<chrono::DateTime<chrono::Utc>>> {
    blank(v).map(|t| parse_time(field, t)).transpose()
}

fn items(f: &BundleForm) -> Vec<(String, i64)> {
    f.items.iter().map(|i| (i.code.clone(), i.qty)).collect()
}

#[tauri::command]
#[specta::specta]
pub async fn bundles_list(state: State<'_, AppState>, all: Option<bool>) -> Res<BundleList> {
    state.run(move |s| s.bundle_list(all.unwrap_or(true))).await
}

#[tauri::command]
#[specta::specta]
pub async fn bundle_create(
    app: AppHandle,
    state: State<'_, AppState>,
    input: BundleForm,
) -> Res<Bundle> {
    let b = state
        .run(move |s| {
            let offer = offer(s, &input)?;
            s.create_bundle(BundleInput {
                name: input.name.clone(),
                items: items(&input),
                offer,
                valid_from: window_end(Field::From, &input.valid_from)?,
                valid_until: window_end(Field::Until, &input.valid_until)?,
            })
        })
        .await?;
    emit(&app, PricesChanged);
    Ok(b)
}

#[tauri::command]
#[specta::specta]
pub async fn bundle_update(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    input: BundleForm,
    active: Option<bool>,
) -> Res<Bundle> {
    let b = state
        .run(move |s| {
            let offer = offer(s, &input)?;
            s.update_bundle(
                id,
                BundleUpdate {
                    name: Some(input.name.clone()),
                    items: Some(items(&input)),
                    offer,
                    valid_from: Some(window_end(Field::From, &input.valid_from)?),
                    valid_until: Some(window_end(Field::Until, &input.valid_until)?),
                    active,
                },
            )
        })
        .await?;
    emit(&app, PricesChanged);
    Ok(b)
}

#[tauri::command]
#[specta::specta]
pub async fn bundle_set_active(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    active: bool,
) -> Res<Option<Bundle>> {
    // Reads nothing else first, so a bundle that cannot be read can still
    // be switched off; `None` then.
    let b = state
        .run(move |s| {
            s.set_bundle_active(id, active)?;
            match s.bundle(id) {
                Ok(b) => Ok(Some(b)),
                Err(till_core::Error::Damaged(_)) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await?;
    emit(&app, PricesChanged);
    Ok(b)
}

#[tauri::command]
#[specta::specta]
pub async fn bundle_suggestion_approve(
    app: AppHandle,
    state: State<'_, AppState>,
    key: String,
    name: Option<String>,
    percent_off: Option<String>,
    price: Option<String>,
) -> Res<Bundle> {
    let b = state
        .run(move |s| {
            let offer =
                BundleOffer::parse(&s.settings().currency, blank(&percent_off), blank(&price))?;
            s.approve_suggestion(&key, blank(&name).map(String::from), offer, None, None)
        })
        .await?;
    emit(&app, PricesChanged);
    Ok(b)
}

#[tauri::command]
#[specta::specta]
pub async fn bundle_suggestion_dismiss(state: State<'_, AppState>, key: String) -> Res<String> {
    state.run(move |s| s.dismiss_suggestion(&key)).await
}

#[tauri::command]
#[specta::specta]
pub async fn cart_companions(state: State<'_, AppState>, cart_id: String) -> Res<Vec<Companion>> {
    state.run(move |s| s.cart_companions(&cart_id, 3)).await
}

#[tauri::command]
#[specta::specta]
pub async fn kits_list(state: State<'_, AppState>) -> Res<Vec<Kit>> {
    state.run(move |s| s.kits()).await
}

#[tauri::command]
#[specta::specta]
pub async fn kit_set(
    app: AppHandle,
    state: State<'_, AppState>,
    sku: String,
    items: Vec<BundleItemForm>,
) -> Res<Kit> {
    let items: Vec<(String, i64)> = items.into_iter().map(|i| (i.code, i.qty)).collect();
    let k = state.run(move |s| s.set_kit(&sku, &items)).await?;
    emit(&app, CatalogChanged(k.sku.clone()));
    Ok(k)
}

#[tauri::command]
#[specta::specta]
pub async fn kit_clear(app: AppHandle, state: State<'_, AppState>, sku: String) -> Res<Product> {
    let p = state.run(move |s| s.clear_kit(&sku)).await?;
    emit(&app, CatalogChanged(p.sku.clone()));
    Ok(p)
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct MineForm {
    /// Mine a basket file the user chooses in the file dialog; else the
    /// store's own orders.
    #[serde(default)]
    pub from_file: bool,
    pub format: Option<String>,
    pub min_support: String,
    pub min_confidence: String,
    pub max_len: Option<String>,
}

/// What a mining run found, for the screen.
#[derive(Debug, Serialize, specta::Type)]
pub struct MineOutcome {
    /// The file's path, or "this shop's orders".
    pub source: String,
    pub transactions: u64,
    pub itemsets: usize,
    pub rules: usize,
    /// The strongest rules by lift (at most 50).
    pub top_rules: Vec<MineRule>,
    /// Bundle suggestions when the items are this shop's SKUs.
    pub suggestions: Vec<Suggestion>,
    pub seconds: f64,
}

/// An association rule: baskets with the antecedent often hold the
/// consequent (`till_mining::Rule`, which knows nothing of the window).
#[derive(Debug, Serialize, specta::Type)]
pub struct MineRule {
    pub antecedent: Vec<String>,
    pub consequent: Vec<String>,
    pub support_count: u64,
    pub confidence: f64,
    pub lift: f64,
}

impl From<Rule> for MineRule {
    fn from(r: Rule) -> Self {
        MineRule {
            antecedent: r.antecedent,
            consequent: r.consequent,
            support_count: r.support_count,
            confidence: r.confidence,
            lift: r.lift,
        }
    }
}

fn progress_event(stage: &str, fraction: f64) -> MiningProgress {
    MiningProgress {
        stage: stage.into(),
        fraction,
    }
}

fn overall(p: Progress) -> MiningProgress {
    // Mining itemsets is by far the longest stage; weight it so.
    let f = p.fraction().clamp(0.0, 1.0);
    match p.stage {
        Stage::Building => progress_event("reading baskets", 0.1 * f),
        Stage::Itemsets => progress_event("finding itemsets", 0.1 + 0.8 * f),
        Stage::Rules => progress_event("building rules", 0.9 + 0.1 * f),
    }
}

fn mining_unavailable() -> UiError {
    UiError::new("internal", "mining state unavailable; restart Till")
}

fn mine_err(field: Field, e: till_mining::Error) -> UiError {
    let code = if matches!(e, till_mining::Error::Cancelled) {
        "cancelled"
    } else {
        "invalid_input"
    };
    UiError::new(code, format!("{}: {e}", crate::wording::label(field)))
}

/// Mines the baskets for bundles on a worker thread: may take seconds.
/// Reports `mining-progress` while it runs; rejects with code `cancelled`
/// when `bundles_mine_cancel` stopped it.
#[tauri::command]
#[specta::specta]
pub async fn bundles_mine(
    app: AppHandle,
    state: State<'_, AppState>,
    mining: State<'_, Mining>,
    input: MineForm,
) -> Res<MineOutcome> {
    let max_len = match blank(&input.max_len) {
        Some(m) => Some(till_core::input::whole(Field::MaxLen, m)? as usize),
        None => None,
    };
    let params = Params::parse(
        input.min_support.trim(),
        input.min_confidence.trim(),
        max_len,
    )
    .map_err(|e| mine_err(Field::Thresholds, e))?;
    // The run is registered before the file dialog opens, so a Cancel
    // pressed while it is open (or closing) is not lost.
    let token = CancelToken::new();
    let run = {
        let mut slot = mining.0.lock().map_err(|_| mining_unavailable())?;
        if let Some(previous) = slot.1.replace(token.clone()) {
            previous.cancel();
        }
        slot.0 += 1;
        slot.0
    };
    let release = || {
        if let Ok(mut slot) = mining.0.lock() {
            if slot.0 == run {
                slot.1 = None;
            }
        }
    };
    let chosen: Res<(Source, String)> = async {
        if input.from_file {
            let path = crate::files::choose(crate::files::BASKETS).await?;
            let format = till_core::bundles::basket_format(&path, blank(&input.format))?;
            let label = path.display().to_string();
            Ok((Source::File(path, format), label))
        } else {
            // The store's baskets are read under the lock; the mining is not.
            Ok((
                Source::Baskets(state.run(move |s| s.basket_transactions()).await?),
                "this shop's orders".to_string(),
            ))
        }
    }
    .await;
    let (source, label) = match chosen {
        Ok(_) if token.is_cancelled() => {
            release();
            return Err(mine_err(Field::Mining, till_mining::Error::Cancelled));
        }
        Ok(chosen) => chosen,
        Err(e) => {
            release();
            return Err(e);
        }
    };
    let worker_app = app.clone();
    let started = Instant::now();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let transactions = match source {
            Source::File(path, fmt) => {
                till_mining::read_file(&path, fmt).map_err(|e| mine_err(Field::BasketFile, e))?
            }
            Source::Baskets(b) if b.is_empty() => {
                return Err(UiError::new(
                    "refused",
                    "the store has no completed orders to learn from yet",
                ))
            }
            Source::Baskets(b) => Transactions::from_baskets(&b),
        };
        // Tell the window at most every 100 ms.
        let last = Cell::new(Instant::now() - Duration::from_secs(1));
        let progress = |p: Progress| {
            if last.get().elapsed() >= Duration::from_millis(100) {
                last.set(Instant::now());
                emit(&worker_app, overall(p));
            }
            !token.is_cancelled()
        };
        till_mining::mine(&transactions, &params, &progress).map_err(|e| mine_err(Field::Mining, e))
    })
    .await
    .map_err(|e| UiError::new("internal", format!("the mining worker failed: {e}")))?;
    release();
    let result = result?;
    emit(&app, progress_event("done", 1.0));
    let mut top: Vec<Rule> = result.rules.clone();
    top.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then(b.confidence.total_cmp(&a.confidence))
    });
    top.truncate(50);
    let (transactions, itemsets, rules) = (
        result.transactions,
        result.itemsets.len(),
        result.rules.len(),
    );
    let suggestions = state
        .run(move |s| s.suggestions_from(&result, None, 20))
        .await?
        .suggestions;
    Ok(MineOutcome {
        source: label,
        transactions,
        itemsets,
        rules,
        top_rules: top.into_iter().map(MineRule::from).collect(),
        suggestions,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Stops the mining run, if any; false when none was running.
#[tauri::command]
#[specta::specta]
pub async fn bundles_mine_cancel(mining: State<'_, Mining>) -> Res<bool> {
    let slot = mining.0.lock().map_err(|_| mining_unavailable())?;
    Ok(match slot.1.as_ref() {
        Some(t) => {
            t.cancel();
            true
        }
        None => false,
    })
}
