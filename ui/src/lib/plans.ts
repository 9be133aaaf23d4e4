// Labels for the plan, the license, usage and memberships, as the Plan
// screen and the checkout show them. Prices and fees stay the decimal
// strings the core sent; limits and usage are counts and sizes (numbers),
// so working out how full a bar is may use plain arithmetic.

import { signOf } from './decimal';
import { dateLabel } from './format';
import type { Limit, LicenseStatus, Membership, MetricUsage, UiError } from './bindings';

/** The plan lacks the feature: the message names the tier that has it. */
export function isGated(e: UiError | string | null | undefined): e is UiError {
  return typeof e === 'object' && e !== null && e.code === 'gated';
}

/** Limits on how many of something the store holds now, not per billing period. */
export const COUNT_METRICS = ['products', 'bundles', 'registers', 'devices'];

export function isCountMetric(key: string): boolean {
  return COUNT_METRICS.includes(key);
}

/**
 * What the owner reads for a feature or limit key ("API access", "API
 * calls"): the words the core sends with the plan (`feature_names`,
 * `limit_names`) or with each metric; the key itself only when the core
 * sent none.
 */
export function keyLabel(key: string, names: Record<string, string> | undefined): string {
  return names?.[key] ?? key;
}

/** "unlimited", or the number as the core sent it. */
export function limitLabel(limit: Limit | undefined): string {
  if (limit === undefined || limit === 'unlimited') return 'unlimited';
  return String(limit);
}

export type UsageLevel = 'ok' | 'warn' | 'over';

/**
 * How full a metric's bar is, in percent (capped at 100), and how it
 * stands: over the limit, at 80% of it or more, or fine. Null for an
 * unlimited metric: it has no bar.
 */
export function usageFill(u: MetricUsage): { percent: number; level: UsageLevel } | null {
  if (u.limit === 'unlimited') return null;
  const { used, limit } = u;
  if (used > limit) return { percent: 100, level: 'over' };
  const percent = limit > 0 ? Math.min(100, (used / limit) * 100) : 0;
  // used / limit >= 0.8, without a rounding error at exactly 80%.
  const level = limit > 0 && used * 5 >= limit * 4 ? 'warn' : 'ok';
  return { percent, level };
}

export { dateLabel };

/**
 * Where the license stands, in a few words: "No license — Free", "Valid
 * until 31 Dec 2026", "Expired — grace until 7 Jan 2027", "Expired".
 * `freeName` is the name of the tier a store without a license is on.
 */
export function licenseStateLabel(l: LicenseStatus, freeName: string): string {
  switch (l.state) {
    case 'none':
      return `No license — ${freeName}`;
    case 'valid':
      return l.expires_at ? `Valid until ${dateLabel(l.expires_at)}` : 'Valid, no end date';
    case 'grace':
      return l.grace_until ? `Expired — grace until ${dateLabel(l.grace_until)}` : 'Expired — in grace';
    case 'expired':
      return 'Expired';
    default:
      return l.state;
  }
}

/** What a member gets, as the badge at the counter shows it: "Coffee club −10%". */
export function memberBadgeLabel(m: Pick<Membership, 'tier_name' | 'discount_percent'>): string {
  return signOf(m.discount_percent) > 0 ? `${m.tier_name} −${m.discount_percent}%` : m.tier_name;
}

/** "YYYY-MM" of a local date (the month input's format). */
export function monthOf(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** Whether text is a month like "2026-11". */
export function isMonth(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text.trim());
}
