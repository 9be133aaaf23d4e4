// What the Reports screen asks for and how it shows the answers: the
// period picker's choices as the core names them, the change of a figure
// in percent, the sales-over-time series and the heatmap's shades. Amounts
// stay the core's decimal text everywhere they are read; only the bar
// heights and shades, which are drawn, are numbers.

import { signOf } from '../lib/decimal';
import type { HeatCell, ReportPeriodInput, SalesReport } from '../lib/bindings';

export type PresetName = 'today' | 'yesterday' | 'this-week' | 'last-week' | 'this-month' | 'last-month';

/** The picker's choices: the core's presets, and a custom range of dates. */
export const PERIODS: { id: PresetName | 'custom'; label: string }[] = [
  { id: 'today', label: 'Today' },
  { id: 'yesterday', label: 'Yesterday' },
  { id: 'this-week', label: 'This week' },
  { id: 'last-week', label: 'Last week' },
  { id: 'this-month', label: 'This month' },
  { id: 'last-month', label: 'Last month' },
  { id: 'custom', label: 'Custom' },
];

/** What the report is compared with; the ids are the core's `compare` words. */
export const COMPARISONS: { id: 'none' | 'previous' | 'last-year'; label: string }[] = [
  { id: 'none', label: 'No comparison' },
  { id: 'previous', label: 'Previous period' },
  { id: 'last-year', label: 'Same period last year' },
];

export type PeriodChoice = {
  period: PresetName | 'custom';
  /** Dates as typed ("2026-11-01"), used when `period` is custom. */
  from: string;
  to: string;
  compare: 'none' | 'previous' | 'last-year';
};

/** The period as the backend takes it; the core reads the names and dates. */
export function periodInput(c: PeriodChoice): ReportPeriodInput {
  return c.period === 'custom' ? { kind: 'range', from: c.from, to: c.to } : { kind: 'preset', name: c.period };
}

/** The `compare` argument of a sales report. */
export function compareArg(c: PeriodChoice): string | null {
  return c.compare === 'none' ? null : c.compare;
}

/** One day is shown by hour; anything longer by day. */
export function isOneDay(c: PeriodChoice): boolean {
  if (c.period === 'today' || c.period === 'yesterday') return true;
  return c.period === 'custom' && c.from.trim() !== '' && c.from.trim() === c.to.trim();
}

export type Trend = 'up' | 'down' | 'flat';

/**
 * A change in percent as the core sends it ("12.5", "-3.0", or null when
 * the comparison's figure was zero): "+12.5%", "−3.0%", with its direction.
 */
export function changeText(percent: string | null | undefined): { text: string; trend: Trend } | null {
  if (percent === null || percent === undefined) return null;
  const sign = signOf(percent);
  const digits = percent.trim().replace(/^[+-]/, '');
  if (sign > 0) return { text: `+${digits}%`, trend: 'up' };
  if (sign < 0) return { text: `−${digits}%`, trend: 'down' };
  return { text: `${digits}%`, trend: 'flat' };
}

/** Whether a change reads as good news: more refunds are not. */
export function isGood(trend: Trend, goodWhenUp: boolean): boolean | null {
  if (trend === 'flat') return null;
  return (trend === 'up') === goodWhenUp;
}

/** Days from `first` to `last`, both "YYYY-MM-DD", both included. */
export function daysBetween(first: string, last: string): string[] {
  const parse = (d: string) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  };
  const a = parse(first);
  const b = parse(last);
  if (Number.isNaN(a) || Number.isNaN(b)) return [];
  const out: string[] = [];
  // A year of days at most: a longer period is shown as it comes.
  for (let t = a; t <= b && out.length < 366; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export type Series = {
  /** The row keys along the axis: "2026-11-02" or "14" (the hour). */
  keys: string[];
  /** Net sales per key, exactly as the core sent them ("0" where none). */
  current: string[];
  /** The comparison period's, position by position (its Nth day or the same hour); null without one. */
  previous: string[] | null;
};

/**
 * Net sales over time for the chart. By hour: the hours that had sales in
 * either period, from the first to the last. By day: every day of the
 * period (`days`: its local dates), a day without sales at 0; the
 * comparison's days (`previousDays`) are matched by position, so the
 * first Monday sits beside the first Monday.
 */
export function salesSeries(
  report: SalesReport,
  byHour: boolean,
  days: string[] = [],
  previousDays: string[] = [],
): Series {
  const net = (r: SalesReport | null | undefined) => new Map((r?.rows ?? []).map((row) => [row.key, row.net]));
  const now = net(report);
  const before = report.compare ? net(report.compare) : null;
  if (byHour) {
    const hours = [...now.keys(), ...(before?.keys() ?? [])].map(Number).filter((h) => Number.isInteger(h));
    const keys: string[] = [];
    if (hours.length > 0) {
      for (let h = Math.min(...hours); h <= Math.max(...hours); h++) keys.push(String(h).padStart(2, '0'));
    }
    return {
      keys,
      current: keys.map((k) => now.get(k) ?? '0'),
      previous: before ? keys.map((k) => before.get(k) ?? '0') : null,
    };
  }
  const keys = days.length > 0 ? days : [...now.keys()];
  return {
    keys,
    current: keys.map((k) => now.get(k) ?? '0'),
    previous: before ? keys.map((_, i) => before.get(previousDays[i] ?? '') ?? '0') : null,
  };
}

/** A decimal's value for drawing (a bar's height, a cell's shade); never for sums. */
export function drawn(amount: string): number {
  const n = Number(amount);
  return Number.isFinite(n) ? n : 0;
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export type HeatGrid = {
  /** The hours shown: 8 to 18 at least, widened to the first and last that had orders. */
  hours: number[];
  /** rows[weekday][i]: the cell of `hours[i]`, with its shade from 0 (none) to 1 (the busiest). */
  rows: { cell: HeatCell | null; shade: number }[][];
};

/** The weekday x hour grid, shaded by net sales against the busiest cell. */
export function heatGrid(cells: HeatCell[]): HeatGrid {
  const busy = cells.filter((c) => c.orders > 0);
  // A day or two of sales still reads as a day: the grid keeps shop hours.
  const first = Math.min(8, ...busy.map((c) => c.hour));
  const last = Math.max(18, ...busy.map((c) => c.hour));
  const hours: number[] = [];
  for (let h = first; h <= last; h++) hours.push(h);
  const max = Math.max(0, ...cells.map((c) => drawn(c.net)));
  const at = new Map(cells.map((c) => [`${c.weekday}:${c.hour}`, c]));
  const rows = WEEKDAYS.map((_, day) =>
    hours.map((h) => {
      const cell = at.get(`${day}:${h}`) ?? null;
      const value = cell ? drawn(cell.net) : 0;
      return { cell, shade: max > 0 && value > 0 ? value / max : 0 };
    }),
  );
  return { hours, rows };
}
