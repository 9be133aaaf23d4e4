//! Store settings: currency, tax mode, stock policy, locale and time zone,
//! and this device's identity.

use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::Field;
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
}

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
        let get = |key: &str| -> Result<Option<String>> {
            Ok(conn
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?)
        };
        let damaged = |key: &str, value: &str, problem: &str| {
            Error::Damaged(Damage::new(
                "settings",
                Some(key.to_string()),
                "value",
                value,
                problem,
            ))
        };
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
        Ok(Settings {
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
            floor_at_cost: match get("floor_at_cost")? {
                None => true,
                Some(v) => flag("floor_at_cost", v)?,
            },
            price_ceiling,
        })
    }

    pub(crate) fn save(&self, conn: &Connection) -> Result<()> {
        let put = |key: &str, value: Option<String>| -> Result<()> {
            match value {
                Some(v) => conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![key, v],
                )?,
                None => conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
            };
            Ok(())
        };
        put("store_name", Some(self.store_name.clone()))?;
        put("store_id", Some(self.store_id.clone()))?;
        put("device_id", Some(self.device_id.clone()))?;
        put("device_prefix", Some(self.device_prefix.clone()))?;
        put("currency_code", Some(self.currency.code.clone()))?;
        put(
            "currency_minor_units",
            Some(self.currency.minor_units.to_string()),
        )?;
        put("tax_mode", Some(self.tax_mode.to_string()))?;
        put(
            "default_tax_rate",
            self.default_tax_rate.map(|r| r.normalize().to_string()),
        )?;
        put(
            "allow_negative_stock",
            Some(self.allow_negative_stock.to_string()),
        )?;
        put("time_zone", Some(self.time_zone.clone()))?;
        put("locale", Some(self.locale.clone()))?;
        put("floor_at_cost", Some(self.floor_at_cost.to_string()))?;
        put(
            "price_ceiling",
            self.price_ceiling.map(|c| c.normalize().to_string()),
        )?;
        Ok(())
    }
}

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
        Ok(next)
    }
}
