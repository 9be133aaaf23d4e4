// Labels for bundles, kits and mining results, as the screens show them.
// Prices stay the decimal strings the core sent; support, confidence and
// lift are statistics (JS numbers), never money.

import { shortTime, windowLabel } from './format';
import type { AppliedBundle, Bundle, BundleOffer } from './bindings';

/** "10% off" or "5.00 per set". */
export function offerLabel(offer: BundleOffer): string {
  return offer.kind === 'percent_off' ? `${offer.value}% off` : `${offer.value} per set`;
}

/** "2 × Coffee, 1 × Croissant". */
export function itemsLabel(items: { name: string; qty: number }[]): string {
  return items.map((i) => `${i.qty} × ${i.name}`).join(', ');
}

/** When a bundle applies, in local time: "always", "from …", "until …" or the window. */
export function bundleWindow(b: Pick<Bundle, 'valid_from' | 'valid_until'>): string {
  if (b.valid_from && b.valid_until) return windowLabel(b.valid_from, b.valid_until);
  if (b.valid_from) return `from ${shortTime(b.valid_from)}`;
  if (b.valid_until) return `until ${shortTime(b.valid_until)}`;
  return 'always';
}

export type BundleStatus = 'live' | 'inactive' | 'outside window';

export function bundleStatus(b: Pick<Bundle, 'active' | 'live'>): BundleStatus {
  if (!b.active) return 'inactive';
  return b.live ? 'live' : 'outside window';
}

/** "Bundle: Breakfast" or "Bundle: Breakfast ×2". */
export function appliedLabel(b: AppliedBundle): string {
  return b.times > 1 ? `Bundle: ${b.name} ×${b.times}` : `Bundle: ${b.name}`;
}

// A statistic the core could not work out (not a finite number) arrives
// as null and reads "—".

/** A share (0..1) as a percent: 0.4567 -> "45.7%". */
export function percentLabel(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** A lift: 2.345 -> "2.35". */
export function liftLabel(lift: number | null): string {
  return lift === null ? '—' : lift.toFixed(2);
}

/** A run's duration: "0.42 s", "12.3 s". */
export function secondsLabel(seconds: number | null): string {
  if (seconds === null) return '—';
  return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`;
}
