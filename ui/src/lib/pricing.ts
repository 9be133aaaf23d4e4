// Labels for dynamic pricing: rules, flash sales and price adjustments, as
// the screens show them. Values stay the decimal strings the core sent.

import { multiplierLabel, signOf } from './decimal';
import type { FlashEffect, FlashSaleView, Rule, Condition, Effect, Scope } from './bindings';

/** What a flash sale does: "-25%" (multiplier 0.75) or "at 2.00" (fixed price). */
export function flashEffectLabel(effect: FlashEffect): string {
  return effect.kind === 'price' ? `at ${effect.value}` : multiplierLabel(effect.value);
}

function shortList(items: string[], max: number): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} +${items.length - max}`;
}

/** What a sale covers, shortened for a badge: "bakery · COF-1, COF-2 +3". */
export function targetsShort(skus: string[], categories: string[], max = 2): string {
  const parts: string[] = [];
  if (categories.length > 0) parts.push(shortList(categories, max));
  if (skus.length > 0) parts.push(shortList(skus, max));
  return parts.join(' · ');
}

/** What a sale covers, in full: "categories bakery, drinks · SKUs COF-1, TEA-2". */
export function targetsFull(skus: string[], categories: string[]): string {
  const parts: string[] = [];
  if (categories.length > 0) parts.push(`${categories.length === 1 ? 'category' : 'categories'} ${categories.join(', ')}`);
  if (skus.length > 0) parts.push(`${skus.length === 1 ? 'SKU' : 'SKUs'} ${skus.join(', ')}`);
  return parts.join(' · ');
}

export const CONDITION_LABELS: Record<Condition['kind'], string> = {
  stock_below: 'Stock below',
  stock_above: 'Stock above',
  within_days_of_sell_by: 'Within days of sell-by',
};

export function conditionLabel(c: Condition): string {
  switch (c.kind) {
    case 'stock_below':
      return `Stock below ${c.threshold}`;
    case 'stock_above':
      return `Stock above ${c.threshold}`;
    case 'within_days_of_sell_by':
      return `Within ${c.threshold} ${c.threshold === 1 ? 'day' : 'days'} of sell-by`;
  }
}

/** "+15%", "−30%", "2.00 off", "+0.50". */
export function ruleEffectLabel(e: Effect): string {
  if (e.kind === 'multiplier') return multiplierLabel(e.value, '−');
  return signOf(e.value) < 0 ? `${e.value.trim().slice(1)} off` : `+${e.value.trim().replace(/^\+/, '')}`;
}

export function scopeLabel(s: Scope): string {
  switch (s.kind) {
    case 'all':
      return 'all products';
    case 'category':
      return `category ${s.value}`;
    case 'sku':
      return `SKU ${s.value}`;
  }
}

/** "Stock below 10 → +15% · all products · hysteresis 5". */
export function ruleLabel(r: Pick<Rule, 'condition' | 'effect' | 'scope' | 'hysteresis'>): string {
  const parts = [`${conditionLabel(r.condition)} → ${ruleEffectLabel(r.effect)}`, scopeLabel(r.scope)];
  if (r.hysteresis > 0) parts.push(`hysteresis ${r.hysteresis}`);
  return parts.join(' · ');
}

const SOURCE_LABELS: Record<string, string> = {
  stock_rule: 'Stock rule',
  sell_by_rule: 'Sell-by rule',
  flash_sale: 'Flash sale',
  guardrail: 'Guardrail',
};

/** "stock_rule" -> "Stock rule"; unknown sources as sent. */
export function sourceLabel(source: string): string {
  return SOURCE_LABELS[source] ?? source;
}

/** A signed change to a price: "−12.50", "+7.50", "0.00". */
export function signedAmount(amount: string): string {
  const sign = signOf(amount);
  const digits = amount.trim().replace(/^[+-]/, '');
  return sign < 0 ? `−${digits}` : sign > 0 ? `+${digits}` : digits;
}

/**
 * Whether the list is out of date by now: an active sale's window has
 * ended or an upcoming one's has begun. The backend's `prices-changed`
 * says so too; this covers a missed or late event.
 */
export function salesDue(sales: FlashSaleView[], now: number): boolean {
  return sales.some((s) => {
    if (s.status === 'active' && s.window_end) return Date.parse(s.window_end) <= now;
    if (s.status === 'upcoming' && s.window_start) return Date.parse(s.window_start) <= now;
    return false;
  });
}
