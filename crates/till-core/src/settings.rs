//! Store settings: currency, tax mode, stock policy, locale and time zone,
//! and this device's identity.

use rand::Rng;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::{opt_text, Field, TextKind};
use crate::money::Currency;
use crate::stored::Damage;
use crate::tax::{parse_rate, TaxMode};

/// Time zones are read with the locale, the layer below.
pub use crate::locale::parse_time_zone;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Settings {
    pub store_name: String,
    /// Identifies the shop to the upstream.
    pub store_id: String,
    /// Identifies this till to the upstream.
    pub device_id: String,
    /// Short prefix of this device's receipt numbers ("K7QF-000123").
    pub device_prefix: String,
    pub currency: Currency,
    pub tax_mode: TaxMode,
    /// Tax rate (percent) given to products added without one; none by default.
    pub default_tax_rate: Option<Decimal>,
    /// Selling more than on hand: refused unless this is set.
    pub allow_negative_stock: bool,
    /// IANA time zone of the shop: flash-sale weeks, sell-by days and
    /// receipts' local times are reckoned in it.
    pub time_zone: String,
    /// BCP 47 tag ("de-DE") of how dates and times read in the front ends
    /// (`locale`); stored times and JSON stay RFC 3339.
    pub locale: String,
    /// Guardrail: dynamic prices never go below a product's cost (unless
    /// the product has a floor of its own).
    pub floor_at_cost: bool,
    /// Guardrail: the highest price as a multiple of the base price, for
    /// products without a ceiling of their own. None: no ceiling.
    pub price_ceiling: Option<Decimal>,
    /// The shop's address as printed on receipts; may span lines.
    pub shop_address: Option<String>,
    /// The shop's tax or VAT number, printed on receipts.
    pub tax_id: Option<String>,
    /// Lines printed under the shop's name on every receipt ("Open daily 8-18").
    pub receipt_header: Option<String>,
    /// Lines printed at the foot of every receipt (returns policy, thanks).
    pub receipt_footer: Option<String>,
    /// False while a store the window created waits for its first-run
    /// set-up; stores made by `till init` and older stores are set up.
    pub setup_done: bool,
    /// Where backups go; None: a `backups` folder beside the store.
    pub backup_dir: Option<String>,
    /// Hours between automatic backups while the app runs.
    pub backup_every_hours: u32,
    /// How many backups the backup folder keeps (the newest).
    pub backup_keep: u32,
    /// Whether the app looks for a new version when it starts.
    pub update_check: bool,
    /// Where the app looks for new versions: the URL of a JSON manifest.
    pub update_endpoint: Option<String>,
    /// A discount above this percent of the line or the order needs a
    /// manager's permission (`discount_above_threshold`).
    pub discount_approval_pct: Decimal,
    /// Minutes without input before the window locks; 0: never.
    pub idle_lock_minutes: u32,
    /// Sales wait for an open shift.
    pub require_shift: bool,
    /// Where receipts print: `file:PATH`, `tcp:HOST:PORT` or `device:PATH`
    /// (as `till_print::Destination` reads it); None: no printer.
    pub printer_to: Option<String>,
    /// Characters per line of the receipt printer's paper: 32 (58 mm), 42
    /// or 48 (80 mm).
    pub printer_width: u32,
    /// The character table the printer is switched to.
    pub printer_codepage: Codepage,
    /// Open the cash drawer (plugged into the printer) after a cash sale.
    pub drawer_kick: bool,
    /// Print the receipt after each sale unless the cashier chose otherwise.
    pub auto_print: bool,
    /// Days of sales a reorder suggestion covers beyond the supplier's lead
    /// time (`reorder`).
    pub reorder_cover_days: u32,
}

/// The receipt printer's character table (`ESC t`): cp858 has the euro
/// sign and Western European letters; cp437 is most printers' factory table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Codepage {
    Cp437,
    #[default]
    Cp858,
}

impl Codepage {
    /// `cp437` or `cp858` (any case).
    pub fn parse(text: &str) -> Result<Codepage> {
        match text.parse::<till_print::CodePage>() {
            Ok(till_print::CodePage::Cp437) => Ok(Codepage::Cp437),
            Ok(till_print::CodePage::Cp858) => Ok(Codepage::Cp858),
            Err(e) => Err(Error::invalid(Field::Codepage, e.to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        self.page().name()
    }

    /// The table as the ESC/POS encoder knows it.
    pub fn page(self) -> till_print::CodePage {
        match self {
            Codepage::Cp437 => till_print::CodePage::Cp437,
            Codepage::Cp858 => till_print::CodePage::Cp858,
        }
    }
}

/// Receipt paper widths, in characters per line.
pub const PRINTER_WIDTHS: [u32; 3] = [32, 42, 48];
/// The paper width unless the owner chose another: 80 mm paper, font A.
pub const PRINTER_WIDTH: u32 = 42;

/// A paper width Till lays receipts out for, or an error naming `field`.
pub fn printer_width(field: Field, chars: u32) -> Result<u32> {
    if PRINTER_WIDTHS.contains(&chars) {
        Ok(chars)
    } else {
        Err(Error::invalid(
            field,
            format!(
                "{chars} characters is not a receipt paper width: 32 (58 mm), 42 or 48 (80 mm)"
            ),
        ))
    }
}

/// A printer destination as given (`file:PATH`, `tcp:HOST:PORT`,
/// `device:PATH`), checked; the text is kept as it was written.
pub fn printer_destination(text: &str) -> Result<till_print::Destination> {
    till_print::Destination::parse(text.trim())
        .map_err(|e| Error::invalid(Field::Printer, e.to_string()))
}

/// Hours between automatic backups, unless the owner chose otherwise.
pub const BACKUP_EVERY_HOURS: u32 = 24;
/// Backups kept, unless the owner chose otherwise.
pub const BACKUP_KEEP: u32 = 14;
/// Discounts above this percent need a manager, unless the owner chose otherwise.
pub const DISCOUNT_APPROVAL_PCT: Decimal = Decimal::TEN;
/// Idle minutes before the window locks, unless the owner chose otherwise.
pub const IDLE_LOCK_MINUTES: u32 = 5;
/// Days of cover a reorder buys beyond the lead time, unless the owner
/// chose otherwise.
pub const REORDER_COVER_DAYS: u32 = 14;
/// Days of cover: none to a year.
pub const REORDER_COVER_RANGE: std::ops::RangeInclusive<u32> = 0..=365;
/// Idle lock: at most a day (0 is never).
pub const IDLE_LOCK_RANGE: std::ops::RangeInclusive<u32> = 0..=1440;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            store_name: "My shop".into(),
            store_id: uuid::Uuid::now_v7().to_string(),
            device_id: uuid::Uuid::now_v7().to_string(),
            device_prefix: random_prefix(),
            currency: Currency {
                code: "EUR".into(),
                minor_units: 2,
            },
            tax_mode: TaxMode::Exclusive,
            default_tax_rate: None,
            allow_negative_stock: false,
            time_zone: local_time_zone(),
            locale: crate::locale::system_default(),
            floor_at_cost: true,
            price_ceiling: None,
            shop_address: None,
            tax_id: None,
            receipt_header: None,
            receipt_footer: None,
            setup_done: true,
            backup_dir: None,
            backup_every_hours: BACKUP_EVERY_HOURS,
            backup_keep: BACKUP_KEEP,
            update_check: true,
            update_endpoint: None,
            discount_approval_pct: DISCOUNT_APPROVAL_PCT,
            idle_lock_minutes: IDLE_LOCK_MINUTES,
            require_shift: false,
            printer_to: None,
            printer_width: PRINTER_WIDTH,
            printer_codepage: Codepage::Cp858,
            drawer_kick: false,
            auto_print: false,
            reorder_cover_days: REORDER_COVER_DAYS,
        }
    }
}

/// The machine's time zone, or UTC when it cannot be told.
pub fn local_time_zone() -> String {
    iana_time_zone::get_timezone()
        .ok()
        .filter(|tz| tz.parse::<chrono_tz::Tz>().is_ok())
        .unwrap_or_else(|| "UTC".into())
}

/// A ceiling is a multiple of the base price, at least 1 (the store's, and
/// a product's own).
pub(crate) fn check_ceiling(value: Decimal) -> Result<Decimal> {
    if value < Decimal::ONE || value > Decimal::ONE_HUNDRED {
        return Err(Error::invalid(
            Field::Ceiling,
            format!("{value} must be between 1 and 100 (a multiple of the base price)"),
        ));
    }
    Ok(value.normalize())
}

/// The stored text of setting `key`, if it is set.
fn stored(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Setting `key` holds `value`, which it cannot: the store is damaged there.
fn damaged(key: &str, value: &str, problem: &str) -> Error {
    Error::Damaged(Damage::new(
        "settings",
        Some(key.to_string()),
        "value",
        value,
        problem,
    ))
}

/// The backup settings alone, read as `Settings::load` reads them. A store
/// backs itself up before a migration, when the rest of its settings may
/// not be readable as this build's yet, so these are read on their own.
pub(crate) struct BackupSettings {
    pub dir: Option<String>,
    pub every_hours: u32,
    pub keep: u32,
}

impl BackupSettings {
    pub(crate) fn load(conn: &Connection) -> Result<BackupSettings> {
        let count = |key: &str, default: u32, range: std::ops::RangeInclusive<u32>| match stored(
            conn, key,
        )? {
            None => Ok(default),
            Some(v) => match v.parse::<u32>() {
                Ok(n) if range.contains(&n) => Ok(n),
                _ => Err(damaged(
                    key,
                    &v,
                    &format!(
                        "which is not a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                )),
            },
        };
        Ok(BackupSettings {
            dir: stored(conn, "backup_dir")?,
            every_hours: count("backup_every_hours", BACKUP_EVERY_HOURS, BACKUP_HOURS)?,
            keep: count("backup_keep", BACKUP_KEEP, BACKUP_KEEP_RANGE)?,
        })
    }
}

/// Four characters from an alphabet without look-alikes (no 0/O, 1/I/L).
fn random_prefix() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

impl Settings {
    /// Reads the settings. A value that is missing or cannot be read is
    /// damage, named by its key; only settings that later schema versions
    /// added have defaults, so a store created before them opens as it was.
    pub(crate) fn load(conn: &Connection) -> Result<Settings> {
        let get = |key: &str| stored(conn, key);
        let need = |key: &str| -> Result<String> {
            get(key)?.ok_or_else(|| damaged(key, "", "because the setting is missing"))
        };
        // Parses setting `key` with `parse`; the parser's own message is
        // replaced by what the value is not.
        let read = |key: &str, value: String, what: &str, ok: bool| -> Result<String> {
            if ok {
                Ok(value)
            } else {
                Err(damaged(key, &value, &format!("which is not {what}")))
            }
        };
        let flag = |key: &str, value: String| -> Result<bool> {
            match value.as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(damaged(key, &value, "which is neither true nor false")),
            }
        };
        let minor = need("currency_minor_units")?;
        let minor: u32 = minor
            .parse()
            .map_err(|_| damaged("currency_minor_units", &minor, "which is not a number"))?;
        let code = need("currency_code")?;
        let code_ok = Currency::from_code(&code).is_ok();
        let tax_mode = need("tax_mode")?;
        let default_tax_rate = match get("default_tax_rate")? {
            None => None,
            Some(r) => Some(
                parse_rate(&r)
                    .map_err(|_| damaged("default_tax_rate", &r, "which is not a tax rate"))?,
            ),
        };
        let time_zone = match get("time_zone")? {
            None => "UTC".to_string(),
            Some(tz) => {
                let ok = tz.parse::<chrono_tz::Tz>().is_ok();
                read("time_zone", tz, "a time zone", ok)?
            }
        };
        // A store made before the setting existed never chose a locale: it
        // reads as the machine's until the owner sets one.
        let locale = match get("locale")? {
            None => crate::locale::system_default(),
            Some(tag) => crate::locale::parse(Field::Locale, &tag).map_err(|_| {
                damaged(
                    "locale",
                    &tag,
                    "which is not a locale Till can write dates in",
                )
            })?,
        };
        let price_ceiling = match get("price_ceiling")? {
            None => None,
            Some(c) => Some(
                c.parse::<Decimal>()
                    .map_err(|_| damaged("price_ceiling", &c, "which is not a decimal number"))?,
            ),
        };
        let opt_flag = |key: &str, default: bool| -> Result<bool> {
            match get(key)? {
                None => Ok(default),
                Some(v) => flag(key, v),
            }
        };
        let backups = BackupSettings::load(conn)?;
        let discount_approval_pct = match get("discount_approval_pct")? {
            None => DISCOUNT_APPROVAL_PCT,
            Some(p) => match p.parse::<Decimal>() {
                Ok(d) if (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&d) => d,
                _ => {
                    return Err(damaged(
                        "discount_approval_pct",
                        &p,
                        "which is not a percent from 0 to 100",
                    ))
                }
            },
        };
        let idle_lock_minutes = match get("idle_lock_minutes")? {
            None => IDLE_LOCK_MINUTES,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if IDLE_LOCK_RANGE.contains(&n) => n,
                _ => {
                    return Err(damaged(
                        "idle_lock_minutes",
                        &v,
                        "which is not a whole number from 0 to 1440",
                    ))
                }
            },
        };
        let reorder_cover_days = match get("reorder_cover_days")? {
            None => REORDER_COVER_DAYS,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if REORDER_COVER_RANGE.contains(&n) => n,
                _ => {
                    return Err(damaged(
                        "reorder_cover_days",
                        &v,
                        "which is not a whole number of days from 0 to 365",
                    ))
                }
            },
        };
        let printer_to = match get("printer_to")? {
            None => None,
            Some(d) => {
                let ok = till_print::Destination::parse(&d).is_ok();
                Some(read("printer_to", d, "a printer destination", ok)?)
            }
        };
        let printer_width = match get("printer_width")? {
            None => PRINTER_WIDTH,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if PRINTER_WIDTHS.contains(&n) => n,
                _ => return Err(damaged("printer_width", &v, "which is not 32, 42 or 48")),
            },
        };
        let printer_codepage = match get("printer_codepage")? {
            None => Codepage::Cp858,
            Some(v) => match v.as_str() {
                "cp437" => Codepage::Cp437,
                "cp858" => Codepage::Cp858,
                _ => {
                    return Err(damaged(
                        "printer_codepage",
                        &v,
                        "which is neither cp437 nor cp858",
                    ))
                }
            },
        };
        Ok(Settings {
            printer_to,
            printer_width,
            printer_codepage,
            drawer_kick: opt_flag("drawer_kick", false)?,
            auto_print: opt_flag("auto_print", false)?,
            discount_approval_pct,
            idle_lock_minutes,
            reorder_cover_days,
            require_shift: opt_flag("require_shift", false)?,
            shop_address: get("shop_address")?,
            tax_id: get("tax_id")?,
            receipt_header: get("receipt_header")?,
            receipt_footer: get("receipt_footer")?,
            setup_done: opt_flag("setup_done", true)?,
            backup_dir: backups.dir,
            backup_every_hours: backups.every_hours,
            backup_keep: backups.keep,
            update_check: opt_flag("update_check", true)?,
            update_endpoint: get("update_endpoint")?,
            store_name: need("store_name")?,
            store_id: need("store_id")?,
            device_id: need("device_id")?,
            device_prefix: need("device_prefix")?,
            currency: Currency {
                code: read("currency_code", code, "an ISO 4217 currency code", code_ok)?,
                minor_units: minor,
            },
            tax_mode: tax_mode.parse().map_err(|_| {
                damaged(
                    "tax_mode",
                    &tax_mode,
                    "which is neither exclusive nor inclusive",
                )
            })?,
            default_tax_rate,
            allow_negative_stock: flag("allow_negative_stock", need("allow_negative_stock")?)?,
            time_zone,
            locale,
            floor_at_cost: opt_flag("floor_at_cost", true)?,
            price_ceiling,
        })
    }

    /// Every setting as its key in the settings table and its stored text
    /// (None: not stored). `save` writes these; the change record compares them.
    pub(crate) fn entries(&self) -> Vec<(&'static str, Option<String>)> {
        let dec = |d: Option<Decimal>| d.map(|v| v.normalize().to_string());
        vec![
            ("store_name", Some(self.store_name.clone())),
            ("store_id", Some(self.store_id.clone())),
            ("device_id", Some(self.device_id.clone())),
            ("device_prefix", Some(self.device_prefix.clone())),
            ("currency_code", Some(self.currency.code.clone())),
            (
                "currency_minor_units",
                Some(self.currency.minor_units.to_string()),
            ),
            ("tax_mode", Some(self.tax_mode.to_string())),
            ("default_tax_rate", dec(self.default_tax_rate)),
            (
                "allow_negative_stock",
                Some(self.allow_negative_stock.to_string()),
            ),
            ("time_zone", Some(self.time_zone.clone())),
            ("locale", Some(self.locale.clone())),
            ("floor_at_cost", Some(self.floor_at_cost.to_string())),
            ("price_ceiling", dec(self.price_ceiling)),
            ("shop_address", self.shop_address.clone()),
            ("tax_id", self.tax_id.clone()),
            ("receipt_header", self.receipt_header.clone()),
            ("receipt_footer", self.receipt_footer.clone()),
            ("setup_done", Some(self.setup_done.to_string())),
            ("backup_dir", self.backup_dir.clone()),
            (
                "backup_every_hours",
                Some(self.backup_every_hours.to_string()),
            ),
            ("backup_keep", Some(self.backup_keep.to_string())),
            ("update_check", Some(self.update_check.to_string())),
            ("update_endpoint", self.update_endpoint.clone()),
            (
                "discount_approval_pct",
                Some(self.discount_approval_pct.normalize().to_string()),
            ),
            (
                "idle_lock_minutes",
                Some(self.idle_lock_minutes.to_string()),
            ),
            ("require_shift", Some(self.require_shift.to_string())),
            ("printer_to", self.printer_to.clone()),
            ("printer_width", Some(self.printer_width.to_string())),
            (
                "printer_codepage",
                Some(self.printer_codepage.as_str().to_string()),
            ),
            ("drawer_kick", Some(self.drawer_kick.to_string())),
            ("auto_print", Some(self.auto_print.to_string())),
            (
                "reorder_cover_days",
                Some(self.reorder_cover_days.to_string()),
            ),
        ]
    }

    pub(crate) fn save(&self, conn: &Connection) -> Result<()> {
        for (key, value) in self.entries() {
            match value {
                Some(v) => conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![key, v],
                )?,
                None => conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
            };
        }
        Ok(())
    }

    /// The folder backups go to: the chosen one, else `backups` beside
    /// the store file.
    pub fn backup_folder(&self, store_path: &Path) -> PathBuf {
        match &self.backup_dir {
            Some(dir) => PathBuf::from(dir),
            None => default_backup_folder(store_path),
        }
    }
}

/// `backups` beside the store file: where backups go unless the owner
/// chose a folder.
pub fn default_backup_folder(store_path: &Path) -> PathBuf {
    store_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

/// Automatic backups: at least hourly, at most yearly.
pub const BACKUP_HOURS: std::ops::RangeInclusive<u32> = 1..=8760;
/// Backups kept: at least one.
pub const BACKUP_KEEP_RANGE: std::ops::RangeInclusive<u32> = 1..=1000;

/// A change to one store setting, as the owner gives it.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct SettingsUpdate {
    pub store_name: Option<String>,
    pub tax_mode: Option<TaxMode>,
    /// `Some(None)` clears the default rate.
    pub default_tax_rate: Option<Option<Decimal>>,
    pub allow_negative_stock: Option<bool>,
    pub time_zone: Option<String>,
    /// A BCP 47 tag ("de-DE").
    pub locale: Option<String>,
    pub floor_at_cost: Option<bool>,
    /// `Some(None)` removes the store ceiling.
    pub price_ceiling: Option<Option<Decimal>>,
    /// Changeable until the first sale (see `Store::update_settings`).
    pub currency: Option<Currency>,
    /// `Some(None)` clears the address.
    pub shop_address: Option<Option<String>>,
    /// `Some(None)` clears the tax id.
    pub tax_id: Option<Option<String>>,
    /// `Some(None)` clears the receipt header.
    pub receipt_header: Option<Option<String>>,
    /// `Some(None)` clears the receipt footer.
    pub receipt_footer: Option<Option<String>>,
    pub setup_done: Option<bool>,
    /// `Some(None)`: back to the `backups` folder beside the store.
    pub backup_dir: Option<Option<String>>,
    pub backup_every_hours: Option<u32>,
    pub backup_keep: Option<u32>,
    pub update_check: Option<bool>,
    /// `Some(None)`: no update endpoint.
    pub update_endpoint: Option<Option<String>>,
    /// Percent, 0 to 100.
    pub discount_approval_pct: Option<Decimal>,
    /// 0 (never) to 1440.
    pub idle_lock_minutes: Option<u32>,
    pub require_shift: Option<bool>,
    /// `Some(None)`: no printer.
    pub printer_to: Option<Option<String>>,
    /// 32, 42 or 48.
    pub printer_width: Option<u32>,
    pub printer_codepage: Option<Codepage>,
    pub drawer_kick: Option<bool>,
    pub auto_print: Option<bool>,
    /// 0 to 365 days.
    #[serde(default)]
    pub reorder_cover_days: Option<u32>,
}

impl Settings {
    /// These settings with `update` applied, each value checked. The
    /// currency is fixed at `init`: changing it would silently
    /// re-denominate every stored amount. `Store::update_settings` saves
    /// the result.
    pub(crate) fn updated(&self, update: SettingsUpdate) -> Result<Settings> {
        let mut next = self.clone();
        if let Some(name) = update.store_name {
            next.store_name =
                crate::input::text(Field::StoreName, &name, crate::input::TextKind::Name)?;
        }
        if let Some(mode) = update.tax_mode {
            next.tax_mode = mode;
        }
        if let Some(rate) = update.default_tax_rate {
            next.default_tax_rate = rate;
        }
        if let Some(allow) = update.allow_negative_stock {
            next.allow_negative_stock = allow;
        }
        if let Some(tz) = update.time_zone {
            next.time_zone = parse_time_zone(&tz)?.name().to_string();
        }
        if let Some(tag) = update.locale {
            next.locale = crate::input::locale(Field::Locale, &tag)?;
        }
        if let Some(f) = update.floor_at_cost {
            next.floor_at_cost = f;
        }
        if let Some(c) = update.price_ceiling {
            if let Some(v) = c {
                check_ceiling(v)?;
            }
            next.price_ceiling = c.map(|v| v.normalize());
        }
        if let Some(c) = update.currency {
            next.currency = Currency::from_code(&c.code)?;
        }
        if let Some(a) = update.shop_address {
            next.shop_address = opt_text(Field::Address, a.as_deref(), TextKind::Note)?;
        }
        if let Some(t) = update.tax_id {
            next.tax_id = opt_text(Field::TaxId, t.as_deref(), TextKind::Reference)?;
        }
        if let Some(h) = update.receipt_header {
            next.receipt_header = opt_text(Field::ReceiptHeader, h.as_deref(), TextKind::Note)?;
        }
        if let Some(f) = update.receipt_footer {
            next.receipt_footer = opt_text(Field::ReceiptFooter, f.as_deref(), TextKind::Note)?;
        }
        if let Some(done) = update.setup_done {
            next.setup_done = done;
        }
        if let Some(dir) = update.backup_dir {
            next.backup_dir = match crate::input::given(dir.as_deref()) {
                None => None,
                Some(d) => Some(crate::input::folder(Field::BackupDir, d)?),
            };
        }
        if let Some(h) = update.backup_every_hours {
            next.backup_every_hours = in_range(Field::BackupEveryHours, h, BACKUP_HOURS, "hours")?;
        }
        if let Some(k) = update.backup_keep {
            next.backup_keep = in_range(Field::BackupKeep, k, BACKUP_KEEP_RANGE, "backups")?;
        }
        if let Some(on) = update.update_check {
            next.update_check = on;
        }
        if let Some(url) = update.update_endpoint {
            next.update_endpoint = match crate::input::given(url.as_deref()) {
                None => None,
                Some(u) => Some(crate::input::web_address(Field::UpdateEndpoint, u)?),
            };
        }
        if let Some(p) = update.discount_approval_pct {
            if p < Decimal::ZERO || p > Decimal::ONE_HUNDRED {
                return Err(Error::invalid(
                    Field::DiscountApprovalPct,
                    format!("{p} must be a percent from 0 to 100"),
                ));
            }
            next.discount_approval_pct = p.normalize();
        }
        if let Some(m) = update.idle_lock_minutes {
            next.idle_lock_minutes = in_range(
                Field::IdleLockMinutes,
                m,
                IDLE_LOCK_RANGE,
                "minutes (0: never)",
            )?;
        }
        if let Some(on) = update.require_shift {
            next.require_shift = on;
        }
        if let Some(d) = update.reorder_cover_days {
            next.reorder_cover_days = in_range(Field::CoverDays, d, REORDER_COVER_RANGE, "days")?;
        }
        if let Some(to) = update.printer_to {
            next.printer_to = match crate::input::given(to.as_deref()) {
                None => None,
                Some(d) => Some(printer_destination(d)?.to_string()),
            };
        }
        if let Some(w) = update.printer_width {
            next.printer_width = printer_width(Field::Width, w)?;
        }
        if let Some(c) = update.printer_codepage {
            next.printer_codepage = c;
        }
        if let Some(on) = update.drawer_kick {
            next.drawer_kick = on;
        }
        if let Some(on) = update.auto_print {
            next.auto_print = on;
        }
        Ok(next)
    }
}

fn in_range(field: Field, n: u32, range: std::ops::RangeInclusive<u32>, what: &str) -> Result<u32> {
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(Error::invalid(
            field,
            format!(
                "{n} must be from {} to {} {what}",
                range.start(),
                range.end()
            ),
        ))
    }
}
