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

/**
 * Time left as a countdown: "4:05", "1:02:03", "2d 3:04:05". Rounded up to
 * the second, so it shows "0:00" only once the moment has come.
 */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600) % 24;
  const d = Math.floor(total / 86400);
  const ss = String(s).padStart(2, '0');
  if (d > 0) return `${d}d ${h}:${String(m).padStart(2, '0')}:${ss}`;
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${ss}`;
  return `${m}:${ss}`;
}

const windowFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/** A time window in local time: "Fri 27 Nov, 16:00 – 18:00" (dates repeated only when they differ). */
export function windowLabel(startRfc3339: string, endRfc3339: string): string {
  const start = new Date(startRfc3339);
  const end = new Date(endRfc3339);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return `${startRfc3339} – ${endRfc3339}`;
  return windowFormat.formatRange(start, end);
}

/** A stored RFC 3339 time as a `datetime-local` input value, in local time. */
export function toLocalInput(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  const base = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  return d.getSeconds() === 0 ? base : `${base}:${p(d.getSeconds())}`;
}

/** A `datetime-local` value (local time) as RFC 3339 UTC; null when blank or not a time. */
export function fromLocalInput(value: string): string | null {
  if (value.trim() === '') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** How long ago a stored RFC 3339 time was: "just now", "3 min ago", "2 h ago", "4 days ago". */
export function timeAgo(rfc3339: string, now: number): string {
  const t = Date.parse(rfc3339);
  if (Number.isNaN(t)) return '';
  const s = Math.floor((now - t) / 1000);
  if (s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  return d === 1 ? '1 day ago' : `${d} days ago`;
}
