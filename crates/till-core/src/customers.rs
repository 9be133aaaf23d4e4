//! Customers and affiliates: the people a sale can be attached to and the
//! referrers who earn commissions. Email and phone are optional and unique
//! among customers (and among affiliates) when given; they are kept normalised (email lowercased, phone as digits
//! with an optional leading +) so "Ann@Shop.com" and "ann@shop.com " are one.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::Field;
use crate::roles::Permission;
use crate::store::{ts, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum CustomerKind {
    /// Buys at the counter (and may refer others).
    Customer,
    /// A partner who refers customers and does not buy.
    Affiliate,
}

impl CustomerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerKind::Customer => "customer",
            CustomerKind::Affiliate => "affiliate",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Customer {
    pub id: String,
    pub kind: CustomerKind,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
    /// The referrer this customer is attributed to (first touch).
    pub referred_by: Option<String>,
    pub referral_code: Option<String>,
    /// When the attribution window opened (the first referred order).
    pub window_starts_at: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct NewCustomer {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// A referral code: links the new customer to its referrer now, before
    /// any order ("a referred customer linked when first seen").
    #[serde(default)]
    pub referral_code: Option<String>,
}

/// Changes; `None` leaves a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct CustomerUpdate {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub active: Option<bool>,
}

pub(crate) const CUSTOMER_COLUMNS: &str = "id, kind, name, email, phone, notes, active, referred_by, referral_code, window_starts_at, created_at";

pub(crate) fn customer_from_row(r: &Row) -> rusqlite::Result<Customer> {
    let kind: String = r.get(1)?;
    Ok(Customer {
        id: r.get(0)?,
        kind: if kind == "affiliate" {
            CustomerKind::Affiliate
        } else {
            CustomerKind::Customer
        },
        name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        notes: r.get(5)?,
        active: r.get(6)?,
        referred_by: r.get(7)?,
        referral_code: r.get(8)?,
        window_starts_at: r.get(9)?,
        created_at: r.get(10)?,
    })
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Customer> {
    conn.prepare_cached(&format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1"
    ))?
    .query_row([id.trim()], customer_from_row)
    .optional()?
    .ok_or_else(|| Error::not_found("customer", id.trim()))
}

/// The customer a sale is for: an active customer (not an affiliate).
pub(crate) fn buyer(conn: &Connection, id: &str) -> Result<Customer> {
    let c = load(conn, id)?;
    if c.kind == CustomerKind::Affiliate {
        return Err(Error::invalid(
            Field::Customer,
            format!(
                "{} is an affiliate, not a customer; attach a customer to the sale",
                c.name
            ),
        ));
    }
    if !c.active {
        return Err(Error::Refused(format!(
            "customer {} is inactive; reactivate them or sell without a customer",
            c.name
        )));
    }
    Ok(c)
}

/// "Ann@Shop.COM " -> "ann@shop.com"; refuses what cannot be an address.
pub fn normalize_email(text: &str) -> Result<String> {
    let e = text.trim().to_lowercase();
    crate::input::check_text(Field::Email, &e, crate::input::TextKind::Email)?;
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(|c| c.is_whitespace())
                && !domain.contains('@')
        }
        None => false,
    };
    if !ok {
        return Err(Error::invalid(
            Field::Email,
            format!("{text:?} is not an email address (like ann@example.com)"),
        ));
    }
    Ok(e)
}

/// "+44 (0)20 7946-0018" -> "+440207946 0018" without the spaces: digits
/// with an optional leading +; 6 to 15 digits.
pub fn normalize_phone(text: &str) -> Result<String> {
    let t = text.trim();
    let plus = t.starts_with('+');
    let mut digits = String::new();
    for c in t.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            '+' if digits.is_empty() => {}
            _ => {
                return Err(Error::invalid(
                    Field::Phone,
                    format!("{text:?} has {c:?}; a phone number has digits, spaces, dashes and an optional leading +"),
                ))
            }
        }
    }
    if !(6..=15).contains(&digits.len()) {
        return Err(Error::invalid(
            Field::Phone,
            format!(
                "{text:?} has {} digits; a phone number has 6 to 15",
                digits.len()
            ),
        ));
    }
    Ok(if plus { format!("+{digits}") } else { digits })
}

fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn check_name(name: &str) -> Result<String> {
    crate::input::text(Field::Name, name, crate::input::TextKind::Name)
}

fn check_notes(notes: Option<String>) -> Result<Option<String>> {
    crate::input::opt_text(Field::Notes, notes.as_deref(), crate::input::TextKind::Note)
}

/// Says which unique field a constraint failure was about.
fn unique_error(e: rusqlite::Error, email: &Option<String>, phone: &Option<String>) -> Error {
    let text = e.to_string();
    if text.contains("customers.email") {
        return Error::Conflict(format!(
            "another record of this kind already has the email {}",
            email.as_deref().unwrap_or("")
        ));
    }
    if text.contains("customers.phone") {
        return Error::Conflict(format!(
            "another record of this kind already has the phone {}",
            phone.as_deref().unwrap_or("")
        ));
    }
    Error::Database(e)
}

impl Store {
    /// Adds a customer (`Customer`) or an affiliate; `link(transaction,
    /// now, customer, code)` ties a customer given a referral code to its
    /// referrer in the same transaction. Called by `Store::add_customer`
    /// (in `referrals`, which sit above customers).
    pub(crate) fn insert_customer(
        &mut self,
        kind: CustomerKind,
        new: NewCustomer,
        link: fn(&Connection, DateTime<Utc>, &Customer, &str) -> Result<()>,
    ) -> Result<Customer> {
        let name = check_name(&new.name)?;
        let email = clean(new.email).map(|e| normalize_email(&e)).transpose()?;
        let phone = clean(new.phone).map(|p| normalize_phone(&p)).transpose()?;
        let notes = check_notes(new.notes)?;
        let code = clean(new.referral_code);
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now();
        let at = ts(now);
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO customers (id, kind, name, email, phone, notes, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![id, kind.as_str(), name, email, phone, notes, at],
        )
        .map_err(|e| unique_error(e, &email, &phone))?;
        if let Some(code) = code {
            if kind == CustomerKind::Affiliate {
                return Err(Error::invalid(
                    Field::Referral,
                    "an affiliate refers customers; it is not referred itself",
                ));
            }
            let buyer = load(&tx, &id)?;
            link(&tx, now, &buyer, &code)?;
        }
        tx.commit()?;
        load(&self.conn, &id)
    }

    pub fn customer(&self, id: &str) -> Result<Customer> {
        self.require(Permission::LookUp)?;
        load(&self.conn, id)
    }

    /// Customers (or affiliates) whose name, email or phone contains
    /// `search`, by name; the phone matches on digits however typed.
    pub fn customers(
        &self,
        kind: Option<CustomerKind>,
        search: Option<&str>,
    ) -> Result<Vec<Customer>> {
        // Affiliates and what they earn are the referral standings.
        self.require(match kind {
            Some(CustomerKind::Affiliate) => Permission::Reports,
            _ => Permission::LookUp,
        })?;
        let text = search.map(str::trim).filter(|s| !s.is_empty());
        let like = text.map(|s| {
            format!(
                "%{}%",
                s.to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        let digits: Option<String> = text
            .map(|s| s.chars().filter(char::is_ascii_digit).collect::<String>())
            .filter(|d| d.len() >= 3)
            .map(|d| format!("%{d}%"));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CUSTOMER_COLUMNS} FROM customers
             WHERE (?1 IS NULL OR kind = ?1)
               AND (?2 IS NULL OR lower(name) LIKE ?2 ESCAPE '\\' OR email LIKE ?2 ESCAPE '\\'
                    OR (?3 IS NOT NULL AND phone LIKE ?3))
             ORDER BY name COLLATE NOCASE, id LIMIT 500"
        ))?;
        let rows = stmt.query_map(
            params![kind.map(|k| k.as_str()), like, digits],
            customer_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn update_customer(&mut self, id: &str, u: CustomerUpdate) -> Result<Customer> {
        self.require(Permission::AddCustomer)?;
        let c = self.customer(id)?;
        let name = match &u.name {
            Some(n) => check_name(n)?,
            None => c.name.clone(),
        };
        let email = match u.email {
            Some(e) => clean(e).map(|e| normalize_email(&e)).transpose()?,
            None => c.email.clone(),
        };
        let phone = match u.phone {
            Some(p) => clean(p).map(|p| normalize_phone(&p)).transpose()?,
            None => c.phone.clone(),
        };
        let notes = match u.notes {
            Some(n) => check_notes(n)?,
            None => c.notes.clone(),
        };
        let active = u.active.unwrap_or(c.active);
        let at = ts(self.now());
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE customers SET name = ?1, email = ?2, phone = ?3, notes = ?4, active = ?5, updated_at = ?6 WHERE id = ?7",
            params![name, email, phone, notes, active, at, c.id],
        )
        .map_err(|e| unique_error(e, &email, &phone))?;
        tx.commit()?;
        self.customer(&c.id)
    }
}
