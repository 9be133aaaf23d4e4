//! Store settings as the front ends take them: `till settings set`'s flags,
//! the window's Settings screen. Text as typed; blank clears a setting that
//! may be unset. Booleans come as booleans (a flag's `true`/`false`, a
//! checkbox).

use serde::Deserialize;

use crate::error::{Error, Field, Result};
use crate::input::given;
use crate::money::{parse_decimal, Currency};
use crate::settings::SettingsUpdate;
use crate::tax::parse_rate;

/// One change to the settings; None leaves a setting as it is.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(default)]
pub struct SettingsForm {
    pub store_name: Option<String>,
    /// An ISO 4217 code ("EUR"); changeable until the first sale.
    pub currency: Option<String>,
    /// `exclusive` or `inclusive`.
    pub tax_mode: Option<String>,
    /// Percent; blank clears it.
    pub default_tax_rate: Option<String>,
    pub allow_negative_stock: Option<bool>,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    pub floor_at_cost: Option<bool>,
    /// A multiple of the base price; blank: no ceiling.
    pub price_ceiling: Option<String>,
    /// Blank clears it.
    pub shop_address: Option<String>,
    /// Blank clears it.
    pub tax_id: Option<String>,
    /// Lines under the shop's name on receipts; blank clears them.
    pub receipt_header: Option<String>,
    /// Lines at the foot of receipts; blank clears them.
    pub receipt_footer: Option<String>,
    /// A full path; blank: the `backups` folder beside the store.
    pub backup_dir: Option<String>,
    pub backup_every_hours: Option<String>,
    pub backup_keep: Option<String>,
    pub update_check: Option<bool>,
    /// A web address; blank: none.
    pub update_endpoint: Option<String>,
    /// Percent of the line or the order.
    pub discount_approval_pct: Option<String>,
    /// Minutes; 0: never.
    pub idle_lock_minutes: Option<String>,
    pub require_shift: Option<bool>,
    /// `file:PATH`, `tcp:HOST:PORT` or `device:PATH`; blank: no printer.
    pub printer_to: Option<String>,
    /// Characters per line: 32, 42 or 48.
    pub printer_width: Option<String>,
    /// `cp437` or `cp858`.
    pub printer_codepage: Option<String>,
    pub drawer_kick: Option<bool>,
    pub auto_print: Option<bool>,
    /// Days of sales a reorder covers beyond the lead time: 0 to 365.
    pub reorder_cover_days: Option<String>,
}

impl SettingsForm {
    /// The change, every value read; `Settings::updated` checks ranges
    /// and the rest when it is applied.
    pub fn update(&self) -> Result<SettingsUpdate> {
        // Some(None) for blank, so blank clears.
        let clearable = |v: &Option<String>| v.as_ref().map(|t| given(Some(t)).map(String::from));
        Ok(SettingsUpdate {
            store_name: self.store_name.clone(),
            tax_mode: self.tax_mode.as_deref().map(str::parse).transpose()?,
            default_tax_rate: optional(&self.default_tax_rate, parse_rate)?,
            allow_negative_stock: self.allow_negative_stock,
            time_zone: self.time_zone.clone(),
            locale: self.locale.clone(),
            floor_at_cost: self.floor_at_cost,
            price_ceiling: optional(&self.price_ceiling, |t| {
                parse_decimal(Field::PriceCeiling, t)
            })?,
            currency: self
                .currency
                .as_deref()
                .map(Currency::from_code)
                .transpose()?,
            shop_address: clearable(&self.shop_address),
            tax_id: clearable(&self.tax_id),
            receipt_header: clearable(&self.receipt_header),
            receipt_footer: clearable(&self.receipt_footer),
            setup_done: None,
            backup_dir: clearable(&self.backup_dir),
            backup_every_hours: count(Field::BackupEveryHours, &self.backup_every_hours)?,
            backup_keep: count(Field::BackupKeep, &self.backup_keep)?,
            update_check: self.update_check,
            update_endpoint: clearable(&self.update_endpoint),
            discount_approval_pct: self
                .discount_approval_pct
                .as_deref()
                .map(|t| parse_decimal(Field::DiscountApprovalPct, t))
                .transpose()?,
            idle_lock_minutes: whole_u32(Field::IdleLockMinutes, &self.idle_lock_minutes)?,
            require_shift: self.require_shift,
            printer_to: clearable(&self.printer_to),
            printer_width: count(Field::Width, &self.printer_width)?,
            printer_codepage: self
                .printer_codepage
                .as_deref()
                .map(crate::settings::Codepage::parse)
                .transpose()?,
            drawer_kick: self.drawer_kick,
            auto_print: self.auto_print,
            reorder_cover_days: whole_u32(Field::CoverDays, &self.reorder_cover_days)?,
        })
    }
}

/// Blank is `Some(None)` (clear), text is parsed, absent is None.
fn optional<T>(
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<T>,
) -> Result<Option<Option<T>>> {
    match value {
        None => Ok(None),
        Some(t) => match given(Some(t)) {
            None => Ok(Some(None)),
            Some(t) => parse(t).map(|v| Some(Some(v))),
        },
    }
}

/// A whole number of minutes, 0 or more.
fn whole_u32(field: Field, value: &Option<String>) -> Result<Option<u32>> {
    let Some(text) = value else { return Ok(None) };
    let n = crate::input::whole(field, text)?;
    u32::try_from(n)
        .map(Some)
        .map_err(|_| Error::invalid(field, format!("{n} must be a whole number, 0 or more")))
}

/// A count of hours or backups: a positive whole number.
fn count(field: Field, value: &Option<String>) -> Result<Option<u32>> {
    let Some(text) = value else { return Ok(None) };
    let n = crate::input::whole(field, text)?;
    u32::try_from(n)
        .map(Some)
        .map_err(|_| Error::invalid(field, format!("{n} must be a positive whole number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_clears_and_absent_keeps() {
        let u = SettingsForm {
            default_tax_rate: Some(" ".into()),
            tax_id: Some("".into()),
            backup_keep: Some("7".into()),
            ..Default::default()
        }
        .update()
        .unwrap();
        assert_eq!(u.default_tax_rate, Some(None));
        assert_eq!(u.tax_id, Some(None));
        assert_eq!(u.backup_keep, Some(7));
        assert_eq!(u.price_ceiling, None);
        assert_eq!(u.shop_address, None);
    }

    #[test]
    fn wrong_values_name_their_field() {
        let e = SettingsForm {
            backup_every_hours: Some("-2".into()),
            ..Default::default()
        }
        .update()
        .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Invalid {
                    field: Field::BackupEveryHours,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = SettingsForm {
            currency: Some("EURO".into()),
            ..Default::default()
        }
        .update()
        .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Invalid {
                    field: Field::Currency,
                    ..
                }
            ),
            "{e:?}"
        );
    }
}
