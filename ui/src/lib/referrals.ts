// Labels for customers, referral codes and the commission ledger, as the
// screens show them. Amounts stay the decimal strings the core sent.

import { moneyText, shortTime } from './format';
import { signOf } from './decimal';
import type { Commission, CommissionStatus, Customer, CustomerKind, Program, ReferralCode } from './bindings';

/** Which people `customersSearch` looks at (default: customers). */
export type CustomerKindFilter = CustomerKind | 'all';

/** "1 day", "14 days". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the referrer earns per order: "10% of the net order" or "€5.00 per order". */
export function rewardLabel(p: Program, currency: string): string {
  if (p.percent !== null) return `${p.percent}% of each referred order's net total (after discounts, before tax)`;
  if (p.amount !== null) return `${currency ? moneyText(p.amount, currency) : p.amount} per referred order`;
  return 'nothing';
}

/** The program's terms as one sentence. */
export function programSentence(p: Program, currency: string): string {
  return (
    `Referrers earn ${rewardLabel(p, currency)}, on a referred customer's orders for ` +
    `${plural(p.window_days, 'day')} from their first referred order. A commission is approved ` +
    `${plural(p.return_days, 'day')} after the sale, once the return window has passed.`
  );
}

/** A customer's email and phone, whichever they have: "ann@example.com · 0123 456". */
export function contactLine(c: Pick<Customer, 'email' | 'phone'>): string {
  return [c.email, c.phone].filter(Boolean).join(' · ');
}

export type CodeState = 'active' | 'expired' | 'retired' | 'inactive';

export function codeState(c: ReferralCode, now = Date.now()): CodeState {
  if (c.retired) return 'retired';
  if (c.expires_at && Date.parse(c.expires_at) <= now) return 'expired';
  return c.active ? 'active' : 'inactive';
}

/** "active", "active until 31/12/2025 18:00", "expired", "retired: duplicate", "inactive". */
export function codeStateLabel(c: ReferralCode): string {
  const state = codeState(c);
  if (state === 'retired') return `retired: ${c.retired}`;
  if (state === 'active' && c.expires_at) return `active until ${shortTime(c.expires_at)}`;
  return state;
}

export function commissionKindLabel(c: Pick<Commission, 'kind'>): string {
  return c.kind === 'reversal' ? 'Reversal (refund)' : 'Sale';
}

export function commissionStatusLabel(status: CommissionStatus | string): string {
  switch (status) {
    case 'pending':
      return 'Pending';
    case 'approved':
      return 'Approved';
    case 'paid':
      return 'Paid';
    case 'reversed':
      return 'Reversed';
    default:
      return status;
  }
}

/** Below zero: a referrer owes money back (a paid commission was refunded). */
export function isNegative(amount: string): boolean {
  return signOf(amount) < 0;
}

/** How a payout can be made; "other" asks for the method in words. */
export const PAYOUT_METHODS: { value: string; label: string }[] = [
  { value: 'cash', label: 'Cash' },
  { value: 'bank transfer', label: 'Bank transfer' },
  { value: 'voucher', label: 'Voucher' },
  { value: 'other', label: 'Other…' },
];
