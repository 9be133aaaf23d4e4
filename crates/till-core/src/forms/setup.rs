//! The first-run set-up as the window asks it: what the receipts say about
//! the shop, the money and the taxes, and how the store starts.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::forms::SettingsForm;
use crate::settings::SettingsUpdate;

/// How a new store starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Catalog {
    /// No products: the owner adds their own.
    Empty,
    /// The demo café's products with opening stock, to try Till out.
    Demo,
}

/// The set-up's answers, as typed. Blank address, tax id and default rate
/// mean none.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct SetupForm {
    pub store_name: String,
    pub shop_address: String,
    pub tax_id: String,
    pub currency: String,
    pub time_zone: String,
    pub tax_mode: String,
    pub default_tax_rate: String,
    pub catalog: Catalog,
}

/// The set-up, read: the settings it changes and the catalog to start with.
#[derive(Debug, Clone)]
pub struct Setup {
    pub update: SettingsUpdate,
    pub catalog: Catalog,
}

impl SetupForm {
    pub fn setup(&self) -> Result<Setup> {
        let form = SettingsForm {
            store_name: Some(self.store_name.clone()),
            currency: Some(self.currency.clone()),
            tax_mode: Some(self.tax_mode.clone()),
            default_tax_rate: Some(self.default_tax_rate.clone()),
            time_zone: Some(self.time_zone.clone()),
            shop_address: Some(self.shop_address.clone()),
            tax_id: Some(self.tax_id.clone()),
            ..Default::default()
        };
        Ok(Setup {
            update: form.update()?,
            catalog: self.catalog,
        })
    }
}
