//! Changing the store's settings: the new values are checked, saved, and
//! recorded (who, when, from what to what) with a `settings.changed` event,
//! all in one transaction. Above the outbox, which carries the event.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::input::Field;
use crate::permissions::Authority;
use crate::roles::Permission;
use crate::settings::{Settings, SettingsUpdate};
use crate::store::{ts, Store};

/// One recorded change of one setting.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SettingChange {
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
    /// The setting's key (`tax_mode`, `backup_keep`, ...).
    pub key: String,
    /// None: it was not set.
    pub old: Option<String>,
    /// None: it is no longer set.
    pub new: Option<String>,
}

impl Store {
    /// Changes store settings in one transaction (see `Settings::updated`
    /// for what is checked) and records what changed. The currency may
    /// change only until the first sale: afterwards it would silently
    /// re-denominate every stored amount.
    pub fn update_settings(&mut self, update: SettingsUpdate) -> Result<Settings> {
        self.update_settings_with(
            update,
            None::<fn(&Connection, &Authority, DateTime<Utc>) -> Result<()>>,
        )
    }

    /// `update_settings` with a step of a module above (the receipt's
    /// logo) run in the same transaction, after the settings are saved.
    pub(crate) fn update_settings_with(
        &mut self,
        update: SettingsUpdate,
        step: Option<impl FnOnce(&Connection, &Authority, DateTime<Utc>) -> Result<()>>,
    ) -> Result<Settings> {
        let auth = self.require(Permission::ManageSettings)?;
        let next = self.settings().updated(update)?;
        let changes = differences(self.settings(), &next);
        let at = self.now();
        if changes.is_empty() {
            if let Some(step) = step {
                let tx = self.write_tx()?;
                step(&tx, &auth, at)?;
                tx.commit()?;
            }
            return Ok(next);
        }
        let user = self.user().to_string();
        let currency_changes = next.currency != self.settings().currency;
        let tx = self.write_tx()?;
        if currency_changes {
            let sold: i64 = tx.query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))?;
            if sold > 0 {
                return Err(Error::invalid(
                    Field::Currency,
                    format!(
                        "cannot change to {} once the shop has sold: every amount is recorded in its currency",
                        next.currency.code
                    ),
                ));
            }
        }
        next.save(&tx)?;
        for (key, old, new) in &changes {
            tx.prepare_cached(
                "INSERT INTO settings_changes (changed_at, changed_by, key, old_value, new_value) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![ts(at), user, key, old, new])?;
        }
        let detail = serde_json::Value::Object(
            changes
                .iter()
                .map(|(key, old, new)| {
                    (
                        key.to_string(),
                        serde_json::json!({ "from": old, "to": new }),
                    )
                })
                .collect(),
        );
        crate::outbox::push(
            &tx,
            at,
            &till_wire::SettingsChanged {
                changed_by: user,
                changes: changes
                    .into_iter()
                    .map(|(key, old, new)| till_wire::SettingChange {
                        key: key.to_string(),
                        old,
                        new,
                    })
                    .collect(),
            },
        )?;
        crate::audit::record(&tx, &auth, at, "settings.change", None, detail)?;
        if let Some(step) = step {
            step(&tx, &auth, at)?;
        }
        tx.commit()?;
        self.replace_settings(next);
        Ok(self.settings().clone())
    }

    /// The recorded changes of settings, newest first, at most `limit`.
    pub fn settings_changes(&self, limit: usize) -> Result<Vec<SettingChange>> {
        self.require(Permission::ManageSettings)?;
        let mut stmt = self.connection().prepare_cached(
            "SELECT id, changed_at, changed_by, key, old_value, new_value FROM settings_changes ORDER BY changed_at DESC, id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(SettingChange {
                changed_at: crate::stored::time(r, 1)?,
                changed_by: r.get(2)?,
                key: r.get(3)?,
                old: r.get(4)?,
                new: r.get(5)?,
            })
        })?;
        let out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(out)
    }
}

/// The settings whose stored text differs, as (key, old, new).
fn differences(
    old: &Settings,
    new: &Settings,
) -> Vec<(&'static str, Option<String>, Option<String>)> {
    old.entries()
        .into_iter()
        .zip(new.entries())
        .filter(|((_, a), (_, b))| a != b)
        .map(|((key, a), (_, b))| (key, a, b))
        .collect()
}
