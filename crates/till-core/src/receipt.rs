//! What a receipt says, laid out as a print document (`till_print::Doc`):
//! the sale's receipt, a refund's, a reprint marked COPY and a gift receipt
//! without prices; product labels; the shop's logo. Read-only: building a
//! receipt never writes to the store, so another module can lay out a
//! receipt inside its own transaction.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::Serialize;
use till_print::{Align, Block, Doc, Label, LabelCode, Size, Width};

use crate::error::{Error, Result};
use crate::field::Field;
use crate::locale::TimeFormat;
use crate::money::Currency;
use crate::orders::{load_receipt, Receipt, Refund, TenderMethod};
use crate::permissions::Authority;
use crate::roles::Permission;
use crate::settings::{Settings, SettingsUpdate};
use crate::store::{ts, Store};
use crate::stored::Damage;

/// Paper width unless the printer settings say otherwise (80 mm, font A).
pub const DEFAULT_WIDTH: u32 = crate::settings::PRINTER_WIDTH;

/// How to print one receipt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiptOptions {
    /// Characters per line: 32, 42 or 48. None: the store's paper.
    pub width: Option<u32>,
    /// A gift receipt: what was bought, without any price or total.
    pub gift: bool,
    /// A reprint, marked COPY.
    pub copy: bool,
}

impl ReceiptOptions {
    /// The paper width these options ask for (checked), else the store's.
    pub fn paper(&self, settings: &Settings) -> Result<Width> {
        let chars = self.width.unwrap_or(settings.printer_width);
        Width::new(chars).map_err(|e| Error::invalid(Field::Width, e.to_string()))
    }
}

/// The most copies of a label printed at once.
pub const MAX_COPIES: u32 = 100;

/// A number of copies as given ("3"): a whole number from 1 to `MAX_COPIES`.
pub fn copies(text: &str) -> Result<u32> {
    let n = crate::input::whole(Field::Copies, text)?;
    u32::try_from(n)
        .ok()
        .filter(|c| (1..=MAX_COPIES).contains(c))
        .ok_or_else(|| Error::invalid(Field::Copies, format!("{n} must be from 1 to {MAX_COPIES}")))
}

/// The shop's logo as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct LogoInfo {
    pub width_px: u32,
    pub height_px: u32,
    /// The PNG file's size.
    pub bytes: u32,
    pub updated_at: String,
}

/// The largest logo file Till takes.
pub const MAX_LOGO_BYTES: u64 = 1024 * 1024;

/// Whether `png` is a PNG image Till can print (decodes, not empty, not huge).
pub(crate) fn printable_png(png: &[u8]) -> bool {
    till_print::raster_from_png(png, Width::W48.dots()).is_ok()
}

/// Reads a logo file for `Store::set_receipt_logo` (or
/// `update_settings_and_logo`), refusing (naming the
/// file) one that cannot be read, is too large, or is not a PNG image.
pub fn read_logo_file(path: &Path) -> Result<Vec<u8>> {
    let shown = path.display();
    let bad = |why: String| Error::invalid(Field::Logo, format!("{shown}: {why}"));
    let meta = std::fs::metadata(path).map_err(|e| bad(format!("cannot be read ({e})")))?;
    if !meta.is_file() {
        return Err(bad("is not a file".into()));
    }
    if meta.len() > MAX_LOGO_BYTES {
        return Err(bad(format!(
            "is {} bytes; a logo may be at most {MAX_LOGO_BYTES} bytes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot be read ({e})")))?;
    check_png(&bytes).map_err(|e| bad(e.to_string()))?;
    Ok(bytes)
}

/// The PNG's size in pixels, or why it is not a logo Till prints.
fn check_png(png: &[u8]) -> std::result::Result<(u32, u32), till_print::ImageError> {
    till_print::raster_from_png(png, Width::W48.dots())?;
    till_print::png_size(png)
}

/// A logo's size in pixels, or why it is not one Till takes.
fn checked_logo(png: &[u8]) -> Result<(u32, u32)> {
    if png.len() as u64 > MAX_LOGO_BYTES {
        return Err(Error::invalid(
            Field::Logo,
            format!(
                "the image is {} bytes; a logo may be at most {MAX_LOGO_BYTES} bytes",
                png.len()
            ),
        ));
    }
    check_png(png).map_err(|e| Error::invalid(Field::Logo, e.to_string()))
}

/// Keeps `png` as the logo, in the caller's transaction, audited.
fn write_logo(
    tx: &Connection,
    auth: &Authority,
    at: DateTime<Utc>,
    png: &[u8],
    w: u32,
    h: u32,
) -> Result<()> {
    tx.execute(
        "INSERT INTO receipt_logo (id, png, width_px, height_px, updated_at) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET png = excluded.png, width_px = excluded.width_px,
             height_px = excluded.height_px, updated_at = excluded.updated_at",
        rusqlite::params![png, w, h, ts(at)],
    )?;
    crate::audit::record(
        tx,
        auth,
        at,
        "receipt.logo",
        None,
        serde_json::json!({ "width_px": w, "height_px": h, "bytes": png.len() }),
    )
}

/// Removes the logo, in the caller's transaction; audited when there was one.
fn remove_logo(tx: &Connection, auth: &Authority, at: DateTime<Utc>) -> Result<()> {
    if tx.execute("DELETE FROM receipt_logo", [])? > 0 {
        crate::audit::record(
            tx,
            auth,
            at,
            "receipt.logo",
            None,
            serde_json::json!({ "removed": true }),
        )?;
    }
    Ok(())
}

/// The stored logo's PNG, if there is one.
fn stored_logo(conn: &Connection) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT png FROM receipt_logo WHERE id = 1")?
        .query_row([], |r| r.get::<_, Vec<u8>>(0))
        .optional()?)
}

/// Money as a receipt prints it: the currency's sign before the amount
/// ("€4.50", "-€0.90") where it has a one-character sign, else the amount
/// and its code ("4.50 CHF"), as Till writes amounts elsewhere.
pub fn on_paper(currency: &Currency, amount: Decimal) -> String {
    let sign = iso_currency::Currency::from_code(&currency.code)
        .map(|c| c.symbol().symbol)
        .filter(|s| s.chars().count() == 1);
    let mut a = amount.abs();
    if a.scale() < currency.minor_units {
        a.rescale(currency.minor_units);
    }
    let minus = if amount.is_sign_negative() && !amount.is_zero() {
        "-"
    } else {
        ""
    };
    match sign {
        Some(s) => format!("{minus}{s}{a}"),
        None => format!("{minus}{a} {}", currency.code),
    }
}

/// A percent as receipts print it: "20 %" (no trailing zeros).
fn percent(p: Decimal) -> String {
    format!("{} %", p.normalize())
}

fn centred(text: impl Into<String>, bold: bool, size: Size) -> Block {
    Block::Text {
        text: text.into(),
        align: Align::Center,
        bold,
        size,
    }
}

/// What a reference names: an order, or one refund of an order.
enum Subject {
    Sale(Receipt),
    Refund(Receipt, Refund),
}

fn find(conn: &Connection, reference: &str) -> Result<Subject> {
    let key = reference.trim();
    if let Some(id) = crate::orders::order_id(conn, key)? {
        return Ok(Subject::Sale(load_receipt(conn, &id)?));
    }
    let by_id: Option<String> = conn
        .prepare_cached("SELECT order_id FROM refunds WHERE id = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    if let Some(order_id) = by_id {
        let receipt = load_receipt(conn, &order_id)?;
        let refund = receipt.refunds.iter().find(|r| r.id == key).cloned();
        if let Some(refund) = refund {
            return Ok(Subject::Refund(receipt, refund));
        }
    }
    // A refund's number: its order's and its place among the order's refunds.
    if let Some((number, nth)) = key.rsplit_once("-R") {
        let order: Option<String> = conn
            .prepare_cached("SELECT id FROM orders WHERE number = ?1")?
            .query_row([number], |r| r.get(0))
            .optional()?;
        if let (Some(id), Ok(n)) = (order, nth.parse::<usize>()) {
            let receipt = load_receipt(conn, &id)?;
            let refund = n
                .checked_sub(1)
                .and_then(|i| receipt.refunds.get(i))
                .cloned();
            if let Some(refund) = refund {
                return Ok(Subject::Refund(receipt, refund));
            }
        }
    }
    Err(Error::not_found("order or refund", key))
}

/// The manager who approved something on the sale (a discount above the
/// threshold, a price set at the till), as the audit trail has it.
fn sale_approver(conn: &Connection, r: &Receipt) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT approver FROM audit_log
             WHERE approver IS NOT NULL
               AND ((action = 'discount.above_threshold' AND subject = ?1)
                 OR (action = 'price.override' AND json_extract(detail, '$.order') = ?2))
             ORDER BY seq LIMIT 1",
        )?
        .query_row([&r.id, &r.number], |row| row.get(0))
        .optional()?)
}

/// The refund's cashier and the manager who approved it, if one did.
fn refund_people(conn: &Connection, refund_id: &str) -> Result<(String, Option<String>)> {
    let cashier: String = conn
        .prepare_cached("SELECT cashier FROM refunds WHERE id = ?1")?
        .query_row([refund_id], |r| r.get(0))?;
    let approver: Option<String> = conn
        .prepare_cached(
            "SELECT approver FROM audit_log
             WHERE approver IS NOT NULL AND action = 'refund'
               AND json_extract(detail, '$.refund_id') = ?1
             ORDER BY seq LIMIT 1",
        )?
        .query_row([refund_id], |r| r.get(0))
        .optional()?;
    Ok((cashier, approver))
}

/// The customer's name and, when they were a member at the sale, the tier.
fn customer_lines(
    conn: &Connection,
    settings: &Settings,
    r: &Receipt,
) -> Result<(Option<String>, Option<String>)> {
    let Some(id) = &r.customer_id else {
        return Ok((None, None));
    };
    let name = crate::customers::load(conn, id)?.name;
    let at = DateTime::parse_from_rfc3339(&r.created_at)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            Error::Damaged(Damage::new(
                "orders",
                Some(r.id.clone()),
                "created_at",
                &r.created_at,
                "which is not a time",
            ))
        })?;
    let member = crate::memberships::membership_of(conn, &settings.time_zone, id, at)?
        .filter(|m| m.active)
        .map(|m| m.tier_name);
    Ok((Some(name), member))
}

/// The shop's heading: logo, name, address, tax id, the header lines.
fn heading(conn: &Connection, settings: &Settings, width: Width) -> Result<Doc> {
    let mut doc = Doc::new();
    if let Some(png) = stored_logo(conn)? {
        let block = till_print::raster_from_png(&png, width.dots()).map_err(|e| {
            Error::Damaged(Damage::new(
                "receipt_logo",
                Some("1".into()),
                "png",
                &format!("<{} bytes>", png.len()),
                format!("which is not a PNG image Till can print ({e})"),
            ))
        })?;
        doc = doc.push(block).push(Block::Feed(1));
    }
    doc = doc.push(centred(&settings.store_name, true, Size::Double));
    for line in settings.shop_address.iter().flat_map(|a| a.lines()) {
        doc = doc.push(centred(line, false, Size::Normal));
    }
    if let Some(t) = &settings.tax_id {
        doc = doc.push(centred(format!("Tax id {t}"), false, Size::Normal));
    }
    for line in settings.receipt_header.iter().flat_map(|h| h.lines()) {
        doc = doc.push(centred(line, false, Size::Normal));
    }
    Ok(doc)
}

fn footing(mut doc: Doc, settings: &Settings, number: &str) -> Doc {
    if let Some(f) = &settings.receipt_footer {
        doc = doc.push(Block::Feed(1));
        for line in f.lines() {
            doc = doc.push(centred(line, false, Size::Normal));
        }
    }
    // The receipt's number as a barcode and a QR code: scanning either
    // opens the order (for a return).
    doc.push(Block::Feed(1))
        .push(Block::Barcode128(number.to_string()))
        .push(Block::Qr(format!("till:order:{number}")))
        .push(Block::Feed(2))
        .push(Block::Cut)
}

/// The receipt named by `reference` (an order's id or number, or a
/// refund's number, "K7QF-000123-R1", or id) as a print document. No permission check and no write:
/// for use inside other modules' transactions.
pub(crate) fn doc_in(
    conn: &Connection,
    settings: &Settings,
    reference: &str,
    opts: &ReceiptOptions,
) -> Result<Doc> {
    let width = opts.paper(settings)?;
    let subject = find(conn, reference)?;
    let currency = &settings.currency;
    let times = TimeFormat::new(&settings.locale, &settings.time_zone)?;
    let money = |a: Decimal| on_paper(currency, a);
    let mut doc = heading(conn, settings, width)?;
    if opts.copy {
        doc = doc
            .push(Block::Feed(1))
            .push(centred("*** COPY ***", true, Size::Double));
    }
    match subject {
        Subject::Sale(r) => {
            if opts.gift {
                doc = doc
                    .push(Block::Feed(1))
                    .push(centred("GIFT RECEIPT", true, Size::Double));
            }
            doc = doc
                .push(Block::Rule)
                .push(Block::columns("Receipt", &r.number))
                .push(Block::columns("Date", times.text(&r.created_at)));
            if !opts.gift {
                doc = doc.push(Block::columns("Cashier", &r.cashier));
                if let Some(a) = sale_approver(conn, &r)? {
                    doc = doc.push(Block::columns("Approved by", a));
                }
                let (customer, member) = customer_lines(conn, settings, &r)?;
                if let Some(c) = customer {
                    doc = doc.push(Block::columns("Customer", c));
                }
                if let Some(m) = member {
                    doc = doc.push(Block::columns("Member", m));
                }
                if let Some(code) = &r.referral_code {
                    doc = doc.push(Block::columns("Referral", code));
                }
            }
            doc = doc.push(Block::Rule);
            for l in &r.lines {
                if opts.gift {
                    doc = doc.push(Block::columns(&l.name, format!("x {}", l.qty)));
                    continue;
                }
                doc = doc.push(Block::text(&l.name));
                // The note goes between the name and its amounts, so it is never
                // read as the next line's.
                if let Some(note) = &l.price_note {
                    doc = doc.push(Block::text(crate::pricing::short_note(note)));
                }
                doc = doc.push(Block::Columns {
                    left: format!("{} x {}", l.qty, money(l.unit_price)),
                    right: money(l.total),
                    bold: false,
                    size: Size::Normal,
                });
            }
            if !opts.gift {
                doc = sale_totals(doc, &r, &money);
            }
            doc = doc.push(Block::Rule);
            let items: i64 = r.lines.iter().map(|l| l.qty).sum();
            doc = doc.push(centred(
                format!("{items} item{}", if items == 1 { "" } else { "s" }),
                false,
                Size::Normal,
            ));
            if opts.gift {
                doc = doc.push(centred(
                    "Exchange or refund with this receipt",
                    false,
                    Size::Normal,
                ));
            }
            Ok(footing(doc, settings, &r.number))
        }
        Subject::Refund(r, refund) => {
            let (cashier, approver) = refund_people(conn, &refund.id)?;
            doc = doc
                .push(Block::Feed(1))
                .push(centred("REFUND", true, Size::Double))
                .push(Block::Rule)
                .push(Block::columns("Refund", &refund.receipt_number))
                .push(Block::columns("Original receipt", &r.number))
                .push(Block::columns("Date", times.text(&refund.created_at)))
                .push(Block::columns("Cashier", cashier));
            if let Some(a) = approver {
                doc = doc.push(Block::columns("Approved by", a));
            }
            doc = doc.push(Block::Rule);
            for l in &refund.lines {
                let name = r
                    .lines
                    .iter()
                    .find(|o| o.line_no == l.line_no)
                    .map(|o| o.name.clone())
                    .unwrap_or_else(|| l.sku.clone());
                if opts.gift {
                    doc = doc.push(Block::columns(name, format!("x {}", l.qty)));
                } else {
                    doc = doc.push(Block::text(name)).push(Block::Columns {
                        left: format!("{} returned", l.qty),
                        right: money(-l.amount),
                        bold: false,
                        size: Size::Normal,
                    });
                }
            }
            if !opts.gift {
                doc = doc
                    .push(Block::Rule)
                    .push(Block::columns("Tax included", money(-refund.tax)))
                    .push(Block::Columns {
                        left: "REFUNDED".into(),
                        right: money(-refund.amount),
                        bold: true,
                        size: Size::Double,
                    })
                    .push(Block::columns(
                        "Paid back",
                        format!("{} {}", method_word(refund.method), money(refund.amount)),
                    ));
            }
            Ok(footing(doc, settings, &r.number))
        }
    }
}

fn method_word(m: TenderMethod) -> &'static str {
    match m {
        TenderMethod::Cash => "Cash",
        TenderMethod::Card => "Card",
    }
}

/// Subtotal, bundles with their saving, other discounts, tax per rate, the
/// total (bold, double size), each tender and the change.
fn sale_totals(mut doc: Doc, r: &Receipt, money: &impl Fn(Decimal) -> String) -> Doc {
    doc = doc
        .push(Block::Rule)
        .push(Block::columns("Subtotal", money(r.subtotal)));
    let mut bundled = Decimal::ZERO;
    for b in &r.bundles {
        bundled += b.discount;
        let name = if b.times == 1 {
            format!("Bundle {}", b.name)
        } else {
            format!("Bundle {} x {}", b.name, b.times)
        };
        doc = doc.push(Block::columns(name, money(-b.discount)));
    }
    let other = r.discount - bundled;
    if !other.is_zero() {
        doc = doc.push(Block::columns("Discount", money(-other)));
    }
    let inclusive = r.tax_mode == crate::tax::TaxMode::Inclusive;
    for t in &r.taxes {
        let label = if inclusive {
            format!("incl. tax {} on {}", percent(t.rate), money(t.base))
        } else {
            format!("Tax {} on {}", percent(t.rate), money(t.base))
        };
        doc = doc.push(Block::columns(label, money(t.tax)));
    }
    doc = doc.push(Block::Columns {
        left: "TOTAL".into(),
        right: money(r.total),
        bold: true,
        size: Size::Double,
    });
    for p in &r.payments {
        let left = match &p.reference {
            Some(reference) => format!("{} ({reference})", method_word(p.method)),
            None => method_word(p.method).to_string(),
        };
        doc = doc.push(Block::columns(left, money(p.amount)));
    }
    if !r.change.is_zero() {
        doc = doc.push(Block::columns("Change", money(r.change)));
    }
    doc
}

impl Store {
    /// The receipt of an order (id or number) or of a refund (its number,
    /// "K7QF-000123-R1", or id), as a print document. Anyone who may look orders up may read it.
    pub fn receipt_doc(&self, reference: &str, opts: &ReceiptOptions) -> Result<Doc> {
        self.require(Permission::LookUp)?;
        doc_in(&self.conn, &self.settings, reference, opts)
    }

    /// The receipt as plain text, line for line as it prints.
    pub fn receipt_text(&self, reference: &str, opts: &ReceiptOptions) -> Result<String> {
        let doc = self.receipt_doc(reference, opts)?;
        Ok(till_print::to_text(&doc, opts.paper(&self.settings)?))
    }

    /// A label for each SKU: its name, its price now (as pricing gives it)
    /// and its barcode (EAN-13 when the product's barcode is one, else
    /// Code 128 of the SKU). An unknown SKU is refused, by name.
    pub fn labels(&self, skus: &[String]) -> Result<Vec<Label>> {
        self.require(Permission::LookUp)?;
        if skus.is_empty() {
            return Err(Error::invalid(Field::Sku, "give at least one SKU"));
        }
        let ctx = self.pricing_context()?;
        let now = self.now();
        let currency = self.settings.currency.clone();
        skus.iter()
            .map(|sku| {
                let p = self.product_row(sku.trim())?;
                let price = crate::pricing::price_only(&ctx, &p, now);
                let code = match &p.barcode {
                    Some(b) if till_print::valid_ean13(b) => LabelCode::Ean13(b.clone()),
                    _ => LabelCode::Code128(p.sku.clone()),
                };
                Ok(Label {
                    name: p.name,
                    price: on_paper(&currency, price),
                    code,
                })
            })
            .collect()
    }

    /// Sets the logo printed at the top of receipts (a PNG file's bytes, as
    /// `read_logo_file` reads them), replacing any other.
    pub fn set_receipt_logo(&mut self, png_bytes: &[u8]) -> Result<LogoInfo> {
        self.update_settings_and_logo(SettingsUpdate::default(), Some(Some(png_bytes)))?;
        self.receipt_logo_info()?
            .ok_or_else(|| Error::Internal("the logo was not kept".into()))
    }

    /// Removes the receipt's logo (nothing when there is none).
    pub fn clear_receipt_logo(&mut self) -> Result<()> {
        self.update_settings_and_logo(SettingsUpdate::default(), Some(None))
            .map(drop)
    }

    /// `update_settings` and the logo (`Some(Some(png))` sets it,
    /// `Some(None)` removes it) in one transaction: `till settings set
    /// --name … --logo FILE.png` changes both or neither. The logo is
    /// checked before anything is written.
    pub fn update_settings_and_logo(
        &mut self,
        update: SettingsUpdate,
        logo: Option<Option<&[u8]>>,
    ) -> Result<Settings> {
        let size = match logo {
            Some(Some(png)) => Some(checked_logo(png)?),
            _ => None,
        };
        let step = logo.map(|logo| {
            move |tx: &Connection, auth: &Authority, at: DateTime<Utc>| match (logo, size) {
                (Some(png), Some((w, h))) => write_logo(tx, auth, at, png, w, h),
                _ => remove_logo(tx, auth, at),
            }
        });
        self.update_settings_with(update, step)
    }

    /// The stored logo's size, if there is one.
    pub fn receipt_logo_info(&self) -> Result<Option<LogoInfo>> {
        self.require(Permission::LookUp)?;
        Ok(self
            .conn
            .prepare_cached(
                "SELECT width_px, height_px, length(png), updated_at FROM receipt_logo WHERE id = 1",
            )?
            .query_row([], |r| {
                Ok(LogoInfo {
                    width_px: r.get(0)?,
                    height_px: r.get(1)?,
                    bytes: r.get(2)?,
                    updated_at: r.get(3)?,
                })
            })
            .optional()?)
    }
}
