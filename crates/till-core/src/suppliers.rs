//! Suppliers: who a shop buys from. A product names at most one (its
//! `supplier`), a purchase order goes to one (`purchasing`). Names are
//! unique ignoring case; email and phone are checked and kept normalised as
//! customers' are.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::customers::{normalize_email, normalize_phone};
use crate::error::{Error, Result};
use crate::input::{self, Field, TextKind};
use crate::roles::Permission;
use crate::store::{ts, Store};

/// Days from ordering to delivery when none is given.
pub const DEFAULT_LEAD_DAYS: i64 = 7;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Supplier {
    pub id: i64,
    pub name: String,
    /// The person to ask for.
    pub contact: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Days from ordering to the delivery on the shelf.
    pub lead_days: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A new supplier. `lead_days` defaults to 7.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct SupplierInput {
    pub name: String,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub lead_days: Option<i64>,
}

/// Changes; `None` leaves a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct SupplierUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub contact: Option<Option<String>>,
    #[serde(default)]
    pub email: Option<Option<String>>,
    #[serde(default)]
    pub phone: Option<Option<String>>,
    #[serde(default)]
    pub lead_days: Option<i64>,
}

const COLUMNS: &str = "id, name, contact, email, phone, lead_days, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Supplier> {
    Ok(Supplier {
        id: r.get(0)?,
        name: r.get(1)?,
        contact: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        lead_days: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

/// A supplier by name (any case), inside the caller's transaction.
pub(crate) fn load(conn: &Connection, name: &str) -> Result<Supplier> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM suppliers WHERE name = ?1 COLLATE NOCASE"
    ))?
    .query_row([name.trim()], from_row)
    .optional()?
    .ok_or_else(|| Error::not_found("supplier", name.trim()))
}

fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn check_lead_days(days: i64) -> Result<i64> {
    if !(0..=365).contains(&days) {
        return Err(Error::invalid(
            Field::LeadDays,
            format!("{days} must be from 0 to 365 days"),
        ));
    }
    Ok(days)
}

fn check_contact(contact: Option<String>) -> Result<Option<String>> {
    input::opt_text(Field::Contact, contact.as_deref(), TextKind::Name)
}

/// A name taken by another supplier (ignoring case) is a conflict.
fn name_free(conn: &Connection, name: &str, except: Option<i64>) -> Result<()> {
    let other: Option<String> = conn
        .prepare_cached(
            "SELECT name FROM suppliers WHERE name = ?1 COLLATE NOCASE AND (?2 IS NULL OR id <> ?2)",
        )?
        .query_row(params![name, except], |r| r.get(0))
        .optional()?;
    match other {
        Some(o) => Err(Error::Conflict(format!(
            "a supplier named {o:?} already exists"
        ))),
        None => Ok(()),
    }
}

impl Store {
    pub fn supplier_add(&mut self, new: SupplierInput) -> Result<Supplier> {
        let auth = self.require(Permission::Purchasing)?;
        let name = input::text(Field::Name, &new.name, TextKind::Name)?;
        let contact = check_contact(new.contact)?;
        let email = clean(new.email).map(|e| normalize_email(&e)).transpose()?;
        let phone = clean(new.phone).map(|p| normalize_phone(&p)).transpose()?;
        let lead_days = check_lead_days(new.lead_days.unwrap_or(DEFAULT_LEAD_DAYS))?;
        let at = self.now();
        let now = ts(at);
        let tx = self.write_tx()?;
        name_free(&tx, &name, None)?;
        tx.execute(
            "INSERT INTO suppliers (name, contact, email, phone, lead_days, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![name, contact, email, phone, lead_days, now],
        )?;
        audit::record(
            &tx,
            &auth,
            at,
            "supplier.add",
            Some(&name),
            serde_json::json!({
                "contact": contact, "email": email, "phone": phone, "lead_days": lead_days,
            }),
        )?;
        let s = load(&tx, &name)?;
        tx.commit()?;
        Ok(s)
    }

    /// Every supplier, by name.
    pub fn suppliers(&self) -> Result<Vec<Supplier>> {
        self.require(Permission::Purchasing)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM suppliers ORDER BY name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// A supplier by name, in any case.
    pub fn supplier(&self, name: &str) -> Result<Supplier> {
        self.require(Permission::Purchasing)?;
        load(&self.conn, name)
    }

    pub fn supplier_update(&mut self, name: &str, update: SupplierUpdate) -> Result<Supplier> {
        let auth = self.require(Permission::Purchasing)?;
        let current = load(&self.conn, name)?;
        let new_name = match update.name {
            Some(n) => input::text(Field::Name, &n, TextKind::Name)?,
            None => current.name.clone(),
        };
        let contact = match update.contact {
            Some(c) => check_contact(c)?,
            None => current.contact.clone(),
        };
        let email = match update.email {
            Some(e) => clean(e).map(|e| normalize_email(&e)).transpose()?,
            None => current.email.clone(),
        };
        let phone = match update.phone {
            Some(p) => clean(p).map(|p| normalize_phone(&p)).transpose()?,
            None => current.phone.clone(),
        };
        let lead_days = match update.lead_days {
            Some(d) => check_lead_days(d)?,
            None => current.lead_days,
        };
        let at = self.now();
        let tx = self.write_tx()?;
        name_free(&tx, &new_name, Some(current.id))?;
        tx.execute(
            "UPDATE suppliers SET name = ?1, contact = ?2, email = ?3, phone = ?4, lead_days = ?5, updated_at = ?6
             WHERE id = ?7",
            params![new_name, contact, email, phone, lead_days, ts(at), current.id],
        )?;
        let mut changes = serde_json::Map::new();
        let mut note = |key: &str, from: serde_json::Value, to: serde_json::Value| {
            if from != to {
                changes.insert(key.into(), serde_json::json!({"from": from, "to": to}));
            }
        };
        note("name", current.name.clone().into(), new_name.clone().into());
        note("contact", current.contact.clone().into(), contact.into());
        note("email", current.email.clone().into(), email.into());
        note("phone", current.phone.clone().into(), phone.into());
        note("lead_days", current.lead_days.into(), lead_days.into());
        if !changes.is_empty() {
            audit::record(
                &tx,
                &auth,
                at,
                "supplier.update",
                Some(&current.name),
                serde_json::Value::Object(changes),
            )?;
        }
        let s = load(&tx, &new_name)?;
        tx.commit()?;
        Ok(s)
    }
}
