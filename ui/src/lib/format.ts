// Display helpers: labels for values the core sends as data, and the one
// place dates, times and amounts with their currency are written: in the
// store's locale (settings.locale, e.g. "de-DE") and its time zone
// (settings.time_zone), not the web view's defaults.

import { shop } from './shop.svelte';
import type { Discount, OrderStatus, Settings, TaxMode } from './bindings';

/** Uses the store's locale and time zone from now on (called once the settings load). */
export function useStoreLocale(settings: Pick<Settings, 'locale' | 'time_zone'>) {
  shop.locale = supportedLocale(settings.locale);
  shop.timeZone = supportedTimeZone(settings.time_zone);
}

// The core only stores tags and zones it checked; a web view that does not
// know one falls back to its default rather than failing to show anything.
function supportedLocale(tag: string): string | undefined {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0 ? tag : undefined;
  } catch {
    return undefined;
  }
}

function supportedTimeZone(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A date-time format in the store's locale and time zone (reactive: reads `shop`). */
function dateTimeFormat(name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const { locale, timeZone } = shop;
  const key = `${name}|${locale ?? ''}|${timeZone ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const DATE_TIME: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
};
const DATE: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };
const WINDOW: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
};

/** The calendar day of a moment where the store is: "2026-12-02". */
function storeDay(d: Date): string {
  const parts = wallClock(d);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The store's calendar day of an RFC 3339 time ("2026-12-02"); `before`: of the moment just before it (an exclusive end). */
export function storeDate(rfc3339: string, before = false): string | null {
  const t = Date.parse(rfc3339);
  return Number.isNaN(t) ? null : storeDay(new Date(before ? t - 1 : t));
}

function isToday(d: Date): boolean {
  return storeDay(d) === storeDay(new Date());
}

/** A stored RFC 3339 time in the store's time zone; today's times without the date. */
export function shortTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return isToday(d) ? dateTimeFormat('time', TIME).format(d) : dateTimeFormat('dateTime', DATE_TIME).format(d);
}

/** A stored RFC 3339 time in the store's time zone, always with the date (receipts, the order list). */
export function fullTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? rfc3339 : dateTimeFormat('dateTime', DATE_TIME).format(d);
}

/** A "YYYY-MM-DD" day, short, for a chart's axis: "Mon 2 Nov" (the store's locale). */
export function dayShort(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(shop.locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
}

/** An RFC 3339 time or a "YYYY-MM-DD" day as a date: "31 Dec 2026", "31.12.2026". */
export function dateLabel(value: string): string {
  // A bare day is a calendar day: written as it is, whatever the time zone.
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    const d = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    if (Number.isNaN(d.getTime())) return value;
    return new Intl.DateTimeFormat(shop.locale, { ...DATE, timeZone: 'UTC' }).format(d);
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dateTimeFormat('date', DATE).format(d);
}

/**
 * An amount standing alone with its currency, placed as the store's locale
 * places it: "€29.00" (en-GB), "29.00 €" (de-DE), "$29.00" (en-US). The
 * digits stay exactly as the core sent them (like everywhere else in the
 * window); the locale gives the symbol and where it goes.
 */
export function currencyParts(currency: string): { before: string; after: string } {
  try {
    const parts = new Intl.NumberFormat(shop.locale, { style: 'currency', currency }).formatToParts(1);
    const isNumber = (t: string) => ['integer', 'group', 'decimal', 'fraction'].includes(t);
    const first = parts.findIndex((p) => isNumber(p.type));
    let last = parts.length - 1;
    while (last >= 0 && !isNumber(parts[last].type)) last--;
    const text = (list: Intl.NumberFormatPart[]) => list.map((p) => p.value).join('');
    return { before: text(parts.slice(0, first)), after: text(parts.slice(last + 1)) };
  } catch {
    return { before: '', after: ` ${currency}` };
  }
}

/** An amount and its currency as one string: "€29.00", "−€5.00", "29.00 €". */
export function moneyText(amount: string, currency: string): string {
  const { before, after } = currencyParts(currency);
  const text = amount.trim();
  const negative = text.startsWith('-');
  return `${negative ? '−' : ''}${before}${negative ? text.slice(1) : text}${after}`;
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

/** A time window in the store's time zone: "Fri 27 Nov, 16:00 – 18:00" (dates repeated only when they differ). */
export function windowLabel(startRfc3339: string, endRfc3339: string): string {
  const start = new Date(startRfc3339);
  const end = new Date(endRfc3339);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return `${startRfc3339} – ${endRfc3339}`;
  return dateTimeFormat('window', WINDOW).formatRange(start, end);
}

type WallClock = { year: string; month: string; day: string; hour: string; minute: string; second: string };

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/**
 * What the clock on the shop's wall says at a moment, as numbers (the web
 * view's own zone until the settings load). Gregorian, Latin digits and a
 * 0-23 hour whatever the locale, so the fields can be read back.
 */
function wallClock(d: Date): WallClock {
  const zone = shop.timeZone;
  let f = wallClocks.get(zone ?? '');
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZone: zone,
    });
    wallClocks.set(zone ?? '', f);
  }
  const parts = f.formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    year: get('year').padStart(4, '0'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** A stored RFC 3339 time as a `datetime-local` input value, in the store's time zone. */
export function toLocalInput(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return '';
  const w = wallClock(d);
  const base = `${w.year}-${w.month}-${w.day}T${w.hour}:${w.minute}`;
  return w.second === '00' ? base : `${base}:${w.second}`;
}

/** A `datetime-local` value (the store's wall clock) as RFC 3339 UTC; null when blank or not a time. */
export function fromLocalInput(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  // The wall-clock fields read as if in UTC, then moved by the zone's
  // offset at that moment (asked twice, for the hours around a DST change).
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(asUtc)) return null;
  const offsetAt = (t: number) => {
    const w = wallClock(new Date(t));
    return Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second) - t;
  };
  let t = asUtc - offsetAt(asUtc);
  const again = offsetAt(t);
  if (asUtc - again !== t) t = asUtc - again;
  const out = new Date(t);
  return Number.isNaN(out.getTime()) ? null : out.toISOString();
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
