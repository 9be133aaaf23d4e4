//! Completing a sale: one transaction that writes the order, its lines,
//! taxes, payments, stock movements and the `order.completed` outbox event.
//!
//! Completion is idempotent: every sale carries a key (the cart id in the
//! app, a fresh or given key in the CLI); a second completion with the same
//! key returns the first receipt and writes nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bundles::{AppliedBundle, BundleDef, BundleLine};
use crate::catalog::Product;
use crate::error::{Error, Result};
use crate::input::Field;
use crate::inventory::{insert_movement, on_hand, MovementKind};
use crate::kits::stock_parts;
use crate::money::Currency;
use crate::orders::load_receipt;
/// How a tender was paid; receipts and refunds read it, so it lives with
/// the orders, below checkout.
pub use crate::orders::TenderMethod;
use crate::outbox;
use crate::permissions::Authority;
use crate::pricing;
use crate::roles::Permission;
use crate::settings::Settings;
use crate::store::{ts, Store};
use crate::totals::{compute, Discount, LineInput, Totals};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Tender {
    pub method: TenderMethod,
    pub amount: Decimal,
    /// The external card terminal's reference, for card payments.
    #[serde(default)]
    pub reference: Option<String>,
}

/// How the tenders settle the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Settlement {
    pub paid: Decimal,
    pub change: Decimal,
}

/// Checks the tenders cover `total` and works out the change. Change is
/// only ever given in cash, so card tenders may not exceed the total.
pub fn settle(currency: &Currency, total: Decimal, tenders: &[Tender]) -> Result<Settlement> {
    for (i, t) in tenders.iter().enumerate() {
        let place = format!("payment {}", i + 1);
        crate::money::check_magnitude(Field::Payment, t.amount).map_err(|e| e.at(&place))?;
        if t.amount <= Decimal::ZERO {
            return Err(Error::invalid(
                Field::Payment,
                format!("{place}: {} must be greater than zero", t.amount),
            ));
        }
        if t.amount.normalize().scale() > currency.minor_units {
            return Err(Error::invalid(
                Field::Payment,
                format!(
                    "{place}: {} has more decimals than {} allows",
                    t.amount, currency.code
                ),
            ));
        }
    }
    let paid = currency.round(tenders.iter().map(|t| t.amount).sum());
    if paid < total {
        return Err(Error::PaymentShort {
            total: total.to_string(),
            paid: paid.to_string(),
            due: currency.round(total - paid).to_string(),
        });
    }
    let non_cash: Decimal = tenders
        .iter()
        .filter(|t| t.method != TenderMethod::Cash)
        .map(|t| t.amount)
        .sum();
    if non_cash > total {
        return Err(Error::Refused(format!(
            "card payments of {} exceed the total of {}; change can only be given in cash",
            currency.round(non_cash),
            total
        )));
    }
    Ok(Settlement {
        paid,
        change: currency.round(paid - total),
    })
}

/// One line of a sale as the customer asked for it.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct SaleLine {
    /// SKU or barcode.
    pub code: String,
    pub qty: i64,
    #[serde(default)]
    pub discount: Option<Discount>,
    /// A unit price set at the till instead of the price now (a price
    /// override, which needs the permission to override prices).
    #[serde(default)]
    pub price: Option<Decimal>,
}

/// A whole sale in one request (what `till sale` sends).
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct SaleRequest {
    /// Idempotency key; a new one is made when absent.
    #[serde(default)]
    pub key: Option<String>,
    pub lines: Vec<SaleLine>,
    #[serde(default)]
    pub order_discount: Option<Discount>,
    pub tenders: Vec<Tender>,
    #[serde(default)]
    pub customer_id: Option<String>,
    /// A referral code given at the counter.
    #[serde(default)]
    pub referral_code: Option<String>,
}

/// What the customer gets as a receipt of a sale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum ReceiptChoice {
    /// As the settings say (`auto_print`).
    #[default]
    Auto,
    /// Printed, whatever the settings say.
    Print,
    /// No receipt.
    None,
    /// Emailed to `to`.
    Email { to: String },
}

impl ReceiptChoice {
    /// `print`, `none`, `auto` or `email:ADDRESS`.
    pub fn parse(text: &str) -> Result<ReceiptChoice> {
        let t = text.trim();
        match t.to_ascii_lowercase().as_str() {
            "auto" => return Ok(ReceiptChoice::Auto),
            "print" => return Ok(ReceiptChoice::Print),
            "none" => return Ok(ReceiptChoice::None),
            _ => {}
        }
        match t.split_once(':') {
            Some((kind, to)) if kind.eq_ignore_ascii_case("email") => {
                let to = crate::input::given(Some(to)).ok_or_else(|| {
                    Error::invalid(
                        Field::Receipt,
                        "email: needs an address, e.g. email:ana@example.com",
                    )
                })?;
                Ok(ReceiptChoice::Email { to: to.to_string() })
            }
            _ => Err(Error::invalid(
                Field::Receipt,
                format!("{t:?} is not a receipt choice: print, none, auto or email:ADDRESS"),
            )),
        }
    }

    /// Checked before the sale, so a choice that cannot be met writes
    /// nothing: `Print` needs a printer; `Email` an address mail can go to
    /// (the message is queued with the sale, `queue_email`, and sent after
    /// it). Returns whether the receipt prints (None: as the settings say).
    pub(crate) fn check(&self, settings: &Settings) -> Result<Option<bool>> {
        match self {
            ReceiptChoice::Auto => Ok(None),
            ReceiptChoice::None => Ok(Some(false)),
            ReceiptChoice::Print if settings.printer_to.is_none() => Err(Error::invalid(
                Field::Receipt,
                "print needs a receipt printer: set one with `till printer set --to DEST` (or the Printer settings)",
            )),
            ReceiptChoice::Print => Ok(Some(true)),
            ReceiptChoice::Email { to } => {
                crate::input::email_address(Field::Receipt, to)?;
                Ok(Some(false))
            }
        }
    }

    /// Queues what the sale's receipt needs, inside the sale's
    /// transaction: the printer's job (with the drawer kick) as `print`
    /// (from `check`) and the settings say, and the email of the `Email`
    /// choice. Both are sent after the commit.
    pub(crate) fn queue_in(
        &self,
        tx: &rusqlite::Connection,
        settings: &Settings,
        now: chrono::DateTime<chrono::Utc>,
        receipt: &crate::orders::Receipt,
        print: Option<bool>,
    ) -> Result<()> {
        crate::print_queue::queue_sale_in(
            tx,
            settings,
            now,
            receipt,
            crate::print_queue::wants_receipt(settings, print),
        )?;
        if let ReceiptChoice::Email { to } = self {
            crate::email::queue_receipt(tx, now, &receipt.id, to)?;
        }
        Ok(())
    }
}

/// A line whose unit price is fixed, ready to commit.
#[derive(Debug, Clone)]
pub(crate) struct PricedLine {
    pub product: Product,
    pub qty: i64,
    pub unit_price: Decimal,
    pub price_note: Option<String>,
    pub discount: Option<Discount>,
    /// What the price came from, for the reports (`None`: a cart line
    /// priced before lines kept it).
    pub trace: Option<crate::pricing::PriceTrace>,
}

/// A line discount as a percent of its line (unit price x quantity).
pub(crate) fn line_discount_pct(line: &PricedLine, d: &Discount) -> Decimal {
    d.percent_of(line.unit_price * Decimal::from(line.qty))
}

/// An order discount as a percent of the lines after their own discounts
/// (before bundle offers).
pub(crate) fn order_discount_pct(lines: &[PricedLine], d: &Discount) -> Decimal {
    let base: Decimal = lines
        .iter()
        .map(|l| {
            let gross = l.unit_price * Decimal::from(l.qty);
            let off = match &l.discount {
                Some(Discount::Percent(p)) => gross * *p / Decimal::ONE_HUNDRED,
                Some(Discount::Amount(a)) => (*a).min(gross),
                None => Decimal::ZERO,
            };
            gross - off
        })
        .sum();
    d.percent_of(base)
}

/// The largest discount of a sale, as a percent of what it applies to;
/// None when the sale has none.
fn largest_discount_pct(lines: &[PricedLine], order: Option<&Discount>) -> Option<Decimal> {
    lines
        .iter()
        .filter_map(|l| l.discount.as_ref().map(|d| line_discount_pct(l, d)))
        .chain(order.map(|d| order_discount_pct(lines, d)))
        .max()
}

pub(crate) struct SaleInput<'a> {
    pub key: &'a str,
    /// The request the key stands for (canonical JSON): the same key with
    /// another request is refused rather than answered with another sale.
    pub request: &'a str,
    pub lines: &'a [PricedLine],
    pub order_discount: Option<&'a Discount>,
    pub tenders: &'a [Tender],
    pub customer_id: Option<&'a str>,
    pub referral_code: Option<&'a str>,
    /// The bundles on offer (`Store::live_bundles`, read just before the
    /// sale's transaction from the cache the cart uses too).
    pub bundles: &'a [BundleDef],
}

/// The lines as the arithmetic needs them; a line's bundle share (see
/// `bundles::pricing`) becomes its discount. Bundles only take lines with
/// no manual discount, so the two never meet on one line.
fn line_inputs(lines: &[PricedLine], bundle_shares: &[Decimal]) -> Vec<LineInput> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| LineInput {
            qty: l.qty,
            unit_price: l.unit_price,
            tax_rate: l.product.tax_rate,
            discount: match bundle_shares.get(i) {
                Some(share) if *share > Decimal::ZERO => Some(Discount::Amount(*share)),
                _ => l.discount.clone(),
            },
        })
        .collect()
}

/// Totals of priced lines with the bundles on offer at `now`: the one
/// computation behind the cart on screen and the sale that is stored.
pub(crate) fn price_lines(
    settings: &Settings,
    defs: &[BundleDef],
    lines: &[PricedLine],
    order_discount: Option<&Discount>,
) -> Result<Priced> {
    let bundle_lines: Vec<BundleLine> = lines
        .iter()
        .map(|l| BundleLine {
            product_id: l.product.id,
            qty: l.qty,
            unit_price: l.unit_price,
            eligible: l.discount.is_none(),
        })
        .collect();
    let bundles = crate::bundles::pricing::best(&settings.currency, &bundle_lines, defs);
    let totals = compute(
        &settings.currency,
        settings.tax_mode,
        &line_inputs(lines, &bundles.line_discounts),
        order_discount,
    )?;
    Ok(Priced {
        totals,
        bundles: bundles.applied,
        bundle_shares: bundles.line_discounts,
    })
}

pub(crate) struct Priced {
    pub totals: Totals,
    pub bundles: Vec<AppliedBundle>,
    /// Per line, its share of the bundle discounts.
    pub bundle_shares: Vec<Decimal>,
}

/// Refuses lines that would take stock below zero (unless the store allows
/// it). Quantities of the same product on several lines are added up.
pub(crate) fn check_stock(
    conn: &Connection,
    settings: &Settings,
    lines: &[PricedLine],
) -> Result<()> {
    if settings.allow_negative_stock {
        return Ok(());
    }
    // A kit asks for its components.
    let mut wanted: HashMap<i64, (i64, String)> = HashMap::new();
    for l in lines {
        if l.product.kit {
            for (part, per, sku) in stock_parts(conn, l.product.id)? {
                wanted.entry(part).or_insert((0, sku)).0 += l.qty * per;
            }
        } else {
            wanted
                .entry(l.product.id)
                .or_insert((0, l.product.sku.clone()))
                .0 += l.qty;
        }
    }
    for (pid, (qty, sku)) in wanted {
        let have = on_hand(conn, pid)?;
        if have < qty {
            return Err(Error::InsufficientStock {
                sku,
                on_hand: have,
                requested: qty,
            });
        }
    }
    Ok(())
}

fn next_number(conn: &Connection, prefix: &str) -> Result<String> {
    let n: i64 = conn
        .prepare_cached(
            "INSERT INTO counters (name, value) VALUES ('receipt', 1)
             ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
        )?
        .query_row([], |r| r.get(0))?;
    Ok(format!("{prefix}-{n:06}"))
}

/// Writes a sale inside `conn`'s open transaction and returns its receipt.
pub(crate) fn commit_sale(
    conn: &Connection,
    settings: &Settings,
    user: &str,
    now: DateTime<Utc>,
    sale: SaleInput<'_>,
) -> Result<crate::orders::Receipt> {
    if let Some((existing, request)) = conn
        .prepare_cached("SELECT id, request FROM orders WHERE idempotency_key = ?1")?
        .query_row([sale.key], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })
        .optional()?
    {
        // Orders from before requests were kept match on the key alone.
        if request.is_some_and(|r| r != sale.request) {
            return Err(Error::KeyReused(format!(
                "the idempotency key {:?} was first used for a different sale; use a new key for a new sale",
                sale.key
            )));
        }
        return load_receipt(conn, &existing);
    }
    if sale.lines.is_empty() {
        return Err(Error::invalid(Field::Items, "has no lines"));
    }
    // The drawer's shift the sale counts in (refused here when the store
    // sells only during a shift and none is open).
    let shift_id = crate::shifts::open_shift(conn, settings, true)?;
    for l in sale.lines {
        if !l.product.active {
            return Err(Error::InactiveProduct(l.product.sku.clone()));
        }
    }
    let currency = &settings.currency;
    let Priced {
        totals, bundles, ..
    } = price_lines(settings, sale.bundles, sale.lines, sale.order_discount)?;
    let settlement = settle(currency, totals.total, sale.tenders)?;
    check_stock(conn, settings, sale.lines)?;
    // Who the sale is for and who earns on it; a code that cannot be used
    // stops the sale with a message, so it never completes silently
    // without the referral the cashier typed.
    let buyer = sale
        .customer_id
        .map(|id| crate::customers::buyer(conn, id))
        .transpose()?;
    let referral_code = sale
        .referral_code
        .map(crate::referrals::normalize_code)
        .filter(|c| !c.is_empty());
    let attribution =
        crate::referrals::attribute(conn, now, buyer.as_ref(), referral_code.as_deref())?;
    let customer_id = buyer.as_ref().map(|b| b.id.as_str());

    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, &settings.device_prefix)?;
    let at = ts(now);
    conn.prepare_cached(
        "INSERT INTO orders (id, number, idempotency_key, customer_id, currency, tax_mode, subtotal, discount, tax, total, paid, change, cashier, created_at, referral_code, request, shift_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        id,
        number,
        sale.key,
        customer_id,
        currency.code,
        settings.tax_mode.to_string(),
        totals.subtotal.to_string(),
        totals.discount.to_string(),
        totals.tax.to_string(),
        totals.total.to_string(),
        settlement.paid.to_string(),
        settlement.change.to_string(),
        user,
        at,
        referral_code,
        sale.request,
        shift_id
    ])?;
    let mut line_stmt = conn.prepare_cached(
        "INSERT INTO order_lines (order_id, line_no, product_id, sku, name, qty, unit_price, price_note, gross, discount, net, tax_rate, tax, total,
             base_price, unit_cost, flash_sale_id, flash_off, member_off)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?;
    for (i, (l, t)) in sale.lines.iter().zip(&totals.lines).enumerate() {
        line_stmt.execute(params![
            id,
            i as i64 + 1,
            l.product.id,
            l.product.sku,
            l.product.name,
            l.qty,
            l.unit_price.to_string(),
            l.price_note,
            t.gross.to_string(),
            t.discount.to_string(),
            t.net.to_string(),
            l.product.tax_rate.to_string(),
            t.tax.to_string(),
            t.total.to_string(),
            l.trace.as_ref().map(|t| t.base_price.to_string()),
            l.product.cost.map(|c| c.to_string()),
            l.trace.as_ref().and_then(|t| t.flash_sale_id),
            l.trace.as_ref().map(|t| t.flash_off.to_string()),
            l.trace.as_ref().map(|t| t.member_off.to_string()),
        ])?;
        // A kit moves its components; anything else, itself.
        let parts = if l.product.kit {
            stock_parts(conn, l.product.id)?
        } else {
            vec![(l.product.id, 1, String::new())]
        };
        for (part, per, _) in parts {
            insert_movement(
                conn,
                part,
                MovementKind::Sale,
                -l.qty * per,
                None,
                user,
                &at,
                Some(&id),
                None,
            )?;
        }
    }
    crate::bundles::record_on_order(conn, &id, &bundles)?;
    let mut tax_stmt = conn.prepare_cached(
        "INSERT INTO order_taxes (order_id, rate, base, tax) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for t in &totals.taxes {
        tax_stmt.execute(params![
            id,
            t.rate.to_string(),
            t.base.to_string(),
            t.tax.to_string()
        ])?;
    }
    let mut pay_stmt = conn.prepare_cached(
        "INSERT INTO payments (id, order_id, method, amount, reference, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for t in sale.tenders {
        pay_stmt.execute(params![
            uuid::Uuid::now_v7().to_string(),
            id,
            t.method.as_str(),
            currency.round(t.amount).to_string(),
            t.reference,
            at
        ])?;
    }
    // Built from what was just written rather than read back: the same
    // values, without five more queries inside the sale's transaction.
    let receipt = crate::orders::Receipt {
        id,
        number,
        status: crate::orders::OrderStatus::Completed,
        created_at: at,
        cashier: user.to_string(),
        customer_id: customer_id.map(String::from),
        referral_code: referral_code.clone(),
        currency: currency.code.clone(),
        tax_mode: settings.tax_mode,
        lines: sale
            .lines
            .iter()
            .zip(&totals.lines)
            .enumerate()
            .map(|(i, (l, t))| crate::orders::ReceiptLine {
                line_no: i as i64 + 1,
                sku: l.product.sku.clone(),
                name: l.product.name.clone(),
                qty: l.qty,
                unit_price: l.unit_price,
                price_note: l.price_note.clone(),
                total: t.gross,
                discount: t.discount,
                tax_rate: l.product.tax_rate,
                tax: t.tax,
                charged: t.total,
                refunded_qty: 0,
            })
            .collect(),
        bundles,
        subtotal: totals.subtotal,
        discount: totals.discount,
        tax: totals.tax,
        taxes: totals.taxes.clone(),
        total: totals.total,
        payments: sale
            .tenders
            .iter()
            .map(|t| crate::orders::Payment {
                method: t.method,
                amount: currency.round(t.amount),
                reference: t.reference.clone(),
            })
            .collect(),
        paid: settlement.paid,
        change: settlement.change,
        refunds: Vec::new(),
    };
    outbox::push(conn, now, &receipt.event_payload())?;
    if let Some(a) = &attribution {
        // The net total: after discounts, before tax.
        let basis = currency.round(totals.total - totals.tax);
        crate::referrals::accrue(conn, currency, now, &receipt.id, a, basis)?;
    }
    Ok(receipt)
}

/// A sale request as remembered with its idempotency key: the products
/// (by SKU, however they were scanned), quantities, discounts, payments,
/// customer and referral code. Prices are not part of it: a retry after a
/// price change is still the same request.
pub(crate) fn sale_request_text(
    req: &SaleRequest,
    lines: &[PricedLine],
    currency: &Currency,
) -> String {
    serde_json::json!({
        "lines": lines.iter().zip(&req.lines).map(|(l, asked)| {
            let mut line = serde_json::json!([
                l.product.sku, l.qty, l.discount.as_ref().map(|d| d.to_text())
            ]);
            // A price set at the till is part of what was asked; lines
            // without one read as they always have.
            if let (Some(p), Some(items)) = (asked.price, line.as_array_mut()) {
                items.push(serde_json::json!(p.to_string()));
            }
            line
        }).collect::<Vec<_>>(),
        "order_discount": req.order_discount.as_ref().map(|d| d.to_text()),
        "payments": req.tenders.iter().map(|t| serde_json::json!([
            t.method.as_str(), currency.round(t.amount).to_string(), t.reference.as_deref().map(str::trim)
        ])).collect::<Vec<_>>(),
        "customer": req.customer_id.as_deref().map(str::trim),
        "referral_code": req.referral_code.as_deref().map(crate::referrals::normalize_code),
    })
    .to_string()
}

/// The price note of a line whose price was set at the till.
pub(crate) fn override_note(by: &str) -> String {
    format!("override by {by}")
}

impl Store {
    /// Whether a price may be set at the till now, and the name the line
    /// says set it: the approver when a manager approved it, else the
    /// member signed in, else (a store without staff) the store's user.
    pub(crate) fn price_override_by(&self) -> Result<(Authority, String)> {
        let auth = self.require(Permission::PriceOverride)?;
        let name = auth
            .approver
            .clone()
            .or_else(|| auth.actor.clone())
            .unwrap_or_else(|| self.user().to_string());
        Ok((auth, name))
    }

    /// Prices and completes a whole sale in one transaction (the CLI path),
    /// its receipt as the settings say (`ReceiptChoice::Auto`).
    pub fn sell(&mut self, req: SaleRequest) -> Result<crate::orders::Receipt> {
        self.sell_with(req, ReceiptChoice::Auto)
    }

    /// `sell` with the customer's receipt choice. A receipt to print (and
    /// the drawer kick of a cash sale) is queued in the sale's transaction;
    /// nothing is sent here: `Store::send_print_jobs` sends after the
    /// commit, so a printer never holds or undoes the sale. A repeated
    /// request (same key) prints nothing again.
    pub fn sell_with(
        &mut self,
        req: SaleRequest,
        choice: ReceiptChoice,
    ) -> Result<crate::orders::Receipt> {
        self.require(Permission::Sell)?;
        let print = choice.check(&self.settings)?;
        let now = self.now();
        let key = match &req.key {
            Some(k) => crate::input::text(Field::Key, k, crate::input::TextKind::Key)?,
            None => uuid::Uuid::now_v7().to_string(),
        };
        if req.lines.is_empty() {
            return Err(Error::invalid(
                Field::Items,
                "a sale needs at least one item",
            ));
        }
        if req.lines.len() > crate::input::MAX_SALE_LINES {
            return Err(Error::invalid(
                Field::Items,
                format!(
                    "{} lines are more than the {} one sale may hold",
                    req.lines.len(),
                    crate::input::MAX_SALE_LINES
                ),
            ));
        }
        let mut lines = Vec::with_capacity(req.lines.len());
        let member = crate::memberships::discount_for(
            &self.conn,
            &self.settings.time_zone,
            req.customer_id.as_deref().map(str::trim),
            now,
        )?;
        let ctx = self.pricing_context()?.for_member(member);
        // Who sets prices at the till, when a line has one.
        let override_by = if req.lines.iter().any(|l| l.price.is_some()) {
            Some(self.price_override_by()?)
        } else {
            None
        };
        let mut overrides = Vec::new();
        for (i, l) in req.lines.iter().enumerate() {
            if l.qty <= 0 {
                return Err(Error::invalid(
                    Field::Item,
                    format!("item {}: {} must be at least 1", i + 1, l.qty),
                ));
            }
            crate::money::check_qty(Field::Item, l.qty)
                .map_err(|e| e.at(format_args!("item {}", i + 1)))?;
            if let Some(d) = &l.discount {
                d.validate(Field::LineDiscount)
                    .map_err(|e| e.at(format_args!("item {}", i + 1)))?;
            }
            let product = self.product_by_code(&l.code)?;
            let q = pricing::quote(&ctx, &product, now);
            let (unit_price, price_note, trace) = match (l.price, &override_by) {
                (Some(p), Some((_, by))) => {
                    let p = self
                        .check_amount(Field::Item, p)
                        .map_err(|e| e.at(format_args!("item {}: price", i + 1)))?;
                    overrides.push((product.sku.clone(), q.price, p));
                    (
                        p,
                        Some(override_note(by)),
                        pricing::PriceTrace::set_at_till(q.base_price),
                    )
                }
                _ => (q.price, q.note.clone(), pricing::PriceTrace::of(&q)),
            };
            lines.push(PricedLine {
                product,
                qty: l.qty,
                unit_price,
                price_note,
                discount: l.discount.clone(),
                trace: Some(trace),
            });
        }
        if let Some(d) = &req.order_discount {
            d.validate(Field::OrderDiscount)?;
        }
        for (i, t) in req.tenders.iter().enumerate() {
            crate::input::opt_text(
                Field::Reference,
                t.reference.as_deref(),
                crate::input::TextKind::Reference,
            )
            .map_err(|e| e.at(format_args!("payment {}", i + 1)))?;
        }
        // A discount above the store's threshold needs a manager (or one's
        // approval), and is audited with the sale.
        let discount = largest_discount_pct(&lines, req.order_discount.as_ref())
            .map(|pct| {
                self.require_discount(pct)
                    .map(|(auth, above)| (pct, auth, above))
            })
            .transpose()?;
        let request = sale_request_text(&req, &lines, &self.settings.currency);
        let settings = self.settings.clone();
        let user = self.user().to_string();
        let bundles = self.live_bundles(now)?;
        let tx = self.write_tx()?;
        let replay: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM orders WHERE idempotency_key = ?1)",
            [&key],
            |r| r.get(0),
        )?;
        let receipt = commit_sale(
            &tx,
            &settings,
            &user,
            now,
            SaleInput {
                key: &key,
                request: &request,
                lines: &lines,
                order_discount: req.order_discount.as_ref(),
                tenders: &req.tenders,
                customer_id: req.customer_id.as_deref(),
                referral_code: req.referral_code.as_deref(),
                bundles: &bundles,
            },
        )?;
        if let (Some((pct, auth, true)), false) = (&discount, replay) {
            record_discount_above(
                &tx,
                auth,
                now,
                &receipt.id,
                *pct,
                &settings,
                serde_json::json!({
                    "number": receipt.number,
                    "discount": receipt.discount.to_string(),
                }),
            )?;
        }
        if let (Some((auth, _)), false) = (&override_by, replay) {
            for (sku, old, new) in &overrides {
                record_override(&tx, auth, now, sku, *old, *new, ("order", &receipt.number))?;
            }
        }
        if !replay {
            choice.queue_in(&tx, &settings, now, &receipt, print)?;
        }
        tx.commit()?;
        Ok(receipt)
    }
}

/// The audit entry of a discount above the store's approval threshold
/// (`discount.above_threshold`): `detail` (a JSON object saying what was
/// discounted) with the discount's percent and the threshold added.
pub(crate) fn record_discount_above(
    tx: &Connection,
    auth: &Authority,
    at: DateTime<Utc>,
    subject: &str,
    percent: Decimal,
    settings: &Settings,
    mut detail: serde_json::Value,
) -> Result<()> {
    if let Some(fields) = detail.as_object_mut() {
        fields.insert(
            "percent".into(),
            percent.round_dp(2).normalize().to_string().into(),
        );
        fields.insert(
            "threshold".into(),
            settings.discount_approval_pct.to_string().into(),
        );
    }
    crate::audit::record(
        tx,
        auth,
        at,
        "discount.above_threshold",
        Some(subject),
        detail,
    )
}

/// The audit entry of a price set at the till (`price.override`), with
/// the price it replaced and where it was set (`("order", number)`,
/// `("cart", id)`).
pub(crate) fn record_override(
    tx: &Connection,
    auth: &Authority,
    at: DateTime<Utc>,
    sku: &str,
    old: Decimal,
    new: Decimal,
    (kind, id): (&str, &str),
) -> Result<()> {
    crate::audit::record(
        tx,
        auth,
        at,
        "price.override",
        Some(sku),
        serde_json::json!({
            "sku": sku,
            "old": old.to_string(),
            "new": new.to_string(),
            kind: id,
        }),
    )
}
