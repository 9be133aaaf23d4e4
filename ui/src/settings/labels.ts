// The Settings screen's words for each setting, by its key (the keys of
// the settings table and of the change history: `tax_mode`, `backup_keep`).
// The form's labels are these, so an error the core words with its label
// ("Backups kept: …") names the field on screen.

export const SETTING_LABELS: Record<string, string> = {
  store_name: 'Shop name',
  shop_address: 'Address',
  tax_id: 'Tax id',
  receipt_header: 'Receipt header',
  receipt_footer: 'Receipt footer',
  printer_to: 'Printer',
  printer_width: 'Paper',
  printer_codepage: 'Character table',
  drawer_kick: 'Open the drawer after a cash sale',
  auto_print: 'Print after each sale',
  currency: 'Currency',
  tax_mode: 'Tax mode',
  default_tax_rate: 'Default tax rate (%)',
  allow_negative_stock: 'Sell below zero stock',
  time_zone: 'Time zone',
  locale: 'Locale',
  floor_at_cost: 'Never price below cost',
  price_ceiling: 'Price ceiling',
  backup_dir: 'Backup folder',
  backup_every_hours: 'Back up every (hours)',
  backup_keep: 'Backups kept',
  update_check: 'Check for updates',
  update_endpoint: 'Update address',
  discount_approval_pct: 'Discounts needing approval above (%)',
  idle_lock_minutes: 'Lock after idle minutes',
  require_shift: 'Sell only during an open shift',
  reorder_cover_days: 'Days of cover',
  setup_done: 'Set-up finished',
};

/** The words for a setting's key; the key itself for one this window does not know. */
export function settingLabel(key: string): string {
  return SETTING_LABELS[key] ?? key;
}
