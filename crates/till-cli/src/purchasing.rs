//! `till supplier add|list|show|edit` and `till po create|list|show|send|
//! receive|cancel|export`: suppliers, purchase orders and receiving. JSON is
//! the core's `Supplier` and `PurchaseOrder` (money as strings); a PO is
//! named by its number (PO-0001) or its id.

use std::fmt::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use till_core::input::{whole, Field};
use till_core::purchasing::{PoFilter, PoFormat, PoStatus, PurchaseOrder};
use till_core::suppliers::{Supplier, SupplierInput, SupplierUpdate};
use till_core::{Result, Store};

use crate::human::Human;
use crate::run::Ctx;

#[derive(Debug, Subcommand)]
pub enum SupplierCmd {
    /// Add a supplier. JSON: {"id","name","contact","email","phone","lead_days",...}.
    Add(SupplierArgs),
    /// Every supplier, by name.
    List,
    /// One supplier, by name (any case).
    Show { name: String },
    /// Change a supplier; an empty value ("") clears contact, email or phone.
    Edit {
        /// The supplier's name now (any case).
        name: String,
        /// A new name.
        #[arg(long = "name", value_name = "NEW_NAME")]
        new_name: Option<String>,
        #[command(flatten)]
        details: SupplierDetails,
    },
}

#[derive(Debug, Args)]
pub struct SupplierArgs {
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub details: SupplierDetails,
}

#[derive(Debug, Args)]
pub struct SupplierDetails {
    /// The person to ask for.
    #[arg(long)]
    pub contact: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    /// Days from ordering to the delivery on the shelf (0 to 365; 7 when
    /// a supplier is added without it).
    #[arg(long, value_name = "DAYS")]
    pub lead_days: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PoCmd {
    /// A draft purchase order. JSON: {"id","number","status","lines",...}.
    Create {
        #[arg(long)]
        supplier: String,
        /// SKUxQTY@UNIT_COST (e.g. COFx12@2.65), once per product; without
        /// @COST, the product's cost.
        #[arg(long = "item", value_name = "ITEM", required = true)]
        items: Vec<String>,
        /// A note for the supplier or yourself.
        #[arg(long)]
        note: Option<String>,
    },
    /// Purchase orders, newest first.
    List {
        /// draft, sent, partly_received, received or cancelled.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        supplier: Option<String>,
    },
    /// A purchase order with its lines: ordered, received, outstanding.
    Show { id: String },
    /// Mark a draft as sent to the supplier.
    Send { id: String },
    /// Take a delivery in: every outstanding unit, or the items given
    /// (SKUxQTY, any quantity, more than ordered too). Writes receive
    /// movements and moves each product's cost to the weighted average.
    Receive {
        id: String,
        #[arg(long = "item", value_name = "ITEM")]
        items: Vec<String>,
    },
    /// Cancel a draft or sent PO; a partly received one is closed (what
    /// came stays, nothing more is expected).
    Cancel { id: String },
    /// Write the PO to send to the supplier, as CSV or PDF.
    Export {
        id: String,
        #[arg(long, value_name = "csv|pdf")]
        format: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// The details as the core's input, under `name`.
fn details(name: String, d: SupplierDetails) -> Result<SupplierInput> {
    let lead_days = d
        .lead_days
        .map(|t| whole(Field::LeadDays, &t))
        .transpose()?;
    Ok(SupplierInput {
        name,
        contact: d.contact,
        email: d.email,
        phone: d.phone,
        lead_days,
    })
}

pub fn supplier(ctx: &Ctx, store: &mut Store, cmd: SupplierCmd) -> Result<()> {
    match cmd {
        SupplierCmd::Add(a) => {
            let s = store.supplier_add(details(a.name, a.details)?)?;
            ctx.out(&s, supplier_text)
        }
        SupplierCmd::List => {
            let list = store.suppliers()?;
            ctx.out(&list, |l| suppliers_text(l))
        }
        SupplierCmd::Show { name } => {
            let s = store.supplier(&name)?;
            ctx.out(&s, supplier_text)
        }
        SupplierCmd::Edit {
            name,
            new_name,
            details: d,
        } => {
            let d = details(String::new(), d)?;
            let s = store.supplier_update(
                &name,
                SupplierUpdate {
                    name: new_name,
                    contact: d.contact.map(Some),
                    email: d.email.map(Some),
                    phone: d.phone.map(Some),
                    lead_days: d.lead_days,
                },
            )?;
            ctx.out(&s, supplier_text)
        }
    }
}

pub fn po(ctx: &Ctx, store: &mut Store, cmd: PoCmd) -> Result<()> {
    let h = &ctx.human;
    match cmd {
        PoCmd::Create {
            supplier,
            items,
            note,
        } => {
            let lines = items
                .iter()
                .map(|t| store.po_line(t))
                .collect::<Result<Vec<_>>>()?;
            let po = store.po_create(&supplier, &lines, note.as_deref())?;
            ctx.out(&po, |p| po_text(p, h))
        }
        PoCmd::List { status, supplier } => {
            let status = status.as_deref().map(str::parse::<PoStatus>).transpose()?;
            let list = store.pos(&PoFilter { status, supplier })?;
            ctx.out(&list, |l| pos_text(l, h))
        }
        PoCmd::Show { id } => {
            let id = store.po_id(&id)?;
            let po = store.po(id)?;
            ctx.out(&po, |p| po_text(p, h))
        }
        PoCmd::Send { id } => {
            let id = store.po_id(&id)?;
            let po = store.po_send(id)?;
            ctx.out(&po, |p| po_text(p, h))
        }
        PoCmd::Receive { id, items } => {
            let id = store.po_id(&id)?;
            let given = if items.is_empty() {
                None
            } else {
                Some(
                    items
                        .iter()
                        .map(|t| store.item(t))
                        .collect::<Result<Vec<_>>>()?,
                )
            };
            let po = store.po_receive(id, given.as_deref())?;
            ctx.out(&po, |p| po_text(p, h))
        }
        PoCmd::Cancel { id } => {
            let id = store.po_id(&id)?;
            let po = store.po_cancel(id)?;
            ctx.out(&po, |p| po_text(p, h))
        }
        PoCmd::Export { id, format, out } => {
            let format = PoFormat::parse(&format)?;
            let id = store.po_id(&id)?;
            let bytes = store.po_file(id, format)?;
            till_core::save::save_file(&out, &bytes)?;
            let po = store.po(id)?;
            let saved = serde_json::json!({
                "path": out.display().to_string(),
                "format": format.extension(),
                "bytes": bytes.len(),
                "number": po.number,
            });
            ctx.out(&saved, |_| {
                format!(
                    "{} saved to {} ({})",
                    po.number,
                    out.display(),
                    format.extension()
                )
            })
        }
    }
}

fn supplier_text(s: &Supplier) -> String {
    let mut t = format!("{}\n", s.name);
    for (label, v) in [
        ("contact", &s.contact),
        ("email", &s.email),
        ("phone", &s.phone),
    ] {
        if let Some(v) = v {
            let _ = writeln!(t, "  {label:<10} {v}");
        }
    }
    let _ = writeln!(t, "  lead time  {} days", s.lead_days);
    t
}

fn suppliers_text(list: &[Supplier]) -> String {
    if list.is_empty() {
        return "no suppliers (till supplier add --name NAME)".into();
    }
    let mut t = format!(
        "{:<28} {:<20} {:<30} {:>9}\n",
        "NAME", "CONTACT", "EMAIL", "LEAD DAYS"
    );
    for s in list {
        let _ = writeln!(
            t,
            "{:<28} {:<20} {:<30} {:>9}",
            s.name,
            s.contact.as_deref().unwrap_or(""),
            s.email.as_deref().unwrap_or(""),
            s.lead_days
        );
    }
    t
}

fn status_words(s: PoStatus) -> String {
    s.as_str().replace('_', " ")
}

fn po_text(p: &PurchaseOrder, h: &Human) -> String {
    let mut t = format!(
        "{}  {}  to {}\n  created {} by {}\n",
        p.number,
        status_words(p.status),
        p.supplier,
        h.time(&p.created_at),
        p.created_by
    );
    if let Some(n) = &p.note {
        let _ = writeln!(t, "  note: {n}");
    }
    let _ = writeln!(
        t,
        "\n  {:<14} {:<28} {:>7} {:>9} {:>12} {:>14}",
        "SKU",
        "NAME",
        "ORDERED",
        "RECEIVED",
        "OUTSTANDING",
        format!("UNIT COST {}", h.code())
    );
    for l in &p.lines {
        let _ = writeln!(
            t,
            "  {:<14} {:<28} {:>7} {:>9} {:>12} {:>14}",
            l.sku, l.name, l.qty, l.received, l.outstanding, l.unit_cost
        );
    }
    let _ = writeln!(t, "\n  total {}", h.money(p.total));
    t
}

fn pos_text(list: &[PurchaseOrder], h: &Human) -> String {
    if list.is_empty() {
        return "no purchase orders".into();
    }
    let mut t = format!(
        "{:<9} {:<16} {:<24} {:>6} {:>14}  CREATED\n",
        "NUMBER",
        "STATUS",
        "SUPPLIER",
        "LINES",
        format!("TOTAL {}", h.code())
    );
    for p in list {
        let _ = writeln!(
            t,
            "{:<9} {:<16} {:<24} {:>6} {:>14}  {}",
            p.number,
            status_words(p.status),
            p.supplier,
            p.lines.len(),
            p.total,
            h.time(&p.created_at)
        );
    }
    t
}
