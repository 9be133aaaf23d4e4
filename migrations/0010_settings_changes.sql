-- Who changed which store setting, when, from what to what: the owner's
-- record of the shop's configuration (`till settings history`, the
-- window's Settings screen). Written in the transaction that saves the
-- settings, with the `settings.changed` event that syncs it.
CREATE TABLE settings_changes (
    id          INTEGER PRIMARY KEY,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    key         TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT
);
CREATE INDEX settings_changes_by_time ON settings_changes (changed_at, id);
