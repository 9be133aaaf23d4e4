//! The open cart at the counter, kept in the store.
//!
//! Each change is its own small transaction, so a crash or a closed window
//! loses nothing the cashier rang up. A line's unit price is fixed when the
//! line is added and does not change under the customer's eyes. The cart id
//! is the sale's idempotency key: completing the same cart twice (a double
//! click, a retry, a second window) returns the first receipt.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bundles::AppliedBundle;
use crate::catalog::{product_from_row_at, PRODUCT_COLUMNS};
use crate::checkout::{
    check_stock, commit_sale, order_discount_pct, price_lines, Priced, PricedLine, ReceiptChoice,
    SaleInput, Tender,
};
use crate::customers::Customer;
use crate::error::{Error, Result};
use crate::input::Field;
use crate::orders::{load_receipt, Receipt};
use crate::pricing;
use crate::roles::Permission;
use crate::store::{ts, Store};
use crate::stored::decimal as dec_col;
use crate::tax::TaxMode;
use crate::totals::{Discount, Totals};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CartLine {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub qty: i64,
    pub unit_price: Decimal,
    pub price_note: Option<String>,
    pub discount: Option<Discount>,
    pub tax_rate: Decimal,
    /// unit_price x qty.
    pub total: Decimal,
    /// Line discount plus its share of the order discount.
    pub discount_amount: Decimal,
    /// The part of `discount_amount` that comes from bundles.
    pub bundle_discount: Decimal,
    pub on_hand: i64,
    pub kit: bool,
}

/// Where a cart stands: being rung up, sold, or given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum CartStatus {
    Open,
    Completed,
    Voided,
}

impl CartStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CartStatus::Open => "open",
            CartStatus::Completed => "completed",
            CartStatus::Voided => "voided",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Cart {
    pub id: String,
    pub status: CartStatus,
    pub lines: Vec<CartLine>,
    pub order_discount: Option<Discount>,
    /// Bundles the cart gets right now (recomputed on every change: take an
    /// item out and its bundle goes with it).
    pub bundles: Vec<AppliedBundle>,
    pub subtotal: Decimal,
    pub discount: Decimal,
    pub tax: Decimal,
    pub taxes: Vec<crate::totals::TaxLine>,
    pub total: Decimal,
    pub tax_mode: TaxMode,
    pub currency: String,
    pub order_id: Option<String>,
    /// The customer the sale is for.
    pub customer: Option<Customer>,
    /// The referral code the cashier was given.
    pub referral_code: Option<String>,
}

/// The cart's lines with their products, in the order they were added.
fn load_lines(conn: &Connection, cart_id: &str) -> Result<Vec<(i64, PricedLine)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT cl.id, cl.qty, cl.unit_price, cl.price_note, cl.discount, cl.base_price, cl.flash_sale_id, cl.flash_off, cl.member_off, {PRODUCT_COLUMNS}
         FROM cart_lines cl JOIN products p ON p.id = cl.product_id LEFT JOIN stock_levels s ON s.product_id = p.id
         WHERE cl.cart_id = ?1 ORDER BY cl.id"
    ))?;
    let rows = stmt.query_map([cart_id], |r| {
        let id: i64 = r.get(0)?;
        let qty: i64 = r.get(1)?;
        let unit_price = dec_col(r, 2)?;
        let price_note: Option<String> = r.get(3)?;
        let discount = crate::stored::opt_parse_with(r, 4, Discount::from_text)?;
        let trace = match crate::stored::opt_decimal(r, 5)? {
            Some(base_price) => Some(pricing::PriceTrace {
                base_price,
                flash_sale_id: r.get(6)?,
                flash_off: crate::stored::opt_decimal(r, 7)?.unwrap_or_default(),
                member_off: crate::stored::opt_decimal(r, 8)?.unwrap_or_default(),
            }),
            None => None,
        };
        let product = product_from_row_at(r, 9)?;
        Ok((
            id,
            PricedLine {
                product,
                qty,
                unit_price,
                price_note,
                discount,
                trace,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A price trace as `cart_lines` stores it.
fn trace_params(t: &pricing::PriceTrace) -> (String, Option<i64>, String, String) {
    (
        t.base_price.to_string(),
        t.flash_sale_id,
        t.flash_off.to_string(),
        t.member_off.to_string(),
    )
}

struct CartRow {
    status: CartStatus,
    order_discount: Option<Discount>,
    order_id: Option<String>,
    customer_id: Option<String>,
    referral_code: Option<String>,
}

fn cart_row(conn: &Connection, cart_id: &str) -> Result<CartRow> {
    conn.prepare_cached(
        "SELECT status, order_discount, order_id, customer_id, referral_code FROM carts WHERE id = ?1",
    )?
    .query_row([cart_id], |r| {
        Ok(CartRow {
            status: crate::stored::parse_with(r, 0, cart_status)?,
            order_discount: crate::stored::opt_parse_with(r, 1, Discount::from_text)?,
            order_id: r.get(2)?,
            customer_id: r.get(3)?,
            referral_code: r.get(4)?,
        })
    })
    .optional()?
    .ok_or_else(|| Error::not_found("cart", cart_id))
}

/// A cart's stored status, one of the three Till writes.
fn cart_status(text: &str) -> std::result::Result<CartStatus, String> {
    match text {
        "open" => Ok(CartStatus::Open),
        "completed" => Ok(CartStatus::Completed),
        "voided" => Ok(CartStatus::Voided),
        _ => Err("which is not one of open, completed, voided".to_string()),
    }
}

/// Refuses a change to a cart that is no longer open. Each change calls
/// this inside its own write transaction, so a cart another window
/// completed a moment ago is seen as completed.
fn require_open(conn: &Connection, cart_id: &str) -> Result<()> {
    let status = cart_row(conn, cart_id)?.status;
    match status {
        CartStatus::Open => Ok(()),
        s => Err(Error::Refused(format!(
            "this cart is {}; start a new sale",
            s.as_str()
        ))),
    }
}

/// Refuses a change after which the cart would no longer price (an order
/// discount larger than what is left, say): checked inside the change's
/// transaction, so what is written is always a cart that can be shown.
fn check_prices(
    conn: &Connection,
    settings: &crate::settings::Settings,
    defs: &[crate::bundles::pricing::BundleDef],
    cart_id: &str,
) -> Result<()> {
    let order_discount = cart_row(conn, cart_id)?.order_discount;
    let lines: Vec<PricedLine> = load_lines(conn, cart_id)?
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    price_lines(settings, defs, &lines, order_discount.as_ref())?;
    Ok(())
}

impl Store {
    /// Attaches a customer to the sale (`None` detaches). Checked against
    /// the referral code already given, so the cashier hears of a problem
    /// now rather than at payment.
    pub fn cart_set_customer(&mut self, cart_id: &str, customer_id: Option<&str>) -> Result<Cart> {
        self.require(Permission::Sell)?;
        require_open(&self.conn, cart_id)?;
        let row = self.cart_row(cart_id)?;
        let buyer = customer_id
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|id| crate::customers::buyer(&self.conn, id))
            .transpose()?;
        crate::referrals::attribute(
            &self.conn,
            self.now(),
            buyer.as_ref(),
            row.referral_code.as_deref(),
        )?;
        // A member pays member prices on the whole sale: the lines are
        // priced again for (or without) this customer.
        let now = self.now();
        let member = crate::memberships::discount_for(
            &self.conn,
            &self.settings.time_zone,
            buyer.as_ref().map(|b| b.id.as_str()),
            now,
        )?;
        let ctx = self.pricing_context()?.for_member(member);
        // Lines the cashier discounted by hand keep their price: the
        // discount was given against it. So do prices set at the till.
        let set_at_till: Vec<i64> = self
            .conn
            .prepare_cached("SELECT id FROM cart_lines WHERE cart_id = ?1 AND price_override = 1")?
            .query_map([cart_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let repriced: Vec<(i64, pricing::Quote)> = load_lines(&self.conn, cart_id)?
            .into_iter()
            .filter(|(id, l)| l.discount.is_none() && !set_at_till.contains(id))
            .map(|(id, l)| (id, pricing::quote(&ctx, &l.product, now)))
            .collect();
        let defs = self.live_bundles(self.now())?;
        let pricing = self.settings.clone();
        let tx = self.write_tx()?;
        require_open(&tx, cart_id)?;
        tx.execute(
            "UPDATE carts SET customer_id = ?1 WHERE id = ?2",
            params![buyer.map(|b| b.id), cart_id],
        )?;
        for (line_id, q) in repriced {
            let (base, flash, flash_off, member_off) = trace_params(&pricing::PriceTrace::of(&q));
            tx.execute(
                "UPDATE cart_lines SET unit_price = ?1, price_note = ?2, base_price = ?3, flash_sale_id = ?4, flash_off = ?5, member_off = ?6 WHERE id = ?7",
                params![
                    q.price.to_string(),
                    q.note,
                    base,
                    flash,
                    flash_off,
                    member_off,
                    line_id
                ],
            )?;
        }
        check_prices(&tx, &pricing, &defs, cart_id)?;
        tx.commit()?;
        self.cart_view(cart_id)
    }

    /// Records the referral code given at the counter (`None` clears it),
    /// after checking it can be used for this sale: an unknown, expired or
    /// withdrawn code, a self-referral or another referrer's customer is
    /// refused with a message, and the sale goes on without it.
    pub fn cart_set_referral(&mut self, cart_id: &str, code: Option<&str>) -> Result<Cart> {
        self.require(Permission::Sell)?;
        require_open(&self.conn, cart_id)?;
        let row = self.cart_row(cart_id)?;
        let code = code
            .map(crate::referrals::normalize_code)
            .filter(|c| !c.is_empty());
        if let Some(code) = &code {
            let buyer = row
                .customer_id
                .as_deref()
                .map(|id| crate::customers::buyer(&self.conn, id))
                .transpose()?;
            crate::referrals::attribute(&self.conn, self.now(), buyer.as_ref(), Some(code))?;
        }
        let tx = self.write_tx()?;
        require_open(&tx, cart_id)?;
        tx.execute(
            "UPDATE carts SET referral_code = ?1 WHERE id = ?2",
            params![code, cart_id],
        )?;
        tx.commit()?;
        self.cart_view(cart_id)
    }

    fn cart_row(&self, cart_id: &str) -> Result<CartRow> {
        cart_row(&self.conn, cart_id)
    }

    /// The cart as the counter shows it, with live totals.
    pub fn cart(&self, cart_id: &str) -> Result<Cart> {
        self.require(Permission::Sell)?;
        self.cart_view(cart_id)
    }

    fn cart_view(&self, cart_id: &str) -> Result<Cart> {
        let CartRow {
            status,
            order_discount,
            order_id,
            customer_id,
            referral_code,
        } = self.cart_row(cart_id)?;
        let customer = customer_id
            .map(|id| crate::customers::load(&self.conn, &id))
            .transpose()?;

        let lines = load_lines(&self.conn, cart_id)?;
        let priced: Vec<PricedLine> = lines.iter().map(|(_, l)| l.clone()).collect();
        let currency = &self.settings.currency;
        let defs = self.live_bundles(self.now())?;
        let Priced {
            totals,
            bundles,
            bundle_shares,
        } = price_lines(&self.settings, &defs, &priced, order_discount.as_ref())?;
        let Totals {
            lines: line_totals,
            subtotal,
            discount,
            tax,
            taxes,
            total,
        } = totals;
        Ok(Cart {
            id: cart_id.to_string(),
            status,
            lines: lines
                .into_iter()
                .zip(line_totals)
                .zip(bundle_shares)
                .map(|(((id, l), t), share)| CartLine {
                    id,
                    sku: l.product.sku,
                    name: l.product.name,
                    qty: l.qty,
                    unit_price: l.unit_price,
                    price_note: l.price_note,
                    discount: l.discount,
                    tax_rate: l.product.tax_rate,
                    total: t.gross,
                    discount_amount: t.discount,
                    bundle_discount: share,
                    on_hand: l.product.on_hand,
                    kit: l.product.kit,
                })
                .collect(),
            order_discount,
            bundles,
            subtotal,
            discount,
            tax,
            taxes,
            total,
            tax_mode: self.settings.tax_mode,
            currency: currency.code.clone(),
            order_id,
            customer,
            referral_code,
        })
    }

    /// The newest open cart, or a new one: after a crash the counter comes
    /// back to what it was ringing up.
    pub fn current_cart(&mut self) -> Result<Cart> {
        self.require(Permission::Sell)?;
        let open: Option<String> = self
            .conn
            .query_row("SELECT id FROM carts WHERE status = 'open' ORDER BY created_at DESC, rowid DESC LIMIT 1", [], |r| r.get(0))
            .optional()?;
        match open {
            Some(id) => self.cart_view(&id),
            None => self.new_cart(),
        }
    }

    pub fn new_cart(&mut self) -> Result<Cart> {
        self.require(Permission::Sell)?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = ts(self.now());
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO carts (id, status, created_at, updated_at) VALUES (?1, 'open', ?2, ?2)",
            params![id, now],
        )?;
        tx.commit()?;
        self.cart_view(&id)
    }

    /// Adds `qty` of the product with this SKU or barcode, at its price now.
    /// Adding a product already in the cart at the same price and with no
    /// line discount raises that line's quantity instead.
    pub fn cart_add(&mut self, cart_id: &str, code: &str, qty: i64) -> Result<Cart> {
        self.cart_add_priced(cart_id, code, qty, None)
    }

    /// Adds what an item text names, as scanned or typed in the scan box
    /// (`COF`, `3*COF`, `COFx2@2.50`; see `forms::item`).
    pub fn cart_scan(&mut self, cart_id: &str, text: &str) -> Result<Cart> {
        let item = self.sale_item(text)?;
        self.cart_add_priced(cart_id, &item.sku, item.qty, item.price)
    }

    /// Adds `qty` of a product at its price now, or at `price` set at the
    /// till (a price override: it needs the permission to override
    /// prices, and its line says who set it, "override by NAME"). A line
    /// with a price set at the till is a line of its own, never merged.
    pub fn cart_add_priced(
        &mut self,
        cart_id: &str,
        code: &str,
        qty: i64,
        price: Option<Decimal>,
    ) -> Result<Cart> {
        self.require(Permission::Sell)?;
        crate::money::check_qty(Field::Quantity, qty)?;
        if qty <= 0 {
            return Err(Error::invalid(
                Field::Quantity,
                format!("{qty} must be at least 1"),
            ));
        }
        require_open(&self.conn, cart_id)?;
        let product = self.product_by_code(code)?;
        if !product.active {
            return Err(Error::InactiveProduct(product.sku));
        }
        let now = self.now();
        let member = crate::memberships::discount_for(
            &self.conn,
            &self.settings.time_zone,
            self.cart_row(cart_id)?.customer_id.as_deref(),
            now,
        )?;
        let quote = pricing::quote(&self.pricing_context()?.for_member(member), &product, now);
        let (override_by, unit_price, price_note, trace) = match price {
            Some(p) => {
                let (auth, by) = self.price_override_by()?;
                let p = self.check_amount(Field::Price, p)?;
                (
                    Some(auth),
                    p,
                    Some(crate::checkout::override_note(&by)),
                    pricing::PriceTrace::set_at_till(quote.base_price),
                )
            }
            None => (
                None,
                quote.price,
                quote.note.clone(),
                pricing::PriceTrace::of(&quote),
            ),
        };
        let settings = self.settings.clone();
        let defs = self.live_bundles(self.now())?;
        let tx = self.write_tx()?;
        require_open(&tx, cart_id)?;
        let existing: Option<(i64, i64)> = match price {
            Some(_) => None,
            None => tx
                .query_row(
                    "SELECT id, qty FROM cart_lines WHERE cart_id = ?1 AND product_id = ?2 AND unit_price = ?3 AND discount IS NULL
                     AND price_override = 0 ORDER BY id DESC LIMIT 1",
                    params![cart_id, product.id, unit_price.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?,
        };
        let mut lines: Vec<PricedLine> = load_lines(&tx, cart_id)?
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        if existing.is_none() && lines.len() >= crate::input::MAX_SALE_LINES {
            return Err(Error::Refused(format!(
                "a sale holds at most {} lines; complete this one and start another",
                crate::input::MAX_SALE_LINES
            )));
        }
        lines.push(PricedLine {
            product: product.clone(),
            qty,
            unit_price,
            price_note: price_note.clone(),
            discount: None,
            trace: Some(trace.clone()),
        });
        check_stock(&tx, &settings, &lines)?;
        match existing {
            Some((line_id, old)) => {
                tx.execute(
                    "UPDATE cart_lines SET qty = ?1 WHERE id = ?2",
                    params![old + qty, line_id],
                )?;
            }
            None => {
                let (base, flash, flash_off, member_off) = trace_params(&trace);
                tx.execute(
                    "INSERT INTO cart_lines (cart_id, product_id, qty, unit_price, price_note, added_at, price_override, base_price, flash_sale_id, flash_off, member_off)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    params![cart_id, product.id, qty, unit_price.to_string(), price_note, ts(now), price.is_some(), base, flash, flash_off, member_off],
                )?;
            }
        }
        tx.execute(
            "UPDATE carts SET updated_at = ?1 WHERE id = ?2",
            params![ts(now), cart_id],
        )?;
        if let Some(auth) = &override_by {
            crate::checkout::record_override(
                &tx,
                auth,
                now,
                &product.sku,
                quote.price,
                unit_price,
                ("cart", cart_id),
            )?;
        }
        check_prices(&tx, &settings, &defs, cart_id)?;
        tx.commit()?;
        self.cart_view(cart_id)
    }

    pub fn cart_set_qty(&mut self, cart_id: &str, line_id: i64, qty: i64) -> Result<Cart> {
        self.require(Permission::Sell)?;
        crate::money::check_qty(Field::Quantity, qty)?;
        if qty <= 0 {
            return Err(Error::invalid(
                Field::Quantity,
                format!("{qty} must be at least 1; remove the line instead"),
            ));
        }
        require_open(&self.conn, cart_id)?;
        let settings = self.settings.clone();
        let defs = self.live_bundles(self.now())?;
        let tx = self.write_tx()?;
        require_open(&tx, cart_id)?;
        let mut lines = load_lines(&tx, cart_id)?;
        let line = lines
            .iter_mut()
            .find(|(id, _)| *id == line_id)
            .ok_or_else(|| Error::not_found("cart line", line_id.to_string()))?;
        let grows = qty > line.1.qty;
        line.1.qty = qty;
        if grows {
            let priced: Vec<PricedLine> = lines.into_iter().map(|(_, l)| l).collect();
            check_stock(&tx, &settings, &priced)?;
        }
        tx.execute(
            "UPDATE cart_lines SET qty = ?1 WHERE id = ?2 AND cart_id = ?3",
            params![qty, line_id, cart_id],
        )?;
        check_prices(&tx, &settings, &defs, cart_id)?;
        tx.commit()?;
        self.cart_view(cart_id)
    }

    pub fn cart_remove(&mut self, cart_id: &str, line_id: i64) -> Result<Cart> {
        self.require(Permission::Sell)?;
        require_open(&self.conn, cart_id)?;
        let defs = self.live_bundles(self.now())?;
        let pricing = self.settings.clone();
        let tx = self.write_tx()?;
        require_open(&tx, cart_id)?;
        let n = tx.execute(
            "DELETE FROM cart_lines WHERE id = ?1 AND cart_id = ?2",
            params![line_id, cart_id],
        )?;
        if n == 0 {
            return Err(Error::not_found("cart line", line_id.to_string()));
        }
        check_prices(&tx, &pricing, &defs, cart_id)?;
        tx.commit()?;
        self.cart_view(cart_id)
    }

    /// Sets or clears (`None`) a line's discount.
    pub fn cart_line_discount(
        &mut self,
        cart_id: &str,
        line_id: i64,
        discount: Option<Discount>,
    ) -> Result<Cart> {
        self.require(Permission::Sell)?;
        require_open(&self.conn, cart_id)?;
        let mut above = None;
        if let Some(d) = &discount {
            d.validate(Field::LineDiscount)?;
            let cart = self.cart_view(cart_id)?;
            let line = cart
                .lines
                .iter()
                .find(|l| l.id == line_id)
                .ok_or_else(|| Error::not_found("cart line", line_id.to_string()))?;
            let pct = d.percent_of(line.total);
            if let (auth, true) = self.require_discount(pct)? {
                above = Some((auth, pct, line.sku.clone()));
            }
            if let Discount::Amount(a) = d {
                if *a > line.total {
                    return Err(Error::invalid(
                        Field::LineDiscount,
                        format!("{a} off is more than the line's {}", line.total),
                    ));
                }
            }
            self.check_amount_scale(Field::LineDiscount, d)?;
        }
        let at = self.now();
        let defs = self.live_bundles(at)?;
        let pricing = self.settings.clone();
        let tx = self.write_tx()?;
        require_open(&tx, cart_id)?;
        let text = discount.map(|d| d.to_text());
        let n = tx.execute(
            "UPDATE cart_lines SET discount = ?1 WHERE id = ?2 AND cart_id = ?3",
            params![text, line_id, cart_id],
        )?;
        if n == 0 {
            return Err(Error::not_found("cart line", line_id.to_string()));
        }
        check_prices(&tx, &pricing, &defs, cart_id)?;
        if let Some((auth, pct, sku)) = above {
            crate::checkout::record_discount_above(
                &tx,
                &auth,
                at,
                cart_id,
                pct,
                &pricing,
                serde_json::json!({ "line": sku, "discount": text }),
            )?;
        }
        tx.commit()?;
        self.cart_view(cart_id)
    }

    /// Sets or clears (`None`) the discount on the whole order.
    pub fn cart_order_discount(
        &mut self,
        cart_id: &str,
        discount: Option<Discount>,
    ) -> Result<Cart> {
        self.require(Permission::Sell)?;
        require_open(&self.conn, cart_id)?;
        let mut above = None;
        if let Some(d) = &discount {
            d.validate(Field::OrderDiscount)?;
            self.check_amount_scale(Field::OrderDiscount, d)?;
            let lines: Vec<PricedLine> = load_lines(&self.conn, cart_id)?
                .into_iter()
                .map(|(_, l)| l)
                .collect();
            let defs = self.live_bundles(self.now())?;
            price_lines(&self.settings, &defs, &lines, Some(d))?;
            let pct = order_discount_pct(&lines, d);
            if let (auth, true) = self.require_discount(pct)? {
                above = Some((auth, pct));
            }
        }
        let at = self.now();
        let defs = self.live_bundles(at)?;
        let pricing = self.settings.clone();
        let tx = self.write_tx()?;
        require_open(&tx, cart_id)?;
        let text = discount.map(|d| d.to_text());
        tx.execute(
            "UPDATE carts SET order_discount = ?1 WHERE id = ?2",
            params![text, cart_id],
        )?;
        check_prices(&tx, &pricing, &defs, cart_id)?;
        if let Some((auth, pct)) = above {
            crate::checkout::record_discount_above(
                &tx,
                &auth,
                at,
                cart_id,
                pct,
                &pricing,
                serde_json::json!({ "order": true, "discount": text }),
            )?;
        }
        tx.commit()?;
        self.cart_view(cart_id)
    }

    fn check_amount_scale(&self, field: Field, d: &Discount) -> Result<()> {
        if let Discount::Amount(a) = d {
            self.check_amount(field, *a)?;
        }
        Ok(())
    }

    /// Voids an open cart: nothing is sold, nothing is kept.
    pub fn cart_void(&mut self, cart_id: &str) -> Result<()> {
        let auth = self.require(Permission::VoidCart)?;
        require_open(&self.conn, cart_id)?;
        // What is voided, for the audit trail: the cart as it stood.
        let voided = match auth.audited {
            true => Some(self.cart_view(cart_id)?),
            false => None,
        };
        let at = self.now();
        let now = ts(at);
        let tx = self.write_tx()?;
        require_open(&tx, cart_id)?;
        tx.execute(
            "UPDATE carts SET status = 'voided', updated_at = ?1 WHERE id = ?2 AND status = 'open'",
            params![now, cart_id],
        )?;
        if let Some(cart) = voided {
            crate::audit::record(
                &tx,
                &auth,
                at,
                "cart.void",
                Some(cart_id),
                serde_json::json!({
                    "items": cart.lines.iter().map(|l| serde_json::json!([l.sku, l.qty])).collect::<Vec<_>>(),
                    "total": cart.total.to_string(),
                }),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Completes the cart: one transaction that writes the sale and closes
    /// the cart. Idempotent: a completed cart returns its receipt again.
    pub fn cart_complete(&mut self, cart_id: &str, tenders: &[Tender]) -> Result<Receipt> {
        self.cart_complete_with(cart_id, tenders, ReceiptChoice::Auto)
    }

    /// `cart_complete` with the customer's receipt choice: a receipt to
    /// print (and the drawer kick of a cash sale) or to email is queued in
    /// the sale's transaction and sent after it (`Store::send_print_jobs`,
    /// `Store::send_queued_emails`).
    pub fn cart_complete_with(
        &mut self,
        cart_id: &str,
        tenders: &[Tender],
        choice: ReceiptChoice,
    ) -> Result<Receipt> {
        self.require(Permission::Sell)?;
        let print = choice.check(&self.settings)?;
        let now = self.now();
        let settings = self.settings.clone();
        let user = self.user().to_string();
        let bundles = self.live_bundles(now)?;
        let tx = self.write_tx()?;
        let CartRow {
            status,
            order_discount,
            order_id,
            customer_id,
            referral_code,
        } = cart_row(&tx, cart_id)?;
        match (status, order_id) {
            (CartStatus::Completed, Some(order_id)) => return load_receipt(&tx, &order_id),
            (CartStatus::Voided, _) => {
                return Err(Error::Refused(
                    "this cart was voided; start a new sale".into(),
                ))
            }
            _ => {}
        }
        let lines: Vec<PricedLine> = load_lines(&tx, cart_id)?
            .into_iter()
            .map(|(_, l)| l)
            .collect();

        let receipt = commit_sale(
            &tx,
            &settings,
            &user,
            now,
            SaleInput {
                key: cart_id,
                request: &serde_json::json!({ "cart": cart_id }).to_string(),
                lines: &lines,
                order_discount: order_discount.as_ref(),
                tenders,
                customer_id: customer_id.as_deref(),
                referral_code: referral_code.as_deref(),
                bundles: &bundles,
            },
        )?;
        tx.execute(
            "UPDATE carts SET status = 'completed', order_id = ?1, updated_at = ?2 WHERE id = ?3",
            params![receipt.id, ts(now), cart_id],
        )?;
        choice.queue_in(&tx, &settings, now, &receipt, print)?;
        tx.commit()?;
        Ok(receipt)
    }
}
