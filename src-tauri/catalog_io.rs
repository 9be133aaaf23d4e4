//! Importing and exporting the catalog in the window. The file is chosen
//! in the native dialog and kept here (the window never sends a path): the
//! dry run chooses it and returns the preview, the import commits that same
//! file. Both run on the store's worker (`state.run`), send
//! `catalog-import-progress` events at most every 100 ms, and stop with code
//! `refused` (nothing written) when `products_import_cancel` is called.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tauri::{AppHandle, State};
use till_core::catalog_io::{ImportFormat, ImportProgress, ImportReport};

use crate::events::{emit, CatalogChanged, CatalogImportProgress, PricesChanged};
use crate::files::Ask;
use crate::state::{AppState, Res, UiError};

const CSV: Ask = Ask {
    title: "Choose a product CSV file",
    filter: ("CSV", &["csv", "txt"]),
};

const CSV_SAVE: Ask = Ask {
    title: "Export the products as CSV",
    filter: ("CSV", &["csv"]),
};

/// The file of the last dry run, and the running import's cancel flag.
#[derive(Default)]
pub struct CatalogImport(Mutex<Slot>);

#[derive(Default)]
struct Slot {
    file: Option<(PathBuf, Option<ImportFormat>)>,
    cancel: Option<Arc<AtomicBool>>,
}

fn unavailable() -> UiError {
    UiError::new(
        "internal",
        "the import is unavailable after an earlier failure; restart Till",
    )
}

impl CatalogImport {
    fn start(&self) -> Res<Arc<AtomicBool>> {
        let flag = Arc::new(AtomicBool::new(false));
        let mut slot = self.0.lock().map_err(|_| unavailable())?;
        if let Some(previous) = slot.cancel.replace(flag.clone()) {
            previous.store(true, Ordering::SeqCst);
        }
        Ok(flag)
    }

    fn finish(&self, flag: &Arc<AtomicBool>) {
        if let Ok(mut slot) = self.0.lock() {
            if slot.cancel.as_ref().is_some_and(|f| Arc::ptr_eq(f, flag)) {
                slot.cancel = None;
            }
        }
    }
}

/// Runs the import of `path` on the store's worker with progress events.
async fn run(
    app: &AppHandle,
    state: &AppState,
    flag: Arc<AtomicBool>,
    path: PathBuf,
    format: Option<ImportFormat>,
    dry_run: bool,
) -> Res<ImportReport> {
    let worker_app = app.clone();
    state
        .run(move |s| {
            let mut last = Instant::now() - Duration::from_secs(1);
            s.import_products(&path, format, dry_run, &mut |p: ImportProgress| {
                if last.elapsed() >= Duration::from_millis(100) || p.done == p.total {
                    last = Instant::now();
                    emit(&worker_app, CatalogImportProgress(p));
                }
                !flag.load(Ordering::SeqCst)
            })
        })
        .await
}

/// Chooses a CSV file and checks it as a dry run: the preview (counts,
/// warnings and errors by line and column, the first rows). The file is
/// kept for `products_import_commit`. `format` null: from the header.
#[tauri::command]
#[specta::specta]
pub async fn products_import_preview(
    app: AppHandle,
    state: State<'_, AppState>,
    import: State<'_, CatalogImport>,
    format: Option<ImportFormat>,
) -> Res<ImportReport> {
    // Registered before the dialog opens, so a Cancel pressed meanwhile
    // is not lost.
    let flag = import.start()?;
    let chosen = crate::files::choose(CSV).await;
    let result = match chosen {
        Ok(path) => {
            if let Ok(mut slot) = import.0.lock() {
                slot.file = Some((path.clone(), format));
            }
            run(&app, &state, flag.clone(), path, format, true).await
        }
        Err(e) => Err(e),
    };
    import.finish(&flag);
    result
}

/// Imports the file of the last preview: all rows or, on any error, none
/// (the report says which). Tells the window the catalog changed.
#[tauri::command]
#[specta::specta]
pub async fn products_import_commit(
    app: AppHandle,
    state: State<'_, AppState>,
    import: State<'_, CatalogImport>,
) -> Res<ImportReport> {
    let file = import.0.lock().map_err(|_| unavailable())?.file.clone();
    let Some((path, format)) = file else {
        return Err(UiError::new(
            "invalid",
            "choose a file first: the import runs on the file of its preview",
        ));
    };
    let flag = import.start()?;
    let result = run(&app, &state, flag.clone(), path, format, false).await;
    import.finish(&flag);
    let report = result?;
    if report.committed {
        emit(&app, CatalogChanged(String::new()));
        emit(&app, PricesChanged);
    }
    Ok(report)
}

/// Stops the running preview or import (nothing is written); false when
/// none was running.
#[tauri::command]
#[specta::specta]
pub async fn products_import_cancel(import: State<'_, CatalogImport>) -> Res<bool> {
    let slot = import.0.lock().map_err(|_| unavailable())?;
    Ok(match slot.cancel.as_ref() {
        Some(f) => {
            f.store(true, Ordering::SeqCst);
            true
        }
        None => false,
    })
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ProductsExported {
    pub file: String,
    pub products: u32,
}

/// Writes every product as CSV where the user chooses.
#[tauri::command]
#[specta::specta]
pub async fn products_export(
    state: State<'_, AppState>,
    format: ImportFormat,
) -> Res<ProductsExported> {
    let name = format!("products-{format}.csv");
    let path = crate::files::choose_save(CSV_SAVE, name).await?;
    let file = path.display().to_string();
    let products = state.run(move |s| s.export_products(format, &path)).await?;
    Ok(ProductsExported {
        file,
        products: products as u32,
    })
}
