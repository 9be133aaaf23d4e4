//! The first-run set-up of a store the window created: the shop's details,
//! money and taxes, and an empty or demo catalog. Above the demo, whose
//! catalog it may load.

use crate::error::{Error, Result};
use crate::forms::{Catalog, Setup};
use crate::input::Field;
use crate::roles::Permission;
use crate::settings::{Settings, SettingsUpdate};
use crate::store::Store;

impl Store {
    /// Applies the set-up and marks the store set up. Everything is checked
    /// before anything is written. The settings are saved (and recorded)
    /// first, then the demo catalog if chosen, and `setup_done` last: a
    /// set-up cut short by a crash is asked again at the next start.
    pub fn finish_setup(&mut self, setup: Setup) -> Result<Settings> {
        self.require(Permission::ManageSettings)?;
        if self.settings().setup_done {
            return Err(Error::Conflict(
                "this shop is already set up: change its settings in Settings".into(),
            ));
        }
        let next = self.settings().updated(setup.update.clone())?;
        if setup.catalog == Catalog::Demo {
            let products: i64 =
                self.connection()
                    .query_row("SELECT COUNT(*) FROM products", [], |r| r.get(0))?;
            if products > 0 {
                return Err(Error::invalid(
                    Field::Catalog,
                    "the store already has products; start with an empty catalog",
                ));
            }
            if next.currency.minor_units < 2 {
                return Err(Error::invalid(
                    Field::Catalog,
                    format!(
                        "the demo catalog is priced in cents, which {} does not have; start with an empty catalog",
                        next.currency.code
                    ),
                ));
            }
        }
        self.update_settings(setup.update)?;
        if setup.catalog == Catalog::Demo {
            crate::demo::seed_catalog(self)?;
        }
        self.update_settings(SettingsUpdate {
            setup_done: Some(true),
            ..Default::default()
        })
    }
}
