//! Referral codes, attribution and the commission ledger.
//!
//! * A referrer (customer or affiliate) hands out codes: `REF` + 10
//!   characters from an alphabet without look-alikes (no 0/O, 1/I/L), 50
//!   bits of randomness, made offline. Two devices will not pick the same
//!   code in practice; if the upstream ever refuses one as a duplicate, the
//!   device retires it and issues another (`reissue_code`).
//! * Attribution is first touch: a customer belongs to the first referrer
//!   whose code they used (at the counter or when added). Every order of
//!   theirs inside the program's window (default 90 days from their first
//!   referred order) earns; an anonymous buyer's code earns on that order.
//! * Commission: a percentage of the order's net total (after discounts,
//!   before tax; default 10 %) or a fixed amount per order; `pending` at the
//!   sale, `approved` once the return window (default 14 days) has passed,
//!   `paid` by a payout.
//! * A refund writes a reversal entry of its own, in proportion to the net
//!   refunded; the ledger is never rewritten, so a referrer's entries always
//!   sum to their net commission. Reversals are netted in the next payout.
//!
//! Every accrual, reversal, code and payout writes an outbox event in the
//! same transaction.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::customers::{self, Customer, CustomerKind, NewCustomer};
use crate::error::{Error, Result};
use crate::input::{given, Field};
use crate::money::Currency;
use crate::outbox;
use crate::roles::Permission;
use crate::store::{parse_ts, ts, Store};

/// Code characters: digits and capitals without 0, 1, I, L, O.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LEN: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Program {
    /// Percent of the order's net total; `None` when a fixed amount is paid.
    pub percent: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub window_days: i64,
    pub return_days: i64,
}

impl ProgramUpdate {
    /// From text fields (CLI flags, form inputs): a percent ("10" or
    /// "10%"), an amount, and whole numbers of days; `None` or blank leaves
    /// a term as it is. Ranges are checked by `set_referral_program`.
    pub fn parse(
        currency: &Currency,
        percent: Option<&str>,
        amount: Option<&str>,
        window_days: Option<&str>,
        return_days: Option<&str>,
    ) -> Result<ProgramUpdate> {
        let days = |field: Field, v: Option<&str>| {
            given(v).map(|d| crate::input::whole(field, d)).transpose()
        };
        Ok(ProgramUpdate {
            percent: given(percent)
                .map(|p| crate::money::parse_decimal(Field::Percent, p.trim_end_matches('%')))
                .transpose()?,
            amount: given(amount)
                .map(|a| {
                    if a.starts_with('-') {
                        Err(Error::invalid(
                            Field::Amount,
                            format!("{a} must not be negative"),
                        ))
                    } else {
                        currency.parse_non_negative(Field::Amount, a)
                    }
                })
                .transpose()?,
            window_days: days(Field::WindowDays, window_days)?,
            return_days: days(Field::ReturnDays, return_days)?,
        })
    }
}

impl Default for Program {
    fn default() -> Self {
        Program {
            percent: Some(Decimal::TEN),
            amount: None,
            window_days: 90,
            return_days: 14,
        }
    }
}

impl Program {
    fn rate_text(&self) -> String {
        match (self.percent, self.amount) {
            (Some(p), _) => format!("{}%", p.normalize()),
            (_, Some(a)) => a.to_string(),
            _ => "0".into(),
        }
    }

    fn commission(&self, currency: &Currency, basis: Decimal) -> Decimal {
        match (self.percent, self.amount) {
            (Some(p), _) => currency.round(basis * p / Decimal::ONE_HUNDRED),
            (_, Some(a)) => a,
            _ => Decimal::ZERO,
        }
    }
}

/// Changes to the program; a percent replaces an amount and vice versa.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct ProgramUpdate {
    pub percent: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub window_days: Option<i64>,
    pub return_days: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReferralCode {
    pub code: String,
    pub referrer_id: String,
    pub active: bool,
    pub expires_at: Option<String>,
    pub retired: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum CommissionStatus {
    Pending,
    Approved,
    Paid,
    Reversed,
}

impl CommissionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommissionStatus::Pending => "pending",
            CommissionStatus::Approved => "approved",
            CommissionStatus::Paid => "paid",
            CommissionStatus::Reversed => "reversed",
        }
    }
}

impl FromStr for CommissionStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pending" => Ok(CommissionStatus::Pending),
            "approved" => Ok(CommissionStatus::Approved),
            "paid" => Ok(CommissionStatus::Paid),
            "reversed" => Ok(CommissionStatus::Reversed),
            _ => Err(Error::invalid(
                Field::Status,
                format!("{s:?} is not one of pending, approved, paid, reversed"),
            )),
        }
    }
}

/// What a ledger entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum CommissionKind {
    /// Earned with a sale.
    Accrual,
    /// Taken back with a refund (negative).
    Reversal,
}

impl CommissionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CommissionKind::Accrual => "accrual",
            CommissionKind::Reversal => "reversal",
        }
    }
}

/// One entry of the commission ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Commission {
    pub id: String,
    pub kind: CommissionKind,
    pub referrer_id: String,
    pub order_id: String,
    pub refund_id: Option<String>,
    /// For a reversal: the accrual it reverses.
    pub reverses: Option<String>,
    pub customer_id: Option<String>,
    pub code: Option<String>,
    /// The order's net total the commission was worked out on.
    pub basis: Decimal,
    /// "10%" or a fixed amount.
    pub rate: String,
    pub amount: Decimal,
    pub status: CommissionStatus,
    pub payout_id: Option<String>,
    pub created_at: String,
    pub approved_at: Option<String>,
    pub paid_at: Option<String>,
    /// The order's receipt number.
    #[serde(default)]
    pub order_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Payout {
    pub id: String,
    pub referrer_id: String,
    pub amount: Decimal,
    pub method: String,
    pub reference: Option<String>,
    pub paid_at: String,
    /// The ledger entries it settled (approved accruals and reversals).
    pub entries: Vec<String>,
}

/// A referrer's standing, as the back office shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReferrerSummary {
    pub id: String,
    pub kind: CustomerKind,
    pub name: String,
    pub email: Option<String>,
    pub active: bool,
    pub codes: Vec<String>,
    /// Referred customers.
    pub customers: i64,
    /// Orders that earned.
    pub orders: i64,
    pub pending: Decimal,
    pub approved: Decimal,
    /// Reversals (negative) not yet netted by a payout.
    pub reversed: Decimal,
    pub paid: Decimal,
    /// Net commission not yet paid out: what the next payout settles once
    /// everything is approved. Negative after a paid commission is refunded.
    pub balance: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReferrerDetail {
    #[serde(flatten)]
    pub summary: ReferrerSummary,
    pub code_list: Vec<ReferralCode>,
    pub entries: Vec<Commission>,
    pub payouts: Vec<Payout>,
}

/// Who earns on one order.
#[derive(Debug, Clone)]
pub(crate) struct Attribution {
    referrer_id: String,
    code: Option<String>,
    customer_id: Option<String>,
    /// The customer is attributed by this order (first touch).
    link: bool,
    /// The customer's window opens with this order.
    opens_window: bool,
}

/// Upper-cases and drops spaces and dashes: "ref-7kq 2m" -> "REF7KQ2M".
pub fn normalize_code(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

fn generate_code() -> String {
    let mut rng = rand::rng();
    let mut s = String::with_capacity(3 + CODE_LEN);
    s.push_str("REF");
    for _ in 0..CODE_LEN {
        s.push(ALPHABET[rng.random_range(0..ALPHABET.len())] as char);
    }
    s
}

pub(crate) fn load_program(conn: &Connection) -> Result<Program> {
    let row = conn
        .prepare_cached(
            "SELECT percent, amount, window_days, return_days FROM referral_program WHERE id = 1",
        )?
        .query_row([], |r| {
            Ok((
                crate::stored::opt_decimal(r, 0)?,
                crate::stored::opt_decimal(r, 1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })
        .optional()?;
    let Some((percent, amount, window_days, return_days)) = row else {
        return Ok(Program::default());
    };
    Ok(Program {
        percent,
        amount,
        window_days,
        return_days,
    })
}

fn code_from_row(r: &rusqlite::Row) -> rusqlite::Result<ReferralCode> {
    Ok(ReferralCode {
        code: r.get(0)?,
        referrer_id: r.get(1)?,
        active: r.get(2)?,
        expires_at: r.get(3)?,
        retired: r.get(4)?,
        created_at: r.get(5)?,
    })
}

const CODE_COLUMNS: &str = "code, referrer_id, active, expires_at, retired, created_at";

/// The code and its referrer, if the code may be used at `now`.
fn resolve_code(conn: &Connection, now: DateTime<Utc>, text: &str) -> Result<(String, Customer)> {
    let code = normalize_code(text);
    if code.is_empty() {
        return Err(Error::invalid(Field::ReferralCode, "must not be empty"));
    }
    let found = conn
        .prepare_cached(&format!(
            "SELECT {CODE_COLUMNS} FROM referral_codes WHERE code = ?1"
        ))?
        .query_row([&code], code_from_row)
        .optional()?;
    let Some(c) = found else {
        return Err(Error::invalid(
            Field::ReferralCode,
            format!("{code} is not a referral code of this shop; check it, or sell without it"),
        ));
    };
    if !c.active {
        return Err(Error::Refused(format!(
            "the referral code {code} was withdrawn{}; sell without it",
            c.retired.map(|r| format!(" ({r})")).unwrap_or_default()
        )));
    }
    if let Some(exp) = &c.expires_at {
        if exp.as_str() <= ts(now).as_str() {
            return Err(Error::Refused(format!(
                "the referral code {code} expired on {exp}; sell without it"
            )));
        }
    }
    let referrer = customers::load(conn, &c.referrer_id)?;
    if !referrer.active {
        return Err(Error::Refused(format!(
            "the referral code {code} belongs to {}, who is no longer an active referrer; sell without it",
            referrer.name
        )));
    }
    Ok((code, referrer))
}

/// Refuses a referrer's own code, or one whose referrer shares the buyer's
/// email or phone.
fn check_not_self(code: &str, buyer: &Customer, referrer: &Customer) -> Result<()> {
    let same_email = buyer.email.is_some() && buyer.email == referrer.email;
    let same_phone = buyer.phone.is_some() && buyer.phone == referrer.phone;
    if buyer.id == referrer.id || same_email || same_phone {
        return Err(Error::Refused(format!(
            "self-referral: the code {code} belongs to {}{}; a customer cannot earn on their own purchases — sell without the code",
            referrer.name,
            if buyer.id == referrer.id {
                String::new()
            } else if same_email {
                ", who has the same email".to_string()
            } else {
                ", who has the same phone".to_string()
            }
        )));
    }
    Ok(())
}

/// Links a newly added customer to the referrer of `code`.
pub(crate) fn link_customer(
    conn: &Connection,
    now: DateTime<Utc>,
    buyer: &Customer,
    code: &str,
) -> Result<()> {
    let (code, referrer) = resolve_code(conn, now, code)?;
    check_not_self(&code, buyer, &referrer)?;
    conn.execute(
        "UPDATE customers SET referred_by = ?1, referral_code = ?2 WHERE id = ?3",
        params![referrer.id, code, buyer.id],
    )?;
    Ok(())
}

fn window_end(start: &str, days: i64) -> Result<DateTime<Utc>> {
    Ok(parse_ts(Field::WindowDays, start)? + Duration::days(days))
}

/// Decides who earns on an order, or refuses the code with a message for
/// the cashier. Runs inside the sale's transaction.
pub(crate) fn attribute(
    conn: &Connection,
    now: DateTime<Utc>,
    buyer: Option<&Customer>,
    code: Option<&str>,
) -> Result<Option<Attribution>> {
    let code = given(code);
    // Most sales have neither: no query at all for them.
    if code.is_none() && buyer.is_none_or(|b| b.referred_by.is_none()) {
        return Ok(None);
    }
    let program = load_program(conn)?;
    let in_window = |start: &Option<String>| -> Result<bool> {
        match start {
            None => Ok(true),
            Some(s) => Ok(now < window_end(s, program.window_days)?),
        }
    };
    match (code, buyer) {
        (None, None) => Ok(None),
        (None, Some(b)) => match &b.referred_by {
            Some(r) if in_window(&b.window_starts_at)? => Ok(Some(Attribution {
                referrer_id: r.clone(),
                code: b.referral_code.clone(),
                customer_id: Some(b.id.clone()),
                link: false,
                opens_window: b.window_starts_at.is_none(),
            })),
            _ => Ok(None),
        },
        (Some(code), None) => {
            let (code, referrer) = resolve_code(conn, now, code)?;
            Ok(Some(Attribution {
                referrer_id: referrer.id,
                code: Some(code),
                customer_id: None,
                link: false,
                opens_window: false,
            }))
        }
        (Some(code), Some(b)) => {
            let (code, referrer) = resolve_code(conn, now, code)?;
            check_not_self(&code, b, &referrer)?;
            match &b.referred_by {
                Some(first) if *first != referrer.id => {
                    let first_name = customers::load(conn, first)
                        .map(|c| c.name)
                        .unwrap_or_else(|_| first.clone());
                    Err(Error::Refused(format!(
                        "{} was referred by {first_name} first; the code {code} of {} cannot take them over — sell without the code",
                        b.name, referrer.name
                    )))
                }
                Some(_) => {
                    if !in_window(&b.window_starts_at)? {
                        let end = window_end(
                            b.window_starts_at.as_deref().unwrap_or_default(),
                            program.window_days,
                        )?;
                        return Err(Error::Refused(format!(
                            "{}'s referral window with {} ended on {}; the code no longer earns — sell without it",
                            b.name,
                            referrer.name,
                            ts(end)
                        )));
                    }
                    Ok(Some(Attribution {
                        referrer_id: referrer.id,
                        code: Some(code),
                        customer_id: Some(b.id.clone()),
                        link: false,
                        opens_window: b.window_starts_at.is_none(),
                    }))
                }
                None => Ok(Some(Attribution {
                    referrer_id: referrer.id,
                    code: Some(code),
                    customer_id: Some(b.id.clone()),
                    link: true,
                    opens_window: true,
                })),
            }
        }
    }
}

/// Writes the commission of a completed order (and the first-touch link).
pub(crate) fn accrue(
    conn: &Connection,
    currency: &Currency,
    now: DateTime<Utc>,
    order_id: &str,
    a: &Attribution,
    basis: Decimal,
) -> Result<Option<Commission>> {
    let at = ts(now);
    if let Some(cid) = &a.customer_id {
        if a.link {
            conn.execute(
                "UPDATE customers SET referred_by = ?1, referral_code = ?2, window_starts_at = ?3, updated_at = ?3 WHERE id = ?4",
                params![a.referrer_id, a.code, at, cid],
            )?;
        } else if a.opens_window {
            conn.execute(
                "UPDATE customers SET window_starts_at = ?1, updated_at = ?1 WHERE id = ?2 AND window_starts_at IS NULL",
                params![at, cid],
            )?;
        }
    }
    let program = load_program(conn)?;
    let amount = program.commission(currency, basis.max(Decimal::ZERO));
    if amount <= Decimal::ZERO {
        return Ok(None);
    }
    let c = Commission {
        id: uuid::Uuid::now_v7().to_string(),
        kind: CommissionKind::Accrual,
        referrer_id: a.referrer_id.clone(),
        order_id: order_id.to_string(),
        refund_id: None,
        reverses: None,
        customer_id: a.customer_id.clone(),
        code: a.code.clone(),
        basis,
        rate: program.rate_text(),
        amount,
        status: CommissionStatus::Pending,
        payout_id: None,
        created_at: at,
        approved_at: None,
        paid_at: None,
        order_number: None,
    };
    insert(conn, &c)?;
    outbox::push(
        conn,
        now,
        &till_wire::CommissionAccrued {
            commission_id: c.id.clone(),
            referrer_id: c.referrer_id.clone(),
            order_id: c.order_id.clone(),
            customer_id: c.customer_id.clone(),
            code: c.code.clone(),
            basis: c.basis,
            rate: c.rate.clone(),
            amount: c.amount,
            status: c.status.as_str().to_string(),
        },
    )?;
    Ok(Some(c))
}

fn insert(conn: &Connection, c: &Commission) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO commissions (id, kind, referrer_id, order_id, refund_id, reverses, customer_id, code, basis, rate, amount, status, payout_id, created_at, approved_at, paid_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        c.id,
        c.kind.as_str(),
        c.referrer_id,
        c.order_id,
        c.refund_id,
        c.reverses,
        c.customer_id,
        c.code,
        c.basis.to_string(),
        c.rate,
        c.amount.to_string(),
        c.status.as_str(),
        c.payout_id,
        c.created_at,
        c.approved_at,
        c.paid_at
    ])?;
    Ok(())
}

/// Ledger entries with their order's receipt number; queries add `WHERE`
/// on the alias `c`.
const COMMISSION_SELECT: &str = "SELECT c.id, c.kind, c.referrer_id, c.order_id, c.refund_id, c.reverses, c.customer_id, c.code, c.basis, c.rate, c.amount, c.status, c.payout_id, c.created_at, c.approved_at, c.paid_at, o.number
     FROM commissions c LEFT JOIN orders o ON o.id = c.order_id";

fn commission_from_row(r: &rusqlite::Row) -> rusqlite::Result<Commission> {
    Ok(Commission {
        id: r.get(0)?,
        kind: crate::stored::parse_with(r, 1, |s| match s {
            "accrual" => Ok(CommissionKind::Accrual),
            "reversal" => Ok(CommissionKind::Reversal),
            _ => Err("is not a commission kind (accrual or reversal)".into()),
        })?,
        referrer_id: r.get(2)?,
        order_id: r.get(3)?,
        refund_id: r.get(4)?,
        reverses: r.get(5)?,
        customer_id: r.get(6)?,
        code: r.get(7)?,
        basis: crate::stored::decimal(r, 8)?,
        rate: r.get(9)?,
        amount: crate::stored::decimal(r, 10)?,
        status: crate::stored::enum_col(r, 11)?,
        payout_id: r.get(12)?,
        // Checked, kept as written: it decides when a commission is due.
        created_at: crate::stored::parse_with(r, 13, |s| {
            crate::stored::parse_time(s).map(|_| s.to_string())
        })?,
        approved_at: r.get(14)?,
        paid_at: r.get(15)?,
        order_number: r.get(16)?,
    })
}

/// After a refund of `order_id` (already written): reverses each accrual of
/// the order in proportion to the net refunded so far, as new entries.
pub(crate) fn reverse_for_refund(
    conn: &Connection,
    currency: &Currency,
    now: DateTime<Utc>,
    order_id: &str,
    refund_id: &str,
) -> Result<()> {
    let accruals: Vec<Commission> = conn
        .prepare_cached(&format!(
            "{COMMISSION_SELECT} WHERE c.order_id = ?1 AND c.kind = 'accrual' ORDER BY c.id"
        ))?
        .query_map([order_id], commission_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    if accruals.is_empty() {
        return Ok(());
    }
    // Net refunded so far (what came back, less its tax), over all refunds.
    let refunded: Decimal = conn
        .prepare_cached("SELECT amount, tax FROM refunds WHERE order_id = ?1")?
        .query_map([order_id], |r| {
            Ok(crate::stored::decimal(r, 0)? - crate::stored::decimal(r, 1)?)
        })?
        .collect::<rusqlite::Result<Vec<Decimal>>>()?
        .into_iter()
        .sum();
    for acc in accruals {
        if acc.basis <= Decimal::ZERO {
            continue;
        }
        let share = refunded.min(acc.basis) / acc.basis;
        let target = currency.round(acc.amount * share);
        let already: Decimal = conn
            .prepare_cached("SELECT amount FROM commissions WHERE reverses = ?1")?
            .query_map([&acc.id], |r| crate::stored::decimal(r, 0))?
            .collect::<rusqlite::Result<Vec<Decimal>>>()?
            .into_iter()
            .sum();
        let delta = target + already; // `already` is negative
        if delta <= Decimal::ZERO {
            continue;
        }
        let c = Commission {
            id: uuid::Uuid::now_v7().to_string(),
            kind: CommissionKind::Reversal,
            referrer_id: acc.referrer_id.clone(),
            order_id: order_id.to_string(),
            refund_id: Some(refund_id.to_string()),
            reverses: Some(acc.id.clone()),
            customer_id: acc.customer_id.clone(),
            code: acc.code.clone(),
            basis: acc.basis,
            rate: acc.rate.clone(),
            amount: -delta,
            status: CommissionStatus::Reversed,
            payout_id: None,
            created_at: ts(now),
            approved_at: None,
            paid_at: None,
            order_number: acc.order_number.clone(),
        };
        insert(conn, &c)?;
        outbox::push(
            conn,
            now,
            &till_wire::CommissionReversed {
                commission_id: c.id.clone(),
                reverses: acc.id.clone(),
                referrer_id: c.referrer_id.clone(),
                order_id: c.order_id.clone(),
                refund_id: c.refund_id.clone(),
                amount: c.amount,
                accrual_status: acc.status.as_str().to_string(),
            },
        )?;
    }
    Ok(())
}

impl Store {
    /// Adds a customer (`Customer`) or an affiliate. A customer given a
    /// referral code is linked to its referrer in the same transaction.
    /// Adds a customer (a cashier may), or an affiliate: someone the shop
    /// pays commissions to, a manager's call (`manage_pricing`).
    pub fn add_customer(&mut self, kind: CustomerKind, new: NewCustomer) -> Result<Customer> {
        self.require(match kind {
            CustomerKind::Customer => Permission::AddCustomer,
            CustomerKind::Affiliate => Permission::ManagePricing,
        })?;
        self.insert_customer(kind, new, link_customer)
    }

    pub fn referral_program(&self) -> Result<Program> {
        self.require(Permission::LookUp)?;
        load_program(&self.conn)
    }

    pub fn set_referral_program(&mut self, u: ProgramUpdate) -> Result<Program> {
        let auth = self.require(Permission::Payouts)?;
        let mut p = self.referral_program()?;
        match (u.percent, u.amount) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    Field::Percent,
                    "give a percent or an amount, not both",
                ))
            }
            (Some(pct), None) => {
                if pct < Decimal::ZERO || pct > Decimal::ONE_HUNDRED {
                    return Err(Error::invalid(
                        Field::Percent,
                        format!("{pct} must be between 0 and 100"),
                    ));
                }
                p.percent = Some(pct.normalize());
                p.amount = None;
            }
            (None, Some(a)) => {
                if a < Decimal::ZERO {
                    return Err(Error::invalid(
                        Field::Amount,
                        format!("{a} must not be negative"),
                    ));
                }
                self.check_amount(Field::Amount, a)?;
                if a.normalize().scale() > self.settings.currency.minor_units {
                    return Err(Error::invalid(
                        Field::Amount,
                        format!(
                            "{a} has more decimals than {} allows",
                            self.settings.currency.code
                        ),
                    ));
                }
                p.percent = None;
                p.amount = Some(a);
            }
            (None, None) => {}
        }
        for (field, v, max) in [
            (Field::WindowDays, u.window_days, 3650),
            (Field::ReturnDays, u.return_days, 365),
        ] {
            if let Some(d) = v {
                if !(0..=max).contains(&d) {
                    return Err(Error::invalid(
                        field,
                        format!("{d} must be between 0 and {max}"),
                    ));
                }
            }
        }
        p.window_days = u.window_days.unwrap_or(p.window_days);
        p.return_days = u.return_days.unwrap_or(p.return_days);
        let now = self.now();
        let at = ts(now);
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO referral_program (id, percent, amount, window_days, return_days, updated_at) VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET percent = excluded.percent, amount = excluded.amount,
               window_days = excluded.window_days, return_days = excluded.return_days, updated_at = excluded.updated_at",
            params![
                p.percent.map(|x| x.to_string()),
                p.amount.map(|x| x.to_string()),
                p.window_days,
                p.return_days,
                at
            ],
        )?;
        crate::audit::record(
            &tx,
            &auth,
            now,
            "referral_program.set",
            None,
            serde_json::json!({
                "percent": p.percent.map(|x| x.to_string()),
                "amount": p.amount.map(|x| x.to_string()),
                "window_days": p.window_days,
                "return_days": p.return_days,
            }),
        )?;
        tx.commit()?;
        Ok(p)
    }

    /// A new code for a referrer (customer or affiliate).
    pub fn issue_referral_code(
        &mut self,
        referrer_id: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<ReferralCode> {
        self.require(Permission::AddCustomer)?;
        let referrer = self.customer(referrer_id)?;
        if !referrer.active {
            return Err(Error::Refused(format!(
                "{} is not an active referrer",
                referrer.name
            )));
        }
        let now = self.now();
        if let Some(e) = expires_at {
            crate::input::check_time(Field::Expires, e)?;
            if e <= now {
                return Err(Error::invalid(
                    Field::Expires,
                    format!("{} is not in the future", ts(e)),
                ));
            }
        }
        let tx = self.write_tx()?;
        let code = issue(&tx, now, &referrer, expires_at)?;
        tx.commit()?;
        Ok(code)
    }

    pub fn referral_codes(&self, referrer_id: &str) -> Result<Vec<ReferralCode>> {
        self.require(Permission::LookUp)?;
        codes_of(&self.conn, referrer_id)
    }

    /// Retires a code the upstream refused as a duplicate (made on another
    /// device) and issues its referrer a new one. Returns the new code, or
    /// None if the code was already retired. The sync does this by itself
    /// (see `Store::record_delivery`).
    pub fn reissue_referral_code(&mut self, code: &str, why: &str) -> Result<Option<ReferralCode>> {
        self.require(Permission::AddCustomer)?;
        let now = self.now();
        let tx = self.write_tx()?;
        let new = reissue(&tx, now, code, why)?;
        tx.commit()?;
        Ok(new)
    }

    /// Ledger entries, oldest first.
    pub fn commissions(
        &self,
        status: Option<CommissionStatus>,
        referrer_id: Option<&str>,
    ) -> Result<Vec<Commission>> {
        self.require(Permission::Reports)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{COMMISSION_SELECT}
             WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR c.referrer_id = ?2)
             ORDER BY c.created_at, c.id"
        ))?;
        let rows = stmt.query_map(
            params![status.map(|s| s.as_str()), referrer_id.map(str::trim)],
            commission_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Approves the pending accruals whose return window has passed at `at`.
    pub fn approve_due_commissions(&mut self, at: DateTime<Utc>) -> Result<Vec<Commission>> {
        let auth = self.require(Permission::Payouts)?;
        let program = self.referral_program()?;
        let pending = self.commissions(Some(CommissionStatus::Pending), None)?;
        let mut due = Vec::new();
        for c in pending {
            // Read and checked by `commission_from_row`; an error here is a
            // bug, not a commission to skip.
            if parse_ts(Field::ReturnDays, &c.created_at)? + Duration::days(program.return_days)
                <= at
            {
                due.push(c);
            }
        }
        let when = ts(at);
        let tx = self.write_tx()?;
        for c in &due {
            tx.execute(
                "UPDATE commissions SET status = 'approved', approved_at = ?1 WHERE id = ?2 AND status = 'pending'",
                params![when, c.id],
            )?;
        }
        if !due.is_empty() {
            crate::audit::record(
                &tx,
                &auth,
                at,
                "commission.approve",
                None,
                serde_json::json!({
                    "commissions": due.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
                }),
            )?;
        }
        tx.commit()?;
        due.iter()
            .map(|c| {
                self.conn
                    .query_row(
                        &format!("{COMMISSION_SELECT} WHERE c.id = ?1"),
                        [&c.id],
                        commission_from_row,
                    )
                    .map_err(Error::from)
            })
            .collect()
    }

    /// Pays a referrer every approved commission, net of the reversals that
    /// can be settled (those of paid or now-paid accruals).
    pub fn create_payout(
        &mut self,
        referrer_id: &str,
        method: &str,
        reference: Option<&str>,
    ) -> Result<Payout> {
        let auth = self.require(Permission::Payouts)?;
        let referrer = self.customer(referrer_id)?;
        if method.trim().is_empty() {
            return Err(Error::invalid(
                Field::Method,
                "must not be empty (e.g. cash, bank, voucher)",
            ));
        }
        let method = crate::input::text(Field::Method, method, crate::input::TextKind::Reference)?;
        let method = method.as_str();
        let reference = crate::input::opt_text(
            Field::Reference,
            reference,
            crate::input::TextKind::Reference,
        )?;
        let reference = reference.as_deref();
        let now = self.now();
        let at = ts(now);
        let user = self.user().to_string();
        let currency = self.settings.currency.clone();
        let tx = self.write_tx()?;
        // Read the referrer's whole ledger first: a row that cannot be read
        // (a status or amount Till never writes) stops the payout, rather
        // than being left out of a sum the selects below would make without it.
        tx.prepare_cached(&format!("{COMMISSION_SELECT} WHERE c.referrer_id = ?1"))?
            .query_map([&referrer.id], commission_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let approved: Vec<Commission> = tx
            .prepare_cached(&format!(
                "{COMMISSION_SELECT}
                 WHERE c.referrer_id = ?1 AND c.kind = 'accrual' AND c.status = 'approved' AND c.payout_id IS NULL ORDER BY c.id"
            ))?
            .query_map([&referrer.id], commission_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let reversals: Vec<Commission> = tx
            .prepare_cached(&format!(
                "{COMMISSION_SELECT}
                 WHERE c.referrer_id = ?1 AND c.kind = 'reversal' AND c.payout_id IS NULL
                   AND EXISTS (SELECT 1 FROM commissions a WHERE a.id = c.reverses AND a.status IN ('approved', 'paid'))
                 ORDER BY c.id"
            ))?
            .query_map([&referrer.id], commission_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        if approved.is_empty() {
            let pending: i64 = tx.query_row(
                "SELECT COUNT(*) FROM commissions WHERE referrer_id = ?1 AND status = 'pending'",
                [&referrer.id],
                |r| r.get(0),
            )?;
            return Err(Error::Refused(format!(
                "{} has no approved commission to pay{}",
                referrer.name,
                if pending > 0 {
                    format!(
                        " ({pending} still pending: they are approved when the return window has passed)"
                    )
                } else {
                    String::new()
                }
            )));
        }
        let gross: Decimal = approved.iter().map(|c| c.amount).sum();
        let back: Decimal = reversals.iter().map(|c| c.amount).sum();
        let amount = currency.round(gross + back);
        if amount <= Decimal::ZERO {
            return Err(Error::Refused(format!(
                "{}: approved {} less {} of refunded commissions leaves {}; nothing to pay yet",
                referrer.name, gross, -back, amount
            )));
        }
        let id = uuid::Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO payouts (id, referrer_id, amount, method, reference, paid_at, cashier) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, referrer.id, amount.to_string(), method, reference, at, user],
        )?;
        let mut entries = Vec::new();
        for c in &approved {
            tx.execute(
                "UPDATE commissions SET status = 'paid', paid_at = ?1, payout_id = ?2 WHERE id = ?3",
                params![at, id, c.id],
            )?;
            entries.push(c.id.clone());
        }
        for c in &reversals {
            tx.execute(
                "UPDATE commissions SET payout_id = ?1 WHERE id = ?2",
                params![id, c.id],
            )?;
            entries.push(c.id.clone());
        }
        let payout = Payout {
            id,
            referrer_id: referrer.id.clone(),
            amount,
            method: method.to_string(),
            reference: reference.map(String::from),
            paid_at: at,
            entries,
        };
        outbox::push(
            &tx,
            now,
            &till_wire::PayoutCreated {
                payout_id: payout.id.clone(),
                referrer_id: payout.referrer_id.clone(),
                amount: payout.amount,
                method: payout.method.clone(),
                reference: payout.reference.clone(),
                entries: payout.entries.clone(),
            },
        )?;
        crate::audit::record(
            &tx,
            &auth,
            now,
            "payout",
            Some(&payout.id),
            serde_json::json!({
                "referrer_id": payout.referrer_id,
                "amount": payout.amount.to_string(),
                "method": payout.method,
                "reference": payout.reference,
            }),
        )?;
        tx.commit()?;
        Ok(payout)
    }

    fn payouts_of(&self, referrer_id: &str) -> Result<Vec<Payout>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, referrer_id, amount, method, reference, paid_at FROM payouts WHERE referrer_id = ?1 ORDER BY paid_at, id",
        )?;
        let rows: Vec<Payout> = stmt
            .query_map([referrer_id], |r| {
                Ok(Payout {
                    id: r.get(0)?,
                    referrer_id: r.get(1)?,
                    amount: crate::stored::decimal(r, 2)?,
                    method: r.get(3)?,
                    reference: r.get(4)?,
                    paid_at: r.get(5)?,
                    entries: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|mut p| {
                p.entries = self
                    .conn
                    .prepare_cached("SELECT id FROM commissions WHERE payout_id = ?1 ORDER BY id")?
                    .query_map([&p.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                Ok(p)
            })
            .collect()
    }

    fn summary_of(&self, c: Customer) -> Result<ReferrerSummary> {
        let entries = self.commissions(None, Some(&c.id))?;
        let currency = &self.settings.currency;
        let sum = |f: &dyn Fn(&Commission) -> bool| -> Decimal {
            currency.round(entries.iter().filter(|e| f(e)).map(|e| e.amount).sum())
        };
        let paid = currency.round(self.payouts_of(&c.id)?.iter().map(|p| p.amount).sum());
        let net = sum(&|_| true);
        let customers: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM customers WHERE referred_by = ?1",
            [&c.id],
            |r| r.get(0),
        )?;
        let orders = entries
            .iter()
            .filter(|e| e.kind == CommissionKind::Accrual)
            .count() as i64;
        Ok(ReferrerSummary {
            codes: codes_of(&self.conn, &c.id)?
                .into_iter()
                .filter(|k| k.active)
                .map(|k| k.code)
                .collect(),
            customers,
            orders,
            pending: sum(&|e| e.status == CommissionStatus::Pending),
            approved: sum(&|e| e.status == CommissionStatus::Approved),
            reversed: sum(&|e| e.kind == CommissionKind::Reversal && e.payout_id.is_none()),
            paid,
            balance: net - paid,
            id: c.id,
            kind: c.kind,
            name: c.name,
            email: c.email,
            active: c.active,
        })
    }

    /// Everyone who has a code or has earned, by name.
    pub fn referrers(&self) -> Result<Vec<ReferrerSummary>> {
        self.require(Permission::Reports)?;
        let list: Vec<Customer> = self
            .conn
            .prepare(&format!(
                "SELECT {} FROM customers c
                 WHERE EXISTS (SELECT 1 FROM referral_codes k WHERE k.referrer_id = c.id)
                    OR EXISTS (SELECT 1 FROM commissions m WHERE m.referrer_id = c.id)
                 ORDER BY name COLLATE NOCASE, id",
                crate::customers::CUSTOMER_COLUMNS
            ))?
            .query_map([], crate::customers::customer_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        list.into_iter().map(|c| self.summary_of(c)).collect()
    }

    pub fn referrer(&self, id: &str) -> Result<ReferrerDetail> {
        self.require(Permission::Reports)?;
        let c = self.customer(id)?;
        let id = c.id.clone();
        Ok(ReferrerDetail {
            summary: self.summary_of(c)?,
            code_list: codes_of(&self.conn, &id)?,
            entries: self.commissions(None, Some(&id))?,
            payouts: self.payouts_of(&id)?,
        })
    }
}

/// The upstream refused event `event_id` because another device of the
/// store drew its referral code first: retires the code, issues the
/// referrer a new one (its own event) and files the refused event as
/// settled, inside the caller's transaction.
pub(crate) fn on_duplicate_code(
    conn: &Connection,
    now: DateTime<Utc>,
    event_id: &str,
    why: &str,
) -> Result<()> {
    let Some(event) = outbox::payload_of::<till_wire::ReferralCodeCreated>(conn, event_id)? else {
        return Ok(());
    };
    reissue(conn, now, &event.code, why)?;
    outbox::discard(conn, now, event_id)
}

/// Retires `code` (with `why`) and issues its referrer a new code, inside
/// the caller's transaction.
pub(crate) fn reissue(
    conn: &Connection,
    now: DateTime<Utc>,
    code: &str,
    why: &str,
) -> Result<Option<ReferralCode>> {
    let code = normalize_code(code);
    let found = conn
        .query_row(
            &format!("SELECT {CODE_COLUMNS} FROM referral_codes WHERE code = ?1"),
            [&code],
            code_from_row,
        )
        .optional()?;
    let Some(old) = found.filter(|c| c.active) else {
        return Ok(None);
    };
    conn.execute(
        "UPDATE referral_codes SET active = 0, retired = ?1 WHERE code = ?2",
        params![why, code],
    )?;
    let referrer = customers::load(conn, &old.referrer_id)?;
    let expires = old
        .expires_at
        .as_deref()
        .map(|e| parse_ts(Field::Expires, e))
        .transpose()?;
    Ok(Some(issue(conn, now, &referrer, expires)?))
}

fn codes_of(conn: &Connection, referrer_id: &str) -> Result<Vec<ReferralCode>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CODE_COLUMNS} FROM referral_codes WHERE referrer_id = ?1 ORDER BY created_at, rowid"
    ))?;
    let rows = stmt.query_map([referrer_id.trim()], code_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Inserts a fresh code (a new draw on the rare local clash) and its event.
fn issue(
    conn: &Connection,
    now: DateTime<Utc>,
    referrer: &Customer,
    expires_at: Option<DateTime<Utc>>,
) -> Result<ReferralCode> {
    let at = ts(now);
    for _ in 0..8 {
        let code = generate_code();
        let n = conn.execute(
            "INSERT INTO referral_codes (code, referrer_id, expires_at, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (code) DO NOTHING",
            params![code, referrer.id, expires_at.map(ts), at],
        )?;
        if n == 1 {
            outbox::push(
                conn,
                now,
                &till_wire::ReferralCodeCreated {
                    code: code.clone(),
                    referrer_id: referrer.id.clone(),
                    referrer_kind: referrer.kind.as_str().to_string(),
                    expires_at: expires_at.map(ts),
                },
            )?;
            return Ok(ReferralCode {
                code,
                referrer_id: referrer.id.clone(),
                active: true,
                expires_at: expires_at.map(ts),
                retired: None,
                created_at: at,
            });
        }
    }
    Err(Error::Internal(
        "could not draw an unused referral code".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_unambiguous_alphabet() {
        for _ in 0..1000 {
            let c = generate_code();
            assert_eq!(c.len(), 13);
            assert!(c.starts_with("REF"));
            assert!(c[3..].bytes().all(|b| ALPHABET.contains(&b)));
            assert!(!c[3..].contains(['0', '1', 'I', 'L', 'O']));
        }
        assert_eq!(normalize_code(" ref-7kq 2m "), "REF7KQ2M");
    }
}
