// Display helpers: labels for values the core sends as data.

import type { Discount, OrderStatus, TaxMode } from './types';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

function isToday(d: Date): boolean {
  return d.toDateString() === new Date().toDateString();
}

/** A stored RFC 3339 time in local time; today's times without the date. */
export function shortTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return isToday(d) ? timeFormat.format(d) : dateTimeFormat.format(d);
}

/** A stored RFC 3339 time in local time, always with the date (receipts). */
export function fullTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? rfc3339 : dateTimeFormat.format(d);
}

/** "20" -> "20%". Rates are percent decimals as text. */
export function rateLabel(rate: string): string {
  return `${rate}%`;
}

/** How a discount was entered: "10%" or "2.00". */
export function discountText(d: Discount | null): string {
  if (!d) return '';
  return d.kind === 'percent' ? `${d.value}%` : d.value;
}

export function statusLabel(status: OrderStatus | string): string {
  switch (status) {
    case 'completed':
      return 'Completed';
    case 'partially_refunded':
      return 'Part refunded';
    case 'refunded':
      return 'Refunded';
    default:
      return status;
  }
}

export function taxModeLabel(mode: TaxMode): string {
  return mode === 'inclusive' ? 'Prices include tax' : 'Tax added at till';
}
