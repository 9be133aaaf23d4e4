/** The screens of the top nav, with their function-key shortcuts. */
export type Screen =
  | 'checkout'
  | 'products'
  | 'orders'
  | 'stock'
  | 'pricing'
  | 'sync'
  | 'bundles'
  | 'referrals'
  | 'plan'
  | 'reports'
  | 'staff'
  | 'settings';

/** `icon`: shown in the nav instead of the label (which is its name for assistive technology). */
export const SCREENS: { id: Screen; label: string; key: string; icon?: string }[] = [
  { id: 'checkout', label: 'Checkout', key: 'F1' },
  { id: 'products', label: 'Products', key: 'F2' },
  { id: 'orders', label: 'Orders', key: 'F3' },
  { id: 'stock', label: 'Stock', key: 'Shift+F2' },
  { id: 'pricing', label: 'Pricing', key: 'F4' },
  { id: 'sync', label: 'Sync', key: 'F5' },
  { id: 'bundles', label: 'Bundles', key: 'F6' },
  { id: 'referrals', label: 'Referrals', key: 'F7' },
  { id: 'plan', label: 'Plan', key: 'F8' },
  { id: 'reports', label: 'Reports', key: 'F11' },
  { id: 'staff', label: 'Staff', key: 'F10' },
  { id: 'settings', label: 'Settings', key: 'F9', icon: '⚙' },
];

/** The screen a key opens, if any: `key` is the key's name with `Shift+`
 * before it when Shift is held (`keyName`). F12 is the checkout's Pay, so
 * the twelfth screen is on Shift+F2, beside Products. */
export function screenForKey(key: string): Screen | undefined {
  return SCREENS.find((s) => s.key === key)?.id;
}

/** A key press as `SCREENS` names it: `F2`, `Shift+F2`. */
export function keyName(e: { key: string; shiftKey: boolean }): string {
  return e.shiftKey ? `Shift+${e.key}` : e.key;
}
