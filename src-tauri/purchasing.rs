//! The Purchasing screen: suppliers, purchase orders, receiving a delivery
//! and the PO as a file for the supplier. Thin handlers over
//! `till_core::suppliers` and `till_core::purchasing`; the window's fields
//! are read by the core's forms (`PoLineForm`, `PoReceiveForm`), as typed.
//! Each change may need a manager (`purchasing`): `approval` is theirs.

use serde::Deserialize;
use tauri::{AppHandle, State};

use till_core::forms::{PoLineForm, PoReceiveForm};
use till_core::input::{whole, Field};
use till_core::purchasing::{PoFilter, PoFormat, PoStatus, PurchaseOrder};
use till_core::suppliers::{Supplier, SupplierInput, SupplierUpdate};

use crate::events::{emit, CatalogChanged, PricesChanged};
use crate::files;
use crate::state::{AppState, Approval, Res};

/// A new supplier as the form gives it; blank fields are left out.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct SupplierForm {
    pub name: String,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// A whole number of days, as typed; blank: the default (7).
    #[serde(default)]
    pub lead_days: Option<String>,
}

/// Every supplier, by name.
#[tauri::command]
#[specta::specta]
pub async fn suppliers_list(state: State<'_, AppState>) -> Res<Vec<Supplier>> {
    state.run(|s| s.suppliers()).await
}

impl SupplierForm {
    /// The lead time as typed; blank: not given.
    fn lead_days(&self) -> till_core::Result<Option<i64>> {
        self.lead_days
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| whole(Field::LeadDays, t))
            .transpose()
    }
}

#[tauri::command]
#[specta::specta]
pub async fn supplier_add(
    state: State<'_, AppState>,
    input: SupplierForm,
    approval: Option<Approval>,
) -> Res<Supplier> {
    state
        .run_approved(approval, move |s| {
            let lead_days = input.lead_days()?;
            s.supplier_add(SupplierInput {
                name: input.name,
                contact: input.contact,
                email: input.email,
                phone: input.phone,
                lead_days,
            })
        })
        .await
}

/// Changes the supplier named `name` to the form's values: a blank
/// contact, email or phone clears it, a blank lead time keeps it.
#[tauri::command]
#[specta::specta]
pub async fn supplier_update(
    state: State<'_, AppState>,
    name: String,
    input: SupplierForm,
    approval: Option<Approval>,
) -> Res<Supplier> {
    state
        .run_approved(approval, move |s| {
            let lead_days = input.lead_days()?;
            let given = |v: Option<String>| Some(v.filter(|t| !t.trim().is_empty()));
            s.supplier_update(
                &name,
                SupplierUpdate {
                    name: Some(input.name),
                    contact: given(input.contact),
                    email: given(input.email),
                    phone: given(input.phone),
                    lead_days,
                },
            )
        })
        .await
}

/// Purchase orders, newest first; `status` one of the PO statuses.
#[tauri::command]
#[specta::specta]
pub async fn pos_list(
    state: State<'_, AppState>,
    status: Option<PoStatus>,
) -> Res<Vec<PurchaseOrder>> {
    state
        .run(move |s| {
            s.pos(&PoFilter {
                status,
                supplier: None,
            })
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn po_get(state: State<'_, AppState>, id: i64) -> Res<PurchaseOrder> {
    state.run(move |s| s.po(id)).await
}

/// A draft PO; rows left blank are left out, a blank cost is the product's.
#[tauri::command]
#[specta::specta]
pub async fn po_create(
    state: State<'_, AppState>,
    supplier: String,
    lines: Vec<PoLineForm>,
    note: Option<String>,
    approval: Option<Approval>,
) -> Res<PurchaseOrder> {
    state
        .run_approved(approval, move |s| {
            let lines = s.po_lines_form(&lines)?;
            let note = note.as_deref().map(str::trim).filter(|n| !n.is_empty());
            s.po_create(&supplier, &lines, note)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn po_send(
    state: State<'_, AppState>,
    id: i64,
    approval: Option<Approval>,
) -> Res<PurchaseOrder> {
    state.run_approved(approval, move |s| s.po_send(id)).await
}

/// Receives the quantities typed per line (blank or 0: not this time).
#[tauri::command]
#[specta::specta]
pub async fn po_receive(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    lines: Vec<PoReceiveForm>,
    approval: Option<Approval>,
) -> Res<PurchaseOrder> {
    let po = state
        .run_approved(approval, move |s| {
            let items = s.po_receive_form(&lines)?;
            s.po_receive(id, Some(&items))
        })
        .await?;
    // Stock and costs moved: the products screen and prices follow.
    for line in &po.lines {
        emit(&app, CatalogChanged(line.sku.clone()));
    }
    emit(&app, PricesChanged);
    Ok(po)
}

#[tauri::command]
#[specta::specta]
pub async fn po_cancel(
    state: State<'_, AppState>,
    id: i64,
    approval: Option<Approval>,
) -> Res<PurchaseOrder> {
    state.run_approved(approval, move |s| s.po_cancel(id)).await
}

/// The PO as CSV or PDF (`format`), saved where the user chooses in the
/// "save as" dialog; returns the file's path.
#[tauri::command]
#[specta::specta]
pub async fn po_export(state: State<'_, AppState>, id: i64, format: String) -> Res<String> {
    // A format the core does not know is said before the dialog opens.
    let format = PoFormat::parse(&format)?;
    let number = state.run(move |s| s.po(id).map(|p| p.number)).await?;
    let path = files::choose_save(
        files::Ask {
            title: "Save the purchase order",
            filter: match format {
                PoFormat::Csv => ("CSV", &["csv"]),
                PoFormat::Pdf => ("PDF", &["pdf"]),
            },
        },
        format!("{number}.{}", format.extension()),
    )
    .await?;
    state
        .run(move |s| {
            let bytes = s.po_file(id, format)?;
            till_core::save::save_file(&path, &bytes)?;
            Ok(path.display().to_string())
        })
        .await
}
